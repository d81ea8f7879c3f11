"""What an ingest run did, as a report (the flow's return value) and as the markdown artifact
Prefect shows for the run: every document, its status, records and warnings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from models.service import Outcome
from pipeline.graph_summary import GraphSummary
from pipeline.ingest_row import IngestRow
from pipeline.network import NetworkResult
from pipeline.network_store import network_summary

ARTIFACT_KEY = "evalgraph-ingest-summary"
ARTIFACT_FACTS = ("Type", "Cluster", "Year", "Questions", "Criteria", "Constats", "Partners")


@dataclass
class IngestReport:
    rows: list[IngestRow]
    network: NetworkResult | None = None
    records_written: int = 0  # nodes and relationships the run created

    @property
    def counts(self) -> dict[str, int]:
        """Documents per status."""
        return dict(Counter(r.status for r in self.rows))

    @property
    def headline(self) -> str:
        """"1 failed, 12 loaded, 3 unchanged; 2431 records written"."""
        counts = ", ".join(f"{n} {status}" for status, n in sorted(self.counts.items())) or "no documents"
        return f"{counts}; {self.records_written} records written"

    @property
    def failed(self) -> list[IngestRow]:
        return [r for r in self.rows if r.status == "failed"]

    def outcome(self, graph: GraphSummary, neo4j_uri: str) -> Outcome:
        """The report as the CLI prints it, with what the graph holds afterwards."""
        return Outcome(rows=[r.view() for r in self.rows], headline=self.headline,
                       network=network_summary(self.network) if self.network is not None else None,
                       nodes_per_label=graph.nodes_per_label, evaluation_years=graph.evaluation_years,
                       neo4j_uri=neo4j_uri)


def _cell(text: object) -> str:
    return "" if text is None else str(text).replace("|", "\\|").replace("\n", " ")


def summary_markdown(report: IngestReport) -> str:
    lines = ["# evalgraph ingest", "", report.headline, "",
             "| Document | Status | " + " | ".join(ARTIFACT_FACTS) + " | Warnings | Reason |",
             "|---|---|" + "---|" * len(ARTIFACT_FACTS) + "---|---|"]
    for r in report.rows:
        facts = r.facts()
        warnings = "; ".join(f"{w.code} (p. {w.page})" for w in r.warnings())
        cells = [r.source, r.status, *(facts.get(key) for key in ARTIFACT_FACTS), warnings, r.reason]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if report.network is not None:
        lines += ["", "Network: " + ", ".join(f"{k} {v}" for k, v in network_summary(report.network).items())]
    return "\n".join(lines) + "\n"
