"""evalgraph's own spaCy pipeline components, registered with spaCy when this module is imported
(the spaCy way: `@Language.component`, each declaring what it needs and what it assigns), so that
`nlp.add_pipe(NAME)` and a serialised pipeline find them by name."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.gazetteer import by_canonical
from pipeline.partners import RULER_LABEL, UNKNOWN_LABELS

COMPLETE_NAMES = "evalgraph_complete_names"
LINKERS = {"de", "du", "des", "d'", "d’", "of", "la", "l'", "l’"}
LEGAL_FORMS = {"sa", "s.a.", "srl", "sprl", "nv", "bv", "asbl", "scrl", "sc", "gmbh", "ltd", "sas", "sarl", "inc", "ag"}


def _is_place(ent: Span) -> bool:
    return ent.label_ == RULER_LABEL and by_canonical()[ent.ent_id_].type == "place"


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
