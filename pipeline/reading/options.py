"""Option shapes on a page image: printed outlines of one size in rows and aligned columns.

A questionnaire prints its options as small hollow shapes (squares, circles, radio
buttons, boxes holding a number), one row per item, the options of every row in aligned
columns at a steady pitch. This module finds the outlines left whole (a mark merged into
one splits its hole), groups them into rows and blocks of rows, and infers the places of
the options it could not see: a column between or beside the found ones on the block's
lattice, a row between two rows, an outline beside two found ones. It knows shapes and
alignment only, no words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

import cv2
import numpy as np

from pipeline.reading.ink import crop
from pipeline.reading.words import Box

#: Option shapes measure between these (inches), either way.
MIN_SIDE, MAX_SIDE, MAX_WIDTH = 0.08, 0.45, 0.8


@dataclass(frozen=True)
class Shape:
    """A printed option outline found whole (no mark merged into it)."""

    box: Box
    fill: float  # filled outline area / box area: ~0.79 for a circle, ~1 for a square

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2

    @property
    def w(self) -> int:
        return self.box[2] - self.box[0]

    @property
    def h(self) -> int:
        return self.box[3] - self.box[1]


@dataclass
class Block:
    """Rows of options sharing one size and one set of columns."""

    rows: list[list[Shape]]  # the shapes found whole, per row, left to right
    columns: list[float]  # option centres, left to right
    ys: list[float]  # row centres, top to bottom
    width: int
    height: int
    round: bool  # circles (True) or squares / boxes

    @property
    def pitch(self) -> float:
        gaps = np.diff(self.columns)
        return float(np.median(gaps)) if len(gaps) else float(self.width * 2)

    @property
    def top(self) -> float:
        return self.ys[0] - self.height / 2

    def box(self, row: int, col: int) -> Box:
        x, y = self.columns[col], self.ys[row]
        return (
            int(round(x - self.width / 2)),
            int(round(y - self.height / 2)),
            int(round(x + self.width / 2)),
            int(round(y + self.height / 2)),
        )


def find_shapes(ink: np.ndarray, dpi: int) -> list[Shape]:
    """Hollow outlines of option size: a component whose hole takes most of its box.

    A mark merged into an outline splits its hole (a cross makes four small ones), so
    such an option is not found here; its place is inferred from its row and column.
    """
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    low, high, wide = MIN_SIDE * dpi, MAX_SIDE * dpi, MAX_WIDTH * dpi
    shapes = []
    for i, contour in enumerate(contours):
        if hierarchy[0][i][3] != -1:
            continue  # a hole, not an outline
        x, y, w, h = cv2.boundingRect(contour)
        if not (low <= h <= high and low <= w <= wide and 0.6 <= w / h <= 2.8):
            continue
        hole = _largest_hole(contours, hierarchy, i)
        if hole < 0.3 * w * h:  # (a thick or blurred outline leaves a smaller hole)
            continue
        fill = cv2.contourArea(contour) / float(w * h)
        if fill < 0.6:
            continue  # a "C" or a "U" closed by a neighbour, not an outline
        shapes.append(Shape((x, y, x + w, y + h), round(fill, 3)))
    return shapes


def _largest_hole(contours: Sequence[np.ndarray], hierarchy: np.ndarray, i: int) -> float:
    child, best = hierarchy[0][i][2], 0.0
    while child != -1:
        best = max(best, cv2.contourArea(contours[child]))
        child = hierarchy[0][child][0]
    return best


def _similar(a: Shape, b: Shape) -> bool:
    return abs(a.h - b.h) <= 0.15 * max(a.h, b.h) + 2 and abs(a.w - b.w) <= 0.15 * max(a.w, b.w) + 2


def shape_rows(shapes: Sequence[Shape], dpi: int) -> list[list[Shape]]:
    """Shapes of one size on one level, evenly spaced (gaps a whole number of pitches)."""
    rows: list[list[Shape]] = []
    for shape in sorted(shapes, key=lambda s: s.cy):
        for row in rows:
            last = row[-1]
            if _similar(shape, last) and abs(shape.cy - median(s.cy for s in row)) <= 0.45 * last.h:
                row.append(shape)
                break
        else:
            rows.append([shape])
    runs: list[list[Shape]] = []
    for row in rows:
        runs.extend(_even_runs(sorted(row, key=lambda s: s.cx), dpi))
    return [run for run in runs if len(run) >= 2]


def _even_runs(row: list[Shape], dpi: int) -> list[list[Shape]]:
    """Split a level row where spacing breaks: options stand apart, at a steady pitch."""
    if len(row) < 2:
        return [row]
    gaps = np.diff([s.cx for s in row])
    pitch = float(min(g for g in gaps)) if len(gaps) else 0.0
    width = median(s.w for s in row)
    runs, current = [], [row[0]]
    for shape, gap in zip(row[1:], gaps, strict=True):
        steps = gap / pitch if pitch else 0
        steady = pitch >= 1.08 * width and abs(steps - round(steps)) <= 0.12 and round(steps) <= 3
        if steady and pitch <= 4.4 * dpi:  # two shapes may stand two pitches apart
            current.append(shape)
        else:
            runs.append(current)
            current = [shape]
    runs.append(current)
    return runs


def blocks_of(rows: list[list[Shape]]) -> list[Block]:
    """Consecutive rows whose options line up and share one size make a block."""
    blocks: list[Block] = []
    for row in sorted(rows, key=lambda r: median(s.cy for s in r)):
        xs = [s.cx for s in row]
        y = median(s.cy for s in row)
        if blocks:
            block = blocks[-1]
            near = y - block.ys[-1] <= 2.5 * max(block.height * 2, row_step(block))
            columns = _joined(block, xs) if near else None
            if columns is not None and _like_block(row, block):
                block.rows.append(row)
                block.ys.append(y)
                block.columns = columns
                continue
        columns = _lattice(xs, int(median(s.w for s in row))) or _filled(xs)
        width, height = int(median(s.w for s in row)), int(median(s.h for s in row))
        blocks.append(Block([row], columns, [y], width, height, median(s.fill for s in row) < 0.9))
    for block in blocks:
        block.columns = _settled(block)
    return blocks


#: A column moves to where its outlines stand when the first row's is off by more than
#: this share of an option's width.
SETTLE = 0.08


def _settled(block: Block) -> list[float]:
    """The block's columns where its options' outlines stand over all its rows: the first
    row's may sit off by a shape that print or a mark ran into (wider than the others)."""
    pitch, out = block.pitch, []
    for x in block.columns:
        whole = [
            s.cx
            for row in block.rows
            for s in row
            if abs(s.cx - x) <= 0.3 * pitch and abs(s.w - block.width) <= 0.1 * block.width + 1
        ]
        settled = float(median(whole)) if len(whole) >= 2 else x
        # A pixel's drift is the print's anti-aliasing: only an outline clearly off moves.
        out.append(settled if abs(settled - x) > SETTLE * block.width else x)
    return out


