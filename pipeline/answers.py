"""Rows a Cypher statement answered, written the ways analysts read them: a terminal table, JSON,
CSV, or a spreadsheet. One place, used by `evalgraph query` (the cookbook) and `evalgraph cypher`
(the user's own statements)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from neo4j.graph import Node, Relationship
from neo4j.graph import Path as GraphPath


def plain(value: Any) -> Any:
    """A value as JSON can hold it: nodes and relationships as their properties (with labels or
    type), temporal values as ISO text."""
    if isinstance(value, Node):
        return {"labels": sorted(value.labels), **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"type": value.type, **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, GraphPath):
        return [plain(n) for n in value.nodes]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # dates, times, points


def cell(value: Any) -> str:
    """A value in one cell: lists joined with ', ', numbers short."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def as_json(keys: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    return json.dumps([{k: plain(v) for k, v in zip(keys, row, strict=True)} for row in rows],
                      ensure_ascii=False, indent=2) + "\n"


def as_csv(keys: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(keys)
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue()


ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def write_xlsx(path: Path, keys: Sequence[str], rows: Sequence[Sequence[Any]], title: str) -> None:
    """One sheet, a bold header row frozen at the top, numbers kept as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "rows"
    sheet.append(list(keys))
    for c in sheet[1]:
        c.font = Font(bold=True)
    for row in rows:
        sheet.append([v if isinstance(v, (int, float)) and not isinstance(v, bool) else
                      ILLEGAL_IN_XLSX.sub(" ", cell(v)) for v in row])
    sheet.freeze_panes = "A2"
    book.save(path)


def typed(raw: str) -> Any:
    """A parameter given on the command line: integers, decimals, true/false and null as such,
    anything else as text."""
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if re.fullmatch(r"-?\d+\.\d*", raw):
        return float(raw)
    return {"true": True, "false": False, "null": None}.get(raw, raw)
