"""Attendance sheets of other layouts, read by what their header cells mean."""

from __future__ import annotations

import dataclasses
import io
import random
from collections.abc import Sequence
from datetime import date
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4, landscape

from pipeline.ocr import OcrResult, OcrSettings, TesserocrEngine, Word
from pipeline.parse import same_person
from pipeline.reading import (
    attendance,
    cells,
    header,
    sheet_columns,
    sheet_grid,
    sheet_page,
    sheet_text,
    tables,
    unruled,
)
from samples.gen import layouts as random_layouts
from samples.gen import render
from samples.gen.pen import Pen
from tests.pipeline import sheet_layouts as layouts

TUESDAY = date(2026, 4, 14)


@pytest.fixture(scope="module")
def engine() -> TesserocrEngine:
    return TesserocrEngine(OcrSettings())


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("N°", header.NUMBER),
        ("NOM", header.LAST),
        ("Prénom", header.FIRST),
        ("Nom et prénom", header.NAME),
        ("Participant·e", header.NAME),
        ("Fonction / service", header.OTHER),
        ("Entreprise", header.OTHER),
        ("Date", header.DATE),
        ("Demi-journée", header.HALF),
        ("Demi - journée", header.HALF),  # the OCR spaced out the hyphen
        ("Horaires", header.HOURS),
        ("Durée", header.DURATION),
        ("Matin (9h-12h30)", header.SLOT),
        ("Lun. 10/03 | Après-midi", header.SLOT),
        ("13h30-17h", header.SLOT),
        ("Signature du stagiaire", header.TRAINEE),
        ("Signature du bénéficiaire", header.TRAINEE),
        ("Signature de l'intervenant·e", header.TRAINER),
        ("Visa de la formatrice", header.TRAINER),
        ("Signature de l'iniervenant", header.TRAINER),  # an OCR slip
        ("Date de la séance", header.DATE),
        ("Horaires de la séance", header.HOURS),
        ("Émargement AM", header.SLOT),
        ("Présence", header.TRAINEE),
        ("Nom d'usage", header.LAST),
        ("Demi-journée", header.HALF),
        ("Deni- journée", header.HALF),  # a photo's OCR slip in "Demi"
    ],
)
def test_a_header_cell_s_role_comes_from_its_words(label: str, role: str) -> None:
    assert header.role_of(label).kind == role


def test_names_in_two_columns_make_rows_trainees_and_the_number_column_no_name() -> None:
    axes = header.plan(["N°", "NOM", "Prénom", "Fonction", "Matin", "Après-midi"])
    assert axes is not None and axes.rows == "trainees"
    assert axes.names == (1, 2) and axes.number == 0 and axes.slots == (4, 5)


def test_a_date_column_without_names_makes_rows_dates() -> None:
    labels = ["Date", "Demi-journée", "Horaires", "Signature du stagiaire", "Signature formateur"]
    axes = header.plan(labels)
    assert axes is not None and axes.rows == "dates"
    assert (axes.date, axes.half, axes.trainee, axes.trainer) == (0, 1, (3,), (4,))


def test_headers_naming_no_signature_column_give_no_plan() -> None:
    assert header.plan(["Nom", "Prénom", "Entreprise"]) is None


def _cells(sheets: list[attendance.SheetRead]) -> dict[tuple[str, date | None, str | None], str]:
    return {(c.person, c.date, c.half_day): c.mark for s in sheets for c in s.cells}


def _check_per_day(sheet: attendance.SheetRead) -> None:
    got = _cells([sheet])
    want = {}
    for last, first, _, am, pm in layouts.DAY_PEOPLE:
        want[(f"{last} {first}", TUESDAY, attendance.MATIN)] = "signed" if am else "empty"
        want[(f"{last} {first}", TUESDAY, attendance.APRES_MIDI)] = "signed" if pm else "empty"
    assert len(got) == len(want)
    for (who, day, half), mark in want.items():
        found = [
            m
            for (p, d, h), m in got.items()
            if (d, h) == (day, half) and same_person(p, who) >= 0.8
        ]
        assert found == [mark], (who, half, got)
    assert [(t["half_day"], t["signed"]) for t in sheet.trainer_signed()] == [
        (attendance.MATIN, True),
        (attendance.APRES_MIDI, True),
    ]


@pytest.mark.parametrize("ruled_header", [True, False])
def test_per_day_sheet_joins_nom_and_prenom_and_dates_cells_from_the_title(
    engine: TesserocrEngine, ruled_header: bool
) -> None:
    pdf = layouts.per_day_sheet(ruled_header=ruled_header)
    (sheet,) = attendance.read_pages(pdf, engine, OcrSettings())
    assert {c.person for c in sheet.cells} == {f"{a} {b}" for a, b, *_ in layouts.DAY_PEOPLE}
    _check_per_day(sheet)
    assert not sheet.doubtful()


@pytest.mark.ocr
def test_scanned_per_day_sheet_with_an_unruled_shaded_header_reads_every_cell(
    engine: TesserocrEngine,
) -> None:
    scan = render.scan(layouts.per_day_sheet(ruled_header=False), seed=11)
    (sheet,) = attendance.read_pages(scan, engine, OcrSettings())
    _check_per_day(sheet)
    assert not any(c.person.strip().isdigit() for c in sheet.cells)


def _check_per_trainee(sheet: attendance.SheetRead) -> None:
    assert sheet.layout == "trainee" and sheet.trainee == "Firmin Aubertin"
    got = {(c.date, c.half_day): c.mark for c in sheet.cells}
    want = {
        (date(2026, 5, int(d[:2])), attendance.MATIN if h == "Matin" else attendance.APRES_MIDI): (
            "signed" if me else "empty"
        )
        for d, h, _, me, _ in layouts.TRAINEE_ROWS
    }
    assert got == want
    assert [t["signed"] for t in sheet.trainer_signed()] == [True] * 4


@pytest.mark.parametrize(("who", "ruled_header"), [("Stagiaire", False), ("Bénéficiaire", True)])
def test_per_trainee_sheet_reads_a_row_per_date_and_half_day(
    engine: TesserocrEngine, who: str, ruled_header: bool
) -> None:
    pdf = layouts.per_trainee_sheet(who=who, ruled_header=ruled_header)
    (sheet,) = attendance.read_pages(pdf, engine, OcrSettings())
    _check_per_trainee(sheet)


def test_a_blank_date_cell_under_the_morning_row_is_the_same_day_s_afternoon(
    engine: TesserocrEngine,
) -> None:
    pdf = layouts.per_trainee_sheet(date_once=True)
    (sheet,) = attendance.read_pages(pdf, engine, OcrSettings())
    _check_per_trainee(sheet)
    assert not sheet.doubtful()


@pytest.mark.ocr
def test_scanned_per_trainee_sheet_with_an_unruled_header_reads_a_row_per_half_day(
    engine: TesserocrEngine,
) -> None:
    scan = render.scan(layouts.per_trainee_sheet(ruled_header=False), seed=12)
    (sheet,) = attendance.read_pages(scan, engine, OcrSettings())
    _check_per_trainee(sheet)


def test_a_header_row_naming_the_columns_never_becomes_a_trainee(
    engine: TesserocrEngine,
) -> None:
    pdf = layouts.grid_with_titled_second_header()
    (sheet,) = attendance.read_pages(pdf, engine, OcrSettings())
    assert {c.person for c in sheet.cells} == {name for name, _ in layouts.GRID_PEOPLE}
    assert len(sheet.cells) == 4


def test_trainees_as_columns_with_hours_rows_read_marks_typed_mentions_and_excuses(
    engine: TesserocrEngine,
) -> None:
    (sheet,) = attendance.read_pages(layouts.trainee_columns_sheet(), engine, OcrSettings())
    got = {(c.person, c.date, c.half_day): c.mark for c in sheet.cells}
    duval, ollier = layouts.COLUMN_PEOPLE
    monday, tuesday = date(2026, 5, 11), date(2026, 5, 12)
    assert got == {
        (duval, monday, attendance.MATIN): "signed",
        (ollier, monday, attendance.MATIN): "signed",  # "Signé le 11/05/2026 à 09:04"
        (duval, monday, attendance.APRES_MIDI): "signed",
        (ollier, monday, attendance.APRES_MIDI): "absent",  # "Excusé"
        (duval, tuesday, attendance.MATIN): "empty",
        (ollier, tuesday, attendance.MATIN): "signed",
    }
    assert not sheet.doubtful()
    assert [t["signed"] for t in sheet.trainer_signed()] == [True] * 3


