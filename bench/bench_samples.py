"""Issue #16's figures on samples/, as corpus-2025's scorer counts them, through the real commands.

    python bench/bench_samples.py [--work DIR] [--reuse] [--failures 40] [--json FILE]

Runs the product on a copy of ``samples/`` as a new cooperative would: ``python -m pipeline
classify --json`` on every file of the share (less sync-tool leftovers and broken files),
then a fresh workspace (config.toml, the entrepreneurs' CSV, ``import-invoices
samples/factures.csv``, ``ingest`` of the share, ``status --json``, ``bpf YEAR --json``).
It compares what was read and filed with the samples' truth and prints, figure by figure,
then every failure (what was expected, what was read), and last one ``key=value`` line:

- ``type`` (``born`` born-digital PDFs, ``scans`` scans and photos), ``split`` (files cut
  into the right number of documents), ``fields``, ``cells``, ``parties``, ``satisfaction``:
  compared as corpus-2025's ``score.py classify`` does (names without case, accents or
  order, titles and clients nearly equal, dates exact, amounts and hours to the cent);
- ``precision`` / ``recall`` / ``wrong``: the status's attachments against the invoice
  each document belongs to; ``waits``: documents unfiled and files set aside (what a person
  must see) with the reason the truth gives them, of all waits read or expected;
- ``missing_found`` / ``missing_false``, ``checks_found`` / ``checks_false``, ``states``:
  the pieces each dossier (and each entrepreneur) reports missing, its checks' codes and
  its state, against the **truth workspace**: the same invoices with every document of
  ``samples/expected.json`` (written by the generator, ``samples/gen``, from what it drew)
  recorded as read and filed at best, evaluated by the same ``status --json``;
- ``bpf_right`` / ``bpf_wrong``: every figure of ``bpf YEAR`` against the truth
  workspace's (``tests/pipeline/bpf/test_samples_outputs.py`` pins that one by hand).

So the dossier and BPF figures measure reading and filing, not the checklist's rules
(``tests/test_dossier_checks.py`` tests those). ``--work DIR`` keeps every output there;
``--reuse`` takes outputs already in DIR instead of running again (to score a change of
this script). Takes a few minutes (OCR of the scans, twice: classify and ingest).
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from measure import Figure, write  # noqa: E402

SAMPLES = ROOT / "samples"
#: Renderings as corpus-2025 groups them: ``born`` is born-digital PDFs only, ``scans``
#: scans and photos; DOCX and PNG exports count in ``type`` alone.
BORN = ("digital",)
SCANS = ("scan", "photo")
#: Fields score.py leaves out of ``fields`` (counted apart, or not compared).
NOT_FIELDS = {
    "sessions",
    "signatures",
    "satisfaction",
    "answers",
    "scale",
    "trainer_signed",
    "satisfaction_items_only",
    "recommendation_0_10",
    "nature",
    "year",
    "trainees",
}
ENTREPRENEUR_LEVEL = {"cv", "programme", "bilan_pedagogique"}


# ---------------------------------------------------------------- comparing, as score.py does
def norm(s: object) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces, single spaces."""
    text = unicodedata.normalize("NFKD", str(s)).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("-", " ").replace("'", " ").split())


def name_key(s: object) -> str:
    """A person's name whatever its case, accents and word order."""
    return " ".join(sorted(norm(s).split()))


def similar(a: object, b: object, cut: float = 0.8) -> bool:
    if a is None or b is None:
        return False
    return difflib.SequenceMatcher(None, norm(a), norm(b)).ratio() >= cut


def same_number(got: object, want: float) -> bool:
    """Amounts and hours to the cent."""
    return isinstance(got, int | float) and not isinstance(got, bool) and abs(got - want) < 0.011


