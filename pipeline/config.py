"""The configuration model and :func:`load_config`.

One typed model, loaded from ``config.toml``. Unknown keys and wrong types fail
loudly with a one-line message naming the key and the fix; relative paths are
resolved against the config file; secrets come from the environment only.
"""

from __future__ import annotations

import csv
import tomllib
import unicodedata
from datetime import date as Date
from datetime import time as TimeOfDay
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline.bpf.period import BpfSettings
from pipeline.checklist import Rules
from pipeline.errors import ConfigError
from pipeline.intake import IntakeLimits
from pipeline.ocr import OcrSettings
from pipeline.presence import AttendanceSettings


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cooperative(Strict):
    name: str
    nda: str = Field(
        pattern=r"^\d{11}$", description="numéro de déclaration d'activité, 11 chiffres"
    )
    siret: str = Field(pattern=r"^\d{14}$", description="SIRET, 14 chiffres")


class Paths(Strict):
    drop: Path  # the synced share: one folder per entrepreneur
    archive: Path  # originals and filed copies; never inside drop
    database: Path
    # Seconds a write waits while another program holds the database locked, then the
    # file is retried later (the daemon) or the command stops with exit code 3.
    database_timeout: float = Field(default=30.0, gt=0)


class Person(Strict):
    name: str
    email: str = ""
    folder: str

    @property
    def key(self) -> str:
        return folder_key(self.folder)


class Entrepreneurs(Strict):
    csv: Path | None = None  # columns name;email;folder
    people: tuple[Person, ...] = ()


class Matching(Strict):
    # A document is attached only if its best invoice scores at least this...
    threshold: float = Field(default=0.72, ge=0, le=1)
    # ...and beats the second best by this margin; otherwise it waits, candidates ranked.
    margin: float = Field(default=0.12, ge=0, le=1)


class Watch(Strict):
    """How the daemon watches the share (``dossiers watch``)."""

    # Polling instead of native events: network shares (SMB, NFS) where inotify is blind.
    polling: bool = False
    poll_interval: float = Field(default=5.0, gt=0)  # seconds between two polls of the share
    # A file is taken once its size and modification time stayed unchanged this long.
    settle_seconds: float = Field(default=5.0, ge=0)
    # A settled file that still cannot be opened (a writer's lock, or rights) is recorded as
    # unreadable after this long; it is read again as soon as it opens.
    unreadable_after_seconds: float = Field(default=600.0, ge=0)
    rescan_minutes: float = Field(default=10.0, gt=0)  # full rescan: catches missed events
    workers: int = Field(default=2, ge=1, le=32)  # processes reading files (OCR is slow)
    # Seconds a stop (SIGTERM, Ctrl-C) waits for the files being read to finish.
    shutdown_grace: float = Field(default=120.0, ge=0)
    retry_minutes: float = Field(default=15.0, gt=0)  # a failed job or OCR fault: retry after
    # A file still being read after this long is stopped (its worker ended) and tried again
    # alone; stopped again, it is set aside (trop-volumineux). 300 scanned pages take ~8 min.
    max_minutes_per_file: float = Field(default=30.0, gt=0)
    # Memory a worker may take (its heap, in MB; 0: no limit). Reading a file that needs
    # more fails in that worker only, and the file is set aside (erreur-interne).
    worker_memory_mb: int = Field(default=4096, ge=0)
    share_status_time: TimeOfDay = TimeOfDay(6, 0)  # daily refresh of the share's status files


class Invoices(Strict):
    # Other column names of the invoicing export, mapped to the CONTRACT's names,
    # e.g. {"Numéro" = "N° facture"}.
    columns: dict[str, str] = {}
    # An export past these is refused before it is decoded (pipeline.invoices): its bytes,
    # and an XLSX's parts once unzipped. 100,000 invoices: 24 MB of CSV; 8 MB of XLSX
    # unzipping to 120 MB.
    max_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    max_unzipped_bytes: int = Field(default=250 * 1024 * 1024, ge=1)


