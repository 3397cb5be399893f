"""The bad-input corpus (#8): files people really drop, generated on the fly, never committed.

Each case is a function returning the file's bytes; the cases that are not plain bytes
(links, very large files) write themselves into a given folder. Large cases stream their
bytes or leave holes in the file, so generating them costs neither memory nor disk.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.pipeline.test_runner import ATTESTATION  # a real one: good cases end attached

MB = 1024 * 1024


def pdf(lines: list[str] = ATTESTATION, pages: int = 1) -> bytes:
    """A born-digital PDF with ``lines`` on each of ``pages`` pages."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    for _ in range(pages):
        y = 780
        for line in lines:
            c.drawString(60, y, line)
            y -= 22
        c.showPage()
    c.save()
    return out.getvalue()


def _rewritten(data: bytes, change: Callable[[PdfWriter], object]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- bytes that are not what they should be ---------------------------------------------------


def empty() -> bytes:
    return b""


def truncated_pdf() -> bytes:
    """A PDF cut in the middle (a sync that stopped): no xref, no trailer, half a stream."""
    data = pdf()
    return data[: len(data) // 2]


def broken_xref_pdf() -> bytes:
    """A whole PDF whose cross-reference offsets all point to the wrong place."""
    data = pdf()
    head, sep, tail = data.rpartition(b"startxref")
    return head + sep + b"\n17\n%%EOF\n"


def encrypted_pdf() -> bytes:
    """Opens only with a password."""
    return _rewritten(pdf(), lambda w: w.encrypt(user_password="secret", owner_password="prop"))


def owner_only_pdf() -> bytes:
    """Encrypted with an empty user password (printing restricted): opens without one."""
    return _rewritten(pdf(), lambda w: w.encrypt(user_password="", owner_password="prop"))


def javascript_pdf() -> bytes:
    """A PDF that runs JavaScript when opened (an /OpenAction)."""
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('bonjour');"),
        }
    )
    return _rewritten(pdf(), lambda w: w.root_object.update({NameObject("/OpenAction"): action}))


def embedded_file_pdf() -> bytes:
    return _rewritten(pdf(), lambda w: w.add_attachment("annexe.txt", b"piece jointe"))


def many_pages_pdf(pages: int = 500) -> bytes:
    return pdf(["Feuille d'émargement", "Léa Martin"], pages=pages)


def zip_named_pdf() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("attestation.pdf", pdf())
    return out.getvalue()


def html_named_pdf() -> bytes:
    return b"<!DOCTYPE html><html><head><title>Connexion</title></head><body></body></html>"


def docm() -> bytes:
    """A Word document with macros (.docm): a ZIP holding ``word/vbaProject.bin``."""
    main = "application/vnd.ms-word.document.macroEnabled.main+xml"
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>Programme de formation</w:t></w:r></w:p></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", body)
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 60)
    return out.getvalue()


def heic() -> bytes:
    """The head of an iPhone photo (an ISO-BMFF ``ftyp`` box, brand ``heic``)."""
    ftyp = b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic"
    return struct.pack(">I", 8 + len(ftyp)) + ftyp + b"\x00" * 64


