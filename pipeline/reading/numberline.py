"""A scale printed as a line of bare numbers ("0 1 2 … 10"), one of them circled, ticked,
crossed or set on a filled disc: no printed shape to find, the numbers are the options.

A line of such a scale holds consecutive numbers (up or down) at a steady pitch and
nothing else between them; a number OCR could not read (a hand's circle run into it) is
placed on the pitch. Each number's mark is the ink a hand adds around and over it: the
ink in a box one pitch wide and a few digit heights tall, less the printed digits. Numbers
that head or label a block of option shapes are not such a line (the caller says where
those blocks stand).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from statistics import median

import cv2
import numpy as np

from pipeline.ocr import Word
from pipeline.reading.labels import number_of, printed
from pipeline.reading.scales import Scale, numbers_filled, scale_from_numbers
from pipeline.reading.words import Box, lines

#: A line of a scale holds this many numbers, at least and at most.
FEWEST, MOST = 4, 11


@dataclass(frozen=True)
class NumberLine:
    """Consecutive numbers on one line: each option's centre, value and the digits' box."""

    y: float
    xs: tuple[float, ...]
    numbers: tuple[int, ...]
    height: float  # of a digit, pixels
    digits: tuple[Box | None, ...]  # each number's printed box (None: not read)
    ends: tuple[str, str]  # words just before and after the line ("Pas du tout … Tout à fait")
    whole: bool = True  # False: figures stand past its ends that OCR did not read

    @property
    def pitch(self) -> float:
        return float(np.median(np.diff(self.xs)))


def number_lines(
    words: Sequence[Word],
    taken: Sequence[Box],
    ink: np.ndarray,
    reread: Callable[[Box], str] | None = None,
) -> list[NumberLine]:
    """The lines of bare numbers on a page, outside the ``taken`` areas (blocks of options
    with their labels); ``ink`` the page's (a number OCR did not read still has its own).
    ``reread``: OCR again of a crop, for a line whose numbers the page's OCR garbled."""
    free = [w for w in words if not any(_inside(w, box) for box in taken)]
    out = []
    for line in lines(free, follow=False):
        found = _line_of(line)
        if found is not None:
            found = _to_ten(found, line, ink)
        whole = found is not None and not _continues(found, line, ink)
        if not whole and reread is not None and (found is not None or _garbled(line)):
            # Numbers set far apart, one on a filled disc: the page's OCR garbles some. Each
            # figure read alone, those standing on past the words OCR read among them.
            reach = found.pitch * (MOST - len(found.numbers)) if found is not None else 0.0
            band = _band(line, reach)
            again = [Word(reread(_grown(box)), 1.0, box) for box in _figures(ink, band)]
            better = _line_of(again) if again else None
            if better is not None:
                found, line = _to_ten(better, again, ink), again
                whole = not _continues(found, line, ink)
        if found is not None:
            out.append(found if whole else replace(found, whole=False))
    return out


def _continues(found: NumberLine, line: Sequence[Word], ink: np.ndarray) -> bool:
    """Whether print stands one pitch past either end of the line, where no word of print
    does: numbers OCR did not read, so the scale's ends are not known."""
    return any(_figure_at(found, line, ink, x) for x in _beyond(found))


def _beyond(found: NumberLine) -> tuple[float, float]:
    return found.xs[0] - found.pitch, found.xs[-1] + found.pitch


def _figure_at(found: NumberLine, line: Sequence[Word], ink: np.ndarray, x: float) -> bool:
    """Whether a figure, no word of print, stands on the line at ``x``."""
    if any(abs((w.box[0] + w.box[2]) / 2 - x) < found.pitch / 2 for w in printed(line)):
        return False
    half_w, half_h = int(0.35 * found.pitch), int(0.5 * found.height)
    y = int(found.y)
    zone = ink[max(0, y - half_h) : y + half_h, max(0, int(x) - half_w) : max(0, int(x) + half_w)]
    return zone.size > 0 and (zone > 0).sum() >= 0.15 * found.height**2


def _garbled(line: Sequence[Word]) -> bool:
    """Whether a line may be numbers the page's OCR misread: three or more short words,
    numbers or unsure, and no sure word of print on the line."""
    short = [
        w
        for w in line
        if len(w.text) <= 4 and (number_of(w.text) is not None or w.confidence < 0.6)
    ]
    return len(short) >= FEWEST - 1 and not printed(line)


def _figures(ink: np.ndarray, band: Box) -> list[Box]:
    """The figures printed along a band, each boxed alone (digits close together make one
    number; a hand's circle round one makes it a bigger one): read one by one, where OCR
    of the whole line runs numbers set far apart into each other."""
    left, top, right, bottom = band
    part = (ink[top:bottom, left:right] > 0).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(part, connectivity=8)
    if count < 2:
        return []
    tall = float(np.median(stats[1:, cv2.CC_STAT_HEIGHT]))
    pieces = sorted(
        (int(x), int(y), int(x + w), int(y + h))
        for x, y, w, h, _ in stats[1:]
        if 0.4 * tall <= h <= 4 * tall and w <= 6 * tall
    )
    merged: list[list[int]] = []
    for x0, y0, x1, y1 in pieces:
        if merged and x0 - merged[-1][2] < 0.5 * tall:
            last = merged[-1]
            last[:] = [last[0], min(last[1], y0), max(last[2], x1), max(last[3], y1)]
        else:
            merged.append([x0, y0, x1, y1])
    return [(left + x0, top + y0, left + x1, top + y1) for x0, y0, x1, y1 in merged]


