"""The SQLite database: every SQL statement of the project lives here.

Tables: ``entrepreneurs``, ``invoices`` (from the invoicing export), ``files``
(each dropped file, processed or set aside), ``documents`` (each document found
in a file, with its type, fields and match) and ``events`` (an append-only log
of who did what, when).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Container, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pipeline.checklist import Waiver
from pipeline.config import Person
from pipeline.corrections import Correction
from pipeline.corrections import apply as apply_corrections
from pipeline.errors import DatabaseFault, DiskFull, EnvironmentFault
from pipeline.invoices import Invoice

SCHEMA = """
CREATE TABLE entrepreneurs (
    name TEXT PRIMARY KEY,
    email TEXT NOT NULL DEFAULT '',
    folder TEXT NOT NULL UNIQUE
);
CREATE TABLE invoices (
    number TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    entrepreneur TEXT NOT NULL,
    client TEXT NOT NULL DEFAULT '',
    client_type TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    start_date TEXT,
    end_date TEXT,
    hours REAL,
    trainee_count INTEGER,
    trainees TEXT NOT NULL DEFAULT '[]',
    statuses TEXT NOT NULL DEFAULT '[]',
    trainee_hours REAL,
    bpf_code TEXT NOT NULL DEFAULT '',
    objective TEXT NOT NULL DEFAULT '',
    nsf TEXT NOT NULL DEFAULT '',
    amount_ht REAL,
    subcontracting TEXT NOT NULL DEFAULT 'non',
    distance TEXT NOT NULL DEFAULT 'non',
    training INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX invoices_entrepreneur ON invoices(entrepreneur);
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    rel TEXT NOT NULL,
    entrepreneur TEXT,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    kind TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    ocr INTEGER NOT NULL DEFAULT 0,
    received_at TEXT NOT NULL,
    archive_path TEXT,
    state TEXT NOT NULL CHECK (state IN ('traite', 'ecarte')),
    reason TEXT,
    detail TEXT,
    duplicate_of INTEGER REFERENCES files(id)
);
CREATE INDEX files_sha ON files(sha256);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id),
    first_page INTEGER NOT NULL,
    last_page INTEGER NOT NULL,
    type TEXT NOT NULL,
    confidence REAL NOT NULL,
    fields TEXT NOT NULL DEFAULT '{}',
    invoice TEXT REFERENCES invoices(number),
    entrepreneur TEXT,
    score REAL NOT NULL DEFAULT 0,
    method TEXT NOT NULL DEFAULT '',
    candidates TEXT NOT NULL DEFAULT '[]',
    reason TEXT,
    archive_path TEXT
);
CREATE INDEX documents_invoice ON documents(invoice);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    file_id INTEGER,
    document_id INTEGER,
    invoice TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
);
"""

#: Each migration takes the schema from version N to N + 1; never edit one that has shipped.
MIGRATIONS: tuple[str, ...] = (
    SCHEMA,
    # 2: the daemon skips a file already recorded at the same place with the same size and
    # modification time without reading it again (a start-up scan of a large share).
    """
    ALTER TABLE files ADD COLUMN mtime_ns INTEGER;
    CREATE INDEX files_rel ON files(rel);
    """,
    # 3: a person's corrections of a document's cells and signatures (pipeline.corrections),
    # kept against the file's bytes and the document's first page: they survive a re-read.
    """
    CREATE TABLE corrections (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL,
        entrepreneur TEXT,
        first_page INTEGER NOT NULL,
        document_id INTEGER,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        value TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX corrections_sha ON corrections(sha256);
    """,
    # 4: requirements a person waived for one dossier (a piece or a check code), with why.
    """
    CREATE TABLE waivers (
        id INTEGER PRIMARY KEY,
        invoice TEXT NOT NULL,
        target TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        reason TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE INDEX waivers_invoice ON waivers(invoice);
    """,
    # 5: invoices the export marks cancelled stay known (history, show) but leave dossiers and
    # matching; each document keeps its text, so a re-import can match waiting documents again
    # without reading their files.
    """
    ALTER TABLE invoices ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE documents ADD COLUMN text TEXT;
    """,
    # 6: strikes against a file whose reader crashed or overran its time (kept across a
    # restart, so a hostile file is given up on instead of read for ever), and the
    # entrepreneurs whose waiting documents an interrupted invoice import has still to match
    # again (saved in the same transaction as the invoices).
    """
    CREATE TABLE strikes (
        rel TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        count INTEGER NOT NULL,
        how TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE rematch_pending (
        entrepreneur TEXT PRIMARY KEY,
        since TEXT NOT NULL
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

#: A file set aside as unreadable before a byte of it could be read (rights, vanished).
#: (IFNULL: ``NOT`` of a NULL would hide a row from ``known`` too.)
UNREAD = "state = 'ecarte' AND IFNULL(reason, '') = 'illisible' AND sha256 = ''"

INVOICE_COLUMNS = (
    "number", "date", "entrepreneur", "client", "client_type", "title", "place",
    "start_date", "end_date", "hours", "trainee_count", "trainees", "statuses",
    "trainee_hours", "bpf_code", "objective", "nsf", "amount_ht", "subcontracting",
    "distance", "training", "cancelled",
)  # fmt: skip


@dataclass(frozen=True)
class FileRow:
    id: int
    rel: str
    entrepreneur: str | None
    sha256: str
    state: str
    reason: str | None
    detail: str | None
    archive_path: str | None
    received_at: str
    pages: int
    ocr: bool


@dataclass(frozen=True)
class DocumentRow:
    id: int
    file_id: int
    rel: str
    first: int
    last: int
    type: str
    confidence: float
    fields: dict[str, Any]
    invoice: str | None
    entrepreneur: str | None
    score: float
    method: str
    candidates: list[dict[str, Any]]
    reason: str | None
    archive_path: str | None


@dataclass(frozen=True)
class ImportCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0  # invoices the export newly marks cancelled (also counted in updated)
    changed: tuple[str, ...] = ()  # numbers of the new, updated and cancelled invoices
    # (number, entrepreneur on record) of rows refused for giving the number to another
    refused: tuple[tuple[str, str], ...] = ()


#: Seconds a write waits for another program's lock on the database before giving up.
BUSY_TIMEOUT = 30.0

#: SQLite errors that come from outside the program (another process, the disk), not a bug.
ENVIRONMENT_ERRORS = {"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_FULL", "SQLITE_IOERR",
                      "SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PROTOCOL"}  # fmt: skip


def environment_fault(exc: sqlite3.Error, path: Path | str) -> EnvironmentFault | None:
    """The fault of the environment behind a SQLite error (None: a bug, not the environment)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    base = "_".join(name.split("_")[:2])  # SQLITE_IOERR_WRITE is an SQLITE_IOERR
    if base not in ENVIRONMENT_ERRORS:
        return None
    if base == "SQLITE_FULL":
        return DiskFull(
            f"disque plein : la base {path} ne peut plus grandir ({exc}) ; libérez de la "
            "place, les fichiers en attente seront classés ensuite."
        )
    if base in {"SQLITE_BUSY", "SQLITE_LOCKED"}:
        return DatabaseFault(
            f"base de données {path} occupée par un autre programme ({exc}) ; nouvel essai "
            "plus tard, ou fermez ce programme."
        )
    return DatabaseFault(
        f"base de données {path} inutilisable ({exc}) ; vérifiez le disque et les droits "
        "d'écriture."
    )


class Store:
    """A connection to the project's database, migrated on open.

    ``timeout``: seconds a write waits for another program's lock (``[paths]
    database_timeout``); past it SQLite says "database is locked".
    """

    def __init__(self, path: Path, timeout: float = BUSY_TIMEOUT) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.Error as exc:
            raise DatabaseFault(
                f"base de données {path} inutilisable ({exc}) ; vérifiez le chemin "
                "[paths] database et les droits d'écriture."
            ) from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise DatabaseFault(
                f"la base {self.path} vient d'une version plus récente de dossiers "
                f"(schéma {version}) ; mettez le logiciel à jour."
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                for statement in script.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work: everything or nothing is written."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- entrepreneurs ---------------------------------------------------------

    def sync_entrepreneurs(self, people: Sequence[Person]) -> None:
        """Record the configured entrepreneurs; nothing is written when they are already
        (so reading commands work while another program holds the database for writing)."""
        rows = set(self.db.execute("SELECT name, email, folder FROM entrepreneurs"))
        if {(p.name, p.email, p.folder) for p in people} <= {tuple(r) for r in rows}:
            return
        with self.transaction() as db:
            for p in people:
                db.execute(
                    "INSERT INTO entrepreneurs(name, email, folder) VALUES (?, ?, ?) "
                    "ON CONFLICT(name) DO UPDATE SET email = excluded.email, "
                    "folder = excluded.folder",
                    (p.name, p.email, p.folder),
                )

    # -- invoices ---------------------------------------------------------------

    def upsert_invoices(
        self, invoices: Sequence[Invoice], now: datetime, *, rematch: bool = False
    ) -> ImportCounts:
        """Insert new invoices, update changed ones; the same export twice changes nothing.

        An invoice never changes entrepreneur: a row giving a recorded number to another
        entrepreneur is refused (``ImportCounts.refused``), so no document of one can end up
        in another's dossier. ``rematch``: also record, in the same transaction, that the
        entrepreneurs of changed invoices have documents to match again (``rematch_pending``;
        an import interrupted before the matching leaves them there, not forgotten).
        """
        counts = {"new": 0, "updated": 0, "unchanged": 0, "cancelled": 0}
        changed: list[str] = []
        refused: list[tuple[str, str]] = []
        concerned: set[str] = set()
        with self.transaction() as db:
            for inv in invoices:
                old = db.execute(
                    "SELECT * FROM invoices WHERE number = ?", (inv.number,)
                ).fetchone()
                if old is not None and old["entrepreneur"] != inv.entrepreneur:
                    refused.append((inv.number, old["entrepreneur"]))
                    continue
                kind = self._save_invoice(db, inv, old, now)
                counts[kind] += 1
                if kind == "cancelled":
                    counts["updated"] += 1
                if kind != "unchanged":
                    changed.append(inv.number)
                    concerned.add(inv.entrepreneur)
            if rematch:
                for who in sorted(concerned):
                    db.execute(
                        "INSERT INTO rematch_pending(entrepreneur, since) VALUES (?, ?) "
                        "ON CONFLICT(entrepreneur) DO UPDATE SET since = excluded.since",
                        (who, now.isoformat()),
                    )
        return ImportCounts(**counts, changed=tuple(changed), refused=tuple(refused))

    def _save_invoice(
        self, db: sqlite3.Connection, inv: Invoice, old: sqlite3.Row | None, now: datetime
    ) -> str:
        """Write one invoice: ``new``, ``updated``, ``cancelled`` (newly) or ``unchanged``."""
        values = _invoice_values(inv)
        if old is None:
            columns = ", ".join((*INVOICE_COLUMNS, "imported_at", "updated_at"))
            db.execute(
                f"INSERT INTO invoices({columns})"
                f" VALUES ({', '.join('?' * (len(INVOICE_COLUMNS) + 2))})",
                (*values, now.isoformat(), now.isoformat()),
            )
            return "new"
        if tuple(old[c] for c in INVOICE_COLUMNS) == values:
            return "unchanged"
        sets = ", ".join(f"{c} = ?" for c in INVOICE_COLUMNS[1:])
        db.execute(
            f"UPDATE invoices SET {sets}, updated_at = ? WHERE number = ?",
            (*values[1:], now.isoformat(), inv.number),
        )
        if inv.cancelled and not old["cancelled"]:
            self.log(db, now, "facture-annulee", invoice=inv.number)
            return "cancelled"
        return "updated"

    def rematch_pending(self) -> list[tuple[str, str]]:
        """The entrepreneurs whose documents an import left to match again, with since when
        (the last import that changed their invoices), oldest first."""
        rows = self.db.execute(
            "SELECT entrepreneur, since FROM rematch_pending ORDER BY since, entrepreneur"
        )
        return [(r[0], r[1]) for r in rows]

    def rematch_done(self, entrepreneur: str, since: str) -> None:
        """The matching again of ``entrepreneur``'s documents is done, for the changes up to
        ``since`` (a later import's row stays)."""
        with self.transaction() as db:
            db.execute(
                "DELETE FROM rematch_pending WHERE entrepreneur = ? AND since = ?",
                (entrepreneur, since),
            )

    def invoice(self, number: str) -> Invoice | None:
        row = self.db.execute("SELECT * FROM invoices WHERE number = ?", (number,)).fetchone()
        return _invoice(row) if row else None

    def invoices(
        self,
        entrepreneur: str | None = None,
        training_only: bool = True,
        with_cancelled: bool = False,
    ) -> list[Invoice]:
        """Invoices in force (cancelled ones only when asked), by training start."""
        sql, args = "SELECT * FROM invoices WHERE 1", []
        if entrepreneur is not None:
            sql, args = sql + " AND entrepreneur = ?", [entrepreneur]
        if training_only:
            sql += " AND training = 1"
        if not with_cancelled:
            sql += " AND cancelled = 0"
        rows = self.db.execute(sql + " ORDER BY start_date, number", args).fetchall()
        return [_invoice(r) for r in rows]

    # -- files and documents ----------------------------------------------------

    def file_by_hash(self, sha256: str, entrepreneur: str | None) -> FileRow | None:
        """The first file of this entrepreneur that brought these bytes (not itself a duplicate)."""
        row = self.db.execute(
            "SELECT * FROM files WHERE sha256 = ? AND entrepreneur IS ? AND duplicate_of IS NULL "
            "ORDER BY id LIMIT 1",
            (sha256, entrepreneur),
        ).fetchone()
        return _file(row) if row else None

    def seen(self, rel: str, sha256: str) -> bool:
        """Whether this exact file (same place, same bytes) has been recorded already."""
        row = self.db.execute(
            "SELECT 1 FROM files WHERE rel = ? AND sha256 = ? LIMIT 1", (rel, sha256)
        ).fetchone()
        return row is not None

    def known(self, rel: str, size: int, mtime_ns: int) -> bool:
        """Whether a file at this place, of this size and modification time, was recorded.

        Cheap (no read of the file): the daemon's start-up scan over a large share. A file
        recorded as unreadable without a byte read does not count: its rights may have been
        restored since (chmod leaves size and time alone), so it is offered to the pipeline.
        """
        row = self.db.execute(
            "SELECT 1 FROM files WHERE rel = ? AND size = ? AND mtime_ns = ? "
            f"AND NOT ({UNREAD}) LIMIT 1",
            (rel, size, mtime_ns),
        ).fetchone()
        return row is not None

    def unread(self, rel: str, size: int, mtime_ns: int) -> bool:
        """Whether this file, unchanged, was recorded as unreadable without a byte read."""
        row = self.db.execute(
            f"SELECT 1 FROM files WHERE rel = ? AND size = ? AND mtime_ns = ? AND {UNREAD} LIMIT 1",
            (rel, size, mtime_ns),
        ).fetchone()
        return row is not None

    def forget_unread(self, db: sqlite3.Connection, rel: str) -> None:
        """A file at ``rel`` is recorded anew: its earlier "could not read a byte" is over.

        Its history stays in the event log.
        """
        db.execute(f"DELETE FROM files WHERE rel = ? AND {UNREAD}", (rel,))

    def references(self, archive_path: str) -> bool:
        """Whether a file or document record points at this archive copy."""
        row = self.db.execute(
            "SELECT 1 FROM files WHERE archive_path = ? UNION ALL "
            "SELECT 1 FROM documents WHERE archive_path = ? LIMIT 1",
            (archive_path, archive_path),
        ).fetchone()
        return row is not None

    def touch(self, rel: str, sha256: str, size: int, mtime_ns: int) -> None:
        """Record the new size and modification time of a file already recorded."""
        with self.transaction() as db:
            db.execute(
                "UPDATE files SET size = ?, mtime_ns = ? WHERE rel = ? AND sha256 = ?",
                (size, mtime_ns, rel, sha256),
            )

    # -- strikes: files whose reader died or overran (the daemon's, kept across restarts) ---

    def strike(self, rel: str, size: int, mtime_ns: int, how: str, at: datetime) -> int:
        """One more strike against the file at ``rel``; returns its count.

        Counted again from 1 when the file changed (another size or modification time).
        """
        with self.transaction() as db:
            row = db.execute(
                "SELECT count FROM strikes WHERE rel = ? AND size = ? AND mtime_ns = ?",
                (rel, size, mtime_ns),
            ).fetchone()
            count = (row[0] if row else 0) + 1
            self.set_strikes(db, rel, size, mtime_ns, count, how, at)
        return count

    def set_strikes(
        self, db: sqlite3.Connection, rel: str, size: int, mtime_ns: int, count: int, how: str,
        at: datetime,
    ) -> None:  # fmt: skip
        db.execute(
            "INSERT OR REPLACE INTO strikes(rel, size, mtime_ns, count, how, at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (rel, size, mtime_ns, count, how, at.isoformat(timespec="seconds")),
        )

    def strikes(self, rel: str, size: int, mtime_ns: int) -> tuple[int, str] | None:
        """The strikes (count, how the last ended) against this file as it is, if any."""
        row = self.db.execute(
            "SELECT count, how FROM strikes WHERE rel = ? AND size = ? AND mtime_ns = ?",
            (rel, size, mtime_ns),
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def clear_strikes(self, rel: str) -> None:
        """The file at ``rel`` was filed or set aside: its strikes are over."""
        with self.transaction() as db:
            db.execute("DELETE FROM strikes WHERE rel = ?", (rel,))

    def add_file(self, db: sqlite3.Connection, **values: Any) -> int:
        cols = ", ".join(values)
        cur = db.execute(
            f"INSERT INTO files({cols}) VALUES ({', '.join('?' * len(values))})",
            tuple(values.values()),
        )
        return int(cur.lastrowid or 0)

    def add_document(self, db: sqlite3.Connection, **values: Any) -> int:
        for key in ("fields", "candidates"):
            values[key] = json.dumps(
                values.get(key) or ({} if key == "fields" else []), ensure_ascii=False, default=str
            )
        cols = ", ".join(values)
        cur = db.execute(
            f"INSERT INTO documents({cols}) VALUES ({', '.join('?' * len(values))})",
            tuple(values.values()),
        )
        return int(cur.lastrowid or 0)

    def log(
        self, db: sqlite3.Connection, at: datetime, kind: str, actor: str = "systeme", **detail: Any
    ) -> None:
        ids = {k: detail.pop(k, None) for k in ("file_id", "document_id", "invoice")}
        db.execute(
            "INSERT INTO events(at, actor, kind, file_id, document_id, invoice, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                at.isoformat(),
                actor,
                kind,
                ids["file_id"],
                ids["document_id"],
                ids["invoice"],
                json.dumps(detail, ensure_ascii=False, default=str),
            ),
        )

    def file(self, file_id: int) -> FileRow | None:
        row = self.db.execute("SELECT * FROM files WHERE id = ?", (file_id,)).fetchone()
        return _file(row) if row else None

    def files(self, state: str | None = None) -> list[FileRow]:
        sql = "SELECT * FROM files" + (" WHERE state = ?" if state else "") + " ORDER BY id"
        return [_file(r) for r in self.db.execute(sql, (state,) if state else ())]

    def attach(
        self, db: sqlite3.Connection, doc_id: int, invoice: str, *, method: str, archive_path: str
    ) -> None:
        """Attach a document to an invoice (a person's choice: score 1, no reason left)."""
        self._follow_copy(db, doc_id, archive_path)
        db.execute(
            "UPDATE documents SET invoice = ?, method = ?, score = 1.0, reason = NULL, "
            "archive_path = ? WHERE id = ?",
            (invoice, method, archive_path, doc_id),
        )

    def refile(
        self, db: sqlite3.Connection, doc_id: int, *, invoice: str | None, method: str,
        score: float, candidates: list[dict[str, Any]], reason: str | None, archive_path: str,
    ) -> None:  # fmt: skip
        """Record the machine's new match of a document (after a re-import)."""
        self._follow_copy(db, doc_id, archive_path)
        db.execute(
            "UPDATE documents SET invoice = ?, method = ?, score = ?, candidates = ?, "
            "reason = ?, archive_path = ? WHERE id = ?",
            (invoice, method, score, json.dumps(candidates, ensure_ascii=False), reason,
             archive_path, doc_id),
        )  # fmt: skip

    def _follow_copy(self, db: sqlite3.Connection, doc_id: int, new_path: str) -> None:
        """A file of one document shares its archive copy: its record follows the move."""
        row = db.execute("SELECT archive_path FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is not None and row[0] and row[0] != new_path:
            db.execute(
                "UPDATE files SET archive_path = ? WHERE archive_path = ?", (new_path, row[0])
            )

    def reread(self, db: sqlite3.Connection, file_id: int, **values: Any) -> None:
        """A file read again (``dossiers rerun``): processed now, with what the reading says."""
        sets = ", ".join(f"{k} = ?" for k in values)
        db.execute(
            f"UPDATE files SET {sets}, state = 'traite', reason = NULL, detail = NULL WHERE id = ?",
            (*values.values(), file_id),
        )

    def set_aside_again(
        self, db: sqlite3.Connection, file_id: int, reason: str, detail: str
    ) -> None:
        """A set-aside file read again and still refused: the new reason replaces the old."""
        db.execute(
            "UPDATE files SET reason = ?, detail = ? WHERE id = ?", (reason, detail, file_id)
        )

    def update_document(self, db: sqlite3.Connection, doc_id: int, **values: Any) -> None:
        """Replace what a document's record says (a re-read); its number stays."""
        for key in ("fields", "candidates"):
            if key in values:
                values[key] = json.dumps(values[key], ensure_ascii=False, default=str)
        sets = ", ".join(f"{k} = ?" for k in values)
        db.execute(f"UPDATE documents SET {sets} WHERE id = ?", (*values.values(), doc_id))

    def delete_documents(self, db: sqlite3.Connection, doc_ids: Sequence[int]) -> None:
        """Documents a re-read no longer finds (their history stays in the event log)."""
        db.executemany("DELETE FROM documents WHERE id = ?", [(i,) for i in doc_ids])

    def relocate(
        self, db: sqlite3.Connection, file_id: int, rel: str, size: int, mtime_ns: int
    ) -> None:
        """A file the entrepreneur moved within their folder: its record follows it."""
        db.execute(
            "UPDATE files SET rel = ?, size = ?, mtime_ns = ? WHERE id = ?",
            (rel, size, mtime_ns, file_id),
        )

    def documents(
        self,
        *,
        invoice: str | None = None,
        entrepreneur: str | None = None,
        unfiled: bool = False,
        file_id: int | None = None,
    ) -> list[DocumentRow]:
        sql = "SELECT d.*, f.rel FROM documents d JOIN files f ON f.id = d.file_id WHERE 1"
        args: list[Any] = []
        if invoice is not None:
            sql, args = sql + " AND d.invoice = ?", [*args, invoice]
        if entrepreneur is not None:
            sql, args = sql + " AND d.entrepreneur = ?", [*args, entrepreneur]
        if file_id is not None:
            sql, args = sql + " AND d.file_id = ?", [*args, file_id]
        if unfiled:
            sql += " AND d.reason IS NOT NULL"
        return self._corrected(
            [_document(r) for r in self.db.execute(sql + " ORDER BY d.id", args)]
        )

    def documents_by_invoice(
        self, numbers: Container[str] | None = None, batch: int = 500
    ) -> Iterator[tuple[str, list[DocumentRow]]]:
        """The documents attached to each invoice (corrections applied), invoice by invoice.

        One pass over the table, in invoice order; memory holds about ``batch`` documents,
        not the share's (the yearly BPF over 100,000 invoices). ``numbers``: only these
        invoices (the other rows are not even decoded).
        """
        rows = self.db.execute(
            "SELECT d.*, f.rel FROM documents d JOIN files f ON f.id = d.file_id "
            "WHERE d.invoice IS NOT NULL ORDER BY d.invoice, d.id"
        )
        groups: list[tuple[str, list[DocumentRow]]] = []
        held = 0
        for row in rows:
            number = row["invoice"]
            if numbers is not None and number not in numbers:
                continue
            if groups and groups[-1][0] == number:
                groups[-1][1].append(_document(row))
            else:
                if held >= batch:
                    yield from self._corrected_groups(groups)
                    groups, held = [], 0
                groups.append((number, [_document(row)]))
            held += 1
        yield from self._corrected_groups(groups)

    def _corrected_groups(
        self, groups: list[tuple[str, list[DocumentRow]]]
    ) -> Iterator[tuple[str, list[DocumentRow]]]:
        found = self.corrections([d.id for _, docs in groups for d in docs])
        for number, docs in groups:
            yield (
                number,
                [
                    replace(d, fields=apply_corrections(d.fields, found[d.id]))
                    if d.id in found
                    else d
                    for d in docs
                ],
            )

    def texts(self, doc_ids: Sequence[int]) -> dict[int, str]:
        """The stored text of documents (empty for those filed before schema 5)."""
        found: dict[int, str] = {}
        for chunk in range(0, len(doc_ids), 500):
            ids = list(doc_ids[chunk : chunk + 500])
            rows = self.db.execute(
                f"SELECT id, text FROM documents WHERE id IN ({', '.join('?' * len(ids))})", ids
            )
            found |= {r["id"]: r["text"] or "" for r in rows}
        return found

    def document(self, doc_id: int) -> DocumentRow | None:
        row = self.db.execute(
            "SELECT d.*, f.rel FROM documents d JOIN files f ON f.id = d.file_id WHERE d.id = ?",
            (doc_id,),
        ).fetchone()
        return self._corrected([_document(row)])[0] if row else None

    # -- corrections --------------------------------------------------------------

    def add_correction(
        self, doc_id: int, correction: Correction, db: sqlite3.Connection | None = None
    ) -> None:
        """Record a person's correction of a document (and the event: who, when, why).

        Inside the caller's transaction when ``db`` is given, else in one of its own.
        """
        if db is None:
            with self.transaction() as own:
                self.add_correction(doc_id, correction, own)
            return
        row = db.execute(
            "SELECT f.sha256, f.entrepreneur, d.first_page, d.invoice FROM documents d "
            "JOIN files f ON f.id = d.file_id WHERE d.id = ?",
            (doc_id,),
        ).fetchone()
        if row is None:
            raise KeyError(doc_id)
        db.execute(
            "INSERT INTO corrections(sha256, entrepreneur, first_page, document_id, kind, "
            "target, value, actor, at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row["sha256"], row["entrepreneur"], row["first_page"], doc_id,
                correction.kind, json.dumps(correction.target, ensure_ascii=False),
                correction.value, correction.actor, correction.at, correction.reason,
            ),
        )  # fmt: skip
        self.log(
            db, datetime.fromisoformat(correction.at), "correction", correction.actor,
            document_id=doc_id, invoice=row["invoice"], correction=correction.kind,
            target=correction.target, value=correction.value, reason=correction.reason,
        )  # fmt: skip

    def waive(self, waiver: Waiver, invoice: str, *, revoke: bool = False) -> bool:
        """Record (or revoke) a waiver; False when there was nothing to revoke."""
        with self.transaction() as db:
            if revoke:
                cur = db.execute(
                    "UPDATE waivers SET revoked_at = ? WHERE invoice = ? AND target = ? "
                    "AND revoked_at IS NULL",
                    (waiver.at, invoice, waiver.target),
                )
                done = cur.rowcount > 0
            else:
                db.execute(
                    "INSERT INTO waivers(invoice, target, actor, at, reason) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (invoice, waiver.target, waiver.actor, waiver.at, waiver.reason),
                )
                done = True
            if done:
                kind = "dispense-levee" if revoke else "dispense"
                self.log(db, datetime.fromisoformat(waiver.at), kind, waiver.actor,
                         invoice=invoice, target=waiver.target, reason=waiver.reason)  # fmt: skip
        return done

    def waivers(self, invoice: str | None = None) -> dict[str, list[Waiver]]:
        """Waivers in force, per invoice (one invoice's, or all)."""
        sql = "SELECT * FROM waivers WHERE revoked_at IS NULL"
        args: tuple[str, ...] = ()
        if invoice is not None:
            sql, args = sql + " AND invoice = ?", (invoice,)
        found: dict[str, list[Waiver]] = {}
        for r in self.db.execute(sql + " ORDER BY id", args):
            found.setdefault(r["invoice"], []).append(
                Waiver(r["target"], r["actor"], r["at"], r["reason"])
            )
        return found

    def decision(
        self, sha256: str, first_page: int, entrepreneur: str | None, kind: str
    ) -> str | None:
        """The latest value a person gave for this kind of decision on these bytes, if any."""
        row = self.db.execute(
            "SELECT value FROM corrections WHERE sha256 = ? AND first_page = ? "
            "AND entrepreneur IS ? AND kind = ? ORDER BY id DESC LIMIT 1",
            (sha256, first_page, entrepreneur, kind),
        ).fetchone()
        return None if row is None else str(row["value"])

    def detach(
        self, db: sqlite3.Connection, doc_id: int, *, reason: str, archive_path: str
    ) -> None:
        """Take a document off its invoice: it waits for a person, with ``reason``."""
        self._follow_copy(db, doc_id, archive_path)
        db.execute(
            "UPDATE documents SET invoice = NULL, method = 'manuel', score = 0, reason = ?, "
            "archive_path = ? WHERE id = ?",
            (reason, archive_path, doc_id),
        )

    def corrections(self, doc_ids: Sequence[int]) -> dict[int, list[Correction]]:
        """Each document's corrections, oldest first (also those made before a re-read)."""
        found: dict[int, list[Correction]] = {}
        for chunk in range(0, len(doc_ids), 500):
            ids = list(doc_ids[chunk : chunk + 500])
            rows = self.db.execute(
                "SELECT d.id AS doc_id, c.* FROM documents d JOIN files f ON f.id = d.file_id "
                "JOIN corrections c ON c.sha256 = f.sha256 AND c.first_page = d.first_page "
                "AND c.entrepreneur IS f.entrepreneur "
                f"WHERE d.id IN ({', '.join('?' * len(ids))}) ORDER BY c.id",
                ids,
            )
            for r in rows:
                found.setdefault(r["doc_id"], []).append(
                    Correction(
                        r["kind"],
                        json.loads(r["target"]),
                        r["value"],
                        r["actor"],
                        r["at"],
                        r["reason"],
                    )  # fmt: skip
                )
        return found

    def _corrected(self, rows: list[DocumentRow]) -> list[DocumentRow]:
        if not rows:
            return rows
        found = self.corrections([r.id for r in rows])
        return [
            replace(r, fields=apply_corrections(r.fields, found[r.id])) if r.id in found else r
            for r in rows
        ]

    def last_event_at(self, kind: str, **detail: str) -> datetime | None:
        """When the last event of this kind (and these detail values) was recorded."""
        sql, args = "SELECT max(at) FROM events WHERE kind = ?", [kind]
        for key, value in detail.items():
            sql, args = sql + f" AND json_extract(detail, '$.{key}') = ?", [*args, value]
        found = self.db.execute(sql, args).fetchone()[0]
        return datetime.fromisoformat(found) if found else None

    def last_run(self, kind: str, **detail: str) -> datetime | None:
        """The time of the event of this kind (and detail) recorded last, whatever its time
        says (after the clock went back, the latest written is not the latest in time)."""
        sql, args = "SELECT at FROM events WHERE kind = ?", [kind]
        for key, value in detail.items():
            sql, args = sql + f" AND json_extract(detail, '$.{key}') = ?", [*args, value]
        found = self.db.execute(sql + " ORDER BY id DESC LIMIT 1", args).fetchone()
        return datetime.fromisoformat(found[0]) if found else None

    def last_event(
        self, kind: str, before: datetime | None = None, **detail: str
    ) -> dict[str, Any] | None:
        """The last event of this kind (and these detail values), before ``before`` if given."""
        sql, args = "SELECT * FROM events WHERE kind = ?", [kind]
        for key, value in detail.items():
            sql, args = sql + f" AND json_extract(detail, '$.{key}') = ?", [*args, value]
        if before is not None:
            sql, args = sql + " AND at < ?", [*args, before.isoformat()]
        row = self.db.execute(sql + " ORDER BY at DESC, id DESC LIMIT 1", args).fetchone()
        return dict(row) | {"detail": json.loads(row["detail"])} if row else None

    def event_values(
        self, kind: str, key: str, since: datetime, until: datetime
    ) -> list[tuple[datetime, Any]]:
        """One detail value of each event of this kind in [since, until], oldest first.

        Reads only that value (the digest's counts), not the whole detail.
        """
        rows = self.db.execute(
            f"SELECT at, json_extract(detail, '$.{key}') FROM events WHERE kind = ? "
            "AND at >= ? AND at <= ? ORDER BY at, id",
            (kind, since.isoformat(), until.isoformat()),
        )
        return [(datetime.fromisoformat(at), json.loads(v) if v else None) for at, v in rows]

    def arrivals(self, since: datetime | None, until: datetime) -> list[dict[str, Any]]:
        """Files received in (since, until], one row per document found in them (or per file
        when none was): who dropped it, where it went, the document's type and invoice."""
        sql = (
            "SELECT f.id AS file_id, f.rel, f.entrepreneur, f.state, f.reason AS file_reason, "
            "f.received_at, d.type, d.invoice, d.reason AS doc_reason FROM files f "
            "LEFT JOIN documents d ON d.file_id = f.id WHERE f.received_at <= ?"
        )
        args = [until.isoformat()]
        if since is not None:
            sql, args = sql + " AND f.received_at > ?", [*args, since.isoformat()]
        return [dict(r) for r in self.db.execute(sql + " ORDER BY f.id, d.id", args)]

    def imported_since(self, since: datetime) -> set[str]:
        """Training invoices first imported after ``since``."""
        rows = self.db.execute(
            "SELECT number FROM invoices WHERE training = 1 AND imported_at > ?",
            (since.isoformat(),),
        )
        return {r[0] for r in rows}

    def history_dates(self) -> tuple[dict[str, str], dict[int, str]]:
        """When each invoice was first imported, and when each document's file was received."""
        imported = dict(self.db.execute("SELECT number, imported_at FROM invoices").fetchall())
        received = dict(
            self.db.execute(
                "SELECT d.id, f.received_at FROM documents d JOIN files f ON f.id = d.file_id"
            ).fetchall()
        )
        return imported, received

    def events(self, limit: int = 1000) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT * FROM events ORDER BY id DESC LIMIT ?", (limit,))
        return [dict(r) | {"detail": json.loads(r["detail"])} for r in rows]


def _invoice_values(inv: Invoice) -> tuple[Any, ...]:
    d = asdict(inv)
    d["start_date"], d["end_date"] = d.pop("start"), d.pop("end")
    d["trainees"] = json.dumps(list(inv.trainees), ensure_ascii=False)
    d["statuses"] = json.dumps(list(inv.statuses), ensure_ascii=False)
    d["training"] = int(inv.is_training)
    d["cancelled"] = int(inv.cancelled)
    return tuple(
        v.isoformat() if isinstance(v, date) else v for v in (d[c] for c in INVOICE_COLUMNS)
    )


def _invoice(row: sqlite3.Row) -> Invoice:
    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    return Invoice(
        number=row["number"], date=date.fromisoformat(row["date"]),
        entrepreneur=row["entrepreneur"], client=row["client"], client_type=row["client_type"],
        title=row["title"], place=row["place"], start=day(row["start_date"]),
        end=day(row["end_date"]), hours=row["hours"], trainee_count=row["trainee_count"],
        trainees=tuple(json.loads(row["trainees"])), statuses=tuple(json.loads(row["statuses"])),
        trainee_hours=row["trainee_hours"], bpf_code=row["bpf_code"], objective=row["objective"],
        nsf=row["nsf"], amount_ht=row["amount_ht"], subcontracting=row["subcontracting"],
        distance=row["distance"], cancelled=bool(row["cancelled"]),
    )  # fmt: skip


def _file(row: sqlite3.Row) -> FileRow:
    return FileRow(
        id=row["id"], rel=row["rel"], entrepreneur=row["entrepreneur"], sha256=row["sha256"],
        state=row["state"], reason=row["reason"], detail=row["detail"],
        archive_path=row["archive_path"], received_at=row["received_at"], pages=row["pages"],
        ocr=bool(row["ocr"]),
    )  # fmt: skip


def _document(row: sqlite3.Row) -> DocumentRow:
    return DocumentRow(
        id=row["id"], file_id=row["file_id"], rel=row["rel"], first=row["first_page"],
        last=row["last_page"], type=row["type"], confidence=row["confidence"],
        fields=json.loads(row["fields"]), invoice=row["invoice"],
        entrepreneur=row["entrepreneur"], score=row["score"], method=row["method"],
        candidates=json.loads(row["candidates"]), reason=row["reason"],
        archive_path=row["archive_path"],
    )  # fmt: skip
