"""Fields of an attestation de fin de formation / d'assiduité / certificat de réalisation."""

from __future__ import annotations

import re
from typing import Any

from pipeline import parse
from pipeline.extract import common
from pipeline.parse import fold

_CIVILITY = r"(?:madame|monsieur|mademoiselle|mme|mlle|m)\.?\s+"
# "… atteste que Madame Léa Martin a suivi …", "certifie que M. Paul Durand, salarié de …"
_ATTESTS = re.compile(rf"\b(?:atteste|attestons|certifie|certifions)\s+que\s*:?\s*(?:{_CIVILITY})?")
_LEADING_JUNK = re.compile(r"^(?:[^\w(]+|[a-zà-ÿ]{1,2}\s+)+")
_TRAINEE_LABELS = ("stagiaire", "nom du stagiaire", "nom et prenom du stagiaire", "beneficiaire",
                   "participant", "participante", "apprenant", "nom et prenom", "nom prenom",
                   "nom")  # fmt: skip
_ATTENDED_LABELS = ("heures effectivement suivies", "heures effectivement realisees",
                    "duree effectivement suivie", "heures realisees", "heures suivies",
                    "duree suivie", "nombre d'heures suivies",
                    "nombre d'heures realisees", "duree effective", "heures effectuees",
                    "temps de presence", "duree de presence", "assiduite", "heures de presence",
                    "duree realisee")  # fmt: skip
_PLANNED_LABELS = ("duree de la formation", "duree prevue", "duree totale", "duree",
                   "duree de l'action")  # fmt: skip
_ATTENDED_PHRASE = re.compile(
    r"(?:a\s+suivi|a\s+assiste\s+a|a\s+participe\s+a|soit|pour une duree de|durant|pendant)\s+"
    r"(\d+(?:[.,]\d+)?\s*h(?:eures?)?(?:\s*\d\d)?)"
)


# The person's line right above what they did ("salarié(e) de …", "a suivi l'action …"):
# where OCR moved "atteste que" away from the name (printed beside it, read after it).
_NAME_ABOVE_DEED = re.compile(
    r"(?:^|\n)[ \t]*(?:(?:madame|monsieur|mme|m)\.?[ \t]+)?([^\n]{4,60})\n[ \t]*"
    r"(?:salarie|a suivi|a participe|a assiste|demeurant)"
)


def trainee(text: str) -> str | None:
    """The person attested: after "atteste que …", else on the line above what they did
    ("… a suivi l'action"), else by label."""
    folded = fold(text)
    m = _ATTESTS.search(folded)
    if m is not None:
        rest = text[m.end() : m.end() + 80].lstrip(" :\n").split("\n")[0]
        rest = _LEADING_JUNK.sub("", rest)  # OCR reads a bullet or a tick before the name as "à"
        name = re.split(r",|\s(?:a|né|née|ne|salarie|salari[ée]e?|demeurant|de la|du)\s|\(",
                        rest, maxsplit=1)[0]  # fmt: skip
        name = common.person_value(name)
        if name and common.looks_like_person(name):
            return name
    for above in _NAME_ABOVE_DEED.finditer(folded):
        name = common.person_value(_LEADING_JUNK.sub("", text[above.start(1) : above.end(1)]))
        if name and common.looks_like_person(name):
            return name
    return common.person_value(common.labelled(text, _TRAINEE_LABELS))


def hours_attended(text: str) -> float | None:
    value = common.labelled(text, _ATTENDED_LABELS)
    hours = parse.parse_hours(value) if value else None
    if hours is None:
        m = _ATTENDED_PHRASE.search(fold(text))
        hours = parse.parse_hours(m.group(1)) if m else None
    return hours


def _planned_hours(text: str) -> float | None:
    planned = common.labelled(text, _PLANNED_LABELS)
    hours = parse.parse_hours(planned) if planned else None
    return hours if hours is not None else common.duration_hours(text)


def attestation(text: str, default_year: int | None = None) -> dict[str, Any]:
    """Attestation / certificat: hours attended may differ from the planned duration."""
    fields: dict[str, Any] = {
        "invoice_number": common.invoice_number(text),
        "training_title": common.training_title(text),
        "trainer": common.trainer(text),
        "trainee": trainee(text),
        "duration_hours": common.number(_planned_hours(text)),
        "hours_attended": common.number(hours_attended(text)),
    }
    fields.update(common.period_fields(text, default_year))
    return fields
