"""What the header cells of an attendance table mean, and which axis holds what.

A header cell is read for its meaning, not its position: "N°" numbers the rows, "NOM"
and "Prénom" hold the two halves of a name, "Fonction / service" is other text,
"Date" and "Demi-journée" label rows of a one-trainee sheet, "Matin (9h-12h30)" is a
signature column for a half-day, "Signature du stagiaire" / "Signature de
l'intervenant·e" are signature columns of the trainee and of the trainer. From the
roles of a table's columns, :func:`plan` decides the axes: trainees as rows (names in
one or two columns) or dates as rows (one trainee's sheet), and which columns hold
signatures. Words are general French (and the usual English short forms), never one
template's wording; OCR slips are forgiven by a fuzzy match on the longer words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from pipeline.parse import find_dates, fold

#: Roles a column (or a row label) can have.
NUMBER = "number"  # N°, #, rang
NAME = "name"  # the whole name ("Nom et prénom", "Stagiaire", "Participant")
LAST = "last"  # NOM alone
FIRST = "first"  # Prénom alone
OTHER = "other"  # company, function, e-mail, observations... never a name, never a mark
DATE = "date"  # rows are dates ("Date", "Jour")
HALF = "half"  # the row's half-day is named in this column ("Demi-journée", "Créneau")
HOURS = "hours"  # a time range or "Horaires"
DURATION = "duration"  # "Durée", "Nb d'heures"
SLOT = "slot"  # a trainee's signature for a date and/or half-day named in the header
TRAINEE = "trainee_sign"  # "Signature du stagiaire", "Émargement": half-day from the row
TRAINER = "trainer_sign"  # "Signature du formateur / de l'intervenant·e"
UNKNOWN = "unknown"

_TRAINEE_WORDS = (
    "stagiaire",
    "stagiaires",
    "participant",
    "participante",
    "participants",
    "apprenant",
    "apprenante",
    "beneficiaire",
    "salarie",
    "salariee",
    "candidat",
    "candidate",
    "eleve",
    "auditeur",
    "auditrice",
)
_TRAINER_WORDS = (
    "formateur",
    "formatrice",
    "formateurs",
    "intervenant",
    "intervenante",
    "intervenants",
    "animateur",
    "animatrice",
    "consultant",
    "consultante",
    "trainer",
    "tuteur",
    "tutrice",
)
_OTHER_WORDS = (
    "fonction",
    "service",
    "entreprise",
    "societe",
    "structure",
    "organisme",
    "employeur",
    "poste",
    "email",
    "mail",
    "courriel",
    "telephone",
    "tel",
    "observation",
    "observations",
    "commentaire",
    "commentaires",
    "remarque",
    "remarques",
    "statut",
    "qualite",
    "etablissement",
    "adresse",
    "ville",
    "emploi",
    "metier",
    "signataire",
)
_SIGN_WORDS = ("signature", "signatures", "emargement", "visa", "paraphe", "sign", "presence")
_WEEKDAY = re.compile(r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b")
_HALF_NAMED = re.compile(r"\b(matin|matinee|apres[ -]?midi|am|pm|apm)\b")
# "Demi-journée" whose "Demi" a photo garbled ("Deni- journée") still ends "-journée".
_HALF_ROW = re.compile(
    r"demi\s*-?\s*journee|\b[a-z]{3,4}\s*-\s*journee|creneau|seance|periode|moment|session"
)
_TIME_RANGE = re.compile(r"\d{1,2}\s*h\s*\d{0,2}\s*[-–à/a]+\s*\d{1,2}\s*h")
_NUMBER = re.compile(r"^(n\s*[°o0º]?|no|num|numero|#|rang|n° ordre|ordre)\.?$")


@dataclass(frozen=True)
class Role:
    """A header cell's meaning, and how sure the reading of it is (0..1)."""

    kind: str
    confidence: float


def _tokens(folded: str) -> list[str]:
    return re.findall(r"[a-z]+", folded)


def _like(tokens: list[str], words: tuple[str, ...], fuzzy: bool = True) -> bool:
    """Whether a token is one of the words, or (six letters or more) nearly one."""
    for token in tokens:
        if token in words:
            return True
        near = (_similar(token, w, 0.8) for w in words if len(w) >= 6)
        if fuzzy and len(token) >= 6 and any(near):
            return True
    return False


def _similar(one: str, other: str, cut: float) -> bool:
    """``SequenceMatcher(None, one, other).ratio() >= cut``, its upper bounds tried first
    (the lengths' ``real_quick_ratio``, then ``quick_ratio``): the same answer, cheaper."""
    total = len(one) + len(other)
    if total and 2.0 * min(len(one), len(other)) / total < cut:
        return False
    matcher = SequenceMatcher(None, one, other)
    return matcher.quick_ratio() >= cut and matcher.ratio() >= cut


