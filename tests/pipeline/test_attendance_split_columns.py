"""Trainees as columns, each named over two header rows (NOM over Prénom), dates and
half-days as rows: the header's second line, titles wrapped or merged over both rows, and
names a photo's OCR is unsure of."""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import numpy as np
import pytest

from pipeline.ocr import OcrResult, OcrSettings, TesserocrEngine, Word
from pipeline.reading import attendance, cells, header, sheet_grid, tables, unruled
from samples.gen import layouts as random_layouts
from tests.pipeline import sheet_layouts as layouts


@pytest.fixture(scope="module")
def engine() -> TesserocrEngine:
    return TesserocrEngine(OcrSettings())


def _split_columns_sheet(seed: int, **more: Any) -> Any:
    """A generated born-digital sheet: trainees as columns named NOM over Prénom, a row a
    half-day under a date column, a trainer's column last (``more``: other choices)."""
    drawn = random_layouts.draw_choices(random.Random(seed))
    choices = dataclasses.replace(
        drawn,
        axis="cols",
        names="split",
        number=False,
        company="",
        date_at="rows",
        halves="hrows",
        trainer="tcol",
        ruling="full",
        long=False,
        hand_names=False,
        **{"half_head": "Période", **more},
    )
    return random_layouts.draw_sheet(random.Random(seed), choices)


def test_a_trainer_column_title_wrapped_over_both_header_rows_leaves_the_names_the_columns(
    engine: TesserocrEngine,
) -> None:
    # Five trainees on a portrait page: "Visa du formateur" wraps, "Visa du" in the NOM
    # row, "formateur" in the Prénom row. Read over one row, "Visa du" is a signature
    # column and the sheet one trainee's; over both, the trainer's, beside five names.
    doc = _split_columns_sheet(6, trainer_head="Visa du formateur", landscape=False)
    assert len({s["trainee"] for s in doc.sessions}) == 5
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert layouts.misread(doc.sessions, sheets) == []
    assert all(not s.problems for s in sheets)


def test_names_over_columns_outweigh_a_signature_column_after_them() -> None:
    # "Visa du formateur" half read ("Visa du | e"): the two names before it still say
    # the trainees are the columns, and that last column is nobody's mark to take.
    labels = ["Date", "Période", "GARNIER | François", "LEFÈVRE | Hélène", "Visa du | e"]
    axes = header.plan(labels, 2026, [0], content={0: header.DATE, 1: header.HALF})
    assert axes is not None and axes.rows == "dates"
    assert axes.people == (2, 3) and axes.trainee == () and (axes.date, axes.half) == (0, 1)


def test_a_one_trainee_sheet_s_signature_column_keeps_its_plan() -> None:
    # Rows by date, one "Signature du stagiaire" column: no name over a column, the
    # trainee is named above the table.
    labels = ["Date", "Demi-journée", "Signature du stagiaire", "Visa du formateur"]
    axes = header.plan(labels, 2026, [0], content={0: header.DATE, 1: header.HALF})
    assert axes is not None and axes.rows == "dates" and axes.people == ()
    assert axes.trainee == (2,) and axes.trainer == (3,)
    # One name before a signature column is not enough to turn the sheet round.
    labels = ["Date", "Demi-journée", "Léa Martin", "Signature"]
    axes = header.plan(labels, 2026, [0], content={0: header.DATE, 1: header.HALF})
    assert axes is not None and axes.people == () and axes.trainee == (3,)


