"""Entity resolution: one canonical organisation per real organisation, whatever the spelling.

A name as printed is tried against the gazetteer in order of confidence: the same
letters and digits (so "Creathriv-eu" meets "Creathriv.eu"), the name without a generic
lead word ("Interreg Creativ'Up", "le cluster TIC") or a trailing place ("Iconoval-Strasbourg"),
an acronym of a long form, and last a close spelling ("Braban Wallon") by rapidfuzz.
A name that resolves to nothing is not dropped here: the caller keeps it as a new,
unreviewed organisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from pipeline.gazetteer import Entry, entries, not_partners, on_change, squash
from pipeline.text import fold

ARTICLE_LEADS = ("le ", "la ", "les ", "l'", "du ", "des ")
GENERIC_LEADS = (*ARTICLE_LEADS, "cluster ", "clusters ", "pole ", "poles ", "projet ", "projets ", "programme ",
                 "interreg ", "label ", "salon ", "initiative ", "federation ", "agence ", "plateforme ")
PLACE_SEPARATOR = re.compile(r"\s*(?:[–—-]|,)\s*")
SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "aux", "au", "en", "pour", "of", "the", "and"}
FUZZY_CUTOFF = 88.0


@dataclass(frozen=True)
class Resolution:
    entry: Entry
    how: str  # squashed | lead | place_suffix | acronym | fuzzy
    score: float = 100.0


@lru_cache(maxsize=1)
def _index() -> dict[str, Entry]:
    index: dict[str, Entry] = {}
    for e in entries():
        for alias in e.aliases:
            index.setdefault(squash(alias), e)
    return index


@lru_cache(maxsize=1)
def _fuzzy_choices() -> tuple[list[str], list[Entry]]:
    names, owners = [], []
    for e in entries():
        for alias in e.aliases:
            if len(alias) >= 6:
                names.append(" ".join(fold(alias).split()))
                owners.append(e)
    return names, owners


def _acronym(words: str) -> str:
    return "".join(w[0] for w in re.findall(r"[^\W\d_]+", fold(words)) if w not in SMALL_WORDS)


@lru_cache(maxsize=1)
def _acronyms() -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    for e in entries():
        for alias in e.aliases:
            if len(alias.split()) >= 3:
                out.setdefault(_acronym(alias), e)
    return out


def is_not_partner(name: str) -> bool:
    return squash(name) in not_partners()


@lru_cache(maxsize=4096)
def resolve(name: str) -> Resolution | None:
    """The gazetteer entry `name` denotes, or None when it names something not in the gazetteer."""
    name = " ".join(name.replace("’", "'").split()).strip(" .,;:()«»\"")
    key = squash(name)
    if not key:
        return None
    index = _index()
    if key in index:
        return Resolution(index[key], "squashed")
    folded = fold(name)
    for lead in GENERIC_LEADS:
        if folded.startswith(lead) and len(folded) > len(lead) + 1:
            inner = resolve(name[len(lead):])
            # "la Wallonie" is the place, "Interreg Grande Région" or "salon Bruxelles" is not
            if inner is not None and not (lead not in ARTICLE_LEADS and "place" in inner.entry.types):
                return Resolution(inner.entry, "lead", inner.score)
    parts = PLACE_SEPARATOR.split(name)
    if len(parts) >= 2:
        tail = _index().get(squash(parts[-1]))
        if tail is not None and "place" in tail.types:
            head = resolve(" ".join(parts[:-1]))
            if head is not None:
                return Resolution(head.entry, "place_suffix", head.score)
    if name.isupper() and 2 <= len(key) <= 8 and key in _acronyms():
        return Resolution(_acronyms()[key], "acronym")
    if len(key) >= 6:
        names, owners = _fuzzy_choices()
        best = process.extractOne(" ".join(folded.split()), names, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if best is not None:
            return Resolution(owners[best[2]], "fuzzy", best[1])
    return None


@on_change
def clear_caches() -> None:
    for cached in (_index, _fuzzy_choices, _acronyms, resolve):
        cached.cache_clear()
