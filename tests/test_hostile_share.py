"""What one entrepreneur's folder can do with links, pipes and holes (#14): nothing.

An entrepreneur with write access to their own folder of the share can drop a symbolic
link to ``/dev/zero``, to a file outside the share, into another entrepreneur's folder or
into the archive, a named pipe, a link that loops, a sparse file of 1 GiB, or swap a file
between two stages. Each case runs the real code on real links, pipes and files: the
hostile file is set aside at once with a reason a person can act on, nothing it leads to
is opened, its message says nothing of what lies outside the folder, and the good files
beside it are filed. ``dossiers ingest`` runs as a real process with a time-out, and its
time and peak memory are measured.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from pipeline import operations, runner, safeio, text
from pipeline.config import Config
from pipeline.errors import Reason, UnreadableFile
from pipeline.record import Doc
from pipeline.store import Store
from tests import badinputs
from tests.conftest import NOW, Measured, run_measured, write_config
from tests.pipeline.test_runner import ATTESTATION, CAMILLE, INVOICE

#: A hostile file costs a few system calls: set aside well within this (seconds).
AT_ONCE = 1.0
#: ``dossiers ingest`` of a folder holding it: start-up, imports, one good file filed.
INGEST_SECONDS = 60
INGEST_PEAK_MB = 400
MB = 1024 * 1024
ELODIE, ELODIE_FOLDER = "Élodie Faure", "elodie.faure"

pytestmark = pytest.mark.timeout(120)  # a file that blocks or reads for ever fails, not hangs


@pytest.fixture
def ctx(config: Config, store: Store) -> runner.Context:
    store.upsert_invoices([INVOICE], NOW)
    return runner.Context(config=config, store=store, ocr=None, clock=lambda: NOW)


def folder(config: Config, who: str = CAMILLE) -> Path:
    path = config.paths.drop / who
    path.mkdir(parents=True, exist_ok=True)
    return path


def timed(ctx: runner.Context, path: Path) -> runner.Outcome:
    """``runner.process`` of a hostile file: it must be done at once."""
    started = time.monotonic()
    outcome = runner.process(path, ctx)
    assert time.monotonic() - started < AT_ONCE, "set aside at once, nothing read"
    return outcome


def assert_says_nothing_of_outside(detail: str, *words: str) -> None:
    """No absolute path, nothing about another person or the archive."""
    assert "/" not in detail and "\\" not in detail, detail
    for word in ("archive", "Élodie", "elodie", "partage", *words):
        assert word.casefold() not in detail.casefold(), detail


def assert_recorded_without_copy(
    ctx: runner.Context, outcome: runner.Outcome, reason: Reason
) -> None:
    assert outcome.reason == reason, outcome.detail
    (row,) = [f for f in ctx.store.files() if f.id == outcome.file_id]
    assert row.state == "ecarte" and row.archive_path is None and row.sha256 == ""
    archived = list(ctx.config.paths.archive.rglob(Path(outcome.rel).name))
    assert not archived, "nothing of it is copied into the archive"


# --- links that lead out of the folder ------------------------------------------------------


def test_a_link_to_dev_zero_is_set_aside_without_reading_it(ctx: runner.Context) -> None:
    link = folder(ctx.config) / "a.pdf"
    link.symlink_to("/dev/zero")
    outcome = timed(ctx, link)
    assert_recorded_without_copy(ctx, outcome, Reason.OUTSIDE_SHARE)
    assert outcome.detail == safeio.link_refused("a.pdf").detail
    assert_says_nothing_of_outside(outcome.detail, "zero", "dev")
    assert runner.process(link, ctx).skipped, "recorded once, not refused again every pass"


def test_giving_up_on_a_link_to_dev_zero_returns_at_once_without_reading_it(
    ctx: runner.Context,
) -> None:
    """What the daemon does after two strikes: before #14 it hashed /dev/zero for ever."""
    link = folder(ctx.config) / "a.pdf"
    link.symlink_to("/dev/zero")
    error = UnreadableFile("le fichier a fait s'arrêter brutalement le lecteur deux fois")
    started = time.monotonic()
    outcome = runner.give_up(link, ctx, error)
    assert time.monotonic() - started < AT_ONCE
    assert_recorded_without_copy(ctx, outcome, Reason.UNREADABLE)


def test_a_link_to_a_file_outside_the_share_is_set_aside_without_naming_its_target(
    ctx: runner.Context, tmp_path: Path
) -> None:
    secret = tmp_path / "rh" / "bulletin de paie.pdf"
    secret.parent.mkdir()
    secret.write_bytes(badinputs.pdf(["Bulletin de paie", "Net à payer : 2 345,67 EUR"]))
    link = folder(ctx.config) / "attestation.pdf"
    link.symlink_to(secret)
    outcome = timed(ctx, link)
    assert_recorded_without_copy(ctx, outcome, Reason.OUTSIDE_SHARE)
    assert_says_nothing_of_outside(outcome.detail, "rh", "bulletin", "paie")
    assert ctx.store.documents() == []


