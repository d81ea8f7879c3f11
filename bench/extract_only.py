"""One process extracts the first N reports of an archive, one after another, and prints its
figures as JSON: pages, seconds, peak memory (ru_maxrss) and accuracy against the expected
records; then the floor: the seconds pdfminer's own page pass takes on the same files (its
interpreter and page aggregator without layout analysis, as pdfplumber opens a PDF), which no
reader built on pdfplumber can beat. A process per archive size, so peak memory is that size's own."""

from __future__ import annotations

import json
import pickle
import resource
import sys
import time
from pathlib import Path

from bench.archive import expected, report_name
from corpus_tools.scoring import KINDS, score
from pipeline.extract import extract_document


def main(folder: str, n: int, results_file: str) -> None:
    from pipeline.partners import nlp

    nlp()  # the model's one-off load is not extraction throughput
    pages = 0
    totals = {k: [0, 0, 0] for k in KINDS}
    results = []
    start = time.perf_counter()
    for i in range(1, n + 1):
        pdf = Path(folder) / report_name(i)
        result = extract_document(pdf)
        pages += result.document.pages
        results.append(result)
        s = score(result, expected(pdf))
        for k in KINDS:
            totals[k] = [a + b for a, b in zip(totals[k], s.counts[k], strict=True)]
    seconds = time.perf_counter() - start
    floor = pdfminer_seconds([Path(folder) / report_name(i) for i in range(1, n + 1)])
    Path(results_file).write_bytes(pickle.dumps(results))
    accuracy = {k: {"precision": tp / got if got else 1.0, "recall": tp / want if want else 1.0}
                for k, (tp, got, want) in totals.items()}
    print(json.dumps({"documents": n, "pages": pages, "seconds": seconds, "pdfminer_seconds": floor,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "accuracy": accuracy}))


def pdfminer_seconds(paths: list[Path]) -> float:
    """Seconds for pdfminer to interpret every page of the files into its objects (laparams None:
    what pdfplumber asks of it), and nothing else."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    start = time.perf_counter()
    for path in paths:
        with path.open("rb") as fp:
            resources = PDFResourceManager()
            device = PDFPageAggregator(resources, laparams=None)
            interpreter = PDFPageInterpreter(resources, device)
            for page in PDFPage.get_pages(fp):
                interpreter.process_page(page)
                device.get_result()
    return time.perf_counter() - start


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
