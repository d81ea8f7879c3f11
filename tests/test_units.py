"""Small pure functions of the parsers."""

from __future__ import annotations

import pytest

from pipeline.doc_meta import find_date, find_period
from pipeline.grid_parser import split_constats
from pipeline.grid_tables import find_grids
from pipeline.pages import Page, Word, group_lines
from pipeline.text import fold, join_text
from pipeline.vocabulary import normalise_judgment


@pytest.mark.parametrize(("label", "expected"), [
    ("Atteint", ("Atteint", 3)), ("atteint", ("Atteint", 3)), ("Satisfaisant", ("Satisfaisant", 2)),
    ("Partiel", ("Partiel", 1)), ("Partiellement atteint", ("Partiel", 1)), ("Non atteint", ("Non atteint", 0)),
    ("Non-atteint", ("Non atteint", 0)), ("NON ATTEINT", ("Non atteint", 0)), ("À revoir", (None, None)),
    ("", (None, None)), (None, (None, None)),
    # five levels, symbols: other evaluators' scales on the same ordinal scale
    ("Très satisfaisant", ("Atteint", 3)), ("Moyen", ("Partiel", 1)), ("Très insatisfaisant", ("Non atteint", 0)),
    ("Insatisfaisant", ("Non atteint", 0)), ("++", ("Atteint", 3)), ("+", ("Satisfaisant", 2)),
    ("+/-", ("Partiel", 1)), ("--", ("Non atteint", 0)), ("Satisfaisantes", (None, None)),
])
def test_judgment_scale(label, expected):
    assert normalise_judgment(label) == expected


@pytest.mark.parametrize(("text", "folded"), [
    ("Économie de la Région", "economie de la region"), ("AWEX", "awex"), ("", ""),
    ("Pôle MecaTech – Liège", "pole mecatech – liege"), ("e\u0301te\u0301", "ete"),  # accents already apart
    ("Straße İzmir ﬁn", "straße izmir ﬁn"),  # no mark to drop: only the case changes (İ's dot is a mark)
    ("Ελληνικά ά", "ελληνικα α"), ("Ça coûte 12 €", "ca coute 12 €"), ("x" * 80 + "é", "x" * 80 + "e"),
])
def test_fold_lowers_and_drops_the_accents_only(text: str, folded: str) -> None:
    assert fold(text) == folded


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


def _placed(spec: list[tuple[str, float]], top: float, x: float, gap: float) -> list[Word]:
    """Words of 9 pt with the given widths, `gap` apart, from `x`."""
    words = []
    for text, width in spec:
        words.append(Word(text, x, x + width, top, top + 9, 9.0, False))
        x += width + gap
    return words


def test_justified_prose_after_an_open_unruled_grid_is_not_a_continuation_row():
    """An unruled grid ends at the bottom of a page; the next page opens with a justified
    paragraph whose evenly stretched words happen to start where two columns start."""
    header = [Word(t, x, x + 40, 100, 109, 9.0, True)
              for t, x in (("Thème", 50), ("Critère", 150), ("Jugement", 300), ("Justification", 380))]
    row = (_placed([("Gouvernance", 50)], 115, 50, 2.2) + _placed([("Le", 10), ("cluster", 30)], 115, 150, 2.2)
           + _placed([("Atteint", 30)], 115, 300, 2.2) + _placed([("Constat", 35), ("1", 5)], 115, 380, 2.2))
    first = Page(1, 595, 842, group_lines(header + row, 1))
    # equal spaces of 5.85 pt; "considère" starts at 150 (Critère), "européens" at 300 (Jugement)
    prose = _placed([("Le", 10), ("Conseil", 30), ("d'Administration", 42.45), ("considère", 40), ("que", 40),
                     ("les", 52.45), ("européens", 45), ("prennent", 25)], 60, 50, 5.85)
    assert [w.x0 for w in prose if w.text in ("considère", "européens")] == pytest.approx([150, 300])
    second = Page(2, 595, 842, group_lines(prose, 2))
    scan = find_grids([first, second])
    assert [len(t.rows) for t in scan.tables] == [1]
    assert scan.tables[0].pages == [1]
    assert not any(id(line) in scan.consumed for line in second.lines)
