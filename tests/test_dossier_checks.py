"""Every rule and check of a dossier, on realistic documents through the real pipeline.

One share, one entrepreneur, one training per case on its own week: born-digital
conventions, attendance grids, attestations and evaluations drawn by the sample generator
(``samples/gen``), the export written as the invoicing module writes it, the files read by
the real stages (the marks too: signature blocks and attendance cells, with the OCR engine),
and the dossiers evaluated as ``dossiers status`` does. Each case changes one thing from a
complete dossier, in the documents or in the export, and names what must be found.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import pytest

from pipeline import operations, runner, status
from pipeline.config import load_config
from pipeline.ocr import TesserocrEngine
from pipeline.store import Store
from samples.gen import docs
from samples.gen.data import COOP
from samples.gen.export import export_csv, invoice_row
from samples.gen.model import APREM, Entrepreneur, Style, days_slots
from samples.gen.model import Invoice as Training
from samples.gen.pen import Pen
from tests.conftest import NOW, write_config

pytestmark = pytest.mark.ocr

CAMILLE = Entrepreneur(
    "Camille Rousseau", "camille@example.org", "Camille Rousseau",
    "Formatrice en prévention des risques psychosociaux", "Montpellier", Style(),
    ("Titre professionnel FPA",),
)  # fmt: skip
# Each session its own group, as in life: names tell sessions apart as much as dates do.
GROUPS = [
    ("Léa Martin", "Paul Durand"), ("Inès Moreau", "Hugo Lambert"),
    ("Chloé Petit", "Yanis Lopez"), ("Manon Chevalier", "Lucas Girard"),
    ("Emma Fontaine", "Nathan Roux"), ("Jade Mercier", "Louis Bonnet"),
    ("Zoé Garnier", "Arthur Faure"), ("Camille Dupuis", "Théo Masson"),
    ("Sarah Lemoine", "Enzo Marchal"), ("Alice Renaud", "Gabriel Colin"),
    ("Lina Brunet", "Raphaël Noël"),
]  # fmt: skip
# Export columns a case may edit (samples/gen/export.py INVOICE_COLUMNS).
START, END, COUNT, TRAINEES, HOURS, BPF = 7, 8, 10, 11, 13, 14
Build = Callable[[Pen], Any]


def training(number: str, week: int, **changes: Any) -> Training:
    monday = date(2026, 3, 2) + timedelta(weeks=week)
    days = [monday, monday + timedelta(days=1)]
    inv = Training(
        number, days[-1] + timedelta(days=3), CAMILLE, f"Client {number[-3:]} SARL",
        "entreprise", 1400.0, title="Gestion du stress au travail",
        place="12 rue des Lilas, 34000 Montpellier", slots=days_slots(*days),
        trainees=list(GROUPS[week]), bpf="C1", objective="F3d", nsf="315",
        client_address="5 place de la Comédie, 34000 Montpellier", client_rep="Mme la gérante",
        objectives=("Identifier les sources de stress", "Construire un plan d'action"),
        modules=("Module 1 : comprendre le stress", "Module 2 : outils et mises en situation"),
    )  # fmt: skip
    return replace(inv, **changes)


def pieces(
    inv: Training,
    *,
    agreement: str = "convention",
    signed: tuple[str, ...] = ("organisme", "client", "formateur"),
    signed_on: date | None = None,
    empty: frozenset[tuple[str, date, str]] = frozenset(),
    attested: tuple[str, ...] | None = None,
) -> dict[str, Build]:
    """A complete dossier's documents, file name -> drawing, with one thing changed if asked."""
    when = signed_on or inv.start - timedelta(days=14)
    out: dict[str, Build] = {}
    if agreement == "convention":
        out["convention.pdf"] = lambda p: docs.convention(
            p, inv, number=False, signed=signed, doc_date=when
        )
    else:
        out["devis signé.pdf"] = lambda p: docs.bon_commande(
            p, inv, quote_no="DEV-2026-41", doc_date=when, order_ref="BC41250", signed=signed
        )
    out["émargement.pdf"] = lambda p: docs.emargement_grid(p, inv, empty=set(empty))
    for who in inv.trainees if attested is None else attested:
        out[f"attestation {who}.pdf"] = lambda p, who=who: docs.attestation(
            p, inv, who, model="fin", doc_date=inv.end
        )
    answers = ([5, 4] * 10)[: len(docs.HOT_QUESTIONS)]
    out["évaluations.pdf"] = lambda p: docs.evaluation_chaud(p, inv, None, answers, form="online")
    return out


