"""Evaluation questionnaires drawn by code, with their answers: for the choice reader's tests.

Three kinds of option rows, drawn with reportlab:
- ``grid``: statements x numbered columns (1..n) with a legend, printed squares, a hand X or
  tick in one square per row;
- ``words``: columns headed by scale words (best on the left), printed circles, a hand X;
  then a 0..10 recommendation as numbered boxes, one circled by hand;
- ``online``: one titled box per item, radio buttons 1..n between "Pas satisfait" and
  "Très satisfait", the chosen one filled (a vector dot, no glyph);
- ``smileys``: faces and no scale word, on every row (one circled or crossed) or over
  columns of boxes; then 0..10 printed bare, one circled by hand.

An answer is the chosen option's value; ``None`` leaves the row blank, ``"double"`` marks
two options of the row.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import numpy as np

from .pen import BLACK, Pen

BLUE = (0.1, 0.15, 0.55)
Answer = int | str | None
WORDS = ("Très satisfait", "Satisfait", "Peu satisfait", "Pas du tout satisfait")
STATEMENTS = (
    "L'accueil et l'organisation",
    "Le contenu de la formation",
    "L'animation par le formateur",
    "Les exercices pratiques",
    "Les documents remis",
    "L'atteinte de vos objectifs",
    "Le rythme de la formation",
    "La durée de la formation",
    "Les échanges avec le groupe",
    "L'utilité pour votre poste",
)


def _check(p: Pen, x: float, y: float, size: float) -> None:
    """A hand tick (✓) over a box of ``size`` at (x, y)."""
    j = lambda: p.rng.uniform(-0.08, 0.08) * size  # noqa: E731
    pts = np.array(
        [
            [x + 0.1 * size + j(), y + 0.5 * size + j()],
            [x + 0.4 * size + j(), y + 0.1 * size + j()],
            [x + 1.1 * size + j(), y + 1.2 * size + j()],
        ]
    )
    fine = np.stack([np.interp(np.linspace(0, 2, 16), [0, 1, 2], pts[:, k]) for k in (0, 1)], 1)
    p._stroke(fine, BLUE, 1.3)


def _mark(p: Pen, x: float, y: float, size: float, kind: str) -> None:
    if kind == "check":
        _check(p, x, y, size)
    else:
        p.tick(x - 0.15 * size, y - 0.15 * size, 1.3 * size, BLUE)


def _circle_around(p: Pen, cx: float, cy: float, rx: float, ry: float) -> None:
    t = np.linspace(0, 2 * math.pi * 1.08, 40)
    wobble = 1 + 0.04 * np.sin(3 * t + p.rng.uniform(0, 6))
    pts = np.stack([cx + rx * wobble * np.cos(t), cy + ry * wobble * np.sin(t)], 1)
    p._stroke(pts, BLUE, 1.2)


def _chosen(answer: Answer, values: Sequence[int], rng: random.Random) -> list[int]:
    """Indexes of the options to mark for ``answer``."""
    if answer is None:
        return []
    if answer == "double":
        return rng.sample(range(len(values)), 2)
    return [list(values).index(int(answer))]


def grid(
    answers: Sequence[Answer],
    seed: int = 1,
    options: int = 4,
    mark: str = "cross",
    labels: bool = True,
) -> bytes:
    """Statements x columns numbered 1..``options`` under a legend; squares; hand marks.
    ``labels=False`` prints neither the column numbers nor the legend."""
    p = Pen(random.Random(seed), "Questionnaire")
    p.new_page()
    p.text(56, 790, "QUESTIONNAIRE D'ÉVALUATION À CHAUD", 15, "Helvetica-Bold")
    p.text(56, 765, "Formation : Prendre la parole en public    Date : 12/05/2026", 10)
    legend = f"1 = pas du tout d'accord ... {options} = tout à fait d'accord."
    if labels:
        p.text(56, 740, f"Cochez une case par ligne : {legend}", 9)
    x0, pitch, size, top = 330.0, 40.0, 10.0, 700.0
    for k in range(options if labels else 0):
        p.text(x0 + k * pitch + 2, top + 12, str(k + 1), 10, "Helvetica-Bold")
    values = list(range(1, options + 1))
    for i, answer in enumerate(answers):
        y = top - 26 * (i + 1)
        p.text(56, y + 1, STATEMENTS[i % len(STATEMENTS)], 10)
        p.c.setStrokeColorRGB(*BLACK)
        p.c.line(50, y - 8, x0 + options * pitch, y - 8)
        for k in range(options):
            p.checkbox(x0 + k * pitch, y, size)
        for k in _chosen(answer, values, p.rng):
            _mark(p, x0 + k * pitch, y, size, mark)
    y = top - 26 * (len(answers) + 2)
    p.text(56, y, "Recommandez-vous cette formation ?", 10, "Helvetica-Bold")
    p.checkbox(300, y, size)
    p.text(314, y + 1, "Oui", 10)
    p.checkbox(360, y, size)
    p.text(374, y + 1, "Non", 10)
    return p.finish()[0]


def words(answers: Sequence[Answer], recommendation: int | None, seed: int = 2) -> bytes:
    """Columns headed by scale words, the best on the left; circles; then 0..10 boxes with
    one number circled by hand."""
    p = Pen(random.Random(seed), "Votre avis")
    p.new_page()
    p.text(56, 790, "Votre avis nous intéresse !", 16, "Helvetica-Bold")
    p.text(56, 770, "Gérer son temps - session du 03/06/2026", 10)
    xs = [300.0, 370.0, 440.0, 510.0]
    for x, label in zip(xs, WORDS, strict=True):
        p.text(x - 3 * len(label) / 2 + 4, 720, label, 8)
    values = [4, 3, 2, 1]
    r = 6.0
    for i, answer in enumerate(answers):
        y = 695 - 30 * i
        p.text(56, y - 3, STATEMENTS[i % len(STATEMENTS)], 10)
        for x in xs:
            p.c.setStrokeColorRGB(*BLACK)
            p.c.setLineWidth(0.8)
            p.c.circle(x + 4, y, r, stroke=1, fill=0)
        for k in _chosen(answer, values, p.rng):
            p.tick(xs[k] - 3, y - 7, 14, BLUE)
    y = 695 - 30 * len(answers) - 30
    p.text(56, y, "Sur une échelle de 0 à 10, recommanderiez-vous cette formation ?", 10)
    bw, gap = 30.0, 12.0
    for n in range(11):
        bx = 60 + n * (bw + gap)
        p.rect(bx, y - 30, bw, 16, 0.8)
        p.text(bx + bw / 2 - (5 if n == 10 else 2.5), y - 26, str(n), 9)
    if recommendation is not None:
        bx = 60 + recommendation * (bw + gap)
        _circle_around(p, bx + bw / 2, y - 22, bw * 0.62, 14)
    p.text(60, y - 44, "0 = pas du tout    10 = tout à fait", 8, "Helvetica-Oblique")
    return p.finish()[0]


def online(answers: Sequence[Answer], seed: int = 3, options: int = 5) -> bytes:
    """An online form's export: one box per item, radio buttons, the chosen one filled."""
    p = Pen(random.Random(seed), "Réponses")
    p.new_page()
    p.text(56, 790, "Évaluation de fin de formation", 18)
    p.text(56, 772, "Réponse n° 4 - horodatage 03/06/2026 17:05", 8)
    values = list(range(1, options + 1))
    for i, answer in enumerate(answers):
        top = 740 - 70 * i
        p.rect(50, top - 58, 490, 58, 0.6, (0.85, 0.85, 0.85))
        p.c.setFillColorRGB(1, 1, 1)
        p.c.rect(51, top - 57, 488, 56, stroke=0, fill=1)
        p.text(58, top - 14, STATEMENTS[i % len(STATEMENTS)], 10, "Helvetica-Bold")
        p.text(58, top - 44, "Pas satisfait", 7)
        p.text(480, top - 44, "Très satisfait", 7)
        chosen = _chosen(answer, values, p.rng)
        for k in range(options):
            cx = 150 + k * 70
            p.text(cx - 2, top - 28, str(k + 1), 8)
            p.c.setStrokeColorRGB(0.3, 0.3, 0.3)
            p.c.setFillColorRGB(1, 1, 1)
            p.c.setLineWidth(0.8)
            p.c.circle(cx, top - 42, 7, stroke=1, fill=0)
            if k in chosen:
                p.c.setFillColorRGB(0.4, 0.25, 0.7)
                p.c.circle(cx, top - 42, 4, stroke=0, fill=1)
    return p.finish()[0]


