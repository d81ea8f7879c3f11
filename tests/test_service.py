"""The warm service: `evalgraph serve` runs the ingests `evalgraph ingest` submits on its socket,
with its own Prefect server and warm workers, against the real test Neo4j; a submission with other
settings, or --no-service, runs in the CLI; a CLI that goes away leaves the service serving."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from neo4j import Driver

from flows import extraction_pool
from flows.service import IngestService, ServiceError, answers
from flows.service_client import connect, submit
from models.service import ANSWER, Outcome, Progress, Refused, RowView, Submission
from pipeline import PIPELINE_VERSION
from pipeline.config import Neo4jSettings, run_environment, service_socket
from tests.conftest import BIN, EVALGRAPH, POLICY_2011, TWIST_2010, TWIST_2025, neo4j_variables


@pytest.fixture
def socket_path() -> Iterator[Path]:
    """A short path: a Unix socket's path is limited to 107 bytes, pytest's temporary folders are long."""
    folder = Path(tempfile.mkdtemp(prefix="eg-", dir="/tmp"))
    yield folder / "s.sock"
    shutil.rmtree(folder, ignore_errors=True)


def test_the_socket_is_the_users_choice_and_empty_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVALGRAPH_SERVICE_SOCKET", "/tmp/x/s.sock")
    assert service_socket() == Path("/tmp/x/s.sock")
    monkeypatch.setenv("EVALGRAPH_SERVICE_SOCKET", "")
    assert service_socket() is None
    monkeypatch.delenv("EVALGRAPH_SERVICE_SOCKET")
    monkeypatch.setenv("EVALGRAPH_CACHE_DIR", "/tmp/cache-of-mine")
    assert service_socket() == Path("/tmp/cache-of-mine/service.sock")


def test_a_submission_with_other_settings_or_version_is_refused(socket_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", "one")
    service = IngestService(socket_path, extract_workers=0)
    same = Submission(paths=["/data"], version=PIPELINE_VERSION, environment=run_environment())
    assert service.refusal(same) is None
    assert "0.0.1" in (service.refusal(same.model_copy(update={"version": "0.0.1"})) or "")
    monkeypatch.setenv("NEO4J_PASSWORD", "another")
    monkeypatch.setenv("EVALGRAPH_DOCUMENT_SECONDS", "60")
    other = same.model_copy(update={"environment": run_environment()})
    assert service.refusal(other) == ("the service was started with other settings (EVALGRAPH_DOCUMENT_SECONDS, "
                                      "NEO4J_PASSWORD (sha256))")
    assert "another" not in str(run_environment())  # the password itself never leaves the CLI


def test_a_stale_socket_is_no_service_and_is_replaced(socket_path: Path) -> None:
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(socket_path))
    stale.close()  # a service killed -9 leaves its socket file behind
    assert socket_path.exists() and connect(socket_path) is None and not answers(socket_path)
    service = IngestService(socket_path, extract_workers=0)
    with service.listening():
        assert answers(socket_path)
        assert oct(socket_path.stat().st_mode & 0o777) == oct(0o600)
        with pytest.raises(ServiceError, match="already takes ingests"), IngestService(socket_path, 0).listening():
            pass
    assert not socket_path.exists()


def test_a_malformed_submission_gets_an_answer_not_a_hang(socket_path: Path) -> None:
    with IngestService(socket_path, extract_workers=0).listening():
        connection = connect(socket_path)
        assert connection is not None
        with connection, connection.makefile("rb") as answers_:
            connection.sendall(b'{"paths": "not a list"}\n')
            answer = ANSWER.validate_json(answers_.readline())
    assert answer.kind == "run_failed" and "not an evalgraph submission" in answer.message


@pytest.mark.slow  # starts extraction workers (each loads spaCy)
def test_new_workers_when_the_wording_or_cues_change(socket_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers read the report wording and the partner cues once, when they start."""
    import flows.service

    service = IngestService(socket_path, extract_workers=1)
    with service.workers():
        first = extraction_pool._pool
        service._fresh_workers()
        assert extraction_pool._pool is first  # nothing changed: the same warm workers
        monkeypatch.setattr(flows.service, "knowledge_digest", lambda: "edited")
        service._fresh_workers()
        assert extraction_pool._pool is not None and extraction_pool._pool is not first
    assert extraction_pool._pool is None


