"""Drafts: the BPF's and each entrepreneur's summary, in March, never over their own words."""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from pathlib import Path

from pipeline import runner
from pipeline.bpf import summaries
from pipeline.bpf.run import refresh_drafts
from pipeline.config import Config
from pipeline.store import Store
from tests.conftest import run_cli
from tests.pipeline.bpf.conftest import NOW, add_document, invoice
from watchers.ignore import is_ignored

KARIM = "Karim Benali"


def draft_of(config: Config, folder: str) -> Path:
    return config.paths.drop / folder / "_dossiers" / summaries.file_name(2026)


def test_from_1_march_drafts_of_the_bpf_and_every_summary_are_written(
    samples_store: Store, samples_config: Config
) -> None:
    written = refresh_drafts(samples_store, samples_config, NOW)  # 2 March 2027
    folder = samples_config.bpf.folder
    assert sorted(p.name for p in folder.iterdir()) == [
        "bpf-2026-brouillon.docx", "bpf-2026-brouillon.json", "bpf-2026-brouillon.xlsx",
    ]  # fmt: skip
    assert json.loads((folder / "bpf-2026-brouillon.json").read_text())["draft"] is True
    drafts = [p for p in written if p.suffix == ".docx" and "_dossiers" in p.parts]
    assert {p.parent.parent.name for p in drafts} == {
        "elodie.faure", KARIM, "Hélène Marchand", "Thomas Girard",
    }  # fmt: skip
    for path in drafts:  # the watcher never takes them for dropped documents
        rel = path.relative_to(samples_config.paths.drop)
        assert is_ignored(rel)
    found = runner.candidates([samples_config.paths.drop], samples_config.paths.drop)
    assert not [p for p in found if "_dossiers" in p.parts]


def test_outside_the_window_nothing_is_drafted(
    samples_store: Store, samples_config: Config
) -> None:
    assert refresh_drafts(samples_store, samples_config, datetime(2027, 2, 28, 9)) == []
    assert refresh_drafts(samples_store, samples_config, datetime(2027, 6, 1, 9)) == []
    assert not samples_config.bpf.folder.exists()


def test_a_draft_is_rewritten_only_when_its_figures_change(
    samples_store: Store, samples_config: Config
) -> None:
    refresh_drafts(samples_store, samples_config, NOW)
    path = draft_of(samples_config, KARIM)
    first = path.read_bytes()
    refresh_drafts(samples_store, samples_config, datetime(2027, 3, 3, 7))  # nothing new
    assert path.read_bytes() == first  # no upload by the sync client every day
    late = invoice("FA-2026-0190", date(2026, 12, 18), KARIM, client="Mairie de Sète",
                   title="Excel", start=date(2026, 12, 15), end=date(2026, 12, 15), hours=7,
                   trainee_count=6, statuses=("autre",), trainee_hours=42, bpf_code="C3",
                   objective="F3d", nsf="324", amount_ht=700)  # fmt: skip
    samples_store.upsert_invoices([late], NOW)
    refresh_drafts(samples_store, samples_config, datetime(2027, 3, 4, 7))
    assert path.read_bytes() != first


def test_a_draft_the_entrepreneur_edited_is_never_replaced(
    samples_store: Store, samples_config: Config
) -> None:
    refresh_drafts(samples_store, samples_config, NOW)
    path = draft_of(samples_config, KARIM)
    path.write_bytes(b"my own words")  # opened in Word and saved in place
    late = invoice("FA-2026-0190", date(2026, 12, 18), KARIM, title="Excel",
                   start=date(2026, 12, 15), end=date(2026, 12, 15), hours=7, trainee_count=6,
                   statuses=("autre",), bpf_code="C3", objective="F3d", nsf="324",
                   amount_ht=700)  # fmt: skip
    samples_store.upsert_invoices([late], NOW)
    refresh_drafts(samples_store, samples_config, datetime(2027, 3, 4, 7))
    assert path.read_bytes() == b"my own words"


def test_a_deleted_draft_comes_back_only_with_new_figures(
    samples_store: Store, samples_config: Config
) -> None:
    refresh_drafts(samples_store, samples_config, NOW)
    path = draft_of(samples_config, KARIM)
    path.unlink()
    refresh_drafts(samples_store, samples_config, datetime(2027, 3, 3, 7))
    assert not path.exists()


def test_no_draft_once_the_summary_was_received(
    samples_store: Store, samples_config: Config
) -> None:
    add_document(samples_store, None, KARIM, "bilan_pedagogique",
                 {"person": KARIM, "date": "2027-03-10"})  # fmt: skip
    refresh_drafts(samples_store, samples_config, datetime(2027, 3, 12, 7))
    assert not draft_of(samples_config, KARIM).exists()
    assert draft_of(samples_config, "Thomas Girard").exists()


def test_last_years_summary_does_not_count_for_this_year(
    samples_store: Store, samples_config: Config
) -> None:
    # Élodie dropped her 2025 summary in March 2026: her 2026 one is still owed.
    refresh_drafts(samples_store, samples_config, NOW)
    assert draft_of(samples_config, "elodie.faure").exists()


def test_a_returned_draft_is_read_as_the_entrepreneurs_summary(
    samples_store: Store, samples_config: Config
) -> None:
    refresh_drafts(samples_store, samples_config, NOW)
    run = run_cli("classify", "--json", str(draft_of(samples_config, KARIM)))
    found = json.loads(run.stdout.splitlines()[0])
    assert found["type"] == "bilan_pedagogique"
    assert found["fields"]["trainer"] == KARIM
    assert found["fields"]["date"] == "2027-03-02"  # so it counts for 2026, not every year


def test_a_draft_replaced_by_a_link_to_dev_zero_is_neither_read_nor_followed(
    samples_store: Store, samples_config: Config
) -> None:
    refresh_drafts(samples_store, samples_config, NOW)
    path = draft_of(samples_config, KARIM)
    path.unlink()
    path.symlink_to("/dev/zero")
    start = time.perf_counter()
    refresh_drafts(samples_store, samples_config, datetime(2027, 3, 3, 7))
    assert time.perf_counter() - start < 30 and path.is_symlink()  # theirs: left alone


def test_a_status_folder_that_is_a_link_gets_no_draft(
    samples_store: Store, samples_config: Config, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    (samples_config.paths.drop / KARIM / "_dossiers").symlink_to(elsewhere)
    written = refresh_drafts(samples_store, samples_config, NOW)
    assert list(elsewhere.iterdir()) == []
    assert not [p for p in written if KARIM in p.parts]
