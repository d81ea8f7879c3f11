"""evalgraph's own spaCy pipeline components, registered with spaCy when this module is imported
(the spaCy way: `@Language.component`, each declaring what it needs and what it assigns), so that
`nlp.add_pipe(NAME)` and a serialised pipeline find them by name."""

from __future__ import annotations

import re
from functools import cache

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.gazetteer import by_canonical
from pipeline.partners import CUE_LABEL, CUES_PATH, RULER_LABEL, UNKNOWN_LABELS
from pipeline.vocabulary import finding_marks

COMPLETE_NAMES = "evalgraph_complete_names"
FINDING_STARTS = "evalgraph_finding_starts"
CUE_NAMES = "evalgraph_cue_names"
CAPITAL = r"[A-ZÉÈÊÀÂÎÔÛÇ]"
WORD = CAPITAL + r"(?:[\w’'&+-]|\.(?=\w))*|\d+[\w-]*"  # a dot only inside a word ("S.A"), never the sentence's
CAPITALISED = rf"(?:{WORD})(?:\s+(?:(?:de|du|des|d'|d’|la|le|et|&|of|for|and)\s*)?(?:{WORD})){{0,5}}"
NAME_FORMS = {"capitalised": rf"(?P<name>{CAPITALISED})",
              "quoted": r"[«\"“]\s*(?P<name>[^»\"”]{2,60}?)\s*[»\"”]",
              "whole": ""}
LINKERS = {"de", "du", "des", "d'", "d’", "of", "la", "l'", "l’"}
LEGAL_FORMS = {"sa", "s.a.", "srl", "sprl", "nv", "bv", "asbl", "scrl", "sc", "gmbh", "ltd", "sas", "sarl", "inc", "ag"}


def _is_place(ent: Span) -> bool:
    return ent.label_ == RULER_LABEL and by_canonical()[ent.ent_id_].type == "place"


@Language.component(FINDING_STARTS, requires=["token.is_sent_start"], assigns=["token.is_sent_start"])
def finding_starts(doc: Doc) -> Doc:
    """A finding label ("Constat 12 :", "C12 :") opens a sentence, whatever the sentence tagger
    says: a cell holding several findings is several statements, and the NER, which never
    crosses a sentence boundary, must not join a finding's first words to the end of the one
    before ("... Conseil d'Administration" + "Constat 2")."""
    for _, start, _ in finding_marks(doc.text):
        token = doc.char_span(start, start + 1, alignment_mode="expand")
        if token is not None and token.start > 0:
            doc[token.start].is_sent_start = True
    return doc


@Language.component(COMPLETE_NAMES, requires=["doc.ents"], assigns=["doc.ents"])
def complete_names(doc: Doc) -> Doc:
    """The statistical NER stops a name where the ruler marked a place ("Festival du Film de"
    + "Mons", "Université de" + "Liège") and leaves out a legal form ("Ozone Studios" + "SA"):
    such a name is completed, and the place inside it is no longer a mention of its own."""
    ents, out, i = list(doc.ents), [], 0
    while i < len(ents):
        ent = ents[i]
        if ent.label_ in UNKNOWN_LABELS and i + 1 < len(ents) and _is_place(ents[i + 1]):
            nxt = ents[i + 1]
            ends_with_linker = nxt.start == ent.end and ent[-1].lower_ in LINKERS
            linker_between = nxt.start == ent.end + 1 and doc[ent.end].lower_ in LINKERS
            if ends_with_linker or linker_between:
                ent, i = Span(doc, ent.start, nxt.end, label=ent.label_), i + 1
        following = ent.end < len(doc) and doc[ent.end]
        if ent.label_ in UNKNOWN_LABELS and following and following.ent_iob_ == "O" \
                and following.lower_ in LEGAL_FORMS and following.text[:1].isupper():
            ent = Span(doc, ent.start, ent.end + 1, label=ent.label_)
        out.append(ent)
        i += 1
    doc.ents = out
    return doc


@cache
def cue_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, type) per cue of pipeline/data/partner_cues.yaml; the cue's words in any case,
    the name's capitals as printed."""
    compiled = []
    for entry in yaml.safe_load(CUES_PATH.read_text(encoding="utf-8"))["cues"]:
        cue, form = entry["cue"], entry["name"]
        if form == "whole":
            pattern = rf"(?P<name>(?i:{cue})\s*{CAPITALISED})"
        elif "{name}" in cue:
            before, after = cue.split("{name}")
            pattern = rf"\b(?i:{before}){NAME_FORMS[form]}(?={after})"
        else:
            pattern = rf"\b(?i:{cue})\s+{NAME_FORMS[form]}"
        compiled.append((re.compile(pattern), entry["type"]))
    return tuple(compiled)


def _without_trailing_place(span: Span, places: set[int]) -> Span:
    """"le centre de recherche Celabor de Herve": the name stops before "de" and a place the NER
    (or the gazetteer) marked, unless that leaves only the cue's own words."""
    for i in range(span.start + 1, span.end - 1):
        if span.doc[i].lower_ in LINKERS and all(j in places for j in range(i + 1, span.end)):
            return Span(span.doc, span.start, i, label=span.label_, kb_id=span.kb_id_)
    return span


@Language.component(CUE_NAMES, requires=["doc.ents"], assigns=["doc.ents"])
def cue_names(doc: Doc) -> Doc:
    """Names introduced by a cue ("centre de recherche X", "salon X", "projet « X »") become
    entities labelled CUE, their type in the span's kb_id. The gazetteer's entities stay as they
    are; a cue's span replaces the statistical NER's guesses it overlaps (it knows the name's
    extent and its type)."""
    places = {i for e in doc.ents if e.label_ == "LOC" or _is_place(e) for i in range(e.start, e.end)}
    found: list[Span] = []
    text = doc.text  # spaCy joins every token's text at each call
    for pattern, kind in cue_patterns():
        for match in pattern.finditer(text):
            span = doc.char_span(match.start("name"), match.end("name"), label=CUE_LABEL, kb_id=kind,
                                 alignment_mode="expand")
            if span is not None:
                found.append(_without_trailing_place(span, places))
    if not found:
        return doc
    kept = [e for e in doc.ents if e.label_ == RULER_LABEL]
    taken = {i for e in kept for i in range(e.start, e.end)}
    for span in sorted(found, key=lambda s: (-(s.end - s.start), s.start)) + [e for e in doc.ents
                                                                             if e.label_ != RULER_LABEL]:
        if not taken & set(range(span.start, span.end)):
            kept.append(span)
            taken |= set(range(span.start, span.end))
    doc.ents = sorted(kept, key=lambda s: s.start)
    return doc
