"""Shared fixtures: a workspace with a config, a migrated database, a fixed clock."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.config import Config, load_config
from pipeline.ocr import OcrEngine, OcrResult
from pipeline.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
NOW = datetime(2026, 11, 23, 9, 30)

PEOPLE_CSV = """name;email;folder
Camille Rousseau;camille@example.org;Camille Rousseau
Élodie Faure;elodie@example.org;elodie.faure
"""


def write_config(root: Path, extra: str = "", **paths: str) -> Path:
    """A config file under ``root`` with its drop folder created; ``extra`` is appended."""
    values = {"drop": "partage", "archive": "archive", "database": "dossiers.sqlite3"} | paths
    (root / values["drop"]).mkdir(parents=True, exist_ok=True)
    (root / "entrepreneurs.csv").write_text(PEOPLE_CSV, encoding="utf-8")
    text = (
        '[cooperative]\nname = "Coopérative Test"\nnda = "76341234534"\nsiret = "12345678900012"\n'
        "[paths]\n"
        + "".join(f'{k} = "{v}"\n' for k, v in values.items())
        + '[entrepreneurs]\ncsv = "entrepreneurs.csv"\n'
        + extra
    )
    path = root / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@contextmanager
def locked(database: Path) -> Iterator[None]:
    """Another process holds the database with BEGIN EXCLUSIVE until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sqlite3, sys
            db = sqlite3.connect({str(database)!r}, isolation_level=None)
            db.execute("BEGIN EXCLUSIVE")
            print("verrouillée", flush=True)
            sys.stdin.read()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "verrouillée"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)


#: Runs ``dossiers`` with the arguments after the report file, and writes its own peak
#: memory (kB) there on exit, however it exits. VmHWM, not ru_maxrss: that survives exec, so
#: it would report the memory of the test process that started it.
_MEASURED = """
import atexit, sys
report = sys.argv.pop(1)
def peak():
    line = next(x for x in open("/proc/self/status") if x.startswith("VmHWM"))
    open(report, "w").write(line.split()[1])
atexit.register(peak)
sys.argv[0] = "dossiers"
from pipeline.cli import main
main()
"""


@dataclass(frozen=True)
class Measured:
    """A real ``dossiers`` run with its time (s) and its own peak memory (kB)."""

    run: subprocess.CompletedProcess[str]
    seconds: float
    peak_kb: int

    @property
    def returncode(self) -> int:
        return self.run.returncode

    @property
    def stdout(self) -> str:
        return self.run.stdout

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024


def run_measured(*args: str, timeout: int = 600, env: dict[str, str] | None = None) -> Measured:
    """Run the real ``dossiers`` command timed, with its own peak memory."""
    fd, report = tempfile.mkstemp(prefix="vmhwm-")
    os.close(fd)
    try:
        start = time.monotonic()
        run = subprocess.run([sys.executable, "-c", _MEASURED, report, *args], cwd=ROOT,
                             capture_output=True, text=True, check=False, timeout=timeout,
                             env=env)  # fmt: skip
        seconds = time.monotonic() - start
        return Measured(run, seconds, int(Path(report).read_text() or 0))
    finally:
        os.unlink(report)


def run_cli(*args: str, cwd: Path = ROOT, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    """Run the real ``dossiers`` command (as ``python -m pipeline``) and capture what it says."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, check=False, cwd=cwd, timeout=timeout)  # fmt: skip


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(write_config(tmp_path))


@pytest.fixture
def store(config: Config) -> Iterator[Store]:
    with Store(config.paths.database) as s:
        s.sync_entrepreneurs(config.people)
        yield s


@pytest.fixture
def clock() -> datetime:
    return NOW


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """A test that leaves a thread running is a failing test."""
    before = set(threading.enumerate())
    yield
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    for t in leaked:
        t.join(timeout=2)
    assert not [t for t in leaked if t.is_alive()], f"leaked threads: {leaked}"


class WatchingEngine:
    """The real engine, counting full-page readings and keeping the images it was given."""

    def __init__(self, engine: OcrEngine) -> None:
        self.engine = engine
        self.images: list[np.ndarray] = []

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        self.images.append(np.asarray(image))
        return self.engine.recognise(image, dpi)

    def recognise_line(self, image: Image.Image, dpi: int) -> OcrResult:
        return self.engine.recognise_line(image, dpi)

    def osd(self, image: Image.Image, dpi: int) -> int | None:
        return self.engine.osd(image, dpi)

    def close(self) -> None:
        pass
