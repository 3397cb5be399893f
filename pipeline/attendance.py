"""Reading attendance sheets (feuilles d'émargement) cell by cell.

A sheet is a ruled table: one row per trainee (plus the trainer's row), one column per
half-day, labelled by header rows ("Lundi 09/03/2026" over "Matin (9h-12h30)"). One-sheet-
per-day layouts print the date in the title and put the trainer's signatures in small
boxes below the table, each labelled "matin" / "après-midi".

The grid is found by its ruling lines (morphological opening keeps long straight strokes;
handwriting rarely stays straight for long). The page is first made square-on: the
longest rules are levelled, then the main table's four outer sides are fitted as lines
and the page warped so that their corners form a rectangle (photos and scans fed askew
leave a trapezoid whose column lines no projection lines up). The page is OCR'd once for
the header, names and title; first-column names, and header cells the page OCR missed,
are read again on their own (made crisp when the print is blurred, in Tesseract's
one-line mode when page mode finds nothing). Header dates are checked against the dates
the title lists. Born-digital pages are neither warped nor OCR'd: their text layer gives
every printed word exactly. Each body cell is judged by the ink left once the ruling
lines and a margin are removed. Ink alone counts "ABS" as a signature, so inked cells
are also read: a word like "ABS" or "absent", or a stroke or an X across the cell, makes
the cell absent. A cell whose half-day, trainee or date order is in doubt goes to review.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from difflib import SequenceMatcher
from typing import Any

import cv2
import numpy as np
from PIL import Image

from pipeline import text as text_stage
from pipeline.ocr import (
    OcrEngine,
    OcrSettings,
    Word,
    read_image,
    redo,
    rotate_fine,
    to_gray,
)
from pipeline.parse import find_dates, fold
from pipeline.reading import header as header_roles
from pipeline.reading.ink import binarise, drop_specks, line_masks
from pipeline.reading.page import PageView, views, warp_words
from pipeline.reading.sheet_text import (
    WEEKDAYS,
    is_signed_mention,
    looks_absent,
    tight_lines,
    title_groups,
    weekday_dates,
)
from pipeline.reading.spill import ink_beside_print
from pipeline.reading.unruled import unruled_table
from pipeline.reading.words import inset, reading_order, text_of, words_in
from pipeline.reading.words import lines as line_groups

log = logging.getLogger(__name__)

MATIN = "matin"
APRES_MIDI = "apres-midi"

#: Ink ratios (ink pixels / cell area after the margin) below: empty; above SIGNED_INK: signed.
EMPTY_INK = 0.004
SIGNED_INK = 0.012
#: The confidence at most of a cell whose half-day or trainee could not be read.
UNPLACED = 0.5
#: Below this OCR confidence, a trainee's name read in a NOM / Prénom column is in doubt.
NAME_DOUBT = 0.5
#: Cells below this confidence are for a person to check rather than to be trusted.
REVIEW_BELOW = 0.7

_ABSENT = re.compile(r"\b(abs|absent|absente|abs\.|absence|excuse|excusee|exc\.)(?!\w)")
# "Signature du formateur": bold print on scans reads "iormaieur", but "signature" survives.
_TRAINER = re.compile(r"format(eur|rice)|intervenant|signature")
_TRAINER_WORDS = ("signature", "formateur", "formatrice", "intervenant", "intervenante")
_HEADER_NAME = re.compile(r"\bnom\b|stagiaire|participant|prenom")
_MORNING = re.compile(r"\bmatin\b|\bam\b|\bmatinee\b")
_AFTERNOON = re.compile(r"apres[ -]?midi|\bpm\b|\bam\b(?=.*\bpm\b)")
_TIME_RANGE = re.compile(r"(\d{1,2})\s*h\s*(\d{2})?\s*[-–à]+\s*(\d{1,2})\s*h\s*(\d{2})?")
_WEEKDAY = re.compile(r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b")
_DATE_HEADER = re.compile(r"(date|jour)s?\b")
_DAY_TITLE = re.compile(
    r"journee\s+du|seance\s+du|date\s*:|date de la (seance|journee)\s*:|\ble\s+\w*\s*\d"
)


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """What a body column stands for, from the header (or the title for one-day sheets)."""

    date: date | None
    half_day: str | None  # MATIN | APRES_MIDI
    hours: float | None  # length of the half-day when the header gives a time range
    label: str  # the header text the column was read from


@dataclass(frozen=True)
class CellRead:
    """One decision: a person's mark for one half-day."""

    date: date | None
    half_day: str | None
    person: str  # the row's name as read ("" for a trainer box)
    mark: str  # signed | empty | absent
    confidence: float  # 0..1
    ink: float  # ink ratio of the cell
    box: tuple[int, int, int, int]  # left, top, right, bottom in the sheet image


@dataclass(frozen=True)
class SheetRead:
    """An attendance sheet as read: trainee cells, trainer cells, and the columns."""

    cells: tuple[CellRead, ...]
    trainer: tuple[CellRead, ...]
    columns: tuple[Column, ...]
    seconds: float = 0.0
    problems: tuple[str, ...] = field(default=())
    layout: str = ""  # grid (trainees x half-days) | day (one day a page) | trainee (dates as rows)
    trainee: str = ""  # the name above a one-trainee sheet ("Stagiaire : …")
    carry: Carry | None = None  # the table's header, for a table running on to the next page

    def sessions(self) -> list[dict[str, Any]]:
        """The CONTRACT's ``sessions``: one entry per trainee cell."""
        return [
            {
                "date": _iso(c.date),
                "half_day": c.half_day,
                "trainee": c.person,
                "signed": c.mark == "signed",
                "mark": c.mark,
                "confidence": c.confidence,
            }
            for c in self.cells
        ]

    def trainer_signed(self) -> list[dict[str, Any]]:
        """The CONTRACT's ``trainer_signed``: one entry per half-day of the trainer."""
        return [
            {
                "date": _iso(c.date),
                "half_day": c.half_day,
                "signed": c.mark == "signed",
                "confidence": c.confidence,
            }
            for c in self.trainer
        ]

    def half_day_hours(self) -> dict[str, float]:
        """Hours of each half-day as printed in the header ("9h-12h30" → 3.5)."""
        return {c.half_day: c.hours for c in self.columns if c.half_day and c.hours}

    def doubtful(self) -> list[CellRead]:
        """Decisions a person should check."""
        return [c for c in (*self.cells, *self.trainer) if c.confidence < REVIEW_BELOW]


@dataclass(frozen=True)
class Carry:
    """A table's header as read on one page, for its rows running on over the next."""

    first: str  # the first column's header text
    columns: tuple[Column, ...]
    widths: tuple[float, ...]  # each column's share of the table's width


def _widths(grid: Table) -> tuple[float, ...]:
    span = max(1, grid.xs[-1] - grid.xs[0])
    return tuple((b - a) / span for a, b in zip(grid.xs, grid.xs[1:], strict=False))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# --- the grid --------------------------------------------------------------------------------


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


