"""Renderings of a born-digital PDF: office scan, phone photo, PNG, DOCX; and bad files."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image
from reportlab.pdfgen.canvas import Canvas


def raster(pdf: bytes, dpi: int, grey: bool) -> list[Image.Image]:
    """Rasterises every page of a PDF."""
    doc = pdfium.PdfDocument(pdf)
    out = []
    for i in range(len(doc)):
        bmp = doc[i].render(scale=dpi / 72, grayscale=grey)
        img = bmp.to_pil()
        out.append(img.convert("L" if grey else "RGB"))
    doc.close()
    return out


def _jpeg(img: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, optimize=False, progressive=False, subsampling=2)
    return buf.getvalue()


def _scan_page(
    img: Image.Image, rng: np.random.Generator, angle: float, turn: int, color: bool
) -> Image.Image:
    """Office-scanner look: paper tone, skew, lid border, noise, dust, blur."""
    a = np.asarray(img).astype(np.float32)
    # yellowish paper for colour scans, grey paper otherwise
    paper = np.array([246, 240, 214], np.float32) if color else np.float32(rng.uniform(226, 242))
    ink_floor = rng.uniform(25, 50)
    a = ink_floor + (a / 255.0) * (paper - ink_floor)
    h, w = a.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    m[:, 2] += rng.uniform(-12, 12, 2)
    border = (float(rng.uniform(200, 235)),) * (3 if color else 1)
    a = cv2.warpAffine(
        a, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border
    )
    # a darker strip where the lid did not close
    strip = int(rng.uniform(4, 14))
    a[:, :strip] *= 0.55
    # low-frequency unevenness + grain
    yy = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    shade = 1.0 - 0.05 * (yy - 0.5) ** 2 * 4
    a = a * (shade[..., None] if color else shade)
    a += rng.normal(0, 4.0, a.shape).astype(np.float32)
    for _ in range(int(rng.integers(20, 60))):  # dust specks
        y, x = int(rng.integers(0, h)), int(rng.integers(0, w))
        cv2.circle(a, (x, y), int(rng.integers(1, 3)), (float(rng.uniform(40, 120)),) * 3, -1)
    a = cv2.GaussianBlur(a, (3, 3), rng.uniform(0.5, 0.8))
    a = np.clip(a, 0, 255).astype(np.uint8)
    if turn:
        a = np.ascontiguousarray(np.rot90(a, turn))
    return Image.fromarray(a, "RGB" if color else "L")


def images_pdf(jpegs: Iterable[tuple[bytes, int, int]], dpi: int, creator: str) -> bytes:
    """Wraps JPEG pages (bytes, width px, height px) into an image-only PDF."""
    buf = io.BytesIO()
    c = Canvas(buf, invariant=1, pageCompression=1)
    c.setCreator(creator)
    c.setProducer(creator)
    for data, w, h in jpegs:
        pw, ph = w * 72 / dpi, h * 72 / dpi
        c.setPageSize((pw, ph))
        from reportlab.lib.utils import ImageReader

        c.drawImage(ImageReader(io.BytesIO(data)), 0, 0, pw, ph)
        c.showPage()
    c.save()
    return buf.getvalue()


def scan(
    pdf: bytes,
    seed: int,
    *,
    dpi: int = 150,
    turn: int = 0,
    quality: int = 55,
    color: bool = False,
    creator: str = "Canon iR-ADV C3530 PDF",
) -> bytes:
    """An office scan: one JPEG page per PDF page, no text layer.
    turn: quarter turns counter-clockwise (1 = fed sideways, 2 = upside down)."""
    rng = np.random.default_rng(seed)
    pages = []
    for img in raster(pdf, dpi, grey=not color):
        angle = float(rng.choice([-1, 1]) * rng.uniform(0.5, 3.0))
        page = _scan_page(img, rng, angle, turn, color)
        pages.append((_jpeg(page, quality), page.width, page.height))
    return images_pdf(pages, dpi, creator)


def _desk(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A desk surface: a beige/grey tone with smooth blotches and fine grain."""
    base = np.array(
        [rng.uniform(120, 165), rng.uniform(110, 150), rng.uniform(95, 130)], np.float32
    )
    blotch = cv2.resize(
        rng.normal(0, 1, (6, 8)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC
    )
    fine = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 1.5)
    return base[None, None, :] * (1 + 0.06 * blotch[..., None]) + 6 * fine[..., None]


