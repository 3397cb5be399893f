"""Amounts excluding tax (HT) read after their labels, on invoices, conventions and quotes."""

from __future__ import annotations

import re

from pipeline import parse
from pipeline.parse import fold

_HT = r"h\.?\s?t\.?\b|hors\s+taxes?"
# Priority order: a total HT beats a line price; "net à payer" only when no HT total exists.
_AMOUNT_LABELS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\b(?:montant\s+)?total\s+(?:general\s+)?(?:{_HT})",
        rf"\bmontant\s+(?:total\s+)?(?:de la formation\s+)?(?:{_HT})",
        rf"\b(?:prix|cout|tarif)\s+(?:total\s+)?(?:de la formation\s+)?(?:{_HT})",
        r"\b(?:cout|prix|tarif|montant)\s+(?:total\s+)?de\s+(?:la\s+|l')(?:formation|prestation|action)\b",
        r"\b(?:prix|cout|montant)\s+total\b",
        r"\bnet\s+a\s+payer\b",
        r"\btotal\s+ttc\b",
        r"\btotal\b",
    )
)
_UNIT_PRICE = re.compile(r"unitaire|par\s+(?:stagiaire|personne|jour|heure)|/\s*(?:jour|h)\b")


def _amount_near(original: str, folded: str, end: int) -> float | None:
    """The amount on the rest of the label's line, else on the next line."""
    line_end = folded.find("\n", end)
    line_end = len(folded) if line_end < 0 else line_end
    rest = original[end:line_end]
    if _UNIT_PRICE.search(fold(rest)[:25]):
        return None
    amount = parse.parse_amount(rest)
    if amount is None:
        following = original[line_end + 1 :].lstrip("\n").split("\n", 1)[0]
        # The label's value cell below it starts with the amount; "Article 8 - …" is
        # the next paragraph, not a price of 8 €.
        if _STARTS_WITH_AMOUNT.match(following):
            amount = parse.parse_amount(following)
    return amount


_STARTS_WITH_AMOUNT = re.compile(r"\s*[:=]?\s*(?:€\s*)?\d")


# "… est fixé à 690,00 € HT", "2 940,00 € HT": the amount carries its own HT mark.
_AMOUNT_THEN_HT = re.compile(
    rf"(\d{{1,3}}(?:[ .]\d{{3}})*(?:,\d{{1,2}})?|\d+(?:,\d{{1,2}})?)\s*(?:€|eur(?:os)?)\s*(?:{_HT})"
)


def amount_ht(text: str) -> float | None:
    """The amount excluding tax stated on the document (the HT total when there is one)."""
    folded = fold(text)
    for label in _AMOUNT_LABELS[:4]:
        found = _amounts_after(text, folded, label)
        if found:
            return found
    read = [parse.parse_amount(m.group(1)) for m in _AMOUNT_THEN_HT.finditer(folded)]
    marked = [amount for amount in read if amount]
    if marked:
        return max(marked)  # the total, not a unit price
    for label in _AMOUNT_LABELS[4:]:
        found = _amounts_after(text, folded, label)
        if found:
            return found
    return None


def _amounts_after(text: str, folded: str, label: re.Pattern[str]) -> float | None:
    """The amount after the last occurrence of ``label`` that has one."""
    found = [_amount_near(text, folded, m.end()) for m in label.finditer(folded)]
    found = [amount for amount in found if amount]
    # The last total printed is the grand total (after any subtotals).
    return found[-1] if found else None
