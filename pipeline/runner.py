"""The path of a dropped file, written out in one place.

``process(path, ctx)`` runs the stages in order, then files the result:

    locate     which entrepreneur's folder, which invoice folder; a link (or a linked folder
               on the way) is never opened: left to its target when that lies in the same
               entrepreneur's folder, set aside otherwise (see :mod:`pipeline.safeio`)
    intake     the bytes, read once through safeio; hash, real type, limits; images become
               PDF pages; every later stage and the archive use these bytes, not the path
    duplicate  the same bytes already received
    text       the PDF's own text layer, or French OCR after fixing rotation and skew
    classify   one or several documents per file, each with a type and a confidence
    extract    the CONTRACT fields of each document
    match      the invoice (or the entrepreneur) of each document, or its candidates
    file       byte-identical copy in the archive, database rows, event log

This is the one place that catches everything: a :class:`DocumentError` sets
the file aside with its reason; an :class:`EnvironmentFault` (OCR engine,
database) propagates so the file is retried later rather than quarantined; any
other exception is a bug, and the file is set aside as ``erreur-interne`` so the
daemon carries on and nothing is lost.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline import (
    archive,
    classify,
    extract,
    filing,
    intake,
    marks,
    match,
    safeio,
    siblings,
    text,
)
from pipeline.config import Config
from pipeline.errors import (
    ADVICE,
    ConflictCopy,
    DocumentError,
    DuplicateFile,
    EnvironmentFault,
    FileTooLarge,
    Reason,
    UnknownEntrepreneur,
    UsageError,
)
from pipeline.invoices import Invoice
from pipeline.ocr import OcrEngine
from pipeline.parse import normalise_invoice_number
from pipeline.record import Doc, FileKind, Part, Source
from pipeline.store import DocumentRow, FileRow, Store, environment_fault
from watchers.ignore import is_conflict_copy, is_ignored

log = logging.getLogger(__name__)

#: Characters of a document's text kept in the database (to match it again after a re-import).
TEXT_KEPT = 50_000


@dataclass(frozen=True)
class Context:
    """What every stage may use; no stage reads globals or the environment."""

    config: Config
    store: Store
    ocr: OcrEngine | None
    clock: Callable[[], datetime] = datetime.now


@dataclass(frozen=True)
class Outcome:
    """What became of one file: its database id, and the record (or the reason it was set aside)."""

    rel: str
    file_id: int | None
    doc: Doc
    reason: str | None = None
    detail: str = ""

    @property
    def skipped(self) -> bool:
        return self.file_id is None


Stage = Callable[[Doc, Context], Doc]


def _intake(doc: Doc, ctx: Context) -> Doc:
    return intake.run(doc, ctx.config.intake)


class AlreadyRecorded(Exception):
    """The same bytes at the same place were recorded already (a re-delivery, a replay)."""


class Refiled(Exception):  # noqa: N818 - a signal, not an error
    """Bytes already filed reappear under a folder named after an invoice: attach them there."""

    def __init__(self, original: FileRow) -> None:
        super().__init__(original.rel)
        self.original = original


def _duplicate(doc: Doc, ctx: Context) -> Doc:
    if ctx.store.seen(doc.source.rel, doc.sha256):
        # Same bytes re-delivered (a sync client touching the file): remember the new stat.
        ctx.store.touch(doc.source.rel, doc.sha256, doc.source.size, doc.source.mtime_ns)
        raise AlreadyRecorded(doc.source.rel)
    # Per entrepreneur: the same bytes in another entrepreneur's folder are theirs to file.
    original = ctx.store.file_by_hash(doc.sha256, doc.source.entrepreneur)
    if original is not None and original.state == "traite" and doc.source.invoice_hint:
        raise Refiled(original)  # moved (or copied) into an invoice's folder: a correction
    if original is not None:
        raise DuplicateFile(
            f"Fichier identique à « {original.rel} », déjà reçu le {original.received_at[:10]}.",
            original_id=original.id,
        )
    return doc


def _text(doc: Doc, ctx: Context) -> Doc:
    return text.run(doc, ctx.ocr, ctx.config.ocr)


def _classify(doc: Doc, ctx: Context) -> Doc:
    ranges = classify.segment([p.text for p in doc.pages])
    parts = tuple(Part(first=a, last=b, type=t, confidence=c) for a, b, t, c in ranges)
    return replace(doc, parts=parts)


def _extract(doc: Doc, ctx: Context) -> Doc:
    year = ctx.clock().year
    read = [(p.type, extract.extract(p.type, doc.text(p.first, p.last), year)) for p in doc.parts]
    parts = []
    for p, fields in zip(doc.parts, extract.share_session(read), strict=True):
        parts.append(replace(p, fields=extract.settle(p.type, fields | _marks(doc, p, ctx))))
    # The images OCR read were kept for the readers of marks only: not for filing.
    pages = tuple(text.without_pixels(page) for page in doc.pages)
    return replace(doc, parts=tuple(parts), pages=pages)


def _marks(doc: Doc, part: Part, ctx: Context) -> dict[str, Any]:
    """Signatures, attendance cells and answers read on the part's pages (see
    :mod:`pipeline.marks`)."""
    if not marks.wanted(part.type):
        return {}
    if doc.kind == FileKind.DOCX and doc.data is not None:
        return marks.read_word_file(part.type, doc.data)
    if doc.pdf is None or ctx.ocr is None:
        return {}
    pdf = marks.part_pdf(doc.pdf, part.first, part.last, len(doc.pages))
    try:
        return marks.read(
            part.type, pdf, ctx.ocr, ctx.config.ocr,
            organisme_names=[ctx.config.cooperative.name],
            pages=doc.pages[part.first - 1 : part.last],
        )  # fmt: skip
    except EnvironmentFault:
        raise
    except Exception as exc:  # a reader's bug must not cost the document its filing
        log.exception("lecture des signatures impossible : %s", doc.source.rel)
        detail = f"signatures non lues ({type(exc).__name__}) ; à vérifier à l'œil"
        return {"review": [{"kind": "lecture", "detail": detail, "confidence": 0.0}]}


def _match(doc: Doc, ctx: Context) -> Doc:
    invoices = ctx.store.invoices(entrepreneur=doc.source.entrepreneur)
    doc = match.run(doc, invoices, ctx.config.matching)
    # Bytes a person filed before (attach / detach) go where the person said.
    parts = []
    for part in doc.parts:
        decided = filing.decided(ctx.store, doc, part.first, invoices)
        parts.append(replace(part, match=decided) if decided else part)
    # Then a batch's waiting pages follow what their siblings' own evidence decided.
    texts = [doc.text(p.first, p.last) for p in parts]
    return replace(doc, parts=siblings.settle(parts, invoices, ctx.config.matching, texts))


#: The stages, in order. Reading a document means running these; filing is separate.
STAGES: tuple[tuple[str, Stage], ...] = (
    ("intake", _intake),
    ("duplicate", _duplicate),
    ("text", _text),
    ("classify", _classify),
    ("extract", _extract),
    ("match", _match),
)

READ_ONLY_STAGES = tuple(s for s in STAGES if s[0] not in {"duplicate", "match"})
#: Reading an archived original again (``dossiers rerun``): the file is already recorded.
REREAD_STAGES = tuple(s for s in STAGES if s[0] != "duplicate")


def read(doc: Doc, ctx: Context, stages: Iterable[tuple[str, Stage]] = READ_ONLY_STAGES) -> Doc:
    """Run ``stages`` on a record; errors propagate to the caller's boundary."""
    for name, stage in stages:
        log.debug("%s: %s", name, doc.source.rel)
        doc = stage(doc, ctx)
    return doc


