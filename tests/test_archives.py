"""Archives that cannot hurt, part one: what a document is (its path below the ingested root, its
bytes), what is unpacked and what is refused, odd file names, and bounded work per document.
Every case was reproduced on the earlier pipeline; each runs here against the real Neo4j and real
files (crafted zips, latin-1 names, a huge page, a killed worker)."""

from __future__ import annotations

import os
import re
import shutil
import stat
import time
import zipfile
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from corpus_tools.grid_pdf import build_grid_pdf
from corpus_tools.synthetic import make_report
from flows.progress import listening
from pipeline.archive import discover, workspace
from pipeline.extract import extract_document
from tests.conftest import TWIST_2010, TWIST_2025

EVALUATIONS = "MATCH (e:Evaluation)-[:EVALUATES]->(c) RETURN e.source AS source, c.name AS cluster ORDER BY source"


def _evaluations(driver) -> list[tuple[str, str]]:
    records, _, _ = driver.execute_query(EVALUATIONS)
    return [(r["source"], r["cluster"]) for r in records]


def _zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return path


def test_two_reports_with_one_name_in_year_folders_are_two_documents(ingest, driver, tmp_path: Path) -> None:
    archive = _zip(tmp_path / "archive.zip", {"2019/rapport.pdf": TWIST_2010.read_bytes(),
                                              "2022/rapport.pdf": TWIST_2025.read_bytes()})
    rows = {r.source: r.status for r in ingest([archive])}
    assert rows == {"2019/rapport.pdf": "loaded", "2022/rapport.pdf": "loaded"}
    assert _evaluations(driver) == [("2019/rapport.pdf", "TWIST"), ("2022/rapport.pdf", "TWIST")]
    again = {r.source: r.status for r in ingest([archive])}
    assert again == {"2019/rapport.pdf": "unchanged", "2022/rapport.pdf": "unchanged"}
    # the same archive unpacked as folders: the same identities
    folder = tmp_path / "unpacked"
    for year, src in (("2019", TWIST_2010), ("2022", TWIST_2025)):
        (folder / year).mkdir(parents=True)
        shutil.copy(src, folder / year / "rapport.pdf")
    assert {r.source: r.status for r in ingest([folder])} == again


def test_another_folder_with_the_same_file_name_does_not_replace_a_report(ingest, driver, tmp_path: Path) -> None:
    first, second = tmp_path / "tweed", tmp_path / "twist"
    first.mkdir(), second.mkdir()
    build_grid_pdf(make_report(41), first / "synthese.pdf")
    shutil.copy(TWIST_2025, second / "synthese.pdf")
    assert [(r.source, r.status) for r in ingest([first])] == [("synthese.pdf", "loaded")]
    before = _evaluations(driver)
    rows = ingest([second])
    assert [(r.source, r.status) for r in rows] == [("synthese.pdf", "failed")]
    assert "already holds another document at this path" in rows[0].reason and str(first) in rows[0].reason
    assert _evaluations(driver) == before  # the first report is still the one the graph holds
    # from their common parent, both load, under paths that tell them apart
    rows = {r.source: r.status for r in ingest([tmp_path])}
    assert rows == {"tweed/synthese.pdf": "moved", "twist/synthese.pdf": "loaded"}
    assert {s for s, _ in _evaluations(driver)} == {"tweed/synthese.pdf", "twist/synthese.pdf"}


