"""Small pure functions of the parsers."""

from __future__ import annotations

import pytest

from pipeline.doc_meta import find_date, find_period
from pipeline.grid_parser import split_constats
from pipeline.grid_tables import join_text
from pipeline.judgments import normalise_judgment


@pytest.mark.parametrize(("label", "expected"), [
    ("Atteint", ("Atteint", 3)), ("atteint", ("Atteint", 3)), ("Satisfaisant", ("Satisfaisant", 2)),
    ("Partiel", ("Partiel", 1)), ("Partiellement atteint", ("Partiel", 1)), ("Non atteint", ("Non atteint", 0)),
    ("Non-atteint", ("Non atteint", 0)), ("NON ATTEINT", ("Non atteint", 0)), ("Excellent", (None, None)),
    ("", (None, None)), (None, (None, None)),
])
def test_judgment_scale(label, expected):
    assert normalise_judgment(label) == expected


def test_split_constats_keeps_numbers_and_text():
    found, lead = split_constats("Constat 12 : a b  c Constat 13: d Constat n° 14 – e")
    assert found == [(12, "a b c"), (13, "d"), (14, "e")] and lead == ""


def test_join_text_rejoins_hyphenated_compounds():
    assert join_text(["micro-", "entreprises et", "PME"]) == "micro-entreprises et PME"
    assert join_text(["a -", "b"]) == "a - b"


@pytest.mark.parametrize(("text", "iso"), [
    ("Synthèse 04/11/25", "2025-11-04"), ("Mai 2010", "2010-05"), ("Octobre 2011", "2011-10"),
    ("le 15 avril 2014 à Sofia", "2014-04-15"), ("pas de date", None), ("31/13/2020", None),
])
def test_find_date(text, iso):
    assert find_date(text) == iso


def test_find_period():
    assert find_period("évaluation triennale ... son sixième triennat") == ("triennat", 6)
    assert find_period("au terme du premier quadriennat") == ("quadriennat", 1)
    assert find_period("rien") == (None, None)
