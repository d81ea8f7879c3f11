"""Stage 4: ExtractionResult -> Neo4j, one transaction per batch of documents (one document is
a batch of one).

A document owns its facts (evaluation, questions, criteria, judgments, constats,
phases): every owned node carries `source` (the document's file name) and `page`.
Loading a changed document deletes its own facts and writes the new ones in the
same transaction, so the graph never holds half a document, and shared nodes
(clusters, organisations) that other documents point to are left alone.
Parameterised Cypher only; the rows of every document in the batch are written with UNWIND,
one statement per kind of fact: Neo4j's cost is per statement far more than per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from models import ExtractionResult
from models.kinds import RELATION_TYPES, TYPE_LABELS, LoadStatus
from pipeline.identity import KnownDocument, Move

if TYPE_CHECKING:  # the driver's types only: an extraction worker imports records_written, not the driver
    from neo4j import Driver, ManagedTransaction

OWNED_LABELS = ("Evaluation", "Question", "Criterion", "Judgment", "Constat", "Phase", "Figure", "Section",
                "StrategicAxis")


@dataclass
class LoadOutcome:
    source: str
    status: LoadStatus
    counters: dict[str, int] = field(default_factory=dict)


def records_written(counters: dict[str, int]) -> int:
    """Nodes and relationships a load created: what the benchmark and the summaries count."""
    return counters.get("nodes_created", 0) + counters.get("relationships_created", 0)


def _add(total: dict[str, int], summary: Any) -> None:
    c = summary.counters
    for key in ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted",
                "properties_set", "labels_added"):
        total[key] = total.get(key, 0) + getattr(c, key)


def known_documents(driver: Driver, database: str | None = None) -> dict[str, KnownDocument]:
    """source -> what the graph holds of every loaded document, in one query."""
    records, _, _ = driver.execute_query(
        "MATCH (d:Document) RETURN d.source AS source, d.sha256 AS sha, d.pipeline_version AS version, "
        "d.origin AS origin, d.gazetteer AS gazetteer, d.gazetteer_scope AS scope", database_=database)
    return {r["source"]: KnownDocument(r["sha"], r["version"], r["origin"], r["gazetteer"], r["scope"])
            for r in records}


def gazetteer_evidence(driver: Driver, sources: list[str],
                       database: str | None = None) -> dict[str, tuple[list[str], list[str], list[str]]]:
    """source -> (its words, the names discovery weighed, the organisations it names): what its
    gazetteer scope is computed from, read only for documents extracted with another gazetteer."""
    records, _, _ = driver.execute_query(
        "UNWIND $sources AS source MATCH (d:Document {source: source}) "
        "RETURN source, coalesce(d.terms, []) AS terms, coalesce(d.candidates, []) AS candidates, "
        "coalesce(d.organisations, []) AS organisations", sources=sources, database_=database)
    return {r["source"]: (r["terms"], r["candidates"], r["organisations"]) for r in records}


def record_gazetteer(driver: Driver, sources: list[str], digest: str, database: str | None = None) -> None:
    """Mark documents as current with gazetteer `digest`: it changed nothing in their scope."""
    if sources:
        driver.execute_query("UNWIND $sources AS source MATCH (d:Document {source: source}) SET d.gazetteer = $digest",
                             sources=sources, digest=digest, database_=database)


def _uid(source: str, kind: str, local: object) -> str:
    return f"{source}#{kind}:{local}"


def _params(result: ExtractionResult) -> dict[str, Any]:
    """The document's rows, one list per kind of fact; every row names its document (`source`),
    so the rows of several documents can be written by the same statements."""
    doc, ev = result.document, result.evaluation
    source = doc.source
    eval_uid = _uid(source, "evaluation", 1)
    evaluation = [] if ev is None else [{**ev.model_dump(), "uid": eval_uid, "source": source}]
    owner = {"source": source, "eval_uid": eval_uid}
    questions = [{**owner, "uid": _uid(source, "question", q.number), "number": q.number, "text": q.text,
                  "intro": q.intro, "synthesis": q.synthesis, "page": q.page,
                  "announced_criteria": q.announced_criteria} for q in result.questions] if ev else []
    criteria = [{"source": source, "uid": _uid(source, "criterion", c.id), "id": c.id,
                 "question_uid": _uid(source, "question", c.question), "question": c.question,
                 "index": c.index, "theme": c.theme, "text": c.text, "text_shared": c.text_shared,
                 "page": c.pages[0], "pages": c.pages,
                 "judgment": None if c.judgment is None else {
                     "uid": _uid(source, "judgment", c.id), "label": c.judgment,
                     "normalised": c.judgment_normalised, "level": c.judgment_level, "page": c.pages[0]}}
                for c in result.criteria]
    constats = [{"source": source, "uid": _uid(source, "constat", k.number), "number": k.number, "text": k.text,
                 "question": k.question, "page": k.pages[0], "pages": k.pages,
                 "links": [{"criterion_uid": _uid(source, "criterion", cid), "primary": cid == k.criterion}
                           for cid in k.applies_to]}
                for k in result.constats]
    phases = [{**owner, "uid": _uid(source, "phase", p.number), **p.model_dump()} for p in result.phases] if ev else []
    axes = [{**owner, "uid": _uid(source, "axis", a.number), **a.model_dump()} for a in result.axes] if ev else []
    figures = [{"source": source, "uid": _uid(source, "figure", i), **f.model_dump()}
               for i, f in enumerate(result.figures, 1)]
    sections = [{"source": source, "uid": _uid(source, "section", i), **x.model_dump()}
                for i, x in enumerate(result.sections, 1)]
    listed = [{"source": source, **item.model_dump()} for item in result.listed]
    mentions = [{"source": source, "name": m.canonical, "printed": m.name, "page": m.page, "sentence": m.sentence}
                for m in result.partners]
    relations = [{"source": source, "subject": r.subject, "type": r.relation, "object": r.object, "page": r.page,
                  "sentence": r.sentence} for r in result.relations]
    warnings = [f"{w.code}: {w.message}" for w in result.warnings]  # the message names the file and page
    return {
        "documents": [{"source": source, "props": {
            "sha256": doc.sha256, "file_name": doc.file_name, "origin": doc.origin, "pages": doc.pages,
            "doc_type": doc.doc_type, "layout": doc.layout, "title": doc.title,
            "pipeline_version": result.pipeline_version, "gazetteer": result.gazetteer.digest,
            "gazetteer_scope": result.gazetteer.scope, "terms": result.gazetteer.terms,
            "candidates": result.gazetteer.candidates,
            "organisations": [o.name for o in result.organisations],
            "warnings": warnings, "warning_count": len(warnings)}}],
        "evaluations": evaluation, "questions": questions, "criteria": criteria, "constats": constats,
        "phases": phases, "organisations": [o.model_dump() for o in result.organisations],
        "mentions": mentions, "relations": relations,
        "figures": figures, "sections": sections, "listed": listed, "axes": axes,
    }


def _batch_params(results: list[ExtractionResult]) -> dict[str, list[dict[str, Any]]]:
    """The rows of several documents, kind by kind. An organisation named by several documents
    is one row, its types merged, so one statement never merges the same node twice."""
    rows: dict[str, list[dict[str, Any]]] = {}
    organisations: dict[str, dict[str, Any]] = {}
    for result in results:
        for kind, values in _params(result).items():
            if kind != "organisations":
                rows.setdefault(kind, []).extend(values)
                continue
            for org in values:
                seen = organisations.setdefault(org["name"], org)
                seen["types"] = list(dict.fromkeys(seen["types"] + org["types"]))
    # one order for every transaction: two loads merging the same organisations lock them in the
    # same sequence, which keeps deadlocks (retried, but slow) rare when loading in parallel
    rows["organisations"] = sorted(organisations.values(), key=lambda o: o["name"])
    return rows


# Every statement takes the rows of one or more documents; every row carries its `source`.
_DELETE_OWNED = "UNWIND $sources AS source MATCH (n:{label} {{source: source}}) DETACH DELETE n"
_DELETE_STATED = "UNWIND $sources AS source MATCH ()-[r {source: source}]->() DELETE r"

_WRITE_DOCUMENTS = """
UNWIND $documents AS doc
MERGE (d:Document {source: doc.source})
SET d += doc.props, d.ingested_at = datetime()
"""

_WRITE_EVALUATIONS = """
UNWIND $evaluations AS ev
MATCH (d:Document {source: ev.source})
CREATE (e:Evaluation {uid: ev.uid, source: ev.source, page: ev.page})
SET e.evaluation_type = ev.evaluation_type, e.date = ev.date, e.year = ev.year,
    e.evaluator = ev.evaluator, e.period_kind = ev.period_kind, e.period_number = ev.period_number,
    e.cluster = ev.cluster
