"""What one training invoice brings to one financial year's BPF.

Reads an invoice record and its evaluated dossier (:func:`pipeline.rules.evaluate`: the
documents, the combined attendance grid, the state); sets nothing; raises nothing.

- **Income** (cadre C) belongs to the year of the invoice date, on the line its BPF code
  names.
- **Trainees and trainee-hours** belong to the year the hours were delivered. They come
  from the attendance sheets when the sheets *settle* the training: every half-day
  covered, every cell read, signed or marked absent (a box left empty may be a forgotten
  signature), every name known, and the sheets not disputed by the invoice (no
  ``trainee_hours_mismatch`` check waiting for a person). Each signed half-day then counts
  in the year of its date. Otherwise the hours come from the invoice (``Heures
  stagiaires``, else duration × trainees), shared between years in proportion to the
  training's working days when it spans the year's boundary. :attr:`Facts.source` says
  which.
- A trainee counts once in each year in which their training had half-days; absences
  reduce hours, never the count (DOMAIN).
- ``Sous-traitance = reçue`` or code C10: the cooperative worked for another training
  organisation, the trainees go to G only. ``confiée``: the training was given to another
  organisation (F-2), its trainer is an outside person (E-2), named where the dossier's
  documents print one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pipeline.bpf import codes
from pipeline.bpf.period import Period, weekdays
from pipeline.display import PIECES
from pipeline.invoices import Invoice
from pipeline.parse import fold, same_person
from pipeline.presence import Attendance, TraineeLine
from pipeline.record import DocType
from pipeline.rules import Dossier

SAME_PERSON = 0.85
#: Where a figure's trainee-hours come from (values of :attr:`Facts.source`).
SHEETS, INVOICE, NONE = "feuilles", "facture", "aucune"
HALF_DAYS, PRORATA = "facture-demi-journees", "facture-prorata"  # across a year's boundary
FROM_INVOICE = (INVOICE, HALF_DAYS, PRORATA)
SOURCE_LABELS = {
    SHEETS: "feuilles d'émargement",
    INVOICE: "facture",
    HALF_DAYS: "facture, répartie selon les dates des demi-journées des feuilles",
    PRORATA: "facture, répartie au prorata des jours ouvrés",
    NONE: "aucune (heures inconnues)",
}
TRAINER_DOCUMENTS = (DocType.CONVENTION, DocType.CONTRAT, DocType.BON_COMMANDE,
                     DocType.EMARGEMENT, DocType.ATTESTATION)  # fmt: skip


@dataclass(frozen=True)
class Group:
    """Trainees of one F-1 type on one invoice, within the year (``line`` None: unknown)."""

    line: str | None
    trainees: int
    hours: float


@dataclass(frozen=True)
class Facts:
    """One training invoice seen from one financial year."""

    invoice: Invoice
    c_line: str | None  # cadre C line of its code; None when missing or unknown
    income: bool  # its date falls in the year: its amount counts in cadre C
    role: str  # "F" (F-1 to F-4), "G" (trained for another organisation), "" (no trainees)
    trained: bool = False  # the training had days within the year
    groups: tuple[Group, ...] = ()
    objective: str | None = None  # F-3 line
    nsf: str | None = None
    subcontracting: str = "non"  # non | recue | confiee
    distance: bool = False
    trainer_hours: float = 0.0  # hours the trainer delivered within the year
    outside_trainers: tuple[str, ...] = ()  # confiée: trainers named on its documents
    source: str = NONE
    source_note: str = ""  # why the sheets did not settle the hours (French)
    documents: tuple[tuple[int, str, str], ...] = ()  # (id, type, file as dropped)
    sheets: tuple[int, ...] = ()  # the attendance sheets the hours come from
    state: str = "incomplete"
    check_codes: tuple[str, ...] = ()  # the dossier's failed checks
    hours_message: str = ""  # the dossier's trainee_hours_mismatch message, if any
    missing: tuple[str, ...] = ()  # the dossier's required pieces still missing (French)
    satisfaction: tuple[float, ...] = ()  # hot evaluations' scores, 0..1
    assiduity: tuple[float, ...] = field(default=())  # per trainee, settled sheets only
    crosses_year: bool = False  # the training has days on both sides of a year boundary

    @property
    def number(self) -> str:
        return self.invoice.number

    @property
    def trainees(self) -> int:
        return sum(g.trainees for g in self.groups)

    @property
    def hours(self) -> float:
        return sum(g.hours for g in self.groups)

    @property
    def amount(self) -> float:
        """The HT amount this invoice brings to cadre C of the year (0 outside it)."""
        return float(self.invoice.amount_ht or 0.0) if self.income else 0.0


def subcontracting(inv: Invoice) -> str:
    """``non``, ``recue`` or ``confiee``, however the export spelt it."""
    word = fold(inv.subcontracting).strip()
    if word.startswith("recu"):
        return "recue"
    if word.startswith("confi"):
        return "confiee"
    return "non"


def received(inv: Invoice) -> bool:
    """The cooperative trained for another organisation: C10 and G (CONTRACT)."""
    return codes.parse_c_line(inv.bpf_code) == "10" or subcontracting(inv) == "recue"


def concerns(inv: Invoice, period: Period) -> bool:
    """Whether an invoice may count in the year: dated in it, or trained during it."""
    if inv.date in period:
        return True
    start, end = _span(inv)
    return period.overlaps(start, end)


def invoice_facts(dossier: Dossier, period: Period) -> Facts:
    """The invoice of ``dossier`` seen from ``period``."""
    inv, att = dossier.invoice, dossier.attendance
    settled, note = settles(inv, att)
    if settled and any(c.code == "trainee_hours_mismatch" for c in dossier.checks):
        # The sheets and the invoice disagree: the invoice's figure stands until a person
        # settles the dossier (corrects the invoice, or waives the check for the sheets).
        settled, note = False, DISPUTED
    year = _sheet_year(inv, att, period) if settled and att else _invoice_year(inv, att, period)
    count = trainee_count(inv, att)
    in_year = year.in_year and bool(count or year.hours)
    groups = _groups(inv, count, year.hours, year.per_trainee) if in_year else ()
    role = ("G" if received(inv) else "F") if groups else ""
    start, end = _span(inv, att)
    return Facts(
        invoice=inv,
        c_line=codes.parse_c_line(inv.bpf_code),
        income=inv.date in period,
        role=role,
        trained=year.in_year,
        groups=groups,
        objective=codes.parse_objective(inv.objective),
        nsf=codes.parse_nsf(inv.nsf),
        subcontracting=subcontracting(inv),
        distance=fold(inv.distance).strip() in ("partiel", "total", "oui"),
        trainer_hours=round(year.trainer_hours, 4) if role else 0.0,
        outside_trainers=_outside_trainers(dossier) if subcontracting(inv) == "confiee" else (),
        source=year.source if role else NONE,
        source_note="" if settled else note,
        documents=tuple((d.id, str(d.type), d.rel) for d in dossier.documents),
        sheets=att.documents if settled and att is not None else (),
        state=dossier.state,
        check_codes=tuple(c.code for c in dossier.checks),
        hours_message=next(
            (c.message for c in dossier.checks if c.code == "trainee_hours_mismatch"), ""
        ),
        missing=tuple(_missing_words(dossier)),
        satisfaction=tuple(_satisfaction(dossier)),
        assiduity=tuple(_assiduity(att)) if settled and att is not None else (),
        crosses_year=period.overlaps(start, end) and not (start in period and end in period),
    )


DISPUTED = "feuilles et facture en désaccord sur les heures-stagiaires, à trancher"


def settles(inv: Invoice, att: Attendance | None) -> tuple[bool, str]:
    """Whether the sheets settle the trainee-hours; if not, why (French, for the trace)."""
    if att is None:
        return False, "aucune feuille d'émargement lue case par case"
    reasons = [
        (bool(att.unread), "feuille(s) illisible(s) case par case"),
        (not att.slots, "aucune demi-journée lue sur les feuilles"),
        (att.uncovered > 0, f"{att.uncovered} demi-journée(s) sans feuille"),
        (bool(att.doubtful()), "case(s) à vérifier"),
        (bool(att.unsigned()), "signature(s) manquante(s)"),
        (bool(inv.trainees) and bool(att.unknown()), "nom(s) absent(s) de la facture"),
    ]
    found = [why for bad, why in reasons if bad]
    return (not found, "feuilles incomplètes : " + ", ".join(found) if found else "")


def invoiced_trainee_hours(inv: Invoice) -> float | None:
    """The invoice's trainee-hours: as stated, else duration × trainees, else unknown."""
    if inv.trainee_hours is not None:
        return inv.trainee_hours
    if inv.hours and (inv.trainee_count or inv.trainees):
        return inv.hours * (inv.trainee_count or len(inv.trainees))
    return None


