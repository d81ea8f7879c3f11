"""Compare extracted records with a builder's ground truth (expected_records)."""

from __future__ import annotations

from dataclasses import dataclass

from models import ExtractionResult


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


def score(result: ExtractionResult, expected: dict) -> Score:
    """A record counts as found only if every field matches exactly (after whitespace folding)."""
    mismatches: list[str] = []
    got_q = {(q.number, _norm(q.text)) for q in result.questions}
    want_q = {(q["number"], _norm(q["text"])) for q in expected["questions"]}
    mismatches += [f"question missing or different: {q}" for q in sorted(want_q - got_q)]
    mismatches += [f"question unexpected: {q}" for q in sorted(got_q - want_q)]

    def crit_key(c: dict) -> tuple:
        return (c["id"], _norm(c["theme"]), _norm(c["text"]))

    def judg_key(c: dict) -> tuple:
        return (c["id"], _norm(c["judgment"]))

    got_c = [{"id": c.id, "theme": c.theme, "text": c.text, "judgment": c.judgment} for c in result.criteria]
    want_c = expected["criteria"]
    got_ck, want_ck = {crit_key(c) for c in got_c}, {crit_key(c) for c in want_c}
    got_jk, want_jk = {judg_key(c) for c in got_c if c["judgment"]}, {judg_key(c) for c in want_c if c["judgment"]}
    mismatches += [f"criterion missing or different: {c}" for c in sorted(want_ck - got_ck)]
    mismatches += [f"criterion unexpected: {c}" for c in sorted(got_ck - want_ck)]
    mismatches += [f"judgment missing or different: {c}" for c in sorted(want_jk - got_jk)]

    def constat_key(k: dict) -> tuple:
        return (k["number"], _norm(k["text"]), k["criterion"], tuple(sorted(k["applies_to"])))

    got_k = {constat_key(k.model_dump()) for k in result.constats}
    want_k = {constat_key(k) for k in expected["constats"]}
    mismatches += [f"constat missing or different: {k[:3]}" for k in sorted(want_k - got_k)]
    mismatches += [f"constat unexpected: {k[:3]}" for k in sorted(got_k - want_k)]
    # relations are scored where the truth lists them (the hand-made corpus truth covers the grid only)
    got_r = {(r.subject, r.relation, r.object) for r in result.relations} if "relations" in expected else set()
    want_r = {(r["subject"], r["relation"], r["object"]) for r in expected.get("relations", [])}
    mismatches += [f"relation missing: {r}" for r in sorted(want_r - got_r)]
    mismatches += [f"relation unexpected: {r}" for r in sorted(got_r - want_r)]
    counts = {
        "questions": (len(got_q & want_q), len(got_q), len(want_q)),
        "criteria": (len(got_ck & want_ck), len(got_ck), len(want_ck)),
        "judgments": (len(got_jk & want_jk), len(got_jk), len(want_jk)),
        "constats": (len(got_k & want_k), len(got_k), len(want_k)),
        "relations": (len(got_r & want_r), len(got_r), len(want_r)),
    }
    return Score(counts, mismatches)
