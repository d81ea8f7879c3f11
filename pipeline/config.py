"""Settings read from the environment, so the same code targets the bundled local
Neo4j, a Docker container, Aura or a company server without edits."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

if TYPE_CHECKING:
    from neo4j import Driver  # imported at run time only by make_driver: the CLI starts faster

PROJECT_ROOT = Path(__file__).resolve().parents[1]

PASSWORD_FILE = "password"  # in the bundled server's home: generated on its first start, readable by the user only


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str
    user: str
    password: str
    database: str | None

    @property
    def host(self) -> str:
        return urlparse(self.uri).hostname or "127.0.0.1"

    @property
    def port(self) -> int:
        return urlparse(self.uri).port or 7687

    @classmethod
    def from_env(cls) -> Neo4jSettings:
        return cls(
            uri=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"),
            user=os.environ.get("NEO4J_USER", "neo4j"),
            password=os.environ.get("NEO4J_PASSWORD") or stored_password() or "",
            database=os.environ.get("NEO4J_DATABASE") or None,
        )


def stored_password(home: Path | None = None) -> str | None:
    """The bundled server's generated password (pipeline.neo4j_server), when NEO4J_PASSWORD is unset."""
    try:
        return ((home or local_server_home()) / PASSWORD_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def local_server_home() -> Path:
    """Where the bundled server keeps its data and logs (git-ignored)."""
    return Path(os.environ.get("EVALGRAPH_NEO4J_HOME", PROJECT_ROOT / "var" / "neo4j"))


def cache_dir() -> Path:
    """EVALGRAPH_CACHE_DIR, else $XDG_CACHE_HOME/evalgraph (~/.cache/evalgraph)."""
    explicit = os.environ.get("EVALGRAPH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "evalgraph"


def service_socket() -> Path | None:
    """Where `evalgraph serve` takes ingests and `evalgraph ingest` looks for it: the Unix socket
    EVALGRAPH_SERVICE_SOCKET, else service.sock in the cache folder (per user); set empty, none
    (the CLI runs every ingest itself, `serve` only serves the deployment)."""
    given = os.environ.get("EVALGRAPH_SERVICE_SOCKET")
    if given is None:
        return cache_dir() / "service.sock"
    return Path(given) if given else None


# What of the environment decides what an ingest does: the Neo4j target, the bounds, the knowledge
# files, the task runner. Not: where the CLI looks for a service or a Prefect server.
RUN_ENVIRONMENT_PREFIXES = ("EVALGRAPH_", "NEO4J_")
NOT_RUN_ENVIRONMENT = frozenset({"EVALGRAPH_SERVICE_SOCKET", "EVALGRAPH_PREFECT_LOCAL_URL", "NEO4J_PASSWORD"})


def run_environment() -> dict[str, str]:
    """The variables that decide what an ingest does, as set here (an empty one is unset), with the
    Neo4j password as a digest: a warm service runs the CLI's ingest only when they are its own."""
    chosen = {name: value for name, value in os.environ.items()
              if name.startswith(RUN_ENVIRONMENT_PREFIXES) and name not in NOT_RUN_ENVIRONMENT and value}
    password = Neo4jSettings.from_env().password
    chosen["NEO4J_PASSWORD (sha256)"] = hashlib.sha256(password.encode()).hexdigest()
    return chosen


def make_driver(settings: Neo4jSettings) -> Driver:
    """The one place drivers are built: server notifications (hints about labels that do not
    exist yet in a fresh database) are not errors and would drown the CLI output.
    EVALGRAPH_NEO4J_RETRY_SECONDS bounds the driver's own retries of a transaction."""
    from neo4j import GraphDatabase

    # The driver retries a failed transaction for up to 30 s by default; the flow retries a
    # document's load itself, with backoff, so the driver's own window is kept short.
    retry = float(os.environ.get("EVALGRAPH_NEO4J_RETRY_SECONDS", "10"))
    return GraphDatabase.driver(settings.uri, auth=(settings.user, settings.password),
                                notifications_min_severity="OFF", max_transaction_retry_time=retry)
