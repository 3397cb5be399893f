"""The BPF of the sample cooperative (samples/README.md): its figures, its three files, the
command line. The documents are recorded as ``samples/expected.json`` says they read, so
no OCR is needed (``tests/test_demo.py`` runs the real chain)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from pipeline.bpf import templates
from pipeline.bpf.run import Bpf, compile_bpf, write_outputs
from pipeline.bpf.workbook import SHEETS
from pipeline.config import Config
from pipeline.store import Store
from tests.conftest import run_cli
from tests.pipeline.bpf.conftest import NOW


@pytest.fixture
def bpf(samples_store: Store, samples_config: Config) -> Bpf:
    return compile_bpf(samples_store, samples_config, 2026, NOW)


def test_sample_figures_are_those_of_the_samples_readme(bpf: Bpf) -> None:
    data = bpf.as_json()
    # C1: 0101 2940 + 0108 2205 + 0115 2100 + 0121 2300 + 0142 2450 + 0147 1300
    #     + 0150 1950 + 0158 560 + 0177 840 + 0184 980; C2h: 0163 1100 + 0169 1050;
    # C9: 0128 690 + 0133 525. 0165 and 0171 are not trainings.
    assert {k: v for k, v in data["C"].items() if v} == {
        "1": 17625, "2h": 2150, "3": 950, "9": 1215, "10": 1400, "2": 2150, "total": 23340,
    }  # fmt: skip
    # 0101 counts 7 h per trainee in 2026 (8 January); 0158's sheet has an unsigned afternoon:
    # its hours come from the invoice (14); 0156 (reçue) goes to G.
    assert data["F1"]["a"] == {"trainees": 37, "hours": 434}
    assert data["F1"]["d"] == {"trainees": 2, "hours": 32}  # 21 + 10,5
    assert data["F1"]["total"] == {"trainees": 43, "hours": 494}
    assert data["F2"] == {"trainees": 2, "hours": 28}  # 0147, given to Lingua Sud Formation
    assert data["G"] == {"trainees": 4, "hours": 56}
    assert data["E"]["external"] == {"people": 1, "hours": 14}  # James Porter
    assert data["E"]["internal"]["people"] == 4
    assert [s["nsf"] for s in data["F4"]] == ["324", "136", "320", "413", "315"]
    assert data["B"] == {"distance": True}  # 0177, Distanciel total


def test_json_holds_the_contract_keys(bpf: Bpf, tmp_path: Path) -> None:
    write_outputs(bpf, tmp_path)
    data = json.loads((tmp_path / "bpf-2026.json").read_text(encoding="utf-8"))
    assert list(data) == ["year", "cerfa", "C", "E", "F1", "F2", "F3", "F4", "G", "period",
                          "draft", "B", "checks", "warnings"]  # fmt: skip
    assert list(data["C"])[-2:] == ["2", "total"] and len(data["C"]) == 20
    assert set(data["E"]) == {"internal", "external"}
    assert list(data["F1"]) == ["a", "b", "c", "d", "e", "total"]
    assert list(data["F3"]) == ["a", "a6", "a5", "a4", "a3", "a2", "aCQP", "b", "c", "d", "e",
                                "f", "total"]  # fmt: skip
    assert set(data["F4"][0]) == {"nsf", "label", "trainees", "hours"}
    failing = {c["code"]: c["invoices"] for c in data["checks"] if not c["ok"]}
    assert list(failing) == ["trainee_hours_mismatch", "dossiers_incomplete"]
    # Two afternoon boxes left empty on 0158's sheet, the invoice billing them: the sheets
    # and the invoice disagree (the invoice's figure stands until a person settles it).
    assert failing["trainee_hours_mismatch"] == ["FA-2026-0158"]
    assert "FA-2026-0184" in failing["dossiers_incomplete"]


def test_workbook_opens_in_pandas_and_traces_each_figure_to_its_invoices(
    bpf: Bpf, tmp_path: Path
) -> None:
    write_outputs(bpf, tmp_path)
    sheets = pd.read_excel(tmp_path / "bpf-2026.xlsx", sheet_name=None)
    assert list(sheets) == list(SHEETS)
    trace = sheets["Traçabilité"]
    f1a = trace[trace["Ligne F-1"] == "a"]
    assert f1a["Heures-stagiaires de l'exercice"].sum() == pytest.approx(434)
    assert f1a["Stagiaires"].sum() == 37
    assert trace.loc[trace["Ligne C"] == "10", "Montant HT de l'exercice (€)"].sum() == 1400
    row = trace[trace["Facture"] == "FA-2026-0158"].iloc[0]
    assert row["Source des heures"] == "facture"
    assert "signature(s) manquante(s)" in row["Pourquoi pas les feuilles"]
    assert "Thomas Girard/scan0070.pdf" in row["Fichiers déposés"]
    form = sheets["Formulaire"]
    total = form[(form["Cadre"] == "C") & (form["Ligne"] == "Total")]
    assert total["Montant HT (€)"].iloc[0] == 23340
    checks = sheets["Contrôles"]
    assert "FA-2026-0184" in set(checks["Facture"].dropna())


@pytest.mark.office
def test_report_converts_to_pdf_with_libreoffice(bpf: Bpf, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice manque : « make setup » installe libreoffice-writer-nogui."
    write_outputs(bpf, tmp_path)
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "bpf-2026.docx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    reader = PdfReader(tmp_path / "bpf-2026.pdf")
    text = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 3
    assert "Bilan pédagogique 2026" in text and "Coopérative Exemple" in text
    assert "23\u202f340" in text or "23 340" in text  # the total of cadre C
    assert "Stagiaires par type" not in text  # the charts are images, not text...
    charts = {im.name: im.image.size for page in reader.pages for im in page.images}
    assert len(charts) == 2 and all(width == 1600 for width, _ in charts.values())
    assert "{{" not in text and "{%" not in text


def test_templates_are_those_the_script_builds() -> None:
    for name, build in templates.BUILDERS.items():
        assert (templates.TEMPLATES / name).read_bytes() == build(), (
            f"templates/{name} est périmé : python -m pipeline.bpf.templates"
        )


def test_bpf_command_writes_three_files_and_says_what_to_fix(
    samples_store: Store, samples_config: Config, tmp_path: Path
) -> None:
    out = tmp_path / "sorties"
    run = run_cli("--config", str(samples_config.file), "bpf", "2026", "--out", str(out))
    assert run.returncode == 1, run.stderr  # dossiers still incomplete: a person is needed
    assert sorted(p.name for p in out.iterdir()) == [
        "bpf-2026.docx", "bpf-2026.json", "bpf-2026.xlsx",
    ]  # fmt: skip
    assert "23\u202f340 €" in run.stdout and "à corriger" in run.stdout
    as_json = run_cli("--config", str(samples_config.file), "bpf", "2026", "--json",
                      "--out", str(out))  # fmt: skip
    assert json.loads(as_json.stdout)["C"]["total"] == 23340


def test_bpf_command_refuses_a_bad_year_and_the_share_as_output(
    samples_store: Store, samples_config: Config
) -> None:
    bad_year = run_cli("--config", str(samples_config.file), "bpf", "26")
    assert bad_year.returncode == 2 and "quatre chiffres" in bad_year.stderr
    in_share = run_cli("--config", str(samples_config.file), "bpf", "2026", "--out",
                       str(samples_config.paths.drop / "bpf"))  # fmt: skip
    assert in_share.returncode == 2 and "en dehors du partage" in in_share.stderr
    assert "Traceback" not in bad_year.stderr + in_share.stderr