@pytest.mark.parametrize(
    ("text", "absent", "signed"),
    [
        ("Signé le 12/03/2026 à 09:04", False, True),
        ("Émargé électroniquement le 12/03", False, True),
        ("Excusée", True, False),
        ("absent(e)", True, False),
        ("Signature", False, False),
    ],
)
def test_cell_words_tell_absences_from_electronic_signatures(
    text: str, absent: bool, signed: bool
) -> None:
    assert (sheet_text.is_absent(text), sheet_text.is_signed_mention(text)) == (absent, signed)


@pytest.mark.parametrize("framed", [False, True])
def test_seance_tables_stacked_down_a_page_each_take_their_heading_s_day_and_half(
    engine: TesserocrEngine, framed: bool
) -> None:
    # framed: each séance's table a frame with no rule inside, read from its words.
    pdf = layouts.seance_tables_sheet(framed=framed)
    (sheet,) = attendance.read_pages(pdf, engine, OcrSettings())
    monday, tuesday = date(2026, 5, 18), date(2026, 5, 19)
    slots = (
        (monday, attendance.MATIN),
        (monday, attendance.APRES_MIDI),
        (tuesday, attendance.MATIN),
    )
    want = {
        (who, day, half): "signed" if signed else "empty"
        for (day, half), (_, marks) in zip(slots, layouts.SEANCES, strict=True)
        for who, signed in zip(layouts.SEANCE_PEOPLE, marks, strict=True)
    }
    assert _cells([sheet]) == want
    assert [(t["date"], t["half_day"], t["signed"]) for t in sheet.trainer_signed()] == [
        (day.isoformat(), half, True) for day, half in slots
    ]
    assert not sheet.doubtful()


@pytest.mark.ocr
def test_scanned_seance_tables_are_each_dated_by_their_heading(engine: TesserocrEngine) -> None:
    scan = render.scan(layouts.seance_tables_sheet(), seed=14)
    (sheet,) = attendance.read_pages(scan, engine, OcrSettings())
    got = {(d, h) for _, d, h in _cells([sheet])}
    assert got == {
        (date(2026, 5, 18), attendance.MATIN),
        (date(2026, 5, 18), attendance.APRES_MIDI),
        (date(2026, 5, 19), attendance.MATIN),
    }
    assert len(sheet.cells) == 9 and len(sheet.trainer) == 3


@pytest.mark.ocr
def test_a_trainer_s_box_labelled_with_the_seance_above_does_not_undo_the_next_heading(
    engine: TesserocrEngine,
) -> None:
    # Under each séance table a box for the trainer, labelled with that séance's half-day
    # ("Matin (9h00-12h30)"): the next table's heading names the other half; the label
    # belongs to the box above, not to the heading of the table below.
    scan = render.scan(layouts.seance_tables_sheet(visa=True), seed=14)
    (sheet,) = attendance.read_pages(scan, engine, OcrSettings())
    got = {(d, h) for _, d, h in _cells([sheet])}
    assert got == {
        (date(2026, 5, 18), attendance.MATIN),
        (date(2026, 5, 18), attendance.APRES_MIDI),
        (date(2026, 5, 19), attendance.MATIN),
    }
    assert len(sheet.cells) == 9


@pytest.mark.ocr
def test_the_trainer_s_box_under_each_seance_table_signs_that_seance(
    engine: TesserocrEngine,
) -> None:
    scan = render.scan(layouts.seance_tables_sheet(visa=True), seed=14)
    (sheet,) = attendance.read_pages(scan, engine, OcrSettings())
    assert [(t.date, t.half_day, t.mark) for t in sheet.trainer] == [
        (date(2026, 5, 18), attendance.MATIN, "signed"),
        (date(2026, 5, 18), attendance.APRES_MIDI, "signed"),
        (date(2026, 5, 19), attendance.MATIN, "signed"),
    ]


def test_a_table_running_on_over_a_page_without_header_is_read_under_the_first_page_s(
    engine: TesserocrEngine,
) -> None:
    first, second = attendance.read_pages(layouts.long_table_sheet(), engine, OcrSettings())
    thursday = date(2026, 5, 21)
    want = {}
    for last, name, am, pm in layouts.LONG_PEOPLE:
        want[(f"{last} {name}", thursday, attendance.MATIN)] = "signed" if am else "empty"
        want[(f"{last} {name}", thursday, attendance.APRES_MIDI)] = "signed" if pm else "empty"
    assert _cells([first, second]) == want
    assert not second.doubtful()
    assert [t["signed"] for t in second.trainer_signed()] == [True, True]


@pytest.mark.parametrize(
    ("text", "doubt"),
    [("h Sent,", True), ("Exuse", True), ("vrrd", False), ("Dre", False), ("Benhamou", False)],
)
def test_handwriting_read_as_nearly_an_absence_word_is_left_for_a_person(
    text: str, doubt: bool
) -> None:
    assert sheet_text.looks_absent(text) is doubt


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Nom et prénom", True),
        ("NOM Prénom", True),
        ("Participant(e)s", True),
        ("VILLE Marie", False),  # a surname that is also a column word
        ("JOUR Pauline", False),
        ("Dupont", False),
    ],
)
def test_only_a_cell_made_of_title_words_is_a_header_never_a_trainee_s_name(
    text: str, title: bool
) -> None:
    assert header.is_header_word(text) is title


def test_a_one_trainee_sheet_running_on_to_a_nameless_page_keeps_its_trainee(
    engine: TesserocrEngine,
) -> None:
    first, second = attendance.read_pages(layouts.long_trainee_sheet(), engine, OcrSettings())
    assert first.trainee == second.trainee == "Firmin Aubertin"
    got = {(c.person, c.date, c.half_day): c.mark for c in (*first.cells, *second.cells)}
    assert len(got) == 4 and {p for p, _, _ in got} == {"Firmin Aubertin"}
    assert got[("Firmin Aubertin", date(2026, 5, 6), attendance.MATIN)] == "empty"
    assert not second.problems and not second.doubtful()


def test_a_one_trainee_page_after_a_table_ending_with_room_to_spare_keeps_nobody_s_name(
    engine: TesserocrEngine,
) -> None:
    # The first page's table stops high on its page: the next page's table is not its
    # rows running on, and whose sheet it is waits for a person.
    pdf = layouts.long_trainee_sheet(ends_high=True)
    first, second = attendance.read_pages(pdf, engine, OcrSettings())
    assert first.trainee == "Firmin Aubertin" and not second.trainee
    assert len(second.cells) == 2
    assert all(not c.person and c.confidence < attendance.REVIEW_BELOW for c in second.cells)


def test_a_table_ruled_between_rows_only_takes_its_columns_from_the_header_titles(
    engine: TesserocrEngine,
) -> None:
    pdf = layouts.per_day_sheet(ruled_columns=False)
    (sheet,) = attendance.read_pages(pdf, engine, OcrSettings())
    _check_per_day(sheet)


@pytest.mark.ocr
def test_a_scanned_table_ruled_between_rows_only_reads_every_cell(
    engine: TesserocrEngine,
) -> None:
    scan = render.scan(layouts.per_day_sheet(ruled_columns=False), seed=16)
    (sheet,) = attendance.read_pages(scan, engine, OcrSettings())
    _check_per_day(sheet)


def test_a_page_with_its_own_header_is_no_continuation_of_the_page_before(
    engine: TesserocrEngine,
) -> None:
    sheets = attendance.read_pages(layouts.two_days_sheet(), engine, OcrSettings())
    assert [{c.date for c in s.cells} for s in sheets] == [{date(2026, 6, 8)}, {date(2026, 6, 9)}]
    tuesday = {(c.person, c.half_day): c.mark for c in sheets[1].cells}
    assert tuesday[("LACOMBE Irène", attendance.MATIN)] == "empty"


def _line_words(lines: list[str]) -> list[Word]:
    words = []
    for row, line in enumerate(lines):
        x = 10
        for text in line.split():
            words.append(Word(text, 0.95, (x, 20 + 30 * row, x + 12 * len(text), 40 + 30 * row)))
            x += 12 * len(text) + 10
    return words


@pytest.mark.parametrize(
    ("lines", "day"),
    [
        (["Séance du 10/07/2026", "Période : du 10/07/2026 au 20/07/2026"], date(2026, 7, 10)),
        (["Dates : du 10/07/2026 au 20/07/2026"], None),  # a period names no one day
        (
            ["Session du 06/11/2025 au 07/11/2025", "Journée du vendredi 7 novembre 2025"],
            date(2025, 11, 7),
        ),
    ],
)
def test_the_day_of_a_one_day_sheet_is_the_title_s_one_day_never_a_period_s_first(
    lines: list[str], day: date | None
) -> None:
    assert sheet_text.title_date(_line_words(lines), 1000, None) == day


