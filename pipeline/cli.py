"""The `evalgraph` command line."""

from __future__ import annotations

import contextlib
import glob
import importlib.util
import json
import logging
import os
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from neo4j import Driver
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from flows.runner_settings import RunnerSettings
from models.kinds import EXPLAINED, organisation_type
from pipeline import PIPELINE_VERSION, neo4j_server
from pipeline.answers import cell
from pipeline.config import Neo4jSettings, local_server_home, make_driver, run_environment, service_socket
from pipeline.graph_summary import GraphSummary, graph_summary
from pipeline.pages import DocumentReadError

if TYPE_CHECKING:
    from models.kinds import IngestEvent as Event
    from models.service import Outcome, RowView
    from pipeline.review import Accepted, Merged, Rejected

app = typer.Typer(
    help="evalgraph: evaluation reports of Walloon business clusters (PDF) -> Neo4j knowledge graph.\n\n"
         "Neo4j is reached through NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD (and NEO4J_DATABASE).",
    no_args_is_help=True, add_completion=False)
neo4j_app = typer.Typer(help="Run the bundled Neo4j 5.26 Community server (Bolt on 127.0.0.1).",
                        no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")
review_app = typer.Typer(help="Review the organisations the NER found outside the gazetteer: accept, merge or reject "
                              "them. Decisions go to your review file (EVALGRAPH_REVIEW_FILE, default "
                              "var/review.yaml), apply to the graph at once, and to every later ingest.")
app.add_typer(review_app, name="review")
# not a terminal (CI logs, pipes): wide enough for the summary table instead of rich's 80 columns
console = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)  # an error is one line, however long, for logs and grep
MAX_DOCUMENT_BARS = 40  # beyond that, one bar for the archive
BAR_REFRESHES_PER_SECOND = 4
# Statuses of documents the run did nothing to: beyond FOLD_OVER of one, a line for all of them
# instead of a row each (an archive's unchanged re-ingest; an ingest of one new folder beside an
# archive whose thousand documents are then `missing`).
FOLDED = {"unchanged": "nothing written", "missing": "in the graph, not in the paths given; kept, --prune deletes "
                                                     "them"}
FOLD_OVER = 20
FOLD_LISTED = 5  # names given on a folded line


