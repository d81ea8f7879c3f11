"""The whole graph as GraphML (Gephi, Cytoscape, yEd, networkx) and as JSON (node-link).

Read through the driver into a networkx MultiDiGraph: Neo4j's own export procedures
live in APOC, which the bundled Community server does not ship.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
from neo4j import Driver

_NODES = "MATCH (n) WHERE NOT n:SchemaVersion RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props"
_RELATIONSHIPS = """
MATCH (a)-[r]->(b) WHERE NOT a:SchemaVersion AND NOT b:SchemaVersion
RETURN elementId(r) AS id, elementId(a) AS source, elementId(b) AS target, type(r) AS type, properties(r) AS props
"""


def _plain(value: Any) -> Any:
    """Neo4j temporal values become ISO strings; everything else is already JSON."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.iso_format() if hasattr(value, "iso_format") else value


def read_graph(driver: Driver, database: str | None = None) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    nodes, _, _ = driver.execute_query(_NODES, database_=database)
    for r in nodes:
        graph.add_node(r["id"], labels=sorted(r["labels"]), **{k: _plain(v) for k, v in r["props"].items()})
    rels, _, _ = driver.execute_query(_RELATIONSHIPS, database_=database)
    for r in rels:
        # "label" holds the relationship type (the name Gephi shows); LISTS has a property "type"
        graph.add_edge(r["source"], r["target"], key=r["id"],
                       **{k: _plain(v) for k, v in r["props"].items()}, label=r["type"])
    return graph


def _graphml_ready(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """GraphML attributes are scalars: lists are written as JSON text, labels as ':A:B'."""
    out = nx.MultiDiGraph()

    def flat(attrs: dict[str, Any]) -> dict[str, Any]:
        return {k: (":" + ":".join(v) if k == "labels" else json.dumps(v, ensure_ascii=False))
                if isinstance(v, list) else v for k, v in attrs.items() if v is not None}

    out.add_nodes_from((n, flat(a)) for n, a in graph.nodes(data=True))
    out.add_edges_from((u, v, k, flat(a)) for u, v, k, a in graph.edges(keys=True, data=True))
    return out


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> Path:
    nx.write_graphml(_graphml_ready(graph), path, encoding="utf-8")
    return path


def write_json(graph: nx.MultiDiGraph, path: Path) -> Path:
    data = nx.node_link_data(graph, edges="links")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def export_graph(driver: Driver, paths: list[Path], database: str | None = None) -> nx.MultiDiGraph:
    """Write the graph to each path; the format follows the suffix (.graphml or .json)."""
    for path in paths:
        if path.suffix.lower() not in (".graphml", ".json"):
            raise ValueError(f"{path}: the export format follows the suffix, .graphml or .json")
    graph = read_graph(driver, database)
    for path in paths:
        (write_graphml if path.suffix.lower() == ".graphml" else write_json)(graph, path)
    return graph
