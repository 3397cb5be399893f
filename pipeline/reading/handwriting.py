"""The handwriting in a signature block, told from what was printed there.

The ink of a block's window is measured once everything that is no signature is erased:
a company stamp (its frame and small print, :mod:`pipeline.reading.stamps`), rulings (box
borders and signing lines, straight for half an inch where a pen stroke is not), printed
words, specks, and any boxes the caller names (the lines written by hand that read as "Lu
et approuvé" or a date). What is left, in square inches, says signed or empty.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from pipeline.ocr import Word
from pipeline.reading.ink import Bridge, dark, drop_specks, erase_boxes, rulings
from pipeline.reading.page import PageView
from pipeline.reading.stamps import stamp_pixels
from pipeline.reading.words import PRINT_CONFIDENCE, Box, typical_height

#: Ink (square inches, specks and printed matter removed) separating signed from empty.
#: Measured on the samples: empty blocks leave < 0.002, signatures 0.03 to 0.15.
INK_SIGNED_IN2 = 0.012
#: Grey darker than this is print or pen ink.
PEN_LEVEL = 150
#: Grey darker than this may belong to a ruling (a thin line scanned is light grey).
RULING_LEVEL = 200
#: Gaps along a scanned ruling bridged before it is recognised as one, inches.
LINE_GAP_IN = 0.03
#: A pen stroke runs at least this far (inches); dust and JPEG noise are dots.
STROKE_IN = 0.1


def measure_ink(view: PageView, region: Box, erase: Sequence[Box] = ()) -> float:
    """Square inches of handwriting in ``region``: stamps, printed words, lines, specks and
    the boxes ``erase`` (page pixels) removed."""
    left, top, right, bottom = region
    crop = view.gray[top:bottom, left:right]
    if crop.size == 0:
        return 0.0
    ink = erase_boxes(dark(crop, PEN_LEVEL), erase, (left, top))
    ink = ink & (1 - stamp_pixels(ink, view.dpi))  # a stamp alone is no signature
    # Rulings are found on a lighter threshold: a thin one scanned is grey, barely ink.
    faint = dark(crop, RULING_LEVEL)
    ink = ink & (1 - long_lines(faint, view.dpi, bridged=True))
    ink = erase_words(ink, view.words, region, view.dpi)
    ink = drop_specks(ink, view.dpi, reach=view.dpi / 10)
    return float(ink.sum()) / (view.dpi * view.dpi)


def long_lines(ink: np.ndarray, dpi: int, *, bridged: bool = False) -> np.ndarray:
    """Box borders and rules in ``ink`` (0/1): straight and long, where pen strokes are
    neither for half an inch; grown by a pixel all round.

    ``bridged``: a thin ruling scanned breaks into dashes, the gaps along it are bridged
    first (for measuring ink only: a bold word bridges into a line, and erased print is
    print erased, but a line crop to be read must keep its words). Unlike a table's ruling
    masks, nothing is bridged across: a signature's straight stroke stays ink.
    """
    gap = max(3, round(LINE_GAP_IN * dpi))
    bridge: Bridge = "along" if bridged else "none"
    return rulings(ink, dpi, grow=3, length=max(dpi // 2, 10), bridge=bridge, gap=gap)


def erase_words(ink: np.ndarray, words: Sequence[Word], region: Box, dpi: int) -> np.ndarray:
    """``ink`` (the window ``region`` of the page) with its printed words whitened, a
    little beyond their boxes."""
    letter = typical_height(words)
    # OCR reads scribbles as words too: only confident, letter-sized words are print.
    printed = [
        word.box
        for word in words
        if word.confidence >= PRINT_CONFIDENCE
        and word.box[3] - word.box[1] <= 1.8 * letter
        and re.search(r"\w\w", word.text)
    ]
    return erase_boxes(ink, printed, (region[0], region[1]), pad=max(1, dpi // 75))
