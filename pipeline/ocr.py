"""OCR of page images: the engine interface, Tesseract through tesserocr, and image clean-up.

This module knows nothing of PDFs or of :class:`~pipeline.record.Doc`: it turns one page
image into text. :mod:`pipeline.text` decides which pages need it and fills ``Doc.pages``
(``PageText.text``, ``ocr``, ``confidence``, ``rotation``, ``skew``) from :class:`PageRead`.

Clean-up before OCR, in order (each step measured in ``bench/bench_ocr.py``):

1. perspective: a phone photo of a sheet is warped flat when a large quadrilateral is found;
2. lighting: dividing by a blurred background evens out shadows and grey paper;
3. enlargement: pictures coarser than ``min_ocr_dpi`` (150 dpi scans, photos) are scaled up;
4. orientation modulo 180 and skew: projection profiles of the letter-sized ink blobs on a
   downscaled, binarised copy (text lines give the sharpest profile when horizontal);
5. which way round: the lines' profile (more ink above a line's core than below it) turns
   a page that is upside down, or fed sideways the other way round, before OCR; OSD is
   asked only where the profile cannot tell which way a sideways page stands. A reading
   with poor confidence is checked: a page turned on the profile alone is read as it came
   too, an unturned one is checked by OSD, and the better reading kept, unless it holds
   many surely read words (handwriting, not the page's way round, lowered it); where OSD
   cannot tell, the page turned over is read too and kept if it reads more surely.

Errors: :class:`~pipeline.errors.OcrUnavailable` when the engine or the language data is
missing (an environment fault: nothing is quarantined).
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from pipeline.errors import OcrUnavailable
from pipeline.intake import MAX_PAGE_PIXELS

log = logging.getLogger(__name__)

#: Where Debian, Ubuntu, Fedora, Alpine and Homebrew put Tesseract's language data.
TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)

INSTALL_HINT = (
    "Installez Tesseract et le français / install Tesseract with French: "
    "sudo apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-fra"
)

#: Longest side of the copy used to estimate skew and orientation: enough for 0.1° on A4.
ANALYSIS_SIDE = 1400


class OcrSettings(BaseModel):
    """How pages without a text layer are read."""

    model_config = ConfigDict(extra="forbid")

    language: str = "fra"  # Tesseract language(s), e.g. "fra" or "fra+eng"
    tessdata: Path | None = None  # folder holding <language>.traineddata; None: search
    dpi: int = Field(default=300, ge=72, le=600)  # rasterisation of pages without text layer
    # Page segmentation mode: 3 (automatic layout) kept table cells that 6 (one block) lost.
    psm: int = Field(default=3, ge=0, le=13)
    deskew: bool = True  # estimate and undo skew; 2° of skew costs most prose words
    max_skew: float = Field(default=8.0, ge=0, le=20)  # degrees searched either side
    orientation: bool = True  # detect pages fed sideways or upside down
    # An upright guess read with less confidence than this is checked with Tesseract's OSD
    # (upright French reads at ~0.9, upside down at ~0.35).
    recheck_below: float = Field(default=0.75, ge=0, le=1)
    min_confidence: float = Field(default=0.5, ge=0, le=1)  # below: page flagged poorly read
    even_lighting: bool = True  # divide by a blurred background (photos, grey paper)
    perspective: bool = True  # flatten phone photos of a sheet
    # An embedded page image is OCR'd at its own resolution when it lies in this range;
    # outside it the page is rendered at ``dpi`` instead.
    native_dpi_range: tuple[int, int] = (100, 450)
    # Pictures coarser than this are enlarged before OCR: Tesseract wants letters ~20 px high,
    # and 150 dpi scans and phone photos fall short. 0 turns it off.
    min_ocr_dpi: int = Field(default=200, ge=0, le=600)


@dataclass(frozen=True)
class Word:
    """One recognised word and where it is, in pixels of the image given to the engine."""

    text: str
    confidence: float  # 0..1
    box: tuple[int, int, int, int]  # left, top, right, bottom


@dataclass(frozen=True)
class OcrResult:
    """What the engine read in one image."""

    text: str  # lines separated by newlines, blocks by blank lines
    confidence: float  # mean word confidence 0..1 (0 when no word was found)
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class Geometry:
    """The turns that made a cleaned page image into the one OCR read (see :func:`redo`)."""

    quarter: int = 0  # clockwise quarter turn from the ink profiles (0 or 90)
    correction: float = 0.0  # degrees turned counter-clockwise to undo the skew
    turn: int = 0  # clockwise turn OSD asked for after that (0, 90, 180, 270)


@dataclass(frozen=True)
class PageRead:
    """An OCR'd page: the result plus the corrections applied to the image first.

    ``gray`` is the image OCR read, when kept (the text stage keeps a file's images within
    a budget, for the readers of marks); without it :func:`redo` makes it again.
    """

    result: OcrResult
    rotation: int  # clockwise degrees applied before OCR (0, 90, 180, 270)
    skew: float  # the page's skew in degrees (counter-clockwise positive), undone before OCR
    image_size: tuple[int, int]  # size of the image the word boxes refer to
    dpi: int = 0  # resolution of that image
    geometry: Geometry = Geometry()
    gray: np.ndarray | None = field(default=None, compare=False, repr=False)


class OcrEngine(Protocol):
    """What :mod:`pipeline.text` needs from an OCR engine (a fake one fits in tests)."""

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        """Read the text of an upright page image."""
        ...

    def osd(self, image: Image.Image, dpi: int) -> int | None:
        """Clockwise degrees that make the page upright, or None when it cannot tell."""
        ...

    def recognise_line(self, image: Image.Image, dpi: int) -> OcrResult:
        """Read a small crop holding one line of text (a name, a date, a header cell)."""
        ...

    def close(self) -> None:
        """Release the engine; safe to call twice."""
        ...


def find_tessdata(configured: Path | None, language: str) -> Path:
    """The tessdata folder holding every language of ``language`` ("fra+eng")."""
    candidates = [configured] if configured else _tessdata_candidates()
    needed = [lang for lang in language.split("+") if lang]
    for folder in candidates:
        if all((folder / f"{lang}.traineddata").is_file() for lang in needed):
            return folder
    where = str(configured) if configured else ", ".join(str(c) for c in candidates)
    raise OcrUnavailable(
        f"Données de langue Tesseract « {language} » introuvables ({where}). {INSTALL_HINT}"
    )


def _tessdata_candidates() -> list[Path]:
    # TESSDATA_PREFIX is Tesseract's own convention; it may name the folder or its parent.
    found: list[Path] = []
    prefix = os.environ.get("TESSDATA_PREFIX")
    if prefix:
        found += [Path(prefix), Path(prefix) / "tessdata"]
    found += [Path(d) for d in TESSDATA_DIRS]
    return found


@contextmanager
def native_messages() -> Iterator[None]:
    """Keep what Tesseract and Leptonica print on file descriptor 2 out of people's terminals.

    They report harmless internal conditions ("Error in boxClipToRectangle") straight to
    the process's stderr; the lines go to the debug log instead.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            lines = sink.read().decode("utf-8", "replace").strip()
            if lines:
                log.debug("tesseract : %s", lines)