def _driver(settings: Neo4jSettings) -> Driver:
    driver = make_driver(settings)
    try:
        driver.verify_connectivity()
    except ServiceUnavailable as exc:
        driver.close()
        err.print(f"[red]Neo4j does not answer at {settings.uri}[/red] ({exc}). "
                  "Start the bundled server with `evalgraph neo4j start` or set NEO4J_URI.")
        raise typer.Exit(2) from None
    except AuthError:
        driver.close()
        err.print(f"[red]Neo4j at {settings.uri} refused user {settings.user!r}[/red]: check NEO4J_PASSWORD.")
        raise typer.Exit(2) from None
    return driver


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="A PDF evaluation report.", exists=True, dir_okay=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the records as JSON (see docs/extract-json.md).")]
    = False,
) -> None:
    """Extract one PDF's records without any database."""
    from pipeline.extract import extract_document

    try:
        result = extract_document(file)
    except DocumentReadError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None
    if as_json:
        sys.stdout.write(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n")
        return
    doc, ev = result.document, result.evaluation
    console.print(f"[bold]{doc.file_name}[/bold]  {doc.doc_type} ({doc.layout}), {doc.pages} pages")
    if ev:
        console.print(f"  evaluation: cluster={ev.cluster} evaluator={ev.evaluator} date={ev.date} "
                      f"period={ev.period_kind} {ev.period_number or ''}")
    console.print(f"  questions {len(result.questions)}, criteria {len(result.criteria)}, "
                  f"constats {len(result.constats)}, phases {len(result.phases)}")
    for c in result.criteria:
        console.print(f"  {c.id:8} {c.judgment_normalised or c.judgment or '-':12} {c.theme or ''} "
                      f"constats={c.constats or c.shared_constats}")
    for w in result.warnings:
        console.print(f"  [yellow]warning[/yellow] {w.code} (page {w.page}): {w.message}")


SUMMARY_FACTS = ("Type", "Cluster", "Year", "Evaluator", "Pages", "Questions", "Criteria", "Constats", "Partners",
                 "Warnings")


def _summary_table(rows: list[RowView]) -> Table:
    table = Table(title="Ingest summary")
    for col in ("Document", "Status", *SUMMARY_FACTS):
        table.add_column(col, overflow="fold")
    for r in rows:
        status = {"failed": "[red]failed[/red]", "unchanged": "[dim]unchanged[/dim]"}.get(r.status, r.status)
        table.add_row(r.source, status, *(cell(r.facts.get(key)) for key in SUMMARY_FACTS))
    return table


def _print_network(summary: dict) -> None:  # pipeline.network_store.network_summary
    console.print("network: " + ", ".join(f"{k} {v}" for k, v in summary.items()))


def _quiet_prefect() -> None:
    """Prefect's own INFO logs and telemetry would drown the progress bars; the user's settings win."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # the temporary server's first start creates its SQLite database: slow on a busy machine
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    logging.getLogger("neo4j").setLevel(logging.ERROR)  # deadlocks the driver retries by itself


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Folders, PDF files, globs or .zip archives.")],
    prune: Annotated[bool, typer.Option(help="Delete documents no longer present in PATHS.")] = False,
    runner: Annotated[str, typer.Option(help="auto | threads | processes | dask (EVALGRAPH_TASK_RUNNER).")]
    = "",
    workers: Annotated[int, typer.Option(help="Parallel workers (EVALGRAPH_WORKERS; default: the CPU count).")]
    = 0,
    dask_address: Annotated[str, typer.Option(help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 "
                                                   "(EVALGRAPH_DASK_ADDRESS).")] = "",
    analyse: Annotated[bool, typer.Option(help="Recompute the network analytics when the graph changed.")] = True,
    service: Annotated[bool, typer.Option(help="Hand the run to `evalgraph serve` when it runs here with the same "
                                               "settings (warm: seconds faster); --no-service runs it in this "
                                               "process. A run with --runner, --workers or --dask-address is "
                                               "always run here.")] = True,
) -> None:
    """Extract every PDF and load it into Neo4j through the Prefect flow; unchanged files are skipped.
    A document is identified by its path below the folder given (or its path in a zip): see the
    README's "Document identity"."""
    missing = [p for p in paths if not Path(p).exists() and not glob.has_magic(p)]
    if missing:
        err.print(f"error: no such file or folder: {', '.join(missing)}")
        raise typer.Exit(1)
    if service and not (runner or workers or dask_address):
        outcome = _submitted(paths, prune, analyse)
        if outcome is not None:
            _show_ingest(paths, outcome)
            return
    settings = Neo4jSettings.from_env()
    _driver(settings).close()  # fail fast, with advice, if Neo4j does not answer
    _quiet_prefect()
    from flows.extraction_pool import extraction_processes
    from flows.prefect_api import head_start

    # What takes seconds starts first, side by side, while Prefect and the flow are imported
    # here: the run's own Prefect server (when it needs one) and the extraction workers (spaCy).
    head_start()
    try:
        chosen = RunnerSettings.resolve(runner or None, workers or None, dask_address or None)
    except ValueError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(2) from None
    if chosen.kind == "dask" and importlib.util.find_spec("prefect_dask") is None:
        err.print("error: the dask runner needs the dask extra: pip install 'evalgraph[dask]'")
        raise typer.Exit(2)
    with extraction_processes(chosen.extract_workers, paths):
        _show_ingest(paths, _ingest(paths, prune, analyse, chosen, settings))


class _Bars:
    """The progress bars of a run: one for the archive, one per document up to MAX_DOCUMENT_BARS;
    `on_event` follows the run, whether it runs here or in the service."""

    def __init__(self, first: str) -> None:
        # Drawn only on a terminal, and 4 times a second: rich lays out every bar at each refresh
        # (10 a second by default, even into a file), which took 2.4 CPU-s of a 100-report ingest.
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=console, transient=True,
                                 refresh_per_second=BAR_REFRESHES_PER_SECOND, disable=not console.is_terminal)
        self.overall = self.progress.add_task(first, total=None)
        self.bars: dict[str, TaskID] = {}
        self.finished: dict[str, RowView] = {}
        self.queued = 0

    def on_event(self, event: Event, row: RowView) -> None:
        progress = self.progress
        if event == "done":
            self.finished[row.source] = row
        if event == "queued":
            self.queued += 1
            progress.update(self.overall, total=self.queued, description=f"{self.queued} documents")
            if self.queued <= MAX_DOCUMENT_BARS:
                self.bars[row.source] = progress.add_task(f"  {row.source}", total=2)
            return
        bar = self.bars.get(row.source)
        if event == "extracted":
            if bar is not None:
                progress.update(bar, completed=1, description=f"  {row.source}: loading")
            return
        if bar is not None:
            progress.update(bar, completed=2, description=f"  {row.source}: {row.status}")
        if row.status != "skipped":
            progress.update(self.overall, advance=1)

    def interrupted(self) -> typer.Exit:
        """What an interrupted run did: every document that finished is in the graph (or failed);
        the batch being written when the interrupt came was committed or rolled back whole."""
        self.progress.stop()
        done = [r for r in self.finished.values() if r.status != "skipped"]
        if done:
            console.print(_summary_table(done))
        counts = Counter(r.status for r in done)
        err.print(f"interrupted: {', '.join(f'{n} {s}' for s, n in sorted(counts.items())) or 'nothing done'}; "
                  f"{max(self.queued - len(done), 0)} not done (a rerun does them; finished documents are "
                  "unchanged)")
        return typer.Exit(130)


