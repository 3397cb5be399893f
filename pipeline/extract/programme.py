"""Fields of a training programme (présentation de la formation) and its required sections."""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz

from pipeline.extract import common
from pipeline.parse import fold

#: Section -> heading words that open it (folded). Qualiopi expects all four.
SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "objectifs": ("objectifs", "objectif", "objectifs pedagogiques", "competences visees",
                  "objectifs de la formation", "objectifs operationnels"),
    "programme": ("programme", "contenu", "contenus", "programme detaille", "deroule",
                  "deroulement", "contenu de la formation", "programme de la formation"),
    "methodes": ("methodes pedagogiques", "methodes", "moyens pedagogiques", "methode",
                 "moyens et methodes pedagogiques", "modalites pedagogiques",
                 "methodes et moyens pedagogiques", "moyens techniques", "moyens et methodes",
                 "methodes et moyens", "demarche pedagogique", "approche pedagogique",
                 "methodes mobilisees", "moyens"),
    "evaluation": ("modalites d'evaluation", "evaluation", "evaluation des acquis",
                   "modalites d'evaluation des acquis", "suivi et evaluation",
                   "modalites de suivi et d'evaluation", "evaluations"),
}  # fmt: skip
_TITLE_LINE = re.compile(r"programme de (?:la )?formation|presentation de la formation|\bfiche\b")


def _heading_key(line: str) -> str:
    """A line as a heading: without numbering, bullets or a trailing colon-and-value."""
    head = re.split(r"[:\-–]\s", line, maxsplit=1)[0]
    return common.norm_label(head)


def _is_heading(key: str, words: tuple[str, ...]) -> bool:
    if not key or len(key) > 60:
        return False
    return any(key == w or key.startswith(w + " ") or
               (len(w) >= 8 and fuzz.ratio(key, w) >= 85) for w in words)  # fmt: skip


def sections(text: str) -> dict[str, bool]:
    """Which of objectives / content / methods / evaluation have their own heading.

    A heading may wrap over two lines in a narrow column ("Moyens et méthodes" /
    "pédagogiques"): each line is also tried joined to the next.
    """
    lines = [line for line in text.splitlines()
             if line.strip() and not _TITLE_LINE.search(fold(line))]  # fmt: skip
    keys = [_heading_key(line) for line in lines]
    keys += [f"{a} {b}" for a, b in zip(keys, keys[1:], strict=False) if a and b]
    labels = [label for line in lines for label in _labels(line)]
    return {name: any(_is_heading(key, words) for key in keys)
            or any(label in words for label in labels)
            for name, words in SECTION_HEADINGS.items()}  # fmt: skip


def _labels(line: str) -> list[str]:
    """A label cell joined to its value by the text layer ("Contenu Retouches de base"):
    the first one to four words, when the next word opens a value (a capital, a bullet)."""
    words = line.split()
    return [
        common.norm_label(" ".join(words[:n]))
        for n in range(1, min(5, len(words)))
        if words[n][:1].isupper() or words[n][:1] in "-–•"
    ]


def _title(text: str) -> str | None:
    """Intitulé by label, else the line under (or after a colon in) the programme title."""
    title = common.training_title(text)
    if title:
        return title
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for index, line in enumerate(lines[:12]):
        if _TITLE_LINE.search(fold(line)):
            after = line.split(":", 1)[1] if ":" in line else ""
            candidate = after or (lines[index + 1] if index + 1 < len(lines) else "")
            return common.clean_value(candidate) or None
    return None


def programme(text: str, default_year: int | None = None) -> dict[str, Any]:
    return {
        "invoice_number": common.invoice_number(text),
        "training_title": _title(text),
        "trainer": common.trainer(text),
        "sections": sections(text),
    }
