"""What one entrepreneur's folder can do to the running daemon (#14), measured per hostile file.

    python bench/bench_hostile.py [--only NAME ...] [--json FILE]

Starts the real ``dossiers watch`` (2 workers) on a temporary share of two entrepreneurs,
then drops each hostile file into Camille's folder, one at a time, followed by an ordinary
attestation (the witness). For each it prints: what became of the hostile file (set aside
and why, filed, or left alone), the seconds until that was recorded, the seconds until the
witness dropped after it was filed, the longest gap between two heartbeats meanwhile, the
peak resident memory of the busiest single process (a worker, or the daemon itself) and of
the daemon with its workers, and whether the daemon is still running. Then, with every name
and invoice text still in the database, it runs ``dossiers export``, ``dossiers bpf`` and
``dossiers digest --send`` (to a real SMTP server on loopback) and checks that no cell of
the spreadsheets they write is a formula.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import Figure, family, process_rss_mb, write  # noqa: E402
from tests import badinputs  # noqa: E402
from tests.conftest import run_cli  # noqa: E402
from tests.smtp_server import PASSWORD, Server, running, smtp_config  # noqa: E402
from tests.watchers.conftest import CAMILLE, attestation_pdf, make_share  # noqa: E402

ELODIE = "elodie.faure"
#: Invoice texts that were live formulas or broke openpyxl (#14 points 4 and 5).
EXPORT_EXTRA = (
    'FA-2026-0150;20/03/2026;Camille Rousseau;=HYPERLINK("http://exemple.invalid","clic");'
    "entreprise;Sécurité\x0b incendie;16/03/2026;17/03/2026;14;1;@SOMME(A1:A2)\n"
)


@dataclass(frozen=True)
class Result:
    case: str
    point: str
    outcome: str
    seconds: float | None  # until the hostile file was recorded
    witness_s: float | None  # until the ordinary file dropped with it was filed
    heartbeat_gap_s: float
    peak_single_mb: float
    peak_total_mb: float
    alive: bool
    wall_s: float


@dataclass(frozen=True)
class Case:
    name: str
    point: str
    make: Callable[[Path], str | None]  # builds the hostile thing; its path under the share
    after: Callable[[Path | None], str] | None = None  # what became of it, when no file is recorded


def _drop(root: Path, name: str, data: bytes) -> str:
    (root / "partage" / CAMILLE / name).write_bytes(data)
    return f"{CAMILLE}/{name}"


def _link(root: Path, name: str, target: str | Path) -> str:
    os.symlink(target, root / "partage" / CAMILLE / name)
    return f"{CAMILLE}/{name}"


STATUS_PAGE = Path("_dossiers") / "Suivi de mes formations.html"


def _status_page_to_dev_zero(root: Path) -> None:
    page = root / "partage" / CAMILLE / STATUS_PAGE
    page.parent.mkdir(exist_ok=True)
    page.unlink(missing_ok=True)
    os.symlink("/dev/zero", page)


def _status_page_state(root: Path | None) -> str:
    """What the daemon left as Camille's status page once it refreshed it."""
    if root is None:
        return "toujours un lien"  # as it was dropped
    page = root / "partage" / CAMILLE / STATUS_PAGE
    if page.is_symlink():
        return "toujours un lien"
    return f"page refaite ({page.stat().st_size} octets)" if page.is_file() else "absente"


def _into_other_archive(root: Path) -> str:
    other = next((root / "archive").glob("*/*"), root / "archive")  # whatever is archived
    return _link(root, "espion.pdf", other)


def _fifo(root: Path) -> str:
    os.mkfifo(root / "partage" / CAMILLE / "tube.pdf")
    return f"{CAMILLE}/tube.pdf"


def _sparse(root: Path) -> str:
    badinputs.sparse_file(root / "partage" / CAMILLE / "énorme.pdf", 1024**3)
    return f"{CAMILLE}/énorme.pdf"


def _loop(root: Path) -> str:
    return _link(root, "boucle", "boucle")


