"""How documents find their invoice: precision, recall and waits of the match stage.

    python bench/bench_matching.py [--seed 2026] [--per-es 14] [--no-corpus] [--no-marks]
                                   [--late 0.3]

Two sets, each read through the real read path (intake, text, classify, extract, and the
signature / attendance-cell readers unless ``--no-marks``) then ``pipeline.match.run`` with
the invoices of the entrepreneur whose folder holds the file, then
``pipeline.siblings.settle`` for a batch file's parts, as the runner's match stage does (no
database):

- the generated matching set (``samples/gen/matching_set.py``): 100+ invoices of invented
  entrepreneurs, 500+ born-digital documents labelled with their invoice, ``entrepreneur``
  or ``ambiguous``, with the hard cases tagged;
- the committed demo corpus (``samples/expected.json``, scans included: a few minutes).

Precision = right attachments / all attachments (to an invoice or to the entrepreneur);
recall = documents attached to their true invoice / documents that have one. A document
labelled ``ambiguous`` is right only when it waits as ambiguous.

On the generated set, a share of the invoices is then imported only after their documents
were filed (``--late``), and the re-import's matching is measured the same way.

Then the time to evaluate 10,000 dossiers with ``pipeline.rules.evaluate`` (in memory).
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import match, rules, runner, siblings  # noqa: E402
from pipeline.config import Matching, read_only_config  # noqa: E402
from pipeline.errors import DocumentError, Reason  # noqa: E402
from pipeline.invoices import Invoice, read_export  # noqa: E402
from pipeline.parse import normalise_invoice_number  # noqa: E402
from pipeline.record import Doc, Match, Source  # noqa: E402
from pipeline.store import DocumentRow  # noqa: E402
from samples.gen import matching_set  # noqa: E402
from samples.gen import model as gen  # noqa: E402

SAMPLES = ROOT / "samples"
AMBIGUOUS, ENTREPRENEUR = matching_set.AMBIGUOUS, matching_set.ENTREPRENEUR


@dataclass
class Case:
    """One document to match: where it lies, what it truly is, what became of it."""

    rel: str
    path: Path
    entrepreneur: str
    type: str
    truth: str | None  # invoice number, ENTREPRENEUR, AMBIGUOUS, or None (belongs nowhere)
    tags: tuple[str, ...] = ()
    found_type: str = ""
    match: Match | None = None
    fields: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def verdict(self) -> str:
        """right | wrong | wait-ambiguous | wait-no-match | wait-other."""
        m = self.match
        if m is None:
            return "wait-other"
        got = m.invoice or (ENTREPRENEUR if m.method == "entrepreneur" else None)
        if got is None:
            if m.reason == Reason.AMBIGUOUS:
                return "right" if self.truth == AMBIGUOUS else "wait-ambiguous"
            if m.reason == Reason.NO_MATCH and self.truth is None:
                return "right"
            return "wait-no-match" if m.reason == Reason.NO_MATCH else "wait-other"
        return "right" if got == self.truth else "wrong"

    @property
    def attached(self) -> bool:
        m = self.match
        return m is not None and bool(m.invoice or m.method == "entrepreneur")


# ---- building the sets ----------------------------------------------------------------------
def to_invoice(inv: gen.Invoice) -> Invoice:
    """The record the invoicing export gives for a generated invoice."""
    return Invoice(
        number=inv.number,
        date=inv.date,
        entrepreneur=inv.es.name,
        client=inv.client,
        client_type=inv.client_type,
        title=inv.title,
        place=inv.place,
        start=inv.start,
        end=inv.end,
        hours=inv.hours,
        trainee_count=len(inv.trainees),
        trainees=tuple(inv.trainees),
        statuses=(inv.status,),
        trainee_hours=inv.trainee_hours,
        bpf_code=inv.bpf,
        objective=inv.objective,
        nsf=inv.nsf,
        amount_ht=inv.amount,
        subcontracting=inv.subcontracting,
        distance=inv.distance,
    )


def source(drop: Path, rel: str, entrepreneur: str) -> Source:
    """As ``runner.locate`` sees a file: its entrepreneur and the invoice folder above it."""
    parts = rel.split("/")
    hint = next((n for n in reversed(parts[1:-1]) if normalise_invoice_number(n)), None)
    return Source(path=drop / rel, rel=rel, entrepreneur=entrepreneur, invoice_hint=hint)


def generated_set(drop: Path, seed: int, per_es: int) -> tuple[list[Case], list[Invoice]]:
    mset = matching_set.build(seed, per_es)
    cases = []
    for d in mset.documents:
        pdf, _ = matching_set.draw(d)
        path = drop / d.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pdf)
        if not d.pages:
            cases.append(Case(d.path, path, d.entrepreneur, d.type, d.truth, d.cases))
        for k, truth in enumerate(d.pages, start=1):  # a batch: one document a page
            cases.append(Case(f"{d.path}#{k}", path, d.entrepreneur, d.type, truth, d.cases))
    return cases, [to_invoice(i) for i in mset.invoices]


def corpus_set() -> tuple[list[Case], list[Invoice]]:
    data = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
    invoices = [i for i in read_export(SAMPLES / "factures.csv").invoices if i.is_training]
    with (SAMPLES / "entrepreneurs.csv").open(encoding="utf-8") as fh:
        folders = {row["folder"]: row["name"] for row in csv.DictReader(fh, delimiter=";")}
    cases = []
    for f in data["files"]:
        if f["outcome"] == "ignored" or f["rendering"] == "bad":
            continue
        for k, d in enumerate(f["documents"]):
            if d["type"] is None:
                continue
            truth = d["invoice"] or (ENTREPRENEUR if f["outcome"] == "entrepreneur" else None)
            if d["reason"] == Reason.AMBIGUOUS:
                truth = AMBIGUOUS
            es = folders[f["file"].split("/")[0]]
            rel = f["file"] if len(f["documents"]) == 1 else f"{f['file']}#{k + 1}"
            cases.append(Case(rel, SAMPLES / "partage" / f["file"], es, d["type"], truth))
    return cases, invoices


# ---- running ---------------------------------------------------------------------------------
def matched(doc: Doc, invoices: list[Invoice], settings: Matching) -> Doc:
    """The runner's match stage without its database: each part on its own evidence, then
    a batch's waiting parts by their siblings."""
    doc = match.run(doc, invoices, settings)
    texts = [doc.text(p.first, p.last) for p in doc.parts]
    return replace(doc, parts=siblings.settle(doc.parts, invoices, settings, texts))


