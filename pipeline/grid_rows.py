"""A grid fragment's lines -> rows, by one of two strategies behind one interface.

- lattice: horizontal rules bound the rows (with or without vertical rules); a column that no
  rule crosses at a row boundary is a merged cell, reported as None;
- stream: no rules. Rows open where a theme or a judgment starts (a label of a known scale is
  always a new judgment); cells are top-aligned, so text that does not start at its row's top
  continues the cell above, which keeps merged cells and multi-paragraph cells whole.
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass, field
from typing import Protocol

from pipeline.grid_columns import Columns
from pipeline.grid_settings import GridSettings
from pipeline.pages import Line, Page, Word
from pipeline.text import join_text
from pipeline.vocabulary import is_judgment_label

Cell = str | None  # None: merged with the cell above


@dataclass
class TableRow:
    cells: dict[str, Cell]
    pages: list[int]


@dataclass
class CellGaps:
    """What the stream strategy learns about the producer while reading a document: the vertical
    gaps between paragraphs inside one cell. Gaps at a row's top are judged against them."""

    paragraph: list[float] = field(default_factory=list)

    @property
    def typical(self) -> float | None:
        """The usual paragraph gap (the median: a line OCR dropped makes one gap look wide)."""
        return statistics.median(self.paragraph) if self.paragraph else None


class RowStrategy(Protocol):
    def rows(self, lines: list[Line], page: Page, cols: Columns) -> list[TableRow]: ...


def cell_text(words: list[tuple[float, Word]], settings: GridSettings) -> str:
    lines: dict[float, list[Word]] = {}
    for top, w in sorted(words, key=lambda t: (t[0], t[1].x0)):
        key = next((k for k in lines if abs(k - top) <= settings.cell_line_merge), top)
        lines.setdefault(key, []).append(w)
    return join_text([" ".join(w.text for w in sorted(ws, key=lambda w: w.x0)) for _, ws in sorted(lines.items())])


# ---------------------------------------------------------------- lattice

def vertical_rules_bottom(page: Page, cols: Columns, top: float, settings: GridSettings) -> float | None:
    """The bottom of the table's vertical rules that reach the line at `top`."""
    reach = settings.column_edge
    bottoms = [r.bottom for r in page.vrules
               if cols.lefts[0] - reach <= r.x <= cols.right + reach and r.top - reach <= top <= r.bottom]
    return max(bottoms) if bottoms else None


def _rules_by_height(page: Page, cols: Columns, top: float, bottom: float,
                     settings: GridSettings) -> dict[float, set[int]]:
    """Horizontal rules between top and bottom, by height, with the columns each one separates.
    A rule may be drawn as one segment per cell, or come out of a scan in pieces: the segments
    at one height are joined before their cover of each column is measured."""
    segments: dict[float, list[tuple[float, float]]] = {}
    for r in page.hrules:
        if top <= r.y <= bottom:
            key = next((y for y in segments if abs(y - r.y) <= settings.rule_merge), r.y)
            segments.setdefault(key, []).append((r.x0, r.x1))
    crossed: dict[float, set[int]] = {}
    for y, spans in segments.items():
        covered = {i for i, (a, b) in enumerate(cols.spans(page))
                   if _covered_length(spans, a, b) >= settings.rule_cover * (b - a)}
        if covered:
            crossed[y] = covered
    return crossed


def _covered_length(spans: list[tuple[float, float]], a: float, b: float) -> float:
    """How much of [a, b] the union of the spans covers."""
    length, reach = 0.0, a
    for x0, x1 in sorted(spans):
        x0, x1 = max(x0, reach), min(x1, b)
        if x1 > x0:
            length += x1 - x0
            reach = x1
    return length


def row_rules_bottom(page: Page, cols: Columns, body: list[Line], settings: GridSettings) -> float | None:
    """A grid ruled with horizontal rules only: the lowest rule crossing at least two of its
    columns, if such rules separate the body's lines (a rule only above or below makes no rows)."""
    if len(body) < 2:
        return None
    first, last = body[0], body[-1]
    crossed = _rules_by_height(page, cols, first.top - settings.rule_reach,
                               last.bottom + settings.row_rule_below_em * last.size, settings)
    ys = sorted(y for y, columns in crossed.items() if len(columns) >= 2)
    inside = [y for y in ys if (first.top + first.bottom) / 2 < y < (last.top + last.bottom) / 2]
    return max(ys) if inside else None


@dataclass
class LatticeRows:
    """Rows bounded by horizontal rules between `top` and `bottom`."""

    top: float
    bottom: float
    settings: GridSettings

    def rows(self, lines: list[Line], page: Page, cols: Columns) -> list[TableRow]:
        ncols = len(cols.keys)
        margin = self.settings.rule_reach
        boundaries = _rules_by_height(page, cols, self.top - margin, self.bottom + margin, self.settings)
        ys = sorted(boundaries)

        def band_of(y: float) -> int:
            return sum(1 for b in ys if b < y)

        # per column: the bands where a new cell starts
        starts = [{0} | {band_of(b) + 1 for b in ys if i in boundaries[b]} for i in range(ncols)]
        cell_words: dict[tuple[int, int], list[tuple[float, Word]]] = {}
        for line in lines:
            for w in line.words:
                col = cols.index(w)
                if col is None:
                    continue
                band = band_of((w.top + w.bottom) / 2)  # the middle: OCR boxes vary at the top
                start = max(s for s in starts[col] if s <= band)
                cell_words.setdefault((start, col), []).append((line.top, w))
        rows = []
        for band in range(len(ys) + 1):
            cells: dict[str, Cell] = {
                key: cell_text(cell_words.get((band, col), []), self.settings) if band in starts[col] else None
                for col, key in enumerate(cols.keys)}
            if any(v for v in cells.values()):
                rows.append(TableRow(cells, [page.number]))
        return rows


