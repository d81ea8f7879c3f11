"""The documented JSON format (docs/extract-json.md) and the models cannot drift apart."""

from __future__ import annotations

import re
import typing

import pytest
from pydantic import BaseModel

from models import records
from pipeline.config import PROJECT_ROOT

DOC = (PROJECT_ROOT / "docs" / "extract-json.md").read_text(encoding="utf-8")
MODELS = [records.ExtractionResult, records.GazetteerUse, records.DocumentInfo, records.EvaluationInfo, records.Phase,
          records.Question, records.Criterion, records.Constat, records.Figure, records.PartnerMention,
          records.PartnerRelation, records.ListedOrganisation, records.Organisation, records.Section,
          records.StrategicAxis, records.ValidationWarning]


def documented_keys(section: str) -> set[str]:
    """First-column keys of the table under the `## section` heading."""
    match = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |^Codes:|\Z)", DOC, re.S | re.M)
    assert match, f"docs/extract-json.md has no section {section!r}"
    return set(re.findall(r"^\| `([a-z0-9_]+)` \|", match.group(1), re.M))


SECTIONS = {records.ExtractionResult: "Top level", records.GazetteerUse: "`gazetteer`",
            records.DocumentInfo: "`document`",
            records.EvaluationInfo: "`evaluation`", records.Phase: "`phases[]`",
            records.Question: "`questions[]`", records.Criterion: "`criteria[]`",
            records.Constat: "`constats[]`", records.Figure: "`figures[]`",
            records.PartnerMention: "`partners[]`", records.PartnerRelation: "`relations[]`",
            records.ListedOrganisation: "`listed[]`", records.Organisation: "`organisations[]`",
            records.Section: "`sections[]`",
            records.StrategicAxis: "`axes[]`",
            records.ValidationWarning: "`warnings[]`"}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_is_documented(model: type[BaseModel]) -> None:
    assert documented_keys(SECTIONS[model]) == set(model.model_fields)


def test_every_warning_code_is_documented() -> None:
    codes_table = DOC.split("Codes:")[1].split("## ")[0]
    assert set(re.findall(r"^\| `([a-z0-9_]+)` \|", codes_table, re.M)) == set(typing.get_args(records.WarningCode))


def test_documented_schema_version_is_the_current_one() -> None:
    assert f'currently `"{records.SCHEMA_VERSION}"`' in DOC
