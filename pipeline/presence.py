"""Attendance arithmetic: from the cells of a dossier's sheets to hours and checks.

The sheets' cells (``sessions`` and ``trainer_signed`` of each émargement, as read and
as corrected by a person) are put on one grid: the invoice's trainees × the half-days the
sheets cover. From it: hours attended per trainee (half-day lengths from the sheets'
headers, else the configuration), trainee-hours of the invoice, half-days of the training
no sheet covers, trainees on no sheet, names on sheets that are not on the invoice,
half-days without the trainer's signature, and each trainee's assiduity against a
threshold (information only: it never changes hours).

A cell read with low confidence is *doubtful*: it counts neither as attended nor as
missing until a person settles it (``dossiers correct``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from pipeline.invoices import Invoice
from pipeline.parse import normalise_name, same_person

if TYPE_CHECKING:  # the store's config imports these settings
    from pipeline.store import DocumentRow

MATIN, APRES_MIDI = "matin", "apres-midi"
HALF_LABELS = {MATIN: "matin", APRES_MIDI: "après-midi"}
#: A name read on a sheet is the invoice's trainee above this similarity...
SAME_TRAINEE = 0.8
#: ...or above this one when they are the only ones left unpaired (OCR slips in a name).
LAST_PAIR = 0.6

Slot = tuple[date, str]


class AttendanceSettings(BaseModel):
    """``[attendance]`` in config.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Hours of a half-day when no sheet header prints its time range ("9h-12h30").
    half_day_hours: float = Field(default=3.5, gt=0, le=8)
    # Assiduity below this share of the planned hours is pointed out (hours are unchanged).
    assiduity_threshold: float = Field(default=0.8, ge=0, le=1)
    # Trainee-hours of the invoice and of the sheets may differ by this much (rounding).
    hours_tolerance: float = Field(default=0.5, ge=0)


@dataclass(frozen=True)
class Mark:
    """One trainee's (or the trainer's) mark for one half-day, on one document."""

    mark: str  # signed | empty | absent | doubtful
    confidence: float
    document: int
    corrected: bool = False


@dataclass
class TraineeLine:
    """A trainee's row of the combined grid."""

    name: str  # the invoice's spelling when the trainee is on the invoice
    on_invoice: bool
    read_as: set[str] = field(default_factory=set)
    marks: dict[Slot, Mark] = field(default_factory=dict)
    hours: float = 0.0
    assiduity: float | None = None  # hours attended / hours planned


@dataclass
class Attendance:
    """Everything the sheets of one invoice say, on one grid."""

    slots: list[Slot]
    trainees: list[TraineeLine]
    trainer: dict[Slot, Mark]
    half_day_hours: dict[str, float]
    hours_source: str  # "feuilles" | "convention" | "configuration"
    expected_half_days: int | None  # from the invoice's duration, when it has one
    documents: tuple[int, ...]
    unread: tuple[int, ...] = ()  # sheets that gave no usable cell: for a person's eyes

    @property
    def trainee_hours(self) -> float:
        return round(sum(t.hours for t in self.trainees if t.on_invoice), 2)

    @property
    def uncovered(self) -> int:
        """Half-days of the training that no sheet covers."""
        if self.expected_half_days is None:
            return 0
        return max(0, self.expected_half_days - len(self.slots))

    def not_seen(self, invoice: Invoice) -> list[str]:
        seen = {t.name for t in self.trainees if t.marks}
        return [t for t in invoice.trainees if t not in seen]

    def unknown(self) -> list[TraineeLine]:
        return [t for t in self.trainees if not t.on_invoice]

    def unsigned(self) -> list[tuple[str, Slot]]:
        """Trainee half-days left empty: neither signed nor marked absent."""
        return [
            (t.name, slot)
            for t in self.trainees
            for slot, m in sorted(t.marks.items(), key=lambda item: slot_order(item[0]))
            if m.mark == "empty"
        ]

    def trainer_missing(self) -> list[Slot]:
        return [s for s in self.slots if self.trainer.get(s, _NONE).mark == "empty"]

    def doubtful(self) -> list[tuple[str, Slot, Mark]]:
        cells = [(t.name, s, m) for t in self.trainees for s, m in t.marks.items()]
        cells += [("formateur", s, m) for s, m in self.trainer.items()]
        return sorted((c for c in cells if c[2].mark == "doubtful"), key=lambda c: slot_order(c[1]))

    def below_threshold(self, threshold: float) -> list[TraineeLine]:
        return [
            t
            for t in self.trainees
            if t.on_invoice and t.assiduity is not None and t.assiduity < threshold
        ]


