"""Names and invoice fields that are hostile to spreadsheets, logs and plain-text emails.

A file dropped as ``scan\\x07`` + a line break + a forged log record, an invoice whose
title holds a vertical tab (Word's manual line break) and whose client is a spreadsheet
formula: ``dossiers ingest``, ``dossiers export``, ``dossiers bpf`` (real processes) and the
digest (sent to a real SMTP server, its XLSX attached) all succeed; every such text is a
text cell, nothing is a formula, and no log or email line is forged.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell

from pipeline import digest_send, safetext
from pipeline.config import Config, load_config
from pipeline.mailer import SmtpMailer
from pipeline.store import Store
from samples.gen.records import training_invoice
from tests.conftest import ROOT, run_cli, write_config
from tests.smtp_server import PASSWORD, Server, running, smtp_config

FORGED = "2026-11-23 09:30:00,000 ERROR pipeline.runner: faux"
DROPPED = f"scan\x07\n{FORGED}.pdf"
FORMULA = '=HYPERLINK("http://x","clic")'
TITLE = "Gestion du stress\x0bau travail"
SHOWN_TITLE = "Gestion du stress au travail"  # Word's line break as a space
TRAINEE = "@SUM(1+1)*cmd|' /C calc'!A0"
INVOICE = replace(
    training_invoice("FA-2026-0042", "Camille Rousseau", date(2026, 3, 9),
                     ["Léa Martin", TRAINEE]),
    title=TITLE, client=FORMULA,
)  # fmt: skip
MONDAY = datetime(2026, 11, 23, 8, 30)


@pytest.fixture(autouse=True)
def password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOSSIERS_TEST_SMTP_PASSWORD", PASSWORD)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with running(tmp_path) as s:
        yield s


@pytest.fixture
def workspace(tmp_path: Path, server: Server) -> Path:
    """A config, the hostile invoice imported, the hostile file dropped and ingested."""
    digest = '[digest]\nrecipients = ["appui@coop.example"]\nattach_over = 0\n'
    path = write_config(tmp_path, digest + smtp_config(server, "starttls"))
    config = load_config(path)
    with Store(config.paths.database) as store:
        store.sync_entrepreneurs(config.people)
        store.upsert_invoices([INVOICE], datetime(2026, 3, 1))
    folder = config.paths.drop / "Camille Rousseau"
    folder.mkdir()
    (folder / DROPPED).write_bytes(b"")  # an empty file: set aside, listed everywhere
    return path


def cells(book: Workbook) -> list[Cell]:
    return [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]


def assert_text_cells_only(book: Workbook, *texts: str) -> None:
    """Each of ``texts`` is in a text cell as it reads; no cell anywhere is a formula."""
    every = cells(book)
    assert not [c.coordinate for c in every if c.data_type == "f"]
    for text in texts:
        found = [c for c in every if c.value == text]
        assert found, f"{text!r} is in no cell"
        formula_like = text.startswith(safetext.FORMULA_START)
        assert all(c.data_type == "s" and c.quotePrefix == formula_like for c in found)


def docx_text(path: Path) -> str:
    document = Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def no_forged_line(text: str) -> None:
    assert not [line for line in text.splitlines() if line.lstrip(" -*").startswith(FORGED)]


def test_ingest_logs_the_name_on_one_line(workspace: Path) -> None:
    run = run_cli("--log-level", "INFO", "--config", str(workspace), "ingest",
                  str(workspace.parent / "partage"))  # fmt: skip
    assert run.returncode == 1, run.stderr  # the empty file waits for a person
    no_forged_line(run.stderr)
    assert f"scan␇⏎{FORGED}.pdf" in run.stderr  # shown, not obeyed


def test_status_shows_hostile_names_on_the_terminal_without_obeying_them(
    workspace: Path,
) -> None:
    folder = workspace.parent / "partage" / "Camille Rousseau"
    (folder / "titre\x1b]0;pirate\x07[bold]gras.pdf").write_bytes(b"")
    ingest = run_cli("--config", str(workspace), "ingest", str(folder.parent))
    assert ingest.returncode == 1, ingest.stderr
    run = run_cli("--config", str(workspace), "status")
    assert run.returncode == 0, run.stderr
    no_forged_line(run.stdout)
    assert "\x1b" not in run.stdout and "\x07" not in run.stdout
    assert f"scan␇⏎{FORGED}.pdf" in run.stdout
    assert "titre␛]0;pirate␇[bold]gras.pdf" in run.stdout  # markup shown as typed


def test_export_writes_every_hostile_text_as_a_text_cell(workspace: Path) -> None:
    ingest = run_cli("--config", str(workspace), "ingest", str(workspace.parent / "partage"))
    assert ingest.returncode == 1, ingest.stderr
    target = workspace.parent / "export.xlsx"
    run = run_cli("--config", str(workspace), "export", "--out", str(target))
    assert run.returncode == 0, run.stderr
    book = load_workbook(target)
    assert_text_cells_only(book, FORMULA, SHOWN_TITLE, f"Camille Rousseau/scan\n{FORGED}.pdf")
    header, row = list(book["Dossiers"].iter_rows(max_row=2))
    missing = row[[c.value for c in header].index("Pièces manquantes")]
    assert missing.data_type == "n" and isinstance(missing.value, int) and missing.value > 0


def test_bpf_writes_its_workbook_and_report_with_hostile_fields(workspace: Path) -> None:
    out = workspace.parent / "bpf"
    run = run_cli("--config", str(workspace), "bpf", "2026", "--out", str(out), "--summaries")
    assert run.returncode in (0, 1), run.stderr  # 1: checks to look at, files written
    assert {p.name for p in out.iterdir()} == {"bpf-2026.json", "bpf-2026.xlsx", "bpf-2026.docx"}
    book = load_workbook(out / "bpf-2026.xlsx")
    assert_text_cells_only(book, FORMULA, SHOWN_TITLE)
    amounts = [c for c in cells(book) if c.value == 1400.0]
    assert amounts and all(c.data_type == "n" for c in amounts)
    assert json.loads((out / "bpf-2026.json").read_text("utf-8"))["C"]
    assert "FA-2026-0042" in docx_text(out / "bpf-2026.docx")  # a Word file that opens
    draft = workspace.parent / "partage" / "Camille Rousseau" / "_dossiers"
    words = docx_text(draft / "Bilan pédagogique 2026 - brouillon.docx")
    assert SHOWN_TITLE in words and FORMULA in words


def test_digest_with_hostile_names_is_sent_with_its_attachment(
    workspace: Path, server: Server
) -> None:
    config: Config = load_config(workspace)
    assert run_cli("--config", str(workspace), "ingest", str(config.paths.drop)).returncode == 1
    with Store(config.paths.database) as store:
        sent = digest_send.send_digest(store, config, SmtpMailer(config.smtp), MONDAY.date(),
                                       MONDAY)  # fmt: skip
    assert sent is not None
    (delivery,) = server.delivered
    plain = delivery.message.get_body(("plain",))
    assert plain is not None
    text = plain.get_content()
    no_forged_line(text)
    assert f"scan␇⏎{FORGED}.pdf" in " ".join(text.split())
    (attachment,) = list(delivery.message.iter_attachments())
    book = load_workbook(io.BytesIO(attachment.get_content()))
    assert_text_cells_only(book, FORMULA, SHOWN_TITLE)


def test_visible_shows_every_break_and_control_and_keeps_the_rest() -> None:
    shown = safetext.visible("a\nb\r\nc\x07d\u2028e\u202ef\udcffg\th é")
    assert shown == "a⏎b⏎c␇d\\u2028e\\u202ef\\xffg\th é"
    assert len(shown.splitlines()) == 1


def test_a_cell_keeps_a_readable_text_without_what_xml_refuses() -> None:
    assert safetext.cell_text("scan\x07.pdf") == "scan.pdf"
    assert safetext.cell_text("a\x0bb\x0cc\nd") == "a b c\nd"
    assert safetext.cell_text("nom\udce9.pdf") == "nom\ufffd.pdf"


WORKER = """
import logging, sys
from watchers.daemon import _worker_init
_worker_init(sys.argv[1])
logging.getLogger("pipeline.runner").warning("impossible d'archiver %s", sys.argv[2])
"""


def test_a_reading_worker_logs_names_on_one_line_too(workspace: Path) -> None:
    """Workers are spawned processes with a logging of their own: filtered like the main's."""
    run = subprocess.run([sys.executable, "-c", WORKER, str(workspace), DROPPED],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)  # fmt: skip
    assert run.returncode == 0, run.stderr
    (line,) = run.stderr.splitlines()
    assert line.endswith(f"WARNING pipeline.runner: impossible d'archiver scan␇⏎{FORGED}.pdf")
