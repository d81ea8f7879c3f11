"""Partner recognition on the labelled reports of tests/data/partner_reports (other clusters'
domains, written by hand, exported by LibreOffice), with the full gazetteer and with whole
categories of it withheld (bench/partner_discovery.py prints the same figures and every miss)."""

from __future__ import annotations

import pdfplumber
import pytest

from bench.partner_discovery import REPORTS, measure
from corpus_tools.partner_reports import read_reports
from pipeline.gazetteer import squash

# Measured 2026-11-25 on the eight reports: full 1.000 / 0.994; discovered 1.000 / 0.958, right type 0.746
# (of the 35 wrong types, 29 are names left as "organisation": a bare acronym no word of the text types).
# The two reports marked held_out, written before that day's rules, went from 0.938 / 0.750 / 0.567 to
# 1.000 / 0.975 / 0.641. The floors below catch a regression; the type target of issue 14 (0.8) is not met.
DISCOVERED_PRECISION, DISCOVERED_RECALL, DISCOVERED_TYPE = 0.95, 0.9, 0.7


@pytest.mark.parametrize("report", read_reports(REPORTS / "reports.yaml"), ids=lambda r: r.file)
def test_every_label_is_printed_in_its_pdf(report) -> None:
    with pdfplumber.open(REPORTS / report.file) as pdf:
        text = squash(" ".join(page.extract_text() or "" for page in pdf.pages))
    # word by word: the raw text of a page interleaves the grid's cells line by line
    assert [label.surface for label in report.labels if not all(squash(w) in text for w in label.surface.split())] == []


@pytest.mark.slow
def test_partner_recognition_with_the_full_gazetteer_and_with_categories_withheld() -> None:
    result = measure()
    full, found = result.full, result.discovered
    report = "\n".join(f"{name}: {line}" for name, lines in result.misses.items() for line in lines)
    assert full.precision >= 0.95 and full.recall >= 0.95, report
    assert found.precision >= DISCOVERED_PRECISION and found.recall >= DISCOVERED_RECALL, report
    assert found.type_accuracy >= DISCOVERED_TYPE, report
