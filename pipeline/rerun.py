"""Re-running files: read the archived original again, through today's stages.

After an upgrade of the readers (a better OCR, a fixed bug), or a change of the
configuration (a new entrepreneur, higher size limits), support staff re-run files
that were processed, or set aside for a reason a new reading may change. The
original bytes come from the archive, never from the share (the entrepreneur may
have deleted or changed the file since), and the file keeps its place in the
history: same file record, same dropped path.

What a person decided is never overwritten: filing decisions (``attach`` /
``detach``) and corrections of cells and signatures are kept against the file's
bytes and the document's first page, and the match stage and the store apply them
to the new reading. A document found again on the same first page keeps its number,
so the commands people noted (``dossiers show``, ``correct 17``) still point at it.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline import runner
from pipeline.errors import DocumentError, Reason, UnknownEntrepreneur
from pipeline.record import Doc, Part, Source
from pipeline.store import DocumentRow, FileRow

log = logging.getLogger(__name__)

#: Reasons a file was set aside that a new reading (or a new configuration) may change.
RETRYABLE = frozenset(
    {
        Reason.UNREADABLE,
        Reason.UNSUPPORTED,
        Reason.TOO_LARGE,
        Reason.UNKNOWN_ENTREPRENEUR,
        Reason.INTERNAL,
    }
)


@dataclass(frozen=True)
class Rerun:
    """What a re-run did to one file."""

    file_id: int
    rel: str
    before: tuple[str, ...]  # "type → invoice" (or reason) of each document, before
    after: tuple[str, ...]
    failed: str = ""  # why the file could not be read again (French), if it could not

    @property
    def changed(self) -> bool:
        return not self.failed and self.before != self.after


def select(
    ctx: runner.Context,
    *,
    documents: Iterable[int] = (),
    files: Iterable[int] = (),
    entrepreneur: str | None = None,
    everything: bool = False,
    set_aside: bool = False,
) -> list[FileRow]:
    """The files to re-run: named ones (by a document or file number) or a whole selection.

    A selection (one entrepreneur, or everything) takes the processed files, plus with
    ``set_aside`` the files set aside for a reason in :data:`RETRYABLE`. A file named
    explicitly is taken whatever its state, as long as its original was archived.
    """
    chosen: dict[int, FileRow] = {}
    for doc_id in documents:
        row = ctx.store.document(doc_id)
        if row is None:
            raise KeyError(f"document #{doc_id}")
        chosen[row.file_id] = _file(ctx, row.file_id)
    for file_id in files:
        chosen[file_id] = _file(ctx, file_id)
    if entrepreneur is not None or everything:
        for f in ctx.store.files():
            if entrepreneur is not None and f.entrepreneur != entrepreneur:
                continue
            if f.state == "traite" or (set_aside and f.reason in RETRYABLE):
                chosen.setdefault(f.id, f)
    return [chosen[k] for k in sorted(chosen)]


def _file(ctx: runner.Context, file_id: int) -> FileRow:
    found = ctx.store.file(file_id)
    if found is None:
        raise KeyError(f"fichier #{file_id}")
    return found


def rerun(ctx: runner.Context, file: FileRow, actor: str, why: str = "") -> Rerun:
    """Read one file again from its archived original and record the new reading.

    A file that cannot be read again keeps its previous record untouched (a set-aside
    file gets the new reason). An :class:`EnvironmentFault` propagates: nothing changed.
    """
    old_docs = ctx.store.documents(file_id=file.id)
    before = _summary(old_docs, file)
    old_paths = {Path(p) for p in [file.archive_path, *(d.archive_path for d in old_docs)] if p}
    original = _original(ctx, file)
    if original is None:
        return Rerun(file.id, file.rel, before, before, "original introuvable dans l'archive")
    entrepreneur = file.entrepreneur or runner.owner(file.rel, ctx.config)
    source = Source(
        path=original,
        rel=file.rel,
        entrepreneur=entrepreneur,
        invoice_hint=runner.invoice_hint(file.rel),
        size=original.stat().st_size,
    )
    now = ctx.clock()
    try:
        if entrepreneur is None:
            raise _unknown(file)
        doc = runner.read(Doc(source=source), ctx, runner.REREAD_STAGES)
        if doc.sha256 != file.sha256:
            return Rerun(file.id, file.rel, before, before, "la copie d'archive a changé")
        twin = ctx.store.file_by_hash(doc.sha256, entrepreneur)
        if twin is not None and twin.id != file.id and twin.state == "traite":
            raise _Twin(twin)
        received = datetime.fromisoformat(file.received_at)
        stored = runner._archive(doc, ctx, received)
    except DocumentError as exc:
        detail = exc.detail or exc.advice
        if file.state == "ecarte":
            with ctx.store.transaction() as db:
                ctx.store.set_aside_again(db, file.id, exc.reason, detail)
                ctx.store.log(db, now, "relecture", actor, file_id=file.id, file=file.rel,
                              reason=exc.reason, message=detail, why=why)  # fmt: skip
            return Rerun(file.id, file.rel, before, (f"écarté : {exc.reason}",), detail)
        return Rerun(file.id, file.rel, before, before, detail)
    with ctx.store.transaction() as db:
        ids = _record(db, ctx, file, doc, entrepreneur, stored)
        ctx.store.log(db, now, "relecture", actor, file_id=file.id, file=file.rel,
                      before=list(before), documents=ids, why=why)  # fmt: skip
    _sweep(ctx, old_paths)
    after = _summary(ctx.store.documents(file_id=file.id), ctx.store.file(file.id) or file)
    log.info("relu : %s (%s → %s)", file.rel, "; ".join(before), "; ".join(after))
    return Rerun(file.id, file.rel, before, after)


class _Twin(DocumentError):
    reason = Reason.DUPLICATE

    def __init__(self, twin: FileRow) -> None:
        super().__init__(f"Fichier identique à « {twin.rel} », déjà classé.")


def _unknown(file: FileRow) -> DocumentError:
    folder = file.rel.split("/")[0]
    return UnknownEntrepreneur(f"Le dossier « {folder} » ne correspond à aucun entrepreneur.")


def _original(ctx: runner.Context, file: FileRow) -> Path | None:
    """The archived original: the file's copy, else a document copy holding the same bytes."""
    if file.archive_path and Path(file.archive_path).is_file():
        return Path(file.archive_path)
    # Databases from before schema 5 may point at a copy an attach moved: its documents'
    # copies of a one-document file hold the same bytes.
    docs = ctx.store.documents(file_id=file.id)
    if len(docs) == 1 and docs[0].archive_path and Path(docs[0].archive_path).is_file():
        return Path(docs[0].archive_path)
    return None


