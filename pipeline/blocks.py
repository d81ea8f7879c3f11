"""Stage 2b: the text outside grids as an ordered stream of blocks (paragraphs, headings)
with their page, so parsers read the document in reading order with provenance."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import median

from pipeline.grid_tables import LogicalTable
from pipeline.pages import Line, Page
from pipeline.text import join_text

SENTENCE_END = (".", ":", ";", "!", "?", "»", ")", "…")
BULLET = re.compile(r"^[•▪◦●\-–\uf0b7\ufffd]\s*")


@dataclass
class Block:
    kind: str  # "para" | "heading" | "bullet" | "table"
    text: str
    page: int
    top: float
    pages: list[int] = field(default_factory=list)
    table: LogicalTable | None = None
    size: float = 0.0
    page_starts: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, page) after a break
    ocr: bool = False  # read by OCR from a scanned page: its text may hold misread letters

    def page_at(self, offset: int) -> int:
        """The page a character of a paragraph rejoined across a page break is printed on."""
        page = self.page
        for start, number in self.page_starts:
            if offset >= start:
                page = number
        return page

    @property
    def full_text(self) -> str:
        """The block's text, with a table's cells included."""
        if self.table is None:
            return self.text
        cells = [v for row in self.table.rows for v in row.cells.values() if v]
        return "\n".join([self.text, *cells])


def body_size(pages: list[Page]) -> float:
    sizes = [w.size for p in pages for ln in p.lines for w in ln.words]
    return median(sizes) if sizes else 10.0


def _starts_block(prev: Line, line: Line, body: float) -> bool:
    gap = line.top - prev.bottom
    if gap > 0.55 * min(prev.size, line.size):
        return True
    if line.bold != prev.bold or abs(line.size - prev.size) > 0.8:
        return True
    return bool(BULLET.match(line.text))


def _kind(lines: list[Line], body: float) -> str:
    first = lines[0]
    if BULLET.match(first.text):
        return "bullet"
    if (first.size >= body + 1.5 or all(ln.bold for ln in lines)) and len(lines) <= 4:
        return "heading"
    return "para"


def page_blocks(page: Page, consumed: set[int], body: float) -> list[Block]:
    blocks: list[Block] = []
    group: list[Line] = []

    def flush() -> None:
        if group:
            text = join_text([BULLET.sub("", ln.text) if i == 0 else ln.text for i, ln in enumerate(group)])
            blocks.append(Block(_kind(group, body), text, page.number, group[0].top, [page.number],
                                size=max(ln.size for ln in group), ocr=page.ocr))
            group.clear()

    for line in page.lines:
        if id(line) in consumed:
            flush()
            continue
        if group and _starts_block(group[-1], line, body):
            flush()
        group.append(line)
    flush()
    return blocks


def document_blocks(pages: list[Page], tables: list[LogicalTable], consumed: set[int]) -> list[Block]:
    """Paragraphs and tables in reading order; a paragraph cut by a page break is rejoined."""
    body = body_size(pages)
    out: list[Block] = []
    by_page: dict[int, list[Block]] = {p.number: page_blocks(p, consumed, body) for p in pages}
    scanned = {p.number for p in pages if p.ocr}
    for t in tables:  # a table on a page read by OCR may hold misread letters too
        by_page.setdefault(t.pages[0], []).append(
            Block("table", t.title, t.pages[0], t.first_top, list(t.pages), t, ocr=bool(scanned & set(t.pages))))
    for number in sorted(by_page):
        page_list = sorted(by_page[number], key=lambda b: b.top)
        for block in page_list:
            prev = out[-1] if out else None
            if (prev and block is page_list[0] and prev.kind == "para" and block.kind == "para"
                    and not prev.text.rstrip().endswith(SENTENCE_END) and block.text[:1].islower()):
                prev.page_starts.append((len(prev.text) + 1, block.page))
                prev.text = join_text([prev.text, block.text])
                prev.pages.append(block.page)
                continue
            out.append(block)
    return out


@dataclass(frozen=True)
class TextUnit:
    text: str
    page: int
    discover: bool = True  # propose unknown organisations here (not in headings: all capitals, no context)
    block: Block | None = None  # for the page of a character in a paragraph that crosses a page break

    def page_at(self, offset: int) -> int:
        return self.block.page_at(offset) if self.block is not None else self.page


def text_units(blocks: Iterable[Block]) -> list[TextUnit]:
    """Paragraphs, headings and bullets, and every cell of every grid row, with their page."""
    units: list[TextUnit] = []
    for b in blocks:
        if b.table is None:
            units.append(TextUnit(b.text, b.page, discover=b.kind != "heading", block=b))
            continue
        if b.text:
            units.append(TextUnit(b.text, b.page, discover=False))
        for row in b.table.rows:
            units += [TextUnit(cell, row.pages[0]) for cell in row.cells.values() if cell]
    return [u for u in units if u.text.strip()]
