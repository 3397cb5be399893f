"""Watching the synced share: which dropped files are complete and ready to process.

Events (inotify, or polling on network shares where inotify is blind) only say
*where to look*; they are never trusted to be complete. A full scan at start-up
and every ``rescan_seconds`` catches whatever events were missed. Every path
then goes through the stability tracker, and is handed over only once it has
settled, can be opened, is not a sync client's leftover, and has not already
been handed over with the same (size, mtime).

Rights: a folder that cannot be listed is reported (a warning, and
:meth:`ShareWatcher.unreadable_folders` for the heartbeat) until it can be listed
again; its files stay unknown meanwhile, so nothing is set aside or lost. A file that
cannot be opened waits, as one a writer still holds would, for ``unreadable_after``
seconds; then it is handed over anyway and the pipeline records it as unreadable,
and it is handed over again as soon as it can be opened.

Paths are kept as plain strings inside (a rescan of 20,000 files builds no
Path objects for files already handed over) and returned as ``Path``.

Threads: the observer thread only adds paths to a locked "dirty" set and wakes
the caller. ``poll``, ``scan`` and ``conflicts`` belong to one caller thread;
``retry`` and ``wait`` may be called from any thread.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from types import TracebackType

from watchdog.events import (
    DirCreatedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserverVFS

from pipeline import safeio
from watchers.ignore import (
    is_conflict_copy,
    is_ignored,
    is_ignored_folder,
    is_ignored_folder_name,
    is_ignored_name,
)
from watchers.stability import Clock, StabilityTracker

log = logging.getLogger(__name__)

Stat = tuple[int, int]  # (size, mtime_ns)

# Opened/closed-without-writing events are left out: our own read check and the
# pipeline's reads would otherwise wake the loop forever. Directory "modified"
# events are left out too: they only repeat what the file events say.
EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent, FileModifiedEvent, FileAttribEvent, FileClosedEvent, FileMovedEvent,
    FileDeletedEvent, DirCreatedEvent, DirMovedEvent,
]  # fmt: skip

STOP_TIMEOUT = 10.0  # seconds to wait for the observer thread on stop
#: Shown to support staff (heartbeat, ``dossiers status``) for a folder that cannot be listed.
UNREADABLE_FOLDER = "dossier illisible : vérifiez les droits de l'outil de synchronisation"


class _Handler(FileSystemEventHandler):
    """Turns every event into "look at this path again" (and the destination of a move)."""

    def __init__(self, mark: Callable[[str], None]) -> None:
        self._mark = mark

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory and event.event_type not in ("created", "moved"):
            return  # a folder's other events repeat what its files' events say
        if not (event.is_directory and event.dest_path):  # a moved folder's old place is empty
            self._mark(os.fsdecode(event.src_path))
        if event.dest_path:
            self._mark(os.fsdecode(event.dest_path))


class ShareWatcher:
    """Complete, readable, new documents under the drop folder, as a context manager."""

    def __init__(
        self,
        drop: Path,
        *,
        polling: bool = False,
        poll_interval: float = 2.0,
        settle_seconds: float = 2.0,
        rescan_seconds: float = 300.0,
        unreadable_after: float = 600.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self.drop = Path(os.path.abspath(drop))
        self.polling = polling
        self.poll_interval = poll_interval
        self.rescan_seconds = rescan_seconds
        self.unreadable_after = unreadable_after
        self._clock = clock
        self._tracker = StabilityTracker(settle_seconds, clock)
        self._root = str(self.drop)
        self._seen: dict[str, Stat] = {}  # handed over (or reported) with this stat
        self._conflicts: list[Path] = []
        self._folders = RefusedFolders(self._root)
        self._refusing: dict[str, tuple[Stat, float]] = {}  # settled, cannot be opened since
        self._refused: dict[str, Stat] = {}  # handed over unreadable: offered again once readable
        self._next_scan = 0.0
        self._lock = threading.Lock()
        self._dirty: set[str] = set()
        self._retry: set[str] = set()
        self._wake = threading.Event()
        self._observer: BaseObserver | None = None

    # -- life cycle ---------------------------------------------------------

    def __enter__(self) -> ShareWatcher:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start watching, then scan everything (in this order, so nothing falls in between)."""
        if not self.drop.is_dir():
            raise FileNotFoundError(f"drop folder not found: {self.drop}")
        self._observer = self._start_observer()
        self.scan()

    def stop(self) -> None:
        """Stop the observer and wait for its threads."""
        observer, self._observer = self._observer, None
        if observer is None:
            return
        observer.stop()
        observer.join(STOP_TIMEOUT)
        if observer.is_alive():
            log.error("the watcher thread did not stop within %s s", STOP_TIMEOUT)

    def healthy(self) -> bool:
        """Whether the observer and all its emitters are still running (for a heartbeat)."""
        observer = self._observer
        return (
            observer is not None
            and observer.is_alive()
            and all(e.is_alive() for e in observer.emitters)
        )

    def _start_observer(self) -> BaseObserver:
        if self.polling:
            return self._launch(self._polling_observer())
        try:
            return self._launch(Observer())
        except OSError as exc:  # e.g. inotify watch limit reached: polling still works
            log.warning("native watching unavailable (%s); polling every %s s instead",
                        exc, self.poll_interval)  # fmt: skip
            return self._launch(self._polling_observer())

    def _polling_observer(self) -> BaseObserver:
        # lstat, not stat: a linked folder is never walked into (loops, paths outside the share).
        return PollingObserverVFS(os.lstat, os.scandir, polling_interval=self.poll_interval)

    def _launch(self, observer: BaseObserver) -> BaseObserver:
        observer.schedule(_Handler(self._mark), str(self.drop), recursive=True,
                          event_filter=EVENTS)  # fmt: skip
        observer.start()
        return observer

    # -- what the caller asks ------------------------------------------------

    def poll(self) -> list[Path]:
        """Files that are now complete, readable and new (or changed since handed over)."""
        if self._clock() >= self._next_scan:
            self.scan()
        for path in self._take_dirty() | {str(p) for p in self._tracker.tracked()}:
            self._refresh(path)
        return [path for path in self._tracker.ready() if self._hand_over(path)]

    def conflicts(self) -> list[Path]:
        """Conflict copies found since the last call, each reported once."""
        found, self._conflicts = self._conflicts, []
        return found

    def pending(self) -> int:
        """How many paths are waiting (settling, unreadable, or not yet looked at)."""
        with self._lock:
            waiting = len(self._dirty)
        return waiting + self._tracker.pending()

    def unreadable_folders(self) -> list[dict[str, str]]:
        """Folders that cannot be listed, relative to the drop folder (for the heartbeat)."""
        return self._folders.report()

    def retry(self, path: Path) -> None:
        """Offer a handed-over file again once it settles (its processing could not finish)."""
        with self._lock:
            self._retry.add(str(path))
            self._dirty.add(str(path))
        self._wake.set()

    def wait(self, timeout: float) -> None:
        """Sleep until an event arrives, a pending file settles, a rescan is due, or timeout."""
        now = self._clock()
        deadlines = [timeout, self._next_scan - now]
        settle = self._tracker.next_deadline()
        if settle is not None:
            deadlines.append(settle - now)
        if self._wake.wait(max(min(deadlines), 0.0)):
            self._wake.clear()

    def scan(self) -> int:
        """Walk the whole share and look at every file again; returns how many files it holds."""
        self._next_scan = self._clock() + self.rescan_seconds
        if not self.drop.is_dir():  # an unmounted share: keep what we know until it is back
            log.warning("drop folder unreachable: %s", self.drop)
            return 0
        present: set[str] = set()
        refused: set[str] = set()
        for path, st in _walk(self._root, refused):
            present.add(path)
            self._consider(path, st)
        self._folders.update(refused, self._root)
        self._seen = {p: s for p, s in self._seen.items() if p in present}
        self._refused = {p: s for p, s in self._refused.items() if p in present}
        self._refusing = {p: s for p, s in self._refusing.items() if p in present}
        log.debug("scanned %s: %d files, %d pending", self.drop, len(present), self.pending())
        return len(present)

    # -- inside ------------------------------------------------------------------

    def _mark(self, raw: str) -> None:
        """Called from the observer thread: remember to look at this path."""
        path = Path(raw)
        rel = _relative(path, self.drop)
        # A folder's own name counts too: "<ES>/_dossiers" is never walked.
        if rel is None or is_ignored(rel) or is_ignored_folder(rel):
            return
        with self._lock:
            self._dirty.add(str(path))
        self._wake.set()

    def _take_dirty(self) -> set[str]:
        with self._lock:
            dirty, self._dirty = self._dirty, set()
            retry, self._retry = self._retry, set()
        for path in retry:
            self._seen.pop(path, None)
        return dirty

    def _refresh(self, path: str) -> None:
        """Look at a path again: a vanished one is forgotten, a folder is walked."""
        try:
            st = os.lstat(path)
        except OSError:
            self._tracker.forget(Path(path))
            self._seen.pop(path, None)
            self._refused.pop(path, None)
            self._refusing.pop(path, None)
            return
        if stat.S_ISDIR(st.st_mode):
            refused: set[str] = set()
            for sub, sub_st in _walk(path, refused):
                self._consider(sub, sub_st)
            self._folders.update(refused, path)
        else:
            self._consider(path, st)

    def _consider(self, path: str, st: os.stat_result) -> None:
        """Track a file unless it was already handed over unchanged."""
        current = (st.st_size, st.st_mtime_ns)
        if self._seen.get(path) == current:
            if path not in self._refused or not _openable(Path(path)):
                return
            log.info("fichier de nouveau lisible : %s", path)  # its rights were restored
            self._refused.pop(path)
        self._seen.pop(path, None)
        self._tracker.observe(Path(path), *current)

    def _hand_over(self, path: Path) -> bool:
        """Whether a settled path goes to the caller; conflicts are set aside for conflicts()."""
        try:
            st = os.lstat(path)
        except OSError:
            self._tracker.forget(path)
            return False
        current = (st.st_size, st.st_mtime_ns)
        key = str(path)
        # A link, a pipe, a socket or a device is not opened (a pipe would block the daemon):
        # the pipeline records it from its lstat with a reason, even if it leads nowhere.
        if stat.S_ISREG(st.st_mode) and not _openable(path):
            if not self._refused_long_enough(key, current):
                self._tracker.forget(path)  # restart its timer: tried again once it settles anew
                self._tracker.observe(path, *current)
                return False
            log.warning("%s ne s'ouvre toujours pas après %.0f s : vérifiez ses droits",
                        path, self.unreadable_after)  # fmt: skip
            self._refused[key] = current  # the pipeline records why; offered again once readable
        self._refusing.pop(key, None)
        self._tracker.forget(path)
        self._seen[key] = current
        if is_conflict_copy(path):
            self._conflicts.append(path)
            return False
        return True

    def _refused_long_enough(self, key: str, current: Stat) -> bool:
        """Whether a settled file has refused to open, unchanged, for ``unreadable_after`` s.

        A writer (a sync client on Windows) may hold a file locked for a while: that is
        worth waiting for. Rights that never let the daemon read are not: a person must
        hear of them.
        """
        now = self._clock()
        seen, since = self._refusing.get(key, (current, now))
        if seen != current:
            since = now  # written meanwhile: a writer is at work, wait again
        self._refusing[key] = (current, since)
        return now - since >= self.unreadable_after