def field_right(key: str, got: object, want: Any) -> bool:
    """One field read against its truth, as corpus-2025's score.py judges it."""
    if key in ("training_title", "client"):
        return similar(got, want)
    if key in ("trainee", "person", "trainer"):
        return got is not None and name_key(got) == name_key(want)
    if key == "updated":
        return got is not None and (
            str(got).startswith(str(want)) or str(want).startswith(str(got)[:7])
        )
    if key in ("amount_ht", "duration_hours", "hours_attended"):
        return same_number(got, want)
    if key == "sections":
        return isinstance(got, dict) and all(got.get(s) == b for s, b in want.items())
    return bool(got == want)


def trainees_right(got: object, want: Iterable[str]) -> bool:
    """Every expected trainee among the names read (more names read is not wrong here)."""
    wanted = {name_key(x) for x in want}
    have = (
        {name_key(x) for x in got or [] if isinstance(x, str)} if isinstance(got, list) else set()
    )
    return bool(wanted) and wanted <= have


def page_range(pages: object) -> tuple[int, int]:
    """``[first, last]``, or a page count for a file holding one document."""
    if isinstance(pages, list) and len(pages) == 2:
        return int(pages[0]), int(pages[1])
    if isinstance(pages, int):
        return 1, pages
    return 1, 10**6


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]) + 1)


def best(objects: list[dict[str, Any]], pages: tuple[int, int]) -> dict[str, Any] | None:
    """The read document that shares most pages with the expected one."""
    scored = [(overlap(page_range(o.get("pages")), pages), o) for o in objects]
    scored = [s for s in scored if s[0] > 0]
    return max(scored, key=lambda s: s[0])[1] if scored else None


def satisfaction_score(value: object) -> float | None:
    if isinstance(value, dict):  # {"score", "scale", "answers"}
        value = value.get("score")
    return float(value) if isinstance(value, int | float) else None


def cell_key(cell: dict[str, Any]) -> tuple[str, str, str]:
    return (str(cell.get("date")), str(cell.get("half_day")), name_key(cell.get("trainee", "")))


# ---------------------------------------------------------------- the truth
def expected_files() -> list[dict[str, Any]]:
    data = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
    return list(data["files"])


def sample_year() -> int:
    return int(json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))["year"])


def classified_files() -> list[dict[str, Any]]:
    """What ``classify`` is measured on: every file but sync-tool leftovers and broken ones."""
    return [f for f in expected_files() if f["outcome"] != "ignored" and f["rendering"] != "bad"]


# ---------------------------------------------------------------- scoring classify
@dataclass
class Tally:
    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    failures: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, what: str, ok: bool, failure: str = "") -> None:
        self.counts[what]["ok" if ok else "ko"] += 1
        if not ok and failure:
            self.failures[what].append(failure)

    def pct(self, *whats: str) -> float:
        total = Counter[str]()
        for w in whats:
            total.update(self.counts.get(w, Counter()))
        n = total["ok"] + total["ko"]
        return 100.0 * total["ok"] / n if n else float("nan")

    def of(self, what: str) -> str:
        c = self.counts.get(what, Counter())
        return f"{c['ok']}/{c['ok'] + c['ko']}"


def score_classify(files: list[dict[str, Any]], read: list[dict[str, Any]]) -> Tally:
    got: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for obj in read:
        got[str(obj.get("file", ""))].append(obj)
    tally = Tally()
    for f in files:
        path, objects, docs = f["file"], got.get(f["file"], []), f["documents"]
        tally.add(
            "split",
            len(objects) == len(docs),
            f"{path}: {len(docs)} document(s) expected "
            f"{[d['pages'] for d in docs]}, {len(objects)} read "
            f"{[(o.get('pages'), o.get('type')) for o in objects]}",
        )
        for doc in docs:
            score_document(tally, path, f["rendering"], doc, best(objects, tuple(doc["pages"])))
    return tally


