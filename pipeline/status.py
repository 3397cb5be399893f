"""The state of every dossier, as the CONTRACT's ``status --json`` lays it out.

A job over the store: it reads invoices, documents and set-aside files, applies
:mod:`pipeline.rules`, and returns plain data for the CLI (table or JSON), the
digest and the share's status files.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from pipeline.config import Config
from pipeline.errors import UsageError
from pipeline.invoices import Invoice
from pipeline.presence import Attendance
from pipeline.record import DocType
from pipeline.rules import Dossier, entrepreneur_checks, entrepreneur_missing, evaluate
from pipeline.store import DocumentRow, Store


def dossiers(
    store: Store,
    config: Config,
    entrepreneur: str | None = None,
    today: date | None = None,
    read: tuple[list[Invoice], list[DocumentRow]] | None = None,
) -> list[Dossier]:
    """Every training invoice's dossier, oldest training first (overdue counted at ``today``).

    ``read``: the invoices and documents already read by the caller (else read here).
    """
    waivers = store.waivers()
    invoices, documents = read or _read(store, entrepreneur)
    # One read of the documents (and their corrections), not one per invoice.
    attached: dict[str, list[DocumentRow]] = {}
    own: dict[str, list[DocumentRow]] = {}  # programmes, and documents waiting for a person
    for doc in documents:
        if doc.invoice:
            attached.setdefault(doc.invoice, []).append(doc)
        waiting = doc.invoice is None and doc.candidates
        if doc.entrepreneur and (doc.type == DocType.PROGRAMME or waiting):
            own.setdefault(doc.entrepreneur, []).append(doc)
    return [
        evaluate(
            inv,
            attached.get(inv.number, []),
            config.attendance,
            config.rules,
            today,
            waivers.get(inv.number, ()),
            own.get(inv.entrepreneur, []),
        )
        for inv in invoices
    ]


def _read(store: Store, entrepreneur: str | None) -> tuple[list[Invoice], list[DocumentRow]]:
    return store.invoices(entrepreneur=entrepreneur), store.documents(entrepreneur=entrepreneur)


def dossier(store: Store, config: Config, number: str, today: date | None = None) -> Dossier | None:
    """One invoice's dossier, or None if the invoice is unknown."""
    inv = store.invoice(number)
    if inv is None:
        return None
    return evaluate(
        inv, store.documents(invoice=number), config.attendance, config.rules, today,
        store.waivers(number).get(number, ()), store.documents(entrepreneur=inv.entrepreneur),
    )  # fmt: skip


