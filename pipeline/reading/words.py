"""Words boxed on a page, put in order: lines, runs, reading order, the words in a box.

Every reader gets the page's words with pixel boxes (:class:`~pipeline.ocr.Word`, from a
text layer or OCR). This module groups them as print is laid out: into lines (words whose
middles share a height), into runs (words chained left to right with no wide gap, so that
blocks standing side by side stay apart), and in reading order; it gives the words whose
centre lies in a box, their text, and the box around several boxes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from pipeline.ocr import Word

Box = tuple[int, int, int, int]  # left, top, right, bottom, pixels

#: Words less confident than this may be scribbles OCR read as letters, not print.
PRINT_CONFIDENCE = 0.6


def middle(word: Word) -> float:
    """The height of a word's middle, pixels."""
    return (word.box[1] + word.box[3]) / 2


def lines(
    words: Sequence[Word], *, level: Callable[[Word], float] = middle, follow: bool = True
) -> list[list[Word]]:
    """Words grouped into lines, top to bottom, each sorted left to right.

    Words are taken by the height of their ``level`` (their middle unless told otherwise);
    a word joins the line being built when that height lies within the line's last word's
    box (``follow``: a line a photo tilted is followed word by word) or within its first
    word's (``follow=False``: the line stays where it started).
    """
    out: list[list[Word]] = []
    for word in sorted(words, key=level):
        y = level(word)
        if out:
            anchor = _anchor(out[-1]) if follow else out[-1][0]
            if anchor.box[1] <= y <= anchor.box[3]:
                out[-1].append(word)
                continue
        out.append([word])
    return [sorted(line, key=lambda w: w.box[0]) for line in out]


def _anchor(line: Sequence[Word]) -> Word:
    """The word a line being built is followed by: its last, unless that is a speck (a
    colon, a dot, under half the line's tallest word), whose narrow band would end the
    line at the next word."""
    tallest = max(w.box[3] - w.box[1] for w in line)
    return next((w for w in reversed(line) if 2 * (w.box[3] - w.box[1]) >= tallest), line[-1])


def reading_order(words: Sequence[Word]) -> list[Word]:
    """Words by line (:func:`lines`), then left to right."""
    return [w for line in lines(words) for w in line]


def text_of(words: Iterable[Word]) -> str:
    """The words' text joined by spaces, in the order given."""
    return " ".join(w.text for w in words).strip()


def lines_text(words: Sequence[Word]) -> list[str]:
    """The text of each line of ``words`` (:func:`lines`), top to bottom."""
    return [" ".join(w.text for w in line) for line in lines(words)]


def words_in(words: Iterable[Word], box: Box) -> list[Word]:
    """Words whose centre lies in ``box``, in reading order."""
    left, top, right, bottom = box
    inside = [
        w
        for w in words
        if left <= (w.box[0] + w.box[2]) / 2 <= right and top <= (w.box[1] + w.box[3]) / 2 <= bottom
    ]
    return reading_order(inside)


def word_runs(words: Sequence[Word]) -> list[list[Word]]:
    """Words chained left to right into runs: each starts within ~1.2 letter heights of the
    previous one's end (or overlaps it), its middle level with it. A wide gap ends a run
    (blocks stand side by side); chaining word to word follows a line a photo tilted.
    """
    runs: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.box[0]):
        best, best_gap = None, math.inf
        for run in runs:
            last = run[-1]
            height = max(word.box[3] - word.box[1], last.box[3] - last.box[1])
            # OCR boxes of a photo overlap their neighbours: any overlap chains too.
            gap = word.box[0] - last.box[2]
            level = abs(middle(word) - middle(last)) <= 0.35 * height
            after = word.box[0] >= last.box[0]
            if level and after and gap <= 1.2 * height and abs(gap) < best_gap:
                best, best_gap = run, abs(gap)
        if best is None:
            runs.append([word])
        else:
            best.append(word)
    return runs


def union(boxes: Sequence[Box]) -> Box:
    """The smallest box holding every box of ``boxes`` (not empty)."""
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def inset(box: Box, by: int) -> Box:
    """``box`` shrunk by ``by`` pixels on every side."""
    return (box[0] + by, box[1] + by, box[2] - by, box[3] - by)


def same_row(a: Box, b: Box) -> bool:
    """Boxes on one line of print: the middle of each lies within the other's height."""
    return a[1] <= (b[1] + b[3]) / 2 <= a[3] or b[1] <= (a[1] + a[3]) / 2 <= b[3]


def typical_height(words: Sequence[Word]) -> float:
    """The median height of confident words, pixels (1e9 when there are none)."""
    heights = [w.box[3] - w.box[1] for w in words if w.confidence >= PRINT_CONFIDENCE]
    return float(np.median(heights)) if heights else 1e9
