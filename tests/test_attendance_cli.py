"""From a scanned attendance sheet to the grid in ``show``, and a person's correction winning.

The sample ``Thomas Girard/scan0070.pdf`` is the one-day sheet of FA-2026-0158 whose
afternoon nobody signed (trainees nor trainer): real OCR, real database, the real command.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.store import Store
from samples.gen import option_forms
from tests.conftest import SAMPLES, run_cli, write_config

SHEET = SAMPLES / "partage" / "Thomas Girard" / "scan0070.pdf"
CONVENTION = SAMPLES / "partage" / "elodie.faure" / "Convention Dupain mai.pdf"

pytestmark = pytest.mark.ocr


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    config = write_config(tmp_path)
    shutil.copy(SAMPLES / "entrepreneurs.csv", tmp_path / "entrepreneurs.csv")
    run = run_cli("--config", str(config), "import-invoices", str(SAMPLES / "factures.csv"))
    assert run.returncode == 0, run.stderr
    return tmp_path


def dossier(config: Path, number: str) -> dict:
    run = run_cli("--config", str(config), "status", "--json")
    return next(d for d in json.loads(run.stdout)["dossiers"] if d["invoice"] == number)


def test_show_prints_the_grid_and_a_correction_wins_and_stays(workspace: Path) -> None:
    config = workspace / "config.toml"
    drop = workspace / "partage" / "Thomas Girard"
    drop.mkdir(parents=True)
    shutil.copy(SHEET, drop / "scan0070.pdf")
    assert run_cli("--config", str(config), "ingest", str(drop)).returncode == 0

    shown = run_cli("--config", str(config), "show", "FA-2026-0158")
    assert shown.returncode == 0, shown.stderr
    assert "Émargement" in shown.stdout and "Sarah Benoît" in shown.stdout
    assert "Exigences :" in shown.stdout
    assert "attestations" in shown.stdout and "attendu le 28/05/2026" in shown.stdout
    assert "Non signé, compté comme absence : Sarah Benoît le 28/04" in shown.stdout
    assert "Signature du formateur manquante : 28/04 après-midi." in shown.stdout
    filtered = run_cli("--config", str(config), "status", "--json", "--state", "incomplete",
                       "--period", "2026-04")  # fmt: skip
    numbers = [d["invoice"] for d in json.loads(filtered.stdout)["dossiers"]]
    assert "FA-2026-0158" not in numbers  # 28/04: the sheet and the invoice disagree
    filtered = run_cli("--config", str(config), "status", "--json", "--state", "inconsistent",
                       "--period", "2026-04")  # fmt: skip
    assert "FA-2026-0158" in [d["invoice"] for d in json.loads(filtered.stdout)["dossiers"]]
    assert "FA-2026-0121" not in numbers and "FA-2026-0150" not in numbers  # February, May
    before = dossier(config, "FA-2026-0158")
    assert before["attendance"]["trainee_hours"] == 7  # two trainees, mornings only
    sheet_id = next(d["id"] for d in before["documents"] if d["type"] == "emargement")

    fixed = run_cli(
        "--config", str(config), "correct", str(sheet_id),
        "--cell", "Sarah Benoit", "28/04/2026", "après-midi", "signe",
        "--trainer", "2026-04-28", "apres-midi", "signe",
        "--reason", "signatures sur l'original papier", "--by", "Nadia (appui)",
    )  # fmt: skip
    assert fixed.returncode == 0, fixed.stderr
    assert "2 correction(s)" in fixed.stdout

    # Ingesting the share again changes nothing: the person's answer stays and wins.
    assert run_cli("--config", str(config), "ingest", str(drop)).returncode == 0
    after = dossier(config, "FA-2026-0158")
    assert after["attendance"]["trainee_hours"] == 10.5
    checks = " ".join(c["message"] for c in after["checks"])
    assert "Sarah Benoît le 28/04" not in checks and "formateur" not in checks
    assert "Tristan Leroy le 28/04 après-midi" in checks
    shown = run_cli("--config", str(config), "show", "FA-2026-0158")
    assert "✓*" in shown.stdout and "Nadia (appui)" in shown.stdout
    assert "signatures sur l'original papier" in shown.stdout


def test_a_convention_without_the_client_signature_until_a_person_says_otherwise(
    workspace: Path,
) -> None:
    config = workspace / "config.toml"
    drop = workspace / "partage" / "elodie.faure"
    drop.mkdir(parents=True)
    shutil.copy(CONVENTION, drop / CONVENTION.name)
    assert run_cli("--config", str(config), "ingest", str(drop)).returncode == 0
    before = dossier(config, "FA-2026-0150")
    convention = next(d for d in before["documents"] if d["type"] == "convention")
    assert [c["message"] for c in before["checks"] if c["code"] == "signature_missing"] == [
        "La convention n'est pas signée par le client."
    ]
    run = run_cli("--config", str(config), "correct", str(convention["id"]), "--signature",
                  "client", "oui", "--reason", "original signé reçu par courrier")  # fmt: skip
    assert run.returncode == 0, run.stderr
    after = dossier(config, "FA-2026-0150")
    assert not [m for m in after["missing"] if m["piece"] == "convention"]
    assert not [c for c in after["checks"] if c["code"] == "signature_missing"]


def test_correct_refuses_what_it_cannot_understand(workspace: Path) -> None:
    config = workspace / "config.toml"
    run = run_cli("--config", str(config), "correct", "1", "--cell", "Léa", "demain", "matin",
                  "signe", "--reason", "vu")  # fmt: skip
    assert run.returncode == 2 and "date « demain »" in run.stderr
    run = run_cli("--config", str(config), "correct", "1", "--reason", "vu")
    assert run.returncode == 2 and "rien à corriger" in run.stderr


def ingest_sheet(workspace: Path) -> tuple[Path, Path, int]:
    """Thomas Girard drops the sample sheet; its config, his folder and the sheet's number."""
    config = workspace / "config.toml"
    drop = workspace / "partage" / "Thomas Girard"
    drop.mkdir(parents=True)
    shutil.copy(SHEET, drop / "scan0070.pdf")
    assert run_cli("--config", str(config), "ingest", str(drop)).returncode == 0
    sheet_id = next(
        d["id"] for d in dossier(config, "FA-2026-0158")["documents"] if d["type"] == "emargement"
    )
    return config, drop, sheet_id


