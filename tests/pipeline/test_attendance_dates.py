"""Dates and half-days wherever an attendance sheet prints them: a date column known by
its cells whatever its header says, weekday dates whose year is the page's, half-days
given as time ranges in séance headings, and the trainee named above a one-trainee
table."""

from __future__ import annotations

import io
import random
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4

from pipeline.ocr import OcrSettings, TesserocrEngine, Word
from pipeline.parse import same_person
from pipeline.reading import attendance, header, sheet_columns, sheet_text, unheld
from pipeline.reading.sheet_results import Column
from samples.gen import render
from samples.gen.layouts import draw_choices, draw_sheet
from samples.gen.pen import Pen
from tests.pipeline import sheet_layouts as layouts


@pytest.fixture(scope="module")
def engine() -> TesserocrEngine:
    return TesserocrEngine(OcrSettings())


def _drawn(seed: int, **choices: Any) -> tuple[bytes, list[dict[str, Any]]]:
    """A born-digital sheet of samples/gen/layouts with the given structure, and its truth."""
    rng = random.Random(seed)
    doc = draw_sheet(rng, replace(draw_choices(rng), **choices))
    return doc.pdf, doc.sessions


def _misread(pdf: bytes, truth: list[dict[str, Any]], engine: TesserocrEngine) -> list[str]:
    """The truth's cells not read surely with their mark (by date, half-day and name)."""
    cells = [c for s in attendance.read_pages(pdf, engine, OcrSettings()) for c in s.cells]
    missed = []
    for want in truth:
        found = [
            c
            for c in cells
            if c.date is not None
            and c.date.isoformat() == want["date"]
            and c.half_day == want["half_day"]
            and same_person(c.person, want["trainee"]) >= 0.8
        ]
        ok = [c for c in found if c.confidence >= attendance.REVIEW_BELOW]
        if len(ok) != 1 or ok[0].mark != want["mark"]:
            missed.append(f"{want['trainee']} {want['date']} {want['half_day']}: {found}")
    return missed


ONE_TRAINEE = {
    "axis": "single",
    "date_at": "rows",
    "names": "joined",
    "trainer": "tcol",
    "ruling": "full",
    "date_head": "Séance",
    "half_words": ("AM", "PM"),
}


@pytest.mark.parametrize(
    ("head_date", "halves", "name_head"),
    [
        ("short-day", "hcols", "Stagiaires"),  # "Mar. 03/11/2026" under "Séance"
        ("day-month", "hcols", "NOM Prénom"),  # "lundi 16 février 2026" on two lines
        ("long", "hrows", "Apprenant·e"),  # a row a half-day, "Séance" and "Créneau"
    ],
)
def test_a_column_of_dates_is_the_date_column_whatever_its_header_and_the_name_is_above(
    engine: TesserocrEngine, head_date: str, halves: str, name_head: str
) -> None:
    choices = dict(ONE_TRAINEE, head_date=head_date, halves=halves, name_head=name_head)
    pdf, truth = _drawn(31, **choices, half_head="Créneau")
    assert truth and _misread(pdf, truth, engine) == []


def test_a_trainer_signing_once_a_day_on_a_row_per_date_signs_both_half_days_surely(
    engine: TesserocrEngine,
) -> None:
    rng = random.Random(31)
    choices = dict(ONE_TRAINEE, head_date="num", halves="hcols", half_words=("Matin", "Après-midi"))
    doc = draw_sheet(rng, replace(draw_choices(rng), **choices))
    want = {(t["date"], t["half_day"], t["signed"]) for t in doc.trainer}
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    got = {
        (c.date.isoformat(), c.half_day, c.mark == "signed")
        for s in sheets
        for c in s.trainer
        if c.date and c.confidence >= attendance.REVIEW_BELOW
    }
    assert want and got == want


def test_a_one_trainee_sheet_names_its_trainee_by_family_name_and_first_name(
    engine: TesserocrEngine,
) -> None:
    choices = dict(ONE_TRAINEE, names="split", split_heads=("Nom de famille", "Prénom"))
    pdf, truth = _drawn(35, **choices, head_date="day-month", halves="hrows", half_head="Horaires")
    assert truth and _misread(pdf, truth, engine) == []


