"""The command line as people and other programs use it: outputs and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import SAMPLES, run_cli, write_config

BATCH = SAMPLES / "partage" / "Karim Benali" / "attestations jardins.pdf"


def test_classify_json_gives_one_object_per_document_of_a_batch(tmp_path: Path) -> None:
    run = run_cli("classify", "--json", str(BATCH), cwd=tmp_path)  # no config here: defaults
    assert run.returncode == 0, run.stderr
    objects = [json.loads(line) for line in run.stdout.splitlines()]
    assert [o["pages"] for o in objects] == [[1, 1], [2, 2], [3, 3]]
    assert {o["type"] for o in objects} == {"attestation"}
    assert all(o["fields"].get("trainee") for o in objects)


def test_classify_skips_what_sync_tools_leave_behind(tmp_path: Path) -> None:
    folder = tmp_path / "Karim"
    folder.mkdir()
    shutil.copy(BATCH, folder / "a.pdf")
    (folder / "Thumbs.db").write_bytes(b"\0" * 10)
    (folder / "a.pdf.part").write_bytes(b"%PDF-")
    run = run_cli("classify", str(folder), cwd=tmp_path)
    assert run.returncode == 0 and "Thumbs.db" not in run.stdout and ".part" not in run.stdout


def test_import_reports_skipped_rows_and_exits_1(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    export = tmp_path / "export.csv"
    export.write_text(
        "N° facture;Date facture;Entrepreneur;Intitulé formation\n"
        "FA-1;02/03/2026;Camille Rousseau;Excel\nFA-2;02/03/2026;Inconnue Martin;Excel\n",
        encoding="utf-8",
    )
    run = run_cli("--config", str(config), "import-invoices", str(export))
    assert run.returncode == 1
    assert "1 nouvelle(s)" in run.stdout and "Inconnue Martin" in run.stderr
    again = run_cli("--config", str(config), "import-invoices", str(export))
    assert "0 nouvelle(s)" in again.stdout and "1 inchangée(s)" in again.stdout


def test_ingest_outside_the_share_is_a_usage_error(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    run = run_cli("--config", str(config), "ingest", str(BATCH))
    assert run.returncode == 2 and "dossier partagé" in run.stderr


def test_ingest_exits_1_when_a_file_waits_for_a_person(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    target = tmp_path / "partage" / "Camille Rousseau"
    target.mkdir(parents=True)
    (target / "vide.pdf").write_bytes(b"")
    run = run_cli("--config", str(config), "ingest", str(tmp_path / "partage"))
    assert run.returncode == 1 and "vide" in run.stdout
    status = json.loads(run_cli("--config", str(config), "status", "--json").stdout)
    assert status["set_aside"][0]["reason"] == "vide"


def test_import_names_each_row_whose_number_two_entrepreneurs_share_and_saves_neither(
    tmp_path: Path,
) -> None:
    config = write_config(tmp_path)
    export = tmp_path / "export.csv"
    export.write_text(
        "N° facture;Date facture;Entrepreneur;Intitulé formation\n"
        "FA-1;02/03/2026;Camille Rousseau;Excel\nFA-2;02/03/2026;Camille Rousseau;Word\n"
        "FA-1;03/03/2026;elodie.faure;Taille\n",
        encoding="utf-8",
    )
    run = run_cli("--config", str(config), "import-invoices", str(export))
    assert run.returncode == 1
    assert "Factures : 1 nouvelle(s), 0 mise(s) à jour, 0 inchangée(s) ; 2 ligne(s) ignorée(s)." \
        in run.stdout  # fmt: skip
    said = "N° facture FA-1 en double : donné ligne 2 à Camille Rousseau ; ligne 4 à Élodie Faure"
    assert f"Ligne 2 ignorée : {said}" in run.stderr and f"Ligne 4 ignorée : {said}" in run.stderr
    status = json.loads(run_cli("--config", str(config), "status", "--json").stdout)
    assert [d["invoice"] for d in status["dossiers"]] == ["FA-2"]
