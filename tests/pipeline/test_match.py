"""Matching never misfiles: it attaches only when one invoice clearly wins."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from pipeline.config import Matching
from pipeline.errors import Reason
from pipeline.invoices import Invoice
from pipeline.match import match_part
from pipeline.parse import fold as fold_text
from pipeline.record import Doc, DocType, Part, Source

STRESS_MARCH = Invoice(
    number="FA-2026-0142", date=date(2026, 3, 14), entrepreneur="Camille Rousseau",
    client="Boulangerie Dupain SARL", title="Gestion du stress au travail",
    start=date(2026, 3, 10), end=date(2026, 3, 11), trainees=("Léa Martin", "Paul Durand"),
)  # fmt: skip
STRESS_JUNE = Invoice(
    number="FA-2026-0188", date=date(2026, 6, 20), entrepreneur="Camille Rousseau",
    client="Boulangerie Dupain SARL", title="Gestion du stress au travail",
    start=date(2026, 6, 16), end=date(2026, 6, 17), trainees=("Léa Martin", "Paul Durand"),
)  # fmt: skip
EXCEL = Invoice(
    number="FA-2026-0150", date=date(2026, 4, 2), entrepreneur="Camille Rousseau",
    client="Garage Moreau", title="Excel : tableaux croisés dynamiques",
    start=date(2026, 3, 30), end=date(2026, 3, 30), trainees=("Hugo Petit",),
)  # fmt: skip
INVOICES = [STRESS_MARCH, STRESS_JUNE, EXCEL]
SETTINGS = Matching()


def doc(rel: str = "Camille Rousseau/scan0034.pdf", hint: str | None = None) -> Doc:
    return Doc(
        source=Source(
            path=Path("/x") / rel, rel=rel, entrepreneur="Camille Rousseau", invoice_hint=hint
        )
    )


def part(kind: DocType, **fields: object) -> Part:
    return Part(first=1, last=1, type=kind, confidence=0.9, fields=dict(fields))


def test_invoice_number_on_the_document_wins() -> None:
    m = match_part(part(DocType.FACTURE, invoice_number="FA-2026-0150"), doc(), INVOICES, SETTINGS)
    assert (m.invoice, m.method) == ("FA-2026-0150", "numero")


def test_folder_named_after_the_invoice_attaches_there() -> None:
    m = match_part(part(DocType.EVALUATION_CHAUD), doc(hint="FA-2026-0188"), INVOICES, SETTINGS)
    assert (m.invoice, m.method, m.score) == ("FA-2026-0188", "dossier", 1.0)


def test_folder_named_after_someone_elses_invoice_attaches_nowhere() -> None:
    m = match_part(part(DocType.EVALUATION_CHAUD), doc(hint="FA-2026-9999"), INVOICES, SETTINGS)
    assert m.invoice is None and m.reason == Reason.NO_MATCH


def test_same_training_sold_twice_is_told_apart_by_dates() -> None:
    sheet = part(
        DocType.EMARGEMENT,
        training_title="Gestion du stress au travail",
        start_date="2026-06-16",
        end_date="2026-06-17",
        trainees=["MARTIN Léa", "DURAND Paul"],
    )
    m = match_part(sheet, doc(), INVOICES, SETTINGS)
    assert m.invoice == "FA-2026-0188" and m.method == "score"


def test_undated_evaluation_of_a_training_sold_twice_waits_with_both_candidates() -> None:
    evaluation = part(
        DocType.EVALUATION_CHAUD,
        training_title="Gestion du stress au travail",
        trainee="Léa Martin",
    )
    m = match_part(evaluation, doc(), INVOICES, SETTINGS)
    assert m.invoice is None and m.reason == Reason.AMBIGUOUS
    assert {c.invoice for c in m.candidates} == {"FA-2026-0142", "FA-2026-0188"}


def test_a_title_no_other_invoice_shares_attaches_and_says_why() -> None:
    attestation = part(DocType.ATTESTATION, training_title="Excel : tableaux croisés dynamiques")
    m = match_part(attestation, doc(), INVOICES, SETTINGS)
    assert (m.invoice, m.method) == ("FA-2026-0150", "score")
    assert "seule facture qui convient : titre" in m.candidates[0].why


def test_a_title_alone_waits_when_a_second_session_of_it_is_invoiced() -> None:
    attestation = part(DocType.ATTESTATION, training_title="Excel : tableaux croisés dynamiques")
    again = replace(EXCEL, number="FA-2026-0201", start=date(2026, 9, 7), end=date(2026, 9, 7))
    m = match_part(attestation, doc(), [*INVOICES, again], SETTINGS)
    assert m.invoice is None and m.reason == Reason.AMBIGUOUS


def test_a_period_inside_one_session_is_enough_when_nothing_else_is_read() -> None:
    evaluation = part(DocType.EVALUATION_CHAUD, start_date="2026-03-30", end_date="2026-03-30")
    m = match_part(evaluation, doc(), INVOICES, SETTINGS)
    assert m.invoice == "FA-2026-0150"
    assert "seule facture qui convient : periode" in m.candidates[0].why


def test_one_trainee_of_two_invoices_dated_inside_one_session_goes_there() -> None:
    # Paul Durand came to the March stress session; an evaluation of the Excel day names
    # him and prints that day: the date rules out March, the name does not rule out Excel.
    excel = replace(EXCEL, trainees=())  # the export left the Excel day's trainees out
    evaluation = part(DocType.EVALUATION_CHAUD, trainee="Paul Durand",
                      start_date="2026-03-30", end_date="2026-03-30")  # fmt: skip
    m = match_part(evaluation, doc(), [STRESS_MARCH, excel], SETTINGS)
    assert m.invoice == "FA-2026-0150"


def test_a_period_inside_one_session_waits_when_the_title_names_another_training() -> None:
    # A second training given the same day, not yet invoiced: its title says so.
    evaluation = part(DocType.EVALUATION_CHAUD, training_title="Gestion du stress au travail",
                      start_date="2026-03-30", end_date="2026-03-30")  # fmt: skip
    m = match_part(evaluation, doc(), INVOICES, SETTINGS)
    assert m.invoice is None


def test_a_client_alone_attaches_nowhere_it_buys_many_trainings() -> None:
    # Another entrepreneur's attestation for a client this one trained too, in the wrong
    # folder: the client is all that fits, and that is not enough.
    attestation = part(DocType.ATTESTATION, client="Garage Moreau", trainee="Ines Castel")
    m = match_part(attestation, doc(), INVOICES, SETTINGS)
    assert m.invoice is None
    client_only = part(DocType.BON_COMMANDE, client="Garage Moreau")
    assert match_part(client_only, doc(), INVOICES, SETTINGS).invoice is None


def test_a_purchase_order_for_the_invoiced_amount_of_its_client_attaches() -> None:
    excel = replace(EXCEL, amount_ht=650.0)
    order = part(DocType.BON_COMMANDE, client="Garage Moreau", amount_ht=650.0)
    m = match_part(order, doc(), [STRESS_MARCH, STRESS_JUNE, excel], SETTINGS)
    assert m.invoice == "FA-2026-0150"
    other_amount = part(DocType.BON_COMMANDE, client="Garage Moreau", amount_ht=1300.0)
    assert match_part(other_amount, doc(), [excel], SETTINGS).invoice is None


def test_dates_far_from_every_invoice_attach_nowhere() -> None:
    sheet = part(
        DocType.EMARGEMENT,
        training_title="Gestion du stress au travail",
        start_date="2026-10-05",
        end_date="2026-10-06",
    )
    assert match_part(sheet, doc(), INVOICES, SETTINGS).invoice is None


def test_cv_belongs_to_the_entrepreneur() -> None:
    m = match_part(part(DocType.CV, person="Camille Rousseau"), doc(), INVOICES, SETTINGS)
    assert m.invoice is None and m.entrepreneur == "Camille Rousseau" and m.reason is None


def test_unclassified_document_is_not_attached() -> None:
    m = match_part(part(DocType.AUTRE, invoice_number="FA-2026-0142"), doc(), INVOICES, SETTINGS)
    assert m.invoice is None and m.reason == Reason.UNCLASSIFIED


def test_no_invoices_means_no_match() -> None:
    m = match_part(part(DocType.ATTESTATION, trainee="Léa Martin"), doc(), [], SETTINGS)
    assert m.reason == Reason.NO_MATCH and m.candidates == ()


def test_title_alone_shared_by_two_invoices_is_ambiguous_not_unmatched() -> None:
    evaluation = part(DocType.EVALUATION_CHAUD, training_title="Gestion du stress au travail")
    m = match_part(evaluation, doc(), INVOICES, SETTINGS)
    assert m.reason == Reason.AMBIGUOUS and len(m.candidates) == 2


def test_names_with_stray_ink_letters_are_found_in_the_text() -> None:
    sheet = part(
        DocType.EMARGEMENT,
        training_title="Gestion du stress au travail",
        start_date="2026-03-10",
        end_date="2026-03-11",
        trainees=["Léa Martin NNA", "Paul Durand FUN FT"],
    )
    text = "FEUILLE D'EMARGEMENT\nLéa Martin NNA | ABS\nPaul Durand FUN FT\n"
    m = match_part(sheet, doc(), INVOICES, SETTINGS, text)
    assert m.invoice == "FA-2026-0142"


def test_trainees_of_another_session_count_against_the_invoice() -> None:
    sheet = part(
        DocType.EMARGEMENT,
        training_title="Gestion du stress au travail",
        start_date="2026-03-10",
        end_date="2026-03-11",
        trainees=["Hugo Petit"],
    )
    m = match_part(sheet, doc(), [STRESS_MARCH], SETTINGS, "Hugo Petit")
    assert m.invoice is None and m.candidates[0].why[-1] == "stagiaires 0.00"


# ---- cases found by bench/bench_matching.py ------------------------------------------------
ACCOUNTS_JAN = Invoice(
    number="FA-2026-0302", date=date(2026, 1, 28), entrepreneur="Camille Rousseau",
    client="Cabinet Vidal Associés", title="La comptabilité pour les non-comptables",
    start=date(2026, 1, 26), end=date(2026, 1, 27), trainees=("Sébastien Legrand", "Nora Blanc"),
)  # fmt: skip
ACCOUNTS_FEB = Invoice(
    number="FA-2026-0303", date=date(2026, 2, 6), entrepreneur="Camille Rousseau",
    client="Librairie des Arceaux", title="La comptabilité pour les non-comptables",
    start=date(2026, 1, 30), end=date(2026, 2, 3), trainees=("Sébastien Legrand", "Hugo Petit"),
)  # fmt: skip
ACCOUNTS = [ACCOUNTS_JAN, ACCOUNTS_FEB]


def test_a_folder_named_with_digits_but_no_invoice_number_is_not_an_invoice_folder() -> None:
    # "Formation 03-2026" was taken for an invoice number nobody has: the file waited.
    attestation = part(
        DocType.ATTESTATION,
        training_title="Excel : tableaux croisés dynamiques",
        start_date="2026-03-30",
        end_date="2026-03-30",
        trainee="Hugo Petit",
    )
    rel = "Camille Rousseau/Formation 03-2026/attestation.pdf"
    m = match_part(attestation, doc(rel, hint="Formation 03-2026"), INVOICES, SETTINGS)
    assert (m.invoice, m.method) == ("FA-2026-0150", "score")


def test_a_trainee_of_two_sessions_goes_where_the_printed_dates_are() -> None:
    # Same title, same trainee, sessions 3 days apart: the dates printed tell them apart.
    evaluation = part(
        DocType.EVALUATION_FROID,
        training_title="La comptabilité pour les non-comptables",
        start_date="2026-01-30",
        end_date="2026-02-03",
        trainee="Sébastien Legrand",
    )
    m = match_part(evaluation, doc(), ACCOUNTS, SETTINGS)
    assert (m.invoice, m.method) == ("FA-2026-0303", "score")


def test_dates_overlapping_two_sessions_decide_nothing() -> None:
    evaluation = part(
        DocType.EVALUATION_FROID,
        training_title="La comptabilité pour les non-comptables",
        start_date="2026-01-27",
        end_date="2026-01-30",
        trainee="Sébastien Legrand",
    )
    m = match_part(evaluation, doc(), ACCOUNTS, SETTINGS)
    assert m.invoice is None and m.reason == Reason.AMBIGUOUS


def test_opco_invoice_is_not_held_against_a_convention_naming_the_employer() -> None:
    # The OPCO pays; the convention names the employer, also a direct client a week before.
    opco = replace(ACCOUNTS_FEB, client="OPCO EP", client_type="opco")
    direct = replace(ACCOUNTS_JAN, client="Librairie des Arceaux", client_type="entreprise")
    convention = part(
        DocType.CONVENTION,
        training_title="La comptabilité pour les non-comptables",
        client="Librairie des Arceaux",
        start_date="2026-01-30",
        end_date="2026-02-03",
        trainees=["Sébastien Legrand", "Hugo Petit"],
    )
    m = match_part(convention, doc(), [opco, direct], SETTINGS)
    assert m.invoice == "FA-2026-0303"


def test_client_named_in_the_text_tells_two_sessions_apart() -> None:
    # An undated hot evaluation printing "Entreprise : ..." (the extractor keeps no client).
    evaluation = part(
        DocType.EVALUATION_CHAUD, training_title="La comptabilité pour les non-comptables"
    )
    text = "Formation : La comptabilité pour les non-comptables\nEntreprise : Librairie des Arceaux"
    m = match_part(evaluation, doc(), ACCOUNTS, SETTINGS, text)
    assert m.invoice == "FA-2026-0303"


def test_everything_agreeing_but_dates_months_away_waits() -> None:
    attestation = part(
        DocType.ATTESTATION,
        training_title="Excel : tableaux croisés dynamiques",
        start_date="2026-07-06",
        end_date="2026-07-06",
        trainee="Hugo Petit",
    )
    m = match_part(attestation, doc(), [EXCEL], SETTINGS, "Client : Garage Moreau")
    assert m.invoice is None and m.reason == Reason.NO_MATCH


def test_a_session_whose_invoice_is_not_imported_yet_waits_instead_of_taking_its_neighbour() -> (
    None
):
    # Same training, client and trainees; the document's session (24-25 March) has no
    # invoice yet. The March session is close, but the printed dates are not its own.
    attestation = part(
        DocType.ATTESTATION, training_title="Gestion du stress au travail", trainee="Léa Martin",
        start_date="2026-03-24", end_date="2026-03-25",
    )  # fmt: skip
    m = match_part(attestation, doc(), INVOICES, SETTINGS)
    assert m.invoice is None and m.reason == Reason.NO_MATCH
    assert m.candidates[0].invoice == "FA-2026-0142", "the neighbour is offered, not chosen"
    on_time = replace(STRESS_MARCH, number="FA-2026-0160", start=date(2026, 3, 24),
                      end=date(2026, 3, 25))  # fmt: skip
    m = match_part(attestation, doc(), [*INVOICES, on_time], SETTINGS)
    assert m.invoice == "FA-2026-0160"


def test_an_evaluation_dated_before_a_session_began_is_not_that_sessions() -> None:
    evaluation = part(DocType.EVALUATION_CHAUD, training_title="Gestion du stress au travail",
                      date="2026-06-12")  # fmt: skip
    m = match_part(evaluation, doc(), [STRESS_JUNE, EXCEL], SETTINGS)
    assert m.invoice is None
    written_after = replace(evaluation, fields={**evaluation.fields, "date": "2026-06-17"})
    m = match_part(written_after, doc(), [STRESS_JUNE, EXCEL], SETTINGS)
    assert m.invoice == "FA-2026-0188"


def test_an_unlabelled_form_header_naming_one_invoices_title_attaches_there() -> None:
    # An online form's export: "<title> - animée par <trainer> - <date>", no "Formation :".
    text = fold_text(
        "Évaluation de fin de formation\n"
        "Excel : tableaux croisés dynamiques - animée par Camille Rousseau\n"
        "Clarté des objectifs annoncés 1 2 3 4 5"
    )
    m = match_part(part(DocType.EVALUATION_CHAUD), doc(), INVOICES, SETTINGS, text)
    assert m.invoice == "FA-2026-0150"
    assert "seule facture qui convient : titre" in m.candidates[0].why


def test_a_title_in_the_text_that_two_invoices_share_decides_nothing() -> None:
    text = fold_text("Évaluation de fin de formation\nGestion du stress au travail\n")
    m = match_part(part(DocType.EVALUATION_CHAUD), doc(), INVOICES, SETTINGS, text)
    assert m.invoice is None


def test_a_trainee_name_garbled_by_ocr_is_not_held_against_the_invoice() -> None:
    excel = replace(EXCEL, trainees=("Gaspard Rochet", "Hugo Petit"))
    garbled = part(DocType.EVALUATION_CHAUD, training_title="Excel : tableaux croisés dynamiques",
                   trainee="Gaspe Rochet")  # fmt: skip
    assert match_part(garbled, doc(), [STRESS_MARCH, excel], SETTINGS).invoice == "FA-2026-0150"
    stranger = replace(garbled, fields={**garbled.fields, "trainee": "Sylvain Lebrun"})
    assert match_part(stranger, doc(), [STRESS_MARCH, excel], SETTINGS).invoice is None
