"""Printed and written words on an attendance sheet: lines of one size, dates named with
their weekday, column titles grouped by the gaps between them, and what a cell's words
say of a mark (an electronic attendance record, a half-read absence word). Also what a
label means: a half-day and its hours ("Matin (9h-12h30)"), an absence, the trainer's row,
a column title; and what the print above a table gives: a one-day sheet's date, a
one-trainee sheet's trainee."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from datetime import date
from difflib import SequenceMatcher

from pipeline.ocr import Word
from pipeline.parse import MONTHS, find_dates, fold
from pipeline.reading import header as header_roles
from pipeline.reading.sheet_results import APRES_MIDI, MATIN
from pipeline.reading.words import lines as line_groups
from pipeline.reading.words import text_of

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b")
# An e-attendance record printed in the cell: "Signé le 12/03/2026 à 09:04", "Émargé
# électroniquement le 12/03", "Validé à 9h04" (a verb, then a date or a time); a scan
# may lose the date's first slash ("Signé le 1501/2026").
_SIGNED_MENTION = re.compile(
    r"\b(sign|emarg|valid|pointe|connecte)\w*\b[^\d]{0,40}?"
    r"(\d{1,2}\s*[/.-]\s*\d{1,2}|\d{4}\s*[/.-]\s*\d{2,4}|\d{1,2}\s*[h:]\s*\d{2})"
)
_ABSENCE_WORDS = ("absent", "absente", "excuse", "excusee", "absence")


def is_signed_mention(text: str) -> bool:
    """Whether a cell's text records an electronic attendance ("Signé le 12/03 à 09:04")."""
    return bool(_SIGNED_MENTION.search(fold(text)))


#: A date with a time of day ("13/04/2026 à 11:08", a slash lost: "1501/2026 à 13:06"):
#: when a mark was recorded, never a row's date label (whose times, if any, are a range:
#: "9h-12h30").
_TIMESTAMP = re.compile(
    r"\d{1,2}\s*[/.-]?\s*\d{1,2}\s*[/.-]?\s*\d{2,4}\s+a\s+\d{1,2}\s*[h:.-]\s*\d{2}"
)


def is_timestamp(text: str) -> bool:
    """Whether a cell's text holds a recorded time ("... le 13/04/2026 à 11:08"), the
    verb before it read or not ("Sioné le")."""
    return bool(_TIMESTAMP.search(fold(text)))


def looks_absent(text: str, near: float = 0.7) -> bool:
    """Whether a cell's OCR'd handwriting is nearly an absence word ("h Sent," for
    "absent", "Exuse"): too unsure to say absent, too telling to trust a signature.
    ``near``: how alike (0..1) the word must be."""
    compact = re.sub(r"[^a-z]", "", fold(text))
    if len(compact) < 4:
        return False
    return any(SequenceMatcher(None, compact, word).ratio() >= near for word in _ABSENCE_WORDS)


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
    for match in WEEKDAY.finditer(folded):
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


_ABSENT = re.compile(r"\b(abs|absent|absente|abs\.|absence|excuse|excusee|exc\.)(?!\w)")
# "Signature du formateur": bold print on scans reads "iormaieur", but "signature" survives.
_TRAINER = re.compile(r"format(eur|rice)|intervenant|signature")
_TRAINER_WORDS = ("signature", "formateur", "formatrice", "intervenant", "intervenante")
HEADER_NAME = re.compile(r"\bnom\b|stagiaire|participant|prenom")
MORNING = re.compile(r"\bmatin\b|\bam\b|\bmatinee\b")
TIME_RANGE = re.compile(r"(\d{1,2})\s*h\s*(\d{2})?\s*(?:[-–à]+|a\b)\s*(\d{1,2})\s*h\s*(\d{2})?")
DATE_HEADER = re.compile(r"(date|jour)s?\b")
_DAY_TITLE = re.compile(
    r"journee\s+du|seance\s+du|date\s*:|date de la (seance|journee)\s*:|\ble\s+\w*\s*\d"
)