# ---------------------------------------------------------------- stream

def cell_line_pitch(lines: list[Line], cols: Columns, settings: GridSettings) -> float:
    """The distance from one line of a cell to the next, measured column by column: the cells of
    a row are set independently, so the page's lines interleave (2007. | Liens commerciaux) and
    the distance between the page's consecutive lines says nothing."""
    tops: dict[int, list[float]] = {}
    for line in lines:
        for w in line.words:
            col = cols.index(w)
            if col is not None and (not tops.get(col) or w.top - tops[col][-1] > 1):
                tops.setdefault(col, []).append(w.top)
    floor = settings.pitch_floor_em * min(line.size for line in lines)
    pitches = sorted(d for ts in tops.values() for a, b in itertools.pairwise(ts) if (d := b - a) >= floor)
    if not pitches:
        return lines[0].size * settings.default_pitch_em
    # consecutive lines of one cell are the closest lines of a column; paragraph and row gaps
    # are wider, and one-line cells (judgments) add only those: the closest cluster is the pitch
    # (from the tenth percentile: on a scan, two lines a little too close must not set it)
    low = pitches[len(pitches) // 10]
    closest = [d for d in pitches if low <= d <= settings.pitch_cluster * low]
    return closest[len(closest) // 2]


@dataclass
class StreamRows:
    """Rows of a grid drawn without rules, from the text's alignment."""

    settings: GridSettings
    gaps: CellGaps

    def rows(self, lines: list[Line], page: Page, cols: Columns) -> list[TableRow]:
        if not lines:
            return []
        s = self.settings
        pitch = cell_line_pitch(lines, cols, s)
        row_gap = s.row_gap_pitch * pitch
        judgment_col = cols.keys.index("judgment")
        anchor_cols = {cols.keys.index(k) for k in ("theme", "judgment") if k in cols.keys}
        rows: list[TableRow] = []
        cell_words: list[dict[int, list[tuple[float, Word]]]] = []
        last_in_col: dict[int, tuple[float, int]] = {}  # column -> (top of its last line, owning row)
        prev_top: float | None = None
        row_top = lines[0].top
        for line in lines:
            by_col: dict[int, list[Word]] = {}
            for w in line.words:
                col = cols.index(w)
                if col is not None:
                    by_col.setdefault(col, []).append(w)
            gap = line.top - prev_top if prev_top is not None else None
            anchored = [c for c in anchor_cols & by_col.keys()
                        if c not in last_in_col or line.top - last_in_col[c][0] > row_gap
                        or (c == judgment_col and is_judgment_label(" ".join(w.text for w in by_col[c])))]
            if (anchored and (gap is None or gap > row_gap or judgment_col in anchored)) or not rows:
                rows.append(TableRow({k: "" for k in cols.keys}, [page.number]))
                cell_words.append({})
                row_top = line.top
            for col, ws in by_col.items():
                owner = len(rows) - 1
                if col in last_in_col and not self._new_cell(line.top, last_in_col[col][0], row_top, row_gap,
                                                             one_paragraph=col in anchor_cols):
                    owner = last_in_col[col][1]
                cell_words[owner].setdefault(col, []).extend((line.top, w) for w in ws)
                last_in_col[col] = (line.top, owner)
            prev_top = line.top
        for row, words in zip(rows, cell_words, strict=True):
            for col, key in enumerate(cols.keys):
                row.cells[key] = cell_text(words.get(col, []), s)
        return rows

    def _new_cell(self, top: float, previous_top: float, row_top: float, row_gap: float,
                  one_paragraph: bool = False) -> bool:
        """Does a column's line at `top` start a new cell, its previous line being at previous_top?

        Text that goes on within a line pitch continues its cell; text after a gap that does not
        start at the row's top is the cell's next paragraph (a paragraph gap, remembered). At the
        row's top, a gap no wider than the usual paragraph gap is a merged cell's next paragraph
        that happens to start there; a wider one is the row's own cell. Themes and judgments are
        one paragraph: at the row's top after a gap, theirs is always the row's own cell."""
        since = top - previous_top
        if since <= row_gap:
            return False
        if abs(top - row_top) > self.settings.row_top_tolerance:
            self.gaps.paragraph.append(since)
            return False
        if one_paragraph:
            return True
        typical = self.gaps.typical
        margin = max(self.settings.paragraph_margin, self.settings.paragraph_margin_pitch * row_gap)
        return typical is None or since > typical + margin