@pytest.mark.parametrize(
    ("seed", "words", "dated"),
    [
        (17, ("9h00 - 12h30", "13h30 - 17h00"), "title"),  # one day
        (16, ("9h-12h30", "13h30-17h"), "title"),  # a page a day, "Période : du … au …"
        (19, ("9h-12h30", "13h30-17h"), "caption"),  # "Séance du 22/06/2026 — 9h-12h30"
    ],
)
def test_seance_tables_headed_by_their_hours_take_the_half_day_and_the_page_s_day(
    engine: TesserocrEngine, seed: int, words: tuple[str, str], dated: str
) -> None:
    # One table a séance stacked down the page, each headed by its hours, its day in the
    # heading or only in the page title ("Journée du lundi 9 mars 2026").
    choices = {
        "axis": "rows",
        "date_at": "block",
        "halves": "hcap",
        "block_date": dated,
        "title_date": "Journée du {long}",
        "trainer": "tnone",
        "ruling": "full",
        "hand_names": False,
        "half_words": words,
    }
    pdf, truth = _drawn(seed, **choices)
    assert {c["half_day"] for c in truth} == {attendance.MATIN, attendance.APRES_MIDI}
    assert _misread(pdf, truth, engine) == []


@pytest.mark.parametrize(
    ("label", "half"),
    [
        ("9h-12h30", attendance.MATIN),
        ("9h00 - 12h30", attendance.MATIN),
        ("Matin (8h30-12h)", attendance.MATIN),
        ("13h30-17h", attendance.APRES_MIDI),
        ("12h-13h30", attendance.APRES_MIDI),  # starting at noon: the afternoon
        ("14h à 17h30", attendance.APRES_MIDI),
        ("AM", attendance.MATIN),
        ("PM", attendance.APRES_MIDI),
        ("9h-17h", None),  # a whole day is no half-day
        ("Lun. 20/04/2026 MATIN APRÈS-MIDI", None),  # a day over both halves, read as one
        ("Signé le 12/03/2026 à 09:04", None),
    ],
)
def test_a_time_range_starting_before_noon_is_the_morning_and_one_from_noon_the_afternoon(
    label: str, half: str | None
) -> None:
    assert sheet_text.half_day_of(label) == half


@pytest.mark.parametrize(
    ("line", "halves"),
    [
        ("9h00 - 12h30", {attendance.MATIN}),
        ("Séance du 12/03/2026 - après-midi", {attendance.APRES_MIDI}),
        ("Horaires : 9h-12h30 / 13h30-17h", {attendance.MATIN, attendance.APRES_MIDI}),
        ("Journée du 12/03/2026 de 9h à 17h", {attendance.MATIN, attendance.APRES_MIDI}),
        ("Formation : Gestion du temps", set()),
    ],
)
def test_a_line_above_a_table_names_the_half_days_of_its_words_and_hours(
    line: str, halves: set[str]
) -> None:
    assert sheet_text.halves_named(line) == halves


def test_a_column_is_dated_by_its_cells_specks_aside_but_not_by_e_attendance_records() -> None:
    assert sheet_text.dated_cells(["lundi 16 - février 2026", "mardi 17 P février 2026"], None)
    assert sheet_text.dated_cells(["Lundi 7 décembre", "", "Mercredi 16 décembre"], 2026)
    assert not sheet_text.dated_cells(["Lundi 7 décembre", "Mercredi 16 décembre"], None)
    # A photo's blur: what is left of a date (its year, month, weekday) still counts.
    blurred = ["msn", "mardi 3 février 2026", "mardi 3 février 2026", "marc à lvier 2026"]
    assert sheet_text.dated_cells(blurred, 2026)
    signed = ["Signé le 16/02/2026 à 08:17", "Signé le 17/02/2026 à 09:17", "Excusée"]
    assert not sheet_text.dated_cells(signed, 2026)
    assert not sheet_text.dated_cells(["Léa Martin", "Paul Durand", "Mar. 03/11/2026"], 2026)


def test_one_e_attendance_record_makes_a_marks_column_whatever_the_ocr_made_of_others() -> None:
    # A photo's OCR garbles the verb of one record ("figné") but not the other's: the
    # column is a trainee's marks, not the rows' dates.
    garbled = ["Signé le 22/12/2025 à 09:23", "figné le 22/12/2025 à 14:58)"]
    assert not sheet_text.dated_cells(garbled, 2025)


