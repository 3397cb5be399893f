"""The ``dossiers`` command line: arguments -> config -> library; errors -> exit codes.

Thin on purpose. Every command takes ``--config``; errors are one French
sentence on stderr saying what to do next (``--debug`` shows the traceback).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import Progress

from pipeline import (
    corrections,
    digest_mail,
    digest_send,
    filing,
    operations,
    review,
    rules,
    runner,
    safetext,
    sharefiles,
    status,
)
from pipeline import demo as demo_mod
from pipeline import digest as digest_mod
from pipeline import export as export_mod
from pipeline.bpf import run as bpf_run
from pipeline.checklist import Waiver
from pipeline.config import Config, load_config, read_only_config
from pipeline.display import PIECES, out, print_dossier, print_review, print_status
from pipeline.errors import (
    ADVICE,
    DossiersError,
    EnvironmentFault,
    ExitCode,
    OcrUnavailable,
    Reason,
)
from pipeline.mailer import SmtpMailer, clear_text_warning
from pipeline.ocr import OcrEngine, TesserocrEngine
from pipeline.record import Doc, Source
from pipeline.store import Store, environment_fault
from watchers.ignore import is_conflict_copy

log = logging.getLogger("dossiers")
err = Console(stderr=True, highlight=False)


def default_config() -> Path:
    return Path(os.environ.get("DOSSIERS_CONFIG", "config.toml"))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Fichier de configuration (défaut : ./config.toml ou $DOSSIERS_CONFIG).",
)
@click.option("--debug", is_flag=True, help="Affiche le détail technique des erreurs.")
@click.option(
    "--log-level",
    default="WARNING",
    show_default=True,
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, debug: bool, log_level: str) -> None:
    """Dossiers de formation d'une coopérative : lire, classer, rattacher, contrôler."""
    logging.basicConfig(
        level="DEBUG" if debug else log_level.upper(),
        format=safetext.LOG_FORMAT,
    )
    safetext.install_log_filter()  # a name with a line break cannot forge a log record
    ctx.obj = {
        "config_path": config_path or default_config(),
        "debug": debug,
        "log_level": log_level.upper(),
    }


#: The database of the command being run (to name it in an error message).
_DATABASE: dict[str, Path] = {}


def _config(ctx: click.Context, check_folders: bool = True) -> Config:
    config = load_config(ctx.obj["config_path"], check_folders=check_folders)
    _DATABASE["path"] = config.paths.database
    return config


@contextmanager
def _context(config: Config, need_ocr: bool = True) -> Iterator[runner.Context]:
    engine = _ocr_engine(config) if need_ocr else None
    store = Store(config.paths.database, config.paths.database_timeout)
    try:
        store.sync_entrepreneurs(config.people)
        yield runner.Context(config=config, store=store, ocr=engine)
    finally:
        store.close()
        if engine is not None:
            engine.close()


def _ocr_engine(config: Config) -> OcrEngine | None:
    """The OCR engine, or None (with a warning) if it is missing: born-digital files still work."""
    try:
        return TesserocrEngine(config.ocr)
    except OcrUnavailable as exc:
        err.print(f"[yellow]Attention :[/] {exc}")
        return None


# -- commands -------------------------------------------------------------------


