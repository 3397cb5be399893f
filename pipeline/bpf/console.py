"""``dossiers bpf`` in a terminal: the figures to type in, the checks that fail, the files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from pipeline.bpf import codes
from pipeline.bpf.figures import Count
from pipeline.bpf.report import invoice_list, number
from pipeline.display import out

if TYPE_CHECKING:
    from pipeline.bpf.run import Bpf


def print_bpf(bpf: Bpf, written: Sequence[Path]) -> None:
    """The cadres (lines that are not zero), then the checks, then where the files went."""
    f = bpf.figures
    title = f"BPF {bpf.year} (Cerfa n° 10443*17), exercice {bpf.period.label}"
    table = Table(title=title + (" — BROUILLON" if bpf.draft else ""), title_justify="left")
    for name, justify in (("Cadre", "left"), ("Ligne", "left"), ("Intitulé", "left"),
                          ("Montant / nombre", "right"), ("Heures", "right")):  # fmt: skip
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    table.add_row("B", "", codes.B_DISTANCE_LABEL, "oui" if f.distance else "non", "")
    for line in codes.C_LINES:
        if f.c[line]:
            table.add_row("C", line, codes.C_LABELS[line], f"{number(f.c[line])} €", "")
    table.add_row("C", "2", "dont organismes gestionnaires (a à h)", f"{number(f.c['2'])} €", "")
    table.add_row("C", "Total", "Total des produits", f"{number(f.c['total'])} €", "")
    table.add_row("E", "1", codes.E_LABELS["internal"], str(f.e_internal.people),
                  number(f.e_internal.hours))  # fmt: skip
    table.add_row("E", "2", codes.E_LABELS["external"], str(f.e_external.people),
                  number(f.e_external.hours))  # fmt: skip
    for key, count in f.f1.items():
        _count_row(table, "F-1", key, codes.F1_LABELS.get(key, "Total"), count)
    _count_row(table, "F-2", "", "Confiées à un autre organisme", f.f2)
    for key, count in f.f3.items():
        _count_row(table, "F-3", key, codes.F3_LABELS.get(key, "Total"), count)
    for s in f.f4:
        _count_row(table, "F-4", s.nsf or "", s.label, Count(s.trainees, s.hours), always=True)
    _count_row(table, "G", "", "Reçues d'un autre organisme", f.g, always=True)
    out.print(table)
    failing = [c for c in bpf.checks if not c.ok]
    out.print(f"[bold]Contrôles[/] : {len(bpf.checks) - len(failing)} conforme(s), "
              f"{len(failing)} à corriger.")  # fmt: skip
    for c in failing:
        numbers = f" ({invoice_list(c.invoices)})" if c.invoices else ""
        out.print(f"  [red]✗[/] {escape(c.message)}{escape(numbers)}")
    out.print("Fichiers :")
    for path in written:
        out.print(f"  {path}")


def _count_row(table: Table, cadre: str, line: str, label: str, count: Count,
               always: bool = False) -> None:  # fmt: skip
    if always or count.trainees or count.hours or line == "total":
        shown = "Total" if line == "total" else line
        table.add_row(cadre, shown, label, str(count.trainees), number(count.hours))
