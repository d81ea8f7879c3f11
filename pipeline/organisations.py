"""Every organisation a document evaluates, names or relates, once, with its types, domain and
region decided here, at extraction, from the gazetteer (or from the text, for one the gazetteer
does not know): `evalgraph extract --json` shows them, and the graph writer writes exactly them."""

from __future__ import annotations

from models import EvaluationInfo, ListedOrganisation, Organisation, PartnerMention, PartnerRelation
from models.kinds import OrganisationType
from pipeline.gazetteer import by_canonical


def document_organisations(evaluation: EvaluationInfo | None, partners: list[PartnerMention],
                           relations: list[PartnerRelation], listed: list[ListedOrganisation]) -> list[Organisation]:
    known = by_canonical()
    found: dict[str, Organisation] = {}

    def add(name: str | None, types: list[OrganisationType]) -> None:
        if name is None or name in found:
            return
        e = known.get(name)
        found[name] = Organisation(name=name, types=e.organisation_types if e else types, known=e is not None,
                                   domain=e.domain if e else None, region=e.region if e else None)

    if evaluation is not None:
        add(evaluation.cluster, ["cluster"])
        add(evaluation.evaluator, ["evaluator"])
    for m in partners:
        add(m.canonical, m.types)
    for r in relations:
        add(r.subject, ["cluster"])
        add(r.object, ["organisation"])
    for item in listed:
        add(item.canonical, [item.type])
    return list(found.values())
