"""Tests of pipeline.reading (choices, scales, questionnaire): evaluation answers read from
the ink of questionnaires drawn by samples/gen/option_forms, born-digital and scanned."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import cv2
import numpy as np
import pytest

from pipeline.intake import IntakeLimits, as_pdf
from pipeline.ocr import OcrEngine, OcrSettings, TesserocrEngine, Word
from pipeline.reading import questionnaire
from pipeline.reading.choices import (
    REVIEW_BELOW,
    RowRead,
    column_print,
    common_scale,
    decide,
    faint_in_doubt,
    read_page,
)
from pipeline.reading.faces import aligned
from pipeline.reading.labels import label_boxes
from pipeline.reading.numberline import number_lines
from pipeline.reading.options import Block, Shape, blocks_of
from pipeline.reading.page import views
from pipeline.reading.scales import (
    Scale,
    legend_levels,
    level_of,
    scale_from_levels,
    scale_from_numbers,
)
from pipeline.record import FileKind
from pipeline.text import read_pages
from samples.gen import option_forms, render


def _read(pdf: bytes, engine: OcrEngine | None = None) -> dict:
    """What the marks stage gives a questionnaire, after the text stage read its pages."""
    pages = views(pdf, read_pages(pdf, engine, OcrSettings()), OcrSettings())
    return questionnaire.satisfaction_fields(questionnaire.read_choices(list(pages), engine))


def test_online_form_filled_radio_buttons_give_the_answers() -> None:
    fields = _read(option_forms.online([4, 3, 5, 5, 2]))
    assert fields["satisfaction"] == {
        "score": round((3 + 2 + 4 + 4 + 1) / 4 / 5, 4),
        "scale": [1, 5],
        "answers": [4, 3, 5, 5, 2],
    }
    assert "review" not in fields


def test_grid_hand_crosses_on_a_one_to_four_scale() -> None:
    fields = _read(option_forms.grid([4, 3, 2, 1, 4], mark="cross"))
    assert fields["satisfaction"]["answers"] == [4, 3, 2, 1, 4]
    assert fields["satisfaction"]["score"] == pytest.approx((3 + 2 + 1 + 0 + 3) / 15, abs=1e-3)


def test_grid_hand_ticks_read_like_crosses() -> None:
    fields = _read(option_forms.grid([1, 2, 3, 4, 4, 3], mark="check"))
    assert fields["satisfaction"]["answers"] == [1, 2, 3, 4, 4, 3]


def test_unanswered_row_is_null_and_not_counted() -> None:
    fields = _read(option_forms.grid([4, None, 4, 1]))
    assert fields["satisfaction"]["answers"] == [4, None, 4, 1]
    assert fields["satisfaction"]["score"] == pytest.approx(2 / 3, abs=1e-3)
    assert "review" not in fields


def test_row_with_two_marks_is_null_and_left_for_review() -> None:
    fields = _read(option_forms.online([5, "double", 3], options=5))
    assert fields["satisfaction"]["answers"] == [5, None, 3]
    assert [r["item"] for r in fields["review"]] == [2]


def test_too_many_answers_in_doubt_give_no_score_until_a_person_settles_them() -> None:
    fields = _read(option_forms.online([5, "double", 4, "double", 3, 5]))
    assert fields["satisfaction"] == {"score": None, "scale": [1, 5],
                                      "answers": [5, None, 4, None, 3, 5]}  # fmt: skip
    assert [r["item"] for r in fields["review"] if r["kind"] == "reponse"] == [2, 4]


def test_form_without_any_mark_has_no_satisfaction() -> None:
    # The rows were found (the text reading must not stand in): null, not absent.
    assert _read(option_forms.grid([None] * 6)) == {"satisfaction": None}
    assert _read(option_forms.online([None] * 4)) == {"satisfaction": None}


def test_page_without_option_rows_leaves_the_text_reading_alone() -> None:
    assert _read(option_forms.online([])) == {}


def test_word_columns_ranked_by_meaning_and_circled_recommendation() -> None:
    # Best on the left ("Très satisfait"), and a 0-10 recommendation counted as one answer.
    fields = _read(option_forms.words([4, 3, 2, 1], recommendation=7))
    sat = fields["satisfaction"]
    assert sat["answers"] == [4, 3, 2, 1, 7]
    assert sat["scale"] == [[1, 4]] * 4 + [[0, 10]]
    assert sat["score"] == pytest.approx((1 + 2 / 3 + 1 / 3 + 0 + 0.7) / 5, abs=1e-3)


def test_marks_on_a_scale_without_labels_give_no_satisfaction_but_a_review() -> None:
    fields = _read(option_forms.grid([4, 3, 2, 1], labels=False))
    assert fields["satisfaction"] is None
    assert fields["review"][0]["kind"] == "lecture"


def test_labels_beside_the_options_give_each_row_its_scale() -> None:
    # Oui / En partie / Non count 1 / 0.5 / 0; "4 - Tout à fait" is the best of 1-4.
    pdf = option_forms.inline([("oui", 0), ("accord", 1), ("oui", 1), ("accord", 3)])
    sat = _read(pdf)["satisfaction"]
    assert sat["answers"] == [3, 3, 2, 1]
    assert sat["scale"] == [[1, 3], [1, 4], [1, 3], [1, 4]]
    assert sat["score"] == pytest.approx((1 + 2 / 3 + 0.5 + 0) / 4, abs=1e-3)


def test_faces_on_every_row_rank_by_their_mouths_and_the_circled_face_is_the_answer() -> None:
    # No scale word anywhere: the faces' mouths order the columns, frown (1) to smile (4);
    # the 0-10 printed bare, one number circled, is one more answer.
    fields = _read(option_forms.smileys([4, 2, None, 1, 3], recommendation=7))
    sat = fields["satisfaction"]
    assert sat["answers"] == [4, 2, None, 1, 3, 7]
    assert sat["scale"] == [[1, 4]] * 5 + [[0, 10]]
    assert sat["score"] == pytest.approx((1 + 1 / 3 + 0 + 2 / 3 + 0.7) / 5, abs=1e-3)
    assert "review" not in fields


def test_crossed_faces_happiest_first_read_by_meaning_not_position() -> None:
    pdf = option_forms.smileys([4, 2, 1, 1, 3], None, mark="cross", happy_first=True)
    sat = _read(pdf)["satisfaction"]
    assert sat["answers"] == [4, 2, 1, 1, 3, None]  # the 0-10 left blank: unanswered
    assert sat["score"] == pytest.approx((1 + 1 / 3 + 0 + 0 + 2 / 3) / 5, abs=1e-3)


def test_faces_over_columns_of_boxes_give_the_columns_their_meaning() -> None:
    sat = _read(option_forms.smileys([4, 2, 3, 1], 9, rows=False))["satisfaction"]
    assert sat["answers"] == [4, 2, 3, 1, 9]


def test_a_circled_face_does_not_reach_the_row_below() -> None:
    # Each row circled on a different face: a hand's circle spilling into the next row's
    # surroundings would make a second mark there.
    fields = _read(option_forms.smileys([4, 1, 4, 2, 4, 3], None, seed=11))
    assert fields["satisfaction"]["answers"][:6] == [4, 1, 4, 2, 4, 3]
    assert "review" not in fields


def test_a_row_of_faces_heads_the_columns_below_even_with_a_face_not_found_whole() -> None:
    lower = Block([[]], [300.0, 400.0, 500.0, 600.0], [500.0], 30, 30, False)
    three = Block([[]], [302.0, 401.0, 598.0], [420.0], 50, 50, True)
    assert aligned(three, lower)  # the third face, blurred, left out: still over columns
    assert not aligned(Block([[]], [350.0, 450.0, 550.0], [420.0], 50, 50, True), lower)


def test_rows_share_the_scale_most_of_their_block_prints_beside_its_options() -> None:
    one_to_four = Scale((1.0, 2.0, 3.0, 4.0), 1.0, 4.0)
    reversed_ = Scale((4.0, 3.0, 2.0, 1.0), 1.0, 4.0)
    assert common_scale([one_to_four, one_to_four, one_to_four]) == one_to_four
    assert common_scale([one_to_four, one_to_four, reversed_]) == one_to_four
    assert common_scale([one_to_four, reversed_]) is None  # no clear majority: no guess
    assert common_scale([]) is None


def _number_words(numbers: Sequence[int], pitch: int = 80, y: int = 500) -> list[Word]:
    """Numbers as OCR boxes them on a line, one every ``pitch`` pixels."""
    return [
        Word(str(n), 0.95, (100 + k * pitch, y, 100 + k * pitch + 16 * len(str(n)), y + 24))
        for k, n in enumerate(numbers)
    ]


def _figures_ink(slots: Sequence[int], pitch: int = 80, y: int = 500) -> np.ndarray:
    """Page ink with a digit-sized blob printed at each slot of the line."""
    ink = np.zeros((800, 1400), np.uint8)
    for k in slots:
        ink[y + 2 : y + 22, 100 + k * pitch : 100 + k * pitch + 16] = 255
    return ink


def test_a_line_read_up_to_nine_with_a_figure_after_it_ends_at_ten() -> None:
    words = _number_words(range(10))
    (line,) = number_lines(words, [], _figures_ink(range(11)))
    assert line.numbers == tuple(range(11)) and line.whole


def test_a_line_whose_last_numbers_were_not_read_is_not_taken_whole() -> None:
    # 0..7 read, 8 9 10 printed but unread: a scale 0-7 would misplace every answer.
    words = _number_words(range(8))
    (line,) = number_lines(words, [], _figures_ink(range(11)))
    assert not line.whole
    (alone,) = number_lines(words, [], _figures_ink(range(8)))
    assert alone.whole and alone.numbers == tuple(range(8))


def test_a_long_line_with_two_numbers_side_by_side_unread_still_ends_at_ten() -> None:
    # 0..7 and 10 read, 8 and 9 blurred past reading: their places say what they are.
    words = [w for k, w in enumerate(_number_words(range(11))) if k not in (8, 9)]
    (line,) = number_lines(words, [], _figures_ink(range(11)))
    assert line.numbers == tuple(range(11)) and line.whole
    # In a short line, two missing side by side say too little: no line.
    short = [w for k, w in enumerate(_number_words(range(6))) if k not in (2, 3)]
    assert number_lines(short, [], _figures_ink(range(6))) == []


def test_figures_ocr_did_not_read_past_a_line_s_end_are_read_one_by_one() -> None:
    # The page's OCR stopped at 7; 8 9 10 stand further on, read again alone.
    seen: list[tuple[int, int, int, int]] = []

    def reread(box: tuple[int, int, int, int]) -> str:
        seen.append(box)
        return str(round((box[0] + box[2]) / 2 - 108) // 80)

    (line,) = number_lines(_number_words(range(8)), [], _figures_ink(range(11)), reread)
    assert line.numbers == tuple(range(11)) and line.whole
    assert len(seen) == 11


def test_numbers_over_a_block_of_options_are_no_line_of_their_own() -> None:
    words = _number_words([1, 2, 3, 4, 5])
    assert number_lines(words, [(0, 400, 1400, 700)], _figures_ink(range(5))) == []
    assert number_lines(_number_words([1, 2, 3]), [], _figures_ink(range(3))) == []  # too few


def test_a_mark_far_fainter_than_the_others_of_its_block_is_left_in_doubt() -> None:
    scale = Scale((1.0, 2.0, 3.0, 4.0), 1.0, 4.0)

    def row(top: float) -> RowRead:
        return RowRead(0, scale, (0.0, top, 0.0, 0.0), 1, "answered", 0.9)

    rows = faint_in_doubt([row(0.9), row(0.95), row(0.85), row(0.17)])
    assert [r.state for r in rows] == ["answered"] * 3 + ["unsure"]
    assert rows[-1].value is None
    assert faint_in_doubt([row(0.3), row(0.25), row(0.2)]) == [row(0.3), row(0.25), row(0.2)]


def test_one_weak_mark_on_a_block_otherwise_blank_is_left_in_doubt() -> None:
    # A scanner's speck on one box's edge of a form handed back blank is no answer.
    scale = Scale((1.0, 2.0, 3.0, 4.0), 1.0, 4.0)
    blank = RowRead(0, scale, (0.0, 0.0, 0.01, 0.0), None, "unanswered", 0.9)
    speck = RowRead(0, scale, (0.0, 0.0, 0.14, 0.005), 2, "answered", 0.9)
    tick = RowRead(0, scale, (0.0, 0.0, 0.6, 0.0), 2, "answered", 0.95)
    assert [r.state for r in faint_in_doubt([blank, speck, blank, blank])] == [
        "unanswered",
        "unsure",
        "unanswered",
        "unanswered",
    ]
    assert faint_in_doubt([blank, tick, blank, blank])[1].state == "answered"


def _three_labelled_columns() -> tuple[Block, np.ndarray]:
    """A row of three boxes 200 px apart, and a blank page for the labels over them."""
    shapes = [[Shape((x - 15, 500, x + 15, 530), 1.0) for x in (300, 500, 700)]]
    block = Block(shapes, [300.0, 500.0, 700.0], [515.0], 30, 30, False)
    return block, np.zeros((800, 1000), np.uint8)


def test_a_column_label_wrapped_on_two_lines_is_read_whole() -> None:
    # Three columns of boxes; over each a label, the last on two lines set close together
    # ("Pas du tout / satisfait"), a title far above.
    block, bare = _three_labelled_columns()
    bare[300:320, 250:750] = 255  # the title
    for x in (300, 500, 700):
        bare[440:458, x - 40 : x + 40] = 255  # each label's (last) line
    bare[414:432, 660:740] = 255  # the first line of the wrapped one
    one_line = label_boxes(block, bare, 200)
    wrapped = label_boxes(block, bare, 200, wrapped=True)
    assert one_line[2] is not None and wrapped[2] is not None
    assert one_line[2][1] > 425 and wrapped[2][1] < 414  # the first line joins
    assert wrapped[:2] == one_line[:2]  # not the title over the others


def test_a_label_whose_first_line_stands_level_with_the_others_gets_its_second_line() -> None:
    # "Très / satisfait" over the first column: its first line level with the one-line
    # labels of the others, its second line below them.
    block, bare = _three_labelled_columns()
    for x in (300, 500, 700):
        bare[430:448, x - 40 : x + 40] = 255  # each label's (first) line
    bare[456:474, 260:340] = 255  # the second line of the first one
    one_line = label_boxes(block, bare, 200)
    wrapped = label_boxes(block, bare, 200, wrapped=True)
    assert one_line[0] is not None and wrapped[0] is not None
    assert one_line[0][3] < 456 and wrapped[0][3] > 474  # the second line joins
    assert wrapped[1:] == one_line[1:]


def test_print_a_column_carries_in_every_row_is_no_mark() -> None:
    # The last column holds a little print in every row (a label close to its options);
    # the hand's marks are far stronger.
    rows = [[0, 0.7, 0, 0, 0.15], [0.7, 0, 0, 0, 0.17], [0, 0, 0.7, 0, 0.16]]
    assert column_print(rows) == pytest.approx([0.0, 0.0, 0.0, 0.0, 0.15])
    # Every row marked in the same column: those are marks, kept.
    same = [[0.0, 0.0, 0.0, 0.7], [0.0, 0.0, 0.0, 0.65], [0.0, 0.0, 0.0, 0.72]]
    assert column_print(same) == [0.0, 0.0, 0.0, 0.0]


def test_misread_scale_words_rank_by_the_closest_phrase() -> None:
    assert level_of("Rrès satisfait") == level_of("Très satisfait")
    assert level_of("Ras du tout satisfait") == level_of("Pas du tout satisfait")
    assert level_of("Veu satisfait") == level_of("Peu satisfait")
    assert level_of("Très satisfaisant") == level_of("Très satisfait")


def test_scale_words_rank_by_meaning() -> None:
    assert level_of("Pas du tout satisfait") < level_of("Peu satisfait") < level_of("Satisfait")
    assert level_of("Satisfait") < level_of("Très satisfait")
    assert level_of("Plutôt pas d'accord") < level_of("Plutôt d'accord")
    assert level_of("Formation") is None
    scale = scale_from_levels([level_of(w) for w in option_forms.WORDS])
    assert scale is not None and scale.values == (4, 3, 2, 1) and scale.best == 4


def test_legend_says_which_end_is_best() -> None:
    legend = (
        "1 = tout à fait d'accord, 2 = plutôt d'accord, 3 = plutôt pas d'accord, "
        "4 = pas du tout d'accord."
    )
    assert legend_levels(legend)[1] > legend_levels(legend)[4]
    scale = scale_from_numbers([1, 2, 3, 4], legend)
    assert scale is not None and scale.best == 1 and scale.normalised(1) == 1


def test_numbers_need_a_steady_sequence() -> None:
    assert scale_from_numbers([1, 2, None, 4]) is not None
    assert scale_from_numbers([1, 5, 2, 4]) is None
    assert scale_from_numbers([None, None, 3]) is None
    assert scale_from_numbers([1, None, None, 4, 5]) is None  # two unread of five: too few
    # Two unread of eleven (a crossed 9, a speck on the 7): the nine read say the rest.
    zero_to_ten = scale_from_numbers([0, 1, 2, 3, 4, 5, 6, None, 8, None, 10])
    assert zero_to_ten is not None and zero_to_ten.values == tuple(range(11))


@pytest.fixture(scope="module")
def engine() -> Iterator[TesserocrEngine]:
    with TesserocrEngine(OcrSettings()) as found:
        yield found


@pytest.mark.ocr
def test_scanned_grid_reads_as_the_born_digital_one(engine: TesserocrEngine) -> None:
    scan = render.scan(option_forms.grid([4, 3, 2, 1, None, 4, 3], seed=5), seed=5, dpi=150)
    fields = _read(scan, engine)
    assert fields["satisfaction"]["answers"] == [4, 3, 2, 1, None, 4, 3]


@pytest.mark.ocr
def test_scanned_word_scale_with_circled_recommendation(engine: TesserocrEngine) -> None:
    scan = render.scan(option_forms.words([3, 4, 2, 4], recommendation=9, seed=6), seed=6, dpi=200)
    fields = _read(scan, engine)
    assert fields["satisfaction"]["answers"] == [3, 4, 2, 4, 9]


@pytest.mark.ocr
def test_scanned_faces_and_bare_numbers(engine: TesserocrEngine) -> None:
    pdf = option_forms.smileys([4, 2, None, 1, 3], recommendation=10, seed=8)
    fields = _read(render.scan(pdf, seed=8, dpi=200), engine)
    assert fields["satisfaction"]["answers"] == [4, 2, None, 1, 3, 10]


@pytest.mark.ocr
def test_phone_photo_of_a_grid(engine: TesserocrEngine) -> None:
    jpeg = render.photo(option_forms.grid([3, 4, 4, 2, 1, 3], seed=7), seed=7)
    pdf = as_pdf(jpeg, FileKind.JPEG, IntakeLimits())
    assert pdf is not None
    fields = _read(pdf, engine)
    assert fields["satisfaction"]["answers"] == [3, 4, 4, 2, 1, 3]


class _TinyLabels:
    """A reader of crops for a page whose labels only a crop of one label reads: each
    radio button's number, 4 down to 1 left to right, printed just right of it."""

    def __init__(self, columns: Sequence[int]) -> None:
        self.columns = columns

    def line(self, box: tuple[int, int, int, int]) -> str:
        for k, x in enumerate(self.columns):
            if x < box[0] < x + 60:
                return str(4 - k)
        return ""

    def words(self, box: tuple[int, int, int, int]) -> list[Word]:
        return []


