"""The BPF of a small cooperative, worked out by hand line by line, against the software.

A real database holds fourteen invoices and their attendance sheets: every C line a CAE
uses (1, 2e CPF, 2h OPCO, 3 public employer, 6 Region, 7 France Travail, 9 private person,
10 subcontractor, 11 other income), training given away (confiée) and received (reçue),
a trainee absent for a half-day, a training across 31 December, one invoiced the next
year for December hours, one of last year, and a non-training invoice.
"""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.bpf.run import Bpf, compile_bpf
from pipeline.config import Config
from pipeline.store import Store
from tests.pipeline.bpf.conftest import NOW, add_document, invoice, sheet

ELODIE, CAMILLE = "Élodie Faure", "Camille Rousseau"
D = date


def names(prefix: str, n: int) -> tuple[str, ...]:
    return tuple(f"{first} {prefix}" for first in ("Léa", "Paul", "Inès", "Hugo")[:n])


INVOICES = [
    # C1, a company; 2 trainees of different status, Paul absent on the afternoon (sheet).
    invoice("FA-01", D(2026, 3, 6), ELODIE, client="Boulangerie Dupain SARL",
            client_type="entreprise", title="Gestion du stress", start=D(2026, 3, 2),
            end=D(2026, 3, 2), hours=7, trainee_count=2, trainees=("Léa Martin", "Paul Durand"),
            statuses=("salarié", "apprenti"), trainee_hours=10.5, bpf_code="C1",
            objective="F3d", nsf="315", amount_ht=1000.40),
    # C2h, an OPCO for the plan; no sheet: hours from the invoice.
    invoice("FA-02", D(2026, 4, 10), CAMILLE, client="OPCO Atlas", client_type="opco",
            title="Excel", start=D(2026, 4, 6), end=D(2026, 4, 7), hours=14, trainee_count=3,
            trainees=names("Roux", 3), statuses=("salarié",), trainee_hours=42,
            bpf_code="C2h", objective="F3d", nsf="324", amount_ht=1500),
    # C2e, the CPF; a certification of the RS (F3b), at a distance.
    invoice("FA-03", D(2026, 5, 15), CAMILLE, client="Caisse des dépôts", title="Anglais TOEIC",
            start=D(2026, 5, 11), end=D(2026, 5, 13), hours=21, trainee_count=1,
            statuses=("salarié",), trainee_hours=21, bpf_code="C2e", objective="F3b",
            nsf="136", amount_ht=1200, distance="total"),
    # C7, France Travail, for job seekers.
    invoice("FA-04", D(2026, 6, 12), ELODIE, client="France Travail", title="Confiance en soi",
            start=D(2026, 6, 8), end=D(2026, 6, 9), hours=14, trainee_count=2,
            statuses=("demandeur d'emploi",), trainee_hours=28, bpf_code="C7",
            objective="F3d", nsf="413", amount_ht=2000),
    # C9, a private person at their own cost.
    invoice("FA-05", D(2026, 6, 20), CAMILLE, client="Julien Moreau", client_type="particulier",
            title="Espagnol", start=D(2026, 6, 15), end=D(2026, 6, 16), hours=14,
            trainee_count=1, statuses=("particulier",), trainee_hours=14, bpf_code="C9",
            objective="F3d", nsf="136", amount_ht=525),
    # C3, a public employer training its agents ("autre" status).
    invoice("FA-06", D(2026, 9, 25), CAMILLE, client="Communauté de communes",
            client_type="public", title="Réseaux sociaux", start=D(2026, 9, 24),
            end=D(2026, 9, 24), hours=7, trainee_count=4, statuses=("autre",), trainee_hours=28,
            bpf_code="C3", objective="F3d", nsf="320", amount_ht=950),
    # C10, the cooperative as subcontractor of another training organisation: G only.
    invoice("FA-07", D(2026, 10, 9), CAMILLE, client="Formavenir SAS",
            client_type="organisme de formation", title="Excel VBA", start=D(2026, 10, 5),
            end=D(2026, 10, 6), hours=14, trainee_count=4, statuses=("salarié",),
            trainee_hours=56, bpf_code="C10", objective="F3d", nsf="324", amount_ht=1400,
            subcontracting="reçue"),
    # C1, given to another organisation (F-2); its trainer is outside (E-2).
    invoice("FA-08", D(2026, 4, 17), ELODIE, client="Ets Bastide Export", title="Anglais",
            start=D(2026, 4, 13), end=D(2026, 4, 14), hours=14, trainee_count=2,
            statuses=("salarié",), trainee_hours=28, bpf_code="C1", objective="F3d",
            nsf="136", amount_ht=1300, subcontracting="confiée"),
    # C1 across 31 December: two days in 2025, one in 2026 (by the sheet's half-days).
    invoice("FA-09", D(2026, 1, 16), ELODIE, client="Transports Garrigue", title="Manager",
            start=D(2025, 12, 11), end=D(2026, 1, 8), hours=21, trainee_count=3,
            trainees=("Sophie Arnaud", "Marc Olivier", "Nadia Haddad"), statuses=("salarié",),
            trainee_hours=63, bpf_code="C1", objective="F3d", nsf="315", amount_ht=2940),
    # Not a training: no title, no BPF code.
    invoice("FA-10", D(2026, 5, 12), ELODIE, client="Domaine de la Garrigue", amount_ht=1200),
    # C11, other training income (travel re-invoiced): income, no trainees.
    invoice("FA-11", D(2026, 11, 20), CAMILLE, client="Formavenir SAS",
            title="Refacturation des frais de déplacement", bpf_code="C11", amount_ht=150.50),
    # Hours of December 2026, invoiced in January 2027: hours this year, income next year.
    invoice("FA-12", D(2027, 1, 10), ELODIE, client="OPCO EP", client_type="opco",
            title="Entretien annuel", start=D(2026, 12, 14), end=D(2026, 12, 14), hours=7,
            trainee_count=1, statuses=("salarié",), trainee_hours=7, bpf_code="C2h",
            objective="F3d", nsf="315", amount_ht=700),
    # C6, a Region, for job seekers.
    invoice("FA-13", D(2026, 7, 3), CAMILLE, client="Région Occitanie", client_type="public",
            title="Vendre en boutique", start=D(2026, 6, 29), end=D(2026, 7, 3), hours=35,
            trainee_count=2, statuses=("demandeur d'emploi",), trainee_hours=70,
            bpf_code="C6", objective="F3d", nsf="312", amount_ht=3200),
    # Last year's training, last year's invoice: nowhere in 2026.
    invoice("FA-14", D(2025, 11, 14), CAMILLE, client="Garage Martinez", title="Word",
            start=D(2025, 11, 3), end=D(2025, 11, 4), hours=14, trainee_count=2,
            statuses=("salarié",), trainee_hours=28, bpf_code="C1", objective="F3d",
            nsf="324", amount_ht=990),
]  # fmt: skip


