"""The morning digest's content: what needs a person today (issue #6).

A job over the store, not a per-document stage. :func:`build` reads the status report
(:func:`pipeline.status.report`), the files received and the event log, and returns a
:class:`Digest` of plain data, in French words, that :mod:`pipeline.digest_mail` renders
as an email (HTML and text) and :mod:`pipeline.digest_send` sends and records:

- what arrived since the last digest sent (files' ``received_at``), per entrepreneur;
- files that could not be read or placed (set aside, waiting), grouped by reason, with
  what to do (:data:`pipeline.errors.ADVICE`);
- dossiers that became complete: the states recorded with the last digest sent (its
  ``resume-envoye`` event) compared with today's;
- open dossiers grouped by entrepreneur, oldest training first, each with what is missing
  or inconsistent and how many days late (:mod:`pipeline.rules`); dossiers with nothing
  late yet are counted, not listed;
- deadlines ahead: the yearly summaries and the BPF (``[rules] summary_due``), the
  Qualiopi audits (``[qualiopi] certification_date``);
- complete versus open dossiers week by week: each week's last digest sent, else the
  figures an earlier digest estimated, else an estimate from the dates documents were
  received and invoices imported (today's corrections and waivers applied to the past).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from pipeline import status
from pipeline.config import Config
from pipeline.errors import ADVICE, Reason
from pipeline.rules import evaluate
from pipeline.sharefiles import (
    ES_ADVICE,
    MONTHS,
    PIECES,
    REASONS,
    day_text,
    missing_text,
    own_name,
    period_text,
    still_dropped,
)
from pipeline.store import Store

#: The event recorded with each digest sent: day, recipients, Message-ID, states, counts.
SENT = "resume-envoye"
#: The chart counts the dossiers of trainings that started within this many days.
WINDOW_DAYS = 365
SHORT_MONTHS = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)  # fmt: skip
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
STATE_WORDS = {"complete": "complet", "incomplete": "incomplet", "inconsistent": "incohérent"}
#: Titles of the reasons for support staff (the share's words, plus the digest's own).
REASON_TITLES = {**REASONS, Reason.DETACHED: "Détaché de sa facture par une personne"}


@dataclass(frozen=True)
class Counts:
    complete: int = 0
    incomplete: int = 0
    inconsistent: int = 0
    estimated: bool = False  # rebuilt from dates, not recorded on the day

    @property
    def total(self) -> int:
        return self.complete + self.incomplete + self.inconsistent

    def as_list(self) -> list[int]:
        return [self.complete, self.incomplete, self.inconsistent, int(self.estimated)]

    @classmethod
    def from_list(cls, values: Sequence[int]) -> Counts:
        complete, incomplete, inconsistent = (int(v) for v in values[:3])
        return cls(complete, incomplete, inconsistent, bool(values[3:4] and values[3]))


@dataclass(frozen=True)
class Week:
    start: date  # its Monday
    label: str  # « 16 nov. »
    counts: Counts


@dataclass(frozen=True)
class Arrival:
    """What one entrepreneur dropped since the last digest."""

    entrepreneur: str
    files: int
    pieces: str  # « 2 attestations de formation, 1 convention de formation »
    filed: int  # documents attached to an invoice or to the entrepreneur
    waiting: int  # documents waiting for a person
    set_aside: int  # files that could not be used


@dataclass(frozen=True)
class FileItem:
    entrepreneur: str
    file: str  # as dropped, relative to the drop folder
    received: str  # « 20 novembre 2026 »
    new: bool  # received since the last digest
    detail: str = ""


@dataclass(frozen=True)
class ProblemGroup:
    reason: str
    title: str
    advice: str
    items: tuple[FileItem, ...]


@dataclass(frozen=True)
class Item:
    """One missing piece or failed check of a dossier."""

    text: str
    late: int | None = None  # days past the due date
    due: str = ""  # « attendu le 30 novembre 2026 » when not yet late
    check: bool = False  # documents disagree (rather than something missing)


@dataclass(frozen=True)
class OpenDossier:
    number: str
    title: str
    client: str
    dates: str
    start: str  # ISO, for sorting
    state: str
    state_label: str
    items: tuple[Item, ...]

    @property
    def late(self) -> int | None:
        days = [i.late for i in self.items if i.late is not None]
        return max(days) if days else None


@dataclass(frozen=True)
class PersonGroup:
    name: str
    dossiers: tuple[OpenDossier, ...]
    owed: tuple[Item, ...]  # yearly pieces: CV, programmes, pedagogical summary


@dataclass(frozen=True)
class Completed:
    number: str
    entrepreneur: str
    title: str


@dataclass(frozen=True)
class Deadline:
    title: str
    when: str  # « le 30 mars 2027 »
    days: int  # days left (negative: past)
    detail: str
    urgent: bool
    closes: bool = False  # ``days`` counts to the end of a window already open

    @property
    def countdown(self) -> str:
        """« dans 12 j », « ferme dans 53 j », « aujourd'hui », « dépassé de 3 j »."""
        if self.days < 0:
            return f"dépassé de {-self.days} j"
        if self.days == 0:
            return "aujourd'hui"
        return f"{'ferme ' if self.closes else ''}dans {self.days} j"


