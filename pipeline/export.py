"""Every dossier in one spreadsheet, for people who live in spreadsheets.

``dossiers export`` writes an XLSX with one sheet per question a support team asks: the
dossiers (one row each, with their state and what they lack), the missing pieces and the
failed checks (one row each, to filter and sort), and the documents waiting for a person.
Built from :func:`pipeline.status.report`, so it says exactly what ``status --json`` says.
Every text comes from outside (file names, invoice fields): cleaned of what a spreadsheet
cannot hold and written as text, never as a formula (:mod:`pipeline.safetext`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import archive, safetext

STATES = {"complete": "complet", "incomplete": "incomplet", "inconsistent": "incohérent"}


def write_xlsx(report: dict[str, Any], target: Path) -> Path:
    """Write the report's dossiers to ``target`` (atomically) and return it."""
    sheets = {
        "Dossiers": _dossiers(report),
        "Manques": _missing(report),
        "Contrôles": _checks(report),
        "En attente": _waiting(report),
    }
    tmp = target.with_name(f"{archive.TEMP_PREFIX}{target.name}{archive.TEMP_SUFFIX}")
    with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame = frame.map(safetext.cell_value)
            frame.to_excel(writer, sheet_name=name, index=False)
            _texts_as_text(writer.sheets[name])
            _fit_columns(writer.sheets[name], frame)
    tmp.replace(target)
    return target


def _dossiers(report: dict[str, Any]) -> pd.DataFrame:
    rows = [
        {
            "Facture": d["invoice"],
            "Entrepreneur": d["entrepreneur"],
            "Formation": d["title"],
            "Client": d["client"],
            "Début": d["start"],
            "Fin": d["end"],
            "État": STATES[d["state"]],
            "Documents": len(d["documents"]),
            "Pièces manquantes": sum(m["count"] for m in d["missing"]),
            "Contrôles en échec": len(d["checks"]),
            "Heures-stagiaires (feuilles)": (d.get("attendance") or {}).get("trainee_hours"),
            "Ce qui manque": "; ".join(
                f"{m['piece']} : {m['detail']}" for m in [*d["missing"], *d.get("pending", [])]
            ),
        }
        for d in report["dossiers"]
    ]
    return _frame(rows, ["Facture", "Entrepreneur", "Formation", "Client", "Début", "Fin",
                         "État", "Documents", "Pièces manquantes", "Contrôles en échec",
                         "Heures-stagiaires (feuilles)", "Ce qui manque"])  # fmt: skip


def _missing(report: dict[str, Any]) -> pd.DataFrame:
    owed = [
        (d["invoice"], d["entrepreneur"], m)
        for d in report["dossiers"]
        for m in [*d["missing"], *d.get("pending", []), *d.get("advised", [])]
    ]
    owed += [("", p["name"], m) for p in report["entrepreneurs"] for m in p["missing"]]
    rows = [
        {"Facture": number, "Entrepreneur": who, "Pièce": m["piece"], "Nombre": m["count"],
         "Niveau": m.get("level", "requis"), "Attendu le": m.get("due"),
         "Retard (jours)": m.get("overdue_days"), "Détail": m["detail"]}
        for number, who, m in owed
    ]  # fmt: skip
    return _frame(rows, ["Facture", "Entrepreneur", "Pièce", "Nombre", "Niveau", "Attendu le",
                         "Retard (jours)", "Détail"])  # fmt: skip


def _checks(report: dict[str, Any]) -> pd.DataFrame:
    rows = [
        {"Facture": d["invoice"], "Entrepreneur": d["entrepreneur"], "Code": c["code"],
         "Message": c["message"], "Documents": ", ".join(f"#{i}" for i in c["documents"])}
        for d in report["dossiers"]
        for c in d["checks"]
    ]  # fmt: skip
    return _frame(rows, ["Facture", "Entrepreneur", "Code", "Message", "Documents"])


def _waiting(report: dict[str, Any]) -> pd.DataFrame:
    rows = [
        {"Fichier": u["file"], "Pages": f"{u['pages'][0]}-{u['pages'][1]}",
         "Entrepreneur": u["entrepreneur"], "Raison": u["reason"], "Détail": "",
         "Factures possibles": ", ".join(u["candidates"]), "Document": u["id"]}
        for u in report["unfiled"]
    ] + [
        {"Fichier": f["file"], "Pages": "", "Entrepreneur": f["entrepreneur"],
         "Raison": f["reason"], "Détail": f["message"], "Factures possibles": "",
         "Document": None}
        for f in report["set_aside"]
    ]  # fmt: skip
    return _frame(rows, ["Fichier", "Pages", "Entrepreneur", "Raison", "Détail",
                         "Factures possibles", "Document"])  # fmt: skip


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def _texts_as_text(sheet: Any) -> None:
    """Every string cell a text cell: this export writes no formula of its own."""
    for row in sheet.iter_rows():
        for cell in row:
            safetext.as_text(cell)


def _fit_columns(sheet: Any, frame: pd.DataFrame) -> None:
    """Columns as wide as their content (within reason), the header row frozen."""
    for index, column in enumerate(frame.columns, start=1):
        values = [str(column), *(str(v) for v in frame[column].tolist() if v is not None)]
        width = min(80, max(8, max(len(v) for v in values) + 2))
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    sheet.freeze_panes = "A2"
