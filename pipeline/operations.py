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
from pipeline.invoices import Invoice, read_export
from pipeline.store import ImportCounts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Imported:
    counts: ImportCounts
    skipped: list[tuple[int, str]]  # (row of the export, French reason)
    moves: list[rematch.Move]  # documents the new invoices settled (or cancelled ones freed)


def import_invoices(ctx: runner.Context, export: Path) -> Imported:
    """Import or update invoice records, then match again what the changes may settle.

    Rows of unknown entrepreneurs are skipped with a reason. Dossiers are evaluated when
    they are read (status, show, digest), so changed invoices need nothing more.
    """
    result = read_export(export, ctx.config.invoices.columns)
    known, skipped = [], list(result.skipped)
    for n, inv in enumerate(result.invoices, start=2):
        person = ctx.config.person_by_name(inv.entrepreneur) or ctx.config.person_by_folder(
            inv.entrepreneur
        )
        if person is None:
            skipped.append(
                (
                    n,
                    f"{inv.number} : entrepreneur « {inv.entrepreneur} » inconnu ; "
                    "ajoutez-le à la liste des entrepreneurs.",
                )
            )
            continue
        known.append(_with_name(inv, person.name))
    now = ctx.clock()
    counts = ctx.store.upsert_invoices(known, now)
    for line, reason in skipped:
        log.warning("export %s, ligne %d ignorée : %s", export.name, line, reason)
    changed = set(counts.changed)
    moves = rematch.after_import(ctx, {inv.entrepreneur for inv in known if inv.number in changed})
    with ctx.store.transaction() as db:
        ctx.store.log(
            db, now, "factures-importees", export=export.name, new=counts.new,
            updated=counts.updated, cancelled=counts.cancelled, unchanged=counts.unchanged,
            skipped=len(skipped), documents=len(moves),
        )  # fmt: skip
    return Imported(counts, sorted(skipped), moves)


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
