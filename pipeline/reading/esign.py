"""The proof page a signing service appends to an electronically signed document.

Services (whatever their brand) add a page or two named "dossier de preuve", "certificat
de signature", "piste d'audit" or "journal des signatures", listing each signer: their
name, their role in the document ("Rôle : Client", "Qualité : Pour l'organisme de
formation", "en tant que stagiaire") and when they signed ("Signé le 12/03/2026 à
10:42"). Each signer whose role names a party (:func:`pipeline.reading.parties.noun_party`)
and who has a signing time signed for that party. A signer listed without a time (waiting,
refused) signed nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.parse import fold, parse_date
from pipeline.reading.parties import Party, noun_party, tokens_of

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
