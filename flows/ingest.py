"""Prefect 3 flow: ingest a folder, glob or zip archive of evaluation PDFs into Neo4j.

One extraction task per document, mapped over the archive, and load tasks for batches of the
extracted documents:
- extraction is pure and cached by the file's sha256, its identity and the extraction version, so
  a file seen before (by any run, on any worker sharing the result storage) is never parsed
  twice; a failed extraction is not cached;
- loading retries with exponential backoff on transient Neo4j errors only (server restarting);
  one transaction per batch, so a retry never finds half a document, and a batch Neo4j refuses
  is retried document by document, so only the refused document fails;
- what each file is (unchanged, moved, a duplicate, a conflict, new or changed) is decided from
  its identity and sha256 before any task runs (pipeline.identity).
The run ends with a markdown artifact: every document, its status, records and warnings.

The same flow runs from `evalgraph ingest` (no Prefect server needed: flows.prefect_api starts a
local one for the run), from the scheduled deployment in prefect.yaml, and on Dask workers.
"""

from __future__ import annotations

import hashlib
import queue
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import Any

from neo4j import Driver
from neo4j.exceptions import Neo4jError
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.futures import PrefectFuture
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote

from flows.extraction_pool import extract, extraction_processes
from flows.prefect_api import prefect_api
from flows.progress import notify, stop_event
from flows.runner_settings import RunnerSettings, task_runner
from flows.summary import ARTIFACT_KEY, IngestReport, summary_markdown
from graph_schema import apply_migrations
from models.service import Outcome
from pipeline import PIPELINE_VERSION, gazetteer
from pipeline.archive import FoundFile, discover, workspace
from pipeline.config import Neo4jSettings, make_driver
from pipeline.graph_load import move_documents, record_origins
from pipeline.graph_summary import graph_summary
from pipeline.ingest import (
    TRANSIENT_ERRORS,
    Loaded,
    finish,
    load_many,
    plan_ingest,
    planned_rows,
    unavailable,
)
from pipeline.ingest_row import IngestRow
from pipeline.pages import describe, sha256_of
from pipeline.versioning import extraction_version

LOAD_BATCH = 50  # documents per transaction at most (about 20,000 records per second, bench/)
LOAD_EVERY_SECONDS = 2.0


@cache
def shared_driver(settings: Neo4jSettings) -> Driver:
    """One driver (a connection pool) per process, reused by the flow and every load."""
    return make_driver(settings)


def _extraction_key(_context: Any, parameters: dict[str, Any]) -> str | None:
    """Content, extraction version (code, report wording, cues), gazetteer and identity: the same bytes
    at another path are another document (and another cached result)."""
    found: FoundFile = parameters["found"]
    name = hashlib.sha256(found.source.encode()).hexdigest()[:16]
    knowledge = f"{extraction_version()}-{gazetteer.digest()[:12]}"
    try:
        return f"evalgraph-extract-{found.sha256 or sha256_of(Path(found.path))}-{name}-{knowledge}"
    except OSError:
        return None  # unreadable file: no caching, the task reports why


class ExtractionFailed(Exception):
    """Raised by the extraction task for a document that could not be extracted, so that Prefect
    marks the run failed and never caches it: the next run tries again (a memory error, a time
    limit, a file being written, are not the document's last word)."""

    def __init__(self, source: str, reason: str, path: str = "") -> None:
        super().__init__(source, reason, path)  # args as given: pickles and unpickles as it is
        self.row = IngestRow(source, "failed", reason=reason, path=path)


def _retry_if_transient(_task: Any, _task_run: Any, state: Any) -> bool:
    try:
        state.result()
    except TRANSIENT_ERRORS:
        return True
    except Exception:
        return False
    return False


@task(name="extract-document", task_run_name="extract {found.source}", cache_key_fn=_extraction_key,
      persist_result=True, cache_result_in_memory=False)
def extract_document_task(found: FoundFile) -> IngestRow:
    row = extract(found)
    if row.status == "failed":
        raise ExtractionFailed(row.source, row.reason, row.path)
    return row


@task(name="load-documents", task_run_name="load {label}", retries=3,
      retry_delay_seconds=exponential_backoff(backoff_factor=1), retry_jitter_factor=0.5,
      retry_condition_fn=_retry_if_transient, cache_result_in_memory=False)
