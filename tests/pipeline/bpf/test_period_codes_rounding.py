"""Pure parts of the BPF: the financial year, the form's codes, the rounding of a cadre."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.bpf import codes
from pipeline.bpf.figures import apportion, round_half_up
from pipeline.bpf.period import BpfSettings, drafts_year, financial_year, weekdays
from pipeline.config import load_config
from pipeline.errors import ConfigError
from tests.conftest import write_config


def test_calendar_year_by_default_and_a_year_starting_in_july() -> None:
    calendar = financial_year(2026)
    assert (calendar.first, calendar.last) == (date(2026, 1, 1), date(2026, 12, 31))
    july = financial_year(2026, BpfSettings(year_start="07-01"))
    assert (july.first, july.last) == (date(2025, 7, 1), date(2026, 6, 30))
    assert date(2025, 12, 31) in july and date(2026, 7, 1) not in july


def test_drafts_are_for_the_last_closed_year_within_the_window() -> None:
    settings = BpfSettings()
    assert drafts_year(date(2027, 2, 28), settings) is None
    assert drafts_year(date(2027, 3, 1), settings) == 2026
    assert drafts_year(date(2027, 5, 31), settings) == 2026
    assert drafts_year(date(2027, 6, 1), settings) is None
    july = BpfSettings(year_start="07-01")
    assert drafts_year(date(2027, 3, 1), july) == 2026  # closed on 30 June 2026


def test_bpf_settings_are_read_and_checked(tmp_path: Path) -> None:
    extra = '[bpf]\nyear_start = "07-01"\nfolder = "sorties/bpf"\ndrafts_from = "02-15"\n'
    config = load_config(write_config(tmp_path, extra))
    assert config.bpf.folder == tmp_path / "sorties" / "bpf"
    assert config.bpf.drafts_from == "02-15"
    with pytest.raises(ConfigError, match=r"« bpf\.year_start »"):
        load_config(write_config(tmp_path, '[bpf]\nyear_start = "02-30"\n'))
    with pytest.raises(ConfigError, match=r"« bpf »"):
        load_config(
            write_config(tmp_path, '[bpf]\ndrafts_from = "06-01"\ndrafts_until = "03-01"\n')
        )
    with pytest.raises(ConfigError, match=r"« bpf\.folder » .* en dehors du partage"):
        load_config(write_config(tmp_path, '[bpf]\nfolder = "partage/bpf"\n'))


@given(st.dates(date(2000, 1, 1), date(2090, 1, 1)), st.integers(0, 60))
def test_weekdays_counts_monday_to_friday(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    expected = sum(1 for n in range(length + 1) if (start + timedelta(days=n)).weekday() < 5)
    assert weekdays(start, end) == expected


def test_codes_as_the_export_writes_them() -> None:
    assert [codes.parse_c_line(c) for c in ("C1", "c2H", "C 10", "C2", "C12", "", "F3d")] == [
        "1", "2h", "10", None, None, None, None,
    ]  # fmt: skip
    assert [codes.parse_objective(o) for o in ("F3d", "f3a5", "F3aCQP", "F3a", "d", "F3g")] == [
        "d", "a5", "aCQP", None, "d", None,
    ]  # fmt: skip
    statuses = ("Salarié", "apprentie", "Demandeuse d'emploi", "particulier", "Agent public",
                "retraité")  # fmt: skip
    assert [codes.parse_status(s) for s in statuses] == ["a", "b", "c", "d", "e", None]
    assert [codes.parse_nsf(n) for n in ("315", "315p", "999", "31", "")] == [
        "315", "315", None, None, None,
    ]  # fmt: skip


def test_the_nsf_list_is_the_official_one() -> None:
    labels = codes.nsf_labels()
    assert len(labels) == 93
    assert labels["413"] == "Développement des capacités comportementales et relationnelles"
    assert labels["324"] == "Secrétariat, bureautique"


@given(st.lists(st.integers(-500_000, 5_000_000), min_size=1, max_size=20))
def test_apportioned_lines_add_up_to_the_rounded_total(cents: list[int]) -> None:
    values = {n: c / 100 for n, c in enumerate(cents)}
    whole = apportion(values)
    assert sum(whole.values()) == round_half_up(sum(cents) / 100)
    assert all(abs(whole[k] - values[k]) < 1 for k in values)


def test_rounding_is_half_up_and_ties_go_to_the_first_line() -> None:
    assert round_half_up(12.5) == 13 and round_half_up(0.49) == 0
    assert apportion({"b": 3.5, "d": 10.5}) == {"b": 4, "d": 10}