_NONE = Mark("none", 0.0, 0)


def combine(
    invoice: Invoice,
    sheets: Sequence[DocumentRow],
    settings: AttendanceSettings,
    review_below: float = 0.7,
    schedule: dict[str, float] | None = None,
) -> Attendance | None:
    """The invoice's combined grid, or None when no sheet was read cell by cell.

    ``schedule``: half-day lengths the convention prints, used where no sheet does.
    """
    # A sheet without ``sessions`` was never read cell by cell (no OCR engine at the time).
    sheets = [s for s in sheets if "sessions" in s.fields]
    if not sheets:
        return None
    lines = {t: TraineeLine(t, True) for t in invoice.trainees}
    trainer: dict[Slot, Mark] = {}
    slots: set[Slot] = set()
    unread = []
    for sheet in sheets:
        names = _pair_names(_read_names(sheet), invoice.trainees)
        cells = [c for c in sheet.fields.get("sessions") or () if _slot(c) is not None]
        if not cells:
            unread.append(sheet.id)  # its trainer boxes alone say nothing of the trainees
            continue
        for cell in cells:
            slot = _slot(cell)
            assert slot is not None
            slots.add(slot)
            read = str(cell.get("trainee") or "")
            if read not in names and same_person(read, invoice.entrepreneur) >= SAME_TRAINEE:
                continue  # the trainer's row read as a trainee's: the trainer trains no one
            name = names.get(read, read)
            line = lines.setdefault(name, TraineeLine(name, False))
            line.read_as.add(read)
            line.marks[slot] = _better(line.marks.get(slot), _mark(cell, sheet.id, review_below))
        for cell in sheet.fields.get("trainer_signed") or ():
            slot = _slot(cell)
            if slot is not None:
                slots.add(slot)
                trainer[slot] = _better(trainer.get(slot), _mark(cell, sheet.id, review_below))
    hours, source = _half_day_hours(sheets, settings, schedule or {})
    result = Attendance(
        slots=sorted(slots, key=slot_order),
        trainees=list(lines.values()),
        trainer=trainer,
        half_day_hours=hours,
        hours_source=source,
        expected_half_days=_expected_half_days(invoice, hours),
        documents=tuple(s.id for s in sheets),
        unread=tuple(unread),
    )
    for line in result.trainees:
        line.hours = round(sum(hours[s[1]] for s, m in line.marks.items() if m.mark == "signed"), 2)
        if invoice.hours:
            line.assiduity = round(line.hours / invoice.hours, 3)
    return result


def slot_order(slot: Slot) -> tuple[date, int]:
    """Days in order, the morning before the afternoon."""
    return slot[0], 0 if slot[1] == MATIN else 1


def _read_names(sheet: DocumentRow) -> list[str]:
    names: list[str] = []
    for cell in sheet.fields.get("sessions") or ():
        name = str(cell.get("trainee") or "")
        if name and name not in names:
            names.append(name)
    return names


