"""Fixtures of the BPF tests: a real database filled by hand, or from the samples' truth."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from pipeline import operations, runner
from pipeline.config import Config, load_config
from pipeline.invoices import Invoice
from pipeline.store import Store
from tests.conftest import SAMPLES

NOW = datetime(2027, 3, 2, 9, 0)


def add_document(
    store: Store,
    invoice: str | None,
    entrepreneur: str,
    kind: str,
    fields: dict[str, Any],
    rel: str | None = None,
    reason: str | None = None,
) -> int:
    """One processed file holding one document, as the runner records it."""
    rel = rel or f"{entrepreneur}/{kind}-{invoice}-{len(store.files())}.pdf"
    with store.transaction() as db:
        file_id = store.add_file(
            db, rel=rel, entrepreneur=entrepreneur, sha256=hashlib.sha256(rel.encode()).hexdigest(),
            size=1, kind="pdf", pages=1, received_at=NOW.isoformat(), state="traite",
        )  # fmt: skip
        return store.add_document(
            db, file_id=file_id, first_page=1, last_page=1, type=kind, confidence=1.0,
            fields=fields, invoice=invoice, entrepreneur=entrepreneur, score=1.0,
            method="test", reason=reason,
        )  # fmt: skip


def sheet(days: Sequence[str], names: Sequence[str], absent: Sequence[tuple[str, str, str]] = (),
          empty: Sequence[tuple[str, str, str]] = ()) -> dict[str, Any]:  # fmt: skip
    """An attendance sheet read cell by cell: every cell signed but the ``absent`` and
    ``empty`` ones (trainee, day, half-day), and the trainer's boxes signed."""

    def mark(cell: tuple[str, str, str]) -> str:
        return "absent" if cell in absent else "empty" if cell in empty else "signed"

    halves = ("matin", "apres-midi")
    cells = [
        {"date": day, "half_day": half, "trainee": name,
         "signed": mark((name, day, half)) == "signed", "mark": mark((name, day, half))}
        for day in days for half in halves for name in names
    ]  # fmt: skip
    trainer = [{"date": d, "half_day": h, "signed": True} for d in days for h in halves]
    return {"trainees": list(names), "sessions": cells, "trainer_signed": trainer}


def invoice(number: str, when: date, entrepreneur: str, **fields: Any) -> Invoice:
    return Invoice(number=number, date=when, entrepreneur=entrepreneur, **fields)


@pytest.fixture
def samples_config(tmp_path: Path) -> Config:
    """A workspace with the samples' entrepreneurs and share (copied), no documents read."""
    shutil.copytree(SAMPLES / "partage", tmp_path / "partage", symlinks=True)
    shutil.copy2(SAMPLES / "entrepreneurs.csv", tmp_path / "entrepreneurs.csv")
    (tmp_path / "config.toml").write_text(
        '[cooperative]\nname = "Coopérative Exemple"\nnda = "76341234534"\n'
        'siret = "12345678900012"\n[paths]\ndrop = "partage"\narchive = "archive"\n'
        'database = "dossiers.sqlite3"\n[entrepreneurs]\ncsv = "entrepreneurs.csv"\n',
        encoding="utf-8",
    )
    return load_config(tmp_path / "config.toml")


@pytest.fixture
def samples_store(samples_config: Config) -> Iterator[Store]:
    """The samples' invoices imported and every document of ``samples/expected.json``
    recorded as the pipeline reads it at best (its truth), in a real database."""
    with Store(samples_config.paths.database) as store:
        store.sync_entrepreneurs(samples_config.people)
        ctx = runner.Context(config=samples_config, store=store, ocr=None, clock=lambda: NOW)
        operations.import_invoices(ctx, SAMPLES / "factures.csv")
        truth = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
        for entry in truth["files"]:
            for doc in entry["documents"]:
                if doc.get("type") and doc.get("entrepreneur"):
                    add_document(store, doc.get("invoice"), doc["entrepreneur"], doc["type"],
                                 doc["fields"], rel=f"{entry['file']}#{doc['pages'][0]}",
                                 reason=doc.get("reason"))  # fmt: skip
        yield store
