"""The header of an attendance table: how many rows it takes, the header found above a
grid, and each column's date, half-day and hours (dates checked against those the title
lists, half-days completed from their neighbours)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from difflib import SequenceMatcher

import numpy as np

from pipeline.ocr import (
    Word,
)
from pipeline.parse import find_dates, fold
from pipeline.reading import header as header_roles
from pipeline.reading.cells import SheetPage, clean_crop, header_cell_text
from pipeline.reading.header_print import alternates
from pipeline.reading.sheet_results import APRES_MIDI, MATIN, Column
from pipeline.reading.sheet_text import (
    HEADER_NAME,
    MORNING,
    TIME_RANGE,
    WEEKDAY,
    WEEKDAYS,
    cell_dates,
    digits_fixed,
    half_day_of,
    hours_of,
    is_column_title,
    is_day_label,
    is_signed_mention,
    is_whole_title,
    loose_dates,
    text_lines,
    title_date,
    weekday_disagrees,
    weekdays_named,
)
from pipeline.reading.tables import Table, Unruled
from pipeline.reading.words import inset, text_of, word_runs, words_in
from pipeline.reading.words import lines as line_groups


def with_header_above(page: SheetPage, grid: Table) -> Table:
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
    named = not first[0] or bool(HEADER_NAME.search(fold(first[0])))
    if named and is_day_label(" ".join(first[1:])) or title_count(first, slots=False) >= 2:
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
            header_cell_text(
                page, (grid.xs[c], top, grid.xs[c + 1], grid.ys[0]), is_column_title, False
            )
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
    elif not lines and not page.exact and not any(is_day_label(t) for t in first):
        top = max(0, grid.ys[0] - min(row_height, page.dpi // 2))
        texts = [
            header_cell_text(
                page, (grid.xs[c], top, grid.xs[c + 1], grid.ys[0]), is_column_title, False
            )
            for c in range(len(grid.xs) - 1)
        ]
    else:
        return grid
    if grid.ys[0] - top < page.dpi // 12 or title_count(texts) < max(2, 0.6 * len(texts)):
        return grid
    walls = (tuple(True for _ in grid.xs[1:-1]),) + grid.walls
    return Table(grid.xs, (top,) + grid.ys, walls)


def _rule_above(page: SheetPage, grid: Table) -> int | None:
    """A ruling across the table's width a little above its top (a header's top rule)."""
    low, high = grid.ys[0] - page.dpi // 12, max(0, grid.ys[0] - page.dpi // 2)
    band = page.lines[high:low, grid.xs[0] : grid.xs[-1]] > 0
    if not band.size:
        return None
    across = np.flatnonzero(band.mean(axis=1) >= 0.8)
    return int(high + across[-1]) if across.size else None


def title_count(texts: Sequence[str], slots: bool = True) -> int:
    """How many of a row's cell texts read as column titles. A half-day ("Matin") is a
    title in a header and a value in a one-trainee sheet's row: counted when ``slots``."""
    skip = {header_roles.UNKNOWN} | (set() if slots else {header_roles.SLOT})
    return sum(header_roles.role_of(t).kind not in skip and not find_dates(t) for t in texts)


def header_rows(page: SheetPage, grid: Table) -> int:
    """How many rows at the top are headers (one at least)."""
    return max(header_count(page, grid), 1)


