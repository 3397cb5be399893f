"""Reading the invoicing module's export (CSV or XLSX) into invoice records.

The CONTRACT fixes the columns; names are matched without regard to case,
accents and punctuation, and ``[invoices] columns`` in the config maps other
names to them. Rows that cannot be used are reported with a reason, never
silently dropped.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import logging
import math
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO, TextIOWrapper
from pathlib import Path
from typing import IO, Any, TextIO

import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

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


Row = tuple[int, Invoice]  # (row number of the export, invoice)


@dataclass
class ReadResult:
    rows: list[Row] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row number, French reason)

    @property
    def invoices(self) -> list[Invoice]:
        return [inv for _, inv in self.rows]


#: Bytes of an export read at most (``[invoices] max_bytes``): an export of 100,000
#: invoices is about 24 MB of CSV, or 8 MB of XLSX.
MAX_BYTES = 50 * 1024 * 1024
#: Bytes an XLSX may hold once unzipped (``[invoices] max_unzipped_bytes``): the 100,000
#: invoices above are 120 MB of sheet XML when the cells are written inline.
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
#: Parts an XLSX may hold (a workbook has about ten; each costs memory to list).
MAX_PARTS = 1000
#: Bytes of any part of an XLSX but its sheets (shared strings, styles): openpyxl reads
#: each whole. The 100,000 invoices' shared strings would be about 16 MB.
MAX_PART_XML = 64 * 1024 * 1024
#: Rows of an export (twice the 100,000 invoices of a large cooperative's years).
MAX_ROWS = 200_000
#: Columns of an XLSX read (the CONTRACT names 20; an export may carry more, unread).
MAX_COLUMNS = 100
#: Bytes of one row of a sheet's XML (a row of the export is about 1 KB).
MAX_ROW_XML = 256 * 1024
#: Characters of one row of a CSV (a row of an export is about 300; every trainee's name of
#: a large group fits many times over).
MAX_ROW_CHARS = 64 * 1024


def without_duplicates(rows: list[Row]) -> tuple[list[Row], list[tuple[int, str]]]:
    """The rows to save, and the rows refused because the export gives their number twice.

    The number is the invoice's identity: a number given to two entrepreneurs, or twice to
    one with different contents, cannot be told apart, so none of those rows is saved (the
    record, if any, stays as it was) and each is reported. The very same invoice twice (an
    export pasted twice) is saved once, without a word.
    """
    by_number: dict[str, list[Row]] = {}
    for row in rows:
        by_number.setdefault(row[1].number, []).append(row)
    kept: list[Row] = []
    refused: list[tuple[int, str]] = []
    for line, inv in rows:
        same = by_number[inv.number]
        if all(other == inv for _, other in same):
            if line == same[0][0]:
                kept.append((line, inv))
            continue
        refused.append((line, _duplicate_reason(inv.number, same)))
    return kept, refused


def _duplicate_reason(number: str, same: list[Row]) -> str:
    owners = list(dict.fromkeys(inv.entrepreneur for _, inv in same))
    lines = ", ".join(str(line) for line, _ in same)
    if len(owners) > 1:
        given = " ; ".join(f"ligne {line} à {inv.entrepreneur}" for line, inv in same)
        return (
            f"N° facture {number} en double : donné {given} ; aucune de ces lignes n'est "
            "enregistrée (un numéro ne désigne qu'une facture) : corrigez l'export."
        )
    return (
        f"N° facture {number} en double pour {owners[0]} (lignes {lines}) avec des contenus "
        "différents ; aucune n'est enregistrée (impossible de savoir laquelle est juste) : "
        "corrigez l'export pour n'en garder qu'une."
    )


def header_key(name: str) -> str:
    """``"N° facture"`` -> ``"nfacture"``: no accents, case or punctuation."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def read_export(
    path: Path,
    mapping: dict[str, str] | None = None,
    max_bytes: int = MAX_BYTES,
    max_unzipped_bytes: int = MAX_UNZIPPED_BYTES,
) -> ReadResult:
    """Read every row of an export; rows that cannot be used go to ``skipped`` with a reason.

    An export past the limits is refused (UsageError) before anything decodes it: a file of
    more than ``max_bytes``, an XLSX whose parts would unzip to more than
    ``max_unzipped_bytes``, a CSV row longer than ``MAX_ROW_CHARS``.
    """
    frame = _read_frame(path, max_bytes, max_unzipped_bytes)
    columns = _map_columns(list(frame.columns), mapping or {})
    missing = [c for c, a in COLUMNS.items() if a in REQUIRED and a not in columns.values()]
    if missing:
        raise UsageError(
            f"{path.name} : colonne(s) {', '.join(missing)} introuvable(s) ; vérifiez l'export "
            "ou déclarez le nom utilisé dans [invoices] columns de config.toml."
        )
    result = ReadResult()
    for n, row in zip(frame.index, frame.itertuples(index=False), strict=True):
        cells = {attr: row[i] for i, attr in columns.items()}
        try:
            result.rows.append((int(n), _invoice(cells)))
        except ValueError as exc:
            result.skipped.append((int(n), str(exc)))
    return result


