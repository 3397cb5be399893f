"""Operations the commands and the daemon share: importing invoices, ingesting paths.

Each takes a :class:`pipeline.runner.Context` and returns plain results; the CLI
and the daemon decide how to show them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from pipeline import rematch, runner
from pipeline.invoices import Invoice, Row, read_export, without_duplicates
from pipeline.store import ImportCounts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Imported:
    counts: ImportCounts
    skipped: list[tuple[int, str]]  # (row of the export, French reason)
    moves: list[rematch.Move]  # documents the new invoices settled (or cancelled ones freed)


def import_invoices(ctx: runner.Context, export: Path) -> Imported:
    """Import or update invoice records, then match again what the changes may settle.

    First the matching an interrupted import left (``rematch_pending``), then the export's
    invoices saved with the list of entrepreneurs whose documents are to be matched again
    (one transaction: :func:`save_invoices`), then that matching. Dossiers are evaluated
    when they are read (status, show, digest), so changed invoices need nothing more.
    """
    moves = rematch.pending(ctx)  # what an import killed before its matching left
    counts, skipped = save_invoices(ctx, export)
    moves += rematch.pending(ctx)
    with ctx.store.transaction() as db:
        ctx.store.log(
            db, ctx.clock(), "factures-importees", export=export.name, new=counts.new,
            updated=counts.updated, cancelled=counts.cancelled, unchanged=counts.unchanged,
            skipped=len(skipped), documents=len(moves),
        )  # fmt: skip
    return Imported(counts, sorted(skipped), moves)


def save_invoices(ctx: runner.Context, export: Path) -> tuple[ImportCounts, list[tuple[int, str]]]:
    """Read the export and save its invoices, with the entrepreneurs whose documents are to
    be matched again, in one transaction; the rows not saved, with their reasons.

    Rows of unknown entrepreneurs, numbers the export gives twice and numbers recorded for
    another entrepreneur are not saved.
    """
    settings = ctx.config.invoices
    result = read_export(export, settings.columns, settings.max_bytes, settings.max_unzipped_bytes)
    rows, skipped = without_duplicates([_resolved(ctx, row) for row in result.rows])
    skipped += result.skipped
    known = []
    for line, inv in rows:
        if ctx.config.person_by_name(inv.entrepreneur) is None:
            skipped.append((line, f"{inv.number} : entrepreneur « {inv.entrepreneur} » inconnu ; "
                                  "ajoutez-le à la liste des entrepreneurs."))  # fmt: skip
        else:
            known.append((line, inv))
    counts = ctx.store.upsert_invoices([inv for _, inv in known], ctx.clock(), rematch=True)
    skipped += _refused(known, counts.refused)
    for line, reason in skipped:
        log.info("export %s, ligne %d ignorée : %s", export.name, line, reason)  # the CLI says it
    return counts, skipped


def _resolved(ctx: runner.Context, row: Row) -> Row:
    """The row with its entrepreneur's name as recorded (the export may give the folder)."""
    line, inv = row
    person = ctx.config.person_by_name(inv.entrepreneur) or ctx.config.person_by_folder(
        inv.entrepreneur
    )
    return (line, inv) if person is None else (line, _with_name(inv, person.name))


def _refused(rows: list[Row], refused: tuple[tuple[str, str], ...]) -> list[tuple[int, str]]:
    """The report of rows the store refused: their number is another entrepreneur's."""
    owner = dict(refused)
    return [
        (
            line,
            f"N° facture {inv.number} en double : déjà enregistré pour {owner[inv.number]}, "
            f"donné ici à {inv.entrepreneur} ; la facture reste à {owner[inv.number]} (une "
            "facture émise ne change pas d'entrepreneur : avoir puis nouvelle facture) : "
            "corrigez l'export.",
        )
        for line, inv in rows
        if inv.number in owner
    ]


def _with_name(inv: Invoice, name: str) -> Invoice:
    """The export may name the entrepreneur by folder; records always use the person's name."""
    return inv if inv.entrepreneur == name else replace(inv, entrepreneur=name)


def ingest(
    ctx: runner.Context, paths: tuple[Path, ...] | list[Path], progress: Console | None = None
) -> list[runner.Outcome]:
    """Process files and folders under the drop folder now, one file at a time, in name order."""
    files = list(runner.candidates(paths, ctx.config.paths.drop))
    outcomes = []
    with Progress(console=progress, transient=True, disable=progress is None) as bar:
        task = bar.add_task("Traitement", total=len(files))
        for path in files:
            bar.update(task, description=f"{path.name[:40]:<40}")
            outcomes.append(runner.process(path, ctx))
            bar.advance(task)
    return outcomes
