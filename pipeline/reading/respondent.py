"""Whether OCR surely read the respondent's name on a questionnaire.

A name written by hand in a form's "Nom :" line is often read by OCR as another name
("Tvorel Bauchat" for what the person wrote): text alone cannot tell, the confidence of its
words can. A name whose words were not all read surely is not stated (as on an anonymous
form) rather than stated wrong: it would attach the questionnaire to nobody, or vouch for
a trainee who never answered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.parse import fold
from pipeline.reading.page import PageView

#: Least OCR confidence of every word of a name to state it. Measured on development scans
#: and photos: printed names read at 0.85 to 0.96 (a few photographed ones lower), names
#: written by hand and misread at 0.0 to 0.62.
NAME_CONFIDENCE = 0.7
#: ...unless one of its words was read this surely (the OCR's "surely read" level): print,
#: whose other word may be a surname the OCR's dictionary lacks ("Bouvier" at 0.33). No
#: word written by hand reached it on the development scans (at most 0.86).
PRINTED_CONFIDENCE = 0.9


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[^a-z0-9'-]+", fold(text)) if len(t) >= 2]


def surely_read(name: str, pages: Sequence[PageView]) -> bool:
    """Whether the words of ``name`` are on these pages, read surely: each to
    :data:`NAME_CONFIDENCE`, or one to :data:`PRINTED_CONFIDENCE` (text layers are sure)."""
    if not any(page.scanned for page in pages):
        return True
    best: dict[str, float] = {}
    for page in pages:
        for word in page.words:
            confidence = word.confidence if page.scanned else 1.0
            for token in _tokens(word.text):
                best[token] = max(best.get(token, 0.0), confidence)
    read = [best.get(t, 0.0) for t in _tokens(name)]
    return bool(read) and (min(read) >= NAME_CONFIDENCE or max(read) >= PRINTED_CONFIDENCE)
