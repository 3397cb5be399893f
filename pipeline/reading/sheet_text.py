"""Printed and written words on an attendance sheet: lines of one size, dates named with
their weekday, column titles grouped by the gaps between them, and what a cell's words
say of a mark (an electronic attendance record, a half-read absence word)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from difflib import SequenceMatcher

from pipeline.ocr import Word
from pipeline.parse import find_dates, fold

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b")
# An e-attendance record printed in the cell: "Signé le 12/03/2026 à 09:04", "Émargé
# électroniquement le 12/03", "Validé à 9h04" (a verb, then a date or a time).
_SIGNED_MENTION = re.compile(
    r"\b(sign|emarg|valid|pointe|connecte)\w*\b[^\d]{0,40}?"
    r"(\d{1,2}\s*[/.-]\s*\d{1,2}|\d{1,2}\s*[h:]\s*\d{2})"
)
_ABSENCE_WORDS = ("absent", "absente", "excuse", "excusee", "absence")


def is_signed_mention(text: str) -> bool:
    """Whether a cell's text records an electronic attendance ("Signé le 12/03 à 09:04")."""
    return bool(_SIGNED_MENTION.search(fold(text)))


def looks_absent(text: str) -> bool:
    """Whether a cell's OCR'd handwriting is nearly an absence word ("h Sent," for
    "absent", "Exuse"): too unsure to say absent, too telling to trust a signature."""
    compact = re.sub(r"[^a-z]", "", fold(text))
    if len(compact) < 4:
        return False
    return any(SequenceMatcher(None, compact, word).ratio() >= 0.7 for word in _ABSENCE_WORDS)


def tight_lines(words: Sequence[Word], above: int) -> list[str]:
    """Lines of the print above ``above``, each of words of one size on one level: a big
    title beside two smaller lines ("FEUILLE DE PRÉSENCE" / "Journée du mardi…") does
    not mix their words."""
    lines: list[list[Word]] = []
    for word in sorted((w for w in words if w.box[3] <= above), key=lambda w: w.box[1]):
        middle, height = (word.box[1] + word.box[3]) / 2, word.box[3] - word.box[1]
        for line in lines:
            first = line[0]
            size = first.box[3] - first.box[1]
            level = abs(middle - (first.box[1] + first.box[3]) / 2) <= 0.3 * min(size, height)
            if level and 0.7 <= height / max(size, 1) <= 1.4:
                line.append(word)
                break
        else:
            lines.append([word])
    return [" ".join(w.text for w in sorted(line, key=lambda w: w.box[0])) for line in lines]


def weekday_dates(text: str, default_year: int | None) -> list[date]:
    """Dates printed right after a weekday that agrees with them ("mardi 25 mars 2025")."""
    folded = fold(text)
    found = []
    for match in _WEEKDAY.finditer(folded):
        after = find_dates(folded[match.end() : match.end() + 30], default_year)
        if after and WEEKDAYS[after[0].weekday()] == match.group(1):
            found.append(after[0])
    return found


def title_groups(words: Sequence[Word], dpi: int) -> list[list[Word]]:
    """Header words grouped into column titles: words whose spans, widened by a little
    more than a word space, overlap (a title wrapped over two lines stays one)."""
    groups: list[list[Word]] = []
    reach = dpi // 8
    for word in sorted(words, key=lambda w: w.box[0]):
        if groups and word.box[0] <= max(w.box[2] for w in groups[-1]) + reach:
            groups[-1].append(word)
        else:
            groups.append([word])
    return groups
