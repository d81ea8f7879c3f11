"""Scanned pages (no text layer): OCR with Tesseract and its French model, from Debian's
packages (tesseract-ocr, tesseract-ocr-fra), turned into the same positioned words pdfplumber
gives, so the same parsers read them. Without Tesseract the page is reported, not guessed."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from functools import cache

from pipeline.pages import HRule, VRule, Word

RESOLUTION = 300  # dpi; Tesseract reads body text of reports best from about 300
CAP_HEIGHT = 0.72  # a word box's height over the font size, for Latin text in reports
LANGUAGE = "fra"


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


def _runs(dark, min_length: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of every horizontal run of dark pixels at least `min_length` long."""
    import numpy as np

    padded = np.pad(dark, ((0, 0), (1, 1))).astype(np.int8)
    change = np.diff(padded, axis=1)
    rows, starts = np.nonzero(change == 1)
    _, ends = np.nonzero(change == -1)
    keep = (ends - starts) >= min_length
    return list(zip(rows[keep].tolist(), starts[keep].tolist(), ends[keep].tolist(), strict=True))


def _merge(runs: list[tuple[int, int, int]], tolerance: int = 4) -> list[tuple[float, int, int]]:
    """Runs on neighbouring rows with the same extent are one printed rule (a few pixels thick)."""
    rules: list[list[float]] = []  # [first row, last row, start, end]
    for row, start, end in sorted(runs, key=lambda r: (r[1] // tolerance, r[0])):
        for rule in rules:
            if row - rule[1] <= 2 and abs(start - rule[2]) <= tolerance and abs(end - rule[3]) <= tolerance:
                rule[1] = row
                break
        else:
            rules.append([row, row, start, end])
    return [((a + b) / 2, int(s), int(e)) for a, b, s, e in rules]


def ruling_lines(image) -> tuple[list[HRule], list[VRule]]:
    """The table rules printed on a scanned page, in PDF points: the vector rules pdfplumber
    reads from a born-digital PDF are pixels here, and the grid parser needs them."""
    import numpy as np

    dark = np.asarray(image.convert("L")) < 140
    scale = 72 / RESOLUTION
    min_length = RESOLUTION // 4  # a quarter of an inch: longer than any letter
    hrules = [HRule(s * scale, e * scale, y * scale) for y, s, e in _merge(_runs(dark, min_length))]
    vrules = [VRule(x * scale, s * scale, e * scale) for x, s, e in _merge(_runs(dark.T, min_length))]
    return hrules, vrules


def render(page):  # pdfplumber.page.Page -> PIL.Image
    return page.to_image(resolution=RESOLUTION).original


def ocr_words(image) -> list[Word]:  # image: the page rendered at RESOLUTION
    binary = tesseract()
    if binary is None:
        raise OcrError("Tesseract with its French model is not installed (Debian: tesseract-ocr tesseract-ocr-fra)")
    png = io.BytesIO()
    image.save(png, format="PNG")
    done = subprocess.run([binary, "stdin", "stdout", "-l", LANGUAGE, "--psm", "3", "tsv"], input=png.getvalue(),
                          capture_output=True, timeout=300)
    if done.returncode != 0:
        raise OcrError(done.stderr.decode(errors="replace").strip() or f"tesseract exited {done.returncode}")
    scale = 72 / RESOLUTION
    words = []
    for row in csv.DictReader(io.StringIO(done.stdout.decode()), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row["level"] != "5" or not text or float(row["conf"]) < 0:
            continue
        left, top, width, height = (int(row[k]) for k in ("left", "top", "width", "height"))
        words.append(Word(text, left * scale, (left + width) * scale, top * scale, (top + height) * scale,
                          round(height * scale / CAP_HEIGHT, 1), False))
    return words