def half_day_of(label: str) -> str | None:
    """The half-day a label names: in words ("Matin", "Après-midi", "AM", "PM"), or by
    its hours (:func:`range_half`); none when it names both."""
    folded = fold(label)
    afternoon = re.search(r"apres[ -]?midi|\bapres\b|\bpm\b|\bap\.?\s*m", folded)
    morning = re.search(r"\bmatin|\bam\b", folded)
    if afternoon or morning:
        # Both: a day's header over its two halves read as one cell; neither is sure.
        return None if afternoon and morning else APRES_MIDI if afternoon else MATIN
    found = TIME_RANGE.search(digits_fixed(label))
    return range_half(found) if found else cut_range_half(label)


#: A time range whose start a photo turned into a letter ("Sh-12h30" for "9h-12h30").
_CUT_RANGE = re.compile(r"(?<![\w])[a-z]\s*h\s*(?:\d{2})?\s*[-–]+\s*(\d{1,2})\s*h\s*(\d{2})?")
#: A range ending by this hour is a morning's whatever its start.
MORNING_CLOSE = 13


def cut_range_half(label: str) -> str | None:
    """The half-day of a time range whose start was misread as a letter: the morning when
    it ends by :data:`MORNING_CLOSE` (a range ending later may be an afternoon's or a whole
    day's: neither is said)."""
    found = _CUT_RANGE.search(digits_fixed(label))
    if not found:
        return None
    end = int(found.group(1)) + int(found.group(2) or 0) / 60
    return MATIN if 8 < end <= MORNING_CLOSE else None


#: A morning's hours end by this hour; a range starting before noon and ending later is
#: a whole day ("9h-17h"), no half-day.
MORNING_END = 14


def range_half(found: re.Match[str]) -> str | None:
    """The half-day of a time range (:data:`TIME_RANGE`'s match): one starting before noon
    and ending by the early afternoon is the morning ("9h-12h30"), one starting at noon or
    later the afternoon ("13h30-17h"); a whole day, or no plausible range, is neither."""
    start = int(found.group(1)) + int(found.group(2) or 0) / 60
    end = int(found.group(3)) + int(found.group(4) or 0) / 60
    if not 0 < end - start <= 8 or end > 24:
        return None
    if start >= 12:
        return APRES_MIDI
    return MATIN if end <= MORNING_END else None


def halves_named(line: str) -> set[str]:
    """The half-days a line of print names, in words or by time ranges ("Séance du 12/03 -
    après-midi", "9h00 - 12h30"; "Horaires : 9h-12h30 / 13h30-17h" names both)."""
    folded = fold(line)
    halves = set()
    if re.search(r"apres[ -]?midi|\bpm\b", folded):
        halves.add(APRES_MIDI)
    if re.search(r"\bmatin(ee)?\b|\bam\b", folded):
        halves.add(MATIN)
    for found in TIME_RANGE.finditer(digits_fixed(line)):
        half = range_half(found)
        halves |= {half} if half else {MATIN, APRES_MIDI}  # a whole day: both
    cut = cut_range_half(line)
    return halves | {cut} if cut else halves


def hours_of(label: str) -> float | None:
    """Length of a printed time range: "9h-12h30" → 3.5."""
    found = TIME_RANGE.search(digits_fixed(label))
    if not found:
        return None
    start = int(found.group(1)) + int(found.group(2) or 0) / 60
    end = int(found.group(3)) + int(found.group(4) or 0) / 60
    return round(end - start, 2) if 0 < end - start <= 8 else None


def digits_fixed(label: str) -> str:
    """OCR slips in time ranges undone: "12n30" → "12h30", "9hOO" → "9h00"."""
    folded = fold(label).replace("o", "0")
    return re.sub(r"(?<=\d)\s?[nb](?=\s?[\d)\-–]|\s*$)", "h", folded)


def is_trainer_label(text: str) -> bool:
    """Whether a row label is the trainer's ("Signature du formateur", even misread)."""
    folded = fold(text)
    if _TRAINER.search(folded):
        return True
    return any(
        SequenceMatcher(None, token, known).ratio() >= 0.78
        # The word's end (or start) alone: its other letters across a column's rule
        # ("Inte | rvenant·e" over the number and name columns).
        or len(token) >= 7
        and (known.endswith(token) or known.startswith(token))
        for token in re.findall(r"[a-z]{6,}", folded)
        for known in _TRAINER_WORDS
    )


