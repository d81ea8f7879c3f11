"""What the CLI and the warm service (`evalgraph serve`, flows.service) say to each other over the
service's socket: one JSON object per line. The CLI sends a `Submission`; the service answers
`Refused` (the CLI then runs the ingest itself), or follows the run with `Progress` lines and ends
with `Outcome` or `RunFailed`.

The CLI prints an `Outcome` whether the run was its own or the service's, so what a user sees does
not depend on where the run happened."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from models.kinds import IngestEvent, IngestStatus

Fact = str | int | None


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Submission(Message):
    """An ingest as the CLI would run it. `environment` is what of the CLI's environment decides
    what a run does (pipeline.config.run_environment): the service refuses a submission whose
    environment is not its own, and a different `version`."""

    kind: Literal["submission"] = "submission"
    paths: list[str]  # absolute: the service does not share the CLI's working folder
    prune: bool = False
    analyse: bool = True
    version: str
    environment: dict[str, str]


class WarningView(Message):
    code: str
    message: str
    page: int | None = None


class RowView(Message):
    """One document's outcome as the summaries show it (pipeline.ingest_row.IngestRow.view)."""

    source: str
    status: IngestStatus
    reason: str = ""
    facts: dict[str, Fact] = Field(default_factory=dict)
    warnings: list[WarningView] = Field(default_factory=list)


class Refused(Message):
    kind: Literal["refused"] = "refused"
    reason: str


class Progress(Message):
    kind: Literal["progress"] = "progress"
    event: IngestEvent
    row: RowView


class Outcome(Message):
    """What an ingest did and what the graph holds after it."""

    kind: Literal["outcome"] = "outcome"
    rows: list[RowView]
    headline: str
    network: dict[str, float | int] | None = None
    nodes_per_label: dict[str, int] = Field(default_factory=dict)
    evaluation_years: dict[str, list[int]] = Field(default_factory=dict)
    neo4j_uri: str = ""

    @property
    def failed(self) -> bool:
        return any(r.status == "failed" for r in self.rows)


class RunFailed(Message):
    """The run itself failed (Neo4j unreachable, a crash): nothing more to show than why."""

    kind: Literal["run_failed"] = "run_failed"
    message: str


Answer = Annotated[Refused | Progress | Outcome | RunFailed, Field(discriminator="kind")]
ANSWER = TypeAdapter(Answer)
