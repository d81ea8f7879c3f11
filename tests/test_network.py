"""The partnership network computations, on plain edges (no database)."""

from __future__ import annotations

from pipeline.network import Edge, analyse, partnership_graph, shared_partners


def _edges() -> list[Edge]:
    # two clusters around their partners, bridged by AWEX; the pôle Wagralim shares AWEX with both
    return [Edge("A", "PARTNERS_WITH", "AWEX", "a.pdf"), Edge("A", "PARTNERS_WITH", "AWEX", "a2.pdf"),
            Edge("A", "PRESENT_AT", "IBC", "a.pdf"), Edge("A", "TAKES_PART_IN", "Interreg", "a.pdf"),
            Edge("A", "PARTNERS_WITH", "X1", "a.pdf"), Edge("X1", "PARTNERS_WITH", "IBC", "a.pdf"),
            Edge("B", "PARTNERS_WITH", "AWEX", "b.pdf"), Edge("B", "HAS_MEMBER", "Y1", "b.pdf"),
            Edge("B", "HAS_MEMBER", "Y2", "b.pdf"), Edge("Y1", "PARTNERS_WITH", "Y2", "b.pdf"),
            Edge("Wagralim", "PARTNERS_WITH", "AWEX", "w.pdf"), Edge("A", "SYNERGY_WITH", "A", "a.pdf")]


NAMES = ["A", "B", "AWEX", "IBC", "Interreg", "X1", "Y1", "Y2", "Wagralim", "Alone"]


def test_edges_are_undirected_and_weighted_by_distinct_statements() -> None:
    g = partnership_graph(NAMES, _edges())
    assert g["A"]["AWEX"]["weight"] == 2 and g["A"]["AWEX"]["sources"] == ["a.pdf", "a2.pdf"]
    assert g["AWEX"]["B"]["weight"] == 1
    assert not g.has_edge("A", "A")  # a self-relation says nothing about partnerships
    assert "Alone" in g and g.degree("Alone") == 0


def test_shared_partners_between_hubs() -> None:
    g = partnership_graph(NAMES, _edges())
    pairs = {(s.a, s.b): (s.partners, s.weight) for s in shared_partners(g, {"A", "B", "Wagralim"})}
    assert pairs == {("A", "B"): (("AWEX",), 1), ("A", "Wagralim"): (("AWEX",), 1),
                     ("B", "Wagralim"): (("AWEX",), 1)}


def test_metrics_find_the_bridge_and_two_communities_every_time() -> None:
    first, second = analyse(NAMES, _edges(), {"A", "B"}), analyse(NAMES, _edges(), {"A", "B"})
    assert first.organisations == second.organisations  # Louvain is seeded: same communities on every run
    m = {o.name: o for o in first.organisations}
    assert max(m.values(), key=lambda o: o.betweenness).name == "AWEX"
    assert m["A"].degree == 4 and m["Alone"].degree == 0 and m["Alone"].pagerank > 0
    assert m["A"].community == m["IBC"].community == m["X1"].community
    assert m["B"].community == m["Y1"].community == m["Y2"].community != m["A"].community
    assert first.communities >= 3 and 0 < first.modularity < 1 and first.edges == 10
