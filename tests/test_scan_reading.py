"""What OCR gets wrong on archive scans, and how each slip is absorbed, one at a time and without
Tesseract: a speck that lengthens a word's box, a header row read at two heights, a speck read
as a short word inside a grid row, a question caption misread by a letter, a cluster name
misread on the title page but printed in every page's running header; and where a picture's
text stands in columns, so that OCR reads each column on its own."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline.blocks import Block
from pipeline.doc_meta import classify
from pipeline.furniture import strip_furniture
from pipeline.grid_columns import Columns, is_flow, join_split_headers
from pipeline.grid_parser import parse_grid_document
from pipeline.grid_settings import DEFAULT_SETTINGS
from pipeline.grid_tables import find_grids
from pipeline.ocr import OcrWord, read_hocr_pages, without_margin_dust
from pipeline.pages import Line, Page, Word
from pipeline.scan_image import table_regions
from pipeline.vocabulary import clean_judgment, finding_marks, match_misread_question

HOCR = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body>
 <div class='ocr_page' title='bbox 0 0 2550 3300'>
  <span class='ocr_line' title="bbox 950 1769 1450 1813; baseline 0 -1; x_size 30">
   <span class='ocrx_word' title='bbox 958 1771 1010 1813; x_wconf 96'>
    <span class='ocrx_cinfo' title='x_bboxes 958 1777 970 1798; x_conf 99'>c</span>
    <span class='ocrx_cinfo' title='x_bboxes 971 1771 985 1813; x_conf 99'>o</span>
    <span class='ocrx_cinfo' title='x_bboxes 986 1777 1000 1798; x_conf 99'>m</span>
    <span class='ocrx_cinfo' title='x_bboxes 1001 1773 1010 1798; x_conf 99'>t</span>
   </span>
   <span class='ocrx_word' title='bbox 1020 1769 1080 1805; x_wconf 95'>
    <span class='ocrx_cinfo' title='x_bboxes 1020 1777 1040 1805; x_conf 99'>g</span>
    <span class='ocrx_cinfo' title='x_bboxes 1041 1777 1060 1798; x_conf 99'>u</span>
    <span class='ocrx_cinfo' title='x_bboxes 1061 1769 1080 1798; x_conf 99'>é</span>
   </span>
   <span class='ocrx_word' title='bbox 1090 1777 1110 1805; x_wconf 90'>
    <span class='ocrx_cinfo' title='x_bboxes 1090 1777 1110 1805; x_conf 99'>g</span>
   </span>
  </span>
 </div>
</body></html>"""


def test_a_words_baseline_is_its_letters_not_its_box():
    """A speck under the "o" stretches the first word's box 15 pixels down; its other letters
    still end at 1798, as do the next word's letters without a descender."""
    [[line]] = read_hocr_pages(HOCR)
    assert [w.text for w in line] == ["comt", "gué", "g"]
    assert [w.bottom for w in line] == [1813, 1805, 1805]
    assert [w.baseline for w in line] == [1798, 1798, None]  # "g" alone: no letter sits on the line
    assert line[0].confidence == 0.96


def _words(texts: list[str], x: float, top: float, gap: float = 6.0, confidence: float = 0.95) -> list[Word]:
    words = []
    for text in texts:
        width = 5.0 * len(text)
        words.append(Word(text, x, x + width, top, top + 9, 9.0, False, confidence))
        x += width + gap
    return words


def test_a_header_row_read_at_two_heights_is_one_header_again():
    upper = Line([*_words(["Thème"], 60, 68.6), *_words(["Jugement"], 306, 68.6),
                  *_words(["Justification"], 428, 68.6)], 4)
    lower = Line(_words(["Critère"], 184, 73.6), 4)
    body = Line(_words(["Synergie"], 60, 90), 4)
    page = Page(4, 612, 792, [upper, lower, body], ocr=True)
    join_split_headers([page], DEFAULT_SETTINGS)
    assert [ln.text for ln in page.lines] == ["Thème Critère Jugement Justification", "Synergie"]
    # on a born-digital page, two lines are two lines
    page = Page(4, 612, 792, [upper, lower, body], ocr=False)
    join_split_headers([page], DEFAULT_SETTINGS)
    assert len(page.lines) == 3


def test_a_speck_read_as_a_short_word_does_not_end_a_grid():
    cols = Columns(["theme", "criterion", "judgment", "justification"], [60, 228, 394, 561], 792,
                   text_starts=[63, None, 397, 563.5], start_tolerance=9.2, scanned=True)
    row = _words(["Partenariats", "entre", "membres"], 63, 107) + _words(["Non", "atteint"], 397, 107)
    speck = Word("RE.", 574, 589, 107, 116, 9.0, False, 0.24)
    assert not is_flow(Line(row, 5), cols, DEFAULT_SETTINGS)
    assert not is_flow(Line([*row, speck], 5), cols, DEFAULT_SETTINGS)
    # the same token read with confidence is a word out of place: the line runs across the columns
    sure = Word("RE.", 574, 589, 107, 116, 9.0, False, 0.95)
    assert is_flow(Line([*row, sure], 5), cols, DEFAULT_SETTINGS)
    # a finding label OCR doubts still opens its cell
    label = _words(["C42"], 563.5, 107, confidence=0.47) + _words([":", "Le", "cluster"], 582.7, 107)
    assert not is_flow(Line([*row, *label], 5), cols, DEFAULT_SETTINGS)


