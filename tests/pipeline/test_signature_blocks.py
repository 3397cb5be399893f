"""Signature blocks drawn by code: unseen label wordings, stamps, "Bon pour accord", an empty
block beside signed ones, and a signing service's proof page (invented people)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from pipeline.ocr import OcrSettings, TesserocrEngine
from pipeline.reading import blocks, esign, signatures
from pipeline.reading.esign import proof_signers
from pipeline.reading.page import views
from pipeline.reading.parties import party_of
from pipeline.reading.signatures import REVIEW_BELOW, read_blocks
from pipeline.text import read_pages
from samples.gen import render
from samples.gen.blocks import Block, Signer, blocks_page, proof_page, random_pages

SETTINGS = OcrSettings()


@pytest.fixture(scope="module")
def engine() -> Iterator[TesserocrEngine]:
    with TesserocrEngine(SETTINGS) as ocr_engine:
        yield ocr_engine


def _renderings(pdf: bytes) -> dict[str, bytes]:
    return {"digital": pdf, "scan": render.scan(pdf, 11, dpi=200)}


@pytest.mark.parametrize(
    ("label", "party"),
    [
        ("Pour l'entreprise bénéficiaire", "client"),
        ("L'employeur", "client"),
        ("Pour le donneur d'ordre,", "client"),
        ("Bon pour accord - date, cachet et signature du client", "client"),
        ("Le/la stagiaire", "stagiaire"),
        ("Signature de l'apprenant·e précédée de « Lu et approuvé »", "stagiaire"),
        ("L'intervenant·e", "formateur"),
        ("Le formateur / la formatrice", "formateur"),
        ("Pour le prestataire", "organisme"),
        ("Pour l'organisme de tormation", "organisme"),  # an OCR slip
    ],
)
def test_labels_in_unseen_wordings_name_their_party(label: str, party: str) -> None:
    assert party_of(label) == party


@pytest.mark.parametrize(
    "text",
    ["Le client s'engage à régler la facture", "Client", "Cachet et signature",
     "Entrepreneur·e salarié·e", "L'organisme de formation : Les Ateliers, NDA 11"],
)  # fmt: skip
def test_sentences_cells_and_instructions_are_no_labels(text: str) -> None:
    assert party_of(text) is None


@pytest.mark.parametrize("stacked", [False, True])
def test_an_empty_client_block_beside_signed_ones_is_never_signed(
    engine: TesserocrEngine, stacked: bool
) -> None:
    pdf = blocks_page(
        [Block("Pour l'organisme de formation", "signature"),
         Block("Pour l'entreprise bénéficiaire", "empty"),
         Block("L'intervenant·e", "signature")],
        seed=5, stacked=stacked,
    )  # fmt: skip
    for rendering, data in _renderings(pdf).items():
        read = read_blocks(data, engine, SETTINGS, parties=("organisme", "client", "formateur"))
        assert read.signatures == {"organisme": True, "client": False, "formateur": True}, rendering
        assert read.blocks["client"].confidence >= REVIEW_BELOW, rendering


def test_a_stamp_alone_is_not_a_signature(engine: TesserocrEngine) -> None:
    pdf = blocks_page(
        [Block("Pour l'organisme", "stamp"), Block("L'employeur", "stamp"),
         Block("Le/la stagiaire", "empty")],
        seed=8,
    )  # fmt: skip
    for rendering, data in _renderings(pdf).items():
        read = read_blocks(data, engine, SETTINGS, parties=("organisme", "client", "stagiaire"))
        assert not any(read.signatures.values()), rendering
        assert not read.review, rendering  # print inside a stamp is the stamp's: no question


def test_bon_pour_accord_written_with_a_signature_signs_the_client(
    engine: TesserocrEngine,
) -> None:
    block = Block("Bon pour accord - date, cachet et signature du client", "accord+signature", ())
    for rendering, data in _renderings(blocks_page([block], seed=2)).items():
        read = read_blocks(data, engine, SETTINGS, parties=("client",))
        assert read.signatures == {"client": True}, rendering
        assert read.blocks["client"].method == "manuscrite"


@pytest.mark.parametrize("signed", [False, True])
def test_lu_et_approuve_written_by_hand_is_no_signature_even_unread_by_the_page_ocr(
    engine: TesserocrEngine, signed: bool
) -> None:
    content = "accord+signature" if signed else "lu-et-approuve"
    pdf = blocks_page([Block("Le/la stagiaire", content, ("Léa Girard",), boxed=False)], seed=4)
    (view,) = views(pdf, read_pages(pdf, None, OcrSettings()), OcrSettings())
    label = blocks.find_labels(view.words)[0]
    # Handwriting escapes the page's OCR: keep only the print above the box.
    printed = tuple(w for w in view.words if w.box[3] < label.box[3] + view.dpi // 3)
    view = replace(view, words=printed, text="", source="ocr")
    out = signatures.BlocksRead()
    signatures._read_page_blocks(out, view, [label], [], 1, engine)
    assert out.blocks["stagiaire"].signed is signed


def _joined(*pdfs: bytes) -> bytes:
    writer = PdfWriter()
    for pdf in pdfs:
        for page in PdfReader(io.BytesIO(pdf)).pages:
            writer.add_page(page)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


SIGNERS = [
    Signer("Nadia Roussel", "nadia@exemple.fr", "Organisme de formation", "12/03/2026 à 10:42:07"),
    Signer("Hugo Lambert", "hugo@jardins.example", "Client", "12/03/2026 à 18:03:55"),
]  # fmt: skip


def test_proof_page_text_gives_each_signer_their_party_and_time() -> None:
    text = (
        "Certificat de signature\nIdentifiant de la transaction : 88-AB\n"
        "Signataire 1\nNom : Nadia Roussel\nQualité : Pour l'organisme de formation\n"
        "Signé le 12/03/2026 à 10:42\nSignataire 2\nNom : Léo Marin\nRôle : Stagiaire\n"
        "Statut : en attente de signature\n"
    )
    found = proof_signers(text)
    assert [(s.party, s.name, s.when) for s in found] == [
        ("organisme", "Nadia Roussel", "2026-03-12T10:42")
    ]  # the trainee has not signed: no time, no signature


def test_a_signing_services_proof_page_signs_the_parties_its_signers_act_for(
    engine: TesserocrEngine,
) -> None:
    page = blocks_page(
        [Block("Pour l'organisme de formation", "empty"), Block("Pour le client", "empty"),
         Block("Le formateur", "empty")],
        seed=3,
    )  # fmt: skip
    for rendering, data in _renderings(_joined(page, proof_page(SIGNERS))).items():
        read = read_blocks(data, engine, SETTINGS, parties=("organisme", "client", "formateur"))
        assert read.signatures == {"organisme": True, "client": True, "formateur": False}
        client = read.blocks["client"]
        assert client.method == "electronique", rendering
        assert (client.signer, client.date) == ("Hugo Lambert", "2026-03-12T18:03:55")


def test_a_mention_wrapped_in_a_narrow_block_gives_the_whole_name_and_its_date() -> None:
    text = "Signé électroniquement par Nadia\nRoussel le 22/05/2026 à 09:14:03\nTransaction 7f-c3"
    assert esign.mention_parts(text) == ("Nadia Roussel", "2026-05-22")


def test_blocks_of_random_wordings_placements_and_contents_are_read_right(
    engine: TesserocrEngine,
) -> None:
    # Wordings, captions, boxes, row or column, and what each block holds, drawn at random.
    wrong = []
    for page in random_pages(5, seed=29):
        for rendering, data in _renderings(page.pdf).items():
            read = read_blocks(data, engine, SETTINGS, parties=tuple(page.truth))  # type: ignore[arg-type]
            wrong += [
                f"{page.name} [{rendering}] {party}"
                for party, signed in page.truth.items()
                if read.signatures[party] != signed
            ]
    assert wrong == []


def _word_file(picture: bool) -> bytes:
    import docx  # python-docx, as intake reads Word files

    document = docx.Document()
    document.add_paragraph("Convention de formation professionnelle")
    document.add_paragraph("Pour l'organisme de formation          Pour le client")
    if picture:  # a scanned signature pasted in
        image = io.BytesIO()
        Image.new("RGB", (60, 20), "white").save(image, "PNG")
        image.seek(0)
        document.add_picture(image)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_word_file_agreement_without_pictures_is_unsigned_by_every_party() -> None:
    read = signatures.read_word_file(_word_file(picture=False), ("organisme", "client"))
    assert read.signatures == {"organisme": False, "client": False}
    assert not read.review


def test_a_word_file_with_a_pasted_picture_is_left_for_a_person_not_guessed() -> None:
    read = signatures.read_word_file(_word_file(picture=True), ("organisme", "client"))
    assert read.signatures == {"organisme": False, "client": False}
    assert all(b.confidence < REVIEW_BELOW for b in read.blocks.values())
    assert len(read.review) == 2


def test_a_signature_on_a_line_above_its_label_is_read_there(engine: TesserocrEngine) -> None:
    # "__________ / Le stagiaire": the place to sign is above the rule, not under the label.
    pdf = blocks_page(
        [Block("Le stagiaire", "signature", ("Léo Marin",), under_line=True),
         Block("Pour l'organisme de formation", "empty", ("Camille Ferrand",), under_line=True),
         Block("Le formateur", "signature", ("Jeanne Dufour",), under_line=True)],
        seed=1,
    )  # fmt: skip
    for rendering, data in _renderings(pdf).items():
        read = read_blocks(data, engine, SETTINGS, parties=("stagiaire", "organisme", "formateur"))
        assert read.signatures == {"stagiaire": True, "organisme": False, "formateur": True}, (
            rendering
        )
