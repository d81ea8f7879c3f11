"""Stage 4: ExtractionResult -> Neo4j, one transaction per document.

A document owns its facts (evaluation, questions, criteria, judgments, constats,
phases): every owned node carries `source` (the document's file name) and `page`.
Loading a changed document deletes its own facts and writes the new ones in the
same transaction, so the graph never holds half a document, and shared nodes
(clusters, organisations) that other documents point to are left alone.
Parameterised Cypher only; lists are written with UNWIND.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from neo4j import Driver, ManagedTransaction

from models import ExtractionResult
from pipeline.gazetteer import by_canonical

OWNED_LABELS = ("Evaluation", "Question", "Criterion", "Judgment", "Constat", "Phase", "Figure", "Section",
                "StrategicAxis")

Status = Literal["loaded", "replaced", "unchanged"]


@dataclass
class LoadOutcome:
    source: str
    status: Status
    counters: dict[str, int] = field(default_factory=dict)

    @property
    def records_written(self) -> int:
        return records_written(self.counters)


def records_written(counters: dict[str, int]) -> int:
    """Nodes and relationships a load created: what the benchmark and the summaries count."""
    return counters.get("nodes_created", 0) + counters.get("relationships_created", 0)


def _add(total: dict[str, int], summary: Any) -> None:
    c = summary.counters
    for key in ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted",
                "properties_set", "labels_added"):
        total[key] = total.get(key, 0) + getattr(c, key)


def known_documents(driver: Driver, database: str | None = None) -> dict[str, tuple[str, str]]:
    """source -> (sha256, pipeline_version) of every loaded document, in one query."""
    records, _, _ = driver.execute_query(
        "MATCH (d:Document) RETURN d.source AS source, d.sha256 AS sha, d.pipeline_version AS version",
        database_=database)
    return {r["source"]: (r["sha"], r["version"]) for r in records}


def _uid(source: str, kind: str, local: object) -> str:
    return f"{source}#{kind}:{local}"


def _params(result: ExtractionResult, source: str) -> dict[str, Any]:
    doc, ev = result.document, result.evaluation
    eval_uid = _uid(source, "evaluation", 1)
    evaluation = None
    if ev is not None:
        evaluation = {**ev.model_dump(), "uid": eval_uid}
    questions = [{"uid": _uid(source, "question", q.number), "number": q.number, "text": q.text,
                  "intro": q.intro, "synthesis": q.synthesis, "page": q.page,
                  "announced_criteria": q.announced_criteria} for q in result.questions]
    criteria = [{"uid": _uid(source, "criterion", c.id), "id": c.id,
                 "question_uid": _uid(source, "question", c.question), "question": c.question,
                 "index": c.index, "theme": c.theme, "text": c.text, "text_shared": c.text_shared,
                 "page": c.pages[0], "pages": c.pages,
                 "judgment": None if c.judgment is None else {
                     "uid": _uid(source, "judgment", c.id), "label": c.judgment,
                     "normalised": c.judgment_normalised, "level": c.judgment_level, "page": c.pages[0]}}
                for c in result.criteria]
    constats = [{"uid": _uid(source, "constat", k.number), "number": k.number, "text": k.text,
                 "question": k.question, "page": k.pages[0], "pages": k.pages,
                 "links": [{"criterion_uid": _uid(source, "criterion", cid), "primary": cid == k.criterion}
                           for cid in k.applies_to]}
                for k in result.constats]
    phases = [{"uid": _uid(source, "phase", p.number), **p.model_dump()} for p in result.phases]
    figures = [{"uid": _uid(source, "figure", i), **f.model_dump()} for i, f in enumerate(result.figures, 1)]
    sections = [{"uid": _uid(source, "section", i), **x.model_dump()} for i, x in enumerate(result.sections, 1)]
    listed = [item.model_dump() for item in result.listed]
    axes = [{"uid": _uid(source, "axis", a.number), **a.model_dump()} for a in result.axes]
    organisations = _organisations(result)
    mentions = [{"name": m.canonical, "printed": m.name, "page": m.page, "sentence": m.sentence}
                for m in result.partners]
    relations = [{"subject": r.subject, "type": r.relation, "object": r.object, "page": r.page, "sentence": r.sentence}
                 for r in result.relations]
    warnings = [f"{w.code}" + (f" (page {w.page})" if w.page else "") + f": {w.message}"
                for w in result.warnings]
    return {
        "source": source,
        "doc": {"sha256": doc.sha256, "file_name": doc.file_name, "pages": doc.pages,
                "doc_type": doc.doc_type, "layout": doc.layout, "title": doc.title,
                "pipeline_version": result.pipeline_version, "warnings": warnings,
                "warning_count": len(warnings)},
        "evaluation": evaluation, "questions": questions, "criteria": criteria,
        "constats": constats, "phases": phases, "organisations": organisations, "mentions": mentions,
        "relations": relations, "figures": figures, "sections": sections, "listed": listed, "axes": axes,
    }


def _organisations(result: ExtractionResult) -> list[dict[str, Any]]:
    """Every organisation the document evaluates, names or relates, once, with what the gazetteer knows."""
    known = by_canonical()
    found: dict[str, dict[str, Any]] = {}

    def add(name: str | None, types: list[str]) -> None:
        if name is None or name in found:
            return
        e = known.get(name)
        found[name] = {"name": name, "types": list(e.types) if e else types, "known": e is not None,
                       "domain": e.domain if e else None, "region": e.region if e else None}

    ev = result.evaluation
    if ev is not None:
        add(ev.cluster, ["cluster"])
        add(ev.evaluator, ["evaluator"])
    for m in result.partners:
        add(m.canonical, m.types)
    for r in result.relations:
        add(r.subject, ["cluster"])
        add(r.object, ["organisation"])
    for item in result.listed:
        add(item.canonical, [item.type])
    # one order for every transaction: two documents merging the same organisations lock them in
    # the same sequence, which keeps deadlocks (retried, but slow) rare when loading in parallel
    return sorted(found.values(), key=lambda o: o["name"])


_DELETE_OWNED = "MATCH (n:{label} {{source: $source}}) DETACH DELETE n"

_WRITE_DOCUMENT = """
MERGE (d:Document {source: $source})
SET d += $doc, d.ingested_at = datetime()
"""

_WRITE_EVALUATION = """
MATCH (d:Document {source: $source})
CREATE (e:Evaluation {uid: $ev.uid, source: $source, page: $ev.page})
SET e.evaluation_type = $ev.evaluation_type, e.date = $ev.date, e.year = $ev.year,
    e.evaluator = $ev.evaluator, e.period_kind = $ev.period_kind, e.period_number = $ev.period_number,
    e.cluster = $ev.cluster