def one_thread_for_opencv() -> None:
    """Run OpenCV's filters in the calling thread only.

    A worker reads one page at a time on one core, beside others. OpenCV's pool of
    threads split its resizes and warps over both cores and then kept waiting for more
    work: on whole reads of the samples' attendance sheets and attestations (a loaded
    2-core machine) the process spent 4 to 10 % more CPU, Tesseract's reading included,
    than with one thread. The pixels are the same.
    """
    cv2.setNumThreads(1)


@contextmanager
def engine_failures() -> Iterator[None]:
    """Tesseract failing mid-page (tesserocr raises RuntimeError) is the engine's fault, not
    the file's: :class:`OcrUnavailable`, so the file is read again later."""
    try:
        yield
    except RuntimeError as exc:
        raise OcrUnavailable(f"Tesseract a échoué pendant la lecture ({exc}).") from exc


class TesserocrEngine:
    """Tesseract in-process through tesserocr: one API object per engine, reused per page.

    Not thread-safe by design (Tesseract's API is not); a lock makes misuse slow, not wrong.
    Use one engine per worker process, with ``OMP_THREAD_LIMIT=1``; making one also keeps
    OpenCV to the worker's own thread (:func:`one_thread_for_opencv`).
    """

    def __init__(self, settings: OcrSettings | None = None) -> None:
        one_thread_for_opencv()
        self.settings = settings or OcrSettings()
        self.tessdata = find_tessdata(self.settings.tessdata, self.settings.language)
        self._lock = threading.Lock()
        self._api: Any = self._open(self.settings.language, self.settings.psm)
        self._osd_api: Any = None  # opened on first use: most pages never need it
        self._line_api: Any = None  # PSM 7 (one text line), opened on first use

    def _open(self, language: str, psm: int) -> Any:  # a tesserocr.PyTessBaseAPI
        try:
            import tesserocr
        except ImportError as exc:  # wheel missing from the environment
            raise OcrUnavailable(f"Le module tesserocr est absent ({exc}). {INSTALL_HINT}") from exc
        try:
            return tesserocr.PyTessBaseAPI(
                path=str(self.tessdata), lang=language, psm=psm, oem=tesserocr.OEM.LSTM_ONLY
            )
        except RuntimeError as exc:
            raise OcrUnavailable(f"Tesseract ne démarre pas ({exc}). {INSTALL_HINT}") from exc

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        """Read ``image`` (any mode) told it has ``dpi`` pixels per inch."""
        with self._lock:
            return self._read(self._require(self._api), image, dpi)

    def recognise_line(self, image: Image.Image, dpi: int) -> OcrResult:
        """Read a crop as one line of text (PSM 7): page layout analysis finds no text in
        a small crop holding a single name, which this mode reads."""
        with self._lock:
            if self._line_api is None:
                self._line_api = self._open(self.settings.language, 7)
            return self._read(self._require(self._line_api), image, dpi)

    def _read(self, api: Any, image: Image.Image, dpi: int) -> OcrResult:
        """One recognition on ``api``; the caller holds the lock."""
        with engine_failures():
            api.SetImage(image)
            api.SetSourceResolution(int(dpi))
            with native_messages():
                api.Recognize()
            text = api.GetUTF8Text()
            words = tuple(_parse_tsv(api.GetTSVText(0)))
        return OcrResult(text=tidy_ocr_text(text), confidence=_mean_conf(words), words=words)

    def osd(self, image: Image.Image, dpi: int) -> int | None:
        """Tesseract's orientation detection (needs ``osd.traineddata``); ~0.3 s a page."""
        with self._lock:
            if self._osd_api is None:
                if not (self.tessdata / "osd.traineddata").is_file():
                    log.warning(
                        "osd.traineddata missing in %s: orientation by OSD off", self.tessdata
                    )
                    return None
                self._osd_api = self._open("osd", 0)  # PSM 0: orientation and script only
            api = self._require(self._osd_api)
            with engine_failures():
                api.SetImage(image)
                api.SetSourceResolution(int(dpi))
                with native_messages():
                    found = api.DetectOrientationScript()
        return _osd_rotation(found)

    def close(self) -> None:
        """End both Tesseract APIs; safe to call more than once."""
        with self._lock:
            for api in (self._api, self._osd_api, self._line_api):
                if api is not None:
                    api.End()
            self._api = self._osd_api = self._line_api = None

    def __enter__(self) -> TesserocrEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def _require(api: Any) -> Any:
        if api is None:
            raise OcrUnavailable("Le moteur OCR a été fermé / the OCR engine was closed.")
        return api


