"""One new report through the CLI, as a user runs it: `evalgraph ingest <folder>` on a folder
whose one report has new content (its bytes change before every run, so it is extracted and
loaded again, never taken from a cache), with the Prefect home kept between runs.

Three situations, each timed `runs` times (median):
- no Prefect server running: the CLI starts its own for the run (flows.prefect_api);
- a Prefect server already running on this machine (`prefect server start`): the CLI finds it
  and reports to it;
- a warm service running (`evalgraph serve`, flows.service): the CLI submits the run to it.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import pypdfium2

from flows.prefect_api import _free_port
from flows.service import answers
from pipeline.config import PROJECT_ROOT

NOWHERE = "http://127.0.0.1:9/api"  # no server listens there: the CLI must start its own
REPORT_PAGES = 6


def six_page_report(archive: Path) -> Path:
    """The archive's first report of REPORT_PAGES pages (the archive is deterministic)."""
    for pdf in sorted(archive.glob("*.pdf")):
        document = pypdfium2.PdfDocument(pdf)
        try:
            if len(document) == REPORT_PAGES:
                return pdf
        finally:
            document.close()
    raise LookupError(f"no {REPORT_PAGES}-page report in {archive}")


def _changed_copy(report: Path, folder: Path) -> None:
    """The report with a comment appended after its end: the same pages, other bytes."""
    target = folder / "nouveau_rapport.pdf"
    shutil.copyfile(report, target)
    with target.open("ab") as out:
        out.write(f"\n% evalgraph benchmark {uuid.uuid4()}\n".encode())


def _ingest_seconds(folder: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([str(PROJECT_ROOT / ".venv" / "bin" / "evalgraph"), "ingest", str(folder)], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        raise RuntimeError(f"evalgraph ingest {folder} failed ({done.returncode}): {done.stderr[-2000:]}")
    return time.perf_counter() - start


def _timed(report: Path, folder: Path, env: dict[str, str], runs: int) -> float:
    _changed_copy(report, folder)
    _ingest_seconds(folder, env)  # the first ingest of this path (and a new Prefect home's migrations)
    times = []
    for _ in range(runs):
        _changed_copy(report, folder)
        times.append(_ingest_seconds(folder, env))
    return statistics.median(times)


def cli_one_report(report: Path, neo4j_env: dict[str, str], home: Path, runs: int = 3) -> dict[str, float]:
    """Median wall seconds of the CLI on one new report: {"no_server": s, "running_server": s,
    "warm_service": s}."""
    env = {**os.environ, **neo4j_env, "PREFECT_HOME": str(home / "prefect-home"),
           "EVALGRAPH_PREFECT_LOCAL_URL": NOWHERE, "EVALGRAPH_SERVICE_SOCKET": ""}
    env.pop("PREFECT_API_URL", None)
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        figures["no_server"] = _timed(report, Path(folder), env, runs)
        port = _free_port()
        url = f"http://127.0.0.1:{port}/api"
        server_env = {**env, "PREFECT_HOME": str(home / "prefect-home-server"), "PREFECT_SERVER_UI_ENABLED": "false",
                      "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        with subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port",
                               str(port)], env=server_env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) as server:
            try:
                _wait_for(url)
                figures["running_server"] = _timed(report, Path(folder), {**env, "EVALGRAPH_PREFECT_LOCAL_URL": url},
                                                   runs)
            finally:
                server.terminate()
        figures["warm_service"] = _with_service(report, Path(folder), env, runs)
    return figures


def _with_service(report: Path, folder: Path, env: dict[str, str], runs: int) -> float:
    """`evalgraph serve` started (its own Prefect server, its workers warm), then the CLI timed."""
    with tempfile.TemporaryDirectory(prefix="eg-", dir="/tmp") as place:  # a socket's path is short
        socket_path = Path(place) / "s.sock"
        service_env = {**env, "EVALGRAPH_SERVICE_SOCKET": str(socket_path)}
        with subprocess.Popen([str(PROJECT_ROOT / ".venv" / "bin" / "evalgraph"), "serve", "--inbox", place],
                              env=service_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as service:
            try:
                deadline = time.monotonic() + 180
                while not answers(socket_path):
                    if service.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("evalgraph serve did not start")
                    time.sleep(0.2)
                return _timed(report, folder, service_env, runs)
            finally:
                service.terminate()


def _wait_for(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"no Prefect server at {url} after {seconds:g} s")
