"""A person's corrections of what the machine read: they are kept and they win.

A correction names one decision of one document: an attendance cell (trainee, date,
half-day), a trainer's half-day, a party's signature, or one answer of an evaluation
(its number in printed order; the satisfaction is then worked out again). It is stored
with who made it, when and why, against the file's bytes (SHA-256) and the document's
first page rather than the document's id, so that it survives the file being read again.
Whenever the store hands out a document, :func:`apply` lays its corrections over the
fields as read, the latest correction of a decision last; the fields as read stay in the
database.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pipeline.errors import UsageError
from pipeline.parse import parse_date, same_person
from pipeline.reading.scales import score

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
    kind: str  # cellule | formateur | signature | reponse
    target: dict[str, str]  # {trainee, date, half_day} | {date, half_day} | {party} | {item}
    value: str  # a mark, "oui"/"non" for a signature, a number or "vide" for an answer
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


def answer(item: str, value: str) -> tuple[dict[str, str], str]:
    """Target and value of an evaluation's answer: its number, and a mark or ``vide``."""
    if not item.strip().isdigit() or int(item) < 1:
        raise UsageError(f"question « {item} » : donnez son numéro (1 pour la première).")
    word = value.strip().lower()
    if word in ("vide", "aucune", "-"):
        return {"item": str(int(item))}, "vide"
    try:
        number = float(word.replace(",", "."))
    except ValueError:
        raise UsageError(f"« {value} » : donnez la note cochée (un nombre) ou « vide ».") from None
    return {"item": str(int(item))}, f"{number:g}"


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
        elif c.kind == "reponse":
            _set_answer(out, c)
    out["review"] = [r for r in out.get("review", []) if not _settled(r, corrections)]
    _rescore(out, any(r.get("kind") == "reponse" for r in out["review"]))
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


def _set_answer(fields: dict[str, Any], c: Correction) -> None:
    read = fields.get("satisfaction")
    index = int(c.target["item"]) - 1
    if not isinstance(read, dict) or not 0 <= index < len(read.get("answers") or ()):
        return  # no such answer was read: nothing to lay the correction on
    value = None if c.value == "vide" else float(c.value)
    read["answers"][index] = int(value) if value is not None and value.is_integer() else value
    read.setdefault("corrected", []).append(
        {"item": index + 1, "by": c.actor, "at": c.at, "reason": c.reason}
    )


def _rescore(fields: dict[str, Any], waiting: bool) -> None:
    """The score again from corrected answers; none while answers still wait for a person
    on a form whose score was withheld."""
    read = fields.get("satisfaction")
    if not isinstance(read, dict) or not read.get("corrected"):
        return
    if read.get("score") is None and waiting:
        return
    read["score"] = score(read["answers"], read["scale"])


def _settled(review: dict[str, Any], corrections: list[Correction]) -> bool:
    for c in corrections:
        if review.get("kind") != c.kind:
            continue
        if c.kind == "reponse":
            if str(review.get("item")) == c.target["item"]:
                return True
            continue
        same_slot = all(review.get(k) == v for k, v in c.target.items() if k != "trainee")
        if same_slot and (
            c.kind != "cellule" or _same_name(review["trainee"], c.target["trainee"])
        ):
            return True
    return False


def _same_name(a: Any, b: str) -> bool:
    return same_person(str(a or ""), b) >= 0.8