def _read_frame(path: Path, max_bytes: int, max_unzipped_bytes: int) -> pd.DataFrame:
    """The export's cells under its header, indexed by row number (the header is row 1)."""
    if not path.is_file():
        raise UsageError(
            f"{path} : fichier introuvable ; indiquez le chemin de l'export des factures."
        )
    data = _bounded_read(path, max_bytes)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return _xlsx_frame(path, data, max_unzipped_bytes)
    encoding = _encoding(data)
    header = _text_lines(data, encoding).readline(MAX_ROW_CHARS)
    sep = max(SEPARATORS, key=header.count)  # a tie (no separator at all) gives ";"
    try:
        return _csv_frame(_text_lines(data, encoding), sep)
    except csv.Error:
        raise UsageError(f"{path.name} : fichier CSV illisible ; réenregistrez-le.") from None
    except _Unreadable as exc:
        raise UsageError(f"{path.name} : {exc}") from None


def _bounded_read(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, or a UsageError when it holds more than ``max_bytes`` (read from
    the descriptor, not trusted from its size: a device or a growing file says nothing)."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        data = b"" if size > max_bytes else f.read(max_bytes + 1)
    if size > max_bytes or len(data) > max_bytes:
        raise UsageError(
            f"{path.name} : {_megabytes(max(size, len(data)))} Mo, plus que les "
            f"{_megabytes(max_bytes)} Mo admis pour un export de factures ; vérifiez que c'est "
            "bien l'export, ou relevez [invoices] max_bytes dans config.toml."
        )
    return data


def _megabytes(count: int) -> str:
    """``52428800`` -> ``"50"``, ``1572864`` -> ``"1,5"``."""
    value = count / 1024 / 1024
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}".replace(".", ",")


def _xlsx_frame(path: Path, data: bytes, max_unzipped_bytes: int) -> pd.DataFrame:
    """The first sheet's cells, read by openpyxl once the workbook's sizes are checked: at
    most ``MAX_ROWS`` rows of ``MAX_COLUMNS`` cells, indexed by their row number."""
    try:
        _check_unzipped(path, data, max_unzipped_bytes)
        rows = _sheet_rows(path, data)
    except _XLSX_ERRORS:
        raise UsageError(
            f"{path.name} : classeur Excel illisible ; réenregistrez-le au format .xlsx "
            "ou exportez les factures en CSV."
        ) from None
    header = [_header_cell(v) for v in rows[0][1]] if rows else []
    body = [(n, cells) for n, cells in rows[1:] if any(_text(v) for v in cells)]
    return pd.DataFrame(
        [cells for _, cells in body],
        columns=header or None,
        index=[n for n, _ in body],
        dtype=object,
    )


#: What openpyxl raises on a damaged workbook (ParseError is a SyntaxError).
_XLSX_ERRORS = (
    ValueError, KeyError, TypeError, IndexError, EOFError, SyntaxError, zipfile.BadZipFile,
    InvalidFileException,
)  # fmt: skip


def _header_cell(value: Any) -> str:
    return "" if value is None else str(value)


