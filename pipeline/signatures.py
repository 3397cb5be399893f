"""Signature blocks: which parties signed a convention, contract or quote, and how.

Three kinds of evidence, the electronic ones first:

1. electronic: a PDF signature field (``/FT /Sig`` with a ``/V`` value) or a printed mention
   "signé électroniquement (par X) (le d/m/y)" / "Signature électronique". Fields are found
   with pypdf (where the widget lies, ``/Name``, ``/M``), then checked with pyHanko: signer
   from the certificate's common name, signing time, and whether the signed bytes are intact
   (digest and signature match). The certificate chain is not checked (trust "non vérifié"):
   an intact signature proves the bytes were signed by that key, not who holds it. When
   pyHanko cannot parse the file, pypdf's reading stands (``intact`` None). A field whose
   bytes were altered still reads signed, with low confidence, for review.
   A signature is given to the party whose block holds the
   widget or the mention, or whose field name or printed name matches; otherwise it is
   listed in ``BlocksRead.unattributed`` for a person.
2. a signing service's proof page ("dossier de preuve", "certificat de signature"...),
   read by :mod:`pipeline.reading.esign`: each signer whose role names a party and who has
   a signing time signed for that party.
3. handwritten: each party's block is found by the meaning of its label, in any wording
   (:mod:`pipeline.reading.parties`: "Pour l'entreprise bénéficiaire", "L'employeur",
   "Le/la stagiaire", "L'intervenant·e", "Bon pour accord - signature du client"...), on
   the words of the text layer or of OCR after :func:`pipeline.ocr.prepare` straightened
   the scan. The block is the window under the label, side by side or stacked: below its
   caption (name, role, "Cachet et signature": :mod:`pipeline.reading.caption`), down to
   the bottom of a box drawn for the signature, up to the next party's label. Ink is
   measured there after erasing stamps (a frame around small print,
   :mod:`pipeline.reading.stamps`), rulings, printed words, specks, and the lines written
   by hand that read as "Lu et approuvé", "Bon pour accord" or a date: none is a signature.
   Print left in a block without handwriting (an unread e-signature mention?) makes it
   unsigned with low confidence, for a person: an empty block is never "signed".

An agreement dropped as a Word file is read by :func:`read_word_file`
(:mod:`pipeline.reading.wordfile`).

On OCR'd pages (scans, photos), print the page's OCR missed is read again line by line
(:func:`reread_lines`, the engine's single-line mode on each line crop): below the labels
and "Fait à ..." when an expected party's label is missing (photos lose small bold labels),
and in a block that looks empty, where an e-signature mention too small for the page's OCR
would otherwise read as a confident "unsigned"; print there that cannot be read is sent to
review.

Pages are read from the last one back; a proof page is read for its signers; the first
other page with any party label is the signature page (signature blocks close a document).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any, Literal
from zoneinfo import ZoneInfo

import cv2
import numpy as np
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from pipeline import text as text_stage
from pipeline.ocr import OcrEngine, OcrSettings, Word
from pipeline.parse import fold, parse_date
from pipeline.reading import esign, wordfile
from pipeline.reading.caption import (
    SIGNING_ABOVE_IN,
    box_bottom,
    caption_bottom,
    is_hand_mention,
    is_instruction,
    rule_above,
    signing_area_above,
)
from pipeline.reading.page import PageView, views
from pipeline.reading.parties import Party, is_own_label, party_of
from pipeline.reading.stamps import stamp_pixels, stamps

Method = Literal["manuscrite", "electronique"]
PARTIES: tuple[Party, ...] = ("organisme", "client", "formateur", "stagiaire")

#: The block under a label, in inches: its depth and its widest reach to the right.
BLOCK_DEPTH_IN = 1.3
BLOCK_WIDTH_IN = 3.3
#: The depth of the place to sign under a block's caption when no box is drawn, inches.
SIGNING_DEPTH_IN = 1.0
#: Ink (square inches, specks and printed matter removed) separating signed from empty.
#: Measured on the samples: empty blocks leave < 0.002, signatures 0.03 to 0.15.
INK_SIGNED_IN2 = 0.012
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
#: Signing times are reported as the wall-clock time in France.
LOCAL_ZONE = "Europe/Paris"

_E_MENTION = re.compile(
    r"signee? electroniquement(?:\s+par (?P<name>[^\n,;]+?))?"
    r"(?:\s+le\s+(?P<date>[\d/.\-]+)(?:\s+(?:a\s+)?\d{1,2}[:h]\d{2}(?::\d{2})?)?)?"
    r"(?:[,;.]|$|\n)|signature electronique",
    re.MULTILINE,
)
_E_MENTION_WRAPPED = re.compile(
    r"signee? electroniquement\s+par (?P<name>[^\n,;]{1,40}?(?:\n[^\n,;]{1,40}?)?)"
    r"\s+le\s+(?P<date>\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4})"
)
_E_WORD = "electroniquement"
#: A mention's second word read with a slip ("étectronquement") is still that word.
MENTION_SIMILARITY = 0.75
_FIELD_PARTY: dict[str, Party] = {
    "organisme": "organisme",
    "of": "organisme",
    "client": "client",
    "entreprise": "client",
    "formateur": "formateur",
    "trainer": "formateur",
    "stagiaire": "stagiaire",
    "trainee": "stagiaire",
}


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


@dataclass(frozen=True)
class ESignature:
    """An electronic signature found in the PDF: a signature field or a printed mention."""

    source: Literal["champ", "mention"]
    signer: str | None
    date: str | None
    page: int | None  # 1-based, when known
    where: tuple[float, float] | None  # centre in inches from the page's top left
    field_name: str = ""
    intact: bool | None = None  # fields checked by pyHanko: the signed bytes are intact


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


@dataclass(frozen=True)
class Label:
    """A party label found on the page, in pixels of the analysed image."""

    party: Party
    box: tuple[int, int, int, int]  # left, top, right, bottom
    # Says no party's noun ("Bon pour accord"): it may be written inside another block.
    mention: bool = False


# --- entry point ---------------------------------------------------------------------------


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
            view = reread_lines(view, engine, _reread_top(view, labels))
            labels = find_labels(view.words, organisme_names)
        esigs += printed_mentions(view, view.number)
        if closing is None and (view is pages[-1] or _closing_line(view)):
            closing = view
        if labels:
            _found_page(out, view, labels, esigs, view.number, engine)
            break
    else:
        if closing is not None and engine is not None and closing.scanned:
            # No label read anywhere: small bold labels can escape the page's OCR. The
            # page closing the document ("Fait à ...") is read again line by line.
            view = reread_lines(closing, engine, _reread_top(closing, []))
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


def _closing_line(view: PageView) -> Word | None:
    """The first word of the page's last "Fait à <place>, le <date>" line, if any."""
    starts = [
        run[0]
        for run in word_runs(view.words)
        if len(run) >= 2 and fold(run[0].text) == "fait" and fold(run[1].text) in ("a", "au")
    ]
    return max(starts, key=lambda w: w.box[1]) if starts else None


