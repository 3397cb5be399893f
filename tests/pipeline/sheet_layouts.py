"""Attendance sheets in layouts other than samples' grid, drawn by code for the tests.

Each builder returns a born-digital PDF (a text layer, ruled with reportlab) and the
truth of its cells; ``samples.gen.render.scan`` makes a scan of it. People are invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from PIL import Image
from reportlab.lib.pagesizes import A4, landscape

from pipeline.ocr import OcrResult, Word
from pipeline.parse import same_person
from pipeline.reading.attendance import REVIEW_BELOW, SheetRead
from samples.gen.pen import Pen

INK = (0.1, 0.15, 0.55)
SHADE = (0.82, 0.82, 0.82)


@dataclass(frozen=True)
class Row:
    """One printed row: its cell texts left to right, and which cells are signed."""

    texts: tuple[str, ...]
    signed: tuple[bool | str, ...]  # per signature column: signed, or a typed text


def _table(
    pen: Pen,
    left: float,
    top: float,
    widths: list[float],
    header: tuple[str, ...],
    rows: list[Row],
    signature_from: int,
    row_height: float = 34,
    shaded: bool = True,
    ruled_header: bool = True,
    ruled_columns: bool = True,
    ruled_rows: bool = True,
    framed: bool = False,
) -> float:
    """Draws a ruled table (header shaded), signatures in the columns from
    ``signature_from``; a row with fewer texts than label columns has its first text
    spanning them all. ``ruled_header=False``: the header is a grey band with no rules
    (the body alone is ruled); ``ruled_columns=False``: rules between rows only;
    ``ruled_rows=False``: none between rows; ``framed``: a frame round the whole table.
    Returns the table's bottom."""
    head = 22.0 if header else 0.0  # no header: rows running on from the page before
    xs = [left]
    for width in widths:
        xs.append(xs[-1] + width)
    bottom = top - head - row_height * len(rows)
    if shaded and header:
        pen.c.setFillColorRGB(*SHADE)
        pen.c.rect(left, top - head, xs[-1] - left, head, stroke=1 if ruled_header else 0, fill=1)
    for i, title in enumerate(header):
        pen.text(xs[i] + 4, top - head + 8, title, 8, "Helvetica-Bold")
    c = pen.c
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.8)
    y = top - head
    if ruled_header:
        c.line(left, top, xs[-1], top)
    if ruled_rows:
        c.line(left, y, xs[-1], y)
    for row in rows:
        low = y - row_height
        c.setStrokeColorRGB(0, 0, 0)
        c.setLineWidth(0.8)
        if ruled_rows:
            c.line(left, low, xs[-1], low)
        spans = len(row.texts) < signature_from
        for i, text in enumerate(row.texts):
            pen.text(
                xs[i] + 4, low + row_height / 2 - 3, text, 9, "Helvetica-Bold" if spans else None
            )
        for k, signed in enumerate(row.signed):
            x0, x1 = xs[signature_from + k], xs[signature_from + k + 1]
            if isinstance(signed, str):
                pen.text(x0 + 4, low + row_height / 2 - 3, signed, 7)
            elif signed:
                pen.signature(x0 + 6, low + 4, x1 - x0 - 12, row_height - 8, INK)
        c.setStrokeColorRGB(0, 0, 0)
        c.setLineWidth(0.8)
        for i, x in enumerate(xs if ruled_columns else ()):
            if spans and 0 < i < signature_from:
                continue  # the label cell runs over the first columns
            c.line(x, y, x, low)
        y = low
    for x in xs if ruled_header and ruled_columns else ():
        c.line(x, top, x, top - head)
    if framed:
        c.rect(left, bottom, xs[-1] - left, top - bottom, stroke=1, fill=0)
    return bottom


#: (NOM, Prénom, function, morning signed, afternoon signed)
DAY_PEOPLE = (
    ("VASSEUR", "Odile", "Comptable", True, True),
    ("TAILLANDIER", "Rémi", "Chef d'équipe", True, False),
    ("OUEDRAOGO", "Awa", "Assistante", False, True),
    ("LEBRETON", "Yannick", "Magasinier", True, True),
)


