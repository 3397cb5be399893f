"""One function per document type. Each draws its pages with a Pen and returns
the fields a reader can find printed on it (CONTRACT field names, ISO dates)."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import replace
from datetime import date
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth

from .data import COOP
from .model import (
    APREM,
    HALF_LABELS,
    MATIN,
    Entrepreneur,
    Invoice,
    fr,
    fr_day,
    hours_fr,
    money,
    num,
)
from .pen import GREY, Pen, footer, header

Fields = dict[str, object]

HEADINGS = {
    "articles": [
        "Article 1 — Objet de la convention",
        "Article 2 — Nature et caractéristiques de l'action",
        "Article 3 — Stagiaires",
        "Article 4 — Dispositions financières",
        "Article 5 — Suivi et évaluation",
        "Article 6 — Dédit et abandon",
        "Article 7 — Litiges",
    ],
    "numeros": [
        "1. Objet",
        "2. Programme, dates et lieu",
        "3. Participants",
        "4. Prix et règlement",
        "5. Moyens de suivi et d'évaluation",
        "6. Annulation",
        "7. Différends",
    ],
    "romains": [
        "I — Désignation de l'action",
        "II — Organisation",
        "III — Bénéficiaires",
        "IV — Conditions financières",
        "V — Assiduité et évaluation",
        "VI — Résiliation",
        "VII — Règlement des litiges",
    ],
}
CONV_TITLES = {
    "articles": "CONVENTION DE FORMATION PROFESSIONNELLE",
    "numeros": "Convention de formation professionnelle continue",
    "romains": "CONVENTION DE FORMATION",
}


def _iso(d: date) -> str:
    return d.isoformat()


def _dates_line(inv: Invoice) -> str:
    if inv.start == inv.end:
        return f"le {fr(inv.start)}"
    if len(inv.days) > 2 and (inv.days[-1] - inv.days[0]).days > len(inv.days):
        return "les " + ", ".join(fr(d) for d in inv.days)
    return f"du {fr(inv.start)} au {fr(inv.end)}"


SigBlock = tuple[str, str, str, tuple[float, float, float], str]


def _sig_row(
    p: Pen,
    blocks: list[SigBlock],
    signed: tuple[str, ...],
    electronic: tuple[str, ...],
    doc_date: date,
) -> None:
    """Three signature boxes side by side: (party, label, name shown, ink, e-signer)."""
    cw = (p.w - 2 * p.margin - 20) / 3
    y = p.y
    for i, (party, label, name, ink, signer) in enumerate(blocks):
        mention = _esign(party, electronic, signer, doc_date)
        _sig_block(p, p.margin + i * (cw + 10), y, cw, label, name, party in signed, ink,
                   mention=mention)  # fmt: skip


def _sig_block(
    p: Pen,
    x: float,
    y: float,
    w: float,
    label: str,
    name: str,
    signed: bool,
    ink: tuple[float, float, float],
    h: float = 60,
    mention: str = "",
) -> None:
    """A labelled box, signed by hand, or by a printed e-signature ``mention`` when given."""
    p.text(x, y, label, 9, p.font + ("-Bold" if p.font == "Helvetica" else ""))
    if name:
        p.text(x, y - 11, name, 8.5, p.font, GREY)
    p.rect(x, y - 18 - h, w, h, 0.4, GREY)
    if signed and mention:
        _mention(p, x + 5, y - 18 - h / 2, w - 10, mention)
    elif signed:
        p.signature(x + 4, y - 16 - h, w - 8, h - 4, ink)


def esign_mention(name: str, when: date) -> str:
    """What e-signature services print in the block: signer and day, on two lines."""
    return f"Signé électroniquement par {name}\nle {fr_num(when)}"


def fr_num(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _mention(p: Pen, x: float, y: float, w: float, text: str) -> None:
    lines = text.split("\n")
    size = min(8.0, min(w / max(stringWidth(s, "Helvetica", 1), 1) for s in lines))
    for i, s in enumerate(lines):
        p.text(x, y + 4 - i * (size + 2), s, size, "Helvetica", (0.1, 0.1, 0.3))


def _esign(party: str, electronic: tuple[str, ...], name: str, when: date) -> str:
    return esign_mention(name, when) if party in electronic else ""


def _heading(p: Pen, es: Entrepreneur, s: str) -> None:
    p.space(4)
    p.line(
        s,
        10.5,
        es.style.bold,
        3,
        color=es.style.accent if es.style.headings != "romains" else (0, 0, 0),
    )


def _ensure(p: Pen, need: float, es: Entrepreneur, label: str = "") -> None:
    """Starts a new page when fewer than `need` points remain."""
    if p.y - need < 60:
        footer(p, COOP, es, label)
        p.new_page()
        p.y = p.h - 50
        p.font = es.style.font


# ---- convention / contrat / bon de commande -------------------------------------------
def convention(
    p: Pen,
    inv: Invoice,
    *,
    number: bool,
    signed: tuple[str, ...],
    doc_date: date,
    client_ink: tuple[float, float, float] = (0.05, 0.05, 0.1),
    electronic: tuple[str, ...] = (),
) -> Fields:
    """``electronic``: parties among ``signed`` whose block holds a printed e-signature."""
    es, st = inv.es, inv.es.style
    p.new_page()
    first = p.page_count
    header(p, COOP, es)
    p.space(10)
    p.line(CONV_TITLES[st.headings], 15, st.bold, 2, align="center")
    if st.headings == "articles":
        p.line(
            "(articles L.6353-1 et D.6353-1 du Code du travail)", 9, st.italic, 2, align="center"
        )
    if number:
        p.line(f"Convention n° {inv.number}", 10, st.bold, 2, align="center")
    p.space(8)
    p.line("Entre les soussignés :", 10, st.bold)
    p.para(
        f"{COOP.name}, {COOP.legal}, {COOP.address}, SIRET {COOP.siret}, déclaration d'activité "
        f"n° {COOP.nda}, représentée par {COOP.manager}, "
        f"{COOP.manager_title}, ci-après « l'organisme "
        f"de formation », pour l'activité de {es.name}, entrepreneur-salarié,"
    )
    p.line("et", 10)
    client = inv.contract_client
    p.para(
        f"{client}, {inv.client_address}, représentée par {inv.client_rep}, ci-après « le client »."
    )
    if inv.beneficiary:
        p.para(
            f"Prise en charge : {inv.client} (subrogation "
            "de paiement, accord de financement joint)."
        )
    h = HEADINGS[st.headings]
    _heading(p, es, h[0])
    p.para(
        "La présente convention a pour objet la réalisation de l'action de formation suivante, "
        "qui entre dans la catégorie des actions d'adaptation et de développement des compétences."
    )
    _heading(p, es, h[1])
    p.line(f"Intitulé : {inv.title}", 10)
    p.para("Objectifs : " + " ; ".join(inv.objectives) + ".")
    p.line(f"Dates : {_dates_line(inv)}", 10)
    p.line(f"Durée : {hours_fr(inv.hours)} heures par stagiaire", 10)
    p.line(
        f"Lieu : {inv.place if inv.place != 'distanciel' else 'à distance (classe virtuelle)'}", 10
    )
    p.line(f"Formateur : {inv.trainer}", 10)
    p.line("Public : salariés du client — Prérequis : aucun", 10)
    if inv.modules:
        p.line("Contenu :", 10)
        p.bullets(inv.modules)
    p.para(
        "Moyens pédagogiques et techniques : apports "
        "théoriques, études de cas et exercices pratiques, "
        "support remis à chaque stagiaire"
        + (
            ", classe virtuelle et partage d'écran."
            if inv.place == "distanciel"
            else ", salle équipée d'un vidéoprojecteur."
        )
    )
    _heading(p, es, h[2])
    p.para(f"Nombre de stagiaires : {len(inv.trainees)} — " + ", ".join(inv.trainees) + ".")
    _ensure(p, 200, es, "1/2")
    _heading(p, es, h[3])
    p.line(f"Prix de l'action : {money(inv.amount)} € HT", 10)
    p.para(
        "TVA : exonération, article 261-4-4° a du Code général des impôts. Règlement à 30 jours "
        "à réception de facture, par virement."
    )
    _ensure(p, 160, es, "1/2")
    _heading(p, es, h[4])
    p.para(
        "Feuilles d'émargement signées par demi-journée par les stagiaires et le formateur ; "
        "évaluation des acquis en fin de formation ; questionnaire de satisfaction à chaud ; "
        "attestation de fin de formation remise à chaque stagiaire."
    )
    _ensure(p, 120, es, "1/2")
    _heading(p, es, h[5])
    p.para(
        "En cas de dédit du client moins de 10 jours avant le début de l'action, 30 % du prix "
        "reste dû à titre d'indemnité, non imputable sur la contribution formation."
    )
    _heading(p, es, h[6])
    p.para(
        "À défaut d'accord amiable, tout litige sera porté "
        "devant le tribunal de commerce de Montpellier."
    )
    _ensure(p, 140, es, "1/2")
    p.space(6)
    p.line(f"Fait en deux exemplaires à Montpellier, le {fr(doc_date)}", 10)
    p.space(10)
    blocks = [
        ("organisme", "Pour l'organisme de formation", COOP.manager, (0.05, 0.05, 0.08),
         COOP.manager),
        ("client", "Pour le client", "cachet et signature", client_ink, inv.client_rep),
        ("formateur", "Le formateur", es.name, st.ink, es.name),
    ]  # fmt: skip
    _sig_row(p, blocks, signed, electronic, doc_date)
    footer(p, COOP, es, "2/2" if p.page_count > first else "")
    f: Fields = {
        "training_title": inv.title,
        "client": client,
        "trainer": inv.trainer,
        "start_date": _iso(inv.start),
        "end_date": _iso(inv.end),
        "duration_hours": num(inv.hours),
        "trainees": list(inv.trainees),
        "amount_ht": inv.amount,
        "date": _iso(doc_date),
        "signatures": {k: k in signed for k in ("organisme", "client", "formateur")},
    }
    if number:
        f["invoice_number"] = inv.number
    return f


def contrat(
    p: Pen,
    inv: Invoice,
    *,
    signed: tuple[str, ...],
    doc_date: date,
    electronic: tuple[str, ...] = (),
) -> Fields:
    """``electronic``: parties among ``signed`` whose block holds a printed e-signature."""
    es, st = inv.es, inv.es.style
    person = inv.trainees[0]
    p.new_page()
    first = p.page_count
    header(p, COOP, es)
    p.space(8)
    p.line("Contrat de formation professionnelle", 15, st.bold, 2, align="center")
    p.line("(article L.6353-3 du Code du travail)", 9.5, st.italic, 6, align="center")
    p.line("Entre les soussignés :", 10, st.bold)
    p.para(
        f"{COOP.name}, {COOP.address}, déclaration d'activité n° {COOP.nda}, SIRET {COOP.siret}, "
        f"représentée par {COOP.manager} (ci-après « l'organisme de formation »),"
    )
    p.para(f"et {person}, demeurant {inv.client_address} (ci-après « le stagiaire »).")
    arts = [
        (
            "Article 1 — Objet",
            f"L'organisme de formation organise l'action de formation intitulée « {inv.title} ».",
        ),
        (
            "Article 2 — Nature et caractéristiques",
            "Action d'adaptation et de développement des "
            "compétences. Objectifs : " + " ; ".join(inv.objectives) + ".",
        ),
        (
            "Article 3 — Niveau de connaissances préalables",
            "Aucun prérequis n'est exigé ; un entretien "
            "de positionnement a été réalisé avant l'inscription.",
        ),
        (
            "Article 4 — Organisation",
            f"La formation a lieu {_dates_line(inv)}, soit une durée de "
            f"{hours_fr(inv.hours)} heures, à l'adresse suivante : {inv.place}.",
        ),
        (
            "Article 5 — Moyens pédagogiques",
            "Apports théoriques, exercices pratiques sur poste, supports "
            "remis au stagiaire. Feuilles d'émargement par demi-journée.",
        ),
        (
            "Article 6 — Formateur",
            f"La formation est assurée par {es.name}, " + ", ".join(es.titles) + ".",
        ),
        (
            "Article 7 — Délai de rétractation",
            "À compter de la date de signature du présent contrat, le "
            "stagiaire dispose d'un délai de 10 jours pour "
            "se rétracter, par lettre recommandée avec avis "
            "de réception. Aucune somme ne peut être exigée avant l'expiration de ce délai.",
        ),
        (
            "Article 8 — Dispositions financières",
            f"Le prix de l'action est fixé à {money(inv.amount)} € HT "
            "(TVA non applicable, art. 261-4-4° a du CGI). Un acompte de 30 % maximum est versé à "
            "l'issue du délai de rétractation ; le solde est payé à la fin de la formation.",
        ),
        (
            "Article 9 — Interruption du stage",
            "En cas de force majeure dûment reconnue, seules les "
            "prestations effectivement dispensées sont dues au prorata temporis.",
        ),
        (
            "Article 10 — Litiges",
            "Tout litige sera porté devant le tribunal judiciaire de Montpellier.",
        ),
    ]
    for title, body in arts:
        _ensure(p, 70, es, "1/2")
        _heading(p, es, title)
        p.para(body)
    _ensure(p, 130, es, "1/2")
    p.line(f"Fait à Montpellier, le {fr(doc_date)}, en deux exemplaires.", 10)
    p.space(8)
    blocks = [
        ("organisme", "L'organisme de formation", COOP.manager, (0.05, 0.05, 0.08), COOP.manager),
        ("stagiaire", "Le stagiaire", person, (0.1, 0.1, 0.5), person),
        ("formateur", "Le formateur", es.name, st.ink, es.name),
    ]
    _sig_row(p, blocks, signed, electronic, doc_date)
    footer(p, COOP, es, "2/2" if p.page_count > first else "")
    return {
        "training_title": inv.title,
        "client": person,
        "trainer": es.name,
        "start_date": _iso(inv.start),
        "end_date": _iso(inv.end),
        "duration_hours": num(inv.hours),
        "trainees": [person],
        "amount_ht": inv.amount,
        "date": _iso(doc_date),
        "signatures": {k: k in signed for k in ("organisme", "stagiaire", "formateur")},
    }


def bon_commande(
    p: Pen,
    inv: Invoice,
    *,
    quote_no: str,
    doc_date: date,
    order_ref: str,
    signed: tuple[str, ...] = ("organisme", "client"),
    electronic: tuple[str, ...] = (),
) -> Fields:
    """A quote returned "Bon pour accord"; ``signed``/``electronic`` as for conventions."""
    es, st = inv.es, inv.es.style
    p.new_page()
    header(p, COOP, es)
    p.space(10)
    p.line(f"DEVIS n° {quote_no}", 16, st.bold, 2)
    p.line(f"Date : {fr(doc_date)} — validité 30 jours", 9.5, st.font, 10)
    p.line("Destinataire :", 10, st.bold, 2, x=330)
    for s in (inv.client, inv.client_address, f"À l'attention de {inv.client_rep}"):
        p.line(s, 10, st.font, 1, x=330)
    p.space(12)
    p.para(
        f"Objet : animation en sous-traitance de la formation « {inv.title} » pour le compte de "
        f"{inv.client}, organisme de formation donneur d'ordre."
    )
    p.space(6)
    cols = [p.margin, p.margin + 250, p.margin + 320, p.margin + 400]
    y = p.y
    p.rect(p.margin, y - 18, p.w - 2 * p.margin, 18, 0.5, fill=(0.88, 0.88, 0.88))
    for x, s in zip(cols, ("Désignation", "Quantité", "Prix unitaire", "Total HT"), strict=True):
        p.text(x + 4, y - 13, s, 9, st.bold)
    days = len(inv.days)
    unit = inv.amount / days
    p.rect(p.margin, y - 70, p.w - 2 * p.margin, 52, 0.5)
    p.text(cols[0] + 4, y - 32, f"Animation « {inv.title} »", 9)
    p.text(
        cols[0] + 4,
        y - 44,
        f"{fr(inv.start)} et {fr(inv.end)} — {hours_fr(inv.hours)} h — "
        f"{len(inv.trainees)} stagiaires",
        9,
    )
    p.text(cols[0] + 4, y - 56, f"Intervenant : {es.name}", 9)
    p.text(cols[1] + 4, y - 32, f"{days} jours", 9)
    p.text(cols[2] + 4, y - 32, f"{money(unit)} €", 9)
    p.text(cols[3] + 4, y - 32, f"{money(inv.amount)} €", 9)
    p.y = y - 90
    p.line(f"Total HT : {money(inv.amount)} €", 11, st.bold, 2, x=cols[2])
    p.line("TVA non applicable, art. 261-4-4° a du CGI", 8.5, st.font, 2, x=cols[2])
    p.line(f"Net à payer : {money(inv.amount)} €", 11, st.bold, 12, x=cols[2])
    p.para(
        "Conditions : paiement à 30 jours fin de mois à réception de facture. Les feuilles "
        "d'émargement (copies) sont transmises au donneur d'ordre à l'issue de la session."
    )
    p.space(16)
    y = p.y
    _sig_block(
        p,
        p.margin,
        y,
        200,
        f"Pour {COOP.name}",
        es.name,
        "organisme" in signed,
        st.ink,
        mention=_esign("organisme", electronic, es.name, doc_date),
    )
    p.text(330, y, "Bon pour accord", 10, st.bold)
    p.text(330, y - 11, f"{inv.client} — date, cachet et signature", 8.5, st.font, GREY)
    p.rect(330, y - 88, 200, 70, 0.4, GREY)
    if "client" in electronic:
        _mention(p, 336, y - 53, 188, esign_mention(inv.client_rep, doc_date))
    elif "client" in signed:
        p.hand(338, y - 30, "Bon pour accord", 12, (0.1, 0.1, 0.45))
        p.hand(338, y - 46, f"le {fr(doc_date)}", 10, (0.1, 0.1, 0.45))
        p.signature(400, y - 86, 120, 40, (0.1, 0.1, 0.45))
    p.text(330, y - 100, f"Réf. bon de commande client : {order_ref}", 8.5, st.font)
    footer(p, COOP, es)
    return {
        "training_title": inv.title,
        "client": inv.client,
        "trainer": es.name,
        "start_date": _iso(inv.start),
        "end_date": _iso(inv.end),
        "amount_ht": inv.amount,
        "date": _iso(doc_date),
        "signatures": {k: k in signed for k in ("organisme", "client")},
    }


# ---- attendance ---------------------------------------------------------------------
def marks_for(
    inv: Invoice,
    empty: set[tuple[str, date, str]] = frozenset(),
    crossed: Set[tuple[str, date, str]] = frozenset(),
) -> dict[tuple[str, date, str], str]:
    """What is drawn in every cell: signed | empty | absent (a word) | barre (crossed out,
    an absence too: see `_truth_mark`)."""
    out = {}
    for s in inv.slots:
        for t in inv.trainees:
            key = (t, s.day, s.half)
            if key in inv.absences:
                out[key] = "barre" if key in crossed else "absent"
            else:
                out[key] = "empty" if key in empty else "signed"
    return out


def _truth_mark(drawn: str) -> str:
    return "absent" if drawn == "barre" else drawn


def _mark_cell(
    p: Pen, x: float, y: float, w: float, h: float, mark: str, ink, abs_word: str
) -> None:
    if mark == "signed":
        p.signature(x + 3, y + 2, w - 6, h - 4, ink)
    elif mark == "absent":
        p.hand(x + w * 0.3, y + h * 0.35, abs_word, 11, (0.05, 0.05, 0.35))
    elif mark == "barre":
        p.cross(x, y, w, h, (0.05, 0.05, 0.35))


def _sessions(inv: Invoice, marks: dict, trainer_missing: set) -> tuple[list, list]:
    sess = [
        {
            "date": _iso(s.day),
            "half_day": s.half,
            "trainee": t,
            "signed": marks[(t, s.day, s.half)] == "signed",
            "mark": _truth_mark(marks[(t, s.day, s.half)]),
        }
        for s in inv.slots
        for t in inv.trainees
    ]
    tr = [
        {"date": _iso(s.day), "half_day": s.half, "signed": (s.day, s.half) not in trainer_missing}
        for s in inv.slots
    ]
    return sess, tr


def _ems_info(p: Pen, inv: Invoice, with_dates: bool, ref: str | None) -> None:
    st = inv.es.style
    left = [f"Intitulé : {inv.title}", f"Entreprise : {inv.contract_client}", f"Lieu : {inv.place}"]
    right = [f"Formateur : {inv.trainer}", f"Durée : {hours_fr(inv.hours)} h"]
    if with_dates:
        right.insert(1, f"Dates : {_dates_line(inv)}")
    if ref:
        right.append(ref)
    y = p.y
    for i, s in enumerate(left):  # reading order: left column, then right column
        p.text(p.margin, y - 12 * (i + 1), s, 9.5, st.font)
    for i, s in enumerate(right):
        p.text(p.w / 2 + 60, y - 12 * (i + 1), s, 9.5, st.font)
    p.y = y - 12 * max(len(left), len(right)) - 10


def _fit_day(p: Pen, x: float, y: float, room: float, d: date, font: str) -> None:
    """A grid's day header, centred; in a narrow column smaller, then "Ven. 15/05/2026"."""
    text = fr_day(d)
    if stringWidth(text, font, 8.5) <= room:
        p.text(x, y, text, 8.5, font, align="center")
        return
    if stringWidth(text, font, 6.5) > room:
        text = f"{text[:3]}. {fr(d)}"
    size = max(5.5, min(8.5, 8.5 * room / stringWidth(text, font, 8.5)))
    p.text(x, y, text, size, font, align="center")