class RefusedFolders:
    """The folders that cannot be listed: each reported once when refused, once when healed."""

    def __init__(self, root: str) -> None:
        self._root = root
        self._folders: set[str] = set()

    def update(self, refused: set[str], walked: str) -> None:
        """What a walk of ``walked`` found: the folders under it that refused to be listed."""
        before = {f for f in self._folders if _within(f, walked)}
        for folder in sorted(refused - before):
            log.warning("« %s » : %s", self._rel(folder), UNREADABLE_FOLDER)
        for folder in sorted(before - refused):
            log.info("dossier de nouveau lisible : « %s »", self._rel(folder))
        self._folders = (self._folders - before) | refused

    def report(self) -> list[dict[str, str]]:
        return [{"dossier": self._rel(f), "message": UNREADABLE_FOLDER}
                for f in sorted(self._folders)]  # fmt: skip

    def _rel(self, folder: str) -> str:
        rel = os.path.relpath(folder, self._root)
        return self._root if rel == "." else Path(rel).as_posix()  # the share itself: in full


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _relative(path: Path, root: Path) -> PurePath | None:
    try:
        rel = path.relative_to(root)
    except ValueError:
        return None
    return rel if rel.parts else None


def _walk(root: str, refused: set[str]) -> Iterator[tuple[str, os.stat_result]]:
    """Files (and links) under ``root`` with their lstat, skipping ignored names and folders.

    Linked folders are not followed: they could loop or lead outside the share. Folders
    whose rights refuse the listing are added to ``refused``.
    """
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    yield from _visit(entry, stack, refused)
        except PermissionError:
            refused.add(folder)
        except OSError as exc:  # vanished meanwhile: the next scan sees it again
            log.debug("cannot list %s: %s", folder, exc)


