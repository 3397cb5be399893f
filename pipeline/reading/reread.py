"""Print the page's OCR missed, read again line by line with the engine's single-line mode.

On photos and scans, Tesseract's page layout analysis drops small bold lines (a block's
label under "Fait à ...") and print too small for the page's reading (an e-signature
mention in a box); it reads them in single-line mode on a crop of that line alone. Lines
are found as the ink left once the words read and the long lines are erased, letters joined
across a small gap. This module reads them: below the labels when an expected party's label
is missing, in a block that looks empty (an e-signature mention, or other print that makes
the box no confident "unsigned"), and the lines of a signed-looking block that read as a
hand mention ("Lu et approuvé", a date) rather than a signature.
"""

from __future__ import annotations

import re
from dataclasses import replace

import cv2
import numpy as np
from PIL import Image

from pipeline.ocr import OcrEngine, Word
from pipeline.parse import fold
from pipeline.reading.blocks import Label, in_stamps
from pipeline.reading.caption import caption_bottom, is_hand_mention, is_instruction
from pipeline.reading.esign import ESignature, mention_opening, mention_parts
from pipeline.reading.handwriting import INK_SIGNED_IN2, erase_words, long_lines, measure_ink
from pipeline.reading.ink import dark
from pipeline.reading.page import PageView
from pipeline.reading.words import Box, lines_text, same_row, union, word_runs

#: Text lines the page's OCR missed are found as ink left once its words and the long lines
#: are erased, letters joined across this gap (inches); a line is this high (inches).
LINE_JOIN_IN = 0.12
LINE_HEIGHT_IN = (0.05, 0.35)
#: Grey darker than this belongs to a letter (its blurred edge included).
NEIGHBOUR_LEVEL = 230
#: Letters read in the lines of an empty-looking block that make it hold print.
SMALL_PRINT_LETTERS = 8
#: Ink darker than this is print or pen (the page's light is evened out beforehand).
INK_LEVEL = 160


def reread_lines(view: PageView, engine: OcrEngine, top: int) -> PageView:
    """``view`` with the text lines its OCR missed below ``top`` read again, one by one.

    On photos, Tesseract's page layout analysis drops small bold lines (a block label
    under "Fait à ...") that it reads in single-line mode on a crop of that line alone.
    """
    height, width = view.gray.shape
    words = [word for line in text_lines(view, (0, top, width, height)) for word in
             _read_line(view, engine, line)]  # fmt: skip
    if not words:
        return view
    every = view.words + tuple(words)
    return replace(view, words=every, text="\n".join(lines_text(every)))


def text_lines(view: PageView, area: Box) -> list[Box]:
    """Boxes (page pixels) of the lines of print in ``area`` that no word read covers."""
    left, top, right, bottom = area
    ink = dark(view.gray[top:bottom, left:right], INK_LEVEL)
    if ink.size == 0:
        return []
    ink = ink & (1 - long_lines(ink, view.dpi))
    ink = erase_words(ink, view.words, area, view.dpi)
    join = max(3, int(LINE_JOIN_IN * view.dpi))
    joined = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, join), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    low, high = (int(limit * view.dpi) for limit in LINE_HEIGHT_IN)
    boxes = []
    for i in range(1, count):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if low <= h <= high and w >= 0.15 * view.dpi:
            boxes.append((x + left, y + top, x + w + left, y + h + top))
    return sorted(boxes, key=lambda box: (box[1], box[0]))


