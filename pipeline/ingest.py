"""The steps of ingesting an archive, as plain functions: find the PDFs, set aside the
unchanged ones by content hash, extract one document, load one document, and finish
(prune removed documents, refresh the network analytics).

The Prefect flow in flows/ingest.py only orchestrates these (mapping, retries, caching);
each step is tested here without Prefect. A failing document (unreadable PDF, refused
load) becomes a row with its reason and never stops the others; what was loaded stays.
"""

from __future__ import annotations

import glob
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from neo4j import Driver
from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired, TransientError

from models import ExtractionResult
from pipeline import PIPELINE_VERSION
from pipeline.extract import extract_document
from pipeline.graph_load import known_documents, load_document, prune_documents, records_written
from pipeline.network import NetworkResult
from pipeline.network_store import analysis_exists, refresh_network
from pipeline.pages import DocumentReadError, sha256_of

# Worth retrying: the server is restarting, a cluster leader changed, a deadlock between two
# documents loading the same organisation. Anything else will fail the same way again.
TRANSIENT_ERRORS = (ServiceUnavailable, SessionExpired, TransientError)
CHANGED = ("loaded", "replaced", "pruned")


@dataclass
class IngestRow:
    """One document's outcome: extracted (not yet loaded), loaded, replaced, unchanged, failed, pruned,
    or missing (in the graph, no longer in the archive, kept because pruning was not asked)."""

    source: str
    status: str
    result: ExtractionResult | None = None
    reason: str = ""
    counters: dict[str, int] = field(default_factory=dict)
    path: str = ""

    @property
    def records_written(self) -> int:
        return records_written(self.counters)

    def facts(self) -> dict[str, object]:
        """What the summaries (terminal table, Prefect artifact) show of the document; empty
        when it was not extracted (unchanged, failed to open, pruned)."""
        res = self.result
        if res is None:
            return {}
        ev = res.evaluation
        return {"Type": res.document.doc_type, "Cluster": ev.cluster if ev else None,
                "Year": ev.year if ev else None, "Evaluator": ev.evaluator if ev else None,
                "Pages": res.document.pages, "Questions": len(res.questions), "Criteria": len(res.criteria),
                "Constats": len(res.constats), "Partners": len({m.canonical for m in res.partners}),
                "Warnings": len(res.warnings)}


def discover(paths: Iterable[str | Path], unpack_dir: Path | None = None) -> list[Path]:
    """PDFs under folders (recursively), glob patterns, single files, and zip archives."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file())
        elif path.suffix.lower() == ".zip" and path.is_file():
            target = (unpack_dir or path.parent / f".{path.stem}.unzipped")
            with zipfile.ZipFile(path) as zf:
                members = [m for m in zf.namelist() if m.lower().endswith(".pdf") and not m.startswith("__MACOSX")]
                for m in members:
                    zf.extract(m, target)
                found += sorted(target / m for m in members)
        elif path.is_file():
            found.append(path)
        else:
            found += sorted(Path(p) for p in glob.glob(str(raw), recursive=True) if p.lower().endswith(".pdf"))
    unique: dict[str, Path] = {}
    for p in found:
        unique.setdefault(str(p.resolve()), p)
    return list(unique.values())


def split_unchanged(files: list[Path], known: dict[str, tuple[str, str]]) -> tuple[list[IngestRow], list[Path]]:
    """(rows for files whose bytes and pipeline version are already in the graph, files to process).
    Only the hash is computed for an unchanged file: it is never parsed."""
    unchanged, todo = [], []
    for path in files:
        try:
            same = known.get(path.name) == (sha256_of(path), PIPELINE_VERSION)
        except OSError:
            same = False  # unreadable: extraction reports it with its reason
        (unchanged.append(IngestRow(path.name, "unchanged", path=str(path))) if same else todo.append(path))
    return unchanged, todo


def extract_one(path: Path) -> IngestRow:
    """Extraction never raises for bad input: the row says why the document was not read."""
    source = path.name
    try:
        return IngestRow(source, "extracted", extract_document(path), path=str(path))
    except DocumentReadError as exc:
        return IngestRow(source, "failed", reason=str(exc), path=str(path))
    except OSError as exc:
        return IngestRow(source, "failed", reason=f"{source}: {exc}", path=str(path))


def load_one(driver: Driver, row: IngestRow, known: dict[str, tuple[str, str]],
             database: str | None = None) -> IngestRow:
    """Load an extracted document in one transaction. Transient errors propagate, so the caller
    can retry (nothing of the document was written); other refusals become a failed row."""
    if row.status != "extracted" or row.result is None:
        return row
    try:
        outcome = load_document(driver, row.result, database, known)
    except TRANSIENT_ERRORS:
        raise
    except Neo4jError as exc:
        return IngestRow(row.source, "failed", row.result, f"{row.source}: Neo4j refused the load ({exc.message})",
                         path=row.path)
    return IngestRow(row.source, outcome.status, row.result, counters=outcome.counters, path=row.path)


def unavailable(source: str, exc: BaseException) -> IngestRow:
    """The row of a document whose load could not reach Neo4j, even after retries."""
    return IngestRow(source, "failed", reason=f"{source}: Neo4j unavailable ({type(exc).__name__}: {exc}); "
                                              "nothing of this document was written, a rerun loads it")


def finish(driver: Driver, rows: list[IngestRow], files: list[Path], prune: bool, analyse: bool = True,
           database: str | None = None) -> tuple[list[IngestRow], NetworkResult | None]:
    """Prune documents no longer present (if asked), then recompute the network analytics if
    any document changed or none were ever computed (an unchanged re-ingest writes nothing)."""
    rows = list(rows)
    present = {p.name for p in files}
    network = None
    try:
        if prune:
            rows += [IngestRow(source, "pruned") for source in prune_documents(driver, present, database)]
        else:
            rows += [IngestRow(source, "missing", reason=f"{source}: in the graph but no longer in the archive; "
                                                          "--prune deletes it")
                     for source in sorted(set(known_documents(driver, database)) - present)]
        if analyse and (any(r.status in CHANGED for r in rows) or not analysis_exists(driver, database)):
            network = refresh_network(driver, database)
    except TRANSIENT_ERRORS as exc:  # the documents' own outcomes stand; the next run finishes this
        rows.append(IngestRow("(pruning and network analytics)", "failed",
                              reason=f"Neo4j unavailable ({type(exc).__name__}); rerun to complete"))
    return rows, network
