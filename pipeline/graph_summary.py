"""What the graph holds, in two numbers an analyst checks after an ingest: nodes per label, and the
years each cluster was evaluated. The CLI prints it (`evalgraph summary`, the end of an ingest)."""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import Driver

_NODES_PER_LABEL = ("MATCH (n) WHERE NOT n:SchemaVersion UNWIND labels(n) AS label "
                    "RETURN label, count(*) AS n ORDER BY label")
_EVALUATION_YEARS = ("MATCH (c:Cluster)<-[:EVALUATES]-(e:Evaluation) "
                     "RETURN c.name AS cluster, collect(DISTINCT e.year) AS years ORDER BY cluster")


@dataclass(frozen=True)
class GraphSummary:
    nodes_per_label: dict[str, int]
    evaluation_years: dict[str, list[int]]  # cluster -> the years of its evaluations, in order


def graph_summary(driver: Driver, database: str | None = None) -> GraphSummary:
    labels, _, _ = driver.execute_query(_NODES_PER_LABEL, database_=database)
    years, _, _ = driver.execute_query(_EVALUATION_YEARS, database_=database)
    return GraphSummary({r["label"]: r["n"] for r in labels},
                        {r["cluster"]: sorted(y for y in r["years"] if y) for r in years})
