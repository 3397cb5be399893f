"""Fields of hot and cold evaluations: who answered, about which session, and how satisfied
they were.

The title is labelled ("Formation :", "Thème :") or printed unlabelled under the form's
heading beside a brand, a trainer ("… - animée par X - date") or a date. The session's dates
are a stated period, a single labelled day ("Date :", "Session du :"), or the day an online
form was answered (its end); a cold evaluation's own date (weeks later) is never the
session's. Dates written by hand are taken only whole (dd/mm/yyyy) and in a plausible year.
The respondent is a labelled name that reads as one; :mod:`pipeline.marks` withdraws it
when OCR did not surely read it (handwriting).

Marks are read from text in three forms: "Note : 4 / 5" (or "4/5" at the end
of a question line), a row of boxes with one ticked ("☐ 1 ☐ 2 ☒ 3 ☐ 4",
"[ ] … [X] …"), and ticked boxes rendered as a lone "X" before an option.
Marks drawn by hand (or radio buttons drawn as shapes) are read from the page's ink by
:mod:`pipeline.reading.questionnaire`, whose ``satisfaction`` replaces this one (see
:mod:`pipeline.marks`); this reading stays for printed answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from pipeline import parse
from pipeline.extract import common
from pipeline.parse import fold

_TRAINEE_LABELS = ("nom et prenom", "nom prenom", "stagiaire", "participant", "participante",
                   "nom du stagiaire", "nom du participant", "apprenant", "apprenante",
                   "votre nom", "vos nom et prenom", "votre nom et prenom", "nom",
                   "prenom et nom", "repondant", "repondante", "nom du repondant",
                   "nom du beneficiaire", "identite", "identite du stagiaire",
                   "identite du participant")  # fmt: skip
_MARK = re.compile(r"(?<![\d/.,])(\d{1,2}(?:[.,]5)?)\s*/\s*(4|5|6|10|20)(?![\d/])")
_TICKED = "☒☑✔✓■▣●x"
_BOX = re.compile(r"(☐|□|○|◯|☒|☑|■|▣|●|\[\s*[xX✓✔]?\s*\]|\(\s*[xX]?\s*\))")


@dataclass(frozen=True)
class Marks:
    answers: tuple[float, ...]
    low: int
    high: int

    @property
    def score(self) -> float:
        """Mean mark placed on the scale: 1 is the best mark, 0 the worst."""
        mean = sum(self.answers) / len(self.answers)
        return round((mean - self.low) / (self.high - self.low), 3)

    def as_field(self) -> dict[str, Any]:
        answers = [common.number(a) for a in self.answers]
        return {"score": self.score, "scale": [self.low, self.high], "answers": answers}


# "(1 = pas du tout satisfait … 5 = très satisfait)", "notez de 1 à 5", "échelle de 0 à 10"
_LEGEND = re.compile(
    r"\b(?:de|entre)\s+(0|1)\s+(?:a|et)\s+(4|5|6|10|20)\b|\b(0|1)\s*=.{0,60}?\b(4|5|6|10|20)\s*="
)


def _low_of_scale(text: str, high: int, boxes_from: int | None) -> int:
    """Lowest mark: stated in a legend, else the first box's label, else 1 (0 for /10, /20)."""
    for m in _LEGEND.finditer(fold(text)):
        lo, hi = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if int(hi) == high:
            return int(lo)
    if boxes_from is not None:
        return boxes_from
    return 1 if high <= 6 else 0


def _is_ticked(box: str) -> bool:
    return any(mark in box.lower() for mark in _TICKED)


def _boxed_mark(line: str) -> tuple[float, int, int | None] | None:
    """The ticked position in a row of 3+ boxes: (mark, highest mark, lowest label)."""
    boxes = list(_BOX.finditer(line))
    if len(boxes) < 3:
        return None
    ticked = [i for i, box in enumerate(boxes) if _is_ticked(box.group())]
    if len(ticked) != 1:
        return None
    labels = [re.match(r"\s*(\d{1,2})\b", line[box.end() :]) for box in boxes]
    if all(labels):
        values = [int(m.group(1)) for m in labels if m]
        return float(values[ticked[0]]), max(values), min(values)
    return float(ticked[0] + 1), len(boxes), None


def _line_mark(line: str) -> tuple[float, int, int | None] | None:
    boxed = _boxed_mark(line)
    if boxed is not None:
        return boxed
    m = _MARK.search(line)
    if m is None:
        return None
    value, high = float(m.group(1).replace(",", ".")), int(m.group(2))
    return (value, high, None) if 0 <= value <= high else None


