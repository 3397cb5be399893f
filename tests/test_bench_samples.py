"""bench/bench_samples.py judges what was read as corpus-2025's scorer does (no product run)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.conftest import ROOT


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_samples", ROOT / "bench/bench_samples.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_samples", module)
    spec.loader.exec_module(module)
    return module


bench = _bench()


def test_names_match_whatever_their_case_accents_and_order() -> None:
    assert bench.field_right("trainee", "MOREL Inès", "Inès Morel")
    assert bench.field_right("trainer", "elodie faure", "Élodie Faure")
    assert not bench.field_right("trainee", "Inès Moreau", "Inès Morel")
    assert not bench.field_right("trainee", None, "Inès Morel")


def test_dates_are_exact_and_amounts_and_hours_right_to_the_cent() -> None:
    assert bench.field_right("start_date", "2026-03-09", "2026-03-09")
    assert not bench.field_right("start_date", "2025-03-09", "2026-03-09")
    assert bench.field_right("amount_ht", 2450.004, 2450.0)
    assert not bench.field_right("amount_ht", 2450.5, 2450.0)
    assert not bench.field_right("hours_attended", "10,5", 10.5)  # a number, not its text


def test_titles_and_clients_may_differ_by_a_few_letters_only() -> None:
    assert bench.field_right("client", "Boulangerie Dupain SARL.", "Boulangerie Dupain SARL")
    assert not bench.field_right("client", "Hôtel Les Pins", "Boulangerie Dupain SARL")


def test_trainees_are_right_when_every_expected_name_is_among_those_read() -> None:
    want = ["Léa Martin", "Paul Durand"]
    assert bench.trainees_right(["DURAND Paul", "Martin Lea", "Hugo Blanc"], want)
    assert not bench.trainees_right(["Léa Martin"], want)
    assert not bench.trainees_right("Léa Martin, Paul Durand", want)


def test_a_read_document_is_scored_against_the_one_sharing_most_pages() -> None:
    read = [{"pages": [1, 1], "type": "a"}, {"pages": [2, 3], "type": "b"}]
    assert bench.best(read, (2, 2))["type"] == "b"
    assert bench.best([{"pages": 2, "type": "c"}], (2, 2))["type"] == "c"  # a page count
    assert bench.best(read, (4, 4)) is None


def test_a_file_cut_differently_and_a_wrong_type_are_failures_with_what_was_read() -> None:
    files = [
        {
            "file": "x.pdf",
            "rendering": "scan",
            "documents": [
                {"pages": [1, 1], "type": "attestation", "fields": {"trainee": "Léa Martin"}},
                {"pages": [2, 2], "type": "attestation", "fields": {"trainee": "Paul Durand"}},
            ],
        }
    ]
    read = [{"file": "x.pdf", "pages": 2, "type": "autre", "fields": {"trainee": "Lea MARTIN"}}]
    tally = bench.score_classify(files, read)
    assert tally.of("split") == "0/1" and tally.of("type:scan") == "0/2"
    assert tally.of("field:attestation:trainee") == "1/2"
    assert "attestation read as autre" in tally.failures["type:scan"][0]


def test_dossiers_count_pieces_and_codes_found_and_reported_wrongly() -> None:
    truth = {
        "dossiers": [
            {
                "invoice": "F1",
                "state": "incomplete",
                "missing": [{"piece": "attestation"}, {"piece": "programme"}],
                "checks": [{"code": "signature_missing"}],
            }
        ],
        "entrepreneurs": [],
    }
    read = {
        "dossiers": [
            {
                "invoice": "F1",
                "state": "inconsistent",
                "missing": [{"piece": "attestation"}, {"piece": "emargement"}],
                "checks": [{"code": "trainee_hours_mismatch"}],
            }
        ],
        "entrepreneurs": [],
    }
    tally = bench.score_dossiers(truth, read)
    assert tally.of("missing_found") == "1/2" and tally.counts["missing_false"]["ko"] == 1
    assert tally.of("checks_found") == "0/1" and tally.counts["checks_false"]["ko"] == 1
    assert tally.of("states") == "0/1"


def test_attachments_count_right_wrong_and_the_documents_left_waiting() -> None:
    files = [
        {
            "file": "a.pdf",
            "documents": [{"pages": [1, 1], "invoice": "F1"}, {"pages": [2, 2], "invoice": "F2"}],
        }
    ]
    status = {
        "dossiers": [
            {
                "invoice": "F1",
                "documents": [
                    {"file": "a.pdf", "pages": [1, 1], "type": "attestation"},
                    {"file": "a.pdf", "pages": [2, 2], "type": "attestation"},
                ],
            }
        ],
        "unfiled": [],
        "entrepreneurs": [],
    }
    tally = bench.score_attachments(files, status)
    assert tally.of("attached") == "1/2" and tally.of("recall") == "1/2"
    assert "belongs to F2" in tally.failures["attached"][0]


def test_bpf_figures_compare_every_number_and_f4_by_speciality() -> None:
    truth = {"C": {"1": 100, "total": 100}, "F4": [{"nsf": "315", "trainees": 2, "hours": 14}]}
    read = {"C": {"1": 100, "total": 90}, "F4": [{"nsf": "315", "trainees": 2, "hours": 14}]}
    tally = bench.score_bpf(truth, read)
    assert tally.of("bpf") == "3/4" and tally.failures["bpf"] == ["C.total: 100 expected, 90"]


def test_waits_count_the_right_reason_and_flag_waits_missing_or_unexpected() -> None:
    files = [
        {"file": "doc.pdf", "documents": [{"pages": [1, 1], "reason": "facture-ambigue"}]},
        {"file": "vide.pdf", "documents": [{"pages": [1, 1], "reason": "vide"}]},
        {"file": "att.pdf", "documents": [{"pages": [1, 1], "invoice": "F1", "reason": None}]},
    ]
    status = {
        "unfiled": [
            {"file": "doc.pdf", "pages": [1, 1], "reason": "facture-ambigue"},
            {"file": "att.pdf", "pages": [1, 1], "reason": "sans-facture"},
        ],
        "set_aside": [],
    }
    tally = bench.score_waits(files, status)
    assert tally.of("waits") == "1/3"
    assert any("vide.pdf" in f and "should wait as vide" in f for f in tally.failures["waits"])
    assert any("att.pdf" in f and "expected filed" in f for f in tally.failures["waits"])
