"""Re-importing the invoicing export: new invoices settle waiting documents, cancelled ones let
theirs go, and dossiers follow."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import filing, operations, runner, status
from pipeline.config import Config
from pipeline.errors import Reason, UsageError
from pipeline.invoices import read_export
from pipeline.store import Store
from tests.conftest import NOW
from tests.pipeline.test_runner import ATTESTATION, CAMILLE, drop, pdf

HEADER = (
    "N° facture;Date facture;Entrepreneur;Client;Type client;Intitulé formation;Lieu;"
    "Date début;Date fin;Durée (h);Nb stagiaires;Stagiaires;Statut stagiaires;"
    "Heures stagiaires;Code BPF;Objectif;NSF;Montant HT;Sous-traitance;Distanciel"
)
DUPAIN = (
    "{number};14/03/2026;Camille Rousseau;Boulangerie Dupain SARL;entreprise;"
    "Gestion du stress au travail;12 rue des Lilas, 34000 Montpellier;10/03/2026;11/03/2026;"
    "14;2;Léa Martin, Paul Durand;salarié;28;C1;F3d;315;1 400,00;non;non"
)
OTHER = (
    "FA-2026-0101;02/02/2026;Camille Rousseau;Mairie de Lattes;public;Accueil du public;"
    "Lattes;26/01/2026;27/01/2026;14;1;Hugo Blanc;salarié;14;C1;F3d;315;900,00;non;non"
)


def export(
    tmp_path: Path, name: str, *rows: str, status_column: dict[str, str] | None = None
) -> Path:
    """An export as French office software writes it (Windows-1252, ``;``)."""
    lines = [HEADER + (";Statut facture" if status_column is not None else "")]
    for row in rows:
        number = row.split(";", 1)[0]
        extra = f";{status_column.get(number, 'émise')}" if status_column is not None else ""
        lines.append(row + extra)
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


@pytest.fixture
def ctx(config: Config, store: Store) -> runner.Context:
    return runner.Context(config=config, store=store, ocr=None, clock=lambda: NOW)


def test_the_status_column_marks_an_invoice_cancelled(tmp_path: Path) -> None:
    path = export(tmp_path, "f.csv", DUPAIN.format(number="FA-2026-0142"), OTHER,
                  status_column={"FA-2026-0142": "Annulée"})  # fmt: skip
    read = read_export(path)
    assert [(i.number, i.cancelled) for i in read.invoices] == [
        ("FA-2026-0142", True),
        ("FA-2026-0101", False),
    ]


def test_a_document_waiting_for_its_invoice_is_attached_when_the_invoice_arrives(
    ctx: runner.Context, tmp_path: Path
) -> None:
    operations.import_invoices(ctx, export(tmp_path, "janvier.csv", OTHER))
    runner.process(drop(ctx.config, f"{CAMILLE}/attestation léa.pdf", pdf(ATTESTATION)), ctx)
    (doc,) = ctx.store.documents()
    assert (doc.invoice, doc.reason) == (None, Reason.NO_MATCH)

    done = operations.import_invoices(
        ctx, export(tmp_path, "mars.csv", OTHER, DUPAIN.format(number="FA-2026-0142"))
    )

    assert (done.counts.new, done.counts.unchanged) == (1, 1)
    assert [(m.document, m.before, m.after) for m in done.moves] == [(doc.id, None, "FA-2026-0142")]
    filed = ctx.store.document(doc.id)
    assert filed is not None and filed.invoice == "FA-2026-0142" and filed.reason is None
    path = Path(filed.archive_path or "")
    assert path.parts[-3:-1] == ("FA-2026-0142", "attestation")
    assert path.read_bytes() == pdf(ATTESTATION)
    assert not list(ctx.config.paths.archive.rglob("_en-attente/*/*.pdf"))
    file = ctx.store.file(filed.file_id)
    assert file is not None and file.archive_path == str(path)


def test_a_cancelled_invoice_lets_its_documents_go_until_it_is_replaced(
    ctx: runner.Context, tmp_path: Path
) -> None:
    first = DUPAIN.format(number="FA-2026-0142")
    operations.import_invoices(ctx, export(tmp_path, "mars.csv", OTHER, first))
    runner.process(drop(ctx.config, f"{CAMILLE}/attestation léa.pdf", pdf(ATTESTATION)), ctx)
    (doc,) = ctx.store.documents(invoice="FA-2026-0142")

    cancelled = export(tmp_path, "avril.csv", OTHER, first,
                       status_column={"FA-2026-0142": "Annulée (avoir AV-2026-0003)"})  # fmt: skip
    done = operations.import_invoices(ctx, cancelled)

    assert (done.counts.updated, done.counts.cancelled) == (1, 1)
    assert [(m.before, m.after, m.reason) for m in done.moves] == [
        ("FA-2026-0142", None, Reason.CANCELLED)
    ]
    waiting = ctx.store.document(doc.id)
    assert waiting is not None and waiting.reason == Reason.CANCELLED
    assert Path(waiting.archive_path or "").read_bytes() == pdf(ATTESTATION)
    numbers = [d.invoice.number for d in status.dossiers(ctx.store, ctx.config)]
    assert numbers == ["FA-2026-0101"], "a cancelled invoice is no dossier to complete"
    kept = ctx.store.invoice("FA-2026-0142")
    assert kept is not None and kept.cancelled, "its record stays, for the history"
    with pytest.raises(UsageError, match="annulée"):
        filing.attach(ctx.store, ctx.config.paths.archive, doc.id, "FA-2026-0142", actor="a",
                      reason="", now=NOW)  # fmt: skip
    assert operations.import_invoices(ctx, cancelled).moves == [], "the same export is a no-op"

    # The invoicing module re-issues the invoice under a new number: the document follows.
    again = export(tmp_path, "mai.csv", OTHER, first, DUPAIN.format(number="FA-2026-0171"),
                   status_column={"FA-2026-0142": "Annulée"})  # fmt: skip
    done = operations.import_invoices(ctx, again)

    assert [(m.before, m.after) for m in done.moves] == [(None, "FA-2026-0171")]
    moved = ctx.store.document(doc.id)
    assert moved is not None and moved.invoice == "FA-2026-0171"
    kinds = [e["kind"] for e in ctx.store.events()]
    assert "facture-annulee" in kinds and kinds.count("factures-importees") == 4


def test_a_document_a_person_detached_stays_detached_after_an_import(
    ctx: runner.Context, tmp_path: Path
) -> None:
    operations.import_invoices(ctx, export(tmp_path, "mars.csv", OTHER))
    runner.process(drop(ctx.config, f"{CAMILLE}/attestation léa.pdf", pdf(ATTESTATION)), ctx)
    (doc,) = ctx.store.documents()
    operations.import_invoices(
        ctx, export(tmp_path, "m.csv", OTHER, DUPAIN.format(number="FA-2026-0142"))
    )
    filing.detach(ctx.store, ctx.config.paths.archive, doc.id, actor="appui",
                  reason="stagiaire d'un autre groupe", now=NOW)  # fmt: skip

    done = operations.import_invoices(
        ctx, export(tmp_path, "n.csv", OTHER, DUPAIN.format(number="FA-2026-0142"),
                    DUPAIN.format(number="FA-2026-0143").replace("14/03", "15/03"))
    )  # fmt: skip

    assert done.moves == []
    kept = ctx.store.document(doc.id)
    assert kept is not None and kept.reason == Reason.DETACHED


def test_a_new_session_fitting_as_well_sends_a_machine_attachment_back_to_wait(
    ctx: runner.Context, tmp_path: Path
) -> None:
    first = DUPAIN.format(number="FA-2026-0142")
    operations.import_invoices(ctx, export(tmp_path, "mars.csv", first))
    runner.process(drop(ctx.config, f"{CAMILLE}/attestation léa.pdf", pdf(ATTESTATION)), ctx)
    (doc,) = ctx.store.documents(invoice="FA-2026-0142")
    assert doc.method == "score"

    # A second group the same days, same client: the attestation fits both sessions now.
    done = operations.import_invoices(
        ctx, export(tmp_path, "avril.csv", first, DUPAIN.format(number="FA-2026-0143"))
    )

    assert [(m.before, m.after, m.reason) for m in done.moves] == [
        ("FA-2026-0142", None, Reason.AMBIGUOUS)
    ]
    waiting = ctx.store.document(doc.id)
    assert waiting is not None and waiting.reason == Reason.AMBIGUOUS
    assert {c["invoice"] for c in waiting.candidates} == {"FA-2026-0142", "FA-2026-0143"}
