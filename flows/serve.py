"""Serve the scheduled inbox deployment declared in prefect.yaml, in one command.

prefect.yaml stays the one place where the deployment (name, parameters, schedule) is written:
`prefect deploy` reads it for work pools, and `evalgraph serve` reads it here for `Flow.serve`,
which needs no work pool or worker: the serving process polls for scheduled or manual runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipeline.config import PROJECT_ROOT

PREFECT_YAML = PROJECT_ROOT / "prefect.yaml"


def deployment_spec(name: str = "inbox", path: Path = PREFECT_YAML) -> dict[str, Any]:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    for deployment in spec.get("deployments", []):
        if deployment["name"] == name:
            return deployment
    raise KeyError(f"{path} declares no deployment named {name!r}")


def serve_inbox(inbox: str | None = None, cron: str | None = None, name: str = "inbox") -> None:
    """Blocks, running the deployment's scheduled and triggered runs until interrupted."""
    from prefect.schedules import Cron

    from flows.ingest import ingest_archive

    spec = deployment_spec(name)
    parameters = dict(spec.get("parameters", {}))
    if inbox:
        parameters["paths"] = [str(Path(inbox).resolve())]
    schedules = [Cron(cron or s["cron"], timezone=s.get("timezone")) for s in spec.get("schedules", [])
                 if s.get("active", True)]
    ingest_archive.serve(name=spec["name"], description=spec.get("description"), tags=spec.get("tags"),
                         parameters=parameters, schedules=schedules)