@dataclass(frozen=True)
class Digest:
    day: date
    moment: datetime  # the state it describes
    since: datetime | None  # the last digest sent before it
    cooperative: str
    arrivals: tuple[Arrival, ...]
    problems: tuple[ProblemGroup, ...]
    duplicates: int  # files received twice: nothing to do, counted only
    completed: tuple[Completed, ...]
    people: tuple[PersonGroup, ...]
    open_total: int  # dossiers not complete
    late_total: int  # open dossiers with something late or inconsistent
    not_listed: int  # such dossiers beyond [digest] max_listed
    not_due: int  # open dossiers with nothing late yet
    deadlines: tuple[Deadline, ...]
    weeks: tuple[Week, ...]
    attach: bool  # the full list goes along as a spreadsheet
    report: dict[str, Any] = field(repr=False)  # the status report (the attachment's rows)
    states: dict[str, str] = field(repr=False)  # open dossiers' states, recorded when sent
    watch: tuple[str, ...] = ()  # what the running daemon cannot do now (faults, folders)

    @property
    def title(self) -> str:
        return f"Résumé du {long_day(self.day)}"

    @property
    def problem_count(self) -> int:
        return sum(len(g.items) for g in self.problems)

    @property
    def arrived_files(self) -> int:
        return sum(a.files for a in self.arrivals)

    @property
    def listed(self) -> int:
        return sum(len(p.dossiers) for p in self.people)

    @property
    def subject(self) -> str:
        parts = [plural(self.late_total, "dossier en retard", "dossiers en retard")]
        if self.problem_count:
            parts.append(plural(self.problem_count, "fichier à regarder", "fichiers à regarder"))
        if self.completed:
            parts.append(plural(len(self.completed), "dossier complété", "dossiers complétés"))
        return f"Dossiers de formation – {long_day(self.day)} : {', '.join(parts)}"

    def snapshot(self) -> dict[str, Any]:
        """What the event of a sent digest keeps: open states, counts, the chart's weeks."""
        return {
            "open": self.states,
            "counts": self.weeks[-1].counts.as_list() if self.weeks else None,
            "weeks": {w.start.isoformat(): w.counts.as_list() for w in self.weeks},
        }


def build(store: Store, config: Config, day: date, moment: datetime | None = None) -> Digest:
    """The digest of ``day``: arrivals up to ``moment`` (default: the day's digest time),
    since the last digest sent before it; the dossiers as they stand, late as of ``day``."""
    moment = moment or datetime.combine(day, config.digest.time)
    report = status.report(store, config, day.year, today=day)
    last = store.last_event(SENT, before=moment)
    since = datetime.fromisoformat(last["at"]) if last else None
    arrived = store.arrivals(since or moment - timedelta(days=1), moment)
    new_files = {r["rel"] for r in arrived}
    dossiers = report["dossiers"]
    open_ = [d for d in dossiers if d["state"] != "complete"]
    late = sorted((d for d in open_ if _actionable(d)), key=_oldest_first)
    shown = late[: config.digest.max_listed]
    received = store.history_dates()[1]
    return Digest(
        day=day,
        moment=moment,
        since=since,
        cooperative=config.cooperative.name,
        arrivals=_arrivals(arrived),
        problems=_problems(report, config, new_files, received),
        duplicates=sum(1 for f in report["set_aside"] if f["reason"] == Reason.DUPLICATE),
        completed=_completed(store, dossiers, last, arrived),
        people=_people(shown, report, day),
        open_total=len(open_),
        late_total=len(late),
        not_listed=len(late) - len(shown),
        not_due=len(open_) - len(late),
        deadlines=tuple(_deadlines(config, day, report)),
        weeks=tuple(_weeks(store, config, day, moment, dossiers, last)),
        attach=len(open_) > config.digest.attach_over,
        report=report,
        states={d["invoice"]: d["state"] for d in open_},
        watch=watch_alerts(status.daemon_json(config, moment)),
    )


