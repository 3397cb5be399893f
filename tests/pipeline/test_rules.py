"""The checklist as configuration: levels, due dates, waivers, the invoice's mentions."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from pipeline.checklist import Requirement, Rules, Waiver
from pipeline.config import load_config
from pipeline.errors import ConfigError
from pipeline.rules import entrepreneur_checks, entrepreneur_missing, evaluate, summary_received
from pipeline.store import DocumentRow, Store
from tests.conftest import NOW, write_config
from tests.pipeline.test_presence import ALL_SIGNED, _three, agreement, invoice, sheet

AFTER = date(2026, 5, 1)  # seven weeks after the training of 9-10 March


def pieces(dossier: object) -> dict[str, object]:
    return {m.piece: m for m in dossier.missing}  # type: ignore[attr-defined]


def complete_but_evaluations() -> list[DocumentRow]:
    both = {"Léa Martin": ALL_SIGNED, "Hugo Blanc": ALL_SIGNED}
    attestations = [
        DocumentRow(id=60 + i, file_id=60, rel="a.pdf", first=i, last=i, type="attestation",
                    confidence=0.9, fields={"trainee": name}, invoice="FA-2026-0142",
                    entrepreneur="Élodie Faure", score=1.0, method="auto", candidates=[],
                    reason=None, archive_path=None)
        for i, name in enumerate(["Léa Martin", "Hugo Blanc"], start=1)
    ]  # fmt: skip
    return [sheet(1, both), agreement(_three(True)), *attestations]


def test_a_recommended_piece_is_listed_but_never_makes_a_dossier_incomplete() -> None:
    hot = DocumentRow(
        id=70, file_id=70, rel="chaud.pdf", first=1, last=1, type="evaluation_chaud",
        confidence=0.9, fields={}, invoice="FA-2026-0142", entrepreneur="Élodie Faure",
        score=1.0, method="auto", candidates=[], reason=None, archive_path=None,
    )  # fmt: skip
    dossier = evaluate(invoice(), [*complete_but_evaluations(), hot])
    assert list(pieces(dossier)) == ["evaluation_froid"]
    assert dossier.missing[0].level == "recommande"
    assert dossier.state == "complete"
    switched_off = Rules(evaluation_froid=Requirement(level="aucun"))
    assert not evaluate(invoice(), [*complete_but_evaluations(), hot], rules=switched_off).missing


def test_due_dates_and_how_late_a_piece_is() -> None:
    dossier = evaluate(invoice(), complete_but_evaluations(), today=AFTER)
    hot = pieces(dossier)["evaluation_chaud"]
    assert hot.due == date(2026, 3, 17)  # type: ignore[attr-defined]  # 7 days after the end
    assert hot.overdue_days == 45  # type: ignore[attr-defined]
    cold = pieces(dossier)["evaluation_froid"]
    assert cold.due == date(2026, 6, 8) and cold.overdue_days is None  # type: ignore[attr-defined]
    early = evaluate(invoice(), complete_but_evaluations(), today=date(2026, 3, 11))
    assert pieces(early)["evaluation_chaud"].overdue_days is None  # type: ignore[attr-defined]
    # The agreement is due by the eve of the first day.
    none = evaluate(invoice(), [], today=AFTER)
    assert pieces(none)["convention"].due == date(2026, 3, 8)  # type: ignore[attr-defined]


def test_a_waived_requirement_no_longer_counts_and_says_who_and_why(store: Store) -> None:
    store.upsert_invoices([invoice()], NOW)
    waiver = Waiver("evaluation_chaud", "appui", NOW.isoformat(), "formation d'une heure")
    store.waive(waiver, "FA-2026-0142")
    waivers = store.waivers("FA-2026-0142")["FA-2026-0142"]
    dossier = evaluate(invoice(), complete_but_evaluations(), waivers=waivers)
    assert "evaluation_chaud" not in pieces(dossier)
    assert dossier.state == "complete"
    assert dossier.waived[0].reason == "formation d'une heure"
    later = Waiver("evaluation_chaud", "appui", datetime(2026, 11, 24).isoformat(), "erreur")
    assert store.waive(later, "FA-2026-0142", revoke=True)
    assert store.waivers("FA-2026-0142") == {}
    assert not store.waive(later, "FA-2026-0142", revoke=True)  # nothing left to revoke
    kinds = [e["kind"] for e in store.events()]
    assert kinds[:2] == ["dispense-levee", "dispense"]


def test_invoice_record_mentions_make_a_dossier_incomplete_not_inconsistent() -> None:
    bare = invoice(place="", bpf_code="", statuses=())
    dossier = evaluate(bare, complete_but_evaluations())
    check = next(c for c in dossier.checks if c.code == "invoice_mentions_missing")
    assert check.message == (
        "La facture n'indique pas le lieu, le statut des stagiaires, le code BPF."
    )
    assert dossier.state == "incomplete"


def test_yearly_summary_is_owed_after_30_march_of_the_next_year() -> None:
    trained = [invoice()]
    missing = entrepreneur_missing(trained, [], 2027, today=date(2027, 4, 2))
    summary = next(m for m in missing if m.piece == "bilan_pedagogique")
    assert summary.due == date(2027, 3, 30) and summary.overdue_days == 3
    written = DocumentRow(
        id=80, file_id=80, rel="Bilan 2026.pdf", first=1, last=1, type="bilan_pedagogique",
        confidence=0.9, fields={"date": "2027-03-20"}, invoice=None, entrepreneur="Élodie Faure",
        score=0.0, method="entrepreneur", candidates=[], reason=None, archive_path=None,
    )  # fmt: skip
    kept = entrepreneur_missing(trained, [written], 2027, today=date(2027, 4, 2))
    assert "bilan_pedagogique" not in {m.piece for m in kept}


def test_rules_are_read_from_the_configuration(tmp_path: Path) -> None:
    extra = '[rules]\nevaluation_froid = { level = "aucun" }\nattestation = { due_days = 15 }\n'
    config = load_config(write_config(tmp_path, extra))
    assert config.rules.evaluation_froid.level == "aucun"
    assert config.rules.attestation.due_days == 15
    with pytest.raises(ConfigError):
        load_config(write_config(tmp_path, '[rules]\nemargement = { level = "parfois" }\n'))


def test_a_programme_without_its_evaluation_section_is_incomplete_on_its_dossier() -> None:
    inv = invoice()
    programme = DocumentRow(
        id=81, file_id=81, rel="Programme stress.pdf", first=1, last=2, type="programme",
        confidence=0.9, invoice=None, entrepreneur="Élodie Faure", score=0.0,
        method="entrepreneur", candidates=[], reason=None, archive_path=None,
        fields={"training_title": inv.title, "sections": {
            "objectifs": True, "programme": True, "methodes": True, "evaluation": False}},
    )  # fmt: skip
    dossier = evaluate(inv, [], own=[programme])
    check = next(c for c in dossier.checks if c.code == "programme_incomplete")
    assert check.message == (
        f"Programme « {inv.title} » (document #81) sans modalités d'évaluation."
    )
    assert check.documents == (81,) and "programme" not in pieces(dossier)
    # A convention's annex (pages after the convention's) stands for the programme: a
    # summary, its sections not judged.
    annex = DocumentRow(**{**programme.__dict__, "id": 82, "first": 3, "last": 3})
    assert not evaluate(inv, [], own=[annex]).checks
    # Said once, on the dossier, not again among the entrepreneur's pieces.
    assert not [m for m in entrepreneur_missing([inv], [programme], 2026) if m.piece == "programme"]


def test_subcontracted_training_needs_only_a_quote_signed_by_the_client() -> None:
    received = invoice(subcontracting="reçue", client="Formavenir SAS",
                       client_type="organisme de formation")  # fmt: skip
    quote = DocumentRow(
        id=90, file_id=90, rel="devis signé.pdf", first=1, last=1, type="bon_commande",
        confidence=0.9, invoice="FA-2026-0142", entrepreneur="Élodie Faure", score=1.0,
        method="auto", candidates=[], reason=None, archive_path=None,
        fields={"signatures": {"organisme": False, "client": True},
                "signature_blocks": {"organisme": {"signed": False, "confidence": 0.95},
                                     "client": {"signed": True, "confidence": 0.95}}},
    )  # fmt: skip
    assert "convention" not in pieces(evaluate(received, [quote]))  # the quote is enough
    unsigned = DocumentRow(**{**quote.__dict__, "fields": {
        "signatures": {"organisme": True, "client": False},
        "signature_blocks": {"client": {"signed": False, "confidence": 0.95}}}})  # fmt: skip
    lacking = evaluate(received, [unsigned])
    assert [(c.code, c.message) for c in lacking.checks] == [
        ("signature_missing", "Le devis n'est pas signé par le client.")
    ]
    assert lacking.state == "incomplete" and "bon_commande" not in pieces(lacking)
    # A direct (not subcontracted) training still wants its convention.
    assert "convention" in pieces(evaluate(invoice(), [quote]))


def _cv(doc_id: int, updated: str) -> DocumentRow:
    return DocumentRow(id=doc_id, file_id=doc_id, rel="cv.pdf", first=1, last=1, type="cv",
                       confidence=0.9, fields={"person": "Élodie Faure", "updated": updated},
                       invoice=None, entrepreneur="Élodie Faure", score=0.9,
                       method="entrepreneur", candidates=[], reason=None,
                       archive_path=None)  # fmt: skip


@pytest.mark.parametrize(
    ("updated", "today", "outdated"),
    [
        ("2025-03-02", date(2026, 3, 1), False),  # 364 days
        ("2025-03-02", date(2026, 3, 4), True),
        ("2025-03", date(2026, 3, 30), False),  # counted from 31 March 2025
        ("2025-03", date(2026, 4, 1), True),
        ("2025", date(2026, 6, 1), False),  # perhaps December 2025: not said
        ("2024", date(2026, 1, 2), True),
    ],
)
def test_a_cv_older_than_a_year_is_said_only_when_certain(
    updated: str, today: date, outdated: bool
) -> None:
    checks = entrepreneur_checks([_cv(7, "2020"), _cv(8, updated)], today)
    assert [c.code for c in checks] == (["cv_outdated"] if outdated else [])
    if outdated:
        assert checks[0].documents == (8,) and "plus d'un an" in checks[0].message


def test_a_summary_dropped_in_spring_covers_the_year_before_only() -> None:
    def summary(written: str) -> DocumentRow:
        return DocumentRow(
            id=81, file_id=81, rel="Bilan.pdf", first=1, last=1, type="bilan_pedagogique",
            confidence=0.9, fields={"date": written}, invoice=None, entrepreneur="Élodie Faure",
            score=0.0, method="entrepreneur", candidates=[], reason=None, archive_path=None,
        )  # fmt: skip

    spring = [summary("2026-03-20")]  # her 2025 summary, a little late or not
    assert summary_received(spring, 2025) and not summary_received(spring, 2026)
    leaving = [summary("2026-11-30")]  # a contract ending in November
    assert summary_received(leaving, 2026)
    assert summary_received([summary("")], 2026)  # undated: taken for any year


def _programme(title: str) -> DocumentRow:
    return DocumentRow(
        id=80, file_id=80, rel="programme.pdf", first=1, last=1, type="programme",
        confidence=0.9, fields={"training_title": title}, invoice=None,
        entrepreneur="Élodie Faure", score=0.9, method="entrepreneur", candidates=[],
        reason=None, archive_path=None,
    )  # fmt: skip


def test_a_training_whose_title_no_programme_of_its_entrepreneur_bears_lacks_its_programme() -> (
    None
):
    inv = invoice()
    own_words = _programme(inv.title.upper() + " :")  # however the entrepreneur typed it
    assert "programme" not in pieces(evaluate(inv, [], own=[own_words]))
    lacking = pieces(evaluate(inv, [], own=[_programme("Excel : les bases")]))
    assert lacking["programme"].detail == f"aucun programme « {inv.title} » reçu"  # type: ignore[attr-defined]
    assert "programme" not in pieces(evaluate(inv, [])), "not asked: not checked"


def _hot_waiting(doc_id: int, candidates: list[str]) -> DocumentRow:
    """A hot evaluation the matcher could not place between two invoices."""
    return DocumentRow(
        id=doc_id, file_id=doc_id, rel="elodie.faure/scan0034.pdf", first=1, last=1,
        type="evaluation_chaud", confidence=0.9, fields={}, invoice=None,
        entrepreneur="Élodie Faure", score=0.0, method="", reason="facture-ambigue",
        candidates=[{"invoice": n, "score": 0.8} for n in candidates], archive_path=None,
    )  # fmt: skip


def test_a_dropped_piece_waiting_between_two_invoices_is_to_attach_not_to_ask_for() -> None:
    waiting = _hot_waiting(75, ["FA-2026-0142", "FA-2026-0150"])
    dossier = evaluate(invoice(), complete_but_evaluations(), own=[waiting])
    hot = pieces(dossier)["evaluation_chaud"]
    assert hot.action == "rattacher" and hot.documents == (75,)  # type: ignore[attr-defined]
    assert "en attente de rattachement" in hot.detail and "FA-2026-0150" in hot.detail  # type: ignore[attr-defined]
    # Still not in the dossier: it is not complete until a person files it.
    assert dossier.state == "incomplete"
    # Another invoice's candidates, or a document already filed elsewhere, change nothing.
    elsewhere = _hot_waiting(76, ["FA-2026-0150", "FA-2026-0163"])
    asked = pieces(evaluate(invoice(), complete_but_evaluations(), own=[elsewhere]))
    assert asked["evaluation_chaud"].action == ""  # type: ignore[attr-defined]


def test_what_a_person_must_settle_is_pending_in_the_status_not_missing() -> None:
    from pipeline.status import dossier_json

    doubtful = sheet(
        1, {"Léa Martin": ALL_SIGNED, "Hugo Blanc": ALL_SIGNED}, confidence={("Hugo Blanc", 3): 0.4}
    )
    waiting = _hot_waiting(75, ["FA-2026-0142", "FA-2026-0150"])
    dossier = evaluate(invoice(), [doubtful, agreement(_three(True))], own=[waiting])
    data = dossier_json(dossier)
    pending = {m["piece"]: m for m in data["pending"]}
    assert pending["emargement"]["action"] == "verifier"
    assert "case(s) à vérifier" in pending["emargement"]["detail"]
    assert pending["evaluation_chaud"]["documents"] == [75]
    lacking = {m["piece"] for m in data["missing"]}
    assert "emargement" not in lacking and "evaluation_chaud" not in lacking
    assert "attestation" in lacking  # none was dropped: the entrepreneur owes them
    assert data["state"] == "incomplete"
