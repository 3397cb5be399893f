"""Attendance tables that are not fully ruled (rules between rows only, an outer frame, no
ruling), drawn by the random-layout generator with one structure fixed."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image

from pipeline import text as text_stage
from pipeline.ocr import OcrResult, OcrSettings, TesserocrEngine, Word
from pipeline.parse import same_person
from pipeline.reading import attendance, cells, sheet_columns, sheet_page, unruled
from pipeline.reading.page import views
from pipeline.reading.sheet_grid import read_grid
from pipeline.reading.sheet_results import Column
from pipeline.reading.tables import Rulings, Table, Unruled, tables_in
from pipeline.reading.unruled import header_titles
from pipeline.reading.words import reading_order, text_of
from samples.gen.layouts import Choices, draw_choices, draw_sheet
from tests.pipeline import sheet_layouts as layouts


@pytest.fixture(scope="module")
def engine() -> TesserocrEngine:
    return TesserocrEngine(OcrSettings())


def _sheet(seed: str, **fixed: Any) -> tuple[Choices, Any]:
    """A random sheet of the generator with some of its choices fixed."""
    rng = random.Random(seed)
    choices = replace(draw_choices(rng), **fixed)
    return choices, draw_sheet(rng, choices)


def _outcomes(doc: Any, sheets: list[attendance.SheetRead]) -> dict[str, int]:
    """Each expected cell: right (confident, right mark), wrong, review or unread."""
    cells = [c for s in sheets for c in s.cells]
    tally = {"right": 0, "wrong": 0, "review": 0, "unread": 0}
    for want in doc.sessions:
        day = date.fromisoformat(want["date"])
        here = [c for c in cells if c.date == day and c.half_day == want["half_day"]]
        scored = [(same_person(c.person, want["trainee"]), c) for c in here]
        best, got = max(scored, key=lambda sc: sc[0], default=(0.0, None))
        if got is None or best < 0.8:
            tally["unread"] += 1
        elif got.confidence < attendance.REVIEW_BELOW:
            tally["review"] += 1
        else:
            tally["right" if got.mark == want["mark"] else "wrong"] += 1
    return tally


_TRAINEE_ROWS = {
    "axis": "rows",
    "names": "joined",
    "hand_names": False,
    "date_at": "head",
    "halves": "hcols",
    "trainer": "trow",
    "long": False,
    "habit": "paper",
}


@pytest.mark.parametrize(
    ("seed", "ruling", "head_rows"),
    [("rows-only", "horizontal", 1), ("rows-only", "horizontal", 2), ("framed-2", "frame", 2)],
)
def test_a_table_ruled_between_rows_only_or_framed_is_read_whatever_its_dated_header(
    engine: TesserocrEngine, seed: str, ruling: str, head_rows: int
) -> None:
    # Column titles that print a date and hours ("Mer. 04/11/2026 9h00 - 12h30") say how
    # to read the table as well as "Matin" does; on two header rows the date stands over
    # its two half-days and heads both, without making a column of its own.
    # ("framed-2": a day's date over its two half-days, another's over its afternoon only.)
    _, doc = _sheet(seed, ruling=ruling, head_rows=head_rows, **_TRAINEE_ROWS)
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert _outcomes(doc, sheets) == {
        "right": len(doc.sessions),
        "wrong": 0,
        "review": 0,
        "unread": 0,
    }


def _word(text: str, left: int, top: int) -> Word:
    return Word(text, 0.95, (left, top, left + 12 * len(text), top + 24))


def test_a_date_over_two_half_day_titles_heads_both_and_a_long_name_only_its_own() -> None:
    band = [
        _word("Nom", 20, 40),
        _word("24/09/2025", 420, 10),
        _word("Matin", 300, 70),
        _word("Après-midi", 560, 70),
        # NOM over Prénom, the long name overflowing its narrow column to the right
        _word("DUBOIS-RÉAUX", 800, 10),
        _word("Loïc", 830, 70),
        _word("Lucie", 1000, 70),
    ]
    columns, spans = header_titles(band, 200)
    assert [[w.text for w in g] for g in spans] == [["24/09/2025"]]
    assert [" ".join(w.text for w in g) for g in columns] == [
        "Nom",
        "Matin",
        "Après-midi",
        "DUBOIS-RÉAUX Loïc",
        "Lucie",
    ]


def test_two_names_each_wrapped_are_two_titles_though_one_line_runs_close() -> None:
    # First names over last names; a long last name set smaller runs close to the next
    # (a word space apart), but the first names' line leaves a title's gap there.
    band = [
        Word("Dylan", 0.95, (826, 340, 895, 372)),
        Word("Yasmine", 0.95, (968, 340, 1073, 372)),
        Word("Saint-Martin", 0.95, (790, 371, 932, 388)),
        Word("Rouquette", 0.95, (953, 374, 1085, 395)),
    ]
    columns, _ = header_titles(band, 200)
    assert [text_of(reading_order(g)) for g in columns] == [
        "Dylan Saint-Martin",
        "Yasmine Rouquette",
    ]
    # A title wrapped on two lines whose words leave only word spaces stays one.
    wrapped = [_word("Signature", 300, 10), _word("du", 420, 10), _word("stagiaire", 320, 40)]
    assert len(header_titles(wrapped, 200)[0]) == 1


def test_hours_beside_a_neighbours_wrapped_hours_head_no_column_but_their_own() -> None:
    # Each day over its morning's hours on one line and its afternoon's wrapped on two
    # ("13h30" / "- 17h00"), centred on the morning's line: the afternoon's lower line
    # lies below the next morning's hours, which head nothing (they did, and the days'
    # columns slid one over).
    def at(text: str, left: int, top: int) -> Word:
        return Word(text, 0.95, (left, top, left + 13 * len(text), top + 17))

    band = [at("Nom", 40, 30)]
    for left, day in ((700, "Mercredi 16 décembre 2026"), (1100, "Lundi 21 décembre 2026")):
        band += [at(day, left, 0), at("9h00 - 12h30", left - 20, 62)]
        band += [at("13h30", left + 210, 48), at("- 17h00", left + 195, 76)]
    columns, spans = header_titles(band, 200)
    assert [text_of(reading_order(g)) for g in spans] == [
        "Mercredi 16 décembre 2026",
        "Lundi 21 décembre 2026",
    ]
    assert [text_of(reading_order(g)) for g in columns] == [
        "Nom",
        "9h00 - 12h30",
        "13h30 - 17h00",
        "9h00 - 12h30",
        "13h30 - 17h00",
    ]


def test_a_signature_reaching_up_level_with_a_framed_header_is_no_title_of_it() -> None:
    # One trainee's day in a frame: the trainer's signature in the first row, read as a
    # word as tall as three lines, starts level with the titles; taken into the header,
    # it carried the header down over both rows and no row was left to read.
    words = [_word("Dates", 40, 20), _word("Période", 300, 20)]
    words += [_word("Signature", 560, 22), _word("stagiaire", 680, 22)]
    words += [_word("Signature", 860, 22), _word("formateur", 980, 22)]
    words += [Word("alt", 0.4, (900, 18, 1090, 200))]
    words += [_word("Lundi", 40, 100), _word("10/08/2026", 110, 100), _word("Matin", 300, 100)]
    words += [_word("Après-midi", 300, 180)]
    found = unruled.unruled_table(words, 200, sheet_page._titled_header, (10, 5, 1150, 230))
    assert found is not None
    assert found.ys[1] < 100  # the header ends above the first row
    assert len(found.ys) - found.head == 3  # under it, two rows: morning, afternoon


def test_a_line_of_specks_alone_above_a_framed_table_is_passed_over() -> None:
    # A dot of dust above the table read as a lone "e" makes a line of its own: with its
    # speck left out it holds no word, and the header is looked for further down (it
    # stopped the sheet's read with an error).
    words = [_word("e", 600, 0)]
    words += [_word("Dates", 40, 60), _word("Période", 300, 60)]
    words += [_word("Signature", 560, 62), _word("stagiaire", 680, 62)]
    words += [_word("Lundi", 40, 140), _word("10/08/2026", 110, 140), _word("Matin", 300, 140)]
    words += [_word("Après-midi", 300, 220)]
    found = unruled.unruled_table(words, 200, sheet_page._titled_header, (10, 0, 1150, 270))
    assert found is not None
    assert found.ys[1] < 140  # the header is the titles' line, above the first row
    assert len(found.ys) - found.head == 3  # under it, two rows: morning, afternoon


def test_a_title_centred_beside_a_header_wrapped_on_two_lines_stays_a_title() -> None:
    # The page OCR boxes the names' title as tall as both lines of the days' titles
    # beside it: two lines of print high, it is a title still, not a signature.
    def at(text: str, left: int, top: int, high: int = 15) -> Word:
        return Word(text, 0.95, (left, top, left + 12 * len(text), top + high))

    words = [at("Bénéficiaire", 40, 0, 40), at("lundi 27/10", 500, 4), at("Matin", 500, 24)]
    words += [at("lundi 27/10", 800, 4), at("Après-midi", 800, 24)]
    for i, name in enumerate(("MARTIN Zoé", "BOUVIER Hervé", "TRAN Jérôme")):
        words += [at(name, 40, 90 + 60 * i, 20)]
    found = unruled.unruled_table(words, 200, sheet_page._titled_header, (10, -5, 1100, 280))
    assert found is not None
    assert len(found.xs) == 4  # Bénéficiaire, the morning, the afternoon
    assert found.ys[1] < 90


def test_names_the_trainees_wrote_by_hand_on_a_digital_sheet_are_read_from_the_picture(
    engine: TesserocrEngine,
) -> None:
    # No text layer under a handwritten name: the name cell's pixels are OCR'd.
    choices = {**_TRAINEE_ROWS, "hand_names": True, "names": "joined"}
    _, doc = _sheet("hand-names", ruling="full", head_rows=2, **choices)
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert not any(p.endswith("no name read") for s in sheets for p in s.problems)
    assert _outcomes(doc, sheets) == {
        "right": len(doc.sessions),
        "wrong": 0,
        "review": 0,
        "unread": 0,
    }


class _Unsure:
    """The real engine, unsure of everything it reads in a cell (poor handwriting)."""

    def __init__(self, engine: TesserocrEngine) -> None:
        self.engine = engine

    def _unsure(self, result: OcrResult) -> OcrResult:
        words = tuple(replace(w, confidence=0.3 * w.confidence) for w in result.words)
        return replace(result, confidence=0.3 * result.confidence, words=words)

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        return self._unsure(self.engine.recognise(image, dpi))

    def recognise_line(self, image: Image.Image, dpi: int) -> OcrResult:
        return self._unsure(self.engine.recognise_line(image, dpi))


def test_a_handwritten_name_read_unsurely_leaves_its_row_for_a_person_not_to_a_guess(
    engine: TesserocrEngine,
) -> None:
    choices = {**_TRAINEE_ROWS, "hand_names": True, "names": "joined"}
    _, doc = _sheet("hand-names", ruling="full", head_rows=2, **choices)
    settings = OcrSettings()
    pages = views(doc.pdf, text_stage.read_pages(doc.pdf, engine, settings), settings)
    sheets = attendance.read_views(pages, _Unsure(engine))  # type: ignore[arg-type]
    tally = _outcomes(doc, sheets)
    assert tally["review"] == len(doc.sessions)


def test_a_company_column_beside_the_names_gives_no_cells_of_marks(
    engine: TesserocrEngine,
) -> None:
    # Names in the first column, then "Entreprise", then the half-days: the company's
    # print is no signature, and no cell is read for it.
    fixed = {**_TRAINEE_ROWS, "date_at": "title", "company": "company", "number": False}
    _, doc = _sheet("company", ruling="full", **fixed)
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert len([c for s in sheets for c in s.cells]) == len(doc.sessions)
    assert _outcomes(doc, sheets)["right"] == len(doc.sessions)


def test_a_title_the_page_ocr_missed_in_a_shaded_header_ruled_by_rows_is_read_again() -> None:
    # Rules between rows only; the page OCR read three titles of the grey header band,
    # not "Formateur": the band is read again, and the trainer's column is found.
    titles = [("Date", 150), ("Créneau", 450), ("Signature", 850), ("Formateur", 1250)]
    gray = np.full((800, 1600), 255, np.uint8)
    ink, horiz = np.zeros_like(gray), np.zeros_like(gray)
    for y in (300, 360, 460, 560):
        horiz[y : y + 3, 100:1500] = 255
    for _, x in titles:
        ink[320:344, x : x + 80] = 255
    ink |= horiz
    words = [_word(text, x, 320) for text, x in titles[:3]]
    words += [_word("03/03/2026", 150, 400), _word("Matin", 450, 400)]
    words += [_word("Après-midi", 450, 500)]
    pad = 200 // 10  # the white border round a crop
    engine = layouts.HeaderLineEngine(titles, (100 - pad, 300 - pad))
    ruled = Rulings(gray, ink, horiz, np.zeros_like(gray))
    page = sheet_page.page_of(ruled, 200, engine, words, exact=False)  # type: ignore[arg-type]
    table = sheet_page._rows_only_table(page, ruled)
    assert table is not None
    assert len(table.xs) == 5  # Date, Créneau, Signature, Formateur


def _framed_header(
    titles: list[tuple[str, int]], height: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A page with a table framed only (300-703 high, 100-1500 wide), its titles inked."""
    gray = np.full((height, 1600), 255, np.uint8)
    ink, horiz, vert = np.zeros_like(gray), np.zeros_like(gray), np.zeros_like(gray)
    horiz[300:303, 100:1500] = horiz[700:703, 100:1500] = 255
    vert[300:703, 100:103] = vert[300:703, 1497:1500] = 255
    for _, x in titles:
        ink[320:344, x : x + 80] = 255
    return gray, ink, horiz, vert