def test_detach_then_attach_from_the_command_line(workspace: Path) -> None:
    config, drop, sheet_id = ingest_sheet(workspace)
    run = run_cli("--config", str(config), "detach", str(sheet_id), "--reason", "vérification")
    assert run.returncode == 0, run.stderr
    status = json.loads(run_cli("--config", str(config), "status", "--json").stdout)
    assert [(u["id"], u["reason"]) for u in status["unfiled"]] == [(sheet_id, "detache")]
    run = run_cli("--config", str(config), "attach", str(sheet_id), "FA-2026-0121")
    assert run.returncode == 0, run.stderr  # Thomas Girard's other training
    assert any(d["id"] == sheet_id for d in dossier(config, "FA-2026-0121")["documents"])
    run = run_cli("--config", str(config), "attach", str(sheet_id), "FA-2026-0142")
    assert run.returncode == 2 and "jamais dans le dossier d'un autre" in run.stderr


def test_a_correction_survives_a_rerun_from_the_archive(workspace: Path) -> None:
    config, drop, sheet_id = ingest_sheet(workspace)
    fixed = run_cli("--config", str(config), "correct", str(sheet_id), "--cell", "Sarah Benoît",
                    "28/04/2026", "après-midi", "signe", "--reason", "vu sur l'original",
                    "--by", "Nadia (appui)")  # fmt: skip
    assert fixed.returncode == 0, fixed.stderr
    (drop / "scan0070.pdf").unlink()  # the entrepreneur tidied up: the archive keeps the original

    run = run_cli("--config", str(config), "rerun", str(sheet_id), "--by", "Nadia (appui)")

    assert run.returncode == 0, run.stderr
    assert "1 fichier(s) relu(s) : 0 changé(s), 1 inchangé(s), 0 non relu(s)." in run.stdout
    after = dossier(config, "FA-2026-0158")
    assert [d["id"] for d in after["documents"] if d["type"] == "emargement"] == [sheet_id]
    assert after["attendance"]["trainee_hours"] == 10.5  # 7 h read + Sarah's afternoon (3.5 h)
    shown = run_cli("--config", str(config), "show", "FA-2026-0158")
    assert "✓*" in shown.stdout and "vu sur l'original" in shown.stdout
    assert run_cli("--config", str(config), "rerun").returncode == 2  # says what to name


def test_an_evaluation_answer_read_in_doubt_is_listed_then_settled_by_a_person(
    workspace: Path,
) -> None:
    config = workspace / "config.toml"
    drop = workspace / "partage" / "Karim Benali"
    drop.mkdir(parents=True)
    # An online form's export whose second item has two radio buttons filled.
    (drop / "reponses questionnaire.pdf").write_bytes(option_forms.online([5, "double", 4, 3]))
    ingest = run_cli("--config", str(config), "ingest", str(drop))
    assert "bilan à chaud" in ingest.stdout  # kept, waiting for its invoice (exit 1)
    listed = json.loads(run_cli("--config", str(config), "review", "--json").stdout)
    (item,) = [i for i in listed if i["kind"] == "reponse"]
    assert "--answer 2 NOTE|vide" in item["command"]
    run = run_cli("--config", str(config), "correct", str(item["document"]), "--answer", "2",
                  "4", "--reason", "le stagiaire a barré le 5")  # fmt: skip
    assert run.returncode == 0, run.stderr
    after = json.loads(run_cli("--config", str(config), "review", "--json").stdout)
    assert not [i for i in after if i["kind"] == "reponse"]
    store = Store(workspace / "dossiers.sqlite3")
    try:
        document = store.document(item["document"])
    finally:
        store.close()
    assert document is not None
    assert document.fields["satisfaction"]["answers"] == [5, 4, 4, 3]
    assert document.fields["satisfaction"]["score"] == round((1 + 0.75 + 0.75 + 0.5) / 4, 4)