CREATE (d)-[:REPORTS {source: $source}]->(e)
FOREACH (_ IN CASE WHEN $ev.cluster IS NULL THEN [] ELSE [1] END |
  MERGE (c:Organisation {name: $ev.cluster})
  CREATE (e)-[:EVALUATES {source: $source, page: $ev.page}]->(c))
FOREACH (_ IN CASE WHEN $ev.evaluator IS NULL THEN [] ELSE [1] END |
  MERGE (o:Organisation {name: $ev.evaluator})
  CREATE (e)-[:CONDUCTED_BY {source: $source, page: $ev.page}]->(o))
"""

_WRITE_QUESTIONS = """
MATCH (e:Evaluation {uid: $eval_uid})
UNWIND $questions AS q
CREATE (n:Question {uid: q.uid, source: $source})
SET n.number = q.number, n.text = q.text, n.intro = q.intro, n.synthesis = q.synthesis,
    n.page = q.page, n.announced_criteria = q.announced_criteria
CREATE (e)-[:HAS_QUESTION]->(n)
"""

_WRITE_CRITERIA = """
UNWIND $criteria AS c
MATCH (q:Question {uid: c.question_uid})
CREATE (n:Criterion {uid: c.uid, source: $source})
SET n.id = c.id, n.question = c.question, n.index = c.index, n.theme = c.theme, n.text = c.text,
    n.text_shared = c.text_shared, n.page = c.page, n.pages = c.pages
CREATE (q)-[:HAS_CRITERION]->(n)
WITH n, c WHERE c.judgment IS NOT NULL
CREATE (j:Judgment {uid: c.judgment.uid, source: $source})
SET j.label = c.judgment.label, j.normalised = c.judgment.normalised, j.level = c.judgment.level,
    j.page = c.judgment.page
