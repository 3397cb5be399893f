"""A person attaches and detaches documents: archive copies follow, decisions are kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline import filing
from pipeline.config import Config
from pipeline.errors import UsageError
from pipeline.invoices import Invoice
from pipeline.record import Doc, Source
from pipeline.store import Store
from tests.conftest import NOW

SHA = "cd" * 32


def invoice(number: str, who: str) -> Invoice:
    return Invoice(number=number, date=date(2026, 3, 12), entrepreneur=who,
                   title="Gestion du stress au travail", start=date(2026, 3, 9),
                   end=date(2026, 3, 10), hours=14.0)  # fmt: skip


@pytest.fixture
def waiting(store: Store, config: Config) -> int:
    """An evaluation waiting between two invoices of Élodie, its bytes in the archive."""
    store.upsert_invoices(
        [invoice("FA-2026-0142", "Élodie Faure"), invoice("FA-2026-0150", "Élodie Faure"),
         invoice("FA-2026-0190", "Camille Rousseau")], NOW,
    )  # fmt: skip
    copy = config.paths.archive / "2026" / "Élodie Faure" / "_en-attente" / "facture-ambigue"
    copy.mkdir(parents=True)
    (copy / "doc.pdf").write_bytes(b"%PDF-1.4 evaluation")
    with store.transaction() as db:
        file_id = store.add_file(
            db, rel="elodie.faure/doc.pdf", entrepreneur="Élodie Faure", sha256=SHA, size=19,
            kind="pdf", pages=1, ocr=0, received_at=NOW.isoformat(), state="traite",
        )  # fmt: skip
        return store.add_document(
            db, file_id=file_id, first_page=1, last_page=1, type="evaluation_chaud",
            confidence=0.9, fields={}, invoice=None, entrepreneur="Élodie Faure", score=0.5,
            method="score", reason="facture-ambigue", archive_path=str(copy / "doc.pdf"),
        )  # fmt: skip


def test_attach_moves_the_copy_and_records_who_and_why(
    store: Store, config: Config, waiting: int
) -> None:
    filing.attach(store, config.paths.archive, waiting, "FA-2026-0150", actor="appui",
                  reason="dates lues sur l'original", now=NOW)  # fmt: skip
    doc = store.document(waiting)
    assert doc is not None and doc.invoice == "FA-2026-0150" and doc.reason is None
    assert doc.method == "manuel"
    moved = Path(doc.archive_path or "")
    assert moved.parent.parts[-2:] == ("FA-2026-0150", "evaluation_chaud")
    assert moved.read_bytes() == b"%PDF-1.4 evaluation"
    assert not list((config.paths.archive / "2026" / "Élodie Faure" / "_en-attente").rglob("*.pdf"))
    event = next(e for e in store.events() if e["kind"] == "correction")
    assert event["actor"] == "appui" and event["detail"]["value"] == "FA-2026-0150"
    assert event["detail"]["reason"] == "dates lues sur l'original"


def test_never_into_another_entrepreneurs_dossier(
    store: Store, config: Config, waiting: int
) -> None:
    with pytest.raises(UsageError, match="jamais dans le dossier d'un autre"):
        filing.attach(store, config.paths.archive, waiting, "FA-2026-0190", actor="appui",
                      reason="", now=NOW)  # fmt: skip
    doc = store.document(waiting)
    assert doc is not None and doc.invoice is None and doc.reason == "facture-ambigue"
    with pytest.raises(UsageError, match="inconnue"):
        filing.attach(store, config.paths.archive, waiting, "FA-9999", actor="a", reason="",
                      now=NOW)  # fmt: skip


def test_detach_sends_the_document_back_to_wait(store: Store, config: Config, waiting: int) -> None:
    filing.attach(store, config.paths.archive, waiting, "FA-2026-0142", actor="appui",
                  reason="", now=NOW)  # fmt: skip
    filing.detach(store, config.paths.archive, waiting, actor="appui",
                  reason="en fait, celle de mai", now=NOW)  # fmt: skip
    doc = store.document(waiting)
    assert doc is not None and doc.invoice is None and doc.reason == "detache"
    assert Path(doc.archive_path or "").parent.name == "detache"
    assert [d.id for d in store.documents(unfiled=True)] == [waiting]
    with pytest.raises(UsageError, match="aucune facture"):
        filing.detach(store, config.paths.archive, waiting, actor="a", reason="", now=NOW)


def test_reading_the_bytes_again_files_them_where_the_person_said(
    store: Store, config: Config, waiting: int
) -> None:
    invoices = store.invoices(entrepreneur="Élodie Faure")
    again = Doc(Source(Path("/x/doc.pdf"), "elodie.faure/copie/doc.pdf", "Élodie Faure"), SHA)
    assert filing.decided(store, again, 1, invoices) is None  # no decision yet: the machine's
    filing.attach(store, config.paths.archive, waiting, "FA-2026-0150", actor="appui",
                  reason="", now=NOW)  # fmt: skip
    match = filing.decided(store, again, 1, invoices)
    assert match is not None and match.invoice == "FA-2026-0150" and match.method == "manuel"
    filing.detach(store, config.paths.archive, waiting, actor="appui", reason="", now=NOW)
    match = filing.decided(store, again, 1, invoices)
    assert match is not None and match.invoice is None and match.reason == "detache"
    # Another entrepreneur's copy of the same bytes is theirs: no decision carries over.
    theirs = Doc(Source(Path("/x/doc.pdf"), "Camille Rousseau/doc.pdf", "Camille Rousseau"), SHA)
    assert filing.decided(store, theirs, 1, store.invoices(entrepreneur="Camille Rousseau")) is None