def header_count(page: SheetPage, grid: Table) -> int:
    """How many rows at the top are headers: their cells name days and half-days."""
    if isinstance(grid, Unruled):
        return grid.head
    count = 0
    year = year_hint(page.words)  # "Mar. 15/04" is a date in a sheet of 2025
    for row in range(len(grid.ys) - 1):
        # A speck the OCR read as a short word ("Je" at 0.49) does not fill the cell.
        printed = [
            w
            for w in words_in(page.words, grid.cell(row, 0))
            if w.confidence >= 0.6 or sum(c.isalnum() for c in w.text) >= 3
        ]
        first = fold(text_of(printed))
        named = not first or bool(HEADER_NAME.search(first)) or header_roles.is_header_word(first)
        # A number column's "N°" misread ("Ne", "N'"): two signs are no name.
        named = named or len(re.sub(r"\W", "", first)) <= 2 and not re.search(r"\d", first)
        merged = row > 0 and not _ruled_across(page, grid, row)
        if row > 0 and not (named or merged):
            # A trainee's name in the first cell, ruled apart from the row above: no
            # header whatever the row's other cells say (their read again is spared).
            break
        span = (grid.xs[1], grid.ys[row], grid.xs[-1], grid.ys[row + 1])
        rest = fold(header_cell_text(page, span, line=False))
        labelled = bool(
            find_dates(rest, year)
            or half_day_of(rest)
            or MORNING.search(rest)
            or WEEKDAY.search(rest)
        )
        if row == 0:
            # The first cell's print garbled by the page OCR ("en den" for a photo's small
            # bold "Nom de famille"): read on its own, down to its bottom rule.
            named = named or labelled and not page.exact and _first_titled(page, grid)
            header = labelled and named
        else:
            # Signatures read as "am" or "9h": below the first row, a header names a day
            # or a half-day in full, unless its first cell runs on from the row above (no
            # rule between: "Nom et prénom" spanning both rows, whatever a photo makes of
            # its words).
            strong = bool(
                find_dates(rest, year)
                or WEEKDAY.search(rest)
                or re.search(r"matin|apres", rest)
                or TIME_RANGE.search(digits_fixed(rest))
            )
            header = (strong or labelled and merged) and (named or merged)
            # A name written by hand leaves the first cell with no print, and the
            # e-attendance mentions beside it ("Signé le 19/12 à 09:43") date the row:
            # a trainee's row, not a header's.
            header = header and not (not first and is_signed_mention(rest))
        if header and count == row:
            count = row + 1
        else:
            break
    return count


def _first_titled(page: SheetPage, grid: Table) -> bool:
    """Whether the table's first cell, read on its own down to the first rule across it
    (a title may span the header's rows, three at most), reads as a column title ("Nom
    de famille")."""
    rows = min(len(grid.ys) - 1, 3)
    bottom = next((r for r in range(1, rows) if _ruled_across(page, grid, r)), rows)
    box = (grid.xs[0], grid.ys[0], grid.xs[1], grid.ys[bottom])
    return header_roles.is_header_word(header_cell_text(page, box, header_roles.is_header_word))


