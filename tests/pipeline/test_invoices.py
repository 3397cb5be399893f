"""Reading the invoicing export as French office software writes it."""

from __future__ import annotations

import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import UsageError
from pipeline.invoices import header_key, read_export
from pipeline.store import Store
from tests.conftest import run_measured, write_config

HEADER = (
    "N° facture;Date facture;Entrepreneur;Client;Type client;Intitulé formation;Lieu;"
    "Date début;Date fin;Durée (h);Nb stagiaires;Stagiaires;Statut stagiaires;"
    "Heures stagiaires;Code BPF;Objectif;NSF;Montant HT;Sous-traitance;Distanciel"
)
ROWS = [
    "FA-2026-0142;14/03/2026;Camille Rousseau;Boulangerie Dupain SARL;entreprise;"
    "Gestion du stress au travail;12 rue des Lilas, 34000 Montpellier;10/03/2026;11/03/2026;"
    "14;2;Léa Martin, Paul Durand;salarié;24,5;c2h;F3d;315;2 450,00;non;non",
    "FA-2026-0143;15/03/2026;Camille Rousseau;Mairie;public;;;;;;;;;;;;;1 200,00;non;non",
    ";15/03/2026;Camille Rousseau;Sans numéro;entreprise;X;;;;;;;;;;;;;;",
    "FA-2026-0144;31/02/2026;Camille Rousseau;Date fausse;entreprise;X;;;;;;;;;;;;;;",
]


def write_csv(path: Path, rows: list[str], encoding: str = "cp1252") -> Path:
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding))
    return path


def test_windows_1252_csv_with_decimal_comma(tmp_path: Path) -> None:
    result = read_export(write_csv(tmp_path / "export.csv", ROWS))
    first = result.invoices[0]
    assert first.number == "FA-2026-0142" and first.date == date(2026, 3, 14)
    assert first.trainees == ("Léa Martin", "Paul Durand")
    assert first.trainee_hours == 24.5 and first.amount_ht == 2450.0
    assert first.bpf_code == "C2h" and first.is_training


def test_non_training_invoice_is_recognised(tmp_path: Path) -> None:
    result = read_export(write_csv(tmp_path / "export.csv", ROWS))
    assert not result.invoices[1].is_training


def test_unusable_rows_are_reported_with_their_line_and_reason(tmp_path: Path) -> None:
    result = read_export(write_csv(tmp_path / "export.csv", ROWS))
    assert [n for n, _ in result.skipped] == [4, 5]
    assert "numéro de facture vide" in result.skipped[0][1]
    assert "31/02/2026" in result.skipped[1][1]


def test_utf8_with_bom_reads_the_same(tmp_path: Path) -> None:
    a = read_export(write_csv(tmp_path / "a.csv", ROWS[:1])).invoices
    b = read_export(write_csv(tmp_path / "b.csv", ROWS[:1], encoding="utf-8-sig")).invoices
    assert a == b


def test_xlsx_with_real_dates_and_numbers(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        [
            {
                "N° FACTURE": "FA-2026-0150",
                "date facture": pd.Timestamp(2026, 4, 2),
                "Entrepreneur": "Camille Rousseau",
                "Intitulé formation": "Excel",
                "Montant HT": 980.5,
                "NSF": 324,
                "Nb stagiaires": 3.0,
            }
        ]
    )
    path = tmp_path / "export.xlsx"
    frame.to_excel(path, index=False)
    inv = read_export(path).invoices[0]
    assert inv.date == date(2026, 4, 2) and inv.amount_ht == 980.5
    assert inv.nsf == "324" and inv.trainee_count == 3


def test_mapped_column_names(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Numéro;Date;ES\nFA-1;01/01/2026;Camille Rousseau\n", encoding="utf-8")
    mapping = {"Numéro": "N° facture", "Date": "Date facture", "ES": "Entrepreneur"}
    assert read_export(path, mapping).invoices[0].number == "FA-1"


def test_header_key_ignores_case_accents_and_punctuation() -> None:
    assert header_key("N° Facture") == header_key("n facture") == "nfacture"
    assert header_key("Durée (h)") == "dureeh"


def test_reimport_is_idempotent_and_updates_changes(tmp_path: Path, store: Store) -> None:
    from tests.conftest import NOW

    invoices = read_export(write_csv(tmp_path / "e.csv", ROWS)).invoices
    first = store.upsert_invoices(invoices, NOW)
    again = store.upsert_invoices(invoices, NOW)
    assert (first.new, again.new, again.unchanged) == (2, 0, 2)
    changed = read_export(write_csv(tmp_path / "f.csv", [ROWS[0].replace("2 450,00", "2 500,00")]))
    assert store.upsert_invoices(changed.invoices, NOW).updated == 1
    stored = store.invoice("FA-2026-0142")
    assert stored is not None and stored.amount_ht == 2500.0
    assert stored.trainees == ("Léa Martin", "Paul Durand")


def test_tab_separated_and_utf16_exports(tmp_path: Path) -> None:
    a = read_export(write_csv(tmp_path / "a.csv", ROWS[:1])).invoices
    tab = [HEADER.replace(";", "\t"), ROWS[0].replace(";", "\t")]
    path = tmp_path / "b.txt"
    path.write_bytes("\r\n".join(tab).encode("utf-16"))  # Excel's "Texte Unicode"
    assert read_export(path).invoices == a
    path.write_bytes("\r\n".join(tab).encode("cp1252"))
    assert read_export(path).invoices == a


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (f"{HEADER}\r\n{ROWS[0]};en trop\r\n".encode("cp1252"), "la ligne 2 a 21 cellules pour 20"),
        (b"", "vide"),
        (f"{HEADER}\r\n{ROWS[0]}\x81\r\n".encode("cp1252", "ignore") + b"\x81", ""),
    ],
)
def test_unreadable_csv_is_a_french_usage_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    if not message:  # a byte Windows-1252 leaves undefined is read, not a traceback
        assert read_export(path).invoices[0].number == "FA-2026-0142"
        return
    with pytest.raises(UsageError, match=message):
        read_export(path)


