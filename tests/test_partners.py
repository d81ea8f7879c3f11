"""Named partners: recognition and resolution measured against a hand-labelled set built from
the seeds (tests/data/partner_mentions.json), on texts the gazetteer does not cover, and the
relations stated with their evidence."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from rapidfuzz import fuzz

from bench.partner_discovery import WITHHELD, gazetteer_without
from models import ExtractionResult
from pipeline.blocks import TextUnit
from pipeline.extract import extract_document
from pipeline.gazetteer import DATA
from pipeline.partner_cues import type_in_apposition
from pipeline.partners import clear_caches, guess_type, read_partners
from pipeline.resolve import resolve
from pipeline.text import fold
from tests.conftest import CORPUS
from tests.conftest import extracted as extracted_pdf

LABELS = json.loads((CORPUS.parent / "tests" / "data" / "partner_mentions.json").read_text(encoding="utf-8"))
DOCUMENTS = [name for name in LABELS if not name.startswith("_")]
# measured 0.57 and 1.00 (2026-11): the floors catch a regression, not noise
HELD_OUT_RECALL, HELD_OUT_PRECISION = 0.5, 0.9


def _body_texts(pdf_name: str) -> list[str]:
    """Each page's raw text (pdfplumber), without the lines repeated on half the pages or more
    (running headers and footers, which the labels exclude; slide titles repeat less)."""
    with pdfplumber.open(CORPUS / pdf_name) as pdf:
        pages = [(p.extract_text() or "").replace("’", "'").splitlines() for p in pdf.pages]
    shape = Counter(key for lines in pages for key in {re.sub(r"\d+", "#", ln.strip()) for ln in lines})
    running = max(2, len(pages) // 2)
    return [" ".join(" ".join(ln for ln in lines if shape[re.sub(r"\d+", "#", ln.strip())] < running).split())
            for lines in pages]


def gold(pdf_name: str) -> set[tuple[str, int]]:
    texts = _body_texts(pdf_name)
    return {(item["canonical"], number) for item in LABELS[pdf_name] for surface in item["surface"]
            for number, text in enumerate(texts, start=1) if surface in text}


def extracted(pdf_name: str) -> ExtractionResult:
    return extracted_pdf(CORPUS / pdf_name)


def predicted(pdf_name: str) -> set[tuple[str, int]]:
    return {(m.canonical, m.page) for m in extracted(pdf_name).partners}


def test_partner_mentions_precision_and_recall_on_the_labelled_seeds() -> None:
    tp = fp = fn = 0
    report = []
    for name in DOCUMENTS:
        g, p = gold(name), predicted(name)
        tp, fp, fn = tp + len(g & p), fp + len(p - g), fn + len(g - p)
        report.append(f"{name}: gold {len(g)}, found {len(p)}, missed {sorted(g - p)}, extra {sorted(p - g)}")
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"\npartner mentions: precision {precision:.3f}, recall {recall:.3f} ({tp} tp, {fp} fp, {fn} fn)")
    print("\n".join(report))
    assert precision >= 0.9, report
    assert recall >= 0.9, report


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_labelled_document_has_its_mentions(name: str) -> None:
    assert gold(name), f"the labels of {name} match nothing in the PDF: the labelled set is stale"
    assert len(gold(name) & predicted(name)) / len(gold(name)) >= 0.8


def test_mentions_carry_type_and_evidence() -> None:
    mentions = {m.canonical: m for m in extracted("twist_2025_kpmg_synthese.pdf").partners}
    creathriv = mentions["Creathriv.eu"]
    assert (creathriv.type, creathriv.known) == ("project", True)
    assert "Creathriv" in creathriv.sentence and creathriv.page in (4, 6)
    liw = {m.canonical: m for m in extracted("uwe_clustering_wallonie_2014_slides.pdf").partners}
    assert set(liw["Logistics in Wallonia"].types) == {"cluster", "pole"}


@pytest.mark.parametrize(("printed", "canonical"), [
    ("cluster TIC", "Infopôle"), ("INFOPOLE cluster TIC", "Infopôle"),
    ("Creathriv-eu", "Creathriv.eu"), ("Creathriv.eu", "Creathriv.eu"), ("Creathrive.eu", "Creathriv.eu"),
    ("Interreg Creativ'Up", "Creativ'Up"), ("Creativ'Up", "Creativ'Up"),
    ("Braban Wallon", "Brabant wallon"), ("Brabant walon", "Brabant wallon"),
    ("Agence wallonne à l'Exportation et aux Investissements étrangers", "AWEX"), ("AWEX", "AWEX"),
    ("Agence Wallonne a l exportation", "AWEX"),
    ("Conseil économique et social de la Région wallonne", "CESRW"),
    ("Iconoval-Strasbourg", "Iconoval"), ("FIFF – Namur", "FIFF"), ("Wagrallim", "Wagralim"),
    ("le pôle Mecatech", "Mecatech"), ("Photonic Wallonia", "Photonique"), ("Silicone Valley", "Silicon Valley"),
])
def test_resolution_gives_one_name_per_organisation(printed: str, canonical: str) -> None:
    found = resolve(printed)
    assert found is not None and found.entry.canonical == canonical


def test_an_acronym_resolves_to_its_long_form() -> None:
    """'SWFGP' is in no alias list: only the initials of a long form lead to it."""
    found = resolve("SWFGP")
    assert found is not None and (found.entry.canonical, found.how) == ("Wallonie Entreprendre", "acronym")


def test_unrelated_names_do_not_resolve() -> None:
    assert resolve("Ozone Studios") is None
    assert resolve("Biotech Valley Partners") is None


UNSEEN = [
    TextUnit("Le cluster a développé des partenariats avec Screen Flanders et Medialab Factory, et participe "
             "au salon Mediaxpo ainsi qu'au projet européen DigiCreate.", 3),
    TextUnit("Le cluster est en relation avec nombre d'initiatives du secteur (Animagine, Virtual Labs, "
             "Pixel Hub, Wallimage,...)", 4),
    TextUnit("Il collabore avec le cluster Plastiwin et le pôle Mecatech, ainsi qu'avec l'Agence wallonne à "
             "l'exportation. La Innovation reste un enjeu pour les membres.", 5),
]


def test_organisations_outside_the_gazetteer_are_kept_and_flagged() -> None:
    mentions, relations, _ = read_partners(UNSEEN, subject="TWIST")
    by_name = {m.canonical: m for m in mentions}
    unknown = {n for n, m in by_name.items() if not m.known}
    assert unknown == {"Screen Flanders", "Medialab Factory", "Mediaxpo", "DigiCreate", "Animagine",
                       "Virtual Labs", "Pixel Hub"}
    assert (by_name["Mediaxpo"].type, by_name["DigiCreate"].type) == ("event", "project")
    assert {"Wallimage", "Plastiwin", "Mecatech", "AWEX"} <= {n for n, m in by_name.items() if m.known}
    rel = {(r.relation, r.object) for r in relations}
    assert {("PRESENT_AT", "Mediaxpo"), ("TAKES_PART_IN", "DigiCreate"), ("SYNERGY_WITH", "Plastiwin"),
            ("SYNERGY_WITH", "Mecatech"), ("PARTNERS_WITH", "AWEX"), ("PARTNERS_WITH", "Screen Flanders")} <= rel
    assert all(r.subject == "TWIST" and r.sentence for r in relations)


def test_names_headed_by_a_common_noun_or_ending_in_a_place_or_legal_form() -> None:
    """The NER stops "Festival du Film de" before the place the gazetteer knows and leaves "SA"
    out of "Ozone Studios SA"; names are completed, and an acronym in brackets joins its long form."""
    units = [TextUnit("Le cluster collabore avec la société Ozone Studios SA et participe au Festival du Film "
                      "de Mons.", 4),
             TextUnit("Il a noué des partenariats avec Mediadev SRL et l'Université de Charleroi, ainsi qu'avec "
                      "l'Agence pour l'Artisanat et l'Innovation (AAI).", 5)]
    mentions, relations, _ = read_partners(units, subject="TWIST")
    got = {(m.canonical, m.type, m.known, m.page) for m in mentions}
    assert got == {("Ozone Studios SA", "company", False, 4), ("Festival du Film de Mons", "event", False, 4),
                   ("Mediadev SRL", "company", False, 5), ("Université de Charleroi", "institution", False, 5),
                   ("Agence pour l'Artisanat et l'Innovation", "agency", False, 5)}
    assert ("PRESENT_AT", "Festival du Film de Mons") in {(r.relation, r.object) for r in relations}


def test_relations_of_the_2010_evaluation_have_evidence() -> None:
    result = extracted("twist_2010_comase_synthese.pdf")
    rel = {(r.subject, r.relation, r.object): r for r in result.relations}
    assert ("TWIST", "SYNERGY_WITH", "Iconoval") in rel
    assert ("TWIST", "SYNERGY_WITH", "Infopôle") in rel  # "collaborations avec le cluster TIC"
    assert ("TWIST", "PRESENT_AT", "Festival de Cannes") in rel
    assert ("TWIST", "PARTNERS_WITH", "Wallimage") in rel
    evidence = rel[("TWIST", "PARTNERS_WITH", "Wallimage")]
    assert "Wallimage" in evidence.sentence and evidence.page == 6
    assert not any(r.object in ("COMASE", "SPW EER", "SPW") for r in result.relations)


def test_policy_evaluation_relates_clusters_named_together_about_synergies() -> None:
    result = extracted("politique_clustering_2011_synthese.pdf")
    pairs = {(r.subject, r.object) for r in result.relations if r.relation == "SYNERGY_WITH"}
    assert {("CAP 2020", "TWEED"), ("(Val)+", "CAP 2020"), ("(Val)+", "TWEED")} <= pairs


WITHHELD_TYPES = {"company", "event", "foreign_cluster", "initiative", "project"}


def _same_organisation(name: str, forms: list[str]) -> bool:
    """A discovered name names a withheld organisation if it is one of its spellings, contains it
    or is contained in it ("Festival de Cannes" / "Cannes Film Festival"), or nearly so."""
    n = " ".join(fold(name).split())
    for form in forms:
        f = " ".join(fold(form).split())
        if len(n) >= 3 and (f in n or n in f or fuzz.token_set_ratio(n, f) >= 85):
            return True
    return False


@pytest.mark.slow  # the corpus extracted again
def test_held_out_discovery_of_organisations_the_gazetteer_does_not_know(tmp_path, monkeypatch) -> None:
    """The gazetteer covers the seeds; documents we do not have name other companies, events,
    foreign clusters, initiatives and projects. Withhold every such entry, extract the seeds
    again, and count how many of the withheld (organisation, page) pairs are still found, as
    organisations flagged for review, and how many flagged names are right."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    withheld = {e["canonical"]: e for e in data["entries"] if set(e["types"]) & WITHHELD_TYPES}
    data["entries"] = [e for e in data["entries"] if e["canonical"] not in withheld]
    (tmp_path / "gazetteer.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("EVALGRAPH_GAZETTEER", str(tmp_path / "gazetteer.json"))
    clear_caches()
    try:
        found = missed = right = wrong = 0
        misses, wrongs = [], []
        for name in DOCUMENTS:
            surfaces = {item["canonical"]: item["surface"] for item in LABELS[name]}
            forms = {c: [c, *surfaces.get(c, []), *withheld[c]["aliases"]] for c in withheld}
            want = {(c, p) for c, p in gold(name) if c in withheld}
            unknown = [m for m in extract_document(CORPUS / name).partners if not m.known]
            for c, page in sorted(want):
                if any(m.page == page and _same_organisation(m.name, forms[c]) for m in unknown):
                    found += 1
                else:
                    missed += 1
                    misses.append(f"{name} p{page}: {c}")
            for m in unknown:
                if any(p == m.page and _same_organisation(m.name, forms[c]) for c, p in want):
                    right += 1
                else:
                    wrong += 1
                    wrongs.append(f"{name} p{m.page}: {m.name}")
    finally:
        monkeypatch.delenv("EVALGRAPH_GAZETTEER")
        clear_caches()
    recall, precision = found / (found + missed), right / max(1, right + wrong)
    print(f"\nheld-out discovery ({len(withheld)} entries withheld): recall {recall:.2f} ({found}/{found + missed}), "
          f"precision {precision:.2f} ({right}/{right + wrong})\nmissed: {misses}\nwrong: {wrongs}")
    assert recall >= HELD_OUT_RECALL and precision >= HELD_OUT_PRECISION, (misses, wrongs)


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Le cluster collabore avec le centre de recherche Materia Nova et le centre de recherche agréé Centexbel.",
     {("Materia Nova", "institution"), ("Centexbel", "institution")}),
    ("Les membres ont exposé au salon JEC World et au salon « K » de Düsseldorf.",
     {("JEC World", "event"), ("K", "event")}),
    ("Le cluster participe au projet européen « Smart Plastics 2030 » avec le cluster Plastipolis de la région "
     "Auvergne-Rhône-Alpes.", {("Smart Plastics 2030", "project"), ("Plastipolis", "foreign_cluster")}),
    ("Un partenariat a été noué avec l'Université de Mons et la Haute École Condorcet.",
     {("Université de Mons", "institution"), ("Haute École Condorcet", "institution")}),
    ("Le cluster travaille avec le pôle français Vitagora, la fédération flamande Fedustria et le laboratoire "
     "Certech de Seneffe.", {("Vitagora", "foreign_cluster"), ("Fedustria", "federation"), ("Certech", "institution")}),
    ("Un partenariat a été noué avec Buildwise, le centre scientifique et technique de la construction, et la "
     "Confédération Construction.", {("Buildwise", "institution"), ("Confédération Construction", "federation")}),
    ("Les membres ont exposé à la Hannover Messe avec Wallonie Entreprendre et la société Puratos.",
     {("Hannover Messe", "event"), ("Wallonie Entreprendre", "organisation"), ("Puratos", "company")}),
    # an enumeration after a plural or after "membres, dont": every name of it, "+" inside a name
    ("Les entreprises Vandemoortele et Kuehne + Nagel ont rejoint le cluster, tout comme les membres, dont Zetes "
     "et Lhoist.", {("Vandemoortele", "company"), ("Kuehne + Nagel", "company"), ("Zetes", "company"),
                   ("Lhoist", "company")}),
    # a complement or an adjective of a city between cue and name; a name in lower case after a cue
    ("Le cluster travaille avec la fédération des industries chimiques Zorvex, le pôle lyonnais Axelera et "
     "la fédération zolvania.", {("Zorvex", "federation"), ("Axelera", "foreign_cluster"), ("zolvania", "federation")}),
    # calls and projects of a programme, a strategy; English "of" inside an event's name
    ("Le cluster suit les appels Orizon Europa, a déposé deux projets Eurostella et s'inscrit dans la stratégie "
     "Numeria Wallonia ; ses membres exposent au salon Laser Days of Optics.",
     {("Orizon Europa", "programme"), ("Eurostella", "programme"), ("Numeria Wallonia", "programme"),
      ("Laser Days of Optics", "event")}),
    ("Le cluster collabore avec la Haute École de la Province de Namur.",
     {("Haute École de la Province de Namur", "institution")}),
    # a cluster or a network of a place abroad; a French trade's joint body
    ("Le cluster a rencontré le cluster danois Nordic Aqua Hub et l'interprofession Fibois Occitanie.",
     {("Nordic Aqua Hub", "foreign_cluster"), ("Fibois Occitanie", "federation")}),
    # a capitalised cue, then "de" and the rest of the name; its acronym further on is the same centre
    ("Les essais ont été confiés au Centre Technique de la Pierre Bleue. Deux projets ont été menés avec le CTPB.",
     {("Centre Technique de la Pierre Bleue", "institution")}),
])
def test_names_introduced_by_cue_words_are_found_with_their_type(sentence: str, expected: set) -> None:
    """Cue words (pipeline/data/partner_cues.yaml) introduce names the gazetteer does not hold and
    give their type; a place joined to other words is a name ("Wallonie Entreprendre"), a place
    after "de" behind a proper name is not ("Certech de Seneffe"). The gazetteer's entries of these
    categories are withheld: the bundled one knows most of these names."""
    with gazetteer_without(WITHHELD):
        mentions, _, _ = read_partners([TextUnit(sentence, 3)], "Plastiwin")
    assert {(m.canonical, m.type) for m in mentions if not m.known} >= expected


