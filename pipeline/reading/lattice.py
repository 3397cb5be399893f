"""A page seen at an angle, made square-on by the options printed on it in a lattice.

A questionnaire's grid of tick boxes often has no ruling to straighten a photo by; its
options themselves stand in rows and columns. A lens leaves the columns leaning and
fanning out down the page, so that a row's options drift away from the labels heading
them. Rows holding as many options as each other, one above the other, give the lattice:
the affine map taking every option's centre to its column's mean abscissa and its row's
mean ordinate makes the columns upright again (a page already square-on is left as is).
"""

from __future__ import annotations

from statistics import median

import numpy as np

from pipeline.reading.ink import binarise
from pipeline.reading.options import Shape, find_shapes, shape_rows

#: A column leaning by less than this (inches, top row to bottom row) is upright enough.
LEAN = 0.04
#: Rows of options that make a lattice: at least these, of at least this many options.
MIN_ROWS, MIN_COLUMNS = 3, 3


def lattice_matrix(gray: np.ndarray, dpi: int, ink: np.ndarray | None = None) -> np.ndarray | None:
    """The 3x3 matrix making the page's largest lattice of options square-on, or None
    (no lattice, or its columns already upright); ``ink``: ``binarise(gray, dpi)`` if made
    already."""
    ink = binarise(gray, dpi) if ink is None else ink
    rows = shape_rows(find_shapes(ink, dpi), dpi)
    placed = _largest_lattice(sorted(rows, key=lambda r: median(s.cy for s in r)))
    if placed is None:
        return None
    columns: dict[int, list[float]] = {}
    for row in placed:
        for j, shape in row:
            columns.setdefault(j, []).append(shape.cx)
    if max(max(xs) - min(xs) for xs in columns.values()) < LEAN * dpi:
        return None
    source, target = [], []
    for row in placed:
        y = float(median(shape.cy for _, shape in row))
        for j, shape in row:
            source.append((shape.cx, shape.cy))
            target.append((float(np.mean(columns[j])), y))
    # An affine map: over the few inches a lattice spans, a lens's fanning is a shear and
    # a stretch; a perspective fitted there would fold the rest of the page.
    points = np.hstack([np.array(source), np.ones((len(source), 1))])
    affine, *_ = np.linalg.lstsq(points, np.array(target), rcond=None)
    return np.vstack([affine.T, [0.0, 0.0, 1.0]])


Placed = list[tuple[int, Shape]]


def _pitch(row: list[Shape]) -> float | None:
    """The distance between neighbouring options of a row: its gaps are whole numbers of
    it (a marked option not found whole leaves a gap of two), or None when they are not."""
    if len(row) < 2:
        return None
    gaps = [b.cx - a.cx for a, b in zip(row, row[1:], strict=False)]
    least = min(gaps)
    if least <= 0:
        return None
    steps = [gap / least for gap in gaps]
    if any(abs(step - round(step)) > 0.15 for step in steps):
        return None
    return float(sum(gaps) / sum(round(step) for step in steps))


def _largest_lattice(rows: list[list[Shape]]) -> list[Placed] | None:
    """Consecutive rows of options at one pitch, each shifted less than half a pitch from
    the row above, with every option's column (a marked option not found whole leaves a
    gap): the run holding the most options, if it has :data:`MIN_ROWS` rows and
    :data:`MIN_COLUMNS` columns."""
    best: list[Placed] = []
    run: list[Placed] = []
    origin = pitch = 0.0
    for row in rows:
        step = _pitch(row)
        if step is None:
            continue
        near = run and abs(step - pitch) <= 0.1 * pitch
        if near:
            ours = [s.cx - round((s.cx - origin) / pitch) * pitch for s in row]
            shift = float(median(ours)) - origin
            near = abs(shift) < 0.35 * pitch
        if not near:
            if sum(len(r) for r in run) > sum(len(r) for r in best):
                best = run
            run, origin, pitch = [], row[0].cx, step
        placed = [(round((s.cx - origin) / pitch), s) for s in row]
        origin = float(median(s.cx - j * pitch for j, s in placed))
        run.append(placed)
    if sum(len(r) for r in run) > sum(len(r) for r in best):
        best = run
    columns = {j for row in best for j, _ in row}
    return best if len(best) >= MIN_ROWS and len(columns) >= MIN_COLUMNS else None