def _sheet_rows(path: Path, data: bytes) -> list[tuple[int, tuple[Any, ...]]]:
    """The rows of the workbook's first sheet that hold a value, with their row numbers,
    as wide as the header (the first of them)."""
    book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows: list[tuple[int, tuple[Any, ...]]] = []
        width = MAX_COLUMNS
        for number, cells in enumerate(
            sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True),
            start=1,
        ):
            if number > MAX_ROWS + 1:
                raise _too_many_rows(path)
            values = tuple("" if v is None else v for v in cells[:width])
            if not any(v != "" for v in values):
                continue
            if not rows:  # the header: cells past its last name are not read
                width = max(i + 1 for i, v in enumerate(values) if v != "")
                values = values[:width]
            rows.append((number, values))
        return rows
    finally:
        book.close()


_TOO_MANY_ROWS = (
    f"plus de {MAX_ROWS:,} lignes".replace(",", " ")
    + " ; ce n'est pas un export de factures ordinaire : exportez une période plus courte."
)


def _too_many_rows(path: Path) -> UsageError:
    return UsageError(f"{path.name} : {_TOO_MANY_ROWS}")


def _check_unzipped(path: Path, data: bytes, max_unzipped_bytes: int) -> None:
    """Refuse a workbook that would cost too much to read, before any part is inflated for
    openpyxl: its parts' declared sizes (in all, and each part but the sheets), then each
    sheet's rows, streamed (at most ``MAX_ROWS``, none longer than ``MAX_ROW_XML``).

    The declared sizes hold: Python's zipfile stops a part at its declared size (and then
    fails its checksum), so openpyxl never reads more than was measured here.
    """
    if _zip_entries(data) > MAX_PARTS:
        raise UsageError(
            f"{path.name} : le classeur contient plus de {MAX_PARTS} parties ; ce n'est pas un "
            "export de factures : réenregistrez-le depuis le tableur ou exportez en CSV."
        )
    with zipfile.ZipFile(BytesIO(data)) as book:
        parts = book.infolist()
        total = sum(part.file_size for part in parts)
        largest = max((p.file_size for p in parts if not _is_sheet(p.filename)), default=0)
        if total > max_unzipped_bytes:
            raise _too_big(path, total, f"les {_megabytes(max_unzipped_bytes)} Mo admis")
        if largest > MAX_PART_XML:
            raise _too_big(path, largest, f"les {_megabytes(MAX_PART_XML)} Mo admis par partie")
        for part in parts:
            if _is_sheet(part.filename):
                with book.open(part) as sheet:
                    _check_rows(path, sheet)


def _too_big(path: Path, size: int, limit: str) -> UsageError:
    return UsageError(
        f"{path.name} : le classeur ferait {_megabytes(size)} Mo une fois décompressé, plus "
        f"que {limit} ; vérifiez que c'est bien l'export des factures (sans feuilles ni "
        "cellules en trop), ou relevez [invoices] max_unzipped_bytes dans config.toml."
    )


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


#: The start of a row element in a sheet's XML (``<row ``, or with a prefix: ``<x:row>``).
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


def _check_rows(path: Path, sheet: IO[bytes], chunk: int = 1 << 20) -> None:
    """Stream a sheet's XML: refuse more than ``MAX_ROWS`` rows or one row of more than
    ``MAX_ROW_XML`` bytes (openpyxl holds a whole row, and every cell of it, at once)."""
    count, last, offset, tail = 0, -1, 0, b""
    while block := sheet.read(chunk):
        window = tail + block
        base = offset - len(tail)
        for found in _ROW.finditer(window):
            at = base + found.start()
            if at <= last:
                continue  # seen in the previous window's tail
            if last >= 0 and at - last > MAX_ROW_XML:
                raise _row_too_long(path, count)
            count, last = count + 1, at
            if count > MAX_ROWS + 1:
                raise _too_many_rows(path)
        offset += len(block)
        tail = window[-64:]
        if last >= 0 and offset - last > MAX_ROW_XML + 64:
            raise _row_too_long(path, count)


def _row_too_long(path: Path, count: int) -> UsageError:
    return UsageError(
        f"{path.name} : la ligne {count} du classeur tient plus de {MAX_ROW_XML // 1024} Ko "
        "(des milliers de cellules) ; ce n'est pas une ligne de l'export des factures : "
        "vérifiez le fichier ou exportez les factures en CSV."
    )


#: The end record of a zip's central directory: signature, then the total count of entries
#: at offset 10 (two bytes).
_END_RECORD = b"PK\x05\x06"