def _submitted(paths: list[str], prune: bool, analyse: bool) -> Outcome | None:
    """The run, done by the warm service (flows.service) when one listens and agrees to; else None,
    and the CLI runs it itself."""
    from flows.service_client import ServiceLost, connect, submit
    from models.service import Refused, RunFailed, Submission

    socket_path = service_socket()
    connection = connect(socket_path) if socket_path else None
    if connection is None:
        return None
    submission = Submission(paths=[os.path.abspath(p) for p in paths], prune=prune, analyse=analyse,
                            version=PIPELINE_VERSION, environment=run_environment())
    bars = _Bars("submitted to evalgraph serve")
    try:
        with bars.progress:
            answer = submit(connection, submission, lambda message: bars.on_event(message.event, message.row))
    except KeyboardInterrupt:
        raise bars.interrupted() from None
    except ServiceLost as exc:
        err.print(f"[red]error[/red]: {exc}")
        raise typer.Exit(1) from None
    if isinstance(answer, Refused):
        err.print(f"[dim]not run by evalgraph serve: {escape(answer.reason)}; running here[/dim]")
        return None
    if isinstance(answer, RunFailed):
        err.print(f"[red]error[/red] (evalgraph serve): {escape(answer.message)}")
        raise typer.Exit(1)
    err.print(f"[dim]run by evalgraph serve ({socket_path})[/dim]")
    return answer


def _ingest(paths: list[str], prune: bool, analyse: bool, chosen: RunnerSettings,
            settings: Neo4jSettings) -> Outcome:
    from flows.ingest import outcome_of, run_ingest
    from flows.progress import listening

    # a failed document is reported once, in the summary below, not with Prefect's task traceback
    logging.getLogger("prefect.task_runs").setLevel(logging.CRITICAL)

    bars = _Bars("finding the documents (starting Prefect)")
    try:
        with bars.progress, listening(lambda event, row: bars.on_event(event, row.view())):
            report = run_ingest(paths, prune=prune, analyse=analyse, runner=chosen.kind, workers=chosen.workers,
                                dask_address=chosen.dask_address)
    except KeyboardInterrupt:
        raise bars.interrupted() from None
    return outcome_of(report)


