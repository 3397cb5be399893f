"""Shared readers for the extractors: labelled values, names, numbers, dates.

Documents state their facts as "Label : value" (possibly in table columns,
possibly with the value on the next line). :func:`labelled` finds a value by
any of several labels, tolerating OCR noise in the label; the other helpers
read one kind of field that most document types carry.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rapidfuzz import fuzz

from pipeline import parse
from pipeline.parse import fold

# Column breaks in text from tables: tabs, runs of 3+ spaces, vertical bars; and a
# dash that introduces another "Label :" ("Durée : 14 h — Formateur : Paul Durand").
# A sentence's end followed by another "Label :" ("Dates : 3/02. Durée : 14 h. Lieu : …").
_COLUMNS = re.compile(
    r"\t+| {3,}|\s\|\s?|\||\s[—–-]\s(?=[^:\n]{1,40}:)|(?<=\.)\s+(?=[A-ZÀ-Ý][^:.\n]{0,40}:)"
)
# Words a label may start with before its core ("Nom du formateur", "1. Intitulé").
_LABEL_FILLER = re.compile(
    r"^(?:\d+|[ivx]+|article \d+|nom|noms|prenom|et|du|de|des|la|le|les|l|d)\s+"
)
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]+"
_PERSON = re.compile(rf"{_NAME_WORD}(?:[ \u00a0]+(?:{_NAME_WORD}|[A-Z]\.)){{1,3}}")


_INCLUSIVE = re.compile(
    r"([^\W\d_])(?:[·•‧.\-]|\()(?:e|es|ne|nes|le|les|rice|trice|ice|euse|ive)\)?(?![^\W\d_])"
)


@functools.lru_cache(maxsize=8192)
def norm_label(text: str) -> str:
    """Label comparison form: folded, separators as single spaces, filler words removed.

    Remembered: the search for glued labels asks for every line's first words under every
    label sought (thousands of times a page, mostly the same strings).
    """
    # An aside in brackets is no part of the label: "Nom, prénom (facultatif)"; nor is a
    # feminine ending in inclusive writing: "Participant·e", "Formateur-rice", "Salarié(e)".
    text = _INCLUSIVE.sub(r"\1", text)
    key = re.sub(r"[^a-z0-9]+", " ", re.sub(r"\([^()]{3,30}\)", " ", fold(text))).strip()
    previous = None
    while previous != key:
        previous, key = key, _LABEL_FILLER.sub("", key)
    return key


def _label_matches(key: str, labels: Sequence[str]) -> bool:
    """Exact, or the same words with OCR slips ("forrnateur"); never a different word."""
    if not key or len(key) > 45:
        return False
    return any(key == label or _fuzzy_label(key, label) for label in labels)


def _fuzzy_label(key: str, label: str) -> bool:
    if len(label) < 7 or fuzz.ratio(key, label) < (82 if len(label) >= 8 else 86):
        return False
    # A word more or less is another label: "facture" is no "facture a", nor is
    # "nombre de stagiaires 6" a label followed by nothing.
    if len(key.split()) != len(label.split()):
        return False
    # "date de l'evaluation" is close to "date de la formation" as a string, not as words.
    long_key = [w for w in key.split() if len(w) >= 4]
    long_label = [w for w in label.split() if len(w) >= 4]
    return len(long_key) == len(long_label) and all(
        fuzz.ratio(a, b) >= 80 for a, b in zip(long_key, long_label, strict=True)
    )


@dataclass(frozen=True)
class Cell:
    """A "key: value" pair read from one line, with the line's index."""

    line: int
    key: str
    value: str
    alone: bool = False  # the label stood alone on its line (value on the next line)


# A second label on the same line after a value, with a single space before it
# ("Formateur : Paul Durand Date : 12/03/2026"): only the labels of a session's form,
# so that a title with a colon ("Excel : les fondamentaux") is never cut.
_INNER_LABEL = re.compile(
    r"\s(?=(?:dates?|session(?:\s+du)?|le|lieu|dur[ée]e|horaires?|format(?:eur|rice)|"
    r"intervenante?|nom|pr[ée]nom|signature)\s?[:;](?:\s|$))",
    re.IGNORECASE,
)


