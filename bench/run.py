"""The benchmark: `python -m bench.run` (or `bash scripts/bench.sh`) prints, for archives of 10,
100 and 1000 generated reports, extraction and end-to-end throughput, Neo4j load rate, the cost
of re-ingesting an unchanged archive, peak memory, and extraction accuracy; then the accuracy
per producer, layout and scan (bench.producers); then, with `--tables`, camelot and tabula
against our grid extraction on the same PDFs.

It runs its own Neo4j (the bundled server, port 7692, data in var/neo4j-bench) so it never touches
the main or the test database. Machines are noisy: compare ratios between sizes, not seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from rich.console import Console
from rich.table import Table

from bench.archive import build_archive, report_name
from flows.ingest import LOAD_BATCH
from graph_schema import apply_migrations
from pipeline import neo4j_server
from pipeline.archive import discover, workspace
from pipeline.config import PROJECT_ROOT, Neo4jSettings, make_driver
from pipeline.graph_load import load_documents
from pipeline.ingest import plan_ingest

OUT = PROJECT_ROOT / "bench" / "out"
SETTINGS = Neo4jSettings("bolt://127.0.0.1:7692", "neo4j", "evalgraph-bench", None)
HOME = PROJECT_ROOT / "var" / "neo4j-bench"
# Loads per size, into an emptied database: the median is the rate; the first is shown apart. A
# Neo4j just started runs its first statements several times slower (the JVM compiles them as
# they run): at 10 documents the first load is 5 to 10 times slower than the next ones. That is
# paid once per server start, not per batch (preparing the statements' plans does not remove it).
LOAD_RUNS = 3
WORKERS = 2  # the end-to-end ingest's extraction workers: one per core of the reference machine
TARGETS = {"end_to_end_pages_s": 30, "load_records_s": 20_000, "unchanged_ms_per_doc": 2}
console = Console(width=None if sys.stdout.isatty() else 160)


def _subset(folder: Path, n: int) -> Path:
    """A folder holding the first n reports: hard links to the archive's files (the ingest does
    not follow a symbolic link out of the folder it is given), copies across file systems."""
    sub = OUT / f"n{n}"
    sub.mkdir(parents=True, exist_ok=True)
    for i in range(1, n + 1):
        link = sub / report_name(i)
        if link.is_symlink():  # made by an older benchmark
            link.unlink()
        if not link.exists():
            try:
                os.link(folder / report_name(i), link)
            except OSError:
                shutil.copy2(folder / report_name(i), link)
    return sub


def _empty(driver) -> None:
    with driver.session() as session:  # batched deletes need an auto-commit transaction
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()


TREE_SAMPLE_SECONDS = 0.1


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants now (the CLI, its Prefect server,
    its extraction workers, the resource tracker), in MB."""
    try:
        root = psutil.Process(pid)
        family = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for process in family:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += process.memory_info().rss
    return total / (1 << 20)


def _cli_ingest(folder: Path, result_storage: str) -> tuple[float, float]:
    """(wall seconds, peak resident memory in MB of the whole process tree) of `evalgraph ingest`
    on the folder, sampled every TREE_SAMPLE_SECONDS. Prefect's home (its database) is kept
    between runs, as on a user's machine; the result storage is the caller's, so a first ingest
    finds no cached extraction."""
    env = {**os.environ, "NEO4J_URI": SETTINGS.uri, "NEO4J_USER": SETTINGS.user, "NEO4J_PASSWORD": SETTINGS.password,
           "PREFECT_HOME": str(OUT / "prefect-home"), "PREFECT_LOCAL_STORAGE_PATH": result_storage}
    start = time.perf_counter()
    with subprocess.Popen([str(PROJECT_ROOT / ".venv" / "bin" / "evalgraph"), "ingest", str(folder),
                           "--runner", "processes", "--workers", str(WORKERS)], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True) as cli:
        peak = 0.0
        while cli.poll() is None:
            peak = max(peak, tree_rss_mb(cli.pid))
            time.sleep(TREE_SAMPLE_SECONDS)
        err = cli.stderr.read() if cli.stderr else ""
    wall = time.perf_counter() - start
    if cli.returncode != 0:
        raise RuntimeError(f"ingest failed: {err[-2000:]}")
    return wall, peak


