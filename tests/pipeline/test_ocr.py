"""OCR engine and image clean-up: tessdata lookup, skew and orientation, photos, words."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from pipeline import ocr
from pipeline.errors import OcrUnavailable
from pipeline.ocr import OcrSettings, TesserocrEngine

LINES = [
    "Attestation de fin de formation",
    "Nous certifions que Madame Sophie Bernard a suivi la formation",
    "« Comptabilité des associations » du 3 au 5 février 2025,",
    "soit une durée totale de vingt et une heures.",
    "Fait à Nantes, pour servir et valoir ce que de droit.",
] * 3


def page_gray(dpi: int = 150) -> np.ndarray:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setFont("Helvetica", 12)
    for i, line in enumerate(LINES):
        c.drawString(60, 770 - 22 * i, line)
    c.showPage()
    c.save()
    page = pdfium.PdfDocument(out.getvalue())[0]
    return np.asarray(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))


def skewed(gray: np.ndarray, degrees: float) -> np.ndarray:
    """Turned counter-clockwise by ``degrees``, as a sheet fed crooked."""
    return np.asarray(
        Image.fromarray(gray).rotate(degrees, resample=Image.Resampling.BILINEAR, fillcolor=255)
    )


@pytest.fixture(scope="module")
def engine() -> TesserocrEngine:
    with TesserocrEngine(OcrSettings()) as ocr_engine:
        yield ocr_engine


# --- the engine ----------------------------------------------------------------------------------


def test_missing_tessdata_raises_ocr_unavailable_with_apt_command(tmp_path: Path) -> None:
    with pytest.raises(OcrUnavailable, match="apt-get install -y .*tesseract-ocr-fra"):
        TesserocrEngine(OcrSettings(tessdata=tmp_path))


def test_missing_language_raises_ocr_unavailable() -> None:
    with pytest.raises(OcrUnavailable, match="klingon"):
        ocr.find_tessdata(None, "klingon")


def test_tessdata_found_through_tessdata_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    folder = ocr.find_tessdata(None, "fra")
    monkeypatch.setenv("TESSDATA_PREFIX", str(folder))
    assert ocr._tessdata_candidates()[0] == folder


def test_settings_reject_unknown_keys() -> None:
    with pytest.raises(ValueError, match="langue"):
        OcrSettings(langue="fra")  # type: ignore[call-arg]


@pytest.mark.ocr
def test_engine_closes_twice_and_refuses_work_after() -> None:
    engine = TesserocrEngine(OcrSettings())
    engine.close()
    engine.close()
    with pytest.raises(OcrUnavailable):
        engine.recognise(Image.new("L", (100, 100), 255), 300)


@pytest.mark.ocr
def test_an_engine_keeps_opencv_to_its_own_thread() -> None:
    cv2.setNumThreads(2)
    with TesserocrEngine(OcrSettings()):
        assert cv2.getNumThreads() == 1


@pytest.mark.ocr
def test_recognise_gives_lines_confidence_and_word_boxes(engine: TesserocrEngine) -> None:
    gray = page_gray(dpi=200)
    result = engine.recognise(Image.fromarray(gray), 200)
    assert result.text.split("\n")[0] == "Attestation de fin de formation"
    assert result.confidence > 0.85
    first = result.words[0]
    assert first.text == "Attestation"
    assert 100 < first.box[0] < 200 and first.box[2] > first.box[0]


@pytest.mark.ocr
def test_osd_names_the_turn_of_an_upside_down_page(engine: TesserocrEngine) -> None:
    gray = ocr.rotate_quarter(page_gray(dpi=200), 180)
    assert engine.osd(Image.fromarray(gray), 200) == 180


def test_tidy_ocr_text_keeps_lines_and_single_blank_lines() -> None:
    raw = "Ligne un  \nLigne deux\n\n\n\nBloc deux\n\f"
    assert ocr.tidy_ocr_text(raw) == "Ligne un\nLigne deux\n\nBloc deux"


# --- skew and orientation -------------------------------------------------------------------------


def _opencv_components(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return count, labels, stats


@pytest.mark.parametrize("edge", [False, True])
def test_components_of_a_page_are_opencvs_labels_and_statistics(edge: bool) -> None:
    ink = (page_gray(dpi=150) < 128).astype(np.uint8)
    cv2.line(ink, (40, 900), (1100, 960), 1, 3)  # a long stroke across the text
    cv2.circle(ink, (600, 1400), 80, 1, 2)  # a ring, its inside background
    if edge:
        ink[:, 0] = 1  # a dark margin down the whole left side (a scanner's lid)
    assert ink.size >= ocr.SMALL_MASK
    count, labels, stats = ocr.components(ink)
    want = _opencv_components(ink)
    assert count == want[0] > 100
    assert np.array_equal(labels, want[1])
    assert np.array_equal(stats, want[2]) and stats.dtype == want[2].dtype


def test_components_of_a_blank_page_and_of_a_small_mask_are_opencvs() -> None:
    blank = np.zeros((800, 600), np.uint8)
    small = np.zeros((40, 60), np.uint8)
    small[10:20, 5:50] = 255
    for mask in (blank, small):
        count, labels, stats = ocr.components(mask)
        want = _opencv_components(mask)
        assert count == want[0]
        assert np.array_equal(labels, want[1]) and np.array_equal(stats, want[2])


@pytest.mark.parametrize("degrees", [-4.0, -1.5, 0.0, 0.7, 2.0, 3.5])
def test_skew_estimated_to_a_tenth_of_a_degree(degrees: float) -> None:
    align = ocr.estimate_alignment(skewed(page_gray(), degrees), max_skew=8.0)
    assert align.rotation == 0
    assert -align.skew == pytest.approx(degrees, abs=0.1)


@pytest.mark.parametrize("turn", [90, 270])
def test_sideways_page_detected_from_profiles(turn: int) -> None:
    gray = ocr.rotate_quarter(skewed(page_gray(), 1.0), turn)
    assert ocr.estimate_alignment(gray, max_skew=8.0).rotation == 90


def test_blank_page_has_no_skew() -> None:
    blank = np.full((1200, 850), 250, dtype=np.uint8)
    assert ocr.estimate_alignment(blank, max_skew=8.0) == ocr.Alignment(0, 0.0)


def test_prepare_reports_the_page_skew_and_straightens_it() -> None:
    prepared = ocr.prepare(Image.fromarray(skewed(page_gray(), 2.5)), 150, OcrSettings())
    assert prepared.skew == pytest.approx(2.5, abs=0.1)
    assert abs(ocr.estimate_alignment(prepared.gray, 8.0).skew) <= 0.1


# --- photos ---------------------------------------------------------------------------------------


def photo_of(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The page in perspective on a dark desk, and where its corners went."""
    h, w = gray.shape
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    target = np.float32([[150, 120], [w + 200, 180], [w + 160, h + 200], [110, h + 150]])
    matrix = cv2.getPerspectiveTransform(corners, target)
    photo = cv2.warpPerspective(gray, matrix, (w + 350, h + 330), borderValue=50)
    return photo, target


