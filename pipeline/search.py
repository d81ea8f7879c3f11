"""Full-text search over what the reports say: the Neo4j full-text index `report_text` (graph_schema
migration 0006, Lucene's French analyzer) over constats, criteria, questions and sections, each
hit shown with its document, page and the passage around the words searched for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from neo4j import Driver
from neo4j.exceptions import ClientError

from pipeline.text import fold

INDEX = "report_text"
PASSAGE_CHARS = 220
_SEARCH = """
CALL db.index.fulltext.queryNodes($index, $text) YIELD node, score
RETURN labels(node)[0] AS kind, node.source AS document, coalesce(node.pages, [node.page]) AS pages,
       coalesce(node.id, toString(node.number), node.title) AS ref, score,
       coalesce(node.text, '') AS text, coalesce(node.title, node.theme, '') AS heading
ORDER BY score DESC, document, ref
LIMIT $limit
"""
LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/]|&&|\|\|)')


@dataclass(frozen=True)
class Hit:
    kind: str  # Constat, Criterion, Question, Section
    document: str
    pages: list[int]
    ref: str | None  # the constat's number, the criterion's id, the section's title
    score: float
    passage: str


def passage(text: str, query: str, width: int = PASSAGE_CHARS) -> str:
    """The part of `text` around the first word of `query` it holds (compared without accents or
    case, by the word's first five letters: the index finds "partenariats" for "partenariat")."""
    text = " ".join(text.split())
    folded = fold(text)
    at = -1
    for word in re.findall(r"\w+", fold(query)):
        at = folded.find(word[:5]) if len(word) > 2 else -1
        if at >= 0:
            break
    if len(text) <= width:
        return text
    start = max(0, min(at - width // 3, len(text) - width)) if at >= 0 else 0
    return ("…" if start else "") + text[start:start + width].strip() + ("…" if start + width < len(text) else "")


def search(driver: Driver, text: str, limit: int = 20, database: str | None = None) -> list[Hit]:
    """Hits best first. `text` is Lucene's query syntax ("mots exacts", AWEX AND export, export*);
    if Lucene cannot parse it, it is searched for as plain words."""
    try:
        records, _, _ = driver.execute_query(_SEARCH, index=INDEX, text=text, limit=limit, database_=database)
    except ClientError as exc:
        if "parse" not in str(exc.message or "").lower():
            raise
        plain = LUCENE_SPECIAL.sub(r"\\\1", text)
        records, _, _ = driver.execute_query(_SEARCH, index=INDEX, text=plain, limit=limit, database_=database)
    return [Hit(r["kind"], r["document"], list(r["pages"] or []), r["ref"], float(r["score"]),
                passage(r["text"] or r["heading"], text)) for r in records]
