"""The digest as an email: HTML and plain text from ``templates/``, the spreadsheet attached.

The HTML part is laid out for mail clients (Outlook's Word engine, Gmail, phones): tables,
inline styles, no stylesheet, no image, no script, no link outside the message. The
chart is a table of coloured cells, so it shows even where images are blocked; the
plain-text part says the same things, with the bars drawn in characters.

The Message-ID of a day's digest is the same on every attempt (the day and the database
make it): should the process die between the server's acceptance and the record of the
sending, the copy sent again on restart carries the same Message-ID, which mail
clients show once.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any

from pipeline import archive, export
from pipeline.config import Config
from pipeline.digest import Digest, Reminder, Week, plural
from pipeline.sharefiles import AFTER_QUOTE, BEFORE_MARK, environment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAR_CHARS = 30  # width of the text chart's longest bar


@dataclass(frozen=True)
class Bar:
    """One week of the chart: cell widths in percent of the longest week, and its words."""

    label: str
    complete: int  # percent
    incomplete: int
    inconsistent: int
    text: str  # « 10 complets, 6 à compléter »
    chars: str  # the bar in characters, for the text part
    estimated: bool


def render(digest: Digest, fmt: str) -> str:
    """The digest as HTML (``fmt="html"``, escaped) or plain text (``fmt="txt"``)."""
    template = environment().get_template(f"resume.{fmt}.j2")
    return _typography(template.render(d=digest, bars=bars(digest.weeks), plural=plural))


def render_reminder(reminder: Reminder) -> str:
    return _typography(
        environment().get_template("rappel-entrepreneur.txt.j2").render(r=reminder, plural=plural)
    )


def compose(digest: Digest, config: Config) -> EmailMessage:
    """The multipart email: text and HTML alternatives, the full list attached when long."""
    msg = _headers(config, digest.subject, config.digest.recipients, digest)
    msg["Message-ID"] = message_id(config, f"resume.{digest.day.isoformat()}")
    msg.set_content(render(digest, "txt"), cte="quoted-printable")
    msg.add_alternative(render(digest, "html"), subtype="html", cte="quoted-printable")
    if digest.attach:
        msg.add_attachment(
            spreadsheet(digest.report),
            maintype="application",
            subtype=XLSX.split("/")[1],
            filename=attachment_name(digest),
        )
    return msg


def compose_reminder(reminder: Reminder, digest: Digest, config: Config) -> EmailMessage:
    """A plain-text reminder to one entrepreneur."""
    msg = _headers(config, reminder.subject, (reminder.email,), digest)
    if config.digest.recipients:  # a reply goes to the support team, not to the robot
        msg["Reply-To"] = ", ".join(config.digest.recipients)
    key = hashlib.sha256(reminder.email.casefold().encode()).hexdigest()[:8]
    msg["Message-ID"] = message_id(config, f"rappel.{digest.day.isoformat()}.{key}")
    msg.set_content(render_reminder(reminder), cte="quoted-printable")
    return msg


def write_files(digest: Digest, config: Config, folder: Path) -> list[Path]:
    """``resume-DAY.eml`` (the whole email) and ``resume-DAY.html`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"resume-{digest.day.isoformat()}"
    eml, html = folder / f"{stem}.eml", folder / f"{stem}.html"
    archive.replace_atomic(eml, compose(digest, config).as_bytes())
    archive.replace_atomic(html, render(digest, "html").encode("utf-8"))
    return [eml, html]


def attachment_name(digest: Digest) -> str:
    return f"dossiers-{digest.day.isoformat()}.xlsx"


def spreadsheet(report: dict[str, Any]) -> bytes:
    """The status report as ``dossiers export`` writes it, as bytes."""
    with tempfile.TemporaryDirectory(prefix="resume-") as tmp:
        return export.write_xlsx(report, Path(tmp) / "dossiers.xlsx").read_bytes()


def message_id(config: Config, local: str) -> str:
    """``<local.TOKEN@domain>``: the same for the same day and database, unique across
    cooperatives sending from the same domain."""
    token = hashlib.sha256(
        f"{config.paths.database.resolve()}|{config.cooperative.nda}".encode()
    ).hexdigest()[:12]
    domain = config.smtp.sender.rpartition("@")[2] or "localhost"
    return f"<{local}.{token}@{domain}>"


def bars(weeks: tuple[Week, ...]) -> list[Bar]:
    """The chart's rows, scaled to the week with the most dossiers."""
    top = max((w.counts.total for w in weeks), default=0) or 1
    out = []
    for w in weeks:
        c = w.counts
        widths = [round(100 * n / top) for n in (c.complete, c.incomplete, c.inconsistent)]
        chars = [round(BAR_CHARS * n / top) for n in (c.complete, c.incomplete, c.inconsistent)]
        still = c.incomplete + c.inconsistent
        text = (
            f"{plural(c.complete, 'complet', 'complets')}, {still} à compléter"
            if c.total
            else "aucun dossier"
        )
        out.append(
            Bar(
                label=w.label,
                complete=widths[0],
                incomplete=widths[1],
                inconsistent=widths[2],
                text=text,
                chars="█" * chars[0] + "▒" * chars[1] + "░" * chars[2],
                estimated=c.estimated,
            )
        )
    return out


def _headers(config: Config, subject: str, to: tuple[str, ...], digest: Digest) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = formataddr((f"Dossiers de formation – {config.cooperative.name}",
                              config.smtp.sender))  # fmt: skip
    if to:
        msg["To"] = ", ".join(to)
    msg["Date"] = format_datetime(digest.moment.astimezone())
    # An automatic message: no out-of-office replies (RFC 3834; Exchange's own header).
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    return msg


def _typography(text: str) -> str:
    """Non-breaking spaces where French typography wants them (never a lone « : » line)."""
    return AFTER_QUOTE.sub("«\u00a0", BEFORE_MARK.sub("\u00a0\\1", text))