def _show_ingest(paths: list[str], outcome: Outcome) -> None:
    """What the run did, then what the graph holds; exit 1 when a document failed."""
    rows = outcome.rows
    if all(r.status == "skipped" for r in rows):
        for r in rows:
            err.print(f"skipped {r.reason}")
        err.print(f"error: no PDF found in {' '.join(paths)}")
        raise typer.Exit(1)
    folded = {status: [r.source for r in rows if r.status == status] for status in FOLDED}
    folded = {status: sources for status, sources in folded.items() if len(sources) > FOLD_OVER}
    rows = [r for r in rows if r.status not in folded]
    if rows:
        console.print(_summary_table(rows))
    for status, sources in folded.items():
        listed = ", ".join(sources[:FOLD_LISTED])
        console.print(f"[dim]{len(sources)} {status}[/dim]: {escape(listed)} and {len(sources) - FOLD_LISTED} "
                      f"more ({FOLDED[status]})")
    console.print(outcome.headline)
    for r in rows:
        if r.status == "failed":
            err.print(f"[red]failed[/red] {escape(r.reason)}")
        elif r.status in EXPLAINED:
            console.print(f"[yellow]{r.status}[/yellow] {escape(r.reason)}")
        elif r.status != "unchanged":
            for w in r.warnings:
                console.print(f"[yellow]warning[/yellow] {w.code} {escape(w.message)}")
    if outcome.network is not None:
        _print_network(outcome.network)
    _print_graph_counts(outcome.neo4j_uri, GraphSummary(outcome.nodes_per_label, outcome.evaluation_years))
    if outcome.failed:
        raise typer.Exit(1)


def _print_graph_counts(uri: str, held: GraphSummary) -> None:
    table = Table(title=f"Graph at {uri}")
    table.add_column("Label")
    table.add_column("Nodes", justify="right")
    for label, count in held.nodes_per_label.items():
        table.add_row(label, str(count))
    console.print(table)
    for cluster, years in held.evaluation_years.items():
        console.print(f"Cluster {cluster}: evaluations {years}")


@app.command()
def summary() -> None:
    """Print what the graph holds (nodes per label, evaluations per cluster)."""
    settings = Neo4jSettings.from_env()
    with _driver(settings) as driver:
        _print_graph_counts(settings.uri, graph_summary(driver, settings.database))


AS_JSON = typer.Option("--json", help="Print the rows as JSON.")
AS_CSV = typer.Option("--csv", help="Print the rows as CSV (a header row, lists joined with ', ').")
TO_XLSX = typer.Option("--xlsx", help="Write the rows to this spreadsheet (.xlsx) instead of printing them.")
PARAMS = typer.Option("--param", "-p", help="KEY=VALUE (numbers, true, false and null are typed).")


def _parameters(given: list[str] | None) -> dict[str, str]:
    pairs = [p.partition("=") for p in given or []]
    bad = [k for k, sep, _ in pairs if not sep or not k]
    if bad:
        err.print(f"error: parameters are written KEY=VALUE (got {', '.join(bad)})")
        raise typer.Exit(2)
    return {k: v for k, _, v in pairs}


def _one_line(exc: Neo4jError) -> str:
    """Neo4j's message on one line (it spreads a syntax error over several, with a caret)."""
    return " ".join(str(exc.message or exc).split())


def _answer(statement: str, values: dict, what: str, write: bool = False) -> tuple[list, list[str]]:
    """Run one statement; a refused one is a one-line error naming it. Without `write`, it runs
    in a read transaction: Neo4j itself refuses any change."""
    settings = Neo4jSettings.from_env()
    with _driver(settings) as driver, driver.session(database=settings.database) as session:
        def run(tx) -> tuple[list, list[str]]:
            result = tx.run(statement, values)
            return [list(r.values()) for r in result], list(result.keys())

        try:
            return (session.execute_write if write else session.execute_read)(run)
        except Neo4jError as exc:
            message = _one_line(exc)
            if not write and "write" in message.lower() and "read" in message.lower():
                message += " (this statement writes: add --write to allow it)"
            err.print(f"error: {what}: {escape(message)}")
            raise typer.Exit(2) from None


