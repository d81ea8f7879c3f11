"""Document kinds and metadata beyond the grids: the 2010 narrative evaluation, the 2011
policy evaluation, the 2014 slide deck; and unreadable input."""

from __future__ import annotations

import pytest
from reportlab.pdfgen import canvas

from pipeline.extract import extract_document
from pipeline.pages import DocumentReadError
from tests.conftest import POLICY_2011, SLIDES_2014, TWIST_2010, TWIST_2025


def test_narrative_cluster_evaluation_2010():
    r = extract_document(TWIST_2010)
    assert (r.document.doc_type, r.document.layout) == ("cluster_evaluation", "narrative")
    ev = r.evaluation
    assert (ev.cluster, ev.evaluator, ev.date, ev.year) == ("TWIST", "COMASE", "2010-05", 2010)
    assert (ev.period_kind, ev.period_number) == ("triennat", 1)
    assert r.questions == [] and r.warnings == []


def test_policy_evaluation_2011():
    r = extract_document(POLICY_2011)
    assert r.document.doc_type == "policy_evaluation"
    assert (r.evaluation.evaluation_type, r.evaluation.cluster, r.evaluation.date) == ("policy", None, "2011-10")


def test_slide_deck_2014_is_a_presentation():
    r = extract_document(SLIDES_2014)
    assert (r.document.doc_type, r.document.layout, r.document.pages) == ("presentation", "slides", 24)
    assert r.evaluation is None


def test_corrupt_pdf_names_the_file(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(TWIST_2025.read_bytes()[:3000])
    with pytest.raises(DocumentReadError, match=r"^broken\.pdf"):
        extract_document(bad)


def test_not_a_pdf_names_the_file(tmp_path):
    bad = tmp_path / "notes.pdf"
    bad.write_text("hello", encoding="utf-8")
    with pytest.raises(DocumentReadError, match=r"^notes\.pdf: not a readable PDF"):
        extract_document(bad)


def test_image_only_page_is_reported_with_its_page(tmp_path):
    from PIL import Image

    img = tmp_path / "scan.png"
    Image.new("RGB", (200, 200), "white").save(img)
    pdf = tmp_path / "scanned.pdf"
    c = canvas.Canvas(str(pdf))
    c.drawString(72, 700, "Synthèse de l'évaluation du cluster Plastiwin")
    c.showPage()
    c.drawImage(str(img), 72, 300, 400, 400)
    c.showPage()
    c.save()
    r = extract_document(pdf)
    scanned = [w for w in r.warnings if w.code == "image_only_page"]
    assert [w.page for w in scanned] == [2] and "scanned.pdf, page 2" in scanned[0].message


def test_unknown_layout_is_flagged(tmp_path):
    pdf = tmp_path / "menu.pdf"
    c = canvas.Canvas(str(pdf))
    c.drawString(72, 700, "Menu du restaurant: potage, plat, dessert.")
    c.save()
    r = extract_document(pdf)
    assert r.document.doc_type == "unknown"
    assert [w.code for w in r.warnings] == ["unknown_layout"]
