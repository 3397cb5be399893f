"""Ink on a page image: what is dark, which of it is ruling, which is dust.

Readers of marks (attendance cells, signature blocks, ticked options) measure the ink a
hand added to a printed form. This module gives the pieces they share: the page binarised
(a local threshold for uneven paper, or a fixed grey level), the ruling lines (strokes
straight and long, found by morphological opening, with a named choice of how gaps along
a scanned line are bridged first), specks dropped (scanner dust, toner dots), boxes of
print erased, and the ink of a window that may run off the page.

Masks are uint8 arrays; functions keep the scale they are given (0/1 or 0/255).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import cv2
import numpy as np

from pipeline.ocr import components
from pipeline.reading.words import Box

#: How gaps along a ruling are bridged before it is found: "dilate", a one-pixel bridge
#: all round (scanned lines break where the paper was grey; bold letters join up too, which
#: finding a table does not mind); "along", gaps of ``gap`` pixels along each direction
#: only (a thin ruling scanned into dashes); "none", strokes straight and unbroken only (a
#: word's letters never make a line).
Bridge = Literal["dilate", "along", "none"]


def binarise(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Ink as 255 on 0, robust to uneven paper (a local threshold)."""
    block = max(15, (dpi // 6) | 1)
    return cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15
    )


def dark(gray: np.ndarray, level: int) -> np.ndarray:
    """Pixels darker than ``level`` as 1 on 0 (a fixed cut, for paper evened out first)."""
    return (gray < level).astype(np.uint8)


def ruling_length(dpi: int) -> int:
    """The length (pixels) over which a stroke is straight to be a table's ruling: a third
    of an inch."""
    return max(15, dpi // 3)


def line_masks(
    ink: np.ndarray,
    dpi: int,
    *,
    length: int | None = None,
    bridge: Bridge = "dilate",
    gap: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling lines: strokes straight over ``length`` pixels (by
    default :func:`ruling_length`), gaps along them bridged as ``bridge`` says."""
    length = ruling_length(dpi) if length is None else length
    if bridge == "dilate":
        across = down = cv2.dilate(ink, np.ones((3, 3), np.uint8))
    elif bridge == "along":
        across = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, gap), np.uint8))
        down = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((gap, 1), np.uint8))
    else:
        across = down = ink
    horiz = cv2.morphologyEx(across, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    vert = cv2.morphologyEx(down, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))
    return horiz, vert


def rulings(
    ink: np.ndarray,
    dpi: int,
    *,
    grow: int,
    length: int | None = None,
    bridge: Bridge = "dilate",
    gap: int = 1,
) -> np.ndarray:
    """Both ruling masks of :func:`line_masks` in one, grown by a ``grow`` pixel square
    (the blur along a line's edges)."""
    horiz, vert = line_masks(ink, dpi, length=length, bridge=bridge, gap=gap)
    return cv2.dilate(np.maximum(horiz, vert), np.ones((grow, grow), np.uint8))


def drop_specks(ink: np.ndarray, dpi: int, *, reach: float | None = None) -> np.ndarray:
    """``ink`` without its specks (scanner dust, toner dots, JPEG noise).

    By default a speck is a component under ~1/40 inch square in area: a tick's or a
    cross's thin stroke stays. With ``reach``, a speck is a component that spans less than
    ``reach`` pixels both ways, whatever its area (a pen stroke runs at least that far).
    """
    count, labels, stats = components(ink)
    if reach is None:
        keep = stats[:, cv2.CC_STAT_AREA] >= max(4, (dpi // 40) ** 2)
    else:
        extent = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
        keep = extent >= reach
    keep[0] = False
    return ink * keep.astype(ink.dtype)[labels]


def erase_boxes(
    ink: np.ndarray, boxes: Iterable[Box], origin: tuple[int, int] = (0, 0), pad: int = 0
) -> np.ndarray:
    """``ink`` (a window whose top-left corner is ``origin`` in page pixels) with each box
    (page pixels), grown by ``pad``, whitened in place; returned for chaining."""
    left, top = origin
    for x0, y0, x1, y1 in boxes:
        ink[
            max(0, y0 - top - pad) : max(0, y1 - top + pad),
            max(0, x0 - left - pad) : max(0, x1 - left + pad),
        ] = 0
    return ink


def crop(image: np.ndarray, x0: int, y0: int, shape: tuple[int, ...]) -> np.ndarray:
    """The window of ``image`` of ``shape`` whose top-left corner is (x0, y0), zero where it
    runs off the image."""
    height, width = shape[:2]
    out = np.zeros((height, width), image.dtype)
    sx0, sy0 = max(0, x0), max(0, y0)
    sx1, sy1 = min(image.shape[1], x0 + width), min(image.shape[0], y0 + height)
    if sx1 > sx0 and sy1 > sy0:
        out[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0] = image[sy0:sy1, sx0:sx1]
    return out
