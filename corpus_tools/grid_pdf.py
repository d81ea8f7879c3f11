"""Build grid-format evaluation reports as PDF, with the records they must yield.

One builder serves three users: the faithful rendering of the 2025 TWIST report
into corpus/, the tests that vary layout (rules removed, page breaks moved, long
cells, repeated headers) and the benchmark's archive generator. Because the
builder knows what it drew, it also returns the expected records, so accuracy is
measured against ground truth rather than against the parser's own output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

COLUMNS = ("Thème", "Critère", "Jugement", "Justification")

Constats = list[tuple[int, str]]


@dataclass
class GridRow:
    """One theme row. None in criterion/constats means the cell of the row above spans this row."""

    theme: str
    criterion: str | None
    judgment: str | None
    constats: Constats | None


@dataclass
class TableBreak:
    """A page break inside a question's table.

    between:      the break falls between row `row` and the next one.
    repeat_row:   row `row` is cut after `constats_before` constats; the next page
                  repeats its theme, criterion and judgment and carries on.
    continue_row: row `row` is cut; the next page continues it with empty theme and
                  judgment cells, the criterion cut after `criterion_words_before` words.
    """

    row: int
    mode: Literal["between", "repeat_row", "continue_row"] = "between"
    constats_before: int = 0
    criterion_words_before: int | None = None


@dataclass
class GridQuestion:
    number: int
    text: str
    intro: list[str]
    rows: list[GridRow]
    synthesis: list[str]
    breaks: list[TableBreak] = field(default_factory=list)
    # (paragraph index, word index): the synthesis paragraph is cut by a page break there
    synthesis_cut: tuple[int, int] | None = None
    title_row: bool = True


@dataclass
class GridReport:
    cluster: str
    evaluator: str
    date_text: str
    client: str
    title_lines: list[str]
    method_intro: list[str]
    phases: list[tuple[str, str]]
    method_outro: list[str]
    questions: list[GridQuestion]
    running_header: str
    rules: bool = True
    repeat_header: bool = False
    footer: Literal["page", "n_of_m", "none"] = "page"
    font_size: float = 9.0
    # (canonical name, relation) of every organisation the text relates to the cluster
    relations: list[tuple[str, str]] = field(default_factory=list)


# ---------------------------------------------------------------- styles

def _styles(size: float) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName="Helvetica", fontSize=size, leading=size * 1.3,
                          alignment=TA_JUSTIFY, spaceAfter=size * 0.6)
    return {
        "body": base,
        "cont": ParagraphStyle("cont", parent=base, spaceBefore=0),
        "h1": ParagraphStyle("h1", parent=base, fontName="Helvetica-Bold", fontSize=size + 3,
                             leading=(size + 3) * 1.3, spaceBefore=size, spaceAfter=size * 0.8,
                             alignment=0),
        "title": ParagraphStyle("title", parent=base, fontName="Helvetica-Bold", fontSize=size + 7,
                                leading=(size + 7) * 1.3, alignment=1, spaceAfter=size),
        "small": ParagraphStyle("small", parent=base, fontSize=size - 1, leading=(size - 1) * 1.3,
                                alignment=1),
        "cell": ParagraphStyle("cell", parent=base, fontSize=size - 1, leading=(size - 1) * 1.25,
                               alignment=0, spaceAfter=2),
        "cellb": ParagraphStyle("cellb", parent=base, fontName="Helvetica-Bold", fontSize=size - 1,
                                leading=(size - 1) * 1.25, alignment=0, spaceAfter=0),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


# ---------------------------------------------------------------- tables

@dataclass
class _FragRow:
    theme: str | None
    criterion: str | None
    judgment: str | None
    constats: Constats | None


def _fragments(q: GridQuestion) -> list[list[_FragRow]]:
    """Split the question's rows into the per-page fragments the breaks ask for."""
    frags: list[list[_FragRow]] = [[]]
    breaks = {b.row: b for b in q.breaks}
    for i, row in enumerate(q.rows):
        brk = breaks.get(i)
        full = _FragRow(row.theme, row.criterion, row.judgment, row.constats)
        if brk is None:
            frags[-1].append(full)
            continue
        if brk.mode == "between":
            frags[-1].append(full)
            frags.append([])
            continue
        constats = row.constats or []
        head, tail = constats[: brk.constats_before], constats[brk.constats_before:]
        if brk.mode == "repeat_row":
            frags[-1].append(_FragRow(row.theme, row.criterion, row.judgment, head))
            frags.append([_FragRow(row.theme, row.criterion, row.judgment, tail)])
        else:
            words = (row.criterion or "").split()
            cut = brk.criterion_words_before if brk.criterion_words_before is not None else len(words)
            frags[-1].append(_FragRow(row.theme, " ".join(words[:cut]), row.judgment, head))
            frags.append([_FragRow("", " ".join(words[cut:]), "", tail)])
    return [f for f in frags if f]