class Digest(Strict):
    """``[digest]``: the morning email to support staff (``dossiers digest``, the daemon)."""

    recipients: tuple[str, ...] = ()
    time: TimeOfDay = TimeOfDay(8, 0)  # sent at this time on working days (Monday to Friday)
    max_listed: int = Field(default=25, ge=1)  # dossiers detailed in the email; the rest counted
    attach_over: int = Field(default=10, ge=0)  # more open dossiers: the full list attached (XLSX)
    weeks: int = Field(default=8, ge=2, le=26)  # weeks shown in the chart
    horizon_days: int = Field(default=90, ge=1)  # deadlines announced this many days ahead
    # SMTP down: first retry after this many seconds, then twice as long each time, up to
    # [watch] retry_minutes; the digest is sent late, never lost.
    retry_seconds: float = Field(default=60.0, gt=0)
    reminders: bool = False  # also remind each entrepreneur of their own overdue pieces
    reminder_days: int = Field(default=7, ge=1)  # at most one reminder per person in this many days

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for address in v:
            if "@" not in address or any(c.isspace() for c in address.strip()):
                raise ValueError(f"« {address} » n'est pas une adresse électronique")
        return tuple(a.strip() for a in v)


class Smtp(Strict):
    host: str = "localhost"
    port: int = Field(default=587, ge=1, le=65535)
    starttls: bool = True  # upgrade the connection (port 587)
    tls: bool = False  # implicit TLS from the first byte (port 465); starttls is then moot
    username: str = ""  # empty: no authentication (a local relay)
    password_env: str = "DOSSIERS_SMTP_PASSWORD"
    sender: str = "dossiers@example.org"
    ca_file: Path | None = None  # certificates to trust besides the system's (a private relay)
    timeout: float = Field(default=30.0, gt=0)  # seconds for each exchange with the server


class Qualiopi(Strict):
    """``[qualiopi]``: the certificate's dates, for the digest's deadlines."""

    certification_date: Date | None = None  # the surveillance audit falls 14 to 22 months after


class Config(Strict):
    cooperative: Cooperative
    paths: Paths
    entrepreneurs: Entrepreneurs = Entrepreneurs()
    ocr: OcrSettings = OcrSettings()
    intake: IntakeLimits = IntakeLimits()
    matching: Matching = Matching()
    attendance: AttendanceSettings = AttendanceSettings()
    rules: Rules = Rules()
    watch: Watch = Watch()
    invoices: Invoices = Invoices()
    digest: Digest = Digest()
    smtp: Smtp = Smtp()
    qualiopi: Qualiopi = Qualiopi()
    bpf: BpfSettings = BpfSettings()
    file: Path = Path("config.toml")  # where it was loaded from (set by load_config)
    people: tuple[Person, ...] = ()  # entrepreneurs from the CSV and the inline list

    @field_validator("file", mode="after")
    @classmethod
    def _absolute(cls, v: Path) -> Path:
        return v.absolute()

    def person_by_folder(self, folder: str) -> Person | None:
        key = folder_key(folder)
        return next((p for p in self.people if p.key == key), None)

    def person_by_name(self, name: str) -> Person | None:
        key = folder_key(name)
        return next((p for p in self.people if folder_key(p.name) == key), None)


def folder_key(name: str) -> str:
    """Compare folder and person names as a person would: NFC, case-insensitive, trimmed."""
    return unicodedata.normalize("NFC", name).strip().casefold()


def read_only_config() -> Config:
    """Default settings for read-only commands (``classify``) run without a config file."""
    here = Path.cwd()
    return Config(
        cooperative=Cooperative(name="(sans configuration)", nda="0" * 11, siret="0" * 14),
        paths=Paths(drop=here, archive=here / ".dossiers-archive", database=here / ".dossiers.db"),
        file=here / "config.toml",
    )


def load_config(path: Path, *, check_folders: bool = True, with_people: bool = True) -> Config:
    """Read, validate and resolve a config file; raise ConfigError with a one-line message.

    Read-only commands that need no entrepreneurs (``classify``) pass ``with_people=False``
    and ``check_folders=False``: only the settings are read and checked.
    """
    raw = _read_toml(path)
    for internal in ("file", "people"):
        if internal in raw:
            raise ConfigError(f"{path} : clé « {internal} » : clé inconnue : supprimez-la.")
    base = path.absolute().parent
    try:
        config = Config.model_validate({**raw, "file": path})
    except ValidationError as exc:
        raise ConfigError(_explain(path, exc)) from None
    config = _resolve_paths(config, base)
    if with_people:
        config = config.model_copy(update={"people": _people(config)})
    check_config(config, check_folders=check_folders)
    return config


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(
            f"{path} : fichier de configuration introuvable ; copiez config.toml du dépôt "
            "ou indiquez-le avec --config."
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path} : syntaxe TOML invalide ({exc}) ; corrigez la ligne indiquée."
        ) from None


