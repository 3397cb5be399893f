"""Tests of pipeline.reading.lattice and questionnaire.square_on: an evaluation grid seen
at an angle (a phone's photo) made square-on before its marks are read, by its ruling or,
with none, by its options' own rows and columns; a page seen square-on left as it is."""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.ocr import Word
from pipeline.reading.ink import binarise
from pipeline.reading.labels import number_of
from pipeline.reading.lattice import lattice_matrix
from pipeline.reading.options import find_shapes
from pipeline.reading.page import PageView
from pipeline.reading.questionnaire import _squared_on, square_on
from pipeline.reading.scales import scale_from_numbers
from pipeline.reading.tables import Rulings, table_corners

DPI = 200


def _page() -> np.ndarray:
    return np.full((2200, 1700), 255, np.uint8)


def _boxes(lean: float, skip: frozenset[tuple[int, int]] = frozenset()) -> np.ndarray:
    """Five rows of five tick boxes, each row shifted ``lean`` pixels per pixel down (a
    lens's leaning columns); the boxes in ``skip`` (row, column) crossed through by hand."""
    gray = _page()
    for row in range(5):
        y = 600 + 60 * row
        for col in range(5):
            x = int(1000 + 95 * col + lean * (y - 600))
            cv2.rectangle(gray, (x, y), (x + 26, y + 26), 0, 2)
            if (row, col) in skip:
                cv2.line(gray, (x - 6, y - 6), (x + 32, y + 32), 0, 3)
                cv2.line(gray, (x + 32, y - 6), (x - 6, y + 32), 0, 3)
    return gray


def _column_drift(gray: np.ndarray) -> float:
    """How far the first column's boxes stray left and right of each other, in pixels."""
    xs = [s.cx for s in find_shapes(binarise(gray, DPI), DPI) if s.w < 40]
    first = [x for x in xs if x < min(xs) + 95 / 2]  # within half a pitch of the leftmost
    return max(first) - min(first)


def _view(gray: np.ndarray, words: tuple[Word, ...] = ()) -> PageView:
    return PageView(1, gray, DPI, words, "ocr")


def test_leaning_columns_of_tick_boxes_are_made_upright_with_crossed_boxes_among_them() -> None:
    gray = _boxes(-0.13, skip=frozenset({(0, 3), (1, 0), (2, 4), (3, 2), (4, 3)}))
    assert _column_drift(gray) > 25
    matrix = lattice_matrix(gray, DPI)
    assert matrix is not None
    flat = square_on(_view(gray)).gray
    assert _column_drift(flat) <= 3


def test_the_words_move_with_the_page_made_square_on() -> None:
    gray = _boxes(-0.13)
    label = Word("5", 0.9, (1380 + 40, 560, 1380 + 52, 584))  # over the last column, top
    moved = square_on(_view(gray, (label,)))
    assert moved.words[0].box != label.box
    assert moved.words[0].text == "5"


def test_upright_options_and_born_digital_pages_are_left_as_they_are() -> None:
    upright = _boxes(0.0)
    assert lattice_matrix(upright, DPI) is None
    assert square_on(_view(upright)).gray is upright
    leaning = _boxes(-0.13)
    digital = PageView(1, leaning, DPI, (), "layer")
    assert square_on(digital) is digital
    assert lattice_matrix(_page(), DPI) is None  # no options at all


def _ruled(grid: np.ndarray) -> np.ndarray:
    """A ruled table of 4 rows x 6 columns drawn on the page."""
    for k in range(7):
        cv2.line(grid, (300 + 200 * k, 500), (300 + 200 * k, 900), 0, 3)
    for k in range(5):
        cv2.line(grid, (300, 500 + 100 * k), (1500, 500 + 100 * k), 0, 3)
    return grid


def test_a_ruled_grid_seen_at_an_angle_is_warped_back_to_a_rectangle() -> None:
    flat = _ruled(_page())
    corners = np.array([[300, 500], [1500, 500], [1500, 900], [300, 900]], np.float32)
    seen = np.array([[330, 500], [1470, 505], [1500, 900], [300, 895]], np.float32)  # top narrower
    photo = cv2.warpPerspective(
        flat, cv2.getPerspectiveTransform(corners, seen), (1700, 2200), borderValue=255
    )
    ruled = Rulings.of(square_on(_view(photo)).gray, DPI)
    found = table_corners(ruled.horiz, ruled.vert, DPI)
    assert found is not None
    (tl, tr, br, bl) = found
    assert abs(tl[0] - bl[0]) <= 3 and abs(tr[0] - br[0]) <= 3
    assert abs(tl[1] - tr[1]) <= 3 and abs(bl[1] - br[1]) <= 3
    square = _ruled(_page())
    assert square_on(_view(square)).gray is square  # square-on already: untouched


def test_the_masks_made_while_squaring_are_those_of_the_page_returned() -> None:
    """The rows' reader takes the ink and ruling masks square_on made instead of making
    them again: they must be the returned page's, whether it was warped or left alone."""
    flat = _ruled(_page())
    corners = np.array([[300, 500], [1500, 500], [1500, 900], [300, 900]], np.float32)
    seen = np.array([[330, 500], [1470, 505], [1500, 900], [300, 895]], np.float32)
    photo = cv2.warpPerspective(
        flat, cv2.getPerspectiveTransform(corners, seen), (1700, 2200), borderValue=255
    )
    for gray in (photo, _ruled(_page())):
        view, ruled = _squared_on(_view(gray))
        again = Rulings.of(view.gray, DPI)
        assert ruled is not None and ruled.gray is view.gray
        for made, remade in ((ruled.ink, again.ink), (ruled.horiz, again.horiz),
                             (ruled.vert, again.vert)):  # fmt: skip
            assert np.array_equal(made, remade)
    # Warped by its options' lattice (no ruling): no masks of the new page to give.
    leaning = _boxes(-0.13)
    view, ruled = _squared_on(_view(leaning))
    assert view.gray is not leaning and ruled is None


def test_a_lone_s_over_a_column_is_the_five_ocr_misread() -> None:
    over = [number_of(t) for t in ("", "2", "3", "4", "s")]
    scale = scale_from_numbers(over)
    assert scale is not None and scale.values == (1.0, 2.0, 3.0, 4.0, 5.0)
    assert number_of("so") is None


def test_upright_rows_each_with_a_crossed_box_inside_are_left_as_they_are() -> None:
    # Four options a row, one crossed by hand: a row found as three options leaves a gap
    # of two pitches between two of them, which is no pitch of its own.
    gray = _page()
    for row in range(6):
        y = 600 + 60 * row
        for col in range(4):
            x = 1000 + 95 * col
            cv2.rectangle(gray, (x, y), (x + 26, y + 26), 0, 2)
            if col == (1 if row % 3 else 2):
                cv2.line(gray, (x - 6, y - 6), (x + 32, y + 32), 0, 3)
                cv2.line(gray, (x + 32, y - 6), (x - 6, y + 32), 0, 3)
    assert lattice_matrix(gray, DPI) is None
    assert square_on(_view(gray)).gray is gray
