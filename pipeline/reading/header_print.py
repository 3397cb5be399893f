"""Whether the print over a run of half-day columns alternates as a day's morning and
afternoon do, when it is too blurred to read (a photo's small header print).

A sheet that prints each half-day's hours or name in its column's title ("9h00 - 12h30"
over the morning, "13h30 - 17h00" over the afternoon) repeats two pictures of print left
to right: every other column's line of print is the same picture, and its neighbours' is
another one. Seen in a line of the header, that says the run is made of half-days in
turn, with no column of another kind among them, though no word of it can be read.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import cv2
import numpy as np

#: Two crops of one line of print (the same words printed twice) match at least this well
#: (normalised correlation); blurred alike, different words match less (measured on
#: generated photos: the same hours 0.98 to 0.99, another half-day's 0.70 to 0.91).
SAME_PRINT = 0.95
#: ...and every crop of the other kind matches at least this much less than the least
#: alike of one kind.
PRINT_GAP = 0.04
#: Darker than the paper by this much (grey levels): print.
PRINT_CONTRAST = 40
#: A line of print is at least this many pixels high, and inks this many pixels of each crop.
LINE_HEIGHT = 3
LINE_INK = 8


def alternates(crops: Sequence[np.ndarray]) -> bool:
    """Whether a line of print, at the same height in each of ``crops`` (grey column
    titles, left to right, each as tall as the header), is one picture over every other
    column and another over the rest: the same in each kind, unlike across kinds."""
    if len(crops) < 4 or len(crops) % 2:
        return False
    height = min(crop.shape[0] for crop in crops)
    tops = [np.asarray(crop[:height], dtype=np.float32) for crop in crops]
    for top, bottom in _print_lines(tops):
        lines = [crop[max(0, top - 2) : bottom + 2] for crop in tops]
        if all(_inked(line) for line in lines) and _two_kinds(lines):
            return True
    return False


def _print_lines(crops: Sequence[np.ndarray]) -> list[tuple[int, int]]:
    """The rows of the crops' lines of print: bands where their mean darkness is high."""
    profile = np.mean([(255 - crop).mean(axis=1) for crop in crops], axis=0)
    if profile.max() <= 0:
        return []
    on = profile > 0.25 * profile.max()
    bands: list[tuple[int, int]] = []
    start: int | None = None
    for y, inked in enumerate([*on, False]):
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            if y - start >= LINE_HEIGHT:
                bands.append((start, y))
            start = None
    return bands


def _inked(line: np.ndarray) -> bool:
    paper = float(np.percentile(line, 50))
    return int((line < paper - PRINT_CONTRAST).sum()) >= LINE_INK


def _two_kinds(lines: Sequence[np.ndarray]) -> bool:
    """Whether lines of even and odd position are each one picture, unlike each other."""
    same: list[float] = []
    across: list[float] = []
    for a, b in combinations(range(len(lines)), 2):
        alike = min(_match(lines[a], lines[b]), _match(lines[b], lines[a]))
        (same if (a - b) % 2 == 0 else across).append(alike)
    least = min(same)
    return least >= SAME_PRINT and max(across) <= least - PRINT_GAP


def _match(line: np.ndarray, other: np.ndarray) -> float:
    """How well ``other``'s middle is found in ``line`` (best normalised correlation)."""
    width = min(line.shape[1], other.shape[1])
    if other.shape[0] <= 4 or width <= 12:
        return 0.0
    template = np.ascontiguousarray(other[2:-2, 6 : width - 6])
    if float(template.std()) < 1.0:
        return 0.0  # paper only: nothing to match
    found = cv2.matchTemplate(np.ascontiguousarray(line), template, cv2.TM_CCOEFF_NORMED)
    return float(found.max())
