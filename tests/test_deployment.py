"""The scheduled inbox deployment of prefect.yaml, served by `evalgraph serve` against a real
local Prefect server (its own SQLite): registered with its schedule, triggered, and a report
dropped into the inbox is in Neo4j afterwards."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect import get_client
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.serve import deployment_spec
from tests.conftest import BIN, TWIST_2025

DEPLOYMENT = "evalgraph-ingest/inbox"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
            if value:
                return value
        except Exception:  # not up yet
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready after {timeout} s")
        time.sleep(1)


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    home = tmp_path_factory.mktemp("prefect-server")
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_UI_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    log = (home / "server.log").open("w")
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    api = f"http://127.0.0.1:{port}/api"
    try:
        _wait(lambda: urllib.request.urlopen(f"{api}/health", timeout=2).status == 200, 240, "Prefect server")
        yield api, home
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()


def test_inbox_deployment_loads_a_newly_dropped_report(prefect_server, driver, neo4j_env, tmp_path) -> None:
    api, home = prefect_server
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    env = {**neo4j_env, "PREFECT_API_URL": api, "PREFECT_HOME": str(home)}
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen([str(BIN / "evalgraph"), "serve", "--inbox", str(inbox)], env=env, stdout=log,
                             stderr=subprocess.STDOUT)
    try:
        with temporary_settings(updates={PREFECT_API_URL: api}):
            def registered():
                with get_client(sync_client=True) as client:
                    return client.read_deployment_by_name(DEPLOYMENT)

            deployment = _wait(registered, 180, "the served deployment")
            spec = deployment_spec()
            assert [s.schedule.cron for s in deployment.schedules] == [spec["schedules"][0]["cron"]]
            assert deployment.parameters["paths"] == [str(inbox.resolve())]

            shutil.copy(TWIST_2025, inbox / "nouveau_rapport.pdf")  # a report arrives
            flow_run = run_deployment(DEPLOYMENT, timeout=600)
            assert flow_run.state.is_completed(), (flow_run.state, (tmp_path / "serve.log").read_text()[-3000:])
        records, _, _ = driver.execute_query(
            "MATCH (d:Document {source: 'nouveau_rapport.pdf'})-[:REPORTS]->(e)-[:EVALUATES]->(c) "
            "RETURN c.name AS cluster, e.year AS year, count{(e)-[:HAS_QUESTION]->()} AS questions")
        assert [(r["cluster"], r["year"], r["questions"]) for r in records] == [("TWIST", 2025, 5)]
    finally:
        serve.terminate()
        serve.wait(timeout=60)
        log.close()
