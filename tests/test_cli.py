"""The `evalgraph` console script, run as a user runs it (a subprocess of the installed entry point)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CORPUS, EVALGRAPH, TEST_SERVER_HOME, TWIST_2010, TWIST_2025, write_pdf_copy


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EVALGRAPH), *args], capture_output=True, text=True, env=env, timeout=600,
                          check=False)


def test_help_explains_every_command() -> None:
    proc = run("--help")
    assert proc.returncode == 0
    for command in ("extract", "ingest", "summary", "schema", "neo4j"):
        assert command in proc.stdout
    assert "NEO4J_URI" in proc.stdout


def test_extract_json_is_the_documented_record_set() -> None:
    proc = run("extract", str(TWIST_2025), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["schema_version"] == "1"
    assert set(data) >= {"document", "evaluation", "questions", "criteria", "constats", "phases", "figures",
                         "partners", "warnings"}
    assert data["document"]["file_name"] == TWIST_2025.name
    assert (data["evaluation"]["cluster"], data["evaluation"]["evaluator"]) == ("TWIST", "KPMG")
    assert [q["number"] for q in data["questions"]] == [1, 2, 3, 4, 5]
    assert len(data["criteria"]) == 17
    assert [c["number"] for c in data["constats"]] == list(range(1, 32))
    assert data["warnings"] == []


@pytest.mark.slow  # the CLI in subprocesses
def test_extract_json_is_stable_across_runs() -> None:
    first, second = run("extract", str(TWIST_2010), "--json"), run("extract", str(TWIST_2010), "--json")
    assert first.returncode == 0 and first.stdout == second.stdout


def test_extract_names_the_file_of_a_broken_pdf(tmp_path: Path) -> None:
    bad = tmp_path / "rapport_casse.pdf"
    bad.write_bytes(b"%PDF-1.4\n this is not really a pdf")
    proc = run("extract", str(bad))
    assert proc.returncode == 1
    assert "rapport_casse.pdf" in proc.stderr


def test_ingest_loads_then_skips_unchanged(neo4j_env: dict[str, str], driver, tmp_path: Path) -> None:
    write_pdf_copy(TWIST_2025, tmp_path)
    write_pdf_copy(TWIST_2010, tmp_path)
    first = run("ingest", str(tmp_path), env=neo4j_env)
    assert first.returncode == 0, first.stderr
    assert "Ingest summary" in first.stdout
    assert "Cluster TWIST: evaluations [2010, 2025]" in first.stdout
    assert first.stdout.count("loaded") >= 2
    second = run("ingest", str(tmp_path), env=neo4j_env)
    assert second.returncode == 0, second.stderr
    assert "2 unchanged; 0 records written" in second.stdout
    for pdf in (TWIST_2025, TWIST_2010):
        assert re.search(rf"{re.escape(pdf.name)}\s*│\s*unchanged\s*│", second.stdout), second.stdout
    records, _, _ = driver.execute_query(
        "MATCH (c:Cluster {name:'TWIST'})<-[:EVALUATES]-(e:Evaluation) RETURN e.year AS year ORDER BY year")
    assert [r["year"] for r in records] == [2010, 2025]


def test_ingest_reports_a_failed_document_and_loads_the_others(neo4j_env: dict[str, str], driver,
                                                               tmp_path: Path) -> None:
    write_pdf_copy(TWIST_2010, tmp_path)
    (tmp_path / "vide.pdf").write_bytes(b"")
    proc = run("ingest", str(tmp_path), env=neo4j_env)
    assert proc.returncode == 1
    assert "vide.pdf" in proc.stderr
    records, _, _ = driver.execute_query("MATCH (d:Document) RETURN d.file_name AS f")
    assert [r["f"] for r in records] == [TWIST_2010.name]


def test_ingest_against_a_database_that_is_down_says_so() -> None:
    env = {**os.environ, "NEO4J_URI": "bolt://127.0.0.1:1"}
    proc = run("ingest", str(CORPUS), env=env)
    assert proc.returncode == 2
    assert "does not answer" in proc.stderr


def test_neo4j_status_of_the_test_server(neo4j_env: dict[str, str]) -> None:
    """The bundled server the suite started answers `evalgraph neo4j status` with its pid."""
    proc = run("neo4j", "status", env={**neo4j_env, "EVALGRAPH_NEO4J_HOME": str(TEST_SERVER_HOME)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "running (pid" in proc.stdout and "answering on bolt://127.0.0.1" in proc.stdout


def test_many_unchanged_or_missing_documents_fold_into_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """An ingest of one new folder beside an archive of a thousand documents: the new one gets its
    row, the archive's `missing` documents one line, not a row and an explanation each."""
    from io import StringIO

    from rich.console import Console

    from models.service import Outcome, RowView
    from pipeline import cli

    out = StringIO()
    monkeypatch.setattr(cli, "console", Console(file=out, width=200))
    rows = [RowView(source="nouveau.pdf", status="loaded", facts={"Cluster": "TWIST"})]
    rows += [RowView(source=f"archive/r{i:02d}.pdf", status="missing", reason=f"archive/r{i:02d}.pdf: in the graph")
             for i in range(cli.FOLD_OVER + 1)]
    rows += [RowView(source=f"u{i}.pdf", status="unchanged") for i in range(3)]
    cli._show_ingest(["new"], Outcome(rows=rows, headline="1 loaded, 21 missing, 3 unchanged; 9 records written"))
    printed = out.getvalue()
    assert "nouveau.pdf" in printed and "u2.pdf" in printed  # three unchanged: still rows
    assert f"{cli.FOLD_OVER + 1} missing: archive/r00.pdf, " in printed
    assert "archive/r20.pdf" not in printed and "in the graph, not in the paths given" in printed