def measure(n: int, archive: Path, driver) -> dict:
    folder = _subset(archive, n)
    results_file = OUT / f"results_{n}.pickle"
    extraction = json.loads(subprocess.run(
        [sys.executable, "-m", "bench.extract_only", str(archive), str(n), str(results_file)],
        capture_output=True, text=True, check=True, cwd=PROJECT_ROOT).stdout)
    results = pickle.loads(results_file.read_bytes())

    rates = []
    for _ in range(LOAD_RUNS):
        _empty(driver)
        apply_migrations(driver)
        records, start = 0, time.perf_counter()
        for i in range(0, len(results), LOAD_BATCH):  # the batches the flow writes
            records += load_documents(driver, results[i:i + LOAD_BATCH]).records_written
        rates.append(records / (time.perf_counter() - start))

    _empty(driver)
    with tempfile.TemporaryDirectory() as storage:  # no extraction cache: a real first ingest
        e2e_wall, e2e_rss = _cli_ingest(folder, storage)
        again_wall, _ = _cli_ingest(folder, storage)
    start = time.perf_counter()
    with workspace() as work:
        decided = plan_ingest(driver, discover([str(folder)], work).files)
    unchanged_path = time.perf_counter() - start
    assert len(decided.unchanged) == n and not decided.todo
    pages = extraction["pages"]
    return {
        "documents": n, "pages": pages,
        "extract_pages_s": pages / extraction["seconds"], "extract_rss_mb": extraction["peak_rss_mb"],
        "pdfminer_pages_s": pages / extraction["pdfminer_seconds"],
        "floor_ratio": extraction["seconds"] / extraction["pdfminer_seconds"],
        "load_records_s": statistics.median(rates), "first_load_records_s": rates[0], "records": records,
        "end_to_end_pages_s": pages / e2e_wall, "end_to_end_s": e2e_wall, "end_to_end_rss_mb": e2e_rss,
        # what the whole run (CLI, Prefect, loading, analytics) keeps of its workers' bare extraction speed
        "parallel_share": pages / e2e_wall / (WORKERS * pages / extraction["seconds"]),
        "unchanged_ms_per_doc": unchanged_path / n * 1000, "unchanged_cli_s": again_wall,
        "accuracy": extraction["accuracy"],
    }


def _table(rows: list[dict]) -> Table:
    t = Table(title=f"evalgraph benchmark ({WORKERS} workers; targets in brackets)")
    cols = [("documents", "docs", "{}"), ("pages", "pages", "{}"),
            ("extract_pages_s", "extract pages/s (1 proc)", "{:.1f}"),
            ("pdfminer_pages_s", "pdfminer alone pages/s (the floor)", "{:.1f}"),
            ("floor_ratio", "ours / floor (time)", "x{:.1f}"), ("extract_rss_mb", "extract peak MB", "{:.0f}"),
            ("end_to_end_pages_s", "end-to-end pages/s [30]", "{:.1f}"),
            ("parallel_share", f"end-to-end / ({WORKERS} x extract)", "{:.2f}"),
            ("end_to_end_rss_mb", "end-to-end peak MB (process tree)", "{:.0f}"),
            ("load_records_s", "Neo4j records/s [20000] (median of 3)", "{:.0f}"),
            ("first_load_records_s", "... first of the 3", "{:.0f}"),
            ("unchanged_ms_per_doc", "unchanged ms/doc [2]", "{:.2f}"),
            ("unchanged_cli_s", "unchanged re-ingest, whole CLI s", "{:.1f}")]
    for _, title, _ in cols:
        t.add_column(title, justify="right")
    for r in rows:
        t.add_row(*(fmt.format(r[key]) for key, _, fmt in cols))
    return t


