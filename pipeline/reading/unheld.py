"""A cell the sheet itself marks as a half-day that is not held: shaded (filled grey) or
printed with a word saying so ("Férié", "Non applicable", "Sans objet", "—").

Such a cell is nobody's absence: it gives no decision at all, where an "empty" cell
would ask for a missing signature.
"""

from __future__ import annotations

import re

import numpy as np

from pipeline.parse import fold

#: A shaded cell is at least this much darker than the paper just past its rules...
SHADE_DEPTH = 10
#: ... and this share of its pixels lie close to its own level (a fill, not a scribble).
SHADE_EVEN = 0.7

#: The mark of a cell whose half-day is not held; such cells are dropped from the sheet.
NOT_HELD = "not-held"

# Words printed in a cell for a half-day without a session.
_NOT_HELD = re.compile(
    r"^\W*(jour )?(ferie|non applicable|sans objet|n\s*/\s*a|non concerne|ferme|fermeture"
    r"|pas de (seance|session|cours|formation))\W*$"
)
_DASHES = re.compile(r"^[-\u2013\u2014]+$")


def says_not_held(text: str, exact: bool) -> bool:
    """Whether a cell's whole printed text says its half-day has no session; a lone dash
    only from a text layer (an OCR'd stroke of a hand may read as one)."""
    folded = fold(text).strip()
    return bool(_NOT_HELD.match(folded)) or exact and bool(_DASHES.match(folded))


def shaded(
    gray: np.ndarray, box: tuple[int, int, int, int], inner: tuple[int, int, int, int]
) -> bool:
    """Whether a cell is filled grey: evenly darker than the paper past its left or right
    rule, with a step at the rule.

    The step tells a fill from a photo's uneven light, which darkens a region gradually
    and leaves the cell's edge as light as the strip past the rule; a signature leaves
    most of a cell at the paper's level. A row shaded whole (every other row of a striped
    table, the trainer's row) has no step beside its cells: it is no sign of a half-day
    not held.
    """
    left, top, right, bottom = inner
    if right - left < 4 or bottom - top < 4:
        return False
    inside = gray[top:bottom, left:right]
    steps = [
        float(np.median(past)) - float(np.median(edge))
        for edge, past in _sides(gray, box, inner)
        if edge.size and past.size
    ]
    if not steps or max(steps) < SHADE_DEPTH:
        # No step at the cell's rules: where no rule is drawn between columns, the box is
        # laid out from the header and may run past the fill on both sides.
        return _fill_within(inside, max(2, left - box[0]))
    return _even(inside, max(steps))


def _even(region: np.ndarray, depth: float) -> bool:
    """Whether most of a region lies close to its own level (a fill, not a scribble)."""
    level = float(np.median(region))
    near = max(8.0, depth / 2)
    return float((np.abs(region.astype(np.int16) - level) <= near).mean()) >= SHADE_EVEN


def _fill_within(inside: np.ndarray, margin: int) -> bool:
    """Whether a cell holds a grey fill narrower than its box: a band of columns over the
    box's middle, at least half its width, each darker than the paper beside it down most
    of its height, with a sharp step to the paper at each end that lies inside the box.

    A photo's uneven light darkens gradually (no step); a row shaded whole fills the box
    from side to side (no end inside it, as a striped table's row has none)."""
    height, width = inside.shape
    if width < 8 * margin or height < 4:
        return False
    middle = float(np.median(inside[:, width // 2 - margin : width // 2 + margin]))
    edges = (float(np.median(inside[:, :margin])), float(np.median(inside[:, -margin:])))
    if middle > max(edges) - SHADE_DEPTH / 2:
        return False  # the middle as light as the edges: no fill narrower than the box
    profile = np.median(inside[::2], axis=0)  # every other row: the fill is tall
    paper = float(profile.max())  # column medians: a stroke or a speck does not move them
    dark = profile <= paper - SHADE_DEPTH
    runs = np.flatnonzero(np.diff(np.concatenate(([0], dark.astype(np.int8), [0]))))
    if not len(runs):
        return False
    start, end = max(zip(runs[::2], runs[1::2], strict=True), key=lambda r: r[1] - r[0])
    if end - start < width / 2 or not start <= width // 2 < end:
        return False
    blur = max(1, margin // 2)  # a photo's or a scan's edge spreads over a few pixels
    ends = [(start, -1)] if start >= margin + blur else []
    ends += [(end, 1)] if end <= width - margin - blur else []
    if not ends:
        return False
    for at, out in ends:
        before = profile[max(0, at - 2 * margin) : at - blur]
        after = profile[at + blur : at + 2 * margin]
        paper_side, fill_side = (before, after) if out < 0 else (after, before)
        if float(np.median(paper_side)) - float(np.median(fill_side)) < SHADE_DEPTH:
            return False
    return _even(inside[:, start:end], paper - float(np.median(profile[start:end])))


def _sides(
    gray: np.ndarray, box: tuple[int, int, int, int], inner: tuple[int, int, int, int]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """For the cell's left and right rules, a strip of the cell along it and a strip of
    the neighbouring cell past it, as far from the rule as the cell's inner edge is."""
    x0, _, x1, _ = box
    left, top, right, bottom = inner
    m = max(2, left - x0)
    width = gray.shape[1]
    return [
        (
            gray[top:bottom, left : left + 2 * m],
            gray[top:bottom, max(0, x0 - 3 * m) : max(0, x0 - m)],
        ),
        (
            gray[top:bottom, right - 2 * m : right],
            gray[top:bottom, min(width, x1 + m) : min(width, x1 + 3 * m)],
        ),
    ]
