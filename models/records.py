"""Pydantic records produced by the parsers. Every record carries its provenance
(page numbers are 1-based, as a reader of the PDF counts them)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models.kinds import DateSource, DocType, Layout, OrganisationType, PeriodKind, RelationType, SectionKind

SCHEMA_VERSION = "1"

WarningCode = Literal[
    "question_without_table", "table_outside_question", "criteria_count_mismatch",
    "criterion_without_judgment", "criterion_without_text", "unknown_judgment", "constat_duplicate",
    "constat_gap", "constat_order", "justification_without_constat", "image_only_page", "ocr_page", "unknown_layout",
    "grid_not_read", "page_not_read",
]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DocumentInfo(Record):
    source: str = Field(description="the document's identity: its path relative to the ingested root "
                                    "('2019/rapport.pdf'), or its member path in a zip; the file name "
                                    "when extracted alone")
    origin: str | None = Field(default=None, description="where the file was read from: an absolute path, or "
                                                         "'archive.zip!member'")
    file_name: str
    sha256: str
    pages: int
    doc_type: DocType
    layout: Layout
    title: str | None = None


class EvaluationInfo(Record):
    """Who evaluated which cluster (or the policy), when, for which recognition period."""

    evaluation_type: Literal["cluster", "policy"]
    cluster: str | None = None
    evaluator: str | None = None
    date: str | None = Field(default=None, description="ISO date, YYYY-MM-DD or YYYY-MM")
    year: int | None = None
    period_kind: PeriodKind | None = None
    period_number: int | None = Field(default=None, description="1 for the first triennat, ...")
    page: int = 1


class Phase(Record):
    number: int
    name: str
    description: str
    page: int


class Question(Record):
    number: int
    text: str
    page: int
    intro: str = ""
    synthesis: list[str] = Field(default_factory=list)
    announced_criteria: int | None = Field(
        default=None, description="criteria count stated in the intro ('3 critères ...'), if any")


class Criterion(Record):
    id: str = Field(description="Q<question>.C<index>, stable within the document")
    question: int
    index: int
    theme: str | None
    text: str
    judgment: str | None = Field(description="label as printed")
    judgment_normalised: str | None = None
    judgment_level: int | None = Field(
        default=None, description="0 Non atteint < 1 Partiel < 2 Satisfaisant < 3 Atteint")
    constats: list[int] = Field(default_factory=list, description="constats printed in this row")
    shared_constats: list[int] = Field(
        default_factory=list, description="constats of a justification cell spanning this row and others")
    text_shared: bool = Field(default=False, description="criterion cell spans several theme rows")
    pages: list[int]


class Constat(Record):
    number: int
    text: str
    question: int
    criterion: str = Field(description="id of the criterion whose row prints it")
    applies_to: list[str] = Field(description="ids of every criterion the justification cell covers")
    pages: list[int]


class Figure(Record):
    name: str
    value: float
    unit: str
    date: str | None = None
    date_source: DateSource | None = Field(
        default=None, description="where the date comes from: the figure's sentence, an earlier sentence "
                                  "of its paragraph, or the evaluation's date")
    context: str
    page: int


class PartnerMention(Record):
    name: str = Field(description="as printed")
    canonical: str = Field(description="resolved organisation; the name as printed when unknown")
    type: OrganisationType = Field(description="main type (gazetteer) or guessed type (unknown organisation)")
    types: list[OrganisationType] = Field(default_factory=list,
                                          description="every type (a name can be a cluster and a pôle)")
    page: int
    sentence: str
    known: bool = Field(default=True, description="False: not in the gazetteer, to review")


class PartnerRelation(Record):
    subject: str = Field(description="canonical name of a cluster (or pôle)")
    relation: RelationType
    object: str = Field(description="canonical name of the organisation, project or event")
    page: int
    sentence: str = Field(description="evidence")


class Organisation(Record):
    """An organisation the document evaluates, names or relates, as extraction decided it: what
    the graph writes for it (the loader consults no gazetteer)."""

    name: str = Field(description="canonical name")
    types: list[OrganisationType] = Field(description="gazetteer types, else the type guessed from the text")
    known: bool = Field(description="in the gazetteer; False: found by the NER, to review")
    domain: str | None = None
    region: str | None = None


class ListedOrganisation(Record):
    """A reference fact from a list (a slide of the clusters and their domains, say)."""

    name: str
    canonical: str
    type: OrganisationType
    domain: str
    page: int


class Section(Record):
    kind: SectionKind
    number: str = Field(description="as printed: '7', '4.2'")
    title: str
    text: str
    page: int


class StrategicAxis(Record):
    """One strategic axis of the cluster, as the report lists it."""

    number: int = Field(description="position in the report's list, from 1")
    text: str
    page: int


class ValidationWarning(Record):
    code: WarningCode
    message: str
    page: int | None = None


class GazetteerUse(Record):
    """What of the gazetteer the extraction read: an edit of the gazetteer or a review decision
    re-extracts the document only when it changes an entry in its scope (pipeline.gazetteer_scope)."""

    digest: str = Field(description="sha256 of the whole gazetteer read (curated entries and review decisions)")
    scope: str = Field(description="sha256 of the entries and not-partner names that can change this extraction")
    terms: list[str] = Field(description="the document's distinct words, folded and sorted: an entry whose "
                                         "alias has all its words here is in scope")
    candidates: list[str] = Field(description="the names discovery weighed, kept or not: a not-partner name "
                                              "that is one of them, or an entry one resolves to, is in scope")


class ExtractionResult(Record):
    schema_version: str = SCHEMA_VERSION
    pipeline_version: str
    gazetteer: GazetteerUse
    document: DocumentInfo
    evaluation: EvaluationInfo | None
    phases: list[Phase] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    criteria: list[Criterion] = Field(default_factory=list)
    constats: list[Constat] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    partners: list[PartnerMention] = Field(default_factory=list)
    relations: list[PartnerRelation] = Field(default_factory=list)
    listed: list[ListedOrganisation] = Field(default_factory=list)
    organisations: list[Organisation] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    axes: list[StrategicAxis] = Field(default_factory=list)
    warnings: list[ValidationWarning] = Field(default_factory=list)
