"""Intake: what a dropped file really is, and the file as a PDF.

Reads ``doc.source.path`` (once, through :mod:`pipeline.safeio`: never through a link,
never a pipe or a device, never past ``max_bytes``). Sets ``sha256``, ``size``, ``kind``,
``data`` (the bytes read, which later stages use instead of the path) and ``pdf``: the
original bytes for a PDF (never rewritten: it may be digitally signed), a PDF wrapping the
picture for JPEG/PNG/TIFF (EXIF orientation applied, resolution kept or assumed A4), and
``None`` for DOCX. Duplicates by hash are the store's business, not this stage's.

Raises :class:`~pipeline.errors.EmptyFile`, :class:`~pipeline.errors.FileTooLarge`,
:class:`~pipeline.errors.UnsupportedFile`, :class:`~pipeline.errors.EncryptedFile` and
:class:`~pipeline.errors.UnreadableFile`.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import replace

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field
from pypdf import PageObject, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

from pipeline import safeio
from pipeline.errors import (
    EmptyFile,
    EncryptedFile,
    FileTooLarge,
    UnreadableFile,
    UnsupportedFile,
)
from pipeline.record import IMAGE_KINDS, Doc, FileKind

log = logging.getLogger(__name__)

MB = 1024 * 1024
A4_INCHES = (8.27, 11.69)
#: Acrobat accepts "%PDF-" anywhere in the first kilobyte; so do we.
PDF_HEAD_WINDOW = 1024
EXIF_ORIENTATION = 0x0112


class IntakeLimits(BaseModel):
    """What a single dropped file may weigh."""

    model_config = ConfigDict(extra="forbid")

    max_bytes: int = Field(default=200 * MB, gt=0)  # file size
    max_pages: int = Field(default=300, gt=0)  # pages of a PDF (or frames of a TIFF)
    max_image_pixels: int = Field(default=80_000_000, gt=0)  # per picture: bombs stop here
    #: What a PDF page's drawing instructions may inflate to (a few kB to a few MB in practice);
    #: checked before pdfium inflates them whole: a small Flate stream can hide gigabytes.
    max_page_content_bytes: int = Field(default=64 * MB, gt=0)
    #: What the parts of a Word document may weigh once unzipped (as the ZIP declares them).
    max_unzipped_bytes: int = Field(default=256 * MB, gt=0)


# --- what the bytes are ----------------------------------------------------------------------

_IMAGE_MAGIC: tuple[tuple[bytes, FileKind], ...] = (
    (b"\xff\xd8\xff", FileKind.JPEG),
    (b"\x89PNG\r\n\x1a\n", FileKind.PNG),
    (b"II*\x00", FileKind.TIFF),
    (b"MM\x00*", FileKind.TIFF),
)

_CONTAINER_MAGIC = (b"PK\x03\x04", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"\xd0\xcf\x11\xe0")


def sniff(head: bytes) -> FileKind | None:
    """The kind of a file from its first bytes; DOCX needs :func:`sniff_bytes` (whole file)."""
    for magic, kind in _IMAGE_MAGIC:
        if head.startswith(magic):
            return kind
    # An archive storing a PDF uncompressed shows "%PDF-" early too: it is still an archive.
    if head.startswith(_CONTAINER_MAGIC):
        return None
    if b"%PDF-" in head[:PDF_HEAD_WINDOW]:
        return FileKind.PDF
    return None


def sniff_bytes(data: bytes) -> FileKind | None:
    """The kind of a whole file's bytes, DOCX included (a ZIP holding ``word/document.xml``)."""
    kind = sniff(data[:PDF_HEAD_WINDOW])
    if kind is None and data.startswith(b"PK\x03\x04"):
        names = _zip_names(data)
        # A document with macros (.docm) is not a DOCX: python-docx refuses it, and rightly.
        if "word/document.xml" in names and "word/vbaProject.bin" not in names:
            return FileKind.DOCX
    return kind


