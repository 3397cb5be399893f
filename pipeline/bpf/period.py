"""``[bpf]`` in config.toml: the financial year, where the files go, when drafts are made.

``dossiers bpf 2026`` covers the financial year that *ends* in 2026: the calendar year
2026 by default, 1 July 2025 to 30 June 2026 with ``year_start = "07-01"``. Drafts of the
last closed year's BPF and of each entrepreneur's yearly summary are refreshed daily
between ``drafts_from`` and ``drafts_until`` (1 March to 31 May by default: the
cooperative's target is 30 March, the legal deadline 30 April, often extended to 31 May).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from datetime import time as TimeOfDay
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator, model_validator


class BpfSettings(BaseModel):
    """``[bpf]`` in config.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # First day of the financial year, "MM-DD" ("01-01": the calendar year).
    year_start: str = "01-01"
    # Where drafts and ``dossiers bpf`` write (relative to the config file); never in the share.
    folder: Path = Path("bpf")
    # Daily drafts of the last closed year's BPF and summaries from this day to that one.
    drafts_from: str = "03-01"
    drafts_until: str = "05-31"
    time: TimeOfDay = TimeOfDay(7, 0)  # the daemon's daily refresh of the drafts
    # Write each entrepreneur's draft yearly summary into their folder of the share.
    summaries: bool = True

    @field_validator("year_start", "drafts_from", "drafts_until")
    @classmethod
    def _month_day(cls, value: str) -> str:
        month_day(value)
        return value

    @model_validator(mode="after")
    def _window(self) -> BpfSettings:
        if month_day(self.drafts_until) < month_day(self.drafts_from):
            raise ValueError("drafts_until doit tomber après drafts_from dans l'année")
        return self


def month_day(text: str) -> tuple[int, int]:
    """``"03-01"`` -> ``(3, 1)``; a day that some years lack (``"02-29"``) is refused."""
    try:
        month, day = (int(part) for part in text.split("-"))
        date(2023, month, day)  # a common year: every valid "MM-DD" exists in it
    except ValueError:
        raise ValueError(f"« {text} » n'est pas un jour « MM-JJ » valide chaque année") from None
    return month, day


@dataclass(frozen=True)
class Period:
    """The financial year ``year`` (the year it ends in): its first and last days."""

    year: int
    first: date
    last: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    def overlaps(self, start: date, end: date) -> bool:
        return start <= self.last and end >= self.first

    @property
    def label(self) -> str:
        """« du 01/01/2026 au 31/12/2026 »."""
        return f"du {self.first:%d/%m/%Y} au {self.last:%d/%m/%Y}"


def financial_year(year: int, settings: BpfSettings | None = None) -> Period:
    """The financial year that ends in ``year``."""
    month, day = month_day((settings or BpfSettings()).year_start)
    if (month, day) == (1, 1):
        return Period(year, date(year, 1, 1), date(year, 12, 31))
    return Period(year, date(year - 1, month, day), date(year, month, day) - timedelta(days=1))


def drafts_year(today: date, settings: BpfSettings) -> int | None:
    """The financial year whose drafts are due ``today``, or None outside the window."""
    opening = date(today.year, *month_day(settings.drafts_from))
    closing = date(today.year, *month_day(settings.drafts_until))
    if not opening <= today <= closing:
        return None
    year = today.year
    while financial_year(year, settings).last >= opening:
        year -= 1
    return year


def weekdays(start: date, end: date) -> int:
    """Monday to Friday days from ``start`` to ``end`` included (0 when ``end < start``)."""
    if end < start:
        return 0
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    extra = sum(1 for n in range(rest) if (start + timedelta(days=n)).weekday() < 5)
    return weeks * 5 + extra
