"""Daily jobs: caught up at start-up, never twice a day, failures retried without stopping."""

from __future__ import annotations

from datetime import datetime, time

from pipeline.config import Config
from pipeline.store import Store
from watchers.daemon import Daemon
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
    jobs.run_retry("digest")  # the retry fires (as the loop does once its delay passed)
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
        delays.append(jobs.retries["digest"].delay)
    assert delays == [60, 120, 240, 300, 300]
    assert len(jobs.retries) == 1  # one retry waiting, never a pile of them


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


# -- the wall clock jumping -----------------------------------------------------------------


class Ticks:
    """A monotonic clock moved by hand: it never jumps, it only advances."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def runs_recorded(store: Store, name: str) -> int:
    return int(store.db.execute(
        "SELECT count(*) FROM events WHERE kind = 'tache-executee' "
        "AND json_extract(detail, '$.job') = ? AND json_extract(detail, '$.horloge') IS NULL",
        (name,),
    ).fetchone()[0])  # fmt: skip


def test_a_clock_jumping_back_hours_or_days_never_runs_a_job_twice(store: Store) -> None:
    runs: list[datetime] = []
    clock = Clock(datetime(2026, 11, 24, 8, 5))  # Tuesday
    job = Job("digest", time(8, 0), lambda: runs.append(clock.now), working_days_only=True,
              catch_up=True)  # fmt: skip
    ticks = Ticks()
    jobs = Jobs([job], store, clock, 15, monotonic=ticks, check_seconds=0)
    jobs.run_pending()
    for back in (
        datetime(2026, 11, 24, 6, 0),
        datetime(2026, 11, 24, 8, 1),  # NTP, same day
        datetime(2026, 11, 20, 9, 0),
        datetime(2026, 11, 20, 17, 0),
    ):  # 4 days back
        clock.now = back
        jobs.run_pending()
    assert runs == [datetime(2026, 11, 24, 8, 5)], "today's run is not repeated"
    clock.now = datetime(2026, 11, 23, 8, 30)  # the clock, set back, goes on: Monday is owed
    jobs.run_pending()
    jobs.run_pending()
    assert runs[1:] == [datetime(2026, 11, 23, 8, 30)]


def test_a_clock_jumping_forward_days_runs_each_job_once_not_once_per_missed_day(
    store: Store,
) -> None:
    runs: dict[str, int] = {"digest": 0, "etat": 0}
    clock = Clock(datetime(2026, 11, 23, 8, 30))
    jobs = Jobs([
        Job("digest", time(8, 0), lambda: runs.update(digest=runs["digest"] + 1),
            working_days_only=True, catch_up=True),
        Job("etat", time(6, 0), lambda: runs.update(etat=runs["etat"] + 1)),
    ], store, clock, 15, monotonic=Ticks(), check_seconds=0)  # fmt: skip
    jobs.run_pending()
    clock.now = datetime(2026, 11, 27, 10, 0)  # a virtual machine resumed four days later
    for _ in range(3):
        jobs.run_pending()
    assert runs == {"digest": 2, "etat": 2}
    assert runs_recorded(store, "digest") == 2


def test_a_retry_waits_on_the_monotonic_clock_whatever_the_wall_clock_does(store: Store) -> None:
    attempts: list[datetime] = []

    def flaky() -> None:
        attempts.append(clock.now)
        if len(attempts) == 1:
            raise ConnectionRefusedError("SMTP indisponible")

    clock = Clock(datetime(2026, 11, 23, 8, 0))
    ticks = Ticks()
    jobs = Jobs([Job("digest", time(8, 0), flaky, retry_first=60)], store, clock, 15,
                monotonic=ticks, check_seconds=0)  # fmt: skip
    jobs.run_pending()
    clock.now = datetime(2026, 11, 24, 8, 0)  # the wall clock leaps a day: no early retry
    jobs.run_pending()
    clock.now = datetime(2026, 11, 23, 5, 0)  # and back before 8:00: the retry is not lost
    ticks.now += 59
    jobs.run_pending()
    assert len(attempts) == 1
    clock.now = datetime(2026, 11, 23, 8, 1)
    ticks.now += 1
    jobs.run_pending()
    assert len(attempts) == 2 and jobs.retries == {} and jobs.due() == []


def test_the_daemon_s_daily_jobs_follow_its_clock_through_jumps(
    config: Config, store: Store
) -> None:
    clock = Clock(datetime(2026, 11, 23, 7, 0))
    jobs = Daemon(config, now=clock)._jobs(store)
    jobs.check_seconds = 0  # look for due jobs at every turn of the loop
    for now in (
        datetime(2026, 11, 23, 7, 0),
        datetime(2026, 11, 23, 7, 1),
        datetime(2026, 11, 27, 9, 0),
        datetime(2026, 11, 27, 9, 1),  # resumed 4 days on
        datetime(2026, 11, 25, 9, 0),
        datetime(2026, 11, 25, 9, 1),  # NTP: 2 days back
        datetime(2026, 11, 26, 6, 30),
    ):  # the next morning by the corrected clock
        clock.now = now
        jobs.run_pending()
    assert runs_recorded(store, "etat-partage") == 3  # 23rd, 27th, 26th: once a day, never twice