def _fit_half(p: Pen, x: float, y: float, room: float, label: str, font: str) -> None:
    """A half-day header, centred; on two lines ("Après-midi" / "(13h30-17h)") when narrow."""
    if stringWidth(label, font, 7.5) <= room:
        p.text(x, y, label, 7.5, font, align="center")
        return
    lines = label.replace(" (", "\n(").split("\n")
    size = min(7.0, min(7.0 * room / stringWidth(t, font, 7.0) for t in lines))
    for i, t in enumerate(lines):
        p.text(x, y + 4 - i * (size + 1), t, size, font, align="center")


def emargement_grid(
    p: Pen,
    inv: Invoice,
    *,
    empty: set = frozenset(),
    trainer_missing: set = frozenset(),
    crossed: Set[Any] = frozenset(),
    abs_word: str = "ABS",
    ref: str | None = None,
) -> Fields:
    """Layout A: one landscape grid, trainees x (day x half-day)."""
    st = inv.es.style
    marks = marks_for(inv, set(empty), set(crossed))
    p.new_page(land=True)
    p.margin = 36
    p.y = p.h - 34
    p.line(COOP.name + f" — NDA {COOP.nda}", 9, st.font, 2, color=GREY)
    p.line("FEUILLE D'ÉMARGEMENT", 16, st.bold, 6, align="center")
    _ems_info(p, inv, True, ref)
    slots = inv.slots
    name_w = 150
    cw = min(120, (p.w - 2 * p.margin - name_w) / len(slots))
    rh = min(46, (p.y - 120) / (len(inv.trainees) + 1))
    y = p.y
    # header rows: day, then half-day
    x = p.margin + name_w
    p.rect(p.margin, y - 36, name_w, 36, 0.7, fill=(0.9, 0.9, 0.9))
    p.text(p.margin + 4, y - 22, "Nom et prénom du stagiaire", 8.5, st.bold)
    for d in inv.days:
        n = sum(1 for s in slots if s.day == d)
        p.rect(x, y - 16, cw * n, 16, 0.7, fill=(0.9, 0.9, 0.9))
        _fit_day(p, x + cw * n / 2, y - 12, cw * n - 4, d, st.bold)
        for s in [s for s in slots if s.day == d]:
            p.rect(x, y - 36, cw, 20, 0.7, fill=(0.95, 0.95, 0.95))
            _fit_half(p, x + cw / 2, y - 29, cw - 4, HALF_LABELS[s.half], st.font)
            x += cw
    y -= 36
    for t in inv.trainees + ["Signature du formateur"]:
        p.rect(p.margin, y - rh, name_w, rh, 0.7)
        is_trainer = t == "Signature du formateur"
        p.text(p.margin + 4, y - rh / 2 - 3, t, 9, st.bold if is_trainer else st.font)
        for i, s in enumerate(slots):
            cx = p.margin + name_w + i * cw
            p.rect(cx, y - rh, cw, rh, 0.7)
            if is_trainer:
                if (s.day, s.half) not in trainer_missing:
                    p.signature(cx + 3, y - rh + 2, cw - 6, rh - 4, st.ink)
            else:
                _mark_cell(p, cx, y - rh, cw, rh, marks[(t, s.day, s.half)], _ink(p, t), abs_word)
        y -= rh
    p.text(
        p.margin,
        40,
        "Chaque stagiaire signe par demi-journée. En cas d'absence, le formateur indique « ABS ».",
        7.5,
        st.italic,
        GREY,
    )
    p.margin = 56
    sess, tr = _sessions(inv, marks, set(trainer_missing))
    f: Fields = {
        "training_title": inv.title,
        "trainer": inv.trainer,
        "start_date": _iso(inv.start),
        "end_date": _iso(inv.end),
        "trainees": list(inv.trainees),
        "sessions": sess,
        "trainer_signed": tr,
    }
    if ref and "FA-" in ref:
        f["invoice_number"] = inv.number
    return f


