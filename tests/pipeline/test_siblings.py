"""A batch's waiting pages follow their siblings, and a batch larger than an invoice's
trainees is not that invoice's; never against what a page says, never on a doubt."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from pipeline import filing, rematch, rerun, runner
from pipeline.config import Config, Matching
from pipeline.errors import Reason
from pipeline.invoices import Invoice
from pipeline.match import match_part
from pipeline.record import Candidate, Doc, DocType, Match, Part, Source
from pipeline.siblings import METHOD, settle
from pipeline.store import Store
from samples.gen import docs
from samples.gen.model import Entrepreneur, Style, days_slots
from samples.gen.model import Invoice as Training
from samples.gen.pen import Pen
from tests.conftest import NOW
from tests.pipeline.test_runner import drop

ES = "Camille Rousseau"  # the entrepreneur the test configuration knows
TITLE = "Négocier avec ses fournisseurs"
GROUP = ("Marc Olivier", "Sarah Benali", "Théo Vasseur", "Nina Caron", "Yanis Royer", "Lise Aubry")
MAY = Invoice(
    number="FA-2026-0031", date=date(2026, 5, 22), entrepreneur=ES, client="Coop Agricole du Lez",
    title=TITLE, start=date(2026, 5, 18), end=date(2026, 5, 19), trainee_count=6, trainees=GROUP,
)  # fmt: skip
JULY_ALONE = Invoice(
    number="FA-2026-0047", date=date(2026, 7, 10), entrepreneur=ES, client="Bruno Lemaire",
    client_type="particulier", title=TITLE, start=date(2026, 7, 6), end=date(2026, 7, 7),
    trainee_count=1, trainees=("Bruno Lemaire",),
)  # fmt: skip
JULY_GROUP = replace(
    JULY_ALONE, client="Imprimerie Sétoise", client_type="entreprise", trainee_count=6,
    trainees=("Rémi Costa", "Julie Pages", "Omar Haddad", "Eva Morel", "Léo Girard", "Zoé Peyre"),
)  # fmt: skip
SETTINGS = Matching()
DOC = Doc(source=Source(path=Path("/x/scan.pdf"), rel=f"{ES}/scan.pdf", entrepreneur=ES))


def page_text(name: str = "") -> str:
    """A hot evaluation form: the title printed, the respondent handwritten (maybe unread)."""
    return (
        f"Votre avis sur la formation\n{TITLE}\nNom et prénom : {name}\n"
        "Les objectifs ont-ils été atteints ? 1 2 3 4\nLe formateur 1 2 3 4\n"
    )


def batch(
    texts: list[str],
    invoices: list[Invoice],
    kind: DocType = DocType.EVALUATION_CHAUD,
    read: dict[int, str] | None = None,
) -> tuple[Part, ...]:
    """One file of one-page documents, each matched on its own, then settled as a batch
    (``read``: the respondent the reader extracted, by page)."""
    return settle(own(texts, invoices, kind, read), invoices, SETTINGS, texts)


def own(
    texts: list[str],
    invoices: list[Invoice],
    kind: DocType = DocType.EVALUATION_CHAUD,
    read: dict[int, str] | None = None,
) -> list[Part]:
    """One file of one-page documents, each matched on its own evidence."""
    parts = []
    for page, text in enumerate(texts, start=1):
        fields = {"training_title": TITLE, "trainee": (read or {}).get(page)}
        part = Part(page, page, kind, 0.9, fields)
        parts.append(replace(part, match=match_part(part, DOC, invoices, SETTINGS, text)))
    return parts


def where(parts: tuple[Part, ...]) -> list[str | None]:
    return [p.match.invoice or p.match.reason if p.match else None for p in parts]


def test_pages_without_a_name_follow_the_invoice_their_named_siblings_went_to() -> None:
    texts = [page_text(GROUP[0]), page_text(), page_text(), page_text(), page_text(GROUP[3])]
    parts = batch(texts, [MAY, JULY_GROUP])  # both invoices have six trainees: no count decides
    assert where(parts) == [MAY.number] * 5
    assert [p.match.method for p in parts if p.match] == ["score", METHOD, METHOD, METHOD, "score"]
    why = parts[1].match.candidates[0].why if parts[1].match else ()
    assert why[0] == f"même lot que les pages 1, 5 du fichier, rattachées à {MAY.number}"


def test_siblings_that_went_to_two_invoices_decide_nothing() -> None:
    texts = [page_text(GROUP[0]), page_text(), page_text(JULY_GROUP.trainees[2])]
    parts = batch(texts, [MAY, JULY_GROUP])
    assert where(parts) == [MAY.number, Reason.AMBIGUOUS, JULY_GROUP.number]


def waiting(page: int, **fields: object) -> Part:
    """A page left waiting between May and July (as recorded), with what it says."""
    both = (Candidate(MAY.number, 0.7, ("titre 1.00",)), Candidate(JULY_GROUP.number, 0.7))
    found = Match(entrepreneur=ES, score=0.7, candidates=both, reason=Reason.AMBIGUOUS)
    return Part(page, page, DocType.EVALUATION_CHAUD, 0.9, {"training_title": TITLE, **fields},
                found)  # fmt: skip


def test_a_waiting_page_naming_someone_else_does_not_follow_its_siblings() -> None:
    (named,) = batch([page_text(GROUP[0])], [MAY, JULY_GROUP])
    for says in ({"trainee": "Gérard Tessier"}, {"client": "Garage Vidal et Fils"}):
        settled = settle([named, waiting(2, **says)], [MAY, JULY_GROUP], SETTINGS)
        assert where(settled) == [MAY.number, Reason.AMBIGUOUS], says
    settled = settle([named, waiting(2)], [MAY, JULY_GROUP], SETTINGS)
    assert where(settled) == [MAY.number, MAY.number], "the same page saying nothing follows"


def test_a_waiting_page_dated_after_the_siblings_session_does_not_follow_them() -> None:
    (named,) = batch([page_text(GROUP[0])], [MAY, JULY_GROUP])
    settled = settle([named, waiting(2, date="2026-08-20")], [MAY, JULY_GROUP], SETTINGS)
    assert where(settled) == [MAY.number, Reason.AMBIGUOUS]


def test_a_batch_of_six_forms_is_not_the_one_trainee_invoices() -> None:
    parts = batch([page_text()] * 6, [MAY, JULY_ALONE])
    assert where(parts) == [MAY.number] * 6
    why = parts[0].match.candidates[0].why if parts[0].match else ()
    assert why[0] == (
        f"lot de 6 évaluations à chaud d'une page : {JULY_ALONE.number} n'a que 1 stagiaire(s)"
    )


def test_a_batch_settles_by_its_size_among_more_candidates_than_a_waiting_page_lists() -> None:
    small = [
        replace(JULY_ALONE, number=f"FA-2026-00{60 + k}", start=date(2026, 9, k + 1),
                end=date(2026, 9, k + 1), date=date(2026, 9, k + 3))
        for k in range(5)
    ]  # fmt: skip
    parts = batch([page_text()] * 6, [MAY, *small])
    assert where(parts) == [MAY.number] * 6
    assert parts[0].match is not None and len(parts[0].match.candidates) == 5


def test_a_batch_smaller_than_the_one_invoice_left_waits_for_its_true_session() -> None:
    # Three forms rule out the one-trainee session, but the six-trainee one has room to
    # spare: the batch may be a third session whose invoice is not imported yet.
    parts = batch([page_text()] * 3, [MAY, JULY_ALONE])
    assert where(parts) == [Reason.AMBIGUOUS] * 3


def test_a_batch_no_larger_than_either_invoices_trainees_waits() -> None:
    five = replace(JULY_GROUP, trainee_count=5, trainees=JULY_GROUP.trainees[:5])
    parts = batch([page_text()] * 5, [MAY, five])
    assert where(parts) == [Reason.AMBIGUOUS] * 5


def test_an_invoice_whose_trainee_count_is_unknown_is_not_ruled_out() -> None:
    unknown = replace(JULY_ALONE, trainee_count=None, trainees=())
    parts = batch([page_text()] * 6, [MAY, unknown])
    assert where(parts) == [Reason.AMBIGUOUS] * 6


def test_a_file_mixing_kinds_of_documents_is_not_counted_as_a_batch() -> None:
    forms = own([page_text()] * 6, [MAY, JULY_ALONE])
    sheet = Part(7, 8, DocType.EMARGEMENT, 0.9, {"training_title": TITLE})
    sheet = replace(sheet, match=match_part(sheet, DOC, [MAY, JULY_ALONE], SETTINGS, ""))
    settled = settle([*forms, sheet], [MAY, JULY_ALONE], SETTINGS)
    assert where(settled)[:6] == [Reason.AMBIGUOUS] * 6


def test_a_single_form_is_no_batch() -> None:
    (part,) = batch([page_text()], [MAY, JULY_ALONE])
    assert where((part,)) == [Reason.AMBIGUOUS]


def test_a_batch_never_takes_an_invoice_its_page_did_not_list() -> None:
    """Two attestations attached to May by name; a third lists only July's two sessions
    (its own dates): May is not among its candidates, so it keeps waiting."""
    july_bis = replace(JULY_GROUP, number="FA-2026-0052")
    invoices = [MAY, JULY_GROUP, july_bis]
    parts = list(batch([page_text(GROUP[0]), page_text(GROUP[1])], invoices, DocType.ATTESTATION))
    third = Part(3, 3, DocType.ATTESTATION, 0.9, {"training_title": TITLE,
                                                  "start_date": "2026-07-06"})  # fmt: skip
    third = replace(third, match=match_part(third, DOC, invoices, SETTINGS, ""))
    assert third.match is not None and third.match.reason == Reason.AMBIGUOUS
    settled = settle([*parts, third], invoices, SETTINGS)
    assert settled[2].match == third.match


# -- through the pipeline: a file dropped in the share, then a re-import ----------------

CAMILLE = Entrepreneur(ES, "camille@example.org", ES, "Formatrice en achats", "Sète", Style())


def training(inv: Invoice) -> Training:
    """The generator's view of an exported invoice (to draw its documents)."""
    assert inv.start is not None and inv.end is not None
    return Training(
        inv.number, inv.date, CAMILLE, inv.client, inv.client_type, 1800.0, title=inv.title,
        slots=days_slots(inv.start, inv.end), trainees=list(inv.trainees),
    )  # fmt: skip


