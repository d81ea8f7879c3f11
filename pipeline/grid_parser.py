"""Stage 3a: grid-format evaluations -> questions, criteria, judgments, constats, phases.

Reads the block stream (headings, paragraphs, logical tables in reading order).
Nothing here knows a particular report: counts, page breaks and wording vary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from models import Constat, Criterion, Phase, Question, ValidationWarning
from pipeline.blocks import Block
from pipeline.grid_tables import LogicalTable
from pipeline.vocabulary import (
    announced_criteria,
    clean_judgment,
    finding_marks,
    match_misread_question,
    match_question,
    normalise_judgment,
)

PHASE = re.compile(r"^Phase\s+(\d+)\s*[–—:-]\s*([^:]{2,60}?)\s*:\s*(.+)$", re.S)


@dataclass
class GridRecords:
    phases: list[Phase] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    constats: list[Constat] = field(default_factory=list)
    warnings: list[ValidationWarning] = field(default_factory=list)


def split_constats(text: str, ocr: bool = False) -> tuple[list[tuple[int, str]], str]:
    """'Constat 1 : a Constat 2 : b' -> ([(1, 'a'), (2, 'b')], text before the first constat)."""
    marks = finding_marks(text, ocr)
    found = []
    for k, (number, _, body_start) in enumerate(marks):
        end = marks[k + 1][1] if k + 1 < len(marks) else len(text)
        found.append((number, " ".join(text[body_start:end].split())))
    lead = text[: marks[0][1]] if marks else text
    return found, " ".join(lead.split())


def _question_text(text: str) -> str:
    text = " ".join(text.split())
    return text[: text.index("?") + 1] if "?" in text else text


def parse_grid_document(blocks: list[Block]) -> GridRecords:
    out = GridRecords()
    questions: dict[int, Question] = {}
    has_table: set[int] = set()
    current: Question | None = None
    after_table = False
    for block in blocks:
        if block.kind == "table" and block.table is not None:
            q = _question_for_table(block.table, current, questions, block)
            if q is None:
                out.warnings.append(ValidationWarning(
                    code="table_outside_question", page=block.page,
                    message="an evaluation grid appears before any evaluation question; its rows were kept "
                            "under question 0"))
                q = questions.setdefault(0, Question(number=0, text="", page=block.page))
            current, after_table = q, True
            has_table.add(q.number)
            _table_records(block.table, q, out, block.ocr)
            continue
        caption = match_question(block.text)
        if caption is None and block.ocr and block.kind == "heading":
            caption = match_misread_question(block.text, max(questions, default=0) + 1)
        if caption and block.kind in ("heading", "para") and len(block.text) < 400:
            number, text = caption
            current = questions.get(number) or Question(number=number, text=_question_text(text),
                                                        page=block.page)
            questions[number] = current
            after_table = False
            continue
        if block.kind == "heading":
            current, after_table = None, False
            continue
        pm = PHASE.match(block.text)
        if pm:
            out.phases.append(Phase(number=int(pm.group(1)), name=pm.group(2).strip(),
                                    description=" ".join(pm.group(3).split()), page=block.page))
            continue
        if current is None:
            continue
        if after_table:
            current.synthesis.append(block.text)
        else:
            current.intro = f"{current.intro} {block.text}".strip()
            if current.announced_criteria is None and (am := announced_criteria().search(block.text)):
                current.announced_criteria = int(am.group(1))
    out.questions = [questions[n] for n in sorted(questions)]
    out.warnings += validate(out, has_table)
    return out


def _question_for_table(table: LogicalTable, current: Question | None, questions: dict[int, Question],
                        block: Block) -> Question | None:
    if table.question is not None:
        if table.question not in questions:
            caption = match_question(table.title)
            questions[table.question] = Question(
                number=table.question, text=_question_text(caption[1]) if caption else table.title,
                page=block.page)
        return questions[table.question]
    return current


def _table_records(table: LogicalTable, q: Question, out: GridRecords, ocr: bool = False) -> None:
    """Logical rows -> criteria; a merged (None) or empty cell takes the value of the span above.
    `ocr`: the table was read by OCR, its finding labels may hold misread digits."""
    theme: str | None = None
    text, text_owner = "", None
    judgment: str | None = None
    span: list[int] = []
    span_owner: Criterion | None = None
    base = sum(1 for c in out.criteria if c.question == q.number)
    for k, row in enumerate(table.rows):
        cells = row.cells
        cid = f"Q{q.number}.C{base + k + 1}"
        if cells.get("theme") is not None:
            theme = cells.get("theme") or None
        crit_cell = cells.get("criterion")
        shared_text = not crit_cell
        if crit_cell:
            text, text_owner = crit_cell, None
        judg_cell = clean_judgment(cells.get("judgment"), ocr)
        if judg_cell is not None:
            judgment = judg_cell or None
        just_cell = cells.get("justification")
        found: list[tuple[int, str]] = []
        lead = ""
        if just_cell:
            found, lead = split_constats(just_cell, ocr)
        norm, level = normalise_judgment(judgment)
        crit = Criterion(
            id=cid, question=q.number, index=base + k + 1, theme=theme, text=text, judgment=judgment,
            judgment_normalised=norm, judgment_level=level,
            constats=[n for n, _ in found], shared_constats=[] if just_cell else list(span),
            text_shared=shared_text and bool(text), pages=sorted(set(row.pages)),
        )
        if shared_text and text_owner is None and out.criteria and out.criteria[-1].text == text:
            out.criteria[-1].text_shared = True
            text_owner = out.criteria[-1].id
        if lead and not found:
            out.warnings.append(ValidationWarning(
                code="justification_without_constat", page=row.pages[0],
                message=f"{cid}: justification has no numbered constat: {lead[:80]!r}"))
        out.criteria.append(crit)
        if just_cell:
            span = [n for n, _ in found]
            span_owner = crit
            for n, body in found:
                out.constats.append(Constat(number=n, text=body, question=q.number, criterion=cid,
                                            applies_to=[cid], pages=sorted(set(row.pages))))
        elif span_owner is not None:
            for c in out.constats:
                if c.criterion == span_owner.id:
                    c.applies_to.append(cid)


def validate(rec: GridRecords, has_table: set[int]) -> list[ValidationWarning]:
    """The document's own consistency checks; each finding names the page."""
    warnings: list[ValidationWarning] = []
    for q in rec.questions:
        if q.number not in has_table:
            warnings.append(ValidationWarning(code="question_without_table", page=q.page,
                                              message=f"question {q.number} has no evaluation grid"))
        n = sum(1 for c in rec.criteria if c.question == q.number)
        if q.announced_criteria is not None and q.number in has_table and n != q.announced_criteria \
                and len({c.text for c in rec.criteria if c.question == q.number}) != q.announced_criteria:
            warnings.append(ValidationWarning(
                code="criteria_count_mismatch", page=q.page,
                message=f"question {q.number} announces {q.announced_criteria} criteria, the grid has {n}"))
    for c in rec.criteria:
        if not c.judgment:
            warnings.append(ValidationWarning(code="criterion_without_judgment", page=c.pages[0],
                                              message=f"{c.id} ({c.theme or c.text[:40]}) has no judgment"))
        elif c.judgment_normalised is None:
            warnings.append(ValidationWarning(code="unknown_judgment", page=c.pages[0],
                                              message=f"{c.id}: unknown judgment label {c.judgment!r}"))
        if not c.text:
            warnings.append(ValidationWarning(code="criterion_without_text", page=c.pages[0],
                                              message=f"{c.id} has no criterion text"))
    numbers = [c.number for c in rec.constats]
    seen: set[int] = set()
    for k in rec.constats:
        if k.number in seen:
            warnings.append(ValidationWarning(code="constat_duplicate", page=k.pages[0],
                                              message=f"constat {k.number} appears more than once"))
        seen.add(k.number)
    if numbers:
        missing = sorted(set(range(1, max(numbers) + 1)) - seen)
        if missing:
            warnings.append(ValidationWarning(code="constat_gap", page=None,
                                              message=f"constat numbers missing: {missing}"))
        for a, b in zip(rec.constats, rec.constats[1:], strict=False):
            if b.number < a.number:
                warnings.append(ValidationWarning(
                    code="constat_order", page=b.pages[0],
                    message=f"constat {b.number} follows constat {a.number}"))
    return warnings
