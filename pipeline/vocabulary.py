"""The wording of report families (pipeline/data/report_wording.yaml), compiled once.

Parsers ask this module, never their own regexes, what a question caption, a column heading,
a judgment label or a finding label looks like, so a new evaluator's wording is a data change.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import regex
import yaml
from pydantic import BaseModel, ConfigDict
from rapidfuzz.distance import Levenshtein

from pipeline.text import fold

DATA = Path(__file__).resolve().parent / "data" / "report_wording.yaml"
COLUMN_KEYS = ("theme", "criterion", "judgment", "justification")


class TitlePage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cluster: list[str]
    evaluator: list[str]
    name_stops: list[str]


class Wording(BaseModel):
    """The file's content, validated: a typo in a key fails at load, not as a silent miss."""

    model_config = ConfigDict(extra="forbid")
    question_captions: list[str]
    columns: dict[str, list[str]]
    levels: dict[str, int]
    scales: dict[str, dict[str, list[str]] | None]
    finding_labels: list[str]
    finding_paragraph: str
    announced_criteria: str
    title_page: TitlePage


_COMPILED: list = []  # every function below whose result is compiled from the wording file


def _compiled(function):  # a functools.cache that clear_caches() knows about
    cached = cache(function)
    _COMPILED.append(cached)
    return cached


def wording_path() -> Path:
    """The bundled wording, or a user's own file named by EVALGRAPH_REPORT_WORDING (a copy of the
    bundled one with a new evaluator's captions, headings or scale added)."""
    return Path(os.environ.get("EVALGRAPH_REPORT_WORDING") or DATA)


@_compiled
def wording() -> Wording:
    path = wording_path()
    data = Wording.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    if set(data.columns) != set(COLUMN_KEYS):
        raise ValueError(f"{path.name}: columns must be exactly {COLUMN_KEYS}")
    for scale in data.scales.values():
        for name in scale or {}:
            if name not in data.levels:
                raise ValueError(f"{path.name}: judgment {name!r} is not one of the levels {list(data.levels)}")
    return data


def clear_caches() -> None:
    """Forget the compiled wording (after EVALGRAPH_REPORT_WORDING or the file changed)."""
    for compiled in _COMPILED:
        compiled.cache_clear()


# ---------------------------------------------------------------- questions

_SECTION = r"(?:\d+(?:[.,]\d+)*[.,]?\s+)?"  # "3. " before a heading; a comma where OCR misread the dot
_NUMBER_MARK = r"(?:n\s*[°ºo]\.?\s*)?"  # "n°2"
_NUMBER = rf"{_NUMBER_MARK}(\d{{1,2}})"
_SEPARATOR = r"(?:\s*[:.–—-]\s*|\s+)"


@_compiled
def _caption_alternatives() -> str:
    return "|".join(f"(?:{c})" for c in wording().question_captions)


@_compiled
def question_caption() -> re.Pattern[str]:
    """A caption at the start of a (folded) line: its number is group 1. For a table's title row."""
    return re.compile(rf"^(?:{_caption_alternatives()})\s*{_NUMBER}\b")


@_compiled
def question_heading() -> re.Pattern[str]:
    """A whole question heading, section number allowed: group 1 the number, group 2 the text.
    Matched on folded text; the text is then cut from the original at the same offset."""
    return re.compile(rf"^{_SECTION}(?:{_caption_alternatives()})\s*{_NUMBER}{_SEPARATOR}(\S.*)$", re.S)


def match_question(text: str) -> tuple[int, str] | None:
    """'3. Question évaluative n°2 – Dans quelle mesure ... ?' -> (2, 'Dans quelle mesure ... ?')."""
    m = question_heading().match(fold(text))
    if m is None:
        return None
    return int(m.group(1)), text[m.start(2):]


OCR_CAPTION_ERRORS = 1
"""Characters OCR may have misread in a caption's label, number and separator ("QES5." for
"QE5.", "QEL." or "QE1L." for "QE1."), when the number is the one the document expects next:
more would let ordinary headings pass for captions."""
OCR_DIGITS = {"l": "1", "i": "1", "|": "1", "o": "0", "s": "5", "b": "8"}
"""Letters OCR reads for digits ("CS :" for "C5 :"), in folded (lower-case) text."""


@_compiled
def _misread_question_heading(expected: int) -> regex.Pattern[str]:
    """question_heading bearing the `expected` number, with up to OCR_CAPTION_ERRORS edits in
    its label, number and separator."""
    label = rf"(?:(?:{_caption_alternatives()})\s*{_NUMBER_MARK}{expected}[:.–—-]?){{e<={OCR_CAPTION_ERRORS}}}"
    return regex.compile(rf"^{_SECTION}{label}{_SEPARATOR}(\S.*)$", regex.S | regex.BESTMATCH)


