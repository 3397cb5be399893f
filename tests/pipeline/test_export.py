"""The spreadsheet of all dossiers opens in pandas with one sheet per question."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from pipeline.export import write_xlsx

REPORT = {
    "dossiers": [
        {"invoice": "FA-2026-0158", "entrepreneur": "Thomas Girard", "title": "Rédiger pour le web",
         "client": "Éditions du Lez", "start": "2026-04-28", "end": "2026-04-28",
         "state": "incomplete", "documents": [{"id": 80}],
         "missing": [{"piece": "emargement", "count": 2,
                      "detail": "signature manquante : Sarah Benoît le 28/04 après-midi; "
                                "Tristan Leroy le 28/04 après-midi"}],
         "checks": [{"code": "trainee_hours_mismatch", "message": "Heures-stagiaires : 14 h sur "
                     "la facture, 7 h d'après les feuilles d'émargement.", "documents": [80]}],
         "attendance": {"trainee_hours": 7.0}},
        {"invoice": "FA-2026-0142", "entrepreneur": "Élodie Faure", "title": "Gestion du stress",
         "client": "Boulangerie Dupain SARL", "start": "2026-03-09", "end": "2026-03-10",
         "state": "complete", "documents": [], "missing": [], "checks": [], "attendance": None},
    ],
    "entrepreneurs": [{"name": "Karim Benali", "documents": [],
                       "missing": [{"piece": "cv", "count": 1, "detail": "aucun CV reçu"}]}],
    "unfiled": [{"id": 106, "file": "elodie.faure/doc.pdf", "pages": [1, 1],
                 "type": "evaluation_chaud", "reason": "facture-ambigue",
                 "entrepreneur": "Élodie Faure", "candidates": ["FA-2026-0142", "FA-2026-0150"]}],
    "set_aside": [{"file_id": 9, "file": "Thomas Girard/facture.pdf", "reason":
                   "format-non-supporte", "message": "page web (HTML) nommée .pdf",
                   "entrepreneur": "Thomas Girard", "received": "2026-11-23"}],
}  # fmt: skip


def test_every_sheet_a_support_team_filters(tmp_path: Path) -> None:
    target = write_xlsx(REPORT, tmp_path / "dossiers.xlsx")
    sheets = pd.read_excel(target, sheet_name=None)
    assert list(sheets) == ["Dossiers", "Manques", "Contrôles", "En attente"]
    dossiers = sheets["Dossiers"]
    assert dossiers["Facture"].tolist() == ["FA-2026-0158", "FA-2026-0142"]
    assert dossiers["État"].tolist() == ["incomplet", "complet"]
    assert dossiers["Pièces manquantes"].tolist() == [2, 0]
    assert "Tristan Leroy le 28/04" in dossiers["Ce qui manque"][0]
    missing = sheets["Manques"]
    assert missing["Pièce"].tolist() == ["emargement", "cv"]  # the entrepreneur's CV too
    assert sheets["Contrôles"]["Code"].tolist() == ["trainee_hours_mismatch"]
    waiting = sheets["En attente"]
    assert waiting["Raison"].tolist() == ["facture-ambigue", "format-non-supporte"]
    assert waiting["Factures possibles"][0] == "FA-2026-0142, FA-2026-0150"
    assert not list(tmp_path.glob(".tmp-*"))  # written atomically, nothing left behind


def test_a_client_that_reads_as_a_formula_is_written_as_text(tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://x","clic")'
    report = {**REPORT, "dossiers": [{**REPORT["dossiers"][0], "client": formula}]}
    sheet = load_workbook(write_xlsx(report, tmp_path / "dossiers.xlsx"))["Dossiers"]
    client = sheet["D2"]
    assert client.value == formula and client.data_type == "s" and client.quotePrefix
    assert sheet["I2"].value == 2 and sheet["I2"].data_type == "n"
