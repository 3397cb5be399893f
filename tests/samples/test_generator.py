"""The committed samples are consistent: expected.json, the drop tree, truth/ and factures.csv."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
TYPES = {
    "convention",
    "contrat",
    "bon_commande",
    "emargement",
    "attestation",
    "evaluation_chaud",
    "evaluation_froid",
    "cv",
    "programme",
    "facture",
    "bilan_pedagogique",
    "autre",
}
REASONS = {
    "vide",
    "illisible",
    "chiffre",
    "format-non-supporte",
    "type-inconnu",
    "sans-facture",
    "facture-ambigue",
    "doublon",
}


def invoices() -> dict[str, dict[str, str]]:
    text = (SAMPLES / "factures.csv").read_bytes().decode("cp1252")
    return {r["N° facture"]: r for r in csv.DictReader(io.StringIO(text), delimiter=";")}


def people() -> dict[str, str]:
    text = (SAMPLES / "entrepreneurs.csv").read_text(encoding="utf-8")
    return {r["folder"]: r["name"] for r in csv.DictReader(io.StringIO(text), delimiter=";")}


def test_every_listed_file_exists_and_every_file_is_listed() -> None:
    listed = {f["file"] for f in EXPECTED["files"]}
    on_disk = {
        p.relative_to(SAMPLES / "partage").as_posix()
        for p in (SAMPLES / "partage").rglob("*")
        if p.is_file()
    }
    assert listed == on_disk
    assert len(listed) == len(EXPECTED["files"])


def test_invoice_export_has_contract_columns_and_training_rows() -> None:
    rows = invoices()
    training = [r for r in rows.values() if r["Intitulé formation"]]
    assert len(training) >= 12 and len(rows) - len(training) >= 2
    assert all(r["Code BPF"] for r in training)
    assert {r["Type client"] for r in training} >= {
        "entreprise",
        "particulier",
        "opco",
        "organisme de formation",
    }


@pytest.mark.parametrize("entry", EXPECTED["files"], ids=[f["file"] for f in EXPECTED["files"]])
def test_entry_is_consistent(entry: dict) -> None:
    rows, folders = invoices(), people()
    es_name = folders[entry["file"].split("/")[0]]
    truth = SAMPLES / "truth" / (entry["file"] + ".txt")
    if entry["outcome"] == "ignored":
        assert entry["documents"] == [] and not truth.exists()
        return
    assert entry["documents"]
    assert truth.exists() == (entry["rendering"] != "bad")
    for doc in entry["documents"]:
        assert doc["entrepreneur"] == es_name
        if doc["reason"]:
            assert doc["reason"] in REASONS and entry["outcome"] == "set_aside"
            for number in doc.get("candidates", []):
                assert number in rows
        elif doc["invoice"]:
            assert entry["outcome"] == "attached"
            assert rows[doc["invoice"]]["Entrepreneur"] == es_name
            assert rows[doc["invoice"]]["Intitulé formation"]
        else:
            assert entry["outcome"] == "entrepreneur"
            assert doc["type"] in {"cv", "programme", "bilan_pedagogique"}
        if entry["rendering"] != "bad":
            assert doc["type"] in TYPES
            first, last = doc["pages"]
            assert 1 <= first <= last
            pages = truth.read_text(encoding="utf-8").count("\f") + 1
            assert last <= pages


def test_every_contract_type_occurs() -> None:
    seen = {d["type"] for f in EXPECTED["files"] for d in f["documents"]}
    assert seen >= TYPES
