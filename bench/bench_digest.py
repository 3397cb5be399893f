"""Time to build the morning digest over many open dossiers.

    .venv/bin/python bench/bench_digest.py [--open 5000] [--runs 5]

A temporary database gets synthetic training invoices and their document rows
(``samples/gen/records.py``: no file is read) so that about ``--open`` dossiers are open
(incomplete or inconsistent), a third as many complete. Then, medians of ``--runs``:

- ``build``: :func:`pipeline.digest.build` on a working day, the previous digest and eight
  weeks of digests recorded (the daemon's every morning: the chart reads the records);
- ``build, first``: the same with no digest ever sent (the chart's weeks estimated from
  the documents' received dates: each week re-evaluates every dossier);
- ``email``: the HTML and text parts rendered and the full list attached as XLSX.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline import digest, digest_mail  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from pipeline.store import Store  # noqa: E402
from samples.gen.records import PEOPLE, seed_store  # noqa: E402

DAY = date(2026, 11, 23)
MOMENT = datetime(2026, 11, 23, 8, 0)
COMPLETE = 0.25


def median_time(runs: int, work: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=5000, help="open dossiers wanted")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-digest-") as tmp:
        root = Path(tmp)
        (root / "partage").mkdir()
        people = "name;email;folder\n" + "".join(f"{p};;{p}\n" for p in PEOPLE)
        (root / "entrepreneurs.csv").write_text(people, encoding="utf-8")
        (root / "config.toml").write_text(
            '[cooperative]\nname = "Coopérative Banc"\nnda = "76341234534"\n'
            'siret = "12345678900012"\n[paths]\ndrop = "partage"\narchive = "archive"\n'
            'database = "db.sqlite3"\n[entrepreneurs]\ncsv = "entrepreneurs.csv"\n'
            '[digest]\nrecipients = ["appui@example.org"]\n',
            encoding="utf-8",
        )
        config = load_config(root / "config.toml")
        with Store(config.paths.database) as store:
            store.sync_entrepreneurs(config.people)
            start = time.perf_counter()
            n = round(args.open / (1 - COMPLETE))
            seed_store(store, n, DAY, complete_share=COMPLETE)
            made = time.perf_counter() - start
            first_time, first = median_time(
                max(1, args.runs // 2), lambda: digest.build(store, config, DAY, MOMENT)
            )
            assert isinstance(first, digest.Digest)
            with store.transaction() as db:  # eight weeks of mornings, the last one on Friday
                for back in range(56, 0, -1):
                    day = DAY - timedelta(days=back)
                    if day.weekday() < 5:
                        store.log(db, datetime.combine(day, MOMENT.time()), digest.SENT,
                                  day=day.isoformat(), **first.snapshot())  # fmt: skip
            build_time, built = median_time(
                args.runs, lambda: digest.build(store, config, DAY, MOMENT)
            )
            assert isinstance(built, digest.Digest)
            mail_time, message = median_time(
                args.runs, lambda: digest_mail.compose(built, config).as_bytes()
            )
            db_size = config.paths.database.stat().st_size
    documents = sum(len(d["documents"]) for d in built.report["dossiers"])
    print(f"{n} training invoices, {documents} documents ({made:.0f} s to generate, "
          f"database {db_size / 1e6:.0f} MB); {built.open_total} open dossiers, "
          f"{built.late_total} late; email {len(message) / 1e6:.1f} MB")  # fmt: skip
    print(f"{'step':<16}{'median s':>10}")
    print(f"{'build':<16}{build_time:>10.2f}")
    print(f"{'build, first':<16}{first_time:>10.2f}")
    print(f"{'email':<16}{mail_time:>10.2f}")


if __name__ == "__main__":
    main()
