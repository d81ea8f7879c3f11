"""evalgraph's own spaCy pipeline components, registered with spaCy when this module is imported
(the spaCy way: `@Language.component`, each declaring what it needs and what it assigns), so that
`nlp.add_pipe(NAME)` and a serialised pipeline find them by name."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from pipeline.gazetteer import by_canonical
from pipeline.partner_cues import NEXT_LISTED, cues, legal_forms
from pipeline.partners import CUE_LABEL, NAME_HEADS, RULER_LABEL, UNKNOWN_LABELS
from pipeline.resolve import is_not_partner
from pipeline.text import fold
from pipeline.vocabulary import finding_marks

COMPLETE_NAMES = "evalgraph_complete_names"
FINDING_STARTS = "evalgraph_finding_starts"
CUE_NAMES = "evalgraph_cue_names"
NER_WHERE_NAMES = "evalgraph_ner_where_names"
LINKERS = {"de", "du", "des", "d'", "d’", "of", "la", "l'", "l’"}
JOINERS = {"-", "&", "+", "'", "’"}  # inside a name: "Kuehne + Nagel", "Flanders' FOOD"


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


def may_hold_a_name(doc: Doc) -> bool:
    """A word with a capital, other than a function word opening a sentence ("Le", "Dans",
    "Ces"). Every name the pipeline keeps from the NER has one: a proposal is kept only when it is
    capitalised once its article is cut (partners._plausible), and one opening on a function word
    has that word's part of speech. A text without such a word ("Les objectifs sont atteints.") is
    a fifth of an archive's texts, a quarter of its words."""
    return any(t.text[:1].isupper() and not (t.is_sent_start and t.vocab[t.lower_].is_stop) for t in doc)


class NerWhereNames:
    """The model's statistical NER, run only on the texts that may hold a name (may_hold_a_name):
    it is most of spaCy's time, and on the other texts it can only propose what the pipeline
    drops. The NER itself stays in the pipeline, disabled, with its weights."""

    def __init__(self, ner: EntityRecognizer) -> None:
        self.ner = ner

    def __call__(self, doc: Doc) -> Doc:
        return self.ner(doc) if may_hold_a_name(doc) else doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            for _ in self.ner.pipe([d for d in batch if may_hold_a_name(d)], batch_size=batch_size):
                pass  # the NER sets each Doc's entities in place
            yield from batch


@Language.factory(NER_WHERE_NAMES, requires=["doc.ents", "token.is_sent_start"], assigns=["doc.ents"])
def ner_where_names(nlp: Language, name: str) -> NerWhereNames:
    return NerWhereNames(nlp.get_pipe("ner"))


@Language.component(COMPLETE_NAMES, requires=["doc.ents"], assigns=["doc.ents"])
def complete_names(doc: Doc) -> Doc:
    """The statistical NER stops a name where the ruler marked a place ("Festival du Film de"
    + "Mons", "Université de" + "Liège"), leaves out a legal form ("Ozone Studios" + "SA") and
    misses a name made of a place and other capitalised words ("Wallonie Entreprendre", "SIAL"
    + "Paris"): such a name is completed, and the place inside it is no longer a mention of its own."""
    ents, out, i = _joined_names(doc), [], 0
    while i < len(ents):
        ent = ents[i]
        if ent.label_ in UNKNOWN_LABELS | {"LOC"} and i + 1 < len(ents) and _is_place(ents[i + 1]):
            nxt = ents[i + 1]
            ends_with_linker = nxt.start == ent.end and ent[-1].lower_ in LINKERS
            linker_between = nxt.start == ent.end + 1 and doc[ent.end].lower_ in LINKERS
            # a place the NER cut before its last word ("Centre Spatial de" + "Liège") is one name
            # too; a linker between joins a place only to a name a common noun heads ("Université"
            # + "de Liège", not "Mobile World Congress" + "de Barcelone")
            headed = any(fold(t.text) in NAME_HEADS for t in ent)
            if ends_with_linker or (linker_between and ent.label_ != "LOC" and headed):
                ent, i = Span(doc, ent.start, nxt.end, label=ent.label_), i + 1
        following = ent.end < len(doc) and doc[ent.end]
        if ent.label_ in UNKNOWN_LABELS and following and following.ent_iob_ == "O" \
                and following.lower_ in legal_forms() and following.text[:1].isupper():
            ent = Span(doc, ent.start, ent.end + 1, label=ent.label_)
        out.append(ent)
        i += 1
    doc.ents = out
    return doc


