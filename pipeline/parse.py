"""Parsers of what people write on French training documents.

Pure functions, no I/O: dates in their many French forms, date ranges,
amounts in euros, durations in hours, invoice numbers (with the usual OCR
confusions) and person names for comparison. Parsers return ``None`` when the
text holds nothing they recognise; they never raise on odd input.

:func:`fold` is the one text normalisation shared by the classifier and the
extractors: it keeps the string's length so a match found in folded text can
be sliced out of the original (names are reported as written).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date

from rapidfuzz import fuzz

__all__ = [
    "MONTHS",
    "WEEKDAYS",
    "fold",
    "find_dates",
    "parse_date",
    "parse_date_range",
    "parse_amount",
    "find_amounts",
    "parse_hours",
    "normalise_invoice_number",
    "invoice_key",
    "normalise_name",
    "same_person",
]

# Characters that OCR and word processors put where a plain space or quote is meant.
_SPACE_LIKE = "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\t"
_CHAR_MAP = {
    **{c: " " for c in _SPACE_LIKE},
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "`": "'",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u00ba": "o",  # "N\u00ba" written with the masculine ordinal
}


@functools.lru_cache(maxsize=4096)  # few distinct characters; fold runs on every name compared
def _fold_char(char: str) -> str:
    mapped = _CHAR_MAP.get(char)
    if mapped is not None:
        return mapped
    base = unicodedata.normalize("NFD", char)[0]
    lower = base.lower()
    # Keep one character per character so offsets survive (e.g. "\u0130".lower() is 2 chars).
    return lower if len(lower) == 1 else base


def fold(text: str) -> str:
    """Lower-case, strip accents, unify spaces/quotes/dashes; same length as ``text``."""
    return "".join(_fold_char(c) for c in text)


def _composed(text: str) -> str:
    """``text`` in NFKC, for parsers that return values, not offsets.

    fold() works a character at a time, so a decomposed "é" (e + combining accent, as
    macOS file names and some PDF text layers hold it) would keep its accent as a separate
    mark; compatibility forms ("1ᵉʳ", the "ﬁ" ligature) become plain letters too.
    """
    return unicodedata.normalize("NFKC", text)


# --------------------------------------------------------------------------- dates

#: Month names and common abbreviations, folded (no accents), to month number.
MONTHS: dict[str, int] = {
    "janvier": 1, "janv": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "fevier": 2,
    "mars": 3,
    "avril": 4, "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7, "juil": 7,
    "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}  # fmt: skip

WEEKDAYS: tuple[str, ...] = (
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
)

# Longest names first so "septembre" wins over "sept" in the alternation.
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY_ALT = "|".join(WEEKDAYS)
# OCR reads the digit 1 as l, I or |, and 0 as O: tolerated inside numeric dates.
_D = r"[0-9]"
_TEXT_DATE = re.compile(
    rf"(?:\b(?P<wd>{_WEEKDAY_ALT})\.?,?\s+)?"
    rf"\b(?P<day>[0-3]?{_D})\s*(?:er|e|eme)?\s+"
    rf"(?P<month>{_MONTH_ALT})\b\.?"
    rf"(?:,?\s+(?P<year>(?:19|20)\d{{2}}|'?\d{{2}}(?![\d:h])))?"
)
_NUM_DATE = re.compile(
    r"(?<![\d/.,-])(?P<day>[0-3]?\d)\s?(?P<sep>[/.-])\s?(?P<month>[01]?\d)"
    r"(?:\s?(?P=sep)\s?(?P<year>(?:19|20)\d{2}|\d{2}))?(?![\d/]|[.,]\d)"
)
_ISO_DATE = re.compile(
    r"(?<![\d/.-])(?P<year>(?:19|20)\d{2})-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)"
)
_WEEKDAY_BEFORE = re.compile(rf"\b(?:{_WEEKDAY_ALT})\.?,?\s*$")


def _year(raw: str | None, default_year: int | None) -> int | None:
    if raw is None:
        return default_year
    digits = raw.lstrip("'")
    value = int(digits)
    return value + 2000 if len(digits) == 2 else value


def _safe_date(year: int | None, month: int, day: int) -> date | None:
    if year is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _text_dates(folded: str, default_year: int | None) -> list[tuple[int, date]]:
    found = []
    for m in _TEXT_DATE.finditer(folded):
        when = _safe_date(_year(m["year"], default_year), MONTHS[m["month"]], int(m["day"]))
        if when is not None:
            found.append((m.start("day"), when))
    return found


def _numeric_dates(folded: str, default_year: int | None) -> list[tuple[int, date]]:
    found = []
    for m in _NUM_DATE.finditer(folded):
        if m["year"] is None and not _short_date_allowed(folded, m):
            continue
        when = _safe_date(_year(m["year"], default_year), int(m["month"]), int(m["day"]))
        if when is not None:
            found.append((m.start(), when))
    for m in _ISO_DATE.finditer(folded):
        when = _safe_date(int(m["year"]), int(m["month"]), int(m["day"]))
        if when is not None:
            found.append((m.start(), when))
    return found


def _short_date_allowed(folded: str, m: re.Match[str]) -> bool:
    """A day/month without a year is a date only in a clear context.

    "4/5" is more often a mark than the 4th of May: accept ``dd/mm`` only with a
    slash and two-digit month, or right after a weekday ("Mardi 14/03").
    """
    if _WEEKDAY_BEFORE.search(folded[: m.start()]):
        return True
    return m["sep"] == "/" and len(m["month"]) == 2 and len(m["day"]) == 2


def find_dates(text: str, default_year: int | None = None) -> list[date]:
    """Every date written in ``text``, in reading order.

    Accepts ``14/03/2026``, ``14-03-26``, ``14.03.2026``, ``2026-03-14``,
    ``14 mars 2026``, ``1er avril 2026``, ``lundi 9 mars 2026``, and, when
    ``default_year`` is given, ``Mardi 14/03`` or ``14 mars``.
    """
    folded = _fix_ocr_digits(fold(_composed(text)))
    found = _text_dates(folded, default_year) + _numeric_dates(folded, default_year)
    return [when for _, when in sorted(found, key=lambda item: item[0])]


def find_dates_anchored(text: str, default_year: int | None = None) -> list[date]:
    """Every date written in ``text``; one printed without its year ("Mardi 11/03") takes
    the year that sets it nearest the dates the document prints whole, ``default_year``
    only when it prints none (a sheet of 2025 read in 2026 keeps its dates in 2025)."""
    whole = find_dates(text)
    if not whole:
        return find_dates(text, default_year)
    left = list(whole)
    found = []
    for when in find_dates(text, default_year):
        if when in left:
            left.remove(when)
            found.append(when)
            continue
        years = {d.year + step for d in whole for step in (-1, 0, 1)}
        tries = [d for y in years if (d := _safe_date(y, when.month, when.day)) is not None]
        if tries:
            found.append(min(tries, key=lambda d: min(abs((d - w).days) for w in whole)))
    return found


def parse_date(text: str, default_year: int | None = None) -> date | None:
    """The first date written in ``text``, or ``None``."""
    dates = find_dates(text, default_year)
    return dates[0] if dates else None


_OCR_DIGIT_RUN = re.compile(
    r"(?<=\d)[oli|](?=\d)|(?<=\d[/.-])[oli](?=\d)|(?<=\d)[oli](?=[/.-]\d)"
    r"|(?<![a-z0-9'])[li|](?=\d?\d[/.-][\doli])"
)


def _fix_ocr_digits(folded: str) -> str:
    """Read ``l``/``o`` squeezed between digits as 1/0 ("l4/O3/2026" keeps its shape)."""
    table = {"o": "0", "l": "1", "i": "1", "|": "1"}
    return _OCR_DIGIT_RUN.sub(lambda m: table[m.group()], folded)


# In a lookahead so that every "du"/"le" is tried: prose before the period ("Le stagiaire
# et le formateur, du 3 au 5 mars") must not hide it.
_RANGE_WORDS = re.compile(
    r"(?=\b(?:du|depuis le|a partir du)\b(?P<a>.{1,40}?)\b(?:au|a|jusqu'au)\b(?P<b>.{1,40})"
    r"|\bles?\b(?P<a2>[^\n]{1,30}?)\bet\b(?P<b2>[^\n]{1,40}))"
)


def parse_date_range(text: str, default_year: int | None = None) -> tuple[date, date] | None:
    """A period such as "du 9 au 10 mars 2026" or "du 09/03/2026 au 10/03/2026".

    The first bound may omit what the second states ("du 9 au 10 mars 2026",
    "du 30 mars au 2 avril 2026"). A single date gives a one-day period.
    """
    for m in _RANGE_WORDS.finditer(fold(_composed(text))):
        head, tail = (m["a"], m["b"]) if m["a"] is not None else (m["a2"], m["b2"])
        end = parse_date(tail, default_year)
        if end is not None:
            start = _range_start(head, end, default_year)
            if start is not None and start <= end:
                return start, end
    # A list of days ("les 11/12/2025, 12/12/2025, 08/01/2026") spans first to last.
    dates = find_dates(text, default_year)
    return (min(dates), max(dates)) if dates else None


def _range_start(head: str, end: date, default_year: int | None) -> date | None:
    """First bound of a range, borrowing month and year from the end when left out."""
    start = parse_date(head, end.year)
    if start is not None:
        if start > end and not re.search(r"\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2}", head):
            return _safe_date(end.year - 1, start.month, start.day)
        return start
    day = re.search(r"\b([0-3]?\d)\s*(?:er)?\b", head)
    if day is None:
        return None
    return _safe_date(end.year, end.month, int(day.group(1)))


# --------------------------------------------------------------------------- amounts

_AMOUNT = re.compile(
    r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d{3})+\.\d{2}|\d{1,3}(?:[ .']\d{3})+(?:[.,]\d{1,2})?"
    r"|\d+(?:[.,]\d{1,2})?)"
    r"(?![\d])(?:\s*(?P<cur>€|eur\b|euros?\b))?"
)


def _amount_value(raw: str) -> float:
    """Value of a number token written the French way (or the English way)."""
    raw = raw.replace(" ", "").replace("'", "")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", raw):
        return float(raw.replace(".", ""))  # "2.450" is two thousand four hundred fifty
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d{2}", raw):
        return float(raw.replace(",", ""))  # English thousands: "2,450.00"
    if "," in raw:
        return float(raw.replace(".", "").replace(",", "."))
    head, _, tail = raw.rpartition(".")
    if head and len(tail) <= 2:
        return float(head.replace(".", "") + "." + tail)
    return float(raw.replace(".", ""))


def find_amounts(text: str) -> list[float]:
    """Every amount written in ``text`` (numbers followed by a currency first)."""
    folded = fold(text)
    with_cur: list[float] = []
    bare: list[float] = []
    for m in _AMOUNT.finditer(folded):
        (with_cur if m["cur"] else bare).append(_amount_value(m["num"]))
    return with_cur + bare


def parse_amount(text: str) -> float | None:
    """The amount in ``text``: ``2 450,00 €``, ``2.450,00``, ``2450 € HT`` -> 2450.0.

    When several numbers appear, one followed by a currency sign wins.
    """
    amounts = find_amounts(text)
    return amounts[0] if amounts else None


# --------------------------------------------------------------------------- hours

_HOURS = re.compile(
    r"(?<![\d.,])(?P<h>\d{1,4}(?:[.,]\d{1,2})?)\s*"
    r"(?:h(?:eures?|rs?)?\b\.?|h(?=\d))"
    r"(?:\s*(?P<m>[0-5]\d)\s*(?:min(?:utes?)?\b)?)?"
)


def parse_hours(text: str) -> float | None:
    """A duration in hours: ``14 h``, ``14 heures``, ``3h30``, ``3,5 h``, ``7h00`` -> float."""
    m = _HOURS.search(fold(text))
    if m is None:
        return None
    hours = float(m["h"].replace(",", "."))
    if m["m"] is not None:
        hours += int(m["m"]) / 60
    return round(hours, 4)


# --------------------------------------------------------------------------- invoice numbers

_TIME_RANGE = re.compile(
    r"\b(\d{1,2})\s*(?:h|:)\s*(\d{2})?\s*(?:-|–|a|jusqu'a)\s*(\d{1,2})\s*(?:h|:)\s*(\d{2})?"
)


def time_ranges(text: str) -> list[tuple[float, float]]:
    """Printed time ranges in hours: "9h-12h30, 13h30 à 17h" → [(9, 12.5), (13.5, 17)]."""
    out = []
    for m in _TIME_RANGE.finditer(fold(text)):
        start = int(m.group(1)) + int(m.group(2) or 0) / 60
        end = int(m.group(3)) + int(m.group(4) or 0) / 60
        if 0 <= start < end <= 24 and end - start <= 8:
            out.append((round(start, 2), round(end, 2)))
    return out


_DIGIT_LOOKALIKES = str.maketrans(
    {
        "O": "0",
        "Q": "0",
        "D": "0",
        "I": "1",
        "L": "1",
        "|": "1",
        "!": "1",
        "S": "5",
        "B": "8",
        "Z": "2",
        "G": "6",
    }
)
# Punctuation around a number ("(FA-2026-0142).", "FA-2026-0142 :/"), separators included.
_INVOICE_EDGES = re.compile(r"^[\s.,;:()\[\]_/\u2010-\u2014-]+|[\s.,;:()\[\]_/\u2010-\u2014-]+$")
_INVOICE_SEP = re.compile(r"\s*[-_/.\u2010-\u2014]+\s*|\s+")


def _fix_group(group: str, first: bool) -> str:
    """Read a mostly-numeric group with digit look-alikes as digits."""
    digits = sum(c.isdigit() for c in group)
    if first and digits == 0:
        return group  # the letter prefix: FA, F, CONV, DEV...
    if digits * 2 >= len(group) or (not first and digits):
        prefix = re.match(r"[A-Z]*", group).group() if first else ""  # type: ignore[union-attr]
        return prefix + group[len(prefix) :].translate(_DIGIT_LOOKALIKES)
    return group


def normalise_invoice_number(text: str) -> str | None:
    """Canonical form of an invoice/convention number: ``FA - 2O26 - 0I42`` -> ``FA-2026-0142``.

    Upper-cases, joins groups with one dash, and reads O/I/l/S/B as digits in
    numeric groups. Returns ``None`` if no digit survives.
    """
    cleaned = _INVOICE_EDGES.sub("", text.upper())
    groups = [g for g in _INVOICE_SEP.split(cleaned) if g]
    if not groups:
        return None
    fixed = [_fix_group(g, i == 0) for i, g in enumerate(groups)]
    result = "-".join(fixed)
    return result if any(c.isdigit() for c in result) else None


def invoice_key(text: str) -> str:
    """Separator-free key for comparing invoice numbers ("FA 2026/0142" == "FA-2026-0142")."""
    normal = normalise_invoice_number(text) or text.upper()
    return re.sub(r"[^0-9A-Z]", "", normal)


# --------------------------------------------------------------------------- names

_CIVILITIES = frozenset(
    ("m", "mr", "mme", "mlle", "melle", "monsieur", "madame", "mademoiselle", "dr", "docteur", "me")
)


# Letters NFKC does not take apart, as people type them without the ligature or stroke.
_LIGATURES = str.maketrans({"æ": "ae", "œ": "oe", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})


@functools.lru_cache(maxsize=16384)  # the same names are compared again for every dossier
def normalise_name(name: str) -> str:
    """Comparison key of a person's name: no accents, case, civility or word order.

    ``"DURAND Paul"``, ``"Paul Durand"`` and ``"M. Paul DURAND"`` all give ``"durand paul"``.
    """
    folded = fold(_composed(name)).translate(_LIGATURES)
    # Civilities are dropped as whole words of the key, so the key of a key is itself; a
    # name made of civility words only ("Me Me") keeps them: it is no civility then.
    every = re.findall(r"[a-z0-9]+", folded)
    words = [w for w in every if w not in _CIVILITIES] or every
    return " ".join(sorted(words))


def _initials_match(short: list[str], full: list[str]) -> bool:
    """ "P Durand" against "Paul Durand": every word equal or an initial of one."""
    pool = list(full)
    for word in short:
        hit = next((w for w in pool if w == word or (len(word) == 1 and w.startswith(word))), None)
        if hit is None:
            return False
        pool.remove(hit)
    return True


@functools.lru_cache(maxsize=65536)  # a dossier's names are compared against each document's
def same_person(a: str, b: str) -> float:
    """How likely two written names are the same person, 0..1.

    Order, accents, case and civilities are ignored; OCR slips cost a little;
    an initial ("P. Durand") matches the full first name.
    """
    key_a, key_b = normalise_name(a), normalise_name(b)
    if not key_a or not key_b:
        return 0.0
    score = fuzz.token_sort_ratio(key_a, key_b) / 100
    words_a, words_b = key_a.split(), key_b.split()
    if len(words_a) == len(words_b) and (
        _initials_match(words_a, words_b) or _initials_match(words_b, words_a)
    ):
        score = max(score, 0.9)
    return round(score, 4)
