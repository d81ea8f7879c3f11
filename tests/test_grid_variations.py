"""The same parser on grid reports it has never seen: other clusters, years, evaluators and
criteria counts; tables with and without rules; page breaks between rows, inside a row
(row repeated on the next page) and inside a criterion sentence; repeated header rows;
long cells. Each PDF is built here and compared with the builder's ground truth."""

from __future__ import annotations

import pytest

from corpus_tools.grid_pdf import build_grid_pdf, expected_records
from corpus_tools.scoring import score
from corpus_tools.synthetic import Layout, make_report
from pipeline.extract import extract_document

LAYOUTS = {
    "ruled": Layout(rules=True),
    "unruled": Layout(rules=False),
    "ruled_repeat_header": Layout(rules=True, repeat_header=True),
    "unruled_repeat_header": Layout(rules=False, repeat_header=True),
    "ruled_long_cells": Layout(rules=True, long_cells=True),
    "unruled_long_cells": Layout(rules=False, long_cells=True),
}


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("layout_name", sorted(LAYOUTS))
def test_generated_report_is_extracted_exactly(tmp_path, seed, layout_name):
    report = make_report(seed, LAYOUTS[layout_name])
    pdf = build_grid_pdf(report, tmp_path / f"report_{seed}.pdf")
    result = extract_document(pdf)
    truth = expected_records(report)
    assert score(result, truth).mismatches == []
    assert result.evaluation.cluster == report.cluster
    assert result.evaluation.evaluator == report.evaluator
    assert [k.number for k in result.constats] == list(range(1, len(truth["constats"]) + 1))
    assert not [w for w in result.warnings if w.code.startswith(("constat", "criterion", "question"))]


@pytest.mark.parametrize("mode", ["between", "repeat_row", "continue_row"])
@pytest.mark.parametrize("rules", [True, False])
def test_every_break_mode_at_every_row(tmp_path, mode, rules):
    from corpus_tools.grid_pdf import TableBreak

    report = make_report(7, Layout(rules=rules, breaks="none"))
    q = report.questions[0]
    for k, row in enumerate(q.rows):
        if mode == "between" and k == len(q.rows) - 1:
            continue
        q.breaks = [TableBreak(row=k, mode=mode, constats_before=min(1, len(row.constats or []) - 1),
                               criterion_words_before=3)]
        pdf = build_grid_pdf(report, tmp_path / f"{mode}_{k}.pdf")
        assert score(extract_document(pdf), expected_records(report)).mismatches == [], (mode, k)
