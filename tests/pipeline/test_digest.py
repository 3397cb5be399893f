"""The digest's content and its email, on dossiers written straight into a store."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import digest, digest_mail
from pipeline.config import Config, load_config
from pipeline.store import Store
from samples.gen.records import PIECES, add_documents, add_programme, training_invoice
from tests.conftest import run_cli, write_config

DAY = date(2026, 11, 23)  # a Monday
MOMENT = datetime(2026, 11, 23, 8, 0)
CAMILLE, ELODIE = "Camille Rousseau", "Élodie Faure"


def setup(tmp_path: Path, extra: str = "") -> tuple[Config, Store]:
    config = load_config(write_config(tmp_path, '[digest]\nrecipients = ["appui@coop.example"]\n'
                                      + extra))  # fmt: skip
    store = Store(config.paths.database)
    store.sync_entrepreneurs(config.people)
    return config, store


def invoice(store: Store, number: str, who: str, start: date, imported: datetime) -> None:
    training = training_invoice(number, who, start, ["Léa Martin", "Paul Durand"])
    store.upsert_invoices([training], imported)
    # The entrepreneur's programme of the training, on file from the start (checklist 2).
    if not any(d.type == "programme" for d in store.documents(entrepreneur=who)):
        add_programme(store, who, training.title, imported)


def record_sent(store: Store, built: digest.Digest) -> None:
    with store.transaction() as db:
        store.log(db, built.moment, digest.SENT, day=built.day.isoformat(), **built.snapshot())


@pytest.fixture
def setting(tmp_path: Path) -> tuple[Config, Store]:
    config, store = setup(tmp_path)
    yield config, store
    store.close()


def test_late_dossiers_are_grouped_by_entrepreneur_oldest_first_with_days_late(setting) -> None:
    config, store = setting
    early = datetime(2026, 1, 1)
    invoice(store, "FA-2", CAMILLE, date(2026, 9, 7), early)
    invoice(store, "FA-1", CAMILLE, date(2026, 6, 1), early)
    invoice(store, "FA-3", ELODIE, date(2026, 3, 2), early)
    for number in ("FA-1", "FA-2", "FA-3"):
        inv = store.invoice(number)
        assert inv is not None
        add_documents(store, inv, early, [p for p in PIECES if p != "evaluation_chaud"])
    built = digest.build(store, config, DAY, MOMENT)
    assert [p.name for p in built.people] == [ELODIE, CAMILLE]  # her training is the oldest
    camille = built.people[1]
    assert [d.number for d in camille.dossiers] == ["FA-1", "FA-2"]
    (item,) = camille.dossiers[0].items
    # Hot evaluations are due 7 days after the training's last day (2 June 2026).
    assert item.text == "Aucun bilan à chaud reçu" and item.late == (DAY - date(2026, 6, 9)).days
    assert built.late_total == 3 and built.not_due == 0


def test_a_dossier_with_nothing_late_yet_is_counted_not_listed(setting) -> None:
    config, store = setting
    invoice(store, "FA-9", CAMILLE, DAY + timedelta(days=10), datetime(2026, 11, 1))
    inv = store.invoice("FA-9")
    assert inv is not None
    add_documents(store, inv, datetime(2026, 11, 2), ["convention"])
    built = digest.build(store, config, DAY, MOMENT)
    assert built.open_total == 1 and built.late_total == 0 and built.not_due == 1
    assert [p.dossiers for p in built.people] == [()]  # only her yearly pieces (CV, programme)
    assert "1 dossier est incomplet sans rien d'échu" in digest_mail.render(built, "txt")


def test_inconsistent_dossier_says_what_disagrees(setting) -> None:
    config, store = setting
    invoice(store, "FA-4", ELODIE, date(2026, 10, 5), datetime(2026, 10, 1))
    inv = store.invoice("FA-4")
    assert inv is not None
    add_documents(store, inv, datetime(2026, 10, 8), PIECES, strangers=["Intrus Inconnu"])
    (group,) = digest.build(store, config, DAY, MOMENT).people
    (dossier,) = group.dossiers
    assert dossier.state == "inconsistent"
    assert any(i.check and "Intrus Inconnu" in i.text for i in dossier.items)


def test_dossier_completed_since_the_last_digest_is_announced_once(setting) -> None:
    config, store = setting
    invoice(store, "FA-5", CAMILLE, date(2026, 10, 5), datetime(2026, 10, 1))
    inv = store.invoice("FA-5")
    assert inv is not None
    add_documents(store, inv, datetime(2026, 10, 8), ["convention", "emargement", "attestation"])
    friday = digest.build(store, config, date(2026, 11, 20), datetime(2026, 11, 20, 8))
    assert friday.completed == () and "FA-5" in friday.states
    record_sent(store, friday)
    add_documents(store, inv, datetime(2026, 11, 21, 10), ["evaluation_chaud"])
    monday = digest.build(store, config, DAY, MOMENT)
    assert [c.number for c in monday.completed] == ["FA-5"]
    assert monday.since == datetime(2026, 11, 20, 8)
    record_sent(store, monday)
    tuesday = digest.build(store, config, DAY + timedelta(days=1), MOMENT + timedelta(days=1))
    assert tuesday.completed == ()


def test_arrivals_since_the_last_digest_are_counted_per_entrepreneur_and_type(setting) -> None:
    config, store = setting
    invoice(store, "FA-6", CAMILLE, date(2026, 11, 2), datetime(2026, 10, 1))
    inv = store.invoice("FA-6")
    assert inv is not None
    add_documents(store, inv, datetime(2026, 11, 19), ["convention"])  # before the last digest
    with store.transaction() as db:
        store.log(db, datetime(2026, 11, 20, 8), digest.SENT, day="2026-11-20", open={})
    add_documents(store, inv, datetime(2026, 11, 22, 18), ["emargement", "attestation"])
    (arrival,) = digest.build(store, config, DAY, MOMENT).arrivals
    assert arrival.entrepreneur == CAMILLE and arrival.files == 3
    assert arrival.pieces == "1 feuille d'émargement, 2 attestations de formation"


def test_files_set_aside_are_listed_with_the_advice_while_still_in_the_share(setting) -> None:
    config, store = setting
    dropped = config.paths.drop / "Camille Rousseau" / "scan vide.pdf"
    dropped.parent.mkdir(parents=True)
    dropped.write_bytes(b"")
    with store.transaction() as db:
        for rel, reason in (("Camille Rousseau/scan vide.pdf", "vide"),
                            ("Camille Rousseau/parti.pdf", "illisible"),  # removed since
                            ("Camille Rousseau/copie.pdf", "doublon")):  # fmt: skip
            store.add_file(db, rel=rel, entrepreneur=CAMILLE, sha256=rel, received_at=
                           "2026-11-22T10:00:00", state="ecarte", reason=reason)  # fmt: skip
    built = digest.build(store, config, DAY, MOMENT)
    (group,) = built.problems
    assert group.reason == "vide" and group.advice.startswith("Le fichier est vide")
    assert [i.file for i in group.items] == ["Camille Rousseau/scan vide.pdf"]
    assert group.items[0].new and built.duplicates == 1


@pytest.mark.parametrize(
    ("day", "shown"),
    [(date(2027, 1, 4), True), (date(2026, 11, 23), False), (date(2027, 4, 2), True)],
)
def test_summaries_and_bpf_deadline_shown_when_near_or_late(tmp_path, day, shown) -> None:
    config, store = setup(tmp_path)
    with store:
        invoice(store, "FA-7", CAMILLE, date(2026, 5, 4), datetime(2026, 5, 1))
        built = digest.build(store, config, day, datetime.combine(day, config.digest.time))
    titles = [d.title for d in built.deadlines]
    assert ("Bilans pédagogiques 2026 des entrepreneurs" in titles) == shown
    if day.year == 2027 and day < date(2027, 3, 30):
        (summaries,) = [d for d in built.deadlines if d.title.startswith("Bilans")]
        assert summaries.days == (date(2027, 3, 30) - day).days
        assert CAMILLE in summaries.detail


def test_qualiopi_surveillance_window_from_the_certification_date(tmp_path) -> None:
    config, store = setup(tmp_path, "[qualiopi]\ncertification_date = 2025-06-12\n")
    with store:
        far = digest.build(store, config, date(2026, 3, 2), datetime(2026, 3, 2, 8))
        before = digest.build(store, config, date(2026, 6, 1), datetime(2026, 6, 1, 8))
        inside = digest.build(store, config, date(2026, 11, 23), MOMENT)
    assert not [d for d in far.deadlines if "surveillance" in d.title]  # 163 days ahead
    (coming,) = [d for d in before.deadlines if "surveillance" in d.title]
    assert coming.when == "du 12 août 2026 au 12 avril 2027" and not coming.urgent
    (open_,) = [d for d in inside.deadlines if "surveillance" in d.title]
    assert open_.urgent and open_.days == (date(2027, 4, 12) - DAY).days


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 48))
def test_add_months_keeps_the_day_or_takes_the_month_end(day: date, months: int) -> None:
    later = digest.add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or (later.day < day.day and (later + timedelta(1)).day == 1)


def test_chart_uses_each_weeks_last_digest_and_estimates_the_others(setting) -> None:
    config, store = setting
    invoice(store, "FA-8", CAMILLE, date(2026, 9, 7), datetime(2026, 9, 1))
    inv = store.invoice("FA-8")
    assert inv is not None
    add_documents(store, inv, datetime(2026, 9, 10), ["convention", "emargement"])
    add_documents(store, inv, datetime(2026, 11, 11), ["attestation", "evaluation_chaud"])
    with store.transaction() as db:  # a digest sent in the week of 2 November: 3 complete, 4 not
        store.log(db, datetime(2026, 11, 4, 8), digest.SENT, day="2026-11-04", open={},
                  counts=[3, 4, 0, 0])  # fmt: skip
    weeks = {w.start: w.counts for w in digest.build(store, config, DAY, MOMENT).weeks}
    assert weeks[date(2026, 11, 2)] == digest.Counts(3, 4, 0)
    assert weeks[date(2026, 10, 26)] == digest.Counts(0, 1, 0, estimated=True)  # not yet done
    assert weeks[date(2026, 11, 16)] == digest.Counts(1, 0, 0, estimated=True)
    assert weeks[DAY] == digest.Counts(1, 0, 0)


def test_email_has_text_and_html_alike_and_no_outside_resource(setting) -> None:
    config, store = setting
    invoice(store, "FA-1", ELODIE, date(2026, 3, 2), datetime(2026, 1, 1))
    built = digest.build(store, config, DAY, MOMENT)
    message = message_from_bytes(digest_mail.compose(built, config).as_bytes(),
                                 policy=policy.default)  # fmt: skip
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    for words in ("FA-1", ELODIE, "Aucun bilan à chaud reçu", "Fichiers à regarder".upper()):
        assert words in text
    for words in ("FA-1", "Élodie Faure", "Aucun bilan à chaud reçu", "Fichiers à regarder"):
        assert words in html
    assert not re.search(r"(src|href)\s*=|<link|<script|url\(|@import|https?://", html)
    assert message["Message-ID"] == digest_mail.message_id(config, "resume.2026-11-23")
    assert message["Auto-Submitted"] == "auto-generated"


def beat(config: Config, updated: datetime, **more: object) -> None:
    """The heartbeat a running daemon writes beside the database."""
    path = config.paths.database.with_name(config.paths.database.stem + ".etat.json")
    state = {"pid": 4242, "running": True, "updated": updated.isoformat(timespec="seconds"),
             "queued": 0, "in_progress": 0, "processed": 12} | more  # fmt: skip
    path.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")


def test_a_fault_and_an_unreadable_folder_of_the_running_daemon_open_the_email(setting) -> None:
    config, store = setting
    invoice(store, "FA-1", ELODIE, date(2026, 3, 2), datetime(2026, 1, 1))
    beat(config, MOMENT - timedelta(seconds=5), fault="OCR : moteur OCR indisponible.",
         fault_since="2026-11-22T17:40:03", waiting=3,
         illisibles=[{"dossier": f"{CAMILLE}/Scans 2026",
                      "message": "dossier illisible : vérifiez les droits de l'outil de "
                                 "synchronisation"}])  # fmt: skip
    built = digest.build(store, config, DAY, MOMENT)
    assert built.watch == (
        "Panne depuis le 22/11 à 17:40 : OCR : moteur OCR indisponible ; 3 fichiers attendent "
        "d'être repris (rien n'est perdu).",
        f"« {CAMILLE}/Scans 2026 » : dossier illisible : vérifiez les droits de l'outil de "
        "synchronisation.",
    )
    message = message_from_bytes(digest_mail.compose(built, config).as_bytes(),
                                 policy=policy.default)  # fmt: skip
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert text.index("SURVEILLANCE DU PARTAGE") < text.index("FICHIERS À REGARDER")
    assert "(!) Panne depuis le 22/11 à 17:40" in text and "Scans 2026" in text
    assert "Surveillance du partage" in html and "Scans 2026" in html


def test_a_daemon_without_trouble_or_stopped_adds_nothing(setting) -> None:
    config, store = setting
    beat(config, MOMENT - timedelta(seconds=5))
    assert digest.build(store, config, DAY, MOMENT).watch == ()
    beat(config, MOMENT - timedelta(hours=3), fault="OCR : moteur OCR indisponible.")
    assert digest.build(store, config, DAY, MOMENT).watch == (), "stale words are not news"
    beat(config, MOMENT + timedelta(days=2), fault="OCR : moteur OCR indisponible.")
    assert digest.build(store, config, DAY, MOMENT).watch == (), "not in a past day's digest"


def test_full_list_attached_as_spreadsheet_over_the_threshold(tmp_path) -> None:
    config, store = setup(tmp_path, "attach_over = 1\n")
    with store:
        for k in range(2):
            invoice(store, f"FA-{k}", CAMILLE, date(2026, 3, 2 + k), datetime(2026, 1, 1))
        built = digest.build(store, config, DAY, MOMENT)
    message = digest_mail.compose(built, config)
    assert message.get_content_type() == "multipart/mixed"
    (part,) = list(message.iter_attachments())
    assert part.get_filename() == "dossiers-2026-11-23.xlsx"
    assert part.get_content().startswith(b"PK")  # a zip: the XLSX container


def test_out_writes_the_eml_and_html_of_a_day(setting, tmp_path) -> None:
    config, store = setting
    built = digest.build(store, config, DAY, MOMENT)
    eml, html = digest_mail.write_files(built, config, tmp_path / "sortie")
    assert eml.name == "resume-2026-11-23.eml" and html.name == "resume-2026-11-23.html"
    assert message_from_bytes(eml.read_bytes(), policy=policy.default)["Subject"] == built.subject
    assert "Résumé du lundi 23 novembre 2026" in html.read_text(encoding="utf-8")


def test_reminder_holds_only_the_entrepreneurs_own_dossiers(setting) -> None:
    config, store = setting
    invoice(store, "FA-1", CAMILLE, date(2026, 3, 2), datetime(2026, 1, 1))
    invoice(store, "FA-2", ELODIE, date(2026, 3, 9), datetime(2026, 1, 1))
    built = digest.build(store, config, DAY, MOMENT)
    found = {r.email: r for r in digest.reminders(built, config)}
    assert set(found) == {"camille@example.org", "elodie@example.org"}
    assert [d.number for d in found["camille@example.org"].dossiers] == ["FA-1"]
    text = digest_mail.render_reminder(found["camille@example.org"])
    assert text.startswith("Bonjour Camille,") and "FA-2" not in text


def test_cli_digest_prints_the_text_or_writes_the_files_of_a_date(tmp_path: Path) -> None:
    config, store = setup(tmp_path)
    store.close()
    printed = run_cli("--config", str(config.file), "digest", "--date", "2026-11-23")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith("COOPÉRATIVE TEST · DOSSIERS DE FORMATION\n")
    assert "Résumé du lundi 23 novembre 2026" in printed.stdout
    out = tmp_path / "apercu"
    written = run_cli("--config", str(config.file), "digest", "--date", "2026-11-23",
                      "--out", str(out))  # fmt: skip
    assert written.returncode == 0, written.stderr
    assert sorted(p.name for p in out.iterdir()) == ["resume-2026-11-23.eml",
                                                      "resume-2026-11-23.html"]  # fmt: skip
    with Store(config.paths.database) as reopened:
        assert reopened.last_event(digest.SENT) is None  # a preview is not a sending
