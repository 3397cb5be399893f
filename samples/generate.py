#!/usr/bin/env python3
"""Generates the synthetic sample cooperative of the year 2026.

    python samples/generate.py [--out DIR]
    python samples/generate.py --labelled-sheets DIR [--count 30] [--seed 4]
    python samples/generate.py --random-layouts DIR [--count 30] [--seed 15]
    python samples/generate.py --random-evaluations DIR [--count 30] [--seed 15]

Writes, under DIR (default: this folder): entrepreneurs.csv, factures.csv (Windows-1252),
partage/ (the drop tree), truth/ (plain text of every readable document), expected.json
(the ground truth) and README.md. Everything is invented and seeded: re-running gives
identical bytes. ``--labelled-sheets`` writes instead the labelled attendance sheets of
gen/sheets.py (every layout and rendering) and their truth.json, to look at;
``--random-layouts`` the attendance sheets of random layouts of gen/layouts.py, and
``--random-evaluations`` the hot evaluations of random forms of gen/evaluations.py.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

sys.dont_write_bytecode = True  # keep samples/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen import render  # noqa: E402
from gen.corpus import FileSpec, plan  # noqa: E402
from gen.data import COOP, ENTREPRENEURS, YEAR, invoices  # noqa: E402
from gen.export import export_csv  # noqa: E402
from gen.model import fr, hours_fr  # noqa: E402
from gen.pen import Pen  # noqa: E402


@dataclass
class Produced:
    """One generated file: its bytes, text truth and per-document entries."""

    data: bytes
    truth: str | None
    documents: list[dict]


def seed_of(path: str) -> int:
    return int(hashlib.sha256(path.encode("utf-8")).hexdigest()[:8], 16)


# ---- CSV files -------------------------------------------------------------------------
def write_csvs(out: Path) -> None:
    (out / "factures.csv").write_bytes(export_csv(invoices()))
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(["name", "email", "folder"])
    for es in ENTREPRENEURS:
        w.writerow([es.name, es.email, es.folder])
    (out / "entrepreneurs.csv").write_bytes(buf.getvalue().encode("utf-8"))


# ---- documents -------------------------------------------------------------------------
def _doc_entry(spec, pages: list[int] | None, fields: dict) -> dict:
    e = {
        "pages": pages,
        "type": spec.type,
        "invoice": spec.invoice,
        "entrepreneur": spec.entrepreneur,
        "reason": spec.reason,
        "fields": fields,
    }
    if spec.candidates:
        e["candidates"] = spec.candidates
    return e


def draw(fs: FileSpec) -> tuple[bytes, str, list[dict]]:
    """Draws the documents of a file into one born-digital PDF."""
    pen = Pen(
        random.Random(seed_of(fs.path)), title=Path(fs.path).stem, author=fs.docs[0].entrepreneur
    )
    entries = []
    for spec in fs.docs:
        first = pen.page_count + 1
        fields = spec.build(pen) if spec.build else {}
        entries.append(_doc_entry(spec, [first, pen.page_count], fields))
    pdf, text = pen.finish()
    return pdf, text, entries


def bad_bytes(fs: FileSpec, done: dict[str, Produced]) -> bytes:
    if fs.raw is not None:
        return fs.raw
    from gen import docs
    from gen.data import by_number

    inv = by_number()["FA-2026-0115"]
    pen = Pen(random.Random(seed_of(fs.path)), title="Convention")
    docs.convention(
        pen,
        inv,
        number=True,
        signed=("organisme", "client", "formateur"),
        doc_date=__import__("datetime").date(2026, 1, 12),
    )
    pdf, _ = pen.finish()
    if fs.raw_kind == "encrypted":
        return render.encrypt(pdf, "martinez")
    if fs.raw_kind == "truncated":
        scanned = render.scan(pdf, seed_of(fs.path))
        return scanned[: len(scanned) * 2 // 5]
    raise ValueError(fs.path)


def produce(fs: FileSpec, done: dict[str, Produced]) -> Produced:
    seed = seed_of(fs.path)
    if fs.same_as:
        src = done[fs.same_as]
        docs_ = [dict(d, reason=s.reason) for d, s in zip(src.documents, fs.docs, strict=True)]
        return Produced(src.data, src.truth, docs_)
    if fs.rendering == "bad":
        entries = [_doc_entry(s, None, {}) for s in fs.docs]
        return Produced(bad_bytes(fs, done), None, entries)
    if fs.rendering == "docx":
        assert fs.docx
        data, text, fields = fs.docx()
        return Produced(data, text, [_doc_entry(fs.docs[0], [1, 1], fields)])
    pdf, text, entries = draw(fs)
    if fs.rendering == "digital":
        return Produced(pdf, text, entries)
    if fs.rendering == "scan":
        creator = "Canon iR-ADV C3530 PDF" if seed % 2 else "EPSON Scan"
        return Produced(
            render.scan(pdf, seed, turn=fs.turn, color=fs.color, creator=creator), text, entries
        )
    if fs.rendering == "photo":
        return Produced(render.photo(pdf, seed), text.split("\f")[0], entries)
    if fs.rendering == "png":
        return Produced(render.png(pdf), text.split("\f")[0], entries)
    raise ValueError(fs.rendering)


def write_tree(out: Path, files: list[FileSpec]) -> list[dict]:
    for sub in ("partage", "truth"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    done: dict[str, Produced] = {}
    listing = []
    for fs in files:
        prod = produce(fs, done)
        done[fs.path] = prod
        target = out / "partage" / fs.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(prod.data)
        if prod.truth is not None and fs.outcome != "ignored":
            t = out / "truth" / (fs.path + ".txt")
            t.parent.mkdir(parents=True, exist_ok=True)
            t.write_text(prod.truth + "\n", encoding="utf-8")
        listing.append(
            {
                "file": fs.path,
                "rendering": fs.rendering,
                "outcome": fs.outcome,
                "purpose": fs.purpose,
                "documents": prod.documents,
            }
        )
    return listing


# ---- README ----------------------------------------------------------------------------
def _inv_summary(doc: dict) -> str:
    if doc["reason"]:
        extra = f" (candidates {', '.join(doc['candidates'])})" if doc.get("candidates") else ""
        return f"set aside: `{doc['reason']}`{extra}"
    return doc["invoice"] or f"ES {doc['entrepreneur']}"


INCOMPLETE = {
    "FA-2026-0142": "hot evaluation of Hugo Blanc missing "
    "(absent the last afternoon); 0,5 day absence deducted",
    "FA-2026-0150": "convention lacks the client's signature; no attestations; no hot evaluation "
    "(the only one, undated and anonymous, is ambiguous between 0142 and 0150)",
    "FA-2026-0163": "no hot evaluations",
    "FA-2026-0156": "subcontracted (reçue): only the signed "
    "quote and a copy of the sheet; no attestations, "
    "no evaluations",
    "FA-2026-0184": "nothing at all was dropped",
    "FA-2026-0108": "2 of 3 hot evaluations missing",
    "FA-2026-0147": "no attestations, no hot evaluations",
    "FA-2026-0158": "afternoon half-day not signed at all; no hot evaluations",
    "FA-2026-0121": "complete (one trainee absent a whole day: trainee-hours 63)",
}


def write_readme(out: Path, listing: list[dict]) -> None:
    L = [
        "# Sample cooperative (synthetic, year 2026)",
        "",
        "Everything here is invented and generated by `generate.py`; do not edit by hand.",
        "",
        "## Regenerate",
        "",
        "```sh",
        "python samples/generate.py            # writes into samples/",
        "python samples/generate.py --out /tmp/s   # elsewhere",
        "```",
        "",
        "Needs reportlab, pypdfium2, Pillow, numpy, opencv-python-headless, python-docx and pypdf. "
        "The output is deterministic (seeded; reportlab "
        "`invariant=1`; fixed zip timestamps in DOCX; "
        "fixed file id for the encrypted PDF): re-running "
        "gives identical bytes with the same library versions.",
        "",
        "## Contents",
        "",
        "- `entrepreneurs.csv`: `name;email;folder` "
        f"(UTF-8). {ENTREPRENEURS[0].name} uses the folder "
        f"`{ENTREPRENEURS[0].folder}`.",
        "- `factures.csv`: the invoicing export (Windows-1252, "
        "`;`, decimal comma, dd/mm/yyyy, CRLF), "
        "per CONTRACT.md.",
        "- `partage/<ES folder>/…`: the drop tree.",
        "- `truth/<path>.txt`: the text drawn on each readable "
        "document, in reading order, pages separated by "
        "form feed (`\\f`); photos and PNGs hold their single page. None for bad or ignored files.",
        "- `expected.json`: per file, `rendering` (digital|scan|photo|docx|png|bad), `outcome` "
        "(attached|entrepreneur|set_aside|ignored) and "
        "its `documents` (`pages`, `type`, `invoice`, "
        "`entrepreneur`, `reason`, `fields`; `candidates` "
        "for `facture-ambigue`). `fields` hold only what "
        "is printed. Émargement `sessions` give one entry per cell with `signed` and "
        "`mark` (signed|empty|absent). `satisfaction` is an object "
        "`{score (0..1), scale [lo, hi], answers [...]}`.",
        "",
        "Reason values used: `vide`, `illisible`, "
        "`chiffre`, `format-non-supporte`, `type-inconnu`, "
        "`sans-facture`, `facture-ambigue`, `doublon`.",
        "",
        "## Documents drawn at random (not written into `samples/`)",
        "",
        "The readers are measured on documents whose layout nobody tuned them on. These "
        "modules draw them on demand, each with its truth, as a pure function of (count, seed):",
        "",
        "- `gen/layouts.py`: attendance sheets of random structure (axis, names joined or "
        "split, extra columns, header wording, where the date and half-days are, séance "
        "blocks, trainer row / column / boxes, continued tables, orientation, ruling, fonts, "
        "cell marks), each named by its layout family (`bench/bench_layouts.py`; "
        "`generate.py --random-layouts DIR`);",
        "- `gen/evaluations.py`: hot evaluations of random forms "
        "(`bench/bench_evaluations.py`; `generate.py --random-evaluations DIR`);",
        "- `gen/blocks.py`: signature pages with random labels, captions, boxes and stamps "
        "(`bench/bench_signatures.py --blocks N`);",
        "- `gen/option_forms.py`: questionnaires with chosen answers, for the choice "
        "reader's tests.",
        "",
        "## Invoices",
        "",
        "| N° | ES | Client (type) | Training | Dates | h | "
        "trainees | trainee-h | BPF | NSF | sous-tr. | dist. "
        "| dossier |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for inv in invoices():
        if not inv.training:
            L.append(
                f"| {inv.number} | {inv.es.name} | {inv.client} "
                f"({inv.client_type}) | — ({inv.note}) "
                f"| | | | | | | | | not a training |"
            )
            continue
        L.append(
            f"| {inv.number} | {inv.es.name} | {inv.client} ({inv.client_type}) | {inv.title} | "
            f"{fr(inv.start)}–{fr(inv.end)} | {hours_fr(inv.hours)} | {len(inv.trainees)} | "
            f"{hours_fr(inv.trainee_hours)} | {inv.bpf} | "
            f"{inv.nsf} | {inv.subcontracting} | {inv.distance} | "
            f"{INCOMPLETE.get(inv.number, 'complete')} |"
        )
    L += [
        "",
        "Notes for the pipeline:",
        "- FA-2026-0142 and FA-2026-0150: the same training sold twice to Boulangerie Dupain SARL; "
        "only dates (and trainee names) tell them apart.",
        "- FA-2026-0163 and FA-2026-0169 are paid by an "
        "OPCO: the invoice's client is the OPCO, the "
        "convention's client is the employer (printed with 'Prise en charge : <OPCO>').",
        "- FA-2026-0101 straddles 2025-12 → 2026-01 (14 "
        "of its 21 h per trainee were delivered in 2025).",
        "- FA-2026-0147 (confiée) names an outside trainer, James Porter (Lingua Sud Formation).",
        "",
        "## Files",
        "",
        "| File | Rendering | Outcome | Type(s) | Invoice / ES / reason | What it tests |",
        "|---|---|---|---|---|---|",
    ]
    for f in listing:
        types = ", ".join(sorted({str(d["type"]) for d in f["documents"]})) or "—"
        n = len(f["documents"])
        if n > 1:
            types = f"{n} × {types}"
        where = "; ".join(sorted({_inv_summary(d) for d in f["documents"]})) or "ignored"
        L.append(
            f"| `{f['file']}` | {f['rendering']} | {f['outcome']} "
            f"| {types} | {where} | {f['purpose']} |"
        )
    (out / "README.md").write_text("\n".join(L) + "\n", encoding="utf-8")


def write_labelled_sheets(out: Path, count: int, seed: int | None) -> int:
    """The labelled attendance sheets as files, with truth.json (not committed)."""
    from gen.sheets import DEFAULT_SEED, labelled_sheets

    out.mkdir(parents=True, exist_ok=True)
    truth = []
    for sheet in labelled_sheets(count, DEFAULT_SEED if seed is None else seed):
        (out / sheet.name).write_bytes(sheet.data)
        truth.append(sheet.truth)
    (out / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(truth)} labelled sheets and truth.json written under {out}")
    return 0


def write_random(out: Path, what: str, count: int, seed: int | None) -> int:
    """Random-layout attendance sheets or random-form evaluations, with truth.json."""
    from gen import evaluations, layouts

    made = layouts.random_sheets if what == "layouts" else evaluations.random_evaluations
    out.mkdir(parents=True, exist_ok=True)
    truth = []
    for item in made(count, layouts.DEFAULT_SEED if seed is None else seed):
        (out / item.name).write_bytes(item.data)
        truth.append(item.truth)
    (out / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8"
    )
    print(f"{len(truth)} files and truth.json written under {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    ap.add_argument(
        "--labelled-sheets",
        type=Path,
        metavar="DIR",
        help="write the labelled attendance sheets (gen/sheets.py) there instead, to look at",
    )
    for what in ("layouts", "evaluations"):
        ap.add_argument(
            f"--random-{what}",
            type=Path,
            metavar="DIR",
            help=f"write the {what} drawn at random (gen/{what}.py) there instead",
        )
    ap.add_argument("--count", type=int, default=30, help="how many labelled sheets")
    ap.add_argument("--seed", type=int, default=None, help="seed of the labelled sheets")
    args = ap.parse_args(argv)
    if args.labelled_sheets:
        return write_labelled_sheets(args.labelled_sheets, args.count, args.seed)
    if args.random_layouts or args.random_evaluations:
        what = "layouts" if args.random_layouts else "evaluations"
        return write_random(
            args.random_layouts or args.random_evaluations, what, args.count, args.seed
        )
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    write_csvs(out)
    listing = write_tree(out, plan())
    expected = {
        "year": YEAR,
        "cooperative": {"name": COOP.name, "nda": COOP.nda, "siret": COOP.siret},
        "files": [{k: v for k, v in f.items() if k != "purpose"} for f in listing],
    }
    (out / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    write_readme(out, listing)
    print(f"{len(listing)} files written under {out / 'partage'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
