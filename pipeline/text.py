"""Text: the words of every page, from the PDF's own text layer or from OCR.

Reads ``doc.kind``, ``doc.pdf`` (PDFs and wrapped pictures) or ``doc.data`` (DOCX: the
bytes intake read, never the path again).
Sets ``doc.pages``: one :class:`~pipeline.record.PageText` per page, lines kept (the
classifier and extractors match regexes line by line), with ``ocr``, ``confidence``,
``rotation`` and ``skew`` for pages that were OCR'd.

A page keeps its text layer when it has real text, visible or the invisible layer a scanner
or OCRmyPDF leaves (~1 ms a page). A page that is a picture with at most a few stray
characters is OCR'd: its embedded picture at its own resolution when it is the whole page
(a JPEG: ~35 ms to get instead of ~120 ms to render), otherwise rendered at ``settings.dpi``.

Raises :class:`~pipeline.errors.UnreadableFile` (the PDF does not open, or no page holds any
text: a blank scan) and :class:`~pipeline.errors.OcrUnavailable` (a page needs OCR and no
engine was given).
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from pipeline.errors import OcrUnavailable, UnreadableFile
from pipeline.intake import MAX_PAGE_PIXELS
from pipeline.ocr import INSTALL_HINT, OcrEngine, OcrSettings, read_image
from pipeline.record import Doc, FileKind, PageText

log = logging.getLogger(__name__)

#: Letters and digits a page needs for its text layer to count as text rather than litter.
MIN_LAYER_CHARS = 20
#: On a page mostly covered by a picture, visible text shorter than this is a scanner's
#: stamp or a file name ("Scanné avec CamScanner"), not the page's text.
MIN_CHARS_OVER_PICTURE = 120
#: Share of the page a picture must cover for the page to count as a scan.
SCAN_COVER = 0.5
#: Share of the page a single JPEG must cover to be OCR'd as it is.
WHOLE_PAGE = 0.9
#: Pixels of a file's OCR'd images kept for the readers of marks (one byte each: ~5 A4
#: pages at 300 dpi); the pages past it are made again when a reader asks.
KEPT_PIXELS = 48_000_000

_ALNUM = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class Layer:
    """What a page already carries: its text and what covers it."""

    text: str
    chars: int  # letters and digits in the text layer
    invisible_chars: int  # of which drawn invisibly (an OCR layer over a scan)
    picture_cover: float  # share of the page area covered by pictures (0..1+)
    has_drawing: bool  # vector paths: text converted to outlines still needs reading


def read_pages(pdf: bytes, engine: OcrEngine | None, settings: OcrSettings) -> tuple[PageText, ...]:
    """Text of every page of ``pdf``: the text layer where there is one, OCR elsewhere."""
    document = _open(pdf)
    pages: list[PageText] = []
    kept = 0
    try:
        for i in range(len(document)):
            page = _read_page(document[i], i + 1, engine, settings)
            image = page.read.gray if page.read is not None else None
            if image is not None and kept + image.size > KEPT_PIXELS:
                page = without_pixels(page)
            elif image is not None:
                kept += image.size
            pages.append(page)
        return tuple(pages)
    finally:
        document.close()


def without_pixels(page: PageText) -> PageText:
    """The page without the image its OCR read (see :data:`KEPT_PIXELS`)."""
    if page.read is None or page.read.gray is None:
        return page
    return replace(page, read=replace(page.read, gray=None))


def _open(pdf: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise UnreadableFile("PDF endommagé ou tronqué : il ne s'ouvre pas") from exc


def _read_page(
    page: pdfium.PdfPage, number: int, engine: OcrEngine | None, settings: OcrSettings
) -> PageText:
    try:
        layer = page_layer(page)
        if not needs_ocr(layer):
            return PageText(number=number, text=layer.text)
        if engine is None:
            raise OcrUnavailable(
                f"La page {number} est une image à lire par OCR, mais aucun "
                f"moteur OCR n'est disponible. {INSTALL_HINT}"
            )
        return _ocr_page(page, number, engine, settings)
    finally:
        page.close()


def _ocr_page(
    page: pdfium.PdfPage, number: int, engine: OcrEngine, settings: OcrSettings
) -> PageText:
    image, dpi = page_image(page, settings)
    read = read_image(image, dpi, engine, settings)
    if read.result.text and read.result.confidence < settings.min_confidence:
        log.info("page %d poorly read (confidence %.2f)", number, read.result.confidence)
    return PageText(
        number=number,
        text=read.result.text,
        ocr=True,
        confidence=round(read.result.confidence, 3),
        rotation=read.rotation,
        skew=read.skew,
        read=read,
    )


# --- which pages need OCR --------------------------------------------------------------------


def page_layer(page: pdfium.PdfPage) -> Layer:
    """The page's text layer and how much of the page pictures cover (~2 ms a page)."""
    textpage = page.get_textpage()
    try:
        text = tidy_layer_text(textpage.get_text_range())
        invisible, cover, drawing = _objects_summary(page, textpage)
    finally:
        textpage.close()
    return Layer(text, len(_ALNUM.findall(text)), invisible, cover, drawing)


