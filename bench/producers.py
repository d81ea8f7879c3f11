"""Accuracy and speed per producer x layout x (born-digital | scan), so a regression on one
report family shows: our reportlab reports (ruled, unruled), the LibreOffice reports of
tests/data/libreoffice (three evaluators' wordings; ruled, horizontal rules only, shaded header,
no rules; portrait and landscape), and scanned copies of them (200 dpi, greyscale,
skewed up to a degree, speckled, JPEG). F1 per record kind; scans match texts at 0.9 similarity.
Each producer and kind of document also gets a row over all its layouts.

    python -m bench.producers [--scans N]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from rich.table import Table

from bench.archive import LAYOUTS, build_archive
from corpus_tools.scan import SCAN_SAMPLE, scan_pdf
from corpus_tools.scoring import KINDS, Totals, score
from pipeline.config import PROJECT_ROOT
from pipeline.extract import extract_document

LIBREOFFICE = PROJECT_ROOT / "tests" / "data" / "libreoffice"
OUT = PROJECT_ROOT / "bench" / "out" / "producers"
SCAN_SIMILARITY = 0.9
# scanned copies: the tests' sample first, then every other LibreOffice report (three per wording
# family x ruling x orientation in all), so a fix that suits the sample and not the rest shows
SCANNED = (*SCAN_SAMPLE, *sorted(p.stem for p in LIBREOFFICE.glob("*.pdf") if p.stem not in SCAN_SAMPLE))


def _expected(pdf: Path) -> dict:
    return json.loads(pdf.with_suffix(".expected.json").read_text(encoding="utf-8"))


def _documents(scans: int) -> list[tuple[str, str, str, Path, dict]]:
    """(producer, layout, kind, pdf, truth) of every document measured."""
    docs = []
    archive = OUT / "reportlab"
    for pdf in build_archive(archive, 10):
        truth = _expected(pdf)
        layout = "ruled" if _ruled(pdf.name) else "unruled"
        docs.append(("reportlab", layout, "born-digital", pdf, truth))
    for pdf in sorted(LIBREOFFICE.glob("*.pdf")):
        truth = _expected(pdf)
        docs.append(("libreoffice", f"{truth['ruling']} {truth['orientation']}", "born-digital", pdf, truth))
    OUT.mkdir(parents=True, exist_ok=True)
    for stem in SCANNED[:scans]:
        source = LIBREOFFICE / f"{stem}.pdf"
        scanned = OUT / f"{stem}_scan.pdf"
        if not scanned.exists():
            scan_pdf(source, scanned)
        truth = _expected(source)
        docs.append(("libreoffice", f"{truth['ruling']} {truth['orientation']}", "scan 200 dpi", scanned, truth))
    return docs


def _ruled(name: str) -> bool:
    """bench.archive's layouts alternate ruled and unruled grids by report number."""
    number = int(name.removeprefix("rapport_").removesuffix(".pdf"))
    return LAYOUTS[number % len(LAYOUTS)].rules


def measure(scans: int = len(SCANNED)) -> list[dict]:
    from pipeline.partners import nlp

    nlp()  # the model's one-off load is not extraction throughput
    groups: dict[tuple[str, str, str], dict] = defaultdict(
        lambda: {"totals": Totals(), "pages": 0, "seconds": 0.0, "weakest": (2.0, "")})
    for producer, layout, kind, pdf, truth in _documents(scans):
        start = time.perf_counter()
        result = extract_document(pdf)
        seconds = time.perf_counter() - start
        measured = score(result, truth, SCAN_SIMILARITY if kind.startswith("scan") else 1.0)
        lowest = min((measured.f1(k), pdf.stem) for k in measured.expected_kinds())
        # each layout's row, and one row for all the producer's layouts of that kind
        for group in (groups[(producer, layout, kind)], groups[(producer, "~ all layouts", kind)]):
            group["seconds"] += seconds
            group["pages"] += result.document.pages
            group["totals"].add(measured)
            group["weakest"] = min(group["weakest"], lowest)
    rows = []
    for (producer, layout, kind), g in sorted(groups.items()):
        s = g["totals"].as_score()
        rows.append({"producer": producer, "layout": layout, "kind": kind, "documents": g["totals"].documents,
                     "pages": g["pages"], "pages_s": g["pages"] / g["seconds"],
                     "f1": {k: s.f1(k) for k in s.expected_kinds()},
                     # the bar is per report: the lowest F1 of any kind in any one report
                     "weakest": {"f1": g["weakest"][0], "report": g["weakest"][1]}})
    return rows


def table(rows: list[dict]) -> Table:
    t = Table(title="Accuracy (F1) per producer, layout and kind of document; extraction pages/s, 1 process")
    for title in ("producer", "layout", "document", "docs", "pages/s"):
        t.add_column(title, justify="left" if title in ("producer", "layout", "document") else "right")
    for k in KINDS:
        t.add_column(k, justify="right")
    t.add_column("weakest report (lowest F1)", justify="left")
    for r in rows:
        t.add_row(r["producer"], r["layout"], r["kind"], str(r["documents"]), f"{r['pages_s']:.1f}",
                  *(f"{r['f1'][k]:.3f}" if k in r["f1"] else "–" for k in KINDS),
                  f"{r['weakest']['f1']:.3f} {r['weakest']['report']}")
    return t


def main() -> None:
    from rich.console import Console

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=len(SCANNED), help="how many scanned copies to read")
    args = parser.parse_args()
    rows = measure(args.scans)
    Console(width=200).print(table(rows))
    (PROJECT_ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (PROJECT_ROOT / "bench" / "out" / "producers.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
