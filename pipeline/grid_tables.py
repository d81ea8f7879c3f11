"""Stage 2a: evaluation grids (Thème / Critère / Jugement / Justification, or another
evaluator's headings) as logical tables.

A grid is found by its header row (report_wording.yaml's column headings). Its columns come
from its rules when it has them, else from the whitespace between its lines (grid_columns);
its rows from its horizontal rules when there are any, else from the text's alignment
(grid_rows). Every tolerance is a field of GridSettings.

Fragments of one grid on consecutive pages are stitched into one logical table: a repeated
header is skipped, a row repeated at the top of the next page is merged, a row cut by the
break goes on, and a merged cell cut by the break stays one cell.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline.furniture import in_band
from pipeline.grid_columns import (
    Columns,
    Heading,
    find_header,
    is_flow,
    lattice_columns,
    starts_grid,
    stream_columns,
)
from pipeline.grid_rows import (
    Cell,
    CellGaps,
    LatticeRows,
    RowStrategy,
    StreamRows,
    TableRow,
    row_rules_bottom,
    vertical_rules_bottom,
)
from pipeline.grid_settings import DEFAULT_SETTINGS, GridSettings
from pipeline.pages import Line, Page
from pipeline.text import join_text
from pipeline.vocabulary import COLUMN_KEYS, caption_number, opens_with_finding

__all__ = ["Cell", "GridScan", "LogicalTable", "TableRow", "find_grids"]


@dataclass
class LogicalTable:
    title: str
    question: int | None
    rows: list[TableRow]
    pages: list[int]
    ruled: bool
    first_top: float


@dataclass
class GridScan:
    tables: list[LogicalTable]
    consumed: set[int]  # id() of the lines that belong to tables (titles and headers included)
    stream: bool = False  # some fragment was read without rules


@dataclass
class _Body:
    rows: list[TableRow]
    end: int
    ruled: bool
    page: int


@dataclass
class _Reader:
    settings: GridSettings
    gaps: CellGaps

    def columns(self, page: Page, lines: list[Line], at: int, header: dict[str, Heading]) -> Columns:
        """The columns of the grid whose header row, already found, is lines[at]."""
        return (lattice_columns(header, page, lines[at].top, self.settings)
                or stream_columns(header, at, lines, page, self.settings))


def find_grids(pages: list[Page], settings: GridSettings = DEFAULT_SETTINGS) -> GridScan:
    """Find every evaluation grid and stitch its page fragments into one logical table.

    Grids read without rules are read twice when the first reading learned how far apart a
    cell's paragraphs are (CellGaps): a merged cell's paragraph that happens to start at a row's
    top on the document's first grid is then judged like the others."""
    gaps = CellGaps()
    scan = _scan(pages, _Reader(settings, gaps))
    if scan.stream and gaps.paragraph:
        scan = _scan(pages, _Reader(settings, CellGaps(list(gaps.paragraph))))
    return scan


def _scan(pages: list[Page], reader: _Reader) -> GridScan:
    settings = reader.settings
    scan = GridScan([], set())
    consumed = scan.consumed
    open_table: LogicalTable | None = None
    open_cols: Columns | None = None
    for page in pages:
        lines = page.lines
        i = 0
        # a grid left open at the bottom of the previous page continues at the top of this one
        if open_table is not None and open_cols is not None and lines:
            first = lines[0]
            title_number = caption_number(first.text)
            if title_number is not None and open_table.question == title_number and len(lines) > 1 \
                    and find_header(lines[1], settings) is not None:
                consumed.add(id(first))
                i = 1
            if (header := find_header(lines[i], settings)) is not None:
                open_cols = _same_columns(reader.columns(page, lines, i, header), open_cols, lines[i].size,
                                          settings)
                consumed.add(id(lines[i]))
                frag = _scan_body(page, lines, i + 1, open_cols, consumed, reader)
            elif not is_flow(first, open_cols, settings):
                frag = _scan_body(page, lines, i, open_cols, consumed, reader)
            else:
                frag = None
            if frag is not None:
                _stitch(open_table, frag)
                scan.stream |= not frag.ruled
                i = frag.end
            if frag is None or not _page_ends(page, lines[i:]):
                open_table, open_cols = None, None
        while i < len(lines):
            header = find_header(lines[i], settings)
            if header is None:
                i += 1
                continue
            cols = reader.columns(page, lines, i, header)
            title_lines = _title_above(lines, i, settings)
            consumed.update(id(ln) for ln in title_lines)
            consumed.add(id(lines[i]))
            title = " ".join(ln.text for ln in title_lines)
            frag = _scan_body(page, lines, i + 1, cols, consumed, reader)
            scan.stream |= not frag.ruled
            table = LogicalTable(title=title, question=caption_number(title), rows=[], pages=[page.number],
                                 ruled=frag.ruled, first_top=(title_lines[0] if title_lines else lines[i]).top)
            _stitch(table, frag, first=True)
            scan.tables.append(table)
            i = frag.end
            open_table, open_cols = (table, cols) if _page_ends(page, lines[i:]) else (None, None)
    return scan