class RememberingEngine:
    """An engine that reads each distinct image once: the readers of marks ask for the same
    crop more than once (a header cell tried for a date, then for a half-day; a column's
    label under two blocks of options), and get the first answer again for nothing.

    Keyed by the image's pixels, size, mode and dpi, and the mode of reading; meant to live
    as long as one document's reading, so what it remembers stays small.
    """

    def __init__(self, engine: OcrEngine) -> None:
        self.engine = engine
        self._read: dict[tuple[object, ...], OcrResult] = {}

    def recognise(self, image: Image.Image, dpi: int) -> OcrResult:
        return self._once("page", image, dpi, self.engine.recognise)

    def recognise_line(self, image: Image.Image, dpi: int) -> OcrResult:
        return self._once("line", image, dpi, self.engine.recognise_line)

    def osd(self, image: Image.Image, dpi: int) -> int | None:
        return self.engine.osd(image, dpi)

    def close(self) -> None:
        """Forget what was read; the wrapped engine is its owner's to close."""
        self._read.clear()

    def _once(
        self,
        how: str,
        image: Image.Image,
        dpi: int,
        read: Callable[[Image.Image, int], OcrResult],
    ) -> OcrResult:
        pixels = hashlib.blake2b(image.tobytes(), digest_size=16).digest()
        key = (how, pixels, image.size, image.mode, int(dpi))
        found = self._read.get(key)
        if found is None:
            found = self._read[key] = read(image, dpi)
        return found


def _osd_rotation(found: dict[str, object] | None) -> int | None:
    # orient_deg is how far the text is turned clockwise (measured: a page turned 90°
    # clockwise reports 90), so the clockwise correction is its complement.
    # Below a confidence of ~2 the answer on sparse pages was a coin toss.
    if not found or float(found.get("orient_conf", 0.0)) < 2.0:  # type: ignore[arg-type]
        return None
    return (360 - int(found["orient_deg"])) % 360  # type: ignore[call-overload]


def _parse_tsv(tsv: str) -> Iterable[Word]:
    # TSV columns: level page block par line word left top width height conf text
    for row in tsv.splitlines():
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        yield Word(
            cols[11], max(float(cols[10]), 0.0) / 100, (left, top, left + width, top + height)
        )


