"""Property tests of read_export on invoice exports as office software writes them (#8).

Invoices are generated with the samples generator's model and laid out by its
``invoice_row`` (``samples/gen/export.py``), then written the ways an export
arrives: UTF-8 with or without BOM, Windows-1252, Latin-1; ``;``, ``,`` or tab;
extra columns the CONTRACT does not name, columns in any order, empty optional
cells; or an XLSX with real dates and numbers. Every invoice must come back field
for field; a row that cannot be used must be reported with its number, never crash
the import.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import unicodedata
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import UsageError
from pipeline.invoices import Invoice, read_export
from samples.gen.export import INVOICE_COLUMNS, export_csv, invoice_row
from samples.gen.model import Entrepreneur, Style, days_slots
from samples.gen.model import Invoice as Training

# Each test writes files: Hypothesis's deadline would measure the disk.
IO = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# The encoding x separator grid has twelve cases: fewer examples each.
GRID = settings(IO, max_examples=15)

# Letters of French names and wording; Latin-1 lacks œ and €.
LATIN1_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèêëàâäîïôöûüùçÉÈÊÀÇÔ"
CP1252_EXTRA = "œŒ’"


def _words(letters: str, max_words: int = 3) -> st.SearchStrategy[str]:
    word = st.text(alphabet=letters, min_size=1, max_size=10)
    return st.lists(word, min_size=1, max_size=max_words).map(" ".join)


@st.composite
def trainings(draw: st.DrawFn, letters: str) -> Training:
    """An invoice of the generator's model: training or not, valid values only."""
    start = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 11, 1)))
    days = sorted(
        {start + timedelta(days=d) for d in draw(st.lists(st.integers(0, 30), max_size=4))}
        | {start}
    )
    name = draw(_words(letters, 2)) + " " + draw(_words(letters, 1))
    es = Entrepreneur(name, "es@example.org", name, "formatrice", "Montpellier", Style())
    common = dict(
        number=draw(st.from_regex(r"\AF[A-Z]{0,3}-20[0-9]{2}-[0-9]{3,5}\Z")),
        date=draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))),
        es=es,
        client=draw(_words(letters + " ,'-&", 4)),
        client_type=draw(
            st.sampled_from(
                ["entreprise", "particulier", "opco", "organisme de formation", "public"]
            )
        ),
        amount=draw(st.integers(0, 99_999_999)) / 100,
    )
    if not draw(st.booleans()):
        return Training(**common)
    return Training(
        **common,
        title=draw(_words(letters, 5)),
        place=draw(
            st.sampled_from(
                [
                    "distanciel",
                    "12 rue des Lilas, 34000 Montpellier",
                    "Salle « Équinoxe »; 2e étage",
                ]
            )
        ),
        slots=days_slots(*days),
        trainees=draw(st.lists(_words(letters, 3), max_size=5)),
        status=draw(
            st.sampled_from(["salarié", "apprenti", "demandeur d'emploi", "particulier", "autre"])
        ),
        bpf=draw(st.sampled_from(["C1", "C2a", "C2h", "C3", "C10", "C11"])),
        objective=draw(st.sampled_from(["F3a6", "F3aCQP", "F3d", "F3f"])),
        nsf=draw(st.sampled_from(["315", "100", "336", "031"])),
        subcontracting=draw(st.sampled_from(["non", "reçue", "confiée"])),
        distance=draw(st.sampled_from(["non", "partiel", "total"])),
    )


def expected(t: Training) -> Invoice:
    """What read_export must give for the generator's invoice, as the CONTRACT reads it."""
    common = Invoice(
        number=t.number,
        date=t.date,
        entrepreneur=t.es.name.strip(),
        client=t.client.strip(),
        client_type=t.client_type,
        amount_ht=round(t.amount, 2),
    )
    if not t.training:
        return common
    return dataclasses.replace(
        common,
        title=t.title,
        place=t.place,
        start=t.start,
        end=t.end,
        hours=t.hours,
        trainee_count=len(t.trainees),
        trainees=tuple(t.trainees),
        statuses=(t.status,),
        trainee_hours=t.trainee_hours,
        bpf_code=t.bpf,
        objective=t.objective,
        nsf=t.nsf,
        subcontracting={"reçue": "recue", "confiée": "confiee"}.get(t.subcontracting, "non"),
        distance=t.distance,
    )