def test_a_separator_ending_every_data_line_shifts_nothing(tmp_path: Path) -> None:
    # pandas took the first column of such a file as its index: every cell moved left.
    a = read_export(write_csv(tmp_path / "a.csv", ROWS[:2])).invoices
    assert read_export(write_csv(tmp_path / "b.csv", [r + ";" for r in ROWS[:2]])).invoices == a


@pytest.mark.parametrize("cell", ["nan", "inf", "1e400", "1_000"])
@pytest.mark.parametrize(("column", "index"), [("Montant HT", 17), ("Nb stagiaires", 10)])
def test_words_python_reads_as_numbers_are_not_figures(
    tmp_path: Path, cell: str, column: str, index: int
) -> None:
    # float() read them: an amount of NaN € went into the BPF; "inf" trainees was a traceback.
    row = ROWS[0].split(";")
    row[index] = cell
    result = read_export(write_csv(tmp_path / "e.csv", [";".join(row)]))
    assert result.invoices == []
    assert result.skipped == [(2, f"{column} « {cell} » n'est pas un nombre")]


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 cut short", b"N\xb0 facture;Date"])
def test_a_damaged_or_renamed_xlsx_is_a_french_usage_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    with pytest.raises(UsageError, match="classeur Excel illisible"):
        read_export(path)


def test_mac_line_ends(tmp_path: Path) -> None:
    a = read_export(write_csv(tmp_path / "a.csv", ROWS[:2])).invoices
    path = tmp_path / "b.csv"
    path.write_bytes(("\r".join([HEADER, *ROWS[:2]]) + "\r").encode("cp1252"))
    assert read_export(path).invoices == a


# -- exports that would cost too much to read (#14) ----------------------------------------------


def measured_cli(*args: str) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """Run the real ``dossiers`` command; also its time (s) and its own peak memory (MB)."""
    done = run_measured(*args)
    return done.run, done.seconds, done.peak_kb // 1024


def xlsx_with_sheet(path: Path, rows_xml: Iterator[bytes]) -> Path:
    """A workbook written by pandas whose first sheet's XML is replaced by ``rows_xml``
    (streamed into the zip: a huge sheet never sits in memory)."""
    pd.DataFrame([{"N° facture": "FA-1"}]).to_excel(tmp := path.with_suffix(".src.xlsx"))
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(item, src.read(item))
                continue
            with dst.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                            b'<worksheet xmlns="http://schemas.openxmlformats.org/'
                            b'spreadsheetml/2006/main"><sheetData>')  # fmt: skip
                for block in rows_xml:
                    sheet.write(block)
                sheet.write(b"</sheetData></worksheet>")
    return path


def header_row() -> bytes:
    cells = [("A", "N° facture"), ("B", "Date facture"), ("C", "Entrepreneur")]
    return (
        b'<row r="1">'
        + b"".join(
            f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'.encode()
            for col, name in cells
        )
        + b"</row>"
    )


