"""Review decisions applied to the graph at once, so that an analyst sees them without waiting
for the next ingest. Each does to the graph what extracting the documents again with the decision
in the gazetteer does (the next ingest re-extracts the documents it concerns, and finds the graph
as these left it):

- accept: the organisation becomes known, with the type given, and the relations the documents
  state with it take the relation that type gives (an event is PRESENT_AT, a project
  TAKES_PART_IN...);
- merge: every mention, listing and relation of the merged node moves to its target, with its
  properties (document, page, sentence: the provenance); then the merged node goes;
- reject: the node goes, with its mentions and relations (it is not an organisation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from neo4j import Driver, ManagedTransaction

from models.kinds import RELATION_TYPES, TYPE_LABELS
from pipeline.gazetteer import Entry
from pipeline.graph_load import type_labels, write_organisations
from pipeline.partners import relation_for

EVIDENCE = """
MATCH (o:Organisation {review: true})
OPTIONAL MATCH (d:Document)-[m:MENTIONS]->(o)
WITH o, m ORDER BY m.source, m.page
RETURN o.name AS name, o.types AS types, collect(DISTINCT m.source) AS documents,
       collect(m.page)[0] AS page, collect(m.sentence)[0] AS sentence
ORDER BY name
"""
_SET_TYPE = ("MATCH (o:Organisation {name: $name}) SET o.known = true, o.review = false, o.types = [$type] "
             "REMOVE o:" + ":".join(TYPE_LABELS.values()) + "\n" + type_labels("o", "[$type]"))
_RELATIONSHIPS = """
MATCH (o:Organisation {name: $name})-[r]-(other)
RETURN elementId(r) AS id, type(r) AS type, startNode(r) = o AS outgoing, elementId(other) AS other,
       properties(r) AS props
"""
COMPUTED = ("SHARES_PARTNERS", "NEXT_EVALUATION")  # the network analytics': recomputed, not moved


def _create(kind: str, outgoing: bool) -> str:
    """Relationship types cannot be parameters: `kind` comes from the graph itself."""
    quoted = "`" + kind.replace("`", "``") + "`"
    arrow = f"-[r:{quoted}]->" if outgoing else f"<-[r:{quoted}]-"
    return ("MATCH (o:Organisation {name: $name}), (x) WHERE elementId(x) = $other "
            f"CREATE (o){arrow}(x) SET r = $props")


_DELETE_RELATIONSHIP = "MATCH ()-[r]->() WHERE elementId(r) = $id DELETE r"


@dataclass(frozen=True)
class ReviewRow:
    """An organisation to review, with where a document names it first."""

    name: str
    types: list[str]
    documents: list[str]
    page: int | None
    sentence: str | None


def organisations_to_review(driver: Driver, database: str | None = None) -> list[ReviewRow]:
    records, _, _ = driver.execute_query(EVIDENCE, database_=database)
    return [ReviewRow(r["name"], r["types"] or [], r["documents"], r["page"], r["sentence"]) for r in records]


def _relationships(tx: ManagedTransaction, name: str) -> list[dict[str, Any]]:
    return [dict(r) for r in tx.run(_RELATIONSHIPS, name=name)]


def _retype(tx: ManagedTransaction, name: str, types: list[str]) -> None:
    """The relations stated with the organisation as object take the type its types give."""
    for rel in _relationships(tx, name):
        if rel["type"] not in RELATION_TYPES or rel["outgoing"]:
            continue
        wanted = relation_for(types, rel["props"].get("sentence") or "")
        if wanted == rel["type"]:
            continue
        tx.run(_DELETE_RELATIONSHIP, id=rel["id"]).consume()
        if wanted is not None:
            tx.run(_create(wanted, False), name=name, other=rel["other"], props=rel["props"]).consume()


def accept(driver: Driver, name: str, kind: str, database: str | None = None) -> bool:
    """True when the graph held the organisation."""
    def work(tx: ManagedTransaction) -> bool:
        if tx.run(_SET_TYPE, name=name, type=kind).consume().counters.properties_set == 0:
            return False
        _retype(tx, name, [kind])
        return True

    with driver.session(database=database) as session:
        return session.execute_write(work)


def _key(rel: dict[str, Any]) -> tuple:
    """What makes a fact one: extraction keeps one mention per organisation and page of a
    document, one relation per subject, type and object of a document."""
    props = rel["props"]
    where = props.get("page") if rel["type"] in ("MENTIONS", "LISTS") else None
    return rel["type"], rel["outgoing"], rel["other"], props.get("source"), where


def merge(driver: Driver, name: str, into: Entry, database: str | None = None) -> int:
    """Move the node's facts to `into` (written as the gazetteer knows it if the graph has no node
    for it yet); the number of facts moved."""
    def work(tx: ManagedTransaction) -> int:
        moving = _relationships(tx, name)
        if not moving:
            tx.run("MATCH (o:Organisation {name: $name}) DELETE o", name=name).consume()
            return 0
        write_organisations(tx, [{"name": into.canonical, "types": list(into.types), "known": True,
                                  "domain": into.domain, "region": into.region}])
        own = tx.run("MATCH (o:Organisation {name: $name}) RETURN elementId(o) AS id",
                     name=into.canonical).single(strict=True)
        held = {_key(rel) for rel in _relationships(tx, into.canonical)}
        moved = 0
        for rel in moving:
            if rel["type"] in COMPUTED or rel["other"] == own["id"] or _key(rel) in held:
                continue  # analytics (recomputed), a relation with itself, a fact the target holds
            tx.run(_create(rel["type"], rel["outgoing"]), name=into.canonical, other=rel["other"],
                   props=rel["props"]).consume()
            held.add(_key(rel))
            moved += 1
        tx.run("MATCH (o:Organisation {name: $name}) DETACH DELETE o", name=name).consume()
        _retype(tx, into.canonical, list(into.types))
        return moved

    with driver.session(database=database) as session:
        return session.execute_write(work)


def reject(driver: Driver, name: str, database: str | None = None) -> int:
    """Delete the node and its facts; the number of facts deleted."""
    _, summary, _ = driver.execute_query(
        "MATCH (o:Organisation {name: $name, known: false}) DETACH DELETE o", name=name, database_=database)
    return summary.counters.relationships_deleted