def _page_ends(page: Page, rest: list[Line]) -> bool:
    """Nothing but page furniture follows on the page (a page number OCR did not recognise as
    one, a speck in the footer band): the grid may go on on the next page."""
    return all(in_band(line, page) == "bottom" for line in rest)


def _same_columns(repeated: Columns, before: Columns, size: float, settings: GridSettings) -> Columns:
    """The header repeated on a continuation page, read with a heading missing (OCR lost "Axe"):
    the table still has the columns it had, at the same places. A column read there keeps its
    own left unless it moved (it took in the lost heading's column: "Critère" then starts at
    the table's left edge)."""
    missing = [k for k in before.keys if k not in repeated.keys]
    if not missing:
        return repeated
    shift = settings.repeated_column_shift_em * size
    was = dict(zip(before.keys, before.lefts, strict=True))
    read = dict(zip(repeated.keys, repeated.lefts, strict=True))
    moved = [k for k in repeated.keys if k in was and abs(read[k] - was[k]) > shift]
    lefts = read | {k: was[k] for k in (*missing, *moved)}
    keys = [k for k in COLUMN_KEYS if k in lefts]
    starts = None
    if repeated.text_starts is not None and before.text_starts is not None:
        known = {k: start for k, start in zip(repeated.keys, repeated.text_starts, strict=True) if k not in moved}
        starts = [known.get(k, before.text_starts[before.keys.index(k)]) for k in keys]
    return replace(repeated, keys=keys, lefts=[lefts[k] for k in keys], text_starts=starts)


def _title_above(lines: list[Line], header_at: int, settings: GridSettings) -> list[Line]:
    """The question caption right above the header ("Question d'évaluation N : ..."), possibly wrapped."""
    k = header_at - 1
    block: list[Line] = []
    while k >= 0 and header_at - k <= settings.caption_max_lines:
        gap = (block[0] if block else lines[header_at]).top - lines[k].bottom
        if gap > settings.caption_gap_em * lines[k].size:
            break
        block.insert(0, lines[k])
        if caption_number(lines[k].text) is not None:
            return block
        k -= 1
    return []


def _scan_body(page: Page, lines: list[Line], start: int, cols: Columns, consumed: set[int],
               reader: _Reader) -> _Body:
    settings = reader.settings
    top = lines[start - 1].bottom if start > 0 else (lines[0].top - 2 if lines else 0)
    probe = lines[start].top if start < len(lines) else top
    bottom = vertical_rules_bottom(page, cols, probe, settings)
    body: list[Line] = []
    k = start
    while k < len(lines):
        line = lines[k]
        # a producer may set the next paragraph right under the table's bottom rule, its first
        # line's box (the font's ascent) reaching above the rule: compare the line's middle
        if bottom is not None and (line.top + line.bottom) / 2 > bottom:
            break
        if bottom is None and is_flow(line, cols, settings):
            break
        if starts_grid(lines, k, settings):
            break
        body.append(line)
        consumed.add(id(line))
        k += 1
    if bottom is None:
        bottom = row_rules_bottom(page, cols, body, settings)  # rows ruled by horizontal rules only
    strategy: RowStrategy = (StreamRows(settings, reader.gaps) if bottom is None
                             else LatticeRows(top - settings.rule_reach, bottom, settings))
    return _Body(strategy.rows(body, page, cols), k, bottom is not None, page.number)


def _debris(row: TableRow) -> bool:
    """A "row" that is only a speck read as a character or two: no theme, criterion or judgment,
    and fewer than three letters or digits in all."""
    text = "".join(v for v in row.cells.values() if v)
    return sum(c.isalnum() for c in text) < 3 and not any(row.cells.get(k) for k in ("theme", "criterion", "judgment"))


