"""Text helpers every stage shares. This module imports nothing of the project, so the gazetteer,
the resolver or the section parser can use them without pulling in the table or wording modules."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

CACHED_FOLD_CHARS = 64  # a word, a heading, a name: folded again and again; a page's text is not


def fold(text: str) -> str:
    """Lower case without accents: wording and names must match whatever the case and accents.
    Short texts come from a cache; long ones (a page, a document's words) are folded each time,
    so that a worker's memory does not keep the documents it has read."""
    return _folded_short(text) if len(text) <= CACHED_FOLD_CHARS else _folded(text)


class _WithoutMarks(dict[int, int | None]):
    """str.translate's table that drops combining marks (category Mn, the accents NFD splits
    off) and keeps every other character: filled as characters are met, so it holds the
    alphabet of the documents read, a few hundred entries."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)) == "Mn" else code
        self[code] = kept
        return kept


_WITHOUT_MARKS = _WithoutMarks()


def _folded(text: str) -> str:
    lower = text.lower()
    if lower.isascii():  # most words: no accent to take off
        return lower
    return unicodedata.normalize("NFD", lower).translate(_WITHOUT_MARKS)


_folded_short = lru_cache(maxsize=1 << 16)(_folded)


def join_text(parts: list[str]) -> str:
    """Join wrapped lines: a line ending in a hyphen after a letter joins without space."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha():
            out += part
        else:
            out = f"{out} {part}" if out else part
    return out