def role_of(label: str, year: int | None = None) -> Role:
    """The role of a column from its header text (header rows joined); ``year``: the
    page's, for short dates ("Mar. 15/04")."""
    folded = fold(label).strip()
    if not folded:
        return Role(UNKNOWN, 0.0)
    tokens = _tokens(folded)
    compact = re.sub(r"\s+", " ", folded.replace("|", " ")).strip()
    if _NUMBER.match(compact) or compact in ("n", "n°", "n o"):
        return Role(NUMBER, 0.9)
    signs = _like(tokens, _SIGN_WORDS)
    trainer = _like(tokens, _TRAINER_WORDS)
    trainee = _like(tokens, _TRAINEE_WORDS)
    dated = bool(find_dates(label, year)) or bool(_WEEKDAY.search(folded))
    half = bool(_HALF_NAMED.search(folded)) or bool(_TIME_RANGE.search(folded))
    if trainer and not trainee:
        return Role(TRAINER, 0.9 if signs or len(tokens) <= 3 else 0.8)
    if dated or half and not _HALF_ROW.search(folded):
        # "Lundi 09/03 | Matin", "Matin (9h-12h30)": a signature column for that slot,
        # unless it only prints the hours of the row ("Horaires 9h-12h30" is HOURS).
        if _like(tokens, ("horaire", "horaires", "heure", "heures"), fuzzy=False) and not (
            _HALF_NAMED.search(folded) or dated
        ):
            return Role(HOURS, 0.85)
        return Role(SLOT, 0.9)
    if signs:
        return Role(TRAINEE, 0.9 if trainee else 0.7)
    # "Date de la séance" is a date, "Horaires de la séance" hours: before "séance".
    if _like(tokens, ("duree", "temps"), fuzzy=False) or "nb" in tokens and "heure" in folded:
        return Role(DURATION, 0.85)
    if _like(tokens, ("horaire", "horaires", "heure", "heures"), fuzzy=False):
        return Role(HOURS, 0.85)
    if _like(tokens, ("date", "dates"), fuzzy=False):
        return Role(DATE, 0.9)
    if _HALF_ROW.search(folded):
        return Role(HALF, 0.9)
    if _like(tokens, ("jour", "jours"), fuzzy=False):
        return Role(DATE, 0.9)
    # "Nom de famille" whose "Nom" a photo made "Non": "famille" says it alone.
    named = "nom" in tokens or "noms" in tokens or "famille" in tokens
    first = "prenom" in tokens or "prenoms" in tokens or _like(tokens, ("prenom",))
    if named and first or trainee or _like(tokens, ("identite", "participant"), fuzzy=False):
        return Role(NAME, 0.9)
    if _like(tokens, _OTHER_WORDS, fuzzy=False):
        return Role(OTHER, 0.85)
    if named:
        return Role(LAST, 0.9)
    if first:
        return Role(FIRST, 0.9)
    return Role(UNKNOWN, 0.0)


_GLUE = ("et", "de", "du", "des", "la", "le", "l", "d", "e", "s", "en", "ou", "a", "par", "son")
_TITLE_WORDS = (
    *_TRAINEE_WORDS,
    *_TRAINER_WORDS,
    *_OTHER_WORDS,
    *_SIGN_WORDS,
    *_GLUE,
    "nom",
    "noms",
    "prenom",
    "prenoms",
    "identite",
    "n",
    "no",
    "num",
    "numero",
    "date",
    "dates",
    "jour",
    "majuscules",
    "capitales",
    "famille",
    "usage",
)


def is_header_word(text: str) -> bool:
    """Whether a cell's text is a column title (a header row's, never a trainee's name):
    a role, in words that are all title words ("Nom et prénom"; not "VILLE Marie")."""
    if role_of(text).kind in (UNKNOWN, SLOT) or find_dates(text):
        return False
    tokens = _tokens(fold(text))
    return bool(tokens) and all(_like([t], _TITLE_WORDS) for t in tokens)


@dataclass(frozen=True)
class Plan:
    """How a table is read, from its columns' roles (indices into the table's columns)."""

    rows: str  # "trainees" (a row per trainee) | "dates" (a row per date or half-day)
    names: tuple[int, ...] = ()  # name columns, last name first ("NOM Prénom")
    number: int | None = None
    date: int | None = None
    half: int | None = None
    slots: tuple[int, ...] = ()  # signature columns dated or halved by the header
    trainee: tuple[int, ...] = ()  # signature columns of the trainee (row gives the slot)
    trainer: tuple[int, ...] = ()
    roles: tuple[Role, ...] = field(default=())
    people: tuple[int, ...] = ()  # trainees as columns: each headed by a trainee's name

    @property
    def marks(self) -> tuple[int, ...]:
        """Every column whose cells hold a trainee's mark."""
        return tuple(sorted(self.slots + self.trainee))


