"""The README's examples, run as written against the bundled corpus loaded by the real flow: every
Cypher block returns rows, and every `evalgraph` line of "Using it" succeeds (and a query, search
or Cypher line answers with at least one row)."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
from neo4j import Driver
from openpyxl import load_workbook

from pipeline.config import PROJECT_ROOT
from tests.conftest import EVALGRAPH

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def said_empty(statement: str) -> bool:
    """The README says of this block that it has no row on the bundled corpus."""
    before = README[:README.index(statement)].rsplit("```", 1)[0][-300:]
    return "no row on the bundled corpus" in " ".join(before.split())


def using_it_lines() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", README[README.index("## Using it"):], re.S)[1]
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.startswith("evalgraph ")]


def test_the_readme_has_examples() -> None:
    assert len(blocks("cypher")) >= 5 and len(using_it_lines()) >= 12


@pytest.mark.parametrize("statement", blocks("cypher"), ids=lambda s: " ".join(s.split())[:50])
def test_every_cypher_block_returns_rows(corpus_graph: Driver, statement: str) -> None:
    records, _, _ = corpus_graph.execute_query(statement)
    assert bool(records) != said_empty(statement), statement


@pytest.mark.parametrize("line", using_it_lines())
def test_every_command_of_using_it_runs(corpus_graph: Driver, neo4j_env: dict[str, str], line: str,
                                        tmp_path: Path) -> None:
    for name in ("corpus", "graph_schema"):
        (tmp_path / name).symlink_to(PROJECT_ROOT / name)
    done = subprocess.run([EVALGRAPH, *shlex.split(line)[1:]], cwd=tmp_path, env=neo4j_env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, (line, done.stderr[-3000:])
    out = done.stdout
    if line.startswith(("evalgraph query ", "evalgraph cypher ")):
        if "--xlsx" in line:
            sheet = load_workbook(tmp_path / shlex.split(line)[-1]).active
            assert sheet.max_row >= 2, line  # a header and at least one row
        elif "--csv" in line:
            assert len(out.strip().splitlines()) >= 2, line
        else:
            assert int(re.search(r"(\d+) row\(s\)", out)[1]) >= 1, line
    if line.startswith("evalgraph search "):
        assert int(re.search(r"(\d+) hit\(s\)", out)[1]) >= 1, line


def test_own_cypher_is_read_only_unless_asked(corpus_graph: Driver, neo4j_env: dict[str, str]) -> None:
    refused = subprocess.run([EVALGRAPH, "cypher", "CREATE (:Scratch {n: $n})", "-p", "n=1"], env=neo4j_env,
                             capture_output=True, text=True)
    assert refused.returncode == 2 and "add --write" in refused.stderr and "Traceback" not in refused.stderr
    assert corpus_graph.execute_query("MATCH (s:Scratch) RETURN count(s) AS n")[0][0]["n"] == 0
    allowed = subprocess.run([EVALGRAPH, "cypher", "CREATE (:Scratch {n: $n})", "-p", "n=1", "--write"], env=neo4j_env,
                             capture_output=True, text=True)
    assert allowed.returncode == 0, allowed.stderr
    assert corpus_graph.execute_query("MATCH (s:Scratch {n: 1}) DETACH DELETE s RETURN count(*) AS n")[0][0]["n"] == 1


def test_search_finds_inflected_words_with_their_page(corpus_graph: Driver) -> None:
    from pipeline.search import search

    hits = search(corpus_graph, "partenariat technologique")  # the report prints "partenariats technologiques"
    assert hits and hits[0].document == "twist_2010_comase_synthese.pdf" and hits[0].pages == [6]
    assert "partenariats technologiques" in hits[0].passage
    assert search(corpus_graph, 'AWEX:"export') is not None  # not Lucene syntax: searched as plain words


def test_main_sh_ingests_the_corpus_as_the_readme_says(driver: Driver, neo4j_env: dict[str, str]) -> None:
    """`bash scripts/main.sh`, the README's first command, against the test server (already
    answering, so main.sh uses it as it would a Docker one): set-up, ingest, the summary."""
    env = {**neo4j_env, "EVALGRAPH_NEO4J_HOME": str(PROJECT_ROOT / "var" / "neo4j-test")}
    done = subprocess.run(["bash", "scripts/main.sh"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Cluster TWIST: evaluations [2010, 2025]" in done.stdout
    assert "4 loaded" in done.stdout
    again = subprocess.run(["bash", "scripts/main.sh"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                           timeout=1200)
    assert again.returncode == 0 and "4 unchanged" in again.stdout  # "Run it again and every document is unchanged"
