"""A reportlab canvas wrapper that records every string drawn (the text truth)
and draws handwritten-looking signatures and ticks."""

from __future__ import annotations

import io
import math
import random

import numpy as np
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from .model import Cooperative, Entrepreneur

BLACK = (0.0, 0.0, 0.0)
GREY = (0.35, 0.35, 0.35)


class Pen:
    """Draws pages and keeps, per page, the strings drawn in reading order."""

    def __init__(self, rng: random.Random, title: str = "", author: str = "") -> None:
        self.buf = io.BytesIO()
        self.c = Canvas(self.buf, pagesize=A4, invariant=1, pageCompression=1)
        self.c.setTitle(title)
        self.c.setAuthor(author)
        self.c.setCreator("Microsoft® Word pour Microsoft 365")
        self.rng = rng
        self.pages: list[list[str]] = []
        self.w, self.h = A4
        self.y = 0.0
        self.font = "Helvetica"
        self.margin = 56.0

    # ---- pages -----------------------------------------------------------------
    def new_page(self, land: bool = False, size: tuple[float, float] | None = None) -> None:
        if self.pages:
            self.c.showPage()
        self.w, self.h = size or (landscape(A4) if land else A4)
        self.c.setPageSize((self.w, self.h))
        self.pages.append([])
        self.y = self.h - self.margin

    def finish(self) -> tuple[bytes, str]:
        self.c.showPage()
        self.c.save()
        text = "\f".join("\n".join(p) for p in self.pages)
        return self.buf.getvalue(), text

    @property
    def page_count(self) -> int:
        return len(self.pages)

    # ---- text --------------------------------------------------------------------
    def text(
        self,
        x: float,
        y: float,
        s: str,
        size: float = 10,
        font: str | None = None,
        color: tuple[float, float, float] = BLACK,
        align: str = "left",
        record: bool = True,
    ) -> None:
        c = self.c
        c.setFont(font or self.font, size)
        c.setFillColorRGB(*color)
        if align == "center":
            c.drawCentredString(x, y, s)
        elif align == "right":
            c.drawRightString(x, y, s)
        else:
            c.drawString(x, y, s)
        if record and s.strip():
            self.pages[-1].append(s)

    def line(
        self,
        s: str,
        size: float = 10,
        font: str | None = None,
        gap: float = 4,
        x: float | None = None,
        color: tuple[float, float, float] = BLACK,
        align: str = "left",
    ) -> None:
        """Writes one line at the cursor and moves it down."""
        self.y -= size
        if align == "center":
            self.text(self.w / 2, self.y, s, size, font, color, "center")
        else:
            self.text(self.margin if x is None else x, self.y, s, size, font, color)
        self.y -= gap

    def para(
        self,
        s: str,
        size: float = 10,
        font: str | None = None,
        indent: float = 0,
        gap: float = 4,
        leading: float | None = None,
    ) -> None:
        """A wrapped paragraph at the cursor."""
        f = font or self.font
        width = self.w - 2 * self.margin - indent
        lead = leading or size * 1.3
        for ln in simpleSplit(s, f, size, width):
            self.y -= lead
            self.text(self.margin + indent, self.y + (lead - size), ln, size, f)
        self.y -= gap

    def bullets(
        self, items: list[str] | tuple[str, ...], size: float = 10, mark: str = "-"
    ) -> None:
        for it in items:
            self.para(f"{mark} {it}", size, indent=12, gap=1)
        self.y -= 3

    def space(self, dy: float) -> None:
        self.y -= dy

    def hr(self, color: tuple[float, float, float] = GREY, width: float = 0.6) -> None:
        self.c.setStrokeColorRGB(*color)
        self.c.setLineWidth(width)
        self.c.line(self.margin, self.y, self.w - self.margin, self.y)
        self.y -= 6

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        width: float = 0.6,
        color: tuple[float, float, float] = BLACK,
        fill: tuple[float, float, float] | None = None,
    ) -> None:
        self.c.setStrokeColorRGB(*color)
        self.c.setLineWidth(width)
        if fill:
            self.c.setFillColorRGB(*fill)
        self.c.rect(x, y, w, h, stroke=1, fill=1 if fill else 0)

    def checkbox(self, x: float, y: float, size: float = 8) -> None:
        self.rect(x, y, size, size, 0.7)

    # ---- handwriting ---------------------------------------------------------------
    def _stroke(self, pts: np.ndarray, ink: tuple[float, float, float], base: float) -> None:
        """Draws a polyline with a smoothly varying width (pen pressure)."""
        c = self.c
        c.setStrokeColorRGB(*ink)
        c.setLineCap(1)
        c.setLineJoin(1)
        n = len(pts)
        phase = self.rng.uniform(0, 6.28)
        for i in range(n - 1):
            t = i / max(1, n - 1)
            pressure = 0.55 + 0.45 * math.sin(math.pi * t) + 0.15 * math.sin(9 * t + phase)
            c.setLineWidth(max(0.25, base * pressure))
            c.line(float(pts[i, 0]), float(pts[i, 1]), float(pts[i + 1, 0]), float(pts[i + 1, 1]))

    def signature(
        self, x: float, y: float, w: float, h: float, ink: tuple[float, float, float]
    ) -> None:
        """A handwritten-looking signature inside the box (x, y, w, h)."""
        rng = self.rng
        ww, hh = w * rng.uniform(0.55, 0.85), h * rng.uniform(0.5, 0.8)
        x0 = x + rng.uniform(0.03, 0.95 - ww / w) * w
        y0 = y + h * 0.5 + rng.uniform(-0.12, 0.08) * h
        base = rng.uniform(0.7, 1.4) * max(0.6, min(1.3, h / 30))
        slant = rng.uniform(0.15, 0.45)
        # a capital: a tall loop
        t = np.linspace(0, 2 * math.pi, 40)
        cap_w = ww * rng.uniform(0.08, 0.14)
        cap = np.stack(
            [
                x0 + cap_w * (0.5 + 0.5 * np.sin(t)) + slant * hh * 0.5 * (1 - np.cos(t / 2)),
                y0 - hh * 0.25 + hh * 0.75 * (1 - np.cos(t / 2)) / 2 * np.cos(t) ** 2,
            ],
            1,
        )
        # the cursive body: a trochoid with a smooth random envelope
        n = 220
        tt = np.linspace(0, 1, n)
        loops = rng.randint(5, 10)
        knots = np.array([rng.uniform(0.25, 1.0) for _ in range(6)])
        env = np.interp(tt, np.linspace(0, 1, 6), knots)
        # irregular writing speed: the phase advances at a smoothly varying rate
        speed = np.interp(tt, np.linspace(0, 1, 8), [rng.uniform(0.5, 1.6) for _ in range(8)])
        phase = np.cumsum(speed)
        phase = 2 * math.pi * loops * phase / phase[-1]
        r = hh * 0.28 * env
        tall = np.interp(
            tt, np.linspace(0, 1, 12), [rng.choice([0.6, 1.0, 1.0, 1.8]) for _ in range(12)]
        )
        bx = x0 + cap_w + tt * (ww - cap_w) + rng.uniform(0.5, 1.1) * r * np.cos(phase + 1.2)
        by = (
            y0
            + r * tall * np.sin(phase) * 1.2
            + hh * 0.1 * np.sin(2.3 * math.pi * tt + rng.uniform(0, 3))
        )
        bx = bx + slant * (by - y0)
        body = np.stack([bx, by], 1)
        # a flourish underline
        u = np.linspace(0, 1, 60)
        fl = np.stack(
            [
                x0 + ww * (0.05 + 0.95 * u),
                y0 - hh * (0.35 + 0.1 * np.sin(math.pi * u)) + hh * rng.uniform(-0.1, 0.1) * u,
            ],
            1,
        )
        self._stroke(cap, ink, base)
        self._stroke(body, ink, base)
        if rng.random() < 0.75:
            self._stroke(fl, ink, base * 0.8)

    def tick(self, x: float, y: float, size: float, ink: tuple[float, float, float]) -> None:
        """A hand-drawn cross in a box of the given size at (x, y)."""
        rng = self.rng
        j = lambda: rng.uniform(-0.12, 0.12) * size  # noqa: E731
        for ax, ay, bx, by in ((0.1, 0.1, 0.95, 0.9), (0.1, 0.95, 0.9, 0.05)):
            pts = np.array(
                [
                    [x + ax * size + j(), y + ay * size + j()],
                    [x + (ax + bx) / 2 * size + j() / 2, y + (ay + by) / 2 * size + j() / 2],
                    [x + bx * size + j(), y + by * size + j()],
                ]
            )
            fine = np.stack(
                [np.interp(np.linspace(0, 2, 12), [0, 1, 2], pts[:, k]) for k in (0, 1)], 1
            )
            self._stroke(fine, ink, 1.1)

    def cross(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        ink: tuple[float, float, float],
        style: str = "",
    ) -> None:
        """Crosses out the box (x, y, w, h) by hand: one diagonal ("barre") or an X ("croix");
        the style is drawn at random when not given."""
        rng = self.rng
        style = style or rng.choice(["barre", "croix"])
        strokes = [(0.0, 0.0, 1.0, 1.0)]  # bottom-left to top-right
        if style == "croix":
            strokes.append((0.0, 1.0, 1.0, 0.0))
        base = rng.uniform(0.9, 1.6)
        for ax, ay, bx, by in strokes:
            mx, my = rng.uniform(0.04, 0.14), rng.uniform(0.08, 0.2)  # where the pen lands
            x0, y0 = x + w * (mx + ax * (1 - 2 * mx)), y + h * (my + ay * (1 - 2 * my))
            x1, y1 = x + w * (mx + bx * (1 - 2 * mx)), y + h * (my + by * (1 - 2 * my))
            t = np.linspace(0, 1, 24)
            bow = rng.uniform(-0.06, 0.06) * math.hypot(w, h)  # a slightly curved hand stroke
            wobble = np.array([rng.uniform(-0.6, 0.6) for _ in range(24)])
            nx, ny = -(y1 - y0), x1 - x0
            norm = math.hypot(nx, ny) or 1.0
            off = bow * np.sin(math.pi * t) + wobble * 0.4
            pts = np.stack(
                [x0 + (x1 - x0) * t + off * nx / norm, y0 + (y1 - y0) * t + off * ny / norm], 1
            )
            self._stroke(pts, ink, base)

    def hand(
        self,
        x: float,
        y: float,
        s: str,
        size: float,
        ink: tuple[float, float, float],
        font: str = "Helvetica-Oblique",
    ) -> None:
        """Hand-written words (recorded in the truth: they are on the page)."""
        self.c.saveState()
        self.c.translate(x, y)
        self.c.rotate(self.rng.uniform(-2.5, 2.5))
        self.text(0, 0, s, size, font, ink)
        self.c.restoreState()