def _record(
    db: sqlite3.Connection, ctx: runner.Context, file: FileRow, doc: Doc, entrepreneur: str,
    stored: tuple[Path, list[Path]],
) -> list[int]:  # fmt: skip
    """Replace the file's documents with the new reading; same first page, same number."""
    ctx.store.reread(
        db, file.id, entrepreneur=entrepreneur, kind=str(doc.kind), pages=len(doc.pages),
        ocr=int(doc.ocr), archive_path=str(stored[0]),
    )  # fmt: skip
    old = {d.first: d for d in ctx.store.documents(file_id=file.id)}
    ids = []
    for part, path in zip(doc.parts, stored[1], strict=True):
        values = _values(part, path, doc.text(part.first, part.last))
        previous = old.pop(part.first, None)
        if previous is None:
            ids.append(ctx.store.add_document(db, file_id=file.id, **values))
        else:
            ctx.store.update_document(db, previous.id, **values)
            ids.append(previous.id)
    ctx.store.delete_documents(db, [d.id for d in old.values()])
    return ids


def _values(part: Part, path: Path, text: str) -> dict[str, object]:
    m = part.match
    assert m is not None, "the match stage sets every part's match"
    return {
        "first_page": part.first, "last_page": part.last, "type": str(part.type),
        "confidence": part.confidence, "fields": part.fields, "invoice": m.invoice,
        "entrepreneur": m.entrepreneur, "score": m.score, "method": m.method,
        "candidates": [{"invoice": c.invoice, "score": c.score, "why": list(c.why)}
                       for c in m.candidates],
        "reason": str(m.reason) if m.reason else None, "archive_path": str(path),
        "text": text[: runner.TEXT_KEPT],
    }  # fmt: skip


def _sweep(ctx: runner.Context, old_paths: set[Path]) -> None:
    """Remove the old archive copies no record points at any more (the new ones exist)."""
    root = ctx.config.paths.archive.resolve()
    for path in old_paths:
        inside = path.is_file() and path.resolve().is_relative_to(root)
        if inside and not ctx.store.references(str(path)):
            path.unlink()


def _summary(docs: list[DocumentRow], file: FileRow) -> tuple[str, ...]:
    if file.state == "ecarte":
        return (f"écarté : {file.reason}",)
    return tuple(
        f"p{d.first}-{d.last} {d.type} → {d.invoice or d.reason or 'entrepreneur'}" for d in docs
    )