def plan(
    labels: list[str],
    year: int | None = None,
    dated: Sequence[int] = (),
    content: Mapping[int, str] | None = None,
    lettered: Sequence[int] = (),
) -> Plan | None:
    """The table's axes from its column headers, or None when the headers say too little
    (then the caller reads by position, as before: the first column names the row).

    Rows are trainees when a column holds names; rows are dates when a column is headed
    "Date" and none holds names (a one-trainee sheet, the name printed above). ``dated``:
    columns whose cells are dates, date columns whatever their header says ("Séance").
    ``lettered``: columns whose cells are words of letters, never row numbers (a photo's
    "Nom" read as "N").
    """
    roles = tuple(
        _by_content(role_of(label, year), i in dated, i in lettered)
        for i, label in enumerate(labels)
    )
    kinds = [r.kind for r in roles]

    def where(kind: str) -> list[int]:
        return [i for i, k in enumerate(kinds) if k == kind]

    slots = tuple(where(SLOT))
    trainee = tuple(where(TRAINEE))
    trainer = tuple(where(TRAINER))
    number = next(iter(where(NUMBER)), None)
    names = tuple(where(NAME)[:1]) or tuple(where(LAST)[:1] + where(FIRST)[:1])
    if names and kinds[names[0]] == FIRST and _last_before(names[0], kinds, lettered):
        # "Prénom" read, the title of the column of words before it not: its last names.
        names = (names[0] - 1, names[0])
        roles = roles[: names[0]] + (Role(LAST, 0.85),) + roles[names[1] :]
    dates = where(DATE)
    if names and (slots or trainee):
        return Plan("trainees", names, number, None, None, slots, trainee, trainer, roles)
    half = next(iter(where(HALF)), None)
    across = None if names or slots else _people_across(labels, kinds, roles, content, number)
    if dates and (slots or trainee):
        if across is not None and len(across.people) >= 2 and min(trainee) > max(across.people):
            # Two trainees' names over columns, then a signature column after them ("Visa
            # du formateur" whose last word a shaded header lost): the names say the axes;
            # whose that column is stays unsaid.
            return across
        return Plan("dates", (), number, dates[0], half, slots, trainee, trainer, roles)
    return across if not trainee else None


def _people_across(
    labels: list[str],
    kinds: list[str],
    roles: tuple[Role, ...],
    content: Mapping[int, str] | None,
    number: int | None,
) -> Plan | None:
    """Trainees as columns: a column per trainee headed by the name, rows of half-days
    (and dates, or one date in the title). The rows must say their half-day: a
    "Demi-journée" / "Période" column, or their hours. The columns before the names
    label the rows: what their cells hold (``content``: dates, half-days) says which
    is which better than a header like "Séance"."""

    def where(kind: str) -> list[int]:
        return [i for i, k in enumerate(kinds) if k == kind]

    dates = where(DATE)
    trainer = tuple(where(TRAINER))
    held = dict(content or {})
    named = [kinds[i] == UNKNOWN and reads_as_name(label) for i, label in enumerate(labels)]
    people = tuple(i for i, is_name in enumerate(named) if is_name and i not in held)
    if not people:
        return None
    lead = range(min(people))
    day = next((i for i in lead if held.get(i) == DATE), dates[0] if dates else None)
    halves = [i for i in lead if held.get(i) == HALF] + [i for i in where(HALF) if i in lead]
    half = next((i for i in halves if i != day), None)
    if half is not None or HOURS in kinds:
        return Plan("dates", (), number, day, half, (), (), trainer, roles, people)
    return None


def _last_before(first: int, kinds: Sequence[str], lettered: Sequence[int]) -> bool:
    """Whether the column before a lone "Prénom" column holds the last names: its title
    unread (no role), its cells words of letters."""
    return first > 0 and kinds[first - 1] == UNKNOWN and first - 1 in lettered


def _by_content(role: Role, dated: bool, lettered: bool = False) -> Role:
    """A column of dates is the date column unless its header gives it a clear other
    role (a name, a signature). A column of words headed like a row number ("N", what
    is left of "Nom") holds last names: rows are not numbered in letters."""
    if lettered and role.kind == NUMBER:
        return Role(LAST, 0.85)
    return Role(DATE, 0.85) if dated and role.kind in (UNKNOWN, HALF, OTHER) else role


def reads_as_name(label: str) -> bool:
    """Whether a header reads as a person's name: two to five words of letters ("NOM |
    Prénom" on two header rows, "DE LA FONTAINE Mehdi"); a speck read as a sign (":")
    is no word."""
    # A hyphen the OCR spaced from its word ("SAINT -MARTIN") joins it again.
    joined = re.sub(r"(?<=\w) -(?=\w)|(?<=\w)- (?=\w)", "-", label.replace("|", " "))
    words = [w for w in joined.split() if re.search(r"[^\W\d_]", w)]
    return 2 <= len(words) <= 5 and all(re.fullmatch(r"[^\W\d_][\w'’.-]*", w) for w in words)
