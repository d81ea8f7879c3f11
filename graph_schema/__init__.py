"""The graph model's schema: constraints and indexes as numbered, versioned migrations.

`apply_migrations` brings any database up to the current version (an older one is
migrated, never rebuilt) and is run before every load, so users never call it by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from neo4j import Driver

from models.kinds import RELATION_TYPES

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
QUERIES_DIR = Path(__file__).resolve().parent / "queries"


def migrations() -> list[tuple[int, str, list[str]]]:
    """(version, name, statements) in order."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.cypher")):
        version = int(path.name.split("_", 1)[0])
        body = "\n".join(ln for ln in path.read_text(encoding="utf-8").splitlines()
                         if not ln.strip().startswith("//"))
        statements = [s.strip() for s in body.split(";") if s.strip()]
        found.append((version, path.stem, statements))
    return found


def current_version(driver: Driver, database: str | None = None) -> int:
    records, _, _ = driver.execute_query(
        "OPTIONAL MATCH (v:SchemaVersion {id: 'evalgraph'}) RETURN v.version AS version", database_=database)
    return records[0]["version"] or 0


def latest_version() -> int:
    return max(v for v, _, _ in migrations())


def apply_migrations(driver: Driver, database: str | None = None) -> list[str]:
    """Apply pending migrations in order; returns the names applied (empty when up to date)."""
    applied = []
    have = current_version(driver, database)
    for version, name, statements in migrations():
        if version <= have:
            continue
        for statement in statements:
            # schema commands run in their own auto-commit transaction
            driver.execute_query(statement, database_=database)
        driver.execute_query(
            "MERGE (v:SchemaVersion {id: 'evalgraph'}) SET v.version = $version, v.applied_at = datetime()",
            version=version, database_=database)
        applied.append(name)
    return applied


# Parameters every cookbook query may use, given by evalgraph, never by the user: the relation types
# are defined once (models.kinds), so a query says `type(r) IN $stated_relations` instead of a list.
GIVEN_PARAMETERS: dict[str, list[str]] = {"stated_relations": list(RELATION_TYPES)}


@dataclass(frozen=True)
class CookbookQuery:
    """One analyst question (graph_schema/queries/NAME.cypher). The file's leading comments give
    its title (`// title: ...`) and its parameters with defaults (`// param: name = value`); the
    GIVEN_PARAMETERS are added to them."""

    name: str
    title: str
    defaults: dict[str, str | int]
    text: str

    def parameters(self, given: dict[str, str] | None = None) -> dict[str, str | int]:
        """Defaults overridden by `given`; a value is typed like its default (an int stays an int).
        What the query runs with is these and GIVEN_PARAMETERS (`run_parameters`)."""
        values = dict(self.defaults)
        for key, raw in (given or {}).items():
            if key not in self.defaults:
                raise KeyError(f"query {self.name} has no parameter {key!r}; it takes: "
                               f"{', '.join(self.defaults) or 'none'}")
            values[key] = int(raw) if isinstance(self.defaults[key], int) else raw
        return values

    def run_parameters(self, given: dict[str, str] | None = None) -> dict[str, object]:
        """The parameters the query runs with: the user's (`parameters`) and the GIVEN_PARAMETERS."""
        return {**GIVEN_PARAMETERS, **self.parameters(given)}


def _typed(raw: str) -> str | int:
    return int(raw) if re.fullmatch(r"-?\d+", raw) else raw


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERIES_DIR.glob("*.cypher"))


def cookbook_query(name: str) -> CookbookQuery:
    path = QUERIES_DIR / f"{name}.cypher"
    if not re.fullmatch(r"[a-z0-9_]+", name) or not path.exists():
        raise KeyError(f"no query named {name!r}; known: {', '.join(query_names())}")
    text = path.read_text(encoding="utf-8")
    title, defaults = name, {}
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        key, _, value = line[2:].strip().partition(":")
        if key == "title":
            title = value.strip()
        elif key == "param":
            pname, _, default = value.partition("=")
            defaults[pname.strip()] = _typed(default.strip())
    return CookbookQuery(name, title, defaults, text)
