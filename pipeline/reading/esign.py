"""Electronic signatures: PDF signature fields, printed mentions, a service's proof page.

Three kinds of evidence that a party signed electronically:

1. a PDF signature field (``/FT /Sig`` with a ``/V`` value). Fields are found with pypdf
   (where the widget lies, ``/Name``, ``/M``), then checked with pyHanko: signer from the
   certificate's common name, signing time, and whether the signed bytes are intact (digest
   and signature match). The certificate chain is not checked: an intact signature proves
   the bytes were signed by that key, not who holds it. When pyHanko cannot parse the
   file, pypdf's reading stands (``intact`` None).
2. a printed mention "signé électroniquement (par X) (le d/m/y)" / "Signature
   électronique", found by its two opening words (read with an OCR slip or two) and read
   with the lines below it, where services print the signer and the date.
3. the proof page a signing service appends ("dossier de preuve", "certificat de
   signature", "piste d'audit", "journal des signatures"), listing each signer: their name,
   their role in the document ("Rôle : Client", "Qualité : Pour l'organisme de formation",
   "en tant que stagiaire") and when they signed ("Signé le 12/03/2026 à 10:42"). Each
   signer whose role names a party (:func:`pipeline.reading.parties.noun_party`) and who has
   a signing time signed for that party. A signer listed without a time (waiting, refused)
   signed nothing.

Fields and mentions are placed on their page (inches from the top left) so that the block
holding them gets them (:func:`signature_in`); a field's name may name its party
(:func:`party_of_field`).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from pipeline.ocr import Word
from pipeline.parse import fold, parse_date
from pipeline.reading.page import PageView
from pipeline.reading.parties import Party, noun_party, tokens_of
from pipeline.reading.words import Box, word_runs

#: Words of a proof page's title or body (folded): it is such a page if two are present.
PROOF_WORDS = (
    "dossier de preuve",
    "fichier de preuve",
    "certificat de signature",
    "certificat de preuve",
    "piste d'audit",
    "journal des signatures",
    "journal d'audit",
    "identifiant de la transaction",
    "signataire",
    "horodatage",
)
_SIGNER = re.compile(r"^\s*(?:signataire\b[^:]*|nom(?: et prenom)?|nom complet)\s*:?\s*(?P<v>.*)$")
_ROLE = re.compile(r"(?:role|qualite|en tant que|agissant pour|partie)\s*:?\s*(?P<v>.+)$")
_SIGNED = re.compile(
    r"sign(?:e|ee|ature)\b[^\d\n]*?(?:le\s*)?(?P<d>\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})"
    r"(?:\D{0,6}(?P<t>\d{1,2}[:h]\d{2}(?::\d{2})?))?"
)


@dataclass(frozen=True)
class ProofSigner:
    """One signer a proof page lists as having signed, and the party their role names."""

    party: Party
    name: str | None
    when: str | None  # ISO date or date-time


def is_proof_page(text: str) -> bool:
    """The page reads as a signing service's proof page."""
    folded = fold(text)
    return sum(word in folded for word in PROOF_WORDS) >= 2


def proof_signers(text: str) -> list[ProofSigner]:
    """The signers of a proof page, each with their party; empty for other pages."""
    if not is_proof_page(text):
        return []
    found: list[ProofSigner] = []
    for section in _sections(text):
        signer = _signer_of(section)
        if signer is not None:
            found.append(signer)
    return found


def _sections(text: str) -> list[list[str]]:
    """The page's lines cut where each signer's entry starts ("Signataire 2", "Nom :")."""
    sections: list[list[str]] = [[]]
    for line in text.splitlines():
        folded = fold(line).strip()
        starts = re.match(r"signataire\b|nom(?: et prenom)?\s*:", folded)
        entered = any(
            _ROLE.search(fold(seen)) or _SIGNED.search(fold(seen)) for seen in sections[-1]
        )
        if starts and entered:
            sections.append([])
        sections[-1].append(line)
    return sections


def _signer_of(lines: list[str]) -> ProofSigner | None:
    name = party = when = None
    for line in lines:
        folded = fold(line).strip()
        role = _ROLE.search(folded)
        if party is None and role is not None:
            party = _party_of_role(role.group("v"))
        signed = _SIGNED.search(folded)
        if when is None and signed is not None:
            day = parse_date(signed.group("d"))
            if day is not None:
                time = (signed.group("t") or "").replace("h", ":")
                when = f"{day.isoformat()}T{time}" if time else day.isoformat()
        named = _SIGNER.match(folded)
        if name is None and named is not None and named.group("v").strip():
            start = len(line) - len(named.group("v"))
            name = line[start:].strip() or None
    if party is None or when is None:
        return None
    return ProofSigner(party, name, when)


def _party_of_role(role: str) -> Party | None:
    for token in tokens_of(role):
        party = noun_party(token)
        if party is not None:
            return party
    return None


# --- signature fields and printed mentions -------------------------------------------------


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
class ESignature:
    """An electronic signature found in the PDF: a signature field or a printed mention."""

    source: Literal["champ", "mention"]
    signer: str | None
    date: str | None
    page: int | None  # 1-based, when known
    where: tuple[float, float] | None  # centre in inches from the page's top left
    field_name: str = ""
    intact: bool | None = None  # fields checked by pyHanko: the signed bytes are intact


def electronic_signatures(pdf: bytes) -> list[ESignature]:
    """Signature fields holding a value, placed by pypdf and checked by pyHanko."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
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

        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
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
    signer, when = mention_parts(text)
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


def mention_opening(text: str) -> tuple[int, int] | None:
    """Where a mention's two opening words start and end in ``text``."""
    tokens = list(re.finditer(r"\S+", text))
    for first, second in zip(tokens, tokens[1:], strict=False):
        if _mention_words(first.group(), second.group()):
            return first.start(), second.end()
    return None


def mention_parts(text: str) -> tuple[str | None, str | None]:
    """The signer and the ISO date of a printed mention's text, where it gives them."""
    opening = mention_opening(text)
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


def signature_in(esigs: list[ESignature], region: Box, dpi: int, page: int) -> ESignature | None:
    left, top, right, bottom = region
    for sig in esigs:
        if sig.where is None or sig.page != page:
            continue
        x, y = sig.where[0] * dpi, sig.where[1] * dpi
        # The mention may sit on the label line itself: allow one line above the window.
        if left <= x <= right and top - dpi * 0.3 <= y <= bottom:
            return sig
    return None


def party_of_field(name: str) -> Party | None:
    for token in re.split(r"[^a-z]+", fold(name)):
        party = _FIELD_PARTY.get(token)
        if party is not None:
            return party
    return None
