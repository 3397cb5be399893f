"""What the system writes back into each entrepreneur's folder of the share.

Reads the state of one entrepreneur's dossiers through :func:`pipeline.status.report`
and writes two files, in French, for a non-technical person opening their own
synced folder::

    <drop>/<ES folder>/_dossiers/Suivi de mes formations.html   (one self-contained page)
    <drop>/<ES folder>/_dossiers/Suivi de mes formations.txt    (the same, plain text)

Nothing else is written, and nothing the entrepreneur dropped is ever touched:
``_dossiers`` is the system's own folder (the watcher never reads it back).
Each file is replaced whole through a temporary file in the same folder and an
atomic rename, and only when its content changed apart from the update time,
so sync clients do not upload the same page every day.

The entrepreneur owns the folder, so nothing there is trusted (:mod:`pipeline.sharewrite`):
a ``_dossiers`` that is a link gets nothing written (said once in the log, and by
``dossiers status``); a page replaced by a link, a FIFO or a huge file is replaced
without being read. The pages name files within the entrepreneur's folder only, decide
whether a file is still there from its name alone (``lexists``: a link's target is never
looked at), and never repeat a message naming a path of the server.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pipeline import safetext, sharewrite
from pipeline.config import Config, Person, folder_key
from pipeline.errors import ADVICE, Reason
from pipeline.status import report
from pipeline.store import Store

log = logging.getLogger(__name__)

FOLDER = "_dossiers"  # watchers.ignore.SYSTEM_FOLDERS: never read back as input
STEM = "Suivi de mes formations"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE = "etat-entrepreneur"
FORMATS = ("html", "txt")
STALE_TEMP_SECONDS = 600
SHOWN_YEARS = 2  # complete dossiers listed: this year's and last year's

# French spacing: no line break before « : ; ? ! » nor after «.
BEFORE_MARK = re.compile(r" ([:;?!»])")
AFTER_QUOTE = re.compile(r"« ")
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# A path of the server (« /srv/archive/... »), never written into an entrepreneur's folder.
ABSOLUTE_PATH = re.compile(r"(?:^|[\s«\"'(\[=:])[/\\~][^\s/\\]")

# Stands for the update time while comparing a new page with the one already written
# (private-use characters: no name holds them, and safetext leaves them alone).
STAMP = "\ue000MAJ\ue000"
STAMP_BYTES = 64  # at most what an update time takes (« 30 septembre 2026 à 23 h 59 »)

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


@dataclass(frozen=True)
class Piece:
    """A piece type in words: singular, plural, and whether the noun is feminine."""

    one: str
    many: str
    feminine: bool

    def count(self, n: int) -> str:
        return self.one if n == 1 else self.many


PIECES: dict[str, Piece] = {
    "convention": Piece("Convention de formation", "Conventions de formation", True),
    "contrat": Piece("Contrat de formation", "Contrats de formation", False),
    "bon_commande": Piece("Devis signé ou bon de commande", "Devis signés ou bons de commande",
                          False),
    "emargement": Piece("Feuille d'émargement", "Feuilles d'émargement", True),
    "attestation": Piece("Attestation de formation", "Attestations de formation", True),
    "evaluation_chaud": Piece("Bilan à chaud", "Bilans à chaud", False),
    "evaluation_froid": Piece("Évaluation à froid", "Évaluations à froid", True),
    "facture": Piece("Facture", "Factures", True),
    "cv": Piece("CV", "CV", False),
    "programme": Piece("Programme de formation", "Programmes de formation", False),
    "bilan_pedagogique": Piece("Bilan pédagogique", "Bilans pédagogiques", False),
    "autre": Piece("Autre document", "Autres documents", False),
}  # fmt: skip
AGREEMENTS = ("convention", "contrat", "bon_commande")

STATES = {"complete": "complet", "incomplete": "incomplet", "inconsistent": "incohérent"}

# Short titles of the reasons a file could not be used, for the person who dropped it.
REASONS: dict[str, str] = {
    Reason.EMPTY: "Fichier vide",
    Reason.UNREADABLE: "Fichier illisible",
    Reason.ENCRYPTED: "PDF protégé par un mot de passe",
    Reason.UNSUPPORTED: "Format non pris en charge",
    Reason.TOO_LARGE: "Fichier trop volumineux",
    Reason.DUPLICATE: "Déjà reçu",
    Reason.OUTSIDE_SHARE: "Raccourci non suivi",
    Reason.UNKNOWN_ENTREPRENEUR: "Dossier inconnu",
    Reason.UNCLASSIFIED: "Document non reconnu",
    Reason.NO_MATCH: "Aucune facture correspondante",
    Reason.AMBIGUOUS: "Plusieurs factures possibles",
    Reason.INTERNAL: "Erreur du logiciel",
    Reason.CONFLICT: "Copie en conflit",
    Reason.DETACHED: "Retiré de sa facture par l'équipe d'appui",
    Reason.CANCELLED: "Facture annulée",
}

# Reasons whose technical message is never shown to the entrepreneur: a software error, and
# a link's target (outside their folder: where it leads is none of the page's business).
PRIVATE_DETAIL = {Reason.INTERNAL, Reason.OUTSIDE_SHARE}

# Where ADVICE speaks to support staff, what the entrepreneur should read instead.
ES_ADVICE: dict[str, str] = {
    Reason.AMBIGUOUS: "Rangez-le dans un dossier nommé d'après le bon numéro de facture : "
    "il y sera rattaché automatiquement.",
    Reason.NO_MATCH: "Aucune de vos factures de formation ne correspond à ce document. Si la "
    "facture existe, rangez le fichier dans un dossier nommé d'après son numéro ; sinon, "
    "l'équipe d'appui vérifiera que la facture a bien été enregistrée.",
    Reason.INTERNAL: "Erreur inattendue du logiciel : votre fichier est conservé et l'équipe "
    "d'appui est prévenue. Vous n'avez rien à faire.",
    Reason.CANCELLED: "La facture de cette formation a été annulée. Si elle a été refaite, "
    "rangez le fichier dans un dossier nommé d'après le nouveau numéro ; sinon, l'équipe "
    "d'appui s'en occupe.",
}

OWED_HINTS = {
    "cv": "Un CV mis à jour chaque année, avec les formations données et vos actualisations "
    "de compétences.",
    "programme": "Pour chaque formation vendue : objectifs, programme détaillé, méthodes "
    "pédagogiques et modalités d'évaluation.",
    "bilan_pedagogique": "Un bilan pré-rempli d'après vos dossiers est déposé dans ce dossier "
    "« _dossiers » à partir de mars : relisez-le, complétez-le, signez-le et déposez-le dans "
    "votre dossier.",
}


# -- the page's data ---------------------------------------------------------------


@dataclass(frozen=True)
class FileRef:
    """A file as the entrepreneur named it (relative to their folder), and which pages."""

    name: str
    pages: str = ""  # only when the file holds several documents

    def __str__(self) -> str:
        return f"{self.name} ({self.pages})" if self.pages else self.name


@dataclass(frozen=True)
class Received:
    """Pieces of one type, and the files they were read from (as dropped)."""

    label: str
    files: tuple[FileRef, ...]


@dataclass(frozen=True)
class Training:
    number: str
    title: str
    client: str
    start: str  # ISO date, for sorting
    dates: str  # in words
    upcoming: bool  # not started yet: its attendance pieces cannot exist yet
    state: str  # complete / incomplete / inconsistent
    state_label: str
    received: tuple[Received, ...]
    missing: tuple[str, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    number: str
    description: str


@dataclass(frozen=True)
class Waiting:
    """A document read but not attached: the entrepreneur can tell where it belongs."""

    file: FileRef
    read_as: str
    reason: str
    advice: str
    candidates: tuple[Candidate, ...]

    @property
    def either(self) -> str:
        """« FA-1 ou FA-2 », « FA-1, FA-2 ou FA-3 »."""
        numbers = [c.number for c in self.candidates]
        return " ou ".join(filter(None, [", ".join(numbers[:-1]), numbers[-1]])) if numbers else ""


@dataclass(frozen=True)
class SetAside:
    """A file that could not be used at all."""

    file: str
    reason: str
    detail: str
    advice: str
    received: str


@dataclass(frozen=True)
class Owed:
    text: str
    hint: str


@dataclass(frozen=True)
class Page:
    name: str
    first_name: str
    cooperative: str
    updated: str
    year: int
    todo: tuple[Training, ...]
    done: tuple[Training, ...]
    waiting: tuple[Waiting, ...]
    set_aside: tuple[SetAside, ...]
    duplicates: tuple[SetAside, ...]
    owed: tuple[Owed, ...]
    own: tuple[Received, ...]
    example_number: str
    older_done: int = 0  # complete dossiers of earlier years, not listed


# -- public API ----------------------------------------------------------------------


def write_all(store: Store, config: Config, now: datetime) -> list[Path]:
    """Refresh the status files of every entrepreneur whose folder exists; the paths written."""
    written: list[Path] = []
    for person in config.people:
        written += write_status(store, config, person.name, now)
    return written


def write_status(store: Store, config: Config, entrepreneur: str, now: datetime) -> list[Path]:
    """Write the HTML and text status files into one entrepreneur's ``_dossiers`` folder.

    Returns both paths (also when their content was already up to date and nothing was
    rewritten), or ``[]`` when the entrepreneur or their folder is unknown or unsafe.
    """
    person = config.person_by_name(entrepreneur)
    if person is None:
        log.warning("état du partage : entrepreneur inconnu « %s », rien n'est écrit", entrepreneur)
        return []
    try:
        return _write(store, config, person, now)
    except PermissionError as exc:  # the folder's rights refuse us: said once per refresh
        log.warning("état du partage de %s non écrit : accès refusé à %s ; vérifiez les droits "
                    "de l'outil de synchronisation", person.name, exc.filename)  # fmt: skip
        return []


def _write(store: Store, config: Config, person: Person, now: datetime) -> list[Path]:
    es_name = es_folder_name(config.paths.drop, person)
    if es_name is None:
        log.info("état du partage : pas de dossier %s pour %s, rien n'est écrit",
                 config.paths.drop / person.folder, person.name)  # fmt: skip
        return []
    folder = config.paths.drop / es_name / FOLDER
    page = build_page(store, config, person, now)
    unstamped = replace(page, updated=STAMP)
    try:
        with sharewrite.system_folder(config.paths.drop, es_name, FOLDER) as fd:
            for fmt in FORMATS:
                _write_one(fd, folder / f"{STEM}.{fmt}", render(unstamped, fmt), page.updated)
            sharewrite.sweep(fd, older_than=STALE_TEMP_SECONDS)
    except sharewrite.NotOurs as exc:
        _not_ours(exc.path)
        return []
    except FileNotFoundError:  # the entrepreneur's folder went away meanwhile
        return []
    except PermissionError:  # the folder's rights refuse us: said once per refresh
        log.warning("état du partage de %s non écrit : accès refusé à %s ; vérifiez les droits "
                    "de l'outil de synchronisation", person.name, folder)  # fmt: skip
        return []
    return [folder / f"{STEM}.{fmt}" for fmt in FORMATS]


def _write_one(fd: int, target: Path, rendered: str, updated: str) -> None:
    """Replace ``target`` (in the folder ``fd``) unless it already says ``rendered``."""
    if _up_to_date(fd, target.name, rendered):
        return
    data = rendered.replace(STAMP, updated).encode("utf-8")
    # The folder's read/write permissions: other people and the sync client read it.
    sharewrite.replace(fd, target.name, data, sharewrite.folder_mode(fd))
    log.info("état du partage écrit : %s", target)


#: Folders already said to be links or not folders (said once, not at every refresh).
_WARNED: set[Path] = set()


def _not_ours(path: Path) -> None:
    if path not in _WARNED:
        _WARNED.add(path)
        log.warning("état du partage : %s n'est pas un dossier ordinaire (lien ou fichier), "
                    "rien n'y est écrit ; supprimez-le, il sera recréé", path)  # fmt: skip


def es_folder_name(drop: Path, person: Person) -> str | None:
    """The name on disk of the entrepreneur's folder in ``drop`` (as the runner matches it:
    the same after NFC normalisation and case folding), or None if there is none.

    macOS writes names in decomposed form (NFD): « Clément » arrives as « Cle\u0301ment ».
    """
    if os.path.lexists(drop / person.folder):
        return person.folder
    try:
        with os.scandir(drop) as entries:
            return next((e.name for e in entries if folder_key(e.name) == person.key), None)
    except OSError:
        return None


def problems(config: Config) -> list[dict[str, str]]:
    """Entrepreneurs' folders where no status page can be written: ``{"dossier", "message"}``."""
    out = []
    for person in config.people:
        name = es_folder_name(config.paths.drop, person)
        message = _problem(config.paths.drop, name) if name is not None else None
        if name is not None and message is not None:
            out.append({"dossier": name, "message": message})
    return out


