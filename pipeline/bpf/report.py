"""``bpf-YEAR.docx``: the cooperative's yearly pedagogical report, from a Word template.

Rendered with docxtpl from ``templates/bpf-rapport.docx`` (built by
:mod:`pipeline.bpf.templates`; a cooperative may restyle it): the Qualiopi result
indicators, charts of the trainees by type and by speciality, the BPF's cadres, the
activity of each entrepreneur, the checks and the points to look at.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from pipeline import safetext
from pipeline.bpf import codes
from pipeline.bpf.charts import bar_chart
from pipeline.bpf.facts import FROM_INVOICE, SHEETS, Facts
from pipeline.bpf.templates import REPORT, TEMPLATES
from pipeline.bpf.workbook import indicator_rows
from pipeline.sharefiles import MONTHS

if TYPE_CHECKING:
    from pipeline.bpf.run import Bpf

SHOWN_INVOICES = 12  # invoices named in a check's line; the workbook lists them all


def render(bpf: Bpf, workbook_name: str = "") -> bytes:
    """The report's bytes."""
    template = DocxTemplate(TEMPLATES / REPORT)
    template.render(context(bpf, template, workbook_name), safetext.docx_environment())
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def context(bpf: Bpf, template: DocxTemplate, workbook_name: str = "") -> dict[str, Any]:
    """What the template's tags read."""
    f = bpf.figures
    return {
        "year": bpf.year,
        "period": bpf.period.label,
        "coop": bpf.cooperative,
        "status_line": _status_line(bpf),
        "generated": french_date(bpf.generated.date()),
        "workbook": workbook_name or f"bpf-{bpf.year}.xlsx",
        "kpi": [{"label": label, "value": value} for label, value, _ in indicator_rows(bpf)],
        "kpi_note": _kpi_note(bpf),
        "chart_types": _image(template, bar_chart(
            "Stagiaires par type", _type_rows(bpf), "stagiaires")),
        "chart_nsf": _image(template, bar_chart(
            "Stagiaires par spécialité (NSF)", _speciality_rows(bpf), "stagiaires")),
        "distance_label": codes.B_DISTANCE_LABEL,
        "distance": "oui" if f.distance else "non",
        "c_rows": _c_rows(bpf),
        "e_rows": [
            {"label": codes.E_LABELS["internal"], "people": f.e_internal.people,
             "hours": number(f.e_internal.hours)},
            {"label": codes.E_LABELS["external"], "people": f.e_external.people,
             "hours": number(f.e_external.hours)},
        ],
        "f1_rows": _count_rows(f.f1, {**codes.F1_LABELS, "total": "Total"}),
        "f2_label": codes.F2_LABEL,
        "f2": {"trainees": f.f2.trainees, "hours": number(f.f2.hours)},
        "f3_rows": _count_rows(f.f3, {**codes.F3_LABELS, "total": "Total"}),
        "f4_rows": [
            {"nsf": s.nsf or "", "label": s.label, "trainees": s.trainees,
             "hours": number(s.hours)} for s in f.f4
        ] + [{"nsf": "", "label": "Total", "trainees": f.f4_total.trainees,
              "hours": number(f.f4_total.hours)}],
        "g_label": codes.G_LABEL,
        "g": {"trainees": f.g.trainees, "hours": number(f.g.hours)},
        "sources": _sources(bpf.facts),
        "people": _people(bpf.facts),
        "checks": [
            {"result": "Conforme" if c.ok else "À corriger", "message": c.message,
             "invoices": invoice_list(c.invoices)} for c in bpf.checks
        ],
        "warnings": [
            {"message": w.message,
             "invoices": f" ({invoice_list(w.invoices)})" if w.invoices else ""}
            for w in bpf.warnings
        ],
    }  # fmt: skip


def _image(template: DocxTemplate, png: bytes) -> InlineImage:
    return InlineImage(template, io.BytesIO(png), width=Mm(165))


