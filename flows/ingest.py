"""Prefect 3 flow: ingest a folder, glob or zip archive of evaluation PDFs into Neo4j.

One extraction task and one load task per document, mapped over the archive:
- extraction is pure and cached by the file's sha256 and the pipeline version, so a file seen
  before (by any run, on any worker sharing the result storage) is never parsed twice;
- loading retries with exponential backoff on transient Neo4j errors only (server restarting,
  deadlock between two documents merging the same organisation); one transaction per document,
  so a retry never finds half a document;
- unchanged files (same sha256 and version in the graph) are skipped before any task runs.
The run ends with a markdown artifact: every document, its status, records and warnings.

The same flow runs from `evalgraph ingest` (no Prefect server needed: Prefect starts a
temporary local one), from the scheduled deployment in prefect.yaml, and on Dask workers.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from neo4j import Driver
from prefect import flow, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff

from graph_schema import apply_migrations
from pipeline import PIPELINE_VERSION
from pipeline.config import Neo4jSettings, make_driver
from pipeline.graph_load import known_documents
from pipeline.ingest import (
    TRANSIENT_ERRORS,
    IngestRow,
    discover,
    extract_one,
    finish,
    load_one,
    split_unchanged,
    unavailable,
)
from pipeline.network import NetworkResult
from pipeline.network_store import network_summary
from pipeline.pages import sha256_of

ARTIFACT_KEY = "evalgraph-ingest-summary"
ARTIFACT_FACTS = ("Type", "Cluster", "Year", "Questions", "Criteria", "Constats", "Partners")
Listener = Callable[[str, IngestRow], None]
_listeners: list[Listener] = []


@dataclass
class IngestReport:
    rows: list[IngestRow]
    network: NetworkResult | None = None

    @property
    def counts(self) -> dict[str, int]:
        """Documents per status."""
        return dict(Counter(r.status for r in self.rows))

    @property
    def failed(self) -> list[IngestRow]:
        return [r for r in self.rows if r.status == "failed"]


@contextmanager
def listening(callback: Listener) -> Iterator[None]:
    """Call `callback(event, row)` as documents progress ("extracted", then "done"), in the
    process running the flow: this is how the CLI draws its progress bars."""
    _listeners.append(callback)
    try:
        yield
    finally:
        _listeners.remove(callback)


def _notify(event: str, row: IngestRow) -> None:
    for callback in list(_listeners):
        callback(event, row)


@cache
def _driver(settings: Neo4jSettings) -> Driver:
    """One driver (a connection pool) per worker process, reused by every task it runs."""
    return make_driver(settings)


def _extraction_key(_context: Any, parameters: dict[str, Any]) -> str | None:
    """Content, pipeline version and file name: the name is the document's identity in the graph,
    so the same bytes under another name are another document (and another cached result)."""
    path = Path(parameters["path"])
    name = hashlib.sha256(path.name.encode()).hexdigest()[:16]
    try:
        return f"evalgraph-extract-{sha256_of(path)}-{name}-{PIPELINE_VERSION}"
    except OSError:
        return None  # unreadable file: no caching, the task reports why


def _retry_if_transient(_task: Any, _task_run: Any, state: Any) -> bool:
    try:
        state.result()
    except TRANSIENT_ERRORS:
        return True
    except Exception:
        return False
    return False


@task(name="extract-document", task_run_name="extract {path}", cache_key_fn=_extraction_key,
      persist_result=True, cache_result_in_memory=False)
def extract_document_task(path: str) -> IngestRow:
    return extract_one(Path(path))


@task(name="load-document", task_run_name="load {row.source}", retries=3,
      retry_delay_seconds=exponential_backoff(backoff_factor=1), retry_jitter_factor=0.5,
      retry_condition_fn=_retry_if_transient, cache_result_in_memory=False)
def load_document_task(row: IngestRow, known: dict[str, tuple[str, str]]) -> IngestRow:
    settings = Neo4jSettings.from_env()  # workers read Neo4j settings from their own environment
    return load_one(_driver(settings), row, known, settings.database)


def _outcome(future: PrefectFuture, path: Path, extracted: PrefectFuture) -> IngestRow:
    """A finished load future as a row, whatever happened to it (a task's state may not be
    synced yet when its future completes, so the value itself is what is looked at)."""
    value = future.result(raise_on_failure=False)
    if isinstance(value, IngestRow):
        return value
    cause = extracted.result(raise_on_failure=False)
    if not isinstance(cause, IngestRow):
        return IngestRow(path.name, "failed", reason=f"{path.name}: extraction crashed ({cause!r})", path=str(path))
    if isinstance(value, TRANSIENT_ERRORS):
        return unavailable(path.name, value)
    return IngestRow(path.name, "failed", reason=f"{path.name}: load crashed ({value!r})", path=str(path))


def _collect(todo: list[Path], extracts: list[PrefectFuture], loads: list[PrefectFuture]) -> list[IngestRow]:
    index = {id(f): i for i, f in enumerate(extracts)} | {id(f): i for i, f in enumerate(loads)}
    extract_ids = {id(f) for f in extracts}
    rows: dict[int, IngestRow] = {}
    for future in as_completed(list(extracts) + list(loads)):
        i = index[id(future)]
        if id(future) in extract_ids:
            value = future.result(raise_on_failure=False)
            if isinstance(value, IngestRow):
                _notify("extracted", value)
            continue
        rows[i] = _outcome(future, todo[i], extracts[i])
        _notify("done", rows[i])
    return [rows[i] for i in sorted(rows)]


def _cell(text: object) -> str:
    return "" if text is None else str(text).replace("|", "\\|").replace("\n", " ")


def summary_markdown(report: IngestReport) -> str:
    lines = ["# evalgraph ingest", "",
             ", ".join(f"{n} {status}" for status, n in sorted(report.counts.items())) or "no documents", "",
             "| Document | Status | Type | Cluster | Year | Questions | Criteria | Constats | Partners | Records "
             "written | Warnings | Reason |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in report.rows:
        facts = r.facts()
        warnings = "; ".join(f"{w.code} (p. {w.page})" for w in r.result.warnings) if r.result else ""
        cells = [r.source, r.status, *(facts.get(key) for key in ARTIFACT_FACTS), r.records_written or "",
                 warnings, r.reason]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if report.network is not None:
        lines += ["", "Network: " + ", ".join(f"{k} {v}" for k, v in network_summary(report.network).items())]
    return "\n".join(lines) + "\n"


@flow(name="evalgraph-ingest", description="Ingest evaluation reports (folder, glob or zip) into Neo4j.",
      version=PIPELINE_VERSION)
def ingest_archive(paths: list[str], prune: bool = False, analyse: bool = True) -> IngestReport:
    settings = Neo4jSettings.from_env()
    driver = _driver(settings)
    apply_migrations(driver, settings.database)
    files = discover(paths)
    known = known_documents(driver, settings.database)
    unchanged, todo = split_unchanged(files, known)
    for row in unchanged:
        _notify("done", row)
    extracts = extract_document_task.map([str(p) for p in todo])
    loads = load_document_task.map(extracts, known=unmapped(known))
    rows, network = finish(driver, unchanged + _collect(todo, list(extracts), list(loads)), files, prune, analyse,
                           settings.database)
    report = IngestReport(rows, network)
    create_markdown_artifact(key=ARTIFACT_KEY, markdown=summary_markdown(report),
                             description=f"{len(rows)} documents: "
                                         + ", ".join(f"{n} {s}" for s, n in report.counts.items()))
    return report


def task_runner(kind: str = "auto", workers: int | None = None, dask_address: str | None = None,
                documents: int = 0) -> Any:
    """threads: one process, overlaps I/O. processes: real parallelism for CPU-bound extraction
    (each worker loads spaCy once). dask: a LocalCluster, or the scheduler at `dask_address`
    (workers on other machines). auto: processes when there is enough work to pay their start-up."""
    workers = workers or max(1, os.cpu_count() or 1)
    if kind == "dask" or dask_address:
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                              cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True})
    if kind == "processes" or (kind == "auto" and workers > 1 and documents >= 4 * workers):
        return ProcessPoolTaskRunner(max_workers=workers)
    return ThreadPoolTaskRunner(max_workers=workers)


def run_ingest(paths: list[str], prune: bool = False, analyse: bool = True, runner: str | None = None,
               workers: int | None = None, dask_address: str | None = None) -> IngestReport:
    """The flow with a task runner chosen from the arguments, else EVALGRAPH_TASK_RUNNER,
    EVALGRAPH_WORKERS and EVALGRAPH_DASK_ADDRESS. The PDFs are found once, here (a zip archive is
    unpacked once), and the flow is given the files themselves."""
    runner = runner or os.environ.get("EVALGRAPH_TASK_RUNNER", "auto")
    workers = workers or int(os.environ.get("EVALGRAPH_WORKERS", "0") or 0) or None
    dask_address = dask_address or os.environ.get("EVALGRAPH_DASK_ADDRESS") or None
    files = [str(p) for p in discover(paths)]
    chosen = task_runner(runner, workers, dask_address, documents=len(files))
    return ingest_archive.with_options(task_runner=chosen)(paths=files, prune=prune, analyse=analyse)
