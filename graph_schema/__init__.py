"""The graph model's schema: constraints and indexes as numbered, versioned migrations.

`apply_migrations` brings any database up to the current version (an older one is
migrated, never rebuilt) and is run before every load, so users never call it by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

from neo4j import Driver

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


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERIES_DIR.glob("*.cypher"))


def query_text(name: str) -> str:
    if not re.fullmatch(r"[a-z0-9_]+", name) or not (QUERIES_DIR / f"{name}.cypher").exists():
        raise KeyError(f"no query named {name!r}; known: {', '.join(query_names())}")
    return (QUERIES_DIR / f"{name}.cypher").read_text(encoding="utf-8")
