"""Benchmark of hot-evaluation reading on forms drawn at random: recognised, satisfaction
within ±0.05, satisfaction given where nothing is marked, the trainee's name, per form and
rendering.

    python bench/bench_evaluations.py [--count 24] [--seed 15] [--keep DIR]

The first N evaluations of :func:`samples.gen.evaluations.random_evaluations` (ticked
grids headed by numbers or words, smileys with a circled 0-10 recommendation, online-form
radio buttons, oui / en partie / non; born-digital, scanned, photographed) are written to
a folder and read by the real command, ``python -m pipeline classify --json`` (one
process for all of them, as a user would run it). Per form x rendering: documents,
``type`` right (``evaluation_chaud``), ``sat`` within ±0.05 of the truth (over those
that carry marks), ``none`` those with marks but no satisfaction read, ``guess`` a
satisfaction given to a questionnaire handed back blank (the worst error), seconds per
document (the run's wall time shared out); ``name`` the trainee read right, ``wrong`` a
name stated wrong (worse than none).

``OMP_THREAD_LIMIT=1``: one core, as a busy worker runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.parse import fold  # noqa: E402
from samples.gen.evaluations import DEFAULT_SEED, Evaluation, random_evaluations  # noqa: E402

WITHIN = 0.05


@dataclass
class Tally:
    docs: int = 0
    typed: int = 0
    marked: int = 0
    sat_ok: int = 0
    sat_none: int = 0
    guessed: int = 0
    name_ok: int = 0
    name_wrong: int = 0


def classify(folder: Path) -> tuple[dict[str, dict[str, Any]], float]:
    """Every file of the folder through ``pipeline classify --json``; by file name."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1", PYTHONPATH=str(ROOT))
    files = sorted(str(p) for p in folder.iterdir())
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "pipeline", "classify", "--json", *files],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    seconds = time.perf_counter() - started
    reads: dict[str, dict[str, Any]] = {}
    for line in out.stdout.splitlines():
        obj = json.loads(line)
        reads.setdefault(Path(obj["file"]).name, obj)  # the first document of each file
    if out.returncode:
        print(out.stderr[-2000:], file=sys.stderr)
    return reads, seconds


def _name_key(name: str) -> str:
    return " ".join(sorted(fold(name).split()))


def score(ev: Evaluation, got: dict[str, Any] | None, tally: Tally, lines: list[str]) -> None:
    tally.docs += 1
    fields = (got or {}).get("fields") or {}
    tally.typed += bool(got and got.get("type") == "evaluation_chaud")
    want = ev.fields.get("satisfaction")
    read = fields.get("satisfaction")
    value = read.get("score") if isinstance(read, dict) else read
    value = None if value is None else float(value)
    if want is None:
        tally.guessed += value is not None
    else:
        tally.marked += 1
        tally.sat_none += value is None
        tally.sat_ok += value is not None and abs(value - want) <= WITHIN
    name = fields.get("trainee")
    name_right = name is not None and _name_key(name) == _name_key(ev.fields["trainee"])
    tally.name_ok += name_right
    tally.name_wrong += name is not None and not name_right
    if not name_right:
        lines.append(f"{ev.name}: trainee {name!r} (want {ev.fields['trainee']!r})")
    right = value is None if want is None else value is not None and abs(value - want) <= WITHIN
    if not right:
        kind = got.get("type") if got else "unread"
        lines.append(f"{ev.name}: type {kind}, satisfaction {value} (want {want})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--count", type=int, default=24, help="evaluations to read")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the random set")
    ap.add_argument("--keep", type=Path, help="write the files there and keep them")
    args = ap.parse_args(argv)
    evaluations = list(random_evaluations(args.count, args.seed))
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for ev in evaluations:
            (folder / ev.name).write_bytes(ev.data)
        reads, seconds = classify(folder)
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    lines: list[str] = []
    for ev in evaluations:
        score(ev, reads.get(ev.name), tallies[(ev.form, ev.rendering)], lines)
    head = (
        f"{'form':<8} {'rendering':<9} {'docs':>4} {'type':>5} {'sat':>7} {'none':>5} "
        f"{'guess':>5} {'name':>7} {'wrong':>5}"
    )
    print(head)
    print("-" * len(head))
    every = Tally()
    for (form, rendering), t in sorted(tallies.items()):
        print(
            f"{form:<8} {rendering:<9} {t.docs:>4} {t.typed:>5} {f'{t.sat_ok}/{t.marked}':>7} "
            f"{t.sat_none:>5} {t.guessed:>5} {f'{t.name_ok}/{t.docs}':>7} {t.name_wrong:>5}"
        )
        for name in ("docs", "typed", "marked", "sat_ok", "sat_none", "guessed", "name_ok",
                     "name_wrong"):  # fmt: skip
            setattr(every, name, getattr(every, name) + getattr(t, name))
    print(
        f"\nall: {every.docs} documents, {every.typed} recognised, satisfaction within "
        f"±{WITHIN} on {every.sat_ok} of {every.marked} with marks, {every.sat_none} with marks "
        f"read as none, {every.guessed} blank ones given one; trainee right on "
        f"{every.name_ok}, wrong on {every.name_wrong}; "
        f"{seconds / max(1, len(evaluations)):.1f} s per document"
    )
    print(f"\nmisses ({len(lines)}):")
    for line in lines:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
