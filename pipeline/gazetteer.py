"""The gazetteer extraction reads: the curated one (pipeline/data/gazetteer.json, or the file
EVALGRAPH_GAZETTEER names) with the analyst's review decisions applied (pipeline.review), and
exact alias lookup.

Matching is case- and accent-insensitive on whole words; fuzzy resolution of unseen spellings
lives in the entity-resolution stage. Both files are read again when either changes on disk
(`refresh`), so a long-lived worker never extracts with a gazetteer the user has since edited;
what was built from the old one (the resolver's index, spaCy's ruler) is dropped with it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from models.kinds import ENTRY_TYPES, EntryType, OrganisationType, is_organisation_type
from pipeline.review import apply_decisions, read_decisions, review_path
from pipeline.text import fold

DATA = Path(__file__).resolve().parent / "data" / "gazetteer.json"


def gazetteer_path() -> Path:
    """The bundled gazetteer, or another one named by EVALGRAPH_GAZETTEER (a region's own list,
    or a held-out evaluation that withholds entries)."""
    return Path(os.environ.get("EVALGRAPH_GAZETTEER") or DATA)


@dataclass(frozen=True)
class Entry:
    canonical: str
    types: tuple[EntryType, ...]
    aliases: tuple[str, ...]
    domain: str | None = None
    region: str | None = None

    @property
    def type(self) -> EntryType:
        """The first type is the main one ("Logistics in Wallonia" is a cluster first, and a pôle)."""
        return self.types[0]

    @property
    def organisation_types(self) -> list[OrganisationType]:
        """Its types but "place": what a mention of it, or its node, says it is."""
        return [t for t in self.types if is_organisation_type(t)]


def squash(text: str) -> str:
    """Letters and digits only, folded: punctuation and spacing variants compare equal."""
    return re.sub(r"[^0-9a-z+]", "", fold(text))


_dependants: list[Callable[[], None]] = []


def on_change(clear: Callable[[], None]) -> Callable[[], None]:
    """Register a cache built from the gazetteer, to be cleared when it changes."""
    _dependants.append(clear)
    return clear


def _stamp() -> tuple[tuple[str, int, int], ...]:
    """(path, mtime, size) of the gazetteer and of the review file (absent: zeros)."""
    stamps = []
    for path in (gazetteer_path(), review_path()):
        try:
            stat = path.stat()
            stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
        except FileNotFoundError:
            stamps.append((str(path), 0, 0))
    return tuple(stamps)


_loaded_stamp: list[tuple[tuple[str, int, int], ...]] = []


def refresh() -> None:
    """Read the gazetteer again if it, its path or the review file changed since it was read."""
    if _loaded_stamp and _loaded_stamp != [_stamp()]:
        clear_caches()


def _read(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        import yaml

        return yaml.safe_load(text)
    return json.loads(text)


def curated_data() -> dict:
    """The curated gazetteer, without review decisions: an entry's former names (before a merger or
    a renaming) are among its aliases, so they resolve to the organisation it became."""
    data = _read(gazetteer_path())
    entries = [dict(e, aliases=list(dict.fromkeys(e["aliases"] + [n for f in e.get("former", []) for n in f["names"]])))
               for e in data["entries"]]
    return {**data, "entries": entries}


@lru_cache(maxsize=1)
def _data() -> dict:
    _loaded_stamp[:] = [_stamp()]  # before reading: a change made meanwhile is seen by the next refresh
    return apply_decisions(curated_data(), read_decisions())


def raw_data() -> dict:
    """The gazetteer as data ({"entries": [...], "not_partners": [...]}), review decisions applied."""
    return _data()


@lru_cache(maxsize=1)
def digest() -> str:
    """sha256 of the gazetteer as extraction sees it (curated entries and review decisions)."""
    return hashlib.sha256(json.dumps(_data(), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


_ENTRY_TYPES = TypeAdapter(tuple[EntryType, ...])


def _types(entry: dict) -> tuple[EntryType, ...]:
    """An entry's types, checked: a misspelt type fails at load, naming the entry, instead of
    making an organisation without a label."""
    try:
        return _ENTRY_TYPES.validate_python(tuple(entry["types"]))
    except ValidationError:
        raise ValueError(f"{gazetteer_path()}: entry {entry['canonical']!r} has types {entry['types']}; "
                         f"each must be one of {', '.join(ENTRY_TYPES)}") from None


@lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    return tuple(Entry(e["canonical"], _types(e), tuple(e["aliases"]), e.get("domain"), e.get("region"))
                 for e in _data()["entries"])


@lru_cache(maxsize=1)
def by_canonical() -> dict[str, Entry]:
    return {e.canonical: e for e in entries()}


@lru_cache(maxsize=1)
def not_partners() -> frozenset[str]:
    """Squashed names that look like organisations in reports but are not partners."""
    return frozenset(squash(n) for n in _data()["not_partners"])


def _alias_pattern(alias: str) -> re.Pattern[str]:
    body = re.escape(fold(alias)).replace(r"\ ", r"\s+")
    return re.compile(rf"(?<![\w+]){body}(?![\w+])")


@cache
def _patterns(kind: str | None) -> tuple[tuple[re.Pattern[str], Entry], ...]:
    pairs = [(a, e) for e in entries() if kind is None or kind in e.types for a in e.aliases]
    pairs.sort(key=lambda p: -len(p[0]))  # longest alias first: "INFOPOLE cluster TIC" before "cluster TIC"
    return tuple((_alias_pattern(a), e) for a, e in pairs)


def find_all(text: str, kind: str | None = None) -> list[tuple[int, int, Entry]]:
    """Non-overlapping (start, end, entry) matches, leftmost-longest, in folded-text offsets.

    Short all-caps aliases (acronyms such as ADE, EY) only match in capitals in the source.
    """
    folded = fold(text)
    taken: list[tuple[int, int, Entry]] = []
    for pattern, entry in _patterns(kind):
        for m in pattern.finditer(folded):
            if any(m.start() < e and s < m.end() for s, e, _ in taken):
                continue
            original = text[m.start():m.end()]
            if len(original) <= 4 and not original.isupper() and fold(original) == original.lower() and \
                    any(a.isupper() and fold(a) == m.group(0) for a in entry.aliases):
                continue
            taken.append((m.start(), m.end(), entry))
    return sorted(taken, key=lambda t: t[0])


def lookup(name: str) -> Entry | None:
    """The entry whose alias is exactly `name` (folded), if any: what an analyst names in a review."""
    key = " ".join(fold(name).split())
    for e in entries():
        if any(" ".join(fold(a).split()) == key for a in e.aliases):
            return e
    return None


def clear_caches() -> None:
    """Forget the loaded gazetteer and everything built from it."""
    for cached in (_data, digest, entries, by_canonical, not_partners, _patterns):
        cached.cache_clear()
    _loaded_stamp.clear()
    for clear in _dependants:
        clear()
