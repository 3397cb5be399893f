"""An attendance sheet's fields: its period, trainees, title and trainer, as a reader
would state them, whatever year the sheet is read in and however OCR ordered its labels."""

from __future__ import annotations

from datetime import date

from pipeline.extract import extract, settle
from pipeline.parse import find_dates_anchored
from pipeline.record import DocType

# OCR of a sheet whose header is a two-column box: the labels' column comes out first,
# then the values' column, after the sheet's heading.
STACKED = """\
Atelier Ribaud - Conseil en organisation

Formation :
Formateur-rice :
Dates :

FEUILLE D'ÉMARGEMENT

Organiser son atelier de production
Margot Ribaud
du 08/09/2025 au 09/09/2025

Lieu : 3 rue des Tisserands, 81100 Castres
Lun. 08/09 Mar. 09/09
Nom Prénom Matin Après-midi Matin Après-midi
Gilles Amarante
Océane Toubiana
"""


def _cell(trainee: str, day: str, half: str) -> dict[str, object]:
    return {"date": day, "half_day": half, "trainee": trainee, "signed": True}


def test_a_sheet_read_the_next_year_keeps_its_short_dates_in_the_year_it_prints() -> None:
    text = "Dates : du 08/09/2025 au 09/09/2025\nLun. 08/09   Mar. 09/09"
    assert find_dates_anchored(text, default_year=2026) == [
        date(2025, 9, 8), date(2025, 9, 9), date(2025, 9, 8), date(2025, 9, 9),
    ]  # fmt: skip
    fields = extract(DocType.EMARGEMENT, text, default_year=2026)
    assert (fields["start_date"], fields["end_date"]) == ("2025-09-08", "2025-09-09")


def test_short_dates_of_a_session_across_new_year_take_each_their_own_year() -> None:
    text = "Du 15/12/2025 au 13/01/2026\nMardi 16/12   Lundi 12/01"
    assert find_dates_anchored(text, default_year=2027)[2:] == [date(2025, 12, 16),
                                                                date(2026, 1, 12)]  # fmt: skip


def test_a_sheet_printing_no_whole_date_takes_the_default_year() -> None:
    assert find_dates_anchored("Lun. 08/09   Mar. 09/09", default_year=2026) == [
        date(2026, 9, 8), date(2026, 9, 9),
    ]  # fmt: skip


def test_the_grid_as_read_names_the_trainees_and_the_days_of_the_sheet() -> None:
    read_text = {"trainees": ["Gilles Amarante NNA", "Margot Ribaud AN"],
                 "start_date": "2026-09-08", "end_date": "2026-09-09"}  # fmt: skip
    sessions = [_cell(p, d, h) for p in ("AMARANTE Gilles", "TOUBIANA Océane")
                for d in ("2025-09-08", "2025-09-09") for h in ("matin", "apres-midi")]  # fmt: skip
    fields = settle(DocType.EMARGEMENT, {**read_text, "sessions": sessions})
    assert fields["trainees"] == ["AMARANTE Gilles", "TOUBIANA Océane"]
    assert (fields["start_date"], fields["end_date"]) == ("2025-09-08", "2025-09-09")


def test_a_printed_period_holding_every_day_of_the_grid_is_kept() -> None:
    # The grid read one day of three; the period the sheet prints still holds it.
    fields = {"start_date": "2025-09-08", "end_date": "2025-09-10",
              "sessions": [_cell("Gilles Amarante", "2025-09-09", "matin")]}  # fmt: skip
    settled = settle(DocType.EMARGEMENT, fields)
    assert (settled["start_date"], settled["end_date"]) == ("2025-09-08", "2025-09-10")


def test_a_sheet_whose_grid_was_not_read_keeps_what_its_text_says() -> None:
    fields = {"trainees": ["Gilles Amarante"], "start_date": "2025-09-08"}
    assert settle(DocType.EMARGEMENT, fields) == fields
    assert settle(DocType.ATTESTATION, {"sessions": [_cell("X Y", "2025-09-08", "matin")]}) == {
        "sessions": [_cell("X Y", "2025-09-08", "matin")]
    }


def test_labels_read_as_a_column_before_their_values_get_the_value_of_their_rank() -> None:
    fields = extract(DocType.EMARGEMENT, STACKED, default_year=2026)
    assert fields["training_title"] == "Organiser son atelier de production"
    assert fields["trainer"] == "Margot Ribaud"
    assert (fields["start_date"], fields["end_date"]) == ("2025-09-08", "2025-09-09")


def test_an_empty_label_is_not_the_value_of_the_label_above_it() -> None:
    text = "Formation :\nFormateur-rice :\n\nFEUILLE D'ÉMARGEMENT\n"
    assert "training_title" not in extract(DocType.EMARGEMENT, text, default_year=2026)


def test_a_printed_period_with_a_year_the_grid_does_not_show_gives_way_to_the_grid() -> None:
    # "2075" for "2025": OCR slipped on the period's last year; it still "holds" the grid.
    grid = [_cell("Nora Vasseur", d, "matin") for d in ("2025-02-10", "2025-04-22")]
    fields = {"start_date": "2025-02-10", "end_date": "2075-04-11", "sessions": grid}
    settled = settle(DocType.EMARGEMENT, fields)
    assert (settled["start_date"], settled["end_date"]) == ("2025-02-10", "2025-04-22")
