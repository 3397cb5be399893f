"""When a file being written is complete: its size and mtime have stopped changing.

A sync client or a scanner writes a file in pieces; reading it before the last
piece lands would file half a document. The tracker releases a path once its
(size, mtime) has stayed the same for ``settle_seconds``. It is pure: the clock
is injected, nothing touches the disk, and it is not thread-safe (one caller).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Clock = Callable[[], float]


@dataclass(slots=True)
class _Entry:
    stat: tuple[int, int]  # (size, mtime_ns) when last seen to change
    since: float  # clock time of that change
    released: bool = False


class StabilityTracker:
    """Paths whose (size, mtime) have not changed for ``settle_seconds``, each released once."""

    def __init__(self, settle_seconds: float, clock: Clock) -> None:
        self.settle_seconds = settle_seconds
        self._clock = clock
        self._entries: dict[Path, _Entry] = {}

    def observe(self, path: Path, size: int, mtime_ns: int) -> None:
        """Record what a path looks like now; a change (or a new path) restarts its timer."""
        entry = self._entries.get(path)
        if entry is None or entry.stat != (size, mtime_ns):
            self._entries[path] = _Entry((size, mtime_ns), self._clock())

    def forget(self, path: Path) -> None:
        """Stop tracking a path (deleted, or handed over and no longer worth remembering)."""
        self._entries.pop(path, None)

    def ready(self) -> list[Path]:
        """Paths settled since their last change, each returned once until it changes again."""
        now = self._clock()
        settled = [p for p, e in self._entries.items() if not e.released and self._due(e, now)]
        for path in settled:
            self._entries[path].released = True
        return settled

    def pending(self) -> int:
        """How many tracked paths are still waiting to settle."""
        return sum(1 for e in self._entries.values() if not e.released)

    def tracked(self) -> list[Path]:
        """Every path the tracker holds (pending or released and not yet forgotten)."""
        return list(self._entries)

    def next_deadline(self) -> float | None:
        """Clock time at which the next pending path settles, or None if nothing is pending."""
        times = [e.since + self.settle_seconds for e in self._entries.values() if not e.released]
        return min(times, default=None)

    def _due(self, entry: _Entry, now: float) -> bool:
        return now - entry.since >= self.settle_seconds
