"""The page view: what the text stage read, handed to the readers of marks as it is."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pypdf
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from pipeline import marks, text
from pipeline.ocr import OcrResult, OcrSettings, TesserocrEngine, Word
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


class _SeeingEngine:
    """Reads every page as one confident word, keeping the images it was given."""

    def __init__(self) -> None:
        self.images: list[np.ndarray] = []

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        self.images.append(np.asarray(image))
        return OcrResult("Présence", 0.95, (Word("Présence", 0.95, (10, 10, 90, 30)),))

    def recognise_line(self, image: Image.Image, dpi: int) -> OcrResult:
        return OcrResult("", 0.0)

    def osd(self, image: Image.Image, dpi: int) -> int | None:
        return None

    def close(self) -> None:
        pass


def _scanned_pages(count: int) -> bytes:
    """A PDF of ``count`` pages, each a grey, slightly skewed picture of a printed line."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for number in range(count):
        picture = np.full((1169, 827), 235, np.uint8)  # A4 at 100 dpi
        label = f"Feuille {number + 1}"
        cv2.putText(picture, label, (80, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2)
        turn = cv2.getRotationMatrix2D((413, 584), 1.5, 1.0)
        picture = cv2.warpAffine(picture, turn, (827, 1169), borderValue=235)
        png = io.BytesIO()
        Image.fromarray(picture).save(png, "PNG")
        pdf.drawImage(ImageReader(png), 0, 0, *A4)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def test_readers_see_the_very_image_ocr_read_and_past_the_budget_the_same_made_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pdf = _scanned_pages(2)
    engine = _SeeingEngine()
    first = text.read_pages(pdf, engine, OcrSettings())
    assert first[0].read is not None and first[0].read.gray is not None
    page_pixels = first[0].read.gray.size
    # Room for one page only: the second is made again from the PDF when a reader asks.
    monkeypatch.setattr(text, "KEPT_PIXELS", int(page_pixels * 1.5))
    engine = _SeeingEngine()
    pages = text.read_pages(pdf, engine, OcrSettings())
    assert [p.read is not None and p.read.gray is not None for p in pages] == [True, False]
    kept, made_again = views(pdf, pages, OcrSettings())
    assert kept.gray is pages[0].read.gray and not kept.gray.flags.writeable
    assert np.array_equal(kept.gray, engine.images[0])
    assert np.array_equal(made_again.gray, engine.images[1])
    assert [v.words for v in (kept, made_again)] == [p.read.result.words for p in pages]
