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

This module reads documents and pages; the parts live beside it: :mod:`.sheet_results`
(what is read), :mod:`.tables` (the ruled grid, the page squared), :mod:`.cells` (a cell's
ink, cross-outs and judgement), :mod:`.sheet_text` (what printed words say),
:mod:`.sheet_columns` (the header), :mod:`.sheet_grid` (the body's rows) and
:mod:`.sheet_page` (one page, its table or stacked séance tables).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from PIL import Image
from rapidfuzz.distance import Levenshtein

from pipeline import text as text_stage
from pipeline.ocr import (
    OcrEngine,
    OcrSettings,
    read_image,
    redo,
)
from pipeline.parse import fold
from pipeline.reading.page import PageView, views, warp_words
from pipeline.reading.sheet_page import ocr_page, page_of, read_page
from pipeline.reading.sheet_results import (
    APRES_MIDI,
    MATIN,
    NAME_UNREAD,
    REVIEW_BELOW,
    UNPLACED,
    Carry,
    CellRead,
    Column,
    SheetRead,
)
from pipeline.reading.tables import Rulings, squared
from pipeline.reading.unheld import NOT_HELD

__all__ = [
    "APRES_MIDI",
    "MATIN",
    "REVIEW_BELOW",
    "Carry",
    "CellRead",
    "Column",
    "SheetRead",
    "read_pages",
    "read_picture",
    "read_view",
    "read_views",
]


def read_view(view: PageView, engine: OcrEngine, after: Carry | None = None) -> SheetRead:
    """Read one page as the text stage left it (:func:`_read_view`), without the cells the
    sheet marks as not held (shaded, "Férié"): they are nobody's absence."""
    sheet = _read_view(view, engine, after)
    cells = _one_read_a_key(tuple(c for c in sheet.cells if c.mark != NOT_HELD))
    trainer = tuple(_trainer_mark(c) for c in sheet.trainer if c.mark != NOT_HELD)
    if cells == sheet.cells and trainer == sheet.trainer:
        return sheet
    return replace(sheet, cells=cells, trainer=trainer)


def _one_read_a_key(cells: tuple[CellRead, ...]) -> tuple[CellRead, ...]:
    """A page's cells with one read per trainee and half-day. A sheet gives a trainee one
    box a half-day: two read under the same key come from a column or row whose date or
    half-day was misread. Reads that agree are one decision (the surest kept); reads that
    disagree are each for a person, none knows which box is the half-day's."""
    keyed: dict[tuple[object, ...], list[int]] = {}
    for i, cell in enumerate(cells):
        if cell.person and cell.date is not None and cell.half_day is not None:
            keyed.setdefault((fold(cell.person), cell.date, cell.half_day), []).append(i)
    dropped: set[int] = set()
    capped: set[int] = set()
    for same in keyed.values():
        if len(same) < 2:
            continue
        if len({cells[i].mark for i in same}) == 1:
            surest = max(same, key=lambda i: cells[i].confidence)
            dropped.update(i for i in same if i != surest)
        else:
            capped.update(same)
    if not dropped and not capped:
        return cells
    return tuple(
        replace(c, confidence=min(c.confidence, UNPLACED)) if i in capped else c
        for i, c in enumerate(cells)
        if i not in dropped
    )


def _trainer_mark(cell: CellRead) -> CellRead:
    """A trainer's box read "absent" (a word read in it, a stroke across it) is for a person
    to see: the trainer is not absent from the training they give, and a scrawl read as
    "abs" would report their signature missing."""
    if cell.mark != "absent":
        return cell
    return replace(cell, confidence=min(cell.confidence, UNPLACED))


def _read_view(view: PageView, engine: OcrEngine, after: Carry | None = None) -> SheetRead:
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
        ruled = Rulings.of(view.gray, view.dpi)
        page = page_of(ruled, view.dpi, engine, view.words)
        return read_page(page, ruled, started, after)
    if view.source == "layer":
        ruled, page = ocr_page(view.gray, view.dpi, engine)
        return read_page(page, ruled, started, after)
    ruled, matrix = squared(Rulings.of(view.gray, view.dpi), view.dpi)
    words = view.words if matrix is None else warp_words(view.words, matrix)
    page = page_of(ruled, view.dpi, engine, words, exact=False)
    return read_page(page, ruled, started, after)


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
    gray = read.gray if read.gray is not None else redo(image, dpi, settings, read.geometry)
    view = PageView(1, gray, read.dpi, read.result.words, "ocr")
    return _unnamed_waits(read_view(view, engine, after))


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
    return _names_agreed([_unnamed_waits(s) for s in sheets])


def _roster(sheet: SheetRead) -> list[str]:
    """The trainees a page names, top to bottom."""
    tops: dict[str, int] = {}
    for cell in sheet.cells:
        if cell.person:
            tops[cell.person] = min(tops.get(cell.person, cell.box[1]), cell.box[1])
    return sorted(tops, key=lambda name: tops[name])


def _names_agreed(sheets: list[SheetRead]) -> list[SheetRead]:
    """A document's pages listing the same trainees (one page a day, each row's name a
    letter at most from the other pages'): a name read a letter apart (a handwritten
    name's "J" read "I" or lost) is one trainee, spelt as most pages read it, with its
    accents (a tie is left as read)."""
    rosters = [_roster(s) for s in sheets]
    if len([r for r in rosters if r]) < 3:
        return sheets
    renamed: dict[str, str] = {}
    for roster in rosters:
        for row, name in enumerate(roster):
            same = Counter(
                other[row]
                for other in rosters
                if len(other) == len(roster) and all(map(_near, other, roster))
            )
            by_letters: Counter[str] = Counter()
            for spelt, count in same.items():
                by_letters[fold(spelt)] += count
            letters, count = by_letters.most_common(1)[0]
            if count * 2 <= sum(same.values()):
                letters = fold(name)
            # Of spellings alike but for accents, the accented: the OCR drops them.
            best = max(
                (n for n in same if fold(n) == letters), key=lambda n: (_accents(n), same[n])
            )
            if best != name:
                renamed[name] = best
    if not renamed:
        return sheets
    return [
        replace(s, cells=tuple(replace(c, person=renamed.get(c.person, c.person)) for c in s.cells))
        for s in sheets
    ]


def _accents(name: str) -> int:
    return sum(not c.isascii() for c in name)


def _near(a: str, b: str) -> bool:
    """Two readings of one name: as many words, one letter apart at most."""
    return len(a.split()) == len(b.split()) and Levenshtein.distance(fold(a), fold(b)) <= 1


def _unnamed_waits(sheet: SheetRead) -> SheetRead:
    """A one-trainee sheet's page naming nobody, and no page before it to take the name
    from (a photographed second page alone): its cells are nobody's yet, for a person."""
    if sheet.layout != "trainee" or sheet.trainee or all(c.person for c in sheet.cells):
        return sheet
    cells = tuple(
        c if c.person else replace(c, confidence=min(c.confidence, UNPLACED)) for c in sheet.cells
    )
    return replace(sheet, cells=cells)


#: A table runs on to the next page only when it reaches this far down its own (as a share
#: of the page's height): one ending higher left room for more rows, so the next page's
#: table starts another sheet.
RUNS_ON_BELOW = 0.75


def _same_trainee(before: SheetRead, sheet: SheetRead) -> SheetRead:
    """A one-trainee sheet's rows running on to a page that names nobody: the trainee of
    the page before. Not a page that prints a name line of its own the OCR left unread,
    nor one after a table that ended with room for more rows: another trainee's sheet,
    whose cells wait for a person (:func:`_unnamed_waits`)."""
    if sheet.layout != "trainee" or sheet.trainee or not before.trainee:
        return sheet
    if NAME_UNREAD in sheet.problems or not before.carry or before.carry.foot < RUNS_ON_BELOW:
        return sheet
    cells = tuple(replace(c, person=before.trainee) for c in sheet.cells)
    problems = tuple(p for p in sheet.problems if not p.startswith("no trainee name"))
    return replace(sheet, cells=cells, trainee=before.trainee, problems=problems)