def score_document(
    tally: Tally, path: str, rendering: str, doc: dict[str, Any], obj: dict[str, Any] | None
) -> None:
    where = f"{path} p{doc['pages'][0]}-{doc['pages'][1]}"
    kind = doc["type"]
    read_type = obj.get("type") if obj else None
    tally.add(f"type:{rendering}", read_type == kind, f"{where}: {kind} read as {read_type}")
    fields = (obj or {}).get("fields") or {}
    truth = doc.get("fields") or {}
    for key, want in truth.items():
        if key in NOT_FIELDS:
            continue
        got = fields.get(key)
        tally.add(
            f"field:{kind}:{key}",
            field_right(key, got, want),
            f"{where} {kind}.{key}: expected {want!r}, read {got!r}",
        )
    if "trainees" in truth:
        got = fields.get("trainees")
        tally.add(
            f"field:{kind}:trainees",
            trainees_right(got, truth["trainees"]),
            f"{where} {kind}.trainees: expected {truth['trainees']}, read {got}",
        )
    if kind == "emargement":
        read_cells = {
            cell_key(c): bool(c.get("signed"))
            for c in fields.get("sessions") or []
            if isinstance(c, dict)
        }
        for cell in truth.get("sessions", []):
            value = read_cells.get(cell_key(cell))
            tally.add(
                "cells",
                value is not None and value == bool(cell["signed"]),
                f"{where} {cell['trainee']} {cell['date']} {cell['half_day']}: expected "
                f"{cell.get('mark', cell['signed'])}, read "
                f"{'nothing' if value is None else 'signed' if value else 'unsigned'}",
            )
    for party, want in (truth.get("signatures") or {}).items():
        got = (fields.get("signatures") or {}).get(party)
        tally.add(
            "parties", got == want, f"{where} {kind} signed by {party}: expected {want}, read {got}"
        )
    if "satisfaction" in truth:
        want_score = satisfaction_score(truth["satisfaction"])
        got_score = satisfaction_score(fields.get("satisfaction"))
        ok = (
            got_score is not None and want_score is not None and abs(got_score - want_score) <= 0.05
        )
        tally.add("satisfaction", ok, f"{where}: expected {want_score}, read {got_score}")


