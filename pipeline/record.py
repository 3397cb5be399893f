"""The typed record that flows through the pipeline stages, and its enums.

A dropped file becomes a :class:`Doc`. Each stage takes a ``Doc`` and returns a
new one (``dataclasses.replace``); nothing mutates a record in place. One file
may hold several documents (a batch scan): each is a :class:`Part` with its own
page range, type, fields and match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.ocr import PageRead


class DocType(StrEnum):
    """Document types of the CONTRACT (`classify --json` ``type``)."""

    CONVENTION = "convention"
    CONTRAT = "contrat"
    BON_COMMANDE = "bon_commande"
    EMARGEMENT = "emargement"
    ATTESTATION = "attestation"
    EVALUATION_CHAUD = "evaluation_chaud"
    EVALUATION_FROID = "evaluation_froid"
    CV = "cv"
    PROGRAMME = "programme"
    FACTURE = "facture"
    BILAN_PEDAGOGIQUE = "bilan_pedagogique"
    AUTRE = "autre"


#: Pieces that belong to the entrepreneur (per year or per training offered),
#: not to one invoice.
ENTREPRENEUR_PIECES = frozenset({DocType.CV, DocType.PROGRAMME, DocType.BILAN_PEDAGOGIQUE})


class FileKind(StrEnum):
    """What the bytes of a dropped file really are (not what the name says)."""

    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    TIFF = "tiff"
    DOCX = "docx"


IMAGE_KINDS = frozenset({FileKind.JPEG, FileKind.PNG, FileKind.TIFF})


@dataclass(frozen=True)
class Source:
    """A file as it was dropped in the share."""

    path: Path  # absolute path in the drop folder
    rel: str  # path relative to the drop folder, POSIX form (the CONTRACT's ``file``)
    entrepreneur: str | None = None  # name of the ES whose folder holds the file
    invoice_hint: str | None = None  # invoice number of an enclosing folder, if any
    size: int = 0  # as seen when it was taken (lstat)
    mtime_ns: int = 0
    #: The drop folder ``path`` lies under: opened from it without following any link.
    #: None for a file outside the share (an archived original read again).
    drop: Path | None = None


@dataclass(frozen=True)
class PageText:
    """The text of one page, from the PDF's own text layer or from OCR."""

    number: int  # 1-based
    text: str
    ocr: bool = False
    confidence: float | None = None  # mean OCR word confidence 0..1; None for a text layer
    rotation: int = 0  # clockwise degrees applied to the page image before OCR
    skew: float = 0.0  # degrees of skew corrected before OCR
    # The OCR reading itself (words and boxes, how the image was turned), kept while the file
    # is processed so that the signature reader does not OCR the page a second time.
    read: PageRead | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Candidate:
    """An invoice a document may belong to, with the score that ranked it."""

    invoice: str
    score: float
    why: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """Where a part goes: an invoice, the entrepreneur, or nowhere yet."""

    invoice: str | None = None
    entrepreneur: str | None = None
    score: float = 0.0
    method: str = ""  # "dossier", "numero", "score", "lot", "entrepreneur", "manuel"
    candidates: tuple[Candidate, ...] = ()
    reason: str | None = None  # a Reason value when the part is left unfiled


@dataclass(frozen=True)
class Part:
    """One document inside a file: a page range with a type and what it says."""

    first: int
    last: int
    type: DocType = DocType.AUTRE
    confidence: float = 0.0
    fields: dict[str, Any] = field(default_factory=dict)
    match: Match | None = None

    @property
    def pages(self) -> tuple[int, int]:
        return (self.first, self.last)


@dataclass(frozen=True)
class Doc:
    """Everything known about one dropped file, stage after stage."""

    source: Source
    sha256: str = ""
    size: int = 0
    kind: FileKind | None = None
    pdf: bytes | None = None  # the file as PDF (images are wrapped); None for DOCX
    #: The original bytes intake read (the same object as ``pdf`` for a PDF): later stages
    #: and the archive use them, never the path again (the file may have changed since).
    data: bytes | None = field(default=None, compare=False, repr=False)
    pages: tuple[PageText, ...] = ()
    parts: tuple[Part, ...] = ()

    @property
    def ocr(self) -> bool:
        return any(p.ocr for p in self.pages)

    def text(self, first: int = 1, last: int | None = None) -> str:
        """Text of pages ``first..last`` (1-based, inclusive), pages separated by form feeds."""
        last = len(self.pages) if last is None else last
        return "\f".join(p.text for p in self.pages[first - 1 : last])
