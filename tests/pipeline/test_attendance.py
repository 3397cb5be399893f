"""Attendance sheets: the grid finder on a drawn grid, and real sample sheets cell by cell."""

from __future__ import annotations

import functools
import io
import random
from datetime import date
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image, ImageFilter

from pipeline.ocr import OcrResult, OcrSettings, TesserocrEngine
from pipeline.parse import same_person
from pipeline.reading import (
    attendance,
    cells,
    sheet_columns,
    sheet_grid,
    sheet_page,
    sheet_text,
    tables,
)
from pipeline.reading.cells import ink_decision
from pipeline.reading.ink import binarise, line_masks
from pipeline.reading.sheet_text import half_day_of, hours_of, is_absent
from pipeline.reading.tables import find_tables
from samples.gen import render
from samples.gen.pen import Pen

PARTAGE = Path(__file__).resolve().parents[2] / "samples" / "partage"


def _drawn_grid(dpi: int = 150) -> tuple[np.ndarray, list[int], list[int]]:
    """A 4 x 3 ruled grid with a scribble in one cell and a merged header over columns 1-2."""
    page = np.full((1200, 1700), 255, np.uint8)
    xs, ys = [100, 500, 900, 1300], [100, 180, 260, 400, 540]
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), 0, 2)
    for x in xs:
        top = ys[1] if x == 900 else ys[0]  # the middle wall stops under the merged header
        cv2.line(page, (x, top), (x, ys[-1]), 0, 2)
    cv2.polylines(page, [np.array([[560, 330], [620, 290], [680, 340], [760, 300]])], False, 0, 3)
    return page, xs, ys


def test_grid_finder_finds_the_ruling_lines_of_a_drawn_grid() -> None:
    page, xs, ys = _drawn_grid()
    tables = find_tables(page, 150)
    assert len(tables) == 1
    table = tables[0]
    assert [abs(a - b) <= 2 for a, b in zip(table.xs, xs, strict=True)] == [True] * 4
    assert [abs(a - b) <= 2 for a, b in zip(table.ys, ys, strict=True)] == [True] * 5


def test_grid_finder_sees_a_merged_header_cell() -> None:
    table = find_tables(_drawn_grid()[0], 150)[0]
    assert table.span(0, 1) == (1, 2)  # the date header spans both half-days
    assert table.span(2, 1) == (1, 1)


def test_ink_tells_the_scribbled_cell_from_the_empty_ones() -> None:
    page, _, _ = _drawn_grid()
    table = find_tables(page, 150)[0]
    ink = binarise(page, 150)
    horiz, vert = line_masks(ink, 150)
    lines = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8))
    scribbled, _ = cells.cell_ink(ink, lines, table.cell(2, 1), 150)
    empty, _ = cells.cell_ink(ink, lines, table.cell(2, 2), 150)
    assert ink_decision(scribbled)[0] == "signed"
    assert ink_decision(empty)[0] == "empty"


@pytest.mark.parametrize(
    ("label", "half", "hours"),
    [
        ("Matin (9h-12h30)", "matin", 3.5),
        ("Après-midi (13h30-17h)", "apres-midi", 3.5),
        ("Matin 9h00 - 12h30", "matin", 3.5),
        ("PM", "apres-midi", None),
        ("AM", "matin", None),
    ],
)
def test_header_labels_give_half_day_and_hours(label: str, half: str, hours: float | None) -> None:
    assert half_day_of(label) == half
    assert hours_of(label) == hours


def test_absent_words_are_recognised_and_signature_noise_is_not() -> None:
    assert is_absent("ABS") and is_absent("absent") and is_absent("Abs.")
    assert not is_absent("Aunnw") and not is_absent("absolument")


@pytest.fixture(scope="module")
def engine() -> TesserocrEngine:
    return TesserocrEngine(OcrSettings())


def _marks(sheets: list[attendance.SheetRead]) -> dict[tuple[str, date | None, str | None], str]:
    return {(c.person, c.date, c.half_day): c.mark for s in sheets for c in s.cells}