CREATE (n)-[:HAS_JUDGMENT]->(j)
"""

_WRITE_CONSTATS = """
UNWIND $constats AS k
CREATE (n:Constat {uid: k.uid, source: $source})
SET n.number = k.number, n.text = k.text, n.question = k.question, n.page = k.page, n.pages = k.pages
WITH n, k
UNWIND k.links AS link
MATCH (c:Criterion {uid: link.criterion_uid})
CREATE (n)-[:JUSTIFIES {primary: link.primary}]->(c)
"""

_WRITE_PHASES = """
MATCH (e:Evaluation {uid: $eval_uid})
UNWIND $phases AS p
CREATE (n:Phase {uid: p.uid, source: $source})
SET n.number = p.number, n.name = p.name, n.description = p.description, n.page = p.page
CREATE (e)-[:HAS_PHASE]->(n)
"""


TYPE_LABELS = {"cluster": "Cluster", "pole": "Pole", "foreign_cluster": "ForeignCluster", "agency": "Agency",
               "administration": "Administration", "institution": "Institution", "programme": "Programme",
               "project": "Project", "company": "Company", "event": "Event", "evaluator": "Evaluator",
               "federation": "Federation", "initiative": "Initiative"}
RELATION_TYPES = ("PARTNERS_WITH", "TAKES_PART_IN", "SYNERGY_WITH", "PRESENT_AT", "HAS_MEMBER")

# Labels cannot be parameters: one static FOREACH per type, chosen by the node's types.
# The gazetteer is authoritative for what it knows (a corrected region reaches the graph on reload).
_WRITE_ORGANISATIONS = """
UNWIND $organisations AS org
MERGE (o:Organisation {name: org.name})
SET o.known = coalesce(o.known, false) OR org.known, o.review = NOT (coalesce(o.known, false) OR org.known),
    o.types = reduce(acc = coalesce(o.types, []), t IN org.types | CASE WHEN t IN acc THEN acc ELSE acc + t END),
    o.domain = coalesce(org.domain, o.domain), o.region = CASE WHEN org.known THEN org.region ELSE o.region END
""" + "".join(f"FOREACH (_ IN CASE WHEN '{t}' IN org.types THEN [1] ELSE [] END | SET o:{label})\n"
              for t, label in TYPE_LABELS.items())

_WRITE_MENTIONS = """
MATCH (d:Document {source: $source})
UNWIND $mentions AS m
MATCH (o:Organisation {name: m.name})
CREATE (d)-[:MENTIONS {source: $source, page: m.page, sentence: m.sentence, printed: m.printed}]->(o)
"""

# Relationship types cannot be parameters either: one static FOREACH per type, in one statement.
_WRITE_RELATIONS = """
UNWIND $relations AS r
MATCH (s:Organisation {name: r.subject}), (o:Organisation {name: r.object})
""" + "".join(f"FOREACH (_ IN CASE WHEN r.type = '{rel}' THEN [1] ELSE [] END |\n"
              f"  CREATE (s)-[:{rel} {{source: $source, page: r.page, sentence: r.sentence}}]->(o))\n"
              for rel in RELATION_TYPES)

_WRITE_FIGURES = """
MATCH (d:Document {source: $source})
OPTIONAL MATCH (e:Evaluation {source: $source})
UNWIND $figures AS f
CREATE (n:Figure {uid: f.uid, source: $source})
SET n.name = f.name, n.value = f.value, n.unit = f.unit, n.date = f.date, n.date_source = f.date_source,
    n.context = f.context, n.page = f.page