def test_a_framed_table_s_title_the_page_ocr_missed_is_read_again_for_its_column() -> None:
    # The page OCR read "Nom", "Prénom" and "Après-midi" of the framed header, not
    # "Matinée": without its title the morning's marks would pass for part of the names.
    titles = [("Nom", 150), ("Prénom", 400), ("Matinée", 750), ("Après-midi", 1150)]
    gray, ink, horiz, vert = _framed_header(titles, 800)
    words = [_word(text, x, 320) for text, x in titles if text != "Matinée"]
    for top, (last, first) in zip(
        (400, 480, 560), [("DURAND", "Léa"), ("MOREL", "Yves"), ("ROY", "Inès")], strict=True
    ):
        words += [_word(last, 150, top), _word(first, 400, top), _word("Signé", 720, top)]
        words += [_word("Signé", 1150, top)]
        ink[top : top + 24, 150:230] = ink[top : top + 24, 720:800] = 255
    ink |= horiz | vert
    pad = 200 // 10  # the white border round a crop
    engine = layouts.HeaderLineEngine(titles, (100 - pad, 300 - pad))
    ruled = Rulings(gray, ink, horiz, vert)
    page = sheet_page.page_of(ruled, 200, engine, words, exact=False)  # type: ignore[arg-type]
    frame = Table((100, 1500), (300, 703), ((),))
    table = sheet_page._unruled(page, [frame])
    assert table is not None
    assert len(table.xs) == 5  # Nom, Prénom, Matinée, Après-midi


