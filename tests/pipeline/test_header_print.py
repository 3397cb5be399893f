"""Half-day columns whose titles are too blurred to read, told apart by their print's
pictures alone: a day's morning and afternoon print other hours, every other column
alike (``pipeline.reading.header_print``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipeline.reading.header_print import alternates

_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def _title(lines: tuple[str, ...]) -> np.ndarray:
    """A column title as a phone photo shows small print: drawn three times as large,
    shrunk, blurred (letters about 4 px high, none of them readable)."""
    font = ImageFont.truetype(str(_FONT), 20) if _FONT.exists() else ImageFont.load_default()
    big = Image.new("L", (360, 210), 255)
    draw = ImageDraw.Draw(big)
    for k, text in enumerate(lines):
        width = draw.textlength(text, font=font)
        draw.text(((360 - width) / 2, 60 + 42 * k), text, fill=20, font=font)
    small = big.resize((120, 70), Image.Resampling.BILINEAR)
    return np.asarray(small.filter(ImageFilter.GaussianBlur(0.9)))


_MORNING, _AFTERNOON = "9h00 - 12h30", "13h30 - 17h00"
_DAYS = ("Lun. 02/11/2026", "Mar. 03/11/2026", "Mer. 04/11/2026")


def test_blurred_titles_of_each_day_s_morning_and_afternoon_in_turn_alternate() -> None:
    run = [_title((day, hours)) for day in _DAYS for hours in (_MORNING, _AFTERNOON)]
    assert alternates(run)


def test_a_column_of_another_kind_in_the_run_breaks_the_alternation() -> None:
    # A "N° convention" column before the half-days, and the last afternoon not held:
    # as many columns, but not a morning and an afternoon in turn.
    halves = [_title((day, hours)) for day in _DAYS for hours in (_MORNING, _AFTERNOON)]
    run = [_title(("N° conv.", "2026-118")), *halves[:-1]]
    assert not alternates(run)


def test_titles_that_print_no_half_day_do_not_alternate() -> None:
    # One date a column, the same word under each: nothing says morning then afternoon.
    days = ("Lun. 02/11", "Mar. 03/11", "Mer. 04/11", "Jeu. 05/11", "Ven. 06/11", "Lun. 09/11")
    assert not alternates([_title((day, "Signature")) for day in days])
    assert not alternates([_title(("Signature",))] * 6)
    assert not alternates([_title((_DAYS[0], _MORNING)), _title((_DAYS[0], _AFTERNOON))])


def test_columns_laid_out_from_the_period_stand_as_read_when_their_print_alternates() -> None:
    from datetime import date

    from pipeline.reading import sheet_columns
    from pipeline.reading.cells import SheetPage
    from pipeline.reading.sheet_results import APRES_MIDI, MATIN, Column
    from pipeline.reading.tables import Table

    titles = [_title((day, hours)) for day in _DAYS for hours in (_MORNING, _AFTERNOON)]
    gray = np.full((200, 1000), 255, np.uint8)
    xs = (20, 140, 260, *(260 + 120 * (k + 1) for k in range(6)))  # names, company, halves
    for k, title in enumerate(titles):
        gray[10:80, xs[k + 2] : xs[k + 3]] = title
    grid = Table(xs, (10, 80, 150), ((True, True), (True, True)))
    blank = np.zeros_like(gray)
    page = SheetPage(gray, 200, blank, blank, (), None)  # type: ignore[arg-type]
    days = [date(2026, 11, d) for d in (2, 2, 3, 3, 4, 4)]
    laid = [Column(None, None, None, "Société")] + [
        Column(day, half, None, "", sure=False)
        for day, half in zip(days, [MATIN, APRES_MIDI] * 3, strict=True)
    ]
    done = sheet_columns._laid_out_confirmed(page, grid, 1, laid)
    assert done[0] == laid[0] and all(c.sure for c in done[1:])
    assert [(c.date, c.half_day) for c in done[1:]] == [(c.date, c.half_day) for c in laid[1:]]
    assert done[2].label == "02/11/2026 Après-midi"
    # The same columns under print that does not alternate stay for a person to check.
    gray[10:80, xs[2] : xs[-1]] = np.hstack([_title(("Signature",))] * 6)
    assert sheet_columns._laid_out_confirmed(page, grid, 1, laid) == laid