def _mark_of(
    marks: dict[tuple[str, date | None, str | None], str], who: str, day: date, half: str
) -> str | None:
    for (person, d, h), mark in marks.items():
        if d == day and h == half and same_person(person, who) >= 0.8:
            return mark
    return None


def test_born_digital_one_sheet_per_day_reads_every_cell_and_trainer_box(
    engine: TesserocrEngine,
) -> None:
    pdf = (PARTAGE / "elodie.faure" / "FA-2026-0150" / "emargement.pdf").read_bytes()
    sheets = attendance.read_pages(pdf, engine, OcrSettings())
    marks = _marks(sheets)
    assert len(marks) == 12 and set(marks.values()) == {"signed"}
    assert _mark_of(marks, "Manon Chevalier", date(2026, 5, 12), "apres-midi") == "signed"
    assert [t["signed"] for s in sheets for t in s.trainer_signed()] == [True] * 4
    assert sheets[0].half_day_hours() == {"matin": 3.5, "apres-midi": 3.5}


def test_scanned_grid_reads_abs_as_absent_not_signed(engine: TesserocrEngine) -> None:
    pdf = (PARTAGE / "elodie.faure" / "scan0041.pdf").read_bytes()
    sheets = attendance.read_pages(pdf, engine, OcrSettings())
    marks = _marks(sheets)
    assert _mark_of(marks, "Hugo Blanc", date(2026, 3, 10), "apres-midi") == "absent"
    assert _mark_of(marks, "Léa Martin", date(2026, 3, 9), "matin") == "signed"
    assert len(marks) == 16
    assert len(sheets[0].trainer) == 4


def test_scanned_grid_reads_empty_afternoon_cells_as_empty(engine: TesserocrEngine) -> None:
    pdf = (PARTAGE / "Thomas Girard" / "scan0070.pdf").read_bytes()
    marks = _marks(attendance.read_pages(pdf, engine, OcrSettings()))
    assert _mark_of(marks, "Sarah Benoît", date(2026, 4, 28), "apres-midi") == "empty"
    assert _mark_of(marks, "Tristan Leroy", date(2026, 4, 28), "matin") == "signed"


def test_png_grid_is_read_after_straightening(engine: TesserocrEngine) -> None:
    image = Image.open(PARTAGE / "Karim Benali" / "emargement.png")
    sheet = attendance.read_picture(image, 100, engine, OcrSettings())
    assert len(sheet.cells) == 6 and {c.mark for c in sheet.cells} == {"signed"}
    assert len(sheet.trainer) == 6