def _objects_summary(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> tuple[int, float, bool]:
    width, height = page.get_size()
    area = max(width * height, 1.0)
    invisible, covered, drawing = 0, 0.0, False
    for raw, kind in _object_kinds(page):
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            drawing = True
            continue
        obj = pdfium.PdfObject(raw, page=page, pdf=page.pdf, textpage=textpage)
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT and _invisible(obj):
            invisible += len(_ALNUM.findall(obj.extract()))
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            covered += _clipped_area(obj.get_bounds(), width, height) / area
    return invisible, covered, drawing


def _object_kinds(
    page: pdfium.PdfPage, form: Any = None, level: int = 0
) -> Iterator[tuple[Any, int]]:
    """Every object of the page, forms opened (15 levels, as ``get_objects``), with its type.

    Raw handles: a signature drawn stroke by stroke is thousands of paths, and wrapping each
    in a helper object cost ~8 µs (0.1 s for such a page); only text and pictures are wrapped.
    """
    count = (
        pdfium_c.FPDFFormObj_CountObjects(form)
        if form
        else pdfium_c.FPDFPage_CountObjects(page.raw)
    )
    for index in range(max(count, 0)):
        raw = (
            pdfium_c.FPDFFormObj_GetObject(form, index)
            if form
            else pdfium_c.FPDFPage_GetObject(page.raw, index)
        )
        if not raw:
            continue
        kind = pdfium_c.FPDFPageObj_GetType(raw)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            if level < 14:
                yield from _object_kinds(page, raw, level + 1)
            continue
        yield raw, kind


def _invisible(obj: pdfium.PdfObject) -> bool:
    mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw)
    return bool(mode == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)


def _clipped_area(bounds: tuple[float, float, float, float], width: float, height: float) -> float:
    left, bottom, right, top = bounds
    return max(0.0, min(right, width) - max(left, 0.0)) * max(
        0.0, min(top, height) - max(bottom, 0.0)
    )


def needs_ocr(layer: Layer) -> bool:
    """Whether the page must be OCR'd rather than read from its text layer."""
    if layer.invisible_chars >= MIN_LAYER_CHARS:
        return False  # a scan someone already OCR'd: read as is
    if layer.picture_cover >= SCAN_COVER:
        return layer.chars < MIN_CHARS_OVER_PICTURE
    # No picture to speak of: text or nothing. Without text, only drawings can hold words
    # (text converted to outlines); a blank page is not worth an OCR pass.
    return layer.chars == 0 and layer.has_drawing