def _problem(drop: Path, name: str) -> str | None:
    rel, kind = name, _kind(drop / name)
    if kind == "dossier":
        rel, kind = f"{name}/{FOLDER}", _kind(drop / name / FOLDER)
    if kind not in ("lien", "fichier"):
        return None
    return (f"« {rel} » est un {kind} et non un dossier : la page de suivi n'y est pas écrite ; "
            "supprimez-le, il sera recréé.")  # fmt: skip


def _kind(path: Path) -> str | None:
    try:
        mode = path.lstat().st_mode
    except OSError:
        return None
    if stat.S_ISLNK(mode):
        return "lien"
    return "dossier" if stat.S_ISDIR(mode) else "fichier"


def build_page(store: Store, config: Config, person: Person, now: datetime) -> Page:
    """The page's data for one entrepreneur, from the status report of the current year."""
    data = report(store, config, now.year, entrepreneur=person.name, today=now.date())
    shown = _Files(es_folder_name(config.paths.drop, person) or person.folder, data)
    trainings = sorted((_training(d, shown, now.date()) for d in data["dossiers"]), key=_urgency)
    own_numbers = {t.number: t for t in trainings}
    todo = [t for t in trainings if t.state != "complete"]
    done = [t for t in trainings if t.state == "complete"]
    recent = [t for t in done if not t.start or int(t.start[:4]) >= now.year - SHOWN_YEARS + 1]
    me = next((e for e in data["entrepreneurs"] if e["name"] == person.name), None)
    unused = [f for f in data["set_aside"] if _still_dropped(config, f["file"])]
    return Page(
        name=person.name,
        first_name=person.name.split()[0] if person.name.split() else person.name,
        cooperative=config.cooperative.name,
        updated=_stamp(now),
        year=now.year,
        todo=tuple(todo),
        done=tuple(recent),
        older_done=len(done) - len(recent),
        waiting=tuple(_waiting(u, shown, own_numbers) for u in data["unfiled"]),
        set_aside=tuple(_set_aside(f, shown) for f in unused if f["reason"] != Reason.DUPLICATE),
        duplicates=tuple(_set_aside(f, shown) for f in unused if f["reason"] == Reason.DUPLICATE),
        owed=tuple(_owed(m) for m in (me or {}).get("missing", [])),
        own=_received((me or {}).get("documents", []), shown),
        example_number=(todo or trainings)[0].number if trainings else f"FA-{now.year}-0001",
    )


