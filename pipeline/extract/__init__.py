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

from pipeline.extract import common
from pipeline.extract.attestation import attestation
from pipeline.extract.bilan import bilan_pedagogique
from pipeline.extract.contracts import bon_commande, contrat, convention
from pipeline.extract.cv import cv
from pipeline.extract.emargement import emargement
from pipeline.extract.evaluation import cold_evaluation, evaluation
from pipeline.extract.facture import facture
from pipeline.extract.programme import programme
from pipeline.record import DocType

__all__ = ["extract", "EXTRACTORS"]

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