def per_day_sheet(
    seed: int = 3,
    ruled_header: bool = True,
    ruled_columns: bool = True,
    ruled_rows: bool = True,
    framed: bool = False,
    run_on: str = "",
) -> bytes:
    """One day's "Feuille de présence", landscape: N° | NOM | Prénom | Fonction / service |
    Matin (9h-12h30) | Après-midi (13h30-17h); the day only in the title; the trainer's
    row last, its label spanning the first four columns. 14/04/2026 is a Tuesday.

    ``run_on``: a stroke crossing the rule between the last trainee's afternoon cell and
    the trainer's under it: "down", the trainee's underline sags into the trainer's box,
    left empty; "up", the trainer's flourish rises into the trainee's cell, left empty."""
    pen = Pen(random.Random(seed))
    pen.new_page(land=True)
    width, height = landscape(A4)
    pen.text(width - 40, height - 50, "FEUILLE DE PRÉSENCE", 16, "Helvetica-Bold", align="right")
    pen.text(width - 40, height - 68, "Journée du mardi 14 avril 2026", 11, align="right")
    pen.text(40, height - 50, "Atelier Sillon - organisme de formation", 12, "Helvetica-Bold")
    pen.text(40, height - 90, "Formation : Conduite de réunion", 10, "Helvetica-Bold")
    pen.text(40, height - 104, "Session : du 13/04/2026 au 15/04/2026 - 21 h", 9)
    pen.text(40, height - 118, "Intervenant·e : Jeanne Roussel - Entreprise : Coop Lumen", 9)
    rows = [
        Row((str(i), last, first, job), (am, pm))
        for i, (last, first, job, am, pm) in enumerate(DAY_PEOPLE, start=1)
    ]
    if run_on == "up":
        rows[-1] = Row(rows[-1].texts, (True, False))
    rows.append(Row(("Signature de l'intervenant·e : Jeanne Roussel",), (True, run_on != "down")))
    header = ("N°", "NOM", "Prénom", "Fonction / service", "Matin (9h-12h30)")
    header += ("Après-midi (13h30-17h)",)
    top, row_height = height - 135, 34
    _table(
        pen,
        40,
        top,
        [30, 120, 100, 140, 170, 170],
        header,
        rows,
        4,
        row_height=row_height,
        ruled_header=ruled_header,
        ruled_columns=ruled_columns,
        ruled_rows=ruled_rows,
        framed=framed,
    )
    if run_on:
        # The rule between the last trainee's row and the trainer's, afternoon column.
        rule, left, right = top - 22 - row_height * (len(rows) - 1), 600.0, 770.0
        _run_on_stroke(pen, left, right, rule, -1 if run_on == "down" else 1)
    pen.text(40, 90, "Document à conserver par l'organisme - une feuille par journée.", 7)
    return pen.finish()[0]


def _run_on_stroke(pen: Pen, left: float, right: float, rule: float, way: int) -> None:
    """A flourish drawn from one cell across the rule at height ``rule``: it starts and ends
    on the side it belongs to and bows up to 7 pt past the rule (``way``: -1 below, 1
    above), as a hasty underline does."""
    c = pen.c
    c.setStrokeColorRGB(*INK)
    c.setLineWidth(1.1)
    path = c.beginPath()
    path.moveTo(left + 25, rule - 5 * way)
    low = rule + 10 * way
    path.curveTo(left + 70, low, right - 50, low, right - 12, rule - 2 * way)
    c.drawPath(path, stroke=1, fill=0)


#: (date, half-day printed, hours, trainee signed, trainer signed)
TRAINEE_ROWS = (
    ("04/05/2026", "Matin", "9h00 - 12h30", True, True),
    ("04/05/2026", "Après-midi", "13h30 - 17h00", True, True),
    ("06/05/2026", "Matin", "9h00 - 12h30", False, True),
    ("06/05/2026", "Après-midi", "13h30 - 17h00", True, True),
)