def load_documents_task(rows: list[IngestRow], label: str) -> Loaded:
    settings = Neo4jSettings.from_env()
    return load_many(shared_driver(settings), rows, settings.database)


def _extracted(future: PrefectFuture, found: FoundFile) -> IngestRow:
    """A finished extraction future as a row, whatever happened to it (a task's state may not be
    synced yet when its future completes, so the value itself is what is looked at)."""
    value = future.result(raise_on_failure=False)
    if isinstance(value, IngestRow):
        return value
    if isinstance(value, ExtractionFailed):
        return value.row
    reason = describe(value) if isinstance(value, BaseException) else repr(value)
    return IngestRow.failure(found.source, f"extraction crashed ({reason})", found.path)


def _load(batch: list[IngestRow]) -> Loaded:
    label = batch[0].source + (f" and {len(batch) - 1} more" if len(batch) > 1 else "")
    state = load_documents_task(quote(batch), label, return_state=True)
    value = state.result(raise_on_failure=False)
    if isinstance(value, Loaded):
        return value
    if isinstance(value, TRANSIENT_ERRORS):
        return Loaded([unavailable(r.source, value) for r in batch])
    return Loaded([IngestRow.failure(r.source, f"load crashed ({value!r})", r.path) for r in batch])


INTERRUPT_CHECK_SECONDS = 0.5


@contextmanager
def _interrupts_at_safe_points() -> Iterator[threading.Event]:
    """Ctrl-C (SIGINT) sets the event instead of raising wherever the main thread happens to be:
    inside a Neo4j transaction or Prefect's task engine, a KeyboardInterrupt would be caught as a
    crash of that task, or leave the driver's buffers half-written. The loop below raises it
    between batches, so the batch being written commits (or rolls back) whole. Only the main
    thread can take signals; elsewhere (the warm service's threads) the caller's stop event, if it
    gave one (flows.progress), plays the same part."""
    if threading.current_thread() is not threading.main_thread():
        yield stop_event() or threading.Event()
        return
    event = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: event.set())
    try:
        yield event
    finally:
        signal.signal(signal.SIGINT, previous)


def _finished(done: queue.SimpleQueue[PrefectFuture]) -> list[PrefectFuture]:
    """The futures finished since the last call: waits up to INTERRUPT_CHECK_SECONDS for one."""
    try:
        futures = [done.get(timeout=INTERRUPT_CHECK_SECONDS)]
    except queue.Empty:
        return []
    with suppress(queue.Empty):
        while True:
            futures.append(done.get_nowait())
    return futures


def _submitted(todo: list[FoundFile]) -> tuple[dict[int, int], queue.SimpleQueue[PrefectFuture]]:
    """The extraction tasks submitted: each future's place in `todo` (by id), and the queue each
    future is put in when it finishes.

    One callback per future, registered once: prefect.futures.wait(timeout=...) called in a loop
    registers a new callback on every pending future at each call, and at 1000 documents those
    pile up until the task threads spend their time running them (the run stalled). And no list
    of the futures outlives this function: a future holds its document's records (its final
    state carries the task's result) for as long as it is referenced, so a finished one is held
    only by the queue until it is taken, and its records go once loaded (a 1000-report run held
    them all to its end)."""
    extracts = extract_document_task.map(todo)
    finished: queue.SimpleQueue[PrefectFuture] = queue.SimpleQueue()
    for future in extracts:
        future.add_done_callback(finished.put)
    return {id(f): i for i, f in enumerate(extracts)}, finished


