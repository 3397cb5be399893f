"""The archive keeps byte-identical originals, written atomically, under readable names."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pipeline import archive
from pipeline.errors import UnreadableFile


def test_copy_is_byte_identical_and_replay_reuses_it(tmp_path: Path) -> None:
    src = tmp_path / "scan0034.pdf"
    src.write_bytes(b"%PDF-1.7 original bytes")
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    target = tmp_path / "archive" / "2026" / "Camille Rousseau" / "scan0034.pdf"
    first = archive.copy_original(src, target, sha)
    again = archive.copy_original(src, target, sha)
    assert first == again == target and target.read_bytes() == src.read_bytes()
    assert not list(target.parent.glob(".tmp-*")), "no temporary file is left behind"


def test_other_bytes_under_the_same_name_get_a_new_name(tmp_path: Path) -> None:
    target = tmp_path / "doc.pdf"
    archive.write_atomic(target, b"one")
    second = archive.write_atomic(target, b"two")
    assert second.name == "doc (2).pdf" and target.read_bytes() == b"one"


def test_a_file_changed_since_intake_is_not_filed(tmp_path: Path) -> None:
    src = tmp_path / "doc.pdf"
    src.write_bytes(b"changed")
    with pytest.raises(UnreadableFile):
        archive.copy_original(src, tmp_path / "a" / "doc.pdf", "0" * 64)
    assert not (tmp_path / "a" / "doc.pdf").exists()


def test_destination_cannot_climb_out_of_the_archive(tmp_path: Path) -> None:
    dest = archive.destination(tmp_path, 2026, "../../etc", "FA/../x", "cv")
    assert dest.resolve().is_relative_to(tmp_path.resolve())
    assert dest == tmp_path / "2026" / "_.._etc" / "FA_.._x" / "cv"
