"""A person's corrections: validated, recorded with who/when/why, kept, and winning."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline import corrections
from pipeline.corrections import Correction, apply
from pipeline.errors import UsageError
from pipeline.review import correct, history, pending
from pipeline.store import Store
from tests.conftest import NOW

READ: dict[str, Any] = {
    "sessions": [
        {"date": "2026-03-09", "half_day": "matin", "trainee": "Lea Martin", "signed": True,
         "mark": "signed", "confidence": 0.99},
        {"date": "2026-03-09", "half_day": "apres-midi", "trainee": "Lea Martin",
         "signed": False, "mark": "empty", "confidence": 0.55},
    ],
    "trainer_signed": [{"date": "2026-03-09", "half_day": "matin", "signed": True,
                        "confidence": 0.99}],
    "review": [{"kind": "cellule", "trainee": "Lea Martin", "date": "2026-03-09",
                "half_day": "apres-midi", "read": "empty", "confidence": 0.55}],
}  # fmt: skip


def by(kind: str, made: tuple[dict[str, str], str], at: str = "2026-11-23T09:30:00") -> Correction:
    target, value = made
    return Correction(kind, target, value, "appui", at, "vu sur l'original")


def test_what_a_person_types_is_validated_in_french() -> None:
    assert corrections.cell("Léa Martin", "09/03/2026", "après-midi", "signé") == (
        {"trainee": "Léa Martin", "date": "2026-03-09", "half_day": "apres-midi"},
        "signed",
    )
    assert corrections.trainer("2026-03-09", "AM", "vide") == (
        {"date": "2026-03-09", "half_day": "matin"},
        "empty",
    )
    assert corrections.signature("client", "oui") == ({"party": "client"}, "oui")
    with pytest.raises(UsageError, match="signe.*vide.*absent"):
        corrections.cell("Léa Martin", "2026-03-09", "matin", "peut-être")
    with pytest.raises(UsageError, match="demi-journée"):
        corrections.cell("Léa Martin", "2026-03-09", "soir", "signe")
    with pytest.raises(UsageError, match="date"):
        corrections.trainer("hier", "matin", "signe")
    with pytest.raises(UsageError, match="partie"):
        corrections.signature("notaire", "oui")


def test_a_corrected_cell_wins_and_leaves_the_review_list() -> None:
    fixed = apply(READ, [by("cellule", corrections.cell("Léa Martin", "2026-03-09",
                                                        "après-midi", "signe"))])  # fmt: skip
    cell = fixed["sessions"][1]
    assert cell["mark"] == "signed" and cell["signed"] is True and cell["confidence"] == 1.0
    assert cell["corrected"]["by"] == "appui"
    assert "review" not in fixed
    assert READ["sessions"][1]["mark"] == "empty"  # what was read is left as it was


def test_the_latest_correction_of_a_decision_is_the_one_that_counts() -> None:
    first = by("cellule", corrections.cell("Lea Martin", "2026-03-09", "matin", "absent"))
    second = by("cellule", corrections.cell("Lea Martin", "2026-03-09", "matin", "signe"))
    assert apply(READ, [first, second])["sessions"][0]["mark"] == "signed"
    assert apply(READ, [second, first])["sessions"][0]["mark"] == "absent"


def test_a_cell_the_reader_missed_is_added() -> None:
    fixed = apply(READ, [by("cellule", corrections.cell("Hugo Blanc", "2026-03-09", "matin",
                                                        "absent"))])  # fmt: skip
    assert fixed["sessions"][-1] == {
        "trainee": "Hugo Blanc", "date": "2026-03-09", "half_day": "matin", "mark": "absent",
        "signed": False, "confidence": 1.0, "corrected": fixed["sessions"][-1]["corrected"],
    }  # fmt: skip


def test_a_signature_correction_sets_the_party_and_says_how() -> None:
    read = {"signatures": {"organisme": True, "client": False},
            "signature_blocks": {"client": {"signed": False, "confidence": 0.6}},
            "review": [{"kind": "signature", "party": "client", "read": False,
                        "confidence": 0.6}]}  # fmt: skip
    fixed = apply(read, [by("signature", corrections.signature("client", "oui"))])
    assert fixed["signatures"] == {"organisme": True, "client": True}
    assert fixed["signature_blocks"]["client"]["method"] == "correction"
    assert "review" not in fixed


EVALUATION: dict[str, Any] = {
    # Items 1-4 and a 0-10 recommendation; the second item had two boxes ticked.
    "satisfaction": {"score": 0.7778, "scale": [[1, 4], [1, 4], [1, 4], [0, 10]],
                     "answers": [4, None, 2, 10]},
    "review": [{"kind": "reponse", "item": 2, "detail": "question 2 : deux cases cochées",
                "read": "non lue", "confidence": 0.4}],
}  # fmt: skip


def test_an_answer_read_in_doubt_is_settled_and_the_satisfaction_worked_out_again() -> None:
    fixed = apply(EVALUATION, [by("reponse", corrections.answer("2", "3"))])
    assert fixed["satisfaction"]["answers"] == [4, 3, 2, 10]
    # (1 + 2/3 + 1/3 + 1) / 4
    assert fixed["satisfaction"]["score"] == 0.75
    assert fixed["satisfaction"]["corrected"][0]["item"] == 2
    assert "review" not in fixed
    assert EVALUATION["satisfaction"]["answers"][1] is None  # what was read stays as read


def test_an_answer_left_blank_by_the_trainee_is_settled_as_blank() -> None:
    fixed = apply(EVALUATION, [by("reponse", corrections.answer("2", "vide"))])
    assert fixed["satisfaction"]["answers"] == [4, None, 2, 10]
    assert fixed["satisfaction"]["score"] == 0.7778
    assert "review" not in fixed


def test_a_withheld_satisfaction_waits_until_every_doubtful_answer_is_settled() -> None:
    read = {
        "satisfaction": {"score": None, "scale": [1, 5], "answers": [5, None, None, 1]},
        "review": [{"kind": "reponse", "item": 2, "confidence": 0.3},
                   {"kind": "reponse", "item": 3, "confidence": 0.3}],
    }  # fmt: skip
    one = apply(read, [by("reponse", corrections.answer("2", "4"))])
    assert one["satisfaction"]["score"] is None and len(one["review"]) == 1
    both = apply(read, [by("reponse", corrections.answer("2", "4")),
                        by("reponse", corrections.answer("3", "5"))])  # fmt: skip
    assert both["satisfaction"]["score"] == round((1 + 0.75 + 1 + 0) / 4, 4)
    assert "review" not in both


def test_an_answer_is_validated_in_french() -> None:
    with pytest.raises(UsageError, match="numéro"):
        corrections.answer("deux", "3")
    with pytest.raises(UsageError, match="vide"):
        corrections.answer("2", "très bien")
    assert corrections.answer("2", "3,5") == ({"item": "2"}, "3.5")


def _file_with_sheet(store: Store, entrepreneur: str, rel: str, sha: str = "ab" * 32) -> int:
    with store.transaction() as db:
        file_id = store.add_file(
            db, rel=rel, entrepreneur=entrepreneur, sha256=sha, size=10, kind="pdf", pages=1,
            ocr=1, received_at=NOW.isoformat(), state="traite",
        )  # fmt: skip
        return store.add_document(
            db, file_id=file_id, first_page=1, last_page=1, type="emargement", confidence=0.9,
            fields=READ, invoice=None, entrepreneur=entrepreneur, score=0.0, method="",
        )  # fmt: skip


def test_a_correction_survives_the_file_being_read_again(store: Store) -> None:
    first = _file_with_sheet(store, "Élodie Faure", "elodie.faure/emargement.pdf")
    assert len(pending(store)) == 1
    change = ("cellule", *corrections.cell("Lea Martin", "2026-03-09", "apres-midi", "signe"))
    correct(store, first, [change], actor="appui", reason="signature vue sur l'original", now=NOW)
    assert pending(store) == []
    doc = store.document(first)
    assert doc is not None and doc.fields["sessions"][1]["mark"] == "signed"
    # The same bytes read again later (a new document row): the correction still applies.
    again = _file_with_sheet(store, "Élodie Faure", "elodie.faure/copie/emargement.pdf")
    reread = store.document(again)
    assert reread is not None and reread.fields["sessions"][1]["mark"] == "signed"
    # ...but never to another entrepreneur's copy of the same bytes.
    other = _file_with_sheet(store, "Camille Rousseau", "Camille Rousseau/emargement.pdf")
    theirs = store.document(other)
    assert theirs is not None and theirs.fields["sessions"][1]["mark"] == "empty"
    # who, when, why are kept and shown
    lines = history(store, [first])
    assert len(lines) == 1 and "appui" in lines[0] and "signature vue sur l'original" in lines[0]
    events = [e for e in store.events() if e["kind"] == "correction"]
    assert events[0]["actor"] == "appui" and events[0]["document_id"] == first


def test_a_correction_needs_a_known_document_and_a_reason(store: Store) -> None:
    doc = _file_with_sheet(store, "Élodie Faure", "elodie.faure/emargement.pdf")
    change = ("signature", *corrections.signature("client", "oui"))
    with pytest.raises(UsageError, match="inconnu"):
        correct(store, 999, [change], actor="appui", reason="vu", now=NOW)
    with pytest.raises(UsageError, match="--reason"):
        correct(store, doc, [change], actor="appui", reason="  ", now=NOW)