def _like_block(row: list[Shape], block: Block) -> bool:
    """Whether a row's options have the block's size (their median: a mark drawn past one
    outline widens that one only)."""
    width, height = int(median(s.w for s in row)), int(median(s.h for s in row))
    typical = Shape((0, 0, block.width, block.height), 1.0)
    return _similar(Shape((0, 0, width, height), 1.0), typical)


def _joined(block: Block, xs: list[float]) -> list[float] | None:
    """The block's columns with a row's option centres added, if they fit its lattice (or
    a finer one: rows of two found options may have shown twice the pitch)."""
    pitch = block.pitch
    steps = np.diff(xs) / pitch
    steady = bool(np.all(np.abs(steps - np.round(steps)) <= 0.12))
    if steady and all(_on_lattice(x, block.columns, pitch) for x in xs):
        merged = list(block.columns)
        for x in xs:
            if min(abs(x - c) for c in merged) > 0.3 * pitch:
                merged.append(x)
        return _filled(sorted(merged))
    return _lattice([*block.columns, *xs], block.width)


def _on_lattice(x: float, columns: list[float], pitch: float) -> bool:
    """Whether ``x`` is a column of the block, or one or two pitches past its ends (the
    column every row marked so far has no outline of its own found)."""
    steps = (x - columns[0]) / pitch
    near = abs(steps - round(steps)) <= 0.3
    return near and -2 <= round(steps) <= len(columns) + 1


