"""What the form requires of the figures, and what a person must look at before filing.

Checks (each listed whether it passes or not, with the invoices concerned):

- ``f_totals``: F-1 = F-3 = F-4, for trainees and for hours (the form refuses otherwise);
- ``c2_sum``: C-2 = a + … + h; ``c_total``: TOTAL = 1 + … + 11;
- ``f2_within_f1``: F-2 ≤ F-1; ``g_matches_c10``: G > 0 exactly when C-10 > 0;
- ``bpf_code_missing``, ``objective_missing``, ``nsf_missing``, ``status_missing``: training
  invoices whose code, objective, speciality or trainees' status is missing or unknown;
- ``trainees_missing``, ``hours_missing``, ``amount_missing``: what the figures cannot do
  without;
- ``subcontracting_mismatch``: code C10 without ``Sous-traitance = reçue``, or the reverse;
- ``trainee_hours_mismatch``: the invoice's trainee-hours disagree with the sheets;
- ``dossiers_incomplete``: dossiers of the year still incomplete or inconsistent.

Warnings say where a figure rests on something weaker than a document (hours taken from
the invoice, a training split across years by working days, an outside trainer nobody
named) and what the software cannot fill (cadres A, D, H).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.bpf import codes
from pipeline.bpf.facts import FROM_INVOICE, HALF_DAYS, NONE, PRORATA, SHEETS, Facts
from pipeline.bpf.figures import Count, Figures


@dataclass(frozen=True)
class Check:
    code: str
    ok: bool
    message: str
    invoices: tuple[str, ...] = ()
    documents: tuple[int, ...] = ()
    details: tuple[str, ...] = ()  # one line per invoice, for the workbook and the report

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "ok": self.ok, "message": self.message,
                "invoices": list(self.invoices), "documents": list(self.documents)}  # fmt: skip


@dataclass(frozen=True)
class Warning:
    code: str
    message: str
    invoices: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "invoices": list(self.invoices)}


def checks(figures: Figures, facts: Sequence[Facts]) -> list[Check]:
    """Every check, in the order a person fixes things: form rules, then data, then dossiers."""
    counted = [f for f in facts if f.income or f.trained]
    return [
        _f_totals(figures, facts),
        _c2_sum(figures),
        _c_total(figures),
        _f2_within_f1(figures, facts),
        _g_matches_c10(figures, facts),
        *_data_checks(counted),
        _hours_mismatch(counted),
        _incomplete(counted),
    ]


def _f_totals(figures: Figures, facts: Sequence[Facts]) -> Check:
    f1, f3, f4 = figures.f1["total"], figures.f3["total"], figures.f4_total
    ok = f1 == f3 == f4
    text = "; ".join(f"{name} : {_count(c)}" for name, c in (("F-1", f1), ("F-3", f3),
                                                               ("F-4", f4)))  # fmt: skip
    culprits = [
        f for f in facts
        if f.role == "F" and (not f.objective or not f.nsf or any(g.line is None for g in f.groups))
    ]  # fmt: skip
    message = "Totaux F-1, F-3 et F-4 égaux" if ok else "Totaux F-1, F-3 et F-4 différents"
    return Check("f_totals", ok, f"{message} ({text}).", _numbers(culprits))


def _c2_sum(figures: Figures) -> Check:
    parts = sum(figures.c[k] for k in codes.C2_PARTS)
    ok = figures.c["2"] == parts
    return Check("c2_sum", ok, f"C-2 ({figures.c['2']} €) = a + … + h ({parts} €).")


def _c_total(figures: Figures) -> Check:
    lines = sum(figures.c[k] for k in codes.C_LINES)
    ok = figures.c["total"] == lines
    return Check("c_total", ok, f"Total ({figures.c['total']} €) = lignes 1 à 11 ({lines} €).")


def _f2_within_f1(figures: Figures, facts: Sequence[Facts]) -> Check:
    f1, f2 = figures.f1["total"], figures.f2
    ok = f2.trainees <= f1.trainees and f2.hours <= f1.hours
    given = [f for f in facts if f.role == "F" and f.subcontracting == "confiee"]
    return Check("f2_within_f1", ok, f"F-2 ({_count(f2)}) ≤ F-1 ({_count(f1)}).",
                 _numbers(given))  # fmt: skip


def _g_matches_c10(figures: Figures, facts: Sequence[Facts]) -> Check:
    g, c10 = figures.g, figures.c["10"]
    ok = (g.trainees > 0) == (c10 > 0)
    related = [f for f in facts if f.role == "G" or (f.income and f.c_line == "10")]
    message = f"G ({_count(g)}) non nul exactement quand C-10 ({c10} €) l'est."
    if not ok:
        message += (
            " Une formation reçue en sous-traitance doit figurer en C-10 et en G la même "
            "année : vérifiez les dates (facture et formation à cheval sur deux exercices ?)."
        )
    return Check("g_matches_c10", ok, message, _numbers(related))


#: (code, what is wrong, which facts, one line per invoice)
_DATA: tuple[tuple[str, str, Callable[[Facts], bool], Callable[[Facts], str]], ...] = (
    ("bpf_code_missing", "Factures de formation sans code BPF valable (C1, C2a…C2h, C3…C11)",
     lambda f: f.c_line is None, lambda f: f"code « {f.invoice.bpf_code} »"),
    ("objective_missing", "Factures sans objectif valable (F3a6…F3aCQP, F3b…F3f)",
     lambda f: f.role == "F" and f.objective is None,
     lambda f: f"objectif « {f.invoice.objective} »"),
    ("nsf_missing", "Factures sans code NSF valable (3 chiffres de la nomenclature)",
     lambda f: f.role == "F" and f.nsf is None, lambda f: f"NSF « {f.invoice.nsf} »"),
    ("status_missing",
     "Factures sans statut des stagiaires valable (un pour tous, ou un par stagiaire)",
     lambda f: f.role == "F" and any(g.line is None for g in f.groups),
     lambda f: f"statut « {', '.join(f.invoice.statuses)} »"),
    ("trainees_missing", "Formations de l'exercice sans nombre de stagiaires",
     lambda f: f.trained and f.trainees == 0 and f.c_line != "11",
     lambda f: "ni Nb stagiaires, ni noms, ni feuilles"),
    ("hours_missing", "Formations sans heures-stagiaires connues",
     lambda f: bool(f.role) and f.source == NONE,
     lambda f: "ni Heures stagiaires, ni Durée (h), ni feuilles complètes"),
    ("amount_missing", "Factures de formation sans montant HT",
     lambda f: f.income and f.invoice.amount_ht is None, lambda f: "Montant HT vide"),
    ("subcontracting_mismatch", "Code C10 et « Sous-traitance = reçue » ne concordent pas",
     lambda f: f.c_line is not None and (f.c_line == "10") != (f.subcontracting == "recue"),
     lambda f: f"code {f.invoice.bpf_code}, sous-traitance « {f.invoice.subcontracting} »"),
)  # fmt: skip


def _data_checks(counted: Sequence[Facts]) -> list[Check]:
    out = []
    for code, what, wrong, detail in _DATA:
        found = [f for f in counted if wrong(f)]
        message = f"{what} : {len(found)}." if found else f"{what} : aucune."
        out.append(Check(code, not found, message, _numbers(found),
                         details=tuple(f"{f.number} : {detail(f)}" for f in found)))  # fmt: skip
    return out


def _hours_mismatch(counted: Sequence[Facts]) -> Check:
    found = [f for f in counted if "trainee_hours_mismatch" in f.check_codes]
    what = "Heures-stagiaires de la facture différentes des feuilles d'émargement"
    return Check(
        "trainee_hours_mismatch",
        not found,
        f"{what} : {len(found) or 'aucune'}.",
        _numbers(found),
        tuple(doc for f in found for doc, kind, _ in f.documents if kind == "emargement"),
        tuple(f"{f.number} : {f.hours_message}" for f in found),
    )


def _incomplete(counted: Sequence[Facts]) -> Check:
    found = [f for f in counted if f.state != "complete"]
    states = {"incomplete": "incomplet", "inconsistent": "incohérent"}
    return Check(
        "dossiers_incomplete",
        not found,
        f"Dossiers de l'exercice incomplets ou incohérents : {len(found) or 'aucun'}.",
        _numbers(found),
        details=tuple(
            f"{f.number} ({f.invoice.entrepreneur}) : {states.get(f.state, f.state)}"
            + (f", manque {', '.join(f.missing)}" if f.missing else "")
            for f in found
        ),
    )


def warnings(facts: Sequence[Facts]) -> list[Warning]:
    """Where figures rest on the invoice rather than on documents, and what is left to fill."""
    active = [f for f in facts if f.role]
    out = []
    from_invoice = [f for f in active if f.source in FROM_INVOICE]
    if from_invoice:
        out.append(Warning(
            "hours_from_invoice",
            f"Heures-stagiaires de {len(from_invoice)} formation(s) reprises de la facture : "
            "feuilles d'émargement absentes ou incomplètes.",
            _numbers(from_invoice),
        ))  # fmt: skip
    prorata = [f for f in active if f.source == PRORATA]
    if prorata:
        out.append(Warning(
            "split_by_working_days",
            f"{len(prorata)} formation(s) à cheval sur deux exercices sans feuilles complètes : "
            "heures réparties au prorata des jours ouvrés, à vérifier.",
            _numbers(prorata),
        ))  # fmt: skip
    split = [f for f in active if f.source == HALF_DAYS or f.source == SHEETS and f.crosses_year]
    if split:
        out.append(Warning(
            "split_by_half_days",
            f"{len(split)} formation(s) à cheval sur deux exercices : heures réparties selon "
            "les dates des demi-journées émargées.",
            _numbers(split),
        ))  # fmt: skip
    elsewhere = [f for f in active if not f.income]
    if elsewhere:
        out.append(Warning(
            "income_other_year",
            f"{len(elsewhere)} formation(s) comptée(s) en heures cette année mais facturée(s) "
            "sur un autre exercice (le produit suit la date de la facture).",
            _numbers(elsewhere),
        ))  # fmt: skip
    unnamed = [f for f in active if f.subcontracting == "confiee" and not f.outside_trainers]
    if unnamed:
        out.append(Warning(
            "outside_trainer_unnamed",
            f"{len(unnamed)} formation(s) confiée(s) sans formateur nommé sur les documents : "
            "une personne extérieure comptée pour chacune (cadre E).",
            _numbers(unnamed),
        ))  # fmt: skip
    if not active:
        out.append(Warning("no_training", "Aucune heure de formation sur l'exercice."))
    out.append(Warning(
        "to_fill_by_hand",
        "Cadres A (identification), D (charges, de la comptabilité), part du chiffre "
        "d'affaires et H (signataire) : à compléter sur Mon Activité Formation.",
    ))  # fmt: skip
    return out


def _numbers(facts: Sequence[Facts]) -> tuple[str, ...]:
    return tuple(sorted({f.number for f in facts}))


def _count(c: Count) -> str:
    return f"{c.trainees} stagiaire(s), {c.hours} h"