def _pairs_in_segment(segment: str) -> Iterator[tuple[str, str]]:
    """Split "A : 1  B : 2" style segments; a colon is ``:`` (OCR sometimes gives ``;``)."""
    m = re.match(r"\s*([^:;]{1,60}?)\s*[:;]\s*(.*)$", segment)
    if m is None:
        return
    value = m.group(2).strip()
    inner = _INNER_LABEL.search(value)
    if inner is None or inner.start() == 0:
        yield m.group(1), value
        return
    yield m.group(1), value[: inner.start()].strip()
    yield from _pairs_in_segment(value[inner.start() :])


def cells(text: str) -> list[Cell]:
    """Every "label: value" pair of the text, in reading order."""
    found = []
    for index, line in enumerate(text.splitlines()):
        segments = [s for s in _COLUMNS.split(line) if s.strip()]
        for position, segment in enumerate(segments):
            pairs = list(_pairs_in_segment(segment))
            if not pairs and position + 1 < len(segments):
                # Table row "Formateur | Paul Durand": label cell, value in the next cell.
                pairs = [(segment, segments[position + 1].strip())]
            for key, value in pairs:
                found.append(Cell(index, norm_label(key), value))
        if len(segments) == 1 and ":" not in line and _may_be_label(line):
            # A label alone on its line, its value on the next (two-column tables as text).
            found.append(Cell(index, norm_label(line), "", alone=True))
    return found


def _may_be_label(line: str) -> bool:
    """Short and capitalised: "Intitulé de la formation", not "« le client »."."""
    stripped = re.sub(r"^[\W_]+", "", line).strip()  # a table's bar, a bullet, OCR's specks
    return 0 < len(stripped) <= 45 and stripped[0].isupper() and not stripped.endswith(".")


_BARE_LABEL = re.compile(r"\s*[^:]{1,40}:\s*$")


def _next_value_line(lines: Sequence[str], index: int) -> str:
    """The line after a label left empty, unless it is itself a label."""
    if _BARE_LABEL.match(lines[index]):
        stacked = _stacked_value(lines, index)
        if stacked is not None:
            return stacked
    for line in lines[index + 1 : index + 3]:
        if not line.strip():
            continue
        if re.match(r"\s*[^:]{1,40}:\s*(?:\S|$)", line):
            return ""
        return line.strip()
    return ""


def _stacked_value(lines: Sequence[str], index: int) -> str | None:
    """A column of labels read before its column of values ("Formation :", "Formateur :",
    "Dates :", then the three values): the value in the same rank of the first paragraph
    after the labels that has as many lines, none of them a label."""
    first = index
    while first > 0 and _BARE_LABEL.match(lines[first - 1]):
        first -= 1
    last = index
    while last + 1 < len(lines) and _BARE_LABEL.match(lines[last + 1]):
        last += 1
    count = last - first + 1
    if count < 2:
        return None
    paragraphs = "\n".join(lines[last + 1 :]).split("\n\n")
    for paragraph in [p for p in paragraphs if p.strip()][:3]:
        rows = [row.strip() for row in paragraph.splitlines() if row.strip()]
        if len(rows) == count and not any(":" in row for row in rows):
            return rows[index - first]
    return None


def labelled(
    text: str,
    labels: Sequence[str],
    *,
    next_line: bool = True,
    accept: Callable[[str], bool] | None = None,
) -> str | None:
    """The value written after the first of ``labels`` found (labels in priority order).

    Labels are given folded ("intitule de la formation"); OCR-garbled labels
    still match. "Label : value" pairs are searched before labels standing
    alone on a line (whose value is the next line). ``accept`` rejects values
    of the wrong kind so the search goes on.
    """
    wanted = [norm_label(label) for label in labels]
    all_cells = cells(text)
    lines = text.splitlines()
    for label in wanted:
        for value in _pair_values(all_cells, label, lines, next_line):
            if value and (accept is None or accept(value)):
                return value
    for label in wanted:
        for value in _glued_values(lines, label):
            if accept is None or accept(value):
                return value
    if not next_line:
        return None
    for label in wanted:
        for cell in all_cells:
            if not cell.alone or not _label_matches(cell.key, [label]):
                continue
            value = clean_value(_next_value_line(lines, cell.line))
            if value and (accept is None or accept(value)):
                return value
    return None


def _pair_values(
    all_cells: Sequence[Cell], label: str, lines: Sequence[str], next_line: bool
) -> Iterator[str]:
    """Values of "Label : value", or of "Label :" with its value on the next line."""
    for cell in all_cells:
        if not cell.alone and _label_matches(cell.key, [label]):
            value = cell.value or (_next_value_line(lines, cell.line) if next_line else "")
            yield clean_value(value)