def _lattice(xs: Sequence[float], width: int) -> list[float] | None:
    """Column centres at a steady pitch through ``xs`` (gaps filled), or None when the
    centres do not sit on one: a row of another grid, or "Oui / Non" boxes beside one."""
    centres: list[list[float]] = []
    for x in sorted(xs):
        if centres and x - float(np.mean(centres[-1])) <= 0.5 * width:
            centres[-1].append(x)
        else:
            centres.append([x])
    cols = [float(np.mean(c)) for c in centres]
    if len(cols) < 2:
        return cols
    pitch = float(min(np.diff(cols)))
    steps = np.diff(cols) / pitch
    if pitch < 1.08 * width or np.any(np.abs(steps - np.round(steps)) > 0.12):
        return None
    if np.any(np.round(steps) > 3):
        return None
    return _filled(cols)


def row_step(block: Block) -> float:
    return float(np.median(np.diff(block.ys))) if len(block.ys) > 1 else 0.0


def _filled(xs: list[float]) -> list[float]:
    """Column centres with the gaps of a whole number of pitches filled in."""
    if len(xs) < 2:
        return list(xs)
    pitch = min(np.diff(xs))
    out = [xs[0]]
    for x in xs[1:]:
        steps = int(round((x - out[-1]) / pitch))
        for k in range(1, steps):
            out.append(out[-1] + (x - out[-1]) / (steps - k + 1))
        out.append(x)
    return out


def outlined(ink: np.ndarray, block: Block, row: int) -> list[bool]:
    """Whether each option of a row has a printed outline (a row with fewer options than
    its block's columns has blank paper where the others have one)."""
    w, h = block.width, block.height
    band = np.zeros((h + 8, w + 8), np.uint8)
    if block.round:
        cv2.ellipse(band, (4 + w // 2, 4 + h // 2), (w // 2, h // 2), 0, 0, 360, 255, 3)
    else:
        cv2.rectangle(band, (4, 4), (4 + w - 1, 4 + h - 1), 255, 3)
    mask = band > 0
    out = []
    for col in range(len(block.columns)):
        left, top, _, _ = block.box(row, col)
        part = crop(ink, left - 4, top - 4, band.shape)
        out.append(float((part[mask] > 0).mean()) >= 0.2)
    return out


def fill_rows(block: Block) -> None:
    """A row between two rows of the block, a whole number of steps away, whose options
    were all left unfound (marks merged into them, faint print) is a row all the same:
    missing it would score the questionnaire on fewer answers than it has."""
    if len(block.ys) < 3:
        return
    step = float(np.median(np.diff(block.ys)))
    ys, rows = [block.ys[0]], [block.rows[0]]
    for y, row in zip(block.ys[1:], block.rows[1:], strict=True):
        steps = round((y - ys[-1]) / step)
        if 2 <= steps <= 3 and abs((y - ys[-1]) / step - steps) <= 0.15:
            for k in range(1, steps):
                ys.append(ys[-1] + (y - ys[-1]) / (steps - k + 1))
                rows.append([])
        ys.append(y)
        rows.append(row)
    block.ys, block.rows = ys, rows


def extend_by_outlines(block: Block, ink: np.ndarray) -> None:
    """Two options found whole may be a row of three whose third was marked (and a strip
    of numbered boxes may end with the marked one): an outline halfway between them, or
    one pitch past either end, on every row, is an option too."""
    for _ in range(2):
        if len(block.columns) >= 11:
            return
        grown = False
        ends = [block.columns[0] - block.pitch, block.columns[-1] + block.pitch]
        middle = [sum(block.columns) / 2] if len(block.columns) == 2 else []
        for x in middle + ends:
            trial = Block(block.rows, [x], block.ys, block.width, block.height, block.round)
            if x > 0 and all(outlined(ink, trial, row)[0] for row in range(len(block.ys))):
                block.columns = sorted([*block.columns, x])
                grown = True
                break
        if not grown:
            return
