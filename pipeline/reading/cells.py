"""One cell of an attendance sheet: the page it is read from, the ink left once the
ruling lines are removed, strokes that cross it out, its words, and the judgement of the
cell (signed, absent, empty, or for review); the trainer's boxes below a one-day table."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from PIL import Image

from pipeline.ocr import (
    OcrEngine,
    Word,
)
from pipeline.parse import MONTHS, fold, same_person
from pipeline.reading.ink import drop_specks
from pipeline.reading.overflow import without_tails
from pipeline.reading.sheet_results import EMPTY_INK, SIGNED_INK, UNPLACED, CellRead, Column
from pipeline.reading.sheet_text import (
    half_day_of,
    is_absent,
    is_day_label,
    is_signed_mention,
    looks_absent,
)
from pipeline.reading.spill import ink_beside_print
from pipeline.reading.tables import Table
from pipeline.reading.unheld import NOT_HELD, says_not_held, shaded
from pipeline.reading.words import inset, reading_order, text_of, words_in
from pipeline.reading.words import lines as word_lines


@dataclass
class SheetPage:
    """A page as its cells are read: the picture, its ink and ruling masks, its printed
    words, and the engine that reads a cell again."""

    gray: np.ndarray
    dpi: int
    ink: np.ndarray
    lines: np.ndarray
    words: tuple[Word, ...]
    engine: OcrEngine
    exact: bool = False  # words from the PDF's text layer: no re-reading needed


def cell_ink(
    ink: np.ndarray, lines: np.ndarray, box: tuple[int, int, int, int], dpi: int
) -> tuple[float, tuple[int, int, int, int]]:
    """Share of the cell's inner area covered with ink, and the inner box measured."""
    ratio, inner, _ = _measured(ink, lines, box, dpi)
    return ratio, inner


