"""``dossiers watch``: the daemon that watches the share and files what entrepreneurs drop.

One main process, several worker processes:

- the main process holds the lock (one daemon per database), watches the share
  (:class:`watchers.share.ShareWatcher`: events, polling, rescans, stability), skips
  files already recorded unchanged, queues the others, writes the share's status
  files, runs the daily jobs (the share's status files, the morning digest; from
  1 March the drafts of the yearly BPF and of each entrepreneur's summary) and a
  heartbeat file;
- each worker process has its own OCR engine and database connection and runs
  :func:`pipeline.runner.process` on one file at a time, so a long scan never
  blocks the intake of other files.

Crash safety comes from the runner's order of steps (archive copy, then one
database transaction; both replay-safe) and from sweeping the archive's
temporary files at start-up: a kill -9 at any instant loses nothing and
doubles nothing. A stop (SIGTERM, Ctrl-C) lets the files being read finish,
within ``[watch] shutdown_grace`` seconds.
"""

from __future__ import annotations

import fcntl
import json
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from pipeline import archive, digest_send, runner, sharefiles
from pipeline.bpf import run as bpf_run
from pipeline.config import Config, load_config
from pipeline.errors import EnvironmentFault, OcrUnavailable, UsageError
from pipeline.mailer import SmtpMailer
from pipeline.ocr import TesserocrEngine
from pipeline.store import Store
from watchers.schedule import Job, Jobs, latest_moment
from watchers.share import ShareWatcher, one_pass

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
DIGEST_JOB = "resume"  # stable: the job's name in the event log
STATUS_DEBOUNCE_SECONDS = 5.0


class AlreadyRunning(UsageError):
    """Another daemon already works on this database (and so on this share)."""


@dataclass
class Counters:
    """What the daemon did since it started (heartbeat and end-of-pass summary)."""

    started: str = field(default_factory=lambda: datetime.now().isoformat(timespec="seconds"))
    processed: int = 0
    set_aside: int = 0
    skipped: int = 0
    faults: int = 0
    last_file: str = ""


# -- worker processes ---------------------------------------------------------------------

_WORKER: runner.Context | None = None