def photo(pdf: bytes, seed: int, *, long_side: int = 1800, quality: int = 60) -> bytes:
    """A phone photo of the first page: sheet on a desk, perspective, uneven light."""
    rng = np.random.default_rng(seed)
    page = np.asarray(raster(pdf, 150, grey=False)[0]).astype(np.float32)
    page = page * np.array([0.97, 0.95, 0.9], np.float32)  # warm indoor light
    ph, pw = page.shape[:2]
    if pw > ph:
        out_w, out_h = long_side, long_side * 3 // 4
    else:
        out_w, out_h = long_side * 3 // 4, long_side
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    bg = _desk(rng, out_h, out_w)
    # where the sheet's corners land
    s = min((out_w * 0.84) / pw, (out_h * 0.84) / ph)
    cx, cy = out_w / 2 + rng.uniform(-25, 25), out_h / 2 + rng.uniform(-25, 25)
    hw, hh = pw * s / 2, ph * s / 2
    dst = np.array(
        [[cx - hw, cy - hh], [cx + hw, cy - hh], [cx + hw, cy + hh], [cx - hw, cy + hh]], np.float32
    )
    k = out_w / 1000
    dst[0] += [rng.uniform(10, 45) * k, rng.uniform(5, 30) * k]  # top narrower: phone tilted
    dst[1] += [-rng.uniform(10, 45) * k, rng.uniform(5, 30) * k]
    dst += (rng.uniform(-12, 12, dst.shape) * k).astype(np.float32)
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    mtx = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(page, mtx, (out_w, out_h), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.ones((ph, pw), np.float32), mtx, (out_w, out_h))
    mask = cv2.GaussianBlur(mask, (3, 3), 0.8)[..., None]
    # the sheet casts a faint shadow on the desk
    drop = cv2.GaussianBlur(np.roll(mask[..., 0], (int(6 * k), int(8 * k)), (0, 1)), (0, 0), 6 * k)[
        ..., None
    ]
    bg = bg * (1 - 0.35 * drop)
    img = warped * mask + bg * (1 - mask)
    # uneven lighting: a light source off one corner, and a soft shadow of the phone
    lx, ly = rng.uniform(0, out_w), rng.uniform(0, out_h * 0.4)
    dist = np.sqrt((xx - lx) ** 2 + (yy - ly) ** 2) / np.hypot(out_w, out_h)
    light = 1.08 - 0.45 * dist
    sx = rng.uniform(0.55, 0.8) * out_w
    shadow = 1 - 0.2 / (1 + np.exp(-(xx + 0.4 * yy - sx) / (60.0 * k)))
    img = img * (light * shadow)[..., None]
    img += rng.normal(0, 3.0, img.shape)
    img = cv2.GaussianBlur(img, (3, 3), 0.9)
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    return _jpeg(out, quality)


def png(pdf: bytes, dpi: int = 100) -> bytes:
    """A clean PNG export of the first page (greyscale)."""
    img = raster(pdf, dpi, grey=True)[0]
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def normalise_zip(data: bytes) -> bytes:
    """Rewrites a zip (DOCX) with fixed timestamps, so bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 5, 9, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return buf.getvalue()


def encrypt(pdf: bytes, password: str) -> bytes:
    """A PDF that needs a user password to open (RC4-128, deterministic file id)."""
    import hashlib

    import pypdf
    import pypdf._writer as pw

    class _FixedSecrets:
        """pypdf draws the file id from `secrets`; make it reproducible."""

        def __init__(self) -> None:
            self.n = 0

        def token_bytes(self, k: int) -> bytes:
            self.n += 1
            return hashlib.sha256(f"{password}{self.n}".encode()).digest()[:k]

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    writer = pypdf.PdfWriter(clone_from=reader)
    saved = pw.secrets
    pw.secrets = _FixedSecrets()  # type: ignore[assignment]
    try:
        writer.encrypt(
            user_password=password, owner_password=password + "-owner", algorithm="RC4-128"
        )
        buf = io.BytesIO()
        writer.write(buf)
    finally:
        pw.secrets = saved
    return buf.getvalue()