def test_a_renamed_file_is_moved_and_a_copy_is_not_loaded_twice(ingest, driver, tmp_path: Path) -> None:
    shutil.copy(TWIST_2025, tmp_path / "a.pdf")
    ingest([tmp_path])
    facts = "MATCH (n:Constat) RETURN count(n) AS n, collect(DISTINCT n.source) AS sources"
    (before,), _, _ = driver.execute_query(facts)
    (tmp_path / "a.pdf").rename(tmp_path / "b.pdf")
    rows = {r.source: r for r in ingest([tmp_path])}
    assert {s: r.status for s, r in rows.items()} == {"b.pdf": "moved"} and "a.pdf" in rows["b.pdf"].reason
    (after,), _, _ = driver.execute_query(facts)
    assert after["n"] == before["n"] and after["sources"] == ["b.pdf"]
    records, _, _ = driver.execute_query("MATCH (c:Constat {source: 'b.pdf'}) WHERE NOT c.uid STARTS WITH 'b.pdf#' "
                                         "RETURN count(c) AS stale")
    assert records[0]["stale"] == 0
    shutil.copy(tmp_path / "b.pdf", tmp_path / "c.pdf")
    rows = {r.source: r for r in ingest([tmp_path])}
    assert rows["b.pdf"].status == "unchanged" and rows["c.pdf"].status == "duplicate"
    assert "the same bytes as b.pdf" in rows["c.pdf"].reason
    assert _evaluations(driver) == [("b.pdf", "TWIST")]


def test_a_graph_keyed_by_bare_file_names_is_migrated_by_moves(ingest, driver, tmp_path: Path) -> None:
    """Graphs loaded before identities were paths hold `rapport.pdf`: ingesting the archive's
    folders renames them to their paths, keeping their facts, instead of loading them again."""
    shutil.copy(TWIST_2025, tmp_path / "rapport.pdf")
    ingest([tmp_path])
    driver.execute_query("MATCH (d:Document) REMOVE d.origin")  # as the earlier loader left it
    (tmp_path / "2025").mkdir()
    (tmp_path / "rapport.pdf").rename(tmp_path / "2025" / "rapport.pdf")
    rows = {r.source: r.status for r in ingest([tmp_path])}
    assert rows == {"2025/rapport.pdf": "moved"}
    assert _evaluations(driver) == [("2025/rapport.pdf", "TWIST")]


def test_crafted_zip_members_are_refused_and_reported(ingest, driver, tmp_path: Path) -> None:
    outside = tmp_path / "host"
    outside.mkdir()
    shutil.copy(TWIST_2025, outside / "secret.pdf")
    archive = _zip(tmp_path / "crafted.zip", {
        str(outside / "secret.pdf"): b"%PDF-1.4 not the host file",  # an absolute name
        "../host/secret.pdf": b"%PDF-1.4 not the host file",  # climbing out
        "../nowhere/ghost.pdf": b"%PDF-1.4",
        "ok/report.pdf": TWIST_2010.read_bytes(),
        "bomb.pdf": b"\0" * (30 << 20),  # 30 MB of zeros compress about a thousand times
    })
    rows = {r.source: r for r in ingest([archive])}
    assert rows["ok/report.pdf"].status == "loaded"
    skipped = {s: r.reason for s, r in rows.items() if r.status == "skipped"}
    assert len(skipped) == 4, rows
    assert any("absolute name" in reason for reason in skipped.values())
    assert sum("climbs out" in reason for reason in skipped.values()) == 2
    assert any("zip bomb" in reason for reason in skipped.values())
    records, _, _ = driver.execute_query("MATCH (d:Document) RETURN collect(d.source) AS s")
    assert records[0]["s"] == ["ok/report.pdf"]  # nothing read from the host


def test_nested_zips_links_and_read_only_folders(ingest, tmp_path: Path) -> None:
    root = tmp_path / "archive"
    (root / "2019").mkdir(parents=True)
    inner = _zip(tmp_path / "inner.zip", {"annexe.pdf": TWIST_2010.read_bytes()})
    _zip(root / "2019" / "lot.zip", {"synthese.pdf": TWIST_2025.read_bytes(), "sub/inner.zip": inner.read_bytes()})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    build_grid_pdf(make_report(42), elsewhere / "other.pdf")
    (root / "linked").symlink_to(elsewhere, target_is_directory=True)
    (root / "dangling.pdf").symlink_to(tmp_path / "gone.pdf")
    os.chmod(root / "2019", stat.S_IRUSR | stat.S_IXUSR)  # a zip in a read-only folder
    try:
        rows = {r.source: r for r in ingest([root])}
    finally:
        os.chmod(root / "2019", stat.S_IRWXU)
    assert rows["2019/lot.zip/synthese.pdf"].status == "loaded"
    assert rows["2019/lot.zip/sub/inner.zip/annexe.pdf"].status == "loaded"
    skipped = {s: r.reason for s, r in rows.items() if r.status == "skipped"}
    assert any("outside the ingested folder" in reason for s, reason in skipped.items() if s.endswith("linked"))
    assert any("dangling" in reason for s, reason in skipped.items() if s.endswith("dangling.pdf"))
    assert not list((root / "2019").iterdir())[1:]  # nothing unpacked beside the zip


