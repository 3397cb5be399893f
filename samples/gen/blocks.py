"""Signature pages drawn to order: any label wording, side by side or stacked, and what each
block holds (a signature, a stamp, a stamp and a signature, "Bon pour accord" by hand,
nothing), plus the proof page a signing service appends to an e-signed document.

    pdf = blocks_page([Block("Pour l'entreprise bénéficiaire", "stamp"), ...], seed=3)

Used by the tests of :mod:`pipeline.reading.signatures` with invented people and companies.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from .pen import Pen

Content = Literal[
    "signature", "stamp", "stamp+signature", "accord+signature", "lu-et-approuve", "empty"
]
BLUE = (0.1, 0.15, 0.55)
STAMP_INKS = ((0.55, 0.1, 0.15), (0.2, 0.25, 0.6), (0.45, 0.2, 0.55))


@dataclass(frozen=True)
class Block:
    """One signature block: its label, the lines printed under it, and what it holds."""

    label: str
    content: Content
    caption: tuple[str, ...] = ("Camille Ferrand", "Cachet et signature")
    boxed: bool = True  # a box drawn for the signature, or blank space
    under_line: bool = False  # the label printed under a rule, the place to sign above it


def blocks_page(blocks: Sequence[Block], seed: int, *, stacked: bool = False) -> bytes:
    """A one-page agreement ending with ``blocks``, side by side or one under the other."""
    pen = Pen(random.Random(seed))
    pen.new_page()
    pen.line("CONVENTION DE FORMATION PROFESSIONNELLE", 13, "Helvetica-Bold", align="center")
    pen.space(10)
    pen.para(
        "Article 5 - Dispositions financières. Le coût de l'action s'élève à 1 200,00 € HT, "
        "payable à réception de la facture. En cas de renoncement moins de 10 jours avant "
        "le début de l'action, 30 % du coût total restent dus à titre de dédommagement."
    )
    pen.space(12)
    pen.line("Fait en deux exemplaires à Valence, le 04/03/2026")
    pen.space(18)
    top = pen.y
    if stacked:
        for number, block in enumerate(blocks):
            _block(pen, block, pen.margin, top - number * 150, 240)
    else:
        width = (pen.w - 2 * pen.margin) / len(blocks)
        for number, block in enumerate(blocks):
            _block(pen, block, pen.margin + number * width, top, width - 14)
    pdf, _ = pen.finish()
    return pdf


def _block(pen: Pen, block: Block, x: float, top: float, width: float) -> None:
    box_width = min(width, 200.0)
    if block.under_line:  # the place to sign, a rule, then the label and caption under it
        box_top, height = top, 70.0
        pen.c.setStrokeColorRGB(0, 0, 0)
        pen.c.setLineWidth(0.6)
        pen.c.line(x, top - height - 4, x + box_width, top - height - 4)
        y = top - height - 16
        pen.text(x, y, block.label, 9.5, "Helvetica-Bold")
        for line in block.caption:
            y -= 12
            pen.text(x, y, line, 8.5, "Helvetica")
    else:
        pen.text(x, top - 10, block.label, 9.5, "Helvetica-Bold")
        y = top - 10
        for line in block.caption:
            y -= 12
            style = "Helvetica-Oblique" if "signature" in line else "Helvetica"
            pen.text(x, y, line, 8.5, style)
        box_top, height = y - 12, 80.0
        if block.boxed:
            pen.rect(x, box_top - height, box_width, height, 0.6)
    inside = (x + 6, box_top - height + 6, box_width - 12, height - 12)
    if block.content in ("stamp", "stamp+signature"):
        _stamp(pen, inside)
    if block.content == "accord+signature":
        pen.hand(inside[0] + 4, box_top - 18, "Bon pour accord", 10, BLUE)
        pen.hand(inside[0] + 4, box_top - 31, "le 06/03/2026", 10, BLUE)
        pen.signature(inside[0], inside[1], inside[2] * 0.7, inside[3] * 0.55, BLUE)
    elif block.content == "lu-et-approuve":  # the mention written, the signature forgotten
        pen.hand(inside[0] + 4, box_top - 22, "Lu et approuvé", 12, BLUE)
        pen.hand(inside[0] + 4, box_top - 40, "le 06/03/2026", 12, BLUE)
    elif "signature" in block.content:
        pen.signature(*inside, BLUE)


def _stamp(pen: Pen, area: tuple[float, float, float, float]) -> None:
    """A company stamp: a tilted double frame around three short lines, in one ink."""
    rng, canvas = pen.rng, pen.c
    x, y, w, h = area
    ink = rng.choice(STAMP_INKS)
    canvas.saveState()
    canvas.translate(x + w / 2, y + h / 2)
    canvas.rotate(rng.uniform(-6, 6))
    sw, sh = w * 0.85, 40.0
    canvas.setStrokeColorRGB(*ink)
    canvas.setLineWidth(1.4)
    canvas.roundRect(-sw / 2, -sh / 2, sw, sh, 4)
    canvas.setLineWidth(0.7)
    canvas.roundRect(-sw / 2 + 3, -sh / 2 + 3, sw - 6, sh - 6, 3)
    canvas.setFillColorRGB(*ink)
    canvas.setFont("Helvetica-Bold", 7)
    canvas.drawCentredString(0, 7, "SARL LES JARDINS DU LEZ")
    canvas.setFont("Helvetica", 6)
    canvas.drawCentredString(0, -2, "3 chemin des Oliviers 26000 Valence")
    canvas.drawCentredString(0, -11, "SIRET 498 765 432 00017")
    canvas.restoreState()


@dataclass(frozen=True)
class Signer:
    """One signer as a signing service's proof page lists them."""

    name: str
    email: str
    role: str  # as the service prints it: "Client", "Organisme de formation", ...
    when: str  # "12/03/2026 à 10:42:07"


