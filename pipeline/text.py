"""Text helpers every stage shares. This module imports nothing of the project, so the gazetteer,
the resolver or the section parser can use them without pulling in the table or wording modules."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=1 << 16)  # the same short words again and again: a header's, a cue's, a name's
def fold(text: str) -> str:
    """Lower case without accents: wording and names must match whatever the case and accents."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")


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
