"""A seeded, labelled set of attendance sheets (feuilles d'émargement) for the attendance
benchmark and its tests.

Every layout (``grid``: trainees x days x half-days; ``day``: one page per day;
``trainee``: one page per trainee, dates as rows) in every rendering (``digital`` PDF,
office ``scan`` PDF, phone ``photo`` JPEG), with signed, empty (forgotten), absent
(a word: "ABS", "Abs.", "absent", "Absente") and crossed-out cells, and now and then a
missing trainer signature. Each sheet carries its truth cell by cell::

    from samples.gen.sheets import labelled_sheets

    for sheet in labelled_sheets(30):
        sheet.name, sheet.layout, sheet.rendering, sheet.data  # PDF or JPEG bytes
        sheet.sessions  # one per trainee x slot: date, half_day, trainee, signed, mark, kind
        sheet.trainer_signed  # one per slot: date, half_day, signed

The set is a pure function of (count, seed), and a longer set starts with the shorter
one. Rendering (the slow part) happens on first access to ``data``.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from . import docs, render
from .data import invoices
from .model import APREM, MATIN, Invoice, Slot
from .pen import Pen

LAYOUTS = ("grid", "day", "trainee")
RENDERINGS = ("digital", "scan", "photo")
KINDS = ("signed", "empty", "absent-word", "absent-cross")  # what a cell shows
ABS_WORDS = ("ABS", "Abs.", "absent", "Absente", "ABSENT")
DEFAULT_SEED = 4

FIRST = [
    "Léa", "Jean-Baptiste", "Anaïs", "Noémie", "François", "Marie-Hélène", "Zoé", "Loïc",
    "Maëlle", "Jérôme", "Inès", "Gaëlle", "Hervé", "Cécile", "Rémi", "Solène", "Théo",
    "Aurélien", "Yasmine", "Mehdi", "Agnès", "Benoît", "Chloé", "Dylan", "Éric", "Fanny",
    "Grégoire", "Hélène", "Ibrahim", "Joëlle", "Kévin", "Laëtitia", "Mathis", "Océane",
    "Pierre-Louis", "Quentin", "Romane", "Sébastien", "Thuy", "Valérie",
]  # fmt: skip
LAST = [
    "Martin", "de La Fontaine", "Lefèvre", "Nguyen", "Dubois-Réaux", "Haddou", "Garnier",
    "Le Goff", "Da Silva", "Fournier", "Mercier", "Roussel", "Bouvier", "Chevalier",
    "d'Arvieu", "Van den Broek", "Périer", "Castagné", "Lemaître", "Bérard", "Moulinié",
    "Esquirol", "Tran", "Oulhaj", "Sanchez", "Vidalenc", "Pagès", "Rouquette", "Delmas",
    "Ferrand", "Guiraud", "Combes", "Saint-Martin", "Brunel", "Azaïs",
]  # fmt: skip


@dataclass(frozen=True)
class Sheet:
    """One labelled item: a PDF (digital, scan) or a JPEG (photo of one page)."""

    name: str  # a file name, e.g. "003-grid-scan.pdf"
    layout: str  # grid | day | trainee
    rendering: str  # digital | scan | photo
    sessions: tuple[dict[str, Any], ...]  # date, half_day, trainee, signed, mark, kind
    trainer_signed: tuple[dict[str, Any], ...]  # date, half_day, signed
    pages: int
    details: dict[str, Any]  # how it was drawn: abs_word, turn, rows...
    make: Callable[[], bytes] = field(repr=False, compare=False)

    @cached_property
    def data(self) -> bytes:
        return self.make()

    @property
    def truth(self) -> dict[str, Any]:
        """What a JSON truth file holds for this item."""
        return {
            "file": self.name,
            "layout": self.layout,
            "rendering": self.rendering,
            "pages": self.pages,
            "details": self.details,
            "sessions": list(self.sessions),
            "trainer_signed": list(self.trainer_signed),
        }


@dataclass
class _Doc:
    """One drawn document and what is in its cells."""

    inv: Invoice
    layout: str
    pdf: bytes
    fields: list[dict[str, Any]]  # per layout call (per page for "trainee")
    kinds: dict[tuple[str, date, str], str]
    details: dict[str, Any]


def labelled_sheets(count: int, seed: int = DEFAULT_SEED) -> Iterator[Sheet]:
    """`count` labelled sheets; documents cycle through every layout x rendering, and a
    photographed multi-page document gives one item per page."""
    made, index = 0, 0
    templates = [i for i in invoices() if i.training]
    while made < count:
        rng = random.Random(f"attendance-sheets:{seed}:{index}")
        layout = LAYOUTS[index % len(LAYOUTS)]
        rendering = RENDERINGS[index // len(LAYOUTS) % len(RENDERINGS)]
        doc = _document(rng, layout, rng.choice(templates))
        for sheet in _items(rng, doc, rendering, f"{index:03d}-{layout}-{rendering}"):
            if made < count:
                yield sheet
                made += 1
        index += 1


# ---- what is on the sheet ---------------------------------------------------------------
def _names(rng: random.Random, n: int) -> list[str]:
    """n invented trainees, no two sharing a first or a last name."""
    firsts, lasts = rng.sample(FIRST, n), rng.sample(LAST, n)
    if rng.random() < 0.3:  # "NOM Prénom", as many registers print it
        return [f"{last.upper()} {first}" for first, last in zip(firsts, lasts, strict=True)]
    return [f"{first} {last}" for first, last in zip(firsts, lasts, strict=True)]


def _slots(rng: random.Random, n_days: int) -> list[Slot]:
    """Working days from a random start, now and then a gap; some half-day-only days."""
    day = date(2026, 1, 5) + timedelta(days=rng.randrange(330))
    slots: list[Slot] = []
    for _ in range(n_days):
        while day.weekday() >= 5:
            day += timedelta(days=1)
        roll = rng.random()
        halves = (MATIN,) if roll < 0.12 else (APREM,) if roll < 0.2 else (MATIN, APREM)
        slots += [Slot(day, h) for h in halves]
        day += timedelta(days=1 if rng.random() < 0.7 else rng.randint(2, 9))
    return slots


def _invoice(rng: random.Random, layout: str, template: Invoice) -> Invoice:
    n_days = rng.randint(1, 3) if layout == "day" else rng.randint(1, 5)
    n_trainees = rng.randint(1, 3) if layout == "trainee" else rng.randint(1, 10)
    outside = rng.random() < 0.25
    return replace(
        template,
        slots=_slots(rng, n_days),
        trainees=_names(rng, n_trainees),
        absences=set(),
        trainer_override=_names(rng, 1)[0] if outside else "",
    )


def _cell_kinds(rng: random.Random, inv: Invoice) -> dict[tuple[str, date, str], str]:
    """What every cell shows; absences are words, cross-outs or both on one sheet."""
    habit = rng.choice(["absent-word", "absent-cross", "both"])
    p_empty, p_absent = rng.uniform(0.03, 0.15), rng.uniform(0.08, 0.25)
    kinds = {}
    for t in inv.trainees:
        for s in inv.slots:
            roll = rng.random()
            kind = "empty" if roll < p_empty else "signed"
            if p_empty <= roll < p_empty + p_absent:
                kind = habit if habit != "both" else rng.choice(KINDS[2:])
            kinds[(t, s.day, s.half)] = kind
    # every sheet big enough shows each kind its habit allows: small sets still cover all
    wanted = ["empty"] + ([habit] if habit != "both" else list(KINDS[2:]))
    for kind in wanted:
        signed = [k for k, v in kinds.items() if v == "signed"]
        if kind not in kinds.values() and len(signed) > 1:
            kinds[rng.choice(signed)] = kind
    return kinds


def _document(rng: random.Random, layout: str, template: Invoice) -> _Doc:
    inv = _invoice(rng, layout, template)
    kinds = _cell_kinds(rng, inv)
    inv.absences = {k for k, v in kinds.items() if v.startswith("absent")}
    missing = set()
    if rng.random() < 0.35:
        missing = {(s.day, s.half) for s in rng.sample(inv.slots, min(2, len(inv.slots)))}
    kw: dict[str, Any] = {
        "empty": {k for k, v in kinds.items() if v == "empty"},
        "crossed": {k for k, v in kinds.items() if v == "absent-cross"},
        "trainer_missing": missing,
        "abs_word": rng.choice(ABS_WORDS),
    }
    details: dict[str, Any] = {"abs_word": kw["abs_word"], "template": inv.number}
    pen = Pen(random.Random(rng.randrange(2**32)), title="Feuille d'émargement", author=inv.es.name)
    if layout == "grid":
        fields = [docs.emargement_grid(pen, inv, **kw)]
    elif layout == "day":
        fields = [docs.emargement_daily(pen, inv, **kw)]
    else:
        details["rows"] = rng.choice(["jour", "demi-journee"])
        fields = [
            docs.emargement_trainee(pen, inv, t, rows=details["rows"], **kw) for t in inv.trainees
        ]
    pdf, _ = pen.finish()
    return _Doc(inv, layout, pdf, fields, kinds, details)


# ---- truth and renderings ---------------------------------------------------------------
def _truth(doc: _Doc, page: int | None) -> tuple[tuple[dict, ...], tuple[dict, ...]]:
    """(sessions, trainer_signed) of the whole document, or of one page of it."""
    sessions = [dict(s) for f in doc.fields for s in f["sessions"]]
    trainer = [dict(t) for t in doc.fields[0]["trainer_signed"]]
    if page is not None and doc.layout == "day":
        day = str(doc.inv.days[page])  # ISO
        sessions = [s for s in sessions if s["date"] == day]
        trainer = [t for t in trainer if t["date"] == day]
    elif page is not None and doc.layout == "trainee":
        sessions = [dict(s) for s in doc.fields[page]["sessions"]]
    for s in sessions:
        s["kind"] = doc.kinds[(s["trainee"], date.fromisoformat(s["date"]), s["half_day"])]
    return tuple(sessions), tuple(trainer)


def _page_pdf(pdf: bytes, page: int) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_page(pypdf.PdfReader(io.BytesIO(pdf)).pages[page])
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _items(rng: random.Random, doc: _Doc, rendering: str, stem: str) -> Iterator[Sheet]:
    pages = _page_count(doc)
    if rendering == "photo":  # a phone photo shows one page: one item per page
        for k in range(pages):
            name = f"{stem}-p{k + 1}.jpg" if pages > 1 else f"{stem}.jpg"
            seed = rng.randrange(2**32)
            details = dict(doc.details, page=k + 1, seed=seed)
            yield _sheet(doc, name, rendering, k, details, _photo_maker(doc.pdf, k, seed))
        return
    details = dict(doc.details)
    make = _digital_maker(doc.pdf)
    if rendering == "scan":
        turn = rng.choice([0] * 7 + [1, 2, 3])  # quarter turns: fed sideways, upside down
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
) -> Sheet:
    sessions, trainer = _truth(doc, page)
    pages = 1 if page is not None else _page_count(doc)
    return Sheet(name, doc.layout, rendering, sessions, trainer, pages, details, make)


def _page_count(doc: _Doc) -> int:
    return {"grid": 1, "day": len(doc.inv.days), "trainee": len(doc.fields)}[doc.layout]


def _digital_maker(pdf: bytes) -> Callable[[], bytes]:
    return lambda: pdf


def _photo_maker(pdf: bytes, page: int, seed: int) -> Callable[[], bytes]:
    return lambda: render.photo(_page_pdf(pdf, page) if page else pdf, seed)


def _scan_maker(pdf: bytes, seed: int, turn: int, color: bool) -> Callable[[], bytes]:
    return lambda: render.scan(pdf, seed, turn=turn, color=color)
