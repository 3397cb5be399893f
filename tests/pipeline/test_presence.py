"""Attendance arithmetic and the dossier checks it feeds, on sheets as the readers report them."""

from __future__ import annotations

from datetime import date
from typing import Any

from pipeline.invoices import Invoice
from pipeline.presence import AttendanceSettings, combine
from pipeline.rules import evaluate
from pipeline.store import DocumentRow

TWO_DAYS = [("2026-03-09", "matin"), ("2026-03-09", "apres-midi"),
            ("2026-03-10", "matin"), ("2026-03-10", "apres-midi")]  # fmt: skip


def invoice(**changes: Any) -> Invoice:
    values: dict[str, Any] = {
        "number": "FA-2026-0142",
        "date": date(2026, 3, 12),
        "entrepreneur": "Élodie Faure",
        "client": "Boulangerie Dupain SARL",
        "client_type": "entreprise",
        "title": "Gestion du stress au travail",
        "place": "12 rue des Lilas, 34000 Montpellier",
        "statuses": ("salarié",),
        "start": date(2026, 3, 9),
        "end": date(2026, 3, 10),
        "hours": 14.0,
        "trainee_count": 2,
        "trainees": ("Léa Martin", "Hugo Blanc"),
        "trainee_hours": 28.0,
        "bpf_code": "C1",
    }
    return Invoice(**(values | changes))


def sheet(
    doc_id: int,
    marks: dict[str, list[str]],
    *,
    slots: list[tuple[str, str]] = TWO_DAYS,
    trainer: list[bool] | None = None,
    confidence: dict[tuple[str, int], float] | None = None,
    hours: dict[str, float] | None = None,
    doc_type: str = "emargement",
) -> DocumentRow:
    """An émargement document as stored: one ``sessions`` entry per name × slot."""
    confidence = confidence or {}
    sessions = [
        {"date": day, "half_day": half, "trainee": name, "signed": mark == "signed",
         "mark": mark, "confidence": confidence.get((name, i), 0.99)}
        for name, row in marks.items()
        for i, ((day, half), mark) in enumerate(zip(slots, row, strict=True))
    ]  # fmt: skip
    signed = trainer if trainer is not None else [True] * len(slots)
    fields: dict[str, Any] = {
        "sessions": sessions,
        "trainer_signed": [
            {"date": d, "half_day": h, "signed": s, "confidence": 0.99}
            for (d, h), s in zip(slots, signed, strict=True)
        ],
    }
    if hours:
        fields["half_day_hours"] = hours
    return DocumentRow(
        id=doc_id, file_id=doc_id, rel=f"elodie.faure/emargement {doc_id}.pdf", first=1, last=1,
        type=doc_type, confidence=0.95, fields=fields, invoice="FA-2026-0142",
        entrepreneur="Élodie Faure", score=1.0, method="auto", candidates=[], reason=None,
        archive_path=None,
    )  # fmt: skip


def agreement(signatures: dict[str, bool], confidence: float = 0.99) -> DocumentRow:
    blocks = {p: {"signed": s, "confidence": confidence} for p, s in signatures.items()}
    return DocumentRow(
        id=90, file_id=90, rel="elodie.faure/Convention Dupain.pdf", first=1, last=2,
        type="convention", confidence=0.97,
        fields={"signatures": signatures, "signature_blocks": blocks}, invoice="FA-2026-0142",
        entrepreneur="Élodie Faure", score=1.0, method="auto", candidates=[], reason=None,
        archive_path=None,
    )  # fmt: skip


ALL_SIGNED = ["signed"] * 4
ABSENT_LAST = ["signed", "signed", "signed", "absent"]
SETTINGS = AttendanceSettings()


def codes(dossier: Any) -> set[str]:
    return {c.code for c in dossier.checks}