@pytest.mark.parametrize(("name", "sentence", "expected"), [
    # the partner with which a cluster goes to a trade fair or on a mission abroad: the export agency,
    # every name of the coordination; elsewhere, or with the fair named after it, "avec" says nothing
    ("Exportia", "Une mission au salon Bauma a été organisée avec Exportia et l'Investa.", "agency"),
    ("Investa", "Une mission au salon Bauma a été organisée avec Exportia et l'Investa.", "agency"),
    ("Agrovia", "Des ateliers ont été organisés avec Agrovia et ses membres.", "organisation"),
    ("Agrovia", "Le cluster a noué un partenariat avec Agrovia et participe au salon Agribex.", "organisation"),
    # a prefix and a place: a university's short name, an Interreg strand; "Interreg" and a name: a project
    ("UHasselt", "Des études ont été confiées à l'UHasselt.", "institution"),
    ("UCM", "Des études ont été confiées à l'UCM.", "organisation"),
    ("Interreg Grande Région", "Le projet est financé par l'Interreg Grande Région.", "programme"),
    ("Interreg Zephyr", "Le cluster participe à l'Interreg Zephyr.", "project"),
    # an apposition without an article
    ("Aquavia", "Le cluster travaille avec Aquavia, centre de recherche liégeois, sur l'eau.", "institution"),
])
def test_the_type_of_a_new_name_from_its_role_its_making_or_an_apposition(name: str, sentence: str,
                                                                        expected: str) -> None:
    with gazetteer_without(WITHHELD):
        assert guess_type(name, sentence) == expected


