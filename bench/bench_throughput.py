"""Born-digital documents per second through the real daemon, with one worker and all cores.

    python bench/bench_throughput.py [--docs 200] [--runs 3] [--json FILE]

A real workspace: the six invented entrepreneurs of the generated matching set
(``samples/gen/matching_set.py``, seed 2026), their invoices imported from an export in the
CONTRACT's format, and the first ``--docs`` of its born-digital documents (conventions,
attendance sheets, evaluations, attestations, CVs, programmes...) laid in their folders of the
share. Then ``dossiers watch --once`` reads, classifies, extracts, matches, archives and files
every one of them, with ``workers = 1`` and then ``workers = <cores>``. Each run starts from a
fresh copy of the workspace and a fresh process; the figure is the median over ``--runs`` of
documents / wall-clock seconds (start-up included: a one-shot pass is how ``--once`` runs),
and the peak resident memory of the daemon and its workers together.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import Figure, PeakMemory, write  # noqa: E402
from samples.gen import matching_set  # noqa: E402
from samples.gen.export import export_csv  # noqa: E402


def workspace(root: Path, docs: int) -> int:
    """The workspace under ``root`` (config, people, invoices, share); returns the files laid."""
    mset = matching_set.build(2026)
    drop = root / "partage"
    for doc in mset.documents[:docs]:
        pdf, _ = matching_set.draw(doc)
        path = drop / doc.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pdf)
    people = "name;email;folder\n" + "".join(
        f"{e.name};{e.email};{e.folder}\n" for e in mset.entrepreneurs
    )
    (root / "entrepreneurs.csv").write_text(people, encoding="utf-8")
    (root / "export.csv").write_bytes(export_csv(mset.invoices))
    (root / "config.toml").write_text(
        '[cooperative]\nname = "Coopérative Banc d\'Essai"\nnda = "76341234534"\n'
        'siret = "12345678900012"\n'
        '[paths]\ndrop = "partage"\narchive = "archive"\ndatabase = "dossiers.sqlite3"\n'
        '[entrepreneurs]\ncsv = "entrepreneurs.csv"\n'
        "[watch]\nsettle_seconds = 0.2\npoll_interval = 0.5\nworkers = 1\n",
        encoding="utf-8",
    )
    dossiers(root, "import-invoices", str(root / "export.csv"))
    return min(docs, len(mset.documents))


def dossiers(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [sys.executable, "-m", "pipeline", "--config", str(root / "config.toml"), *args],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if run.returncode not in (0, 1):  # 1: something waits for a person, which is normal here
        raise RuntimeError(f"dossiers {' '.join(args)} failed: {run.stderr[-2000:]}")
    return run


def one_pass(template: Path, workers: int) -> tuple[float, float, int]:
    """(seconds, peak MB, files recorded) of ``watch --once`` on a fresh copy of the workspace."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        shutil.copytree(template, root, symlinks=True)
        config = root / "config.toml"
        text = config.read_text(encoding="utf-8").replace("workers = 1", f"workers = {workers}")
        config.write_text(text, encoding="utf-8")
        time.sleep(0.5)  # every file older than the settle time
        start = time.perf_counter()
        daemon = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "--config", str(config), "watch", "--once"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        with PeakMemory(daemon.pid) as peak:
            _, err = daemon.communicate()
        seconds = time.perf_counter() - start
        if daemon.returncode not in (0, 1):
            raise RuntimeError(f"watch --once failed: {err.decode()[-2000:]}")
        db = sqlite3.connect(root / "dossiers.sqlite3")
        recorded = int(db.execute("SELECT count(*) FROM files").fetchone()[0])
        db.close()
        return seconds, peak.peak, recorded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "ws"
        template.mkdir()
        laid = workspace(template, args.docs)
        print(f"{laid} born-digital documents of the matching set; {cores} cores")
        for workers in sorted({1, cores}):
            runs = [one_pass(template, workers) for _ in range(args.runs)]
            recorded = {r[2] for r in runs}
            if recorded != {laid}:
                raise RuntimeError(f"{workers} worker(s): {recorded} files recorded, {laid} laid")
            rate = statistics.median(laid / r[0] for r in runs)
            peak = statistics.median(r[1] for r in runs)
            print(
                f"workers={workers}: {rate:.2f} documents/s (median of {args.runs}; "
                f"{', '.join(f'{r[0]:.1f}' for r in runs)} s), peak {peak:.0f} MB"
            )
            figures.append(
                Figure(
                    f"born-digital documents, {workers} worker{'s' if workers > 1 else ''}",
                    round(rate, 2),
                    "documents/s",
                    round(peak),
                    f"{laid} documents, `watch --once`, median of {args.runs}",
                )  # fmt: skip
            )
    write(args.json, figures)


if __name__ == "__main__":
    main()