def is_absent(text: str) -> bool:
    return bool(_ABSENT.search(fold(text)))


def title_date(words: Sequence[Word], above: int, default_year: int | None) -> date | None:
    """The day of a one-day sheet, from the lines above the table ("Journée du 11/05/2026")."""
    texts = text_lines(words, above)
    for text in texts:
        if _DAY_TITLE.search(fold(text)):
            found = find_dates(text, default_year)
            if len(set(found)) == 1:  # a day, not a period ("Dates : du 10/07 au 20/07")
                # "Séance du Ven. 04/04/2026", a Saturday: a digit misread, no sure day.
                return None if weekday_disagrees(text, found[0]) else found[0]
    # "du lundi 16 décembre 2024" with "Journée" wrapped away: the one date given with
    # its weekday (a session's "du 16/12/2024 au 14/01/2025" names none).
    named = {d for t in tight_lines(words, above) for d in weekday_dates(t, default_year)}
    if len(named) == 1:
        return named.pop()
    everything = {d for t in texts for d in find_dates(t, default_year)}
    if len(everything) != 1:
        return None
    day = everything.pop()
    dated = [t for t in texts if day in find_dates(t, default_year)]
    return None if any(weekday_disagrees(t, day) for t in dated) else day


_TRAINEE_LABEL = re.compile(
    r"(?i)(?:stagiaire|participant|apprenant|b[ée]n[ée]ficiaire|salari[ée]|nom et pr[ée]nom"
    r"|nom\s*/?\s*pr[ée]nom|pr[ée]nom et nom)[\w()·.\-]*"
    r"(?:[:·•]e\b)?"  # "Apprenant·e", its dot read as a colon
    r"(?:\s*[,.;'’·•-]+)?"  # a speck before the colon ("Bénéficiaire ,: Léa Martin")
    r"\s*:\s*(.+)"
)


#: A word that labels a person's name on a form's line ("Nom : …", "Stagiaire : …").
_NAME_LABEL = re.compile(
    r"(?i)(?<![\w'’])(?:nom|pr[ée]nom|stagiaire|participant|apprenant|b[ée]n[ée]ficiaire"
    r"|salari[ée])(?![\w'’])"
)


def names_someone(words: Sequence[Word], above: int) -> bool:
    """Whether a line above ``above`` labels a person's name ("Nom : BOUVIER", "Stagiaire :"
    with its colon further on, or the label opening the line): the page names its own
    trainee, read or not."""
    for line in text_lines(words, above):
        for found in _NAME_LABEL.finditer(line):
            if found.start() == 0 or ":" in line[found.end() : found.end() + 40]:
                return True
    return False


def trainee_name(words: Sequence[Word], above: int) -> str:
    """The trainee of a one-trainee sheet: "Stagiaire : Léa Martin" above the table."""
    for line in text_lines(words, above):
        found = _TRAINEE_LABEL.search(line)
        if found:
            # "Stagiaire : Léa Martin   Action : …" on one line: up to the next label.
            return re.split(r"\s+[^\s:]+\s*:(?:\s|$)", found.group(1))[0].strip()
    return _split_name(text_lines(words, above))


_NAME_PART = re.compile(
    r"(?i)(?<![\w'’])(nom(?: de famille| d'usage| de naissance)?|pr[ée]nom)\s*:\s*"
    r"(.+?)(?=\s+[^\s:]+\s*:|$)"
)


def _split_name(lines: Sequence[str]) -> str:
    """ "NOM : FERRAND   Prénom : Chloé" (one line or two): "FERRAND Chloé", when both
    parts are there, each up to the next label."""
    parts: dict[str, str] = {}
    for line in lines:
        # A word read twice side by side (the print above a photo's table read again,
        # "Nom de famille famille : : OULHAJ"): once.
        line = re.sub(r"(?<!\S)(\S+)(?:\s+\1)+(?!\S)", r"\1", line)
        for found in _NAME_PART.finditer(line):
            value = found.group(2).strip(" :;,.")
            key = "last" if found.group(1).lower().startswith("nom") else "first"
            parts.setdefault(key, value)
    if not parts.get("last") or not parts.get("first"):
        return ""
    return f"{parts['last']} {parts['first']}"