def test_a_caption_misread_by_a_letter_is_the_next_question_only():
    assert match_misread_question("6. QES5. Dans quelle mesure la stratégie aide-t-elle ?", 5) == (
        5, "Dans quelle mesure la stratégie aide-t-elle ?")
    assert match_misread_question("Question évaluatlve n°3 – Dans quelle mesure ?", 3) == (3, "Dans quelle mesure ?")
    assert match_misread_question("2. QEL. Dans quelle mesure la stratégie est-elle claire ?", 1) == (
        1, "Dans quelle mesure la stratégie est-elle claire ?")  # "1" read as "l"
    assert match_misread_question("2. QE1L. Dans quelle mesure la stratégie est-elle claire ?", 1) == (
        1, "Dans quelle mesure la stratégie est-elle claire ?")  # a letter read after the "1"
    assert match_misread_question("6. QES5. Dans quelle mesure la stratégie aide-t-elle ?", 4) is None
    assert match_misread_question("Le 5 mai, le cluster a tenu son assemblée.", 5) is None  # asks nothing


def test_a_misread_caption_opens_its_question_on_a_scanned_page_only():
    def blocks(ocr: bool) -> list[Block]:
        return [Block("heading", "QE4. Dans quelle mesure le cluster est-il organisé ?", 9, 80, [9], ocr=ocr),
                Block("heading", "QES5. Dans quelle mesure la stratégie aide-t-elle ?", 10, 80, [10], ocr=ocr)]

    assert [q.number for q in parse_grid_document(blocks(ocr=True)).questions] == [4, 5]
    assert [q.number for q in parse_grid_document(blocks(ocr=False)).questions] == [4]


def test_the_running_header_names_the_cluster_the_title_page_misread():
    def page(number: int, *texts: str) -> Page:
        lines = [Line(_words(["Cluster", "Infopôle", "-", "méthode", "et", "résultats", "-", "2014"], 60, 36), number)]
        lines += [Line(_words(t.split(), 60, 120 + 20 * k), number) for k, t in enumerate(texts)]
        return Page(number, 612, 792, lines, ocr=True)

    pages = strip_furniture([page(1, "Infopêle", "Évaluation du cluster - synthèse"),
                             *(page(n, "Le cluster a mené ses actions.") for n in range(2, 6))])
    blocks = [Block("para", ln.text, p.number, ln.top, [p.number]) for p in pages for ln in p.lines]
    kind, cluster = classify(pages, blocks, has_grids=True)
    assert (kind.doc_type, cluster) == ("cluster_evaluation", "Infopôle")


def _picture(lines: list[tuple[int, int, str]], height: int = 1400) -> np.ndarray:
    """A white 300 dpi page with text drawn at (x, baseline): about 9 points, letters 25 px."""
    page = np.full((height, 2550), 255, np.uint8)
    for x, y, text in lines:
        cv2.putText(page, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, 1.1, 0, 2)
    return page


PROSE = ("Le cluster developpe des partenariats avec les poles de competitivite et les universites de la region, "
         "et ses membres participent aux salons")  # 2,100 px from x=150: the width of the text block


def test_text_in_columns_is_a_table_region_split_at_its_gutters():
    """A header row, then rows whose first and last columns wrap at different line pitches (a
    Constats cell beside wrapped themes): one region, four columns, between the two paragraphs.
    Specks of dust in a gutter do not close it."""
    table = [(150, 300, "Theme"), (800, 300, "Critere"), (1450, 300, "Jugement"), (1900, 300, "Constats")]
    table += [(150, 360 + 45 * k, f"theme ligne {k}") for k in range(6)]
    table += [(800, 360, "Adequation des"), (800, 405, "realisations"), (1450, 360, "Moyen")]
    table += [(1900, 375 + 38 * k, f"constat {k}") for k in range(8)]
    page = _picture([(150, 200, PROSE), *table, (150, 760, PROSE)])
    page[500:503, 1300:1303] = 0  # dust in the gutter between Critere and Jugement
    [region] = table_regions(page, 300)
    assert 270 <= region.top < 280 and 640 <= region.bottom < 660  # header to the last Constats line
    assert len(region.columns) == 4
    starts = [150, 800, 1450, 1900]
    assert all(left <= x < right for (left, right), x in zip(region.columns, starts, strict=True))


def test_prose_a_list_and_a_heading_with_a_wide_space_are_not_tables():
    """Lines that fill the width, a bulleted list (its bullets' column is too narrow to be a
    table's) and a two-line heading whose first line has a tab: its second line is too short
    to have text on both sides of that gap."""
    bullets = [(150, 420 + 50 * k, "-") for k in range(4)]
    bullets += [(200, 420 + 50 * k, f"point {k} de la liste") for k in range(4)]
    heading = [(150, 700, "Question 3        Dans quelle mesure le cluster apporte-t-il une plus-"),
               (150, 750, "value ?")]
    page = _picture([(150, 200, PROSE), (150, 250, PROSE), (150, 300, PROSE[:40]), *bullets, *heading])
    assert table_regions(page, 300) == []


