"""The one way the pipeline opens a file dropped in the share.

Anyone with write access to their folder of the share can put there a symbolic link
(to ``/dev/zero``, to another entrepreneur's folder, to itself), a named pipe or a
file that keeps growing. So a dropped file is judged from its ``lstat`` first (a link,
a pipe, a device or an oversize file is refused without being opened), then opened
without following any link (``O_NOFOLLOW``, folder by folder from the drop folder when
it is known) and without blocking on a pipe (``O_NONBLOCK``); the descriptor is
checked again (a regular file, the very one the ``lstat`` saw) and every read stops
one byte past the size limit. What is read comes from that descriptor only.

Refusals are :class:`~pipeline.errors.DocumentError` s with a French detail that names
the file by its own name only: nothing about where a link leads.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import (
    DocumentError,
    FileTooLarge,
    OutsideShare,
    UnreadableFile,
    UnsupportedFile,
)

MB = 1024 * 1024
#: Bytes read at a time when streaming (a copy, a hash).
BLOCK = MB

FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
FOLDER_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY | os.O_CLOEXEC

#: What a file that is not a regular file is, in French, by its type.
_NOT_REGULAR = {
    stat.S_IFIFO: "un tube nommé (FIFO)",
    stat.S_IFSOCK: "une prise de communication (socket)",
    stat.S_IFCHR: "un périphérique",
    stat.S_IFBLK: "un périphérique",
    stat.S_IFDIR: "un dossier",
}

SWAPPED = "le fichier a été remplacé pendant sa lecture ; il sera relu au prochain passage"


def link_refused(name: str) -> OutsideShare:
    """A link that is not followed; says nothing of where it leads (it may be anywhere)."""
    return OutsideShare(
        f"« {name} » est un raccourci (lien) qui mène hors de votre dossier ou nulle part : "
        "il n'est ni lu ni copié ; déposez le fichier lui-même."
    )


def not_regular(name: str, mode: int) -> UnsupportedFile:
    what = _NOT_REGULAR.get(stat.S_IFMT(mode), "un fichier spécial")
    return UnsupportedFile(
        f"« {name} » n'est pas un fichier ordinaire mais {what} : il n'est pas lu ; "
        "déposez le document lui-même (PDF, photo ou document Word)."
    )


def too_large(size: int | None, limit: int) -> FileTooLarge:
    """Refused for its size: nothing is copied, the original stays where it was dropped."""
    weight = f"{size / MB:.0f} Mo" if size is not None else "le fichier a grossi pendant sa lecture"
    return FileTooLarge(
        f"{weight}, plus que la limite de {limit / MB:.0f} Mo : le fichier reste dans votre "
        "dossier, sans copie dans l'archive ; déposez une version plus légère (documents "
        "séparés, résolution plus basse)"
    )


def read_failure(exc: OSError) -> str:
    """Why a file in the share could not be read, in French (the system's text is English)."""
    if isinstance(exc, FileNotFoundError):
        return (
            "le fichier a disparu pendant sa lecture (déplacé, renommé ou supprimé) ; "
            "s'il revient dans le dossier, il sera lu à nouveau"
        )
    if isinstance(exc, PermissionError):
        return "lecture refusée : vérifiez les droits du fichier dans le dossier partagé"
    return f"lecture impossible (erreur système {exc.errno})"


def check(path: Path, limit: int | None = None) -> os.stat_result:
    """The file's ``lstat`` if it may be opened: a link, a special file or one over ``limit``
    bytes is refused here, before anything opens it."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise UnreadableFile(read_failure(exc)) from exc
    if stat.S_ISLNK(st.st_mode):
        raise link_refused(path.name)
    if not stat.S_ISREG(st.st_mode):
        raise not_regular(path.name, st.st_mode)
    if limit is not None and st.st_size > limit:
        raise too_large(st.st_size, limit)
    return st


@contextmanager
def open_checked(
    path: Path, limit: int | None = None, root: Path | None = None
) -> Iterator[tuple[int, os.stat_result]]:
    """A descriptor on ``path`` and its ``fstat``, once :func:`check` passed and the
    descriptor is found to be that same regular file.

    ``root``: a folder ``path`` lies under (the drop folder); every folder below it is
    opened without following links too, so a folder swapped for a link is not crossed.
    """
    seen = check(path, limit)
    fd = _open(path, root)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise not_regular(path.name, st.st_mode)
        if (st.st_dev, st.st_ino) != (seen.st_dev, seen.st_ino):
            raise UnreadableFile(SWAPPED)
        os.set_blocking(fd, True)  # a regular file: reads wait for the disk, as usual
        yield fd, st
    finally:
        os.close(fd)


def read(path: Path, limit: int, root: Path | None = None) -> bytes:
    """The whole file, read once from a checked descriptor; past ``limit`` bytes, refused."""
    with open_checked(path, limit, root) as (fd, st):
        return read_fd(fd, st.st_size, limit)


def read_fd(fd: int, expected: int, limit: int) -> bytes:
    """Read ``fd`` to its end, at most ``limit`` + 1 bytes (``expected``: the size seen).

    The first read asks for the size seen plus one byte, so a file that did not change is
    read in one allocation and its end is confirmed by the next (empty) read.
    """
    chunks: list[bytes] = []
    total, ask = 0, min(expected, limit) + 1
    while total <= limit:
        chunk = _os_read(fd, min(ask, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        ask = BLOCK
    if total > limit:
        raise too_large(None, limit)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def blocks(fd: int, limit: int) -> Iterator[bytes]:
    """``fd``'s bytes a block at a time; a file growing past ``limit`` bytes is refused."""
    total = 0
    while chunk := _os_read(fd, min(BLOCK, limit + 1 - total)):
        total += len(chunk)
        if total > limit:
            raise too_large(None, limit)
        yield chunk


def opens(path: Path, root: Path | None = None) -> bool:
    """Whether ``path`` is a regular file that can be opened and read now (not a link)."""
    try:
        with open_checked(path, root=root) as (fd, _):
            _os_read(fd, 1)
    except DocumentError:
        return False
    return True


def _open(path: Path, root: Path | None) -> int:
    """Open ``path`` read-only, following no link (below ``root`` when given)."""
    try:
        if root is None:
            return os.open(path, FILE_FLAGS)
        return _open_under(root, Path(os.path.abspath(path)).relative_to(os.path.abspath(root)))
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # swapped for a link since the lstat
            raise link_refused(path.name) from exc
        raise UnreadableFile(read_failure(exc)) from exc


def _open_under(root: Path, rel: Path) -> int:
    folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in rel.parts[:-1]:
            inner = _open_folder(part, folder)
            os.close(folder)
            folder = inner
        return os.open(rel.parts[-1], FILE_FLAGS, dir_fd=folder)
    finally:
        os.close(folder)


def _open_folder(name: str, parent: int) -> int:
    try:
        return os.open(name, FOLDER_FLAGS, dir_fd=parent)
    except OSError:
        # Linux says ENOTDIR (not ELOOP) for a link opened as a folder without following it.
        if stat.S_ISLNK(os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode):
            raise link_refused(name) from None
        raise


def _os_read(fd: int, size: int) -> bytes:
    try:
        return os.read(fd, size)
    except OSError as exc:
        raise UnreadableFile(read_failure(exc)) from exc