def match_misread_question(text: str, expected: int) -> tuple[int, str] | None:
    """A question heading OCR misread, accepted only when it asks a question and bears the
    `expected` number (the one after the last question found):
    'QES5. Dans quelle mesure ... ?' -> (5, 'Dans quelle mesure ... ?'); 'QEL. ...' for QE1."""
    m = _misread_question_heading(expected).match(fold(text))
    if m is None or "?" not in text[m.start(1):]:
        return None
    return expected, text[m.start(1):]


def caption_number(text: str) -> int | None:
    m = question_caption().match(fold(text))
    return int(m.group(1)) if m else None


@_compiled
def announced_criteria() -> re.Pattern[str]:
    return re.compile(wording().announced_criteria, re.IGNORECASE)


# ---------------------------------------------------------------- grid headers

@_compiled
def column_phrases() -> list[tuple[tuple[str, ...], str]]:
    """(folded words of a heading, column key), longest first so 'critère d'évaluation' is one
    heading and not 'critère' followed by a stray word."""
    phrases = {tuple(fold(p).replace("’", "'").split()): key
               for key, names in wording().columns.items() for p in names}
    return sorted(phrases.items(), key=lambda kv: -len(kv[0]))


@_compiled
def column_phrases_by_first_word() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """column_phrases by their first word, each list in column_phrases' order: a line's word is
    compared with the headings it can open, not with all of them (find_header runs on most lines)."""
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, key in column_phrases():
        by_first.setdefault(phrase[0], []).append((phrase, key))
    return by_first


@_compiled
def header_words_at_most() -> int:
    """The most words the headings of one header row can take: each column's longest heading."""
    longest: dict[str, int] = {}
    for phrase, key in column_phrases():
        longest[key] = max(longest.get(key, 0), len(phrase))
    return sum(longest.values())


def header_token(text: str) -> str:
    return fold(text).replace("’", "'").strip(":;.,")


# ---------------------------------------------------------------- judgments

@_compiled
def _judgment_phrases() -> list[tuple[str, str]]:
    pairs = {fold(p): name for scale in wording().scales.values() for name, ps in (scale or {}).items()
             for p in ps}
    return sorted(pairs.items(), key=lambda kv: -len(kv[0]))


@_compiled
def _judgment_set() -> frozenset[str]:
    return frozenset(phrase for phrase, _ in _judgment_phrases())


def _label_key(label: str) -> str:
    """A judgment label as its phrasings are written in the file: folded, spaces single."""
    return " ".join(fold(label).split()).strip(" .:;")


def normalise_judgment(label: str | None) -> tuple[str | None, int | None]:
    """('Partiellement atteint') -> ('Partiel', 1); unknown or empty -> (None, None).

    The label as printed is kept by the caller; an unknown label is reported, never guessed."""
    if not label:
        return None, None
    key = _label_key(label)
    for phrase, name in _judgment_phrases():
        if key == phrase or (key.startswith(phrase) and not key[len(phrase)].isalnum()):
            return name, wording().levels[name]
    return None, None


def clean_judgment(cell: str | None, ocr: bool = False) -> str | None:
    """A judgment cell without the stray marks a scan adds around its label ("Atteint ." read from
    a speck): the label alone when that is a known one, else the cell as it is. Read by OCR, a
    label with a misread letter is restored from the closed scales (restore_judgment)."""
    if not cell:
        return cell
    core = cell.strip(" .,;:'`|_-–")
    if is_judgment_label(core):
        return core
    return (restore_judgment(core) or cell) if ocr else cell


