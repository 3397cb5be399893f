"""A signature block's own print: its label and the lines stacked under it.

Under a label ("Pour le client") a block usually prints the signatory's name, their role
and an instruction ("Cachet et signature", "Date et signature précédées de la mention « Lu
et approuvé »"), line after line at the text's own spacing; the place to sign comes after
(a drawn box, or blank space). That stack is the block's caption: print found in it says
nothing about whether the block was signed, print found below it (a stamp, an e-signature
mention the page's reading did not recognise) does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import cv2
import numpy as np
from rapidfuzz import fuzz

from pipeline.ocr import Word
from pipeline.reading.ink import dark
from pipeline.reading.parties import tokens_of, vocabulary
from pipeline.reading.words import PRINT_CONFIDENCE

#: A caption line follows the previous one within this many letter heights (top to bottom).
LINE_GAP = 1.0
#: Words of signing instructions and hand mentions: print saying where and how to sign.
INSTRUCTION = vocabulary(
    "signature signatures cachet tampon date et de du la le l lu approuve approuvee bon pour "
    "accord mention manuscrite precedee precede precedes precedees nom prenom qualite fait a le "
    "visa s"
)


def caption_bottom(
    words: Sequence[Word], label: tuple[int, int, int, int], area: tuple[int, int, int, int]
) -> int:
    """The bottom (pixels) of the print stacked under ``label`` within ``area``'s columns."""
    left, _, right, bottom = area
    height = label[3] - label[1]
    printed = sorted(
        (w for w in words if _is_print(w, height) and left <= w.box[0] and w.box[2] <= right),
        key=lambda w: w.box[1],
    )
    end = label[3]
    for word in printed:
        if word.box[1] <= end:
            end = max(end, word.box[3]) if word.box[1] >= label[1] else end
            continue
        if word.box[3] > bottom or word.box[1] - end > LINE_GAP * height:
            break
        end = max(end, word.box[3])
    return end


def is_instruction(words: Sequence[Word]) -> bool:
    """The words read as a signing instruction or a hand mention ("Date et signature")."""
    tokens = tokens_of(" ".join(w.text for w in words))  # digits (a date) are not words
    return bool(tokens) and all(t in INSTRUCTION for t in tokens)


def _is_print(word: Word, letter: int) -> bool:
    tall = word.box[3] - word.box[1] > 1.8 * max(letter, 1)
    return word.confidence >= PRINT_CONFIDENCE and not tall and bool(re.search(r"\w", word.text))


#: A box drawn for the signature starts this close under the caption (inches), is at least
#: this wide, and at most this deep.
BOX_START_IN = 0.6
BOX_WIDTH_IN = 0.8
BOX_DEPTH_IN = (0.3, 2.6)
#: Grey darker than this is a ruling.
RULING_LEVEL = 160


def box_bottom(gray: np.ndarray, dpi: int, columns: tuple[int, int], top: int) -> int | None:
    """The bottom edge (pixels) of a box drawn for the signature under ``top``, if any.

    The box is found by its rulings: a horizontal line starting within ``BOX_START_IN``
    under the caption, and the lowest line under it, within ``BOX_DEPTH_IN``, that spans
    the same columns.
    """
    bottom = min(gray.shape[0], top + int((BOX_START_IN + BOX_DEPTH_IN[1]) * dpi))
    rows = _ruled_rows(gray, dpi, columns, (top, bottom))
    if rows is None:
        return None
    starts = rows[rows <= BOX_START_IN * dpi]
    if starts.size == 0:
        return None
    first = int(starts[0])
    low, high = (int(depth * dpi) for depth in BOX_DEPTH_IN)
    under = rows[(rows >= first + low) & (rows <= first + high)]
    return top + int(under[-1]) + 2 if under.size else None


def _ruled_rows(
    gray: np.ndarray, dpi: int, columns: tuple[int, int], rows: tuple[int, int]
) -> np.ndarray | None:
    """The rows (from ``rows[0]``) of ``rows`` x ``columns`` that a horizontal ruling at
    least ``BOX_WIDTH_IN`` long crosses; None when the window is empty."""
    (left, right), (top, bottom) = columns, rows
    ink = dark(gray[top:bottom, left:right], RULING_LEVEL)
    if ink.size == 0:
        return None
    length = max(10, int(BOX_WIDTH_IN * dpi))
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    return np.flatnonzero(lines.sum(axis=1) >= length)


#: The words of the mentions written by hand above a signature, and a written date.
MENTION_CORE = vocabulary("lu approuve approuvee bon accord")
_WRITTEN_DATE = re.compile(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}")


def is_hand_mention(words: Sequence[Word]) -> bool:
    """A line reads as "Lu et approuvé", "Bon pour accord" or "le 06/03/2026": written by a
    signatory, but no signature. Any other word (a scribble read as letters) says no."""
    text = " ".join(w.text for w in words)
    tokens = tokens_of(text)
    if not tokens or not all(t in INSTRUCTION or _near(t, MENTION_CORE) for t in tokens):
        return False
    core = sum(1 for t in tokens if _near(t, MENTION_CORE))
    return core >= 2 or bool(_WRITTEN_DATE.search(text))


def _near(token: str, words: frozenset[str]) -> bool:
    if token in words:
        return True
    return len(token) >= 6 and any(fuzz.ratio(token, word) >= 80 for word in words)


#: A signing line: a rule at most this far above a label (inches), with at least this much
#: blank height above it before any print, looked for this far up.
LINE_ABOVE_IN = 0.3
BLANK_ABOVE_IN = 0.4
SIGNING_ABOVE_IN = 1.5
#: A box's side standing on a rule is a vertical ruling at least this long, inches.
SIDE_IN = 0.3


def rule_above(gray: np.ndarray, dpi: int, columns: tuple[int, int], top: int) -> int | None:
    """The row (pixels) of a horizontal rule just above ``top`` in ``columns``, if any: the
    line a signatory signs on, with the label printed under it."""
    start = max(0, top - int(LINE_ABOVE_IN * dpi))
    rows = _ruled_rows(gray, dpi, columns, (start, top))
    if rows is None or not rows.size:
        return None
    rule = start + int(rows[0])
    return None if _closes_a_box(gray, dpi, columns, rule) else rule


def _closes_a_box(gray: np.ndarray, dpi: int, columns: tuple[int, int], rule: int) -> bool:
    """Vertical rulings stand on the rule: it is the bottom of a box (another block's, a
    table's row), not a line to sign on."""
    left, right = columns
    above = gray[max(0, rule - int(BLANK_ABOVE_IN * dpi)) : rule + 1, left:right]
    ink = dark(above, RULING_LEVEL)
    length = max(10, int(SIDE_IN * dpi))
    if ink.shape[0] < length:
        return False
    sides = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))
    return bool(sides[-max(3, dpi // 50) :].any())  # standing on it, not floating above


def signing_area_above(
    words: Sequence[Word], dpi: int, columns: tuple[int, int], rule: int
) -> tuple[int, int] | None:
    """The rows (top, bottom) of the blank place above a signing line, if there is one: up
    to the print above it, and at least ``BLANK_ABOVE_IN`` high (a table's row border has
    its row's print right above it)."""
    left, right = columns
    reach = rule - int(SIGNING_ABOVE_IN * dpi)
    above = [
        w.box[3]
        for w in words
        if _is_print(w, w.box[3] - w.box[1])
        and reach < w.box[3] < rule
        and w.box[0] < right
        and w.box[2] > left
    ]
    top = max(above, default=max(0, reach))
    return (top + 2, rule - 2) if rule - top >= BLANK_ABOVE_IN * dpi else None
