"""Remove page furniture: running headers and footers, page numbers, their rules.

Furniture is recognised by position (top or bottom band of the page) plus either
a page-number shape or repetition across pages, never by the wording of one report.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from pipeline.grid_columns import find_header
from pipeline.grid_settings import DEFAULT_SETTINGS
from pipeline.pages import Line, Page

BAND = 0.09  # share of the page height treated as header or footer band
SIMILAR = 85  # rapidfuzz ratio from which two band lines are the same running header or footer
PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?\d{1,4}(?:\s*(?:/|sur|of)\s*\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$", re.IGNORECASE)


def _signature(line: Line) -> str:
    """Text with numbers blanked, so 'Page 3' and 'Page 4' match."""
    return re.sub(r"\d+", "#", line.text.strip().lower())


def in_band(line: Line, page: Page) -> str | None:
    if line.bottom < page.height * BAND + 6:
        return "top"
    if line.top > page.height * (1 - BAND) - 6:
        return "bottom"
    return None


def _repeated(pages: list[Page]) -> set[tuple[str, str]]:
    """(band, signature) of the band lines that recur, alike, on at least 40% of the pages (and
    two): OCR reads the same running header a little differently on every page ("–" or "-",
    a dropped dash), so "alike" is a close spelling, not an equal one."""
    per_page = [{(band, _signature(ln)) for ln in page.lines if (band := in_band(ln, page))} for page in pages]
    seen = {key for keys in per_page for key in keys}
    repeated = set()
    for band, sig in seen:
        n = sum(1 for keys in per_page
                if any(b == band and (s == sig or fuzz.ratio(s, sig) >= SIMILAR) for b, s in keys))
        if n >= 2 and n >= 0.4 * len(pages):
            repeated.add((band, sig))
    return repeated


def strip_furniture(pages: list[Page]) -> list[Page]:
    """Drop furniture lines and the rules drawn in the header/footer bands (in place). A grid's
    header row repeated at the top of each page is the grid's, not furniture."""
    repeated = _repeated(pages)
    for page in pages:
        kept: list[Line] = []
        for line in page.lines:
            band = in_band(line, page)
            furniture = band is not None and find_header(line, DEFAULT_SETTINGS) is None and (
                PAGE_NUMBER.match(line.text.strip()) is not None
                or (band, _signature(line)) in repeated
                # a page number glued to a repeated footer ("Sofia, 15 avril 2014 8")
                or (band, _signature(line).rsplit(" ", 1)[0]) in repeated)
            (page.furniture if furniture else kept).append(line)
        page.lines = kept
        top, bottom = page.height * BAND + 6, page.height * (1 - BAND) - 6
        page.hrules = [r for r in page.hrules if top < r.y < bottom]
    return pages
