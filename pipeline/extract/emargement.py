"""Fields of an attendance sheet (feuille d'émargement): training, trainer, dates, trainees.

Trainee names are read from the first column of the grid (text of tables
comes as rows, columns separated by runs of spaces, tabs or bars). Whether a
cell is signed is not visible in text: ``sessions`` is the image checker's job.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pipeline import parse
from pipeline.extract import common
from pipeline.parse import fold

# The grid starts at its header row: names column and half-day columns.
_GRID_HEADER = re.compile(
    r"\b(?:nom|stagiaires?|participants?|apprenants?)\b|\bmatin\b|apres.?midi"
)
_ROW_LEAD = re.compile(r"^\s*(?:\d{1,2}[.)]?\s+)?")
_STOP = re.compile(r"signature du formateur|le formateur|visa|cachet|total")


def _first_cell(line: str) -> str:
    line = _ROW_LEAD.sub("", line)
    return re.split(r"\t| {2,}|\||\s_{2,}|\s\.{3,}|\s(?:☐|☒|\[|x\s)", line)[0].strip()


def _grid_rows(text: str) -> list[str]:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _GRID_HEADER.search(fold(line))), None)
    return lines[start + 1 :] if start is not None else lines


def grid_names(text: str, trainer: str | None) -> list[str]:
    """Names in the first column of the attendance grid, trainer excluded, in order."""
    names: list[str] = []
    for page in text.split("\f"):
        for line in _grid_rows(page):
            if ":" in line or _STOP.search(fold(line)):
                continue
            cell = _first_cell(line)
            if not common.looks_like_person(cell):
                continue
            if trainer and parse.same_person(cell, trainer) >= 0.9:
                continue
            if all(parse.same_person(cell, known) < 0.9 for known in names):
                names.append(cell)
    return names


def _grid_period(text: str, default_year: int | None) -> tuple[date, date] | None:
    dates = parse.find_dates_anchored(text, default_year)
    return (min(dates), max(dates)) if dates else None


def with_grid(fields: dict[str, Any]) -> dict[str, Any]:
    """The sheet's trainees and period as its grid was read (``sessions``), when it was.

    The grid's rows name every trainee (the text's lines hold stray ink letters and miss
    names written by hand); its columns' dates are the days the sheet covers. A period
    read from the text that holds every day of the grid, in the grid's years, is kept (it
    may print a day the grid could not read); one that does not is a misread year
    ("2075") or another date.
    """
    sessions = [s for s in fields.get("sessions") or () if isinstance(s, dict)]
    people = list(dict.fromkeys(str(s["trainee"]) for s in sessions if s.get("trainee")))
    days = sorted({d for s in sessions if (d := _iso(s.get("date"))) is not None})
    out = dict(fields)
    if people:
        out["trainees"] = people
    start, end = _iso(fields.get("start_date")), _iso(fields.get("end_date"))
    if days and not _holds(start, end, days):
        out["start_date"], out["end_date"] = days[0].isoformat(), days[-1].isoformat()
    return out


def _holds(start: date | None, end: date | None, days: list[date]) -> bool:
    if start is None or end is None:
        return False
    years = {d.year for d in days}
    return start <= days[0] and days[-1] <= end and {start.year, end.year} <= years


def _iso(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def emargement(text: str, default_year: int | None = None) -> dict[str, Any]:
    """Attendance sheet; the period spans every date printed in the grid."""
    trainer = common.trainer(text)
    fields: dict[str, Any] = {
        "invoice_number": common.invoice_number(text),
        "training_title": common.training_title(text),
        "trainer": trainer,
        "trainees": common.trainees(text) or grid_names(text, trainer) or None,
    }
    found = _grid_period(text, default_year) or common.period(text, default_year)
    if found:
        fields["start_date"], fields["end_date"] = found[0].isoformat(), found[1].isoformat()
    return fields
