"""A questionnaire's answers read from its pages' ink, and the satisfaction they make.

Each page is looked at as an upright image with its words boxed in its pixels: a
born-digital page rendered with its text layer's words; a scanned page made again from
the text stage's OCR (its straightening redone, no second OCR) or, without it, OCR'd here.
:mod:`pipeline.reading.choices` reads the rows of options on it; this module turns the
rows into the ``satisfaction`` field (CONTRACT) and the entries a person must settle.

``satisfaction`` is ``{"score", "scale", "answers"}``: ``answers`` the raw value of each
item in printed order (``None`` when unanswered or unsure); ``score`` the mean of the
answered items, each placed on 0..1 with 1 the best end of its own scale (a 0-10
recommendation counts as one more answer); ``scale`` is ``[worst, best]`` when every item
has the same scale, else one ``[worst, best]`` per answer (items 1-4 and a 0-10
recommendation: ``[[1, 4], …, [0, 10]]``). Answers on a scale of words are their rank, 1
the worst ("Oui / En partie / Non": 3 / 2 / 1). No marked item: no satisfaction (``None``
once the form's rows were found, so that the text reading does not stand in for it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import cv2
import numpy as np
from PIL import Image

from pipeline.ocr import OcrEngine, Word
from pipeline.reading.choices import REVIEW_BELOW, PageChoices, RowRead, read_page
from pipeline.reading.ink import binarise, rulings
from pipeline.reading.lattice import lattice_matrix
from pipeline.reading.page import PageView, warp_words
from pipeline.reading.scales import score
from pipeline.reading.tables import Rulings, squared, table_corners
from pipeline.reading.words import Box

log = logging.getLogger(__name__)

#: More than one answer in this many (and more than one) in doubt: no score. One in doubt
#: among four or more leaves a score of the others, the row listed for a person (who can
#: settle it: ``dossiers correct --answer``): withholding it too lost right scores (a
#: 0-10 recommendation left unread after seven items) on a development corpus.
UNSURE_SHARE = 4

#: A grid whose opposite sides close in by more than this share of an inch over its
#: width (height) was seen at an angle: it is made square-on before it is read.
FORESHORTENED = 0.04


class _Reread:
    """Column labels too small or faint for the page's OCR, read again from a crop."""

    def __init__(self, view: PageView, engine: OcrEngine, ink: np.ndarray | None = None) -> None:
        """``ink``: the page's ink (:func:`~pipeline.reading.ink.binarise`), if made already."""
        self.view, self.engine, self.ink = view, engine, ink
        self.clean: np.ndarray | None = None

    def _crop(self, box: Box) -> tuple[np.ndarray, int, int]:
        if self.clean is None:
            # The page without its ruling lines: OCR runs a column's label into them.
            # Only strokes straight and unbroken over a third of an inch: not a word's letters
            # (a table's ruling masks bridge letters, which finding a table does not mind).
            ink = self.ink if self.ink is not None else binarise(self.view.gray, self.view.dpi)
            lines = rulings(ink, self.view.dpi, grow=5, bridge="none") > 0
            self.clean = self.view.gray.copy()
            self.clean[lines] = 255
        left, top, right, bottom = (max(0, v) for v in box)
        return self.clean[top:bottom, left:right], left, top

    def line(self, box: Box) -> str:
        crop, _, _ = self._crop(box)
        if crop.size == 0 or crop.shape[0] < 8 or crop.shape[1] < 8:
            return ""
        # Labels are small print: enlarged, Tesseract reads them far better.
        big = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        text = self.engine.recognise_line(Image.fromarray(big), self.view.dpi * 2).text.strip()
        if text:
            return text
        # Print a phone's lens blurred reads nothing: sharpened, it often does.
        sharp = cv2.addWeighted(crop, 2.0, cv2.GaussianBlur(crop, (0, 0), 3), -1.0, 0)
        big = cv2.resize(sharp, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        return self.engine.recognise_line(Image.fromarray(big), self.view.dpi * 2).text.strip()

    def words(self, box: Box) -> list[Word]:
        crop, left, top = self._crop(box)
        if crop.size == 0 or crop.shape[0] < 8 or crop.shape[1] < 8:
            return []
        # Enlarged as :meth:`line` does; the boxes brought back to the page's pixels.
        big = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        found = self.engine.recognise(Image.fromarray(big), self.view.dpi * 2).words
        return [
            Word(
                w.text,
                w.confidence,
                (
                    w.box[0] // 2 + left,
                    w.box[1] // 2 + top,
                    w.box[2] // 2 + left,
                    w.box[3] // 2 + top,
                ),
            )
            for w in found
        ]


def _moved(box: Box, dx: int, dy: int) -> Box:
    return (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)


def square_on(view: PageView) -> PageView:
    """A photographed page whose ruled grid was seen at an angle, made square-on.

    The lens leaves the grid a trapezoid: its columns drift across the rows, and a row's
    options no longer sit under the labels heading them. The grid's four outer sides are
    its ruling's (:mod:`pipeline.reading.tables`): the page is levelled and warped so that
    they form a rectangle, and the OCR'd words move with it (no second OCR). A page with no
    ruled grid, or whose grid's opposite sides run parallel (a scan, a born-digital page,
    a photo taken square-on), is left as it is.
    """
    return _squared_on(view)[0]


def _squared_on(view: PageView) -> tuple[PageView, Rulings | None]:
    """:func:`square_on`, and the ink and ruling masks of the page it returns when they
    were made on the way (the reader of the rows needs the same: made once, not twice)."""
    if not view.scanned:
        return view, None
    ruled = Rulings.of(view.gray, view.dpi)
    corners = table_corners(ruled.horiz, ruled.vert, view.dpi, ruled.pieces)
    if corners is not None:
        if _closing_in(corners) < FORESHORTENED * view.dpi:
            return view, ruled
        flat, matrix = squared(ruled, view.dpi)
        if matrix is None:
            return view, ruled
        return replace(view, gray=flat.gray, words=warp_words(view.words, matrix)), flat
    # No ruled grid: the options' own rows and columns (:mod:`pipeline.reading.lattice`).
    lattice = lattice_matrix(view.gray, view.dpi, ruled.ink)
    if lattice is None:
        return view, ruled
    height, width = view.gray.shape
    gray = cv2.warpPerspective(
        view.gray, lattice, (width, height), flags=cv2.INTER_LINEAR, borderValue=255
    )
    return replace(view, gray=gray, words=warp_words(view.words, lattice)), None


def _closing_in(corners: np.ndarray) -> float:
    """How far, in pixels, a quadrilateral's opposite sides are from parallel: its top
    and bottom sides' widths differ by this much, or its left and right sides' heights."""
    tl, tr, br, bl = corners
    widths = abs(float(np.linalg.norm(tr - tl)) - float(np.linalg.norm(br - bl)))
    heights = abs(float(np.linalg.norm(bl - tl)) - float(np.linalg.norm(br - tr)))
    return max(widths, heights)


def read_choices(pages: Sequence[PageView], engine: OcrEngine | None) -> list[PageChoices]:
    """The choice rows of every page (:mod:`pipeline.reading.page` views), a grid seen
    at an angle made square-on first (:func:`square_on`)."""
    out = []
    for seen in pages:
        started = time.perf_counter()
        view, ruled = _squared_on(seen)
        ink = ruled.ink if ruled is not None else None
        reread = _Reread(view, engine, ink) if engine is not None and view.scanned else None
        out.append(read_page(view.gray, view.dpi, view.words, reread, ruled))
        log.debug("choices page %d: %.2f s", view.number, time.perf_counter() - started)
    return out


def satisfaction_fields(pages: Sequence[PageChoices]) -> dict[str, Any]:
    """``satisfaction`` from the rows read, and ``review`` entries for the doubtful rows."""
    rows = [row for page in pages for row in page.rows]
    review = [_review_entry(number, row) for number, row in enumerate(rows, 1) if _doubtful(row)]
    fields: dict[str, Any] = {}
    answered = [row for row in rows if row.value is not None]
    unread = sum(page.unread for page in pages)
    unsure = sum(row.state in ("double", "unsure") for row in rows)
    if unread:
        # Marks whose meaning is unknown: a score of the other items would be a guess.
        detail = f"{unread} réponse(s) cochée(s) sur une échelle non comprise"
        review.append({"kind": "lecture", "detail": detail, "confidence": 0.0})
    elif unsure > max(1, len(rows) // UNSURE_SHARE):
        # So many marks in doubt that the rest says little: no score until a person has
        # settled each of them (``dossiers correct --answer``, :mod:`pipeline.corrections`).
        fields["satisfaction"] = {**satisfaction(rows), "score": None}
    elif answered:
        fields["satisfaction"] = satisfaction(rows)
    if rows or unread:
        # The form was read from its ink: what text reading might have guessed of it (an
        # OCR'd box taken for a tick) gives way, and no marks means no satisfaction.
        fields.setdefault("satisfaction", None)
    if review:
        fields["review"] = review
    return fields


def _doubtful(row: RowRead) -> bool:
    return row.state in ("double", "unsure") or row.confidence < REVIEW_BELOW


def _review_entry(number: int, row: RowRead) -> dict[str, Any]:
    what = {
        "double": "deux cases cochées",
        "unsure": "marque incertaine",
    }.get(row.state, "lecture incertaine")
    return {
        "kind": "reponse",
        "item": number,
        "detail": f"question {number} : {what}",
        "read": _raw(row.value) if row.value is not None else "non lue",
        "confidence": row.confidence,
    }


def satisfaction(rows: Sequence[RowRead]) -> dict[str, Any]:
    """The CONTRACT field from rows of which at least one is answered."""
    answers = [_raw(row.value) for row in rows]
    ends = [[_raw(row.scale.worst), _raw(row.scale.best)] for row in rows]
    scale: list[Any] = ends[0] if all(e == ends[0] for e in ends) else ends
    return {"score": score(answers, scale), "scale": scale, "answers": answers}


def _raw(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value
