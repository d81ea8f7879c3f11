"""Worker processes for the CPU-bound part of a document: its extraction, bounded.

Why not Prefect's ProcessPoolTaskRunner: it runs every task, with its Prefect engine, in a worker
process, and that costs 130 to 190 ms of orchestration per task on these machines (measured with
a task that does nothing), as much as a third of a document's extraction. Here the tasks stay in
the flow's threads (about 10 ms each: API calls, caching, retries) and only `extract_one` crosses
to a pool of processes, each of which loads spaCy once when it starts.

Why pebble's pool and not the standard library's: a document must not cost more than its
bounds (pipeline.limits), and one that does must fail alone. pebble stops a task that passes its
time limit by ending its worker, and when a worker dies (killed, out of memory in native code) only
the task it ran fails; the standard pool breaks for every pending document (BrokenProcessPool).
Each worker's address space is capped (RLIMIT_AS), it ignores the terminal's Ctrl-C (the flow's
process decides what an interrupt stops), and it exits when the process that started it is gone.

One case pebble does not isolate: a worker that dies while no task is running on any worker (it
was between two documents, the next ones still queued) makes pebble mark the whole pool broken
("All workers expired"), and every queued document fails with it. Those documents did nothing
wrong: they get a new pool and are scheduled once more (`_working_pool`).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal

if multiprocessing.parent_process() is not None:  # a worker: the terminal's Ctrl-C is for the flow's process
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as early as can be, before the heavy imports below

import threading
import time
from collections.abc import Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from pebble import ProcessExpired, ProcessPool

from flows.progress import stop_event
from pipeline.archive import FoundFile, count_pdfs
from pipeline.ingest_row import IngestRow, extract_one
from pipeline.limits import MB, Limits, limits
from pipeline.pages import describe

PARENT_CHECK_SECONDS = 1.0
_pool: ProcessPool | None = None
_workers = 0  # the size of _pool, to start a new one of the same size when pebble breaks it
_renewing = threading.Lock()
_stopped = threading.Event()  # the run was interrupted: no document is extracted any more


def _orphan_watch(parent: int) -> None:
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:  # the flow's process is gone (kill -9): nothing will read our results
            os._exit(1)


def _start_worker(parent: int, memory_mb: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_orphan_watch, args=(parent,), daemon=True, name="orphan-watch").start()
    if memory_mb > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * MB, memory_mb * MB))
    from pipeline.partners import nlp

    nlp()


@contextmanager
def extraction_processes(workers: int, paths: list[str] | None = None) -> Iterator[ProcessPool | None]:
    """While inside, `extract` hands documents to `workers` processes, no more than the PDFs `paths`
    hold when given (counted cheaply, nothing unpacked: the workers start, and load spaCy, before
    the archive is discovered); with 0, nothing changes and each document is extracted where its
    task runs (no time or memory bound then). Inside another such block (workers started early by
    the CLI or flows.ingest.run_ingest), its pool is used and nothing is counted again."""
    global _pool
    if _pool is not None:
        yield _pool
        return
    if paths is not None and workers > 0:
        workers = min(workers, count_pdfs(paths))
    _stopped.clear()
    if workers < 1:
        try:
            yield None
        except BaseException:
            _stopped.set()
            raise
        return
    global _workers
    _pool, _workers = _new_pool(workers), workers
    try:
        yield _pool
    except BaseException:
        _stopped.set()  # an interrupt: tasks still queued fail at once, running ones end with their workers
        raise
    finally:
        with _renewing:
            pool, _pool = _pool, None
        _stop(pool)


def _new_pool(workers: int) -> ProcessPool:
    # spawn, not fork: the flow's process has threads and open connections a fork would copy
    pool = ProcessPool(workers, initializer=_start_worker, initargs=(os.getpid(), limits().worker_memory_mb),
                       context=multiprocessing.get_context("spawn"))
    pool.schedule(os.getpid)  # pebble starts its workers on the first task: now, so they warm up meanwhile
    return pool


def _stop(pool: ProcessPool) -> None:
    pool.stop()  # workers still busy (an interrupt) are ended, not waited for
    pool.join(timeout=10)


def _working_pool() -> ProcessPool | None:
    """The run's pool; a new one of the same size if pebble has marked it broken."""
    global _pool
    with _renewing:
        if _pool is not None and not _pool.active:
            broken, _pool = _pool, _new_pool(_workers)
            _stop(broken)
        return _pool


def _stopping() -> bool:
    """The run was interrupted (Ctrl-C), or its caller stopped it (flows.progress)."""
    stop = stop_event()
    return _stopped.is_set() or (stop is not None and stop.is_set())


def _failed(found: FoundFile, reason: str) -> IngestRow:
    return IngestRow.failure(found.source, reason, found.path)


def extract(found: FoundFile) -> IngestRow:
    if _stopping():
        return _interrupted(found)
    if _pool is None:
        return extract_one(found)
    try:
        return _extracted(found)
    except RuntimeError:  # BrokenProcessPool is one: pebble broke the pool under the document, which never ran
        if _stopping():
            return _interrupted(found)
    try:
        return _extracted(found)  # once more, on the new pool _working_pool starts
    except RuntimeError as exc:
        return _interrupted(found) if _stopping() else _failed(found, f"extraction crashed ({describe(exc)})")


def _extracted(found: FoundFile) -> IngestRow:
    """The document extracted by the pool's workers, or its failure; raises what says the pool
    itself broke (BrokenProcessPool from the future, RuntimeError from pebble's schedule)."""
    pool = _working_pool()
    if pool is None:  # the run ended meanwhile
        return _interrupted(found)
    bounds = limits()
    future = pool.schedule(extract_one, args=(found,), timeout=bounds.document_seconds)
    while not wait([future], timeout=PARENT_CHECK_SECONDS).done:  # an interrupt must not wait for the document
        if _stopping():
            future.cancel()
            return _interrupted(found)
    try:
        return future.result()
    except FutureTimeout:
        return _failed(found, f"extraction took longer than {bounds.document_seconds:g} s and was stopped "
                              f"({Limits.variable('document_seconds')})")
    except ProcessExpired as exc:
        how = f"signal {-exc.exitcode}" if exc.exitcode and exc.exitcode < 0 else f"exit code {exc.exitcode}"
        return _failed(found, f"the extraction worker died ({how}), most likely out of memory (limit "
                              f"{bounds.worker_memory_mb} MB per worker, {Limits.variable('worker_memory_mb')}); "
                              "the other documents are not affected")
    except BrokenProcessPool:
        raise
    except Exception as exc:
        if _stopping():
            return _interrupted(found)
        return _failed(found, f"extraction crashed ({describe(exc)})")


def _interrupted(found: FoundFile) -> IngestRow:
    return _failed(found, "not extracted: the run was interrupted")
