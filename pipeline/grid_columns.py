"""Where a grid's columns are: its header row, then one of two strategies.

- lattice: the table's vertical rules (or the edges of its shaded header cells) bound the columns;
- stream: no rules. The column gutters are the x-ranges that no word of the table's lines
  covers (a projection over all the lines, as camelot's stream mode does), so columns are found
  whether the headings are left-aligned, centred or wrapped, and whether cell text is
  left-aligned or centred.

And which lines are not table content at all (prose that runs across the columns).
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass

from pipeline.grid_settings import GridSettings
from pipeline.pages import Line, Page, Word
from pipeline.vocabulary import (
    COLUMN_KEYS,
    caption_number,
    column_phrases_by_first_word,
    header_token,
    header_words_at_most,
)

HEADING = re.compile(r"^\d+(?:\.\d+)*\.?\s+\S")


@dataclass(frozen=True)
class Heading:
    """A column heading found in the header row: its first word and its horizontal extent."""

    word: Word
    x0: float
    x1: float


@dataclass
class Columns:
    keys: list[str]
    lefts: list[float]  # left boundary of each column; lefts[0] is the table's left edge
    right: float
    # stream columns: where each column's left-aligned text starts; None for a column whose text
    # is not left-aligned (centred judgments), and for lattice columns
    text_starts: list[float | None] | None = None
    edge: float = 4.0  # settings.column_edge
    start_tolerance: float = 2.5  # settings.text_start_tolerance, wider on scanned pages
    scanned: bool = False  # read from a scanned page: word boxes are OCR's

    def index(self, word: Word) -> int | None:
        x = word.x0 + 0.5
        if x < self.lefts[0] - self.edge or x > self.right + self.edge:
            return None
        col = 0
        for i, left in enumerate(self.lefts):
            if x >= left:
                col = i
        return col

    def spans(self, page: Page) -> list[tuple[float, float]]:
        """Each column's (left, right); a stream grid's last column ends where its text does."""
        n = len(self.keys)
        right = self.right if self.right < page.width else max(self.lefts[-1] + 20, page.width * 0.9)
        return [(self.lefts[i], self.lefts[i + 1] if i + 1 < n else right) for i in range(n)]


def find_header(line: Line, settings: GridSettings) -> dict[str, Heading] | None:
    """The header row of a grid: column headings of report_wording.yaml, left to right, each a
    word or a phrase ("Éléments de constat"); at least criterion, judgment and justification."""
    if len(line.words) > header_words_at_most() + settings.header_extra_words:
        return None  # the last test below, made first: most lines are prose, and need no folding
    tokens = [header_token(w.text) for w in line.words]
    found: dict[str, Heading] = {}
    matched = 0
    i = 0
    while i < len(tokens):
        for phrase, key in column_phrases_by_first_word().get(tokens[i], ()):
            if key not in found and tuple(tokens[i:i + len(phrase)]) == phrase:
                words = line.words[i:i + len(phrase)]
                found[key] = Heading(words[0], words[0].x0, words[-1].x1)
                matched += len(phrase)
                i += len(phrase)
                break
        else:
            i += 1
    if not {"criterion", "judgment", "justification"} <= found.keys():
        return None
    xs = [found[k].x0 for k in COLUMN_KEYS if k in found]
    return found if xs == sorted(xs) and len(line.words) <= matched + settings.header_extra_words else None


def join_split_headers(pages: list[Page], settings: GridSettings) -> list[Page]:
    """On scanned pages, a header row OCR read at two heights ("Thème Jugement Justification" a
    few points above "Critère": a speck lengthened one word's box) is one line again: two
    overlapping lines that are a header row together and not apart. In place."""
    for page in pages:
        if not page.ocr:
            continue
        lines = page.lines
        k = 0
        while k + 1 < len(lines):
            a, b = lines[k], lines[k + 1]
            overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
            if overlap >= settings.split_header_overlap * min(a.bottom - a.top, b.bottom - b.top) \
                    and find_header(a, settings) is None and find_header(b, settings) is None:
                joined = Line(sorted([*a.words, *b.words], key=lambda w: w.x0), a.page)
                if find_header(joined, settings) is not None:
                    lines[k:k + 2] = [joined]
            k += 1
    return pages


def starts_grid(lines: list[Line], k: int, settings: GridSettings) -> bool:
    """Line k is a header row, or a question caption right above one."""
    return find_header(lines[k], settings) is not None or (
        caption_number(lines[k].text) is not None and k + 1 < len(lines)
        and find_header(lines[k + 1], settings) is not None)


def lattice_columns(header: dict[str, Heading], page: Page, y: float, settings: GridSettings) -> Columns | None:
    """Columns bounded by vertical rules crossing the header row (rules, or the edges of shaded
    header cells); None when there are fewer such rules than columns."""
    keys = [k for k in COLUMN_KEYS if k in header]
    reach = settings.rule_reach
    crossing = sorted({round(r.x, 1) for r in page.vrules if r.top - reach <= y <= r.bottom + reach})
    if len(crossing) < len(keys):
        return None
    lefts = []
    for k in keys:
        # the nearest rule left of the heading's middle: a heading may be centred, or a speck
        # read with it may move its left end
        middle = (header[k].x0 + header[k].x1) / 2
        left_rules = [x for x in crossing if x <= min(middle, header[k].x1 - settings.rule_left_of_heading)]
        lefts.append(left_rules[-1] if left_rules else header[k].x0 - settings.header_left_pad)
    return Columns(keys, lefts, crossing[-1], edge=settings.column_edge, scanned=page.ocr)


def stream_columns(header: dict[str, Heading], header_at: int, lines: list[Line], page: Page,
                   settings: GridSettings) -> Columns:
    """Columns of a grid without rules, from the whitespace of the lines under its header.

    The lines considered run from the header to the first prose line, heading or next grid.
    Between two consecutive headings, the widest x-range free of words over all those lines is
    the gutter; the column starts where the words after it start. Without any gutter the heading's
    own position is used."""
    keys = [k for k in COLUMN_KEYS if k in header]
    size = statistics.median(w.size for w in lines[header_at].words)
    body = _candidate_body(header, header_at, lines, settings)
    words = [w for ln in body for w in ln.words] + [h.word for h in header.values()]
    lefts = [header[keys[0]].x0 - settings.header_left_pad]
    for prev, key in itertools.pairwise(keys):
        gutter = _widest_gutter(words, header[prev].x1, header[key].x0, settings.gutter_min_em * size)
        lefts.append(gutter[1] - settings.header_left_pad / 2 if gutter else header[key].x0 - settings.header_left_pad)
    if len(lefts) > 1:
        lefts[0] = min([lefts[0], *(w.x0 - settings.header_left_pad / 2 for w in words if w.x0 < lefts[1] - 1)])
    cols = Columns(keys, lefts, page.width, edge=settings.column_edge, scanned=page.ocr,
                   start_tolerance=settings.ocr_text_start_em * size if page.ocr else settings.text_start_tolerance)
    cols.text_starts = _text_starts(cols, body, settings)
    return cols


def _candidate_body(header: dict[str, Heading], header_at: int, lines: list[Line],
                    settings: GridSettings) -> list[Line]:
    left = min(h.x0 for h in header.values())
    right = max(h.x1 for h in header.values())
    body = []
    for k in range(header_at + 1, len(lines)):
        line = lines[k]
        if starts_grid(lines, k, settings) or _is_prose(line, left, right, settings):
            break
        body.append(line)
    return body


def _is_prose(line: Line, left: float, right: float, settings: GridSettings) -> bool:
    """A line of running text: no gutter-wide gap between its words and it spans the table, or a
    numbered heading. (Where it starts says nothing: centred headings start right of the cells'
    text, and the table's edge is often the page margin.)"""
    if HEADING.match(line.text) and line.bold:
        return True
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(line.words)]
    wide = any(g >= settings.prose_max_gap_em * a.size for g, a in zip(gaps, line.words, strict=False))
    return not wide and (line.x1 - line.x0) >= settings.prose_min_width * (right - left)


def _widest_gutter(words: list[Word], start: float, end: float, min_width: float) -> tuple[float, float] | None:
    """The widest x-range within (start, end] that no word covers, at least min_width wide."""
    spans = sorted((w.x0, w.x1) for w in words if w.x1 > start and w.x0 < end)
    best: tuple[float, float] | None = None
    cursor = start
    for x0, x1 in [*spans, (end + 0.01, end + 0.01)]:
        if x0 > cursor and min(x0, end + 0.01) - cursor >= min_width:
            gap = (cursor, min(x0, end + 0.01))
            if best is None or gap[1] - gap[0] > best[1] - best[0]:
                best = gap
        cursor = max(cursor, x1)
    return best


def _text_starts(cols: Columns, body: list[Line], settings: GridSettings) -> list[float | None]:
    """Per column, the x where its left-aligned lines start; None when its lines are centred
    (their middles agree better than their starts: judgment labels) or start anywhere."""
    segments: dict[int, list[tuple[float, float]]] = {}
    for line in body:
        for col, words in itertools.groupby(line.words, key=cols.index):
            if col is not None:
                ws = list(words)
                segments.setdefault(col, []).append((ws[0].x0, ws[-1].x1))
    result: list[float | None] = []
    for col in range(len(cols.keys)):
        spans = segments.get(col, [])
        if len(spans) < settings.left_aligned_evidence:
            result.append(None)
            continue
        starts = [x0 for x0, _ in spans]
        left, cluster = _agreement(starts, cols.start_tolerance)
        middle, _ = _agreement([(x0 + x1) / 2 for x0, x1 in spans], cols.start_tolerance)
        result.append(statistics.median(cluster) if left >= settings.left_aligned_share and left >= middle else None)
    return result


def _agreement(xs: list[float], tolerance: float) -> tuple[float, list[float]]:
    """The largest share of xs within `tolerance` of one another, and those xs."""
    xs = sorted(xs)
    best, j = (0, 0), 0
    for i, x in enumerate(xs):
        while x - xs[j] > tolerance:
            j += 1
        if i - j + 1 > best[1] - best[0]:
            best = (j, i + 1)
    return (best[1] - best[0]) / len(xs), xs[best[0]:best[1]]


def is_flow(line: Line, cols: Columns, settings: GridSettings) -> bool:
    """A line that is ordinary text, not table content: its words run across a column boundary.
    On a scan, a short token OCR doubts ("RE.", a speck; "C42", a label) is no evidence either
    way: the line is prose only if it reads as prose with and without such tokens."""
    flow = _runs_across(line, line.words, cols, settings)
    if flow and cols.scanned:
        sure = [w for w in line.words if not _doubtful(w, settings)]
        if sure and len(sure) < len(line.words):
            return _runs_across(line, sure, cols, settings)
    return flow


def _doubtful(word: Word, settings: GridSettings) -> bool:
    return word.confidence is not None and word.confidence < settings.ocr_doubtful_confidence \
        and sum(c.isalnum() for c in word.text) <= settings.ocr_speck_letters


def _runs_across(line: Line, words: list[Word], cols: Columns, settings: GridSettings) -> bool:
    if HEADING.match(line.text) and line.size >= settings.heading_size_ratio * min(w.size for w in words) \
            and line.bold:
        return True
    if words[0].x0 < cols.lefts[0] - settings.flow_indent:
        return True
    inner = {cols.index(w) for w in words}
    if cols.scanned and len(inner) == 1 and None not in inner and 0 not in inner:
        # inside one column right of the first, on a scan: a cell's line whose first word OCR
        # misplaced ("C4:" read on its own, a letter lower), not prose, which starts at the margin
        return False
    if not _at_column_start(words[0], cols):
        return True
    inside: list[float] = []
    across: list[float] = []
    for a, b in itertools.pairwise(words):
        gap = b.x0 - a.x1
        ca, cb = cols.index(a), cols.index(b)
        if ca is None or cb is None:
            return True
        if ca != cb and (gap < settings.word_space_em * a.size or not _at_column_start(b, cols)):
            return True
        (inside if ca == cb else across).append(gap)
    if inside and across and min(across) <= settings.gutter_over_word_space * statistics.median(inside):
        return True
    return all(cols.index(w) is None for w in words)


def _at_column_start(word: Word, cols: Columns) -> bool:
    """Without rules, left-aligned cell text starts where its column's text starts."""
    col = cols.index(word)
    if col is None:
        return False
    start = cols.text_starts[col] if cols.text_starts is not None else None
    return start is None or abs(word.x0 - start) <= cols.start_tolerance
