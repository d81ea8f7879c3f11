"""Serve the scheduled inbox deployment declared in prefect.yaml, in one command.

prefect.yaml stays the one place where the deployment (name, parameters, schedule) is written:
`prefect deploy` reads it for work pools, and `evalgraph serve` reads it here for `Flow.serve`,
which needs no work pool or worker: the serving process polls for scheduled or manual runs. The
same process is the warm service that `evalgraph ingest` hands its runs to (flows.service).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import yaml

from pipeline.config import PROJECT_ROOT, service_socket

PREFECT_YAML = PROJECT_ROOT / "prefect.yaml"


def deployment_spec(name: str = "inbox", path: Path = PREFECT_YAML) -> dict[str, Any]:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    for deployment in spec.get("deployments", []):
        if deployment["name"] == name:
            return deployment
    raise KeyError(f"{path} declares no deployment named {name!r}")


def serve_inbox(inbox: str | None = None, cron: str | None = None, name: str = "inbox",
                announce: Callable[[str], None] = print) -> None:
    """Blocks, running the deployment's scheduled and triggered runs, and the ingests the CLI
    submits (flows.service), until interrupted. The Prefect API is PREFECT_API_URL's, else a
    server running here, else one of its own for as long as it serves (flows.prefect_api)."""
    from prefect.schedules import Cron

    from flows.ingest import ingest_archive
    from flows.prefect_api import prefect_api
    from flows.runner_settings import RunnerSettings
    from flows.service import IngestService

    spec = deployment_spec(name)
    parameters = dict(spec.get("parameters", {}))
    if inbox:
        parameters["paths"] = [str(Path(inbox).resolve())]
    schedules = [Cron(cron or s["cron"], timezone=s.get("timezone")) for s in spec.get("schedules", [])
                 if s.get("active", True)]
    socket_path = service_socket()
    service = IngestService(socket_path, RunnerSettings.resolve().extract_workers) if socket_path else None
    with ExitStack() as serving:
        if service:
            serving.enter_context(service.workers())  # they load spaCy while the Prefect API starts
        api = serving.enter_context(prefect_api())
        if service:
            serving.enter_context(service.listening())
        announce(f"evalgraph serve: Prefect API {api}; "
                 + (f"`evalgraph ingest` runs here warm (socket {socket_path})" if service
                    else "no warm service (EVALGRAPH_SERVICE_SOCKET is empty)"))
        ingest_archive.serve(name=spec["name"], description=spec.get("description"), tags=spec.get("tags"),
                             parameters=parameters, schedules=schedules)