def report(
    store: Store,
    config: Config,
    year: int,
    entrepreneur: str | None = None,
    incomplete_only: bool = False,
    state: str | None = None,
    period: tuple[date, date] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The CONTRACT's status object (plus ``set_aside``: files that could not be read at all).

    ``state`` keeps one state; ``period`` keeps the trainings that overlap it.
    """
    read = _read(store, entrepreneur)
    found = dossiers(store, config, entrepreneur, today, read)
    if incomplete_only:
        found = [d for d in found if d.state != "complete"]
    if state:
        found = [d for d in found if d.state == state]
    if period:
        found = [d for d in found if _overlaps(d, period)]
    people = [p for p in config.people if entrepreneur in (None, p.name)]
    return {
        "dossiers": [dossier_json(d) for d in found],
        "entrepreneurs": [_person_json(config, p.name, year, today, read) for p in people],
        "unfiled": [_unfiled_json(d) for d in read[1] if d.reason is not None],
        "set_aside": [
            {
                "file_id": f.id,
                "file": f.rel,
                "reason": f.reason,
                "message": f.detail,
                "entrepreneur": f.entrepreneur,
                "received": f.received_at,
            }
            for f in store.files(state="ecarte")
            if entrepreneur in (None, f.entrepreneur)
        ],
    }


def _overlaps(d: Dossier, period: tuple[date, date]) -> bool:
    start = d.invoice.start or d.invoice.date
    end = d.invoice.end or start
    return start <= period[1] and end >= period[0]


def parse_period(text: str) -> tuple[date, date]:
    """The first and last day of "2026", "2026-03" or "2026-01-01:2026-06-30"."""
    try:
        if ":" in text:
            first, last = text.split(":", 1)
            return date.fromisoformat(first), date.fromisoformat(last)
        if len(text) == 4:
            return date(int(text), 1, 1), date(int(text), 12, 31)
        year, month = (int(x) for x in text.split("-"))
        following = date(year + month // 12, month % 12 + 1, 1)
        return date(year, month, 1), following - timedelta(days=1)
    except ValueError:
        raise UsageError(
            f"période « {text} » : écrivez 2026, 2026-03 ou 2026-01-01:2026-06-30."
        ) from None


def daemon_json(config: Config, now: datetime) -> dict[str, Any] | None:
    """What the daemon's heartbeat says (None if it never ran), and whether it is stale."""
    path = config.paths.database.with_name(config.paths.database.stem + ".etat.json")
    try:
        beat = json.loads(path.read_text(encoding="utf-8"))
        updated = datetime.fromisoformat(beat["updated"])
    except (OSError, ValueError, KeyError):
        return None
    age = (now - updated).total_seconds()
    return beat | {"age_seconds": round(age), "alive": bool(beat.get("running")) and age < 60}


def dossier_json(d: Dossier) -> dict[str, Any]:
    return {
        "invoice": d.invoice.number,
        "entrepreneur": d.invoice.entrepreneur,
        "title": d.invoice.title,
        "client": d.invoice.client,
        "start": d.invoice.start.isoformat() if d.invoice.start else None,
        "end": d.invoice.end.isoformat() if d.invoice.end else None,
        "state": d.state,
        "documents": [document_json(doc) for doc in d.documents],
        "missing": [m.as_json() for m in d.missing if m.level != "recommande" and not m.action],
        # Recommended pieces (a cold evaluation) are advice: the dossier is complete without them.
        "advised": [m.as_json() for m in d.missing if m.level == "recommande" and not m.action],
        # In the share but not settled: read with doubt, or waiting to be attached. The
        # support team acts; the entrepreneur has nothing to send.
        "pending": [m.as_json() for m in d.missing if m.action],
        "checks": [c.as_json() for c in d.checks],
        "notes": list(d.notes),
        "waived": [
            {"target": w.target, "by": w.actor, "at": w.at, "reason": w.reason} for w in d.waived
        ],
        "attendance": attendance_json(d.attendance),
    }


def attendance_json(att: Attendance | None) -> dict[str, Any] | None:
    """The sheets' arithmetic: hours per trainee, coverage, where half-day lengths come from."""
    if att is None:
        return None
    return {
        "trainee_hours": att.trainee_hours,
        "half_days": len(att.slots),
        "half_days_expected": att.expected_half_days,
        "half_day_hours": att.half_day_hours,
        "hours_from": att.hours_source,
        "trainees": [
            {
                "name": t.name,
                "on_invoice": t.on_invoice,
                "hours": t.hours,
                "assiduity": t.assiduity,
                "read_as": sorted(t.read_as),
            }
            for t in att.trainees
        ],
        "to_review": len(att.doubtful()),
    }


def document_json(doc: DocumentRow) -> dict[str, Any]:
    return {
        "id": doc.id,
        "file": doc.rel,
        "pages": [doc.first, doc.last],
        "type": doc.type,
        "confidence": round(doc.confidence, 2),
        "method": doc.method,
        "score": doc.score,
    }


def _person_json(
    config: Config,
    name: str,
    year: int,
    today: date | None,
    read: tuple[list[Invoice], list[DocumentRow]],
) -> dict[str, Any]:
    own = [d for d in read[1] if d.entrepreneur == name and d.invoice is None and d.reason is None]
    invoices = [inv for inv in read[0] if inv.entrepreneur == name]
    missing = entrepreneur_missing(invoices, own, year, config.rules, today)
    checks = entrepreneur_checks(own, today or date.today())
    return {
        "name": name,
        "documents": [document_json(d) for d in own],
        "missing": [m.as_json() for m in missing],
        "checks": [c.as_json() for c in checks],
    }


def _unfiled_json(doc: DocumentRow) -> dict[str, Any]:
    return {
        "id": doc.id,
        "file": doc.rel,
        "pages": [doc.first, doc.last],
        "type": doc.type,
        "reason": doc.reason,
        "entrepreneur": doc.entrepreneur,
        "candidates": [c["invoice"] for c in doc.candidates],
    }