@pytest.fixture
def bpf(store: Store, config: Config) -> Bpf:
    store.upsert_invoices(INVOICES, NOW)
    add_document(store, "FA-01", ELODIE, "emargement",
                 sheet(["2026-03-02"], ["Léa Martin", "Paul Durand"],
                       absent=[("Paul Durand", "2026-03-02", "apres-midi")]))  # fmt: skip
    add_document(store, "FA-09", ELODIE, "emargement",
                 sheet(["2025-12-11", "2025-12-12", "2026-01-08"],
                       ["Sophie Arnaud", "Marc Olivier", "Nadia Haddad"]))  # fmt: skip
    add_document(
        store,
        "FA-08",
        ELODIE,
        "convention",
        {"trainer": "James Porter (Lingua Sud Formation)", "client": "Ets Bastide"},
    )
    return compile_bpf(store, config, 2026, NOW)


def test_cadre_c_by_invoice_date_in_whole_euros(bpf: Bpf) -> None:
    # 1 = FA-01 1000,40 + FA-08 1300 + FA-09 2940 = 5240,40 ; 11 = 150,50 (FA-11).
    # Total 16166,30 -> 16166 €; the lines' floors make 16165: the one euro left goes to
    # the largest remainder, line 11 (0,50 > 0,40). FA-12 (dated 2027), FA-14 (2025) and
    # FA-10 (not a training) bring nothing.
    c = bpf.as_json()["C"]
    assert c == {
        "1": 5240, "2a": 0, "2b": 0, "2c": 0, "2d": 0, "2e": 1200, "2f": 0, "2g": 0,
        "2h": 1500, "3": 950, "4": 0, "5": 0, "6": 3200, "7": 2000, "8": 0, "9": 525,
        "10": 1400, "11": 151, "2": 2700, "total": 16166,
    }  # fmt: skip


def test_cadre_e_own_trainers_and_the_outside_one(bpf: Bpf) -> None:
    # Internal: Élodie and Camille. Hours delivered in 2026: FA-01 7, 02 14, 03 21, 04 14,
    # 05 14, 06 7, 07 14 (as subcontractor: still her hours), 09 7 (8 January only),
    # 12 7, 13 35 = 140. External: FA-08 given to James Porter, 14 h.
    assert bpf.as_json()["E"] == {
        "internal": {"people": 2, "hours": 140},
        "external": {"people": 1, "hours": 14},
    }