def render(page: Page, fmt: str) -> str:
    """The page as HTML (``fmt="html"``, escaped) or plain text (``fmt="txt"``)."""
    template = environment().get_template(f"{TEMPLATE}.{fmt}.j2")
    rendered = template.render(page=page, summary=summary(page))
    head, style_end, body = rendered.rpartition("</style>")
    return head + style_end + _typography(body)


# -- writing -------------------------------------------------------------------------


def _up_to_date(fd: int, name: str, rendered: str) -> bool:
    """Whether file ``name`` already holds this content, whatever update time it states.

    Only a regular file of a plausible size is read (bounded, never through a link): a
    link to /dev/zero in its place is just replaced.
    """
    data = sharewrite.read_bounded(fd, name, _size_limit(rendered))
    if data is None:
        return False
    try:
        existing = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    pattern = "[^\n<]*".join(re.escape(part) for part in rendered.split(STAMP))
    return re.fullmatch(pattern, existing) is not None


def _size_limit(rendered: str) -> int:
    """The largest size the page can have once its update times are filled in."""
    return len(rendered.encode("utf-8")) + STAMP_BYTES * rendered.count(STAMP)


def environment() -> Environment:
    """The Jinja2 environment of ``templates/`` (HTML escaped, undefined names refused, line
    breaks and control characters in the data shown, never obeyed: :mod:`pipeline.safetext`)."""
    return safetext.ShownEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=lambda name: bool(name) and ".html" in str(name),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


