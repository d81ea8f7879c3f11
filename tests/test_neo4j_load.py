"""Loading into a real Neo4j 5.26: provenance, idempotence, replacement of a changed file,
isolation of failures. Counters and node counts are read back from the database."""

from __future__ import annotations

import shutil

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import ServiceUnavailable

from corpus_tools.grid_pdf import build_grid_pdf
from corpus_tools.synthetic import Layout, make_report
from graph_schema import apply_migrations
from pipeline.archive import FoundFile
from pipeline.ingest import load_many, load_one, unavailable
from pipeline.ingest_row import extract_one
from tests.conftest import CORPUS, TWIST_2025


def _counts(driver) -> dict[str, int]:
    records, _, _ = driver.execute_query(
        "MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS n "
        "UNION ALL MATCH ()-[r]->() RETURN type(r) AS l, count(*) AS n")
    return {r["l"]: r["n"] for r in records}


def test_corpus_loads_twist_evaluations_of_2010_and_2025(driver, ingest):
    rows = ingest([CORPUS])
    assert sorted(r.status for r in rows) == ["loaded"] * 4
    records, _, _ = driver.execute_query(
        "MATCH (c:Cluster {name:'TWIST'})<-[:EVALUATES]-(e:Evaluation) RETURN e.year AS year ORDER BY year")
    assert [r["year"] for r in records] == [2010, 2025]
    records, _, _ = driver.execute_query(
        "MATCH (d:Document) RETURN d.file_name AS f, d.doc_type AS t, d.pages AS p, d.sha256 AS sha ORDER BY f")
    assert [(r["f"], r["t"]) for r in records] == [
        ("politique_clustering_2011_synthese.pdf", "policy_evaluation"),
        ("twist_2010_comase_synthese.pdf", "cluster_evaluation"),
        ("twist_2025_kpmg_synthese.pdf", "cluster_evaluation"),
        ("uwe_clustering_wallonie_2014_slides.pdf", "presentation")]
    assert all(len(r["sha"]) == 64 and r["p"] > 0 for r in records)
    counts = _counts(driver)
    # 5 questions of the 2025 grids and the 8 questions of the 2011 policy evaluation
    assert counts["Question"] == 13 and counts["Criterion"] == 17 and counts["Judgment"] == 17
    assert counts["Constat"] == 31 and counts["Evaluation"] == 3


def test_every_fact_has_provenance(driver, ingest):
    ingest([TWIST_2025])
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE n:Evaluation OR n:Question OR n:Criterion OR n:Judgment OR n:Constat OR n:Phase "
        "RETURN count(n) AS total, count(CASE WHEN n.source = $s AND n.page >= 1 THEN 1 END) AS ok",
        s=TWIST_2025.name)
    assert records[0]["total"] > 70 and records[0]["ok"] == records[0]["total"]
    records, _, _ = driver.execute_query(
        "MATCH (k:Constat {number: 9})-[j:JUSTIFIES]->(c:Criterion) "
        "RETURN count(c) AS n, sum(CASE WHEN j.primary THEN 1 ELSE 0 END) AS primary")
    assert (records[0]["n"], records[0]["primary"]) == (6, 1)
    records, _, _ = driver.execute_query(
        "MATCH (c:Criterion {theme: 'Impacts des réalisations'})-[:HAS_JUDGMENT]->(j) "
        "RETURN j.label AS l, j.level AS v")
    assert (records[0]["l"], records[0]["v"]) == ("Partiel", 1)


def test_reingesting_unchanged_files_changes_nothing(driver, ingest):
    ingest([CORPUS])
    before = _counts(driver)
    stamps, _, _ = driver.execute_query("MATCH (d:Document) RETURN d.source AS s, d.ingested_at AS t")
    rows = ingest([CORPUS])
    assert [r.status for r in rows] == ["unchanged"] * 4
    assert all(not r.counters for r in rows)
    assert _counts(driver) == before
    again, _, _ = driver.execute_query("MATCH (d:Document) RETURN d.source AS s, d.ingested_at AS t")
    assert {r["s"]: r["t"] for r in again} == {r["s"]: r["t"] for r in stamps}