def test_sheet_found_in_photo_at_its_corners() -> None:
    photo, truth = photo_of(page_gray())
    found = ocr.find_sheet(photo)
    assert found is not None
    assert np.abs(found - truth).max() < 15


def test_sheet_found_under_a_lamp_off_one_corner() -> None:
    """The far corner of the sheet is as dark as the lit desk: brightness alone fails."""
    photo, truth = photo_of(page_gray())
    h, w = photo.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1.15 - 0.75 * np.hypot(xx, yy) / np.hypot(w, h)  # lamp at the top left
    desk = np.where(photo == 50, 150, photo).astype(np.float32)  # a light desk
    lit = np.clip(desk * light, 0, 255).astype(np.uint8)
    found = ocr.find_sheet(lit)
    assert found is not None
    assert np.abs(found - truth).max() < 15


def test_a_lit_patch_of_desk_joining_the_sheet_at_the_picture_s_corner_is_no_sheet_corner() -> None:
    """Light falling on the desk beyond one corner of the sheet, as bright as paper, runs
    to the picture's corner: brightness takes that corner for the sheet's; the sheet's
    edges do not."""
    photo, truth = photo_of(page_gray())
    h, w = photo.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    glow = np.clip(1 - np.hypot(xx, yy) / 600, 0, 1) * 200  # soft light at the top left
    lit = np.where(photo == 50, np.clip(50 + glow, 0, 255), photo).astype(np.uint8)
    found = ocr.find_sheet(lit)
    assert found is not None
    assert np.abs(found - truth).max() < 15


