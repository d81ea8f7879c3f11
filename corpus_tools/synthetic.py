"""Random but realistic grid-format evaluation reports (other clusters, years, evaluators,
criteria counts, page breaks, rules or none, long cells), for tests and benchmarks.

Deterministic for a given seed, so a failing case can be rebuilt and looked at.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from corpus_tools.grid_pdf import GridQuestion, GridReport, GridRow, TableBreak

CLUSTERS = ["Plastiwin", "TWEED", "CAP 2020", "Infopôle", "Photonique", "ARESA", "Eco-construction",
            "Logistics in Wallonia", "TWIST"]
EVALUATORS = ["KPMG", "Deloitte", "IDEA Consult", "Technopolis", "PwC"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]
JUDGMENTS = ["Atteint", "Satisfaisant", "Partiel", "Non atteint", "Partiellement atteint"]
QUESTIONS = [
    "Dans quelle mesure la stratégie poursuivie par le cluster est-elle en adéquation avec le contexte "
    "dans lequel il évolue ?",
    "Dans quelle mesure les réalisations du cluster sont-elles en adéquation avec les 6 axes d'action du décret ?",
    "Dans quelle mesure les réalisations du cluster apportent-elles une plus-value à ses membres ?",
    "Dans quelle mesure le mode d'organisation du cluster est-il en adéquation avec les objectifs à atteindre ?",
    "Dans quelle mesure la stratégie de financement du cluster lui permet-elle d'assurer la réalisation de "
    "ses actions ?",
]
THEMES = [
    ["Représentativité", "Développement stratégique", "Contexte technologique et concurrentiel",
     "Ancrage territorial"],
    ["Connaissance entre membres et du domaine", "Liens commerciaux entre membres", "Partenariats entre membres",
     "Promotion locale et internationale", "Partage de connaissances et des bonnes pratiques entre clusters",
     "Synergie avec d'autres organisations"],
    ["Résultats des réalisations", "Impacts des réalisations", "Qualité des activités", "Accès aux marchés"],
    ["Equipe et méthodes d'animation", "Communication", "Gouvernance", "Outils de suivi"],
    ["Stratégie financière", "Pérennité", "Diversification des ressources"],
]
SUBJECTS = ["Le cluster", "La majorité des membres", "Une part significative des membres", "L'équipe d'animation",
            "Le Conseil d'Administration", "La stratégie du cluster", "Une large majorité des répondants"]
VERBS = ["estime que", "considère que", "souligne que", "met en évidence que", "confirme que"]
OBJECTS = ["les activités renforcent la visibilité des membres", "les partenariats avec les pôles progressent",
           "la participation aux événements reste limitée", "les outils de communication sont adaptés",
           "les financements européens prennent une part croissante", "l'offre de services répond aux attentes",
           "les liens commerciaux entre membres se développent", "la gouvernance est transparente",
           "les missions à l'étranger ouvrent de nouveaux marchés", "le nombre de membres se stabilise"]
CRITERIA = ["Le cluster dispose d'une vision stratégique partagée par l'ensemble de ses membres.",
            "La composition du cluster permet de couvrir suffisamment l'ensemble des domaines du secteur.",
            "Les réalisations menées par le cluster produisent un résultat positif pour les membres en termes "
            "de connaissance des acteurs, de partenariats et de visibilité.",
            "Le cluster développe des outils de communication régulièrement consultés par les membres.",
            "Le cluster poursuit une stratégie qui lui permet d'assurer son autofinancement.",
            "La gestion stratégique du cluster est assumée par des membres au bénéfice des membres."]
# (as printed, canonical name, relation to the evaluated cluster): spellings vary as in real reports
PARTNERS = [
    ("le pôle Wagralim", "Wagralim", "SYNERGY_WITH"), ("le pôle de compétitivité BioWin", "Biowin", "SYNERGY_WITH"),
    ("Greenwin", "Greenwin", "SYNERGY_WITH"), ("le pôle Skywin", "Skywin", "SYNERGY_WITH"),
    ("MecaTech", "Mecatech", "SYNERGY_WITH"), ("le cluster Infopole", "Infopôle", "SYNERGY_WITH"),
    ("le cluster TWEED", "TWEED", "SYNERGY_WITH"), ("Plastiwin", "Plastiwin", "SYNERGY_WITH"),
    ("l'AWEX", "AWEX", "PARTNERS_WITH"), ("l'Agence du Numérique", "AdN", "PARTNERS_WITH"),
    ("la SOWALFIN", "Wallonie Entreprendre", "PARTNERS_WITH"), ("le Forem", "FOREM", "PARTNERS_WITH"),
    ("l'IFAPME", "IFAPME", "PARTNERS_WITH"), ("Agoria", "Agoria", "PARTNERS_WITH"),
    ("le programme Interreg", "Interreg", "TAKES_PART_IN"), ("le projet Creathriv-eu", "Creathriv.eu", "TAKES_PART_IN"),
    ("Horizon 2020", "Horizon Europe", "TAKES_PART_IN"), ("le programme Eurocluster", "Eurocluster", "TAKES_PART_IN"),
    ("le salon IBC", "IBC", "PRESENT_AT"), ("la Journée des clusters", "Journée des clusters", "PRESENT_AT"),
]


def partner_paragraph(seed: int, cluster: str) -> tuple[str, list[tuple[str, str]]]:
    """A synthesis paragraph naming 3 to 6 partners, and the relations it states.

    Its own random stream, so adding it left every other drawn value (and test) unchanged."""
    rng = random.Random(seed * 7919 + 1)
    chosen = rng.sample([p for p in PARTNERS if p[1] != cluster], rng.randint(3, 6))
    printed = [p[0] for p in chosen]
    text = (f"Le cluster {cluster} développe des partenariats et des synergies avec "
            f"{', '.join(printed[:-1])} et {printed[-1]}.")
    return text, [(canonical, rel) for _, canonical, rel in chosen]


@dataclass
class Layout:
    rules: bool = True
    repeat_header: bool = False
    long_cells: bool = False
    breaks: str = "random"  # random | none


def _sentence(rng: random.Random, long: bool) -> str:
    parts = [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"]
    for _ in range(rng.randint(2, 5) if long else rng.randint(0, 1)):
        parts.append(f"et {rng.choice(OBJECTS)}")
    return ", ".join(parts)


def make_report(seed: int, layout: Layout | None = None) -> GridReport:
    layout = layout or Layout()
    rng = random.Random(seed)
    cluster = rng.choice(CLUSTERS)
    evaluator = rng.choice(EVALUATORS)
    year = rng.randint(2012, 2026)
    numbering = iter(range(1, 10_000))
    partners_text, relations = partner_paragraph(seed, cluster)
    questions = []
    for qn, (text, themes) in enumerate(zip(QUESTIONS, THEMES, strict=True), start=1):
        if qn == 2:  # the six axes of the decree: one criterion and one justification spanning all rows
            rows = [GridRow(themes[0], "Adéquation des réalisations du cluster avec les 6 axes d'action du décret "
                                       "du 18 janvier 2007.", rng.choice(JUDGMENTS[:3]),
                            [(next(numbering), _sentence(rng, layout.long_cells)) for _ in range(rng.randint(1, 2))])]
            rows += [GridRow(t, None, rng.choice(JUDGMENTS[:3]), None) for t in themes[1:]]
        else:
            n = rng.randint(2, len(themes))
            rows = [GridRow(t, rng.choice(CRITERIA), rng.choice(JUDGMENTS),
                            [(next(numbering), _sentence(rng, layout.long_cells))
                             for _ in range(rng.randint(1, 4))])
                    for t in themes[:n]]
        breaks = []
        if layout.breaks == "random" and rng.random() < 0.6:
            k = rng.randrange(len(rows))
            row = rows[k]
            mode = rng.choice(["between", "repeat_row", "continue_row"])
            if row.constats is None or len(row.constats) < 2:
                mode = "between" if k < len(rows) - 1 else "continue_row"
            before = rng.randint(1, len(row.constats) - 1) if row.constats and len(row.constats) > 1 else 0
            words = len((row.criterion or "").split())
            cut = rng.randint(2, max(2, words - 2)) if mode == "continue_row" and words > 4 else None
            if mode == "continue_row" and cut is None:
                mode = "between" if k < len(rows) - 1 else "repeat_row"
            breaks.append(TableBreak(row=k, mode=mode, constats_before=before, criterion_words_before=cut))
        announced = sum(1 for _ in rows)
        intro = [f"Afin de répondre à cette question, {announced} critères d'évaluation ont été identifiés."
                 if qn != 2 else "Les 6 axes d'action du décret ont été proposés en tant que critères."]
        synthesis = [" ".join(_sentence(rng, True) + "." for _ in range(rng.randint(2, 4)))]
        if qn == 2:
            synthesis.append(partners_text)
        questions.append(GridQuestion(qn, text, intro, rows, synthesis, breaks))
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    period = rng.choice(["triennale", "quadriennale"])
    return GridReport(
        cluster=cluster, evaluator=evaluator, date_text=f"{day:02d}/{month:02d}/{year}",
        client="Direction des Réseaux d'Entreprises du Service Public de Wallonie Economie Emploi Recherche",
        title_lines=[f"Marché de services relatif à la réalisation de l'évaluation {period} d'un cluster : {cluster}",
                     "Synthèse du rapport final d'évaluation"],
        method_intro=[f"Afin de réaliser l'évaluation du cluster {cluster}, {evaluator} s'est appuyé sur sa "
                      "méthodologie propre aux évaluations de politiques publiques."],
        phases=[("Phase 1 – Structurer", "Préciser le périmètre de la mission et le référentiel d'évaluation."),
                ("Phase 2 – Observer", "Collecter les informations quantitatives et qualitatives."),
                ("Phase 3 – Analyser", "Analyser les données et établir des constats pour chaque critère.")],
        method_outro=["Le présent document reprend, pour chaque critère d'évaluation, le jugement collectif."],
        questions=questions,
        running_header=f"Évaluation du cluster {cluster} – {evaluator} – {MONTHS[month - 1]} {year}",
        rules=layout.rules, repeat_header=layout.repeat_header,
        footer=rng.choice(["page", "n_of_m"]),
        relations=relations,
    )
