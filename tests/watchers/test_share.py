"""The share watcher, driven by a real observer (native and polling) on temporary folders."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import watchers.share
from watchers.share import ShareWatcher

SETTLE = 0.3
POLL = 0.2
QUIET = 0.8  # after the expected files, how long to keep polling to catch doubles
ES = "Camille Rousseau"


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    (tmp_path / "partage" / ES).mkdir(parents=True)
    return tmp_path / "partage"


@pytest.fixture(params=[False, True], ids=["native", "polling"])
def polling(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def watcher(drop: Path, polling: bool) -> Iterator[ShareWatcher]:
    with ShareWatcher(drop, polling=polling, poll_interval=POLL, settle_seconds=SETTLE) as w:
        yield w


def write(path: Path, data: bytes = b"%PDF-1.7 document") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def never(got: list[Path]) -> bool:
    return False


def gather(
    w: ShareWatcher, until: Callable[[list[Path]], bool] = never, timeout: float = 10.0,
    quiet: float = QUIET,
) -> list[Path]:  # fmt: skip
    """Poll like the daemon does until ``until(got)`` (or timeout), then ``quiet`` seconds more."""
    got: list[Path] = []
    run(w, got, until, timeout)
    run(w, got, never, quiet)
    return got


def run(
    w: ShareWatcher, got: list[Path], until: Callable[[list[Path]], bool], seconds: float
) -> None:
    stop = time.monotonic() + seconds
    while not until(got) and (left := stop - time.monotonic()) > 0:
        w.wait(min(1.0, left))
        got += w.poll()


def names(got: list[Path], drop: Path) -> list[str]:
    return sorted(p.relative_to(drop).as_posix() for p in got)


def test_a_file_written_slowly_in_pieces_is_returned_once_complete(
    watcher: ShareWatcher, drop: Path
) -> None:
    target = drop / ES / "emargement.pdf"
    got: list[Path] = []
    with target.open("wb") as f:
        for _ in range(7):  # ~1.5 s of writing, pauses shorter than the settle time
            f.write(b"x" * 10_000)
            f.flush()
            got += gather(watcher, quiet=SETTLE * 0.7, timeout=0)
    assert got == []
    sizes = []
    for path in gather(watcher, until=lambda g: len(g) >= 1):
        sizes.append(path.stat().st_size)
    assert sizes == [70_000]


@pytest.mark.parametrize(
    ("temporary", "final"),
    [("x.pdf.part", "x.pdf"), (".syncthing.x.pdf.tmp", "x.pdf"), ("~$x.docx", "x.docx")],
)  # fmt: skip
def test_a_file_written_under_a_temporary_name_is_returned_once_under_its_final_name(
    watcher: ShareWatcher, drop: Path, temporary: str, final: str
) -> None:
    tmp = write(drop / ES / temporary, b"first half ")
    assert gather(watcher, quiet=SETTLE * 2, timeout=0) == []  # settled, but a temporary name
    with tmp.open("ab") as f:
        f.write(b"second half")
    tmp.rename(drop / ES / final)
    got = gather(watcher, until=lambda g: len(g) >= 1)
    assert names(got, drop) == [f"{ES}/{final}"]
    assert got[0].read_bytes() == b"first half second half"


def test_a_burst_of_300_files_is_returned_with_none_lost_or_doubled(
    watcher: ShareWatcher, drop: Path
) -> None:
    expected = [f"{ES}/FA-2026-{i // 50:04d}/scan-{i:03d}.pdf" for i in range(300)]
    for rel in expected:
        write(drop / rel, rel.encode())
    got = gather(watcher, until=lambda g: len(g) >= 300, timeout=20)
    assert names(got, drop) == sorted(expected)
    assert watcher.pending() == 0  # nothing kept once handed over


IGNORED = [
    "~$Convention.docx", ".~lock.programme.odt#", "Thumbs.db", ".DS_Store", "desktop.ini",
    "scan.pdf.part", "scan.pdf.crdownload", "scan.pdf.tmp", "scan.pdf.nextcloud-part",
    ".syncthing.scan.pdf.tmp", ".cache.pdf", ".stversions/old.pdf", ".dropbox.cache/x.pdf",
    "_dossiers/Lisez-moi.pdf", "_dossiers/classés/convention.pdf", "@eaDir/scan.jpg/thumb.jpg",
    "scan.pdf.download/scan.pdf",
]  # fmt: skip


def test_ignored_names_and_folders_are_never_returned(watcher: ShareWatcher, drop: Path) -> None:
    for rel in IGNORED:
        write(drop / ES / rel)
    write(drop / ES / "vrai.pdf")
    got = gather(watcher, until=lambda g: len(g) >= 1)
    assert names(got, drop) == [f"{ES}/vrai.pdf"]
    assert watcher.conflicts() == []


CONFLICTS = [
    "x.sync-conflict-20260312-101010-ABCDEFG.pdf",  # Syncthing
    "x (conflicted copy 2026-03-12).pdf",  # Dropbox
    "x (conflicted copy 2026-03-12 101010).pdf",  # Nextcloud
    "x_conflict-20260312-101010.pdf",  # ownCloud
]


def test_conflict_copies_are_reported_once_and_never_returned(
    watcher: ShareWatcher, drop: Path
) -> None:
    for name in CONFLICTS:
        write(drop / ES / name)
    write(drop / ES / "x.pdf")
    reported: list[Path] = []

    def all_seen(got: list[Path]) -> bool:
        reported.extend(watcher.conflicts())
        return len(got) + len(reported) >= 1 + len(CONFLICTS)

    got = gather(watcher, until=all_seen)
    reported += watcher.conflicts()
    assert names(got, drop) == [f"{ES}/x.pdf"]
    assert names(reported, drop) == sorted(f"{ES}/{n}" for n in CONFLICTS)
    watcher.scan()
    assert gather(watcher, timeout=0) == [] and watcher.conflicts() == []


def test_a_file_dropped_while_nothing_watched_is_found_by_the_start_up_scan(
    drop: Path, polling: bool
) -> None:
    write(drop / ES / "avant.pdf")
    with ShareWatcher(drop, polling=polling, poll_interval=POLL, settle_seconds=SETTLE) as w:
        assert names(gather(w, until=lambda g: len(g) >= 1), drop) == [f"{ES}/avant.pdf"]


def test_a_file_whose_event_never_comes_is_found_by_the_periodic_rescan(drop: Path) -> None:
    # A polling observer that never gets round to polling: only the rescan can see the file.
    with ShareWatcher(drop, polling=True, poll_interval=3600, settle_seconds=SETTLE,
                      rescan_seconds=0.5) as w:  # fmt: skip
        assert gather(w, timeout=0, quiet=0.2) == []
        write(drop / ES / "oublié.pdf")
        got = gather(w, until=lambda g: len(g) >= 1, quiet=0.2)
    assert names(got, drop) == [f"{ES}/oublié.pdf"]


def test_a_rescan_of_an_unchanged_tree_returns_nothing_new(drop: Path, polling: bool) -> None:
    for i in range(20):
        write(drop / ES / f"doc-{i}.pdf")
    with ShareWatcher(drop, polling=polling, poll_interval=POLL, settle_seconds=SETTLE,
                      rescan_seconds=0.3) as w:  # fmt: skip
        assert len(gather(w, until=lambda g: len(g) >= 20, quiet=0)) == 20
        assert w.scan() == 20
        assert gather(w, timeout=0) == []  # several periodic rescans happen meanwhile
        assert w.pending() == 0


def test_a_file_changed_after_being_returned_is_returned_again(
    watcher: ShareWatcher, drop: Path
) -> None:
    path = write(drop / ES / "programme.pdf", b"v1")
    assert gather(watcher, until=lambda g: len(g) >= 1, quiet=0) == [path]
    path.write_bytes(b"version 2")
    assert gather(watcher, until=lambda g: len(g) >= 1) == [path]


def test_a_file_deleted_before_it_settles_is_forgotten(watcher: ShareWatcher, drop: Path) -> None:
    path = write(drop / ES / "vite-effacé.pdf")
    watcher.poll()
    path.unlink()
    assert gather(watcher, timeout=0) == []
    assert watcher.pending() == 0


def test_a_folder_moved_into_the_share_has_all_its_files_returned(
    watcher: ShareWatcher, drop: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "ailleurs" / "FA-2026-0142"
    for i in range(5):
        write(outside / "sub" / f"piece-{i}.pdf")
    outside.rename(drop / ES / "FA-2026-0142")
    got = gather(watcher, until=lambda g: len(g) >= 5)
    assert names(got, drop) == [f"{ES}/FA-2026-0142/sub/piece-{i}.pdf" for i in range(5)]


def test_a_file_that_cannot_be_opened_stays_pending_until_it_can(
    watcher: ShareWatcher, drop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = {drop / ES / "ouvert-dans-word.docx"}
    real = watchers.share._openable
    monkeypatch.setattr(watchers.share, "_openable", lambda p: p not in locked and real(p))
    write(drop / ES / "ouvert-dans-word.docx")
    assert gather(watcher, quiet=SETTLE * 3, timeout=0) == []
    assert watcher.pending() == 1
    locked.clear()
    assert names(gather(watcher, until=lambda g: len(g) >= 1), drop) == [
        f"{ES}/ouvert-dans-word.docx"
    ]


def test_a_file_that_never_opens_is_handed_over_after_a_while_then_again_once_it_opens(
    drop: Path, polling: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Handed over once after ``unreadable_after`` (the pipeline records why), not at every poll."""
    locked = {drop / ES / "droits.pdf"}
    real = watchers.share._openable
    monkeypatch.setattr(watchers.share, "_openable", lambda p: Path(p) not in locked and real(p))
    with ShareWatcher(drop, polling=polling, poll_interval=POLL, settle_seconds=SETTLE,
                      rescan_seconds=0.5, unreadable_after=1.0) as w:  # fmt: skip
        start = time.monotonic()
        write(drop / ES / "droits.pdf")
        assert names(gather(w, until=lambda g: len(g) >= 1), drop) == [f"{ES}/droits.pdf"]
        assert time.monotonic() - start >= 1.0 + SETTLE
        assert gather(w, timeout=0, quiet=1.2) == [], "two rescans: not handed over again"
        locked.clear()
        assert names(gather(w, until=lambda g: len(g) >= 1), drop) == [f"{ES}/droits.pdf"]