def test_hours_per_trainee_come_from_the_cells_and_the_header_times() -> None:
    att = combine(
        invoice(),
        [sheet(1, {"Léa Martin": ALL_SIGNED, "Hugo Blanc": ABSENT_LAST},
               hours={"matin": 3.5, "apres-midi": 3.5})],
        SETTINGS,
    )  # fmt: skip
    assert att is not None
    hours = {t.name: t.hours for t in att.trainees}
    assert hours == {"Léa Martin": 14.0, "Hugo Blanc": 10.5}
    assert att.trainee_hours == 24.5
    assert att.hours_source == "feuilles"
    assert att.uncovered == 0


def test_half_day_length_falls_back_on_the_configuration() -> None:
    settings = AttendanceSettings(half_day_hours=3.0)
    att = combine(invoice(hours=12.0), [sheet(1, {"Léa Martin": ALL_SIGNED})], settings)
    assert att is not None
    assert att.hours_source == "configuration"
    assert att.trainees[0].hours == 12.0


def test_names_are_matched_across_order_case_accents_and_an_ocr_slip() -> None:
    read = {"MARTIN Lea": ALL_SIGNED, "Hugo Bianc": ALL_SIGNED}
    att = combine(invoice(), [sheet(1, read)], SETTINGS)
    assert att is not None
    assert [t.name for t in att.trainees] == ["Léa Martin", "Hugo Blanc"]
    assert all(t.on_invoice for t in att.trainees)
    assert att.trainees[0].read_as == {"MARTIN Lea"}


def test_one_sheet_per_day_combines_into_one_grid() -> None:
    day1 = sheet(1, {"Léa Martin": ["signed"] * 2, "Hugo Blanc": ["signed"] * 2},
                 slots=TWO_DAYS[:2], trainer=[True, True])  # fmt: skip
    day2 = sheet(2, {"Lea Martin": ["signed"] * 2, "Hugo Blanc": ["signed", "absent"]},
                 slots=TWO_DAYS[2:], trainer=[True, True])  # fmt: skip
    dossier = evaluate(invoice(trainee_hours=24.5), [day1, day2, agreement(_three(True))])
    assert dossier.attendance is not None
    assert len(dossier.attendance.slots) == 4
    assert not codes(dossier)
    assert not [m for m in dossier.missing if m.piece == "emargement"]


def _three(client: bool) -> dict[str, bool]:
    return {"organisme": True, "client": client, "formateur": True}


def test_an_empty_box_the_invoice_bills_is_an_hours_mismatch_not_a_missing_piece() -> None:
    row = ["signed", "signed", "signed", "empty"]
    dossier = evaluate(invoice(), [sheet(1, {"Léa Martin": ALL_SIGNED, "Hugo Blanc": row})])
    assert not [m for m in dossier.missing if m.piece == "emargement"]
    # The sheet proves 24.5 h; the invoice bills 28 h: two documents disagree.
    check = next(c for c in dossier.checks if c.code == "trainee_hours_mismatch")
    assert "28 h sur la facture, 24,5 h" in check.message
    assert "non signé : Hugo Blanc le 10/03 après-midi" in check.message
    assert dossier.state == "inconsistent"
    # Billed without that half-day (the absence deducted), nothing disagrees.
    deducted = evaluate(invoice(trainee_hours=24.5),
                        [sheet(1, {"Léa Martin": ALL_SIGNED, "Hugo Blanc": row})])  # fmt: skip
    assert "trainee_hours_mismatch" not in codes(deducted)
    assert any("compté comme absence : Hugo Blanc le 10/03" in n for n in deducted.notes)


def test_invoice_trainee_hours_against_the_sheets() -> None:
    row = ["signed", "signed", "signed", "absent"]
    dossier = evaluate(invoice(), [sheet(1, {"Léa Martin": ALL_SIGNED, "Hugo Blanc": row})])
    check = next(c for c in dossier.checks if c.code == "trainee_hours_mismatch")
    assert "28 h sur la facture" in check.message and "24,5 h" in check.message
    assert check.documents == (1,)
    assert any("Hugo Blanc" in n and "75%" in n for n in dossier.notes)  # assiduity note
    # the same sheet with the invoice saying 24.5 trainee-hours: consistent
    agreed = evaluate(invoice(trainee_hours=24.5), [sheet(1, {"Léa Martin": ALL_SIGNED,
                                                              "Hugo Blanc": row})])  # fmt: skip
    assert "trainee_hours_mismatch" not in codes(agreed)


