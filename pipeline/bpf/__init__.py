"""The yearly BPF (Cerfa 10443*17) and the pedagogical reports, from the store's contents.

A job over the store, not a per-document stage. The flow of one run is written out in
:mod:`pipeline.bpf.run`:

1. :mod:`~pipeline.bpf.period` — which days the financial year covers (``[bpf]``);
2. :mod:`~pipeline.bpf.collect` — one pass over the invoices and their documents: each
   dossier evaluated by :mod:`pipeline.rules` (attendance combined by
   :mod:`pipeline.presence`), reduced to the facts the BPF needs
   (:mod:`~pipeline.bpf.facts`);
3. :mod:`~pipeline.bpf.figures` — the cadres B, C, E, F-1 to F-4 and G, in whole units;
4. :mod:`~pipeline.bpf.checks` — what the form requires and what a person must look at;
5. outputs: ``bpf-YEAR.json`` (:mod:`~pipeline.bpf.figures`), ``.xlsx``
   (:mod:`~pipeline.bpf.workbook`), ``.docx`` (:mod:`~pipeline.bpf.report`), and each
   entrepreneur's draft summary in their folder of the share
   (:mod:`~pipeline.bpf.summaries`).
"""