CASES: tuple[Case, ...] = (
    Case("lien vers /dev/zero", "1", lambda r: _link(r, "a.pdf", "/dev/zero")),
    Case("page de suivi -> /dev/zero", "2", _status_page_to_dev_zero, _status_page_state),
    Case("lien vers l'archive", "3", _into_other_archive),
    Case("nom à caractères de contrôle", "4",
         lambda r: _drop(r, "scan\x07\nfaux.pdf", attestation_pdf("Nom Bizarre"))),
    Case("PDF : Flate de 1 Gio", "6", lambda r: _drop(r, "flate.pdf", badinputs.pdf_bomb())),
    Case("PDF : image de 1,6 Gpx", "6",
         lambda r: _drop(r, "image.pdf", badinputs.pdf_image_bomb())),
    Case("PDF : LZW", "6", lambda r: _drop(r, "lzw.pdf", badinputs.lzw_pdf_bomb())),
    Case("PDF : filtres en chaîne, 1 Gio", "6",
         lambda r: _drop(r, "chaine.pdf", badinputs.chained_pdf_bomb())),
    Case("PDF : image dans 12 niveaux de formulaires", "6",
         lambda r: _drop(r, "formes.pdf", badinputs.deep_form_picture_pdf())),
    Case("PDF : image en ligne de 1,6 Gpx", "6",
         lambda r: _drop(r, "en-ligne.pdf", badinputs.inline_picture_pdf_bomb())),
    Case("PDF : image en ligne de 100 px, 1 Gio de données", "6",
         lambda r: _drop(r, "en-ligne-lourde.pdf",
                         badinputs.inline_picture_pdf_bomb(side=100, inflated=1024**3))),
    Case("PDF : JPEG 2000 qui ment sur sa taille", "6",
         lambda r: _drop(r, "jpx.pdf",
                         badinputs.lying_picture_pdf(badinputs.lying_jpx(), b"/JPXDecode"))),
    Case("PDF : /Contents manquant puis bombe", "6",
         lambda r: _drop(r, "manquant.pdf", badinputs.dangling_then_bomb_pdf())),
    Case("PDF : page de 4 200 points", "6",
         lambda r: _drop(r, "page.pdf", badinputs.huge_page_pdf())),
    Case("fichier creux de 1 Gio", "7", _sparse),
    Case("tube nommé (FIFO)", "10", _fifo),
    Case("lien en boucle", "10", _loop),
)  # fmt: skip


class Watch:
    """Peak RSS per process and summed over the daemon's family; longest heartbeat gap."""

    def __init__(self, pid: int, heartbeat: Path) -> None:
        self.pid, self.heartbeat = pid, heartbeat
        self.single = self.total = self.gap = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        last, seen = time.monotonic(), self._mtime()
        while not self._stop.is_set():
            sizes = [process_rss_mb(p) for p in family(self.pid)]
            self.single = max(self.single, *sizes, 0.0)
            self.total = max(self.total, sum(sizes))
            mtime = self._mtime()
            if mtime != seen:
                seen, last = mtime, time.monotonic()
            self.gap = max(self.gap, time.monotonic() - last)
            self._stop.wait(0.05)

    def _mtime(self) -> float:
        try:
            return self.heartbeat.stat().st_mtime
        except OSError:
            return 0.0

    def __enter__(self) -> Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _row(db: Path, rel: str) -> tuple[str, str | None] | None:
    con = sqlite3.connect(db, timeout=30)
    try:
        row = con.execute("SELECT state, reason FROM files WHERE rel = ?", (rel,)).fetchone()
    finally:
        con.close()
    return (row[0], row[1]) if row else None


