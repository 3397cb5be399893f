"""Status filters: by state and by period (trainings that touch it)."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.errors import UsageError
from pipeline.status import parse_period


def test_periods_people_write() -> None:
    assert parse_period("2026") == (date(2026, 1, 1), date(2026, 12, 31))
    assert parse_period("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert parse_period("2026-12") == (date(2026, 12, 1), date(2026, 12, 31))
    assert parse_period("2026-01-15:2026-03-31") == (date(2026, 1, 15), date(2026, 3, 31))
    with pytest.raises(UsageError, match="période « mars »"):
        parse_period("mars")
