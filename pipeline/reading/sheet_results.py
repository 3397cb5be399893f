"""What reading an attendance sheet gives: its columns (date, half-day, hours), every
trainee and trainer cell with its mark and confidence, and the header carried to the next
page; the half-day names and the ink and confidence thresholds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pipeline.reading.tables import Table

MATIN = "matin"
APRES_MIDI = "apres-midi"

#: Ink ratios (ink pixels / cell area after the margin) below: empty; above SIGNED_INK: signed.
EMPTY_INK = 0.004
SIGNED_INK = 0.012
#: The confidence at most of a cell whose half-day or trainee could not be read.
UNPLACED = 0.5
#: Below this OCR confidence, a trainee's name read in a NOM / Prénom column is in doubt.
NAME_DOUBT = 0.5
#: Cells below this confidence are for a person to check rather than to be trusted.
REVIEW_BELOW = 0.7


@dataclass(frozen=True)
class Column:
    """What a body column stands for, from the header (or the title for one-day sheets)."""

    date: date | None
    half_day: str | None  # MATIN | APRES_MIDI
    hours: float | None  # length of the half-day when the header gives a time range
    label: str  # the header text the column was read from
    # False: date and half-day inferred from the sheet's structure (a header too blurred to
    # read, the title's period), not read: its cells are for a person to check.
    sure: bool = True


@dataclass(frozen=True)
class CellRead:
    """One decision: a person's mark for one half-day."""

    date: date | None
    half_day: str | None
    person: str  # the row's name as read ("" for a trainer box)
    mark: str  # signed | empty | absent
    confidence: float  # 0..1
    ink: float  # ink ratio of the cell
    box: tuple[int, int, int, int]  # left, top, right, bottom in the sheet image


@dataclass(frozen=True)
class SheetRead:
    """An attendance sheet as read: trainee cells, trainer cells, and the columns."""

    cells: tuple[CellRead, ...]
    trainer: tuple[CellRead, ...]
    columns: tuple[Column, ...]
    seconds: float = 0.0
    problems: tuple[str, ...] = field(default=())
    layout: str = ""  # grid (trainees x half-days) | day (one day a page) | trainee (dates as rows)
    trainee: str = ""  # the name above a one-trainee sheet ("Stagiaire : …")
    carry: Carry | None = None  # the table's header, for a table running on to the next page

    def sessions(self) -> list[dict[str, Any]]:
        """The CONTRACT's ``sessions``: one entry per trainee cell."""
        return [
            {
                "date": _iso(c.date),
                "half_day": c.half_day,
                "trainee": c.person,
                "signed": c.mark == "signed",
                "mark": c.mark,
                "confidence": c.confidence,
            }
            for c in self.cells
        ]

    def trainer_signed(self) -> list[dict[str, Any]]:
        """The CONTRACT's ``trainer_signed``: one entry per half-day of the trainer."""
        return [
            {
                "date": _iso(c.date),
                "half_day": c.half_day,
                "signed": c.mark == "signed",
                "confidence": c.confidence,
            }
            for c in self.trainer
        ]

    def half_day_hours(self) -> dict[str, float]:
        """Hours of each half-day as printed in the header ("9h-12h30" → 3.5)."""
        return {c.half_day: c.hours for c in self.columns if c.half_day and c.hours}

    def doubtful(self) -> list[CellRead]:
        """Decisions a person should check."""
        return [c for c in (*self.cells, *self.trainer) if c.confidence < REVIEW_BELOW]


#: The problem of a one-trainee page whose name line is there but unread: it names its own
#: trainee, whom no page before may stand in for.
NAME_UNREAD = "no trainee name read on the line naming one above the table"


@dataclass(frozen=True)
class Carry:
    """A table's header as read on one page, for its rows running on over the next."""

    first: str  # the first column's header text
    columns: tuple[Column, ...]
    widths: tuple[float, ...]  # each column's share of the table's width
    foot: float  # where the table ends, as a share of the page's height from its top


def column_widths(grid: Table) -> tuple[float, ...]:
    span = max(1, grid.xs[-1] - grid.xs[0])
    return tuple((b - a) / span for a, b in zip(grid.xs, grid.xs[1:], strict=False))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
