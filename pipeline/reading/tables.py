"""Ruled tables on an attendance sheet: finding the grid by its ruling lines, and making
the page square-on first (the longest rules levelled, the main table's four sides fitted
and warped to a rectangle)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np

from pipeline.ocr import components, rotate_fine
from pipeline.reading.ink import binarise, line_masks, ruling_length


@dataclass(frozen=True)
class Table:
    """A ruled table: line positions and, per row, which column boundaries are drawn."""

    xs: tuple[int, ...]  # vertical lines, left to right
    ys: tuple[int, ...]  # horizontal lines, top to bottom
    # walls[r][k]: whether inner vertical line xs[k + 1] is drawn across row r
    walls: tuple[tuple[bool, ...], ...]

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def cell(self, row: int, col: int) -> tuple[int, int, int, int]:
        return self.xs[col], self.ys[row], self.xs[col + 1], self.ys[row + 1]

    def span(self, row: int, col: int) -> tuple[int, int]:
        """The columns [first, last] of the merged cell holding (row, col)."""
        first = col
        while first > 0 and not self.walls[row][first - 1]:
            first -= 1
        last = col
        while last < len(self.xs) - 2 and not self.walls[row][last]:
            last += 1
        return first, last


def find_tables(gray: np.ndarray, dpi: int) -> list[Table]:
    """Every ruled table (or single ruled box) on the page, top to bottom."""
    return tables_in(*line_masks(binarise(gray, dpi), dpi), dpi)


Frame = tuple[int, np.ndarray, np.ndarray]  # connected pieces of ruling: count, labels, stats


def frame_pieces(horiz: np.ndarray, vert: np.ndarray) -> Frame:
    """The pieces of ruling (both masks, joined across small gaps), labelled."""
    frame = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((5, 5), np.uint8))
    count, labels, stats = components(frame)
    return count, labels, stats


def tables_in(
    horiz: np.ndarray, vert: np.ndarray, dpi: int, pieces: Frame | None = None
) -> list[Table]:
    """``find_tables`` on line masks already made (``pieces``: their :func:`frame_pieces`,
    if made already)."""
    count, _, stats = frame_pieces(horiz, vert) if pieces is None else pieces
    tables = []
    for i in range(1, count):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if w < dpi or h < dpi // 4:
            continue  # a rule under a title, a stray stroke
        table = _table_in(horiz, vert, (x, y, x + w, y + h))
        if table is not None:
            tables.append(table)
    height, width = horiz.shape[:2]
    edge = [t for t in tables if _at_borders(t, width, height, dpi // 20)]
    # A photographed sheet's outline, the picture warped to it, rules the whole picture
    # round, and the table's long rules reach it: no table, when it holds one.
    tables = [t for t in tables if t not in edge or not any(_inside(o, t) for o in tables)]
    return sorted(tables, key=lambda t: (t.ys[0], t.xs[0]))


def _at_borders(table: Table, width: int, height: int, near: int) -> bool:
    """Whether a table's outline runs along all four borders of the picture."""
    left, top, right, bottom = table.box
    return left <= near and top <= near and right >= width - near and bottom >= height - near


def _inside(inner: Table, outer: Table) -> bool:
    """Whether a table lies within another's outline (and is not that table)."""
    a, b = inner.box, outer.box
    return inner is not outer and b[0] < a[0] and b[1] < a[1] and a[2] < b[2] and a[3] < b[3]


def _table_in(horiz: np.ndarray, vert: np.ndarray, box: tuple[int, int, int, int]) -> Table | None:
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    h_part = horiz[top:bottom, left:right] > 0
    v_part = vert[top:bottom, left:right] > 0
    # Column lines cross most of the table (not the merged date header); a signature's
    # upstroke never does.
    xs = _peaks(v_part.sum(axis=0), 0.5 * height)
    ys = _peaks(h_part.sum(axis=1), 0.5 * width)
    if len(xs) < 2 or len(ys) < 2:
        return None
    if len(xs) == 2:
        ys = [ys[0], ys[-1]]  # a lone box: an underline inside is not a row
    else:
        xs, ys = _peeled(h_part, v_part, xs, ys)
        if len(xs) < 2 or len(ys) < 2:
            return None
    walls = tuple(
        tuple(_wall(v_part, x, ys[r], ys[r + 1]) for x in xs[1:-1]) for r in range(len(ys) - 1)
    )
    return Table(tuple(x + left for x in xs), tuple(y + top for y in ys), walls)


