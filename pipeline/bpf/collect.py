"""One pass over the store: every invoice that may count in the year, evaluated, reduced.

Reads the invoices (cancelled ones are left out by the store), their documents with the
people's corrections, and the waivers; evaluates each dossier exactly as ``status`` does
(:func:`pipeline.rules.evaluate`, attendance combined by :mod:`pipeline.presence`), and
keeps only its :class:`~pipeline.bpf.facts.Facts`. Documents are streamed invoice by
invoice, so memory holds the facts, not the share.
"""

from __future__ import annotations

from datetime import date

from pipeline.bpf.facts import Facts, concerns, invoice_facts
from pipeline.bpf.period import Period
from pipeline.config import Config
from pipeline.invoices import Invoice
from pipeline.record import DocType
from pipeline.rules import evaluate
from pipeline.store import DocumentRow, Store


def collect(store: Store, config: Config, period: Period, today: date) -> list[Facts]:
    """The facts of every training invoice dated in ``period`` or trained during it."""
    wanted = {inv.number: inv for inv in store.invoices() if concerns(inv, period)}
    waivers = store.waivers()
    facts = []
    programmes: dict[str, list[DocumentRow]] = {}

    def reduce(inv: Invoice, docs: list[DocumentRow]) -> Facts:
        who = inv.entrepreneur
        if who not in programmes:  # the state status gives: programmes judged (kept alone:
            # memory holds the facts, not the share)
            own = store.documents(entrepreneur=who)
            programmes[who] = [d for d in own if d.type == DocType.PROGRAMME]
        dossier = evaluate(inv, docs, config.attendance, config.rules, today,
                           waivers.get(inv.number, ()), programmes[who])  # fmt: skip
        return invoice_facts(dossier, period)

    seen = set()
    for number, docs in store.documents_by_invoice(wanted):
        facts.append(reduce(wanted[number], docs))
        seen.add(number)
    facts += [reduce(inv, []) for number, inv in wanted.items() if number not in seen]
    return sorted(facts, key=lambda f: (f.invoice.date, f.number))
