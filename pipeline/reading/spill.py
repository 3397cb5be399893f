"""Print in a cell that is no mark: a neighbour's e-attendance mention ("Signé le
19/08/2026 à 08:51") longer than its cell runs on over the rule into the next one; a
typed remark. Its ink is as much as a signature's, but it is print the OCR reads."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from pipeline.ocr import Word

Box = tuple[int, int, int, int]

# A word the OCR reads this surely is print, not a stroke of a signature read as letters.
_PRINT = 0.6


def ink_beside_print(marks: np.ndarray, inner: Box, words: Iterable[Word]) -> float:
    """The share of the cell (``marks`` over ``inner``) inked outside the words read
    surely as print and of the page's print size, each widened by a third of its height
    (the OCR's box is tight)."""
    sure = [w for w in words if w.confidence >= _PRINT and any(c.isalnum() for c in w.text)]
    if not sure:
        return float(marks.mean() / 255) if marks.size else 0.0
    # A signature read as a word is taller than the page's print.
    size = 1.5 * float(np.median([w.box[3] - w.box[1] for w in sure]))
    left, top = inner[0], inner[1]
    height, width = marks.shape
    kept = marks.copy()
    for word in sure:
        if word.box[3] - word.box[1] > size:
            continue
        x0, y0, x1, y1 = word.box
        pad = max(1, (y1 - y0) // 3)
        a, b = max(0, x0 - left - pad), min(width, x1 - left + pad)
        c, d = max(0, y0 - top - pad), min(height, y1 - top + pad)
        if a < b and c < d:
            kept[c:d, a:b] = 0
    return float(kept.mean() / 255) if kept.size else 0.0
