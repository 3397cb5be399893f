"""The cadres of the form, in whole units, from the facts of every invoice of the year.

Amounts are whole euros HT, hours whole hours (the form takes integers). Each cadre's lines
are rounded by largest remainders: they add up exactly to the rounded total of the cadre,
so the sums the form recomputes (C-2 = a..h, TOTAL = 1..11, F-1 = F-3 = F-4) hold on the
figures typed in, not only on the exact ones. Where data is missing (no status, objective
or NSF), the invoice is left out of that cadre only, and :mod:`pipeline.bpf.checks` names it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pipeline.bpf import codes
from pipeline.bpf.facts import Facts
from pipeline.parse import same_person

K = TypeVar("K", bound=Hashable)
TOP_SPECIALITIES = 5


@dataclass(frozen=True)
class Count:
    trainees: int = 0
    hours: int = 0

    def as_json(self) -> dict[str, int]:
        return {"trainees": self.trainees, "hours": self.hours}


@dataclass(frozen=True)
class People:
    people: int = 0
    hours: int = 0

    def as_json(self) -> dict[str, int]:
        return {"people": self.people, "hours": self.hours}


@dataclass(frozen=True)
class Speciality:
    nsf: str | None  # None: the other specialities together
    label: str
    trainees: int
    hours: int

    def as_json(self) -> dict[str, Any]:
        return {"nsf": self.nsf, "label": self.label, "trainees": self.trainees,
                "hours": self.hours}  # fmt: skip


@dataclass(frozen=True)
class Figures:
    c: dict[str, int]  # "1", "2a"…"2h", "3"…"11", "2", "total"
    e_internal: People
    e_external: People
    f1: dict[str, Count]  # "a"…"e", "total"
    f2: Count
    f3: dict[str, Count]  # "a", "a6"…"aCQP", "b"…"f", "total"
    f4: tuple[Speciality, ...]
    g: Count
    distance: bool  # cadre B: any training delivered fully or partly at a distance

    @property
    def f4_total(self) -> Count:
        return Count(sum(s.trainees for s in self.f4), sum(s.hours for s in self.f4))


def compute(facts: Sequence[Facts]) -> Figures:
    """Every cadre from the facts of the year's invoices."""
    trained = [f for f in facts if f.role == "F"]
    return Figures(
        c=_cadre_c(facts),
        e_internal=_internal_trainers(facts),
        e_external=_outside_trainers(facts),
        f1=_by_line(
            ((g.line, g.trainees, g.hours) for f in trained for g in f.groups if g.line),
            codes.F1_LABELS,
        ),
        f2=_count(f for f in trained if f.subcontracting == "confiee"),
        f3=_cadre_f3(trained),
        f4=_cadre_f4(trained),
        g=_count(f for f in facts if f.role == "G"),
        distance=any(f.distance for f in facts if f.role),
    )


