"""Stage 1: PDF -> pages of positioned lines and rules (pdfplumber).

Everything later works on these plain dataclasses, so parsers can be tested on
synthetic pages and never touch pdfplumber objects.
"""

from __future__ import annotations

import hashlib
import re
import statistics
import subprocess
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.limits import POINTS_PER_METRE, Limits, limits
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
    unread: str | None = None  # why the page's content could not be read (damaged, too large): it is empty

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


DAMAGED_CONTENT_BYTES = 64  # a content stream this long that draws nothing at all is damaged, not blank


def _content_bytes(pp: pdfplumber.page.Page) -> int:
    try:
        return sum(len(stream.get_data()) for stream in pp.page_obj.contents)
    except Exception:  # an unreadable stream: the page draws nothing, and says so below
        return DAMAGED_CONTENT_BYTES + 1


def _page_from_plumber(pp: pdfplumber.page.Page, number: int) -> Page:
    width, height = float(pp.width), float(pp.height)
    area = width * height / POINTS_PER_METRE**2
    if area > limits().page_area_m2:
        return Page(number, width, height, [], unread=(
            f"the page measures {area:.1f} m², over the {limits().page_area_m2:g} m² limit "
            f"({Limits.variable('page_area_m2')}); it was not read"))
    objects = page_objects(pp)
    if objects.drawn == 0 and _content_bytes(pp) > DAMAGED_CONTENT_BYTES:
        return Page(number, width, height, [], unread="the page's content is damaged: nothing on it could be "
                                                      "read, its text is missing")
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
    return Page(number, width, height, group_lines(words, number, tolerance, by_baseline=ocr),
                hrules, vrules, image_only, ocr and bool(words), ocr_error, ocr_confidence)


def describe(exc: BaseException) -> str:
    """An exception in one line, never empty: a MemoryError's own text is ''."""
    if isinstance(exc, MemoryError):
        return f"out of memory (the worker's limit is {limits().worker_memory_mb} MB, "\
               f"{Limits.variable('worker_memory_mb')})"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def read_pages(path: Path, name: str | None = None) -> list[Page]:
    """Read every page. A document that cannot be opened raises DocumentReadError naming the
    file (`name`, its identity in the archive); a page that cannot be read is kept empty, with
    the reason in `unread`, so the rest of the document still loads, with a warning."""
    name = name or path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentReadError(name, f"cannot open file ({exc.strerror or exc})") from exc
    if size > limits().pdf_mb * (1 << 20):
        raise DocumentReadError(name, f"{size / (1 << 20):.0f} MB, over the {limits().pdf_mb} MB limit "
                                      f"({Limits.variable('pdf_mb')})")
    try:
        pdf = pdfplumber.open(path)
    except (PdfminerException, PDFSyntaxError) as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise DocumentReadError(name, "the PDF is encrypted and cannot be opened without a password") from None
        reason = describe(cause) if isinstance(cause, BaseException) else str(cause)
        raise DocumentReadError(name, f"not a readable PDF ({reason})") from None
    except OSError as exc:
        raise DocumentReadError(name, f"cannot open file ({exc.strerror or exc})") from None
    try:
        return _read_all(pdf, name)
    finally:
        with suppress(Exception):  # a broken file's close() fails too; the reason is already told
            pdf.close()


def _read_all(pdf: pdfplumber.PDF, name: str) -> list[Page]:
    try:
        plumber_pages = pdf.pages
    except Exception as exc:  # pdfminer raises many types on broken page trees
        raise DocumentReadError(name, f"cannot read the page tree ({describe(exc)})") from None
    if not plumber_pages:
        raise DocumentReadError(name, "the PDF has no pages")
    pages = []
    for number, pp in enumerate(plumber_pages, start=1):
        try:
            pages.append(_page_from_plumber(pp, number))
        except MemoryError as exc:
            raise DocumentReadError(name, describe(exc), page=number) from None
        except Exception as exc:
            pages.append(Page(number, 0.0, 0.0, [], unread=f"cannot extract text ({describe(exc)})"))
        finally:
            with suppress(Exception):
                pp.close()
    if all(p.unread for p in pages):
        raise DocumentReadError(name, f"no page could be read ({pages[0].unread})", page=1)
    return pages
