"""Trainees' names on scans and photos: which columns hold them, how their parts are
joined, and names the page OCR read in part or garbled, read again or left in doubt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pytest
from PIL import Image

from pipeline.ocr import OcrResult, Word
from pipeline.reading import attendance, cells, header, sheet_columns, sheet_grid, tables
from pipeline.reading.sheet_results import Column


class _ReadsAs:
    """An OCR engine that reads every crop as the same words (what a cell read on its own
    gives), or as ``short`` from a crop under ``tall`` pixels (print cut at a rule)."""

    def __init__(self, words: Sequence[tuple[str, float]], short: str = "", tall: int = 0) -> None:
        self.words, self.short, self.tall = words, short, tall

    def _read(self, image: Image.Image) -> OcrResult:
        if image.height < self.tall:
            return OcrResult(self.short, 0.3, (Word(self.short, 0.3, (0, 0, 10, 10)),))
        found = tuple(
            Word(t, c, (20 + 90 * i, 20, 100 + 90 * i, 44)) for i, (t, c) in enumerate(self.words)
        )
        mean = sum(c for _, c in self.words) / len(self.words) if self.words else 0.0
        return OcrResult(" ".join(t for t, _ in self.words), mean, found)

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        return self._read(image)

    def recognise_line(self, image: Image.Image, dpi: int) -> OcrResult:
        return self._read(image)


def _page(
    words: list[Word], engine: object, unruled: Sequence[tuple[int, int, int]] = ()
) -> cells.SheetPage:
    """A 200 dpi photo's page (no text layer) ruled along the grid of :data:`_XS` x
    :data:`_YS`, but for the (y, x0, x1) spans in ``unruled``."""
    gray = np.full((700, 1300), 255, np.uint8)
    lines = np.zeros_like(gray)
    for x in _XS:
        lines[_YS[0] : _YS[-1], x - 1 : x + 2] = 255
    for y in _YS:
        lines[y - 1 : y + 2, _XS[0] : _XS[-1]] = 255
    for y, x0, x1 in unruled:
        lines[y - 1 : y + 2, x0 + 2 : x1 - 1] = 0
    return cells.SheetPage(gray, 200, np.zeros_like(gray), lines, tuple(words), engine)  # type: ignore[arg-type]


_XS = (100, 400, 650, 900, 1150)
_YS = (100, 160, 220, 300, 380, 460)
_GRID = tables.Table(_XS, _YS, tuple((True,) * 3 for _ in range(5)))


def _word(text: str, left: int, top: int, confidence: float = 0.95) -> Word:
    return Word(text, confidence, (left, top, left + 14 * len(text), top + 22))


def test_a_first_header_cell_the_page_ocr_garbled_is_read_again_so_both_header_rows_count() -> None:
    # "Nom de famille" printed across the cut of two header rows (no rule between them in
    # the first column), a date over Matin / Après-midi beside it: the page OCR of a photo
    # made "en den" of it, which names no column. Read whole, it is a title.
    words = [
        _word("en", 150, 135, 0.7),
        _word("den", 200, 135, 0.7),
        _word("Mardi", 700, 115),
        _word("14/04/2026", 800, 115),
        _word("Matin", 700, 175),
        _word("Après-midi", 950, 175),
        _word("DUVAL", 120, 240),
        _word("Inès", 420, 240),
    ]
    engine = _ReadsAs([("Nom", 0.9), ("de", 0.9), ("famille", 0.9)], short="Gén Le", tall=100)
    page = _page(words, engine, unruled=[(160, 100, 400), (160, 400, 650)])
    assert sheet_columns.header_count(page, _GRID) == 2


def test_a_garbled_first_cell_over_a_row_of_names_is_no_header() -> None:
    # A trainee's row under the header: no date nor half-day beside its first cell, so
    # nothing is read again and the row stays a trainee's.
    words = [_word("en", 150, 115, 0.7), _word("den", 200, 115, 0.7), _word("Inès", 420, 115)]
    engine = _ReadsAs([("Nom", 0.9), ("de", 0.9), ("famille", 0.9)])
    assert sheet_columns.header_count(_page(words, engine), _GRID) == 0


class _Counting(_ReadsAs):
    """:class:`_ReadsAs` that counts the crops it is asked to read."""

    def __init__(self, words: Sequence[tuple[str, float]]) -> None:
        super().__init__(words)
        self.reads = 0

    def _read(self, image: Image.Image) -> OcrResult:
        self.reads += 1
        return super()._read(image)


def test_a_trainees_row_ruled_apart_under_the_header_ends_it_without_its_cells_read_again() -> None:
    # A date over Matin / Après-midi, then DUVAL's row (ruled apart, a name in its first
    # cell) whose signatures the page OCR read as nothing: whatever a read of its cells
    # would say ("Matin" here), the row is a trainee's, and no crop of it is read.
    words = [
        _word("Nom", 120, 115),
        _word("Mardi", 700, 115),
        _word("14/04/2026", 800, 115),
        _word("Prénom", 120, 175),
        _word("Matin", 700, 175),
        _word("Après-midi", 950, 175),
        _word("DUVAL", 120, 240),
    ]
    engine = _Counting([("Matin", 0.9)])
    assert sheet_columns.header_count(_page(words, engine), _GRID) == 2
    assert engine.reads == 0


def test_a_column_headed_like_a_row_number_whose_cells_are_words_holds_the_last_names() -> None:
    # "Nom" of a photo read as "N": rows are not numbered in letters.
    labels = ["n", "Prénom", "03/08/2026 Matin", "03/08/2026 Après-midi"]
    body = [["DUVAL", "LE GOFF", "", "NGUYEN"], ["Inès", "Théo", "Anaïs", "Paul"], [], []]
    lettered = [i for i, column in enumerate(body) if sheet_grid._words_of_letters(column)]
    axes = header.plan(labels, 2026, lettered=lettered)
    assert axes is not None and axes.rows == "trainees"
    assert axes.names == (0, 1) and axes.number is None


@pytest.mark.parametrize(
    "column",
    [
        ["1", "2", "3", "4"],  # row numbers
        ["1", "Z", "3", "4"],  # one misread as a letter
        ["", "", "", "DUVAL"],  # one word is not a column of names
    ],
)
def test_a_column_of_row_numbers_keeps_its_role(column: list[str]) -> None:
    labels = ["N°", "Nom et prénom", "Matin", "Après-midi"]
    lettered = [0] if sheet_grid._words_of_letters(column) else []
    axes = header.plan(labels, 2026, lettered=lettered)
    assert axes is not None and axes.number == 0 and axes.names == (1,)


def _people_page(header_words: list[Word], engine: object) -> tuple[cells.SheetPage, Column]:
    page = _page(header_words, engine)
    label = " ".join(w.text for w in header_words)
    return page, Column(None, None, None, label)


def test_a_trainee_s_column_name_the_page_ocr_read_unsurely_is_read_again() -> None:
    # A name wrapped on two lines: the page OCR made "sors" (0.33) of its first line.
    words = [_word("sors", 420, 110, 0.33), _word("erre-Louis", 420, 135, 0.92)]
    engine = _ReadsAs([("CASTAGNÉ", 0.91), ("Pierre-Louis", 0.93)])
    page, column = _people_page(words, engine)
    again = sheet_grid._person_read_again(page, _GRID, 1, 1, column)
    assert again.label == "CASTAGNÉ Pierre-Louis" and again.sure


def test_a_trainee_s_column_name_still_unsure_once_read_again_leaves_its_cells_to_a_person() -> (
    None
):
    words = [_word("SAINT", 420, 110, 0.05), _word("MARTIN", 500, 110, 0.02)]
    engine = _ReadsAs([("PTT", 0.3), ("ms", 0.2)])
    page, column = _people_page(words, engine)
    again = sheet_grid._person_read_again(page, _GRID, 1, 1, column)
    assert not again.sure


def test_a_trainee_s_column_name_read_surely_is_not_read_again() -> None:
    words = [_word("PÉRIER", 420, 110), _word("Solène", 520, 110)]
    page, column = _people_page(words, _ReadsAs([("junk", 0.99), ("read", 0.99)]))
    assert sheet_grid._person_read_again(page, _GRID, 1, 1, column) == column


def test_a_hyphen_the_ocr_spaced_from_its_word_keeps_a_compound_name_whole() -> None:
    assert header.reads_as_name("SAINT -MARTIN | Jérôme")
    assert sheet_grid._person_label("SAINT -MARTIN | Jérôme") == "SAINT-MARTIN Jérôme"
    # A dash between spaces stays a separator.
    assert sheet_grid._person_label("DUVAL - Inès") == "DUVAL Inès"


def test_a_name_read_with_digits_among_its_letters_is_not_taken_over_the_page_s_clean_read() -> (
    None
):
    # The page OCR read "DELMAS Zoé" (0.91, 0.84); the cell read on its own, "DFIMAS 7né":
    # no name holds a digit, so that read is worth less than the page's.
    words = [_word("DELMAS", 120, 240, 0.91), _word("Zoé", 230, 240, 0.84)]
    page = _page(words, _ReadsAs([("DFIMAS", 0.9), ("7né", 0.9)]))
    name, sure = sheet_grid._page_name(page, _GRID.cell(2, 0))
    assert name == "DELMAS Zoé" and sure > 0.8


def test_signature_ink_the_ocr_made_letters_of_is_no_second_row_of_names() -> None:
    # Under a header of trainees' names, the first row of marks: "NUN" (0.4) read in a
    # signature is no first name printed under a last name.
    words = [_word("NUN", 700, 240, 0.4), _word("NV", 950, 240, 0.14)]
    page = _page(words, _ReadsAs([]))
    assert not sheet_grid._names_below(page, _GRID, 2)


def test_first_names_under_last_names_the_page_ocr_missed_are_read_cell_by_cell() -> None:
    # A photo's shaded header: NOM over Prénom, the row labels' cell spanning both rows,
    # and no word of the second row read by the page OCR.
    page = _page([], _ReadsAs([("Kévin", 0.9)]), unruled=[(160, 100, 400)])
    assert sheet_grid._names_below(page, _GRID, 1)
    # Ruled apart from the row above, a row the page read nothing of is left alone.
    assert not sheet_grid._names_below(_page([], _ReadsAs([("Kévin", 0.9)])), _GRID, 1)


def test_nom_de_famille_whose_nom_the_ocr_misread_still_heads_the_last_names() -> None:
    assert header.role_of("Non de famille").kind == header.LAST


def test_the_column_of_words_before_a_lone_prenom_column_holds_the_last_names() -> None:
    # "NOM" of a photo's shaded header unread ("[nes"): the column of words before
    # "Prénom" is its last names; a column of numbers there is not.
    labels = ["N°", "[nes", "Prénom", "Structure", "10/09/2025 Matin", "10/09/2025 Après-midi"]
    axes = header.plan(labels, 2025, lettered=[1, 2, 3])
    assert axes is not None and axes.names == (1, 2) and axes.number == 0
    assert axes.roles[1].kind == header.LAST
    unlettered = header.plan(labels, 2025, lettered=[2, 3])
    assert unlettered is not None and unlettered.names == (2,)


def test_first_names_read_unsurely_under_a_row_label_spanning_both_rows_are_the_header_s() -> None:
    # "Horaires" spans the NOM row and the Prénom row: the second row is the header's,
    # its first names read at 0.4 on a photo as they may be.
    words = [_word("Ibrahim", 420, 175, 0.4), _word("Laëtitia", 700, 175, 0.45)]
    page = _page(words, _ReadsAs([]), unruled=[(160, 100, 400)])
    assert sheet_grid._names_below(page, _GRID, 1)


def test_a_trainee_s_column_name_read_again_shorter_than_the_page_s_keeps_the_page_s() -> None:
    # A crop cut at a guessed border loses the name's second line ("DA SILVA" of "DA
    # SILVA Thuy"): the page's whole name stays, however sure the cut read.
    words = [
        _word("DA", 420, 110, 0.8),
        _word("SILVA", 470, 110, 0.8),
        _word("Thuy", 420, 135, 0.7),
    ]
    page, column = _people_page(words, _ReadsAs([("DA", 0.95), ("SILVA", 0.95)]))
    again = sheet_grid._person_read_again(page, _GRID, 1, 1, column)
    assert again.label == "DA SILVA Thuy" and again.sure


def _day_page(day: int, names: list[str]) -> attendance.SheetRead:
    """One page a day: each trainee's morning signed, a row each, top to bottom."""
    cells = tuple(
        attendance.CellRead(
            date(2026, 3, day), attendance.MATIN, name, "signed", 0.9, 0.08, (600, y, 900, y + 80)
        )
        for name, y in zip(names, range(400, 400 + 80 * len(names), 80), strict=True)
    )
    return attendance.SheetRead(cells, (), ())