def _ruled_across(page: SheetPage, grid: Table, row: int, col: int = 0) -> bool:
    """Whether a rule separates row ``row`` from the one above in column ``col``."""
    y, pad = grid.ys[row], max(3, page.dpi // 40)
    band = page.lines[max(0, y - pad) : y + pad + 1, grid.xs[col] : grid.xs[col + 1]] > 0
    return bool(band.size) and float(band.any(axis=0).mean()) > 0.5


def year_hint(words: Sequence[Word]) -> int | None:
    """The page's year, for dates printed without one ("lundi 16 février"): the most
    frequent of its full dates' ("Période : du 16/02/2026 au …"), else of the years it
    prints alone ("Session 2026")."""
    text = text_of(words)
    years = [d.year for d in find_dates(text)] or [int(y) for y in _YEAR.findall(text)]
    return max(set(years), key=years.count) if years else None


_YEAR = re.compile(r"(?<![\d/.-])(20\d{2})(?![\d/.-])")


def read_columns(page: SheetPage, grid: Table, header: int, year: int | None) -> list[Column]:
    fallback = title_date(page.words, grid.ys[0], year)
    title = text_lines(page.words, grid.ys[0])
    known = {d for line in title for d in find_dates(line, year)} | loose_dates(title)
    period = title_period(title, year)
    columns = []
    for col in range(1, len(grid.xs) - 1):
        parts = []
        for row in range(header):
            first, last = grid.span(row, col)
            box = (grid.xs[first], grid.ys[row], grid.xs[last + 1], grid.ys[row + 1])
            parts.append(header_cell_text(page, box, lambda t: is_whole_title(t, year)))
        if _spans_header(page, grid, header, col):
            # One cell down the header's rows ("Nom de famille" beside a date over "AM"
            # and "PM"), its line of print on their cut: the page OCR's words of it read
            # whole, not two halves of its print read again on their own.
            box = (grid.xs[col], grid.ys[0], grid.xs[col + 1], grid.ys[header])
            parts = [text_of(words_in(page.words, box))]
        label = " | ".join(p for p in parts if p)
        if header > 1 and not is_column_title(label):
            # A title over the header's rows, no rule between them ("Nom du stagiaire"
            # beside dates over half-days): read whole, not cut at the rows' middle.
            box = (grid.xs[col], grid.ys[0], grid.xs[col + 1], grid.ys[header])
            whole = header_cell_text(page, box, is_column_title)
            label = whole if is_column_title(whole) else label
        if _days_run_together(label):
            # Several columns' titles read as one (an unruled header printed tight): its
            # cells hold several days' marks, none of them this column's to decide.
            columns.append(Column(None, None, None, label))
            continue
        # "2502/2026": a slash lost; "Vendredi 16 | 2a26": a weekday and its day's number.
        dates = cell_dates(label, year) or _weekday_and_day(label, period, known)
        day = snapped_date(parts[0] if parts else "", dates[0] if dates else None, known, period)
        columns.append(Column(day or fallback, half_day_of(label), hours_of(label), label))
    columns = _dated_by_spans(page, grid, header, columns, year)
    columns = _dated_by_order(_dates_completed(_halves_misspelt(columns), known))
    columns = _dated_by_sequence(_dated_as_neighbour(_halves_completed(columns)))
    return _laid_out_confirmed(
        page, grid, header, _dated_by_period(_halves_by_hours(columns), title, year)
    )


#: A weekday and the day's number after it ("Vendredi 16", "Mar. 20").
_WEEKDAY_DAY = re.compile(r"\b(lun|mar|mer|jeu|ven|sam|dim)[a-z]*\.?\s+(\d{1,2})\b")


def _weekday_and_day(label: str, period: Period | None, known: set[date]) -> list[date]:
    """The day a title names by its weekday and number alone, its month and year lost
    ("Vendredi 16 | 2a26 Matin"): the one day of the title's period (or between the
    dates it lists) with that number falling on that weekday."""
    bounds = period or ((min(known), max(known)) if known else None)
    if bounds is None or (bounds[1] - bounds[0]).days > 62:
        return []
    found = set()
    for short, number in _WEEKDAY_DAY.findall(fold(label)):
        weekday = next(i for i, d in enumerate(WEEKDAYS) if d.startswith(short))
        for ordinal in range(bounds[0].toordinal(), bounds[1].toordinal() + 1):
            day = date.fromordinal(ordinal)
            if day.day == int(number) and day.weekday() == weekday:
                found.add(day)
    return sorted(found) if len(found) == 1 else []


def _alnum(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _spans_header(page: SheetPage, grid: Table, header: int, col: int) -> bool:
    """Whether a ruled table's header column is one cell down all the header's rows, its
    print across their cut: no rule drawn between them across it, where one is drawn
    across other columns, and a line of its print with words on both sides of that cut
    (lines of print each within a row, NOM over Prénom, are read row by row)."""
    if header < 2 or isinstance(grid, Unruled):
        return False
    box = (grid.xs[col], grid.ys[0], grid.xs[col + 1], grid.ys[header])
    lines = line_groups([w for w in words_in(page.words, box) if _alnum(w.text)])
    for row in range(1, header):
        drawn = [_ruled_across(page, grid, row, c) for c in range(len(grid.xs) - 1)]
        if drawn[col] or not any(drawn):
            return False
        cut = grid.ys[row]
        sides = [{(w.box[1] + w.box[3]) / 2 < cut for w in line} for line in lines]
        if {True, False} not in sides:
            return False
    return True


#: A time range whose start may have lost a digit ("1h30 - 17h00" for "13h30 - 17h00").
_LOOSE_RANGE = re.compile(r"(\d{0,2})\s*h\s*(\d{0,2})\s*(?:[-–]+|a\b)\s*(\d{1,2})\s*h\s*(\d{0,2})")


def _halves_by_hours(columns: list[Column]) -> list[Column]:
    """Half-days whose printed hours lost a digit ("1h30 - 17h00"), from the hours the
    sheet prints over its other columns: a header repeats each half-day's hours, so a
    range ending at the same time whose start's digits are part of one known start's
    ("1h30" of "13h30") is that half-day, when only one half-day fits."""
    known: dict[tuple[str, str], set[tuple[str, float | None]]] = {}
    for column in columns:
        found = _LOOSE_RANGE.search(digits_fixed(column.label))
        if column.half_day and found and hours_of(column.label):
            start, end = found.group(1) + found.group(2), found.group(3) + found.group(4)
            known.setdefault((start, end), set()).add((column.half_day, column.hours))
    done = list(columns)
    for i, column in enumerate(columns):
        found = _LOOSE_RANGE.search(digits_fixed(column.label))
        if column.half_day or column.date is None or not found:
            continue
        start, end = found.group(1) + found.group(2), found.group(3) + found.group(4)
        fits = {
            meant
            for (whole, last), meanings in known.items()
            if last == end and start != whole and _part_of(start, whole)
            for meant in meanings
        }
        if len({half for half, _ in fits}) == 1:
            half, hours = fits.pop()
            done[i] = Column(column.date, half, hours, column.label, column.sure)
    return done


def _part_of(short: str, whole: str) -> bool:
    """Whether ``short``'s characters appear in ``whole`` in order, one at most missing."""
    rest = iter(whole)
    return len(whole) - len(short) == 1 and all(c in rest for c in short)


#: The longest period (days) whose half-days :func:`_dated_by_period` lays out.
PERIOD_DAYS = 14


def _dated_by_period(columns: list[Column], title: Sequence[str], year: int | None) -> list[Column]:
    """Half-day columns none of whose titles could be read (a photo's small blurred print),
    laid out from the period the title gives ("Période : du 02/11 au 04/11"): when they
    are twice as many as its days (or its weekdays), each day's morning then afternoon,
    left to right, as sheets print them. What the titles do let through (a half-day, a
    weekday, a date) must agree, else nothing is laid out. Inferred, not read: the columns
    are marked unsure and their cells go to a person.

    When some titles were read, their dates and half-days must each fall on their own
    column's place in that layout, two of them dated at least: the columns left unread
    between them then take theirs, as surely as the layout is borne out."""
    kinds = [header_roles.role_of(c.label, year).kind for c in columns]
    dated = [i for i, c in enumerate(columns) if c.date]
    open_ = [
        i
        for i, k in enumerate(kinds)
        if k in (header_roles.SLOT, header_roles.UNKNOWN) or columns[i].date and columns[i].half_day
    ]
    if len(open_) < 4 or open_ != list(range(open_[0], open_[-1] + 1)):
        return columns  # no run of untitled columns, or several
    if dated and (len(dated) < 2 or not set(dated) <= set(open_)):
        return columns
    if not all(_blurred_title(columns[i].label) for i in open_ if not columns[i].date):
        return columns  # titles that say something else (trainees' names over columns)
    period = title_period(title, year, PERIOD_DAYS)
    if period is None:
        return columns
    start, end = period
    days = [date.fromordinal(d) for d in range(start.toordinal(), end.toordinal() + 1)]
    if 2 * len(days) != len(open_):
        days = [d for d in days if d.weekday() < 5]
        if 2 * len(days) != len(open_):
            return columns
    slots = [(d, h) for d in days for h in (MATIN, APRES_MIDI)]
    done = list(columns)
    for i, (day, half) in zip(open_, slots, strict=True):
        column = columns[i]
        named = weekdays_named(column.label, title=True)
        if column.half_day not in (None, half) or named and day.weekday() not in named:
            return columns
        if column.date not in (None, day):
            return columns
        if column.date is None:
            done[i] = Column(day, half, column.hours, column.label, sure=bool(dated))
    return done


def _laid_out_confirmed(
    page: SheetPage, grid: Table, header: int, columns: list[Column]
) -> list[Column]:
    """Columns laid out from the title's period (:func:`_dated_by_period`) taken as read
    when their titles' print, unreadable, alternates as a morning's and an afternoon's do
    (:func:`header_print.alternates`): half-days in turn, no column of another kind among
    them, as many as the period's half-days. Each then carries the title it stands for."""
    laid = [i for i, column in enumerate(columns) if not column.sure]
    if not laid or page.exact:
        return columns
    crops = []
    for i in laid:
        box = inset((grid.xs[i + 1], grid.ys[0], grid.xs[i + 2], grid.ys[header]), 3)
        crop = clean_crop(page, box)
        if crop is None:
            return columns
        crops.append(np.asarray(crop))
    if not alternates(crops):
        return columns
    done = list(columns)
    for i in laid:
        day, half = columns[i].date, columns[i].half_day
        assert day is not None and half is not None
        said = f"{day:%d/%m/%Y} {'Matin' if half == MATIN else 'Après-midi'}"
        done[i] = Column(day, half, columns[i].hours, said)
    return done


def _blurred_title(label: str) -> bool:
    """A column title that read as nothing, or as what blur leaves of a day or half-day:
    no word of four letters or more that is not a day's ("MARTIN | Fanny" is a title)."""
    return is_day_label(label) or not re.search(r"[^\W\d_]{4,}", label)


def _days_run_together(label: str) -> bool:
    """A column title naming two different weekdays ("lundi 16 Mardi 17 mercredi 18 …")."""
    return len(set(WEEKDAY.findall(fold(label)))) >= 2


def _dated_by_spans(
    page: SheetPage, grid: Table, header: int, columns: list[Column], year: int | None
) -> list[Column]:
    """Half-day columns under a date spanning them with no rule between ("Ven. 18/12"
    centred over its "Matinée" and "Après-midi"): each undated one takes the header's
    date whose middle is nearest its own, within a column's width. The dates may stand
    in the header's top row or just above the table, whose top rule is then under them."""
    if header == 0 or all(c.date or not c.half_day for c in columns):
        return columns
    top = grid.ys[0] - (grid.ys[1] - grid.ys[0])
    band = words_in(page.words, (grid.xs[0], top, grid.xs[-1], grid.ys[header]))
    spans = []
    for run in word_runs(band):
        found = set(cell_dates(text_of(run), year))
        reach = (run[0].box[0], run[-1].box[2])
        if len(found) == 1:
            spans.append(((reach[0] + reach[1]) / 2, found.pop(), _within_column(grid, reach)))
    done = list(columns)
    for i, column in enumerate(columns):
        if column.date is not None or column.half_day is None:
            continue
        left, right = grid.xs[i + 1], grid.xs[i + 2]
        named = weekdays_named(column.label, title=True)
        # A date printed inside another column's cell is that column's own title (a
        # one-row header dating each column), no date spanning this one.
        near = [
            (abs(x - (left + right) / 2), d)
            for x, d, inside in spans
            if inside in (None, i + 1) and (not named or d.weekday() in named)
        ]
        near = [n for n in near if n[0] <= right - left]
        if near:
            done[i] = Column(min(near)[1], column.half_day, column.hours, column.label)
    return done


def _dated_by_order(columns: list[Column]) -> list[Column]:
    """Half-day columns whose date went unread, from the order a header prints its
    half-days in (day by day, the morning first): the one day between the dated columns
    either side where that half-day falls after the left one's and before the right
    one's, no other column having it ("25/11 Après-midi", "9h-12h30", "26/11 Après-midi":
    the 26th's morning)."""
    done = list(columns)
    order = {MATIN: 0, APRES_MIDI: 1}
    for i, column in enumerate(columns):
        if column.date is not None or column.half_day not in order:
            continue
        left = [c for c in done[:i] if c.date and c.half_day in order]
        right = [c for c in done[i + 1 :] if c.date and c.half_day in order]
        if not left or not right:
            continue
        low, high = left[-1], right[0]
        if low.date is None or high.date is None or (high.date - low.date).days > 7:
            continue
        taken = {(c.date, c.half_day) for c in done if c.date}
        after = (low.date, order[low.half_day or MATIN])
        before = (high.date, order[high.half_day or MATIN])
        days = [date.fromordinal(n) for n in range(low.date.toordinal(), high.date.toordinal() + 1)]
        fits = [
            day
            for day in days
            if after < (day, order[column.half_day]) < before
            and (day, column.half_day) not in taken
        ]
        if len(fits) == 1:
            done[i] = Column(fits[0], column.half_day, column.hours, column.label, column.sure)
    return done


def _within_column(grid: Table, reach: tuple[int, int]) -> int | None:
    """The column whose rules hold a run of print left to right (a little overrun
    allowed), if one does."""
    slack = max(2, (reach[1] - reach[0]) // 10)
    for col in range(len(grid.xs) - 1):
        if grid.xs[col] - slack <= reach[0] and reach[1] <= grid.xs[col + 1] + slack:
            return col
    return None


def _dates_completed(columns: list[Column], known: set[date]) -> list[Column]:
    """Columns whose date went unread, dated from the title's list: the one listed date
    no column has that falls between the dates of the columns either side. Left to right,
    each listed date is given once (a period's "du 15/01 au 21/01" lists two days, not
    every column's), and never to a column whose half-day that date already has."""
    done = list(columns)
    used = {c.date for c in columns if c.date}
    for i, column in enumerate(columns):
        if column.date is not None or not (column.half_day or WEEKDAY.search(fold(column.label))):
            continue  # dated, or no half-day column at all ("Observations")
        before = [c.date for c in done[:i] if c.date]
        after = [c.date for c in done[i + 1 :] if c.date]
        low, high = (before[-1] if before else None), (after[0] if after else None)
        fits = [
            d
            for d in known - used
            if (low is None or d > low) and (high is None or d < high) and (low or high)
        ]
        taken = {(c.date, c.half_day) for c in done if c.date}
        if len(fits) == 1 and (column.half_day is None or (fits[0], column.half_day) not in taken):
            done[i] = Column(fits[0], column.half_day, column.hours, column.label)
            used.add(fits[0])
    return done


_WEEKDAYS = WEEKDAYS


def snapped_date(
    text: str, found: date | None, known: set[date], period: Period | None = None
) -> date | None:
    """A header date checked against the dates the title lists ("Dates : les 10/07/2026…").

    A photo's small print loses a slash ("1407/2026") or turns a digit ("10/07/2028"): the
    listed date whose digits are nearest the header's (two slips at most, the weekday
    agreeing when one is printed) is the one meant; one date listed only takes a header
    that differs from it by its year. Without a list, the header stands;
    outside the title's ``period`` ("du 18/03 au 25/03") it is a misread, and no date.
    """
    if found in known:
        return found
    # "lundi 13 octobre 2026" (the 12th, a digit misread): a date its own weekday belies
    # is a misread, no date, unless a listed day fits it below.
    torn = found is not None and weekday_disagrees(text, found)
    if not known:
        return None if torn else found
    if found is not None and len(known) == 1:
        # One date in the title is no list of the days (a one-day sheet's, or a period's
        # end whose other end went unread): a date read whole stands, unless only its year
        # differs ("10/07/2028" under "Journée du 10/07/2026").
        (only,) = known
        same_day = (found.day, found.month) == (only.day, only.month)
        return only if same_day else None if torn or not in_period(found, period) else found
    digits = re.sub(r"\D", "", digits_fixed(text))
    weekday = WEEKDAY.search(fold(text))
    plausible = found is not None and min(known) <= found <= max(known)
    if plausible and (not weekday or _WEEKDAYS[found.weekday()] == weekday.group(1)):  # type: ignore[union-attr]
        return found  # the title may give a range, not every day
    # Outside the period the title gives ("du 18/03 au 25/03"): a misread ("Mercredi 18"
    # read "Dre 2"), unless it snaps to a listed day below.
    kept = found if found is None or in_period(found, period) and not torn else None
    if len(digits) < 6:
        # The date unreadable, the weekday read: the only listed day of that name.
        same = [d for d in known if weekday and _WEEKDAYS[d.weekday()] == weekday.group(1)]
        return same[0] if len(same) == 1 and found is None else kept
    scored = []
    for day in known:
        if weekday and _WEEKDAYS[day.weekday()] != weekday.group(1):
            continue
        want = day.strftime("%d%m%Y")
        ratio = SequenceMatcher(None, digits, want).ratio()
        scored.append((ratio, day))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < 0.75 or len(scored) > 1 and scored[1][0] == scored[0][0]:
        return kept
    return scored[0][1]


Period = tuple[date, date]


def in_period(day: date, period: Period | None) -> bool:
    """Whether a day lies within the title's period (any day when it gives none)."""
    return period is None or period[0] <= day <= period[1]


_PERIOD_WORDS = re.compile(r"\bdu\b.*\b(au|jusqu)\b")


def title_period(
    title: Sequence[str], year: int | None, longest: int | None = None
) -> Period | None:
    """The one period the title's lines give ("Période : du 02/11/2026 au 04/11/2026"): its
    first and last day, at most ``longest`` days apart when given."""
    found = {
        (dates[0], dates[1])
        for line in title
        if _PERIOD_WORDS.search(fold(line))
        and len(dates := sorted(set(find_dates(line, year)))) == 2
        and (longest is None or (dates[1] - dates[0]).days <= longest)
    }
    return found.pop() if len(found) == 1 else None


#: A day as a header prints it: a weekday, or a day and month ("Lun. 09/03", "9 mars").
_PRINTED_DAY = re.compile(
    WEEKDAY.pattern + r"|\b(lun|mar|mer|jeu|ven|sam|dim)\b|\d{1,2}\s*[/.-]\s*\d{1,2}"
    r"|\d{1,2}(er)?\s+(janv|fevr|mars|avr|mai|juin|juil|aout|sept|oct|nov|dec)"
)


#: The title of a day's other half, by the title of one ("AM" beside "PM").
_OTHER_HALF = {"am": "PM", "pm": "AM", "matin": "Après-midi", "apres-midi": "Matin"}


def _halves_misspelt(columns: list[Column]) -> list[Column]:
    """Half-day titles the OCR misread by one letter ("AN" beside "PM"): a column whose
    title means nothing, next to one whose title is a half-day's word alone, reads as that
    word's other half when it is spelt within one letter of it (and as long)."""
    done = list(columns)
    for i, column in enumerate(columns):
        if column.half_day or header_roles.role_of(column.label).kind != header_roles.UNKNOWN:
            continue
        spelt = re.sub(r"[^\w-]", "", fold(column.label))
        for j in (i - 1, i + 1):
            if not 0 <= j < len(columns):
                continue
            other = _OTHER_HALF.get(re.sub(r"[^\w-]", "", fold(columns[j].label)))
            if other and _one_slip(spelt, fold(other)):
                done[i] = Column(column.date, half_day_of(other), column.hours, other)
                break
    return done


def _one_slip(spelt: str, word: str) -> bool:
    """Whether a word is spelt with one letter changed, none added or dropped."""
    return len(spelt) == len(word) and sum(a != b for a, b in zip(spelt, word, strict=True)) == 1


def _halves_completed(columns: list[Column]) -> list[Column]:
    """Half-days the header did not yield, from the day's other column.

    A day has at most a morning and an afternoon, in that order: of two columns under one
    date, the one left unread is the half-day the other is not; two unread ones under a
    day their header prints are the morning, then the afternoon. A column whose header
    gives it another role ("Créneau", "Signature": the row names the half-day) is none.
    """
    done = list(columns)
    by_day: dict[date, list[int]] = {}
    slots = (header_roles.SLOT, header_roles.UNKNOWN)
    for i, column in enumerate(columns):
        if column.date is not None and header_roles.role_of(column.label).kind in slots:
            by_day.setdefault(column.date, []).append(i)
    for indices in by_day.values():
        halves = [columns[i].half_day for i in indices]
        if len(indices) != 2 or None not in halves:
            continue
        if halves == [None, None]:
            if not all(_PRINTED_DAY.search(fold(columns[i].label)) for i in indices):
                continue  # dated by the title, not a header's day over its two halves
            halves = [MATIN, APRES_MIDI]
        else:
            known = next(h for h in halves if h)
            other = APRES_MIDI if known == MATIN else MATIN
            halves = [h or other for h in halves]
        for i, half in zip(indices, halves, strict=True):
            done[i] = Column(columns[i].date, half, columns[i].hours, columns[i].label)
    return done


def _dated_by_sequence(columns: list[Column]) -> list[Column]:
    """Half-day columns whose date or half-day went unread, from the order a header
    prints them in: each half-day once, day after day, the morning first. Between the
    first and the last date read, every column's (date, half-day) must fall after its
    left neighbour's and agree with what its own title let through; a column takes the
    one value all such orderings give it ("Matin" between "30/12 Après-midi" and "31/12":
    the 31st's morning, and the 31st's column its afternoon). A column none of whose
    title was read (blur, small print) is laid out, not read: its cells go to a person.
    Nothing is done when the dates read are out of order or too far apart."""
    slots = (header_roles.SLOT, header_roles.UNKNOWN)
    # A column whose title names a half-day or a day, or says nothing: a trainee's name
    # over a column (dated by the page's title) is none.
    run = [
        i
        for i, c in enumerate(columns)
        if header_roles.role_of(c.label).kind in slots and (c.half_day or _blurred_title(c.label))
    ]
    dates = [d for i in run if (d := columns[i].date) is not None]
    if len(dates) < 2 or dates != sorted(dates) or (dates[-1] - dates[0]).days > PERIOD_DAYS:
        return columns
    days = [date.fromordinal(d) for d in range(dates[0].toordinal(), dates[-1].toordinal() + 1)]
    order = [(d, h) for d in days for h in (MATIN, APRES_MIDI)]
    rank = {slot: k for k, slot in enumerate(order)}
    # A column between the first and the last dated one: none beyond (no day to bound it).
    first = next(k for k, i in enumerate(run) if columns[i].date)
    last = max(k for k, i in enumerate(run) if columns[i].date)
    run = run[first : last + 1]
    fits = [
        {
            rank[(d, h)]
            for d, h in order
            if columns[i].date in (None, d) and columns[i].half_day in (None, h)
        }
        for i in run
    ]
    # The values each column can take in some increasing ordering of the whole run.
    ahead: list[set[int]] = []
    for k, allowed in enumerate(fits):
        low = min(ahead[k - 1]) if k else -1
        ahead.append({r for r in allowed if r > low})
        if not ahead[k]:
            return columns  # no ordering fits what was read: the header is no such run
    behind: list[set[int]] = [set() for _ in fits]
    for k in range(len(fits) - 1, -1, -1):
        high = max(behind[k + 1]) if k + 1 < len(fits) else len(order)
        behind[k] = {r for r in fits[k] if r < high}
        if not behind[k]:
            return columns
    done = list(columns)
    for k, i in enumerate(run):
        both = ahead[k] & behind[k]
        if not both:
            return columns  # no ordering fits what was read: the header is no such run
        column = columns[i]
        if len(both) == 1 and (column.date is None or column.half_day is None):
            day, half = order[both.pop()]
            read = column.date is not None or column.half_day is not None
            done[i] = Column(day, half, column.hours, column.label, column.sure and read)
    return done


#: What of a column title names its half-day: the words, a time range.
_HALF_PRINT = re.compile(r"apres[ -]?midi|\bmatin(ee)?\b|\bam\b|\bpm\b|\d{1,2}\s*h\s*\d{0,2}")


def _day_print(label: str) -> str:
    """A column title's letters and digits once its half-day's words and hours are left
    out: what it prints of its day, however the OCR garbled it."""
    return re.sub(r"[\W_]", "", _HALF_PRINT.sub(" ", fold(label)))


def _dated_as_neighbour(columns: list[Column]) -> list[Column]:
    """A half-day column whose date went unread, beside the day's other half-day dated
    from a print read the same ("LV10/2026 | Matinée" dated, "LV10/2026 | Après-midi"
    not): the same print is the same day. The morning stands left of the afternoon, and
    the print must hold a digit (a day's number, a year)."""
    done = list(columns)
    for i, column in enumerate(columns):
        if column.date is not None or column.half_day not in (MATIN, APRES_MIDI):
            continue
        j = i - 1 if column.half_day == APRES_MIDI else i + 1
        if not 0 <= j < len(columns):
            continue
        other = columns[j]
        if other.date is None or other.half_day in (None, column.half_day):
            continue
        printed = _day_print(column.label)
        if len(printed) >= 4 and re.search(r"\d", printed) and printed == _day_print(other.label):
            taken = {(c.date, c.half_day) for c in done if c.date}
            if (other.date, column.half_day) not in taken:
                half, hours, label = column.half_day, column.hours, column.label
                done[i] = Column(other.date, half, hours, label, other.sure)
    return done