CREATE (d)-[:REPORTS {source: ev.source}]->(e)
FOREACH (_ IN CASE WHEN ev.cluster IS NULL THEN [] ELSE [1] END |
  MERGE (c:Organisation {name: ev.cluster})
  CREATE (e)-[:EVALUATES {source: ev.source, page: ev.page}]->(c))
FOREACH (_ IN CASE WHEN ev.evaluator IS NULL THEN [] ELSE [1] END |
  MERGE (o:Organisation {name: ev.evaluator})
  CREATE (e)-[:CONDUCTED_BY {source: ev.source, page: ev.page}]->(o))
"""

_WRITE_QUESTIONS = """
UNWIND $questions AS q
MATCH (e:Evaluation {uid: q.eval_uid})
CREATE (n:Question {uid: q.uid, source: q.source})
SET n.number = q.number, n.text = q.text, n.intro = q.intro, n.synthesis = q.synthesis,
    n.page = q.page, n.announced_criteria = q.announced_criteria
CREATE (e)-[:HAS_QUESTION]->(n)
"""

_WRITE_CRITERIA = """
UNWIND $criteria AS c
MATCH (q:Question {uid: c.question_uid})
CREATE (n:Criterion {uid: c.uid, source: c.source})
SET n.id = c.id, n.question = c.question, n.index = c.index, n.theme = c.theme, n.text = c.text,
    n.text_shared = c.text_shared, n.page = c.page, n.pages = c.pages
