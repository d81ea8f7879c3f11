"""Narrative cluster evaluations, policy evaluations and presentations: sections, figures with
unit and date, the policy report's questions, conclusions and recommendations, and the lists
of clusters and pôles with their domains."""

from __future__ import annotations

from pipeline.blocks import TextUnit
from pipeline.figures import read_figures
from tests.conftest import POLICY_2011, SLIDES_2014, TWIST_2010, extracted


def test_2010_sections_are_the_numbered_chapters() -> None:
    sections = extracted(TWIST_2010).sections
    assert [(s.number, s.title) for s in sections] == [
        ("1", "CONTEXTE ET METHODOLOGIE"), ("2", "HISTORIQUE ET OBJECTIFS DU CLUSTER"),
        ("3", "REPRESENTATIVITE DU CLUSTER"), ("4", "STRATEGIE"), ("5", "REALISATIONS ET RESULTATS"),
        ("6", "DYNAMIQUE INTERNE"), ("7", "PARTENARIATS"), ("8", "FINANCEMENT ET PERSPECTIVES DE DEVELOPPEMENT")]
    partners = next(s for s in sections if s.number == "7")
    assert "Wallimage" in partners.text and partners.page == 6
    strategy = next(s for s in sections if s.number == "4")
    assert "« serious game »" in strategy.text and "« digital signage »" in strategy.text


def test_2010_figures_with_unit_and_date() -> None:
    figures = {(f.name, f.value, f.unit, f.date) for f in extracted(TWIST_2010).figures}
    assert {("members", 57, "members", "2010-03-01"), ("member_companies", 36, "companies", "2010-03-01"),
            ("member_companies_wallonia", 30, "companies", "2010-03-01"),
            ("founding_members", 31, "members", "2007-06-11"), ("survey_responses", 29, "responses", None),
            ("survey_response_rate", 51, "%", None), ("employment", 498, "persons", None),
            ("board_size", 19, "administrators", None)} <= figures


def test_figures_are_read_wherever_they_are_stated() -> None:
    figures = read_figures([
        TextUnit("Au 31/12/2018, le cluster Plastiwin comptait 1 204 membres. Le CA est composé de 12 "
                 "administrateurs.", 2),
        TextUnit("Le budget annuel du cluster est de 2,5 millions €. PIB par habitant : 30 500 €.", 3)])
    got = {(f.name, f.value, f.date, f.page) for f in figures}
    assert got == {("members", 1204, "2018-12-31", 2), ("board_size", 12, None, 2),  # the date is in another sentence
                   ("budget", 2_500_000, None, 3)}


def test_policy_evaluation_questions_conclusions_and_recommendations() -> None:
    result = extracted(POLICY_2011)
    assert len(result.questions) == 8
    assert result.questions[0].text.startswith("Les modalités et les critères de sélection des clusters")
    assert result.questions[7].text.endswith("clusters « verts » ?")
    assert all(q.synthesis for q in result.questions)
    kinds = [(s.kind, s.number) for s in result.sections]
    assert [n for k, n in kinds if k == "conclusion" and "." in n] == ["1.1", "1.2", "1.3"]
    recommendations = [s for s in result.sections if s.kind == "recommendation" and "." in s.number]
    assert recommendations[0].title == "Réaffirmer les objectifs de la politique de clustering"
    assert len(recommendations) == 5
    figures = {(f.name, f.value) for f in result.figures}
    assert {("clusters_supported", 18), ("clusters_supported", 10), ("budget", 1_400_743), ("members", 1330)} <= figures


def test_presentation_lists_clusters_and_poles_with_domains() -> None:
    listed = extracted(SLIDES_2014).listed
    clusters = {x.canonical: x.domain for x in listed if x.type == "cluster"}
    poles = {x.canonical: x.domain for x in listed if x.type == "pole"}
    assert len(clusters) == 10 and len(poles) == 6
    assert clusters["Infopôle"] == "Technologies de l'Information et de la Communication (TIC)"
    assert clusters["TWIST"] == "Technologies de l'image, du son et du texte"
    assert poles["Biowin"] == "Les sciences du vivant"
    assert "Logistics in Wallonia" in clusters and "Logistics in Wallonia" in poles
