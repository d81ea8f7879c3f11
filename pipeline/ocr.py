"""Scanned pages (no text layer): the picture is straightened and cleaned and its rules found
(scan_image), then Tesseract with its French model (Debian's tesseract-ocr, tesseract-ocr-fra)
reads the words, which become the same positioned words pdfplumber gives a born-digital page,
each with its confidence. The same parsers then read them. Without Tesseract the page is
reported, not guessed."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pipeline.limits import Limits, limits
from pipeline.pages import OCR_DESCENT_EM, HRule, VRule, Word
from pipeline.scan_image import TableRegion, clean_page, table_regions

if TYPE_CHECKING:
    from pdfplumber.page import Page as PdfPage

RESOLUTION = 300  # dpi the page is rendered at: Tesseract reads 8-10 point text best from about 300
LANGUAGE = "fra"
PAGE_SEGMENTATION = "3"  # Tesseract's automatic layout analysis; the rules are erased beforehand
COLUMN_SEGMENTATION = "4"  # a table column: one column of text of varying sizes (the automatic
# analysis drops a lone short word such as a header cell's "Axe" above an empty band)


class OcrError(RuntimeError):
    pass


@cache
def tesseract() -> str | None:
    """The tesseract binary, if it is installed with its French model."""
    binary = shutil.which("tesseract")
    if binary is None:
        return None
    langs = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
    return binary if LANGUAGE in langs else None


@dataclass
class ScannedPage:
    words: list[Word]
    hrules: list[HRule]
    vrules: list[VRule]
    skew: float
    confidence: float | None  # mean word confidence, 0-1


def render_resolution(width: float, height: float) -> int:
    """RESOLUTION, or less for a page so large its picture would pass the render limit
    (pipeline.limits); OcrError when even ocr_min_dpi would pass it. Decided before rendering:
    a 5 m page at 300 dpi is 5 GB of pixels."""
    bounds = limits()
    square_inches = (width / 72) * (height / 72)
    dpi = min(RESOLUTION, int((bounds.render_megapixels * 1e6 / max(square_inches, 1e-6)) ** 0.5))
    if dpi < bounds.ocr_min_dpi:
        raise OcrError(f"the page ({width / 72 * 2.54:.0f} x {height / 72 * 2.54:.0f} cm) is too large to render "
                       f"for OCR within {bounds.render_megapixels:g} megapixels at {bounds.ocr_min_dpi} dpi "
                       f"({Limits.variable('render_megapixels')})")
    return dpi


def render(page: PdfPage, resolution: int) -> np.ndarray:
    """The page as greyscale pixels."""
    return np.asarray(page.to_image(resolution=resolution).original.convert("L"))


def _installed_tesseract() -> str:
    binary = tesseract()
    if binary is None:
        raise OcrError("Tesseract with its French model is not installed (Debian: tesseract-ocr tesseract-ocr-fra)")
    return binary


def read_scanned_page(page) -> ScannedPage:  # page: pdfplumber.page.Page
    _installed_tesseract()  # before the page is rendered and cleaned for nothing
    resolution = render_resolution(float(page.width), float(page.height))
    clean = clean_page(render(page, resolution), resolution)
    words = ocr_words(clean.image, resolution, table_regions(clean.image, resolution))
    confidences = [w.confidence for w in words if w.confidence is not None]
    return ScannedPage(words, clean.hrules, clean.vrules, clean.skew,
                       statistics.fmean(confidences) if confidences else None)


DESCENDERS = set("gjpqyçQ,;()[]{}")
TALL = set("ABCDEFGHIKLMNOPRSTUVWXYZ0123456789bdfhkl")  # letters that reach the cap height or above
CAP_HEIGHT_EM = 0.73  # height of capitals and ascenders (the usual word's ink) in font sizes
ASCENT_EM = 0.8  # the font box a PDF word gets above its baseline, and below it:
DESCENT_EM = OCR_DESCENT_EM
BASELINE_SNAP_EM = 0.12  # words of one line whose baselines differ by less sit on one baseline (letters' baselines
# are exact to a pixel or two; two cells of one Tesseract line may sit a fifth of an em apart)
SIZE_CLASS_RATIO = 1.12  # measured line sizes closer than 12% are one printed size
MIN_SIZE_SHARE = 0.75  # a line's size is at least this share of the page's usual size (odd boxes in shading)
MARGIN_DOUBT = 0.6  # a word read with less confidence than this, outside the page's text, is dust
NOISE = re.compile(r"^[|_¦!.,:;'`\"~^°*•-]+$")  # what rule debris and dust read as
HOCR_LINES = {"ocr_line", "ocr_caption", "ocr_header", "ocr_textfloat"}  # Tesseract's kinds of text line


@dataclass(frozen=True)
class OcrWord:
    """A word as Tesseract reads it, in pixels: its box, its confidence (0-1) and where its
    letters stand on the line. The baseline is where its letters without a descender end: a
    speck touching one letter lengthens the word's box, not the other letters'."""

    text: str
    left: int
    top: int
    right: int
    bottom: int
    confidence: float
    baseline: int | None  # None: every letter has a descender (or the word has no letter)
    ascent: int | None = None  # the median height of its capitals, digits and ascenders above the baseline

    @property
    def height(self) -> int:
        return (self.baseline if self.baseline is not None else self.bottom) - self.top


def _title(element: ET.Element) -> dict[str, list[str]]:
    """hOCR's title attribute ('bbox 1 2 3 4; x_wconf 96') as {property: values}."""
    fields = (part.split() for part in (element.get("title") or "").split(";"))
    return {f[0]: f[1:] for f in fields if f}


