"""What a complete dossier is: the cooperative's checklist applied to the store's contents.

A job over the store, not a per-document stage. Per training invoice: the
agreement (convention, contract, or for subcontracted work a signed quote or
purchase order), attendance sheets, one attestation per trainee, hot
evaluations. Per entrepreneur and year: a CV and a programme for each training
title sold. (The full, configurable rule set and the cross-document checks
grow here; see DOMAIN.md's checklist.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from pipeline.invoices import Invoice
from pipeline.parse import fold, same_person
from pipeline.record import DocType
from pipeline.store import DocumentRow

SAME_PERSON = 0.85
SAME_TITLE = 85


@dataclass(frozen=True)
class Missing:
    piece: str
    count: int = 1
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"piece": self.piece, "count": self.count, "detail": self.detail}


@dataclass(frozen=True)
class Check:
    code: str
    message: str
    documents: tuple[int, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "documents": list(self.documents)}


@dataclass(frozen=True)
class Dossier:
    invoice: Invoice
    documents: tuple[DocumentRow, ...]
    missing: tuple[Missing, ...] = ()
    checks: tuple[Check, ...] = field(default=())

    @property
    def state(self) -> str:
        if self.checks:
            return "inconsistent"
        return "incomplete" if self.missing else "complete"


def agreement_types(inv: Invoice) -> tuple[DocType, ...]:
    """Which documents count as the signed agreement of this invoice (DOMAIN checklist #3)."""
    if inv.subcontracting.startswith("recu"):
        return (DocType.BON_COMMANDE, DocType.CONVENTION)
    if inv.client_type == "particulier":
        return (DocType.CONTRAT,)
    return (DocType.CONVENTION,)


def evaluate(inv: Invoice, documents: Sequence[DocumentRow]) -> Dossier:
    """The dossier of one training invoice: what is there and what is missing."""
    by_type: dict[str, list[DocumentRow]] = {}
    for d in documents:
        by_type.setdefault(d.type, []).append(d)
    missing: list[Missing] = []
    agreements = agreement_types(inv)
    if not any(t in by_type for t in agreements):
        missing.append(Missing(agreements[0].value, 1, _agreement_detail(agreements)))
    if DocType.EMARGEMENT not in by_type:
        missing.append(Missing("emargement", 1, "aucune feuille d'émargement reçue"))
    missing += _attestations(inv, by_type.get(DocType.ATTESTATION, []))
    if DocType.EVALUATION_CHAUD not in by_type:
        missing.append(Missing("evaluation_chaud", 1, "aucun bilan à chaud reçu"))
    return Dossier(inv, tuple(documents), tuple(missing))


def _agreement_detail(types: tuple[DocType, ...]) -> str:
    labels = {
        DocType.CONVENTION: "convention de formation signée",
        DocType.CONTRAT: "contrat de formation signé",
        DocType.BON_COMMANDE: "devis signé ou bon de commande",
    }
    return " ou ".join(labels[t] for t in types)


def _attestations(inv: Invoice, found: Sequence[DocumentRow]) -> list[Missing]:
    expected = inv.trainee_count or len(inv.trainees)
    if not expected or len(found) >= expected:
        return []
    named = [str(d.fields.get("trainee", "")) for d in found]
    without = [t for t in inv.trainees if not any(same_person(t, n) >= SAME_PERSON for n in named)]
    detail = ", ".join(without) if without else f"{len(found)} reçue(s) sur {expected}"
    return [Missing("attestation", expected - len(found), detail)]


def entrepreneur_missing(
    invoices: Sequence[Invoice], documents: Sequence[DocumentRow], year: int
) -> list[Missing]:
    """Pieces owed by the entrepreneur for ``year``: a CV of the year, a programme per title."""
    missing = []
    cvs = [d for d in documents if d.type == DocType.CV]
    if not any(_cv_year(d) == year for d in cvs):
        detail = "aucun CV reçu" if not cvs else f"aucun CV mis à jour en {year}"
        missing.append(Missing("cv", 1, detail))
    titles = sorted({i.title for i in invoices if i.title and i.start and i.start.year == year})
    programmes = [
        fold(str(d.fields.get("training_title", "")))
        for d in documents
        if d.type == DocType.PROGRAMME
    ]
    lacking = [t for t in titles if not any(_same_title(t, p) for p in programmes)]
    if lacking:
        missing.append(Missing("programme", len(lacking), ", ".join(lacking)))
    return missing


def _cv_year(doc: DocumentRow) -> int | None:
    updated = str(doc.fields.get("updated") or "")
    return int(updated[:4]) if updated[:4].isdigit() else None


def _same_title(title: str, folded: str) -> bool:
    return bool(folded) and fuzz.token_sort_ratio(fold(title), folded) >= SAME_TITLE