def test_close_titles_of_neighbouring_columns_are_cut_at_a_gap_down_both_lines() -> None:
    # Each day's title wraps on two lines and stands a word space or so from the next:
    # grouped by gaps, two titles run together; the gap running down both lines parts them.
    def at(text: str, left: int, top: int) -> Word:
        return Word(text, 0.95, (left, top, left + 11 * len(text), top + 24))

    band = [at("Participant", 40, 10)]
    for left, day in ((500, "Lun. 15/12/2025"), (700, "Mar. 16/12/2025")):
        band += [at(day, left, 10), at("Après-midi", left, 40), at("14h-17h", left + 121, 40)]
    columns, _ = header_titles(band, 200)
    assert [" ".join(w.text for w in reading_order(g)) for g in columns] == [
        "Participant",
        "Lun. 15/12/2025 Après-midi 14h-17h",
        "Mar. 16/12/2025 Après-midi 14h-17h",
    ]


def test_days_printed_close_without_their_year_over_half_days_are_no_title_over_both() -> None:
    # The first lines of two neighbouring titles run together ("Mardi 25 novembre" beside
    # "Mercredi 26 novembre", the year left to the page's title) and stand over the gap
    # between the lines below: two days, not one title heading both columns.
    band = [_word("Nom", 20, 40)]
    for left, day in ((500, "Mardi 25 novembre"), (720, "Mercredi 26 nov.")):
        band += [_word(day, left, 10), _word("Matin 9h-12h", left, 40)]
    columns, spans = header_titles(band, 200)
    assert spans == []
    assert [" ".join(w.text for w in reading_order(g)) for g in columns] == [
        "Nom",
        "Mardi 25 novembre Matin 9h-12h",
        "Mercredi 26 nov. Matin 9h-12h",
    ]


def test_a_one_line_title_naming_both_half_days_is_not_cut_at_a_word_space() -> None:
    band = [_word("Nom", 20, 10), _word("Matin", 400, 10), _word("Après-midi", 476, 10)]
    columns, _ = header_titles(band, 200)
    assert [" ".join(w.text for w in g) for g in columns] == ["Nom", "Matin Après-midi"]