@cli.command("import-invoices")
@click.argument("export", type=click.Path(path_type=Path))
@click.pass_context
def import_invoices(ctx: click.Context, export: Path) -> None:
    """Importe ou met à jour les factures depuis l'export du module de facturation (CSV ou XLSX)."""
    config = _config(ctx)
    with _context(config, need_ocr=False) as run:
        done = operations.import_invoices(run, export)
    counts = done.counts
    cancelled = f", dont {counts.cancelled} annulée(s)" if counts.cancelled else ""
    ignored = f" ; {len(done.skipped)} ligne(s) ignorée(s)" if done.skipped else ""
    out.print(
        f"Factures : {counts.new} nouvelle(s), {counts.updated} mise(s) à jour{cancelled}, "
        f"{counts.unchanged} inchangée(s){ignored}."
    )
    for move in done.moves:
        advice = ADVICE.get(Reason(move.reason), "") if move.reason else ""
        where = f"rattaché à {move.after}" if move.after else f"en attente : {advice}"
        before = f"de {move.before}" if move.before else "en attente"
        # markup=False: names come from the share and the export; soft_wrap: one line each.
        out.print(f"  document #{move.document} « {move.file} » ({move.type}), {before} : {where}",
                  markup=False, soft_wrap=True)  # fmt: skip
    for line, reason in done.skipped:
        err.print(f"Ligne {line} ignorée : {reason}", markup=False, soft_wrap=True)
    if done.skipped or any(m.after is None for m in done.moves):
        sys.exit(ExitCode.NEEDS_PERSON)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Traite maintenant les fichiers ou dossiers indiqués (dans le dossier partagé)."""
    config = _config(ctx)
    with _context(config) as run:
        outcomes = operations.ingest(run, paths, progress=out)
    _print_outcomes(outcomes)
    if any(o.reason or _waiting(o.doc) for o in outcomes):
        sys.exit(ExitCode.NEEDS_PERSON)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Un objet JSON par document (par ligne).")
@click.pass_context
def classify(ctx: click.Context, paths: tuple[Path, ...], as_json: bool) -> None:
    """Lit et classe des fichiers sans rien écrire (aucune facture nécessaire)."""
    config = _optional_config(ctx)
    with _ocr_only(config) as run:
        for path in _files(paths):
            for obj in _classify_one(path, run):
                click.echo(json.dumps(obj, ensure_ascii=False) if as_json else _classify_line(obj))


@cli.command("status")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (format du CONTRACT).")
@click.option("--entrepreneur", default=None, help="Seulement cet entrepreneur.")
@click.option("--incomplete", is_flag=True, help="Seulement les dossiers à compléter.")
@click.option("--state", type=click.Choice(["complete", "incomplete", "inconsistent"]),
              default=None, help="Seulement les dossiers dans cet état.")  # fmt: skip
@click.option("--period", default=None, metavar="2026|2026-03|DÉBUT:FIN",
              help="Seulement les formations qui touchent cette période.")  # fmt: skip
@click.option("--check", is_flag=True, help="Code de sortie 1 s'il reste un dossier incomplet.")
@click.pass_context
def status_cmd(
    ctx: click.Context,
    as_json: bool,
    entrepreneur: str | None,
    incomplete: bool,
    state: str | None,
    period: str | None,
    check: bool,
) -> None:
    """Une ligne par facture de formation : pièces reçues, manquantes, incohérences."""
    config = _config(ctx)
    span = status.parse_period(period) if period else None
    with _context(config, need_ocr=False) as run:
        now = datetime.now()
        data = status.report(run.store, config, now.year, entrepreneur, incomplete, state, span,
                             now.date())  # fmt: skip
    data["daemon"] = status.daemon_json(config, datetime.now())
    data["warnings"] = _warnings(config)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        print_status(data)
    if check and any(d["state"] != "complete" for d in data["dossiers"]):
        sys.exit(ExitCode.NEEDS_PERSON)


def _warnings(config: Config) -> list[dict[str, str]]:
    """What the configuration or the share puts at risk: ``{"about", "message"}`` each."""
    found = [{"about": "partage", "message": p["message"]} for p in sharefiles.problems(config)]
    clear = clear_text_warning(config.smtp)
    if clear and (config.digest.recipients or config.digest.reminders):
        found.append({"about": "smtp", "message": clear})
    return found


@cli.command()
@click.option("--out", "target", type=click.Path(path_type=Path), default=Path("dossiers.xlsx"),
              show_default=True, help="Le classeur à écrire.")  # fmt: skip
@click.option("--entrepreneur", default=None, help="Seulement cet entrepreneur.")
@click.pass_context
def export(ctx: click.Context, target: Path, entrepreneur: str | None) -> None:
    """Tous les dossiers dans un classeur XLSX : dossiers, manques, contrôles, en attente."""
    config = _config(ctx)
    with _context(config, need_ocr=False) as run:
        now = datetime.now()
        data = status.report(run.store, config, now.year, entrepreneur, today=now.date())
    written = export_mod.write_xlsx(data, target)
    out.print(f"{len(data['dossiers'])} dossier(s) écrits dans {written}.")


@cli.command("bpf")
@click.argument("year", type=int)
@click.option(
    "--out",
    "folder",
    type=click.Path(path_type=Path),
    default=None,
    help="Dossier où écrire bpf-ANNÉE.json, .xlsx et .docx (défaut : [bpf] folder).",
)
@click.option("--json", "as_json", is_flag=True, help="Affiche le JSON du BPF.")
@click.option("--summaries", is_flag=True,
              help="Écrit aussi le bilan pédagogique pré-rempli de chaque entrepreneur "
              "dans son dossier du partage.")  # fmt: skip
@click.pass_context
def bpf_cmd(
    ctx: click.Context, year: int, folder: Path | None, as_json: bool, summaries: bool
) -> None:
    """Bilan pédagogique et financier d'un exercice : JSON, classeur XLSX et rapport DOCX."""
    from pipeline.bpf import summaries as summaries_mod
    from pipeline.bpf.console import print_bpf

    config = _config(ctx)
    target = folder or config.bpf.folder
    bpf_run.check_output_folder(config, target)
    with _context(config, need_ocr=False) as run:
        now = datetime.now()
        result = bpf_run.compile_bpf(run.store, config, year, now)
        written = bpf_run.write_outputs(result, target)
        if summaries:
            written += summaries_mod.write_all(run.store, config, result, now)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
    else:
        print_bpf(result, written)
    if not result.ok:
        sys.exit(ExitCode.NEEDS_PERSON)


