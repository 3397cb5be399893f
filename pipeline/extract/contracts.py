"""Fields of the contractual pieces: convention, contrat (private person), signed quote."""

from __future__ import annotations

import re
from typing import Any

from pipeline.extract import common
from pipeline.extract.amounts import amount_ht
from pipeline.parse import fold

_DOC_DATE_LABELS = ("date de la convention", "date du contrat", "date du devis", "date d'emission",
                    "date de signature", "date")  # fmt: skip
_PERSON_CLIENT_LABELS = ("stagiaire", "le stagiaire", "nom et prenom", "nom prenom",
                         "beneficiaire", "client", "participant", "apprenant")  # fmt: skip
# "Entre les soussignés : <cooperative> ... Et : <client>, représentée par ..."
# (a speck after "et" comes out of OCR as "et." or "et,")
_SECOND_PARTY = re.compile(r"\n\s*(?:et|d'autre part|et d'une part)\s*[:,.]?\s*\n?\s*([^\n]{3,80})")


def _shared(text: str, default_year: int | None) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "invoice_number": common.invoice_number(text),
        "training_title": common.training_title(text),
        "trainer": common.trainer(text),
        "duration_hours": common.number(common.duration_hours(text)),
        "amount_ht": amount_ht(text),
        "date": common.document_date(text, _DOC_DATE_LABELS, default_year),
    }
    fields.update(common.period_fields(text, default_year))
    fields["half_day_hours"] = common.half_day_hours(text)
    return fields


def _second_party(text: str) -> str | None:
    """The client named as the second party of "Entre les soussignés … et …"."""
    opening = re.search(r"soussigne|(?:^|\n)\s*entre\b", fold(text))
    if opening is None:
        return None
    start = opening.start()
    m = _SECOND_PARTY.search(fold(text), start)
    if m is None:
        return None
    value = text[m.start(1) : m.end(1)]
    return common.client(f"Client : {value}")


# "…, demeurant 8 rue …, ci-après dénommée « le stagiaire »": the party a contract names
# by its role, written before that designation.
_DESIGNATION = re.compile(
    r"ci-?\s?apres\s+(?:(?:denomme|designe|nomme|appele)e?\(?e?\)?\s+)?[«\"“]?\s*(?:l'|le |la )?"
    r"(\w+)"
)
# Where a party's paragraph starts: "Entre les soussignés :", "Et", "2)", "d'autre part".
_PARTY_START = re.compile(r"soussigne\w*\s*:?|(?:^|\n)\s*(?:et|d'une part|d'autre part)\b\s*[:,.]?|"
                          r"(?:^|\n)\s*\d\s*[).]\s|\)\s*;|»\s*[;,.]")  # fmt: skip
_CIVILITY = re.compile(r"^(?:madame|monsieur|mademoiselle|mme|mlle|m\.|mr)\s+", re.I)


def designated_party(text: str, roles: tuple[str, ...]) -> str | None:
    """The party a contract designates as one of ``roles`` ("…, ci-après « le client »")."""
    folded = fold(text)
    for m in _DESIGNATION.finditer(folded):
        if m.group(1) not in roles:
            continue
        starts = [s.end() for s in _PARTY_START.finditer(folded, 0, m.start())]
        if not starts:
            continue
        paragraph = text[starts[-1] : m.start()].strip()
        name = re.split(r",|\s\(|\n\s*\n", paragraph, maxsplit=1)[0]
        name = _CIVILITY.sub("", common.clean_value(name.replace("\n", " ")))
        if name and len(name) <= 80:
            return name
    return None


def _signatures(text: str, fields: dict[str, Any]) -> dict[str, bool] | None:
    parties = {"formateur": fields.get("trainer"), "client": fields.get("client")}
    return common.stated_signatures(text, parties)


def convention(text: str, default_year: int | None = None) -> dict[str, Any]:
    """Convention de formation with an organisation."""
    fields = _shared(text, default_year)
    fields["client"] = common.client(text) or _designated_client(text) or _second_party(text)
    fields["trainees"] = common.trainees(text) or None
    fields["signatures"] = _signatures(text, fields)
    return fields


def _designated_client(text: str) -> str | None:
    party = designated_party(text, _CLIENT_ROLES)
    return common.company_value(party) if party else None


_CLIENT_ROLES = (
    "client",
    "entreprise",
    "beneficiaire",
    "employeur",
    "commanditaire",
    "cocontractant",
)
_TRAINEE_ROLES = ("stagiaire", "beneficiaire", "apprenant", "participant")


def contrat(text: str, default_year: int | None = None) -> dict[str, Any]:
    """Contrat de formation with a private person: the client is the trainee."""
    fields = _shared(text, default_year)
    person = designated_party(text, _TRAINEE_ROLES) or common.person_value(
        common.labelled(text, _PERSON_CLIENT_LABELS, accept=common.is_name_value)
    )
    fields["client"] = person or _second_party(text)
    names = common.trainees(text) or ([person] if person else [])
    fields["trainees"] = names or None
    fields["signatures"] = _signatures(text, fields)
    return fields


def bon_commande(text: str, default_year: int | None = None) -> dict[str, Any]:
    """Signed quote or purchase order (the cooperative as subcontractor, or a direct client)."""
    fields = _shared(text, default_year)
    fields.pop("duration_hours", None)  # not a CONTRACT key for this type
    fields.pop("half_day_hours", None)
    # A quote goes to its client; a purchase order comes from its client, to the supplier.
    sent_to = _orderer if _PURCHASE_ORDER.search(fold(text[:600])) else _quote_addressee
    fields["client"] = (
        common.client(text) or sent_to(text) or _designated_client(text) or _second_party(text)
    )
    fields["signatures"] = _signatures(text, fields)
    return fields


_ORDER_TITLE = re.compile(r"\s*(?:devis|bon de commande|commande|proposition)\b")
_PURCHASE_ORDER = re.compile(r"\bbon de commande\b|\bordre de (?:service|mission)\b")
_SUPPLIER_LABELS = ("fournisseur", "prestataire", "sous traitant", "titulaire", "vendeur")


def _quote_addressee(text: str) -> str | None:
    return common.addressee(text, _ORDER_TITLE)


def _orderer(text: str) -> str | None:
    """A purchase order names its supplier ("Fournisseur : …"): the client is the one
    who issued it, named at the head of the page."""
    supplier = common.labelled(text, _SUPPLIER_LABELS, next_line=False)
    head = next((line for line in text.splitlines() if line.strip()), "")
    issuer = common.company_value(head) if supplier else None
    if not issuer or fold(issuer)[:12] in fold(supplier or ""):
        return None
    return issuer
