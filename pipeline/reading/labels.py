"""What the columns of a block of options mean, from the words printed around them.

Numbers over the options or inside them ("1 2 3 4", "0 … 10"), words heading the columns
ranked by meaning ("Très satisfait … Pas du tout satisfait"), a legend ("1 = … 4 = …"),
the words at a row's ends ("Pas satisfait … Très satisfait"), or labels printed beside
each option ("☐ Oui ☐ En partie ☐ Non"). Words come with boxes in the page image's pixels
(a text layer or OCR); a legend's or a title's words are not taken for column labels.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from statistics import median

import numpy as np

from pipeline.ocr import Word
from pipeline.reading.options import Block, Shape
from pipeline.reading.scales import Scale, level_of, scale_from_levels, scale_from_numbers
from pipeline.reading.words import Box
from pipeline.reading.words import lines as lines_of


def printed(words: Sequence[Word]) -> list[Word]:
    """Words that are surely print: confident, of three letters or more, a line high (OCR
    also makes "words" of a column of marks, many lines high)."""
    if not words:
        return []
    line = median(w.box[3] - w.box[1] for w in words)
    return [
        w
        for w in words
        if sum(ch.isalpha() for ch in w.text) >= 3
        and w.confidence >= 0.6
        and w.box[3] - w.box[1] <= 2 * line
    ]


def in_print(shape: Shape, words: Sequence[Word]) -> bool:
    """Whether a shape is a letter of a printed word (an "o", a "D")."""
    return in_words(shape, printed(words))


def in_words(shape: Shape, words: Sequence[Word]) -> bool:
    """Whether a shape's centre lies in one of ``words`` (:func:`printed` ones, found once
    for a page's many shapes)."""
    return any(w.box[0] <= shape.cx <= w.box[2] and w.box[1] <= shape.cy <= w.box[3] for w in words)


_NUMBER = re.compile(r"^\(?(\d{1,2})\)?[.:)]?$")


_DIGIT_SLIPS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1", "S": "5"})


def number_of(text: str) -> int | None:
    """A printed option number ("3", "(3)", "3."), with OCR's usual letter-for-digit slips
    (not in a lone letter: a circle is read "O"; but a lone "l" is a 1, a lone "s" a 5)."""
    text = text.strip()
    if text in ("l", "I", "i", "|"):
        return 1
    if text in ("s", "S"):
        return 5
    text = text.strip("'\"‘’“”_—-., ")
    m = _NUMBER.match(text if len(text) < 2 else text.translate(_DIGIT_SLIPS))
    return int(m.group(1)) if m else None


def _centre(word: Word) -> tuple[float, float]:
    """A word's centre; a short word boxed far taller than wide (OCR ran it into a column's
    ruling) is placed at its top, where its print is."""
    left, top, right, bottom = word.box
    height = bottom - top
    if len(word.text) <= 3 and height > 2 * max(1, right - left) * max(1, len(word.text)):
        height = int(1.5 * (right - left) / max(1, len(word.text)))
    return (left + right) / 2, top + height / 2


def column_numbers(block: Block, words: Sequence[Word], row: int, above: float) -> list[int | None]:
    """The number printed on each column: inside the option, or just above the row (the
    block's first row, or this row when each row carries its own numbers)."""
    pitch = block.pitch
    numbers = [(*_centre(w), value) for w in words if (value := number_of(w.text)) is not None]
    out: list[int | None] = []
    for col, x in enumerate(block.columns):
        left, top, right, bottom = block.box(row, col)
        found = None
        best = float("inf")
        for wx, wy, value in numbers:
            if abs(wx - x) > 0.35 * pitch:
                continue
            inside = top <= wy <= bottom
            over = above <= wy < top
            if inside or over:
                distance = 0 if inside else top - wy
                if distance < best:
                    found, best = value, distance
        out.append(found)
    return out


def header_words(block: Block, words: Sequence[Word], above: float) -> list[str]:
    """The label over each column, between ``above`` and the block's first row; all empty
    unless every label found stands centred over its column (words of a legend or a title
    run across the columns without regard to them)."""
    groups = header_groups(block, words, above, block.columns)
    if not _centred(groups, block.columns, block.pitch):
        return ["" for _ in block.columns]
    return [" ".join(w.text for w in _in_order(ws)) for ws in groups]


