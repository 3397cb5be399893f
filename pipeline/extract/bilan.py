"""Fields of an entrepreneur's yearly bilan pédagogique."""

from __future__ import annotations

from typing import Any

from pipeline.extract import common

_DATE_LABELS = ("date", "fait le", "date du bilan", "etabli le", "redige le")


def bilan_pedagogique(text: str, default_year: int | None = None) -> dict[str, Any]:
    """Yearly summary of one entrepreneur: who wrote it, and when."""
    who = common.trainer(text) or common.person_value(common.labelled(text, ("nom", "auteur")))
    return {
        "trainer": who,
        "person": who,
        "date": common.document_date(text, _DATE_LABELS, default_year),
    }