def header(p: Pen, coop: Cooperative, es: Entrepreneur) -> None:
    """The cooperative's letterhead, in the entrepreneur's own style."""
    st = es.style
    top = p.h - 36
    if st.header == "bandeau":
        p.c.setFillColorRGB(*st.accent)
        p.c.rect(0, top - 22, p.w, 40, stroke=0, fill=1)
        p.text(p.margin, top - 6, coop.name, 16, st.bold, (1, 1, 1))
        p.text(p.w - p.margin, top - 6, f"{es.name} — {es.trade}", 9, st.font, (1, 1, 1), "right")
        p.text(
            p.margin,
            top - 36,
            f"{coop.address} — SIRET {coop.siret} — NDA {coop.nda}",
            8,
            st.font,
            GREY,
        )
        p.y = top - 52
    elif st.header == "centre":
        p.text(p.w / 2, top - 4, coop.name, 17, st.bold, st.accent, "center")
        p.text(p.w / 2, top - 18, f"{coop.legal} — {coop.address}", 9, st.font, GREY, "center")
        p.text(
            p.w / 2,
            top - 30,
            f"SIRET {coop.siret} — Déclaration d'activité n° {coop.nda}",
            9,
            st.font,
            GREY,
            "center",
        )
        p.text(p.w / 2, top - 42, f"{es.name}, {es.trade.lower()}", 9, st.italic, GREY, "center")
        p.y = top - 50
        p.hr(st.accent, 1.2)
    else:
        p.text(p.margin, top, f"{coop.name.upper()}", 12, st.bold, st.accent)
        p.text(
            p.w - p.margin, top, f"NDA {coop.nda} | SIRET {coop.siret}", 8, st.font, GREY, "right"
        )
        p.text(p.margin, top - 13, f"{es.name} — {es.trade} — {es.email}", 8, st.font, GREY)
        p.c.setStrokeColorRGB(*st.accent)
        p.c.setLineWidth(2)
        p.c.line(p.margin, top - 19, p.w - p.margin, top - 19)
        p.y = top - 28
    p.font = st.font


def footer(p: Pen, coop: Cooperative, es: Entrepreneur, page_label: str = "") -> None:
    st = es.style
    p.text(p.w / 2, 30, f"{coop.name} — {coop.legal} — {coop.address}", 7, st.font, GREY, "center")
    p.text(
        p.w / 2,
        21,
        f"Déclaration d'activité enregistrée sous le n° {coop.nda} auprès du préfet de région "
        f"{coop.region}. Cet enregistrement ne vaut pas agrément de l'État.",
        6.5,
        st.font,
        GREY,
        "center",
    )
    if page_label:
        p.text(p.w - p.margin, 21, page_label, 7, st.font, GREY, "right")
