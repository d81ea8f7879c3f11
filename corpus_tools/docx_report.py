"""A second, independent producer of evaluation reports: Word documents written with
python-docx and exported to PDF by LibreOffice (headless), as evaluators' offices do.

Our reportlab builder (grid_pdf) draws every character where it decides; here LibreOffice lays
out the text, wraps the cells, splits rows across pages, repeats header rows and picks the
fonts, so the parser meets another producer's geometry. The wording is that of other
evaluators too (`WORDINGS`): question captions, column headings, judgment scales, finding
labels and title pages differ. This module only knows what it prints; it never imports the
parser's vocabulary, so a report family the parser does not know shows up as a failure.

The expected records come from the same GridReport as the reportlab builder's
(`grid_pdf.expected_records`): the content is the truth, whatever the producer.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from corpus_tools.grid_pdf import GridReport, expected_records
from corpus_tools.synthetic import Layout, make_report

Ruling = Literal["ruled", "hrules", "shaded", "unruled"]
Orientation = Literal["portrait", "landscape"]
RULINGS: tuple[Ruling, ...] = ("ruled", "hrules", "shaded", "unruled")
ORIENTATIONS: tuple[Orientation, ...] = ("portrait", "landscape")


@dataclass(frozen=True)
class Wording:
    """How one evaluator's office prints a grid report."""

    name: str
    caption: str  # question caption, {n} and {text}
    columns: tuple[str, str, str, str]  # theme, criterion, judgment, justification
    scale: tuple[str, ...]  # the judgment labels it uses
    finding: str  # a finding's label, {n}
    title: tuple[str, ...]  # title-page lines: {cluster}, {evaluator}, {date}, {period}
    date_style: Literal["numeric", "month", "day_month"]
    evaluators: tuple[str, ...]  # offices that print this way (some outside the gazetteer)
    method_heading: str


WORDINGS: dict[str, Wording] = {w.name: w for w in (
    Wording(
        name="question_evaluation",
        caption="Question d'évaluation {n} : {text}",
        columns=("Thème", "Critère", "Jugement", "Justification"),
        scale=("Atteint", "Satisfaisant", "Partiel", "Non atteint"),
        finding="Constat {n} : ",
        title=("Service Public de Wallonie – Direction des Réseaux d'Entreprises",
               "Évaluation du cluster {cluster}", "Rapport final", "Réalisée par {evaluator}", "{date}"),
        date_style="numeric",
        evaluators=("KPMG", "Deloitte", "Sonecom", "BDO Advisory"),
        method_heading="Méthodologie",
    ),
    Wording(
        name="question_evaluative",
        caption="Question évaluative n°{n} – {text}",
        columns=("Axe", "Critère d'évaluation", "Appréciation", "Éléments de constat"),
        scale=("Atteint", "Partiellement atteint", "Non atteint"),
        finding="C{n} : ",
        title=("Rapport d'évaluation", "Cluster « {cluster} »", "Évaluation {period} – rapport de synthèse",
               "Évaluateur : {evaluator}", "{date}"),
        date_style="month",
        evaluators=("IDEA Consult", "Technopolis", "Ecorys", "Perspective Consulting"),
        method_heading="Démarche d'évaluation",
    ),
    Wording(
        name="qe",
        caption="QE{n}. {text}",
        columns=("Dimension", "Critère", "Cotation", "Constats"),
        scale=("Très satisfaisant", "Satisfaisant", "Moyen", "Insatisfaisant", "Très insatisfaisant"),
        finding="Constat n°{n} : ",
        title=("{cluster}", "Évaluation du cluster – synthèse", "Étude menée par {evaluator} pour la Wallonie",
               "Version finale du {date}"),
        date_style="day_month",
        evaluators=("ADE", "PwC", "Ernst & Young", "Agilis Conseil"),
        method_heading="Méthode",
    ),
)}

# how an analyst names an office printed under another name (the truth uses the usual name)
USUAL_NAME = {"Ernst & Young": "EY"}

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]


@dataclass(frozen=True)
class DocxReport:
    """A generated report: its content (the truth), its wording, ruling and orientation."""

    seed: int
    wording: Wording
    ruling: Ruling
    orientation: Orientation
    report: GridReport
    year: int

    @property
    def stem(self) -> str:
        return f"lo_{self.wording.name}_{self.ruling}_{self.orientation}_{self.seed}"

    def expected(self) -> dict:
        truth = expected_records(self.report)
        truth["evaluator"] = USUAL_NAME.get(truth["evaluator"], truth["evaluator"])
        truth["year"] = self.year
        truth["producer"] = "libreoffice"
        truth["wording"], truth["ruling"], truth["orientation"] = self.wording.name, self.ruling, self.orientation
        return truth


def make_docx_report(seed: int, wording: Wording, ruling: Ruling, orientation: Orientation) -> DocxReport:
    """The synthetic report's content, printed with this office's evaluators and judgment scale."""
    report = make_report(seed, Layout(rules=True, long_cells=seed % 2 == 0, breaks="none"))
    rng = random.Random(seed * 104729 + len(wording.name))
    evaluator = rng.choice(wording.evaluators)
    for q in report.questions:
        for row in q.rows:
            row.judgment = rng.choice(wording.scale)
    year = int(report.date_text[-4:])
    report = replace(report, evaluator=evaluator)
    return DocxReport(seed, wording, ruling, orientation, report, year)


def _date(report: GridReport, style: str) -> str:
    day, month, year = (int(x) for x in report.date_text.split("/"))
    if style == "numeric":
        return report.date_text
    if style == "month":
        return f"{MONTHS[month - 1].capitalize()} {year}"
    return f"{day} {MONTHS[month - 1]} {year}"


