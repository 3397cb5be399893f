"""Attendance sheets of random layouts (samples/gen/layouts.py): seeded, covering, and
their truth is what is printed."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date

import numpy as np
import pypdfium2 as pdfium
import pytest

from samples.gen.layouts import (
    MARKS,
    TUNED,
    Choices,
    LayoutSheet,
    _kinds,
    draw_choices,
    draw_sheet,
    random_sheets,
)
from samples.gen.model import APREM, MATIN

COUNT = 45  # enough for photographed documents of several pages
HALVES = (MATIN, APREM)


@pytest.fixture(scope="module")
def sheets() -> list[LayoutSheet]:
    return list(random_sheets(COUNT))


def _text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def test_the_set_is_a_pure_function_of_count_and_seed(sheets: list[LayoutSheet]) -> None:
    again = list(random_sheets(5))
    assert [s.truth for s in again] == [s.truth for s in sheets[:5]]
    digital = [(a, b) for a, b in zip(again, sheets, strict=False) if a.rendering == "digital"]
    assert digital and all(a.data == b.data for a, b in digital)
    assert [s.truth for s in random_sheets(5, seed=16)] != [s.truth for s in again]


def test_truth_has_one_cell_per_trainee_and_half_day_with_a_known_mark(
    sheets: list[LayoutSheet],
) -> None:
    for sheet in sheets:
        cells = Counter((c["trainee"], c["date"], c["half_day"]) for c in sheet.sessions)
        assert cells and max(cells.values()) == 1, sheet.name
        for c in sheet.sessions:
            assert c["mark"] == MARKS[c["kind"]], sheet.name
            assert c["signed"] == (c["mark"] == "signed")
        slots = [(t["date"], t["half_day"]) for t in sheet.trainer_signed]
        assert len(slots) == len(set(slots)), sheet.name
        assert sheet.family == Choices(**sheet.choices).family
        assert sheet.name.endswith(".jpg" if sheet.rendering == "photo" else ".pdf")


def test_a_photographed_document_s_pages_share_out_its_cells(sheets: list[LayoutSheet]) -> None:
    photos = [s for s in sheets if s.rendering == "photo" and s.pages == 1]
    by_doc: dict[str, list[LayoutSheet]] = {}
    for s in photos:
        by_doc.setdefault(s.name[:3], []).append(s)
    multi = [items for items in by_doc.values() if len(items) > 1]
    assert multi, "no photographed document of several pages in the set"
    for items in multi:
        keys = [(c["trainee"], c["date"], c["half_day"]) for s in items for c in s.sessions]
        assert len(keys) == len(set(keys))
        assert [s.details["page"] for s in items] == list(range(1, len(items) + 1))


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w·'()]+", text.lower()))


def test_the_born_digital_text_layer_holds_the_headers_names_and_typed_marks(
    sheets: list[LayoutSheet],
) -> None:
    digital = [s for s in sheets if s.rendering == "digital"]
    for sheet in digital:
        text = _text(sheet.data)
        words = _words(text)
        ch = Choices(**sheet.choices)
        held = {c["half_day"] for c in sheet.sessions}
        heads = [ch.title] + [w for w, h in zip(ch.half_words, HALVES, strict=True) if h in held]
        if ch.axis != "cols":
            heads += list(ch.split_heads) if ch.names == "split" else [ch.name_head]
        if ch.trainer not in ("tnone",):
            heads.append(ch.trainer_head)
        for head in heads:
            assert _words(head) <= words, (sheet.name, head)
        for trainee in {c["trainee"] for c in sheet.sessions}:
            written = ch.hand_names  # pictures of handwriting: never in the text layer
            assert (_words(trainee) <= words) != written, (sheet.name, trainee)
        online = [c for c in sheet.sessions if c["kind"] in ("esign", "esign-image")]
        boxes = sum(len(t["pages"]) for t in sheet.trainer_signed if t["signed"])
        expected = len(online) + (boxes if ch.habit == "online" else 0)
        assert text.count("Signé le") == expected, sheet.name
        assert ("Signé le" in text) == (ch.habit == "online" and expected > 0)


def test_the_draw_covers_every_structure_ruling_and_kind_of_mark() -> None:
    seen: dict[str, set[str]] = {}
    kinds: set[str] = set()
    families: set[str] = set()
    for i in range(60):
        rng = random.Random(f"cover:{i}")
        ch = draw_choices(rng)
        for key, value in ch.telling().items():
            seen.setdefault(key, set()).add(value)
        families.add(ch.family)
        if i < 25:
            kinds |= {c["kind"] for c in draw_sheet(rng, ch).sessions}
    assert seen["axis"] == {"rows", "cols", "single"}
    assert seen["date"] == {"head", "title", "block", "rows"}
    assert seen["trainer"] == {"trow", "tcol", "tbox", "tnone"}
    assert seen["ruling"] == {"full", "horizontal", "frame"}
    assert {"split", "joined first-last", "joined last-first"} <= seen["names"]
    assert seen["orientation"] == {"portrait", "landscape"}
    assert seen["names by hand"] == {"yes", "no"}
    assert kinds == set(MARKS)
    assert families & TUNED and families - TUNED


def test_a_long_table_continues_on_a_second_page_with_its_header() -> None:
    for i in range(80):
        rng = random.Random(f"long:{i}")
        ch = draw_choices(rng)
        if ch.long and ch.date_at == "head":
            break
    else:
        pytest.fail("no long table drawn")
    doc = draw_sheet(rng, ch)
    assert doc.details["continued"] and doc.pages >= 2
    pdf = pdfium.PdfDocument(doc.pdf)
    for i in range(len(pdf)):
        page_words = _words(pdf[i].get_textpage().get_text_range())
        assert _words(ch.half_words[0]) <= page_words or _words(ch.half_words[1]) <= page_words


def _ink(page: np.ndarray, box: list[float], scale: float) -> float:
    """Share of dark pixels inside a cell, its rulings trimmed off."""
    left, top, right, bottom = (int(v * scale) for v in box)
    inner = page[top + 3 : bottom - 2, left + 3 : right - 2]
    return float((inner < 128).mean()) if inner.size else 0.0


def test_each_cell_holds_what_its_truth_says(sheets: list[LayoutSheet]) -> None:
    """Rendered born-digital pages: an empty cell is blank, every other kind has ink."""
    scale = 72 / 72
    seen: set[str] = set()
    for sheet in (s for s in sheets if s.rendering == "digital"):
        doc = pdfium.PdfDocument(sheet.data)
        pages = [np.asarray(doc[i].render(scale=scale, grayscale=True).to_pil().convert("L"))
                 for i in range(len(doc))]  # fmt: skip
        for cell in sheet.sessions:
            ink = _ink(pages[cell["page"] - 1], cell["box"], scale)
            if cell["kind"] == "empty":
                assert ink == 0.0, (sheet.name, cell)
            else:
                assert ink > 0.002, (sheet.name, cell)
            seen.add(cell["kind"])
    assert {"empty", "signed"} <= seen


def test_an_online_sheet_whose_every_cell_drew_another_mark_is_still_drawn() -> None:
    class EveryCellOther(random.Random):
        def random(self) -> float:  # every cell draws a mark other than a signature
            return 0.0

    keys = [("Léa Durand", date(2026, 3, d), MATIN) for d in (2, 3, 4, 5)]
    kinds = _kinds(EveryCellOther(1), keys, "online")
    assert set(kinds) == set(keys)
    assert not {"esign", "esign-image"} & set(kinds.values())