def test_labels_too_small_for_a_row_s_band_are_read_beside_each_option() -> None:
    columns, chosen = [300, 600, 900, 1200], [3, 0, 1]
    gray = np.full((1200, 1600), 255, np.uint8)
    for row, pick in enumerate(chosen):
        y = 400 + 110 * row
        for k, x in enumerate(columns):
            cv2.circle(gray, (x, y), 12, 0, 2)
            if k == pick:
                cv2.circle(gray, (x, y), 6, 0, -1)
    page = read_page(gray, 200, [], _TinyLabels(columns))
    assert [row.value for row in page.rows] == [1.0, 4.0, 3.0]
    assert read_page(gray, 200, [], None).rows == ()  # unread labels: no guess


def _statements_into_boxes(answers: Sequence[int], running_in: Sequence[int]) -> np.ndarray:
    """Rows of five numbered tick boxes crossed by hand at ``answers`` (1-5); the statement
    of each row in ``running_in`` printed so long it runs on through the row's first box."""
    gray = np.full((1400, 1500), 255, np.uint8)
    for row, answer in enumerate(answers):
        y = 500 + 70 * row
        text = "Les supports etaient clairs et adaptes a mes besoins"
        end = 760 if row in running_in else 640
        scale = (end - 150) / cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 1.0, 2)[0][0]
        cv2.putText(gray, text, (150, y + 12), cv2.FONT_HERSHEY_SIMPLEX, scale, 0, 2)
        for col in range(5):
            x = 700 + 150 * col
            cv2.rectangle(gray, (x, y - 16), (x + 32, y + 16), 0, 2)
            if col == answer - 1:
                cv2.line(gray, (x + 4, y - 12), (x + 28, y + 12), 0, 3)
                cv2.line(gray, (x + 28, y - 12), (x + 4, y + 12), 0, 3)
    return gray