def proof_page(
    signers: Sequence[Signer], transaction: str = "TX-7Q2M-99K1", *, heading: str = ""
) -> bytes:
    """The audit-trail page a signing service appends: each signer, their role and time."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    width, height = A4
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(56, height - 70, heading or "Dossier de preuve de signature électronique")
    canvas.setFont("Helvetica", 9)
    canvas.drawString(56, height - 92, f"Identifiant de la transaction : {transaction}")
    canvas.drawString(56, height - 106, "Document : Convention de formation (2 pages)")
    y = height - 140
    for number, signer in enumerate(signers, start=1):
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawString(56, y, f"Signataire {number}")
        canvas.setFont("Helvetica", 9)
        lines = (
            f"Nom : {signer.name}",
            f"Adresse e-mail : {signer.email}",
            f"Rôle : {signer.role}",
            f"Signé le {signer.when}",
            "Authentification : code à usage unique envoyé par SMS",
        )
        for line in lines:
            y -= 13
            canvas.drawString(72, y, line)
        y -= 26
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


#: Label wordings drawn at random, per party (general French, beyond the samples' own).
WORDINGS: dict[str, tuple[str, ...]] = {
    "organisme": ("Pour l'organisme de formation", "L'organisme de formation",
                  "Pour le prestataire", "Pour l'OF", "Le prestataire de formation"),
    "client": ("Pour l'entreprise bénéficiaire", "Le client", "L'employeur",
               "Pour le donneur d'ordre", "Signature du client"),
    "formateur": ("L'intervenant·e", "Le formateur", "La formatrice",
                  "Signature du formateur", "L'animateur"),
    "stagiaire": ("Le/la stagiaire", "Le bénéficiaire", "L'apprenant·e", "Le participant",
                  "Signature du stagiaire"),
}  # fmt: skip
CONTENTS: tuple[Content, ...] = (
    "signature", "stamp", "stamp+signature", "empty", "lu-et-approuve", "accord+signature"
)  # fmt: skip
CAPTIONS = (
    ("Camille Ferrand", "Cachet et signature"),
    ("Léo Marin",),
    ("Nom, qualité",),
    ("Jeanne Dufour", "Directrice", "Date et signature"),
)
PARTY_SETS = (
    ("organisme", "client", "formateur"),
    ("stagiaire", "organisme", "formateur"),
    ("organisme", "client"),
)


@dataclass(frozen=True)
class Drawn:
    """A drawn signature page and who signed it (a signature drawn in the block)."""

    name: str
    pdf: bytes
    truth: dict[str, bool]


def random_pages(count: int, seed: int) -> list[Drawn]:
    """``count`` pages of blocks with random wordings, captions, boxes, placement and
    contents (a stamp or a written mention alone is not signed)."""
    rng = random.Random(seed)
    pages = []
    for number in range(count):
        parties = rng.choice(PARTY_SETS)
        blocks, truth = [], {}
        for party in parties:
            content = rng.choice(CONTENTS)
            label, caption = rng.choice(WORDINGS[party]), rng.choice(CAPTIONS)
            blocks.append(Block(label, content, caption, boxed=rng.random() < 0.7))
            truth[party] = "signature" in content
        stacked = rng.random() < 0.4
        pdf = blocks_page(blocks, rng.randrange(1000), stacked=stacked)
        how = "/".join(f"{b.label}={b.content}" for b in blocks)
        pages.append(
            Drawn(f"blocks-{number:02d} ({'stacked' if stacked else 'row'}: {how})", pdf, truth)
        )
    return pages
