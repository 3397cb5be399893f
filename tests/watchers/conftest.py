"""A share with invoices and many small born-digital documents, for daemon tests."""

from __future__ import annotations

import ctypes
import io
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.conftest import ROOT, run_cli, write_config

CAMILLE = "Camille Rousseau"
EXPORT = (
    "N° facture;Date facture;Entrepreneur;Client;Type client;Intitulé formation;"
    "Date début;Date fin;Durée (h);Nb stagiaires;Stagiaires\n"
    "FA-2026-0142;14/03/2026;Camille Rousseau;Boulangerie Dupain SARL;entreprise;"
    "Gestion du stress au travail;10/03/2026;11/03/2026;14;2;Léa Martin, Paul Durand\n"
)


def attestation_pdf(trainee: str) -> bytes:
    """A born-digital attestation for FA-2026-0142 (distinct bytes per trainee)."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    lines = [
        "ATTESTATION DE FIN DE FORMATION",
        "Je soussignée Camille Rousseau, formatrice, atteste que",
        f"Madame {trainee}",
        "a suivi la formation « Gestion du stress au travail »",
        "organisée pour Boulangerie Dupain SARL du 10/03/2026 au 11/03/2026,",
        "d'une durée de 14 heures. Facture FA-2026-0142.",
    ]
    for n, line in enumerate(lines):
        c.drawString(60, 780 - 22 * n, line)
    c.save()
    return out.getvalue()


def make_share(root: Path, extra: str = "", workers: int = 2, **paths: str) -> Path:
    """A config (settle 0.2 s, polling fast) with invoices imported; returns the config path.

    ``extra`` continues the ``[watch]`` section; ``paths`` are more ``[paths]`` keys.
    """
    watch = f"[watch]\nsettle_seconds = 0.2\npoll_interval = 0.2\nworkers = {workers}\n"
    config = write_config(root, extra=watch + extra, **paths)
    (root / "export.csv").write_text(EXPORT, encoding="utf-8")
    assert (
        run_cli("--config", str(config), "import-invoices", str(root / "export.csv")).returncode
        == 0
    )
    (root / "partage" / CAMILLE).mkdir(parents=True, exist_ok=True)
    return config


def db_rows(root: Path, sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(root / "dossiers.sqlite3", timeout=30)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def heartbeat(root: Path) -> dict[str, object]:
    path = root / "dossiers.etat.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


# -- a daemon that file rights stop ----------------------------------------------------------

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2
_prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before fork, not in the child


def _without_override() -> None:
    """In the child, before exec: the rights of files apply to it even if it runs as root.

    Dropping the two capabilities that let root ignore a file's mode from the bounding set
    makes the exec'd program (and the workers it spawns) lose them for good. Switching to
    another user instead would need the interpreter, the venv and the checkout readable by
    that user, which a root-owned home (pyenv under /root) is not.
    """
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if _prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) refused")


def unprivileged() -> dict[str, Any]:
    """Keyword arguments for ``subprocess`` so that ``chmod 000`` stops the child."""
    return {"preexec_fn": _without_override} if os.geteuid() == 0 else {}


def run_watch(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``dossiers watch`` (``--once`` among ``args``) as a program that file rights stop."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "--config", str(config), "watch", *args],
        capture_output=True, text=True, check=False, cwd=ROOT, timeout=120, **unprivileged(),
    )  # fmt: skip


def start_watch(config: Path) -> subprocess.Popen[str]:
    """The long-running ``dossiers watch``, as a program that file rights stop."""
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "--config", str(config), "watch"], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **unprivileged(),
    )  # fmt: skip
