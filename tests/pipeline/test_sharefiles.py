"""The status files written back into each entrepreneur's folder, after real ingests."""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import shutil
import stat
import subprocess
import sys
import unicodedata
from dataclasses import replace
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from pipeline import runner, sharefiles
from pipeline.config import Config, Person
from pipeline.errors import ADVICE, Reason
from pipeline.invoices import Invoice
from pipeline.store import Store
from tests.conftest import NOW, ROOT
from tests.pipeline.test_runner import ATTESTATION, CAMILLE, INVOICE, drop, pdf

ELODIE = "Élodie Faure"
ELODIE_INVOICE = Invoice(
    number="FA-2026-0150", date=date(2026, 5, 14), entrepreneur=ELODIE,
    client="Transports Garrigue SAS", title="Manager une équipe au quotidien",
    start=date(2026, 5, 11), end=date(2026, 5, 12), trainee_count=1, trainees=("Chloé Petit",),
)  # fmt: skip
TICKET = pdf(["Restaurant Le Bon Coin", "1 plat du jour 14,50", "TOTAL TTC 14,50"])


@pytest.fixture
def ctx(config: Config, store: Store) -> runner.Context:
    store.upsert_invoices([INVOICE, ELODIE_INVOICE], NOW)
    return runner.Context(config=config, store=store, ocr=None, clock=lambda: NOW)


@pytest.fixture
def ingested(ctx: runner.Context) -> runner.Context:
    """Camille dropped one good attestation (in a sub-folder), an empty file and a receipt."""
    for rel, data in [
        (f"{CAMILLE}/mars/attestation léa.pdf", pdf(ATTESTATION)),
        (f"{CAMILLE}/Nouveau document.pdf", b""),
        (f"{CAMILLE}/ticket resto.pdf", TICKET),
        ("elodie.faure/scan0001.pdf", b""),
    ]:
        runner.process(drop(ctx.config, rel, data), ctx)
    return ctx


def status_files(config: Config, folder: str) -> tuple[Path, Path]:
    base = config.paths.drop / folder / "_dossiers"
    return base / "Suivi de mes formations.html", base / "Suivi de mes formations.txt"


def hashes(folder: Path) -> dict[str, str]:
    """Every file the entrepreneur has, outside the system's own ``_dossiers`` folder."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file() and "_dossiers" not in p.relative_to(folder).parts
    }


class Text(HTMLParser):
    """What a reader sees of a page: its text, without tags or style."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in {"style", "title"}

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in {"style", "title"}

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = Text()
    parser.feed(page)
    return "".join(parser.parts)


def test_both_files_say_what_was_filed_missing_and_set_aside(ingested: runner.Context) -> None:
    paths = sharefiles.write_status(ingested.store, ingested.config, CAMILLE, NOW)
    html_path, txt_path = status_files(ingested.config, CAMILLE)
    assert paths == [html_path, txt_path]
    for text in (visible_text(html_path.read_text("utf-8")), txt_path.read_text("utf-8")):
        flat = " ".join(text.split())  # the text twin wraps long lines
        assert "FA-2026-0142" in flat and "Gestion du stress au travail" in flat
        assert "incomplet" in flat.lower() and "du 10 au 11 mars 2026" in flat
        assert "Attestation de formation : mars/attestation léa.pdf" in flat
        assert "Attestation de formation : 1 manquante (Paul Durand)" in flat
        assert "Aucune feuille d'émargement reçue" in flat
        assert "Convention de formation signée : à déposer" in flat
        assert "Nouveau document.pdf" in flat and "Fichier vide" in flat
        assert " ".join(ADVICE[Reason.EMPTY].split()) in flat
        assert "ticket resto.pdf" in flat and "Document non reconnu" in flat
        assert " ".join(ADVICE[Reason.UNCLASSIFIED].split()) in flat
        assert "Aucun CV reçu" in flat and "Mis à jour le 23 novembre 2026 à 9 h 30" in flat
        assert "rangez-le dans un dossier nommé d'après le numéro de facture" in flat


def test_nothing_the_entrepreneur_dropped_changes(ingested: runner.Context) -> None:
    folder = ingested.config.paths.drop / CAMILLE
    before = hashes(folder)
    sharefiles.write_all(ingested.store, ingested.config, NOW)
    assert hashes(folder) == before
    written = {p.name for p in (folder / "_dossiers").iterdir()}
    assert written == {"Suivi de mes formations.html", "Suivi de mes formations.txt"}