@pytest.fixture(scope="module")
def service_env(neo4j_settings: Neo4jSettings) -> Iterator[dict[str, str]]:
    """`evalgraph serve` on a socket of its own, with a Prefect server of its own (no
    PREFECT_API_URL, none running here) and one warm worker; its environment, for the CLI."""
    folder = Path(tempfile.mkdtemp(prefix="eg-", dir="/tmp"))
    path = folder / "s.sock"
    env = {**os.environ, **neo4j_variables(neo4j_settings), "EVALGRAPH_SERVICE_SOCKET": str(path),
           "EVALGRAPH_WORKERS": "1", "PREFECT_HOME": str(folder / "prefect")}
    env.pop("PREFECT_API_URL", None)
    (folder / "inbox").mkdir()
    log = (folder / "serve.log").open("w")
    serve = subprocess.Popen([str(BIN / "evalgraph"), "serve", "--inbox", str(folder / "inbox")], env=env,
                             stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 240
        while not answers(path):
            assert serve.poll() is None, (folder / "serve.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "evalgraph serve took no submissions after 240 s"
            time.sleep(0.5)
        yield {**env, "SERVE_LOG": str(folder / "serve.log"), "SERVE_PID": str(serve.pid)}
        assert serve.poll() is None, "the service died during the tests"
    finally:
        serve.terminate()
        serve.wait(timeout=60)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)
    assert not path.exists()  # the service removed its socket


def _ingest(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EVALGRAPH, "ingest", *args], env=env, capture_output=True, text=True, timeout=600)


def test_ingest_is_run_by_the_warm_service(service_env: dict[str, str], driver: Driver, tmp_path: Path) -> None:
    shutil.copy(TWIST_2025, tmp_path / "nouveau.pdf")
    run = _ingest(service_env, str(tmp_path))
    assert run.returncode == 0, run.stderr + run.stdout
    assert "run by evalgraph serve" in run.stderr
    assert "1 loaded; " in run.stdout and "Cluster TWIST: evaluations [2025]" in run.stdout
    records, _, _ = driver.execute_query(
        "MATCH (d:Document {source: 'nouveau.pdf'})-[:REPORTS]->(e)-[:EVALUATES]->(c) "
        "RETURN c.name AS cluster, count{(e)-[:HAS_QUESTION]->()} AS questions")
    assert [(r["cluster"], r["questions"]) for r in records] == [("TWIST", 5)]

    with (tmp_path / "nouveau.pdf").open("ab") as pdf:
        pdf.write(b"\n% other bytes, same pages\n")
    here = _ingest(service_env, "--no-service", str(tmp_path))
    assert here.returncode == 0, here.stderr + here.stdout
    assert "run by evalgraph serve" not in here.stderr and "1 replaced; " in here.stdout


def test_other_settings_run_in_the_cli(service_env: dict[str, str], driver: Driver, tmp_path: Path) -> None:
    shutil.copy(TWIST_2010, tmp_path / "ancien.pdf")
    run = _ingest({**service_env, "EVALGRAPH_DOCUMENT_SECONDS": "600"}, str(tmp_path))
    assert run.returncode == 0, run.stderr + run.stdout
    assert ("not run by evalgraph serve: the service was started with other settings (EVALGRAPH_DOCUMENT_SECONDS); "
            "running here") in " ".join(run.stderr.split())
    assert "1 loaded; " in run.stdout


def test_a_cli_that_goes_away_leaves_the_service_serving(service_env: dict[str, str], driver: Driver,
                                                          tmp_path: Path) -> None:
    for pdf in (TWIST_2025, TWIST_2010, POLICY_2011):
        shutil.copy(pdf, tmp_path / pdf.name)
    path = Path(service_env["EVALGRAPH_SERVICE_SOCKET"])
    connection = connect(path)
    assert connection is not None
    submission = Submission(paths=[str(tmp_path)], version=PIPELINE_VERSION, environment=_run_environment(service_env))
    with connection, connection.makefile("rb") as lines:
        connection.sendall(submission.model_dump_json().encode() + b"\n")
        first = ANSWER.validate_json(lines.readline())
    assert isinstance(first, Progress) and first.event == "queued"  # the run had begun when the CLI left

    again = connect(path)
    assert again is not None
    heard: list[RowView] = []
    outcome = submit(again, submission, lambda message: heard.append(message.row))
    assert isinstance(outcome, Outcome), outcome
    assert {r.source: r.status for r in outcome.rows if r.status != "missing"}.keys() == {
        TWIST_2025.name, TWIST_2010.name, POLICY_2011.name}
    assert not outcome.failed and {r.status for r in outcome.rows} <= {"loaded", "replaced", "unchanged", "missing"}
    assert {r.source for r in heard} >= {TWIST_2025.name, TWIST_2010.name, POLICY_2011.name}
    records, _, _ = driver.execute_query("MATCH (d:Document) RETURN count(d) AS n")
    assert records[0]["n"] == 3


def _run_environment(env: dict[str, str]) -> dict[str, str]:
    """run_environment() as a process with `env` computes it."""
    with mock.patch.dict(os.environ, env, clear=True):
        return run_environment()


def test_a_refused_answer_is_a_model(service_env: dict[str, str]) -> None:
    connection = connect(Path(service_env["EVALGRAPH_SERVICE_SOCKET"]))
    assert connection is not None
    answer = submit(connection, Submission(paths=["/nowhere"], version="0.0.0", environment={}), print)
    assert isinstance(answer, Refused) and answer.reason.startswith("the service runs evalgraph ")
