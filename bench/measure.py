"""What every benchmark needs: peak memory of a process family, and its figures for run_all.

A benchmark called with ``--json FILE`` writes its headline figures there as a list of
``{"measure", "value", "unit", "peak_mb", "detail"}``; ``run_all.py`` gathers them into the
table of ``bench/RESULTS.md``. Peak memory is resident memory (RSS) summed over a process and
its children, sampled every 50 ms from ``/proc`` (Linux), or the process's own high-water
mark where only one process works.
"""

from __future__ import annotations

import json
import os
import resource
import threading
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    measure: str
    value: float
    unit: str
    peak_mb: float | None = None
    detail: str = ""


def write(path: Path | None, figures: list[Figure]) -> None:
    if path is not None:
        path.write_text(json.dumps([asdict(f) for f in figures], ensure_ascii=False), "utf-8")


def self_peak_mb() -> float:
    """This process's resident high-water mark so far, in MB.

    ``VmHWM`` where there is /proc: ``ru_maxrss`` survives ``execve``, so a process spawned
    by a parent that once took 800 MB reported 800 MB whatever it took itself.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def family(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1]
                parents[int(entry.name)] = int(stat.split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [pid], [pid]
    while frontier:
        children = [p for p, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def process_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` alone, in MB (0 once it has ended)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:  # ended meanwhile
        pass
    return 0.0


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants, in MB."""
    return sum(process_rss_mb(p) for p in family(pid))


class PeakMemory:
    """Highest summed RSS of ``pid``'s family while the ``with`` block runs."""

    def __init__(self, pid: int | None = None, every: float = 0.05) -> None:
        self.pid = pid or os.getpid()
        self.every = every
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            self._stop.wait(self.every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb(self.pid))
