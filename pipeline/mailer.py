"""Sending email: the one place that speaks SMTP.

``[smtp]`` in config.toml: STARTTLS (port 587) or implicit TLS (``tls = true``, port
465), authentication when ``username`` is set, the password read from the environment
variable named by ``password_env`` (never from the file). Certificates are verified
against the system's authorities, plus ``ca_file`` for a private relay.

Every failure becomes :class:`SmtpUnavailable` (an :class:`EnvironmentFault`, exit code
3) with a French sentence saying what to do: the daemon retries later, the command line
prints it. A password is never sent over an unencrypted connection, except to a relay
on this machine.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from pipeline.config import Smtp
from pipeline.errors import ConfigError, EnvironmentFault

log = logging.getLogger(__name__)

LOOPBACK = ("localhost", "127.0.0.1", "::1")


class SmtpUnavailable(EnvironmentFault):
    """The mail server could not be reached, refused us, or refused the message."""


class Mailer(Protocol):
    """What sends a message; :class:`SmtpMailer` is the real one."""

    def send(self, message: EmailMessage) -> list[str]:
        """Send ``message`` to its To/Cc recipients; the addresses the server refused."""
        ...


class SmtpMailer:
    """Sends through the SMTP server of ``[smtp]``, one connection per message."""

    def __init__(self, settings: Smtp, environ: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self.environ = os.environ if environ is None else environ

    def send(self, message: EmailMessage) -> list[str]:
        s = self.settings
        where = f"{s.host}:{s.port}"
        password = self._password()
        warning = clear_text_warning(s)
        if warning:
            log.warning("%s", warning)
        try:
            with self._connect() as smtp:
                if password is not None:
                    smtp.login(s.username, password)
                refused = smtp.send_message(message)
        except smtplib.SMTPAuthenticationError as exc:
            raise SmtpUnavailable(
                f"le serveur de messagerie {where} a refusé l'identification de "
                f"« {s.username} » ({_reply(exc)}) ; vérifiez [smtp] username et le mot de "
                f"passe dans la variable {s.password_env}."
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise SmtpUnavailable(
                f"le serveur de messagerie {where} ne propose pas le chiffrement STARTTLS ; "
                "utilisez tls = true (port 465) ou le bon port dans [smtp]."
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise SmtpUnavailable(
                f"le serveur de messagerie {where} a refusé tous les destinataires "
                f"({', '.join(exc.recipients)}) ; vérifiez [digest] recipients."
            ) from exc
        except smtplib.SMTPResponseException as exc:
            later = "réessayez plus tard" if 400 <= exc.smtp_code < 500 else "voyez son journal"
            raise SmtpUnavailable(
                f"le serveur de messagerie {where} a refusé le message ({_reply(exc)}) ; {later}."
            ) from exc
        except ssl.SSLCertVerificationError as exc:
            raise SmtpUnavailable(
                f"le certificat du serveur de messagerie {where} n'est pas reconnu "
                f"({exc.verify_message}) ; vérifiez [smtp] host, ou indiquez le certificat de "
                "votre relais dans [smtp] ca_file."
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise SmtpUnavailable(
                f"le serveur de messagerie {where} est injoignable ({exc or type(exc).__name__}) "
                "; vérifiez [smtp] host et port, ou réessayez plus tard."
            ) from exc
        if refused:
            log.warning("destinataires refusés par %s : %s", where, ", ".join(refused))
        return sorted(refused)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = tls_context(s)
        if s.tls:
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            smtp.ehlo()
            if s.starttls:
                smtp.starttls(context=context)  # SMTPNotSupportedError if not offered
                smtp.ehlo()
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _password(self) -> str | None:
        s = self.settings
        if not s.username:
            return None
        if not (s.tls or s.starttls) and s.host not in LOOPBACK:
            raise ConfigError(
                f"[smtp] : le mot de passe de « {s.username} » ne peut pas partir en clair vers "
                f"{s.host} ; mettez starttls = true (port 587) ou tls = true (port 465)."
            )
        password = self.environ.get(s.password_env)
        if not password:
            raise ConfigError(
                f"[smtp] : la variable d'environnement {s.password_env} (mot de passe de "
                f"« {s.username} ») n'est pas définie ; définissez-la pour le service, ou "
                "videz [smtp] username si le serveur n'en demande pas."
            )
        return password


def clear_text_warning(settings: Smtp) -> str | None:
    """The French warning when messages would cross the network unencrypted, else None.

    Names, dossiers and file names travel in the digest: to a relay on another machine
    they should be encrypted. A relay on this machine (loopback) needs no encryption.
    """
    if settings.tls or settings.starttls or settings.host in LOOPBACK:
        return None
    return (
        f"[smtp] : les courriels partent en clair vers {settings.host}:{settings.port} "
        "(starttls = false et tls = false) : noms et dossiers sont lisibles sur le réseau ; "
        "mettez starttls = true (port 587) ou tls = true (port 465)."
    )


def tls_context(settings: Smtp) -> ssl.SSLContext:
    """The system's authorities (plus ``ca_file``), host names checked, TLS 1.2 at least."""
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if settings.ca_file is not None:
        try:
            context.load_verify_locations(cafile=str(settings.ca_file))
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(
                f"[smtp] ca_file : {settings.ca_file} illisible ({exc}) ; indiquez un fichier "
                "de certificats PEM."
            ) from exc
    return context


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else ""
    return f"{exc.smtp_code} {text}".strip()


class OutboxMailer:
    """A :class:`Mailer` that writes each message as an ``.eml`` file into a folder instead of
    sending it (a preview, the documentation's screenshot)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def send(self, message: EmailMessage) -> list[str]:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count += 1
        (self.folder / f"{self.count:04d}.eml").write_bytes(message.as_bytes())
        return []
