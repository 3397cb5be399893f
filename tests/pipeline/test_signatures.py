"""Signature blocks: handwritten marks on the samples, electronic fields and mentions."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pipeline.ocr import OcrSettings, TesserocrEngine, Word, read_image, redo
from pipeline.reading.blocks import find_labels
from pipeline.reading.esign import printed_mentions
from pipeline.reading.handwriting import INK_SIGNED_IN2
from pipeline.reading.page import PageView, views
from pipeline.reading.signatures import REVIEW_BELOW, Party, read_blocks
from pipeline.text import page_image, read_pages
from samples.gen import data, docs, pen
from samples.gen.signed import photo_pdf, sign_field
from tests.conftest import WatchingEngine

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "partage"
COOP = ("Coopérative Exemple",)
CONVENTION: tuple[Party, ...] = ("organisme", "client", "formateur")


@pytest.fixture(scope="module")
def engine() -> Iterator[TesserocrEngine]:
    with TesserocrEngine(OcrSettings()) as ocr_engine:
        yield ocr_engine


def _read(name: str, engine: TesserocrEngine, parties: tuple[Party, ...]) -> dict[str, bool]:
    pdf = (SAMPLES / name).read_bytes()
    read = read_blocks(pdf, engine, OcrSettings(), parties=parties, organisme_names=COOP)
    assert not read.review
    assert all(b.method in ("manuscrite", None) for b in read.blocks.values())
    return read.signatures


# --- handwritten, on the samples -----------------------------------------------------------


def test_born_digital_convention_signed_by_all_three_parties(engine: TesserocrEngine) -> None:
    signatures = _read("Thomas Girard/Convention Mutuelle Solidaire.pdf", engine, CONVENTION)
    assert signatures == {"organisme": True, "client": True, "formateur": True}


def test_convention_without_the_client_signature_reads_client_false(
    engine: TesserocrEngine,
) -> None:
    signatures = _read("elodie.faure/Convention Dupain mai.pdf", engine, CONVENTION)
    assert signatures == {"organisme": True, "client": False, "formateur": True}


def test_sideways_scanned_convention_is_read_after_straightening(
    engine: TesserocrEngine,
) -> None:
    signatures = _read("Karim Benali/scan0052.pdf", engine, CONVENTION)
    assert signatures == {"organisme": True, "client": True, "formateur": True}


def test_contract_has_the_trainee_block_not_the_letterhead(engine: TesserocrEngine) -> None:
    # "L'organisme de formation" also opens the preamble: the block row wins.
    signatures = _read(
        "Karim Benali/Contrat Julien Moreau.pdf", engine, ("organisme", "stagiaire", "formateur")
    )
    assert signatures == {"organisme": True, "stagiaire": True, "formateur": True}


def test_scanned_signed_quote_reads_bon_pour_accord_as_the_client(
    engine: TesserocrEngine,
) -> None:
    signatures = _read(
        "Karim Benali/Formavenir/Devis D-2026-031 signé.pdf", engine, ("organisme", "client")
    )
    assert signatures == {"organisme": True, "client": True}


def test_a_sideways_scan_is_ocrd_once_and_its_blocks_read_from_that_reading(
    engine: TesserocrEngine,
) -> None:
    pdf = (SAMPLES / "Karim Benali/scan0052.pdf").read_bytes()
    watching = WatchingEngine(engine)
    pages = read_pages(pdf, watching, OcrSettings())
    read_by_text_stage = len(watching.images)
    assert pages[0].rotation in (90, 270) and read_by_text_stage == len(pages)
    seen = list(views(pdf, pages, OcrSettings()))
    read = read_blocks(
        pdf, watching, OcrSettings(), parties=CONVENTION, organisme_names=COOP, pages=seen
    )
    assert len(watching.images) == read_by_text_stage  # no page OCR'd a second time
    assert read.signatures == {"organisme": True, "client": True, "formateur": True}


def test_the_image_made_again_from_the_geometry_is_the_one_ocr_read(
    engine: TesserocrEngine,
) -> None:
    # The sideways scan, upside down too: turned a quarter by the ink profiles, deskewed,
    # then a half turn asked by OSD. Every step must be redone, in that order.
    settings = OcrSettings()
    pdf = (SAMPLES / "Karim Benali/scan0052.pdf").read_bytes()
    document = pdfium.PdfDocument(pdf)
    try:
        image, dpi = page_image(document[0], settings)
    finally:
        document.close()
    image = image.rotate(180, expand=True)
    watching = WatchingEngine(engine)
    page = read_image(image, dpi, watching, settings)
    assert page.geometry.quarter == 90 and page.geometry.turn == 180
    assert page.geometry.correction != 0
    assert np.array_equal(redo(image, dpi, settings, page.geometry), watching.images[-1])


# --- labels ----------------------------------------------------------------------------------


def _words(*items: tuple[str, int]) -> list[Word]:
    """Words on one line at the given x positions (10 px letters)."""
    return [Word(t, 0.9, (x, 100, x + 9 * len(t), 110)) for t, x in items]


def test_labels_on_one_line_are_split_at_wide_gaps() -> None:
    words = _words(("Pour", 0), ("le", 45), ("client", 70), ("Le", 400), ("formateur", 425))
    assert [lab.party for lab in find_labels(words)] == ["client", "formateur"]


def test_a_sentence_starting_with_le_client_is_not_a_label() -> None:
    words = _words(("Le", 0), ("client", 25), ("s'engage", 90), ("à", 170), ("payer", 185))
    assert find_labels(words) == []


def test_letterhead_with_the_cooperative_name_is_not_its_block() -> None:
    assert find_labels(_words(("COOPÉRATIVE", 0), ("EXEMPLE", 110)), COOP) == []
    found = find_labels(_words(("Pour", 0), ("Coopérative", 45), ("Exemple", 150)), COOP)
    assert [lab.party for lab in found] == ["organisme"]


def test_missing_block_is_unsigned_without_confidence_and_for_review() -> None:
    pdf = _blocks_pdf(mention=False)
    read = read_blocks(pdf, None, OcrSettings(), parties=("organisme", "stagiaire"))
    assert read.signatures == {"organisme": False, "stagiaire": False}
    assert read.blocks["stagiaire"].confidence == 0.0
    assert any("stagiaire" in line for line in read.review)


# --- electronic ------------------------------------------------------------------------------

CLIENT_BOX = (222.0, 620.0, 392.0, 680.0)  # where the client's block is drawn below


def _blocks_pdf(mention: bool) -> bytes:
    """A convention's last page: three labelled, empty boxes; optionally a printed mention."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setFont("Helvetica", 10)
    canvas.drawString(56, 760, "Fait en deux exemplaires à Montpellier, le 20/04/2026")
    for x, label in ((56, "Pour l'organisme de formation"), (222, "Pour le client")):
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(x, 700, label)
        canvas.rect(x, 620, 160, 60)
    canvas.drawString(388, 700, "Le formateur")
    canvas.rect(388, 620, 160, 60)
    if mention:
        canvas.setFont("Helvetica", 7)
        canvas.drawString(60, 650, "Signé électroniquement par Claire Bonnet le 20/04/2026")
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _with_signature_field(pdf: bytes, name: str, rect: tuple[float, ...] = CLIENT_BOX) -> bytes:
    """Add a filled signature field (a /Sig value with signer and time) over the client box."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    value = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Sig"),
            NameObject("/Filter"): NameObject("/Adobe.PPKLite"),
            NameObject("/SubFilter"): NameObject("/adbe.pkcs7.detached"),
            NameObject("/Name"): TextStringObject("Jean Martin"),
            NameObject("/M"): TextStringObject("D:20260420143000+02'00'"),
        }
    )
    widget = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/T"): TextStringObject(name),
            NameObject("/V"): writer._add_object(value),
            NameObject("/F"): NumberObject(4),
            NameObject("/Rect"): ArrayObject(FloatObject(v) for v in rect),
        }
    )
    ref = writer._add_object(widget)
    page = writer.pages[0]
    page[NameObject("/Annots")] = ArrayObject([ref])
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([ref]), NameObject("/SigFlags"): NumberObject(3)}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_signature_field_in_the_client_block_signs_the_client_with_signer_and_time() -> None:
    pdf = _with_signature_field(_blocks_pdf(mention=False), "Signature1")
    read = read_blocks(pdf, None, OcrSettings(), parties=CONVENTION)
    client = read.blocks["client"]
    assert (client.signed, client.method, client.signer) == (True, "electronique", "Jean Martin")
    assert client.date == "2026-04-20T14:30:00"
    assert read.signatures == {"organisme": False, "client": True, "formateur": False}


def test_printed_mention_in_a_block_signs_that_party_electronically() -> None:
    read = read_blocks(_blocks_pdf(mention=True), None, OcrSettings(), parties=CONVENTION)
    organisme = read.blocks["organisme"]
    assert (organisme.method, organisme.signer, organisme.date) == (
        "electronique",
        "Claire Bonnet",
        "2026-04-20",
    )
    assert read.signatures == {"organisme": True, "client": False, "formateur": False}


def test_signature_field_outside_any_block_is_placed_by_its_name_or_sent_to_review() -> None:
    # An invisible field (empty rectangle) lies in no block: only its name can place it.
    hidden = (0.0, 0.0, 0.0, 0.0)
    named = _with_signature_field(_blocks_pdf(mention=False), "Signature_formateur", hidden)
    anonymous = _with_signature_field(_blocks_pdf(mention=False), "Signature1", hidden)
    by_name = read_blocks(named, None, OcrSettings(), parties=CONVENTION)
    assert by_name.blocks["formateur"].method == "electronique"
    unknown = read_blocks(anonymous, None, OcrSettings(), parties=CONVENTION)
    assert not any(unknown.signatures.values())
    assert [sig.signer for sig in unknown.unattributed] == ["Jean Martin"]
    assert unknown.review


# --- pyHanko signature fields, generated quotes, review ---------------------------------------


def test_pyhanko_signed_field_reports_signer_date_party_and_integrity() -> None:
    before = datetime.now(ZoneInfo("Europe/Paris")).replace(tzinfo=None, microsecond=0)
    pdf = sign_field(_blocks_pdf(mention=False), "Jean Martin", "Pour le client")
    read = read_blocks(pdf, None, OcrSettings(), parties=CONVENTION)
    client = read.blocks["client"]
    assert (client.signed, client.method, client.signer) == (True, "electronique", "Jean Martin")
    assert (client.intact, client.trust) == (True, "non vérifié")
    assert client.date is not None
    signed_at = datetime.fromisoformat(client.date)
    assert before - timedelta(seconds=2) <= signed_at <= before + timedelta(minutes=5)
    assert read.signatures == {"organisme": False, "client": True, "formateur": False}
    assert not read.review


def test_pyhanko_signature_altered_after_signing_reads_signed_for_review() -> None:
    pdf = sign_field(_blocks_pdf(mention=False), "Jean Martin", "Pour le client")
    # A byte inside the signed ranges (the header's comment): the digest no longer matches.
    altered = pdf.replace(b"ReportLab Generated", b"ReportLab Forged!!!", 1)
    assert altered != pdf
    read = read_blocks(altered, None, OcrSettings(), parties=CONVENTION)
    client = read.blocks["client"]
    assert (client.signed, client.intact) == (True, False)
    assert client.confidence < 0.8
    assert any("client" in line and "altérée" in line for line in read.review)


def test_two_printed_mentions_on_a_row_each_sign_their_block() -> None:
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    for x, label, name in ((56, "Pour l'organisme de formation", "Claire Bonnet"),
                           (388, "Le formateur", "Karim Benali")):  # fmt: skip
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(x, 700, label)
        canvas.rect(x, 620, 160, 60)
        canvas.setFont("Helvetica", 7)
        canvas.drawString(x + 4, 655, f"Signé électroniquement par {name}")
        canvas.drawString(x + 4, 646, "le 20/04/2026 à 10:42")
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawString(222, 700, "Pour le client")
    canvas.rect(222, 620, 160, 60)
    canvas.showPage()
    canvas.save()
    read = read_blocks(buf.getvalue(), None, OcrSettings(), parties=CONVENTION)
    assert read.signatures == {"organisme": True, "client": False, "formateur": True}
    signers = {p: (b.signer, b.date) for p, b in read.blocks.items() if b.signed}
    assert signers == {
        "organisme": ("Claire Bonnet", "2026-04-20"),
        "formateur": ("Karim Benali", "2026-04-20"),
    }


def _quote(signed: tuple[str, ...]) -> bytes:
    invoice = next(i for i in data.invoices() if i.hours and i.client_rep)
    drawer = pen.Pen(random.Random(7))
    docs.bon_commande(
        drawer, invoice, quote_no="D-2026-900", doc_date=date(2026, 1, 5),
        order_ref="BC-1", signed=signed,
    )  # fmt: skip
    return drawer.finish()[0]


def test_signed_quote_reads_client_true_and_unsigned_organisme_false() -> None:
    read = read_blocks(_quote(("client",)), None, OcrSettings(), parties=("organisme", "client"),
                       organisme_names=COOP)  # fmt: skip
    assert read.signatures == {"organisme": False, "client": True}
    assert read.blocks["client"].method == "manuscrite"
    assert not read.review


def test_faint_mark_near_the_threshold_goes_to_review() -> None:
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawString(56, 700, "Pour l'organisme de formation")
    canvas.rect(56, 620, 160, 60)
    canvas.drawString(388, 700, "Le stagiaire")
    canvas.rect(388, 620, 160, 60)
    canvas.setLineWidth(1)
    canvas.line(90, 630, 90 + 46, 630 + 46)  # a diagonal stroke of ~0.9 in: about the threshold
    canvas.showPage()
    canvas.save()
    read = read_blocks(buf.getvalue(), None, OcrSettings(), parties=("organisme", "stagiaire"))
    organisme = read.blocks["organisme"]
    assert organisme.ink is not None and 0.5 * INK_SIGNED_IN2 < organisme.ink < 2 * INK_SIGNED_IN2
    assert organisme.confidence < REVIEW_BELOW
    assert any(line.startswith("organisme :") for line in read.review)
    assert read.blocks["stagiaire"].confidence >= REVIEW_BELOW


# --- phone photos: small print the page's OCR misses -----------------------------------------


def _photo(kind: str, seed: int) -> bytes:
    """A phone photo of a generated attestation, contract or convention's signature page."""
    invoice = next(i for i in data.invoices() if i.hours and i.trainees and i.client_rep)
    drawer = pen.Pen(random.Random(3))
    if kind == "attestation":
        docs.attestation(drawer, invoice, invoice.trainees[0], model="assiduite",
                         doc_date=invoice.end, signed=True)  # fmt: skip
    elif kind == "contrat":
        docs.contrat(drawer, invoice, signed=("organisme", "stagiaire"),
                     doc_date=date(2026, 1, 5), electronic=("stagiaire",))  # fmt: skip
    else:
        docs.convention(drawer, invoice, number=False, signed=("organisme", "client"),
                        doc_date=date(2026, 1, 5), electronic=("client",))  # fmt: skip
    return photo_pdf(drawer.finish()[0], seed)