def scanned_batch(inv: Invoice, named: dict[int, str], pages: int) -> bytes:
    """One PDF of ``pages`` hot evaluations of ``inv``'s session, undated, anonymous but
    for the ``named`` pages."""
    pen = Pen(random.Random(f"lot-{pages}"), title="evaluations", author=ES)
    for page in range(1, pages + 1):
        docs.evaluation_chaud(pen, training(inv), named.get(page), [4, 5, 4, 3, 5, 4],
                              form="online", dated=False)  # fmt: skip
    return pen.finish()[0]


@pytest.fixture
def ctx(config: Config, store: Store) -> runner.Context:
    return runner.Context(config=config, store=store, ocr=None, clock=lambda: NOW)


def filed(store: Store) -> list[tuple[int, str | None, str]]:
    return [(d.first, d.invoice or d.reason, d.method) for d in store.documents()]


def test_a_dropped_batch_is_filed_with_its_named_pages_invoice(ctx: runner.Context) -> None:
    ctx.store.upsert_invoices([MAY, JULY_GROUP], NOW)
    data = scanned_batch(MAY, {1: GROUP[0], 4: GROUP[2]}, pages=4)
    runner.process(drop(ctx.config, f"{ES}/evaluations.pdf", data), ctx)
    assert filed(ctx.store) == [
        (1, MAY.number, "score"), (2, MAY.number, METHOD), (3, MAY.number, METHOD),
        (4, MAY.number, "score"),
    ]  # fmt: skip
    (second,) = [d for d in ctx.store.documents() if d.first == 2]
    assert second.candidates[0]["why"][0].startswith("même lot que les pages 1, 4")


