"""Which part of the gazetteer a document's extraction depends on, so that an edit of the
gazetteer (or a review decision) re-extracts the documents it concerns and no other.

An entry concerns a document when one of its aliases could match the document's text (every word
of the alias is among the document's words: a superset of what the ruler can match), when the
document names the organisation, or when a name discovery weighed in it resolves to it. A
not-partner name concerns it when it is one of those names, or their first word (what discovery
compares it with). The scope is
the digest of those entries and names as they are now: it changes when one of them is edited,
added or removed, and not otherwise. The document's words are kept with its extraction, so the
scope can be computed again for a new gazetteer without reading the PDF.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from functools import lru_cache

from pipeline import gazetteer
from pipeline.gazetteer import on_change, squash
from pipeline.resolve import resolve
from pipeline.text import fold

WORD = re.compile(r"[0-9a-z]+")


def words(text: str) -> frozenset[str]:
    return frozenset(WORD.findall(fold(text)))


def document_terms(texts: Iterable[str]) -> list[str]:
    """The distinct words of a document's text, folded, sorted."""
    found: set[str] = set()
    for text in texts:
        found |= words(text)
    return sorted(found)


@lru_cache(maxsize=1)
def _alias_words() -> tuple[tuple[dict, tuple[frozenset[str], ...]], ...]:
    """(entry as data, the word sets of its aliases) per gazetteer entry."""
    return tuple((raw, tuple(w for w in (words(a) for a in raw["aliases"]) if w))
                 for raw in gazetteer.raw_data()["entries"])


on_change(_alias_words.cache_clear)


def scope_digest(terms: Iterable[str], candidates: Iterable[str], organisations: Iterable[str]) -> str:
    """sha256 over the gazetteer entries and not-partner names that concern a document with these
    words, where discovery weighed these candidate names, naming these organisations."""
    terms, candidates = frozenset(terms), set(candidates)
    names = set(organisations) | {r.entry.canonical for r in map(resolve, candidates) if r is not None}
    relevant = [raw for raw, alias_words in _alias_words()
                if raw["canonical"] in names or any(w <= terms for w in alias_words)]
    weighed = {squash(c) for c in candidates} | {squash(c.split()[0]) for c in candidates if c.split()}
    excluded = sorted(n for n in gazetteer.raw_data()["not_partners"] if squash(n) in weighed)
    body = json.dumps({"entries": relevant, "not_partners": excluded}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()
