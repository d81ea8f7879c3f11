"""Read the partnership network from Neo4j and write the analytics back.

Everything written here is derived: organisation metrics (degree, betweenness, pagerank,
community), SHARES_PARTNERS between clusters and pôles, NEXT_EVALUATION between successive
evaluations of one cluster, and one NetworkAnalysis node. It is recomputed whole, in one
transaction, after any ingest that changed the graph, so it never disagrees with the facts.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from neo4j import Driver, ManagedTransaction

from models.kinds import RELATION_TYPES
from pipeline.network import Edge, NetworkResult, analyse

HUB_LABELS = ("Cluster", "Pole")

_READ_NAMES = "MATCH (o:Organisation) RETURN o.name AS name, [l IN labels(o) WHERE l IN $hubs] <> [] AS hub"
_READ_EDGES = """
MATCH (s:Organisation)-[r]->(o:Organisation) WHERE type(r) IN $relations
RETURN s.name AS subject, type(r) AS relation, o.name AS object, r.source AS source
"""

_CLEAR = ("MATCH ()-[r:SHARES_PARTNERS|NEXT_EVALUATION]->() DELETE r",
          "MATCH (o:Organisation) WHERE o.degree IS NOT NULL "
          "REMOVE o.degree, o.betweenness, o.pagerank, o.community")
_WRITE_METRICS = """
UNWIND $metrics AS m
MATCH (o:Organisation {name: m.name})
SET o.degree = m.degree, o.betweenness = m.betweenness, o.pagerank = m.pagerank, o.community = m.community
"""
_WRITE_SHARED = """
UNWIND $shared AS s
MATCH (a:Organisation {name: s.a}), (b:Organisation {name: s.b})
CREATE (a)-[:SHARES_PARTNERS {weight: size(s.partners), partners: s.partners}]->(b)
"""
# Successive evaluations of one cluster, by date (year when the date is unknown).
_LINK_EVALUATIONS = """
MATCH (c:Organisation)<-[:EVALUATES]-(e:Evaluation)
WITH c, e ORDER BY coalesce(e.date, toString(e.year)), e.source
WITH c, collect(e) AS evs
UNWIND range(0, size(evs) - 2) AS i
WITH c, evs[i] AS a, evs[i + 1] AS b
CREATE (a)-[:NEXT_EVALUATION {cluster: c.name, years: b.year - a.year}]->(b)
"""
_WRITE_SUMMARY = """
MERGE (n:NetworkAnalysis {id: 'partnerships'})
SET n.computed_at = datetime(), n.organisations = $organisations, n.edges = $edges,
    n.communities = $communities, n.modularity = $modularity, n.shared_pairs = $shared_pairs
"""


def read_network(driver: Driver, database: str | None = None) -> tuple[list[str], list[Edge], set[str]]:
    """(organisation names, stated relations, hub names) as they are in the graph now."""
    names, _, _ = driver.execute_query(_READ_NAMES, hubs=list(HUB_LABELS), database_=database)
    edges, _, _ = driver.execute_query(_READ_EDGES, relations=list(RELATION_TYPES), database_=database)
    return ([r["name"] for r in names], [Edge(**r.data()) for r in edges], {r["name"] for r in names if r["hub"]})


def _write(tx: ManagedTransaction, result: NetworkResult) -> None:
    for statement in _CLEAR:
        tx.run(statement).consume()
    tx.run(_WRITE_METRICS, metrics=[asdict(m) for m in result.organisations]).consume()
    tx.run(_WRITE_SHARED, shared=[{"a": s.a, "b": s.b, "partners": list(s.partners)} for s in result.shared]).consume()
    tx.run(_LINK_EVALUATIONS).consume()
    tx.run(_WRITE_SUMMARY, organisations=len(result.organisations), edges=result.edges,
           communities=result.communities, modularity=result.modularity, shared_pairs=len(result.shared)).consume()


def refresh_network(driver: Driver, database: str | None = None) -> NetworkResult:
    """Recompute the analytics from the graph's current facts and replace the previous ones."""
    names, edges, hubs = read_network(driver, database)
    result = analyse(names, edges, hubs)
    with driver.session(database=database) as session:
        session.execute_write(_write, result)
    return result


def analysis_exists(driver: Driver, database: str | None = None) -> bool:
    records, _, _ = driver.execute_query("MATCH (n:NetworkAnalysis {id: 'partnerships'}) RETURN count(n) AS n",
                                         database_=database)
    return records[0]["n"] > 0


def network_summary(result: NetworkResult) -> dict[str, Any]:
    return {"organisations": len(result.organisations), "edges": result.edges,
            "communities": result.communities, "modularity": result.modularity, "shared_pairs": len(result.shared)}