def watch_alerts(beat: dict[str, Any] | None) -> tuple[str, ...]:
    """What the running daemon says it cannot do: a fault of the environment going on and
    folders of the share it cannot list. Nothing from a daemon that is not running (its
    last words may be stale; ``dossiers status`` says it stopped), nor in the digest of a
    day gone by (the daemon's words are younger than it)."""
    if not beat or not beat.get("alive") or beat["age_seconds"] < -60:
        return ()
    alerts = []
    if beat.get("fault"):
        since = str(beat.get("fault_since", ""))
        waiting = plural(int(beat.get("waiting", 0)), "fichier attend", "fichiers attendent")
        alerts.append(
            f"Panne depuis le {since[8:10]}/{since[5:7]} à {since[11:16]} : "
            f"{str(beat['fault']).rstrip('. ')} ; {waiting} d'être repris (rien n'est perdu)."
        )
    for folder in beat.get("illisibles", ()):
        alerts.append(f"« {folder['dossier']} » : {str(folder['message']).rstrip('. ')}.")
    return tuple(alerts)


@dataclass(frozen=True)
class Reminder:
    """One entrepreneur's own overdue pieces and unusable files, in plain words."""

    name: str
    first_name: str
    email: str
    cooperative: str
    day: date
    dossiers: tuple[OpenDossier, ...]
    files: tuple[ProblemGroup, ...]  # advice worded for the entrepreneur
    owed: tuple[Item, ...]

    @property
    def empty(self) -> bool:
        return not (self.dossiers or self.files or self.owed)

    @property
    def subject(self) -> str:
        return f"Vos dossiers de formation : ce qui manque au {day_text(self.day.isoformat())}"


def reminders(digest: Digest, config: Config) -> list[Reminder]:
    """A reminder for each entrepreneur with an email and something late or unusable."""
    out = []
    late = [d for d in digest.report["dossiers"] if d["state"] != "complete" and _actionable(d)]
    for person in config.people:
        if not person.email:
            continue
        mine = sorted((d for d in late if d["entrepreneur"] == person.name), key=_oldest_first)
        group = next((g for g in _people([], digest.report, digest.day) if g.name == person.name),
                     None)  # fmt: skip
        files = tuple(
            ProblemGroup(
                g.reason, g.title, ES_ADVICE.get(g.reason, g.advice),
                tuple(replace(i, file=own_name(i.file, person.key)) for i in g.items
                      if i.entrepreneur == person.name),
            )
            for g in digest.problems
            if g.reason != Reason.INTERNAL  # the support team deals with the software's bugs
        )  # fmt: skip
        reminder = Reminder(
            name=person.name,
            first_name=person.name.split()[0] if person.name.split() else person.name,
            email=person.email,
            cooperative=digest.cooperative,
            day=digest.day,
            dossiers=tuple(_open(d, digest.day) for d in mine),
            files=tuple(g for g in files if g.items),
            owed=group.owed if group else (),
        )
        if not reminder.empty:
            out.append(reminder)
    return out


# -- what arrived ------------------------------------------------------------------------


def _arrivals(rows: Sequence[dict[str, Any]]) -> tuple[Arrival, ...]:
    per: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        per.setdefault(r["entrepreneur"] or "(dossier inconnu)", []).append(r)
    out = []
    for name in sorted(per):
        mine = per[name]
        docs = [r for r in mine if r["type"]]
        types: dict[str, int] = {}
        for r in docs:
            types[r["type"]] = types.get(r["type"], 0) + 1
        order = list(PIECES)
        pieces = ", ".join(
            f"{n} {lower_first(PIECES[t].count(n)) if t in PIECES else t}"
            for t, n in sorted(types.items(), key=lambda kv: _rank(order, kv[0]))
        )
        out.append(
            Arrival(
                entrepreneur=name,
                files=len({r["file_id"] for r in mine}),
                pieces=pieces,
                filed=sum(1 for r in docs if not r["doc_reason"]),
                waiting=sum(1 for r in docs if r["doc_reason"]),
                set_aside=len({r["file_id"] for r in mine if r["state"] == "ecarte"}),
            )
        )
    return tuple(out)


