"""Side by side, on the same grid PDFs and in the same run: camelot-py and tabula-py against our
grid extraction. What is compared is the logical table, the sequence of criterion rows
(Thème, Jugement) of the whole report once rows split across pages are stitched: the baselines
get the usual post-processing (tables concatenated in page order, repeated header rows dropped,
a row with empty Thème and Jugement cells appended to the row above)."""

from __future__ import annotations

import difflib
import time
import warnings
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.archive import expected, report_name
from pipeline.extract import extract_document

console = Console()
Row = tuple[str, str]


def _norm(text: object) -> str:
    return " ".join(str(text or "").replace("\n", " ").split()) if text == text else ""  # NaN -> ""


def stitch(tables: list[list[list[str]]]) -> list[Row]:
    """(Thème, Jugement) of every logical row of a report's 4-column grid tables."""
    rows: list[list[str]] = []
    for table in tables:
        for cells in table:
            cells = [_norm(c) for c in cells]
            if len(cells) < 4 or cells[0].lower().startswith("thème") or cells[0].lower().startswith("theme"):
                continue
            theme, judgment = cells[0], cells[2]
            if not theme and not judgment and rows:
                continue  # continuation of the row above: its theme and judgment are already known
            rows.append([theme, judgment])
    return [(t, j) for t, j in rows]


def ours(pdf: Path) -> list[Row]:
    return [(_norm(c.theme), _norm(c.judgment)) for c in extract_document(pdf).criteria]


def camelot_rows(pdf: Path) -> list[Row]:
    import camelot

    tables = camelot.read_pdf(str(pdf), pages="all", flavor="lattice")
    if tables.n == 0:
        tables = camelot.read_pdf(str(pdf), pages="all", flavor="stream")
    return stitch([t.df.values.tolist() for t in tables])


def tabula_rows(pdf: Path) -> list[Row]:
    import tabula

    frames = tabula.read_pdf(str(pdf), pages="all", lattice=True, multiple_tables=True, pandas_options={"header": None},
                             silent=True)
    if not any(len(f.columns) >= 4 for f in frames):
        frames = tabula.read_pdf(str(pdf), pages="all", stream=True, multiple_tables=True,
                                 pandas_options={"header": None}, silent=True)
    return stitch([f.values.tolist() for f in frames])


def _score(got: list[Row], want: list[Row]) -> tuple[int, int, int]:
    matched = sum(b.size for b in difflib.SequenceMatcher(a=got, b=want, autojunk=False).get_matching_blocks())
    return matched, len(got), len(want)


def compare(archive: Path, n: int = 20) -> None:
    warnings.filterwarnings("ignore")  # camelot warns about every empty table area it tries
    pdfs = [archive / report_name(i) for i in range(1, n + 1)]
    tools = {"evalgraph (pdfplumber)": ours, "camelot-py": camelot_rows, "tabula-py": tabula_rows}
    table = Table(title=f"Logical grid rows (Thème, Jugement) stitched across pages, {n} generated reports")
    for col in ("tool", "precision", "recall", "exact reports", "seconds/report"):
        table.add_column(col, justify="right")
    ours(pdfs[0])  # spaCy's one-off load is not table extraction time
    for name, read in tools.items():
        tp = got = want = exact = 0
        start = time.perf_counter()
        for pdf in pdfs:
            truth = [(_norm(c["theme"]), _norm(c["judgment"])) for c in expected(pdf)["criteria"]]
            try:
                rows = read(pdf)
            except Exception as exc:  # a baseline failing on a file is a result, not a crash
                console.print(f"{name} failed on {pdf.name}: {exc}")
                rows = []
            m, g, w = _score(rows, truth)
            tp, got, want, exact = tp + m, got + g, want + w, exact + (rows == truth)
        seconds = (time.perf_counter() - start) / n
        table.add_row(name, f"{tp / max(got, 1):.3f}", f"{tp / max(want, 1):.3f}", f"{exact}/{n}", f"{seconds:.2f}")
    console.print(table)