# Optional columns a person may leave empty, and what an empty cell means (CONTRACT).
WHEN_EMPTY: dict[str, dict[str, object]] = {
    "Client": {"client": ""},
    "Type client": {"client_type": ""},
    "Intitulé formation": {"title": ""},
    "Lieu": {"place": ""},
    "Date début": {"start": None},
    "Date fin": {"end": None},
    "Durée (h)": {"hours": None},
    "Nb stagiaires": {"trainee_count": None},
    "Stagiaires": {"trainees": ()},
    "Statut stagiaires": {"statuses": ()},
    "Heures stagiaires": {"trainee_hours": None},
    "Code BPF": {"bpf_code": ""},
    "Objectif": {"objective": ""},
    "NSF": {"nsf": ""},
    "Montant HT": {"amount_ht": None},
    "Sous-traitance": {"subcontracting": "non"},
    "Distanciel": {"distance": "non"},
}
# Columns an invoicing module adds that the CONTRACT does not name ("Statut" is read).
EXTRA_COLUMNS = ("Montant TTC", "TVA", "Commentaire", "Code analytique", "Réf. interne", "")
EXTRA_CELL_LETTERS = "abcdé ;,\"'\n\t0123456789"  # separators, quotes and line ends inside


HEADER_SPELLINGS = (
    lambda name: name,
    str.upper,
    str.lower,
    lambda name: f" {name} ",
    lambda name: unicodedata.normalize("NFD", name),
    lambda name: "".join(
        c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c)
    ),
)


@st.composite
def tables(
    draw: st.DrawFn, letters: str, unicode: bool = True
) -> tuple[list[str], list[list[str]], list[Invoice]]:
    """A header, its rows and the invoices they hold: columns shuffled, extra columns,
    optional cells emptied."""
    invoices = draw(st.lists(trainings(letters), min_size=1, max_size=6))
    header = list(INVOICE_COLUMNS)
    rows = [invoice_row(t) for t in invoices]
    wanted = [expected(t) for t in invoices]
    amount = header.index("Montant HT")
    # Amounts as spreadsheets format them: thousands apart by a (no-break) space or a dot.
    seps = [" ", "\u00a0", ".", ""] + ["\u202f"] * unicode
    units = ["", " €", "€"] if "œ" in letters else [""]  # Latin-1 has no €
    for i, row in enumerate(rows):
        sep, unit = draw(st.sampled_from(seps)), draw(st.sampled_from(units))
        row[amount] = row[amount].replace(" ", sep) + unit
        for column in draw(st.lists(st.sampled_from(sorted(WHEN_EMPTY)), max_size=4)):
            row[header.index(column)] = ""
            wanted[i] = dataclasses.replace(wanted[i], **WHEN_EMPTY[column])  # type: ignore[arg-type]
    for name in draw(st.lists(st.sampled_from(EXTRA_COLUMNS), max_size=3, unique=True)):
        header.append(name)
        for row in rows:
            row.append(draw(st.text(alphabet=EXTRA_CELL_LETTERS + letters[-3:], max_size=20)))
    # Column names "without regard to case and accents" (CONTRACT), as people retype them.
    # (A decomposed accent exists only in Unicode encodings.)
    spellings = HEADER_SPELLINGS if unicode else HEADER_SPELLINGS[:4] + HEADER_SPELLINGS[5:]
    header = [draw(st.sampled_from(spellings))(name) for name in header]
    order = draw(st.permutations(range(len(header))))
    return [header[i] for i in order], [[row[i] for i in order] for row in rows], wanted


def _csv(header: list[str], rows: list[list[str]], sep: str, newline: str) -> str:
    buf = io.StringIO()
    # csv.writer quotes a cell holding a character of its line end only: with "\r" alone, a
    # "\n" inside a cell would go unquoted (office software quotes it), so quote every cell.
    quoting = csv.QUOTE_ALL if newline == "\r" else csv.QUOTE_MINIMAL
    writer = csv.writer(buf, delimiter=sep, lineterminator=newline, quoting=quoting)
    writer.writerows([header, *rows])
    return buf.getvalue()


@IO
@given(invoices=st.lists(trainings(LATIN1_LETTERS + CP1252_EXTRA), min_size=1, max_size=8))
def test_the_generators_export_reads_back_field_for_field(
    tmp_path_factory: pytest.TempPathFactory, invoices: list[Training]
) -> None:
    path = tmp_path_factory.mktemp("export") / "factures.csv"
    path.write_bytes(export_csv(invoices))
    result = read_export(path)
    assert result.skipped == []
    assert result.invoices == [expected(t) for t in invoices]