def _capitalised_runs(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) of each run of two or more capitalised words written together, within a
    sentence: separated by a space or joined by a hyphen, "&", "+" or an apostrophe
    ("Wallonie-Bruxelles International", "Kuehne + Nagel", "Flanders' FOOD")."""
    runs: list[tuple[int, int]] = []
    start = None
    for token in doc:
        if start is not None and (token.is_sent_start or not (token.text[:1].isupper() or token.text in JOINERS)):
            runs.append((start, token.i))
            start = None
        if start is None and token.text[:1].isupper():
            start = token.i
    if start is not None:
        runs.append((start, len(doc)))
    trimmed = []
    for start, end in runs:
        while end > start and doc[end - 1].text in JOINERS:
            end -= 1
        if end - start >= 2:
            trimmed.append((start, end))
    return trimmed


def _joined_names(doc: Doc) -> list[Span]:
    """The entities, where a run of capitalised words is one name the NER and the ruler cut in
    pieces: a place joined to words that are no place and no known name ("Wallonie
    Entreprendre", "Smart Hub" + "Liège"), or two unknown names written together ("Flanders" +
    "' FOOD"). The run becomes one unknown name. Its first word is left out when it is a
    function word opening the sentence ("En Wallonie")."""
    ents = list(doc.ents)
    places = {i for e in ents if _is_place(e) for i in range(e.start, e.end)}
    known = {i for e in ents if e.label_ == RULER_LABEL and not _is_place(e) for i in range(e.start, e.end)}
    merged = []
    for start, end in _capitalised_runs(doc):
        if doc[start].is_sent_start and doc.vocab[doc[start].lower_].is_stop:
            start += 1
        inside = set(range(start, end))
        words = {i for i in inside if doc[i].text not in JOINERS}
        pieces = [e for e in ents if e.label_ in UNKNOWN_LABELS and e.start >= start and e.end <= end]
        split = len(pieces) >= 2 and words <= {i for e in pieces for i in range(e.start, e.end)}
        named = {i for i in words - places if not is_not_partner(doc[i].text)}  # not "Bruxelles" + "Constat"
        if not inside & known and ((inside & places and named) or split):
            merged.append(Span(doc, start, end, label="ORG"))
    return _first_come(merged + ents) if merged else ents


def _first_come(spans: list[Span]) -> list[Span]:
    """The spans in the order given, each kept unless it overlaps one kept before it; sorted."""
    kept: list[Span] = []
    taken: set[int] = set()
    for span in spans:
        if not taken & set(range(span.start, span.end)):
            kept.append(span)
            taken |= set(range(span.start, span.end))
    return sorted(kept, key=lambda s: s.start)


def _name_extent(span: Span, places: set[int]) -> Span:
    """Where a capitalised name a cue introduced ends. Before "de" and what follows when that is
    a place of the gazetteer, or when what comes before is a proper name and no
    common noun that heads a name (so "Certech de Seneffe" and "Fibres-Energivie du Grand Est"
    stop, "Institut de Recherche Agronomique" does not). Before "et" when a word no French
    vocabulary holds follows: a second name ("Agence Export et Plasticentre Innovation"), where
    "Centre Scientifique et Technique" goes on."""
    doc = span.doc
    second = next((i for i in range(span.start + 1, span.end - 1)
                   if doc[i].lower_ == "et" and not doc.vocab[doc[i + 1].lower_].has_vector), None)
    if second is not None:
        span = Span(doc, span.start, second, label=span.label_, kb_id=span.kb_id_)
    for i in range(span.start + 1, span.end - 1):
        # English "of" stays in a name ("Laser World of Photonics"); "de la", "de l'" is one linker
        if doc[i].lower_ not in LINKERS - {"of"} or doc[i - 1].lower_ in LINKERS:
            continue
        named = next((j for j in range(i + 1, span.end) if doc[j].lower_ not in LINKERS), span.end)
        headed = any(fold(doc[j].text) in NAME_HEADS for j in range(span.start, i))
        if all(j in places for j in range(named, span.end)) or not headed:
            return Span(doc, span.start, i, label=span.label_, kb_id=span.kb_id_)
    return span


def _enumerated_after(doc: Doc, end: int, kind: str, places: set[int]) -> list[Span]:
    """The names an enumeration goes on with after a listed cue's first name: "les entreprises
    Prayon et D'Ieteren", "dont Lasea, AMOS et ..." (an article ends it: "Fevia et l'AWEX")."""
    names = []
    while (more := NEXT_LISTED.match(doc.text, end)) is not None:
        span = doc.char_span(more.start("name"), more.end("name"), label=CUE_LABEL, kb_id=kind,
                             alignment_mode="expand")
        if span is None or span[0].is_sent_start:
            break
        names.append(_name_extent(span, places))
        end = more.end("name")
    return names


@Language.component(CUE_NAMES, requires=["doc.ents", "token.is_sent_start"], assigns=["doc.ents"])
def cue_names(doc: Doc) -> Doc:
    """Names introduced by a cue ("centre de recherche X", "salon X", "projet « X »") become
    entities labelled CUE, their type in the span's kb_id. The gazetteer's names stay as they
    are; a cue's span replaces the statistical NER's guesses and the places it overlaps (it knows
    the name's extent and its type: "programme Interreg France-Wallonie-Vlaanderen")."""
    # the gazetteer's places, not the NER's: it takes "Pierre Bleue" or "Industrie du Bois" for one
    places = {i for e in doc.ents if _is_place(e) for i in range(e.start, e.end)}
    found: list[Span] = []
    text = doc.text  # spaCy joins every token's text at each call
    for cue in cues():
        for match in cue.name.finditer(text):
            name = doc.char_span(match.start("name"), match.end("name"), alignment_mode="expand")
            if name is None or (cue.form != "quoted" and name[0].is_sent_start):
                continue  # a cue ending one sentence names nothing in the next (quotes tie the name to it)
            if match["name"][:1].islower() and (cue.form == "quoted" or doc.vocab[match["name"].lower()].has_vector):
                continue  # a word in lower case names something only when no French vocabulary holds it
            opens = cue.capital_opens_name and match["cue"][:1].isupper()
            start = match.start("cue") if opens else match.start("name")
            span = doc.char_span(start, match.end("name"), label=CUE_LABEL, kb_id=cue.type, alignment_mode="expand")
            if span is not None:
                found.append(_name_extent(span, places) if cue.capitalised_after else span)
            if cue.form == "listed":
                found += _enumerated_after(doc, match.end("name"), cue.type, places)
    if not found:
        return doc
    known = [e for e in doc.ents if e.label_ == RULER_LABEL and not _is_place(e)]  # a place may be in a name
    others = [e for e in doc.ents if e.label_ != RULER_LABEL or _is_place(e)]
    doc.ents = _first_come(known + sorted(found, key=lambda s: (-(s.end - s.start), s.start)) + others)
    return doc
