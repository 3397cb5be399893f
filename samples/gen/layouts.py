"""Attendance sheets whose STRUCTURE is drawn at random, each with its truth cell by cell.

Where :mod:`samples.gen.sheets` draws three fixed layouts, this module draws the layout
itself, so that a reader can be measured on layouts it was not tuned on::

    from samples.gen.layouts import random_sheets

    for sheet in random_sheets(24):
        sheet.family      # "rows-split-num-title-hcols-tbox": the structural choices
        sheet.choices     # every choice made: axis, names, wording, ruling, font, marks...
        sheet.held_out    # True when the family is none of the layouts readers were tuned on
        sheet.rendering   # digital | scan | photo
        sheet.data        # PDF (digital, scan) or JPEG (photo of one page), made on access
        sheet.sessions    # one per trainee x half-day: date, half_day, trainee, signed, mark,
                          # kind, page, box (points from the born-digital page's top-left)
        sheet.trainer_signed  # one per half-day: date, half_day, signed ([] with no trainer)

What is drawn at random (see :class:`Choices`): trainees as rows, as columns, or one
trainee a page with dates as rows; names in one column ("Prénom Nom" / "NOM Prénom") or
NOM and Prénom apart, printed or written by the trainees themselves (a picture of
handwriting, not in the text layer); a row-number column; a company or function column; the words of
every header (general French synonyms); the date in a column header, in a row, once in
the page title, or in the caption of one small table per séance stacked down the page;
half-days as columns or as rows with a "Demi-journée" column, in words or as time ranges;
the trainer as a row, a column, boxes under the table, or absent; tables long enough to
continue on a second page; portrait or landscape; full ruling, horizontal rules only or
an outer frame only; fonts (standard PDF fonts and, where installed, DejaVu TrueType);
cell marks: handwritten signatures, empty cells, typed or handwritten "ABS" / "absent(e)"
/ "excusé(e)", cells crossed out, and e-attendance mentions ("Signé le 12/03/2026 à
09:04") with or without a signature image. The trainee in the truth is always written
"Prénom Nom" whatever the sheet prints.

The set is a pure function of (count, seed); invented people only.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont

from . import render
from .model import APREM, MATIN, MONTHS, WEEKDAYS
from .pen import GREY, Pen
from .sheets import FIRST, LAST

RENDERINGS = ("digital", "scan", "photo")
DEFAULT_SEED = 15
MARKS = {  # kind of cell -> the truth's mark
    "signed": "signed",
    "esign": "signed",
    "esign-image": "signed",
    "empty": "empty",
    "absent-hand": "absent",
    "absent-typed": "absent",
    "excused-hand": "absent",
    "excused-typed": "absent",
    "crossed": "absent",
}
# The layouts readers were tuned on: samples/gen/sheets.py's grid, day and trainee sheets
# (and the samples drawn by the same code), in this module's vocabulary.
TUNED = frozenset(
    {
        "rows-joined-head-hcols-trow",  # grid: trainees x (day x half-day), trainer row
        "rows-joined-title-hcols-tbox",  # one page a day, trainer boxes under the table
        "single-joined-rows-hcols-tcol",  # one page a trainee, a row a date
        "single-joined-rows-hrows-tcol",  # one page a trainee, a row a half-day
    }
)

# ---- vocabulary: general French, no one template's wording -------------------------------
TITLES = [
    "Feuille d'émargement", "FEUILLE D'ÉMARGEMENT", "Feuille de présence",
    "Liste d'émargement", "Registre de présence", "Émargement des participants",
    "Feuille de présence des stagiaires",
]  # fmt: skip
NAME_HEADS = [
    "Stagiaire", "Participant·e", "Apprenant·e", "Nom et prénom", "Bénéficiaire",
    "Nom Prénom", "Nom du stagiaire", "Participant(e)", "Stagiaires", "NOM Prénom",
]  # fmt: skip
SPLIT_HEADS = [("Nom", "Prénom"), ("NOM", "Prénom"), ("Nom de famille", "Prénom")]
NUMBER_HEADS = ["N°", "#", "No", "n°"]
COMPANY_HEADS = ["Entreprise", "Structure", "Fonction", "Société", "Employeur"]
HALF_WORDS = [
    ("Matin", "Après-midi"), ("AM", "PM"), ("Matinée", "Après-midi"), ("9h-12h30", "13h30-17h"),
    ("9h00 - 12h30", "13h30 - 17h00"), ("Matin 9h-12h", "Après-midi 14h-17h30"),
    ("Matin (9h00-12h30)", "Après-midi (13h30-17h00)"), ("MATIN", "APRÈS-MIDI"),
]  # fmt: skip
DATE_HEADS = ["Date", "Jour", "Séance", "Dates"]
HALF_HEADS = ["Demi-journée", "Créneau", "Horaires", "Période"]
SIGN_HEADS = [
    "Signature", "Émargement", "Signature du stagiaire", "Signature du participant",
    "Signature de l'apprenant·e",
]  # fmt: skip
TRAINER_HEADS = [
    "Formateur", "Formatrice", "Intervenant·e", "Signature du formateur",
    "Signature de l'intervenant(e)", "Visa du formateur", "Formateur·rice",
]  # fmt: skip
TITLE_DATES = ["Journée du {long}", "Séance du {num}", "Date : {num}", "Le {long}"]
HEAD_DATES = ["num", "short-day", "long", "day-month"]  # 12/03/2026, Jeu. 12/03/2026...
HAND_ABSENT = ["ABS", "Abs.", "absent", "absente", "Absent"]
HAND_EXCUSED = ["excusé", "Excusée", "excusée"]
TYPED_ABSENT = ["Absent", "Absente", "ABSENT", "Absent(e)", "ABS"]
TYPED_EXCUSED = ["Excusé", "Excusée", "Absent(e) excusé(e)"]
COMPANIES = [
    "Boulangerie du Canal", "Atelier Vélo Solidaire", "SARL Les Jardins d'Oc", "Mairie de Vias",
    "Librairie La Marge", "Scop Bâti-Sud", "Association Trait d'Union", "Garage des Tilleuls",
]  # fmt: skip
FUNCTIONS = ["Gérante", "Comptable", "Animateur", "Secrétaire", "Technicienne", "Chargé de projet"]
TRAININGS = [
    "Gestion de la paie", "Accueil du public", "Premiers secours", "Tableur : niveau 2",
    "Prise de parole en public", "Sécurité au travail", "Gestion du temps",
]  # fmt: skip
ORGS = ["Atelier Formation Exemple", "Coopérative Exemple", "Les Ateliers du Savoir (exemple)"]

# standard-14 fonts everywhere, TrueType ones where Debian installs them
FONTS = [
    ("Helvetica", "Helvetica-Bold", None),
    ("Times-Roman", "Times-Bold", None),
    ("Courier", "Courier-Bold", None),
    ("DejaVuSans", "DejaVuSans-Bold", "dejavu/DejaVuSans"),
    ("DejaVuSerif", "DejaVuSerif-Bold", "dejavu/DejaVuSerif"),
    ("DejaVuSansCondensed", "DejaVuSansCondensed-Bold", "dejavu/DejaVuSansCondensed"),
]
FONT_DIRS = (Path("/usr/share/fonts/truetype"),)

INKS = [(0.05, 0.1, 0.45), (0.02, 0.02, 0.05), (0.1, 0.15, 0.55), (0.15, 0.1, 0.3)]
BODY_INK = (0.05, 0.05, 0.35)


@cache
def font_pair(regular: str, bold: str, ttf: str | None) -> tuple[str, str]:
    """The (regular, bold) fonts to draw with: a TrueType pair registered with reportlab
    when its files exist here, else Helvetica."""
    if ttf is None:
        return regular, bold
    for root in FONT_DIRS:
        files = (root / f"{ttf}.ttf", root / f"{ttf}-Bold.ttf")
        if all(f.exists() for f in files):
            pdfmetrics.registerFont(TTFont(regular, str(files[0])))
            pdfmetrics.registerFont(TTFont(bold, str(files[1])))
            return regular, bold
    return "Helvetica", "Helvetica-Bold"


# ---- the choices ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Choices:
    """Every structural and visual choice of one sheet."""

    axis: str  # rows (a row a trainee) | cols (a column a trainee) | single (a page a trainee)
    names: str  # joined | split
    name_order: str  # first-last ("Léa Martin") | last-first ("MARTIN Léa")
    hand_names: bool  # trainees wrote their names themselves (rows axis)
    number: bool  # a row-number column
    company: str  # "" | company | function
    date_at: str  # head (column header) | title (page title) | block (per séance) | rows
    halves: str  # hcols (a column a half-day) | hrows (a row a half-day) | hcap (block caption)
    trainer: str  # trow | tcol | tbox | tnone
    head_rows: int  # 1 or 2 header rows over the date x half-day columns (date_at=head)
    date_once: bool  # hrows: the date on the morning row only
    block_date: str  # block: the date in each caption or in the page title
    long: bool  # enough trainees for the table to continue on a second page
    landscape: bool
    ruling: str  # full | horizontal | frame
    fill: bool  # grey header
    font: str
    bold: str
    habit: str  # paper (pen and ink) | online (e-attendance mentions)
    title: str
    name_head: str
    split_heads: tuple[str, str]
    number_head: str
    company_head: str
    half_words: tuple[str, str]
    date_head: str
    half_head: str
    sign_head: str
    trainer_head: str
    title_date: str
    head_date: str

    @property
    def family(self) -> str:
        """A short key of the structure: axis, names, number column, date, half-days,
        trainer."""
        parts = [self.axis, self.names, "num" if self.number else "", self.date_at]
        return "-".join(p for p in [*parts, self.halves, self.trainer] if p)

    def telling(self) -> dict[str, str]:
        """The choices that shape this sheet (those that do not, e.g. a block caption's
        date on a sheet without blocks, are left out), as short strings to group by."""
        out = {
            "axis": self.axis,
            "names": self.names + ("" if self.names == "split" else f" {self.name_order}"),
            "names by hand": "yes" if self.hand_names else "no",
            "number": "yes" if self.number else "no",
            "company": self.company or "none",
            "date": self.date_at,
            "halves": self.halves,
            "half words": " / ".join(self.half_words),
            "trainer": self.trainer,
            "orientation": "landscape" if self.landscape else "portrait",
            "ruling": self.ruling,
            "header fill": "grey" if self.fill else "none",
            "font": self.font,
            "marks": self.habit,
        }
        if self.date_at == "head":
            out["header rows"] = str(self.head_rows)
        if self.halves == "hrows":
            out["date once a day"] = "yes" if self.date_once else "no"
        if self.date_at == "block":
            out["block date"] = self.block_date
        if self.date_at in ("head", "block") or self.axis in ("cols", "single"):
            out["date format"] = self.head_date
        if self.date_at == "title" or self.block_date == "title" and self.date_at == "block":
            out["title date"] = self.title_date.split(" {")[0]
        return out


def draw_choices(rng: random.Random) -> Choices:
    """A random layout; a fifth of them take the structure of a tuned layout (its words,
    ruling, fonts and marks still drawn), so tuned and held-out families both get data."""
    if rng.random() < 0.2:
        axis, names, date_at, halves, trainer = rng.choice(sorted(TUNED)).split("-")
        number = False
    else:
        axis = rng.choice(["rows", "rows", "cols", "single"])
        names = rng.choice(["joined", "split"])
        number = axis == "rows" and rng.random() < 0.4
        if axis == "rows":
            date_at = rng.choice(["head", "title", "block"])
            halves = "hcap" if date_at == "block" else "hcols"
            trainer = rng.choice(["trow", "tnone"] + (["tbox"] if date_at != "head" else []))
        elif axis == "cols":
            date_at = rng.choice(["rows", "title"])
            halves = "hrows"
            trainer = rng.choice(["tcol", "tnone"] + (["tbox"] if date_at == "title" else []))
        else:
            date_at, halves = "rows", rng.choice(["hcols", "hrows"])
            trainer = rng.choice(["tcol", "tcol", "tnone"])
    regular, bold = font_pair(*rng.choice(FONTS))
    return Choices(
        axis=axis,
        names=names,
        name_order=rng.choice(["first-last", "last-first"]),
        hand_names=axis == "rows" and rng.random() < 0.2,
        number=number,
        company=rng.choice(["", "", "company", "function"]) if axis == "rows" else "",
        date_at=date_at,
        halves=halves,
        trainer=trainer,
        head_rows=rng.choice([1, 2, 2]),
        date_once=rng.random() < 0.4,
        block_date=rng.choice(["caption", "title"]),
        long=axis == "rows" and date_at != "block" and rng.random() < 0.2,
        landscape=rng.random() < 0.35,
        ruling=rng.choice(["full", "full", "full", "horizontal", "frame"]),
        fill=rng.random() < 0.6,
        font=regular,
        bold=bold,
        habit=rng.choice(["paper", "paper", "paper", "online"]),
        title=rng.choice(TITLES),
        name_head=rng.choice(NAME_HEADS),
        split_heads=rng.choice(SPLIT_HEADS),
        number_head=rng.choice(NUMBER_HEADS),
        company_head=rng.choice(COMPANY_HEADS),
        half_words=rng.choice(HALF_WORDS),
        date_head=rng.choice(DATE_HEADS),
        half_head=rng.choice(HALF_HEADS),
        sign_head=rng.choice(SIGN_HEADS),
        trainer_head=rng.choice(TRAINER_HEADS),
        title_date=rng.choice(TITLE_DATES),
        head_date=rng.choice(HEAD_DATES),
    )


# ---- people, dates and what each cell shows ---------------------------------------------
@dataclass(frozen=True)
class Person:
    first: str
    last: str
    company: str = ""

    @property
    def canonical(self) -> str:
        return f"{self.first} {self.last}"

    def joined(self, order: str) -> str:
        return self.canonical if order == "first-last" else f"{self.last.upper()} {self.first}"


Slot = tuple[date, str]  # day, MATIN | APREM
Key = tuple[str, date, str]  # trainee (canonical), day, half


def _people(rng: random.Random, n: int, company: str) -> list[Person]:
    firsts, lasts = rng.sample(FIRST, n), rng.sample(LAST, n)
    extra = COMPANIES if company == "company" else FUNCTIONS if company == "function" else [""]
    return [Person(f, last, rng.choice(extra)) for f, last in zip(firsts, lasts, strict=True)]


def _slots(rng: random.Random, n_days: int) -> list[Slot]:
    """Working days from a random start, now and then a gap; some half-day-only days."""
    day = date(2025, 9, 1) + timedelta(days=rng.randrange(500))
    slots: list[Slot] = []
    for _ in range(n_days):
        while day.weekday() >= 5:
            day += timedelta(days=1)
        roll = rng.random()
        halves = (MATIN,) if roll < 0.1 else (APREM,) if roll < 0.16 else (MATIN, APREM)
        slots += [(day, h) for h in halves]
        day += timedelta(days=1 if rng.random() < 0.7 else rng.randint(2, 9))
    return slots


def _kinds(rng: random.Random, keys: list[Key], habit: str) -> dict[Key, str]:
    """What every cell shows; each sheet big enough shows each kind its habit allows."""
    if habit == "online":
        allowed = ["esign", "esign-image", "empty", "absent-typed", "excused-typed"]
        signed = [rng.choice(["esign", "esign-image"])]
    else:
        allowed = ["signed", "empty", "absent-hand", "absent-typed", "excused-hand", "crossed"]
        signed = ["signed"]
    others = [k for k in allowed if k not in ("signed", "esign", "esign-image")]
    p_other = rng.uniform(0.15, 0.35)
    kinds = {k: rng.choice(others) if rng.random() < p_other else signed[0] for k in keys}
    for kind in others:
        plain = [k for k, v in kinds.items() if v == signed[0]]
        if kind not in kinds.values() and len(plain) > 2:
            kinds[rng.choice(plain)] = kind
    plain = [k for k, v in kinds.items() if v == signed[0]]
    if habit == "online" and len(keys) > 3 and plain:  # images and bare mentions on one sheet
        kinds[rng.choice(plain)] = "esign" if signed[0] == "esign-image" else "esign-image"
    return kinds


def hand_picture(text: str, rng: random.Random) -> Image.Image:
    """A picture of words written by hand (an oblique font, each letter a little off)."""
    font = _hand_font(44)
    width = int(sum(font.getlength(ch) for ch in text) + 30)
    image = Image.new("RGB", (width, 70), "white")
    draw = ImageDraw.Draw(image)
    ink = (int(rng.uniform(10, 40)), int(rng.uniform(20, 50)), int(rng.uniform(90, 140)))
    at = 10.0
    for ch in text:
        draw.text((at, 8 + rng.uniform(-3, 3)), ch, fill=ink, font=font)
        at += font.getlength(ch) * rng.uniform(0.92, 1.08)
    return image.rotate(rng.uniform(-2.5, 2.5), fillcolor="white", expand=False)


@cache
def _hand_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for root in FONT_DIRS:
        path = root / "dejavu" / "DejaVuSans-Oblique.ttf"
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def _fr_num(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _fr_long(d: date) -> str:
    return f"{WEEKDAYS[d.weekday()].lower()} {d.day} {MONTHS[d.month - 1]} {d.year}"


def date_label(d: date, style: str) -> str:
    """A date as a header or a row prints it."""
    if style == "short-day":
        return f"{WEEKDAYS[d.weekday()][:3]}. {_fr_num(d)}"
    if style == "long":
        return _fr_long(d)
    if style == "day-month":
        return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}"
    return _fr_num(d)


# ---- tables ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Head:
    """A header cell over columns c0..c1-1 and header rows r0..r1-1."""

    c0: int
    c1: int
    r0: int
    r1: int
    text: str


@dataclass
class Body:
    """A body cell: printed text, a trainee's mark, or a trainer's box (covering slots)."""

    text: str = ""
    hand: bool = False  # the text written by hand (a picture: not in the text layer)
    key: Key | None = None
    trainer: tuple[Slot, ...] = ()
    grey: bool = False  # a half-day that is not held
    bold: bool = False
    span: int = 1  # columns the cell covers


@dataclass
class Table:
    widths: list[float]
    head: list[Head]
    head_rows: int
    rows: list[list[Body]]
    caption: str = ""


@dataclass
class _Drawn:
    """What was drawn so far: each trainee cell and trainer box with its page."""

    kinds: dict[Key, str]
    trainer_missing: set[Slot]
    cells: dict[Key, int] = field(default_factory=dict)
    boxes: dict[Key, list[float]] = field(default_factory=dict)  # left, top, right, bottom
    trainer: dict[Slot, set[int]] = field(default_factory=dict)


class Drawer:
    """Draws the pages of one sheet with its choices."""

    BOTTOM = 48.0

    def __init__(
        self,
        pen: Pen,
        ch: Choices,
        drawn: _Drawn,
        rng: random.Random,
        info: tuple[str, list[str]],
    ) -> None:
        self.p, self.ch, self.drawn, self.rng = pen, ch, drawn, rng
        self.org, self.info = info
        self.page = -1
        self.row_h = rng.uniform(28, 44)

    # ---- text -------------------------------------------------------------------------
    def fit(self, x: float, y: float, w: float, h: float, text: str, size: float,
            bold: bool = False, center: bool = True) -> None:  # fmt: skip
        """Text inside the box (x, y bottom-left, w, h): shrunk, then on two lines."""
        if not text:
            return
        font = self.ch.bold if bold else self.ch.font
        room = w - 6
        lines = [text]
        if stringWidth(text, font, size) > room and " " in text and h >= 2.2 * min(size, 8):
            words = text.split(" ")
            cut = min(
                range(1, len(words)),
                key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))),
            )
            lines = [" ".join(words[:cut]), " ".join(words[cut:])]
            if stringWidth(max(lines, key=len), font, 5.0) > room:
                # Too long for two lines even small: wrapped as a word processor does, so
                # that no print runs over the cell's rules into its neighbours'.
                lines = _wrapped(words, font, 5.0, room)
        widest = max(stringWidth(s, font, size) for s in lines)
        size = max(5.0, min(size, size * room / widest, h / (1.25 * len(lines))))
        top = y + h / 2 + (len(lines) - 1) * size * 0.6 - size * 0.35
        for i, s in enumerate(lines):
            ly = top - i * size * 1.2
            if center:
                self.p.text(x + w / 2, ly, s, size, font, align="center")
            else:
                self.p.text(x + 4, ly, s, size, font)

    # ---- pages --------------------------------------------------------------------------
    def new_page(self, title_date: str = "", more: bool = False) -> None:
        p, ch = self.p, self.ch
        p.new_page(land=ch.landscape)
        self.page += 1
        p.margin = 40.0
        p.y = p.h - 36
        p.text(p.margin, p.y, self.org, 8.5, ch.font, GREY)
        p.y -= 22
        title = ch.title + (" (suite)" if more else "")
        p.text(p.w / 2, p.y, title, 15, ch.bold, align="center")
        p.y -= 18
        if title_date:
            p.text(p.w / 2, p.y, title_date, 11.5, ch.bold, align="center")
            p.y -= 16
        if not more:
            for line in self.info:
                p.text(p.margin, p.y, line, 9, ch.font)
                p.y -= 12
        p.y -= 8

    # ---- a table, continued on new pages when it does not fit ---------------------------
    def table(self, t: Table, title_date: str = "") -> None:
        p = self.p
        scale = min(1.0, (p.w - 2 * p.margin) / sum(t.widths))
        widths = [w * scale for w in t.widths]
        head_h = 22.0 * t.head_rows if t.head_rows > 1 else 26.0
        rows = list(t.rows)
        if t.caption:
            p.text(p.margin, p.y - 11, t.caption, 10.5, self.ch.bold)
            p.y -= 18
        while rows:
            room = int((p.y - head_h - self.BOTTOM) // self.row_h)
            if room < min(2, len(rows)):
                self.new_page(title_date, more=True)
                continue
            here, rows = rows[:room], rows[room:]
            self._draw(widths, t, here, head_h)
            if rows:
                self.new_page(title_date, more=True)

    def _draw(self, widths: list[float], t: Table, rows: list[list[Body]], head_h: float) -> None:
        p, ch = self.p, self.ch
        x0, top = p.margin, p.y
        xs = [x0]
        for w in widths:
            xs.append(xs[-1] + w)
        rh_head = head_h / t.head_rows
        rects: list[tuple[float, float, float, float]] = []
        if ch.fill:
            p.c.setFillColorRGB(0.88, 0.88, 0.88)
            p.c.rect(x0, top - head_h, xs[-1] - x0, head_h, stroke=0, fill=1)
        for h in t.head:
            x, w = xs[h.c0], xs[h.c1] - xs[h.c0]
            y = top - h.r1 * rh_head
            rects.append((x, y, w, (h.r1 - h.r0) * rh_head))
            self.fit(x, y, w, (h.r1 - h.r0) * rh_head, h.text, 8.5, bold=True)
        y = top - head_h
        for row in rows:
            y -= self.row_h
            c = 0
            for cell in row:
                x, w = xs[c], xs[c + cell.span] - xs[c]
                rects.append((x, y, w, self.row_h))
                self._cell(cell, x, y, w, self.row_h)
                c += cell.span
        bottom = y
        p.c.setStrokeColorRGB(0, 0, 0)
        p.c.setLineWidth(0.7)
        if ch.ruling == "full":
            for r in rects:
                p.c.rect(*r, stroke=1, fill=0)
        else:
            p.c.rect(x0, bottom, xs[-1] - x0, top - bottom, stroke=1, fill=0)
            if ch.ruling == "horizontal":  # under each header cell, then between rows
                for h in t.head:
                    p.c.line(xs[h.c0], top - h.r1 * rh_head, xs[h.c1], top - h.r1 * rh_head)
                for k in range(1, len(rows)):
                    p.c.line(
                        x0, top - head_h - self.row_h * k, xs[-1], top - head_h - self.row_h * k
                    )
        p.y = bottom - 14

    def _cell(self, cell: Body, x: float, y: float, w: float, h: float) -> None:
        p = self.p
        if cell.grey:
            p.c.setFillColorRGB(0.8, 0.8, 0.8)
            p.c.rect(x, y, w, h, stroke=0, fill=1)
        if cell.text and cell.hand:
            self.handwritten(x, y, w, h, cell.text)
        elif cell.text:
            self.fit(x, y, w, h, cell.text, 9.5, bold=cell.bold, center=False)
        if cell.key is not None:
            self.drawn.cells[cell.key] = self.page
            top = self.p.h - y - h  # points from the page's top-left corner
            self.drawn.boxes[cell.key] = [round(v, 1) for v in (x, top, x + w, top + h)]
            self.mark(self.drawn.kinds[cell.key], x, y, w, h, cell.key)
        if cell.trainer:
            for slot in cell.trainer:
                self.drawn.trainer.setdefault(slot, set()).add(self.page)
            if not any(s in self.drawn.trainer_missing for s in cell.trainer):
                kind = "signed" if self.ch.habit == "paper" else "esign"
                self.mark(kind, x, y, w, h, ("", *cell.trainer[0]), ink=(0.1, 0.1, 0.2))

    def handwritten(self, x: float, y: float, w: float, h: float, text: str) -> None:
        """Words a person wrote in the cell: an oblique font, jittered, as a picture."""
        from reportlab.lib.utils import ImageReader

        image = hand_picture(text, self.rng)
        room_w, room_h = w - 6, h * 0.6
        scale = min(room_w / image.width, room_h / image.height)
        iw, ih = image.width * scale, image.height * scale
        self.p.c.drawImage(ImageReader(image), x + 3, y + (h - ih) / 2, iw, ih)

    # ---- marks ----------------------------------------------------------------------------
    def mark(self, kind: str, x: float, y: float, w: float, h: float, key: Key,
             ink: tuple[float, float, float] | None = None) -> None:  # fmt: skip
        p, rng = self.p, self.rng
        ink = ink or INKS[sum(map(ord, key[0])) % len(INKS)]
        if kind == "signed":
            p.signature(x + 3, y + 2, w - 6, h - 4, ink)
        elif kind in ("absent-hand", "excused-hand"):
            word = rng.choice(HAND_ABSENT if kind == "absent-hand" else HAND_EXCUSED)
            size = min(12.0, 0.75 * w / stringWidth(word, "Helvetica-Oblique", 1), h * 0.45)
            room = w - stringWidth(word, "Helvetica-Oblique", size)
            p.hand(x + rng.uniform(0.1, 0.6) * room, y + h * rng.uniform(0.3, 0.45), word, size,
                   BODY_INK)  # fmt: skip
        elif kind in ("absent-typed", "excused-typed"):
            word = rng.choice(TYPED_ABSENT if kind == "absent-typed" else TYPED_EXCUSED)
            self.fit(x, y, w, h, word, 9, center=True)
        elif kind == "crossed":
            p.cross(x, y, w, h, BODY_INK)
        elif kind in ("esign", "esign-image"):
            day, half = key[1], key[2]
            hour = rng.randint(8, 9) if half == MATIN else rng.randint(13, 14)
            stamp = f"Signé le {_fr_num(day)} à {hour:02d}:{rng.randint(0, 59):02d}"
            if kind == "esign-image":
                p.signature(x + 3, y + h * 0.35, w * 0.6, h * 0.6, ink)
                self.fit(x, y, w, h * 0.38, stamp, 6.5, center=False)
            else:
                self.fit(x, y, w, h, stamp, 7.5, center=True)


def _wrapped(words: list[str], font: str, size: float, room: float) -> list[str]:
    """Words filled into lines no wider than ``room`` at ``size`` (a word longer than a
    line keeps a line of its own)."""
    lines: list[str] = []
    for word in words:
        if lines and stringWidth(f"{lines[-1]} {word}", font, size) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


# ---- the layouts ----------------------------------------------------------------------------
def _name_cols(ch: Choices) -> list[tuple[str, float]]:
    """The columns before the marks: number, name(s), company; (header, width)."""
    cols: list[tuple[str, float]] = []
    if ch.number:
        cols.append((ch.number_head, 26))
    if ch.names == "split":
        cols += [(ch.split_heads[0], 100), (ch.split_heads[1], 85)]
    else:
        cols.append((ch.name_head, 160))
    if ch.company:
        cols.append((ch.company_head, 110))
    return cols


def _name_cells(ch: Choices, i: int, person: Person) -> list[Body]:
    cells = [Body(str(i + 1))] if ch.number else []
    if ch.names == "split":
        cells += [Body(person.last.upper(), ch.hand_names), Body(person.first, ch.hand_names)]
    else:
        cells.append(Body(person.joined(ch.name_order), ch.hand_names))
    if ch.company:
        cells.append(Body(person.company))
    return cells


def _half_word(ch: Choices, half: str) -> str:
    return ch.half_words[0 if half == MATIN else 1]


def _trainer_row(ch: Choices, lead: int, marks: list[tuple[Slot, ...]]) -> list[Body]:
    return [Body(ch.trainer_head, bold=True, span=lead)] + [Body(trainer=m) for m in marks]


def _rows_head(d: Drawer, people: list[Person], slots: list[Slot]) -> None:
    """Trainees as rows, one column a (date, half-day), dates in the header."""
    ch = d.ch
    lead = _name_cols(ch)
    days = sorted({s[0] for s in slots})
    width = max(48.0, min(110.0, (d.p.w - 80 - sum(w for _, w in lead)) / len(slots)))
    widths = [w for _, w in lead] + [width] * len(slots)
    rows = 2 if ch.head_rows == 2 else 1
    head = [Head(i, i + 1, 0, rows, h) for i, (h, _) in enumerate(lead)]
    col = len(lead)
    for day in days:
        here = [s for s in slots if s[0] == day]
        if rows == 2:
            head.append(Head(col, col + len(here), 0, 1, date_label(day, ch.head_date)))
        for s in here:
            text = _half_word(ch, s[1])
            if rows == 1:
                text = f"{date_label(day, ch.head_date)} {text}"
            head.append(Head(col, col + 1, rows - 1, rows, text))
            col += 1
    body = [
        _name_cells(ch, i, t) + [Body(key=(t.canonical, *s)) for s in slots]
        for i, t in enumerate(people)
    ]
    if ch.trainer == "trow":
        body.append(_trainer_row(ch, len(lead), [(s,) for s in slots]))
    d.table(Table(widths, head, rows, body))


def _rows_title(d: Drawer, people: list[Person], slots: list[Slot]) -> None:
    """Trainees as rows, one page a day (the date in the title), a column a half-day."""
    ch = d.ch
    lead = _name_cols(ch)
    for day in sorted({s[0] for s in slots}):
        here = [s for s in slots if s[0] == day]
        title = _title_date(ch, day)
        d.new_page(title)
        free = (d.p.w - 80 - sum(w for _, w in lead)) / 2
        widths = [w for _, w in lead] + [min(170.0, free)] * len(here)
        head = [Head(i, i + 1, 0, 1, h) for i, (h, _) in enumerate(lead)]
        head += [Head(len(lead) + i, len(lead) + i + 1, 0, 1, _half_word(ch, s[1]))
                 for i, s in enumerate(here)]  # fmt: skip
        body = [
            _name_cells(ch, i, t) + [Body(key=(t.canonical, *s)) for s in here]
            for i, t in enumerate(people)
        ]
        if ch.trainer == "trow":
            body.append(_trainer_row(ch, len(lead), [(s,) for s in here]))
        d.table(Table(widths, head, 1, body), title)
        if ch.trainer == "tbox":
            _trainer_boxes(d, here)


def _rows_blocks(d: Drawer, people: list[Person], slots: list[Slot]) -> None:
    """One small table a séance (half-day) stacked down the page."""
    ch = d.ch
    lead = _name_cols(ch)
    widths = [w for _, w in lead] + [170.0]
    head = [Head(i, i + 1, 0, 1, h) for i, (h, _) in enumerate(lead)]
    head.append(Head(len(lead), len(lead) + 1, 0, 1, ch.sign_head))
    need = (len(people) + 2) * d.row_h + 90
    by_title = ch.block_date == "title"
    current: date | None = None
    for s in slots:
        title = _title_date(ch, s[0]) if by_title else ""
        if current is None or by_title and s[0] != current:
            d.new_page(title)
            current = s[0]
        elif d.p.y < need:
            d.new_page(title, more=True)
        word = _half_word(ch, s[1])
        caption = word if by_title else f"Séance du {date_label(s[0], ch.head_date)} — {word}"
        body = [_name_cells(ch, i, t) + [Body(key=(t.canonical, *s))] for i, t in enumerate(people)]
        if ch.trainer == "trow":
            body.append(_trainer_row(ch, len(lead), [(s,)]))
        d.table(Table(widths, head, 1, body, caption))
        if ch.trainer == "tbox":
            _trainer_boxes(d, [s])
        d.p.y -= 10


def _trainer_boxes(d: Drawer, slots: list[Slot]) -> None:
    """Boxes under the table, one a half-day, labelled with the trainer wording."""
    p, ch = d.p, d.ch
    if p.y < 110:
        d.new_page(more=True)
    p.text(p.margin, p.y - 10, ch.trainer_head + " :", 10, ch.bold)
    y = p.y - 24
    for i, s in enumerate(slots):
        x = p.margin + 150 * i + (130 if len(slots) == 1 else 0)
        p.text(x, y, _half_word(ch, s[1]), 8.5, ch.font)
        box = (x, y - 50, 140.0, 44.0)
        p.rect(*box, width=0.5, color=GREY)
        d._cell(Body(trainer=(s,)), *box)
    p.y = y - 64


def _cols(d: Drawer, people: list[Person], slots: list[Slot]) -> None:
    """Trainees as columns; a row a half-day, the date in a row header or the title."""
    ch = d.ch
    split = ch.names == "split"
    rows = 2 if split else 1
    by_title = ch.date_at == "title"
    lead = [(ch.half_head, 95.0)] if by_title else [(ch.date_head, 95.0), (ch.half_head, 85.0)]
    tcol = ch.trainer == "tcol"
    free = d.p.w - 80 - sum(w for _, w in lead)
    width = min(130.0, free / (len(people) + tcol))
    widths = [w for _, w in lead] + [width] * (len(people) + tcol)
    head = [Head(i, i + 1, 0, rows, h) for i, (h, _) in enumerate(lead)]
    for i, t in enumerate(people):
        c = len(lead) + i
        if split:
            head += [Head(c, c + 1, 0, 1, t.last.upper()), Head(c, c + 1, 1, 2, t.first)]
        else:
            head.append(Head(c, c + 1, 0, 1, t.joined(ch.name_order)))
    if tcol:
        head.append(Head(len(widths) - 1, len(widths), 0, rows, ch.trainer_head))
    groups = [[s for s in slots if s[0] == day] for day in sorted({s[0] for s in slots})]
    if not by_title:
        groups = [slots]
    for here in groups:
        title = _title_date(ch, here[0][0]) if by_title else ""
        d.new_page(title)
        body = []
        for s in here:
            first = s == next(x for x in here if x[0] == s[0])
            when = (
                []
                if by_title
                else [Body(date_label(s[0], ch.head_date) if first or not ch.date_once else "")]
            )
            row = when + [Body(_half_word(ch, s[1]))]
            row += [Body(key=(t.canonical, *s)) for t in people]
            if tcol:
                row.append(Body(trainer=(s,)))
            body.append(row)
        d.table(Table(widths, head, rows, body), title)
        if ch.trainer == "tbox":
            _trainer_boxes(d, here)


def _single(d: Drawer, people: list[Person], slots: list[Slot]) -> None:
    """A page a trainee, a row a date (half-day columns) or a half-day ("Demi-journée")."""
    ch = d.ch
    tcol = ch.trainer == "tcol"
    days = sorted({s[0] for s in slots})
    for t in people:
        d.new_page()
        p = d.p
        if ch.names == "split":
            p.text(p.margin, p.y, f"{ch.split_heads[0]} : {t.last.upper()}", 11, ch.bold)
            p.text(p.margin + 230, p.y, f"{ch.split_heads[1]} : {t.first}", 11, ch.bold)
        else:
            p.text(p.margin, p.y, f"{ch.name_head} : {t.joined(ch.name_order)}", 11, ch.bold)
        p.y -= 20
        if ch.halves == "hcols":
            widths = [120.0, 150.0, 150.0] + [150.0] * tcol
            heads = [ch.date_head, *ch.half_words] + [ch.trainer_head] * tcol
            body = []
            for day in days:
                row = [Body(date_label(day, ch.head_date))]
                for half in (MATIN, APREM):
                    held = (day, half) in slots
                    row.append(Body(key=(t.canonical, day, half)) if held else Body(grey=True))
                if tcol:
                    row.append(Body(trainer=tuple(s for s in slots if s[0] == day)))
                body.append(row)
        else:
            widths = [110.0, 120.0, 160.0] + [150.0] * tcol
            heads = [ch.date_head, ch.half_head, ch.sign_head] + [ch.trainer_head] * tcol
            body = []
            for s in slots:
                first = s == next(x for x in slots if x[0] == s[0])
                shown = date_label(s[0], ch.head_date) if first or not ch.date_once else ""
                row = [Body(shown), Body(_half_word(ch, s[1])), Body(key=(t.canonical, *s))]
                body.append(row + [Body(trainer=(s,))] * tcol)
        head = [Head(i, i + 1, 0, 1, h) for i, h in enumerate(heads)]
        d.table(Table(widths, head, 1, body))


def _title_date(ch: Choices, day: date) -> str:
    return ch.title_date.format(long=_fr_long(day), num=_fr_num(day))


# ---- one sheet ------------------------------------------------------------------------------
@dataclass(frozen=True)
class LayoutSheet:
    """One labelled item: a PDF (digital, scan) or a JPEG (photo of one page)."""

    name: str
    family: str
    choices: dict[str, Any]
    rendering: str
    sessions: tuple[dict[str, Any], ...]
    trainer_signed: tuple[dict[str, Any], ...]
    pages: int
    details: dict[str, Any]
    make: Callable[[], bytes] = field(repr=False, compare=False)

    @cached_property
    def data(self) -> bytes:
        return self.make()

    @property
    def held_out(self) -> bool:
        return self.family not in TUNED

    @property
    def truth(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "family": self.family,
            "held_out": self.held_out,
            "choices": self.choices,
            "rendering": self.rendering,
            "pages": self.pages,
            "details": self.details,
            "sessions": list(self.sessions),
            "trainer_signed": list(self.trainer_signed),
        }


@dataclass
class _Doc:
    choices: Choices
    pdf: bytes
    pages: int
    sessions: list[dict[str, Any]]  # with "page"
    trainer: list[dict[str, Any]]  # with "page"
    details: dict[str, Any]


def draw_sheet(rng: random.Random, ch: Choices) -> _Doc:
    """Draws one sheet with its choices; returns the PDF and its truth."""
    n_people = {"rows": rng.randint(2, 9), "cols": rng.randint(2, 5), "single": rng.randint(1, 3)}
    n = rng.randint(24, 32) if ch.long else n_people[ch.axis]
    n_days = {"head": rng.randint(1, 4), "title": rng.randint(1, 3), "block": rng.randint(1, 2)}
    slots = _slots(rng, n_days.get(ch.date_at, rng.randint(1, 5)))
    if ch.axis == "rows" and ch.date_at == "head" and len(slots) > 6:
        ch = _with(ch, landscape=True)
    people = _people(rng, n, ch.company)
    keys = [(t.canonical, *s) for t in people for s in slots]
    kinds = _kinds(rng, keys, ch.habit)
    missing: set[Slot] = set()
    if ch.trainer != "tnone" and rng.random() < 0.35:
        missing = set(rng.sample(slots, min(2, len(slots))))
        if ch.axis == "single" and ch.halves == "hcols":  # one box a day covers both halves
            missing = {s for s in slots if s[0] in {m[0] for m in missing}}
    drawn = _Drawn(kinds, missing)
    pen = Pen(random.Random(rng.randrange(2**32)), title=ch.title)
    trainer_name = rng.choice(FIRST) + " " + rng.choice(LAST)
    first, last = slots[0][0], slots[-1][0]
    org = rng.choice(ORGS)
    info = [
        f"Formation : {rng.choice(TRAININGS)}",
        f"{rng.choice(['Formateur', 'Intervenant·e', 'Formatrice'])} : {trainer_name}",
        f"Période : du {_fr_num(first)} au {_fr_num(last)}" if first != last
        else f"Date : {_fr_num(first)}",
    ]  # fmt: skip
    d = Drawer(pen, ch, drawn, rng, (org, info))
    draw = {
        "rows": {"head": _rows_head, "title": _rows_title, "block": _rows_blocks}.get(ch.date_at),
        "cols": _cols,
        "single": _single,
    }[ch.axis]
    assert draw is not None
    if ch.axis == "rows" and ch.date_at == "head":
        d.new_page()
    draw(d, people, slots)
    pdf, _ = pen.finish()
    sessions = [
        {
            "date": k[1].isoformat(),
            "half_day": k[2],
            "trainee": k[0],
            "signed": MARKS[kinds[k]] == "signed",
            "mark": MARKS[kinds[k]],
            "kind": kinds[k],
            "page": drawn.cells[k] + 1,
            "box": drawn.boxes[k],
        }
        for k in keys
    ]
    trainer = [
        {"date": s[0].isoformat(), "half_day": s[1], "signed": s not in missing,
         "pages": sorted(p + 1 for p in drawn.trainer[s])}
        for s in slots
        if s in drawn.trainer
    ]  # fmt: skip
    details = {"trainees": n, "slots": len(slots), "continued": _continued(drawn, ch)}
    return _Doc(ch, pdf, d.page + 1, sessions, trainer, details)


def _with(ch: Choices, **changes: Any) -> Choices:
    return Choices(**{**asdict(ch), **changes})


def _continued(drawn: _Drawn, ch: Choices) -> bool:
    """Whether one table's cells lie on two pages."""
    if ch.axis == "single":
        return len({p for p in drawn.cells.values()}) > len({k[0] for k in drawn.cells})
    by_slot: dict[Slot, set[int]] = {}
    for k, page in drawn.cells.items():
        by_slot.setdefault((k[1], k[2]), set()).add(page)
    return any(len(pages) > 1 for pages in by_slot.values())