def _face(p: Pen, cx: float, cy: float, r: float, bend: float) -> None:
    """A printed face; ``bend`` from -1 (a frown) to 1 (a broad smile)."""
    c = p.c
    c.setStrokeColorRGB(*BLACK)
    c.setFillColorRGB(*BLACK)
    c.setLineWidth(0.8)
    c.circle(cx, cy, r, stroke=1, fill=0)
    for side in (-1, 1):
        c.circle(cx + side * r * 0.35, cy + r * 0.3, r * 0.11, stroke=0, fill=1)
    path = c.beginPath()
    path.moveTo(cx - r * 0.45, cy - r * 0.3)
    sag = -bend * r * 0.35
    path.curveTo(cx - r * 0.2, cy - r * 0.3 + sag, cx + r * 0.2, cy - r * 0.3 + sag,
                 cx + r * 0.45, cy - r * 0.3)  # fmt: skip
    c.drawPath(path, stroke=1, fill=0)


def smileys(
    answers: Sequence[Answer],
    recommendation: int | None,
    seed: int = 5,
    rows: bool = True,
    mark: str = "circle",
    happy_first: bool = False,
) -> bytes:
    """Four faces and no scale word anywhere: printed on every row as its options, one
    circled (``mark="circle"``) or crossed by hand (``rows=True``); or once over columns of
    boxes, one ticked per row (``rows=False``). Then 0..10 printed bare, one circled by
    hand. An answer is the chosen face's level, 1 the unhappiest."""
    p = Pen(random.Random(seed), "Votre avis")
    p.new_page()
    p.text(56, 790, "Comment avez-vous trouvé la formation ?", 15, "Helvetica-Bold")
    p.text(56, 770, "Atelier d'écriture - session du 14/09/2026", 10)
    levels = [4, 3, 2, 1] if happy_first else [1, 2, 3, 4]
    bends = {1: -1.0, 2: -0.35, 3: 0.35, 4: 1.0}
    xs = [320.0 + 55 * k for k in range(4)]
    if not rows:
        for x, level in zip(xs, levels, strict=True):
            _face(p, x, 730, 9, bends[level])
    for i, answer in enumerate(answers):
        y = 700 - 28 * i
        p.text(56, y - 3, STATEMENTS[i % len(STATEMENTS)], 10)
        chosen = _chosen(answer, levels, p.rng)
        for k, (x, level) in enumerate(zip(xs, levels, strict=True)):
            if rows:
                _face(p, x, y, 8, bends[level])
            else:
                p.checkbox(x - 5, y - 5, 10)
            if k not in chosen:
                continue
            if rows and mark == "circle":
                _circle_around(p, x, y, 11.5, 11)
            else:
                p.tick(x - 6, y - 6, 12, BLUE)
    y = 700 - 28 * len(answers) - 30
    p.text(56, y, "Recommanderiez-vous cette formation à un collègue ?", 10, "Helvetica-Bold")
    for n in range(11):
        p.text(70 + 30 * n, y - 24, str(n), 11, align="center")
    if recommendation is not None:
        _circle_around(p, 70 + 30 * recommendation, y - 20, 10, 9)
    return p.finish()[0]