def _reread_top(view: PageView, labels: Sequence[Label]) -> int:
    """Where to start reading the page again: a little above the labels found and the
    "Fait à" line, else the lower two thirds of the page."""
    tops = [label.box[1] for label in labels]
    closing = _closing_line(view)
    if closing is not None:
        tops.append(closing.box[1])
    if not tops:
        return view.gray.shape[0] // 3
    return max(0, min(tops) - int(0.5 * view.dpi))


def _read_page_blocks(
    out: BlocksRead,
    view: PageView,
    labels: list[Label],
    esigs: list[ESignature],
    page: int,
    engine: OcrEngine | None = None,
) -> None:
    regions = block_regions(labels, view)
    for label in _one_per_party(labels):
        region = _above_line(view, label, regions[label]) or _down_to_box(
            view, label, regions[label], labels
        )
        esig = _esig_in(esigs, region, view.dpi, page)
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
            small = _small_print(view, engine, label, region, page)
            if isinstance(small, ESignature):
                out.blocks[label.party] = _electronic_block(label.party, small)
                continue
            if small:
                block = Block(label.party, False, None, PRINT_IN_BOX, ink=block.ink)
        if not block.signed and _print_in_box(view, label, region):
            block = Block(label.party, False, None, PRINT_IN_BOX, ink=block.ink)
        out.blocks[label.party] = block


def _above_line(
    view: PageView, label: Label, region: tuple[int, int, int, int]
) -> tuple[int, int, int, int] | None:
    """The place to sign above a rule printed just over the label ("________ / Le client"),
    when there is blank room above that rule."""
    left, _, right, _ = region
    rule = rule_above(view.gray, view.dpi, (left, right), label.box[1])
    if rule is None:
        return None
    # A stamp's words above the rule are in the place to sign, not print closing it.
    stamped = _in_stamps(view, (left, max(0, rule - int(SIGNING_ABOVE_IN * view.dpi)), right, rule))
    words = [w for w in view.words if not stamped(w)]
    rows = signing_area_above(words, view.dpi, (left, right), rule)
    return (left, rows[0], right, rows[1]) if rows is not None else None


