"""Judgment labels -> ordinal scale Non atteint (0) < Partiel (1) < Satisfaisant (2) < Atteint (3).

The raw label is always kept; unknown labels are reported, never guessed.
"""

from __future__ import annotations

import re

from pipeline.grid_tables import fold

SCALE = {"Non atteint": 0, "Partiel": 1, "Satisfaisant": 2, "Atteint": 3}

_VARIANTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(non|pas)[\s-]*atteint|^insatisfaisant|^insuffisant|^non satisfaisant"), "Non atteint"),
    (re.compile(r"^partiel|^partiellement|^en partie|^moyen"), "Partiel"),
    (re.compile(r"^satisfaisant|^plutot satisfaisant|^globalement atteint|^largement atteint"), "Satisfaisant"),
    (re.compile(r"^atteint|^pleinement atteint|^totalement atteint|^tres satisfaisant"), "Atteint"),
]


def normalise_judgment(label: str | None) -> tuple[str | None, int | None]:
    """('Partiellement atteint') -> ('Partiel', 1); unknown or empty -> (None, None)."""
    if not label:
        return None, None
    key = fold(" ".join(label.split())).strip(" .:;")
    for pattern, name in _VARIANTS:
        if pattern.search(key):
            return name, SCALE[name]
    return None, None
