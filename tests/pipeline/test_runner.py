"""The whole path of one file: every file ends filed or set aside, and its bytes are kept."""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from pipeline import runner
from pipeline.config import Config
from pipeline.errors import DuplicateFile, Reason
from pipeline.invoices import Invoice
from pipeline.store import Store
from tests.conftest import NOW

CAMILLE = "Camille Rousseau"
INVOICE = Invoice(
    number="FA-2026-0142", date=date(2026, 3, 14), entrepreneur=CAMILLE,
    client="Boulangerie Dupain SARL", title="Gestion du stress au travail",
    start=date(2026, 3, 10), end=date(2026, 3, 11), trainee_count=2,
    trainees=("Léa Martin", "Paul Durand"),
)  # fmt: skip

ATTESTATION = [
    "ATTESTATION DE FIN DE FORMATION",
    "Je soussignée Camille Rousseau, formatrice, atteste que",
    "Madame Léa Martin",
    "a suivi la formation « Gestion du stress au travail »",
    "organisée pour Boulangerie Dupain SARL du 10/03/2026 au 11/03/2026,",
    "d'une durée de 14 heures.",
    "Objectifs : identifier les sources de stress et mettre en place des stratégies.",
    "Résultats de l'évaluation des acquis : objectifs atteints.",
]


def pdf(lines: list[str]) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    y = 780
    for line in lines:
        c.drawString(60, y, line)
        y -= 22
    c.save()
    return out.getvalue()


@pytest.fixture
def ctx(config: Config, store: Store) -> runner.Context:
    store.upsert_invoices([INVOICE], NOW)
    return runner.Context(config=config, store=store, ocr=None, clock=lambda: NOW)


def drop(config: Config, rel: str, data: bytes) -> Path:
    path = config.paths.drop / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_born_digital_attestation_is_filed_with_its_original_bytes(ctx: runner.Context) -> None:
    path = drop(ctx.config, f"{CAMILLE}/attestation léa.pdf", pdf(ATTESTATION))
    outcome = runner.process(path, ctx)
    assert outcome.reason is None
    (doc,) = ctx.store.documents(invoice="FA-2026-0142")
    assert doc.type == "attestation" and doc.rel == f"{CAMILLE}/attestation léa.pdf"
    archived = Path(doc.archive_path or "")
    assert archived.read_bytes() == path.read_bytes()
    assert archived.relative_to(ctx.config.paths.archive).parts[:4] == (
        "2026",
        CAMILLE,
        "FA-2026-0142",
        "attestation",
    )
    assert path.exists(), "the entrepreneur's file stays where it was dropped"


def test_same_file_again_is_not_processed_twice(ctx: runner.Context) -> None:
    path = drop(ctx.config, f"{CAMILLE}/a.pdf", pdf(ATTESTATION))
    runner.process(path, ctx)
    assert runner.process(path, ctx).skipped
    assert len(ctx.store.files()) == 1


def test_same_bytes_under_another_name_is_a_duplicate(ctx: runner.Context) -> None:
    runner.process(drop(ctx.config, f"{CAMILLE}/a.pdf", pdf(ATTESTATION)), ctx)
    outcome = runner.process(drop(ctx.config, f"{CAMILLE}/copie de a.pdf", pdf(ATTESTATION)), ctx)
    assert outcome.reason == Reason.DUPLICATE and "a.pdf" in outcome.detail
    assert len(ctx.store.documents()) == 1


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("vide.pdf", b"", Reason.EMPTY),
        ("page.pdf", b"<!DOCTYPE html><html><body>Erreur 404</body></html>", Reason.UNSUPPORTED),
        ("tronque.pdf", pdf(ATTESTATION)[:400], Reason.UNREADABLE),
        (
            "ticket.pdf",
            pdf(["Restaurant Le Bon Coin", "1 plat du jour 14,50", "TOTAL TTC 14,50"]),
            Reason.UNCLASSIFIED,
        ),
    ],
)
def test_bad_files_are_set_aside_with_a_reason_and_kept(
    ctx: runner.Context, name: str, data: bytes, reason: Reason
) -> None:
    outcome = runner.process(drop(ctx.config, f"{CAMILLE}/{name}", data), ctx)
    recorded = outcome.reason or ctx.store.documents(unfiled=True)[0].reason
    assert recorded == reason
    kept = list(ctx.config.paths.archive.rglob(name))
    assert kept and kept[0].read_bytes() == data


def test_unknown_folder_is_reported_not_guessed(ctx: runner.Context) -> None:
    outcome = runner.process(drop(ctx.config, "Inconnu Dupont/a.pdf", pdf(ATTESTATION)), ctx)
    assert outcome.reason == Reason.UNKNOWN_ENTREPRENEUR
    assert ctx.store.documents() == []


def test_link_leading_outside_the_share_is_refused(ctx: runner.Context, tmp_path: Path) -> None:
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(pdf(ATTESTATION))
    link = ctx.config.paths.drop / CAMILLE / "lien.pdf"
    link.parent.mkdir(parents=True)
    os.symlink(secret, link)
    outcome = runner.process(link, ctx)
    assert outcome.reason == Reason.OUTSIDE_SHARE
    assert not list(ctx.config.paths.archive.rglob("lien.pdf")), "outside bytes are not copied"


def test_link_to_a_file_inside_the_share_is_left_to_its_target(ctx: runner.Context) -> None:
    target = drop(ctx.config, f"{CAMILLE}/vrai.pdf", pdf(ATTESTATION))
    link = ctx.config.paths.drop / CAMILLE / "raccourci.pdf"
    os.symlink(target, link)
    assert runner.process(link, ctx).skipped
    assert ctx.store.files() == []