def text_lines(words: Sequence[Word], above: int) -> list[str]:
    """The text lines of the words above ``above``, top to bottom."""
    return [text_of(line) for line in line_groups([w for w in words if w.box[3] <= above])]


def dated_cells(texts: Sequence[str], year: int | None) -> bool:
    """Whether a column's body cells are mostly dates ("Mar. 03/11", "lundi 16 février"):
    a date column, whatever its header says. An e-attendance record ("Signé le 12/03 à
    09:04") is a mark, not a date, and makes its column a marks column: the OCR may garble
    the verb of its neighbours ("figné le 12/03 à 14:58") but no date column holds one."""
    if any(is_signed_mention(t) for t in texts):
        return False
    printed = [t for t in texts if re.search(r"\w", t) and not is_timestamp(t)]
    dated = [t for t in printed if cell_dates(t, year)]
    # A photo's blurred date keeps its year or month ("marc à lvier 2026"): date-like.
    like = [t for t in printed if t in dated or _date_like(t)]
    return bool(dated) and len(like) >= 0.6 * len(printed)


def names_two_days(text: str, year: int | None) -> bool:
    """Whether a row's date cell holds two days ("Jeudi 29 octobre 2026 Vendredi 30
    octobre 2026", the first garbled or not): two rows whose boundary went unread, so
    that its cells may hold either row's marks."""
    return len(_YEAR.findall(text)) > 1 or len(set(cell_dates(text, year))) > 1


def _date_like(text: str) -> bool:
    """What a photo's blur leaves of a date: its year, month or weekday."""
    folded = fold(text)
    return any(p.search(folded) for p in (_YEAR, _MONTH, WEEKDAY))


_YEAR = re.compile(r"(?<!\d)20\d{2}(?!\d)")

#: A weekday cut short as headers print it ("Ven. 03/04", "Mer 12/03"): three letters
#: right before the day's number ("mars", "Sam Dupont" are no weekday).
_SHORT_WEEKDAY = re.compile(r"\b(lun|mar|mer|jeu|ven|sam|dim)(?:\.\s*|\s+)(?=\d)")


#: A header cell's title starting with a weekday cut short, whatever follows ("Mer.").
_SHORT_WEEKDAY_FIRST = re.compile(r"^\W*(lun|mar|mer|jeu|ven|sam|dim)\b(?!\s+[a-z])")


def weekdays_named(text: str, title: bool = False) -> set[int]:
    """The weekdays (0 = Monday) a text names, in full or cut short ("Ven. 03/04/2026");
    ``title``: a column title, whose first word may be a weekday cut short on its own (a
    photo's blur left "Mer." of "Mer. 04/11")."""
    folded = fold(text)
    cuts = _SHORT_WEEKDAY.findall(folded)
    if title:
        cuts += _SHORT_WEEKDAY_FIRST.findall(folded)
    full = {WEEKDAYS.index(day) for day in WEEKDAY.findall(folded)}
    return full | {WEEKDAYS.index(next(d for d in WEEKDAYS if d.startswith(c))) for c in cuts}


def weekday_disagrees(text: str, day: date) -> bool:
    """Whether a text naming one weekday ("Séance du Ven. 04/04/2026") dates it on another
    day: a digit misread (04 for 03), or the sheet's own slip. Either way the date is not
    sure."""
    named = weekdays_named(text)
    return len(named) == 1 and day.weekday() not in named


#: A lone sign that is no digit: a scan's speck read between a date's words.
_SPECK = re.compile(r"(?<!\S)[^\d\s](?!\S)")


def cell_dates(text: str, year: int | None) -> list[date]:
    """The dates of a cell's text ("lundi 16 - février 2026": specks left out; the year,
    when not printed, ``year``); none when its weekday says another day."""
    text = _SPECK.sub(" ", text)
    found = find_dates(text, year)
    named = weekdays_named(text)
    if len(found) == 1 and len(named) == 1 and found[0].weekday() not in named:
        # "jeudi 24/09/2025", a Wednesday: a digit misread (or the sheet's own slip). No
        # date rather than the wrong day: the cell is read again, else a person checks.
        return []
    if found:
        return found
    # A date whose slashes a photo lost ("24022026", "2402/2026").
    return sorted(loose_dates([text])) or scattered_date(text, year)