# ---------------------------------------------------------------- docx helpers

def _set_borders(table, edges: dict[str, bool]) -> None:
    """Table borders: each of top, bottom, left, right, insideH, insideV drawn or not."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        if edges.get(edge):
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), "6")
            el.set(qn("w:color"), "000000")
        else:
            el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _cell_margins(table, top: int, bottom: int, side: int) -> None:
    mar = OxmlElement("w:tblCellMar")
    for edge, value in (("top", top), ("left", side), ("bottom", bottom), ("right", side)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(value))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    table._tbl.tblPr.append(mar)


def _shade(cell, colour: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shd)


def _repeat_as_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _write_cell(cell, paragraphs: list[str], size: float, bold: bool = False) -> None:
    cell.text = ""
    first = cell.paragraphs[0]
    for k, text in enumerate(paragraphs):
        para = first if k == 0 else cell.add_paragraph()
        para.paragraph_format.space_after = Pt(3 if len(paragraphs) > 1 else 0)
        run = para.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold


def _page_number_field(paragraph) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


# ---------------------------------------------------------------- document

def build_docx(doc_report: DocxReport, path: Path) -> Path:
    report, wording = doc_report.report, doc_report.wording
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Liberation Sans" if doc_report.seed % 3 else "DejaVu Sans"
    normal.font.size = Pt(10)
    section = doc.sections[0]
    if doc_report.orientation == "landscape":
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    header = section.header.paragraphs[0]
    header.text = f"Cluster {report.cluster} – {wording.method_heading.lower()} et résultats – {doc_report.year}"
    header.runs[0].font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _page_number_field(footer)

    period = "triennale" if "triennale" in report.title_lines[0] else "quadriennale"
    values = {"cluster": report.cluster, "evaluator": report.evaluator, "period": period,
              "date": _date(report, wording.date_style)}
    for k, line in enumerate(wording.title):
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = para.add_run(line.format(**values))
        run.font.size = Pt(20 if k == 1 else 12)
        run.bold = k == 1
    doc.add_page_break()

    doc.add_heading(f"1. {wording.method_heading}", level=1)
    for text in report.method_intro:
        doc.add_paragraph(text)
    for name, text in report.phases:
        doc.add_paragraph(f"{name} : {text}")
    for text in report.method_outro:
        doc.add_paragraph(text)

    usable = section.page_width - section.left_margin - section.right_margin
    for k, q in enumerate(report.questions):
        doc.add_heading(f"{k + 2}. " + wording.caption.format(n=q.number, text=q.text), level=1)
        for text in q.intro:
            doc.add_paragraph(text)
        _grid(doc, doc_report, q, usable)
        for text in q.synthesis:
            doc.add_paragraph(text)
    doc.save(str(path))
    return path


def _grid(doc, doc_report: DocxReport, q, usable: int) -> None:
    wording, ruling = doc_report.wording, doc_report.ruling
    table = doc.add_table(rows=1 + len(q.rows), cols=4)
    table.autofit = False
    _set_borders(table, {
        "ruled": dict.fromkeys(("top", "left", "bottom", "right", "insideH", "insideV"), True),
        "hrules": {"top": True, "bottom": True, "insideH": True},
    }.get(ruling, {}))
    padded = ruling in ("shaded", "unruled")
    _cell_margins(table, top=60 if padded else 30, bottom=120 if padded else 30, side=110)
    fractions = (0.17, 0.27, 0.14, 0.42)
    for col, fraction in zip(table.columns, fractions, strict=True):
        for cell in col.cells:
            cell.width = int(usable * fraction)
    head = table.rows[0]
    _repeat_as_header(head)
    centred = doc_report.seed % 3 == 0  # many offices centre the headings and the judgments
    for cell, text in zip(head.cells, wording.columns, strict=True):
        _write_cell(cell, [text], 9, bold=True)
        if centred:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        if ruling != "unruled":
            _shade(cell, "D9E2F3")
        cell.paragraphs[0].runs[0].font.color.rgb = RGBColor(0x1F, 0x2D, 0x4D)
    for i, row in enumerate(q.rows, start=1):
        cells = table.rows[i].cells
        _write_cell(cells[0], [row.theme], 9)
        if row.criterion is not None:
            _write_cell(cells[1], [row.criterion], 9)
        _write_cell(cells[2], [row.judgment or ""], 9)
        if centred:
            cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        if row.constats is not None:
            _write_cell(cells[3], [wording.finding.format(n=n) + text for n, text in row.constats], 9)
    # a None criterion or justification continues the cell above: a vertical merge
    for col, attr in ((1, "criterion"), (3, "constats")):
        start = None
        for i, row in enumerate([*q.rows, None], start=1):
            if row is not None and getattr(row, attr) is None:
                start = start or i - 1
                continue
            if start is not None:
                table.cell(start, col).merge(table.cell(i - 1, col))
                start = None


# ---------------------------------------------------------------- LibreOffice

def soffice() -> str:
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        raise RuntimeError("LibreOffice is not installed (Debian: libreoffice-writer-nogui)")
    return binary


def convert_to_pdf(docx_files: list[Path], out_dir: Path, timeout: float = 600) -> list[Path]:
    """One LibreOffice start for all files, with a private profile so runs do not collide."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="evalgraph-lo-") as profile:
        env = {**os.environ, "HOME": profile}
        subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, docx_files)],
                       check=True, capture_output=True, timeout=timeout, env=env)
    pdfs = [out_dir / (f.stem + ".pdf") for f in docx_files]
    missing = [p.name for p in pdfs if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}")
    return pdfs
