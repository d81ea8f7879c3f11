"""The labelled partner-discovery reports: short evaluations of other clusters than the seeds',
written by hand in tests/data/partner_reports/reports.yaml with every name marked
[as printed](canonical; type), printed as Word documents (python-docx) and exported to PDF by
LibreOffice, the independent producer. The marks are the labels; the PDF has plain text.

    python -m corpus_tools.partner_reports tests/data/partner_reports
"""

from __future__ import annotations

import argparse
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from docx import Document
from docx.shared import Pt

from corpus_tools.docx_report import _write_cell, convert_to_pdf

MARK = re.compile(r"\[([^\]]+)\]\(([^;]+?);\s*([a-z_]+)\)")  # a canonical may hold brackets: "(Val)+"
GRID_HEADER = ("Thème", "Critère", "Jugement", "Justification")


@dataclass(frozen=True)
class Label:
    surface: str
    canonical: str
    type: str
    in_grid: bool


@dataclass(frozen=True)
class PartnerReport:
    file: str
    title: str
    paragraphs: list[str]  # printed text, marks removed
    grid: list[list[str]]
    labels: list[Label]
    held_out: bool = False  # written after the discovery rules were set, to check them on text they were not fitted to


def _plain(text: str, in_grid: bool, labels: list[Label]) -> str:
    labels += [Label(m[1], m[2].strip(), m[3], in_grid) for m in MARK.finditer(text)]
    return MARK.sub(lambda m: m[1], text)


def read_reports(path: Path) -> list[PartnerReport]:
    reports = []
    for spec in yaml.safe_load(path.read_text(encoding="utf-8"))["reports"]:
        labels: list[Label] = []
        paragraphs = [_plain(p, False, labels) for p in spec["paragraphs"]]
        grid = [[_plain(c, True, labels) for c in row] for row in spec.get("grid", [])]
        reports.append(PartnerReport(spec["file"], spec["title"], paragraphs, grid, labels,
                                     spec.get("held_out", False)))
    return reports


def build_docx(report: PartnerReport, path: Path) -> Path:
    doc = Document()
    heading = doc.add_paragraph()
    run = heading.add_run(report.title)
    run.bold, run.font.size = True, Pt(16)
    for text in report.paragraphs:
        doc.add_paragraph(text).paragraph_format.space_after = Pt(8)
    if report.grid:
        doc.add_paragraph().add_run("Grille d'évaluation").bold = True
        table = doc.add_table(rows=1 + len(report.grid), cols=len(GRID_HEADER))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, GRID_HEADER, strict=True):
            _write_cell(cell, [text], 10, bold=True)
        for row, values in zip(table.rows[1:], report.grid, strict=True):
            for cell, text in zip(row.cells, values, strict=True):
                _write_cell(cell, [text], 10)
    doc.save(str(path))
    return path


def write_reports(spec: Path, out_dir: Path) -> list[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        docx_files = [build_docx(r, Path(tmp) / (Path(r.file).stem + ".docx")) for r in read_reports(spec)]
        return convert_to_pdf(docx_files, out_dir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()
    for pdf in write_reports(args.out_dir / "reports.yaml", args.out_dir):
        print(pdf)


if __name__ == "__main__":
    main()
