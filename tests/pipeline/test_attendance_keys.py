"""The key of an attendance cell (trainee, date, half-day) when its print is misread or
missing: a date whose weekday says another day, a row date outside the title's period,
half-day columns too blurred to read laid out from the period, hours that lost a digit,
a séance's caption read as a row of the table, and the ruling mask kept off a header's
small print."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, cast

import numpy as np
import pytest

from pipeline.ocr import Word
from pipeline.reading import attendance, cells, sheet_columns, sheet_grid, sheet_text
from pipeline.reading.cells import SheetPage
from pipeline.reading.sheet_results import (
    APRES_MIDI,
    MATIN,
    NAME_UNREAD,
    UNPLACED,
    Carry,
    CellRead,
    Column,
    SheetRead,
)
from pipeline.reading.tables import Table


def _line(text: str, top: int, left: int = 40) -> list[Word]:
    """A printed line of words, each 10 px a letter, 20 px high."""
    words, x = [], left
    for token in text.split():
        words.append(Word(token, 0.95, (x, top, x + 10 * len(token), top + 20)))
        x += 10 * len(token) + 10
    return words


def test_a_caption_whose_short_weekday_says_another_day_dates_nothing() -> None:
    # "Ven. 03/04/2026" (a Friday) read "04/04": the Saturday is never given to the cells.
    misread = _line("Séance du Ven. 04/04/2026 — PM", 100)
    assert sheet_text.title_date(misread, 200, 2026) is None
    read = _line("Séance du Ven. 03/04/2026 — PM", 100)
    assert sheet_text.title_date(read, 200, 2026) == date(2026, 4, 3)
    assert sheet_text.cell_dates("Mer. 04/03/2026", None) == [date(2026, 3, 4)]
    assert sheet_text.cell_dates("Mer. 05/03/2026", None) == []
    # "mars" is no "mar." (Tuesday), nor a trainee called Sam a Saturday.
    assert sheet_text.weekdays_named("5 mars 2026") == set()
    assert sheet_text.weekdays_named("Stagiaire : Sam Dupont 12/03/2026") == set()
    assert sheet_text.weekdays_named("Mer 12/03") == {2}


def test_a_row_date_outside_the_title_s_period_is_no_date_unless_a_listed_day_fits() -> None:
    title = ["Période : du 18/03/2026 au 25/03/2026"]
    period = sheet_columns.title_period(title, 2026)
    assert period == (date(2026, 3, 18), date(2026, 3, 25))
    known = set(period)
    snapped = sheet_columns.snapped_date
    # "Mercredi 18" read "Dre 2": the 2nd of March lies outside the period.
    assert snapped("Dre 2 mars 2026", date(2026, 3, 2), known, period) is None
    assert snapped("24 mars 2026", date(2026, 3, 24), known, period) == date(2026, 3, 24)
    # One slipped digit of a listed day still snaps to it.
    assert snapped("18/08/2026", date(2026, 8, 18), known, period) == date(2026, 3, 18)
    # Dates listed, no period ("les 10/07, 13/07"): a day beyond them may be held too.
    listed = ["Dates : les 10/07/2026, 13/07/2026"]
    assert sheet_columns.title_period(listed, 2026) is None


TITLE = ["Formation : Gestion du temps", "Période : du 02/11/2026 au 04/11/2026"]


def test_untitled_half_day_columns_are_laid_out_from_the_period_for_a_person_to_check() -> None:
    # A photo's small header print read as nothing over six columns, three days printed.
    columns = [Column(None, None, None, "Société")] + [Column(None, None, None, "")] * 6
    done = sheet_columns._dated_by_period(columns, TITLE, 2026)
    assert done[0] == columns[0]
    days = [date(2026, 11, d) for d in (2, 2, 3, 3, 4, 4)]
    assert [(c.date, c.half_day) for c in done[1:]] == list(
        zip(days, [MATIN, APRES_MIDI] * 3, strict=True)
    )
    assert not any(c.sure for c in done[1:])
    assert sheet_grid._planned_label(done[2]) == "02/11/2026 Après-midi"


def test_untitled_columns_are_left_undated_when_count_or_print_disagrees_with_the_period() -> None:
    five = [Column(None, None, None, "")] * 5
    assert sheet_columns._dated_by_period(five, TITLE, 2026) == five
    # What a title let through says afternoon where the layout puts a morning.
    torn = [Column(None, None, None, "")] * 6
    torn[2] = Column(None, APRES_MIDI, None, "13h30-17h")
    assert sheet_columns._dated_by_period(torn, TITLE, 2026) == torn
    # A weekday read that is not the column's day.
    wrong_day = [Column(None, None, None, "")] * 6
    wrong_day[0] = Column(None, None, None, "Mer.")
    assert sheet_columns._dated_by_period(wrong_day, TITLE, 2026) == wrong_day
    # A column already dated: the header was read, nothing is inferred.
    dated = [Column(date(2026, 11, 2), MATIN, None, "Lun. 02/11")] + [
        Column(None, None, None, "")
    ] * 5
    assert sheet_columns._dated_by_period(dated, TITLE, 2026) == dated


def test_a_period_over_a_weekend_lays_out_its_weekdays_when_they_match_the_columns() -> None:
    title = ["Période : du 06/11/2026 au 09/11/2026"]  # Friday to Monday
    done = sheet_columns._dated_by_period([Column(None, None, None, "")] * 4, title, 2026)
    assert [c.date for c in done] == [date(2026, 11, d) for d in (6, 6, 9, 9)]


def test_hours_that_lost_a_digit_take_the_half_day_the_sheet_prints_them_for() -> None:
    columns = [
        Column(date(2026, 2, 24), MATIN, 3.5, "24/02/2026 | 9h00 - 12h30"),
        Column(date(2026, 2, 24), APRES_MIDI, 3.5, "24/02/2026 | 13h30 - 17h00"),
        Column(date(2026, 2, 25), None, None, "25/02/2026 | 1h30 - 17h00"),
        Column(date(2026, 2, 26), None, None, "26/02/2026 | 1h30 - 16h00"),  # no such end
    ]
    done = sheet_columns._halves_by_hours(columns)
    assert done[2].half_day == APRES_MIDI and done[2].hours == 3.5
    assert done[3].half_day is None


def _page(words: list[Word]) -> SheetPage:
    blank = np.zeros((600, 800), np.uint8)
    return SheetPage(blank + 255, 150, blank, blank, tuple(words), cast(Any, None))


def test_a_seance_caption_read_as_a_row_of_the_table_names_the_rows_under_it() -> None:
    # Two séance tables read as one: "Après-midi 14h-17h30" then the header printed again.
    xs, ys = (20, 120, 320, 520), (100, 140, 180, 220, 260, 300)
    grid = Table(xs, ys, tuple((True, True) for _ in ys[1:]))
    words = (
        _line("Nom Prénom Signature", 105, 30)
        + _line("MARTIN Léa", 145, 130)
        + _line("Après-midi 14h-17h30", 185, 25)
        + _line("Nom Prénom", 225, 130)
        + _line("MARTIN Léa", 265, 130)
    )
    page = _page(words)
    assert sheet_grid._caption_row(page, grid, 2, (1, 1)) == (None, APRES_MIDI)
    # A trainee's row is none, nor a caption with no header under it.
    assert sheet_grid._caption_row(page, grid, 1, (1, 1)) is None
    alone = _page([w for w in words if w.box[1] != 225])
    assert sheet_grid._caption_row(alone, grid, 2, (1, 1)) is None


def test_a_small_date_s_run_together_tops_are_not_whitened_as_a_ruling() -> None:
    # A cell crop: its top ruling comes in from the side, the blurred date's tops float.
    mask = np.zeros((40, 100), bool)
    mask[0:3, :] = True  # the ruling along the cell's top
    mask[:, 0:3] = True  # the column's rule
    mask[18:22, 15:85] = True  # the digits' tops, 70 % of the width
    crossing = cells._crossing(mask)
    assert crossing[1, 50] and crossing[20, 1]
    assert not crossing[20, 50]


def test_a_word_s_run_together_tops_reaching_one_side_of_the_cell_are_no_ruling() -> None:
    # A handwritten "Absent" in a narrow cell, its last letter at the cell's edge: the
    # tops of its letters ran into a run that reached that side, were whitened as a
    # ruling, and the word cut through read "AGSGi" (a signature). A ruling crossing the
    # cell comes in by one side and leaves by another.
    mask = np.zeros((100, 100), bool)
    mask[50:53, 25:] = True  # the letters' tops, from the middle to the right edge
    mask[80:83, :] = True  # a rule across the cell
    crossing = cells._crossing(mask)
    assert crossing[81, 50]
    assert not crossing[51, 60]


def test_a_blurred_absent_word_s_run_together_middle_is_kept_when_its_cell_is_read() -> None:
    # A photo's bold "Absent" in a body cell: its letters run into a stroke long enough for
    # the ruling mask, floating in the cell; the rule along the cell's top comes in from
    # its sides. Only the rule is whitened before the cell is read again.
    gray = np.full((60, 200), 255, np.uint8)
    lines = np.zeros_like(gray)
    gray[0:3, :] = lines[0:3, :] = 40  # the ruling along the cell's top
    gray[20:40, 15:185] = 60  # the word, blurred into a band
    lines[29:32, 20:180] = 255  # its middle, taken for a ruling
    page = SheetPage(gray, 200, lines, lines, (), cast(Any, None))
    crop = np.asarray(cells.clean_crop(page, (0, 0, 200, 60)))
    pad = 200 // 10
    assert crop[pad + 1, pad + 100] == 255  # the rule, whitened
    assert crop[pad + 30, pad + 100] == 60  # the word's middle, kept


def test_a_one_trainee_page_naming_nobody_with_no_page_before_waits_for_a_person() -> None:
    # A photographed second page of a one-trainee sheet: the name is on the first page.
    cell = CellRead(date(2026, 1, 13), MATIN, "", "signed", 0.99, 0.05, (0, 0, 10, 10))
    alone = SheetRead((cell,), (), (), layout="trainee")
    (waiting,) = attendance._unnamed_waits(alone).cells
    assert waiting.confidence <= UNPLACED
    named = SheetRead((replace(cell, person="MARTIN Léa"),), (), (), layout="trainee")
    assert attendance._unnamed_waits(named) == named


@pytest.mark.parametrize(
    ("lines", "named"),
    [
        (["Feuille d'émargement", "Nom BOUVIER : Prénom:", ": Thuy"], True),  # a speck's split
        (["Feuille d'émargement", "Stagiaire (nom, prénom) :"], True),  # the name written in
        (["Feuille d'émargement (suite)", "Date : 30/09/2026"], False),
        (["Formation : Gestion de la paie des salariés"], False),
    ],
)
def test_a_page_labelling_a_person_s_name_above_its_table_names_its_own_trainee(
    lines: list[str], named: bool
) -> None:
    words = [
        Word(text, 0.95, (10 + 80 * col, 20 + 30 * row, 70 + 80 * col, 40 + 30 * row))
        for row, line in enumerate(lines)
        for col, text in enumerate(line.split())
    ]
    assert sheet_text.names_someone(words, 1000) is named


def test_a_one_trainee_page_whose_name_line_went_unread_never_takes_the_page_before_s() -> None:
    cell = CellRead(date(2026, 9, 30), MATIN, "", "signed", 0.99, 0.05, (0, 0, 10, 10))
    carry = Carry("Séance", (), (), 0.9)  # a table down to the page's foot
    before = SheetRead((replace(cell, person="MARTIN Léa"),), (), (), layout="trainee")
    before = replace(before, trainee="MARTIN Léa", carry=carry)
    nameless = ("no trainee name above the table",)
    running_on = SheetRead((cell,), (), (), problems=nameless, layout="trainee")
    assert attendance._same_trainee(before, running_on).trainee == "MARTIN Léa"
    unread = replace(running_on, problems=(NAME_UNREAD,))
    (waiting,) = attendance._unnamed_waits(attendance._same_trainee(before, unread)).cells
    assert not waiting.person and waiting.confidence <= UNPLACED


@pytest.mark.parametrize(
    ("text", "two"),
    [
        ("dus 28 re 2028 Vendredi 30 octobre 2026", True),  # the first day garbled
        ("Jeu. 29/10 Ven. 30/10", True),
        ("mercredi 30 septembre 2026", False),  # one day wrapped on two lines
        ("Lundi 12/03/2026 - 9h00-12h30", False),
    ],
)
def test_a_row_whose_date_cell_holds_two_days_is_two_rows_read_as_one(text: str, two: bool) -> None:
    assert sheet_text.names_two_days(text, 2026) is two


def test_a_half_day_column_twice_as_wide_as_its_neighbours_holds_two_and_waits() -> None:
    # NOM | Prénom | 23/12 9h-12h30 | 23/12 13h30-17h | 24/12 (its "9h-12h30" unread, no
    # rule between the halves): the last column holds two half-days' marks.
    xs = (100, 380, 650, 960, 1270, 1900)
    grid = Table(xs, (0, 80, 180), tuple((True,) * 4 for _ in range(2)))
    assert sheet_grid._merged_marks(grid, [2, 3, 4]) == {4}
    even = Table((100, 380, 650, 960, 1270, 1580), grid.ys, grid.walls)
    assert sheet_grid._merged_marks(even, [2, 3, 4]) == set()
    cell = CellRead(date(2025, 12, 24), APRES_MIDI, "AZAÏS Ibrahim", "signed", 0.99, 0.06, xs[:4])
    assert sheet_grid._capped(cell, 4, {4}).confidence <= UNPLACED


def test_two_reads_of_one_trainee_s_half_day_that_disagree_both_wait_for_a_person() -> None:
    # A column whose half-day was misread as its neighbour's: every trainee has two
    # boxes for Monday afternoon. Reads that agree are one; reads that disagree, a person's.
    monday = date(2026, 3, 2)
    box = (0, 0, 10, 10)
    cells = (
        CellRead(monday, APRES_MIDI, "ROUSSEL Quentin", "absent", 0.9, 0.02, box),
        CellRead(monday, APRES_MIDI, "ROUSSEL Quentin", "signed", 0.9, 0.08, box),
        CellRead(monday, APRES_MIDI, "COMBES Kévin", "signed", 0.95, 0.08, box),
        CellRead(monday, APRES_MIDI, "COMBES Kévin", "signed", 0.9, 0.07, box),
        CellRead(monday, MATIN, "COMBES Kévin", "empty", 0.99, 0.0, box),
    )
    kept = attendance._one_read_a_key(cells)
    quentin = [c for c in kept if c.person == "ROUSSEL Quentin"]
    assert len(quentin) == 2 and all(c.confidence <= UNPLACED for c in quentin)
    kevin = [c for c in kept if c.person == "COMBES Kévin" and c.half_day == APRES_MIDI]
    assert [(c.mark, c.confidence) for c in kevin] == [("signed", 0.95)]
    assert kept[-1] == cells[-1]


def test_trainees_named_over_columns_are_never_laid_out_as_half_days() -> None:
    names = [Column(None, None, None, t) for t in ("MARTIN | Léa", "DURAND | Paul")] * 3
    assert sheet_columns._dated_by_period(names, TITLE, 2026) == names