def test_a_lead_word_before_a_place_names_no_place() -> None:
    """"la Wallonie" is the place; "Interreg Grande Région" is not, when the gazetteer does not
    know the programme: it is a new name to type, not a place to drop."""
    with gazetteer_without(WITHHELD):
        assert resolve("la Wallonie") is not None and resolve("Interreg Grande Région") is None
    assert resolve("Interreg Grande Région").entry.canonical == "Interreg Grande Région"


def test_a_name_followed_by_another_cued_name_is_not_typed_by_it() -> None:
    """"EDORA, le pôle Greenwin": the next name of an enumeration, not an apposition saying what
    EDORA is; "Buildwise, le centre scientifique et technique" is one."""
    assert type_in_apposition(", le pôle Greenwin et le centre de recherche Materia Nova.") is None
    assert type_in_apposition(", le centre scientifique et technique de la construction.") == "institution"


def test_the_gazetteer_knows_an_acronym_the_tokenizer_splits() -> None:
    """"CRA-W" is three tokens. Acronyms are matched as phrases with their exact case (a second
    ruler: spaCy's Matcher over every token cost most of the ruler's time), so the gazetteer's
    "CRA-W" is known, not a name discovery weighs (the token patterns never matched it)."""
    mentions, _, candidates = read_partners([TextUnit("Le projet a été mené avec le CRA-W et ses chercheurs.", 3)],
                                            "Plastiwin")
    assert [(m.canonical, m.known) for m in mentions] == [("CRA-W", True)]
    assert candidates == []