def marks(text: str) -> Marks | None:
    """Every mark of the questionnaire, on its most common scale."""
    found = [mark for line in text.splitlines() if (mark := _line_mark(line))]
    if not found:
        return None
    highs = [high for _, high, _ in found]
    high = max(set(highs), key=highs.count)
    answers = tuple(value for value, h, _ in found if h == high)
    box_lows = [low for _, h, low in found if h == high and low is not None]
    low = _low_of_scale(text, high, min(box_lows) if box_lows else None)
    return Marks(answers, low, high) if high > low else None


def respondent(text: str) -> str | None:
    """The respondent named on the form, when the name reads as one (handwriting OCR'd
    into symbols or lower-case scraps is no name: left for a person)."""
    value = common.labelled(text, _TRAINEE_LABELS, accept=lambda v: _name_in(v) is not None)
    return _name_in(value) if value else _name_in_two_fields(text)


def _name_in(value: str) -> str | None:
    if re.search(r"facultatif|optionnel", fold(value)):
        return None
    # Handwriting OCR'd into scraps carries symbols no name has ("NOIR Vallun ©").
    if re.search(r"[©®™§¤@#$%&*+=<>|~^]", re.split(r"[,;:]|\s[-–—(/]", value, maxsplit=1)[0]):
        return None
    # "Lacombe, Vincent": a name written surname first, a comma between.
    two = re.fullmatch(r"\s*([^\s,]+)\s*,\s*([^\s,]+)\s*", value)
    name = f"{two.group(1)} {two.group(2)}" if two else common.person_value(value)
    return name if name and _reads_as_name(name) else None


def _one_word(value: str) -> bool:
    return re.fullmatch(r"[^\W\d_][\w'’-]+", value.strip()) is not None


def _name_in_two_fields(text: str) -> str | None:
    """ "Nom : DURAND" and "Prénom : Paul" asked apart (an online form's two questions)."""
    surname = common.labelled(text, ("nom", "nom de famille"), accept=_one_word)
    first = common.labelled(text, ("prenom",), accept=_one_word)
    if not surname or not first:
        return None
    name = f"{first} {surname}"
    return name if _reads_as_name(name) else None


# Particles of surnames ("Le Goff", "de La Fontaine", "Ben Saïd"): no word of their own.
_PARTICLES = frozenset({"de", "du", "des", "d", "le", "la", "les", "van", "von", "der", "el",
                        "al", "ben", "ibn", "da", "di", "dos", "den", "ter", "ten"})  # fmt: skip


def _reads_as_name(name: str) -> bool:
    """A person's name: capitalised words, particles of surnames aside (not the first)."""
    words = common.titlecase_upper(name).split()
    core = [words[0]] + [re.sub(r"^[dl]['’](?=[A-ZÀ-Þ])", "", w) for w in words[1:]
                         if fold(w).rstrip("'’") not in _PARTICLES]  # fmt: skip
    return common.looks_like_person(" ".join(core))


# Words of a form's own heading ("Questionnaire de satisfaction", "Votre avis …").
_FORM_HEADING = re.compile(r"\b(?:evaluation|questionnaire|satisfaction|avis|enquete)\b")
# A trainer named in a heading: "… - animée par Paul Durand - …".
_BY = re.compile(r"^(?:anime|dispense|assure|presente|realise)e?s?\s+par\b")
_SEGMENT_CUT = re.compile(r"\s+[-–—|]\s+")
_PAGE_COUNT = re.compile(r"\s+\d{1,3}\s*/\s*\d{1,3}\s*$")


def _proper_name(segment: str) -> bool:
    """Every word capitalised ("Cap Management", "Voix & Parcours"): a brand or a person."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", segment) if len(w) > 2]
    return bool(words) and all(w[0].isupper() for w in words)


def _title_in_segments(segments: list[str]) -> str | None:
    """The segments of a heading line that are neither a trainer, a date, a proper name nor
    the form's own name: the title, when they run together."""
    by = next((i for i, s in enumerate(segments) if _BY.match(fold(s))), None)
    if by is not None:
        # "Title - animée par X - date": what precedes the trainer is the title.
        segments = segments[:by]
    kept = []
    for index, segment in enumerate(segments):
        folded = fold(segment)
        if parse.parse_date(segment) or by is None and _proper_name(segment):
            continue
        if _FORM_HEADING.search(folded) or len(segment.split()) < 2:
            continue
        kept.append(index)
    if not kept or kept != list(range(kept[0], kept[-1] + 1)):
        return None
    return common.clean_value(" - ".join(segments[i] for i in kept))


