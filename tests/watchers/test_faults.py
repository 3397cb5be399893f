"""Faults of the environment met by the daemon: reported once, retried, nothing lost.

The OCR engine missing then installed, a database locked by another program then
released, a worker process killed: the files wait in the share (never set aside), the
daemon says once that the fault began and once that it ended, the heartbeat (and so
``dossiers status``) shows it meanwhile, and every file is filed once it is over.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.display import _daemon_line
from pipeline.ocr import find_tessdata
from pipeline.status import daemon_json
from tests.conftest import ROOT, locked, run_cli
from tests.watchers.conftest import (
    CAMILLE,
    attestation_pdf,
    db_rows,
    heartbeat,
    make_share,
    wait_for,
)
from tests.watchers.faulty import ARMED, killed_once, small_disk_while_armed
from tests.watchers.test_crash import scanned
from watchers.daemon import Daemon

RETRY = "retry_minutes = 0.02\n"  # 1.2 s


@contextmanager
def daemon(config: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``dossiers watch`` running, its log in ``log``; stopped with SIGTERM at the end."""
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "--config", str(config), "watch"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=sink, start_new_session=True,
        )  # fmt: skip
        try:
            yield proc
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == 0, log.read_text(encoding="utf-8")
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def warnings(log: Path) -> list[str]:
    return [line for line in log.read_text(encoding="utf-8").splitlines() if " WARNING " in line]


def documents(root: Path) -> int:
    return int(db_rows(root, "SELECT count(*) FROM documents WHERE invoice IS NOT NULL")[0][0])


def assert_none_set_aside(root: Path) -> None:
    assert db_rows(root, "SELECT rel, reason FROM files WHERE state != 'traite'") == []


@pytest.mark.ocr
def test_ocr_engine_missing_scans_wait_born_digital_files_go_on_all_filed_once_installed(
    tmp_path: Path,
) -> None:
    tessdata = tmp_path / "tessdata"  # the language data, missing until the end
    tessdata.mkdir()
    config = make_share(tmp_path, RETRY + f'[ocr]\ntessdata = "{tessdata}"\n')
    folder = tmp_path / "partage" / CAMILLE
    scans = 5
    for n in range(scans):
        (folder / f"scan {n:02d}.pdf").write_bytes(scanned(attestation_pdf(f"Stagiaire {n:02d}")))
    for name in ("Léa Martin", "Paul Durand"):
        (folder / f"attestation {name}.pdf").write_bytes(attestation_pdf(name))
    log = tmp_path / "watch.log"
    with daemon(config, log):
        wait_for(lambda: documents(tmp_path) == 2 and "OCR" in str(heartbeat(tmp_path)["fault"]),
                 60, "born-digital files filed, the fault shown")  # fmt: skip
        time.sleep(2.0)  # the scans are tried again meanwhile (every 1.2 s)
        assert documents(tmp_path) == 2
        real = find_tessdata(None, "fra")
        for name in ("fra.traineddata", "osd.traineddata"):
            (tessdata / name).symlink_to(real / name)  # the administrator installs it
        wait_for(lambda: documents(tmp_path) == 2 + scans, 60, "the scans filed")
        wait_for(lambda: heartbeat(tmp_path).get("fault") == "", 10, "the fault cleared")
    said = warnings(log)
    assert len(said) == 2, said  # once when it began, once when it ended: not once per file
    assert "panne (OCR)" in said[0] and "OCR de nouveau disponible" in said[1]
    assert_none_set_aside(tmp_path)
    beat = heartbeat(tmp_path)
    assert beat["waiting"] == 0 and "OCR" in str(beat["last_fault"]) and beat["last_fault_at"]
    assert int(str(beat["faults"])) > scans, "the scans were tried more than once"


def test_a_database_locked_by_another_program_holds_files_back_until_it_is_released(
    tmp_path: Path,
) -> None:
    config = make_share(tmp_path, RETRY, database_timeout="0.3")
    folder = tmp_path / "partage" / CAMILLE
    log = tmp_path / "watch.log"
    with daemon(config, log):
        wait_for(lambda: heartbeat(tmp_path).get("scan_done") is True, 60, "the daemon")
        with locked(tmp_path / "dossiers.sqlite3"):
            for name in ("Léa Martin", "Paul Durand", "Jean Dupont"):
                (folder / f"attestation {name}.pdf").write_bytes(attestation_pdf(name))
            wait_for(lambda: "occupée" in str(heartbeat(tmp_path).get("fault")), 30, "the fault")
            shown = _daemon_line(daemon_json(load_config(config), datetime.now()))
            assert "Panne depuis" in shown and "occupée" in shown, shown  # dossiers status
            time.sleep(2.0)  # the files are tried again meanwhile (every 1.2 s)
            assert documents(tmp_path) == 0
        wait_for(lambda: documents(tmp_path) == 3, 30, "the files filed")
    said = warnings(log)
    assert len(said) == 2, said
    assert "panne (base de données)" in said[0] and "de nouveau disponible" in said[1]
    assert int(str(heartbeat(tmp_path)["faults"])) > 3, "the files were tried again"
    assert_none_set_aside(tmp_path)