def _ink(p: Pen, name: str) -> tuple[float, float, float]:
    inks = [(0.05, 0.1, 0.45), (0.02, 0.02, 0.05), (0.1, 0.15, 0.55), (0.15, 0.1, 0.3)]
    return inks[sum(map(ord, name)) % len(inks)]


def emargement_daily(
    p: Pen,
    inv: Invoice,
    *,
    empty: set = frozenset(),
    trainer_missing: set = frozenset(),
    crossed: Set[Any] = frozenset(),
    abs_word: str = "absent",
) -> Fields:
    """Layout B: one portrait page per day, rows = trainees, columns = half-days."""
    es, st = inv.es, inv.es.style
    marks = marks_for(inv, set(empty), set(crossed))
    for d in inv.days:
        p.new_page()
        header(p, COOP, es)
        p.space(6)
        p.line("Feuille de présence", 15, st.bold, 2, align="center")
        p.line(f"Journée du {fr_day(d)}", 11, st.bold, 8, align="center")
        _ems_info(p, inv, False, None)
        halves = [s for s in inv.slots if s.day == d]
        name_w, cw, rh = 190, (p.w - 2 * p.margin - 190) / len(halves), 44
        y = p.y
        p.rect(p.margin, y - 22, name_w, 22, 0.7, fill=(0.9, 0.9, 0.9))
        p.text(p.margin + 4, y - 15, "Stagiaire", 9, st.bold)
        for i, s in enumerate(halves):
            label = "Matin 9h00 - 12h30" if s.half == MATIN else "Après-midi 13h30 - 17h00"
            p.rect(p.margin + name_w + i * cw, y - 22, cw, 22, 0.7, fill=(0.9, 0.9, 0.9))
            p.text(p.margin + name_w + i * cw + cw / 2, y - 15, label, 9, st.bold, align="center")
        y -= 22
        for t in inv.trainees:
            p.rect(p.margin, y - rh, name_w, rh, 0.7)
            p.text(p.margin + 4, y - rh / 2 - 3, t, 10, st.font)
            for i, s in enumerate(halves):
                cx = p.margin + name_w + i * cw
                p.rect(cx, y - rh, cw, rh, 0.7)
                _mark_cell(p, cx, y - rh, cw, rh, marks[(t, s.day, s.half)], _ink(p, t), abs_word)
            y -= rh
        y -= 24
        p.text(p.margin, y, "Signature du formateur :", 10, st.bold)
        for i, s in enumerate(halves):
            x = p.margin + 150 + i * 170
            p.text(x, y, "matin" if s.half == MATIN else "après-midi", 9, st.font)
            p.rect(x, y - 50, 150, 44, 0.4, GREY)
            if (s.day, s.half) not in trainer_missing:
                p.signature(x + 3, y - 48, 144, 40, st.ink)
        footer(p, COOP, es)
    sess, tr = _sessions(inv, marks, set(trainer_missing))
    return {
        "training_title": inv.title,
        "trainer": inv.trainer,
        "trainees": list(inv.trainees),
        "start_date": _iso(inv.start),
        "end_date": _iso(inv.end),
        "sessions": sess,
        "trainer_signed": tr,
    }