def tables_in(horiz: np.ndarray, vert: np.ndarray, dpi: int) -> list[Table]:
    """``find_tables`` on line masks already made."""
    frame = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((5, 5), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(frame)
    tables = []
    for i in range(1, count):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if w < dpi or h < dpi // 4:
            continue  # a rule under a title, a stray stroke
        table = _table_in(horiz, vert, (x, y, x + w, y + h))
        if table is not None:
            tables.append(table)
    return sorted(tables, key=lambda t: (t.ys[0], t.xs[0]))


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


# --- ink -------------------------------------------------------------------------------------


def cell_ink(
    ink: np.ndarray, lines: np.ndarray, box: tuple[int, int, int, int], dpi: int
) -> tuple[float, tuple[int, int, int, int]]:
    """Share of the cell's inner area covered with ink, and the inner box measured."""
    left, top, right, bottom = box
    margin = max(3, dpi // 25)  # the ruling's blur and a neighbour's overflow
    inner = (left + margin, top + margin, right - margin, bottom - margin)
    if inner[2] <= inner[0] or inner[3] <= inner[1]:
        return 0.0, inner
    return float(cell_marks(ink, lines, inner, dpi).mean() / 255), inner


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


def crossed_out(marks: np.ndarray, dpi: int) -> bool:
    """Whether a cell's ink is a cross-out: one stroke across it ("barre") or an X.

    A cross-out spans most of the cell, both ways, and every inked pixel lies close to one
    or two smooth curves (a hand's stroke bows a little); a signature loops up and down
    far from any such curve. Each stroke is fitted as y = a·x² + b·x + c; for an X the
    pixels are first shared between the rising and the falling diagonal, then refitted.
    """
    # A neighbour's ascender poking in over the edge is no part of the stroke.
    count, labels, stats, _ = cv2.connectedComponentsWithStats((marks > 0).astype(np.uint8))
    areas = stats[:, cv2.CC_STAT_AREA]
    main = areas >= 0.08 * areas[1:].sum() if count > 1 else areas > 0
    main[0] = False
    ys, xs = np.nonzero(main[labels])
    if len(xs) < 20:
        return False
    height, width = marks.shape
    span_x, span_y = float(np.ptp(xs)), float(np.ptp(ys))
    if span_x < 0.55 * width or span_y < 0.35 * height:
        return False
    tolerance = max(2.5, dpi / 60)
    x, y = xs.astype(float), ys.astype(float)
    error, fit = _curve_fit(x, y)
    if error <= tolerance:
        # A stroke across the cell climbs or falls from end to end (a diagonal); a flat
        # stroke that bows or waves (a long signature) does not.
        return _rise(fit, x) >= 0.5 * span_y
    # An X: pixels nearer the rising diagonal of the ink's box go to one stroke, the rest to
    # the other; then each pixel to the nearer fitted stroke, three times.
    slope = span_y / max(span_x, 1.0)
    dx, dy = x - x.min(), y - y.min()
    rising = np.abs(dy - (span_y - slope * dx)) < np.abs(dy - slope * dx)
    errors = [np.inf]
    for _ in range(3):
        if rising.sum() < 10 or (~rising).sum() < 10:
            return False
        (err_a, fit_a), (err_b, fit_b) = (
            _curve_fit(x[rising], y[rising]),
            _curve_fit(x[~rising], y[~rising]),
        )
        errors = [err_a, err_b]
        rising = np.abs(y - np.polyval(fit_a, x)) < np.abs(y - np.polyval(fit_b, x))
    spans = [float(np.ptp(x[part])) if part.any() else 0.0 for part in (rising, ~rising)]
    if max(errors) > tolerance or min(spans) < 0.5 * span_x:
        return False
    # The two strokes of an X cross: one climbs, the other falls, each over much of the
    # ink's height (a signature over its underline is two flat strokes that never meet).
    rises = [_signed_rise(fit, x[part]) for fit, part in ((fit_a, rising), (fit_b, ~rising))]
    return rises[0] * rises[1] < 0 and min(abs(r) for r in rises) >= 0.4 * span_y


def _signed_rise(fit: np.ndarray, x: np.ndarray) -> float:
    """How far a fitted stroke goes down (image rows) from its left end to its right end."""
    return float(np.polyval(fit, x.max()) - np.polyval(fit, x.min()))


def _rise(fit: np.ndarray, x: np.ndarray) -> float:
    return abs(_signed_rise(fit, x))


def _with_stubs(page: _Page, inner: tuple[int, int, int, int]) -> np.ndarray:
    """A cell's ink without the rules that cross it; short level runs along its edges kept."""
    crop = page.ink[inner[1] : inner[3], inner[0] : inner[2]].copy()
    lines = page.lines[inner[1] : inner[3], inner[0] : inner[2]]
    crop[_rulings_only(lines, page.dpi, stubs=False)] = 0
    return drop_specks(crop, page.dpi)


def _curve_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """RMS distance (vertical) of the points to their least-squares parabola, and the fit."""
    fit = np.polyfit(x, y, 2)
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


# --- text ------------------------------------------------------------------------------------


def half_day_of(label: str) -> str | None:
    folded = fold(label)
    if re.search(r"apres[ -]?midi|\bapres\b|\bpm\b|\bap\.?\s*m", folded):
        return APRES_MIDI
    if re.search(r"\bmatin|\bam\b", folded):
        return MATIN
    hours = hours_of(label)
    if hours:
        start = _TIME_RANGE.search(_digits_fixed(label))
        return MATIN if start and int(start.group(1)) < 12 else APRES_MIDI
    return None


def hours_of(label: str) -> float | None:
    """Length of a printed time range: "9h-12h30" → 3.5."""
    found = _TIME_RANGE.search(_digits_fixed(label))
    if not found:
        return None
    start = int(found.group(1)) + int(found.group(2) or 0) / 60
    end = int(found.group(3)) + int(found.group(4) or 0) / 60
    return round(end - start, 2) if 0 < end - start <= 8 else None


def _digits_fixed(label: str) -> str:
    """OCR slips in time ranges undone: "12n30" → "12h30", "9hOO" → "9h00"."""
    folded = fold(label).replace("o", "0")
    return re.sub(r"(?<=\d)\s?[nb](?=\s?[\d)\-–]|\s*$)", "h", folded)


def is_trainer_label(text: str) -> bool:
    """Whether a row label is the trainer's ("Signature du formateur", even misread)."""
    folded = fold(text)
    if _TRAINER.search(folded):
        return True
    return any(
        SequenceMatcher(None, token, known).ratio() >= 0.78
        for token in re.findall(r"[a-z]{6,}", folded)
        for known in _TRAINER_WORDS
    )


def is_absent(text: str) -> bool:
    return bool(_ABSENT.search(fold(text)))


def title_date(words: Sequence[Word], above: int, default_year: int | None) -> date | None:
    """The day of a one-day sheet, from the lines above the table ("Journée du 11/05/2026")."""
    texts = _lines(words, above)
    for text in texts:
        if _DAY_TITLE.search(fold(text)):
            found = find_dates(text, default_year)
            if len(set(found)) == 1:  # a day, not a period ("Dates : du 10/07 au 20/07")
                return found[0]
    # "du lundi 16 décembre 2024" with "Journée" wrapped away: the one date given with
    # its weekday (a session's "du 16/12/2024 au 14/01/2025" names none).
    named = {d for t in tight_lines(words, above) for d in weekday_dates(t, default_year)}
    if len(named) == 1:
        return named.pop()
    everything = {d for t in texts for d in find_dates(t, default_year)}
    return everything.pop() if len(everything) == 1 else None


# --- the sheet -------------------------------------------------------------------------------


@dataclass
class _Page:
    gray: np.ndarray
    dpi: int
    ink: np.ndarray
    lines: np.ndarray
    words: tuple[Word, ...]
    engine: OcrEngine
    exact: bool = False  # words from the PDF's text layer: no re-reading needed


def read_sheet(
    image: Image.Image,
    dpi: int,
    engine: OcrEngine,
    words: Sequence[Word] | None = None,
    after: Carry | None = None,
) -> SheetRead:
    """Read one upright attendance sheet: its columns, and every trainee and trainer cell.

    ``words``: the page's printed words with their boxes in pixels of ``image`` (a
    born-digital page's text layer); the page is then neither OCR'd nor warped.
    ``after``: the header of the previous page's table, for rows that run on with none.
    """
    started = time.perf_counter()
    if words is not None:
        ruled = _Rulings.of(to_gray(image), dpi)
        return _read_page(_page_of(ruled, dpi, engine, words), ruled, started, after)
    ruled, page, _ = _ocr_page(to_gray(image), dpi, engine)
    return _read_page(page, ruled, started, after)


def _ocr_page(gray: np.ndarray, dpi: int, engine: OcrEngine) -> tuple[_Rulings, _Page, float]:
    """A picture made square-on and OCR'd, and the OCR confidence of the print above the
    first long rule (the title: low when the page is upside down; signatures read as
    low-confidence words, so the table is left out)."""
    ruled, _ = _squared(_Rulings.of(gray, dpi), dpi)
    words = engine.recognise(Image.fromarray(ruled.gray), dpi).words
    long_rows = np.flatnonzero((ruled.horiz > 0).sum(axis=1) >= dpi)
    limit = int(long_rows[0]) if long_rows.size else ruled.gray.shape[0] * 2 // 5
    title = [w for w in words if w.box[3] <= limit]
    if len(title) < 3:  # a rule above the title, or a page upside down: its top 40 %
        title = [w for w in words if w.box[3] <= ruled.gray.shape[0] * 2 // 5]
    top = _mean_confidence(title)
    return ruled, _page_of(ruled, dpi, engine, words, exact=False), top


def _page_of(
    ruled: _Rulings, dpi: int, engine: OcrEngine, words: Sequence[Word], exact: bool = True
) -> _Page:
    lines = cv2.dilate(cv2.bitwise_or(ruled.horiz, ruled.vert), np.ones((3, 3), np.uint8))
    return _Page(ruled.gray, dpi, ruled.ink, lines, tuple(words), engine, exact)


def _read_page(
    page: _Page, ruled: _Rulings, started: float, after: Carry | None = None
) -> SheetRead:
    dpi = page.dpi
    tables = tables_in(ruled.horiz, ruled.vert, dpi)
    grids = [t for t in tables if len(t.xs) > 2 and len(t.ys) > 2]
    framed = _framed_stack(page, tables) if not grids else []
    if len(framed) > 1:
        return _read_stack(page, framed, started)
    if not grids:
        # Rules between some rows only (a frame, a header's band): the rows of print
        # tell more rows apart than the rules, and are taken instead.
        found = [t for t in (_rows_only_table(page, ruled), _unruled(page, tables)) if t]
        unruled = max(found, key=lambda t: len(t.ys)) if found else None
        if unruled is None:
            return SheetRead((), (), (), time.perf_counter() - started, ("no ruled table found",))
        grids = [unruled]
    largest = max(grids, key=lambda t: (t.xs[-1] - t.xs[0]) * (t.ys[-1] - t.ys[0]))
    stack = _stacked(grids, largest)
    if len(stack) > 1:
        return _read_stack(page, stack, started)
    grid = _with_header_above(page, largest)
    cells, trainer, columns, problems, trainee, first = _read_grid(page, grid, after)
    # Signature boxes under the table; a straight stroke of the signature inside one may
    # pass for a ruling, so any small ruled shape there counts by its outline.
    boxes = [
        t
        for t in tables
        if t is not grid and t.ys[0] > grid.ys[-1] and (len(t.xs) == 2 or t.ys[-1] - t.ys[0] < dpi)
    ]
    if not trainer and boxes:
        trainer = _trainer_boxes(page, boxes, columns)
    if trainee is None:
        layout, trainee = ("day" if len({c.date for c in columns}) == 1 else "grid"), ""
    else:
        layout = "trainee"
    return SheetRead(
        tuple(cells),
        tuple(trainer),
        tuple(columns),
        time.perf_counter() - started,
        problems,
        layout,
        trainee,
        Carry(first, tuple(columns), _widths(grid)),
    )


def _rows_only_table(page: _Page, ruled: _Rulings) -> Table | None:
    """A table ruled between its rows only (no column rules): its rows from three or more
    long rules of one extent, its columns from the gaps between the header's titles.

    The header is the print between the first two rules, or on the first rule; its words
    are grouped by horizontal gaps wider than a word space, and a column boundary drawn
    midway between two groups. Most groups must read as column titles ("NOM", "Prénom",
    "Matin", "Signature"...), else this is no attendance table.
    """
    dpi = page.dpi
    count, _, stats, _ = cv2.connectedComponentsWithStats(ruled.horiz)
    rules = [
        (int(y + h // 2), int(x), int(x + w))
        for i, (x, y, w, h) in enumerate(stats[:, :4])
        if i and w >= 2 * dpi and h < dpi // 8
    ]
    if len(rules) < 3:
        return None
    # The rules of one table share their ends.
    left = int(np.median([r[1] for r in rules]))
    right = int(np.median([r[2] for r in rules]))
    ys = sorted(
        {y for y, x0, x1 in rules if abs(x0 - left) < dpi // 8 and abs(x1 - right) < dpi // 8}
    )
    ys = [y for i, y in enumerate(ys) if i == 0 or y - ys[i - 1] > dpi // 20]
    if len(ys) < 3:
        return None
    for top, bottom in ((ys[0], ys[1]), (ys[0] - dpi // 2, ys[0])):
        words = [
            w
            for w in words_in(page.words, (left, max(0, top), right, bottom))
            if sum(c.isalnum() for c in w.text)
        ]
        groups = title_groups(words, dpi)
        texts = [text_of(reading_order(g)) for g in groups]
        if len(groups) >= 2 and _titles(texts) >= max(2, 0.6 * len(groups)):
            xs = [left]
            for a, b in zip(groups, groups[1:], strict=False):
                xs.append((max(w.box[2] for w in a) + min(w.box[0] for w in b)) // 2)
            xs.append(right)
            if top < ys[0]:
                ys = [max(0, top), *ys]
            walls = tuple(tuple(True for _ in xs[1:-1]) for _ in ys[1:])
            return Table(tuple(xs), tuple(ys), walls)
    return None


def _unruled(page: _Page, tables: Sequence[Table]) -> Table | None:
    """A table with no ruling between its cells, or only an outer frame: from how its
    words line up (see :mod:`pipeline.reading.unruled`)."""
    frames = [t for t in tables if t.xs[-1] - t.xs[0] >= 3 * page.dpi and len(t.ys) == 2]
    frame = max(frames, key=lambda t: t.ys[-1] - t.ys[0]).box if frames else None
    found = unruled_table(page.words, page.dpi, _titled_header, frame)
    if found is None and frame is not None and not page.exact:
        # A photo's shaded header is often missed by the page OCR: its band read again.
        band = _band_words(page, frame)
        found = unruled_table(page.words + band, page.dpi, _titled_header, frame)
    if found is None:
        return None
    xs, ys = found
    return _Unruled(xs, ys, tuple(tuple(True for _ in xs[1:-1]) for _ in ys[1:]))


def _framed_stack(page: _Page, tables: Sequence[Table]) -> list[Table]:
    """One framed table per séance, stacked down the page (frames as wide as each other,
    one under the other), each read from how its words line up; [] when not so."""
    frames = [t for t in tables if t.xs[-1] - t.xs[0] >= 3 * page.dpi and len(t.ys) == 2]
    if len(frames) < 2:
        return []
    widest = max(frames, key=lambda t: t.xs[-1] - t.xs[0])
    width = widest.xs[-1] - widest.xs[0]
    alike = sorted(
        (t for t in frames if abs(t.xs[0] - widest.xs[0]) <= 0.1 * width),
        key=lambda t: t.ys[0],
    )
    alike = [t for t in alike if abs((t.xs[-1] - t.xs[0]) - width) <= 0.1 * width]
    if any(a.ys[-1] > b.ys[0] for a, b in zip(alike, alike[1:], strict=False)):
        return []
    found = [unruled_table(page.words, page.dpi, _titled_header, t.box) for t in alike]
    return [
        _Unruled(xs, ys, tuple(tuple(True for _ in xs[1:-1]) for _ in ys[1:]))
        for xs, ys in (f for f in found if f is not None)
    ]


def _band_words(page: _Page, frame: tuple[int, int, int, int]) -> tuple[Word, ...]:
    """The words of a frame's first line of print (its header: lines of ink closer than
    half a line's height run together), read on their own as one line, in the page's
    pixels."""
    left, top, right, bottom = frame
    margin = max(3, page.dpi // 25)
    ink = (page.ink[top + margin : bottom, left + margin : right - margin] > 0) & (
        page.lines[top + margin : bottom, left + margin : right - margin] == 0
    )
    inked = ink.sum(axis=1) > max(2, page.dpi // 50)
    runs: list[list[int]] = []
    for y in np.flatnonzero(inked):
        if runs and y - runs[-1][1] <= max(1, (runs[-1][1] - runs[-1][0]) // 2):
            runs[-1][1] = int(y)
        elif runs and runs[-1][1] - runs[-1][0] >= page.dpi // 20:
            break
        else:
            runs.append([int(y), int(y)])
    if not runs or runs[-1][1] - runs[-1][0] < page.dpi // 20:
        return ()
    low = top + margin + runs[-1][1] + margin
    crop = _clean_crop(page, (left, top, right, min(bottom, low)), crisp=True)
    if crop is None:
        return ()
    pad = page.dpi // 10  # the white border _clean_crop adds
    shift = (left - pad, top - pad, left - pad, top - pad)
    return tuple(
        replace(w, box=tuple(a + b for a, b in zip(w.box, shift, strict=True)))  # type: ignore[arg-type]
        for w in page.engine.recognise_line(crop, page.dpi).words
    )


def _titled_header(texts: list[str]) -> bool:
    """Whether most of a header's texts read as column titles."""
    return _titles(texts) >= max(2, 0.6 * len(texts))


class _Unruled(Table):
    """A table found from its words: its first row is its header, and only it (with no
    rule between rows, a row's printed date would pass for a header's)."""


def _stacked(grids: Sequence[Table], largest: Table) -> list[Table]:
    """One small table per séance stacked down the page: tables as wide as the largest,
    aligned with it, one under the other (top to bottom), each with a body row."""
    width = largest.xs[-1] - largest.xs[0]
    alike = [
        t
        for t in grids
        if len(t.ys) >= 3
        and abs((t.xs[-1] - t.xs[0]) - width) <= 0.1 * width
        and abs(t.xs[0] - largest.xs[0]) <= 0.1 * width
    ]
    alike.sort(key=lambda t: t.ys[0])
    apart = all(a.ys[-1] <= b.ys[0] for a, b in zip(alike, alike[1:], strict=False))
    return alike if apart else [largest]


def _read_stack(page: _Page, stack: Sequence[Table], started: float) -> SheetRead:
    """Séance tables read one by one, each dated by the print between it and the table
    above ("Séance du lundi 18 mai 2026 - matin"), the page's title for the first."""
    cells: list[CellRead] = []
    trainer: list[CellRead] = []
    columns: list[Column] = []
    problems: list[str] = []
    floor = 0
    for table in stack:
        words = tuple(w for w in page.words if w.box[1] >= floor)
        band = replace(page, words=words)
        read = _read_grid(band, _with_header_above(band, table), None)
        cells += read[0]
        trainer += read[1]
        columns += read[2]
        problems += read[3]
        floor = table.ys[-1]
    layout = "day" if len({c.date for c in columns}) == 1 else "grid"
    spent = time.perf_counter() - started
    return SheetRead(tuple(cells), tuple(trainer), tuple(columns), spent, tuple(problems), layout)


@dataclass(frozen=True)
class _Rulings:
    """A page image with its ink and its ruling-line masks (made once per image)."""

    gray: np.ndarray
    ink: np.ndarray
    horiz: np.ndarray
    vert: np.ndarray

    @classmethod
    def of(cls, gray: np.ndarray, dpi: int) -> _Rulings:
        ink = binarise(gray, dpi)
        return cls(gray, ink, *line_masks(ink, dpi))


def _squared(ruled: _Rulings, dpi: int) -> tuple[_Rulings, np.ndarray | None]:
    """The page levelled then rectified, and the 3x3 matrix that took it there (None: as is)."""
    levelled, turn = _levelled(ruled, dpi)
    rectified, warp = _rectified(levelled, dpi)
    if turn is None and warp is None:
        return ruled, None
    turn = np.eye(3) if turn is None else np.vstack([turn, [0.0, 0.0, 1.0]])
    return rectified, (np.eye(3) if warp is None else warp) @ turn


def _levelled(ruled: _Rulings, dpi: int) -> tuple[_Rulings, np.ndarray | None]:
    """Undo what skew the page deskew left: the longest ruling line must lie flat.
    Also the 2x3 matrix of the turn (None when the rules already lie flat)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ruled.horiz)
    # The median over every long rule: a scanner's page edge is long too, but alone.
    slopes = [
        _slope(labels[y : y + h, x : x + w] == i)
        for i, (x, y, w, h) in enumerate(stats[:, :4])
        if i and w >= dpi and h < dpi // 2
    ]
    if not slopes:
        return ruled, None
    degrees = float(np.degrees(np.arctan(np.median(slopes))))
    # cv2 turns counter-clockwise for positive angles, which lifts a rule falling rightwards.
    if abs(degrees) < 0.15:
        return ruled, None
    height, width = ruled.gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return _Rulings.of(rotate_fine(ruled.gray, degrees), dpi), matrix


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
    return _rectified(_Rulings.of(gray, dpi), dpi)[0].gray


def _rectified(ruled: _Rulings, dpi: int) -> tuple[_Rulings, np.ndarray | None]:
    """The page warped so that its main table is a rectangle, and the 3x3 matrix used."""
    corners = table_corners(ruled.horiz, ruled.vert, dpi)
    if corners is None:
        return ruled, None
    target = _rectangle_for(corners)
    if float(np.abs(corners - target).max()) < 1.5:
        return ruled, None  # already square (born-digital pages)
    matrix = cv2.getPerspectiveTransform(corners, target)
    height, width = ruled.gray.shape
    flat = cv2.warpPerspective(
        ruled.gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255
    )
    return _Rulings.of(flat, dpi), matrix


def table_corners(horiz: np.ndarray, vert: np.ndarray, dpi: int) -> np.ndarray | None:
    """Top-left, top-right, bottom-right, bottom-left corners of the largest ruled grid."""
    frame = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((5, 5), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(frame)
    candidates = []
    for i in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[i])
        if w < dpi or h < dpi // 3:
            continue
        # A grid has ruling inside its outline; a page edge or a lone box has none.
        inner = labels[y + h // 8 : y + h - h // 8, x + w // 8 : x + w - w // 8] == i
        if inner.sum() >= 0.1 * area:
            candidates.append((w * h, i))
    for _, i in sorted(candidates, reverse=True):
        found = _corners_of(labels, i, tuple(int(v) for v in stats[i, :4]))
        if found is not None:
            return found
    return None


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


def _with_header_above(page: _Page, grid: Table) -> Table:
    """The table with its header row when the ruling lost it (a shaded header's rules
    drown in the grey; some tables rule only the body).

    When the first row reads as no header (fewer than two column titles), the print lying
    on the table's top rule is tried: if most of its cells under the table's columns are
    column titles ("N°", "NOM", "Date", "Matin", "Signature du stagiaire"...), it is the
    header row. A band where the page OCR found no words at all (a scan's grey header
    band) is read cell by cell, when the first row does not name a day or a half-day.
    """
    first = [text_of(words_in(page.words, grid.cell(0, c))) for c in range(len(grid.xs) - 1)]
    # A grid's header: the names' title (or nothing) over days and half-days.
    named = not first[0] or bool(_HEADER_NAME.search(fold(first[0])))
    if named and _labelled(" ".join(first[1:])) or _titles(first, slots=False) >= 2:
        return grid
    if len(grid.ys) < 3:
        return grid
    reach = page.dpi // 2
    above = [
        w
        for w in page.words
        if grid.ys[0] - reach <= w.box[1]
        and w.box[3] <= grid.ys[0] + 2
        and grid.xs[0] - 4 <= w.box[0]
        and w.box[2] <= grid.xs[-1] + 4
    ]
    lines = line_groups(above)
    row_height = int(np.median(np.diff(grid.ys)))
    rule = _rule_above(page, grid)
    if rule is not None:
        # The header's own top rule, left out of the table (its column rules lost).
        top = rule
        texts = [
            _header_text(page, (grid.xs[c], top, grid.xs[c + 1], grid.ys[0]), _titled, False)
            for c in range(len(grid.xs) - 1)
        ]
    elif lines and max(w.box[3] for w in lines[-1]) >= grid.ys[0] - page.dpi // 8:
        # The lowest line, and a line just over it (a title wrapped on two lines).
        top = min(w.box[1] for w in lines[-1])
        height = max(w.box[3] - w.box[1] for w in lines[-1])
        for line in reversed(lines[:-1]):
            if max(w.box[3] for w in line) >= top - height:
                top = min(top, min(w.box[1] for w in line))
        top = max(0, top - max(2, page.dpi // 50))
        texts = [
            text_of(words_in(page.words, (grid.xs[c], top, grid.xs[c + 1], grid.ys[0])))
            for c in range(len(grid.xs) - 1)
        ]
    elif not lines and not page.exact and not any(_labelled(t) for t in first):
        top = max(0, grid.ys[0] - min(row_height, page.dpi // 2))
        texts = [
            _header_text(page, (grid.xs[c], top, grid.xs[c + 1], grid.ys[0]), _titled, False)
            for c in range(len(grid.xs) - 1)
        ]
    else:
        return grid
    if grid.ys[0] - top < page.dpi // 12 or _titles(texts) < max(2, 0.6 * len(texts)):
        return grid
    walls = (tuple(True for _ in grid.xs[1:-1]),) + grid.walls
    return Table(grid.xs, (top,) + grid.ys, walls)


def _rule_above(page: _Page, grid: Table) -> int | None:
    """A ruling across the table's width a little above its top (a header's top rule)."""
    low, high = grid.ys[0] - page.dpi // 12, max(0, grid.ys[0] - page.dpi // 2)
    band = page.lines[high:low, grid.xs[0] : grid.xs[-1]] > 0
    if not band.size:
        return None
    across = np.flatnonzero(band.mean(axis=1) >= 0.8)
    return int(high + across[-1]) if across.size else None


def _titles(texts: Sequence[str], slots: bool = True) -> int:
    """How many of a row's cell texts read as column titles. A half-day ("Matin") is a
    title in a header and a value in a one-trainee sheet's row: counted when ``slots``."""
    skip = {header_roles.UNKNOWN} | (set() if slots else {header_roles.SLOT})
    return sum(header_roles.role_of(t).kind not in skip and not find_dates(t) for t in texts)


_GridRead = tuple[list[CellRead], list[CellRead], list[Column], tuple[str, ...], str | None]
_FullRead = tuple[list[CellRead], list[CellRead], list[Column], tuple[str, ...], str | None, str]


def _read_grid(page: _Page, grid: Table, after: Carry | None = None) -> _FullRead:
    """Trainee cells, trainer cells, columns, problems, the trainee of a one-trainee sheet,
    and the first column's header text.

    A table with no header row whose columns match the previous page's table (``after``)
    runs on from it: its rows are read under that header.
    """
    rows = len(grid.ys) - 1
    year = _year_hint(page.words)
    if _runs_on(page, grid, after):
        assert after is not None
        header, columns, first = 0, list(after.columns), after.first
    else:
        header = _header_rows(page, grid)
        columns = _columns(page, grid, header, year)
        first = _first_label(page, grid, header)
    axes = header_roles.plan([first] + [c.label for c in columns], year)
    if axes is not None and axes.rows == "trainees" and (axes.names != (0,) or not axes.slots):
        return (*_read_trainee_rows(page, grid, header, columns, axes), first)
    if axes is not None and axes.rows == "dates" or _DATE_HEADER.match(fold(first)):
        return (*_read_by_date(page, grid, header, columns, year, axes), first)
    cells: list[CellRead] = []
    trainer: list[CellRead] = []
    problems: list[str] = []
    for row in range(header, rows):
        name = _row_name(page, grid.cell(row, 0)) or text_of(
            words_in(page.words, grid.cell(row, 0))
        )
        if not re.search(r"[^\W\d_]{2}", name):
            name = ""  # a row number or a stray mark is no name
        is_trainer = is_trainer_label(name)
        if header_roles.is_header_word(name) and not is_trainer:
            continue  # a header row below the first ("Nom Prénom" over the names)
        if not name:
            problems.append(f"row {row}: no name read")
        for col, column in enumerate(columns, start=1):
            read = _judge_cell(page, grid.cell(row, col), column, "" if is_trainer else name)
            if not name:
                read = replace(read, confidence=min(read.confidence, UNPLACED))
            (trainer if is_trainer else cells).append(read)
    return cells, trainer, columns, tuple(problems), None, first


def _runs_on(page: _Page, grid: Table, after: Carry | None) -> bool:
    """Whether the table continues the previous page's: the same columns (count and
    widths), and a first row that is no header (neither titles nor days)."""
    if after is None or len(after.columns) != len(grid.xs) - 2:
        return False
    if max(abs(a - b) for a, b in zip(after.widths, _widths(grid), strict=True)) > 0.03:
        return False
    first = [text_of(words_in(page.words, grid.cell(0, c))) for c in range(len(grid.xs) - 1)]
    if any(header_roles.is_header_word(text) for text in first):
        return False  # a header of its own ("Bénéficiaire", "Date")
    return _header_count(page, grid) == 0 and _titles(first, slots=False) < 2


def _title_half(page: _Page, above: int) -> str | None:
    """The half-day the print above the table names, if exactly one ("Séance du 12/03 -
    après-midi", "Matinée du…"); none when it names both or neither."""
    halves = set()
    for line in tight_lines(page.words, above):
        folded = fold(line)
        if re.search(r"apres[ -]?midi", folded):
            halves.add(APRES_MIDI)
        if re.search(r"\bmatin(ee)?\b", folded):
            halves.add(MATIN)
    return halves.pop() if len(halves) == 1 else None


def _first_label(page: _Page, grid: Table, header: int) -> str:
    """The first column's header text (its header rows joined), read again if unread."""
    parts = []
    for row in range(header):
        first, last = grid.span(row, 0)
        box = (grid.xs[first], grid.ys[row], grid.xs[last + 1], grid.ys[row + 1])
        parts.append(_header_text(page, box, _titled))
    return " | ".join(p for p in parts if p)


def _titled(text: str) -> bool:
    """Whether header text names a column's role or a day or half-day."""
    return _labelled(text) or header_roles.role_of(text).kind != header_roles.UNKNOWN


def _read_trainee_rows(
    page: _Page, grid: Table, header: int, columns: list[Column], axes: header_roles.Plan
) -> _GridRead:
    """A row per trainee, the name in the columns the header calls names ("NOM" and
    "Prénom" joined, "NOM Prénom"), marks in the columns it dates or halves; a row-number
    or company column is neither. A row whose label (spanning the name columns) names the
    trainer gives the trainer's marks; a blank spare row (no name, no ink) is no trainee.
    """
    cells: list[CellRead] = []
    trainer: list[CellRead] = []
    problems: list[str] = []
    # A lone "Signature" column: the half-day from the print above the table ("Séance
    # du 12/03 - matin"), when it names one only.
    half = _title_half(page, grid.ys[0])
    # (A half-day the column's own words do not name was guessed from its neighbours,
    # which are names here, not the day's other half.)
    marks = [
        (col, columns[col - 1])
        if col not in axes.trainee or half_day_of(columns[col - 1].label)
        else (col, replace(columns[col - 1], half_day=half))
        for col in axes.marks
        if col >= 1
    ]
    sure = min((axes.roles[col].confidence for col in (*axes.names, *axes.marks)), default=1.0)
    for row in range(header, len(grid.ys) - 1):
        left = grid.span(row, axes.names[0])[0]
        right = grid.span(row, axes.names[-1])[1]
        label_box = (grid.xs[left], grid.ys[row], grid.xs[right + 1], grid.ys[row + 1])
        label = text_of(words_in(page.words, label_box))
        spans = left < axes.names[0] or right > axes.names[-1]
        if is_trainer_label(label) or spans and is_trainer_label(_cell_text(page, label_box)):
            # "Signature de l'intervenant·e : …", often over the name columns and more.
            for col, column in marks:
                trainer.append(_judge_cell(page, grid.cell(row, col), column, ""))
            continue
        reads = [_page_name(page, grid.cell(row, col)) for col in axes.names]
        name = _name_of([text for text, _ in reads])
        # A name the OCR is unsure of may be another trainee's: a person checks the row.
        unsure = any(text and confidence < NAME_DOUBT for text, confidence in reads)
        if header_roles.is_header_word(name):
            continue  # a second header row
        read = [_judge_cell(page, grid.cell(row, col), column, name) for col, column in marks]
        if not name:
            if all(r.ink <= EMPTY_INK for r in read):
                continue  # a spare row left blank
            problems.append(f"row {row}: no name read")
            read = [replace(r, confidence=min(r.confidence, UNPLACED)) for r in read]
        cap = min(sure, UNPLACED) if unsure else sure
        cells.extend(replace(r, confidence=min(r.confidence, cap)) for r in read)
    return cells, trainer, columns, tuple(problems), None


def _name_of(parts: Sequence[str]) -> str:
    """A trainee's name from its columns' texts ("NOM", "Prénom"), without the specks a
    scan reads as single letters or signs beside the print (an initial keeps its dot)."""
    kept = []
    for part in parts:
        words = [w.strip("|[]{}") for w in part.split()]
        words = [w for w in words if re.search(r"[^\W\d_]", w)]
        if any(len(w) > 1 for w in words):
            words = [w for w in words if len(w) > 1]  # a bare letter beside a name: a speck
        kept += words
    return " ".join(kept)


def _read_by_date(
    page: _Page,
    grid: Table,
    header: int,
    columns: list[Column],
    year: int | None,
    axes: header_roles.Plan | None = None,
) -> _GridRead:
    """One trainee's sheet: a row per date (or per half-day), the name above the table.

    Columns are "Matin" / "Après-midi" (a row per date), or "Demi-journée" naming the
    half-day and "Signature du stagiaire" (a row per half-day); the trainer's column is
    signed once a day when the rows are dates, and counts for both half-days.
    """
    people = axes.people if axes is not None else ()
    trainee = "" if people else trainee_name(page.words, grid.ys[0])
    title = _lines(page.words, grid.ys[0])
    known = {d for line in title for d in find_dates(line, year)} | _loose_dates(title)
    problems = [] if trainee or people else ["no trainee name above the table"]
    kinds = [_column_kind(c) for c in columns] if axes is None else _kinds_of(axes, len(columns))
    at_date = axes.date if axes is not None and axes.date is not None else 0
    cells: list[CellRead] = []
    trainer: list[CellRead] = []
    above: tuple[date | None, str | None] = (None, None)  # the row above's date, half-day
    for row in range(header, len(grid.ys) - 1):
        text = _header_text(page, grid.cell(row, at_date), lambda t: bool(find_dates(t, year)))
        dates = find_dates(text, year)
        snapped = _snapped(text, dates[0] if dates else None, known)
        if snapped and year and snapped.year != year and abs(snapped.year - year) > 1:
            # One digit of the year misread ("2036"): the page's year.
            with contextlib.suppress(ValueError):
                snapped = snapped.replace(year=year)
        dates = [snapped] if snapped else dates
        day = dates[0] if dates else None
        named = [
            half_day_of(_header_text(page, grid.cell(row, col), half_day_of))
            for col, kind in enumerate(kinds, start=1)
            if kind == "half-day"
        ]
        # The row's hours ("9h00 - 12h30") tell its half-day too: they stand in for an
        # unread half-day name, and a disagreement is for a person.
        timed = [
            half_day_of(_header_text(page, grid.cell(row, col), half_day_of))
            for col, kind in enumerate(kinds, start=1)
            if kind == "hours"
        ]
        row_half = named[0] if named else None
        hours_half = timed[0] if timed else None
        torn = bool(row_half and hours_half and row_half != hours_half)
        row_half = row_half or hours_half
        if day is None and not text.strip() and above[0] and above[1] not in (None, row_half):
            # The date printed once a day: a blank date cell under the day's other half.
            day = above[0]
        if day is None:
            problems.append(f"row {row}: no date read")
        above = (day, row_half)
        halves = [c.half_day for c, k in zip(columns, kinds, strict=True) if k == "trainee"]
        for col, (column, kind) in enumerate(zip(columns, kinds, strict=True), start=1):
            if kind in ("trainee", "person"):
                half = column.half_day or row_half
                at = Column(day, half, column.hours, column.label)
                who = _person_label(column.label) if kind == "person" else trainee
                read = _judge_cell(page, grid.cell(row, col), at, who)
                if torn and not column.half_day:
                    read = replace(read, confidence=min(read.confidence, UNPLACED))
                cells.append(read)
            elif kind == "trainer":
                read = _judge_cell(page, grid.cell(row, col), Column(day, row_half, None, ""), "")
                each = [row_half] if row_half or None in halves else halves
                trainer.extend(CellRead(day, h, *_after_when(read)) for h in each)
    one = None if people else trainee
    return _out_of_order(cells), _out_of_order(trainer), columns, tuple(problems), one


def _person_label(label: str) -> str:
    """A trainee's name as a column header (header rows joined by " | ")."""
    return " ".join(part.strip() for part in label.split("|") if part.strip())


def _out_of_order(cells: list[CellRead]) -> list[CellRead]:
    """Rows run in date order: a cell whose date breaks the order with a neighbour's
    (a misread "10" → "18" is still a date of the training) is for a person to check."""
    days = [c.date for c in cells]
    checked = []
    for i, cell in enumerate(cells):
        # The nearest other dates before and after (a date's rows run on: both half-days).
        before = [d for d in days[:i] if d and d != cell.date][-1:]
        after = [d for d in days[i + 1 :] if d and d != cell.date][:1]
        if cell.date and (before and before[0] > cell.date or after and after[0] < cell.date):
            cell = replace(cell, confidence=min(cell.confidence, UNPLACED))
        checked.append(cell)
    return checked


def _after_when(read: CellRead) -> tuple[str, str, float, float, tuple[int, int, int, int]]:
    """A cell's fields after its date and half-day."""
    return read.person, read.mark, read.confidence, read.ink, read.box


def _kinds_of(axes: header_roles.Plan, count: int) -> list[str]:
    """``_column_kind`` of columns 1..count from the header's roles."""
    kinds = []
    for col in range(1, count + 1):
        if col in axes.marks:
            kinds.append("trainee")
        elif col in axes.people:
            kinds.append("person")
        elif axes.roles[col].kind == header_roles.HOURS:
            kinds.append("hours")
        elif col in axes.trainer:
            kinds.append("trainer")
        elif col == axes.half:
            kinds.append("half-day")
        else:
            kinds.append("other")
    return kinds


def _column_kind(column: Column) -> str:
    """trainee (a signature per half-day) | trainer | half-day (names it) | other."""
    label = fold(column.label)
    if "stagiaire" in label or column.half_day and not is_trainer_label(label):
        return "trainee"
    if is_trainer_label(label):
        return "trainer"
    if re.search(r"demi[ -]?journee|creneau|seance", label):
        return "half-day"
    return "other"


_TRAINEE_LABEL = re.compile(
    r"(?i)(?:stagiaire|participant|apprenant|b[ée]n[ée]ficiaire|salari[ée]|nom et pr[ée]nom"
    r"|nom\s*/\s*pr[ée]nom|pr[ée]nom et nom)[\w()·.\-]*\s*:\s*(.+)"
)


def trainee_name(words: Sequence[Word], above: int) -> str:
    """The trainee of a one-trainee sheet: "Stagiaire : Léa Martin" above the table."""
    for line in _lines(words, above):
        found = _TRAINEE_LABEL.search(line)
        if found:
            # "Stagiaire : Léa Martin   Action : …" on one line: up to the next label.
            return re.split(r"\s+[^\s:]+\s*:(?:\s|$)", found.group(1))[0].strip()
    return _split_name(_lines(words, above))


_NAME_PART = re.compile(r"(?i)(?<![\w'’])(nom|pr[ée]nom)\s*:\s*(.+?)(?=\s+[^\s:]+\s*:|$)")


def _split_name(lines: Sequence[str]) -> str:
    """ "NOM : FERRAND   Prénom : Chloé" (one line or two): "FERRAND Chloé", when both
    parts are there, each up to the next label."""
    parts: dict[str, str] = {}
    for line in lines:
        for found in _NAME_PART.finditer(line):
            value = found.group(2).strip()
            key = "last" if found.group(1).lower() == "nom" else "first"
            parts.setdefault(key, value)
    if not parts.get("last") or not parts.get("first"):
        return ""
    return f"{parts['last']} {parts['first']}"


def _lines(words: Sequence[Word], above: int) -> list[str]:
    """The text lines of the words above ``above``, top to bottom."""
    return [text_of(line) for line in line_groups([w for w in words if w.box[3] <= above])]


def _row_name(page: _Page, box: tuple[int, int, int, int]) -> str:
    """The name in a row's first cell, read on its own: page OCR drops words in tables."""
    return _name_read(page, box)[0]


def _page_name(page: _Page, box: tuple[int, int, int, int]) -> tuple[str, float]:
    """``_name_read``, taking the page OCR's words when it read them all surely (a
    printed name in a clean cell), which spares reading the cell again."""
    words = [w for w in words_in(page.words, inset(box, 2)) if any(c.isalpha() for c in w.text)]
    if words and min(w.confidence for w in words) >= 0.9:
        return text_of(words), _mean_confidence(words)
    return _name_read(page, box)


def _name_read(page: _Page, box: tuple[int, int, int, int]) -> tuple[str, float]:
    """``_row_name``, and the OCR's mean confidence in it (1 for a text layer)."""
    if page.exact:
        return text_of(words_in(page.words, box)), 1.0
    inner = inset(box, max(2, page.dpi // 50))
    best: list[Word] = []
    # Page mode first; on a photo it finds no text in a small crop, which the one-line
    # mode (PSM 7) reads.
    for crisp, line in ((False, False), (True, False), (False, True), (True, True)):
        crop = _clean_crop(page, inner, crisp)
        if crop is None:
            return "", 0.0
        read = page.engine.recognise_line if line else page.engine.recognise
        words = [w for w in read(crop, page.dpi).words if any(c.isalpha() for c in w.text)]
        if _mean_confidence(words) > _mean_confidence(best):
            best = words
        if _mean_confidence(best) >= 0.85:
            break  # a clean read: the second one would only cost time
    # Low-confidence words are kept: a name half read still matches the invoice's fuzzily.
    return text_of(reading_order(best)), _mean_confidence(best)


def _mean_confidence(words: Sequence[Word]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def _clean_crop(
    page: _Page, box: tuple[int, int, int, int], crisp: bool = False
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


def _cell_text(page: _Page, box: tuple[int, int, int, int]) -> str:
    """The words in a box, from the page OCR or, when it saw none there, read on their own.

    Page segmentation drops small print in table cells on photos ("Mardi 07/04/2026" in a
    shaded header); the cell alone, made crisp, is read much better.
    """
    found = text_of(words_in(page.words, box))
    if found or page.exact:
        return found
    crop = _clean_crop(page, inset(box, 2), crisp=True)
    if crop is None:
        return ""
    return text_of(reading_order(page.engine.recognise(crop, page.dpi).words))


def _crossing(lines: np.ndarray) -> np.ndarray:
    """The part of a line mask that crosses the crop from side to side (a ruling).

    Short straight runs are left alone: the tops of bold digits line up into one, and
    whitening them would erase the date they belong to.
    """
    rows = lines.mean(axis=1) >= 0.6
    cols = lines.mean(axis=0) >= 0.6
    return lines & (rows[:, None] | cols[None, :])


def _header_rows(page: _Page, grid: Table) -> int:
    """How many rows at the top are headers (one at least)."""
    return max(_header_count(page, grid), 1)


def _header_count(page: _Page, grid: Table) -> int:
    """How many rows at the top are headers: their cells name days and half-days."""
    if isinstance(grid, _Unruled):
        return 1
    count = 0
    year = _year_hint(page.words)  # "Mar. 15/04" is a date in a sheet of 2025
    for row in range(len(grid.ys) - 1):
        # A speck the OCR read as a short word ("Je" at 0.49) does not fill the cell.
        printed = [
            w
            for w in words_in(page.words, grid.cell(row, 0))
            if w.confidence >= 0.6 or sum(c.isalnum() for c in w.text) >= 3
        ]
        first = fold(text_of(printed))
        span = (grid.xs[1], grid.ys[row], grid.xs[-1], grid.ys[row + 1])
        rest = fold(_header_text(page, span, line=False))
        labelled = bool(
            find_dates(rest, year)
            or half_day_of(rest)
            or _MORNING.search(rest)
            or _WEEKDAY.search(rest)
        )
        named = not first or bool(_HEADER_NAME.search(first)) or header_roles.is_header_word(first)
        # A number column's "N°" misread ("Ne", "N'"): two signs are no name.
        named = named or len(re.sub(r"\W", "", first)) <= 2 and not re.search(r"\d", first)
        if row == 0:
            header = labelled and named
        else:
            # Signatures read as "am" or "9h": below the first row, a header names a day
            # or a half-day in full, unless its first cell runs on from the row above (no
            # rule between: "Nom et prénom" spanning both rows, whatever a photo makes of
            # its words).
            strong = bool(
                find_dates(rest, year)
                or _WEEKDAY.search(rest)
                or re.search(r"matin|apres", rest)
                or _TIME_RANGE.search(_digits_fixed(rest))
            )
            merged = not _ruled_across(page, grid, row)
            header = (strong or labelled and merged) and (named or merged)
        if header and count == row:
            count = row + 1
        else:
            break
    return count


def _ruled_across(page: _Page, grid: Table, row: int) -> bool:
    """Whether a rule separates row ``row`` from the one above in the first column."""
    y, pad = grid.ys[row], max(3, page.dpi // 40)
    band = page.lines[max(0, y - pad) : y + pad + 1, grid.xs[0] : grid.xs[1]] > 0
    return bool(band.size) and float(band.any(axis=0).mean()) > 0.5


def _year_hint(words: Sequence[Word]) -> int | None:
    years = [d.year for d in find_dates(text_of(words))]
    return max(set(years), key=years.count) if years else None


def _columns(page: _Page, grid: Table, header: int, year: int | None) -> list[Column]:
    fallback = title_date(page.words, grid.ys[0], year)
    title = _lines(page.words, grid.ys[0])
    known = {d for line in title for d in find_dates(line, year)} | _loose_dates(title)
    columns = []
    for col in range(1, len(grid.xs) - 1):
        parts = []
        for row in range(header):
            first, last = grid.span(row, col)
            box = (grid.xs[first], grid.ys[row], grid.xs[last + 1], grid.ys[row + 1])
            parts.append(_header_text(page, box, _titled))
        label = " | ".join(p for p in parts if p)
        if header > 1 and not _titled(label):
            # A title over the header's rows, no rule between them ("Nom du stagiaire"
            # beside dates over half-days): read whole, not cut at the rows' middle.
            box = (grid.xs[col], grid.ys[0], grid.xs[col + 1], grid.ys[header])
            whole = _header_text(page, box, _titled)
            label = whole if _titled(whole) else label
        dates = find_dates(label, year)
        day = _snapped(parts[0] if parts else "", dates[0] if dates else None, known)
        columns.append(Column(day or fallback, half_day_of(label), hours_of(label), label))
    return _halves_completed(_dates_completed(columns, known))


def _dates_completed(columns: list[Column], known: set[date]) -> list[Column]:
    """Columns whose date went unread, dated from the title's list: the one listed date
    no column has that falls between the dates of the columns either side."""
    done = list(columns)
    used = {c.date for c in columns if c.date}
    for i, column in enumerate(columns):
        if column.date is not None or not (column.half_day or _WEEKDAY.search(fold(column.label))):
            continue  # dated, or no half-day column at all ("Observations")
        before = [c.date for c in columns[:i] if c.date]
        after = [c.date for c in columns[i + 1 :] if c.date]
        low, high = (before[-1] if before else None), (after[0] if after else None)
        fits = [
            d
            for d in known - used
            if (low is None or d > low) and (high is None or d < high) and (low or high)
        ]
        if len(fits) == 1:
            done[i] = Column(fits[0], column.half_day, column.hours, column.label)
    return done


_LOOSE_DATE = re.compile(r"(?<!\d)(\d{2})[/.-]?(\d{2})[/.-]?(20\d{2})(?!\d)")


def _loose_dates(lines: Sequence[str]) -> set[date]:
    """Dates of the title printed dd/mm/yyyy whose OCR lost a slash ("0303/2026")."""
    found = set()
    for line in lines:
        for day, month, year in _LOOSE_DATE.findall(_digits_fixed(line)):
            try:
                found.add(date(int(year), int(month), int(day)))
            except ValueError:
                continue
    return found


_WEEKDAYS = WEEKDAYS


def _snapped(text: str, found: date | None, known: set[date]) -> date | None:
    """A header date checked against the dates the title lists ("Dates : les 10/07/2026…").

    A photo's small print loses a slash ("1407/2026") or turns a digit ("10/07/2028"): the
    listed date whose digits are nearest the header's (two slips at most, the weekday
    agreeing when one is printed) is the one meant. Without a list, the header stands.
    """
    if not known or found in known:
        return found
    digits = re.sub(r"\D", "", _digits_fixed(text))
    weekday = _WEEKDAY.search(fold(text))
    plausible = found is not None and min(known) <= found <= max(known)
    if plausible and (not weekday or _WEEKDAYS[found.weekday()] == weekday.group(1)):  # type: ignore[union-attr]
        return found  # the title may give a range, not every day
    if len(digits) < 6:
        # The date unreadable, the weekday read: the only listed day of that name.
        same = [d for d in known if weekday and _WEEKDAYS[d.weekday()] == weekday.group(1)]
        return same[0] if len(same) == 1 and found is None else found
    scored = []
    for day in known:
        if weekday and _WEEKDAYS[day.weekday()] != weekday.group(1):
            continue
        want = day.strftime("%d%m%Y")
        ratio = SequenceMatcher(None, digits, want).ratio()
        scored.append((ratio, day))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < 0.75 or len(scored) > 1 and scored[1][0] == scored[0][0]:
        return found
    return scored[0][1]


def _labelled(text: str) -> bool:
    """Whether header text names a day or a half-day."""
    folded = fold(text)
    return bool(find_dates(text) or half_day_of(text) or _WEEKDAY.search(folded))


def _header_text(
    page: _Page, box: tuple[int, int, int, int], wanted: Any = _labelled, line: bool = True
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
        crop = _clean_crop(page, inset(box, 2), crisp=crisp)
        if crop is None:
            break
        read = page.engine.recognise_line if one_line else page.engine.recognise
        again = read(crop, page.dpi).text
        if wanted(again):
            return again.replace("\n", " ")
    return text


def _halves_completed(columns: list[Column]) -> list[Column]:
    """Half-days the header did not yield, from the day's other column.

    A day has at most a morning and an afternoon, in that order: of two columns under one
    date, the one left unread is the half-day the other is not.
    """
    done = list(columns)
    by_day: dict[date, list[int]] = {}
    for i, column in enumerate(columns):
        if column.date is not None:
            by_day.setdefault(column.date, []).append(i)
    for indices in by_day.values():
        halves = [columns[i].half_day for i in indices]
        if len(indices) != 2 or None not in halves:
            continue
        if halves == [None, None]:
            halves = [MATIN, APRES_MIDI]
        else:
            known = next(h for h in halves if h)
            other = APRES_MIDI if known == MATIN else MATIN
            halves = [h or other for h in halves]
        for i, half in zip(indices, halves, strict=True):
            done[i] = Column(columns[i].date, half, columns[i].hours, columns[i].label)
    return done


def _judge_cell(
    page: _Page, box: tuple[int, int, int, int], column: Column, person: str
) -> CellRead:
    ratio, inner = cell_ink(page.ink, page.lines, box, page.dpi)
    mark, confidence = ink_decision(ratio)
    # A thin stroke or a small "Abs." leaves less ink than a signature: anything above a
    # trace is looked at (a typed word of the text layer costs nothing to look at).
    if ratio > EMPTY_INK / 2 or page.exact and words_in(page.words, inner):
        marks = cell_marks(page.ink, page.lines, inner, page.dpi)
        if crossed_out(marks, page.dpi):
            mark, confidence = "absent", 0.9
        else:
            words = _cell_words(page, inner)
            if is_absent(words):
                mark, confidence = "absent", 0.9
            elif is_signed_mention(words):
                mark, confidence = "signed", 0.95  # with or without a signature image
            elif looks_absent(words):
                # A handwritten "absent" half read ("h Sent,"): not a signature to trust.
                confidence = min(confidence, UNPLACED)
            elif mark == "signed" and ink_beside_print(marks, inner, page.words) < SIGNED_INK:
                # Its ink is print (a neighbour's mention run on, a remark): no signature.
                confidence = min(confidence, UNPLACED)
            elif mark == "signed" and crossed_out(_with_stubs(page, inner), page.dpi):
                # A stroke across the cell once its flat end along the edge is kept: a
                # cross-out, or a signature over a rule's stub; a person tells.
                confidence = min(confidence, UNPLACED)
    if column.date is None or column.half_day is None:
        # Whatever the mark, nobody knows which half-day it is for: a person must say.
        confidence = min(confidence, UNPLACED)
    return CellRead(column.date, column.half_day, person, mark, round(confidence, 3), ratio, box)


def _cell_words(page: _Page, inner: tuple[int, int, int, int]) -> str:
    """The words written or typed in a cell ("ABS", "absent", "Signé le 12/03 à 9h04")."""
    printed = text_of(words_in(page.words, inner))
    if is_absent(printed) or page.exact and printed:
        return printed
    # The page OCR may merge a short word with the ruling, or miss a photo's blurred
    # print: the cell is read on its own, as one line (Tesseract's page mode finds no text
    # in a small crop of a photo, and is twice as slow), made crisp.
    crop = _clean_crop(page, inner, crisp=not page.exact)
    if crop is None:
        return printed
    if page.exact:
        return page.engine.recognise(crop, page.dpi).text
    return page.engine.recognise_line(crop, page.dpi).text


def _trainer_boxes(
    page: _Page, boxes: Sequence[Table], columns: Sequence[Column]
) -> list[CellRead]:
    """One-day sheets: the trainer signs in boxes under the table, labelled by half-day."""
    day = next((c.date for c in columns if c.date), None)
    labels = []
    for box in boxes:
        left, top, right, bottom = box.box
        reach = (bottom - top) // 2
        # The small label over a box is often missed by the page OCR on a photo.
        labels.append(_header_text(page, (left, top - reach, right, top), half_day_of))
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
        _judge_cell(page, box.box, Column(day, half, None, label), "")
        for box, half, label in zip(boxes, halves, labels, strict=True)
    ]


# --- documents -------------------------------------------------------------------------------


def read_view(view: PageView, engine: OcrEngine, after: Carry | None = None) -> SheetRead:
    """Read one page as the text stage left it (see :mod:`pipeline.reading.page`).

    A text layer gives every printed word exactly: the page is neither warped nor OCR'd.
    An OCR'd page is made square-on (the longest rules levelled, the main table's corners
    made a rectangle) and the words the text stage read move with it: it is not read again.
    Only an invisible text layer laid over a scan, whose boxes need not match the print,
    is OCR'd here. ``after``: the header of the previous page's table, for rows that run
    on with none.
    """
    started = time.perf_counter()
    if view.source == "layer" and view.exact:
        ruled = _Rulings.of(view.gray, view.dpi)
        page = _page_of(ruled, view.dpi, engine, view.words)
        return _read_page(page, ruled, started, after)
    if view.source == "layer":
        ruled, page, _ = _ocr_page(view.gray, view.dpi, engine)
        return _read_page(page, ruled, started, after)
    ruled, matrix = _squared(_Rulings.of(view.gray, view.dpi), view.dpi)
    words = view.words if matrix is None else warp_words(view.words, matrix)
    page = _page_of(ruled, view.dpi, engine, words, exact=False)
    return _read_page(page, ruled, started, after)


def read_picture(
    image: Image.Image,
    dpi: int,
    engine: OcrEngine,
    settings: OcrSettings,
    after: Carry | None = None,
) -> SheetRead:
    """A scanned or photographed sheet, read as the text stage reads a page (its clean-up,
    orientation and OCR: :func:`pipeline.ocr.read_image`), then as its view."""
    read = read_image(image, dpi, engine, settings)
    gray = redo(image, dpi, settings, read.geometry)
    view = PageView(1, gray, read.dpi, read.result.words, "ocr", rotation=read.rotation)
    return read_view(view, engine, after)


def read_pages(pdf: bytes, engine: OcrEngine, settings: OcrSettings) -> list[SheetRead]:
    """Every page of a PDF read as a sheet, after the text stage has read it."""
    return read_views(views(pdf, text_stage.read_pages(pdf, engine, settings), settings), engine)


def read_views(pages: Iterable[PageView], engine: OcrEngine) -> list[SheetRead]:
    """Every page read as a sheet; a table running on over the next page keeps its header
    and, on a one-trainee sheet, its trainee."""
    sheets: list[SheetRead] = []
    for view in pages:
        after = sheets[-1].carry if sheets else None
        sheet = read_view(view, engine, after)
        if sheets and sheet.carry and after and sheet.carry.columns == after.columns:
            sheet = _same_trainee(sheets[-1], sheet)
        sheets.append(sheet)
    return sheets


def _same_trainee(before: SheetRead, sheet: SheetRead) -> SheetRead:
    """A one-trainee sheet's rows running on to a page that names nobody: the trainee of
    the page before."""
    if sheet.layout != "trainee" or sheet.trainee or not before.trainee:
        return sheet
    cells = tuple(replace(c, person=before.trainee) for c in sheet.cells)
    problems = tuple(p for p in sheet.problems if not p.startswith("no trainee name"))
    return replace(sheet, cells=cells, trainee=before.trainee, problems=problems)
