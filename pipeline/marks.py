"""Marks people leave on paper or by certificate: attendance cells, signature blocks and
the answers of evaluation questionnaires.

The second half of the extract stage, for the fields text alone cannot give: who signed
which half-day of an attendance sheet (:mod:`pipeline.reading.attendance`), which parties
signed an agreement (:mod:`pipeline.reading.signatures`), and which option of each item of an
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

from pipeline import text as text_stage
from pipeline.archive import split_pages
from pipeline.extract.evaluation import respondent as respondent_name
from pipeline.ocr import OcrEngine, OcrSettings, RememberingEngine
from pipeline.reading import attendance, questionnaire, respondent, signatures
from pipeline.reading.page import PageView, views
from pipeline.reading.signatures import Party
from pipeline.record import DocType, PageText

log = logging.getLogger(__name__)

#: Who signs each kind of document (DOMAIN checklist, pieces 3 and 5); ``None``: whoever
#: has a block (an attestation is signed by the trainer or by the organisme, and no rule
#: requires either, so an unfound block is not a question for a person).
PARTIES: dict[DocType, tuple[Party, ...] | None] = {
    DocType.CONVENTION: ("organisme", "client", "formateur"),
    DocType.CONTRAT: ("organisme", "stagiaire", "formateur"),
    DocType.BON_COMMANDE: ("client",),  # the organisme's signature on a quote is optional
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
    pages: Sequence[PageText] = (),
) -> dict[str, Any]:
    """The fields the marks of a document give (its pages only, as a PDF of their own).

    ``pages``: what the text stage read of those pages, in order; the readers start from
    it (:mod:`pipeline.reading.page`) and OCR nothing again. Without it the text stage runs
    here first.
    """
    if not wanted(doc_type):
        return {}
    if not pages:
        pages = text_stage.read_pages(pdf, engine, settings)
    engine = RememberingEngine(engine)  # a crop asked for twice is read once
    seen = list(views(pdf, pages, settings))
    if doc_type == DocType.EMARGEMENT:
        return attendance_fields(attendance.read_views(seen, engine))
    if doc_type in EVALUATIONS:
        fields = questionnaire.satisfaction_fields(questionnaire.read_choices(seen, engine))
        return fields | respondent_fields(seen)
    read = signatures.read_blocks(
        pdf, engine, settings,
        parties=PARTIES[doc_type], organisme_names=organisme_names, pages=seen,
    )  # fmt: skip
    return signature_fields(read)


def respondent_fields(pages: Sequence[PageView]) -> dict[str, Any]:
    """``trainee`` withdrawn (``None``) when the text named one OCR did not surely read."""
    name = respondent_name("\n".join(page.text for page in pages))
    if name and not respondent.surely_read(name, pages):
        return {"trainee": None}
    return {}


def read_word_file(doc_type: DocType, data: bytes) -> dict[str, Any]:
    """The signature fields of an agreement dropped as a Word file (no pixels to read)."""
    parties = PARTIES.get(doc_type)
    if not parties:
        return {}
    return signature_fields(signatures.read_word_file(data, parties))


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
