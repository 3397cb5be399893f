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
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from typing import Any, NoReturn, cast

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field
from pypdf import PageObject, PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.filters import (
    ASCII85Decode,
    ASCIIHexDecode,
    FlateDecode,
    LZWDecode,
    RunLengthDecode,
)
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    StreamObject,
    read_object,
)

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
#: The resolution a PDF page's size is checked at: the OCR's (``[ocr] dpi``, 300 by default).
PAGE_DPI = 300
#: What a page may count in pixels at ``PAGE_DPI`` (A3: 17 Mpx, A2: 35 Mpx); the renderers
#: draw a larger page at a lower resolution rather than past this (``pipeline.text``).
MAX_PAGE_PIXELS = 40_000_000
CM_PER_POINT = 2.54 / 72


class IntakeLimits(BaseModel):
    """What a single dropped file may weigh."""

    model_config = ConfigDict(extra="forbid")

    max_bytes: int = Field(default=200 * MB, gt=0)  # file size
    max_pages: int = Field(default=300, gt=0)  # pages of a PDF (or frames of a TIFF)
    max_image_pixels: int = Field(default=80_000_000, gt=0)  # per picture: bombs stop here
    #: What a PDF page's drawing instructions may inflate to (a few kB to a few MB in practice);
    #: checked before pdfium inflates them whole: a small Flate stream can hide gigabytes.
    max_page_content_bytes: int = Field(default=64 * MB, gt=0)
    #: A PDF page's pixels at 300 dpi (its MediaBox/CropBox, as pdfium sizes it).
    max_page_pixels: int = Field(default=MAX_PAGE_PIXELS, gt=0)
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
    """Open the PDF (empty user password included), measure its pages, return their count."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise EncryptedFile("PDF protégé par un mot de passe") from exc
        raise UnreadableFile("PDF endommagé ou tronqué : il ne s'ouvre pas") from exc
    try:
        pages = len(pdf)
        if pages == 0:
            raise UnreadableFile("PDF sans aucune page")
        if pages > limits.max_pages:
            raise FileTooLarge(f"{pages} pages, plus que la limite de {limits.max_pages} pages")
        for index in range(pages):  # the size alone: pdfium loads no page to tell it
            check_page_size(pdf.get_page_size(index), index + 1, limits)
    finally:
        pdf.close()
    check_page_contents(data, limits, pages)
    return pages


def check_page_size(size: tuple[float, float], number: int, limits: IntakeLimits) -> None:
    """Refuse a page whose picture at :data:`PAGE_DPI` would pass ``max_page_pixels``."""
    width, height = size
    pixels = (width * PAGE_DPI / 72) * (height * PAGE_DPI / 72)
    if not pixels <= limits.max_page_pixels:  # NaN too
        raise FileTooLarge(
            f"page {number} démesurée ({width * CM_PER_POINT:.0f} × "
            f"{height * CM_PER_POINT:.0f} cm, soit {pixels / 1e6:.0f} Mpx à {PAGE_DPI} dpi, "
            f"plus que la limite de {limits.max_page_pixels / 1e6:.0f} Mpx) : "
            "fichier piégé ou mal produit"
        )


#: Why a PDF whose structure pypdf cannot follow is refused (pdfium alone would open it blind).
UNCHECKABLE = (
    "PDF endommagé : sa structure ne peut pas être vérifiée avant lecture ; "
    "réenregistrez-le (« Imprimer en PDF ») et déposez-le à nouveau"
)


def check_page_contents(data: bytes, limits: IntakeLimits, pages: int | None = None) -> None:
    """Refuse a page whose drawing would cost past the limits, before pdfium decodes any of it.

    Page by page, every stream pdfium may decode to draw the page (its contents, the forms
    they draw at any depth, patterns, fonts, Type 3 glyphs, annotation appearances, pictures
    and their masks) is decoded through every filter of its chain by bounded decoders, and
    the drawing instructions are searched for inline pictures. A page that cannot be followed
    (a missing object, a structure pypdf cannot parse, another page count than pdfium's) is
    refused: what is not measured is not let through.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:  # pdfium opened it with the empty password: so must pypdf
            reader.decrypt("")
        count = len(reader.pages)
    except Exception as exc:  # pypdf's parsing errors are of many kinds
        log.debug("structure du PDF non vérifiable", exc_info=True)
        raise UnreadableFile(UNCHECKABLE) from exc
    if pages is not None and count != pages:
        raise UnreadableFile(UNCHECKABLE)
    measured: dict[tuple[int, int], int] = {}  # streams shared by pages are decoded once
    for number in range(1, count + 1):
        try:
            with _quiet_pypdf():
                _check_page(reader.pages[number - 1], number, limits, measured)
        except (FileTooLarge, UnreadableFile):
            raise
        except Exception as exc:
            log.debug("page %d non vérifiable", number, exc_info=True)
            raise UnreadableFile(
                f"page {number} endommagée : son contenu ne peut pas être vérifié avant "
                "lecture ; réenregistrez le PDF (« Imprimer en PDF ») et déposez-le à nouveau"
            ) from exc


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf's warnings about a hostile page (thousands of "Early EOD") stay out of the log."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


class _Budget:
    """What one page's decoded streams may weigh together, and what they weigh so far."""

    def __init__(self, number: int, limit: int) -> None:
        self.number, self.limit, self.spent = number, limit, 0

    @property
    def left(self) -> int:
        return self.limit - self.spent

    def spend(self, size: int) -> None:
        self.spent += size
        if self.spent > self.limit:
            self.refuse()

    def refuse(self) -> NoReturn:
        raise FileTooLarge(
            f"page {self.number} démesurée une fois décompressée (plus de "
            f"{self.limit / MB:.0f} Mo d'instructions de dessin) : fichier piégé ou mal produit"
        )


class _TooLarge(Exception):
    """A decoder's output passed its bound."""


def _check_page(
    page: PageObject, number: int, limits: IntakeLimits, measured: dict[tuple[int, int], int]
) -> None:
    budget = _Budget(number, limits.max_page_content_bytes)
    for key, stream, role in _drawn_streams(page):
        if key in measured:
            budget.spend(measured[key])
            continue
        try:
            cost = _stream_cost(stream, role, number, limits, budget.left)
        except _TooLarge:
            budget.refuse()
        budget.spend(cost)
        if key is not None:
            measured[key] = cost


def _stream_cost(
    stream: StreamObject, role: str, number: int, limits: IntakeLimits, left: int
) -> int:
    """The bytes pdfium holds to decode ``stream``, its pictures checked on the way.

    A picture's own decoding is held to the page's limit alone, not added to the page's: pdfium
    decodes pictures one at a time, and a shared picture dictionary (some producers list every
    picture of the file on each page) would add up to a false alarm.
    """
    if role == _PICTURE:
        _check_picture(stream, number, limits, limits.max_page_content_bytes)
        return 0
    data = _decoded(_raw(stream), _filters(stream), _value(stream, "/DecodeParms"), left)
    if role == _CONTENT:
        if len(data) > PREDICTED_MAX and _predicted(stream):
            raise ValueError("instructions trop grandes pour défaire leur prédicteur")
        return len(data) + _check_inline_pictures(data, number, limits, left - len(data))
    return len(data)


# --- what a page draws -----------------------------------------------------------------------

_CONTENT, _PICTURE, _DATA = "instructions", "image", "données"

#: Keys that lead away from what draws a page: back to pages, actions, metadata, private data.
_NOT_DRAWN = frozenset(
    ("/Parent", "/P", "/Metadata", "/PieceInfo", "/Thumb", "/A", "/AA", "/Dest", "/Popup", "/IRT")
)
_NOT_DRAWN_TYPES = ("/Page", "/Pages", "/Catalog")


def _drawn_streams(
    page: PageObject,
) -> Iterator[tuple[tuple[int, int] | None, StreamObject, str]]:
    """Every stream the page may decode, once, with its reference and role.

    The page's content streams, then whatever its resources and its annotations' appearances
    reach, at any depth (a form drawing a form drawing a form…); a reference already seen
    (a cycle, a shared font) is not followed twice. A reference to a missing object raises
    :class:`LookupError`: pdfium, repairing the file, might find there what pypdf did not.
    """
    seen: set[tuple[int, int]] = set()
    # (object, whether the streams it is or holds are drawing instructions)
    stack: list[tuple[object, bool]] = [(page.get("/Resources"), False)]
    stack += [(ap, True) for ap in _appearances(page)]
    stack.append((page.get("/Contents"), True))  # popped first
    while stack:
        obj, drawing = stack.pop()
        key = None
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
            if obj is None or isinstance(obj, NullObject):
                raise LookupError(f"objet {key[0]} {key[1]} absent")
        if isinstance(obj, StreamObject):
            yield key, obj, _role(obj, drawing)
            drawing = False
        if isinstance(obj, DictionaryObject):
            if _value(obj, "/Type") in _NOT_DRAWN_TYPES:
                continue
            stack += [
                (value, drawing or name == "/CharProcs")
                for name, value in obj.items()
                if name not in _NOT_DRAWN
            ]
        elif isinstance(obj, ArrayObject):
            stack += [(item, drawing) for item in obj]


def _role(stream: StreamObject, drawing: bool) -> str:
    subtype = _value(stream, "/Subtype")
    if subtype == "/Image":
        return _PICTURE
    if drawing or subtype == "/Form" or _value(stream, "/PatternType") == 1:
        return _CONTENT
    return _DATA


def _appearances(page: PageObject) -> list[object]:
    """The appearance streams of the page's annotations (pdfium draws them with the page)."""
    annotations = page.get("/Annots")
    annotations = annotations.get_object() if annotations is not None else None
    if not isinstance(annotations, ArrayObject):
        return []
    found = []
    for ref in annotations:
        annotation = ref.get_object()
        if isinstance(annotation, DictionaryObject) and "/AP" in annotation:
            found.append(annotation.raw_get("/AP"))
    return found


# --- pictures --------------------------------------------------------------------------------

#: Filters that make a picture of their input: what they cost is its pixels.
_PICTURE_FILTERS = frozenset(("/DCTDecode", "/JPXDecode", "/CCITTFaxDecode", "/JBIG2Decode"))
#: Last filters pdfium applies line by line while drawing a picture (the others, it decodes
#: whole first).
_LINE_BY_LINE = _PICTURE_FILTERS | {"/FlateDecode", "/RunLengthDecode"}


def _check_picture(
    picture: DictionaryObject,
    number: int,
    limits: IntakeLimits,
    left: int,
    inline: memoryview | None = None,
) -> int:
    """Hold a picture to the limit of a picture file (pdfium may decode it whole).

    Its pixels are the larger of what its dictionary states and what its JPEG, JPEG 2000 or
    fax data says. Returns the bytes pdfium decodes whole before drawing it: every filter of
    a chain but a last one it reads line by line; of an inline picture (``inline``: the
    instructions from its data on), every filter but a picture one, as pdfium decodes them
    to find where the data ends.
    """
    _check_pixels_of(_stated_pixels(picture), number, limits)  # before anything is decoded
    filters = _filters(picture)
    params = _params(_value(picture, "/DecodeParms"), len(filters))
    last = filters[-1] if filters else None
    whole = (
        len(filters) - 1
        if last in (_PICTURE_FILTERS if inline is not None else _LINE_BY_LINE)
        else len(filters)
    )
    raw = inline if inline is not None else _raw(picture)
    before = filters[:whole], params[:whole]
    heads: list[Callable[[], bytes]]
    if inline is None and whole == 1 and filters[0] in _TEXT_SIZES:
        # Text before the codec (reportlab's pictures): counted, and only its head decoded.
        cost = _TEXT_SIZES[filters[0]](raw)
        if cost > left:
            raise _TooLarge()
        decoded = None
        heads = [
            partial(_decoded, _text_head(bytes(raw), filters[0], size), *before, left)
            for size in HEADER_BYTES
        ]
    else:
        decoded = _decoded(raw, *before, left) if whole else None
        cost = len(decoded) if decoded is not None else 0
        heads = [lambda: decoded if decoded is not None else bytes(raw[: HEADER_BYTES[-1]])]
    if last is not None and whole == len(filters) - 1:
        heads.append(lambda: _decoded(raw, *before, left))  # the head was not enough
        _check_pixels_of(_coded_pixels(heads, last, params[-1]), number, limits)
    return cost


def _check_pixels_of(pixels: int, number: int, limits: IntakeLimits) -> None:
    if pixels > limits.max_image_pixels:
        raise FileTooLarge(
            f"page {number} : image de {pixels / 1e6:.0f} Mpx, plus que la limite de "
            f"{limits.max_image_pixels / 1e6:.0f} Mpx"
        )


#: Where a picture's header is looked for first (JPEG markers, JPEG 2000 boxes); further
#: only if it is not there.
HEADER_BYTES = (2 * 1024, 64 * 1024)


def _raw(stream: DictionaryObject) -> bytes:
    """A stream's bytes as stored: ``get_data()`` would decode them whole."""
    data: bytes = stream._data if isinstance(stream, StreamObject) else b""
    return data


def _stated_pixels(picture: DictionaryObject) -> int:
    width, height = _value(picture, "/Width", 0), _value(picture, "/Height", 0)
    try:
        return max(int(width), 0) * max(int(height), 0)
    except (TypeError, ValueError):
        return 0  # pdfium draws no picture without a size


def _coded_pixels(heads: list[Callable[[], bytes]], codec: str, params: object) -> int:
    """The pixels a JPEG, JPEG 2000 or fax picture says it has (0 for other filters).

    ``heads`` give the coded data's first bytes, then more if the header lies further.
    """
    if codec == "/CCITTFaxDecode":
        fax = params if isinstance(params, DictionaryObject) else DictionaryObject()
        return max(int(_value(fax, "/Columns", 1728)), 0) * max(int(_value(fax, "/Rows", 0)), 0)
    if codec not in ("/DCTDecode", "/JPXDecode"):
        return 0
    for head in heads[:-1]:
        try:
            return _header_pixels(head())
        except ValueError:
            pass
    return _header_pixels(heads[-1]())


def _header_pixels(data: bytes) -> int:
    ceiling, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None  # ours decides, after
    try:
        with Image.open(io.BytesIO(data)) as header:  # reads the header, decodes nothing
            return int(header.width * header.height)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ValueError("en-tête d'image illisible") from exc
    finally:
        Image.MAX_IMAGE_PIXELS = ceiling


def _value(dictionary: DictionaryObject, key: str, default: object = None) -> Any:
    """``dictionary.get(key)`` with a reference followed, as pdfium follows it."""
    value = dictionary.get(key, default)
    return value.get_object() if isinstance(value, IndirectObject) else value


# --- pictures drawn inside drawing instructions (BI … ID … EI) -------------------------------

_DELIMITER = rb"\x00\t\n\x0c\r ()<>\[\]{}/%"
_INLINE_START = re.compile(rb"(?<![^" + _DELIMITER + rb"])BI(?=[" + _DELIMITER + rb"]|\Z)")
_WHITESPACE = re.compile(rb"(?:[\x00\t\n\x0c\r ]|%[^\r\n]*)*")
_INLINE_DATA = re.compile(rb"ID(?:[\x00\t\n\x0c\r ]|\Z)")
#: Abbreviated names an inline picture may use (PDF 32000-1, tables 93 and 94).
_INLINE_KEYS = {
    "/W": "/Width",
    "/H": "/Height",
    "/F": "/Filter",
    "/DP": "/DecodeParms",
    "/BPC": "/BitsPerComponent",
    "/CS": "/ColorSpace",
}
_MAX_INLINE_KEYS = 64


def _check_inline_pictures(content: bytes, number: int, limits: IntakeLimits, left: int) -> int:
    """Check every inline picture of ``content``; return what pdfium decodes to find its end.

    Every ``BI`` is looked at, even one inside a string or another picture's data: whatever
    pdfium takes for a picture is among them.
    """
    spent, view, stream = 0, memoryview(content), io.BytesIO(content)
    for match in _INLINE_START.finditer(content):
        found = _inline_dictionary(content, stream, match.end())
        if found is not None:
            picture, start = found
            spent += _check_picture(picture, number, limits, left - spent, view[start:])
            if spent > left:
                raise _TooLarge()
    return spent


def _inline_dictionary(
    content: bytes, stream: io.BytesIO, at: int
) -> tuple[DictionaryObject, int] | None:
    """The dictionary of an inline picture whose ``BI`` ends at ``at``, and where data starts."""
    picture = DictionaryObject()
    for _ in range(_MAX_INLINE_KEYS):
        at = _WHITESPACE.match(content, at).end()  # type: ignore[union-attr]
        if (data := _INLINE_DATA.match(content, at)) is not None:
            return picture, data.end()
        stream.seek(at)
        try:
            key = read_object(stream, None)  # type: ignore[arg-type]
            stream.seek(_WHITESPACE.match(content, stream.tell()).end())  # type: ignore[union-attr]
            value = read_object(stream, None)  # type: ignore[arg-type]
        except Exception:  # not a dictionary: a "BI" in text or in data
            return None
        if not isinstance(key, NameObject):
            return None
        picture[NameObject(_INLINE_KEYS.get(key, key))] = value
        at = stream.tell()
    return None


# --- decoding, bounded -----------------------------------------------------------------------

#: Filters' full names by their abbreviations (inline pictures use them; some files too).
_FILTER_NAMES = {
    "/AHx": "/ASCIIHexDecode",
    "/A85": "/ASCII85Decode",
    "/LZW": "/LZWDecode",
    "/Fl": "/FlateDecode",
    "/RL": "/RunLengthDecode",
    "/CCF": "/CCITTFaxDecode",
    "/DCT": "/DCTDecode",
}
#: More filters than this on one stream is not a document, it is a trap.
MAX_FILTERS = 8
CHUNK = 64 * 1024


def _filters(stream: DictionaryObject) -> list[str]:
    filters = _value(stream, "/Filter")
    names = list(filters) if isinstance(filters, ArrayObject) else [filters]
    names = [str(n.get_object()) for n in names if n is not None]
    if len(names) > MAX_FILTERS:
        raise ValueError(f"{len(names)} filtres")
    return [_FILTER_NAMES.get(n, n) for n in names]


def _params(params: object, count: int) -> list[object]:
    params = params.get_object() if hasattr(params, "get_object") else params
    listed = list(params) if isinstance(params, ArrayObject) else [params] * count
    listed = [p.get_object() if hasattr(p, "get_object") else p for p in listed]
    return (listed + [None] * count)[:count]


def _decoded(data: bytes | memoryview, filters: list[str], params: object, limit: int) -> bytes:
    """``data`` through ``filters``; :class:`_TooLarge` as soon as a stage passes ``limit``.

    Stops at a picture filter (what follows is pixels) or one pdfium does not know.
    """
    listed = _params(params, len(filters)) if not isinstance(params, list) else params
    for name, param in zip(filters, listed, strict=False):
        decoder = _DECODERS.get(name)
        if decoder is None:
            break
        data = decoder(data, param, limit)
        if len(data) > limit:
            raise _TooLarge()
    # Nothing decoded: bytes as stored cost nothing more (an inline picture's rest: not copied).
    return data if isinstance(data, bytes) else b""


def _inflate(data: bytes | memoryview, params: object, limit: int) -> bytes:
    """Flate data inflated up to ``limit`` (+1 byte), fed in chunks; the predictor applied."""
    inflater, out = zlib.decompressobj(), bytearray()
    try:
        for at in range(0, len(data), CHUNK):
            out += inflater.decompress(data[at : at + CHUNK], limit + 1 - len(out))
            while inflater.unconsumed_tail and len(out) <= limit:
                out += inflater.decompress(inflater.unconsumed_tail, limit + 1 - len(out))
            if len(out) > limit or inflater.eof:
                break
    except zlib.error:
        pass  # a broken stream: pdfium keeps what inflated before the fault, so do we
    if len(out) > limit:
        raise _TooLarge()  # before copying it
    return _unpredicted(bytes(out), params, limit)


def _unpredicted(data: bytes, params: object, limit: int) -> bytes:
    """Undo a PNG or TIFF predictor (pypdf's), on data small enough for its pure Python."""
    if not isinstance(params, DictionaryObject) or _value(params, "/Predictor", 1) in (1, None):
        return data
    if len(data) > PREDICTED_MAX:
        return data  # its size is right within a byte a row; instructions: see _stream_cost
    with apply_configuration(zlib_maximum_output_length=limit + 1):
        return bytes(FlateDecode.decode(zlib.compress(data, 1), params))


#: Drawing instructions with a predictor (rare: a few kB in practice) are undone up to this;
#: past it they cannot be searched for inline pictures, and their page is refused.
PREDICTED_MAX = 4 * MB


def _predicted(stream: StreamObject) -> bool:
    params = _params(_value(stream, "/DecodeParms"), len(_filters(stream)))
    return any(
        isinstance(p, DictionaryObject) and _value(p, "/Predictor", 1) not in (1, None)
        for p in params
    )


def _unlzw(data: bytes | memoryview, params: object, limit: int) -> bytes:
    try:
        with apply_configuration(lzw_maximum_output_length=limit):
            # pypdf's decoder reads a memoryview as well: an inline picture's rest is not copied
            decoded = bytes(LZWDecode.decode(cast(bytes, data)))
    except LimitReachedError as exc:
        raise _TooLarge() from exc
    return _unpredicted(decoded, params, limit)


def _unrunlength(data: bytes | memoryview, params: object, limit: int) -> bytes:
    try:
        with apply_configuration(run_length_maximum_output_length=limit):
            return bytes(RunLengthDecode.decode(cast(bytes, data)))
    except LimitReachedError as exc:
        raise _TooLarge() from exc


def _unhex(data: bytes | memoryview, params: object, limit: int) -> bytes:
    if _hex_size(data) > limit:  # counted before anything is decoded
        raise _TooLarge()
    return ASCIIHexDecode.decode(_until(data, _HEX_END) + b">")


def _until(data: bytes | memoryview, end: re.Pattern[bytes]) -> bytes:
    """``data`` up to its end marker (the marker excluded), copied alone."""
    found = end.search(data)
    return bytes(data if found is None else data[: found.start()])


_HEX_END, _ASCII85_END = re.compile(rb">"), re.compile(rb"~>")


def _hex_size(data: bytes | memoryview) -> int:
    data = _until(data, _HEX_END)
    return (len(data) - sum(data.count(c) for c in _PDF_WHITESPACE) + 1) // 2


def _unascii85(data: bytes | memoryview, params: object, limit: int) -> bytes:
    if _ascii85_size(data) > limit:  # counted before anything is decoded
        raise _TooLarge()
    return ASCII85Decode.decode(_until(data, _ASCII85_END) + b"~>")


def _ascii85_size(data: bytes | memoryview) -> int:
    data = _until(data, _ASCII85_END)
    zeros = data.count(b"z")
    others = len(data) - zeros - sum(data.count(c) for c in _PDF_WHITESPACE)
    return 4 * zeros + others * 4 // 5  # "z" is four zero bytes; five characters make four


_TEXT_SIZES = {"/ASCIIHexDecode": _hex_size, "/ASCII85Decode": _ascii85_size}
_ASCII85_GROUPS = re.compile(rb"(?:z|[!-u]{5})*")


def _text_head(data: bytes, name: str, size: int) -> bytes:
    """The text that decodes to about ``size`` bytes of hex or ASCII 85, cut after a group."""
    if name == "/ASCIIHexDecode":
        return data[: 2 * size] + b">"
    head = data[: size * 5 // 4 + 64].translate(None, b"".join(_PDF_WHITESPACE))
    head = head.removeprefix(b"<~")
    return head[: _ASCII85_GROUPS.match(head).end()] + b"~>"  # type: ignore[union-attr]


_PDF_WHITESPACE = (b"\x00", b"\t", b"\n", b"\x0c", b"\r", b" ")

_DECODERS: dict[str, Callable[[bytes | memoryview, object, int], bytes]] = {
    "/FlateDecode": _inflate,
    "/LZWDecode": _unlzw,
    "/RunLengthDecode": _unrunlength,
    "/ASCIIHexDecode": _unhex,
    "/ASCII85Decode": _unascii85,
    "/Crypt": lambda data, params, limit: bytes(data),  # pypdf has decrypted it already
}


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