def _measured(
    ink: np.ndarray, lines: np.ndarray, box: tuple[int, int, int, int], dpi: int
) -> tuple[float, tuple[int, int, int, int], np.ndarray | None]:
    """:func:`cell_ink`, and the marks it measured (None: no inner box)."""
    left, top, right, bottom = box
    margin = max(3, dpi // 25)  # the ruling's blur and a neighbour's overflow
    inner = (left + margin, top + margin, right - margin, bottom - margin)
    if inner[2] <= inner[0] or inner[3] <= inner[1]:
        return 0.0, inner, None
    marks = cell_marks(ink, lines, inner, dpi)
    return float(marks.mean() / 255), inner, marks


def cell_marks(
    ink: np.ndarray, lines: np.ndarray, inner: tuple[int, int, int, int], dpi: int
) -> np.ndarray:
    """The ink inside a cell's inner box, without ruling lines and specks."""
    crop = ink[inner[1] : inner[3], inner[0] : inner[2]].copy()
    crop[_rulings_only(lines[inner[1] : inner[3], inner[0] : inner[2]], dpi)] = 0
    return drop_specks(crop, dpi)


def _rulings_only(lines: np.ndarray, dpi: int, stubs: bool = True) -> np.ndarray:
    """The parts of a line mask that are ruling: thin level (or plumb) runs that cross the
    cell or come in from its edge.

    The line mask also takes in the straight stretches of a shallow stroke (the arms of
    a flat X): they climb as they go (a box taller than a ruling is thick), or stop
    inside the cell, and stay ink.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats((lines > 0).astype(np.uint8))
    if count <= 1:
        return np.zeros(lines.shape, bool)
    x, y, w, h = (stats[:, i] for i in range(4))
    height, width = lines.shape
    thick = max(6, dpi // 15)
    # ``stubs``: a short level run along the cell's edge is a ruling drifting in too (a
    # skewed scan), though it may be a stroke's flat end.
    edge_y = ((y == 0) | (y + h >= height)) if stubs else np.zeros_like(y, bool)
    edge_x = ((x == 0) | (x + w >= width)) if stubs else np.zeros_like(x, bool)
    level = (h <= np.maximum(thick, 0.06 * w)) & ((w >= 0.6 * width) | edge_y)
    plumb = (w <= np.maximum(thick, 0.06 * h)) & ((h >= 0.6 * height) | edge_x)
    ruling = level | plumb
    ruling[0] = False
    return ruling[labels]


#: A cross-out's stroke climbs (or falls) this share of the cell's height or more, end to end.
CROSS_RISE = 0.3


def crossed_out(marks: np.ndarray, dpi: int) -> bool:
    """Whether a cell's ink is a cross-out: one stroke across it ("barre") or an X.

    A cross-out spans most of the cell, both ways, and every inked pixel lies close to one
    or two smooth curves (a hand's stroke bows a little); a signature loops up and down
    far from any such curve. Each stroke is fitted as y = a·x² + b·x + c; for an X the
    pixels are first shared between the rising and the falling diagonal, then refitted.
    """
    ys, xs = _main_pixels(marks)
    if len(xs) < 20:
        return False
    height, width = marks.shape
    span_x, span_y = float(np.ptp(xs)), float(np.ptp(ys))
    if span_x < 0.55 * width or span_y < 0.35 * height:
        return False
    tolerance = max(2.5, dpi / 60)
    x, y = xs.astype(float), ys.astype(float)
    error, fit = _curve_fit(x, y)
    # A stroke across the cell climbs or falls from end to end (a diagonal); a flat
    # stroke that bows or waves (a long signature) does not. Two flat strokes that bow
    # towards each other (an X drawn wide and low) may pass for one: they are tried too.
    # Either way a stroke crosses the cell: it climbs a good share of the cell's height,
    # not only of the ink's (a low wavy scrawl along a line climbs little of either).
    least = max(0.5 * span_y, CROSS_RISE * height)
    if error <= tolerance and _rise(fit, x) >= least:
        return True
    # An X: pixels go to the stroke they lie along, first by the diagonal of the ink's box
    # they are nearer, or else by which way the ink runs where they are; then each pixel
    # to the nearer fitted stroke until the shares settle.
    slope = span_y / max(span_x, 1.0)
    dx, dy = x - x.min(), y - y.min()
    by_diagonal = np.abs(dy - (span_y - slope * dx)) < np.abs(dy - slope * dx)
    kept = np.zeros(marks.shape, bool)
    kept[ys, xs] = True
    for rising in (by_diagonal, _rising_pixels(kept, ys, xs)):
        if _two_strokes(x, y, rising, tolerance, CROSS_RISE * height):
            return True
    return False


#: A rule along a cell's side lies within this share of its width (or height) of the edge.
EDGE_BAND = 0.12


def _edge_lines_only(marks: np.ndarray) -> bool:
    """Whether all of a cell's ink is lines along its sides: rules of the table the
    ruling mask missed (slanted on a photo, joined at a corner), each spanning half a side
    or more and lying wholly in the band along the edges, where no hand's mark runs."""
    height, width = marks.shape
    count, labels, stats, _ = cv2.connectedComponentsWithStats((marks > 0).astype(np.uint8))
    band = np.ones((height, width), bool)
    inner_x = slice(int(EDGE_BAND * width) + 1, int((1 - EDGE_BAND) * width))
    inner_y = slice(int(EDGE_BAND * height) + 1, int((1 - EDGE_BAND) * height))
    band[inner_y, inner_x] = False
    pieces = [i for i in range(1, count) if stats[i][cv2.CC_STAT_AREA] >= 4]
    if not pieces:
        return False
    for i in pieces:
        long = (
            stats[i][cv2.CC_STAT_HEIGHT] >= height / 2 or stats[i][cv2.CC_STAT_WIDTH] >= width / 2
        )
        if not long or not band[labels == i].all():
            return False
    return True


def _one_stroke(marks: np.ndarray, dpi: int) -> bool:
    """Whether a cell's ink (its main pieces) lies along one smooth curve."""
    ys, xs = _main_pixels(marks)
    if len(xs) < 20:
        return False
    error, _ = _curve_fit(xs.astype(float), ys.astype(float))
    return error <= max(2.5, dpi / 60)


def _main_pixels(marks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows and columns of the ink's main pieces (a neighbour's ascender poking in
    over the edge, a speck, left out)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats((marks > 0).astype(np.uint8))
    areas = stats[:, cv2.CC_STAT_AREA]
    main = areas >= 0.08 * areas[1:].sum() if count > 1 else areas > 0
    main[0] = False
    ys, xs = np.nonzero(main[labels])
    return ys, xs


def _two_strokes(
    x: np.ndarray, y: np.ndarray, rising: np.ndarray, tolerance: float, least: float = 0.0
) -> bool:
    """Whether the pixels (x, y), first shared as ``rising`` says, lie along two smooth
    strokes that make an X (:func:`_an_x`), each climbing or falling ``least`` pixels or
    more: each stroke refitted to the pixels nearer it, round after round until the
    shares settle, the X looked for after every round.

    Where the strokes run close (an X drawn wide and low) a pixel may go to either: each
    stroke is also measured over every pixel near it, not only those it was given.
    """
    span_x, span_y = float(np.ptp(x)), float(np.ptp(y))
    moments = _Moments(x, y)
    for _ in range(8):
        if rising.sum() < 10 or (~rising).sum() < 10:
            return False
        (err_a, fit_a), (err_b, fit_b) = moments.fits(rising)
        fits = (fit_a, fit_b)
        gaps = moments.gaps()
        again = gaps[:, 0] < gaps[:, 1]
        if max(err_a, err_b) <= tolerance:
            # Each stroke measured over the pixels it is now given, or over every pixel
            # near it.
            given = (again, ~again)
            near = (gaps[:, 0] <= 2 * tolerance, gaps[:, 1] <= 2 * tolerance)
            if any(_an_x(x, fits, parts, span_x, span_y, least) for parts in (given, near)):
                return True
        if np.array_equal(again, rising):
            return False
        rising = again
    return False


class _Moments:
    """Least-squares parabolas y = f(x) through a share of a cell's ink pixels and the
    rest, from sums of powers of x (and of x times y) taken over all the pixels at once.

    The X search refits two strokes up to eight rounds on every inked cell: one product
    of the share with the pixels' powers gives both strokes' sums, and the 3×3 normal
    equations are solved in closed form, where fitting each share on its own
    (:func:`_curve_fit`) cost several times as much. x is centred and scaled to about ±1
    first (the normal equations are well conditioned there).
    """

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        self.middle = float(x.mean())
        self.scale = max(float(np.abs(x - self.middle).max()), 1.0)
        u = (x - self.middle) / self.scale
        u2 = u * u
        # Columns: 1, u, u², u³, u⁴, y, u·y, u²·y, y².
        self.powers = np.stack([np.ones_like(u), u, u2, u2 * u, u2 * u2, y, u * y, u2 * y,
                                y * y], axis=1)  # fmt: skip
        self.total = self.powers.sum(axis=0)
        self.y = y

    def fits(self, share: np.ndarray) -> tuple[tuple[float, np.ndarray], tuple[float, np.ndarray]]:
        """RMS distance (vertical) and fit (in x, highest power first, as ``np.polyfit``)
        of the pixels in ``share``, then of the others; see :meth:`gaps`."""
        sums = share.astype(np.float64) @ self.powers
        (err_a, self._a), (err_b, self._b) = _fit_sums(sums), _fit_sums(self.total - sums)
        return (err_a, self._in_x(self._a)), (err_b, self._in_x(self._b))

    def gaps(self) -> np.ndarray:
        """Each pixel's vertical distance to either stroke the last :meth:`fits` fitted (N×2)."""
        coefficients = np.array([self._a, self._b]).T  # rows: 1, u, u²
        return np.abs(self.y[:, None] - self.powers[:, :3] @ coefficients)

    def _in_x(self, fit: tuple[float, float, float]) -> np.ndarray:
        """c + b·u + a·u² with u = (x - m) / k, written in powers of x."""
        c, b, a = fit
        m, k = self.middle, self.scale
        return np.array([a / k**2, b / k - 2 * a * m / k**2, a * m**2 / k**2 - b * m / k + c])


def _fit_sums(sums: np.ndarray) -> tuple[float, tuple[float, float, float]]:
    """RMS distance and coefficients (of 1, u, u²) of the least-squares parabola whose
    points have the sums (n, Σu, Σu², Σu³, Σu⁴, Σy, Σu·y, Σu²·y, Σy²)."""
    n, s1, s2, s3, s4, sy, suy, su2y, syy = (float(v) for v in sums)
    # Normal equations [[s4 s3 s2] [s3 s2 s1] [s2 s1 n]] · (a, b, c) = (Σu²y, Σuy, Σy),
    # by Cramer's rule.
    det = s4 * (s2 * n - s1 * s1) - s3 * (s3 * n - s1 * s2) + s2 * (s3 * s1 - s2 * s2)
    if abs(det) <= 1e-12 * max(abs(s4 * s2 * n), 1e-300):  # the points on one or two columns
        normal = np.array([[s4, s3, s2], [s3, s2, s1], [s2, s1, n]])
        a, b, c = (float(v) for v in np.linalg.lstsq(normal, [su2y, suy, sy], rcond=None)[0])
    else:
        m00, m01, m02 = s2 * n - s1 * s1, s3 * n - s1 * s2, s3 * s1 - s2 * s2
        a = (su2y * m00 - s3 * (suy * n - s1 * sy) + s2 * (suy * s1 - s2 * sy)) / det
        b = (s4 * (suy * n - s1 * sy) - su2y * m01 + s2 * (s3 * sy - suy * s2)) / det
        c = (s4 * (s2 * sy - s1 * suy) - s3 * (s3 * sy - s2 * suy) + su2y * m02) / det
    # Σ(y - a·u² - b·u - c)², expanded over the sums.
    square = (syy - 2 * (a * su2y + b * suy + c * sy) + a * a * s4 + 2 * a * b * s3
              + (b * b + 2 * a * c) * s2 + 2 * b * c * s1 + c * c * n)  # fmt: skip
    return (math.sqrt(max(square, 0.0) / n) if n else 0.0), (c, b, a)


def _an_x(
    x: np.ndarray,
    fits: tuple[np.ndarray, np.ndarray],
    parts: tuple[np.ndarray, np.ndarray],
    span_x: float,
    span_y: float,
    least: float = 0.0,
) -> bool:
    """Whether two fitted strokes, each over its pixels ``parts``, make an X: each runs
    over half the ink's width or more, one climbs and the other falls, each over 0.4 of
    the ink's height or more and ``least`` pixels or more."""
    rises = []
    for fit, part in zip(fits, parts, strict=True):
        if not part.any() or float(np.ptp(x[part])) < 0.5 * span_x:
            return False
        rises.append(_signed_rise(fit, x[part]))
    return rises[0] * rises[1] < 0 and min(abs(r) for r in rises) >= max(0.4 * span_y, least)


def _rising_pixels(kept: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """For each inked pixel (ys, xs), whether the ink runs up to the right there (the
    local direction of the stroke from the structure tensor of the blurred ink)."""
    soft = cv2.GaussianBlur((kept > 0).astype(np.float32), (0, 0), 2.0)
    gx = cv2.Sobel(soft, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(soft, cv2.CV_32F, 0, 1, ksize=3)
    # The stroke runs across the gradient: it rises to the right (rows going up) where
    # the gradient's x and y components have the same sign.
    gxy = cv2.GaussianBlur(gx * gy, (0, 0), 3.0)
    return gxy[ys, xs] > 0


def _signed_rise(fit: np.ndarray, x: np.ndarray) -> float:
    """How far a fitted stroke goes down (image rows) from its left end to its right end."""
    return float(np.polyval(fit, x.max()) - np.polyval(fit, x.min()))


def _rise(fit: np.ndarray, x: np.ndarray) -> float:
    return abs(_signed_rise(fit, x))


def _with_stubs(page: SheetPage, inner: tuple[int, int, int, int]) -> np.ndarray:
    """A cell's ink without the rules that cross it; short level runs along its edges kept."""
    crop = page.ink[inner[1] : inner[3], inner[0] : inner[2]].copy()
    lines = page.lines[inner[1] : inner[3], inner[0] : inner[2]]
    crop[_rulings_only(lines, page.dpi, stubs=False)] = 0
    return drop_specks(crop, page.dpi)


def _crossed_with_stubs(
    page: SheetPage, inner: tuple[int, int, int, int], marks: np.ndarray
) -> bool:
    """Whether a cell's ink, not crossed out as ``marks``, is once the short level runs
    along its edges are kept (:func:`_with_stubs`). The same ink as ``marks`` (no such run,
    no tail left out) was judged already: it is not measured again."""
    stubs = _with_stubs(page, inner)
    return not np.array_equal(stubs, marks) and crossed_out(stubs, page.dpi)


def _curve_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """RMS distance (vertical) of the points to their least-squares parabola, and the fit
    (coefficients highest power first, as ``np.polyfit`` gives them).

    Solved from the normal equations on x centred and scaled to about ±1 (well conditioned
    there): ``np.polyfit``'s general machinery cost ten times as much, on every inked cell.
    """
    middle = float(x.mean())
    scale = max(float(np.abs(x - middle).max()), 1.0)
    u = (x - middle) / scale
    u2 = u * u
    sums = [float(len(u)), float(u.sum()), float(u2.sum()), float((u2 * u).sum()),
            float((u2 * u2).sum())]  # fmt: skip
    normal = np.array([[sums[4], sums[3], sums[2]], [sums[3], sums[2], sums[1]],
                       [sums[2], sums[1], sums[0]]])  # fmt: skip
    moments = np.array([float((u2 * y).sum()), float((u * y).sum()), float(y.sum())])
    try:
        a, b, c = np.linalg.solve(normal, moments)
    except np.linalg.LinAlgError:  # all the points on one or two columns
        fit = np.polyfit(x, y, 2)
    else:
        # y = a·u² + b·u + c with u = (x - middle) / scale, written in powers of x.
        fit = np.array([a / scale**2, b / scale - 2 * a * middle / scale**2,
                        a * middle**2 / scale**2 - b * middle / scale + c])  # fmt: skip
    return float(np.sqrt(np.mean((y - np.polyval(fit, x)) ** 2))), fit


def ink_decision(ratio: float) -> tuple[str, float]:
    """signed / empty from the ink ratio, with a confidence from the distance to the cut."""
    if ratio >= SIGNED_INK:
        return "signed", min(0.99, 0.8 + 0.19 * min(1.0, ratio / (4 * SIGNED_INK)))
    if ratio <= EMPTY_INK:
        return "empty", min(0.99, 0.8 + 0.19 * (1 - ratio / EMPTY_INK))
    # In between: a faint mark or a neighbour's stroke; lean by position, but ask a person.
    share = (ratio - EMPTY_INK) / (SIGNED_INK - EMPTY_INK)
    return ("signed", 0.4 + 0.2 * share) if share >= 0.5 else ("empty", 0.6 - 0.2 * share)


def mean_confidence(words: Sequence[Word]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def clean_crop(
    page: SheetPage, box: tuple[int, int, int, int], crisp: bool = False
) -> Image.Image | None:
    """The box's pixels with the ruling lines whitened, on a white border (Tesseract likes one).

    ``crisp``: print made black on white. Tesseract's own threshold turns blurred bold
    print (a photo) into blobs and reads nothing; a cut nearer the ink's level keeps the
    strokes apart.
    """
    left, top, right, bottom = box
    if right - left < 4 or bottom - top < 4:
        return None
    crop = page.gray[top:bottom, left:right].copy()
    crop[_crossing(page.lines[top:bottom, left:right] > 0)] = 255
    if crisp:
        darkest, paper = np.percentile(crop, [1, 50])
        if paper - darkest > 40:
            cut = darkest + 0.45 * (paper - darkest)
            crop = np.where(crop < cut, 0, 255).astype(np.uint8)
    pad = page.dpi // 10
    return Image.fromarray(
        cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    )


def cell_text(page: SheetPage, box: tuple[int, int, int, int]) -> str:
    """The words in a box, from the page OCR or, when it saw none there, read on their own.

    Page segmentation drops small print in table cells on photos ("Mardi 07/04/2026" in a
    shaded header); the cell alone, made crisp, is read much better.
    """
    found = text_of(words_in(page.words, box))
    if found or page.exact:
        return found
    crop = clean_crop(page, inset(box, 2), crisp=True)
    if crop is None:
        return ""
    return text_of(reading_order(page.engine.recognise(crop, page.dpi).words))


def handwritten_text(page: SheetPage, box: tuple[int, int, int, int]) -> tuple[str, float]:
    """Words written by hand in a cell with no print of its own (a picture of handwriting
    on a born-digital page: no text layer under it), read from the cell's pixels, and the
    OCR's mean confidence in them; ("", 0) for a cell with no ink.

    Read as one line first (a name, a word), made crisp if unsure (pale ink), then as a
    block (written over two lines).
    """
    ratio, inner = cell_ink(page.ink, page.lines, box, page.dpi)
    if ratio <= EMPTY_INK:
        return "", 0.0
    best: list[Word] = []
    for crisp, read in (
        (False, page.engine.recognise_line),
        (True, page.engine.recognise_line),
        (False, page.engine.recognise),
    ):
        crop = clean_crop(page, inner, crisp)
        if crop is None:
            return "", 0.0
        words = [w for w in read(crop, page.dpi).words if any(c.isalnum() for c in w.text)]
        if mean_confidence(words) > mean_confidence(best):
            best = words
        if mean_confidence(best) >= 0.85:
            break
    return text_of(reading_order(best)), mean_confidence(best)


def printed_name(written: str, words: Sequence[Word]) -> str | None:
    """The name printed elsewhere on the page (a list of trainees, a heading) that a name
    read from handwriting stands for: the likeliest run of two to four words of letters
    on one line, when it is the same person (``same_person`` >= 0.8) and no other
    printed name comes close; None when the page prints no such name."""
    if not written:
        return None
    scored: dict[str, float] = {}
    for line in word_lines(words):
        texts = [w.text.strip(",;:.()") for w in line]
        for start in range(len(texts)):
            for size in (2, 3, 4):
                run = texts[start : start + size]
                if len(run) == size and all(t.isalpha() or "-" in t or "'" in t for t in run):
                    candidate = " ".join(run)
                    scored[candidate] = same_person(written, candidate)
    ranked = sorted(scored.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or ranked[0][1] < 0.8:
        return None
    best, score = ranked[0]
    rivals = [s for name, s in ranked[1:] if same_person(name, best) < 0.8]
    return best if not rivals or score - rivals[0] >= 0.05 else None


def _crossing(lines: np.ndarray) -> np.ndarray:
    """The part of a line mask that crosses the crop from side to side (a ruling): a run
    that comes in from the crop's border, leaves by another side, and spans most of it.

    Short straight runs are left alone: the tops of bold digits line up into one, and
    whitening them would erase the date they belong to. So are runs that reach no side of
    the crop, however long: a photo's small blurred print (a date in a narrow header cell,
    a typed or handwritten "Absent" in a cell) may run together into a stroke long enough
    for a ruling's mask, but a ruling through a cell comes in from its border.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(lines.astype(np.uint8))
    height, width = lines.shape
    left, top, wide, high = (stats[:, i] for i in range(4))
    # A ruling comes in from one side and leaves by another; a word run together (a
    # handwritten "Absent" in a narrow cell, its last letter at the edge) touches one.
    sides = (left == 0).astype(int) + (top == 0) + (left + wide >= width) + (top + high >= height)
    bordering = sides >= 2
    bordering[0] = False  # the background
    ruled = bordering[labels]
    rows = ruled.mean(axis=1) >= 0.6
    cols = ruled.mean(axis=0) >= 0.6
    return ruled & (rows[:, None] | cols[None, :])


def header_cell_text(
    page: SheetPage, box: tuple[int, int, int, int], wanted: Any = is_day_label, line: bool = True
) -> str:
    """A header cell's text: the page OCR's words, or, when they say nothing ``wanted``, the
    cell read on its own until something does: as it is, made crisp, then as one line
    (small print wrapped on two lines comes out of the page OCR garbled; a photo's shaded
    header often not at all)."""
    text = text_of(words_in(page.words, box))
    if wanted(text) or page.exact:
        return text
    tries = ((False, False), (True, False)) + (((False, True), (True, True)) if line else ())
    for crisp, one_line in tries:
        crop = clean_crop(page, inset(box, 2), crisp=crisp)
        if crop is None:
            break
        read = page.engine.recognise_line if one_line else page.engine.recognise
        again = read(crop, page.dpi).text
        if wanted(again):
            return again.replace("\n", " ")
    if line and _day_hinted(text):
        # A column title printed small (a date and a half-day in a narrow cell, on two
        # or three lines): too few pixels a letter for Tesseract at the scan's resolution;
        # the crop read twice as large.
        crop = clean_crop(page, inset(box, 2))
        if crop is not None:
            big = crop.resize((2 * crop.width, 2 * crop.height), Image.Resampling.LANCZOS)
            again = page.engine.recognise(big, 2 * page.dpi).text
            if wanted(again):
                return again.replace("\n", " ")
    return text


#: What is left of a day's or a half-day's title the page OCR garbled: a digit, a month,
#: a weekday, the start of "matin" / "après-midi".
_DAY_HINT = re.compile(
    r"\d|\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b"
    r"|\b(lun|mar|mer|jeu|ven|sam|dim)|\bmat|\bapr"
)


def _day_hinted(text: str) -> bool:
    """Whether a header cell's text holds a hint of a day or half-day."""
    return bool(_DAY_HINT.search(fold(text)))


#: The confidence of a cell found empty once a neighbour's stroke run on into it is left
#: out: the stroke's course is inferred, not seen whole.
TAIL_EMPTY = 0.85


def judge_cell(
    page: SheetPage, box: tuple[int, int, int, int], column: Column, person: str
) -> CellRead:
    ratio, inner, measured = _measured(page.ink, page.lines, box, page.dpi)
    tails = False
    if measured is not None and ratio > EMPTY_INK:
        # A neighbour's stroke run on over the rule is none of this cell's ink.
        measured = without_tails(measured, inner, box, page.ink, page.lines)
        own = float(measured.mean() / 255)
        tails, ratio = own < ratio, own
    mark, confidence = ink_decision(ratio)
    if tails and mark == "empty":
        confidence = min(confidence, TAIL_EMPTY)  # empty once a neighbour's ink is left out
    printed = text_of(words_in(page.words, inner))
    if (ratio < SIGNED_INK and shaded(page.gray, box, inner)) or says_not_held(printed, page.exact):
        # The sheet says this half-day is not held: no decision (callers drop the cell).
        return CellRead(column.date, column.half_day, person, NOT_HELD, 1.0, ratio, box)
    # A thin stroke or a small "Abs." leaves less ink than a signature: anything above a
    # trace is looked at (a typed word of the text layer costs nothing to look at).
    if ratio > EMPTY_INK / 2 or page.exact and words_in(page.words, inner):
        marks = cell_marks(page.ink, page.lines, inner, page.dpi) if measured is None else measured
        if not printed and _edge_lines_only(marks):
            # A rule the ruling mask missed (a photo's slanted frame run along the cell's
            # side): the table's print, no mark.
            mark, confidence = "empty", min(ink_decision(0.0)[1], TAIL_EMPTY)
        elif crossed_out(marks, page.dpi):
            mark, confidence = "absent", 0.9
        else:
            words = _cell_words(page, inner)
            known = is_absent(words) or is_signed_mention(words)
            again = [] if known else _word_reads(page, inner, marks)
            if is_absent(words) and ratio > WORD_INK and not is_absent(_whole_words(words)):
                # Only "abs" read in ink denser than a word or two: a signature's scrawl
                # read as three letters as likely as an abbreviation; a person tells.
                mark, confidence = "absent", min(confidence, UNPLACED)
            elif is_absent(words):
                mark, confidence = "absent", 0.9
            elif is_signed_mention(words) or any(is_signed_mention(t) for t in again):
                mark, confidence = "signed", 0.95  # with or without a signature image
            elif any(is_absent(t) for t in again):
                # A short word the first read missed ("Absente" typed small on a photo).
                mark, confidence = "absent", 0.85
            elif (
                looks_absent(words, near=0.65)
                or looks_absent(printed, near=0.8)
                or any(looks_absent(t, near=0.75) for t in again)
            ):
                # A handwritten "absent" half read ("h Sent,"), or a small typed "ABSENT"
                # the page's OCR half read ("*aBsenr"; a signature's scrawl may read
                # "CAUSE", less alike; a photo's "Absent" read "Atrent"): not a signature
                # to trust, and a person checks an absence more likely than not.
                mark, confidence = "absent", min(confidence, UNPLACED)
            elif mark == "signed" and again and ratio < WORD_SPARSE_INK and not _underlined(marks):
                # One short line of sparse ink that no read makes out: a word too blurred
                # to read (an absence?) as likely as a small signature; initials over a
                # long flat stroke (a flourish, an underline) are a signature's.
                confidence = min(confidence, UNPLACED)
            elif mark == "signed" and not page.exact and _letters_in_a_line(marks, page.dpi):
                # A line of separate letters that no read makes out (a blurred "excusé"
                # written in script): a word, not a signature's scrawl; a person tells.
                confidence = min(confidence, UNPLACED)
            elif mark == "signed" and ink_beside_print(marks, inner, page.words) < SIGNED_INK:
                # Its ink is print (a neighbour's mention run on, a remark): no signature.
                confidence = min(confidence, UNPLACED)
            elif mark == "signed" and _crossed_with_stubs(page, inner, marks):
                # A stroke across the cell once its flat end along the edge is kept: a
                # cross-out when what is left without it is one smooth stroke too, else
                # maybe a signature over a rule's stub; a person tells.
                if _one_stroke(marks, page.dpi):
                    mark, confidence = "absent", 0.85
                else:
                    confidence = min(confidence, UNPLACED)
            elif mark == "signed" and _one_stroke(marks, page.dpi):
                # One smooth stroke is no signature: a dash, a tick, or a cross-out whose
                # level arms went with the rule (a V left); a person tells.
                confidence = min(confidence, UNPLACED)
    if column.date is None or column.half_day is None or person and cut_by_edge(page, box):
        # Whatever the mark, nobody knows which half-day it is for (or, a trainee's,
        # whose row it is: an unruled edge runs through it): a person must say.
        confidence = min(confidence, UNPLACED)
    return CellRead(column.date, column.half_day, person, mark, round(confidence, 3), ratio, box)


def cut_by_edge(page: SheetPage, box: tuple[int, int, int, int]) -> bool:
    """Whether the cell's top or bottom edge, where no rule is drawn, runs through ink:
    a boundary guessed between rows (print on two lines taken for two rows) cuts a mark
    in two, and the cell holds part of it only. A mark whose strokes across the edge lie
    almost all on one side (a signature's loop reaching over a guessed boundary) is that
    side's cell's own, whole: no cut."""
    left, top, right, bottom = box
    pad = max(1, (right - left) // 10)
    least = max(3, page.dpi // 50)
    for y in (top, bottom):
        if not 2 <= y < page.ink.shape[0] - 2:
            continue
        band = slice(y - 1, y + 2)
        ruled = page.lines[band, left + pad : right - pad].any(axis=0)
        if ruled.mean() >= 0.5:
            continue
        crossing = page.ink[band, left + pad : right - pad].all(axis=0) & ~ruled
        if int(crossing.sum()) >= least and not _held_within(page, box, y):
            return True
    return False


#: The least share of a stroke across a cell's unruled edge lying on one side for the
#: stroke to be that side's cell's mark reaching over, not a mark cut in two.
OWN_STROKE = 0.9
#: Ink no larger than this either way (inches) is a speck (a dot of dust), no mark.
SPECK_IN = 0.04


def _held_within(page: SheetPage, box: tuple[int, int, int, int], y: int) -> bool:
    """Whether every piece of ink across the cell's edge at row ``y`` lies (to
    :data:`OWN_STROKE`) within the cell's rows or beyond them, looked at over a cell's
    height each side, or is a speck."""
    left, top, right, bottom = box
    high = bottom - top
    start, end = max(0, top - high), min(page.ink.shape[0], bottom + high)
    ink = (page.ink[start:end, left:right] > 0) & ~(page.lines[start:end, left:right] > 0)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    pad = max(1, (right - left) // 10)
    across = set(np.unique(labels[y - start - 1 : y - start + 2, pad:-pad])) - {0}
    speck = SPECK_IN * page.dpi
    for piece in across:
        wide, tall = stats[piece][cv2.CC_STAT_WIDTH], stats[piece][cv2.CC_STAT_HEIGHT]
        if max(wide, tall) <= speck:
            continue
        weight = (labels == piece).sum(axis=1)
        rows = np.arange(start, end)
        inside = weight[(rows >= top) & (rows < bottom)].sum() / weight.sum()
        if 1 - OWN_STROKE < inside < OWN_STROKE:
            return False
    return True


#: The tallest a line of writing stands (inches, ascender to descender): ink no taller in
#: a cell is a word or two ("Abs.", "Absente"), or a small signature, worth reading again.
WORD_TALL_IN = 0.3
#: The most of a cell's area a word or two inks; a signature's scrawl often inks more.
WORD_INK = 0.1
#: Below this share of the cell, one line of ink that reads as nothing is as likely a
#: blurred word as a signature (on generated photos and scans, 1 % of signatures).
WORD_SPARSE_INK = 0.04


#: The short forms of an absence ("ABS", "Exc."), three letters a scrawl may read as.
_SHORT_ABSENCE = re.compile(r"(?i)\b(abs|exc)\b\.?")


def _whole_words(text: str) -> str:
    """A cell's text without the short forms of an absence: what is left says absent in
    a whole word ("Absent", "excusée"), or not."""
    return _SHORT_ABSENCE.sub(" ", text)


def _letters_in_a_line(marks: np.ndarray, dpi: int) -> bool:
    """Whether a cell's ink is one line of writing no taller than a word, in
    ``PRINT_PIECES`` or more separate pieces of a letter's size: a word written or typed
    letter by letter. A signature is a scrawl of a few pieces, mostly joined up."""
    rows = np.flatnonzero(marks.any(axis=1))
    if not len(rows) or rows[-1] - rows[0] > WORD_TALL_IN * dpi:
        return False
    count, _, stats, _ = cv2.connectedComponentsWithStats((marks > 0).astype(np.uint8))
    side = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    low, high = (limit * dpi for limit in LETTER_IN)
    letters = (side >= low) & (side <= high)
    # Nearly all the ink in such pieces: no long stroke beside them.
    inked = stats[1:, cv2.CC_STAT_AREA]
    return int(letters.sum()) >= PRINT_PIECES and inked[letters].sum() >= 0.8 * inked.sum()


def _underlined(marks: np.ndarray) -> bool:
    """Whether a cell's ink holds a long flat stroke beside taller writing: a flourish or
    an underline drawn under initials, as signatures have and typed or written words
    (even blurred into one blob) do not."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(
        (marks > 0).astype(np.uint8), None, None, None, 8
    )
    pieces = [stats[i] for i in range(1, count) if stats[i][cv2.CC_STAT_AREA] >= 4]
    if len(pieces) < 2:
        return False
    tallest = max(int(p[cv2.CC_STAT_HEIGHT]) for p in pieces)
    return any(
        p[cv2.CC_STAT_WIDTH] >= max(3 * p[cv2.CC_STAT_HEIGHT], tallest)
        and 2 * p[cv2.CC_STAT_HEIGHT] <= tallest
        for p in pieces
    )


def _word_reads(page: SheetPage, inner: tuple[int, int, int, int], marks: np.ndarray) -> list[str]:
    """More reads of a cell whose ink is one short line of writing: the cell as it is,
    twice as large (a photo's small print made crisp breaks up), and the ink's own box
    made crisp (a hand's word lost in a wide cell). None on a born-digital page (its text
    layer is the print) or for ink taller than a line or denser than a word (a signature)."""
    if page.exact:
        return []
    # The ink's extent without its specks (a scan's dust above and below a typed "ABS").
    ys, xs = _main_pixels(marks)
    rows, cols = np.unique(ys), np.unique(xs)
    tall = not len(rows) or rows[-1] - rows[0] > WORD_TALL_IN * page.dpi
    if tall or marks.mean() / 255 > WORD_INK:
        return []
    pad = page.dpi // 20
    left, top = inner[0], inner[1]
    tight = (
        max(inner[0], left + int(cols[0]) - pad),
        max(inner[1], top + int(rows[0]) - pad),
        min(inner[2], left + int(cols[-1]) + pad),
        min(inner[3], top + int(rows[-1]) + pad),
    )
    tries = [(inner, False, 2), (tight, True, 1)]
    if marks.mean() / 255 < WORD_SPARSE_INK:
        tries.append((tight, False, 2))  # a short word ("ABS") that the others missed
    reads = []
    for box, crisp, scale in tries:
        crop = clean_crop(page, box, crisp=crisp)
        if crop is None:
            continue
        if scale > 1:
            # Small print (a 9 pt word at 200 dpi) is below the letter size Tesseract
            # reads well; twice as large it reads a blurred word it missed.
            crop = crop.resize((crop.width * scale, crop.height * scale), Image.Resampling.LANCZOS)
        reads.append(page.engine.recognise_line(crop, page.dpi * scale).text)
        if is_absent(reads[-1]) or is_signed_mention(reads[-1]):
            break
    return reads


def _cell_words(page: SheetPage, inner: tuple[int, int, int, int]) -> str:
    """The words written or typed in a cell ("ABS", "absent", "Signé le 12/03 à 9h04")."""
    printed = text_of(words_in(page.words, inner))
    if is_absent(printed) or is_signed_mention(printed) or page.exact and printed:
        # The page OCR read an absence word or a whole e-attendance mention in the cell
        # ("Signé le 30/03/2026 à 13:51"): a read of the cell alone may garble it.
        return printed
    # The page OCR may merge a short word with the ruling, or miss a photo's blurred
    # print: the cell is read on its own, as one line (Tesseract's page mode finds no text
    # in a small crop of a photo, and is twice as slow), made crisp.
    crop = clean_crop(page, inner, crisp=not page.exact)
    if crop is None:
        return printed
    if page.exact:
        return page.engine.recognise(crop, page.dpi).text
    line = page.engine.recognise_line(crop, page.dpi).text
    if is_absent(line) or is_signed_mention(line):
        return line
    if not any(c.isdigit() for c in line) and not holds_print(_bare_ink(page, inner), page.dpi):
        # A scrawl, a tick or a stroke (no figure of a mention's date read either): no
        # print for a block read to find (it costs as much as the page's OCR over a
        # sheet's signatures).
        return line or printed
    # Print on two lines ("Absent(e)" over "excusé(e)", "Signé le" over its date) reads
    # as garbage as one line: the cell is read again as a block, as it is.
    soft = clean_crop(page, inner, crisp=False)
    block = page.engine.recognise(soft, page.dpi).text if soft is not None else ""
    if is_absent(block) or is_signed_mention(block):
        return block
    # A read that finds nothing leaves the page OCR's word ("*aBsenr" for "ABSENT").
    return line or printed


#: Letter-sized pieces of ink (inches, their longer side) and how many make print: a
#: mention "Signé le 12/03 à 9h04" or "Absent(e) excusé(e)" typed holds a dozen or more; a
#: signature, a tick or a handwritten word in joined-up letters, a few pieces, mostly larger.
LETTER_IN = (0.03, 0.2)
PRINT_PIECES = 6
#: A line of print is this high (inches); rows of ink apart by a blank row are two lines.
PRINT_LINE_IN = (0.04, 0.25)


def _bare_ink(page: SheetPage, inner: tuple[int, int, int, int]) -> np.ndarray:
    """The ink inside a cell's inner box without its ruling lines, specks kept: small
    print's thin letters ("i", "l", a comma) weigh no more than a speck."""
    crop = page.ink[inner[1] : inner[3], inner[0] : inner[2]].copy()
    crop[_rulings_only(page.lines[inner[1] : inner[3], inner[0] : inner[2]], page.dpi)] = 0
    return crop


def holds_print(marks: np.ndarray, dpi: int) -> bool:
    """Whether a cell's ink (its rulings taken out) may hold print: ``PRINT_PIECES`` or
    more separate pieces of a letter's size, or two lines or more of a print line's height
    (bold or blurred print whose letters run together)."""
    count, _, stats, _ = cv2.connectedComponentsWithStats((marks > 0).astype(np.uint8))
    side = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    low, high = (limit * dpi for limit in LETTER_IN)
    if int(((side >= low) & (side <= high)).sum()) >= PRINT_PIECES:
        return True
    inked = np.flatnonzero((marks > 0).any(axis=1))
    if not len(inked):
        return False
    breaks = np.flatnonzero(np.diff(inked) > 1)
    starts = np.concatenate(([inked[0]], inked[breaks + 1]))
    ends = np.concatenate((inked[breaks], [inked[-1]]))
    low, high = (limit * dpi for limit in PRINT_LINE_IN)
    heights = ends - starts + 1
    return int(((heights >= low) & (heights <= high)).sum()) >= 2


def trainer_boxes(
    page: SheetPage, boxes: Sequence[Table], columns: Sequence[Column]
) -> list[CellRead]:
    """One-day sheets: the trainer signs in boxes under the table, labelled by half-day."""
    day = next((c.date for c in columns if c.date), None)
    labels = []
    for box in boxes:
        left, top, right, bottom = box.box
        reach = (bottom - top) // 2
        # The small label over a box is often missed by the page OCR on a photo.
        labels.append(header_cell_text(page, (left, top - reach, right, top), half_day_of))
    halves = [half_day_of(label) for label in labels]
    if None in halves:
        # Unread labels: the table's half-days, left to right, when there are as many.
        table = [h for h in dict.fromkeys(c.half_day for c in columns) if h]
        known = [h for h in halves if h]
        missing = [h for h in table if h not in known]
        if len(missing) == halves.count(None):
            fill = iter(missing)
            halves = [h or next(fill) for h in halves]
    return [
        judge_cell(page, box.box, Column(day, half, None, label), "")
        for box, half, label in zip(boxes, halves, labels, strict=True)
    ]
