"""The Word templates of the yearly report and of the entrepreneurs' summaries, built here.

    python -m pipeline.bpf.templates        # rewrites templates/*.docx

The committed ``templates/bpf-rapport.docx`` and ``templates/bilan-entrepreneur.docx``
come from this script (byte for byte: fixed properties and zip timestamps); a test checks
they are up to date. A cooperative may restyle them in Word (logo, colours, wording)
as long as the ``{{ … }}`` and ``{%tr … %}`` tags stay; docxtpl fills them
(:mod:`pipeline.bpf.report`, :mod:`pipeline.bpf.summaries`).
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"
REPORT = "bpf-rapport.docx"
SUMMARY = "bilan-entrepreneur.docx"
FIXED_TIME = datetime(2026, 1, 5, 9, 0, 0)
GREY = RGBColor(0x59, 0x59, 0x59)
COUNTS = (1.5, 10.5, 2.5, 2.5)  # widths (cm) of a line / label / trainees / hours table


def build_report() -> bytes:
    """The cooperative's yearly pedagogical report: indicators, charts, the BPF, the checks."""
    doc = _document("Bilan pédagogique et financier")
    doc.add_paragraph("Bilan pédagogique {{ year }}", style="Title")
    doc.add_paragraph("{{ coop.name }} — exercice {{ period }}", style="Subtitle")
    _note(doc, "NDA {{ coop.nda }} · SIRET {{ coop.siret }} · Cerfa n° 10443*17")
    _note(doc, "{{ status_line }}", bold=True)

    doc.add_heading("1. Indicateurs de résultat", level=1)
    _note(doc, "Publiés au titre de l'indicateur 2 du référentiel Qualiopi.")
    _loop_table(doc, ("Indicateur", "Valeur"), "k in kpi", ("k.label", "k.value"), (12, 5), 1)
    _note(doc, "{{ kpi_note }}")

    doc.add_heading("2. Les stagiaires de l'année", level=1)
    doc.add_paragraph("{{ chart_types }}")
    doc.add_paragraph("{{ chart_nsf }}")

    doc.add_heading("3. Les chiffres du bilan pédagogique et financier", level=1)
    doc.add_heading("Cadre B — Exercice et formation à distance", level=2)
    doc.add_paragraph("Exercice {{ period }}. {{ distance_label }} : {{ distance }}.")
    doc.add_heading("Cadre C — Origine des produits (HT, en euros)", level=2)
    _loop_table(doc, ("Ligne", "Origine des produits", "Montant (€)"), "r in c_rows",
                ("r.line", "r.label", "r.amount"), (1.5, 12.5, 3), 1)  # fmt: skip
    doc.add_heading("Cadre E — Personnes dispensant des heures de formation", level=2)
    _loop_table(doc, ("", "Personnes", "Heures"), "r in e_rows",
                ("r.label", "r.people", "r.hours"), (11, 3, 3), 2)  # fmt: skip
    doc.add_heading("Cadre F — Stagiaires et heures-stagiaires", level=2)
    doc.add_paragraph("F-1 — Par type de stagiaires", style="Heading 3")
    _loop_table(doc, ("Ligne", "Type", "Stagiaires", "Heures"), "r in f1_rows",
                ("r.line", "r.label", "r.trainees", "r.hours"), COUNTS, 2)  # fmt: skip
    doc.add_paragraph("F-2 — {{ f2_label }} : {{ f2.trainees }} stagiaire(s), {{ f2.hours }} h.")
    doc.add_paragraph("F-3 — Par objectif général", style="Heading 3")
    _loop_table(doc, ("Ligne", "Objectif", "Stagiaires", "Heures"), "r in f3_rows",
                ("r.line", "r.label", "r.trainees", "r.hours"), COUNTS, 2)  # fmt: skip
    doc.add_paragraph("F-4 — Par spécialité de formation (NSF)", style="Heading 3")
    _loop_table(doc, ("Code", "Spécialité", "Stagiaires", "Heures"), "r in f4_rows",
                ("r.nsf", "r.label", "r.trainees", "r.hours"), COUNTS, 2)  # fmt: skip
    doc.add_heading("Cadre G — Formations reçues en sous-traitance", level=2)
    doc.add_paragraph("{{ g_label }} : {{ g.trainees }} stagiaire(s), {{ g.hours }} h.")
    _note(doc, "{{ sources }}")

    doc.add_heading("4. Activité par entrepreneur", level=1)
    _loop_table(doc, ("Entrepreneur", "Formations", "Stagiaires", "Heures", "Satisfaction"),
                "r in people", ("r.name", "r.trainings", "r.trainees", "r.hours",
                                "r.satisfaction"), (7, 2.5, 2.5, 2.5, 2.5), 4)  # fmt: skip

    doc.add_heading("5. Contrôles avant le dépôt", level=1)
    _loop_table(doc, ("Résultat", "Contrôle", "Factures concernées"), "c in checks",
                ("c.result", "c.message", "c.invoices"), (2.3, 9.7, 5))  # fmt: skip
    doc.add_heading("Points d'attention", level=2)
    doc.add_paragraph("{%p for w in warnings %}")
    doc.add_paragraph("{{ w.message }}{{ w.invoices }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    _note(doc, "Établi par dossiers le {{ generated }} à partir des factures importées et des "
               "pièces des dossiers ; le détail de chaque chiffre est dans le classeur "
               "{{ workbook }}.")  # fmt: skip
    return _save(doc)