#: How many words a label printed before its value may have ("Durée par stagiaire").
_GLUED_LABEL_WORDS = 6


#: "Module 1 : Se présenter", "Jour 2 - …": a numbered heading, not a label and its value.
_NUMBERED = re.compile(r"\d+\s*[:.)\-–—]")


def _glued_values(lines: Sequence[str], label: str) -> Iterator[str]:
    """Values printed right after their label with nothing between them.

    A two-column table (label cell, value cell) comes out of a PDF's text layer or
    OCR as one line, "Intitulé de la formation Gérer son temps": the line's first
    words are the label, the rest is the value. A value starts like one (a capital,
    a digit, a quote), so running text ("Formation professionnelle continue") is not
    taken for a label and its value.
    """
    for line in lines:
        if _BULLET.match(line):
            continue  # a list's item, not a table's row
        words = list(re.finditer(r"\S+", line))
        for k in range(1, min(_GLUED_LABEL_WORDS, len(words) - 1) + 1):
            key = norm_label(line[: words[k - 1].end()])
            if not _label_matches(key, [label]):
                continue
            value = clean_value(line[words[k].start() :])
            if value and (value[0].isupper() or value[0].isdigit()) and not _NUMBERED.match(value):
                yield value


def clean_value(value: str) -> str:
    """Trim quotes, bullets, leaders and trailing punctuation around a value."""
    value = re.sub(r"[_.…]{3,}", " ", value)
    value = value.strip(" \t-–—•*·«»\"“”'’.,;:_")
    return re.sub(r"\s+", " ", value)


# --------------------------------------------------------------------------- common fields

_NUMBER_LABEL = (
    r"(?:(?:facture|fact\.?|convention|contrat)"
    r"\s*(?:n\s*[o°]?\.?|no\.?|num(?:ero)?\.?|#)|\bref(?:erence)?\b\.?)\s*[:.]?\s*"
)
# A number's letters and digits, apart by a dash (or a colon OCR read for it: "CF:2025-081").
_NUMBER_TOKEN = re.compile(
    r"[a-z]{0,6}(?:\s?[-_/.:]\s?|\s)?[0-9oil|]{2,}(?:\s?[-_/.]\s?(?=[a-z]*[0-9])[0-9a-z|]{1,8}){0,3}",
    re.I,
)
_INVOICE_LABEL = re.compile(
    r"(?:(?:facture|fact\.?)\s*(?:n\s*[o°]?\.?|no\.?|num(?:ero)?\.?|#)|n\s*[o°]\.?\s*(?:de\s+)?facture"
    r"|facture\s+(?:associee|correspondante|liee)\s*(?:n\s*[o°]\.?)?)\s*[:.]?\s*"
)
_OTHER_NUMBER_LABEL = re.compile(_NUMBER_LABEL.replace("facture|fact\\.?|", ""))
_BARE_INVOICE = re.compile(r"\b(?:fa|fac|fact)\s?[-_/]?\s?(?:19|20)\d\d\s?[-_/]\s?\d{2,6}\b")


def _number_after(folded: str, original: str, label: re.Pattern[str]) -> str | None:
    for m in label.finditer(folded):
        token = _NUMBER_TOKEN.match(folded, m.end())
        if token is None:
            continue
        raw = original[token.start() : token.end()]
        number = parse.normalise_invoice_number(raw.replace(":", "-"))
        if number and sum(c.isdigit() for c in raw) >= 3:
            return number
    return None


def invoice_number(text: str, prefer_invoice: bool = True) -> str | None:
    """An invoice number ("Facture n° FA-2026-0142"), else a convention/quote number."""
    folded = fold(text)
    labels = [_INVOICE_LABEL, _OTHER_NUMBER_LABEL]
    if not prefer_invoice:
        labels.reverse()
    for label in labels:
        number = _number_after(folded, text, label)
        if number:
            return number
    bare = _BARE_INVOICE.search(folded)
    return parse.normalise_invoice_number(text[bare.start() : bare.end()]) if bare else None


