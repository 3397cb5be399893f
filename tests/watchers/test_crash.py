"""Fault injection: SIGKILL at random instants while the daemon ingests 100 files.

After every kill the daemon is started again; at the end one ``watch --once``
finishes the work. Then: every file recorded exactly once, each with its one
document, every original byte for byte in the archive exactly once, no
temporary file anywhere, and a database that passes SQLite's integrity check.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from tests.conftest import ROOT, run_cli
from tests.watchers.conftest import CAMILLE, attestation_pdf, db_rows, make_share

FILES = 100
KILLS = 20


def start(config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "--config", str(config), "watch"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill takes the workers too
    )  # fmt: skip


def scanned(data: bytes) -> bytes:
    """The same page as an image-only PDF (needs OCR: slow work to be killed in)."""
    page = pdfium.PdfDocument(data)[0]
    image = page.render(scale=120 / 72).to_pil().convert("L")
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=120)
    return out.getvalue()


@pytest.mark.slow
def test_kill_9_at_random_points_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    config = make_share(tmp_path)
    folder = tmp_path / "partage" / CAMILLE
    rng = random.Random(20261123)
    originals: dict[str, bytes] = {}
    interrupted = 0
    for batch in range(KILLS):
        for n in range(batch * FILES // KILLS, (batch + 1) * FILES // KILLS):
            data = attestation_pdf(f"Stagiaire Numéro{n:03d}")
            data = scanned(data) if n % 4 == 0 else data
            (folder / f"attestation {n:03d}.pdf").write_bytes(data)
            originals[f"{CAMILLE}/attestation {n:03d}.pdf"] = data
        daemon = start(config)
        time.sleep(rng.uniform(0.5, 3.0))
        os.killpg(daemon.pid, signal.SIGKILL)
        daemon.wait(timeout=30)
        interrupted += db_rows(tmp_path, "SELECT count(*) FROM files")[0][0] < len(originals)
    assert interrupted >= KILLS // 2, "most kills must land while files were being read"
    final = run_cli("--config", str(config), "watch", "--once")
    assert final.returncode in (0, 1), final.stderr

    rels = Counter(r for (r,) in db_rows(tmp_path, "SELECT rel FROM files"))
    assert set(rels) == set(originals), "no file lost"
    assert max(rels.values()) == 1, "no file recorded twice"
    per_file = Counter(f for (f,) in db_rows(tmp_path, "SELECT file_id FROM documents"))
    assert len(per_file) == FILES and max(per_file.values()) == 1, "no document twice"
    archived = Counter(
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (tmp_path / "archive").rglob("*") if p.is_file()
    )  # fmt: skip
    for data in originals.values():
        assert archived[hashlib.sha256(data).hexdigest()] == 1, "one archive copy per original"
    leftovers = [p for p in tmp_path.rglob("*") if p.name.startswith(".tmp-")]
    assert leftovers == [], "no temporary file left behind"
    assert db_rows(tmp_path, "PRAGMA integrity_check") == [("ok",)]
    for rel, data in originals.items():
        assert (tmp_path / "partage" / rel).read_bytes() == data, "the share is untouched"