@pytest.mark.parametrize(("sentence", "not_names"), [
    ("La stratégie 2023-2025 repose sur trois axes de partenariat.", {"2023-2025"}),
    ("Les projets Alpha et Beta ont été menés avec les entreprises du secteur.", {"Alpha et Beta"}),
    ("Le salon de la construction durable a réuni les entreprises partenaires.", {"construction", "durable"}),
    # a cue in lower case opens no name that starts with "de": "le centre technique" + "de l'Industrie"
    ("Le cluster collabore avec le centre technique de l'Industrie Verrière.", {"de l'Industrie Verrière",
                                                                                "l'Industrie Verrière"}),
])
def test_cues_make_no_name_of_a_period_an_enumeration_or_a_french_word(sentence: str, not_names: set) -> None:
    with gazetteer_without(WITHHELD):
        mentions, _, _ = read_partners([TextUnit(sentence, 3)], "Plastiwin")
    assert not {m.canonical for m in mentions} & not_names


# what the parser's sentences lose: it ends a sentence before "ADEME." in "... avec l'agence
# française ADEME.", so the cue no longer introduces the name
PARSER_MISSES = {"valplus_2023_partenaires.pdf": {("ADEME", "agency", 1)}}


PARTNER_PDFS = [*sorted(CORPUS.glob("*.pdf")),
                *sorted((CORPUS.parent / "tests" / "data" / "partner_reports").glob("*.pdf"))]


