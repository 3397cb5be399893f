"""Daily jobs inside the daemon, remembered in the event log.

A job runs at its time of day (on working days if asked). Its successful runs are
recorded in the database, so a job whose time passed while the daemon was stopped
(machine off, restart) runs at start-up, and a restart never runs it twice the
same day. A job that fails is logged and retried after ``retry_minutes``; it never
stops the watching. A job may ask for a back-off instead (``retry_first``: the first
retry after that many seconds, each next one twice as late, up to ``retry_minutes``),
and to be caught up (``catch_up``): a day whose run never succeeded is still owed the
next day, even before that day's own time (the digest: sent late, never lost).

The wall clock may jump (an NTP correction, a virtual machine resumed days later):
whether a job is due is decided from the injected clock and the recorded runs only,
so a jump forward over several days runs a job once, not once per missed day, and a
jump back never repeats a run. Retries wait on the monotonic clock, which never jumps.
"""

from __future__ import annotations

import logging
import sqlite3
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from pipeline.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str  # stable: recorded in the event log
    at: time
    run: Callable[[], None]
    working_days_only: bool = False
    catch_up: bool = False  # a day missed is still owed after midnight
    retry_first: float | None = None  # seconds before the first retry, then doubled


def latest_moment(at: time, now: datetime, working_days_only: bool) -> datetime | None:
    """The latest scheduled moment at or before ``now`` within a week (None if none)."""
    for back in range(8):
        day = now.date() - timedelta(days=back)
        if working_days_only and day.weekday() >= 5:
            continue
        moment = datetime.combine(day, at)
        if moment <= now:
            return moment
    return None


@dataclass(frozen=True)
class Retry:
    """The one retry waiting for a job: after ``delay`` seconds, at monotonic ``deadline``."""

    delay: int
    deadline: float


class Jobs:
    """The daemon's daily jobs, their catch-up at start-up and their retries.

    ``now`` is the wall clock (times of day, recorded runs); ``monotonic`` times retries
    and how often due jobs are looked for (every ``check_seconds``).
    """

    def __init__(
        self, jobs: list[Job], store: Store, now: Callable[[], datetime], retry_minutes: float,
        monotonic: Callable[[], float] = clock.monotonic, check_seconds: float = 20.0,
    ) -> None:  # fmt: skip
        self.jobs = jobs
        self.store = store
        self.now = now
        self.monotonic = monotonic
        self.retry_minutes = retry_minutes
        self.check_seconds = check_seconds
        self.failures: dict[str, int] = {}  # consecutive failures per job (back-off)
        self.retries: dict[str, Retry] = {}  # the one retry waiting per job
        self.ran: dict[str, datetime] = {}  # this daemon's last run of each job (database down)
        self._next_check = monotonic()

    def run_pending(self) -> None:
        """Called often by the daemon's loop: retries whose delay passed, then due jobs."""
        now = self.monotonic()
        for name, retry in list(self.retries.items()):
            if now >= retry.deadline:
                self.run_retry(name)
        if now >= self._next_check:
            self._next_check = now + self.check_seconds
            for job in self.due():
                if job.name not in self.retries:  # a failed job waits for its retry
                    self.attempt(job)

    def run_retry(self, name: str) -> None:
        """Fire the retry waiting for job ``name`` now (the loop does it once its delay passed)."""
        self.retries.pop(name, None)
        job = next(j for j in self.jobs if j.name == name)
        if self._is_due(job, self.now()):
            self.attempt(job)

    def due(self) -> list[Job]:
        """Jobs whose time has come (today, or an owed earlier day) and not succeeded since."""
        now = self.now()
        return [j for j in self.jobs if self._is_due(j, now)]

    def run_due(self) -> None:
        for job in self.due():
            self.attempt(job)

    def attempt(self, job: Job) -> bool:
        """Run a job once; on failure, log it and retry later. True if it succeeded."""
        try:
            job.run()
        except Exception:  # a job's failure must never stop the watching
            self.failures[job.name] = self.failures.get(job.name, 0) + 1
            delay = self.retry_delay(job)
            log.exception("la tâche « %s » a échoué ; nouvel essai dans %s s", job.name, delay)
            self.retries[job.name] = Retry(delay, self.monotonic() + delay)
            return False
        self.failures.pop(job.name, None)
        self.retries.pop(job.name, None)
        self._record(job, self.now())
        log.info("tâche « %s » exécutée", job.name)
        return True

    def retry_delay(self, job: Job) -> int:
        """Seconds before the next retry: ``retry_first`` doubled at each failure in a row,
        never more than ``retry_minutes``; ``retry_minutes`` for jobs without back-off."""
        ceiling = self.retry_minutes * 60
        if job.retry_first is None:
            return max(1, round(ceiling))
        failures = max(1, self.failures.get(job.name, 1))
        return max(1, round(min(ceiling, job.retry_first * 2 ** min(failures - 1, 30))))

    def _record(self, job: Job, at: datetime, **detail: str) -> None:
        """Note a run in the event log (and here, should the database be locked)."""
        self.ran[job.name] = at
        try:
            with self.store.transaction() as db:
                self.store.log(db, at, "tache-executee", job=job.name, **detail)
        except sqlite3.Error as exc:  # locked by another program: remembered here meanwhile
            log.warning("tâche « %s » non notée dans la base (%s)", job.name, exc)

    def _last_run(self, job: Job, now: datetime) -> datetime | None:
        """When the job last ran. A run recorded on a later day means the clock went back
        by days: that run counts as today's (recorded again today), so it is neither
        repeated today nor owed to no one until the clock catches up with the record."""
        last = self.store.last_run("tache-executee", job=job.name)
        mine = self.ran.get(job.name)
        if mine is not None and (last is None or last < mine):
            last = mine  # a run the database could not record (it was locked)
        if last is None or last.date() <= now.date():
            return last
        log.warning("l'horloge a reculé (tâche « %s » notée le %s, il est %s) : elle compte "
                    "comme faite aujourd'hui", job.name, last.isoformat(timespec="minutes"),
                    now.isoformat(timespec="minutes"))  # fmt: skip
        today = max(now, datetime.combine(now.date(), job.at))
        self._record(job, today, horloge=f"reculée ; exécution notée le {last.isoformat()}")
        return today

    def _is_due(self, job: Job, now: datetime) -> bool:
        if job.catch_up:
            found = latest_moment(job.at, now, job.working_days_only)
            if found is None:
                return False
            moment = found
        else:
            if job.working_days_only and now.weekday() >= 5:
                return False
            moment = datetime.combine(now.date(), job.at)
            if now < moment:
                return False
        last = self._last_run(job, now)
        return last is None or last < moment
