"""Extract the CONTRACT ``fields`` of a document from its text.

Reads the text of one document (pages separated by ``\\f``) and its type;
returns only the keys actually found, with ISO dates, amounts as floats in
euros and names as written. Raises nothing: a field that cannot be read is
simply absent. One module per document type or family does the reading;
shared readers live in :mod:`pipeline.extract.common`.

``signatures`` and ``sessions`` from images are another stage's job; here
they appear only when the text states them ("Signé électroniquement par …").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rapidfuzz import fuzz

from pipeline.extract import common
from pipeline.extract.attestation import attestation
from pipeline.extract.bilan import bilan_pedagogique
from pipeline.extract.contracts import bon_commande, contrat, convention
from pipeline.extract.cv import cv
from pipeline.extract.emargement import emargement, with_grid
from pipeline.extract.evaluation import cold_evaluation, evaluation
from pipeline.extract.facture import facture
from pipeline.extract.programme import programme
from pipeline.record import DocType

__all__ = ["extract", "EXTRACTORS", "settle", "share_session"]

Extractor = Callable[[str, "int | None"], dict[str, Any]]


def _autre(text: str, default_year: int | None = None) -> dict[str, Any]:
    """An unclassified document may still print an invoice number worth matching on."""
    return {"invoice_number": common.invoice_number(text)}


EXTRACTORS: dict[DocType, Extractor] = {
    DocType.CONVENTION: convention,
    DocType.CONTRAT: contrat,
    DocType.BON_COMMANDE: bon_commande,
    DocType.EMARGEMENT: emargement,
    DocType.ATTESTATION: attestation,
    DocType.EVALUATION_CHAUD: evaluation,
    DocType.EVALUATION_FROID: cold_evaluation,
    DocType.CV: cv,
    DocType.PROGRAMME: programme,
    DocType.FACTURE: facture,
    DocType.BILAN_PEDAGOGIQUE: bilan_pedagogique,
    DocType.AUTRE: _autre,
}


def _found(value: Any) -> bool:
    return value is not None and value != [] and value != {} and value != ""


def extract(doc_type: DocType, text: str, default_year: int | None = None) -> dict[str, Any]:
    """The fields a document of ``doc_type`` states; ``default_year`` completes "Mardi 14/03"."""
    fields = EXTRACTORS[doc_type](text, default_year)
    return {key: value for key, value in fields.items() if _found(value)}


def settle(doc_type: DocType, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields once the marks are read: an attendance sheet's trainees and period are
    those of its grid (:func:`pipeline.extract.emargement.with_grid`)."""
    return with_grid(fields) if doc_type == DocType.EMARGEMENT else fields


#: Documents handed out by the dozen at a session's end, scanned as one pile.
_PILED = frozenset({DocType.EVALUATION_CHAUD})
_DATES = ("start_date", "end_date")
#: Two titles this alike (rapidfuzz ratio) are one title, OCR slips aside.
_SAME_TITLE = 85


def share_session(parts: list[tuple[DocType, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The fields of a file's documents, completed from one another when the file is a
    pile of one session's forms: every document of one type and the titles read all alike.
    The title most read replaces its garbled variants and fills the unread ones; the
    session's dates go to the forms whose own (written by hand) were unreadable, when the
    dates read all agree."""
    types = {doc_type for doc_type, _ in parts}
    fields = [f for _, f in parts]
    if len(parts) < 2 or len(types) != 1 or not types <= _PILED:
        return fields
    title = _pile_title([f.get("training_title") for f in fields])
    if title is None:
        return fields
    fields = [f | {"training_title": title} for f in fields]
    dated = {tuple(f.get(k) for k in _DATES) for f in fields if any(f.get(k) for k in _DATES)}
    if len(dated) != 1:
        return fields
    shared = {k: v for k, v in zip(_DATES, dated.pop(), strict=True) if v}
    return [f if any(f.get(k) for k in _DATES) else f | shared for f in fields]


def _pile_title(titles: list[str | None]) -> str | None:
    """The title read most often, when it is read at least twice and every other title read
    is a garbled copy of it."""
    read = [t for t in titles if t]
    if not read:
        return None
    best = max(set(read), key=read.count)
    if read.count(best) < 2 or any(fuzz.ratio(best, t) < _SAME_TITLE for t in read):
        return None
    return best
