"""The daemon's daily BPF job: drafts of the last closed year from 1 March, not before."""

from __future__ import annotations

from datetime import datetime

from pipeline.config import Config
from pipeline.store import Store
from watchers.daemon import Daemon


def test_the_daily_jobs_refresh_the_bpf_drafts_in_march(
    samples_store: Store, samples_config: Config
) -> None:
    jobs = Daemon(samples_config, now=lambda: datetime(2027, 3, 2, 8, 0))._jobs(samples_store)
    assert "bpf-brouillons" in [job.name for job in jobs.due()]
    jobs.run_due()
    assert (samples_config.bpf.folder / "bpf-2026-brouillon.xlsx").is_file()
    assert samples_store.last_event_at("tache-executee", job="bpf-brouillons") is not None


def test_before_march_the_job_runs_and_writes_nothing(
    samples_store: Store, samples_config: Config
) -> None:
    jobs = Daemon(samples_config, now=lambda: datetime(2027, 1, 15, 8, 0))._jobs(samples_store)
    jobs.run_due()
    assert not samples_config.bpf.folder.exists()
