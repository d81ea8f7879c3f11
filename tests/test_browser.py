"""The Neo4j Browser and the HTTP Query API on the bundled server, with APOC core: what an analyst
opens after `bash scripts/main.sh`. Checked on the test server (its HTTP on TEST_HTTP_PORT), in a
real browser (Debian's chromium, headless, driven by playwright): log in, run a query, see the graph."""

from __future__ import annotations

import httpx
import pytest
from neo4j import Driver
from playwright.sync_api import sync_playwright

from pipeline.cluster_report import chromium
from pipeline.config import Neo4jSettings
from tests.conftest import TEST_HTTP_PORT, TEST_SERVER_HOME

BASE = f"http://127.0.0.1:{TEST_HTTP_PORT}"


@pytest.fixture
def bundled(neo4j_settings: Neo4jSettings) -> Neo4jSettings:
    if not neo4j_settings.uri.startswith("bolt://127.0.0.1:"):
        pytest.fail("these tests look at the bundled test server's HTTP connector")
    return neo4j_settings


def test_browser_query_api_and_apoc_answer(bundled: Neo4jSettings, driver: Driver) -> None:
    page = httpx.get(f"{BASE}/browser/", timeout=10)
    assert page.status_code == 200 and "<title>Neo4j Browser</title>" in page.text
    discovery = httpx.get(f"{BASE}/", timeout=10).json()
    assert discovery["bolt_direct"] == bundled.uri and discovery["neo4j_version"].startswith("5.26")
    answer = httpx.post(f"{BASE}/db/neo4j/query/v2", auth=(bundled.user, bundled.password), timeout=10,
                        json={"statement": "RETURN $a + 1 AS n", "parameters": {"a": 41}})
    assert answer.status_code in (200, 202) and answer.json()["data"]["values"] == [[42]]
    refused = httpx.post(f"{BASE}/db/neo4j/query/v2", auth=(bundled.user, "wrong-password"), timeout=10,
                         json={"statement": "RETURN 1"})
    assert refused.status_code == 401
    records, _, _ = driver.execute_query("RETURN apoc.version() AS v, apoc.text.clean('Infopôle') AS t")
    assert records[0]["v"] == "5.26.19" and records[0]["t"] == "infopole"
    conf = (TEST_SERVER_HOME / "conf" / "neo4j.conf").read_text(encoding="utf-8")
    assert "dbms.usage_report.enabled=false" in conf
    assert list((TEST_SERVER_HOME / "plugins").glob("apoc-core-5.26.19.jar"))


def test_a_person_logs_in_and_sees_the_twist_network(bundled: Neo4jSettings, corpus_graph: Driver) -> None:
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(f"{BASE}/browser/")
        page.locator("[data-testid='boltaddress']").fill(bundled.uri, timeout=60000)
        page.locator("[data-testid='username']").fill(bundled.user)
        page.locator("[data-testid='password']").fill(bundled.password)
        page.locator("[data-testid='connect']").click()
        page.get_by_text("You are connected as user", exact=False).first.wait_for(timeout=60000)
        page.locator(".monaco-editor textarea").first.click()
        page.keyboard.type("MATCH p=(c:Cluster {name: 'TWIST'})-[:PARTNERS_WITH|TAKES_PART_IN]->(o) RETURN p LIMIT 25")
        page.locator("[data-testid='editor-Run']").click()
        page.locator("svg .node").first.wait_for(timeout=60000)
        nodes = page.locator("svg .node").count()
        page.screenshot(path=str(TEST_SERVER_HOME.parent / "test-artifacts" / "browser_twist.png"))
        browser.close()
    assert nodes >= 5, nodes
    assert problems == []