def test_a_sheet_in_shade_towards_one_side_is_outlined_whole_not_at_its_print() -> None:
    """Light falling off across the sheet: its far part is as dark as the lit desk, and
    brightness cuts the sheet along a ruled table's side, paper on both sides of that cut;
    the sheet's edges outline it whole."""
    gray = page_gray().copy()
    h, w = gray.shape
    cv2.rectangle(gray, (int(0.08 * w), int(0.3 * h)), (int(0.62 * w), int(0.7 * h)), 0, 3)
    photo, truth = photo_of(gray)
    xx = np.mgrid[0 : photo.shape[0], 0 : photo.shape[1]][1].astype(np.float32)
    desk = np.where(photo == 50, 120, photo).astype(np.float32)  # a grey desk
    start = 0.2 * photo.shape[1]
    shade = 1.0 - 0.45 * np.clip((xx - start) / (truth[1, 0] - start), 0, 1)
    found = ocr.find_sheet(np.clip(desk * shade, 0, 255).astype(np.uint8))
    assert found is not None
    assert np.abs(found - truth).max() < 15


def test_sheet_with_a_corner_lost_in_shadow_is_not_warped() -> None:
    photo, truth = photo_of(page_gray())
    x, y = truth[2].astype(int)  # bottom-right corner
    cv2.fillPoly(photo, [np.int32([[x - 250, y + 30], [x + 30, y + 30], [x + 30, y - 300]])], 50)
    assert ocr.find_sheet(photo) is None


def test_no_sheet_found_in_a_flat_scan() -> None:
    assert ocr.find_sheet(page_gray()) is None


def test_even_lighting_whitens_shaded_paper_and_keeps_ink() -> None:
    gray = page_gray().astype(np.float32)
    shade = np.linspace(0.55, 1.0, gray.shape[1], dtype=np.float32)[None, :]
    flat = ocr.even_lighting((gray * shade).astype(np.uint8))
    paper = flat[5:60, :]  # the top margin: only paper
    assert paper.min() > 230
    assert flat.min() < 100  # letters stay dark


@pytest.mark.ocr
def test_a_one_line_crop_is_read_in_line_mode() -> None:
    from PIL import ImageDraw

    crop = Image.new("L", (900, 90), 255)
    ImageDraw.Draw(crop).text((20, 20), "Olivier Castel", fill=0, font_size=40)
    with TesserocrEngine() as engine:
        assert "Castel" in engine.recognise_line(crop, 300).text
        engine.close()  # twice is safe, the line API included


def test_a_coarse_picture_of_a_huge_sheet_is_enlarged_only_up_to_the_pixel_cap() -> None:
    """4500 px square at 100 dpi would be 81 Mpx at 200 dpi: enlarged to 40 Mpx, no more."""
    from pipeline import ocr
    from pipeline.intake import MAX_PAGE_PIXELS

    gray = np.full((4500, 4500), 255, np.uint8)
    enlarged, dpi = ocr._enlarge(gray, 100, 200)
    assert enlarged.size <= MAX_PAGE_PIXELS < 81_000_000
    assert dpi == 140 and enlarged.shape[0] > 6000
    small, small_dpi = ocr._enlarge(np.full((1100, 850), 255, np.uint8), 100, 200)
    assert small.shape == (2200, 1700) and small_dpi == 200  # an A4 at 100 dpi: doubled as before


class _Reading:
    """An engine that reads the given words on any page and counts OSD's questions."""

    def __init__(self, words: list[ocr.Word]) -> None:
        self.words, self.asked = tuple(words), 0

    def recognise(self, image: Image.Image, dpi: int) -> ocr.OcrResult:
        mean = sum(w.confidence for w in self.words) / len(self.words)
        return ocr.OcrResult(" ".join(w.text for w in self.words), mean, self.words)

    def recognise_line(self, image: Image.Image, dpi: int) -> ocr.OcrResult:
        return ocr.OcrResult("", 0.0)

    def osd(self, image: Image.Image, dpi: int) -> int | None:
        self.asked += 1
        return None

    def close(self) -> None:
        pass


def _words(sure: int, scrawls: int) -> list[ocr.Word]:
    """``sure`` printed words read with confidence, ``scrawls`` signatures read as junk."""
    box = (10, 10, 60, 30)
    printed = [ocr.Word("Formation", 0.95, box) for _ in range(sure)]
    return printed + [ocr.Word("~fJ", 0.2, box) for _ in range(scrawls)]


@pytest.mark.parametrize(
    ("sure", "scrawls", "asked"),
    [
        (30, 70, 0),  # a signed sheet: mean 0.43, but its print is read surely
        (2, 98, 1),  # what an upside-down page reads: asked which way is up
        (5, 5, 1),  # too few words to tell
    ],
)
def test_osd_is_asked_about_a_poorly_read_page_unless_its_print_was_read_surely(
    sure: int, scrawls: int, asked: int
) -> None:
    engine = _Reading(_words(sure, scrawls))
    read = ocr.read_image(Image.fromarray(page_gray()), 150, engine, OcrSettings())
    assert read.result.confidence < OcrSettings().recheck_below
    assert engine.asked == asked