ENCODINGS = {
    "utf-8": LATIN1_LETTERS + CP1252_EXTRA,
    "utf-8-sig": LATIN1_LETTERS + CP1252_EXTRA,
    "cp1252": LATIN1_LETTERS + CP1252_EXTRA,
    "latin-1": LATIN1_LETTERS,
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("sep", [";", ",", "\t"], ids=["semicolon", "comma", "tab"])
@GRID
@given(data=st.data(), newline=st.sampled_from(["\r\n", "\n", "\r"]))
def test_csv_in_any_encoding_separator_and_column_order_reads_back(
    tmp_path_factory: pytest.TempPathFactory, encoding: str, sep: str, data: st.DataObject,
    newline: str,
) -> None:  # fmt: skip
    header, rows, wanted = data.draw(tables(ENCODINGS[encoding], encoding.startswith("utf")))
    path = tmp_path_factory.mktemp("export") / "factures.csv"
    path.write_bytes(_csv(header, rows, sep, newline).encode(encoding))
    result = read_export(path)
    assert result.skipped == []
    assert result.invoices == wanted


def _xlsx_cell(value: str, column: str, typed: bool) -> object:
    """What a spreadsheet holds: real dates and numbers when ``typed``, else the text."""
    if not typed or not value:
        return value
    if column.startswith("Date"):
        return datetime.strptime(value, "%d/%m/%Y")
    if column == "Montant HT":
        return int("".join(c for c in value if c.isdigit())) / 100
    if column in {"Durée (h)", "Heures stagiaires"}:
        return float(value.replace(",", "."))
    if column in {"Nb stagiaires", "NSF"} and not value.startswith("0"):
        return int(value)
    return value


@IO
@given(data=st.data(), typed=st.booleans())
def test_xlsx_with_real_dates_and_numbers_reads_back(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, typed: bool
) -> None:
    header, rows, wanted = data.draw(tables(LATIN1_LETTERS + CP1252_EXTRA))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(v, c, typed) for v, c in zip(row, header, strict=True)])
    path = tmp_path_factory.mktemp("export") / "factures.xlsx"
    book.save(path)
    result = read_export(path)
    assert result.skipped == []
    assert result.invoices == wanted


REQUIRED = ("N° facture", "Date facture", "Entrepreneur")


@IO
@given(
    invoices=st.lists(trainings(LATIN1_LETTERS), min_size=1, max_size=6),
    emptied=st.lists(st.tuples(st.integers(0, 5), st.sampled_from(REQUIRED)), max_size=4),
)
def test_an_empty_required_cell_skips_its_row_with_a_reason(
    tmp_path_factory: pytest.TempPathFactory,
    invoices: list[Training],
    emptied: list[tuple[int, str]],
) -> None:
    rows = [invoice_row(t) for t in invoices]
    blank = {(i % len(rows), column) for i, column in emptied}
    for i, column in blank:
        rows[i][INVOICE_COLUMNS.index(column)] = " "
    path = tmp_path_factory.mktemp("export") / "factures.csv"
    path.write_bytes(export_csv([], rows))
    result = read_export(path)
    bad = sorted({i for i, _ in blank})
    assert [n for n, _ in result.skipped] == [i + 2 for i in bad]  # the header is row 1
    for (_, reason), i in zip(result.skipped, bad, strict=True):
        columns = {c for j, c in blank if j == i}
        said = {"N° facture": "numéro de facture vide", "Entrepreneur": "entrepreneur vide",
                "Date facture": "Date facture vide"}  # fmt: skip
        assert any(said[c] in reason for c in columns)
    assert result.invoices == [expected(t) for i, t in enumerate(invoices) if i not in bad]


cell_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["nan", "inf", "-inf", "1e400", "NaN", "N/A", "—", "0", "-1", "1_000", "31/02/2026"]
    ),
)


@IO
@given(
    invoice=trainings(LATIN1_LETTERS),
    column=st.sampled_from(INVOICE_COLUMNS),
    value=cell_text,
)
def test_any_cell_text_is_read_or_reported_never_a_crash(
    tmp_path_factory: pytest.TempPathFactory, invoice: Training, column: str, value: str
) -> None:
    row = invoice_row(invoice)
    row[INVOICE_COLUMNS.index(column)] = value
    path = tmp_path_factory.mktemp("export") / "factures.csv"
    path.write_bytes(_csv(INVOICE_COLUMNS, [row], ";", "\r\n").encode("utf-8"))
    result = read_export(path)
    assert len(result.invoices) + len(result.skipped) == 1
    for inv in result.invoices:
        for number in (inv.hours, inv.trainee_hours, inv.amount_ht):
            assert number is None or math.isfinite(number), f"{column} « {value} »"
    for _, reason in result.skipped:
        assert reason.strip()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@IO
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_any_bytes_are_read_or_refused_in_french(
    tmp_path_factory: pytest.TempPathFactory, suffix: str, content: bytes
) -> None:
    path = tmp_path_factory.mktemp("export") / f"factures{suffix}"
    path.write_bytes(content)
    try:
        read_export(path)
    except UsageError as exc:
        assert path.name in str(exc)
