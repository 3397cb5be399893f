"""The bad-input corpus (#8) through the real path: each file ends attached or set aside.

Every case checks the outcome and its French detail, the original bytes kept in the
archive, the share left as it was, and that the next file dropped is still attached.
"""

from __future__ import annotations

import hashlib
import os
import resource
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from pipeline import intake, runner
from pipeline.config import Config
from pipeline.errors import Reason
from pipeline.intake import IntakeLimits
from pipeline.ocr import OcrResult
from pipeline.record import Doc
from pipeline.store import FileRow, Store
from tests import badinputs
from tests.conftest import NOW
from tests.pipeline.test_runner import CAMILLE, INVOICE

#: Generous ceilings: a bomb must be refused in seconds and without inflating it.
BOMB_SECONDS = 20.0
BOMB_EXTRA_RSS_MB = 300
MB = 1024 * 1024

NEXT = [line.replace("Léa Martin", "Paul Durand") for line in badinputs.ATTESTATION]


@pytest.fixture
def ctx(config: Config, store: Store) -> runner.Context:
    store.upsert_invoices([INVOICE], NOW)
    return runner.Context(config=config, store=store, ocr=None, clock=lambda: NOW)


def drop(ctx: runner.Context, name: str, data: bytes) -> Path:
    path = ctx.config.paths.drop / CAMILLE / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def share_state(ctx: runner.Context) -> dict[str, tuple[int, int, str]]:
    """Every entry of the share: size, mtime and (for small regular files) the hash."""
    state = {}
    for path in sorted(ctx.config.paths.drop.rglob("*")):
        stat = path.lstat()
        small = path.is_file() and not path.is_symlink() and stat.st_size < 64 * 1024 * 1024
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if small else ""
        state[path.relative_to(ctx.config.paths.drop).as_posix()] = (
            stat.st_size,
            stat.st_mtime_ns,
            digest,
        )
    return state


def process(ctx: runner.Context, path: Path) -> runner.Outcome:
    """Process ``path``, then check the share is untouched and the run carries on."""
    before = share_state(ctx)
    outcome = runner.process(path, ctx)
    assert share_state(ctx) == before, "the share is left as it was"
    assert_next_file_attached(ctx)
    return outcome


def assert_next_file_attached(ctx: runner.Context) -> None:
    """The run carries on: a good file dropped next (new bytes each time) is attached."""
    n = len(ctx.store.files())
    following = drop(ctx, f"suivant {n}.pdf", badinputs.pdf([*NEXT, f"Copie n° {n}"]))
    outcome = runner.process(following, ctx)
    assert outcome.reason is None and not outcome.skipped, "the next file is still processed"
    assert [d.invoice for d in ctx.store.documents() if d.file_id == outcome.file_id] == [
        INVOICE.number
    ]
    following.unlink()


def row(ctx: runner.Context, outcome: runner.Outcome) -> FileRow:
    (found,) = [f for f in ctx.store.files() if f.id == outcome.file_id]
    return found


def assert_set_aside(
    ctx: runner.Context, outcome: runner.Outcome, reason: Reason, words: str, data: bytes | None
) -> None:
    """Set aside for ``reason``, saying ``words``; ``data`` kept byte for byte (None: no copy)."""
    assert outcome.reason == reason, outcome.detail
    assert words in outcome.detail
    recorded = row(ctx, outcome)
    assert recorded.state == "ecarte" and recorded.reason == reason
    assert recorded.detail == outcome.detail
    if data is None:
        assert recorded.archive_path is None
    else:
        assert Path(recorded.archive_path or "").read_bytes() == data


def assert_attached(ctx: runner.Context, outcome: runner.Outcome, data: bytes) -> None:
    assert outcome.reason is None, outcome.detail
    docs = [d for d in ctx.store.documents(invoice=INVOICE.number) if d.file_id == outcome.file_id]
    assert [d.type for d in docs] == ["attestation"]
    assert Path(row(ctx, outcome).archive_path or "").read_bytes() == data