def _down_to_box(
    view: PageView, label: Label, region: tuple[int, int, int, int], labels: Sequence[Label]
) -> tuple[int, int, int, int]:
    """``region`` reaching down to the bottom of the box drawn for the signature, if any
    (a caption of several lines pushes a box below the usual depth), and no further than
    the next party's label below (blocks stacked in a column)."""
    left, top, right, bottom = region
    caption = caption_bottom(view.words, label.box, region)
    # The place to sign starts under the caption, however many lines it has.
    bottom = max(bottom, min(view.gray.shape[0], caption + int(SIGNING_DEPTH_IN * view.dpi)))
    below = box_bottom(view.gray, view.dpi, (left, right), caption)
    if (
        below is not None
        and below > bottom
        and not _print_between(view, (left, bottom, right, below))
    ):
        bottom = below
    for other in labels:
        below = other.box[1] > label.box[3] and other.box[0] < right and other.box[2] > left
        # "Bon pour accord" over "signature du client", or written in the block: no end.
        if below and other.party != label.party and not other.mention:
            bottom = min(bottom, other.box[1] - int(0.05 * view.dpi))
    return (left, top, right, max(top + 1, bottom))


def _print_between(view: PageView, area: tuple[int, int, int, int]) -> bool:
    """Print in ``area`` other than a stamp's or an instruction: the next row of a table,
    not the lower part of a box drawn for the signature."""
    left, top, right, bottom = area
    stamped = _in_stamps(view, area)
    words = [
        w
        for w in view.words
        if w.confidence >= 0.6
        and re.search(r"\w\w\w", w.text)
        and left <= (w.box[0] + w.box[2]) // 2 <= right
        and top <= (w.box[1] + w.box[3]) // 2 <= bottom
        and not stamped(w)
    ]
    return len(words) >= 2 and not is_instruction(words)


def _print_in_box(view: PageView, label: Label, region: tuple[int, int, int, int]) -> bool:
    """Printed words in the box itself, below the block's caption (label, name, role,
    instruction): a stamp or an e-signature mention that was not read as one. Erased as
    print, they would leave the block empty with full confidence; a person checks them.
    """
    left, _, right, bottom = region
    below = caption_bottom(view.words, label.box, region)
    stamped = _in_stamps(view, region)
    inside = [
        w
        for w in view.words
        if w.confidence >= 0.6
        and re.search(r"\w\w\w", w.text)
        and w.box[1] > below
        and w.box[3] <= bottom
        and left <= w.box[0]
        and w.box[2] <= right
        and not stamped(w)
    ]
    return len(inside) >= 2 and not is_instruction(inside)


def _in_stamps(view: PageView, region: tuple[int, int, int, int]) -> Callable[[Word], bool]:
    """Whether a word's centre lies inside a stamp found in ``region`` (its print)."""
    left, top, right, bottom = region
    _, insides = stamps((view.gray[top:bottom, left:right] < 150).astype(np.uint8), view.dpi)

    def stamped(word: Word) -> bool:
        x = (word.box[0] + word.box[2]) // 2 - left
        y = (word.box[1] + word.box[3]) // 2 - top
        return any(0 <= y < m.shape[0] and 0 <= x < m.shape[1] and m[y, x] for m in insides)

    return stamped


# --- electronic signatures -----------------------------------------------------------------


def electronic_signatures(pdf: bytes) -> list[ESignature]:
    """Signature fields holding a value, placed by pypdf and checked by pyHanko."""
    try:
        reader = PdfReader(_stream(pdf))
        found: list[ESignature] = []
        for number, page in enumerate(reader.pages, start=1):
            height = float(page.mediabox.height)
            for annot in page.get("/Annots") or []:
                sig = _signature_of(annot.get_object(), number, height)
                if sig is not None:
                    found.append(sig)
    except (PdfReadError, ValueError, KeyError, TypeError):
        return []  # a damaged AcroForm is no evidence either way: the ink is still read
    if not found:
        return found
    checked = checked_fields(pdf)
    return [_with_check(sig, checked.get(sig.field_name)) for sig in found]


@dataclass(frozen=True)
class FieldCheck:
    """What pyHanko read of one signature field."""

    signer: str | None  # the signer certificate's common name (or organisation)
    date: str | None  # signing time, wall clock in France, ISO
    intact: bool | None  # None when the signature could not be parsed


def checked_fields(pdf: bytes) -> dict[str, FieldCheck]:
    """Signature fields by name, as pyHanko reads them; empty when it cannot parse ``pdf``.

    Integrity only: the digest of the signed byte ranges matches the one the signer signed,
    and the signature verifies with the embedded certificate. No trust, no revocation.
    """
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.fields import enumerate_sig_fields

        reader = PdfFileReader(_stream(pdf), strict=False)
        fields = list(enumerate_sig_fields(reader, filled_status=True))
    except Exception:  # a third-party parser on any input: pypdf's view stands
        return {}
    out: dict[str, FieldCheck] = {}
    for name, _, field_ref in fields:
        out[str(name).rsplit(".", 1)[-1]] = _check_field(reader, field_ref, str(name))
    return out