class _ReadingOneWayUp(_Reading):
    """Reads the page's print surely only when its ink is in the upper half (the way the
    page was printed); upside down it reads junk. OSD cannot tell, as on a page of few
    printed words among signatures."""

    def __init__(self, upright: list[ocr.Word], upside_down: list[ocr.Word]) -> None:
        super().__init__(upright)
        self.upright, self.upside_down = tuple(upright), tuple(upside_down)

    def recognise(self, image: Image.Image, dpi: int) -> ocr.OcrResult:
        ink = 255 - np.asarray(image.convert("L"), dtype=np.float64)
        half = ink.shape[0] // 2
        words = self.upright if ink[:half].sum() > ink[half:].sum() else self.upside_down
        mean = sum(w.confidence for w in words) / len(words)
        return ocr.OcrResult(" ".join(w.text for w in words), mean, words)


def test_an_upside_down_page_osd_cannot_judge_is_read_the_way_round_that_reads_surely() -> None:
    engine = _ReadingOneWayUp(_words(12, 60), _words(0, 60))
    turned = np.ascontiguousarray(page_gray()[::-1, ::-1])
    read = ocr.read_image(Image.fromarray(turned), 150, engine, OcrSettings())
    assert read.rotation == 180
    assert "Formation" in read.result.text


@pytest.mark.parametrize(("quarters", "rotation"), [(1, 90), (-1, 270)])
def test_a_sideways_page_osd_cannot_judge_is_read_the_way_round_its_lines_say(
    quarters: int, rotation: int
) -> None:
    # Fed sideways either way (a landscape sheet through a portrait feeder), a page of
    # signatures OSD cannot judge is turned upright, not left upside down half the time.
    engine = _ReadingOneWayUp(_words(12, 60), _words(0, 60))
    sideways = np.ascontiguousarray(np.rot90(page_gray(), quarters))
    read = ocr.read_image(Image.fromarray(sideways), 150, engine, OcrSettings())
    assert read.rotation == rotation
    assert "Formation" in read.result.text


def test_a_page_read_no_more_surely_upside_down_is_kept_as_scanned() -> None:
    # Upright, a sparse page of signatures reads poorly; turned it reads as poorly, with a
    # higher mean but no surely read word more: the page is not turned on the mean alone.
    engine = _ReadingOneWayUp(_words(1, 60), [ocr.Word("~~", 0.5, (0, 0, 9, 9))])
    read = ocr.read_image(Image.fromarray(page_gray()), 150, engine, OcrSettings())
    assert read.rotation == 0


class _CountingLines(_Reading):
    """Reads a crop's mean grey as its text and counts how often it is asked to."""

    def __init__(self) -> None:
        super().__init__([ocr.Word("x", 1.0, (0, 0, 1, 1))])
        self.lines = 0

    def recognise_line(self, image: Image.Image, dpi: int) -> ocr.OcrResult:
        self.lines += 1
        return ocr.OcrResult(str(int(np.asarray(image).mean())), 0.9)


def test_a_crop_asked_for_twice_is_read_once_and_another_crop_is_read_on_its_own() -> None:
    inner = _CountingLines()
    engine = ocr.RememberingEngine(inner)
    dark = Image.fromarray(np.full((20, 80), 40, np.uint8))
    light = Image.fromarray(np.full((20, 80), 200, np.uint8))
    first = engine.recognise_line(dark, 200)
    again = engine.recognise_line(Image.fromarray(np.asarray(dark).copy()), 200)
    other = engine.recognise_line(light, 200)
    assert inner.lines == 2  # the same pixels twice: read once
    assert first == again and first.text == "40" and other.text == "200"
    engine.recognise_line(dark, 300)  # told another resolution: read again
    assert inner.lines == 3


class _TellingOsd(_ReadingOneWayUp):
    """Reads surely only the way up the page was printed; OSD says how to turn it; counts
    the readings."""

    def __init__(self, turn: int) -> None:
        super().__init__(_words(40, 10), _words(0, 60))
        self.turn, self.readings = turn, 0

    def recognise(self, image: Image.Image, dpi: int) -> ocr.OcrResult:
        self.readings += 1
        return super().recognise(image, dpi)

    def osd(self, image: Image.Image, dpi: int) -> int | None:
        self.asked += 1
        return self.turn


