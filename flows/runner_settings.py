"""Which task runner a run uses and how many extraction processes it starts, from the arguments
else the environment: decided before Prefect is imported, so that the CLI can start the
extraction workers first (they load spaCy while Prefect and its server start)."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class RunnerSettings:
    kind: str  # auto | processes | threads | dask
    workers: int
    dask_address: str | None = None

    @classmethod
    def resolve(cls, kind: str | None = None, workers: int | None = None,
                dask_address: str | None = None) -> RunnerSettings:
        """Arguments first, else EVALGRAPH_TASK_RUNNER, EVALGRAPH_WORKERS, EVALGRAPH_DASK_ADDRESS;
        workers default to the CPU count."""
        kind = kind or os.environ.get("EVALGRAPH_TASK_RUNNER", "auto")
        workers = workers or int(os.environ.get("EVALGRAPH_WORKERS", "0") or 0) or max(1, os.cpu_count() or 1)
        dask_address = dask_address or os.environ.get("EVALGRAPH_DASK_ADDRESS") or None
        return cls("dask" if dask_address else kind, workers, dask_address)

    @property
    def extract_workers(self) -> int:
        """Extraction processes in the flow's process (processes and auto), else 0."""
        return self.workers if self.kind in ("processes", "auto") else 0
