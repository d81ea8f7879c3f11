"""A scanned page's picture, made fit to read (OpenCV): straightened, cleaned, its table rules
found as the vector rules a born-digital PDF has, and then erased so OCR reads only the text.

Archive scans are greyscale, 200-300 dpi, turned by up to a degree or two, with dust and JPEG
artefacts. A skew of one degree moves a rule by 35 pixels across an A4 page at 200 dpi: enough
to break every rule into pieces and to mix the lines of neighbouring rows, so the page is
straightened first, by the angle that makes its rows of ink sharpest.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np

from pipeline.pages import HRule, VRule


@dataclass(frozen=True)
class ScanSettings:
    max_skew: float = 3.0
    """Degrees searched either way: scanners turn pages by a degree or two."""
    skew_step: float = 0.05
    """Degrees between two angles tried; half a step over an A4 width at 300 dpi is 1 pixel."""
    skew_scale: float = 0.25
    """The skew is measured on the page shrunk to this scale (fast; rows of text stay distinct)."""
    ink_threshold: int = 160
    """Grey levels below this are ink (paper after scanning is about 230-250, text below 100)."""
    min_rule_inches: float = 0.3
    """A rule is at least this long: longer than any letter or word's underline of a short word."""
    rule_gap_inches: float = 0.02
    """Gaps this short in a rule (pixels the scanner dropped) are bridged before rules are sought."""
    max_rule_thickness_inches: float = 0.02
    """A rule is at most this thick; a thicker run is a filled area (a shaded header), not a rule."""
    rule_erase_pixels: int = 2
    """Rules are erased with this margin, so their anti-aliased edges do not read as letters."""
    background_inches: float = 0.06
    """The background is the page closed with a square this wide: wider than a letter's stroke,
    so letters vanish from it, narrower than a shaded cell, so its tone stays."""
    despeckle: int = 3
    """Median filter size: removes dust a pixel or two wide, keeps 8-point letters at 300 dpi."""
    min_gutter_inches: float = 0.1
    """A column gutter is at least this wide: a word processor pads each side of a cell by 0.1 to
    0.2 cm and the longest line of a ragged column may reach its padding; word spaces, even
    stretched in a justified line, stay narrower and do not line up over several lines."""
    gutter_em: float = 0.8
    """A region starts on a band (one line, about an em high) with a gutter at least this share of
    the band's height as well: a heading's word spaces are wide in inches, narrow in its size."""
    min_column_inches: float = 0.4
    """A table column is at least this wide; a bullet's or a paragraph number's column is not one."""
    min_gutter_lines: int = 2
    """Bands of ink (lines, or rows whose lines interleave) with text on both sides of a gutter:
    a header row and one row make a table; one line of a heading with a wide space does not."""
    dust_inches: float = 0.025
    """Specks of ink no taller and no wider than this are dust, a period or an accent: left out
    when gutters are sought, so that dust in a gutter does not close it."""


DEFAULT_SCAN = ScanSettings()


@dataclass
class CleanPage:
    image: np.ndarray  # greyscale, straightened, rules erased: what OCR reads
    dpi: int
    skew: float  # degrees the page was turned back by
    hrules: list[HRule]
    vrules: list[VRule]


def _ink(grey: np.ndarray, settings: ScanSettings) -> np.ndarray:
    return (grey < settings.ink_threshold).astype(np.uint8)


def _rotate(image: np.ndarray, angle: float, fill: int = 255) -> np.ndarray:
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def skew_angle(grey: np.ndarray, settings: ScanSettings = DEFAULT_SCAN) -> float:
    """The rotation (degrees, counter-clockwise as OpenCV counts) that makes the rows of ink
    sharpest: the row profile of the ink changes most abruptly when lines of text are level.
    The profile is computed from the ink pixels' rotated coordinates, not from a rotated
    picture: interpolation would blur every angle but zero, and favour it."""
    small = cv2.resize(grey, None, fx=settings.skew_scale, fy=settings.skew_scale, interpolation=cv2.INTER_AREA)
    ys, xs = np.nonzero(_ink(small, settings))
    if len(ys) == 0:
        return 0.0
    best, best_score = 0.0, -1.0
    for angle in np.arange(-settings.max_skew, settings.max_skew + 1e-9, settings.skew_step):
        a = np.deg2rad(angle)
        rows = np.round(-np.sin(a) * xs + np.cos(a) * ys).astype(np.int64)
        profile = np.bincount(rows - rows.min()).astype(np.float64)
        score = float(np.square(np.diff(profile)).sum())
        if score > best_score:
            best, best_score = float(angle), score
    return best