def test_seance_tables_with_split_names_take_the_half_day_of_their_heading_not_a_guess(
    engine: TesserocrEngine,
) -> None:
    pdf = layouts.seance_tables_sheet(split=True)
    (sheet,) = attendance.read_pages(pdf, engine, OcrSettings())
    halves = [c.half_day for c in sheet.cells]
    assert halves == [attendance.MATIN] * 3 + [attendance.APRES_MIDI] * 3 + [attendance.MATIN] * 3
    assert {c.person for c in sheet.cells} == {"BARBE Colette", "LESTRADE Hugo", "FERHAT Nadia"}


def test_a_long_flat_signature_with_a_tall_first_letter_is_no_cross_out() -> None:
    # A signature written flat along the cell (its underline gone with the rulings): a
    # tall capital and a low wave. Shared between two "strokes", both flat, it fitted an X.
    cell = np.zeros((62, 456), np.uint8)
    t = np.linspace(0, 1, 120)
    wave = np.stack([100 + 310 * t, 30 + 5 * np.sin(9 * np.pi * t)], axis=1)
    capital = np.array([[80, 40], [84, 26], [92, 12], [88, 28], [100, 38]])
    for stroke in (wave, capital):
        cv2.polylines(cell, [stroke.astype(np.int32)], False, 255, 3)
    assert not cells.crossed_out(cell, 200)


@pytest.mark.parametrize("framed", [False, True])
def test_a_table_with_no_ruling_between_cells_is_read_from_how_its_words_line_up(
    engine: TesserocrEngine, framed: bool
) -> None:
    # No rule at all (or only a frame round the table): the header's titles give the
    # columns, the names and numbers printed once a row give the rows.
    pdf = layouts.per_day_sheet(
        ruled_header=False, ruled_columns=False, ruled_rows=False, framed=framed
    )
    (sheet,) = attendance.read_pages(pdf, engine, OcrSettings())
    _check_per_day(sheet)


def test_a_mention_running_on_into_the_next_cell_is_no_signature_there(
    engine: TesserocrEngine,
) -> None:
    # An e-attendance mention longer than its cell runs on over the rule: the empty cell
    # beside it holds print, no signature, and is not called signed with confidence.
    pen = Pen(random.Random(4))
    pen.new_page(land=True)
    width, height = landscape(A4)
    pen.text(40, height - 50, "FEUILLE DE PRÉSENCE", 16, "Helvetica-Bold")
    pen.text(40, height - 68, "Journée du mardi 14 avril 2026", 11)
    mention = "Signé électroniquement le 14/04/2026 à 09:04:37"
    rows = [
        layouts.Row(("1", "VASSEUR", "Odile"), (mention, False)),
        layouts.Row(("2", "TAILLANDIER", "Rémi"), (True, True)),
    ]
    header = ("N°", "NOM", "Prénom", "Matin", "Après-midi")
    layouts._table(pen, 40, height - 100, [30, 120, 100, 90, 90], header, rows, 3)
    (sheet,) = attendance.read_pages(pen.finish()[0], engine, OcrSettings())
    cells = {(c.person, c.half_day): c for c in sheet.cells}
    spilled = cells[("VASSEUR Odile", attendance.APRES_MIDI)]
    assert spilled.mark == "empty" or spilled.confidence < attendance.REVIEW_BELOW
    halves = (attendance.MATIN, attendance.APRES_MIDI)
    signed = [cells[("TAILLANDIER Rémi", half)] for half in halves]
    assert all(c.mark == "signed" and c.confidence >= attendance.REVIEW_BELOW for c in signed)


class _TallTitleEngine:
    """An OCR engine that reads a title whole only from a crop of both header rows: cut
    at the rows' middle, the wrapped print comes out garbled."""

    def __init__(self, whole: str, cut: str, tall: int) -> None:
        self.whole, self.cut, self.tall = whole, cut, tall

    def _read(self, image: Image.Image) -> OcrResult:
        text = self.whole if image.height >= self.tall else self.cut
        return OcrResult(text, 0.9)

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        return self._read(image)

    def recognise_line(self, image: Image.Image, dpi: int) -> OcrResult:
        return self._read(image)


def _two_row_header(words: list[Word], engine: object) -> tuple[Any, tables.Table]:
    """A blank page, 200 dpi, under a table: N° | name | one day over two half-days, the
    header two rows deep (ruled apart over the day's columns only)."""
    gray = np.full((900, 1400), 255, np.uint8)
    blank = np.zeros_like(gray)
    page = cells.SheetPage(gray, 200, blank, blank, tuple(words), engine)  # type: ignore[arg-type]
    xs, ys = (100, 180, 600, 900, 1200), (100, 160, 220, 300, 380)
    walls = ((True, True, False), (True, True, True), (True, True, True), (True, True, True))
    return page, tables.Table(xs, ys, walls)


def test_a_header_whose_number_title_is_misread_still_counts_both_its_rows() -> None:
    # "N°" read "Ne" on a photo: two signs are no trainee's name, the row is the header's.
    words = [
        Word("Ne", 0.64, (120, 115, 160, 140)),
        Word("Mardi", 0.9, (700, 115, 780, 140)),
        Word("14/04/2026", 0.9, (800, 115, 960, 140)),
        Word("Matin", 0.9, (700, 175, 780, 200)),
        Word("Après-midi", 0.9, (1000, 175, 1150, 200)),
        Word("1", 0.9, (120, 240, 140, 270)),
        Word("Odile", 0.9, (200, 240, 300, 270)),
    ]
    page, grid = _two_row_header(words, _TallTitleEngine("", "", 0))
    assert sheet_columns.header_count(page, grid) == 2


def test_a_title_over_both_header_rows_is_read_whole_when_its_halves_say_nothing() -> None:
    engine = _TallTitleEngine("Nom du stagiaire", "im de", tall=120)
    words = [
        Word("im", 0.3, (300, 150, 330, 172)),
        Word("de", 0.3, (340, 150, 370, 172)),
        Word("Mardi", 0.9, (700, 115, 780, 140)),
        Word("14/04/2026", 0.9, (800, 115, 960, 140)),
        Word("Matin", 0.9, (700, 175, 780, 200)),
        Word("Après-midi", 0.9, (1000, 175, 1150, 200)),
    ]
    page, grid = _two_row_header(words, engine)
    columns = sheet_columns.read_columns(page, grid, 2, 2026)
    assert header.role_of(columns[0].label).kind == header.NAME


def _word(text: str, left: int, top: int, confidence: float = 0.95) -> Word:
    return Word(text, confidence, (left, top, left + 12 * len(text), top + 24))


def test_an_unruled_row_whose_print_the_ocr_missed_is_not_merged_into_the_next() -> None:
    # Rows 100 px apart; the first trainee's line was not read: her room is a row of its
    # own (no name), never added to the next trainee's row, whose marks it would take.
    words = [_word("N°", 100, 100), _word("Participant", 200, 100)]
    words += [_word("Matin", 700, 100), _word("Après-midi", 1000, 100)]
    for i, name in enumerate(("Lucas", "Jeanne", "Marius"), start=1):
        words += [_word(str(i + 1), 100, 240 + 100 * i), _word(name, 200, 240 + 100 * i)]
    found = unruled.unruled_table(words, 200, sheet_page._titled_header)
    assert found is not None
    ys = found.ys
    (lucas,) = [(a, b) for a, b in zip(ys, ys[1:], strict=False) if a <= 352 < b]
    assert lucas[1] - lucas[0] <= 110  # half a pitch either side of his line, no more


def test_a_framed_table_whose_header_the_page_ocr_missed_reads_it_again() -> None:
    # A photo's shaded header band: the page OCR read the names, not the titles. The
    # frame's first line of ink is read again on its own.
    titles = [("N°", 120), ("Participant", 200), ("Matin", 800), ("Après-midi", 1100)]
    gray = np.full((1000, 1600), 255, np.uint8)
    ink = np.zeros_like(gray)
    for _, x in titles:
        ink[320:344, x : x + 60] = 255
    words = []
    for i, name in enumerate(("Lucas", "Jeanne", "Marius")):
        top = 420 + 100 * i
        ink[top : top + 24, 200:280] = 255
        words += [_word(str(i + 1), 120, top), _word(name, 200, top)]
    pad = 200 // 10  # the white border round a crop
    engine = layouts.HeaderLineEngine(titles, (100 - pad, 300 - pad))
    blank = np.zeros_like(gray)
    page = cells.SheetPage(gray, 200, ink, blank, tuple(words), engine)  # type: ignore[arg-type]
    frame = tables.Table((100, 1500), (300, 760), ((),))
    table = sheet_page._unruled(page, [frame])
    assert table is not None
    assert len(table.xs) == 5 and len(table.ys) == 5  # 4 columns; the header and 3 rows