def run_cases(
    cases: list[Case], invoices: list[Invoice], ctx: runner.Context, drop: Path
) -> dict[Path, Doc | None]:
    by_es: dict[str, list[Invoice]] = defaultdict(list)
    for inv in invoices:
        by_es[inv.entrepreneur].append(inv)
    settings = ctx.config.matching
    read: dict[Path, tuple[Doc | None, float]] = {}
    for c in cases:
        if c.path not in read:
            start = time.perf_counter()
            rel = c.rel.split("#")[0]
            try:
                doc = runner.read(Doc(source=source(drop, rel, c.entrepreneur)), ctx)
                doc = matched(doc, by_es[c.entrepreneur], settings)
            except DocumentError:
                doc = None
            read[c.path] = (doc, time.perf_counter() - start)
        doc, seconds = read[c.path]
        c.seconds = seconds
        if doc is None or not doc.parts:
            continue
        k = int(c.rel.split("#")[1]) - 1 if "#" in c.rel else 0
        part = doc.parts[min(k, len(doc.parts) - 1)]
        c.found_type, c.match, c.fields = str(part.type), part.match, dict(part.fields)
    return {path: doc for path, (doc, _) in read.items()}


# ---- invoices imported after their documents ------------------------------------------------
def late_invoices(
    cases: list[Case], docs: dict[Path, Doc | None], invoices: list[Invoice],
    ctx: runner.Context, drop: Path, tmp: Path, share: float,
) -> None:  # fmt: skip
    """Documents dropped before their invoice is exported, then the export re-imported.

    Every ``1/share``-th invoice of each entrepreneur is held back from the first import.
    The documents are filed through the real store and archive (``runner.file_document``);
    the held invoices are then imported and ``pipeline.rematch.after_import`` runs, as
    ``dossiers import-invoices`` does. The risk measured: a document whose invoice is not
    there yet must wait, not go to a sibling invoice.
    """
    from pipeline import rematch
    from pipeline.config import Paths
    from pipeline.store import Store

    step = max(2, round(1 / share))
    held = {inv.number for k, inv in enumerate(invoices) if k % step == step - 1}
    paths = Paths(drop=drop, archive=tmp / "archive", database=tmp / "late.sqlite3")
    config = ctx.config.model_copy(update={"paths": paths})
    with Store(config.paths.database) as store:
        live = runner.Context(config=config, store=store, ocr=None, clock=ctx.clock)
        store.upsert_invoices([i for i in invoices if i.number not in held], live.clock())
        by_es: dict[str, list[Invoice]] = defaultdict(list)
        for inv in invoices:
            if inv.number not in held:
                by_es[inv.entrepreneur].append(inv)
        for doc in docs.values():
            if doc is not None and doc.parts:
                who = doc.source.entrepreneur or ""
                runner.file_document(matched(doc, by_es[who], config.matching), live)
        first = _late_verdicts(cases, docs, store, held)
        store.upsert_invoices([i for i in invoices if i.number in held], live.clock())
        start = time.perf_counter()
        moves = rematch.after_import(live, {i.entrepreneur for i in invoices if i.number in held})
        seconds = time.perf_counter() - start
        after = _late_verdicts(cases, docs, store, held)
    print(f"\n=== invoices imported late: {len(held)} of {len(invoices)} held back ===")
    for title, (right, wrong, waiting, total) in (("before", first), ("after", after)):
        print(
            f"{title:<6} the late import: documents of held invoices {total}: "
            f"attached right {right}, waiting {waiting}; wrong attachments (all documents) "
            f"{wrong}"
        )
    print(f"re-import moved {len(moves)} documents in {seconds * 1000:.0f} ms")


