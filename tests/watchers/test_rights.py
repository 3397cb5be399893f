"""Folders and files whose rights refuse the daemon, for real (#8).

The daemon runs as a program that ``chmod`` stops even when the tests run as root
(see :func:`tests.watchers.conftest.unprivileged`); nothing is simulated. Every file
ends attached or set aside with a reason a person can act on, the daemon keeps going,
and nothing in the share changes.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.watchers.conftest import (
    CAMILLE,
    attestation_pdf,
    db_rows,
    heartbeat,
    make_share,
    run_watch,
    start_watch,
    wait_for,
)
from watchers.share import UNREADABLE_FOLDER

ELODIE = "elodie.faure"
RIGHTS = "lecture refusée : vérifiez les droits"
AN_HOUR_AGO = time.time() - 3600


def drop(path: Path, data: bytes, mode: int = 0o644, mtime: float = AN_HOUR_AGO) -> Path:
    """A settled file (modified an hour ago unless told) with these rights."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    path.chmod(mode)
    return path


def files(root: Path) -> list[tuple[object, ...]]:
    return db_rows(root, "SELECT rel, state, reason, detail, archive_path FROM files ORDER BY rel")


def attached(root: Path) -> list[tuple[object, ...]]:
    return db_rows(
        root,
        "SELECT f.rel FROM documents d JOIN files f ON f.id = d.file_id "
        "WHERE d.invoice = 'FA-2026-0142' ORDER BY f.rel",
    )


def warnings_about(log: str, words: str) -> list[str]:
    return [line for line in log.splitlines() if UNREADABLE_FOLDER in line and words in line]


@pytest.mark.parametrize(
    ("locked", "elsewhere"),
    [(f"{CAMILLE}/Scans 2026", f"{CAMILLE}/attestation léa.pdf"), (CAMILLE, f"{ELODIE}/cv.pdf")],
    ids=["sub-folder", "entrepreneur-folder"],
)
def test_a_folder_that_cannot_be_listed_is_reported_then_read_once_its_rights_return(
    tmp_path: Path, locked: str, elsewhere: str
) -> None:
    config = make_share(tmp_path)
    share = tmp_path / "partage"
    drop(share / elsewhere, attestation_pdf("Léa Martin"))
    inside = {
        drop(share / locked / "Scans 2026" / "scan paul.pdf", attestation_pdf("Paul Durand")),
        drop(share / locked / "scan léa bis.pdf", attestation_pdf("Léa Martin") + b"\n"),
    }
    before = {p: p.read_bytes() for p in inside}
    (share / locked).chmod(0)
    try:
        run = run_watch(config, "--once")
        status = run_cli("--config", str(config), "status").stdout
    finally:
        (share / locked).chmod(0o755)
    assert run.returncode in (0, 1) and "Passage terminé" in run.stdout, run.stderr
    assert "Traceback" not in run.stderr, "a refused folder is a fact to report, not a crash"
    assert [r[0] for r in files(tmp_path)] == [elsewhere], "the folder's files are not known yet"
    assert len(warnings_about(run.stderr, locked)) == 1, run.stderr
    assert heartbeat(tmp_path)["illisibles"] == [{"dossier": locked, "message": UNREADABLE_FOLDER}]
    assert f"Partage « {locked} » : {UNREADABLE_FOLDER}" in status
    assert {p: p.read_bytes() for p in inside} == before, "the share is left as it was"

    again = run_watch(config, "--once")
    assert again.returncode == 0, again.stderr
    rels = sorted(p.relative_to(share).as_posix() for p in inside)
    assert [r[0] for r in files(tmp_path)] == sorted([elsewhere, *rels])
    assert all(rel in [a[0] for a in attached(tmp_path)] for rel in rels)
    assert heartbeat(tmp_path)["illisibles"] == []
    assert UNREADABLE_FOLDER not in run_cli("--config", str(config), "status").stdout
    assert UNREADABLE_FOLDER not in again.stderr