# --- bytes that are not what they should be ----------------------------------------------------


@pytest.mark.parametrize(
    ("case", "name", "reason", "words"),
    [
        (badinputs.empty, "vide.pdf", Reason.EMPTY, "vide (0 octet)"),
        (badinputs.truncated_pdf, "tronqué.pdf", Reason.UNREADABLE, "PDF endommagé ou tronqué"),
        (badinputs.encrypted_pdf, "protégé.pdf", Reason.ENCRYPTED, "mot de passe"),
        (badinputs.zip_named_pdf, "archive.pdf", Reason.UNSUPPORTED, "archive ZIP nommée .pdf"),
        (badinputs.html_named_pdf, "page.pdf", Reason.UNSUPPORTED, "page web (HTML) nommée .pdf"),
        (badinputs.heic, "IMG_0042.heic", Reason.UNSUPPORTED, "photo HEIC (iPhone)"),
    ],
)
def test_bad_bytes_are_set_aside_with_their_reason_and_kept(
    ctx: runner.Context, case: Callable[[], bytes], name: str, reason: Reason, words: str
) -> None:
    data = case()
    outcome = process(ctx, drop(ctx, name, data))
    assert_set_aside(ctx, outcome, reason, words, data)


@pytest.mark.parametrize(
    "case",
    [
        badinputs.broken_xref_pdf,
        badinputs.owner_only_pdf,
        badinputs.javascript_pdf,
        badinputs.embedded_file_pdf,
    ],
)
def test_odd_but_readable_pdfs_are_attached_byte_for_byte(
    ctx: runner.Context, case: Callable[[], bytes]
) -> None:
    data = case()
    assert_attached(ctx, process(ctx, drop(ctx, "attestation.pdf", data)), data)


def test_pdf_over_the_page_limit_is_set_aside_saying_how_many_pages(ctx: runner.Context) -> None:
    data = badinputs.many_pages_pdf(500)
    outcome = process(ctx, drop(ctx, "émargements 2026.pdf", data))
    assert_set_aside(ctx, outcome, Reason.TOO_LARGE, "500 pages, plus que la limite de 300", data)


def test_docm_with_macros_is_refused_as_a_format_not_as_damaged(ctx: runner.Context) -> None:
    data = badinputs.docm()
    outcome = process(ctx, drop(ctx, "programme.docm", data))
    assert_set_aside(ctx, outcome, Reason.UNSUPPORTED, "document Word avec macros", data)


# --- bombs: refused within bounded time and memory --------------------------------------------


