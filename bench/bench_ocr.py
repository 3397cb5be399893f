"""Benchmark of the text stage on the samples: ours versus the raw ``tesseract`` command.

    python bench/bench_ocr.py [--runs 3] [--samples samples] [--variants] [--only TEXT]

For every page of every scanned, photographed or PNG sample (``samples/expected.json``):
seconds per page of our text stage (page image extraction or rendering, perspective,
lighting, orientation, deskew, OCR) against ``tesseract <page.png> - -l fra`` run on the
page image as extracted (the PNG is written first; only the command is timed), medians over
runs, and word recall of both against ``samples/truth``. Then the whole read of the same files
(``runner.read``: intake, text, classify, extract with the signature and attendance readers)
per page, against the same command on the same pages: the ratio is what the pipeline adds to
OCR; each file's ratio is printed with its documents' types (attendance sheets cost more:
their cells are read again on their own). Then seconds per born-digital document for
``read_pages``. ``--variants`` adds recall and time with one clean-up step off at a time,
and with PSM 6 instead of 3.

``OMP_THREAD_LIMIT=1`` is set for both: the tesserocr wheel has no OpenMP, and Debian's
tesseract with OpenMP would otherwise use every core, which is not how a busy worker runs.

Both are timed twice: wall seconds, and CPU seconds (this process's, the command's as a
child's). On a machine other jobs share, wall time swings with their load while CPU time
barely moves: the CPU ratio is the one to compare between runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"  # before tesserocr loads: see the module docstring

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pypdfium2 as pdfium  # noqa: E402

from bench.measure import Figure, self_peak_mb, write  # noqa: E402
from pipeline import intake, runner, text  # noqa: E402
from pipeline.config import read_only_config  # noqa: E402
from pipeline.intake import IntakeLimits  # noqa: E402
from pipeline.ocr import OcrSettings, TesserocrEngine, read_image  # noqa: E402
from pipeline.record import Doc, Source  # noqa: E402

OCR_RENDERINGS = ("scan", "photo", "png")


@dataclass
class PageRun:
    file: str
    name: str
    ours_s: list[float]
    cli_s: list[float]
    ours_cpu: list[float]
    cli_cpu: list[float]
    ours_recall: float
    cli_recall: float
    rotation: int
    skew: float
    confidence: float


def words(value: str) -> list[str]:
    return re.findall(r"\w+", value.lower())


def recall(got: str, truth: str) -> float:
    have, want = Counter(words(got)), Counter(words(truth))
    total = sum(want.values())
    return sum(min(n, have[w]) for w, n in want.items()) / total if total else 1.0


def load_pdf(path: Path, samples: Path) -> bytes:
    doc = intake.run(
        Doc(source=Source(path=path, rel=str(path.relative_to(samples)))), IntakeLimits()
    )
    assert doc.pdf is not None
    return doc.pdf


def truth_pages(samples: Path, rel: str) -> list[str]:
    return (samples / "truth" / f"{rel}.txt").read_text(encoding="utf-8").rstrip("\n").split("\f")


def children_cpu() -> float:
    """CPU seconds of this process's finished children (the commands run)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def ours_page(
    pdf: bytes, index: int, engine: TesserocrEngine, settings: OcrSettings
) -> tuple[float, float, text.PageText]:
    """Wall and CPU seconds of the text stage on one page, and what it read."""
    document = pdfium.PdfDocument(pdf)
    try:
        start, cpu = time.perf_counter(), time.process_time()
        image, dpi = text.page_image(document[index], settings)
        read = read_image(image, dpi, engine, settings)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    finally:
        document.close()
    page = text.PageText(
        number=index + 1,
        text=read.result.text,
        ocr=True,
        confidence=read.result.confidence,
        rotation=read.rotation,
        skew=read.skew,
    )
    return elapsed, cpu, page


def cli_page(
    pdf: bytes, index: int, settings: OcrSettings, workdir: Path
) -> tuple[float, float, str]:
    """Wall and CPU seconds of the command on the page's image, and what it read."""
    document = pdfium.PdfDocument(pdf)
    try:
        image, dpi = text.page_image(document[index], settings)
    finally:
        document.close()
    png = workdir / f"page{index}.png"
    image.save(png, dpi=(dpi, dpi))
    start, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run(
        ["tesseract", str(png), "-", "-l", "fra"], capture_output=True, text=True, check=True
    )
    return time.perf_counter() - start, children_cpu() - cpu, done.stdout


