"""Benchmark of signature-block reading on the samples.

    python bench/bench_signatures.py [--samples samples] [--runs 1] [--generated N]
                                     [--seed 4242] [--renderings digital,scan,photo]
                                     [--blocks N]

For every document of ``samples/expected.json`` with a ``signatures`` field (conventions,
contracts, signed quotes): :func:`pipeline.reading.signatures.read_blocks` on the file, with the
expected parties. Prints per document type and rendering (digital, scan, photo) the blocks,
the per-block accuracy, the blocks sent to review, the median and worst seconds per
document, then every wrong or doubtful block with its ink and confidence.

The samples hold a single unsigned block; ``--generated N`` adds the labelled set of
:mod:`samples.gen.signed`: N conventions, contracts, signed quotes and attestations with
random parties signed, by hand or electronically (printed mention, pyHanko signature
field), each born-digital, scanned and photographed (seeded: the same set every run).

``--blocks N`` adds N pages of :func:`samples.gen.blocks.random_pages`: signature blocks with
label wordings, captions, boxes and placements drawn at random, holding a signature, a
stamp, a stamp and a signature, a written "Lu et approuvé" or "Bon pour accord", or
nothing (a stamp or a mention alone is not signed), born-digital and scanned. The line
"false signed" counts the unsigned blocks read as signed.

``OMP_THREAD_LIMIT=1`` as in ``bench_ocr.py``: one core, as a busy worker runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ["OMP_THREAD_LIMIT"] = "1"  # before tesserocr loads

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.ocr import OcrSettings, TesserocrEngine  # noqa: E402
from pipeline.reading.signatures import Party, read_blocks  # noqa: E402
from samples.gen import render  # noqa: E402
from samples.gen.blocks import random_pages  # noqa: E402
from samples.gen.signed import RENDERINGS, labelled_documents  # noqa: E402

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
    false_signed: int = 0


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


def _generated_items(count: int, seed: int, renderings: list[str]) -> Iterator[Item]:
    for doc in labelled_documents(count, seed, renderings):
        how = ",".join(f"{p}:{m}" for p, m in doc.electronic.items())
        name = f"{doc.name} ({how})" if how else doc.name
        yield name, doc.rendering, doc.kind, doc.truth, doc.pdf


def _block_items(count: int, seed: int) -> Iterator[Item]:
    for number, page in enumerate(random_pages(count, seed)):
        yield page.name, "digital", "blocks", page.truth, page.pdf
        yield page.name, "scan", "blocks", page.truth, render.scan(page.pdf, seed + number)


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
    right = false_signed = 0
    for party, signed in truth.items():
        block = read.blocks[party]  # type: ignore[index]
        if block.signed == signed:
            right += 1
        else:
            false_signed += block.signed
            failures.append(
                f"{name} [{rendering}] {party}: read {block.signed}, truth {signed} "
                f"(ink {block.ink}, confidence {block.confidence})"
            )
    failures += [f"{name} [{rendering}] review: {line}" for line in read.review]
    return Outcome(
        name, rendering, kind, statistics.median(times), right, len(truth), len(read.review),
        failures, false_signed,
    )  # fmt: skip


def _report(outcomes: list[Outcome]) -> None:
    by: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by[(outcome.kind, outcome.rendering)].append(outcome)
        by[("all", outcome.rendering)].append(outcome)
    print(f"{'type':<12} {'rendering':<10} {'docs':>4} {'blocks':>6} {'accuracy':>9} "
          f"{'review':>6} {'median s':>9} {'max s':>6}")  # fmt: skip
    for (kind, rendering), group in sorted(by.items(), key=lambda kv: (kv[0][0] == "all", kv[0])):
        right = sum(o.right for o in group)
        blocks = sum(o.blocks for o in group)
        seconds = [o.seconds for o in group]
        print(
            f"{kind:<12} {rendering:<10} {len(group):>4} {blocks:>6} {right / blocks:>9.1%} "
            f"{sum(o.review for o in group):>6} {statistics.median(seconds):>9.2f} "
            f"{max(seconds):>6.2f}"
        )
    print(f"\nfalse signed: {sum(o.false_signed for o in outcomes)}")
    failures = [line for o in outcomes for line in o.failures]
    print(f"failures and reviews: {len(failures)}")
    for line in failures:
        print("  " + line)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--samples", type=Path, default=Path(__file__).parents[1] / "samples")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--generated", type=int, default=0, help="generated documents per type")
    parser.add_argument("--seed", type=int, default=4242, help="seed of the generated set")
    parser.add_argument("--blocks", type=int, default=0, help="random signature-block pages")
    parser.add_argument(
        "--renderings", default=",".join(RENDERINGS), help="generated renderings to read"
    )
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
                for item in _generated_items(args.generated, args.seed, args.renderings.split(","))
            ]
            print("\n== generated")
            _report(generated)
        if args.blocks:
            drawn = [
                _run_one(item, engine, settings, args.runs)
                for item in _block_items(args.blocks, args.seed)
            ]
            print("\n== signature blocks drawn at random")
            _report(drawn)


if __name__ == "__main__":
    main()
