"""Stage 2a: evaluation grids (Thème / Critère / Jugement / Justification) as logical tables.

A grid is found by its header row. Columns come from the table's vertical rules
when it has them, otherwise from the header words' positions. Rows come from the
horizontal rules when there are any (a column a rule does not cross is a merged
cell, reported as None), otherwise from the text itself: a row starts where the
Thème or Jugement column starts after a row gap.

Fragments of one grid on consecutive pages are stitched into one logical table:
a repeated header is skipped, a row repeated at the top of the next page is
merged, and a first row with empty Thème and Jugement continues the row above.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from dataclasses import dataclass, field

from pipeline.pages import Line, Page, Word

KEYS = ("theme", "criterion", "judgment", "justification")
HEADER_WORDS = {
    "theme": {"theme", "themes", "thematique", "dimension", "axe"},
    "criterion": {"critere", "criteres", "critere(s)"},
    "judgment": {"jugement", "jugements", "appreciation", "cotation", "niveau"},
    "justification": {"justification", "justifications", "constats", "constat"},
}
TITLE = re.compile(r"^Question\s+d['’]\s*[ée]valuation\s+(\d+)\b", re.IGNORECASE)
HEADING = re.compile(r"^\d+(?:\.\d+)*\.?\s+\S")

Cell = str | None  # None: merged with the cell above


def fold(text: str) -> str:
    """Lower case without accents: header and label matching must survive both."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")


@dataclass
class Columns:
    keys: list[str]
    lefts: list[float]  # left boundary of each column; lefts[0] is the table's left edge
    right: float
    # unruled grids: where each column's left-aligned text starts (its header word's x0)
    text_starts: list[float] | None = None

    def index(self, word: Word) -> int | None:
        x = word.x0 + 0.5
        if x < self.lefts[0] - 4 or x > self.right + 4:
            return None
        col = 0
        for i, left in enumerate(self.lefts):
            if x >= left:
                col = i
        return col


@dataclass
class TableRow:
    cells: dict[str, Cell]
    pages: list[int]
    line_tops: list[float] = field(default_factory=list)


@dataclass
class LogicalTable:
    title: str
    question: int | None
    rows: list[TableRow]
    pages: list[int]
    ruled: bool
    first_top: float


@dataclass
class _Fragment:
    page: int
    rows: list[TableRow]
    header: bool
    top: float


def _header(line: Line) -> dict[str, Word] | None:
    found: dict[str, Word] = {}
    for w in line.words:
        token = fold(w.text).strip(":;.,")
        for key, names in HEADER_WORDS.items():
            if token in names and key not in found:
                found[key] = w
    if not {"criterion", "judgment", "justification"} <= found.keys():
        return None
    xs = [found[k].x0 for k in KEYS if k in found]
    return found if xs == sorted(xs) and len(line.words) <= len(found) + 3 else None


def _columns(header: dict[str, Word], page: Page, y: float) -> Columns:
    keys = [k for k in KEYS if k in header]
    lefts = [header[k].x0 - 3 for k in keys]
    crossing = sorted({round(r.x, 1) for r in page.vrules if r.top - 2 <= y <= r.bottom + 2})
    if len(crossing) >= len(keys):
        # ruled table: each column starts at the nearest rule left of its header word
        ruled = []
        for k in keys:
            left_rules = [x for x in crossing if x <= header[k].x0 + 1]
            ruled.append(left_rules[-1] if left_rules else header[k].x0 - 3)
        return Columns(keys, ruled, crossing[-1])
    # without rules nothing marks the right edge: the last column runs to the page edge
    return Columns(keys, lefts, page.width, [header[k].x0 for k in keys])


def _is_flow(line: Line, cols: Columns) -> bool:
    """A line that is ordinary text, not table content: its words run across a column boundary."""
    if HEADING.match(line.text) and line.size >= 1.1 * min(w.size for w in line.words) and line.bold:
        return True
    if line.x0 < cols.lefts[0] - 6:
        return True
    starts = cols.text_starts
    if starts is not None and line.words and not _at_column_start(line.words[0], cols):
        return True
    inside, across = [], []
    for a, b in itertools.pairwise(line.words):
        gap = b.x0 - a.x1
        ca, cb = cols.index(a), cols.index(b)
        if ca is None or cb is None:
            return True
        if ca != cb and (gap < 0.45 * a.size or (starts is not None and not _at_column_start(b, cols))):
            return True
        (inside if ca == cb else across).append(gap)
    # justified prose spaces its words evenly, wide enough to pass for a gutter, and a word may
    # happen to start where a column does: a table row's gutters are wider than its word spaces
    if inside and across and min(across) <= 1.25 * statistics.median(inside):
        return True
    return all(cols.index(w) is None for w in line.words)


def _at_column_start(word: Word, cols: Columns, tolerance: float = 2.5) -> bool:
    """Without rules, cell text is recognised by starting where its column's header starts."""
    col = cols.index(word)
    return col is not None and cols.text_starts is not None and abs(word.x0 - cols.text_starts[col]) <= tolerance


