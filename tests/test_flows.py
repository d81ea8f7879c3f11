"""The Prefect flow itself: the summary artifact, the extraction cache, failures reported per
document, removed files reported, the Dask task runner on a LocalCluster, and extraction in
worker processes."""

from __future__ import annotations

import multiprocessing
import os
import shutil

from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey, FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.sorting import ArtifactSort, FlowRunSort

from corpus_tools.grid_pdf import build_grid_pdf, expected_records
from corpus_tools.synthetic import make_report
from flows.extraction_pool import extract, extraction_processes
from flows.ingest import run_ingest
from flows.progress import listening
from flows.summary import ARTIFACT_KEY
from pipeline.archive import FoundFile
from pipeline.ingest_row import extract_one
from tests.conftest import TWIST_2025


def _latest_run_task_states() -> dict[str, str]:
    with get_client(sync_client=True) as client:
        run = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=1)[0]
        tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])))
        return {t.name: t.state.name for t in tasks}


def test_artifact_cache_failures_and_removed_files(driver, neo4j_env, tmp_path):
    shutil.copy(TWIST_2025, tmp_path / "twist.pdf")
    (tmp_path / "broken.pdf").write_bytes(TWIST_2025.read_bytes()[:3000])
    events: list[tuple[str, str, str]] = []
    with listening(lambda event, row: events.append((event, row.source, row.status))):
        report = run_ingest([str(tmp_path)], runner="threads", workers=2)
    rows = {r.source: r for r in report.rows}
    assert rows["twist.pdf"].status == "loaded" and report.records_written > 200
    assert rows["broken.pdf"].status == "failed" and rows["broken.pdf"].reason.startswith("broken.pdf")
    assert ("done", "twist.pdf", "loaded") in events and ("extracted", "twist.pdf", "extracted") in events
    assert ("done", "broken.pdf", "failed") in events
    with get_client(sync_client=True) as client:
        artifact = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[ARTIFACT_KEY])),
                                         sort=ArtifactSort.CREATED_DESC, limit=1)[0]
    assert "| twist.pdf | loaded | cluster_evaluation | TWIST | 2025 | 5 | 17 | 31 |" in artifact.data
    assert "| broken.pdf | failed |" in artifact.data
    assert f"1 failed, 1 loaded; {report.records_written} records written" in artifact.data

    # the graph is emptied: the file must be loaded again, but its extraction comes from the cache;
    # a failure is never cached: the broken file is tried again
    driver.execute_query("MATCH (n) DETACH DELETE n")
    again = run_ingest([str(tmp_path)], runner="threads", workers=1)
    assert [(r.source, r.status) for r in again.rows] == [("broken.pdf", "failed"), ("twist.pdf", "loaded")]
    states = _latest_run_task_states()
    assert states["extract twist.pdf"] == "Cached"
    assert states["extract broken.pdf"] == "Failed"
    assert states["load twist.pdf"] == "Completed"  # a batch of one document
    (tmp_path / "broken.pdf").unlink()

    # a file removed from the archive is reported, and deleted only on request
    shutil.copy(TWIST_2025, tmp_path / "other.pdf")
    run_ingest([str(tmp_path)], runner="threads")
    (tmp_path / "other.pdf").unlink()
    kept = {r.source: r.status for r in run_ingest([str(tmp_path)], runner="threads").rows}
    assert kept == {"twist.pdf": "unchanged", "other.pdf": "missing"}
    pruned = {r.source: r.status for r in run_ingest([str(tmp_path)], prune=True, runner="threads").rows}
    assert pruned == {"twist.pdf": "unchanged", "other.pdf": "pruned"}


def test_dask_local_cluster_runs_the_documents(driver, neo4j_env, tmp_path):
    reports = {f"report_{seed}.pdf": make_report(seed) for seed in (21, 22, 23)}
    for name, report in reports.items():
        build_grid_pdf(report, tmp_path / name)
    result = run_ingest([str(tmp_path)], runner="dask", workers=2)
    assert sorted((r.source, r.status) for r in result.rows) == [(n, "loaded") for n in sorted(reports)]
    records, _, _ = driver.execute_query(
        "MATCH (e:Evaluation)-[:EVALUATES]->(c) RETURN e.source AS s, c.name AS c, e.year AS y")
    assert {(r["s"], r["c"], r["y"]) for r in records} == {
        (n, r.cluster, int(r.date_text[-4:])) for n, r in reports.items()}


def test_processes_runner_extracts_in_worker_processes(driver, neo4j_env, tmp_path):
    reports = {f"report_{seed}.pdf": make_report(seed) for seed in (24, 25, 26, 27)}
    for name, report in reports.items():
        build_grid_pdf(report, tmp_path / name)
    with extraction_processes(2):
        row = extract(FoundFile.alone(tmp_path / "report_24.pdf"))
        workers = {p.pid for p in multiprocessing.active_children()}  # the pool's own processes
    assert row.result == extract_one(FoundFile.alone(tmp_path / "report_24.pdf")).result
    assert len(workers) >= 1 and os.getpid() not in workers
    result = run_ingest([str(tmp_path)], runner="processes", workers=2)
    assert sorted((r.source, r.status) for r in result.rows) == [(n, "loaded") for n in sorted(reports)]
    records, _, _ = driver.execute_query("MATCH (c:Criterion) RETURN count(c) AS n")
    assert records[0]["n"] == sum(len(expected_records(r)["criteria"]) for r in reports.values())