def test_a_date_column_headed_seance_makes_rows_dates_and_keeps_the_half_day_column() -> None:
    labels = ["Séance", "Créneau", "Signature", "Formateur"]
    assert header.plan(labels) is None or header.plan(labels).date != 0  # type: ignore[union-attr]
    axes = header.plan(labels, 2026, dated=[0])
    assert axes is not None and axes.rows == "dates"
    assert (axes.date, axes.half, axes.trainee, axes.trainer) == (0, 1, (2,), (3,))
    # A name or signature column holding dates (e-attendance records) keeps its role.
    axes = header.plan(["Nom et prénom", "Signature"], 2026, dated=[1])
    assert axes is not None and axes.rows == "trainees" and axes.trainee == (1,)


def test_columns_the_row_gives_the_half_day_of_get_no_half_day_guessed_from_the_title() -> None:
    # A one-trainee sheet of one day ("Date : 03/03/2026"): "Créneau" names the row's
    # half-day, "Signature" is the trainee's; neither is a morning or an afternoon.
    day = date(2026, 3, 3)
    columns = [Column(day, None, None, "Créneau"), Column(day, None, None, "Signature")]
    assert [c.half_day for c in sheet_columns._halves_completed(columns)] == [None, None]
    # Trainees as columns on a one-day sheet: names, no morning and afternoon.
    columns = [Column(day, None, None, "Léa Martin"), Column(day, None, None, "Paul Durand")]
    assert [c.half_day for c in sheet_columns._halves_completed(columns)] == [None, None]
    columns = [Column(day, None, None, "Lun. 03/03"), Column(day, None, None, "Lun. 03/03")]
    done = sheet_columns._halves_completed(columns)
    assert [c.half_day for c in done] == [attendance.MATIN, attendance.APRES_MIDI]


def test_a_weekday_date_without_its_year_takes_the_page_s() -> None:
    words = [Word(t, 0.95, (10 * i, 0, 10 * i + 8, 10)) for i, t in enumerate(PERIOD.split())]
    year = sheet_columns.year_hint(words)
    assert year == 2026
    assert sheet_text.cell_dates("Lundi 7 décembre", year) == [date(2026, 12, 7)]
    assert sheet_text.cell_dates("lundi 16 - février", year) == [date(2026, 2, 16)]


def test_a_date_whose_slashes_a_photo_lost_is_still_a_date() -> None:
    # In a row's date cell or a column's header ("2502/2026 | 13h30 - 17h00").
    assert sheet_text.cell_dates("24022026", None) == [date(2026, 2, 24)]
    assert sheet_text.cell_dates("2402/2026", None) == [date(2026, 2, 24)]
    assert sheet_text.cell_dates("31312026", None) == []


@pytest.mark.parametrize(
    ("text", "year", "day"),
    [
        # A header of two lines ("Mercredi 30 septembre" over "2026 Matinée") whose words
        # the OCR gave back in another order: weekday, day, month and year still agree.
        ("| Mercredi 2026 30 Matinée septembre", None, date(2026, 9, 30)),
        ("Vendredi 2026 Après-midi 2 octobre", None, date(2026, 10, 2)),
        ("jeudi décembre 3 | 9h-12h30", 2026, date(2026, 12, 3)),
        # The weekday says another day, or a part is missing or doubled: no date.
        ("| Jeudi 2026 30 Matinée septembre", None, None),
        ("2026 30 Matinée septembre", None, None),
        ("Mercredi 2026 30 septembre 12", None, None),
        ("Mercredi 30 septembre", None, None),
    ],
)
def test_a_date_whose_words_came_out_of_order_counts_only_when_its_weekday_agrees(
    text: str, year: int | None, day: date | None
) -> None:
    assert sheet_text.cell_dates(text, year) == ([day] if day else [])


@pytest.mark.parametrize(
    ("label", "half"),
    [
        ("Sh-12h30", attendance.MATIN),  # "9h-12h30", its 9 read as a letter
        ("gh00 - 12h30", attendance.MATIN),
        ("Sh-17h", None),  # an afternoon's, or a whole day's: not said
        ("Rh-13h30", None),
        ("Nathalie-12h", None),
    ],
)
def test_a_time_range_whose_start_was_misread_is_the_morning_only_when_it_ends_by_one(
    label: str, half: str | None
) -> None:
    assert sheet_text.half_day_of(label) == half
    assert sheet_text.halves_named(label) == ({half} if half else set())


