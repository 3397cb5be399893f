"""Faults of the environment met by one file: a real fault where one can be made cheaply.

Each fault must leave the file where it was, set nothing aside, write no archive copy that
no row points to twice, and raise an :class:`EnvironmentFault` so that the file is read
again later; once the fault is gone the same file is filed normally.
"""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pipeline import runner
from pipeline.config import Config
from pipeline.errors import DatabaseFault, DiskFull, OcrUnavailable
from pipeline.ocr import TesserocrEngine
from pipeline.store import Store
from tests.conftest import NOW, ROOT, locked, run_cli, write_config
from tests.pipeline.test_runner import ATTESTATION, CAMILLE, INVOICE, drop, pdf
from tests.watchers.test_crash import scanned


@pytest.fixture
def ctx(config: Config, store: Store) -> runner.Context:
    store.upsert_invoices([INVOICE], NOW)
    return runner.Context(config=config, store=store, ocr=None, clock=lambda: NOW)


def archived(config: Config) -> list[Path]:
    """Every file under the archive, temporary ones included."""
    root = config.paths.archive
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def assert_nothing_recorded(ctx: runner.Context, path: Path, data: bytes) -> None:
    assert ctx.store.db.execute("SELECT count(*) FROM files").fetchone()[0] == 0
    assert path.read_bytes() == data, "the dropped file is untouched"


def assert_filed_once(ctx: runner.Context, path: Path, data: bytes) -> None:
    outcome = runner.process(path, ctx)
    assert outcome.reason is None and outcome.file_id is not None
    (stored,) = ctx.store.db.execute("SELECT archive_path FROM files").fetchall()
    assert Path(stored[0]).read_bytes() == data
    sha = hashlib.sha256(data).hexdigest()
    copies = [p for p in archived(ctx.config) if hashlib.sha256(p.read_bytes()).hexdigest() == sha]
    assert copies == [Path(stored[0])], "one copy of the bytes, the one the row names"


# -- disk full ------------------------------------------------------------------------------


def test_disk_full_while_archiving_files_nothing_then_files_once_space_is_back(
    ctx: runner.Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = pdf(ATTESTATION)
    path = drop(ctx.config, f"{CAMILLE}/attestation.pdf", data)
    real_fsync = os.fsync

    def full(fd: int) -> None:  # what fsync says when delayed blocks find no room
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(DiskFull, match="disque plein"):
        runner.process(path, ctx)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert archived(ctx.config) == [], "no half-written copy, no temporary file"
    assert_nothing_recorded(ctx, path, data)
    assert_filed_once(ctx, path, data)


CHILD = """
import resource, signal, sys
from datetime import datetime
from pathlib import Path
from pipeline import runner
from pipeline.config import load_config
from pipeline.errors import EnvironmentFault
from pipeline.store import Store

config = load_config(Path(sys.argv[1]))
store = Store(config.paths.database)
ctx = runner.Context(config=config, store=store, ocr=None, clock=lambda: datetime(2026, 11, 23))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[3]), resource.RLIM_INFINITY))
try:
    runner.process(Path(sys.argv[2]), ctx)
except EnvironmentFault as exc:
    print(type(exc).__name__, exc)
"""


def test_a_real_file_size_limit_while_archiving_is_a_disk_fault(ctx: runner.Context) -> None:
    data = pdf(ATTESTATION)
    path = drop(ctx.config, f"{CAMILLE}/attestation.pdf", data)
    limit = len(data) // 2  # the copy hits the limit half-way (the database is written after)
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(ctx.config.file), str(path), str(limit)],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )  # fmt: skip
    assert child.stdout.startswith("DiskFull disque plein"), child.stdout + child.stderr
    assert archived(ctx.config) == [], "the half-written copy is removed"
    assert_nothing_recorded(ctx, path, data)
    assert_filed_once(ctx, path, data)


# -- the database locked by another program ---------------------------------------------------


def test_a_database_locked_by_another_program_sets_nothing_aside(config: Config) -> None:
    with Store(config.paths.database, timeout=0.2) as store:
        store.sync_entrepreneurs(config.people)
        store.upsert_invoices([INVOICE], NOW)
        ctx = runner.Context(config=config, store=store, ocr=None, clock=lambda: NOW)
        data = pdf(ATTESTATION)
        path = drop(config, f"{CAMILLE}/attestation.pdf", data)
        with locked(config.paths.database), pytest.raises(DatabaseFault, match="occupée"):
            runner.process(path, ctx)
        assert_nothing_recorded(ctx, path, data)
        assert_filed_once(ctx, path, data)  # the copy made before the lock is reused


def test_cli_commands_on_a_locked_database_exit_3_with_a_french_sentence(tmp_path: Path) -> None:
    config = write_config(tmp_path, database_timeout="0.3")  # a TOML string, read as seconds
    export = tmp_path / "export.csv"
    export.write_text(
        "N° facture;Date facture;Entrepreneur;Client;Type client;Intitulé formation;"
        "Date début;Date fin;Durée (h);Nb stagiaires;Stagiaires\n"
        "FA-2026-0142;14/03/2026;Camille Rousseau;Dupain;entreprise;Stress;10/03/2026;"
        "11/03/2026;14;2;Léa Martin, Paul Durand\n",
        encoding="utf-8",
    )
    assert run_cli("--config", str(config), "status").returncode == 0  # creates the database
    with locked(tmp_path / "dossiers.sqlite3"):
        run = run_cli("--config", str(config), "import-invoices", str(export))
        status = run_cli("--config", str(config), "status")
    assert run.returncode == 3, run.stderr
    assert "occupée par un autre programme" in run.stderr and "Traceback" not in run.stderr
    assert status.returncode == 0, "reading still works while another program writes"


# -- the OCR engine failing mid-page ------------------------------------------------------------


class Crashing:
    """Tesseract's API object, whose recognition fails as tesserocr reports it."""

    def __init__(self, api: Any) -> None:
        self.api = api

    def Recognize(self) -> None:  # noqa: N802 - tesserocr's name
        raise RuntimeError("Failed to recognize. No image set?")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.api, name)


@pytest.mark.ocr
def test_the_ocr_engine_failing_mid_page_is_a_fault_not_an_internal_error(
    config: Config, store: Store
) -> None:
    store.upsert_invoices([INVOICE], NOW)
    data = scanned(pdf(ATTESTATION))
    path = drop(config, f"{CAMILLE}/attestation.pdf", data)
    with TesserocrEngine(config.ocr) as engine:
        ctx = runner.Context(config=config, store=store, ocr=engine, clock=lambda: NOW)
        engine._api = Crashing(engine._api)
        with pytest.raises(OcrUnavailable, match="Tesseract a échoué"):
            runner.process(path, ctx)
        assert_nothing_recorded(ctx, path, data)
        engine._api = engine._api.api
        assert_filed_once(ctx, path, data)


def test_a_scan_without_an_ocr_engine_waits_and_a_born_digital_file_does_not(
    ctx: runner.Context,
) -> None:
    scan = drop(ctx.config, f"{CAMILLE}/scan.pdf", scanned(pdf(ATTESTATION)))
    with pytest.raises(OcrUnavailable):
        runner.process(scan, ctx)
    born = drop(ctx.config, f"{CAMILLE}/attestation.pdf", pdf(ATTESTATION))
    assert runner.process(born, ctx).reason is None
    rows = ctx.store.db.execute("SELECT rel, state FROM files").fetchall()
    assert [tuple(r) for r in rows] == [(f"{CAMILLE}/attestation.pdf", "traite")]