def emargement_trainee(
    p: Pen,
    inv: Invoice,
    trainee: str,
    *,
    empty: Set[Any] = frozenset(),
    crossed: Set[Any] = frozenset(),
    trainer_missing: Set[Any] = frozenset(),
    abs_word: str = "ABS",
    rows: str = "jour",
) -> Fields:
    """Layout C: one portrait page for one trainee, a row per date (rows="jour": columns
    Matin | Après-midi | formateur) or per half-day (rows="demi-journee")."""
    es, st = inv.es, inv.es.style
    one = replace(inv, trainees=[trainee])
    marks = marks_for(one, set(empty), set(crossed))
    missing = set(trainer_missing)
    if rows == "jour":  # the trainer signs once a day: a missing signature misses both halves
        days = {d for d, _ in missing}
        missing = {(s.day, s.half) for s in inv.slots if s.day in days}
    p.new_page()
    header(p, COOP, es)
    p.space(6)
    p.line("Feuille d'émargement individuelle", 15, st.bold, 8, align="center")
    p.line(f"Stagiaire : {trainee}", 11, st.bold, 2)
    _ems_info(p, inv, len(_dates_line(inv)) < 36, None)  # long date lists: in the table
    if rows == "jour":
        _trainee_by_day(p, one, marks, missing, abs_word)
    else:
        _trainee_by_half(p, one, marks, missing, abs_word)
    note = "Signature du stagiaire par demi-journée. Absence : mention « absent » ou case barrée."
    p.text(p.margin, p.y - 16, note, 7.5, st.italic, GREY)
    footer(p, COOP, es)
    sess, tr = _sessions(one, marks, missing)
    return {
        "training_title": inv.title,
        "trainer": inv.trainer,
        "trainees": [trainee],
        "start_date": _iso(inv.start),
        "end_date": _iso(inv.end),
        "sessions": sess,
        "trainer_signed": tr,
    }