def _empty(cell: Cell) -> bool:
    return cell is None or cell == ""


def _owner(rows: list[TableRow], key: str, stream: bool) -> TableRow | None:
    """The row whose cell a merged cell of column `key` is: the last one that is not merged
    (None). Without rules a merged cell reads as empty, so there the last non-empty one."""
    return next((r for r in reversed(rows) if (r.cells.get(key) if stream else r.cells.get(key) is not None)),
                None)


def _goes_on(key: str, text: str, above: str) -> bool:
    """Text at the top of a page that continues the cell `above` rather than opening its own: a
    criterion going on in lower case (or not in capitals after an unfinished sentence); a
    justification without a finding label under one with."""
    if key == "criterion":
        # a criterion opens with a capital; lower case, or a figure after a cut sentence, goes on
        return text[:1].islower() or (not text[:1].isupper() and not above.rstrip().endswith((".", "?", "!", ":")))
    if key == "justification":
        return opens_with_finding(above) and not opens_with_finding(text)
    return False


def _extend_cell(row: TableRow, key: str, text: str, pages: list[int]) -> None:
    """The rest of a cell cut by a page break, appended to the row that owns the cell."""
    row.cells[key] = join_text([row.cells.get(key) or "", text])
    row.pages = sorted({*row.pages, *pages})


def _continue_merged_cells(above: list[TableRow], head: TableRow, stream: bool) -> None:
    """A cell merged over several rows and cut by the page break: the next page's first row (a
    new theme row) carries the rest of the merged cell in that column. A criterion going on in
    lower case, or a justification that does not open with a finding label (in a grid whose cells
    do), belongs to the cell above; the row then shares that cell (None), as without the break."""
    for key in ("criterion", "justification"):
        text = head.cells.get(key)
        owner = _owner(above, key, stream=stream)
        if not text or owner is None or not owner.cells.get(key):
            continue
        if _goes_on(key, text, owner.cells[key] or ""):
            _extend_cell(owner, key, text, head.pages)
            head.cells[key] = None


def _stitch(table: LogicalTable, frag: _Body, first: bool = False) -> None:
    """Append a page fragment to the logical table, repairing rows cut by the page break."""
    if frag.page not in table.pages:
        table.pages.append(frag.page)
    rows = [r for r in frag.rows if not _debris(r)]
    if not first and rows and table.rows:
        head, last = rows[0], table.rows[-1]
        # the row cut by the break, repeated: same theme and judgment, and the same criterion
        # unless that cell is a merged one that continues empty
        same = all(head.cells.get(k) == last.cells.get(k) and not _empty(head.cells.get(k))
                   for k in ("theme", "judgment") if k in head.cells) and (
            _empty(head.cells.get("criterion")) or head.cells.get("criterion") == last.cells.get("criterion"))
        # a row cut by the break goes on without its judgment (printed at the row's top), its
        # theme empty or going on in lower case ("Equipe et méthodes | d'animation")
        theme = head.cells.get("theme")
        continues = _empty(head.cells.get("judgment")) and (_empty(theme) or (theme or "")[:1].islower())
        if same or continues:
            for key, value in head.cells.items():
                if _empty(value) or (same and key != "justification"):
                    continue
                # a merged cell (None in the last row; empty without rules) goes on in its owner's row
                owner = _owner(table.rows, key, stream=not frag.ruled)
                if owner is None or (owner is not last and not _goes_on(key, value or "", owner.cells[key] or "")):
                    owner = last
                _extend_cell(owner, key, value or "", [frag.page])
            last.pages.append(frag.page)
            rows = rows[1:]
        elif rows:
            _continue_merged_cells(table.rows, rows[0], stream=not frag.ruled)
    if not frag.ruled:
        # without rules a line with no Thème and no Jugement continues the row above
        merged: list[TableRow] = []
        for row in rows:
            target = merged[-1] if merged else (table.rows[-1] if table.rows and not first else None)
            if target is not None and all(_empty(row.cells.get(k)) for k in ("theme", "judgment")
                                          if k in row.cells) and "theme" in row.cells:
                for key, value in row.cells.items():
                    if value:
                        target.cells[key] = join_text([target.cells.get(key) or "", value])
                continue
            merged.append(row)
        rows = merged
    table.rows.extend(rows)
    table.ruled = table.ruled or frag.ruled