def bench_pages(
    samples: Path, files: list[dict], runs: int, settings: OcrSettings, workdir: Path
) -> list[PageRun]:
    results: list[PageRun] = []
    with TesserocrEngine(settings) as engine:
        for entry in files:
            pdf = load_pdf(samples / "partage" / entry["file"], samples)
            truths = truth_pages(samples, entry["file"])
            for index in range(len(pdfium.PdfDocument(pdf))):
                results.append(
                    bench_one(entry, pdf, index, truths, runs, engine, settings, workdir)
                )
    return results


def bench_one(
    entry: dict,
    pdf: bytes,
    index: int,
    truths: list[str],
    runs: int,
    engine: TesserocrEngine,
    settings: OcrSettings,
    workdir: Path,
) -> PageRun:
    ours = [ours_page(pdf, index, engine, settings) for _ in range(runs)]
    cli = [cli_page(pdf, index, settings, workdir) for _ in range(runs)]
    truth = truths[index] if index < len(truths) else ""
    page = ours[0][2]
    return PageRun(
        file=entry["file"],
        name=f"{entry['rendering']:5} {entry['file'][-42:]} p{index + 1}",
        ours_s=[t for t, _, _ in ours],
        cli_s=[t for t, _, _ in cli],
        ours_cpu=[c for _, c, _ in ours],
        cli_cpu=[c for _, c, _ in cli],
        ours_recall=recall(page.text, truth),
        cli_recall=recall(cli[0][2], truth),
        rotation=page.rotation,
        skew=page.skew,
        confidence=page.confidence or 0.0,
    )


def print_pages(rows: list[PageRun]) -> None:
    print(
        f"{'page':56} {'ours s':>7} {'cli s':>7} {'ratio':>6} {'rec ours':>8} {'rec cli':>8}"
        f" {'rot':>4} {'skew':>6} {'conf':>5} {'ours cpu':>8} {'cli cpu':>8}"
    )
    for r in rows:
        ours, cli = statistics.median(r.ours_s), statistics.median(r.cli_s)
        print(
            f"{r.name:56} {ours:7.2f} {cli:7.2f} {cli / ours:6.2f} {r.ours_recall:8.3f}"
            f" {r.cli_recall:8.3f} {r.rotation:4d} {r.skew:6.2f} {r.confidence:5.2f}"
            f" {statistics.median(r.ours_cpu):8.2f} {statistics.median(r.cli_cpu):8.2f}"
        )
    ours_all = statistics.median([statistics.median(r.ours_s) for r in rows])
    cli_all = statistics.median([statistics.median(r.cli_s) for r in rows])
    ours_cpu = statistics.median(statistics.median(r.ours_cpu) for r in rows)
    cli_cpu = statistics.median(statistics.median(r.cli_cpu) for r in rows)
    print(
        f"{'MEDIAN per page':56} {ours_all:7.2f} {cli_all:7.2f} {cli_all / ours_all:6.2f}"
        f" {statistics.median(r.ours_recall for r in rows):8.3f}"
        f" {statistics.median(r.cli_recall for r in rows):8.3f}"
        f" {'':4} {'':6} {'':5} {ours_cpu:8.2f} {cli_cpu:8.2f}"
    )
    print(
        f"{'MEAN recall (min)':56} {'':7} {'':7} {'':6}"
        f" {statistics.mean(r.ours_recall for r in rows):8.3f}"
        f" {statistics.mean(r.cli_recall for r in rows):8.3f}"
        f"   min ours {min(r.ours_recall for r in rows):.3f},"
        f" cli {min(r.cli_recall for r in rows):.3f}"
    )


@dataclass(frozen=True)
class Whole:
    """The whole read of one file: median wall and CPU seconds over the runs, and its pages."""

    wall: float
    cpu: float
    pages: int


