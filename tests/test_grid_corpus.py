"""The 2025 TWIST report (corpus/): the logical grids, whole and in order, against the
ground truth the renderer wrote from the seed (corpus/*.expected.json)."""

from __future__ import annotations

import json

from corpus_tools.scoring import score
from tests.conftest import TWIST_2025


def test_matches_ground_truth_exactly(twist_2025):
    expected = json.loads(TWIST_2025.with_suffix(".expected.json").read_text(encoding="utf-8"))
    result = score(twist_2025, expected)
    assert result.mismatches == []


def test_counts_stated_in_the_issue(twist_2025):
    assert [q.number for q in twist_2025.questions] == [1, 2, 3, 4, 5]
    assert len(twist_2025.criteria) == 17
    assert sum(1 for c in twist_2025.criteria if c.judgment_normalised) == 17
    assert [k.number for k in twist_2025.constats] == list(range(1, 32))
    # each constat is printed in exactly one criterion's row
    printed = [n for c in twist_2025.criteria for n in c.constats]
    assert sorted(printed) == list(range(1, 32))
    assert twist_2025.warnings == []


def test_row_repeated_on_next_page_is_merged(twist_2025):
    strategy = next(c for c in twist_2025.criteria if c.theme == "Développement stratégique")
    assert strategy.constats == [5, 6, 7]
    assert len(strategy.pages) == 2 and strategy.pages[1] == strategy.pages[0] + 1
    quality = next(c for c in twist_2025.criteria if c.theme == "Qualité des activités")
    assert quality.constats == list(range(13, 22))
    assert sum(1 for c in twist_2025.criteria if c.theme == "Qualité des activités") == 1


def test_spanning_criterion_and_constat_apply_to_each_axis(twist_2025):
    q2 = [c for c in twist_2025.criteria if c.question == 2]
    assert len(q2) == 6
    assert len({c.text for c in q2}) == 1 and all(c.text_shared for c in q2)
    assert q2[0].constats == [9] and all(c.shared_constats == [9] for c in q2[1:])
    constat9 = next(k for k in twist_2025.constats if k.number == 9)
    assert constat9.criterion == q2[0].id
    assert constat9.applies_to == [c.id for c in q2]


def test_judgments_on_ordinal_scale(twist_2025):
    by_theme = {c.theme: c for c in twist_2025.criteria}
    assert by_theme["Impacts des réalisations"].judgment == "Partiel"
    assert by_theme["Impacts des réalisations"].judgment_level == 1
    assert by_theme["Représentativité"].judgment_level == 2
    assert by_theme["Gouvernance"].judgment_level == 3


def test_text_is_clean_of_page_furniture(twist_2025):
    texts = [k.text for k in twist_2025.constats] + [c.text for c in twist_2025.criteria]
    texts += [s for q in twist_2025.questions for s in q.synthesis]
    assert not any("Page " in t or "Synthèse du rapport final" in t for t in texts)


def test_questions_synthesis_and_sentence_across_pages(twist_2025):
    q2 = twist_2025.questions[1]
    assert q2.text.startswith("Dans quelle mesure les réalisations du cluster sont-elles en adéquation")
    assert q2.synthesis[0].startswith("L'ensemble des critères définis pour cette question")
    assert "de janvier 2023 à décembre 2024 montre que" in q2.synthesis[0]
    assert [q.announced_criteria for q in twist_2025.questions] == [3, None, 3, 3, 2]


def test_methodology_and_metadata(twist_2025):
    assert [(p.number, p.name) for p in twist_2025.phases] == [
        (1, "Structurer"), (2, "Observer"), (3, "Analyser"), (4, "Conseiller"), (5, "Accompagnement")]
    ev = twist_2025.evaluation
    assert (ev.cluster, ev.evaluator, ev.date, ev.year) == ("TWIST", "KPMG", "2025-11-04", 2025)
    assert (ev.period_kind, ev.period_number) == ("triennat", 6)
    assert twist_2025.document.doc_type == "cluster_evaluation" and twist_2025.document.layout == "grid"
