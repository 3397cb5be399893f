"""Signatures of an agreement dropped as a Word file (DOCX).

A Word file is text someone can still edit: signing it by hand leaves a picture pasted in
(a scanned signature), signing it electronically leaves a digital signature part in the
package (``_xmlsignatures/``). With neither, no party signed: every expected party is
unsigned, with confidence. With a picture or a digital signature, which party signed is
not read here: every party is unsigned with no confidence, for a person (never a guessed
"signed").
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from pipeline.reading.parties import Party

#: Confidence that a Word file holding no picture and no digital signature is unsigned.
PLAIN_TEXT_UNSIGNED = 0.95
#: Package parts that can carry a signature: pasted pictures, digital signatures. The
#: document's own thumbnail (docProps/thumbnail.*) is a preview, not a picture in it.
SIGNING_PARTS = ("word/media/", "_xmlsignatures/", "word/embeddings/")


def signing_parts(data: bytes) -> list[str]:
    """The package parts of ``data`` that may hold a signature (empty when none)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError):
        return ["(illisible)"]
    return [n for n in names if n.startswith(SIGNING_PARTS)]


def unsigned_confidence(data: bytes, parties: Sequence[Party]) -> dict[Party, float]:
    """Per expected party, the confidence that it did not sign the Word file ``data``."""
    confidence = 0.0 if signing_parts(data) else PLAIN_TEXT_UNSIGNED
    return {party: confidence for party in parties}
