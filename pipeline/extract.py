"""One PDF -> ExtractionResult. Pure: no database, no Prefect; safe to run in any worker."""

from __future__ import annotations

from pathlib import Path

from models import DocumentInfo, ExtractionResult, GazetteerUse, ValidationWarning
from pipeline import gazetteer
from pipeline.blocks import document_blocks, text_units
from pipeline.doc_meta import classify, evaluation_info
from pipeline.figures import date_by_report, read_figures
from pipeline.furniture import strip_furniture
from pipeline.gazetteer_scope import document_terms, scope_digest
from pipeline.grid_checks import unread_grid_warnings
from pipeline.grid_columns import join_split_headers
from pipeline.grid_parser import parse_grid_document
from pipeline.grid_settings import DEFAULT_SETTINGS
from pipeline.grid_tables import find_grids
from pipeline.organisations import document_organisations
from pipeline.pages import read_pages, sha256_of
from pipeline.partners import read_partners
from pipeline.reference_lists import listed_organisations
from pipeline.sections import policy_questions, read_sections
from pipeline.strategic_axes import read_strategic_axes
from pipeline.versioning import extraction_version


def extract_document(path: Path, source: str | None = None, origin: str | None = None) -> ExtractionResult:
    """Raises pipeline.pages.DocumentReadError (naming file and page) for unreadable input.
    `source` is the document's identity in an archive (pipeline.archive), by default its file
    name; messages name the document by it, so a folder's `2019/rapport.pdf` is told apart."""
    path = Path(path)
    name = source or path.name
    gazetteer.refresh()
    sha = sha256_of(path)
    pages = strip_furniture(join_split_headers(read_pages(path, name), DEFAULT_SETTINGS))
    warnings: list[ValidationWarning] = [
        ValidationWarning(code="image_only_page", page=p.number,
                          message=f"{name}, page {p.number}: no text layer (scanned image) and no OCR "
                                  f"({p.ocr_error or 'nothing legible'}); its content was not extracted")
        for p in pages if p.image_only
    ] + [
        ValidationWarning(code="ocr_page", page=p.number,
                          message=f"{name}, page {p.number}: no text layer (scanned image); read by OCR "
                                  f"(Tesseract, French; mean word confidence {p.ocr_confidence or 0:.2f}), "
                                  "check its records")
        for p in pages if p.ocr
    ] + [
        ValidationWarning(code="page_not_read", page=p.number, message=f"{name}, page {p.number}: {p.unread}")
        for p in pages if p.unread
    ]
    scan = find_grids(pages)
    blocks = document_blocks(pages, scan.tables, scan.consumed)
    kind, cluster = classify(pages, blocks, bool(scan.tables))
    grid = parse_grid_document(blocks)
    warnings += grid.warnings + unread_grid_warnings(name, pages, scan.consumed)
    if kind.doc_type == "unknown":
        warnings.append(ValidationWarning(
            code="unknown_layout", page=1,
            message=f"{name}: not recognised as a cluster evaluation, policy evaluation or presentation"))
    evaluation = evaluation_info(kind, cluster, pages, blocks)
    subject = evaluation.cluster if evaluation is not None and evaluation.evaluation_type == "cluster" else None
    units = text_units(blocks)
    partners, relations, candidates = read_partners(units, subject)
    sections = read_sections(blocks) if kind.layout == "narrative" else []
    questions = policy_questions(sections) if kind.doc_type == "policy_evaluation" else grid.questions
    listed = listed_organisations(pages) if kind.layout == "slides" else []
    organisations = document_organisations(evaluation, partners, relations, listed)
    terms = document_terms(line.text for p in pages for line in p.lines + p.furniture)
    return ExtractionResult(
        pipeline_version=extraction_version(),
        gazetteer=GazetteerUse(digest=gazetteer.digest(), terms=terms, candidates=candidates,
                               scope=scope_digest(terms, candidates, [o.name for o in organisations])),
        document=DocumentInfo(source=name, origin=origin, file_name=name.rsplit("/", 1)[-1], sha256=sha,
                              pages=len(pages), doc_type=kind.doc_type, layout=kind.layout, title=kind.title),
        evaluation=evaluation,
        phases=grid.phases,
        questions=questions,
        criteria=grid.criteria,
        constats=grid.constats,
        figures=date_by_report(read_figures(units), evaluation.date if evaluation else None),
        partners=partners,
        relations=relations,
        listed=listed,
        organisations=organisations,
        sections=sections,
        axes=read_strategic_axes(blocks) if kind.layout == "narrative" else [],
        warnings=[_named(w, name) for w in warnings],
    )


def _named(warning: ValidationWarning, file_name: str) -> ValidationWarning:
    """Every warning names the file and the page, whichever stage raised it."""
    if warning.message.startswith(file_name):
        return warning
    where = f"{file_name}, page {warning.page}" if warning.page is not None else file_name
    return warning.model_copy(update={"message": f"{where}: {warning.message}"})