def process(path: Path, ctx: Context) -> Outcome:
    """Read and file one dropped file. Never raises for a problem of the file itself.

    Raises :class:`EnvironmentFault` when the environment fails (OCR engine, a database
    locked by another program, a full disk): nothing is set aside, the file is retried.
    """
    with _database_faults(ctx):
        return _process(path, ctx)


@contextmanager
def _database_faults(ctx: Context) -> Iterator[None]:
    """A database locked by another program or a full disk is the environment's fault."""
    try:
        yield
    except sqlite3.Error as exc:
        fault = environment_fault(exc, ctx.store.path)
        if fault is None:
            raise
        raise fault from exc


def _process(path: Path, ctx: Context) -> Outcome:
    source = locate(path, ctx.config)
    doc = Doc(source=source)
    if ctx.store.known(source.rel, source.size, source.mtime_ns):
        return Outcome(source.rel, None, doc, detail="déjà traité")
    link = _first_link(source)
    if link is not None and _leads_within_own_folder(source, ctx.config):
        return Outcome(source.rel, None, doc, detail="lien vers le dossier : traité sous son nom")
    unread = ctx.store.unread(source.rel, source.size, source.mtime_ns)
    if unread and link is None and not safeio.opens(path, root=source.drop):
        return Outcome(source.rel, None, doc, detail="toujours illisible : déjà signalé")
    try:
        if link is not None:  # anywhere else, or nowhere: never followed, never opened
            raise safeio.link_refused(link.name)
        if is_conflict_copy(path):
            raise ConflictCopy(
                f"« {path.name} » est une copie en conflit de l'outil de synchronisation."
            )
        if source.entrepreneur is None:
            raise UnknownEntrepreneur(
                f"Le dossier « {source.rel.split('/')[0]} » ne correspond à aucun entrepreneur."
            )
        doc = read(doc, ctx, STAGES)
        return Outcome(source.rel, file_document(doc, ctx), doc)
    except AlreadyRecorded:
        return Outcome(source.rel, None, doc, detail="déjà traité")
    except Refiled as moved:
        return refile(doc, moved.original, ctx)
    except DocumentError as exc:
        return _set_aside(doc, exc.reason, exc.detail or exc.advice, ctx, exc)
    except EnvironmentFault:
        raise  # not the file's fault: nothing is set aside, the file is retried later
    except MemoryError:  # past the worker's cap ([watch] worker_memory_mb): see below
        pass
    except Exception as exc:  # a bug: keep the file, tell people, carry on
        if isinstance(exc, sqlite3.Error) and environment_fault(exc, ctx.store.path):
            raise  # a locked or full database: not a bug, the file is retried later
        log.exception("erreur interne sur %s", source.rel)
        detail = f"{ADVICE[Reason.INTERNAL]} ({type(exc).__name__} : {exc})"
        return _set_aside(doc, Reason.INTERNAL, detail, ctx, exc)
    # Out of memory: set aside only now, the frames that held the big pictures being gone
    # with the exception (archiving needs a little memory too).
    error = FileTooLarge(
        "lecture arrêtée : le fichier demande plus de mémoire que la limite d'un processus "
        "de lecture ([watch] worker_memory_mb) ; déposez une version plus légère (moins de "
        "pages, une résolution plus basse)"
    )
    return _set_aside(Doc(source=source), error.reason, error.detail, ctx, error)