def test_changed_file_replaces_only_its_own_facts(driver, tmp_path, ingest):
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(TWIST_2025, archive / "twist_2025.pdf")
    shutil.copy(CORPUS / "twist_2010_comase_synthese.pdf", archive)
    ingest([archive])
    other_before, _, _ = driver.execute_query(
        "MATCH (e:Evaluation {source: 'twist_2010_comase_synthese.pdf'}) RETURN elementId(e) AS id")
    # the same file name now holds another report (another cluster, other counts)
    report = make_report(11, Layout(rules=True))
    build_grid_pdf(report, archive / "twist_2025.pdf")
    rows = {r.source: r for r in ingest([archive])}
    assert rows["twist_2025.pdf"].status == "replaced"
    assert rows["twist_2010_comase_synthese.pdf"].status == "unchanged"
    records, _, _ = driver.execute_query(
        "MATCH (e:Evaluation {source: 'twist_2025.pdf'})-[:EVALUATES]->(c) "
        "RETURN c.name AS cluster, count{(e)-[:HAS_QUESTION]->()-[:HAS_CRITERION]->()} AS criteria")
    expected_criteria = sum(len(q.rows) for q in report.questions)
    assert [(r["cluster"], r["criteria"]) for r in records] == [(report.cluster, expected_criteria)]
    records, _, _ = driver.execute_query("MATCH (n:Constat {source: 'twist_2025.pdf'}) RETURN count(n) AS n")
    assert records[0]["n"] == sum(len(r.constats or []) for q in report.questions for r in q.rows)
    other_after, _, _ = driver.execute_query(
        "MATCH (e:Evaluation {source: 'twist_2010_comase_synthese.pdf'}) RETURN elementId(e) AS id")
    assert other_after == other_before
    # TWIST is still a cluster evaluated by the 2010 document: the shared node survived
    records, _, _ = driver.execute_query("MATCH (c:Cluster {name: 'TWIST'})<-[:EVALUATES]-(e) RETURN e.year AS y")
    assert [r["y"] for r in records] == [2010]


def test_bad_files_fail_alone_and_lose_nothing(driver, tmp_path, ingest):
    shutil.copy(TWIST_2025, tmp_path / "good.pdf")
    (tmp_path / "corrupt.pdf").write_bytes(TWIST_2025.read_bytes()[:5000])
    (tmp_path / "not_a_pdf.pdf").write_text("Ceci n'est pas un PDF", encoding="utf-8")
    ingest([tmp_path / "good.pdf"])
    before = _counts(driver)
    rows = {r.source: r for r in ingest([tmp_path])}
    assert rows["good.pdf"].status == "unchanged"
    for name in ("corrupt.pdf", "not_a_pdf.pdf"):
        assert rows[name].status == "failed"
        assert rows[name].reason.startswith(name)
    assert _counts(driver) == before


def test_database_down_is_transient_and_reported_per_document(tmp_path):
    shutil.copy(TWIST_2025, tmp_path / "a.pdf")
    # the driver's own retries (30 s by default) are not what this test is about
    dead = GraphDatabase.driver("bolt://127.0.0.1:1", auth=("neo4j", "whatever-pass"),
                                max_transaction_retry_time=0.5, connection_timeout=1)
    row = extract_one(FoundFile.alone(tmp_path / "a.pdf"))
    assert row.status == "extracted"
    # propagated, so the flow's load task retries it with backoff
    with pytest.raises(ServiceUnavailable) as caught:
        load_one(dead, row)
    failed = unavailable(row.source, caught.value)
    assert failed.status == "failed" and "Neo4j unavailable" in failed.reason and failed.reason.startswith("a.pdf")
    dead.close()