class _LineOnlyEngine:
    """Tesseract's line mode: the titles from a crop about a line high, nothing from a
    taller one (a crop running down into the table's body)."""

    def __init__(self, titles: list[tuple[str, int]], shift: tuple[int, int]) -> None:
        self.header = layouts.HeaderLineEngine(titles, shift)

    def recognise_line(self, image: Image.Image, dpi: int) -> OcrResult:
        if image.height > 2 * 24 + 2 * (dpi // 10) + 20:
            return OcrResult("", 0.0)
        return self.header.recognise_line(image, dpi)


def test_a_grey_header_fill_s_faint_edge_does_not_run_the_header_line_into_the_body() -> None:
    # A photo's grey header fill, thresholded, leaves a few specks per row along its
    # lower edge and down into the body: the header's line of print ends at its own ink.
    titles = [("Nom", 150), ("Prénom", 400), ("Matin", 750), ("Après-midi", 1150)]
    gray, ink, horiz, vert = _framed_header(titles, 900)
    ink[348:700, 300:306] = 255  # the fill's ragged edge, then a stray line of specks
    for top in (400, 480, 560):
        ink[top : top + 24, 150:400] = ink[top : top + 24, 720:900] = 255
    ink |= horiz | vert
    pad = 200 // 10  # the white border round a crop
    engine = _LineOnlyEngine(titles, (100 - pad, 300 - pad))
    page = sheet_page.page_of(Rulings(gray, ink, horiz, vert), 200, engine, [], exact=False)  # type: ignore[arg-type]
    band = sheet_page._band_words(page, (100, 300, 1500, 703))
    assert [w.text for w in band] == [t for t, _ in titles]


class _BandEngine:
    """An OCR engine reading a crop of a header band: in line mode its top line only (as
    Tesseract does with a band of several lines), as a block every word; ``shift``: the
    crop's origin in the page."""

    def __init__(self, top: list[Word], rest: list[Word], shift: tuple[int, int]) -> None:
        self.top, self.rest, self.shift = top, rest, shift

    def _read(self, words: list[Word]) -> OcrResult:
        dx, dy = self.shift
        moved = tuple(
            replace(w, box=(w.box[0] - dx, w.box[1] - dy, w.box[2] - dx, w.box[3] - dy))
            for w in words
        )
        return OcrResult(" ".join(w.text for w in words), 0.9, moved)

    def recognise_line(self, image: Image.Image, dpi: int) -> OcrResult:
        return self._read(self.top)

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        return self._read(self.top + self.rest)


def test_a_framed_header_of_two_lines_the_page_ocr_half_missed_is_read_again_as_a_block() -> None:
    # Trainees as columns, NOM over Prénom, "Période" centred across both lines in the
    # first column: the page OCR missed "Période" (a grey fill), and a one-line reading of
    # the band gives the top line only. Read as a block, the header says how to read the
    # table (half-days down the first column, a trainee per column).
    names = [("DURAND", "Léa", 500), ("MOREL", "Yves", 850), ("ROY", "Inès", 1200)]
    gray = np.full((900, 1600), 255, np.uint8)
    ink, horiz, vert = np.zeros_like(gray), np.zeros_like(gray), np.zeros_like(gray)
    horiz[300:303, 100:1500] = horiz[700:703, 100:1500] = 255
    vert[300:703, 100:103] = vert[300:703, 1497:1500] = 255
    top = [_word(last, x, 320) for last, _, x in names]
    firsts = [_word(first, x, 392) for _, first, x in names]
    title = _word("Période", 150, 356)
    for word in [*top, *firsts, title]:
        ink[word.box[1] : word.box[3], word.box[0] : word.box[2]] = 255
    body = []
    for y, half in ((480, "AM"), (580, "PM")):
        body += [_word(half, 150, y)] + [_word("Signé", x, y) for _, _, x in names]
        ink[y : y + 24, 150:180] = 255
    ink |= horiz | vert
    pad = 200 // 10  # the white border round a crop
    engine = _BandEngine(top, [title, *firsts], (100 - pad, 300 - pad))
    ruled = Rulings(gray, ink, horiz, vert)
    words = [*top, *firsts, *body]
    page = sheet_page.page_of(ruled, 200, engine, words, exact=False)  # type: ignore[arg-type]
    frame = Table((100, 1500), (300, 703), ((),))
    assert unruled.unruled_table(words, 200, sheet_page._titled_header, frame.box) is None
    table = sheet_page._unruled(page, [frame])
    assert table is not None
    assert len(table.xs) == 5  # Période and a column per trainee
    assert len(table.ys) - 1 - table.head == 2  # the morning's row and the afternoon's


class _CropEngine:
    """An engine that reads any crop as one text when asked for a line, another when asked
    for a block."""

    def __init__(self, line: OcrResult, block: OcrResult) -> None:
        self.line, self.block = line, block

    def recognise_line(self, image: Image.Image, dpi: int) -> OcrResult:
        return self.line

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        return self.block


_BLIND = _CropEngine(OcrResult("", 0.0), OcrResult("", 0.0))  # reads nothing
# A cell's two printed lines: garbage read as one line, right read as a block.
_TWO_LINES = _CropEngine(OcrResult("one", 0.4), OcrResult("Absent(e)\nexcusé(e)", 0.9))


def test_a_typed_absence_the_cell_re_read_misses_is_never_called_signed() -> None:
    # The page OCR read the cell's "ABSENT" badly ("*aBsenr"); read alone, the cell gave
    # nothing. Its ink is print, not a signature: the page OCR's word is judged instead.
    gray = np.full((300, 600), 255, np.uint8)
    ink = np.zeros_like(gray)
    ink[130:160, 220:380] = 255  # the word's ink, as much as a signature's
    blank = np.zeros_like(gray)
    words = (Word("*aBsenr", 0.4, (220, 130, 380, 160)),)
    page = cells.SheetPage(gray, 200, ink, blank, words, _BLIND)  # type: ignore[arg-type]
    column = Column(date(2026, 3, 3), attendance.APRES_MIDI, None, "Après-midi")
    read = cells.judge_cell(page, (100, 100, 500, 200), column, "Ana Roux")
    assert read.mark != "signed" or read.confidence < attendance.REVIEW_BELOW


def test_a_typed_absence_printed_on_two_lines_is_absent_not_a_signature() -> None:
    # "Absent(e)" over "excusé(e)" leaves a signature's ink; read as one line it says
    # nothing, read as a block it says the trainee was away.
    gray = np.full((300, 600), 255, np.uint8)
    ink = np.zeros_like(gray)
    ink[115:140, 220:380] = ink[150:175, 220:380] = 255
    blank = np.zeros_like(gray)
    page = cells.SheetPage(gray, 200, ink, blank, (), _TWO_LINES)  # type: ignore[arg-type]
    column = Column(date(2026, 3, 3), attendance.MATIN, None, "Matin")
    read = cells.judge_cell(page, (100, 100, 500, 200), column, "Ana Roux")
    assert read.mark == "absent"


class _CountingEngine(_CropEngine):
    """A :class:`_CropEngine` that counts the block reads it was asked for."""

    blocks = 0

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        self.blocks += 1
        return self.block


def _cell_page(ink: np.ndarray, engine: _CropEngine) -> cells.SheetPage:
    gray = np.where(ink > 0, 0, 255).astype(np.uint8)
    blank = np.zeros_like(gray)
    return cells.SheetPage(gray, 200, ink, blank, (), engine)  # type: ignore[arg-type]


def test_a_signature_s_cell_is_read_as_one_line_and_not_again_as_a_block() -> None:
    ink = np.zeros((300, 600), np.uint8)
    t = np.linspace(0, 1, 200)
    scrawl = np.stack((200 + 200 * t, 150 + 25 * np.sin(18 * t) - 20 * t), axis=1)
    cv2.polylines(ink, [scrawl.astype(np.int32)], False, 255, 3)
    engine = _CountingEngine(OcrResult("ENNNARA", 0.3), OcrResult("Absent", 0.9))
    column = Column(date(2026, 3, 3), attendance.MATIN, None, "Matin")
    read = cells.judge_cell(_cell_page(ink, engine), (100, 100, 500, 200), column, "Ana Roux")
    assert engine.blocks == 0 and read.mark == "signed"


@pytest.mark.parametrize("lines", [1, 2])
def test_print_its_one_line_read_garbles_is_read_again_as_a_block(lines: int) -> None:
    # Small typed words (letters apart) on one line, or bold ones run together on two:
    # the block read, not the garbled line, says the trainee was away.
    ink = np.zeros((300, 600), np.uint8)
    for row in range(lines):
        cv2.putText(ink, "Absent excuse", (150, 140 + 35 * row), cv2.FONT_HERSHEY_SIMPLEX,
                    0.6 if lines == 1 else 0.9, 255, 1 if lines == 1 else 4)  # fmt: skip
    engine = _CountingEngine(OcrResult("Atsert exase", 0.3), OcrResult("Absent excusé", 0.9))
    page = _cell_page(ink, engine)
    assert cells.holds_print(cells._bare_ink(page, (104, 104, 496, 196)), 200)
    column = Column(date(2026, 3, 3), attendance.MATIN, None, "Matin")
    read = cells.judge_cell(page, (100, 100, 500, 200), column, "Ana Roux")
    assert engine.blocks == 1 and read.mark == "absent"


@pytest.mark.parametrize(
    ("texts", "header"),
    [
        (["Nom et prénom", "Mer. 04/11/2026 9h00 - 12h30", "Mer. 04/11/2026 13h30 - 17h00"], True),
        (["Date", "17/02/2026"], False),  # "Date : 17/02/2026" over the table
        (["DURAND Léa", "Lun. 09/03/2026", "Matin"], False),  # a one-trainee sheet's row
    ],
)
def test_titles_that_date_their_columns_make_a_header_a_page_s_date_line_does_not(
    texts: list[str], header: bool
) -> None:
    assert sheet_page._titled_header(texts) is header


def test_a_photographed_sheet_s_edge_is_no_frame_round_a_table() -> None:
    gray = np.full((2300, 1650), 255, np.uint8)
    blank = np.zeros_like(gray)
    page = cells.SheetPage(gray, 200, blank, blank, (), _BLIND)  # type: ignore[arg-type]
    edge = Table((3, 1645), (2, 2297), ((),))
    frame = Table((115, 1534), (377, 1112), ((),))
    assert sheet_page._frames(page, [edge, frame]) == [frame]


def test_a_photographed_sheet_s_outline_round_the_picture_is_no_table_round_its_table() -> None:
    # A photo warped to the sheet's outline: the outline rules the picture round, and the
    # table's rows run across most of its width; the table inside is the one to read.
    height, width = 2280, 1650
    horiz = np.zeros((height, width), np.uint8)
    vert = np.zeros_like(horiz)
    horiz[2:5, :] = horiz[height - 5 : height - 2, :] = 255
    vert[:, 2:5] = vert[:, width - 5 : width - 2] = 255
    rows, cols = range(370, 1420, 105), (115, 200, 700, 1050, 1300, 1540)
    for y in rows:
        horiz[y : y + 3, 115:1543] = 255
    for x in cols:
        vert[370:1318, x : x + 3] = 255
    tables = tables_in(horiz, vert, 200)
    assert [(len(t.xs), len(t.ys)) for t in tables] == [(len(cols), len(rows))]


def test_a_framed_table_s_handwritten_names_are_not_cut_by_a_column_boundary(
    engine: TesserocrEngine,
) -> None:
    # Nothing ruled inside the frame and no words under the names (handwriting on a
    # digital page): the boundary between "N°" and the names runs where no ink does.
    fixed = {**_TRAINEE_ROWS, "hand_names": True, "number": True, "date_at": "title"}
    _, doc = _sheet("framed-hand", ruling="frame", company="", **fixed)
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    tally = _outcomes(doc, sheets)
    assert tally["wrong"] == tally["unread"] == 0
    assert tally["right"] >= len(doc.sessions) - 2


def test_handwritten_names_beside_row_numbers_in_one_framed_column_are_read(
    engine: TesserocrEngine,
) -> None:
    # Nothing ruled inside the frame, the row numbers printed and the names written by
    # hand (no text layer), a company column after them: the number and the name may
    # fall in one column, whose number is no name and whose handwriting is.
    fixed = {**_TRAINEE_ROWS, "hand_names": True, "number": True, "trainer": "tnone"}
    fixed |= {"date_at": "title", "company": "company"}
    _, doc = _sheet("b", ruling="frame", **fixed)
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    assert not any(p.endswith("no name read") for s in sheets for p in s.problems)
    tally = _outcomes(doc, sheets)
    assert tally["wrong"] == tally["unread"] == 0
    assert tally["right"] >= len(doc.sessions) - 2


def test_a_signature_box_ruled_in_two_by_a_stroke_under_a_framed_table_is_no_table() -> None:
    gray = np.full((2300, 1650), 255, np.uint8)
    blank = np.zeros_like(gray)
    page = cells.SheetPage(gray, 200, blank, blank, (), _BLIND)  # type: ignore[arg-type]
    frame = Table((117, 1506), (365, 1169), ((),))
    box = Table((118, 242, 507), (1292, 1389, 1415), ((True,), (True,)))
    assert sheet_page._beside_frames(page, [box], [frame, box]) == []
    # A ruled table inside a border drawn round the page stays the table.
    border = Table((60, 1590), (60, 2240), ((),))
    grid = Table((117, 600, 1506), (365, 500, 1169), ((True,), (True,)))
    assert sheet_page._beside_frames(page, [grid], [border, grid]) == [grid]


def test_a_framed_table_s_rows_are_found_from_handwritten_names_alone(
    engine: TesserocrEngine,
) -> None:
    # No number column and no words under the names (handwriting on a digital page):
    # the lines of ink down the name column are the rows.
    fixed = {**_TRAINEE_ROWS, "hand_names": True, "number": False, "date_at": "title"}
    _, doc = _sheet("framed-hand", ruling="frame", company="", **fixed)
    sheets = attendance.read_pages(doc.pdf, engine, OcrSettings())
    tally = _outcomes(doc, sheets)
    assert tally["wrong"] == tally["unread"] == 0
    assert tally["right"] >= len(doc.sessions) - 2


def _line(text: str, top: int) -> list[Word]:
    words, x = [], 100
    for part in text.split():
        words.append(Word(part, 0.95, (x, top, x + 14 * len(part), top + 24)))
        x += 14 * len(part) + 12
    return words


def test_a_handwritten_name_takes_the_spelling_the_page_prints_for_that_trainee() -> None:
    page = _line("Stagiaires : DUPONT Léa, MARTIN Hugo, LEBLANC Inès", 100)
    page += _line("Formation : Tableur niveau 2", 140)
    assert cells.printed_name("DUPONI Léa;", page) == "DUPONT Léa"
    assert cells.printed_name("MARTlN Hugo", page) == "MARTIN Hugo"
    # Nothing printed comes close: the handwriting's read stands (for its confidence).
    assert cells.printed_name("ROUSSEL Théo", page) is None
    assert cells.printed_name("DUPONT Léa", _line("Formation : Tableur", 100)) is None


def test_a_column_boundary_runs_left_of_print_that_starts_its_cell_under_a_centred_title() -> None:
    # "Dates" ends at 309, "Période" (centred) starts at 530; under them the date ends at
    # 360 and "AM" runs 425-455 from the left edge of its cell: two gaps about as wide.
    body = [_word("24/02/2026", 240, 500), Word("AM", 0.95, (425, 500, 455, 524))]
    assert 360 <= unruled.column_gap(309, 530, body) <= 425


class _DateCellEngine:
    """Reads a date cell's crop as the date its ink's width stands for (row k: a block
    60 + 40k pixels wide, the k-th day of March 2026 from the 2nd); nothing elsewhere."""

    def recognise_line(self, image: Image.Image, dpi: int) -> OcrResult:
        dark = np.asarray(image.convert("L")) < 128
        width = int(dark.any(axis=0).sum())
        if width < 40:
            return OcrResult("", 0.0)
        day = 2 + round((width - 60) / 40)
        text = f"{('lundi', 'mardi', 'mercredi')[day - 2]} {day} mars 2026"
        return OcrResult(text, 0.9, (Word(text, 0.9, (0, 0, width, 24)),))

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        return self.recognise_line(image, dpi)


def test_rows_dates_the_page_ocr_dropped_under_a_seance_header_are_read_again() -> None:
    # A one-trainee sheet photographed: "Séance" over the rows' dates, which the page OCR
    # did not read. Read alone, the first column's cells are dates: the rows are days,
    # not trainees named "lundi mars".
    xs, ys = (100, 500, 850, 1200), (300, 360, 460, 560, 660)
    gray = np.full((800, 1300), 255, np.uint8)
    horiz, vert = np.zeros_like(gray), np.zeros_like(gray)
    for y in ys:
        horiz[y : y + 3, xs[0] : xs[-1] + 3] = 255
    for x in xs:
        vert[ys[0] : ys[-1] + 3, x : x + 3] = 255
    for k in range(3):
        top = ys[k + 1] + 40
        gray[top : top + 24, 130 : 130 + 60 + 40 * k] = 0  # the date's print
    ink = np.where(gray < 128, 255, 0).astype(np.uint8) | horiz | vert
    gray = np.where(horiz | vert, 0, gray).astype(np.uint8)
    words = [_word("Stagiaire", 100, 200), _word(":", 220, 200), _word("DURAND", 240, 200)]
    words += [_word("Léa", 340, 200), _word("Séance", 130, 320), _word("Matin", 530, 320)]
    words += [_word("Après-midi", 880, 320)]
    ruled = Rulings(gray, ink, horiz, vert)
    page = sheet_page.page_of(ruled, 200, _DateCellEngine(), words, exact=False)  # type: ignore[arg-type]
    grid = Table(xs, ys, tuple((True, True) for _ in ys[1:]))
    read = read_grid(page, grid)[0]
    assert {c.date for c in read} == {date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)}
    assert {c.person for c in read} == {"DURAND Léa"}