def _wait(check: Callable[[], object], timeout: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if check():
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def run_case(
    case: Case, root: Path, daemon: subprocess.Popen[bytes], n: int, timeout: float
) -> Result:
    db, beat = root / "dossiers.sqlite3", root / "dossiers.etat.json"
    with Watch(daemon.pid, beat) as watch:
        start = time.monotonic()
        rel = case.make(root)
        witness = _drop(root, f"témoin {n}.pdf", attestation_pdf(f"Personne Témoin{n}"))
        hostile = filed = None  # seconds from the drop, each watched at the same time
        while time.monotonic() - start < timeout and (hostile is None or filed is None):
            if hostile is None and (rel is None or _row(db, rel)):
                hostile = time.monotonic() - start
            if filed is None and _row(db, witness):
                filed = time.monotonic() - start
            time.sleep(0.05)
        total = time.monotonic() - start
    outcome = _row(db, rel) if rel else None
    said = f"{outcome[0]} ({outcome[1]})" if outcome and outcome[1] else None
    after = case.after
    if after is not None:  # the page is refreshed a few seconds after the witness
        settled = _wait(lambda: after(root) != after(None), 60)
        said, hostile = after(root), (settled or 0) + total
    return Result(
        case.name, case.point, said or (outcome[0] if outcome else "rien d'enregistré"),
        hostile if rel or case.after else None, filed, watch.gap, watch.single, watch.total,
        daemon.poll() is None, total,
    )  # fmt: skip


def formulas(path: Path) -> int:
    """Cells of an XLSX file written as formulas."""
    with zipfile.ZipFile(path) as xlsx:
        return sum(
            xlsx.read(name).count(b"<f>") + xlsx.read(name).count(b"<f ")
            for name in xlsx.namelist()
            if name.startswith("xl/worksheets/")
        )


def outputs(root: Path, config: Path, server: Server) -> list[str]:
    """export, bpf and digest --send with every hostile name and invoice text recorded."""
    lines = []
    export = root / "export.xlsx"
    run = run_cli("--config", str(config), "export", "--out", str(export), timeout=300)
    lines.append(
        f"export: exit {run.returncode}, formules {formulas(export) if export.exists() else '-'}"
    )
    out = root / "bpf"
    run = run_cli("--config", str(config), "bpf", "2026", "--out", str(out), timeout=300)
    sheets = sorted(out.rglob("*.xlsx")) if out.exists() else []
    lines.append(f"bpf: exit {run.returncode}, {len(sheets)} classeur(s), formules "
                 f"{sum(formulas(s) for s in sheets)}")  # fmt: skip
    before = len(server.delivered)
    run = subprocess.run(
        [sys.executable, "-m", "pipeline", "--config", str(config), "digest", "--send", "--force"],
        capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=300,
    )  # fmt: skip
    attached = [p for d in server.delivered[before:] for p in d.message.iter_attachments()]
    lines.append(
        f"digest --send: exit {run.returncode}, {len(server.delivered) - before} message(s), "
        f"{len(attached)} pièce(s) jointe(s)"
        + (f" : {run.stderr.strip()[-300:]}" if run.returncode else "")
    )
    return lines


ENV = os.environ | {"DOSSIERS_TEST_SMTP_PASSWORD": PASSWORD}


def digest_settings(server: Server) -> str:
    """The daemon's digest due two minutes after its start (on a working day), to this server."""
    due = datetime.now() + timedelta(minutes=2)
    return (
        f'[digest]\nrecipients = ["appui@example.org"]\nattach_over = 0\n'
        f'time = "{due:%H:%M}"\n' + smtp_config(server, "starttls")
    )


def daemon_digest(server: Server, started: datetime) -> str:
    """Whether the running daemon sent today's digest, due two minutes after its start, while
    the hostile files came (weekdays; the last working day's, owed, goes at its start)."""
    if datetime.now().weekday() >= 5:
        return "non attendu (week-end)"
    if _wait(lambda: len(server.delivered) >= 2, 200) is None:
        return f"NON ({len(server.delivered)} message(s))"
    dates = ", ".join(str(d.message["Date"]) for d in server.delivered)
    return f"oui (démarré à {started:%H:%M:%S} ; Date: {dates})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="case names (substrings)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait per file")
    args = parser.parse_args()
    cases = [c for c in CASES if not args.only or any(o in c.name for o in args.only)]
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp, running(Path(tmp)) as server:
        root = Path(tmp)
        config = make_share(root, workers=2)
        config.write_text(config.read_text() + digest_settings(server))
        (root / "partage" / ELODIE).mkdir()
        export = root / "export.csv"
        export.write_text(export.read_text(encoding="utf-8") + EXPORT_EXTRA, encoding="utf-8")
        run_cli("--config", str(config), "import-invoices", str(export))
        started = datetime.now()
        daemon = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "--config", str(config), "watch"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV,
            start_new_session=True,
        )  # fmt: skip
        try:
            (root / "partage" / ELODIE / "attestation.pdf").write_bytes(
                attestation_pdf("Personne Élodie")
            )
            _wait(lambda: (root / "archive").exists() and any((root / "archive").rglob("*.pdf")),
                  120)  # fmt: skip
            results = [run_case(c, root, daemon, n, args.timeout) for n, c in enumerate(cases)]
            print(f"résumé du matin envoyé par le démon : {daemon_digest(server, started)}")
        finally:
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(daemon.pid, signal.SIGKILL)
        report(results)
        for line in outputs(root, config, server):
            print(line)
        archived = sum(p.stat().st_size for p in (root / "archive").rglob("*") if p.is_file())
        print(f"archive : {archived / 1e6:.1f} Mo en tout")
    write(args.json, [
        Figure(f"hostile: {r.case}", r.seconds or r.witness_s or -1.0, "s", r.peak_single_mb,
               r.outcome) for r in results
    ])  # fmt: skip


def report(results: list[Result]) -> None:
    def s(value: object) -> str:
        return f"{value:.1f}" if isinstance(value, float) else ("jamais" if value is None else "-")

    print(
        "| cas | point | devenu | s | témoin classé (s) | battement max (s) "
        "| pic processus (Mo) | pic démon+workers (Mo) | démon vivant |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r.case} | {r.point} | {r.outcome} | {s(r.seconds)} | {s(r.witness_s)} "
              f"| {s(r.heartbeat_gap_s)} | {r.peak_single_mb:.0f} | {r.peak_total_mb:.0f} "
              f"| {'oui' if r.alive else 'NON'} |")  # fmt: skip


if __name__ == "__main__":
    main()
