"""Run every benchmark of bench/ in turn and keep their output.

    python bench/run_all.py

Writes bench/out/results-<date>-<commit>.txt (not committed) with the machine's
core count, the commit, and each benchmark's table. Numbers on these shared
machines are noisy: compare medians and ratios taken in the same run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = (
    "bench_pipeline.py",
    "bench_ocr.py",
    "bench_classify.py",
    "bench_attendance.py",
    "bench_signatures.py",
    "bench_daemon.py",
    "bench_digest.py",
    "bench_bpf.py",
)


def commit() -> str:
    run = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=HERE,
        check=False,
    )
    return run.stdout.strip() or "unknown"


def main() -> None:
    header = f"{datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, commit {commit()}"
    chunks = [header]
    for name in BENCHES:
        print(f"== {name}", flush=True)
        run = subprocess.run(
            [sys.executable, str(HERE / name)], capture_output=True, text=True, check=False
        )
        print(run.stdout + run.stderr[-2000:], flush=True)
        chunks.append(f"== {name}\n{run.stdout}")
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    target = out / f"results-{datetime.now():%Y%m%d-%H%M}-{commit()}.txt"
    target.write_text("\n".join(chunks), encoding="utf-8")
    print(f"written: {target}")


if __name__ == "__main__":
    main()
