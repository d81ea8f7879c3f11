"""How a caller follows an ingest as it runs, and stops it: `with listening(callback, stop)` around
the flow's call; the flow calls `callback(event, row)` as each document is queued, extracted and
done, and stops between two batches once `stop` is set. This is how the CLI draws its progress
bars, and how the warm service (flows.service) streams a submitted run to the CLI and stops it
when the CLI goes away.

Both live in a context variable, not a module-level list: they are seen by the flow run started
inside the `with` (Prefect runs a synchronous flow in the caller's context), and by nothing else,
so two ingests in one process (a service running a submitted run while another waits) never hear
each other's documents. In the main thread, Ctrl-C stops a run as well (flows.ingest); `stop` is
for runs in other threads, which signals never reach."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from models.kinds import IngestEvent as Event
from pipeline.ingest_row import IngestRow

Listener = Callable[[Event, IngestRow], None]
_listener: ContextVar[Listener | None] = ContextVar("evalgraph_ingest_listener", default=None)
_stop: ContextVar[threading.Event | None] = ContextVar("evalgraph_ingest_stop", default=None)


@contextmanager
def listening(callback: Listener, stop: threading.Event | None = None) -> Iterator[None]:
    """Call `callback(event, row)` as documents progress, in the thread running the flow; stop the
    run at its next safe point once `stop` is set."""
    token, stop_token = _listener.set(callback), _stop.set(stop)
    try:
        yield
    finally:
        _stop.reset(stop_token)
        _listener.reset(token)


def notify(event: Event, row: IngestRow) -> None:
    callback = _listener.get()
    if callback is not None:
        callback(event, row)


def stop_event() -> threading.Event | None:
    """The event that stops the run being followed, if its caller gave one."""
    return _stop.get()