def test_assiduity_threshold_is_configurable_and_never_changes_hours() -> None:
    row = ["signed", "signed", "signed", "absent"]
    docs = [sheet(1, {"Léa Martin": ALL_SIGNED, "Hugo Blanc": row})]
    strict = evaluate(invoice(), docs, AttendanceSettings(assiduity_threshold=0.8))
    lenient = evaluate(invoice(), docs, AttendanceSettings(assiduity_threshold=0.7))
    assert strict.notes and not lenient.notes
    assert strict.attendance and lenient.attendance
    assert strict.attendance.trainee_hours == lenient.attendance.trainee_hours == 24.5


def test_trainee_on_no_sheet_and_name_not_on_the_invoice() -> None:
    dossier = evaluate(invoice(), [sheet(1, {"Léa Martin": ALL_SIGNED, "Zoé Perrin": ALL_SIGNED})])
    assert "trainee_unknown" in codes(dossier)
    unknown = next(c for c in dossier.checks if c.code == "trainee_unknown")
    assert "Zoé Perrin" in unknown.message
    assert any("sur aucune feuille : Hugo Blanc" in m.detail for m in dossier.missing)


def test_trainee_count_against_the_names_seen() -> None:
    three = invoice(trainee_count=3, trainees=("Léa Martin", "Hugo Blanc", "Inès Roux"))
    dossier = evaluate(three, [sheet(1, {"Léa Martin": ALL_SIGNED, "Hugo Blanc": ALL_SIGNED})])
    check = next(c for c in dossier.checks if c.code == "trainee_count_mismatch")
    assert check.message.startswith("3 stagiaire(s) facturé(s), 2 sur les feuilles")


def test_half_days_not_covered_by_any_sheet() -> None:
    only_day1 = sheet(1, {"Léa Martin": ["signed"] * 2, "Hugo Blanc": ["signed"] * 2},
                      slots=TWO_DAYS[:2], trainer=[True, True])  # fmt: skip
    dossier = evaluate(invoice(), [only_day1])
    assert dossier.attendance is not None and dossier.attendance.uncovered == 2
    assert any("2 demi-journée(s) sans feuille" in m.detail for m in dossier.missing)


def test_days_without_the_trainer_signature() -> None:
    both = {"Léa Martin": ALL_SIGNED, "Hugo Blanc": ALL_SIGNED}
    dossier = evaluate(invoice(), [sheet(1, both, trainer=[True, True, False, True])])
    check = next(c for c in dossier.checks if c.code == "trainer_signature_missing")
    assert check.message == "Signature du formateur manquante : 10/03 matin."
    assert dossier.state == "incomplete"  # a signature lacking, not documents disagreeing


def test_sheet_dated_outside_the_invoiced_period() -> None:
    late = [("2026-03-16", "matin"), ("2026-03-16", "apres-midi"),
            ("2026-03-17", "matin"), ("2026-03-17", "apres-midi")]  # fmt: skip
    dossier = evaluate(invoice(), [sheet(1, {"Léa Martin": ALL_SIGNED, "Hugo Blanc": ALL_SIGNED},
                                         slots=late)])  # fmt: skip
    check = next(c for c in dossier.checks if c.code == "dates_mismatch")
    assert "16/03/2026" in check.message


def test_doubtful_cells_are_neither_attended_nor_missing_but_wait_for_a_person() -> None:
    doubtful = sheet(1, {"Léa Martin": ALL_SIGNED, "Hugo Blanc": ALL_SIGNED},
                     confidence={("Hugo Blanc", 3): 0.5})  # fmt: skip
    dossier = evaluate(invoice(), [doubtful])
    assert dossier.attendance is not None
    assert {t.name: t.hours for t in dossier.attendance.trainees}["Hugo Blanc"] == 10.5
    assert any("à vérifier" in m.detail and "Hugo Blanc" in m.detail for m in dossier.missing)
    assert "trainee_hours_mismatch" not in codes(dossier)  # not settled: no false alarm


