"""Scanned pages (no text layer): the picture is straightened and cleaned and its rules found
(scan_image), then Tesseract with its French model (Debian's tesseract-ocr, tesseract-ocr-fra)
reads the words, which become the same positioned words pdfplumber gives a born-digital page,
each with its confidence. The same parsers then read them. Without Tesseract the page is
reported, not guessed."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import statistics
import subprocess
from dataclasses import dataclass
from functools import cache

import numpy as np

from pipeline.limits import Limits, limits
from pipeline.pages import OCR_DESCENT_EM, HRule, VRule, Word
from pipeline.scan_image import clean_page

RESOLUTION = 300  # dpi the page is rendered at: Tesseract reads 8-10 point text best from about 300
LANGUAGE = "fra"
PAGE_SEGMENTATION = "3"  # Tesseract's automatic layout analysis; the rules are erased beforehand


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


def render(page, resolution: int) -> np.ndarray:  # pdfplumber.page.Page -> greyscale pixels
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
    words = ocr_words(clean.image, resolution)
    confidences = [w.confidence for w in words if w.confidence is not None]
    return ScannedPage(words, clean.hrules, clean.vrules, clean.skew,
                       statistics.fmean(confidences) if confidences else None)


DESCENDERS = set("gjpqyçQ,;()[]{}")
CAP_HEIGHT_EM = 0.73  # height of capitals and ascenders (the usual word's ink) in font sizes
ASCENT_EM = 0.8  # the font box a PDF word gets above its baseline, and below it:
DESCENT_EM = OCR_DESCENT_EM
BASELINE_SNAP_EM = 0.3  # words of one line whose baselines differ by less sit on one baseline
SIZE_CLASS_RATIO = 1.12  # measured line sizes closer than 12% are one printed size
MIN_SIZE_SHARE = 0.75  # a line's size is at least this share of the page's usual size (odd boxes in shading)
NOISE = re.compile(r"^[|_¦!.,:;'`\"~^°*•-]+$")  # what rule debris and dust read as


def _noise(text: str, confidence: float) -> bool:
    """Debris of rules and dust: bars and underscores always; a short "word" Tesseract has no
    confidence in; other punctuation alone, and a lone lower-case letter, when it doubts them."""
    if set(text) <= set("|_¦"):
        return True
    if (confidence < 0.2 and len(text) <= 3) or (confidence < 0.5 and len(text) <= 2 and not text.isdigit()):
        return True  # a speck read as "AE" or "ES", in which Tesseract has (almost) no confidence
    return confidence < 0.5 and (NOISE.match(text) is not None or (len(text) == 1 and text.islower()))


def _baseline(row: dict, text: str, size: float, scale: float) -> float:
    """Where the word sits: the bottom of its ink, raised by a descender's depth if it has one."""
    bottom = (int(row["top"]) + int(row["height"])) * scale
    return bottom - DESCENT_EM * size if DESCENDERS & set(text) else bottom


def _snap(baselines: list[float], tolerance: float, lettered: list[bool]) -> list[float]:
    """Baselines within `tolerance` of their neighbours are one printed line: each takes the
    group's median (a speck of dust under a word must not move it to another line). Groups
    further apart stay apart: Tesseract's "line" may run across two table rows. A token with
    no letter or digit (a dash, a colon) has no baseline of its own: it takes the nearest."""
    anchored = [i for i in range(len(baselines)) if lettered[i]]
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
        if not lettered[i] and anchored:
            snapped[i] = min((snapped[k] for k in anchored), key=lambda b: abs(b - baselines[i]))
    return snapped


def _size_classes(sizes: dict[tuple[str, ...], float]) -> dict[tuple[str, ...], float]:
    """Measured sizes wander by a point from line to line where a PDF has one size per style:
    sizes closer than SIZE_CLASS_RATIO to the next are one class, each line takes its median
    (a heading's three lines stay one heading, body lines one body)."""
    order = sorted(sizes, key=sizes.get)
    classes: list[list[tuple[str, ...]]] = []
    for key in order:
        if classes and sizes[key] <= SIZE_CLASS_RATIO * sizes[classes[-1][-1]]:
            classes[-1].append(key)
        else:
            classes.append([key])
    return {key: statistics.median(sizes[k] for k in group) for group in classes for key in group}


def _line_size(line: list[dict], scale: float) -> float:
    """A line's font size, from the usual height of its words' ink (capitals and ascenders)."""
    tall = [int(r["height"]) for r in line if any(c.isalnum() for c in r["text"]) and not set(r["text"]) <= DESCENDERS]
    return statistics.median(tall or [int(r["height"]) for r in line]) * scale / CAP_HEIGHT_EM


def ocr_words(image: np.ndarray, dpi: int) -> list[Word]:
    """Tesseract's words, in PDF points, each with the font box a born-digital PDF would give it:
    the size from its line's usual letter height, the baseline from its own box (lowered by its
    descenders), so words of one printed line share top and bottom as pdfplumber's words do, even
    where Tesseract's own "line" runs across two table rows."""
    import cv2

    binary = _installed_tesseract()
    ok, png = cv2.imencode(".png", image)
    if not ok:
        raise OcrError("the page picture could not be encoded for Tesseract")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one thread: workers already run in parallel
    done = subprocess.run([binary, "stdin", "stdout", "-l", LANGUAGE, "--psm", PAGE_SEGMENTATION,
                           "--dpi", str(dpi), "tsv"], input=png.tobytes(), capture_output=True, timeout=300, env=env)
    if done.returncode != 0:
        raise OcrError(done.stderr.decode(errors="replace").strip() or f"tesseract exited {done.returncode}")
    rows = [r for r in csv.DictReader(io.StringIO(done.stdout.decode()), delimiter="\t", quoting=csv.QUOTE_NONE)
            if r["level"] == "5" and (r.get("text") or "").strip() and float(r["conf"]) >= 0]
    by_line: dict[tuple[str, ...], list[dict]] = {}
    for row in rows:
        by_line.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(row)
    scale = 72 / dpi
    words = []
    sizes = _size_classes({key: _line_size(line, scale) for key, line in by_line.items()})
    floor = MIN_SIZE_SHARE * statistics.median(sizes.values()) if sizes else 0.0
    for key, line in by_line.items():
        size = max(sizes[key], floor)
        kept = [(r, r["text"].strip(), float(r["conf"]) / 100) for r in line]
        kept = [(r, text, conf) for r, text, conf in kept if not _noise(text, conf)]
        baselines = _snap([_baseline(r, text, size, scale) for r, text, _ in kept], BASELINE_SNAP_EM * size,
                          [any(c.isalnum() for c in text) for _, text, _ in kept])
        for (row, text, confidence), baseline in zip(kept, baselines, strict=True):
            left, width = int(row["left"]), int(row["width"])
            words.append(Word(text, left * scale, (left + width) * scale, baseline - ASCENT_EM * size,
                              baseline + DESCENT_EM * size, round(size, 1), False, round(confidence, 3)))
    return words
