"""Reading and writing the system's own files in an entrepreneur's folder, never through a link.

An entrepreneur owns their folder of the share: they can put a symbolic link, a FIFO or a
huge file where the system expects its own ``_dossiers`` folder or files. So:

- the folders are opened with ``O_NOFOLLOW | O_DIRECTORY`` (the drop folder itself comes
  from the configuration), and every later step works relative to the descriptor
  (``dir_fd``), so a folder swapped for a link meanwhile is not followed either;
- a file is compared only if ``lstat`` says it is a regular file of a plausible size, and
  read through ``O_NOFOLLOW`` at most ``limit + 1`` bytes;
- a file is replaced by a new one written beside it and renamed over it: a link or FIFO
  in its place is replaced, never opened, and nothing is written outside the folder.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from pipeline import safeio
from pipeline.archive import TEMP_PREFIX, TEMP_SUFFIX
from pipeline.errors import DocumentError


class NotOurs(Exception):
    """A folder the system would write into is a link or not a folder: nothing is written."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


@contextmanager
def system_folder(drop: Path, es_folder: str, name: str, create: bool = True) -> Iterator[int]:
    """A descriptor of ``drop/es_folder/name``, created if missing; :class:`NotOurs` when
    ``es_folder`` or ``name`` is a link or not a folder (``FileNotFoundError`` when
    ``es_folder`` is missing, or ``name`` too and ``create`` is false)."""
    drop_fd = os.open(drop, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        es_fd = _open_folder(es_folder, drop_fd, drop / es_folder)
        try:
            made = False
            if create:
                with suppress(FileExistsError):
                    os.mkdir(name, 0o777, dir_fd=es_fd)
                    made = True
            fd = _open_folder(name, es_fd, drop / es_folder / name)
            if made:  # the entrepreneur's folder's rights, not the service's private umask:
                os.fchmod(fd, os.fstat(es_fd).st_mode & 0o7777)  # the sync client reads it
        finally:
            os.close(es_fd)
    finally:
        os.close(drop_fd)
    try:
        yield fd
    finally:
        os.close(fd)


def _open_folder(name: str, dir_fd: int, shown: Path) -> int:
    try:
        return os.open(name, safeio.FOLDER_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise NotOurs(shown) from None
        raise


def read_bounded(dir_fd: int, name: str, limit: int) -> bytes | None:
    """The bytes of regular file ``name`` if it holds at most ``limit``; else None.

    None too for a link, a FIFO, a folder or a missing file: never followed nor waited on.
    """
    try:
        if not _plain(os.stat(name, dir_fd=dir_fd, follow_symlinks=False), limit):
            return None
        fd = os.open(name, safeio.FILE_FLAGS, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not _plain(st, limit):  # swapped since lstat
            return None
        return safeio.read_fd(fd, st.st_size, limit)
    except (OSError, DocumentError):  # a read error, or grown past the limit meanwhile
        return None
    finally:
        os.close(fd)


def sha256_bounded(dir_fd: int, name: str, size: int | None, limit: int) -> str | None:
    """The SHA-256 of regular file ``name`` if its size is ``size`` (or at most ``limit`` when
    ``size`` is unknown); None otherwise (a link, a FIFO, another size)."""
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except OSError:
        return None
    if not _plain(st, limit) or (size is not None and st.st_size != size):
        return None
    data = read_bounded(dir_fd, name, st.st_size)
    return None if data is None else hashlib.sha256(data).hexdigest()


def exists(dir_fd: int, name: str) -> bool:
    """Whether something (a link too) has this name in the folder."""
    try:
        os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except OSError:
        return False
    return True


def _plain(st: os.stat_result, limit: int) -> bool:
    return stat.S_ISREG(st.st_mode) and st.st_size <= limit


def replace(dir_fd: int, name: str, data: bytes, mode: int) -> None:
    """Write ``data`` as ``name`` in the folder, replacing whatever had that name (a link
    or FIFO is replaced, not followed); a folder of that name is left, with an OSError."""
    temp = f"{TEMP_PREFIX}{name}.{os.getpid()}{TEMP_SUFFIX}"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 0o600, dir_fd=dir_fd)  # fmt: skip
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp, dir_fd=dir_fd)
        raise


def folder_mode(dir_fd: int) -> int:
    """The folder's read/write permissions, for the files the sync client and people read."""
    return os.fstat(dir_fd).st_mode & 0o666


def sweep(dir_fd: int, older_than: float) -> int:
    """Remove the temporary files an interrupted write left in the folder (only ours)."""
    count, limit = 0, time.time() - older_than
    for name in os.listdir(dir_fd):
        if not (name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)):
            continue
        try:
            if os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mtime <= limit:
                os.unlink(name, dir_fd=dir_fd)
                count += 1
        except OSError:
            continue
    return count