def test_a_corrected_cell_is_trusted_whatever_its_confidence() -> None:
    doc = sheet(1, {"Léa Martin": ALL_SIGNED, "Hugo Blanc": ALL_SIGNED},
                confidence={("Hugo Blanc", 3): 0.5})  # fmt: skip
    doc.fields["sessions"][-1]["corrected"] = {"by": "appui", "at": "2026-11-23", "reason": "vu"}
    dossier = evaluate(invoice(), [doc])
    assert dossier.attendance is not None
    assert dossier.attendance.trainee_hours == 28.0
    assert all("à vérifier" not in m.detail for m in dossier.missing)


def test_convention_missing_the_client_signature_is_signature_missing() -> None:
    sheets = [sheet(1, {"Léa Martin": ALL_SIGNED, "Hugo Blanc": ALL_SIGNED})]
    dossier = evaluate(invoice(), [*sheets, agreement(_three(False))])
    unsigned = [c for c in dossier.checks if c.code == "signature_missing"]
    assert [c.message for c in unsigned] == ["La convention n'est pas signée par le client."]
    assert not [m for m in dossier.missing if m.piece == "convention"]
    signed = evaluate(invoice(), [*sheets, agreement(_three(True))])
    assert not [c for c in signed.checks if c.code == "signature_missing"]


def test_an_unsure_signature_block_waits_for_a_person() -> None:
    dossier = evaluate(invoice(), [agreement(_three(True), confidence=0.55)])
    convention = [m for m in dossier.missing if m.piece == "convention"]
    assert convention and "signature à vérifier" in convention[0].detail


def test_a_sheet_read_without_any_cell_is_for_a_person_not_a_zero() -> None:
    unread = sheet(1, {})  # the reader found no grid (a blurred photo)
    dossier = evaluate(invoice(), [unread])
    assert dossier.attendance is not None and dossier.attendance.unread == (1,)
    assert not dossier.checks and not dossier.notes  # no false "0 trainee" alarms
    assert any("#1 reçue(s) mais illisible" in m.detail for m in dossier.missing)


def test_half_days_print_in_order_morning_first() -> None:
    att = combine(invoice(), [sheet(1, {"Léa Martin": ALL_SIGNED})], SETTINGS)
    assert att is not None
    assert [(d.day, h) for d, h in att.slots] == [
        (9, "matin"), (9, "apres-midi"), (10, "matin"), (10, "apres-midi")
    ]  # fmt: skip


def test_two_ocr_slips_pair_only_with_their_own_trainee() -> None:
    read = {"Lea Marlin": ALL_SIGNED, "Hugq Bianc": ALL_SIGNED, "Zoé Perrin": ALL_SIGNED}
    att = combine(invoice(), [sheet(1, read)], SETTINGS)
    assert att is not None
    by_name = {t.name: t for t in att.trainees}
    assert by_name["Léa Martin"].read_as == {"Lea Marlin"}
    assert by_name["Hugo Blanc"].read_as == {"Hugq Bianc"}
    assert not by_name["Zoé Perrin"].on_invoice  # a stranger is never forced onto the invoice


# --- checks across documents (#5) ------------------------------------------------------------


def dated_agreement(day: str, trainees: list[str], esigned: str | None = None) -> DocumentRow:
    doc = agreement(_three(True))
    doc.fields.update(date=day, trainees=trainees)
    if esigned:
        doc.fields["signature_blocks"]["client"].update(method="electronique", date=esigned)
    return doc