def _head_row(p: Pen, xs: list[float], widths: list[float], heads: list[str], font: str) -> float:
    """A grey header row at the cursor; returns the y of its bottom."""
    y = p.y
    for x, w, s in zip(xs, widths, heads, strict=True):
        p.rect(x, y - 24, w, 24, 0.7, fill=(0.9, 0.9, 0.9))
        p.text(x + w / 2, y - 15, s, 8.5, font, align="center")
    return y - 24


def _trainee_by_day(p: Pen, inv: Invoice, marks: dict, missing: set, abs_word: str) -> None:
    st, trainee, rh = inv.es.style, inv.trainees[0], 46.0
    cw = (p.w - 2 * p.margin - 110) / 3
    xs = [p.margin, p.margin + 110, p.margin + 110 + cw, p.margin + 110 + 2 * cw]
    heads = ["Date", HALF_LABELS[MATIN], HALF_LABELS[APREM], "Signature du formateur"]
    y = _head_row(p, xs, [110, cw, cw, cw], heads, st.bold)
    for d in inv.days:
        p.rect(xs[0], y - rh, 110, rh, 0.7)
        p.text(xs[0] + 4, y - rh / 2 - 3, fr_day(d), 9.5, st.font)
        for x, half in zip(xs[1:3], (MATIN, APREM), strict=True):
            mark = marks.get((trainee, d, half))
            p.rect(x, y - rh, cw, rh, 0.7, fill=None if mark else (0.82, 0.82, 0.82))
            if mark:
                _mark_cell(p, x, y - rh, cw, rh, mark, _ink(p, trainee), abs_word)
        p.rect(xs[3], y - rh, cw, rh, 0.7)
        if not any(s.day == d and (d, s.half) in missing for s in inv.slots):
            p.signature(xs[3] + 3, y - rh + 2, cw - 6, rh - 4, st.ink)
        y -= rh
    p.y = y


def _trainee_by_half(p: Pen, inv: Invoice, marks: dict, missing: set, abs_word: str) -> None:
    st, trainee, rh = inv.es.style, inv.trainees[0], 40.0
    cw = (p.w - 2 * p.margin - 95 - 125) / 2
    xs = [p.margin, p.margin + 95, p.margin + 220, p.margin + 220 + cw]
    heads = ["Date", "Demi-journée", "Signature du stagiaire", "Signature du formateur"]
    y = _head_row(p, xs, [95, 125, cw, cw], heads, st.bold)
    for s in inv.slots:
        when = "Matin 9h00-12h30" if s.half == MATIN else "Après-midi 13h30-17h00"
        for x, w in zip(xs, [95, 125, cw, cw], strict=True):
            p.rect(x, y - rh, w, rh, 0.7)
        p.text(xs[0] + 4, y - rh / 2 - 3, fr(s.day), 9.5, st.font)
        p.text(xs[1] + 4, y - rh / 2 - 3, when, 9, st.font)
        mark = marks[(trainee, s.day, s.half)]
        _mark_cell(p, xs[2], y - rh, cw, rh, mark, _ink(p, trainee), abs_word)
        if (s.day, s.half) not in missing:
            p.signature(xs[3] + 3, y - rh + 2, cw - 6, rh - 4, st.ink)
        y -= rh
    p.y = y


