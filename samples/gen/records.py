"""Dossiers written straight into a store, as the pipeline would have filed them.

For tests and benchmarks that need many dossiers without reading a single file: an
invoice record, and the document rows the pipeline would have stored for its signed
convention, its attendance sheet, one attestation and one hot evaluation per trainee.
Invented people only. ``seed_store`` draws a mix of complete, incomplete and
inconsistent dossiers, the same for the same seed.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from pipeline.invoices import Invoice
from pipeline.store import Store

PIECES = ("convention", "emargement", "attestation", "evaluation_chaud")
PEOPLE = (
    "Sandrine Lefèvre", "Bruno Castel", "Nadia Benhamou", "Pierre Lamarque",
    "Agathe Rivière", "Yann Le Goff", "Mireille Santoni", "Julien Carrère",
)  # fmt: skip
TITLES = (
    "Lire et comprendre un bilan comptable", "Initiation à la comptabilité",
    "Animer une réunion efficace", "Tableur : formules et graphiques",
    "Accueil téléphonique", "Gestion du temps et des priorités",
)  # fmt: skip
FIRST = ("Léa", "Paul", "Inès", "Hugo", "Chloé", "Yanis", "Manon", "Lucas", "Emma", "Nora")
LAST = ("Martin", "Durand", "Morel", "Blanc", "Petit", "Lopez", "Roux", "Garcia", "Faure")


def training_invoice(
    number: str, entrepreneur: str, start: date, trainees: Iterable[str], title: str = ""
) -> Invoice:
    """A two-day, 14-hour training invoice with every mention the checklist asks for."""
    names = tuple(trainees)
    end = start + timedelta(days=1)
    return Invoice(
        number=number, date=end, entrepreneur=entrepreneur, client="Cabinet Vidal Associés",
        client_type="entreprise", title=title or TITLES[0], place="3 rue Foch, 34000 Montpellier",
        start=start, end=end, hours=14, trainee_count=len(names), trainees=names,
        statuses=("salarié",), trainee_hours=14.0 * len(names), bpf_code="C1", objective="F3d",
        nsf="314", amount_ht=700.0 * len(names),
    )  # fmt: skip


def document_fields(
    inv: Invoice, piece: str, trainee: str = "", strangers: Iterable[str] = ()
) -> dict[str, Any]:
    """What the extractors would have read on one piece of ``inv`` (``strangers``: people
    the convention names but the invoice does not, an inconsistent dossier)."""
    assert inv.start and inv.end
    base: dict[str, Any] = {"training_title": inv.title, "start_date": inv.start.isoformat()}
    if piece == "convention":
        parties = ("organisme", "client", "formateur")
        return base | {"trainees": [*inv.trainees, *strangers],
                       "date": str(inv.start - timedelta(7)),
                       "signatures": dict.fromkeys(parties, True)}  # fmt: skip
    if piece == "emargement":
        days = [inv.start + timedelta(days=k) for k in range((inv.end - inv.start).days + 1)]
        halves = [(d.isoformat(), h) for d in days for h in ("matin", "apres-midi")]
        return base | {
            "sessions": [{"date": d, "half_day": h, "trainee": t, "signed": True}
                         for d, h in halves for t in inv.trainees],
            "trainer_signed": [{"date": d, "half_day": h, "signed": True} for d, h in halves],
        }  # fmt: skip
    return base | {"trainee": trainee, "hours_attended": inv.hours, "satisfaction": 0.9}


def add_documents(
    store: Store,
    inv: Invoice,
    received: datetime,
    pieces: Iterable[str] = PIECES,
    strangers: Iterable[str] = (),
) -> list[int]:
    """File the given pieces of ``inv`` as received at ``received``; their document ids."""
    ids = []
    with store.transaction() as db:
        for piece in pieces:
            per_trainee = piece in ("attestation", "evaluation_chaud")
            for trainee in inv.trainees if per_trainee else ("",):
                rel = f"{inv.entrepreneur}/{inv.number} {piece} {trainee}".strip() + ".pdf"
                file_id = store.add_file(
                    db, rel=rel, entrepreneur=inv.entrepreneur,
                    sha256=hashlib.sha256(rel.encode()).hexdigest(), size=1000, kind="pdf",
                    pages=1, received_at=received.isoformat(), state="traite",
                )  # fmt: skip
                ids.append(
                    store.add_document(
                        db,
                        file_id=file_id,
                        first_page=1,
                        last_page=1,
                        type=piece,
                        confidence=0.95,
                        fields=document_fields(inv, piece, trainee, strangers),
                        invoice=inv.number,
                        entrepreneur=inv.entrepreneur,
                        score=1.0,
                        method="dossier",
                    )  # fmt: skip
                )
    return ids


def add_programme(store: Store, entrepreneur: str, title: str, received: datetime) -> int:
    """File the entrepreneur's programme of ``title`` (a piece of theirs, on no invoice)."""
    rel = f"{entrepreneur}/Programme {title}.pdf"
    with store.transaction() as db:
        file_id = store.add_file(
            db, rel=rel, entrepreneur=entrepreneur, sha256=hashlib.sha256(rel.encode()).hexdigest(),
            size=1000, kind="pdf", pages=1, received_at=received.isoformat(), state="traite",
        )  # fmt: skip
        return store.add_document(
            db, file_id=file_id, first_page=1, last_page=1, type="programme", confidence=0.95,
            fields={"training_title": title}, invoice=None, entrepreneur=entrepreneur,
            score=0.95, method="entrepreneur",
        )  # fmt: skip


def seed_store(
    store: Store, n: int, today: date, seed: int = 7, complete_share: float = 0.35
) -> list[Invoice]:
    """``n`` training invoices over the year before ``today``, with their documents: about
    ``complete_share`` complete, the others lacking one or two pieces, one in twenty of all
    inconsistent."""
    rng = random.Random(seed)
    invoices = []
    for k in range(n):
        start = today - timedelta(days=rng.randrange(3, 365))
        trainees = [f"{rng.choice(FIRST)} {rng.choice(LAST)}{k}" for _ in range(rng.randint(1, 4))]
        invoices.append(
            training_invoice(
                f"FA-{start.year}-{k:05d}", rng.choice(PEOPLE), start, trainees, rng.choice(TITLES)
            )  # fmt: skip
        )
    store.upsert_invoices(invoices, datetime.combine(today - timedelta(days=366), time()))
    for inv in invoices:
        assert inv.end is not None
        pieces = list(PIECES)
        if rng.random() >= complete_share:
            for _ in range(rng.randint(1, 2)):
                pieces.remove(rng.choice(pieces))
        received = min(inv.end + timedelta(days=rng.randrange(1, 20)), today)
        strangers = ["Intrus Inconnu"] if rng.random() < 0.05 else []
        add_documents(store, inv, datetime.combine(received, time()), pieces, strangers)
    return invoices
