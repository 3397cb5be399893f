"""Re-importing the invoicing export: new invoices settle waiting documents, cancelled ones let
theirs go, and dossiers follow."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import filing, operations, runner, status
from pipeline.config import Config
from pipeline.errors import Reason, UsageError
from pipeline.invoices import read_export
from pipeline.store import Store
from tests.conftest import NOW, ROOT, run_cli
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


# -- one number, one invoice, one entrepreneur (#14) ------------------------------------------

ELODIE_ROW = (
    "FA-2026-0142;14/03/2026;Élodie Faure;Jardins du Lez;entreprise;Taille des fruitiers;"
    "Lattes;10/03/2026;11/03/2026;14;1;Hugo Blanc;salarié;14;C1;F3d;315;700,00;non;non"
)


def test_a_number_the_export_gives_to_two_entrepreneurs_saves_neither_row(
    ctx: runner.Context, tmp_path: Path
) -> None:
    path = export(tmp_path, "mars.csv", OTHER, DUPAIN.format(number="FA-2026-0142"), ELODIE_ROW)

    done = operations.import_invoices(ctx, path)

    assert done.counts.new == 1 and ctx.store.invoice("FA-2026-0101") is not None
    assert ctx.store.invoice("FA-2026-0142") is None, "neither overwrites the other"
    assert [line for line, _ in done.skipped] == [3, 4]
    for _, reason in done.skipped:
        assert reason.startswith("N° facture FA-2026-0142 en double : donné ligne 3 à "
                                 "Camille Rousseau ; ligne 4 à Élodie Faure")  # fmt: skip
        assert "corrigez l'export" in reason


def test_an_export_giving_camilles_invoice_to_elodie_leaves_it_and_its_documents_with_camille(
    ctx: runner.Context, tmp_path: Path
) -> None:
    operations.import_invoices(
        ctx, export(tmp_path, "mars.csv", DUPAIN.format(number="FA-2026-0142"))
    )
    runner.process(drop(ctx.config, f"{CAMILLE}/attestation léa.pdf", pdf(ATTESTATION)), ctx)
    (doc,) = ctx.store.documents(invoice="FA-2026-0142")

    done = operations.import_invoices(ctx, export(tmp_path, "avril.csv", ELODIE_ROW))

    assert done.skipped == [(2, "N° facture FA-2026-0142 en double : déjà enregistré pour "
                             "Camille Rousseau, donné ici à Élodie Faure ; la facture reste à "
                             "Camille Rousseau (une facture émise ne change pas d'entrepreneur : "
                             "avoir puis nouvelle facture) : corrigez l'export.")]  # fmt: skip
    assert (done.counts.new, done.counts.updated, done.moves) == (0, 0, [])
    kept = ctx.store.invoice("FA-2026-0142")
    assert kept is not None and kept.entrepreneur == CAMILLE and kept.client.startswith("Boulang")
    filed = ctx.store.document(doc.id)
    assert filed is not None and filed.invoice == "FA-2026-0142" and filed.entrepreneur == CAMILLE
    assert ctx.store.invoices(entrepreneur="Élodie Faure") == []
    elodie = status.report(ctx.store, ctx.config, 2026, "Élodie Faure", today=NOW.date())
    assert elodie["dossiers"] == [], "nothing of Camille's shows in Élodie's dossiers"


def test_the_same_invoice_twice_is_saved_once_and_two_versions_of_it_are_refused(
    ctx: runner.Context, tmp_path: Path
) -> None:
    row = DUPAIN.format(number="FA-2026-0142")
    twice = operations.import_invoices(ctx, export(tmp_path, "a.csv", row, OTHER, row))
    assert (twice.counts.new, twice.skipped) == (2, []), "an export pasted twice is harmless"

    other = row.replace("1 400,00", "1 500,00")
    done = operations.import_invoices(ctx, export(tmp_path, "b.csv", other, OTHER, row))

    assert [line for line, _ in done.skipped] == [2, 4]
    assert (
        "en double pour Camille Rousseau (lignes 2, 4) avec des contenus différents"
        in (done.skipped[0][1])
    )
    kept = ctx.store.invoice("FA-2026-0142")
    assert kept is not None and kept.amount_ht == 1400.0, "the record stays as it was"


# -- an import killed between its invoices and their matching (#14) -----------------------------

SAVE_THEN_WAIT = """
import sys
from pathlib import Path
from pipeline import operations, runner
from pipeline.config import load_config
from pipeline.store import Store

config = load_config(Path(sys.argv[1]))
with Store(config.paths.database) as store:
    operations.save_invoices(runner.Context(config, store, None), Path(sys.argv[2]))
    print("enregistrées", flush=True)
    sys.stdin.read()  # until killed
"""


def killed_after_saving(ctx: runner.Context, path: Path) -> None:
    """``import-invoices``'s save step, run in a process killed (SIGKILL) right after it."""
    child = subprocess.Popen(
        [sys.executable, "-c", SAVE_THEN_WAIT, str(ctx.config.file), str(path)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "enregistrées"
    finally:
        child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


@pytest.fixture
def killed_import(ctx: runner.Context, tmp_path: Path) -> tuple[Path, int]:
    """An attestation waiting for FA-2026-0142, whose import was killed after its save."""
    operations.import_invoices(ctx, export(tmp_path, "janvier.csv", OTHER))
    runner.process(drop(ctx.config, f"{CAMILLE}/attestation léa.pdf", pdf(ATTESTATION)), ctx)
    (doc,) = ctx.store.documents()
    mars = export(tmp_path, "mars.csv", OTHER, DUPAIN.format(number="FA-2026-0142"))

    killed_after_saving(ctx, mars)

    assert ctx.store.invoice("FA-2026-0142") is not None, "the invoices were saved"
    assert [who for who, _ in ctx.store.rematch_pending()] == [CAMILLE]
    waiting = ctx.store.document(doc.id)
    assert waiting is not None and waiting.reason == Reason.NO_MATCH
    return mars, doc.id


def test_an_import_killed_after_saving_is_finished_by_importing_the_same_export_again(
    ctx: runner.Context, killed_import: tuple[Path, int]
) -> None:
    mars, doc_id = killed_import

    again = run_cli("--config", str(ctx.config.file), "import-invoices", str(mars))

    assert again.returncode == 0, again.stderr
    assert "0 nouvelle(s), 0 mise(s) à jour, 2 inchangée(s)" in again.stdout
    assert f"document #{doc_id} « {CAMILLE}/attestation léa.pdf » (attestation), en attente : " \
           "rattaché à FA-2026-0142" in again.stdout  # fmt: skip
    filed = ctx.store.document(doc_id)
    assert filed is not None and filed.invoice == "FA-2026-0142" and filed.reason is None
    assert Path(filed.archive_path or "").parts[-3:-1] == ("FA-2026-0142", "attestation")
    assert ctx.store.rematch_pending() == []


def test_an_import_killed_after_saving_is_finished_by_the_daemon(
    ctx: runner.Context, killed_import: tuple[Path, int]
) -> None:
    _, doc_id = killed_import

    run = run_cli("--config", str(ctx.config.file), "watch", "--once")

    assert run.returncode == 0, run.stderr
    filed = ctx.store.document(doc_id)
    assert filed is not None and filed.invoice == "FA-2026-0142" and filed.reason is None
    assert ctx.store.rematch_pending() == []
