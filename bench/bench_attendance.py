"""Benchmark of attendance-sheet reading: per-cell accuracy per rendering and layout.

Every émargement document of the sample corpus is read with ``pipeline.attendance`` and
its cells are matched to the expected ones by trainee (``same_person``), date and
half-day; an expected cell with no read counterpart counts as wrong. Prints mark accuracy
(signed/empty/absent) and signed-bool accuracy per rendering and layout, the time per
sheet, and every failing cell.

    .venv/bin/python bench/bench_attendance.py
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.attendance import CellRead, SheetRead, read_pages, read_picture  # noqa: E402
from pipeline.ocr import OcrSettings, TesserocrEngine  # noqa: E402
from pipeline.parse import same_person  # noqa: E402
from samples import ground_truth as truth  # noqa: E402

SAME_PERSON = 0.8


def emargements() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(file entry, document entry) of every attendance sheet of the corpus."""
    return [
        (entry, doc)
        for entry in truth.expected()["files"]
        for doc in entry.get("documents", [])
        if doc.get("type") == "emargement"
    ]


def read_file(
    path: Path, pages: list[int], engine: TesserocrEngine, settings: OcrSettings
) -> list[SheetRead]:
    if path.suffix.lower() == ".pdf":
        sheets = read_pages(path.read_bytes(), engine, settings)
        return sheets[pages[0] - 1 : pages[1]]
    image = Image.open(path)
    # Pictures carry no trustworthy dpi: assume an A4 sheet across the short side.
    return [read_picture(image, round(min(image.size) / 8.27), engine, settings)]


def layout(sheets: list[SheetRead]) -> str:
    days = {c.date for s in sheets for c in s.columns}
    return "per-day" if len(sheets) > 1 or (len(days) == 1 and not _trainer_row(sheets)) else "grid"


def _trainer_row(sheets: list[SheetRead]) -> bool:
    return any(
        c.person == "" and c.box[3] - c.box[1] < 10_000 for s in sheets for c in s.trainer
    ) and all(len(s.trainer) == len(s.columns) for s in sheets)


def find(reads: list[CellRead], want: dict[str, Any], trainer: bool) -> CellRead | None:
    day = date.fromisoformat(want["date"])
    for cell in reads:
        if cell.date != day or cell.half_day != want["half_day"]:
            continue
        if trainer or same_person(cell.person, want["trainee"]) >= SAME_PERSON:
            return cell
    return None


def main() -> None:
    settings = OcrSettings()
    score: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # mark, signed, total
    times: dict[str, list[float]] = defaultdict(list)
    failures: list[str] = []
    with TesserocrEngine(settings) as engine:
        for entry, doc in emargements():
            started = time.perf_counter()
            path = truth.SAMPLES / "partage" / entry["file"]
            sheets = read_file(path, doc["pages"], engine, settings)
            times[entry["rendering"]].append((time.perf_counter() - started) / max(1, len(sheets)))
            cells = [c for s in sheets for c in s.cells]
            trainer = [c for s in sheets for c in s.trainer]
            kind = layout(sheets)
            for want, is_trainer in [(w, False) for w in doc["fields"]["sessions"]] + [
                (w, True) for w in doc["fields"]["trainer_signed"]
            ]:
                got = find(trainer if is_trainer else cells, want, is_trainer)
                mark = want.get("mark", "signed" if want["signed"] else "empty")
                for key in (
                    (entry["rendering"], kind),
                    ("all", "trainer" if is_trainer else "trainee"),
                ):
                    tally = score[key]
                    tally[0] += bool(got and got.mark == mark)
                    tally[1] += bool(got and (got.mark == "signed") == want["signed"])
                    tally[2] += 1
                if not got or got.mark != mark:
                    who = "trainer" if is_trainer else want["trainee"]
                    seen = (
                        f"{got.mark} ({got.confidence}, ink {got.ink:.4f})"
                        if got
                        else "no matching cell"
                    )
                    where = f"{who} {want['date']} {want['half_day']}"
                    failures.append(f"{entry['file']}: {where}: want {mark}, got {seen}")
            for sheet in sheets:
                failures.extend(f"{entry['file']}: {p}" for p in sheet.problems)
            if any(not find(cells, w, False) for w in doc["fields"]["sessions"]):
                names = sorted({c.person for c in cells})
                days = sorted({str(c.date) for c in cells})
                failures.append(f"{entry['file']}: names read {names}; dates {days}")
    print(f"{'rendering':<10} {'layout':<8} {'cells':>5} {'mark':>7} {'signed':>7}")
    for (rendering, kind), (marks, signed, total) in sorted(score.items()):
        print(f"{rendering:<10} {kind:<8} {total:>5} {marks / total:>7.1%} {signed / total:>7.1%}")
    print("\nseconds per sheet:")
    for rendering, spent in sorted(times.items()):
        mean = sum(spent) / len(spent)
        print(f"  {rendering:<8} mean {mean:.2f}  max {max(spent):.2f}  ({len(spent)} docs)")
    print(f"\nfailures ({len(failures)}):")
    for line in failures:
        print("  " + line)


if __name__ == "__main__":
    main()