# ---- attestation ----------------------------------------------------------------------
def attestation(
    p: Pen,
    inv: Invoice,
    trainee: str,
    *,
    model: str,
    doc_date: date,
    result: str = "Objectifs atteints",
    signed: bool = True,
    electronic: bool = False,
) -> Fields:
    """model: fin (attestation de fin de formation) | certificat (certificat de réalisation) |
    assiduite (attestation d'assiduité). The block is the trainer's, the certificate's the
    organisme's; ``signed`` by hand, or by a printed e-signature when ``electronic``."""
    es, st = inv.es, inv.es.style
    p.new_page()
    header(p, COOP, es)
    p.space(30)
    hours = inv.attended(trainee)
    f: Fields = {
        "training_title": inv.title,
        "trainer": inv.trainer,
        "start_date": _iso(inv.start),
        "end_date": _iso(inv.end),
        "duration_hours": num(inv.hours),
        "trainee": trainee,
    }
    if model == "certificat":
        p.line("Certificat de réalisation", 18, st.bold, 16, align="center")
        p.para(
            f"Je soussignée, {COOP.manager}, représentant "
            "légal du dispensateur de l'action concernée, "
            f"{COOP.name}, atteste que :"
        )
        p.line(f"{trainee}", 12, st.bold, 4, x=p.margin + 30)
        p.para(f"salarié(e) de l'entreprise {inv.contract_client},")
        p.para(f"a suivi l'action : {inv.title}")
        p.line("Nature de l'action concourant au développement des compétences :", 10, st.font, 2)
        p.checkbox(p.margin + 14, p.y - 9)
        p.tick(p.margin + 14, p.y - 9, 8, (0.05, 0.05, 0.1))
        p.text(p.margin + 28, p.y - 8, "action de formation", 10)
        p.y -= 14
        for s in ("bilan de compétences", "action de VAE", "action de formation par apprentissage"):
            p.checkbox(p.margin + 14, p.y - 9)
            p.text(p.margin + 28, p.y - 8, s, 10)
            p.y -= 14
        p.space(6)
        p.para(
            f"qui s'est déroulée du {fr(inv.start)} au {fr(inv.end)}, pour une durée de "
            f"{hours_fr(hours)} heures."
        )
        f["hours_attended"] = num(hours)
    else:
        title = "ATTESTATION DE FIN DE FORMATION" if model == "fin" else "Attestation d'assiduité"
        p.line(title, 18, st.bold, 16, align="center")
        p.para(f"{COOP.name}, organisme de formation déclaré sous le n° {COOP.nda}, atteste que")
        p.line(trainee, 13, st.bold, 6, align="center")
        p.para(
            f"a suivi la formation « {inv.title} », action d'adaptation et de développement des "
            f"compétences, dispensée par {inv.trainer} {_dates_line(inv)}, d'une durée de "
            f"{hours_fr(inv.hours)} heures."
        )
        p.line(f"Heures effectivement suivies : {hours_fr(hours)} h", 10.5, st.bold, 6)
        f["hours_attended"] = num(hours)
        p.line("Objectifs de la formation :", 10, st.bold, 2)
        p.bullets(inv.objectives)
        p.line(f"Résultats de l'évaluation des acquis : {result}", 10, st.font, 6)
    p.space(20)
    p.line(f"Fait à Montpellier, le {fr(doc_date)}", 10, st.font, 10)
    y = p.y
    _sig_block(
        p,
        p.w - p.margin - 200,
        y,
        200,
        "Le formateur" if model != "certificat" else "Signature et cachet",
        inv.trainer if model != "certificat" else COOP.manager,
        signed,
        st.ink,
        70,
        mention=esign_mention(inv.trainer if model != "certificat" else COOP.manager, doc_date)
        if electronic
        else "",
    )
    footer(p, COOP, es)
    return f


# ---- evaluations ------------------------------------------------------------------------
HOT_QUESTIONS = [
    "Les objectifs de la formation ont été atteints",
    "Le contenu correspondait à mes attentes",
    "Le formateur maîtrisait son sujet",
    "Les méthodes et supports étaient adaptés",
    "L'organisation matérielle était satisfaisante",
    "Je pourrai appliquer ce que j'ai appris",
]
COLD_QUESTIONS = [
    "J'utilise dans mon travail ce que j'ai appris",
    "La formation a amélioré ma pratique professionnelle",
    "Je recommanderais cette formation à un collègue",
]


def _satisfaction(answers: list[int], lo: int, hi: int) -> dict:
    score = sum((a - lo) / (hi - lo) for a in answers) / len(answers)
    return {"score": round(score, 3), "scale": [lo, hi], "answers": list(answers)}


def evaluation_chaud(
    p: Pen,
    inv: Invoice,
    trainee: str | None,
    answers: list[int],
    *,
    form: str,
    dated: bool = True,
    comment: str = "",
) -> Fields:
    """form: cases (paper, 1-5 boxes ticked by hand) | online (export of an online form,
    marks printed 1-5) | smileys (paper, 4 levels Très satisfait .. Pas satisfait)."""
    es, st = inv.es, inv.es.style
    p.new_page()
    header(p, COOP, es)
    p.space(8)
    f: Fields = {"training_title": inv.title, "trainer": inv.trainer}
    if form == "online":
        p.line("Votre avis sur la formation — questionnaire à chaud", 14, st.bold, 4)
        p.line("Export du formulaire en ligne", 8.5, st.italic, 8, color=GREY)
    else:
        p.line("Questionnaire de satisfaction à chaud", 15, st.bold, 8, align="center")
    p.line(f"Formation : {inv.title}", 10)
    if inv.beneficiary or form == "cases":
        p.line(f"Entreprise : {inv.contract_client}", 10)
    p.line(f"Formateur : {inv.trainer}", 10)
    if dated:
        p.line(f"Date(s) : {_dates_line(inv)}", 10)
        f.update(start_date=_iso(inv.start), end_date=_iso(inv.end))
    else:
        p.line("Date : ....................................", 10)
    if trainee:
        p.line(f"Nom du stagiaire : {trainee}", 10)
        f["trainee"] = trainee
    else:
        p.line("Questionnaire anonyme", 10, st.italic)
    p.space(10)
    ink = (0.08, 0.1, 0.4) if form != "online" else (0, 0, 0)
    if form == "smileys":
        levels = ["Très satisfait", "Satisfait", "Peu satisfait", "Pas satisfait"]
        lo, hi = 1, 4
    else:
        levels = ["1", "2", "3", "4", "5"]
        lo, hi = 1, 5
    qx, bx = p.margin, p.w - p.margin - 64 * len(levels) + 10
    if form != "online":
        p.text(
            qx,
            p.y,
            "Cochez une case par ligne"
            + (" (1 = pas du tout d'accord, 5 = tout à fait d'accord)" if form == "cases" else ""),
            8.5,
            st.italic,
            GREY,
        )
        p.y -= 18
        for i, lv in enumerate(levels):
            p.text(
                bx + i * 64 + 4, p.y, lv, 7.5 if form == "smileys" else 9, st.bold, align="center"
            )
        p.y -= 8
    for q, a in zip(HOT_QUESTIONS, answers, strict=True):
        p.y -= 24
        p.text(qx, p.y, q, 10)
        if form == "online":
            p.text(p.w - p.margin, p.y, f"{a}/5", 10, st.bold, align="right")
        else:
            for i in range(len(levels)):
                p.checkbox(bx + i * 64, p.y - 1, 10)
            chosen = (hi - a) if form == "smileys" else (a - lo)
            p.tick(bx + chosen * 64, p.y - 1, 10, ink)
        p.c.setStrokeColorRGB(0.8, 0.8, 0.8)
        p.c.line(qx, p.y - 8, p.w - p.margin, p.y - 8)
    p.space(20)
    p.line("Commentaires et suggestions :", 10, st.bold, 4)
    if comment:
        if form == "online":
            p.para(comment)
        else:
            p.hand(p.margin + 8, p.y - 14, comment, 11, ink)
    p.y -= 40
    footer(p, COOP, es)
    f["satisfaction"] = _satisfaction(answers[: len(HOT_QUESTIONS)], lo, hi)
    return f


