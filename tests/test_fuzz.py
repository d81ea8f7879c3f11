"""Property-based fuzzing of the parsers (hypothesis): whatever text a PDF yields, they return
well-formed records or nothing, never an exception, and keep their invariants."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.blocks import Block, TextUnit
from pipeline.doc_meta import find_date, find_period
from pipeline.figures import read_figures
from pipeline.grid_parser import parse_grid_document, split_constats
from pipeline.resolve import resolve
from pipeline.strategic_axes import read_strategic_axes
from pipeline.vocabulary import normalise_judgment

# French report text: words of the domain, numbers, dates, punctuation, and noise
WORDS = st.sampled_from(["Constat", "12", ":", "Le", "cluster", "comptait", "57", "membres", "au", "1/03/2010",
                         "dont", "36", "entreprises", "réponses", "%", "de", "taux", "réponse", "€", "budget",
                         "1.400.743", "administrateurs", "axes", "stratégiques", "•", "-", "Atteint", "Partiel",
                         "Non", "atteint", "triennat", "2e", "quadriennat", "Question", "d'évaluation", "1", ".",
                         "\n", "AWEX", "Wagralim", "(", ")", "2025", "novembre", "le", "15", "avril"])
TEXT = st.one_of(st.lists(WORDS, max_size=60).map(" ".join), st.text(max_size=300))
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXT)
def test_judgments_are_on_the_scale_or_unknown(label: str) -> None:
    normalised, level = normalise_judgment(label)
    assert (normalised, level) in {("Atteint", 3), ("Satisfaisant", 2), ("Partiel", 1), ("Non atteint", 0),
                                   (None, None)}


@FAST
@given(TEXT)
def test_constats_are_numbered_and_cover_the_text(text: str) -> None:
    constats, lead = split_constats(text)
    assert all(isinstance(n, int) and n >= 0 for n, _ in constats)
    assert all(body == body.strip() for _, body in constats)
    assert isinstance(lead, str)


@FAST
@given(st.lists(TEXT, max_size=5))
def test_figures_have_a_value_a_unit_and_their_sentence(texts: list[str]) -> None:
    for f in read_figures([TextUnit(t, i + 1) for i, t in enumerate(texts)]):
        assert f.value >= 0 and f.unit and 1 <= f.page <= len(texts)
        assert f.date is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", f.date)
        assert (f.date is None) == (f.date_source is None)


@FAST
@given(TEXT)
def test_dates_and_periods_are_valid_or_absent(text: str) -> None:
    date = find_date(text)
    assert date is None or re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", date)
    kind, number = find_period(text)
    assert kind in (None, "triennat", "quadriennat") and (number is None or number >= 1)


@FAST
@given(TEXT)
def test_resolution_returns_a_known_entry_or_nothing(name: str) -> None:
    found = resolve(name)
    assert found is None or (found.entry.canonical and found.how)


@FAST
@given(st.lists(st.tuples(st.sampled_from(["para", "bullet", "heading"]), TEXT), max_size=12))
def test_block_streams_never_break_the_grid_and_axis_parsers(items: list[tuple[str, str]]) -> None:
    blocks = [Block(kind, text, 1 + i // 4, float(i)) for i, (kind, text) in enumerate(items)]
    records = parse_grid_document(blocks)
    assert all(q.number >= 1 for q in records.questions)
    axes = read_strategic_axes(blocks)
    assert [a.number for a in axes] == list(range(1, len(axes) + 1)) and all(a.text for a in axes)
