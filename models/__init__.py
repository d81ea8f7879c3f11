"""Typed records at the boundary between extraction and the graph.

`evalgraph extract FILE --json` prints an `ExtractionResult`; its shape is the
documented, stable contract (docs/extract-json.md). Add fields, never rename them.
"""

from models.records import (
    SCHEMA_VERSION,
    Constat,
    Criterion,
    DocumentInfo,
    EvaluationInfo,
    ExtractionResult,
    Figure,
    GazetteerUse,
    ListedOrganisation,
    Organisation,
    PartnerMention,
    PartnerRelation,
    Phase,
    Question,
    Section,
    StrategicAxis,
    ValidationWarning,
)

__all__ = [
    "SCHEMA_VERSION",
    "Constat",
    "Criterion",
    "DocumentInfo",
    "EvaluationInfo",
    "ExtractionResult",
    "Figure",
    "GazetteerUse",
    "ListedOrganisation",
    "Organisation",
    "PartnerMention",
    "PartnerRelation",
    "Phase",
    "Question",
    "Section",
    "StrategicAxis",
    "ValidationWarning",
]