# ---------------------------------------------------------------- scoring the status
def status_documents(status: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for dossier in status.get("dossiers", []):
        for doc in dossier.get("documents") or []:
            yield dossier["invoice"], doc


def score_attachments(files: list[dict[str, Any]], status: dict[str, Any]) -> Tally:
    owner = {
        (f["file"], tuple(d["pages"])): d["invoice"]
        for f in files
        for d in f["documents"]
        if d.get("invoice") and not d.get("reason")
    }
    tally = Tally()
    covered = set()
    for invoice, doc in status_documents(status):
        rel, pages = str(doc.get("file", "")), page_range(doc.get("pages"))
        where = f"{rel} p{pages[0]}-{pages[1]} ({doc.get('type')})"
        keys = [(overlap(pages, k[1]), k) for k in owner if k[0] == rel]
        keys = [k for k in keys if k[0] > 0]
        if not keys:
            if doc.get("type") in ENTREPRENEUR_LEVEL:
                continue  # an entrepreneur's own piece shown on a dossier: neutral, as score.py
            tally.add("attached", False, f"{where} on {invoice}: belongs to no invoice")
            continue
        key = max(keys)[1]
        right = owner[key] == invoice
        tally.add("attached", right, f"{where} on {invoice}: belongs to {owner[key]}")
        if right:
            covered.add(key)
    where_now = placements(status)
    for key, invoice in owner.items():
        if key not in covered:
            found = where_now.get(key[0], ["nowhere"])
            tally.add(
                "recall",
                False,
                f"{key[0]} p{key[1][0]}-{key[1][1]} of {invoice} not attached: {'; '.join(found)}",
            )
        else:
            tally.add("recall", True)
    return tally


def score_waits(files: list[dict[str, Any]], status: dict[str, Any]) -> Tally:
    """What waits for a person (documents unfiled, files set aside), each against the reason
    the truth gives for it; every expected wait not in the status is a failure too."""
    reasons = {
        (f["file"], page_range(d.get("pages"))): d["reason"]
        for f in files
        for d in f["documents"]
        if d.get("reason")
    }
    seen = set()
    tally = Tally()
    waiting = [(u, page_range(u.get("pages"))) for u in status.get("unfiled", [])]
    waiting += [(s, (1, 10**6)) for s in status.get("set_aside", [])]
    for doc, pages in waiting:
        rel = str(doc.get("file", ""))
        keys = [(overlap(pages, k[1]), k) for k in reasons if k[0] == rel]
        keys = [k for k in keys if k[0] > 0]
        want = reasons[max(keys)[1]] if keys else None
        if keys:
            seen.add(max(keys)[1])
        tally.add(
            "waits",
            want == doc.get("reason"),
            f"{rel} p{list(pages) if pages[1] < 10**6 else ''} ({doc.get('type')}) waits as "
            f"{doc.get('reason')}: expected {want or 'filed'}",
        )
    for key in reasons.keys() - seen:
        pages = f" p{list(key[1])}" if key[1][1] < 10**6 else ""
        tally.add("waits", False, f"{key[0]}{pages} should wait as {reasons[key]}")
    return tally


def placements(status: dict[str, Any]) -> dict[str, list[str]]:
    """Where each dropped file shows up in the status, in words."""
    found: dict[str, list[str]] = defaultdict(list)
    for invoice, doc in status_documents(status):
        found[doc["file"]].append(f"p{doc['pages']} {doc.get('type')} on {invoice}")
    for person in status.get("entrepreneurs", []):
        for doc in person.get("documents") or []:
            found[doc["file"]].append(f"p{doc['pages']} {doc.get('type')} on {person['name']}")
    for doc in status.get("unfiled", []):
        cands = ", ".join(doc.get("candidates") or [])
        found[doc["file"]].append(
            f"p{doc.get('pages')} {doc.get('type')} waits: {doc.get('reason')}"
            + (f" ({cands})" if cands else "")
        )
    for doc in status.get("set_aside", []):
        found[doc["file"]].append(f"set aside: {doc.get('reason')}")
    return found


def _by_key(status: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every dossier by invoice number and every entrepreneur by ``ES <name>``."""
    out = {d["invoice"]: d for d in status.get("dossiers", [])}
    out |= {f"ES {p['name']}": p for p in status.get("entrepreneurs", [])}
    return out


def score_dossiers(truth: dict[str, Any], status: dict[str, Any]) -> Tally:
    """Missing pieces, checks and states of every dossier and entrepreneur against the truth
    workspace's: pieces and codes as sets, as score.py counts them."""
    want_all, have_all = _by_key(truth), _by_key(status)
    tally = Tally()
    for key, want in want_all.items():
        have = have_all.get(key) or {}
        if not have:
            tally.add("absent", False, f"{key}: no such dossier in the status")
        for what, item in (("missing", "piece"), ("checks", "code")):
            wanted = {str(m.get(item)): m for m in want.get(what) or []}
            had = {str(m.get(item)): m for m in have.get(what) or []}
            for name, m in wanted.items():
                tally.add(
                    f"{what}_found",
                    name in had,
                    f"{key}: {name} not reported (truth: {m.get('detail') or m.get('message')})",
                )
            for name in had.keys() - wanted.keys():
                m = had[name]
                tally.add(
                    f"{what}_false",
                    False,
                    f"{key}: {name} reported wrongly ({m.get('detail') or m.get('message')})",
                )
        if "state" in want:
            tally.add(
                "states",
                want["state"] == have.get("state"),
                f"{key}: {want['state']} expected, {have.get('state')}",
            )
    for key in have_all.keys() - want_all.keys():
        tally.add("absent", False, f"{key}: in the status, not in the truth")
    return tally


# ---------------------------------------------------------------- scoring the BPF
def numbers(obj: object, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], float]]:
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from numbers(v, (*prefix, str(k)))
    elif isinstance(obj, int | float) and not isinstance(obj, bool):
        yield prefix, obj


