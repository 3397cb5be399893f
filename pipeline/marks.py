"""Marks people leave on paper or by certificate: attendance cells, signature blocks and
the answers of evaluation questionnaires.

The second half of the extract stage, for the fields text alone cannot give: who signed
which half-day of an attendance sheet (:mod:`pipeline.attendance`), which parties
signed an agreement (:mod:`pipeline.signatures`), and which option of each item of an
evaluation was ticked (:mod:`pipeline.reading.questionnaire`: ``satisfaction``, which
then replaces the one read from text). They read the part's page pixels, so
they need the OCR engine; without one (``classify`` on a machine without Tesseract) the
fields stay as the text gave them.

Every decision keeps its confidence. Those below the readers' thresholds are listed in the
document's ``review`` field and are neither trusted nor guessed by the rules: a person
settles them with ``dossiers correct``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from pipeline import attendance, signatures
from pipeline.archive import split_pages
from pipeline.ocr import OcrEngine, OcrSettings, PageRead
from pipeline.reading import questionnaire
from pipeline.record import DocType
from pipeline.signatures import Party

log = logging.getLogger(__name__)

#: Who signs each kind of document (DOMAIN checklist, pieces 3 and 5); ``None``: whoever
#: has a block (an attestation is signed by the trainer or by the organisme, and no rule
#: requires either, so an unfound block is not a question for a person).
PARTIES: dict[DocType, tuple[Party, ...] | None] = {
    DocType.CONVENTION: ("organisme", "client", "formateur"),
    DocType.CONTRAT: ("organisme", "stagiaire", "formateur"),
    DocType.BON_COMMANDE: ("organisme", "client"),
    DocType.ATTESTATION: None,
}
#: Questionnaires whose answers are read from the ink.
EVALUATIONS = frozenset({DocType.EVALUATION_CHAUD, DocType.EVALUATION_FROID})


def wanted(doc_type: DocType) -> bool:
    """Whether documents of this type have marks to read."""
    return doc_type == DocType.EMARGEMENT or doc_type in PARTIES or doc_type in EVALUATIONS


def read(
    doc_type: DocType,
    pdf: bytes,
    engine: OcrEngine,
    settings: OcrSettings,
    *,
    organisme_names: Sequence[str] = (),
    reads: Sequence[PageRead | None] = (),
) -> dict[str, Any]:
    """The fields the marks of a document give (its pages only, as a PDF of their own).

    ``reads``: the text stage's OCR of those pages, in order (None for a text layer).
    """
    if doc_type == DocType.EMARGEMENT:
        return attendance_fields(attendance.read_pages(pdf, engine, settings))
    if doc_type in EVALUATIONS:
        pages = questionnaire.read_choices(pdf, engine, settings, reads)
        return questionnaire.satisfaction_fields(pages)
    if doc_type not in PARTIES:
        return {}
    parties = PARTIES[doc_type]
    read = signatures.read_blocks(
        pdf, engine, settings, parties=parties, organisme_names=organisme_names, reads=reads
    )
    return signature_fields(read)


def part_pdf(pdf: bytes, first: int, last: int, pages: int) -> bytes:
    """The PDF of pages ``first..last``; the whole file (signature fields intact) if it is all."""
    return pdf if (first, last) == (1, pages) else split_pages(pdf, first, last)


def attendance_fields(sheets: Sequence[attendance.SheetRead]) -> dict[str, Any]:
    """``sessions`` and ``trainer_signed`` (CONTRACT), plus what the arithmetic needs."""
    sessions = [s for sheet in sheets for s in sheet.sessions()]
    trainer = [s for sheet in sheets for s in sheet.trainer_signed()]
    hours: dict[str, float] = {}
    for sheet in sheets:
        for half, value in sheet.half_day_hours().items():
            hours.setdefault(half, value)
    review = [
        {
            "kind": "cellule" if cell.person else "formateur",
            "trainee": cell.person or None,
            "date": cell.date.isoformat() if cell.date else None,
            "half_day": cell.half_day,
            "read": cell.mark,
            "confidence": cell.confidence,
        }
        for sheet in sheets
        for cell in sheet.doubtful()
    ]
    fields: dict[str, Any] = {"sessions": sessions, "trainer_signed": trainer}
    if hours:
        fields["half_day_hours"] = hours
    problems = [p for sheet in sheets for p in sheet.problems]
    if problems:
        fields["sheet_problems"] = problems
    if not sessions:
        why = "; ".join(problems) or "aucune case lue"
        review.append(
            {"kind": "lecture", "detail": f"grille d'émargement non lue ({why})", "confidence": 0.0}
        )
    if review:
        fields["review"] = review
    return fields


def signature_fields(read: signatures.BlocksRead) -> dict[str, Any]:
    """``signatures`` (CONTRACT) and, per party, how it was read."""
    if not read.blocks:
        return {}
    blocks = {
        party: {
            "signed": block.signed,
            "method": block.method,
            "confidence": block.confidence,
            "signer": block.signer,
            "date": block.date,
        }
        for party, block in read.blocks.items()
    }
    review = [
        {"kind": "signature", "party": party, "read": b.signed, "confidence": b.confidence}
        for party, b in read.blocks.items()
        if b.confidence < signatures.REVIEW_BELOW
    ]
    fields: dict[str, Any] = {"signatures": read.signatures, "signature_blocks": blocks}
    if review:
        fields["review"] = review
    return fields
