"""Labelled signature blocks: generated documents with the truth of who signed, and how.

    for doc in labelled_documents(count=20, seed=4242): ...

Per draw, four documents with a random subset of their parties signed (each party absent
about four times in ten): a convention (organisme, client, formateur), a contract
(organisme, stagiaire, formateur), a quote returned "Bon pour accord" (organisme, client)
and an attestation (the trainer's block; the organisme's on a certificat de réalisation).
Some blocks are signed electronically instead of by hand: a printed mention "Signé
électroniquement par NAME le DATE" in the block, or, on conventions, a real PDF signature
field made with pyHanko in the organisme's or the client's block (certificates from a test
authority made on the fly). Each document comes born-digital, scanned (sideways one time in
four) and as a phone photo of its signature page.

The same seed draws the same documents and the same truth; the bytes of PDF signatures
differ between runs (ECDSA and signing time), the truth does not.
"""

from __future__ import annotations

import functools
import hashlib
import io
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, cast

import pypdfium2 as pdfium

from . import data, docs, pen, render
from .model import Invoice

#: Documents drawn per ``count``, and who signs each (in block order).
KINDS: dict[str, tuple[str, ...]] = {
    "convention": ("organisme", "client", "formateur"),
    "contrat": ("organisme", "stagiaire", "formateur"),
    "devis": ("organisme", "client"),
    "attestation": ("formateur",),  # ("organisme",) on a certificat de réalisation
}
RENDERINGS = ("digital", "scan", "photo")
#: Share of parties that signed, of documents with a printed e-signature mention, and of
#: conventions signed by a PDF signature field.
P_SIGNED = 0.6
P_MENTION = 0.15
P_FIELD = 0.25
#: Labels of the blocks where signature fields go (found on the last page).
FIELD_LABELS = {"organisme": "Pour l'organisme de formation", "client": "Pour le client"}


@dataclass(frozen=True)
class Labelled:
    """One rendering of a generated document and who signed it."""

    name: str
    kind: str  # convention | contrat | devis | attestation
    rendering: str  # digital | scan | photo
    pdf: bytes
    truth: dict[str, bool]  # party -> signed
    electronic: dict[str, str] = field(default_factory=dict)  # party -> mention | champ


def labelled_documents(
    count: int, seed: int = 4242, renderings: Sequence[str] = RENDERINGS
) -> Iterator[Labelled]:
    """``count`` draws of each kind, each in every rendering asked for."""
    rng = random.Random(seed)
    trainings = [i for i in data.invoices() if i.hours and i.trainees and i.client_rep]
    for n in range(count):
        invoice = trainings[n % len(trainings)]
        for kind in KINDS:
            pdf, truth, electronic = _draw(kind, invoice, n, rng)
            # Paper shows a signature field's appearance (its stamp), not the field.
            paper = printed(pdf) if "champ" in electronic.values() else pdf
            name = f"generated/{kind}-{n:02d}"
            # Rendering seeds are drawn whatever is asked, so a subset reads the same set.
            turn = 1 if rng.random() < 0.25 else 0
            scan_seed, photo_seed = rng.randrange(10**6), rng.randrange(10**6)
            for rendering in renderings:
                if rendering == "digital":
                    out = pdf
                elif rendering == "scan":
                    out = render.scan(paper, scan_seed, turn=turn)
                else:
                    out = photo_pdf(paper, photo_seed)
                yield Labelled(name, kind, rendering, out, truth, electronic)


def _draw(
    kind: str, invoice: Invoice, n: int, rng: random.Random
) -> tuple[bytes, dict[str, bool], dict[str, str]]:
    parties = KINDS[kind]
    model = ("fin", "certificat", "assiduite")[n % 3]
    if kind == "attestation" and model == "certificat":
        parties = ("organisme",)
    signed = [p for p in parties if rng.random() < P_SIGNED]
    electronic: dict[str, str] = {}
    if rng.random() < P_MENTION:
        party = rng.choice(parties)
        electronic[party] = "mention"
        signed = sorted(set(signed) | {party}, key=parties.index)
    fields: list[str] = []
    if kind == "convention" and rng.random() < P_FIELD:
        free = [p for p in FIELD_LABELS if p not in electronic]
        fields = free if rng.random() < 0.25 else [rng.choice(free)]
        signed = [p for p in signed if p not in fields]  # the field is their signature
    drawer = pen.Pen(random.Random(rng.randrange(10**6)))
    start = cast(date, invoice.start)  # (model.Invoice's field ``date`` confuses mypy)
    when = date.fromordinal(start.toordinal() - 21)  # the documents' date
    mentions = tuple(electronic)
    if kind == "convention":
        docs.convention(
            drawer, invoice, number=False, signed=tuple(signed), doc_date=when,
            electronic=mentions,
        )  # fmt: skip
    elif kind == "contrat":
        docs.contrat(drawer, invoice, signed=tuple(signed), doc_date=when, electronic=mentions)
    elif kind == "devis":
        docs.bon_commande(
            drawer, invoice, quote_no=f"D-2026-{100 + n:03d}", doc_date=when,
            order_ref=f"BC-{4000 + n}", signed=tuple(signed), electronic=mentions,
        )  # fmt: skip
    else:
        docs.attestation(
            drawer, invoice, invoice.trainees[0], model=model, doc_date=invoice.end,
            signed=bool(signed), electronic=bool(mentions),
        )  # fmt: skip
    pdf, _ = drawer.finish()
    for party in fields:
        signer = docs.COOP.manager if party == "organisme" else invoice.client_rep.split(",")[0]
        number = len(electronic) + 1
        pdf = sign_field(pdf, signer, FIELD_LABELS[party], field_name=f"Signature{number}")
        electronic[party] = "champ"
    truth = {p: p in signed or p in electronic for p in parties}
    return pdf, truth, electronic