@dataclass
class Case:
    folder: str  # where the files lie in the entrepreneur's folder
    invoice: Training  # what the documents say
    files: dict[str, Build]
    exported: Training | None = None  # what the export says, when it differs
    edit: dict[int, str] = field(default_factory=dict)  # export cells changed by hand


def _cases() -> dict[str, Case]:
    complete = training("FA-2026-0301", 0)
    half_day = training("FA-2026-0302", 1)
    no_client = training("FA-2026-0303", 2)
    subcontracted = training(
        "FA-2026-0304", 3, client="Institut Formavenir", client_type="organisme de formation",
        bpf="C10", subcontracting="reçue",
    )  # fmt: skip
    late = training("FA-2026-0305", 4)
    hours = training("FA-2026-0306", 5)
    count = training("FA-2026-0307", 6)
    stranger = training("FA-2026-0308", 7)
    moved = training("FA-2026-0309", 8)
    absent = training("FA-2026-0310", 9)
    absent.absences = {(absent.trainees[1], s.day, s.half) for s in absent.slots}
    mentions = training("FA-2026-0311", 10)
    return {
        "complete": Case("complet", complete, pieces(complete)),
        "half_day": Case("demi-journee", half_day, pieces(
            half_day, empty=frozenset({("Hugo Lambert", half_day.end, APREM)}))),
        "no_client_signature": Case("sans-client", no_client, pieces(
            no_client, signed=("organisme", "formateur"))),
        "subcontracted_quote": Case("sous-traitance", subcontracted, pieces(
            subcontracted, agreement="devis", signed=("organisme", "client"))),
        "signed_late": Case("signee-tard", late, pieces(
            late, signed_on=late.start + timedelta(days=1))),
        "hours": Case("heures", hours, pieces(hours), edit={HOURS: "21"}),
        "count": Case("effectif", count, pieces(count), edit={COUNT: "3"}),
        "stranger": Case("inconnu", stranger, pieces(stranger), edit={
            TRAINEES: "Camille Dupuis, Sophie Caron"}),
        # Filed by its invoice's folder: the documents' dates are not the invoice's.
        "dates": Case("FA-2026-0309", moved, pieces(moved), edit={
            START: "15/06/2026", END: "16/06/2026"}),
        "attestation_absent": Case("absent", absent, pieces(absent)),
        "mentions": Case("mentions", mentions, pieces(mentions), edit={BPF: ""}),
    }  # fmt: skip


CASES = _cases()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("checks")
    path = write_config(root)
    path.write_text(path.read_text(encoding="utf-8").replace("Coopérative Test", COOP.name),
                    encoding="utf-8")  # fmt: skip
    config = load_config(path)
    rows = []
    for case in CASES.values():
        row = invoice_row(case.exported or case.invoice)
        rows.append([case.edit.get(k, cell) for k, cell in enumerate(row)])
        for name, build in case.files.items():
            target = config.paths.drop / CAMILLE.folder / case.folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            pen = Pen(random.Random(f"{case.folder}/{name}"), title=name, author=CAMILLE.name)
            build(pen)
            target.write_bytes(pen.finish()[0])
    cv = config.paths.drop / CAMILLE.folder / "CV Camille Rousseau 2025.pdf"
    pen = Pen(random.Random("cv"), title="CV", author=CAMILLE.name)
    history = (["2019-2026 : formatrice indépendante"], ["Gestion du stress au travail"])
    docs.cv(pen, CAMILLE, date(2025, 1, 15), history)
    cv.write_bytes(pen.finish()[0])
    # The programme of the training every case sells: without it, no dossier is complete.
    pen = Pen(random.Random("programme"), title="Programme", author=CAMILLE.name)
    docs.programme(pen, CASES["complete"].invoice, with_eval=True)
    (cv.parent / "Programme stress.pdf").write_bytes(pen.finish()[0])
    (root / "factures.csv").write_bytes(export_csv([], rows))
    with Store(config.paths.database) as store, TesserocrEngine(config.ocr) as engine:
        store.sync_entrepreneurs(config.people)
        ctx = runner.Context(config=config, store=store, ocr=engine, clock=lambda: NOW)
        operations.import_invoices(ctx, root / "factures.csv")
        outcomes = operations.ingest(ctx, [config.paths.drop])
        assert all(o.reason is None for o in outcomes), [(o.rel, o.detail) for o in outcomes]
        yield status.report(store, config, 2026, today=NOW.date())