def _units_and_subject(pdf: Path) -> tuple[list[TextUnit], str | None]:
    """The text units read_partners gets for a PDF, and the evaluated cluster, as extract_document
    computes them."""
    from pipeline.blocks import document_blocks, text_units
    from pipeline.doc_meta import classify, evaluation_info
    from pipeline.grid_tables import find_grids
    from pipeline.pages import read_pages

    pages = read_pages(pdf, pdf.name)
    scan = find_grids(pages)
    blocks = document_blocks(pages, scan.tables, scan.consumed)
    kind, cluster = classify(pages, blocks, bool(scan.tables))
    evaluation = evaluation_info(kind, cluster, pages, blocks)
    cluster_evaluation = evaluation is not None and evaluation.evaluation_type == "cluster"
    return text_units(blocks), evaluation.cluster if cluster_evaluation else None


@pytest.mark.parametrize(("text", "may"), [
    ("Les objectifs sont atteints. Ils le restent.", False),
    ("Dans ce cadre, la cellule a été créée en 2019.", False),
    ("Le cluster travaille avec Agoria.", True),
    ("Le Forem a été consulté.", True),
    ("Sirris a signé la convention.", True),  # a name opens the sentence
])
def test_the_ner_runs_where_a_text_may_hold_a_name(text: str, may: bool) -> None:
    from pipeline.partners import nlp
    from pipeline.spacy_components import may_hold_a_name

    assert may_hold_a_name(nlp()(text)) is may