TITLE_LABELS = (
    "intitule de la formation",
    "intitule de l'action de formation",
    "intitule de l'action",
    "intitule du stage",
    "intitule du module",
    "titre de la formation",
    "intitule",
    "formation suivie",
    "a suivi l'action",
    "a suivi la formation",
    "a suivi l'action de formation",
    "action de formation",
    "nom de la formation",
    "formation",
    "module",
    "stage",
    "action",
)
# A title in quotes, maybe wrapped once at the line's end.
_QUOTED = re.compile(r"[«“\"]\s*([^«»“”\"\n]{4,120}?(?:\n[^«»“”\"\n]{1,80}?)?)\s*[»”\"]")
# Words that announce a title in running text: "l'action de formation intitulée « … »".
_TITLE_CONTEXT = re.compile(r"(?:intitulee?|formation|action|stage|module|session)\W{0,3}$")


def _quoted_title(text: str) -> str | None:
    """A «quoted» title announced by "formation", "intitulée"… (not « le client »)."""
    for m in _QUOTED.finditer(text):
        before = fold(text[max(0, m.start() - 30) : m.start()])
        if _TITLE_CONTEXT.search(before):
            return clean_value(m.group(1))
    return None


# The session's dates in brackets after a title: "Anglais (17/02/2025 - 05/03/2025)".
_BRACKETED_DATES = re.compile(r"\s*\([^()]*\d{1,2}[/.]\d{1,2}[/.]\d{2,4}[^()]*\)\s*$")


def without_bracketed_dates(value: str) -> str:
    """A labelled value less the dates bracketed after it."""
    return _BRACKETED_DATES.sub("", value)


def training_title(text: str, labels: Sequence[str] = TITLE_LABELS) -> str | None:
    """Intitulé de la formation: by label, else a «quoted» title announced as one."""
    value = labelled(
        text,
        labels,
        accept=lambda v: not _looks_like_date_or_number(without_bracketed_dates(v)),
    )
    if value:
        value = without_bracketed_dates(value)
        quoted = _QUOTED.search(value) or _CLOSED.match(value)
        return clean_value(quoted.group(1)) if quoted else value
    return _quoted_title(text) or _followed_title(text)


# The national certificat de réalisation's wording: "… a suivi l'action Excel avancé".
_FOLLOWED = re.compile(
    r"\ba (?:suivi|participe a) (?:l'action|la formation|le stage|le module)"
    r"(?: de formation)?(?: intitulee?)?\s*:?\s+(?=\S)"
)


def _followed_title(text: str) -> str | None:
    """The title written after "a suivi l'action" to the end of its line."""
    for line in text.splitlines():
        m = _FOLLOWED.search(fold(line))
        if m is None:
            continue
        value = clean_value(without_bracketed_dates(line[m.end() :]))
        if len(value.split()) >= 2 and not _looks_like_date_or_number(value):
            return value
    return None


# A value whose opening quote went with the label: "Excel : les bases », action de …".
_CLOSED = re.compile(r"([^«»“”\"\n]{4,120}?)\s*[»”\"]")


def _looks_like_date_or_number(value: str) -> bool:
    return parse.parse_date(value) is not None or not re.search(r"[A-Za-z]{3}", value)


TRAINER_LABELS = (
    "formateur",
    "formatrice",
    "formateur trice",
    "formateur rice",
    "formateur formatrice",
    "formateurs",
    "intervenant",
    "intervenante",
    "intervenant e",
    "intervenants",
    "formateur referent",
    "anime par",
    "animee par",
    "dispense par",
    "consultant",
    "consultante",
    "entrepreneur",
    "entrepreneure",
    "entrepreneur salarie",
)


#: OCR's specks after a name: "Sophie Garnier s ." (never a capital: "Paul D." stays).
_TRAILING_SPECKS = re.compile(r"(?:\s+(?:[a-zà-ÿ]{1,2}|[^\w\s]+))+\s*$")
_LEADING_SPECKS = re.compile(r"^[^\w(]+\s+")


def person_value(value: str | None, keep_brackets: bool = False) -> str | None:
    """A person's name at the start of a labelled value ("Paul Durand, consultant")."""
    if not value:
        return None
    # A colon ends a name: what follows is another field whose label OCR lost.
    cut = r"\s[-–—,/]\s?|,|;|:" if keep_brackets else r"\s[-–—(,/]\s?|\s\(|,|;|:"
    value = re.split(cut, value, maxsplit=1)[0]
    value = re.sub(r"^(?:m\.|mr\.?|mme\.?|mlle|monsieur|madame)\s+", "", value.strip(), flags=re.I)
    value = _LEADING_SPECKS.sub("", _TRAILING_SPECKS.sub("", value))
    value = clean_value(value)
    return value if re.search(r"[A-Za-zÀ-ÿ]{2}", value) else None


