"""Benchmark of attendance-sheet reading: per-cell accuracy per layout and rendering.

    python bench/bench_attendance.py [--generated N] [--seed 4] [--no-corpus]
                                     [--layouts grid,day,trainee]
                                     [--renderings digital,scan,photo] [--failures 4]

Every émargement of the sample corpus (``samples/expected.json``) and, with
``--generated N``, the first N items of the labelled set of :mod:`samples.gen.sheets`
(every layout: grid, one page per day, one page per trainee; born-digital, scanned with
skew, noise and quarter turns, photographed page by page; signed, empty, absent written
and crossed-out cells) are read with ``pipeline.reading.attendance``. Read cells are matched to
the expected ones by date, half-day and trainee (``same_person`` >= 0.8); an expected
cell with no read counterpart counts as wrong.

Prints per source, layout and rendering: items (files or photos), trainee cells, mark
accuracy (signed / empty / absent exact), signed-bool accuracy, cells sent to review
(confidence below ``attendance.REVIEW_BELOW``), wrong cells *not* sent to review
("unflag"), trainer boxes right, median and worst seconds per sheet (page); then each
source's accuracy over all cells against the targets of #4 (99.5 % born-digital, 98 %
scans and photos); then the failures, a few per sheet. ``--generated 30`` (about 20
documents, every layout in every rendering twice) takes a few minutes on one core.

``OMP_THREAD_LIMIT=1``: one core, as a busy worker runs.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

os.environ["OMP_THREAD_LIMIT"] = "1"  # before tesserocr loads

from PIL import Image  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.ocr import OcrEngine, OcrSettings, TesserocrEngine  # noqa: E402
from pipeline.parse import same_person  # noqa: E402
from pipeline.reading.attendance import (  # noqa: E402
    REVIEW_BELOW,
    CellRead,
    SheetRead,
    read_pages,
    read_picture,
)
from samples import ground_truth as truth  # noqa: E402
from samples.gen.sheets import (  # noqa: E402
    DEFAULT_SEED,
    LAYOUTS,
    RENDERINGS,
    Sheet,
    labelled_sheets,
)

SAME_PERSON = 0.8
TARGETS = {"digital": 0.995, "other": 0.98}  # issue #4: born-digital, scans and photos


@dataclass
class Case:
    """One file (or one photographed page) to read, and what its cells hold."""

    source: str  # corpus | generated
    name: str
    layout: str  # grid | day | trainee
    rendering: str
    read: Callable[[OcrEngine, OcrSettings], tuple[list[SheetRead], int]]  # sheets, pages read
    sessions: list[dict[str, Any]]
    trainer: list[dict[str, Any]]


@dataclass
class Tally:
    cells: int = 0
    mark: int = 0
    signed: int = 0
    review: int = 0
    unflagged: int = 0  # wrong, and confident enough to go unchecked
    trainer: int = 0
    trainer_ok: int = 0
    seconds: list[float] = field(default_factory=list)


# ---- what to read -------------------------------------------------------------------
def _read_pdf(data: Callable[[], bytes], pages: list[int] | None = None) -> Callable[..., Any]:
    def read(engine: OcrEngine, settings: OcrSettings) -> tuple[list[SheetRead], int]:
        sheets = read_pages(data(), engine, settings)
        return (sheets[pages[0] - 1 : pages[1]] if pages else sheets), len(sheets)

    return read


def _read_image(data: Callable[[], bytes]) -> Callable[..., Any]:
    """Files are read (generated sheets rendered) only when the case is."""

    def read(engine: OcrEngine, settings: OcrSettings) -> tuple[list[SheetRead], int]:
        image = Image.open(io.BytesIO(data()))
        # Pictures carry no trustworthy dpi: assume an A4 sheet across the short side.
        return [read_picture(image, round(min(image.size) / 8.27), engine, settings)], 1

    return read


def _corpus_layout(text: str) -> str:
    if "individuelle" in text:
        return "trainee"
    return "day" if "Feuille de présence" in text else "grid"


def corpus_cases() -> Iterator[Case]:
    texts = {d.ident: d.text for d in truth.documents() if d.expected.get("type") == "emargement"}
    for entry in truth.expected()["files"]:
        for doc in entry.get("documents", []):
            if doc.get("type") != "emargement":
                continue
            path = truth.SAMPLES / "partage" / entry["file"]
            pdf = path.suffix.lower() == ".pdf"
            layout = _corpus_layout(texts.get(f"{entry['file']}#{doc['pages'][0]}", ""))
            yield Case(
                "corpus",
                entry["file"],
                layout,
                entry["rendering"],
                _read_pdf(path.read_bytes, doc["pages"]) if pdf else _read_image(path.read_bytes),
                doc["fields"]["sessions"],
                doc["fields"]["trainer_signed"],
            )


def generated_cases(count: int, seed: int) -> Iterator[Case]:
    for sheet in labelled_sheets(count, seed):
        data = _lazy(sheet)
        read = _read_image(data) if sheet.rendering == "photo" else _read_pdf(data)
        yield Case(
            "generated",
            sheet.name,
            sheet.layout,
            sheet.rendering,
            read,
            list(sheet.sessions),
            list(sheet.trainer_signed),
        )


def _lazy(sheet: Sheet) -> Callable[[], bytes]:
    return lambda: sheet.data


# ---- scoring ------------------------------------------------------------------------
def find(reads: list[CellRead], want: dict[str, Any], trainer: bool) -> CellRead | None:
    """The read cell of the same date and half-day, and for a trainee the likeliest
    same person."""
    day = date.fromisoformat(want["date"])
    here = [c for c in reads if c.date == day and c.half_day == want["half_day"]]
    if trainer:
        return here[0] if here else None
    scored = [(same_person(c.person, want["trainee"]), c) for c in here]
    best = max(scored, key=lambda sc: sc[0], default=(0.0, None))
    return best[1] if best[0] >= SAME_PERSON else None


def score(case: Case, sheets: list[SheetRead], tally: Tally, failures: list[str]) -> None:
    cells = [c for s in sheets for c in s.cells]
    boxes = [c for s in sheets for c in s.trainer]
    for want in case.sessions:
        got = find(cells, want, False)
        ok = bool(got and got.mark == want["mark"])
        tally.cells += 1
        tally.mark += ok
        tally.signed += bool(got and (got.mark == "signed") == want["signed"])
        flagged = bool(got and got.confidence < REVIEW_BELOW)
        tally.review += flagged
        tally.unflagged += bool(got and not ok and not flagged)
        if not ok:
            failures.append(_failure(want["trainee"], want, want["mark"], got))
    for want in case.trainer:
        got = find(boxes, want, True)
        tally.trainer += 1
        if got and (got.mark == "signed") == want["signed"]:
            tally.trainer_ok += 1
        else:
            failures.append(_failure("trainer", want, _bool_mark(want), got))


def _bool_mark(want: dict[str, Any]) -> str:
    return "signed" if want["signed"] else "empty"


def _failure(who: str, want: dict[str, Any], mark: str, got: CellRead | None) -> str:
    seen = f"{got.mark} ({got.confidence:.2f}, ink {got.ink:.4f})" if got else "no matching cell"
    return f"{who} {want['date']} {want['half_day']}: want {mark}, got {seen}"


def _sheet_notes(case: Case, sheets: list[SheetRead]) -> list[str]:
    notes = [p for s in sheets for p in s.problems]
    cells = [c for s in sheets for c in s.cells]
    if any(not find(cells, w, False) for w in case.sessions):
        names = sorted({c.person for c in cells})
        days = sorted({str(c.date) for c in cells})
        notes.append(f"names read {names}; dates {days}")
    return notes


# ---- running and printing -----------------------------------------------------------
Key = tuple[str, str, str]  # source, layout, rendering


def run(cases: Iterator[Case], limit: int) -> tuple[dict[Key, Tally], list[str]]:
    tallies: dict[Key, Tally] = defaultdict(Tally)
    report: list[str] = []
    settings = OcrSettings()
    with TesserocrEngine(settings) as engine:
        for case in cases:
            started = time.perf_counter()
            sheets, pages = case.read(engine, settings)
            tally = tallies[(case.source, case.layout, case.rendering)]
            tally.seconds.append((time.perf_counter() - started) / max(1, pages))
            failures: list[str] = []
            score(case, sheets, tally, failures)
            notes = _sheet_notes(case, sheets) if failures else []
            if failures or notes:
                report.append(f"{case.name} ({case.layout}, {case.rendering}):")
                report += [f"    {line}" for line in failures[:limit]]
                if len(failures) > limit:
                    report.append(f"    ... and {len(failures) - limit} more failing cells")
                report += [f"    {line}" for line in notes]
            print(".", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return tallies, report


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def print_table(tallies: dict[Key, Tally]) -> None:
    head = (
        f"{'source':<9} {'layout':<7} {'rendering':<9} {'items':>6} {'cells':>5} "
        f"{'mark':>6} {'signed':>6} {'review':>6} {'unflag':>6} {'trainer':>9} "
        f"{'s/med':>6} {'s/max':>6}"
    )
    print(head)
    print("-" * len(head))
    for (source, layout, rendering), t in sorted(tallies.items()):
        print(
            f"{source:<9} {layout:<7} {rendering:<9} {len(t.seconds):>6} {t.cells:>5} "
            f"{_pct(t.mark, t.cells):>6} {_pct(t.signed, t.cells):>6} {t.review:>6} "
            f"{t.unflagged:>6} {f'{t.trainer_ok}/{t.trainer}':>9} "
            f"{statistics.median(t.seconds):>6.2f} {max(t.seconds):>6.2f}"
        )


def print_targets(tallies: dict[Key, Tally]) -> None:
    """Every cell (trainees' marks exact, trainers' boxes signed or not) per source,
    born-digital against the other renderings."""
    print("\nall cells against the #4 targets:")
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for (source, _, rendering), t in tallies.items():
        group = sums[(source, "digital" if rendering == "digital" else "other")]
        group[0] += t.mark + t.trainer_ok
        group[1] += t.cells + t.trainer
    for (source, kind), (right, total) in sorted(sums.items()):
        label = "born-digital" if kind == "digital" else "scans, photos, PNG"
        verdict = "ok" if total and right / total >= TARGETS[kind] else "below"
        print(
            f"  {source:<9} {label:<18} {right:>5}/{total:<5} {_pct(right, total):>6}"
            f"  target {TARGETS[kind]:.1%}: {verdict}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--generated", type=int, default=0, help="labelled sheets to add (try 30)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the labelled set")
    ap.add_argument("--no-corpus", action="store_true", help="skip the committed corpus")
    ap.add_argument("--layouts", default=",".join(LAYOUTS), help="layouts to read")
    ap.add_argument("--renderings", default=",".join(RENDERINGS) + ",png", help="renderings")
    ap.add_argument("--failures", type=int, default=4, help="failing cells listed per sheet")
    args = ap.parse_args(argv)
    layouts, renderings = args.layouts.split(","), args.renderings.split(",")

    def cases() -> Iterator[Case]:
        if not args.no_corpus:
            yield from corpus_cases()
        if args.generated:
            yield from generated_cases(args.generated, args.seed)

    chosen = (c for c in cases() if c.layout in layouts and c.rendering in renderings)
    tallies, report = run(chosen, args.failures)
    print_table(tallies)
    print_targets(tallies)
    print(f"\nfailures ({len(report)} lines):")
    for line in report:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
