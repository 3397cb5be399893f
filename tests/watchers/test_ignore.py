"""What sync tools and systems leave in a share is ignored; conflict copies are recognised."""

from __future__ import annotations

import string
from pathlib import PurePath

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from watchers.ignore import is_conflict_copy, is_ignored, is_ignored_folder

IGNORED = [
    "~$Convention.docx",  # Microsoft Office owner file
    "~WRL0001.tmp",  # Word temporary
    ".~lock.programme.odt#",  # LibreOffice lock
    "Thumbs.db", "desktop.ini", ".DS_Store", "Icon\r", "ehthumbs.db",
    "scan.pdf.part", "scan.pdf.crdownload", "scan.pdf.opdownload", "scan.pdf.download",
    "scan.pdf.tmp", "scan.pdf.partial", "scan.pdf.filepart", "scan.pdf.nextcloud-part",
    ".syncthing.scan.pdf.tmp", "~syncthing~scan.pdf.tmp",  # Syncthing (Linux, Windows)
    ".scan.pdf.~1a2b3c",  # Nextcloud desktop download
    "._scan.pdf",  # macOS resource fork
    ".sync_0123abcd.db", ".owncloudsync.log",
    ".hidden.pdf",
]  # fmt: skip

IGNORED_FOLDERS = [
    "Camille/_dossiers/deposé.pdf",  # what the system writes back
    "Camille/.stversions/scan.pdf",  # Syncthing versions
    "Camille/.Trash-1000/files/scan.pdf",
    "Camille/.dropbox.cache/scan.pdf",
    "Camille/@eaDir/scan.jpg/SYNOFILE_THUMB_M.jpg",  # Synology thumbnails
    "Camille/#recycle/scan.pdf",
    "$RECYCLE.BIN/scan.pdf",
    "Camille/__MACOSX/scan.pdf",
    "Camille/scan.pdf.download/scan.pdf",  # Safari download in progress
]

DOCUMENTS = [
    "convention.pdf", "Émargement 12-03.pdf", "devis-DUPONT.pdf", "CV Marie (1).pdf",
    "programme.docx", "IMG_2026.HEIC", "facture FA-2026-0142.pdf", "scan.partition.pdf",
    "note_conflit.pdf", "Gestion des conflits.pdf", "tmp.pdf", "rapport~final.pdf",
]  # fmt: skip

CONFLICTS = [
    "convention.sync-conflict-20260312-101010-ABCDEFG.pdf",  # Syncthing
    "convention (conflicted copy 2026-03-12).pdf",  # Dropbox
    "convention (Marie's conflicted copy 2026-03-12).pdf",  # Dropbox with a name
    "convention (copie en conflit de Marie 2026-03-12).pdf",  # Dropbox in French
    "convention (conflicted copy 2026-03-12 101010).pdf",  # Nextcloud desktop
    "convention_conflict-20260312-101010.pdf",  # ownCloud / older Nextcloud
    "convention-PORTABLE-conflict.pdf",
    "convention-portable-safeBackup-0001.pdf",  # OneDrive client for Linux
    "convention (SFConflict marie@example.org 2026-03-12-10-10-10).pdf",  # Seafile
    "convention_Andy-PC_Mar-12-1010-2026_CaseConflict_1.pdf",  # Synology Drive
    "convention.Conflict.pdf",  # Resilio Sync
]


@pytest.mark.parametrize("name", IGNORED)
def test_sync_and_system_leftovers_are_ignored(name: str) -> None:
    assert is_ignored(PurePath("Camille", name))


@pytest.mark.parametrize("rel", IGNORED_FOLDERS)
def test_files_under_system_and_hidden_folders_are_ignored(rel: str) -> None:
    assert is_ignored(PurePath(rel)) and is_ignored_folder(PurePath(rel).parent)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_real_documents_are_neither_ignored_nor_conflicts(name: str) -> None:
    path = PurePath("Camille", "FA-2026-0142", name)
    assert not is_ignored(path) and not is_conflict_copy(path)


@pytest.mark.parametrize("name", CONFLICTS)
def test_conflict_copies_are_recognised_and_not_ignored(name: str) -> None:
    # Not ignored: support staff must be told about them.
    path = PurePath("Camille", name)
    assert is_conflict_copy(path) and not is_ignored(path)


def test_the_entrepreneur_folders_themselves_are_not_ignored() -> None:
    assert not is_ignored_folder(PurePath("Camille Rousseau/FA-2026-0142"))


NAME = st.text(st.sampled_from(string.ascii_letters + string.digits + " _-'éèçÉ"), min_size=1,
               max_size=30)  # fmt: skip


@given(NAME, st.sampled_from(["pdf", "docx", "jpg", "png", "heic", "odt"]))
def test_ordinary_names_are_never_ignored(stem: str, ext: str) -> None:
    assume(not stem.startswith("~"))
    assume("conflict" not in stem.casefold() and "safebackup" not in stem.casefold())
    assert not is_ignored(PurePath("Camille", f"{stem}.{ext}"))
    assert not is_conflict_copy(PurePath("Camille", f"{stem}.{ext}"))