_BAND_TITLES = [
    ("Séance", 120),
    ("Demi", 400),
    ("-", 460),
    ("journée", 480),
    ("Agnès", 700),
    ("Garnier", 775),
    ("Solène", 1050),
    ("Oulhaj", 1135),
]


@pytest.mark.parametrize(
    ("page_read", "labels"),
    [
        # Small bold names on a photo read as specks by the page OCR: the band's own
        # reading, whose titles all mean something, replaces it.
        (
            [("Séance", 120), ("Deni-", 400), ("journée", 470), ("Agnès", 700), ("G", 775)]
            + [("4", 1050), ("4", 1140)],
            ["Séance", "Demi - journée", "Agnès Garnier", "Solène Oulhaj"],
        ),
        # The page OCR read the header well: its words stay.
        (
            [("Séance", 120), ("Demi-journée", 400), ("Agnès", 700), ("Garnier", 775)]
            + [("Solène", 1050), ("Oulhaj", 1135)],
            ["Séance", "Demi-journée", "Agnès Garnier", "Solène Oulhaj"],
        ),
    ],
)
def test_a_header_the_page_ocr_garbled_is_taken_from_its_band_read_again_when_that_means_more(
    page_read: list[tuple[str, int]], labels: list[str]
) -> None:
    gray = np.full((1000, 1600), 255, np.uint8)
    ink = np.zeros_like(gray)
    ink[320:344, 120:1200] = 255  # the header's line of print
    words = [_word(text, x, 320) for text, x in page_read]
    pad = 200 // 10  # the white border round a crop
    engine = layouts.HeaderLineEngine(_BAND_TITLES, (100 - pad, 300 - pad))
    page = cells.SheetPage(gray, 200, ink, np.zeros_like(gray), tuple(words), engine)  # type: ignore[arg-type]
    header = sheet_page._header_read_again(page, (100, 300, 1500, 370), words)
    assert unruled.header_labels(*unruled.header_titles(header, 200)) == labels


@pytest.mark.parametrize("one_line", [True, False])
def test_a_trainee_named_in_nom_and_prenom_fields_above_the_table_is_found(
    one_line: bool,
) -> None:
    words = [_word("Formation", 100, 100), _word(":", 230, 100), _word("Tableur", 260, 100)]
    words += [_word("NOM", 100, 140), _word(":", 150, 140), _word("AUBERTIN", 170, 140)]
    top = 140 if one_line else 180
    left = 500 if one_line else 100
    words += [_word("Prénom", left, top), _word(":", left + 90, top)]
    words += [_word("Firmin", left + 110, top)]
    assert sheet_text.trainee_name(words, 400) == "AUBERTIN Firmin"


def test_a_name_line_a_scan_tilted_past_a_speck_of_its_colon_is_still_read() -> None:
    # "Nom : BOUVIER   Prénom : Thuy", the right half a little higher (a tilted scan),
    # the second colon read as a speck whose narrow band ended the line before "Thuy".
    words = [Word("Nom", 0.93, (99, 311, 165, 335)), Word(":", 0.9, (176, 318, 182, 335))]
    words += [Word("BOUVIER", 0.9, (194, 311, 331, 335)), Word(":", 0.18, (684, 321, 688, 325))]
    words += [Word("Prénom:", 0.5, (739, 310, 867, 335)), Word("Thuy", 0.92, (879, 311, 951, 341))]
    assert sheet_text.trainee_name(words, 400) == "BOUVIER Thuy"


def test_a_name_line_whose_words_a_second_read_doubled_is_still_read() -> None:
    # A photo's print above the table read again: "famille" and the colon come twice.
    words = [_word("Nom", 100, 140), _word("de", 150, 140), _word("famille", 180, 140)]
    words += [_word("famille", 182, 141), _word(":", 270, 140), _word(":", 271, 141)]
    words += [_word("OULHAJ", 290, 140), _word("Prénom", 500, 140), _word(":", 590, 140)]
    words += [_word("Pierre-Louis", 610, 140)]
    assert sheet_text.trainee_name(words, 400) == "OULHAJ Pierre-Louis"


def test_a_cross_out_whose_flat_end_lies_along_the_rule_is_not_called_signed() -> None:
    # A stroke from low left to high right, flat for its first third just above the
    # cell's bottom rule: that flat run passed for a ruling, and what was left was too
    # short to cross the cell, so the ink read as a signature.
    gray = np.full((300, 600), 255, np.uint8)
    box = (100, 100, 480, 186)
    cv2.rectangle(gray, box[:2], box[2:], 0, 2)
    t = np.linspace(0, 1, 60)
    stroke = np.stack([130 + 300 * t, 178 - 62 * np.clip(t - 0.3, 0, 1) ** 1.3 / 0.63], axis=1)
    cv2.polylines(gray, [stroke.astype(np.int32)], False, 20, 3)
    ruled = tables.Rulings.of(gray, 200)
    page = sheet_page.page_of(ruled, 200, _TallTitleEngine("", "", 0), [])  # type: ignore[arg-type]
    column = attendance.Column(TUESDAY, attendance.MATIN, None, "Matin")
    read = cells.judge_cell(page, box, column, "Odile Vasseur")
    assert read.mark == "absent" or read.confidence < attendance.REVIEW_BELOW
    # What is left once the flat end is taken for a rule is one smooth stroke still: no
    # signature's scrawl, the cell is crossed out (nobody need look).
    assert read.mark == "absent" and read.confidence >= attendance.REVIEW_BELOW


def _judged(draw: Any, words: tuple[Word, ...] = (), read: str = "") -> attendance.CellRead:
    """A ruled cell at 200 dpi with ``draw(gray)`` inked in it, judged with an OCR engine
    that reads ``read`` in it, nothing by default (a photo's blurred word, a scrawl);
    ``words``: the page OCR's."""
    gray = np.full((300, 600), 255, np.uint8)
    box = (100, 100, 480, 186)
    cv2.rectangle(gray, box[:2], box[2:], 0, 2)
    draw(gray)
    engine = _TallTitleEngine(read, read, 0)
    page = sheet_page.page_of(tables.Rulings.of(gray, 200), 200, engine, words)  # type: ignore[arg-type]
    page = dataclasses.replace(page, exact=False)
    column = attendance.Column(TUESDAY, attendance.MATIN, None, "Matin")
    return cells.judge_cell(page, box, column, "Odile Vasseur")


def test_one_smooth_stroke_across_a_cell_is_left_for_a_person_never_called_signed() -> None:
    # A cross-out's V once its level arms went with the bottom rule, a dash, a tick: one
    # smooth curve, which no signature is.
    t = np.linspace(0, 1, 60)
    vee = np.stack([130 + 320 * t, 115 + 60 * (2 * t - 1) ** 2 * -1 + 60], axis=1)
    read = _judged(lambda g: cv2.polylines(g, [vee.astype(np.int32)], False, 20, 3))
    assert read.confidence < attendance.REVIEW_BELOW


def test_a_small_word_of_ink_no_read_makes_out_is_left_for_a_person() -> None:
    # One short line of sparse ink (a typed "Absente" too blurred to read) is as likely an
    # absence as a small signature.
    font = cv2.FONT_HERSHEY_SIMPLEX
    read = _judged(lambda g: cv2.putText(g, "Abs", (250, 155), font, 1.1, 20, 3))
    assert read.confidence < attendance.REVIEW_BELOW


def test_a_small_underlined_scrawl_no_read_makes_out_is_still_signed() -> None:
    # Sparse ink too, and no read makes it out, but a quick flourish over its underline.
    t = np.linspace(0, 1, 80)
    loop = np.stack([240 + 60 * t, 140 + 12 * np.sin(6 * np.pi * t)], axis=1)

    def draw(gray: np.ndarray) -> None:
        cv2.polylines(gray, [loop.astype(np.int32)], False, 20, 2)
        cv2.line(gray, (230, 160), (320, 158), 20, 2)

    read = _judged(draw)
    assert read.ink < cells.WORD_SPARSE_INK
    assert read.mark == "signed" and read.confidence >= attendance.REVIEW_BELOW


