"""Sending the morning digest and the entrepreneurs' reminders, and recording each sending.

A job over the store. The event log is the memory (no table of its own):

- ``resume-envoye``: one per digest sent, at the moment the digest describes, with the
  day it is for, the recipients, the Message-ID, and the snapshot the next digest compares
  with (open dossiers' states, the counts, the chart's weeks);
- ``rappel-envoye``: one per reminder, with the person, the address and the Message-ID.

A day's digest is sent once: an event for that day (or a later one) means done, so a
restart, a retry or a second ``dossiers digest --send`` sends nothing. A failure raises
:class:`pipeline.mailer.SmtpUnavailable` before anything is recorded, so the digest is
still owed and the daemon's retry sends it late rather than never.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pipeline.config import Config
from pipeline.digest import SENT, Digest, build, reminders
from pipeline.digest_mail import compose, compose_reminder
from pipeline.errors import ConfigError
from pipeline.mailer import Mailer
from pipeline.store import Store

log = logging.getLogger(__name__)

REMINDED = "rappel-envoye"


@dataclass(frozen=True)
class Sent:
    day: date
    message_id: str
    recipients: tuple[str, ...]
    refused: tuple[str, ...]


def sent_for(store: Store, day: date) -> dict[str, Any] | None:
    """The event of the digest sent for ``day``, if any."""
    return store.last_event(SENT, day=day.isoformat())


def run_daily(store: Store, config: Config, mailer: Mailer, day: date, now: datetime) -> None:
    """The daemon's job: the digest of ``day`` if still owed, then the reminders if on."""
    digest = send_digest(store, config, mailer, day, now)
    if config.digest.reminders:
        send_reminders(store, config, mailer, digest or build(store, config, day, now), now)


def send_digest(
    store: Store, config: Config, mailer: Mailer, day: date, now: datetime, force: bool = False
) -> Digest | None:
    """Build, send and record the digest of ``day``; None when it was already sent (or a
    later day's was: that one covered the same news). ``force`` sends it again."""
    if not config.digest.recipients:
        raise ConfigError(
            f"{config.file} : clé « digest.recipients » vide : indiquez à qui envoyer le "
            'résumé, par exemple recipients = ["appui@example.org"].'
        )
    if not force:
        last = store.last_event(SENT)
        if last is not None and str(last["detail"].get("day", "")) >= day.isoformat():
            log.info("résumé du %s déjà envoyé (%s) : rien à faire", day, last["at"][:16])
            return None
    digest = build(store, config, day, now)
    message = compose(digest, config)
    refused = mailer.send(message)
    accepted = [r for r in config.digest.recipients if r not in refused]
    with store.transaction() as db:
        store.log(
            db, digest.moment, SENT, day=day.isoformat(), recipients=accepted, refused=refused,
            message_id=message["Message-ID"], subject=digest.subject, attachment=digest.attach,
            **digest.snapshot(),
        )  # fmt: skip
    log.info("résumé du %s envoyé à %s (%s)", day, ", ".join(accepted), message["Message-ID"])
    return digest


def send_reminders(
    store: Store, config: Config, mailer: Mailer, digest: Digest, now: datetime
) -> int:
    """One reminder per entrepreneur with something late, at most one per ``reminder_days``;
    how many were sent."""
    quiet = timedelta(days=config.digest.reminder_days)
    count = 0
    for reminder in reminders(digest, config):
        last = store.last_event_at(REMINDED, email=reminder.email)
        if last is not None and now - last < quiet:
            continue
        message = compose_reminder(reminder, digest, config)
        if mailer.send(message):
            log.warning("rappel à %s refusé par le serveur", reminder.email)
            continue
        with store.transaction() as db:
            store.log(
                db, now, REMINDED, person=reminder.name, email=reminder.email,
                day=digest.day.isoformat(), message_id=message["Message-ID"],
                dossiers=[d.number for d in reminder.dossiers],
            )  # fmt: skip
        log.info("rappel envoyé à %s (%s)", reminder.name, reminder.email)
        count += 1
    return count