def printed(pdf: bytes) -> bytes:
    """``pdf`` with its form fields' appearances merged into the pages, as a printer shows them."""
    document = pdfium.PdfDocument(pdf)
    try:
        document.init_forms()
        for index in range(len(document)):
            document[index].flatten()
        buf = io.BytesIO()
        document.save(buf)
        return buf.getvalue()
    finally:
        document.close()


def photo_pdf(pdf: bytes, seed: int) -> bytes:
    """A phone photo of the signature (last) page, wrapped in a PDF as intake wraps it."""
    document = pdfium.PdfDocument(pdf)
    try:
        if len(document) > 1:
            last = pdfium.PdfDocument.new()
            last.import_pages(document, [len(document) - 1])
            buf = io.BytesIO()
            last.save(buf)
            last.close()
            pdf = buf.getvalue()
    finally:
        document.close()
    jpeg = render.photo(pdf, seed)
    from PIL import Image

    image = Image.open(io.BytesIO(jpeg))
    return render.images_pdf([(jpeg, image.width, image.height)], 150, "iPhone")


# --- PDF signature fields ------------------------------------------------------------------


def sign_field(
    pdf: bytes,
    signer: str,
    label: str | None,
    *,
    field_name: str = "Signature1",
    width: float = 150,
    height: float = 52,
) -> bytes:
    """``pdf`` signed by ``signer`` (certificate common name) with pyHanko, in a new field.

    The field is visible, in the box under ``label`` on the last page (its appearance prints
    "Signé électroniquement par ..."), or invisible when ``label`` is None.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigFieldSpec
    from pyhanko.stamp import TextStampStyle

    box = None
    page = 0
    if label is not None:
        page, (left, bottom) = _label_place(pdf, label)
        top = bottom - 20
        box = (int(left + 2), int(top - height), int(left + 2 + width), int(top))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(field_name=field_name, md_algorithm="sha256")
    style = TextStampStyle(
        stamp_text="Signé électroniquement\npar %(signer)s\nle %(ts)s",
        timestamp_format="%d/%m/%Y %H:%M",
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=_signer(signer),
        stamp_style=style,
        new_field_spec=SigFieldSpec(field_name, on_page=page, box=box),
    )
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()


def _label_place(pdf: bytes, label: str) -> tuple[int, tuple[float, float]]:
    """Page index and left/bottom (points) of ``label`` on the last page that has it."""
    document = pdfium.PdfDocument(pdf)
    try:
        for index in reversed(range(len(document))):
            textpage = document[index].get_textpage()
            try:
                searcher = textpage.search(label, match_case=True)
                hit = searcher.get_next()
                if hit is not None:
                    left, bottom, _, _ = textpage.get_charbox(hit[0])
                    return index, (left, bottom)
            finally:
                textpage.close()
    finally:
        document.close()
    raise ValueError(f"label not found: {label}")


@functools.cache
def _authority() -> tuple[object, object]:
    """A self-signed test certification authority: (certificate, key), pyca objects."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    key = _key("autorite")
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Autorité de test Dossiers")])
    cert = (
        _builder(name, name, key.public_key(), "autorite")
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, _sha256())
    )
    return cert, key


@functools.cache
def _signer(common_name: str) -> Any:
    """A pyHanko signer with a certificate for ``common_name`` issued by the test authority."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import NameOID
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    ca_cert, ca_key = _authority()
    key = _key(common_name)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (
        _builder(subject, ca_cert.subject, key.public_key(), common_name)  # type: ignore[attr-defined]
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, _sha256())  # type: ignore[arg-type]
    )

    def der(c: object) -> bytes:
        return c.public_bytes(serialization.Encoding.DER)  # type: ignore[attr-defined]

    private = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(der(cert)),
        signing_key=asn1_keys.PrivateKeyInfo.load(private),
        cert_registry=SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(der(ca_cert))]),
    )


def _key(label: str):  # type: ignore[no-untyped-def]
    """A P-256 key derived from ``label``: the same certificates every run."""
    from cryptography.hazmat.primitives.asymmetric import ec

    secret = int.from_bytes(hashlib.sha256(label.encode()).digest(), "big") % (2**255) + 1
    return ec.derive_private_key(secret, ec.SECP256R1())


def _builder(subject, issuer, public_key, label: str):  # type: ignore[no-untyped-def]
    from cryptography import x509

    serial = int.from_bytes(hashlib.sha256(label.encode()).digest()[:8], "big")
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(serial)
        .not_valid_before(datetime(2025, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2030, 1, 1, tzinfo=UTC))
    )


def _sha256():  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA256()


__all__ = [
    "KINDS",
    "RENDERINGS",
    "Labelled",
    "labelled_documents",
    "photo_pdf",
    "printed",
    "sign_field",
]