def _zip_entries(data: bytes) -> int:
    """The count of entries a zip declares, read from its end record (zipfile would list
    them all first: a million tiny entries cost a gigabyte); 0 when there is no end record."""
    at = data.rfind(_END_RECORD, max(0, len(data) - 22 - 65535))
    if at < 0 or at + 12 > len(data):
        return 0
    return int.from_bytes(data[at + 10 : at + 12], "little")


#: CSV separators, the CONTRACT's first; tab is what "Texte (séparateur : tabulation)" writes.
SEPARATORS = (";", ",", "\t")


def _encoding(data: bytes) -> str:
    """The encoding of a CSV: UTF-16 with its mark (Excel's "Texte Unicode"), UTF-8, or else
    Windows-1252 (what French office software writes by default), or Latin-1 (the five
    bytes Windows-1252 leaves undefined)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) and _decodes(data, "utf-16"):
        return "utf-16"
    return next((e for e in ("utf-8-sig", "cp1252") if _decodes(data, e)), "latin-1")


def _decodes(data: bytes, encoding: str, chunk: int = 1 << 20) -> bool:
    """Whether ``data`` is text in ``encoding``, decoded a chunk at a time (never whole)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:
        for at in range(0, len(data), chunk):
            decoder.decode(view[at : at + chunk])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _text_lines(data: bytes, encoding: str) -> TextIO:
    """The text of ``data``, decoded as it is read; line ends are the reader's (``\\r``
    alone included: Excel for Mac's CSV)."""
    return TextIOWrapper(BytesIO(data), encoding=encoding, newline="")


class _Unreadable(Exception):
    """A CSV whose rows cannot be read as cells; the message is French."""


def _csv_frame(text: TextIO, sep: str) -> pd.DataFrame:
    """The rows under the header, as strings: short rows padded, empty cells past the header
    (a separator ending every line) dropped; a row with more filled cells is refused, as its
    cells could not be told apart. Indexed by row number as a spreadsheet shows it (a blank
    line is a row; a cell over several lines is one row)."""
    lines = _BoundedLines(text)
    reader = csv.reader(lines, delimiter=sep)
    header = next(reader, [])
    lines.taken = 0
    if not any(header):
        raise _Unreadable("le fichier est vide ; exportez les factures.")
    rows, numbers = [], []
    for number, row in enumerate(reader, start=2):
        lines.taken = 0
        if number > MAX_ROWS + 1:
            raise _Unreadable(_TOO_MANY_ROWS)
        if not row:
            continue  # a blank line
        if any(cell.strip() for cell in row[len(header) :]):
            shown = {"\t": "tabulation"}.get(sep, sep)
            raise _Unreadable(
                f"la ligne {reader.line_num} a {len(row)} cellules pour {len(header)} colonnes ; "
                f"une cellule contient sans doute le séparateur « {shown} » sans guillemets."
            )
        rows.append((row + [""] * len(header))[: len(header)])
        numbers.append(number)
    return pd.DataFrame(rows, columns=header, index=numbers, dtype=object)


class _BoundedLines:
    """The lines of a CSV for ``csv.reader``, refusing a row (its lines since ``taken`` was
    last reset) longer than ``MAX_ROW_CHARS`` before the reader splits it into cells."""

    def __init__(self, source: TextIO) -> None:
        self.source = source
        self.taken = 0  # characters of the row being read (csv_frame resets it per row)
        self.line = 0
        self.start = 1  # the line where that row began

    def __iter__(self) -> _BoundedLines:
        return self

    def __next__(self) -> str:
        line = self.source.readline(MAX_ROW_CHARS + 1)
        if not line:
            raise StopIteration
        if self.taken == 0:
            self.start = self.line + 1
        self.line += 1
        self.taken += len(line)
        if self.taken > MAX_ROW_CHARS:
            where = f"{self.start}" + (f" (à {self.line})" if self.line > self.start else "")
            raise _Unreadable(
                f"la ligne {where} dépasse {MAX_ROW_CHARS:,} caractères".replace(",", " ")
                + " ; ce n'est pas une ligne de l'export des factures : vérifiez le fichier "
                "(un guillemet non fermé, des données collées en trop)."
            )
        return line


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