def one_row_of_cells(megabytes: int) -> Iterator[bytes]:
    """The header, then one row of ``megabytes`` MB of repeated cells (what took 253 s and
    2.5 GB at 600 MB: openpyxl holds a whole row at once)."""
    yield header_row()
    yield b'<row r="2">'
    cell = b'<c r="A2" t="inlineStr"><is><t>x</t></is></c>'
    block = cell * (1024 * 1024 // len(cell))  # 1 MB
    for _ in range(megabytes):
        yield block
    yield b"</row>"


def test_an_xlsx_inflating_to_600_mb_is_refused_on_its_declared_sizes_without_inflating_it(
    tmp_path: Path,
) -> None:
    bomb = xlsx_with_sheet(tmp_path / "factures.xlsx", one_row_of_cells(600))
    assert bomb.stat().st_size < 5 * 1024 * 1024

    run, seconds, peak = measured_cli(
        "--config", str(write_config(tmp_path)), "import-invoices", str(bomb)
    )

    assert run.returncode == 2
    assert "factures.xlsx : le classeur ferait 600 Mo une fois décompressé, plus que les " \
           "250 Mo admis" in run.stderr  # fmt: skip
    assert seconds < 60 and peak < 400, (seconds, peak)  # was 253 s and 2.5 GB


def test_an_xlsx_row_of_millions_of_cells_under_the_unzipped_limit_is_refused_before_openpyxl(
    tmp_path: Path,
) -> None:
    bomb = xlsx_with_sheet(tmp_path / "factures.xlsx", one_row_of_cells(200))

    run, seconds, peak = measured_cli(
        "--config", str(write_config(tmp_path)), "import-invoices", str(bomb)
    )

    assert run.returncode == 2
    assert "la ligne 2 du classeur tient plus de 256 Ko" in run.stderr
    assert seconds < 60 and peak < 400, (seconds, peak)  # openpyxl passed 4 GB in a minute


def test_an_xlsx_of_a_thousand_parts_is_refused_before_they_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "factures.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        for n in range(1001):
            book.writestr(f"xl/media/image{n}.png", b"")
    with pytest.raises(UsageError, match="plus de 1000 parties"):
        read_export(path)


def test_an_xlsx_lying_about_a_part_s_size_is_unreadable_not_inflated_past_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "factures.xlsx"
    pd.DataFrame([{"N° facture": "FA-1", "Date facture": "01/03/2026"}]).to_excel(path)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as book:
        local = book.getinfo(name.decode()).header_offset
    # Its declared size says one byte, in its local header and in the central directory.
    data[local + 22 : local + 26] = (1).to_bytes(4, "little")
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
    data[central + 24 : central + 28] = (1).to_bytes(4, "little")
    path.write_bytes(bytes(data))

    with pytest.raises(UsageError, match="classeur Excel illisible"):
        read_export(path)


def test_a_csv_with_a_300_mb_line_is_refused_on_its_size_without_being_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "factures.csv"
    with path.open("wb") as f:
        f.write(f"{HEADER}\r\nFA-2026-0142;14/03/2026;".encode("cp1252"))
        for _ in range(300):
            f.write(b";" * (1024 * 1024))

    run, seconds, peak = measured_cli(
        "--config", str(write_config(tmp_path)), "import-invoices", str(path)
    )

    assert run.returncode == 2
    assert "factures.csv : 300 Mo, plus que les 50 Mo admis pour un export de factures" in (
        run.stderr
    )
    assert seconds < 60 and peak < 400, (seconds, peak)  # was 1.9 GB


@pytest.mark.parametrize(
    ("row", "where"),
    [
        (b"FA-1;14/03/2026;" + b";" * (40 * 1024 * 1024) + b"\r\n", "la ligne 2 dépasse"),
        (
            b'FA-1;14/03/2026;"' + b"x\r\n" * (10 * 1024 * 1024) + b'"\r\n',
            "la ligne 2 (à 21841) dépasse",  # where the row began, and where it was stopped
        ),
    ],
    ids=["40-mb-of-separators", "30-mb-in-a-quote-never-closed"],
)
def test_a_csv_row_of_tens_of_mb_under_the_size_limit_is_refused_before_csv_splits_it(
    tmp_path: Path, row: bytes, where: str
) -> None:
    path = tmp_path / "factures.csv"
    path.write_bytes(HEADER.encode("cp1252") + b"\r\n" + row)

    run, seconds, peak = measured_cli(
        "--config", str(write_config(tmp_path)), "import-invoices", str(path)
    )

    assert run.returncode == 2
    assert f"factures.csv : {where} 65 536 caractères" in run.stderr
    assert seconds < 60 and peak < 400, (seconds, peak)


def test_max_bytes_in_the_config_sets_the_limit(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "export.csv", ROWS)
    assert read_export(path, max_bytes=path.stat().st_size).invoices
    with pytest.raises(UsageError, match=r"export\.csv : 0,0 Mo, plus que les 0,0 Mo admis"):
        read_export(path, max_bytes=path.stat().st_size - 1)


def test_a_csv_of_more_rows_than_any_export_is_refused_before_they_become_invoices(
    tmp_path: Path,
) -> None:
    # 45 MB of short rows were 1.2 million lists of cells, then as many invoices.
    path = tmp_path / "factures.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("N° facture;Date facture;Entrepreneur\n")
        f.writelines(f"F{k};01/03/2026;Camille Rousseau\n" for k in range(200_001))
    with pytest.raises(UsageError, match="factures.csv : plus de 200 000 lignes"):
        read_export(path)