def test_a_finding_label_misread_by_ocr_counts_when_it_carries_the_next_number():
    """"CS :" is C5 after C4 in a cell read by OCR; the same letters elsewhere are words."""
    cell = "C4 : Le Conseil souligne que la participation reste limitée CS : La gouvernance est transparente."
    assert [m[0] for m in finding_marks(cell)] == [4]
    assert [m[0] for m in finding_marks(cell, ocr=True)] == [4, 5]
    assert cell[finding_marks(cell, ocr=True)[1][2]:].startswith("La gouvernance")
    assert [m[0] for m in finding_marks("Constat n°12 : a. Constat n°l3 : b", ocr=True)] == [12, 13]
    # not the next number: "CO :" after C4, "Ci-" (1) after C4
    assert [m[0] for m in finding_marks("C4 : voir CO : et Ci-dessous", ocr=True)] == [4]



@pytest.mark.parametrize(("read", "restored"), [
    ("Païtiellement atteint", "Partiellement atteint"), ("Atteimt", "Atteint"), ("Non atteinf", "Non atteint"),
    ("Très satisfaisamt", "Très satisfaisant"),
    ("Partiellement atteint", "Partiellement atteint"),  # right as read
    ("En cours", "En cours"), ("Partiellement", "Partiellement"),  # no phrasing that close: as read, reported
])
def test_a_judgment_label_misread_by_ocr_is_restored_from_the_closed_scales(read: str, restored: str) -> None:
    assert clean_judgment(read, ocr=True) == restored
    assert clean_judgment("Païtiellement atteint") == "Païtiellement atteint"  # born-digital: never guessed


def test_a_continued_grid_keeps_its_columns_when_ocr_loses_a_repeated_heading():
    """OCR lost "Axe" in the header row repeated on the next page: "Critère" is then the first
    heading found, and the whitespace alone would stretch its column over the theme's. The
    table keeps the columns it had, so the theme still comes out as the theme."""
    def row(number: int, top: float, theme: str, criterion: str, judgment: str, finding: str) -> list[Line]:
        """A row whose criterion and finding wrap onto a second line."""
        return [Line([*_words(theme.split(), 63, top), *_words(criterion.split()[:2], 230, top),
                      *_words(judgment.split(), 397, top), *_words(finding.split()[:3], 564, top)], number),
                Line([*_words(criterion.split()[2:], 230, top + 12), *_words(finding.split()[3:], 564, top + 12)],
                     number)]

    header = ["Critère", "d'évaluation"], ["Appréciation"], ["Éléments", "de", "constat"]
    first = Page(1, 792, 612, [
        Line([*_words(["Axe"], 63, 75), *_words(header[0], 230, 75), *_words(header[1], 397, 75),
              *_words(header[2], 564, 75)], 1),
        *row(1, 96, "Représentativité", "Le cluster dispose", "Atteint", "C1 : Les membres"),
        *row(1, 530, "Pérennité", "La stratégie assure", "Non atteint", "C2 : Le cluster")], ocr=True)
    second = Page(2, 792, 612, [
        Line([*_words(header[0], 230, 75), *_words(header[1], 397, 75), *_words(header[2], 564, 75)], 2),
        *row(2, 96, "Accès aux marchés", "Le cluster dispose", "Atteint", "C3 : L'équipe")], ocr=True)
    [table] = find_grids([first, second]).tables
    assert [(r.cells["theme"], r.cells["criterion"]) for r in table.rows] == [
        ("Représentativité", "Le cluster dispose"), ("Pérennité", "La stratégie assure"),
        ("Accès aux marchés", "Le cluster dispose")]


def test_dust_in_the_margin_is_dropped_and_a_doubted_word_of_the_text_kept():
    """Tesseract makes words of the dust down a scan's left edge ("Hi 1222 Lure Hire"), all of
    them doubted; a printed word it doubts as much ("clusters" at 0.11) stands inside the text."""
    def word(text: str, left: int, top: int, confidence: float) -> OcrWord:
        return OcrWord(text, left, top, left + 30 * len(text), top + 40, confidence, top + 32)

    text = [[word("Partage", 262, 600, 0.96), word("de", 500, 600, 0.96)],
            [word("clusters", 262, 760, 0.11)],
            [word("Constats", 1780, 600, 0.9)],
            [word("membres", 262, 1300, 0.95)]]
    dust = [[word("Hi", 8, 889, 0.52)], [word("1222", 13, 949, 0.14)], [word("Hire", 94, 1133, 0.0)]]
    assert without_margin_dust([*text, *dust]) == text
    # a word read with confidence in the margin is print (a page number), and widens the text
    number = [[word("12", 40, 3100, 0.93)]]
    assert without_margin_dust([*text, *number]) == [*text, *number]