def scattered_date(text: str, year: int | None) -> list[date]:
    """A date whose words a cell's two lines shuffled ("Mercredi 2026 30 Matinée septembre"
    for "Mercredi 30 septembre | 2026 Matinée"): one weekday, one month in words, one day
    number and a year (printed, else ``year``), kept only when the weekday agrees with the
    date they make (shuffled words are no date otherwise)."""
    folded = fold(_SPECK.sub(" ", text))
    weekdays = set(WEEKDAY.findall(folded))
    months = {MONTHS[m] for m in _MONTH.findall(folded)}
    numbers = [int(n) for n in re.findall(r"(?<![\d/.:h-])\d{1,2}(?![\d/.:h-])", folded)]
    years = {int(y) for y in _YEAR.findall(folded)} or ({year} if year else set())
    if len(weekdays) != 1 or len(months) != 1 or len(numbers) != 1 or len(years) != 1:
        return []
    with contextlib.suppress(ValueError):
        day = date(years.pop(), months.pop(), numbers[0])
        if WEEKDAYS[day.weekday()] == weekdays.pop():
            return [day]
    return []


def loose_dates(lines: Sequence[str]) -> set[date]:
    """Dates printed dd/mm/yyyy whose OCR lost a slash ("0303/2026", "24022026")."""
    found = set()
    for line in lines:
        for day, month, year in _LOOSE_DATE.findall(digits_fixed(line)):
            with contextlib.suppress(ValueError):
                found.add(date(int(year), int(month), int(day)))
    return found


_LOOSE_DATE = re.compile(r"(?<!\d)(\d{2})[/.-]?(\d{2})[/.-]?(20\d{2})(?!\d)")


_TIME = re.compile(r"\d{1,2}\s*h\s*\d{0,2}")
_MONTH = re.compile(r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b")


def is_whole_title(text: str, year: int | None = None) -> bool:
    """A column title with no date or hours half read: a month or a weekday with no date
    ("décembre 2025 AM", its "Lundi 8" above missed), a time with no plausible range
    ("12h30" of "9h-12h30") asks for the cell read again."""
    folded = fold(text)
    partial = bool(_MONTH.search(folded) or WEEKDAY.search(folded))
    # "12h30" alone: a time range ("9h-12h30") whose start was lost; "3h30-17h00": one
    # whose first digit was ("(13h30-17h00)").
    # A half-day named in words needs no hours ("Après-midi V4b-1 7h30").
    worded = re.search(r"apres[ -]?midi|\bmatin(ee)?\b", folded)
    cut = _TIME.search(digits_fixed(text)) and hours_of(text) is None and not worded
    return (
        is_column_title(text)
        and not (partial and not find_dates(text, year) or cut)
        and not _signer_unread(text)
    )


#: A signature column whose title goes on to say whose ("Signature de l'intervenant(e)").
_SIGNER_SAID = re.compile(r"\b(signatures?|emargement|visa|paraphe)\s+(de|du|des|d)\b")


def _signer_unread(text: str) -> bool:
    """A signature column's title saying whose signature in words the OCR garbled
    ("Signature de d'in Hent(e)", small print wrapped on two lines): read again, since
    the trainer's column must not be taken for the trainee's."""
    role = header_roles.role_of(text)
    return (
        role.kind == header_roles.TRAINEE
        and role.confidence < 0.9
        and bool(_SIGNER_SAID.search(fold(text)))
    )


def is_column_title(text: str) -> bool:
    """Whether header text names a column's role or a day or half-day."""
    return is_day_label(text) or header_roles.role_of(text).kind != header_roles.UNKNOWN


def is_day_label(text: str) -> bool:
    """Whether header text names a day or a half-day."""
    folded = fold(text)
    return bool(find_dates(text) or halves_named(text) or WEEKDAY.search(folded))
