"""Siblings of one batch: documents of one kind split from the same dropped file.

A session produces one attestation, one hot evaluation, one cold evaluation per trainee,
and they are usually scanned together: a file holding several of them is one session's
batch. Its pages are matched one by one first (``pipeline.match``); then a page left
waiting between invoices (``facture-ambigue``) is settled by its batch, without ever
contradicting what it says itself:

- its siblings that attached by their own evidence all went to one invoice among its
  candidates: it goes there too (siblings that went to different invoices decide nothing);
- a batch of N such documents, one a page and nothing else of a training in the file,
  cannot all be of an invoice with fewer than N trainees: such candidates drop out, and
  the page attaches when one candidate is left.

Only candidates the page's own match listed are considered: the entrepreneur's invoices,
never another's. Every attachment says why, in French, for the person who reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.config import Matching
from pipeline.errors import Reason
from pipeline.invoices import Invoice
from pipeline.match import MAX_CANDIDATES, PER_PERSON, close_candidates, contradicts
from pipeline.parse import fold
from pipeline.record import Candidate, DocType, Match, Part

#: How a document attached by its batch is marked (matched again at each import).
METHOD = "lot"
#: Attachments made on a document's own evidence (or a person's), which its siblings follow.
OWN_EVIDENCE = frozenset({"dossier", "numero", "score", "manuel"})

_PLURAL = {
    DocType.ATTESTATION: "attestations",
    DocType.EVALUATION_CHAUD: "évaluations à chaud",
    DocType.EVALUATION_FROID: "évaluations à froid",
}


def settle(
    parts: Sequence[Part],
    invoices: Sequence[Invoice],
    settings: Matching,
    texts: Sequence[str] = (),
) -> tuple[Part, ...]:
    """The parts of one file, each already matched on its own evidence, with the waiting
    members of a batch attached where their batch decides (see the module's docstring).

    ``texts`` holds each part's text, for what a page says against an invoice; missing
    texts count as empty."""
    settled = list(parts)
    by_number = {inv.number: inv for inv in invoices}
    for kind in PER_PERSON:
        members = [i for i, p in enumerate(parts) if p.type == kind]
        if len(members) < 2:
            continue
        size = _batch_size(parts, kind)
        anchors = _anchors([parts[i] for i in members])
        for i in members:
            part = parts[i]
            if part.match is None or part.match.reason != Reason.AMBIGUOUS:
                continue
            text = texts[i] if i < len(texts) else ""
            listed = part.match.candidates
            if len(listed) >= MAX_CANDIDATES:  # a long list is cut: all of it counts here
                listed = close_candidates(part, invoices, settings, text)
            found = _decide(part, part.match, listed, anchors, size, by_number, fold(text))
            if found is not None:
                settled[i] = replace(part, match=found)
    return tuple(settled)


def _anchors(members: Sequence[Part]) -> dict[str, list[int]]:
    """Invoice -> first pages of the members attached to it on their own evidence."""
    found: dict[str, list[int]] = {}
    for p in members:
        m = p.match
        if m is not None and m.invoice and m.method in OWN_EVIDENCE:
            found.setdefault(m.invoice, []).append(p.first)
    return found


def _batch_size(parts: Sequence[Part], kind: DocType) -> int | None:
    """How many documents of ``kind`` the file holds when it is clearly a batch of them:
    one a page, and no document of another training type beside them (pages left
    unclassified aside); ``None`` otherwise."""
    typed = [p for p in parts if p.type != DocType.AUTRE]
    if any(p.type != kind or p.first != p.last for p in typed):
        return None
    return len({p.first for p in typed})


def trainee_count(inv: Invoice) -> int | None:
    """How many trainees the invoice is for, when the export says it."""
    if inv.trainee_count is not None:
        return inv.trainee_count
    return len(inv.trainees) or None


def _too_small(inv: Invoice, size: int | None) -> bool:
    count = trainee_count(inv)
    return size is not None and count is not None and count < size


def _decide(
    part: Part,
    m: Match,
    candidates: Sequence[Candidate],
    anchors: dict[str, list[int]],
    size: int | None,
    by_number: dict[str, Invoice],
    text: str,
) -> Match | None:
    if len(anchors) > 1:
        return None  # siblings went to different invoices: the batch is no one session's
    listed = [c for c in candidates if c.invoice in by_number]
    left = [c for c in listed if not _too_small(by_number[c.invoice], size)]
    kind = _PLURAL.get(part.type, str(part.type))
    if anchors:
        number, pages = next(iter(anchors.items()))
        chosen = next((c for c in left if c.invoice == number), None)
        shown = ", ".join(str(p) for p in pages)
        why = f"même lot que {'la page' if len(pages) == 1 else 'les pages'} {shown}"
        why += f" du fichier, rattachée{'' if len(pages) == 1 else 's'} à {number}"
    else:
        # Its size alone singles out the one invoice left only when it is exactly that
        # session's: an invoice with room to spare may be another session of the same
        # title, the true one not imported yet.
        whole = len(left) == 1 and trainee_count(by_number[left[0].invoice]) == size
        chosen = left[0] if whole and len(listed) > 1 else None
        dropped = [c.invoice for c in listed if c not in left]
        why = f"lot de {size} {kind} d'une page : " + ", ".join(
            f"{n} n'a que {trainee_count(by_number[n])} stagiaire(s)" for n in dropped
        )
    if chosen is None:
        return None
    inv = by_number[chosen.invoice]
    if contradicts(part, inv, text):
        return None
    first = replace(chosen, why=(why, *chosen.why))
    return Match(
        invoice=chosen.invoice,
        entrepreneur=m.entrepreneur,
        score=chosen.score,
        method=METHOD,
        candidates=(first, *(c for c in m.candidates if c.invoice != chosen.invoice))[
            :MAX_CANDIDATES
        ],
    )
