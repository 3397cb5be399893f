"""Whether OCR surely read the respondent's name on a questionnaire.

A name written by hand in a form's "Nom :" line is often read by OCR as another name
("Mradeu Becher" for what the person wrote): text alone cannot tell, the confidence of its
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


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[^a-z0-9'-]+", fold(text)) if len(t) >= 2]


def surely_read(name: str, pages: Sequence[PageView]) -> bool:
    """Whether every word of ``name`` is on these pages, each read surely (text layers are
    sure; OCR'd words must reach :data:`NAME_CONFIDENCE`)."""
    if not any(page.scanned for page in pages):
        return True
    best: dict[str, float] = {}
    for page in pages:
        for word in page.words:
            confidence = word.confidence if page.scanned else 1.0
            for token in _tokens(word.text):
                best[token] = max(best.get(token, 0.0), confidence)
    tokens = _tokens(name)
    return bool(tokens) and all(best.get(t, 0.0) >= NAME_CONFIDENCE for t in tokens)
