"""One BPF run, step by step: period, facts, figures, checks, then the files.

``compile_bpf`` reads the store and returns a :class:`Bpf` (nothing written);
``write_outputs`` writes ``bpf-YEAR.json``, ``.xlsx`` and ``.docx`` (``bpf-YEAR-brouillon.*``
for a draft) atomically; ``refresh_drafts`` is the daemon's daily job: between
``[bpf] drafts_from`` and ``drafts_until``, the drafts of the last closed year and each
entrepreneur's draft summary in their folder of the share.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline import archive
from pipeline.bpf import checks as checks_mod
from pipeline.bpf import figures as figures_mod
from pipeline.bpf.checks import Check, Warning
from pipeline.bpf.collect import collect
from pipeline.bpf.facts import SHEETS, Facts
from pipeline.bpf.figures import Figures
from pipeline.bpf.period import Period, drafts_year, financial_year
from pipeline.config import Config, Cooperative
from pipeline.errors import UsageError
from pipeline.store import Store

log = logging.getLogger(__name__)

CERFA = "10443*17"


@dataclass(frozen=True)
class Indicators:
    """The result indicators Qualiopi asks to publish (indicator 2), for the year."""

    trainees: int  # F-1 and G
    trainee_hours: int
    trainings: int  # invoices with trainees in the year
    evaluations: int  # hot evaluations with a readable score
    satisfaction: float | None  # their mean score, 0..1
    assessed: int  # trainees whose sheets settle their attendance
    completed: int  # of them, attended at least the assiduity threshold
    threshold: float

    @property
    def completion(self) -> float | None:
        return self.completed / self.assessed if self.assessed else None

    @property
    def response_rate(self) -> float | None:
        return min(1.0, self.evaluations / self.trainees) if self.trainees else None


@dataclass(frozen=True)
class Bpf:
    year: int
    period: Period
    cooperative: Cooperative
    facts: tuple[Facts, ...]
    figures: Figures
    checks: tuple[Check, ...]
    warnings: tuple[Warning, ...]
    indicators: Indicators
    generated: datetime
    draft: bool = False

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def as_json(self) -> dict[str, Any]:
        """``bpf-YEAR.json``: the CONTRACT's keys, plus the period, cadre B and ``draft``."""
        data = figures_mod.as_json(self.year, self.figures)
        extra = {
            "period": {"from": self.period.first.isoformat(), "to": self.period.last.isoformat()},
            "draft": self.draft,
            "B": {"distance": self.figures.distance},
        }
        return {**data, **extra, "checks": [c.as_json() for c in self.checks],
                "warnings": [w.as_json() for w in self.warnings]}  # fmt: skip


def compile_bpf(store: Store, config: Config, year: int, now: datetime, draft: bool = False) -> Bpf:
    """The BPF of the financial year ending in ``year``, from the store as it is now."""
    if not 1900 < year < 2100:
        raise UsageError(f"exercice « {year} » : donnez une année sur quatre chiffres, ex. 2026.")
    period = financial_year(year, config.bpf)
    facts = collect(store, config, period, now.date())
    figures = figures_mod.compute(facts)
    return Bpf(
        year=year,
        period=period,
        cooperative=config.cooperative,
        facts=tuple(facts),
        figures=figures,
        checks=tuple(checks_mod.checks(figures, facts)),
        warnings=tuple(checks_mod.warnings(facts)),
        indicators=indicators(facts, figures, config.attendance.assiduity_threshold),
        generated=now,
        draft=draft,
    )


def indicators(facts: list[Facts], figures: Figures, threshold: float) -> Indicators:
    """Trainees, satisfaction (hot evaluations), completion (settled attendance sheets)."""
    active = [f for f in facts if f.role]
    scores = [s for f in active for s in f.satisfaction]
    assiduity = [a for f in active if f.source == SHEETS for a in f.assiduity]
    return Indicators(
        trainees=figures.f1["total"].trainees + figures.g.trainees,
        trainee_hours=figures.f1["total"].hours + figures.g.hours,
        trainings=len(active),
        evaluations=len(scores),
        satisfaction=sum(scores) / len(scores) if scores else None,
        assessed=len(assiduity),
        completed=sum(1 for a in assiduity if a >= threshold),
        threshold=threshold,
    )


def stem(year: int, draft: bool) -> str:
    return f"bpf-{year}-brouillon" if draft else f"bpf-{year}"


def write_outputs(bpf: Bpf, folder: Path) -> list[Path]:
    """``bpf-YEAR.json``, ``.xlsx`` and ``.docx`` in ``folder`` (each replaced atomically)."""
    from pipeline.bpf import report, workbook  # openpyxl and docxtpl: only when writing

    name = stem(bpf.year, bpf.draft)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        targets = [folder / f"{name}.{ext}" for ext in ("json", "xlsx", "docx")]
        data = json.dumps(bpf.as_json(), ensure_ascii=False, indent=1).encode() + b"\n"
        contents = (data, workbook.render(bpf), report.render(bpf, targets[1].name))
        mode = folder.stat().st_mode & 0o666  # support staff share the folder
        for target, content in zip(targets, contents, strict=True):
            archive.replace_atomic(target, content, mode=mode)
    except OSError as exc:
        raise UsageError(
            f"impossible d'écrire le BPF dans {folder} ({exc.strerror or exc}) ; "
            "choisissez un autre dossier avec --out ou vérifiez les droits."
        ) from None
    log.info("BPF %s écrit dans %s", bpf.year, folder)
    return targets


def check_output_folder(config: Config, folder: Path) -> None:
    """Refuse to write inside the watched share: the files would be read back as documents."""
    drop = config.paths.drop.resolve()
    target = folder.resolve()
    if target == drop or drop in target.parents:
        raise UsageError(
            f"{folder} est dans le dossier partagé ({drop}) : le BPF y serait lu comme un "
            "document déposé ; choisissez un dossier en dehors du partage."
        )


def refresh_drafts(store: Store, config: Config, now: datetime) -> list[Path]:
    """The daily job: drafts of the last closed year's BPF and summaries, inside the window."""
    year = drafts_year(now.date(), config.bpf)
    if year is None:
        return []
    bpf = compile_bpf(store, config, year, now, draft=True)
    written = write_outputs(bpf, config.bpf.folder)
    if config.bpf.summaries:
        from pipeline.bpf import summaries

        written += summaries.write_all(store, config, bpf, now)
    return written