def dossier(report: dict[str, Any], case: str) -> dict[str, Any]:
    number = CASES[case].invoice.number
    return next(d for d in report["dossiers"] if d["invoice"] == number)


def required(d: dict[str, Any]) -> dict[str, str]:
    return {m["piece"]: m["detail"] for m in d["missing"] if m["level"] == "requis"}


def codes(d: dict[str, Any]) -> list[str]:
    return sorted(c["code"] for c in d["checks"])


def test_every_document_found_its_dossier_but_the_strangers_attestation(
    report: dict[str, Any],
) -> None:
    # Théo Masson is on no invoice: his attestation waits, its likeliest invoice first.
    stray = "attestation Théo Masson.pdf"
    waiting = [(u["file"], u["reason"], u["candidates"][0]) for u in report["unfiled"]]
    assert waiting == [(f"Camille Rousseau/inconnu/{stray}", "sans-facture", "FA-2026-0308")]
    assert report["set_aside"] == []
    for name, case in CASES.items():
        found = sorted(d["file"].rsplit("/", 1)[1] for d in dossier(report, name)["documents"])
        assert found == sorted(f for f in case.files if f != stray), name


def test_a_complete_dossier_lacks_nothing_and_is_advised_a_cold_evaluation(
    report: dict[str, Any],
) -> None:
    d = dossier(report, "complete")
    assert (d["state"], required(d), codes(d)) == ("complete", {}, [])
    assert d["missing"] == []
    assert [(m["piece"], m["level"]) for m in d["advised"]] == [("evaluation_froid", "recommande")]


def test_one_empty_half_day_the_invoice_bills_is_an_hours_mismatch(
    report: dict[str, Any],
) -> None:
    d = dossier(report, "half_day")
    assert d["state"] == "inconsistent" and codes(d) == ["trainee_hours_mismatch"]
    assert "non signé : Hugo Lambert le 10/03 après-midi" in d["checks"][0]["message"]
    assert required(d) == {}


def test_a_convention_missing_the_clients_signature(report: dict[str, Any]) -> None:
    d = dossier(report, "no_client_signature")
    assert d["state"] == "incomplete"
    assert required(d) == {} and codes(d) == ["signature_missing"]


def test_a_subcontracted_training_with_a_signed_quote_is_complete(report: dict[str, Any]) -> None:
    d = dossier(report, "subcontracted_quote")
    assert (d["state"], required(d), codes(d)) == ("complete", {}, [])
    assert "bon_commande" in {doc["type"] for doc in d["documents"]}


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("signed_late", "convention_signed_late"),
        ("hours", "trainee_hours_mismatch"),
        ("count", "trainee_count_mismatch"),
        ("dates", "dates_mismatch"),
        ("attestation_absent", "attestation_without_attendance"),
    ],
)
def test_one_inconsistency_makes_the_dossier_inconsistent(
    report: dict[str, Any], case: str, code: str
) -> None:
    d = dossier(report, case)
    assert d["state"] == "inconsistent"
    assert code in codes(d), d["checks"]
    check = next(c for c in d["checks"] if c["code"] == code)
    assert check["message"] and check["documents"], "a French message and its documents"


def test_a_trainee_on_the_sheets_but_not_on_the_invoice(report: dict[str, Any]) -> None:
    d = dossier(report, "stranger")
    assert d["state"] == "inconsistent" and "trainee_unknown" in codes(d)
    unknown = next(c for c in d["checks"] if c["code"] == "trainee_unknown")
    assert "Théo Masson" in unknown["message"]
    assert "Sophie Caron" in required(d)["emargement"]


def test_an_invoice_without_its_bpf_code_is_incomplete(report: dict[str, Any]) -> None:
    d = dossier(report, "mentions")
    assert (d["state"], codes(d)) == ("incomplete", ["invoice_mentions_missing"])


def test_the_entrepreneurs_cv_older_than_a_year(report: dict[str, Any]) -> None:
    (camille,) = [e for e in report["entrepreneurs"] if e["name"] == CAMILLE.name]
    assert [c["code"] for c in camille["checks"]] == ["cv_outdated"]
    assert any(m["piece"] == "cv" for m in camille["missing"])