def evaluation_froid(
    p: Pen, inv: Invoice, trainee: str, answers: list[int], *, doc_date: date
) -> Fields:
    es, st = inv.es, inv.es.style
    p.new_page()
    header(p, COOP, es)
    p.space(8)
    p.line("Évaluation à froid", 16, st.bold, 2, align="center")
    p.line("à remplir 2 à 3 mois après la formation", 9, st.italic, 10, align="center")
    p.line(f"Formation suivie : {inv.title}", 10)
    p.line(f"Du {fr(inv.start)} au {fr(inv.end)} — formatrice : {inv.trainer}", 10)
    p.line(f"Participant : {trainee}", 10)
    p.line(f"Entreprise : {inv.contract_client}", 10)
    p.line(f"Date de l'évaluation : {fr(doc_date)}", 10, gap=14)
    p.line(
        "Échelle : 1 = pas du tout, 2 = un peu, 3 = assez, 4 = tout à fait",
        8.5,
        st.italic,
        10,
        color=GREY,
    )
    for q, a in zip(COLD_QUESTIONS, answers, strict=True):
        p.y -= 26
        p.text(p.margin, p.y, q, 10)
        for i in range(4):
            x = p.w - p.margin - 4 * 40 + i * 40
            p.text(x + 5, p.y + 12, str(i + 1), 8, st.bold, align="center")
            p.checkbox(x, p.y - 1, 10)
        p.tick(p.w - p.margin - 4 * 40 + (a - 1) * 40, p.y - 1, 10, (0.05, 0.05, 0.2))
    p.space(24)
    p.line("Quels changements avez-vous mis en place depuis la formation ?", 10, st.bold, 4)
    p.hand(
        p.margin + 8,
        p.y - 14,
        "Entretiens individuels mensuels avec mon équipe.",
        11,
        (0.05, 0.05, 0.2),
    )
    p.y -= 50
    footer(p, COOP, es)
    return {
        "training_title": inv.title,
        "trainer": inv.trainer,
        "start_date": _iso(inv.start),
        "end_date": _iso(inv.end),
        "trainee": trainee,
        "satisfaction": _satisfaction(answers, 1, 4),
    }


# ---- entrepreneur documents -----------------------------------------------------------
#: The demo entrepreneurs' career lines and trainings given, for their CVs.
CV_HISTORY: dict[str, tuple[list[str], list[str]]] = {
    "Élodie Faure": (
        [
            "2019 - aujourd'hui : formatrice et consultante RH, Coopérative Exemple",
            "2011 - 2019 : responsable RH, groupe de distribution régional (250 salariés)",
        ],
        [
            "Manager une équipe au quotidien",
            "Gestion du stress au travail",
            "Conduire l'entretien professionnel",
        ],
    ),
    "Karim Benali": (
        [
            "2017 - aujourd'hui : formateur bureautique, Coopérative Exemple",
            "2010 - 2017 : assistant de gestion puis contrôleur de gestion (PME industrielle)",
        ],
        [
            "Excel initiation",
            "Excel perfectionnement : tableaux croisés dynamiques",
            "Excel — fonctions avancées et macros VBA",
            "Word et Excel : les essentiels",
        ],
    ),
    "Hélène Marchand": (
        [
            "2015 - aujourd'hui : formatrice d'anglais, Coopérative Exemple",
            "2008 - 2015 : réceptionniste puis chef de réception, hôtellerie (Londres, Nice)",
        ],
        [
            "Anglais professionnel — accueil de la clientèle",
            "Anglais au téléphone",
            "Anglais : réussir un entretien d'embauche",
        ],
    ),
    "Thomas Girard": (
        [
            "2018 - aujourd'hui : formateur en communication, Coopérative Exemple",
            "2008 - 2018 : comédien et metteur en scène, compagnies régionales",
        ],
        [
            "Prise de parole en public",
            "Réseaux sociaux pour les collectivités",
            "Rédiger pour le web",
        ],
    ),
}


def cv_lines(
    es: Entrepreneur,
    updated: date,
    history: tuple[list[str], list[str]] | None = None,
) -> list[tuple[str, list[str]]]:
    """The CV content, shared by the PDF, PNG and DOCX renderings. ``history``
    (experience lines, trainings given) for entrepreneurs outside the demo corpus."""
    common = history or CV_HISTORY[es.name]
    return [
        (
            "Curriculum vitae",
            [es.name, es.trade, f"{es.email} — {es.city}", f"Mis à jour le {fr(updated)}"],
        ),
        ("Expérience professionnelle", common[0]),
        ("Formations animées", common[1]),
        ("Diplômes et certifications", list(es.titles)),
        (
            f"Actualisation des compétences {updated.year - 1}",
            [
                "Webinaire Qualiopi : les indicateurs 21 et 22 (3 h)",
                "Formation « Concevoir une classe virtuelle » (14 h)",
            ],
        ),
    ]


def cv(
    p: Pen,
    es: Entrepreneur,
    updated: date,
    history: tuple[list[str], list[str]] | None = None,
) -> Fields:
    st = es.style
    p.new_page()
    blocks = cv_lines(es, updated, history)
    p.y = p.h - 60
    p.line(blocks[0][0].upper(), 10, st.bold, 4, color=st.accent)
    p.line(es.name, 22, st.bold, 4)
    for s in blocks[0][1][1:]:
        p.line(s, 10.5, st.font, 2)
    p.hr(st.accent, 1.5)
    for title, items in blocks[1:]:
        p.space(6)
        p.line(title, 12, st.bold, 4, color=st.accent)
        p.bullets(items, 10, "•")
    p.space(10)
    p.line(f"Coopérative Exemple — NDA {COOP.nda}", 8, st.font, 2, color=GREY)
    return {"person": es.name, "trainer": es.name, "updated": _iso(updated)}


def programme_blocks(inv: Invoice, with_eval: bool) -> list[tuple[str, list[str]]]:
    blocks = [
        ("Objectifs", list(inv.objectives)),
        ("Programme", list(inv.modules)),
        (
            "Méthodes pédagogiques",
            [
                "Apports théoriques courts et exemples concrets",
                "Exercices pratiques, travaux en sous-groupes, mises en situation",
                "Support remis à chaque participant",
            ],
        ),
    ]
    if with_eval:
        blocks.append(
            (
                "Modalités d'évaluation",
                [
                    "Positionnement en début de formation",
                    "Exercice ou quiz d'évaluation des acquis en fin de formation",
                    "Questionnaire de satisfaction à chaud",
                ],
            )
        )
    blocks.append(
        (
            "Accessibilité",
            [
                "Formation accessible aux personnes en situation de handicap : "
                "nous contacter pour étudier les adaptations."
            ],
        )
    )
    return blocks


