"""The Prefect API a run reports to: the user's server when PREFECT_API_URL names one, else a
local server of our own for the length of the run.

Why not Prefect's temporary server (SubprocessASGIServer, a private class): it runs in the
terminal's process group, so the Ctrl-C meant for the ingest kills it first and leaves the run
hanging on a dead API; and after a kill -9 of the ingest it lives on, orphaned. Ours is the
documented `prefect server start` (without its UI), in its own session, so Ctrl-C reaches the ingest
alone, which then ends the run cleanly and stops the server; the kernel stops it too if the
ingest dies without a word (PR_SET_PDEATHSIG), so nothing outlives the run.

The server takes 3 to 4 s to answer, most of it importing Prefect's server code, so the CLI
gives it a head start (`head_start`, before the CLI itself imports Prefect and the flow): the
two start side by side. This module imports Prefect only where a function needs it.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress

import httpx

PR_SET_PDEATHSIG = 1
STOP_SECONDS = 5.0


class PrefectServerError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # runs in the child, between fork and exec
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _startup_seconds() -> float:
    # the first start on a new Prefect home creates and migrates its SQLite database: slow on a busy machine
    return float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180"))


class LocalServer:
    """`prefect server start` on a free loopback port, started at once; `wait` for its API URL."""

    def __init__(self) -> None:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}/api"
        env = {**os.environ, "PREFECT_SERVER_UI_ENABLED": "false", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        env.pop("PREFECT_API_URL", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                      "--port", str(port)],
                                     env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, start_new_session=True, preexec_fn=_die_with_parent)

    def wait(self) -> str:
        _wait_healthy(self.proc, self.url)
        return self.url

    def stop(self) -> None:
        _drain_to(self.proc)
        self.proc.terminate()
        try:
            self.proc.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stderr:
            self.proc.stderr.close()


_early: LocalServer | None = None


def head_start() -> None:
    """Start the run's local server now when the run will need one (no PREFECT_API_URL in the
    environment, no server running here): `prefect_api` then waits for it instead of starting
    it. Cheap: no Prefect import. A Prefect profile that names an API is only known once Prefect
    is imported; `prefect_api` then stops this server unused."""
    global _early
    if _early is None and not os.environ.get("PREFECT_API_URL") and running_server() is None:
        _early = LocalServer()


@contextmanager
def local_server() -> Iterator[str]:
    """The run's own server (the head start's if there is one): its API URL; stopped at the end."""
    global _early
    server, _early = _early or LocalServer(), None
    try:
        yield server.wait()
    finally:
        server.stop()


def _drain_to(proc: subprocess.Popen[bytes]) -> None:
    """Send the logs and events still queued in this process while the server can take them."""
    if proc.poll() is None:
        drain_queued()


def drain_queued() -> None:
    """Send the logs and events this process still has queued for its Prefect API (nothing to do
    when it never imported Prefect): what Prefect would do at the interpreter's exit."""
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        with suppress(Exception):  # never let a log stop the server from stopping
            service.drain_all(timeout=STOP_SECONDS)


def _wait_healthy(proc: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + _startup_seconds()
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                tail = (proc.stderr.read() if proc.stderr else b"").decode(errors="replace")[-2000:]
                raise PrefectServerError(f"the local Prefect server exited ({proc.returncode}): {tail}")
            try:
                if client.get(f"{url}/health").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
    raise PrefectServerError(f"the local Prefect server did not answer at {url} within {_startup_seconds():g} s")


LOCAL_SERVER_URL = "http://127.0.0.1:4200/api"  # where `prefect server start` listens by default
PROBE_SECONDS = 0.3


def running_server() -> str | None:
    """The API of a Prefect server already running on this machine (EVALGRAPH_PREFECT_LOCAL_URL,
    by default `prefect server start`'s address), if one answers at once: a run reports to it
    (and shows in its UI) instead of starting a server of its own, which saves seconds."""
    url = os.environ.get("EVALGRAPH_PREFECT_LOCAL_URL", LOCAL_SERVER_URL).rstrip("/")
    if not url:
        return None
    try:
        return url if httpx.get(f"{url}/health", timeout=PROBE_SECONDS).status_code == 200 else None
    except httpx.HTTPError:
        return None


@contextmanager
def prefect_api() -> Iterator[str]:
    """The API URL for this run: PREFECT_API_URL's; else a Prefect server already running
    locally; else a local server of the run's own (the head start's, or started here). The
    address is put where every process of the run reads its settings (Dask's workers would
    otherwise each start a server of their own). On a server of its own, the run sends no
    heartbeats: they let a long-lived server notice a crashed run, and this one stops with the
    run; Prefect's heartbeat thread also holds the run's end for up to a second."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    global _early
    url = get_current_settings().api.url
    if url:
        if _early is not None:  # the API was in the user's Prefect profile
            _early.stop()
            _early = None
        yield url
        return
    found = None if _early is not None else running_server()
    with (nullcontext(found) if found else local_server()) as url:
        before = os.environ.get("PREFECT_API_URL")
        os.environ["PREFECT_API_URL"] = url  # worker processes inherit it
        own = {} if found else {"flows.heartbeat_frequency": None}
        try:
            with temporary_settings(updates={PREFECT_API_URL: url, **own}):
                yield url
        finally:
            if before is None:
                os.environ.pop("PREFECT_API_URL", None)
            else:
                os.environ["PREFECT_API_URL"] = before