def _rank(order: list[str], key: str) -> int:
    return order.index(key) if key in order else len(order)


# -- files that need a person --------------------------------------------------------------


def _problems(
    report: dict[str, Any], config: Config, new_files: set[str], received: dict[int, str]
) -> tuple[ProblemGroup, ...]:
    """Set-aside files still in the share and documents waiting, grouped by reason."""
    items: dict[str, list[FileItem]] = {}
    for f in report["set_aside"]:
        if f["reason"] == Reason.DUPLICATE or not still_dropped(config.paths.drop, f["file"]):
            continue  # nothing to do, or the entrepreneur removed (or replaced) it since
        item = FileItem(
            entrepreneur=f["entrepreneur"] or "",
            file=f["file"],
            received=day_text(str(f["received"])[:10]),
            new=f["file"] in new_files,
        )
        items.setdefault(f["reason"] or Reason.INTERNAL, []).append(item)
    for u in report["unfiled"]:
        pages = f" (p. {u['pages'][0]}-{u['pages'][1]})" if u["pages"][1] > u["pages"][0] else ""
        candidates = ", ".join(u["candidates"])
        detail = PIECES[u["type"]].one if u["type"] in PIECES and u["type"] != "autre" else ""
        if candidates:
            detail = f"{detail} ; factures possibles : {candidates}".lstrip(" ;")
        item = FileItem(
            entrepreneur=u["entrepreneur"] or "",
            file=u["file"] + pages,
            received=day_text(received.get(u["id"], "")[:10]),
            new=u["file"] in new_files,
            detail=detail,
        )
        items.setdefault(u["reason"] or Reason.UNCLASSIFIED, []).append(item)
    order = [str(r) for r in Reason]
    return tuple(
        ProblemGroup(
            reason=reason,
            title=REASON_TITLES.get(reason, reason),
            advice=ADVICE.get(Reason(reason), "") if reason in order else "",
            items=tuple(sorted(found, key=lambda i: (i.entrepreneur, i.file))),
        )
        for reason, found in sorted(items.items(), key=lambda kv: _rank(order, kv[0]))
    )


# -- dossiers --------------------------------------------------------------------------------


def _actionable(d: dict[str, Any]) -> bool:
    """Something to chase: documents disagree, a required piece is late or has no due date."""
    if d["checks"]:
        return True
    lacking = [*d["missing"], *d.get("pending", [])]
    required = [m for m in lacking if m.get("level", "requis") == "requis"]
    return any(m.get("overdue_days") or not m.get("due") for m in required)


def _oldest_first(d: dict[str, Any]) -> tuple[str, str]:
    return d.get("start") or "9999", d["invoice"]


def _items(d: dict[str, Any], today: date) -> tuple[Item, ...]:
    out = [Item(c["message"], check=True) for c in d["checks"]]
    for m in [*d["missing"], *d.get("pending", [])]:
        if m.get("level", "requis") != "requis":
            continue  # recommended pieces are in the attachment, not in the morning's words
        out.append(_item(m, today))
    return tuple(out)


def _item(m: dict[str, Any], today: date) -> Item:
    late = m.get("overdue_days") or None
    due = ""
    if m.get("due") and not late:
        due = f"attendu le {day_text(m['due'])}"
        if date.fromisoformat(m["due"]) == today:
            due = "attendu aujourd'hui"
    return Item(missing_text(m), late=late, due=due)


def _people(
    shown: Sequence[dict[str, Any]], report: dict[str, Any], today: date
) -> tuple[PersonGroup, ...]:
    """Open dossiers grouped by entrepreneur (the group of the oldest first), with the yearly
    pieces each one owes."""
    groups: dict[str, list[OpenDossier]] = {}
    for d in shown:
        groups.setdefault(d["entrepreneur"], []).append(_open(d, today))
    trained = {d["entrepreneur"] for d in report["dossiers"]}
    owed: dict[str, tuple[Item, ...]] = {}
    for p in report["entrepreneurs"]:
        if p["name"] not in trained:
            continue
        items = [
            _item(m, today)
            for m in p["missing"]
            if m.get("level", "requis") == "requis" and (not m.get("due") or m.get("overdue_days"))
        ]
        if items:
            owed[p["name"]] = tuple(items)
    names = list(groups) + sorted(n for n in owed if n not in groups)
    return tuple(PersonGroup(n, tuple(groups.get(n, ())), owed.get(n, ())) for n in names)


