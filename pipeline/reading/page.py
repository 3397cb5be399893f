"""One view of a page, built from what the text stage read, and shared by every reader.

The text stage decides, once per page, whether the page needs OCR and which way is up; a
scanned page is OCR'd there and nowhere else. A :class:`PageView` gives the readers of
marks (attendance cells, signature blocks, ticked boxes) what they need from that reading:
the upright, deskewed grey image, its resolution, and every printed word boxed in its
pixels. The image is the one the text stage OCR'd when it kept it (a file's first pages,
within :data:`pipeline.text.KEPT_PIXELS`); past that it is made again when a reader asks
(an embedded picture decoded or the page rendered, then the text stage's clean-up and
turns replayed: a fraction of an OCR), rather than held for every page of a long file.

Readers that warp the image further (a table made square-on) move the words with the same
matrix (:func:`warp_words`) instead of reading the page again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
import pypdfium2 as pdfium

from pipeline.ocr import OcrSettings, Word, redo, to_gray
from pipeline.record import PageText
from pipeline.text import SCAN_COVER, page_image, page_layer, render_page

#: Born-digital pages are rendered at this resolution: 7 pt print stays legible.
RENDER_DPI = 200

Source = Literal["layer", "ocr"]


@dataclass(frozen=True)
class PageView:
    """A page as read: its upright grey image, dpi, and words boxed in that image's pixels.

    ``source`` says where the words come from: the PDF's text layer (exact boxes) or the
    text stage's OCR. ``exact`` is False for a text layer whose boxes need not match the
    print (an invisible OCR layer a scanner laid over its picture).
    """

    number: int  # 1-based, within the document given
    gray: np.ndarray
    dpi: int
    words: tuple[Word, ...]
    source: Source
    exact: bool = True
    text: str = ""  # the page's text as the text stage gave it, lines kept

    @property
    def scanned(self) -> bool:
        """Words from OCR: small or faint print may have been missed."""
        return self.source == "ocr"


def views(pdf: bytes, pages: Sequence[PageText], settings: OcrSettings) -> Iterator[PageView]:
    """The view of every page of ``pdf``, from the text stage's ``pages`` (same order)."""
    document = pdfium.PdfDocument(pdf)
    try:
        for index, text in enumerate(pages[: len(document)]):
            page = document[index]
            try:
                yield view_of(page, text, settings, index + 1)
            finally:
                page.close()
    finally:
        document.close()


def view_of(page: pdfium.PdfPage, text: PageText, settings: OcrSettings, number: int) -> PageView:
    """One page's view: the OCR'd image made again, or the page rendered with its layer."""
    read = text.read
    if read is not None:
        gray = read.gray
        if gray is None:
            image, dpi = page_image(page, settings)
            gray = redo(image, dpi, settings, read.geometry)
        return PageView(number, gray, read.dpi, read.result.words, "ocr", text=text.text)
    layer = page_layer(page)
    rendered, dpi = render_page(page, RENDER_DPI)
    exact = not (layer.invisible_chars or layer.picture_cover >= SCAN_COVER)
    words = tuple(layer_words(page, dpi))
    return PageView(number, to_gray(rendered), dpi, words, "layer", exact, text=text.text)


def layer_words(page: pdfium.PdfPage, dpi: int) -> list[Word]:
    """A page's text-layer words, boxed in pixels of its rendering at ``dpi``.

    pdfium gives a box per character in points from the bottom-left corner of the page as
    stored; characters run into a word until a space or a line end, and the word's box is
    their union, turned as the page's /Rotate turns its rendering.
    """
    width, height = page.get_size()
    turn = page.get_rotation() % 360
    if turn in (90, 270):
        width, height = height, width  # the stored page, before its turn
    scale = dpi / 72
    words: list[Word] = []
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        text, boxes = "", []
        for i in range(count + 1):
            char = textpage.get_text_range(i, 1) if i < count else " "
            if char and not char.isspace():
                text += char
                boxes.append(textpage.get_charbox(i))
                continue
            if text:
                box = _turned(_union(boxes), width, height, turn)
                words.append(Word(text, 1.0, _pixels(box, scale)))
            text, boxes = "", []
    finally:
        textpage.close()
    return words


def _union(boxes: Sequence[tuple[float, float, float, float]]) -> tuple[float, ...]:
    """left, top, right, bottom in points from the stored page's top-left corner (y down)."""
    return (
        min(b[0] for b in boxes),
        max(b[3] for b in boxes),
        max(b[2] for b in boxes),
        min(b[1] for b in boxes),
    )


def _turned(
    box: tuple[float, ...], width: float, height: float, turn: int
) -> tuple[float, float, float, float]:
    """A box (pdf points, y up) in the rendered page's points (y down) after a clockwise turn."""
    left, top, right, bottom = box
    corners = [(left, height - top), (right, height - bottom)]  # (u, v): y down
    if turn == 90:
        corners = [(height - v, u) for u, v in corners]
    elif turn == 180:
        corners = [(width - u, height - v) for u, v in corners]
    elif turn == 270:
        corners = [(v, width - u) for u, v in corners]
    us, vs = [u for u, _ in corners], [v for _, v in corners]
    return min(us), min(vs), max(us), max(vs)


def _pixels(box: tuple[float, float, float, float], scale: float) -> tuple[int, int, int, int]:
    left, top, right, bottom = box
    return (
        int(left * scale),
        int(top * scale),
        int(np.ceil(right * scale)),
        int(np.ceil(bottom * scale)),
    )


def warp_words(words: Sequence[Word], matrix: np.ndarray) -> tuple[Word, ...]:
    """Words moved as an image warped by ``matrix`` (2x3 affine or 3x3 perspective) moves
    them: each box becomes the upright box around its four corners' images."""
    if not words:
        return ()
    full = matrix if matrix.shape == (3, 3) else np.vstack([matrix, [0.0, 0.0, 1.0]])
    corners = np.array(
        [[(x0, y0), (x1, y0), (x1, y1), (x0, y1)] for x0, y0, x1, y1 in (w.box for w in words)],
        dtype=np.float64,
    ).reshape(-1, 1, 2)
    moved = cv2.perspectiveTransform(corners, full).reshape(-1, 4, 2)
    return tuple(
        Word(w.text, w.confidence, _bounds(points)) for w, points in zip(words, moved, strict=True)
    )


def _bounds(points: np.ndarray) -> tuple[int, int, int, int]:
    xs, ys = points[:, 0], points[:, 1]
    return (
        int(np.floor(xs.min())),
        int(np.floor(ys.min())),
        int(np.ceil(xs.max())),
        int(np.ceil(ys.max())),
    )