def _peeled(
    h_part: np.ndarray, v_part: np.ndarray, xs: list[int], ys: list[int]
) -> tuple[list[int], list[int]]:
    """The table without the outer lines that are not its own.

    On a photo the sheet's edge against the table top reads as a frame of ruling, joined
    to the table by a shadow: the table's rows stop short of the frame's sides and its
    columns short of the frame's top and bottom. An outer line that hardly any inner line
    reaches is dropped (a merged header still lets the day separators reach the top).
    """

    def reaches(lines: np.ndarray, at: int, inner: list[int], vertical: bool) -> float:
        if not inner:
            return 1.0
        near = slice(max(0, at - 6), at + 7)
        hits = [
            bool(
                (
                    lines[max(0, i - 3) : i + 4, near]
                    if vertical
                    else lines[near, max(0, i - 3) : i + 4]
                ).any()
            )
            for i in inner
        ]
        return sum(hits) / len(hits)

    # Small shapes (a signature box with a straight stroke inside) are left as they are.
    changed = len(xs) >= 4 and len(ys) >= 4
    while changed and len(xs) > 2 and len(ys) > 2:
        changed = False
        for side in ("left", "right", "top", "bottom"):
            if len(xs) <= 2 or len(ys) <= 2:
                break
            if side in ("left", "right"):
                at = xs[0] if side == "left" else xs[-1]
                if reaches(h_part, at, ys[1:-1], True) < 0.25:
                    xs = xs[1:] if side == "left" else xs[:-1]
                    changed = True
            else:
                at = ys[0] if side == "top" else ys[-1]
                if reaches(v_part, at, xs[1:-1], False) < 0.25:
                    ys = ys[1:] if side == "top" else ys[:-1]
                    changed = True
    return xs, ys


def _peaks(profile: np.ndarray, threshold: float) -> list[int]:
    """Centres of the runs of the profile above threshold."""
    above = np.flatnonzero(profile >= threshold)
    if not above.size:
        return []
    runs = np.split(above, np.flatnonzero(np.diff(above) > 3) + 1)
    return [int(run.mean()) for run in runs]


def _wall(v_part: np.ndarray, x: int, y0: int, y1: int) -> bool:
    pad = max(2, (y1 - y0) // 5)
    band = v_part[y0 + pad : max(y0 + pad + 1, y1 - pad), max(0, x - 3) : x + 4]
    return bool(band.size) and float(band.any(axis=1).mean()) > 0.6


@dataclass(frozen=True)
class Unruled(Table):
    """A table found from its words: its first ``head`` rows are its header, and only they
    (with no rule between rows, a row's printed date would pass for a header's)."""

    head: int = 1  # 2: titles over several columns ("24/09/2025" over "Matin", "Après-midi")


@dataclass(frozen=True)
class Rulings:
    """A page image with its ink and its ruling-line masks (made once per image)."""

    gray: np.ndarray
    ink: np.ndarray
    horiz: np.ndarray
    vert: np.ndarray

    @classmethod
    def of(cls, gray: np.ndarray, dpi: int) -> Rulings:
        ink = binarise(gray, dpi)
        return cls(gray, ink, *line_masks(ink, dpi))

    @cached_property
    def pieces(self) -> Frame:
        """The masks' :func:`frame_pieces`: made once, whether squaring the page or finding
        its tables asks first."""
        return frame_pieces(self.horiz, self.vert)


def squared(ruled: Rulings, dpi: int) -> tuple[Rulings, np.ndarray | None]:
    """The page levelled then rectified, and the 3x3 matrix that took it there (None: as is).

    Levelled by little (the masks' rules still whole), the table's corners are found on
    the masks turned with the page, and the page is warped once, its masks made once: the
    page levelled is made, and its masks, only when no corners ask for a warp too."""
    degrees = _residual_skew(ruled, dpi)
    if degrees is None:
        return _rectified(ruled, dpi)
    height, width = ruled.gray.shape
    turn = np.vstack([cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0), [0, 0, 1]])
    if abs(np.tan(np.radians(degrees))) * ruling_length(dpi) <= WHOLE_RULE_RISE:
        masks = [
            cv2.warpAffine(mask, turn[:2], (width, height), flags=cv2.INTER_NEAREST)
            for mask in (ruled.horiz, ruled.vert)
        ]
        warp = _warp_to_rectangle(table_corners(masks[0], masks[1], dpi))
        if warp is not None:
            matrix = warp @ turn
            flat = cv2.warpPerspective(
                ruled.gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255
            )
            return Rulings.of(flat, dpi), matrix
        return Rulings.of(rotate_fine(ruled.gray, degrees), dpi), turn
    rectified, warp = _rectified(Rulings.of(rotate_fine(ruled.gray, degrees), dpi), dpi)
    return rectified, (np.eye(3) if warp is None else warp) @ turn