def per_trainee_sheet(
    seed: int = 5, who: str = "Stagiaire", ruled_header: bool = True, date_once: bool = False
) -> bytes:
    """ "Feuille d'émargement individuelle": "Stagiaire : Firmin Aubertin" above a table
    Date | Demi-journée | Horaires | Durée | Signature du stagiaire | Signature de
    l'intervenant, one row per date and half-day. ``date_once``: the date printed on the
    morning's row only, the afternoon's date cell left blank."""
    pen = Pen(random.Random(seed))
    pen.new_page()
    width, height = A4
    pen.text(
        width / 2,
        height - 60,
        "FEUILLE D'ÉMARGEMENT INDIVIDUELLE",
        14,
        "Helvetica-Bold",
        align="center",
    )
    for i, (label, value) in enumerate(
        (
            (f"{who} :", "Firmin Aubertin"),
            ("Action :", "Tableur : fonctions avancées"),
            ("Période :", "du 04/05/2026 au 06/05/2026"),
            ("Intervenant·e :", "Paul Mercadier"),
        )
    ):
        pen.text(60, height - 100 - 15 * i, label, 10, "Helvetica-Bold")
        pen.text(170, height - 100 - 15 * i, value, 10)
    rows = [
        Row(("" if date_once and i % 2 else d, half, hours, "3h30"), (me, them))
        for i, (d, half, hours, me, them) in enumerate(TRAINEE_ROWS)
    ]
    header = ("Date", "Demi-journée", "Horaires", "Durée", "Signature du stagiaire")
    header += ("Signature de l'intervenant",)
    _table(
        pen,
        50,
        height - 175,
        [75, 75, 80, 45, 115, 115],
        header,
        rows,
        4,
        40,
        ruled_header=ruled_header,
    )
    pen.text(60, 200, "Total des heures réalisées :", 10, "Helvetica-Bold")
    return pen.finish()[0]


#: (name, signed per half-day)
GRID_PEOPLE = (("Bastien Crozet", (True, True)), ("Inès Maurel", (True, False)))


def grid_with_titled_second_header(seed: int = 7) -> bytes:
    """A grid whose second header row names the columns without a half-day:
    "Nom Prénom | Signature | Signature" under "Lundi 20/04/2026 matin / après-midi"."""
    pen = Pen(random.Random(seed))
    pen.new_page()
    width, height = A4
    pen.text(width / 2, height - 60, "FEUILLE D'ÉMARGEMENT", 14, "Helvetica-Bold", align="center")
    pen.text(60, height - 90, "Formation : Accueil du public - le 20/04/2026", 10)
    top = height - 120
    rows = [Row(("Nom Prénom",), (False, False))]
    rows += [Row((name,), signed) for name, signed in GRID_PEOPLE]
    header = ("", "Lundi 20/04/2026 matin", "Lundi 20/04/2026 après-midi")
    _table(pen, 60, top, [170, 150, 150], header, rows, 1, shaded=False)
    # The second header row's own titles, in the signature columns.
    for x in (230 + 4, 380 + 4):
        pen.text(x, top - 22 - 34 / 2 - 3, "Signature", 9, "Helvetica-Bold")
    return pen.finish()[0]


#: Trainees as columns, a row per date and time range (no half-day named): per row, the
#: date, the hours, each trainee's mark (True signed, False empty, or typed text).
COLUMN_PEOPLE = ("Léna Duval", "Marc Ollier")
COLUMN_ROWS: tuple[tuple[str, str, tuple[bool | str, ...]], ...] = (
    ("11/05/2026", "9h00 - 12h30", (True, "Signé le 11/05/2026 à 09:04")),
    ("11/05/2026", "13h30 - 17h00", (True, "Excusé")),
    ("12/05/2026", "9h00 - 12h30", (False, True)),
)


def trainee_columns_sheet(seed: int = 9) -> bytes:
    """A sheet with a column per trainee (headed by the name) and a row per date and
    time range: Date | Horaires | Léna Duval | Marc Ollier | Signature du formateur."""
    pen = Pen(random.Random(seed))
    pen.new_page()
    width, height = A4
    pen.text(width / 2, height - 60, "ÉMARGEMENT", 14, "Helvetica-Bold", align="center")
    pen.text(60, height - 90, "Formation : Sécurité au poste de travail", 10)
    rows = [Row((d, hours), (*marks, True)) for d, hours, marks in COLUMN_ROWS]
    header = ("Date", "Horaires", *COLUMN_PEOPLE, "Signature du formateur")
    _table(pen, 50, height - 120, [80, 85, 125, 125, 110], header, rows, 2, 40)
    return pen.finish()[0]