# "dispensée par Élodie Faure", "La formation est assurée par Karim Benali, …"
_BY_TRAINER = re.compile(
    r"\b(?:dispensee?s?|animee?s?|assuree?s?|realisee?s?|encadree?s?|conduite?s?)\s+par\s+"
    r"(?:(?:madame|monsieur|mme|m\.)\s+)?"
)
# Letterhead of an entrepreneur: "Élodie Faure — Formatrice RH & management"
_LETTERHEAD = re.compile(
    r"^\s*(.{4,40}?)\s*[-–—,|]\s*(?:formateur|formatrice|consultante?|coach)\b"
)


def is_name_value(value: str) -> bool:
    name = person_value(value)
    return name is not None and looks_like_person(titlecase_upper(name))


def titlecase_upper(name: str) -> str:
    """ "DURAND Paul" passes the capitalised-words test as "Durand Paul"."""
    return " ".join(w.capitalize() if w.isupper() else w for w in name.split())


def _trainer_by_phrase(text: str) -> str | None:
    folded = fold(text)
    for m in _BY_TRAINER.finditer(folded):
        name = _name_at(text, m.end())
        if name:
            return name
    return None


def _name_at(text: str, start: int) -> str | None:
    """The person's name written from ``start`` (up to a comma, bracket or lower-case word)."""
    m = _PERSON.match(text, start)
    if m is None:
        return None
    words = []
    for word in m.group().split():
        if not (word[0].isupper() or word.endswith(".")):
            break
        words.append(word)
    name = " ".join(words)
    return name if looks_like_person(name) else None


def _trainer_in_letterhead(text: str) -> str | None:
    # The letterhead's first lines that hold something: OCR leaves blank lines between them.
    for line in [line for line in text.splitlines() if line.strip()][:6]:
        m = _LETTERHEAD.match(fold(line))
        if m:
            name = line[m.start(1) : m.end(1)].strip()
            if looks_like_person(name):
                return name
    return None


def _trainer_value(value: str | None) -> str | None:
    """The name, with a bracket that is part of it ("Paul Durand (né Martin)"), not one
    that describes the person ("Paul Durand (titulaire d'un master)")."""
    name = person_value(value, keep_brackets=True)
    bracket = re.search(r"\(([^)]*)\)?", name or "")
    if bracket and re.search(r"\b[a-zà-ÿ]{4,}\b(?!\s*\))", bracket.group(1)):
        return person_value(value)
    return name


def trainer(text: str) -> str | None:
    """The trainer: by label, else "animée par …", else the entrepreneur's letterhead."""
    value = labelled(text, TRAINER_LABELS, accept=is_name_value)
    return _trainer_value(value) or _trainer_by_phrase(text) or _trainer_in_letterhead(text)


CLIENT_LABELS = (
    "client",
    "entreprise",
    "entreprise beneficiaire",
    "raison sociale",
    "societe",
    "structure",
    "organisme beneficiaire",
    "beneficiaire",
    "facture a",
    "adresse de facturation",
    "destinataire",
    "commanditaire",
    "donneur d'ordre",
    "organisme",
    "employeur",
)


def client(text: str, labels: Sequence[str] = CLIENT_LABELS) -> str | None:
    value = labelled(text, labels)
    if not value:
        return None
    return company_value(value)


def company_value(value: str) -> str | None:
    """An organisation's name: what comes before its address or representative."""
    # "France Travail - Agence de Lodève" is one name; "Garage Martin - 8 rue …" is a name
    # and its address.
    value = re.split(r",|\s[-–—]\s(?=\d)|\s\(|\s+repr[eé]sent", value, maxsplit=1)[0]
    value = clean_value(value)
    return value if value and not _REFERENCE.match(fold(value)) else None


#: A document's reference, never a client: "N° FA-2025-0061", "Réf. 2025/14".
_REFERENCE = re.compile(
    r"(?:n\s*°|n[o°]?\.|no\b|num(?:ero)?\b\.?|ref(?:erence)?\b\.?)\s*:?\s*\S*\d"
)