def locate(path: Path, config: Config) -> Source:
    """The Source of a path under the drop folder: relative path, entrepreneur, invoice folder."""
    drop = Path(os.path.abspath(config.paths.drop))
    absolute = Path(os.path.abspath(path))
    try:
        rel = absolute.relative_to(drop)
    except ValueError:
        raise UsageError(
            f"{path} n'est pas dans le dossier partagé {drop} ; déposez-le dans le dossier "
            "d'un entrepreneur."
        ) from None
    try:
        stat = absolute.lstat()  # the link itself: a link is refused, never followed for its stat
        size, mtime_ns = stat.st_size, stat.st_mtime_ns
    except FileNotFoundError:  # gone since it was listed: intake says so, nothing is read
        size, mtime_ns = 0, 0
    return Source(
        path=absolute,
        rel=rel.as_posix(),
        entrepreneur=owner(rel.as_posix(), config),
        invoice_hint=invoice_hint(rel.as_posix()),
        size=size,
        mtime_ns=mtime_ns,
        drop=drop,
    )


def owner(rel: str, config: Config) -> str | None:
    """The entrepreneur whose folder holds ``rel`` (a path relative to the drop folder)."""
    parts = PurePosixPath(rel).parts
    person = config.person_by_folder(parts[0]) if len(parts) > 1 else None
    return person.name if person else None


def invoice_hint(rel: str) -> str | None:
    """The innermost enclosing folder of ``rel`` that reads as an invoice number, if any."""
    parts = PurePosixPath(rel).parts
    return next((n for n in reversed(parts[1:-1]) if normalise_invoice_number(n)), None)