def test_a_reimport_settles_a_batch_by_its_size_and_undoes_it_when_the_count_changes(
    ctx: runner.Context,
) -> None:
    ctx.store.upsert_invoices([MAY, JULY_GROUP], NOW)
    runner.process(drop(ctx.config, f"{ES}/evaluations.pdf", scanned_batch(MAY, {}, 6)), ctx)
    assert [w for _, w, _ in filed(ctx.store)] == [Reason.AMBIGUOUS] * 6

    # The export now says July's session had one trainee: six forms are not July's.
    ctx.store.upsert_invoices([replace(JULY_GROUP, trainee_count=1, trainees=("Rémi Costa",))],
                              NOW)  # fmt: skip
    moves = rematch.after_import(ctx, [ES])
    assert [(m.before, m.after) for m in moves] == [(None, MAY.number)] * 6
    assert [w for _, w, _ in filed(ctx.store)] == [MAY.number] * 6

    # ...and back to six: nothing tells the sessions apart any more, the forms wait again.
    ctx.store.upsert_invoices([JULY_GROUP], NOW)
    moves = rematch.after_import(ctx, [ES])
    assert [(m.before, m.after) for m in moves] == [(MAY.number, None)] * 6
    assert [w for _, w, _ in filed(ctx.store)] == [Reason.AMBIGUOUS] * 6


