"""Signature blocks: which parties signed a convention, contract or quote, and how.

Three kinds of evidence, the electronic ones first (:mod:`pipeline.reading.esign`):

1. electronic: a PDF signature field with a value, checked with pyHanko (signer, signing
   time, whether the signed bytes are intact; the certificate chain is not checked: trust
   "non vérifié"), or a printed mention "signé électroniquement (par X) (le d/m/y)". A
   field whose bytes were altered still reads signed, with low confidence, for review.
   A signature is given to the party whose block holds the widget or the mention, or whose
   field name matches; otherwise it is listed in ``BlocksRead.unattributed`` for a person.
2. a signing service's proof page: each signer whose role names a party and who has a
   signing time signed for that party.
3. handwritten: each party's block is found by the meaning of its label
   (:mod:`pipeline.reading.blocks`), on the words of the text layer or of OCR; ink is
   measured there with stamps, rulings, printed words and specks erased
   (:mod:`pipeline.reading.handwriting`), and the lines written by hand that read as "Lu
   et approuvé", "Bon pour accord" or a date: none is a signature. Print left in a block
   without handwriting (an unread e-signature mention?) makes it unsigned with low
   confidence, for a person: an empty block is never "signed".

On OCR'd pages (scans, photos), print the page's OCR missed is read again line by line
(:mod:`pipeline.reading.reread`): below the labels and "Fait à ..." when an expected
party's label is missing (photos lose small bold labels), and in a block that looks empty,
where an e-signature mention too small for the page's OCR would otherwise read as a
confident "unsigned"; print there that cannot be read is sent to review.

Pages are read from the last one back; a proof page is read for its signers; the first
other page with any party label is the signature page (signature blocks close a document).
An agreement dropped as a Word file is read by :func:`read_word_file`
(:mod:`pipeline.reading.wordfile`). This module decides, per party, from that evidence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pipeline import text as text_stage
from pipeline.ocr import OcrEngine, OcrSettings
from pipeline.reading import esign, wordfile
from pipeline.reading.blocks import (
    Label,
    above_line,
    block_regions,
    closing_line,
    down_to_box,
    find_labels,
    one_per_party,
    print_in_box,
    reread_top,
)
from pipeline.reading.esign import (
    ESignature,
    electronic_signatures,
    party_of_field,
    printed_mentions,
    signature_in,
)
from pipeline.reading.handwriting import INK_SIGNED_IN2, measure_ink
from pipeline.reading.page import PageView, views
from pipeline.reading.parties import Party
from pipeline.reading.reread import hand_mentions, reread_lines, small_print

Method = Literal["manuscrite", "electronique"]
PARTIES: tuple[Party, ...] = ("organisme", "client", "formateur", "stagiaire")
#: Confidence that a block holding print but no handwriting (a stamp, an e-signature mention
#: not read as one) is unsigned: for a person to check, never a guessed "signed".
PRINT_IN_BOX = 0.5
#: A decision with less confidence than this goes to the review list.
REVIEW_BELOW = 0.8
#: Confidence of an electronic signature: a field whose signed bytes are intact, one that
#: could not be checked (pyHanko failed; pypdf saw a value), one whose bytes were altered,
#: and a printed mention (a claim in print, no proof).
FIELD_INTACT = 0.99
FIELD_UNCHECKED = 0.95
FIELD_ALTERED = 0.5
MENTION = 0.9
#: Trust of a certificate chain: not checked (no trust list is configured).
TRUST_UNCHECKED = "non vérifié"


@dataclass(frozen=True)
class Block:
    """How one party's signature was read."""

    party: Party
    signed: bool
    method: Method | None  # None when unsigned
    confidence: float  # 0..1, of the ``signed`` decision
    signer: str | None = None  # electronic signatures: the certificate's or mention's name
    date: str | None = None  # ISO date (or date-time) of an electronic signature
    ink: float | None = None  # square inches of ink measured in the block (handwritten)
    # Signature fields: the signed bytes are unchanged and match the signature (None: not
    # checked, or not a field); the certificate chain's trust ("non vérifié").
    intact: bool | None = None
    trust: str | None = None