CREATE (q)-[:HAS_CRITERION]->(n)
WITH n, c WHERE c.judgment IS NOT NULL
CREATE (j:Judgment {uid: c.judgment.uid, source: c.source})
SET j.label = c.judgment.label, j.normalised = c.judgment.normalised, j.level = c.judgment.level,
    j.page = c.judgment.page
CREATE (n)-[:HAS_JUDGMENT]->(j)
"""

_WRITE_CONSTATS = """
UNWIND $constats AS k
CREATE (n:Constat {uid: k.uid, source: k.source})
SET n.number = k.number, n.text = k.text, n.question = k.question, n.page = k.page, n.pages = k.pages
WITH n, k
UNWIND k.links AS link
MATCH (c:Criterion {uid: link.criterion_uid})
CREATE (n)-[:JUSTIFIES {primary: link.primary}]->(c)
"""

_WRITE_PHASES = """
UNWIND $phases AS p
MATCH (e:Evaluation {uid: p.eval_uid})
CREATE (n:Phase {uid: p.uid, source: p.source})
SET n.number = p.number, n.name = p.name, n.description = p.description, n.page = p.page
CREATE (e)-[:HAS_PHASE]->(n)
"""


def type_labels(node: str, types: str) -> str:
    """Cypher that gives `node` the label of each type in the list expression `types`. Labels
    cannot be parameters: one static FOREACH per type."""
    return "".join(f"FOREACH (_ IN CASE WHEN '{t}' IN {types} THEN [1] ELSE [] END | SET {node}:{label})\n"
                   for t, label in TYPE_LABELS.items())


# The gazetteer is authoritative for what it knows (a corrected region reaches the graph on reload).
_WRITE_ORGANISATIONS = """
UNWIND $organisations AS org
MERGE (o:Organisation {name: org.name})
SET o.known = coalesce(o.known, false) OR org.known, o.review = NOT (coalesce(o.known, false) OR org.known),
    o.types = reduce(acc = coalesce(o.types, []), t IN org.types | CASE WHEN t IN acc THEN acc ELSE acc + t END),
    o.domain = coalesce(org.domain, o.domain), o.region = CASE WHEN org.known THEN org.region ELSE o.region END
