"""The generated matching set (samples/gen/matching_set.py) is deterministic and holds the
hard cases it claims, each labelled with where its documents truly belong."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from samples.gen import matching_set as ms


@pytest.fixture(scope="module")
def mset() -> ms.MatchingSet:
    return ms.build()


def test_same_seed_same_set_and_same_bytes(mset: ms.MatchingSet) -> None:
    again = ms.build()
    assert [ms.label(d) for d in again.documents] == [ms.label(d) for d in mset.documents]
    picked = mset.documents[::97]
    first = [hashlib.sha256(ms.draw(d)[0]).hexdigest() for d in picked]
    second = [hashlib.sha256(ms.draw(d)[0]).hexdigest() for d in again.documents[::97]]
    assert first == second


def test_another_seed_another_set(mset: ms.MatchingSet) -> None:
    other = ms.build(seed=7)
    assert [ms.label(d) for d in other.documents] != [ms.label(d) for d in mset.documents]


def test_size(mset: ms.MatchingSet) -> None:
    assert len(mset.invoices) >= 100 and len(mset.documents) >= 500
    assert len(mset.entrepreneurs) >= 5
    assert len({i.number for i in mset.invoices}) == len(mset.invoices)


def test_every_hard_case_is_there(mset: ms.MatchingSet) -> None:
    tags = Counter(t for d in mset.documents for t in d.cases)
    assert all(tags[c] >= 10 for c in ms.HARD_CASES), tags


def test_same_training_sold_twice_to_the_same_client_on_other_dates(mset: ms.MatchingSet) -> None:
    twice = [i for i in mset.invoices if "vendue-deux-fois" in mset.cases.get(i.number, ())]
    pairs = {
        (a.number, b.number)
        for a in twice
        for b in twice
        if a.number < b.number
        and (a.es, a.title, a.client) == (b.es, b.title, b.client)
        and not set(a.days) & set(b.days)
    }
    assert len(pairs) >= 6


def test_two_trainings_on_the_same_dates_for_different_clients(mset: ms.MatchingSet) -> None:
    same = [i for i in mset.invoices if "memes-dates" in mset.cases.get(i.number, ())]
    assert any(
        a.es == b.es and a.days == b.days and a.client != b.client
        for a in same
        for b in same
        if a is not b
    )


def test_a_trainee_follows_two_sessions(mset: ms.MatchingSet) -> None:
    seen: Counter[tuple[str, str]] = Counter()
    for inv in mset.invoices:
        seen.update((inv.es.name, t) for t in inv.trainees)
    assert any(n >= 2 for n in seen.values())


def test_opco_and_subcontracted_invoices(mset: ms.MatchingSet) -> None:
    opco = [i for i in mset.invoices if i.client_type == "opco"]
    assert opco and all(i.beneficiary and i.beneficiary != i.client for i in opco)
    received = {i.number for i in mset.invoices if i.subcontracting == "reçue"}
    quotes = {d.truth for d in mset.documents if d.type == "bon_commande"}
    assert received and received <= quotes


def test_labels(mset: ms.MatchingSet) -> None:
    numbers = {i.number for i in mset.invoices}
    for d in mset.documents:
        assert d.truth in numbers | {ms.AMBIGUOUS, ms.ENTREPRENEUR}, d.path
        if d.truth == ms.AMBIGUOUS:
            assert len(d.candidates) >= 2 and set(d.candidates) <= numbers
        if d.type in {"cv", "programme", "bilan_pedagogique"}:
            assert d.truth == ms.ENTREPRENEUR
        if "dossier-facture" in d.cases:
            assert d.path.split("/")[1] == d.truth
    truths = Counter(
        d.truth if d.truth in (ms.AMBIGUOUS, ms.ENTREPRENEUR) else "invoice" for d in mset.documents
    )
    assert truths[ms.AMBIGUOUS] >= 5 and truths[ms.ENTREPRENEUR] >= 12
    printed = [d for d in mset.documents if "numero-imprime" in d.cases]
    assert 0 < len(printed) < len(mset.documents) // 4


def test_paths_are_unique_and_under_the_entrepreneurs_folder(mset: ms.MatchingSet) -> None:
    folders = {e.name: e.folder for e in mset.entrepreneurs}
    assert len({d.path for d in mset.documents}) == len(mset.documents)
    assert all(d.path.split("/")[0] == folders[d.entrepreneur] for d in mset.documents)