def _check_field(reader: Any, field_ref: Any, name: str) -> FieldCheck:
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

    try:
        embedded = EmbeddedPdfSignature(reader, field_ref, name)
        cert = embedded.signer_cert
    except Exception:  # no parsable signature: nothing to report
        return FieldCheck(None, None, None)
    subject = cert.subject.native
    signer = subject.get("common_name") or subject.get("organization_name")
    try:
        when = embedded.self_reported_timestamp
    except Exception:  # a malformed date is no date
        when = None
    try:
        content_type = embedded.signed_data["encap_content_info"]["content_type"].native
        intact, valid = validate_sig_integrity(
            embedded.signer_info, cert, content_type, embedded.compute_digest()
        )
        sound: bool | None = bool(intact and valid)
    except Exception:  # unsupported algorithm and the like: not checked
        sound = None
    return FieldCheck(str(signer) if signer else None, _local_iso(when), sound)


def _local_iso(when: datetime | None) -> str | None:
    if when is None:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(ZoneInfo(LOCAL_ZONE)).replace(tzinfo=None)
    return when.isoformat(timespec="seconds")


def _with_check(sig: ESignature, check: FieldCheck | None) -> ESignature:
    if check is None:
        return sig
    return ESignature(
        sig.source,
        check.signer or sig.signer,
        check.date or sig.date,
        sig.page,
        sig.where,
        sig.field_name,
        check.intact,
    )


def _stream(pdf: bytes) -> io.BytesIO:
    return io.BytesIO(pdf)


def _signature_of(widget: Any, page: int, height: float) -> ESignature | None:
    # A widget is its own field or the kid of one: the field keys may sit on the parent.
    node, merged = widget, {}
    while node is not None:
        for key in ("/FT", "/V", "/T"):
            if key not in merged and key in node:
                merged[key] = node[key]
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    if merged.get("/FT") != "/Sig" or "/V" not in merged:
        return None
    value = merged["/V"].get_object()
    rect = [float(v) for v in widget.get("/Rect", [0, 0, 0, 0])]
    where = None
    if rect[2] - rect[0] > 1 and rect[3] - rect[1] > 1:
        where = ((rect[0] + rect[2]) / 144, (height - (rect[1] + rect[3]) / 2) / 72)
    name = value.get("/Name")
    return ESignature(
        "champ",
        str(name) if name else None,
        _pdf_date(str(value.get("/M", ""))),
        page,
        where,
        str(merged.get("/T", "")),
    )


def _pdf_date(raw: str) -> str | None:
    """'D:20260420143000+02'00'' -> '2026-04-20T14:30:00'."""
    digits = re.sub(r"\D", "", raw[2:] if raw.startswith("D:") else raw)[:14]
    formats = {14: "%Y%m%d%H%M%S", 12: "%Y%m%d%H%M", 8: "%Y%m%d"}
    fmt = formats.get(len(digits))
    if fmt is None:
        return None
    try:
        return datetime.strptime(digits, fmt).isoformat()
    except ValueError:
        return None


def printed_mentions(view: PageView, page: int) -> list[ESignature]:
    """'Signé électroniquement par X le d/m/y' and 'Signature électronique' on the page.

    Each mention is found by its first words, "signé"/"signature" then "électroniquement",
    read with the rest of its run of words (blocks stand side by side: a wide gap ends the
    run) and the run just below it, where services print the date.
    """
    found = []
    runs = word_runs(view.words)
    for run in runs:
        for at in range(len(run) - 1):
            first, second = run[at], run[at + 1]
            if _mention_words(first.text, second.text):
                found.append(_mention(view, run[at:], runs, page))
                break
    return found


def _mention(view: PageView, words: list[Word], runs: list[list[Word]], page: int) -> ESignature:
    text = " ".join(w.text for w in words)
    left, bottom = words[0].box[0], words[0].box[3]
    height = words[0].box[3] - words[0].box[1]
    for _ in range(2):  # the signer and the date may follow on the lines below
        under = [
            r
            for r in runs
            if abs(r[0].box[0] - left) < 0.3 * view.dpi
            and 0 <= r[0].box[1] - bottom + height / 2 < 1.5 * height
        ]
        if not under:
            break
        run = min(under, key=lambda r: r[0].box[1])
        text += "\n" + " ".join(w.text for w in run)
        bottom = run[0].box[3]
    signer, when = _mention_parts(text)
    x0, top, x1, bottom = words[0].box
    where = ((x0 + x1) / 2 / view.dpi, (top + bottom) / 2 / view.dpi)
    return ESignature("mention", signer, when, page, where)


