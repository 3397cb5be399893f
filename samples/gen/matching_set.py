"""A generated set for measuring matching: 100+ training invoices of invented
entrepreneurs and 500+ born-digital documents, each labelled with the invoice it
belongs to, ``"entrepreneur"`` (CV, programme, yearly summary) or ``"ambiguous"``
(what it prints fits several invoices: it must wait with its candidates).

The hard cases are built on purpose and tagged on every document they concern:

- ``vendue-deux-fois``: the same training sold twice to the same client, on other dates;
- ``memes-dates``: two trainings of one entrepreneur on the same dates, different clients;
- ``stagiaire-partage``: a trainee who follows two sessions of one entrepreneur;
- ``opco``: an OPCO pays the invoice, the documents name the employer;
- ``sous-traitance``: the entrepreneur works for another training organisation (quote);
- ``numero-imprime``: the document prints the invoice number;
- ``dossier-facture``: the file lies in a folder named after the invoice number;
- ``lot``: one file holding a session's undated hot evaluations, one a page, most of them
  anonymous: they belong to the session of the pages that name a trainee of its own, or,
  when none does, to the one invoice of that title with trainees enough for the batch
  (every page waits when two have).

Deterministic for a seed: ``build(seed)`` then ``draw(doc)`` gives the same bytes.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import docs
from .model import APREM, MATIN, Entrepreneur, Invoice, Style, days_slots
from .pen import Pen

YEAR = 2026
AMBIGUOUS = "ambiguous"
ENTREPRENEUR = "entrepreneur"
HARD_CASES = (
    "vendue-deux-fois",
    "memes-dates",
    "stagiaire-partage",
    "opco",
    "sous-traitance",
    "numero-imprime",
    "dossier-facture",
    "lot",
)

Build = Callable[[Pen], dict]


@dataclass(frozen=True)
class Trade:
    """An invented entrepreneur with what they teach and to whom."""

    es: Entrepreneur
    titles: tuple[str, ...]
    clients: tuple[str, ...]
    nsf: str
    history: tuple[list[str], list[str]]


@dataclass
class MatchDoc:
    """One generated file holding one document, and where it truly belongs."""

    path: str  # relative to the drop folder: "<es folder>/[...]/<name>.pdf"
    type: str
    entrepreneur: str
    truth: str  # an invoice number, ENTREPRENEUR or AMBIGUOUS
    build: Build
    seed: int
    cases: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()  # AMBIGUOUS: the invoices it fits
    # A batch file (one document a page): where each page's document truly belongs; then
    # ``truth`` is that of its first page.
    pages: tuple[str, ...] = ()


@dataclass
class MatchingSet:
    trades: list[Trade]
    invoices: list[Invoice]
    documents: list[MatchDoc] = field(default_factory=list)
    cases: dict[str, set[str]] = field(default_factory=dict)  # invoice -> hard cases

    @property
    def entrepreneurs(self) -> list[Entrepreneur]:
        return [t.es for t in self.trades]


def _es(name: str, folder: str, trade: str, city: str, style: Style) -> Entrepreneur:
    email = _ascii(name).lower().replace(" ", ".") + "@example.org"
    return Entrepreneur(name, email, folder, trade, city, style, ("Titre professionnel FPA",))


def _ascii(s: str) -> str:
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()


TRADES = [
    Trade(
        _es(
            "Sandrine Lefèvre",
            "sandrine.lefevre",
            "Formatrice gestion et comptabilité",
            "Montpellier",
            Style(header="bandeau", headings="articles", accent=(0.2, 0.3, 0.5)),
        ),
        (
            "Lire et comprendre un bilan comptable",
            "Construire son budget prévisionnel",
            "Piloter sa trésorerie au quotidien",
            "La comptabilité pour les non-comptables",
        ),
        (
            "Cabinet Vidal Associés",
            "Menuiserie Rouquette SARL",
            "Librairie des Arceaux",
            "Domaine de la Croix Haute",
            "Pharmacie du Peyrou",
        ),
        "314",
        (["2015 - aujourd'hui : formatrice en gestion"], ["Lire et comprendre un bilan"]),
    ),
    Trade(
        _es(
            "Julien Morel",
            "Julien Morel",
            "Formateur santé et sécurité au travail",
            "Sète",
            Style(
                font="Times-Roman",
                bold="Times-Bold",
                italic="Times-Italic",
                header="centre",
                headings="romains",
            ),
        ),
        (
            "Sauveteur secouriste du travail",
            "Prévention des risques liés à l'activité physique",
            "Gestes et postures au travail",
            "Habilitation électrique B0 H0V",
        ),
        (
            "Transports Cévenols SAS",
            "Entrepôts du Languedoc",
            "Mairie de Frontignan",
            "Clinique des Oliviers",
            "Garage Sabatier",
        ),
        "344",
        (["2012 - aujourd'hui : formateur SST"], ["Sauveteur secouriste du travail"]),
    ),
    Trade(
        _es(
            "Amélie Roux",
            "Amelie_Roux",
            "Formatrice relations au travail",
            "Nîmes",
            Style(header="ligne", headings="numeros", accent=(0.45, 0.1, 0.3)),
        ),
        (
            "Communication bienveillante au travail",
            "Conduire l'entretien annuel",
            "Prévenir et gérer les conflits en équipe",
            "Animer une réunion efficace",
        ),
        (
            "Association Les Tilleuls",
            "Imprimerie Causse",
            "Hôtel du Golfe",
            "Crèche Les P'tits Loups",
            "Cave coopérative de Vauvert",
        ),
        "315",
        (["2016 - aujourd'hui : formatrice RH"], ["Conduire l'entretien annuel"]),
    ),
    Trade(
        _es(
            "Bastien Carré",
            "B. Carré",
            "Formateur numérique pour TPE",
            "Lunel",
            Style(header="bandeau", headings="numeros", accent=(0.05, 0.45, 0.45)),
        ),
        (
            "WordPress : créer le site de son entreprise",
            "Réseaux sociaux pour les TPE",
            "Référencement naturel pour débutants",
            "Canva pour la communication visuelle",
        ),
        (
            "Fromagerie Bastide",
            "Camping Les Flots Bleus",
            "Atelier Céramique Lunel",
            "Boucherie Pagès",
            "Office de tourisme du Pic Saint-Loup",
        ),
        "320",
        (["2017 - aujourd'hui : formateur web"], ["Réseaux sociaux pour les TPE"]),
    ),
    Trade(
        _es(
            "Nathalie Pérez",
            "Nathalie Perez",
            "Formatrice en langues (espagnol, italien)",
            "Béziers",
            Style(
                font="Times-Roman",
                bold="Times-Bold",
                italic="Times-Italic",
                header="ligne",
                headings="articles",
            ),
        ),
        (
            "Espagnol professionnel niveau A2",
            "Espagnol commercial niveau B1",
            "Accueillir la clientèle en espagnol",
            "Italien pour débutants",
        ),
        (
            "Hôtel Riquet",
            "Vignobles Saint-Chinian",
            "Agence Voyages Soleil",
            "Restaurant La Table d'Oc",
            "Port de plaisance du Cap",
        ),
        "136",
        (["2010 - aujourd'hui : formatrice en langues"], ["Espagnol professionnel"]),
    ),
    Trade(
        _es(
            "Olivier Delmas",
            "olivier-delmas",
            "Formateur hygiène et restauration",
            "Montpellier",
            Style(header="centre", headings="romains", accent=(0.5, 0.3, 0.05)),
        ),
        (
            "Hygiène alimentaire en restauration (HACCP)",
            "Plan de maîtrise sanitaire",
            "Allergènes en restauration",
            "Manager une brigade de cuisine",
        ),
        (
            "Brasserie du Lez",
            "Traiteur Maison Fabre",
            "Collège Jean Moulin",
            "Boulangerie Granier",
            "EHPAD Les Glycines",
        ),
        "221",
        (["2014 - aujourd'hui : formateur HACCP"], ["Hygiène alimentaire (HACCP)"]),
    ),
]

FIRST = [
    "Léa",
    "Chloé",
    "Inès",
    "Manon",
    "Camille",
    "Sarah",
    "Julie",
    "Emma",
    "Laura",
    "Marion",
    "Pauline",
    "Aurélie",
    "Nora",
    "Yasmine",
    "Lucas",
    "Hugo",
    "Thomas",
    "Nicolas",
    "Maxime",
    "Romain",
    "Karim",
    "Mehdi",
    "Antoine",
    "Kevin",
    "Alexis",
    "Florian",
    "Damien",
    "Sébastien",
    "Cédric",
    "Jérôme",
]
LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Durand",
    "Lefebvre",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Blanc",
    "Guerin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Perrin",
    "Robin",
    "Clément",
    "Masson",
    "Henry",
    "Nicolas",
    "Mathieu",
    "Lambert",
]
OPCOS = ("OPCO EP", "Akto", "OPCO Atlas", "Constructys")
TRAINING_ORGS = ("Formatis Conseil", "Institut Sud Compétences", "Cap Métiers Formation")


def _workdays(start: date, n: int) -> list[date]:
    out, d = [], start
    while len(out) < n:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


def _new_invoice(
    rng: random.Random, t: Trade, people: list[str], number: str, start: date
) -> Invoice:
    n_days = rng.choice((1, 1, 2, 2, 2, 3))
    days = _workdays(start, n_days)
    half = n_days == 1 and rng.random() < 0.2
    slots = days_slots(*days, halves=(MATIN,) if half else (MATIN, APREM))
    trainees = rng.sample(people, rng.randint(2, 6))
    client = rng.choice(t.clients)
    amount = round(len(slots) * rng.choice((450, 500, 550, 600)), 2)
    inv = Invoice(
        number,
        days[-1] + timedelta(days=rng.randint(1, 10)),
        t.es,
        client,
        "entreprise",
        float(amount),
        title=rng.choice(t.titles),
        place=f"{rng.randint(2, 40)} avenue de la Gare, {t.es.city}",
        slots=slots,
        trainees=trainees,
        bpf="C1",
        objective="F3d",
        nsf=t.nsf,
        client_address=f"{rng.randint(1, 90)} rue du Commerce, {t.es.city}",
        client_rep="M. le gérant",
        objectives=("Acquérir les bases", "Mettre en pratique en situation de travail"),
        modules=("Module 1 : apports", "Module 2 : mises en situation", "Module 3 : plan d'action"),
    )
    if rng.random() < 0.08 and not half:  # a private person paying for themself
        inv.client, inv.client_type, inv.bpf = trainees[0], "particulier", "C9"
        inv.trainees, inv.status = [trainees[0]], "particulier"
    return inv


def _copy(inv: Invoice, number: str, **changes: object) -> Invoice:
    out = Invoice(**{k: getattr(inv, k) for k in Invoice.__dataclass_fields__})
    out.number = number
    out.trainees = list(inv.trainees)
    out.absences = set()
    for k, v in changes.items():
        setattr(out, k, v)
    return out


def _shift(inv: Invoice, days: int) -> list:
    return [type(s)(s.day + timedelta(days=days), s.half) for s in inv.slots]


def _invoices(rng: random.Random, per_es: int) -> tuple[list[Invoice], dict[str, set[str]]]:
    """``per_es`` ordinary invoices per entrepreneur, then the hard cases on top."""
    drafts: list[Invoice] = []
    cases: dict[str, set[str]] = {}
    counter = iter(range(1000))

    def tag(inv: Invoice, case: str) -> None:
        cases.setdefault(inv.number, set()).add(case)

    for t in TRADES:
        people = [
            f"{f} {n}" for f, n in zip(rng.sample(FIRST, 24), rng.sample(LAST, 24), strict=True)
        ]
        own: list[Invoice] = []
        for _ in range(per_es):
            start = date(YEAR, 1, 5) + timedelta(days=rng.randint(0, 320))
            own.append(_new_invoice(rng, t, people, f"tmp{next(counter)}", start))
        firms = [i for i in own if i.client_type == "entreprise"]
        # Sold twice to the same client, 5 to 10 weeks later; half the group comes back.
        for first in rng.sample(firms, 2):
            again = rng.sample(people, len(first.trainees))
            again[: len(again) // 2] = first.trainees[: len(again) // 2]
            second = _copy(
                first,
                f"tmp{next(counter)}",
                slots=_shift(first, 7 * rng.randint(5, 10)),
                trainees=again,
            )
            second.date = second.end + timedelta(days=3)
            own.append(second)
            tag(first, "vendue-deux-fois")
            tag(second, "vendue-deux-fois")
        # Two trainings on the same dates for different clients (two trainers' worth of work:
        # a morning and an afternoon, or the entrepreneur's colleague delivering one).
        base = rng.choice(firms)
        other = _copy(
            base,
            f"tmp{next(counter)}",
            client=rng.choice([c for c in t.clients if c != base.client]),
            title=rng.choice([x for x in t.titles if x != base.title]),
            trainees=rng.sample([p for p in people if p not in base.trainees], 3),
        )
        own.append(other)
        tag(base, "memes-dates")
        tag(other, "memes-dates")
        # A trainee who follows two different trainings.
        a, b = rng.sample([i for i in firms if i.title != base.title], 2)
        if a.title != b.title and a.trainees[0] not in b.trainees:
            b.trainees = [a.trainees[0]] + b.trainees[1:]
            tag(a, "stagiaire-partage")
            tag(b, "stagiaire-partage")
        # OPCO pays; the documents name the employer.
        o = rng.choice([i for i in firms if not cases.get(i.number)])
        o.beneficiary, o.client = o.client, rng.choice(OPCOS)
        o.client_type, o.bpf = "opco", "C2h"
        tag(o, "opco")
        # Subcontracted: another training organisation buys the training.
        s = rng.choice([i for i in firms if not cases.get(i.number)])
        s.client, s.client_type, s.bpf = rng.choice(TRAINING_ORGS), "organisme de formation", "C10"
        s.subcontracting, s.client_rep = "reçue", "Mme la responsable pédagogique"
        tag(s, "sous-traitance")
        drafts += own
    drafts.sort(key=lambda i: (i.date, i.es.name, i.title))
    rename = {}
    for k, inv in enumerate(drafts):
        rename[inv.number] = f"FA-{YEAR}-{301 + k:04d}"
        inv.number = rename[inv.number]
    return drafts, {rename[k]: v for k, v in cases.items()}


# ---- documents ----------------------------------------------------------------------------
def _fits(inv: Invoice, other: Invoice, printed: dict) -> bool:
    """Could ``other`` be the invoice of a document printing ``printed`` about ``inv``?"""
    if other.title != inv.title:
        return False
    if printed.get("client") and other.contract_client != inv.contract_client:
        return False
    if printed.get("dates") and other.days != inv.days:
        return False
    trainee = printed.get("trainee")
    return not (trainee and trainee not in other.trainees)


def _answers(rng: random.Random, hi: int, n: int = len(docs.HOT_QUESTIONS)) -> list[int]:
    return [max(1, min(hi, round(hi * rng.uniform(0.6, 1.0)))) for _ in range(n)]


NAMES = {
    "convention": ("Convention {client}.pdf", "convention signée.pdf", "scan_conv_{n}.pdf"),
    "contrat": ("Contrat {client}.pdf", "contrat signé.pdf"),
    "bon_commande": ("Devis signé {client}.pdf", "devis {n}.pdf"),
    "emargement": ("Emargement {title}.pdf", "feuille presence {n}.pdf", "scan{n}.pdf"),
    "attestation": ("Attestation {trainee}.pdf", "attestation_{n}.pdf"),
    "evaluation_chaud": ("Eval à chaud {n}.pdf", "questionnaire {trainee}.pdf", "doc{n}.pdf"),
    "evaluation_froid": ("Evaluation à froid {trainee}.pdf", "froid_{n}.pdf"),
    "facture": ("Facture {number}.pdf", "facture {client}.pdf"),
}


def _file_name(rng: random.Random, kind: str, inv: Invoice, trainee: str, n: int) -> str:
    pattern = rng.choice(NAMES[kind])
    name = pattern.format(
        client=inv.contract_client, title=inv.title[:24], trainee=trainee, n=n, number=inv.number
    )
    return name.replace("/", "-").replace(":", "").replace("'", " ")


def _invoice_documents(
    rng: random.Random, inv: Invoice, same_es: list[Invoice], cases: set[str], serial: Callable
) -> list[MatchDoc]:
    out: list[MatchDoc] = []
    es = inv.es

    def add(kind: str, build: Build, printed: dict, extra: tuple[str, ...] = ()) -> None:
        n = serial()
        fits = [o.number for o in same_es if _fits(inv, o, printed)]
        truth = inv.number if len(fits) == 1 else AMBIGUOUS
        sub = ""
        tags = set(cases) | set(extra)
        if truth != AMBIGUOUS and rng.random() < 0.1:
            sub = f"{inv.number}/"
            tags.add("dossier-facture")
        elif rng.random() < 0.15:
            sub = rng.choice(("Scans/", f"Formation {inv.start.month:02d}-{YEAR}/", "à trier/"))
        if printed.get("number"):
            tags.add("numero-imprime")
        name = _file_name(rng, kind, inv, printed.get("trainee") or "", n)
        out.append(
            MatchDoc(
                path=f"{es.folder}/{sub}{n:04d} {name}",
                type=kind,
                entrepreneur=es.name,
                truth=truth,
                build=build,
                seed=rng.randrange(1 << 30),
                cases=tuple(sorted(tags)),
                candidates=tuple(fits) if truth == AMBIGUOUS else (),
            )
        )

    signed_on = inv.start - timedelta(days=rng.randint(7, 30))
    full = {"client": True, "dates": True}
    # The agreement.
    if inv.subcontracting == "reçue":
        quote = f"DEV-{YEAR}-{rng.randint(10, 99)}"
        order = f"BC{rng.randint(10000, 99999)}"
        add(
            "bon_commande",
            lambda p: docs.bon_commande(
                p, inv, quote_no=quote, doc_date=signed_on, order_ref=order
            ),
            full,
        )
    elif inv.client_type == "particulier":
        add(
            "contrat",
            lambda p: docs.contrat(
                p, inv, signed=("organisme", "stagiaire", "formateur"), doc_date=signed_on
            ),
            full | {"trainee": inv.trainees[0]},
        )
    else:
        numbered = rng.random() < 0.3
        add(
            "convention",
            lambda p: docs.convention(
                p,
                inv,
                number=numbered,
                signed=("organisme", "client", "formateur"),
                doc_date=signed_on,
            ),
            full | {"number": numbered},
        )
    # Attendance.
    layout = rng.choice(("grid", "grid", "daily", "trainee"))
    if layout == "grid":
        ref = f"Réf. facture : {inv.number}" if rng.random() < 0.25 else None
        add(
            "emargement",
            lambda p, ref=ref: docs.emargement_grid(p, inv, ref=ref),
            full | {"number": bool(ref)},
        )
    elif layout == "daily":
        add("emargement", lambda p: docs.emargement_daily(p, inv), full)
    else:
        who = rng.choice(inv.trainees)
        rows = rng.choice(("jour", "demi-journee"))
        add(
            "emargement",
            lambda p, who=who, rows=rows: docs.emargement_trainee(p, inv, who, rows=rows),
            {"dates": True, "trainee": who},
        )
    # Attestations, hot and cold evaluations, sometimes the invoice itself.
    for who in rng.sample(inv.trainees, min(len(inv.trainees), rng.choice((1, 1, 2)))):
        model = rng.choice(("fin", "certificat", "assiduite"))
        add(
            "attestation",
            lambda p, who=who, model=model: docs.attestation(
                p, inv, who, model=model, doc_date=inv.end
            ),
            {"dates": True, "trainee": who},
        )
    for _ in range(rng.choice((1, 1, 2))):
        form = rng.choice(("cases", "online", "smileys"))
        who = rng.choice(inv.trainees) if rng.random() < 0.6 else None
        dated = rng.random() < 0.8
        answers = _answers(rng, 4 if form == "smileys" else 5)
        printed = {
            "dates": dated,
            "trainee": who,
            "client": bool(inv.beneficiary) or form == "cases",
        }
        add(
            "evaluation_chaud",
            lambda p, who=who, form=form, dated=dated, a=answers: docs.evaluation_chaud(
                p, inv, who, a, form=form, dated=dated
            ),
            printed,
        )
    if rng.random() < 0.3:
        who = rng.choice(inv.trainees)
        answers = _answers(rng, 5, len(docs.COLD_QUESTIONS))
        when = inv.end + timedelta(days=rng.randint(60, 90))
        add(
            "evaluation_froid",
            lambda p, who=who, a=answers, when=when: docs.evaluation_froid(
                p, inv, who, a, doc_date=when
            ),
            full | {"trainee": who},
        )
    if rng.random() < 0.2:
        add("facture", lambda p: docs.facture(p, inv), full | {"number": True})
    return out


def _undated_anonymous(
    rng: random.Random, inv: Invoice, same_es: list[Invoice], serial
) -> MatchDoc:
    """An anonymous, undated online evaluation: title and trainer only."""
    n = serial()
    fits = tuple(o.number for o in same_es if _fits(inv, o, {}))
    answers = _answers(rng, 5)
    return MatchDoc(
        path=f"{inv.es.folder}/{n:04d} evaluation.pdf",
        type="evaluation_chaud",
        entrepreneur=inv.es.name,
        truth=AMBIGUOUS if len(fits) > 1 else inv.number,
        build=lambda p: docs.evaluation_chaud(p, inv, None, answers, form="online", dated=False),
        seed=rng.randrange(1 << 30),
        cases=("vendue-deux-fois",),
        candidates=fits if len(fits) > 1 else (),
    )


def _entrepreneur_documents(
    rng: random.Random, t: Trade, own: list[Invoice], serial: Callable
) -> list[MatchDoc]:
    out = []
    es = t.es

    def add(kind: str, name: str, build: Build) -> None:
        n = serial()
        out.append(
            MatchDoc(
                path=f"{es.folder}/{n:04d} {name}",
                type=kind,
                entrepreneur=es.name,
                truth=ENTREPRENEUR,
                build=build,
                seed=rng.randrange(1 << 30),
            )
        )

    updated = date(YEAR, 1, rng.randint(5, 28))
    add("cv", "CV.pdf", lambda p: docs.cv(p, es, updated, history=t.history))
    seen: set[str] = set()
    for inv in own:
        if inv.title in seen or len(seen) >= 2:
            continue
        seen.add(inv.title)
        with_eval = rng.random() < 0.7
        add(
            "programme",
            f"Programme {inv.title[:20].replace(':', '')}.pdf",
            lambda p, inv=inv, w=with_eval: docs.programme(p, inv, with_eval=w),
        )
    rows = [(i.title, i.contract_client, len(i.trainees), i.trainee_hours, "95 %") for i in own[:6]]
    add(
        "bilan_pedagogique",
        "bilan pédagogique.pdf",
        lambda p: docs.bilan_pedagogique(p, es, YEAR - 1, rows, date(YEAR, 3, 20)),
    )
    return out


def build(seed: int = 2026, per_es: int = 14) -> MatchingSet:
    """The invoices and the documents of the set (nothing drawn yet)."""
    rng = random.Random(seed)
    invoices, cases = _invoices(rng, per_es)
    mset = MatchingSet(list(TRADES), invoices, cases=cases)
    counter = iter(range(1, 100_000))

    def serial() -> int:
        return next(counter)

    for t in TRADES:
        own = [i for i in invoices if i.es is t.es]
        for inv in own:
            mset.documents += _invoice_documents(
                rng, inv, own, cases.get(inv.number, set()), serial
            )
        for inv in own:
            if "vendue-deux-fois" in cases.get(inv.number, set()) and rng.random() < 0.5:
                mset.documents.append(_undated_anonymous(rng, inv, own, serial))
        mset.documents += _entrepreneur_documents(rng, t, own, serial)
    # Batches come last, from their own random stream: the documents above stay the same.
    lots = random.Random(f"{seed}-lot")
    for t in TRADES:
        own = [i for i in invoices if i.es is t.es]
        mset.documents += _batches(lots, own, cases, serial)
    return mset


def _batches(
    rng: random.Random, own: list[Invoice], cases: dict[str, set[str]], serial: Callable
) -> list[MatchDoc]:
    """One entrepreneur's batch files: a session sold twice whose batch names a trainee or
    two of its own; a session whose batch names nobody but is larger than every other
    session of its title (when there is one); another whose batch names nobody."""
    out = []

    def rivals(inv: Invoice) -> list[Invoice]:
        return [o for o in own if o is not inv and o.title == inv.title]

    twice = [i for i in own if "vendue-deux-fois" in cases.get(i.number, set())]
    for inv in rng.sample(twice, 1):
        own_people = [p for p in inv.trainees if not any(p in o.trainees for o in rivals(inv))]
        named = rng.sample(own_people, min(len(own_people), rng.choice((1, 2))))
        out.append(_batch(rng, inv, own, named, serial))
    rivalled = [i for i in own if rivals(i)]
    largest = [i for i in rivalled if all(len(o.trainees) < len(i.trainees) for o in rivals(i))]
    picked = rng.sample(largest, min(1, len(largest)))
    picked += rng.sample([i for i in rivalled if i not in picked], 1)
    out += [_batch(rng, inv, own, [], serial) for inv in picked]
    return out


def _batch(
    rng: random.Random, inv: Invoice, same_es: list[Invoice], named: list[str], serial: Callable
) -> MatchDoc:
    """A file of ``inv``'s undated hot evaluations, one per trainee and page, anonymous but
    for ``named``."""
    n = serial()
    people = list(inv.trainees)
    rng.shuffle(people)
    who = [p if p in named else None for p in people]
    answers = [_answers(rng, 5) for _ in people]
    fits = tuple(o.number for o in same_es if _fits(inv, o, {}))
    enough = [o for o in same_es if o.number in fits and len(o.trainees) >= len(people)]
    anonymous = inv.number if named or len(enough) == 1 else AMBIGUOUS
    pages = tuple(inv.number if w else anonymous for w in who)

    def build(p: Pen) -> dict:
        for w, a in zip(who, answers, strict=True):
            docs.evaluation_chaud(p, inv, w, a, form="online", dated=False)
        return {}

    return MatchDoc(
        path=f"{inv.es.folder}/{n:04d} questionnaires {inv.title[:20]}.pdf".replace(":", ""),
        type="evaluation_chaud",
        entrepreneur=inv.es.name,
        truth=pages[0],
        build=build,
        seed=rng.randrange(1 << 30),
        cases=("lot",),
        candidates=fits if AMBIGUOUS in pages else (),
        pages=pages,
    )


def draw(doc: MatchDoc) -> tuple[bytes, str]:
    """The born-digital PDF of one document and its text truth."""
    pen = Pen(
        random.Random(doc.seed), title=doc.path.rsplit("/", 1)[-1][:-4], author=doc.entrepreneur
    )
    doc.build(pen)
    return pen.finish()


def label(doc: MatchDoc) -> dict:
    return {
        "file": doc.path,
        "type": doc.type,
        "entrepreneur": doc.entrepreneur,
        "truth": doc.truth,
        "cases": list(doc.cases),
        "candidates": list(doc.candidates),
        "pages": list(doc.pages),
    }
