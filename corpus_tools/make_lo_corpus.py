"""Write the LibreOffice-produced test reports: every wording family x ruling style x
orientation, as .pdf with its .expected.json (and, with --scans, scanned copies).

    python -m corpus_tools.make_lo_corpus tests/data/libreoffice [--scans]

The PDFs the tests read are committed (LibreOffice's output can differ between its versions,
and the tests must not depend on it); this script is how they were made.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from corpus_tools.docx_report import (
    ORIENTATIONS,
    RULINGS,
    WORDINGS,
    DocxReport,
    build_docx,
    convert_to_pdf,
    make_docx_report,
)


def lo_matrix(first_seed: int = 101) -> list[DocxReport]:
    """One report per wording x ruling x orientation, each with its own seed (other cluster,
    counts, evaluator, long or short cells)."""
    reports = []
    seed = first_seed
    for wording in WORDINGS.values():
        for ruling in RULINGS:
            for orientation in ORIENTATIONS:
                reports.append(make_docx_report(seed, wording, ruling, orientation))
                seed += 1
    return reports


def write_lo_reports(reports: list[DocxReport], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="evalgraph-docx-") as tmp:
        docx_files = [build_docx(r, Path(tmp) / f"{r.stem}.docx") for r in reports]
        pdfs = convert_to_pdf(docx_files, out_dir)
    for r in reports:
        (out_dir / f"{r.stem}.expected.json").write_text(
            json.dumps(r.expected(), ensure_ascii=False, indent=1), encoding="utf-8")
    return pdfs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scans", action="store_true", help="also write scanned copies (corpus_tools.scan)")
    args = parser.parse_args()
    pdfs = write_lo_reports(lo_matrix(), args.out)
    if args.scans:
        from corpus_tools.scan import SCAN_SAMPLE, scan_pdf

        for pdf in pdfs:
            if pdf.stem in SCAN_SAMPLE:
                scan_pdf(pdf, args.out / f"{pdf.stem}_scan.pdf")
                (args.out / f"{pdf.stem}_scan.expected.json").write_text(
                    (args.out / f"{pdf.stem}.expected.json").read_text(encoding="utf-8"), encoding="utf-8")
    print(f"{len(pdfs)} reports in {args.out}")


if __name__ == "__main__":
    main()
