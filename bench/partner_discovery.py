"""Partner recognition measured on the labelled reports of tests/data/partner_reports (written by
hand, in other clusters' domains than the seeds, exported by LibreOffice): once with the full
gazetteer, once with whole categories of it withheld, where what matters is discovery.

- full: per document, the set of organisations found (canonical names) against the labels;
- withheld: the gazetteer without its institutions, events, foreign clusters, federations,
  programmes, agencies, projects, companies and initiatives. Every labelled name no longer in it is
  to be discovered: a discovered organisation (known: false) is right when it is one of those,
  as printed; its type is right when it is the label's.

    python -m bench.partner_discovery
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path

from corpus_tools.partner_reports import PartnerReport, read_reports
from pipeline import gazetteer
from pipeline.config import PROJECT_ROOT
from pipeline.extract import extract_document
from pipeline.gazetteer import squash

REPORTS = PROJECT_ROOT / "tests" / "data" / "partner_reports"
WITHHELD = frozenset({"institution", "event", "foreign_cluster", "federation", "programme", "agency", "project",
                      "company", "initiative"})


@dataclass
class Score:
    true: int = 0
    found: int = 0
    expected: int = 0
    typed: int = 0  # right type, among the true ones
    untyped: int = 0  # among the true ones, left as "organisation": nothing in the text said what it is

    def add(self, other: Score) -> None:
        for count in fields(self):  # every field is a count
            setattr(self, count.name, getattr(self, count.name) + getattr(other, count.name))

    @property
    def precision(self) -> float:
        return self.true / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.true / self.expected if self.expected else 1.0

    @property
    def type_accuracy(self) -> float:
        return self.typed / self.true if self.true else 1.0


@dataclass
class DiscoveryReport:
    full: Score
    discovered: Score
    held_out: Score  # discovery on the reports marked held_out alone (also counted in `discovered`)
    misses: dict[str, list[str]]  # what was missed or wrongly found, per document, for the reader


@contextmanager
def gazetteer_without(types: frozenset[str]) -> Iterator[None]:
    """The bundled gazetteer without the entries of these types, for the block."""
    data = gazetteer.curated_data()
    data["entries"] = [e for e in data["entries"] if not set(e["types"]) & types]
    previous = os.environ.get("EVALGRAPH_GAZETTEER")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gazetteer.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.environ["EVALGRAPH_GAZETTEER"] = str(path)
        gazetteer.clear_caches()
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("EVALGRAPH_GAZETTEER", None)
            else:
                os.environ["EVALGRAPH_GAZETTEER"] = previous
            gazetteer.clear_caches()


def _score_full(report: PartnerReport, pdf: Path, score: Score, misses: list[str]) -> None:
    found = {m.canonical for m in extract_document(pdf).partners}
    gold = {label.canonical for label in report.labels}
    score.true, score.found, score.expected = (score.true + len(found & gold), score.found + len(found),
                                               score.expected + len(gold))
    misses += [f"missed {n}" for n in sorted(gold - found)] + [f"extra {n}" for n in sorted(found - gold)]


def _score_discovered(report: PartnerReport, pdf: Path, known: set[str], score: Score, misses: list[str]) -> None:
    to_find = {squash(label.surface): label for label in report.labels if label.canonical not in known}
    discovered = {m.canonical: m for m in extract_document(pdf).partners if not m.known}
    right = {name: to_find[squash(name)] for name in discovered if squash(name) in to_find}
    # per organisation labelled: found once, though printed twice ("CSL", "Centre Spatial de Liège");
    # two names found for it count one true of two found, and its type is right when every one has it
    types_found: dict[str, set[str]] = {}
    for name, label in right.items():
        types_found.setdefault(label.canonical, set()).add(discovered[name].type)
    kind_of = {label.canonical: label.type for label in to_find.values()}
    score.true += len(types_found)
    score.found += len(discovered)
    score.expected += len(kind_of)
    score.typed += sum(1 for canonical, types in types_found.items() if types == {kind_of[canonical]})
    score.untyped += sum(1 for canonical, types in types_found.items()
                         if "organisation" in types and kind_of[canonical] != "organisation")
    found_labels = {label.canonical for label in right.values()}
    misses += [f"not discovered {label.surface} ({label.type})" for label in to_find.values()
               if label.canonical not in found_labels]
    misses += [f"wrongly discovered {name}" for name in discovered if name not in right]
    misses += [f"typed {discovered[name].type}, is {label.type}: {name}" for name, label in right.items()
               if discovered[name].type != label.type]


def measure(folder: Path = REPORTS) -> DiscoveryReport:
    reports = read_reports(folder / "reports.yaml")
    full, discovered, held_out = Score(), Score(), Score()
    misses: dict[str, list[str]] = {r.file: [] for r in reports}
    for report in reports:
        _score_full(report, folder / report.file, full, misses[report.file])
    with gazetteer_without(WITHHELD):
        known = {e.canonical for e in gazetteer.entries()}
        for report in reports:
            alone = Score()
            _score_discovered(report, folder / report.file, known, alone, misses[report.file])
            for score in (discovered, held_out) if report.held_out else (discovered,):
                score.add(alone)
    return DiscoveryReport(full, discovered, held_out, misses)


def main() -> None:
    result = measure()
    f, d, h = result.full, result.discovered, result.held_out
    print(f"full gazetteer: precision {f.precision:.3f}, recall {f.recall:.3f} ({f.true} of {f.expected}, "
          f"{f.found} found)")
    print(f"categories withheld, discovered: precision {d.precision:.3f}, recall {d.recall:.3f}, right type "
          f"{d.type_accuracy:.3f} ({d.true} of {d.expected}, {d.found} discovered)")
    print(f"  of which the held-out reports: precision {h.precision:.3f}, recall {h.recall:.3f}, right type "
          f"{h.type_accuracy:.3f} ({h.true} of {h.expected}, {h.found} discovered)")
    print(f"  wrong types: {d.true - d.typed}, of which {d.untyped} left as organisation (no cue, apposition or "
          f"word of the name says what it is) and {d.true - d.typed - d.untyped} given another type")
    for name, lines in result.misses.items():
        for line in lines:
            print(f"  {name}: {line}")


if __name__ == "__main__":
    main()