def trainee_count(inv: Invoice, att: Attendance | None) -> int:
    """Trainees of the invoice: as stated, else its names, else the names on its sheets."""
    if inv.trainee_count:
        return inv.trainee_count
    if inv.trainees:
        return len(inv.trainees)
    return sum(1 for t in att.trainees if t.marks) if att is not None else 0


def _span(inv: Invoice, att: Attendance | None = None) -> tuple[date, date]:
    """The training's first and last days: its sheets', else the invoice's, else its date."""
    if att is not None and att.slots:
        return att.slots[0][0], att.slots[-1][0]
    start = inv.start or inv.end or inv.date
    return start, max(inv.end or start, start)


def _share(inv: Invoice, period: Period) -> float:
    """The part of the training within ``period``, by working days when it spans a boundary."""
    start, end = _span(inv)
    if not period.overlaps(start, end):
        return 0.0
    if period.first <= start and end <= period.last:
        return 1.0
    inside = weekdays(max(start, period.first), min(end, period.last))
    total = weekdays(start, end)
    if total == 0:  # a weekend-only training: calendar days
        inside = (min(end, period.last) - max(start, period.first)).days + 1
        total = (end - start).days + 1
    return inside / total


@dataclass(frozen=True)
class _Year:
    """What the year gets of one training, and from where."""

    in_year: bool  # the training had days within the year
    hours: float  # trainee-hours within the year
    per_trainee: dict[str, float] | None  # by the invoice's names (sheets only)
    trainer_hours: float
    source: str