def _show(rows: list, keys: list[str], title: str, as_json: bool, as_csv: bool, xlsx: Path | None) -> None:
    from pipeline import answers

    if xlsx is not None:
        answers.write_xlsx(xlsx, keys, rows, title)
        console.print(f"{len(rows)} row(s) -> {xlsx}")
    elif as_json:
        sys.stdout.write(answers.as_json(keys, rows))
    elif as_csv:
        sys.stdout.write(answers.as_csv(keys, rows))
    else:
        table = Table(title=title)
        for key in keys:
            table.add_column(key, overflow="fold")
        for row in rows:
            table.add_row(*(escape(answers.cell(v)) for v in row))
        console.print(table)
        console.print(f"{len(rows)} row(s)")


@app.command()
def query(
    name: Annotated[str | None, typer.Argument(help="A query of the cookbook (graph_schema/queries/NAME.cypher).")]
    = None,
    param: Annotated[list[str] | None, PARAMS] = None,
    as_json: Annotated[bool, AS_JSON] = False,
    as_csv: Annotated[bool, AS_CSV] = False,
    xlsx: Annotated[Path | None, TO_XLSX] = None,
) -> None:
    """Run a query of the Cypher cookbook and print its answer; without NAME, list the queries."""
    from graph_schema import cookbook_query, query_names

    if name is None:
        table = Table(title="Cypher cookbook (evalgraph query NAME -p key=value)")
        for col in ("Name", "Question", "Parameters (defaults)"):
            table.add_column(col, overflow="fold")
        for n in query_names():
            q = cookbook_query(n)
            table.add_row(n, q.title, ", ".join(f"{k}={v}" for k, v in q.defaults.items()))
        console.print(table)
        return
    try:
        q = cookbook_query(name)
        run_with = q.run_parameters(_parameters(param))
    except (KeyError, ValueError) as exc:
        err.print(f"error: {escape(str(exc.args[0]))}")
        raise typer.Exit(2) from None
    shown = ", ".join(f"{k}={v}" for k, v in run_with.items() if k in q.defaults)
    rows, keys = _answer(q.text, run_with, f"query {name} ({shown})")
    _show(rows, keys, f"{q.title} ({shown or 'no parameters'})", as_json, as_csv, xlsx)


@app.command()
def cypher(
    statement: Annotated[str | None, typer.Argument(help="A Cypher statement (or use --file).")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the statement from this file.",
                                              exists=True, dir_okay=False)] = None,
    param: Annotated[list[str] | None, PARAMS] = None,
    write: Annotated[bool, typer.Option("--write", help="Allow the statement to change the graph.")] = False,
    as_json: Annotated[bool, AS_JSON] = False,
    as_csv: Annotated[bool, AS_CSV] = False,
    xlsx: Annotated[Path | None, TO_XLSX] = None,
) -> None:
    """Run your own Cypher against the graph and print the rows. Read-only unless --write."""
    from pipeline.answers import typed

    if statement is not None and file is None:
        text = statement
    elif file is not None and statement is None:
        text = file.read_text(encoding="utf-8")
    else:
        err.print("error: give a statement or --file FILE (one of them)")
        raise typer.Exit(2)
    values = {k: typed(v) for k, v in _parameters(param).items()}
    rows, keys = _answer(text, values, f"cypher{f' {file}' if file else ''}", write=write)
    _show(rows, keys, " ".join(text.split())[:100], as_json, as_csv, xlsx)


