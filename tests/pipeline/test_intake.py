"""Intake: real kinds from bytes, one error per bad file, pictures wrapped into PDFs."""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from pipeline import intake
from pipeline.errors import (
    EmptyFile,
    EncryptedFile,
    FileTooLarge,
    UnreadableFile,
    UnsupportedFile,
)
from pipeline.intake import IntakeLimits, sniff, sniff_bytes
from pipeline.record import Doc, FileKind, Source


def pdf_bytes(pages: int = 1, text: str = "Convention de formation") -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for n in range(pages):
        c.drawString(72, 760, f"{text} page {n + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()


def encrypted_pdf(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt(user_password=user_password, owner_password="proprietaire", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt: str, size: tuple[int, int] = (620, 877), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, fmt, **save)
    return out.getvalue()


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Programme de formation")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def intake_file(tmp_path: Path, name: str, data: bytes, limits: IntakeLimits | None = None) -> Doc:
    path = tmp_path / name
    path.write_bytes(data)
    return intake.run(Doc(source=Source(path=path, rel=name)), limits or IntakeLimits())


# --- sniff -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n", FileKind.PDF),
        (b"\r\n\x00junk%PDF-1.4\n", FileKind.PDF),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", FileKind.JPEG),
        (b"\x89PNG\r\n\x1a\n\x00\x00", FileKind.PNG),
        (b"II*\x00\x08\x00", FileKind.TIFF),
        (b"MM\x00*\x00\x08", FileKind.TIFF),
        (b"<!DOCTYPE html><html>", None),
        (b"Bonjour, ceci est du texte", None),
        (b"", None),
    ],
)
def test_sniff_names_kind_from_magic_bytes(head: bytes, kind: FileKind | None) -> None:
    assert sniff(head) is kind


def test_sniff_bytes_tells_docx_from_other_zip() -> None:
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("notes.txt", "pas un document Word")
    assert sniff_bytes(docx_bytes()) is FileKind.DOCX
    assert sniff_bytes(other.getvalue()) is None


# --- good files ------------------------------------------------------------------------------


def test_pdf_kept_byte_for_byte_with_hash_and_size(tmp_path: Path) -> None:
    data = pdf_bytes()
    doc = intake_file(tmp_path, "convention.pdf", data)
    assert doc.kind is FileKind.PDF
    assert doc.pdf == data
    assert doc.size == len(data)
    assert doc.sha256 == hashlib.sha256(data).hexdigest()


def test_pdf_with_empty_user_password_opens(tmp_path: Path) -> None:
    doc = intake_file(tmp_path, "protege-sans-mdp.pdf", encrypted_pdf(""))
    assert doc.kind is FileKind.PDF


def test_jpeg_without_dpi_is_wrapped_as_a4_page(tmp_path: Path) -> None:
    doc = intake_file(tmp_path, "photo.jpg", image_bytes("JPEG"))
    assert doc.kind is FileKind.JPEG
    width, height = pdfium.PdfDocument(doc.pdf)[0].get_size()
    assert width == pytest.approx(8.27 * 72, rel=0.01)
    assert height == pytest.approx(11.69 * 72, rel=0.02)


def test_jpeg_is_embedded_without_reencoding(tmp_path: Path) -> None:
    data = image_bytes("JPEG", dpi=(200, 200))
    doc = intake_file(tmp_path, "scan.jpg", data)
    page = pdfium.PdfDocument(doc.pdf)[0]
    (picture,) = [o for o in page.get_objects() if o.type == pdfium_c.FPDF_PAGEOBJ_IMAGE]
    assert bytes(picture.get_data(decode_simple=False)) == data


def test_png_keeps_its_stated_dpi(tmp_path: Path) -> None:
    doc = intake_file(tmp_path, "scan.png", image_bytes("PNG", size=(1000, 1400), dpi=(200, 200)))
    width, height = pdfium.PdfDocument(doc.pdf)[0].get_size()
    assert (width, height) == pytest.approx((1000 * 72 / 200, 1400 * 72 / 200), rel=0.01)


def test_jpeg_exif_orientation_is_applied(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # camera held sideways: the picture must be turned 90° clockwise
    doc = intake_file(tmp_path, "photo.jpg", image_bytes("JPEG", size=(877, 620), exif=exif))
    width, height = pdfium.PdfDocument(doc.pdf)[0].get_size()
    assert height > width


def test_multipage_tiff_gives_one_pdf_page_per_frame(tmp_path: Path) -> None:
    out = io.BytesIO()
    frames = [Image.new("L", (620, 877), 255) for _ in range(3)]
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:])
    doc = intake_file(tmp_path, "scan.tif", out.getvalue())
    assert doc.kind is FileKind.TIFF
    assert len(pdfium.PdfDocument(doc.pdf)) == 3


def test_docx_has_no_pdf(tmp_path: Path) -> None:
    doc = intake_file(tmp_path, "programme.docx", docx_bytes())
    assert doc.kind is FileKind.DOCX
    assert doc.pdf is None


# --- each bad file, its error -----------------------------------------------------------------


def test_empty_file_raises_empty(tmp_path: Path) -> None:
    with pytest.raises(EmptyFile):
        intake_file(tmp_path, "vide.pdf", b"")


