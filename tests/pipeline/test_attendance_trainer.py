"""The trainer's signature boxes: an empty box read empty though a neighbour's stroke runs
into it, a signed one signed, and the dossier check that follows."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from pipeline.ocr import OcrSettings, TesserocrEngine
from pipeline.reading import attendance
from pipeline.reading.overflow import without_tails
from samples.gen import render
from tests.pipeline import sheet_layouts as layouts

TUESDAY = date(2026, 4, 14)


@pytest.fixture(scope="module")
def engine() -> TesserocrEngine:
    return TesserocrEngine(OcrSettings())


def _trainer(sheet: attendance.SheetRead) -> dict[str, tuple[bool, bool]]:
    """Each half-day's trainer box: (signed, decided with confidence)."""
    return {
        t["half_day"]: (t["signed"], t["confidence"] >= attendance.REVIEW_BELOW)
        for t in sheet.trainer_signed()
        if t["date"] == TUESDAY.isoformat()
    }


def _last_trainee(sheet: attendance.SheetRead) -> dict[str | None, str]:
    return {
        c.half_day: c.mark
        for c in sheet.cells
        if c.person.startswith("LEBRETON") and c.confidence >= attendance.REVIEW_BELOW
    }


def test_a_trainee_s_underline_sagging_into_the_trainer_s_empty_box_leaves_it_empty(
    engine: TesserocrEngine,
) -> None:
    (sheet,) = attendance.read_pages(layouts.per_day_sheet(run_on="down"), engine, OcrSettings())
    assert _trainer(sheet) == {"matin": (True, True), "apres-midi": (False, True)}
    assert _last_trainee(sheet) == {"matin": "signed", "apres-midi": "signed"}


@pytest.mark.ocr
def test_on_a_scan_the_trainer_s_box_under_a_sagging_underline_is_read_empty(
    engine: TesserocrEngine,
) -> None:
    scan = render.scan(layouts.per_day_sheet(run_on="down"), seed=11)
    (sheet,) = attendance.read_pages(scan, engine, OcrSettings())
    assert _trainer(sheet) == {"matin": (True, True), "apres-midi": (False, True)}
    assert _last_trainee(sheet) == {"matin": "signed", "apres-midi": "signed"}


def test_the_trainer_s_flourish_rising_into_the_cell_above_leaves_that_cell_empty(
    engine: TesserocrEngine,
) -> None:
    (sheet,) = attendance.read_pages(layouts.per_day_sheet(run_on="up"), engine, OcrSettings())
    assert _trainer(sheet) == {"matin": (True, True), "apres-midi": (True, True)}
    assert _last_trainee(sheet) == {"matin": "signed", "apres-midi": "empty"}