def _status_mb(key: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def fresh_peak_rss_mb() -> float:
    """Resident memory now, with the high-water mark brought down to it where Linux lets us
    (``clear_refs``): the earlier tests' peak must not hide the growth of this one."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:  # not Linux, or /proc read-only: the process's peak so far, less strict
        return peak_rss_mb()
    return _status_mb("VmRSS") or peak_rss_mb()


def peak_rss_mb() -> float:
    hwm = _status_mb("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize(
    ("case", "name", "words"),
    [
        (badinputs.png_bomb, "photo.png", "image de 144 Mpx, plus que la limite de 80 Mpx"),
        (badinputs.pdf_bomb, "bombe.pdf", "page 1 démesurée une fois décompressée (plus de 64 Mo"),
        (
            lambda: badinputs.pdf_bomb(in_form=True),
            "bombe dans un formulaire.pdf",
            "page 1 démesurée une fois décompressée (plus de 64 Mo",
        ),
        (
            badinputs.docx_bomb,
            "programme.docx",
            "document Word démesuré une fois décompressé (1024 Mo, plus que la limite de 256 Mo)",
        ),
    ],
    ids=["png", "pdf-content", "pdf-form", "docx"],
)
def test_decompression_bombs_are_refused_in_bounded_time_and_memory(
    ctx: runner.Context, case: Callable[[], bytes], name: str, words: str
) -> None:
    data = case()
    path = drop(ctx, name, data)
    rss_before, started = fresh_peak_rss_mb(), time.monotonic()
    outcome = runner.process(path, ctx)
    elapsed, rss_growth = time.monotonic() - started, peak_rss_mb() - rss_before
    assert elapsed < BOMB_SECONDS
    assert rss_growth < BOMB_EXTRA_RSS_MB
    assert_set_aside(ctx, outcome, Reason.TOO_LARGE, words, data)


# --- names -------------------------------------------------------------------------------------


def variant(n: int) -> bytes:
    """The attestation with one more line: other bytes, same document."""
    return badinputs.pdf([*badinputs.ATTESTATION, f"Exemplaire n° {n}"])


@pytest.mark.parametrize(
    "name",
    [badinputs.NFC_NAME, badinputs.NFD_NAME, badinputs.EMOJI_NAME, badinputs.long_name(255)],
    ids=["nfc", "nfd", "emoji", "255-bytes"],
)
def test_unusual_names_are_attached_and_archived_under_their_own_name(
    ctx: runner.Context, name: str
) -> None:
    data = variant(1)
    outcome = process(ctx, drop(ctx, name, data))
    assert_attached(ctx, outcome, data)
    assert Path(row(ctx, outcome).archive_path or "").name == name
    assert row(ctx, outcome).rel == f"{CAMILLE}/{name}"


@pytest.mark.parametrize(
    "names",
    [
        (badinputs.NFC_NAME, badinputs.NFD_NAME),
        ("Attestation Léa.pdf", "attestation léa.pdf"),
        (badinputs.long_name(255), badinputs.long_name(255).upper()),
    ],
    ids=["nfc-nfd", "case", "long-case"],
)
def test_names_equal_on_some_disks_keep_both_files(
    ctx: runner.Context, names: tuple[str, str]
) -> None:
    first, second = variant(1), variant(2)
    outcomes = [process(ctx, drop(ctx, names[0], first)), process(ctx, drop(ctx, names[1], second))]
    for outcome, data in zip(outcomes, (first, second), strict=True):
        assert_attached(ctx, outcome, data)
    archived = {row(ctx, o).archive_path for o in outcomes}
    assert len(archived) == 2, "two archive files, neither overwriting the other"


# --- links and files that go away ---------------------------------------------------------------


def test_symbolic_link_outside_the_share_is_recorded_without_copying(
    ctx: runner.Context, tmp_path: Path
) -> None:
    secret = tmp_path / "ailleurs" / "secret.pdf"
    secret.parent.mkdir()
    secret.write_bytes(badinputs.pdf())
    link = badinputs.link_outside(ctx.config.paths.drop / CAMILLE / "lien.pdf", secret, hard=False)
    outcome = process(ctx, link)
    assert_set_aside(
        ctx, outcome, Reason.OUTSIDE_SHARE, "hors de votre dossier ou nulle part", None
    )
    archived = [p.read_bytes() for p in ctx.config.paths.archive.rglob("*") if p.is_file()]
    assert badinputs.pdf() not in archived, "the outside bytes are not copied"
    assert link.is_symlink() and secret.read_bytes() == badinputs.pdf()


def test_hard_link_to_a_file_outside_is_the_file_itself_and_is_attached(
    ctx: runner.Context, tmp_path: Path
) -> None:
    """A hard link is the file (there is no "outside" to follow): read like any other."""
    data = badinputs.pdf()
    outside = tmp_path / "ailleurs.pdf"
    outside.write_bytes(data)
    link = badinputs.link_outside(ctx.config.paths.drop / CAMILLE / "lien dur.pdf", outside,
                                  hard=True)  # fmt: skip
    assert_attached(ctx, process(ctx, link), data)
    assert outside.read_bytes() == data and os.stat(outside).st_nlink == 2


def test_file_vanishing_while_read_is_recorded_in_french_without_a_copy(
    ctx: runner.Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = drop(ctx, "en cours.pdf", badinputs.pdf())
    read = intake._read

    def vanish_then_read(doc: Doc, limits: IntakeLimits) -> bytes:
        doc.source.path.unlink()
        return read(doc, limits)

    monkeypatch.setattr(intake, "_read", vanish_then_read)
    outcome = runner.process(path, ctx)
    monkeypatch.undo()
    assert_set_aside(ctx, outcome, Reason.UNREADABLE, "a disparu pendant sa lecture", None)
    assert_next_file_attached(ctx)


def test_file_gone_before_it_is_read_is_recorded_not_raised(ctx: runner.Context) -> None:
    path = ctx.config.paths.drop / CAMILLE / "renommé entre-temps.pdf"
    path.parent.mkdir(parents=True)
    outcome = process(ctx, path)
    assert_set_aside(ctx, outcome, Reason.UNREADABLE, "a disparu pendant sa lecture", None)


# --- a very large file --------------------------------------------------------------------------

LARGE_MAX_TRACED_MB = 32


def test_300_mb_file_is_refused_by_size_recorded_and_not_copied_nor_read(
    ctx: runner.Context,
) -> None:
    """Archiving it whole would let a few sparse files fill the archive's disk (#14): the
    original stays in the share, the record says so, and nothing of it is read."""
    path = badinputs.sparse_file(ctx.config.paths.drop / CAMILLE / "scan énorme.pdf", 300 * MB)
    tracemalloc.start()
    try:
        outcome = process(ctx, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < LARGE_MAX_TRACED_MB * MB, f"{peak / MB:.0f} MB held at once"
    assert outcome.reason == Reason.TOO_LARGE
    assert outcome.detail.startswith("300 Mo, plus que la limite de 200 Mo : le fichier reste")
    recorded = row(ctx, outcome)
    assert recorded.archive_path is None and recorded.sha256 == ""
    seen = path.lstat()
    assert ctx.store.known(recorded.rel, seen.st_size, seen.st_mtime_ns), "size and time kept"
    assert not list(ctx.config.paths.archive.rglob("scan énorme*")), "no copy of it"
    assert archive_bytes(ctx) < MB, "the archive holds the next file only"
    assert path.lstat().st_size == 300 * MB, "the original stays in the share"
    assert runner.process(path, ctx).skipped, "recorded once: not refused again every pass"


def archive_bytes(ctx: runner.Context) -> int:
    """What the archive holds, in bytes on disk (a sparse copy counts for what it takes)."""
    root = ctx.config.paths.archive
    files = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    return sum(p.lstat().st_blocks * 512 for p in files)


# --- nothing to read -----------------------------------------------------------------------------


class BlankOcr:
    """An OCR engine that finds no text: what tesseract says of a photo or a blank page."""

    def __init__(self) -> None:
        self.pages = 0

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        self.pages += 1
        return OcrResult(text="", confidence=0.0)

    def osd(self, image: Image.Image, dpi: int) -> int | None:
        return None

    def recognise_line(self, image: Image.Image, dpi: int) -> OcrResult:
        return OcrResult(text="", confidence=0.0)

    def close(self) -> None:
        pass


@pytest.mark.parametrize(
    ("case", "name", "read", "words"),
    [
        (badinputs.tiff_photo, "photo chantier.tif", 1, "aucun texte lisible : page blanche"),
        (badinputs.empty_pages_pdf, "blanc.pdf", 0, "le PDF ne contient aucun texte"),
    ],
    ids=["tiff-photo", "empty-pages"],
)
def test_files_with_nothing_to_read_are_set_aside_as_unreadable(
    ctx: runner.Context, case: Callable[[], bytes], name: str, read: int, words: str
) -> None:
    """A photo goes through OCR and finds nothing; empty pages are not worth an OCR pass."""
    engine = BlankOcr()
    ctx = replace(ctx, ocr=engine)
    data = case()
    outcome = process(ctx, drop(ctx, name, data))
    assert engine.pages == read
    assert_set_aside(ctx, outcome, Reason.UNREADABLE, words, data)


def test_two_255_byte_names_for_one_archive_folder_are_both_kept(ctx: runner.Context) -> None:
    """The second copy's « (2) » must not push its name past what a disk accepts."""
    name = badinputs.long_name(255)
    first, second = variant(1), variant(2)
    outcomes = [
        process(ctx, drop(ctx, f"mardi/{name}", first)),
        process(ctx, drop(ctx, f"mercredi/{name}", second)),
    ]
    for outcome, data in zip(outcomes, (first, second), strict=True):
        assert_attached(ctx, outcome, data)
    archived = {Path(row(ctx, o).archive_path or "") for o in outcomes}
    assert len(archived) == 2 and all(len(p.name.encode()) <= 255 for p in archived)


def test_batch_file_with_a_255_byte_name_is_split_and_kept(ctx: runner.Context) -> None:
    """Each document's copy is named « stem p1-1.pdf »: it must fit in 255 bytes too."""
    data = badinputs.batch_pdf(badinputs.ATTESTATION, NEXT)
    outcome = process(ctx, drop(ctx, badinputs.long_name(255), data))
    assert outcome.reason is None, outcome.detail
    docs = ctx.store.documents(invoice=INVOICE.number)
    assert [(d.first, d.last) for d in docs if d.file_id == outcome.file_id] == [(1, 1), (2, 2)]
    assert Path(row(ctx, outcome).archive_path or "").read_bytes() == data
    copies = [Path(d.archive_path or "") for d in docs if d.file_id == outcome.file_id]
    assert all(p.is_file() and len(p.name.encode()) <= 255 for p in copies)


def test_file_vanished_while_read_is_read_when_it_comes_back_unchanged(
    ctx: runner.Context, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Moved away and back (same size, same time): the detail promised it would be read."""
    data = badinputs.pdf()
    path = drop(ctx, "aller-retour.pdf", data)
    away = tmp_path / "ailleurs.pdf"
    read = intake._read

    def move_away_then_read(doc: Doc, limits: IntakeLimits) -> bytes:
        doc.source.path.rename(away)
        return read(doc, limits)

    monkeypatch.setattr(intake, "_read", move_away_then_read)
    assert runner.process(path, ctx).reason == Reason.UNREADABLE
    monkeypatch.undo()
    away.rename(path)
    assert_attached(ctx, process(ctx, path), data)


def test_file_refusing_to_be_read_is_set_aside_saying_to_check_its_rights(
    ctx: runner.Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated (tests may run as root, whom chmod does not stop): every read is refused."""
    path = drop(ctx, "verrouillé.pdf", badinputs.pdf())
    opened = os.open

    def refuse(
        name: str | Path, flags: int, mode: int = 0o777, *, dir_fd: int | None = None
    ) -> int:
        if os.fsdecode(name) in (str(path), path.name):  # the file, by path or in its folder
            raise PermissionError(13, "Permission denied", os.fsdecode(name))
        return opened(name, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "open", refuse)
    outcome = runner.process(path, ctx)
    monkeypatch.undo()
    assert_set_aside(ctx, outcome, Reason.UNREADABLE, "lecture refusée : vérifiez les droits", None)
    assert path.read_bytes() == badinputs.pdf(), "the file stays in the share"


def test_scan_of_a_gigapixel_picture_is_refused_in_bounded_time_and_memory(
    ctx: runner.Context,
) -> None:
    """pdfium renders such a page for OCR by decoding the picture whole (1.8 GB): refused."""
    data = badinputs.pdf_image_bomb()
    path = drop(ctx, "scan géant.pdf", data)
    ctx = replace(ctx, ocr=BlankOcr())
    rss_before, started = fresh_peak_rss_mb(), time.monotonic()
    outcome = runner.process(path, ctx)
    assert time.monotonic() - started < BOMB_SECONDS
    assert peak_rss_mb() - rss_before < BOMB_EXTRA_RSS_MB
    words = "page 1 : image de 1600 Mpx, plus que la limite de 80 Mpx"
    assert_set_aside(ctx, outcome, Reason.TOO_LARGE, words, data)
    assert_next_file_attached(ctx)


def test_dangling_link_outside_the_share_is_recorded_without_copying(
    ctx: runner.Context, tmp_path: Path
) -> None:
    """The target was deleted (or is on a disk not mounted): still a link leading outside."""
    link = badinputs.link_outside(
        ctx.config.paths.drop / CAMILLE / "raccourci.pdf", tmp_path / "absent.pdf", hard=False
    )
    outcome = process(ctx, link)
    assert_set_aside(
        ctx, outcome, Reason.OUTSIDE_SHARE, "hors de votre dossier ou nulle part", None
    )
    assert link.is_symlink()


# --- bombs that walked around the first limits (#14) -------------------------------------------

TOO_MUCH_DRAWING = "page 1 démesurée une fois décompressée (plus de 64 Mo"
GIGAPIXEL = "page 1 : image de 1600 Mpx, plus que la limite de 80 Mpx"


@pytest.mark.parametrize(
    ("case", "reason", "words"),
    [
        (badinputs.lzw_pdf_bomb, Reason.TOO_LARGE, TOO_MUCH_DRAWING),
        (badinputs.chained_pdf_bomb, Reason.TOO_LARGE, TOO_MUCH_DRAWING),
        (badinputs.deep_form_picture_pdf, Reason.TOO_LARGE, GIGAPIXEL),
        (badinputs.inline_picture_pdf_bomb, Reason.TOO_LARGE, GIGAPIXEL),
        (
            lambda: badinputs.inline_picture_pdf_bomb(side=100, inflated=1024 * MB),
            Reason.TOO_LARGE,
            TOO_MUCH_DRAWING,
        ),
        (
            lambda: badinputs.lying_picture_pdf(badinputs.lying_jpeg(), b"/DCTDecode"),
            Reason.TOO_LARGE,
            GIGAPIXEL,
        ),
        (
            lambda: badinputs.lying_picture_pdf(badinputs.lying_jpx(), b"/JPXDecode"),
            Reason.TOO_LARGE,
            GIGAPIXEL,
        ),
        (
            badinputs.dangling_then_bomb_pdf,
            Reason.UNREADABLE,
            "page 1 endommagée : son contenu ne peut pas être vérifié avant lecture",
        ),
        (
            badinputs.huge_page_pdf,
            Reason.TOO_LARGE,
            "page 1 démesurée (148 × 148 cm, soit 306 Mpx à 300 dpi, plus que la limite de 40 Mpx)",
        ),
    ],
    ids=[
        "lzw-content",
        "hex-then-flate-content",
        "picture-12-forms-deep",
        "inline-picture",
        "inline-picture-of-100-px-inflating-to-1-GB",
        "jpeg-lying-about-its-size",
        "jpeg2000-lying-about-its-size",
        "missing-contents-then-a-bomb",
        "page-of-4200-points",
    ],
)
def test_bombs_hidden_from_the_first_limits_are_refused_before_pdfium_reads_them(
    ctx: runner.Context, case: Callable[[], bytes], reason: Reason, words: str
) -> None:
    """Each once cost gigabytes or aborted the worker; each is now measured before decoding."""
    data = case()
    path = drop(ctx, "piégé.pdf", data)
    ctx = replace(ctx, ocr=BlankOcr())
    rss_before, started = fresh_peak_rss_mb(), time.monotonic()
    outcome = runner.process(path, ctx)
    elapsed, rss_growth = time.monotonic() - started, peak_rss_mb() - rss_before
    print(f"{len(data) / 1024:.0f} kB refused in {elapsed:.2f} s, peak +{rss_growth:.0f} MB")
    assert elapsed < BOMB_SECONDS
    assert rss_growth < BOMB_EXTRA_RSS_MB
    assert_set_aside(ctx, outcome, reason, words, data)
    assert_next_file_attached(ctx)
