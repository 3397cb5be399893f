"""Smiley scales: printed faces whose mouths say how good each option is.

A face is a round outline holding two eyes side by side in its upper half and a mouth
across its lower half. The mouth's bend gives the face's meaning: curving up at the ends
(a smile) is good, down (a frown) bad, straight neutral. A row of faces makes a scale when
the bends rise or fall steadily across the columns: each face is then ranked by its bend,
1 the unhappiest. Faces are read from many rows at once (a column's median), so a mark
drawn over one face does not change its column's meaning.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

import cv2
import numpy as np

from pipeline.reading.options import Block, Shape
from pipeline.reading.scales import Scale

#: Bends (in shares of the face's radius) closer than this do not rank two faces.
DISTINCT = 0.04


def face_bend(ink: np.ndarray, shape: Shape) -> float | None:
    """How much a face's mouth smiles (positive) or frowns (negative), in shares of its
    radius; None when the shape holds no face (two eyes over a mouth)."""
    x0, y0, x1, y1 = shape.box
    part = ink[max(0, y0) : y1, max(0, x0) : x1]
    h, w = part.shape
    if h < 12 or w < 12:
        return None
    inside = np.zeros_like(part)
    cv2.ellipse(inside, (w // 2, h // 2), (int(w * 0.36), int(h * 0.36)), 0, 0, 360, 255, -1)
    marks = cv2.bitwise_and(part, inside)
    count, _, stats, centres = cv2.connectedComponentsWithStats(
        (marks > 0).astype(np.uint8), connectivity=8
    )
    r = min(w, h) / 2
    eyes = [
        centres[i]
        for i in range(1, count)
        if centres[i][1] < h / 2 - 0.05 * r and stats[i, cv2.CC_STAT_WIDTH] < 0.45 * r
    ]
    left = [e for e in eyes if e[0] < w / 2 - 0.1 * r]
    right = [e for e in eyes if e[0] > w / 2 + 0.1 * r]
    if not left or not right:
        return None
    ys, xs = np.nonzero(marks[int(h / 2) :, :])
    if xs.size < 5 or np.ptp(xs) < 0.6 * r or len(np.unique(xs)) < 3:
        return None
    u = (xs - w / 2) / r
    v = (ys + int(h / 2) - h / 2) / r
    curve = float(np.polyfit(u, v, 2)[0])
    return -curve  # image rows grow downwards: a smile's ends stand higher than its middle


def faces_scale(block: Block, ink: np.ndarray) -> Scale | None:
    """The scale of a block of faces: each column ranked by its faces' bend, when most
    options are faces and the bends rise or fall steadily across the columns. Every place
    of the block is looked at, found whole or not (a cross drawn over a face breaks its
    outline; the face is there all the same)."""
    per_col: list[list[float]] = [[] for _ in block.columns]
    places = [(row, col) for row in range(len(block.ys)) for col in range(len(block.columns))]
    for row, col in places:
        bend = face_bend(ink, Shape(block.box(row, col), 1.0))
        if bend is not None:
            per_col[col].append(bend)
    faces = sum(len(bends) for bends in per_col)
    if 3 * faces < 2 * len(places) or not all(per_col):
        return None
    return scale_of_bends([median(b) for b in per_col])


def scale_of_bends(bends: Sequence[float]) -> Scale | None:
    """Ranks from bends that rise or fall steadily, 1 the unhappiest face."""
    steps = np.diff(bends)
    if len(bends) < 3 or not (np.all(steps > DISTINCT) or np.all(steps < -DISTINCT)):
        return None
    ranked = sorted(bends)
    return Scale(tuple(float(ranked.index(b) + 1) for b in bends), 1.0, float(len(bends)))


def aligned(upper: Block, lower: Block) -> bool:
    """Whether a row of faces heads the block below it: each face over one of the block's
    columns (a face a blurred photo did not give whole may be missing)."""
    if len(upper.columns) > len(lower.columns):
        return False
    return all(min(abs(a - b) for b in lower.columns) <= 0.3 * lower.pitch for a in upper.columns)