def test_a_link_into_another_entrepreneurs_folder_does_not_count_as_this_ones(
    ctx: runner.Context,
) -> None:
    """Élodie's file is hers, filed once under her name; Camille's link to it is not read."""
    theirs = folder(ctx.config, ELODIE_FOLDER) / "attestation Paul.pdf"
    theirs.write_bytes(badinputs.pdf([*ATTESTATION, "Exemplaire d'Élodie"]))
    link = folder(ctx.config) / "attestation.pdf"
    link.symlink_to(Path("..", ELODIE_FOLDER, theirs.name))
    outcomes = {o.rel: o for o in operations.ingest(ctx, [ctx.config.paths.drop])}
    mine = outcomes[f"{CAMILLE}/attestation.pdf"]
    assert_recorded_without_copy(ctx, mine, Reason.OUTSIDE_SHARE)
    assert_says_nothing_of_outside(mine.detail, "Paul")
    filed = [f for f in ctx.store.files() if f.state == "traite"]
    assert [(f.rel, f.entrepreneur) for f in filed] == [(f"{ELODIE_FOLDER}/{theirs.name}", ELODIE)]
    assert all(d.entrepreneur != CAMILLE for d in ctx.store.documents())
    assert not list((ctx.config.paths.archive / "2026").glob(f"{CAMILLE}*"))


def test_a_link_into_the_archive_of_another_entrepreneur_reveals_nothing_of_it(
    ctx: runner.Context,
) -> None:
    """The archive's layout is documented: whether Bruno's piece is filed yet must not show.

    The message is the same whether the target exists or not, and names neither it nor
    any path; nothing of it is opened or copied.
    """
    piece = ctx.config.paths.archive / "2026" / ELODIE / "FA-2026-0150" / "attestation"
    piece.mkdir(parents=True)
    (piece / "attestation.pdf").write_bytes(badinputs.pdf())
    mine = folder(ctx.config)
    (mine / "espion.pdf").symlink_to(piece / "attestation.pdf")
    (mine / "espion à venir.pdf").symlink_to(piece / "convention.pdf")  # not filed yet
    there, not_yet = timed(ctx, mine / "espion.pdf"), timed(ctx, mine / "espion à venir.pdf")
    for outcome in (there, not_yet):
        assert_recorded_without_copy(ctx, outcome, Reason.OUTSIDE_SHARE)
        assert_says_nothing_of_outside(outcome.detail, "FA-2026-0150", "attestation.pdf")
    assert there.detail.replace("espion.pdf", "X") == not_yet.detail.replace(
        "espion à venir.pdf", "X"
    ), "the same words whether the target exists or not"


def test_a_path_through_a_linked_folder_is_refused_without_opening_anything(
    ctx: runner.Context, tmp_path: Path
) -> None:
    """``dossiers ingest`` may be given such a path; the watcher never walks linked folders."""
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(badinputs.pdf())
    (folder(ctx.config) / "raccourci").symlink_to(outside, target_is_directory=True)
    outcome = timed(ctx, folder(ctx.config) / "raccourci" / "secret.pdf")
    assert_recorded_without_copy(ctx, outcome, Reason.OUTSIDE_SHARE)
    assert "« raccourci »" in outcome.detail
    assert_says_nothing_of_outside(outcome.detail, "ailleurs", "secret")


def test_a_link_to_a_file_of_the_same_folder_files_the_target_once_under_its_own_name(
    ctx: runner.Context,
) -> None:
    target = folder(ctx.config) / "vrai.pdf"
    target.write_bytes(badinputs.pdf())
    (folder(ctx.config) / "raccourci.pdf").symlink_to("vrai.pdf")
    outcomes = operations.ingest(ctx, [folder(ctx.config)])
    assert [(o.rel, o.skipped) for o in outcomes] == [
        (f"{CAMILLE}/raccourci.pdf", True),
        (f"{CAMILLE}/vrai.pdf", False),
    ]
    assert [d.rel for d in ctx.store.documents(invoice=INVOICE.number)] == [f"{CAMILLE}/vrai.pdf"]


# --- not files at all ----------------------------------------------------------------------------


def test_a_named_pipe_is_set_aside_without_being_opened(ctx: runner.Context) -> None:
    """Opening a pipe waits for a writer for ever: it is judged from its lstat alone."""
    pipe = folder(ctx.config) / "tube.pdf"
    os.mkfifo(pipe)
    outcome = timed(ctx, pipe)
    assert_recorded_without_copy(ctx, outcome, Reason.UNSUPPORTED)
    assert "n'est pas un fichier ordinaire mais un tube nommé" in outcome.detail