def _ruled_bottom(page: Page, cols: Columns, top: float) -> float | None:
    bottoms = [r.bottom for r in page.vrules
               if cols.lefts[0] - 3 <= r.x <= cols.right + 3 and r.top - 3 <= top <= r.bottom]
    return max(bottoms) if bottoms else None


def join_text(parts: list[str]) -> str:
    """Join wrapped lines: a line ending in a hyphen after a letter joins without space."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha():
            out += part
        else:
            out = f"{out} {part}" if out else part
    return out


def _cells_from_words(words: list[tuple[float, Word]]) -> str:
    lines: dict[float, list[Word]] = {}
    for top, w in sorted(words, key=lambda t: (t[0], t[1].x0)):
        key = next((k for k in lines if abs(k - top) <= 2.5), top)
        lines.setdefault(key, []).append(w)
    return join_text([" ".join(w.text for w in sorted(ws, key=lambda w: w.x0)) for _, ws in sorted(lines.items())])


def _ruled_rows(lines: list[Line], page: Page, cols: Columns, top: float, bottom: float) -> list[TableRow]:
    """Rows bounded by horizontal rules; a column no rule crosses at a boundary is merged."""
    ncols = len(cols.keys)
    widths = [(cols.lefts[i], cols.lefts[i + 1] if i + 1 < ncols else cols.right) for i in range(ncols)]
    boundaries: dict[float, set[int]] = {}
    for r in page.hrules:
        if not (top - 2 <= r.y <= bottom + 2):
            continue
        covered = {i for i, (a, b) in enumerate(widths) if min(r.x1, b) - max(r.x0, a) >= 0.6 * (b - a)}
        if covered:
            key = next((k for k in boundaries if abs(k - r.y) <= 1.5), r.y)
            boundaries.setdefault(key, set()).update(covered)
    ys = sorted(boundaries)
    band_of = lambda y: sum(1 for b in ys if b < y)  # noqa: E731
    nbands = len(ys) + 1
    # per column: the bands where a new cell starts
    starts = [{0} | {band_of(b) + 1 for b in ys if i in boundaries[b]} for i in range(ncols)]
    cell_words: dict[tuple[int, int], list[tuple[float, Word]]] = {}
    band_tops: dict[int, list[float]] = {}
    for line in lines:
        for w in line.words:
            col = cols.index(w)
            if col is None:
                continue
            band = band_of(w.top + 1)
            start = max(s for s in starts[col] if s <= band)
            cell_words.setdefault((start, col), []).append((line.top, w))
            band_tops.setdefault(start, []).append(line.top)
    rows = []
    for band in range(nbands):
        cells: dict[str, Cell] = {}
        for col, key in enumerate(cols.keys):
            if band in starts[col]:
                cells[key] = _cells_from_words(cell_words.get((band, col), []))
            else:
                cells[key] = None
        if any(v for v in cells.values()):
            rows.append(TableRow(cells, [page.number], sorted(set(band_tops.get(band, [])))))
    return rows


def _text_rows(lines: list[Line], page: Page, cols: Columns) -> list[TableRow]:
    """Rows of a grid drawn without rules.

    A row opens where Thème or Jugement text starts after a row gap (or where a
    judgment appears). Within each column, text that follows the column's previous
    line without a gap continues that cell, even past a row opening: that is how a
    cell merged over several rows reads when no rule shows the merge.
    """
    if not lines:
        return []
    pitches = [b.top - a.top for a, b in itertools.pairwise(lines) if b.top - a.top > 1]
    pitch = sorted(pitches)[len(pitches) // 2] if pitches else lines[0].size * 1.3
    judgment_col = cols.keys.index("judgment")
    anchor_cols = {cols.keys.index(k) for k in ("theme", "judgment") if k in cols.keys}
    rows: list[TableRow] = []
    cell_words: list[dict[int, list[tuple[float, Word]]]] = []
    last_in_col: dict[int, tuple[float, int]] = {}  # column -> (top of its last line, owning row)
    prev_top: float | None = None
    for line in lines:
        by_col: dict[int, list[Word]] = {}
        for w in line.words:
            col = cols.index(w)
            if col is not None:
                by_col.setdefault(col, []).append(w)
        gap = line.top - prev_top if prev_top is not None else None
        anchored = [c for c in anchor_cols & by_col.keys()
                    if c not in last_in_col or line.top - last_in_col[c][0] > 1.25 * pitch]
        opens = bool(anchored) and (gap is None or gap > 1.25 * pitch or judgment_col in anchored)
        if opens or not rows:
            rows.append(TableRow({k: "" for k in cols.keys}, [page.number], []))
            cell_words.append({})
        for col, ws in by_col.items():
            owner = len(rows) - 1
            if col in last_in_col and line.top - last_in_col[col][0] <= 1.25 * pitch:
                owner = last_in_col[col][1]
            cell_words[owner].setdefault(col, []).extend((line.top, w) for w in ws)
            last_in_col[col] = (line.top, owner)
        rows[-1].line_tops.append(line.top)
        prev_top = line.top
    for row, words in zip(rows, cell_words, strict=True):
        for col, key in enumerate(cols.keys):
            row.cells[key] = _cells_from_words(words.get(col, []))
    return rows


@dataclass
class GridScan:
    tables: list[LogicalTable]
    consumed: set[int]  # id() of the lines that belong to tables (titles and headers included)


def find_grids(pages: list[Page]) -> GridScan:
    """Find every evaluation grid and stitch its page fragments into one logical table."""
    tables: list[LogicalTable] = []
    consumed: set[int] = set()
    open_table: LogicalTable | None = None
    open_cols: Columns | None = None
    for page in pages:
        lines = page.lines
        i = 0
        # a grid left open at the bottom of the previous page continues at the top of this one
        if open_table is not None and open_cols is not None and lines:
            first = lines[0]
            hdr = _header(first)
            title_m = TITLE.match(first.text)
            repeated_title = title_m and open_table.question == int(title_m.group(1)) and len(lines) > 1 \
                and _header(lines[1]) is not None
            if repeated_title:
                consumed.add(id(first))
                i, hdr = 1, _header(lines[1])
            if hdr is not None:
                open_cols = _columns(hdr, page, lines[i].top)
                consumed.add(id(lines[i]))
                i += 1
                frag = _scan_body(page, lines, i, open_cols, consumed)
                _stitch(open_table, frag)
                i = frag.end
            elif not _is_flow(first, open_cols):
                frag = _scan_body(page, lines, i, open_cols, consumed)
                _stitch(open_table, frag)
                i = frag.end
            else:
                open_table, open_cols = None, None
            if open_table is not None and i < len(lines):
                open_table, open_cols = None, None
        while i < len(lines):
            hdr = _header(lines[i])
            if hdr is None:
                i += 1
                continue
            cols = _columns(hdr, page, lines[i].top)
            title_lines = _title_above(lines, i)
            consumed.update(id(ln) for ln in title_lines)
            consumed.add(id(lines[i]))
            title = " ".join(ln.text for ln in title_lines)
            m = TITLE.match(title)
            frag = _scan_body(page, lines, i + 1, cols, consumed)
            table = LogicalTable(title=title, question=int(m.group(1)) if m else None, rows=[],
                                 pages=[], ruled=frag.ruled,
                                 first_top=(title_lines[0] if title_lines else lines[i]).top)
            table.pages.append(page.number)
            _stitch(table, frag, first=True)
            tables.append(table)
            i = frag.end
            open_table, open_cols = (table, cols) if i >= len(lines) else (None, None)
    return GridScan(tables, consumed)


def _title_above(lines: list[Line], header_at: int) -> list[Line]:
    """The 'Question d'évaluation N : ...' caption right above the header, possibly wrapped."""
    k = header_at - 1
    block: list[Line] = []
    while k >= 0 and header_at - k <= 4:
        gap = (block[0] if block else lines[header_at]).top - lines[k].bottom
        if gap > 1.6 * lines[k].size:
            break
        block.insert(0, lines[k])
        if TITLE.match(lines[k].text):
            return block
        k -= 1
    return []


