"""Figures of a report, with unit and date: members, founding members, member companies,
survey responses and response rate, employment, board size, budgets, clusters supported.

Each pattern is a way French evaluation reports state a figure ("comptait 57 membres",
"29 réponses, soit 51% de taux de réponse", "composé de 19 administrateurs",
"1.400.743€ par an"). A date in the same sentence ("Au 1/03/2010") dates the figure; failing
that, a date stated earlier in its paragraph; failing that, the caller dates it by the report.
"""

from __future__ import annotations

import re

from models import Figure
from models.kinds import DateSource
from pipeline.blocks import TextUnit

NUMBER = r"(\d{1,3}(?:[ .\u202f]\d{3})+|\d+(?:,\d+)?)"
SENTENCE = re.compile(r"(?:[^.!?;]|[.!?;](?!\s|$))*(?:[.!?;]|$)")  # "1.400.743" does not end a sentence
BUDGET_CONTEXT = re.compile(r"financ|subvention|budget|soutien|co[uû]t|subside|montant|d[ée]pense", re.I)
DATE = re.compile(r"\b(?:au|le|en date du)\s+(\d{1,2})/(\d{1,2})/(\d{4})", re.I)

# (name, unit, pattern): the first group is the value
PATTERNS: list[tuple[str, str, re.Pattern[str]]] = [
    ("founding_members", "members", re.compile(NUMBER + r"\s+membres\s+fondateurs", re.I)),
    ("members", "members", re.compile(r"(?:compt(?:e|ait|ant)|regroup(?:e|ait|ant)|rassembl(?:e|ait)|toucher"
                                      r"(?: plus de)?|de)\s+" + NUMBER + r"\s+membres\b(?!\s+fondateurs)", re.I)),
    ("member_companies", "companies", re.compile(r"dont\s+" + NUMBER + r"\s+entreprises", re.I)),
    ("member_companies_wallonia", "companies",
     re.compile(r"dont\s+" + NUMBER + r"\s+en\s+R[ée]gion\s+wallonne", re.I)),
    ("survey_responses", "responses", re.compile(NUMBER + r"\s+r[ée]ponses\b", re.I)),
    ("survey_response_rate", "%", re.compile(NUMBER + r"\s?%\s+de\s+taux\s+de\s+r[ée]ponse", re.I)),
    ("employment", "persons", re.compile(r"total\s+de\s+l.emploi[^.]{0,40}?\s(?:est\s+de|s.[ée]l[èe]ve\s+[àa])\s+"
                                         + NUMBER, re.I)),
    ("board_size", "administrators", re.compile(r"compos[ée]e?\s+de\s+" + NUMBER + r"\s+administrateurs", re.I)),
    ("clusters_supported", "clusters",
     re.compile(NUMBER + r"\s+clusters\s+(?:ont\s+été|étaient(?:\s+encore)?|sont)\s+soutenus", re.I)),
    ("budget", "EUR", re.compile(NUMBER + r"\s?(millions?\s?)?(?:€|EUR\b|euros?\b)", re.I)),
]


def _value(raw: str, millions: bool = False) -> float:
    digits = re.sub(r"[ .\u202f]", "", raw).replace(",", ".")
    return float(digits) * (1_000_000 if millions else 1)


def _date(sentence: str) -> str | None:
    m = DATE.search(sentence)
    return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}" if m else None


def read_figures(units: list[TextUnit]) -> list[Figure]:
    figures: list[Figure] = []
    seen: set[tuple[str, float, int]] = set()
    for unit in units:
        paragraph_date = None
        for sm in SENTENCE.finditer(unit.text):
            sentence = sm.group(0).strip()
            if not sentence:
                continue
            date = _date(sentence)
            dated: tuple[str | None, DateSource | None] = (
                (date, "sentence") if date else (paragraph_date, "paragraph" if paragraph_date else None))
            paragraph_date = date or paragraph_date
            for name, unit_name, pattern in PATTERNS:
                if name == "budget" and not BUDGET_CONTEXT.search(sentence):
                    continue  # "PIB par habitant : 30 500 €" is not a budget
                for m in pattern.finditer(sentence):
                    millions = name == "budget" and bool(m.group(2))
                    figure = Figure(name=name, value=_value(m.group(1), millions), unit=unit_name,
                                    date=dated[0], date_source=dated[1], context=sentence,
                                    page=unit.page_at(sm.start() + m.start()))
                    key = (name, figure.value, figure.page)
                    if key not in seen:
                        seen.add(key)
                        figures.append(figure)
    return figures


def date_by_report(figures: list[Figure], report_date: str | None) -> list[Figure]:
    """Figures the text does not date are taken as of the report's own date."""
    if report_date is None:
        return figures
    return [f if f.date else f.model_copy(update={"date": report_date, "date_source": "document"}) for f in figures]