def _zip_names(data: bytes) -> set[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return set()


#: What an unsupported file seems to be, in French (noun, feminine?), by its first bytes.
_LOOKS_LIKE: tuple[tuple[bytes, str, bool], ...] = (
    (b"\xd0\xcf\x11\xe0", "document Office ancien format (.doc/.xls)", False),
    (b"{\\rtf", "document RTF", False),
    (b"GIF8", "image GIF", True),
    (b"BM", "image BMP", True),
    (b"%!PS", "fichier PostScript", False),
    (b"Rar!", "archive RAR", True),
    (b"7z\xbc\xaf", "archive 7-Zip", True),
    (b"\x1f\x8b", "archive gzip", True),
)


def describe(data: bytes) -> tuple[str, bool]:
    """What unsupported bytes look like, in French, and whether the noun is feminine."""
    head = data[:512]
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered:
        return "page web (HTML)", True
    if lowered.startswith(b"<?xml") or lowered.startswith(b"<svg"):
        return ("image SVG", True) if b"<svg" in lowered else ("fichier XML", False)
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypheif"):
        return "photo HEIC (iPhone)", True
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image WebP", True
    for magic, what, feminine in _LOOKS_LIKE:
        if head.startswith(magic):
            return what, feminine
    if data.startswith(b"PK\x03\x04"):
        return _describe_zip(data)
    return _describe_text(head)


def _describe_zip(data: bytes) -> tuple[str, bool]:
    names = _zip_names(data)
    if "word/vbaProject.bin" in names:
        return "document Word avec macros (DOCM)", False
    if "xl/workbook.xml" in names:
        return "classeur Excel (XLSX)", False
    if "ppt/presentation.xml" in names:
        return "présentation PowerPoint (PPTX)", True
    if "content.xml" in names:
        return "document OpenDocument (LibreOffice)", False
    return "archive ZIP", True


def _describe_text(head: bytes) -> tuple[str, bool]:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "fichier de type inconnu", False
    return "fichier texte", False


def unsupported_detail(data: bytes, name: str) -> str:
    """E.g. « page web (HTML) nommée .pdf »."""
    what, feminine = describe(data)
    suffix = name[name.rfind(".") :] if "." in name else "sans extension"
    named = "nommée" if feminine else "nommé"
    return f"{what} {named} {suffix}" if suffix.startswith(".") else f"{what} {suffix}"


# --- the stage -------------------------------------------------------------------------------


def run(doc: Doc, limits: IntakeLimits) -> Doc:
    """Read the dropped file once: hash, size, real kind, and the file as PDF."""
    data = _read(doc, limits)
    kind = sniff_bytes(data)
    if kind is None:
        raise UnsupportedFile(unsupported_detail(data, doc.source.path.name))
    pdf = as_pdf(data, kind, limits)
    log.debug("intake %s: %s, %d bytes", doc.source.rel, kind, len(data))
    sha256 = hashlib.sha256(data).hexdigest()
    return replace(doc, sha256=sha256, size=len(data), kind=kind, pdf=pdf, data=data)


def _read(doc: Doc, limits: IntakeLimits) -> bytes:
    """The file's bytes, read once from a checked descriptor (see :mod:`pipeline.safeio`)."""
    data = safeio.read(doc.source.path, limits.max_bytes, root=doc.source.drop)
    if not data:
        raise EmptyFile()
    return data


def as_pdf(data: bytes, kind: FileKind, limits: IntakeLimits) -> bytes | None:
    """The file as PDF bytes after checking it opens: PDFs as they are, pictures wrapped."""
    if kind is FileKind.PDF:
        check_pdf(data, limits)
        return data
    if kind in IMAGE_KINDS:
        return wrap_images(data, limits)
    check_docx(data, limits)
    return None


def check_pdf(data: bytes, limits: IntakeLimits) -> int:
    """Open the PDF (empty user password included) and return its page count."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise EncryptedFile("PDF protégé par un mot de passe") from exc
        raise UnreadableFile("PDF endommagé ou tronqué : il ne s'ouvre pas") from exc
    try:
        pages = len(pdf)
    finally:
        pdf.close()
    if pages == 0:
        raise UnreadableFile("PDF sans aucune page")
    if pages > limits.max_pages:
        raise FileTooLarge(f"{pages} pages, plus que la limite de {limits.max_pages} pages")
    check_page_contents(data, limits)
    return pages


def check_page_contents(data: bytes, limits: IntakeLimits) -> None:
    """Refuse a page whose drawing instructions inflate past the limit, inflating a bounded part.

    pdfium inflates a page's content streams, and the forms they draw, whole when it loads
    the page; this looks first. A PDF pypdf cannot parse is left to pdfium, which opened it.
    """
    limit = limits.max_page_content_bytes
    try:
        reader = PdfReader(io.BytesIO(data))
        for number, page in enumerate(reader.pages, start=1):
            size = 0
            for stream in _drawn_streams(page):
                if stream.get("/Subtype") == "/Image":
                    _check_picture(stream, number, limits)
                    continue
                size += _inflated_size(stream, limit - size)
                if size > limit:
                    raise FileTooLarge(
                        f"page {number} démesurée une fois décompressée (plus de "
                        f"{limit / MB:.0f} Mo d'instructions de dessin) : "
                        "fichier piégé ou mal produit"
                    )
    except FileTooLarge:
        raise
    except Exception:  # pypdf's own parsing errors: pdfium's opinion stands
        log.debug("contenu des pages non vérifié", exc_info=True)


#: Forms drawn by forms…: deeper than this, pdfium itself gives up.
FORM_DEPTH = 8


def _drawn_streams(page: PageObject) -> Iterator[StreamObject]:
    """The page's content streams, then the forms and pictures it may draw (nested too)."""
    contents = page.get("/Contents")
    if contents is not None:
        contents = contents.get_object()
        items = list(contents) if isinstance(contents, ArrayObject) else [contents]
        for item in items:
            if isinstance(stream := item.get_object(), StreamObject):
                yield stream
    seen: set[int] = set()
    yield from _xobjects(page.get("/Resources"), seen, FORM_DEPTH)


def _xobjects(resources: object, seen: set[int], depth: int) -> Iterator[StreamObject]:
    """The forms and pictures ``resources`` name, and those of the forms, ``depth`` deep."""
    resources = resources.get_object() if hasattr(resources, "get_object") else resources
    if depth == 0 or not isinstance(resources, DictionaryObject):
        return
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    if not isinstance(xobjects, DictionaryObject):
        return
    for ref in xobjects.values():
        form = ref.get_object()
        if not isinstance(form, StreamObject) or id(form) in seen:
            continue
        seen.add(id(form))
        yield form  # a form, or a picture
        if form.get("/Subtype") == "/Form":
            yield from _xobjects(form.get("/Resources"), seen, depth - 1)


def _check_picture(picture: StreamObject, number: int, limits: IntakeLimits) -> None:
    """A picture in a PDF is held to the limit of a picture file (pdfium may decode it whole)."""
    try:
        pixels = int(picture.get("/Width", 0)) * int(picture.get("/Height", 0))
    except (TypeError, ValueError):
        return
    if pixels > limits.max_image_pixels:
        raise FileTooLarge(
            f"page {number} : image de {pixels / 1e6:.0f} Mpx, plus que la limite de "
            f"{limits.max_image_pixels / 1e6:.0f} Mpx"
        )


def _inflated_size(stream: StreamObject, limit: int) -> int:
    """The stream's size once inflated, counted up to just past ``limit`` (1 MB at a time)."""
    raw: bytes = stream._data  # the encoded bytes: get_data() would inflate them whole
    filters = stream.get("/Filter")
    first = filters[0] if isinstance(filters, ArrayObject) and filters else filters
    if first not in ("/FlateDecode", "/Fl"):
        return len(raw)
    inflater = zlib.decompressobj()
    size, pending = 0, raw
    try:
        while pending and size <= limit:  # ``limit``: what the page has left
            size += len(inflater.decompress(pending, MB))
            pending = inflater.unconsumed_tail
    except zlib.error:
        pass  # a broken stream: pdfium will make of it what it can
    return size


def check_docx(data: bytes, limits: IntakeLimits) -> None:
    """Make sure python-docx can open the document, and would not unzip gigabytes to do so.

    Reading a ZIP entry stops at the size its directory declares: the declared sizes bound it.
    """
    import docx  # only DOCX files need it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableFile("document Word endommagé : il ne s'ouvre pas") from exc
    if unzipped > limits.max_unzipped_bytes:
        raise FileTooLarge(
            f"document Word démesuré une fois décompressé ({unzipped / MB:.0f} Mo, plus que "
            f"la limite de {limits.max_unzipped_bytes / MB:.0f} Mo) : fichier piégé ou mal produit"
        )
    try:
        docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors…
        raise UnreadableFile("document Word endommagé : il ne s'ouvre pas") from exc


# --- pictures as PDF -------------------------------------------------------------------------


def wrap_images(data: bytes, limits: IntakeLimits) -> bytes:
    """A PDF with one page per frame of the picture, each page sized to its resolution."""
    with _open_image(data, limits) as image:
        frames = getattr(image, "n_frames", 1)
        if frames > limits.max_pages:
            raise FileTooLarge(f"{frames} pages, plus que la limite de {limits.max_pages} pages")
        jpeg = data if image.format == "JPEG" else None
        pdf = pdfium.PdfDocument.new()
        try:
            # The iterator seeks the same object frame by frame: each is used before the next.
            for frame in ImageSequence.Iterator(image):
                _add_picture_page(pdf, frame, jpeg, limits)
            out = io.BytesIO()
            pdf.save(out)
        finally:
            pdf.close()
    return out.getvalue()


def _open_image(data: bytes, limits: IntakeLimits) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb guard warns then raises; our explicit limit below decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise FileTooLarge("image démesurée (trop de pixels)") from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UnreadableFile("image endommagée : elle ne s'ouvre pas") from exc
    _check_pixels(image, limits)
    return image


def _check_pixels(image: Image.Image, limits: IntakeLimits) -> None:
    pixels = image.width * image.height
    if pixels > limits.max_image_pixels:
        raise FileTooLarge(
            f"image de {pixels / 1e6:.0f} Mpx, plus que la limite de "
            f"{limits.max_image_pixels / 1e6:.0f} Mpx"
        )


def _add_picture_page(
    pdf: pdfium.PdfDocument, frame: Image.Image, jpeg: bytes | None, limits: IntakeLimits
) -> None:
    _check_pixels(frame, limits)
    upright = _upright(frame)
    dpi = image_dpi(frame)
    width, height = upright.width * 72 / dpi, upright.height * 72 / dpi
    page = pdf.new_page(width, height)
    obj = pdfium.PdfImage.new(pdf)
    # A JPEG already upright goes in untouched (no second lossy encoding); others as pixels.
    if jpeg is not None and upright is frame and frame.mode in ("L", "RGB"):
        obj.load_jpeg(io.BytesIO(jpeg), inline=False)
    else:
        obj.set_bitmap(pdfium.PdfBitmap.from_pil(_bitmap_ready(upright)))
    obj.set_matrix(pdfium.PdfMatrix().scale(width, height))
    page.insert_obj(obj)
    page.gen_content()


def _upright(frame: Image.Image) -> Image.Image:
    """The frame turned as the camera's EXIF orientation says; the frame itself if upright."""
    try:
        frame.load()
        if frame.getexif().get(EXIF_ORIENTATION, 1) in (0, 1):
            return frame
        return ImageOps.exif_transpose(frame)
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt pixel data
        raise UnreadableFile("image endommagée ou tronquée") from exc


def _bitmap_ready(image: Image.Image) -> Image.Image:
    # PdfBitmap takes L, RGB, RGBA/RGBX; transparency is flattened onto white paper.
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        background = Image.new("RGB", image.size, "white")
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        return background
    if image.mode in ("1", "I;16", "I", "F", "P"):
        return image.convert("L") if image.mode != "P" else image.convert("RGB")
    return image if image.mode in ("L", "RGB") else image.convert("RGB")


def image_dpi(image: Image.Image) -> float:
    """The picture's resolution: its own when plausible, else as if it spanned an A4 page."""
    stated = image.info.get("dpi")
    if stated:
        try:
            x = float(stated[0])
        except (TypeError, ValueError, IndexError):
            x = 0.0
        # 72 and 96 are what cameras and screenshots write by default, not a measurement.
        if 100 <= x <= 1200:
            return x
    portrait = sorted(image.size)
    return max(portrait[0] / A4_INCHES[0], portrait[1] / A4_INCHES[1], 50.0)