def test_a_page_scanned_upside_down_is_turned_before_it_is_read_once_without_asking_osd() -> None:
    turned = np.ascontiguousarray(page_gray()[::-1, ::-1])
    assert ocr.prepare(Image.fromarray(turned), 150, OcrSettings()).upside_down
    engine = _TellingOsd(180)
    read = ocr.read_image(Image.fromarray(turned), 150, engine, OcrSettings())
    assert read.rotation == 180 and read.geometry.turn == 180
    assert "Formation" in read.result.text
    assert engine.readings == 1 and engine.asked == 0


def test_a_page_the_profile_wrongly_calls_upside_down_is_kept_as_it_came() -> None:
    # The lines' profile says upside down, but turned over the page reads junk and as it
    # came it reads surely: it is kept as it came.
    turned = np.ascontiguousarray(page_gray()[::-1, ::-1])
    engine = _ReadingOneWayUp(_words(0, 60), _words(12, 60))
    read = ocr.read_image(Image.fromarray(turned), 150, engine, OcrSettings())
    assert read.rotation == 0 and read.geometry.turn == 0
    assert "Formation" in read.result.text


def test_a_page_fed_sideways_whose_lines_show_which_way_up_is_read_without_asking_osd() -> None:
    sideways = np.ascontiguousarray(np.rot90(page_gray(), k=1))  # turned 90° anticlockwise
    engine = _TellingOsd(0)
    read = ocr.read_image(Image.fromarray(sideways), 150, engine, OcrSettings())
    assert read.rotation == 90 and "Formation" in read.result.text
    assert engine.readings == 1 and engine.asked == 0


def test_an_upright_page_is_read_without_asking_osd_first() -> None:
    assert not ocr.prepare(Image.fromarray(page_gray()), 150, OcrSettings()).upside_down
    engine = _TellingOsd(180)  # would turn it: it must not be asked
    read = ocr.read_image(Image.fromarray(page_gray()), 150, engine, OcrSettings())
    assert read.rotation == 0 and engine.asked == 0 and engine.readings == 1


@pytest.mark.parametrize("quarter", [1, -1])
def test_a_sideways_page_osd_cannot_judge_is_read_the_way_round_that_reads_surely(
    quarter: int,
) -> None:
    # The ink profiles say sideways, not which way round: turned the wrong way, the page
    # reads junk, and is read turned over too.
    engine = _ReadingOneWayUp(_words(12, 60), _words(0, 60))
    sideways = np.ascontiguousarray(np.rot90(page_gray(), quarter))
    read = ocr.read_image(Image.fromarray(sideways), 150, engine, OcrSettings())
    assert read.rotation in (90, 270)
    assert "Formation" in read.result.text


@pytest.mark.ocr
def test_tesseract_reads_a_page_turned_a_quarter_down_the_page_and_says_so(
    engine: TesserocrEngine,
) -> None:
    # A page turned the wrong quarter still reads well (Tesseract turns its lines), so a
    # good reading is no proof it stands upright: its word boxes run down the page.
    upright = engine.recognise(Image.fromarray(page_gray()), 150).words
    turned = engine.recognise(Image.fromarray(np.ascontiguousarray(np.rot90(page_gray()))), 150)
    assert not ocr.read_down(upright)
    assert ocr.read_down(turned.words)


class _ReadingAcross(_Reading):
    """Reads the page's print across when it stands as printed (portrait), down the page
    (boxes taller than wide) when turned a quarter."""

    def recognise(self, image: Image.Image, dpi: int) -> ocr.OcrResult:
        tall = image.height > image.width
        box = (10, 10, 60, 30) if tall else (10, 10, 30, 60)
        words = tuple(ocr.Word("Formation", 0.95, box) for _ in range(12))
        return ocr.OcrResult(" ".join(w.text for w in words), 0.95, words)


def test_a_page_its_ink_profiles_turned_a_quarter_is_read_as_fed_when_its_words_run_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A ruled grid of signatures scores high on both axes: the profiles may call an upright
    # page sideways. Its words then read down the page, and the page is read as it came.
    real = ocr.estimate_alignment

    def sideways_grid(gray: np.ndarray, max_skew: float, sideways: bool = True) -> ocr.Alignment:
        return ocr.Alignment(90, 0.0, 0.7) if sideways else real(gray, max_skew, sideways)

    monkeypatch.setattr(ocr, "estimate_alignment", sideways_grid)
    read = ocr.read_image(Image.fromarray(page_gray()), 150, _ReadingAcross([]), OcrSettings())
    assert read.rotation == 0
    assert read.image_size[1] > read.image_size[0]