def test_cadre_f1_by_trainee_status(bpf: Bpf) -> None:
    # a: FA-01 Léa 7 + FA-02 42 + FA-03 21 + FA-08 28 + FA-09 21 (1 day x 3) + FA-12 7
    #    = 11 trainees, 126 h
    # b: FA-01 Paul 3,5 (absent on the afternoon)        c: FA-04 28 + FA-13 70 = 4, 98 h
    # d: FA-05 14                                         e: FA-06 28
    # Total 21 trainees, 269,5 h -> 270; b's 3,5 takes the unit left (270 - 269 of floors).
    assert bpf.as_json()["F1"] == {
        "a": {"trainees": 11, "hours": 126},
        "b": {"trainees": 1, "hours": 4},
        "c": {"trainees": 4, "hours": 98},
        "d": {"trainees": 1, "hours": 14},
        "e": {"trainees": 4, "hours": 28},
        "total": {"trainees": 21, "hours": 270},
    }


def test_cadre_f2_training_given_to_another_organisation(bpf: Bpf) -> None:
    assert bpf.as_json()["F2"] == {"trainees": 2, "hours": 28}


def test_cadre_f3_by_objective(bpf: Bpf) -> None:
    # b: FA-03 (1, 21 h). d: the other 20 trainees, 248,5 h -> 249.
    f3 = bpf.as_json()["F3"]
    zero = {"trainees": 0, "hours": 0}
    assert f3 == {
        "a": zero, "a6": zero, "a5": zero, "a4": zero, "a3": zero, "a2": zero, "aCQP": zero,
        "b": {"trainees": 1, "hours": 21}, "c": zero,
        "d": {"trainees": 20, "hours": 249}, "e": zero, "f": zero,
        "total": {"trainees": 21, "hours": 270},
    }  # fmt: skip


def test_cadre_f4_five_main_specialities_and_the_others(bpf: Bpf) -> None:
    # By trainee-hours: 312 70, 136 63 (FA-03 21 + FA-05 14 + FA-08 28), 324 42,
    # 315 38,5 (FA-01 10,5 + FA-09 21 + FA-12 7) -> 39, then 320 and 413 at 28 h each:
    # 320 has more trainees (4 against 2) and is fifth; 413 goes to the others.
    assert bpf.as_json()["F4"] == [
        {"nsf": "312", "label": "Commerce, vente", "trainees": 2, "hours": 70},
        {"nsf": "136", "label": "Langues vivantes, civilisations étrangères et régionales",
         "trainees": 4, "hours": 63},
        {"nsf": "324", "label": "Secrétariat, bureautique", "trainees": 3, "hours": 42},
        {"nsf": "315", "label": "Ressources humaines, gestion du personnel, gestion de "
         "l'emploi", "trainees": 6, "hours": 39},
        {"nsf": "320", "label": "Spécialités plurivalentes de la communication", "trainees": 4,
         "hours": 28},
        {"nsf": None, "label": "Autres spécialités", "trainees": 2, "hours": 28},
    ]  # fmt: skip


def test_cadre_g_training_received_as_subcontractor(bpf: Bpf) -> None:
    assert bpf.as_json()["G"] == {"trainees": 4, "hours": 56}


def test_cadre_b_distance_and_the_period(bpf: Bpf) -> None:
    data = bpf.as_json()
    assert data["B"] == {"distance": True}
    assert data["period"] == {"from": "2026-01-01", "to": "2026-12-31"}
    assert (data["year"], data["cerfa"]) == (2026, "10443*17")


def test_the_form_checks_hold_on_the_hand_made_year(bpf: Bpf) -> None:
    results = {c["code"]: c["ok"] for c in bpf.as_json()["checks"]}
    for code in ("f_totals", "c2_sum", "c_total", "f2_within_f1", "g_matches_c10",
                 "bpf_code_missing", "objective_missing", "nsf_missing", "status_missing",
                 "trainee_hours_mismatch"):  # fmt: skip
        assert results[code], code


def test_each_invoice_says_where_its_hours_come_from(bpf: Bpf) -> None:
    by_number = {f.number: f for f in bpf.facts}
    assert by_number["FA-01"].source == "feuilles"
    assert by_number["FA-09"].source == "feuilles" and by_number["FA-09"].crosses_year
    assert by_number["FA-02"].source == "facture"
    assert "FA-10" not in by_number and "FA-14" not in by_number
    assert by_number["FA-12"].role == "F" and not by_number["FA-12"].income
    warnings = {w["code"]: w["invoices"] for w in bpf.as_json()["warnings"]}
    assert warnings["split_by_half_days"] == ["FA-09"]
    assert warnings["income_other_year"] == ["FA-12"]
