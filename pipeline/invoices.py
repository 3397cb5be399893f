"""Reading the invoicing module's export (CSV or XLSX) into invoice records.

The CONTRACT fixes the columns; names are matched without regard to case,
accents and punctuation, and ``[invoices] columns`` in the config maps other
names to them. Rows that cannot be used are reported with a reason, never
silently dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.errors import UsageError

log = logging.getLogger(__name__)

#: CONTRACT column name -> attribute of Invoice.
COLUMNS: dict[str, str] = {
    "N° facture": "number",
    "Date facture": "date",
    "Entrepreneur": "entrepreneur",
    "Client": "client",
    "Type client": "client_type",
    "Intitulé formation": "title",
    "Lieu": "place",
    "Date début": "start",
    "Date fin": "end",
    "Durée (h)": "hours",
    "Nb stagiaires": "trainee_count",
    "Stagiaires": "trainees",
    "Statut stagiaires": "statuses",
    "Heures stagiaires": "trainee_hours",
    "Code BPF": "bpf_code",
    "Objectif": "objective",
    "NSF": "nsf",
    "Montant HT": "amount_ht",
    "Sous-traitance": "subcontracting",
    "Distanciel": "distance",
}
REQUIRED = ("number", "date", "entrepreneur")
#: Optional columns the CONTRACT does not name, which exports commonly carry.
#: ``Statut facture`` (or ``Statut``, ``État``): "annulée" marks an invoice cancelled (by a
#: credit note); any other value (émise, payée…) leaves it in force.
OPTIONAL: dict[str, str] = {
    "Statut facture": "status",
    "Statut": "status",
    "État": "status",
    "État facture": "status",
}


@dataclass(frozen=True)
class Invoice:
    number: str
    date: dt.date
    entrepreneur: str
    client: str = ""
    client_type: str = ""
    title: str = ""
    place: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    hours: float | None = None
    trainee_count: int | None = None
    trainees: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    trainee_hours: float | None = None
    bpf_code: str = ""
    objective: str = ""
    nsf: str = ""
    amount_ht: float | None = None
    subcontracting: str = "non"
    distance: str = "non"
    cancelled: bool = False  # the export marks it cancelled: out of dossiers, matching and BPF

    @property
    def is_training(self) -> bool:
        """Non-training invoices have neither a title nor a BPF code (CONTRACT)."""
        return bool(self.title or self.bpf_code)


@dataclass
class ReadResult:
    invoices: list[Invoice] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row number, French reason)


def header_key(name: str) -> str:
    """``"N° facture"`` -> ``"nfacture"``: no accents, case or punctuation."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def read_export(path: Path, mapping: dict[str, str] | None = None) -> ReadResult:
    """Read every row of an export; rows that cannot be used go to ``skipped`` with a reason."""
    frame = _read_frame(path)
    columns = _map_columns(list(frame.columns), mapping or {})
    missing = [c for c, a in COLUMNS.items() if a in REQUIRED and a not in columns.values()]
    if missing:
        raise UsageError(
            f"{path.name} : colonne(s) {', '.join(missing)} introuvable(s) ; vérifiez l'export "
            "ou déclarez le nom utilisé dans [invoices] columns de config.toml."
        )
    result = ReadResult()
    for n, row in enumerate(frame.itertuples(index=False), start=2):
        cells = {attr: row[i] for i, attr in columns.items()}
        try:
            result.invoices.append(_invoice(cells))
        except ValueError as exc:
            result.skipped.append((n, str(exc)))
    return result


