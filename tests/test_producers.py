"""Reports from a second, independent producer: Word documents written with python-docx and
exported to PDF by LibreOffice (tests/data/libreoffice, made by corpus_tools.make_lo_corpus),
in three evaluators' wordings, four ruling styles (ruled, horizontal rules only, shaded header,
no rules) and both orientations. Precision and recall are measured per record kind and per
group, so a regression on one family, one ruling or one orientation shows."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from corpus_tools.scoring import Score, Totals, score
from models import ExtractionResult
from pipeline.config import PROJECT_ROOT
from pipeline.extract import extract_document

DATA = Path(__file__).parent / "data" / "libreoffice"
GRID_KINDS = ("metadata", "questions", "criteria", "judgments", "constats")
GROUPS = ("wording", "ruling", "orientation")


def _born_digital() -> list[Path]:
    return sorted(p for p in DATA.glob("*.pdf") if not p.stem.endswith("_scan"))


@cache
def _extracted(path: Path) -> tuple[ExtractionResult, dict, Score]:
    truth = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    result = extract_document(path)
    return result, truth, score(result, truth)


@pytest.mark.slow  # reads every LibreOffice report
def test_the_set_covers_every_family_ruling_and_orientation():
    seen = {g: {_extracted(p)[1][g] for p in _born_digital()} for g in GROUPS}
    assert len(seen["wording"]) >= 3
    assert seen["ruling"] == {"ruled", "hrules", "shaded", "unruled"}
    assert seen["orientation"] == {"portrait", "landscape"}


@pytest.mark.parametrize("group", GROUPS)
def test_every_group_reads_at_f1_099(group):
    totals: dict[str, Totals] = defaultdict(Totals)
    for path in _born_digital():
        _, truth, s = _extracted(path)
        totals[truth[group]].add(s)
    low = {(name, kind): round(t.as_score().f1(kind), 3) for name, t in totals.items() for kind in GRID_KINDS
           if t.as_score().f1(kind) < 0.99}
    assert low == {}, low


@pytest.mark.parametrize("path", _born_digital(), ids=lambda p: p.stem)
def test_each_report_is_an_evaluation_of_its_cluster(path):
    """Landscape pages, other wordings: still a cluster evaluation, with its cluster, evaluator
    and year, its questions numbered as printed, and no grid warning."""
    result, truth, s = _extracted(path)
    assert result.document.doc_type == "cluster_evaluation"
    assert (result.evaluation.cluster, result.evaluation.evaluator, result.evaluation.year) == \
        (truth["cluster"], truth["evaluator"], truth["year"])
    assert [q.number for q in result.questions] == [q["number"] for q in truth["questions"]]
    assert not [w for w in result.warnings if w.code.startswith(("constat", "criterion", "question", "table"))]
    assert s.mismatches == [], s.mismatches[:5]


@pytest.mark.slow  # LibreOffice, in a subprocess
def test_the_generator_command_makes_the_committed_reports(tmp_path):
    """`python -m corpus_tools.make_lo_corpus DIR`, as the README gives it, writes the committed
    set: the same 24 reports with the same truth, and a rebuilt PDF reads exactly as its truth
    says (LibreOffice's bytes may differ between its versions; the records may not)."""
    done = subprocess.run([sys.executable, "-m", "corpus_tools.make_lo_corpus", str(tmp_path)],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    made = sorted(p.name for p in tmp_path.glob("*.expected.json"))
    assert made == sorted(p.name for p in DATA.glob("*.expected.json")) and len(made) == 24
    for name in made:
        assert (tmp_path / name).read_text(encoding="utf-8") == (DATA / name).read_text(encoding="utf-8")
    pdf = tmp_path / "lo_qe_unruled_landscape_124.pdf"
    assert score(extract_document(pdf), json.loads(pdf.with_suffix(".expected.json").read_text())).mismatches == []


@pytest.mark.slow
def test_the_producers_benchmark_prints_a_row_per_producer_and_layout():
    """`python -m bench.producers` (docs/benchmarks.md): one row per producer x layout x kind of
    document, with the F1 of each record kind; born-digital rows read exactly."""
    done = subprocess.run([sys.executable, "-m", "bench.producers", "--scans", "0"],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=900)
    assert done.returncode == 0, done.stderr
    rows = json.loads((PROJECT_ROOT / "bench" / "out" / "producers.json").read_text(encoding="utf-8"))
    layouts = {(r["producer"], r["layout"]) for r in rows}
    assert {(p, f"{ruling} {o}") for p in ["libreoffice"] for ruling in ("ruled", "hrules", "shaded", "unruled")
            for o in ("portrait", "landscape")} <= layouts
    assert {("reportlab", "ruled"), ("reportlab", "unruled")} <= layouts
    assert all(f1 == 1.0 for r in rows for kind, f1 in r["f1"].items() if kind != "relations"), rows
    assert all(r["weakest"]["f1"] == 1.0 for r in rows), rows  # per report, not only per row
    assert "producer" in done.stdout and "born-digital" in done.stdout
