"""Judgment labels -> the common ordinal scale Non atteint (0) < Partiel (1) < Satisfaisant (2) <
Atteint (3). The scales and their phrasings are data (report_wording.yaml); this module is the
name the rest of the pipeline imports.
"""

from __future__ import annotations

from pipeline.vocabulary import is_judgment_label, normalise_judgment, wording

__all__ = ["SCALE", "is_judgment_label", "normalise_judgment"]

SCALE: dict[str, int] = dict(wording().levels)
