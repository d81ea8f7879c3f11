"""The archive generator: N realistic grid evaluation reports (other clusters, years and
evaluators; tables with and without rules, repeated headers, long cells, page breaks moved
inside rows) with their expected records. Deterministic: report i is always the same file."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from corpus_tools.grid_pdf import build_grid_pdf, expected_records
from corpus_tools.synthetic import Layout, make_report

LAYOUTS = [Layout(rules=True), Layout(rules=False), Layout(rules=True, repeat_header=True),
           Layout(rules=False, long_cells=True), Layout(rules=True, long_cells=True)]


def report_name(i: int) -> str:
    return f"rapport_{i:05d}.pdf"


def _build(args: tuple[int, str]) -> str:
    i, folder = args
    path = Path(folder) / report_name(i)
    truth = path.with_suffix(".expected.json")
    if not (path.exists() and truth.exists()):
        report = make_report(1000 + i, LAYOUTS[i % len(LAYOUTS)])
        build_grid_pdf(report, path)
        truth.write_text(json.dumps(expected_records(report), ensure_ascii=False), encoding="utf-8")
    return path.name


def build_archive(folder: Path, n: int, workers: int = 2) -> list[Path]:
    """Reports 1..n in `folder` (kept between runs: a bigger archive reuses the smaller one's files)."""
    folder.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(workers) as pool:
        names = list(pool.map(_build, [(i, str(folder)) for i in range(1, n + 1)], chunksize=8))
    return [folder / name for name in names]


def expected(pdf: Path) -> dict:
    return json.loads(pdf.with_suffix(".expected.json").read_text(encoding="utf-8"))