@dataclass
class _Body:
    rows: list[TableRow]
    end: int
    ruled: bool
    page: int
    has_header: bool = False


def _scan_body(page: Page, lines: list[Line], start: int, cols: Columns, consumed: set[int]) -> _Body:
    top = lines[start - 1].bottom if start > 0 else (lines[0].top - 2 if lines else 0)
    probe = lines[start].top if start < len(lines) else top
    bottom = _ruled_bottom(page, cols, probe)
    body: list[Line] = []
    k = start
    while k < len(lines):
        line = lines[k]
        if bottom is not None and line.top > bottom:
            break
        if bottom is None and _is_flow(line, cols):
            break
        if _header(line) is not None or (TITLE.match(line.text) and k + 1 < len(lines)
                                          and _header(lines[k + 1]) is not None):
            break
        body.append(line)
        consumed.add(id(line))
        k += 1
    rows = _ruled_rows(body, page, cols, top - 2, bottom) if bottom is not None else _text_rows(body, page, cols)
    return _Body(rows, k, bottom is not None, page.number)


def _empty(cell: Cell) -> bool:
    return cell is None or cell == ""


def _stitch(table: LogicalTable, frag: _Body, first: bool = False) -> None:
    """Append a page fragment to the logical table, repairing rows cut by the page break."""
    if frag.page not in table.pages:
        table.pages.append(frag.page)
    rows = list(frag.rows)
    if not first and rows and table.rows:
        head, last = rows[0], table.rows[-1]
        # the row cut by the break, repeated: same theme and judgment, and the same criterion
        # unless that cell is a merged one that continues empty
        same = all(head.cells.get(k) == last.cells.get(k) and not _empty(head.cells.get(k))
                   for k in ("theme", "judgment") if k in head.cells) and (
            _empty(head.cells.get("criterion")) or head.cells.get("criterion") == last.cells.get("criterion"))
        continues = all(_empty(head.cells.get(k)) for k in ("theme", "judgment") if k in head.cells)
        if same or continues:
            for key, value in head.cells.items():
                if _empty(value) or (same and key != "justification"):
                    continue
                before = last.cells.get(key) or ""
                last.cells[key] = join_text([before, value])
            last.pages.append(frag.page)
            rows = rows[1:]
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
