"""A real SMTP server on loopback for the tests (aiosmtpd): TLS with a throwaway
self-signed certificate, password authentication, and what it saw recorded.

``running(tmp_path, mode="starttls"|"tls", refuse=N)`` starts it on a free port of
127.0.0.1 and stops it on exit; the first ``N`` messages get a temporary refusal (451).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER, PASSWORD = "dossiers", "mot-de-passe-de-test"


@dataclass
class Delivery:
    message: EmailMessage
    mail_from: str
    rcpt_tos: list[str]
    encrypted: bool  # the connection was encrypted when the message came
    starttls: bool  # ... by a STARTTLS upgrade (rather than TLS from the first byte)
    login: str | None  # who authenticated


@dataclass
class Server:
    port: int
    cert: Path
    refuse: int = 0  # temporary refusals left
    delivered: list[Delivery] = field(default_factory=list)
    refused: int = 0
    auth_attempts: list[tuple[str, str, bool]] = field(default_factory=list)  # login, mech, ok

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            self.refused += 1
            return "451 4.3.0 Service temporairement indisponible, réessayez"
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        login = session.auth_data.login.decode() if session.auth_data else None
        encrypted = server.transport.get_extra_info("ssl_object") is not None
        self.delivered.append(Delivery(message, envelope.mail_from, list(envelope.rcpt_tos),
                                       encrypted, session.ssl is not None, login))  # fmt: skip
        return "250 2.0.0 Message accepté"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == USER
            and data.password.decode() == PASSWORD
        )
        self.auth_attempts.append((data.login.decode() if data else "", mechanism, ok))
        return AuthResult(success=ok, handled=False, auth_data=data)


class _Controller(Controller):
    def factory(self) -> Any:
        with warnings.catch_warnings():  # "AUTH without TLS required": see ``running``
            warnings.simplefilter("ignore", UserWarning)
            return super().factory()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, valid one day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@contextmanager
def running(folder: Path, mode: str = "starttls", refuse: int = 0) -> Iterator[Server]:
    """The server, listening on 127.0.0.1 until the block ends."""
    cert, key = certificate(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = Server(port=free_port(), cert=cert, refuse=refuse)
    options: dict[str, Any] = {
        "authenticator": server.authenticate,
        "auth_required": True,
        "auth_require_tls": True,  # AUTH is not even offered before encryption
    }
    if mode == "tls":
        # aiosmtpd cannot tell that a connection is encrypted from its first byte and offers
        # AUTH only after STARTTLS; the tests check the encryption on the transport instead.
        options |= {"ssl_context": context, "auth_require_tls": False}
    else:
        options |= {"tls_context": context, "require_starttls": True}
    controller = _Controller(server, hostname="127.0.0.1", port=server.port, **options)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def smtp_config(server: Server, mode: str = "starttls") -> str:
    """The ``[smtp]`` section that reaches this server."""
    return (
        f'[smtp]\nhost = "127.0.0.1"\nport = {server.port}\n'
        f"starttls = {'true' if mode == 'starttls' else 'false'}\n"
        f"tls = {'true' if mode == 'tls' else 'false'}\n"
        f'username = "{USER}"\npassword_env = "DOSSIERS_TEST_SMTP_PASSWORD"\n'
        f'sender = "dossiers@coop.example"\nca_file = "{server.cert}"\ntimeout = 5\n'
    )