def test_an_e_attendance_mention_the_page_ocr_read_whole_is_signed_whatever_a_cell_read_says() -> (
    None
):
    # The cell read alone garbled the mention ("10032028 PP 351"): its ink, all print,
    # was left for a person though the page's words said "Signé le ... à ...".
    def draw(gray: np.ndarray) -> None:
        cv2.putText(gray, "Signe le", (120, 135), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 20, 2)
        cv2.putText(gray, "30/03/2026 a 13:51", (120, 170), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 20, 2)

    words = (
        Word("Signé", 0.9, (120, 120, 170, 137)),
        Word("le", 0.9, (175, 120, 190, 137)),
        Word("30/03/2026", 0.9, (120, 155, 230, 172)),
        Word("à", 0.9, (235, 155, 245, 172)),
        Word("13:51", 0.9, (250, 155, 300, 172)),
    )
    read = _judged(draw, words, "10032028 PP 351")
    assert read.mark == "signed" and read.confidence >= attendance.REVIEW_BELOW


def test_a_signature_over_the_cell_no_read_makes_out_is_still_signed() -> None:
    t = np.linspace(0, 1, 200)
    scrawl = np.stack([130 + 320 * t, 145 + 25 * np.sin(11 * np.pi * t) - 20 * t], axis=1)
    read = _judged(lambda g: cv2.polylines(g, [scrawl.astype(np.int32)], False, 20, 3))
    assert read.mark == "signed" and read.confidence >= attendance.REVIEW_BELOW


def _columns_sheet(
    names: str, date_at: str, trainer: str, seed: int, ruling: str = "full", **more: Any
) -> Any:
    """A generated sheet with the trainees as columns (``samples.gen.layouts``), fully
    ruled unless said, the half-day named in a "Période" column (``more``: other
    choices)."""
    drawn = random_layouts.draw_choices(random.Random(seed))
    choices = dataclasses.replace(
        drawn,
        axis="cols",
        names=names,
        number=False,
        company="",
        date_at=date_at,
        halves="hrows",
        trainer=trainer,
        ruling=ruling,
        long=False,
        hand_names=False,
        **{"half_head": "Période", **more},
    )
    return random_layouts.draw_sheet(random.Random(seed), choices)


@pytest.mark.parametrize("seed", [3, 11])
def test_trainees_as_columns_with_the_day_in_the_title_read_every_cell_by_the_row_s_half_day(
    engine: TesserocrEngine, seed: int
) -> None:
    doc = _columns_sheet("joined", "title", "tnone", seed)
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert layouts.misread(doc.sessions, sheets) == []


def test_trainees_named_over_two_header_rows_nom_over_prenom_are_the_columns_people(
    engine: TesserocrEngine,
) -> None:
    doc = _columns_sheet("split", "title", "tcol", 5)
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert layouts.misread(doc.sessions, sheets) == []
    assert all(not s.problems for s in sheets)
    # The trainer's column stays the trainer's: a mark a half-day, never a trainee's.
    assert sum(len(s.trainer) for s in sheets) == len(doc.trainer)


def test_trainees_as_columns_with_a_date_column_read_each_row_s_date_and_half_day(
    engine: TesserocrEngine,
) -> None:
    doc = _columns_sheet("split", "rows", "tcol", 8)
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert layouts.misread(doc.sessions, sheets) == []


@pytest.mark.parametrize("date_at", ["rows", "title"])
def test_names_over_two_header_rows_beside_row_titles_centred_between_them_head_the_columns(
    engine: TesserocrEngine, date_at: str
) -> None:
    # A frame-only table: its columns come from the header's titles, and "Jour" /
    # "Horaires" printed between the NOM row and the Prénom row must not hide them.
    doc = _columns_sheet(
        "split",
        date_at,
        "tcol",
        1,
        ruling="frame",
        name_order="last-first",
        half_head="Horaires",
        half_words=("9h00 - 12h30", "13h30 - 17h00"),
    )
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert sheets and layouts.misread(doc.sessions, sheets) == []
    assert sum(len(s.trainer) for s in sheets) == len(doc.trainer)


@pytest.mark.ocr
def test_a_scanned_sheet_of_trainees_as_columns_named_over_two_rows_reads_every_cell(
    engine: TesserocrEngine,
) -> None:
    doc = _columns_sheet("split", "title", "tcol", 5)
    scan = render.scan(random_layouts.page_pdf(doc.pdf, 0), seed=3)
    sheets = attendance.read_pages(scan, engine, OcrSettings())
    assert layouts.misread([s for s in doc.sessions if s["page"] == 1], sheets) == []


def test_a_trainee_s_column_of_e_attendance_times_whose_verb_ocr_misread_is_no_date_column() -> (
    None
):
    # "Sioné le 13/04/2026 à 11:08": a mark recorded at a time, not the row's date label.
    marks = ["Sioné le 13/04/2026 à 11:08", "", "EANE Signé le 13/04/2026 à 13:50"]
    days = ["lundi 13/04/2026", "", "mardi 14/04/2026"]
    assert not sheet_text.dated_cells(marks, 2026)
    assert sheet_text.dated_cells(days, 2026)
    assert sheet_grid._row_labels([["9h-12h30", "", "13h30-17h"], marks, days], 2026) == {
        0: header.HALF,
        2: header.DATE,
    }


def test_the_columns_before_the_names_are_told_apart_by_what_their_cells_hold() -> None:
    labels = ["Séance", "Période", "Léa Martin", "Hugo Bernard", "Formateur"]
    content = {0: header.DATE, 1: header.HALF}
    axes = header.plan(labels, 2026, content=content)
    assert axes is not None and axes.people == (2, 3)
    assert (axes.date, axes.half, axes.trainer) == (0, 1, (4,))
    # Without the cells' word, "Séance" (a half-day's word too) dates nothing.
    assert header.plan(labels, 2026) is not None and header.plan(labels, 2026).date is None
    # A header in two words whose cells say "Matin" / "Après-midi" is nobody's name.
    axes = header.plan(
        ["Demi - journée", "Léa Martin", "Hugo Bernard"], 2026, content={0: header.HALF}
    )
    assert axes is not None and (axes.people, axes.half) == ((1, 2), 0)


def test_a_date_column_headed_seance_and_time_range_rows_date_and_halve_each_cell(
    engine: TesserocrEngine,
) -> None:
    doc = _columns_sheet(
        "joined", "rows", "tnone", 21, date_head="Séance", half_words=("9h-12h30", "13h30-17h")
    )
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert layouts.misread(doc.sessions, sheets) == []


def test_of_a_day_s_two_rows_the_one_whose_half_day_went_unread_is_the_other_half() -> None:
    monday, tuesday = date(2026, 3, 9), date(2026, 3, 10)
    rows = [
        (2, monday, None, False),
        (3, monday, attendance.APRES_MIDI, False),
        (4, tuesday, attendance.MATIN, False),
        (5, tuesday, None, False),
    ]
    halves = [half for _, _, half, _ in sheet_grid._halves_paired(rows)]
    assert halves == [attendance.MATIN, attendance.APRES_MIDI] * 2
    # A day of one row, or of two rows both unread, is nobody's guess.
    alone = [(2, monday, None, False), (3, tuesday, attendance.MATIN, False)]
    assert sheet_grid._halves_paired(alone) == alone
    both = [(2, monday, None, False), (3, monday, None, False)]
    assert sheet_grid._halves_paired(both) == both


def _columns_page(xs: tuple[int, ...], *more: Word) -> tuple[Any, tables.Table]:
    """A blank born-digital page, 200 dpi, the day in the title, under a table of
    trainees as columns: Période | Léa Martin | Hugo Bernard, rows Matin and Après-midi;
    the column boundaries at ``xs`` (``more``: other words)."""
    gray = np.full((900, 1400), 255, np.uint8)
    blank = np.zeros_like(gray)
    words = (
        _word("Date", 100, 40),
        _word(":", 160, 40),
        _word("14/04/2026", 180, 40),
        _word("Période", 120, 120),
        _word("Léa", 420, 120),
        _word("Martin", 470, 120),
        _word("Hugo", 760, 120),
        _word("Bernard", 820, 120),
        _word("Matin", 120, 200),
        _word("Après-midi", 120, 280),
        *more,
    )
    page = cells.SheetPage(gray, 200, blank, blank, words, None, exact=True)  # type: ignore[arg-type]
    walls = tuple(tuple(True for _ in xs[1:-1]) for _ in range(3))
    return page, tables.Table(xs, (100, 170, 250, 330), walls)