def test_a_file_that_never_opens_is_set_aside_after_a_while_then_attached_once_it_opens(
    tmp_path: Path,
) -> None:
    config = make_share(tmp_path, "unreadable_after_seconds = 120\n")
    folder = tmp_path / "partage" / CAMILLE
    data = {"léa": attestation_pdf("Léa Martin"), "paul": attestation_pdf("Paul Durand")}
    refused = {name: drop(folder / f"{name}.pdf", data[name], mode=0) for name in data}
    young = drop(folder / "récent.pdf", b"%PDF-1.7 en cours", mode=0, mtime=time.time() - 5)

    first = run_watch(config, "--once")
    assert first.returncode == 1, "set aside: a person must act"
    rows = files(tmp_path)
    assert [r[0] for r in rows] == [f"{CAMILLE}/léa.pdf", f"{CAMILLE}/paul.pdf"]
    assert "récent.pdf ne s'ouvre pas encore" in first.stderr, "a writer may still hold it"
    for _, state, reason, detail, archived in rows:
        assert (state, reason, archived) == ("ecarte", "illisible", None) and RIGHTS in str(detail)

    refused["léa"].chmod(0o644)
    still_young = time.time() - 5  # however long the first pass took on a busy machine
    os.utime(young, (still_young, still_young))
    second = run_watch(config, "--once")
    assert second.returncode == 0, second.stderr
    assert [r[:3] for r in files(tmp_path)] == [
        (f"{CAMILLE}/léa.pdf", "traite", None),
        (f"{CAMILLE}/paul.pdf", "ecarte", "illisible"),
    ], "read once it opens; the one still refused is recorded once, not at every pass"
    assert attached(tmp_path) == [(f"{CAMILLE}/léa.pdf",)]
    assert refused["paul"].stat().st_mode & 0o777 == 0 and young.stat().st_mode & 0o777 == 0
    for name, path in refused.items():
        path.chmod(0o644)  # for the test itself, when it does not run as root
        assert path.read_bytes() == data[name], "the share is left as it was"


def test_running_daemon_waits_for_a_brief_lock_reports_rights_and_reads_what_comes_back(
    tmp_path: Path,
) -> None:
    config = make_share(tmp_path, "unreadable_after_seconds = 3\nrescan_minutes = 0.02\n")
    share = tmp_path / "partage" / CAMILLE
    daemon = start_watch(config)
    try:
        wait_for(lambda: heartbeat(tmp_path).get("running") is True, 60, "the heartbeat")
        brief = drop(share / "verrou bref.pdf", attestation_pdf("Léa Martin"), mode=0)
        refused = drop(share / "droits perdus.pdf", attestation_pdf("Paul Durand"), mode=0)
        drop(share / "Scans 2026" / "scan.pdf", attestation_pdf("Paul Durand") + b"\n")
        (share / "Scans 2026").chmod(0)
        time.sleep(1.0)
        brief.chmod(0o644)  # the writer let go well before the delay: just attached
        wait_for(lambda: len(files(tmp_path)) == 2, 20, "the brief lock and the refused file")
        wait_for(lambda: heartbeat(tmp_path).get("illisibles") != [], 10, "the folder report")
        rows = {r[0]: r[1:] for r in files(tmp_path)}
        assert rows[f"{CAMILLE}/verrou bref.pdf"][:2] == ("traite", None)
        state, reason, detail, archived = rows[f"{CAMILLE}/droits perdus.pdf"]
        assert (state, reason, archived) == ("ecarte", "illisible", None) and RIGHTS in str(detail)
        assert heartbeat(tmp_path)["illisibles"] == [
            {"dossier": f"{CAMILLE}/Scans 2026", "message": UNREADABLE_FOLDER}
        ]
        time.sleep(1.5)  # one more rescan: nothing reported twice, nothing recorded twice

        (share / "Scans 2026").chmod(0o755)
        refused.chmod(0o644)
        wait_for(lambda: len(attached(tmp_path)) == 3, 20, "everything attached")
        wait_for(lambda: heartbeat(tmp_path).get("illisibles") == [], 10, "the report cleared")
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=60)
    finally:
        (share / "Scans 2026").chmod(0o755)
        if daemon.poll() is None:
            daemon.kill()
            daemon.communicate()
    assert daemon.returncode == 0, err
    assert [r[1:3] for r in files(tmp_path)] == [("traite", None)] * 3
    assert len(warnings_about(err, "Scans 2026")) == 1, err
    events = db_rows(tmp_path, "SELECT count(*) FROM events WHERE kind = 'fichier-ecarte'")
    assert events == [(1,)], "only the file that never opened was set aside, once"