def _merged_title_page(rule_across_titles: bool) -> tuple[Any, tables.Table]:
    """A born-digital page, 200 dpi, the day in the title, under a table of trainees as
    columns named NOM over Prénom; "Demi-journée" centred over both header rows (its
    print lies in the second), rows AM and PM. ``rule_across_titles``: the rule between
    the header rows runs across the title's column too (a photo's shading edge)."""
    gray = np.full((900, 1400), 255, np.uint8)
    lines = np.zeros_like(gray)
    xs, ys = (100, 400, 700, 1000), (100, 160, 220, 300, 380)
    lines[[*ys], xs[0] : xs[-1]] = 255
    lines[ys[0] : ys[-1], [*xs]] = 255
    if not rule_across_titles:
        lines[ys[1], xs[0] : xs[1]] = 0

    def word(text: str, left: int, top: int) -> Word:
        return Word(text, 0.95, (left, top, left + 14 * len(text), top + 26))

    words = (
        word("Date", 100, 40),
        word(":", 170, 40),
        word("06/02/2026", 190, 40),
        word("PÉRIER", 480, 118),
        word("NGUYEN", 780, 118),
        word("Demi-journée", 150, 150),
        word("Solène", 480, 178),
        word("Hélène", 780, 178),
        word("AM", 150, 245),
        word("PM", 150, 325),
    )
    page = cells.SheetPage(gray, 200, np.zeros_like(gray), lines, words, None, exact=True)  # type: ignore[arg-type]
    walls = tuple(tuple(True for _ in xs[1:-1]) for _ in ys[1:])
    return page, tables.Table(xs, ys, walls)


@pytest.mark.parametrize("rule_across_titles", [False, True])
def test_a_row_title_merged_over_both_header_rows_keeps_the_prenom_row_in_the_header(
    rule_across_titles: bool,
) -> None:
    page, grid = _merged_title_page(rule_across_titles)
    read = sheet_grid.read_grid(page, grid)[0]
    assert {c.person for c in read} == {"PÉRIER Solène", "NGUYEN Hélène"}
    assert {(str(c.date), c.half_day) for c in read} == {
        ("2026-02-06", attendance.MATIN),
        ("2026-02-06", attendance.APRES_MIDI),
    }


class _SameEngine:
    """An OCR engine that reads every crop as the same text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def recognise(self, image: object, dpi: int) -> OcrResult:
        return OcrResult(self.text, 0.4)

    def recognise_line(self, image: object, dpi: int) -> OcrResult:
        return OcrResult(self.text, 0.4)


@pytest.mark.parametrize(("confidence", "kept"), [(0.95, "AZAÏS"), (0.39, "")])
def test_a_name_line_the_ocr_is_unsure_of_and_reads_the_same_again_is_no_name(
    confidence: float, kept: str
) -> None:
    # A photo's shaded header: "AZAÏS" read "LEE" unsurely, and "LEE" again on its own.
    gray = np.full((400, 600), 255, np.uint8)
    ink = np.zeros_like(gray)
    ink[120:146, 210:300] = 255
    text = "AZAÏS" if kept else "LEE"
    words = (Word(text, confidence, (210, 120, 300, 146)),)
    page = cells.SheetPage(gray, 200, ink, np.zeros_like(gray), words, _SameEngine(text))  # type: ignore[arg-type]
    assert sheet_grid._name_line(page, (200, 100, 400, 160)) == kept


def test_a_word_boxed_across_several_columns_is_no_boundary_cutting_a_title() -> None:
    # The OCR's guess over a shaded band: three letters boxed over four columns.
    gray = np.full((400, 1400), 255, np.uint8)
    blank = np.zeros_like(gray)
    xs = (100, 400, 700, 1000, 1300)
    walls = tuple(tuple(True for _ in xs[1:-1]) for _ in range(2))
    grid = tables.Table(xs, (100, 170, 250), walls)
    speck = (Word("LEE", 0.39, (150, 104, 1250, 166)),)
    page = cells.SheetPage(gray, 200, blank, blank, speck, None)  # type: ignore[arg-type]
    assert not sheet_grid._header_cut(page, grid, 1)
    cut = (Word("Bernard", 0.9, (650, 110, 760, 140)),)
    page = cells.SheetPage(gray, 200, blank, blank, cut, None)  # type: ignore[arg-type]
    assert sheet_grid._header_cut(page, grid, 1)


def _number_headed_page(body: tuple[str, str]) -> tuple[Any, tables.Table, header.Plan]:
    """A scanned page's table: Jour | Créneau | a column headed "n" | HADDOU Pierre-Louis,
    two rows, the third column's cells holding ``body``; and its plan."""
    gray = np.full((700, 1400), 255, np.uint8)
    blank = np.zeros_like(gray)
    xs, ys = (100, 350, 600, 900, 1200), (100, 220, 320, 420)

    def word(text: str, left: int, top: int) -> Word:
        return Word(text, 0.9, (left, top, left + 14 * len(text), top + 26))

    words = [word("Jour", 150, 150), word("Créneau", 400, 150), word("n", 700, 150)]
    words += [word("HADDOU", 950, 120), word("Pierre-Louis", 950, 170)]
    words += [word("05/05/2026", 150, 250), word("MATIN", 400, 250)]
    words += [word("05/05/2026", 150, 350), word("APRÈS-MIDI", 400, 350)]
    words += [word(text, 650, top) for text, top in zip(body, (250, 350), strict=True)]
    page = cells.SheetPage(gray, 200, blank, blank, tuple(words), None)  # type: ignore[arg-type]
    walls = tuple(tuple(True for _ in xs[1:-1]) for _ in ys[1:])
    labels = ["Jour", "Créneau", "n", "HADDOU | Pierre-Louis"]
    axes = header.plan(labels, 2026, [0], content={0: header.DATE, 1: header.HALF})
    assert axes is not None and axes.people == (3,) and axes.number == 2
    return page, tables.Table(xs, ys, walls), axes


