"""Sending the digest to a real SMTP server on loopback (aiosmtpd, TLS, AUTH): delivered
once, retried with a back-off when refused, never twice after a restart."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from pipeline import digest_send
from pipeline.config import Config, load_config
from pipeline.errors import ConfigError
from pipeline.mailer import SmtpMailer, SmtpUnavailable
from pipeline.store import Store
from samples.gen.records import training_invoice
from tests.conftest import run_cli, write_config
from tests.smtp_server import PASSWORD, Server, free_port, running, smtp_config
from watchers.daemon import DIGEST_JOB, Daemon

MONDAY = datetime(2026, 11, 23, 8, 30)
RECIPIENTS = ["appui@coop.example", "direction@coop.example"]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(autouse=True)
def password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOSSIERS_TEST_SMTP_PASSWORD", PASSWORD)


def configure(tmp_path: Path, server: Server, mode: str = "starttls", extra: str = "") -> Config:
    digest = f"[digest]\nrecipients = {RECIPIENTS!r}\nattach_over = 0\n".replace("'", '"')
    config = load_config(write_config(tmp_path, digest + extra + smtp_config(server, mode)))
    with Store(config.paths.database) as store:
        store.sync_entrepreneurs(config.people)
        store.upsert_invoices(
            [
                training_invoice(
                    "FA-2026-0042", "Camille Rousseau", date(2026, 9, 7), ["Léa Martin"]
                )
            ],
            datetime(2026, 9, 1),
        )
    return config


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with running(tmp_path) as s:
        yield s


def test_digest_arrives_once_with_both_parts_and_attachment_over_starttls_and_auth(
    tmp_path: Path, server: Server
) -> None:
    config = configure(tmp_path, server)
    with Store(config.paths.database) as store:
        mailer = SmtpMailer(config.smtp)
        sent = digest_send.send_digest(store, config, mailer, MONDAY.date(), MONDAY)
        again = digest_send.send_digest(store, config, mailer, MONDAY.date(), MONDAY)
        event = digest_send.sent_for(store, MONDAY.date())
    assert sent is not None and again is None
    (delivery,) = server.delivered
    assert delivery.encrypted and delivery.starttls and delivery.login == "dossiers"
    assert server.auth_attempts == [("dossiers", "PLAIN", True)]
    assert sorted(delivery.rcpt_tos) == sorted(RECIPIENTS)
    message = delivery.message
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "dossiers-2026-11-23.xlsx"
    assert event is not None and event["detail"]["message_id"] == message["Message-ID"]
    assert event["detail"]["recipients"] == RECIPIENTS
    assert event["detail"]["open"] == {"FA-2026-0042": "incomplete"}


def test_implicit_tls_delivers_with_auth(tmp_path: Path) -> None:
    with running(tmp_path, mode="tls") as server:
        config = configure(tmp_path, server, mode="tls")
        with Store(config.paths.database) as store:
            digest_send.send_digest(store, config, SmtpMailer(config.smtp), MONDAY.date(), MONDAY)
    (delivery,) = server.delivered
    assert delivery.encrypted and not delivery.starttls and delivery.login == "dossiers"


def test_refusals_then_acceptance_give_exactly_one_delivery_after_growing_delays(
    tmp_path: Path,
) -> None:
    with running(tmp_path, refuse=2) as server:
        config = configure(tmp_path, server, extra="retry_seconds = 30\n")
        with Store(config.paths.database) as store:
            jobs = Daemon(config, now=Clock(MONDAY))._jobs(store)
            digest = next(j for j in jobs.jobs if j.name == DIGEST_JOB)
            delays = []
            jobs.run_due()  # 451: a retry is scheduled
            while DIGEST_JOB in jobs.retries and len(delays) < 5:
                delays.append(jobs.retries[DIGEST_JOB].delay)
                jobs.run_retry(DIGEST_JOB)  # fire it now, as the loop does after the delay
            assert digest not in jobs.due() and jobs.retries == {}
    assert server.refused == 2 and len(server.delivered) == 1
    assert delays == [30, 60]  # doubled after each failure


def test_a_restart_after_sending_sends_nothing_again(tmp_path: Path, server: Server) -> None:
    config = configure(tmp_path, server)
    Daemon(config, now=Clock(MONDAY)).run_once()
    Daemon(config, now=Clock(MONDAY.replace(hour=11))).run_once()  # restarted the same day
    assert len(server.delivered) == 1


def test_a_digest_missed_while_smtp_was_down_is_sent_late_then_the_next_on_time(
    tmp_path: Path,
) -> None:
    with running(tmp_path) as server:
        config = configure(tmp_path, server)
    Daemon(config, now=Clock(MONDAY)).run_once()  # the server is gone: nothing sent
    with running(tmp_path) as server:
        config = configure(tmp_path, server)  # the same database, the server back on a new port
        Daemon(config, now=Clock(datetime(2026, 11, 24, 2, 0))).run_once()  # after midnight
        Daemon(config, now=Clock(datetime(2026, 11, 24, 8, 5))).run_once()
        Daemon(config, now=Clock(datetime(2026, 11, 24, 9, 0))).run_once()
    subjects = [d.message["Subject"] for d in server.delivered]
    assert len(subjects) == 2
    assert "lundi 23 novembre" in subjects[0] and "mardi 24 novembre" in subjects[1]


def test_machine_off_at_the_usual_time_sends_at_start_up(tmp_path: Path, server: Server) -> None:
    config = configure(tmp_path, server)
    Daemon(config, now=Clock(datetime(2026, 11, 23, 14, 0))).run_once()  # Monday afternoon
    Daemon(config, now=Clock(datetime(2026, 11, 28, 9, 0))).run_once()  # off until Saturday
    Daemon(config, now=Clock(datetime(2026, 11, 29, 9, 0))).run_once()  # Sunday
    subjects = [d.message["Subject"] for d in server.delivered]
    # Saturday's start-up sends the last working day's digest (it covers the whole week).
    assert len(subjects) == 2 and "vendredi 27 novembre" in subjects[1]


def test_wrong_password_is_refused_with_a_french_sentence(
    tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = configure(tmp_path, server)
    monkeypatch.setenv("DOSSIERS_TEST_SMTP_PASSWORD", "pas le bon")
    with Store(config.paths.database) as store, pytest.raises(SmtpUnavailable) as caught:
        digest_send.send_digest(store, config, SmtpMailer(config.smtp), MONDAY.date(), MONDAY)
        assert digest_send.sent_for(store, MONDAY.date()) is None
    assert "a refusé l'identification de « dossiers »" in str(caught.value)
    assert server.delivered == []


def test_reminders_reach_each_entrepreneur_at_most_once_a_week(
    tmp_path: Path, server: Server
) -> None:
    config = configure(tmp_path, server, extra="reminders = true\n")
    with Store(config.paths.database) as store:
        mailer = SmtpMailer(config.smtp)
        for day in (23, 24, 30):  # Monday, Tuesday, the next Monday
            moment = datetime(2026, 11, day, 8, 0)
            digest_send.run_daily(store, config, mailer, moment.date(), moment)
    reminders = [d for d in server.delivered if d.rcpt_tos == ["camille@example.org"]]
    assert len(server.delivered) == 3 + 2  # three digests, two reminders
    assert [r.message["Subject"].endswith("23 novembre 2026") for r in reminders] == [True, False]
    assert "FA-2026-0042" in reminders[0].message.get_content()


def test_send_with_the_server_down_exits_3_with_a_sentence(tmp_path: Path) -> None:
    closed = Server(port=free_port(), cert=tmp_path / "none.pem")
    (tmp_path / "none.pem").write_text("")
    config = configure(tmp_path, closed, mode="tls")
    config.file.write_text(config.file.read_text().replace("ca_file = ", "# ca_file = "))
    run = run_cli("--config", str(config.file), "digest", "--send", timeout=120)
    assert run.returncode == 3, run.stderr
    assert "injoignable" in run.stderr and "Traceback" not in run.stderr


CLEAR = '[smtp]\nhost = "{host}"\nport = 25\nstarttls = false\ntls = false\ntimeout = 0.5\n{login}'


def clear_config(tmp_path: Path, host: str, login: str = "") -> Config:
    digest = '[digest]\nrecipients = ["appui@coop.example"]\n'
    return load_config(write_config(tmp_path, digest + CLEAR.format(host=host, login=login)))


def test_mail_in_clear_to_another_machine_is_warned_when_sending_and_in_status(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = clear_config(tmp_path, "192.0.2.1")  # TEST-NET: nobody answers
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@coop.example", "b@coop.example", "x"
    with caplog.at_level(logging.WARNING), pytest.raises(SmtpUnavailable):
        SmtpMailer(config.smtp).send(message)
    assert "les courriels partent en clair vers 192.0.2.1:25" in caplog.text
    shown = run_cli("--config", str(config.file), "status")
    assert shown.returncode == 0, shown.stderr
    assert "Attention" in shown.stdout and "partent en clair" in " ".join(shown.stdout.split())
    data = json.loads(run_cli("--config", str(config.file), "status", "--json").stdout)
    assert [w["about"] for w in data["warnings"]] == ["smtp"]


def test_mail_in_clear_to_a_relay_on_this_machine_is_not_warned(tmp_path: Path) -> None:
    config = clear_config(tmp_path, "localhost")
    data = json.loads(run_cli("--config", str(config.file), "status", "--json").stdout)
    assert data["warnings"] == []


def test_a_password_is_never_sent_in_clear_to_another_machine(tmp_path: Path) -> None:
    config = clear_config(tmp_path, "192.0.2.1", 'username = "dossiers"\n')
    with pytest.raises(ConfigError, match="ne peut pas partir en clair"):
        SmtpMailer(config.smtp, environ={"DOSSIERS_SMTP_PASSWORD": PASSWORD}).send(
            EmailMessage()
        )  # refused before any connection: nobody would answer at that address