def test_a_row_date_whose_weekday_says_another_day_is_no_date() -> None:
    # The 25th read as 24: "jeudi" says which; the wrong day is never given to the cells.
    assert sheet_text.cell_dates("jeudi 24 septembre 2025", None) == []
    assert sheet_text.cell_dates("Jeudi 25/09/2025", None) == [date(2025, 9, 25)]
    assert sheet_text.cell_dates("25/09/2025", None) == [date(2025, 9, 25)]


PERIOD = "Période : du 07/12/2026 au 16/12/2026"


def test_a_page_printing_no_full_date_takes_the_year_it_prints_alone() -> None:
    text = "Session de formation 2026 Lundi 7 décembre Mercredi 16 décembre 9h-12h30"
    words = [Word(t, 0.95, (10 * i, 0, 10 * i + 8, 10)) for i, t in enumerate(text.split())]
    assert sheet_columns.year_hint(words) == 2026


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("décembre 2025 AM", False),  # "Lundi 8" printed above it, missed by the OCR
        ("Lundi | PM", False),
        ("12h30", False),  # "9h-12h30", its start missed
        ("Lundi 15 septembre 2025 | G3h30-17h00)", False),  # "(13h30-17h00)" misread
        ("13h30-17h", True),
        ("Lundi 8 décembre 2025 AM", True),
        ("Matin (9h-12h30)", True),
        ("Signature du stagiaire", True),
    ],
)
def test_a_header_cell_naming_a_month_or_weekday_without_its_date_is_read_again(
    text: str, whole: bool
) -> None:
    assert sheet_text.is_whole_title(text, 2025) == whole


def _seance_rows_sheet() -> bytes:
    """A one-trainee sheet whose "Séance" cells give the date and the half-day together
    ("Lun. 04/05/2026 - matin"), the trainee named above the table."""
    pen = Pen(random.Random(21))
    pen.new_page()
    width, height = A4
    pen.text(60, height - 80, "Feuille de présence", 14, "Helvetica-Bold")
    pen.text(60, height - 105, "Participant·e : Firmin Aubertin", 10, "Helvetica-Bold")
    rows = [
        layouts.Row((f"{day} - {half}",), (signed,))
        for day, half, signed in (
            ("Lun. 04/05/2026", "matin", True),
            ("Lun. 04/05/2026", "après-midi", False),
            ("Mar. 05/05/2026", "9h00-12h30", True),
            ("Mar. 05/05/2026", "13h30-17h00", True),
        )
    ]
    header = ("Séance", "Signature")
    layouts._table(pen, 50, height - 140, [170, 160], header, rows, 1, 40)
    return pen.finish()[0]


def test_a_seance_cell_giving_date_and_half_day_places_the_row(engine: TesserocrEngine) -> None:
    (sheet,) = attendance.read_pages(_seance_rows_sheet(), engine, OcrSettings())
    got = {(c.date, c.half_day, c.mark) for c in sheet.cells if c.confidence >= 0.8}
    monday, tuesday = date(2026, 5, 4), date(2026, 5, 5)
    assert got == {
        (monday, attendance.MATIN, "signed"),
        (monday, attendance.APRES_MIDI, "empty"),
        (tuesday, attendance.MATIN, "signed"),
        (tuesday, attendance.APRES_MIDI, "signed"),
    }
    assert sheet.trainee == "Firmin Aubertin"


@pytest.mark.parametrize("scanned", [False, True])
def test_a_shaded_half_day_that_is_not_held_gives_no_cell_rather_than_an_absence(
    engine: TesserocrEngine, scanned: bool
) -> None:
    choices = dict(ONE_TRAINEE, head_date="num", halves="hcols")
    pdf, truth = _drawn(59, **choices)
    days = {t["date"] for t in truth}
    assert len(truth) < 2 * len(days)  # some half-days are drawn shaded, with no truth
    if scanned:
        pdf = render.scan(pdf, 7)
    cells = [c for s in attendance.read_pages(pdf, engine, OcrSettings()) for c in s.cells]
    read = sorted((str(c.date), c.half_day, c.mark, c.confidence >= 0.7) for c in cells)
    assert read == sorted((t["date"], t["half_day"], t["mark"], True) for t in truth)