def _open(d: dict[str, Any], today: date) -> OpenDossier:
    return OpenDossier(
        number=d["invoice"],
        title=d.get("title") or "(formation sans intitulé)",
        client=d.get("client") or "",
        dates=period_text(d.get("start"), d.get("end")),
        start=d.get("start") or "",
        state=d["state"],
        state_label=STATE_WORDS.get(d["state"], d["state"]),
        items=_items(d, today),
    )


def _completed(
    store: Store,
    dossiers: Sequence[dict[str, Any]],
    last: dict[str, Any] | None,
    arrived: Sequence[dict[str, Any]],
) -> tuple[Completed, ...]:
    """Complete now, and open at the last digest (or imported since). Before any digest was
    sent: complete now, with a document received since yesterday."""
    if last is not None:
        was_open = set((last["detail"].get("open") or {}).keys())
        was_open |= store.imported_since(datetime.fromisoformat(last["at"]))
    else:
        was_open = {r["invoice"] for r in arrived if r["invoice"]}
    return tuple(
        Completed(d["invoice"], d["entrepreneur"], d.get("title") or "")
        for d in sorted(dossiers, key=lambda d: (d["entrepreneur"], d["invoice"]))
        if d["state"] == "complete" and d["invoice"] in was_open
    )


# -- deadlines -------------------------------------------------------------------------------


def _deadlines(config: Config, day: date, report: dict[str, Any]) -> Iterable[Deadline]:
    horizon = config.digest.horizon_days
    yield from _yearly(config, day, report, horizon)
    cert = config.qualiopi.certification_date
    if cert is not None:
        yield from _qualiopi(cert, day, horizon)


def _yearly(config: Config, day: date, report: dict[str, Any], horizon: int) -> Iterable[Deadline]:
    """The summaries and the BPF of last year (due by ``summary_due``), when near or late."""
    month, dom = config.rules.summary_due
    due = date(day.year, month, dom)
    year = day.year - 1
    left = (due - day).days
    owing = sorted(
        p["name"]
        for p in report["entrepreneurs"]
        if any(m["piece"] == "bilan_pedagogique" for m in p["missing"])
    )
    if 0 <= left <= horizon or (left < 0 and owing):
        detail = f"Manquants : {', '.join(owing)}." if owing else "Tous les bilans ont été reçus."
        yield Deadline(
            f"Bilans pédagogiques {year} des entrepreneurs", f"le {day_text(due.isoformat())}",
            left, detail, urgent=left < 0 or (left <= 30 and bool(owing)),
        )  # fmt: skip
    legal = date(day.year, 4, 30)
    if 0 <= left <= horizon or (left < 0 and day <= legal):
        still = sum(
            1
            for d in report["dossiers"]
            if d["state"] != "complete" and (d.get("start") or d.get("end") or "")[:4] == str(year)
        )
        detail = "Dépôt légal sur Mon Activité Formation avant le 30 avril. " + (
            f"{plural(still, 'dossier', 'dossiers')} de {year} encore à compléter."
            if still
            else f"Tous les dossiers de {year} sont complets."
        )
        yield Deadline(
            f"BPF {year} (bilan pédagogique et financier)", f"le {day_text(due.isoformat())}",
            left, detail, urgent=left <= 30,
        )  # fmt: skip