def _table(q: GridQuestion, rows: list[_FragRow], first: bool, report: GridReport,
           st: dict[str, ParagraphStyle], width: float) -> Table:
    data: list[list[object]] = []
    style: list[tuple] = []
    if first and q.title_row:
        data.append([_p(f"Question d'évaluation {q.number} : {q.text}", st["cellb"]), "", "", ""])
        style.append(("SPAN", (0, 0), (3, 0)))
    if first or report.repeat_header:
        header_at = len(data)
        data.append([_p(c, st["cellb"]) for c in COLUMNS])
        style.append(("BACKGROUND", (0, header_at), (3, header_at), colors.HexColor("#d9e2f3")))
    body_start = len(data)
    for r in rows:
        just: object = [_p(f"Constat {n} : {t}", st["cell"]) for n, t in r.constats] if r.constats else ""
        data.append([
            _p(r.theme, st["cell"]) if r.theme else "",
            _p(r.criterion, st["cell"]) if r.criterion else "",
            _p(r.judgment, st["cell"]) if r.judgment else "",
            just,
        ])
    # merged cells: a None criterion/justification extends the cell above it
    for col, attr in ((1, "criterion"), (3, "constats")):
        start = None
        for k, r in enumerate([*rows, _FragRow("x", "x", "x", [])]):
            if getattr(r, attr) is None:
                if start is None:
                    start = k - 1 if k > 0 else k
            elif start is not None:
                if k - 1 > start:
                    style.append(("SPAN", (col, body_start + start), (col, body_start + k - 1)))
                start = None
    style += [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3 if report.rules else 7),
    ]
    if report.rules:
        style.append(("GRID", (0, 0), (-1, -1), 0.6, colors.black))
    fractions = (0.17, 0.27, 0.12, 0.44)
    return Table(data, colWidths=[width * f for f in fractions], style=TableStyle(style),
                 hAlign="LEFT")


# ---------------------------------------------------------------- document

def _question_story(q: GridQuestion, section: int, report: GridReport,
                    st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    story: list[Flowable] = [_p(f"{section} Question d'évaluation {q.number} : {q.text}", st["h1"])]
    story += [_p(t, st["body"]) for t in q.intro]
    for k, frag in enumerate(_fragments(q)):
        if k:
            story.append(PageBreak())
        story.append(_table(q, frag, k == 0, report, st, width))
    story.append(Spacer(1, 8))
    for i, para in enumerate(q.synthesis):
        if q.synthesis_cut and q.synthesis_cut[0] == i:
            words = para.split()
            cut = q.synthesis_cut[1]
            story += [_p(" ".join(words[:cut]), st["body"]), PageBreak(),
                      _p(" ".join(words[cut:]), st["cont"])]
        else:
            story.append(_p(para, st["body"]))
    return story


def build_grid_pdf(report: GridReport, path: Path) -> Path:
    """Render the report; page breaks inside tables fall exactly where `breaks` say."""
    st = _styles(report.font_size)
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm,
                            topMargin=2.4 * cm, bottomMargin=2.2 * cm,
                            title=" ".join(report.title_lines), author=report.evaluator)
    width = doc.width
    story: list[Flowable] = [_p(report.client, st["small"]), Spacer(1, 12)]
    story += [_p(t, st["title"]) for t in report.title_lines]
    story += [_p(report.date_text, st["small"]), Spacer(1, 16)]
    story.append(_p("1 Approche méthodologique", st["h1"]))
    story += [_p(t, st["body"]) for t in report.method_intro]
    story += [_p(f"{name} : {text}", st["body"]) for name, text in report.phases]
    story += [_p(t, st["body"]) for t in report.method_outro]
    for k, q in enumerate(report.questions):
        story += _question_story(q, k + 2, report, st, width)

    def furniture(canvas, doc_) -> None:  # running header and page number on every page
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        w, h = A4
        if report.running_header:
            canvas.drawString(2 * cm, h - 1.4 * cm, report.running_header)
            canvas.setLineWidth(0.4)
            canvas.line(2 * cm, h - 1.55 * cm, w - 2 * cm, h - 1.55 * cm)
        n = canvas.getPageNumber()
        if report.footer == "page":
            canvas.drawRightString(w - 2 * cm, 1.2 * cm, f"Page {n}")
        elif report.footer == "n_of_m":
            canvas.drawCentredString(w / 2, 1.2 * cm, f"{n}")
        canvas.restoreState()

    doc.build(story, onFirstPage=furniture, onLaterPages=furniture)
    return path


# ---------------------------------------------------------------- ground truth

def expected_records(report: GridReport) -> dict:
    """The logical content a correct parser must recover, whatever the layout."""
    criteria = []
    constats: dict[int, dict] = {}
    for q in report.questions:
        span_text, span_constats, span_owner = "", [], ""
        for i, row in enumerate(q.rows):
            cid = f"Q{q.number}.C{i + 1}"
            if row.criterion is not None:
                span_text = row.criterion
            if row.constats is not None:
                span_constats, span_owner = [n for n, _ in row.constats], cid
                for n, t in row.constats:
                    constats[n] = {"number": n, "text": t, "question": q.number, "criterion": cid,
                                   "applies_to": [cid]}
            else:
                for n in span_constats:
                    constats[n]["applies_to"].append(cid)
            criteria.append({
                "id": cid, "question": q.number, "theme": row.theme, "text": span_text,
                "judgment": row.judgment,
                "constats": [n for n, _ in row.constats] if row.constats is not None else [],
                "shared_constats": [] if row.constats is not None else list(span_constats),
                "span_owner": span_owner,
            })
    return {
        "cluster": report.cluster,
        "evaluator": report.evaluator,
        "questions": [{"number": q.number, "text": q.text} for q in report.questions],
        "criteria": criteria,
        "constats": [constats[n] for n in sorted(constats)],
        "relations": [{"subject": report.cluster, "relation": rel, "object": name}
                      for name, rel in report.relations],
    }
