"""The characters, ruling edges and images of a pdfplumber page, read straight from the page's
layout (pdfminer objects, through pdfplumber's own interpreter).

Why not `page.chars` and `page.edges`: pdfplumber turns every object into a dict of all its
attributes, resolving colours and colour spaces on the way, and that costs twice the parsing of
the page itself. The parsers need a few keys. The dicts built here have those keys, with
pdfplumber's coordinates (top-down, mediabox-adjusted), so pdfplumber's own word extractor
works on them unchanged; `tests/test_page_objects.py` checks that both paths give the same words
and edges on real PDFs.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTLine, LTRect
from pdfplumber.utils.text import WordExtractor

Obj = dict[str, Any]


@dataclass
class PageObjects:
    chars: list[Obj]
    horizontal_edges: list[Obj]
    vertical_edges: list[Obj]
    images: int
    drawn: int = 0  # everything the page's content drew: characters, paths, pictures


def _edge(x0: float, x1: float, top: float, bottom: float) -> Obj:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom}


def page_objects(pp: pdfplumber.page.Page) -> PageObjects:
    mb_x0, mb_top = float(pp.mediabox[0]), float(pp.mediabox[1])
    height = float(pp.height)
    norm = pp.pdf.unicode_norm
    chars: list[Obj] = []
    horizontal: list[Obj] = []
    vertical: list[Obj] = []
    images = 0

    def top_of(y: float) -> float:  # pdfminer counts up from the bottom, pdfplumber down from the top
        return height - y + mb_top

    def add(edge: Obj, is_horizontal: bool) -> None:
        (horizontal if is_horizontal else vertical).append(edge)

    drawn = 0

    def walk(objects: list) -> None:
        nonlocal images, drawn
        for obj in objects:
            drawn += not isinstance(obj, LTContainer)
            if isinstance(obj, LTChar):
                text = obj.get_text()
                if norm is not None:
                    text = unicodedata.normalize(norm, text)
                top = top_of(obj.y1)
                chars.append({"text": text, "x0": obj.x0 + mb_x0, "x1": obj.x1 + mb_x0, "top": top,
                              "bottom": top_of(obj.y0), "doctop": pp.initial_doctop + top, "upright": obj.upright,
                              "size": obj.size, "fontname": obj.fontname})
            elif isinstance(obj, LTRect):  # before LTCurve, its base class
                x0, x1, top, bottom = obj.x0 + mb_x0, obj.x1 + mb_x0, top_of(obj.y1), top_of(obj.y0)
                horizontal.extend((_edge(x0, x1, top, top), _edge(x0, x1, bottom, bottom)))
                vertical.extend((_edge(x0, x0, top, bottom), _edge(x1, x1, top, bottom)))
            elif isinstance(obj, LTLine):  # as pdfplumber: a line that is not level counts as vertical
                top, bottom = top_of(obj.y1), top_of(obj.y0)
                add(_edge(obj.x0 + mb_x0, obj.x1 + mb_x0, top, bottom), top == bottom)
            elif isinstance(obj, LTCurve):
                points = [(x + mb_x0, top_of(y)) for x, y in obj.pts]
                for (ax, ay), (bx, by) in pairwise(points):
                    if ax == bx or ay == by:  # diagonal segments are no rules
                        add(_edge(min(ax, bx), max(ax, bx), min(ay, by), max(ay, by)), ax != bx)
            elif isinstance(obj, LTImage):
                images += 1
            elif isinstance(obj, LTContainer):  # a form XObject: its children are on the page
                walk(obj._objs)

    walk(pp.layout._objs)
    return PageObjects(chars, horizontal, vertical, images, drawn)


def extract_words(chars: list[Obj], **settings: Any) -> list[Obj]:
    """pdfplumber's word extraction (the same WordExtractor `page.extract_words` uses)."""
    return WordExtractor(**settings).extract_words(chars)