def test_trainees_columns_whose_boundary_cuts_a_header_word_are_left_for_a_person() -> None:
    page, grid = _columns_page((100, 400, 700, 1000))
    read = sheet_grid.read_grid(page, grid)[0]
    assert len(read) == 4 and all(c.confidence >= attendance.REVIEW_BELOW for c in read)
    assert {c.person for c in read} == {"Léa Martin", "Hugo Bernard"}
    # A blank spare column is no doubt; a boundary found through "Bernard" (the names
    # still read whole) is: whose cells are whose is for a person.
    page, grid = _columns_page((100, 400, 700, 1000, 1100))
    assert all(c.confidence >= attendance.REVIEW_BELOW for c in sheet_grid.read_grid(page, grid)[0])
    page, grid = _columns_page((100, 400, 700, 895, 1000))
    read = sheet_grid.read_grid(page, grid)[0]
    assert {c.person for c in read} == {"Léa Martin", "Hugo Bernard"}
    assert all(c.confidence < attendance.REVIEW_BELOW for c in read)
    # A rule the OCR read as "|" inside a column: a boundary the table lacks.
    page, grid = _columns_page((100, 400, 700, 1000), Word("|", 0.5, (600, 104, 610, 166)))
    read = sheet_grid.read_grid(page, grid)[0]
    assert read and all(c.confidence < attendance.REVIEW_BELOW for c in read)


class _NamesEngine:
    """An OCR engine that reads a crop of one column as the first name given when it holds
    grey print, as the second when blank; nothing when given none."""

    def __init__(self, *names: str) -> None:
        self.names = names

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        if not self.names or image.width >= 400:
            return OcrResult("", 0.9)
        return OcrResult(self.names[0 if np.asarray(image).min() < 230 else 1], 0.9)

    recognise_line = recognise


@pytest.mark.parametrize("names", [("Chloé Tran", "Zoé Haddou"), ()])
def test_names_a_photo_s_header_hid_are_read_again_and_a_date_column_never_names_a_trainee(
    names: tuple[str, ...],
) -> None:
    # A photo's shaded header: the page OCR read the rows' titles, not the trainees'.
    gray = np.full((900, 1400), 255, np.uint8)
    gray[120:150, 750:950] = 200  # the first trainee's name, in grey
    blank = np.zeros_like(gray)
    words = (
        _word("Séance", 120, 120),
        _word("Horaires", 420, 120),
        *(_word("Mar.", 110, top) for top in (200, 280)),
        *(_word("21/10/2025", 170, top) for top in (200, 280)),
        _word("Matin", 420, 200),
        _word("Après-midi", 420, 280),
    )
    page = cells.SheetPage(gray, 200, blank, blank, words, _NamesEngine(*names))  # type: ignore[arg-type]
    xs = (100, 400, 700, 1000, 1300)
    walls = tuple(tuple(True for _ in xs[1:-1]) for _ in range(3))
    read, _, _, problems, _, _ = sheet_grid.read_grid(
        page, tables.Table(xs, (100, 170, 250, 330), walls)
    )
    assert {c.person for c in read} == set(names)
    assert len(read) == 2 * len(names)
    assert bool(problems) == (not names)


def _rows_sheet(seed: int, **chosen: Any) -> Any:
    """A generated born-digital sheet (``samples.gen.layouts``) of the structure
    ``chosen``, its other choices drawn from ``seed``."""
    drawn = random_layouts.draw_choices(random.Random(seed))
    choices = dataclasses.replace(drawn, long=False, company="", **chosen)
    return random_layouts.draw_sheet(random.Random(seed), choices)


def test_hours_range_titles_in_a_frame_only_table_head_one_column_each(
    engine: TesserocrEngine,
) -> None:
    # "9h00 - 12h30": the dash, no letter nor digit, still joins the range's two ends.
    doc = _rows_sheet(
        9,
        axis="rows",
        names="split",
        hand_names=False,
        number=True,
        date_at="title",
        halves="hcols",
        trainer="tbox",
        ruling="frame",
        half_words=("9h00 - 12h30", "13h30 - 17h00"),
    )
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert sheets and layouts.misread(doc.sessions, sheets) == []


def test_rows_of_handwritten_names_beside_e_attendance_mentions_are_no_header_rows(
    engine: TesserocrEngine,
) -> None:
    # Each row's first cell has no text layer, and its "Signé le 19/12/2025 à 09:43"
    # mentions hold a date: a trainee's row still.
    doc = _rows_sheet(
        12,
        axis="rows",
        names="joined",
        hand_names=True,
        number=False,
        date_at="title",
        halves="hcols",
        trainer="trow",
        ruling="full",
        habit="online",
        half_words=("Matinée", "Après-midi"),
    )
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert sheets and layouts.misread(doc.sessions, sheets) == []


def test_a_date_wrapped_on_two_lines_in_a_table_ruled_under_every_row_is_one_row(
    engine: TesserocrEngine,
) -> None:
    doc = _rows_sheet(
        48,
        axis="single",
        names="joined",
        hand_names=False,
        number=False,
        date_at="rows",
        halves="hcols",
        trainer="tcol",
        ruling="horizontal",
        head_date="long",
        date_head="Séance",
        landscape=False,
        fill=False,
        font="Courier",
        bold="Courier-Bold",
        half_words=("Matin 9h-12h", "Après-midi 14h-17h30"),
        trainer_head="Signature du formateur",
    )
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    # Every row read with its date (cells the truth leaves out are not counted here).
    assert sheets and [m for m in layouts.misread(doc.sessions, sheets) if m] == []
    assert all(not s.problems for s in sheets)


@pytest.mark.parametrize(
    ("xs", "merged"),
    [
        ((100, 300, 500, 800, 1100, 1700), {4}),  # the last trainee's column holds two
        ((100, 300, 500, 800, 1100, 1400), set()),  # trainees' columns drawn alike
    ],
)
def test_a_trainee_column_twice_as_wide_as_its_neighbours_is_doubted(
    xs: tuple[int, ...], merged: set[int]
) -> None:
    # A trainee's title and column boundary unread on a photo: the neighbour's marks
    # would be read as this trainee's. Its cells go to a person instead.
    grid = tables.Table(xs, (100, 200, 300), ((True,) * 4,) * 2)
    kinds = ["hours", "person", "person", "person"]
    assert sheet_grid._merged_people(grid, 1, kinds) == merged


@pytest.mark.parametrize(("bottom", "doubted"), [(260, True), (210, False)])
def test_a_trainee_row_tall_enough_for_two_is_doubted(bottom: int, doubted: bool) -> None:
    # A frame-only table whose middle trainee's name went unread: the row below took in
    # that trainee's signature. The shortest row is 100 high.
    assert sheet_grid._holds_another((100, 100, 400, bottom), 100) is doubted


@pytest.mark.parametrize("seed", [2, 3, 8])
def test_a_seance_s_heading_is_not_mixed_with_the_half_day_over_the_trainer_s_box_above(
    engine: TesserocrEngine, seed: int
) -> None:
    # Séance tables stacked down the page, each followed by the trainer's box captioned
    # with its half-day ("Matin (9h00-12h30)"): the next séance's heading is the print
    # under that box, which names the other half-day.
    doc = _rows_sheet(
        seed,
        axis="rows",
        names="split",
        hand_names=False,
        number=False,
        date_at="block",
        block_date="caption",
        halves="hcap",
        trainer="tbox",
        ruling="full",
        half_words=("Matin (9h00-12h30)", "Après-midi (13h30-17h00)"),
    )
    assert len({(s["date"], s["half_day"]) for s in doc.sessions}) >= 2
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert sheets and layouts.misread(doc.sessions, sheets) == []


class _SpeckEngine:
    """An OCR engine that reads any crop as one unsure letter (a photo's small crop)."""

    def _read(self, image: Image.Image) -> OcrResult:
        return OcrResult("b", 0.79, (Word("b", 0.79, (10, 10, 20, 30)),))

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        return self._read(image)

    def recognise_line(self, image: Image.Image, dpi: int) -> OcrResult:
        return self._read(image)


def _people_read_by_a_speck_engine(rows: Sequence[Word]) -> set[str]:
    """NOM | Prénom | Matin | Après-midi, one table row per two of ``rows``' words, read
    with an engine that reads any cell alone as one unsure letter."""
    gray = np.full((700, 1400), 255, np.uint8)
    blank = np.zeros_like(gray)
    head = (_word("NOM", 110, 120), _word("Prénom", 410, 120), _word("Matin", 710, 120),
            _word("Après-midi", 1010, 120))  # fmt: skip
    page = cells.SheetPage(gray, 200, blank, blank, (*head, *rows), _SpeckEngine(), exact=False)  # type: ignore[arg-type]
    count = len(rows) // 2
    walls = tuple(tuple(True for _ in range(3)) for _ in range(count + 1))
    grid = tables.Table((100, 400, 700, 1000, 1300), (100, 170, 250, 330)[: count + 2], walls)
    return {c.person for c in sheet_grid.read_grid(page, grid)[0]}


