"""Re-running files from their archived originals: a person's decisions stay, nothing is lost."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from pipeline import filing, rerun, runner
from pipeline.config import Config, Person
from pipeline.errors import Reason
from pipeline.invoices import Invoice
from pipeline.store import Store
from tests.conftest import NOW
from tests.pipeline.test_runner import ATTESTATION, CAMILLE, drop, pdf

DUPAIN = dict(
    date=date(2026, 3, 14), entrepreneur=CAMILLE, client="Boulangerie Dupain SARL",
    title="Gestion du stress au travail", trainee_count=2, trainees=("Léa Martin", "Paul Durand"),
)  # fmt: skip
MARCH = Invoice(number="FA-2026-0142", start=date(2026, 3, 10), end=date(2026, 3, 11), **DUPAIN)
# The same training sold twice to the same client for the same days (two groups): an
# attestation naming no invoice fits both, and waits for a person.
AGAIN = Invoice(number="FA-2026-0160", start=date(2026, 3, 10), end=date(2026, 3, 11), **DUPAIN)
UNDATED = [line for line in ATTESTATION if "du 10/03" not in line]


@pytest.fixture
def ctx(config: Config, store: Store) -> runner.Context:
    store.upsert_invoices([MARCH, AGAIN], NOW)
    return runner.Context(config=config, store=store, ocr=None, clock=lambda: NOW)


def test_a_persons_attach_survives_a_rerun_and_the_document_keeps_its_number(
    ctx: runner.Context,
) -> None:
    path = drop(ctx.config, f"{CAMILLE}/attestation léa.pdf", pdf(UNDATED))
    runner.process(path, ctx)
    (waiting,) = ctx.store.documents()
    assert waiting.invoice is None and waiting.reason == Reason.AMBIGUOUS
    filing.attach(ctx.store, ctx.config.paths.archive, waiting.id, "FA-2026-0160",
                  actor="Nadia (appui)", reason="vu sur la convention", now=NOW)  # fmt: skip
    path.unlink()  # the entrepreneur tidied their folder: the archive has the original

    (file,) = ctx.store.files()
    result = rerun.rerun(ctx, file, "Nadia (appui)", "nouvelle version du lecteur")

    assert not result.failed and not result.changed
    (doc,) = ctx.store.documents()
    assert doc.id == waiting.id
    assert (doc.invoice, doc.method) == ("FA-2026-0160", "manuel")
    after = ctx.store.file(file.id)
    assert after is not None and after.rel == f"{CAMILLE}/attestation léa.pdf"
    assert Path(after.archive_path or "").read_bytes() == pdf(UNDATED)
    assert Path(doc.archive_path or "").read_bytes() == pdf(UNDATED)
    event = ctx.store.events()[0]
    assert event["kind"] == "relecture" and event["actor"] == "Nadia (appui)"
    assert event["detail"]["why"] == "nouvelle version du lecteur"


def test_an_attach_moves_the_files_archive_copy_with_the_document(ctx: runner.Context) -> None:
    runner.process(drop(ctx.config, f"{CAMILLE}/a.pdf", pdf(UNDATED)), ctx)
    (doc,) = ctx.store.documents()
    filing.attach(ctx.store, ctx.config.paths.archive, doc.id, "FA-2026-0142", actor="a",
                  reason="", now=NOW)  # fmt: skip
    (file,) = ctx.store.files()
    moved = ctx.store.document(doc.id)
    assert moved is not None and file.archive_path == moved.archive_path
    assert Path(file.archive_path or "").is_file()


def test_a_file_of_an_unknown_folder_is_filed_once_the_entrepreneur_is_declared(
    config: Config, store: Store
) -> None:
    store.upsert_invoices([MARCH], NOW)
    ctx = runner.Context(config=config, store=store, ocr=None, clock=lambda: NOW)
    outcome = runner.process(drop(config, "Zoé Marchand/attestation.pdf", pdf(ATTESTATION)), ctx)
    assert outcome.reason == Reason.UNKNOWN_ENTREPRENEUR
    zoe = Person(name="Zoé Marchand", email="zoe@example.org", folder="Zoé Marchand")
    later = config.model_copy(update={"people": (*config.people, zoe)})
    store.sync_entrepreneurs([zoe])
    store.upsert_invoices([replace(MARCH, number="FA-2026-0201", entrepreneur="Zoé Marchand")], NOW)
    ctx = runner.Context(config=later, store=store, ocr=None, clock=lambda: NOW)

    (chosen,) = rerun.select(ctx, entrepreneur=None, everything=True, set_aside=True)
    result = rerun.rerun(ctx, chosen, "appui")

    assert result.changed, result
    file = store.file(chosen.id)
    assert file is not None and (file.state, file.reason) == ("traite", None)
    (doc,) = store.documents(file_id=chosen.id)
    assert (doc.invoice, doc.entrepreneur) == ("FA-2026-0201", "Zoé Marchand")
    assert Path(doc.archive_path or "").read_bytes() == pdf(ATTESTATION)
    leftovers = [p for p in config.paths.archive.rglob("*.pdf") if "_inconnus" in p.parts]
    assert leftovers == [], "the set-aside copy went once the filed copy existed"


def test_a_file_still_refused_keeps_its_record_with_the_new_reason(ctx: runner.Context) -> None:
    runner.process(drop(ctx.config, f"{CAMILLE}/tronque.pdf", pdf(ATTESTATION)[:400]), ctx)
    (file,) = ctx.store.files()
    assert file.reason == Reason.UNREADABLE

    result = rerun.rerun(ctx, file, "appui")

    assert result.failed and not result.changed
    again = ctx.store.file(file.id)
    assert again is not None and (again.state, again.reason) == ("ecarte", Reason.UNREADABLE)
    assert Path(again.archive_path or "").read_bytes() == pdf(ATTESTATION)[:400]


def test_a_missing_archive_copy_is_reported_and_changes_nothing(ctx: runner.Context) -> None:
    runner.process(drop(ctx.config, f"{CAMILLE}/a.pdf", pdf(ATTESTATION)), ctx)
    (file,) = ctx.store.files()
    Path(file.archive_path or "").unlink()
    before = ctx.store.documents()

    result = rerun.rerun(ctx, file, "appui")

    assert result.failed == "original introuvable dans l'archive"
    assert ctx.store.documents() == before


def test_a_batch_file_keeps_each_documents_number(ctx: runner.Context) -> None:
    writer = PdfWriter()
    for lines in (ATTESTATION, [line.replace("Léa Martin", "Paul Durand") for line in ATTESTATION]):
        writer.add_page(PdfReader(io.BytesIO(pdf(lines))).pages[0])
    out = io.BytesIO()
    writer.write(out)
    runner.process(drop(ctx.config, f"{CAMILLE}/lot.pdf", out.getvalue()), ctx)
    before = ctx.store.documents()
    assert [(d.first, d.type) for d in before] == [(1, "attestation"), (2, "attestation")]

    (file,) = ctx.store.files()
    result = rerun.rerun(ctx, file, "appui")

    assert not result.failed and not result.changed
    after = ctx.store.documents()
    assert [d.id for d in after] == [d.id for d in before]
    assert all(Path(d.archive_path or "").is_file() for d in after)
    assert len(list(ctx.config.paths.archive.rglob("*.pdf"))) == 3  # original + two parts


def test_select_takes_processed_files_and_retryable_set_aside_ones(ctx: runner.Context) -> None:
    runner.process(drop(ctx.config, f"{CAMILLE}/a.pdf", pdf(ATTESTATION)), ctx)
    runner.process(drop(ctx.config, f"{CAMILLE}/tronque.pdf", pdf(ATTESTATION)[:400]), ctx)
    runner.process(drop(ctx.config, f"{CAMILLE}/vide.pdf", b""), ctx)
    names = lambda files: [Path(f.rel).name for f in files]  # noqa: E731
    assert names(rerun.select(ctx, entrepreneur=CAMILLE)) == ["a.pdf"]
    assert names(rerun.select(ctx, everything=True, set_aside=True)) == ["a.pdf", "tronque.pdf"]
    (empty,) = [f for f in ctx.store.files() if f.rel.endswith("vide.pdf")]
    assert names(rerun.select(ctx, files=[empty.id])) == ["vide.pdf"]
    with pytest.raises(KeyError):
        rerun.select(ctx, documents=[999])
