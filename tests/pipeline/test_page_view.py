"""The page view: what the text stage read, handed to the readers of marks as it is."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pypdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from pipeline import marks, text
from pipeline.ocr import OcrSettings, TesserocrEngine, Word
from pipeline.reading.page import PageView, views, warp_words
from pipeline.record import DocType
from samples.gen.sheets import labelled_sheets
from tests.conftest import WatchingEngine


def _one_word_pdf(turn: int) -> bytes:
    """A4 with one word near the top-left corner of its print, the page turned by /Rotate."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setFont("Helvetica-Bold", 28)
    page.drawString(60, 760, "Émargement")
    page.save()
    writer = pypdf.PdfWriter()
    writer.add_page(pypdf.PdfReader(io.BytesIO(out.getvalue())).pages[0])
    if turn:
        writer.pages[0].rotate(turn)
    turned = io.BytesIO()
    writer.write(turned)
    return turned.getvalue()


def _ink_share(view: PageView, box: tuple[int, int, int, int]) -> float:
    left, top, right, bottom = box
    return float((view.gray[top:bottom, left:right] < 128).mean())


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_text_layer_words_land_on_their_print_whatever_the_page_turn(turn: int) -> None:
    pdf = _one_word_pdf(turn)
    (view,) = views(pdf, text.read_pages(pdf, None, OcrSettings()), OcrSettings())
    (word,) = [w for w in view.words if w.text == "Émargement"]
    assert view.source == "layer" and view.exact
    # The print lies inside the box, and the whole page holds no other ink.
    assert _ink_share(view, word.box) > 0.15
    assert (view.gray < 128).sum() == (
        view.gray[word.box[1] : word.box[3], word.box[0] : word.box[2]] < 128
    ).sum()


def test_warped_words_follow_the_picture_they_were_read_on() -> None:
    page = np.full((800, 600), 255, np.uint8)
    cv2.rectangle(page, (100, 200), (260, 240), 0, -1)
    word = Word("BLOC", 0.9, (100, 200, 261, 241))
    matrix = cv2.getPerspectiveTransform(
        np.float32([[0, 0], [600, 0], [600, 800], [0, 800]]),
        np.float32([[20, 10], [590, 30], [570, 790], [5, 770]]),
    )
    warped = cv2.warpPerspective(page, matrix, (600, 800), borderValue=255)
    (moved,) = warp_words([word], matrix)
    left, top, right, bottom = moved.box
    ys, xs = np.nonzero(warped < 128)
    assert (left, top) <= (int(xs.min()), int(ys.min()))
    assert (right, bottom) >= (int(xs.max()), int(ys.max()))
    assert right - left < 200 and bottom - top < 80  # still the word's box, not the page's


@pytest.mark.ocr
def test_a_scanned_attendance_sheet_is_ocrd_once_by_the_text_stage_only() -> None:
    sheet = next(s for s in labelled_sheets(30) if s.name == "021-grid-scan.pdf")
    counting = WatchingEngine(TesserocrEngine(OcrSettings()))
    pages = text.read_pages(sheet.data, counting, OcrSettings())
    read_by_text_stage = len(counting.images)
    fields = marks.read(DocType.EMARGEMENT, sheet.data, counting, OcrSettings(), pages=pages)
    first = pages[0].read
    assert first is not None
    page_area = first.image_size[0] * first.image_size[1]
    asked_after = counting.images[read_by_text_stage:]
    again = [image.shape for image in asked_after if image.size > page_area / 4]
    assert again == []  # nothing bigger than a few cells is read a second time
    got = {(s["trainee"], s["date"], s["half_day"]): s["mark"] for s in fields["sessions"]}
    want = {(w["trainee"], w["date"], w["half_day"]): w["mark"] for w in sheet.sessions}
    assert len(got) == len(want)
