"""Benchmark of attendance reading on layouts drawn at random: per family, rendering and
structural choice, with the layouts the reader was not tuned on reported apart.

    python bench/bench_layouts.py [--count 60] [--seed 15] [--renderings digital,scan,photo]
                                  [--held-out] [--sheets] [--json FILE]

The first N items of :func:`samples.gen.layouts.random_sheets` (each a sheet whose
structure is drawn at random: trainees as rows, columns or pages; names joined or split;
number and company columns; header words; the date in a header, a row, the title or a
séance caption; half-days as columns or rows; trainer row, column, boxes or none; ruling;
fonts; marks, e-attendance mentions included), born-digital, scanned or photographed, are
read with ``pipeline.reading.attendance`` as ``bench_attendance.py`` reads them. Each expected
cell is matched to a read cell by date, half-day and trainee (``same_person`` >= 0.8) and
counted once:

- ``right``: read with confidence >= ``attendance.REVIEW_BELOW`` and the right mark
  (signed / empty / absent);
- ``wrong``: read with that confidence and the wrong mark (the errors that matter);
- ``review``: read below ``REVIEW_BELOW`` (left for a person, right or not);
- ``unread``: no read cell for it (a sheet not understood).

``extra`` counts read cells that match no expected one (a header row or a number taken
for a trainee); ``trainer`` the trainer's boxes decided right (confident, signed or not)
over those expected. Seconds are per page read. A family is ``held-out`` when it is none
of the layouts of ``samples/gen/sheets.py`` (grid, day, trainee) the reader and its tests
were built on (``layouts.TUNED``).

``OMP_THREAD_LIMIT=1``: one core, as a busy worker runs. The default (60 items) takes a
few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ["OMP_THREAD_LIMIT"] = "1"  # before tesserocr loads

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_attendance import _read_image, _read_pdf, find  # noqa: E402

from pipeline.ocr import OcrEngine, OcrSettings, TesserocrEngine  # noqa: E402
from pipeline.reading.attendance import REVIEW_BELOW, CellRead, SheetRead  # noqa: E402
from samples.gen.layouts import (  # noqa: E402
    DEFAULT_SEED,
    RENDERINGS,
    Choices,
    LayoutSheet,
    random_sheets,
)

DEFAULT_COUNT = 60
OUTCOMES = ("right", "wrong", "review", "unread")


@dataclass
class Tally:
    right: int = 0
    wrong: int = 0
    review: int = 0
    unread: int = 0
    extra: int = 0
    trainer: int = 0
    trainer_ok: int = 0
    # trainer boxes: (signed in truth, outcome) -> count
    trainer_outcomes: Counter[tuple[bool, str]] = field(default_factory=Counter)
    sheets: int = 0
    seconds: list[float] = field(default_factory=list)
    problems: set[str] = field(default_factory=set)  # what the reader said, numbers blanked
    kinds: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, outcome): cells

    @property
    def cells(self) -> int:
        return self.right + self.wrong + self.review + self.unread

    def add(self, other: Tally) -> None:
        for name in (*OUTCOMES, "extra", "trainer", "trainer_ok", "sheets"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.seconds += other.seconds
        self.kinds += other.kinds
        self.trainer_outcomes += other.trainer_outcomes


# ---- reading and scoring -----------------------------------------------------------
def reader(sheet: LayoutSheet) -> Callable[[OcrEngine, OcrSettings], tuple[list[SheetRead], int]]:
    """The same calls as bench_attendance: a PDF page by page, a photo as one picture."""
    data = lambda: sheet.data  # noqa: E731
    return _read_image(data) if sheet.rendering == "photo" else _read_pdf(data)


def outcome_of(want: dict[str, Any], got: CellRead | None) -> str:
    """right, wrong, review or unread (see the module's doc)."""
    if got is None:
        return "unread"
    if got.confidence < REVIEW_BELOW:
        return "review"
    return "right" if got.mark == want["mark"] else "wrong"


def trainer_outcome(want: dict[str, Any], got: CellRead | None) -> str:
    """right, wrong, review or unread for a trainer's box (signed or not)."""
    if got is None:
        return "unread"
    if got.confidence < REVIEW_BELOW:
        return "review"
    return "right" if (got.mark == "signed") == bool(want["signed"]) else "wrong"


def score(sheet: LayoutSheet, sheets: list[SheetRead]) -> Tally:
    tally = Tally(sheets=1)
    cells = [c for s in sheets for c in s.cells]
    matched = set()
    for want in sheet.sessions:
        got = find(cells, want, False)
        outcome = outcome_of(want, got)
        setattr(tally, outcome, getattr(tally, outcome) + 1)
        tally.kinds[(want["kind"], outcome)] += 1
        if got is not None:
            matched.add(id(got))
    tally.extra = sum(1 for c in cells if id(c) not in matched)
    boxes = [c for s in sheets for c in s.trainer]
    for want in sheet.trainer_signed:
        got = find(boxes, want, True)
        tally.trainer += 1
        ok = got and got.confidence >= REVIEW_BELOW and (got.mark == "signed") == want["signed"]
        tally.trainer_ok += bool(ok)
        outcome = trainer_outcome(want, got)
        tally.trainer_outcomes[(bool(want["signed"]), outcome)] += 1
    return tally


def _problems(sheets: list[SheetRead]) -> set[str]:
    return {re.sub(r"\d+", "N", p) for s in sheets for p in s.problems}


def run(sheets: Iterator[LayoutSheet], verbose: bool) -> list[tuple[LayoutSheet, Tally]]:
    results = []
    settings = OcrSettings()
    with TesserocrEngine(settings) as engine:
        for sheet in sheets:
            started = time.perf_counter()
            read, pages = reader(sheet)(engine, settings)
            seconds = (time.perf_counter() - started) / max(1, pages)
            tally = score(sheet, read)
            tally.problems = _problems(read)
            tally.seconds.append(seconds)
            results.append((sheet, tally))
            if verbose:
                print(_sheet_line(sheet, tally, read), file=sys.stderr)
            else:
                print(".", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return results


def _sheet_line(sheet: LayoutSheet, t: Tally, read: list[SheetRead]) -> str:
    problems = sorted({p for s in read for p in s.problems})
    names = sorted({c.person for s in read for c in s.cells})[:6]
    return (
        f"{sheet.name}: {t.right} right, {t.wrong} wrong, {t.review} review, {t.unread} "
        f"unread, {t.extra} extra, trainer {t.trainer_ok}/{t.trainer}, {t.seconds[0]:.1f} s"
        f"; names read {names}" + (f"; {problems}" if problems else "")
    )


# ---- grouping and printing ---------------------------------------------------------
def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def _line(label: str, t: Tally, width: int) -> str:
    med = statistics.median(t.seconds) if t.seconds else 0.0
    worst = max(t.seconds) if t.seconds else 0.0
    return (
        f"{label:<{width}} {t.sheets:>5} {t.cells:>5} {_pct(t.right, t.cells):>6} "
        f"{_pct(t.wrong, t.cells):>6} {_pct(t.review, t.cells):>6} {_pct(t.unread, t.cells):>6} "
        f"{t.extra:>5} {f'{t.trainer_ok}/{t.trainer}':>7} {med:>6.1f} {worst:>6.1f}"
    )


def table(title: str, groups: dict[str, Tally], width: int = 44) -> None:
    head = (
        f"{title:<{width}} {'items':>5} {'cells':>5} {'right':>6} {'wrong':>6} {'review':>6} "
        f"{'unread':>6} {'extra':>5} {'trainer':>7} {'s/med':>6} {'s/max':>6}"
    )
    print(head)
    print("-" * len(head))
    for label, t in sorted(groups.items()):
        print(_line(label, t, width))
    print()


def group(
    results: list[tuple[LayoutSheet, Tally]], key: Callable[[LayoutSheet], list[str]]
) -> dict[str, Tally]:
    out: dict[str, Tally] = defaultdict(Tally)
    for sheet, tally in results:
        for label in key(sheet):
            out[label].add(tally)
    return out


def _held(sheet: LayoutSheet) -> str:
    return "held-out" if sheet.held_out else "tuned"


def _choices(sheet: LayoutSheet) -> list[str]:
    return [f"{k}: {v}" for k, v in Choices(**sheet.choices).telling().items()]


def report(results: list[tuple[LayoutSheet, Tally]]) -> None:
    table("family (* = held-out)", group(
        results, lambda s: [("* " if s.held_out else "  ") + s.family]))  # fmt: skip
    table("rendering", group(results, lambda s: [s.rendering]))
    table("structural choice", group(results, _choices))
    table("held-out or tuned, by rendering", group(
        results, lambda s: [_held(s), f"{_held(s)} {s.rendering}"]))  # fmt: skip
    by_kind: Counter[tuple[str, str]] = Counter()
    for _, t in results:
        by_kind += t.kinds
    print(f"{'cell kind':<16}" + "".join(f"{o:>8}" for o in OUTCOMES))
    for kind in sorted({k for k, _ in by_kind}):
        print(f"{kind:<16}" + "".join(f"{by_kind[(kind, o)]:>8}" for o in OUTCOMES))
    print()
    said: Counter[str] = Counter(p for _, t in results for p in t.problems)
    print("what the reader said (sheets):")
    for problem, n in said.most_common():
        print(f"  {n:>4}  {problem}")
    print()
    boxes: Counter[tuple[bool, str]] = Counter()
    for _, t in results:
        boxes += t.trainer_outcomes
    print(f"{'trainer boxes':<16}" + "".join(f"{o:>8}" for o in OUTCOMES))
    for signed in (True, False):
        label = "signed" if signed else "left empty"
        print(f"{label:<16}" + "".join(f"{boxes[(signed, o)]:>8}" for o in OUTCOMES))
    print()
    every = Tally()
    for _, t in results:
        every.add(t)
    print(f"all: {_line('', every, 0).strip()}")


def as_json(results: list[tuple[LayoutSheet, Tally]]) -> list[dict[str, Any]]:
    return [
        {
            "file": sheet.name,
            "family": sheet.family,
            "held_out": sheet.held_out,
            "rendering": sheet.rendering,
            "choices": Choices(**sheet.choices).telling(),
            **{name: getattr(t, name) for name in (*OUTCOMES, "extra", "trainer", "trainer_ok")},
            "trainer_boxes": {
                f"{'signed' if signed else 'empty'} {outcome}": n
                for (signed, outcome), n in sorted(t.trainer_outcomes.items())
            },
            "seconds": t.seconds[0],
        }
        for sheet, t in results
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--count", type=int, default=DEFAULT_COUNT, help="random sheets to read")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the random set")
    ap.add_argument("--renderings", default=",".join(RENDERINGS), help="renderings to read")
    ap.add_argument("--held-out", action="store_true", help="only families not tuned on")
    ap.add_argument("--sheets", action="store_true", help="one line per sheet as it is read")
    ap.add_argument("--json", type=Path, help="write per-sheet results to this file")
    args = ap.parse_args(argv)
    renderings = args.renderings.split(",")
    chosen = (
        s
        for s in random_sheets(args.count, args.seed)
        if s.rendering in renderings and (s.held_out or not args.held_out)
    )
    started = time.perf_counter()
    results = run(chosen, args.sheets)
    report(results)
    print(f"wall time {time.perf_counter() - started:.0f} s for {len(results)} items")
    if args.json:
        args.json.write_text(json.dumps(as_json(results), indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
