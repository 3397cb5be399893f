"""Daily jobs inside the daemon: timed with ``schedule``, remembered in the event log.

A job runs at its time of day (on working days if asked). Its successful runs are
recorded in the database, so a job whose time passed while the daemon was stopped
(machine off, restart) runs at start-up, and a restart never runs it twice the
same day. A job that fails is logged and retried after ``retry_minutes``; it never
stops the watching. A job may ask for a back-off instead (``retry_first``: the first
retry after that many seconds, each next one twice as late, up to ``retry_minutes``),
and to be caught up (``catch_up``): a day whose run never succeeded is still owed the
next day, even before that day's own time (the digest: sent late, never lost).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import schedule

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


class Jobs:
    """The daemon's daily jobs, their catch-up at start-up and their retries."""

    def __init__(self, jobs: list[Job], store: Store, now: Callable[[], datetime],
                 retry_minutes: float) -> None:  # fmt: skip
        self.jobs = jobs
        self.store = store
        self.now = now
        self.retry_minutes = retry_minutes
        self.failures: dict[str, int] = {}  # consecutive failures per job (back-off)
        self.retries: dict[str, schedule.Job] = {}  # the one retry waiting per job
        self.scheduler = schedule.Scheduler()
        for job in jobs:
            self.scheduler.every().day.at(job.at.strftime("%H:%M")).do(self._timed, job)

    def run_pending(self) -> None:
        self.scheduler.run_pending()

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
            self._schedule_retry(job, delay)
            return False
        self.failures.pop(job.name, None)
        with self.store.transaction() as db:
            self.store.log(db, self.now(), "tache-executee", job=job.name)
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

    def _schedule_retry(self, job: Job, delay: int) -> None:
        waiting = self.retries.pop(job.name, None)
        if waiting is not None:
            self.scheduler.cancel_job(waiting)  # one retry at a time, at the latest delay
        self.retries[job.name] = self.scheduler.every(delay).seconds.do(self._retry, job)

    def _timed(self, job: Job) -> None:
        if self._is_due(job, self.now()):
            self.attempt(job)

    def _retry(self, job: Job) -> type[schedule.CancelJob]:
        self.retries.pop(job.name, None)  # this retry is done; a new failure schedules the next
        if self._is_due(job, self.now()):
            self.attempt(job)
        return schedule.CancelJob

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
        last = self.store.last_event_at("tache-executee", job=job.name)
        return last is None or last < moment
