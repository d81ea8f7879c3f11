"""Every closed set of values evalgraph uses, defined once. The records validate against these
(a wrong value fails validation instead of passing as a string), and the graph writer, the
cookbook, the review and the CLI read them from here.

The wording that finds these values in a report (cue words, judgment scales, captions) is data in
pipeline/data/; this module only names what the values can be."""

from __future__ import annotations

from typing import Literal, TypeGuard, TypeVar, get_args

Kind = TypeVar("Kind", bound=str)

# What an organisation is. "organisation": found in a report, kind not known (to review).
OrganisationType = Literal[
    "cluster", "pole", "foreign_cluster", "agency", "administration", "institution", "programme", "project",
    "company", "event", "evaluator", "federation", "initiative", "organisation",
]
# What a gazetteer entry is: an organisation, or a place (never a partner: it completes names).
EntryType = Literal[OrganisationType, "place"]
ORGANISATION_TYPES: tuple[OrganisationType, ...] = get_args(OrganisationType)
ENTRY_TYPES: tuple[EntryType, ...] = get_args(EntryType)
# The graph label each specific type adds to :Organisation ("foreign_cluster" -> :ForeignCluster).
TYPE_LABELS: dict[OrganisationType, str] = {
    t: "".join(word.title() for word in t.split("_")) for t in ORGANISATION_TYPES if t != "organisation"}


def one_of(value: str, allowed: tuple[Kind, ...], what: str) -> Kind:
    """`value` as a member of the closed set `allowed`; one that is not is an error saying what it
    should have been and the choices."""
    for kind in allowed:
        if value == kind:
            return kind
    raise ValueError(f"{value!r} is not {what}; one of {', '.join(allowed)}")


def is_organisation_type(value: str) -> TypeGuard[OrganisationType]:
    return value in ORGANISATION_TYPES


def organisation_type(value: str) -> OrganisationType:
    """`value` as an organisation type; a value that is not one is a bug upstream, said here."""
    return one_of(value, ORGANISATION_TYPES, "an organisation type")


# What a report states between two organisations.
RelationType = Literal["PARTNERS_WITH", "TAKES_PART_IN", "SYNERGY_WITH", "PRESENT_AT", "HAS_MEMBER"]
RELATION_TYPES: tuple[RelationType, ...] = get_args(RelationType)

# What a document is, and how its pages are laid out.
DocType = Literal["cluster_evaluation", "policy_evaluation", "presentation", "unknown"]
Layout = Literal["grid", "narrative", "slides", "unknown"]
# A numbered section of a narrative report, by what its title announces.
SectionKind = Literal["section", "conclusion", "recommendation"]
# A cluster's recognition period: three or four years.
PeriodKind = Literal["triennat", "quadriennat"]
# Where a figure's date comes from: its sentence, an earlier sentence of its paragraph, the evaluation.
DateSource = Literal["sentence", "paragraph", "document"]

# One document's outcome in an ingest: extracted (not yet loaded), loaded, replaced, unchanged,
# moved (same bytes at a new path: renamed), duplicate (same bytes as another file: not loaded
# twice), failed, skipped (an archive entry refused), pruned, or missing (in the graph, no longer in
# the archive, kept because pruning was not asked); queued: announced, not yet decided.
IngestStatus = Literal["queued", "extracted", "loaded", "replaced", "unchanged", "moved", "duplicate", "failed",
                       "skipped", "pruned", "missing"]
# What a caller following an ingest hears of each document: announced, extracted, then done (its
# final status is on its row).
IngestEvent = Literal["queued", "extracted", "done"]
# What a load into Neo4j did with one document.
LoadStatus = Literal["loaded", "replaced", "unchanged"]
# The statuses that changed the graph: the network analytics are computed again after them.
GRAPH_CHANGING: frozenset[IngestStatus] = frozenset({"loaded", "replaced", "pruned", "moved"})
# The statuses that are not a failure but are worth a line of explanation.
EXPLAINED: frozenset[IngestStatus] = frozenset({"skipped", "duplicate", "moved", "missing"})