def test_file_over_size_limit_raises_too_large(tmp_path: Path) -> None:
    with pytest.raises(FileTooLarge):
        intake_file(tmp_path, "gros.pdf", pdf_bytes(), IntakeLimits(max_bytes=100))


def test_pdf_over_page_limit_raises_too_large(tmp_path: Path) -> None:
    with pytest.raises(FileTooLarge, match="pages"):
        intake_file(tmp_path, "long.pdf", pdf_bytes(pages=4), IntakeLimits(max_pages=3))


def test_html_named_pdf_is_unsupported_and_says_what_it_is(tmp_path: Path) -> None:
    html = b"<!DOCTYPE html>\n<html><head><title>Connexion</title></head></html>"
    with pytest.raises(UnsupportedFile) as caught:
        intake_file(tmp_path, "facture.pdf", html)
    assert caught.value.detail == "page web (HTML) nommée .pdf"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"Bonjour\nceci est du texte", "fichier texte"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "ancien format"),
        (b"GIF89a" + b"\x00" * 20, "image GIF"),
    ],
)
def test_other_formats_are_unsupported(tmp_path: Path, data: bytes, words: str) -> None:
    with pytest.raises(UnsupportedFile, match=words):
        intake_file(tmp_path, "piece.pdf", data)


def test_zip_that_is_not_docx_is_unsupported(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("scan1.pdf", pdf_bytes())
    with pytest.raises(UnsupportedFile, match="archive ZIP"):
        intake_file(tmp_path, "envoi.zip", out.getvalue())


def test_pdf_with_password_raises_encrypted(tmp_path: Path) -> None:
    with pytest.raises(EncryptedFile):
        intake_file(tmp_path, "protege.pdf", encrypted_pdf("secret"))


def test_pdf_that_does_not_open_raises_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile):
        intake_file(tmp_path, "casse.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50)


def test_truncated_jpeg_raises_unreadable(tmp_path: Path) -> None:
    data = image_bytes("JPEG")
    with pytest.raises(UnreadableFile):
        intake_file(tmp_path, "photo.jpg", data[:200])


def test_image_over_pixel_limit_raises_too_large(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("1", (10_000, 9_000), 1).save(out, "PNG")  # 90 Mpx in a few kB: a bomb
    with pytest.raises(FileTooLarge, match="Mpx"):
        intake_file(tmp_path, "bombe.png", out.getvalue())


def test_corrupt_docx_raises_unreadable(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<pas du xml")
    with pytest.raises(UnreadableFile):
        intake_file(tmp_path, "cv.docx", out.getvalue())


def test_page_content_over_its_inflated_limit_raises_too_large(tmp_path: Path) -> None:
    limits = IntakeLimits(max_page_content_bytes=16)
    with pytest.raises(FileTooLarge, match="page 1 démesurée"):
        intake_file(tmp_path, "a.pdf", pdf_bytes(), limits)
    assert intake_file(tmp_path, "b.pdf", pdf_bytes()).kind is FileKind.PDF


def test_pdf_with_a_small_inline_picture_a_jpeg_and_a_cycle_of_forms_is_accepted(
    tmp_path: Path,
) -> None:
    """What ordinary files hold is measured without refusing them (no false alarm)."""
    from tests import badinputs

    jpeg = badinputs._jpeg((400, 300))
    content = (
        b"q 100 0 0 100 50 50 cm BI /W 4 /H 4 /BPC 8 /CS /G /F /AHx ID "
        + b"00" * 16
        + b"> EI Q /Fm0 Do /Im0 Do"
    )
    data = badinputs._pdf(
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Fm0 5 0 R /Im0 6 0 R >> >> >>",
        badinputs._stream(b"", content),
        badinputs._stream(  # a form drawing itself: pdfium stops, and so does the walk
            b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] "
            b"/Resources << /XObject << /Fm0 5 0 R >> >>",
            b"/Fm0 Do",
        ),
        badinputs._stream(
            b"/Type /XObject /Subtype /Image /Width 400 /Height 300 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /DCTDecode",
            jpeg,
        ),
    )
    assert intake_file(tmp_path, "ordinaire.pdf", data).pdf == data


def test_page_drawing_past_its_limit_through_a_chain_of_filters_is_refused() -> None:
    text = zlib.compress(b" " * 4096).hex().encode() + b">"
    data = badinputs_pdf_with_content(text, b"/Filter [/AHx /Fl]")
    with pytest.raises(FileTooLarge, match="page 1 démesurée une fois décompressée"):
        intake.check_pdf(data, IntakeLimits(max_page_content_bytes=4000))
    assert intake.check_pdf(data, IntakeLimits(max_page_content_bytes=4096)) == 1


def badinputs_pdf_with_content(content: bytes, filters: bytes) -> bytes:
    from tests import badinputs

    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
    return badinputs._pdf(page, badinputs._stream(filters, content))


def test_pdf_pdfium_opens_but_pypdf_cannot_follow_is_refused_not_waved_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its pages could not be measured: refused with what to do, rather than read blind."""
    from pypdf.errors import PdfReadError

    def cannot_parse(*args: object, **kwargs: object) -> None:
        raise PdfReadError("startxref not found")

    monkeypatch.setattr(intake, "PdfReader", cannot_parse)
    with pytest.raises(UnreadableFile, match="structure ne peut pas être vérifiée avant lecture"):
        intake_file(tmp_path, "illisible pour pypdf.pdf", pdf_bytes())
