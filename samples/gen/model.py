"""Dataclass model of the invented cooperative, its entrepreneurs and invoices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

MATIN = "matin"
APREM = "apres-midi"
HALF_HOURS = 3.5
HALF_LABELS = {MATIN: "Matin (9h-12h30)", APREM: "Après-midi (13h30-17h)"}
WEEKDAYS = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def fr(d: date) -> str:
    """dd/mm/yyyy."""
    return d.strftime("%d/%m/%Y")


def fr_long(d: date) -> str:
    """'9 mars 2026'."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def fr_day(d: date) -> str:
    """'Lundi 09/03/2026'."""
    return f"{WEEKDAYS[d.weekday()]} {fr(d)}"


def money(x: float) -> str:
    """French amount: '2 450,00'."""
    whole, cents = f"{x:.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{' '.join(groups)},{cents}"


def hours_fr(h: float) -> str:
    """'14' or '10,5'."""
    return str(int(h)) if float(h).is_integer() else f"{h:.1f}".replace(".", ",")


def num(h: float) -> float | int:
    """JSON number: 14 rather than 14.0."""
    return int(h) if float(h).is_integer() else h


@dataclass(frozen=True)
class Cooperative:
    name: str = "Coopérative Exemple"
    legal: str = "SCOP SA à capital variable"
    nda: str = "76341234534"
    siret: str = "12345678900012"
    address: str = "8 rue de l'Aiguillerie, 34000 Montpellier"
    region: str = "Occitanie"
    manager: str = "Claire Bonnet"
    manager_title: str = "co-gérante"
    email: str = "formation@example.org"
    phone: str = "04 67 00 00 00"


@dataclass(frozen=True)
class Style:
    """An entrepreneur's own template habits."""

    font: str = "Helvetica"
    bold: str = "Helvetica-Bold"
    italic: str = "Helvetica-Oblique"
    accent: tuple[float, float, float] = (0.1, 0.25, 0.5)
    header: str = "bandeau"  # bandeau | centre | ligne
    headings: str = "articles"  # articles | numeros | romains
    ink: tuple[float, float, float] = (0.08, 0.12, 0.42)


@dataclass(frozen=True)
class Entrepreneur:
    name: str
    email: str
    folder: str
    trade: str
    city: str
    style: Style
    titles: tuple[str, ...] = ()

    @property
    def first(self) -> str:
        return self.name.split()[0]


@dataclass(frozen=True)
class Slot:
    day: date
    half: str

    @property
    def hours(self) -> float:
        return HALF_HOURS


@dataclass
class Invoice:
    number: str
    date: date
    es: Entrepreneur
    client: str
    client_type: str
    amount: float
    title: str = ""
    place: str = ""
    slots: list[Slot] = field(default_factory=list)
    trainees: list[str] = field(default_factory=list)
    status: str = "salarié"
    absences: set[tuple[str, date, str]] = field(default_factory=set)
    bpf: str = ""
    objective: str = ""
    nsf: str = ""
    subcontracting: str = "non"
    distance: str = "non"
    client_address: str = ""
    client_rep: str = ""
    beneficiary: str = ""  # OPCO invoices: the employer of the trainees
    trainer_override: str = ""  # 'confiée': the outside trainer
    objectives: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    note: str = ""

    @property
    def training(self) -> bool:
        return bool(self.title)

    @property
    def days(self) -> list[date]:
        return sorted({s.day for s in self.slots})

    @property
    def start(self) -> date:
        return self.days[0]

    @property
    def end(self) -> date:
        return self.days[-1]

    @property
    def hours(self) -> float:
        return sum(s.hours for s in self.slots)

    @property
    def trainer(self) -> str:
        return self.trainer_override or self.es.name

    def attended(self, trainee: str) -> float:
        return sum(s.hours for s in self.slots if (trainee, s.day, s.half) not in self.absences)

    @property
    def trainee_hours(self) -> float:
        return sum(self.attended(t) for t in self.trainees)

    @property
    def contract_client(self) -> str:
        """Who signs the convention: the employer for OPCO-paid trainings."""
        return self.beneficiary or self.client


def days_slots(*days: date, halves: tuple[str, ...] = (MATIN, APREM)) -> list[Slot]:
    return [Slot(d, h) for d in days for h in halves]
