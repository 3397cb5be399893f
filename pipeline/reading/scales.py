"""What the options of a scale are worth: numbers, or words ranked by meaning.

A scale is the value of each option, left to right, with its worst and best ends: "1 2 3
4" under a legend "1 = pas du tout d'accord … 4 = tout à fait d'accord"; "Très satisfait
/ Satisfait / Peu satisfait / Pas du tout satisfait" (ranked by meaning, 1 the worst);
"0 … 10"; "Oui / En partie / Non". The vocabulary is general French of satisfaction and
agreement scales, not any one form's wording.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from pipeline.parse import fold


@dataclass(frozen=True)
class Scale:
    """The raw value of each option, left to right, and the scale's worst and best values."""

    values: tuple[float, ...]
    worst: float
    best: float

    def normalised(self, value: float) -> float:
        """``value`` placed on 0..1, 1 the best."""
        return (value - self.worst) / (self.best - self.worst)


#: How good each scale word is, from -2 (the worst) to +2 (the best). Longer phrases are
#: tried first, so "pas du tout satisfait" is not read as "satisfait".
LEVELS: dict[str, float] = {
    "tres satisfait": 2,
    "tout a fait satisfait": 2,
    "tout a fait d'accord": 2,
    "tout a fait": 2,
    "excellent": 2,
    "tres bien": 2,
    "tres satisfaisant": 2,
    "satisfaisant": 1,
    "peu satisfaisant": -1,
    "insatisfaisant": -1.5,
    "pas satisfaisant": -1.5,
    "pas du tout satisfaisant": -2,
    "tres bon": 2,
    "tres utile": 2,
    "satisfait": 1,
    "plutot satisfait": 0.8,
    "assez satisfait": 0.7,
    "d'accord": 1.2,
    "plutot d'accord": 0.8,
    "plutot oui": 0.8,
    "oui": 1.5,
    "bien": 1,
    "bon": 1,
    "utile": 1,
    "neutre": 0,
    "sans avis": 0,
    "ni satisfait ni insatisfait": 0,
    "moyennement satisfait": 0,
    "moyen": 0,
    "passable": 0,
    "en partie": 0,
    "partiellement": 0,
    "peu satisfait": -1,
    "plutot pas satisfait": -0.8,
    "plutot insatisfait": -0.8,
    "plutot pas d'accord": -0.8,
    "plutot pas": -0.8,
    "plutot non": -0.8,
    "peu utile": -1,
    "insuffisant": -1,
    "pas satisfait": -1.5,
    "insatisfait": -1.5,
    "pas d'accord": -1.5,
    "non": -1.5,
    "pas du tout satisfait": -2,
    "pas du tout d'accord": -2,
    "pas du tout": -2,
    "tres insatisfait": -2,
    "mauvais": -1.5,
    "tres mauvais": -2,
    "pas utile": -1.5,
}


@lru_cache(maxsize=1)
def _level_patterns() -> list[tuple[re.Pattern[str], float]]:
    phrases = sorted(LEVELS, key=len, reverse=True)
    return [(re.compile(r"(?<![a-z])" + re.escape(p) + r"(?![a-z])"), LEVELS[p]) for p in phrases]


def level_of(text: str) -> float | None:
    """How good a scale label is (-2..2), or None when it is no scale word. A label of a
    few words misread by OCR ("Peu sausiait") still counts when it is close to one."""
    folded = re.sub(r"[’`]", "'", fold(text))
    folded = re.sub(r"\s+", " ", folded).strip()
    for pattern, level in _level_patterns():
        found = pattern.search(folded)
        if found:
            # "Rrès satisfait": a misread word before or after the phrase found may be part
            # of a longer phrase ("Très satisfait"), which then wins when clearly closest.
            rest = folded[: found.start()] + folded[found.end() :]
            closest = _closest(folded, 88, 5) if sum(ch.isalpha() for ch in rest) >= 2 else None
            return level if closest is None else closest
    if len(folded) < 8:
        return None
    return _closest(folded, 80, 0)


def _closest(folded: str, cutoff: float, margin: float) -> float | None:
    """The level of the scale phrase closest to ``folded``, when it scores ``cutoff`` or more
    and beats the next phrase of another level by ``margin``."""
    found = process.extract(folded, list(LEVELS), scorer=fuzz.ratio, limit=len(LEVELS))
    if not found or found[0][1] < cutoff:
        return None
    level = LEVELS[found[0][0]]
    rival = next((score for phrase, score, _ in found if LEVELS[phrase] != level), 0.0)
    return level if found[0][1] - rival >= margin else None