def _sheet_year(inv: Invoice, att: Attendance, period: Period) -> _Year:
    """From the sheets: each signed half-day in the year of its date."""
    named = bool(inv.trainees)
    per_trainee = {
        t.name: _hours_in(t, att, period) for t in att.trainees if t.on_invoice or not named
    }
    trainer = sum(att.half_day_hours[half] for day, half in att.slots if day in period)
    in_year = any(day in period for day, _ in att.slots)
    return _Year(in_year, sum(per_trainee.values()), per_trainee, trainer, SHEETS)


def _invoice_year(inv: Invoice, att: Attendance | None, period: Period) -> _Year:
    """From the invoice: its share of the training's half-days within the year when the
    sheets date every half-day (though they do not settle the hours), else of its working
    days."""
    invoiced = invoiced_trainee_hours(inv)
    if att is not None and att.slots and not att.uncovered and not att.unread:
        inside = [(day, half) for day, half in att.slots if day in period]
        share = len(inside) / len(att.slots)
        trainer = sum(att.half_day_hours[half] for _, half in inside)
        split = HALF_DAYS
    else:
        share = _share(inv, period)
        trainer = (inv.hours or 0.0) * share
        split = PRORATA
    source = NONE if invoiced is None else split if 0 < share < 1 else INVOICE
    return _Year(share > 0, (invoiced or 0.0) * share, None, trainer, source)


def _hours_in(line: TraineeLine, att: Attendance, period: Period) -> float:
    return sum(
        att.half_day_hours[half]
        for (day, half), mark in line.marks.items()
        if mark.mark == "signed" and day in period
    )


def _groups(
    inv: Invoice, count: int, hours: float, per_trainee: dict[str, float] | None
) -> tuple[Group, ...]:
    """Trainees and hours split by F-1 type: one status for all, or one per name."""
    lines = [codes.parse_status(s) for s in inv.statuses]
    if len(set(lines)) == 1 and None not in lines:
        return (Group(lines[0], count, hours),)
    if not lines or len(lines) != count:
        return (Group(None, count, hours),)  # unknown, or not one per trainee
    names = list(inv.trainees)
    if per_trainee is not None and len(names) == count:
        shares = [per_trainee.get(name, 0.0) for name in names]
    else:
        shares = [hours / count] * count
    found: dict[str | None, tuple[int, float]] = {}
    for line, share in zip(lines, shares, strict=True):
        n, h = found.get(line, (0, 0.0))
        found[line] = (n + 1, h + share)
    return tuple(Group(line, n, h) for line, (n, h) in found.items())


_PARENTHESIS = re.compile(r"\s*\(.*?\)\s*")


def _outside_trainers(dossier: Dossier) -> tuple[str, ...]:
    """Trainers its documents name other than the entrepreneur (training given away)."""
    names: list[str] = []
    for doc in dossier.documents:
        if doc.type not in TRAINER_DOCUMENTS:
            continue
        name = _PARENTHESIS.sub(" ", str(doc.fields.get("trainer") or "")).strip()
        if not name or same_person(name, dossier.invoice.entrepreneur) >= SAME_PERSON:
            continue
        if not any(same_person(name, n) >= SAME_PERSON for n in names):
            names.append(name)
    return tuple(names)


def _missing_words(dossier: Dossier) -> list[str]:
    out = []
    for m in dossier.missing:
        if m.level != "requis":
            continue
        word = PIECES.get(m.piece, m.piece)
        out.append(f"{word} ({m.count})" if m.count > 1 else word)
    return list(dict.fromkeys(out))


def _satisfaction(dossier: Dossier) -> list[float]:
    scores = []
    for doc in dossier.documents:
        if doc.type == DocType.EVALUATION_CHAUD:
            score = satisfaction_score(doc.fields.get("satisfaction"))
            if score is not None:
                scores.append(score)
    return scores


def satisfaction_score(value: Any) -> float | None:
    """A hot evaluation's overall score, 0..1: an object ``{"score": …}`` or a number."""
    if isinstance(value, dict):
        value = value.get("score")
    if isinstance(value, int | float) and 0 <= value <= 1:
        return float(value)
    return None


def _assiduity(att: Attendance) -> list[float]:
    return [t.assiduity for t in att.trainees if t.on_invoice and t.assiduity is not None]
