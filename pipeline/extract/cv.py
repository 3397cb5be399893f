"""Fields of a trainer's CV: whose it is and when it was last updated."""

from __future__ import annotations

import re
from typing import Any

from pipeline import parse
from pipeline.extract import common
from pipeline.parse import MONTHS, fold

_NAME_LABELS = ("nom", "nom et prenom", "nom prenom", "prenom nom", "identite")
_TITLE_NAME = re.compile(r"(?:curriculum vitae|\bcv\b)\s*(?:de|[-–—:|])\s*(.+)", re.I)
_UPDATED = re.compile(
    r"(?:mis\s*e?\s+a\s+jour|mise\s+a\s+jour|actualise\s*e?|derniere\s+mise\s+a\s+jour|version)"
    r"\s*(?:le|du|en|:)?\s*:?\s*([^\n]{0,40})"
)
_MONTH_YEAR = re.compile(rf"\b({'|'.join(MONTHS)})\.?\s+((?:19|20)\d\d)\b")
_YEAR = re.compile(r"\b(20\d\d)\b")


def person(text: str) -> str | None:
    """The CV's owner: a name label, "CV de …", or a name line at the very top."""
    value = common.person_value(common.labelled(text, _NAME_LABELS))
    if value and common.looks_like_person(value):
        return value
    folded = fold(text)
    m = _TITLE_NAME.search(folded)
    if m is not None:
        name = common.person_value(text[m.start(1) : m.end(1)].strip())
        if name and common.looks_like_person(name):
            return name
    for line in [line.strip() for line in text.splitlines() if line.strip()][:6]:
        name = common.person_value(line)
        if name and common.looks_like_person(common.titlecase_upper(name)):
            return name
    return None


def updated(text: str, default_year: int | None = None) -> str | None:
    """When the CV was updated: ISO date, else "YYYY-MM", else "YYYY"."""
    m = _UPDATED.search(fold(text))
    if m is None:
        return None
    value = m.group(1)
    when = parse.parse_date(value, default_year)
    if when:
        return when.isoformat()
    month = _MONTH_YEAR.search(value)
    if month:
        return f"{month.group(2)}-{MONTHS[month.group(1)]:02d}"
    year = _YEAR.search(value)
    return year.group(1) if year else None


def cv(text: str, default_year: int | None = None) -> dict[str, Any]:
    owner = person(text)
    return {"person": owner, "trainer": owner, "updated": updated(text, default_year)}
