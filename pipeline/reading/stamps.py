"""Company stamps in a signature block: ink that is not a signature.

A stamp is a frame (a rectangle, rounded or not, often tilted, sometimes doubled) around a
few short lines of small print. Its frame is not a long straight line once tilted, and its
print is often too small or too faint for the page's OCR: measured as ink, a stamp alone
reads as a signature. This module finds frames by shape (a large component whose pixels
run along the outline of its own tilted bounding rectangle) and gives the pixels to erase:
each frame's outline and, inside a frame holding mostly small marks (a stamp, not a box
drawn for a signature), the marks no taller than small print. A signature across a stamp
is taller than its letters and crosses the frame: it stays.
"""

from __future__ import annotations

import cv2
import numpy as np

#: A frame's size, in inches: larger than a word, smaller than a page's table.
FRAME_SIDE_IN = (0.18, 3.6)
FRAME_LONG_IN = 0.6
#: Share of a frame's outline that ink covers (a signature's loops cover far less).
FRAME_COVERAGE = 0.8
#: Width of the outline band checked and erased, inches.
BAND_IN = 0.035
#: Inside a frame, marks no taller than this (inches) are the stamp's print, when they are
#: most of the ink there (a box drawn for a signature holds taller strokes).
STAMP_PRINT_IN = 0.13
STAMP_PRINT_SHARE = 0.6


def stamp_pixels(ink: np.ndarray, dpi: int) -> np.ndarray:
    """A mask (uint8 0/1, the shape of ``ink``) of the stamps' frames and print in ``ink``."""
    return stamps(ink, dpi)[0]


def stamps(ink: np.ndarray, dpi: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """The mask of frames and stamp print in ``ink``, and the inside of each stamp."""
    out = np.zeros_like(ink, dtype=np.uint8)
    found = frames(ink, dpi)
    for outline, _ in found:
        out |= outline
    insides = []
    for _, inside in found:
        inner = (ink > 0).astype(np.uint8) & inside & (1 - out)
        small = _small_marks(inner, dpi)
        # A stamp's inside is its print; a box drawn for the signature holds the strokes.
        if inner.any() and small.sum() >= STAMP_PRINT_SHARE * inner.sum():
            out |= small
            insides.append(inside)
    return out, insides


def frames(ink: np.ndarray, dpi: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each frame found in ``ink``: its outline band and its inside, as 0/1 masks."""
    band = max(2, round(BAND_IN * dpi))
    near = cv2.dilate(ink, np.ones((band, band), np.uint8))  # ink within half a band
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    low, high = (side * dpi for side in FRAME_SIDE_IN)
    found = []
    for i in range(1, count):
        w, h = stats[i, cv2.CC_STAT_WIDTH], stats[i, cv2.CC_STAT_HEIGHT]
        if max(w, h) < FRAME_LONG_IN * dpi or min(w, h) < low or max(w, h) > high:
            continue
        points = np.column_stack(np.nonzero(labels == i)[::-1]).astype(np.float32)
        rect = cv2.minAreaRect(points)
        if min(rect[1]) < low:  # a straight stroke, not a frame around anything
            continue
        box = cv2.boxPoints(rect).astype(np.int32)
        trace = np.zeros_like(ink, dtype=np.uint8)
        cv2.polylines(trace, [box], True, 1, 1)
        drawn = int(trace.sum())
        if drawn == 0 or float(np.logical_and(near, trace).sum()) / drawn < FRAME_COVERAGE:
            continue
        outline = np.zeros_like(ink, dtype=np.uint8)
        cv2.polylines(outline, [box], True, 1, band)
        inside = np.zeros_like(ink, dtype=np.uint8)
        cv2.fillPoly(inside, [box], 1)
        found.append((outline, inside))
    return found


def _small_marks(ink: np.ndarray, dpi: int) -> np.ndarray:
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = np.zeros(count, np.uint8)
    small[1:] = stats[1:, cv2.CC_STAT_HEIGHT] <= STAMP_PRINT_IN * dpi
    return small[labels]
