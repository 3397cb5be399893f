"""The cooperative's checklist as settings: which pieces a dossier needs, how much, by when.

``[rules]`` in config.toml; the defaults are DOMAIN.md's checklist. Each requirement has a
level — ``requis`` (a dossier lacking it is incomplete) or ``recommande`` (listed, never
blocking) — or is switched off with ``level = "aucun"``, and a due date relative to the
training: ``due_days`` after its last day (negative: before its first day). A piece still
missing after its due date is overdue, and the status says by how many days.

The checking itself is :mod:`pipeline.rules`; a person may waive one requirement of one
dossier with a reason (``dossiers waive``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Level = Literal["requis", "recommande", "aucun"]


class Requirement(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    level: Level = "requis"
    due_days: int | None = None  # after the training's end; negative: before its start

    def due(self, start: date | None, end: date | None) -> date | None:
        if self.due_days is None:
            return None
        if self.due_days < 0:
            return start + timedelta(days=self.due_days) if start else None
        return end + timedelta(days=self.due_days) if end else None


class Rules(BaseModel):
    """``[rules]``: one requirement per piece of a training invoice's dossier, and per ES."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # The signed agreement: convention, contract, or for subcontracted work a signed quote.
    convention: Requirement = Requirement(due_days=-1)  # by the eve of the first day
    emargement: Requirement = Requirement(due_days=7)
    attestation: Requirement = Requirement(due_days=30)
    evaluation_chaud: Requirement = Requirement(due_days=7)
    evaluation_froid: Requirement = Requirement(level="recommande", due_days=90)
    # The invoice record's mentions (title, place, trainees, statuses, dates, hours, BPF code).
    mentions: Requirement = Requirement()
    # Per entrepreneur: a CV of the year, a programme per title sold, the yearly summary.
    cv: Requirement = Requirement()
    programme: Requirement = Requirement()
    bilan_pedagogique: Requirement = Requirement()
    # The yearly summary of year N is due on this day of year N + 1 (month, day).
    summary_due: tuple[int, int] = Field(default=(3, 30))

    def of(self, piece: str) -> Requirement:
        """The requirement a missing piece answers to (an agreement is the convention's)."""
        key = "convention" if piece in ("contrat", "bon_commande") else piece
        found = getattr(self, key, None)
        return found if isinstance(found, Requirement) else Requirement()


@dataclass(frozen=True)
class Waiver:
    """A person's decision that one requirement (a piece or a check code) does not apply."""

    target: str
    actor: str
    at: str  # ISO date-time
    reason: str