def _late_verdicts(
    cases: list[Case], docs: dict[Path, Doc | None], store: object, held: set[str]
) -> tuple[int, int, int, int]:
    rows = {(d.rel, d.first): d for d in store.documents()}  # type: ignore[attr-defined]
    right = wrong = waiting = total = others_wrong = 0
    for c in cases:
        doc = docs.get(c.path)
        if doc is None or not doc.parts:
            continue
        k = int(c.rel.split("#")[1]) - 1 if "#" in c.rel else 0
        row = rows.get((c.rel.split("#")[0], doc.parts[min(k, len(doc.parts) - 1)].first))
        if c.truth not in held:
            if row is not None and row.invoice and row.invoice != c.truth:
                others_wrong += 1
                print(f"  WRONG {c.rel}: truth {c.truth}, got {row.invoice}")
            continue
        total += 1
        if row is None or row.invoice is None:
            waiting += 1
        elif row.invoice == c.truth:
            right += 1
        else:
            wrong += 1
            ranked = [(x["invoice"], x["score"], x["why"]) for x in row.candidates]
            print(
                f"  WRONG {c.rel} [{c.type}; {', '.join(c.tags) or '-'}] truth {c.truth}, "
                f"got {row.invoice} ({row.method}, {row.score:.2f}), candidates {ranked}"
            )
    return right, wrong + others_wrong, waiting, total


