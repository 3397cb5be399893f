"""Choice grids read from a page image: which option of each row carries a hand's mark.

A questionnaire prints its options as small shapes (squares, circles, radio buttons,
boxes holding a number) in rows, one row per item, the options of every row in aligned
columns. :mod:`pipeline.reading.options` finds those shapes and their rows and columns;
:mod:`pipeline.reading.labels` reads what each column means from the words around it
(numbers above or inside; words such as "Très satisfait" ranked by meaning; a legend
"1 = … 4 = …"; the words at the row's ends or beside each option). This module measures
the ink each option carries beyond its printed outline: inside the shape (a cross, a
tick, a filled dot) and in a ring just around it (a number circled by hand, a cross drawn
larger than its box), less what the print gives every option of the row alike. Exactly
one clearly marked option makes the row's answer; none leaves it unanswered; two, or a
faint mark, leave it to a person. Marks on a scale that could not be understood are
counted, so that no satisfaction is made of the other items alone.

It reads pixels only (scans, photos and rendered born-digital pages alike) plus the
page's words with their boxes (text layer or OCR). Nothing here knows a template: the
rules are about shapes, alignment and the meaning of French scale words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import cv2
import numpy as np

from pipeline.ocr import Word
from pipeline.parse import fold
from pipeline.reading.faces import aligned, faces_scale
from pipeline.reading.ink import crop, drop_specks, erase_boxes
from pipeline.reading.labels import (
    block_scale,
    column_numbers,
    end_words,
    extend_by_labels,
    extend_by_words,
    header_groups,
    header_words,
    in_words,
    inline_scale,
    label_band,
    label_boxes,
    number_of,
    printed,
)
from pipeline.reading.numberline import line_scale, number_ink, number_lines
from pipeline.reading.options import (
    Block,
    blocks_of,
    extend_by_outlines,
    fill_rows,
    find_shapes,
    outlined,
    row_step,
    shape_rows,
)
from pipeline.reading.scales import Scale, level_of, scale_from_levels, scale_from_numbers
from pipeline.reading.tables import Rulings
from pipeline.reading.words import Box, inset
from pipeline.reading.words import lines as lines_of


class HeaderReader(Protocol):
    """Reads a crop of the page again when its words say nothing (a label run into a ruling
    by the page's OCR, small print on a photo)."""

    def line(self, box: Box) -> str:
        """The crop read as one line of text."""

    def words(self, box: Box) -> list[Word]:
        """The crop's words, boxed in page pixels."""


#: Mark strength (extra ink over the row's typical option, in shares of the option's area).
MARKED = 0.12
EMPTY = 0.035
#: Rows read with less confidence than this are listed for a person.
REVIEW_BELOW = 0.7
#: A second mark under this share of the first is a trace, not a second answer.
SPILL = 0.2


@dataclass(frozen=True)
class RowRead:
    """One item: its options' values, the mark strengths, and what was decided."""

    y: int
    scale: Scale
    strengths: tuple[float, ...]
    chosen: int | None  # index of the marked option
    state: str  # "answered" | "unanswered" | "double" | "unsure"
    confidence: float

    @property
    def value(self) -> float | None:
        return self.scale.values[self.chosen] if self.chosen is not None else None


@dataclass(frozen=True)
class PageChoices:
    """Every choice row of a page, top to bottom, and what could not be made sense of."""

    rows: tuple[RowRead, ...] = ()
    problems: tuple[str, ...] = field(default=())
    unread: int = 0  # rows marked by hand whose scale was not understood


def marks_ink(
    gray: np.ndarray, dpi: int, ruled: Rulings | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The page's ink, and that ink without ruling lines and specks (what a hand adds).

    ``ruled``: the ink and ruling masks of ``gray`` if already made (the same functions,
    the same arguments)."""
    if ruled is None:
        ruled = Rulings.of(gray, dpi)
    ink, horiz, vert = ruled.ink, ruled.horiz, ruled.vert
    bare = ink.copy()
    bare[cv2.bitwise_or(horiz, vert) > 0] = 0
    return ink, drop_specks(bare, dpi)


def without_print(bare: np.ndarray, words: Sequence[Word]) -> np.ndarray:
    """The ink with printed words taken out: a statement that runs into its row's first
    option is print, not a mark."""
    return erase_boxes(bare.copy(), [word.box for word in printed(words)])


def _zones(block: Block) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    """Masks, centred on an option, of its inside (within the outline) and of a ring
    around it (beyond the outline), and the offset of the masks' origin."""
    w, h = block.width, block.height
    reach = int(round(0.3 * min(w, h))) + 2
    if len(block.ys) > 1:
        # An option's surroundings end halfway to the next row: a hand's circle round an
        # option of the row above is not this one's.
        reach = max(2, min(reach, int(row_step(block) / 2 - h / 2)))
    size = (h + 2 * reach, w + 2 * reach)
    outline = np.zeros(size, np.uint8)
    if block.round:
        cv2.ellipse(outline, (reach + w // 2, reach + h // 2), (w // 2, h // 2), 0, 0, 360, 255, -1)
    else:
        cv2.rectangle(outline, (reach, reach), (reach + w - 1, reach + h - 1), 255, -1)
    shrink = max(2, int(round(0.16 * min(w, h))))
    inside = cv2.erode(outline, np.ones((2 * shrink + 1,) * 2, np.uint8))
    near = cv2.dilate(outline, np.ones((2 * max(2, shrink // 2) + 1,) * 2, np.uint8))
    far = cv2.dilate(outline, np.ones((2 * reach + 1,) * 2, np.uint8))
    ring = cv2.subtract(far, near)
    return inside > 0, ring > 0, (reach, reach)


def option_ink(bare: np.ndarray, block: Block, row: int) -> list[float]:
    """Ink inside and around each option of a row, in shares of the option's inside."""
    inside, ring, (dx, dy) = _zones(block)
    # A wide box (a number's) is measured as if square: a mark spans its height only.
    ys, xs = np.nonzero(inside)
    span = (float(np.ptp(xs)) + 1, float(np.ptp(ys)) + 1) if xs.size else (1.0, 1.0)
    area = max(1.0, float(inside.sum()) * min(span) / max(span))
    out = []
    for col in range(len(block.columns)):
        left, top, _, _ = block.box(row, col)
        x0, y0 = left - dx, top - dy
        part = crop(bare, x0, y0, inside.shape)
        out.append((float((part[inside] > 0).sum()) + float((part[ring] > 0).sum())) / area)
    return out


def decide(inks: Sequence[float]) -> tuple[int | None, str, float, tuple[float, ...]]:
    """The marked option of a row from the ink of its options (what the print gives every
    option alike, a number inside, a label above, is the row's median and is taken off)."""
    base = float(np.median(inks))
    strengths = tuple(round(max(0.0, v - base), 3) for v in inks)
    order = sorted(range(len(strengths)), key=lambda i: strengths[i], reverse=True)
    top, second = strengths[order[0]], strengths[order[1]]
    if top <= EMPTY:
        return None, "unanswered", round(min(0.99, 0.8 + 0.19 * (1 - top / EMPTY)), 3), strengths
    if top >= MARKED and MARKED <= second < SPILL * top:
        # A full mark and a trace beside it (a stroke that ran on, a photo's smudge): the
        # full one is the answer, counted, and the row listed for a person.
        return order[0], "answered", round(REVIEW_BELOW - 0.1, 3), strengths
    if second >= MARKED or (top >= MARKED and second > 0.5 * top):
        return None, "double", 0.3, strengths
    if top < MARKED:
        return None, "unsure", 0.4, strengths
    if second > EMPTY:
        return order[0], "answered", round(0.6 + 0.3 * (1 - second / top), 3), strengths
    return (
        order[0],
        "answered",
        round(min(0.99, 0.85 + 0.14 * min(1.0, top / (3 * MARKED))), 3),
        (strengths),
    )


def _numbered(
    block: Block,
    words: Sequence[Word],
    bare: np.ndarray,
    above: float,
    legend: str,
    reread: HeaderReader | None,
) -> Scale | None:
    """A scale of numbered columns: numbers over or inside the options, read on the page,
    else each read again alone."""
    extend_by_labels(block, words, above)
    ends = end_words(block, words, 0)
    scale = scale_from_numbers(column_numbers(block, words, 0, above), legend, ends)
    if scale is not None or reread is None:
        return scale
    over = [reread.line(box) if box else "" for box in label_boxes(block, bare, above)]
    scale = scale_from_numbers([number_of(t) for t in over], legend, ends)
    if scale is None and block.width > 1.5 * block.height:
        # Boxes wide enough to hold their number: read inside them.
        by = max(3, block.height // 6)
        inside = [reread.line(inset(block.box(0, c), by)) for c in range(len(block.columns))]
        scale = scale_from_numbers([number_of(t) for t in inside], legend, ends)
    return scale


def _worded(
    block: Block,
    words: Sequence[Word],
    bare: np.ndarray,
    above: float,
    reread: HeaderReader | None,
) -> Scale | None:
    """A scale of columns headed by words ranked by meaning; a label the page OCR missed is
    read again alone."""
    extend_by_words(block, words, above)
    heads = header_words(block, words, above)
    scale = scale_from_levels([level_of(t) for t in heads])
    if scale is not None or reread is None:
        return scale
    boxes = label_boxes(block, bare, above)
    texts = [
        head if level_of(head) is not None else (reread.line(box) if box else "")
        for head, box in zip(heads, boxes, strict=True)
    ]
    scale = scale_from_levels([level_of(t) for t in texts])
    if scale is not None:
        return scale
    # Labels wrapped on two lines ("Pas du tout / satisfait"): each read whole.
    wrapped = label_boxes(block, bare, above, wrapped=True)
    if wrapped == boxes:
        return None
    texts = [
        text if again is None or again == box else _lines_text(reread.words(again))
        for text, box, again in zip(texts, boxes, wrapped, strict=True)
    ]
    return scale_from_levels([level_of(t) for t in texts])


def _lines_text(words: Sequence[Word]) -> str:
    """Words read from a crop, line after line."""
    return " ".join(w.text for line in lines_of(words) for w in line)


# --- the page --------------------------------------------------------------------------------


def read_page(
    gray: np.ndarray,
    dpi: int,
    words: Sequence[Word],
    reread: HeaderReader | None = None,
    ruled: Rulings | None = None,
) -> PageChoices:
    """Every choice row on an upright page image, with ``words`` boxed in its pixels;
    ``ruled``: the page's ink and ruling masks when made already (``Rulings.of(gray)``)."""
    ink, bare = marks_ink(gray, dpi, ruled)
    hand = without_print(bare, words)
    # The loops of a line of printed numbers ("0", "6", "8", "10") are no options (a lone
    # "0" may be a box OCR misread: only a line of numbers says they are figures).
    figures = {box for line in number_lines(words, [], bare) for box in line.digits if box}
    digits = [w.box for w in words if w.box in figures and w.text.isdigit()]
    prints = printed(words)
    shapes = [
        shape
        for shape in find_shapes(ink, dpi)
        if not in_words(shape, prints) and not any(_within(shape.box, box) for box in digits)
    ]
    blocks = blocks_of(shape_rows(shapes, dpi))
    legend = fold(" ".join(w.text for w in words))
    rows: list[RowRead] = []
    problems: list[str] = []
    taken: list[Box] = []
    previous_bottom = 0.0
    headed: Scale | None = None  # the scale a row of faces gives the block below it
    for number, block in enumerate(blocks):
        fill_rows(block)
        strip = len(block.ys) == 1 and block.width > 1.5 * block.height  # boxes of numbers
        if len(block.columns) < 3 or strip:
            extend_by_outlines(block, ink)
        above = max(previous_bottom, block.top - 1.2 * dpi)
        given, headed = headed, None
        if not 3 <= len(block.columns) <= 11:
            previous_bottom = block.ys[-1] + block.height / 2
            continue  # oui / non, or a strip of shapes that is no scale
        taken.append(_extent(block, above))
        faces = faces_scale(block, ink)
        below = blocks[number + 1] if number + 1 < len(blocks) else None
        if faces is not None and len(block.ys) == 1 and below is not None:
            near = below.top - (block.ys[-1] + block.height / 2) <= 1.2 * dpi
            if near and aligned(block, below):
                # Faces heading the columns of the options below: one over each column.
                block.columns = list(below.columns)
                headed = faces_scale(block, ink)
                previous_bottom = block.ys[-1] + block.height / 2
                continue
        inks = (ink, bare, hand)
        rows.extend(
            _block_rows(block, words, inks, above, legend, reread, problems, faces or given)
        )
        previous_bottom = block.ys[-1] + block.height / 2
    rows.extend(_number_rows(words, taken, (bare, hand), legend, reread, problems))
    return PageChoices(tuple(sorted(rows, key=lambda r: r.y)), tuple(set(problems)), len(problems))


def _within(inner: Box, outer: Box, pad: int = 3) -> bool:
    """Whether a box lies inside another (a digit's loop inside the number OCR read)."""
    return (
        inner[0] >= outer[0] - pad
        and inner[1] >= outer[1] - pad
        and inner[2] <= outer[2] + pad
        and inner[3] <= outer[3] + pad
    )


def _extent(block: Block, above: float) -> Box:
    """Where a block's options and their labels stand."""
    return (
        int(block.columns[0] - block.pitch),
        int(above),
        int(block.columns[-1] + block.pitch),
        int(block.ys[-1] + block.height),
    )


def _number_rows(
    words: Sequence[Word],
    taken: Sequence[Box],
    inks: tuple[np.ndarray, np.ndarray],
    legend: str,
    reread: HeaderReader | None,
    problems: list[str],
) -> list[RowRead]:
    """Scales printed as bare numbers, one circled or ticked (:mod:`numberline`)."""
    out = []
    bare, hand = inks
    for line in number_lines(words, taken, bare, reread.line if reread else None):
        scale = line_scale(line, legend)
        if scale is None:
            continue
        chosen, state, confidence, strengths = decide(number_ink(hand, line))
        if not line.whole and state != "unanswered":
            # Marked, but the line runs on past the numbers read: its ends are not known.
            problems.append(f"échelle non comprise ({len(line.numbers)} nombres lus)")
            continue
        out.append(RowRead(int(line.y), scale, strengths, chosen, state, confidence))
    return out


def _block_rows(
    block: Block,
    words: Sequence[Word],
    inks: tuple[np.ndarray, np.ndarray, np.ndarray],
    above: float,
    legend: str,
    reread: HeaderReader | None,
    problems: list[str],
    meant: Scale | None = None,
) -> list[RowRead]:
    """The rows of a block with their scale: labels over or beside the options, else what
    ``meant`` gives (faces printed as the options or over them)."""
    out = []
    ink, bare, hand = inks
    if reread is not None and not any(header_groups(block, words, above, block.columns)):
        # No label read over the columns: the line of print nearest the rows, read again.
        band = label_band(block, bare, above)
        if band is not None and block_scale(block, words, 0, above, legend) is None:
            words = [*words, *reread.words(band)]
    shared = _numbered(block, words, bare, above, legend, reread)
    shared = shared or _worded(block, words, bare, above, reread) or meant
    own: dict[int, Scale | None] = {}
    for row in range(len(block.ys)):
        if not block.rows[row] and sum(outlined(ink, block, row)) * 2 < len(block.columns):
            continue  # a gap between rows (a heading), not a row of options
        own_block = _own_columns(block, ink, row)
        if own_block is not None:
            # This row has fewer options than its block: read it on its own.
            own_scale = inline_scale(own_block, words, 0, legend)
            if own_scale is not None:
                out.append(_row_read(own_block, hand, 0, own_scale))
                continue
        own[row] = _row_scale(block, words, row, legend)
    common = common_scale([s for s in own.values() if s is not None])
    if common is None and shared is None and reread is not None:
        # Labels beside the options too small for the page's OCR: each row's read again.
        for row, scale in own.items():
            if scale is None:
                own[row] = _row_scale(
                    block, [*words, *reread.words(_row_band(block, row))], row, legend
                )
        common = common_scale([s for s in own.values() if s is not None])
    if (
        common is None
        and shared is None
        and reread is not None
        and 0 in own
        and not any(own.values())
    ):
        # Print so small a band of the row reads nothing ("◯4  ◯3"): each label beside
        # its option read alone, on the first row; the others share what it says.
        own[0] = _row_scale(block, [*words, *_beside(block, 0, reread)], 0, legend)
        common = common_scale([s for s in own.values() if s is not None])
    reads: list[tuple[int, Scale, list[float]]] = []
    for row, scale in own.items():
        scale = common or scale or shared
        measured = option_ink(hand, block, row)
        if scale is None or len(scale.values) != len(block.columns):
            # A lone row of shapes each holding print (the loops of a title's letters) is
            # no row of options; rows of a grid are, however blurred their outlines.
            drawn = len(block.ys) == 1 and min(measured) >= MARKED
            if not drawn and decide(measured)[1] != "unanswered":
                problems.append(f"échelle non comprise ({len(block.columns)} options)")
            continue
        reads.append((row, scale, measured))
    floor = column_print([measured for _, _, measured in reads])
    for row, scale, measured in reads:
        marks = [ink - base for ink, base in zip(measured, floor, strict=True)]
        chosen, state, confidence, strengths = decide(marks)
        if state == "double" and strengths[0] >= MARKED and print_runs_in(bare, block, row):
            chosen, state, confidence, strengths = _past_print(marks)
        out.append(RowRead(int(block.ys[row]), scale, strengths, chosen, state, confidence))
    return faint_in_doubt(out)


#: Print runs into a row's first option when the band left of it, this many options wide,
#: carries ink over this share of its columns and up to the option's surroundings.
RUN_IN_WIDTH = 2.0
RUN_IN_SHARE = 0.35


def print_runs_in(bare: np.ndarray, block: Block, row: int) -> bool:
    """Whether the row's statement runs on into its first option (a long sentence printed
    through the box): a line of letters left of the option reaching up to its edge, where a
    hand's cross ends a little past the box."""
    left, top, _, bottom = block.box(row, 0)
    reach = int(round(0.3 * min(block.width, block.height))) + 2
    end = left - reach
    start = int(end - RUN_IN_WIDTH * block.width)
    shrink = max(2, block.height // 6)
    band = crop(bare, start, top + shrink, (bottom - top - 2 * shrink, end - start))
    if band.size == 0:
        return False
    columns: np.ndarray = np.any(band > 0, axis=0)
    near = columns[-max(2, columns.size // 4) :]
    return bool(columns.mean() >= RUN_IN_SHARE and near.any())


def _past_print(marks: Sequence[float]) -> tuple[int | None, str, float, tuple[float, ...]]:
    """A row decided on its options after the first, whose ink print runs into: one clear
    mark there is the answer (the first option's "mark" is the print's letters); else
    the row stays in doubt."""
    chosen, state, confidence, rest = decide(marks[1:])
    strengths = (round(max(0.0, marks[0]), 3), *rest)
    if state != "answered" or chosen is None:
        return None, "double", 0.3, strengths
    return chosen + 1, state, min(confidence, 0.8), strengths


def column_print(inks: Sequence[Sequence[float]]) -> list[float]:
    """What each column of a block carries in every row alike (a label printed close to its
    options, a face's broader smile): the least it carries in any row, when that is well
    below the hand's marks (a column every row marked keeps its marks)."""
    if len(inks) < 3:
        return [0.0] * (len(inks[0]) if inks else 0)
    strengths = [decide(row)[3] for row in inks]
    tops = [max(s) for s in strengths if max(s) >= MARKED]
    if not tops:
        return [0.0] * len(strengths[0])
    typical = float(np.median(tops))
    least = [min(s[col] for s in strengths) for col in range(len(strengths[0]))]
    return [v if v < 0.5 * typical else 0.0 for v in least]


#: A mark far fainter than the hand's other marks in a block (this share of their median)
#: is a speck or a slip, not an answer: left to a person.
FAINT = 0.35
#: The only mark of a block whose other rows are blank must be this many times ``MARKED``.
LONE = 2.0


def faint_in_doubt(rows: list[RowRead]) -> list[RowRead]:
    """The rows of one block, a mark much fainter than its others' put in doubt (one hand
    marks one way: a scan's speck on a radio button is no answer beside filled ones)."""
    tops = [max(row.strengths) for row in rows if row.state == "answered"]
    blank = sum(row.state == "unanswered" for row in rows)
    if len(tops) == 1 and blank >= 2 and tops[0] < LONE * MARKED:
        # One weak mark on a form otherwise handed back blank: a scan's speck on a box's
        # edge as likely as an answer.
        return [
            replace(row, chosen=None, state="unsure", confidence=0.4)
            if row.state == "answered"
            else row
            for row in rows
        ]
    if len(tops) < 3:
        return rows
    typical = float(np.median(tops))
    return [
        replace(row, chosen=None, state="unsure", confidence=0.4)
        if row.state == "answered" and max(row.strengths) < FAINT * typical
        else row
        for row in rows
    ]


def _row_scale(block: Block, words: Sequence[Word], row: int, legend: str) -> Scale | None:
    """A row's own scale: labels beside its options, else numbers over them (a row after
    the first; the first row's are the block's)."""
    scale = inline_scale(block, words, row, legend)
    if scale is not None or not row:
        return scale
    above = block.ys[row] - 0.6 * row_step(block)
    numbers = column_numbers(block, words, row, above)
    return scale_from_numbers(numbers, legend, end_words(block, words, row))


def _beside(block: Block, row: int, reread: HeaderReader) -> list[Word]:
    """What is printed just right of each option of a row, each read alone."""
    y, half = block.ys[row], block.width / 2
    out = []
    for col, x in enumerate(block.columns):
        end = block.columns[col + 1] - half if col + 1 < len(block.columns) else x + block.pitch
        box = (int(x + half), int(y - block.height / 2), int(end), int(y + block.height / 2))
        text = reread.line(box)
        if text:
            out.append(Word(text, 1.0, box))
    return out


def _row_band(block: Block, row: int) -> Box:
    """A row of options and the labels printed beside them."""
    y, half = block.ys[row], block.height
    left = int(block.columns[0] - block.width)
    return (max(0, left), int(y - half), int(block.columns[-1] + block.pitch), int(y + half))


def common_scale(scales: Sequence[Scale]) -> Scale | None:
    """The scale the rows of a block print beside their options, read on most of them: the
    rows share their columns, so a row whose labels OCR garbled has the same."""
    if not scales:
        return None
    votes = Counter(scales)
    best, count = votes.most_common(1)[0]
    return best if 3 * count >= 2 * len(scales) else None


def _row_read(block: Block, hand: np.ndarray, row: int, scale: Scale) -> RowRead:
    chosen, state, confidence, strengths = decide(option_ink(hand, block, row))
    return RowRead(int(block.ys[row]), scale, strengths, chosen, state, confidence)


def _own_columns(block: Block, ink: np.ndarray, row: int) -> Block | None:
    """The row alone on the columns where it has options, when that is fewer than its
    block's (three or more, side by side); None otherwise."""
    present = outlined(ink, block, row)
    if all(present) or sum(present) < 3:
        return None
    first, last = present.index(True), len(present) - 1 - present[::-1].index(True)
    if not all(present[first : last + 1]):
        return None
    return Block(
        [block.rows[row]],
        block.columns[first : last + 1],
        [block.ys[row]],
        block.width,
        block.height,
        block.round,
    )
