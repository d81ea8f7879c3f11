"""Numbered sections of narrative and policy reports, with their kind (section, conclusion,
recommendation), and the evaluation questions of a policy report: the subsection headings
that ask a question, outside the conclusions and recommendations, with their answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from models import Question, Section
from models.kinds import SectionKind
from pipeline.blocks import Block
from pipeline.text import fold

NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(\S.*)$")
TOP_LEVEL_MAX_WORDS = 8


@dataclass
class _Open:
    kind: SectionKind
    number: str
    title: str
    page: int
    body: list[str] = field(default_factory=list)


def _heading(block: Block) -> tuple[str, str] | None:
    """(number, title) of a numbered heading. "1. Un premier type d'objectif portant sur ..." or
    "2. Un financement axé sur les projets :" are items of a numbered list, not sections."""
    if block.kind != "heading":
        return None
    m = NUMBERED.match(block.text.strip())
    if m is None:
        return None
    number, title = m.group(1), m.group(2).strip()
    if "." not in number and (len(title.split()) > TOP_LEVEL_MAX_WORDS or title.endswith(":")):
        return None
    return number, title


def _kind_of(title: str) -> SectionKind | None:
    folded = fold(title)
    if folded.startswith("conclusion"):
        return "conclusion"
    if folded.startswith("recommandation"):
        return "recommendation"
    return None


def read_sections(blocks: list[Block]) -> list[Section]:
    sections: list[_Open] = []
    context: SectionKind = "section"  # the kind given by the enclosing top-level section
    last_top = 0
    for block in blocks:
        if block.kind == "table":
            continue
        heading = _heading(block)
        if heading is not None and "." not in heading[0]:
            if int(heading[0]) <= last_top:  # "2" of a "2e triennat" cut by a superscript: not a section
                heading = None
            else:
                last_top = int(heading[0])
        if heading is None:
            if sections:
                sections[-1].body.append(block.text)
            continue
        number, title = heading
        if "." not in number:
            context = _kind_of(title) or "section"
            kind = context
        else:
            kind = _kind_of(title) or context
        sections.append(_Open(kind, number, title, block.page))
    return [Section(kind=s.kind, number=s.number, title=s.title, text="\n\n".join(s.body), page=s.page)
            for s in sections]


def policy_questions(sections: list[Section]) -> list[Question]:
    """Subsections titled by a question, outside conclusions and recommendations, in order."""
    asked = [s for s in sections if s.kind == "section" and "." in s.number and s.title.rstrip().endswith("?")]
    return [Question(number=i, text=s.title, page=s.page, synthesis=[p for p in s.text.split("\n\n") if p])
            for i, s in enumerate(asked, start=1)]