""" + type_labels("o", "org.types")



def write_organisations(tx: ManagedTransaction, organisations: list[dict[str, Any]]) -> None:
    """Merge organisation rows (name, types, known, domain, region) into the graph."""
    tx.run(_WRITE_ORGANISATIONS, organisations=organisations).consume()


_WRITE_MENTIONS = """
UNWIND $mentions AS m
MATCH (d:Document {source: m.source}), (o:Organisation {name: m.name})
CREATE (d)-[:MENTIONS {source: m.source, page: m.page, sentence: m.sentence, printed: m.printed}]->(o)
"""

# Relationship types cannot be parameters either: one static FOREACH per type, in one statement.
_WRITE_RELATIONS = """
UNWIND $relations AS r
MATCH (s:Organisation {name: r.subject}), (o:Organisation {name: r.object})
""" + "".join(f"FOREACH (_ IN CASE WHEN r.type = '{rel}' THEN [1] ELSE [] END |\n"
              f"  CREATE (s)-[:{rel} {{source: r.source, page: r.page, sentence: r.sentence}}]->(o))\n"
              for rel in RELATION_TYPES)

_WRITE_FIGURES = """
UNWIND $figures AS f
MATCH (d:Document {source: f.source})
OPTIONAL MATCH (e:Evaluation {source: f.source})
CREATE (n:Figure {uid: f.uid, source: f.source})
SET n.name = f.name, n.value = f.value, n.unit = f.unit, n.date = f.date, n.date_source = f.date_source,
    n.context = f.context, n.page = f.page
CREATE (d)-[:HAS_FIGURE]->(n)
FOREACH (_ IN CASE WHEN e IS NULL THEN [] ELSE [1] END | CREATE (e)-[:HAS_FIGURE]->(n))
"""

_WRITE_AXES = """
UNWIND $axes AS a
MATCH (e:Evaluation {uid: a.eval_uid})
CREATE (n:StrategicAxis {uid: a.uid, source: a.source})
SET n.number = a.number, n.text = a.text, n.page = a.page
CREATE (e)-[:HAS_AXIS]->(n)
"""

_WRITE_SECTIONS = """
UNWIND $sections AS x
MATCH (d:Document {source: x.source})
CREATE (n:Section {uid: x.uid, source: x.source})
SET n.kind = x.kind, n.number = x.number, n.title = x.title, n.text = x.text, n.page = x.page
CREATE (d)-[:HAS_SECTION]->(n)
"""

_WRITE_LISTED = """
UNWIND $listed AS item
MATCH (d:Document {source: item.source}), (o:Organisation {name: item.canonical})
SET o.domain = coalesce(o.domain, item.domain)
CREATE (d)-[:LISTS {source: item.source, page: item.page, type: item.type, domain: item.domain,
                    printed: item.name}]->(o)
"""

# In dependency order: a statement matches what the ones before it created.
_WRITES = (("documents", _WRITE_DOCUMENTS), ("organisations", _WRITE_ORGANISATIONS),
           ("evaluations", _WRITE_EVALUATIONS), ("questions", _WRITE_QUESTIONS), ("phases", _WRITE_PHASES),
           ("axes", _WRITE_AXES), ("criteria", _WRITE_CRITERIA), ("constats", _WRITE_CONSTATS),
           ("mentions", _WRITE_MENTIONS), ("figures", _WRITE_FIGURES), ("sections", _WRITE_SECTIONS),
           ("listed", _WRITE_LISTED), ("relations", _WRITE_RELATIONS))

# An organisation found only by the NER (not in the gazetteer) lives as long as a document names it.
_DELETE_ORPHANS = "MATCH (o:Organisation {known: false}) WHERE NOT (o)--() DELETE o"


# Taken first in every load transaction: a write lock on each document's own node (created if
# new; the source's uniqueness constraint makes a second creator wait), then what the graph holds
# of it now, read under the lock. Two runs loading the same document are serialised: the second
# sees the first's commit and finds the document unchanged instead of writing it twice.
_LOCK_DOCUMENTS = """
UNWIND $sources AS source
MERGE (d:Document {source: source})
SET d.loading = true
WITH d, source
RETURN source, d.sha256 AS sha, d.pipeline_version AS version, d.gazetteer_scope AS scope
"""
_UNLOCK_DOCUMENTS = "UNWIND $sources AS source MATCH (d:Document {source: source}) REMOVE d.loading"


@dataclass
class BatchOutcome:
    outcomes: list[LoadOutcome]
    counters: dict[str, int] = field(default_factory=dict)  # the whole transaction's

    @property
    def records_written(self) -> int:
        return records_written(self.counters)


def _write(tx: ManagedTransaction, results: list[ExtractionResult]) -> BatchOutcome:
    """One statement per kind of fact, whatever the number of documents (a kind no document has
    costs nothing): statements, not rows, are what a load's time goes to. Unchanged documents
    (same bytes, same extraction version and gazetteer scope, as read under the lock) are not written at all; a
    changed one loses its old facts first."""
    sources = [r.document.source for r in results]
    now = {rec["source"]: (rec["sha"], rec["version"], rec["scope"])
           for rec in tx.run(_LOCK_DOCUMENTS, sources=sources)}
    outcomes, todo, replacing = [], [], []
    for result in results:
        source = result.document.source
        sha, version, scope = now[source]
        if (sha, version, scope) == (result.document.sha256, result.pipeline_version, result.gazetteer.scope):
            outcomes.append(LoadOutcome(source, "unchanged"))
            continue
        outcomes.append(LoadOutcome(source, "replaced" if sha else "loaded"))
        todo.append(result)
        if sha:
            replacing.append(source)
    totals: dict[str, int] = {}
    if replacing:
        _delete_facts(tx, replacing, totals)
    rows = _batch_params(todo) if todo else {}
    for key, statement in _WRITES:
        if rows.get(key):
            _add(totals, tx.run(statement, {key: rows[key]}).consume())
    if replacing:
        _add(totals, tx.run(_DELETE_ORPHANS).consume())
    tx.run(_UNLOCK_DOCUMENTS, sources=sources).consume()
    written = [o for o in outcomes if o.status != "unchanged"]
    if len(written) == 1:
        written[0].counters = totals
    return BatchOutcome(outcomes, totals)


def load_documents(driver: Driver, results: list[ExtractionResult], database: str | None = None) -> BatchOutcome:
    """Write several documents in one transaction: all of them or none. Neo4j counts what a
    transaction wrote, not what each document did: with more than one document written, the
    counters are the batch's."""
    if not results:
        return BatchOutcome([])
    with driver.session(database=database) as session:
        return session.execute_write(_write, results)