@app.command()
def search(
    text: Annotated[str, typer.Argument(help='Words to find (Lucene: "exact words", AWEX AND export, export*).')],
    limit: Annotated[int, typer.Option(help="Hits shown at most.", min=1)] = 20,
    as_json: Annotated[bool, AS_JSON] = False,
) -> None:
    """Full-text search (French analyzer) over constats, criteria, questions and sections: each hit
    with its document, page and the passage that matches."""
    from graph_schema import apply_migrations
    from pipeline.search import search as find

    settings = Neo4jSettings.from_env()
    with _driver(settings) as driver:
        apply_migrations(driver, settings.database)  # the index, on a graph loaded by an older version
        try:
            hits = find(driver, text, limit, settings.database)
        except Neo4jError as exc:
            err.print(f"error: search {text!r}: {escape(_one_line(exc))}")
            raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps([h.__dict__ for h in hits], ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=f"search: {text}")
    for col in ("Document", "Page", "Kind", "Ref", "Score", "Passage"):
        table.add_column(col, overflow="fold")
    for h in hits:
        table.add_row(escape(h.document), ", ".join(map(str, h.pages)), h.kind, escape(h.ref or ""),
                      f"{h.score:.2f}", escape(h.passage))
    console.print(table)
    console.print(f"{len(hits)} hit(s)")


@app.command()
def report(
    cluster: Annotated[str, typer.Argument(help="The cluster, e.g. TWIST (any case).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write CLUSTER.html and CLUSTER.pdf to.")]
    = Path("reports"),
    pdf: Annotated[bool, typer.Option(help="Also print the page to PDF (needs Chromium).")] = True,
) -> None:
    """A report on one cluster: its evaluations over time, judgments per theme and year, figures,
    constats with document and page, and its partnership network, as one self-contained HTML
    page (and a PDF of it)."""
    from pipeline.cluster_report import UnknownCluster, write_report

    settings = Neo4jSettings.from_env()
    with _driver(settings) as driver:
        try:
            files = write_report(driver, cluster, out, pdf, settings.database)
        except (UnknownCluster, RuntimeError) as exc:
            err.print(f"error: {escape(str(exc))}")
            raise typer.Exit(1) from None
    console.print(f"{files.html}" + (f" and {files.pdf}" if files.pdf else ""))


@app.command()
def analyse() -> None:
    """Recompute the partnership network (degree, betweenness, PageRank, Louvain communities,
    clusters sharing partners, successive evaluations) and write it back to Neo4j."""
    from pipeline.network_store import network_summary, refresh_network

    settings = Neo4jSettings.from_env()
    with _driver(settings) as driver:
        _print_network(network_summary(refresh_network(driver, settings.database)))


@app.command()
def export(
    outputs: Annotated[list[Path], typer.Argument(help="Files to write: .graphml and/or .json (node-link).")],
) -> None:
    """Write the whole graph as GraphML and/or JSON, for Gephi, Cytoscape, networkx and others."""
    from pipeline.export import export_graph

    settings = Neo4jSettings.from_env()
    with _driver(settings) as driver:
        try:
            graph = export_graph(driver, outputs, settings.database)
        except ValueError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from exc
    console.print(f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} relationships -> "
                  + ", ".join(str(p) for p in outputs))


@app.command()
def serve(
    inbox: Annotated[str, typer.Option(help="Folder to watch (default: the deployment's parameter in prefect.yaml).")]
    = "",
    cron: Annotated[str, typer.Option(help="Cron schedule (default: prefect.yaml's).")] = "",
) -> None:
    """Serve the scheduled inbox deployment of prefect.yaml, and run `evalgraph ingest` warm: its
    workers keep spaCy loaded (socket EVALGRAPH_SERVICE_SOCKET). Reports to PREFECT_API_URL, else
    to a Prefect server running here, else to one of its own."""
    from flows.serve import serve_inbox
    from flows.service import ServiceError

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    try:
        serve_inbox(inbox or None, cron or None, announce=err.print)
    except ServiceError as exc:
        err.print(f"[red]error[/red]: {exc}")
        raise typer.Exit(1) from None


@app.command()
def schema() -> None:
    """Apply pending schema migrations (ingest does this too) and print the version."""
    from graph_schema import apply_migrations, current_version

    settings = Neo4jSettings.from_env()
    with _driver(settings) as driver:
        applied = apply_migrations(driver, settings.database)
        console.print(f"schema version {current_version(driver, settings.database)}"
                      + (f" (applied: {', '.join(applied)})" if applied else " (up to date)"))