# -- turning the report into words ---------------------------------------------------


class _Files:
    """File names as the entrepreneur sees them, with page numbers only where they help."""

    def __init__(self, folder: str, data: dict[str, Any]) -> None:
        self.prefix = folder + "/"
        self.key = folder_key(folder)
        counts: dict[str, int] = {}
        docs = [doc for d in data["dossiers"] for doc in d["documents"]]
        docs += [doc for e in data["entrepreneurs"] for doc in e["documents"]]
        docs += data["unfiled"]
        for doc in docs:
            counts[doc["file"]] = counts.get(doc["file"], 0) + 1
        self.split = {rel for rel, n in counts.items() if n > 1}

    def name(self, rel: str) -> str:
        return own_name(rel, self.key)

    def ref(self, rel: str, pages: Iterable[Sequence[int]]) -> FileRef:
        return FileRef(self.name(rel), _pages(pages) if rel in self.split else "")


def own_name(rel: str, key: str) -> str:
    """A file's name within its entrepreneur's folder (of key ``key``), or ``rel`` whole.

    The folder is compared by key, as the runner matched it: its name on disk may be in
    another Unicode form (NFD on a Mac) or case than the configuration's.
    """
    head, sep, tail = rel.partition("/")
    return tail if sep and folder_key(head) == key else rel