def test_another_entrepreneurs_invoice_folder_attaches_nothing(ctx: runner.Context) -> None:
    path = drop(ctx.config, "elodie.faure/FA-2026-0142/attestation.pdf", pdf(ATTESTATION))
    runner.process(path, ctx)
    (doc,) = ctx.store.documents()
    assert doc.invoice is None and doc.entrepreneur == "Élodie Faure"


def test_leftovers_of_sync_tools_are_not_candidates(config: Config) -> None:
    for name in ("~$Convention.docx", ".~lock.x.odt#", "scan.pdf.part", "Thumbs.db", "vrai.pdf"):
        drop(config, f"{CAMILLE}/{name}", b"x")
    found = [p.name for p in runner.candidates([config.paths.drop], config.paths.drop)]
    assert found == ["vrai.pdf"]


def test_conflict_copy_is_recorded_for_people_never_filed(ctx: runner.Context) -> None:
    name = "convention.sync-conflict-20260312-101010-ABCDEFG.pdf"
    outcome = runner.process(drop(ctx.config, f"{CAMILLE}/{name}", pdf(ATTESTATION)), ctx)
    assert outcome.reason == Reason.CONFLICT
    assert ctx.store.documents() == []


def test_a_set_aside_file_met_again_unchanged_is_not_recorded_twice(ctx: runner.Context) -> None:
    path = drop(ctx.config, f"{CAMILLE}/vide.pdf", b"")
    runner.process(path, ctx)
    assert runner.process(path, ctx).skipped
    assert len(ctx.store.files()) == 1


def test_old_database_is_migrated_in_place(tmp_path: Path) -> None:
    import sqlite3

    from pipeline.store import MIGRATIONS, SCHEMA_VERSION, Store

    path = tmp_path / "v1.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    db.close()
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert not store.known("a.pdf", 1, 1)


WAITING = [
    line.replace("10/03/2026 au 11/03/2026", "10/06/2026 au 11/06/2026") for line in ATTESTATION
]


def test_moving_a_waiting_file_into_an_invoice_folder_attaches_it(ctx: runner.Context) -> None:
    path = drop(ctx.config, f"{CAMILLE}/scan juin.pdf", pdf(WAITING))
    runner.process(path, ctx)
    (waiting,) = ctx.store.documents(unfiled=True)
    moved = ctx.config.paths.drop / CAMILLE / "FA-2026-0142" / "scan juin.pdf"
    moved.parent.mkdir()
    path.rename(moved)
    outcome = runner.process(moved, ctx)
    assert outcome.detail == "rattaché à FA-2026-0142"
    (doc,) = ctx.store.documents(invoice="FA-2026-0142")
    assert doc.id == waiting.id and doc.method == "dossier" and doc.reason is None
    assert doc.rel == f"{CAMILLE}/FA-2026-0142/scan juin.pdf", "the record follows the file"
    archived = Path(doc.archive_path or "")
    assert "FA-2026-0142" in archived.parts and archived.read_bytes() == moved.read_bytes()
    assert not Path(waiting.archive_path or "").exists(), "no stale copy left in _en-attente"
    assert ctx.store.events()[0]["kind"] == "deplacement"


def test_copying_a_filed_file_into_an_invoice_folder_attaches_it_once(
    ctx: runner.Context,
) -> None:
    path = drop(ctx.config, f"{CAMILLE}/scan juin.pdf", pdf(WAITING))
    runner.process(path, ctx)
    copy = drop(ctx.config, f"{CAMILLE}/FA-2026-0142/scan juin.pdf", pdf(WAITING))
    runner.process(copy, ctx)
    assert len(ctx.store.documents()) == 1
    assert ctx.store.documents()[0].invoice == "FA-2026-0142"
    assert [f.reason for f in ctx.store.files()] == [None, "doublon"]


def test_a_folder_named_after_an_unknown_invoice_attaches_nothing(ctx: runner.Context) -> None:
    path = drop(ctx.config, f"{CAMILLE}/scan juin.pdf", pdf(WAITING))
    runner.process(path, ctx)
    copy = drop(ctx.config, f"{CAMILLE}/FA-2026-9999/scan juin.pdf", pdf(WAITING))
    assert runner.process(copy, ctx).reason == "sans-facture"
    assert ctx.store.documents()[0].invoice is None


def test_same_bytes_filed_at_the_same_moment_by_two_workers_are_filed_once(
    ctx: runner.Context,
) -> None:
    """Both read the file before either recorded it: the second is caught at filing time."""
    first = drop(ctx.config, f"{CAMILLE}/a.pdf", pdf(ATTESTATION))
    second = drop(ctx.config, f"{CAMILLE}/b.pdf", pdf(ATTESTATION))
    read_first = runner.read(runner.Doc(source=runner.locate(first, ctx.config)), ctx,
                             runner.STAGES)  # fmt: skip
    read_second = runner.read(runner.Doc(source=runner.locate(second, ctx.config)), ctx,
                              runner.STAGES)  # fmt: skip
    runner.file_document(read_first, ctx)
    with pytest.raises(DuplicateFile):
        runner.file_document(read_second, ctx)
    assert len(ctx.store.documents()) == 1
    archived = [p for p in ctx.config.paths.archive.rglob("*.pdf")]
    assert [p.name for p in archived] == ["a.pdf"], "the late copy's archive file is removed"
