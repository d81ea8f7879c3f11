"""Bad input: each kind gives a clear error or warning naming the file (and page), the other
documents still load, nothing already in Neo4j is lost; scanned pages are read by OCR
(Tesseract, French); Neo4j stopped in the middle of an ingest leaves no half-loaded document
and a rerun completes the archive."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from corpus_tools.grid_pdf import build_grid_pdf, expected_records
from corpus_tools.scoring import score
from corpus_tools.synthetic import Layout, make_report
from flows.progress import listening
from pipeline import neo4j_server, ocr
from pipeline.extract import extract_document
from pipeline.pages import DocumentReadError
from tests.conftest import TEST_HTTP_PORT, TEST_SERVER_HOME, TWIST_2010, TWIST_2025

ZERO_PAGES = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
              b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
              b"trailer << /Root 1 0 R >>\n%%EOF\n")


def encrypted_pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path), encrypt="secret-password")
    c.drawString(72, 700, "Synthèse de l'évaluation du cluster TWEED")
    c.save()
    return path


def scanned_copy(source: Path, target: Path, dpi: int = 200) -> Path:
    """Every page of `source` as a picture only, as a scanner makes it."""
    c = canvas.Canvas(str(target), pagesize=A4)
    for page in pdfium.PdfDocument(str(source)):
        image = page.render(scale=dpi / 72).to_pil().convert("L")
        c.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    return target


def test_encrypted_pdf_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentReadError, match=r"^locked\.pdf: the PDF is encrypted"):
        extract_document(encrypted_pdf(tmp_path / "locked.pdf"))


def test_zero_page_pdf_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "empty.pdf").write_bytes(ZERO_PAGES)
    with pytest.raises(DocumentReadError, match=r"^empty\.pdf: .*(no pages|page tree)"):
        extract_document(tmp_path / "empty.pdf")


@pytest.mark.slow  # a 2000-page PDF
def test_huge_pdf_is_read_page_by_page(tmp_path: Path) -> None:
    path = tmp_path / "annexes.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    for n in range(1, 401):
        for k in range(40):
            c.drawString(60, 780 - 18 * k, f"Annexe statistique {n}.{k} : tableau des données brutes de l'enquête.")
        c.drawString(280, 30, str(n))
        c.showPage()
    c.save()
    result = extract_document(path)
    assert result.document.pages == 400 and result.document.doc_type == "unknown"
    assert [(w.code, w.page) for w in result.warnings] == [("unknown_layout", 1)]


@pytest.mark.slow  # OCR
def test_scanned_report_is_read_by_ocr_then_the_same_parsers(tmp_path: Path) -> None:
    assert ocr.tesseract() is not None, "Tesseract and its French model are installed by scripts/setup.sh"
    report = make_report(4, Layout(rules=True))
    born_digital = build_grid_pdf(report, tmp_path / "digital.pdf")
    result = extract_document(scanned_copy(born_digital, tmp_path / "scan.pdf"))
    pages = result.document.pages
    assert [(w.code, w.page) for w in result.warnings if w.code == "ocr_page"] == [("ocr_page", n)
                                                                                   for n in range(1, pages + 1)]
    assert "scan.pdf, page 1: no text layer" in result.warnings[0].message
    ev = result.evaluation
    assert (result.document.doc_type, ev.cluster, ev.evaluator, ev.year) == (
        "cluster_evaluation", report.cluster, report.evaluator, int(report.date_text[-4:]))
    # the tables' rules are found in the picture, so the grid parser reads the rows; OCR misreads
    # some words, and a record counts only if every field is exactly right
    s = score(result, expected_records(report))
    assert s.recall("relations") == 1.0 and s.precision("judgments") == 1.0
    assert s.recall("judgments") >= 0.4 and s.recall("questions") >= 0.6, s.mismatches


def test_scanned_page_without_tesseract_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "tesseract", lambda: None)
    scan = scanned_copy(TWIST_2010, tmp_path / "twist_scan.pdf", dpi=72)
    result = extract_document(scan)
    first = result.warnings[0]
    assert (first.code, first.page) == ("image_only_page", 1)
    assert "twist_scan.pdf, page 1" in first.message and "Tesseract" in first.message


def test_bad_files_fail_alone_and_lose_nothing(ingest, driver, tmp_path: Path) -> None:
    shutil.copy(TWIST_2025, tmp_path / "good.pdf")
    ingest([tmp_path])
    facts = "MATCH (n {source: 'good.pdf'}) RETURN count(n) AS nodes, count{()-[{source: 'good.pdf'}]->()} AS rels"
    before, _, _ = driver.execute_query(facts)
    (tmp_path / "corrupt.pdf").write_bytes(TWIST_2025.read_bytes()[:4000])
    (tmp_path / "not_a_pdf.pdf").write_text("Ceci n'est pas un PDF", encoding="utf-8")
    (tmp_path / "empty.pdf").write_bytes(ZERO_PAGES)
    encrypted_pdf(tmp_path / "locked.pdf")
    shutil.copy(TWIST_2010, tmp_path / "also_good.pdf")
    rows = {r.source: r for r in ingest([tmp_path])}
    assert (rows["good.pdf"].status, rows["also_good.pdf"].status) == ("unchanged", "loaded")
    for name in ("corrupt.pdf", "not_a_pdf.pdf", "empty.pdf", "locked.pdf"):
        assert rows[name].status == "failed" and rows[name].reason.startswith(f"{name}: "), rows[name]
    after, _, _ = driver.execute_query(facts)
    assert after[0].data() == before[0].data() and before[0]["nodes"] > 50  # all of good.pdf is still there


def test_neo4j_stopped_mid_ingest_then_rerun_completes(ingest, driver, neo4j_settings, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    if neo4j_settings.uri != f"bolt://127.0.0.1:{neo4j_settings.port}" or not TEST_SERVER_HOME.exists():
        pytest.fail("this test stops and restarts the bundled test server")
    from flows import ingest as flow

    # the flow retries each load with backoff; the driver's own retry window is kept short here
    monkeypatch.setenv("EVALGRAPH_NEO4J_RETRY_SECONDS", "1")
    # one document per batch: the server stops after the first load whatever the machine's speed
    # (with the 2 s window, a fast machine extracts every document before the first load)
    monkeypatch.setattr(flow, "LOAD_EVERY_SECONDS", 0)
    flow.shared_driver.cache_clear()
    reports = {f"r{seed}.pdf": make_report(seed) for seed in (31, 32, 33, 34)}
    for name, report in reports.items():
        build_grid_pdf(report, tmp_path / name)
    stopped: list[str] = []

    def stop_after_first(event: str, row) -> None:
        if event == "done" and row.status == "loaded" and not stopped:
            stopped.append(row.source)
            neo4j_server.stop(TEST_SERVER_HOME)

    try:
        with listening(stop_after_first):
            rows = {r.source: r for r in ingest([tmp_path], workers=1)}
    finally:
        neo4j_server.start(TEST_SERVER_HOME, "127.0.0.1", neo4j_settings.port, neo4j_settings.user,
                           neo4j_settings.password, http=TEST_HTTP_PORT)
        flow.shared_driver.cache_clear()
    assert rows[stopped[0]].status == "loaded"
    interrupted = sorted(n for n, r in rows.items() if r.status == "failed" and n in reports)
    assert interrupted and all("Neo4j unavailable" in rows[n].reason for n in interrupted)
    # whatever the graph holds is whole: every document there has all of its constats
    records, _, _ = driver.execute_query(
        "MATCH (d:Document) RETURN d.source AS s, count{(k:Constat {source: d.source})} AS constats")
    expected = {n: len(expected_records(r)["constats"]) for n, r in reports.items()}
    assert {r["s"]: r["constats"] for r in records} == {n: expected[n] for n in reports if n not in interrupted}
    rerun = {r.source: r.status for r in ingest([tmp_path])}
    assert rerun == {n: ("loaded" if n in interrupted else "unchanged") for n in reports}
    records, _, _ = driver.execute_query(
        "MATCH (d:Document) RETURN d.source AS s, count{(k:Constat {source: d.source})} AS constats")
    assert {r["s"]: r["constats"] for r in records} == expected