def bench_whole(samples: Path, files: list[dict], runs: int) -> dict[str, Whole]:
    """``runner.read`` of each file (ctx as ``dossiers classify``), timed."""
    config = read_only_config()
    found: dict[str, Whole] = {}
    with TesserocrEngine(config.ocr) as engine:
        ctx = runner.Context(config=config, store=None, ocr=engine)  # type: ignore[arg-type]
        for entry in files:
            path = samples / "partage" / entry["file"]
            times, cpus, pages = [], [], 0
            for _ in range(runs):
                start, cpu = time.perf_counter(), time.process_time()
                doc = runner.read(Doc(source=Source(path=path, rel=path.name)), ctx)
                times.append(time.perf_counter() - start)
                cpus.append(time.process_time() - cpu)
                pages = len(doc.pages)
            found[entry["file"]] = Whole(statistics.median(times), statistics.median(cpus), pages)
    return found


def print_files(rows: list[PageRun], whole: dict[str, Whole], files: list[dict]) -> None:
    """Per file, CPU seconds of the whole read against the command on its pages, with its
    documents' types; then the median ratio per kind of file (the first type it holds)."""
    cli: dict[str, float] = {}
    for r in rows:
        cli[r.file] = cli.get(r.file, 0.0) + statistics.median(r.cli_cpu)
    kinds: dict[str, list[float]] = {}
    print(f"\n{'file (CPU s)':56} {'pages':>5} {'whole':>7} {'cli':>7} {'ratio':>6}  types")
    for entry in files:
        name, found = entry["file"], whole.get(entry["file"])
        if found is None or not cli.get(name):
            continue
        types = [d.get("type") or "?" for d in entry.get("documents", [])] or ["?"]
        ratio = found.cpu / cli[name]
        kinds.setdefault(types[0], []).append(ratio)
        print(
            f"{name[-56:]:56} {found.pages:5d} {found.cpu:7.2f} {cli[name]:7.2f} {ratio:6.2f}"
            f"  {', '.join(dict.fromkeys(types))}"
        )
    for kind, ratios in sorted(kinds.items()):
        print(f"{'  median, files opening with ' + kind:56} {len(ratios):5d} files"
              f" {statistics.median(ratios):6.2f}x")  # fmt: skip


def headline(rows: list[PageRun], whole: dict[str, Whole]) -> list[Figure]:
    """Seconds per page of the text stage and of the whole read, each against the command;
    wall seconds, then the same in CPU seconds."""
    cli_file: dict[str, float] = {}
    cli_cpu_file: dict[str, float] = {}
    for r in rows:
        cli_file[r.file] = cli_file.get(r.file, 0.0) + statistics.median(r.cli_s)
        cli_cpu_file[r.file] = cli_cpu_file.get(r.file, 0.0) + statistics.median(r.cli_cpu)
    text_page = statistics.median(statistics.median(r.ours_s) for r in rows)
    cli_page = statistics.median(statistics.median(r.cli_s) for r in rows)
    whole_page = statistics.median(w.wall / w.pages for w in whole.values())
    ratios = [whole[f].wall / cli_file[f] for f in whole if f in cli_file]
    text_cpu = statistics.median(statistics.median(r.ours_cpu) for r in rows)
    cli_cpu = statistics.median(statistics.median(r.cli_cpu) for r in rows)
    whole_cpu = statistics.median(w.cpu / w.pages for w in whole.values())
    cpu_ratios = [whole[f].cpu / cli_cpu_file[f] for f in whole if f in cli_cpu_file]
    text_ratios = [statistics.median(r.ours_cpu) / statistics.median(r.cli_cpu) for r in rows]
    print(
        f"\nwhole read per scanned page: median {whole_page:.2f} s; raw tesseract {cli_page:.2f} s;"
        f" median ratio per file {statistics.median(ratios):.2f}x ({len(whole)} files)"
        f"\nin CPU seconds: text stage {text_cpu:.2f} s/page (median ratio per page"
        f" {statistics.median(text_ratios):.2f}x); whole read {whole_cpu:.2f} s/page; raw"
        f" tesseract {cli_cpu:.2f} s/page; median ratio per file"
        f" {statistics.median(cpu_ratios):.2f}x"
    )
    peak = round(self_peak_mb())
    pages = len(rows)
    cpu_text = statistics.median(text_ratios)
    cpu_whole = statistics.median(cpu_ratios)
    return [
        Figure("scanned page, raw `tesseract` command", round(cli_page, 2), "s/page", None,
               f"{pages} pages of the samples, `-l fra`, median; {cli_cpu:.2f} CPU s/page"),
        Figure("scanned page, text stage (clean-up and OCR)", round(text_page, 2), "s/page", peak,
               f"{text_page / cli_page:.2f}x the command on the same pages;"
               f" CPU {cpu_text:.2f}x"),
        Figure("scanned page, whole read (text, classify, extract, marks)", round(whole_page, 2),
               "s/page", peak, f"{statistics.median(ratios):.2f}x the command on the same pages;"
               f" CPU {cpu_whole:.2f}x"),
    ]  # fmt: skip


