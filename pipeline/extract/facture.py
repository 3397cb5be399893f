"""Fields of an invoice of training: number, date, client, training, trainees, hours, HT amount."""

from __future__ import annotations

import re
from typing import Any

from pipeline import parse
from pipeline.extract import common
from pipeline.extract.amounts import amount_ht
from pipeline.parse import fold

_DATE_LABELS = ("date de facture", "date de facturation", "date d'emission", "date de la facture",
                "facture du", "date", "emise le", "le")  # fmt: skip
_CLIENT_LABELS = ("client", "facture a", "facturer a", "adresse de facturation",
                  "destinataire", "entreprise", "raison sociale", "societe", "beneficiaire",
                  "donneur d'ordre")  # fmt: skip
_OBJECT_FORMATION = re.compile(r"\bformation\s*[:\-–]?\s*[«\"“]?\s*([^\n«»\"“”]{4,100})")


#: The invoice's own title line, after the issuer's letterhead.
_TITLE = re.compile(r"\s*(?:facture|avoir)\b")


def _title(text: str) -> str | None:
    """Intitulé by label, else from an "Objet : Formation « … »" or designation line."""
    title = common.training_title(text)
    if title:
        return title
    objet = common.labelled(text, ("objet", "designation", "prestation"))
    if objet:
        m = _OBJECT_FORMATION.search(objet)
        return common.clean_value(m.group(1) if m else objet)
    return None


# "Facture N° FA-2026-0142 du 13/03/2026": the invoice's date printed with its number.
_NUMBER_THEN_DATE = re.compile(
    r"\bn\s*[o°]\.?\s*:?\s*\S+\s*[-–—,]?\s*(?:du|le|en date du)\s+([^\n]{6,30})"
)


def _date(text: str, default_year: int | None) -> str | None:
    m = _NUMBER_THEN_DATE.search(fold(text))
    when = parse.parse_date(text[m.start(1) : m.end(1)], default_year) if m else None
    return when.isoformat() if when else common.document_date(text, _DATE_LABELS, default_year)


def facture(text: str, default_year: int | None = None) -> dict[str, Any]:
    """Invoice: the number printed after "Facture n°" wins over any other reference."""
    fields: dict[str, Any] = {
        "invoice_number": common.invoice_number(text, prefer_invoice=True),
        "date": _date(text, default_year),
        "client": common.client(text, _CLIENT_LABELS) or common.addressee(text, _TITLE),
        "training_title": _title(text),
        "trainer": common.trainer(text),
        "trainees": common.trainees(text) or None,
        "duration_hours": common.number(common.duration_hours(text)),
        "amount_ht": amount_ht(text),
    }
    fields.update(common.period_fields(_without_due_date(text), default_year))
    return fields


def _without_due_date(text: str) -> str:
    """Drop invoice/due date lines so they are not read as the training period, the
    invoice's number line too when its one date is the issue date ("N° FA-… — du 13/03")."""
    issued = re.compile(r"echeance|date de facture|emise le|date d'emission")

    def issue_date(line: str) -> bool:
        folded = fold(line)
        return bool(issued.search(folded)) or (
            _NUMBER_THEN_DATE.search(folded) is not None and len(parse.find_dates(line)) == 1
        )

    return "\n".join(line for line in text.splitlines() if not issue_date(line))