def test_a_column_headed_like_a_row_number_over_marks_is_read_again_as_a_trainee_s() -> None:
    # "TRAN | Léa" left as "n" by a scan: its cells hold e-attendance mentions, which no
    # row number column holds; its header is read again as a name.
    page, grid, axes = _number_headed_page(("Signé le 05/05/2026", "Absent"))
    assert sheet_grid._unsaid(page, grid, 1, axes, 2)
    page, grid, axes = _number_headed_page(("1", "2"))
    assert not sheet_grid._unsaid(page, grid, 1, axes, 2)
    exact = dataclasses.replace(page, exact=True)
    assert not sheet_grid._unsaid(exact, grid, 1, axes, 2)


def test_a_speck_in_the_afternoon_s_date_cell_leaves_it_the_morning_s_day() -> None:
    # The date printed once a day, on the morning's row: a scan's speck under it read
    # "j" is no date of its own, and the afternoon is the same day's.
    gray = np.full((700, 1400), 255, np.uint8)
    blank = np.zeros_like(gray)
    xs, ys = (100, 400, 650, 950, 1250), (100, 170, 270, 370)

    def word(text: str, left: int, top: int) -> Word:
        return Word(text, 0.95, (left, top, left + 14 * len(text), top + 26))

    words = (
        word("Date", 150, 120),
        word("Horaires", 420, 120),
        word("Léa", 700, 120),
        word("Martin", 760, 120),
        word("Hugo", 1000, 120),
        word("Bernard", 1070, 120),
        word("lundi", 120, 205),
        word("14/09/2026", 200, 205),
        word("9h00-12h30", 420, 205),
        word("j", 200, 305),
        word("13h30-17h00", 420, 305),
    )
    page = cells.SheetPage(gray, 200, blank, blank, words, None, exact=True)  # type: ignore[arg-type]
    walls = tuple(tuple(True for _ in xs[1:-1]) for _ in ys[1:])
    read, _, _, problems, _, _ = sheet_grid.read_grid(page, tables.Table(xs, ys, walls))
    assert not problems
    assert {(str(c.date), c.half_day) for c in read} == {
        ("2026-09-14", attendance.MATIN),
        ("2026-09-14", attendance.APRES_MIDI),
    }


