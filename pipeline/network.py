"""The partnership network, computed with networkx from the relations the documents state.

Why networkx and not Cypher alone: centrality (betweenness, PageRank) and community
detection (Louvain) are whole-graph computations that Neo4j Community has no library for.
The graph is small (organisations, not documents), so it is read whole, computed in
memory, and the results are written back as properties and derived relationships that the
Cypher cookbook queries.

Pure functions over plain records (`Edge`), so they are tested without a database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import networkx as nx

LOUVAIN_SEED = 7  # Louvain is randomised: a fixed seed gives the same communities on every run


@dataclass(frozen=True)
class Edge:
    """One stated relation between two organisations, from one document."""

    subject: str
    relation: str
    object: str
    source: str


@dataclass(frozen=True)
class OrganisationMetrics:
    name: str
    degree: int
    betweenness: float
    pagerank: float
    community: int


@dataclass(frozen=True)
class SharedPartners:
    """Two clusters (or pôles) that relate to the same organisations: a synergy by structure."""

    a: str
    b: str
    partners: tuple[str, ...]

    @property
    def weight(self) -> int:
        return len(self.partners)


@dataclass
class NetworkResult:
    organisations: list[OrganisationMetrics]
    shared: list[SharedPartners]
    communities: int
    modularity: float
    edges: int = 0


def partnership_graph(names: list[str], edges: list[Edge]) -> nx.Graph:
    """Undirected: a partnership binds both sides. An edge's weight counts the distinct
    (relation, document) statements behind it, so a tie repeated by several reports weighs more."""
    graph = nx.Graph()
    graph.add_nodes_from(names)
    statements: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for e in edges:
        if e.subject != e.object:
            pair = (e.subject, e.object) if e.subject < e.object else (e.object, e.subject)
            statements[pair].add((e.relation, e.source))
    for (a, b), said in statements.items():
        graph.add_edge(a, b, weight=len(said), relations=sorted({r for r, _ in said}),
                       sources=sorted({s for _, s in said}))
    return graph


def _communities(graph: nx.Graph) -> list[set[str]]:
    """Louvain communities, numbered from the largest (ties by first name) so ids are stable."""
    found = nx.community.louvain_communities(graph, weight="weight", seed=LOUVAIN_SEED)
    return sorted(found, key=lambda c: (-len(c), min(c)))


def organisation_metrics(graph: nx.Graph) -> tuple[list[OrganisationMetrics], float, int]:
    """(metrics per organisation, modularity of the partition, number of communities)."""
    if graph.number_of_nodes() == 0:
        return [], 0.0, 0
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    pagerank = nx.pagerank(graph, weight="weight")
    communities = _communities(graph)
    community_of = {name: i for i, members in enumerate(communities) for name in members}
    modularity = nx.community.modularity(graph, communities, weight="weight") if graph.number_of_edges() else 0.0
    metrics = [OrganisationMetrics(name=n, degree=graph.degree(n), betweenness=round(betweenness[n], 6),
                                   pagerank=round(pagerank[n], 6), community=community_of[n])
               for n in sorted(graph.nodes)]
    return metrics, round(modularity, 6), len(communities)


def shared_partners(graph: nx.Graph, hubs: set[str]) -> list[SharedPartners]:
    """Pairs of hubs (clusters, pôles) with at least one neighbour in common, and which ones."""
    present = sorted(h for h in hubs if h in graph)
    pairs = []
    for a, b in combinations(present, 2):
        common = (set(graph[a]) & set(graph[b])) - {a, b}
        if common:
            pairs.append(SharedPartners(a, b, tuple(sorted(common))))
    return pairs


def analyse(names: list[str], edges: list[Edge], hubs: set[str]) -> NetworkResult:
    graph = partnership_graph(names, edges)
    metrics, modularity, count = organisation_metrics(graph)
    return NetworkResult(organisations=metrics, shared=shared_partners(graph, hubs), communities=count,
                         modularity=modularity, edges=graph.number_of_edges())