def test_a_first_name_the_page_read_fairly_surely_is_kept_over_a_worse_read_of_its_cell() -> None:
    # The photo's page OCR read "Ibrahim" at 0.89 (not sure enough to skip reading the
    # cell again), the cell alone read "b" at 0.79.
    rows = (_word("PAGÈS", 110, 200), _word("Ibrahim", 410, 200, 0.89),
            _word("VIDALENC", 110, 280), _word("Chloé", 410, 280))  # fmt: skip
    assert _people_read_by_a_speck_engine(rows) == {"PAGÈS Ibrahim", "VIDALENC Chloé"}


def test_a_lone_letter_read_surely_in_a_name_cell_is_no_name_part() -> None:
    # The page OCR read "Ibrahim" unsurely (0.6); the cell alone read "b" at 0.79, surer,
    # but a lone letter is what a small crop's read keeps of a name, never a name.
    assert not sheet_grid._name_like([Word("b", 0.79, (10, 10, 20, 30))])
    assert sheet_grid._name_like([Word("J.", 0.79, (10, 10, 30, 30))])
    rows = (_word("PAGÈS", 110, 200), _word("Ibrahim", 410, 200, 0.6))
    assert _people_read_by_a_speck_engine(rows) == {"PAGÈS Ibrahim"}


class _CutLabelEngine:
    """An OCR engine that reads the bold "Intervenant·e" whole only from a crop starting
    in the row number's column; the name columns alone hold its tail."""

    def __init__(self, wide: int) -> None:
        self.wide = wide

    def _read(self, image: Image.Image) -> OcrResult:
        text = "Intervenant·e" if image.width >= self.wide else "venant-e"
        return OcrResult(text, 0.8, (Word(text, 0.8, (10, 10, 90, 30)),))

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        return self._read(image)

    def recognise_line(self, image: Image.Image, dpi: int) -> OcrResult:
        return self._read(image)


def test_an_unnumbered_row_whose_label_starts_in_the_number_column_is_the_trainer_s() -> None:
    # N° | NOM | Prénom | Signature; the last row's "Intervenant·e" runs from the number's
    # column into the names, and the photo's page OCR read none of it.
    gray = np.full((700, 1400), 255, np.uint8)
    ink = np.zeros_like(gray)
    ink[262:300, 820:1100] = 255  # the trainer's signature
    words = (
        _word("N°", 60, 120),
        _word("NOM", 210, 120),
        _word("Prénom", 510, 120),
        _word("Signature", 810, 120),
        _word("1", 60, 200),
        _word("MARTIN", 210, 200),
        _word("Léa", 510, 200),
    )
    engine = _CutLabelEngine(wide=700)
    page = cells.SheetPage(gray, 200, ink, np.zeros_like(gray), words, engine, exact=False)  # type: ignore[arg-type]
    walls = tuple(tuple(True for _ in range(3)) for _ in range(3))
    grid = tables.Table((50, 200, 500, 800, 1300), (100, 170, 250, 330), walls)
    trainees, trainer = sheet_grid.read_grid(page, grid)[:2]
    assert {c.person for c in trainees} == {"MARTIN Léa"}
    assert len(trainer) == 1 and trainer[0].person == ""


def test_a_blank_date_cell_under_a_day_whose_half_day_went_unread_is_its_afternoon() -> None:
    # One trainee's sheet, the date printed once a day: the first row's "AM" read "nu",
    # the blank date cell under it says "PM": the same day's afternoon, then its morning.
    gray = np.full((800, 1400), 255, np.uint8)
    blank = np.zeros_like(gray)
    words = (
        _word("Stagiaire", 100, 40),
        _word(":", 220, 40),
        _word("Léa", 240, 40),
        _word("MARTIN", 290, 40),
        _word("Date", 110, 120),
        _word("Demi-journée", 510, 120),
        _word("Signature", 810, 120),
        *(_word(t, 110 + 130 * i, 200) for i, t in enumerate(("Mercredi", "4", "février"))),
        _word("nu", 510, 200),
        _word("PM", 510, 280),
        *(_word(t, 110 + 130 * i, 360) for i, t in enumerate(("Jeudi", "5", "février"))),
        _word("AM", 510, 360),
        _word("PM", 510, 440),
        _word("2026", 600, 40),
    )
    page = cells.SheetPage(gray, 200, blank, blank, words, None, exact=True)  # type: ignore[arg-type]
    walls = tuple(tuple(True for _ in range(2)) for _ in range(5))
    grid = tables.Table((100, 500, 800, 1300), (100, 170, 250, 330, 410, 490), walls)
    read = sheet_grid.read_grid(page, grid)[0]
    wednesday, thursday = date(2026, 2, 4), date(2026, 2, 5)
    assert [(c.date, c.half_day) for c in read] == [
        (wednesday, attendance.MATIN),
        (wednesday, attendance.APRES_MIDI),
        (thursday, attendance.MATIN),
        (thursday, attendance.APRES_MIDI),
    ]


def test_a_column_title_naming_several_days_run_together_dates_none_of_its_cells() -> None:
    # An unruled header printed tight: six days' titles read as one column's
    # ("lundi 16 mars PM Mardi 17 mars AM …"). Its marks belong to six days: none is
    # given this column's first date, nor any date.
    days = "lundi 16 mars 2026 PM Mardi 17 mars 2026 AM mercredi 18 mars 2026 AM"
    gray = np.full((600, 1400), 255, np.uint8)
    ink = np.zeros_like(gray)
    ink[215:245, 500:560] = ink[295:325, 800:860] = 255  # two marks, two days apart
    words = (_word("Stagiaires", 110, 120), _word(days, 410, 120),
             _word("DELMAS Cécile", 110, 220), _word("TRAN Zoé", 110, 300))  # fmt: skip
    page = cells.SheetPage(gray, 200, ink, np.zeros_like(gray), words, _SpeckEngine(), exact=True)  # type: ignore[arg-type]
    walls = tuple(tuple(True for _ in range(1)) for _ in range(3))
    grid = tables.Table((100, 400, 1300), (100, 180, 260, 340), walls)
    read = sheet_grid.read_grid(page, grid)[0]
    assert all(c.date is None for c in read)


def _photographed_page(seed: int, index: int, page: int) -> Any:
    """Page ``page`` of the generated document ``index`` of set ``seed``
    (``samples.gen.layouts``), photographed on its own."""
    rng = random.Random(f"attendance-layouts:{seed}:{index}")
    doc = random_layouts.draw_sheet(rng, random_layouts.draw_choices(rng))
    items = random_layouts._items(rng, doc, "photo", f"{index:03d}")
    return next(s for s in items if s.details["page"] == page)


def _read_photo(sheet: Any, engine: TesserocrEngine) -> list[attendance.SheetRead]:
    image = Image.open(io.BytesIO(sheet.data))
    return [attendance.read_picture(image, round(min(image.size) / 8.27), engine, OcrSettings())]


@pytest.mark.ocr
@pytest.mark.parametrize(
    ("seed", "index", "page"),
    [
        # A frame only, the first row's signatures read as tall words just under the
        # dates over "Matin 9h-12h" and "Après-midi 14h-17h30": no header band of both.
        (1107, 26, 3),
        # A frame only, "AM" and "PM" under each date, the header's band read again as a
        # line with ink it could not place between them.
        (1107, 38, 3),
        # A lone "Signature" column, the half-day a short caption over the frame, whose
        # rule, slanted a little on the photo, runs into the caption's band.
        (1107, 2, 3),
    ],
)
def test_a_photographed_continuation_page_reads_every_cell_under_its_own_header(
    engine: TesserocrEngine, seed: int, index: int, page: int
) -> None:
    sheet = _photographed_page(seed, index, page)
    sheets = _read_photo(sheet, engine)
    assert layouts.misread(list(sheet.sessions), sheets) == []