def _grown(box: Box) -> Box:
    """A figure's box with a margin, as OCR wants it."""
    pad = max(3, (box[3] - box[1]) // 3)
    return (max(0, box[0] - pad), max(0, box[1] - pad), box[2] + pad, box[3] + pad)


def _band(line: Sequence[Word], reach: float = 0.0) -> Box:
    """The strip a line of words stands on, its typical height high (not a taller word's),
    ``reach`` further either way (figures OCR did not read past its ends)."""
    tall = median(w.box[3] - w.box[1] for w in line)
    y = median((w.box[1] + w.box[3]) / 2 for w in line)
    return (
        max(0, int(min(w.box[0] for w in line) - tall - reach)),
        max(0, int(y - tall / 2)),
        int(max(w.box[2] for w in line) + tall + reach),
        int(y + tall / 2),
    )


def _to_ten(found: NumberLine, line: Sequence[Word], ink: np.ndarray) -> NumberLine:
    """A line read up to 9 whose 10 OCR missed (a hand's circle round it): the 10 is there
    when ink stands one pitch further on and no printed word does."""
    step = found.numbers[-1] - found.numbers[-2]
    if len(found.numbers) >= MOST or found.numbers[-1] + step != 10:
        return found
    x = _beyond(found)[1]
    if not _figure_at(found, line, ink, x):
        return found
    return replace(
        found, xs=(*found.xs, x), numbers=(*found.numbers, 10), digits=(*found.digits, None)
    )


def _inside(word: Word, box: Box) -> bool:
    x, y = (word.box[0] + word.box[2]) / 2, (word.box[1] + word.box[3]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _line_of(line: Sequence[Word]) -> NumberLine | None:
    """The run of consecutive numbers at a steady pitch on a line of words, if any."""
    numbered = [(w, number_of(w.text)) for w in line]
    run = [(w, n) for w, n in numbered if n is not None]
    if len(run) < FEWEST - 1:
        return None
    xs = [(w.box[0] + w.box[2]) / 2 for w, _ in run]
    height = median(w.box[3] - w.box[1] for w, _ in run)
    gaps = np.diff(xs)
    pitch = float(np.median(gaps))
    if pitch < 1.5 * height or pitch > 12 * height:
        return None
    steps = gaps / pitch
    # (a number boxed with the hand's circle round it stands a little off its place; two
    # numbers side by side unread only in a line long enough to say where they stand)
    widest = 3 if len(run) >= 2 * FEWEST else 2
    if np.any(np.abs(steps - np.round(steps)) > 0.25) or np.any(np.round(steps) > widest):
        return None
    if np.any(np.round(steps) < 1):
        return None
    slots = [0, *np.cumsum(np.round(steps)).astype(int).tolist()]
    values: list[int | None] = [None] * (slots[-1] + 1)
    digits: list[Box | None] = [None] * len(values)
    for slot, (word, n) in zip(slots, run, strict=True):
        values[slot] = n
        if word.box[3] - word.box[1] <= 1.4 * height:  # not a box round a circled number
            digits[slot] = word.box
    filled = numbers_filled(values)
    if filled is None or not FEWEST <= len(filled) <= MOST:
        return None
    first, last = xs[0], xs[-1]
    between = [w for w, n in numbered if n is None and first < (w.box[0] + w.box[2]) / 2 < last]
    if [w for w in between if w in printed(line)]:
        return None  # a sentence that holds numbers, not a scale
    # Each number at its place on the line's pitch, fitted to the numbers printed alone.
    alone = [(slot, x) for slot, x in zip(slots, xs, strict=True) if digits[slot] is not None]
    if len(alone) < 2:
        return None
    fit = np.polyfit([s for s, _ in alone], [x for _, x in alone], 1)
    positions = [float(np.polyval(fit, k)) for k in range(len(filled))]
    y = median((w.box[1] + w.box[3]) / 2 for w, _ in run)
    before = " ".join(w.text for w in line if w.box[2] < first - pitch / 2)
    after = " ".join(w.text for w in line if w.box[0] > last + pitch / 2)
    return NumberLine(y, tuple(positions), tuple(filled), height, tuple(digits), (before, after))


def line_scale(line: NumberLine, legend: str) -> Scale | None:
    """The line's scale: its numbers, the best end from a legend or the words at its ends."""
    return scale_from_numbers(list(line.numbers), legend, line.ends)


def number_ink(hand: np.ndarray, line: NumberLine) -> list[float]:
    """Ink a hand added around and over each number, in shares of a digit's square (the
    printed digits taken out: where OCR read none, a digit's box at its place)."""
    half_w = 0.48 * line.pitch
    half_h = 1.5 * line.height
    digit_w = line.height * 0.7
    out = []
    for x, n, box in zip(line.xs, line.numbers, line.digits, strict=True):
        x0, y0 = int(round(x - half_w)), int(round(line.y - half_h))
        x1, y1 = int(round(x + half_w)), int(round(line.y + half_h))
        part = hand[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)].copy()
        if box is None:
            w = digit_w * len(str(n)) / 2
            box = (
                int(x - w),
                int(line.y - line.height / 2),
                int(x + w),
                int(line.y + line.height / 2),
            )
        pad = max(1, int(line.height // 8))
        part[
            max(0, box[1] - pad - max(0, y0)) : max(0, box[3] + pad - max(0, y0)),
            max(0, box[0] - pad - max(0, x0)) : max(0, box[2] + pad - max(0, x0)),
        ] = 0
        out.append(float((part > 0).sum()) / max(1.0, line.height**2))
    return out