def test_a_cell_is_shaded_by_its_even_fill_not_by_a_photo_s_uneven_light() -> None:
    # A shadow darkening the page gradually, towards its right.
    page = np.tile(np.linspace(250, 170, 600).astype(np.uint8), (300, 1))
    page[100:200, [100, 200, 300]] = 40  # the rules
    page[[100, 200], :] = 40
    assert not unheld.shaded(page, (100, 100, 200, 200), (106, 106, 194, 194))
    page[101:200, 301:400] = 180  # a filled cell, lighter than print
    page[100:200, 400] = 40
    assert unheld.shaded(page, (300, 100, 400, 200), (306, 106, 394, 194))
    page[140:160, 110:190] = 30  # a signature's stroke
    assert not unheld.shaded(page, (100, 100, 200, 200), (106, 106, 194, 194))
    page[101:200, :] = 200  # the row shaded whole, as a striped table's
    page[100:200, [100, 200, 300, 400]] = 40
    assert not unheld.shaded(page, (300, 100, 400, 200), (306, 106, 394, 194))


def test_a_fill_narrower_than_a_cell_laid_out_with_no_column_rules_is_shaded() -> None:
    # Rows ruled, columns not: the cell's box, laid out from the header, runs past the
    # fill on both sides, so no step lies at its edges.
    page = np.full((300, 900), 250, np.uint8)
    page[[100, 200], :] = 40
    page[101:200, 330:570] = 215
    assert unheld.shaded(page, (300, 100, 600, 200), (306, 106, 594, 194))
    assert not unheld.shaded(page, (600, 100, 900, 200), (606, 106, 894, 194))
    page[140:160, 630:860] = 30  # a thick stroke over a whole neighbour
    assert not unheld.shaded(page, (600, 100, 900, 200), (606, 106, 894, 194))
    # A photo's light falling off across the row: no step, no fill.
    dim = np.tile(np.linspace(250, 190, 900).astype(np.uint8), (300, 1))
    dim[[100, 200], :] = 40
    assert not unheld.shaded(dim, (300, 100, 600, 200), (306, 106, 594, 194))
    page[101:200, :] = 215  # the row shaded whole, as a striped table's
    assert not unheld.shaded(page, (300, 100, 600, 200), (306, 106, 594, 194))


def test_a_row_date_its_printed_weekday_belies_is_no_date_unless_a_listed_day_fits() -> None:
    # "lundi 12 octobre 2026" read "lundi 13": the 13th is a Tuesday.
    period = (date(2026, 10, 6), date(2026, 10, 29))
    snapped = sheet_columns.snapped_date
    assert snapped("lundi 13 octobre 2026", date(2026, 10, 13), set(period), period) is None
    assert snapped("lundi 13 octobre 2026", date(2026, 10, 13), set()) is None
    listed = {date(2026, 10, 12), date(2026, 10, 14)}
    assert snapped("lundi 13 octobre 2026", date(2026, 10, 13), listed) == date(2026, 10, 12)
    assert snapped("mardi 13 octobre 2026", date(2026, 10, 13), set(period), period) == date(
        2026, 10, 13
    )


def test_one_date_in_the_title_is_no_list_for_a_row_s_date_to_snap_to() -> None:
    # "Période : du 10/11/2025 au 21/11/2028": the first date lost, the second misread.
    known = {date(2028, 11, 21)}
    snapped = sheet_columns.snapped_date
    assert snapped("11/11/2025", date(2025, 11, 11), known) == date(2025, 11, 11)
    assert snapped("19/11/2025", date(2025, 11, 19), known) == date(2025, 11, 19)
    # Only the year differs: the header's day is the title's.
    assert snapped("21/11/2025", date(2025, 11, 21), known) == date(2028, 11, 21)
    assert snapped("Jeudi 16/07/2026", date(2026, 7, 16), {date(2026, 7, 10)}) == date(2026, 7, 16)


@pytest.mark.parametrize(
    ("text", "exact", "held"),
    [
        ("Férié", False, False),
        ("Non applicable", False, False),
        ("Pas de séance", False, False),
        ("—", True, False),
        ("—", False, True),  # an OCR'd stroke of a hand may read as a dash
        ("Absent", True, True),
        ("Signé le 12/03/2026 à 09:04", True, True),
    ],
)
def test_a_cell_printing_that_its_half_day_has_no_session_is_not_held(
    text: str, exact: bool, held: bool
) -> None:
    assert unheld.says_not_held(text, exact) is not held


