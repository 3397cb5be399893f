"""``dossiers demo``: a fresh workspace built from ``samples/``, and the whole chain run on it.

The workspace gets its own ``config.toml`` (the cooperative's identity and
settings taken from the given config, the paths pointing inside the
workspace), a copy of the sample share, the invoicing export imported, every
sample ingested, the status of every dossier, the morning digest written to
``resume/`` (``.eml`` and ``.html``, not sent), and the BPF of the sample year (the
year of the latest invoice) with each entrepreneur's draft yearly summary.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rich.console import Console

from pipeline import digest, digest_mail, operations, runner, sharefiles, status
from pipeline.bpf import run as bpf_run
from pipeline.bpf import summaries
from pipeline.config import Config, Cooperative, load_config
from pipeline.errors import UsageError
from pipeline.ocr import TesserocrEngine
from pipeline.store import Store

MARKER = ".dossiers-demo"
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@dataclass(frozen=True)
class DemoResult:
    workspace: Path
    config: Config
    outcomes: list[runner.Outcome]
    status: dict[str, Any]
    places: dict[str, Path]


def run_demo(
    workspace: Path,
    config_path: Path,
    samples: Path = SAMPLES,
    progress: Console | None = None,
    now: datetime | None = None,
) -> DemoResult:
    """Build ``workspace`` afresh from ``samples`` and run import, ingest and status on it."""
    workspace = workspace.absolute()
    _fresh(workspace, samples)
    config = load_config(_write_config(workspace, config_path), check_folders=True)
    clock = (lambda: now) if now else datetime.now
    engine = TesserocrEngine(config.ocr)
    with Store(config.paths.database, config.paths.database_timeout) as store:
        store.sync_entrepreneurs(config.people)
        ctx = runner.Context(config=config, store=store, ocr=engine, clock=clock)
        operations.import_invoices(ctx, samples / "factures.csv")
        outcomes = operations.ingest(ctx, [config.paths.drop], progress=progress)
        pages = sharefiles.write_all(store, config, clock())
        report = status.report(store, config, clock().year, today=clock().date())
        morning = digest.build(store, config, clock().date(), clock())
        written = digest_mail.write_files(morning, config, workspace / "resume")
        bpf_files = _bpf(store, config, clock())
    engine.close()
    places = {
        "configuration": config.file,
        "dossier partagé": config.paths.drop,
        "archive": config.paths.archive,
        "base de données": config.paths.database,
    }
    places["résumé du matin"] = written[1]
    if pages:
        places["suivi (exemple)"] = next(p for p in pages if p.suffix == ".html")
    places |= bpf_files
    return DemoResult(workspace, config, outcomes, report, places)


def _bpf(store: Store, config: Config, now: datetime) -> dict[str, Path]:
    """The BPF of the sample year and the entrepreneurs' drafts; where they went."""
    dates = [inv.date for inv in store.invoices()]
    if not dates:
        return {}
    bpf = bpf_run.compile_bpf(store, config, max(dates).year, now)
    files = bpf_run.write_outputs(bpf, config.bpf.folder)
    drafts = summaries.write_all(store, config, bpf, now)
    places = {f"BPF {bpf.year}": files[-1].parent}
    if drafts:
        places["bilan pré-rempli"] = drafts[0]
    return places


def _fresh(workspace: Path, samples: Path) -> None:
    if not (samples / "partage").is_dir():
        raise UsageError(
            f"{samples} ne contient pas d'échantillons (partage/) ; "
            "lancez « python samples/generate.py »."
        )
    if workspace.exists():
        if not (workspace / MARKER).exists() and any(workspace.iterdir()):
            raise UsageError(
                f"{workspace} existe et n'est pas un espace de démonstration ; "
                "choisissez un autre dossier avec --workspace."
            )
        shutil.rmtree(workspace)
    workspace.mkdir(parents=True)
    (workspace / MARKER).write_text(
        "espace créé par « dossiers demo » ; il est recréé à chaque fois\n"
    )
    shutil.copytree(samples / "partage", workspace / "partage", symlinks=True)
    shutil.copy2(samples / "entrepreneurs.csv", workspace / "entrepreneurs.csv")


def _write_config(workspace: Path, config_path: Path) -> Path:
    """The workspace's config: identity from ``config_path`` (if readable), paths inside."""
    try:
        with config_path.open("rb") as fh:
            raw = tomllib.load(fh)
        coop = Cooperative.model_validate(raw.get("cooperative", {}))
    except (OSError, tomllib.TOMLDecodeError, ValidationError):
        coop = Cooperative(name="Coopérative Exemple", nda="76341234534", siret="12345678900012")
    name, nda, siret = coop.name.replace('"', "'"), coop.nda, coop.siret
    ocr_lang = "fra"
    text = f'''# Written by "dossiers demo": a throw-away workspace built from samples/.
[cooperative]
name = "{name}"
nda = "{nda}"
siret = "{siret}"

[paths]
drop = "partage"
archive = "archive"
database = "dossiers.sqlite3"

[entrepreneurs]
csv = "entrepreneurs.csv"

[ocr]
language = "{ocr_lang}"
'''
    path = workspace / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path