# An address's last line: a postcode and its town ("34070 Montpellier", "F-31400 Toulouse").
_POSTCODE_LINE = re.compile(r"^\s*(?:[A-Z]{1,2}-?)?\d{5}\s+[A-ZÀ-Ý][\w'’ -]{1,40}$")
_STREET = re.compile(
    r"^\s*\d|\b(?:rue|avenue|av|boulevard|bd|chemin|place|allee|impasse|route|quai|cours|"
    r"square|passage|zone|za|zi|zac|parc|lieu-dit|batiment|bat|bp|cs|cedex|residence)\b"
)
_FOR_ATTENTION = re.compile(r"^\s*(?:a l'attention|attn|a l'att|c/o|chez)\b")


def addressee(text: str, title: re.Pattern[str]) -> str | None:
    """The organisation a letter-like document is sent to: the first address block after
    its title line (the issuer's letterhead comes before it).

    The block is read upwards from its "postcode town" line, past street lines and an
    "À l'attention de …" line, to the name.
    """
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if title.match(fold(line))), None)
    if start is None:
        return None
    for index in range(start + 1, len(lines)):
        if not _POSTCODE_LINE.match(lines[index]):
            continue
        above = index - 1
        while above > start and (
            _STREET.search(fold(lines[above])) or _FOR_ATTENTION.match(fold(lines[above]))
        ):
            above -= 1
        if above <= start or above == index - 1:
            continue  # no street above the town: a stamp's, not an address block
        name = lines[above].strip()
        if ":" in name or not re.search(r"[A-Za-zÀ-ÿ]{3}", name):
            return None
        return company_value(name)
    return None


PERIOD_LABELS = (
    "dates",
    "date s",
    "dates de la formation",
    "date de la formation",
    "periode",
    "periode de formation",
    "dates de realisation",
    "date s de realisation",
    "date de realisation",
    "dates de session",
    "session",
    "dates et duree",
)
_FROM_TO = re.compile(r"\bdu\s+\d.{0,60}")
_DATE_LIST = re.compile(r"\b(?:les?\s+)?\d{1,2}(?:er)?[/. ][^\n]{0,80}?\bet\b[^\n]{0,40}")
# "dispensée par X le 24/03/2026", "qui s'est déroulée les 11/12/2025, 12/12/2025, 08/01/2026"
_HELD_ON = re.compile(
    r"(?:dispensee|deroulee|realisee|organisee|animee|assuree|tenue)\b[^.;]{0,60}?\b(?:le|les)\s+(\d[^;]{0,80})"
)


def period(
    text: str, default_year: int | None = None, labels: Sequence[str] = PERIOD_LABELS
) -> tuple[date, date] | None:
    """Start and end of the training: by label, else the first "du … au …" or "… et …"."""
    value = labelled(text, labels)
    if value:
        found = parse.parse_date_range(value, default_year)
        if found:
            return found
    start = parse.parse_date(labelled(text, ("date de debut", "debut")) or "", default_year)
    end = parse.parse_date(labelled(text, ("date de fin", "fin")) or "", default_year)
    if start and end:
        return start, end
    folded = re.sub(r"\s+", " ", fold(text))
    for pattern in (_FROM_TO, _HELD_ON, _DATE_LIST):
        for m in pattern.finditer(folded):
            found = parse.parse_date_range(m.group(), default_year)
            if found:
                return found
    return None


def period_fields(
    text: str, default_year: int | None = None, labels: Sequence[str] = PERIOD_LABELS
) -> dict[str, Any]:
    found = period(text, default_year, labels)
    if not found:
        return {}
    return {"start_date": found[0].isoformat(), "end_date": found[1].isoformat()}


DURATION_LABELS = (
    "duree",
    "duree totale",
    "duree de la formation",
    "duree de l'action",
    "duree totale de la formation",
    "nombre d'heures",
    "volume horaire",
    "nombre total d'heures",
    "duree du stage",
    "duree par stagiaire",
    "duree par participant",
    "dates et duree",
)
_DURATION_PHRASE = re.compile(
    r"(?:d'une|pour une|soit une|sur une)\s+duree\s+(?:totale\s+)?de\s+"
    r"(\d+(?:[.,]\d+)?\s*h\w*(?:\s*\d\d)?)"
)


