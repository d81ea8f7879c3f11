"""Archives that cannot hurt, part two: the command line under interrupts, crashes and a second run
at the same time, its messages, and the bundled server's security defaults. Real processes: the
`evalgraph` CLI in its own process group, its Prefect server and extraction workers, the test Neo4j."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from corpus_tools.grid_pdf import build_grid_pdf, expected_records
from corpus_tools.synthetic import make_report
from pipeline import neo4j_server
from pipeline.config import PROJECT_ROOT
from pipeline.extract import extract_document
from tests.conftest import EVALGRAPH, TEST_SERVER_HOME, TWIST_2025

pytestmark = pytest.mark.slow


def _archive(folder: Path, seeds: range) -> dict[str, int]:
    """Generated reports; returns the constats each holds."""
    folder.mkdir(exist_ok=True)
    expected = {}
    for seed in seeds:
        report = make_report(seed)
        build_grid_pdf(report, folder / f"r{seed}.pdf")
        expected[f"r{seed}.pdf"] = len(expected_records(report)["constats"])
    return expected


def _cli(args: list[str], env: dict[str, str], **kwargs) -> subprocess.Popen[str]:
    return subprocess.Popen([EVALGRAPH, *args], env=env, cwd=PROJECT_ROOT, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, **kwargs)


def _documents(driver) -> dict[str, int]:
    records, _, _ = driver.execute_query(
        "MATCH (d:Document) RETURN d.source AS s, count{(k:Constat {source: d.source})} AS constats")
    return {r["s"]: r["constats"] for r in records}


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    return [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


@pytest.mark.parametrize("whom", ["process group", "cli alone"])
def test_ctrl_c_stops_the_run_within_seconds_and_leaves_nothing_behind(driver, neo4j_env, tmp_path: Path,
                                                                       whom: str) -> None:
    """A terminal's Ctrl-C signals the whole foreground group; `kill -INT` signals the CLI alone.
    Either way the run stops between batches, says what it did, and leaves no process behind."""
    expected = _archive(tmp_path / "archive", range(60, 100))
    cli = _cli(["ingest", str(tmp_path / "archive"), "--workers", "2"], neo4j_env)
    try:
        assert _wait_for(lambda: len(_documents(driver)) >= 3, 240), "no document loaded"
        family = psutil.Process(cli.pid).children(recursive=True)
        assert len(family) >= 3  # the Prefect server and the extraction workers
        if whom == "process group":
            os.killpg(cli.pid, signal.SIGINT)
        else:
            os.kill(cli.pid, signal.SIGINT)
        start = time.monotonic()
        _, err = cli.communicate(timeout=30)
        assert time.monotonic() - start < 15, "the run did not stop within seconds"
    finally:
        if cli.poll() is None:
            os.killpg(cli.pid, signal.SIGKILL)
    assert cli.returncode == 130, err
    assert "interrupted: " in err and "not done" in err
    assert _wait_for(lambda: not _alive(family), 5), [p.cmdline()[:3] for p in _alive(family)]
    loaded = _documents(driver)
    assert 3 <= len(loaded) < len(expected)
    assert all(loaded[name] == expected[name] for name in loaded)  # every document whole
    rerun = _cli(["ingest", str(tmp_path / "archive")], neo4j_env)
    _, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    assert _documents(driver) == expected


def test_after_kill_9_no_process_of_the_run_lives_on(driver, neo4j_env, tmp_path: Path) -> None:
    _archive(tmp_path / "archive", range(100, 120))
    cli = _cli(["ingest", str(tmp_path / "archive"), "--workers", "2"], neo4j_env)
    try:
        assert _wait_for(lambda: len(_documents(driver)) >= 1, 240), "no document loaded"
        family = psutil.Process(cli.pid).children(recursive=True)
        assert len(family) >= 3
        os.kill(cli.pid, signal.SIGKILL)
        cli.wait(timeout=10)
    finally:
        if cli.poll() is None:
            os.killpg(cli.pid, signal.SIGKILL)
    assert _wait_for(lambda: not _alive(family), 10), [p.cmdline()[:3] for p in _alive(family)]


def test_two_ingests_of_one_folder_at_once_agree(driver, neo4j_env, tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    expected = _archive(folder, range(120, 126))
    mentions = {name: len(extract_document(folder / name).partners) for name in expected}
    runs = [_cli(["ingest", str(folder), "--workers", "1"], neo4j_env) for _ in range(2)]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (_, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
        assert "failed" not in err
    assert _documents(driver) == expected
    records, _, _ = driver.execute_query(
        "MATCH (d:Document)-[m:MENTIONS]->() RETURN d.source AS s, count(m) AS n")
    assert {r["s"]: r["n"] for r in records} == {n: c for n, c in mentions.items() if c}  # none written twice


def test_stop_never_signals_a_process_that_reused_the_recorded_pid(tmp_path: Path) -> None:
    stranger = subprocess.Popen(["sleep", "60"])
    try:
        (tmp_path / "evalgraph-neo4j.pid").write_text(str(stranger.pid))
        assert neo4j_server.stop(tmp_path) is False
        assert stranger.poll() is None  # still running
        assert not (tmp_path / "evalgraph-neo4j.pid").exists()
    finally:
        stranger.kill()
        stranger.wait()


def test_one_line_messages(neo4j_env, neo4j_settings, tmp_path: Path) -> None:
    wrong = {**neo4j_env, "NEO4J_PASSWORD": "not-the-password"}
    status = subprocess.run([EVALGRAPH, "neo4j", "status"], capture_output=True, text=True, cwd=PROJECT_ROOT,
                            env={**wrong, "EVALGRAPH_NEO4J_HOME": str(TEST_SERVER_HOME)})
    assert status.returncode == 1 and "Traceback" not in status.stderr
    assert len(status.stderr.strip().splitlines()) <= 2 and "NEO4J_PASSWORD" in status.stderr
    query = subprocess.run([EVALGRAPH, "query", "central_organisations", "-p", "limit=-1"], env=neo4j_env,
                           capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert query.returncode == 2 and "Traceback" not in query.stderr
    assert "error: query central_organisations" in query.stderr
    good = TWIST_2025.read_bytes()
    no_tree = re.sub(rb"/Type /Pages?\b", b"/Type /Nothing", re.sub(rb"/Pages \d+ 0 R", b"/Pages 9999 0 R", good))
    broken = {"tree.pdf": no_tree,
              "mediabox.pdf": good.replace(b"/MediaBox [", b"/MediaBox [/Nonsense ")}
    for name, data in broken.items():
        assert data != good, name
        (tmp_path / name).write_bytes(data)
        done = subprocess.run([EVALGRAPH, "extract", str(tmp_path / name)], capture_output=True, text=True,
                              cwd=PROJECT_ROOT)
        lines = done.stderr.strip().splitlines()
        assert "Traceback" not in done.stderr and len(lines) == 1, (name, done.stderr[-2000:])
        assert done.returncode == 1 and lines[0].startswith(f"error: {name}"), lines


def test_bundled_server_generates_a_private_password(tmp_path: Path) -> None:
    home = tmp_path / "neo4j"
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_PASSWORD"}
    env.update(EVALGRAPH_NEO4J_HOME=str(home), NEO4J_URI="bolt://127.0.0.1:7695", EVALGRAPH_NEO4J_HTTP_PORT="0")
    try:
        start = subprocess.run([EVALGRAPH, "neo4j", "start"], env=env, capture_output=True, text=True,
                               cwd=PROJECT_ROOT, timeout=300)
        assert start.returncode == 0, start.stderr
        assert f"password in {home / 'password'}" in " ".join(start.stdout.split())
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        assert stat.S_IMODE((home / "password").stat().st_mode) == 0o600
        assert len((home / "password").read_text().strip()) >= 20
        # every later command reads it: status logs in without NEO4J_PASSWORD
        status = subprocess.run([EVALGRAPH, "neo4j", "status"], env=env, capture_output=True, text=True,
                                cwd=PROJECT_ROOT)
        assert status.returncode == 0 and "answering" in status.stdout, status.stderr
    finally:
        subprocess.run([EVALGRAPH, "neo4j", "stop"], env=env, capture_output=True, cwd=PROJECT_ROOT)