@pytest.mark.parametrize(
    ("ruled", "crossing", "cut"),
    [
        (False, True, True),  # a guessed row boundary through a signature
        (True, True, False),  # a signature running over a drawn rule
        (False, False, False),  # the mark inside, white space at the boundary
    ],
)
def test_a_cell_whose_unruled_edge_runs_through_ink_is_doubted(
    ruled: bool, crossing: bool, cut: bool
) -> None:
    gray = np.full((300, 600), 255, np.uint8)
    ink = np.zeros_like(gray)
    lines = np.zeros_like(gray)
    ink[150 : 230 if crossing else 190, 220:380] = 255  # the mark, over the edge or not
    if ruled:
        lines[199:202, 100:500] = ink[199:202, 100:500] = 255
    page = cells.SheetPage(gray, 200, ink, lines, (), _BLIND)  # type: ignore[arg-type]
    box = (100, 100, 500, 200)
    assert cells.cut_by_edge(page, box) is cut


@pytest.mark.parametrize(
    ("piece", "cut"),
    [
        ((110, 205, 220, 380), False),  # a signature whose loop reaches 5 px below the edge
        ((196, 204, 300, 304), False),  # a dot of dust on the guessed boundary
        ((196, 290, 220, 380), False),  # the next row's signature reaching 4 px up into it
        ((170, 230, 220, 380), True),  # a mark cut through its middle
    ],
)
def test_a_mark_reaching_just_over_a_guessed_row_boundary_is_its_cell_s_own(
    piece: tuple[int, int, int, int], cut: bool
) -> None:
    gray = np.full((300, 600), 255, np.uint8)
    ink = np.zeros_like(gray)
    top, bottom, left, right = piece
    ink[top:bottom, left:right] = 255
    page = cells.SheetPage(gray, 200, ink, np.zeros_like(gray), (), _BLIND)  # type: ignore[arg-type]
    assert cells.cut_by_edge(page, (100, 100, 500, 200)) is cut


