"""Sheets of trainees as columns (a row per date or half-day) and one-trainee sheets, read
on scans and photos whose page OCR dropped or garbled part of the print."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PIL import Image

from pipeline.ocr import OcrResult, Word
from pipeline.reading import attendance, cells, sheet_grid, sheet_text, tables


def _word(text: str, left: int, top: int, confidence: float = 0.95) -> Word:
    return Word(text, confidence, (left, top, left + 12 * len(text), top + 24))


def test_an_e_attendance_time_whose_date_lost_a_slash_makes_no_date_column() -> None:
    # "Signé le 15/01/2026 à 13:06" scanned: the first slash lost, a speck before it.
    mention = "° Ah Signé le 1501/2026 à 13:06"
    assert sheet_text.is_timestamp(mention) and sheet_text.is_signed_mention(mention)
    assert not sheet_text.dated_cells(["", mention], 2026)
    # A row's date label, slashes kept or lost, still dates its column.
    assert not sheet_text.is_timestamp("Jeudi 15/01/2026")
    assert sheet_text.dated_cells(["Jeudi 15/01/2026", "Vendredi 1601/2026"], 2026)


def test_a_trainee_label_with_a_speck_before_its_colon_still_names_the_trainee() -> None:
    words = [_word("Formation", 100, 100), _word(":", 230, 100), _word("Tableur", 260, 100)]
    words += [_word("Bénéficiaire", 100, 140), _word(",:", 260, 140)]
    words += [_word("Mathis", 300, 140), _word("Roussel", 390, 140)]
    assert sheet_text.trainee_name(words, 400) == "Mathis Roussel"


def _columns_page(*header: Word) -> tuple[Any, tables.Table]:
    """A born-digital page, 200 dpi, the day in the title, under a table of trainees as
    columns: Période | Léa Garnier | Hugo Bernard (the names' words: ``header``), rows
    Matin and Après-midi."""
    gray = np.full((900, 1400), 255, np.uint8)
    blank = np.zeros_like(gray)
    words = (
        _word("Date", 100, 40),
        _word(":", 160, 40),
        _word("14/04/2026", 180, 40),
        _word("Période", 120, 120),
        *header,
        _word("Matin", 120, 200),
        _word("Après-midi", 120, 280),
    )
    page = cells.SheetPage(gray, 200, blank, blank, words, None, exact=True)  # type: ignore[arg-type]
    xs = (100, 400, 700, 1000)
    walls = tuple(tuple(True for _ in xs[1:-1]) for _ in range(3))
    return page, tables.Table(xs, (100, 170, 250, 330), walls)


def test_a_name_read_with_its_cell_s_rules_at_both_ends_is_no_boundary_cut() -> None:
    # A scan's walls read into the name ("|Léa Garnier|", across both walls of its cell):
    # the rules' signs taken off, the name lies within its column.
    bernard = (_word("Hugo", 760, 120), _word("Bernard", 820, 120))
    ruled = (Word("|Léa", 0.5, (392, 118, 460, 146)), Word("Garnier|.", 0.5, (470, 118, 712, 146)))
    page, grid = _columns_page(*ruled, *bernard)
    read = sheet_grid.read_grid(page, grid)[0]
    assert len(read) == 4 and all(c.confidence >= attendance.REVIEW_BELOW for c in read)
    assert "trainees' columns not found whole" not in sheet_grid.read_grid(page, grid)[3]
    # The same name's letters across a wall: whose cells are whose is for a person.
    cut = (Word("Léa", 0.5, (420, 118, 500, 146)), Word("Garnier", 0.5, (510, 118, 760, 146)))
    page, grid = _columns_page(*cut, *bernard)
    read = sheet_grid.read_grid(page, grid)[0]
    assert read and all(c.confidence < attendance.REVIEW_BELOW for c in read)


class _AboveEngine:
    """An OCR engine that reads, in a crop across the whole page (the print above a
    table), the line ``Stagiaire : Léa Martin`` at y 200 of the page (in the crop's
    pixels, its white border included); nothing in smaller crops."""

    def __init__(self, width: int, said: bool = True) -> None:
        self.width, self.said = width, said

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        if not self.said or image.width < self.width:
            return OcrResult("", 0.0)
        pad = dpi // 10
        line = [("Stagiaire", 100), (":", 230), ("Léa", 260), ("Martin", 320)]
        words = tuple(
            Word(t, 0.9, (x + pad, 200 + pad, x + pad + 12 * len(t), 224 + pad)) for t, x in line
        )
        return OcrResult("Stagiaire : Léa Martin", 0.9, words)

    recognise_line = recognise


def _one_trainee_page(said: bool) -> tuple[Any, tables.Table]:
    """A photographed one-trainee sheet, 200 dpi: a title the page OCR read, the
    trainee's line under it that it dropped, and a table Date | Matin | Après-midi of two
    dated rows, blank."""
    gray = np.full((900, 1400), 255, np.uint8)
    blank = np.zeros_like(gray)
    words = (
        _word("Feuille", 500, 80),
        _word("d'émargement", 600, 80),
        _word("Date", 120, 320),
        _word("Matin", 520, 320),
        _word("Après-midi", 920, 320),
        _word("12/01/2026", 120, 400),
        _word("13/01/2026", 120, 480),
    )
    page = cells.SheetPage(gray, 200, blank, blank, words, _AboveEngine(1400, said))  # type: ignore[arg-type]
    xs = (100, 500, 900, 1300)
    walls = tuple(tuple(True for _ in xs[1:-1]) for _ in range(3))
    return page, tables.Table(xs, (300, 370, 450, 530), walls)


def test_a_one_trainee_sheet_s_name_line_the_page_ocr_dropped_is_read_again_above_the_table() -> (
    None
):
    page, grid = _one_trainee_page(said=True)
    read, _, _, problems, trainee, _ = sheet_grid.read_grid(page, grid)
    assert trainee == "Léa Martin" and not problems
    assert len(read) == 4 and {c.person for c in read} == {"Léa Martin"}
    # Nothing read there either: nobody's cells, and the sheet says so.
    page, grid = _one_trainee_page(said=False)
    read, _, _, problems, trainee, _ = sheet_grid.read_grid(page, grid)
    assert not trainee and "no trainee name above the table" in problems


class _ShadeEngine:
    """An OCR engine that reads in a crop the words whose grey level it holds (each
    printed word of the test page drawn as a patch of its own grey); ``lowest``: of
    several, only the last (a shaded block whose top line Tesseract drops)."""

    def __init__(self, greys: dict[int, str], lowest: bool = False) -> None:
        self.greys, self.lowest = greys, lowest

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        pixels = np.asarray(image.convert("L"))
        found = [text for grey, text in sorted(self.greys.items()) if (pixels == grey).any()]
        found = found[-1:] if self.lowest else found
        return OcrResult(" ".join(found), 0.9 if found else 0.0)

    recognise_line = recognise


def _shaded_header_page(first_names: bool = False) -> tuple[Any, tables.Table]:
    """A photographed sheet, 200 dpi, of trainees as columns named over two header rows
    (NOM over Prénom) beside "Date" and "Créneau" cells spanning both rows, two days of
    AM and PM rows: the page OCR read the rows' labels and none of the header (with
    ``first_names``, the Prénom row, and the engine reads only the last line of a
    block)."""
    xs, ys = (100, 400, 600, 900, 1200, 1500), (300, 360, 420, 500, 580, 660, 740)
    gray = np.full((900, 1600), 255, np.uint8)
    lines = np.zeros_like(gray)
    for i, y in enumerate(ys):
        lines[y - 1 : y + 2, xs[2 if i == 1 else 0] : xs[-1]] = 255  # no rule under Date
    for x in xs:
        lines[ys[0] : ys[-1], x - 1 : x + 2] = 255
    header = [
        [(90, "Date")],
        [(91, "Créneau")],
        [(100, "SANCHEZ"), (101, "Kévin")],
        [(110, "BOUVIER"), (111, "Fanny")],
        [(120, "BRUNEL"), (121, "Quentin")],
    ]
    for col, prints in enumerate(header):
        for row, (grey, _) in enumerate(prints):
            gray[ys[row] + 20 : ys[row] + 40, xs[col] + 40 : xs[col] + 120] = grey
    greys = {grey: text for prints in header for grey, text in prints}
    words = []
    rows = [("Lundi 12", "AM"), ("Lundi 12", "PM"), ("Mardi 13", "AM"), ("Mardi 13", "PM")]
    for row, (day, half) in enumerate(rows, start=2):
        top = ys[row] + 25
        printed = f"{day} janvier 2026".split()
        words += [_word(t, 110 + 90 * i, top) for i, t in enumerate(printed)]
        words.append(_word(half, 410, top))
    if first_names:
        words += [
            _word(prints[1][1], xs[col] + 40, ys[1] + 20)
            for col, prints in enumerate(header)
            if len(prints) == 2
        ]
    engine = _ShadeEngine(greys, lowest=first_names)
    page = cells.SheetPage(gray, 200, np.zeros_like(gray), lines, tuple(words), engine)  # type: ignore[arg-type]
    walls = tuple(tuple(True for _ in xs[1:-1]) for _ in ys[1:])
    return page, tables.Table(xs, ys, walls)


@pytest.mark.parametrize("first_names", [False, True])
def test_names_over_two_header_rows_the_page_ocr_dropped_are_read_again_whole(
    first_names: bool,
) -> None:
    page, grid = _shaded_header_page(first_names)
    read, _, _, problems, _, _ = sheet_grid.read_grid(page, grid)
    assert not problems
    people = {"SANCHEZ Kévin", "BOUVIER Fanny", "BRUNEL Quentin"}
    assert {c.person for c in read} == people and len(read) == 12
    assert {(str(c.date), c.half_day) for c in read} == {
        (day, half) for day in ("2026-01-12", "2026-01-13") for half in ("matin", "apres-midi")
    }


class _LabelEngine:
    """An OCR engine that reads "MATIN" in a crop holding grey 90 (the row's label), a
    scrawl's "Ava" in any other."""

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        return OcrResult("MATIN" if (np.asarray(image) == 90).any() else "Ava", 0.9)

    recognise_line = recognise


@pytest.mark.parametrize("ruled", [True, False])
def test_a_row_whose_half_day_label_the_page_ocr_missed_is_no_header_despite_scrawls_read(
    ruled: bool,
) -> None:
    # Under the header, a row's first cell, its "MATIN" unread by the page OCR (a shaded
    # cell, a faint scan), signatures beside it read as words ("NUN", "Ava"): a row of
    # marks, not the second line of the trainees' names, its first cell ruled apart from
    # the header's or not.
    xs, ys = (100, 400, 700, 1000), (100, 170, 250, 330)
    gray = np.full((900, 1400), 255, np.uint8)
    gray[190:210, 150:250] = 90  # "MATIN"
    lines = np.zeros_like(gray)
    for y in ys:
        lines[y - 1 : y + 2, xs[0 if ruled or y != ys[1] else 1] : xs[-1]] = 255
    for x in xs:
        lines[ys[0] : ys[-1], x - 1 : x + 2] = 255
    words = [
        _word("Demi-journée", 120, 120),
        _word("FOURNIER", 420, 120),
        _word("Hélène", 540, 120),
        _word("CASTAGNÉ", 720, 120),
        _word("Maëlle", 840, 120),
    ]
    if ruled:
        words.append(_word("NUN", 720, 190, confidence=0.4))
    engine = _LabelEngine()
    page = cells.SheetPage(gray, 200, np.zeros_like(gray), lines, tuple(words), engine)  # type: ignore[arg-type]
    walls = tuple(tuple(True for _ in xs[1:-1]) for _ in ys[1:])
    assert not sheet_grid._names_below(page, tables.Table(xs, ys, walls), 1)


def _with_unread_column(ruled: bool) -> tuple[Any, tables.Table]:
    """:func:`_columns_page` with a fourth column, inked, whose small title reads as
    nothing ("Fo"); its sides ruled down the body or not (boundaries found from gaps)."""
    page, grid = _columns_page(_word("Léa", 420, 120), _word("Garnier", 470, 120))
    page.words = (*page.words, _word("Hugo", 720, 120), _word("Bernard", 780, 120))
    page.words = (*page.words, _word("Fo", 1100, 120))
    xs = (*grid.xs, 1300)
    lines, ink = np.zeros_like(page.gray), np.zeros_like(page.gray)
    if ruled:
        for x in xs:
            lines[100:330, x - 1 : x + 2] = 255
    ink[190:230, 1050:1250] = 255  # a signature in the unread column
    page.lines, page.ink = lines, ink
    walls = tuple(tuple(True for _ in xs[1:-1]) for _ in range(3))
    return page, tables.Table(xs, grid.ys, walls)


def test_an_unread_column_ruled_on_both_sides_leaves_the_trainees_columns_sure() -> None:
    # A trainer's column whose small title no reading finds: ruled down both sides, it
    # shares no trainee's cells, and the trainees' cells stay decided.
    page, grid = _with_unread_column(ruled=True)
    read = sheet_grid.read_grid(page, grid)
    assert "trainees' columns not found whole" not in read[3]
    assert len(read[0]) == 4 and all(c.confidence >= attendance.REVIEW_BELOW for c in read[0])
    # Its boundaries found from the print's gaps, it may hold a trainee's cells: review.
    page, grid = _with_unread_column(ruled=False)
    read = sheet_grid.read_grid(page, grid)
    assert "trainees' columns not found whole" in read[3]
    assert read[0] and all(c.confidence < attendance.REVIEW_BELOW for c in read[0])
