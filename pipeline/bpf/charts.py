"""Bar charts for the yearly report, drawn with Pillow (already a dependency; a plotting
library would add tens of megabytes for two bar charts).

Labels need a font with French accents: DejaVu Sans (Debian ``fonts-dejavu-core``) or
Liberation Sans, found by name in the system's font folders; without either, Pillow's
built-in font and labels without accents, so a chart is never lost for want of a font.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from pipeline.parse import fold

FONTS = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf")
WIDTH = 1600
ROW = 72
BAR = "#2f6f9f"
GRID = "#d9d9d9"
INK = "#1a1a1a"

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def _font(size: int) -> tuple[Font, bool]:
    """A font of ``size`` pixels, and whether it draws accents."""
    for name in FONTS:
        try:
            return ImageFont.truetype(name, size), True
        except OSError:
            continue
    return ImageFont.load_default(size=size), False


def bar_chart(title: str, rows: Sequence[tuple[str, float]], unit: str = "") -> bytes:
    """A horizontal bar chart as PNG bytes: one bar per (label, value), values written out."""
    font, accents = _font(30)
    bold, _ = _font(36)

    def text(s: str) -> str:
        return s if accents else fold(s)

    label_width = min(820, max([_width(font, text(label)) for label, _ in rows] or [0]) + 30)
    height = 90 + ROW * max(1, len(rows)) + 30
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((20, 20), text(title), font=bold, fill=INK)
    top, left, right = 90, label_width, WIDTH - 230
    peak = max([value for _, value in rows] or [0]) or 1
    for n, (label, value) in enumerate(rows):
        y = top + n * ROW
        draw.text((20, y + 18), _fit(font, text(label), label_width - 30), font=font, fill=INK)
        length = (right - left) * value / peak
        draw.rectangle((left, y + 12, left + max(length, 2), y + ROW - 12), fill=BAR)
        draw.text((left + length + 12, y + 18), _number(value, unit), font=font, fill=INK)
    if not rows:
        draw.text((20, top + 16), text("Aucune donnée sur l'exercice."), font=font, fill=INK)
    draw.line((left, top - 4, left, top + ROW * max(1, len(rows))), fill=GRID, width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _width(font: Font, text: str) -> int:
    box = font.getbbox(text)
    return int(box[2] - box[0])


def _fit(font: Font, text: str, width: int) -> str:
    """``text`` cut with an ellipsis to fit ``width`` pixels."""
    if _width(font, text) <= width:
        return text
    while text and _width(font, text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _number(value: float, unit: str) -> str:
    shown = f"{value:,.0f}".replace(",", "\u202f")
    return f"{shown} {unit}".strip()