def test_a_link_loop_does_not_stop_the_ingest_of_its_folder(ctx: runner.Context) -> None:
    mine = folder(ctx.config)
    (mine / "boucle").symlink_to("boucle")
    (mine / "a").symlink_to("b")
    (mine / "b").symlink_to("a")
    (mine / "z attestation.pdf").write_bytes(badinputs.pdf())
    outcomes = {Path(o.rel).name: o for o in operations.ingest(ctx, [mine])}
    for name in ("boucle", "a", "b"):
        assert_recorded_without_copy(ctx, outcomes[name], Reason.OUTSIDE_SHARE)
    assert outcomes["z attestation.pdf"].reason is None, "the good file beside them is filed"
    assert [d.invoice for d in ctx.store.documents()] == [INVOICE.number]


# --- too large ---------------------------------------------------------------------------------


def test_a_sparse_1_gib_file_is_recorded_not_archived_and_stays_in_the_share(
    ctx: runner.Context,
) -> None:
    """Two of them used to cost 2 GB of archive for 1 MB of share (#14)."""
    paths = [badinputs.sparse_file(folder(ctx.config) / f"scan {n}.pdf", 1024 * MB) for n in (1, 2)]
    for path in paths:
        outcome = timed(ctx, path)
        assert_recorded_without_copy(ctx, outcome, Reason.TOO_LARGE)
        assert "1024 Mo" in outcome.detail and "reste dans votre dossier" in outcome.detail
        assert path.lstat().st_size == 1024 * MB
    assert not ctx.config.paths.archive.exists(), "the archive was not even created"


# --- swapped between two stages ------------------------------------------------------------------


def docx_bytes(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_docx_swapped_after_intake_is_read_and_archived_from_the_bytes_intake_read(
    ctx: runner.Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text stage used to open the path again: the swap made it parse a file outside."""
    original = docx_bytes(ATTESTATION)
    path = folder(ctx.config) / "attestation.docx"
    path.write_bytes(original)
    secret = tmp_path / "rh" / "confidentiel.docx"
    secret.parent.mkdir()
    secret.write_bytes(docx_bytes(["Bulletin de paie", "Net à payer : 2 345,67 EUR"]))
    read_text: Callable[..., Doc] = text.run

    def swap_then_read(doc: Doc, *args: object) -> Doc:
        path.unlink()
        path.symlink_to(secret)  # between intake and the text stage
        return read_text(doc, *args)

    monkeypatch.setattr(text, "run", swap_then_read)
    outcome = runner.process(path, ctx)
    assert outcome.reason is None, outcome.detail
    (document,) = ctx.store.documents(invoice=INVOICE.number)
    kept = ctx.store.texts([document.id])[document.id]
    assert "Léa Martin" in kept and "Bulletin de paie" not in kept
    assert Path(document.archive_path or "").read_bytes() == original


# --- the real command, timed and measured ---------------------------------------------------------


def ingest(config: Path, *paths: Path) -> Measured:
    """``dossiers ingest`` as a real process; one that never returns fails the test."""
    return run_measured("--config", str(config), "ingest", *map(str, paths),
                        timeout=INGEST_SECONDS, env=os.environ | {"COLUMNS": "400"})  # fmt: skip


def _dev_zero(where: Path) -> None:
    (where / "a.pdf").symlink_to("/dev/zero")


def _pipe(where: Path) -> None:
    os.mkfifo(where / "a.pdf")


def _loop(where: Path) -> None:
    (where / "a.pdf").symlink_to("a.pdf")


def _sparse(where: Path) -> None:
    badinputs.sparse_file(where / "a.pdf", 1024 * MB)


def _other_folder(where: Path) -> None:
    other = where.parent / ELODIE_FOLDER
    other.mkdir()
    (other / "piece.pdf").write_bytes(badinputs.pdf(["Note interne d'Élodie"]))
    (where / "a.pdf").symlink_to(other / "piece.pdf")


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_dev_zero, Reason.OUTSIDE_SHARE),
        (_pipe, Reason.UNSUPPORTED),
        (_loop, Reason.OUTSIDE_SHARE),
        (_sparse, Reason.TOO_LARGE),
        (_other_folder, Reason.OUTSIDE_SHARE),
    ],
    ids=["link-to-dev-zero", "named-pipe", "link-loop", "sparse-1-gib", "link-to-another-es"],
)
def test_dossiers_ingest_of_a_folder_with_a_hostile_file_returns_and_files_the_others(
    tmp_path: Path, make: Callable[[Path], None], reason: Reason
) -> None:
    config = write_config(tmp_path)
    mine = tmp_path / "partage" / CAMILLE
    mine.mkdir()
    make(mine)
    (mine / "b attestation.pdf").write_bytes(badinputs.pdf())
    run = ingest(config, mine)
    print(f"\n{reason}: {run.seconds:.2f} s, peak {run.peak_mb:.0f} MB")  # the figures (-s)
    assert run.returncode == 1, run.stdout  # someone must look at the file set aside
    assert f"écarté   {CAMILLE}/a.pdf — {reason} :" in run.stdout
    assert f"classé   {CAMILLE}/b attestation.pdf" in run.stdout
    assert run.peak_mb < INGEST_PEAK_MB
    archived = sum(p.lstat().st_blocks * 512 for p in (tmp_path / "archive").rglob("*"))
    assert archived < MB, "the archive holds the good file only"
