"""Workers that meet a real fault, for the daemon's fault tests (run in worker processes).

The daemon is given one of these as its ``worker``; a spawned worker process imports
this module and runs it on a path, then does the real work.
"""

from __future__ import annotations

import os
import resource
import signal
import time
from pathlib import Path
from typing import Any

from watchers.daemon import _worker_give_up, _worker_process

#: A file whose existence arms the fault; the fault removes it (so it strikes once).
ARMED = "DOSSIERS_TEST_FAULT"
#: A file where the fault counts the readings of its file.
READS = "DOSSIERS_TEST_READS"


def killed_once(path: str) -> dict[str, Any]:
    """The worker process dies (SIGKILL, as the OOM killer or a crash in Tesseract would)."""
    armed = Path(os.environ[ARMED])
    if path.endswith("00.pdf") and armed.exists():
        armed.unlink()
        os.kill(os.getpid(), signal.SIGKILL)
    return _worker_process(path)


def small_disk_while_armed(path: str) -> dict[str, Any]:
    """While armed, files cannot grow past 1 kB in this worker: a real EFBIG on write."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
    limit = 1024 if Path(os.environ[ARMED]).exists() else resource.RLIM_INFINITY
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    return _worker_process(path)


def crashes_on_plante(path: str) -> dict[str, Any]:
    """Every time it reads a file named "...plante...", the worker dies (a reader's crash)."""
    if "plante" in Path(path).name:
        os.kill(os.getpid(), signal.SIGKILL)
    return _worker_process(path)


def hangs_on_bloque(path: str) -> dict[str, Any]:
    """Every time it reads a file named "...bloque...", the worker never comes back."""
    if "bloque" in Path(path).name:
        time.sleep(3600)
    return _worker_process(path)


def hangs_on_bloque_setting_aside_too(path: str, how: str) -> dict[str, Any]:
    """Setting aside a "...bloque..." file never comes back either (its bytes, read to be
    archived, never end: a link to ``/dev/zero``, a pipe nobody writes to)."""
    if "bloque" in Path(path).name:
        time.sleep(3600)
    return _worker_give_up(path, how)


def counts_and_crashes_on_plante(path: str) -> dict[str, Any]:
    """As :func:`crashes_on_plante`, each reading of a "...plante..." file counted first (a
    line appended to the file named by ``DOSSIERS_TEST_READS``)."""
    if "plante" in Path(path).name:
        with Path(os.environ[READS]).open("a", encoding="utf-8") as log:
            log.write(f"{path}\n")
    return crashes_on_plante(path)


def slow_on_lent(path: str) -> dict[str, Any]:
    """A "...lent..." file takes a second to read (well under the test's time limit)."""
    if "lent" in Path(path).name:
        time.sleep(1.0)
    return _worker_process(path)