def candidates(paths: Iterable[Path], drop: Path | None = None) -> Iterator[Path]:
    """Files to process under ``paths`` (files or folders), sorted, leftovers skipped.

    Names are judged relative to ``drop`` when under it (a hidden folder higher up counts),
    else relative to the folder walked. A link is a candidate like a file (the runner
    decides what becomes of it), never a folder to walk, even when it loops.
    """
    root = Path(os.path.abspath(drop)) if drop is not None else None
    for path in paths:
        if _is_folder(path):
            base = root if root is not None and _under(path, root) else Path(os.path.abspath(path))
            for sub in sorted(p for p in path.rglob("*") if not _is_folder(p)):
                rel = Path(os.path.abspath(sub)).relative_to(base)
                if not is_ignored(rel):
                    yield sub
        elif not is_ignored(Path(path.name)):
            yield path


def _is_folder(path: Path) -> bool:
    """A real folder (``lstat``): a link to one, or a link that loops, is not."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _under(path: Path, root: Path) -> bool:
    return Path(os.path.abspath(path)).is_relative_to(root)


def _first_link(source: Source) -> Path | None:
    """The first symbolic link on the way from the drop folder to the file (itself included).

    Decided from ``lstat`` alone: nothing a link leads to is opened or even looked at.
    """
    assert source.drop is not None, "a dropped file's source knows its drop folder"
    path = source.drop
    for part in PurePosixPath(source.rel).parts:
        path = path / part
        try:
            if stat.S_ISLNK(os.lstat(path).st_mode):
                return path
        except OSError:  # gone or not searchable: intake says why
            return None
    return None


def _leads_within_own_folder(source: Source, config: Config) -> bool:
    """Whether a link on the path leads to a file or folder of the same entrepreneur's folder
    (its target is then processed on its own, under its own name).

    A link into another entrepreneur's folder is not followed: its file would count as
    this one's. Neither is a dangling link, a loop, or one in no entrepreneur's folder.
    """
    if source.entrepreneur is None or source.drop is None:
        return False
    folder = PurePosixPath(source.rel).parts[0]
    if os.path.islink(source.drop / folder):  # the folder itself leads elsewhere
        return False
    own = Path(os.path.realpath(source.drop), folder)
    try:
        target = os.path.realpath(source.path, strict=True)  # reads links, opens nothing
    except (OSError, RuntimeError):  # a loop, a link to nowhere
        return False
    return Path(target).is_relative_to(own)


# -- filing ---------------------------------------------------------------------


def file_document(doc: Doc, ctx: Context) -> int:
    """Copy the original into the archive, then record the file and its documents atomically.

    The archive copy comes first and is idempotent, so a crash between the two
    steps only leaves a copy that the replay finds and reuses. The duplicate check is
    made again inside the transaction, which serialises writers: two workers given the
    same bytes under two names file them once.
    """
    now = ctx.clock()
    stored = _archive(doc, ctx, now)
    try:
        return _record_file(doc, ctx, now, stored)
    except DuplicateFile:
        for path in {stored[0], *stored[1]}:
            if not ctx.store.references(str(path)):
                path.unlink(missing_ok=True)  # our own extra copy of bytes filed meanwhile
        raise


def _record_file(doc: Doc, ctx: Context, now: datetime, stored: tuple[Path, list[Path]]) -> int:
    with ctx.store.transaction() as db:
        ctx.store.forget_unread(db, doc.source.rel)
        original = ctx.store.file_by_hash(doc.sha256, doc.source.entrepreneur)
        if original is not None:
            raise DuplicateFile(
                f"Fichier identique à « {original.rel} », reçu au même moment.",
                original_id=original.id,
            )
        file_id = ctx.store.add_file(
            db, rel=doc.source.rel, entrepreneur=doc.source.entrepreneur, sha256=doc.sha256,
            size=doc.size, kind=str(doc.kind), pages=len(doc.pages), ocr=int(doc.ocr),
            received_at=now.isoformat(), archive_path=str(stored[0]), state="traite",
            mtime_ns=doc.source.mtime_ns,
        )  # fmt: skip
        ctx.store.log(db, now, "fichier-recu", file_id=file_id, file=doc.source.rel)
        for part, path in zip(doc.parts, stored[1], strict=True):
            _record_part(db, ctx, now, file_id, part, path, doc.text(part.first, part.last))
    return file_id


def _record_part(
    db: sqlite3.Connection, ctx: Context, now: datetime, file_id: int, part: Part, path: Path,
    text: str,
) -> None:  # fmt: skip
    m = part.match
    assert m is not None, "the match stage sets every part's match"
    doc_id = ctx.store.add_document(
        db, file_id=file_id, first_page=part.first, last_page=part.last, type=str(part.type),
        confidence=part.confidence, fields=part.fields, invoice=m.invoice,
        entrepreneur=m.entrepreneur, score=m.score, method=m.method,
        candidates=[{"invoice": c.invoice, "score": c.score, "why": list(c.why)}
                    for c in m.candidates],
        reason=str(m.reason) if m.reason else None, archive_path=str(path),
        text=text[:TEXT_KEPT],
    )  # fmt: skip
    kind = "document-rattache" if m.reason is None else "document-en-attente"
    ctx.store.log(
        db,
        now,
        kind,
        file_id=file_id,
        document_id=doc_id,
        invoice=m.invoice,
        type=str(part.type),
        method=m.method,
        score=m.score,
        reason=m.reason,
    )


def _archive(doc: Doc, ctx: Context, now: datetime) -> tuple[Path, list[Path]]:
    """Archive the original (and, for a batch file, one split copy per document)."""
    name = doc.source.path.name
    assert doc.data is not None, "intake keeps the bytes it read"
    folders = [_part_folder(doc, p, ctx, now) for p in doc.parts]
    if len(doc.parts) == 1:
        original = archive.write_atomic(folders[0] / name, doc.data)
        return original, [original]
    root = archive.destination(
        ctx.config.paths.archive, now.year, doc.source.entrepreneur, archive.BATCHES
    )
    original = archive.write_atomic(root / name, doc.data)
    copies = []
    for part, folder in zip(doc.parts, folders, strict=True):
        stem = Path(name).stem
        data = archive.split_pages(doc.pdf or b"", part.first, part.last)
        copies.append(archive.write_atomic(folder / f"{stem} p{part.first}-{part.last}.pdf", data))
    return original, copies


def _part_folder(doc: Doc, part: Part, ctx: Context, now: datetime) -> Path:
    m = part.match
    root, who = ctx.config.paths.archive, doc.source.entrepreneur
    if m is not None and m.invoice:
        inv = ctx.store.invoice(m.invoice)
        year = (inv.start or inv.date).year if inv else now.year
        return archive.destination(root, year, who, m.invoice, str(part.type))
    if m is not None and m.reason is None:
        return archive.destination(root, now.year, who, archive.ENTREPRENEUR, str(part.type))
    reason = str(m.reason) if m and m.reason else "a-verifier"
    return archive.destination(root, now.year, who, archive.UNFILED, reason)


def refile(doc: Doc, original: FileRow, ctx: Context) -> Outcome:
    """An entrepreneur put an already filed file in an invoice's folder: attach it there.

    The documents of the first copy are re-attached (a person's choice wins over the
    machine's), their archive copies move to the invoice's folder, and when the file was
    moved rather than copied its record follows it. The event log keeps the history.
    """
    hint = doc.source.invoice_hint or ""
    invoices = ctx.store.invoices(entrepreneur=doc.source.entrepreneur)
    target = match.by_number(hint, invoices)
    if target is None:
        return _set_aside(doc, Reason.NO_MATCH, f"Le dossier « {hint} » ne correspond à aucune "
                          "de vos factures de formation.", ctx, DuplicateFile())  # fmt: skip
    now = ctx.clock()
    moved = not os.path.lexists(ctx.config.paths.drop / original.rel)
    documents = ctx.store.documents(file_id=original.id)
    copies = [_move_copy(d, target, ctx) for d in documents]
    with ctx.store.transaction() as db:
        for d, path in zip(documents, copies, strict=True):
            ctx.store.attach(db, d.id, target.number, method="dossier", archive_path=str(path))
        if moved:
            ctx.store.relocate(db, original.id, doc.source.rel, doc.source.size,
                               doc.source.mtime_ns)  # fmt: skip
        ctx.store.log(
            db,
            now,
            "deplacement",
            actor="entrepreneur",
            file_id=original.id,
            invoice=target.number,
            source=original.rel,
            destination=doc.source.rel,
        )
        if not moved:
            ctx.store.add_file(
                db, rel=doc.source.rel, entrepreneur=doc.source.entrepreneur, sha256=doc.sha256,
                size=doc.source.size, mtime_ns=doc.source.mtime_ns, kind=str(doc.kind),
                received_at=now.isoformat(), state="ecarte", reason=Reason.DUPLICATE,
                detail=f"Copie de « {original.rel} », rattachée à {target.number}.",
                duplicate_of=original.id,
            )  # fmt: skip
    for d, path in zip(documents, copies, strict=True):
        if d.archive_path and Path(d.archive_path) != path:
            Path(d.archive_path).unlink(missing_ok=True)
    log.info("rattaché par l'entrepreneur : %s → %s", doc.source.rel, target.number)
    return Outcome(doc.source.rel, original.id, doc, detail=f"rattaché à {target.number}")


def _move_copy(d: DocumentRow, target: Invoice, ctx: Context) -> Path:
    """Copy a document's archived bytes into the invoice's folder (the old copy goes later)."""
    year = (target.start or target.date).year
    folder = archive.destination(ctx.config.paths.archive, year, d.entrepreneur, target.number,
                                 d.type)  # fmt: skip
    return filing.copy_into(d, folder)


def give_up(path: Path, ctx: Context, error: DocumentError) -> Outcome:
    """Record a file the daemon gave up reading (its reader crashed or ran too long, twice,
    alone): set aside with ``error``'s reason and detail, its original bytes archived.

    Raises :class:`EnvironmentFault` as :func:`process` does."""
    doc = Doc(source=locate(path, ctx.config))
    with _database_faults(ctx):
        return _set_aside(doc, error.reason, error.detail or error.advice, ctx, error)


def _set_aside(doc: Doc, reason: str, detail: str, ctx: Context, exc: Exception) -> Outcome:
    """Record a file that could not be processed, keeping its original bytes in the archive.

    Kept: the bytes intake read, else a copy made through :mod:`pipeline.safeio`. Not
    copied: a link (nothing it leads to is opened), a pipe or a device, a duplicate, and
    a file over the size limit (it stays in the share; its size and time are recorded).
    """
    now = ctx.clock()
    stored, sha = None, doc.sha256
    if reason not in {Reason.OUTSIDE_SHARE, Reason.DUPLICATE}:
        stored, sha = _keep(doc, reason, ctx, now)
    duplicate_of = exc.original_id if isinstance(exc, DuplicateFile) else None
    # Gone before it was read: recorded as never seen, so that it is read if it comes back.
    gone = not sha and not os.path.lexists(doc.source.path)
    size, mtime_ns = (0, 0) if gone else (doc.source.size, doc.source.mtime_ns)
    with ctx.store.transaction() as db:
        ctx.store.forget_unread(db, doc.source.rel)
        file_id = ctx.store.add_file(
            db, rel=doc.source.rel, entrepreneur=doc.source.entrepreneur, sha256=sha,
            size=size, kind=str(doc.kind) if doc.kind else None,
            received_at=now.isoformat(), mtime_ns=mtime_ns,
            archive_path=str(stored) if stored else None, state="ecarte", reason=reason,
            detail=detail, duplicate_of=duplicate_of,
        )  # fmt: skip
        ctx.store.log(
            db,
            now,
            "fichier-ecarte",
            file_id=file_id,
            file=doc.source.rel,
            reason=reason,
            message=detail,
        )
    log.info("écarté (%s) : %s", reason, doc.source.rel)
    return Outcome(doc.source.rel, file_id, doc, reason=reason, detail=detail)


def _keep(doc: Doc, reason: str, ctx: Context, now: datetime) -> tuple[Path | None, str]:
    """Archive a set-aside file's original: where it went (None: not kept) and its hash."""
    folder = archive.destination(
        ctx.config.paths.archive, now.year, doc.source.entrepreneur, archive.UNFILED, reason
    )
    target = folder / doc.source.path.name
    try:
        if doc.data is not None:  # what intake read: the share is not read again
            return archive.write_atomic(target, doc.data), doc.sha256
        limit = ctx.config.intake.max_bytes
        return archive.copy_original(doc.source.path, target, limit, doc.source.drop)
    except DocumentError as refused:  # a link, a pipe, too large, gone: recorded, not copied
        log.info("pas de copie de %s : %s", doc.source.rel, refused)
    except OSError:
        log.warning("impossible d'archiver %s", doc.source.rel, exc_info=True)
    return None, doc.sha256
