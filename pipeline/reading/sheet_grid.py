"""Reading the body of an attendance table: trainees down and half-days across, or rows by
date for one trainee, each row's name, and cells whose order of dates is in doubt."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from difflib import SequenceMatcher

import numpy as np

from pipeline.ocr import (
    Word,
)
from pipeline.parse import find_dates, fold
from pipeline.reading import header as header_roles
from pipeline.reading.cells import (
    SheetPage,
    cell_ink,
    cell_text,
    clean_crop,
    handwritten_text,
    header_cell_text,
    judge_cell,
    printed_name,
)
from pipeline.reading.sheet_columns import (
    header_count,
    header_rows,
    read_columns,
    snapped_date,
    title_count,
    title_period,
    year_hint,
)
from pipeline.reading.sheet_results import (
    APRES_MIDI,
    EMPTY_INK,
    MATIN,
    NAME_DOUBT,
    NAME_UNREAD,
    UNPLACED,
    Carry,
    CellRead,
    Column,
    column_widths,
)
from pipeline.reading.sheet_text import (
    DATE_HEADER,
    cell_dates,
    dated_cells,
    half_day_of,
    halves_named,
    is_absent,
    is_column_title,
    is_day_label,
    is_signed_mention,
    is_timestamp,
    is_trainer_label,
    loose_dates,
    names_someone,
    names_two_days,
    text_lines,
    title_date,
    trainee_name,
    weekday_disagrees,
    weekdays_named,
)
from pipeline.reading.tables import Table
from pipeline.reading.words import inset, reading_order, text_of, words_in

_GridRead = tuple[list[CellRead], list[CellRead], list[Column], tuple[str, ...], str | None]
_FullRead = tuple[list[CellRead], list[CellRead], list[Column], tuple[str, ...], str | None, str]


def read_grid(page: SheetPage, grid: Table, after: Carry | None = None) -> _FullRead:
    """Trainee cells, trainer cells, columns, problems, the trainee of a one-trainee sheet,
    and the first column's header text.

    A table with no header row whose columns match the previous page's table (``after``)
    runs on from it: its rows are read under that header.
    """
    rows = len(grid.ys) - 1
    year = year_hint(page.words)
    if _runs_on(page, grid, after):
        assert after is not None
        header, columns, first = 0, list(after.columns), after.first
    else:
        header = header_rows(page, grid)
        columns = read_columns(page, grid, header, year)
        first = _first_label(page, grid, header)
    body = range(header, len(grid.ys) - 1)
    texts = _body_texts(page, grid, header)
    dated = [col for col, column in enumerate(texts) if dated_cells(column, year)]
    if not page.exact and not dated and header and _halves_undated(columns):
        # Half-days with no date over them nor down the rows: the day is the title's
        # ("Journée du 25/11/2026"), which a photo's page OCR may have dropped.
        page, columns = _title_read_again(page, grid, header, columns)
    held = _row_labels(texts, year)
    lettered = [col for col, column in enumerate(texts) if _words_of_letters(column)]
    labels = [first] + [_planned_label(c) for c in columns]
    axes = header_roles.plan(labels, year, dated, content=held, lettered=lettered)
    if axes is None and not page.exact and not dated:
        # The headers say too little and no column reads as dates: on a scan or photo the
        # page OCR may have dropped the print of the rows' dates ("Séance" over
        # "mardi 17 février 2026"); the first column's cells are read on their own.
        def is_dated(text: str) -> bool:
            return bool(cell_dates(text, year))

        again = [header_cell_text(page, grid.cell(r, 0), is_dated) for r in body]
        if dated_cells(again, year):
            dated = [0]
            axes = header_roles.plan(labels, year, dated, content=held, lettered=lettered)
    if axes is None and 0 in held and header:
        # Rows labelled by dates or half-days, no column named: a photo's shaded header
        # may hide the trainees' names, each read again on its own.
        axes = _names_read_again(page, grid, header, columns, held, (labels, year, dated))
    # A plan of rows by date and no name over a column may be the header's first row read
    # alone (NOM over Prénom; "Visa du" of "Visa du formateur" wrapped over both rows).
    may_deepen = axes is None or bool(axes.people) or axes.rows == "dates"
    deeper = 0 < header < len(grid.ys) - 2 and may_deepen
    if deeper and _names_below(page, grid, header):
        # Trainees' names over two header rows (NOM over Prénom): read as one header.
        below = read_columns(page, grid, header + 1, year)
        first_below = _first_label(page, grid, header + 1)
        held_below = _row_labels(_body_texts(page, grid, header + 1), year)
        planned = ([first_below] + [c.label for c in below], year, dated)
        wider = header_roles.plan(*planned, content=held_below)
        if (wider is None or not wider.people) and (0 in held_below or 0 in dated):
            # Names over two rows no better read than over one, or neither line read by
            # the page OCR (a photo's shaded header): each column's two lines read again.
            wider = _names_read_again(page, grid, header + 1, below, held_below, planned)
        if wider is not None and wider.people:
            header, columns, first, axes, held = header + 1, below, first_below, wider, held_below
    doubt = False
    if axes is not None and axes.people:
        axes, doubt = _people_read_again(page, grid, header, columns, axes, held)
        doubt = doubt or _header_cut(page, grid, header)
    if axes is not None and axes.rows == "trainees" and (axes.names != (0,) or not axes.slots):
        return (*_read_trainee_rows(page, grid, header, columns, axes), first)
    if axes is not None and axes.rows == "dates" or DATE_HEADER.match(fold(first)):
        by_date = _read_by_date(page, grid, header, columns, year, axes)
        if doubt:
            # Trainees' columns not all found, or not whole: a person tells whose cell is
            # whose.
            capped = [replace(c, confidence=min(c.confidence, UNPLACED)) for c in by_date[0]]
            doubted = (*by_date[3], "trainees' columns not found whole")
            by_date = (capped, by_date[1], by_date[2], doubted, by_date[4])
        return (*by_date, first)
    if held.get(0) == header_roles.DATE:
        # The first column holds the rows' dates: it names no trainee, and no column does.
        return [], [], columns, ("no trainee's name read in the header",), None, first
    cells: list[CellRead] = []
    trainer: list[CellRead] = []
    problems: list[str] = []
    for row in range(header, rows):
        name, sure = _page_name(page, grid.cell(row, 0))
        printed = text_of(words_in(page.words, grid.cell(row, 0)))
        if not name:
            name, sure = printed, 1.0
        if not re.search(r"[^\W\d_]{2}", name):
            name = ""  # a row number or a stray mark is no name
        # The cell read on its own may keep the name alone of "Signature formateur" over
        # the trainer's name (bold print a photo blurs): the page's words say whose row.
        is_trainer = is_trainer_label(name) or (
            not header_roles.is_header_word(printed) and is_trainer_label(printed)
        )
        if header_roles.is_header_word(name) and not is_trainer:
            continue  # a header row below the first ("Nom Prénom" over the names)
        if not name:
            problems.append(f"row {row}: no name read")
        for col, column in enumerate(columns, start=1):
            if axes is not None and axes.roles[col].kind in _NO_MARKS:
                continue  # "Entreprise", "N°": print, not a half-day's mark
            read = _judged(page, grid.cell(row, col), column, "" if is_trainer else name)
            # No name, or one the OCR is unsure of (handwriting): a person checks the row.
            if not name or sure < NAME_DOUBT:
                read = replace(read, confidence=min(read.confidence, UNPLACED))
            (trainer if is_trainer else cells).append(read)
    return cells, trainer, columns, tuple(problems), None, first


def _planned_label(column: Column) -> str:
    """A column's title as the table's plan reads it: for a column whose date and half-day
    were inferred (its title unreadable), what they say ("02/11/2026 Matin"); for a
    title the plan names nothing by but whose half-day the column's reading found (a time
    range whose start a scan garbled, "%h-12h30"), that half-day's name after it."""
    half = "Matin" if column.half_day == MATIN else "Après-midi"
    if not column.sure and column.date is not None and column.half_day is not None:
        return f"{column.date:%d/%m/%Y} {half}"
    if column.half_day and header_roles.role_of(column.label).kind == header_roles.UNKNOWN:
        return f"{column.label} {half}".strip()
    return column.label


