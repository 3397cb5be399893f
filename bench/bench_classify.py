"""Bench of the classifier and the extractors on the sample corpus.

    python bench/bench_classify.py [--samples DIR] [--noise] [--ocr-dir DIR] [-v]

For every document of ``samples/expected.json`` whose text is available, runs
``classify_text`` and ``extract`` and prints, as plain text tables: accuracy
per type and overall, the confusion pairs, field accuracy per key, and
milliseconds per document. ``--noise`` adds a run on the same texts degraded
the way a poor OCR degrades them (accents lost, letters confused, lines broken).

Hook for the real pipeline: ``--ocr-dir DIR`` reads ``DIR/<file>.txt`` (pages
separated by form feeds, same relative paths as ``samples/truth``) instead of
the truth texts, e.g. the text the pipeline's OCR stage produced from the
scans. See :func:`load_samples`; swap it for a call into the OCR stage when
that exists.
"""

from __future__ import annotations

import argparse
import sys
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.classify import classify_text  # noqa: E402
from pipeline.extract import extract  # noqa: E402
from pipeline.parse import fold, same_person  # noqa: E402
from pipeline.record import DocType  # noqa: E402
from samples import ground_truth as truth  # noqa: E402
from samples.ground_truth import ocr_noise  # noqa: E402

#: Keys compared with expected.json (signatures/sessions come from images, not text).
FIELD_KEYS = (
    "invoice_number", "training_title", "client", "trainer", "start_date", "end_date",
    "duration_hours", "trainees", "amount_ht", "date", "trainee", "hours_attended",
    "person", "updated", "sections", "satisfaction",
)  # fmt: skip


@dataclass(frozen=True)
class Sample:
    ident: str  # "<file>#<first page>"
    text: str
    type: str
    fields: dict[str, Any]
    default_year: int


def load_samples(samples: Path, text_dir: Path | None = None) -> list[Sample]:
    """Every typed document of the corpus; ``text_dir`` swaps the truth texts for others."""
    year = truth.expected(samples).get("year", 2026)
    return [
        Sample(d.ident, d.text, d.expected["type"], d.expected.get("fields", {}), year)
        for d in truth.documents(samples, text_dir)
    ]


def same_value(key: str, got: Any, want: Any) -> bool:
    """Field equality as a user would judge it: names by person, numbers by value."""
    if got is None:
        return False
    if key in {"trainer", "trainee", "person"}:
        return same_person(str(got), str(want)) >= 0.9
    if key == "trainees":
        return len(got) == len(want) and all(
            any(same_person(g, w) >= 0.9 for g in got) for w in want
        )
    if key == "satisfaction":
        return abs(got.get("score", -1) - want["score"]) < 0.01
    if key in {"training_title", "client"} and isinstance(got, str):
        # Accents lost by OCR are the OCR's doing, not the extractor's.
        return fold(got).strip() == fold(str(want)).strip()
    if isinstance(want, float | int) and isinstance(got, float | int):
        return abs(got - want) < 0.01
    return bool(got == want)


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    def __str__(self) -> str:
        pct = 100 * self.right / self.total if self.total else 0.0
        return f"{self.right:>4}/{self.total:<4} {pct:6.1f} %"


@dataclass
class Report:
    per_type: dict[str, Tally]
    confusion: Counter[tuple[str, str]]
    per_field: dict[str, Tally]
    misses: list[str]
    seconds: float
    count: int


def run(samples: list[Sample], transform: Callable[[Sample], str]) -> Report:
    per_type: dict[str, Tally] = defaultdict(Tally)
    per_field: dict[str, Tally] = defaultdict(Tally)
    confusion: Counter[tuple[str, str]] = Counter()
    misses: list[str] = []
    elapsed = 0.0
    for sample in samples:
        text = transform(sample)
        start = time.perf_counter()
        got_type, _ = classify_text(text)
        fields = extract(DocType(sample.type), text, sample.default_year)
        elapsed += time.perf_counter() - start
        per_type[sample.type].add(got_type == sample.type)
        if got_type != sample.type:
            confusion[(sample.type, str(got_type))] += 1
        for key in FIELD_KEYS:
            if key in sample.fields:
                ok = same_value(key, fields.get(key), sample.fields[key])
                per_field[key].add(ok)
                if not ok:
                    misses.append(f"{sample.ident} {key}: got {fields.get(key)!r} "
                                  f"want {sample.fields[key]!r}")  # fmt: skip
    return Report(per_type, confusion, per_field, misses, elapsed, len(samples))


def render(title: str, report: Report, verbose: bool) -> str:
    lines = [f"== {title} ==", "", f"{'type':<20} accuracy"]
    overall = Tally()
    for doc_type in sorted(report.per_type):
        tally = report.per_type[doc_type]
        overall.right += tally.right
        overall.total += tally.total
        lines.append(f"{doc_type:<20} {tally}")
    lines += [f"{'OVERALL':<20} {overall}", ""]
    if report.confusion:
        lines.append("confusions (expected -> got):")
        lines += [f"  {a} -> {b}: {n}" for (a, b), n in report.confusion.most_common()]
        lines.append("")
    lines.append(f"{'field':<20} accuracy (documents where expected.json states it)")
    lines += [f"{key:<20} {report.per_field[key]}" for key in FIELD_KEYS if key in report.per_field]
    ms = 1000 * report.seconds / max(report.count, 1)
    lines += ["", f"{ms:.1f} ms per document (classify + extract), {report.count} documents", ""]
    if verbose and report.misses:
        lines += ["field misses:"] + [f"  {m}" for m in report.misses] + [""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument(
        "--ocr-dir",
        type=Path,
        default=None,
        help="read <dir>/<file>.txt (e.g. OCR output) instead of the truth texts",
    )
    parser.add_argument("--noise", action="store_true", help="also run on OCR-noised texts")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every field miss")
    args = parser.parse_args(argv)
    samples = load_samples(args.samples, args.ocr_dir)
    if not samples:
        sys.stderr.write(
            f"No documents with text under {args.samples}: generate the samples first.\n"
        )
        return 2
    label = "OCR texts" if args.ocr_dir else "truth texts"
    out = [render(label, run(samples, lambda s: s.text), args.verbose)]
    if args.noise:
        noisy = run(samples, lambda s: ocr_noise(s.text, seed=zlib.crc32(s.ident.encode())))
        out.append(render(f"{label}, OCR noise 3 %", noisy, args.verbose))
    sys.stdout.write("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
