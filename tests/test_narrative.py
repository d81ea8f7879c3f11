"""Narrative cluster evaluations, policy evaluations and presentations: sections, figures with
unit and date, the policy report's questions, conclusions and recommendations, and the lists
of clusters and pôles with their domains."""

from __future__ import annotations

from pipeline.blocks import Block, TextUnit
from pipeline.figures import read_figures
from pipeline.strategic_axes import read_strategic_axes
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
    figures = {(f.name, f.value, f.unit, f.date, f.date_source) for f in extracted(TWIST_2010).figures}
    # dated by their sentence ("Au 1/03/2010", "le 11/06/2007"), else by the report (May 2010)
    assert {("members", 57, "members", "2010-03-01", "sentence"),
            ("member_companies", 36, "companies", "2010-03-01", "sentence"),
            ("member_companies_wallonia", 30, "companies", "2010-03-01", "sentence"),
            ("founding_members", 31, "members", "2007-06-11", "sentence"),
            ("survey_responses", 29, "responses", "2010-05", "document"),
            ("survey_response_rate", 51, "%", "2010-05", "document"),
            ("employment", 498, "persons", "2010-05", "document"),
            ("board_size", 19, "administrators", "2010-05", "document")} <= figures


def test_2010_strategic_axes_are_records_in_order() -> None:
    axes = extracted(TWIST_2010).axes
    assert [(a.number, a.text, a.page) for a in axes] == [
        (1, "La 3D stéréoscopique", 4), (2, "Le contenu internet / mobile", 4), (3, "L'archivage numérique", 4),
        (4, "Le serious game", 4), (5, "Le motion capture", 4), (6, "Le digital signage", 4)]
    # the six axes of the 2007 decree, announced just as a list, are not the cluster's strategy
    assert all("entreprendre" not in a.text for a in axes)


def test_strategic_axes_of_an_unseen_layout() -> None:
    blocks = [Block("para", "Le plan stratégique retient trois priorités stratégiques :", 2, 0),
              Block("para", "1. Internationaliser les membres ;", 2, 10),
              Block("para", "2) Développer la formation continue ;", 3, 20),
              Block("para", "3. Renforcer les liens avec les pôles.", 3, 30),
              Block("para", "Le cluster compte 40 membres.", 3, 40),
              Block("para", "1. Ce numéro n'est pas un axe.", 3, 50)]
    assert [(a.number, a.text, a.page) for a in read_strategic_axes(blocks)] == [
        (1, "Internationaliser les membres", 2), (2, "Développer la formation continue", 3),
        (3, "Renforcer les liens avec les pôles", 3)]


def test_figures_are_read_wherever_they_are_stated() -> None:
    figures = read_figures([
        TextUnit("Au 31/12/2018, le cluster Plastiwin comptait 1 204 membres. Le CA est composé de 12 "
                 "administrateurs.", 2),
        TextUnit("Le budget annuel du cluster est de 2,5 millions €. PIB par habitant : 30 500 €.", 3)])
    got = {(f.name, f.value, f.date, f.date_source, f.page) for f in figures}
    assert got == {("members", 1204, "2018-12-31", "sentence", 2),
                   ("board_size", 12, "2018-12-31", "paragraph", 2),  # dated earlier in its paragraph
                   ("budget", 2_500_000, None, None, 3)}


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
