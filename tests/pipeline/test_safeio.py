"""Opening a dropped file: never through a link, never a pipe, never past the limit (#14).

The races are made real: the file on disk is swapped, with real renames, links and pipes,
between the ``lstat`` that judged it and the ``open`` that would read it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline import safeio
from pipeline.errors import FileTooLarge, OutsideShare, UnreadableFile, UnsupportedFile

pytestmark = pytest.mark.timeout(30)  # a pipe opened by mistake blocks: fail, do not hang

LIMIT = 1000


def write(path: Path, data: bytes = b"%PDF-1.7 original") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def swap_before_open(monkeypatch: pytest.MonkeyPatch, swap: Callable[[], None]) -> None:
    """Run ``swap`` after the ``lstat`` and before the ``open``: the race, made certain."""
    real_open = safeio._open

    def swapped_then_open(path: Path, root: Path | None) -> int:
        swap()
        return real_open(path, root)

    monkeypatch.setattr(safeio, "_open", swapped_then_open)


def test_a_regular_file_is_read_whole_and_exactly(tmp_path: Path) -> None:
    data = bytes(range(256)) * 3
    assert safeio.read(write(tmp_path / "a.pdf", data), LIMIT) == data
    assert safeio.read(write(tmp_path / "p" / "a.pdf", data), LIMIT, root=tmp_path) == data


def test_a_file_at_the_limit_is_read_and_one_byte_more_is_refused_unread(tmp_path: Path) -> None:
    assert len(safeio.read(write(tmp_path / "a.pdf", b"x" * LIMIT), LIMIT)) == LIMIT
    with pytest.raises(FileTooLarge, match="reste dans votre dossier"):
        safeio.read(write(tmp_path / "b.pdf", b"x" * (LIMIT + 1)), LIMIT)


def test_a_file_growing_past_the_limit_while_read_is_refused(tmp_path: Path) -> None:
    """Its lstat said small; a writer goes on: reading stops one byte past the limit."""
    path = write(tmp_path / "a.pdf", b"x" * 10)
    with safeio.open_checked(path, LIMIT) as (fd, st):
        with path.open("ab") as writer:
            writer.write(b"y" * 10 * LIMIT)
        with pytest.raises(FileTooLarge, match="a grossi pendant sa lecture"):
            safeio.read_fd(fd, st.st_size, LIMIT)
        os.lseek(fd, 0, os.SEEK_SET)
        with pytest.raises(FileTooLarge):
            list(safeio.blocks(fd, LIMIT))


def test_a_file_replaced_by_another_after_its_lstat_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "a.pdf")
    other = write(tmp_path / "autre.pdf", b"%PDF-1.7 other bytes")
    swap_before_open(monkeypatch, lambda: other.replace(path))
    with pytest.raises(UnreadableFile, match="remplacé pendant sa lecture"):
        safeio.read(path, LIMIT)


def test_a_file_replaced_by_a_link_after_its_lstat_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "a.pdf")

    def to_dev_zero() -> None:
        path.unlink()
        path.symlink_to("/dev/zero")

    swap_before_open(monkeypatch, to_dev_zero)
    with pytest.raises(OutsideShare, match="« a.pdf » est un raccourci"):
        safeio.read(path, LIMIT)


def test_a_file_replaced_by_a_pipe_after_its_lstat_is_refused_without_blocking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "a.pdf")

    def to_pipe() -> None:
        path.unlink()
        os.mkfifo(path)

    swap_before_open(monkeypatch, to_pipe)
    with pytest.raises(UnsupportedFile, match="tube nommé"):
        safeio.read(path, LIMIT)


def test_a_folder_replaced_by_a_link_on_the_way_is_not_crossed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lstat judges the file only; the walk from the drop folder guards its folders."""
    drop = tmp_path / "partage"
    path = write(drop / "Camille" / "scans" / "a.pdf")
    outside = write(tmp_path / "ailleurs" / "a.pdf", b"%PDF-1.7 someone else's")

    def folder_to_link() -> None:
        (drop / "Camille" / "scans").rename(tmp_path / "ancien")
        (drop / "Camille" / "scans").symlink_to(outside.parent, target_is_directory=True)

    # The lstat must see a regular file of the same identity as the outside one to get that
    # far: make the outside file the very same inode (a hard link).
    outside.unlink()
    os.link(path, outside)
    swap_before_open(monkeypatch, folder_to_link)
    with pytest.raises(OutsideShare, match="« scans » est un raccourci"):
        safeio.read(path, LIMIT, root=drop)


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.symlink_to("/dev/zero"),
        lambda p: os.mkfifo(p),
        lambda p: p.symlink_to(p.name),
        lambda p: None,
    ],
    ids=["link-to-dev-zero", "pipe", "loop", "missing"],
)
def test_what_is_not_a_regular_file_never_opens(
    tmp_path: Path, make: Callable[[Path], object]
) -> None:
    path = tmp_path / "a.pdf"
    make(path)
    assert not safeio.opens(path)
    with pytest.raises((OutsideShare, UnsupportedFile, UnreadableFile)):
        safeio.read(path, LIMIT)
    assert safeio.opens(write(tmp_path / "b.pdf"))
