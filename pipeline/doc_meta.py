"""Stage 3b: what a document is (cluster or policy evaluation, presentation), which cluster
it evaluates, who evaluated it, when, and for which recognition period."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from models import EvaluationInfo
from models.kinds import DocType, Layout, PeriodKind
from pipeline import gazetteer
from pipeline.blocks import Block
from pipeline.pages import Page
from pipeline.text import fold
from pipeline.vocabulary import cluster_phrases, cut_name, evaluator_phrases

MONTHS = {m: i for i, m in enumerate(
    ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
     "novembre", "decembre"], start=1)}
ORDINALS = {"premier": 1, "1er": 1, "deuxieme": 2, "second": 2, "2e": 2, "2eme": 2, "troisieme": 3, "3e": 3,
            "3eme": 3, "quatrieme": 4, "4e": 4, "4eme": 4, "cinquieme": 5, "5e": 5, "5eme": 5,
            "sixieme": 6, "6e": 6, "6eme": 6, "septieme": 7, "7e": 7, "7eme": 7, "huitieme": 8, "8e": 8}
NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})(?!\d)")
MONTH_DATE = re.compile(r"(?:(\d{1,2})(?:er)?\s+)?(" + "|".join(MONTHS) + r")\s+(\d{4})")
PERIOD = re.compile(r"\b(triennale?|triennat|quadriennale?|quadriennat)\b")
PERIOD_NUMBER = re.compile(r"\b(" + "|".join(ORDINALS) + r")\s+(triennat|quadriennat)\b")
POLICY = re.compile(r"politique\s+de\s+clustering|[ée]valuation\s+de\s+la\s+politique", re.IGNORECASE)


@dataclass
class DocumentKind:
    """What classify decided: the values DocumentInfo records (models.kinds)."""

    doc_type: DocType
    layout: Layout
    title: str | None


def _front_text(blocks: list[Block], pages: list[Page]) -> str:
    first = [b.text for b in blocks if b.page == pages[0].number and b.kind != "table"]
    return "\n".join(first[:12])


def classify(pages: list[Page], blocks: list[Block], has_grids: bool) -> tuple[DocumentKind, str | None]:
    """(kind, cluster). A document with evaluation grids is an evaluation, whatever its pages'
    shape; 'politique de clustering' in the front matter makes a policy evaluation; a named
    cluster makes a cluster evaluation. Only a landscape document with no grid and no evaluated
    cluster named on its title page is a slide deck: landscape reports exist, orientation alone
    says nothing."""
    front = _front_text(blocks, pages)
    headings = [b for b in blocks if b.page == pages[0].number and b.kind == "heading"]
    title = max(headings, key=lambda b: b.size).text if headings else None
    landscape = sum(p.landscape for p in pages) >= 0.6 * len(pages)
    if landscape and not has_grids and not _named_cluster(front):
        return DocumentKind("presentation", "slides", title), None
    if POLICY.search(front):
        return DocumentKind("policy_evaluation", "grid" if has_grids else "narrative", title), None
    # running headers and footers count too: "Cluster X – méthode et résultats" on every page
    # names the cluster where OCR misread its name on the title page
    running = [line.text for page in pages for line in page.furniture]
    cluster = find_cluster(front, "\n".join([*(b.full_text for b in blocks), *running]))
    if cluster:
        return DocumentKind("cluster_evaluation", "grid" if has_grids else "narrative", title), cluster
    return DocumentKind("unknown", "grid" if has_grids else "unknown", title), None


def _named_cluster(front: str) -> str | None:
    """The cluster a title-page phrase names ("Évaluation du cluster X", "Cluster « X »"): the
    gazetteer's name when it knows it, else the name's capitalised words."""
    for pattern in cluster_phrases():
        for m in pattern.finditer(front):
            name = m.group("name")
            hits = gazetteer.find_all(name, "cluster")
            if hits and hits[0][0] == 0:
                return hits[0][2].canonical
            token = re.match(r"[A-Z0-9][\w()+'’\-]{1,30}(?:\s+[A-Z0-9][\w()+'’\-]+){0,2}", name.strip(" «»\""))
            if token and not token.group(0).lower().startswith(("evaluation", "évaluation", "rapport")):
                return token.group(0).strip()
    return None


def find_cluster(front: str, full: str) -> str | None:
    """The evaluated cluster: named in the front matter, else the cluster named most often."""
    if named := _named_cluster(front):
        return named
    counts = Counter(e.canonical for _, _, e in gazetteer.find_all(full, "cluster"))
    if counts:
        name, n = counts.most_common(1)[0]
        if n >= 3:
            return name
    return None


def find_evaluator(front: str, full: str) -> str | None:
    """Who evaluated: a title-page or method phrase ("Réalisée par X", "Évaluateur : X"), with the
    gazetteer's name when it knows it; else the evaluator the text names most often."""
    for pattern in evaluator_phrases():
        for m in pattern.finditer(front):
            name = cut_name(m.group("name"))
            if not name:
                continue
            hit = gazetteer.find_all(name, "evaluator")
            return hit[0][2].canonical if hit else " ".join(name.split()[:4])
    counts = Counter(e.canonical for _, _, e in gazetteer.find_all(full, "evaluator"))
    return counts.most_common(1)[0][0] if counts else None


def find_date(text: str) -> str | None:
    """The first date of the front matter, as YYYY-MM-DD or YYYY-MM."""
    folded = fold(text)
    candidates: list[tuple[int, str]] = []
    for m in NUMERIC_DATE.finditer(folded):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        year = year + 2000 if year < 100 else year
        if 1 <= month <= 12 and 1 <= day <= 31 and 1990 <= year <= 2100:
            candidates.append((m.start(), f"{year:04d}-{month:02d}-{day:02d}"))
    for m in MONTH_DATE.finditer(folded):
        year, month = int(m.group(3)), MONTHS[m.group(2)]
        iso = f"{year:04d}-{month:02d}" + (f"-{int(m.group(1)):02d}" if m.group(1) else "")
        candidates.append((m.start(), iso))
    return min(candidates)[1] if candidates else None


def _period_kind(word: str) -> PeriodKind:
    return "quadriennat" if word.startswith("quadrien") else "triennat"


def find_period(text: str) -> tuple[PeriodKind | None, int | None]:
    folded = fold(text)
    kind: PeriodKind | None = None
    if m := PERIOD.search(folded):
        kind = _period_kind(m.group(1))
    number = None
    if m := PERIOD_NUMBER.search(folded):
        number = ORDINALS[m.group(1)]
        kind = kind or _period_kind(m.group(2))
    return kind, number


def evaluation_info(kind: DocumentKind, cluster: str | None, pages: list[Page],
                    blocks: list[Block]) -> EvaluationInfo | None:
    if kind.doc_type not in ("cluster_evaluation", "policy_evaluation"):
        return None
    front = _front_text(blocks, pages)
    full = "\n".join(b.full_text for b in blocks)
    furniture = "\n".join(ln.text for p in pages[:2] for ln in p.furniture)
    date = find_date(front) or find_date(furniture)
    # a policy evaluation speaks of many clusters' periods: only a cluster evaluation has one
    period_kind, period_number = find_period(front + "\n" + full) if cluster else (None, None)
    return EvaluationInfo(
        evaluation_type="cluster" if kind.doc_type == "cluster_evaluation" else "policy",
        cluster=cluster, evaluator=find_evaluator(front, full), date=date,
        year=int(date[:4]) if date else None, period_kind=period_kind, period_number=period_number,
        page=pages[0].number,
    )
