"""The invoicing module's export of generated invoices, as the CONTRACT lays it out."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .model import Invoice, fr, hours_fr, money

INVOICE_COLUMNS = [
    "N° facture",
    "Date facture",
    "Entrepreneur",
    "Client",
    "Type client",
    "Intitulé formation",
    "Lieu",
    "Date début",
    "Date fin",
    "Durée (h)",
    "Nb stagiaires",
    "Stagiaires",
    "Statut stagiaires",
    "Heures stagiaires",
    "Code BPF",
    "Objectif",
    "NSF",
    "Montant HT",
    "Sous-traitance",
    "Distanciel",
]


def invoice_row(inv: Invoice) -> list[str]:
    base = [inv.number, fr(inv.date), inv.es.name, inv.client, inv.client_type]
    if not inv.training:
        return base + [""] * 12 + [money(inv.amount), "non", "non"]
    return base + [
        inv.title,
        inv.place,
        fr(inv.start),
        fr(inv.end),
        hours_fr(inv.hours),
        str(len(inv.trainees)),
        ", ".join(inv.trainees),
        inv.status,
        hours_fr(inv.trainee_hours),
        inv.bpf,
        inv.objective,
        inv.nsf,
        money(inv.amount),
        inv.subcontracting,
        inv.distance,
    ]


def export_csv(invoices: Iterable[Invoice], rows: Iterable[list[str]] = ()) -> bytes:
    """The export as French office software writes it (``;``, Windows-1252); ``rows`` are
    appended as given (hand-edited rows of a test)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(INVOICE_COLUMNS)
    for inv in invoices:
        w.writerow(invoice_row(inv))
    for row in rows:
        w.writerow(row)
    return buf.getvalue().encode("cp1252")