def test_zips_are_unpacked_into_a_private_workspace_removed_after(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "a.zip", {"x.pdf": TWIST_2025.read_bytes()})
    with workspace() as work:
        found = discover([str(archive)], work)
        assert stat.S_IMODE(work.stat().st_mode) == 0o700
        assert [f.source for f in found.files] == ["x.pdf"] and Path(found.files[0].path).parent == work
        assert found.files[0].origin == f"{archive.resolve()}!x.pdf"
    assert not work.exists()


def test_a_latin1_file_name_loads_alone_with_a_readable_name(ingest, tmp_path: Path) -> None:
    odd = os.fsdecode(b"rapport_\xe9t\xe9_2022.pdf")  # latin-1 bytes: not UTF-8
    shutil.copy(TWIST_2025, tmp_path / odd)
    shutil.copy(TWIST_2010, tmp_path / "plain.pdf")
    rows = {r.source: r.status for r in ingest([tmp_path])}
    assert rows == {"rapport_été_2022.pdf": "loaded", "plain.pdf": "loaded"}


def _huge_page_pdf(path: Path, side: float) -> Path:
    """A few hundred bytes that declare one page of `side` points square, a picture on it."""
    c = canvas.Canvas(str(path), pagesize=(side, side))
    c.drawInlineImage(__import__("PIL.Image", fromlist=["Image"]).new("L", (4, 4), 128), 0, 0, side, side)
    c.showPage()
    c.save()
    return path


def test_a_huge_page_is_refused_before_it_is_rendered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    start = time.perf_counter()
    with pytest.raises(Exception, match=r"huge\.pdf, page 1: .*no page could be read.*over the 2 m² limit"):
        extract_document(_huge_page_pdf(tmp_path / "huge.pdf", 14400))  # 5 m by 5 m
    # under the area limit, the render limit lowers the OCR resolution, or skips the page
    monkeypatch.setenv("EVALGRAPH_RENDER_MEGAPIXELS", "2")
    result = extract_document(_huge_page_pdf(tmp_path / "big.pdf", 3000))  # 1.06 m side: 1.1 m²
    assert [w.code for w in result.warnings if w.code == "image_only_page"] == ["image_only_page"]
    assert "too large to render" in next(w.message for w in result.warnings if w.code == "image_only_page")
    assert time.perf_counter() - start < 30


def test_a_damaged_page_is_a_warning_and_the_rest_loads(tmp_path: Path) -> None:
    path = tmp_path / "damaged.pdf"
    c = canvas.Canvas(str(path), pageCompression=0)
    c.drawString(72, 700, "Page one is fine and has its text")
    c.showPage()
    c.drawString(72, 700, "Page two loses its content")
    c.showPage()
    c.save()
    data = path.read_bytes()
    at = data.index(b"Page two")
    path.write_bytes(data[:at - 20] + b"\0\xff(((<<<]]]" + data[at - 10:])
    result = extract_document(path)
    warning = next(w for w in result.warnings if w.code == "page_not_read")
    assert warning.page == 2 and warning.message.startswith("damaged.pdf, page 2: the page's content is damaged")


