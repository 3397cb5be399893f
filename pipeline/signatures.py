"""Signature blocks: which parties signed a convention, contract or quote, and how.

Two kinds of evidence, the electronic one first:

1. electronic: a PDF signature field (``/FT /Sig`` with a ``/V`` value: signer ``/Name``,
   time ``/M``; read with pypdf, not validated) or a printed mention "signé électroniquement
   (par X)" / "Signature électronique". It is given to the party whose block holds the
   widget or the mention, or whose field name or printed name matches; otherwise it is
   listed in ``BlocksRead.unattributed`` for a person.
2. handwritten: each party's block is found by its label ("Pour l'organisme de formation",
   "Pour le client", "Le formateur", "Le stagiaire", "Bon pour accord"...), on the words of
   the text layer (pdfplumber) or of OCR after :func:`pipeline.ocr.prepare` straightened the
   scan. Ink is measured in the window below the label after erasing the printed words and
   the long straight lines (box borders, rules): a signature or a stamp leaves ink there.

Pages are read from the last one back; the first page with any party label is the
signature page (signature blocks close a document).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any, Literal

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from pipeline.ocr import OcrEngine, OcrSettings, Word, prepare, rotate_quarter
from pipeline.parse import fold, parse_date
from pipeline.text import page_image

Party = Literal["organisme", "client", "formateur", "stagiaire"]
Method = Literal["manuscrite", "electronique"]
PARTIES: tuple[Party, ...] = ("organisme", "client", "formateur", "stagiaire")

#: Born-digital pages are rendered at this resolution to measure ink (a 1 pt stroke: 2 px).
RENDER_DPI = 150
#: Block labels as printed (folded), and whose block they open.
LABELS: tuple[tuple[str, Party], ...] = (
    ("pour l'organisme de formation", "organisme"),
    ("l'organisme de formation", "organisme"),
    ("pour l'organisme", "organisme"),
    ("l'organisme", "organisme"),
    ("pour la cooperative", "organisme"),
    ("pour le prestataire", "organisme"),
    ("le prestataire", "organisme"),
    ("pour l'entreprise", "client"),
    ("l'entreprise", "client"),
    ("pour le client", "client"),
    ("le client", "client"),
    ("pour l'employeur", "client"),
    ("l'employeur", "client"),
    ("bon pour accord", "client"),
    ("le formateur", "formateur"),
    ("la formatrice", "formateur"),
    ("l'intervenant", "formateur"),
    ("l'intervenante", "formateur"),
    ("pour le formateur", "formateur"),
    ("le stagiaire", "stagiaire"),
    ("la stagiaire", "stagiaire"),
    ("le beneficiaire", "stagiaire"),
    ("la beneficiaire", "stagiaire"),
    ("le participant", "stagiaire"),
    ("signature du client", "client"),
    ("signature du formateur", "formateur"),
    ("signature du stagiaire", "stagiaire"),
    ("signature de l'organisme", "organisme"),
)
#: Folded labels are compared with this similarity: it absorbs an OCR slip or two.
LABEL_SIMILARITY = 0.86
#: The block under a label, in inches: its depth and its widest reach to the right.
BLOCK_DEPTH_IN = 1.3
BLOCK_WIDTH_IN = 3.3
#: Ink (square inches, specks and printed matter removed) separating signed from empty.
#: Measured on the samples: empty blocks leave < 0.002, signatures 0.03 to 0.15.
INK_SIGNED_IN2 = 0.012
#: A decision with less confidence than this goes to the review list.
REVIEW_BELOW = 0.8

_E_MENTION = re.compile(
    r"signee? electroniquement(?: par (?P<name>[^\n,;]+?))?(?: le (?P<date>[\d/.\-]+))?"
    r"(?:[,;.]|$|\n)|signature electronique",
    re.MULTILINE,
)
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


@dataclass(frozen=True)
class ESignature:
    """An electronic signature found in the PDF: a signature field or a printed mention."""

    source: Literal["champ", "mention"]
    signer: str | None
    date: str | None
    page: int | None  # 1-based, when known
    where: tuple[float, float] | None  # centre in inches from the page's top left
    field_name: str = ""


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


@dataclass(frozen=True)
class PageView:
    """A page as analysed: grey pixels, their resolution, and the printed words on it."""

    gray: np.ndarray
    dpi: int
    words: tuple[Word, ...]
    text: str


# --- entry point ---------------------------------------------------------------------------


def read_blocks(
    pdf: bytes,
    engine: OcrEngine | None,
    settings: OcrSettings,
    *,
    parties: Sequence[Party] | None = None,
    organisme_names: Sequence[str] = (),
) -> BlocksRead:
    """Which parties signed ``pdf`` and how, with a confidence per party.

    ``parties``: those expected (by document type); one whose block is not found is
    reported unsigned with no confidence and listed for review; other parties' labels are
    ignored. ``organisme_names``: the
    cooperative's names, for blocks labelled "Pour <name>".
    """
    esigs = electronic_signatures(pdf)
    out = BlocksRead()
    document = pdfium.PdfDocument(pdf)
    try:
        for index in reversed(range(len(document))):
            view = _page_view(document[index], engine, settings)
            if view is None:
                continue
            labels = find_labels(view.words, organisme_names)
            esigs += printed_mentions(view, index + 1)
            if labels:
                out.page = index + 1
                _read_page_blocks(out, view, labels, esigs, index + 1)
                break
    finally:
        document.close()
    _give_unplaced(out, esigs)
    _complete(out, parties)
    return out


def _read_page_blocks(
    out: BlocksRead,
    view: PageView,
    labels: list[Label],
    esigs: list[ESignature],
    page: int,
) -> None:
    regions = block_regions(labels, view)
    for label in _one_per_party(labels):
        region = regions[label]
        esig = _esig_in(esigs, region, view.dpi, page)
        if esig is not None:
            esigs.remove(esig)
            out.blocks[label.party] = _electronic_block(label.party, esig)
            continue
        ink = measure_ink(view, region)
        out.blocks[label.party] = _ink_block(label.party, ink)


# --- electronic signatures -----------------------------------------------------------------


def electronic_signatures(pdf: bytes) -> list[ESignature]:
    """Signature fields holding a value (a signature dictionary), without validating them."""
    try:
        reader = PdfReader(_stream(pdf))
        found: list[ESignature] = []
        for number, page in enumerate(reader.pages, start=1):
            height = float(page.mediabox.height)
            for annot in page.get("/Annots") or []:
                sig = _signature_of(annot.get_object(), number, height)
                if sig is not None:
                    found.append(sig)
        return found
    except (PdfReadError, ValueError, KeyError, TypeError):
        return []  # a damaged AcroForm is no evidence either way: the ink is still read


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
    """'Signé électroniquement par X le d/m/y' and 'Signature électronique' on the page."""
    found = []
    for match in _E_MENTION.finditer(fold(view.text)):
        name = match.group("name")
        raw_date = match.group("date")
        when = parse_date(raw_date) if raw_date else None
        signer = view.text[match.start("name") : match.end("name")].strip() if name else None
        where = _mention_place(view, match.group(0))
        found.append(ESignature("mention", signer, when.isoformat() if when else None, page, where))
    return found


def _mention_place(view: PageView, mention: str) -> tuple[float, float] | None:
    # The first word of the mention locates it: "signe"/"signature" then "electroniquement".
    words = view.words
    for first, second in zip(words, words[1:], strict=False):
        if fold(first.text).startswith("sign") and fold(second.text).startswith("electroni"):
            left, top, right, bottom = first.box
            return ((left + right) / 2 / view.dpi, (top + bottom) / 2 / view.dpi)
    return None


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
    # A field with a value is a signature (unvalidated); a printed mention is a claim.
    confidence = 0.99 if sig.source == "champ" else 0.9
    return Block(party, True, "electronique", confidence, sig.signer, sig.date)


# --- the page as analysed ------------------------------------------------------------------


def _page_view(
    page: pdfium.PdfPage, engine: OcrEngine | None, settings: OcrSettings
) -> PageView | None:
    textpage = page.get_textpage()
    try:
        has_text = len(re.findall(r"\w", textpage.get_text_range())) >= 20
    finally:
        textpage.close()
    if has_text:
        return _digital_view(page)
    if engine is None:
        return None
    return _scanned_view(page, engine, settings)


def _digital_view(page: pdfium.PdfPage) -> PageView:
    gray = np.asarray(page.render(scale=RENDER_DPI / 72, grayscale=True).to_pil().convert("L"))
    words = tuple(_layer_words(page))
    return PageView(gray, RENDER_DPI, words, "\n".join(_lines_text(words)))


def _layer_words(page: pdfium.PdfPage) -> Iterable[Word]:
    # pdfium's character boxes (~2 ms a page) rather than a second parse by pdfplumber.
    _, height = page.get_size()
    textpage = page.get_textpage()
    try:
        chars = [
            (textpage.get_text_range(i, 1), textpage.get_charbox(i))
            for i in range(textpage.count_chars())
        ]
    finally:
        textpage.close()
    scale = RENDER_DPI / 72
    yield from _chars_to_words(chars, height, scale)


def _chars_to_words(
    chars: list[tuple[str, tuple[float, float, float, float]]], height: float, scale: float
) -> Iterable[Word]:
    text, box = "", [0.0, 0.0, 0.0, 0.0]
    for char, (left, bottom, right, top) in chars:
        if char.isspace() or not char:
            if text:
                yield _word(text, box, height, scale)
            text = ""
            continue
        if not text:
            box = [left, bottom, right, top]
        else:
            box = [min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top)]
        text += char
    if text:
        yield _word(text, box, height, scale)


def _word(text: str, box: list[float], height: float, scale: float) -> Word:
    left, bottom, right, top = box
    pixels = (
        int(left * scale),
        int((height - top) * scale),
        int(math.ceil(right * scale)),
        int(math.ceil((height - bottom) * scale)),
    )
    return Word(text, 1.0, pixels)


def _scanned_view(page: pdfium.PdfPage, engine: OcrEngine, settings: OcrSettings) -> PageView:
    image, dpi = page_image(page, settings)
    prepared = prepare(image, dpi, settings)
    gray = prepared.gray
    if settings.orientation and prepared.rotation == 90:
        # Profiles tell sideways from upright, not which way round: OSD does (as text.py).
        turn = engine.osd(Image.fromarray(gray), prepared.dpi) or 0
        gray = rotate_quarter(gray, turn)
    result = engine.recognise(Image.fromarray(gray), prepared.dpi)
    return PageView(gray, prepared.dpi, result.words, result.text)


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
    """Party labels: runs of words on one line, set apart by wide gaps, that read as a label."""
    known = list(LABELS) + [(f"pour {fold(n)}", "organisme") for n in organisme_names]
    found = []
    for line in _lines(words):
        for run in _runs(line):
            party = _label_party(" ".join(w.text for w in run), known)
            if party is not None:
                box = (
                    min(w.box[0] for w in run),
                    min(w.box[1] for w in run),
                    max(w.box[2] for w in run),
                    max(w.box[3] for w in run),
                )
                found.append(Label(party, box))
    return found


def _runs(line: list[Word]) -> list[list[Word]]:
    """Split a line where the gap between words exceeds ~1.2 times the letter height."""
    runs = [[line[0]]]
    for prev, word in zip(line, line[1:], strict=False):
        height = max(prev.box[3] - prev.box[1], word.box[3] - word.box[1])
        if word.box[0] - prev.box[2] > 1.2 * height:
            runs.append([word])
        else:
            runs[-1].append(word)
    return runs


def _label_party(text: str, known: Sequence[tuple[str, Party]]) -> Party | None:
    folded = re.sub(r"\s+", " ", re.sub(r"[:.,;]", " ", fold(text))).strip()
    folded = folded.replace("’", "'")
    if not folded or len(folded) > 45:
        return None
    best, party = 0.0, None
    for label, who in known:
        if label.startswith("pour ") and not folded.startswith("pour"):
            continue  # a letterhead "COOPERATIVE EXEMPLE" is not "Pour Cooperative Exemple"
        ratio = SequenceMatcher(None, folded, label).ratio()
        if ratio > best:
            best, party = ratio, who
    return party if best >= LABEL_SIMILARITY else None


def _one_per_party(labels: Sequence[Label]) -> list[Label]:
    """Each party's signature label: one in a row of labels, else the lowest on the page.

    Labels also occur in the preamble ("L'organisme de formation : ..."); signature blocks
    stand side by side near the end.
    """
    chosen: dict[Party, Label] = {}
    for label in sorted(labels, key=lambda lab: (_row_mates(lab, labels), lab.box[1])):
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


# --- ink -----------------------------------------------------------------------------------


def measure_ink(view: PageView, region: tuple[int, int, int, int]) -> float:
    """Square inches of handwriting in ``region``: printed words, lines and specks removed."""
    left, top, right, bottom = region
    crop = view.gray[top:bottom, left:right]
    if crop.size == 0:
        return 0.0
    ink = (crop < 150).astype(np.uint8)
    ink = _erase_lines(ink, view.dpi)
    ink = _erase_words(ink, view.words, region, view.dpi)
    ink = _drop_specks(ink, view.dpi)
    return float(ink.sum()) / (view.dpi * view.dpi)


def _erase_lines(ink: np.ndarray, dpi: int) -> np.ndarray:
    # Box borders and rules are straight and long; pen strokes are neither for half an inch.
    length = max(dpi // 2, 10)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))
    lines = cv2.dilate(np.maximum(horizontal, vertical), np.ones((3, 3), np.uint8))
    return ink & (1 - lines)


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
        if block.confidence < REVIEW_BELOW and block.confidence > 0.0:
            state = "signé" if block.signed else "non signé"
            out.review.append(f"{block.party} : {state} ? (confiance {block.confidence:.2f})")
