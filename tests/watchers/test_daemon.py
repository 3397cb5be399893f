"""The daemon as support staff run it: one pass, the lock, events, a clean stop."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from pipeline.config import load_config
from tests.conftest import ROOT, run_cli
from tests.watchers.conftest import (
    CAMILLE,
    attestation_pdf,
    db_rows,
    heartbeat,
    make_share,
    wait_for,
)
from watchers.daemon import hold_lock, lock_path


def test_once_files_every_document_and_writes_the_entrepreneurs_status(tmp_path: Path) -> None:
    config = make_share(tmp_path)
    folder = tmp_path / "partage" / CAMILLE
    for name in ("Léa Martin", "Paul Durand"):
        (folder / f"attestation {name}.pdf").write_bytes(attestation_pdf(name))
    run = run_cli("--config", str(config), "watch", "--once")
    assert run.returncode == 0, run.stderr
    assert "2 classé(s)" in run.stdout
    rows = db_rows(tmp_path, "SELECT invoice FROM documents")
    assert rows == [("FA-2026-0142",), ("FA-2026-0142",)]
    assert heartbeat(tmp_path)["running"] is False
    assert any((folder / "_dossiers").iterdir()), "the entrepreneur sees what was filed"
    again = run_cli("--config", str(config), "watch", "--once")
    assert "0 classé(s)" in again.stdout, "a second pass reads nothing again"


def test_second_daemon_on_the_same_database_refuses_to_start(tmp_path: Path) -> None:
    config = make_share(tmp_path)
    with hold_lock(lock_path(load_config(config))):
        run = run_cli("--config", str(config), "watch", "--once")
    assert run.returncode == 2
    assert "travaille déjà" in run.stderr and "Traceback" not in run.stderr


def test_daemon_files_a_dropped_file_then_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    config = make_share(tmp_path)
    daemon = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "--config", str(config), "watch"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for(lambda: heartbeat(tmp_path).get("running") is True, 60, "the heartbeat")
        alive = run_cli("--config", str(config), "status")
        assert "Surveillance active" in alive.stdout
        target = tmp_path / "partage" / CAMILLE / "attestation léa.pdf"
        target.write_bytes(attestation_pdf("Léa Martin"))
        wait_for(lambda: db_rows(tmp_path, "SELECT invoice FROM documents") != [], 60,
                 "the attachment")  # fmt: skip
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=60)
    finally:
        if daemon.poll() is None:
            os.kill(daemon.pid, signal.SIGKILL)
    assert daemon.returncode == 0, err
    assert heartbeat(tmp_path)["running"] is False
    assert "classé" in err, "the log says what was filed"
    stopped = json.loads(run_cli("--config", str(config), "status", "--json").stdout)
    assert stopped["daemon"]["alive"] is False and stopped["daemon"]["processed"] == 1


def test_same_bytes_dropped_twice_are_filed_once(tmp_path: Path) -> None:
    config = make_share(tmp_path)
    folder = tmp_path / "partage" / CAMILLE
    data = attestation_pdf("Léa Martin")
    (folder / "attestation.pdf").write_bytes(data)
    (folder / "attestation (1).pdf").write_bytes(data)
    run = run_cli("--config", str(config), "watch", "--once")
    assert run.returncode == 1, "the copy is set aside: a person may want to know"
    assert db_rows(tmp_path, "SELECT count(*) FROM documents") == [(1,)]
    assert db_rows(tmp_path, "SELECT reason FROM files ORDER BY id") == [(None,), ("doublon",)]