CREATE (d)-[:HAS_FIGURE]->(n)
FOREACH (_ IN CASE WHEN e IS NULL THEN [] ELSE [1] END | CREATE (e)-[:HAS_FIGURE]->(n))
"""

_WRITE_AXES = """
MATCH (e:Evaluation {uid: $eval_uid})
UNWIND $axes AS a
CREATE (n:StrategicAxis {uid: a.uid, source: $source})
SET n.number = a.number, n.text = a.text, n.page = a.page
CREATE (e)-[:HAS_AXIS]->(n)
"""

_WRITE_SECTIONS = """
MATCH (d:Document {source: $source})
UNWIND $sections AS x
CREATE (n:Section {uid: x.uid, source: $source})
SET n.kind = x.kind, n.number = x.number, n.title = x.title, n.text = x.text, n.page = x.page
CREATE (d)-[:HAS_SECTION]->(n)
"""

_WRITE_LISTED = """
MATCH (d:Document {source: $source})
UNWIND $listed AS item
MATCH (o:Organisation {name: item.canonical})
SET o.domain = coalesce(o.domain, item.domain)
CREATE (d)-[:LISTS {source: $source, page: item.page, type: item.type, domain: item.domain, printed: item.name}]->(o)
"""

# An organisation found only by the NER (not in the gazetteer) lives as long as a document names it.
_DELETE_ORPHANS = "MATCH (o:Organisation {known: false}) WHERE NOT (o)--() DELETE o"


def _write(tx: ManagedTransaction, params: dict[str, Any], replacing: bool) -> dict[str, int]:
    """One round trip per kind of fact the document has (an empty list costs nothing): the
    statements, not the rows, are what a load's time goes to."""
    totals: dict[str, int] = {}
    source = params["source"]

    def run(statement: str, key: str | None = None, **extra: Any) -> None:
        if key is None or params[key]:
            values = {key: params[key]} if key else {}
            _add(totals, tx.run(statement, source=source, **values, **extra).consume())

    if replacing:
        _delete_facts(tx, source, totals)
    run(_WRITE_DOCUMENT, doc=params["doc"])
    run(_WRITE_ORGANISATIONS, "organisations")
    ev = params["evaluation"]
    if ev is not None:
        run(_WRITE_EVALUATION, ev=ev)
        for statement, key in ((_WRITE_QUESTIONS, "questions"), (_WRITE_PHASES, "phases"), (_WRITE_AXES, "axes")):
            run(statement, key, eval_uid=ev["uid"])
    for statement, key in ((_WRITE_CRITERIA, "criteria"), (_WRITE_CONSTATS, "constats"), (_WRITE_MENTIONS, "mentions"),
                           (_WRITE_FIGURES, "figures"), (_WRITE_SECTIONS, "sections"), (_WRITE_LISTED, "listed"),
                           (_WRITE_RELATIONS, "relations")):
        run(statement, key)
    if replacing:
        _add(totals, tx.run(_DELETE_ORPHANS).consume())
    return totals


def load_document(driver: Driver, result: ExtractionResult, database: str | None = None,
                  known: dict[str, tuple[str, str]] | None = None) -> LoadOutcome:
    """Write one document atomically. Unchanged (same bytes, same pipeline version): no write at all."""
    source = result.document.file_name
    if known is None:
        known = known_documents(driver, database)
    previous = known.get(source)
    if previous == (result.document.sha256, result.pipeline_version):
        return LoadOutcome(source, "unchanged")
    params = _params(result, source)
    with driver.session(database=database) as session:
        counters = session.execute_write(_write, params, previous is not None)
    return LoadOutcome(source, "replaced" if previous else "loaded", counters)


def prune_documents(driver: Driver, keep: set[str], database: str | None = None) -> list[str]:
    """Delete the documents (and their own facts) whose source is not in `keep`."""
    gone = sorted(set(known_documents(driver, database)) - keep)
    for source in gone:
        with driver.session(database=database) as session:
            session.execute_write(_delete_document, source)
    return gone


def _delete_facts(tx: ManagedTransaction, source: str, totals: dict[str, int]) -> None:
    """The document's own nodes and every relationship it stated; shared nodes stay."""
    for label in OWNED_LABELS:
        _add(totals, tx.run(_DELETE_OWNED.format(label=label), source=source).consume())
    _add(totals, tx.run("MATCH ()-[r {source: $source}]->() DELETE r", source=source).consume())


def _delete_document(tx: ManagedTransaction, source: str) -> None:
    _delete_facts(tx, source, {})
    tx.run("MATCH (d:Document {source: $source}) DETACH DELETE d", source=source).consume()
    tx.run(_DELETE_ORPHANS).consume()
