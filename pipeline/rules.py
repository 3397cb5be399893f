"""What a complete dossier is: the cooperative's checklist applied to the store's contents.

A job over the store, not a per-document stage. Per training invoice: the agreement
(convention, contract, or for subcontracted work a signed quote or purchase order) signed
by every party, attendance covering every half-day for every trainee, one attestation per
trainee, hot evaluations, cold evaluations (recommended), the invoice record's mentions;
then the checks across documents (trainees, hours, dates, signatures). Per entrepreneur and
year: a CV of the year, a programme per training title sold, the yearly summary.

Which requirements apply, at which level and by when is the cooperative's choice
(``[rules]``, :mod:`pipeline.checklist`); a person may waive one for one dossier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from rapidfuzz import fuzz

from pipeline.checklist import Rules, Waiver
from pipeline.errors import Reason
from pipeline.invoices import Invoice
from pipeline.parse import fold, normalise_name, same_person
from pipeline.presence import HALF_LABELS, Attendance, AttendanceSettings, Slot, combine
from pipeline.record import DocType
from pipeline.store import DocumentRow

#: ``Missing.action``: what a person of the support team does, the piece being in the share.
VERIFY = "verifier"
ATTACH = "rattacher"
SAME_PERSON = 0.85
SAME_TITLE = 85
#: Cells and signature blocks read with less confidence wait for a person (``review``).
REVIEW_BELOW = 0.7
#: Parties whose signature makes each agreement valid (DOMAIN checklist, piece 3).
REQUIRED_SIGNATURES: dict[str, tuple[str, ...]] = {
    DocType.CONVENTION: ("organisme", "client", "formateur"),
    DocType.CONTRAT: ("organisme", "stagiaire", "formateur"),
    DocType.BON_COMMANDE: ("client",),
}
#: How messages name each agreement, and the past participle that agrees with it.
AGREEMENT_WORDS: dict[str, tuple[str, str]] = {
    DocType.CONVENTION: ("la convention", "signée"),
    DocType.CONTRAT: ("le contrat", "signé"),
    DocType.BON_COMMANDE: ("le devis", "signé"),
}
#: What a person may waive for one dossier: a piece of the checklist or a check's code.
WAIVABLE = frozenset({
    "convention", "contrat", "bon_commande", "emargement", "attestation", "evaluation_chaud",
    "evaluation_froid", "mentions", "trainee_hours_mismatch", "trainee_count_mismatch",
    "trainee_unknown", "dates_mismatch", "convention_signed_late", "signature_missing",
    "trainer_signature_missing", "programme", "programme_incomplete",
    "attestation_without_attendance", "invoice_mentions_missing",
})  # fmt: skip
#: Checks that say something is missing rather than that two documents disagree.
LACKING_CODES = frozenset(
    {
        "invoice_mentions_missing",
        "signature_missing",
        "trainer_signature_missing",
        "programme_incomplete",
    }
)
PARTY_LABELS = {
    "organisme": "l'organisme",
    "client": "le client",
    "formateur": "le formateur",
    "stagiaire": "le stagiaire",
}


@dataclass(frozen=True)
class Missing:
    piece: str
    count: int = 1
    detail: str = ""
    level: str = "requis"  # requis | recommande
    due: date | None = None  # when the piece was expected, if the rule says
    overdue_days: int | None = None  # days past ``due`` on the day of the evaluation
    #: Who settles it: "" the entrepreneur (the piece is lacking), VERIFY a person looks at
    #: what was read, ATTACH a person files a document that waits (the piece was dropped).
    action: str = ""
    documents: tuple[int, ...] = ()  # the documents concerned, when a person must act

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "piece": self.piece,
            "count": self.count,
            "detail": self.detail,
            "level": self.level,
            "due": self.due.isoformat() if self.due else None,
            "overdue_days": self.overdue_days,
        }
        if self.action:
            out |= {"action": self.action, "documents": list(self.documents)}
        return out


@dataclass(frozen=True)
class Check:
    code: str
    message: str
    documents: tuple[int, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "documents": list(self.documents)}


@dataclass(frozen=True)
class Dossier:
    invoice: Invoice
    documents: tuple[DocumentRow, ...]
    missing: tuple[Missing, ...] = ()
    checks: tuple[Check, ...] = field(default=())
    attendance: Attendance | None = None
    notes: tuple[str, ...] = ()  # facts worth knowing that are not faults (assiduity)
    waived: tuple[Waiver, ...] = ()  # requirements a person set aside for this dossier

    @property
    def state(self) -> str:
        """``inconsistent`` when documents disagree; ``incomplete`` when something required
        is missing (a piece, or a mention of the invoice record); else ``complete``."""
        if any(c.code not in LACKING_CODES for c in self.checks):
            return "inconsistent"
        lacking = self.checks or any(m.level == "requis" for m in self.missing)
        return "incomplete" if lacking else "complete"


def agreement_types(inv: Invoice) -> tuple[DocType, ...]:
    """Which documents count as the signed agreement of this invoice (DOMAIN checklist #3)."""
    if fold(inv.subcontracting).startswith("recu"):  # "reçue", however it was typed
        return (DocType.BON_COMMANDE, DocType.CONVENTION)
    if inv.client_type == "particulier":
        return (DocType.CONTRAT,)
    return (DocType.CONVENTION,)


def evaluate(
    inv: Invoice,
    documents: Sequence[DocumentRow],
    settings: AttendanceSettings | None = None,
    rules: Rules | None = None,
    today: date | None = None,
    waivers: Sequence[Waiver] = (),
    own: Sequence[DocumentRow] | None = None,
) -> Dossier:
    """The dossier of one training invoice: what is there, what is missing, what disagrees.

    ``rules``: the cooperative's checklist (levels, due dates); ``today`` dates the overdue
    pieces; ``waivers``: requirements a person set aside for this dossier; ``own``: the
    entrepreneur's documents, one of whose programmes must be this training's (unchecked
    if None), and whose documents waiting between this invoice and another may be the
    pieces it lacks.
    """
    dossier = _evaluate(inv, documents, settings or AttendanceSettings())
    if own is not None:
        lacking, incomplete = _programme_of(inv, [*own, *documents])
        dossier = replace(
            dossier, missing=(*dossier.missing, *lacking), checks=(*dossier.checks, *incomplete)
        )
        dossier = replace(dossier, missing=tuple(_dropped(inv, dossier.missing, own)))
    return apply_rules(dossier, rules or Rules(), today, waivers)


def _dropped(inv: Invoice, missing: Sequence[Missing], own: Sequence[DocumentRow]) -> list[Missing]:
    """Pieces the entrepreneur did drop, whose documents wait for a person to choose this
    invoice among the candidates: to attach, not to ask for again."""
    waiting: dict[str, list[DocumentRow]] = {}
    for d in own:
        ambiguous = d.invoice is None and d.reason == Reason.AMBIGUOUS
        if ambiguous and any(c.get("invoice") == inv.number for c in d.candidates):
            waiting.setdefault(d.type, []).append(d)
    out = []
    for m in missing:
        found = waiting.get(m.piece, [])
        if m.action or len(found) < m.count:
            out.append(m)
            continue
        ids = tuple(d.id for d in found)
        others = sorted({str(c.get("invoice")) for d in found for c in d.candidates} - {inv.number})
        where = f" (ou {', '.join(others)})" if others else ""
        detail = (
            f"{len(found)} document(s) déposé(s) en attente de rattachement à cette facture"
            f"{where} : {', '.join(f'#{i}' for i in ids)}"
        )
        out.append(replace(m, detail=detail, action=ATTACH, documents=ids))
    return out


def _programme_of(
    inv: Invoice, documents: Sequence[DocumentRow]
) -> tuple[list[Missing], list[Check]]:
    """The programme bearing this training's title (DOMAIN checklist 2): none is a missing
    piece; one without a required section is ``programme_incomplete``."""
    if not inv.title:
        return [], []
    title = inv.title
    fitting = [
        d
        for d in documents
        if d.type == DocType.PROGRAMME
        and _same_title(title, fold(str(d.fields.get("training_title") or "")))
    ]
    if not fitting:
        return [Missing("programme", 1, f"aucun programme « {title} » reçu")], []
    best = min(fitting, key=lambda d: len(_absent_sections(d)))
    absent = _absent_sections(best)
    if not absent or best.first > 1:
        # A programme printed after another document's pages (a convention's annex) is a
        # summary of the training: it stands for the programme, its sections are not judged.
        return [], []
    message = f"Programme « {title} » (document #{best.id}) sans {', '.join(absent)}."
    return [], [Check("programme_incomplete", message, (best.id,))]


def _absent_sections(doc: DocumentRow) -> list[str]:
    found = doc.fields.get("sections")
    if not isinstance(found, dict):
        return []
    return [label for key, label in SECTIONS.items() if found.get(key) is False]


def apply_rules(
    dossier: Dossier, rules: Rules, today: date | None, waivers: Sequence[Waiver]
) -> Dossier:
    """Levels and due dates from ``rules``; what a person waived moves to ``waived``."""
    inv = dossier.invoice
    waived_targets = {w.target for w in waivers}
    missing = []
    for m in dossier.missing:
        req = rules.of(m.piece)
        if req.level == "aucun" or m.piece in waived_targets:
            continue
        due = req.due(inv.start, inv.end)
        late = (today - due).days if today and due and today > due else None
        missing.append(replace(m, level=req.level, due=due, overdue_days=late))
    checks = [c for c in dossier.checks if c.code not in waived_targets]
    if rules.mentions.level == "aucun" or "mentions" in waived_targets:
        checks = [c for c in checks if c.code != "invoice_mentions_missing"]
    return replace(dossier, missing=tuple(missing), checks=tuple(checks), waived=tuple(waivers))


def _evaluate(
    inv: Invoice, documents: Sequence[DocumentRow], settings: AttendanceSettings
) -> Dossier:
    by_type: dict[str, list[DocumentRow]] = {}
    for d in documents:
        by_type.setdefault(d.type, []).append(d)
    missing: list[Missing] = []
    checks: list[Check] = []
    agreements = agreement_types(inv)
    found = [d for t in agreements for d in by_type.get(t, [])]
    if not found:
        missing.append(Missing(agreements[0].value, 1, _agreement_detail(agreements)))
    else:
        unsigned, doubtful = _unsigned_agreement(found)
        checks += unsigned
        missing += doubtful
        checks += _agreement_checks(inv, found)
    sheets = by_type.get(DocType.EMARGEMENT, [])
    schedule = next(
        (d.fields["half_day_hours"] for d in found if d.fields.get("half_day_hours")), None
    )
    attendance = combine(inv, sheets, settings, REVIEW_BELOW, schedule)
    notes: list[str] = []
    if not sheets:
        missing.append(Missing("emargement", 1, "aucune feuille d'émargement reçue"))
    elif attendance is not None and attendance.unread:
        sheets_ids = ", ".join(f"#{d}" for d in attendance.unread)
        missing.append(
            Missing(
                "emargement",
                len(attendance.unread),
                f"feuille(s) {sheets_ids} reçue(s) mais illisible(s) case par case : "
                "à vérifier à l'œil et à corriger (dossiers review)",
                action=VERIFY,
                documents=tuple(attendance.unread),
            )
        )
    if attendance is not None and attendance.slots:
        # With a sheet unread, what the others lack (names, half-days, hours) may be on it.
        whole = not attendance.unread
        missing += _attendance_missing(inv, attendance, whole)
        checks += _trainer_unsigned(attendance)
        if attendance.unsigned():
            notes.append(f"Non signé, compté comme absence : {_empty_cells(attendance)}.")
        if whole:
            checks += _attendance_checks(inv, attendance, settings)
            checks += _attestations_without_attendance(attendance, by_type)
            notes += _assiduity_notes(inv, attendance, settings)
    missing += _attestations(inv, by_type.get(DocType.ATTESTATION, []))
    if DocType.EVALUATION_CHAUD not in by_type:
        missing.append(Missing("evaluation_chaud", 1, "aucun bilan à chaud reçu"))
    if DocType.EVALUATION_FROID not in by_type:
        missing.append(Missing("evaluation_froid", 1, "aucune évaluation à froid reçue"))
    checks += _invoice_mentions(inv)
    return Dossier(inv, tuple(documents), tuple(missing), tuple(checks), attendance, tuple(notes))


#: The invoice record's mentions the checklist requires (DOMAIN, piece 5), as people call them.
MENTIONS = (
    ("title", "l'intitulé"),
    ("place", "le lieu"),
    ("trainee_count", "le nombre de stagiaires"),
    ("statuses", "le statut des stagiaires"),
    ("start", "les dates"),
    ("hours", "la durée"),
    ("trainee_hours", "les heures-stagiaires"),
    ("bpf_code", "le code BPF"),
)


def _invoice_mentions(inv: Invoice) -> list[Check]:
    lacking = [label for name, label in MENTIONS if getattr(inv, name) in (None, "", ())]
    if not lacking:
        return []
    return [Check("invoice_mentions_missing", f"La facture n'indique pas {', '.join(lacking)}.")]


def _unsigned_agreement(found: Sequence[DocumentRow]) -> tuple[list[Check], list[Missing]]:
    """The best-signed agreement must carry every required party's signature.

    A party that surely did not sign is a ``signature_missing`` check (the CONTRACT's code):
    the agreement is there but not valid as it stands. A signature not surely read waits
    for a person, as a piece still to settle.
    """
    read = [d for d in found if isinstance(d.fields.get("signatures"), dict)]
    if not read:
        return [], []  # signatures not read (no OCR engine): nothing to say either way

    def lacking(d: DocumentRow) -> tuple[list[str], list[str]]:
        blocks = d.fields.get("signature_blocks") or {}
        unsigned, doubtful = [], []
        for party in REQUIRED_SIGNATURES.get(d.type, ()):
            block = blocks.get(party) or {}
            confidence = float(block.get("confidence", 1.0))
            if block.get("corrected") or confidence >= REVIEW_BELOW:
                if not d.fields["signatures"].get(party):
                    unsigned.append(party)
            else:
                doubtful.append(party)
        return unsigned, doubtful

    unsigned, doubtful, best = min(
        ((*lacking(d), d) for d in read), key=lambda found: (len(found[0]), len(found[1]))
    )
    checks, missing = [], []
    if unsigned:
        who = ", ".join(PARTY_LABELS[p] for p in unsigned)
        kind, signed_word = AGREEMENT_WORDS.get(best.type, ("la convention", "signée"))
        message = f"{kind[0].upper()}{kind[1:]} n'est pas {signed_word} par {who}."
        checks.append(Check("signature_missing", message, (best.id,)))
    if doubtful:
        who = ", ".join(PARTY_LABELS[p] for p in doubtful)
        missing.append(
            Missing(
                best.type,
                len(doubtful),
                f"signature à vérifier : {who} (document #{best.id})",
                action=VERIFY,
                documents=(best.id,),
            )
        )
    return checks, missing


def _agreement_checks(inv: Invoice, found: Sequence[DocumentRow]) -> list[Check]:
    """The agreement against the invoice: its trainees, and when it was signed."""
    checks = []
    doc = max(found, key=lambda d: sum(map(bool, (d.fields.get("signatures") or {}).values())))
    kind, signed_word = AGREEMENT_WORDS.get(doc.type, ("la convention", "signée"))
    names = [str(n) for n in doc.fields.get("trainees") or ()]
    strangers = [n for n in names if inv.trainees and not _named(n, inv.trainees)]
    # Fewer names than invoiced, every one of them the invoice's: a list read in part (a
    # scan's wrapped table), not surely a different one.
    partly = len(names) < (inv.trainee_count or 0) and not strangers
    if names and inv.trainee_count and len(names) != inv.trainee_count and not partly:
        checks.append(
            Check(
                "trainee_count_mismatch",
                f"{inv.trainee_count} stagiaire(s) facturé(s), {len(names)} sur {kind}.",
                (doc.id,),
            )
        )
    if strangers:
        checks.append(
            Check(
                "trainee_unknown",
                f"Sur {kind} mais pas sur la facture : {', '.join(strangers)}.",
                (doc.id,),
            )
        )
    signed = _signed_on(doc)
    if signed and inv.start and signed > inv.start:
        checks.append(
            Check(
                "convention_signed_late",
                f"{kind[0].upper()}{kind[1:]} est {signed_word} le {signed:%d/%m/%Y}, après le "
                f"début de la formation ({inv.start:%d/%m/%Y}).",
                (doc.id,),
            )
        )
    return checks


def _named(name: str, names: Sequence[str]) -> bool:
    """On the invoice: the same person, or a name cut short at a line's end ("Nora Ben" for
    "Nora Ben Saïd": its two or more words all among one invoice name's)."""
    words = set(normalise_name(name).split())
    return any(
        same_person(name, other) >= SAME_PERSON
        or len(words) >= 2
        and words <= set(normalise_name(other).split())
        for other in names
    )


def _signed_on(doc: DocumentRow) -> date | None:
    """When an agreement was signed: its latest electronic signature, else its date."""
    stamps = [
        str(b.get("date") or "")[:10]
        for b in (doc.fields.get("signature_blocks") or {}).values()
        if b.get("method") == "electronique"
    ]
    dated = [str(doc.fields.get("date") or "")]
    for text in sorted((s for s in stamps if s), reverse=True) + dated:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            continue
    return None


def _attestations_without_attendance(
    att: Attendance, by_type: dict[str, list[DocumentRow]]
) -> list[Check]:
    """An attestation for a trainee whose every half-day is known and none was signed."""
    idle = {
        t.name
        for t in att.trainees
        if t.on_invoice and t.marks and all(m.mark in ("absent", "empty") for m in t.marks.values())
    }
    checks = []
    for doc in by_type.get(DocType.ATTESTATION, []):
        who = str(doc.fields.get("trainee") or "")
        name = next((n for n in idle if who and same_person(who, n) >= SAME_PERSON), None)
        if name:
            checks.append(
                Check(
                    "attestation_without_attendance",
                    f"Attestation de {name}, qui n'a signé aucune demi-journée.",
                    (doc.id, *att.documents),
                )
            )
    return checks


def _attendance_missing(inv: Invoice, att: Attendance, whole: bool) -> list[Missing]:
    out = []
    if whole and att.uncovered:
        out.append(
            Missing(
                "emargement",
                att.uncovered,
                f"{att.uncovered} demi-journée(s) sans feuille d'émargement "
                f"({len(att.slots)} couverte(s) sur {att.expected_half_days} prévues)",
            )
        )
    unseen = att.not_seen(inv) if whole else []
    if unseen:
        out.append(Missing("emargement", len(unseen), "sur aucune feuille : " + ", ".join(unseen)))
    doubtful = att.doubtful()
    if doubtful:
        cells = "; ".join(f"{name} le {slot_label(slot)}" for name, slot, _ in doubtful)
        out.append(
            Missing(
                "emargement",
                len(doubtful),
                "case(s) à vérifier (dossiers review) : " + cells,
                action=VERIFY,
                documents=tuple(att.documents),
            )
        )
    return out


def _trainer_unsigned(att: Attendance) -> list[Check]:
    """Half-days the trainer's box was surely left empty: the sheet does not prove them."""
    slots = att.trainer_missing()
    if not slots:
        return []
    cells = "; ".join(slot_label(s) for s in slots)
    message = f"Signature du formateur manquante : {cells}."
    return [Check("trainer_signature_missing", message, att.documents)]


def _attendance_checks(inv: Invoice, att: Attendance, settings: AttendanceSettings) -> list[Check]:
    docs = att.documents
    checks = []
    unknown = att.unknown()
    if inv.trainees and unknown:
        names = ", ".join(sorted({t.name for t in unknown}))
        checks.append(
            Check("trainee_unknown", f"Sur les feuilles mais pas sur la facture : {names}.", docs)
        )
    seen = sum(1 for t in att.trainees if t.marks)
    if inv.trainee_count and seen != inv.trainee_count:
        checks.append(
            Check(
                "trainee_count_mismatch",
                f"{inv.trainee_count} stagiaire(s) facturé(s), {seen} sur les feuilles "
                "d'émargement.",
                docs,
            )
        )
    outside = [s for s in att.slots if not _within(inv, s)]
    if outside:
        days = ", ".join(sorted({s[0].strftime("%d/%m/%Y") for s in outside}))
        checks.append(
            Check(
                "dates_mismatch",
                f"Feuilles datées hors de la période facturée ({_period(inv)}) : {days}.",
                docs,
            )
        )
    invoiced = _invoiced_trainee_hours(inv)
    # Hours are compared once every half-day is known: no gap, no doubt, no stranger. A
    # cell left empty is a half-day the sheet does not prove: not attended, by the sheets.
    settled = not (att.uncovered or att.doubtful() or unknown)
    if settled and invoiced is not None:
        gap = att.trainee_hours - invoiced
        if abs(gap) > settings.hours_tolerance:
            empty = _empty_cells(att)
            checks.append(
                Check(
                    "trainee_hours_mismatch",
                    f"Heures-stagiaires : {hours_text(invoiced)} h sur la facture, "
                    f"{hours_text(att.trainee_hours)} h d'après les feuilles d'émargement"
                    + (f" (non signé : {empty})." if empty else "."),
                    docs,
                )
            )
    return checks


def _empty_cells(att: Attendance) -> str:
    return "; ".join(f"{name} le {slot_label(slot)}" for name, slot in att.unsigned())


def _assiduity_notes(inv: Invoice, att: Attendance, settings: AttendanceSettings) -> list[str]:
    return [
        f"Assiduité de {t.name} : {t.assiduity:.0%} ({hours_text(t.hours)} h sur "
        f"{hours_text(inv.hours)} h), sous le seuil de {settings.assiduity_threshold:.0%}."
        for t in att.below_threshold(settings.assiduity_threshold)
        if inv.hours
    ]


def _invoiced_trainee_hours(inv: Invoice) -> float | None:
    if inv.trainee_hours is not None:
        return inv.trainee_hours
    if inv.hours and inv.trainee_count:
        return inv.hours * inv.trainee_count
    return None


def _within(inv: Invoice, slot: Slot) -> bool:
    day = slot[0]
    return (inv.start is None or day >= inv.start) and (inv.end is None or day <= inv.end)


def _period(inv: Invoice) -> str:
    start = inv.start.strftime("%d/%m/%Y") if inv.start else "?"
    end = inv.end.strftime("%d/%m/%Y") if inv.end else "?"
    return f"du {start} au {end}"


def hours_text(value: float | None) -> str:
    """Hours as French prints them: 10.5 → "10,5", 14.0 → "14"."""
    if value is None:
        return "?"
    return f"{value:g}".replace(".", ",")


def slot_label(slot: Slot) -> str:
    """``(2026-03-10, "apres-midi")`` → "10/03 après-midi"."""
    return f"{slot[0].strftime('%d/%m')} {HALF_LABELS[slot[1]]}"


def _agreement_detail(types: tuple[DocType, ...]) -> str:
    labels = {
        DocType.CONVENTION: "convention de formation signée",
        DocType.CONTRAT: "contrat de formation signé",
        DocType.BON_COMMANDE: "devis signé ou bon de commande",
    }
    return " ou ".join(labels[t] for t in types)


def _attestations(inv: Invoice, found: Sequence[DocumentRow]) -> list[Missing]:
    expected = inv.trainee_count or len(inv.trainees)
    if not expected or len(found) >= expected:
        return []
    named = [str(d.fields.get("trainee", "")) for d in found]
    without = [t for t in inv.trainees if not any(same_person(t, n) >= SAME_PERSON for n in named)]
    detail = ", ".join(without) if without else f"{len(found)} reçue(s) sur {expected}"
    return [Missing("attestation", expected - len(found), detail)]


def entrepreneur_missing(
    invoices: Sequence[Invoice],
    documents: Sequence[DocumentRow],
    year: int,
    rules: Rules | None = None,
    today: date | None = None,
) -> list[Missing]:
    """Pieces owed by the entrepreneur for ``year``: a CV of the year and the yearly summary
    of ``year - 1`` once it is due (30 March by default). Each training's programme is
    judged on its dossier (:func:`evaluate`)."""
    rules = rules or Rules()
    missing = []
    cvs = [d for d in documents if d.type == DocType.CV]
    if not any(_cv_year(d) == year for d in cvs):
        detail = "aucun CV reçu" if not cvs else f"aucun CV mis à jour en {year}"
        missing.append(Missing("cv", 1, detail))
    missing += _yearly_summary(invoices, documents, year - 1, rules)
    out = []
    for m in missing:
        req = rules.of(m.piece)
        if req.level == "aucun":
            continue
        late = (today - m.due).days if today and m.due and today > m.due else None
        out.append(replace(m, level=req.level, overdue_days=late))
    return out


#: A programme's required sections (DOMAIN checklist, piece 2), as people name them.
SECTIONS = {
    "objectifs": "objectifs",
    "programme": "programme détaillé",
    "methodes": "méthodes pédagogiques",
    "evaluation": "modalités d'évaluation",
}


def _yearly_summary(
    invoices: Sequence[Invoice], documents: Sequence[DocumentRow], year: int, rules: Rules
) -> list[Missing]:
    """The bilan pédagogique of ``year``, owed when the entrepreneur trained that year."""
    trained = any(i.start and i.start.year == year or i.end and i.end.year == year
                  for i in invoices if i.is_training)  # fmt: skip
    if not trained or summary_received(documents, year):
        return []
    month, day = rules.summary_due
    due = date(year + 1, month, day)
    return [Missing("bilan_pedagogique", 1, f"bilan pédagogique {year} non reçu", due=due)]


def summary_received(documents: Sequence[DocumentRow], year: int) -> bool:
    """Whether the entrepreneur's documents hold their bilan pédagogique of ``year``."""
    return any(
        doc.type == DocType.BILAN_PEDAGOGIQUE and _summary_year(doc) in (year, None)
        for doc in documents
    )


def _summary_year(doc: DocumentRow) -> int | None:
    """The year a summary covers: written in the following spring (up to 30 June, late ones
    included) or at the year's end (a contract ending in the second half)."""
    try:
        written = date.fromisoformat(str(doc.fields.get("date") or "")[:10])
    except ValueError:
        return None
    return written.year if written.month >= 7 else written.year - 1


#: A CV updated longer ago than this is outdated (``cv_outdated``).
CV_MAX_AGE_DAYS = 365


def entrepreneur_checks(documents: Sequence[DocumentRow], today: date) -> list[Check]:
    """Checks on the entrepreneur's own pieces: a CV older than a year (``cv_outdated``).

    Said only when certain: a CV dated by its year alone counts as updated on 31 December.
    """
    dated = [(d, _cv_updated(d)) for d in documents if d.type == DocType.CV]
    known = [(d, day) for d, day in dated if day is not None]
    if not known:
        return []
    doc, latest = max(known, key=lambda pair: pair[1])
    age = (today - latest).days
    if age <= CV_MAX_AGE_DAYS:
        return []
    when = doc.fields.get("updated")
    return [
        Check(
            "cv_outdated",
            f"CV le plus récent mis à jour en {when} (document #{doc.id}), il y a plus d'un an : "
            "demandez un CV à jour (formations données, actualisation des compétences).",
            (doc.id,),
        )
    ]


def _cv_updated(doc: DocumentRow) -> date | None:
    updated = str(doc.fields.get("updated") or "")
    try:
        if len(updated) == 7:  # "2025-03": the month's last day
            year, month = int(updated[:4]), int(updated[5:7])
            return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        return date.fromisoformat(updated[:10])
    except ValueError:
        only_year = _cv_year(doc)
        return date(only_year, 12, 31) if only_year else None


def _cv_year(doc: DocumentRow) -> int | None:
    updated = str(doc.fields.get("updated") or "")
    return int(updated[:4]) if updated[:4].isdigit() else None


def _same_title(title: str, folded: str) -> bool:
    """The same training's title, give or take a few letters, or one title holding the
    other whole ("Excel : TCD" in "Excel : TCD, niveau 2")."""
    if not folded:
        return False
    mine = fold(title)
    return (
        fuzz.token_sort_ratio(mine, folded) >= SAME_TITLE
        or min(len(mine), len(folded)) >= 12
        and fuzz.token_set_ratio(mine, folded) >= 95
    )
