"""Shared fixtures. The Neo4j tests use a real Neo4j 5.26 server: the bundled one, started
here on its own port and data folder, or a disposable one named by EVALGRAPH_TEST_NEO4J_URI.
Nothing is skipped: if no server can be had, the tests that need it fail."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from neo4j import Driver

from models import ExtractionResult
from pipeline import neo4j_server
from pipeline.config import PROJECT_ROOT, Neo4jSettings, make_driver
from pipeline.extract import extract_document

# Prefect (imported later, by the flows) keeps its state and the extraction cache here: a fresh
# folder per test session, so no result cached by an earlier version of the code is ever reused.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="evalgraph-prefect-")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ["EVALGRAPH_PREFECT_LOCAL_URL"] = ""  # never report to a developer's running Prefect server
os.environ["EVALGRAPH_SERVICE_SOCKET"] = ""  # nor hand a run to a developer's running `evalgraph serve`
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")  # first start migrates SQLite
# a developer's own review decisions (var/review.yaml) never change what the tests extract
os.environ["EVALGRAPH_REVIEW_FILE"] = os.path.join(tempfile.mkdtemp(prefix="evalgraph-review-"), "review.yaml")

CORPUS = PROJECT_ROOT / "corpus"
# the executables installed beside the interpreter running the tests (a virtualenv, wherever it is)
BIN = Path(sys.executable).parent
EVALGRAPH = str(BIN / "evalgraph")
TWIST_2025 = CORPUS / "twist_2025_kpmg_synthese.pdf"
TWIST_2010 = CORPUS / "twist_2010_comase_synthese.pdf"
POLICY_2011 = CORPUS / "politique_clustering_2011_synthese.pdf"
SLIDES_2014 = CORPUS / "uwe_clustering_wallonie_2014_slides.pdf"
TEST_SERVER_HOME = PROJECT_ROOT / "var" / "neo4j-test"
TEST_HTTP_PORT = int(os.environ.get("EVALGRAPH_TEST_NEO4J_HTTP_PORT", "7475"))  # the test server's Browser


@cache
def extracted(path: Path) -> ExtractionResult:
    """Extraction is pure: tests that read the same PDF share one result."""
    return extract_document(path)


@pytest.fixture(scope="session")
def twist_2025() -> ExtractionResult:
    return extracted(TWIST_2025)


@pytest.fixture(scope="session")
def neo4j_settings() -> Iterator[Neo4jSettings]:
    external = os.environ.get("EVALGRAPH_TEST_NEO4J_URI")
    password = os.environ.get("EVALGRAPH_TEST_NEO4J_PASSWORD", "evalgraph-test")
    if external:
        yield Neo4jSettings(external, os.environ.get("EVALGRAPH_TEST_NEO4J_USER", "neo4j"), password, None)
        return
    port = int(os.environ.get("EVALGRAPH_TEST_NEO4J_PORT", "7688"))
    home = TEST_SERVER_HOME
    before = neo4j_server.status(home, "127.0.0.1", port, "neo4j", password) if home.exists() else None
    neo4j_server.start(home, "127.0.0.1", port, "neo4j", password, http=TEST_HTTP_PORT)
    yield Neo4jSettings(f"bolt://127.0.0.1:{port}", "neo4j", password, None)
    if before is None or not before.running:
        neo4j_server.stop(home)


@pytest.fixture
def driver(neo4j_settings: Neo4jSettings) -> Iterator[Driver]:
    """A driver on an emptied test database (schema constraints are kept)."""
    with make_driver(neo4j_settings) as drv:
        drv.execute_query("MATCH (n) DETACH DELETE n")
        yield drv


def neo4j_variables(settings: Neo4jSettings) -> dict[str, str]:
    """The environment variables that point the CLI and the flow at a database."""
    return {"NEO4J_URI": settings.uri, "NEO4J_USER": settings.user, "NEO4J_PASSWORD": settings.password}


@contextmanager
def neo4j_environment(settings: Neo4jSettings) -> Iterator[None]:
    """Point this process at `settings` for a block (a module-scoped fixture cannot monkeypatch),
    then put the environment back as it was."""
    env = neo4j_variables(settings)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture
def neo4j_env(neo4j_settings: Neo4jSettings, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment that points the CLI at the test database."""
    env = neo4j_variables(neo4j_settings)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return {**os.environ, **env}


@pytest.fixture
def ingest(driver: Driver, neo4j_env: dict[str, str]) -> Callable[..., list]:
    """Ingest through the real Prefect flow (what `evalgraph ingest` runs) into the emptied test
    database; returns the rows, one per document."""
    from flows.ingest import run_ingest

    def run(paths: list, prune: bool = False, runner: str = "threads", workers: int = 2) -> list:
        return run_ingest([str(p) for p in paths], prune=prune, runner=runner, workers=workers).rows

    return run


def write_pdf_copy(src: Path, dst_dir: Path, name: str | None = None) -> Path:
    dst = dst_dir / (name or src.name)
    dst.write_bytes(src.read_bytes())
    return dst


@pytest.fixture(scope="module")
def corpus_graph(neo4j_settings: Neo4jSettings) -> Iterator[Driver]:
    """The bundled corpus, loaded by the real flow into the emptied test database (what
    `scripts/main.sh` gives a user)."""
    from flows.ingest import run_ingest

    with neo4j_environment(neo4j_settings), make_driver(neo4j_settings) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
        assert {r.status for r in run_ingest([str(CORPUS)], runner="threads").rows} == {"loaded"}
        yield driver


# Tests that run the Prefect flow (a Prefect server starts: seconds), the CLI or the service in a subprocess are
# `slow`, so that `pytest -m "not slow"` is a fast loop. They are marked from the fixtures they use,
# so a new test of that kind is slow without anyone remembering to mark it; the others that take
# seconds (OCR, the 2000-page PDF, LibreOffice, a second spaCy) are marked where they are written.
SLOW_FIXTURES = frozenset({"ingest", "corpus_graph", "neo4j_env", "service_env"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