def _pair_names(read: Sequence[str], invoice: Sequence[str]) -> dict[str, str]:
    """Names read on one sheet → the invoice's trainees, each used at most once.

    Best pairs first above :data:`SAME_TRAINEE`; then, among those left, a name and a
    trainee that are each other's best match above :data:`LAST_PAIR` (an OCR slip:
    "Bruno Ractide" for "Bruno Bastide").
    """
    pairs = _same_keys(read, invoice)  # the usual case, and the only pairs scoring 1
    read_left = [r for r in read if r not in pairs]
    invoice_left = [t for t in invoice if t not in pairs.values()]
    scores = {(r, t): same_person(r, t) for r in read_left for t in invoice_left}
    for (r, t), score in sorted(scores.items(), key=lambda item: -item[1]):
        if score >= SAME_TRAINEE and r not in pairs and t not in pairs.values():
            pairs[r] = t
    left_read = [r for r in read if r not in pairs]
    left_invoice = [t for t in invoice if t not in pairs.values()]
    for r in left_read:
        if not left_invoice:
            break
        best = max(left_invoice, key=lambda t: scores[(r, t)])
        rival = max(left_read, key=lambda other: scores[(other, best)])
        if rival == r and scores[(r, best)] >= LAST_PAIR:
            pairs[r] = best
            left_invoice.remove(best)
    return pairs


def _same_keys(read: Sequence[str], invoice: Sequence[str]) -> dict[str, str]:
    """Names whose comparison key is the same on both sides and unique on each: they would
    be paired first anyway (score 1), without scoring every pair (100,000 dossiers)."""
    read_keys = {r: normalise_name(r) for r in read}
    invoice_keys = [normalise_name(t) for t in invoice]
    on_sheet, on_invoice = Counter(read_keys.values()), Counter(invoice_keys)
    by_key = {
        k: t
        for k, t in zip(invoice_keys, invoice, strict=True)
        if k and on_sheet[k] == 1 and on_invoice[k] == 1
    }
    return {r: by_key[k] for r, k in read_keys.items() if k in by_key}


def _slot(cell: dict[str, Any]) -> Slot | None:
    try:
        day = date.fromisoformat(str(cell.get("date")))
    except ValueError:
        return None
    half = cell.get("half_day")
    return (day, half) if half in (MATIN, APRES_MIDI) else None


def _mark(cell: dict[str, Any], document: int, review_below: float) -> Mark:
    corrected = bool(cell.get("corrected"))
    mark = str(cell.get("mark") or ("signed" if cell.get("signed") else "empty"))
    confidence = float(cell.get("confidence", 1.0))
    if confidence < review_below and not corrected:
        mark = "doubtful"
    return Mark(mark, confidence, document, corrected)


_RANK = {"doubtful": 0, "empty": 1, "absent": 2, "signed": 3}


def _better(old: Mark | None, new: Mark) -> Mark:
    """Two sheets for the same half-day (a copy, a second page): a correction, then the
    strongest evidence wins (a signature over an empty cell of a duplicate)."""
    if old is None:
        return new
    if old.corrected != new.corrected:
        return old if old.corrected else new
    return new if _RANK.get(new.mark, 0) > _RANK.get(old.mark, 0) else old


def _half_day_hours(
    sheets: Iterable[DocumentRow], settings: AttendanceSettings, schedule: dict[str, float]
) -> tuple[dict[str, float], str]:
    """Each half-day's length: as the sheets print it, else the convention, else the config."""
    printed: dict[str, float] = {}
    for sheet in sheets:
        for half, value in (sheet.fields.get("half_day_hours") or {}).items():
            printed.setdefault(half, float(value))
    hours, source = {}, "configuration"
    for half in (MATIN, APRES_MIDI):
        if half in printed:
            hours[half], source = printed[half], "feuilles"
        elif half in schedule:
            hours[half] = float(schedule[half])
            source = source if source == "feuilles" else "convention"
        else:
            hours[half] = settings.half_day_hours
    return hours, source


def _expected_half_days(invoice: Invoice, hours: dict[str, float]) -> int | None:
    if not invoice.hours:
        return None
    per_half = (hours[MATIN] + hours[APRES_MIDI]) / 2
    return max(1, round(invoice.hours / per_half))