def test_prune_removes_documents_no_longer_present(driver, tmp_path, ingest):
    shutil.copy(TWIST_2025, tmp_path / "a.pdf")
    shutil.copy(CORPUS / "twist_2010_comase_synthese.pdf", tmp_path / "b.pdf")
    ingest([tmp_path])
    (tmp_path / "a.pdf").unlink()
    rows = ingest([tmp_path], prune=True)
    assert {r.source: r.status for r in rows} == {"b.pdf": "unchanged", "a.pdf": "pruned"}
    records, _, _ = driver.execute_query("MATCH (n {source: 'a.pdf'}) RETURN count(n) AS n")
    assert records[0]["n"] == 0
    records, _, _ = driver.execute_query("MATCH (d:Document) RETURN collect(d.source) AS s")
    assert records[0]["s"] == ["b.pdf"]


def test_schema_constraints_are_applied_and_versioned(driver):
    from graph_schema import apply_migrations, current_version, latest_version

    apply_migrations(driver)
    assert current_version(driver) == latest_version()
    assert apply_migrations(driver) == []
    records, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names")
    assert {"document_source", "criterion_uid", "constat_uid", "cluster_name"} <= set(records[0]["names"])


def _generated_rows(tmp_path, seeds: tuple[int, ...]) -> list:
    rows = []
    for seed in seeds:
        pdf = build_grid_pdf(make_report(seed, Layout(rules=seed % 2 == 0)), tmp_path / f"report_{seed}.pdf")
        rows.append(extract_one(FoundFile.alone(pdf)))
    assert all(r.status == "extracted" for r in rows)
    return rows


def test_a_batch_writes_the_same_graph_as_one_document_at_a_time(driver, tmp_path):
    rows = _generated_rows(tmp_path, (31, 32, 33, 34))
    apply_migrations(driver)
    written = sum(load_one(driver, row).records_written for row in rows)
    one_by_one = _counts(driver)
    driver.execute_query("MATCH (n) WHERE NOT n:SchemaVersion DETACH DELETE n")
    loaded = load_many(driver, rows)
    assert [r.status for r in loaded.rows] == ["loaded"] * 4
    assert _counts(driver) == one_by_one
    assert loaded.records_written == written > 400
    again = load_many(driver, rows)
    assert [r.status for r in again.rows] == ["unchanged"] * 4 and again.records_written == 0
    assert _counts(driver) == one_by_one


def test_a_loaded_row_lets_its_records_go_and_keeps_what_the_summaries_show(driver, tmp_path):
    """A run keeps every row to its end: a loaded row must not hold its document's records (a
    1000-report run held them all), only what the terminal table and the artifact show."""
    rows = _generated_rows(tmp_path, (35, 36))
    apply_migrations(driver)
    shown = {r.source: (r.facts(), r.warnings()) for r in rows}
    assert all(facts["Criteria"] for facts, _ in shown.values())
    loaded = load_many(driver, rows).rows
    assert [r.status for r in loaded] == ["loaded", "loaded"]
    assert all(r.result is None for r in loaded)
    assert {r.source: (r.facts(), r.warnings()) for r in loaded} == shown


def test_a_document_neo4j_refuses_fails_alone_in_its_batch(driver, tmp_path):
    good, bad, other = _generated_rows(tmp_path, (41, 42, 43))
    bad.result.document.title = {"not": "a property value"}  # Neo4j refuses maps as property values
    apply_migrations(driver)
    loaded = {r.source: r for r in load_many(driver, [good, bad, other]).rows}
    assert loaded["report_41.pdf"].status == loaded["report_43.pdf"].status == "loaded"
    assert loaded["report_42.pdf"].status == "failed"
    assert loaded["report_42.pdf"].reason.startswith("report_42.pdf: Neo4j refused the load")
    records, _, _ = driver.execute_query("MATCH (d:Document) RETURN d.source AS s ORDER BY s")
    assert [r["s"] for r in records] == ["report_41.pdf", "report_43.pdf"]
    records, _, _ = driver.execute_query("MATCH (n {source: 'report_42.pdf'}) RETURN count(n) AS n")
    assert records[0]["n"] == 0