def test_unchanged_state_is_not_rewritten_even_a_day_later(ingested: runner.Context) -> None:
    sharefiles.write_status(ingested.store, ingested.config, CAMILLE, NOW)
    paths = status_files(ingested.config, CAMILLE)
    for p in paths:
        os.utime(p, ns=(1_000_000_000, 1_000_000_000))
    before = [p.read_bytes() for p in paths]
    again = sharefiles.write_status(ingested.store, ingested.config, CAMILLE, NOW + timedelta(1))
    assert again == list(paths)
    assert [p.stat().st_mtime_ns for p in paths] == [1_000_000_000] * 2
    assert [p.read_bytes() for p in paths] == before


def test_a_new_document_rewrites_both_files_with_the_new_time(ingested: runner.Context) -> None:
    sharefiles.write_status(ingested.store, ingested.config, CAMILLE, NOW)
    paul = [line.replace("Madame Léa Martin", "Monsieur Paul Durand") for line in ATTESTATION]
    runner.process(drop(ingested.config, f"{CAMILLE}/paul.pdf", pdf(paul)), ingested)
    later = NOW + timedelta(hours=2)
    sharefiles.write_status(ingested.store, ingested.config, CAMILLE, later)
    for path in status_files(ingested.config, CAMILLE):
        text = html.unescape(path.read_text("utf-8"))
        assert "paul.pdf" in text and "à 11 h 30" in text
        assert "1 manquante" not in text
    assert not list((ingested.config.paths.drop / CAMILLE / "_dossiers").glob(".tmp-*"))


def test_an_entrepreneur_never_sees_another_ones_invoices(ingested: runner.Context) -> None:
    sharefiles.write_all(ingested.store, ingested.config, NOW)
    camille = " ".join(p.read_text("utf-8") for p in status_files(ingested.config, CAMILLE))
    elodie = " ".join(p.read_text("utf-8") for p in status_files(ingested.config, "elodie.faure"))
    assert "FA-2026-0142" in camille and "FA-2026-0150" not in camille
    assert "FA-2026-0150" in elodie and "FA-2026-0142" not in elodie
    assert "scan0001.pdf" in elodie and "scan0001.pdf" not in camille
    assert "ticket resto.pdf" not in elodie and "Transports Garrigue" not in camille


class Checker(HTMLParser):
    """Fails on an unclosed or mismatched element; collects every attribute."""

    VOID = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs += [(k, v or "") for k, v in attrs]
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()


def test_html_is_self_contained_and_well_formed(ingested: runner.Context) -> None:
    sharefiles.write_status(ingested.store, ingested.config, CAMILLE, NOW)
    page = status_files(ingested.config, CAMILLE)[0].read_text("utf-8")
    assert "http" not in page and "//" not in page.replace("://", "")
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == []
    assert not [a for a in checker.attrs if a[0] in {"src", "srcset", "action"}]
    assert all(v.startswith("#") for k, v in checker.attrs if k == "href")
    assert '<meta name="viewport"' in page and 'lang="fr"' in page and "<script" not in page


def test_file_names_are_escaped_in_html(ctx: runner.Context) -> None:
    runner.process(drop(ctx.config, f"{CAMILLE}/<b>vide</b>.pdf", b""), ctx)
    sharefiles.write_status(ctx.store, ctx.config, CAMILLE, NOW)
    html_path, txt_path = status_files(ctx.config, CAMILLE)
    assert "&lt;b&gt;vide&lt;/b&gt;.pdf" in html_path.read_text("utf-8")
    assert "<b>vide</b>.pdf" in txt_path.read_text("utf-8")


def test_an_ambiguous_document_names_its_candidate_invoices(ctx: runner.Context) -> None:
    twin = Invoice(**{**INVOICE.__dict__, "number": "FA-2026-0143"})
    ctx.store.upsert_invoices([twin], NOW)
    runner.process(drop(ctx.config, f"{CAMILLE}/scan.pdf", pdf(ATTESTATION)), ctx)
    assert ctx.store.documents(unfiled=True)[0].reason == Reason.AMBIGUOUS
    sharefiles.write_status(ctx.store, ctx.config, CAMILLE, NOW)
    text = " ".join(status_files(ctx.config, CAMILLE)[1].read_text("utf-8").split())
    assert "Ce document peut correspondre à FA-2026-0142 ou FA-2026-0143" in text
    assert "rangez-le dans un dossier nommé d'après le bon numéro de facture" in text.lower()


def test_a_set_aside_file_since_removed_is_no_longer_listed(ingested: runner.Context) -> None:
    (ingested.config.paths.drop / CAMILLE / "Nouveau document.pdf").unlink()
    sharefiles.write_status(ingested.store, ingested.config, CAMILLE, NOW)
    assert "Nouveau document.pdf" not in status_files(ingested.config, CAMILLE)[1].read_text()