def _heading_title(text: str) -> str | None:
    """A title printed unlabelled under the form's heading, with the brand, the trainer or
    the date on the same line ("Gérer son temps - Atelier Horizon")."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    heading = next((i for i, line in enumerate(lines[:12]) if _FORM_HEADING.search(fold(line))),
                   None)  # fmt: skip
    if heading is None:
        return None
    for line in lines[heading + 1 : heading + 4]:
        segments = _SEGMENT_CUT.split(_PAGE_COUNT.sub("", line))
        title = _title_in_segments(segments) if len(segments) >= 2 else None
        if title:
            return title
    return None


#: What a questionnaire calls the training it asks about, besides the usual labels.
_TITLE_LABELS = (*common.TITLE_LABELS, "theme de la formation", "theme", "formation evaluee",
                 "formation concernee", "intitule de la session", "session")  # fmt: skip


def _title(text: str) -> str | None:
    return common.training_title(text, _TITLE_LABELS) or _heading_title(text)


#: A single date labelled as the session's first day.
_START_LABELS = ("session du", "debut de la session", "a partir du", "debut de la formation")
#: A single date labelled as the day of the session (on a hot evaluation, the day it ends).
_DAY_LABELS = ("date", "date de la session", "date de session", "date de la formation", "le")
# A form filled by hand: a date written in full, day and month on two digits.
_WRITTEN_DATE = re.compile(r"\d{2}[/.-]\d{2}[/.-](?:\d{4}|\d{2})")


def _plausible(when: date, default_year: int | None) -> bool:
    """A year OCR did not garble: near the year the document is read in."""
    return default_year is None or default_year - 3 <= when.year <= default_year + 1


def _single_date(text: str, labels: tuple[str, ...], default_year: int | None) -> date | None:
    value = common.labelled(text, labels, next_line=False)
    if value is None or not _WRITTEN_DATE.fullmatch(value.strip()):
        return None
    when = parse.parse_date(value, default_year)
    return when if when and _plausible(when, default_year) else None


def _stated_period(text: str, default_year: int | None) -> tuple[date, date] | None:
    """The session's period as labelled ("Dates : du … au …") or written "du … au …"."""
    value = common.labelled(text, common.PERIOD_LABELS)
    found = parse.parse_date_range(value, default_year) if value else None
    if found is None:
        found = _written_range(text, default_year)
    if found and all(_plausible(d, default_year) for d in found):
        return found
    return None


# "Du 11/12/2025 au 08/01/2026", "Formation (17/02/2025 - 05/03/2025)"
_RANGES = (re.compile(r"\bdu\s+\d[^\n]{0,60}"), re.compile(r"\((?=[^()]*\d)([^()]{6,40})\)"))


def _written_range(text: str, default_year: int | None) -> tuple[date, date] | None:
    """A period written out with both its ends (one date alone may be a garbled one)."""
    folded = fold(text)
    for pattern in _RANGES:
        for m in pattern.finditer(folded):
            span = text[m.start() : m.end()]
            if len(parse.find_dates(span, default_year)) >= 2:
                return parse.parse_date_range(span, default_year)
    return None


def _answered_on(text: str, default_year: int | None) -> date | None:
    """The date on a heading that names the trainer ("… - animée par X - 02/10/2025"): the
    day the form was handed out, when the session ended."""
    for line in text.splitlines()[:15]:
        segments = _SEGMENT_CUT.split(line.strip())
        if not any(_BY.match(fold(s)) for s in segments):
            continue
        dates = [d for s in segments if (d := parse.parse_date(s, default_year))]
        if len(dates) == 1 and _plausible(dates[0], default_year):
            return dates[0]
    return None


def _period_fields(text: str, default_year: int | None, hot: bool) -> dict[str, Any]:
    """The session's dates, never the day a cold evaluation was filled in."""
    found = _stated_period(text, default_year)
    if found:
        return {"start_date": found[0].isoformat(), "end_date": found[1].isoformat()}
    fields = {}
    start = _single_date(text, _START_LABELS, default_year)
    if start:
        fields["start_date"] = start.isoformat()
    if not hot:
        return fields
    day = _single_date(text, _DAY_LABELS, default_year)
    if day and not start:
        return {"start_date": day.isoformat(), "end_date": day.isoformat()}
    end = _answered_on(text, default_year)
    if end and (start is None or start <= end):
        fields["end_date"] = end.isoformat()
    return fields


def _fields(text: str, default_year: int | None, hot: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "invoice_number": common.invoice_number(text),
        "training_title": _title(text),
        "trainer": common.trainer(text),
        "trainee": respondent(text),
    }
    fields.update(_period_fields(text, default_year, hot))
    read = marks(text)
    if read is not None:
        fields["satisfaction"] = read.as_field()
    return fields


def evaluation(text: str, default_year: int | None = None) -> dict[str, Any]:
    """Hot evaluation; ``satisfaction`` only when marks could be read."""
    return _fields(text, default_year, hot=True)


def cold_evaluation(text: str, default_year: int | None = None) -> dict[str, Any]:
    """Cold evaluation: filled weeks after the session, so its own date is not the session's."""
    return _fields(text, default_year, hot=False)
