"""Dates and half-days in the column headers of an attendance table, where a scan or a
photo loses some: titles printed too small, columns whose title went unread between read
ones, a weekday and its day centred over two half-days, and a one-trainee table ruled
under every row whose dates are printed on two lines."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.ocr import OcrSettings, TesserocrEngine, Word
from pipeline.parse import find_dates, same_person
from pipeline.reading import attendance, cells, sheet_columns, sheet_text, unruled
from pipeline.reading import header as header_roles
from pipeline.reading.sheet_results import APRES_MIDI, MATIN, Column
from pipeline.reading.words import reading_order, text_of
from samples.gen.layouts import draw_choices, draw_sheet

BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


@pytest.fixture(scope="module")
def engine() -> TesserocrEngine:
    return TesserocrEngine(OcrSettings())


@pytest.mark.ocr
def test_a_column_title_printed_too_small_for_the_page_s_resolution_is_read_enlarged(
    engine: TesserocrEngine,
) -> None:
    # A date and a half-day on two lines, letters 8 px high at 200 dpi: the page OCR
    # kept a shred ("septembre 2026"); as it is, crisp or as one line it reads nothing.
    font = ImageFont.truetype(BOLD, 8)
    picture = Image.new("L", (400, 140), 235)
    draw = ImageDraw.Draw(picture)
    for i, line in enumerate(("Mardi 1 septembre 2026", "Après-midi 14h-17h30")):
        draw.text(((400 - draw.textlength(line, font=font)) / 2, 50 + 11 * i), line, 40, font)
    gray = cv2.GaussianBlur(np.asarray(picture), (3, 3), 0.8)
    blank = np.zeros_like(gray)
    shred = (Word("septembre", 0.4, (150, 48, 220, 58)), Word("2026", 0.4, (225, 48, 250, 58)))
    page = cells.SheetPage(gray, 200, blank, blank, shred, engine)
    text = cells.header_cell_text(
        page, (0, 0, 400, 140), lambda t: sheet_text.is_whole_title(t, 2026)
    )
    assert find_dates(text) == [date(2026, 9, 1)]
    assert sheet_text.half_day_of(text) == APRES_MIDI


def test_a_half_day_named_in_words_needs_no_hours_to_be_a_whole_title() -> None:
    # The hours misread ("V4b-1 7h30"), the date and "Après-midi" read: nothing to read again.
    assert sheet_text.is_whole_title("mardi 30 décembre 2025 Après-midi V4b-1 7h30", 2025)
    assert not sheet_text.is_whole_title("mardi 30 décembre 2025 V4b-1 7h30", 2025)


def test_a_signature_title_whose_signer_was_garbled_is_no_whole_title() -> None:
    # "Signature de l'intervenant(e)" wrapped on two lines, its signer lost: read again.
    assert not sheet_text.is_whole_title("Signature de d'in Hent(e)", 2026)
    assert sheet_text.is_whole_title("Signature de l'intervenant(e)", 2026)
    assert sheet_text.is_whole_title("Signature du stagiaire", 2026)
    assert sheet_text.is_whole_title("Signature", 2026)


@pytest.mark.ocr
def test_a_trainer_s_column_title_garbled_by_the_page_ocr_is_read_again_as_the_trainer_s(
    engine: TesserocrEngine,
) -> None:
    # Two lines of small print; the page OCR read "Signature de d'in Hent(e)", which
    # would make the trainer's signatures a trainee's.
    font = ImageFont.truetype(BOLD, 22)
    picture = Image.new("L", (420, 120), 255)
    draw = ImageDraw.Draw(picture)
    for i, line in enumerate(("Signature de", "l'intervenant(e)")):
        draw.text(((420 - draw.textlength(line, font=font)) / 2, 25 + 32 * i), line, 0, font)
    gray = np.asarray(picture)
    blank = np.zeros_like(gray)
    garbled = [("Signature", 110), ("de", 250), ("d'in", 120), ("Hent(e)", 200)]
    shred = tuple(
        Word(t, 0.5, (x, 25 + 32 * (i // 2), x + 80, 50 + 32 * (i // 2)))
        for i, (t, x) in enumerate(garbled)
    )
    page = cells.SheetPage(gray, 200, blank, blank, shred, engine)
    text = cells.header_cell_text(
        page, (0, 0, 420, 120), lambda t: sheet_text.is_whole_title(t, 2026)
    )
    assert header_roles.role_of(text).kind == header_roles.TRAINER


def _column(day: int | None, half: str | None, label: str = "") -> Column:
    return Column(date(2025, 12, day) if day else None, half, None, label)


def test_columns_left_half_read_take_the_one_place_the_header_s_order_leaves_them() -> None:
    # "Matin" alone after the 30th's afternoon, then the 31st with its half-day unread:
    # day after day, the morning first, each half-day once: the 31st's morning, then
    # its afternoon.
    columns = [
        _column(29, MATIN, "lundi 29 décembre 2025 Matin"),
        _column(29, APRES_MIDI, "lundi 29 décembre 2025 Après-midi"),
        _column(30, MATIN, "mardi 30 décembre 2025 Matin"),
        _column(30, APRES_MIDI, "mardi 30 décembre 2025 Après-midi"),
        _column(None, MATIN, "Matin is"),
        _column(31, None, "mercredi 31 | écemee JUS Hb-1 7h80"),
    ]
    laid = sheet_columns._dated_by_sequence(columns)
    assert [(c.date and c.date.day, c.half_day) for c in laid[4:]] == [
        (31, MATIN),
        (31, APRES_MIDI),
    ]
    assert all(c.sure for c in laid)  # each column's own title said part of it


def test_a_column_none_of_whose_title_was_read_is_laid_out_for_a_person_to_check() -> None:
    columns = [
        _column(30, MATIN, "30/12/2025 Matin"),
        _column(None, None, "| ~ |"),  # the 30th's afternoon, by its place
        _column(31, MATIN, "31/12/2025 Matin"),
    ]
    laid = sheet_columns._dated_by_sequence(columns)
    assert (laid[1].date, laid[1].half_day) == (date(2025, 12, 30), APRES_MIDI)
    assert not laid[1].sure
    assert laid[0].sure and laid[2].sure


def test_no_place_is_given_where_the_order_leaves_two_or_none() -> None:
    # A Friday's morning, an afternoon, the Monday's morning: Friday's or a weekend's
    # afternoon; nothing is guessed.
    friday = [
        Column(date(2025, 12, 5), MATIN, None, "ven. 05/12 Matin"),
        Column(None, APRES_MIDI, None, "Après-midi"),
        Column(date(2025, 12, 8), MATIN, None, "lun. 08/12 Matin"),
    ]
    assert sheet_columns._dated_by_sequence(friday) == friday
    # Dates read out of order: the header is no run of half-days in order.
    shuffled = [_column(31, MATIN), _column(None, None), _column(30, MATIN)]
    assert sheet_columns._dated_by_sequence(shuffled) == shuffled
    # Nothing after the last date read bounds a column: it stays unread.
    tail = [_column(30, MATIN), _column(30, APRES_MIDI), _column(None, MATIN)]
    assert sheet_columns._dated_by_sequence(tail) == tail


def _word(text: str, left: int, top: int) -> Word:
    return Word(text, 0.95, (left, top, left + 11 * len(text), top + 22))


def test_a_weekday_and_its_day_centred_over_two_half_days_heads_both() -> None:
    # "Vendredi 18" over "septembre 2026" over "Matin" and "Après-midi", each with its
    # hours under it, the half-days' titles too close to part by a title's gap.
    words = [_word("Participant(e)", 100, 130), _word("Employeur", 420, 130)]
    words += [_word("Vendredi", 700, 40), _word("18", 800, 40)]
    words += [_word("septembre", 665, 80), _word("2026", 775, 80)]
    words += [_word("Matin", 640, 130), _word("Après-midi", 760, 130)]
    words += [_word("9h-12h", 640, 170), _word("14h-17h30", 760, 170)]
    columns, spans = unruled.header_titles(words, 200)
    labels = unruled.header_labels(columns, spans)
    assert len(labels) == 4
    assert [sheet_text.half_day_of(t) for t in labels[2:]] == [MATIN, APRES_MIDI]
    assert "Vendredi 18" in [text_of(reading_order(span)) for span in spans]


def test_a_one_trainee_table_ruled_under_each_date_keeps_a_row_a_date_over_two_lines(
    engine: TesserocrEngine,
) -> None:
    # Rules under each row only, the date printed on two lines ("mardi 24" over
    # "novembre 2026") and each signature's e-attendance mention under it: the lines
    # of print are no rows of their own.
    rng = random.Random(3)
    choices = replace(
        draw_choices(rng),
        axis="single",
        names="joined",
        date_at="rows",
        halves="hcols",
        trainer="tcol",
        ruling="horizontal",
        head_date="long",
        long=False,
        habit="online",
        fill=True,
        date_once=True,
        head_rows=2,
        font="Courier",
        bold="Courier-Bold",
    )
    doc = draw_sheet(rng, choices)
    assert len({s["date"] for s in doc.sessions}) == 2
    read = [c for s in attendance.read_pages(doc.pdf, engine, OcrSettings()) for c in s.cells]
    for want in doc.sessions:
        found = [
            c
            for c in read
            if c.date is not None
            and c.date.isoformat() == want["date"]
            and c.half_day == want["half_day"]
            and same_person(c.person, want["trainee"]) >= 0.8
            and c.confidence >= attendance.REVIEW_BELOW
        ]
        assert [c.mark for c in found] == [want["mark"]], want


def test_an_afternoon_printing_its_day_as_its_dated_morning_does_takes_that_day() -> None:
    # The last column: no day after it bounds it, but its date reads as its neighbour's,
    # garbled the same way ("LV10/2026" for "13/10/2026"): the same print, the same day.
    morning = Column(date(2026, 10, 13), MATIN, None, "LV10/2026 | Matinée")
    columns = [morning, Column(None, APRES_MIDI, None, "LV10/2026 | Apres-midi")]
    dated = sheet_columns._dated_as_neighbour(columns)
    assert (dated[1].date, dated[1].half_day) == (date(2026, 10, 13), APRES_MIDI)
    # Another print, or an afternoon left of the morning: no day is given.
    other = [morning, Column(None, APRES_MIDI, None, "L4/10/2026 | Apres-midi")]
    assert sheet_columns._dated_as_neighbour(other)[1].date is None
    before = [Column(None, APRES_MIDI, None, "LV10/2026 | Apres-midi"), morning]
    assert sheet_columns._dated_as_neighbour(before)[0].date is None


def test_a_date_over_its_two_half_days_printed_on_one_line_heads_two_columns() -> None:
    # A slanted scan runs "Après-midi" and its hours under it into the line of
    # "Matin 9h-12h": the titles stand on one line, a gap wider than a word space apart.
    words = [_word("Nom", 100, 100), _word("Prénom", 300, 100)]
    words += [_word("16/09/2025", 700, 40)]
    words += [_word("Matin", 600, 95), _word("9h-12h", 665, 95)]
    words += [_word("Après-midi", 770, 90), _word("14h-17h30", 770, 100)]
    columns, spans = unruled.header_titles(words, 200)
    labels = unruled.header_labels(columns, spans)
    assert [sheet_text.half_day_of(t) for t in labels[2:]] == [MATIN, APRES_MIDI]
    assert [text_of(reading_order(span)) for span in spans] == ["16/09/2025"]
    # A word space parts no titles: one title naming both half-days stays one column's.
    close = [_word("Nom", 100, 100), _word("16/09/2025", 620, 40)]
    close += [_word("Matin", 600, 95), _word("Après-midi", 665 + 8, 95)]
    assert len(unruled.header_titles(close, 200)[0]) == 2