def _visit(
    entry: os.DirEntry[str], stack: list[str], refused: set[str]
) -> Iterator[tuple[str, os.stat_result]]:
    try:
        if entry.is_dir(follow_symlinks=False):
            if not is_ignored_folder_name(entry.name):
                stack.append(entry.path)
        elif not is_ignored_name(entry.name):
            yield entry.path, entry.stat(follow_symlinks=False)
    except PermissionError:  # listed but not searchable (read right without "x")
        refused.add(os.path.dirname(entry.path))
    except OSError as exc:
        log.debug("cannot read %s: %s", entry.path, exc)


@dataclass(frozen=True)
class Pass:
    """One pass over the share (``watch --once``): files to read, folders that refused."""

    files: list[Path]
    unreadable_folders: list[dict[str, str]]


def one_pass(drop: Path, settle_seconds: float, unreadable_after: float) -> Pass:
    """Files not modified for ``settle_seconds``, minus those that do not open yet.

    Without a watcher's memory, a file that does not open is given ``unreadable_after``
    seconds from its last modification (a writer may hold it), then handed over so that
    the pipeline records why it cannot be read.
    """
    root = os.path.abspath(drop)
    refused: set[str] = set()
    now = time.time()
    files = []
    for path, st in sorted(_walk(root, refused)):
        age = now - st.st_mtime
        if age < settle_seconds:
            log.info("%s est encore en cours d'écriture : prochain passage", os.path.basename(path))
        elif stat.S_ISREG(st.st_mode) and age < unreadable_after and not _openable(Path(path)):
            log.info("%s ne s'ouvre pas encore : prochain passage", os.path.basename(path))
        else:
            files.append(Path(path))
    folders = RefusedFolders(root)
    folders.update(refused, root)
    return Pass(files, folders.report())


def _openable(path: Path) -> bool:
    """Whether the file can be opened and read (a writer may still hold it locked).

    Through :mod:`pipeline.safeio`: a path that became a link, a pipe or a device since it
    was listed is not opened (a pipe would block the daemon), only found not openable.
    """
    return safeio.opens(path)
