"""Hot evaluations of random forms (samples/gen/evaluations.py): the truth's satisfaction
follows corpus-2025's mapping, and what it counts is what is printed."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from samples.gen.evaluations import FORMS, Evaluation, random_evaluations, score_of


@pytest.fixture(scope="module")
def evaluations() -> list[Evaluation]:
    return list(random_evaluations(24))


def test_satisfaction_maps_each_scale_to_0_1_and_counts_the_recommendation_once() -> None:
    assert score_of([1, 4], 1, 4) == 0.5
    assert score_of([5, None, 3], 1, 5) == 0.75  # a blank item is not an answer
    assert score_of([4, 4], 1, 4, rec=4) == pytest.approx(0.8, abs=1e-4)  # (1 + 1 + 0.4) / 3
    assert score_of([None, None], 1, 5) is None


def test_every_form_and_rendering_is_drawn_and_the_set_is_seeded(
    evaluations: list[Evaluation],
) -> None:
    assert {e.form for e in evaluations} == set(FORMS)
    assert {(e.form, e.rendering) for e in evaluations} >= {(f, "scan") for f in FORMS}
    again = list(random_evaluations(4))
    assert [e.truth for e in again] == [e.truth for e in evaluations[:4]]
    assert again[0].data == evaluations[0].data


def test_answers_agree_with_satisfaction_and_scale(evaluations: list[Evaluation]) -> None:
    for ev in evaluations:
        f = ev.fields
        if "satisfaction" not in f:  # handed back blank: no guessed satisfaction
            continue
        answers = f["answers"]
        rec = f.get("recommendation_0_10")
        items = answers[:-1] if rec is not None else answers
        if f["scale"].startswith("oui"):
            values = [{"non": 0, "en partie": 0.5, "oui": 1}[a] for a in items if a is not None]
        else:
            hi = 5 if f["scale"].startswith("1-5") else 4
            values = [(a - 1) / (hi - 1) for a in items if a is not None]
        if rec is not None:
            values.append(rec / 10)
        assert f["satisfaction"] == pytest.approx(sum(values) / len(values), abs=1e-4), ev.name
        assert ("recommandation 0-10" in f["scale"]) == (rec is not None)


def test_the_born_digital_page_prints_the_trainee_and_the_scale_words(
    evaluations: list[Evaluation],
) -> None:
    for ev in (e for e in evaluations if e.rendering == "digital"):
        text = pdfium.PdfDocument(ev.data)[0].get_textpage().get_text_range()
        assert ev.fields["trainee"] in text, ev.name
        if ev.form in ("smileys", "yesno") and ev.details["heads"] != "none":
            assert "Très satisfait" in text or "En partie" in text, ev.name
        if "recommendation_0_10" in ev.fields:
            assert "Recommanderiez-vous" in text


def test_smileys_are_drawn_over_columns_of_boxes_and_as_the_options_of_each_row() -> None:
    smileys = [e for e in random_evaluations(48, seed=3) if e.form == "smileys"]
    assert {e.details.get("faces", "header") for e in smileys} == {"header", "rows"}
    assert {e.details["heads"] for e in smileys if "faces" in e.details} == {"words", "none"}
