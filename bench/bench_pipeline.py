"""Accuracy and speed of the real read path (intake, text/OCR, classify, extract) on samples/.

    python bench/bench_pipeline.py [--runs 3]

For every sample file listed in samples/expected.json, runs the same stages as
``dossiers classify`` and compares the types found with the expected ones
(per document of a batch file). Prints accuracy per type and per rendering,
the confusions, and the seconds per born-digital document and per scanned page
(medians over the runs). The pipeline is read-only here: no database, no archive.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import runner  # noqa: E402
from pipeline.config import read_only_config  # noqa: E402
from pipeline.errors import DocumentError  # noqa: E402
from pipeline.ocr import TesserocrEngine  # noqa: E402
from pipeline.record import Doc, Source  # noqa: E402

SAMPLES = ROOT / "samples"


def expected_files() -> list[dict]:
    data = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
    return [f for f in data["files"] if f["outcome"] != "ignored" and f["rendering"] != "bad"]


def read_one(path: Path, ctx: runner.Context) -> tuple[Doc | None, float]:
    start = time.perf_counter()
    try:
        doc = runner.read(Doc(source=Source(path=path, rel=path.name)), ctx)
    except DocumentError:
        doc = None
    return doc, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    config = read_only_config()
    engine = TesserocrEngine(config.ocr)
    ctx = runner.Context(config=config, store=None, ocr=engine)  # type: ignore[arg-type]
    files = expected_files()
    times: dict[str, list[float]] = defaultdict(list)
    results: dict[str, Doc | None] = {}
    for _ in range(args.runs):
        for f in files:
            doc, seconds = read_one(SAMPLES / "partage" / f["file"], ctx)
            results[f["file"]] = doc
            times[f["file"]].append(seconds)
    engine.close()
    report(files, results, times)


def _pairs(f: dict, doc: Doc | None) -> list[tuple[str, str]]:
    expected = [d["type"] for d in f["documents"]]
    found = [str(p.type) for p in doc.parts] if doc else ["(écarté)"]
    if len(found) != len(expected):  # a batch split differently counts every document wrong
        return [(e, "(découpage)") for e in expected]
    return list(zip(expected, found, strict=True))


def report(
    files: list[dict], results: dict[str, Doc | None], times: dict[str, list[float]]
) -> None:
    per_type: dict[str, Counter[bool]] = defaultdict(Counter)
    per_rendering: dict[str, Counter[bool]] = defaultdict(Counter)
    confusions: Counter[tuple[str, str]] = Counter()
    for f in files:
        for expected, found in _pairs(f, results[f["file"]]):
            per_type[expected][expected == found] += 1
            per_rendering[f["rendering"]][expected == found] += 1
            if expected != found:
                confusions[(expected, found)] += 1
    total = sum((c for c in per_type.values()), Counter())
    print(
        f"Type accuracy on {sum(total.values())} documents in {len(files)} files: "
        f"{total[True] / max(1, sum(total.values())):.1%}"
    )
    print(f"\n{'type':<20} {'right':>6} {'total':>6} {'accuracy':>9}")
    for kind, c in sorted(per_type.items()):
        print(f"{kind:<20} {c[True]:>6} {sum(c.values()):>6} {c[True] / sum(c.values()):>9.1%}")
    print(f"\n{'rendering':<20} {'right':>6} {'total':>6} {'accuracy':>9}")
    for kind, c in sorted(per_rendering.items()):
        print(f"{kind:<20} {c[True]:>6} {sum(c.values()):>6} {c[True] / sum(c.values()):>9.1%}")
    if confusions:
        print(
            "\nConfusions (expected -> found): "
            + ", ".join(f"{e}->{g} x{n}" for (e, g), n in confusions.most_common())
        )
    _timing(files, results, times)


def _timing(
    files: list[dict], results: dict[str, Doc | None], times: dict[str, list[float]]
) -> None:
    digital = [
        statistics.median(times[f["file"]])
        for f in files
        if results[f["file"]] and not results[f["file"]].ocr
    ]  # type: ignore[union-attr]
    scanned = [
        statistics.median(times[f["file"]]) / max(1, len(results[f["file"]].pages))  # type: ignore[union-attr]
        for f in files
        if results[f["file"]] and results[f["file"]].ocr
    ]  # type: ignore[union-attr]
    if digital:
        print(
            f"\nBorn-digital / DOCX: median {statistics.median(digital) * 1000:.0f} ms per "
            f"document ({len(digital)} documents)"
        )
    if scanned:
        print(
            f"Scanned / photo: median {statistics.median(scanned):.2f} s per page "
            f"({len(scanned)} files; the raw tesseract baseline is in bench_ocr.py)"
        )


if __name__ == "__main__":
    main()
