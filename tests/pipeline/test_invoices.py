"""Reading the invoicing export as French office software writes it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import UsageError
from pipeline.invoices import header_key, read_export
from pipeline.store import Store

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
