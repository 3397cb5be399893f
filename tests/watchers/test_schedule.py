"""Daily jobs: caught up at start-up, never twice a day, failures retried without stopping."""

from __future__ import annotations

from datetime import datetime, time

from pipeline.store import Store
from watchers.schedule import Job, Jobs, latest_moment


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_job_missed_while_stopped_runs_at_start_up(store: Store) -> None:
    runs: list[str] = []
    clock = Clock(datetime(2026, 11, 23, 10, 0))  # the machine was off at 08:00
    jobs = Jobs([Job("digest", time(8, 0), lambda: runs.append("x"))], store, clock, 15)
    jobs.run_due()
    assert runs == ["x"]


def test_restart_after_a_run_does_not_run_it_again_the_same_day(store: Store) -> None:
    runs: list[str] = []
    clock = Clock(datetime(2026, 11, 23, 8, 30))
    job = Job("digest", time(8, 0), lambda: runs.append("x"))
    Jobs([job], store, clock, 15).run_due()
    Jobs([job], store, clock, 15).run_due()  # a restart: a new Jobs on the same database
    clock.now = datetime(2026, 11, 24, 8, 1)
    Jobs([job], store, clock, 15).run_due()  # the next day it is due again
    assert runs == ["x", "x"]


def test_job_before_its_time_is_not_due(store: Store) -> None:
    clock = Clock(datetime(2026, 11, 23, 7, 59))
    jobs = Jobs([Job("digest", time(8, 0), lambda: None)], store, clock, 15)
    assert jobs.due() == []


def test_working_days_only_skips_the_weekend(store: Store) -> None:
    clock = Clock(datetime(2026, 11, 22, 9, 0))  # a Sunday
    jobs = Jobs([Job("digest", time(8, 0), lambda: None, working_days_only=True)], store,
                clock, 15)  # fmt: skip
    assert jobs.due() == []


def test_failing_job_is_logged_retried_and_recorded_once_it_succeeds(store: Store) -> None:
    attempts: list[int] = []

    def flaky() -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionRefusedError("SMTP indisponible")

    clock = Clock(datetime(2026, 11, 23, 8, 0))
    jobs = Jobs([Job("digest", time(8, 0), flaky)], store, clock, retry_minutes=0.01)
    assert jobs.attempt(jobs.jobs[0]) is False  # failed: a retry is scheduled
    assert jobs.due() != []
    jobs.scheduler.run_all()  # the retry fires (run_all ignores the delay)
    assert len(attempts) == 2 and jobs.due() == []
    assert store.last_event_at("tache-executee", job="digest") == clock.now


def test_back_off_doubles_the_delay_up_to_retry_minutes(store: Store) -> None:
    def down() -> None:
        raise ConnectionRefusedError("SMTP indisponible")

    clock = Clock(datetime(2026, 11, 23, 8, 0))
    job = Job("digest", time(8, 0), down, retry_first=60)
    jobs = Jobs([job], store, clock, retry_minutes=5)
    delays = []
    for _ in range(5):
        jobs.attempt(job)
        delays.append(jobs.retries["digest"].interval)
    assert delays == [60, 120, 240, 300, 300]
    assert len(jobs.scheduler.jobs) == 2  # the daily run and one retry, never a pile of them


def test_caught_up_job_missed_yesterday_is_still_due_after_midnight(store: Store) -> None:
    runs: list[str] = []
    clock = Clock(datetime(2026, 11, 24, 2, 0))  # Tuesday night; Monday's run never succeeded
    job = Job("digest", time(8, 0), lambda: runs.append("x"), working_days_only=True,
              catch_up=True)  # fmt: skip
    Jobs([job], store, clock, 15).run_due()
    Jobs([job], store, clock, 15).run_due()
    assert runs == ["x"]
    assert latest_moment(time(8, 0), clock.now, True) == datetime(2026, 11, 23, 8, 0)
    monday = datetime(2026, 11, 30, 7, 0)  # before Monday's time: Friday's is the latest
    assert latest_moment(time(8, 0), monday, True) == datetime(2026, 11, 27, 8, 0)