def tidy_layer_text(text: str) -> str:
    """pdfium text with ``\\n`` line ends, soft hyphens and NULs dropped, no trailing spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "").replace("\x00", "")
    text = text.replace("\ufffe", "").replace("\xad", "")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


# --- the page as a picture -------------------------------------------------------------------


def page_image(page: pdfium.PdfPage, settings: OcrSettings) -> tuple[Image.Image, int]:
    """The page as an image and its dpi: its own picture if it is the whole page, else a render."""
    native = _whole_page_picture(page, settings)
    if native is not None:
        return native
    return render_page(page, settings.dpi)


def render_page(page: pdfium.PdfPage, dpi: int) -> tuple[Image.Image, int]:
    """The page in grey at ``dpi``, or at the finer resolution keeping it to MAX_PAGE_PIXELS.

    Intake refuses larger pages; this holds even for a page that did not go through it
    (a 4,200-point page at 300 dpi would be 306 Mpx and 2 GB).
    """
    width, height = page.get_size()
    dpi = capped_dpi(width * height / 72**2, dpi)
    return page.render(scale=dpi / 72, grayscale=True).to_pil(), dpi


def capped_dpi(square_inches: float, dpi: int) -> int:
    """``dpi``, or less if a picture of ``square_inches`` would pass MAX_PAGE_PIXELS."""
    if not square_inches * dpi * dpi > MAX_PAGE_PIXELS:
        return dpi
    return max(int(math.sqrt(MAX_PAGE_PIXELS / square_inches)), 1)


def _whole_page_picture(
    page: pdfium.PdfPage, settings: OcrSettings
) -> tuple[Image.Image, int] | None:
    images = [o for o in page.get_objects(max_depth=0) if o.type == pdfium_c.FPDF_PAGEOBJ_IMAGE]
    if len(images) != 1 or page.get_rotation() != 0:
        return None
    image = images[0]
    width, height = page.get_size()
    if _clipped_area(image.get_bounds(), width, height) < WHOLE_PAGE * width * height:
        return None
    if not _plain_placement(image) or not _within_cap(*image.get_px_size()):
        return None  # the renderer draws it, under the cap
    picture = _decode_picture(image)
    if picture is None:
        return None
    dpi = round(picture.width * 72 / width)
    low, high = settings.native_dpi_range
    return (picture, dpi) if low <= dpi <= high else None


def _plain_placement(image: pdfium.PdfImage) -> bool:
    # Upright, unmirrored, unrotated: anything else is left to the renderer to get right.
    m = image.get_matrix()
    return m.a > 0 and m.d > 0 and abs(m.b) < 1e-6 and abs(m.c) < 1e-6


def _within_cap(width: int, height: int) -> bool:
    """Whether a picture this size may be OCR'd as it is (else the page is drawn under the cap)."""
    return width * height <= MAX_PAGE_PIXELS


def _decode_picture(image: pdfium.PdfImage) -> Image.Image | None:
    """The image's own pixels: JPEG bytes straight to Pillow, anything else through pdfium."""
    try:
        if image.get_filters() == ["DCTDecode"]:
            picture = Image.open(io.BytesIO(bytes(image.get_data(decode_simple=False))))
            picture.load()
            # CMYK and friends: pdfium knows their colour transforms, Pillow guesses.
            return picture if picture.mode in ("L", "RGB") else None
        return image.get_bitmap(render=False).to_pil()
    except (OSError, ValueError, pdfium.PdfiumError):
        return None  # let the renderer cope with what cannot be decoded here


# --- DOCX ------------------------------------------------------------------------------------


def docx_pages(source: Path | bytes) -> tuple[PageText, ...]:
    """A Word document's paragraphs and tables, in order, as one page (DOCX has no pages)."""
    import docx  # only DOCX files need it

    try:
        document = docx.Document(str(source) if isinstance(source, Path) else io.BytesIO(source))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors…
        raise UnreadableFile("document Word endommagé : il ne s'ouvre pas") from exc
    lines = [line for line in _docx_lines(document) if line.strip()]
    return (PageText(number=1, text="\n".join(lines)),)


def _docx_lines(document: object) -> Iterator[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in document.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(block, Paragraph):
            yield from block.text.splitlines()
        elif isinstance(block, Table):
            yield from _table_lines(block)


def _table_lines(table: object) -> Iterator[str]:
    # One line per row, cells separated by " | "; merged cells repeat in python-docx: once.
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if not cells or text != cells[-1]:
                cells.append(text)
        yield " | ".join(cells)


# --- the stage -------------------------------------------------------------------------------


def run(doc: Doc, engine: OcrEngine | None, settings: OcrSettings) -> Doc:
    """Set ``doc.pages``; a document with no text on any page is unreadable."""
    if doc.kind is FileKind.DOCX and doc.data is not None:
        pages = docx_pages(doc.data)  # never the path again: the file may be another by now
    elif doc.pdf is not None:
        pages = read_pages(doc.pdf, engine, settings)
    else:
        raise UnreadableFile("aucun contenu à lire (étape d'entrée non faite ?)")
    if not any(_ALNUM.search(page.text) for page in pages):
        raise UnreadableFile(_blank_detail(doc, pages))
    return replace(doc, pages=pages)


def _blank_detail(doc: Doc, pages: tuple[PageText, ...]) -> str:
    if doc.kind is FileKind.DOCX:
        return "le document Word ne contient aucun texte"
    if any(page.ocr for page in pages):
        return "aucun texte lisible : page blanche ou numérisation trop pâle ou floue"
    return "le PDF ne contient aucun texte"
