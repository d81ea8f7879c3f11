"""Ingest many documents: discover PDFs, skip unchanged ones by content hash, extract,
load each in its own transaction, and report every document's outcome.

A failing document (unreadable PDF, database error) is reported with its reason and
never stops the others; what was loaded before stays loaded.
"""

from __future__ import annotations

import glob
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from neo4j import Driver
from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

from graph_schema import apply_migrations
from models import ExtractionResult
from pipeline import PIPELINE_VERSION
from pipeline.extract import extract_document
from pipeline.graph_load import known_documents, load_document, prune_documents
from pipeline.pages import DocumentReadError, sha256_of


@dataclass
class IngestRow:
    source: str
    status: str  # loaded | replaced | unchanged | failed
    result: ExtractionResult | None = None
    reason: str = ""
    counters: dict[str, int] = field(default_factory=dict)


def discover(paths: Iterable[str | Path], unpack_dir: Path | None = None) -> list[Path]:
    """PDFs under folders (recursively), glob patterns, single files, and zip archives."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file())
        elif path.suffix.lower() == ".zip" and path.is_file():
            target = (unpack_dir or path.parent / f".{path.stem}.unzipped")
            with zipfile.ZipFile(path) as zf:
                members = [m for m in zf.namelist() if m.lower().endswith(".pdf") and not m.startswith("__MACOSX")]
                for m in members:
                    zf.extract(m, target)
                found += sorted(target / m for m in members)
        elif path.is_file():
            found.append(path)
        else:
            found += sorted(Path(p) for p in glob.glob(str(raw), recursive=True) if p.lower().endswith(".pdf"))
    unique: dict[str, Path] = {}
    for p in found:
        unique.setdefault(str(p.resolve()), p)
    return list(unique.values())


def ingest_one(driver: Driver, path: Path, known: dict[str, tuple[str, str]],
               database: str | None = None) -> IngestRow:
    source = path.name
    try:
        if known.get(source) == (sha256_of(path), PIPELINE_VERSION):
            return IngestRow(source, "unchanged")
        result = extract_document(path)
    except DocumentReadError as exc:
        return IngestRow(source, "failed", reason=str(exc))
    except OSError as exc:
        return IngestRow(source, "failed", reason=f"{source}: {exc}")
    try:
        outcome = load_document(driver, result, database, known)
    except (ServiceUnavailable, SessionExpired) as exc:
        return IngestRow(source, "failed", result, reason=f"{source}: Neo4j unavailable ({exc}); nothing "
                                                           "of this document was written")
    except Neo4jError as exc:
        return IngestRow(source, "failed", result, reason=f"{source}: Neo4j refused the load ({exc.message})")
    return IngestRow(source, outcome.status, result, counters=outcome.counters)


def ingest_paths(driver: Driver, paths: Iterable[str | Path], database: str | None = None,
                 prune: bool = False, on_document: Callable[[IngestRow], None] | None = None) -> list[IngestRow]:
    apply_migrations(driver, database)
    files = discover(paths)
    known = known_documents(driver, database)
    rows = []
    for path in files:
        row = ingest_one(driver, path, known, database)
        rows.append(row)
        if on_document:
            on_document(row)
    if prune:
        for source in prune_documents(driver, {p.name for p in files}, database):
            rows.append(IngestRow(source, "pruned"))
    return rows