def test_a_folder_that_cannot_be_listed_is_reported_once_until_it_can(
    drop: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Simulated here (the daemon's tests in test_rights.py use chmod for real)."""
    write(drop / ES / "Scans" / "scan.pdf")
    refused = {str(drop / ES / "Scans")}
    real = os.scandir

    def scandir(path: str) -> object:
        if path in refused:
            raise PermissionError(13, "Permission denied", path)
        return real(path)

    monkeypatch.setattr(watchers.share.os, "scandir", scandir)
    with ShareWatcher(drop, polling=True, poll_interval=POLL, settle_seconds=SETTLE,
                      rescan_seconds=0.3) as w:  # fmt: skip
        assert gather(w, timeout=0, quiet=1.0) == []
        assert w.unreadable_folders() == [
            {"dossier": f"{ES}/Scans", "message": watchers.share.UNREADABLE_FOLDER}
        ]
        refused.clear()
        assert names(gather(w, until=lambda g: len(g) >= 1), drop) == [f"{ES}/Scans/scan.pdf"]
        assert w.unreadable_folders() == []
    reported = [r for r in caplog.records if watchers.share.UNREADABLE_FOLDER in r.getMessage()]
    assert len(reported) == 1 and f"{ES}/Scans" in reported[0].getMessage()


def test_links_are_returned_like_files_and_linked_folders_are_not_walked(
    drop: Path, tmp_path: Path, polling: bool
) -> None:
    outside = write(tmp_path / "secret" / "paie.pdf")
    (drop / ES / "lien.pdf").symlink_to(outside)
    (drop / ES / "dossier-lié").symlink_to(outside.parent, target_is_directory=True)
    (drop / ES / "cassé.pdf").symlink_to(tmp_path / "nulle-part.pdf")
    with ShareWatcher(drop, polling=polling, poll_interval=POLL, settle_seconds=SETTLE) as w:
        got = gather(w, until=lambda g: len(g) >= 3)
    assert names(got, drop) == sorted(f"{ES}/{n}" for n in ("lien.pdf", "dossier-lié", "cassé.pdf"))


def test_a_file_handed_back_for_retry_is_returned_again(watcher: ShareWatcher, drop: Path) -> None:
    path = write(drop / ES / "à-refaire.pdf")
    assert gather(watcher, until=lambda g: len(g) >= 1, quiet=0) == [path]
    watcher.retry(path)
    assert gather(watcher, until=lambda g: len(g) >= 1) == [path]


def test_wait_returns_early_when_a_file_arrives(watcher: ShareWatcher, drop: Path) -> None:
    watcher.poll()
    write(drop / ES / "réveil.pdf")
    start = time.monotonic()
    watcher.wait(30)
    assert time.monotonic() - start < 5


def test_stopping_joins_the_observer_and_a_missing_drop_folder_is_refused(
    tmp_path: Path, drop: Path
) -> None:
    with pytest.raises(FileNotFoundError):
        ShareWatcher(tmp_path / "absent").start()
    w = ShareWatcher(drop)
    with w:
        assert w.healthy()
    assert not w.healthy()


@pytest.mark.timeout(30)
@pytest.mark.parametrize("through_a_link", [False, True], ids=["pipe", "link-to-pipe"])
def test_checking_whether_a_pipe_opens_does_not_block(tmp_path: Path, through_a_link: bool) -> None:
    """A file listed as regular may be a pipe (or a link to one) by the time it is checked:
    opening a pipe waits for a writer for ever, which stopped the whole daemon (#14)."""
    os.mkfifo(tmp_path / "tube")
    path = tmp_path / "tube.pdf"
    if through_a_link:
        path.symlink_to(tmp_path / "tube")
    else:
        (tmp_path / "tube").rename(path)
    started = time.monotonic()
    assert not watchers.share._openable(path)
    assert time.monotonic() - started < 1


def test_a_pipe_in_the_share_is_handed_over_at_once_without_being_opened(
    watcher: ShareWatcher, drop: Path
) -> None:
    """The pipeline sets it aside from its lstat: an entrepreneur sees why it was not read."""
    os.mkfifo(drop / ES / "tube.pdf")
    write(drop / ES / "vrai.pdf")
    started = time.monotonic()
    got = names(gather(watcher, until=lambda g: len(g) >= 2), drop)
    assert sorted(got) == [f"{ES}/tube.pdf", f"{ES}/vrai.pdf"]
    assert time.monotonic() - started < 10, "not held back as a file that does not open"