def test_the_ner_skips_no_text_where_it_would_find_a_name() -> None:
    """The NER runs only where a text may hold a name (NER_WHERE_NAMES): on the corpus and the
    labelled partner reports, every mention and relation is the one the NER on every text gives,
    and the only names discovery no longer weighs are no names (a date: "04/11/25")."""
    from pipeline.partners import SENTENCES, _not_a_name, nlp
    from pipeline.spacy_components import FINDING_STARTS, NER_WHERE_NAMES, may_hold_a_name

    pipeline = nlp()
    skipped = 0
    for pdf in PARTNER_PDFS:
        units, subject = _units_and_subject(pdf)
        gated = read_partners(units, subject)
        pipeline.enable_pipe("ner")
        pipeline.disable_pipe(NER_WHERE_NAMES)
        try:
            everywhere = read_partners(units, subject, pipeline)
        finally:
            pipeline.disable_pipe("ner")
            pipeline.enable_pipe(NER_WHERE_NAMES)
        assert gated.mentions == everywhere.mentions, pdf.name
        assert gated.relations == everywhere.relations, pdf.name
        assert set(gated.candidates) <= set(everywhere.candidates), pdf.name
        lost = set(everywhere.candidates) - set(gated.candidates)
        assert all(_not_a_name(name) or not name[:1].isupper() for name in lost), (pdf.name, lost)
        with pipeline.select_pipes(enable=[SENTENCES, FINDING_STARTS]):
            skipped += sum(not may_hold_a_name(doc) for doc in pipeline.pipe({u.text for u in units}))
    assert skipped > 100  # the gate was at work


@pytest.mark.slow  # a second spaCy pipeline
def test_sentences_from_the_sentence_tagger_find_the_partners_the_parser_did() -> None:
    """nlp() takes its sentence boundaries from the model's small sentence tagger, not from the
    dependency parser, and tags parts of speech only where a candidate needs them (together
    two fifths of spaCy's time); it runs the NER only where a text may hold a name, its matrix
    products through numpy's BLAS instead of blis. On the corpus and the labelled partner reports,
    every mention and relation is the same as with the model as it comes (parser, tagger and NER
    on every text, blis; also measured on the LibreOffice reports and 80 archive reports: none
    lost or added), but for one name the parser's sentences lose (PARSER_MISSES)."""
    import spacy

    from pipeline.partners import SPACY_MODEL, nlp, with_names

    assert "parser" not in nlp().component_names and "tok2vec" not in nlp().pipe_names
    with_parser = with_names(spacy.load(SPACY_MODEL, exclude=["lemmatizer"]))  # the model as it comes
    compared = 0
    for pdf in PARTNER_PDFS:
        units, subject = _units_and_subject(pdf)
        ours, theirs = read_partners(units, subject), read_partners(units, subject, with_parser)
        mentions = {(m.canonical, m.type, m.page) for m in ours.mentions}
        assert mentions - {(m.canonical, m.type, m.page) for m in theirs.mentions} == \
               PARSER_MISSES.get(pdf.name, set()), pdf.name
        assert {(m.canonical, m.type, m.page) for m in theirs.mentions} <= mentions, pdf.name
        relations = {(r.subject, r.relation, r.object) for r in ours.relations}
        assert {(r.subject, r.relation, r.object) for r in theirs.relations} <= relations, pdf.name
        compared += len(ours.mentions)
    assert compared > 100
