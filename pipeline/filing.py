"""A person's filing decisions: attach a document to an invoice, or detach it.

Support staff settle what the machine could not (a document waiting with several
candidate invoices) or got wrong. A decision moves the archived copy to its new folder,
updates the document, and is kept in ``corrections`` (kind ``rattachement``) against the
file's bytes and the document's first page, with who, when and why: reading the same
bytes again (a re-run) files them where the person said, never where the machine would.

A document only ever goes to an invoice of its own entrepreneur.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from pipeline import archive
from pipeline.corrections import Correction
from pipeline.errors import Reason, UsageError
from pipeline.invoices import Invoice
from pipeline.record import Doc, Match
from pipeline.store import DocumentRow, Store

log = logging.getLogger(__name__)

KIND = "rattachement"
#: The stored value of a detachment (an attachment stores the invoice number).
DETACHED = ""


def attach(
    store: Store, archive_root: Path, doc_id: int, number: str, *, actor: str, reason: str,
    now: datetime,
) -> DocumentRow:  # fmt: skip
    """Attach document ``doc_id`` to invoice ``number`` (of the same entrepreneur)."""
    doc = _document(store, doc_id, reason)
    inv = store.invoice(number)
    if inv is None:
        raise UsageError(f"facture {number} inconnue ; voyez « dossiers status ».")
    if inv.cancelled:
        raise UsageError(
            f"la facture {number} est annulée dans l'export de facturation ; rattachez le "
            "document à la facture qui la remplace."
        )
    if doc.entrepreneur != inv.entrepreneur:
        raise UsageError(
            f"la facture {number} est celle de {inv.entrepreneur}, le document #{doc_id} "
            f"vient de {doc.entrepreneur or 'un entrepreneur inconnu'} : un document ne va "
            "jamais dans le dossier d'un autre entrepreneur."
        )
    if doc.invoice == number:
        raise UsageError(f"le document #{doc_id} est déjà rattaché à {number}.")
    target = archive.destination(archive_root, _year(inv), inv.entrepreneur, number, doc.type)
    path = copy_into(doc, target)
    with store.transaction() as db:
        store.attach(db, doc_id, number, method="manuel", archive_path=str(path))
        store.add_correction(doc_id, _decision(number, actor, reason, now), db)
    _drop_old_copy(doc, path)
    log.info("document #%d rattaché à %s par %s", doc_id, number, actor)
    return doc


def detach(
    store: Store, archive_root: Path, doc_id: int, *, actor: str, reason: str, now: datetime
) -> DocumentRow:
    """Take document ``doc_id`` off its invoice: it waits for a person (``detache``)."""
    doc = _document(store, doc_id, reason)
    if doc.invoice is None:
        raise UsageError(f"le document #{doc_id} n'est rattaché à aucune facture.")
    target = archive.destination(
        archive_root, now.year, doc.entrepreneur, archive.UNFILED, Reason.DETACHED
    )
    path = copy_into(doc, target)
    with store.transaction() as db:
        store.detach(db, doc_id, reason=Reason.DETACHED, archive_path=str(path))
        store.add_correction(doc_id, _decision(DETACHED, actor, reason, now), db)
    _drop_old_copy(doc, path)
    log.info("document #%d détaché de %s par %s", doc_id, doc.invoice, actor)
    return doc


def decided(store: Store, doc: Doc, first_page: int, invoices: list[Invoice]) -> Match | None:
    """Where a person filed these bytes before, as a match the machine must keep."""
    value = store.decision(doc.sha256, first_page, doc.source.entrepreneur, KIND)
    if value is None:
        return None
    who = doc.source.entrepreneur
    if value == DETACHED:
        return Match(entrepreneur=who, method="manuel", reason=Reason.DETACHED)
    if any(inv.number == value for inv in invoices):
        return Match(invoice=value, entrepreneur=who, score=1.0, method="manuel")
    return None  # the invoice is gone from the export: the machine decides again


def _document(store: Store, doc_id: int, reason: str) -> DocumentRow:
    doc = store.document(doc_id)
    if doc is None:
        raise UsageError(f"document #{doc_id} inconnu ; voyez « dossiers status ».")
    return doc


def _decision(value: str, actor: str, reason: str, now: datetime) -> Correction:
    return Correction(KIND, {}, value, actor, now.isoformat(), reason.strip())


def _year(inv: Invoice) -> int:
    return (inv.start or inv.date).year


def copy_into(doc: DocumentRow, folder: Path) -> Path:
    """A copy of the document's archived bytes in ``folder`` (the old copy goes later)."""
    old = Path(doc.archive_path or "")
    return archive.write_atomic(folder / old.name, old.read_bytes())


def _drop_old_copy(doc: DocumentRow, new: Path) -> None:
    if doc.archive_path and Path(doc.archive_path) != new:
        Path(doc.archive_path).unlink(missing_ok=True)