# ---- reporting -------------------------------------------------------------------------------
def report(title: str, cases: list[Case], by_case: bool) -> None:
    attached = [c for c in cases if c.attached]
    right = [c for c in attached if c.verdict == "right"]
    with_invoice = [c for c in cases if c.truth not in (None, AMBIGUOUS, ENTREPRENEUR)]
    found = [c for c in with_invoice if c.verdict == "right"]
    precision = len(right) / len(attached) if attached else 1.0
    recall = len(found) / len(with_invoice) if with_invoice else 1.0
    print(f"\n=== {title}: {len(cases)} documents ===")
    print(
        f"precision {precision:.1%} ({len(right)} right / {len(attached)} attachments, "
        f"invoice or entrepreneur)"
    )
    print(
        f"recall    {recall:.1%} ({len(found)} attached to their invoice / {len(with_invoice)} "
        "documents that have one)"
    )
    es_docs = [c for c in cases if c.truth == ENTREPRENEUR]
    amb = [c for c in cases if c.truth == AMBIGUOUS]
    print(
        f"entrepreneur pieces attached to the entrepreneur: "
        f"{sum(c.verdict == 'right' for c in es_docs)}/{len(es_docs)}; "
        f"ambiguous documents waiting as ambiguous: {sum(c.verdict == 'right' for c in amb)}"
        f"/{len(amb)}"
    )
    waits = Counter(c.verdict for c in with_invoice if c.verdict.startswith("wait"))
    print(
        "documents with an invoice left waiting: "
        + (", ".join(f"{k[5:]} {n}" for k, n in waits.most_common()) or "none")
    )
    _table("type", cases, lambda c: [c.type])
    if by_case:
        _table("hard case", cases, lambda c: list(c.tags))
        _table("truth", cases, lambda c: [_kind(c.truth)])
    wrong = [c for c in cases if c.verdict == "wrong"]
    print(f"\nWrong attachments: {len(wrong)}")
    for c in wrong:
        _show(c)
    if "--verbose" in sys.argv:
        for c in with_invoice:
            if c.verdict.startswith("wait"):
                _show(c)
    seconds = [c.seconds for c in {c.path: c for c in cases}.values()]
    print(
        f"\nTime per file (read + match): median {statistics.median(seconds) * 1000:.0f} ms, "
        f"mean {statistics.mean(seconds) * 1000:.0f} ms, total {sum(seconds):.0f} s"
    )


def _kind(truth: str | None) -> str:
    return truth if truth in (None, AMBIGUOUS, ENTREPRENEUR) else "invoice"  # type: ignore[return-value]


def _table(name: str, cases: list[Case], keys) -> None:  # type: ignore[no-untyped-def]
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for c in cases:
        for k in keys(c):
            rows[str(k)][c.verdict] += 1
    cols = ["right", "wrong", "wait-ambiguous", "wait-no-match", "wait-other"]
    print(f"\n{name:<20} {'docs':>5} " + " ".join(f"{x:>14}" for x in cols))
    for k, cnt in sorted(rows.items()):
        print(f"{k:<20} {sum(cnt.values()):>5} " + " ".join(f"{cnt[x]:>14}" for x in cols))


def _show(c: Case) -> None:
    m = c.match
    assert m is not None
    keep = ("invoice_number", "training_title", "client", "start_date", "end_date", "trainee")
    fields = {k: c.fields[k] for k in keep if c.fields.get(k)}
    if c.fields.get("trainees"):
        fields["trainees"] = c.fields["trainees"]
    print(
        f"- {c.rel} [{c.type} read as {c.found_type}; {', '.join(c.tags) or '-'}]\n"
        f"    truth {c.truth}, got {m.invoice or m.method or m.reason} "
        f"(method {m.method or '-'}, score {m.score:.2f}, reason {m.reason})\n"
        f"    candidates {[(x.invoice, x.score, x.why) for x in m.candidates]}\n"
        f"    fields {fields}"
    )