def test_convention_signed_after_the_training_started() -> None:
    both = ["Léa Martin", "Hugo Blanc"]
    on_time = evaluate(invoice(), [dated_agreement("2026-02-16", both)])
    assert "convention_signed_late" not in codes(on_time)
    late = evaluate(invoice(), [dated_agreement("2026-03-10", both)])
    check = next(c for c in late.checks if c.code == "convention_signed_late")
    assert check.message == (
        "La convention est signée le 10/03/2026, après le début de la formation (09/03/2026)."
    )
    # An electronic signature's own date tells when it was really signed.
    esigned = evaluate(invoice(), [dated_agreement("2026-02-16", both, esigned="2026-03-11")])
    assert "convention_signed_late" in codes(esigned)


def test_convention_trainees_against_the_invoice() -> None:
    other = evaluate(invoice(), [dated_agreement("2026-02-16", ["Léa Martin", "Zoé Perrin",
                                                                "Hugo Blanc"])])  # fmt: skip
    assert {"trainee_count_mismatch", "trainee_unknown"} <= codes(other)
    unknown = next(c for c in other.checks if c.code == "trainee_unknown")
    assert unknown.message == "Sur la convention mais pas sur la facture : Zoé Perrin."
    same = evaluate(invoice(), [dated_agreement("2026-02-16", ["MARTIN Léa", "Hugo Blanc"])])
    assert not codes(same)
    # A name cut short at the end of a line is still the invoice's trainee, not a stranger.
    cut = evaluate(invoice(trainees=("Léa Martin", "Hugo Blanc Serrano")),
                   [dated_agreement("2026-02-16", ["Léa Martin", "Hugo Blanc"])])  # fmt: skip
    assert "trainee_unknown" not in codes(cut)
    # Fewer names, all the invoice's: a list read in part, not surely another list.
    partly = evaluate(invoice(), [dated_agreement("2026-02-16", ["Léa Martin"])])
    assert "trainee_count_mismatch" not in codes(partly)


def test_attestation_for_a_trainee_who_attended_no_half_day() -> None:
    absent = ["absent"] * 4
    attestation = DocumentRow(
        id=50, file_id=50, rel="elodie.faure/attestation Hugo.pdf", first=1, last=1,
        type="attestation", confidence=0.94, fields={"trainee": "Hugo BLANC"},
        invoice="FA-2026-0142", entrepreneur="Élodie Faure", score=1.0, method="auto",
        candidates=[], reason=None, archive_path=None,
    )  # fmt: skip
    dossier = evaluate(invoice(), [sheet(1, {"Léa Martin": ALL_SIGNED, "Hugo Blanc": absent}),
                                   attestation])  # fmt: skip
    check = next(c for c in dossier.checks if c.code == "attestation_without_attendance")
    assert check.message == "Attestation de Hugo Blanc, qui n'a signé aucune demi-journée."
    assert check.documents == (50, 1)


def test_the_trainers_row_read_as_a_trainees_is_no_unknown_trainee() -> None:
    # A photographed grid whose last row, "FAURE Élodie" (the trainer), was read as a trainee.
    marks = {"Léa Martin": ALL_SIGNED, "Hugo Blanc": ALL_SIGNED, "FAURE Élodie": ALL_SIGNED}
    dossier = evaluate(invoice(), [sheet(1, marks)])
    assert dossier.attendance is not None
    assert [t.name for t in dossier.attendance.trainees] == ["Léa Martin", "Hugo Blanc"]
    assert not codes(dossier) & {"trainee_unknown", "trainee_count_mismatch"}
    stranger = {**marks, "Chloé Ferrand": ALL_SIGNED}
    assert "trainee_unknown" in codes(evaluate(invoice(), [sheet(1, stranger)]))


def test_a_trainer_box_read_empty_but_doubtful_waits_for_review_and_raises_no_check() -> None:
    both = {"Léa Martin": ALL_SIGNED, "Hugo Blanc": ALL_SIGNED}
    doubtful = sheet(1, both, trainer=[True, True, False, True])
    doubtful.fields["trainer_signed"][2]["confidence"] = 0.5
    dossier = evaluate(invoice(), [doubtful])
    assert "trainer_signature_missing" not in codes(dossier)
    assert any("formateur le 10/03 matin" in m.detail for m in dossier.missing)
