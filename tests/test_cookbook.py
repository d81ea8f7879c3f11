"""The Cypher cookbook, the network analytics and the exports, against a real Neo4j holding
the corpus and three generated reports (Infopôle 2020, TWEED 2024 with a missing judgment and
two organisations the gazetteer does not know, TWIST 2024), loaded by the real flow.
Every answer asserted here follows from what those PDFs print."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from neo4j import Driver

from corpus_tools.grid_pdf import build_grid_pdf
from corpus_tools.synthetic import make_report
from graph_schema import cookbook_query, query_names
from pipeline.config import Neo4jSettings, make_driver
from pipeline.export import export_graph
from tests.conftest import CORPUS, EVALGRAPH, neo4j_environment

pytestmark = pytest.mark.slow  # the module's graph is loaded by the Prefect flow


def build_archive(folder: Path) -> Path:
    for pdf in CORPUS.glob("*.pdf"):
        shutil.copy(pdf, folder)
    build_grid_pdf(make_report(3), folder / "infopole_2020.pdf")
    build_grid_pdf(make_report(17), folder / "twist_2024.pdf")
    tweed = make_report(6)
    tweed.questions[0].synthesis.append("Le cluster collabore avec la société Ozone Studios SA et participe au "
                                        "Festival du Film de Mons.")
    tweed.questions[2].rows[0].judgment = None
    build_grid_pdf(tweed, folder / "tweed_2024.pdf")
    return folder


@pytest.fixture(scope="module")
def graph(neo4j_settings: Neo4jSettings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Driver]:
    from flows.ingest import run_ingest

    archive = build_archive(tmp_path_factory.mktemp("archive"))
    with neo4j_environment(neo4j_settings), make_driver(neo4j_settings) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
        report = run_ingest([str(archive)], runner="threads", workers=2)
        assert sorted(report.counts.items()) == [("loaded", 7)]
        yield driver


def run(driver: Driver, name: str, **params: str | int) -> list[dict]:
    q = cookbook_query(name)
    records, _, _ = driver.execute_query(q.text, q.run_parameters({k: str(v) for k, v in params.items()}))
    return [r.data() for r in records]


def test_the_cookbook_has_at_least_ten_documented_queries() -> None:
    names = query_names()
    assert len(names) >= 10
    for name in names:
        q = cookbook_query(name)
        assert q.title != name and len(q.title) > 20, name
        for param in q.defaults:
            assert f"${param}" in q.text, (name, param)


def test_partners_shared_by_two_clusters(graph: Driver) -> None:
    rows = run(graph, "shared_partners", a="TWIST", b="Infopôle")
    assert [(r["partner"], r["kinds"], sorted(r["documents"])) for r in rows] == [
        ("Greenwin", ["Pole"], ["infopole_2020.pdf", "twist_2024.pdf"])]
    rows = run(graph, "shared_partners", a="CAP 2020", b="(Val)+")
    assert [r["partner"] for r in rows] == ["TWEED"]


def test_organisations_linked_to_the_most_clusters(graph: Driver) -> None:
    rows = run(graph, "organisations_linked_to_most_clusters", limit=5)
    top = {r["organisation"]: sorted(r["clusters"]) for r in rows}
    assert rows[0]["organisation"] == "TWEED" and rows[0]["cluster_count"] == 3
    assert top["TWEED"] == ["(Val)+", "CAP 2020", "Plastiwin"]
    assert top["Greenwin"] == ["Infopôle", "TWIST"] and top["IBC"] == ["TWEED", "TWIST"]


def test_criteria_judged_below_atteint(graph: Driver) -> None:
    rows = run(graph, "criteria_below_atteint")
    twist_2025 = [(r["criterion"], r["judgment"]) for r in rows if r["document"] == "twist_2025_kpmg_synthese.pdf"]
    # 17 criteria of the 2025 grid: 10 Atteint, 6 Satisfaisant and 1 Partiel
    assert len(twist_2025) == 7 and twist_2025[0] == ("Q3.C2", "Partiel")
    assert all(r["level"] < 3 for r in rows)
    assert {r["cluster"] for r in rows} == {"Infopôle", "TWEED", "TWIST"}


def test_evolution_of_a_cluster_across_evaluations(graph: Driver) -> None:
    rows = run(graph, "cluster_evolution", cluster="TWIST")
    assert [(r["year"], r["evaluator"], r["members"], r["judged"]) for r in rows] == [
        (2010, "COMASE", 57, 0), (2024, "Technopolis", None, 17), (2025, "KPMG", 85, 17)]
    last = rows[-1]
    assert (last["members_change"], last["members_compared_with"], last["previous_evaluation"]) == (28, 2010, 2024)
    assert (last["atteint"], last["satisfaisant"], last["partiel"], last["non_atteint"]) == (10, 6, 1, 0)
    assert last["mean_level"] == 2.53


def test_european_projects_per_cluster(graph: Driver) -> None:
    rows = run(graph, "european_projects_per_cluster")
    assert [(r["cluster"], r["project"]) for r in rows] == [
        ("TWIST", "Creathriv.eu"), ("TWIST", "Creativ'Up"), ("TWIST", "Eurocluster"), ("TWIST", "Horizon Europe"),
        ("TWIST", "Interreg")]


def test_constats_that_name_an_organisation(graph: Driver) -> None:
    rows = run(graph, "constats_mentioning_organisation", organisation="Digital Wallonia")
    assert [(r["document"], r["constat"], r["page"]) for r in rows] == [("twist_2025_kpmg_synthese.pdf", 31, 6)]


def test_clusters_related_to_a_pole(graph: Driver) -> None:
    rows = run(graph, "clusters_related_to_pole", pole="Wagralim")
    got = {(r["cluster"], r["link"], tuple(r["detail"])) for r in rows}
    assert got == {("Infopôle", "stated", ("SYNERGY_WITH",)), ("TWEED", "stated", ("SYNERGY_WITH",)),
                   ("TWIST", "shared partners", ("Infopôle",)), ("CAP 2020", "shared partners", ("TWEED",)),
                   ("(Val)+", "shared partners", ("TWEED",)), ("Plastiwin", "shared partners", ("TWEED",))}


def test_synergy_network_has_stated_and_computed_edges(graph: Driver) -> None:
    rows = run(graph, "synergy_network")
    stated = {(r["from"], r["to"]): r["weight"] for r in rows if r["kind"] == "stated"}
    assert stated[("TWIST", "Infopôle")] == 2  # 2010 and 2024 both state it
    assert stated[("Infopôle", "Wagralim")] == 1 and stated[("(Val)+", "CAP 2020")] == 1
    shared = {frozenset((r["from"], r["to"])): r["detail"] for r in rows if r["kind"] == "shared partners"}
    assert shared[frozenset(("Infopôle", "TWIST"))] == ["Greenwin"]
    assert all(r["weight"] == len(r["detail"]) for r in rows if r["kind"] == "shared partners")


def test_documents_with_validation_warnings(graph: Driver) -> None:
    rows = run(graph, "documents_with_warnings")
    assert [(r["document"], r["warnings"]) for r in rows] == [("tweed_2024.pdf", 1)]
    assert rows[0]["details"][0].startswith("criterion_without_judgment: tweed_2024.pdf, page 3: Q3.C1")


def test_organisations_to_review(graph: Driver) -> None:
    rows = run(graph, "organisations_to_review")
    assert [(r["organisation"], r["guessed_types"], r["documents"]) for r in rows] == [
        ("Festival du Film de Mons", ["event"], ["tweed_2024.pdf"]),
        ("Ozone Studios SA", ["company"], ["tweed_2024.pdf"])]


def test_network_metrics_and_communities(graph: Driver) -> None:
    rows = run(graph, "central_organisations", limit=3)
    assert [r["organisation"] for r in rows] == ["TWIST", "TWEED", "Infopôle"]
    assert rows[0]["degree"] == 38 and rows[0]["pagerank"] > rows[1]["pagerank"] > rows[2]["pagerank"]
    communities = {r["community"]: set(r["members"]) for r in run(graph, "communities")}
    assert {"Infopôle", "Greenwin", "Wagralim", "Agoria"} in communities.values()
    tweed = next(m for m in communities.values() if "TWEED" in m)
    assert {"CAP 2020", "(Val)+", "Plastiwin", "Ozone Studios SA"} <= tweed and "TWIST" not in tweed
    records, _, _ = graph.execute_query("MATCH (n:NetworkAnalysis) RETURN n.organisations AS n, n.shared_pairs AS s")
    # 76: ASE and AST, named by the 2011 evaluation, are one organisation since they merged into AEI
    assert (records[0]["n"], records[0]["s"]) == (76, 24)


def test_successive_evaluations_are_linked(graph: Driver) -> None:
    records, _, _ = graph.execute_query(
        "MATCH (a:Evaluation)-[r:NEXT_EVALUATION]->(b:Evaluation) RETURN r.cluster AS c, a.year AS a, b.year AS b "
        "ORDER BY c, a")
    assert [(r["c"], r["a"], r["b"]) for r in records] == [("TWIST", 2010, 2024), ("TWIST", 2024, 2025)]


def test_other_queries_answer(graph: Driver) -> None:
    listed = run(graph, "listed_clusters_and_poles")
    assert len([r for r in listed if r["type"] == "pole"]) == 6
    assert ("pole", "Wagralim") in {(r["type"], r["organisation"]) for r in listed}
    overview = run(graph, "evaluations_overview")
    assert [(r["cluster"], r["year"], r["criteria"], r["constats"]) for r in overview] == [
        ("(policy)", 2011, 0, 0), ("Infopôle", 2020, 17, 26), ("TWEED", 2024, 18, 31), ("TWIST", 2010, 0, 0),
        ("TWIST", 2024, 17, 30), ("TWIST", 2025, 17, 31)]
    themes = {r["theme"]: r["judged"] for r in run(graph, "judgments_by_theme")}
    assert themes["Représentativité"] == 4  # once in each of the four grids
    evidence = run(graph, "relation_evidence", cluster="TWIST", organisation="IBC")
    assert [(r["relation"], r["document"]) for r in evidence] == [
        ("PRESENT_AT", "twist_2010_comase_synthese.pdf"), ("PRESENT_AT", "twist_2025_kpmg_synthese.pdf")]
    assert "IBC" in evidence[0]["sentence"]


def test_export_graphml_and_json_hold_the_whole_graph(graph: Driver, tmp_path: Path) -> None:
    export_graph(graph, [tmp_path / "g.graphml", tmp_path / "g.json"])
    records, _, _ = graph.execute_query(
        "MATCH (n) WHERE NOT n:SchemaVersion WITH count(n) AS nodes "
        "MATCH (a)-[r]->(b) WHERE NOT a:SchemaVersion RETURN nodes, count(r) AS rels")
    nodes, rels = records[0]["nodes"], records[0]["rels"]
    graphml = nx.read_graphml(tmp_path / "g.graphml")
    data = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert (graphml.number_of_nodes(), graphml.number_of_edges()) == (nodes, rels)
    assert (len(data["nodes"]), len(data["links"])) == (nodes, rels)
    twist = next(a for _, a in graphml.nodes(data=True) if a.get("name") == "TWIST")
    assert twist["labels"] == ":Cluster:Organisation" and twist["degree"] == 38
    assert {a["label"] for _, _, a in graphml.edges(data=True)} >= {"EVALUATES", "SYNERGY_WITH", "SHARES_PARTNERS"}


def test_cli_query_and_export(graph: Driver, neo4j_env: dict[str, str], tmp_path: Path) -> None:
    out = subprocess.run([str(EVALGRAPH), "query", "shared_partners", "-p", "a=TWIST", "-p", "b=Infopôle", "--json"],
                         env=neo4j_env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert [r["partner"] for r in json.loads(out.stdout)] == ["Greenwin"]
    table = subprocess.run([str(EVALGRAPH), "query", "documents_with_warnings"], env=neo4j_env,
                           capture_output=True, text=True, timeout=120)
    assert table.returncode == 0 and "tweed_2024.pdf" in table.stdout and "1 row(s)" in table.stdout
    bad = subprocess.run([str(EVALGRAPH), "query", "shared_partners", "-p", "nope=1"], env=neo4j_env,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "no parameter 'nope'" in bad.stderr
    exported = subprocess.run([str(EVALGRAPH), "export", str(tmp_path / "g.graphml")], env=neo4j_env,
                              capture_output=True, text=True, timeout=120)
    assert exported.returncode == 0 and (tmp_path / "g.graphml").stat().st_size > 10_000
