"""Compare extracted records with a builder's ground truth (expected_records), per record kind.

A record counts as found when its identifying fields are equal and its texts match: exactly
(after whitespace folding) for born-digital PDFs, or at least `text_similarity` alike
(rapidfuzz's normalised Indel similarity) for scans, where one OCR slip in a 40-word finding
should cost that finding's text, not its existence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz.distance import Indel

from models import ExtractionResult

KINDS = ("metadata", "questions", "criteria", "judgments", "constats", "relations")


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


@dataclass
class Score:
    """Per record kind: true positives, extracted count, expected count."""

    counts: dict[str, tuple[int, int, int]]
    mismatches: list[str]

    def precision(self, kind: str) -> float:
        tp, got, _ = self.counts[kind]
        return tp / got if got else 1.0

    def recall(self, kind: str) -> float:
        tp, _, want = self.counts[kind]
        return tp / want if want else 1.0

    def f1(self, kind: str) -> float:
        tp, got, want = self.counts[kind]
        return 2 * tp / (got + want) if got + want else 1.0

    def expected_kinds(self) -> list[str]:
        """The kinds of record the truth holds any of, in KINDS order: the ones an F1 means something for."""
        return [k for k in KINDS if self.counts.get(k, (0, 0, 0))[2]]


@dataclass
class Totals:
    """Scores added up over many documents (micro-averaged)."""

    counts: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0, 0] for k in KINDS})
    documents: int = 0

    def add(self, s: Score) -> None:
        self.documents += 1
        for kind, c in s.counts.items():
            self.counts.setdefault(kind, [0, 0, 0])
            self.counts[kind] = [a + b for a, b in zip(self.counts[kind], c, strict=True)]

    def as_score(self) -> Score:
        return Score({k: (c[0], c[1], c[2]) for k, c in self.counts.items()}, [])


def _similar(a: str, b: str, threshold: float) -> bool:
    a, b = _norm(a), _norm(b)
    return a == b if threshold >= 1.0 else Indel.normalized_similarity(a, b) >= threshold


def _match(got: list[tuple[tuple, tuple[str, ...]]], want: list[tuple[tuple, tuple[str, ...]]],
           threshold: float) -> tuple[int, list[tuple], list[tuple]]:
    """(matches, expected keys not found, extracted keys not expected): records are (key, texts)."""
    pool: dict[tuple, list[tuple[str, ...]]] = {}
    for key, texts in got:
        pool.setdefault(key, []).append(texts)
    found, missing = 0, []
    for key, texts in want:
        candidates = pool.get(key, [])
        hit = next((c for c in candidates if all(_similar(a, b, threshold) for a, b in zip(c, texts, strict=True))),
                   None)
        if hit is None:
            missing.append((key, texts))
        else:
            candidates.remove(hit)
            found += 1
    extra = [(key, texts) for key, rest in pool.items() for texts in rest]
    return found, missing, extra


def _kind(name: str, got: Iterable, want: Iterable, threshold: float, mismatches: list[str]) -> tuple[int, int, int]:
    got, want = list(got), list(want)
    found, missing, extra = _match(got, want, threshold)
    mismatches += [f"{name} missing or different: {k} {tuple(t[:60] for t in texts)}" for k, texts in missing]
    mismatches += [f"{name} unexpected: {k} {tuple(t[:60] for t in texts)}" for k, texts in extra]
    return found, len(got), len(want)


def score(result: ExtractionResult, expected: dict, text_similarity: float = 1.0) -> Score:
    mismatches: list[str] = []
    counts: dict[str, tuple[int, int, int]] = {}
    t = text_similarity
    if "cluster" in expected:
        ev = result.evaluation
        got = {"cluster": ev.cluster, "evaluator": ev.evaluator, "year": ev.year} if ev else {}
        fields = [f for f in ("cluster", "evaluator", "year") if f in expected]
        counts["metadata"] = _kind("metadata", [((f, got[f]), ()) for f in fields if got.get(f) is not None],
                                   [((f, expected[f]), ()) for f in fields], t, mismatches)
    counts["questions"] = _kind("question", [((q.number,), (q.text,)) for q in result.questions],
                                [((q["number"],), (q["text"],)) for q in expected["questions"]], t, mismatches)
    counts["criteria"] = _kind("criterion", [((c.id,), (c.theme or "", c.text)) for c in result.criteria],
                               [((c["id"],), (c["theme"] or "", c["text"])) for c in expected["criteria"]],
                               t, mismatches)
    # a judgment label is short: it must be read exactly, scan or not
    counts["judgments"] = _kind("judgment", [((c.id, _norm(c.judgment)), ()) for c in result.criteria if c.judgment],
                                [((c["id"], _norm(c["judgment"])), ()) for c in expected["criteria"] if c["judgment"]],
                                t, mismatches)
    counts["constats"] = _kind(
        "constat", [((k.number, k.criterion, tuple(sorted(k.applies_to))), (k.text,)) for k in result.constats],
        [((k["number"], k["criterion"], tuple(sorted(k["applies_to"]))), (k["text"],)) for k in expected["constats"]],
        t, mismatches)
    # relations are scored where the truth lists them (the hand-made corpus truth covers the grid only)
    if "relations" in expected:
        counts["relations"] = _kind("relation", [((r.subject, r.relation, r.object), ()) for r in result.relations],
                                    [((r["subject"], r["relation"], r["object"]), ()) for r in expected["relations"]],
                                    t, mismatches)
    else:
        counts["relations"] = (0, 0, 0)
    return Score(counts, mismatches)
