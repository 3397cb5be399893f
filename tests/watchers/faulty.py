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

from watchers.daemon import _worker_process

#: A file whose existence arms the fault; the fault removes it (so it strikes once).
ARMED = "DOSSIERS_TEST_FAULT"


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