def _three_column_grid() -> np.ndarray:
    """A white page holding a table of three ruled columns and eight rows."""
    gray = np.full((1400, 1000), 255, np.uint8)
    for x in (100, 400, 650, 900):
        cv2.line(gray, (x, 200), (x, 1000), 0, 3)
    for y in range(200, 1001, 100):
        cv2.line(gray, (100, y), (900, y), 0, 3)
    return gray


def test_a_square_page_s_ruling_is_pieced_once_for_squaring_it_and_finding_its_tables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pipeline.reading import tables

    gray = _three_column_grid()
    made = []
    real = tables.frame_pieces
    monkeypatch.setattr(tables, "frame_pieces", lambda h, v: made.append(1) or real(h, v))
    ruled = Rulings.of(gray, 200)
    squared, matrix = tables.squared(ruled, 200)
    found = tables_in(squared.horiz, squared.vert, 200, squared.pieces)
    assert matrix is None and squared is ruled  # already square: nothing warped
    assert len(made) == 1
    assert found == tables_in(ruled.horiz, ruled.vert, 200)  # the same tables as made anew
    assert len(found) == 1 and len(found[0].xs) == 4 and len(found[0].ys) == 9


def test_a_signature_read_as_a_tall_word_up_to_the_header_does_not_join_a_row_to_it() -> None:
    # A scan's signature in the first row comes out of the OCR as a word much taller than
    # the print, its top reaching the header's last line: the row is no line of the header.
    header = [_word("Nom", 20, 10), _word("Matin", 400, 10), _word("Après-midi", 700, 10)]
    row = [_word("DURAND", 20, 60), Word("Al}", 0.3, (420, 36, 520, 110))]
    lines = unruled._lines([*header, *row])
    assert [w.text for w in unruled._header_band(lines, 0)] == ["Nom", "Matin", "Après-midi"]
    # A title wrapped on a second line close under the first still belongs to it.
    wrapped = [*header, _word("(9h-12h)", 400, 38)]
    row = [_word("DURAND", 20, 92), Word("Al}", 0.3, (420, 66, 520, 140))]
    lines = unruled._lines([*wrapped, *row])
    assert [w.text for w in unruled._header_band(lines, 0)][-1] == "(9h-12h)"
    assert len(unruled._header_band(lines, 0)) == 4