_RENAME_DOCUMENT = """
MATCH (d:Document {source: $old})
SET d.source = $new, d.file_name = $file_name, d.origin = $origin, d.moved_from = $old
"""
_RENAME_OWNED = "MATCH (n:{label} {{source: $old}}) SET n.source = $new, n.uid = $new + substring(n.uid, size($old))"
_RENAME_STATED = "MATCH ()-[r]->() WHERE r.source = $old SET r.source = $new"


def move_documents(driver: Driver, moves: list[Move], database: str | None = None) -> None:
    """A moved file's document takes its new identity, with all its facts and their provenance,
    in one transaction; nothing is extracted or written again."""
    def rename(tx: ManagedTransaction) -> None:
        for move in moves:
            tx.run(_RENAME_DOCUMENT, old=move.old, new=move.new, file_name=move.new.rsplit("/", 1)[-1],
                   origin=move.origin).consume()
            for label in OWNED_LABELS:
                tx.run(_RENAME_OWNED.format(label=label), old=move.old, new=move.new).consume()
            tx.run(_RENAME_STATED, old=move.old, new=move.new).consume()

    if moves:
        with driver.session(database=database) as session:
            session.execute_write(rename)


def record_origins(driver: Driver, origins: dict[str, str], database: str | None = None) -> None:
    """Where unchanged documents are now read from (an archive copied elsewhere, say)."""
    if origins:
        driver.execute_query("UNWIND $rows AS r MATCH (d:Document {source: r.source}) SET d.origin = r.origin",
                             rows=[{"source": s, "origin": o} for s, o in origins.items()], database_=database)


def prune_documents(driver: Driver, keep: set[str], database: str | None = None) -> list[str]:
    """Delete the documents (and their own facts) whose source is not in `keep`."""
    gone = sorted(set(known_documents(driver, database)) - keep)
    for source in gone:
        with driver.session(database=database) as session:
            session.execute_write(_delete_document, source)
    return gone


def _delete_facts(tx: ManagedTransaction, sources: list[str], totals: dict[str, int]) -> None:
    """The documents' own nodes and every relationship they stated; shared nodes stay."""
    for label in OWNED_LABELS:
        _add(totals, tx.run(_DELETE_OWNED.format(label=label), sources=sources).consume())
    _add(totals, tx.run(_DELETE_STATED, sources=sources).consume())


def _delete_document(tx: ManagedTransaction, source: str) -> None:
    _delete_facts(tx, [source], {})
    tx.run("MATCH (d:Document {source: $source}) DETACH DELETE d", source=source).consume()
    tx.run(_DELETE_ORPHANS).consume()