@dataclass
class BlocksRead:
    """The parties' signatures of one document."""

    blocks: dict[Party, Block] = field(default_factory=dict)
    page: int | None = None  # 1-based page holding the signature blocks
    review: list[str] = field(default_factory=list)  # decisions a person should check
    unattributed: list[ESignature] = field(default_factory=list)

    @property
    def signatures(self) -> dict[str, bool]:
        """The CONTRACT's ``signatures`` field: party -> signed."""
        return {party: block.signed for party, block in self.blocks.items()}


def read_blocks(
    pdf: bytes,
    engine: OcrEngine | None,
    settings: OcrSettings,
    *,
    parties: Sequence[Party] | None = None,
    organisme_names: Sequence[str] = (),
    pages: Sequence[PageView] | None = None,
) -> BlocksRead:
    """Which parties signed ``pdf`` and how, with a confidence per party.

    ``parties``: those expected (by document type); one whose block is not found is
    reported unsigned with no confidence and listed for review; other parties' labels are
    ignored. ``organisme_names``: the
    cooperative's names, for blocks labelled "Pour <name>". ``pages``: the views of
    ``pdf``'s pages (:mod:`pipeline.reading.page`); without them the text stage reads the
    pages first (and needs ``engine`` for a scanned page).
    """
    if pages is None:
        pages = list(views(pdf, text_stage.read_pages(pdf, engine, settings), settings))
    esigs = electronic_signatures(pdf)
    proof: list[esign.ProofSigner] = []
    out = BlocksRead()
    closing: PageView | None = None  # the last page with "Fait à", if any
    for view in reversed(pages):
        if esign.is_proof_page(view.text):
            proof += esign.proof_signers(view.text)
            continue
        labels = find_labels(view.words, organisme_names)
        if labels and engine is not None and _missing(labels, parties):
            view = reread_lines(view, engine, reread_top(view, labels))
            labels = find_labels(view.words, organisme_names)
        esigs += printed_mentions(view, view.number)
        if closing is None and (view is pages[-1] or closing_line(view)):
            closing = view
        if labels:
            _found_page(out, view, labels, esigs, view.number, engine)
            break
    else:
        if closing is not None and engine is not None and closing.scanned:
            # No label read anywhere: small bold labels can escape the page's OCR. The
            # page closing the document ("Fait à ...") is read again line by line.
            view = reread_lines(closing, engine, reread_top(closing, []))
            labels = find_labels(view.words, organisme_names)
            if labels:
                esigs[:] = [s for s in esigs if s.source != "mention" or s.page != view.number]
                esigs += printed_mentions(view, view.number)
                _found_page(out, view, labels, esigs, view.number, engine)
    _give_unplaced(out, esigs)
    _give_proof(out, proof)
    _complete(out, parties)
    return out


def _give_proof(out: BlocksRead, proof: Sequence[esign.ProofSigner]) -> None:
    """A signing service's proof page signs each party its signers' roles name (a printed
    claim, as a mention is), unless a signature field already signed that party."""
    for signer in proof:
        block = out.blocks.get(signer.party)
        if block is None or not block.signed or block.method != "electronique":
            out.blocks[signer.party] = Block(
                signer.party, True, "electronique", MENTION, signer.name, signer.when
            )


def read_word_file(data: bytes, parties: Sequence[Party]) -> BlocksRead:
    """The parties' signatures of an agreement dropped as a Word file (DOCX).

    No pasted picture and no digital signature: nobody signed. Otherwise every party is
    left for a person (see :mod:`pipeline.reading.wordfile`).
    """
    out = BlocksRead()
    for party, confidence in wordfile.unsigned_confidence(data, parties).items():
        out.blocks[party] = Block(party, False, None, confidence)
        if confidence < REVIEW_BELOW:
            out.review.append(f"{party} : fichier Word avec image ou signature numérique")
    return out


def _found_page(
    out: BlocksRead,
    view: PageView,
    labels: list[Label],
    esigs: list[ESignature],
    page: int,
    engine: OcrEngine | None,
) -> None:
    out.page = page
    _read_page_blocks(out, view, labels, esigs, page, engine)


def _missing(labels: Sequence[Label], parties: Sequence[Party] | None) -> bool:
    found = {label.party for label in labels}
    return parties is not None and any(p not in found for p in parties)


