"""`evalgraph report CLUSTER`: the page a person opens, checked in a real browser (Debian's
chromium, headless, driven by playwright): the charts drawn, the network drawn, no console error.
The screenshot is kept in var/test-artifacts/ for a person to look at."""

from __future__ import annotations

import subprocess
from pathlib import Path

from neo4j import Driver
from playwright.sync_api import sync_playwright

from pipeline.cluster_report import chromium
from pipeline.config import PROJECT_ROOT
from tests.conftest import EVALGRAPH

ARTIFACTS = PROJECT_ROOT / "var" / "test-artifacts"
# the network is drawn when one of its canvases holds thousands of painted pixels
NETWORK_DRAWN = """() => Math.max(0, ...[...document.querySelectorAll('canvas')].map(c => {
  const ctx = c.getContext('2d'); if (!ctx) return 0;
  const d = ctx.getImageData(0, 0, c.width, c.height).data; let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
  return n; })) > 5000"""


def test_cluster_report_as_a_person_sees_it(corpus_graph: Driver, neo4j_env: dict[str, str], tmp_path: Path) -> None:
    done = subprocess.run([EVALGRAPH, "report", "twist", "-o", str(tmp_path)], env=neo4j_env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    page_file, pdf = tmp_path / "twist.html", tmp_path / "twist.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.read_bytes().count(b"/Type /Page") >= 2
    html = page_file.read_text(encoding="utf-8")
    assert "http://" not in html.split("<body>")[1][:2000] and "twist_2025_kpmg_synthese.pdf, p. 2" in html

    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(page_file.as_uri())
        page.wait_for_selector("#judgments-chart .main-svg")
        assert page.locator("#judgments-chart .heatmaplayer image").count() == 1  # the heat map is painted
        assert page.locator("#judgments-chart .ytick").count() >= 10  # a row per theme
        assert page.locator("#figures-chart .scatterlayer .point").count() >= 5
        assert page.locator("#evaluations tbody tr").count() == 2 and page.locator("#constats tbody tr").count() == 31
        page.frame_locator("#network-frame").locator("canvas").first.wait_for(timeout=30000)
        network = next(f for f in page.frames if f != page.main_frame)
        network.wait_for_function(NETWORK_DRAWN, timeout=30000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / "report_twist.png", full_page=True)
        browser.close()
    assert problems == []
    assert (ARTIFACTS / "report_twist.png").stat().st_size > 50_000