def _read_frame(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise UsageError(
            f"{path} : fichier introuvable ; indiquez le chemin de l'export des factures."
        )
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        try:
            return pd.read_excel(path, dtype=object, keep_default_na=False)
        except (ValueError, KeyError, zipfile.BadZipFile):  # what pandas and openpyxl raise
            raise UsageError(
                f"{path.name} : classeur Excel illisible ; réenregistrez-le au format .xlsx "
                "ou exportez les factures en CSV."
            ) from None
    text = _decode(path.read_bytes())
    header = text.splitlines()[0] if text else ""
    sep = max(SEPARATORS, key=header.count)  # a tie (no separator at all) gives ";"
    try:
        return _csv_frame(text, sep)
    except csv.Error:
        raise UsageError(f"{path.name} : fichier CSV illisible ; réenregistrez-le.") from None
    except _Unreadable as exc:
        raise UsageError(f"{path.name} : {exc}") from None


#: CSV separators, the CONTRACT's first; tab is what "Texte (séparateur : tabulation)" writes.
SEPARATORS = (";", ",", "\t")


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")  # Excel's "Texte Unicode"
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # what French office software writes by default
    except UnicodeDecodeError:
        return data.decode("latin-1")  # the five bytes cp1252 leaves undefined


class _Unreadable(Exception):
    """A CSV whose rows cannot be read as cells; the message is French."""


def _csv_frame(text: str, sep: str) -> pd.DataFrame:
    """The rows under the header, as strings: short rows padded, empty cells past the header
    (a separator ending every line) dropped; a row with more filled cells is refused, as its
    cells could not be told apart."""
    # newline="": line ends are the reader's, "\r" alone included (Excel for Mac's CSV).
    reader = csv.reader(StringIO(text, newline=""), delimiter=sep)
    header = next(reader, [])
    if not any(header):
        raise _Unreadable("le fichier est vide ; exportez les factures.")
    rows = []
    for row in reader:
        if not row:
            continue  # a blank line
        if any(cell.strip() for cell in row[len(header) :]):
            shown = {"\t": "tabulation"}.get(sep, sep)
            raise _Unreadable(
                f"la ligne {reader.line_num} a {len(row)} cellules pour {len(header)} colonnes ; "
                f"une cellule contient sans doute le séparateur « {shown} » sans guillemets."
            )
        rows.append((row + [""] * len(header))[: len(header)])
    return pd.DataFrame(rows, columns=header, dtype=object)


def _map_columns(names: list[str], mapping: dict[str, str]) -> dict[int, str]:
    every = COLUMNS | OPTIONAL
    known = {header_key(c): a for c, a in every.items()}
    known |= {
        header_key(other): every[target] for other, target in mapping.items() if target in every
    }
    return {i: known[header_key(n)] for i, n in enumerate(names) if header_key(n) in known}


def _invoice(cells: dict[str, Any]) -> Invoice:
    text = {k: _text(v) for k, v in cells.items()}
    if not text.get("number"):
        raise ValueError("numéro de facture vide")
    if not text.get("entrepreneur"):
        raise ValueError(f"{text['number']} : entrepreneur vide")
    return Invoice(
        number=text["number"],
        date=_date(cells.get("date"), "Date facture", required=True),  # type: ignore[arg-type]
        entrepreneur=text["entrepreneur"],
        client=text.get("client", ""),
        client_type=text.get("client_type", "").casefold(),
        title=text.get("title", ""),
        place=text.get("place", ""),
        start=_date(cells.get("start"), "Date début"),
        end=_date(cells.get("end"), "Date fin"),
        hours=_number(cells.get("hours"), "Durée (h)"),
        trainee_count=_int(cells.get("trainee_count"), "Nb stagiaires"),
        trainees=_names(text.get("trainees", "")),
        statuses=_names(text.get("statuses", "")),
        trainee_hours=_number(cells.get("trainee_hours"), "Heures stagiaires"),
        bpf_code=_bpf_code(text.get("bpf_code", "")),
        objective=text.get("objective", ""),
        nsf=text.get("nsf", ""),
        amount_ht=_number(cells.get("amount_ht"), "Montant HT"),
        subcontracting=_lower_ascii(text.get("subcontracting", "")) or "non",
        distance=_lower_ascii(text.get("distance", "")) or "non",
        cancelled=_lower_ascii(text.get("status", "")).startswith("annul"),
    )


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an XLSX NSF code 315 read back as 315.0
    return unicodedata.normalize("NFC", str(value)).strip()


def _lower_ascii(value: str) -> str:
    """``"Reçue"`` -> ``"recue"``: the subcontracting and distance vocabularies."""
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().casefold()


def _date(value: Any, column: str, required: bool = False) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = _text(value)
    if not raw:
        if required:
            raise ValueError(f"{column} vide")
        return None
    for fmt in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{column} « {raw} » n'est pas une date jj/mm/aaaa")


def _number(value: Any, column: str) -> float | None:
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    raw = re.sub(r"[\s\u00a0\u202f€]", "", _text(value))
    if not raw:
        return None
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")  # 2.450,00 -> 2450.00
    # float() also reads "nan", "inf", "1e400" and "1_000": none is a figure of an export.
    if not re.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)", raw):
        raise ValueError(f"{column} « {_text(value)} » n'est pas un nombre")
    return float(raw)


def _int(value: Any, column: str) -> int | None:
    number = _number(value, column)
    return None if number is None else int(round(number))


def _bpf_code(value: str) -> str:
    """``"c2A"`` -> ``"C2a"``, the CONTRACT's spelling; anything else is kept for the BPF checks."""
    m = re.fullmatch(r"[cC]\s*(\d{1,2})\s*([a-hA-H]?)", value.strip())
    return f"C{m[1]}{m[2].lower()}" if m else value.strip()


def _names(value: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in re.split(r"[,;\n]", value) if n.strip())