def build_summary() -> bytes:
    """An entrepreneur's yearly pedagogical summary, pre-filled, to check, complete and sign."""
    doc = _document("Bilan pédagogique annuel")
    doc.add_paragraph("Bilan pédagogique {{ year }}", style="Title")
    doc.add_paragraph("Formateur : {{ name }}", style="Subtitle")
    _note(doc, "{{ coop.name }} (NDA {{ coop.nda }}) — exercice {{ period }}")
    _note(doc, "Brouillon pré-rempli le {{ generated }} à partir de vos factures et des "
               "documents que vous avez déposés. Relisez-le, corrigez ce qui est inexact, "
               "complétez les parties à rédiger, signez-le, puis déposez-le dans votre "
               "dossier du partage (en dehors du dossier « _dossiers »).", bold=True)  # fmt: skip

    doc.add_heading("1. Formations réalisées", level=1)
    _loop_table(doc, ("Facture", "Formation", "Client", "Dates", "Stagiaires", "Heures"),
                "t in trainings", ("t.number", "t.title", "t.client", "t.dates",
                                   "t.trainees", "t.hours"),
                (2.9, 4.2, 3.1, 3.0, 1.9, 1.6), 2)  # fmt: skip
    doc.add_paragraph("{{ totals }}")

    doc.add_heading("2. Résultats", level=1)
    doc.add_paragraph("{%p for r in results %}")
    doc.add_paragraph("{{ r }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")

    doc.add_heading("3. Pièces encore attendues dans vos dossiers", level=1)
    doc.add_paragraph("{%p for m in missing %}")
    doc.add_paragraph("{{ m }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")

    doc.add_heading("4. À rédiger par vous", level=1)
    for prompt in (
        "Faits marquants de l'année (publics, contenus, modalités) :",
        "Difficultés rencontrées et solutions apportées :",
        "Appréciations des stagiaires et des clients, suites données :",
        "Actions d'amélioration prévues pour l'an prochain :",
        "Actualisation de vos compétences (formations suivies, veille, réseaux) :",
    ):
        doc.add_paragraph(prompt, style="Heading 3")
        for _ in range(3):
            doc.add_paragraph("…" * 40)

    doc.add_heading("5. Signature", level=1)
    doc.add_paragraph("Je certifie exact le présent bilan pédagogique.")
    # Read back when the signed summary is dropped: it dates the summary (the year it covers).
    doc.add_paragraph("Date du bilan : {{ generated }}")
    doc.add_paragraph("Fait à …………………………………, le ………………………")
    doc.add_paragraph("Formateur : {{ name }}")
    doc.add_paragraph("Signature :")
    return _save(doc)


def _document(title: str) -> DocxDocument:
    doc = Document()
    props = doc.core_properties
    props.title = title
    props.author = props.last_modified_by = "dossiers"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2)
        section.top_margin = section.bottom_margin = Cm(1.8)
    return doc


def _note(doc: DocxDocument, text: str, bold: bool = False) -> None:
    run = doc.add_paragraph().add_run(text)
    run.font.size = Pt(9)
    run.bold = bold
    run.font.color.rgb = GREY


def _loop_table(
    doc: DocxDocument,
    headers: Sequence[str],
    loop: str,
    cells: Sequence[str],
    widths: Sequence[float],
    numeric: int = 0,
) -> None:
    """A table whose body rows repeat ``{%tr for loop %}`` (docxtpl removes the tag rows);
    its last ``numeric`` columns right-aligned."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for n, header in enumerate(headers):
        cell = table.rows[0].cells[n]
        cell.text = header
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for n, value in enumerate(cells):
        paragraph = table.rows[2].cells[n].paragraphs[0]
        paragraph.text = f"{{{{ {value} }}}}"
        if n >= len(cells) - numeric:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            table.rows[0].cells[n].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table.rows[3].cells[0].text = "{%tr endfor %}"
    for n, width in enumerate(widths):
        table.columns[n].width = Cm(width)  # the grid: what LibreOffice reads
        for row in table.rows:
            row.cells[n].width = Cm(width)  # each cell: what Word reads


def _save(doc: DocxDocument) -> bytes:
    """The document's bytes, with fixed zip timestamps: the same script gives the same file."""
    raw = io.BytesIO()
    doc.save(raw)
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


BUILDERS = {REPORT: build_report, SUMMARY: build_summary}


def main(folder: Path = TEMPLATES) -> list[Path]:
    """Write every template into ``folder``; the paths written."""
    written = []
    for name, build in BUILDERS.items():
        target = folder / name
        target.write_bytes(build())
        written.append(target)
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATES):
        print(path)