def _mean_conf(words: tuple[Word, ...]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def tidy_ocr_text(text: str) -> str:
    """Keep lines, drop trailing spaces and runs of blank lines, end without newline."""
    lines = [line.rstrip() for line in text.replace("\f", "\n").splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")


# --- image clean-up -------------------------------------------------------------------------


def to_gray(image: Image.Image) -> np.ndarray:
    """A uint8 grey array of any PIL image (transparency flattened onto white)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        background = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(background, image.convert("RGBA"))
    return np.asarray(image.convert("L"))


def even_lighting(gray: np.ndarray) -> np.ndarray:
    """Divide by the page background so shadows and grey paper become white."""
    scale = 8  # the background varies slowly: estimate it on a small copy (~20 ms a page)
    small = cv2.resize(
        gray,
        (max(gray.shape[1] // scale, 1), max(gray.shape[0] // scale, 1)),
        interpolation=cv2.INTER_AREA,
    )
    # Closing removes dark strokes so what remains is paper; the blur smooths its edges.
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    background = cv2.GaussianBlur(cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel), (0, 0), 5)
    background = cv2.resize(
        background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR
    )
    flat = cv2.divide(gray, np.maximum(background, 1), scale=255)
    return flat


def ink_mask(gray: np.ndarray, side: int = ANALYSIS_SIDE) -> tuple[np.ndarray, float]:
    """Binarised ink (True) of a copy whose longest side is at most ``side``, and its scale."""
    factor = min(1.0, side / max(gray.shape))
    small = (
        gray
        if factor == 1.0
        else cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    )
    _, binary = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return binary > 0, factor


def _profile_score(ys: np.ndarray, xs: np.ndarray, angles: np.ndarray) -> np.ndarray:
    # For each angle, project ink onto the rotated vertical axis; lines of text aligned with
    # the axis make a spiky histogram, so the sum of squared bin counts peaks at the skew.
    scores = np.empty(len(angles))
    for i, angle in enumerate(np.radians(angles)):
        rows = (ys * np.cos(angle) - xs * np.sin(angle)).astype(np.int64)
        counts = np.bincount(rows - rows.min(), minlength=1).astype(np.float64)
        scores[i] = float(np.dot(counts, counts))
    return scores


def _best_angle(ys: np.ndarray, xs: np.ndarray, max_skew: float) -> tuple[float, float]:
    # Coarse 0.5° sweep, then 0.05° around the best: ~60 projections in all.
    coarse = np.arange(-max_skew, max_skew + 0.25, 0.5)
    scores = _profile_score(ys, xs, coarse)
    centre = float(coarse[int(np.argmax(scores))])
    fine = np.arange(centre - 0.5, centre + 0.55, 0.05)
    scores = _profile_score(ys, xs, fine)
    best = int(np.argmax(scores))
    return float(fine[best]), float(scores[best])


@dataclass(frozen=True)
class Alignment:
    """How far a page is turned: quarter turns (mod 180) and skew, from ink profiles."""

    rotation: int  # clockwise degrees to apply: 0 or 90
    skew: float  # degrees to rotate counter-clockwise after that
    # Share of the ink above its lines' cores that lies above rather than below them
    # (0.5: cannot tell); see :func:`ascending_share`.
    ascending: float = 0.5


def estimate_alignment(gray: np.ndarray, max_skew: float, sideways: bool = True) -> Alignment:
    """Skew (to 0.05°) and whether the text runs vertically, from projection profiles;
    and, from the profile of the lines so turned, whether they seem upside down."""
    ys, xs = letter_pixels(ink_mask(gray)[0])
    if len(ys) < 50:  # a blank page: nothing to align
        return Alignment(0, 0.0)
    ys, xs = _subsample(ys, xs)
    rows, columns = ys.astype(np.float64), xs.astype(np.float64)
    # Both candidates project the same pixels, so their scores compare without normalising.
    angle, score = _best_angle(rows, columns, max_skew)
    # Turned 90° clockwise, a pixel's new row is its old column and its new column -row.
    if sideways:
        angle90, score90 = _best_angle(columns, -rows, max_skew)
        if score90 > score * 1.15:  # a clear margin: grids score high both ways
            return Alignment(90, angle90, ascending_share(columns, -rows, angle90))
    return Alignment(0, angle, ascending_share(rows, columns, angle))


#: Latin print carries more ink over its letters' common height (ascenders, capitals,
#: figures, accents) than under it (descenders): upright pages measured 0.59 to 0.90 of it
#: above, the same pages turned over 0.11 to 0.52, pages scanned upside down 0.14 to 0.22.
#: Below this share a page is likely upside down, and asked which way is up before it is
#: read (reading it upside down first cost a whole reading more).
UPSIDE_DOWN_BELOW = 0.4
#: From this share a page stands the right way up (upright pages measured 0.55 to 0.90):
#: a page fed sideways whose lines so turned show it is read without asking OSD.
UPRIGHT_FROM = 0.55


def ascending_share(ys: np.ndarray, xs: np.ndarray, angle: float) -> float:
    """Of the ink of the text lines outside their cores (the rows where a line's ink is
    at least 40 % of its densest row), the share above the core; 0.5 without lines.

    ``ys``, ``xs``: letter pixels; ``angle``: the skew found for them (as ``_best_angle``).
    """
    radians = np.radians(angle)
    rows = (ys * np.cos(radians) - xs * np.sin(radians)).astype(np.int64)
    profile = np.bincount(rows - rows.min()).astype(np.float64)
    inked = np.flatnonzero(profile > 0)
    above = below = 0.0
    for run in np.split(inked, np.flatnonzero(np.diff(inked) > 1) + 1):
        line = profile[run[0] : run[-1] + 1]
        if len(line) < 5:
            continue
        core = np.flatnonzero(line >= 0.4 * line.max())
        above += float(line[: core[0]].sum())
        below += float(line[core[-1] + 1 :].sum())
    return above / (above + below) if above + below else 0.5


#: Masks smaller than this (pixels) are labelled by OpenCV alone: its statistics cost
#: less there than gathering them over the ink (see :func:`components`).
SMALL_MASK = 250_000


def components(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """``cv2.connectedComponentsWithStats(mask, connectivity=8)`` without the centroids:
    the same count, labels and statistics, in about half the time on a page.

    OpenCV gathers its statistics over every pixel, the background's too: on a page that
    took four fifths of its time. Here the labels alone come from OpenCV (the same
    algorithm) and each piece's box and area are gathered over the inked pixels only.
    """
    height, width = mask.shape
    borders = (mask[0], mask[-1], mask[:, 0], mask[:, -1])
    if mask.size < SMALL_MASK or any(bool(side.all()) for side in borders):
        # Small, or the background's box is not the whole picture: OpenCV's own.
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        return count, labels, stats
    count, labels = cv2.connectedComponents(mask, connectivity=8)
    stats = np.zeros((count, 5), np.int32)
    stats[0] = (0, 0, width, height, mask.size)
    if count == 1:
        return count, labels, stats
    flat = labels.ravel()
    where = np.flatnonzero(flat)  # in raster order: a piece's first pixel is its top
    found = flat[where]
    # A stable sort keeps each piece's pixels in raster order (radix on 16 bits).
    order = np.argsort(found.astype(np.uint16) if count <= 1 << 16 else found, kind="stable")
    found, where = found[order], where[order]
    ys, xs = np.divmod(where, width)
    starts = np.flatnonzero(np.r_[True, found[1:] != found[:-1]])
    ends = np.r_[starts[1:], len(found)]
    piece = found[starts]
    left, right = np.minimum.reduceat(xs, starts), np.maximum.reduceat(xs, starts)
    stats[piece, cv2.CC_STAT_LEFT] = left
    stats[piece, cv2.CC_STAT_TOP] = ys[starts]
    stats[piece, cv2.CC_STAT_WIDTH] = right - left + 1
    stats[piece, cv2.CC_STAT_HEIGHT] = ys[ends - 1] - ys[starts] + 1
    stats[piece, cv2.CC_STAT_AREA] = ends - starts
    stats[0, cv2.CC_STAT_AREA] -= len(found)
    return count, labels, stats


def letter_pixels(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the ink pixels in blobs the size of letters: rules, frames,
    signatures and scanner edges dropped.

    Without this, the vertical rules of a signature block and the dark strip a scanner lid
    leaves outweighed a few lines of text and turned sparse pages sideways.
    """
    count, labels, stats = components(mask.astype(np.uint8))
    ys, xs = np.nonzero(mask)
    longest = max(mask.shape)
    width, height = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    # At ~1400 px for a page, body text letters are 4 to 25 px; titles up to ~35.
    letter = (np.maximum(width, height) <= longest * 0.025) & (np.maximum(width, height) >= 3)
    letter[0] = False  # label 0 is the background
    if letter.sum() < 20:  # no text to speak of: keep all ink rather than nothing
        return ys, xs
    # Looked up for the ink pixels only, not for every pixel of the page (~5 ms a page).
    kept = letter[labels[ys, xs]]
    return ys[kept], xs[kept]


def _subsample(
    ys: np.ndarray, xs: np.ndarray, limit: int = 400_000
) -> tuple[np.ndarray, np.ndarray]:
    # Every k-th ink pixel keeps the profile's shape and bounds the time on dark photos.
    step = max(1, len(ys) // limit)
    return ys[::step], xs[::step]


def rotate_quarter(gray: np.ndarray, clockwise: int) -> np.ndarray:
    """Rotate by a multiple of 90° clockwise, losslessly."""
    return np.ascontiguousarray(np.rot90(gray, k=-(clockwise // 90) % 4))


def rotate_fine(gray: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate counter-clockwise by ``degrees`` about the centre, keeping the size, white fill."""
    if abs(degrees) < 0.05:
        return gray
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(
        gray,
        matrix,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )


def find_sheet(gray: np.ndarray) -> np.ndarray | None:
    """Corners (4×2, full-size pixels) of a sheet photographed on a darker background, if any.

    The paper is first told from the desk by brightness (Otsu); under uneven light (a lamp
    off one corner, the phone's shadow) the far corner of the sheet is as dark as the lit
    desk, so the sheet's outline is then taken from its edges instead.
    """
    factor = min(1.0, 800 / max(gray.shape))
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    found = _sheet_by_brightness(small)
    if found is None or _at_border(found, small.shape) or not _desk_all_round(small, found):
        # A corner on the picture's border: the lit desk beyond it passed for paper; a
        # side with paper beyond it: the sheet's far part, in shade, passed for desk.
        edges = _sheet_by_edges(small)
        found = edges if edges is not None else found
    return None if found is None else _order_corners(found / factor)


def _at_border(corners: np.ndarray, shape: tuple[int, ...]) -> bool:
    """Whether a corner of an outline lies on the picture's border (within two pixels)."""
    height, width = shape[:2]
    xs, ys = corners[:, 0], corners[:, 1]
    return bool(((xs <= 2) | (xs >= width - 3) | (ys <= 2) | (ys >= height - 3)).any())


def _sheet_by_brightness(small: np.ndarray) -> np.ndarray | None:
    blurred = cv2.GaussianBlur(small, (5, 5), 0)
    _, paper = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    paper = cv2.morphologyEx(paper, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(paper, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    largest = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(largest) / (small.shape[0] * small.shape[1])
    # A scan is all sheet (area ~1); a tiny blob is not a sheet.
    if not 0.2 < area < 0.93:
        return None
    quad = cv2.approxPolyDP(largest, 0.02 * cv2.arcLength(largest, True), True)
    if len(quad) != 4 or not cv2.isContourConvex(quad):
        return None
    corners = _order_corners(quad.reshape(4, 2).astype(np.float32))
    return corners if _sheet_like(corners) else None


def _sheet_by_edges(small: np.ndarray) -> np.ndarray | None:
    """The largest four-sided outline of edges that is brighter inside than just outside."""
    edges = cv2.Canny(cv2.GaussianBlur(small, (7, 7), 0), 20, 60)
    edges = cv2.dilate(edges, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
        hull = cv2.convexHull(contour)
        if not 0.2 < cv2.contourArea(hull) / small.size < 0.93:
            continue
        quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
        if len(quad) != 4:
            continue
        corners = _order_corners(quad.reshape(4, 2).astype(np.float32))
        if _sheet_like(corners) and _paper_on_desk(small, corners):
            return corners
    return None


def _paper_on_desk(small: np.ndarray, corners: np.ndarray) -> bool:
    """A band just inside the outline is clearly lighter than a band just outside it: paper
    on a desk, not a table's frame on a scanned page (white on both sides)."""
    ring = max(4, min(small.shape) // 40)
    inside = np.zeros(small.shape, np.uint8)
    cv2.fillConvexPoly(inside, corners.astype(np.int32), 255)
    kernel = np.ones((2 * ring + 1, 2 * ring + 1), np.uint8)
    inner = cv2.subtract(inside, cv2.erode(inside, kernel))
    outer = cv2.subtract(cv2.dilate(inside, kernel), inside)
    if not outer.any() or not inner.any():
        return False
    return float(small[inner > 0].mean()) > 1.15 * float(small[outer > 0].mean())


def _desk_all_round(small: np.ndarray, corners: np.ndarray) -> bool:
    """Whether along each side of an outline the band just inside is clearly lighter than
    the band just outside (:func:`_paper_on_desk` side by side): the Otsu cut of a sheet
    lit from one side follows its shaded part's print, with paper on both sides of it."""
    ring = max(4, min(small.shape) // 40)
    centre = corners.mean(axis=0)
    along = np.linspace(0.1, 0.9, 60)[:, None]
    high, wide = small.shape[:2]

    def mean_at(points: np.ndarray) -> float:
        xs = np.clip(points[:, 0].round().astype(int), 0, wide - 1)
        ys = np.clip(points[:, 1].round().astype(int), 0, high - 1)
        return float(small[ys, xs].mean())

    for k in range(4):
        start, end = corners[k], corners[(k + 1) % 4]
        side = end - start
        normal = np.array([-side[1], side[0]]) / max(float(np.linalg.norm(side)), 1.0)
        if float(np.dot(centre - (start + end) / 2, normal)) < 0:
            normal = -normal  # pointing into the sheet
        points = start + along * side
        inside = np.mean([mean_at(points + depth * normal) for depth in range(2, ring + 1)])
        outside = np.mean([mean_at(points - depth * normal) for depth in range(2, ring + 1)])
        if inside <= 1.15 * outside:
            return False
    return True


def _sheet_like(corners: np.ndarray) -> bool:
    """Opposite sides of similar length: a phone tilts a sheet into a mild trapezoid.

    A corner in shadow falls outside the paper mask and pulls one side short; warping that
    quadrilateral read worse (0.66) than not warping at all (0.88), so it is refused.
    """
    tl, tr, br, bl = corners
    pairs = ((tl, tr, bl, br), (tl, bl, tr, br))
    for a0, a1, b0, b1 in pairs:
        one, two = np.linalg.norm(a1 - a0), np.linalg.norm(b1 - b0)
        if min(one, two) < 0.85 * max(one, two):
            return False
    return True


def _order_corners(points: np.ndarray) -> np.ndarray:
    # top-left, top-right, bottom-right, bottom-left
    total = points.sum(axis=1)
    diff = np.diff(points, axis=1).ravel()
    return np.array(
        [
            points[np.argmin(total)],
            points[np.argmin(diff)],
            points[np.argmax(total)],
            points[np.argmax(diff)],
        ],
        dtype=np.float32,
    )


def warp_sheet(gray: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The sheet inside ``corners`` seen from straight above."""
    tl, tr, br, bl = corners
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32
    )
    matrix = cv2.getPerspectiveTransform(corners, target)
    return cv2.warpPerspective(
        gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


# --- one page, end to end -------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """A page image ready for OCR and what was done to it."""

    gray: np.ndarray
    dpi: int
    rotation: int  # clockwise quarter turn applied (0 or 90)
    skew: float  # the page's skew, counter-clockwise positive, undone in ``gray``
    correction: float = 0.0  # the exact turn that undid it (``skew`` is rounded)
    upside_down: bool = False  # its lines' profile says so (:data:`UPSIDE_DOWN_BELOW`)
    upright: bool = False  # its lines' profile says it is the right way up (UPRIGHT_FROM)


def prepare(image: Image.Image, dpi: int, settings: OcrSettings, sideways: bool = True) -> Prepared:
    """Flatten a photo, even out the light, enlarge if coarse, turn (mod 180) and deskew;
    ``sideways=False``: never turned a quarter."""
    gray, dpi = clean(image, dpi, settings)
    if not (settings.deskew or settings.orientation):
        return Prepared(gray, dpi, 0, 0.0)
    align = estimate_alignment(
        gray,
        settings.max_skew if settings.deskew else 0.0,
        sideways=settings.orientation and sideways,
    )
    gray = rotate_quarter(gray, align.rotation)
    # Alignment.skew is the correction; the record keeps the page's own skew (its opposite).
    correction = align.skew if settings.deskew else 0.0
    return Prepared(
        rotate_fine(gray, correction),
        dpi,
        align.rotation,
        round(-correction, 2) + 0.0,
        correction,
        align.ascending < UPSIDE_DOWN_BELOW,
        align.ascending >= UPRIGHT_FROM,
    )


def clean(image: Image.Image, dpi: int, settings: OcrSettings) -> tuple[np.ndarray, int]:
    """Grey, flattened (a photo), evenly lit and enlarged if coarse: :func:`prepare` before
    any turn."""
    gray = to_gray(image)
    if settings.perspective:
        gray, dpi = _flatten_photo(gray, dpi)
    if settings.even_lighting:
        gray = even_lighting(gray)
    return _enlarge(gray, dpi, settings.min_ocr_dpi)


def redo(image: Image.Image, dpi: int, settings: OcrSettings, geometry: Geometry) -> np.ndarray:
    """The image :func:`read_image` OCR'd, made again from the page image without measuring
    or reading anything: the readers of marks look at the pixels under words already read.
    """
    gray, _ = clean(image, dpi, settings)
    gray = rotate_quarter(gray, geometry.quarter)
    return rotate_quarter(rotate_fine(gray, geometry.correction), geometry.turn)


def _enlarge(gray: np.ndarray, dpi: int, min_dpi: int) -> tuple[np.ndarray, int]:
    if not min_dpi or dpi >= min_dpi:
        return gray, dpi
    # Never past MAX_PAGE_PIXELS: a coarse picture of a huge sheet is enlarged less, or not.
    factor, cap = min_dpi / dpi, math.sqrt(MAX_PAGE_PIXELS / max(gray.size, 1))
    if factor * gray.shape[0] * factor * gray.shape[1] <= MAX_PAGE_PIXELS:
        return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC), min_dpi
    if cap <= 1:
        return gray, dpi
    size = (int(gray.shape[1] * cap), int(gray.shape[0] * cap))  # rounded down: under the cap
    return cv2.resize(gray, size, interpolation=cv2.INTER_CUBIC), int(dpi * cap)


def _flatten_photo(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, int]:
    corners = find_sheet(gray)
    if corners is None:
        return gray, dpi
    flat = warp_sheet(gray, corners)
    # The flattened sheet is assumed A4 (8.27 in across, whichever way it lies).
    new_dpi = int(round(min(flat.shape) / 8.27))
    log.debug("sheet found in photo: warped to %s at %d dpi", flat.shape[::-1], new_dpi)
    return flat, max(new_dpi, 72)


def read_image(image: Image.Image, dpi: int, engine: OcrEngine, settings: OcrSettings) -> PageRead:
    """Clean up one page image and OCR it, with the orientation checked where it is in doubt.

    The lines' profile says which way up most pages stand (:func:`ascending_share`): OSD
    (~0.3 s a page) is asked only where it cannot tell, or where the page then reads poorly.
    """
    page = prepare(image, dpi, settings)
    read = _read_prepared(page, engine, settings)
    if page.rotation == 90 and read_down(read.result.words):
        # Turned a quarter on the ink's profiles (a ruled grid of signatures scores high
        # both ways), yet Tesseract found its lines running down the page: it stood as fed.
        return _read_prepared(prepare(image, dpi, settings, sideways=False), engine, settings)
    return read


#: Words of four letters or more that Tesseract read down the page (boxes taller than
#: wide), in number and as a share of such words, for a page turned the wrong quarter.
DOWN_WORDS, DOWN_SHARE = 5, 0.8


def read_down(words: Sequence[Word]) -> bool:
    """Whether a page's words were read down the page rather than across: Tesseract reads
    the lines of a page turned a quarter too (their boxes then taller than wide), so a
    good reading does not say the page stood upright."""
    worded = [w for w in words if sum(c.isalpha() for c in w.text) >= 4]
    down = sum(w.box[3] - w.box[1] > w.box[2] - w.box[0] for w in worded)
    return down >= DOWN_WORDS and down >= DOWN_SHARE * len(worded)


def _read_prepared(page: Prepared, engine: OcrEngine, settings: OcrSettings) -> PageRead:
    """:func:`read_image` once the page is prepared."""
    gray, rotation = page.gray, page.rotation
    turned = False  # turned over on the lines' profile alone
    asked: int | None | bool = False  # OSD's answer, when asked before reading
    if settings.orientation and page.upside_down:
        # Upside down (or, fed sideways, the other way round): turned over before it is
        # read, once; a poor reading then tries the page as it came.
        gray, rotation, turned = rotate_quarter(gray, 180), (rotation + 180) % 360, True
    elif settings.orientation and rotation == 90 and not page.upright:
        # Profiles tell sideways from upright but here not which way round: ask OSD (~0.3 s)
        # rather than OCR a page that is upside down half the time (~0.7 s wasted).
        asked = engine.osd(Image.fromarray(gray), page.dpi)
        if asked:
            gray, rotation = rotate_quarter(gray, asked), (rotation + asked) % 360
    result = engine.recognise(Image.fromarray(gray), page.dpi)
    # No word at all (a blank page) has no orientation to get wrong; neither has a page
    # whose mean is low only because handwriting drags it down (see surely_upright).
    doubtful = bool(result.words) and result.confidence < settings.recheck_below
    doubtful = settings.orientation and doubtful and not surely_upright(result.words)
    if doubtful and turned:
        plain = engine.recognise(Image.fromarray(page.gray), page.dpi)
        if plain.confidence >= result.confidence:
            result, gray, rotation = plain, page.gray, page.rotation
    elif doubtful and asked is not False and page.rotation == 90:
        # Sideways, turned as OSD said or, OSD unsure, left as it came (few printed words
        # among signatures), yet read poorly: the page turned over is read too and kept if
        # it reads more surely.
        result, gray, turn = _recheck(result, gray, page.dpi, engine, None)
        rotation = (rotation + turn) % 360
    elif doubtful and (page.rotation == 0 or page.upright):
        result, gray, turn = _recheck(result, gray, page.dpi, engine)
        rotation = (rotation + turn) % 360
    geometry = Geometry(page.rotation, page.correction, (rotation - page.rotation) % 360)
    size = (gray.shape[1], gray.shape[0])
    gray.setflags(write=False)  # kept for the readers of marks, who look but never draw
    return PageRead(result, rotation, page.skew, size, page.dpi, geometry, gray)


#: Surely read words (letters at least four, confidence at least 0.9) an upright reading
#: holds, in number and as a share of its words. Measured on scans and photos, upright
#: pages whose mean confidence is low (signatures and handwriting read as words) held 25 to
#: 40 % of such words; the same pages read upside down held at most 2 (1 %).
SURE_WORDS, SURE_SHARE = 10, 0.1


def surely_upright(words: Sequence[Word]) -> bool:
    """Whether a reading holds enough surely read words to be the right way up: asking
    OSD (~0.3 s a page) could not turn it to a better one."""
    sure = _sure_words(words)
    return sure >= SURE_WORDS and sure >= SURE_SHARE * len(words)


def _sure_words(words: Sequence[Word]) -> int:
    """How many words are surely read: confidence at least 0.9, four letters or more."""
    return sum(w.confidence >= 0.9 and sum(c.isalpha() for c in w.text) >= 4 for w in words)


_ASK = -1  # _recheck's ``found`` when OSD has not been asked yet


def _recheck(
    first: OcrResult, gray: np.ndarray, dpi: int, engine: OcrEngine, found: int | None = _ASK
) -> tuple[OcrResult, np.ndarray, int]:
    """Ask OSD whether a poorly read page is upside down; keep the more confident reading.

    OSD cannot tell on a page of few printed words among signatures; the page read upside
    down is then tried too, and kept only if it reads more surely (more confidently, with
    more surely read words): text read the wrong way round yields almost none of those.
    ``found``: OSD's answer, when asked already. Returns the reading kept, its image and
    the clockwise turn from ``gray`` to it."""
    if found == _ASK:
        found = engine.osd(Image.fromarray(gray), dpi)
    if found == 0:
        return first, gray, 0
    turn = 180 if found is None else found
    turned = rotate_quarter(gray, turn)
    second = engine.recognise(Image.fromarray(turned), dpi)
    log.debug("turn %d: confidence %.2f -> %.2f", turn, first.confidence, second.confidence)
    surer = found is not None or _sure_words(second.words) > _sure_words(first.words)
    if second.confidence > first.confidence and surer:
        return second, turned, turn
    return first, gray, 0
