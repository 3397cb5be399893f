"""The archive: byte-identical copies of what entrepreneurs dropped, under readable paths.

Layout (``year / entrepreneur / invoice / type``)::

    <archive>/2026/Camille Rousseau/FA-2026-0142/emargement/emargement mardi.pdf
    <archive>/2026/Camille Rousseau/_entrepreneur/cv/CV 2026.docx
    <archive>/2026/Camille Rousseau/_en-attente/facture-ambigue/scan0034.pdf
    <archive>/2026/Camille Rousseau/_lots/scan lot.pdf          (a file holding several documents)

Every write goes through a temporary file in the same folder and an atomic
rename, so a crash never leaves a half-written file under a real name. A filed
original is written from the very bytes intake read and hashed (never read again
from the share); a file set aside before intake read it is copied from a checked
descriptor (:mod:`pipeline.safeio`), and not at all past the size limit.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from pipeline import safeio
from pipeline.errors import DiskFull

UNFILED = "_en-attente"
ENTREPRENEUR = "_entrepreneur"
BATCHES = "_lots"
UNKNOWN = "_inconnus"
TEMP_PREFIX, TEMP_SUFFIX = ".tmp-", ".part"  # what an interrupted write leaves behind


def safe_component(name: str) -> str:
    """A folder name that cannot climb out of the archive or break a file system."""
    cleaned = "".join("_" if c in "/\\:\0" else c for c in name).strip().strip(".")
    return cleaned[:120] or "_"


def destination(root: Path, year: int, entrepreneur: str | None, *parts: str) -> Path:
    """``root/year/entrepreneur/parts...`` with every component made safe."""
    if entrepreneur is None:
        return root.joinpath(UNKNOWN, *(safe_component(p) for p in parts))
    return root.joinpath(
        str(year), safe_component(entrepreneur), *(safe_component(p) for p in parts)
    )


def write_atomic(target: Path, data: bytes) -> Path:
    """Write ``data`` to a free name at ``target`` (adding `` (2)``… if taken by other bytes).

    Returns the path written, or the existing path when it already holds the same bytes
    (so replaying a step after a crash is harmless). A full disk raises :class:`DiskFull`.
    """
    with full_disk_is_a_fault(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(data).hexdigest()
        for candidate in _names(target):
            if not candidate.exists():
                _replace_into(candidate, data)
                return candidate
            if _sha256(candidate) == digest:
                return candidate
    raise OSError(f"no free name for {target}")  # pragma: no cover - 10,000 collisions


#: What a write returns when there is no room: no space, quota, file size limit.
NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


@contextmanager
def full_disk_is_a_fault(target: Path) -> Iterator[None]:
    """Turn "no room left" into :class:`DiskFull` (retry later), not a fault of the file."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in NO_ROOM:
            raise
        raise DiskFull(
            f"disque plein : impossible d'écrire dans {target.parent} ({os.strerror(exc.errno)}) ; "
            "libérez de la place, les fichiers en attente seront classés ensuite."
        ) from exc


def replace_atomic(target: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` as ``target``, replacing it whole (a status file, a heartbeat).

    ``mode``: permissions of the new file (a temporary file is owner-only; a file in a
    share that other people and the sync client read needs the folder's).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    _replace_into(target, data, mode)


def sweep_temporaries(root: Path, older_than: float = 0.0, recursive: bool = True) -> int:
    """Remove the temporary files interrupted writes left in ``root`` (only ours).

    ``older_than`` (seconds) spares a write that may still be going on; ``recursive=False``
    looks in ``root`` itself only.
    """
    count = 0
    limit = time.time() - older_than
    if root.is_dir():
        pattern = f"{TEMP_PREFIX}*{TEMP_SUFFIX}"
        for leftover in root.rglob(pattern) if recursive else root.glob(pattern):
            try:
                if leftover.lstat().st_mtime <= limit:
                    leftover.unlink()
                    count += 1
            except OSError:
                continue
    return count


def copy_original(
    source: Path, target: Path, limit: int, root: Path | None = None
) -> tuple[Path, str]:
    """Copy a dropped file byte for byte, for a file set aside before intake read it.

    The file is opened through :mod:`pipeline.safeio` (never through a link, never a pipe
    or a device, ``root`` being the drop folder) and refused past ``limit`` bytes, before or
    while it is copied. The bytes are streamed into a temporary file beside ``target`` and
    hashed on the way; as :func:`write_atomic`, the copy takes a free name or reuses one
    holding the same bytes. Returns the path written and the hash of what was copied. A
    full disk raises :class:`DiskFull` and leaves no partial copy behind.
    """
    with full_disk_is_a_fault(target):
        return _copy_original(source, target, limit, root)


def _copy_original(source: Path, target: Path, limit: int, root: Path | None) -> tuple[Path, str]:
    with safeio.open_checked(source, limit, root) as (src, _):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as fh:
                for block in safeio.blocks(src, limit):
                    digest.update(block)
                    fh.write(block)
                fh.flush()
                os.fsync(fh.fileno())
            return _keep(Path(tmp), target, digest.hexdigest()), digest.hexdigest()
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _keep(tmp: Path, target: Path, sha256: str) -> Path:
    """Give a finished temporary copy a free name at ``target`` (or drop it for a twin)."""
    for candidate in _names(target):
        if not candidate.exists():
            os.replace(tmp, candidate)
            _fsync_folder(candidate.parent)
            return candidate
        if _sha256(candidate) == sha256:
            tmp.unlink()
            return candidate
    raise OSError(f"no free name for {target}")  # pragma: no cover - 10,000 collisions


def split_pages(pdf: bytes, first: int, last: int) -> bytes:
    """Pages ``first..last`` (1-based, inclusive) of a PDF, as a new PDF."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter()
    for index in range(first - 1, last):
        writer.add_page(reader.pages[index])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


#: Bytes a file name may take on the disks we write to (ext4, APFS, NTFS in UTF-16 aside).
NAME_MAX = 255


def _names(target: Path) -> Iterator[Path]:
    """``target``, then ``name (2).ext``…, the stem shortened when a name would not fit."""
    for n in range(1, 10_000):
        end = f" ({n}){target.suffix}" if n > 1 else target.suffix
        stem = _fit(target.stem, NAME_MAX - len(os.fsencode(end)))
        yield target.with_name(f"{stem}{end}")


def _fit(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes on disk, never inside a character."""
    while len(os.fsencode(text)) > limit and len(text) > 1:
        text = text[:-1]
    return text


def _replace_into(target: Path, data: bytes, mode: int | None = None) -> None:
    """Temporary file in the same folder, fsync, rename over ``target``, fsync the folder."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if mode is not None:
                os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (a crash right after must not undo it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse it
        pass
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