def bpf_figures(bpf: dict[str, Any]) -> dict[str, float]:
    """Every figure of cadres C, E, F1-F3 and G, and F-4 by speciality code."""
    out = {
        ".".join(k): v
        for s in ("C", "E", "F1", "F2", "F3", "G")
        for k, v in numbers(bpf.get(s, {}), (s,))
    }
    for line in bpf.get("F4") or []:
        if isinstance(line, dict):
            for k in ("trainees", "hours"):
                out[f"F4.{line.get('nsf') or 'autres'}.{k}"] = line.get(k)
    return out


def score_bpf(truth: dict[str, Any], got: dict[str, Any]) -> Tally:
    tally = Tally()
    want, have = bpf_figures(truth), bpf_figures(got)
    for key, value in want.items():
        read = have.get(key)
        tally.add(
            "bpf",
            same_number(read, value) or (isinstance(read, int | float) and abs(read - value) < 0.5),
            f"{key}: {value} expected, {read}",
        )
    return tally


# ---------------------------------------------------------------- running the product
CONFIG = """[cooperative]
name = "{name}"
nda = "{nda}"
siret = "{siret}"

[paths]
drop = "partage"
archive = "archive"
database = "dossiers.sqlite3"

[entrepreneurs]
csv = "entrepreneurs.csv"
"""


def workspace(folder: Path) -> Path:
    """A new cooperative's workspace: the share copied, its config and entrepreneurs' CSV."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "archive").mkdir(parents=True)
    shutil.copytree(SAMPLES / "partage", folder / "partage", symlinks=True)
    shutil.copy2(SAMPLES / "entrepreneurs.csv", folder / "entrepreneurs.csv")
    coop = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))["cooperative"]
    (folder / "config.toml").write_text(CONFIG.format(**coop), encoding="utf-8")
    return folder / "config.toml"


def dossiers(args: list[str], cwd: Path, log: Path) -> str:
    """``python -m pipeline ARGS`` with this checkout's code; exit 0 or 1 (needs a person)."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=7200,
    )
    log.write_text(run.stdout[-100000:] + "\n--- stderr ---\n" + run.stderr[-100000:], "utf-8")
    if run.returncode not in (0, 1):
        sys.exit(f"python -m pipeline {' '.join(args[2:4])} exited {run.returncode}; see {log}")
    return run.stdout