def test_a_first_row_signature_read_as_a_tall_word_beside_the_prenom_line_ends_the_header() -> None:
    # An unruled body under NOM over Prénom: the first row's cross-out, read "se" boxed
    # from the Prénom line down into the row, must not join that row to the header.
    def word(text: str, left: int, top: int, bottom: int, confidence: float = 0.9) -> Word:
        return Word(text, confidence, (left, top, left + 14 * len(text), bottom))

    words = [
        word("Date", 210, 380, 406),
        word("VIDALENC", 640, 348, 376),
        word("MARTIN", 850, 348, 376),
        word("Ibrahim", 650, 408, 436),
        word("Kévin", 850, 408, 436),
        word("se", 630, 410, 526, confidence=0.04),
        word("Mer.", 120, 482, 501),
        word("18/11/2026", 200, 482, 501),
        word("Muu", 850, 482, 521, confidence=0.3),
    ]
    lines = unruled._lines(words)
    band = unruled._header_band(lines, 0)
    assert {w.text for w in band} == {"Date", "VIDALENC", "MARTIN", "Ibrahim", "Kévin"}


@pytest.mark.parametrize(
    ("name", "odd"),
    [
        ("MERCIER | xévin", True),
        ("DE LA FONTAINE | François", False),
        ("Rémi van den Broek", False),
        ("Thuy d'Arvieu", False),
        ("Ibrahim de La Fontaine", False),
    ],
)
def test_a_name_word_starting_lower_case_is_a_misread_unless_a_particle(
    name: str, odd: bool
) -> None:
    assert sheet_grid._uncapitalised(name) is odd


def test_a_trainee_s_name_read_surely_with_a_lower_case_first_letter_leaves_the_column_unsure() -> (
    None
):
    # "Kévin" read "xévin" at 0.99 by a photo's page OCR, and the same again on its own:
    # whose column it is, a person says.
    gray = np.full((400, 800), 255, np.uint8)
    ink = np.zeros_like(gray)
    ink[110:140, 420:560] = 255
    ink[170:200, 420:520] = 255
    words = (
        Word("MERCIER", 0.99, (420, 110, 560, 140)),
        Word("xévin", 0.99, (420, 170, 520, 200)),
    )
    page = cells.SheetPage(gray, 200, ink, np.zeros_like(gray), words, _SameEngine("MERCIER xévin"))  # type: ignore[arg-type]
    grid = tables.Table((100, 400, 700), (100, 160, 220, 300), ((True,),) * 3)
    column = attendance.Column(None, None, None, "MERCIER | xévin")
    assert not sheet_grid._person_read_again(page, grid, 2, 1, column).sure
    words = (Word("MERCIER", 0.99, (420, 110, 560, 140)), Word("Kévin", 0.99, (420, 170, 520, 200)))
    page = dataclasses.replace(page, words=words)
    column = attendance.Column(None, None, None, "MERCIER | Kévin")
    assert sheet_grid._person_read_again(page, grid, 2, 1, column).sure


def test_a_speck_read_as_a_capital_beside_a_sure_name_leaves_the_column_sure() -> None:
    # "G NGUYEN | Zoé": a scan's speck read "G" is read again, not a misread name.
    gray = np.full((400, 800), 255, np.uint8)
    ink = np.zeros_like(gray)
    ink[110:140, 420:560] = 255
    words = (
        Word("G", 0.95, (405, 110, 415, 140)),
        Word("NGUYEN", 0.99, (420, 110, 560, 140)),
        Word("Zoé", 0.99, (420, 170, 490, 200)),
    )
    page = cells.SheetPage(gray, 200, ink, np.zeros_like(gray), words, _SameEngine("NGUYEN Zoé"))  # type: ignore[arg-type]
    grid = tables.Table((100, 400, 700), (100, 160, 220, 300), ((True,),) * 3)
    column = attendance.Column(None, None, None, "G NGUYEN | Zoé")
    assert sheet_grid._person_read_again(page, grid, 2, 1, column).sure


def test_a_column_under_half_as_wide_as_the_trainees_is_no_trainee_s_column() -> None:
    # A boundary found inside "Visa du formateur" (a shaded title's edge): the sliver's
    # print, read as "En | Li", names nobody.
    grid = tables.Table((100, 330, 560, 790, 850, 1020), (100, 200, 300), ((True,) * 4,) * 2)
    assert sheet_grid._sliver(grid, 3, {1, 2})
    assert not sheet_grid._sliver(grid, 2, {1})
    assert not sheet_grid._sliver(grid, 4, {1, 2})
