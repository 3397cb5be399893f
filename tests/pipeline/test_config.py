"""The configuration refuses mistakes with one line naming the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.errors import ConfigError
from tests.conftest import ROOT, run_cli, write_config


def test_repository_config_is_valid_once_its_files_exist(tmp_path: Path) -> None:
    shipped = tmp_path / "config.toml"
    shipped.write_text((ROOT / "config.toml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ConfigError, match="entrepreneurs.csv"):
        load_config(shipped)  # the installation provides its list of entrepreneurs
    (tmp_path / "entrepreneurs.csv").write_text("name;email;folder\nA B;a@example.org;A B\n")
    (tmp_path / "partage").mkdir()
    config = load_config(shipped)
    assert config.cooperative.nda == "76341234534" and config.digest.time.hour == 8


def test_relative_paths_resolve_against_the_config_file(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path))
    assert config.paths.drop == tmp_path / "partage"
    assert config.paths.archive == tmp_path / "archive"
    assert [p.name for p in config.people] == ["Camille Rousseau", "Élodie Faure"]


def test_person_found_by_folder_whatever_the_case(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path))
    person = config.person_by_folder("ELODIE.FAURE")
    assert person is not None and person.name == "Élodie Faure"


def test_unknown_key_names_the_key(tmp_path: Path) -> None:
    path = write_config(tmp_path, extra="[ocr]\nlangage = 'fra'\n")
    with pytest.raises(ConfigError, match=r"« ocr\.langage » : clé inconnue"):
        load_config(path)


def test_wrong_type_names_the_key(tmp_path: Path) -> None:
    path = write_config(tmp_path, extra="[ocr]\ndpi = 'beaucoup'\n")
    with pytest.raises(ConfigError, match=r"« ocr\.dpi » : valeur refusée"):
        load_config(path)


def test_bad_nda_is_refused(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    path.write_text(path.read_text().replace('"76341234534"', '"7634"'))
    with pytest.raises(ConfigError, match=r"cooperative\.nda"):
        load_config(path)


def test_missing_drop_folder_names_the_key_and_fix(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    (tmp_path / "partage").rmdir()
    with pytest.raises(ConfigError, match=r"« paths\.drop » .* n'existe pas ; créez-le"):
        load_config(path)


def test_archive_inside_the_share_is_refused(tmp_path: Path) -> None:
    path = write_config(tmp_path, archive="partage/archive")
    with pytest.raises(ConfigError, match=r"« paths\.archive » .* en dehors du partage"):
        load_config(path)


def test_cli_reports_config_error_in_one_line_with_exit_2(tmp_path: Path) -> None:
    path = write_config(tmp_path, extra="[paths2]\nx = 1\n")
    run = run_cli("--config", str(path), "status")
    assert run.returncode == 2
    assert "paths2" in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_digest_recipient_that_is_not_an_address_names_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="digest.recipients"):
        load_config(write_config(tmp_path, '[digest]\nrecipients = ["appui at example"]\n'))


def test_smtp_ca_file_and_qualiopi_date_are_read(tmp_path: Path) -> None:
    extra = '[smtp]\ntls = true\nport = 465\nca_file = "relais.pem"\n'
    extra += "[qualiopi]\ncertification_date = 2025-06-12\n"
    config = load_config(write_config(tmp_path, extra))
    assert config.smtp.ca_file == tmp_path / "relais.pem"
    assert config.qualiopi.certification_date is not None
    assert config.qualiopi.certification_date.isoformat() == "2025-06-12"