#: How far (pixels) a rule's thickness may rise over a ruling's length for the masks of a
#: page not yet levelled to hold it whole (the masks' strokes are dilated to about this).
WHOLE_RULE_RISE = 2.0


def _residual_skew(ruled: Rulings, dpi: int) -> float | None:
    """What skew the page deskew left (degrees, counter-clockwise to undo): the longest
    ruling lines must lie flat. None when they already do."""
    count, labels, stats = components(ruled.horiz)
    # The median over every long rule: a scanner's page edge is long too, but alone.
    slopes = [
        _slope(labels[y : y + h, x : x + w] == i)
        for i, (x, y, w, h) in enumerate(stats[:, :4])
        if i and w >= dpi and h < dpi // 2
    ]
    if not slopes:
        return None
    degrees = float(np.degrees(np.arctan(np.median(slopes))))
    # cv2 turns counter-clockwise for positive angles, which lifts a rule falling rightwards.
    return None if abs(degrees) < 0.15 else degrees


def _slope(mask: np.ndarray) -> float:
    ys, xs = np.nonzero(mask)
    return float(np.polyfit(xs.astype(float), ys.astype(float), 1)[0])


def rectify(gray: np.ndarray, dpi: int) -> np.ndarray:
    """The page seen square-on: the main table's four sides made straight and upright.

    A photo (and a scan fed askew through the feeder) leaves the table a trapezoid whose
    column lines are not parallel, so no projection lines them up. The table's outer
    sides are fitted as straight lines, their four crossings taken as corners, and the
    whole page warped so that those corners form a rectangle (the page is one plane).
    """
    return _rectified(Rulings.of(gray, dpi), dpi)[0].gray


def _rectified(ruled: Rulings, dpi: int) -> tuple[Rulings, np.ndarray | None]:
    """The page warped so that its main table is a rectangle, and the 3x3 matrix used."""
    matrix = _warp_to_rectangle(table_corners(ruled.horiz, ruled.vert, dpi, ruled.pieces))
    if matrix is None:
        return ruled, None
    height, width = ruled.gray.shape
    flat = cv2.warpPerspective(
        ruled.gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255
    )
    return Rulings.of(flat, dpi), matrix


def _warp_to_rectangle(corners: np.ndarray | None) -> np.ndarray | None:
    """The 3x3 matrix making a table's corners an upright rectangle (None: no corners, or
    already square, as born-digital pages are)."""
    if corners is None:
        return None
    target = _rectangle_for(corners)
    if float(np.abs(corners - target).max()) < 1.5:
        return None
    return cv2.getPerspectiveTransform(corners, target)