def _judged(
    page: SheetPage, box: tuple[int, int, int, int], column: Column, person: str
) -> CellRead:
    """A cell's mark (:func:`judge_cell`); under a column whose date and half-day were
    inferred, not read, for a person to check."""
    read = judge_cell(page, box, column, person)
    return read if column.sure else replace(read, confidence=min(read.confidence, UNPLACED))


#: Columns that hold print about the trainee, never a mark.
_NO_MARKS = (header_roles.OTHER, header_roles.NUMBER, header_roles.DURATION, header_roles.HOURS)


def _runs_on(page: SheetPage, grid: Table, after: Carry | None) -> bool:
    """Whether the table continues the previous page's: the same columns (count and
    widths), and a first row that is no header (neither titles nor days)."""
    if after is None or len(after.columns) != len(grid.xs) - 2:
        return False
    if max(abs(a - b) for a, b in zip(after.widths, column_widths(grid), strict=True)) > 0.03:
        return False
    first = [text_of(words_in(page.words, grid.cell(0, c))) for c in range(len(grid.xs) - 1)]
    if any(header_roles.is_header_word(text) for text in first):
        return False  # a header of its own ("Bénéficiaire", "Date")
    labels = [after.first, *(c.label for c in after.columns)]
    if sum(bool(t) and _same_label(t, label) for t, label in zip(first, labels, strict=True)) >= 2:
        return False  # the previous page's header printed again (trainees' names over columns)
    return header_count(page, grid) == 0 and title_count(first, slots=False) < 2


def _body_texts(page: SheetPage, grid: Table, header: int) -> list[list[str]]:
    """Each column's body cells as the page's words read them (no cell is read again)."""
    body = range(header, len(grid.ys) - 1)
    return [
        [text_of(words_in(page.words, grid.cell(row, col))) for row in body]
        for col in range(len(grid.xs) - 1)
    ]


def _row_labels(texts: list[list[str]], year: int | None) -> dict[int, str]:
    """Columns whose body cells (``texts``, column by column) label the rows: dates
    (``header.DATE``) or half-days and time ranges (``header.HALF``), most of their printed
    cells saying so, none of them a trainee's mark."""
    held = {}
    for col, column in enumerate(texts):
        printed = [t for t in column if t.strip()]
        if not printed or any(
            is_signed_mention(t) or is_timestamp(t) or is_absent(t) for t in printed
        ):
            continue  # trainees' marks ("Signé le 12/03/2026 à 09:04", "Absent")
        if sum(bool(find_dates(t, year) or loose_dates([t])) for t in printed) * 2 > len(printed):
            held[col] = header_roles.DATE
        elif sum(bool(half_day_of(t)) for t in printed) * 2 > len(printed):
            held[col] = header_roles.HALF
    return held


def _words_of_letters(texts: Sequence[str]) -> bool:
    """Whether a column's body cells (as the page read them) are words of letters, no
    digit among them: most of its cells, two at least, hold a word of two letters or more
    (a name), none a digit (a row number, a date, an hour)."""
    printed = [t for t in texts if t.strip()]
    worded = [t for t in printed if re.search(r"[^\W\d_]{2}", t)]
    digits = any(re.search(r"\d", t) for t in printed)
    return not digits and len(worded) >= 2 and len(worded) * 2 > len(texts)


def _names_below(page: SheetPage, grid: Table, row: int) -> bool:
    """Whether ``row`` still belongs to the header: the second line of trainees' names
    over the columns (NOM above, Prénom below), the row labels' cell merged over both
    rows (or blank), and no cell naming a day, a half-day or an absence."""
    ruled = _ruled_between(page, grid, row, 0)
    cells = [words_in(page.words, grid.cell(row, c)) for c in range(len(grid.xs) - 1)]
    texts = [text_of(words) for words in cells]
    if ruled and texts[0] and not _role_title(texts[0]):
        # A row label's cell ruled apart: a body row. A column's title in it ("Demi-
        # journée" merged over both header rows, its rule under the names' cells only, or
        # a photo's shading edge taken for one) is the header's.
        return False
    if not texts[0] and _labels_row(header_cell_text(page, grid.cell(row, 0), _labels_row)):
        return False  # a row's own label the page OCR missed ("MATIN" in a shaded cell)
    # Under a row labels' cell ruled apart from the header's, a signature the OCR made
    # letters of ("NUN" at 0.4) is no printed first name; under one merged over both rows,
    # the row is the header's whatever a photo makes of its print.
    printed = [
        text_of([w for w in words if w.confidence >= _PRINTED or not ruled]) for words in cells
    ]
    if any(find_dates(t) or half_day_of(t) or is_absent(t) for t in texts):
        return False
    if any(_name_part(t) for t in printed[1:]):
        return True
    if page.exact or any(texts) or ruled:
        return False

    # No word read in the row, its first cell one with the header's above it: a photo's
    # shaded header the page OCR dropped (Prénom under NOM); its cells read again. Names
    # in most of them, nothing else: the header's second line, not a row of marks.
    def said(text: str) -> bool:
        return _name_part(text) or _labels_row(text) or is_absent(text)

    again = [header_cell_text(page, grid.cell(row, c), said) for c in range(len(grid.xs) - 1)]
    if any(find_dates(t) or half_day_of(t) or is_absent(t) for t in again):
        return False
    return sum(_name_part(t) for t in again[1:]) * 2 > len(again) - 1


