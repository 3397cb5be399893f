"""The labelled attendance sheets (samples/gen/sheets.py): seeded, covering, consistent."""

from __future__ import annotations

from collections import Counter
from itertools import product

import pypdfium2 as pdfium
import pytest

from pipeline.classify import classify_text
from pipeline.record import DocType
from samples.gen.sheets import KINDS, LAYOUTS, RENDERINGS, Sheet, labelled_sheets

COUNT = 16  # the first round of documents: every layout in every rendering


@pytest.fixture(scope="module")
def sheets() -> list[Sheet]:
    return list(labelled_sheets(COUNT))


def test_the_set_is_deterministic_and_a_longer_set_starts_with_a_shorter_one(
    sheets: list[Sheet],
) -> None:
    again = list(labelled_sheets(7))  # three digital, three scans, a photo
    # the truth holds the seeds of scans and photos: equal truths, equal renderings
    assert [s.truth for s in again] == [s.truth for s in sheets[:7]]
    assert all("seed" in s.details for s in again if s.rendering != "digital")
    for first, second in zip(sheets[:3], again[:3], strict=True):
        assert first.data == second.data, first.name
    assert [s.truth for s in labelled_sheets(3, seed=5)] != [s.truth for s in sheets[:3]]


def test_every_layout_rendering_and_kind_of_cell_is_there(sheets: list[Sheet]) -> None:
    assert len(sheets) == COUNT
    assert {(s.layout, s.rendering) for s in sheets} == set(product(LAYOUTS, RENDERINGS))
    shown = {(s.layout, c["kind"]) for s in sheets for c in s.sessions}
    assert shown == set(product(LAYOUTS, KINDS))
    shown = {(s.rendering, c["kind"]) for s in sheets for c in s.sessions}
    assert shown == set(product(RENDERINGS, KINDS))
    assert any(not t["signed"] for s in sheets for t in s.trainer_signed)
    assert {s.details["abs_word"] for s in sheets} >= {"ABS", "absent"}


def test_truth_has_one_cell_per_trainee_and_slot(sheets: list[Sheet]) -> None:
    for sheet in sheets:
        slots = {(t["date"], t["half_day"]) for t in sheet.trainer_signed}
        assert len(slots) == len(sheet.trainer_signed), sheet.name
        cells = Counter((c["trainee"], c["date"], c["half_day"]) for c in sheet.sessions)
        assert max(cells.values()) == 1, sheet.name
        trainees = {c["trainee"] for c in sheet.sessions}
        assert set(cells) == {(t, d, h) for t in trainees for d, h in slots}, sheet.name
        for c in sheet.sessions:
            assert c["mark"] == {"signed": "signed", "empty": "empty"}.get(c["kind"], "absent")
            assert c["signed"] == (c["mark"] == "signed")
        assert sheet.name.endswith(".jpg" if sheet.rendering == "photo" else ".pdf")


def test_digital_items_are_pdfs_with_their_pages(sheets: list[Sheet]) -> None:
    digital = [s for s in sheets if s.rendering == "digital"]
    assert all(s.data.startswith(b"%PDF") for s in digital)
    assert len(pdfium.PdfDocument(digital[1].data)) == digital[1].pages


def test_a_born_digital_per_trainee_sheet_is_classified_as_emargement(
    sheets: list[Sheet],
) -> None:
    sheet = next(s for s in sheets if s.layout == "trainee" and s.rendering == "digital")
    pdf = pdfium.PdfDocument(sheet.data)
    text = "\f".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Feuille d'émargement individuelle" in text
    assert classify_text(text)[0] is DocType.EMARGEMENT