def test_photographed_attestation_finds_its_small_bold_label_under_fait_a(
    engine: TesserocrEngine,
) -> None:
    # On this photo the page's OCR skips "Le formateur": the lines under "Fait à" are read
    # again one by one.
    read = read_blocks(_photo("attestation", 2), engine, OcrSettings(), parties=("formateur",))
    assert read.signatures == {"formateur": True}
    assert read.blocks["formateur"].confidence >= REVIEW_BELOW
    assert not read.review


def test_photographed_contract_reads_the_small_printed_mention_in_the_trainee_box(
    engine: TesserocrEngine,
) -> None:
    # The mention is too small for the page's OCR and for the ink measure (specks): the box
    # looked empty. Read line by line, it signs the trainee electronically.
    parties: tuple[Party, ...] = ("organisme", "stagiaire", "formateur")
    read = read_blocks(_photo("contrat", 1), engine, OcrSettings(), parties=parties,
                       organisme_names=COOP)  # fmt: skip
    assert read.signatures == {"organisme": True, "stagiaire": True, "formateur": False}
    trainee = read.blocks["stagiaire"]
    assert trainee.method == "electronique"
    assert trainee.signer is not None and trainee.signer.startswith("Sophie")
    assert not read.review


def test_unreadable_print_in_a_photographed_box_is_not_a_confident_unsigned(
    engine: TesserocrEngine,
) -> None:
    # A 5 pt mention photographed at 200 dpi reads as a string of wrong letters: signed?
    # Print is no handwriting: unless read as a mention, a person decides (never a guess).
    read = read_blocks(_photo("convention", 1), engine, OcrSettings(), parties=CONVENTION,
                       organisme_names=COOP)  # fmt: skip
    client = read.blocks["client"]
    assert (client.signed and client.method == "electronique") or (
        not client.signed
        and client.confidence < REVIEW_BELOW
        and any(line.startswith("client :") for line in read.review)
    )
    assert read.blocks["formateur"].signed is False


def test_mention_read_with_ocr_slips_still_gives_the_signer_and_date() -> None:
    # As Tesseract read a photographed attestation's mention (200 dpi, 7 pt).
    line = [("Sigré", 964, 1005), ("étectronquement", 1013, 1150), ("par", 1160, 1185),
            ("James", 1193, 1241), ("Porter", 1250, 1298), ("(Lingua", 1306, 1363),
            ("Sud", 1373, 1401), ("Formation)", 1409, 1500)]  # fmt: skip
    words = [Word(t, 0.8, (x0, 1093, x1, 1112)) for t, x0, x1 in line]
    words += [
        Word("le", 0.95, (966, 1118, 975, 1133)),
        Word("14/04/2026", 0.9, (983, 1118, 1073, 1133)),
    ]
    view = PageView(1, np.full((2300, 1650), 255, np.uint8), 200, tuple(words), "ocr")
    (mention,) = printed_mentions(view, 1)
    assert (mention.signer, mention.date) == ("James Porter (Lingua Sud Formation)", "2026-04-14")
