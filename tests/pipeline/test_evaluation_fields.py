"""The fields of evaluations (who, which training, when, by whom) in the forms people print:
labels sharing a line, titles printed unlabelled under the form's heading, an online form's
export, a cold evaluation's own date, and handwriting OCR could not read.

Documents are drawn with reportlab (invented people and trainings) and read through the
text stage, as the pipeline reads a born-digital PDF; OCR-like texts stand for scans.
"""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from pipeline import marks
from pipeline import text as text_stage
from pipeline.extract import extract, share_session
from pipeline.ocr import OcrSettings, Word
from pipeline.reading import respondent
from pipeline.reading.page import PageView
from pipeline.record import DocType


def _pdf_text(lines: list[str]) -> str:
    """A one-page PDF with these lines, read back through the text stage."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4)
    y = A4[1] - 60
    for line in lines:
        c.setFont("Helvetica", 10)
        c.drawString(50, y, line)
        y -= 18
    c.save()
    pages = text_stage.read_pages(buffer.getvalue(), None, OcrSettings())
    return "\n".join(p.text for p in pages)


def _hot(lines: list[str]) -> dict[str, object]:
    return extract(DocType.EVALUATION_CHAUD, _pdf_text(lines), default_year=2026)


def test_trainer_and_date_on_one_line_are_read_apart() -> None:
    got = _hot([
        "QUESTIONNAIRE D'ÉVALUATION À CHAUD",
        "Formation : Excel : les tableaux croisés",
        "Formatrice : Noémie Castagné Date : 17/03/2026",
        "Nom, prénom (facultatif) : Bastien Lhermet",
        "Les objectifs ont été atteints",
    ])  # fmt: skip
    assert got["training_title"] == "Excel : les tableaux croisés"
    assert got["trainer"] == "Noémie Castagné"
    assert got["trainee"] == "Bastien Lhermet"
    assert (got["start_date"], got["end_date"]) == ("2026-03-17", "2026-03-17")


def test_unlabelled_title_under_the_heading_is_told_from_the_brand() -> None:
    got = _hot([
        "Votre avis compte !",
        "Conduire une réunion efficace - Atelier Garance",
        "Prénom / Nom : Yanis Ferrando Session du : 09/02/2026",
        "Très satisfait Satisfait Peu satisfait Pas du tout satisfait",
    ])  # fmt: skip
    assert got["training_title"] == "Conduire une réunion efficace"
    assert got["trainee"] == "Yanis Ferrando"
    # "Session du": the first day; the last is not stated.
    assert got["start_date"] == "2026-02-09"
    assert "end_date" not in got


def test_letterhead_above_the_heading_is_no_title() -> None:
    got = _hot([
        "Noémie Castagné - Conseil et formation en gestion",
        "QUESTIONNAIRE DE SATISFACTION",
        "Merci de remplir ce questionnaire",
        "Les objectifs ont été atteints",
    ])  # fmt: skip
    assert "training_title" not in got


def test_title_in_two_phrases_before_the_brand_is_read_whole() -> None:
    got = _hot([
        "Évaluation à chaud",
        "Accueil du public - gestion des conflits au guichet - Atelier Garance",
    ])  # fmt: skip
    # The first line's two phrases run together: one title; the brand is dropped.
    assert got["training_title"] == "Accueil du public - gestion des conflits au guichet"


def test_online_export_gives_title_trainer_and_the_day_answered_as_end() -> None:
    got = _hot([
        "Formulaire : Évaluation de fin de formation - Paie et DSN 2/5",
        "Évaluation de fin de formation",
        "Paie et DSN - animée par Régis Authier - 05/11/2026",
        "Réponse n° 2 - horodatage 05/11/2026 17:40:00",
        "Nom et prénom",
        "Mélissa Tournier",
        "Clarté des objectifs annoncés",
        "1 2 3 4 5",
    ])  # fmt: skip
    assert got["training_title"] == "Paie et DSN"
    assert got["trainer"] == "Régis Authier"
    assert got["trainee"] == "Mélissa Tournier"
    # A form answered on the last day says when the session ended, not when it began.
    assert got["end_date"] == "2026-11-05"
    assert "start_date" not in got


def test_period_in_brackets_after_the_title() -> None:
    text = (
        "Évaluation à froid de la formation\n"
        "Formation : Espagnol : accueillir un client (12/01/2026 - 30/01/2026)\n"
        "Formatrice : Inès Barthès\n"
        "Nom : Hugo Salvan        Date : 20/04/2026\n"
    )
    got = extract(DocType.EVALUATION_FROID, text, default_year=2026)
    assert got["training_title"] == "Espagnol : accueillir un client"
    assert (got["start_date"], got["end_date"]) == ("2026-01-12", "2026-01-30")


def test_cold_evaluation_date_of_filling_is_not_the_session() -> None:
    text = (
        "ÉVALUATION À FROID\n"
        "Formation suivie : Gérer son budget\n"
        "Vos nom et prénom : Hugo Salvan Date : 20/04/2026\n"
    )
    got = extract(DocType.EVALUATION_FROID, text, default_year=2026)
    assert "start_date" not in got and "end_date" not in got


def test_handwriting_read_as_scraps_gives_no_trainee_and_no_date() -> None:
    text = (
        "QUESTIONNAIRE D'ÉVALUATION À CHAUD\n"
        "Formation : Gérer son budget\n"
        "Formateur : Régis Authier Date : (4/01/1075\n"
        "Nom, prénom (facultatif) :  _ÆAx415 Gare\n"
        "Prénom / Nom : NOIR Vallun © Session du : /7/4/2026\n"
    )
    got = extract(DocType.EVALUATION_CHAUD, text, default_year=2026)
    assert got["trainer"] == "Régis Authier"
    assert "trainee" not in got
    assert "start_date" not in got and "end_date" not in got


def test_date_with_a_year_far_from_today_is_taken_for_an_ocr_slip() -> None:
    text = "Évaluation à chaud\nFormation : Gérer son budget\nSession du : 14/05/10\n"
    assert "start_date" not in extract(DocType.EVALUATION_CHAUD, text, default_year=2026)


def test_name_written_surname_comma_first_name() -> None:
    text = "Votre avis\nFormation : Gérer son budget\nPrénom / Nom : Salvan, Hugo\n"
    assert extract(DocType.EVALUATION_CHAUD, text, default_year=2026)["trainee"] == "Salvan Hugo"


def test_heading_of_two_proper_names_gives_no_title() -> None:
    # "Excel Avancé" or "Atelier Garance": which one is the brand is not for us to guess.
    got = _hot(["Évaluation à chaud", "Excel Avancé - Atelier Garance", "Les objectifs"])
    assert "training_title" not in got


# ----------------------------------------------------------------- names OCR was unsure of


def _scanned_page(words: list[tuple[str, float]], text: str) -> PageView:
    """A scanned page whose OCR read ``words`` (text, confidence) left to right."""
    boxes = [Word(w, c, (40 + 90 * i, 100, 120 + 90 * i, 130)) for i, (w, c) in enumerate(words)]
    return PageView(1, np.full((800, 600), 255, np.uint8), 200, tuple(boxes), "ocr", text=text)


FORM = "Évaluation à chaud\nFormation : Gérer son budget\nNom : {name}\n"


def test_handwritten_name_misread_with_low_confidence_is_withdrawn() -> None:
    page = _scanned_page(
        [("Formation", 0.93), ("Nom", 0.95), ("Tvorel", 0.06), ("Bauchat", 0.54)],
        FORM.format(name="Tvorel Bauchat"),
    )
    assert marks.respondent_fields([page]) == {"trainee": None}


def test_name_read_surely_on_a_scan_is_kept() -> None:
    page = _scanned_page(
        [("Formation", 0.93), ("Nom", 0.95), ("Hugo", 0.91), ("Salvan", 0.88)],
        FORM.format(name="Hugo Salvan"),
    )
    assert marks.respondent_fields([page]) == {}
    assert respondent.surely_read("Hugo Salvan", [page])


def test_printed_name_with_a_surname_the_ocr_doubted_is_kept() -> None:
    # Print reads surely but for a surname missing from the OCR's dictionary.
    page = _scanned_page([("Nom", 0.95), ("Rémi", 0.96), ("Bouvier", 0.33)],
                         FORM.format(name="Rémi Bouvier"))  # fmt: skip
    assert marks.respondent_fields([page]) == {}
    # Handwriting read fairly well is still not print.
    page = _scanned_page([("Nom", 0.95), ("Sarah", 0.84), ("Lercine", 0.39)],
                         FORM.format(name="Sarah Lercine"))  # fmt: skip
    assert marks.respondent_fields([page]) == {"trainee": None}


def test_name_from_a_text_layer_is_always_sure() -> None:
    page = replace(
        _scanned_page([("Hugo", 0.0), ("Salvan", 0.0)], FORM.format(name="Hugo Salvan")),
        source="layer",
    )
    assert respondent.surely_read("Hugo Salvan", [page])


def test_surnames_with_particles_are_names() -> None:
    for name in (
        "Maëlle Le Goff",
        "Solène de La Fontaine",
        "Yanis El Idrissi",
        "Léa d'Arvieu",
        "Noémie Van den Broek",
    ):
        text = f"Évaluation à chaud\nFormation : Gérer son budget\nParticipant·e : {name}\n"
        assert extract(DocType.EVALUATION_CHAUD, text)["trainee"] == name
    text = "Évaluation à chaud\nParticipant : Le formateur\n"
    assert "trainee" not in extract(DocType.EVALUATION_CHAUD, text)


# ----------------------------------------------------------------- a pile of one session's forms

HOT = DocType.EVALUATION_CHAUD
TITLE = "Conduire une réunion efficace"


def test_pile_of_one_session_gives_its_date_to_forms_whose_date_was_unreadable() -> None:
    got = share_session([
        (HOT, {"training_title": TITLE, "start_date": "2026-02-09"}),
        (HOT, {"training_title": TITLE}),
        (HOT, {"training_title": "Conduire une réunlon effcace"}),  # OCR slips
        (HOT, {}),  # the title line unread
    ])  # fmt: skip
    assert all(f["training_title"] == TITLE for f in got)
    assert all(f["start_date"] == "2026-02-09" for f in got)
    assert all("end_date" not in f for f in got)


def test_forms_of_two_sessions_in_one_file_share_nothing() -> None:
    two_titles = [(HOT, {"training_title": TITLE, "start_date": "2026-02-09"}),
                  (HOT, {"training_title": "Gérer son budget"})]  # fmt: skip
    assert share_session(two_titles) == [f for _, f in two_titles]
    two_dates = [(HOT, {"training_title": TITLE, "start_date": "2026-02-09"}),
                 (HOT, {"training_title": TITLE, "start_date": "2026-03-16"}),
                 (HOT, {"training_title": TITLE})]  # fmt: skip
    assert "start_date" not in share_session(two_dates)[2]


def test_a_title_read_once_is_not_given_to_the_other_forms() -> None:
    got = share_session([(HOT, {"training_title": TITLE}), (HOT, {})])
    assert "training_title" not in got[1]


def test_a_colon_ends_a_name_whose_next_label_ocr_lost() -> None:
    text = "Évaluation à chaud\nFormateur : Régis Authier : Je 72075\n"
    assert extract(DocType.EVALUATION_CHAUD, text)["trainer"] == "Régis Authier"


def test_respondent_under_other_labels_and_in_two_fields() -> None:
    for text in (
        "Vos nom et prénom : Hugo Salvan Date : 20/04/2026",
        "Répondant : Hugo Salvan",
        "Identité du stagiaire : Hugo Salvan",
        "Nom\nSalvan\nPrénom\nHugo\nAdresse e-mail\nh.salvan@example.org",  # a form's export
    ):
        got = extract(DocType.EVALUATION_CHAUD, "Évaluation à chaud\n" + text)
        assert got["trainee"] == "Hugo Salvan", text
    text = "Évaluation à chaud\nNom de la formation : Excel\nPrénom : Hugo\n"
    assert "trainee" not in extract(DocType.EVALUATION_CHAUD, text)


def test_title_under_a_questionnaire_s_own_labels() -> None:
    for label in ("Thème de la formation", "Formation évaluée", "Session"):
        text = f"Questionnaire de satisfaction\n{label} : Gérer son budget\n"
        assert extract(DocType.EVALUATION_CHAUD, text)["training_title"] == "Gérer son budget"
    text = "Questionnaire de satisfaction\nSession : 12/03/2026\n"
    assert "training_title" not in extract(DocType.EVALUATION_CHAUD, text)
