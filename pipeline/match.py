"""Match stage: which invoice (or the entrepreneur) each document belongs to.

Reads ``Doc.source`` (entrepreneur, invoice folder) and each part's ``type`` and
``fields``; sets each part's ``match``. Only the invoices of the entrepreneur
whose folder holds the file are ever considered, so one entrepreneur's files
can never land in another's dossier. Precision before recall: a document is
attached only when one invoice clearly wins; otherwise it waits with its
candidates ranked.

Order of evidence: a folder named after the invoice (a person's choice), an
invoice number printed on the document, then a score over title, client,
dates and trainee names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from rapidfuzz import fuzz

from pipeline.config import Matching
from pipeline.errors import Reason
from pipeline.extract.evaluation import respondent
from pipeline.invoices import Invoice
from pipeline.parse import fold, invoice_key, same_person
from pipeline.record import ENTREPRENEUR_PIECES, Candidate, Doc, DocType, Match, Part

# How much each kind of evidence weighs in the score (only those present count).
WEIGHTS = {"titre": 0.3, "client": 0.2, "dates": 0.3, "stagiaires": 0.3}
# A score built on a single kind of evidence, or against the dates, is never enough.
SINGLE_EVIDENCE_CAP = 0.7
SAME_PERSON = 0.85
DATE_TOLERANCE_DAYS = 30
# A document written at the end of a training (attestation, evaluation, invoice) is dated
# from its first day to this many days after its last; never before it started.
WRITTEN_AFTER_DAYS = 60
NAME_IN_TEXT = 90  # rapidfuzz partial ratio for a trainee's name found in the document's text
TITLE_IN_TEXT = 90  # ...for an invoice's title found in the text of a document whose title
TITLE_IN_TEXT_MIN = 12  # was not read (shorter titles are not searched for)
NAME_NEAR = 75  # a name read this close to one of an invoice's trainees may be an OCR slip
CLIENT_IN_TEXT_MIN = 8  # shorter client names are not searched for in the text
# Documents about a single trainee: naming one of the invoice's trainees is full evidence.
PER_PERSON = frozenset({DocType.ATTESTATION, DocType.EVALUATION_CHAUD, DocType.EVALUATION_FROID})
WRITTEN_AT_END = frozenset({DocType.ATTESTATION, DocType.EVALUATION_CHAUD, DocType.FACTURE})
# When no score wins, a document still attaches to the one invoice of its entrepreneur that
# anything it says fits, if what fits names one training by itself: a period inside the
# session, its trainees, its title, its amount. A client buys many trainings: it only helps.
NAMES_ONE_TRAINING = frozenset({"periode", "stagiaires", "titre", "montant"})
TITLE_NAMES = 0.8  # title similarity that names the training (OCR slips and the ES's wording)
TITLE_FITS = 0.5  # ...that makes another invoice a rival
TITLE_DIFFERS = 0.2  # ...below which the document speaks of another training
CLIENT_FITS = 0.8
# An evaluation's respondent name OCR was unsure of decides between invoices when it is
# this close to one invoice's trainee (rapidfuzz ratio), and nearer to that trainee than to
# any trainee of the entrepreneur's other invoices by the gap, which are themselves no
# closer than a stranger's name may come by chance (~60).
FORMS = frozenset({DocType.EVALUATION_CHAUD, DocType.EVALUATION_FROID})
READ_NAME_FITS = 75
READ_NAME_GAP = 20
READ_NAME_ELSEWHERE = 60
MAX_CANDIDATES = 5  # a waiting document lists at most this many candidate invoices


def run(doc: Doc, invoices: Sequence[Invoice], settings: Matching) -> Doc:
    """Match every part of ``doc`` against ``invoices`` (those of its entrepreneur only)."""
    parts = tuple(
        replace(p, match=match_part(p, doc, invoices, settings, doc.text(p.first, p.last)))
        for p in doc.parts
    )
    return replace(doc, parts=parts)


def match_part(
    part: Part, doc: Doc, invoices: Sequence[Invoice], settings: Matching, text: str = ""
) -> Match:
    who = doc.source.entrepreneur
    hint = doc.source.invoice_hint
    if hint and _invoice_like(hint, invoices):
        return _by_folder(hint, invoices, who)
    if part.type == DocType.AUTRE:
        return Match(entrepreneur=who, reason=Reason.UNCLASSIFIED)
    if part.type in ENTREPRENEUR_PIECES:
        return Match(entrepreneur=who, score=part.confidence, method="entrepreneur")
    number = part.fields.get("invoice_number")
    printed = by_number(str(number), invoices) if number else None
    if printed is not None:
        return Match(invoice=printed.number, entrepreneur=who, score=0.99, method="numero")
    return _by_score(part, invoices, settings, who, fold(text), text)


def _by_folder(hint: str, invoices: Sequence[Invoice], who: str | None) -> Match:
    found = by_number(hint, invoices)
    if found is None:
        # A folder named after an invoice this entrepreneur does not have: never guess.
        return Match(entrepreneur=who, reason=Reason.NO_MATCH, method="dossier")
    return Match(invoice=found.number, entrepreneur=who, score=1.0, method="dossier")


def _shape(number: str) -> str:
    """``FA-2026-0142`` -> ``FA99999999``: the form of an invoice number, digits masked."""
    return re.sub(r"[0-9]", "9", invoice_key(number))


def _invoice_like(hint: str, invoices: Sequence[Invoice]) -> bool:
    """Is a folder's name an invoice number (of this entrepreneur's numbering), rather than
    a folder a person named with digits ("Formation 03-2026", "Scans 2026")?

    A folder of the invoices' own form stays a person's choice even when no invoice has
    that number (then the document waits: never guess)."""
    if by_number(hint, invoices) is not None or not invoices:
        return True
    return _shape(hint) in {_shape(inv.number) for inv in invoices}


def by_number(number: str, invoices: Sequence[Invoice]) -> Invoice | None:
    key = invoice_key(number)
    return next((inv for inv in invoices if key and invoice_key(inv.number) == key), None)


def _by_score(
    part: Part,
    invoices: Sequence[Invoice],
    settings: Matching,
    who: str | None,
    text: str,
    raw: str = "",
) -> Match:
    ranked = _ranked(part, invoices, text)
    best = ranked[0] if ranked else Candidate("", 0.0)
    second = ranked[1].score if len(ranked) > 1 else 0.0
    # Several invoices fit about as well as each other: a person must choose...
    close = _close(ranked, settings)
    winner: Candidate | None = best
    if best.score < settings.threshold or best.score - second < settings.margin:
        # ...unless the training dates the document prints are one session's and no other's.
        winner = _dated_winner(part, close, invoices, text, settings)
    if winner is not None and not _dates_agree(part, _invoice(winner.invoice, invoices)):
        # Close is not enough: printed dates outside the session's belong to another session,
        # perhaps one whose invoice is not imported yet. It waits (re-imports retry it).
        winner = None
    if winner is None:
        winner = _singled_out(part, invoices, text) or _respondent_read(
            part, close, invoices, text, raw
        )
        ranked = [winner, *(c for c in ranked if c.invoice != winner.invoice)] if winner else ranked
    if winner is not None:
        return Match(
            invoice=winner.invoice,
            entrepreneur=who,
            score=winner.score,
            method="score",
            candidates=tuple(ranked[:3]),
        )
    if len(close) > 1:
        return Match(
            entrepreneur=who,
            score=best.score,
            candidates=close[:MAX_CANDIDATES],
            reason=Reason.AMBIGUOUS,
        )
    return Match(
        entrepreneur=who,
        score=best.score,
        candidates=tuple(c for c in ranked[:3] if c.score > 0.3),
        reason=Reason.NO_MATCH,
    )


def _ranked(part: Part, invoices: Sequence[Invoice], text: str) -> list[Candidate]:
    return sorted((score(part, inv, text) for inv in invoices), key=lambda c: -c.score)


def _close(ranked: Sequence[Candidate], settings: Matching) -> tuple[Candidate, ...]:
    """The invoices that fit about as well as the best one (``ranked`` best first)."""
    if not ranked:
        return ()
    floor = max(settings.threshold - settings.margin, ranked[0].score - settings.margin)
    return tuple(c for c in ranked if c.score >= floor)


def close_candidates(
    part: Part, invoices: Sequence[Invoice], settings: Matching, text: str = ""
) -> tuple[Candidate, ...]:
    """Every invoice that fits the document about as well as the best one, where a waiting
    document lists only the first ``MAX_CANDIDATES``."""
    return _close(_ranked(part, invoices, fold(text)), settings)


def _dated_winner(
    part: Part,
    close: Sequence[Candidate],
    invoices: Sequence[Invoice],
    text: str,
    settings: Matching,
) -> Candidate | None:
    """Among invoices that fit about as well, the one session whose period holds every
    training date the document prints, when no other holds any of them and nothing else
    the document says fits another invoice better (the same training sold twice, a
    trainee who came to two sessions)."""
    days = _period_dates(part)
    if len(close) < 2 or not days or close[0].score < settings.threshold:
        return None
    by_number = {inv.number: inv for inv in invoices}
    holding = [c for c in close if _holds(by_number[c.invoice], days, every=True)]
    if len(holding) != 1:
        return None
    winner = holding[0]
    mine = evidence(part, by_number[winner.invoice], text)
    for c in close:
        if c is winner:
            continue
        other = by_number[c.invoice]
        if _holds(other, days, every=False):
            return None
        theirs = evidence(part, other, text)
        if any((theirs[k] or 0.0) > (mine[k] or 0.0) for k in ("titre", "client", "stagiaires")):
            return None
    return winner


def _singled_out(part: Part, invoices: Sequence[Invoice], text: str) -> Candidate | None:
    """The one invoice that what the document says fits, none of it against, when what fits
    names one training (see ``NAMES_ONE_TRAINING``); ``None`` when two fit or none does.

    Attached on this evidence, the document is matched again at each import of the
    export: a new session of the same training that fits as well sends it back to wait."""
    fitting = [(inv, kinds) for inv in invoices if (kinds := _fits(part, inv, text))]
    if len(fitting) != 1:
        return None
    inv, kinds = fitting[0]
    if not set(kinds) & NAMES_ONE_TRAINING or _against(part, inv, text):
        return None
    found = score(part, inv, text)
    return replace(found, why=(*found.why, "seule facture qui convient : " + ", ".join(kinds)))


def _respondent_read(
    part: Part, close: Sequence[Candidate], invoices: Sequence[Invoice], text: str, raw: str
) -> Candidate | None:
    """Among invoices that fit as well, the one whose trainee an evaluation's respondent
    name resembles, read though OCR was unsure of the handwriting ("Lucas Perrot" read
    "Lnas Perrot"): when it resembles that trainee closely, no trainee of any other
    invoice of the entrepreneur even roughly, and every candidate's trainee list is whole
    (a name missing from a partial list proves nothing)."""
    if len(close) < 2 or part.type not in FORMS or part.fields.get("trainee") or not raw:
        return None
    name = respondent(raw)
    if not name or any(not _whole_list(_invoice(c.invoice, invoices)) for c in close):
        return None
    likeness = {inv.number: _likeness(name, inv.trainees) for inv in invoices}
    best = max(close, key=lambda c: likeness[c.invoice][0])
    fit, person = likeness[best.invoice]
    others = (v for number, (v, _) in likeness.items() if number != best.invoice)
    nearest_other = max(others, default=0.0)
    if fit < READ_NAME_FITS or nearest_other > min(READ_NAME_ELSEWHERE, fit - READ_NAME_GAP):
        return None
    if contradicts(part, _invoice(best.invoice, invoices), text):
        return None
    why = f"nom du répondant lu « {name} », proche de {person} ({fit:.0f} %)"
    return replace(best, why=(why, *best.why))


def _whole_list(inv: Invoice) -> bool:
    return bool(inv.trainees) and inv.trainee_count in (None, len(inv.trainees))


def _likeness(name: str, trainees: Sequence[str]) -> tuple[float, str]:
    """How close a name read is to the nearest of ``trainees`` (0..100, either word order)."""
    read = fold(name)
    best = (0.0, "")
    for person in trainees:
        words = fold(person).split()
        forms = (" ".join(words), " ".join(words[1:] + words[:1]))
        best = max(best, (max(fuzz.ratio(read, f) for f in forms), person))
    return best


def _fits(part: Part, inv: Invoice, text: str) -> list[str]:
    """What the document says that fits this invoice (nothing when its dates cannot be
    the session's)."""
    if not _dates_agree(part, inv):
        return []
    found = evidence(part, inv, text)
    days = _period_dates(part)
    kinds = {
        "periode": bool(days) and _holds(inv, days, every=True),
        "stagiaires": (found["stagiaires"] or 0.0) > 0.0,
        "titre": (found["titre"] or 0.0) >= TITLE_NAMES,
        "titre proche": TITLE_FITS <= (found["titre"] or 0.0) < TITLE_NAMES,
        "client": (found["client"] or 0.0) >= CLIENT_FITS,
        "montant": _same_amount(part.fields.get("amount_ht"), inv.amount_ht),
    }
    return [k for k, fits in kinds.items() if fits]


def contradicts(part: Part, inv: Invoice, text: str) -> bool:
    """Whether anything the document says rules this invoice out: dates outside its session,
    another training, another client, other trainees (``text`` folded)."""
    return not _dates_agree(part, inv) or _against(part, inv, text)


def _against(part: Part, inv: Invoice, text: str) -> bool:
    """Whether the document names another training, another client or other trainees."""
    found = evidence(part, inv, text)
    bounds = {"titre": TITLE_DIFFERS, "client": 0.3, "stagiaires": 1e-9}
    if _near_miss(part, inv):
        del bounds["stagiaires"]  # a name OCR garbled is no other person
    return any((v := found[k]) is not None and v < bound for k, bound in bounds.items())


def _near_miss(part: Part, inv: Invoice) -> bool:
    """Whether a name the document gives is close to one of the invoice's trainees without
    being theirs for sure ("Gaspe Rochet" for Gaspard Rochet): it is then neither for nor
    against that invoice."""
    people = [fold(p) for p in _document_people(part)]
    return any(
        fuzz.partial_ratio(fold(t), p, score_cutoff=NAME_NEAR) for t in inv.trainees for p in people
    )


def _same_amount(found: object, expected: float | None) -> bool:
    return isinstance(found, int | float) and expected is not None and abs(found - expected) < 0.01


def _invoice(number: str, invoices: Sequence[Invoice]) -> Invoice:
    return next(inv for inv in invoices if inv.number == number)


def _dates_agree(part: Part, inv: Invoice) -> bool:
    """Whether the dates a document prints can be those of this invoice's session.

    Training dates must fall within the session; the date of a document written at the end
    (attestation, evaluation, invoice) from its first day to ``WRITTEN_AFTER_DAYS`` after.
    A document that prints no date, or an invoice without dates, does not disagree.
    """
    if inv.start is None:
        return True
    end = inv.end or inv.start
    if not all(inv.start <= d <= end for d in _period_dates(part)):
        return False
    written = _iso_dates([part.fields.get("date")]) if part.type in WRITTEN_AT_END else []
    return all(inv.start <= d <= end + timedelta(days=WRITTEN_AFTER_DAYS) for d in written)


def _holds(inv: Invoice, days: list[date], *, every: bool) -> bool:
    if inv.start is None:
        return False
    end = inv.end or inv.start
    inside = [inv.start <= d <= end for d in days]
    return all(inside) if every else any(inside)


def evidence(part: Part, inv: Invoice, text: str = "") -> dict[str, float | None]:
    """Each kind of evidence, 0..1, or None when the document says nothing about it."""
    return {
        "titre": _title_fit(part, inv, text),
        "client": _client_fit(part, inv, text),
        "dates": _date_fit(_document_dates(part), inv),
        "stagiaires": _trainee_fit(part, inv.trainees, text),
    }


def score(part: Part, inv: Invoice, text: str = "") -> Candidate:
    """How well a document fits one invoice, 0..1, with the evidence that counted.

    ``text`` is the document's folded text, searched for the invoice's trainees
    (extracted names of a scanned grid often carry stray ink letters) and client.
    """
    present = {k: v for k, v in evidence(part, inv, text).items() if v is not None}
    if not present:
        return Candidate(inv.number, 0.0)
    total = sum(WEIGHTS[k] * v for k, v in present.items()) / sum(WEIGHTS[k] for k in present)
    if len(present) == 1 or present.get("dates") == 0.0:
        # One kind of evidence alone, or training dates far from the invoice's period:
        # never enough to attach, whatever else agrees.
        total = min(total, SINGLE_EVIDENCE_CAP)
    why = tuple(f"{k} {v:.2f}" for k, v in present.items())
    return Candidate(inv.number, round(total, 3), why)


def _text_similarity(found: object, expected: str) -> float | None:
    if not found or not expected:
        return None
    a, b = fold(str(found)), fold(expected)
    ratio = max(
        fuzz.token_sort_ratio(a, b), fuzz.partial_ratio(a, b) if min(len(a), len(b)) >= 12 else 0
    )
    return max(0.0, (ratio - 50) / 50)  # 50 % similar or less is no evidence at all


def _title_fit(part: Part, inv: Invoice, text: str) -> float | None:
    """The title the document states, or else the invoice's title found in its text (a
    form's header line "Vendre au téléphone - animée par ..." no reader labelled)."""
    found = part.fields.get("training_title")
    if found:
        return _text_similarity(found, inv.title)
    title = fold(inv.title)
    if not text or len(title) < TITLE_IN_TEXT_MIN:
        return None
    # Only a positive sign: a title the text does not hold is no evidence either way.
    return 1.0 if fuzz.partial_ratio(title, text, score_cutoff=TITLE_IN_TEXT) else None


def _client_fit(part: Part, inv: Invoice, text: str) -> float | None:
    """The client the document names, or else the invoice's client found in its text.

    An OPCO pays for the employer's trainees: documents name the employer, whom the
    invoice does not know, so naming someone else is no evidence against an OPCO invoice.
    """
    found = part.fields.get("client")
    if found:
        fit = _text_similarity(found, inv.client)
        if _is_opco(inv) and (fit or 0.0) < 0.5:
            return None
        return fit
    client = fold(inv.client)
    if not text or len(client) < CLIENT_IN_TEXT_MIN or _is_opco(inv):
        return None
    # Only a positive sign: a client the text does not name is no evidence either way.
    return 1.0 if fuzz.partial_ratio(client, text, score_cutoff=NAME_IN_TEXT) else None


def _is_opco(inv: Invoice) -> bool:
    return fold(inv.client_type) == "opco"


def _period_dates(part: Part) -> list[date]:
    """The training dates a document prints (not when it was signed or written)."""
    f = part.fields
    raw = [f.get("start_date"), f.get("end_date")]
    raw += [s.get("date") for s in f.get("sessions") or [] if isinstance(s, dict)]
    return _iso_dates(raw)


def _document_dates(part: Part) -> list[date]:
    """The training dates, and the date of the documents written at its end."""
    days = _period_dates(part)
    if part.type in WRITTEN_AT_END:
        days += _iso_dates([part.fields.get("date")])
    return days


def _iso_dates(values: list[Any]) -> list[date]:
    days = []
    for value in values:
        try:
            days.append(date.fromisoformat(str(value)))
        except ValueError:
            continue
    return days


def _date_fit(days: list[date], inv: Invoice) -> float | None:
    if not days or inv.start is None:
        return None
    end = inv.end or inv.start
    gaps = [max((inv.start - d).days, (d - end).days, 0) for d in days]
    return sum(max(0.0, 1 - g / DATE_TOLERANCE_DAYS) for g in gaps) / len(gaps)


def _document_people(part: Part) -> list[str]:
    f = part.fields
    people = [str(n) for n in f.get("trainees") or []]
    if f.get("trainee"):
        people.append(str(f["trainee"]))
    people += [
        str(s["trainee"])
        for s in f.get("sessions") or []
        if isinstance(s, dict) and s.get("trainee")
    ]
    return list(dict.fromkeys(people))


def _trainee_fit(part: Part, expected: Sequence[str], text: str) -> float | None:
    """Share of the invoice's trainees the document names (one person: is it one of them)."""
    if not expected:
        return None
    people = _document_people(part)
    named = [e for e in expected if _named(e, people, text)]
    if part.type in PER_PERSON or part.fields.get("trainee"):
        return (1.0 if named else 0.0) if people or named else None
    if not people and not named:
        return None  # the document lists nobody: no evidence either way
    return len(named) / len(expected)


def _named(person: str, people: list[str], text: str) -> bool:
    if any(same_person(person, p) >= SAME_PERSON for p in people):
        return True
    if not text:
        return False
    words = fold(person).split()
    forms = {" ".join(words), " ".join(words[1:] + words[:1])}  # "lea martin", "martin lea"
    return any(fuzz.partial_ratio(f, text, score_cutoff=NAME_IN_TEXT) for f in forms)
