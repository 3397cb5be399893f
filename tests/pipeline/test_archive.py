"""The archive keeps byte-identical originals, written atomically, under readable names."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pipeline import archive
from pipeline.errors import FileTooLarge, OutsideShare

LIMIT = 1024 * 1024


def test_copy_is_byte_identical_and_replay_reuses_it(tmp_path: Path) -> None:
    src = tmp_path / "scan0034.pdf"
    src.write_bytes(b"%PDF-1.7 original bytes")
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    target = tmp_path / "archive" / "2026" / "Camille Rousseau" / "scan0034.pdf"
    first = archive.copy_original(src, target, LIMIT)
    again = archive.copy_original(src, target, LIMIT)
    assert first == again == (target, sha) and target.read_bytes() == src.read_bytes()
    assert not list(target.parent.glob(".tmp-*")), "no temporary file is left behind"


def test_other_bytes_under_the_same_name_get_a_new_name(tmp_path: Path) -> None:
    target = tmp_path / "doc.pdf"
    archive.write_atomic(target, b"one")
    second = archive.write_atomic(target, b"two")
    assert second.name == "doc (2).pdf" and target.read_bytes() == b"one"


def test_a_link_is_not_copied_nor_its_target_opened(tmp_path: Path) -> None:
    link = tmp_path / "a.pdf"
    link.symlink_to("/dev/zero")
    with pytest.raises(OutsideShare):
        archive.copy_original(link, tmp_path / "a" / "a.pdf", LIMIT)
    assert not (tmp_path / "a").exists(), "not even the folder is made"


def test_a_file_over_the_limit_is_not_copied(tmp_path: Path) -> None:
    src = tmp_path / "gros.pdf"
    src.write_bytes(b"%PDF-" + b"0" * 100)
    with pytest.raises(FileTooLarge):
        archive.copy_original(src, tmp_path / "a" / "gros.pdf", 100)
    assert not (tmp_path / "a").exists()


def test_destination_cannot_climb_out_of_the_archive(tmp_path: Path) -> None:
    dest = archive.destination(tmp_path, 2026, "../../etc", "FA/../x", "cv")
    assert dest.resolve().is_relative_to(tmp_path.resolve())
    assert dest == tmp_path / "2026" / "_.._etc" / "FA_.._x" / "cv"
