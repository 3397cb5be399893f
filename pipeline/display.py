"""What the command line prints for people: the status table, a dossier, the review list.

French, compact, rich markup; the JSON forms live in :mod:`pipeline.status`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline import safetext
from pipeline.invoices import Invoice
from pipeline.presence import HALF_LABELS, Attendance, Mark
from pipeline.rules import Dossier, hours_text

# Piped or redirected output is not cut at 80 columns: the status table needs room.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 150)

PIECES = {
    "convention": "convention", "contrat": "contrat", "bon_commande": "devis/bon de commande",
    "emargement": "émargement", "attestation": "attestation", "evaluation_chaud": "bilan à chaud",
    "evaluation_froid": "évaluation à froid", "cv": "CV", "programme": "programme",
    "facture": "facture", "bilan_pedagogique": "bilan pédagogique", "autre": "autre",
}  # fmt: skip


def _t(value: Any) -> str:
    """Outside text (a file name, an invoice field, a name read in a document) for the
    terminal: rich markup escaped, line breaks and control characters (escape sequences
    that would drive the terminal) shown, not obeyed."""
    return escape(safetext.visible(str(value)))


STATES = {
    "complete": "[green]complet[/]",
    "incomplete": "[yellow]incomplet[/]",
    "inconsistent": "[red]incohérent[/]",
}


def print_status(data: dict[str, Any]) -> None:
    """The status as a person reads it: one line per invoice; details are in ``show``."""
    if "daemon" in data:
        out.print(_daemon_line(data["daemon"]))
        for folder in (data["daemon"] or {}).get("illisibles", []):  # as of the last heartbeat
            out.print(f"[red]Partage[/] « {_t(folder['dossier'])} » : {_t(folder['message'])}")
    for warning in data.get("warnings", []):  # the share's folders, the configuration
        out.print(f"[yellow]Attention[/] : {_t(warning['message'])}")
    table = Table(title="Dossiers de formation", title_justify="left")
    table.add_column("Facture", no_wrap=True)
    table.add_column("Entrepreneur", no_wrap=True)
    table.add_column("Formation", max_width=32, no_wrap=True)
    table.add_column("État", no_wrap=True)
    table.add_column("Docs", justify="right")
    table.add_column("Manque")
    for d in data["dossiers"]:
        table.add_row(
            _t(d["invoice"]),
            _t(d["entrepreneur"]),
            _t(d["title"]),
            STATES[d["state"]],
            str(len(d["documents"])),
            _missing_short(d["missing"])
            + (f" ; à régler : {_missing_short(d['pending'])}" if d.get("pending") else ""),
        )
    out.print(table)
    for p in data["entrepreneurs"]:
        if p["missing"]:
            out.print(
                f"{_t(p['name'])} : manque "
                + "; ".join(f"{PIECES[m['piece']]} ({_t(m['detail'])})" for m in p["missing"])
            )
        for c in p.get("checks", []):
            out.print(f"{_t(p['name'])} : [red]contrôle[/] {c['code']} : {_t(c['message'])}")
    waiting = len(data["unfiled"]) + len(data["set_aside"])
    if waiting:
        out.print(f"\n[bold]En attente d'une personne[/] ({waiting})")
    for u in data["unfiled"]:
        cands = (
            f" ; factures possibles : {_t(', '.join(u['candidates']))}" if u["candidates"] else ""
        )
        out.print(
            f"  {_t(u['file'])} p{u['pages'][0]}-{u['pages'][1]} ({PIECES[u['type']]}) : "
            f"{u['reason']}{cands}"
        )
    for f in data["set_aside"]:
        out.print(f"  {_t(f['file'])} : {f['reason']} — {_t(f['message'])}")


def _daemon_line(beat: dict[str, Any] | None) -> str:
    if beat is None:
        return "Surveillance : « dossiers watch » n'a jamais tourné sur cette base."
    if not beat["alive"]:
        day, hour = beat["updated"][:10], beat["updated"][11:16]
        return (
            f"[red]Surveillance arrêtée[/] (dernier signe le {day} à {hour}) : "
            "relancez « dossiers watch » ou le service dossiers-watch."
        )
    line = (
        f"Surveillance active (pid {beat['pid']}) : {beat['queued']} fichier(s) en attente, "
        f"{beat['in_progress']} en lecture, {beat['processed']} classé(s) depuis le démarrage."
    )
    if beat.get("fault"):  # a fault of the environment going on: files wait, nothing is lost
        since, fault = str(beat.get("fault_since", "")), escape(str(beat["fault"]).rstrip(". "))
        line += (
            f"\n[red]Panne depuis le {since[:10]} à {since[11:16]}[/] : {fault} "
            f"({beat.get('waiting', 0)} fichier(s) en attente de reprise)."
        )
    return line


def _missing_short(missing: list[dict[str, Any]]) -> str:
    """One entry per piece, counts added up: "émargement ×3, bilan à chaud"."""
    counts: dict[str, int] = {}
    for m in missing:
        if m.get("level", "requis") != "requis":
            continue  # recommended pieces are for ``show``, not the one-line summary
        counts[m["piece"]] = counts.get(m["piece"], 0) + int(m["count"])
    return (
        ", ".join(
            PIECES.get(piece, piece) + (f" ×{count}" if count > 1 else "")
            for piece, count in counts.items()
        )
        or "—"
    )


def print_dossier(data: dict[str, Any], dossier: Dossier, history: Sequence[str] = ()) -> None:
    """One dossier: the invoice, its documents, the attendance grid, what is missing."""
    inv = dossier.invoice
    out.print(f"[bold]{_t(inv.number)}[/] — {_t(inv.title)} — {_t(inv.client)} "
              f"({_t(inv.entrepreneur)})")  # fmt: skip
    out.print(
        f"Du {_day(inv.start)} au {_day(inv.end)}, {hours_text(inv.hours)} h, "
        f"{inv.trainee_count} stagiaire(s) : {_t(', '.join(inv.trainees))}"
    )
    if inv.cancelled:
        out.print("[red]Facture annulée dans l'export de facturation[/] : hors des dossiers "
                  "à compléter et du BPF.")  # fmt: skip
    out.print(f"État : {STATES[data['state']]}")
    for d in data["documents"]:
        out.print(
            f"  #{d['id']} {PIECES[d['type']]:<18} {_t(d['file'])} p{d['pages'][0]}-"
            f"{d['pages'][1]} (confiance {d['confidence']:.2f}, {d['method']})"
        )
    print_requirements(dossier)
    if dossier.attendance is not None:
        print_attendance(dossier.attendance, inv)
    for m in [*data["missing"], *data.get("pending", []), *data.get("advised", [])]:
        label = "[yellow]manque[/]" if m.get("level", "requis") == "requis" else "conseillé"
        if m.get("action"):
            label = "[yellow]à régler[/]"
        late = f" [red](en retard de {m['overdue_days']} j)[/]" if m.get("overdue_days") else ""
        out.print(f"  {label} {PIECES.get(m['piece'], m['piece'])} : {_t(m['detail'])}{late}")
    for c in data["checks"]:
        out.print(f"  [red]contrôle[/] {c['code']} : {_t(c['message'])}")
    for note in dossier.notes:
        out.print(f"  [blue]à savoir[/] {_t(note)}")
    for w in dossier.waived:
        out.print(f"  dispensé de « {_t(w.target)} » : {_t(w.reason)} (par {_t(w.actor)}, "
                  f"le {w.at[:10]})")  # fmt: skip
    if history:
        out.print("Corrections :")
        for line in history:
            out.print(f"  {_t(line)}")


#: The dossier's requirements as ``show`` lists them: (rule, label, document types).
REQUIREMENTS = (
    ("convention", "convention / contrat / devis signé", ("convention", "contrat", "bon_commande")),
    ("emargement", "feuilles d'émargement", ("emargement",)),
    ("attestation", "attestations", ("attestation",)),
    ("evaluation_chaud", "bilans à chaud", ("evaluation_chaud",)),
    ("evaluation_froid", "évaluations à froid", ("evaluation_froid",)),
)


def print_requirements(dossier: Dossier) -> None:
    """Each requirement of the checklist: its state and the documents that answer it."""
    waived = {w.target for w in dossier.waived}
    lacking = {m.piece: m for m in dossier.missing}
    out.print("Exigences :")
    for rule, label, types in REQUIREMENTS:
        docs = [f"#{d.id}" for d in dossier.documents if d.type in types]
        missing = next((lacking[t] for t in (rule, *types) if t in lacking), None)
        if rule in waived or any(t in waived for t in types):
            state = "dispensé"
        elif missing is None:
            state = "[green]ok[/]" if docs else "—"
        elif missing.level == "recommande":
            state = "conseillé, absent"
        else:
            state = "[yellow]incomplet[/]" if docs else "[yellow]manquant[/]"
        due = f", attendu le {missing.due:%d/%m/%Y}" if missing and missing.due else ""
        out.print(f"  {label:<36} {state}{due}  {' '.join(docs)}")


#: How a cell prints in the grid; a person's correction adds a star.
CELL = {
    "signed": "[green]✓[/]",
    "empty": "[red]vide[/]",
    "absent": "ABS",
    "doubtful": "[yellow]?[/]",
}


def print_attendance(att: Attendance, inv: Invoice) -> None:
    """The grid as read: trainees × half-days, hours and assiduity per trainee."""
    source = att.hours_source
    halves = ", ".join(f"{HALF_LABELS[h]} {hours_text(v)} h" for h, v in att.half_day_hours.items())
    sheets = ", ".join(f"#{d}" for d in att.documents)
    table = Table(
        title=f"Émargement ({sheets} ; {halves}, d'après : {source})",
        title_justify="left",
    )
    table.add_column("Stagiaire", no_wrap=True)
    for day, half in att.slots:
        table.add_column(f"{day:%d/%m}\n{HALF_LABELS[half]}", justify="center")
    table.add_column("Heures", justify="right")
    table.add_column("Assiduité", justify="right")
    for line in att.trainees:
        name = _t(line.name) if line.on_invoice else f"[red]{_t(line.name)}[/] (hors facture)"
        cells = [_cell(line.marks.get(slot)) for slot in att.slots]
        assiduity = f"{line.assiduity:.0%}" if line.assiduity is not None else "—"
        table.add_row(name, *cells, hours_text(line.hours), assiduity)
    table.add_row(
        "[italic]Formateur[/]", *[_cell(att.trainer.get(slot)) for slot in att.slots], "", ""
    )
    out.print(table)
    invoiced = inv.trainee_hours
    out.print(
        f"Heures-stagiaires : {hours_text(att.trainee_hours)} h d'après les feuilles"
        + (f", {hours_text(invoiced)} h sur la facture" if invoiced is not None else "")
        + ". (✓ signé, ABS absent, ? à vérifier, * corrigé par une personne)"
    )


def _cell(mark: Mark | None) -> str:
    if mark is None:
        return "·"
    return CELL.get(mark.mark, mark.mark) + ("*" if mark.corrected else "")


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "?"


def print_review(items: list[dict[str, Any]]) -> None:
    """Decisions the machine was unsure of, each with the command that settles it."""
    if not items:
        out.print("Rien à vérifier : toutes les cases et signatures ont été lues avec assurance.")
        return
    out.print(f"[bold]{len(items)} décision(s) à vérifier[/] (la correction d'une personne prime)")
    for item in items:
        out.print(
            f"  #{item['document']} {_t(item['file'])} ({_t(item['invoice'] or 'non rattaché')})"
            f" : {_t(item['what'])} — lu « {_t(item['read'])} » "
            f"(confiance {item['confidence']:.2f})"
        )
        out.print(f"      [dim]{_t(item['command'])}[/]")
