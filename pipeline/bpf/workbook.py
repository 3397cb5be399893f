"""``bpf-YEAR.xlsx``: the form cadre by cadre, where each figure comes from, the checks.

Sheets, in the order a person uses them:

- **Formulaire**: cadres A to H in the order of Mon Activité Formation, one line per
  field, ready to type in;
- **Traçabilité**: one row per invoice (per trainee type when its trainees differ) with
  every line it feeds (C, F-1, F-2, F-3, F-4, G, E), its trainee-hours within the year
  and where they come from, its dossier's state and documents: filtering a line's column
  and adding up gives the figure (before rounding);
- **Contrôles**: each check, passed or not, then one row per invoice concerned;
- **Avertissements**: where figures rest on the invoice, what is left to fill by hand;
- **Indicateurs**: the Qualiopi result indicators.

Written with openpyxl in write-only mode: 100,000 invoices stay within memory. Every row
goes through :func:`_append`: texts (invoice fields, names, file names) cleaned of what a
spreadsheet cannot hold and written as text, never as a formula (:mod:`pipeline.safetext`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from pipeline import safetext
from pipeline.bpf import codes
from pipeline.bpf.facts import SOURCE_LABELS, Facts

if TYPE_CHECKING:
    from pipeline.bpf.run import Bpf

SHEETS = ("Formulaire", "Traçabilité", "Contrôles", "Avertissements", "Indicateurs")
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
BAD = Font(bold=True, color="C00000")
GOOD = Font(color="2E7D32")
WRAP = Alignment(wrap_text=True, vertical="top")
STATES = {"complete": "complet", "incomplete": "incomplet", "inconsistent": "incohérent"}
ROLES = {"F": "F (stagiaires de l'organisme)", "G": "G (sous-traitance reçue)", "": ""}


def render(bpf: Bpf) -> bytes:
    """The workbook's bytes."""
    book = Workbook(write_only=True)
    _form(_sheet(book, SHEETS[0], (8, 8, 70, 30, 16, 12, 12)), bpf)
    _trace(_sheet(book, SHEETS[1], TRACE_WIDTHS), bpf.facts)
    _checks(_sheet(book, SHEETS[2], (24, 14, 80, 16, 70)), bpf)
    _warnings(_sheet(book, SHEETS[3], (26, 100, 60)), bpf)
    _indicators(_sheet(book, SHEETS[4], (60, 16, 60)), bpf)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book: Workbook, title: str, widths: Sequence[float]) -> WriteOnlyWorksheet:
    sheet = book.create_sheet(title)
    for n, width in enumerate(widths):
        sheet.column_dimensions[_letter(n)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _letter(n: int) -> str:
    return chr(ord("A") + n) if n < 26 else "A" + chr(ord("A") + n - 26)


def _row(sheet: WriteOnlyWorksheet, values: Iterable[Any], font: Font | None = None,
         fill: PatternFill | None = None, wrap: bool = False) -> None:  # fmt: skip
    cells = []
    for value in values:
        cell = _cell(sheet, value)
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if wrap:
            cell.alignment = WRAP
        cells.append(cell)
    sheet.append(cells)


def _append(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    """One row of plain cells (the cells already made, such as dates, kept as they are)."""
    sheet.append([v if isinstance(v, Cell) else _cell(sheet, v) for v in values])


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> Cell:
    """A cell for ``value``: a text is cleaned and stays text (this workbook has no formula)."""
    return safetext.as_text(WriteOnlyCell(sheet, value=safetext.cell_value(value)))


# -- Formulaire ---------------------------------------------------------------------------

FORM_HEADERS = ("Cadre", "Ligne", "Intitulé", "Réponse", "Montant HT (€)", "Nombre", "Heures")


def _form(sheet: WriteOnlyWorksheet, bpf: Bpf) -> None:
    _row(sheet, FORM_HEADERS, BOLD, HEAD_FILL)
    for section, rows in _form_sections(bpf):
        _row(sheet, (section, "", "", "", "", "", ""), BOLD, SECTION_FILL)
        for row in rows:
            _row(sheet, row)


def _form_sections(bpf: Bpf) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    f, coop = bpf.figures, bpf.cooperative
    status = f"BROUILLON du {bpf.generated:%d/%m/%Y}" if bpf.draft else "version définitive"
    yield f"Bilan pédagogique et financier {bpf.year} (Cerfa n° 10443*17) — {status}", []
    yield (
        "A — Identification",
        [
            ("A", "", "Dénomination", coop.name, None, None, None),
            ("A", "", "Numéro de déclaration d'activité", coop.nda, None, None, None),
            ("A", "", "SIRET", coop.siret, None, None, None),
            ("A", "", "Forme juridique, code NAF, adresse", "à compléter", None, None, None),
        ],
    )
    yield (
        "B — Caractéristiques de l'organisme",
        [
            ("B", "", "Exercice comptable du", f"{bpf.period.first:%d/%m/%Y}", None, None, None),
            ("B", "", "au", f"{bpf.period.last:%d/%m/%Y}", None, None, None),
            ("B", "", codes.B_DISTANCE_LABEL, "Oui" if f.distance else "Non", None, None, None),
        ],
    )
    c_rows: list[tuple[Any, ...]] = []
    for line in codes.C_LINES:
        if line == "2a":
            c_rows.append(("C", "2", codes.C2_LABEL, None, f.c["2"], None, None))
        c_rows.append(("C", line, codes.C_LABELS[line], None, f.c[line], None, None))
    c_rows.append(("C", "Total", codes.C_TOTAL_LABEL, None, f.c["total"], None, None))
    c_rows.append(("C", "", "Part du chiffre d'affaires issue de la formation (%)",
                   "à compléter (comptabilité)", None, None, None))  # fmt: skip
    yield "C — Bilan financier hors taxes : origine des produits", c_rows
    yield "D — Bilan financier hors taxes : charges", [
        ("D", "", "Total des charges de l'organisme liées à la formation",
         "à reprendre de la comptabilité", None, None, None),
        ("D", "", "dont salaires des formateurs", "à reprendre de la comptabilité",
         None, None, None),
        ("D", "", "dont achats de prestations de formation", "à reprendre de la comptabilité",
         None, None, None),
    ]  # fmt: skip
    yield "E — Personnes dispensant des heures de formation", [
        ("E", "1", codes.E_LABELS["internal"], None, None, f.e_internal.people,
         f.e_internal.hours),
        ("E", "2", codes.E_LABELS["external"], None, None, f.e_external.people,
         f.e_external.hours),
    ]  # fmt: skip
    yield "F-1 — Type de stagiaires de l'organisme", [
        *(("F-1", k, codes.F1_LABELS[k], None, None, f.f1[k].trainees, f.f1[k].hours)
          for k in codes.F1_LABELS),
        ("F-1", "Total", "Total", None, None, f.f1["total"].trainees, f.f1["total"].hours),
    ]  # fmt: skip
    yield (
        "F-2 — Activité sous-traitée de l'organisme",
        [
            ("F-2", "", codes.F2_LABEL, None, None, f.f2.trainees, f.f2.hours),
        ],
    )
    yield "F-3 — Objectif général des prestations dispensées", [
        *(("F-3", k, codes.F3_LABELS[k], None, None, f.f3[k].trainees, f.f3[k].hours)
          for k in codes.F3_LABELS),
        ("F-3", "Total", "Total", None, None, f.f3["total"].trainees, f.f3["total"].hours),
    ]  # fmt: skip
    total4 = f.f4_total
    yield (
        "F-4 — Spécialités de formation",
        [
            *(("F-4", s.nsf or "", s.label, None, None, s.trainees, s.hours) for s in f.f4),
            ("F-4", "Total", "Total", None, None, total4.trainees, total4.hours),
        ],
    )
    yield (
        "G — Stagiaires dont la formation a été confiée à l'organisme",
        [
            ("G", "", codes.G_LABEL, None, None, f.g.trainees, f.g.hours),
        ],
    )
    yield (
        "H — Personne ayant la qualité de dirigeant",
        [
            ("H", "", "Nom, prénom, qualité du signataire", "à compléter", None, None, None),
        ],
    )


# -- Traçabilité --------------------------------------------------------------------------

TRACE = (
    ("Facture", 16), ("Date facture", 12), ("Entrepreneur", 22), ("Client", 28),
    ("Formation", 40), ("Début", 12), ("Fin", 12), ("Code BPF", 9), ("Ligne C", 8),
    ("Montant HT de l'exercice (€)", 14), ("Cadre", 26), ("Ligne F-1", 9),
    ("Statut (export)", 18), ("Stagiaires", 10), ("Heures-stagiaires de l'exercice", 14),
    ("Source des heures", 30), ("Pourquoi pas les feuilles", 40), ("F-2 (confiée)", 10),
    ("Ligne F-3", 9), ("NSF", 7), ("Distanciel", 10), ("Heures formateur", 10),
    ("E : formateur", 30), ("Heures-stagiaires facturées", 12), ("État du dossier", 12),
    ("Pièces manquantes", 40), ("Documents (n°)", 18), ("Fichiers déposés", 60),
)  # fmt: skip
TRACE_WIDTHS = tuple(w for _, w in TRACE)


def _trace(sheet: WriteOnlyWorksheet, facts: Sequence[Facts]) -> None:
    _row(sheet, (name for name, _ in TRACE), BOLD, HEAD_FILL, wrap=True)
    for f in facts:
        for n, group in enumerate(f.groups or (None,)):
            first = n == 0  # amounts and trainer hours once per invoice, not per group
            inv = f.invoice
            _append(sheet, [
                inv.number, _day(sheet, inv.date), inv.entrepreneur, inv.client, inv.title,
                _day(sheet, inv.start), _day(sheet, inv.end), inv.bpf_code, f.c_line or "",
                round(f.amount, 2) if first else None,
                ROLES[f.role], (group.line or "?") if group and f.role == "F" else "",
                ", ".join(inv.statuses), group.trainees if group else 0,
                round(group.hours, 2) if group else 0.0,
                SOURCE_LABELS[f.source] if f.role else "", f.source_note if f.role else "",
                "oui" if f.role == "F" and f.subcontracting == "confiee" else "",
                (f.objective or "?") if f.role == "F" else "",
                (f.nsf or "?") if f.role == "F" else "", inv.distance,
                round(f.trainer_hours, 2) if first else None, _trainer(f),
                inv.trainee_hours, STATES.get(f.state, f.state), ", ".join(f.missing),
                ", ".join(f"#{d[0]}" for d in f.documents),
                "; ".join(sorted({d[2] for d in f.documents})),
            ])  # fmt: skip


def _day(sheet: WriteOnlyWorksheet, day: date | None) -> WriteOnlyCell | None:
    """A date as French readers write it (the default would be ISO, with a time in pandas)."""
    if day is None:
        return None
    cell = WriteOnlyCell(sheet, value=day)
    cell.number_format = "DD/MM/YYYY"
    return cell


def _trainer(f: Facts) -> str:
    if not f.role:
        return ""
    if f.subcontracting == "confiee":
        names = ", ".join(f.outside_trainers) or "non nommé"
        return f"extérieur : {names}"
    return f"interne : {f.invoice.entrepreneur}"


# -- Contrôles, avertissements, indicateurs -----------------------------------------------


def _checks(sheet: WriteOnlyWorksheet, bpf: Bpf) -> None:
    _row(sheet, ("Contrôle", "Résultat", "Message", "Facture", "Détail"), BOLD, HEAD_FILL)
    for c in bpf.checks:
        result = "conforme" if c.ok else "à corriger"
        _row(sheet, (c.code, result, c.message, "", ""), BAD if not c.ok else GOOD)
        details = {line.split(" ", 1)[0]: line.split(" : ", 1)[-1] for line in c.details}
        for number in c.invoices:
            _append(sheet, [c.code, "", "", number, details.get(number, "")])
        if c.documents:
            docs = ", ".join(f"#{d}" for d in c.documents)
            _append(sheet, [c.code, "", "", "", f"documents : {docs}"])


def _warnings(sheet: WriteOnlyWorksheet, bpf: Bpf) -> None:
    _row(sheet, ("Avertissement", "Message", "Factures"), BOLD, HEAD_FILL)
    for w in bpf.warnings:
        _append(sheet, [w.code, w.message, ", ".join(w.invoices)])


def _indicators(sheet: WriteOnlyWorksheet, bpf: Bpf) -> None:
    _row(sheet, ("Indicateur", "Valeur", "Calcul"), BOLD, HEAD_FILL)
    for label, value, how in indicator_rows(bpf):
        _append(sheet, [label, value, how])


def indicator_rows(bpf: Bpf) -> list[tuple[str, str, str]]:
    """The Qualiopi indicators in words: (label, value, how it is computed)."""
    ind = bpf.indicators
    threshold = f"{ind.threshold:.0%}".replace("%", " %")
    return [
        ("Nombre de stagiaires formés", f"{ind.trainees}", "F-1 (total) + G"),
        ("Heures-stagiaires", f"{ind.trainee_hours}", "F-1 (total) + G"),
        ("Formations réalisées (factures)", f"{ind.trainings}", "factures ayant des "
         "stagiaires sur l'exercice"),
        ("Taux de satisfaction", _percent(ind.satisfaction),
         f"moyenne des notes de {ind.evaluations} bilan(s) à chaud, ramenées sur 100"),
        ("Taux de réponse aux bilans à chaud", _percent(ind.response_rate),
         "bilans à chaud notés / stagiaires"),
        ("Taux d'assiduité (fin de formation)", _percent(ind.completion),
         f"stagiaires présents au moins {threshold} des heures prévues, sur "
         f"{ind.assessed} stagiaire(s) dont les feuilles d'émargement sont complètes"),
        ("Taux d'abandon", _percent(1 - ind.completion if ind.completion is not None else None),
         "complément du taux d'assiduité"),
    ]  # fmt: skip


def _percent(value: float | None) -> str:
    return "non mesuré" if value is None else f"{value:.0%}".replace("%", " %")
