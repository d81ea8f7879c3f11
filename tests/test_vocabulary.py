"""The wording of report families is data (pipeline/data/report_wording.yaml): captions, column
headings, judgment scales, finding labels and title-page phrasings of several evaluators are
read, and a family the file does not describe is reported, not guessed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline import vocabulary
from pipeline.extract import extract_document
from pipeline.grid_columns import find_header
from pipeline.grid_parser import split_constats
from pipeline.grid_settings import DEFAULT_SETTINGS
from pipeline.pages import Line, Word
from pipeline.versioning import extraction_version

LO = Path(__file__).parent / "data" / "libreoffice"


@pytest.mark.parametrize(("heading", "number", "text"), [
    ("2. Question d'évaluation 1 : Dans quelle mesure ?", 1, "Dans quelle mesure ?"),
    ("Question évaluative n°3 – Dans quelle mesure ?", 3, "Dans quelle mesure ?"),
    ("QE4. Les réalisations", 4, "Les réalisations"),
    ("QE 2 : La gouvernance", 2, "La gouvernance"),
    ("3.1 Question 5 : Le financement", 5, "Le financement"),
    ("QUESTION D’ÉVALUATION N° 2 - Texte", 2, "Texte"),
])
def test_question_captions_of_several_families(heading, number, text):
    assert vocabulary.match_question(heading) == (number, text)


@pytest.mark.parametrize("text", ["Questionnaire envoyé aux membres", "Les questions ouvertes", "QE"])
def test_text_that_is_not_a_question_caption(text):
    assert vocabulary.match_question(text) is None


def _line(*texts: str) -> Line:
    words, x = [], 50.0
    for t in texts:
        words.append(Word(t, x, x + 6 * len(t), 100, 110, 9, True))
        x += 6 * len(t) + (40 if t[0].isupper() else 4)
    return Line(words, 1)


@pytest.mark.parametrize(("words", "columns"), [
    (("Thème", "Critère", "Jugement", "Justification"), ["theme", "criterion", "judgment", "justification"]),
    (("Axe", "Critère", "d'évaluation", "Appréciation", "Éléments", "de", "constat"),
     ["theme", "criterion", "judgment", "justification"]),
    (("Dimension", "Critère", "Cotation", "Constats"), ["theme", "criterion", "judgment", "justification"]),
    (("Critères", "Niveau", "Commentaires"), ["criterion", "judgment", "justification"]),
])
def test_column_headings_and_their_synonyms(words, columns):
    header = find_header(_line(*words), DEFAULT_SETTINGS)
    assert header is not None and list(header) == columns


def test_a_line_of_prose_with_heading_words_is_not_a_header():
    assert find_header(_line("Le", "critère", "et", "le", "jugement", "de", "la", "justification", "du", "comité",
                             "sont", "repris"), DEFAULT_SETTINGS) is None


@pytest.mark.parametrize(("cell", "found"), [
    ("Constat n°12 : a b Constat n°13 : c", [(12, "a b"), (13, "c")]),
    ("C12 : a C13 : b", [(12, "a"), (13, "b")]),
    ("4. Le cluster a progressé en 2007. Les membres 5. Une part des membres",
     [(4, "Le cluster a progressé en 2007. Les membres"), (5, "Une part des membres")]),
])
def test_finding_labels(cell, found):
    assert split_constats(cell)[0] == found


def test_a_year_ending_a_sentence_is_not_a_finding():
    assert split_constats("Le décret date de 2007. Les clusters sont reconnus.")[0] == []


def test_finding_labels_are_not_organisations():
    assert vocabulary.is_finding_label("C14") and vocabulary.is_finding_label("Constat 3")
    assert not vocabulary.is_finding_label("CAP 2020") and not vocabulary.is_finding_label("Creative Wallonia")


def test_a_family_is_data_and_an_unknown_one_is_reported(tmp_path, monkeypatch):
    """The same PDF: with its judgment heading removed from the wording file, its grids are not
    read, and every page that holds them gets a grid_not_read warning naming file and page; with
    the bundled file they are read. The extraction version follows the file's content."""
    pdf = LO / "lo_qe_ruled_portrait_117.pdf"
    data = yaml.safe_load(vocabulary.DATA.read_text(encoding="utf-8"))
    data["columns"]["judgment"].remove("cotation")
    custom = tmp_path / "wording.yaml"
    custom.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    bundled_version = extraction_version()
    monkeypatch.setenv("EVALGRAPH_REPORT_WORDING", str(custom))
    vocabulary.clear_caches()
    try:
        unknown = extract_document(pdf)
        assert unknown.pipeline_version != bundled_version
    finally:
        monkeypatch.delenv("EVALGRAPH_REPORT_WORDING")
        vocabulary.clear_caches()
    assert unknown.criteria == []
    not_read = [w for w in unknown.warnings if w.code == "grid_not_read"]
    assert not_read and all(w.message.startswith(f"{pdf.name}, page {w.page}: ") for w in not_read)
    known = extract_document(pdf)
    assert known.criteria and not [w for w in known.warnings if w.code == "grid_not_read"]
    assert known.pipeline_version == bundled_version


def test_every_warning_names_the_file():
    pdf = Path(__file__).parents[1] / "corpus" / "twist_2010_comase_synthese.pdf"
    result = extract_document(pdf)
    assert all(w.message.startswith(pdf.name) for w in result.warnings)