@app.command()
def version() -> None:
    """Print the pipeline version (part of the cache and re-ingest key)."""
    console.print(PIPELINE_VERSION)


REVIEW_FILE = typer.Option("--file", help="The review decisions file (default: EVALGRAPH_REVIEW_FILE, else "
                                           "var/review.yaml).")


def _decide(file: Path | None, decision: Accepted | Merged | Rejected) -> None:
    """Record a decision in the review file and read the gazetteer again with it."""
    from pipeline import gazetteer
    from pipeline.review import apply_decisions, read_decisions, write_decisions

    if file is not None:
        os.environ["EVALGRAPH_REVIEW_FILE"] = str(file)
    try:
        decisions = read_decisions().deciding(decision)
        apply_decisions(gazetteer.curated_data(), decisions)  # refuses a merge into an unknown target
        path = write_decisions(decisions)
    except ValueError as exc:
        err.print(f"error: {escape(str(exc))}")
        raise typer.Exit(1) from None
    gazetteer.refresh()
    console.print(f"recorded in {path}")


@review_app.callback(invoke_without_command=True)
def review_list(ctx: typer.Context, as_json: Annotated[bool, AS_JSON] = False) -> None:
    """List the organisations to review, each with where it is named first (document, page,
    sentence)."""
    if ctx.invoked_subcommand is not None:
        return
    from dataclasses import asdict

    from pipeline.review_store import organisations_to_review

    settings = Neo4jSettings.from_env()
    with _driver(settings) as driver:
        rows = organisations_to_review(driver, settings.database)
    if as_json:
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=1))
        return
    table = Table("Organisation", "Guessed type", "Documents", "Page", "Evidence", title="Organisations to review")
    for r in rows:
        table.add_row(escape(r.name), ", ".join(r.types), escape(", ".join(r.documents)), cell(r.page),
                      escape(r.sentence or ""))
    console.print(table)
    console.print(f"{len(rows)} to review: evalgraph review accept NAME --type TYPE | merge NAME --into KNOWN | "
                  "reject NAME")


@review_app.command("accept")
def review_accept(
    name: Annotated[str, typer.Argument(help="The organisation, as listed.")],
    kind: Annotated[str, typer.Option("--type", help="Its type: cluster, pole, agency, institution, company, "
                                                     "event, project, programme... (as the gazetteer's).")],
    file: Annotated[Path | None, REVIEW_FILE] = None,
) -> None:
    """Accept an organisation the NER found, with its type: it becomes known."""
    from pipeline.review import Accepted
    from pipeline.review_store import accept

    try:
        chosen = organisation_type(kind)
    except ValueError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(2) from None
    _decide(file, Accepted(name=name, type=chosen))
    settings = Neo4jSettings.from_env()
    with _driver(settings) as driver:
        held = accept(driver, name, kind, settings.database)
        _refresh_network(driver, settings)
    console.print(f"{name}: accepted as {kind}" + ("" if held else " (not in the graph yet: applies at its ingest)"))


@review_app.command("merge")
def review_merge(
    name: Annotated[str, typer.Argument(help="The organisation, as listed.")],
    into: Annotated[str, typer.Option("--into", help="The known organisation it is (canonical name or alias).")],
    file: Annotated[Path | None, REVIEW_FILE] = None,
) -> None:
    """Merge an organisation into a known one: its name becomes an alias, its mentions and relations
    move to it with their provenance."""
    from pipeline import gazetteer
    from pipeline.review import Merged
    from pipeline.review_store import merge

    target = gazetteer.lookup(into) or gazetteer.by_canonical().get(into)
    if target is None:
        err.print(f"error: {into!r} is not in the gazetteer; accept it first, or merge into a known name")
        raise typer.Exit(1)
    _decide(file, Merged(name=name, into=target.canonical))
    settings = Neo4jSettings.from_env()
    with _driver(settings) as driver:
        moved = merge(driver, name, target, settings.database)
        _refresh_network(driver, settings)
    console.print(f"{name}: merged into {target.canonical} ({moved} facts moved)")


