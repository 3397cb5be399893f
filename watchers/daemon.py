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

Faults of the environment (the OCR engine missing or failing, a worker killed, a full
disk, the database locked by another program) set nothing aside: the file stays in the
share and is tried again every ``[watch] retry_minutes``. Each fault is an episode, said
once in the log when it begins and once when a file that waited for it goes through, and
shown in the heartbeat meanwhile (``dossiers status``).

A file whose reader dies, or is still reading it ``[watch] max_minutes_per_file`` after a
worker began it, is read again alone; if that ends the same way, a worker sets it aside (its
bytes archived); if that ends badly too, the main process records it as set aside without
reading a byte of it. Whatever one file does, the main process never parses or hashes it.
The strikes are kept in the database: a restart goes on from them.
"""

from __future__ import annotations

import fcntl
import json
import logging
import multiprocessing
import os
import resource
import signal
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from pipeline import archive, digest_send, rematch, runner, safetext, sharefiles
from pipeline.bpf import run as bpf_run
from pipeline.config import Config, load_config
from pipeline.errors import (
    DocumentError,
    EnvironmentFault,
    FileTooLarge,
    OcrUnavailable,
    UnreadableFile,
    UsageError,
)
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
    faults: int = 0  # attempts that failed for a fault of the environment
    last_file: str = ""
    fault: str = ""  # the faults going on now, in French ("" when none)
    fault_since: str = ""  # when the oldest of them began
    waiting: int = 0  # files waiting for the environment to be repaired
    last_fault: str = ""  # the last fault seen, kept after it cleared
    last_fault_at: str = ""


#: What a worker that died reports (killed, out of memory, a crash inside Tesseract).
WORKER_DIED = "processus de lecture"

#: Strikes against a file once it is given up on: its reading ended badly twice, then
#: setting it aside too; recorded without being read, not offered again while unchanged.
GIVEN_UP = 3


@dataclass
class Episode:
    """One fault of the environment, from its first failed file to its first success."""

    kind: str
    message: str
    since: str
    paths: set[Path] = field(default_factory=set)


# -- worker processes ---------------------------------------------------------------------

_WORKER: runner.Context | None = None
_STARTS: Connection | None = None  # where the worker says when it starts each task

#: What a worker says as it starts a task: the task's number and its monotonic clock.
START = struct.Struct("=qd")


def _worker_init(config_path: str, starts: Connection | None = None) -> None:
    """Each worker: its own config, database connection and OCR engine; stops are the main's.

    Ctrl-C (sent to the terminal's whole process group) is left to the main process, which
    lets the files being read finish. SIGTERM keeps its default, ending the worker at once:
    it is how a pool whose worker died stops the others (Python 3.13, Debian 13, waits for
    them while holding the pool's lock, so a worker ignoring it would hang the daemon).
    A missing OCR engine is not reported here (the main process reports the fault once,
    when a scan needs it); the worker tries to open it again later.
    """
    global _WORKER, _STARTS
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _STARTS = starts
    logging.basicConfig(level=logging.WARNING, format=safetext.LOG_FORMAT)  # spawned: none yet
    safetext.install_log_filter()  # a name in a worker's warning cannot forge a record either
    config = load_config(Path(config_path))
    _limit_memory(config.watch.worker_memory_mb)
    store = Store(config.paths.database, config.paths.database_timeout)
    _WORKER = runner.Context(config=config, store=store, ocr=_open_engine(config))


def _run_task(task: int, work: Callable[..., dict[str, Any]], *args: str) -> dict[str, Any]:
    """One task in a worker, said started first: its time limit counts from now, not from
    when it was handed out (it may have waited behind a slow file)."""
    if _STARTS is not None:
        _STARTS.send_bytes(START.pack(task, time.monotonic()))  # one small write: atomic
    return work(*args)


def _limit_memory(megabytes: int) -> None:
    """Cap this worker's heap (RLIMIT_DATA: allocations past it fail in this process only).

    A file needing more than the intake limits foresaw then fails with MemoryError and is
    set aside, instead of the kernel killing a process of the machine to make room.
    """
    if megabytes:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _open_engine(config: Config) -> TesserocrEngine | None:
    try:
        return TesserocrEngine(config.ocr)
    except OcrUnavailable as exc:
        log.debug("moteur OCR indisponible : %s", exc)
        return None


def _worker_context() -> runner.Context:
    """The worker's context, with the OCR engine opened again if it was missing or failed.

    Trying costs a few file lookups while the language data is missing; files wait
    ``retry_minutes`` between tries anyway.
    """
    global _WORKER
    assert _WORKER is not None, "worker not initialised"
    if _WORKER.ocr is None:
        _WORKER = replace(_WORKER, ocr=_open_engine(_WORKER.config))
    return _WORKER


def _drop_engine() -> None:
    """After the engine failed mid-page: close it; the next retry opens a fresh one."""
    global _WORKER
    if _WORKER is not None and _WORKER.ocr is not None:
        try:
            _WORKER.ocr.close()
        except Exception:  # noqa: BLE001 - a broken engine may fail to close too
            log.debug("fermeture du moteur OCR", exc_info=True)
        _WORKER = replace(_WORKER, ocr=None)


def _worker_process(path: str) -> dict[str, Any]:
    """Process one file in a worker; the result travels back as plain data."""
    try:
        outcome = runner.process(Path(path), _worker_context())
    except EnvironmentFault as exc:
        if isinstance(exc, OcrUnavailable):
            _drop_engine()
        return {"path": path, "fault": str(exc), "kind": exc.kind}
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


def _worker_give_up(path: str, how: str) -> dict[str, Any]:
    """Set aside, in a worker, a file whose reading ended badly twice (its bytes archived).

    Run in a worker because recording it reads it (hash, archive copy): whatever the file
    does then, the main process goes on.
    """
    ctx = _worker_context()
    error = give_up_error(how, ctx.config.watch.max_minutes_per_file)
    try:
        outcome = runner.give_up(Path(path), ctx, error)
    except EnvironmentFault as exc:
        return {"path": path, "fault": str(exc), "kind": exc.kind}
    return {"path": path, "rel": outcome.rel, "skipped": False, "reason": outcome.reason,
            "entrepreneur": outcome.doc.source.entrepreneur, "parts": []}  # fmt: skip


def give_up_error(how: str, minutes: float, archived: bool = True) -> DocumentError:
    """Why a file whose reading ended badly twice, read alone, is set aside (``how``:
    ``long`` stopped for running too long, ``mort`` its reader died); ``archived``: False
    when setting it aside ended badly too, so that it was recorded without being read."""
    if how == "long":
        return FileTooLarge(
            f"lecture arrêtée deux fois après {minutes:g} min : fichier trop long à lire ; "
            + ("" if archived else "ni lu ni copié dans l'archive (sa mise de côté s'est "
               "arrêtée aussi) ; ")
            + "scindez-le ou déposez une version plus légère"
        )  # fmt: skip
    if archived:
        return UnreadableFile(
            "le fichier a fait s'arrêter brutalement le lecteur deux fois, lu seul : "
            "il est conservé dans l'archive ; vérifiez-le, puis déposez-en une autre version"
        )
    return UnreadableFile(
        "le fichier a fait s'arrêter brutalement le lecteur deux fois, lu seul, puis sa mise "
        "de côté : il n'est ni lu ni copié dans l'archive ; vérifiez-le dans le partage, puis "
        "déposez-en une autre version"
    )


# -- the daemon -----------------------------------------------------------------------------


class Daemon:
    """The watch loop. ``run()`` until ``stop`` is set; ``run_once()`` for one full pass."""

    def __init__(
        self,
        config: Config,
        *,
        now: Callable[[], datetime] = datetime.now,
        worker: Callable[[str], dict[str, Any]] = _worker_process,
        give_up: Callable[[str, str], dict[str, Any]] = _worker_give_up,
    ) -> None:
        self.config = config
        self.worker = worker  # what a worker process runs on a path (tests inject faults)
        self.give_up = give_up  # what it runs to set aside a file given up on
        self.pool: ProcessPoolExecutor | None = None
        self.pool_first_task = 1  # the number of the first task handed to this pool
        self.pool_broken = False  # one of its workers died or was ended: replace it
        self.starts: Connection | None = None  # where workers say when they start a task
        self.starts_writer: Connection | None = None  # their end of it
        self.task_number = 0
        self.secrets: dict[str, str] = {}  # kept from the environment the workers inherit
        self.episodes: dict[str, Episode] = {}  # the faults of the environment going on
        self.once = False
        self.settings = config.watch
        self.now = now
        self.stop = threading.Event()
        self.counters = Counters(started=now().isoformat(timespec="seconds"))
        self.queue: deque[Path] = deque()
        self.queued: set[Path] = set()
        self.in_flight: dict[Future[dict[str, Any]], Path] = {}
        self.retry_after: dict[Path, float] = {}
        self.submitted: dict[Path, float] = {}  # when each file in flight was handed out
        self.tasks: dict[int, Future[dict[str, Any]]] = {}  # in flight, by task number
        self.task_of: dict[Future[dict[str, Any]], int] = {}
        self.started: dict[Future[dict[str, Any]], float] = {}  # when a worker began each
        self.giving_up: set[Future[dict[str, Any]]] = set()  # tasks setting a file aside
        self.recovered_at: dict[str, float] = {}  # when each kind of fault last ended
        self.dirty_people: dict[str, float] = {}
        self._beat = 0.0  # when the heartbeat file was last written
        self._beat_failed = False  # the last heartbeat could not be written (said once)
        self.share_pending = 0  # files the watcher saw but that are not settled yet
        self.idle_since_start = False  # the start-up scan is over and nothing is left to do
        self.unreadable_folders: list[dict[str, str]] = []  # folders the share refuses to list
        # Files whose reading ended with its worker dead or stopped for running too long:
        # read again alone (nothing else in flight), set aside if it happens again then (in a
        # worker too; if that also ends badly, recorded without being read). The strikes are
        # kept in the database, so that a restart does not read such a file for ever.
        self.suspects: deque[Path] = deque()
        self.strikes: dict[Path, tuple[int, str]] = {}  # suspect -> (count, "long" or "mort")
        self.alone: Path | None = None  # the suspect being read alone
        self.overran: set[Path] = set()  # stopped for running too long (workers ended)

    # -- entry points ----------------------------------------------------------------------

    def run(self) -> None:
        """Watch until :attr:`stop` is set (SIGTERM, Ctrl-C), then stop cleanly."""
        with self._resources() as (store, jobs), self._share() as share:
            self._rematch_pending(store)
            share.scan()
            jobs.run_due()  # a job whose time passed while the daemon was stopped
            last_scan = time.monotonic()
            while not self.stop.is_set():
                self._enqueue(share.poll() + share.conflicts(), store)
                self.unreadable_folders = share.unreadable_folders()
                if time.monotonic() - last_scan > self.settings.rescan_minutes * 60:
                    self._rematch_pending(store)
                    share.scan()
                    last_scan = time.monotonic()
                self._step(store)
                jobs.run_pending()
                share.wait(0.5 if not self.in_flight else 0.1)
            self._drain(store, grace=self.settings.shutdown_grace)

    def run_once(self) -> Counters:
        """One full pass: every file of the share not yet recorded, then the due jobs.

        A file that meets a fault of the environment is tried once and left for the next
        pass (counted in ``faults``): a pass always ends.
        """
        self.once = True
        with self._resources() as (store, jobs):
            self._rematch_pending(store)
            self._enqueue(self._settled_files(), store)
            while (self.queue or self.in_flight or self.suspects) and not self.stop.is_set():
                self._step(store)
                time.sleep(0.05)
            self._drain(store, grace=self.settings.shutdown_grace)
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
    def _resources(self) -> Iterator[tuple[Store, Jobs]]:
        with hold_lock(lock_path(self.config)):
            swept = archive.sweep_temporaries(self.config.paths.archive)
            # The heartbeat's own interrupted write (a kill -9 mid-write), beside the database;
            # only this daemon writes there, and it holds the lock.
            beat = heartbeat_path(self.config).parent
            swept += archive.sweep_temporaries(beat, recursive=False)
            if swept:
                log.info("%d fichier(s) temporaire(s) d'un arrêt brutal supprimé(s)", swept)
            os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # see TECH-NOTES: oversubscription
            with (
                self._workers(),
                Store(self.config.paths.database, self.config.paths.database_timeout) as store,
            ):
                store.sync_entrepreneurs(self.config.people)
                try:
                    yield store, self._jobs(store)
                finally:
                    self._heartbeat(store, final=True)

    @contextmanager
    def _workers(self) -> Iterator[None]:
        """The pool of workers, started without the secrets of the configuration (the SMTP
        password): the main process keeps them, the workers reading hostile files never
        see them, not even in ``/proc/PID/environ``."""
        self.starts, self.starts_writer = multiprocessing.get_context("spawn").Pipe(False)
        with withheld_secrets(self.config) as self.secrets:
            self.pool = self._new_pool()
            try:
                yield
            finally:
                self.pool.shutdown(wait=True, cancel_futures=True)
                self.starts.close()
                self.starts_writer.close()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.settings.workers,
            mp_context=multiprocessing.get_context("spawn"),  # no fork of watcher threads
            initializer=_worker_init,
            initargs=(str(self.config.file), self.starts_writer),
        )

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
        mailer = SmtpMailer(self.config.smtp, environ={**os.environ, **self.secrets})

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

    def _rematch_pending(self, store: Store) -> None:
        """Finish the matching an invoice import left undone (killed before it): the rows
        stay in the database until done, so a failure here is tried again at the next scan."""
        context = runner.Context(config=self.config, store=store, ocr=None, clock=self.now)
        try:
            people = [who for who, _ in store.rematch_pending()]
            if people and rematch.pending(context):
                for who in people:  # their status pages show where the documents went
                    self.dirty_people.setdefault(who, time.monotonic())
        except Exception:  # the daemon goes on; the pending rows wait for the next scan
            log.exception("rapprochement après import des factures non terminé ; nouvel essai")

    # -- the loop's steps ------------------------------------------------------------------

    def _enqueue(self, paths: list[Path], store: Store) -> None:
        for path in paths:
            if path in self.queued or path in self.in_flight.values() or path in self.suspects:
                continue
            found = self._stat(path)
            if found is not None and store.known(*found):
                continue
            strikes = store.strikes(*found) if found is not None else None
            if strikes is None:
                self.queue.append(path)
                self.queued.add(path)
            elif strikes[0] < GIVEN_UP:  # struck before a restart: read alone, as before it
                self.strikes[path] = strikes
                self.suspects.append(path)
            # else: given up on and recorded without being read; offered again once changed

    def _stat(self, path: Path) -> tuple[str, int, int] | None:
        """The file's place in the share, size and modification time (the link itself, if it
        is one: nothing is read, nothing followed); None if it is gone or outside the share."""
        drop = os.path.abspath(self.config.paths.drop)
        try:
            stat = path.lstat()
            rel = Path(os.path.abspath(path)).relative_to(drop).as_posix()
        except (OSError, ValueError):
            return None
        return rel, stat.st_size, stat.st_mtime_ns

    def _step(self, store: Store) -> None:
        self._read_starts()
        self._stop_overruns()
        self._collect(store, timeout=0)
        self._dispatch()
        self._write_status(store)
        self._heartbeat(store)

    def _dispatch(self) -> None:
        """Keep every worker busy plus one file each in line (no more: stops stay quick).

        A suspect file due again is read alone: nothing more is handed out until the
        files in flight are done, then it goes, and nothing goes with it. A suspect struck
        twice is set aside, alone too.
        """
        now = time.monotonic()
        if self.alone is not None:
            return
        due = next((p for p in self.suspects if self.retry_after.get(p, 0) <= now), None)
        if due is not None:
            if not self.in_flight:
                self.suspects.remove(due)
                self.alone = due
                count, how = self.strikes.get(due, (1, "mort"))
                self._submit(due, give_up=how if count >= 2 else None)
            return
        for _ in range(len(self.queue)):
            if len(self.in_flight) >= 2 * self.settings.workers:
                return
            path = self.queue.popleft()
            if self.retry_after.get(path, 0) > now:
                self.queue.append(path)  # an OCR fault: wait before trying again
                continue
            self.queued.discard(path)
            self._submit(path)

    def _submit(self, path: Path, give_up: str | None = None) -> None:
        """Hand a file to a worker (to read it, or to set it aside after ``give_up``: how its
        readings ended); a pool broken by a dead worker is replaced first."""
        assert self.pool is not None, "no pool outside _resources"
        self.task_number += 1
        task = self.task_number
        work: tuple[Any, ...] = (self.give_up, str(path), give_up) if give_up else (
            self.worker, str(path))  # fmt: skip
        if self.pool_broken:  # not handed to a pool about to fail all it holds
            self._renew_pool(task)
        try:
            future = self.pool.submit(_run_task, task, *work)
        except BrokenProcessPool:
            self._renew_pool(task)
            future = self.pool.submit(_run_task, task, *work)
        self.in_flight[future] = path
        self.tasks[task] = future
        self.task_of[future] = task
        self.submitted[path] = time.monotonic()
        if give_up:
            self.giving_up.add(future)

    def _renew_pool(self, first_task: int) -> None:
        assert self.pool is not None, "no pool outside _resources"
        log.info("processus de lecture relancés après l'arrêt brutal de l'un d'eux")
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new_pool()
        self.pool_first_task, self.pool_broken = first_task, False

    def _read_starts(self) -> None:
        """Note when workers began the tasks they said they began (the time limit's start)."""
        while self.starts is not None and self.starts.poll():
            task, at = START.unpack(self.starts.recv_bytes())
            future = self.tasks.get(task)
            if future is not None:
                self.started[future] = at

    def _collect(self, store: Store, timeout: float) -> None:
        if not self.in_flight:
            return
        done, _ = wait(list(self.in_flight), timeout=timeout, return_when=FIRST_COMPLETED)
        for future in done:
            path = self.in_flight.pop(future)
            task = self.task_of.pop(future, 0)
            self.tasks.pop(task, None)
            self.started.pop(future, None)
            broken = not future.cancelled() and isinstance(future.exception(), BrokenProcessPool)
            self.pool_broken |= broken and task >= self.pool_first_task
            self._handle(path, future, store)
        if not self.in_flight:
            self.overran.clear()

    def _handle(self, path: Path, future: Future[dict[str, Any]], store: Store) -> None:
        alone = self.alone == path
        if alone:
            self.alone = None
        giving_up = future in self.giving_up
        self.giving_up.discard(future)
        try:
            result = future.result()
        except Exception as exc:  # a worker died (killed, out of memory, stopped by us)
            log.debug("échec du processus de lecture pour %s", path, exc_info=True)
            if self.overran and path not in self.overran:
                # Its worker was ended with the one reading a file for too long: not its fault.
                self.submitted.pop(path, None)
                self._enqueue_again(path)
                return
            how = "long" if path in self.overran else "mort"
            if giving_up:  # setting it aside ended badly too: recorded without reading it
                self._record_unread(path, self.strikes.get(path, (2, how))[1], store)
                return
            count = self._strike(path, how, store)
            if alone and count >= 2:
                self.suspects.appendleft(path)  # set aside next, by a worker, alone
                self.retry_after.pop(path, None)
                return
            minutes = self.settings.max_minutes_per_file
            detail = (
                f"lecture de « {path.name} » arrêtée après {minutes:g} min"
                if how == "long"
                else f"un processus de lecture s'est arrêté brutalement ({type(exc).__name__})"
            )
            result = {"path": str(path), "fault": detail, "kind": WORKER_DIED}
        if "fault" in result:
            self._fault(path, result["kind"], result["fault"])
            return
        self.retry_after.pop(path, None)
        self.submitted.pop(path, None)
        if self.strikes.pop(path, None) is not None:
            store.clear_strikes(result["rel"])
        if giving_up:
            self._forget_episodes(path)
        else:
            self._recovered(path)
        self._count(result)

    def _strike(self, path: Path, how: str, store: Store) -> int:
        """One more strike against a file whose reading ended badly; kept in the database
        (when the file is still there) so that a restart goes on from it."""
        found = self._stat(path)
        if found is None:
            count = self.strikes.get(path, (0, how))[0] + 1
        else:
            count = store.strike(*found, how, self.now())
        self.strikes[path] = (count, how)
        return count

    def _stop_overruns(self) -> None:
        """End the workers when one has been reading a file for too long (a pathological
        page, a loop): its file becomes a suspect, the others in flight go back in line.

        The time counts from when a worker began the file, not from when it was handed out.
        """
        limit = self.settings.max_minutes_per_file * 60
        now = time.monotonic()
        late = {
            future: path for future, path in self.in_flight.items()
            if not future.done() and now - self.started.get(future, now) > limit
        }  # fmt: skip
        if not late or set(late.values()) <= self.overran:
            return
        self.overran |= set(late.values())
        minutes = self.settings.max_minutes_per_file
        for future, path in late.items():
            if future in self.giving_up:
                log.warning("mise de côté de « %s » arrêtée après %g min : le fichier est "
                            "enregistré sans être lu", path.name, minutes)  # fmt: skip
            elif path in self.strikes:
                log.warning("lecture de « %s » arrêtée après %g min, de nouveau : le fichier "
                            "sera mis de côté", path.name, minutes)  # fmt: skip
            else:
                log.warning("lecture de « %s » arrêtée après %g min : elle sera reprise seule",
                            path.name, minutes)  # fmt: skip
        for process in multiprocessing.active_children():  # the pool's workers
            process.kill()
        self.pool_broken = True

    def _record_unread(self, path: Path, how: str, store: Store) -> None:
        """Setting aside a file given up on ended badly too: record it as set aside, in this
        process, without reading a byte of it (no hash, no archive copy); it stays in the
        share, and is not offered again until it changes."""
        self.strikes.pop(path, None)
        self.submitted.pop(path, None)
        self.retry_after.pop(path, None)
        error = give_up_error(how, self.settings.max_minutes_per_file, archived=False)
        rel, size, mtime_ns = self._stat(path) or (self._rel(path), 0, 0)
        entrepreneur = runner.owner(rel, self.config)
        now = self.now()
        with store.transaction() as db:
            store.forget_unread(db, rel)
            file_id = store.add_file(
                db, rel=rel, entrepreneur=entrepreneur, sha256="", size=size, mtime_ns=mtime_ns,
                received_at=now.isoformat(), state="ecarte", reason=error.reason,
                detail=error.detail,
            )  # fmt: skip
            store.log(db, now, "fichier-ecarte", file_id=file_id, file=rel, reason=error.reason,
                      message=error.detail)  # fmt: skip
            store.set_strikes(db, rel, size, mtime_ns, GIVEN_UP, how, now)
        log.warning("« %s » écarté sans être lu : sa mise de côté s'est arrêtée aussi", rel)
        self._forget_episodes(path)
        self._count({"skipped": False, "rel": rel, "reason": str(error.reason),
                     "entrepreneur": entrepreneur, "parts": []})  # fmt: skip

    def _rel(self, path: Path) -> str:
        return Path(os.path.abspath(path)).relative_to(
            os.path.abspath(self.config.paths.drop)).as_posix()  # fmt: skip

    def _forget_episodes(self, path: Path) -> None:
        """A file given up on no longer waits for anything: faults it alone kept open end."""
        for kind, episode in list(self.episodes.items()):
            episode.paths.discard(path)
            if not episode.paths:
                del self.episodes[kind]
                log.info("panne (%s) close : son seul fichier a été écarté", kind)
        self._show_faults()

    def _fault(self, path: Path, kind: str, message: str) -> None:
        """A fault of the environment: nothing set aside; retried later; said once per episode."""
        self.counters.faults += 1
        self.counters.last_fault = f"{kind} : {message}"
        self.counters.last_fault_at = self.now().isoformat(timespec="seconds")
        handed_out = self.submitted.pop(path, 0.0)
        if kind not in self.episodes and handed_out < self.recovered_at.get(kind, -1.0):
            # Handed out before the fault was seen to end (a worker still without its engine):
            # the end of the episode, not a new one. Tried again at once.
            log.debug("%s : %s (reçu après la fin de la panne)", path.name, message)
            self._enqueue_again(path)
            return
        self._episode(kind, message).paths.add(path)
        self._show_faults()
        if path in self.strikes:
            # Read again alone: after the usual delay, or within this pass for --once.
            if not self.once:
                self.retry_after[path] = time.monotonic() + self.settings.retry_minutes * 60
            if path not in self.suspects:
                self.suspects.append(path)
        elif not self.once:
            self.retry_after[path] = time.monotonic() + self.settings.retry_minutes * 60
            self._enqueue_again(path)

    def _episode(self, kind: str, message: str) -> Episode:
        """The fault of this kind going on; a new one is said (once) as it begins."""
        episode = self.episodes.get(kind)
        if episode is None:
            episode = self.episodes[kind] = Episode(kind, message, self.counters.last_fault_at)
            if kind == WORKER_DIED:  # its files are read again one at a time
                when = "seuls" + (", dans ce passage" if self.once else (
                    f", dans {self.settings.retry_minutes:g} min"))  # fmt: skip
            else:
                when = "au prochain passage" if self.once else (
                    f"toutes les {self.settings.retry_minutes:g} min")  # fmt: skip
            log.warning("panne (%s) : %s ; les fichiers concernés restent dans le partage et "
                        "seront repris %s", kind, message, when)  # fmt: skip
        return episode

    def _recovered(self, path: Path) -> None:
        """A file that waited for a fault went through: the fault is over; said once."""
        for kind, episode in list(self.episodes.items()):
            if path not in episode.paths:
                continue
            del self.episodes[kind]
            self.recovered_at[kind] = time.monotonic()
            waiting = episode.paths - {path}
            for other in waiting:
                self.retry_after.pop(other, None)  # repaired: no need to wait any longer
            log.warning("%s de nouveau disponible : %d fichier(s) en attente repris",
                        kind, len(waiting))  # fmt: skip
        self._show_faults()

    def _show_faults(self) -> None:
        """The heartbeat's view of the faults going on (``dossiers status`` shows it)."""
        episodes = list(self.episodes.values())
        fault = " ; ".join(f"{e.kind} : {e.message}" for e in episodes)
        if fault != self.counters.fault:
            self._beat = 0.0  # a fault began or ended: the heartbeat says so at the next step
        self.counters.fault = fault
        self.counters.fault_since = min((e.since for e in episodes), default="")
        self.counters.waiting = len(set().union(*(e.paths for e in episodes)))

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

    def _drain(self, store: Store, grace: float) -> None:
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
        waiting = (*self.queue, *self.suspects)
        ready = any(self.retry_after.get(p, 0) <= now for p in waiting)  # not waiting a fault
        idle = not (ready or self.in_flight or self.share_pending)
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
        try:
            archive.replace_atomic(heartbeat_path(self.config), data)
        except OSError as exc:  # a full disk must not stop the watching; said once
            if not self._beat_failed:
                log.warning("fichier d'état %s non écrit : %s", heartbeat_path(self.config), exc)
            self._beat_failed = True
            return
        self._beat_failed = False

    def _settled_files(self) -> list[Path]:
        """For ``--once``: every file not modified in the last ``settle_seconds`` that opens."""
        found = one_pass(self.config.paths.drop, self.settings.settle_seconds,
                         self.settings.unreadable_after_seconds)  # fmt: skip
        self.unreadable_folders = found.unreadable_folders
        return found.files


# -- secrets -----------------------------------------------------------------------------------


def secret_names(config: Config) -> set[str]:
    """The environment variables the configuration names as holding secrets (``*_env``)."""
    names = set()
    for section in vars(config).values():
        if isinstance(section, BaseModel):
            for key in type(section).model_fields:
                value = getattr(section, key)
                if key.endswith("_env") and isinstance(value, str) and value:
                    names.add(value)
    return names


@contextmanager
def withheld_secrets(config: Config) -> Iterator[dict[str, str]]:
    """Out of this process's environment (so of the processes it starts) meanwhile; yields
    them for the code that needs them (the mailer)."""
    secrets = {name: os.environ.pop(name) for name in secret_names(config) if name in os.environ}
    try:
        yield secrets
    finally:
        for name, value in secrets.items():
            os.environ.setdefault(name, value)


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
