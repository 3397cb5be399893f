"""DOCX documents (python-docx), with their text truth."""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document
from docx.shared import Pt, RGBColor

from .data import COOP
from .docs import cv_lines, programme_blocks
from .model import Entrepreneur, Invoice, hours_fr
from .render import normalise_zip


def _fixed_props(doc: Document, author: str, title: str) -> None:
    cp = doc.core_properties
    cp.author = author
    cp.last_modified_by = author
    cp.title = title
    cp.created = datetime(2026, 1, 5, 9, 0, 0)
    cp.modified = datetime(2026, 1, 5, 9, 0, 0)
    cp.revision = 3


def _save(doc: Document) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue())


def cv_docx(es: Entrepreneur, updated) -> tuple[bytes, str, dict]:
    doc = Document()
    _fixed_props(doc, es.name, "CV")
    lines: list[str] = []
    blocks = cv_lines(es, updated)
    head, rest = blocks[0], blocks[1:]
    doc.add_heading(head[0], level=0)
    lines.append(head[0])
    for s in head[1]:
        para = doc.add_paragraph()
        run = para.add_run(s)
        run.bold = s == es.name
        if s == es.name:
            run.font.size = Pt(18)
        lines.append(s)
    for title, items in rest:
        doc.add_heading(title, level=1)
        lines.append(title)
        for it in items:
            doc.add_paragraph(it, style="List Bullet")
            lines.append(it)
    fields = {"person": es.name, "trainer": es.name, "updated": updated.isoformat()}
    return _save(doc), "\n".join(lines), fields


def programme_docx(inv: Invoice) -> tuple[bytes, str, dict]:
    es = inv.es
    doc = Document()
    _fixed_props(doc, es.name, inv.title)
    lines: list[str] = []

    def add(
        s: str, bold: bool = False, size: int = 11, color: tuple[int, int, int] | None = None
    ) -> None:
        para = doc.add_paragraph()
        run = para.add_run(s)
        run.bold = bold
        run.font.size = Pt(size)
        if color:
            run.font.color.rgb = RGBColor(*color)
        lines.append(s)

    add(f"{COOP.name} — NDA {COOP.nda} — SIRET {COOP.siret}", size=8, color=(90, 90, 90))
    add("Programme de formation", bold=True, size=18)
    add(inv.title, bold=True, size=14, color=(190, 90, 10))
    add(f"Durée : {hours_fr(inv.hours)} heures ({len(inv.days)} jours) — Formateur : {es.name}")
    add("Public : toute personne amenée à s'exprimer en public — Prérequis : aucun")
    for title, items in programme_blocks(inv, True):
        doc.add_heading(title, level=1)
        lines.append(title)
        for it in items:
            doc.add_paragraph(it, style="List Bullet")
            lines.append(it)
    fields = {
        "training_title": inv.title,
        "trainer": es.name,
        "sections": {"objectifs": True, "programme": True, "methodes": True, "evaluation": True},
    }
    return _save(doc), "\n".join(lines), fields
