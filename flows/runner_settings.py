"""Which task runner a run uses and how many extraction processes it starts, from the arguments
else the environment: decided before Prefect is imported, so that the CLI can start the
extraction workers first (they load spaCy while Prefect and its server start)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from models.kinds import one_of

if TYPE_CHECKING:
    from prefect.task_runners import TaskRunner

RunnerKind = Literal["auto", "processes", "threads", "dask"]
RUNNER_KINDS: tuple[RunnerKind, ...] = get_args(RunnerKind)


@dataclass(frozen=True)
class RunnerSettings:
    kind: RunnerKind
    workers: int
    dask_address: str | None = None

    @classmethod
    def resolve(cls, kind: str | None = None, workers: int | None = None,
                dask_address: str | None = None) -> RunnerSettings:
        """Arguments first, else EVALGRAPH_TASK_RUNNER, EVALGRAPH_WORKERS, EVALGRAPH_DASK_ADDRESS;
        workers default to the CPU count."""
        chosen = one_of(kind or os.environ.get("EVALGRAPH_TASK_RUNNER", "auto"), RUNNER_KINDS, "a task runner")
        workers = workers or int(os.environ.get("EVALGRAPH_WORKERS", "0") or 0) or max(1, os.cpu_count() or 1)
        dask_address = dask_address or os.environ.get("EVALGRAPH_DASK_ADDRESS") or None
        return cls("dask" if dask_address else chosen, workers, dask_address)

    @property
    def extract_workers(self) -> int:
        """Extraction processes in the flow's process (processes and auto), else 0."""
        return self.workers if self.kind in ("processes", "auto") else 0


def task_runner(settings: RunnerSettings) -> TaskRunner[Any]:
    """processes (and auto): tasks in threads, extraction (CPU-bound) in `settings.workers`
    processes, each loading spaCy once and bounded in time and memory (flows/extraction_pool.py
    says why not Prefect's process pool). threads: one process, no time or memory bound on a
    document (for debugging). dask: a LocalCluster, or the scheduler at `dask_address` (workers
    on other machines; the `dask` extra installs it)."""
    from prefect.task_runners import ThreadPoolTaskRunner

    if settings.kind == "dask":
        from prefect_dask import DaskTaskRunner

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                              cluster_kwargs={"n_workers": settings.workers, "threads_per_worker": 1,
                                              "processes": True})
    if settings.extract_workers:
        # a thread waits on each process; two more keep the pool fed while tasks record their results
        return ThreadPoolTaskRunner(max_workers=settings.workers + 2)
    return ThreadPoolTaskRunner(max_workers=settings.workers)
