"""After a re-import of the invoicing export: match again what the new invoices may settle.

These documents of the entrepreneurs whose invoices changed are matched again, with the
text and fields kept when they were read (no file is read again):

- documents waiting because no invoice fitted (``sans-facture``) or several did
  (``facture-ambigue``): the invoice they were waiting for may have arrived, or changed;
- documents attached to an invoice the export now marks cancelled: the invoice that
  replaces it may take them; otherwise they wait with ``facture-annulee``;
- documents waiting because their invoice was cancelled, if it comes back in force;
- documents the machine attached on its score alone: it chose among the invoices it knew,
  and a new session of the same training may fit as well (then the document goes back to
  wait with both candidates) or better.

A person's decision (attach / detach) on the same bytes still wins, a document a person
detached stays detached, and documents filed by their folder or a printed invoice number
stay where they are.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline import archive, filing, match, siblings
from pipeline.errors import Reason
from pipeline.invoices import Invoice
from pipeline.record import Candidate, Doc, DocType, Match, Part, Source
from pipeline.runner import Context, invoice_hint
from pipeline.store import DocumentRow

log = logging.getLogger(__name__)

#: Waiting reasons an import may settle (a detached or unclassified document is a person's).
SETTLED_BY_IMPORT = frozenset({Reason.NO_MATCH, Reason.AMBIGUOUS, Reason.CANCELLED})
#: Attachments the machine made on what it knew then: a new or changed invoice may undo them.
BY_MACHINE = frozenset({"score", siblings.METHOD})


@dataclass(frozen=True)
class Move:
    """One document whose filing changed: from where to where."""

    document: int
    file: str
    type: str
    before: str | None  # invoice number, or None when it was waiting
    after: str | None
    reason: str | None  # why it waits now (None when attached)


def pending(ctx: Context) -> list[Move]:
    """Match again the documents of every entrepreneur an import left to do (``rematch_pending``,
    written with the invoices), then clear each one's row in a transaction of its own.

    An import killed between its invoices and this step leaves the rows: the next import
    (even of an unchanged export) or the daemon finishes the work. Matching again what is
    already matched changes nothing, so a step interrupted half-way is simply done again.
    """
    moves: list[Move] = []
    for who, since in ctx.store.rematch_pending():
        moves += after_import(ctx, [who])
        ctx.store.rematch_done(who, since)
    return moves


def after_import(ctx: Context, entrepreneurs: Iterable[str]) -> list[Move]:
    """Match again the documents of ``entrepreneurs`` that the import may have settled."""
    moves: list[Move] = []
    for who in sorted(set(entrepreneurs)):
        invoices = ctx.store.invoices(entrepreneur=who)
        in_force = {inv.number for inv in invoices}
        rows = [
            d
            for d in ctx.store.documents(entrepreneur=who)
            if (d.invoice is None and d.reason in SETTLED_BY_IMPORT)
            or (d.invoice is not None and (d.invoice not in in_force or d.method in BY_MACHINE))
        ]
        texts = ctx.store.texts([d.id for d in rows])
        found = {row.id: _found(ctx, row, texts.get(row.id, ""), invoices) for row in rows}
        found = _by_batch(ctx, rows, found, texts, invoices)
        for row in rows:
            cancelled = row.invoice is not None and row.invoice not in in_force
            move = _write(ctx, row, found[row.id], invoices, cancelled)
            if move is not None:
                moves.append(move)
    return moves


def _found(ctx: Context, row: DocumentRow, text: str, invoices: list[Invoice]) -> Match:
    """Where the document goes on its own evidence (or a person's decision)."""
    sha = _sha(ctx, row.file_id)
    source = Source(
        path=Path(row.archive_path or ""),
        rel=row.rel,
        entrepreneur=row.entrepreneur,
        invoice_hint=invoice_hint(row.rel),
    )
    doc = Doc(source=source, sha256=sha)
    return filing.decided(ctx.store, doc, row.first, invoices) or match.match_part(
        _part(row), doc, invoices, ctx.config.matching, text
    )


def _part(row: DocumentRow, found: Match | None = None) -> Part:
    return Part(row.first, row.last, DocType(row.type), row.confidence, row.fields, found)


def _stored(row: DocumentRow) -> Match:
    """A document's filing as recorded."""
    return Match(
        invoice=row.invoice, entrepreneur=row.entrepreneur, score=row.score, method=row.method,
        candidates=tuple(Candidate(c["invoice"], c["score"], tuple(c.get("why") or ()))
                         for c in row.candidates),
        reason=row.reason,
    )  # fmt: skip


def _by_batch(
    ctx: Context,
    rows: list[DocumentRow],
    found: dict[int, Match],
    texts: dict[int, str],
    invoices: list[Invoice],
) -> dict[int, Match]:
    """The new matches, with a batch's waiting pages following their siblings (the
    documents of the same file: as matched again, or as recorded)."""
    settled = dict(found)
    for file_id in sorted({row.file_id for row in rows}):
        docs = ctx.store.documents(file_id=file_id)
        if len(docs) < 2:
            continue
        parts = [_part(d, found.get(d.id) or _stored(d)) for d in docs]
        after = siblings.settle(
            parts, invoices, ctx.config.matching, [texts.get(d.id, "") for d in docs]
        )
        for d, part in zip(docs, after, strict=True):
            if d.id in found and part.match is not None:
                settled[d.id] = part.match
    return settled


def _write(
    ctx: Context, row: DocumentRow, found: Match, invoices: list[Invoice], cancelled: bool
) -> Move | None:
    if found.invoice is None and (cancelled or row.reason == Reason.CANCELLED):
        # Its invoice was cancelled and nothing replaces it for sure: say so, not "no invoice".
        found = Match(
            entrepreneur=row.entrepreneur, method=found.method, score=found.score,
            candidates=found.candidates, reason=Reason.CANCELLED,
        )  # fmt: skip
    if found.invoice == row.invoice and found.reason == row.reason:
        return None
    if found.invoice is None and found.reason is None:
        return None  # an entrepreneur's piece: it was never waiting for an invoice
    now = ctx.clock()
    folder = _folder(ctx, row, found, invoices, now)
    path = filing.copy_into(row, folder) if row.archive_path else None
    with ctx.store.transaction() as db:
        ctx.store.refile(
            db, row.id, invoice=found.invoice, method=found.method, score=found.score,
            candidates=[{"invoice": c.invoice, "score": c.score, "why": list(c.why)}
                        for c in found.candidates],
            reason=found.reason, archive_path=str(path or row.archive_path or ""),
        )  # fmt: skip
        ctx.store.log(
            db, now, "document-rattache" if found.invoice else "document-en-attente",
            file_id=row.file_id, document_id=row.id, invoice=found.invoice,
            previous=row.invoice, type=row.type, method=found.method, score=found.score,
            reason=found.reason, cause="import-factures",
        )  # fmt: skip
    if path is not None and row.archive_path and Path(row.archive_path) != path:
        Path(row.archive_path).unlink(missing_ok=True)
    log.info("après import : document #%d %s → %s", row.id, row.invoice or row.reason,
             found.invoice or found.reason)  # fmt: skip
    return Move(row.id, row.rel, row.type, row.invoice, found.invoice, found.reason)


def _folder(
    ctx: Context, row: DocumentRow, found: Match, invoices: list[Invoice], now: datetime
) -> Path:
    root = ctx.config.paths.archive
    if found.invoice is not None:
        inv = next(i for i in invoices if i.number == found.invoice)
        year = (inv.start or inv.date).year
        return archive.destination(root, year, row.entrepreneur, found.invoice, row.type)
    return archive.destination(root, now.year, row.entrepreneur, archive.UNFILED, str(found.reason))


def _sha(ctx: Context, file_id: int) -> str:
    row = ctx.store.file(file_id)
    return row.sha256 if row else ""
