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


def _folded(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")


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