def _accuracy_table(rows: list[dict]) -> Table:
    t = Table(title="Extraction accuracy on the generated archive (precision / recall)")
    t.add_column("docs", justify="right")
    kinds = list(rows[0]["accuracy"])
    for k in kinds:
        t.add_column(k, justify="right")
    for r in rows:
        t.add_row(str(r["documents"]), *(f"{r['accuracy'][k]['precision']:.3f} / {r['accuracy'][k]['recall']:.3f}"
                                         for k in kinds))
    return t


CLI_TARGETS = {"no_server": 5.0, "running_server": 5.0, "warm_service": 3.0}


def _one_report() -> dict[str, float]:
    """The CLI on one new 6-page report, against the benchmark's own Neo4j, started for it."""
    from bench.cli_latency import cli_one_report, six_page_report

    neo4j_server.start(HOME, "127.0.0.1", 7692, SETTINGS.user, SETTINGS.password, http=0)
    try:
        neo4j_env = {"NEO4J_URI": SETTINGS.uri, "NEO4J_USER": SETTINGS.user, "NEO4J_PASSWORD": SETTINGS.password}
        figures = cli_one_report(six_page_report(OUT / "archive"), neo4j_env, OUT)
    finally:
        neo4j_server.stop(HOME)
    (OUT / "cli_one_report.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return figures


def _cli_table(figures: dict[str, float]) -> Table:
    t = Table(title="One new 6-page report through `evalgraph ingest` (wall seconds, median of 3; target)")
    for key, title in (("no_server", "no Prefect server running (persistent home)"),
                       ("running_server", "a Prefect server running"),
                       ("warm_service", "a warm service running (evalgraph serve)")):
        t.add_column(f"{title} [{CLI_TARGETS[key]:g}]", justify="right")
    t.add_row(*(f"{figures[key]:.1f}" for key in CLI_TARGETS))
    return t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--tables", action="store_true", help="also compare with camelot and tabula")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI's one-report wall time")
    parser.add_argument("--no-producers", action="store_true",
                        help="skip the accuracy table per producer, layout and scan (bench.producers)")
    args = parser.parse_args()
    archive = OUT / "archive"
    console.print(f"generating {max(args.sizes)} reports in {archive} (kept for later runs)")
    build_archive(archive, max(args.sizes))
    neo4j_server.start(HOME, "127.0.0.1", 7692, SETTINGS.user, SETTINGS.password, http=0)
    rows = []
    try:
        with make_driver(SETTINGS) as driver:
            for n in args.sizes:
                console.print(f"measuring {n} documents")
                rows.append(measure(n, archive, driver))
                console.print(_table(rows[-1:]))  # each size as soon as it is measured
                (OUT / "last_run.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    finally:
        neo4j_server.stop(HOME)
    console.print(_table(rows))
    console.print(_accuracy_table(rows))
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        console.print(f"growth {first['documents']} -> {last['documents']} documents: extraction pages/s x"
                      f"{last['extract_pages_s'] / first['extract_pages_s']:.2f}, end-to-end pages/s x"
                      f"{last['end_to_end_pages_s'] / first['end_to_end_pages_s']:.2f}, extraction peak memory x"
                      f"{last['extract_rss_mb'] / first['extract_rss_mb']:.2f}, end-to-end peak memory x"
                      f"{last['end_to_end_rss_mb'] / first['end_to_end_rss_mb']:.2f}")
    (OUT / "last_run.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    if not args.no_cli:
        console.print(_cli_table(_one_report()))
    if not args.no_producers:
        from bench import producers

        console.print("measuring accuracy per producer, layout and scan")
        by_producer = producers.measure()
        console.print(producers.table(by_producer))
        (OUT / "producers.json").write_text(json.dumps(by_producer, indent=1), encoding="utf-8")
    if args.tables:
        from bench.compare_tables import compare

        compare(archive)


if __name__ == "__main__":
    main()