@pytest.mark.ocr
def test_a_photographed_page_whose_title_the_page_ocr_dropped_takes_the_title_s_day(
    engine: TesserocrEngine,
) -> None:
    # Half-days' columns, the day only in the title ("Journée du mercredi 25 novembre
    # 2026" over a "Période : du … au …"), the title's lines dropped by the page OCR.
    sheet = _photographed_page(1108, 44, 2)
    (read,) = _read_photo(sheet, engine)
    assert {str(c.date) for c in read.cells} == {"2026-11-25"}
    missed = layouts.misread(list(sheet.sessions), [read])
    # Each cell found where the truth has it; a name misread may leave one for a person.
    assert all(m is not None and len(m[3]) == 1 for m in missed)
    assert all(
        m[3][0].mark
        == next(
            s["mark"] for s in sheet.sessions if (s["trainee"], s["date"], s["half_day"]) == m[:3]
        )
        for m in missed
    )


def _ruled_between_rows(seed: int, **chosen: Any) -> Any:
    """A born-digital sheet of trainees as rows, "NOM" and "Prénom" apart, ruled between
    its rows only, each day printed over its two hours ranges ("9h00 - 12h30")."""
    return _rows_sheet(
        seed,
        axis="rows",
        names="split",
        hand_names=False,
        number=True,
        date_at="head",
        halves="hcols",
        trainer="trow",
        ruling="horizontal",
        half_words=("9h00 - 12h30", "13h30 - 17h00"),
        **chosen,
    )


def test_hours_range_titles_under_dates_in_a_table_ruled_between_rows_head_one_column_each(
    engine: TesserocrEngine,
) -> None:
    # No column rules: the range's dash, printed in the text layer, keeps its two ends one
    # title, not two columns half a cell wide.
    doc = _ruled_between_rows(45, font="DejaVuSansCondensed", bold="DejaVuSansCondensed-Bold")
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert sheets and layouts.misread(doc.sessions, sheets) == []


def test_a_typewriter_font_s_letter_spaces_part_no_columns(engine: TesserocrEngine) -> None:
    # Courier's wide spaces between a name's letters are no gap between the number's
    # column and the names' where the trainer's label runs across both.
    doc = _ruled_between_rows(45, font="Courier", bold="Courier-Bold")
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert sheets and layouts.misread(doc.sessions, sheets) == []


def test_name_titles_centred_down_a_two_row_header_in_a_frame_join_its_days_and_halves(
    engine: TesserocrEngine,
) -> None:
    # A frame only, "Nom" and "Prénom" centred between the days' line and the half-days'
    # line, each a little over half a line apart: one header, not three lines of print.
    doc = _rows_sheet(
        3,
        axis="rows",
        names="split",
        hand_names=True,
        number=False,
        date_at="head",
        halves="hcols",
        trainer="trow",
        ruling="frame",
        head_rows=2,
        date_once=False,
        landscape=False,
        font="Times-Roman",
        bold="Times-Bold",
        half_words=("Matin", "Après-midi"),
    )
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert sheets and layouts.misread(doc.sessions, sheets) == []


@pytest.mark.ocr
def test_a_frame_with_a_shaded_header_band_and_shaded_half_days_is_read_by_its_print(
    engine: TesserocrEngine,
) -> None:
    # One trainee a page, ruled as a frame only: the grey header band and a column of
    # half-days not held (shaded down the table) draw edges that read as a grid of one
    # row; the table is the one its print lines up in, its columns at the shades' edges.
    doc = _rows_sheet(
        7,
        axis="single",
        names="joined",
        hand_names=False,
        number=False,
        date_at="rows",
        halves="hcols",
        trainer="tcol",
        ruling="frame",
        fill=True,
        habit="online",
        head_date="num",
    )
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert doc.sessions and layouts.misread(doc.sessions, sheets) == []


@pytest.mark.ocr
@pytest.mark.parametrize(
    ("half_head", "half_words"),
    [("Demi-journée", ("Matin", "Après-midi")), ("Horaires", ("9h00 - 12h30", "13h30 - 17h00"))],
)
def test_a_one_trainee_sheet_s_second_signature_column_is_no_second_reading_of_the_half_day(
    engine: TesserocrEngine, half_head: str, half_words: tuple[str, str]
) -> None:
    # A row per half-day under the trainee's name (named, or by its hours under
    # "Horaires"), and a second column to sign in titled with no word saying whose it is
    # ("Signature de Gaspard Lebrun", as a garbled "Signature de l'intervenant(e)"
    # reads): the trainee signs a half-day once, the second column is held as the
    # trainer's, not read as the trainee's again.
    doc = _rows_sheet(
        2,
        axis="single",
        names="joined",
        hand_names=False,
        number=False,
        date_at="rows",
        halves="hrows",
        trainer="tcol",
        ruling="full",
        habit="paper",
        head_date="num",
        date_once=False,
        sign_head="Émargement",
        trainer_head="Signature de Gaspard Lebrun",
        half_head=half_head,
        half_words=half_words,
    )
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert doc.sessions and layouts.misread(doc.sessions, sheets) == []
    boxes = [c for s in sheets for c in s.trainer]
    assert boxes and all(c.confidence < attendance.REVIEW_BELOW for c in boxes)


def test_a_row_whose_day_number_went_unread_is_dated_by_its_weekday_between_its_neighbours() -> (
    None
):
    # "vendredi ~ octobre 2026" (a signature run over the 9) between Thursday 8 and
    # Monday 12: the one Friday in between. A Thursday between two Thursdays a fortnight
    # apart may be either end's other half or the week between: left undated.
    thursday, monday = date(2026, 10, 8), date(2026, 10, 12)
    rows = [(1, thursday, None, False), (2, None, None, False), (3, monday, None, False)]
    dated = sheet_grid._by_weekday(rows, [set(), {4}, set()])
    assert dated[1][1] == date(2026, 10, 9)
    apart = [
        (1, thursday, None, False),
        (2, None, None, False),
        (3, date(2026, 10, 22), None, False),
    ]
    assert sheet_grid._by_weekday(apart, [set(), {3}, set()])[1][1] is None
    assert sheet_grid._by_weekday(rows, [set(), {3, 4}, set()])[1][1] is None


def test_an_hours_title_whose_start_a_scan_garbled_still_plans_its_half_day_s_column() -> None:
    # "%h-12h30" for "9h-12h30": the column's reading finds the morning by the range's
    # end; the plan takes the column as the morning's signatures beside the afternoon's.
    garbled = attendance.Column(None, "matin", None, "%h-12h30", True)
    afternoon = attendance.Column(None, "apres-midi", 3.5, "13h30-17h", True)
    labels = ["Jour", *(sheet_grid._planned_label(c) for c in (garbled, afternoon))]
    axes = header.plan([*labels, "Signature du formateur"], 2026, [0])
    assert axes is not None and axes.slots == (1, 2) and axes.trainer == (3,)
    named = attendance.Column(None, None, None, "Fonction", True)
    assert sheet_grid._planned_label(named) == "Fonction"


@pytest.mark.ocr
@pytest.mark.parametrize("seed", [2, 4])
def test_a_photographed_header_of_dates_over_half_days_over_hours_ruled_between_rows_is_read(
    engine: TesserocrEngine, seed: int
) -> None:
    # No column rules, a shaded header of three lines of print ("Lun. 08/06/2026" over
    # "Matin" over "9h-12h"): the page OCR and a one-line reading of the band both garble
    # it; read as a block of lines it heads the table.
    rng = random.Random(seed)
    doc = _rows_sheet(
        seed,
        axis="rows",
        names="joined",
        hand_names=False,
        number=True,
        date_at="head",
        halves="hcols",
        trainer="tnone",
        head_rows=2,
        date_once=True,
        ruling="horizontal",
        fill=True,
        half_words=("Matin 9h-12h", "Après-midi 14h-17h30"),
        head_date="short-day",
    )
    (sheet,) = random_layouts._items(rng, doc, "photo", "000")
    sheets = _read_photo(sheet, engine)
    assert layouts.misread(list(sheet.sessions), sheets) == []


@pytest.mark.ocr
def test_a_photographed_table_ruled_as_a_frame_only_is_squared_by_its_frame_and_read(
    engine: TesserocrEngine,
) -> None:
    # A frame round the table and no rule inside it, left a trapezoid by the photo: the
    # frame's sides square the page (a grid's would), so its columns line up again.
    rng = random.Random(7)
    doc = _rows_sheet(
        7,
        axis="rows",
        names="joined",
        hand_names=True,
        number=False,
        date_at="title",
        halves="hcols",
        trainer="trow",
        ruling="frame",
        fill=True,
        landscape=True,
    )
    (sheet,) = random_layouts._items(rng, doc, "photo", "000")
    sheets = _read_photo(sheet, engine)
    assert layouts.misread(list(sheet.sessions), sheets) == []