def _read_line(view: PageView, engine: OcrEngine, line: Box) -> list[Word]:
    """The words of one line crop, read by the engine's single-line mode, in page pixels.

    The crop is padded by a third of the line's height and the long straight lines in it
    (a box border beside the print) are whitened: a border in the crop blanks the reading.
    """
    x0, y0, x1, y1 = line
    height, width = view.gray.shape
    pad_y = max(2, (y1 - y0) // 3)
    pad_x = max(2, int(0.02 * view.dpi))
    left, top = max(0, x0 - pad_x), max(0, y0 - pad_y)
    right, bottom = min(width, x1 + pad_x), min(height, y1 + pad_y)
    crop = view.gray[top:bottom, left:right].copy()
    wide = view.gray[
        max(0, top - view.dpi // 2) : min(height, bottom + view.dpi // 2),
        max(0, left - view.dpi // 2) : min(width, right + view.dpi // 2),
    ]
    lines = long_lines(dark(wide, INK_LEVEL), view.dpi)
    offset_y, offset_x = top - max(0, top - view.dpi // 2), left - max(0, left - view.dpi // 2)
    crop[lines[offset_y : offset_y + crop.shape[0], offset_x : offset_x + crop.shape[1]] > 0] = 255
    _clear_neighbours(crop)
    result = engine.recognise_line(Image.fromarray(crop), view.dpi)
    return [
        Word(w.text, w.confidence, (w.box[0] + left, w.box[1] + top, w.box[2] + left,
                                    w.box[3] + top))
        for w in result.words
        if w.text.strip()
    ]  # fmt: skip


def _clear_neighbours(crop: np.ndarray) -> None:
    """Whiten the ends of the lines above and below that the crop's edges cut through: the
    tops of the next line's letters under a line blank Tesseract's single-line reading."""
    # Letters' blurred edges too, but not the paper (the crop is mostly paper).
    level = min(NEIGHBOUR_LEVEL, int(np.median(crop)) - 20)
    marks = (crop < level).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(marks, connectivity=8)
    bottom = crop.shape[0]
    cut = [
        i
        for i in range(1, count)
        if (stats[i, cv2.CC_STAT_TOP] == 0
            or stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT] == bottom)
        and stats[i, cv2.CC_STAT_AREA] < 0.1 * crop.size
    ]  # fmt: skip
    if cut:
        mask = np.isin(labels, cut).astype(np.uint8)
        crop[cv2.dilate(mask, np.ones((5, 5), np.uint8)) > 0] = 255


def small_print(
    view: PageView,
    engine: OcrEngine,
    label: Label,
    region: Box,
    page: int,
) -> ESignature | bool:
    """Print in an empty-looking block that the page's OCR missed, read line by line: an
    e-signature mention (returned), other printed words (True: a stamp?), or nothing.

    The caption stacked under the label (the signatory's name, a "cachet et signature") is
    the block's own print, not something in it; so is an instruction read again.
    """
    below = caption_bottom(view.words, label.box, region)
    stamped = in_stamps(view, region)
    missed = [
        line
        for line in text_lines(view, region)
        if line[1] > below and not stamped(Word("", 1.0, line))
    ]
    if not missed:
        return False
    left, _, right, bottom = region
    inside = [w for w in view.words if w.box[1] > below and w.box[3] <= bottom
              and left <= w.box[0] and w.box[2] <= right]  # fmt: skip
    # A line read in part is read again whole: the page's OCR may have missed its start.
    rows: list[tuple[Box, list[Word]]] = []
    for run in word_runs(inside):
        box = union([w.box for w in run])
        if not any(same_row(box, line) for line in missed):
            rows.append((box, run))
    reread = []
    for line in missed:
        whole = union([line] + [w.box for w in inside if same_row(w.box, line)])
        words = _read_line(view, engine, whole)
        if words:
            reread.append(words)
            rows.append((whole, words))
    if not reread:
        return False
    rows.sort(key=lambda row: row[0][1])
    text = "\n".join(" ".join(w.text for w in words) for _, words in rows)
    if mention_opening(text) is not None:
        x0, top, x1, bottom = reread[0][0].box
        where = ((x0 + x1) / 2 / view.dpi, (top + bottom) / 2 / view.dpi)
        signer, when = mention_parts(text)
        return ESignature("mention", signer, when, page, where)
    reread = [words for words in reread if not is_instruction(words)]
    folded = fold(" ".join(w.text for words in reread for w in words))
    # Too small or blurred to read, a line of print still reads as a string of letters,
    # where the specks of an empty box read as a letter or two at most.
    return len(re.findall(r"\w", folded)) >= SMALL_PRINT_LETTERS


def hand_mentions(view: PageView, engine: OcrEngine, region: Box) -> list[Box]:
    """Lines of ink in ``region`` that read as a hand mention (:func:`is_hand_mention`),
    read one by one: the page's OCR seldom reads handwriting. None are read when the ink
    outside every line-shaped mark already makes a signature (the usual case)."""
    lines = text_lines(view, region)
    if not lines or measure_ink(view, region, lines) >= INK_SIGNED_IN2:
        return []
    return [line for line in lines if is_hand_mention(_read_line(view, engine, line))]
