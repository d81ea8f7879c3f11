"""Review decisions that stick: `evalgraph review` accepts, merges and rejects organisations the
NER found, in a file the user keeps; the graph changes at once, and every later ingest extracts
with the decisions. A gazetteer edit re-extracts only the documents it concerns."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.review import Accepted, Decisions, Merged, Rejected, apply_decisions, read_decisions, write_decisions
from tests.conftest import SLIDES_2014, TWIST_2025
from tests.test_cli import run
from tests.test_partner_graph import _cluster_report

PARTNERS = ("Le cluster a développé des partenariats avec Polymer Valley Network, Wallimage Entreprises SA, la "
            "société Agence Export à Namur et Plasticentre Innovation, et participe au salon Plastics Expo.")
STATED = """
MATCH (s)-[r]->(o) WHERE type(r) IN ['MENTIONS', 'LISTS', 'PARTNERS_WITH', 'TAKES_PART_IN', 'SYNERGY_WITH',
                                    'PRESENT_AT', 'HAS_MEMBER', 'EVALUATES']
RETURN coalesce(s.name, s.source, s.uid) AS start, type(r) AS type, o.name AS end, r.source AS source, r.page AS page,
       r.sentence AS sentence
"""


def readme_review_lines() -> list[str]:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", readme[readme.index("### Reviewing organisations"):], re.S)[1]
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.startswith("evalgraph ")]


def _facts(driver) -> set[tuple]:
    records, _, _ = driver.execute_query(STATED)
    return {tuple(r.values()) for r in records}


def test_decisions_apply_to_the_gazetteer_data() -> None:
    data = {"entries": [{"canonical": "AWEX", "types": ["agency"], "aliases": ["AWEX"]}], "not_partners": ["PME"]}
    decided = apply_decisions(data, Decisions(accept=[Accepted(name="Materia Nova", type="institution")],
                                              merge=[Merged(name="Agence Export", into="AWEX")],
                                              reject=[Rejected(name="Entreprises SA")]))
    assert decided["entries"][0]["aliases"] == ["AWEX", "Agence Export"]
    assert decided["entries"][1]["canonical"] == "Materia Nova" and decided["entries"][1]["types"] == ["institution"]
    assert decided["not_partners"] == ["PME", "Entreprises SA"]
    assert data["entries"][0]["aliases"] == ["AWEX"]  # the curated data is not edited
    with pytest.raises(ValueError, match="'Nowhere'"):
        apply_decisions(data, Decisions(merge=[Merged(name="X", into="Nowhere")]))


def test_the_decisions_file_round_trips_and_a_broken_one_is_named(tmp_path: Path) -> None:
    path = tmp_path / "review.yaml"
    decisions = Decisions(accept=[Accepted(name="Materia Nova", type="institution")])
    write_decisions(decisions, path)
    assert read_decisions(path) == decisions
    assert "Materia Nova" in path.read_text(encoding="utf-8")
    path.write_text("accept: [{name: 1", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(str(path))):
        read_decisions(path)


def test_review_accept_merge_reject_through_the_cli_and_they_survive_a_reingest(neo4j_env, driver,
                                                                                tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _cluster_report(inbox / "plastiwin_2016.pdf", PARTNERS)
    shutil.copy(TWIST_2025, inbox / TWIST_2025.name)
    env = {**neo4j_env, "EVALGRAPH_REVIEW_FILE": str(tmp_path / "decisions.yaml")}
    assert run("ingest", str(inbox), env=env).returncode == 0

    listed = run("review", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    rows = {r["name"]: r for r in json.loads(listed.stdout)}
    assert {"Polymer Valley Network", "Agence Export", "Entreprises SA", "Plasticentre Innovation",
            "Plastics Expo"} <= set(rows)
    evidence = rows["Agence Export"]
    assert evidence["documents"] == ["plastiwin_2016.pdf"] and evidence["page"] == 1
    assert "Agence Export à Namur" in evidence["sentence"]
    before = _facts(driver)

    lines = readme_review_lines()
    assert [shlex.split(line)[1:3] for line in lines] == [
        ["review"], ["review", "accept"], ["review", "merge"], ["review", "reject"]]
    for line in lines:  # the README's lines, as written
        proc = run(*shlex.split(line)[1:], env=env)
        assert proc.returncode == 0, proc.stderr
    assert "Plasticentre Innovation" in run("review", env=env).stdout
    decisions = read_decisions(tmp_path / "decisions.yaml")
    assert [d.name for d in decisions.accept + decisions.merge + decisions.reject] == [
        "Polymer Valley Network", "Agence Export", "Entreprises SA"]

    def applied() -> set[tuple]:
        facts = _facts(driver)
        records, _, _ = driver.execute_query(
            "MATCH (o:Organisation) WHERE o.name IN ['Polymer Valley Network', 'Agence Export', 'Entreprises SA', "
            "'AWEX'] RETURN o.name AS name, o.known AS known, o.review AS review, labels(o) AS labels")
        nodes = {r["name"]: r for r in records}
        assert set(nodes) == {"Polymer Valley Network", "AWEX"}
        assert nodes["Polymer Valley Network"]["known"] and not nodes["Polymer Valley Network"]["review"]
        assert "ForeignCluster" in nodes["Polymer Valley Network"]["labels"]
        # the relation the report states is the one a foreign cluster gets, with its evidence
        assert {(t, s, p) for a, t, e, s, p, _ in facts if (a, e) == ("Plastiwin", "Polymer Valley Network")} == {
            ("SYNERGY_WITH", "plastiwin_2016.pdf", 1)}
        # the merged name's facts are AWEX's now, with their document, page and sentence
        moved = {(a, t, s, p) for a, t, e, s, p, sentence in facts if e == "AWEX" and "Agence Export" in sentence}
        assert moved == {("plastiwin_2016.pdf", "MENTIONS", "plastiwin_2016.pdf", 1),
                         ("Plastiwin", "PARTNERS_WITH", "plastiwin_2016.pdf", 1)}
        return facts

    at_once = applied()
    # nothing else changed: every fact not about the three names is still there
    about = {"Polymer Valley Network", "Agence Export", "Entreprises SA"}
    assert {f for f in before if f[2] not in about} <= at_once

    again = run("ingest", str(inbox), env=env)
    assert again.returncode == 0, again.stderr
    assert re.search(r"plastiwin_2016\.pdf\s*│\s*replaced", again.stdout), again.stdout
    assert "1 replaced, 1 unchanged;" in again.stdout, again.stdout  # the TWIST report names none of them
    after = applied()
    assert after == at_once  # the re-extraction gives what the decisions did to the graph: no relation lost
    assert {r["name"] for r in json.loads(run("review", "--json", env=env).stdout)} == {
        "Plasticentre Innovation", "Plastics Expo"}


def test_a_gazetteer_edit_re_extracts_only_the_documents_it_concerns(ingest, driver, tmp_path: Path,
                                                                     monkeypatch) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _cluster_report(inbox / "plastiwin_2016.pdf", PARTNERS)
    for pdf in (TWIST_2025, SLIDES_2014):
        shutil.copy(pdf, inbox / pdf.name)
    data = json.loads((Path(__file__).parents[1] / "pipeline" / "data" / "gazetteer.json").read_text("utf-8"))
    edited = tmp_path / "gazetteer.json"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("EVALGRAPH_GAZETTEER", str(edited))
    first = {r.source: r.status for r in ingest([inbox])}
    assert set(first.values()) == {"loaded"}
    stamps = dict(driver.execute_query("MATCH (d:Document) RETURN d.source, toString(d.ingested_at)").records)

    data["entries"].append({"canonical": "Polymer Valley Network", "types": ["foreign_cluster"],
                            "aliases": ["Polymer Valley Network", "PVN"], "region": "Ohio",
                            "source": "a test"})
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    second = {r.source: r.status for r in ingest([inbox])}
    assert second == {"plastiwin_2016.pdf": "replaced", TWIST_2025.name: "unchanged", SLIDES_2014.name: "unchanged"}
    records, _, _ = driver.execute_query(
        "MATCH (o:Organisation {name: 'Polymer Valley Network'}) RETURN o.known AS known, o.region AS region, "
        "o:ForeignCluster AS foreign")
    assert [tuple(r.values()) for r in records] == [(True, "Ohio", True)]
    now = dict(driver.execute_query("MATCH (d:Document) RETURN d.source, toString(d.ingested_at)").records)
    assert now[TWIST_2025.name] == stamps[TWIST_2025.name] and now[SLIDES_2014.name] == stamps[SLIDES_2014.name]
    assert now["plastiwin_2016.pdf"] != stamps["plastiwin_2016.pdf"]

    # an edit of an entry the slides name (and the other two do not) re-extracts the slides alone
    infopole = next(e for e in data["entries"] if e["canonical"] == "Infopôle")
    infopole["region"] = "Wallonie"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    third = {r.source: r.status for r in ingest([inbox])}
    assert third == {"plastiwin_2016.pdf": "unchanged", TWIST_2025.name: "unchanged", SLIDES_2014.name: "replaced"}
    assert {r.status for r in ingest([inbox])} == {"unchanged"}
