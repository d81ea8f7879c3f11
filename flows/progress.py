"""How a caller follows an ingest as it runs: `with listening(callback)` around the flow's call, and
the flow calls `callback(event, row)` as each document is queued, extracted and done. This is how
the CLI draws its progress bars.

The callback lives in a context variable, not a module-level list: it is seen by the flow run
started inside the `with` (Prefect runs a synchronous flow in the caller's context), and by nothing
else, so two ingests in one process (a service running a scheduled run while the CLI submits one)
never hear each other's documents."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal

from pipeline.ingest import IngestRow

Event = Literal["queued", "extracted", "done"]
Listener = Callable[[Event, IngestRow], None]
_listener: ContextVar[Listener | None] = ContextVar("evalgraph_ingest_listener", default=None)


@contextmanager
def listening(callback: Listener) -> Iterator[None]:
    """Call `callback(event, row)` as documents progress, in the thread running the flow."""
    token = _listener.set(callback)
    try:
        yield
    finally:
        _listener.reset(token)


def notify(event: Event, row: IngestRow) -> None:
    callback = _listener.get()
    if callback is not None:
        callback(event, row)