# --- bombs ------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@cache
def png_bomb(side: int = 12_000) -> bytes:
    """A valid grey PNG of ``side`` x ``side`` pixels (144 Mpx) weighing ~150 kB."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    packer = zlib.compressobj(9)
    row = b"\x00" * (side + 1)  # filter byte + one grey byte per pixel
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _deflated_spaces(megabytes: int) -> bytes:
    """A zlib stream of ``megabytes`` MB of spaces, built by repeating one flushed block."""
    block = b" " * MB
    packer = zlib.compressobj(9)
    first = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)  # needs nothing before it
    checksum = 1
    for _ in range(megabytes):
        checksum = zlib.adler32(block, checksum)
    final = b"\x03\x00"  # an empty last block
    return first + again * (megabytes - 1) + final + struct.pack(">I", checksum)


@cache
def pdf_bomb(inflated: int = 1024 * MB, in_form: bool = False) -> bytes:
    """A one-page PDF whose ~1 MB Flate stream inflates to ``inflated`` bytes.

    The stream is the page's content, or (``in_form``) a form the page draws.
    """
    stream = _deflated_spaces(inflated // MB)
    bomb = b"/Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
    if in_form:
        return _pdf(
            page + b" /Resources << /XObject << /Fm0 5 0 R >> >> >>",
            b"<< /Length 8 >>\nstream\n/Fm0 Do\n\nendstream",
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] " + bomb,
        )
    return _pdf(page + b" >>", b"<< " + bomb)


@cache
def pdf_image_bomb(side: int = 40_000) -> bytes:
    """A one-page scan whose grey picture is ``side`` x ``side`` pixels (1.6 Gpx), ~1.5 MB."""
    stream = _deflated_spaces(side * side // MB)
    image = (
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length %d /Filter /FlateDecode >>\nstream\n"
        % (side, side, len(stream))
        + stream
        + b"\nendstream"
    )
    draw = b"q 595 0 0 842 0 0 cm /Im0 Do Q\n"
    return _pdf(
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im0 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream",
        image,
    )


def _pdf(*pages_objects: bytes, kids: tuple[int, ...] = (3,)) -> bytes:
    """A PDF of catalog, page tree, then ``pages_objects`` (objects 3…: the pages ``kids``)."""
    listed = b" ".join(b"%d 0 R" % kid for kid in kids)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (listed, len(kids)),
        *pages_objects,
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# --- bombs that walked around the first limits (#14) ------------------------------------------

_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"


def _stream(head: bytes, data: bytes) -> bytes:
    """A stream object: ``head`` (dictionary entries), its length, then ``data``."""
    return b"<< %s /Length %d >>\nstream\n" % (head, len(data)) + data + b"\nendstream"


def _lzw_spaces(cycles: int) -> bytes:
    """LZW codes for ~7.4 MB of spaces per cycle: each code one space longer than the last."""
    codes: list[int] = []
    for _ in range(cycles):
        codes += [
            256,
            32,
            *range(258, 4095),
        ]  # clear, " ", then "  ", "   "… until the table is full
    codes.append(257)  # end of data
    out, buffer, bits, width, next_code = bytearray(), 0, 0, 9, 258
    for code in codes:  # high-order bit first, widths growing as PDF's LZW (early change)
        buffer, bits = (buffer << width) | code, bits + width
        while bits >= 8:
            bits -= 8
            out.append((buffer >> bits) & 0xFF)
        buffer &= (1 << bits) - 1
        next_code = 258 if code == 256 else next_code + 1
        width = 9 if code == 256 else min(12, max(width, next_code.bit_length()))
    return bytes(out + (bytes([(buffer << (8 - bits)) & 0xFF]) if bits else b""))


@cache
def lzw_pdf_bomb(cycles: int = 12) -> bytes:
    """A page whose ~70 kB LZW content stream decodes to ~88 MB (pdfium aborted on one)."""
    return _pdf(_PAGE + b" >>", _stream(b"/Filter /LZWDecode", _lzw_spaces(cycles)))


@cache
def chained_pdf_bomb(inflated: int = 1024 * MB) -> bytes:
    """A page whose content is hex text of a Flate stream inflating to ``inflated`` bytes."""
    text = _deflated_spaces(inflated // MB).hex().encode() + b">"
    return _pdf(_PAGE + b" >>", _stream(b"/Filter [/ASCIIHexDecode /FlateDecode]", text))


def _grey_picture(side: int, data: bytes, filters: bytes = b"/FlateDecode") -> bytes:
    head = b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
    return _stream(head % (side, side) + b"/BitsPerComponent 8 /Filter " + filters, data)


@cache
def deep_form_picture_pdf(depth: int = 12, side: int = 40_000) -> bytes:
    """A 1.6 Gpx picture drawn by a form drawn by a form… ``depth`` forms deep."""
    draw = b"q 595 0 0 842 0 0 cm /X Do Q"
    forms = [
        _stream(
            b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
            b"/Resources << /XObject << /X %d 0 R >> >>" % (6 + level),
            draw,
        )
        for level in range(depth)
    ]
    picture = _grey_picture(side, _deflated_spaces(side * side // MB))
    return _pdf(
        _PAGE + b" /Resources << /XObject << /X 5 0 R >> >> >>",
        _stream(b"", b"/X Do"),
        *forms[:1],
        *forms[1:],
        picture,
    )


@cache
def inline_picture_pdf_bomb(side: int = 40_000, inflated: int = 0) -> bytes:
    """A page whose instructions hold a 1.6 Gpx picture inline (BI … ID … EI).

    ``inflated``: its data inflates to that many bytes instead (pdfium inflates it all
    while parsing the page, to find where the picture ends).
    """
    data = _deflated_spaces((inflated or side * side) // MB)
    content = (
        b"q 595 0 0 842 0 0 cm\nBI /W %d /H %d /BPC 8 /CS /G /F /Fl\nID " % (side, side)
        + data
        + b"\nEI Q\n"
    )
    return _pdf(_PAGE + b" >>", _stream(b"", content))


def _jpeg(size: tuple[int, int] = (64, 64)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", size, 200).save(out, "JPEG")
    return out.getvalue()


def lying_jpeg(side: int = 40_000) -> bytes:
    """A small JPEG whose frame header (SOF0) says it is ``side`` x ``side`` pixels."""
    data = bytearray(_jpeg())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", side, side)
    return bytes(data)


def lying_jpx(side: int = 40_000) -> bytes:
    """The head of a JPEG 2000 codestream (SOC, SIZ) saying ``side`` x ``side``, grey."""
    siz = struct.pack(">HIIIIIIIIH", 0, side, side, 0, 0, side, side, 0, 0, 1) + b"\x07\x01\x01"
    return b"\xff\x4f\xff\x51" + struct.pack(">H", len(siz) + 2) + siz + b"\xff\xd9"


def lying_picture_pdf(coded: bytes, codec: bytes) -> bytes:
    """A page drawing a picture whose dictionary says 64 x 64 but whose data says otherwise."""
    draw = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    return _pdf(
        _PAGE + b" /Resources << /XObject << /Im0 5 0 R >> >> >>",
        _stream(b"", draw),
        _grey_picture(64, coded, codec),
    )


@cache
def dangling_then_bomb_pdf() -> bytes:
    """Page 1's contents point to an object that is not there; page 2 is a Flate bomb."""
    bomb = _stream(b"/Filter /FlateDecode", _deflated_spaces(1024))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>"
    return _pdf(page % 99, page % 5, bomb, kids=(3, 4))