#: Séances stacked down one page: (heading, marks per trainee), trainees in SEANCE_PEOPLE.
SEANCE_PEOPLE = ("Colette Barbe", "Hugo Lestrade", "Nadia Ferhat")
SEANCES: tuple[tuple[str, tuple[bool, ...]], ...] = (
    ("Séance 1 : lundi 18 mai 2026 - matin (9h00-12h30)", (True, True, False)),
    ("Séance 2 : lundi 18 mai 2026 - après-midi (13h30-17h00)", (True, False, True)),
    ("Séance 3 : mardi 19 mai 2026 - matin (9h00-12h30)", (True, True, True)),
)


def seance_tables_sheet(
    seed: int = 13, split: bool = False, framed: bool = False, visa: bool = False
) -> bytes:
    """One small table per séance, stacked down the page, each under its own heading:
    "Nom et prénom | Signature" (``split``: "NOM | Prénom | Émargement"), a row per
    trainee and the trainer's row. ``framed``: each table a frame with no rule inside.
    ``visa``: the trainer signs a box under each table, labelled with its half-day, not a
    row."""
    pen = Pen(random.Random(seed))
    pen.new_page()
    width, height = A4
    pen.text(width / 2, height - 50, "LISTE D'ÉMARGEMENT", 14, "Helvetica-Bold", align="center")
    pen.text(60, height - 75, "Formation : Premiers secours en entreprise", 10)
    top = height - 100
    for heading, marks in SEANCES:
        pen.text(60, top - 12, heading, 10, "Helvetica-Bold")
        if split:
            texts = [(n.split()[1].upper(), n.split()[0]) for n in SEANCE_PEOPLE]
            widths, header = [120, 110, 190], ("NOM", "Prénom", "Émargement")
        else:
            texts = [(n,) for n in SEANCE_PEOPLE]
            widths, header = [220, 200], ("Nom et prénom", "Signature")
        lead = len(header) - 1
        rows = [Row(t, (signed,)) for t, signed in zip(texts, marks, strict=True)]
        if not visa:
            rows.append(Row(("Signature du formateur",), (True,)))
        bottom = _table(
            pen,
            60,
            top - 20,
            widths,
            header,
            rows,
            lead,
            30,
            ruled_header=not framed,
            ruled_columns=not framed,
            ruled_rows=not framed,
            framed=framed,
        )
        if visa:
            half = "Matin (9h00-12h30)" if "matin" in heading else "Après-midi (13h30-17h00)"
            pen.text(60, bottom - 16, "Visa du formateur :", 9, "Helvetica-Bold")
            pen.text(200, bottom - 16, half, 8)
            pen.rect(200, bottom - 60, 150, 38)
            pen.signature(204, bottom - 58, 142, 34, INK)
            bottom -= 60
        top = bottom - 20
    return pen.finish()[0]


#: (NOM, Prénom, morning signed, afternoon signed): page 1 holds the first three.
LONG_PEOPLE = (
    ("ANDRIEU", "Basile", True, True),
    ("BENSAÏD", "Leïla", True, True),
    ("CHASTANG", "Pierre", False, True),
    ("DELMAS", "Sonia", True, False),
    ("ESTÈVE", "Gaspard", True, True),
)


def long_table_sheet(seed: int = 15) -> bytes:
    """A one-day table running over two pages: the header on the first page only, the
    second page's rows and the trainer's row under no header at all."""
    pen = Pen(random.Random(seed))
    width, height = landscape(A4)
    widths = [30, 150, 130, 180, 180]
    header = ("N°", "NOM", "Prénom", "Matin (9h-12h30)", "Après-midi (13h30-17h)")
    rows = [
        Row((str(i), last, first), (am, pm))
        for i, (last, first, am, pm) in enumerate(LONG_PEOPLE, start=1)
    ]
    pen.new_page(land=True)
    pen.text(width / 2, height - 50, "FEUILLE DE PRÉSENCE", 16, "Helvetica-Bold", align="center")
    pen.text(width / 2, height - 70, "Journée du jeudi 21 mai 2026", 11, align="center")
    _table(pen, 60, height - 100, widths, header, rows[:3], 3, 40)
    pen.text(60, 40, "Page 1 / 2", 8)
    pen.new_page(land=True)
    last = Row(("Signature de l'intervenant·e : Rose Malet",), (True, True))
    _table(pen, 60, height - 60, widths, (), [*rows[3:], last], 3, 40)
    pen.text(60, 40, "Page 2 / 2", 8)
    return pen.finish()[0]