def _explain(path: Path, exc: ValidationError) -> str:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        fix = "clé inconnue : vérifiez l'orthographe ou supprimez-la"
    elif err["type"] == "missing":
        fix = "clé obligatoire manquante : ajoutez-la"
    else:
        fix = f"valeur refusée ({err['msg']}) : corrigez-la"
    return f"{path} : clé « {key} » : {fix}."


def _resolve_paths(config: Config, base: Path) -> Config:
    def resolve(p: Path) -> Path:
        return p if p.is_absolute() else (base / p)

    paths = config.paths.model_copy(
        update={k: resolve(getattr(config.paths, k)) for k in ("drop", "archive", "database")}
    )
    ents = config.entrepreneurs
    csv_path = resolve(ents.csv) if ents.csv else None
    ca_file = resolve(config.smtp.ca_file) if config.smtp.ca_file else None
    bpf = config.bpf.model_copy(update={"folder": resolve(config.bpf.folder)})
    return config.model_copy(
        update={
            "paths": paths,
            "entrepreneurs": ents.model_copy(update={"csv": csv_path}),
            "smtp": config.smtp.model_copy(update={"ca_file": ca_file}),
            "bpf": bpf,
        }
    )


def _people(config: Config) -> tuple[Person, ...]:
    people = list(config.entrepreneurs.people)
    if config.entrepreneurs.csv is not None:
        people += read_people_csv(config.entrepreneurs.csv)
    seen: set[str] = set()
    for person in people:
        if person.key in seen:
            raise ConfigError(
                f"entrepreneurs : le dossier « {person.folder} » est attribué deux fois ; "
                "chaque entrepreneur doit avoir son propre dossier."
            )
        seen.add(person.key)
    return tuple(people)


def read_people_csv(path: Path) -> list[Person]:
    """Entrepreneurs from a ``name;email;folder`` CSV (UTF-8, BOM tolerated)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            f"entrepreneurs.csv : le fichier {path} n'existe pas ; créez-le (colonnes "
            "name;email;folder) ou corrigez le chemin."
        ) from None
    rows = csv.DictReader(text.splitlines(), delimiter=";")
    people = []
    for n, row in enumerate(rows, start=2):
        name = (row.get("name") or "").strip()
        if not name:
            raise ConfigError(
                f"entrepreneurs.csv : ligne {n} sans nom (colonne name) ; complétez-la."
            )
        folder = (row.get("folder") or "").strip() or name
        people.append(Person(name=name, email=(row.get("email") or "").strip(), folder=folder))
    return people


def check_config(config: Config, *, check_folders: bool = True) -> None:
    """Cross-field rules: the archive, database and BPF folder never inside the drop folder;
    folders exist."""
    drop = config.paths.drop.resolve()
    outputs = {"paths.archive": config.paths.archive, "paths.database": config.paths.database,
               "bpf.folder": config.bpf.folder}  # fmt: skip
    for key, path in outputs.items():
        target = path.resolve()
        if target == drop or drop in target.parents:
            raise ConfigError(
                f"{config.file} : clé « {key} » : {target} est dans le dossier partagé "
                f"({drop}) ; placez-le en dehors du partage."
            )
    if check_folders and not config.paths.drop.is_dir():
        raise ConfigError(
            f"{config.file} : clé « paths.drop » : le dossier {config.paths.drop} n'existe pas ; "
            "créez-le ou corrigez le chemin."
        )
    if check_folders and not config.paths.archive.parent.is_dir():
        raise ConfigError(
            f"{config.file} : clé « paths.archive » : le dossier parent de "
            f"{config.paths.archive} n'existe pas ; créez-le ou corrigez le chemin."
        )
