"""A grid that could not be read is never silent.

Lines outside every recognised grid that hold a judgment label of a known scale in a cell of
their own (separated from the rest of the line by a gutter) are the rows of a table whose header
row was not recognised (headings worded in a way report_wording.yaml does not know, or no
header at all). Two such lines on a page make a warning naming the page and the labels seen.
"""

from __future__ import annotations

from models import ValidationWarning
from pipeline.grid_settings import DEFAULT_SETTINGS, GridSettings
from pipeline.pages import Line, Page, Word
from pipeline.vocabulary import is_judgment_label


def _segments(line: Line, gutter: float) -> list[list[Word]]:
    """The line's words, split where the gap between two words is at least `gutter` em."""
    segments: list[list[Word]] = [[line.words[0]]]
    for a, b in zip(line.words, line.words[1:], strict=False):
        if b.x0 - a.x1 >= gutter * a.size:
            segments.append([])
        segments[-1].append(b)
    return segments


def judged_rows(page: Page, consumed: set[int], settings: GridSettings = DEFAULT_SETTINGS) -> list[str]:
    """The judgment labels standing in a cell of their own on lines no grid took."""
    labels = []
    for line in page.lines:
        if id(line) in consumed or len(line.words) < 2:
            continue
        for segment in _segments(line, settings.prose_max_gap_em)[1:]:
            text = " ".join(w.text for w in segment)
            if is_judgment_label(text):
                labels.append(text)
    return labels


def unread_grid_warnings(file_name: str, pages: list[Page], consumed: set[int],
                         settings: GridSettings = DEFAULT_SETTINGS) -> list[ValidationWarning]:
    warnings = []
    for page in pages:
        labels = judged_rows(page, consumed, settings)
        if len(labels) >= 2:
            shown = ", ".join(dict.fromkeys(labels))
            warnings.append(ValidationWarning(
                code="grid_not_read", page=page.number,
                message=f"{file_name}, page {page.number}: {len(labels)} lines hold judgment labels ({shown}) "
                        "in a table whose header row was not recognised (see report_wording.yaml); "
                        "its rows were not read as criteria"))
    return warnings