def huge_page_pdf(points: int = 4200) -> bytes:
    """One page of ``points`` x ``points`` (4,200: 148 cm square, 306 Mpx at 300 dpi), 1 kB."""
    content = b"BT /F1 48 Tf 100 100 Td (Feuille d'emargement) Tj ET"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R " % (points, points)
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    return _pdf(page + b"/Resources << /Font << /F1 5 0 R >> >> >>", _stream(b"", content), font)


# --- what is written into the share rather than returned --------------------------------------


def sparse_file(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no room on disk (a hole, then one byte)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        fh.seek(size - 1)
        fh.write(b"\x00")
    return path


def link_outside(link: Path, target: Path, *, hard: bool) -> Path:
    """A symbolic or hard link in the share to ``target``, a file outside it."""
    link.parent.mkdir(parents=True, exist_ok=True)
    if hard:
        os.link(target, link)
    else:
        os.symlink(target, link)
    return link


# --- names ------------------------------------------------------------------------------------

NFC_NAME = "\u00e9margement Léa.pdf".replace("e\u0301", "\u00e9")
NFD_NAME = "e\u0301margement Le\u0301a.pdf"
EMOJI_NAME = "attestation 🎓✅ Léa.pdf"


def long_name(limit: int = 255, suffix: str = ".pdf") -> str:
    """A name of exactly ``limit`` bytes in UTF-8 (accents count twice)."""
    stem = "attestation de fin de formation de Léa Martin "
    name = stem
    while len((name + "é" + suffix).encode()) <= limit:
        name += "é"
    while len((name + suffix).encode()) < limit:
        name += "x"
    return name + suffix


# --- pictures and pages with nothing to read ----------------------------------------------------


def tiff_photo() -> bytes:
    """A camera photo saved as TIFF (RGB, LZW), with no text on it."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (120, 160, 90)).save(out, "TIFF", compression="tiff_lzw")
    return out.getvalue()


def empty_pages_pdf(pages: int = 3) -> bytes:
    """Pages whose content streams are 0 bytes long (what some scanners emit for a blank)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def batch_pdf(*documents: list[str]) -> bytes:
    """Several documents scanned into one PDF, one page each."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    for lines in documents:
        y = 780
        for line in lines:
            c.drawString(60, y, line)
            y -= 22
        c.showPage()
    c.save()
    return out.getvalue()


@cache
def docx_bomb(inflated: int = 1024 * MB) -> bytes:
    """A DOCX whose ``word/document.xml`` (~1 MB in the ZIP) inflates to ``inflated`` bytes."""
    with zipfile.ZipFile(io.BytesIO(docm())) as model:
        parts = {n: model.read(n) for n in model.namelist() if n != "word/vbaProject.bin"}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"ms-word.document.macroEnabled.main+xml",
        b"openxmlformats-officedocument.wordprocessingml.document.main+xml",
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            if name != "word/document.xml":
                archive.writestr(name, data)
    megabytes = inflated // MB
    raw = _deflated_spaces(megabytes)[2:-4]  # the deflate data alone, as a ZIP holds it
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(b" " * MB, crc)
    return _append_zip_entry(out.getvalue(), b"word/document.xml", raw, crc, megabytes * MB)


def _append_zip_entry(data: bytes, name: bytes, raw: bytes, crc: int, size: int) -> bytes:
    """``data`` (a ZIP) with one more deflated entry whose compressed bytes are ``raw``."""
    end = data.rindex(b"PK\x05\x06")
    entries, directory_size, directory_at = struct.unpack("<HII", data[end + 10 : end + 20])
    body, directory = data[:directory_at], data[directory_at : directory_at + directory_size]
    fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0, crc, len(raw), size)
    local = b"PK\x03\x04" + fields + struct.pack("<HH", len(name), 0) + name
    central = (
        b"PK\x01\x02"
        + struct.pack("<H", 20)
        + fields
        + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, len(body))
        + name
    )
    directory += central
    at = len(body) + len(local) + len(raw)
    tail = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, entries + 1, entries + 1,
                                        len(directory), at, 0)  # fmt: skip
    return body + local + raw + directory + tail
