"""Regenerate ``docs/digest.png``: the sample cooperative's morning digest as a mail client
shows it (headless Chromium).

    .venv/bin/python docs/screenshot.py [--workspace DIR] [--chromium PATH]

Not run by the tests: it reads every sample (OCR included, a few minutes). ``dossiers demo``
ingests all the samples at once; a real share receives them over months, so this script
replays the sample year instead: each file is ingested on a day after its training
(deterministic: 3 to 37 days after the training's last day; the entrepreneurs' own pieces
in January; the unusable files in the last days), and each working morning of the last eight
weeks the daemon's digest is sent into an outbox folder and recorded, as it would be. The
chart, "reçu depuis le dernier résumé" and "dossiers complétés" of the screenshot therefore
come from recorded digests. Then the digest of ``DAY`` is written as HTML and captured.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import zlib
from datetime import date, datetime, time, timedelta
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import digest, digest_mail, digest_send, operations, runner  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from pipeline.mailer import OutboxMailer  # noqa: E402
from pipeline.ocr import TesserocrEngine  # noqa: E402
from pipeline.store import Store  # noqa: E402

SAMPLES = ROOT / "samples"
TARGET = ROOT / "docs" / "digest.png"
DAY = date(2026, 6, 29)  # a Monday of the sample year
YEAR_START = date(2026, 1, 5)
WIDTH = 760
CONFIG = """[cooperative]
name = "Coopérative Exemple"
nda = "76341234534"
siret = "12345678900012"

[paths]
drop = "partage"
archive = "archive"
database = "dossiers.sqlite3"

[entrepreneurs]
csv = "entrepreneurs.csv"

[digest]
recipients = ["appui@example.org"]
time = "08:00"

[qualiopi]
certification_date = 2024-10-21
"""


def arrival(entry: dict, ends: dict[str, date]) -> date:
    """The day a sample file reaches the share in the replay."""
    spread = zlib.crc32(entry["file"].encode())
    invoices = [d["invoice"] for d in entry["documents"] if d.get("invoice")]
    if entry["outcome"] == "set_aside" or not entry["documents"]:
        day = DAY - timedelta(days=1 + spread % 4)
    elif invoices:
        day = max(ends[i] for i in invoices) + timedelta(days=3 + spread % 35)
    else:
        day = YEAR_START + timedelta(days=spread % 20)
    return min(day, DAY - timedelta(days=1))


def replay(workspace: Path) -> Path:
    """Build the workspace, replay the year, write DAY's digest; the HTML's path."""
    if workspace.exists():
        shutil.rmtree(workspace)
    workspace.mkdir(parents=True)
    shutil.copytree(SAMPLES / "partage", workspace / "partage", symlinks=True)
    shutil.copy2(SAMPLES / "entrepreneurs.csv", workspace / "entrepreneurs.csv")
    (workspace / "config.toml").write_text(CONFIG, encoding="utf-8")
    config = load_config(workspace / "config.toml")
    files = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))["files"]
    engine = TesserocrEngine(config.ocr)
    clock = {"now": datetime.combine(YEAR_START, time(7))}
    mailer = OutboxMailer(workspace / "envoyes")
    with Store(config.paths.database) as store:
        store.sync_entrepreneurs(config.people)
        ctx = runner.Context(config=config, store=store, ocr=engine, clock=lambda: clock["now"])
        operations.import_invoices(ctx, SAMPLES / "factures.csv")
        ends = {i.number: i.end or i.date for i in store.invoices()}
        by_day: dict[date, list[Path]] = {}
        for entry in files:
            if entry["outcome"] != "ignored":
                path = config.paths.drop / entry["file"]
                by_day.setdefault(arrival(entry, ends), []).append(path)
        first_digest = DAY - timedelta(weeks=8)
        day = YEAR_START
        while day <= DAY:
            clock["now"] = datetime.combine(day, time(10))  # after that morning's digest
            if by_day.get(day):
                operations.ingest(ctx, sorted(by_day[day]))
            if day >= first_digest and day.weekday() < 5:
                moment = datetime.combine(day, config.digest.time)
                if day == DAY:
                    built = digest.build(store, config, day, moment)
                    html = digest_mail.write_files(built, config, workspace / "resume")[1]
                else:
                    digest_send.send_digest(store, config, mailer, day, moment)
            day += timedelta(days=1)
    engine.close()
    return html


def capture(html: Path, target: Path, chromium: str) -> None:
    """Headless Chromium's picture of the page, cut below the message's last line."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        raw = Path(profile) / "page.png"
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}",
             f"--screenshot={raw}", f"--window-size={WIDTH},6000", html.as_uri()],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        image = Image.open(raw).convert("RGB")
    background = image.getpixel((2, image.height - 2))
    bottom = image.height
    while bottom > 1 and all(
        image.getpixel((x, bottom - 1)) == background for x in range(0, WIDTH, 7)
    ):
        bottom -= 1
    image.crop((0, 0, WIDTH, min(image.height, bottom + 24))).save(target, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=None, help="kept afterwards if given")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="resume-") as tmp:
        workspace = args.workspace or Path(tmp) / "ws"
        html = replay(workspace.absolute())
        capture(html, TARGET, args.chromium)
    print(f"written: {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