def apportion(values: Mapping[K, float], scale: int = 100) -> dict[K, int]:
    """Whole numbers, one per value, adding up to the sum rounded half up (largest remainders).

    ``scale``: the values' precision (100: cents, hundredths of an hour), so that float
    noise never decides a rounding.
    """
    scaled = {k: round(v * scale) for k, v in values.items()}
    total = (sum(scaled.values()) + scale // 2) // scale
    whole = {k: v // scale for k, v in scaled.items()}
    left = total - sum(whole.values())
    keys = list(values)
    by_remainder = sorted(keys, key=lambda k: (-(scaled[k] % scale), keys.index(k)))
    for k in by_remainder[:left]:
        whole[k] += 1
    return whole


def _cadre_c(facts: Sequence[Facts]) -> dict[str, int]:
    raw = dict.fromkeys(codes.C_LINES, 0.0)
    for f in facts:
        if f.income and f.c_line:
            raw[f.c_line] += f.amount
    lines = apportion(raw)
    lines["2"] = sum(lines[k] for k in codes.C2_PARTS)
    lines["total"] = sum(v for k, v in lines.items() if k != "2")
    return lines


def _by_line(rows: Iterable[tuple[str, int, float]], labels: Mapping[str, str]) -> dict[str, Count]:
    """Trainees and apportioned hours per line (in ``labels``' order), and the total."""
    trainees = dict.fromkeys(labels, 0)
    hours = dict.fromkeys(labels, 0.0)
    for line, n, h in rows:
        trainees[line] += n
        hours[line] += h
    whole = apportion(hours)
    out = {k: Count(trainees[k], whole[k]) for k in labels}
    out["total"] = Count(sum(trainees.values()), sum(whole.values()))
    return out


def _cadre_f3(trained: Sequence[Facts]) -> dict[str, Count]:
    leaves = _by_line(
        ((f.objective, f.trainees, f.hours) for f in trained if f.objective),
        {k: codes.F3_LABELS[k] for k in codes.F3_LEAVES},
    )
    levels = [leaves[k] for k in codes.F3_A_LEVELS]
    a = Count(sum(c.trainees for c in levels), sum(c.hours for c in levels))
    return {"a": a, **{k: leaves[k] for k in codes.F3_LEAVES}, "total": leaves["total"]}


def _cadre_f4(trained: Sequence[Facts]) -> tuple[Speciality, ...]:
    """The five main specialities by trainee-hours (then trainees, then code), and the rest."""
    trainees: dict[str, int] = {}
    hours: dict[str, float] = {}
    for f in trained:
        if f.nsf:
            trainees[f.nsf] = trainees.get(f.nsf, 0) + f.trainees
            hours[f.nsf] = hours.get(f.nsf, 0.0) + f.hours
    ranked = sorted(hours, key=lambda k: (-round(hours[k], 2), -trainees[k], k))
    top, rest = ranked[:TOP_SPECIALITIES], ranked[TOP_SPECIALITIES:]
    keys: list[str | None] = [*top, *([None] if rest else [])]
    raw = {k: hours[k] if k else sum(hours[r] for r in rest) for k in keys}
    whole = apportion(raw)
    labels = codes.nsf_labels()
    return tuple(
        Speciality(
            k,
            labels[k] if k else codes.OTHERS,
            trainees[k] if k else sum(trainees[r] for r in rest),
            whole[k],
        )
        for k in keys
    )


def _count(facts: Iterable[Facts]) -> Count:
    chosen = list(facts)
    return Count(sum(f.trainees for f in chosen), round_half_up(sum(f.hours for f in chosen)))


def _internal_trainers(facts: Sequence[Facts]) -> People:
    """Entrepreneurs who delivered hours themselves (not training they gave away)."""
    own = [f for f in facts if f.role and f.subcontracting != "confiee"]
    people = {f.invoice.entrepreneur.casefold() for f in own}
    return People(len(people), round_half_up(sum(f.trainer_hours for f in own)))


def _outside_trainers(facts: Sequence[Facts]) -> People:
    """Trainers of the training given to other organisations: named ones once each, and one
    person per invoice whose documents name nobody."""
    given = [f for f in facts if f.role == "F" and f.subcontracting == "confiee"]
    names: list[str] = []
    unnamed = 0
    for f in given:
        if not f.outside_trainers:
            unnamed += 1
        for name in f.outside_trainers:
            if not any(same_person(name, n) >= 0.85 for n in names):
                names.append(name)
    return People(len(names) + unnamed, round_half_up(sum(f.trainer_hours for f in given)))


def round_half_up(value: float) -> int:
    """12.5 -> 13 (the notice's rounding; Python's ``round`` would give 12)."""
    return apportion({0: value})[0]


def as_json(year: int, figures: Figures) -> dict[str, Any]:
    """The figures as ``bpf-YEAR.json`` lays them out (CONTRACT), without checks."""
    c = {k: figures.c[k] for k in codes.C_LINES}
    return {
        "year": year,
        "cerfa": "10443*17",
        "C": {**c, "2": figures.c["2"], "total": figures.c["total"]},
        "E": {"internal": figures.e_internal.as_json(), "external": figures.e_external.as_json()},
        "F1": {k: v.as_json() for k, v in figures.f1.items()},
        "F2": figures.f2.as_json(),
        "F3": {k: v.as_json() for k, v in figures.f3.items()},
        "F4": [s.as_json() for s in figures.f4],
        "G": figures.g.as_json(),
    }