def _keystoned(page: np.ndarray) -> np.ndarray:
    """The page as a phone sees it: the top edge narrower than the bottom one."""
    h, w = page.shape
    source = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    target = np.array([[40, 25], [w - 30, 0], [w, h], [0, h - 15]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, target)
    return cv2.warpPerspective(page, matrix, (w, h), borderValue=255)


def test_a_keystoned_grid_is_made_square_before_its_lines_are_found() -> None:
    page, xs, ys = _drawn_grid()
    tilted = _keystoned(page)
    assert len(find_tables(tilted, 150)[0].xs) < 4  # the slanted walls escape the projection
    table = find_tables(tables.rectify(tilted, 150), 150)[0]
    assert len(table.xs) == len(xs) and len(table.ys) == len(ys)
    widths = np.diff(table.xs) / np.diff(xs)
    assert np.allclose(widths, widths.mean(), rtol=0.03)  # columns keep their proportions


def test_a_misread_trainer_label_is_still_the_trainer_row() -> None:
    assert sheet_text.is_trainer_label("Sionature Qu ivrimateur")
    assert sheet_text.is_trainer_label("Signature du formateur")
    assert not sheet_text.is_trainer_label("Manon Chevalier")
    assert not sheet_text.is_trainer_label("Signoret Lucie")


def test_a_trainer_label_cut_by_a_column_rule_is_still_the_trainer_row() -> None:
    # "Intervenant·e" across the number and name columns: the name column reads its end.
    assert sheet_text.is_trainer_label("rvenant·e")
    assert not sheet_text.is_trainer_label("VENANT Paul")  # a surname, not a word's end


def test_keystoned_scan_is_rectified_and_every_cell_read(engine: TesserocrEngine) -> None:
    pdf = (PARTAGE / "Thomas Girard" / "emargement 24 mars.pdf").read_bytes()
    (sheet,) = attendance.read_pages(pdf, engine, OcrSettings())
    marks = _marks([sheet])
    for who in ("Marion Teissier", "Rémi Vialle", "Nathalie Cros"):
        for half in ("matin", "apres-midi"):
            assert _mark_of(marks, who, date(2026, 3, 24), half) == "signed"
    assert len(sheet.cells) == 8
    assert [(t["half_day"], t["signed"]) for t in sheet.trainer_signed()] == [
        ("matin", True),
        ("apres-midi", True),
    ]


def test_trainer_boxes_holding_a_straight_stroke_are_still_boxes(engine: TesserocrEngine) -> None:
    pdf = (PARTAGE / "Karim Benali" / "emargement lundi mardi.pdf").read_bytes()
    sheets = attendance.read_pages(pdf, engine, OcrSettings())
    assert [len(s.trainer) for s in sheets] == [2, 2]
    assert {t.date for t in sheets[1].trainer} == {date(2026, 2, 3)}
    assert {t.half_day for t in sheets[1].trainer} == {"matin", "apres-midi"}


def _cell_with(strokes: list[np.ndarray]) -> np.ndarray:
    cell = np.zeros((160, 420), np.uint8)
    for stroke in strokes:
        cv2.polylines(cell, [stroke.astype(np.int32)], False, 255, 4)
    return cell


def test_a_stroke_or_an_x_across_the_cell_is_a_cross_out_and_a_signature_is_not() -> None:
    t = np.linspace(0, 1, 30)
    rising = np.stack([30 + 360 * t, 140 - 120 * t + 25 * np.sin(np.pi * t)], axis=1)
    falling = np.stack([30 + 360 * t, 20 + 120 * t], axis=1)
    assert cells.crossed_out(_cell_with([rising]), 200)
    assert cells.crossed_out(_cell_with([rising, falling]), 200)
    loops = np.stack([60 + 300 * t, 80 + 45 * np.sin(14 * np.pi * t)], axis=1)
    underline = np.stack([50 + 320 * t, 135 + 0 * t], axis=1)
    assert not cells.crossed_out(_cell_with([loops, underline]), 200)
    assert not cells.crossed_out(_cell_with([underline]), 200)  # a dash is not a cross


def test_a_stroke_s_parabola_is_the_least_squares_one_numpy_fits() -> None:
    # The cross-out test fits every inked cell: its own solver must give polyfit's curve.
    rng = np.random.default_rng(7)
    ys, xs = np.nonzero(_cell_with([np.stack([30 + 360 * t, 140 - 120 * t + 25 * t * t], axis=1)
                                    for t in [np.linspace(0, 1, 30)]]))  # fmt: skip
    x, y = xs.astype(float), ys + rng.normal(0, 2, len(ys))
    error, fit = cells._curve_fit(x, y)
    wanted = np.polyfit(x, y, 2)
    assert np.allclose(np.polyval(fit, x), np.polyval(wanted, x), atol=1e-6)
    assert error == pytest.approx(float(np.sqrt(np.mean((y - np.polyval(wanted, x)) ** 2))))


@functools.cache
def _generated_set() -> dict[str, Any]:
    from samples.gen.sheets import labelled_sheets

    return {s.name: s for s in labelled_sheets(30)}


def _generated(name: str) -> bytes:
    return bytes(_generated_set()[name].data)


def test_born_digital_grid_is_read_from_its_text_layer_one_half_day_days_included(
    engine: TesserocrEngine,
) -> None:
    # Friday 15/05 has an afternoon only: its header spans one narrow column in small print.
    (sheet,) = attendance.read_pages(_generated("009-grid-digital.pdf"), engine, OcrSettings())
    friday = [c for c in sheet.columns if c.date == date(2026, 5, 15)]
    assert [c.half_day for c in friday] == ["apres-midi"]
    want = _generated_set()["009-grid-digital.pdf"].sessions
    got = {(c.person, str(c.date), c.half_day): c.mark for c in sheet.cells}
    assert got == {(w["trainee"], w["date"], w["half_day"]): w["mark"] for w in want}
    assert sheet.seconds < 2.5


def test_a_small_typed_abs_is_absent_though_it_leaves_little_ink(
    engine: TesserocrEngine,
) -> None:
    sheets = attendance.read_pages(_generated("001-day-digital.pdf"), engine, OcrSettings())
    marks = _marks(sheets)
    assert _mark_of(marks, "GARNIER Laëtitia", date(2026, 6, 22), "apres-midi") == "absent"


def test_per_trainee_sheet_reads_dates_as_rows_and_the_name_above(engine: TesserocrEngine) -> None:
    sheets = attendance.read_pages(_generated("020-trainee-digital.pdf"), engine, OcrSettings())
    assert [s.trainee for s in sheets] == ["NGUYEN Kévin", "SANCHEZ Maëlle"]
    sheet = sheets[0]
    assert sheet.layout == "trainee"
    marks = {(c.date, c.half_day): c.mark for c in sheet.cells}
    assert marks[(date(2026, 7, 21), "matin")] == "absent"  # crossed out
    assert marks[(date(2026, 7, 20), "apres-midi")] == "signed"
    assert {c.person for c in sheet.cells} == {"NGUYEN Kévin"}
    # The trainer signs once a day, for both half-days: nothing signed here.
    assert [t["signed"] for t in sheet.trainer_signed()] == [False] * 4


def test_an_upside_down_scan_is_turned_round_and_every_cell_read(engine: TesserocrEngine) -> None:
    (sheet,) = attendance.read_pages(_generated("021-grid-scan.pdf"), engine, OcrSettings())
    want = _generated_set()["021-grid-scan.pdf"].sessions
    marks = _marks([sheet])
    assert len(marks) == len(want)
    for w in want:
        assert (
            _mark_of(marks, w["trainee"], date.fromisoformat(w["date"]), w["half_day"]) == w["mark"]
        )


def test_a_day_s_unread_half_day_label_is_the_half_its_other_column_is_not() -> None:
    day, other = date(2026, 2, 2), date(2026, 2, 3)
    columns = [
        attendance.Column(day, "matin", 3.5, "Lundi 02/02/2026 | Matin (9h-12h30)"),
        attendance.Column(day, None, None, "Lundi 02/02/2026 | AU"),
        attendance.Column(other, None, None, "Mardi 03/02/2026 | Mrétrent"),
    ]
    halves = [c.half_day for c in sheet_columns._halves_completed(columns)]
    assert halves == ["matin", "apres-midi", None]  # a lone column stays unknown


def test_a_sheet_edge_joined_to_the_table_is_not_taken_for_its_outer_lines() -> None:
    page, xs, ys = _drawn_grid()
    framed = page.copy()
    cv2.rectangle(framed, (40, 30), (1380, 640), 0, 3)  # the paper's edge on a photo
    cv2.line(framed, (40, 300), (xs[0], 300), 0, 2)  # a shadow joining it to the table
    table = max(find_tables(framed, 150), key=lambda t: len(t.xs) * len(t.ys))
    assert [abs(a - b) <= 2 for a, b in zip(table.xs, xs, strict=True)] == [True] * 4
    assert [abs(a - b) <= 2 for a, b in zip(table.ys, ys, strict=True)] == [True] * 5


def test_a_misread_header_date_is_the_title_s_listed_date_nearest_it() -> None:
    known = sheet_columns.loose_dates(["Dates : les 10/07/2026, 13/07/2026, 1407/2026"])
    assert known == {date(2026, 7, 10), date(2026, 7, 13), date(2026, 7, 14)}
    snapped = sheet_columns.snapped_date
    assert snapped("Vendredi 10/07/2028", date(2028, 7, 10), known) == date(2026, 7, 10)
    assert snapped("Mardi 1407/2026", None, known) == date(2026, 7, 14)
    assert snapped("Mardi O0 VIu6e", None, known) == date(2026, 7, 14)  # weekday
    assert snapped("Lundi 13/07/2026", date(2026, 7, 13), known) == date(2026, 7, 13)
    assert snapped("Jeudi 16/07/2026", date(2026, 7, 16), known) == date(2026, 7, 16)


def test_a_photographed_grid_reads_names_dates_and_abs_words(engine: TesserocrEngine) -> None:
    image = Image.open(io.BytesIO(_generated("015-grid-photo.jpg")))
    sheet = attendance.read_picture(image, round(min(image.size) / 8.27), engine, OcrSettings())
    want = _generated_set()["015-grid-photo.jpg"].sessions
    marks = _marks([sheet])
    right = [
        _mark_of(marks, w["trainee"], date.fromisoformat(w["date"]), w["half_day"]) == w["mark"]
        for w in want
    ]
    assert sum(right) >= len(want) - 1


def _pen_cell(seed: int, mark: str, width: float, height: float) -> np.ndarray:
    """A ruled cell (points) marked by the generators' pen, printed at 200 dpi: its ink
    without the rules, as :func:`cells.cell_marks` measures it."""
    pen = Pen(random.Random(seed))
    pen.new_page(size=(width + 40, height + 40))
    pen.c.rect(20, 20, width, height)
    if mark == "signature":
        pen.signature(23, 22, width - 6, height - 4, (0.1, 0.1, 0.4))
    else:
        pen.cross(20, 20, width, height, (0.1, 0.1, 0.2), style=mark)
    return _cell_marks_printed(pen)


@pytest.mark.parametrize(("seed", "width", "height"), [(24, 170, 40), (22, 120, 30), (24, 120, 30)])
def test_a_hand_s_x_across_a_wide_low_cell_is_a_cross_out(
    seed: int, width: float, height: float
) -> None:
    # Both strokes bowed by the hand run side by side along one edge: the whole passed
    # for one flat curve, or its pixels were shared out as a V over a dash.
    assert cells.crossed_out(_pen_cell(seed, "croix", width, height), 200)


def test_signatures_in_wide_low_cells_are_no_cross_outs() -> None:
    for seed in range(12):
        assert not cells.crossed_out(_pen_cell(seed, "signature", 170, 40), 200), seed


def test_a_low_wavy_signature_along_a_wide_cell_is_no_cross_x() -> None:
    # Its humps shared between two gentle curves, one climbing and one falling, made an
    # "X" no higher than the scrawl: a signature called absent. An X crosses the cell.
    assert not cells.crossed_out(_pen_cell(42, "signature", 165, 29), 200)
    assert cells.crossed_out(_pen_cell(42, "croix", 165, 29), 200)


def _photographed_word(
    word: str, font: str, blur: float, engine: TesserocrEngine, dust: bool = False
) -> sheet_page.SheetPage:
    """A ruled cell holding ``word`` typed small (9 pt), printed at 200 dpi and blurred
    and compressed like a phone's photo; the page OCR saw no word in it. ``dust``: two
    specks, above the word and below it."""
    pen = Pen(random.Random(1))
    pen.new_page(size=(220, 80))
    pen.c.rect(20, 20, 180, 40)
    pen.text(110, 37, word, 9, font, align="center")
    if dust:
        pen.c.circle(125, 54, 0.9, stroke=0, fill=1)
        pen.c.circle(100, 25, 0.9, stroke=0, fill=1)
    image = render.raster(pen.finish()[0], 200, True)[0].convert("L")
    buffer = io.BytesIO()
    image.filter(ImageFilter.GaussianBlur(blur)).save(buffer, "JPEG", quality=60)
    gray = np.array(Image.open(buffer).convert("L"))
    return sheet_page.page_of(tables.Rulings.of(gray, 200), 200, engine, [], exact=False)


@pytest.mark.ocr
def test_a_typed_abs_between_two_specks_of_dust_is_read_as_a_word_never_a_signature(
    engine: TesserocrEngine,
) -> None:
    # The specks above and below made the ink look taller than a line of writing: the
    # word was never read again, and "ABS" passed for a small signature.
    page = _photographed_word("ABS", "Times-Roman", 1.0, engine, dust=True)
    side = round(20 * 200 / 72)
    box = (side, side, page.gray.shape[1] - side, page.gray.shape[0] - side)
    column = attendance.Column(date(2026, 3, 2), attendance.MATIN, None, "Matin")
    read = cells.judge_cell(page, box, column, "Léa Martin")
    assert read.mark == "absent" or read.confidence < attendance.REVIEW_BELOW


@pytest.mark.ocr
@pytest.mark.parametrize(
    ("word", "font", "blur"),
    [
        ("Absente", "Times-Roman", 2.0),
        ("Excusée", "Times-Roman", 1.5),
        ("Excusée", "Times-Roman", 2.0),
        ("ABSENT", "Times-Roman", 1.5),
        ("ABS", "Times-Bold", 1.5),
    ],
)
def test_an_absence_word_typed_small_on_a_photo_is_an_absence_never_a_signature(
    word: str, font: str, blur: float, engine: TesserocrEngine
) -> None:
    # Read as one crisp line the blurred word came out "b" or "us": its ink, as much as
    # a small signature's, was called signed.
    page = _photographed_word(word, font, blur, engine)
    side = round(20 * 200 / 72)
    box = (side, side, page.gray.shape[1] - side, page.gray.shape[0] - side)
    column = attendance.Column(date(2026, 3, 2), attendance.MATIN, None, "Matin")
    read = cells.judge_cell(page, box, column, "Léa Martin")
    assert read.mark == "absent" and read.confidence >= attendance.REVIEW_BELOW


@pytest.mark.ocr
def test_an_absence_word_too_blurred_to_read_is_never_a_sure_signature(
    engine: TesserocrEngine,
) -> None:
    page = _photographed_word("ABS", "Times-Bold", 2.0, engine)
    side = round(20 * 200 / 72)
    box = (side, side, page.gray.shape[1] - side, page.gray.shape[0] - side)
    column = attendance.Column(date(2026, 3, 2), attendance.MATIN, None, "Matin")
    read = cells.judge_cell(page, box, column, "Léa Martin")
    assert read.mark == "absent" or read.confidence < attendance.REVIEW_BELOW


def test_a_long_signature_with_a_flourish_back_over_it_is_no_cross_out() -> None:
    t = np.linspace(0, 1, 120)
    scrawl = np.stack([30 + 340 * t, 90 + 30 * np.sin(9 * np.pi * t) - 40 * t], axis=1)
    flourish = np.stack([380 - 330 * t, 60 + 50 * t], axis=1)
    assert not cells.crossed_out(_cell_with([scrawl, flourish]), 200)


def test_a_flat_x_keeps_the_level_stretches_of_its_arms_and_reads_crossed_out(
    engine: TesserocrEngine,
) -> None:
    # 05/05 afternoon is crossed by a flat X whose arms end level: the ruling filter took
    # them for lines, and what was left looked like a signature.
    image = Image.open(io.BytesIO(_generated("008-trainee-photo.jpg")))
    sheet = attendance.read_picture(image, round(min(image.size) / 8.27), engine, OcrSettings())
    marks = {(c.date, c.half_day): c.mark for c in sheet.cells}
    assert marks[(date(2026, 5, 5), "apres-midi")] == "absent"
    want = _generated_set()["008-trainee-photo.jpg"].sessions
    got = [marks.get((date.fromisoformat(w["date"]), w["half_day"])) for w in want]
    assert got == [w["mark"] for w in want]


def test_a_stroke_across_the_cell_with_a_neighbour_s_tick_is_still_a_cross_out() -> None:
    t = np.linspace(0, 1, 30)
    stroke = np.stack([30 + 360 * t, 140 - 110 * t + 20 * np.sin(np.pi * t)], axis=1)
    tick = np.array([[200, 159], [206, 148]])
    assert cells.crossed_out(_cell_with([stroke, tick]), 200)


def test_a_row_date_out_of_order_sends_its_cells_to_review() -> None:
    def cell(day: int) -> attendance.CellRead:
        return attendance.CellRead(
            date(2026, 11, day), "matin", "Léa", "signed", 0.99, 0.05, (0,) * 4
        )

    # "10" misread "18": a date of the training still, but not between the 9th and the 11th.
    checked = sheet_grid._out_of_order([cell(9), cell(18), cell(11), cell(12)])
    assert [c.confidence < attendance.REVIEW_BELOW for c in checked] == [False, True, True, False]
    assert all(c.confidence > 0.9 for c in sheet_grid._out_of_order([cell(9), cell(10)]))


def test_a_column_whose_date_went_unread_takes_the_listed_date_between_its_neighbours() -> None:
    known = {date(2026, 2, d) for d in (13, 16, 18, 19)}
    columns = [
        attendance.Column(date(2026, 2, 16), "apres-midi", None, "Lundi 16/02/2026 | Après-midi"),
        attendance.Column(None, "apres-midi", None, 'Après [AE "ah'),
        attendance.Column(date(2026, 2, 19), "matin", None, "Jeudi 19/02/2026 | Matin"),
        attendance.Column(None, None, None, "Observations"),
    ]
    dated = [c.date for c in sheet_columns._dates_completed(columns, known)]
    assert dated == [date(2026, 2, 16), date(2026, 2, 18), date(2026, 2, 19), None]


@pytest.mark.parametrize(
    ("token", "word"),
    [
        ("stagiaire", "stagiaires"),  # one letter more: alike
        ("stagaire", "stagiaire"),  # one letter short
        ("signature", "signatures"),
        ("signatuer", "signature"),  # two letters swapped: 0.89
        ("prenom", "stagiaire"),  # nothing alike
        ("formateur", "formation"),  # 0.78: just under the cut
        ("emargement", "emargements"),
        ("signe", "signature"),  # too short for a near match by length alone
    ],
)
def test_near_header_words_are_the_ones_sequence_matcher_calls_near(token: str, word: str) -> None:
    from difflib import SequenceMatcher

    from pipeline.reading import header

    assert header._similar(token, word, 0.8) == (SequenceMatcher(None, token, word).ratio() >= 0.8)


def _hand_word_cell(word: str, width: float, height: float) -> np.ndarray:
    """A ruled cell holding ``word`` written letter by letter (the generators' hand),
    printed at 200 dpi: its ink without the rules."""
    pen = Pen(random.Random(3))
    pen.new_page(size=(width + 40, height + 40))
    pen.c.rect(20, 20, width, height)
    pen.hand(30, 20 + height * 0.35, word, 11, (0.1, 0.1, 0.5))
    return _cell_marks_printed(pen)


def test_a_word_written_letter_by_letter_is_told_from_a_signature_s_scrawl() -> None:
    # An "excusé" the OCR cannot make out (a photo's blur) must not pass for a signature.
    assert cells._letters_in_a_line(_hand_word_cell("excusé", 120, 40), 200)
    assert cells._letters_in_a_line(_hand_word_cell("absente", 120, 40), 200)
    for seed in range(12):
        assert not cells._letters_in_a_line(_pen_cell(seed, "signature", 120, 40), 200), seed
        assert not cells._letters_in_a_line(_pen_cell(seed, "signature", 170, 40), 200), seed


class _ReadsAs:
    """An OCR engine that reads every crop as the same text (a hand's word half read)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        return OcrResult(self.text, 0.5)

    recognise_line = recognise


def test_a_word_read_nearly_absent_is_left_for_a_person_as_an_absence() -> None:
    # A scanned handwritten "Absent" read "h Sent,": no sure mark, and the lean shown to
    # the person checking it is an absence, not a signature.
    pen = Pen(random.Random(5))
    pen.new_page(size=(220, 80))
    pen.c.rect(20, 20, 180, 40)
    pen.hand(40, 33, "Absent", 12, (0.1, 0.1, 0.2))
    gray = np.array(render.raster(pen.finish()[0], 200, True)[0].convert("L"))
    page = sheet_page.page_of(tables.Rulings.of(gray, 200), 200, _ReadsAs("h Sent,"), [], False)
    side = round(20 * 200 / 72)
    box = (side, side, gray.shape[1] - side, gray.shape[0] - side)
    column = attendance.Column(date(2026, 3, 2), attendance.MATIN, None, "Matin")
    read = cells.judge_cell(page, box, column, "Léa Martin")
    assert read.mark == "absent" and read.confidence < attendance.REVIEW_BELOW


def _stub_read_cell(draw: str, reads_as: str) -> attendance.CellRead:
    """A cell holding a signature or a written "ABS", judged with an OCR that reads it
    as ``reads_as``."""
    pen = Pen(random.Random(7))
    pen.new_page(size=(140, 70))
    pen.c.rect(20, 20, 100, 30)
    if draw == "signature":
        # A heavy scrawl: a broad pen's zigzag over most of the cell.
        pen.c.setLineWidth(2.5)
        zigzag = [(26 + 6 * i, 26 + (18 if i % 2 else 0)) for i in range(15)]
        for (x0, y0), (x1, y1) in zip(zigzag, zigzag[1:], strict=False):
            pen.c.line(x0, y0, x1, y1)
    else:
        pen.hand(50, 30, draw, 11, (0.1, 0.1, 0.3))
    gray = np.array(render.raster(pen.finish()[0], 200, True)[0].convert("L"))
    page = sheet_page.page_of(tables.Rulings.of(gray, 200), 200, _ReadsAs(reads_as), [], False)
    side = round(20 * 200 / 72)
    box = (side, side, gray.shape[1] - side, gray.shape[0] - side)
    column = attendance.Column(date(2026, 3, 2), attendance.MATIN, None, "Matin")
    return cells.judge_cell(page, box, column, "Léa Martin")


def test_a_signature_read_as_abs_is_no_sure_absence_but_a_written_abs_is() -> None:
    scrawl = _stub_read_cell("signature", "abs")
    assert scrawl.ink > cells.WORD_INK
    assert scrawl.confidence < attendance.REVIEW_BELOW
    written = _stub_read_cell("ABS", "ABS")
    assert written.mark == "absent" and written.confidence >= attendance.REVIEW_BELOW


def test_a_slanted_rule_along_a_cell_s_side_is_no_mark_but_a_stroke_inside_is() -> None:
    marks = np.zeros((90, 400), np.uint8)
    cv2.line(marks, (392, 0), (386, 89), 255, 2)  # a photo's frame, slanted, at the side
    cv2.line(marks, (0, 2), (399, 3), 255, 2)  # a shaded header's lower edge
    assert cells._edge_lines_only(marks)
    stroke = marks.copy()
    cv2.line(stroke, (40, 80), (360, 10), 255, 2)  # a stroke across: a cross-out
    assert not cells._edge_lines_only(stroke)
    scrawl = np.zeros_like(marks)
    for i in range(12):  # a signature's zigzag near the side
        cv2.line(scrawl, (300 + 8 * i, 30 + 30 * (i % 2)), (308 + 8 * i, 60 - 30 * (i % 2)), 255, 2)
    assert not cells._edge_lines_only(scrawl)
    assert not cells._edge_lines_only(np.zeros_like(marks))


def _cell_marks_printed(pen: Pen) -> np.ndarray:
    """The marks of the one ruled cell ``pen`` drew 20 pt in from its page's edges, the
    page printed at 200 dpi: its ink without the rules."""
    gray = np.array(render.raster(pen.finish()[0], 200, True)[0].convert("L"))
    ruled = tables.Rulings.of(gray, 200)
    lines = cv2.dilate(cv2.bitwise_or(ruled.horiz, ruled.vert), np.ones((3, 3), np.uint8))
    side = round(20 * 200 / 72) + 8
    inner = (side, side, gray.shape[1] - side, gray.shape[0] - side)
    return cells.cell_marks(ruled.ink, lines, inner, 200)