def test_a_day_over_its_two_half_days_titles_printed_close_heads_both() -> None:
    # "19/01/2026" over "9h00 - 12h30" and "13h30 - 17h00", each wrapped on two lines,
    # the two half-days' titles a word space apart: two columns under the day.
    def at(text: str, left: int, top: int) -> Word:
        return Word(text, 0.95, (left, top, left + 12 * len(text), top + 24))

    band = [at("Nom", 20, 40), at("19/01/2026", 420, 10)]
    band += [at("9h00-", 400, 40), at("13h30", 480, 40), at("12h30", 400, 70)]
    band += [at("-17h00", 480, 70)]
    columns, spans = header_titles(band, 200)
    assert [[w.text for w in g] for g in spans] == [["19/01/2026"]]
    assert [" ".join(w.text for w in reading_order(g)) for g in columns] == [
        "Nom",
        "9h00- 12h30",
        "13h30 -17h00",
    ]
    assert unruled.header_labels(columns, spans)[1:] == [
        "19/01/2026 9h00- 12h30",
        "19/01/2026 13h30 -17h00",
    ]


def test_a_framed_header_read_again_replaces_the_page_ocr_s_garbled_words_for_the_grid() -> None:
    # The page OCR garbled the grey header band of a framed table ("ren", "x"): the band
    # read again finds the table, and its words, not the garbled ones, head the columns.
    titles = [("Nom", 150), ("Prénom", 400), ("Matin", 750), ("Après-midi", 1150)]
    gray, ink, horiz, vert = _framed_header(titles, 800)
    words = [_word("ren", 160, 318), _word("x", 760, 322)]
    for top, (last, first) in zip(
        (400, 480, 560), [("DURAND", "Léa"), ("MOREL", "Yves"), ("ROY", "Inès")], strict=True
    ):
        words += [_word(last, 150, top), _word(first, 400, top)]
        ink[top : top + 24, 150:230] = ink[top : top + 24, 720:800] = 255
    ink |= horiz | vert
    pad = 200 // 10  # the white border round a crop
    engine = layouts.HeaderLineEngine(titles, (100 - pad, 300 - pad))
    ruled = Rulings(gray, ink, horiz, vert)
    page = sheet_page.page_of(ruled, 200, engine, words, exact=False)  # type: ignore[arg-type]
    frame = Table((100, 1500), (300, 703), ((),))
    table, again = sheet_page._unruled_read(page, [frame])
    assert table is not None and [w.text for w in again] == [t for t, _ in titles]
    texts = [w.text for w in sheet_page._with_words(page, again).words]
    assert "ren" not in texts and "x" not in texts
    assert {"Nom", "Prénom", "Matin", "Après-midi", "DURAND", "Inès"} <= set(texts)


def test_a_half_day_title_misread_by_one_letter_beside_its_other_half_is_that_half() -> None:
    day = date(2026, 3, 23)
    columns = [
        Column(day, None, None, "Prénom"),
        Column(day, None, None, "AN"),  # "AM" in a shaded header, read by the OCR
        Column(day, "apres-midi", None, "PM"),
    ]
    done = sheet_columns._halves_misspelt(columns)
    assert [(c.half_day, c.label) for c in done] == [
        (None, "Prénom"),
        ("matin", "AM"),
        ("apres-midi", "PM"),
    ]
    # Two letters off, or beside no half-day's title: nothing is guessed.
    others = [Column(day, None, None, "CP"), Column(day, None, None, "PM")]
    assert sheet_columns._halves_misspelt(others)[0] == others[0]
    alone = [Column(day, None, None, "AN"), Column(day, None, None, "Nom")]
    assert sheet_columns._halves_misspelt(alone) == alone


class _GarbleEngine:
    """Any crop read on its own comes out as letters that mean something ("am us")."""

    def recognise_line(self, image: Image.Image, dpi: int) -> OcrResult:
        return OcrResult("am us", 0.5, (Word("am", 0.5, (0, 0, 20, 10)),))

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        return self.recognise_line(image, dpi)


def test_a_header_cell_down_two_ruled_rows_is_read_whole_not_cut_through_its_print() -> None:
    # "Nom de famille" in one cell down the header's two rows, beside a date over "AM"
    # and "PM": the rule between the rows stops at its column, and its line of print
    # sits on that cut (words' middles either side). Cut there, a half read on its own
    # would say "am": the cell is read whole.
    xs, ys = (100, 200, 500, 800, 1100), (100, 160, 220, 300)
    gray = np.full((400, 1200), 255, np.uint8)
    horiz, vert = np.zeros_like(gray), np.zeros_like(gray)
    for y in ys:
        horiz[y - 1 : y + 2, 100:1100] = 255
    horiz[159:162, 100:500] = 0  # no rule between the header's rows over N° and Nom
    for x in xs:
        vert[100:300, x - 1 : x + 2] = 255
    vert[100:160, 799:802] = 0  # the date spans AM and PM
    words = [
        Word("N°", 0.9, (130, 148, 160, 172)),
        Word("Nom", 0.9, (220, 150, 270, 173)),
        Word("de", 0.9, (280, 148, 305, 170)),
        Word("famille", 0.9, (315, 148, 400, 170)),
        Word("lundi", 0.9, (700, 115, 760, 140)),
        Word("07/12/2026", 0.9, (770, 115, 900, 140)),
        Word("AM", 0.9, (630, 180, 660, 200)),
        Word("PM", 0.9, (930, 180, 960, 200)),
    ]
    ruled = Rulings(gray, horiz | vert, horiz, vert)
    page = sheet_page.page_of(ruled, 200, _GarbleEngine(), words, exact=False)  # type: ignore[arg-type]
    walls = ((True, True, False), (True, True, True), (True, True, True))
    grid = Table(xs, ys, walls)
    columns = sheet_columns.read_columns(page, grid, 2, 2026)
    assert columns[0].label == "Nom de famille" and columns[0].half_day is None
    assert [(c.date, c.half_day) for c in columns[1:]] == [
        (date(2026, 12, 7), "matin"),
        (date(2026, 12, 7), "apres-midi"),
    ]