def table_corners(
    horiz: np.ndarray, vert: np.ndarray, dpi: int, pieces: Frame | None = None
) -> np.ndarray | None:
    """Top-left, top-right, bottom-right, bottom-left corners of the largest ruled grid
    (``pieces``: the masks' :func:`frame_pieces`, if made already)."""
    count, labels, stats = frame_pieces(horiz, vert) if pieces is None else pieces
    height, width = horiz.shape[:2]
    edge = dpi // 20
    candidates, frames = [], []
    for i in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[i])
        if w < dpi or h < dpi // 3:
            continue
        # A grid has ruling inside its outline; a page edge or a lone box has none.
        inner = labels[y + h // 8 : y + h - h // 8, x + w // 8 : x + w - w // 8] == i
        if inner.sum() >= 0.1 * area:
            candidates.append((w * h, i))
        elif w >= 3 * dpi and h >= dpi and _within_picture((x, y, w, h), width, height, edge):
            # A frame round a table ruled no further, inside the picture (not the sheet's
            # own outline a photo was warped to): its sides are the table's.
            frames.append((w * h, i))
    for _, i in [*sorted(candidates, reverse=True), *sorted(frames, reverse=True)[:1]]:
        found = _corners_of(labels, i, tuple(int(v) for v in stats[i, :4]))
        if found is not None:
            return found
    return None


def _within_picture(box: tuple[int, int, int, int], width: int, height: int, edge: int) -> bool:
    """Whether a shape (x, y, w, h) keeps ``edge`` pixels off every border of the picture."""
    x, y, w, h = box
    return x > edge and y > edge and x + w < width - edge and y + h < height - edge


def _corners_of(labels: np.ndarray, i: int, box: tuple[int, ...]) -> np.ndarray | None:
    x, y, w, h = box
    part = labels[y : y + h, x : x + w] == i
    sides = [_fit_side(part, edge) for edge in ("top", "right", "bottom", "left")]
    if any(side is None for side in sides):
        return None
    top, right, bottom, left = sides
    corners = [_cross(top, left), _cross(top, right), _cross(bottom, right), _cross(bottom, left)]
    found = np.array([(cx + x, cy + y) for cx, cy in corners], dtype=np.float32)
    # The sides must enclose most of the shape: sides fitted astray (a dark banner's
    # ragged edges) would fold the page.
    span_x = min(found[1][0] - found[0][0], found[2][0] - found[3][0])
    span_y = min(found[3][1] - found[0][1], found[2][1] - found[1][1])
    if span_x < 0.8 * w or span_y < 0.8 * h:
        return None
    return found


def _fit_side(part: np.ndarray, edge: str) -> tuple[float, float, bool] | None:
    """The outer side ``edge`` of a component as a line: (slope, intercept, is_vertical).

    Horizontal sides are y = a·x + b, vertical ones x = a·y + b. The outermost pixel of
    every column (row) away from the corners is fitted, twice: the second fit without the
    points the first left more than a few pixels off (a gap in the ruling, a stroke
    crossing it).
    """
    vertical = edge in ("left", "right")
    mask = part.T if vertical else part
    length = mask.shape[1]
    along = np.arange(length // 10, length - length // 10)
    columns = mask[:, along]
    present = columns.any(axis=0)
    if present.sum() < 10:
        return None
    if edge in ("top", "left"):
        depth = columns.argmax(axis=0)
    else:
        depth = mask.shape[0] - 1 - columns[::-1].argmax(axis=0)
    xs, ys = along[present].astype(float), depth[present].astype(float)
    keep = np.ones(len(xs), bool)
    for _ in range(2):
        slope, intercept = np.polyfit(xs[keep], ys[keep], 1)
        residual = np.abs(ys - (slope * xs + intercept))
        keep = residual <= max(3.0, 2.5 * float(np.median(residual)))
        if keep.sum() < 10:
            return None
    return float(slope), float(intercept), vertical


def _cross(
    horizontal: tuple[float, float, bool] | None, vertical: tuple[float, float, bool] | None
) -> tuple[float, float]:
    """Where y = a·x + b meets x = c·y + d."""
    assert horizontal is not None and vertical is not None
    a, b, _ = horizontal
    c, d, _ = vertical
    y = (a * d + b) / (1 - a * c)
    return c * y + d, y


def _rectangle_for(corners: np.ndarray) -> np.ndarray:
    """The upright rectangle a quadrilateral stands for: same top-left, mean side lengths."""
    tl, tr, br, bl = corners
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    left, top = (tl[0] + bl[0]) / 2, (tl[1] + tr[1]) / 2
    return np.array(
        [[left, top], [left + width, top], [left + width, top + height], [left, top + height]],
        dtype=np.float32,
    )
