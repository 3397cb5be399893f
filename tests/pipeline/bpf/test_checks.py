"""The BPF's checks: each one fails on the data that should make it fail, naming the invoices."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from pipeline.bpf.checks import checks
from pipeline.bpf.run import Bpf, compile_bpf
from pipeline.checklist import Waiver
from pipeline.config import Config
from pipeline.store import Store
from tests.pipeline.bpf.conftest import NOW, add_document, invoice, sheet

ELODIE = "Élodie Faure"


def training(number: str, **fields: Any) -> Any:
    """A complete, consistent training invoice of 2026 (1 day, 2 employees, C1, F3d, 315)."""
    values: dict[str, Any] = {
        "client": "Boulangerie Dupain SARL", "client_type": "entreprise",
        "title": "Gestion du stress", "start": date(2026, 3, 2), "end": date(2026, 3, 2),
        "hours": 7, "trainee_count": 2, "trainees": ("Léa Martin", "Paul Durand"),
        "statuses": ("salarié",), "trainee_hours": 14, "bpf_code": "C1", "objective": "F3d",
        "nsf": "315", "amount_ht": 900,
    } | fields  # fmt: skip
    return invoice(number, date(2026, 3, 6), ELODIE, **values)


def run(store: Store, config: Config, *invoices: Any) -> Bpf:
    store.upsert_invoices(list(invoices), NOW)
    return compile_bpf(store, config, 2026, NOW)


def result(bpf: Bpf, code: str) -> dict[str, Any]:
    return next(c for c in bpf.as_json()["checks"] if c["code"] == code)


def test_missing_status_objective_and_nsf_break_the_f_totals_and_name_the_invoice(
    store: Store, config: Config
) -> None:
    bpf = run(store, config, training("FA-1"),
              training("FA-2", statuses=(), trainee_count=3, trainees=(), trainee_hours=21),
              training("FA-3", objective="F3a", nsf="999"))  # fmt: skip
    totals = result(bpf, "f_totals")
    assert not totals["ok"] and totals["invoices"] == ["FA-2", "FA-3"]
    # FA-2 is left out of F-1 only, FA-3 out of F-3 and F-4 only.
    assert "F-1 : 4 stagiaire(s), 28 h; F-3 : 5 stagiaire(s), 35 h" in totals["message"]
    assert result(bpf, "status_missing")["invoices"] == ["FA-2"]
    assert result(bpf, "objective_missing")["invoices"] == ["FA-3"]
    assert result(bpf, "nsf_missing")["invoices"] == ["FA-3"]
    assert result(bpf, "bpf_code_missing")["ok"]
    assert not bpf.ok


def test_one_status_per_trainee_must_match_the_trainees(store: Store, config: Config) -> None:
    bpf = run(store, config, training("FA-1", statuses=("salarié", "apprenti", "salarié")))
    assert result(bpf, "status_missing")["invoices"] == ["FA-1"]


def test_unknown_or_partial_bpf_code_is_listed_and_left_out_of_cadre_c(
    store: Store, config: Config
) -> None:
    bpf = run(store, config, training("FA-1", bpf_code="C2"), training("FA-2", bpf_code="C14"))
    check = result(bpf, "bpf_code_missing")
    assert check["invoices"] == ["FA-1", "FA-2"] and not check["ok"]
    assert bpf.as_json()["C"]["total"] == 0


def test_trainee_hours_disagreeing_with_the_sheets(store: Store, config: Config) -> None:
    # The invoice says 14 trainee-hours; the sheet: Paul absent on the afternoon (10.5 h).
    store.upsert_invoices([training("FA-1", hours=7)], NOW)
    sheet_id = add_document(store, "FA-1", ELODIE, "emargement", sheet(
        ["2026-03-02"], ["Léa Martin", "Paul Durand"],
        absent=[("Paul Durand", "2026-03-02", "apres-midi")]))  # fmt: skip
    bpf = compile_bpf(store, config, 2026, NOW)
    check = result(bpf, "trainee_hours_mismatch")
    assert not check["ok"] and check["invoices"] == ["FA-1"] and check["documents"] == [sheet_id]
    # Until a person settles it, the invoice's figure stands, and the trace says why.
    assert bpf.as_json()["F1"]["a"] == {"trainees": 2, "hours": 14}
    assert bpf.facts[0].source == "facture" and "désaccord" in bpf.facts[0].source_note
    # Waived (the person accepts the sheets), the sheets' 10.5 h count.
    waiver = Waiver("trainee_hours_mismatch", "appui", NOW.isoformat(), "Paul absent l'après-midi")
    store.waive(waiver, "FA-1")
    bpf = compile_bpf(store, config, 2026, NOW)
    assert bpf.as_json()["F1"]["a"] == {"trainees": 2, "hours": 11}  # 10.5 h, from the sheet
    assert bpf.facts[0].source == "feuilles"


def test_sheets_with_a_half_day_missing_leave_the_hours_to_the_invoice(
    store: Store, config: Config
) -> None:
    store.upsert_invoices([training("FA-1", hours=14, end=date(2026, 3, 3), trainee_hours=28)],
                          NOW)  # fmt: skip
    add_document(store, "FA-1", ELODIE, "emargement",
                 sheet(["2026-03-02"], ["Léa Martin", "Paul Durand"]))  # fmt: skip
    bpf = compile_bpf(store, config, 2026, NOW)
    facts = bpf.facts[0]
    assert facts.source == "facture" and "2 demi-journée(s) sans feuille" in facts.source_note
    assert bpf.as_json()["F1"]["a"]["hours"] == 28
    warning = next(w for w in bpf.as_json()["warnings"] if w["code"] == "hours_from_invoice")
    assert warning["invoices"] == ["FA-1"]


def test_across_the_year_with_an_unsigned_cell_the_invoice_is_split_by_half_days(
    store: Store, config: Config
) -> None:
    # Two days in December 2025, one in January 2026; a signature forgotten in December:
    # the sheets do not settle the hours, but they date every half-day (2 of 6 in 2026).
    names = ["Sophie Arnaud", "Marc Olivier", "Nadia Haddad"]
    store.upsert_invoices([training("FA-1", start=date(2025, 12, 11), end=date(2026, 1, 8),
                                    hours=21, trainee_count=3, trainees=tuple(names),
                                    trainee_hours=63)], NOW)  # fmt: skip
    add_document(store, "FA-1", ELODIE, "emargement",
                 sheet(["2025-12-11", "2025-12-12", "2026-01-08"], names,
                       empty=[("Marc Olivier", "2025-12-12", "matin")]))  # fmt: skip
    facts = compile_bpf(store, config, 2026, NOW).facts[0]
    assert facts.source == "facture-demi-journees"
    assert (facts.trainees, facts.hours, facts.trainer_hours) == (3, 21.0, 7.0)
    assert "signature(s) manquante(s)" in facts.source_note
    before = compile_bpf(store, config, 2025, NOW).facts[0]
    assert (before.hours, before.trainer_hours, before.income) == (42.0, 14.0, False)


def test_received_training_without_c10_breaks_g_against_c10(store: Store, config: Config) -> None:
    bpf = run(store, config, training("FA-1", subcontracting="reçue"))
    assert not result(bpf, "g_matches_c10")["ok"]
    assert result(bpf, "subcontracting_mismatch")["invoices"] == ["FA-1"]
    assert bpf.as_json()["G"] == {"trainees": 2, "hours": 14}
    assert bpf.as_json()["C"]["10"] == 0


def test_c10_invoiced_the_year_after_the_training_breaks_g_against_c10(
    store: Store, config: Config
) -> None:
    december = date(2026, 12, 14)
    late = invoice("FA-1", date(2027, 1, 8), ELODIE, title="Excel", start=december,
                   end=december, hours=7, trainee_count=2, statuses=("salarié",),
                   trainee_hours=14, bpf_code="C10", subcontracting="reçue",
                   amount_ht=500)  # fmt: skip
    store.upsert_invoices([late], NOW)
    this_year = compile_bpf(store, config, 2026, NOW)
    next_year = compile_bpf(store, config, 2027, NOW)
    assert this_year.as_json()["G"]["trainees"] == 2 and this_year.as_json()["C"]["10"] == 0
    assert next_year.as_json()["G"]["trainees"] == 0 and next_year.as_json()["C"]["10"] == 500
    assert not result(this_year, "g_matches_c10")["ok"]
    assert not result(next_year, "g_matches_c10")["ok"]


def test_training_given_away_without_status_makes_f2_exceed_f1(
    store: Store, config: Config
) -> None:
    bpf = run(store, config, training("FA-1", subcontracting="confiée", statuses=("?",)))
    check = result(bpf, "f2_within_f1")
    assert not check["ok"] and check["invoices"] == ["FA-1"]


def test_sums_of_cadre_c_are_checked_on_the_figures_typed_in(store: Store, config: Config) -> None:
    bpf = run(store, config, training("FA-1", bpf_code="C2h"), training("FA-2"))
    assert result(bpf, "c2_sum")["ok"] and result(bpf, "c_total")["ok"]
    tampered = replace(bpf.figures, c=bpf.figures.c | {"2": 1, "total": 5})
    found = {c.code: c.ok for c in checks(tampered, list(bpf.facts))}
    assert not found["c2_sum"] and not found["c_total"]


def test_missing_amount_trainees_and_hours_are_listed(store: Store, config: Config) -> None:
    bpf = run(store, config,
              training("FA-1", amount_ht=None),
              training("FA-2", trainee_count=None, trainees=(), statuses=()),
              training("FA-3", trainee_hours=None, hours=None))  # fmt: skip
    assert result(bpf, "amount_missing")["invoices"] == ["FA-1"]
    assert result(bpf, "trainees_missing")["invoices"] == ["FA-2"]
    assert result(bpf, "hours_missing")["invoices"] == ["FA-3"]


def test_incomplete_dossiers_are_listed_with_what_they_lack(store: Store, config: Config) -> None:
    bpf = run(store, config, training("FA-1"))
    check = next(c for c in bpf.checks if c.code == "dossiers_incomplete")
    assert not check.ok and check.invoices == ("FA-1",)
    assert check.details[0].startswith("FA-1 (Élodie Faure) : incomplet, manque convention")


def test_cancelled_or_non_training_invoices_count_nowhere(store: Store, config: Config) -> None:
    other = invoice("FA-9", date(2026, 3, 6), ELODIE, client="Domaine", amount_ht=5000)
    bpf = run(store, config, training("FA-1"), training("FA-2", cancelled=True), other)
    assert [f.number for f in bpf.facts] == ["FA-1"]
    assert bpf.as_json()["C"]["total"] == 900