def test_a_killed_worker_fails_its_document_only_and_failures_are_not_cached(ingest, tmp_path: Path) -> None:

    for seed in range(51, 57):
        build_grid_pdf(make_report(seed), tmp_path / f"r{seed}.pdf")
    killed: list[str] = []

    def kill_a_worker(event: str, row) -> None:
        if event == "extracted" and not killed:
            import multiprocessing
            import signal

            workers = [p for p in multiprocessing.active_children() if "Resource" not in type(p).__name__]
            os.kill(workers[0].pid, signal.SIGKILL)
            killed.append(row.source)

    with listening(kill_a_worker):
        rows = {r.source: r for r in ingest([tmp_path], runner="processes", workers=2)}
    failed = [r for r in rows.values() if r.status == "failed"]
    assert killed and len(failed) <= 1, rows  # the document the killed worker held, if it held one
    assert all("worker died" in r.reason for r in failed)
    assert sum(r.status == "loaded" for r in rows.values()) == 6 - len(failed)
    again = {r.source: r.status for r in ingest([tmp_path], runner="processes", workers=2)}
    assert sorted(again.values()) == sorted(["loaded"] * len(failed) + ["unchanged"] * (6 - len(failed)))


def test_documents_queued_when_pebble_breaks_the_pool_are_extracted_on_a_new_one(tmp_path: Path) -> None:
    """A worker that dies between two documents, no document running anywhere, makes pebble
    mark its whole pool broken ("All workers expired"), and every queued document failed with
    it. Here both idle workers are killed: the next document gets a new pool and is read."""
    import multiprocessing
    import signal

    from flows import extraction_pool
    from pipeline.archive import FoundFile

    shutil.copy(TWIST_2025, tmp_path / "next.pdf")
    with extraction_pool.extraction_processes(2):
        broken = extraction_pool._pool
        assert broken is not None
        assert broken.schedule(os.getpid).result(timeout=120) > 0  # the workers started, and are idle
        for worker in [p for p in multiprocessing.active_children() if "Resource" not in type(p).__name__]:
            os.kill(worker.pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while broken.active and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not broken.active  # pebble's verdict: the pool is broken
        row = extraction_pool.extract(FoundFile.alone(tmp_path / "next.pdf"))
        assert (row.source, row.status, row.reason) == ("next.pdf", "extracted", "")
        assert extraction_pool._pool is not broken and extraction_pool._pool.active
    assert extraction_pool._pool is None  # the new pool ended with the block


def test_a_document_over_its_time_limit_fails_alone_and_is_retried(ingest, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(TWIST_2025, tmp_path / "slow.pdf")
    monkeypatch.setenv("EVALGRAPH_DOCUMENT_SECONDS", "0.01")
    rows = ingest([tmp_path], runner="processes", workers=1)
    assert [(r.source, r.status) for r in rows] == [("slow.pdf", "failed")]
    assert "longer than 0.01 s" in rows[0].reason and "EVALGRAPH_DOCUMENT_SECONDS" in rows[0].reason
    monkeypatch.delenv("EVALGRAPH_DOCUMENT_SECONDS")
    assert [(r.source, r.status) for r in ingest([tmp_path], runner="processes", workers=1)] == [
        ("slow.pdf", "loaded")]  # the failure was not cached


def _address_space_mb() -> float:
    """This process's virtual memory (what RLIMIT_AS bounds), in MB."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmSize:\s+(\d+) kB", status)[1]) / 1024


def test_a_document_over_the_memory_limit_fails_alone(ingest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows import extraction_pool

    with extraction_pool.extraction_processes(1) as pool:  # a warm worker, spaCy loaded, no document yet
        baseline = pool.schedule(_address_space_mb).result()
    # a scanned page of 1 m² is rendered at 300 dpi (140 megapixels): far more than 400 MB over the baseline
    monkeypatch.setenv("EVALGRAPH_RENDER_MEGAPIXELS", "1000")
    monkeypatch.setenv("EVALGRAPH_WORKER_MEMORY_MB", str(int(baseline + 400)))
    _huge_page_pdf(tmp_path / "poster.pdf", 2835)  # 1 m by 1 m
    shutil.copy(TWIST_2025, tmp_path / "report.pdf")
    rows = {r.source: r for r in ingest([tmp_path], runner="processes", workers=1)}
    assert rows["report.pdf"].status == "loaded"
    poster = rows["poster.pdf"]
    assert poster.status == "failed", poster
    assert "memory" in poster.reason and "EVALGRAPH_WORKER_MEMORY_MB" in poster.reason, poster.reason