# ---- 10,000 dossiers through rules.evaluate ---------------------------------------------------
def dossiers(n: int) -> list[tuple[Invoice, list[DocumentRow]]]:
    """``n`` invoices with a signed convention, a sheet, two attestations, two evaluations."""
    out = []
    doc_id = 0
    for k in range(n):
        start = date(2026, 1, 5) + timedelta(days=k % 300)
        days = [start, start + timedelta(days=1)]
        trainees = (f"Stagiaire{k} Alpha", f"Stagiaire{k} Beta", f"Stagiaire{k} Gamma")
        inv = Invoice(
            number=f"FA-2026-{k:05d}", date=days[-1], entrepreneur="Sandrine Lefèvre",
            client="Cabinet Vidal Associés", client_type="entreprise",
            title="Lire et comprendre un bilan comptable", start=days[0], end=days[-1],
            hours=14, trainee_count=3, trainees=trainees, statuses=("salarié",),
            trainee_hours=42, bpf_code="C1", objective="F3d", nsf="314", amount_ht=2100.0,
        )  # fmt: skip
        halves = [(d.isoformat(), h) for d in days for h in ("matin", "apres-midi")]
        sessions = [
            {"date": d, "half_day": h, "trainee": t, "signed": True}
            for d, h in halves
            for t in trainees
        ]
        base = {"training_title": inv.title, "start_date": days[0].isoformat()}
        kinds = [
            ("convention", base | {"signatures": dict.fromkeys(("organisme", "client", "formateur"), True)}),  # noqa: E501
            ("emargement", base | {"sessions": sessions, "trainer_signed": [
                {"date": d, "half_day": h, "signed": True} for d, h in halves]}),
            ("attestation", base | {"trainee": trainees[0], "hours_attended": 14}),
            ("attestation", base | {"trainee": trainees[1], "hours_attended": 14}),
            ("evaluation_chaud", base | {"trainee": trainees[0], "satisfaction": 0.9}),
            ("evaluation_chaud", base | {"trainee": trainees[1], "satisfaction": 0.8}),
        ]  # fmt: skip
        rows = []
        for kind, fields in kinds:
            doc_id += 1
            rows.append(
                DocumentRow(
                    id=doc_id,
                    file_id=doc_id,
                    rel=f"x/{doc_id}.pdf",
                    first=1,
                    last=1,
                    type=kind,
                    confidence=0.95,
                    fields=fields,
                    invoice=inv.number,
                    entrepreneur=inv.entrepreneur,
                    score=1.0,
                    method="dossier",
                    candidates=[],
                    reason=None,
                    archive_path=None,
                )  # fmt: skip
            )
        out.append((inv, rows))
    return out


def time_rules(n: int = 10_000, runs: int = 3) -> None:
    data = dossiers(n)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for inv, rows in data:
            rules.evaluate(inv, rows)
        times.append(time.perf_counter() - start)
    print(
        f"\nrules.evaluate on {n} dossiers ({sum(len(r) for _, r in data)} documents): "
        f"median {statistics.median(times):.2f} s over {runs} runs "
        f"({statistics.median(times) / n * 1000:.2f} ms per dossier)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--per-es", type=int, default=14, help="ordinary invoices per entrepreneur")
    parser.add_argument("--no-corpus", action="store_true", help="skip the committed corpus")
    parser.add_argument("--no-marks", action="store_true", help="skip signature/cell reading")
    parser.add_argument("--no-rules", action="store_true", help="skip the 10,000-dossier timing")
    parser.add_argument("--verbose", action="store_true", help="also show every wait")
    parser.add_argument(
        "--late", type=float, default=0.3, help="share of invoices imported late (0: skip)"
    )
    args = parser.parse_args()
    config = read_only_config()
    engine = None
    if not args.no_marks or not args.no_corpus:
        from pipeline.ocr import TesserocrEngine

        engine = TesserocrEngine(config.ocr)
    ctx = runner.Context(config=config, store=None, ocr=engine)  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory(prefix="bench-matching-") as tmp:
        drop = Path(tmp)
        cases, invoices = generated_set(drop, args.seed, args.per_es)
        gen_ctx = ctx if not args.no_marks else replace(ctx, ocr=None)
        docs = run_cases(cases, invoices, gen_ctx, drop)
        print(
            f"Matching set: seed {args.seed}, {len(invoices)} invoices, "
            f"{len({c.entrepreneur for c in cases})} entrepreneurs"
        )
        report("generated matching set", cases, by_case=True)
        if args.late > 0:
            with tempfile.TemporaryDirectory(prefix="bench-late-") as late_tmp:
                late_invoices(cases, docs, invoices, gen_ctx, drop, Path(late_tmp), args.late)
    if not args.no_corpus:
        cases, invoices = corpus_set()
        run_cases(cases, invoices, ctx, SAMPLES / "partage")
        report("committed demo corpus (samples/expected.json)", cases, by_case=False)
    if engine is not None:
        engine.close()
    if not args.no_rules:
        time_rules()


if __name__ == "__main__":
    main()
