"""Daily jobs inside the daemon: timed with ``schedule``, remembered in the event log.

A job runs at its time of day (on working days if asked). Its successful runs are
recorded in the database, so a job whose time passed while the daemon was stopped
(machine off, restart) runs at start-up, and a restart never runs it twice the
same day. A job that fails is logged and retried after ``retry_minutes``; it never
stops the watching.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

import schedule

from pipeline.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str  # stable: recorded in the event log
    at: time
    run: Callable[[], None]
    working_days_only: bool = False


class Jobs:
    """The daemon's daily jobs, their catch-up at start-up and their retries."""

    def __init__(self, jobs: list[Job], store: Store, now: Callable[[], datetime],
                 retry_minutes: float) -> None:  # fmt: skip
        self.jobs = jobs
        self.store = store
        self.now = now
        self.retry_minutes = retry_minutes
        self.scheduler = schedule.Scheduler()
        for job in jobs:
            self.scheduler.every().day.at(job.at.strftime("%H:%M")).do(self._timed, job)

    def run_pending(self) -> None:
        self.scheduler.run_pending()

    def due(self) -> list[Job]:
        """Jobs whose time has come today and that have not succeeded since."""
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
            log.exception("la tâche « %s » a échoué ; nouvel essai dans %s min",
                          job.name, self.retry_minutes)  # fmt: skip
            self.scheduler.every(max(1, round(self.retry_minutes * 60))).seconds.do(
                self._retry, job
            )
            return False
        with self.store.transaction() as db:
            self.store.log(db, self.now(), "tache-executee", job=job.name)
        log.info("tâche « %s » exécutée", job.name)
        return True

    def _timed(self, job: Job) -> None:
        if self._is_due(job, self.now()):
            self.attempt(job)

    def _retry(self, job: Job) -> type[schedule.CancelJob]:
        if self._is_due(job, self.now()):
            self.attempt(job)
        return schedule.CancelJob  # one retry per failure; a new failure schedules the next

    def _is_due(self, job: Job, now: datetime) -> bool:
        if job.working_days_only and now.weekday() >= 5:
            return False
        moment = datetime.combine(now.date(), job.at)
        if now < moment:
            return False
        last = self.store.last_event_at("tache-executee", job=job.name)
        return last is None or last < moment
