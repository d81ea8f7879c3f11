"""Render narrative documents and slide decks (headings, paragraphs, bullets,
footnotes, simple tables) as PDF, with running header and page numbers.

Blocks are plain tuples so that a seed converter can emit them without knowing
reportlab: ("title", text), ("subtitle", text), ("h", text), ("p", markup),
("cont", markup) for a paragraph continued from the previous page,
("bullet", markup, level), ("table", rows, bold_first_row), ("footnote", markup),
("break",), ("space", points). Markup is reportlab's mini-HTML (<b>, <i>, <super>).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

Block = tuple


@dataclass
class FlowDocument:
    title: str
    author: str
    blocks: list[Block]
    running_header: str = ""
    footer: str = "{n}"  # format with n (page) and total pages unknown: keep it simple
    slides: bool = False
    header_from_page: int = 2
    font_size: float = 10.0


class _BottomNote(Flowable):
    """A footnote drawn at the foot of the page it falls on, above the page number."""

    def __init__(self, para: Paragraph, left: float, bottom: float, width: float) -> None:
        super().__init__()
        self.para, self.left, self.bottom, self.width_ = para, left, bottom, width

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canv = self.canv
        ax, ay = canv.absolutePosition(0, 0)
        _, h = self.para.wrap(self.width_, 200)
        canv.saveState()
        canv.translate(self.left - ax, self.bottom - ay)
        canv.setLineWidth(0.5)
        canv.line(0, h + 4, self.width_ * 0.3, h + 4)
        self.para.drawOn(canv, 0, 0)
        canv.restoreState()


def build_flow_pdf(doc_spec: FlowDocument, path: Path) -> Path:
    size = doc_spec.font_size
    pagesize = landscape(A4) if doc_spec.slides else A4
    margin = 2.2 * cm
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=size, leading=size * 1.35,
                          alignment=TA_JUSTIFY if not doc_spec.slides else 0, spaceAfter=size * 0.7)
    st = {
        "p": body,
        "cont": ParagraphStyle("cont", parent=body),
        "title": ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=size + 8,
                                leading=(size + 8) * 1.3, alignment=TA_CENTER, spaceAfter=size),
        "subtitle": ParagraphStyle("subtitle", parent=body, alignment=TA_CENTER),
        "h": ParagraphStyle("h", parent=body, fontName="Helvetica-Bold",
                            fontSize=size + (10 if doc_spec.slides else 2),
                            leading=(size + (10 if doc_spec.slides else 2)) * 1.3,
                            spaceBefore=size * 0.8, spaceAfter=size * 0.8, alignment=0),
        "note": ParagraphStyle("note", parent=body, fontSize=size - 2, leading=(size - 2) * 1.3),
        "cell": ParagraphStyle("cell", parent=body, alignment=0, spaceAfter=0),
    }
    if doc_spec.slides:
        st["p"] = ParagraphStyle("slide", parent=body, fontSize=size + 6, leading=(size + 6) * 1.35)
    doc = SimpleDocTemplate(str(path), pagesize=pagesize, leftMargin=margin, rightMargin=margin,
                            topMargin=2.4 * cm, bottomMargin=2.2 * cm, title=doc_spec.title,
                            author=doc_spec.author)
    story: list[Flowable] = []
    for block in doc_spec.blocks:
        kind = block[0]
        if kind in ("title", "subtitle", "h", "p", "cont"):
            story.append(Paragraph(block[1], st[kind]))
        elif kind == "bullet":
            level = block[2] if len(block) > 2 else 1
            style = ParagraphStyle(f"b{level}", parent=st["p"], leftIndent=14 * level, bulletIndent=14 * level - 10,
                                   spaceAfter=size * 0.3)
            story.append(Paragraph(block[1], style, bulletText="•" if level == 1 else "–"))
        elif kind == "table":
            rows: Sequence[Sequence[str]] = block[1]
            data = [[Paragraph(c, st["cell"] if not doc_spec.slides else st["p"]) for c in r] for r in rows]
            style = [("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
            if len(block) > 2 and block[2]:
                style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e4e4")))
            story.append(Table(data, style=TableStyle(style), hAlign="LEFT",
                               colWidths=[doc.width * 0.35, doc.width * 0.6]))
        elif kind == "footnote":
            story.append(_BottomNote(Paragraph(block[1], st["note"]), margin, 2.3 * cm, doc.width))
        elif kind == "break":
            story.append(PageBreak())
        elif kind == "space":
            story.append(Spacer(1, block[1]))
        else:
            raise ValueError(f"unknown block kind {kind!r}")

    def furniture(canvas, doc_) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        w, h = pagesize
        n = canvas.getPageNumber()
        if doc_spec.running_header and n >= doc_spec.header_from_page:
            canvas.drawString(margin, h - 1.4 * cm, doc_spec.running_header)
        if doc_spec.footer:
            canvas.drawRightString(w - margin, 1.2 * cm, doc_spec.footer.format(n=n))
        canvas.restoreState()

    doc.build(story, onFirstPage=furniture, onLaterPages=furniture)
    return path
