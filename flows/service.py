"""The warm service: `evalgraph serve` keeps what a run takes seconds to start (the extraction
workers with spaCy loaded, Prefect and its API, the flow's code, a Neo4j connection pool) and runs
the ingests that `evalgraph ingest` submits to it over a Unix socket (flows.service_client).

What a submitted run does is what the same command would do in the CLI's process: the same flow
(flows.ingest.run_ingest), reported to the service's Prefect API, on the service's workers. So
the service runs a submission only when the CLI's environment decides the run as its own does
(pipeline.config.run_environment: Neo4j target, bounds, knowledge files, task runner) and its
version is the CLI's; else it refuses and the CLI runs the ingest itself.

One submitted run at a time (they share the workers; a second waits for the first). The workers
read the report wording and the partner cues when they start, so the service starts new ones
when those files changed since (the gazetteer they read again by themselves, per document).
The socket is the user's only (mode 0600, in the user's cache folder by default); a CLI that goes
away (Ctrl-C) stops its run at the next safe point, as Ctrl-C does in the CLI's own runs.
"""

from __future__ import annotations

import contextvars
import os
import socketserver
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

from pydantic import ValidationError

from flows.extraction_pool import extraction_processes
from flows.progress import Event, listening
from flows.service_client import connect
from models.service import Message, Outcome, Progress, Refused, RunFailed, Submission
from pipeline import PIPELINE_VERSION
from pipeline.config import run_environment
from pipeline.ingest_row import IngestRow
from pipeline.pages import describe
from pipeline.versioning import knowledge_digest

MAX_SUBMISSION_BYTES = 1 << 20  # a submission is a few paths: anything longer is not one


class ServiceError(RuntimeError):
    pass


Send = Callable[[Message], None]


def _differences(theirs: dict[str, str], ours: dict[str, str]) -> list[str]:
    return sorted(name for name in theirs.keys() | ours.keys() if theirs.get(name) != ours.get(name))


class IngestService:
    """Runs submitted ingests with warm workers. `workers()` starts the extraction processes;
    `listening()`, entered where the Prefect API is set (flows.prefect_api), takes submissions
    on the socket until it exits."""

    def __init__(self, socket_path: Path, extract_workers: int) -> None:
        self.socket_path = socket_path
        self.extract_workers = extract_workers
        self.environment = run_environment()
        self._run_lock = threading.Lock()
        self._pool = ExitStack()
        self._knowledge = ""
        self._context: contextvars.Context | None = None  # the serving thread's, set by `listening`

    @contextmanager
    def workers(self) -> Iterator[None]:
        self._fresh_workers()
        try:
            yield
        finally:
            self._pool.close()

    def _fresh_workers(self) -> None:
        """New workers if the knowledge they read at start (report wording, partner cues) changed."""
        digest = knowledge_digest()
        if digest == self._knowledge:
            return
        self._pool.close()
        self._pool = ExitStack()
        self._pool.enter_context(extraction_processes(self.extract_workers))
        self._knowledge = digest

    @contextmanager
    def listening(self) -> Iterator[None]:
        """Take submissions on the socket until the block exits. Runs see the Prefect settings of
        the thread that entered this block."""
        self._context = contextvars.copy_context()
        _claim(self.socket_path)
        server = _Server(str(self.socket_path), _Handler)
        server.service = self
        os.chmod(self.socket_path, 0o600)
        thread = threading.Thread(target=server.serve_forever, name="evalgraph-service", daemon=True)
        thread.start()
        try:
            yield
        finally:
            server.shutdown()
            server.server_close()
            with suppress(FileNotFoundError):
                self.socket_path.unlink()

    def refusal(self, submission: Submission) -> str | None:
        """Why this service must not run the submission (the CLI then runs it), if it must not."""
        if submission.version != PIPELINE_VERSION:
            return f"the service runs evalgraph {PIPELINE_VERSION}, this command is {submission.version}"
        different = _differences(submission.environment, self.environment)
        if different:
            return f"the service was started with other settings ({', '.join(different)})"
        return None

    def run(self, submission: Submission, send: Send) -> None:
        """The submitted ingest, followed by `send` as it runs; in the context of the serving
        thread (its Prefect API), one at a time."""
        if self._context is None:
            raise ServiceError("the service runs submissions only while it is listening")
        self._context.copy().run(self._run, submission, send)

    def _run(self, submission: Submission, send: Send) -> None:
        from flows.ingest import outcome_of, run_ingest

        stop = threading.Event()

        def on_event(event: Event, row: IngestRow) -> None:
            if stop.is_set():
                return
            try:
                send(Progress(event=event, row=row.view()))
            except OSError:  # the CLI is gone (Ctrl-C): the run stops at its next safe point
                stop.set()

        with self._run_lock:
            try:
                self._fresh_workers()
                with listening(on_event, stop):
                    report = run_ingest(submission.paths, prune=submission.prune, analyse=submission.analyse)
                outcome: Outcome | RunFailed = outcome_of(report)
            except KeyboardInterrupt:
                return  # stopped because the CLI went away: nobody to tell
            except Exception as exc:
                outcome = RunFailed(message=describe(exc))
            with suppress(OSError):
                send(outcome)


class _Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True  # a run in progress does not hold the service's exit
    service: IngestService


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        def send(message: Message) -> None:
            self.wfile.write(message.model_dump_json().encode() + b"\n")

        line = self.rfile.readline(MAX_SUBMISSION_BYTES)
        if not line:
            return  # a probe (flows.service.answers): connected, sent nothing
        with suppress(OSError):  # the CLI went away before its answer
            try:
                submission = Submission.model_validate_json(line)
            except ValidationError as exc:
                send(RunFailed(message=f"not an evalgraph submission ({exc.error_count()} errors)"))
                return
            reason = self.server.service.refusal(submission)
            if reason:
                send(Refused(reason=reason))
                return
            self.server.service.run(submission, send)


def answers(path: Path) -> bool:
    """Something listens on the socket at `path`."""
    probe = connect(path)
    if probe is None:
        return False
    probe.close()
    return True


def _claim(path: Path) -> None:
    """The socket's place, made ready: its folder the user's only when created here, a stale socket
    (a service killed without cleaning up) removed; a live one is another service's."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if answers(path):
        raise ServiceError(f"an evalgraph service already takes ingests on {path}")
    with suppress(FileNotFoundError):
        path.unlink()