def test_no_folder_no_write(ctx: runner.Context) -> None:
    assert sharefiles.write_status(ctx.store, ctx.config, CAMILLE, NOW) == []
    assert sharefiles.write_status(ctx.store, ctx.config, "Personne Inconnue", NOW) == []
    assert list(ctx.config.paths.drop.iterdir()) == []


def test_a_link_in_place_of_the_status_folder_is_not_followed(
    ctx: runner.Context, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    (ctx.config.paths.drop / CAMILLE).mkdir()
    os.symlink(elsewhere, ctx.config.paths.drop / CAMILLE / "_dossiers")
    assert sharefiles.write_status(ctx.store, ctx.config, CAMILLE, NOW) == []
    assert list(elsewhere.iterdir()) == []


def test_everything_in_order_says_so(ctx: runner.Context) -> None:
    page = sharefiles.Page(
        name=CAMILLE, first_name="Camille", cooperative="Coop", updated="maintenant",
        year=2026, todo=(), done=(), waiting=(), set_aside=(), duplicates=(), owed=(), own=(),
        example_number="FA-2026-0001",
    )  # fmt: skip
    assert "Tout est en ordre" in sharefiles.render(page, "html")
    assert "Tout est en ordre" in sharefiles.render(page, "txt")


def test_a_training_still_to_come_says_so_and_comes_last(ingested: runner.Context) -> None:
    later = Invoice(**{**INVOICE.__dict__, "number": "FA-2026-0199",
                       "start": date(2027, 1, 5), "end": date(2027, 1, 5)})  # fmt: skip
    ingested.store.upsert_invoices([later], NOW)
    sharefiles.write_status(ingested.store, ingested.config, CAMILLE, NOW)
    text = status_files(ingested.config, CAMILLE)[1].read_text("utf-8")
    assert text.index("FA-2026-0142 –") < text.index("FA-2026-0199 –")
    assert text.count("Formation à venir") == 1


MEASURE = """
import json, resource, sys, time
from datetime import datetime
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # a read of /dev/zero stops here
from pipeline import sharefiles
from pipeline.config import load_config
from pipeline.store import Store
config = load_config(Path(sys.argv[1]))
with Store(config.paths.database) as store:
    start = time.perf_counter()
    paths = sharefiles.write_status(store, config, sys.argv[2], datetime(2026, 11, 23, 9, 30))
    seconds = time.perf_counter() - start
# VmHWM, not ru_maxrss: that survives exec, so it would report the test process's memory.
peak = int(next(x for x in open("/proc/self/status") if x.startswith("VmHWM")).split()[1]) // 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "paths": [str(p) for p in paths]}))
"""


def refresh_in_a_process(config: Config, entrepreneur: str) -> dict[str, Any]:
    """The refresh as the daemon's main process runs it, its time and peak memory measured."""
    run = subprocess.run([sys.executable, "-c", MEASURE, str(config.file), entrepreneur],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)  # fmt: skip
    assert run.returncode == 0, run.stderr
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def test_a_link_to_dev_zero_and_a_fifo_as_status_pages_are_replaced_without_reading_them(
    ingested: runner.Context,
) -> None:
    html_path, txt_path = status_files(ingested.config, CAMILLE)
    html_path.parent.mkdir()
    html_path.symlink_to("/dev/zero")
    os.mkfifo(txt_path)  # opening it to read would wait for a writer for ever
    measured = refresh_in_a_process(ingested.config, CAMILLE)
    assert measured["seconds"] < 5 and measured["peak_mb"] < 300, measured
    assert measured["paths"] == [str(html_path), str(txt_path)]
    for path in (html_path, txt_path):  # regular files now, the page in them
        assert stat.S_ISREG(path.lstat().st_mode)
        assert "Nouveau document.pdf" in path.read_text("utf-8")
    assert Path("/dev/zero").is_char_device()  # what the link led to is untouched


def test_a_huge_status_page_is_replaced_without_being_read_whole(
    ingested: runner.Context,
) -> None:
    html_path, _ = status_files(ingested.config, CAMILLE)
    html_path.parent.mkdir()
    with html_path.open("wb") as f:  # 4 GiB, sparse: read whole it would not fit the limit
        f.truncate(4 << 30)
    measured = refresh_in_a_process(ingested.config, CAMILLE)
    assert measured["seconds"] < 5 and measured["peak_mb"] < 300, measured
    assert html_path.stat().st_size < 100_000


def test_a_link_in_place_of_a_status_page_to_another_folder_writes_nothing_there(
    ingested: runner.Context, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "ailleurs.html"
    elsewhere.write_text("à ne pas écraser", encoding="utf-8")
    html_path, _ = status_files(ingested.config, CAMILLE)
    html_path.parent.mkdir()
    html_path.symlink_to(elsewhere)
    sharefiles.write_status(ingested.store, ingested.config, CAMILLE, NOW)
    assert elsewhere.read_text("utf-8") == "à ne pas écraser"
    assert not html_path.is_symlink() and "Nouveau document.pdf" in html_path.read_text("utf-8")


def test_a_status_folder_replaced_by_a_link_is_said_once_and_in_the_status(
    ingested: runner.Context, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    elodie = ingested.config.paths.drop / "elodie.faure" / "_dossiers"
    elodie.mkdir()
    (ingested.config.paths.drop / CAMILLE / "_dossiers").symlink_to(elodie)
    sharefiles._WARNED.clear()
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            assert sharefiles.write_status(ingested.store, ingested.config, CAMILLE, NOW) == []
    assert list(elodie.iterdir()) == []  # nothing lands in another entrepreneur's folder
    said = [r.getMessage() for r in caplog.records if "n'est pas un dossier" in r.getMessage()]
    assert len(said) == 1
    (problem,) = sharefiles.problems(ingested.config)
    assert problem["dossier"] == CAMILLE and "est un lien et non un dossier" in problem["message"]


def test_a_set_aside_link_stays_listed_whatever_its_target_does(
    ctx: runner.Context, tmp_path: Path
) -> None:
    """Alice cannot watch Bruno's dossier: the page says the same whether or not the target of
    her link exists, and never where it leads."""
    target = tmp_path / "archive" / "2026" / "Bruno" / "FA-2026-0999" / "convention"
    folder = ctx.config.paths.drop / CAMILLE
    folder.mkdir()
    (folder / "espion.pdf").symlink_to(target / "convention.pdf")
    runner.process(folder / "espion.pdf", ctx)
    pages = []
    for exists in (False, True, False):
        if exists:
            target.mkdir(parents=True)
            (target / "convention.pdf").write_bytes(pdf(ATTESTATION))
        elif target.exists():
            shutil.rmtree(target)
        sharefiles.write_status(ctx.store, ctx.config, CAMILLE, NOW)
        pages.append(tuple(p.read_text("utf-8") for p in status_files(ctx.config, CAMILLE)))
    assert pages[0] == pages[1] == pages[2]
    assert "espion.pdf" in pages[0][1]
    for page in pages[0]:
        assert str(tmp_path) not in page and "archive" not in page and "Bruno" not in page


def test_a_detail_naming_a_server_path_is_never_written_into_the_folder(
    ctx: runner.Context,
) -> None:
    runner.process(drop(ctx.config, f"{CAMILLE}/Nouveau document.pdf", b""), ctx)
    with ctx.store.transaction() as db:  # as an older version recorded it
        db.execute(
            "UPDATE files SET detail = ? WHERE rel LIKE ?",
            ("« Nouveau document.pdf » mène à /srv/partage/archive/x.pdf", "%Nouveau%"),
        )
    for path in sharefiles.write_status(ctx.store, ctx.config, CAMILLE, NOW):
        assert "/srv/" not in path.read_text("utf-8")


def test_a_folder_named_in_nfd_form_gets_its_status_page(ctx: runner.Context) -> None:
    """macOS names « Élodie » as « E\\u0301lodie »: the configuration's NFC name must find it."""
    config = ctx.config.model_copy(update={"people": (
        *ctx.config.people, Person(name="Clément Roux", email="", folder="Clément Roux"),
    )})  # fmt: skip
    ctx = replace(ctx, config=config)
    ctx.store.sync_entrepreneurs(config.people)
    nfd = unicodedata.normalize("NFD", "Clément Roux")
    assert nfd != "Clément Roux"
    runner.process(drop(config, f"{nfd}/vide.pdf", b""), ctx)
    paths = sharefiles.write_status(ctx.store, config, "Clément Roux", NOW)
    names = os.listdir(config.paths.drop)
    assert names == [nfd]  # no second folder in NFC form was made
    assert [p.parent.parent.name for p in paths] == [nfd, nfd]
    text = paths[1].read_text("utf-8")
    assert "* vide.pdf" in text and nfd not in text  # the file named within the folder


def test_a_name_with_a_line_break_adds_no_line_to_the_text_page(ctx: runner.Context) -> None:
    runner.process(drop(ctx.config, f"{CAMILLE}/vide\n* faux.pdf\x07", b""), ctx)
    html_path, txt_path = status_files(ctx.config, CAMILLE)
    sharefiles.write_status(ctx.store, ctx.config, CAMILLE, NOW)
    text = txt_path.read_text("utf-8")
    assert "* vide⏎* faux.pdf␇" in text and "\x07" not in text
    assert not [line for line in text.splitlines() if line.startswith("* faux.pdf")]
    assert "vide⏎* faux.pdf␇" in visible_text(html_path.read_text("utf-8"))
