"""The yearly BPF of a large cooperative: time and peak memory.

    python bench/bench_bpf.py [--invoices 100000] [--runs 3] [--no-files]

Builds once (then reuses, under bench/out/) a real database of invented invoices with
their attendance sheets read cell by cell: 500 entrepreneurs, 1 to 12 trainees, one to
three days (some across 31 December, some a half-day short, some with an absence), every
C line a CAE uses, subcontracting both ways; a hot evaluation on a third of them, no sheet
on a tenth. Then, each run in a fresh process (so the peak is the run's own):

- ``compute``: ``pipeline.bpf.run.compile_bpf`` of 2026 (every dossier evaluated as
  ``status`` does, attendance combined, figures, checks);
- ``files``: the same, then ``bpf-2026.json``, ``.xlsx`` and ``.docx`` written.

Prints the median seconds and the median peak resident memory (MB) of each.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import Figure, self_peak_mb, write  # noqa: E402
from pipeline.config import Config, load_config  # noqa: E402
from pipeline.invoices import Invoice  # noqa: E402
from pipeline.store import Store  # noqa: E402

OUT = ROOT / "bench" / "out"
YEAR = 2026
SEED = 2026
VERSION = 1  # bump when the generated set changes
NOW = datetime(2027, 3, 2, 9, 0)
FIRST = ("Léa", "Paul", "Inès", "Hugo", "Chloé", "Yanis", "Manon", "Lucas", "Emma", "Nadia",
         "Marc", "Sophie", "Karim", "Julie", "Olivier", "Sarah")  # fmt: skip
LAST = ("Martin", "Durand", "Morel", "Blanc", "Petit", "Lopez", "Roux", "Garcia", "Vidal",
        "Mercier", "Arnaud", "Haddad", "Fabre", "Castel", "Leroy", "Benoît")  # fmt: skip
# (code, client type, status, share of invoices)
KINDS = (("C1", "entreprise", "salarié", 0.55), ("C2h", "opco", "salarié", 0.15),
         ("C2e", "opco", "salarié", 0.05), ("C3", "public", "autre", 0.05),
         ("C7", "public", "demandeur d'emploi", 0.05), ("C9", "particulier", "particulier", 0.07),
         ("C10", "organisme de formation", "salarié", 0.05),
         ("C6", "public", "demandeur d'emploi", 0.03))  # fmt: skip
NSF = ("315", "324", "136", "320", "413", "312", "314", "326", "333", "344")


def build(path: Path, count: int) -> None:
    """A database of ``count`` training invoices of 2026 with their documents."""
    rng = random.Random(SEED)
    people = [f"{rng.choice(FIRST)} {LAST[n % len(LAST)]} {n:03d}" for n in range(500)]
    with Store(path) as store:
        invoices, documents = [], []
        for n in range(count):
            inv, docs = _invoice(rng, n, rng.choice(people))
            invoices.append(inv)
            documents += docs
        store.upsert_invoices(invoices, NOW)
        with store.transaction() as db:
            for number, who, kind, fields in documents:
                rel = f"{who}/{number}-{kind}.pdf"
                file_id = store.add_file(db, rel=rel, entrepreneur=who, sha256=rel, size=1,
                                         kind="pdf", pages=1, received_at=NOW.isoformat(),
                                         state="traite")  # fmt: skip
                store.add_document(db, file_id=file_id, first_page=1, last_page=1, type=kind,
                                   confidence=1.0, fields=fields, invoice=number,
                                   entrepreneur=who, score=1.0, method="bench")  # fmt: skip


def _invoice(
    rng: random.Random, n: int, who: str
) -> tuple[Invoice, list[tuple[str, str, str, dict[str, Any]]]]:
    code, client_type, status, _ = rng.choices(KINDS, weights=[k[3] for k in KINDS])[0]
    start = date(2025, 12, 1) + timedelta(days=rng.randrange(0, 395))
    while start.weekday() >= 5:
        start += timedelta(days=1)
    days = [start + timedelta(days=d) for d in range(rng.choice((1, 1, 2, 2, 3)))]
    names = tuple(sorted({f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                          for _ in range(rng.randint(1, 12))}))  # fmt: skip
    hours = 7.0 * len(days)
    number = f"FA-{n:06d}"
    inv = Invoice(
        number=number, date=days[-1] + timedelta(days=rng.randint(1, 20)), entrepreneur=who,
        client=f"Client {n % 3000}", client_type=client_type, title=f"Formation {n % 700}",
        place="Montpellier", start=days[0], end=days[-1], hours=hours,
        trainee_count=len(names), trainees=names, statuses=(status,),
        trainee_hours=hours * len(names), bpf_code=code, objective="F3d",
        nsf=rng.choice(NSF), amount_ht=round(rng.uniform(300, 4000), 2),
        subcontracting="reçue" if code == "C10" else rng.choices(("non", "confiée"), (19, 1))[0],
        distance=rng.choices(("non", "partiel", "total"), (8, 1, 1))[0],
    )  # fmt: skip
    docs: list[tuple[str, str, str, dict[str, Any]]] = []
    if rng.random() < 0.9:
        docs.append((number, who, "emargement", _sheet(rng, days, names)))
    if rng.random() < 0.33:
        marks = {"score": round(rng.uniform(0.5, 1.0), 2), "scale": [1, 5], "answers": []}
        docs.append((number, who, "evaluation_chaud", {"satisfaction": marks}))
    return inv, docs


def _sheet(rng: random.Random, days: list[date], names: tuple[str, ...]) -> dict[str, Any]:
    short = rng.random() < 0.05  # the last half-day's column missing
    slots = [(d.isoformat(), h) for d in days for h in ("matin", "apres-midi")]
    slots = slots[:-1] if short and len(slots) > 1 else slots
    cells = []
    for day, half in slots:
        for name in names:
            absent = rng.random() < 0.03
            cells.append({"date": day, "half_day": half, "trainee": name, "signed": not absent,
                          "mark": "absent" if absent else "signed"})  # fmt: skip
    trainer = [{"date": d, "half_day": h, "signed": True} for d, h in slots]
    return {"trainees": list(names), "sessions": cells, "trainer_signed": trainer}


def _config(folder: Path, database: Path) -> Config:
    (folder / "partage").mkdir(exist_ok=True)
    (folder / "config.toml").write_text(
        '[cooperative]\nname = "Coopérative Banc d\'essai"\nnda = "76341234534"\n'
        'siret = "12345678900012"\n[paths]\ndrop = "partage"\narchive = "archive"\n'
        f'database = "{database}"\n',
        encoding="utf-8",
    )
    return load_config(folder / "config.toml")


def _measure(database: str, files: bool) -> tuple[float, float]:
    """One run in this (fresh) process: seconds, and the peak resident memory in MB."""
    from pipeline.bpf.run import compile_bpf, write_outputs

    with tempfile.TemporaryDirectory() as tmp:
        config = _config(Path(tmp), Path(database))
        start = time.perf_counter()
        with Store(config.paths.database) as store:
            bpf = compile_bpf(store, config, YEAR, NOW)
            if files:
                write_outputs(bpf, Path(tmp) / "bpf")
        seconds = time.perf_counter() - start
    return seconds, self_peak_mb()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--invoices", type=int, default=100_000, help="training invoices")
    ap.add_argument("--runs", type=int, default=3, help="runs of each measure (median)")
    ap.add_argument("--no-files", action="store_true", help="only the computation")
    ap.add_argument("--json", type=Path, help="headline figures for run_all.py")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    database = OUT / f"bpf-{args.invoices}-v{VERSION}.sqlite3"
    if not database.exists():
        began = time.perf_counter()
        partial = database.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        build(partial, args.invoices)
        partial.rename(database)
        print(f"database built in {time.perf_counter() - began:.0f} s: {database}")
    context = multiprocessing.get_context("spawn")  # a fresh process: its own peak memory
    measures = [("compute", False)] + ([] if args.no_files else [("files", True)])
    print(f"BPF {YEAR} of {args.invoices:,} invoices, median of {args.runs} runs")
    print(f"{'measure':<10}{'seconds':>10}{'peak MB':>10}   runs (s)")
    figures = []
    for name, files in measures:
        results = []
        for _ in range(args.runs):
            with context.Pool(1) as pool:
                results.append(pool.apply(_measure, (str(database), files)))
        seconds = statistics.median(r[0] for r in results)
        peak = statistics.median(r[1] for r in results)
        runs = " ".join(f"{r[0]:.1f}" for r in results)
        print(f"{name:<10}{seconds:>10.1f}{peak:>10.0f}   {runs}", flush=True)
        what = "every dossier evaluated, figures, checks"
        if files:
            what += ", then JSON, XLSX and DOCX written"
        figures.append(
            Figure(f"BPF of {args.invoices:,} invoices ({name})", round(seconds, 1), "s",
                   round(peak), f"{what}; median of {args.runs}, each in a fresh process")
        )  # fmt: skip
    write(args.json, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
