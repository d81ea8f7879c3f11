"""One document's outcome in an ingest (IngestRow), and the step that makes it from a file:
`extract_one`, what an extraction worker (flows.extraction_pool) runs.

Apart from pipeline.ingest, which also plans, loads and finishes a run, so that a worker imports
what extraction needs and nothing of Neo4j's driver or the network analytics: a worker's start
is on the path of every new report the CLI ingests.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from models import ExtractionResult
from models.kinds import IngestStatus
from models.service import Fact, RowView, WarningView
from pipeline.archive import FoundFile
from pipeline.extract import extract_document
from pipeline.graph_load import records_written
from pipeline.pages import DocumentReadError, describe


@dataclass
class IngestRow:
    """One document's outcome (models.kinds.IngestStatus says what each status means)."""

    source: str
    status: IngestStatus
    result: ExtractionResult | None = None
    reason: str = ""
    counters: dict[str, int] = field(default_factory=dict)
    path: str = ""
    shown: RowView | None = None  # what the summaries show of a result let go (without_records)

    @classmethod
    def failure(cls, source: str, reason: str, path: str = "", result: ExtractionResult | None = None) -> IngestRow:
        """A failed document: its reason starts with its identity, as every message does."""
        return cls(source, "failed", result, f"{source}: {reason}", path=path)

    @property
    def records_written(self) -> int:
        return records_written(self.counters)

    def without_records(self) -> IngestRow:
        """The row once its records are in Neo4j: what the summaries show of it, not its
        extraction. A run keeps every row to its end, and a 1000-report run held every report's
        records until then."""
        if self.result is None:
            return self
        return replace(self, result=None, shown=self.view())

    def facts(self) -> dict[str, Fact]:
        """What the summaries (terminal table, Prefect artifact) show of the document; empty
        when it was not extracted (unchanged, failed to open, pruned)."""
        res = self.result
        if res is None:
            return dict(self.shown.facts) if self.shown is not None else {}
        ev = res.evaluation
        return {"Type": res.document.doc_type, "Cluster": ev.cluster if ev else None,
                "Year": ev.year if ev else None, "Evaluator": ev.evaluator if ev else None,
                "Pages": res.document.pages, "Questions": len(res.questions), "Criteria": len(res.criteria),
                "Constats": len(res.constats), "Partners": len({m.canonical for m in res.partners}),
                "Warnings": len(res.warnings)}

    def warnings(self) -> list[WarningView]:
        if self.result is None:
            return list(self.shown.warnings) if self.shown is not None else []
        return [WarningView(code=w.code, message=w.message, page=w.page) for w in self.result.warnings]

    def view(self) -> RowView:
        """The row as the summaries show it, without its records: what the warm service sends the CLI."""
        return RowView(source=self.source, status=self.status, reason=self.reason,
                       facts=self.facts(), warnings=self.warnings())



def extract_one(found: FoundFile) -> IngestRow:
    """Extraction never raises for bad input: the row says why the document was not read."""
    source = found.source
    try:
        result = extract_document(Path(found.path), source, found.origin)
        return IngestRow(source, "extracted", result, path=found.path)
    except DocumentReadError as exc:
        return IngestRow(source, "failed", reason=str(exc), path=found.path)
    except (OSError, MemoryError, RecursionError) as exc:
        return IngestRow.failure(source, describe(exc), found.path)

