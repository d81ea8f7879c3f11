"""An analyst's review decisions, kept in a plain YAML file of their own (the user overlay of the
gazetteer): an organisation the NER found is accepted (with its type), merged into one the
gazetteer knows (its name becomes an alias), or rejected (it is not an organisation).

Every extraction reads the gazetteer with these decisions applied (pipeline.gazetteer), so they
survive every later ingest; `evalgraph review` also applies them to the graph at once
(pipeline.review_store). The file is the user's: bundled data is never edited.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from models.kinds import OrganisationType
from pipeline.atomic_file import write_atomically
from pipeline.config import PROJECT_ROOT

HEADER = ("# evalgraph review decisions: the user overlay of the gazetteer, read by every extraction.\n"
          "# Written by `evalgraph review accept|merge|reject`; editable by hand (same keys).\n")


class Accepted(BaseModel):
    name: str
    type: OrganisationType
    decided: datetime.date = Field(default_factory=datetime.date.today)


class Merged(BaseModel):
    name: str = Field(description="the name as found, which becomes an alias of `into`")
    into: str = Field(description="canonical name of an organisation the gazetteer knows")
    decided: datetime.date = Field(default_factory=datetime.date.today)


class Rejected(BaseModel):
    name: str
    decided: datetime.date = Field(default_factory=datetime.date.today)


class Decisions(BaseModel):
    accept: list[Accepted] = Field(default_factory=list)
    merge: list[Merged] = Field(default_factory=list)
    reject: list[Rejected] = Field(default_factory=list)

    def deciding(self, decision: Accepted | Merged | Rejected) -> Decisions:
        """The decisions with this one about its name, which replaces any earlier one."""
        kept = {kind: [d for d in getattr(self, kind) if d.name != decision.name] for kind in KINDS.values()}
        kept[KINDS[type(decision)]].append(decision)
        return Decisions(**kept)


KINDS: dict[type, str] = {Accepted: "accept", Merged: "merge", Rejected: "reject"}  # a decision -> its list


def review_path() -> Path:
    """EVALGRAPH_REVIEW_FILE, or var/review.yaml in the project (git-ignored, next to the bundled
    server's data)."""
    return Path(os.environ.get("EVALGRAPH_REVIEW_FILE") or PROJECT_ROOT / "var" / "review.yaml")


def read_decisions(path: Path | None = None) -> Decisions:
    """The decisions in the file; none when it does not exist yet. A malformed file is an error
    naming it, never silently ignored (the decisions would be lost at the next ingest)."""
    path = path or review_path()
    if not path.exists():
        return Decisions()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Decisions.model_validate(data)
    except (yaml.YAMLError, ValueError) as exc:
        raise ValueError(f"{path}: not a review decisions file ({exc})") from exc


def write_decisions(decisions: Decisions, path: Path | None = None) -> Path:
    """Replaced whole (pipeline.atomic_file): an interrupted write leaves the old file."""
    path = path or review_path()
    body = yaml.safe_dump(decisions.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    write_atomically(path, (HEADER + body).encode("utf-8"))
    return path


def apply_decisions(data: dict[str, Any], decisions: Decisions) -> dict[str, Any]:
    """The gazetteer's data (entries, not_partners) with the decisions applied: an accepted name
    is an entry of its own, a merged name an alias of its target, a rejected name not a partner."""
    entries = [dict(e, aliases=list(e["aliases"])) for e in data["entries"]]
    by_name = {e["canonical"]: e for e in entries}
    for accepted in decisions.accept:
        if accepted.name not in by_name:
            entry = {"canonical": accepted.name, "types": [accepted.type], "aliases": [accepted.name],
                     "source": f"review: accepted {accepted.decided.isoformat()}"}
            entries.append(entry)
            by_name[accepted.name] = entry
    for merged in decisions.merge:
        target = by_name.get(merged.into)
        if target is None:
            raise ValueError(f"{review_path()}: {merged.name!r} is merged into {merged.into!r}, "
                             "which the gazetteer does not know")
        if merged.name not in target["aliases"]:
            target["aliases"].append(merged.name)
    not_partners = list(data.get("not_partners", [])) + [r.name for r in decisions.reject]
    return {**data, "entries": entries, "not_partners": not_partners}
