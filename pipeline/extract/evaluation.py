"""Fields of hot and cold evaluations: who answered and how satisfied they were.

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
from typing import Any

from pipeline.extract import common
from pipeline.parse import fold

_TRAINEE_LABELS = ("nom et prenom", "nom prenom", "stagiaire", "participant", "participante",
                   "nom du stagiaire", "nom du participant", "apprenant", "votre nom", "nom",
                   "prenom et nom")  # fmt: skip
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


def _trainee(text: str) -> str | None:
    value = common.person_value(common.labelled(text, _TRAINEE_LABELS))
    if value and not re.search(r"facultatif|optionnel", fold(value)):
        return value
    return None


def evaluation(text: str, default_year: int | None = None) -> dict[str, Any]:
    """Hot or cold evaluation; ``satisfaction`` only when marks could be read."""
    fields: dict[str, Any] = {
        "invoice_number": common.invoice_number(text),
        "training_title": common.training_title(text),
        "trainer": common.trainer(text),
        "trainee": _trainee(text),
    }
    fields.update(common.period_fields(text, default_year))
    read = marks(text)
    if read is not None:
        fields["satisfaction"] = read.as_field()
    return fields