def restore_judgment(text: str) -> str | None:
    """The label OCR misread a letter or two of ("Païtiellement atteint"): the scales are closed,
    so text within one edit per ten letters of exactly one phrasing, and nearer to it than to any
    other, is that phrasing. Only the misread letters change, in the case read ("Partiellement
    atteint"). None when no phrasing is that close or two are. OCR text only: a born-digital label
    is as printed, and an unknown one is reported, never guessed."""
    printed = " ".join(text.split())
    key = _label_key(printed)
    if not key:
        return None
    distances = sorted((Levenshtein.distance(key, k), k) for k in _judgment_set())
    best, phrasing = distances[0]
    if not (0 < best <= max(1, len(key) // 10)) or (len(distances) > 1 and distances[1][0] == best):
        return None
    if len(key) != len(printed):  # folding changed the length: the phrasing, capitalised as read
        return phrasing[:1].upper() + phrasing[1:] if printed[:1].isupper() else phrasing
    chars = list(printed)
    for edit in reversed(list(Levenshtein.editops(key, phrasing))):
        op, i, j = edit.tag, edit.src_pos, edit.dest_pos
        if op == "replace":
            chars[i] = phrasing[j].upper() if chars[i].isupper() else phrasing[j]
        elif op == "delete":
            del chars[i]
        else:
            chars.insert(i, phrasing[j])
    return "".join(chars)


def is_judgment_label(text: str) -> bool:
    """A cell that is only a judgment label of a known scale (used to anchor rows of unruled grids)."""
    return _label_key(text) in _judgment_set()


# ---------------------------------------------------------------- findings

_LABEL_NUMBER = r"(\d+)"  # how the wording file writes a finding label's number


def _finding_labels(number: str = _LABEL_NUMBER) -> re.Pattern[str]:
    """Any of the wording's finding labels, its number written as `number` (one group)."""
    labels = (label.replace(_LABEL_NUMBER, number) for label in wording().finding_labels)
    alternatives = "|".join(f"(?:{label})" for label in labels)
    # each alternative has one group; the number is whichever matched
    return re.compile(rf"(?:^|(?<=\s))(?:{alternatives})\s*", re.IGNORECASE)


@_compiled
def finding_label() -> re.Pattern[str]:
    return _finding_labels()


@_compiled
def finding_paragraph() -> re.Pattern[str]:
    return re.compile(rf"(?:^|(?<=\s)){wording().finding_paragraph}")


@_compiled
def _misread_finding_label() -> re.Pattern[str]:
    """finding_label with letters OCR reads for digits in its number ("CS :" for "C5 :")."""
    return _finding_labels("([\\d" + re.escape("".join(OCR_DIGITS)) + "]{1,3})")


def _misread_marks(text: str, marks: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """marks, with the labels OCR misread that carry the number after the finding before them
    ("C4 : ... CS : ..."): the sequence, not the letters, makes them labels."""
    for m in _misread_finding_label().finditer(text):
        digits = next(g for g in m.groups() if g)
        if digits.isdigit() or any(start <= m.start() < end for _, start, end in marks):
            continue
        before = [number for number, start, _ in marks if start < m.start()]
        number = int("".join(OCR_DIGITS.get(c, c) for c in digits.lower()))
        if before and number == before[-1] + 1:
            marks = sorted([*marks, (number, m.start(), m.end())], key=lambda mark: mark[1])
    return marks


def finding_marks(text: str, ocr: bool = False) -> list[tuple[int, int, int]]:
    """(number, start of the label, start of the finding's text) of every finding label.

    Labelled findings ("Constat 12 :", "C12 :") count wherever they are. A bare numbered
    paragraph ("12. ...") counts at the start of the cell, or when it carries the next number
    after the previous finding: elsewhere a number and a dot end a sentence ("... en 2007. ").
    In text read by OCR, a label whose number has a letter read for a digit counts when it
    carries the next number."""
    marks = [(int(next(g for g in m.groups() if g)), m.start(), m.end()) for m in finding_label().finditer(text)]
    if marks:
        return _misread_marks(text, marks) if ocr else marks
    for m in finding_paragraph().finditer(text):
        number = int(m.group(1))
        if (not marks and not text[: m.start()].strip()) or (marks and number == marks[-1][0] + 1):
            marks.append((number, m.start(), m.end()))
    return marks


def is_finding_label(name: str) -> bool:
    """A name that is only a finding's label ("C14", "Constat 3"): not an organisation."""
    return finding_label().fullmatch(f"{name.strip()} : ") is not None


def opens_with_finding(text: str) -> bool:
    """A justification cell's text starts with a finding label (else it continues a cell above)."""
    marks = finding_marks(text)
    return bool(marks) and not text[: marks[0][1]].strip()


# ---------------------------------------------------------------- title page

@_compiled
def cluster_phrases() -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in wording().title_page.cluster]


@_compiled
def evaluator_phrases() -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in wording().title_page.evaluator]


def cut_name(name: str) -> str:
    """A name captured from a phrase, without what follows it in the sentence."""
    cut = len(name)
    for stop in wording().title_page.name_stops:
        k = name.find(stop)
        if k > 0:
            cut = min(cut, k)
    return " ".join(name[:cut].split()).strip(" .:»«\"")