def duration_hours(text: str) -> float | None:
    """Planned hours per trainee: by label, else "d'une durée de 14 heures"."""
    value = labelled(text, DURATION_LABELS, accept=lambda v: parse.parse_hours(v) is not None)
    hours = parse.parse_hours(value) if value else None
    if hours is None:
        m = _DURATION_PHRASE.search(re.sub(r"\s+", " ", fold(text)))
        hours = parse.parse_hours(m.group(1)) if m else None
    return hours


def number(value: float | None) -> float | int | None:
    """JSON-friendly number: 14 rather than 14.0."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 2)


# "Fait à Montpellier, le 2 mars 2026", "Fait en deux exemplaires à Lyon le 02/03/2026"
_SIGNED_DATE = re.compile(r"\bfait\b[^\n]{0,60}?\ble\b\s*([^\n]{4,40})")


def document_date(text: str, labels: Sequence[str], default_year: int | None = None) -> str | None:
    """Date of the document itself: a date label, else "Fait à …, le …"."""
    value = labelled(text, labels)
    when = parse.parse_date(value, default_year) if value else None
    if when is None:
        m = _SIGNED_DATE.search(fold(text))
        when = parse.parse_date(m.group(1), default_year) if m else None
    return when.isoformat() if when else None


# --------------------------------------------------------------------------- people lists

TRAINEE_LABELS = (
    "stagiaires",
    "stagiaire",
    "stagiaire s",
    "participants",
    "participant",
    "participant e s",
    "participants es",
    "nombre de stagiaires",
    "nombre de participants",
    "liste des stagiaires",
    "liste des participants",
    "apprenants",
    "apprenant",
    "apprenant e s",
    "beneficiaires",
    "personnes formees",
)

_NOT_NAMES = re.compile(
    r"\b(?:signatures?|formateurs?|formatrices?|total|matin|apres|dates?|stagiaires?|participants?|nom|"
    r"prenom|page|session|heures?|absent|excuse|cachet|intervenant|entreprise|formation|"
    r"convention|client|lieu|duree|horaires?|organisme|coop\w*|lundi|mardi|mercredi|jeudi|"
    r"vendredi|samedi|dimanche|pour|article|objet|montant|tva|le|la|les|curriculum|vitae|cv|"
    r"bilan|programme|attestation|facture|feuille|questionnaire|evaluation|devis|contrat)\b"
)


def looks_like_person(value: str) -> bool:
    """Two to four capitalised words and nothing that is a table heading."""
    value = value.strip()
    if not _PERSON.fullmatch(value):
        return False
    return _NOT_NAMES.search(fold(value)) is None


def split_names(value: str) -> list[str]:
    """Names from "Léa Martin, Paul Durand et Zoé Roux" (statuses in brackets dropped)."""
    value = re.sub(r"\([^)]*\)", "", value)
    parts = re.split(r"\s*(?:,|;|/|\bet\b|\s[-–—]\s|\n)\s*", value)
    names = [person_value(p) for p in parts]
    return [n for n in names if n and looks_like_person(n)]


def _listed_below(lines: Sequence[str], index: int) -> list[str]:
    """Names listed one per line (bulleted or numbered) right after a label.

    One sentence that introduces the list may come between ("Le client inscrit les
    personnes suivantes :").
    """
    names: list[str] = []
    following = [line for line in lines[index + 1 : index + 3] if line.strip()]
    if following and following[0].rstrip().endswith(":") and not split_names(following[0]):
        index = lines.index(following[0], index + 1)
    previous = ""
    for position in range(index + 1, len(lines)):
        line = lines[position]
        stripped = _BULLET.sub("", line).strip()
        stripped = _COLUMNS.split(stripped)[0].strip()
        if not stripped:
            if names and not _item_follows(lines, position, previous):
                break
            continue
        name = person_value(stripped)
        if not name or not looks_like_person(name):
            break
        names.append(name)
        previous = line
    return names


def trainees(text: str) -> list[str]:
    """Trainee names stated after a "Stagiaires" label: "Label : A, B", "Label A, B" (a
    two-column table read as text), or listed below the label."""
    labels = [norm_label(label) for label in TRAINEE_LABELS]
    lines = text.splitlines()
    all_cells = cells(text)
    for cell in all_cells:
        if not cell.alone and cell.value and _trainee_label(cell.key, labels):
            stated = re.search(r"\b(\d{1,3})\b", cell.key)
            count = int(stated.group(1)) if stated else None
            names = split_names(_wrapped_names(cell.value, lines, cell.line, count))
            names = names or _listed_below(lines, cell.line)
            if names:
                return _unique(names)
    for label in labels:
        for index, line in enumerate(lines):
            for value in _glued_values([line], label):
                names = split_names(_wrapped_names(value, lines, index))
                if names:
                    return _unique(names)
    for cell in all_cells:
        if (cell.alone or not cell.value) and _trainee_label(cell.key, labels):
            # Below the label: one line "A, B, C" or a bulleted list, whichever holds more.
            inline = split_names(_next_value_line(lines, cell.line))
            names = max(inline, _listed_below(lines, cell.line), key=len)
            if names:
                return _unique(names)
    return []


def _trainee_label(key: str, labels: Sequence[str]) -> bool:
    # "Participants 6 : …", "Stagiaires (3)": the count printed with the label.
    return _label_matches(re.sub(r"(?:\s\d+)+$", "", key), labels)


_BULLET = re.compile(r"^\s*(?:[-•*·–]|\d+[.)])\s*")


def _item_follows(lines: Sequence[str], index: int, previous: str) -> bool:
    """A blank line inside a list (OCR leaves some): the next printed line is another
    item, bulleted like the ``previous`` one and a person's name."""
    after = [line for line in lines[index + 1 : index + 3] if line.strip()]
    if not after or (_BULLET.match(after[0]) is None) != (_BULLET.match(previous) is None):
        return False
    name = person_value(_BULLET.sub("", after[0]))
    return name is not None and looks_like_person(name)


def _wrapped_names(value: str, lines: Sequence[str], index: int, count: int | None = None) -> str:
    """A list of names with its wrapped end: "A, B, Nora Ben" + next line "Saïd, C"; or
    fewer names than the label counts ("Participants 4 :") and the rest on the next line."""
    if index + 1 >= len(lines):
        return value
    parts = [p.strip() for p in lines[index + 1].split(",")]
    if lines[index].rstrip().endswith(","):
        return f"{value}, {lines[index + 1]}" if looks_like_person(parts[0]) else value
    after = lines[index + 1].strip()
    if count and len(split_names(value)) < count and after and ":" not in after:
        return f"{value} {after}"
    # A name cut in two ("…, Anne" / "Sophie Lenoir, Rémi Tessier"): its end starts the
    # next line, and more names follow it.
    joined = f"{value.rsplit(',', 1)[-1].strip()} {parts[0]}"
    rest = [p for p in parts[1:] if p]
    if rest and looks_like_person(joined) and all(looks_like_person(p) for p in rest):
        return f"{value} {lines[index + 1]}"
    return value


def _unique(names: Sequence[str]) -> list[str]:
    kept: list[str] = []
    for name in names:
        if all(parse.same_person(name, other) < 0.9 for other in kept):
            kept.append(name)
    return kept


_E_SIGNED = re.compile(r"sign[ée]e?\s+(?:electroniquement|numeriquement)\s+par\s*:?\s*([^\n,(]+)")


def stated_signatures(text: str, parties: dict[str, str | None]) -> dict[str, bool] | None:
    """Parties stated as signed ("Signé électroniquement par Paul Durand"), if any.

    ``parties`` maps a CONTRACT party to the name read for it. Signatures drawn
    on paper are the image checker's job, not this text reader's.
    """
    folded = fold(text)
    signers = [text[m.start(1) : m.end(1)].strip() for m in _E_SIGNED.finditer(folded)]
    if not signers:
        return None
    result = {}
    for party, name in parties.items():
        if name:
            result[party] = any(parse.same_person(name, s) >= 0.85 or
                                fold(name) in fold(s) for s in signers)  # fmt: skip
    return result or None


_SCHEDULE = re.compile(r"horaires?|de\s+\d{1,2}\s*h")


def half_day_hours(text: str) -> dict[str, float] | None:
    """Half-day lengths from a printed schedule ("Horaires : 9h00-12h30 et 13h30-17h00")."""
    for line in text.splitlines():
        if not _SCHEDULE.search(fold(line)):
            continue
        hours: dict[str, float] = {}
        for start, end in parse.time_ranges(line):
            half = "matin" if start < 12 else "apres-midi"
            hours.setdefault(half, round(end - start, 2))
        if hours:
            return hours
    return None