def _mention_words(first: str, second: str) -> bool:
    """ "Signé électroniquement", "Signature électronique", with an OCR slip or two."""
    a, b = fold(first), fold(second)
    if not a.startswith("sig"):
        return False
    return b.startswith("electroni") or (
        SequenceMatcher(None, b[: len(_E_WORD)], _E_WORD).ratio() >= MENTION_SIMILARITY
    )


def _mention_opening(text: str) -> tuple[int, int] | None:
    """Where a mention's two opening words start and end in ``text``."""
    tokens = list(re.finditer(r"\S+", text))
    for first, second in zip(tokens, tokens[1:], strict=False):
        if _mention_words(first.group(), second.group()):
            return first.start(), second.end()
    return None


def _mention_parts(text: str) -> tuple[str | None, str | None]:
    """The signer and the ISO date of a printed mention's text, where it gives them."""
    opening = _mention_opening(text)
    if opening is not None:  # its opening words spelt right, whatever the OCR read
        text = "Signé électroniquement" + text[opening[1] :]
    # A narrow block wraps the signer's name: "par Sandrine\nAubert le 22/05/2025".
    match = _E_MENTION_WRAPPED.search(fold(text)) or _E_MENTION.search(fold(text))
    signer = when = None
    if match is not None:
        if match.group("name"):
            # A box border beside the print may read as a last "|".
            signer = re.sub(r"[\s|,;:.]+$", "", text[match.start("name") : match.end("name")])
            signer = re.sub(r"\s+(?:le|a|à)$", "", signer)  # the date on the next line
            signer = " ".join(signer.split()) or None
        raw_date = match.group("date")
        day = parse_date(raw_date) if raw_date else None
        when = day.isoformat() if day else None
    return signer, when


def _esig_in(
    esigs: list[ESignature], region: tuple[int, int, int, int], dpi: int, page: int
) -> ESignature | None:
    left, top, right, bottom = region
    for sig in esigs:
        if sig.where is None or sig.page != page:
            continue
        x, y = sig.where[0] * dpi, sig.where[1] * dpi
        # The mention may sit on the label line itself: allow one line above the window.
        if left <= x <= right and top - dpi * 0.3 <= y <= bottom:
            return sig
    return None


def _give_unplaced(out: BlocksRead, esigs: list[ESignature]) -> None:
    """Field names ('Signature_client') attribute the signatures no block holds."""
    for sig in list(esigs):
        party = _party_of_field(sig.field_name)
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


def _party_of_field(name: str) -> Party | None:
    for token in re.split(r"[^a-z]+", fold(name)):
        party = _FIELD_PARTY.get(token)
        if party is not None:
            return party
    return None


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


# --- the page as analysed ------------------------------------------------------------------


def _lines_text(words: Sequence[Word]) -> list[str]:
    return [" ".join(w.text for w in line) for line in _lines(words)]


def _lines(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into lines (by vertical overlap), each sorted left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.box[1] + w.box[3]) / 2):
        middle = (word.box[1] + word.box[3]) / 2
        if lines:
            last = lines[-1][-1]
            if last.box[1] <= middle <= last.box[3]:
                lines[-1].append(word)
                continue
        lines.append([word])
    return [sorted(line, key=lambda w: w.box[0]) for line in lines]


# --- labels and blocks ---------------------------------------------------------------------


def find_labels(words: Sequence[Word], organisme_names: Sequence[str] = ()) -> list[Label]:
    """Party labels: runs of words (:func:`word_runs`) that read as a label."""
    found = []
    for run in word_runs(words):
        text = " ".join(w.text for w in run)
        party = party_of(text, organisme_names)
        if party is not None:
            box = (
                min(w.box[0] for w in run),
                min(w.box[1] for w in run),
                max(w.box[2] for w in run),
                max(w.box[3] for w in run),
            )
            found.append(Label(party, box, is_own_label(text)))
    return found


def word_runs(words: Sequence[Word]) -> list[list[Word]]:
    """Words chained left to right into runs: each starts within ~1.2 letter heights of the
    previous one's end (or overlaps it), its middle level with it. A wide gap ends a run
    (blocks stand side by side); chaining word to word follows a line a photo tilted.
    """
    runs: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.box[0]):
        middle = (word.box[1] + word.box[3]) / 2
        best, best_gap = None, math.inf
        for run in runs:
            last = run[-1]
            height = max(word.box[3] - word.box[1], last.box[3] - last.box[1])
            # OCR boxes of a photo overlap their neighbours: any overlap chains too.
            gap = word.box[0] - last.box[2]
            level = abs(middle - (last.box[1] + last.box[3]) / 2) <= 0.35 * height
            after = word.box[0] >= last.box[0]
            if level and after and gap <= 1.2 * height and abs(gap) < best_gap:
                best, best_gap = run, abs(gap)
        if best is None:
            runs.append([word])
        else:
            best.append(word)
    return runs


