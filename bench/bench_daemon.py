"""The daemon's figures: latency, burst throughput, start-up scan, idle cost.

    python bench/bench_daemon.py [--runs 5] [--burst 200] [--share-size 20000]

Runs the real ``dossiers watch`` (native events, settle time 1 s, 2 workers) on a
temporary share with born-digital attestations, and prints:

- latency: from the end of a file's last write to its row in the database
  (median of ``--runs`` files dropped one at a time; includes the settle time);
- burst: ``--burst`` files dropped at once, files per second until all recorded;
- start-up scan: a share already holding ``--share-size`` processed files (rows put
  straight into the database): time from start until the daemon has looked at every
  file and found nothing to do (the heartbeat's ``skipped``/queue stays empty);
- idle: CPU seconds per minute and resident memory of the daemon and its workers,
  measured over 30 s starting 10 s after the start-up scan ended.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import Figure, PeakMemory, family, rss_mb, write  # noqa: E402
from tests.watchers.conftest import (  # noqa: E402
    CAMILLE,
    attestation_pdf,
    heartbeat,
    make_share,
)


def start(config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "--config", str(config), "watch"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def stop(daemon: subprocess.Popen[bytes]) -> None:
    daemon.send_signal(signal.SIGTERM)
    try:
        daemon.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(daemon.pid, signal.SIGKILL)


def count(root: Path) -> int:
    db = sqlite3.connect(root / "dossiers.sqlite3", timeout=30)
    try:
        return int(db.execute("SELECT count(*) FROM files").fetchone()[0])
    finally:
        db.close()


def wait_until(check, timeout: float = 300.0, step: float = 0.01) -> float:  # type: ignore[no-untyped-def]
    start_at = time.perf_counter()
    while not check():
        if time.perf_counter() - start_at > timeout:
            raise TimeoutError
        time.sleep(step)
    return time.perf_counter() - start_at


def ready(root: Path) -> None:
    wait_until(lambda: heartbeat(root).get("running") is True, step=0.1)
    time.sleep(1.5)  # the start-up scan of an empty share


def latency(root: Path, runs: int) -> tuple[list[float], float]:
    """(seconds from each drop to its row, peak MB of the daemon and its workers meanwhile)."""
    config = make_share(root)
    _settle(config)
    daemon = start(config)
    try:
        ready(root)
        found = []
        with PeakMemory(daemon.pid) as peak:
            for n in range(runs):
                target = root / "partage" / CAMILLE / f"latence {n}.pdf"
                target.write_bytes(attestation_pdf(f"Personne Latence{n}"))
                found.append(wait_until(lambda n=n: count(root) > n))
        return found, peak.peak
    finally:
        stop(daemon)


def burst(root: Path, size: int) -> tuple[float, float]:
    """(files per second, peak MB)."""
    config = make_share(root)
    _settle(config)
    daemon = start(config)
    try:
        ready(root)
        folder = root / "partage" / CAMILLE / "rafale"
        folder.mkdir()
        with PeakMemory(daemon.pid) as peak:
            t0 = time.perf_counter()
            for n in range(size):
                (folder / f"a{n:04d}.pdf").write_bytes(attestation_pdf(f"Personne Rafale{n}"))
            wait_until(lambda: count(root) >= size, timeout=900, step=0.1)
            rate = size / (time.perf_counter() - t0)
        return rate, peak.peak
    finally:
        stop(daemon)


def startup_scan(root: Path, size: int) -> tuple[float, float, float, float]:
    """(seconds to the end of the start-up scan, its peak MB, idle CPU s/min, resident MB)."""
    config = make_share(root)
    _settle(config)
    _prefill(root, size)
    daemon = start(config)
    try:
        with PeakMemory(daemon.pid) as peak:
            t0 = time.perf_counter()
            wait_until(lambda: heartbeat(root).get("running") is True, step=0.05)
            # Every file is stable after the settle time; the daemon then skips all of them.
            wait_until(lambda: _idle_after_scan(root), timeout=600, step=0.2)
            scanned = time.perf_counter() - t0
        time.sleep(10)  # let the start-up's last writes and collections finish
        cpu, rss = idle_cost(daemon.pid, seconds=30)
        return scanned, peak.peak, cpu, rss
    finally:
        stop(daemon)


def _idle_after_scan(root: Path) -> bool:
    beat = heartbeat(root)
    return bool(beat.get("scan_done")) and beat.get("queued") == 0


def _settle(config: Path) -> None:
    text = config.read_text(encoding="utf-8").replace("settle_seconds = 0.2", "settle_seconds = 1")
    config.write_text(text.replace("poll_interval = 0.2", "poll_interval = 1"), encoding="utf-8")


def _prefill(root: Path, size: int) -> None:
    """``size`` small files in the share, recorded as already processed (size and mtime)."""
    folder = root / "partage" / CAMILLE / "archives anciennes"
    folder.mkdir(parents=True)
    db = sqlite3.connect(root / "dossiers.sqlite3")
    rows = []
    for n in range(size):
        path = folder / f"{n // 1000:02d}" / f"ancien {n:05d}.pdf"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"%PDF-1.4 ancien " + str(n).encode())
        st = path.stat()
        rel = path.relative_to(root / "partage").as_posix()
        rows.append((rel, CAMILLE, f"{n:064d}", st.st_size, st.st_mtime_ns))
    db.executemany(
        "INSERT INTO files(rel, entrepreneur, sha256, size, mtime_ns, received_at, state) "
        "VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00', 'traite')",
        rows,
    )
    db.commit()
    db.close()


def idle_cost(pid: int, seconds: float) -> tuple[float, float]:
    """CPU seconds per minute and resident MB of ``pid`` and its children, over ``seconds``."""
    before = _cpu(pid)
    time.sleep(seconds)
    used = _cpu(pid) - before
    return used * 60 / seconds, rss_mb(pid)


def _cpu(pid: int) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in family(pid):
        fields = Path(f"/proc/{p}/stat").read_text().split(")")[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--share-size", type=int, default=20_000)
    parser.add_argument("--scan-runs", type=int, default=3, help="start-up scans (median)")
    parser.add_argument("--json", type=Path, help="headline figures for run_all.py")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; settle 1 s; 2 workers; native events")
    with tempfile.TemporaryDirectory() as tmp:
        lat, lat_peak = latency(Path(tmp) / "latency", args.runs)
        print(
            f"latency drop -> attached: median {statistics.median(lat):.2f} s "
            f"(min {min(lat):.2f}, max {max(lat):.2f}, {len(lat)} files; settle time 1 s included)"
            f"; peak {lat_peak:.0f} MB"
        )
        rate, burst_peak = burst(Path(tmp) / "burst", args.burst)
        print(
            f"burst of {args.burst} born-digital files: {rate:.1f} files/s; "
            f"peak {burst_peak:.0f} MB"
        )
        scans = [
            startup_scan(Path(tmp) / f"scan{n}", args.share_size) for n in range(args.scan_runs)
        ]
        scanned = statistics.median(s[0] for s in scans)
        scan_peak = statistics.median(s[1] for s in scans)
        cpu, rss = scans[0][2], scans[0][3]
        print(
            f"start-up over {args.share_size} processed files: {scanned:.1f} s until idle "
            f"(median of {len(scans)}: {', '.join(f'{s[0]:.1f}' for s in scans)}); "
            f"peak {scan_peak:.0f} MB"
        )
        print(f"idle: {cpu:.2f} CPU s per minute, {rss:.0f} MB resident (daemon + workers)")
        shutil.rmtree(tmp, ignore_errors=True)
    write(
        args.json,
        [
            Figure("latency from drop to attachment", round(statistics.median(lat), 2), "s",
                   round(lat_peak), f"median of {len(lat)} files one by one, 1 s settle included"),
            Figure(f"burst of {args.burst} born-digital files, 2 workers", round(rate, 1),
                   "files/s", round(burst_peak), "the same attestation layout, dropped at once"),
            Figure(f"start-up scan of {args.share_size:,} processed files", round(scanned, 1), "s",
                   round(scan_peak), f"until idle, median of {len(scans)}; then idle "
                   f"{cpu:.2f} CPU s/min, {rss:.0f} MB"),
        ],
    )  # fmt: skip


if __name__ == "__main__":
    main()