def test_a_worker_killed_mid_file_loses_nothing_and_the_file_is_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    config = load_config(make_share(tmp_path, RETRY))
    folder = tmp_path / "partage" / CAMILLE
    for n in range(6):
        (folder / f"attestation {n:02d}.pdf").write_bytes(attestation_pdf(f"Stagiaire {n:02d}"))
    armed = tmp_path / "armed"
    armed.touch()
    monkeypatch.setenv(ARMED, str(armed))
    caplog.set_level(logging.INFO)
    watcher = Daemon(config, worker=killed_once)
    thread = threading.Thread(target=watcher.run)
    thread.start()
    try:
        # A file the broken pool recorded is in the database before it is read again:
        # wait for the daemon to account for all six, not only for six documents.
        wait_for(
            lambda: (
                documents(tmp_path) == 6
                and watcher.counters.processed + watcher.counters.skipped == 6
            ),
            60,
            "every file filed and accounted for",
        )
    finally:
        watcher.stop.set()
        thread.join(timeout=60)
    assert not armed.exists(), "the worker was killed"
    said = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(said) == 2, said
    assert "panne (processus de lecture)" in said[0] and "de nouveau disponible" in said[1]
    # A killed worker breaks the pool: the file the other worker was filing may be recorded
    # without its result coming back; read again, it is found already filed (skipped).
    assert watcher.counters.faults >= 1
    assert watcher.counters.processed + watcher.counters.skipped == 6
    assert_none_set_aside(tmp_path)
    rels = db_rows(tmp_path, "SELECT rel FROM files")
    assert len(rels) == len(set(rels)) == 6, "each file recorded once"


def test_a_full_disk_holds_files_back_without_leftovers_until_space_is_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    config = load_config(make_share(tmp_path, RETRY, workers=1))
    folder = tmp_path / "partage" / CAMILLE
    originals = {n: attestation_pdf(f"Stagiaire {n:02d}") for n in range(3)}
    for n, data in originals.items():
        (folder / f"attestation {n:02d}.pdf").write_bytes(data)
    armed = tmp_path / "armed"
    armed.touch()
    monkeypatch.setenv(ARMED, str(armed))
    watcher = Daemon(config, worker=small_disk_while_armed)
    thread = threading.Thread(target=watcher.run)
    thread.start()
    try:
        wait_for(lambda: watcher.counters.faults > 3, 60, "the files tried twice")
        assert "disque plein" in watcher.counters.fault and watcher.counters.waiting == 3
        assert documents(tmp_path) == 0
        assert [p for p in (tmp_path / "archive").rglob("*") if p.is_file()] == [], "no leftover"
        armed.unlink()  # space is back
        wait_for(lambda: documents(tmp_path) == 3, 60, "every file filed")
    finally:
        watcher.stop.set()
        thread.join(timeout=60)
    said = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(said) == 2, said
    assert "panne (disque)" in said[0] and "disque de nouveau disponible" in said[1]
    archived = sorted(p.read_bytes() for p in (tmp_path / "archive").rglob("*") if p.is_file())
    assert archived == sorted(originals.values()), "each original once, byte for byte"
    for n, data in originals.items():
        assert (folder / f"attestation {n:02d}.pdf").read_bytes() == data
    assert_none_set_aside(tmp_path)


def test_a_worker_killed_during_a_pass_has_its_files_read_again_alone_in_that_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(make_share(tmp_path, workers=1))  # retries after 15 min: no waiting
    folder = tmp_path / "partage" / CAMILLE
    for n in range(3):
        path = folder / f"attestation {n:02d}.pdf"
        path.write_bytes(attestation_pdf(f"Stagiaire {n:02d}"))
        os.utime(path, (1e9, 1e9))  # settled long ago
    armed = tmp_path / "armed"
    armed.touch()
    monkeypatch.setenv(ARMED, str(armed))
    first = Daemon(config, worker=killed_once).run_once()  # returns: it does not wait 15 min
    # The file next in line for the one worker fails with it (the pool is broken); both
    # are suspects, read again one at a time before the pass ends.
    assert not armed.exists() and first.faults >= 1 and first.processed == 3
    assert first.fault == "", "the fault ended within the pass"
    assert documents(tmp_path) == 3
    second = Daemon(config).run_once()
    assert second.faults == 0 and second.processed == 0
    rels = db_rows(tmp_path, "SELECT rel FROM files")
    assert len(rels) == len(set(rels)) == 3, "each file recorded once"
    assert_none_set_aside(tmp_path)


def test_watch_once_without_ocr_engine_files_the_rest_and_exits_3(tmp_path: Path) -> None:
    tessdata = tmp_path / "tessdata"
    tessdata.mkdir()
    config = make_share(tmp_path, f'[ocr]\ntessdata = "{tessdata}"\n')
    folder = tmp_path / "partage" / CAMILLE
    (folder / "scan.pdf").write_bytes(scanned(attestation_pdf("Léa Martin")))
    (folder / "attestation.pdf").write_bytes(attestation_pdf("Paul Durand"))
    for path in folder.iterdir():
        os.utime(path, (1e9, 1e9))  # settled long ago
    run = run_cli("--config", str(config), "watch", "--once")
    assert run.returncode == 3, run.stderr
    assert "1 classé(s), 0 écarté(s), 1 à reprendre" in run.stdout
    assert "Panne (OCR)" in run.stderr and "Traceback" not in run.stderr
    assert db_rows(tmp_path, "SELECT rel FROM files") == [(f"{CAMILLE}/attestation.pdf",)]
