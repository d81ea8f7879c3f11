"""Remove page furniture: running headers and footers, page numbers, their rules.

Furniture is recognised by position (top or bottom band of the page) plus either
a page-number shape or repetition across pages, never by the wording of one report.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.pages import Line, Page

BAND = 0.09  # share of the page height treated as header or footer band
PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?\d{1,4}(?:\s*(?:/|sur|of)\s*\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$", re.IGNORECASE)


def _signature(line: Line) -> str:
    """Text with numbers blanked, so 'Page 3' and 'Page 4' match."""
    return re.sub(r"\d+", "#", line.text.strip().lower())


def _in_band(line: Line, page: Page) -> str | None:
    if line.bottom < page.height * BAND + 6:
        return "top"
    if line.top > page.height * (1 - BAND) - 6:
        return "bottom"
    return None


def strip_furniture(pages: list[Page]) -> list[Page]:
    """Drop furniture lines and the rules drawn in the header/footer bands (in place)."""
    counts: Counter[tuple[str, str]] = Counter()
    for page in pages:
        seen = {(band, _signature(ln)) for ln in page.lines if (band := _in_band(ln, page))}
        counts.update(seen)
    repeated = {key for key, n in counts.items() if n >= 2 and n >= 0.4 * len(pages)}
    for page in pages:
        kept = []
        for line in page.lines:
            band = _in_band(line, page)
            furniture = band is not None and (
                PAGE_NUMBER.match(line.text.strip()) is not None
                or (band, _signature(line)) in repeated
                # a page number glued to a repeated footer ("Sofia, 15 avril 2014 8")
                or (band, _signature(line).rsplit(" ", 1)[0]) in repeated)
            (page.furniture if furniture else kept).append(line)
        page.lines = kept
        top, bottom = page.height * BAND + 6, page.height * (1 - BAND) - 6
        page.hrules = [r for r in page.hrules if top < r.y < bottom]
    return pages
