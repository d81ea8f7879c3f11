"""Worker processes for the CPU-bound part of a document: its extraction.

Why not Prefect's ProcessPoolTaskRunner: it runs every task, with its Prefect engine, in a worker
process, and that costs 130 to 190 ms of orchestration per task on these machines (measured with
a task that does nothing), as much as a third of a document's extraction. Here the tasks stay in
the flow's threads (about 10 ms each: API calls, caching, retries) and only `extract_one` crosses
to a pool of processes, each of which loads spaCy once when it starts.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from pipeline.ingest import IngestRow, extract_one

_pool: ProcessPoolExecutor | None = None


def _warm() -> None:
    from pipeline.partners import nlp

    nlp()


@contextmanager
def extraction_processes(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """While inside, `extract` hands documents to `workers` processes; with 0, nothing changes
    and each document is extracted where its task runs."""
    global _pool
    if workers < 1:
        yield None
        return
    # spawn, not fork: the flow's process has threads and open connections a fork would copy
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm) as pool:
        _pool = pool
        try:
            yield pool
        finally:
            _pool = None


def extract(path: Path) -> IngestRow:
    pool = _pool
    if pool is None:
        return extract_one(path)
    return pool.submit(extract_one, path).result()