# ---- the set --------------------------------------------------------------------------------
def random_sheets(count: int, seed: int = DEFAULT_SEED) -> Iterator[LayoutSheet]:
    """`count` labelled items; documents take the renderings in turn, and a photographed
    multi-page document gives one item per page. A longer set starts with the shorter."""
    made, index = 0, 0
    while made < count:
        rng = random.Random(f"attendance-layouts:{seed}:{index}")
        rendering = RENDERINGS[index % len(RENDERINGS)]
        doc = draw_sheet(rng, draw_choices(rng))
        stem = f"{index:03d}-{doc.choices.family}-{rendering}"
        for sheet in _items(rng, doc, rendering, stem):
            if made < count:
                yield sheet
                made += 1
        index += 1


def _items(rng: random.Random, doc: _Doc, rendering: str, stem: str) -> Iterator[LayoutSheet]:
    if rendering == "photo":
        for k in range(doc.pages):
            seed = rng.randrange(2**32)
            name = f"{stem}-p{k + 1}.jpg" if doc.pages > 1 else f"{stem}.jpg"
            details = dict(doc.details, page=k + 1, seed=seed)
            yield _sheet(doc, name, rendering, k + 1, details, _photo_maker(doc.pdf, k, seed))
        return
    details = dict(doc.details)
    make: Callable[[], bytes] = _constant(doc.pdf)
    if rendering == "scan":
        turn = rng.choice([0] * 7 + [1, 2, 3])
        color, seed = rng.random() < 0.25, rng.randrange(2**32)
        details.update(turn=turn, color=color, seed=seed)
        make = _scan_maker(doc.pdf, seed, turn, color)
    yield _sheet(doc, f"{stem}.pdf", rendering, None, details, make)


def _sheet(
    doc: _Doc,
    name: str,
    rendering: str,
    page: int | None,
    details: dict[str, Any],
    make: Callable[[], bytes],
) -> LayoutSheet:
    sessions = [dict(s) for s in doc.sessions if page is None or s["page"] == page]
    trainer = [dict(t) for t in doc.trainer if page is None or page in t["pages"]]
    return LayoutSheet(
        name,
        doc.choices.family,
        asdict(doc.choices),
        rendering,
        tuple(sessions),
        tuple(trainer),
        1 if page else doc.pages,
        details,
        make,
    )


def _constant(pdf: bytes) -> Callable[[], bytes]:
    return lambda: pdf


def page_pdf(pdf: bytes, page: int) -> bytes:
    """One page of a PDF as a PDF of its own."""
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_page(pypdf.PdfReader(io.BytesIO(pdf)).pages[page])
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _photo_maker(pdf: bytes, page: int, seed: int) -> Callable[[], bytes]:
    return lambda: render.photo(page_pdf(pdf, page), seed)


def _scan_maker(pdf: bytes, seed: int, turn: int, color: bool) -> Callable[[], bytes]:
    return lambda: render.scan(pdf, seed, turn=turn, color=color)