@cli.command()
@click.argument("invoice")
@click.argument("requirement")
@click.option("--reason", required=True, help="Pourquoi (gardé dans l'historique).")
@click.option("--by", "actor", default=None, help="Qui dispense (défaut : l'utilisateur).")
@click.option("--cancel", is_flag=True, help="Lève une dispense accordée auparavant.")
@click.pass_context
def waive(
    ctx: click.Context,
    invoice: str,
    requirement: str,
    reason: str,
    actor: str | None,
    cancel: bool,
) -> None:
    """Dispense un dossier d'une exigence (une pièce ou un contrôle), avec la raison."""
    if requirement not in rules.WAIVABLE:
        raise click.UsageError(
            f"« {requirement} » n'est ni une pièce ni un contrôle ; parmi : "
            + ", ".join(sorted(rules.WAIVABLE))
        )
    config = _config(ctx)
    waiver = Waiver(requirement, _actor(actor), datetime.now().isoformat(), reason.strip())
    with _context(config, need_ocr=False) as run:
        if run.store.invoice(invoice) is None:
            raise click.UsageError(f"facture {invoice} inconnue ; voyez « dossiers status ».")
        done = run.store.waive(waiver, invoice, revoke=cancel)
    if cancel:
        out.print(f"Dispense levée : {invoice} {requirement}." if done
                  else f"Aucune dispense en cours pour {invoice} {requirement}.")  # fmt: skip
    else:
        out.print(f"{invoice} dispensé de « {requirement} » : {reason.strip()}.")


@cli.command()
@click.argument("invoice")
@click.pass_context
def show(ctx: click.Context, invoice: str) -> None:
    """Un dossier en entier : la facture, ses documents, l'émargement, ce qui manque."""
    config = _config(ctx)
    with _context(config, need_ocr=False) as run:
        dossier = status.dossier(run.store, config, invoice, datetime.now().date())
        if dossier is None:
            raise click.UsageError(f"facture {invoice} inconnue ; voyez « dossiers status ».")
        history = review.history(run.store, [d.id for d in dossier.documents])
    print_dossier(status.dossier_json(dossier), dossier, history)


