"""A person's corrections of what the machine read: they are kept and they win.

A correction names one decision of one document: an attendance cell (trainee, date,
half-day), a trainer's half-day, or a party's signature. It is stored with who made it,
when and why, against the file's bytes (SHA-256) and the document's first page rather
than the document's id, so that it survives the file being read again. Whenever the store
hands out a document, :func:`apply` lays its corrections over the fields as read, the
latest correction of a decision last; the fields as read stay in the database.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pipeline.errors import UsageError
from pipeline.parse import parse_date, same_person

MARKS = {"signed", "empty", "absent"}
HALF_DAYS = {"matin": "matin", "am": "matin", "apres-midi": "apres-midi", "pm": "apres-midi"}
PARTIES = ("organisme", "client", "formateur", "stagiaire")
#: Words a person may type, in French or as stored.
MARK_WORDS = {
    "signe": "signed",
    "signé": "signed",
    "signed": "signed",
    "present": "signed",
    "présent": "signed",
    "vide": "empty",
    "empty": "empty",
    "non-signe": "empty",
    "non-signé": "empty",
    "absent": "absent",
    "abs": "absent",
}
BOOL_WORDS = {"oui": True, "signe": True, "signé": True, "non": False, "non-signe": False}


@dataclass(frozen=True)
class Correction:
    kind: str  # cellule | formateur | signature
    target: dict[str, str]  # {trainee, date, half_day} | {date, half_day} | {party}
    value: str  # a mark, or "oui"/"non" for a signature
    actor: str
    at: str
    reason: str


def cell(trainee: str, day: str, half_day: str, mark: str) -> tuple[dict[str, str], str]:
    """Target and value of a trainee's half-day, validated from what a person typed."""
    return {"trainee": trainee.strip(), **_slot(day, half_day)}, _mark(mark)


def trainer(day: str, half_day: str, mark: str) -> tuple[dict[str, str], str]:
    value = _mark(mark)
    if value == "absent":
        raise UsageError("le formateur signe ou ne signe pas : « signe » ou « vide ».")
    return _slot(day, half_day), value


def signature(party: str, value: str) -> tuple[dict[str, str], str]:
    if party not in PARTIES:
        raise UsageError(f"partie « {party} » inconnue ; parmi : {', '.join(PARTIES)}.")
    word = value.strip().lower()
    if word not in BOOL_WORDS:
        raise UsageError(f"« {value} » : répondez « oui » (signé) ou « non » (pas signé).")
    return {"party": party}, "oui" if BOOL_WORDS[word] else "non"


def _slot(day: str, half_day: str) -> dict[str, str]:
    found = _date(day)
    if found is None:
        raise UsageError(f"date « {day} » : écrivez-la JJ/MM/AAAA ou AAAA-MM-JJ.")
    iso = found.isoformat()
    half = HALF_DAYS.get(half_day.strip().lower().replace("è", "e"))
    if half is None:
        raise UsageError(f"demi-journée « {half_day} » : « matin » ou « apres-midi ».")
    return {"date": iso, "half_day": half}


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return parse_date(text)


def _mark(word: str) -> str:
    mark = MARK_WORDS.get(word.strip().lower())
    if mark is None:
        raise UsageError(f"« {word} » : écrivez « signe », « vide » ou « absent ».")
    return mark


def apply(fields: dict[str, Any], corrections: Iterable[Correction]) -> dict[str, Any]:
    """The fields with every correction laid over them, in the order they were made."""
    corrections = list(corrections)
    if not corrections:
        return fields
    out = copy.deepcopy(fields)
    for c in corrections:
        if c.kind == "cellule":
            _set_cell(out.setdefault("sessions", []), c, ("trainee", "date", "half_day"))
        elif c.kind == "formateur":
            _set_cell(out.setdefault("trainer_signed", []), c, ("date", "half_day"))
        elif c.kind == "signature":
            _set_signature(out, c)
    out["review"] = [r for r in out.get("review", []) if not _settled(r, corrections)]
    if not out["review"]:
        del out["review"]
    return out


def _set_cell(cells: list[dict[str, Any]], c: Correction, keys: tuple[str, ...]) -> None:
    def same(entry: dict[str, Any]) -> bool:
        if any(entry.get(k) != c.target[k] for k in keys if k != "trainee"):
            return False
        return "trainee" not in keys or _same_name(entry.get("trainee"), c.target["trainee"])

    entry = next((e for e in cells if same(e)), None)
    if entry is None:  # a cell the reader missed altogether
        entry = dict(c.target)
        cells.append(entry)
    entry.update(
        signed=c.value == "signed",
        confidence=1.0,
        corrected={"by": c.actor, "at": c.at, "reason": c.reason},
    )
    if "trainee" in keys:
        entry["mark"] = c.value


def _set_signature(fields: dict[str, Any], c: Correction) -> None:
    party, signed = c.target["party"], c.value == "oui"
    fields.setdefault("signatures", {})[party] = signed
    blocks = fields.setdefault("signature_blocks", {})
    blocks[party] = {
        **blocks.get(party, {}),
        "signed": signed,
        "method": "correction",
        "confidence": 1.0,
        "corrected": {"by": c.actor, "at": c.at, "reason": c.reason},
    }


def _settled(review: dict[str, Any], corrections: list[Correction]) -> bool:
    for c in corrections:
        if review.get("kind") != c.kind:
            continue
        same_slot = all(review.get(k) == v for k, v in c.target.items() if k != "trainee")
        if same_slot and (
            c.kind != "cellule" or _same_name(review["trainee"], c.target["trainee"])
        ):
            return True
    return False


def _same_name(a: Any, b: str) -> bool:
    return same_person(str(a or ""), b) >= 0.8
