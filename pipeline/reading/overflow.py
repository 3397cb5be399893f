"""A neighbour's stroke run on into a cell: the underline or the last letters of the
signature in the cell above (or below, or beside) cross the rule between them and end in
this cell's edge. That ink is no mark of this cell's: an empty box (the trainer's, under
the last trainee's row) holding only a neighbour's flourish is empty.

A piece of ink is a neighbour's when it comes in over one edge of the cell (it touches
the measured box's side there, and ink goes on just beyond that side's rule), and stays
in a narrow band along that edge: a mark of the cell's own reaches into the cell, and one
that merely touches the edge has no ink across the rule to come from.
"""

from __future__ import annotations

import cv2
import numpy as np

Box = tuple[int, int, int, int]

#: A neighbour's stroke stays within this share of the cell's depth from the edge it
#: comes in by (an underline's sag, a descender's loop).
TAIL_DEPTH = 0.3


def without_tails(
    marks: np.ndarray, inner: Box, box: Box, ink: np.ndarray, lines: np.ndarray
) -> np.ndarray:
    """``marks`` (the ink measured inside ``inner``, a cell ``box``'s inner box, page
    pixels) without the pieces that are a neighbour's strokes come in over an edge.

    ``ink`` and ``lines`` are the page's ink and ruling masks: the ink just beyond each
    side's rule (the neighbour's) is looked at there, rulings left out.
    """
    if not marks.any():
        return marks
    # A pen stroke broken by the scan's threshold is one piece.
    joined = cv2.dilate((marks > 0).astype(np.uint8), np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    height, width = marks.shape
    kept = marks.copy()
    for label in range(1, count):
        x, y, w, h = (int(stats[label, i]) for i in range(4))
        sides = [
            s for s in _sides_touched(x, y, w, h, width, height) if _is_tail(s, w, h, width, height)
        ]
        if not sides:
            continue
        piece = labels == label
        if any(_continues(side, piece, inner, box, ink, lines) for side in sides):
            kept[piece & (marks > 0)] = 0
    return kept


def _sides_touched(x: int, y: int, w: int, h: int, width: int, height: int) -> list[str]:
    """The inner box's sides a piece (its bounding box) reaches, within the dilation's pixel."""
    sides = []
    if y <= 1:
        sides.append("top")
    if y + h >= height - 1:
        sides.append("bottom")
    if x <= 1:
        sides.append("left")
    if x + w >= width - 1:
        sides.append("right")
    return sides


def _is_tail(side: str, w: int, h: int, width: int, height: int) -> bool:
    """Whether a piece touching ``side`` stays within the band along it."""
    if side in ("top", "bottom"):
        return h <= TAIL_DEPTH * height
    return w <= TAIL_DEPTH * width


def _continues(
    side: str, piece: np.ndarray, inner: Box, box: Box, ink: np.ndarray, lines: np.ndarray
) -> bool:
    """Whether ink goes on beyond the cell's rule on ``side``: the stroke crosses the rule
    rather than stopping at it.

    Looked for facing where the piece meets the inner box's edge; for a piece drawn out
    along the edge (an underline), anywhere along it and a cell's depth past its ends: a
    stroke crossing the rule at a shallow angle is lost in the rule's blur for a long way.
    """
    across = side in ("top", "bottom")
    flat = piece if across else piece.T  # the edge runs along the rows of ``flat``
    edge = flat[:2] if side in ("top", "left") else flat[-2:]
    met = np.flatnonzero(edge.any(axis=0))
    if not len(met):
        return False
    spread = np.flatnonzero(flat.any(axis=0))
    along = int(spread[-1] - spread[0] + 1)
    depth = int(np.ptp(np.flatnonzero(flat.any(axis=1)))) + 1
    gap = max((inner[1] - box[1]) if across else (inner[0] - box[0]), 2)
    if along >= 3 * depth:
        start, end = spread[0] - flat.shape[0], spread[-1] + flat.shape[0]
    else:
        start, end = met[0] - gap, met[-1] + gap
    return _inked_beyond(side, (int(start), int(end)), inner, box, gap, ink, lines)


def _inked_beyond(
    side: str,
    span: tuple[int, int],
    inner: Box,
    box: Box,
    gap: int,
    ink: np.ndarray,
    lines: np.ndarray,
) -> bool:
    """Whether the strip just past the rule on ``side``, over ``span`` (inner-box pixels
    along that side), holds ink that is no rule."""
    reach = 2 * gap  # the strip's depth past the rule
    first, last = span
    if side == "top":
        strip = (inner[0] + first, box[1] - reach, inner[0] + last, box[1] - 1)
    elif side == "bottom":
        strip = (inner[0] + first, box[3] + 1, inner[0] + last, box[3] + reach)
    elif side == "left":
        strip = (box[0] - reach, inner[1] + first, box[0] - 1, inner[1] + last)
    else:
        strip = (box[2] + 1, inner[1] + first, box[2] + reach, inner[1] + last)
    x0, y0 = max(0, strip[0]), max(0, strip[1])
    x1, y1 = min(ink.shape[1], strip[2]), min(ink.shape[0], strip[3])
    if x1 <= x0 or y1 <= y0:
        return False
    # The rule's blur along its mask is no stroke.
    ruled = cv2.dilate((lines[y0:y1, x0:x1] > 0).astype(np.uint8), np.ones((5, 5), np.uint8))
    beyond = (ink[y0:y1, x0:x1] > 0) & (ruled == 0)
    return int(beyond.sum()) >= max(4, gap)