def _hocr_word(span: ET.Element) -> OcrWord | None:
    props = _title(span)
    letters = [(c.text or "", _title(c).get("x_bboxes")) for c in span if c.get("class") == "ocrx_cinfo"]
    text = ("".join(t for t, _ in letters) if letters else "".join(span.itertext())).strip()
    if not text or "bbox" not in props:
        return None
    left, top, right, bottom = (int(v) for v in props["bbox"])
    bottoms = [int(box[3]) for t, box in letters if box and t.isalnum() and t not in DESCENDERS]
    # the lower quartile: Tesseract stretches some letters' boxes down to the word's (a speck
    # below, the next line's ascenders), never up
    baseline = sorted(bottoms)[(len(bottoms) - 1) // 4] if bottoms else None
    # the median tall letter: a speck above one letter stretches its box, not the others'
    tops = [int(box[1]) for t, box in letters if box and t in TALL]
    ascent = baseline - int(statistics.median(tops)) if tops and baseline is not None else None
    return OcrWord(text, left, top, right, bottom, float(props.get("x_wconf", ["0"])[0]) / 100, baseline, ascent)


def _lines(root: ET.Element) -> list[list[OcrWord]]:
    lines = []
    for element in root.iter():
        if element.get("class") in HOCR_LINES:
            words = [w for span in element if span.get("class") == "ocrx_word" and (w := _hocr_word(span))]
            if words:
                lines.append(words)
    return lines


def read_hocr_pages(hocr: str) -> list[list[list[OcrWord]]]:
    """Tesseract's hOCR (with character boxes): the lines of words of each picture it was given, in
    that order."""
    return [_lines(page) for page in ET.fromstring(hocr).iter() if page.get("class") == "ocr_page"]


def _moved(word: OcrWord, dx: int, dy: int) -> OcrWord:
    return replace(word, left=word.left + dx, right=word.right + dx, top=word.top + dy, bottom=word.bottom + dy,
                   baseline=None if word.baseline is None else word.baseline + dy)


STRIP_MARGIN = 12  # white pixels around a column's picture: Tesseract misses letters touching the edge


Picture = tuple[np.ndarray, int, int]  # pixels, and the page's (x, y) of its top left corner


def _pictures(image: np.ndarray, regions: Sequence[TableRegion]) -> tuple[Picture, list[Picture]]:
    """What Tesseract reads, with where each picture sits on the page: the page with its table
    regions blanked (text in page context), and each column of each region on its own."""
    page = image.copy()
    columns = []
    for region in regions:
        page[region.top:region.bottom, region.columns[0][0]:region.columns[-1][1]] = 255
        for left, right in region.columns:
            strip = np.pad(image[region.top:region.bottom, left:right], STRIP_MARGIN, constant_values=255)
            columns.append((strip, left - STRIP_MARGIN, region.top - STRIP_MARGIN))
    return (page, 0, 0), columns


def _tesseract_lines(pictures: list[Picture], dpi: int, segmentation: str) -> list[list[OcrWord]]:
    """One Tesseract run (its French model loaded once) over every picture, given as a list of
    files; the lines of each, moved to where the picture sits on the page."""
    import cv2

    binary = _installed_tesseract()
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one thread: workers already run in parallel
    with tempfile.TemporaryDirectory(prefix="evalgraph-ocr-") as folder:
        paths = []
        for k, (picture, _, _) in enumerate(pictures):
            path = Path(folder) / f"{k}.png"
            if not cv2.imwrite(str(path), picture):
                raise OcrError("the page picture could not be written for Tesseract")
            paths.append(str(path))
        listing = Path(folder) / "pictures.txt"
        listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
        done = subprocess.run([binary, str(listing), "stdout", "-l", LANGUAGE, "--psm", segmentation,
                               "--dpi", str(dpi), "-c", "hocr_char_boxes=1", "hocr"],
                              capture_output=True, timeout=300, env=env)
    if done.returncode != 0:
        raise OcrError(done.stderr.decode(errors="replace").strip() or f"tesseract exited {done.returncode}")
    pages = read_hocr_pages(done.stdout.decode())
    if len(pages) != len(pictures):
        raise OcrError(f"Tesseract read {len(pages)} of {len(pictures)} pictures of the page")
    return [[_moved(w, dx, dy) for w in line] for lines, (_, dx, dy) in zip(pages, pictures, strict=True)
            for line in lines]


def _noise(text: str, confidence: float) -> bool:
    """Debris of rules and dust: bars and underscores always; a short "word" Tesseract has no
    confidence in; other punctuation alone, and a lone lower-case letter, when it doubts them."""
    if set(text) <= set("|_¦"):
        return True
    if (confidence < 0.2 and len(text) <= 3) or (confidence < 0.5 and len(text) <= 2 and not text.isdigit()):
        return True  # a speck read as "AE" or "ES", in which Tesseract has (almost) no confidence
    return confidence < 0.5 and (NOISE.match(text) is not None or (len(text) == 1 and text.islower()))


def without_margin_dust(lines: list[list[OcrWord]]) -> list[list[OcrWord]]:
    """The lines without the words Tesseract makes of dust in the page's margins ("Hi 1222 Lure
    Hire" down the left edge): a word it doubts (under MARGIN_DOUBT) that lies wholly outside
    the box of the words it reads with confidence. Print stays inside that box, and a printed
    word it doubts inside the text ("clusters" at 0.11 in a cell) is kept."""
    sure = [w for line in lines for w in line
            if w.confidence >= MARGIN_DOUBT and sum(c.isalnum() for c in w.text) >= 2]
    if not sure:
        return lines
    left, right = min(w.left for w in sure), max(w.right for w in sure)
    top, bottom = min(w.top for w in sure), max(w.bottom for w in sure)

    def dust(w: OcrWord) -> bool:
        outside = w.right < left or w.left > right or w.bottom < top or w.top > bottom
        return outside and w.confidence < MARGIN_DOUBT

    return [kept for line in lines if (kept := [w for w in line if not dust(w)])]


def _baseline(word: OcrWord, size: float, scale: float) -> float:
    """Where the word sits: its letters' baseline, or the bottom of its ink raised by a
    descender's depth when every letter has one."""
    if word.baseline is not None:
        return word.baseline * scale
    return word.bottom * scale - (DESCENT_EM * size if DESCENDERS & set(word.text) else 0.0)


def _snap(baselines: list[float], tolerance: float, anchors: list[bool]) -> list[float]:
    """Baselines within `tolerance` of their neighbours are one printed line: each takes the
    group's median (a speck of dust under a word must not move it to another line). Groups
    further apart stay apart: Tesseract's "line" may run across two table rows. A token that
    is no anchor takes the nearest group's baseline (see _anchors)."""
    anchored = [i for i in range(len(baselines)) if anchors[i]]
    order = sorted(anchored, key=lambda i: baselines[i])
    snapped = list(baselines)
    group: list[int] = []
    for i in [*order, None]:
        if i is not None and (not group or baselines[i] - baselines[group[-1]] <= tolerance):
            group.append(i)
            continue
        middle = statistics.median(baselines[k] for k in group) if group else 0.0
        for k in group:
            snapped[k] = middle
        group = [i] if i is not None else []
    for i in range(len(baselines)):
        if not anchors[i] and anchored:
            snapped[i] = min((snapped[k] for k in anchored), key=lambda b: abs(b - baselines[i]))
    return snapped


def _anchors(words: list[OcrWord]) -> list[bool]:
    """Which words' baselines place their line: those of two letters or digits or more. A dash
    or a colon has no baseline of its own, and one letter's box ("1" in "Question 1 :") is
    stretched whole by a speck below it, where a longer word's other letters are not."""
    return [sum(c.isalnum() for c in w.text) >= 2 for w in words]


def _size_classes(sizes: dict[int, float]) -> dict[int, float]:
    """Measured sizes wander by a point from line to line where a PDF has one size per style:
    sizes closer than SIZE_CLASS_RATIO to the next are one class, each line takes its median
    (a heading's three lines stay one heading, body lines one body)."""
    order = sorted(sizes, key=lambda key: sizes[key])
    classes: list[list[int]] = []
    for key in order:
        if classes and sizes[key] <= SIZE_CLASS_RATIO * sizes[classes[-1][-1]]:
            classes[-1].append(key)
        else:
            classes.append([key])
    return {key: statistics.median(sizes[k] for k in group) for group in classes for key in group}


def _line_size(line: list[OcrWord], scale: float) -> float:
    """A line's font size, from the usual height of its capitals and ascenders above their
    baseline; from its words' ink when no letter reaches that high. A table cell's line has two
    or three words: one word's box stretched by a speck or shading must not set the size."""
    ascents = [w.ascent for w in line if w.ascent is not None]
    if ascents:
        return statistics.median(ascents) * scale / CAP_HEIGHT_EM
    tall = [w.height for w in line if any(c.isalnum() for c in w.text) and not set(w.text) <= DESCENDERS]
    return statistics.median(tall or [w.bottom - w.top for w in line]) * scale / CAP_HEIGHT_EM


def ocr_words(image: np.ndarray, dpi: int, regions: Sequence[TableRegion] = ()) -> list[Word]:
    """Tesseract's words, in PDF points, each with the font box a born-digital PDF would give it:
    the size from its line's usual letter height, the baseline from its own letters, so words
    of one printed line share top and bottom as pdfplumber's words do, even where Tesseract's
    own "line" runs across two table rows. Each column of a table region is read on its own."""
    page, columns = _pictures(image, regions)
    # two runs, one page segmentation mode each (the model loads in about 0.1 s)
    lines = _tesseract_lines([page], dpi, PAGE_SEGMENTATION)
    if columns:
        lines += _tesseract_lines(columns, dpi, COLUMN_SEGMENTATION)
    lines = without_margin_dust(lines)
    scale = 72 / dpi
    words = []
    sizes = _size_classes({k: _line_size(line, scale) for k, line in enumerate(lines)})
    floor = MIN_SIZE_SHARE * statistics.median(sizes.values()) if sizes else 0.0
    for k, line in enumerate(lines):
        size = max(sizes[k], floor)
        kept = [w for w in line if not _noise(w.text, w.confidence)]
        baselines = _snap([_baseline(w, size, scale) for w in kept], BASELINE_SNAP_EM * size, _anchors(kept))
        for word, baseline in zip(kept, baselines, strict=True):
            words.append(Word(word.text, word.left * scale, word.right * scale, baseline - ASCENT_EM * size,
                              baseline + DESCENT_EM * size, round(size, 1), False, round(word.confidence, 3)))
    return words