#: The programme printed between a one-trainee sheet's name line and its table.
PROGRAMME = (
    "Objectifs : construire un tableau, trier et filtrer des données,",
    "écrire des formules simples et présenter des résultats sous forme de graphique.",
    "Modalités : formation en présentiel, alternance d'apports et d'exercices pratiques.",
)


def long_trainee_sheet(seed: int = 17, ends_high: bool = False) -> bytes:
    """A one-trainee sheet whose rows run on to a second page with neither the name nor
    the header: "Apprenant(e) : Firmin Aubertin   Action : …" on one line above, the
    programme's lines, then the table down to the page's foot. ``ends_high``: the first
    page's table ends near the top, the programme's lines under it (a page with room for
    more rows, whose next page is no continuation)."""
    pen = Pen(random.Random(seed))
    width, height = A4
    widths = [75, 75, 80, 45, 115, 115]
    header = ("Date", "Demi-journée", "Horaires", "Durée", "Signature du stagiaire")
    header += ("Signature de l'intervenant",)
    rows = [Row((d, half, hours, "3h30"), (me, them)) for d, half, hours, me, them in TRAINEE_ROWS]
    pen.new_page()
    pen.text(width / 2, height - 60, "FEUILLE D'ÉMARGEMENT", 14, "Helvetica-Bold", align="center")
    pen.text(60, height - 100, "Apprenant(e) : Firmin Aubertin", 10)
    pen.text(330, height - 100, "Action : Tableur", 10)
    top = height - 130 if ends_high else 80 + 22 + 2 * 40
    for i, line in enumerate(PROGRAMME):
        pen.text(60, (height - 300 if ends_high else height - 130) - 16 * i, line, 9)
    _table(pen, 50, top, widths, header, rows[:2], 4, 40)
    pen.new_page()
    _table(pen, 50, height - 60, widths, (), rows[2:], 4, 40)
    return pen.finish()[0]


#: Two one-day pages of the same table, each with its own header: (title, marks).
TWO_DAYS = (
    ("Journée du lundi 8 juin 2026", ((True, True), (True, False))),
    ("Journée du mardi 9 juin 2026", ((False, True), (True, True))),
)
TWO_DAYS_PEOPLE = ("LACOMBE Irène", "MOUSSA Karim")


def two_days_sheet(seed: int = 19) -> bytes:
    """One page a day, the same columns on each: "Bénéficiaire | Matin | Après-midi"."""
    pen = Pen(random.Random(seed))
    width, height = A4
    header = ("Bénéficiaire", "Matin (9h-12h30)", "Après-midi (13h30-17h)")
    for title, marks in TWO_DAYS:
        pen.new_page()
        pen.text(width / 2, height - 60, title, 13, "Helvetica-Bold", align="center")
        rows = [Row((name,), m) for name, m in zip(TWO_DAYS_PEOPLE, marks, strict=True)]
        _table(pen, 60, height - 100, [170, 160, 160], header, rows, 1, 40)
    return pen.finish()[0]


class HeaderLineEngine:
    """An OCR engine that reads every title of a header line from a crop of it (in the
    crop's pixels): what a second read of a header band the page OCR missed finds."""

    def __init__(self, titles: list[tuple[str, int]], shift: tuple[int, int]) -> None:
        self.titles, self.shift = titles, shift

    def recognise_line(self, image: Image.Image, dpi: int) -> OcrResult:
        dx, dy = self.shift
        words = tuple(
            Word(text, 0.9, (x - dx, 320 - dy, x - dx + 12 * len(text), 344 - dy))
            for text, x in self.titles
        )
        return OcrResult(" ".join(t for t, _ in self.titles), 0.9, words)

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        return self.recognise_line(image, dpi)


def misread(sessions: list[dict[str, Any]], sheets: list[SheetRead]) -> list[Any]:
    """The truth's cells not read right and surely (each found once, by date, half-day
    and a name that is the trainee's), and cells read that the truth has not."""
    read = [c for s in sheets for c in s.cells]
    missed = []
    for want in sessions:
        found = [
            c
            for c in read
            if str(c.date) == want["date"]
            and c.half_day == want["half_day"]
            and same_person(c.person, want["trainee"]) >= 0.8
        ]
        ok = len(found) == 1 and found[0].mark == want["mark"]
        if not ok or found[0].confidence < REVIEW_BELOW:
            missed.append((want["trainee"], want["date"], want["half_day"], found))
    return missed + [None] * (len(read) - len(sessions))