YES_NO = ("Oui", "En partie", "Non")
AGREEMENT = ("4 - Tout à fait", "3 - Plutôt oui", "2 - Plutôt non", "1 - Pas du tout")


def inline(answers: Sequence[tuple[str, Answer]], seed: int = 4) -> bytes:
    """A cold evaluation: each question on its line, its options below it as boxes each
    followed by its label ("☐ Oui ☐ En partie ☐ Non", "☐ 4 - Tout à fait …"). An answer is
    (``"oui"`` or ``"accord"``, the chosen label's index, None or "double")."""
    p = Pen(random.Random(seed), "Évaluation à froid")
    p.new_page()
    p.text(56, 790, "ÉVALUATION À FROID", 15, "Helvetica-Bold")
    p.text(56, 770, "Formation suivie : Gérer son temps - 2 mois après", 10)
    for i, (kind, answer) in enumerate(answers):
        y = 730 - 60 * i
        p.text(56, y, f"{STATEMENTS[i % len(STATEMENTS)]} ?", 10, "Helvetica-Bold")
        labels = YES_NO if kind == "oui" else AGREEMENT
        values = list(range(len(labels)))
        for k, label in enumerate(labels):
            x = 60 + k * 120
            p.checkbox(x, y - 24, 10)
            p.text(x + 16, y - 23, label, 10)
        for k in _chosen(answer, values, p.rng):
            _mark(p, 60 + k * 120, y - 24, 10, "check")
    return p.finish()[0]
