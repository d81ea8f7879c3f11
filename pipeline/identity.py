"""What each found file is to the graph, decided from its identity (pipeline.archive) and its
bytes (sha256) before anything is parsed:

- unchanged: same path, same bytes, same extraction version, extracted with today's gazetteer
  (or one that differs only outside the document's scope): nothing to do;
- a duplicate: the same bytes as another file of this run, or as a document still where it
  was ingested from: reported, not loaded twice;
- moved: the same bytes as a document whose file is no longer where it was ingested from:
  the document is renamed in place (its facts and their provenance kept), not loaded again;
- a conflict: another file at a path the graph already holds for a document whose own file is
  still where it was, with its own bytes (two folders each with a top-level `synthese.pdf`,
  ingested one after the other): refused, so one never silently replaces the other;
- otherwise it is extracted: new, or changed in place (it replaces its old facts).
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.archive import FoundFile
from pipeline.pages import sha256_of


@dataclass(frozen=True)
class KnownDocument:
    """What the graph holds of a document: enough to recognise its bytes and where they were."""

    sha256: str | None
    version: str | None
    origin: str | None = None
    gazetteer: str | None = None  # digest of the gazetteer it was extracted with
    scope: str | None = None  # digest of the part of it that concerns the document

    def current(self, version: str, gazetteer: str) -> bool:
        """Extracted by this code with this gazetteer: extracting it again would give the same."""
        return (self.version, self.gazetteer) == (version, gazetteer)


@dataclass(frozen=True)
class Move:
    old: str
    new: str
    origin: str


@dataclass
class Plan:
    unchanged: list[FoundFile] = field(default_factory=list)
    duplicates: list[tuple[FoundFile, str]] = field(default_factory=list)  # (file, reason)
    conflicts: list[tuple[FoundFile, str]] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    moved_unchanged: list[FoundFile] = field(default_factory=list)  # renamed; nothing else to do
    todo: list[FoundFile] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)  # source -> new origin of an unchanged document


def holds(origin: str | None, sha256: str) -> bool:
    """True when `origin` (a path, or `archive.zip!member`) still exists and holds these bytes."""
    if not origin:
        return False
    try:
        archive, sep, member = origin.partition("!")
        if not sep:
            return sha256_of(Path(origin)) == sha256
        digest = hashlib.sha256()
        with zipfile.ZipFile(archive) as zf, zf.open(member) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest() == sha256
    except (OSError, KeyError, zipfile.BadZipFile, EOFError, RuntimeError, NotImplementedError):
        return False


def plan(files: list[FoundFile], known: dict[str, KnownDocument], version: str, gazetteer: str) -> Plan:
    """Sort the found files (in identity order) into what is to be done with each. `version`: the
    extraction code's; `gazetteer`: the digest of the gazetteer extraction reads now."""
    result = Plan()
    hashes: dict[str, str | None] = {}
    for f in files:
        try:
            hashes[f.source] = sha256_of(Path(f.path))
        except OSError:
            hashes[f.source] = None  # unreadable: extraction reports it with its reason
    in_run = set(hashes)
    first_with: dict[str, FoundFile] = {}
    by_sha: dict[str, list[str]] = {}
    for source, doc in known.items():
        if doc.sha256:
            by_sha.setdefault(doc.sha256, []).append(source)
    for f in files:
        sha = hashes[f.source]
        if sha is None:
            result.todo.append(f)
            continue
        if sha in first_with:
            result.duplicates.append((f, f"{f.source}: the same bytes as {first_with[sha].source}; "
                                         "not loaded twice"))
            continue
        first_with[sha] = f
        previous = known.get(f.source)
        if previous is not None and previous.sha256 == sha:
            if previous.current(version, gazetteer):
                result.unchanged.append(f)
                if previous.origin != f.origin:
                    result.origins[f.source] = f.origin
            else:
                result.todo.append(f)
            continue
        if previous is not None:
            if previous.origin and previous.origin != f.origin and holds(previous.origin, previous.sha256 or ""):
                result.conflicts.append((f, (
                    f"{f.source}: the graph already holds another document at this path, ingested from "
                    f"{previous.origin}, which is still there; ingest both from a common parent folder so "
                    "their paths differ")))
            else:
                result.todo.append(f)  # changed in place: replaces its old facts
            continue
        elsewhere = [s for s in by_sha.get(sha, []) if s not in in_run]
        # the same file seen from another root (its identity changed with the root) is a move;
        # a copy elsewhere that still exists is a duplicate
        still_there = [s for s in elsewhere if known[s].origin != f.origin and holds(known[s].origin, sha)]
        if still_there:
            result.duplicates.append((f, f"{f.source}: the same bytes as {still_there[0]}, ingested from "
                                         f"{known[still_there[0]].origin}; not loaded twice"))
        elif elsewhere:
            old = elsewhere[0]
            result.moves.append(Move(old, f.source, f.origin))
            by_sha[sha].remove(old)
            (result.moved_unchanged if known[old].current(version, gazetteer) else result.todo).append(f)
        else:
            result.todo.append(f)
    result.todo = [replace(f, sha256=hashes[f.source]) for f in result.todo]
    return result