def test_a_handwritten_name_read_a_letter_apart_on_one_day_s_page_is_one_trainee() -> None:
    # The same roster on four pages; one page lost the "J" of OULHAJ, another the
    # accent of Anaïs: each is the trainee the other pages name in that row.
    pages = [
        _day_page(9, ["OULHAJ Théo", "PAGÈS Anaïs", "TRAN Léa"]),
        _day_page(10, ["OULHA Théo", "PAGÈS Anaïs", "TRAN Léa"]),
        _day_page(11, ["OULHAJ Théo", "PAGÈS Anais", "TRAN Léa"]),
        _day_page(12, ["OULHAJ Théo", "PAGÈS Anaïs", "TRAN Lea"]),
    ]
    agreed = attendance._names_agreed(pages)
    assert {c.person for s in agreed for c in s.cells} == {"OULHAJ Théo", "PAGÈS Anaïs", "TRAN Léa"}


def test_names_in_the_same_row_two_letters_apart_are_two_trainees() -> None:
    # MARTIN Zoé and MARTINEZ Zoé are too far apart to be one reading of one name.
    pages = [
        _day_page(9, ["MARTIN Zoé", "BRUNEL Rémi"]),
        _day_page(10, ["MARTINEZ Zoé", "BRUNEL Rémy"]),
        _day_page(11, ["MARTIN Zoé", "BRUNEL Rémy"]),
    ]
    persons = [c.person for s in attendance._names_agreed(pages) for c in s.cells]
    assert persons.count("MARTINEZ Zoé") == 1 and persons.count("MARTIN Zoé") == 2


def test_pages_of_other_trainees_keep_a_name_a_letter_apart() -> None:
    # Three days, three groups: MARTIN Léo is not MARTIN Léa, whose group is another.
    pages = [
        _day_page(9, ["MARTIN Léa", "BRUNEL Rémy"]),
        _day_page(10, ["MARTIN Léo", "GARNIER Inès"]),
        _day_page(11, ["MARTIN Léa", "VIDAL Hugo"]),
    ]
    persons = [c.person for s in attendance._names_agreed(pages) for c in s.cells]
    assert persons.count("MARTIN Léo") == 1