def _one_per_party(labels: Sequence[Label]) -> list[Label]:
    """Each party's signature label: one in a row of labels, else the lowest on the page.

    Labels also occur in the preamble ("L'organisme de formation : ..."); signature blocks
    stand side by side near the end. A label naming its party beats a "Bon pour accord",
    which may be written by hand inside another party's block.
    """
    chosen: dict[Party, Label] = {}
    for label in sorted(
        labels, key=lambda lab: (not lab.mention, _row_mates(lab, labels), lab.box[1])
    ):
        chosen[label.party] = label  # later (better) candidates overwrite earlier ones
    return list(chosen.values())


def _row_mates(label: Label, labels: Sequence[Label]) -> int:
    top, bottom = label.box[1], label.box[3]
    return sum(
        1
        for other in labels
        if other.party != label.party and other.box[1] < bottom and other.box[3] > top
    )


def block_regions(
    labels: Sequence[Label], view: PageView
) -> dict[Label, tuple[int, int, int, int]]:
    """The window under each label: down to ``BLOCK_DEPTH_IN``, right to the next label."""
    height, width = view.gray.shape
    regions = {}
    for label in labels:
        left, top, _, bottom = label.box
        right = min(width, left + int(BLOCK_WIDTH_IN * view.dpi))
        for other in labels:
            same_row = other.box[1] < bottom and other.box[3] > top
            if other is not label and same_row and other.box[0] > left:
                right = min(right, other.box[0] - int(0.05 * view.dpi))
        # Start a little left: box borders and signatures overhang the label's first letter.
        start = max(0, left - int(0.1 * view.dpi))
        end = min(height, top + int(BLOCK_DEPTH_IN * view.dpi))
        regions[label] = (start, bottom + 1, right, end)
    return regions


# --- small print read again ----------------------------------------------------------------

#: Text lines the page's OCR missed are found as ink left once its words and the long lines
#: are erased, letters joined across this gap (inches); a line is this high (inches).
LINE_JOIN_IN = 0.12
LINE_HEIGHT_IN = (0.05, 0.35)
#: Grey darker than this belongs to a letter (its blurred edge included).
NEIGHBOUR_LEVEL = 230
#: Letters read in the lines of an empty-looking block that make it hold print.
SMALL_PRINT_LETTERS = 8
#: Grey darker than this may belong to a ruling (a thin line scanned is light grey).
RULING_LEVEL = 200
#: Gaps along a scanned ruling bridged before it is recognised as one, inches.
LINE_GAP_IN = 0.03
#: Ink darker than this is print or pen (the page's light is evened out beforehand).
INK_LEVEL = 160


def reread_lines(view: PageView, engine: OcrEngine, top: int) -> PageView:
    """``view`` with the text lines its OCR missed below ``top`` read again, one by one.

    On photos, Tesseract's page layout analysis drops small bold lines (a block label
    under "Fait à ...") that it reads in single-line mode on a crop of that line alone.
    """
    height, width = view.gray.shape
    words = [word for line in text_lines(view, (0, top, width, height)) for word in
             _read_line(view, engine, line)]  # fmt: skip
    if not words:
        return view
    every = view.words + tuple(words)
    return replace(view, words=every, text="\n".join(_lines_text(every)))


def text_lines(view: PageView, area: tuple[int, int, int, int]) -> list[tuple[int, int, int, int]]:
    """Boxes (page pixels) of the lines of print in ``area`` that no word read covers."""
    left, top, right, bottom = area
    ink = (view.gray[top:bottom, left:right] < INK_LEVEL).astype(np.uint8)
    if ink.size == 0:
        return []
    ink = _erase_lines(ink, view.dpi)
    ink = _erase_words(ink, view.words, area, view.dpi)
    join = max(3, int(LINE_JOIN_IN * view.dpi))
    joined = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, join), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    low, high = (int(limit * view.dpi) for limit in LINE_HEIGHT_IN)
    boxes = []
    for i in range(1, count):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if low <= h <= high and w >= 0.15 * view.dpi:
            boxes.append((x + left, y + top, x + w + left, y + h + top))
    return sorted(boxes, key=lambda box: (box[1], box[0]))


