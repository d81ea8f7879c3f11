"""Settings read from the environment, so the same code targets the bundled local
Neo4j, a Docker container, Aura or a company server without edits."""

from __future__ import annotations

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