def header_groups(
    block: Block, words: Sequence[Word], above: float, columns: Sequence[float]
) -> list[list[Word]]:
    groups: list[list[Word]] = [[] for _ in columns]
    pitch = block.pitch
    span = (columns[0] - pitch, columns[-1] + pitch)
    over = [
        w
        for w in words
        if above <= _centre(w)[1] < block.top
        and w.box[3] <= block.top + block.height / 2  # not OCR's run down a column
        and span[0] <= _centre(w)[0] <= span[1]
        and re.search(r"[A-Za-zÀ-ÿ]", w.text)
    ]
    if not over:
        return groups
    # A legend ("1 = pas du tout … 4 = …") is no column label.
    lines = _lines(over)
    over = [w for line in lines if not any("=" in w.text for w in line) for w in line]
    if not over:
        return groups
    # The labels are the print nearest the first row: a line or two, not the title above.
    nearest = max(w.box[3] for w in over)
    tall = median(w.box[3] - w.box[1] for w in over)
    for word in over:
        wx, wy = _centre(word)
        if wy < nearest - 3 * tall:
            continue
        distances = [abs(wx - c) for c in columns]
        col = int(np.argmin(distances))
        if distances[col] <= 0.75 * pitch:
            groups[col].append(word)
    return groups


def _centred(groups: Sequence[list[Word]], columns: Sequence[float], pitch: float) -> bool:
    for group, x in zip(groups, columns, strict=True):
        if group and abs((min(w.box[0] for w in group) + max(w.box[2] for w in group)) / 2 - x) > (
            0.3 * pitch
        ):
            return False
    return True


def _lines(words: Sequence[Word]) -> list[list[Word]]:
    """Words by lines (a word joins the line its centre falls in, :func:`_centre`: a label
    run into a ruling sits at its top), each left to right."""
    return lines_of(words, level=lambda w: _centre(w)[1], follow=False)


def _in_order(words: list[Word]) -> list[Word]:
    return [w for line in _lines(words) for w in line]


def end_words(block: Block, words: Sequence[Word], row: int) -> tuple[str, str]:
    """The words at the left and right ends of a row (or of its number line): "Pas
    satisfait … Très satisfait"."""
    y = block.ys[row]
    pitch = block.pitch
    reach = max(block.height * 2.5, pitch)
    first, last = block.columns[0], block.columns[-1]
    level = [(w, x) for w in words for x, wy in (_centre(w),) if abs(wy - y) <= reach]
    left = [w for w, x in level if first - 3 * pitch < x < first - block.width]
    right = [w for w, x in level if last + block.width < x < last + 3 * pitch]
    return " ".join(w.text for w in _in_order(left)), " ".join(w.text for w in _in_order(right))


def extend_by_labels(block: Block, words: Sequence[Word], above: float) -> None:
    """Add the columns whose options were all marked (no outline found whole) but whose
    label stands one pitch past the block's ends, on the line of the other columns' labels
    and continuing their numbers."""
    pitch = block.pitch
    band = (above, block.ys[0] + block.height / 2)
    labels = [
        (w, number_of(w.text))
        for w in words
        if band[0] <= _centre(w)[1] <= band[1] and number_of(w.text) is not None
    ]
    over = {}
    for col, x in enumerate(block.columns):
        near = [(w, n) for w, n in labels if abs(_centre(w)[0] - x) <= 0.3 * pitch]
        if near:
            over[col] = max(near, key=lambda item: _centre(item[0])[1])
    if len(over) < 2:
        return
    line = median(_centre(w)[1] for w, _ in over.values())
    tall = median(w.box[3] - w.box[1] for w, _ in over.values())
    cols = sorted(over)
    step = (over[cols[-1]][1] - over[cols[0]][1]) / max(1, cols[-1] - cols[0])  # type: ignore[operator]
    if step not in (1, -1):
        return
    first, last = over[cols[0]][1], over[cols[-1]][1]
    for _ in range(11 - len(block.columns)):
        grown = False
        for side, x, want in (
            (0, block.columns[0] - pitch, first - step * (cols[0] + 1)),  # type: ignore[operator]
            (1, block.columns[-1] + pitch, last + step * (len(block.columns) - cols[-1])),  # type: ignore[operator]
        ):
            hit = any(
                abs(_centre(w)[0] - x) <= 0.3 * pitch
                and abs(_centre(w)[1] - line) <= tall
                and n == want
                for w, n in labels
            )
            if hit:
                block.columns = sorted([*block.columns, x])
                if side == 0:
                    cols = [c + 1 for c in cols]
                grown = True
                break
        if not grown:
            return


def extend_by_words(block: Block, words: Sequence[Word], above: float) -> None:
    """Add a column one pitch past the ends where a scale word heads it, centred, as scale
    words head every other column."""
    pitch = block.pitch
    for _ in range(11 - len(block.columns)):
        ends = (block.columns[0] - pitch, block.columns[-1] + pitch)
        columns = [ends[0], *block.columns, ends[1]]
        groups = header_groups(block, words, above, columns)
        labels = [level_of(" ".join(w.text for w in _in_order(g))) for g in groups]
        if not _centred(groups, columns, pitch) or labels[1:-1].count(None) > 1:
            return
        found = [x for x, label in ((ends[0], labels[0]), (ends[1], labels[-1])) if label]
        if not found:
            return
        block.columns = sorted([*block.columns, found[0]])