def test_a_company_column_beside_the_name_holds_no_half_day_s_mark(
    engine: TesserocrEngine,
) -> None:
    choices = {
        "axis": "rows",
        "names": "joined",
        "number": False,
        "company": "company",
        "company_head": "Entreprise",
        "date_at": "title",
        "halves": "hcols",
        "half_words": ("Matinée", "Après-midi"),
        "trainer": "tnone",
        "ruling": "full",
        "hand_names": False,
    }
    pdf, truth = _drawn(303, **choices)
    cells = [c for s in attendance.read_pages(pdf, engine, OcrSettings()) for c in s.cells]
    assert truth and len(cells) == len(truth)
    assert _misread(pdf, truth, engine) == []


def test_dates_spanning_their_half_day_columns_with_no_rule_between_date_both(
    engine: TesserocrEngine,
) -> None:
    choices = {
        "axis": "rows",
        "names": "joined",
        "number": True,
        "company": "",
        "date_at": "head",
        "head_rows": 2,
        "head_date": "short-day",  # "Ven. 18/12/2026" centred over "Matinée | Après-midi"
        "halves": "hcols",
        "half_words": ("Matinée", "Après-midi"),
        "trainer": "trow",
        "ruling": "horizontal",
        "hand_names": False,
    }
    pdf, truth = _drawn(4, **choices)
    assert len({t["date"] for t in truth}) > 1
    assert _misread(pdf, truth, engine) == []


@pytest.mark.parametrize(
    ("text", "near", "absent"),
    [("h Sent,", 0.7, True), ("*aBsenr", 0.8, True), ("CAUSE", 0.8, False), ("Dupont", 0.7, False)],
)
def test_a_half_read_absence_word_is_told_from_a_scrawl_by_how_alike_it_is(
    text: str, near: float, absent: bool
) -> None:
    assert sheet_text.looks_absent(text, near) is absent


def test_a_period_s_bounds_date_one_unread_column_each_not_every_unread_one() -> None:
    # "Période : du 15/01/2026 au 21/01/2026": two days named, not every column's.
    known = {date(2026, 1, 15), date(2026, 1, 21)}
    columns = [
        Column(None, "matin", None, "4 Age cr 9h-12h"),
        Column(None, "apres-midi", None, "hudi 15 Apersmidi"),
        Column(None, "matin", None, "DOS Matin SRI"),
        Column(date(2026, 1, 21), "apres-midi", None, "Mercredi 21 janvier 2026 Après-midi"),
    ]
    dated = [c.date for c in sheet_columns._dates_completed(columns, known)]
    assert dated == [date(2026, 1, 15), None, None, date(2026, 1, 21)]


@pytest.mark.parametrize(
    ("label", "meant"),
    [
        ("Vendredi 16 | 2a26 Matin 9h-12h", date(2026, 1, 16)),
        ("Ven. 16 Matin", date(2026, 1, 16)),
        ("Samedi 16 | Matin", None),  # the 16th of the period is a Friday: a misread
        ("Mardi 2 | Matin", None),  # no Tuesday the 2nd in the period
    ],
)
def test_a_title_whose_month_was_lost_is_dated_by_its_weekday_and_number_in_the_period(
    label: str, meant: date | None
) -> None:
    period = (date(2026, 1, 15), date(2026, 1, 21))
    assert sheet_columns._weekday_and_day(label, period, set()) == ([meant] if meant else [])