def programme(p: Pen, inv: Invoice, *, with_eval: bool) -> Fields:
    es, st = inv.es, inv.es.style
    p.new_page()
    header(p, COOP, es)
    p.space(8)
    p.line("Programme de formation", 16, st.bold, 4, align="center")
    p.line(inv.title, 13, st.bold, 8, align="center", color=st.accent)
    for s in (
        "Public : salariés et dirigeants — Prérequis : aucun",
        f"Durée : {hours_fr(inv.hours)} heures ({len(inv.days)} "
        f"jour{'s' if len(inv.days) > 1 else ''})",
        f"Formateur : {es.name}",
        "Tarif intra-entreprise : nous consulter",
    ):
        p.line(s, 10, st.font, 2)
    for title, items in programme_blocks(inv, with_eval):
        p.space(4)
        p.line(title, 12, st.bold, 3, color=st.accent)
        p.bullets(items)
    footer(p, COOP, es)
    return {
        "training_title": inv.title,
        "trainer": es.name,
        "sections": {
            "objectifs": True,
            "programme": True,
            "methodes": True,
            "evaluation": with_eval,
        },
    }


def facture(p: Pen, inv: Invoice) -> Fields:
    es, st = inv.es, inv.es.style
    p.new_page()
    header(p, COOP, es)
    p.space(10)
    p.line("Facture", 20, st.bold, 2)
    p.line(f"N° {inv.number} — du {fr(inv.date)}", 11, st.bold, 10)
    p.line("Client :", 10, st.bold, 2, x=330)
    for s in (inv.client, inv.client_address):
        p.line(s, 10, st.font, 1, x=330)
    p.space(16)
    rows = [
        ("Intitulé de la formation", inv.title),
        ("Lieu", inv.place),
        ("Dates", _dates_line(inv)),
        ("Durée par stagiaire", f"{hours_fr(inv.hours)} heures"),
        ("Nombre de stagiaires", f"{len(inv.trainees)} ({inv.status})"),
        ("Stagiaires", ", ".join(inv.trainees)),
        ("Heures stagiaires réalisées", f"{hours_fr(inv.trainee_hours)} h (absences déduites)"),
        ("Formateur", inv.trainer),
        ("Code BPF", f"{inv.bpf} — spécialité NSF {inv.nsf}"),
    ]
    for k, v in rows:
        p.text(p.margin, p.y, k, 9.5, st.bold)
        p.text(p.margin + 160, p.y, v, 9.5, st.font)
        p.y -= 15
    p.space(14)
    p.hr()
    p.line(f"Montant HT : {money(inv.amount)} €", 12, st.bold, 3, x=330)
    p.line("TVA : exonérée (art. 261-4-4° a du CGI)", 9, st.font, 3, x=330)
    p.line(f"Total à payer : {money(inv.amount)} €", 12, st.bold, 12, x=330)
    p.para(
        "Règlement à 30 jours par virement — IBAN FR76 0000 0000 0000 0000 0000 000. "
        "Pénalités de retard : 3 fois le taux d'intérêt légal ; indemnité forfaitaire de 40 €."
    )
    footer(p, COOP, es)
    return {
        "invoice_number": inv.number,
        "training_title": inv.title,
        "client": inv.client,
        "trainer": inv.trainer,
        "start_date": _iso(inv.start),
        "end_date": _iso(inv.end),
        "duration_hours": num(inv.hours),
        "trainees": list(inv.trainees),
        "amount_ht": inv.amount,
        "date": _iso(inv.date),
    }


def bilan_pedagogique(
    p: Pen,
    es: Entrepreneur,
    year: int,
    rows: list[tuple[str, str, int, float, str]],
    doc_date: date,
) -> Fields:
    st = es.style
    p.new_page()
    header(p, COOP, es)
    p.space(8)
    p.line(f"Bilan pédagogique annuel {year}", 16, st.bold, 2, align="center")
    p.line(f"{es.name} — {es.trade}", 11, st.font, 12, align="center")
    p.line("1. Actions réalisées", 12, st.bold, 6, color=st.accent)
    xs = [p.margin, p.margin + 210, p.margin + 330, p.margin + 390, p.margin + 450]
    heads = ("Formation", "Client", "Stagiaires", "Heures", "Satisfaction")
    for x, s in zip(xs, heads, strict=True):
        p.text(x, p.y, s, 9, st.bold)
    p.y -= 14
    for r in rows:
        for x, s in zip(xs, (r[0], r[1], str(r[2]), hours_fr(r[3]), r[4]), strict=True):
            p.text(x, p.y, s, 8.5, st.font)
        p.y -= 13
    p.space(10)
    p.line("2. Points forts et difficultés", 12, st.bold, 6, color=st.accent)
    p.para(
        "Forte demande sur la gestion du stress et le "
        "management de proximité. Deux sessions reportées "
        "à la demande des clients. Taux d'abandon nul."
    )
    p.line("3. Actions d'amélioration", 12, st.bold, 6, color=st.accent)
    p.bullets(
        [
            "Envoi systématique du questionnaire à froid à 3 mois",
            "Nouveau support de positionnement en amont de la formation",
        ]
    )
    p.line("4. Développement de mes compétences", 12, st.bold, 6, color=st.accent)
    p.bullets(["Formation de formateurs à la classe virtuelle (14 h)"])
    p.space(10)
    p.line(f"Fait à Montpellier, le {fr(doc_date)}", 10, st.font, 6)
    p.signature(p.w - p.margin - 160, p.y - 50, 150, 45, st.ink)
    footer(p, COOP, es)
    return {"trainer": es.name, "person": es.name, "date": _iso(doc_date)}


def receipt(p: Pen) -> Fields:
    """A restaurant receipt: an unrelated document (type autre)."""
    p.new_page(size=(226, 420))
    p.margin = 14
    p.y = p.h - 24
    for s, sz, fnt in (
        ("LE BISTROT DU MARCHÉ", 12, "Courier-Bold"),
        ("4 place Jean Jaurès", 8, "Courier"),
        ("34000 MONTPELLIER", 8, "Courier"),
        ("Tél. 04 67 11 22 33", 8, "Courier"),
    ):
        p.line(s, sz, fnt, 2, align="center")
    p.space(8)
    p.line("Table 12      Couverts : 2", 8, "Courier", 2)
    p.line("Le 10/03/2026 à 12:58", 8, "Courier", 8)
    for item, price in (
        ("2 x Plat du jour", "29,00"),
        ("1 x Carafe de vin", "9,50"),
        ("2 x Café", "4,40"),
        ("1 x Tarte aux fraises", "6,50"),
    ):
        p.text(p.margin, p.y, item, 8, "Courier")
        p.text(p.w - p.margin, p.y, price, 8, "Courier", align="right")
        p.y -= 11
    p.space(6)
    p.line("-" * 34, 8, "Courier", 2)
    p.text(p.margin, p.y - 8, "TOTAL TTC", 9, "Courier-Bold")
    p.text(p.w - p.margin, p.y - 8, "49,40 EUR", 9, "Courier-Bold", align="right")
    p.y -= 20
    for s in (
        "dont TVA 10% : 3,82",
        "dont TVA 20% : 1,58",
        "CB SANS CONTACT",
        "",
        "Merci de votre visite !",
        "SIRET 987 654 321 00019",
    ):
        p.line(s, 8, "Courier", 2, align="center")
    p.margin = 56
    return {}