def _page(rule_ink: bool, stroke: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """A 200 x 600 page with a rule at row 100 (the cell under it: rows 100-200), ink along
    ``stroke`` (points joined), and, with ``rule_ink``, a stroke above the rule."""
    import cv2

    ink = np.zeros((200, 600), np.uint8)
    lines = np.zeros_like(ink)
    cv2.line(ink, (0, 100), (599, 100), 255, 2)
    cv2.line(lines, (0, 100), (599, 100), 255, 4)
    cv2.polylines(ink, [np.array(stroke, np.int32)], False, 255, 3)
    if rule_ink:
        cv2.line(ink, (60, 86), (140, 92), 255, 3)
    return ink, lines


def _kept(ink: np.ndarray, lines: np.ndarray) -> float:
    box, inner = (0, 100, 600, 200), (8, 108, 592, 192)
    marks = ink[inner[1] : inner[3], inner[0] : inner[2]].copy()
    marks[lines[inner[1] : inner[3], inner[0] : inner[2]] > 0] = 0
    return float(without_tails(marks, inner, box, ink, lines).mean())


def test_a_flat_stroke_coming_in_over_the_rule_is_a_neighbour_s_and_is_left_out() -> None:
    tail = [(140, 95), (250, 118), (400, 112), (480, 104)]
    assert _kept(*_page(True, tail)) == 0.0


def test_a_mark_that_only_touches_the_rule_or_reaches_deep_into_the_cell_is_kept() -> None:
    # A flat stroke from the rule down, nothing across it: the cell's own.
    assert _kept(*_page(False, [(140, 103), (250, 118), (400, 112), (480, 104)])) > 0
    deep = [(140, 95), (200, 180), (260, 120), (330, 175), (400, 110)]
    assert _kept(*_page(True, deep)) > 0  # a signature written up over the rule


def _day_with_trainer_row(afternoon: bool | str = False) -> bytes:
    """ "Bénéficiaire | Matin | Après-midi", two trainees, then the trainer's row labelled
    "Signature formateur : Jeanne Roussel" in the name column, signed in the morning; its
    afternoon box as ``afternoon`` says (signed, empty, or a typed word)."""
    import random

    from reportlab.lib.pagesizes import A4

    from samples.gen.pen import Pen

    pen = Pen(random.Random(23))
    pen.new_page()
    width, height = A4
    pen.text(width / 2, height - 60, "Journée du mardi 14 avril 2026", 13, "Helvetica-Bold",
             align="center")  # fmt: skip
    header = ("Bénéficiaire", "Matin (9h-12h30)", "Après-midi (13h30-17h)")
    rows = [
        layouts.Row(("LACOMBE Irène",), (True, True)),
        layouts.Row(("MOUSSA Karim",), (True, False)),
        layouts.Row(("Signature formateur : Jeanne Roussel",), (True, afternoon)),
    ]
    layouts._table(pen, 60, height - 100, [190, 150, 150], header, rows, 1, 40)
    return pen.finish()[0]


def test_a_trainer_row_whose_label_read_alone_keeps_only_the_name_is_still_the_trainer_s(
    engine: TesserocrEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.reading import sheet_grid

    read_alone = sheet_grid._name_read

    def name_only(page: object, box: tuple[int, int, int, int]) -> tuple[str, float]:
        # A photo's crop read keeps the name and drops the bold words above it.
        text, sure = read_alone(page, box)  # type: ignore[arg-type]
        return text.split(":")[-1].strip(), sure

    monkeypatch.setattr(sheet_grid, "_name_read", name_only)
    (sheet,) = attendance.read_pages(_day_with_trainer_row(), engine, OcrSettings())
    assert {c.person for c in sheet.cells} == {"LACOMBE Irène", "MOUSSA Karim"}
    assert _trainer(sheet) == {"matin": (True, True), "apres-midi": (False, True)}


def test_a_trainer_box_read_absent_goes_to_review_rather_than_reporting_a_missing_signature(
    engine: TesserocrEngine,
) -> None:
    (sheet,) = attendance.read_pages(_day_with_trainer_row("Absent"), engine, OcrSettings())
    assert _trainer(sheet) == {"matin": (True, True), "apres-midi": (False, False)}
    assert [c.mark for c in sheet.doubtful()] == ["absent"]


def test_the_trainer_s_box_read_empty_under_a_sagging_underline_reports_the_missing_signature(
    engine: TesserocrEngine,
) -> None:
    from pipeline.marks import attendance_fields
    from pipeline.rules import evaluate
    from pipeline.store import DocumentRow
    from tests.pipeline.test_presence import invoice

    sheets = attendance.read_pages(layouts.per_day_sheet(run_on="down"), engine, OcrSettings())
    trainees = tuple(f"{first} {last.title()}" for last, first, *_ in layouts.DAY_PEOPLE)
    bill = invoice(start=TUESDAY, end=TUESDAY, hours=7.0, trainees=trainees, trainee_count=4,
                   trainee_hours=28.0)  # fmt: skip
    row = DocumentRow(
        id=1, file_id=1, rel="elodie.faure/feuille 14-04.pdf", first=1, last=1,
        type="emargement", confidence=0.95, fields=attendance_fields(sheets),
        invoice="FA-2026-0142", entrepreneur="Élodie Faure", score=1.0, method="auto",
        candidates=[], reason=None, archive_path=None,
    )  # fmt: skip
    checks = {c.code: c.message for c in evaluate(bill, [row]).checks}
    assert checks.get("trainer_signature_missing") == (
        "Signature du formateur manquante : 14/04 après-midi."
    )