@cli.command("review")
@click.option("--entrepreneur", default=None, help="Seulement cet entrepreneur.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
@click.pass_context
def review_cmd(ctx: click.Context, entrepreneur: str | None, as_json: bool) -> None:
    """Cases d'émargement, signatures et réponses d'évaluation lues sans assurance, à
    trancher par une personne."""
    config = _config(ctx)
    with _context(config, need_ocr=False) as run:
        items = review.pending(run.store, entrepreneur)
    if as_json:
        click.echo(json.dumps([{k: v for k, v in i.items() if k != "entry"} for i in items],
                              ensure_ascii=False, indent=1))  # fmt: skip
    else:
        print_review(items)


@cli.command()
@click.argument("document", type=int)
@click.option(
    "--cell",
    "cells",
    nargs=4,
    multiple=True,
    metavar="STAGIAIRE DATE DEMI-JOURNÉE signe|vide|absent",
    help='Une case d\'émargement, ex. --cell "Léa Martin" 2026-03-10 matin signe.',
)
@click.option(
    "--trainer",
    "trainer",
    nargs=3,
    multiple=True,
    metavar="DATE DEMI-JOURNÉE signe|vide",
    help="La signature du formateur.",
)
@click.option(
    "--signature",
    "signatures",
    nargs=2,
    multiple=True,
    metavar="PARTIE oui|non",
    help="Une partie : organisme, client, formateur ou stagiaire.",
)
@click.option(
    "--answer",
    "answers",
    multiple=True,
    nargs=2,
    metavar="N NOTE|vide",
    help="La réponse à la question N d'une évaluation (1 pour la première).",
)
@click.option("--reason", required=True, help="Pourquoi (gardé dans l'historique).")
@click.option("--by", "actor", default=None, help="Qui corrige (défaut : l'utilisateur).")
@click.pass_context
def correct(
    ctx: click.Context,
    document: int,
    cells: tuple[tuple[str, str, str, str], ...],
    trainer: tuple[tuple[str, str, str], ...],
    signatures: tuple[tuple[str, str], ...],
    answers: tuple[tuple[str, str], ...],
    reason: str,
    actor: str | None,
) -> None:
    """Corrige ce qui a été lu sur un document ; la correction est gardée et prime."""
    changes = [("cellule", *corrections.cell(*c)) for c in cells]
    changes += [("formateur", *corrections.trainer(*t)) for t in trainer]
    changes += [("signature", *corrections.signature(*s)) for s in signatures]
    changes += [("reponse", *corrections.answer(*a)) for a in answers]
    if not changes:
        raise click.UsageError(
            "rien à corriger : donnez --cell, --trainer, --signature ou --answer."
        )
    config = _config(ctx)
    who = _actor(actor)
    with _context(config, need_ocr=False) as run:
        count = review.correct(
            run.store, document, changes, actor=who, reason=reason, now=datetime.now()
        )
        doc = run.store.document(document)
    where = doc.invoice if doc and doc.invoice else "non rattaché"
    out.print(f"{count} correction(s) enregistrée(s) sur le document #{document} ({where}).")


@cli.command()
@click.argument("document", type=int)
@click.argument("invoice")
@click.option("--reason", default="", help="Pourquoi (gardé dans l'historique).")
@click.option("--by", "actor", default=None, help="Qui rattache (défaut : l'utilisateur).")
@click.pass_context
def attach(ctx: click.Context, document: int, invoice: str, reason: str, actor: str | None) -> None:
    """Rattache un document à une facture de son entrepreneur ; la décision est gardée."""
    config = _config(ctx)
    with _context(config, need_ocr=False) as run:
        doc = filing.attach(run.store, config.paths.archive, document, invoice,
                            actor=_actor(actor), reason=reason, now=datetime.now())  # fmt: skip
    was = f" (était : {doc.invoice})" if doc.invoice else ""
    out.print(f"Document #{document} rattaché à {invoice}{was}.")


@cli.command()
@click.argument("document", type=int)
@click.option("--reason", default="", help="Pourquoi (gardé dans l'historique).")
@click.option("--by", "actor", default=None, help="Qui détache (défaut : l'utilisateur).")
@click.pass_context
def detach(ctx: click.Context, document: int, reason: str, actor: str | None) -> None:
    """Détache un document de sa facture : il attend qu'une personne le range."""
    config = _config(ctx)
    with _context(config, need_ocr=False) as run:
        doc = filing.detach(run.store, config.paths.archive, document, actor=_actor(actor),
                            reason=reason, now=datetime.now())  # fmt: skip
    out.print(f"Document #{document} détaché de {doc.invoice} ; il attend d'être rangé.")


@cli.command("digest")
@click.option("--date", "day", default=None, metavar="AAAA-MM-JJ",
              help="Le jour du résumé (défaut : aujourd'hui).")  # fmt: skip
@click.option("--send", is_flag=True, help="L'envoie par courriel ([smtp], [digest] recipients).")
@click.option("--out", "folder", type=click.Path(path_type=Path), default=None,
              help="Écrit le .eml et le .html dans ce dossier, sans envoyer.")  # fmt: skip
@click.option("--force", is_flag=True, help="Avec --send : l'envoie même s'il est déjà parti.")
@click.pass_context
def digest_cmd(
    ctx: click.Context, day: str | None, send: bool, folder: Path | None, force: bool
) -> None:
    """Le résumé du matin : l'écrit (--out), l'envoie (--send) ou l'affiche en texte."""
    config = _config(ctx)
    now = datetime.now()
    try:
        when = date.fromisoformat(day) if day else now.date()
    except ValueError:
        raise click.UsageError(f"date « {day} » : écrivez-la AAAA-MM-JJ, ex. 2026-11-23.") from None
    moment = now if when == now.date() else datetime.combine(when, config.digest.time)
    with _context(config, need_ocr=False) as run:
        built = digest_mod.build(run.store, config, when, moment)
        if folder is not None:
            for path in digest_mail.write_files(built, config, folder):
                out.print(f"Écrit : {path}")
        elif not send:
            click.echo(digest_mail.render(built, "txt"), nl=False)
        if send:
            _send_digest(run.store, config, when, moment, force)


def _send_digest(store: Store, config: Config, day: date, moment: datetime, force: bool) -> None:
    mailer = SmtpMailer(config.smtp)
    sent = digest_send.send_digest(store, config, mailer, day, moment, force=force)
    if sent is None:
        done = digest_send.sent_for(store, day) or store.last_event(digest_mod.SENT)
        when = str(done["at"])[:16].replace("T", " à ") if done else "?"
        out.print(f"Le résumé du {day:%d/%m/%Y} est déjà parti ({when}) : rien n'est renvoyé "
                  "(--force pour le renvoyer).")  # fmt: skip
    else:
        event = digest_send.sent_for(store, day) or {}
        to = ", ".join((event.get("detail") or {}).get("recipients") or [])
        out.print(f"Résumé du {day:%d/%m/%Y} envoyé à {to}.")
    if config.digest.reminders:
        count = digest_send.send_reminders(
            store, config, mailer, sent or digest_mod.build(store, config, day, moment), moment
        )
        out.print(f"{count} rappel(s) envoyé(s) aux entrepreneurs.")


@cli.command()
@click.argument("documents", nargs=-1, type=int)
@click.option("--file", "files", multiple=True, type=int,
              help="Numéro d'un fichier (par exemple écarté, voir « status --json »).")  # fmt: skip
@click.option("--entrepreneur", default=None, help="Tous les fichiers de cet entrepreneur.")
@click.option("--all", "everything", is_flag=True, help="Tous les fichiers classés.")
@click.option("--set-aside", is_flag=True,
              help="Avec --entrepreneur ou --all : aussi les fichiers écartés qu'une relecture "
              "peut changer (illisibles, trop volumineux, entrepreneur inconnu, erreur "
              "interne).")  # fmt: skip
@click.option("--reason", default="", help="Pourquoi (gardé dans l'historique).")
@click.option("--by", "actor", default=None, help="Qui relance (défaut : l'utilisateur).")
@click.pass_context
def rerun(
    ctx: click.Context, documents: tuple[int, ...], files: tuple[int, ...],
    entrepreneur: str | None, everything: bool, set_aside: bool, reason: str,
    actor: str | None,
) -> None:  # fmt: skip
    """Relit des fichiers depuis leur original archivé (après une mise à jour, une correction).

    Les décisions des personnes (rattachements, corrections de cases et de signatures)
    sont gardées ; un document retrouvé sur la même page garde son numéro.
    """
    from pipeline import rerun as rerun_mod

    if not (documents or files or entrepreneur or everything):
        raise click.UsageError(
            "indiquez des numéros de documents, --file, --entrepreneur ou --all."
        )
    config = _config(ctx)
    with _context(config) as run:
        try:
            chosen = rerun_mod.select(
                run, documents=documents, files=files, entrepreneur=entrepreneur,
                everything=everything, set_aside=set_aside,
            )  # fmt: skip
        except KeyError as exc:
            raise click.UsageError(
                f"{exc.args[0]} inconnu ; voyez « dossiers status --json »."
            ) from None
        results = []
        with Progress(console=out, transient=True) as bar:
            task = bar.add_task("Relecture", total=len(chosen))
            for f in chosen:
                bar.update(task, description=f"{Path(f.rel).name[:40]:<40}")
                results.append(rerun_mod.rerun(run, f, _actor(actor), reason.strip()))
                bar.advance(task)
    for r in results:
        if r.failed:
            err.print(f"#{r.file_id} {r.rel} : non relu ({r.failed}).")
        elif r.changed:
            out.print(f"#{r.file_id} {r.rel} :")
            out.print(f"    avant : {'; '.join(r.before) or 'aucun document'}")
            out.print(f"    après : {'; '.join(r.after) or 'aucun document'}")
    changed = sum(r.changed for r in results)
    failed = sum(bool(r.failed) for r in results)
    out.print(
        f"{len(results)} fichier(s) relu(s) : {changed} changé(s), "
        f"{len(results) - changed - failed} inchangé(s), {failed} non relu(s)."
    )
    if failed:
        sys.exit(ExitCode.NEEDS_PERSON)


def _actor(given: str | None) -> str:
    return given or os.environ.get("USER") or "inconnu"


@cli.command()
@click.option("--once", is_flag=True, help="Un seul passage complet du partage, puis s'arrête.")
@click.pass_context
def watch(ctx: click.Context, once: bool) -> None:
    """Surveille le dossier partagé et range ce qui y est déposé (le démon)."""
    from watchers.daemon import Daemon, heartbeat_path

    config = _config(ctx)
    if ctx.obj["log_level"] == "WARNING" and not ctx.obj["debug"]:
        logging.getLogger().setLevel(logging.INFO)  # a daemon says what it does by default
    logging.captureWarnings(True)  # a library's warning goes to the log, not the terminal
    daemon = Daemon(config)
    daemon.install_signal_handlers()
    if once:
        counters = daemon.run_once()
        out.print(
            f"Passage terminé : {counters.processed} classé(s), {counters.set_aside} "
            f"écarté(s), {counters.faults} à reprendre."
        )
        if daemon.episodes:  # files wait for the environment: a dependency is missing
            for episode in daemon.episodes.values():
                err.print(f"Panne ({episode.kind}) : {episode.message}", markup=False)
            sys.exit(ExitCode.DEPENDENCY)
        if counters.set_aside or counters.faults:
            sys.exit(ExitCode.NEEDS_PERSON)
        return
    log.info("surveillance de %s (état : %s)", config.paths.drop, heartbeat_path(config))
    daemon.run()


@cli.command()
@click.option(
    "--workspace",
    type=click.Path(path_type=Path),
    default=Path("demo"),
    show_default=True,
    help="Dossier de démonstration (recréé à chaque fois).",
)
@click.pass_context
def demo(ctx: click.Context, workspace: Path) -> None:
    """Crée un espace de démonstration depuis samples/ et y fait tourner toute la chaîne."""
    result = demo_mod.run_demo(workspace, ctx.obj["config_path"], progress=out)
    print_status(result.status)
    out.print()
    out.print(f"[bold]Espace de démonstration[/] : {result.workspace}")
    for label, path in result.places.items():
        out.print(f"  {label:<24} {path}")
    out.print(f"\nPour continuer : {_command()} --config {result.workspace / 'config.toml'} status")


# -- helpers ----------------------------------------------------------------------


def _command() -> str:
    """How to call this program again, as the person just did (e.g. ``.venv/bin/dossiers``)."""
    called = Path(sys.argv[0])
    if called.name != "dossiers":
        return "dossiers"
    try:
        return str(called.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(called)


def _optional_config(ctx: click.Context) -> Config:
    path = ctx.obj["config_path"]
    if not path.exists():
        return read_only_config()
    return load_config(path, check_folders=False, with_people=False)


@contextmanager
def _ocr_only(config: Config) -> Iterator[runner.Context]:
    """A context for read-only commands: OCR, no database."""
    engine = _ocr_engine(config)
    try:
        yield runner.Context(config=config, store=None, ocr=engine)  # type: ignore[arg-type]
    finally:
        if engine is not None:
            engine.close()


def _files(paths: tuple[Path, ...]) -> Iterator[Path]:
    """Files named, and files under folders named, less what sync tools leave behind."""
    for path in paths:
        if path.is_dir():
            found = runner.candidates([path])
            yield from (p for p in found if p.is_file() and not is_conflict_copy(p))
        else:
            yield path


def _classify_one(path: Path, run: runner.Context) -> list[dict[str, Any]]:
    doc = Doc(source=Source(path=path.absolute(), rel=str(path)))
    try:
        doc = runner.read(doc, run)
    except EnvironmentFault:
        raise
    except DossiersError as exc:
        return [
            {
                "file": str(path),
                "type": None,
                "confidence": 0.0,
                "pages": 0,
                "ocr": False,
                "fields": {},
                "error": getattr(exc, "reason", "erreur"),
                "message": str(exc),
            }
        ]
    single = len(doc.parts) == 1
    return [
        {
            "file": str(path),
            "type": str(p.type),
            "confidence": round(p.confidence, 3),
            "pages": len(doc.pages) if single else [p.first, p.last],
            "ocr": doc.ocr,
            "fields": p.fields,
        }
        for p in doc.parts
    ]


def _classify_line(obj: dict[str, Any]) -> str:
    kind = obj["type"] or f"écarté ({obj.get('error')})"
    return f"{obj['file']}\t{kind}\t{obj['confidence']:.2f}"


def _waiting(doc: Doc) -> bool:
    return any(p.match is not None and p.match.reason for p in doc.parts)


def _print_outcomes(outcomes: list[runner.Outcome]) -> None:
    for o in outcomes:
        if o.skipped:
            continue
        if o.reason:
            out.print(f"[red]écarté[/]   {o.rel} — {o.reason} : {o.detail}")
            continue
        for p in o.doc.parts:
            m = p.match
            where = (
                (m.invoice or ("entrepreneur" if m and not m.reason else m.reason)) if m else "?"
            )
            out.print(f"[green]classé[/]   {o.rel} p{p.first}-{p.last} {PIECES[p.type]} → {where}")


def main() -> None:
    """Console entry point: the one place where errors become messages and exit codes."""
    # What the service writes (the database with every document's text, the archive, the
    # exports and the BPF) is its user's alone; files written into the share take the
    # rights of the folder they go to (pipeline.sharefiles), not these.
    os.umask(0o077)
    debug = "--debug" in sys.argv
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitCode.USAGE)
    except DossiersError as exc:
        if debug:
            raise
        code = getattr(exc, "exit_code", ExitCode.USAGE)
        click.echo(f"Erreur : {exc}", err=True)  # one line, never wrapped
        sys.exit(int(code))
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug: one sentence for people, the traceback behind --debug
        if debug:
            raise
        fault = _environment_fault(exc)
        if fault is not None:  # a locked or full database: the environment, not a bug
            click.echo(f"Erreur : {fault}", err=True)
            sys.exit(int(fault.exit_code))
        log.debug("erreur inattendue", exc_info=True)
        click.echo(
            f"Erreur inattendue ({type(exc).__name__} : {exc}) ; relancez avec --debug pour "
            "le détail et signalez-la à l'équipe technique.",
            err=True,
        )
        sys.exit(ExitCode.NEEDS_PERSON)


def _environment_fault(exc: Exception) -> EnvironmentFault | None:
    """The fault of the environment behind an SQLite error escaping a command, if any."""
    if not isinstance(exc, sqlite3.Error):
        return None
    return environment_fault(exc, _DATABASE.get("path", "de dossiers"))