def _pages(ranges: Iterable[Sequence[int]]) -> str:
    numbers = sorted({n for first, last in ranges for n in range(first, last + 1)})
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    if len(numbers) == 2:
        return f"pages {numbers[0]} et {numbers[1]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"pages {numbers[0]} à {numbers[-1]}"
    return "pages " + ", ".join(map(str, numbers))


def _training(d: dict[str, Any], files: _Files, today: date) -> Training:
    start = d.get("start") or ""
    return Training(
        number=d["invoice"],
        title=d.get("title") or "(formation sans intitulé)",
        client=d.get("client") or "",
        start=start,
        dates=period_text(d.get("start"), d.get("end")),
        upcoming=bool(start) and date.fromisoformat(start) > today,
        state=d["state"],
        state_label=STATES.get(d["state"], d["state"]),
        received=_received(d["documents"], files),
        missing=tuple(
            missing_text(m) for m in [*d["missing"], *d.get("pending", []), *d.get("advised", [])]
        ),
        problems=tuple(c["message"] for c in d["checks"]),
    )


def _urgency(t: Training) -> tuple[str, str]:
    """The oldest training first (its pieces are the most overdue); undated ones last."""
    return t.start or "9999", t.number


def _received(documents: Sequence[dict[str, Any]], files: _Files) -> tuple[Received, ...]:
    """Documents grouped by piece type, in the checklist's order, with their files."""
    by_type: dict[str, dict[str, list[Sequence[int]]]] = {}
    for doc in documents:
        by_type.setdefault(doc["type"], {}).setdefault(doc["file"], []).append(doc["pages"])
    order = list(PIECES)
    groups = []
    for piece in sorted(by_type, key=lambda p: order.index(p) if p in order else len(order)):
        per_file = by_type[piece]
        n = sum(len(ranges) for ranges in per_file.values())
        label = _piece(piece).count(n) + (f" ({n})" if n > 1 else "")
        names = tuple(files.ref(rel, ranges) for rel, ranges in per_file.items())
        groups.append(Received(label, names))
    return tuple(groups)


def missing_text(m: dict[str, Any]) -> str:
    """One missing piece in a sentence: « Attestations de formation : 2 manquantes (…) »."""
    piece, count, detail = m["piece"], int(m.get("count") or 1), str(m.get("detail") or "")
    advised = " (conseillé)" if m.get("level", "requis") == "recommande" else ""
    if m.get("action"):  # in the share; the support team settles it
        return f"{_piece(piece).one} : {detail}{advised}"
    if detail.casefold().startswith("aucun"):
        return _capital(detail) + advised
    p = _piece(piece)
    if piece in AGREEMENTS and (detail.startswith(("non sign", "signature")) or not detail):
        # The agreement is there but unsigned, or its signature is being checked.
        return f"{p.one} : {detail or 'à déposer'}{advised}"
    if piece in AGREEMENTS and count == 1:
        return f"{_capital(detail)} : à déposer{advised}"
    if piece == "emargement":  # the attendance rules say what is lacking in full
        return f"{p.one} : {detail}{advised}"
    word = "manquante" if p.feminine else "manquant"
    text = f"{p.count(count)} : {count} {word}{'s' if count > 1 else ''}"
    return (f"{text} ({detail})" if detail else text) + advised


def _owed(m: dict[str, Any]) -> Owed:
    return Owed(missing_text(m), OWED_HINTS.get(m["piece"], ""))