def run_classify(work: Path, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = work / "classify.jsonl"
    if not out.exists():
        cfg = workspace(work / "classify")
        began = time.perf_counter()
        text = dossiers(
            ["--config", str(cfg), "classify", *[f["file"] for f in files], "--json"],
            work / "classify" / "partage",
            work / "classify.log",
        )
        out.write_text(text, encoding="utf-8")
        print(f"classify: {len(files)} files in {time.perf_counter() - began:.0f} s", flush=True)
    return [
        json.loads(x) for x in out.read_text(encoding="utf-8").splitlines() if x.startswith("{")
    ]


def run_e2e(work: Path, year: int) -> tuple[dict[str, Any], dict[str, Any]]:
    ws = work / "e2e"
    if not (ws / "status.json").exists() or not (ws / "bpf.json").exists():
        cfg = ["--config", str(workspace(ws))]
        dossiers([*cfg, "import-invoices", str(SAMPLES / "factures.csv")], ws, ws / "import.log")
        began = time.perf_counter()
        dossiers([*cfg, "ingest", "partage"], ws, ws / "ingest.log")
        print(f"ingest: {time.perf_counter() - began:.0f} s", flush=True)
        finish(ws, cfg, year)
    return load(ws)


def run_truth(work: Path, year: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The truth workspace: the invoices imported, every expected document recorded as read
    and filed at best, then the same ``status --json`` and ``bpf`` as the real one."""
    ws = work / "truth"
    if not (ws / "status.json").exists() or not (ws / "bpf.json").exists():
        cfg = ["--config", str(workspace(ws))]
        dossiers([*cfg, "import-invoices", str(SAMPLES / "factures.csv")], ws, ws / "import.log")
        record_truth(ws / "config.toml")
        finish(ws, cfg, year)
    return load(ws)


def record_truth(config_file: Path) -> None:
    from pipeline.config import load_config
    from pipeline.store import Store

    config = load_config(config_file)
    now = datetime.now().isoformat(timespec="seconds")
    with Store(config.paths.database) as store, store.transaction() as db:
        for entry in expected_files():
            docs = [d for d in entry["documents"] if d.get("type") and d.get("entrepreneur")]
            if not docs:
                continue
            file_id = store.add_file(
                db,
                rel=entry["file"],
                entrepreneur=docs[0]["entrepreneur"],
                sha256=hashlib.sha256(entry["file"].encode()).hexdigest(),
                size=1,
                kind=Path(entry["file"]).suffix.lstrip(".").lower() or "pdf",
                pages=max(d["pages"][1] for d in docs),
                received_at=now,
                state="traite",
            )
            for d in docs:
                store.add_document(
                    db,
                    file_id=file_id,
                    first_page=d["pages"][0],
                    last_page=d["pages"][1],
                    type=d["type"],
                    confidence=1.0,
                    fields=d["fields"],
                    invoice=d.get("invoice"),
                    entrepreneur=d["entrepreneur"],
                    score=1.0,
                    method="verite",
                    reason=d.get("reason"),
                    candidates=[
                        {"invoice": c, "score": 0.0, "why": []} for c in d.get("candidates") or []
                    ],
                )


def finish(ws: Path, cfg: list[str], year: int) -> None:
    status = dossiers([*cfg, "status", "--json"], ws, ws / "status.log")
    bpf = dossiers([*cfg, "bpf", str(year), "--out", str(ws / "bpf"), "--json"], ws, ws / "bpf.log")
    (ws / "status.json").write_text(status, encoding="utf-8")
    (ws / "bpf.json").write_text(bpf, encoding="utf-8")


def load(ws: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        json.loads((ws / "status.json").read_text(encoding="utf-8")),
        json.loads((ws / "bpf.json").read_text(encoding="utf-8")),
    )


# ---------------------------------------------------------------- report
def headline(c: Tally, a: Tally, d: Tally, b: Tally, w: Tally) -> dict[str, str]:
    types = [k for k in c.counts if k.startswith("type:")]
    fields = [k for k in c.counts if k.startswith("field:")]
    att, mf, cf = a.counts["attached"], d.counts["missing_found"], d.counts["checks_found"]
    return {
        "type": f"{c.pct(*types):.1f}",
        "born": f"{c.pct(*(f'type:{r}' for r in BORN)):.1f}",
        "scans": f"{c.pct(*(f'type:{r}' for r in SCANS)):.1f}",
        "split": f"{c.pct('split'):.1f}",
        "fields": f"{c.pct(*fields):.1f}",
        "cells": f"{c.pct('cells'):.1f}",
        "parties": f"{c.pct('parties'):.1f}",
        "satisfaction": f"{c.pct('satisfaction'):.1f}",
        "precision": f"{a.pct('attached'):.1f}",
        "recall": f"{a.pct('recall'):.1f}",
        "wrong": str(att["ko"]),
        "waits": w.of("waits"),
        "missing_found": f"{mf['ok']}/{mf['ok'] + mf['ko']}",
        "missing_false": str(d.counts["missing_false"]["ko"]),
        "checks_found": f"{cf['ok']}/{cf['ok'] + cf['ko']}",
        "checks_false": str(d.counts["checks_false"]["ko"]),
        "states": d.of("states"),
        "bpf_right": str(b.counts["bpf"]["ok"]),
        "bpf_wrong": str(b.counts["bpf"]["ko"]),
    }


def report(c: Tally, a: Tally, d: Tally, b: Tally, w: Tally, limit: int) -> dict[str, str]:
    print("\ntypes by rendering:")
    for key in sorted(k for k in c.counts if k.startswith("type:")):
        print(f"  {key[5:]:10s} {c.pct(key):6.1f} %  ({c.of(key)})")
    print(f"files split into the right number of documents: {c.of('split')}")
    print("fields:")
    for key in sorted(k for k in c.counts if k.startswith("field:")):
        _, kind, name = key.split(":")
        print(f"  {kind:18s} {name:16s} {c.pct(key):6.1f} %  ({c.of(key)})")
    print(
        f"attendance cells {c.of('cells')}, signature parties {c.of('parties')}, "
        f"satisfaction ±0.05 {c.of('satisfaction')}"
    )
    print(
        f"attachments right {a.of('attached')}, documents of an invoice attached {a.of('recall')}"
    )
    print(f"waiting for a person with the expected reason: {w.of('waits')}")
    print(
        f"dossiers: missing pieces found {d.of('missing_found')}, "
        f"reported wrongly {d.counts['missing_false']['ko']}; checks found "
        f"{d.of('checks_found')}, reported wrongly {d.counts['checks_false']['ko']}; "
        f"states {d.of('states')}"
    )
    print(f"bpf figures right {b.of('bpf')}")
    print("\nfailures (expected, read):")
    for tally in (c, a, w, d, b):
        for what, lines in sorted(tally.failures.items()):
            for line in lines[:limit]:
                print(f"  [{what}] {line}")
            if len(lines) > limit:
                print(f"  [{what}] ... and {len(lines) - limit} more")
    figures = headline(c, a, d, b, w)
    print("\n" + " ".join(f"{k}={v}" for k, v in figures.items()))
    return figures


def as_figures(h: dict[str, str]) -> list[Figure]:
    def pct(key: str, what: str) -> Figure:
        return Figure(f"samples: {what}", float(h[key]), "%", None, "bench_samples.py")

    return [
        pct("type", "types"),
        pct("born", "types, born-digital"),
        pct("scans", "types, scans and photos"),
        pct("split", "files split right"),
        pct("fields", "fields"),
        pct("precision", "attachments precision"),
        pct("recall", "attachments recall"),
        Figure(
            "samples: pieces reported missing wrongly",
            float(h["missing_false"]),
            "",
            None,
            f"found {h['missing_found']}",
        ),
        Figure(
            "samples: checks found",
            float(h["checks_found"].split("/")[0]),
            "",
            None,
            f"of {h['checks_found'].split('/')[1]}; {h['checks_false']} wrongly",
        ),
        Figure(
            "samples: BPF figures wrong", float(h["bpf_wrong"]), "", None, f"{h['bpf_right']} right"
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="keep the workspaces and outputs here")
    parser.add_argument("--reuse", action="store_true", help="score the outputs already in --work")
    parser.add_argument("--failures", type=int, default=40, help="failures shown per kind")
    parser.add_argument("--json", type=Path, help="write the headline figures (run_all.py)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-samples-") as tmp:
        work = args.work or Path(tmp)
        if args.work and not args.reuse:
            shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True, exist_ok=True)
        year = sample_year()
        files = classified_files()
        read = run_classify(work, files)
        status, bpf = run_e2e(work, year)
        truth_status, truth_bpf = run_truth(work, year)
    figures = report(
        score_classify(files, read),
        score_attachments(expected_files(), status),
        score_dossiers(truth_status, status),
        score_bpf(truth_bpf, bpf),
        score_waits(expected_files(), status),
        args.failures,
    )
    write(args.json, as_figures(figures))


if __name__ == "__main__":
    main()
