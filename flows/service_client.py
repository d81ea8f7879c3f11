"""The CLI's side of the warm service (flows.service): submit an ingest on the service's socket and
follow it. Imports nothing heavy (no Prefect, no spaCy, no Neo4j driver): a submitted run costs the
CLI only its own start."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

from models.service import ANSWER, Outcome, Progress, Refused, RunFailed, Submission


class ServiceLost(RuntimeError):
    """The service closed the connection before the run ended (it was stopped, or died)."""


def connect(path: Path) -> socket.socket | None:
    """A connection to the service listening at `path`, or None when none does."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
    except OSError:
        connection.close()
        return None
    return connection


def submit(connection: socket.socket, submission: Submission,
           on_progress: Callable[[Progress], None]) -> Outcome | Refused | RunFailed:
    """Send the submission and follow the run to its end; closes the connection (which, before the
    end, stops the run at its next safe point)."""
    with connection, connection.makefile("rb") as answers:
        connection.sendall(submission.model_dump_json().encode() + b"\n")
        for line in answers:
            answer = ANSWER.validate_json(line)
            if isinstance(answer, Progress):
                on_progress(answer)
                continue
            return answer
    raise ServiceLost("the evalgraph service stopped before the run ended; run the command again")