def _read_line(view: PageView, engine: OcrEngine, line: tuple[int, int, int, int]) -> list[Word]:
    """The words of one line crop, read by the engine's single-line mode, in page pixels.

    The crop is padded by a third of the line's height and the long straight lines in it
    (a box border beside the print) are whitened: a border in the crop blanks the reading.
    """
    x0, y0, x1, y1 = line
    height, width = view.gray.shape
    pad_y = max(2, (y1 - y0) // 3)
    pad_x = max(2, int(0.02 * view.dpi))
    left, top = max(0, x0 - pad_x), max(0, y0 - pad_y)
    right, bottom = min(width, x1 + pad_x), min(height, y1 + pad_y)
    crop = view.gray[top:bottom, left:right].copy()
    wide = view.gray[
        max(0, top - view.dpi // 2) : min(height, bottom + view.dpi // 2),
        max(0, left - view.dpi // 2) : min(width, right + view.dpi // 2),
    ]
    lines = _long_lines((wide < INK_LEVEL).astype(np.uint8), view.dpi)
    offset_y, offset_x = top - max(0, top - view.dpi // 2), left - max(0, left - view.dpi // 2)
    crop[lines[offset_y : offset_y + crop.shape[0], offset_x : offset_x + crop.shape[1]] > 0] = 255
    _clear_neighbours(crop)
    result = engine.recognise_line(Image.fromarray(crop), view.dpi)
    return [
        Word(w.text, w.confidence, (w.box[0] + left, w.box[1] + top, w.box[2] + left,
                                    w.box[3] + top))
        for w in result.words
        if w.text.strip()
    ]  # fmt: skip


def _clear_neighbours(crop: np.ndarray) -> None:
    """Whiten the ends of the lines above and below that the crop's edges cut through: the
    tops of the next line's letters under a line blank Tesseract's single-line reading."""
    # Letters' blurred edges too, but not the paper (the crop is mostly paper).
    level = min(NEIGHBOUR_LEVEL, int(np.median(crop)) - 20)
    marks = (crop < level).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(marks, connectivity=8)
    bottom = crop.shape[0]
    cut = [
        i
        for i in range(1, count)
        if (stats[i, cv2.CC_STAT_TOP] == 0
            or stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT] == bottom)
        and stats[i, cv2.CC_STAT_AREA] < 0.1 * crop.size
    ]  # fmt: skip
    if cut:
        mask = np.isin(labels, cut).astype(np.uint8)
        crop[cv2.dilate(mask, np.ones((5, 5), np.uint8)) > 0] = 255


def _union(boxes: Sequence[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _same_row(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Boxes on one line of print: the middle of each lies within the other's height."""
    return a[1] <= (b[1] + b[3]) / 2 <= a[3] or b[1] <= (a[1] + a[3]) / 2 <= b[3]


def _small_print(
    view: PageView,
    engine: OcrEngine,
    label: Label,
    region: tuple[int, int, int, int],
    page: int,
) -> ESignature | bool:
    """Print in an empty-looking block that the page's OCR missed, read line by line: an
    e-signature mention (returned), other printed words (True: a stamp?), or nothing.

    The caption stacked under the label (the signatory's name, a "cachet et signature") is
    the block's own print, not something in it; so is an instruction read again.
    """
    below = caption_bottom(view.words, label.box, region)
    stamped = _in_stamps(view, region)
    missed = [
        line
        for line in text_lines(view, region)
        if line[1] > below and not stamped(Word("", 1.0, line))
    ]
    if not missed:
        return False
    left, _, right, bottom = region
    inside = [w for w in view.words if w.box[1] > below and w.box[3] <= bottom
              and left <= w.box[0] and w.box[2] <= right]  # fmt: skip
    # A line read in part is read again whole: the page's OCR may have missed its start.
    rows: list[tuple[tuple[int, int, int, int], list[Word]]] = []
    for run in word_runs(inside):
        box = _union([w.box for w in run])
        if not any(_same_row(box, line) for line in missed):
            rows.append((box, run))
    reread = []
    for line in missed:
        whole = _union([line] + [w.box for w in inside if _same_row(w.box, line)])
        words = _read_line(view, engine, whole)
        if words:
            reread.append(words)
            rows.append((whole, words))
    if not reread:
        return False
    rows.sort(key=lambda row: row[0][1])
    text = "\n".join(" ".join(w.text for w in words) for _, words in rows)
    if _mention_opening(text) is not None:
        x0, top, x1, bottom = reread[0][0].box
        where = ((x0 + x1) / 2 / view.dpi, (top + bottom) / 2 / view.dpi)
        signer, when = _mention_parts(text)
        return ESignature("mention", signer, when, page, where)
    reread = [words for words in reread if not is_instruction(words)]
    folded = fold(" ".join(w.text for words in reread for w in words))
    # Too small or blurred to read, a line of print still reads as a string of letters,
    # where the specks of an empty box read as a letter or two at most.
    return len(re.findall(r"\w", folded)) >= SMALL_PRINT_LETTERS


def hand_mentions(
    view: PageView, engine: OcrEngine, region: tuple[int, int, int, int]
) -> list[tuple[int, int, int, int]]:
    """Lines of ink in ``region`` that read as a hand mention (:func:`is_hand_mention`),
    read one by one: the page's OCR seldom reads handwriting. None are read when the ink
    outside every line-shaped mark already makes a signature (the usual case)."""
    lines = text_lines(view, region)
    if not lines or measure_ink(view, region, lines) >= INK_SIGNED_IN2:
        return []
    return [line for line in lines if is_hand_mention(_read_line(view, engine, line))]


# --- ink -----------------------------------------------------------------------------------


def measure_ink(
    view: PageView,
    region: tuple[int, int, int, int],
    erase: Sequence[tuple[int, int, int, int]] = (),
) -> float:
    """Square inches of handwriting in ``region``: stamps, printed words, lines, specks and
    the boxes ``erase`` (page pixels) removed."""
    left, top, right, bottom = region
    crop = view.gray[top:bottom, left:right]
    if crop.size == 0:
        return 0.0
    ink = (crop < 150).astype(np.uint8)
    for x0, y0, x1, y1 in erase:
        ink[max(0, y0 - top) : max(0, y1 - top), max(0, x0 - left) : max(0, x1 - left)] = 0
    ink = ink & (1 - stamp_pixels(ink, view.dpi))  # a stamp alone is no signature
    # Rulings are found on a lighter threshold: a thin one scanned is grey, barely ink.
    faint = (crop < RULING_LEVEL).astype(np.uint8)
    ink = ink & (1 - _long_lines(faint, view.dpi, bridged=True))
    ink = _erase_words(ink, view.words, region, view.dpi)
    ink = _drop_specks(ink, view.dpi)
    return float(ink.sum()) / (view.dpi * view.dpi)


def _erase_lines(ink: np.ndarray, dpi: int) -> np.ndarray:
    return ink & (1 - _long_lines(ink, dpi))


def _long_lines(ink: np.ndarray, dpi: int, *, bridged: bool = False) -> np.ndarray:
    # Box borders and rules are straight and long; pen strokes are neither for half an inch.
    # ``bridged``: a thin ruling scanned breaks into dashes, the gaps along it are bridged
    # first (for measuring ink only: a bold word bridges into a line, and erased print is
    # print erased, but a line crop to be read must keep its words).
    length = max(dpi // 2, 10)
    gap = max(3, round(LINE_GAP_IN * dpi)) if bridged else 1
    along = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, gap), np.uint8))
    horizontal = cv2.morphologyEx(along, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    down = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((gap, 1), np.uint8))
    vertical = cv2.morphologyEx(down, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))
    return cv2.dilate(np.maximum(horizontal, vertical), np.ones((3, 3), np.uint8))


def _erase_words(
    ink: np.ndarray, words: Sequence[Word], region: tuple[int, int, int, int], dpi: int
) -> np.ndarray:
    left, top, _, _ = region
    pad = max(1, dpi // 75)
    letter = _typical_height(words)
    for word in words:
        # OCR reads scribbles as words too: only confident, letter-sized words are print.
        tall = word.box[3] - word.box[1] > 1.8 * letter
        if word.confidence < 0.6 or tall or not re.search(r"\w\w", word.text):
            continue
        x0, y0, x1, y1 = word.box
        ink[
            max(0, y0 - top - pad) : max(0, y1 - top + pad),
            max(0, x0 - left - pad) : max(0, x1 - left + pad),
        ] = 0
    return ink


def _typical_height(words: Sequence[Word]) -> float:
    heights = [w.box[3] - w.box[1] for w in words if w.confidence >= 0.6]
    return float(np.median(heights)) if heights else 1e9


def _drop_specks(ink: np.ndarray, dpi: int) -> np.ndarray:
    # Scanner dust and JPEG noise are dots; a pen stroke runs at least a tenth of an inch.
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    reach = dpi / 10
    keep = np.zeros(count, np.uint8)
    for i in range(1, count):
        if max(stats[i, cv2.CC_STAT_WIDTH], stats[i, cv2.CC_STAT_HEIGHT]) >= reach:
            keep[i] = 1
    return keep[labels]


def _ink_block(party: Party, ink: float) -> Block:
    signed = ink >= INK_SIGNED_IN2
    # Confidence grows with the distance from the threshold in log scale: twice or half the
    # threshold is already a clear call; only ink near it is doubtful.
    distance = abs(math.log2(max(ink, 1e-5) / INK_SIGNED_IN2))
    confidence = round(min(0.99, 0.5 + 0.5 * min(1.0, distance)), 3)
    return Block(party, signed, "manuscrite" if signed else None, confidence, ink=round(ink, 4))


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
