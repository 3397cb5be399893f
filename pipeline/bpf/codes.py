"""The form's vocabulary: its lines and labels, and how the export's codes map onto them.

The export (CONTRACT) writes ``Code BPF`` as ``C1``, ``C2a``…``C2h``, ``C3``…``C11``,
``Objectif`` as ``F3a6``…``F3f``, ``NSF`` as a 3-digit speciality code and ``Statut
stagiaires`` in words. Each ``parse_*`` returns the form's line, or None when the value is
missing or unknown (the BPF's checks then name the invoice).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from pipeline.parse import fold

DATA = Path(__file__).resolve().parent.parent / "data"

#: Cadre C, in the order of the online form (``"2"`` is the sum of ``2a``…``2h``).
C_LABELS: dict[str, str] = {
    "1": "Entreprises, pour la formation de leurs salariés",
    "2a": "Contrats d'apprentissage",
    "2b": "Contrats de professionnalisation",
    "2c": "Promotion ou reconversion par alternance",
    "2d": "Projets de transition professionnelle",
    "2e": "Compte personnel de formation",
    "2f": "Dispositifs spécifiques pour les personnes en recherche d'emploi",
    "2g": "Dispositifs spécifiques pour les travailleurs non salariés",
    "2h": "Plan de développement des compétences ou autres dispositifs",
    "3": "Pouvoirs publics, pour la formation de leurs agents",
    "4": "Instances européennes",
    "5": "État",
    "6": "Conseils régionaux",
    "7": "France Travail (ex Pôle emploi)",
    "8": "Autres ressources publiques",
    "9": "Personnes à titre individuel et à leurs frais",
    "10": "Contrats conclus avec d'autres organismes de formation",
    "11": "Autres produits au titre de la formation professionnelle",
}
C2_PARTS = ("2a", "2b", "2c", "2d", "2e", "2f", "2g", "2h")
C_LINES = tuple(C_LABELS)  # every line that an invoice's code can name
C2_LABEL = "Organismes gestionnaires des fonds de la formation professionnelle (a à h)"
C_TOTAL_LABEL = "Total des produits au titre de la formation professionnelle (1 à 11)"

#: Cadre F-1: trainees by type.
F1_LABELS: dict[str, str] = {
    "a": "Salariés d'employeurs privés (hors apprentis)",
    "b": "Apprentis",
    "c": "Personnes en recherche d'emploi",
    "d": "Particuliers à leurs propres frais",
    "e": "Autres stagiaires",
}
#: Cadre F-3: the objective; ``a`` is the sum of its levels.
F3_A_LEVELS: dict[str, str] = {
    "a6": "Niveaux 6 à 8 (licence, master, doctorat…)",
    "a5": "Niveau 5 (BTS, DUT…)",
    "a4": "Niveau 4 (baccalauréat professionnel, BP, BM…)",
    "a3": "Niveau 3 (CAP, BEP…)",
    "a2": "Niveau 2",
    "aCQP": "Certificat de qualification professionnelle (CQP) sans niveau de qualification",
}
F3_LABELS: dict[str, str] = {
    "a": "Diplômes ou titres à finalité professionnelle inscrits au RNCP",
    **F3_A_LEVELS,
    "b": "Certifications ou habilitations inscrites au répertoire spécifique (RS)",
    "c": "CQP non enregistrés au RNCP ni au RS",
    "d": "Autres formations professionnelles",
    "e": "Bilans de compétences",
    "f": "Actions d'accompagnement à la validation des acquis de l'expérience",
}
F3_LEAVES = tuple(k for k in F3_LABELS if k != "a")

E_LABELS = {
    "internal": "Personnes de l'organisme (entrepreneurs salariés de la coopérative)",
    "external": "Personnes extérieures (sous-traitance)",
}
F2_LABEL = "dont formations confiées par l'organisme à un autre organisme de formation"
G_LABEL = "Stagiaires dont la formation a été confiée à l'organisme par un autre organisme"
B_DISTANCE_LABEL = "Formations dispensées en tout ou partie à distance"
OTHERS = "Autres spécialités"

_C_CODE = re.compile(r"c\s*(\d{1,2})\s*([a-h]?)")
_OBJECTIVE = re.compile(r"(?:f\s*3\s*)?([a-f])\s*(6|5|4|3|2|cqp)?")
_NSF = re.compile(r"(\d{3})\s*[a-z]?")
#: How the export writes a trainee's status (folded prefixes) -> F-1 line.
_STATUSES = (
    ("salari", "a"),
    ("apprenti", "b"),
    ("demandeu", "c"),
    ("personne en recherche", "c"),
    ("particulier", "d"),
    ("autre", "e"),
    ("agent", "e"),
    ("independant", "e"),
    ("travailleur non salarie", "e"),
    ("benevole", "e"),
)


def parse_c_line(code: str) -> str | None:
    """``"C2h"`` -> ``"2h"``; ``"C2"`` (no letter) or ``"C12"`` -> None."""
    m = _C_CODE.fullmatch(fold(code).strip())
    if m is None:
        return None
    line = f"{int(m[1])}{m[2]}"
    return line if line in C_LINES else None


def parse_objective(code: str) -> str | None:
    """``"F3d"`` -> ``"d"``, ``"F3a5"`` -> ``"a5"``, ``"F3aCQP"`` -> ``"aCQP"``; ``"F3a"`` -> None
    (a RNCP diploma needs its level)."""
    m = _OBJECTIVE.fullmatch(fold(code).strip().replace(" ", ""))
    if m is None:
        return None
    letter, level = m[1], m[2] or ""
    if letter == "a":
        return {"cqp": "aCQP"}.get(level, f"a{level}") if level else None
    return None if level else letter


def parse_status(word: str) -> str | None:
    """``"salarié"`` -> ``"a"``, ``"demandeur d'emploi"`` -> ``"c"``; unknown -> None."""
    folded = fold(word).strip()
    return next((line for prefix, line in _STATUSES if folded.startswith(prefix)), None)


def parse_nsf(code: str) -> str | None:
    """``"315"`` or ``"315p"`` -> ``"315"`` when the code exists in the NSF list."""
    m = _NSF.fullmatch(fold(code).strip())
    return m[1] if m and m[1] in nsf_labels() else None


@cache
def nsf_labels() -> dict[str, str]:
    """The official NSF groups of specialities (``pipeline/data/nsf.csv``): code -> label."""
    lines = (DATA / "nsf.csv").read_text(encoding="utf-8").splitlines()
    rows = csv.DictReader((line for line in lines if not line.startswith("#")), delimiter=";")
    return {row["code"]: row["libelle"] for row in rows}
