"""Benchmark of signature-block reading on the samples.

    python bench/bench_signatures.py [--samples samples] [--runs 1] [--generated N]

For every document of ``samples/expected.json`` with a ``signatures`` field (conventions,
contracts, signed quotes): :func:`pipeline.signatures.read_blocks` on the file, with the
expected parties. Prints per rendering (digital, scan, ...) the per-block accuracy, the
blocks sent to review, the median and worst seconds per document, then every wrong or
doubtful block with its ink and confidence.

The samples hold a single unsigned block; ``--generated N`` adds N conventions and N
contracts drawn by the samples generator with a random subset of parties signed, each
born-digital, scanned (sideways one time in four) and photographed (seeded: the same set
every run).

``OMP_THREAD_LIMIT=1`` as in ``bench_ocr.py``: one core, as a busy worker runs.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

os.environ["OMP_THREAD_LIMIT"] = "1"  # before tesserocr loads

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pypdfium2 as pdfium  # noqa: E402
from PIL import Image  # noqa: E402

from pipeline.ocr import OcrSettings, TesserocrEngine  # noqa: E402
from pipeline.signatures import Party, read_blocks  # noqa: E402
from samples.gen import data, docs, pen, render  # noqa: E402

COOP_NAMES = ("Coopérative Exemple",)


@dataclass
class Outcome:
    """One document's reading against the truth."""

    file: str
    rendering: str
    kind: str
    seconds: float
    right: int
    blocks: int
    review: int
    failures: list[str]


def _documents(samples: Path) -> list[tuple[str, str, str, dict[str, bool]]]:
    expected = json.loads((samples / "expected.json").read_text(encoding="utf-8"))
    out = []
    for entry in expected["files"]:
        for doc in entry["documents"]:
            truth = (doc.get("fields") or {}).get("signatures")
            if truth is not None:
                out.append((entry["file"], entry["rendering"], doc["type"], truth))
    return out


Item = tuple[str, str, str, dict[str, bool], bytes]


def _sample_items(samples: Path) -> Iterator[Item]:
    for name, rendering, kind, truth in _documents(samples):
        yield name, rendering, kind, truth, (samples / "partage" / name).read_bytes()


def _generated_items(count: int) -> Iterator[Item]:
    rng = random.Random(4242)
    trainings = [i for i in data.invoices() if i.hours]
    for n in range(count):
        invoice = trainings[n % len(trainings)]
        for kind in ("convention", "contrat"):
            pdf, truth = _draw(kind, invoice, rng)
            name = f"generated/{kind}-{n:02d}"
            yield name, "digital", kind, truth, pdf
            turn = 1 if rng.random() < 0.25 else 0
            yield name, "scan", kind, truth, render.scan(pdf, rng.randrange(10**6), turn=turn)
            if len(pdfium.PdfDocument(pdf)) == 1:  # a photo shows the first page only
                photo = render.photo(pdf, rng.randrange(10**6))
                yield name, "photo", kind, truth, _as_pdf(photo)


def _as_pdf(jpeg: bytes) -> bytes:
    """Wrap a photo in a PDF, as intake wraps dropped pictures."""
    out = io.BytesIO()
    Image.open(io.BytesIO(jpeg)).save(out, "PDF", resolution=150)
    return out.getvalue()


def _draw(kind: str, invoice: Any, rng: random.Random) -> tuple[bytes, dict[str, bool]]:
    parties = ("organisme", "client" if kind == "convention" else "stagiaire", "formateur")
    signed = tuple(p for p in parties if rng.random() < 0.6)
    drawer = pen.Pen(random.Random(rng.randrange(10**6)))
    when = date(2026, 1, 15)
    if kind == "convention":
        fields = docs.convention(drawer, invoice, number=False, signed=signed, doc_date=when)
    else:
        fields = docs.contrat(drawer, invoice, signed=signed, doc_date=when)
    pdf, _ = drawer.finish()
    truth = fields["signatures"]
    assert isinstance(truth, dict)
    return pdf, {str(k): bool(v) for k, v in truth.items()}


def _run_one(
    item: Item,
    engine: TesserocrEngine,
    settings: OcrSettings,
    runs: int,
) -> Outcome:
    name, rendering, kind, truth, pdf = item
    parties: list[Party] = list(truth)  # type: ignore[arg-type]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        read = read_blocks(pdf, engine, settings, parties=parties, organisme_names=COOP_NAMES)
        times.append(time.perf_counter() - start)
    failures = []
    right = 0
    for party, signed in truth.items():
        block = read.blocks[party]  # type: ignore[index]
        if block.signed == signed:
            right += 1
        else:
            failures.append(
                f"{name} [{rendering}] {party}: read {block.signed}, truth {signed} "
                f"(ink {block.ink}, confidence {block.confidence})"
            )
    failures += [f"{name} [{rendering}] review: {line}" for line in read.review]
    return Outcome(
        name, rendering, kind, statistics.median(times), right, len(truth), len(read.review),
        failures,
    )  # fmt: skip


def _report(outcomes: list[Outcome]) -> None:
    by: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by[outcome.rendering].append(outcome)
    print(f"{'rendering':<10} {'docs':>4} {'blocks':>6} {'accuracy':>9} {'review':>6} "
          f"{'median s':>9} {'max s':>6}")  # fmt: skip
    for rendering, group in sorted(by.items()):
        right = sum(o.right for o in group)
        blocks = sum(o.blocks for o in group)
        seconds = [o.seconds for o in group]
        print(
            f"{rendering:<10} {len(group):>4} {blocks:>6} {right / blocks:>9.1%} "
            f"{sum(o.review for o in group):>6} {statistics.median(seconds):>9.2f} "
            f"{max(seconds):>6.2f}"
        )
    failures = [line for o in outcomes for line in o.failures]
    print(f"\nfailures and reviews: {len(failures)}")
    for line in failures:
        print("  " + line)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--samples", type=Path, default=Path(__file__).parents[1] / "samples")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--generated", type=int, default=0, help="generated documents per type")
    args: Any = parser.parse_args(argv)
    settings = OcrSettings()
    with TesserocrEngine(settings) as engine:
        outcomes = [
            _run_one(item, engine, settings, args.runs) for item in _sample_items(args.samples)
        ]
        print("== samples")
        _report(outcomes)
        if args.generated:
            generated = [
                _run_one(item, engine, settings, args.runs)
                for item in _generated_items(args.generated)
            ]
            print("\n== generated")
            _report(generated)


if __name__ == "__main__":
    main()
