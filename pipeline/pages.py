"""Stage 1: PDF -> pages of positioned lines and rules (pdfplumber).

Everything later works on these plain dataclasses, so parsers can be tested on
synthetic pages and never touch pdfplumber objects.
"""

from __future__ import annotations

import hashlib
import re
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.page_objects import extract_words, page_objects


class DocumentReadError(Exception):
    """A PDF, or one of its pages, cannot be read. Names the file and the page."""

    def __init__(self, file: str, reason: str, page: int | None = None) -> None:
        where = f"{file}, page {page}" if page is not None else file
        super().__init__(f"{where}: {reason}")
        self.file, self.page, self.reason = file, page, reason


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    confidence: float | None = None  # OCR's confidence (0-1) in a word read from a scan


@dataclass
class Line:
    words: list[Word]
    page: int

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def size(self) -> float:
        return max(w.size for w in self.words)

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words)


@dataclass(frozen=True)
class HRule:
    x0: float
    x1: float
    y: float


@dataclass(frozen=True)
class VRule:
    x: float
    top: float
    bottom: float


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: list[Line]
    hrules: list[HRule] = field(default_factory=list)
    vrules: list[VRule] = field(default_factory=list)
    image_only: bool = False  # no text layer, and OCR could not read it
    ocr: bool = False  # no text layer: the words come from OCR
    ocr_error: str | None = None
    ocr_confidence: float | None = None  # mean word confidence (0-1) of an OCR page
    furniture: list[Line] = field(default_factory=list)  # removed header/footer lines, kept for metadata

    @property
    def landscape(self) -> bool:
        return self.width > self.height


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_bold(fontname: str) -> bool:
    name = fontname.lower()
    return any(k in name for k in ("bold", "black", "heavy", "semibold", "demi"))


def group_lines(words: list[Word], page: int, tolerance: float = 2.5, by_baseline: bool = False) -> list[Line]:
    """Words whose tops agree within `tolerance` points form one line, left to right. Words read
    by OCR are grouped by their baselines instead: their sizes are measured, and a word measured
    larger than its neighbours would stand higher by its top, not by its baseline."""
    def key(w: Word) -> float:
        return w.bottom - OCR_DESCENT_EM * w.size if by_baseline else w.top

    lines: list[Line] = []
    for w in sorted(words, key=lambda w: (round(key(w), 1), w.x0)):
        if lines and abs(key(lines[-1].words[0]) - key(w)) <= tolerance:
            lines[-1].words.append(w)
        else:
            lines.append(Line([w], page))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


OCR_LINE_TOLERANCE_EM = 0.4
OCR_DESCENT_EM = 0.2  # an OCR word's box reaches this far below its baseline (pipeline.ocr.DESCENT_EM)

UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")


def _glyph(text: str) -> str:
    """A word that is only a glyph with no Unicode mapping ("(cid:127)", from a symbol font) is
    a list bullet in practice; inside a word such a glyph is left as pdfminer prints it."""
    return "•" if UNMAPPED_GLYPH.fullmatch(text) else text


WORD_SETTINGS = {"extra_attrs": ["fontname", "size"], "x_tolerance": 1.5, "y_tolerance": 2,
                 "keep_blank_chars": False, "use_text_flow": False}


def _page_from_plumber(pp: pdfplumber.page.Page, number: int) -> Page:
    objects = page_objects(pp)
    raw = extract_words(objects.chars, **WORD_SETTINGS)
    words = [Word(_glyph(w["text"]), float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]),
                  float(w["size"]), _is_bold(w["fontname"])) for w in raw]
    hrules = [HRule(float(e["x0"]), float(e["x1"]), float(e["top"]))
              for e in objects.horizontal_edges if float(e["x1"]) - float(e["x0"]) > 3]
    vrules = [VRule(float(e["x0"]), float(e["top"]), float(e["bottom"]))
              for e in objects.vertical_edges if float(e["bottom"]) - float(e["top"]) > 3]
    ocr, ocr_error, ocr_confidence = False, None, None
    if not words and objects.images:  # a scanned page
        from pipeline.ocr import OcrError, read_scanned_page

        try:
            scanned = read_scanned_page(pp)
            words, hrules, vrules, ocr = scanned.words, scanned.hrules, scanned.vrules, True
            ocr_confidence = scanned.confidence
        except (OcrError, OSError, subprocess.SubprocessError) as exc:
            ocr_error = str(exc)
    image_only = not words and bool(objects.images)
    # OCR places a word by its own ink: words of one printed line may stand a third of an em apart
    tolerance = OCR_LINE_TOLERANCE_EM * statistics.median(w.size for w in words) if ocr and words else 2.5
    return Page(number, float(pp.width), float(pp.height), group_lines(words, number, tolerance, by_baseline=ocr),
                hrules, vrules, image_only, ocr and bool(words), ocr_error, ocr_confidence)


def read_pages(path: Path) -> list[Page]:
    """Read every page; a broken page raises DocumentReadError naming file and page."""
    name = path.name
    try:
        pdf = pdfplumber.open(path)
    except (PdfminerException, PDFSyntaxError) as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise DocumentReadError(name, "the PDF is encrypted and cannot be opened without a password") from exc
        raise DocumentReadError(name, f"not a readable PDF ({cause!s})") from exc
    except OSError as exc:
        raise DocumentReadError(name, f"cannot open file ({exc})") from exc
    with pdf:
        try:
            plumber_pages = pdf.pages
        except Exception as exc:  # pdfminer raises many types on broken page trees
            raise DocumentReadError(name, f"cannot read the page tree ({exc})") from exc
        if not plumber_pages:
            raise DocumentReadError(name, "the PDF has no pages")
        pages = []
        for number, pp in enumerate(plumber_pages, start=1):
            try:
                pages.append(_page_from_plumber(pp, number))
            except Exception as exc:
                raise DocumentReadError(name, f"cannot extract text ({exc})", page=number) from exc
            finally:
                pp.close()
    return pages