def _qualiopi(cert: date, day: date, horizon: int) -> Iterable[Deadline]:
    """The surveillance audit (14 to 22 months after certification) and the renewal."""
    opens, closes = add_months(cert, 14), add_months(cert, 22)
    if (opens - day).days <= horizon and day <= closes:
        inside = day >= opens
        yield Deadline(
            "Audit de surveillance Qualiopi",
            f"du {day_text(opens.isoformat())} au {day_text(closes.isoformat())}",
            (closes - day).days if inside else (opens - day).days,
            "La fenêtre est ouverte : l'audit doit avoir lieu avant sa fermeture. L'auditeur "
            "regarde le BPF et des dossiers complets."
            if inside
            else "Convenez de la date avec l'organisme certificateur.",
            urgent=inside,
            closes=inside,
        )
    expires = add_months(cert, 36)
    if (expires - day).days <= max(horizon, 180) and day <= expires:
        yield Deadline(
            "Renouvellement du certificat Qualiopi",
            f"avant le {day_text(expires.isoformat())}",
            (expires - day).days,
            "L'audit de renouvellement doit avoir lieu avant l'expiration du certificat.",
            urgent=(expires - day).days <= 60,
        )


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` months, the day of month kept where it exists (else the last)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


# -- the weeks' chart --------------------------------------------------------------------------


def _weeks(
    store: Store,
    config: Config,
    day: date,
    moment: datetime,
    dossiers: Sequence[dict[str, Any]],
    last: dict[str, Any] | None,
) -> list[Week]:
    monday = day - timedelta(days=day.weekday())
    starts = [monday - timedelta(weeks=k) for k in reversed(range(config.digest.weeks))]
    recorded: dict[date, Counts] = {}
    first = datetime.combine(starts[0], time())
    for at, values in store.event_values(SENT, "counts", first, moment):
        if values:
            recorded[at.date() - timedelta(days=at.weekday())] = Counts.from_list(values)
    earlier = {
        date.fromisoformat(k): Counts.from_list(v)
        for k, v in ((last or {}).get("detail", {}).get("weeks") or {}).items()
    }
    history: _History | None = None
    weeks = []
    for start in starts:
        if start == monday:
            counts = _count(((d.get("start"), d["state"]) for d in dossiers), day)
        elif start in recorded:
            counts = recorded[start]
        elif start in earlier:
            counts = earlier[start]
        else:
            history = history or _History(store, config)
            counts = history.counts_at(datetime.combine(start + timedelta(days=6), time.max))
        weeks.append(Week(start, f"{start.day} {SHORT_MONTHS[start.month - 1]}", counts))
    return weeks


def _count(states: Iterable[tuple[str | None, str]], day: date, estimated: bool = False) -> Counts:
    """Dossiers of trainings started in the year before ``day`` (or later), by state."""
    floor = (day - timedelta(days=WINDOW_DAYS)).isoformat()
    found = {"complete": 0, "incomplete": 0, "inconsistent": 0}
    for start, state in states:
        if start is None or start > floor:
            found[state] = found.get(state, 0) + 1
    return Counts(found["complete"], found["incomplete"], found["inconsistent"], estimated)


class _History:
    """The dossiers as they stood at a past moment: the invoices imported by then, with the
    documents received by then (read once, evaluated per moment)."""

    def __init__(self, store: Store, config: Config) -> None:
        self.config = config
        self.imported, self.received = store.history_dates()
        self.invoices = store.invoices()
        self.waivers = store.waivers()
        self.states: dict[tuple[str, tuple[int, ...], int], str] = {}
        self.documents: dict[str, list[Any]] = {}
        for doc in store.documents():
            if doc.invoice:
                self.documents.setdefault(doc.invoice, []).append(doc)

    def counts_at(self, when: datetime) -> Counts:
        stamp = when.isoformat()
        states = []
        for inv in self.invoices:
            if self.imported.get(inv.number, "") > stamp:
                continue
            docs = [d for d in self.documents.get(inv.number, []) if self.received[d.id] <= stamp]
            waived = [w for w in self.waivers.get(inv.number, []) if w.at <= stamp]
            # A state depends on the documents and waivers, not on the day: most dossiers
            # are the same from one week to the next and are evaluated once.
            key = (inv.number, tuple(d.id for d in docs), len(waived))
            if key not in self.states:
                found = evaluate(inv, docs, self.config.attendance, self.config.rules,
                                 when.date(), waived)  # fmt: skip
                self.states[key] = found.state
            start = inv.start or inv.date
            states.append((start.isoformat(), self.states[key]))
        return _count(states, when.date(), estimated=True)


# -- words -----------------------------------------------------------------------------------


def long_day(day: date) -> str:
    """« lundi 23 novembre 2026 »."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def lower_first(text: str) -> str:
    """« Feuilles d'émargement » → « feuilles d'émargement »; « CV » stays."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
