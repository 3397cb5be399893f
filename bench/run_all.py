"""Run the benchmarks and write their table to bench/RESULTS.md.

    python bench/run_all.py [--label TEXT] [--quick] [--all]

Runs, each in its own process: ``bench_throughput.py`` (born-digital documents per second,
one worker and every core), ``bench_ocr.py`` (seconds per scanned page against the raw
``tesseract`` command on the same pages), ``bench_daemon.py`` (latency from drop to
attachment, start-up scan of 20,000 processed files) and ``bench_bpf.py`` (the BPF of
100,000 invoices), each with its peak memory. The table, headed with the date, the
machine's core count and CPU, and the commit, goes on top of ``bench/RESULTS.md``; earlier
tables stay below it, so a change is compared with the run before it. Every run's full
output is kept in ``bench/out/`` (not committed).

``--only bench_ocr bench_throughput`` runs some of them (a run of an older commit, to
compare). ``--quick`` makes every benchmark smaller (a check that they run, not figures to quote).
``--all`` also runs the accuracy benchmarks (pipeline, classify, attendance, signatures,
matching, digest, samples) into the same ``bench/out/`` file.

Numbers on shared machines are noisy: compare medians, and ratios taken in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
MARK = "<!-- tables: newest first -->"

#: (script, full arguments, --quick arguments), each writing its figures with --json.
TABLE = (
    ("bench_throughput.py", [], ["--docs", "20", "--runs", "1"]),
    ("bench_ocr.py", [], ["--runs", "1"]),
    ("bench_daemon.py", [], ["--runs", "2", "--burst", "20", "--share-size", "2000",
                             "--scan-runs", "1"]),
    ("bench_bpf.py", [], ["--invoices", "2000", "--runs", "1"]),
)  # fmt: skip
ACCURACY = (
    "bench_pipeline.py",
    "bench_classify.py",
    "bench_attendance.py",
    "bench_signatures.py",
    "bench_matching.py",
    "bench_digest.py",
    "bench_samples.py",
)


def git(*args: str) -> str:
    run = subprocess.run(
        ["git", *args], capture_output=True, text=True, cwd=HERE.parent, check=False
    )
    return run.stdout.strip()


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    tesseract = subprocess.run(
        ["tesseract", "--version"], capture_output=True, text=True, check=False
    ).stdout.split("\n", 1)[0]
    return (
        f"{os.cpu_count()} cores{f' ({cpu})' if cpu else ''}, Python {platform.python_version()}, "
        f"{tesseract or 'tesseract missing'}"
    )


def run_one(script: str, args: list[str], log: list[str]) -> list[dict]:
    print(f"== {script} {' '.join(args)}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        figures = Path(tmp) / "figures.json"
        began = time.perf_counter()
        run = subprocess.run(
            [sys.executable, str(HERE / script), *args, "--json", str(figures)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        took = time.perf_counter() - began
        print(run.stdout + run.stderr[-3000:], flush=True)
        log.append(f"== {script} {' '.join(args)} ({took:.0f} s)\n{run.stdout}{run.stderr[-3000:]}")
        if run.returncode != 0 or not figures.exists():
            return [{"measure": f"{script} failed (exit {run.returncode})", "value": None,
                     "unit": "", "peak_mb": None, "detail": "see bench/out/"}]  # fmt: skip
        return list(json.loads(figures.read_text(encoding="utf-8")))


def table(header: str, figures: list[dict]) -> str:
    lines = [f"## {header}", "", "| measure | value | peak memory | how |", "|---|---|---|---|"]
    for f in figures:
        value = "—" if f["value"] is None else f"{f['value']:g} {f['unit']}"
        peak = "—" if f["peak_mb"] is None else f"{f['peak_mb']:g} MB"
        lines.append(f"| {f['measure']} | {value} | {peak} | {f['detail']} |")
    return "\n".join(lines) + "\n"


def record(section: str) -> None:
    """Put ``section`` on top of RESULTS.md, below its introduction."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else f"# Benchmarks\n\n{MARK}\n"
    if MARK not in text:
        text += f"\n{MARK}\n"
    head, tail = text.split(MARK, 1)
    RESULTS.write_text(f"{head}{MARK}\n\n{section}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="", help="what this run is (e.g. 'before ...')")
    parser.add_argument("--quick", action="store_true", help="small sizes: a check, not figures")
    parser.add_argument("--all", action="store_true", help="also the accuracy benchmarks")
    parser.add_argument(
        "--only", nargs="+", metavar="SCRIPT", help="some of the table's benchmarks, e.g. bench_ocr"
    )
    args = parser.parse_args()
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = " (uncommitted changes)" if git("status", "--porcelain", "--", "pipeline") else ""
    began = datetime.now()
    log = [f"{began:%Y-%m-%d %H:%M}, {machine()}, commit {commit}{dirty}"]
    figures: list[dict] = []
    for script, full, quick in TABLE:
        if args.only and not any(script.startswith(name) for name in args.only):
            continue
        figures += run_one(script, quick if args.quick else full, log)
    if args.all:
        for script in ACCURACY:
            run_one(script, [], log)
    minutes = (datetime.now() - began).total_seconds() / 60
    label = f" — {args.label}" if args.label else ""
    quick = " — QUICK, not to quote" if args.quick else ""
    header = f"{began:%Y-%m-%d %H:%M}, commit `{commit}`{dirty}{label}{quick}"
    section = table(header, figures) + f"\n{machine()}; {minutes:.0f} min in all.\n\n"
    print(section)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    kept = out / f"results-{began:%Y%m%d-%H%M}-{commit}.txt"
    kept.write_text("\n".join(log), encoding="utf-8")
    if not args.quick:
        record(section)
        print(f"written: {RESULTS.relative_to(HERE.parent)} and {kept.relative_to(HERE.parent)}")
    else:
        print(f"written: {kept.relative_to(HERE.parent)} (--quick: RESULTS.md left alone)")


if __name__ == "__main__":
    main()