def scale_from_levels(levels: Sequence[float | None]) -> Scale | None:
    """Columns labelled by words: each option's rank by meaning, 1 the worst.

    One label unread (print too faint) is allowed when the others rise or fall steadily
    across the columns: the options are then ranked by position."""
    known = [float(v) for v in levels if v is not None]
    if len(levels) < 3 or len(known) < max(2, len(levels) - 1) or len(set(known)) != len(known):
        return None
    if max(known) < 1.5 or min(known) > -1:
        return None  # a column is missing: ranks would not mean what the words say
    if len(known) == len(levels):
        ranked = sorted(known)
        return Scale(tuple(float(ranked.index(v) + 1) for v in known), 1.0, float(len(known)))
    steps = np.diff(known)
    if not (np.all(steps > 0) or np.all(steps < 0)):
        return None
    count = len(levels)
    rising = bool(steps[0] > 0)
    values = tuple(float(i + 1 if rising else count - i) for i in range(count))
    return Scale(values, 1.0, float(count))


def numbers_filled(numbers: Sequence[int | None]) -> list[int] | None:
    """Column numbers completed: consecutive (up or down), at most one unread or misread
    (two in a scale of ten or more)."""
    filled = _consecutive(numbers)
    if filled is not None or sum(n is None for n in numbers):
        return filled
    for i in range(len(numbers)):
        filled = _consecutive([None if j == i else n for j, n in enumerate(numbers)])
        if filled is not None:
            return filled
    return None


def _consecutive(numbers: Sequence[int | None]) -> list[int] | None:
    known = [(i, n) for i, n in enumerate(numbers) if n is not None]
    # One number unread in a short scale; in a long one (0-10) one in five, the rest read
    # steady enough to say what the others are.
    unread = max(1, len(numbers) // 5)
    if len(numbers) < 3 or len(known) < max(2, len(numbers) - unread):
        return None
    (i0, n0), (i1, n1) = known[0], known[-1]
    if i1 == i0:
        return None
    step = (n1 - n0) / (i1 - i0)
    if step not in (1, -1):
        return None
    filled = [int(n0 + step * (i - i0)) for i in range(len(numbers))]
    if any(n is not None and n != f for n, f in zip(numbers, filled, strict=True)):
        return None
    return filled if min(filled) >= 0 else None


_LEGEND = re.compile(
    r"(?<![\d/])(\d{1,2})\s*[=:]\s*([^=\d]{3,60}?)(?=\s*[,;(]?\s*\d{1,2}\s*[=:]|$|\n|[.)])"
)


def legend_levels(text: str) -> dict[int, float]:
    """A legend's numbers and how good each is ("1 = pas du tout d'accord, … 4 = …")."""
    out: dict[int, float] = {}
    for m in _LEGEND.finditer(text):
        level = level_of(m.group(2))
        if level is not None:
            out.setdefault(int(m.group(1)), level)
    return out


def scale_from_numbers(
    numbers: Sequence[int | None], legend: str = "", ends: tuple[str, str] = ("", "")
) -> Scale | None:
    """Numbered columns; the best end from the legend, else the words at the row's ends
    ("Pas satisfait … Très satisfait"), else the higher number (the usual convention)."""
    filled = numbers_filled(numbers)
    if filled is None:
        return None
    low, high = min(filled), max(filled)
    said = legend_levels(legend)
    left, right = level_of(ends[0]), level_of(ends[1])
    if low in said and high in said and said[low] != said[high]:
        high_best = said[high] > said[low]
    elif left is not None and right is not None and left != right:
        high_best = (right > left) == (filled[-1] > filled[0])
    else:
        high_best = True
    values = tuple(float(n) for n in filled)
    worst, best = (low, high) if high_best else (high, low)
    return Scale(values, float(worst), float(best))


def score(answers: Sequence[float | None], scale: Sequence[Any]) -> float | None:
    """Mean of the answered items, each placed on 0..1 with 1 the best end of its scale.

    ``scale``: ``[worst, best]`` for every item, or one such pair per item.
    """
    ends = scale if scale and isinstance(scale[0], list) else [scale] * len(answers)
    placed = [
        (value - worst) / (best - worst)
        for value, (worst, best) in zip(answers, ends, strict=True)
        if value is not None and best != worst
    ]
    return round(sum(placed) / len(placed), 4) if placed else None
