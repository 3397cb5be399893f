"""Choice grids read from a page image: which option of each row carries a hand's mark.

A questionnaire prints its options as small shapes (squares, circles, radio buttons,
boxes holding a number) in rows, one row per item, the options of every row in aligned
columns. This module finds those shapes in the ink, groups them into rows and blocks of
rows, reads what each column means from the words around it (numbers above or inside;
words such as "Très satisfait" ranked by meaning; a legend "1 = … 4 = …"; the words at
the row's ends), then measures the ink each option carries beyond its printed outline:
inside the shape (a cross, a tick, a filled dot) and in a ring just around it (a number
circled by hand, a cross drawn larger than its box). Exactly one clearly marked option
makes the row's answer; none leaves it unanswered; two, or a faint mark, leave it to a
person.

It reads pixels only (scans, photos and rendered born-digital pages alike) plus the
page's words with their boxes (text layer or OCR). Nothing here knows a template: the
rules are about shapes, alignment and the meaning of French scale words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Protocol

import cv2
import numpy as np

from pipeline.attendance import binarise, line_masks
from pipeline.ocr import Word
from pipeline.parse import fold
from pipeline.reading.scales import Scale, level_of, scale_from_levels, scale_from_numbers

Box = tuple[int, int, int, int]  # left, top, right, bottom


class HeaderReader(Protocol):
    """Reads a crop of the page again when its words say nothing (a label run into a ruling
    by the page's OCR, small print on a photo)."""

    def line(self, box: Box) -> str:
        """The crop read as one line of text."""

    def words(self, box: Box) -> list[Word]:
        """The crop's words, boxed in page pixels."""


#: Option shapes measure between these (inches), either way.
MIN_SIDE, MAX_SIDE, MAX_WIDTH = 0.08, 0.45, 0.8
#: Mark strength (extra ink over the row's typical option, in shares of the option's area).
MARKED = 0.12
EMPTY = 0.035
#: Rows read with less confidence than this are listed for a person.
REVIEW_BELOW = 0.7


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


@dataclass(frozen=True)
class RowRead:
    """One item: its options' values, the mark strengths, and what was decided."""

    y: int
    scale: Scale
    strengths: tuple[float, ...]
    chosen: int | None  # index of the marked option
    state: str  # "answered" | "unanswered" | "double" | "unsure"
    confidence: float

    @property
    def value(self) -> float | None:
        return self.scale.values[self.chosen] if self.chosen is not None else None


@dataclass(frozen=True)
class PageChoices:
    """Every choice row of a page, top to bottom, and what could not be made sense of."""

    rows: tuple[RowRead, ...] = ()
    problems: tuple[str, ...] = field(default=())
    unread: int = 0  # rows marked by hand whose scale was not understood


# --- shapes ----------------------------------------------------------------------------------


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
            near = y - block.ys[-1] <= 2.5 * max(block.height * 2, _row_step(block))
            columns = _joined(block, xs) if near else None
            if columns is not None and _similar(row[0], block.rows[-1][0]):
                block.rows.append(row)
                block.ys.append(y)
                block.columns = columns
                continue
        columns = _lattice(xs, int(median(s.w for s in row))) or _filled(xs)
        width, height = int(median(s.w for s in row)), int(median(s.h for s in row))
        blocks.append(Block([row], columns, [y], width, height, median(s.fill for s in row) < 0.9))
    return blocks


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


def _row_step(block: Block) -> float:
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


def marks_ink(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """The page's ink, and that ink without ruling lines and specks (what a hand adds)."""
    ink = binarise(gray, dpi)
    horiz, vert = line_masks(ink, dpi)
    bare = ink.copy()
    bare[cv2.bitwise_or(horiz, vert) > 0] = 0
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bare, connectivity=8)
    keep = np.zeros(count, np.uint8)
    keep[1:] = (stats[1:, cv2.CC_STAT_AREA] >= max(4, (dpi // 40) ** 2)).astype(np.uint8) * 255
    return ink, keep[labels]


def _printed(words: Sequence[Word]) -> list[Word]:
    """Words that are surely print: confident, of three letters or more, a line high (OCR
    also makes "words" of a column of marks, many lines high)."""
    if not words:
        return []
    line = median(w.box[3] - w.box[1] for w in words)
    return [
        w
        for w in words
        if sum(ch.isalpha() for ch in w.text) >= 3
        and w.confidence >= 0.6
        and w.box[3] - w.box[1] <= 2 * line
    ]


def _in_print(shape: Shape, words: Sequence[Word]) -> bool:
    """Whether a shape is a letter of a printed word (an "o", a "D")."""
    return any(
        w.box[0] <= shape.cx <= w.box[2] and w.box[1] <= shape.cy <= w.box[3]
        for w in _printed(words)
    )


def without_print(bare: np.ndarray, words: Sequence[Word]) -> np.ndarray:
    """The ink with printed words taken out: a statement that runs into its row's first
    option is print, not a mark."""
    hand = bare.copy()
    for word in _printed(words):
        left, top, right, bottom = word.box
        hand[max(0, top) : bottom, max(0, left) : right] = 0
    return hand


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
        crop = _crop(ink, left - 4, top - 4, band.shape)
        out.append(float((crop[mask] > 0).mean()) >= 0.2)
    return out


def _fill_rows(block: Block) -> None:
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


def _extend_by_outlines(block: Block, ink: np.ndarray) -> None:
    """Two options found whole may be a row of three whose third was marked: an outline
    halfway between them, or one pitch past either end, on every row, is an option too."""
    for _ in range(2):
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


def _zones(block: Block) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    """Masks, centred on an option, of its inside (within the outline) and of a ring
    around it (beyond the outline), and the offset of the masks' origin."""
    w, h = block.width, block.height
    reach = int(round(0.3 * min(w, h))) + 2
    size = (h + 2 * reach, w + 2 * reach)
    outline = np.zeros(size, np.uint8)
    if block.round:
        cv2.ellipse(outline, (reach + w // 2, reach + h // 2), (w // 2, h // 2), 0, 0, 360, 255, -1)
    else:
        cv2.rectangle(outline, (reach, reach), (reach + w - 1, reach + h - 1), 255, -1)
    shrink = max(2, int(round(0.16 * min(w, h))))
    inside = cv2.erode(outline, np.ones((2 * shrink + 1,) * 2, np.uint8))
    near = cv2.dilate(outline, np.ones((2 * max(2, shrink // 2) + 1,) * 2, np.uint8))
    far = cv2.dilate(outline, np.ones((2 * reach + 1,) * 2, np.uint8))
    ring = cv2.subtract(far, near)
    return inside > 0, ring > 0, (reach, reach)


def option_ink(bare: np.ndarray, block: Block, row: int) -> list[float]:
    """Ink inside and around each option of a row, in shares of the option's inside."""
    inside, ring, (dx, dy) = _zones(block)
    # A wide box (a number's) is measured as if square: a mark spans its height only.
    ys, xs = np.nonzero(inside)
    span = (float(np.ptp(xs)) + 1, float(np.ptp(ys)) + 1) if xs.size else (1.0, 1.0)
    area = max(1.0, float(inside.sum()) * min(span) / max(span))
    out = []
    for col in range(len(block.columns)):
        left, top, _, _ = block.box(row, col)
        x0, y0 = left - dx, top - dy
        crop = _crop(bare, x0, y0, inside.shape)
        out.append((float((crop[inside] > 0).sum()) + float((crop[ring] > 0).sum())) / area)
    return out


def _crop(image: np.ndarray, x0: int, y0: int, shape: tuple[int, ...]) -> np.ndarray:
    height, width = shape[:2]
    out = np.zeros((height, width), image.dtype)
    sx0, sy0 = max(0, x0), max(0, y0)
    sx1, sy1 = min(image.shape[1], x0 + width), min(image.shape[0], y0 + height)
    if sx1 > sx0 and sy1 > sy0:
        out[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0] = image[sy0:sy1, sx0:sx1]
    return out


def decide(inks: Sequence[float]) -> tuple[int | None, str, float, tuple[float, ...]]:
    """The marked option of a row from the ink of its options (what the print gives every
    option alike, a number inside, a label above, is the row's median and is taken off)."""
    base = float(np.median(inks))
    strengths = tuple(round(max(0.0, v - base), 3) for v in inks)
    order = sorted(range(len(strengths)), key=lambda i: strengths[i], reverse=True)
    top, second = strengths[order[0]], strengths[order[1]]
    if top <= EMPTY:
        return None, "unanswered", round(min(0.99, 0.8 + 0.19 * (1 - top / EMPTY)), 3), strengths
    if second >= MARKED or (top >= MARKED and second > 0.5 * top):
        return None, "double", 0.3, strengths
    if top < MARKED:
        return None, "unsure", 0.4, strengths
    if second > EMPTY:
        return order[0], "answered", round(0.6 + 0.3 * (1 - second / top), 3), strengths
    return (
        order[0],
        "answered",
        round(min(0.99, 0.85 + 0.14 * min(1.0, top / (3 * MARKED))), 3),
        (strengths),
    )


# --- labels ----------------------------------------------------------------------------------

_NUMBER = re.compile(r"^\(?(\d{1,2})\)?[.:)]?$")
_DIGIT_SLIPS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1", "S": "5"})


def number_of(text: str) -> int | None:
    """A printed option number ("3", "(3)", "3."), with OCR's usual letter-for-digit slips
    (not in a lone letter: a circle is read "O")."""
    text = text.strip()
    if text in ("l", "I", "i", "|"):
        return 1
    text = text.strip("'\"‘’“”_—-., ")
    m = _NUMBER.match(text if len(text) < 2 else text.translate(_DIGIT_SLIPS))
    return int(m.group(1)) if m else None


def _centre(word: Word) -> tuple[float, float]:
    """A word's centre; a short word boxed far taller than wide (OCR ran it into a column's
    ruling) is placed at its top, where its print is."""
    left, top, right, bottom = word.box
    height = bottom - top
    if len(word.text) <= 3 and height > 2 * max(1, right - left) * max(1, len(word.text)):
        height = int(1.5 * (right - left) / max(1, len(word.text)))
    return (left + right) / 2, top + height / 2


def column_numbers(block: Block, words: Sequence[Word], row: int, above: float) -> list[int | None]:
    """The number printed on each column: inside the option, or just above the row (the
    block's first row, or this row when each row carries its own numbers)."""
    pitch = block.pitch
    out: list[int | None] = []
    for col, x in enumerate(block.columns):
        left, top, right, bottom = block.box(row, col)
        found = None
        best = float("inf")
        for word in words:
            wx, wy = _centre(word)
            value = number_of(word.text)
            if value is None or abs(wx - x) > 0.35 * pitch:
                continue
            inside = top <= wy <= bottom
            over = above <= wy < top
            if inside or over:
                distance = 0 if inside else top - wy
                if distance < best:
                    found, best = value, distance
        out.append(found)
    return out


def header_words(block: Block, words: Sequence[Word], above: float) -> list[str]:
    """The label over each column, between ``above`` and the block's first row; all empty
    unless every label found stands centred over its column (words of a legend or a title
    run across the columns without regard to them)."""
    groups = _header_groups(block, words, above, block.columns)
    if not _centred(groups, block.columns, block.pitch):
        return ["" for _ in block.columns]
    return [" ".join(w.text for w in _in_order(ws)) for ws in groups]


def _header_groups(
    block: Block, words: Sequence[Word], above: float, columns: Sequence[float]
) -> list[list[Word]]:
    groups: list[list[Word]] = [[] for _ in columns]
    pitch = block.pitch
    span = (columns[0] - pitch, columns[-1] + pitch)
    over = [
        w
        for w in words
        if above <= _centre(w)[1] < block.top
        and w.box[3] <= block.top + block.height / 2  # not OCR's run down a column
        and span[0] <= _centre(w)[0] <= span[1]
        and re.search(r"[A-Za-zÀ-ÿ]", w.text)
    ]
    if not over:
        return groups
    # A legend ("1 = pas du tout … 4 = …") is no column label.
    lines = _lines(over)
    over = [w for line in lines if not any("=" in w.text for w in line) for w in line]
    if not over:
        return groups
    # The labels are the print nearest the first row: a line or two, not the title above.
    nearest = max(w.box[3] for w in over)
    tall = median(w.box[3] - w.box[1] for w in over)
    for word in over:
        wx, wy = _centre(word)
        if wy < nearest - 3 * tall:
            continue
        distances = [abs(wx - c) for c in columns]
        col = int(np.argmin(distances))
        if distances[col] <= 0.75 * pitch:
            groups[col].append(word)
    return groups


def _centred(groups: Sequence[list[Word]], columns: Sequence[float], pitch: float) -> bool:
    for group, x in zip(groups, columns, strict=True):
        if group and abs((min(w.box[0] for w in group) + max(w.box[2] for w in group)) / 2 - x) > (
            0.3 * pitch
        ):
            return False
    return True


def _lines(words: Sequence[Word]) -> list[list[Word]]:
    """Words by lines (a word joins the line its middle falls in), each left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: _centre(w)[1]):
        y = _centre(word)[1]
        if lines and lines[-1][0].box[1] <= y <= lines[-1][0].box[3]:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.box[0]) for line in lines]


def _in_order(words: list[Word]) -> list[Word]:
    return [w for line in _lines(words) for w in line]


def end_words(block: Block, words: Sequence[Word], row: int) -> tuple[str, str]:
    """The words at the left and right ends of a row (or of its number line): "Pas
    satisfait … Très satisfait"."""
    y = block.ys[row]
    reach = max(block.height * 2.5, block.pitch)
    first, last = block.columns[0], block.columns[-1]
    level = [w for w in words if abs(_centre(w)[1] - y) <= reach]
    left = [w for w in level if first - 3 * block.pitch < _centre(w)[0] < first - block.width]
    right = [w for w in level if last + block.width < _centre(w)[0] < last + 3 * block.pitch]
    return " ".join(w.text for w in _in_order(left)), " ".join(w.text for w in _in_order(right))


def extend_by_labels(block: Block, words: Sequence[Word], above: float) -> None:
    """Add the columns whose options were all marked (no outline found whole) but whose
    label stands one pitch past the block's ends, on the line of the other columns' labels
    and continuing their numbers."""
    pitch = block.pitch
    band = (above, block.ys[0] + block.height / 2)
    labels = [
        (w, number_of(w.text))
        for w in words
        if band[0] <= _centre(w)[1] <= band[1] and number_of(w.text) is not None
    ]
    over = {}
    for col, x in enumerate(block.columns):
        near = [(w, n) for w, n in labels if abs(_centre(w)[0] - x) <= 0.3 * pitch]
        if near:
            over[col] = max(near, key=lambda item: _centre(item[0])[1])
    if len(over) < 2:
        return
    line = median(_centre(w)[1] for w, _ in over.values())
    tall = median(w.box[3] - w.box[1] for w, _ in over.values())
    cols = sorted(over)
    step = (over[cols[-1]][1] - over[cols[0]][1]) / max(1, cols[-1] - cols[0])  # type: ignore[operator]
    if step not in (1, -1):
        return
    first, last = over[cols[0]][1], over[cols[-1]][1]
    for _ in range(11 - len(block.columns)):
        grown = False
        for side, x, want in (
            (0, block.columns[0] - pitch, first - step * (cols[0] + 1)),  # type: ignore[operator]
            (1, block.columns[-1] + pitch, last + step * (len(block.columns) - cols[-1])),  # type: ignore[operator]
        ):
            hit = any(
                abs(_centre(w)[0] - x) <= 0.3 * pitch
                and abs(_centre(w)[1] - line) <= tall
                and n == want
                for w, n in labels
            )
            if hit:
                block.columns = sorted([*block.columns, x])
                if side == 0:
                    cols = [c + 1 for c in cols]
                grown = True
                break
        if not grown:
            return


def extend_by_words(block: Block, words: Sequence[Word], above: float) -> None:
    """Add a column one pitch past the ends where a scale word heads it, centred, as scale
    words head every other column."""
    pitch = block.pitch
    for _ in range(11 - len(block.columns)):
        ends = (block.columns[0] - pitch, block.columns[-1] + pitch)
        columns = [ends[0], *block.columns, ends[1]]
        groups = _header_groups(block, words, above, columns)
        labels = [level_of(" ".join(w.text for w in _in_order(g))) for g in groups]
        if not _centred(groups, columns, pitch) or labels[1:-1].count(None) > 1:
            return
        found = [x for x, label in ((ends[0], labels[0]), (ends[1], labels[-1])) if label]
        if not found:
            return
        block.columns = sorted([*block.columns, found[0]])


def inline_labels(block: Block, words: Sequence[Word], row: int) -> list[str]:
    """The words printed just right of each option on its line ("☐ Oui  ☐ En partie",
    "☐ 4 - Tout à fait"), up to the next option."""
    y, half = block.ys[row], block.width / 2
    out = []
    for col, x in enumerate(block.columns):
        end = block.columns[col + 1] - half if col + 1 < len(block.columns) else x + block.pitch
        beside = [
            w
            for w in words
            if abs(_centre(w)[1] - y) <= block.height
            and x + half - 2 <= w.box[0]
            and w.box[2] <= end + 2
        ]
        out.append(" ".join(w.text for w in sorted(beside, key=lambda w: w.box[0])))
    return out


def inline_scale(block: Block, words: Sequence[Word], row: int, legend: str) -> Scale | None:
    """A row's own scale from the labels beside its options: numbers first ("4 - Tout à
    fait"), else words ranked by meaning ("Oui / En partie / Non")."""
    labels = inline_labels(block, words, row)
    if not all(labels):
        return None
    numbers = [number_of(label.split()[0]) for label in labels]
    if all(n is not None for n in numbers):
        # The words after each number say which end is best, as a legend would.
        words_after = [label.split(maxsplit=1)[1:] for label in labels]
        said = " , ".join(
            f"{n} = {rest[0].lstrip('-–: ')}"
            for n, rest in zip(numbers, words_after, strict=True)
            if rest
        )
        return scale_from_numbers(numbers, f"{said} , {legend}")
    return scale_from_levels([level_of(label) for label in labels])


def block_scale(
    block: Block, words: Sequence[Word], row: int, above: float, legend: str
) -> Scale | None:
    """What each column of the block means, from numbers, then scale words."""
    numbers = column_numbers(block, words, row, above)
    ends = end_words(block, words, row)
    scale = scale_from_numbers(numbers, legend, ends)
    if scale is not None:
        return scale
    levels = [level_of(text) for text in header_words(block, words, above)]
    return scale_from_levels(levels)


def _numbered(
    block: Block,
    words: Sequence[Word],
    bare: np.ndarray,
    above: float,
    legend: str,
    reread: HeaderReader | None,
) -> Scale | None:
    """A scale of numbered columns: numbers over or inside the options, read on the page,
    else each read again alone."""
    extend_by_labels(block, words, above)
    ends = end_words(block, words, 0)
    scale = scale_from_numbers(column_numbers(block, words, 0, above), legend, ends)
    if scale is not None or reread is None:
        return scale
    over = [reread.line(box) if box else "" for box in label_boxes(block, bare, above)]
    scale = scale_from_numbers([number_of(t) for t in over], legend, ends)
    if scale is None and block.width > 1.5 * block.height:
        # Boxes wide enough to hold their number: read inside them.
        inset = max(3, block.height // 6)
        inside = [reread.line(_inset(block.box(0, c), inset)) for c in range(len(block.columns))]
        scale = scale_from_numbers([number_of(t) for t in inside], legend, ends)
    return scale


def _worded(
    block: Block,
    words: Sequence[Word],
    bare: np.ndarray,
    above: float,
    reread: HeaderReader | None,
) -> Scale | None:
    """A scale of columns headed by words ranked by meaning; a label the page OCR missed is
    read again alone."""
    extend_by_words(block, words, above)
    heads = header_words(block, words, above)
    scale = scale_from_levels([level_of(t) for t in heads])
    if scale is not None or reread is None:
        return scale
    boxes = label_boxes(block, bare, above)
    texts = [
        head if level_of(head) is not None else (reread.line(box) if box else "")
        for head, box in zip(heads, boxes, strict=True)
    ]
    return scale_from_levels([level_of(t) for t in texts])


def _inset(box: Box, by: int) -> Box:
    return (box[0] + by, box[1] + by, box[2] - by, box[3] - by)


def label_band(block: Block, bare: np.ndarray, above: float) -> Box | None:
    """The line of column labels above the block, across its columns and a pitch beyond
    (where the label of a column of marked options only may stand)."""
    boxes = [box for box in label_boxes(block, bare, above) if box is not None]
    if not boxes:
        return None
    left = max(0, int(block.columns[0] - 1.5 * block.pitch))
    right = int(block.columns[-1] + 1.5 * block.pitch)
    top = int(median(box[1] for box in boxes))
    bottom = int(median(box[3] for box in boxes))
    return (left, top, right, bottom)


def label_boxes(block: Block, bare: np.ndarray, above: float) -> list[Box | None]:
    """Each column's label: the line of print over it, above the block's first row, at the
    level where most columns have theirs (a mark poking out of a first-row option is not
    it)."""
    half = int(0.45 * block.pitch)
    bottom = int(block.top - 0.35 * block.height)
    top = int(max(0, above))
    gap = max(3, block.height // 6)
    runs_of: list[list[np.ndarray]] = []
    for x in block.columns:
        strip = bare[top:bottom, max(0, int(x) - half) : int(x) + half]
        inked = np.flatnonzero(strip.any(axis=1)) if strip.size else np.array([], int)
        runs_of.append(
            np.split(inked, np.flatnonzero(np.diff(inked) > gap) + 1) if inked.size else []
        )
    lowest = [float(runs[-1].mean()) for runs in runs_of if runs]
    if not lowest:
        return [None for _ in block.columns]
    level = median(lowest)
    pad = max(3, block.height // 4)
    boxes: list[Box | None] = []
    for x, runs in zip(block.columns, runs_of, strict=True):
        if not runs:
            boxes.append(None)
            continue
        line = min(runs, key=lambda run: abs(float(run.mean()) - level))
        left = max(0, int(x) - half)
        boxes.append((left, top + int(line[0]) - pad, int(x) + half, top + int(line[-1]) + pad))
    return boxes


# --- the page --------------------------------------------------------------------------------


def read_page(
    gray: np.ndarray, dpi: int, words: Sequence[Word], reread: HeaderReader | None = None
) -> PageChoices:
    """Every choice row on an upright page image, with ``words`` boxed in its pixels."""
    ink, bare = marks_ink(gray, dpi)
    hand = without_print(bare, words)
    shapes = [shape for shape in find_shapes(ink, dpi) if not _in_print(shape, words)]
    blocks = blocks_of(shape_rows(shapes, dpi))
    legend = fold(" ".join(w.text for w in words))
    rows: list[RowRead] = []
    problems: list[str] = []
    previous_bottom = 0.0
    for block in blocks:
        _fill_rows(block)
        if len(block.columns) < 3:
            _extend_by_outlines(block, ink)
        if not 3 <= len(block.columns) <= 11:
            previous_bottom = block.ys[-1] + block.height / 2
            continue  # oui / non, or a strip of shapes that is no scale
        above = max(previous_bottom, block.top - 1.2 * dpi)
        rows.extend(_block_rows(block, words, (ink, bare, hand), above, legend, reread, problems))
        previous_bottom = block.ys[-1] + block.height / 2
    return PageChoices(tuple(sorted(rows, key=lambda r: r.y)), tuple(set(problems)), len(problems))


def _block_rows(
    block: Block,
    words: Sequence[Word],
    inks: tuple[np.ndarray, np.ndarray, np.ndarray],
    above: float,
    legend: str,
    reread: HeaderReader | None,
    problems: list[str],
) -> list[RowRead]:
    out = []
    ink, bare, hand = inks
    if reread is not None and not any(_header_groups(block, words, above, block.columns)):
        # No label read over the columns: the line of print nearest the rows, read again.
        band = label_band(block, bare, above)
        if band is not None and block_scale(block, words, 0, above, legend) is None:
            words = [*words, *reread.words(band)]
    shared = _numbered(block, words, bare, above, legend, reread)
    shared = shared or _worded(block, words, bare, above, reread)
    for row in range(len(block.ys)):
        if not block.rows[row] and sum(outlined(ink, block, row)) * 2 < len(block.columns):
            continue  # a gap between rows (a heading), not a row of options
        own_block = _own_columns(block, ink, row)
        if own_block is not None:
            # This row has fewer options than its block: read it on its own.
            own_scale = inline_scale(own_block, words, 0, legend)
            if own_scale is not None:
                out.append(_row_read(own_block, hand, 0, own_scale))
                continue
        scale = inline_scale(block, words, row, legend) or shared
        if row and len(block.ys) > 1 and scale is shared:
            own_above = block.ys[row] - 0.6 * _row_step(block)
            own = scale_from_numbers(
                column_numbers(block, words, row, own_above), legend, end_words(block, words, row)
            )
            scale = own or shared
        if scale is None or len(scale.values) != len(block.columns):
            measured = option_ink(hand, block, row)
            # Figures printed in every shape (smiley faces) are no blank options.
            drawn = min(measured) >= MARKED
            if not drawn and decide(measured)[1] != "unanswered":
                problems.append(f"échelle non comprise ({len(block.columns)} options)")
            continue
        out.append(_row_read(block, hand, row, scale))
    return out


def _row_read(block: Block, hand: np.ndarray, row: int, scale: Scale) -> RowRead:
    chosen, state, confidence, strengths = decide(option_ink(hand, block, row))
    return RowRead(int(block.ys[row]), scale, strengths, chosen, state, confidence)


def _own_columns(block: Block, ink: np.ndarray, row: int) -> Block | None:
    """The row alone on the columns where it has options, when that is fewer than its
    block's (three or more, side by side); None otherwise."""
    present = outlined(ink, block, row)
    if all(present) or sum(present) < 3:
        return None
    first, last = present.index(True), len(present) - 1 - present[::-1].index(True)
    if not all(present[first : last + 1]):
        return None
    return Block(
        [block.rows[row]],
        block.columns[first : last + 1],
        [block.ys[row]],
        block.width,
        block.height,
        block.round,
    )