def inline_labels(block: Block, words: Sequence[Word], row: int) -> list[str]:
    """The words printed just right of each option on its line ("☐ Oui  ☐ En partie",
    "☐ 4 - Tout à fait"), up to the next option."""
    y, half = block.ys[row], block.width / 2
    pitch = block.pitch
    level = [w for w in words if abs(_centre(w)[1] - y) <= block.height]
    out = []
    for col, x in enumerate(block.columns):
        end = block.columns[col + 1] - half if col + 1 < len(block.columns) else x + pitch
        beside = [w for w in level if x + half - 2 <= w.box[0] and w.box[2] <= end + 2]
        out.append(" ".join(w.text for w in sorted(beside, key=lambda w: w.box[0])))
    return out


def inline_scale(block: Block, words: Sequence[Word], row: int, legend: str) -> Scale | None:
    """A row's own scale from the labels beside its options: numbers first ("4 - Tout à
    fait"), else words ranked by meaning ("Oui / En partie / Non")."""
    labels = inline_labels(block, words, row)
    if not all(labels):
        return None
    numbers = [number_of(label.split()[0]) for label in labels]
    if all(n is not None for n in numbers):
        # The words after each number say which end is best, as a legend would.
        words_after = [label.split(maxsplit=1)[1:] for label in labels]
        said = " , ".join(
            f"{n} = {rest[0].lstrip('-–: ')}"
            for n, rest in zip(numbers, words_after, strict=True)
            if rest
        )
        return scale_from_numbers(numbers, f"{said} , {legend}")
    return scale_from_levels([level_of(label) for label in labels])


def block_scale(
    block: Block, words: Sequence[Word], row: int, above: float, legend: str
) -> Scale | None:
    """What each column of the block means, from numbers, then scale words."""
    numbers = column_numbers(block, words, row, above)
    ends = end_words(block, words, row)
    scale = scale_from_numbers(numbers, legend, ends)
    if scale is not None:
        return scale
    levels = [level_of(text) for text in header_words(block, words, above)]
    return scale_from_levels(levels)


def label_band(block: Block, bare: np.ndarray, above: float) -> Box | None:
    """The line of column labels above the block, across its columns and a pitch beyond
    (where the label of a column of marked options only may stand)."""
    boxes = [box for box in label_boxes(block, bare, above) if box is not None]
    if not boxes:
        return None
    left = max(0, int(block.columns[0] - 1.5 * block.pitch))
    right = int(block.columns[-1] + 1.5 * block.pitch)
    top = int(median(box[1] for box in boxes))
    bottom = int(median(box[3] for box in boxes))
    return (left, top, right, bottom)


def label_boxes(
    block: Block, bare: np.ndarray, above: float, wrapped: bool = False
) -> list[Box | None]:
    """Each column's label: the line of print over it, above the block's first row, at the
    level where most columns have theirs (a mark poking out of a first-row option is not
    it); ``wrapped``: with the line just over it, a label wrapped on two lines ("Pas du
    tout / satisfait")."""
    half = int(0.45 * block.pitch)
    bottom = int(block.top - 0.35 * block.height)
    top = int(max(0, above))
    gap = max(3, block.height // 6)
    runs_of: list[list[np.ndarray]] = []
    for x in block.columns:
        strip = bare[top:bottom, max(0, int(x) - half) : int(x) + half]
        inked = np.flatnonzero(strip.any(axis=1)) if strip.size else np.array([], int)
        runs_of.append(
            np.split(inked, np.flatnonzero(np.diff(inked) > gap) + 1) if inked.size else []
        )
    lowest = [float(runs[-1].mean()) for runs in runs_of if runs]
    if not lowest:
        return [None for _ in block.columns]
    level = median(lowest)
    pad = max(3, block.height // 4)
    boxes: list[Box | None] = []
    for x, runs in zip(block.columns, runs_of, strict=True):
        if not runs:
            boxes.append(None)
            continue
        at = min(range(len(runs)), key=lambda i: abs(float(runs[i].mean()) - level))
        line, first, last = runs[at], int(runs[at][0]), int(runs[at][-1])
        if wrapped and at and first - int(runs[at - 1][-1]) <= 0.8 * len(line):
            first = int(runs[at - 1][0])  # the label's first line, set just above
        elif wrapped and at + 1 < len(runs) and int(runs[at + 1][0]) - last <= 0.8 * len(line):
            last = int(runs[at + 1][-1])  # or its second line, set just below
        left = max(0, int(x) - half)
        boxes.append((left, top + first - pad, int(x) + half, top + last + pad))
    return boxes
