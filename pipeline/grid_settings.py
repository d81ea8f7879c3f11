"""Every tolerance of the evaluation-grid finder, named, defaulted, with the reason for its value.

As in pdfplumber's TableSettings, nothing in the grid code is a bare number: a producer whose
geometry needs another value gets a settings object, not a patch. Distances are PDF points;
ratios are relative to the font size (em) or to the cells' line pitch, as their names say.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GridSettings:
    # -- header row
    header_extra_words: int = 3
    """Words a header row may hold beyond its column headings (a footnote mark, "(1)", "/")."""
    header_left_pad: float = 3.0
    """Without rules, a column's boundary sits this far left of its heading (glyph bearings)."""
    split_header_overlap: float = 0.25
    """On a scan, two lines overlapping by this share of the smaller one's height may be one header
    row read at two heights (when they are a header row together and not apart); two lines of
    one cell do not overlap at all."""
    caption_max_lines: int = 4
    """A question caption above a grid's header may wrap over this many lines."""
    caption_gap_em: float = 1.6
    """...separated from the header (and its own lines from each other) by at most this gap."""

    # -- columns
    column_edge: float = 4.0
    """A word may start this far outside the table's outer edges (cell padding, bearings)."""
    gutter_min_em: float = 0.6
    """Stream columns: an x-range free of words over all the table's lines and at least this wide
    is a gutter between columns. Word spaces are about 0.25 em, and the union of many lines fills
    them; cell paddings make gutters of 0.8 em and more."""
    prose_max_gap_em: float = 1.0
    """A line is prose, not a table row, when no gap between its words reaches this and it runs
    over most of the table's width (a row's cells are separated by gutters)."""
    prose_min_width: float = 0.7
    """...'most of the table's width', as a share of it."""
    text_start_tolerance: float = 2.5
    """Left-aligned cell text starts within this of its column's text start."""
    ocr_text_start_em: float = 1.0
    """...on a scanned page, within this many em: OCR boxes move by a letter's width ("C4:"
    read with a speck before it)."""
    ocr_doubtful_confidence: float = 0.5
    """On a scanned page, a short token read with less confidence than this (a speck read as
    "RE."; Tesseract's usual words score 0.8-0.97) does not decide whether a line is table content..."""
    ocr_speck_letters: int = 3
    """...'short': at most this many letters and digits."""
    left_aligned_share: float = 0.8
    """A column is left-aligned (its text start is checked) when this share of its line starts
    agree; centred judgment cells are not."""
    left_aligned_evidence: int = 3
    """...of at least this many line starts: two centred labels of the same width agree by chance."""
    rule_reach: float = 2.0
    """A rule crosses a line when it reaches within this of it (stroke widths, rounding)."""
    repeated_column_shift_em: float = 1.5
    """A header repeated on a continuation page puts a column within this many em of where it
    was (scanned pages move by a point or two); a column found further away took in the column
    of a heading the repetition lost, and keeps its place."""
    rule_left_of_heading: float = 1.0
    """A ruled column starts at the nearest rule left of its heading's middle, and at least this
    far left of the heading's right end."""

    # -- flow text around grids
    flow_indent: float = 6.0
    """A line starting this far left of the table's left edge is body text."""
    heading_size_ratio: float = 1.1
    """A numbered bold line this much larger than its smallest word is a section heading."""
    word_space_em: float = 0.45
    """Between words of two columns, a gap narrower than this is a word space: the line is prose."""
    gutter_over_word_space: float = 1.25
    """Justified prose spaces its words evenly, wide enough to pass for gutters: a table row's
    gutters are wider than this many times its word spaces."""

    # -- rows
    rule_cover: float = 0.6
    """A horizontal rule separates two cells of a column when it covers this share of its width."""
    rule_merge: float = 1.5
    """Rule segments closer than this (one per cell, or a double stroke) are one rule."""
    row_rule_below_em: float = 0.6
    """Grids ruled by horizontal rules only: the bottom rule lies within this under the last line."""
    cell_line_merge: float = 2.5
    """Words of one cell whose tops agree within this are one line."""
    pitch_floor_em: float = 0.6
    """Lines of a column closer than this are not two lines (a superscript, a stray mark)."""
    pitch_cluster: float = 1.15
    """The line pitch is the closest cluster of distances: those within this ratio of the nearest."""
    default_pitch_em: float = 1.3
    """The line pitch of a grid whose cells are one line each."""
    row_gap_pitch: float = 1.25
    """Stream rows: a vertical gap over this many line pitches ends a paragraph or a cell."""
    row_top_tolerance: float = 2.5
    """Cells are top-aligned: a cell starts within this of its row's top."""
    paragraph_margin: float = 1.5
    """A gap at a row's top is a new cell only when it exceeds the usual paragraph gap seen
    inside cells by this much; otherwise a merged cell's next paragraph happens to start there."""
    paragraph_margin_pitch: float = 0.15
    """...or by this share of the row gap, if more: OCR places lines a point or two off."""


DEFAULT_SETTINGS = GridSettings()