def _role_title(text: str) -> bool:
    """Whether a cell's text is a column's title, no row's label: a role in words, no
    digit, no day nor half-day named ("Demi-journée", "Date", "Horaires"; not "Matin",
    "Lundi 12/03", "Séance 2")."""
    known = header_roles.role_of(text).kind != header_roles.UNKNOWN
    return known and not re.search(r"\d", text) and not is_day_label(text)


#: The OCR's confidence in a word from which it is taken as print, not handwriting.
_PRINTED = 0.6


def _labels_row(text: str) -> bool:
    """Whether a row's first cell names a date or a half-day: a body row's label."""
    return bool(find_dates(text) or half_day_of(text))


def _name_part(text: str) -> bool:
    """One to three words of letters that name no column ("Prénom", "Léa", "DA SILVA")."""
    words = text.split()
    letters = all(re.fullmatch(r"[^\W\d_][\w'’.-]*", w) for w in words)
    return 1 <= len(words) <= 3 and letters and header_roles.role_of(text).kind == "unknown"


def _ruled_between(page: SheetPage, grid: Table, row: int, col: int) -> bool:
    """Whether a rule separates row ``row`` from the one above across column ``col``."""
    y, pad = grid.ys[row], max(3, page.dpi // 40)
    band = page.lines[max(0, y - pad) : y + pad + 1, grid.xs[col] : grid.xs[col + 1]] > 0
    return bool(band.size) and float(band.any(axis=0).mean()) > 0.5


def _people_read_again(
    page: SheetPage,
    grid: Table,
    header: int,
    columns: list[Column],
    axes: header_roles.Plan,
    held: dict[int, str],
) -> tuple[header_roles.Plan, bool]:
    """Trainees as columns: a column after the rows' labels (date, half-day, hours: by
    header or content) whose header reads as no name (a scan's print half read) is read
    again on its own, as a name. Whether the columns are in doubt: one of them is still
    headed by no name nor role, and is no blank spare column (a column boundary found in
    the wrong place cuts a name, and shares a trainee's cells with the next column)."""
    labelling = (header_roles.DATE, header_roles.HALF, header_roles.HOURS)
    lead = [i for i in range(min(axes.people)) if axes.roles[i].kind in labelling or i in held]
    people = set(axes.people)
    doubt = False
    for col in people:
        columns[col - 1] = _person_read_again(page, grid, header, col, columns[col - 1])
    for col in range(max(lead, default=0) + 1, len(columns) + 1):
        if col in people or col in axes.trainer or not _unsaid(page, grid, header, axes, col):
            continue
        text = _header_name(page, grid, header, col)
        sliver = _sliver(grid, col, people)
        if header_roles.reads_as_name(text) and not sliver:
            columns[col - 1] = replace(columns[col - 1], label=text)
            people.add(col)
            continue
        if _walled(page, grid, header, col):
            # Ruled down the body on both sides: a column of its own (a trainer's, its
            # small title unread), sharing no trainee's cells; its cells are left unread.
            continue
        body = range(header, len(grid.ys) - 1)
        inked = any(
            cell_ink(page.ink, page.lines, grid.cell(r, col), page.dpi)[0] > EMPTY_INK for r in body
        )
        # A sliver's print is a piece of its neighbour's title: no doubt unless inked.
        doubt = doubt or inked or bool(re.search(r"\w", text)) and not sliver
    return replace(axes, people=tuple(sorted(people))), doubt


def _sliver(grid: Table, col: int, people: set[int]) -> bool:
    """Whether a column is under half as wide as the trainees' columns (their median): a
    boundary found inside a column (a shaded title's edge), no trainee's column, whatever
    its header's print reads as."""
    widths = sorted(grid.xs[c + 1] - grid.xs[c] for c in people)
    return bool(widths) and 2 * (grid.xs[col + 1] - grid.xs[col]) < widths[len(widths) // 2]


def _unsaid(page: SheetPage, grid: Table, header: int, axes: header_roles.Plan, col: int) -> bool:
    """Whether a column beside the trainees' is headed by nothing its cells bear out: no
    role, or a row number's ("n", what a scan left of "TRAN | Léa") over cells that
    number nothing (marks, e-attendance mentions)."""
    kind = axes.roles[col].kind
    if kind == header_roles.UNKNOWN:
        return True
    if kind != header_roles.NUMBER or page.exact:
        return False
    body = range(header, len(grid.ys) - 1)
    texts = [text_of(words_in(page.words, grid.cell(r, col))).strip() for r in body]
    return not any(re.fullmatch(r"\d{1,3}\W?", t) for t in texts)


def _walled(page: SheetPage, grid: Table, header: int, col: int) -> bool:
    """Whether rules are drawn down both sides of a column over its body's rows (its
    boundaries seen, not found from the print's gaps)."""
    top, bottom, pad = grid.ys[header], grid.ys[-1], max(3, page.dpi // 40)
    if bottom - top < 4:
        return False
    for x in (grid.xs[col], grid.xs[col + 1]):
        band = page.lines[top:bottom, max(0, x - pad) : x + pad + 1] > 0
        if not band.size or float(band.any(axis=1).mean()) < 0.9:
            return False
    return True


def _person_read_again(
    page: SheetPage, grid: Table, header: int, col: int, column: Column
) -> Column:
    """A trainee's column whose name the page OCR read unsurely (a name wrapped on two
    lines read as "sors erre-Louis") or not at all, its header read again on its own as
    a name; a name still unsure leaves the column's cells to a person."""
    if page.exact:
        return column
    box = (grid.xs[col], grid.ys[0], grid.xs[col + 1], grid.ys[header])
    words = [w for w in words_in(page.words, inset(box, 2)) if any(c.isalpha() for c in w.text)]
    # A lone letter is what is left of a word the page OCR did not see whole ("R" of
    # "ROUSSEL" in small bold print), however sure of it.
    misread = _uncapitalised(column.label)
    odd = misread or _lone_letter(column.label)
    if words and min(w.confidence for w in words) >= 0.9 and not odd:
        return column
    text, sure = _name_read(page, box)
    # A name read with a misread letter ("xévin" of "Kévin") is unsure however sure the
    # OCR says it is.
    before = 0.0 if misread and words else _name_confidence(words)
    # The cell's own read replaces the page's when surer and no shorter (a crop cut at a
    # frame-only table's guessed border may lose a line: "DA SILVA" of "DA SILVA Thuy").
    whole = _letters(text) >= _letters(column.label)
    if header_roles.reads_as_name(text) and sure > before and whole:
        return replace(column, label=text, sure=column.sure and sure >= NAME_DOUBT)
    # No word of the page's to doubt: the label was read on its own already.
    return column if not words or before >= NAME_DOUBT else replace(column, sure=False)


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


#: Lower-case words a name may hold ("de La Fontaine", "van den Broek", "d'Arvieu").
_PARTICLES = frozenset(
    ("de", "du", "des", "da", "di", "del", "della", "dos", "das", "van", "von", "der")
    + ("den", "ten", "le", "la", "les", "ben", "bin", "el", "al", "y", "e")
)


def _uncapitalised(label: str) -> bool:
    """Whether a name holds a word of letters starting lower-case that is no particle: a
    name's words are capitalised (NOM, Prénom), so its first letter was misread."""
    words = label.replace("|", " ").split()
    return any(w[0].islower() and len(w) > 1 and w.isalpha() and w not in _PARTICLES for w in words)


def _lone_letter(label: str) -> bool:
    """Whether a name holds a lone letter with no dot: what is left of a word the OCR did
    not see whole ("R" of "ROUSSEL" in small bold print), not an initial ("J.")."""
    return any(re.fullmatch(r"[^\W\d_]", w) for w in label.replace("|", " ").split())


def _names_read_again(
    page: SheetPage,
    grid: Table,
    header: int,
    columns: list[Column],
    held: dict[int, str],
    planned: tuple[list[str], int | None, list[int]],
) -> header_roles.Plan | None:
    """The plan of a table whose header cells, but for the rows' labels (``held``), the
    page OCR read as nothing with a role: each read again on its own as a name; the
    columns whose header then reads as a person's name are the trainees'."""
    labels, year, dated = planned
    again = list(labels)
    for col in range(1, len(labels)):
        if col in held or header_roles.role_of(labels[col], year).kind != header_roles.UNKNOWN:
            continue
        text = _header_name(page, grid, header, col)
        if header_roles.reads_as_name(text):
            again[col] = text
            columns[col - 1] = replace(columns[col - 1], label=text)
    axes = header_roles.plan(again, year, dated, content=held)
    for col in axes.people if axes is not None else ():
        if again[col] != labels[col]:
            # A trainee's column: its rows say the day and half-day, not a date and
            # half-day guessed for the header the page OCR missed.
            columns[col - 1] = Column(None, None, None, again[col])
    return axes


def _header_name(page: SheetPage, grid: Table, header: int, col: int) -> str:
    """A trainee's column's header read again on its own, as a name; over several header
    rows (NOM over Prénom) whose block a photo's shading keeps from reading whole, each
    row's line read on its own, then joined."""
    box = (grid.xs[col], grid.ys[0], grid.xs[col + 1], grid.ys[header])
    text = header_cell_text(page, box, header_roles.reads_as_name)
    if header < 2 or header_roles.reads_as_name(text):
        return text
    parts = [_name_line(page, grid.cell(row, col)) for row in range(header)]
    joined = " | ".join(p for p in parts if _name_part(p))
    return joined if header_roles.reads_as_name(joined) else text


def _name_line(page: SheetPage, box: tuple[int, int, int, int]) -> str:
    """One header row's line of a trainee's name (NOM, or Prénom), read again on its own
    unless the page OCR read it surely; a line the OCR is unsure of, read the same again
    (a photo's "AZAÏS" read "LEE" both times), is no part of a name."""
    words = words_in(page.words, box)
    printed = text_of(words)
    if _name_part(printed) and _name_confidence(words) >= NAME_DOUBT:
        return printed
    again = header_cell_text(page, box, lambda t: _name_part(t) and t != printed)
    return "" if again == printed and words else again


def _header_cut(page: SheetPage, grid: Table, header: int) -> bool:
    """Whether a column boundary runs through a header word, or a rule the OCR read as a
    word ("|", the cell's height) stands away from every boundary (a boundary found in
    the wrong place: the column's cells hold a neighbour's print or rule); a title over
    several columns (no rule between them in its row) is no cut."""
    margin = max(2, page.dpi // 25)
    for row in range(header):
        band = (grid.xs[0], grid.ys[row], grid.xs[-1], grid.ys[row + 1])
        for word in words_in(page.words, band):
            tall = word.box[3] - word.box[1] >= 0.7 * (grid.ys[row + 1] - grid.ys[row])
            if tall and re.fullmatch(r"[|\[\]!]+", word.text):
                middle = (word.box[0] + word.box[2]) / 2
                if min(abs(middle - x) for x in grid.xs) > 2 * margin:
                    return True
            if sum(c.isalpha() for c in word.text) < 3 or _stretched(word, page.dpi):
                continue
            left, right = _print_span(word)
            left, right = left + margin, right - margin
            walls = zip(grid.xs[1:-1], grid.walls[row], strict=True)
            if any(left < x < right and drawn for x, drawn in walls):
                return True
    return False


def _stretched(word: Word, dpi: int) -> bool:
    """Whether a word's box is far wider than its letters could print (a third of an inch
    each, a large title's): the OCR's guess over a photo's shaded band ("LEE" boxed
    across four columns), no print a boundary could cut."""
    return word.box[2] - word.box[0] > len(word.text) * dpi / 3


def _print_span(word: Word) -> tuple[int, int]:
    """A word's left and right ends without the signs at either end, which may be rules
    the OCR read into it ("|LaFontaine|." read across both walls of its cell): each sign
    taken off its share of the word's width."""
    text = word.text
    lead = len(text) - len(re.sub(r"^\W+", "", text))
    trail = len(text) - len(re.sub(r"\W+$", "", text))
    share = (word.box[2] - word.box[0]) / max(1, len(text))
    return round(word.box[0] + lead * share), round(word.box[2] - trail * share)


def _same_label(text: str, label: str) -> bool:
    """Whether a cell's text reads as a header's (its first line at least: "NOM" of
    "NOM | Prénom")."""
    first = label.split("|")[0]
    return SequenceMatcher(None, fold(text), fold(first)).ratio() >= 0.8 or fold(text) == fold(
        label.replace("|", " ")
    )


def _title_half(page: SheetPage, above: int) -> str | None:
    """The half-day the print above the table names, if exactly one ("Séance du 12/03 -
    après-midi", "Matinée du…", "9h00 - 12h30"); none when it names both or neither."""
    # Lines by level, not size: a time range's dash is smaller than its digits.
    halves = {half for line in text_lines(page.words, above) for half in halves_named(line)}
    return halves.pop() if len(halves) == 1 else None


def _caption_half(page: SheetPage, grid: Table) -> str | None:
    """The half-day a short caption just over the table names ("AM", "Matin"), when the
    page OCR left it out (a lone short word): the band between the print above and the
    table's top, across its width, read on its own as one line when it holds ink."""
    if page.exact:
        return None
    left, right = grid.xs[0], grid.xs[-1]
    reach = grid.ys[0] - page.dpi // 2
    above = [
        w.box[3]
        for w in page.words
        if reach <= w.box[3] < grid.ys[0] - page.dpi // 40 and w.box[0] < right and left < w.box[2]
    ]
    top = max([reach, *above]) + 1
    bottom = grid.ys[0] - max(2, page.dpi // 60)
    if bottom - top < page.dpi // 15:
        return None
    # Print only: a photo's frame, slanted a little, leaves a rule's edge in the band.
    inked = (page.ink[top:bottom, left:right] > 0) & (page.lines[top:bottom, left:right] == 0)
    rows, cols = np.nonzero(inked)
    if not rows.size:
        return None
    pad = page.dpi // 25  # the ink's own box: a lone word in a wide blank band is lost
    box = (
        max(left, left + int(cols.min()) - pad),
        max(top, top + int(rows.min()) - pad),
        min(right, left + int(cols.max()) + pad),
        min(bottom, top + int(rows.max()) + pad),
    )
    crop = clean_crop(page, box, crisp=True)
    if crop is None:
        return None
    halves = halves_named(page.engine.recognise_line(crop, page.dpi).text)
    return halves.pop() if len(halves) == 1 else None


def _first_label(page: SheetPage, grid: Table, header: int) -> str:
    """The first column's header text (its header rows joined), read again if unread."""
    parts = []
    for row in range(header):
        first, last = grid.span(row, 0)
        box = (grid.xs[first], grid.ys[row], grid.xs[last + 1], grid.ys[row + 1])
        parts.append(header_cell_text(page, box, is_column_title))
    label = " | ".join(p for p in parts if p)
    if header > 1 and not is_column_title(label):
        # A title centred over the header's rows ("Période" beside NOM over Prénom): read
        # whole, not cut at the rows' middle.
        box = (grid.xs[0], grid.ys[0], grid.xs[1], grid.ys[header])
        whole = header_cell_text(page, box, is_column_title)
        label = whole if is_column_title(whole) else label
    return label


def _read_trainee_rows(
    page: SheetPage, grid: Table, header: int, columns: list[Column], axes: header_roles.Plan
) -> _GridRead:
    """A row per trainee, the name in the columns the header calls names ("NOM" and
    "Prénom" joined, "NOM Prénom"), marks in the columns it dates or halves; a row-number
    or company column is neither. A row whose label (spanning the name columns) names the
    trainer gives the trainer's marks; a blank spare row (no name, no ink) is no trainee.
    """
    cells: list[CellRead] = []
    trainer: list[CellRead] = []
    problems: list[str] = []
    # A lone "Signature" column: the half-day from the print above the table ("Séance
    # du 12/03 - matin"), when it names one only.
    unnamed = [c for c in axes.marks if c in axes.trainee and not half_day_of(columns[c - 1].label)]
    half = _title_half(page, grid.ys[0]) or (_caption_half(page, grid) if unnamed else None)
    # (A half-day the column's own words do not name was guessed from its neighbours,
    # which are names here, not the day's other half.)
    marks = [
        (col, columns[col - 1])
        if col not in axes.trainee or half_day_of(columns[col - 1].label)
        else (col, replace(columns[col - 1], half_day=half))
        for col in axes.marks
        if col >= 1
    ]
    sure = min((axes.roles[col].confidence for col in (*axes.names, *axes.marks)), default=1.0)
    rows = range(header, len(grid.ys) - 1)
    shortest = min((grid.ys[r + 1] - grid.ys[r] for r in rows), default=0)
    merged = _merged_marks(grid, [col for col, _ in marks])
    # The row number's column, when it is the only one before the names.
    numbered = axes.number is not None and axes.number + 1 == axes.names[0] == 1
    numbered_from = axes.number if numbered else None
    for row in range(header, len(grid.ys) - 1):
        left = grid.span(row, axes.names[0])[0]
        right = grid.span(row, axes.names[-1])[1]
        label_box = (grid.xs[left], grid.ys[row], grid.xs[right + 1], grid.ys[row + 1])
        label = text_of(words_in(page.words, label_box))
        caption = _caption_row(page, grid, row, (left, right))
        if caption is not None:
            # A séance's caption and header inside the table ("Après-midi 14h-17h30" over
            # "Nom | Prénom | Signature": a second table read as one with the first): the
            # rows after it are that séance's.
            day, half_day = caption
            marks = [
                (col, replace(column, date=day or column.date, half_day=half_day))
                if col in axes.trainee and not half_day_of(columns[col - 1].label)
                else (col, column)
                for col, column in marks
            ]
            continue
        spans = left < axes.names[0] or right > axes.names[-1]
        trainer_row = numbered_from is not None and _unnumbered_trainer(
            page, grid, row, numbered_from, (left, right)
        )
        if (
            trainer_row
            or is_trainer_label(label)
            or spans
            and is_trainer_label(cell_text(page, label_box))
        ):
            # "Signature de l'intervenant·e : …", often over the name columns and more.
            for col, column in marks:
                trainer.append(_capped(_judged(page, grid.cell(row, col), column, ""), col, merged))
            continue
        reads = [_page_name(page, grid.cell(row, col)) for col in axes.names]
        name = _name_of([text for text, _ in reads])
        if is_trainer_label(name):
            # The name columns, read on their own, name the trainer ("Formateur·rice",
            # the page's words for the row garbled): the trainer's marks, no trainee's.
            trainer.extend(
                _capped(_judged(page, grid.cell(row, col), column, ""), col, merged)
                for col, column in marks
            )
            continue
        # A name the OCR is unsure of may be another trainee's: a person checks the row.
        unsure = any(text and confidence < NAME_DOUBT for text, confidence in reads)
        if header_roles.is_header_word(name):
            continue  # a second header row
        read = [
            _capped(_judged(page, grid.cell(row, col), column, name), col, merged)
            for col, column in marks
        ]
        if not name:
            if all(r.ink <= EMPTY_INK for r in read):
                continue  # a spare row left blank
            problems.append(f"row {row}: no name read")
            read = [replace(r, confidence=min(r.confidence, UNPLACED)) for r in read]
        if _holds_another(label_box, shortest):
            unsure = True
        cap = min(sure, UNPLACED) if unsure else sure
        cells.extend(replace(r, confidence=min(r.confidence, cap)) for r in read)
    return cells, trainer, columns, tuple(problems), None


def _caption_row(
    page: SheetPage, grid: Table, row: int, names: tuple[int, int]
) -> tuple[date | None, str] | None:
    """The date (if printed) and half-day of a séance caption read as a row of the table
    ("Après-midi 14h-17h30", "Séance du 12/03 - matin"): a row naming one half-day and at
    most one date, and no trainee, with a header row right under it (the next séance's
    table); None for any other row."""
    if row + 2 >= len(grid.ys):
        return None
    text = text_of(words_in(page.words, (grid.xs[0], grid.ys[row], grid.xs[-1], grid.ys[row + 1])))
    halves = halves_named(text)
    dates = set(find_dates(text, year_hint(page.words)))
    if len(halves) != 1 or len(dates) > 1:
        return None
    left, right = names
    below = (grid.xs[left], grid.ys[row + 1], grid.xs[right + 1], grid.ys[row + 2])
    if not header_roles.is_header_word(text_of(words_in(page.words, below))):
        return None
    return (dates.pop() if dates else None), halves.pop()


def _unnumbered_trainer(
    page: SheetPage, grid: Table, row: int, number: int, names: tuple[int, int]
) -> bool:
    """Whether a row with no number in the row number's column is the trainer's: its label,
    read from the number's column on, names the trainer ("Intervenant·e" in bold, which a
    photo's page OCR missed, or cut to "venant-e" in the name columns alone)."""
    left, right = names
    top, bottom = grid.ys[row], grid.ys[row + 1]
    label = text_of(words_in(page.words, (grid.xs[left], top, grid.xs[right + 1], bottom)))
    numbered = text_of(words_in(page.words, (grid.xs[number], top, grid.xs[left], bottom)))
    if is_trainer_label(label) or re.search(r"\d", numbered):
        return False
    wide = (grid.xs[number], top, grid.xs[right + 1], bottom)
    return is_trainer_label(header_cell_text(page, wide, is_trainer_label, False))


#: A trainee's row this much taller than the shortest may hold a second trainee whose
#: name and boundary went unread (a table ruled by its frame only, a name the OCR
#: garbled): its marks may be that trainee's.
TALL_ROW = 1.5


def _holds_another(label_box: tuple[int, int, int, int], shortest: int) -> bool:
    """Whether a trainee's row is tall enough for two beside the table's shortest row."""
    _, top, _, bottom = label_box
    return shortest > 0 and bottom - top > TALL_ROW * shortest


def _name_of(parts: Sequence[str]) -> str:
    """A trainee's name from its columns' texts ("NOM", "Prénom"), without the specks a
    scan reads as single letters or signs beside the print (an initial keeps its dot)."""
    kept = []
    for part in parts:
        words = [w.strip("|[]{}") for w in part.split()]
        words = [w for w in words if re.search(r"[^\W\d_]", w)]
        if any(len(w) > 1 for w in words):
            words = [w for w in words if len(w) > 1]  # a bare letter beside a name: a speck
        kept += words
    return " ".join(kept)


def _nameless(page: SheetPage, grid: Table) -> str:
    """Why a one-trainee page has no trainee: no name line, or one left unread."""
    if names_someone(page.words, grid.ys[0]):
        return NAME_UNREAD
    return "no trainee name above the table"


def _read_by_date(
    page: SheetPage,
    grid: Table,
    header: int,
    columns: list[Column],
    year: int | None,
    axes: header_roles.Plan | None = None,
) -> _GridRead:
    """One trainee's sheet: a row per date (or per half-day), the name above the table.

    Columns are "Matin" / "Après-midi" (a row per date), or "Demi-journée" naming the
    half-day and "Signature du stagiaire" (a row per half-day); the trainer's column is
    signed once a day when the rows are dates, and counts for both half-days.
    """
    people = axes.people if axes is not None else ()
    trainee = "" if people else trainee_name(page.words, grid.ys[0])
    if not trainee and not people and not page.exact:
        # A photo's page OCR may drop the small lines above the table ("Stagiaire : …"
        # under the title): the print above the table read again on its own.
        page = replace(page, words=(*page.words, *_new_above(page, grid)))
        trainee = trainee_name(page.words, grid.ys[0])
    title = text_lines(page.words, grid.ys[0])
    known = {d for line in title for d in find_dates(line, year)} | loose_dates(title)
    period = title_period(title, year)
    problems = [] if trainee or people else [_nameless(page, grid)]
    kinds = [_column_kind(c) for c in columns] if axes is None else _kinds_of(axes, len(columns))
    at_half = axes.half if axes is not None else None
    # Rows name their half-day by a half-day column, or by an hours column whose cells
    # say "Matin" or "9h00 - 12h30".
    halved = at_half is not None or "half-day" in kinds or "hours" in kinds
    doubted = _second_signatures(columns, kinds, halved)
    kinds = ["trainer" if col in doubted else kind for col, kind in enumerate(kinds)]
    at_date = axes.date if axes is not None and axes.date is not None else 0
    # Trainees as columns with no date column: the day is the title's ("Date : 30/07").
    titled = axes is not None and bool(axes.people) and axes.date is None
    the_day = title_date(page.words, grid.ys[0], year) if titled else None
    # The first column (the rows' label) may name the half-day or print its hours.
    at_hours = axes is not None and axes.roles[0].kind == header_roles.HOURS
    cells: list[CellRead] = []
    trainer: list[CellRead] = []
    above: tuple[date | None, str | None] = (None, None)  # the row above's date, half-day

    def dated_within(text: str) -> bool:
        # A date outside the title's period, that no listed day fits, is a misread: the
        # cell is read again ("23/09/2028" snaps to the listed 23/09/2025 and stands).
        return any(snapped_date(text, d, known, period) for d in cell_dates(text, year))

    labelled: list[_RowLabel] = []
    weekdays: list[set[int]] = []  # the weekday an undated row's date cell names
    doubled: set[int] = set()  # rows whose date cell holds two days: two rows as one
    for row in range(header, len(grid.ys) - 1):
        text = (
            ""
            if titled
            else header_cell_text(page, grid.cell(row, at_date), lambda t: dated_within(t))
        )
        dates = cell_dates(text, year)
        snapped = snapped_date(text, dates[0] if dates else None, known, period)
        if snapped and year and snapped.year != year and abs(snapped.year - year) > 1:
            # One digit of the year misread ("2036"): the page's year.
            with contextlib.suppress(ValueError):
                snapped = snapped.replace(year=year)
        # A date its printed weekday belies ("lundi 13" for the 12th) is a misread.
        dates = [snapped] if snapped else [d for d in dates if not weekday_disagrees(text, d)]
        day = the_day if titled else dates[0] if dates else None
        named = [
            half_day_of(header_cell_text(page, grid.cell(row, col), half_day_of))
            for col, kind in enumerate(["half-day" if at_half == 0 else "other", *kinds])
            if kind == "half-day"
        ]
        # The row's hours ("9h00 - 12h30") tell its half-day too: they stand in for an
        # unread half-day name, and a disagreement is for a person.
        timed = [
            half_day_of(header_cell_text(page, grid.cell(row, col), half_day_of))
            for col, kind in enumerate(["hours" if at_hours else "other", *kinds])
            if kind == "hours"
        ]
        row_half = named[0] if named else None
        hours_half = timed[0] if timed else None
        torn = bool(row_half and hours_half and row_half != hours_half)
        # A date cell may name the half-day too ("Mar. 03/03 - matin", "Lundi 9h-12h30").
        row_half = row_half or hours_half or half_day_of(text)
        other = above[1] not in (None, row_half) or above[1] is None and row_half == APRES_MIDI
        if day is None and not re.search(r"\w\w", text) and above[0] and other:
            # The date printed once a day: a blank date cell under the day's other half
            # (an afternoon's under a dated row whose half-day went unread: its morning);
            # a scan's speck read as a sign or a letter ("j") leaves it blank.
            day = above[0]
        above = (day, row_half)
        labelled.append((row, day, row_half, torn))
        if names_two_days(text, year):
            doubled.add(row)
        weekdays.append(weekdays_named(text) if day is None else set())
    labelled = _by_weekday(labelled, weekdays)
    problems += [f"row {row}: no date read" for row, day, _, _ in labelled if day is None]
    halves = [c.half_day for c, k in zip(columns, kinds, strict=True) if k == "trainee"]
    merged = _merged_people(grid, header, kinds)
    for row, day, row_half, torn in _halves_paired(labelled):
        for col, (column, kind) in enumerate(zip(columns, kinds, strict=True), start=1):
            if kind in ("trainee", "person"):
                # A trainee's column (headed by the name) takes the row's half-day.
                half = row_half if kind == "person" else column.half_day or row_half
                at = Column(day, half, column.hours, column.label, column.sure)
                who = _person_label(column.label) if kind == "person" else trainee
                read = _judged(page, grid.cell(row, col), at, who)
                if torn and not column.half_day or col in merged or row in doubled:
                    read = replace(read, confidence=min(read.confidence, UNPLACED))
                cells.append(read)
            elif kind == "trainer":
                each = [row_half] if row_half or None in halves else halves
                # Signed once a day for both halves: placed, not a half-day in doubt.
                at = Column(day, each[0] if each else row_half, None, "")
                read = _judged(page, grid.cell(row, col), at, "")
                if col - 1 in doubted or row in doubled:
                    read = replace(read, confidence=min(read.confidence, UNPLACED))
                trainer.extend(CellRead(day, h, *_after_when(read)) for h in each)
    one = None if people else trainee
    return _out_of_order(cells), _out_of_order(trainer), columns, tuple(problems), one


_RowLabel = tuple[int, date | None, str | None, bool]  # row, date, half-day, torn


def _halves_undated(columns: Sequence[Column]) -> bool:
    """Whether columns name half-days (or hours) and none a date."""
    return all(c.date is None for c in columns) and any(c.half_day for c in columns)


def _title_read_again(
    page: SheetPage, grid: Table, header: int, columns: list[Column]
) -> tuple[SheetPage, list[Column]]:
    """The page with the print above the table read again on its own, and the columns
    read under it, when that gives them a date; else both as they were."""
    more = _new_above(page, grid)
    if not more:
        return page, columns
    again = replace(page, words=(*page.words, *more))
    read = read_columns(again, grid, header, year_hint(again.words))
    if all(c.date is None for c in read):
        return page, columns
    return again, read


def _by_weekday(labelled: Sequence[_RowLabel], weekdays: Sequence[set[int]]) -> list[_RowLabel]:
    """Rows whose date went unread (a signature run over its day's number, "vendredi ~
    octobre 2026") dated by the one weekday they name, when one day only, from the dated
    row above to the one below (both counted: a row may be the same day's other half),
    falls on it."""
    out = list(labelled)
    for k, (row, day, half, torn) in enumerate(labelled):
        if day is not None or len(weekdays[k]) != 1:
            continue
        before = [d for _, d, _, _ in labelled[:k] if d is not None]
        after = [d for _, d, _, _ in labelled[k + 1 :] if d is not None]
        if not before or not after or before[-1] >= after[0]:
            continue
        start, end = before[-1], after[0]
        (weekday,) = weekdays[k]
        fits = [
            start + timedelta(days=n)
            for n in range((end - start).days + 1)
            if (start + timedelta(days=n)).weekday() == weekday
        ]
        if len(fits) == 1:
            out[k] = (row, fits[0], half, torn)
    return out


def _second_signatures(columns: Sequence[Column], kinds: Sequence[str], halved: bool) -> set[int]:
    """On one trainee's sheet whose rows each name a half-day, the signature columns
    after the first that name no half-day of their own (positions in ``columns``): the
    trainee signs a half-day once, so a second column to sign in is someone else's - the
    trainer's, whose title the OCR garbled ("Signature de ee Ête)") - and held for a
    person, never a second reading of the trainee's half-day."""
    if not halved:
        return set()
    signing = [
        col
        for col, (column, kind) in enumerate(zip(columns, kinds, strict=True))
        if kind == "trainee" and not column.half_day
    ]
    return set(signing[1:])


def _new_above(page: SheetPage, grid: Table) -> list[Word]:
    """The words of the print above the table, across the page, read on their own, that
    the page OCR did not read, in the page's pixels."""
    box = (0, 0, page.gray.shape[1], grid.ys[0])
    crop = clean_crop(page, box)
    if crop is None:
        return []
    pad = page.dpi // 10  # the white border clean_crop adds
    moved = [
        replace(w, box=(w.box[0] - pad, w.box[1] - pad, w.box[2] - pad, w.box[3] - pad))
        for w in page.engine.recognise(crop, page.dpi).words
    ]
    return [w for w in moved if w.text.strip() and not words_in(page.words, w.box)]


#: A trainee's column this much wider than the narrowest holds a second trainee whose
#: boundary and title went unread: its marks may be the neighbour's.
MERGED_WIDTH = 1.7


def _merged_marks(grid: Table, marks: Sequence[int]) -> set[int]:
    """The half-days' columns (numbered as the grid's) too wide for one beside the others:
    a sheet draws them alike, so one twice as wide holds a neighbour whose title and
    boundary went unread (an unruled "9h-12h30" under a day's date), and the marks of
    both."""
    widths = {col: grid.xs[col + 1] - grid.xs[col] for col in marks}
    if len(widths) < 2:
        return set()
    narrowest = min(widths.values())
    return {col for col, width in widths.items() if width > MERGED_WIDTH * narrowest}


def _capped(read: CellRead, col: int, merged: set[int]) -> CellRead:
    """A cell under a column that holds two (:func:`_merged_marks`), for a person."""
    if col not in merged:
        return read
    return replace(read, confidence=min(read.confidence, UNPLACED))


def _merged_people(grid: Table, header: int, kinds: Sequence[str]) -> set[int]:
    """The trainees' columns (numbered as the grid's, the row labels' first) too wide
    for one trainee beside the others: a sheet draws its trainees' columns alike."""
    widths: dict[int, int] = {}
    for col, kind in enumerate(kinds, start=1):
        if kind == "person" and header < len(grid.ys) - 1:
            left, _, right, _ = grid.cell(header, col)
            widths[col] = right - left
    if len(widths) < 2:
        return set()
    narrowest = min(widths.values())
    return {col for col, width in widths.items() if width > MERGED_WIDTH * narrowest}


def _halves_paired(rows: list[_RowLabel]) -> list[_RowLabel]:
    """Half-days left unread, from the day's other row: a day has a morning and an
    afternoon, in that order, so of a date's two rows the unread one is the half-day the
    other is not (a blurred "9h-12h30" over a read "13h30-17h")."""
    done = list(rows)
    for i in range(len(rows) - 1):
        (_, day, half, _), (_, after, half_after, _) = rows[i], rows[i + 1]
        same = day is not None and day == after
        alone = (i == 0 or rows[i - 1][1] != day) and (i + 2 == len(rows) or rows[i + 2][1] != day)
        if not same or not alone or (half is None) == (half_after is None):
            continue
        if half is None and half_after == APRES_MIDI:
            done[i] = (rows[i][0], day, MATIN, rows[i][3])
        elif half_after is None and half == MATIN:
            done[i + 1] = (rows[i + 1][0], after, APRES_MIDI, rows[i + 1][3])
    return done


def _person_label(label: str) -> str:
    """A trainee's name as a column header (header rows joined by " | "), without the
    specks a scan reads as signs (":", "=")."""
    # A hyphen the OCR spaced from its word ("SAINT -MARTIN") joins it again.
    joined = re.sub(r"(?<=\w) -(?=\w)|(?<=\w)- (?=\w)", "-", label.replace("|", " "))
    return " ".join(w for w in joined.split() if re.search(r"[^\W\d_]", w))


def _out_of_order(cells: list[CellRead]) -> list[CellRead]:
    """Rows run in date order: a cell whose date breaks the order with a neighbour's
    (a misread "10" → "18" is still a date of the training) is for a person to check."""
    days = [c.date for c in cells]
    checked = []
    for i, cell in enumerate(cells):
        # The nearest other dates before and after (a date's rows run on: both half-days).
        before = [d for d in days[:i] if d and d != cell.date][-1:]
        after = [d for d in days[i + 1 :] if d and d != cell.date][:1]
        if cell.date and (before and before[0] > cell.date or after and after[0] < cell.date):
            cell = replace(cell, confidence=min(cell.confidence, UNPLACED))
        checked.append(cell)
    return checked


def _after_when(read: CellRead) -> tuple[str, str, float, float, tuple[int, int, int, int]]:
    """A cell's fields after its date and half-day."""
    return read.person, read.mark, read.confidence, read.ink, read.box


def _kinds_of(axes: header_roles.Plan, count: int) -> list[str]:
    """``_column_kind`` of columns 1..count from the header's roles."""
    kinds = []
    for col in range(1, count + 1):
        if col in axes.marks:
            kinds.append("trainee")
        elif col in axes.people:
            kinds.append("person")
        elif axes.roles[col].kind == header_roles.HOURS:
            kinds.append("hours")
        elif col in axes.trainer:
            kinds.append("trainer")
        elif col == axes.half:
            kinds.append("half-day")
        else:
            kinds.append("other")
    return kinds


def _column_kind(column: Column) -> str:
    """trainee (a signature per half-day) | trainer | half-day (names it) | other."""
    label = fold(column.label)
    if "stagiaire" in label or column.half_day and not is_trainer_label(label):
        return "trainee"
    if is_trainer_label(label):
        return "trainer"
    if re.search(r"demi\s*-?\s*journee|creneau|seance", label):
        return "half-day"
    return "other"


def _page_name(page: SheetPage, box: tuple[int, int, int, int]) -> tuple[str, float]:
    """``_name_read``, taking the page OCR's words when it read them all surely (a
    printed name in a clean cell), which spares reading the cell again, or when the cell
    read on its own is no surer than they are (a photo's small crop read "b" for the
    "Ibrahim" the page gave)."""
    words = [w for w in words_in(page.words, inset(box, 2)) if any(c.isalpha() for c in w.text)]
    if words and min(w.confidence for w in words) >= 0.9:
        return text_of(words), _name_confidence(words)
    again, sure = _name_read(page, box)
    if words and _name_confidence(words) > sure:
        return text_of(words), _name_confidence(words)
    return again, sure


def _name_read(page: SheetPage, box: tuple[int, int, int, int]) -> tuple[str, float]:
    """The name in a row's cell, read on its own (page OCR drops words in tables; a name
    written by hand has no text layer), and the OCR's mean confidence in it (1 for a
    text layer)."""
    if page.exact:
        words = words_in(page.words, box)
        printed = text_of(words)
        # Ink and no print: the trainee wrote the name by hand.
        if printed and not _numbered_only(words):
            return printed, 1.0
        if words:
            # A row number printed and no name: the name may be written by hand beside it
            # (the number's column joined with the names' when no rule parts them).
            box = (max(w.box[2] for w in words) + max(2, page.dpi // 50), *box[1:])
            if box[0] >= box[2]:
                return printed, 1.0
        written, sure = handwritten_text(page, box)
        # The same name printed elsewhere on the page is surer than handwriting read.
        listed = printed_name(written, page.words)
        return (listed, 1.0) if listed else (written, sure)
    inner = inset(box, max(2, page.dpi // 50))
    best: list[Word] = []
    # Page mode first; on a photo it finds no text in a small crop, which the one-line
    # mode (PSM 7) reads.
    for crisp, line in ((False, False), (True, False), (False, True), (True, True)):
        crop = clean_crop(page, inner, crisp)
        if crop is None:
            return "", 0.0
        read = page.engine.recognise_line if line else page.engine.recognise
        words = [w for w in read(crop, page.dpi).words if any(c.isalpha() for c in w.text)]
        if not _name_like(words):
            continue  # a lone letter ("b" of "Ibrahim"): what a small crop's read keeps
        if _name_confidence(words) > _name_confidence(best):
            best = words
        if _name_confidence(best) >= 0.85:
            break  # a clean read: the second one would only cost time
    # Low-confidence words are kept: a name half read still matches the invoice's fuzzily.
    return text_of(reading_order(best)), _name_confidence(best)


def _numbered_only(words: Sequence[Word]) -> bool:
    """Print of a row number alone ("12", "3."), no letter: no name."""
    return all(re.fullmatch(r"[\dIlO]{0,3}\d[.)°]?", w.text.strip()) for w in words)


def _name_confidence(words: Sequence[Word]) -> float:
    """The OCR's mean confidence in a name's words, a word mixing digits and letters
    counted as unread: no name holds one ("7né" for "Zoé" is a misread, however sure)."""
    if not words:
        return 0.0
    mixed = [bool(re.search(r"\d", w.text) and re.search(r"[^\W\d_]", w.text)) for w in words]
    return sum(0.0 if m else w.confidence for w, m in zip(words, mixed, strict=True)) / len(words)


def _name_like(words: Sequence[Word]) -> bool:
    """Whether a cell's read can be (part of) a name: two letters or more, or an initial
    with its dot ("J.")."""
    text = text_of(words)
    return sum(c.isalpha() for c in text) >= 2 or bool(re.fullmatch(r"\W*[^\W\d_]\.\W*", text))