def _waiting(u: dict[str, Any], files: _Files, own: dict[str, Training]) -> Waiting:
    reason = u.get("reason") or Reason.UNCLASSIFIED
    candidates = tuple(
        Candidate(n, _describe(own[n])) for n in u.get("candidates", []) if n in own
    )  # only this entrepreneur's invoices, whatever the match proposed
    read_as = "" if u["type"] == "autre" else _piece(u["type"]).one.lower()
    return Waiting(
        file=files.ref(u["file"], [u["pages"]]),
        read_as=read_as,
        reason=REASONS.get(reason, reason),
        advice=ES_ADVICE.get(reason) or ADVICE.get(_reason(reason), ""),
        candidates=candidates,
    )


def _set_aside(f: dict[str, Any], files: _Files) -> SetAside:
    reason = f.get("reason") or Reason.INTERNAL
    advice = ES_ADVICE.get(reason) or ADVICE.get(_reason(reason), "")
    title = REASONS.get(reason, reason)
    detail = str(f.get("message") or "").strip()
    if reason in PRIVATE_DETAIL or _said(detail, title, advice) or _names_elsewhere(detail):
        detail = ""  # technical, already said, or about something outside their folder
    detail = ISO_DAY.sub(lambda m: day_text(m[0]), detail.replace(f"« {files.prefix}", "« "))
    return SetAside(
        file=files.name(f["file"]),
        reason=title,
        detail=_capital(detail),
        advice=advice,
        received=day_text(str(f.get("received") or "")[:10]),
    )


def _names_elsewhere(detail: str) -> bool:
    """Whether a message names a path of the server or one outside the entrepreneur's folder:
    such a detail is never written into their folder."""
    return bool(ABSOLUTE_PATH.search(detail)) or "../" in detail or "..\\" in detail


def _said(detail: str, *already: str) -> bool:
    """Whether ``detail`` adds nothing to texts the reader sees anyway."""
    folded = detail.casefold().rstrip(".")
    return not folded or any(folded in text.casefold() for text in already)


def _still_dropped(config: Config, rel: str) -> bool:
    """A set-aside file the entrepreneur has since removed needs no more words.

    Decided from the name alone (``lexists``): a link stays listed while the link is there,
    whatever its target does, so the page says nothing about anything outside the folder.
    """
    return still_dropped(config.paths.drop, rel)


def still_dropped(drop: Path, rel: str) -> bool:
    """Whether ``rel`` is still in the share, as a file or a link (never followed)."""
    return os.path.lexists(drop / rel)


def summary(page: Page) -> list[tuple[str, str]]:
    """The few counts at the top of the page (anchor, words): what needs the entrepreneur."""
    counts = [
        ("a-completer", len(page.todo), "formation à compléter", "formations à compléter"),
        ("a-ranger", len(page.waiting), "document à ranger", "documents à ranger"),
        ("inutilisables", len(page.set_aside), "fichier inutilisable", "fichiers inutilisables"),
        ("annuelles", len(page.owed), "pièce annuelle à fournir", "pièces annuelles à fournir"),
    ]
    return [(anchor, _plural(n, one, many)) for anchor, n, one, many in counts if n]


# -- small words -----------------------------------------------------------------------


def _piece(piece: str) -> Piece:
    return PIECES.get(piece) or Piece(piece, piece, False)


def _reason(value: str) -> Reason:
    try:
        return Reason(value)
    except ValueError:
        return Reason.INTERNAL


def _typography(text: str) -> str:
    """Non-breaking spaces where French typography wants them (never a lone « : » line)."""
    return AFTER_QUOTE.sub("«\u00a0", BEFORE_MARK.sub("\u00a0\\1", text))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _describe(t: Training) -> str:
    parts = [t.title, t.client, t.dates]
    return " · ".join(p for p in parts if p)


def day_text(iso: str) -> str:
    """« 10 mars 2026 » from an ISO date, or the text unchanged if it is not one."""
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def period_text(start: str | None, end: str | None) -> str:
    """« du 10 au 11 mars 2026 », « le 12 mai 2026 », « du 11 décembre 2025 au 8 janvier 2026 »."""
    if not start:
        return day_text(end) if end else ""
    if not end or end == start:
        return f"le {day_text(start)}"
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    if (a.year, a.month) == (b.year, b.month):
        return f"du {a.day} au {day_text(end)}"
    if a.year == b.year:
        return f"du {a.day} {MONTHS[a.month - 1]} au {day_text(end)}"
    return f"du {day_text(start)} au {day_text(end)}"


def _stamp(now: datetime) -> str:
    return f"{day_text(now.date().isoformat())} à {now.hour} h {now.minute:02d}"