def _rules(ink: np.ndarray, length: int, gap: int, horizontal: bool) -> list[tuple[int, int, int, int]]:
    """(x, y, w, h) of every straight run of ink at least `length` pixels long. Runs are sought
    from a third of that length, then pieces in line with gaps up to `gap` are joined: a scan
    drops pixels from a thin rule, and bridging them on the picture would join letters too."""
    piece = max(3, length // 3)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (piece, 1) if horizontal else (1, piece))
    mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    # thickness of a piece: its area over its length (a slightly tilted thin rule has a tall box)
    pieces = [(x, y, w, h, area / max(w, 1)) if horizontal else (y, x, h, w, area / max(h, 1))
              for x, y, w, h, area in (tuple(int(v) for v in stats[i][:5]) for i in range(1, count))]
    joined: list[list[float]] = []  # [start, end, centre of its last piece, thickest piece, top, bottom]
    for start, across, size, extent, thick in sorted(pieces):  # along the rule: a tilted rule's pieces step aside
        centre = across + extent / 2
        for rule in joined:
            if abs(rule[2] - centre) <= max(2, extent) and start - rule[1] <= gap:
                rule[1], rule[2] = max(rule[1], start + size), centre
                rule[3], rule[4], rule[5] = max(rule[3], thick), min(rule[4], across), max(rule[5], across + extent)
                break
        else:
            joined.append([start, start + size, centre, thick, across, across + extent])
    # (x, y, w, h) with h the thickest piece's: a slightly tilted rule is still a thin one
    runs = [(int(r[0]), int((r[4] + r[5] - r[3]) / 2), int(r[1] - r[0]), max(1, round(r[3])))
            for r in joined if r[1] - r[0] >= length]
    return [r if horizontal else (r[1], r[0], r[3], r[2]) for r in runs]


def flatten_background(grey: np.ndarray, dpi: int, settings: ScanSettings = DEFAULT_SCAN) -> np.ndarray:
    """Divide the page by its background (the page with its letters closed over): paper tone,
    uneven light and shaded cells become white, letters stay black, so Tesseract's own
    binarisation does not lose bold headings on a grey header row."""
    size = max(3, int(settings.background_inches * dpi)) | 1
    background = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    flat = cv2.divide(grey, background, scale=255)
    return flat


def clean_page(grey: np.ndarray, dpi: int, settings: ScanSettings = DEFAULT_SCAN) -> CleanPage:
    """Straighten, despeckle, find the rules (in PDF points) and erase them."""
    angle = skew_angle(grey, settings)
    straight = _rotate(grey, angle) if abs(angle) >= settings.skew_step / 2 else grey
    straight = flatten_background(cv2.medianBlur(straight, settings.despeckle), dpi, settings)
    ink = _ink(straight, settings)
    length = max(10, int(settings.min_rule_inches * dpi))
    thickness = max(2, int(settings.max_rule_thickness_inches * dpi))
    gap = max(3, int(settings.rule_gap_inches * dpi))
    horizontal = [r for r in _rules(ink, length, gap, horizontal=True) if r[3] <= thickness]
    vertical = [r for r in _rules(ink, length, gap, horizontal=False) if r[2] <= thickness]
    scale = 72 / dpi
    hrules = [HRule(x * scale, (x + w) * scale, (y + h / 2) * scale) for x, y, w, h in horizontal]
    vrules = [VRule((x + w / 2) * scale, y * scale, (y + h) * scale) for x, y, w, h in vertical]
    erased = straight.copy()
    m = settings.rule_erase_pixels
    for x, y, w, h in (*horizontal, *vertical):
        erased[max(0, y - m):y + h + m, max(0, x - m):x + w + m] = 255
    return CleanPage(erased, dpi, angle, hrules, vrules)


@dataclass(frozen=True)
class TableRegion:
    """Where text stands in columns (pixels of the clean picture): the rows' extent and each
    column's x-range, gutter to gutter. OCR reads each column on its own: Tesseract's layout
    analysis, reading the whole page, joins cells of one row into a line and then mixes the
    lines of columns whose line pitches differ (a Constats cell beside wrapped Thème cells)."""

    top: int
    bottom: int
    columns: list[tuple[int, int]]


def _letters(ink: np.ndarray, dpi: int, settings: ScanSettings) -> np.ndarray:
    """The ink without its dust (specks smaller than settings.dust_inches both ways)."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    speck = settings.dust_inches * dpi
    keep = (stats[:, cv2.CC_STAT_WIDTH] > speck) | (stats[:, cv2.CC_STAT_HEIGHT] > speck)
    keep[0] = False
    return keep[labels]


def _bands(letters: np.ndarray) -> list[tuple[int, int]]:
    """Runs of pixel rows holding ink: a line of text, or the rows of a table whose columns'
    lines interleave. Two bands are always apart by a row of white across the page."""
    inked = np.concatenate(([False], letters.any(axis=1), [False]))
    edges = np.flatnonzero(np.diff(inked.astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _gutters(ink_columns: np.ndarray, width: int) -> list[tuple[int, int]]:
    """White runs at least `width` wide between the first and the last inked column."""
    inked = np.flatnonzero(ink_columns)
    if len(inked) == 0:
        return []
    gaps = np.flatnonzero(np.diff(inked) > width)
    return [(int(inked[g]) + 1, int(inked[g + 1])) for g in gaps]


def _columns(band_ink: list[np.ndarray], width: int, min_column: int, min_lines: int) -> list[tuple[int, int]]:
    """The columns the bands of one region share: split at every gutter of their union that
    enough bands have text on both sides of, merging columns narrower than min_column."""
    union = np.logical_or.reduce(band_ink)
    inked = np.flatnonzero(union)
    cuts = []
    for start, end in _gutters(union, width):
        crossing = sum(1 for ink in band_ink if ink[:start].any() and ink[end:].any())
        if crossing >= min_lines:
            cuts.append((start + end) // 2)
    edges = [int(inked[0]), *cuts, int(inked[-1]) + 1]
    columns: list[tuple[int, int]] = []
    for left, right in pairwise(edges):
        if columns and (right - left < min_column or columns[-1][1] - columns[-1][0] < min_column):
            columns[-1] = (columns[-1][0], right)
        else:
            columns.append((left, right))
    return columns


def table_regions(image: np.ndarray, dpi: int, settings: ScanSettings = DEFAULT_SCAN) -> list[TableRegion]:
    """Regions whose text stands in columns, found from whitespace alone (a projection over all
    the region's lines, so unruled and ruled tables alike): consecutive bands are one region as
    long as some gutter stays white through all of them. Prose ends a region: its lines fill
    the width, and its word spaces neither reach a gutter's width nor line up."""
    letters = _letters(_ink(image, settings), dpi, settings)
    width = max(2, int(settings.min_gutter_inches * dpi))
    min_column = int(settings.min_column_inches * dpi)
    regions: list[TableRegion] = []
    run: list[tuple[int, int, np.ndarray]] = []
    union = np.zeros(letters.shape[1], dtype=bool)  # the run's inked columns

    def close() -> None:
        if len(run) >= settings.min_gutter_lines:
            columns = _columns([ink for _, _, ink in run], width, min_column, settings.min_gutter_lines)
            if len(columns) > 1:
                regions.append(TableRegion(run[0][0], run[-1][1], columns))
        run.clear()

    for top, bottom in _bands(letters):
        ink: np.ndarray = np.logical_or.reduce(letters[top:bottom], axis=0)
        if run and not _gutters(union | ink, width):
            close()
        if run or _gutters(ink, max(width, int(settings.gutter_em * (bottom - top)))):
            union = union | ink if run else ink
            run.append((top, bottom, ink))
    close()
    return regions
