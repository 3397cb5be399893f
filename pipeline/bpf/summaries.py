"""Each entrepreneur's yearly pedagogical summary, pre-filled, in their folder of the share.

From the year's facts (their own invoices and documents), docxtpl renders
``templates/bilan-entrepreneur.docx`` into::

    <drop>/<ES folder>/_dossiers/Bilan pédagogique 2026 - brouillon.docx

``_dossiers`` is the system's folder (``watchers.ignore.SYSTEM_FOLDERS``): the watcher never
reads it back, so the draft is not taken for a dropped document. The entrepreneur checks
it, completes it, signs it and drops it into their folder: it then arrives like any other
document and counts as their summary.

Never does this touch what the entrepreneur wrote: each draft written is recorded (its
hash and the hash of its content) in the event log; a draft whose bytes are no longer the
ones written (the entrepreneur edited it in place) is left alone, and so is one they
deleted, unless its figures changed since. A draft is only rewritten when its figures
change, so sync clients do not upload it every day. Nothing is written once the year's
summary has been received, nor for an entrepreneur without training that year.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docxtpl import DocxTemplate

from pipeline import archive
from pipeline.bpf.facts import SHEETS, Facts
from pipeline.bpf.report import french_date, number, percent
from pipeline.bpf.templates import SUMMARY, TEMPLATES
from pipeline.config import Config, Person
from pipeline.rules import summary_received
from pipeline.sharefiles import FOLDER, make_folder
from pipeline.store import Store

if TYPE_CHECKING:
    from pipeline.bpf.run import Bpf

log = logging.getLogger(__name__)

EVENT = "bilan-brouillon"


def file_name(year: int) -> str:
    return f"Bilan pédagogique {year} - brouillon.docx"


def write_all(store: Store, config: Config, bpf: Bpf, now: datetime) -> list[Path]:
    """Write or refresh every entrepreneur's draft; the paths written or already up to date."""
    written = []
    for person in config.people:
        try:
            path = write_summary(store, config, bpf, person, now)
        except OSError:
            log.warning("bilan pédagogique de %s non écrit", person.name, exc_info=True)
            continue
        if path is not None:
            written.append(path)
    return written


def write_summary(
    store: Store, config: Config, bpf: Bpf, person: Person, now: datetime
) -> Path | None:
    """One entrepreneur's draft, when it is owed and theirs to receive; else None."""
    own = [f for f in bpf.facts if f.role and f.invoice.entrepreneur == person.name]
    folder = _folder(config, person)
    if not own or folder is None:
        return None
    documents = store.documents(entrepreneur=person.name)
    if summary_received([d for d in documents if d.invoice is None], bpf.year):
        return None  # returned: nothing more to draft
    target = folder / file_name(bpf.year)
    data = context(bpf, person, own)
    content = _digest(json.dumps(data, ensure_ascii=False, sort_keys=True).encode())
    last = store.last_event(EVENT, entrepreneur=person.name, year=str(bpf.year))
    decision = _decision(target, content, last["detail"] if last else None)
    if decision != "write":
        return target if decision == "current" else None
    rendered = render(data | {"generated": french_date(now.date())})
    make_folder(folder)
    archive.replace_atomic(target, rendered, mode=folder.stat().st_mode & 0o666)
    with store.transaction() as db:
        store.log(db, now, EVENT, entrepreneur=person.name, year=str(bpf.year),
                  sha256=_digest(rendered), content=content,
                  file=f"{person.folder}/{FOLDER}/{target.name}")  # fmt: skip
    log.info("bilan pédagogique %s de %s écrit : %s", bpf.year, person.name, target)
    return target


def _decision(target: Path, content: str, last: dict[str, Any] | None) -> str:
    """``write``; ``current`` (already these figures); ``keep`` (never over what the
    entrepreneur changed or deleted)."""
    if not target.exists():
        # Never written, or deleted by the entrepreneur: again only if the figures changed.
        return "write" if last is None or last.get("content") != content else "keep"
    if last is None or _digest(target.read_bytes()) != last.get("sha256"):
        log.info("%s a été modifié par l'entrepreneur : il n'est pas remplacé", target)
        return "keep"
    return "write" if last.get("content") != content else "current"


def _folder(config: Config, person: Person) -> Path | None:
    """``<drop>/<ES folder>/_dossiers``, or None when the ES folder is missing or unsafe."""
    es_folder = config.paths.drop / person.folder
    if es_folder.is_symlink() or not es_folder.is_dir():
        return None
    folder = es_folder / FOLDER
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        return None
    return folder


def context(bpf: Bpf, person: Person, own: list[Facts]) -> dict[str, Any]:
    """What the summary template reads (without the date it was written)."""
    trainees = sum(f.trainees for f in own)
    return {
        "name": person.name,
        "year": bpf.year,
        "period": bpf.period.label,
        "coop": {"name": bpf.cooperative.name, "nda": bpf.cooperative.nda},
        "trainings": [_training(f) for f in own],
        "totals": (
            f"Total : {len(own)} formation(s), {trainees} stagiaire(s), "
            f"{number(sum(f.hours for f in own))} heures-stagiaires, "
            f"{number(sum(f.trainer_hours for f in own if f.subcontracting != 'confiee'))} "
            "heures de formation dispensées par vous sur l'exercice."
        ),
        "results": _results(own, bpf.indicators.threshold),
        "missing": [f"{f.number} : {', '.join(f.missing)}" for f in own if f.missing]
        or ["Aucune : les dossiers de vos formations de l'année sont complets."],
    }


def render(data: dict[str, Any]) -> bytes:
    template = DocxTemplate(TEMPLATES / SUMMARY)
    template.render(data, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def _training(f: Facts) -> dict[str, Any]:
    inv = f.invoice
    title = inv.title or "(sans intitulé)"
    if f.subcontracting == "confiee":
        title += " (confiée à un autre organisme)"
    elif f.role == "G":
        title += " (en sous-traitance)"
    return {
        "number": inv.number,
        "title": title,
        "client": inv.client,
        "dates": dates_words(inv.start or inv.date, inv.end or inv.start or inv.date),
        "trainees": f.trainees,
        "hours": number(f.hours),
    }


def _results(own: list[Facts], threshold: float) -> list[str]:
    scores = [s for f in own for s in f.satisfaction]
    assiduity = [a for f in own if f.source == SHEETS for a in f.assiduity]
    sheets = sum(1 for f in own if f.source == SHEETS)
    out = [
        f"Satisfaction des stagiaires : {percent(sum(scores) / len(scores))} en moyenne "
        f"({len(scores)} bilan(s) à chaud)." if scores
        else "Satisfaction des stagiaires : aucun bilan à chaud noté n'a été reçu.",
    ]  # fmt: skip
    if assiduity:
        done = sum(1 for a in assiduity if a >= threshold)
        out.append(
            f"Assiduité : {done} stagiaire(s) sur {len(assiduity)} présent(s) au moins "
            f"{percent(threshold)} des heures prévues."
        )
    out.append(
        f"Heures-stagiaires d'après les feuilles d'émargement pour {sheets} formation(s) "
        f"sur {len(own)}, d'après la facture pour les autres."
    )
    return out


def dates_words(start: date, end: date) -> str:
    """« 9-10/03/2026 », « 11/12/2025-08/01/2026 », « 24/03/2026 » (short, for a table)."""
    if start == end:
        return f"{start:%d/%m/%Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%d}-{end:%d/%m/%Y}"
    return f"{start:%d/%m/%Y}-{end:%d/%m/%Y}"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
