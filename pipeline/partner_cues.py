"""The words that introduce an organisation's name and say what it is (pipeline/data/partner_cues.yaml),
compiled once. Two readers: the spaCy component that marks the names the cues introduce
(spacy_components.cue_names), and the typing of a name the statistical NER proposed, from a cue
before it ("les salons Anuga et Interpack") or in apposition after it ("Buildwise, le centre
scientifique et technique de la construction"). One file, so the two never disagree."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple

import yaml
from pydantic import BaseModel, ConfigDict

from models.kinds import OrganisationType
from pipeline.gazetteer import find_all
from pipeline.text import fold

CUES_PATH = Path(__file__).resolve().parent / "data" / "partner_cues.yaml"
CAPITAL = r"[A-ZÉÈÊÀÂÎÔÛÇ]"
WORD = CAPITAL + r"(?:[\w’'&+-]|\.(?=\w))*|\d+[\w-]*"  # a dot only inside a word ("S.A"), never the sentence's
CAPITALISED = rf"(?:{WORD})(?:\s+(?:(?:de|du|des|d'|d’|la|le|et|&|\+|of|for|and)\s*)?(?:{WORD})){{0,5}}"
LISTED = CAPITALISED.replace("|et|&|", "|")  # the first name of an enumeration: "et" starts the next one
# a name printed in lower case ("essenscia", "imec", "hub.brussels"): after a cue only, and kept only
# when no French vocabulary holds the word (spacy_components.cue_names decides)
COINED = r"[a-zà-ÿ][\w-]*(?:\.[\w-]+)*"
LOWER_WORD = r"(?!(?:et|ou|avec|dont|sur|pour|dans)\b)[a-zà-ÿ](?:[a-zà-ÿ0-9-]|['’](?=[a-zà-ÿ]))*"
# "la fédération des énergies renouvelables EDORA": a complement in lower case between cue and name
COMPLEMENT = rf"(?:des|du|de|d'|d’)\s*(?:la\s+|l'|l’)?{LOWER_WORD}(?:\s+{LOWER_WORD}){{0,2}}"
NAME_FORMS = {"capitalised": rf"(?P<name>{CAPITALISED}|{COINED})",
              "listed": rf"(?P<name>{LISTED}|{COINED})",
              "quoted": r"[«\"“]\s*(?P<name>[^»\"”]{2,60}?)\s*[»\"”]",
              "whole": ""}
# the rest of a name a capitalised cue opens, from a linker: "Centre Technique" + "de l'Industrie du Bois"
LINKED = rf"(?:de|du|des|d'|d’)\s*(?:la\s+|l'|l’)?{CAPITALISED}"
# a whole name may join its words with "en" too ("Haute École Louvain en Hainaut"): after a cue that
# heads the name, "en" is part of it, where after a bare name it would start a place ("X en Flandre")
WHOLE_NAME = CAPITALISED.replace("|and)", "|and|en)")
ARTICLE = r"(?:le|la|les|l'|l’|un|une|du|des|au|aux)"
# what may stand between an enumeration's cue and one of its later names: "salons JEC World, K et "
ENUMERATED = rf"(?:(?:{CAPITALISED})\s*(?:,|\bet\b|\bou\b)\s*)*"  # an article breaks it: "Fevia et l'AWEX"
ENUMERATED_AFTER_ONE = ENUMERATED[:-1] + "+"  # at least one name before: "les entreprises Prayon et "
# the names of a coordination a phrase opens, before its last one: "avec WBI et l'" + "AWEX",
# "avec le soutien de l'AWEX, de WBI et de la " + "SRIW" (an article does not break it here)
COORDINATED = rf"(?:(?:{CAPITALISED})\s*(?:,|\bet\b)\s*(?:(?:de|d'|d’)\s*)?(?:{ARTICLE}\s*)?)*"
# the next name of an enumeration a `listed` cue opened: "dont Lasea" + " et AMOS"
NEXT_LISTED = re.compile(rf"\s*(?:,|\bet\b)\s*(?P<name>{LISTED})\b")
NameForm = Literal["capitalised", "listed", "quoted", "whole"]


class _FileEntry(BaseModel):
    """A part of the file: an unknown key is a misspelling, refused at load."""

    model_config = ConfigDict(extra="forbid")


class CueEntry(_FileEntry):
    """One cue of the file, as written (the file's header comment says what each field means)."""

    cue: str
    type: OrganisationType
    name: NameForm
    capital_opens_name: bool = False
    enumeration: bool = False


class ContextEntry(_FileEntry):
    phrase: str
    type: OrganisationType
    sentence: str | None = None  # found before the phrase too, or the phrase says nothing


class OriginAdjectives(_FileEntry):
    here: list[str]
    abroad: list[str]


class PlaceName(_FileEntry):
    prefix: str
    type: OrganisationType
    place: Literal["whole", "within"]


class LegalForms(_FileEntry):
    company: list[str]
    non_profit: list[str]


class CueFile(_FileEntry):
    """The file's content, validated at load: a misspelt type or key fails there, naming it."""

    cues: list[CueEntry]
    origin_adjectives: OriginAdjectives
    name_words: dict[OrganisationType, list[str]]
    place_names: list[PlaceName]
    legal_forms: LegalForms
    context: list[ContextEntry]


class Cue(NamedTuple):
    name: re.Pattern[str]  # finds the name the cue introduces: group "name"
    type: OrganisationType
    form: NameForm
    capital_opens_name: bool  # "la Confédération Construction": the cue, capitalised, starts the name
    ends: re.Pattern[str] | None  # the cue closing the text before a name (None: the cue is part of the name)
    opens: re.Pattern[str] | None  # the cue opening a text (an apposition)

    @property
    def capitalised_after(self) -> bool:
        """The name is the run of capitalised words right after the cue, so where it ends is for
        the reader to decide ("Certech de Seneffe"); a quoted or whole name brings its own end."""
        return self.ends is not None and self.form != "quoted"


@cache
def _data() -> CueFile:
    return CueFile.model_validate(yaml.safe_load(CUES_PATH.read_text(encoding="utf-8")))


def _between() -> str:
    """What may stand between a cue and its name: one adjective of origin or scope ("le pôle
    français"), or a complement in lower case ("la fédération des énergies renouvelables")."""
    adjectives = _data().origin_adjectives
    return rf"(?:\s+{_one_of(adjectives.here + adjectives.abroad)}\b|\s+{COMPLEMENT})?"


def _one_of(words: list[str]) -> str:
    return rf"(?i:{'|'.join(map(re.escape, words))})"


def _expanded(cue: str) -> str:
    """The cue with `{abroad}` replaced by the adjectives of a place outside Wallonia."""
    return cue.replace("{abroad}", _one_of(_data().origin_adjectives.abroad))


@cache
def cues() -> tuple[Cue, ...]:
    """The cues, compiled: the cue's words in any case, the name's capitals as printed."""
    compiled = []
    for entry in _data().cues:
        cue, form, kind = _expanded(entry.cue), entry.name, entry.type
        if form == "whole":
            compiled.append(Cue(re.compile(rf"(?P<name>(?i:{cue})\s*{WHOLE_NAME})"), kind, form, False, None, None))
        elif "{name}" in cue:
            before, after = cue.split("{name}")
            compiled.append(Cue(re.compile(rf"\b(?i:{before}){NAME_FORMS[form]}(?={after})"), kind, form, False,
                                None, None))
        elif entry.enumeration:  # a name, then "," or "et" and another capitalised name
            lead = rf"\b(?i:{cue})"
            follows = rf"(?=\s*(?:,|\bet\b)\s*{CAPITAL})"
            compiled.append(Cue(re.compile(rf"(?P<cue>{lead})\s+(?P<name>{LISTED}){follows}"), kind, form,
                                entry.capital_opens_name, re.compile(rf"{lead}\s*{ENUMERATED_AFTER_ONE}$"), None))
        else:
            lead = rf"\b(?i:{cue}){_between()}"
            ends = re.compile(rf"{lead}\s*[«\"“]?\s*{ENUMERATED}$")
            compiled.append(Cue(re.compile(rf"(?P<cue>{lead})\s+{NAME_FORMS[form]}"), kind, form,
                                entry.capital_opens_name, ends, re.compile(lead)))
            if entry.capital_opens_name:  # "Centre Technique de l'Industrie du Bois": a capitalised cue, "de", a name
                compiled.append(Cue(re.compile(rf"(?P<cue>\b(?={CAPITAL})(?i:{cue}))\s+(?P<name>{LINKED})"), kind, form,
                                    True, ends, None))
    return tuple(compiled)


def type_before(text: str) -> OrganisationType | None:
    """The type a cue at the end of `text` gives the name that follows it, also across the names
    an enumeration puts first ("les pôles Vitagora, Valorial et " gives the next one its type)."""
    tail = text[-120:]
    return next((cue.type for cue in cues() if cue.ends is not None and cue.ends.search(tail)), None)


def type_in_apposition(text: str) -> OrganisationType | None:
    """The type an apposition right after a name gives it: ", le centre scientifique ..." ,
    ", centre de recherche liégeois"."""
    match = re.match(rf"\s*,\s*(?:{ARTICLE}\s*)?", text)  # "CEBEDEAU, centre de recherche liégeois"
    if match is None:
        return None
    rest = text[match.end():match.end() + 80]
    if next_name(rest) is not None:
        return None  # ", le pôle Greenwin": the next name of an enumeration, not what this one is
    return next((cue.type for cue in cues() if cue.opens is not None and cue.opens.match(rest)), None)


def next_name(text: str) -> str | None:
    """The name a cue opening `text` introduces ("pôle Greenwin et ..."), or None."""
    for cue in cues():
        if cue.opens is not None and cue.form != "quoted" and (match := cue.name.match(text)) is not None \
                and match["name"][:1].isupper():
            return match["name"]
    return None


@cache
def legal_forms() -> frozenset[str]:
    """Every legal form, lower case: printed after a name, it is the name's last word."""
    forms = _data().legal_forms
    return frozenset(forms.company + forms.non_profit)


@cache
def _name_words() -> tuple[tuple[OrganisationType, frozenset[str]], ...]:
    words = {kind: set(listed) for kind, listed in _data().name_words.items()}
    words["company"] = words.get("company", set()) | set(_data().legal_forms.company)
    return tuple((kind, frozenset(listed)) for kind, listed in words.items())


def type_in_name(name: str) -> OrganisationType | None:
    """The type a word of the name itself says ("Hannover Messe": event); a legal form counts
    only as the name's last word ("Ziegler Belgium", not "Belgium Trade Fair")."""
    words = re.findall(r"\w+(?:\.\w+)*\.?", fold(name))
    for kind, vocabulary in _name_words():
        if kind == "company" and words and words[-1] in vocabulary:
            return kind
        if kind != "company" and vocabulary & set(words):
            return kind
    return None


@cache
def _place_names() -> tuple[tuple[re.Pattern[str], PlaceName], ...]:
    return tuple((re.compile(rf"(?:{entry.prefix})(?P<rest>\S.*)"), entry) for entry in _data().place_names)


def type_in_place_name(name: str) -> OrganisationType | None:
    """The type a name made of a prefix and a place says: "UNamur", "Interreg Grande Région"."""
    for pattern, entry in _place_names():
        if (match := pattern.fullmatch(name)) is not None:
            places = find_all(match["rest"], "place")
            if places and (entry.place == "within" or (places[0][0], places[0][1]) == (0, len(match["rest"]))):
                return entry.type
    return None


def type_in_coordination(before: str, after: str) -> OrganisationType | None:
    """A name coordinated by "et" with a name whose own words say its type shares it: "l'Université
    de Mons et l'UCLouvain". Not a cue's type: "la fédération Fevia et l'AWEX" are of two kinds."""
    joined = rf"\s*\bet\b\s*(?:{ARTICLE}\s*)?"
    sibling = re.search(rf"({CAPITALISED}){joined}$", before[-120:])
    follows = re.match(rf"{joined}({CAPITALISED})", after)
    return next((kind for name in (sibling, follows) if name is not None
                 and (kind := type_in_name(name[1])) is not None), None)


@cache
def _context() -> tuple[tuple[re.Pattern[str], re.Pattern[str] | None, OrganisationType], ...]:
    return tuple((re.compile(rf"\b(?i:{c.phrase})\s*{COORDINATED}$"),
                  None if c.sentence is None else re.compile(c.sentence, re.I), c.type) for c in _data().context)


def type_from_context(before: str) -> OrganisationType | None:
    """The type a phrase just before the name, or before the coordination it ends, suggests
    ("auprès de", "avec le soutien de WBI et de"), where what the sentence says before it gives
    the phrase its role ("une mission au salon Bauma organisée avec"): the last guess."""
    return next((kind for phrase, role, kind in _context()
                 if phrase.search(before[-120:]) and (role is None or role.search(before))), None)
