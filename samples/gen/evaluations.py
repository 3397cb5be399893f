"""Hot evaluations (questionnaires de satisfaction à chaud) whose form is drawn at random,
each with its truth: ``satisfaction``, ``scale`` and ``answers`` as corpus-2025's README
defines them (each answer mapped linearly to 0..1 with 1 best, the mean of the answered
ones; a 0-10 recommendation is one more answer; oui / en partie / non are 1 / 0.5 / 0;
``None`` for an item left blank; no ``satisfaction`` at all when nothing is marked)::

    from samples.gen.evaluations import random_evaluations

    for ev in random_evaluations(12):
        ev.form, ev.rendering, ev.fields["satisfaction"], ev.data

Forms: ``grid`` (items x scale columns headed by numbers or words, ticked or crossed by
hand), ``smileys`` (four faces over columns of boxes, ticked; or four faces printed on
every row, one circled or crossed by hand, with or without words over them; and a 0-10
recommendation with one number circled by hand), ``online`` (an online form's export:
radio buttons, the chosen one filled), ``yesno`` (oui / en partie / non columns). Scales
1-4 or 1-5, best first or last. A pure function of (count, seed); invented people only.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from reportlab.pdfbase.pdfmetrics import stringWidth

from . import render
from .layouts import FONTS, ORGS, TRAININGS, font_pair, page_pdf
from .pen import GREY, Pen
from .sheets import FIRST, LAST

FORMS = ("grid", "smileys", "online", "yesno")
RENDERINGS = ("digital", "scan", "photo")
DEFAULT_SEED = 15
ITEMS = [
    "Les objectifs de la formation ont été atteints",
    "Le contenu correspondait à mes attentes",
    "Le rythme de la formation était adapté",
    "Les supports remis sont utiles",
    "Le formateur maîtrisait son sujet",
    "Les exercices pratiques étaient pertinents",
    "L'organisation matérielle était satisfaisante",
    "Je pourrai appliquer ce que j'ai appris",
    "La durée de la formation était suffisante",
    "Les échanges avec le groupe ont été riches",
]
WORDS4 = ["Pas du tout satisfait", "Peu satisfait", "Satisfait", "Très satisfait"]
WORDS5 = ["Très insatisfait", "Insatisfait", "Neutre", "Satisfait", "Très satisfait"]
YESNO = ["Non", "En partie", "Oui"]  # 0, 0.5, 1
INK = (0.08, 0.1, 0.42)


@dataclass(frozen=True)
class Evaluation:
    name: str
    form: str
    rendering: str
    fields: dict[str, Any]
    details: dict[str, Any]
    make: Callable[[], bytes] = field(repr=False, compare=False)

    @cached_property
    def data(self) -> bytes:
        return self.make()

    @property
    def truth(self) -> dict[str, Any]:
        return {"file": self.name, "form": self.form, "rendering": self.rendering,
                "details": self.details, "fields": self.fields}  # fmt: skip


def score_of(answers: list[int | None], lo: int, hi: int, rec: int | None = None) -> float | None:
    """The mean of the answered items on 0..1 (a recommendation 0-10 counts as one more)."""
    values = [(a - lo) / (hi - lo) for a in answers if a is not None]
    if rec is not None:
        values.append(rec / 10)
    return round(sum(values) / len(values), 4) if values else None


# ---- drawing ---------------------------------------------------------------------------------
def _circle_by_hand(p: Pen, cx: float, cy: float, rx: float, ry: float) -> None:
    """An ellipse drawn by hand round a printed number: not closed, a little off."""
    rng = p.rng
    start = rng.uniform(0, 2 * math.pi)
    t = np.linspace(start, start + 2 * math.pi * rng.uniform(1.02, 1.15), 60)
    wob = 1 + 0.06 * np.sin(3 * t + rng.uniform(0, 6))
    pts = np.stack([cx + rx * wob * np.cos(t), cy + ry * wob * np.sin(t)], 1)
    p._stroke(pts, INK, 1.0)


def _smiley(p: Pen, cx: float, cy: float, r: float, level: int, levels: int) -> None:
    """A printed face: the mouth curves up for the best level, down for the worst."""
    c = p.c
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.8)
    c.circle(cx, cy, r, stroke=1, fill=0)
    c.circle(cx - r * 0.35, cy + r * 0.3, r * 0.1, stroke=0, fill=1)
    c.circle(cx + r * 0.35, cy + r * 0.3, r * 0.1, stroke=0, fill=1)
    bend = (level - (levels - 1) / 2) / ((levels - 1) / 2)  # -1 .. 1
    path = c.beginPath()
    path.moveTo(cx - r * 0.45, cy - r * 0.3)
    path.curveTo(cx - r * 0.2, cy - r * 0.3 - bend * r * 0.35, cx + r * 0.2,
                 cy - r * 0.3 - bend * r * 0.35, cx + r * 0.45, cy - r * 0.3)  # fmt: skip
    c.drawPath(path, stroke=1, fill=0)


def _radio(p: Pen, x: float, y: float, chosen: bool) -> None:
    p.c.setStrokeColorRGB(0.3, 0.3, 0.3)
    p.c.setLineWidth(0.8)
    p.c.circle(x, y, 4.5, stroke=1, fill=0)
    if chosen:
        p.c.setFillColorRGB(0.1, 0.3, 0.7)
        p.c.circle(x, y, 2.6, stroke=0, fill=1)
        p.c.setFillColorRGB(0, 0, 0)


def _label(p: Pen, cx: float, y: float, text: str, size: float, font: str, width: float) -> None:
    """A column's label centred on it, over two lines when one would run into the next
    column's (as a form's header cell wraps)."""
    if stringWidth(text, font, size) <= width - 4 or " " not in text:
        p.text(cx, y, text, size, font, align="center")
        return
    words = text.split()
    cut = min(range(1, len(words)), key=lambda k: abs(len(" ".join(words[:k])) - len(text) / 2))
    p.text(cx, y + size * 0.55, " ".join(words[:cut]), size, font, align="center")
    p.text(cx, y - size * 0.55, " ".join(words[cut:]), size, font, align="center")


def _head(p: Pen, rng: random.Random, font: str, bold: str, trainee: str) -> None:
    p.new_page()
    p.margin = 48
    p.y = p.h - 40
    p.text(p.margin, p.y, rng.choice(ORGS), 8.5, font, GREY)
    p.y -= 26
    title = rng.choice([
        "Questionnaire de satisfaction à chaud", "Évaluation de fin de formation",
        "Votre avis sur la formation", "Évaluation à chaud",
    ])  # fmt: skip
    p.text(p.w / 2, p.y, title, 15, bold, align="center")
    p.y -= 24
    for line in (f"Formation : {rng.choice(TRAININGS)}", f"Participant·e : {trainee}"):
        p.text(p.margin, p.y, line, 10, font)
        p.y -= 14
    p.y -= 10


def _draw(rng: random.Random, form: str) -> tuple[bytes, dict[str, Any], dict[str, Any]]:
    font, bold = font_pair(*rng.choice(FONTS))
    p = Pen(random.Random(rng.randrange(2**32)), title="Questionnaire de satisfaction")
    trainee = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    _head(p, rng, font, bold, trainee)
    items = rng.sample(ITEMS, rng.randint(4, 8))
    blank = rng.random() < 0.1  # handed back with no mark at all
    hi = 4 if form in ("smileys",) else 3 if form == "yesno" else rng.choice([4, 5])
    lo = 1
    best_first = rng.random() < 0.5
    answers: list[int | None] = []
    for _ in items:
        skipped = blank or rng.random() < 0.06
        answers.append(None if skipped else rng.choices(range(lo, hi + 1), range(1, hi + 1))[0])
    levels = list(range(lo, hi + 1))
    order = levels[::-1] if best_first else levels
    words = {4: WORDS4, 5: WORDS5, 3: YESNO}[hi]
    heads = rng.choice(["numbers", "words"]) if form in ("grid", "online") else "words"
    col_w = 62.0 if heads == "words" or form == "smileys" else 36.0
    x_cols = p.w - p.margin - col_w * len(order)
    # Smileys: faces over the columns of boxes, or printed on every row as its options
    # (one circled or ticked by hand), with or without words over them.
    faces = form == "smileys" and rng.random() < 0.5
    circles = faces and rng.random() < 0.6  # one hand marks one way: circled, or crossed
    face_heads = rng.choice(["words", "none"]) if faces else heads
    details = {"form": form, "best_first": best_first, "heads": face_heads, "font": font}
    if faces:
        details["faces"] = "rows"
    if form != "online":
        p.text(p.margin, p.y, "Entourez ou cochez une réponse par ligne" if faces
               else "Cochez une case par ligne", 8.5, font, GREY)  # fmt: skip
        for i, level in enumerate(order):
            cx = x_cols + col_w * (i + 0.5)
            if faces:
                if face_heads == "words":
                    _label(p, cx, p.y, words[level - lo], 6.5, font, col_w)
            elif form == "smileys":
                _smiley(p, cx, p.y + 4, 9, level - lo, len(levels))
                # Under its face a label has one line: a too wide one is set smaller.
                label = words[level - lo]
                size = min(6.5, 6.5 * (col_w - 4) / stringWidth(label, font, 6.5))
                p.text(cx, p.y - 14, label, size, font, align="center")
            else:
                label = str(level) if heads == "numbers" else words[level - lo]
                _label(p, cx, p.y, label, 7.5 if len(label) > 10 else 9, bold, col_w)
        p.y -= 28
    for item, answer in zip(items, answers, strict=True):
        if form == "online":  # the question, then its options on a line of their own
            p.text(p.margin, p.y, item, 9.5, bold)
            p.y -= 16
            step = (p.w - 2 * p.margin - 20) / len(order)
            for i, level in enumerate(order):
                x = p.margin + 20 + i * step
                _radio(p, x, p.y + 3, answer == level)
                label = str(level) if heads == "numbers" else words[level - lo]
                p.text(x + 8, p.y, label, min(8.0, 8 * (step - 14) / stringWidth(label, font, 8)),
                       font)  # fmt: skip
            p.y -= 24
            continue
        room = x_cols - p.margin - 8
        p.text(p.margin, p.y, item, min(9.5, 9.5 * room / stringWidth(item, font, 9.5)), font)
        for i, level in enumerate(order):
            cx = x_cols + col_w * (i + 0.5)
            if faces:
                _smiley(p, cx, p.y + 3, 8, level - lo, len(levels))
                if answer == level and circles:
                    _circle_by_hand(p, cx + rng.uniform(-1, 1), p.y + 3, 11.5, 11)
                elif answer == level:
                    p.tick(cx - 6 + rng.uniform(-1.5, 1.5), p.y - 3, 12, INK)
                continue
            p.checkbox(cx - 5, p.y - 1, 10)
            if answer == level:
                p.tick(cx - 5 + rng.uniform(-2, 2), p.y - 1 + rng.uniform(-2, 2), 10, INK)
        p.y -= 24
    rec = None
    if form == "smileys" or form != "yesno" and rng.random() < 0.3:
        p.y -= 10
        p.text(
            p.margin, p.y, "Recommanderiez-vous cette formation ? (0 = non, 10 = oui)", 9.5, bold
        )
        p.y -= 22
        rec = None if blank else rng.choice([6, 7, 8, 8, 9, 9, 10, 10])
        for n in range(11):
            x = p.margin + 20 + n * 30
            p.text(x, p.y, str(n), 11, font, align="center")
            if n == rec:
                if form == "online":
                    p.c.setFillColorRGB(0.1, 0.3, 0.7)
                    p.c.circle(x, p.y + 4, 9, stroke=0, fill=1)
                    p.text(x, p.y, str(n), 11, bold, color=(1, 1, 1), align="center")
                else:
                    _circle_by_hand(p, x, p.y + 4, 10, 9)
        p.y -= 20
    p.text(p.margin, p.y - 20, "Commentaires :", 10, bold)
    fields: dict[str, Any] = {"trainee": trainee}
    score = score_of(answers, lo, hi, rec)
    if score is not None:
        scale = {3: "oui/en partie/non", 4: "1-4", 5: "1-5"}[hi]
        if form == "smileys":
            scale = "smiley4 (4=Très satisfait .. 1=Pas du tout satisfait)"
        if rec is not None:
            scale += " + recommandation 0-10"
        printed: list[Any] = list(answers)
        if hi == 3:  # oui / en partie / non: the words are the raw values
            printed = [None if a is None else YESNO[a - 1].lower() for a in answers]
        fields.update(satisfaction=score, scale=scale, answers=printed + [rec] * (rec is not None))
        if rec is not None:
            fields["satisfaction_items_only"] = score_of(answers, lo, hi)
            fields["recommendation_0_10"] = rec
    pdf, _ = p.finish()
    return pdf, fields, details


def random_evaluations(count: int, seed: int = DEFAULT_SEED) -> Iterator[Evaluation]:
    """`count` one-page evaluations; forms and renderings taken in turn."""
    for index in range(count):
        rng = random.Random(f"evaluations:{seed}:{index}")
        form = FORMS[index % len(FORMS)]
        rendering = RENDERINGS[index // len(FORMS) % len(RENDERINGS)]
        pdf, fields, details = _draw(rng, form)
        stem = f"{index:03d}-{form}-{rendering}"
        name = f"{stem}.jpg" if rendering == "photo" else f"{stem}.pdf"
        if rendering != "digital":
            details["seed"] = rng.randrange(2**32)
        make = _maker(pdf, rendering, details.get("seed", 0))
        yield Evaluation(name, form, rendering, fields, details, make)


def _maker(pdf: bytes, rendering: str, seed: int) -> Callable[[], bytes]:
    """Renders on first access: the PDF itself, an office scan or a phone photo."""

    def make() -> bytes:
        if rendering == "scan":
            return render.scan(pdf, seed)
        if rendering == "photo":
            return render.photo(page_pdf(pdf, 0), seed)
        return pdf

    return make