def _extract_and_load(todo: list[FoundFile]) -> Loaded:
    """Extraction tasks run in the task runner; as they finish, their documents are loaded here,
    in the flow's thread, a batch per transaction: up to LOAD_BATCH documents, or whatever
    finished in the last LOAD_EVERY_SECONDS. One writer at a time, so loads never deadlock one
    another, and a statement carries many documents' rows (Neo4j's cost is per statement)."""
    index, finished = _submitted(todo)
    remaining = len(todo)
    rows: dict[int, IngestRow] = {}
    pending: list[int] = []
    written = 0
    last = time.monotonic()

    def flush() -> None:
        nonlocal written, last
        loaded = _load([rows[i] for i in pending])
        for i, row in zip(pending, loaded.rows, strict=True):
            rows[i] = row
            notify("done", row)
        written += loaded.records_written
        pending.clear()
        last = time.monotonic()

    with _interrupts_at_safe_points() as interrupted:
        while remaining:
            done = sorted(_finished(finished), key=lambda f: index[id(f)])
            remaining -= len(done)
            while done:
                future = done.pop(0)
                i = index.pop(id(future))
                rows[i] = _extracted(future, todo[i])
                if rows[i].status == "extracted":
                    notify("extracted", rows[i])
                    pending.append(i)
                else:
                    notify("done", rows[i])
                if interrupted.is_set():
                    raise KeyboardInterrupt
                if len(pending) >= LOAD_BATCH or (pending and time.monotonic() - last >= LOAD_EVERY_SECONDS):
                    flush()
            if interrupted.is_set():
                raise KeyboardInterrupt
            if pending and time.monotonic() - last >= LOAD_EVERY_SECONDS:
                flush()
        if pending:
            flush()
        if interrupted.is_set():
            raise KeyboardInterrupt
    return Loaded([rows[i] for i in sorted(rows)], written)


@flow(name="evalgraph-ingest", description="Ingest evaluation reports (folder, glob or zip) into Neo4j.",
      version=PIPELINE_VERSION)
def ingest_archive(paths: list[str], prune: bool = False, analyse: bool = True,
                   extract_workers: int = 0) -> IngestReport:
    """extract_workers > 0: the extraction tasks hand their documents to that many worker
    processes (CPU-bound work in parallel, bounded in time and memory, while the tasks themselves
    stay light threads). Zips are unpacked into a private workspace, removed at the end."""
    settings = Neo4jSettings.from_env()
    driver = shared_driver(settings)
    apply_migrations(driver, settings.database)
    with workspace() as work:
        found = discover(paths, work)
        for f in found.files:
            notify("queued", IngestRow(f.source, "queued", path=f.path))
        decided = plan_ingest(driver, found.files, settings.database)
        before = planned_rows(found, decided)
        try:
            move_documents(driver, decided.moves, settings.database)
            record_origins(driver, decided.origins, settings.database)
        except Neo4jError as exc:  # a move refused (its new path taken meanwhile): load those as new
            before = [IngestRow.failure(m.new, f"could not be renamed from {m.old} ({getattr(exc, 'message', exc)})")
                      for m in decided.moves] + [r for r in before if r.status != "moved"]
        for row in before:
            notify("done", row)
        with extraction_processes(min(extract_workers, len(decided.todo))):
            done = _extract_and_load(decided.todo)
    rows, network = finish(driver, before + done.rows, {f.source for f in found.files}, prune, analyse,
                           settings.database)
    report = IngestReport(rows, network, done.records_written)
    create_markdown_artifact(key=ARTIFACT_KEY, markdown=summary_markdown(report),
                             description=f"{len(rows)} documents: {report.headline}")
    return report


def outcome_of(report: IngestReport) -> Outcome:
    """The report as the CLI prints it, with what the graph holds after the run."""
    settings = Neo4jSettings.from_env()
    return report.outcome(graph_summary(shared_driver(settings), settings.database), settings.uri)


def run_ingest(paths: list[str], prune: bool = False, analyse: bool = True, runner: str | None = None,
               workers: int | None = None, dask_address: str | None = None) -> IngestReport:
    """The flow with a task runner chosen from the arguments, else EVALGRAPH_TASK_RUNNER,
    EVALGRAPH_WORKERS and EVALGRAPH_DASK_ADDRESS (flows.runner_settings). The flow finds the
    PDFs itself (its parameters are the paths as given, which Prefect stores as JSON).

    The extraction workers start first, so that they load spaCy (seconds) while the Prefect
    server starts (seconds too) instead of after it; as many as there are PDFs, up to the
    workers asked for. The flow uses them (and the CLI's, started earlier still, when it has)."""
    settings = RunnerSettings.resolve(runner, workers, dask_address)
    with extraction_processes(settings.extract_workers, paths), prefect_api():
        return ingest_archive.with_options(task_runner=task_runner(settings))(
            paths=[str(p) for p in paths], prune=prune, analyse=analyse, extract_workers=settings.extract_workers)