def _column_numbers() -> list[Word]:
    return [Word(str(c + 1), 0.95, (710 + 150 * c, 420, 722 + 150 * c, 444)) for c in range(5)]


def test_a_statement_printed_into_the_first_box_is_no_second_mark() -> None:
    gray = _statements_into_boxes([4, 4, 5, 3, 5, 4], running_in=(0, 2, 4))
    rows = read_page(gray, 200, _column_numbers()).rows
    assert [row.value for row in rows] == [4, 4, 5, 3, 5, 4]
    assert all(row.state == "answered" for row in rows)


def test_a_first_box_crossed_under_print_running_into_it_is_still_the_answer() -> None:
    gray = _statements_into_boxes([1, 4, 1, 2], running_in=(0, 2))
    rows = read_page(gray, 200, _column_numbers()).rows
    assert [row.value for row in rows] == [1, 4, 1, 2]


def test_a_column_stands_where_its_outlines_do_not_where_print_widened_the_first_one() -> None:
    # The first row's first box ran into the statement's last letters: found 10 px wider
    # on its left. The column is where the other rows' boxes of that column stand.
    rows = [
        [Shape((x - 17 - (10 if x == 700 and y == 500 else 0), y - 17, x + 17, y + 17), 0.3)
         for x in (700, 850, 1000, 1150)]
        for y in (500, 570, 640, 710)
    ]  # fmt: skip
    (block,) = blocks_of(rows)
    assert block.columns[0] == pytest.approx(700, abs=1)


def test_a_trace_beside_a_full_mark_leaves_the_full_one_counted_but_listed() -> None:
    chosen, state, confidence, _ = decide([0.0, 0.0, 0.88, 0.134, 0.0])
    assert (chosen, state) == (2, "answered")
    assert confidence < REVIEW_BELOW
    # Two marks of a hand's strength stay two marks.
    assert decide([0.0, 0.0, 0.45, 0.4, 0.0])[:2] == (None, "double")
    assert decide([0.0, 0.0, 0.45, 0.2, 0.0])[:2] == (None, "double")
