"""The review list: decisions read with low confidence, and a person's answers to them.

:func:`pending` lists, for support staff, every attendance cell and signature block the
readers were unsure of (the documents' ``review`` field, minus what a person already
settled), each with the ``dossiers correct`` command that settles it; and the answers of
evaluations read in doubt. :func:`correct`
records an answer (see :mod:`pipeline.corrections`: it is kept and wins).
"""

from __future__ import annotations

import shlex
from datetime import datetime
from typing import Any

from pipeline.corrections import Correction
from pipeline.errors import UsageError
from pipeline.presence import HALF_LABELS
from pipeline.store import Store

MARK_LABELS = {
    "signed": "signé",
    "empty": "vide",
    "absent": "absent",
    True: "signé",
    False: "non signé",
}


def pending(store: Store, entrepreneur: str | None = None) -> list[dict[str, Any]]:
    """Every decision waiting for a person, oldest document first."""
    items = []
    for doc in store.documents(entrepreneur=entrepreneur):
        for entry in doc.fields.get("review") or ():
            items.append(
                {
                    "document": doc.id,
                    "file": doc.rel,
                    "invoice": doc.invoice,
                    "kind": entry.get("kind"),
                    "what": _what(entry),
                    "read": MARK_LABELS.get(entry.get("read"), str(entry.get("read"))),
                    "confidence": float(entry.get("confidence") or 0.0),
                    "command": _command(doc.id, entry),
                    "entry": entry,
                }
            )
    return items


def _what(entry: dict[str, Any]) -> str:
    kind = entry.get("kind")
    when = f"{_day(entry.get('date'))} {HALF_LABELS.get(entry.get('half_day') or '', '?')}"
    if kind == "cellule":
        return f"émargement de {entry.get('trainee') or '?'} le {when}"
    if kind == "formateur":
        return f"signature du formateur le {when}"
    if kind == "signature":
        return f"signature de la partie « {entry.get('party')} »"
    return str(entry.get("detail") or "lecture à vérifier")


def _day(iso: Any) -> str:
    text = str(iso or "")
    return f"{text[8:10]}/{text[5:7]}" if len(text) == 10 else "?"


def _command(doc_id: int, entry: dict[str, Any]) -> str:
    kind = entry.get("kind")
    if kind == "cellule":
        args = ["--cell", entry.get("trainee") or "NOM", entry.get("date") or "AAAA-MM-JJ",
                entry.get("half_day") or "matin", "signe|vide|absent"]  # fmt: skip
    elif kind == "formateur":
        args = ["--trainer", entry.get("date") or "AAAA-MM-JJ", entry.get("half_day") or "matin",
                "signe|vide"]  # fmt: skip
    elif kind == "signature":
        args = ["--signature", str(entry.get("party")), "oui|non"]
    elif kind == "reponse":
        args = ["--answer", str(entry.get("item") or "N"), "NOTE|vide"]
    else:
        return "ouvrez le document et corrigez à la main (dossiers attach / detach)"
    quoted = " ".join(shlex.quote(a) if "|" not in a else a for a in args)
    return f'dossiers correct {doc_id} {quoted} --reason "…"'


def correct(
    store: Store,
    doc_id: int,
    changes: list[tuple[str, dict[str, str], str]],
    *,
    actor: str,
    reason: str,
    now: datetime,
) -> int:
    """Record a person's corrections (kind, target, value) of one document; how many."""
    if store.document(doc_id) is None:
        raise UsageError(f"document #{doc_id} inconnu ; voyez « dossiers review » ou « show ».")
    if not reason.strip():
        raise UsageError("dites pourquoi avec --reason (gardé dans l'historique du dossier).")
    for kind, target, value in changes:
        store.add_correction(
            doc_id, Correction(kind, target, value, actor, now.isoformat(), reason.strip())
        )
    return len(changes)


def history(store: Store, doc_ids: list[int]) -> list[str]:
    """The corrections of these documents, as lines for a person."""
    lines = []
    for doc_id, found in sorted(store.corrections(doc_ids).items()):
        for c in found:
            target = " ".join(c.target.values())
            lines.append(
                f"#{doc_id} {c.at[:16].replace('T', ' ')} {c.actor} : {c.kind} {target} → "
                f"{c.value} ({c.reason})"
            )
    return lines