@review_app.command("reject")
def review_reject(
    name: Annotated[str, typer.Argument(help="The organisation, as listed.")],
    file: Annotated[Path | None, REVIEW_FILE] = None,
) -> None:
    """Reject a name the NER took for an organisation: it is removed, and never reported again."""
    from pipeline import gazetteer
    from pipeline.review import Rejected
    from pipeline.review_store import reject

    if gazetteer.by_canonical().get(name) is not None:
        err.print(f"error: {name!r} is in the gazetteer; edit the gazetteer to remove it")
        raise typer.Exit(1)
    _decide(file, Rejected(name=name))
    settings = Neo4jSettings.from_env()
    with _driver(settings) as driver:
        removed = reject(driver, name, settings.database)
        _refresh_network(driver, settings)
    console.print(f"{name}: rejected ({removed} facts removed)")


def _refresh_network(driver: Driver, settings: Neo4jSettings) -> None:
    from pipeline.network_store import analysis_exists, refresh_network

    if analysis_exists(driver, settings.database):
        refresh_network(driver, settings.database)


def _server_args() -> tuple[Path, str, int, str, str]:
    s = Neo4jSettings.from_env()
    if s.host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[red]NEO4J_URI {s.uri} is not local[/red]: the bundled server only listens on loopback.")
        raise typer.Exit(2)
    return local_server_home(), "127.0.0.1" if s.host == "localhost" else s.host, s.port, s.user, s.password


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Fetch the jars if needed, start the server in the background, wait until Bolt answers."""
    home, host, port, user, _ = _server_args()
    password, kept_in = neo4j_server.ensure_password(home)
    try:
        st = neo4j_server.start(home, host, port, user, password)
    except neo4j_server.Neo4jServerError as exc:
        err.print(f"error: {escape(str(exc))}")
        raise typer.Exit(1) from None
    console.print(f"Neo4j {st.describe()} (data in {home})")
    if neo4j_server.http_port() > 0:
        console.print(f"Neo4j Browser: http://{host}:{neo4j_server.http_port()}/browser/ "
                      f"(connect to bolt://{host}:{port}, user {user})")
    if kept_in is not None:
        console.print(f"user {user}, password in {kept_in} (readable by you only; set NEO4J_PASSWORD to choose one)")


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the bundled server cleanly."""
    home, *_ = _server_args()
    console.print("stopped" if neo4j_server.stop(home) else "not running")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Say whether the bundled server runs and answers."""
    home, host, port, user, password = _server_args()
    try:
        st = neo4j_server.status(home, host, port, user, password)
    except neo4j_server.Neo4jServerError as exc:
        err.print(f"error: {escape(str(exc))}")
        raise typer.Exit(1) from None
    console.print(f"Neo4j {st.describe()}")
    if not st.answering:
        raise typer.Exit(1)


def main() -> None:
    # pdfminer logs what it repairs ("Invalid MediaBox, defaulting to US Letter"); what matters of it
    # reaches the user as the document's own one-line error or warning
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    # A shell starts background jobs with Ctrl-C ignored, and Python then never raises
    # KeyboardInterrupt: an ingest could not be interrupted at all. It stops cleanly on SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        app()
    except SystemExit as done:
        _exit_now(done.code)


def _exit_now(code: int | str | None) -> NoReturn:
    """End the process as soon as the command is done: what the user asked for is printed and in
    Neo4j. The interpreter's own teardown (freeing every object of Prefect's and spaCy's modules,
    one by one) took about a second after each `evalgraph ingest` on 2 cores, for nothing. What
    must still happen is done first: Prefect's queued logs and events sent, output flushed."""
    if isinstance(code, str):
        err.print(code)
        code = 1
    if "flows.prefect_api" in sys.modules:
        from flows.prefect_api import drain_queued

        drain_queued()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more can be said there
            stream.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    main()