@pytest.mark.parametrize(
    ("text", "confidence", "title"),
    [
        ("LE", 0.29, False),  # a frame's left rule and a speck read as a word: no new column
        ("Matin", 0.3, True),  # a blurred half-day title, however unsure
        ("N°", 0.4, True),
        ("Observations", 0.8, True),
        ("Entreprise", 0.6, True),
    ],
)
def test_a_word_read_again_over_a_framed_table_makes_a_column_only_if_it_may_be_a_title(
    text: str, confidence: float, title: bool
) -> None:
    assert sheet_page._title_word(Word(text, confidence, (0, 0, 40, 20))) is title


def test_a_page_a_little_askew_and_in_perspective_is_squared_by_one_warp_its_masks_made_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pipeline.reading import tables

    gray = _three_column_grid()
    # A photo's page: the table a trapezoid (its top narrower), the whole turned by 0.6°.
    square = np.float32([[100, 200], [900, 200], [900, 1000], [100, 1000]])
    seen = np.float32([[130, 210], [870, 205], [905, 1000], [95, 1004]])
    leaning = cv2.getPerspectiveTransform(square, seen)
    turn = np.vstack([cv2.getRotationMatrix2D((500, 700), 0.6, 1.0), [0, 0, 1]])
    photo = cv2.warpPerspective(gray, turn @ leaning, (1000, 1400), borderValue=255)
    ruled = Rulings.of(photo, 200)
    made = []
    real = tables.Rulings.of.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(
        tables.Rulings, "of", classmethod(lambda cls, g, d: made.append(1) or real(cls, g, d))
    )
    flat, matrix = tables.squared(ruled, 200)
    assert matrix is not None and len(made) == 1  # one warp, its masks made once
    found = tables_in(flat.horiz, flat.vert, 200, flat.pieces)
    assert len(found) == 1 and len(found[0].xs) == 4 and len(found[0].ys) == 9
    # Upright: the table's outer columns as far apart at its top as at its bottom.
    taken = cv2.perspectiveTransform(square[None], turn @ leaning)
    tl, tr, br, bl = cv2.perspectiveTransform(taken, matrix)[0]
    assert abs((tr[0] - tl[0]) - (br[0] - bl[0])) < 3 and abs(tl[0] - bl[0]) < 3


def test_a_line_of_signatures_read_as_tall_words_under_the_header_ends_the_header_band() -> None:
    # A photo's first row of signatures, each read as a word twice the print's height,
    # their tops just under the header's last line and their middles above the names:
    # neither they nor the names under them are the header's.
    header = [_word("Nom", 20, 10), _word("Matin", 400, 10), _word("Après-midi", 700, 10)]
    signatures = [Word("svt", 0.0, (300, 36, 400, 90)), Word("KR", 0.15, (700, 36, 800, 84))]
    names = [_word("DURAND", 20, 68), _word("Léa", 150, 68)]
    lines = unruled._lines([*header, *signatures, *names])
    assert sorted(w.text for w in lines[1]) == ["KR", "svt"]  # a line of its own
    assert [w.text for w in unruled._header_band(lines, 0)] == ["Nom", "Matin", "Après-midi"]
    # A title's two lines read as one tall word, read sure, are the header's still.
    wrapped = [Word("Après-midi 14h-17h30", 0.9, (700, 36, 820, 80))]
    lines = unruled._lines([*header[:2], *wrapped, _word("DURAND", 20, 130)])
    assert [w.text for w in unruled._header_band(lines, 0)][-1] == "Après-midi 14h-17h30"


def test_a_header_band_s_unplaced_ink_read_again_is_dropped_and_its_half_days_stay_apart() -> None:
    # A date over "AM" and "PM", read again as one line: Tesseract returns the day's
    # words and, over both lines, a letter at 0.0 standing between "AM" and "PM" that
    # would run them into one title.
    day = [_word("Lundi", 420, 10), _word("21/12/2026", 500, 10)]
    halves = [_word("AM", 400, 50), _word("PM", 680, 50)]
    junk = Word("a", 0.0, (450, 8, 640, 76))
    read = [w for w in [*day, junk] if sheet_page._read_word(w)]
    assert junk not in read and day[0] in read
    names = [_word("Nom", 40, 50)]
    rows = [
        w
        for top in (120, 170)
        for w in (_word("DURAND", 40, top), _word("Signé", 420, top), _word("Signé", 690, top))
    ]
    found = unruled.unruled_table(
        [*names, *read, *halves, *rows], 200, sheet_page._titled_header, (10, 0, 900, 210)
    )
    # Nom | AM | PM, under a header of two rows: the day over its two half-days.
    assert isinstance(found, Unruled) and len(found.xs) == 4 and found.head == 2
    assert found.xs[1] < 400 and 424 < found.xs[2] < 680


def test_a_speck_read_as_a_small_letter_in_a_framed_header_heads_no_column() -> None:
    # A dot of dust between "AM" and "PM" that the OCR read as "e": the morning's column
    # still runs to the afternoon's, with no column of its own between them.
    words = [_word("N°", 30, 20), _word("Participant", 150, 20)]
    words += [_word("AM", 700, 20), _word("e", 900, 20), _word("PM", 1150, 20)]
    for i, name in enumerate(("Lucas Brunel", "Jeanne Tran", "Marius Pagès")):
        words += [_word(str(i + 1), 30, 100 + 80 * i), _word(name, 150, 100 + 80 * i)]
    found = unruled.unruled_table(words, 200, sheet_page._titled_header, (10, 5, 1400, 340))
    assert found is not None
    assert len(found.xs) == 5  # N°, Participant, AM, PM