def _read_page_blocks(
    out: BlocksRead,
    view: PageView,
    labels: list[Label],
    esigs: list[ESignature],
    page: int,
    engine: OcrEngine | None = None,
) -> None:
    regions = block_regions(labels, view)
    for label in one_per_party(labels):
        region = above_line(view, label, regions[label]) or down_to_box(
            view, label, regions[label], labels
        )
        esig = signature_in(esigs, region, view.dpi, page)
        if esig is not None:
            esigs.remove(esig)
            out.blocks[label.party] = _electronic_block(label.party, esig)
            continue
        ink = measure_ink(view, region)
        block = _ink_block(label.party, ink)
        if block.signed and engine is not None:
            # "Lu et approuvé", "Bon pour accord", a date: written by hand, no signature.
            mentions = hand_mentions(view, engine, region)
            if mentions:
                block = _ink_block(label.party, measure_ink(view, region, mentions))
        if not block.signed and view.scanned and engine is not None:
            # Small print escapes the page's OCR and is too fine to count as ink: an
            # e-signature mention would read as an empty box, with full confidence.
            small = small_print(view, engine, label, region, page)
            if isinstance(small, ESignature):
                out.blocks[label.party] = _electronic_block(label.party, small)
                continue
            if small:
                block = Block(label.party, False, None, PRINT_IN_BOX, ink=block.ink)
        if not block.signed and print_in_box(view, label, region):
            block = Block(label.party, False, None, PRINT_IN_BOX, ink=block.ink)
        out.blocks[label.party] = block


def _ink_block(party: Party, ink: float) -> Block:
    signed = ink >= INK_SIGNED_IN2
    # Confidence grows with the distance from the threshold in log scale: twice or half the
    # threshold is already a clear call; only ink near it is doubtful.
    distance = abs(math.log2(max(ink, 1e-5) / INK_SIGNED_IN2))
    confidence = round(min(0.99, 0.5 + 0.5 * min(1.0, distance)), 3)
    return Block(party, signed, "manuscrite" if signed else None, confidence, ink=round(ink, 4))


def _give_unplaced(out: BlocksRead, esigs: list[ESignature]) -> None:
    """Field names ('Signature_client') attribute the signatures no block holds."""
    for sig in list(esigs):
        party = party_of_field(sig.field_name)
        if party is not None and not _signed_electronically(out, party):
            out.blocks[party] = _electronic_block(party, sig)
            esigs.remove(sig)
    for sig in esigs:
        out.unattributed.append(sig)
        out.review.append(
            f"signature électronique ({sig.source}, {sig.signer or 'signataire inconnu'}) "
            "non rattachée à une partie"
        )


def _signed_electronically(out: BlocksRead, party: Party) -> bool:
    block = out.blocks.get(party)
    return block is not None and block.method == "electronique"


def _electronic_block(party: Party, sig: ESignature) -> Block:
    # A field with a value is a signature (its chain of trust unchecked); a printed mention
    # is a claim; a field whose bytes changed after signing is for a person to look at.
    if sig.source == "mention":
        return Block(party, True, "electronique", MENTION, sig.signer, sig.date)
    confidence = {True: FIELD_INTACT, None: FIELD_UNCHECKED, False: FIELD_ALTERED}[sig.intact]
    return Block(
        party, True, "electronique", confidence, sig.signer, sig.date,
        intact=sig.intact, trust=TRUST_UNCHECKED,
    )  # fmt: skip


def _complete(out: BlocksRead, parties: Sequence[Party] | None) -> None:
    if parties is not None:
        # The document type says who signs: another label ("Le client" on a contract's
        # trainee page) is not a block of this document.
        out.blocks = {p: b for p, b in out.blocks.items() if p in parties}
    for party in parties or ():
        if party not in out.blocks:
            out.blocks[party] = Block(party, False, None, 0.0)
            out.review.append(f"{party} : bloc de signature introuvable")
    for block in out.blocks.values():
        if block.intact is False:
            out.review.append(
                f"{block.party} : signature électronique altérée "
                f"({block.signer or 'signataire inconnu'}), document modifié après signature ?"
            )
        elif block.confidence < REVIEW_BELOW and block.confidence > 0.0:
            state = "signé" if block.signed else "non signé"
            out.review.append(f"{block.party} : {state} ? (confiance {block.confidence:.2f})")
