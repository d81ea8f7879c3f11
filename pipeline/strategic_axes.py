"""Strategic axes a report attributes to the cluster: the list that follows a sentence
announcing them ("six axes stratégiques ont été définis ... :" then one bullet per axis).

The six axes of the 2007 decree are announced the same way but are the decree's, not the
cluster's strategy: only an announcement that says "stratégique" (or "prioritaire") opens a list.
"""

from __future__ import annotations

import re

from models import StrategicAxis
from pipeline.blocks import BULLET, Block

ANNOUNCE = re.compile(r"\baxes?\s+(?:strat[ée]giques?|prioritaires?)|\bpriorit[ée]s\s+strat[ée]giques?", re.I)
NUMBERED_ITEM = re.compile(r"^\s*(?:\d{1,2}|[a-h])[.)]\s+")
QUOTES = str.maketrans("", "", "«»\"“”")


def _item(block: Block) -> str | None:
    """The text of a list item, without its bullet or number; None if the block is not one."""
    text = block.text.strip()
    if block.kind != "bullet":
        m = NUMBERED_ITEM.match(text)
        if m is None:
            return None
        text = text[m.end():]
    return " ".join(BULLET.sub("", text).translate(QUOTES).split()).rstrip(" ;,.") or None


def read_strategic_axes(blocks: list[Block]) -> list[StrategicAxis]:
    axes: list[StrategicAxis] = []
    listening = False
    for block in blocks:
        if block.kind == "table":
            listening = False
            continue
        item = _item(block)
        if listening and item:
            axes.append(StrategicAxis(number=len(axes) + 1, text=item, page=block.page))
            continue
        listening = bool(ANNOUNCE.search(block.text)) and item is None
    return axes