def test_a_date_printed_in_its_own_column_s_title_does_not_date_the_next_column() -> None:
    # One header row, each column titled with its day and half-day; the second's date
    # unread ("2a26"): the first's "Jeudi 15/01/2026", a column's width off, is not its.
    def word(text: str, left: int, right: int) -> Word:
        return Word(text, 0.9, (left, 105, right, 125))

    words = (word("Jeudi", 210, 250), word("15/01/2026", 255, 330), word("Matin", 350, 390))
    blank = np.zeros((400, 800), np.uint8)
    page = sheet_columns.SheetPage(blank, 200, blank, blank, words, None)  # type: ignore[arg-type]
    grid = sheet_columns.Table((10, 200, 400, 600), (100, 150, 200), ((True,) * 2,) * 2)
    columns = [  # the name column's (10-200) is not one of them
        Column(date(2026, 1, 15), "matin", None, "Jeudi 15/01/2026 Matin"),
        Column(None, "matin", None, "Vendredi 16 | 2a26 Matin"),
    ]
    dated = sheet_columns._dated_by_spans(page, grid, 1, columns, 2026)
    assert dated[1].date is None
    # A date centred over two half-day columns (across the rule between them) dates both.
    over = (word("Jeudi", 310, 350), word("15/01/2026", 355, 480))
    page = sheet_columns.SheetPage(blank, 200, blank, blank, over, None)  # type: ignore[arg-type]
    halves = [Column(None, "matin", None, "Matin"), Column(None, "apres-midi", None, "PM")]
    assert [c.date for c in sheet_columns._dated_by_spans(page, grid, 1, halves, 2026)] == [
        date(2026, 1, 15),
        date(2026, 1, 15),
    ]


def test_a_half_day_column_whose_date_went_unread_is_dated_by_its_place_between_two_days() -> None:
    columns = [
        Column(date(2025, 11, 25), "matin", None, "25/11/2025 9h-12h30"),
        Column(date(2025, 11, 25), "apres-midi", None, "25/11/2025 13h30-17h"),
        Column(None, "matin", None, "9h-12h30"),  # after the 25th's afternoon: the 26th's
        Column(date(2025, 11, 26), "apres-midi", None, "26/11/2025 13h30-17h"),
    ]
    dated = [c.date for c in sheet_columns._dated_by_order(columns)]
    assert dated[2] == date(2025, 11, 26)
    # Three days apart, a morning between fits two days: none is guessed.
    apart = [columns[1], columns[2], Column(date(2025, 11, 28), "apres-midi", None, "28/11")]
    assert sheet_columns._dated_by_order(apart)[1].date is None


def test_a_seance_table_captioned_am_alone_on_a_photo_takes_the_morning(
    engine: TesserocrEngine,
) -> None:
    # One small table a séance, its half-day only in a short caption over it ("AM"),
    # which the page OCR of a photo leaves out: the band over the table is read alone.
    choices = {
        "axis": "rows",
        "names": "split",
        "number": True,
        "company": "company",
        "date_at": "block",
        "block_date": "title",
        "halves": "hcap",
        "half_words": ("AM", "PM"),
        "trainer": "trow",
        "ruling": "full",
        "hand_names": False,
    }
    rng = random.Random(1)
    doc = draw_sheet(rng, replace(draw_choices(rng), **choices))
    image = Image.open(io.BytesIO(render.photo(doc.pdf, 1)))
    sheet = attendance.read_picture(image, round(min(image.size) / 8.27), engine, OcrSettings())
    first_page = {(t["date"], t["half_day"]) for t in doc.sessions if t["half_day"] == "matin"}
    assert first_page
    assert {(c.date.isoformat() if c.date else None, c.half_day) for c in sheet.cells} == {
        min(first_page)
    }


def test_half_day_columns_left_unread_between_read_ones_take_their_place_in_the_period() -> None:
    title = ["Période : du 14/09/2026 au 16/09/2026"]
    columns = [
        Column(date(2026, 9, 14), "matin", None, "14/09/2026 Matin (9h00-12h30)"),
        Column(None, "apres-midi", None, "|(13h30-17h00)"),
        Column(None, None, None, "ON | |"),
        Column(None, "apres-midi", None, "(13h 30-17n00)"),
        Column(date(2026, 9, 16), "matin", None, "16/09/2026 Matin (9h00-12h30)"),
        Column(None, "apres-midi", None, "l (13h30-17h00)"),
    ]
    laid = sheet_columns._dated_by_period(columns, title, 2026)
    assert [(c.date and c.date.day, c.half_day) for c in laid] == [
        (14, "matin"),
        (14, "apres-midi"),
        (15, "matin"),
        (15, "apres-midi"),
        (16, "matin"),
        (16, "apres-midi"),
    ]
    assert all(c.sure for c in laid)
    # A read date off its place in that layout: the columns are not the period's half-days.
    off = [*columns[:4], replace(columns[4], date=date(2026, 9, 15)), columns[5]]
    assert [c.date for c in sheet_columns._dated_by_period(off, title, 2026)] == [
        c.date for c in off
    ]
