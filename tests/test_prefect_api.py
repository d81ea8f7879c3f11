"""Which Prefect API a run reports to: the user's (PREFECT_API_URL), a server already running on
this machine, or a local server of the run's own, started once and stopped with the run."""

from __future__ import annotations

import os

import psutil
import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows import prefect_api

pytestmark = pytest.mark.slow  # Prefect servers started and stopped


def _servers() -> set[int]:
    me = psutil.Process(os.getpid())
    return {p.pid for p in me.children(recursive=True) if "prefect" in " ".join(p.cmdline()) and "server" in
            " ".join(p.cmdline())}


def _alive(pids: set[int]) -> set[int]:
    return {p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE}


def test_a_running_server_is_reused_else_one_is_started_and_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("EVALGRAPH_PREFECT_LOCAL_URL", "http://127.0.0.1:9/api")  # nothing listens there
    assert prefect_api.running_server() is None
    before = _servers()  # servers other tests of this session keep running (the deployment's)
    with prefect_api.prefect_api() as own:
        started = _servers() - before
        assert len(started) == 1 and own.startswith("http://127.0.0.1:")
        monkeypatch.setenv("EVALGRAPH_PREFECT_LOCAL_URL", own)
        # another run, while this server runs, without PREFECT_API_URL: it finds the server
        del os.environ["PREFECT_API_URL"]
        try:
            with temporary_settings(restore_defaults={PREFECT_API_URL}), prefect_api.prefect_api() as reused:
                assert reused == own and _servers() - before == started  # no second server
        finally:
            os.environ["PREFECT_API_URL"] = own
    assert not _alive(started)


def test_the_head_start_server_is_the_one_the_run_uses_and_sends_no_heartbeats(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI starts the run's server before importing Prefect; the run then uses that one (no
    second server), without heartbeats (nothing watches a server that stops with the run), and
    stops it. A Prefect profile naming an API, known only later, stops the early server unused."""
    from prefect.settings import get_current_settings

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("EVALGRAPH_PREFECT_LOCAL_URL", "http://127.0.0.1:9/api")
    before = _servers()
    prefect_api.head_start()
    early = _servers() - before
    assert len(early) == 1
    with temporary_settings(restore_defaults={PREFECT_API_URL}), prefect_api.prefect_api() as url:
        assert _servers() - before == early and url.startswith("http://127.0.0.1:")
        assert get_current_settings().flows.heartbeat_frequency is None
    assert not _alive(early)

    prefect_api.head_start()
    early = _servers() - before
    assert len(early) == 1
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}), prefect_api.prefect_api() as url:
        assert url == "http://127.0.0.1:9/api" and not _alive(early)
        assert get_current_settings().flows.heartbeat_frequency is not None