def bench_digital(samples: Path, files: list[dict], runs: int, settings: OcrSettings) -> None:
    print(f"\n{'born-digital document':56} {'pages':>5} {'s/doc':>7} {'recall':>7}")
    for entry in files:
        pdf = load_pdf(samples / "partage" / entry["file"], samples)
        times, pages = [], ()
        for _ in range(runs):
            start = time.perf_counter()
            pages = text.read_pages(pdf, None, settings)
            times.append(time.perf_counter() - start)
        truth = "\f".join(truth_pages(samples, entry["file"]))
        got = "\f".join(p.text for p in pages)
        print(
            f"{entry['file'][-56:]:56} {len(pages):5d} {statistics.median(times):7.4f}"
            f" {recall(got, truth):7.3f}"
        )


VARIANTS: dict[str, dict[str, object]] = {
    "as configured": {},
    "no deskew": {"deskew": False},
    "no orientation": {"orientation": False},
    "no lighting": {"even_lighting": False},
    "no perspective": {"perspective": False},
    "psm 6": {"psm": 6},
    "psm 11": {"psm": 11},
    "no upscaling": {"min_ocr_dpi": 0},
}


def bench_variants(samples: Path, files: list[dict]) -> None:
    print(f"\n{'variant':20} {'s/page':>7} {'mean rec':>8} {'min rec':>8}")
    for label, change in VARIANTS.items():
        settings = OcrSettings(**change)  # type: ignore[arg-type]
        times, recalls = [], []
        with TesserocrEngine(settings) as engine:
            for entry in files:
                pdf = load_pdf(samples / "partage" / entry["file"], samples)
                truths = truth_pages(samples, entry["file"])
                for index in range(len(pdfium.PdfDocument(pdf))):
                    elapsed, _, page = ours_page(pdf, index, engine, settings)
                    times.append(elapsed)
                    recalls.append(recall(page.text, truths[index] if index < len(truths) else ""))
        print(
            f"{label:20} {statistics.median(times):7.2f} {statistics.mean(recalls):8.3f}"
            f" {min(recalls):8.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--samples", type=Path, default=Path(__file__).resolve().parents[1] / "samples"
    )
    parser.add_argument("--variants", action="store_true", help="recall with each step off")
    parser.add_argument("--json", type=Path, help="headline figures for run_all.py")
    parser.add_argument(
        "--only",
        action="append",
        metavar="TEXT",
        help="only the files whose path holds TEXT (repeat for more; e.g. emargement)",
    )
    args = parser.parse_args()
    listing = json.loads((args.samples / "expected.json").read_text(encoding="utf-8"))["files"]
    readable = [f for f in listing if (args.samples / "truth" / f"{f['file']}.txt").is_file()]
    if args.only:
        readable = [f for f in readable if any(text in f["file"] for text in args.only)]
    settings = OcrSettings()
    print(f"OMP_THREAD_LIMIT=1; {os.cpu_count()} cores; runs={args.runs}; settings {settings}\n")
    with tempfile.TemporaryDirectory() as workdir:
        rows = bench_pages(
            args.samples,
            [f for f in readable if f["rendering"] in OCR_RENDERINGS],
            args.runs,
            settings,
            Path(workdir),
        )
    print_pages(rows)
    scanned = [f for f in readable if f["rendering"] in OCR_RENDERINGS]
    whole = bench_whole(args.samples, scanned, args.runs)
    print_files(rows, whole, scanned)
    write(args.json, headline(rows, whole))
    bench_digital(
        args.samples, [f for f in readable if f["rendering"] == "digital"], args.runs, settings
    )
    if args.variants:
        bench_variants(args.samples, [f for f in readable if f["rendering"] in OCR_RENDERINGS])


if __name__ == "__main__":
    main()