# -- a respondent's name OCR was unsure of ------------------------------------------------


def unsure(name: str) -> tuple[Part, str]:
    """A hot evaluation whose handwritten respondent OCR read without being sure of it (the
    reader then withdraws the name: ``trainee`` is None), and its text."""
    return Part(1, 1, DocType.EVALUATION_CHAUD, 0.9, {"training_title": TITLE, "trainee": None}), (
        page_text(name)
    )


def test_a_name_read_unsurely_but_close_to_one_invoices_trainee_attaches_there() -> None:
    part, text = unsure("Brnno Lemairc")  # Bruno Lemaire, the July session's only trainee
    m = match_part(part, DOC, [MAY, JULY_ALONE], SETTINGS, text)
    assert (m.invoice, m.method) == (JULY_ALONE.number, "score")
    assert m.candidates[0].why[0].startswith("nom du répondant lu « Brnno Lemairc », proche de")


def test_a_name_read_unsurely_that_resembles_no_trainee_well_enough_waits() -> None:
    for read in ("Brmo Lcnaiuc", "Gérard Tessier"):
        part, text = unsure(read)
        m = match_part(part, DOC, [MAY, JULY_ALONE], SETTINGS, text)
        assert m.reason == Reason.AMBIGUOUS, read


def test_a_name_read_unsurely_that_roughly_resembles_a_trainee_elsewhere_waits() -> None:
    namesake = replace(MAY, trainees=(*GROUP[:5], "Bruno Lemoine"))  # May had a Bruno Lemoine
    part, text = unsure("Brnno Lemairc")
    m = match_part(part, DOC, [namesake, JULY_ALONE], SETTINGS, text)
    assert m.reason == Reason.AMBIGUOUS


def test_a_name_read_unsurely_decides_nothing_when_a_trainee_list_is_partial() -> None:
    partial = replace(MAY, trainees=GROUP[:3])  # six trainees, three named in the export
    part, text = unsure("Brnno Lemairc")
    m = match_part(part, DOC, [partial, JULY_ALONE], SETTINGS, text)
    assert m.reason == Reason.AMBIGUOUS


def test_a_rerun_files_a_batch_after_the_page_a_person_attached(ctx: runner.Context) -> None:
    ctx.store.upsert_invoices([MAY, JULY_GROUP], NOW)
    runner.process(drop(ctx.config, f"{ES}/evaluations.pdf", scanned_batch(MAY, {}, 3)), ctx)
    first = next(d for d in ctx.store.documents() if d.first == 1)
    filing.attach(ctx.store, ctx.config.paths.archive, first.id, MAY.number, actor="Nadia",
                  reason="vu avec la formatrice", now=NOW)  # fmt: skip
    assert [w for _, w, _ in filed(ctx.store)] == [MAY.number] + [Reason.AMBIGUOUS] * 2

    (file,) = ctx.store.files()
    rerun.rerun(ctx, file, "Nadia", "nouvelle version du lecteur")
    assert filed(ctx.store) == [
        (1, MAY.number, "manuel"), (2, MAY.number, METHOD), (3, MAY.number, METHOD)
    ]  # fmt: skip