def _worker_init(config_path: str) -> None:
    """Each worker: its own config, database connection and OCR engine; stops are the main's."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    config = load_config(Path(config_path))
    try:
        engine = TesserocrEngine(config.ocr)
    except OcrUnavailable:
        log.warning("moteur OCR indisponible : les scans attendront", exc_info=True)
        engine = None
    store = Store(config.paths.database)
    _WORKER = runner.Context(config=config, store=store, ocr=engine)


def _worker_process(path: str) -> dict[str, Any]:
    """Process one file in a worker; the result travels back as plain data."""
    assert _WORKER is not None, "worker not initialised"
    try:
        outcome = runner.process(Path(path), _WORKER)
    except EnvironmentFault as exc:
        return {"path": path, "fault": str(exc)}
    return {
        "path": path,
        "rel": outcome.rel,
        "skipped": outcome.skipped,
        "reason": outcome.reason,
        "entrepreneur": outcome.doc.source.entrepreneur,
        "parts": [
            {
                "type": str(p.type),
                "invoice": p.match.invoice if p.match else None,
                "reason": str(p.match.reason) if p.match and p.match.reason else None,
            }
            for p in outcome.doc.parts
        ],  # fmt: skip
    }


# -- the daemon -----------------------------------------------------------------------------


class Daemon:
    """The watch loop. ``run()`` until ``stop`` is set; ``run_once()`` for one full pass."""

    def __init__(self, config: Config, *, now: Callable[[], datetime] = datetime.now) -> None:
        self.config = config
        self.settings = config.watch
        self.now = now
        self.stop = threading.Event()
        self.counters = Counters()
        self.queue: deque[Path] = deque()
        self.queued: set[Path] = set()
        self.in_flight: dict[Future[dict[str, Any]], Path] = {}
        self.retry_after: dict[Path, float] = {}
        self.dirty_people: dict[str, float] = {}
        self._beat = 0.0  # when the heartbeat file was last written
        self.share_pending = 0  # files the watcher saw but that are not settled yet
        self.idle_since_start = False  # the start-up scan is over and nothing is left to do
        self.unreadable_folders: list[dict[str, str]] = []  # folders the share refuses to list

    # -- entry points ----------------------------------------------------------------------

    def run(self) -> None:
        """Watch until :attr:`stop` is set (SIGTERM, Ctrl-C), then stop cleanly."""
        with self._resources() as (store, pool, jobs), self._share() as share:
            share.scan()
            jobs.run_due()  # a job whose time passed while the daemon was stopped
            last_scan = time.monotonic()
            while not self.stop.is_set():
                self._enqueue(share.poll() + share.conflicts(), store)
                self.unreadable_folders = share.unreadable_folders()
                if time.monotonic() - last_scan > self.settings.rescan_minutes * 60:
                    share.scan()
                    last_scan = time.monotonic()
                self._step(store, pool)
                jobs.run_pending()
                share.wait(0.5 if not self.in_flight else 0.1)
            self._drain(store, pool, grace=self.settings.shutdown_grace)

    def run_once(self) -> Counters:
        """One full pass: every file of the share not yet recorded, then the due jobs."""
        with self._resources() as (store, pool, jobs):
            self._enqueue(self._settled_files(), store)
            while (self.queue or self.in_flight) and not self.stop.is_set():
                self._step(store, pool)
                time.sleep(0.05)
            self._drain(store, pool, grace=self.settings.shutdown_grace)
            self._write_status(store, force=True)
            jobs.run_due()
        return self.counters

    def install_signal_handlers(self) -> None:
        """SIGTERM and SIGINT ask for a clean stop (a second Ctrl-C is not needed)."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self._request_stop())

    def _request_stop(self) -> None:
        log.info("arrêt demandé : fin des fichiers en cours de lecture")
        self.stop.set()

    # -- resources -------------------------------------------------------------------------

    @contextmanager
    def _resources(self) -> Iterator[tuple[Store, ProcessPoolExecutor, Jobs]]:
        with hold_lock(lock_path(self.config)):
            swept = archive.sweep_temporaries(self.config.paths.archive)
            # The heartbeat's own interrupted write (a kill -9 mid-write), beside the database;
            # only this daemon writes there, and it holds the lock.
            beat = heartbeat_path(self.config).parent
            swept += archive.sweep_temporaries(beat, recursive=False)
            if swept:
                log.info("%d fichier(s) temporaire(s) d'un arrêt brutal supprimé(s)", swept)
            os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # see TECH-NOTES: oversubscription
            pool = ProcessPoolExecutor(
                max_workers=self.settings.workers,
                mp_context=multiprocessing.get_context("spawn"),  # no fork of watcher threads
                initializer=_worker_init,
                initargs=(str(self.config.file),),
            )
            with Store(self.config.paths.database) as store:
                store.sync_entrepreneurs(self.config.people)
                try:
                    yield store, pool, self._jobs(store)
                finally:
                    pool.shutdown(wait=True, cancel_futures=True)
                    self._heartbeat(store, final=True)

    @contextmanager
    def _share(self) -> Iterator[ShareWatcher]:
        with ShareWatcher(
            self.config.paths.drop,
            polling=self.settings.polling,
            poll_interval=self.settings.poll_interval,
            settle_seconds=self.settings.settle_seconds,
            rescan_seconds=self.settings.rescan_minutes * 60,
            unreadable_after=self.settings.unreadable_after_seconds,
        ) as share:
            yield share

    def _jobs(self, store: Store) -> Jobs:
        refresh = Job("etat-partage", self.settings.share_status_time,
                      lambda: self._write_status(store, force=True, everyone=True))  # fmt: skip
        drafts = Job("bpf-brouillons", self.config.bpf.time, lambda: self._bpf_drafts(store))
        jobs = [refresh, drafts]
        if self.config.digest.recipients:
            jobs.append(self._digest_job(store))
        else:
            log.info("pas de destinataires dans [digest] recipients : aucun résumé envoyé")
        return Jobs(jobs, store, self.now, self.settings.retry_minutes)

    def _digest_job(self, store: Store) -> Job:
        """The morning digest: working days, owed until sent, retried with a back-off."""
        digest = self.config.digest
        mailer = SmtpMailer(self.config.smtp)

        def send() -> None:
            now = self.now()
            moment = latest_moment(digest.time, now, working_days_only=True)
            if moment is not None:
                digest_send.run_daily(store, self.config, mailer, moment.date(), now)

        return Job(DIGEST_JOB, digest.time, send, working_days_only=True, catch_up=True,
                   retry_first=digest.retry_seconds)  # fmt: skip

    def _bpf_drafts(self, store: Store) -> None:
        """From 1 March: the last closed year's BPF and summaries, as the dossiers stand."""
        written = bpf_run.refresh_drafts(store, self.config, self.now())
        if written:
            log.info("brouillons du BPF et des bilans à jour (%d fichier(s))", len(written))

    # -- the loop's steps ------------------------------------------------------------------

    def _enqueue(self, paths: list[Path], store: Store) -> None:
        for path in paths:
            if path in self.queued or path in self.in_flight.values() or self._known(path, store):
                continue
            self.queue.append(path)
            self.queued.add(path)

    def _known(self, path: Path, store: Store) -> bool:
        """Already recorded at this place with this size and mtime: no need to read it."""
        drop = os.path.abspath(self.config.paths.drop)
        try:
            stat = path.lstat()
            rel = Path(os.path.abspath(path)).relative_to(drop).as_posix()
        except (OSError, ValueError):
            return False
        return store.known(rel, stat.st_size, stat.st_mtime_ns)

    def _step(self, store: Store, pool: ProcessPoolExecutor) -> None:
        self._collect(store, timeout=0)
        self._dispatch(pool)
        self._write_status(store)
        self._heartbeat(store)

    def _dispatch(self, pool: ProcessPoolExecutor) -> None:
        """Keep every worker busy plus one file each in line (no more: stops stay quick)."""
        now = time.monotonic()
        for _ in range(len(self.queue)):
            if len(self.in_flight) >= 2 * self.settings.workers:
                return
            path = self.queue.popleft()
            if self.retry_after.get(path, 0) > now:
                self.queue.append(path)  # an OCR fault: wait before trying again
                continue
            self.queued.discard(path)
            self.in_flight[pool.submit(_worker_process, str(path))] = path

    def _collect(self, store: Store, timeout: float) -> None:
        if not self.in_flight:
            return
        done, _ = wait(list(self.in_flight), timeout=timeout, return_when=FIRST_COMPLETED)
        for future in done:
            path = self.in_flight.pop(future)
            self._handle(path, future)

    def _handle(self, path: Path, future: Future[dict[str, Any]]) -> None:
        try:
            result = future.result()
        except Exception:  # a worker died (killed, out of memory): try the file again later
            log.exception("échec du processus de lecture pour %s", path)
            result = {"path": str(path), "fault": "processus de lecture interrompu"}
        if "fault" in result:
            self.counters.faults += 1
            self.retry_after[path] = time.monotonic() + self.settings.retry_minutes * 60
            self._enqueue_again(path)
            log.warning("%s : %s ; nouvel essai plus tard", path.name, result["fault"])
            return
        self.retry_after.pop(path, None)
        self._count(result)

    def _enqueue_again(self, path: Path) -> None:
        if path not in self.queued:
            self.queue.append(path)
            self.queued.add(path)

    def _count(self, result: dict[str, Any]) -> None:
        if result["skipped"]:
            self.counters.skipped += 1
            return
        self.counters.last_file = result["rel"]
        if result["reason"]:
            self.counters.set_aside += 1
            log.info("écarté (%s) : %s", result["reason"], result["rel"])
        else:
            self.counters.processed += 1
            for part in result["parts"]:
                where = part["invoice"] or part["reason"] or "entrepreneur"
                log.info("classé : %s (%s) → %s", result["rel"], part["type"], where)
        if result["entrepreneur"]:
            self.dirty_people.setdefault(result["entrepreneur"], time.monotonic())

    def _drain(self, store: Store, pool: ProcessPoolExecutor, grace: float) -> None:
        """Let the files being read finish (within ``grace`` seconds); drop the rest of the line."""
        self.queue.clear()
        self.queued.clear()
        deadline = time.monotonic() + grace
        while self.in_flight and time.monotonic() < deadline:
            self._collect(store, timeout=min(1.0, max(0.0, deadline - time.monotonic())))
        if self.in_flight:
            log.warning("%d fichier(s) abandonné(s) à l'arrêt : repris au prochain démarrage",
                        len(self.in_flight))  # fmt: skip
        self._write_status(store, force=True)

    # -- what the daemon writes ------------------------------------------------------------

    def _write_status(self, store: Store, force: bool = False, everyone: bool = False) -> None:
        """Refresh the status files in the folders of entrepreneurs who received files."""
        people = [p.name for p in self.config.people] if everyone else list(self.dirty_people)
        now = time.monotonic()
        for name in people:
            since = self.dirty_people.get(name, 0.0)
            if not force and now - since < STATUS_DEBOUNCE_SECONDS:
                continue
            try:
                sharefiles.write_status(store, self.config, name, self.now())
            except OSError:
                log.warning("état du dossier de %s non écrit", name, exc_info=True)
                continue
            self.dirty_people.pop(name, None)

    def _heartbeat(self, store: Store, final: bool = False) -> None:
        """A small JSON file next to the database: alive, queue length, what was done."""
        now = time.monotonic()
        idle = not (self.queue or self.in_flight or self.share_pending)
        newly_idle = idle and not self.idle_since_start
        self.idle_since_start = self.idle_since_start or idle
        if not final and not newly_idle and now - self._beat < HEARTBEAT_SECONDS:
            return
        self._beat = now
        state = {
            "pid": os.getpid(),
            "running": not final,
            "updated": self.now().isoformat(timespec="seconds"),
            "queued": len(self.queue),
            "in_progress": len(self.in_flight),
            "settling": self.share_pending,
            "scan_done": self.idle_since_start,
            "illisibles": self.unreadable_folders,
            **self.counters.__dict__,
        }
        data = json.dumps(state, ensure_ascii=False, indent=1).encode()
        archive.replace_atomic(heartbeat_path(self.config), data)

    def _settled_files(self) -> list[Path]:
        """For ``--once``: every file not modified in the last ``settle_seconds`` that opens."""
        found = one_pass(self.config.paths.drop, self.settings.settle_seconds,
                         self.settings.unreadable_after_seconds)  # fmt: skip
        self.unreadable_folders = found.unreadable_folders
        return found.files


# -- lock and files next to the database -----------------------------------------------------


def lock_path(config: Config) -> Path:
    return config.paths.database.with_name(config.paths.database.name + ".lock")


def heartbeat_path(config: Config) -> Path:
    return config.paths.database.with_name(config.paths.database.stem + ".etat.json")


@contextmanager
def hold_lock(path: Path) -> Iterator[IO[str]]:
    """An exclusive lock for the daemon's life; a second daemon gets :class:`AlreadyRunning`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "?"
        handle.close()
        raise AlreadyRunning(
            f"un autre « dossiers watch » (pid {holder}) travaille déjà sur cette base "
            f"({path.with_suffix('')}) ; arrêtez-le d'abord, un seul à la fois."
        ) from None
    handle.truncate(0)
    handle.write(str(os.getpid()))
    handle.flush()
    try:
        yield handle
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()
