"""What the service keeps is its user's alone, and its workers hold no secret.

The database (every document's text), the archive, the exports and the heartbeat are
private to the service's user whatever the umask it is started with; what it writes into
the share takes the rights of the folder it goes to (the sync client reads it). The
workers that parse the dropped files, hostile ones included, are started without the SMTP
password: not in their environment, not in ``/proc/PID/environ``.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.config import load_config
from tests.conftest import ROOT, run_cli
from tests.watchers.conftest import CAMILLE, attestation_pdf, db_rows, make_share, wait_for
from watchers.daemon import withheld_secrets


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_the_database_archive_and_export_are_private_the_share_keeps_its_folder_rights(
    tmp_path: Path,
) -> None:
    config = make_share(tmp_path)
    folder = tmp_path / "partage" / CAMILLE
    folder.chmod(0o775)  # the entrepreneur's folder, shared with the sync client's group
    (folder / "attestation.pdf").write_bytes(attestation_pdf("Léa Martin"))
    os.utime(folder / "attestation.pdf", (1e9, 1e9))
    old = os.umask(0o022)  # the usual default, inherited by the commands
    try:
        assert run_cli("--config", str(config), "watch", "--once").returncode == 0
        out = tmp_path / "export.xlsx"
        assert run_cli("--config", str(config), "export", "--out", str(out)).returncode == 0
    finally:
        os.umask(old)
    assert db_rows(tmp_path, "SELECT state FROM files") == [("traite",)]
    private = [out, tmp_path / "dossiers.etat.json", *tmp_path.glob("dossiers.sqlite3*")]
    assert {p.name: mode(p) for p in private} == {p.name: 0o600 for p in private}
    archived = list((tmp_path / "archive").rglob("*"))
    assert any(p.is_file() for p in archived)
    assert {mode(p) for p in archived if p.is_dir()} | {mode(tmp_path / "archive")} == {0o700}
    assert {mode(p) for p in archived if p.is_file()} == {0o600}
    status = folder / "_dossiers"
    assert mode(status) == 0o775, "made with the entrepreneur's folder's rights"
    assert {mode(p) for p in status.iterdir()} == {0o664}


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def test_the_workers_reading_files_are_started_without_the_smtp_password(
    tmp_path: Path,
) -> None:
    config = make_share(tmp_path)
    secret = "mot-de-passe-du-relais-7f3a"
    env = os.environ | {"DOSSIERS_SMTP_PASSWORD": secret}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "--config", str(config), "watch"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        (tmp_path / "partage" / CAMILLE / "attestation.pdf").write_bytes(
            attestation_pdf("Léa Martin")
        )
        wait_for(lambda: db_rows(tmp_path, "SELECT state FROM files") == [("traite",)], 60,
                 "the file filed by a worker")  # fmt: skip
        started = children(proc.pid)
        workers = [c for c in started if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
        assert workers, "a worker read the file"
        assert secret.encode() in Path(f"/proc/{proc.pid}/environ").read_bytes(), "as given"
        for child in started:
            assert secret.encode() not in Path(f"/proc/{child}/environ").read_bytes()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0


def test_the_secrets_are_kept_for_the_main_process_and_given_back_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(make_share(tmp_path, '[smtp]\npassword_env = "MOT_DE_PASSE_SMTP"\n'))
    monkeypatch.setenv("MOT_DE_PASSE_SMTP", "secret")
    with withheld_secrets(config) as secrets:
        assert secrets == {"MOT_DE_PASSE_SMTP": "secret"}
        assert "MOT_DE_PASSE_SMTP" not in os.environ
    assert os.environ["MOT_DE_PASSE_SMTP"] == "secret"