def _status_line(bpf: Bpf) -> str:
    failing = sum(1 for c in bpf.checks if not c.ok)
    if bpf.draft:
        line = (f"Brouillon du {french_date(bpf.generated.date())} : chiffres provisoires, "
                "recalculés chaque jour d'après les dossiers.")  # fmt: skip
    else:
        line = f"Version établie le {french_date(bpf.generated.date())}."
    if failing:
        line += f" {failing} contrôle(s) à corriger avant le dépôt (section 5)."
    return line


def _kpi_note(bpf: Bpf) -> str:
    ind = bpf.indicators
    return (
        f"Satisfaction : moyenne des {ind.evaluations} bilan(s) à chaud dont les notes ont "
        "été lues. Assiduité : part des stagiaires présents au moins "
        f"{ind.threshold:.0%} des heures prévues, d'après les feuilles d'émargement "
        f"complètes ({ind.assessed} stagiaire(s))."
    ).replace("%", " %")


def _type_rows(bpf: Bpf) -> list[tuple[str, float]]:
    f = bpf.figures
    rows = [(codes.F1_LABELS[k], float(f.f1[k].trainees)) for k in codes.F1_LABELS]
    rows.append(("Formés pour un autre organisme (G)", float(f.g.trainees)))
    return rows


def _speciality_rows(bpf: Bpf) -> list[tuple[str, float]]:
    """The five main specialities by trainees, then the others."""
    main = sorted((s for s in bpf.figures.f4 if s.nsf), key=lambda s: -s.trainees)
    rest = [s for s in bpf.figures.f4 if not s.nsf]
    return [(f"{s.nsf} — {s.label}" if s.nsf else s.label, s.trainees) for s in main + rest]


def _c_rows(bpf: Bpf) -> list[dict[str, str]]:
    c = bpf.figures.c
    rows = []
    for line in codes.C_LINES:
        if line == "2a":
            rows.append({"line": "2", "label": codes.C2_LABEL, "amount": number(c["2"])})
        label = codes.C_LABELS[line]
        rows.append({"line": line, "label": label, "amount": number(c[line])})
    rows.append({"line": "", "label": codes.C_TOTAL_LABEL, "amount": number(c["total"])})
    return rows


def _count_rows(counts: dict[str, Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {"line": "" if k == "total" else k, "label": labels[k], "trainees": counts[k].trainees,
         "hours": number(counts[k].hours)}
        for k in labels
    ]  # fmt: skip


def _sources(facts: Sequence[Facts]) -> str:
    active = [f for f in facts if f.role]
    sheets = sum(1 for f in active if f.source == SHEETS)
    invoice = sum(1 for f in active if f.source in FROM_INVOICE)
    return (
        f"Heures-stagiaires d'après les feuilles d'émargement pour {sheets} formation(s), "
        f"d'après la facture pour {invoice} (feuilles absentes ou incomplètes). Le classeur "
        "donne la source de chaque formation."
    )


def _people(facts: Sequence[Facts]) -> list[dict[str, Any]]:
    by_person: dict[str, list[Facts]] = {}
    for f in facts:
        if f.role:
            by_person.setdefault(f.invoice.entrepreneur, []).append(f)
    rows = []
    for name in sorted(by_person, key=str.casefold):
        own = by_person[name]
        scores = [s for f in own for s in f.satisfaction]
        rows.append({
            "name": name,
            "trainings": len(own),
            "trainees": sum(f.trainees for f in own),
            "hours": number(sum(f.hours for f in own)),
            "satisfaction": percent(sum(scores) / len(scores)) if scores else "—",
        })  # fmt: skip
    return rows


def invoice_list(numbers: Sequence[str]) -> str:
    """« FA-1, FA-2 … et 40 autres » (the workbook lists them all)."""
    shown = ", ".join(numbers[:SHOWN_INVOICES])
    rest = len(numbers) - SHOWN_INVOICES
    return f"{shown} … et {rest} autres" if rest > 0 else shown


def number(value: float) -> str:
    """12345.6 -> « 12 346 » (a narrow no-break space between thousands)."""
    return f"{value:,.0f}".replace(",", "\u202f")


def percent(value: float) -> str:
    return f"{value:.0%}".replace("%", "\u00a0%")


def french_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
