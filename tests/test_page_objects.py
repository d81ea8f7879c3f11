"""The lean reading of a page (pipeline/page_objects.py) must give exactly what pdfplumber's own
`extract_words` and `horizontal_edges`/`vertical_edges` give, on the real corpus, on generated
grids with and without rules, and on a page drawn with every kind of path (rectangles, lines,
curves, a form XObject, a mediabox that does not start at 0)."""

from __future__ import annotations

import pdfplumber
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from corpus_tools.grid_pdf import build_grid_pdf
from corpus_tools.synthetic import Layout, make_report
from pipeline.page_objects import extract_words, page_objects
from pipeline.pages import WORD_SETTINGS
from tests.conftest import POLICY_2011, SLIDES_2014, TWIST_2010, TWIST_2025

EDGE_KEYS = ("x0", "x1", "top", "bottom")
WORD_KEYS = ("text", "x0", "x1", "top", "bottom", "fontname", "size")


def _plumber(pp) -> tuple[list, list, list, int]:
    words = [tuple(w[k] for k in WORD_KEYS) for w in pp.extract_words(**WORD_SETTINGS)]
    h = sorted(tuple(e[k] for k in EDGE_KEYS) for e in pp.horizontal_edges)
    v = sorted(tuple(e[k] for k in EDGE_KEYS) for e in pp.vertical_edges)
    return words, h, v, len(pp.images)


def _lean(pp) -> tuple[list, list, list, int]:
    objects = page_objects(pp)
    words = [tuple(w[k] for k in WORD_KEYS) for w in extract_words(objects.chars, **WORD_SETTINGS)]
    h = sorted(tuple(e[k] for k in EDGE_KEYS) for e in objects.horizontal_edges)
    v = sorted(tuple(e[k] for k in EDGE_KEYS) for e in objects.vertical_edges)
    return words, h, v, objects.images


def _assert_same(path) -> int:
    pages = 0
    with pdfplumber.open(path) as pdf:
        for pp in pdf.pages:
            expected = _plumber(pp)
            pp.flush_cache()
            assert _lean(pp) == expected, f"{path.name} page {pp.page_number}"
            pages += 1
    return pages


@pytest.mark.parametrize("pdf", [TWIST_2025, TWIST_2010, POLICY_2011, SLIDES_2014], ids=lambda p: p.stem)
def test_corpus_pages_read_the_same(pdf):
    assert _assert_same(pdf) > 0


@pytest.mark.parametrize("rules", [True, False])
def test_generated_grids_read_the_same(tmp_path, rules):
    pdf = build_grid_pdf(make_report(5, Layout(rules=rules, long_cells=True)), tmp_path / "grid.pdf")
    assert _assert_same(pdf) > 1


def test_every_kind_of_path_reads_the_same(tmp_path):
    path = tmp_path / "shapes.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica-Bold", 12)
    c.drawString(72, 780, "Thème Critère Jugement")
    c.rect(60, 600, 300, 150)  # a rectangle: four edges
    c.line(60, 560, 400, 560)  # a level line
    c.line(80, 540, 80, 400)  # an upright line
    c.line(100, 500, 300, 420)  # a slanted line (pdfplumber counts it as vertical)
    c.roundRect(300, 300, 200, 80, 12)  # curves with level and upright segments
    p = c.beginPath()
    p.moveTo(100, 200)
    p.lineTo(250, 200)
    p.lineTo(250, 120)
    p.lineTo(120, 150)
    c.drawPath(p)
    c.beginForm("box")  # a form XObject: its text and rules are on the page
    c.setFont("Times-Roman", 10)
    c.drawString(72, 100, "Constat 3 : dans un formulaire")
    c.rect(70, 90, 200, 20)
    c.endForm()
    c.doForm("box")
    c.saveState()
    c.translate(500, 200)
    c.rotate(90)
    c.drawString(0, 0, "Texte tourné")
    c.restoreState()
    c.showPage()
    c.setPageSize((400, 300))
    c.setCropBox((20, 10, 380, 290))
    c.setFont("Helvetica", 9)
    c.drawString(40, 200, "Une page plus petite")
    c.line(30, 100, 300, 100)
    c.showPage()
    c.save()
    assert _assert_same(path) == 2
