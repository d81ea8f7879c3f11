"""The steps of ingesting an archive, as plain functions: find the PDFs, set aside the
unchanged ones by content hash, extract one document (pipeline.ingest_row), load one document,
and finish (prune removed documents, refresh the network analytics).

The Prefect flow in flows/ingest.py only orchestrates these (mapping, retries, caching);
each step is tested here without Prefect. A failing document (unreadable PDF, refused
load) becomes a row with its reason and never stops the others; what was loaded stays.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from neo4j import Driver
from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired, TransientError

from models.kinds import GRAPH_CHANGING
from pipeline import gazetteer
from pipeline.archive import Discovery, FoundFile
from pipeline.gazetteer_scope import scope_digest
from pipeline.graph_load import (
    gazetteer_evidence,
    known_documents,
    load_documents,
    prune_documents,
    record_gazetteer,
)
from pipeline.identity import KnownDocument, Plan, plan
from pipeline.ingest_row import IngestRow
from pipeline.network import NetworkResult
from pipeline.network_store import analysis_exists, refresh_network
from pipeline.versioning import extraction_version

# Worth retrying: the server is restarting, a cluster leader changed, a deadlock between two
# documents loading the same organisation. Anything else will fail the same way again.
TRANSIENT_ERRORS = (ServiceUnavailable, SessionExpired, TransientError)


def planned_rows(found: Discovery, todo_plan: Plan) -> list[IngestRow]:
    """The rows of everything decided before extraction: skipped entries, unchanged files,
    duplicates, conflicts and moves (a move whose version also changed is extracted: its row
    comes from the load)."""
    rows = [IngestRow(s.entry, "skipped", reason=str(s)) for s in found.skipped]
    rows += [IngestRow(f.source, "unchanged", path=f.path) for f in todo_plan.unchanged]
    rows += [IngestRow(f.source, "duplicate", reason=reason, path=f.path) for f, reason in todo_plan.duplicates]
    rows += [IngestRow(f.source, "failed", reason=reason, path=f.path) for f, reason in todo_plan.conflicts]
    moved_from = {m.new: m.old for m in todo_plan.moves}
    rows += [IngestRow(f.source, "moved", reason=f"{f.source}: the same bytes as {moved_from[f.source]}, which is "
                                                 "no longer there: renamed in the graph, facts kept", path=f.path)
             for f in todo_plan.moved_unchanged]
    return rows


def known_and_current(driver: Driver, database: str | None = None) -> dict[str, KnownDocument]:
    """What the graph holds of every document. A document extracted with another gazetteer than
    today's, whose scope the difference does not touch, is recorded as extracted with today's
    (its extraction would not change): only the documents an edit concerns are extracted again."""
    gazetteer.refresh()
    today = gazetteer.digest()
    known = known_documents(driver, database)
    stale = [source for source, doc in known.items() if doc.gazetteer != today and doc.scope is not None]
    if not stale:
        return known
    evidence = gazetteer_evidence(driver, stale, database)
    same = [source for source in stale if source in evidence and scope_digest(*evidence[source]) == known[source].scope]
    record_gazetteer(driver, same, today, database)
    return {**known, **{source: replace(known[source], gazetteer=today) for source in same}}


def plan_ingest(driver: Driver, files: list[FoundFile], database: str | None = None) -> Plan:
    """What is to be done with each found file, against what the graph holds now."""
    return plan(files, known_and_current(driver, database), extraction_version(), gazetteer.digest())


@dataclass
class Loaded:
    rows: list[IngestRow]
    records_written: int = 0  # what the transaction(s) created, all documents together


def load_many(driver: Driver, rows: list[IngestRow], database: str | None = None) -> Loaded:
    """Load the extracted documents among `rows` in one transaction (the others pass through).
    Transient errors propagate, so the caller can retry: nothing of the batch was written. If
    Neo4j refuses the batch, each document is tried alone, so only the one it refuses fails."""
    todo = [r for r in rows if r.status == "extracted" and r.result is not None]
    if not todo:
        return Loaded(list(rows))
    try:
        batch = load_documents(driver, [r.result for r in todo if r.result is not None], database)
    except TRANSIENT_ERRORS:
        raise
    except Neo4jError as exc:
        if len(todo) == 1:
            row = todo[0]
            refused = IngestRow.failure(row.source, f"Neo4j refused the load ({exc.message})", row.path, row.result)
            return Loaded([refused if r is row else r for r in rows])
        alone = [load_many(driver, [r], database) for r in rows]
        return Loaded([r for one in alone for r in one.rows], sum(one.records_written for one in alone))
    outcome = {id(r): o for r, o in zip(todo, batch.outcomes, strict=True)}  # in the order given
    loaded = [IngestRow(r.source, outcome[id(r)].status, r.result, counters=outcome[id(r)].counters,
                        path=r.path).without_records() if id(r) in outcome else r for r in rows]
    return Loaded(loaded, batch.records_written)


def load_one(driver: Driver, row: IngestRow, database: str | None = None) -> IngestRow:
    """Load one extracted document in its own transaction (see load_many)."""
    return load_many(driver, [row], database).rows[0]


def unavailable(source: str, exc: BaseException) -> IngestRow:
    """The row of a document whose load could not reach Neo4j, even after retries."""
    return IngestRow.failure(source, f"Neo4j unavailable ({type(exc).__name__}: {exc}); "
                                     "nothing of this document was written, a rerun loads it")


def finish(driver: Driver, rows: list[IngestRow], present: set[str], prune: bool, analyse: bool = True,
           database: str | None = None) -> tuple[list[IngestRow], NetworkResult | None]:
    """Prune documents no longer present (if asked), then recompute the network analytics if
    any document changed or none were ever computed (an unchanged re-ingest writes nothing).
    `present`: the identities of every file found, whatever became of them in this run."""
    rows = list(rows)
    network = None
    try:
        if prune:
            rows += [IngestRow(source, "pruned") for source in prune_documents(driver, present, database)]
        else:
            rows += [IngestRow(source, "missing", reason=f"{source}: in the graph but no longer in the archive; "
                                                          "--prune deletes it")
                     for source in sorted(set(known_documents(driver, database)) - present)]
        if analyse and (any(r.status in GRAPH_CHANGING for r in rows) or not analysis_exists(driver, database)):
            network = refresh_network(driver, database)
    except TRANSIENT_ERRORS as exc:  # the documents' own outcomes stand; the next run finishes this
        rows.append(IngestRow("(pruning and network analytics)", "failed",
                              reason=f"Neo4j unavailable ({type(exc).__name__}); rerun to complete"))
    return rows, network
