"""Files whose reading never ends well: a reader that crashes on them, or never returns.

The worker reading such a file dies (or is ended after ``[watch] max_minutes_per_file``);
the file is read again alone, so that no other file is blamed; if that ends the same way,
it is set aside with a reason a person can act on, its original bytes archived, and the
daemon goes on. Every other file is filed, each once. A worker's memory is capped
(``[watch] worker_memory_mb``): a picture too big for it is set aside, not the machine
starved.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image, ImageDraw

from pipeline.config import load_config
from tests.watchers.conftest import CAMILLE, attestation_pdf, db_rows, make_share
from tests.watchers.faulty import crashes_on_plante, hangs_on_bloque
from watchers.daemon import Daemon


def lay(root: Path, names: list[str]) -> dict[str, bytes]:
    """Attestations under Camille's folder, settled long ago; their bytes by file name."""
    laid = {}
    for n, name in enumerate(names):
        data = attestation_pdf(f"Stagiaire {n:02d}")
        path = root / "partage" / CAMILLE / name
        path.write_bytes(data)
        os.utime(path, (1e9, 1e9))
        laid[name] = data
    return laid


def outcomes(root: Path) -> dict[str, tuple[object, ...]]:
    rows = db_rows(root, "SELECT rel, state, reason, detail, archive_path FROM files")
    assert len(rows) == len({r[0] for r in rows}), "each file recorded once"
    return {str(r[0]).rsplit("/", 1)[-1]: r[1:] for r in rows}


def assert_kept(root: Path, name: str, data: bytes, archive_path: object) -> None:
    assert (root / "partage" / CAMILLE / name).read_bytes() == data, "the share is untouched"
    assert archive_path and Path(str(archive_path)).read_bytes() == data, "archived as is"


def test_a_file_that_crashes_its_reader_twice_is_set_aside_and_the_others_filed(
    tmp_path: Path,
) -> None:
    config = load_config(make_share(tmp_path))
    laid = lay(tmp_path, ["attestation 00.pdf", "attestation plante.pdf", "attestation 02.pdf",
                          "attestation 03.pdf"])  # fmt: skip
    counters = Daemon(config, worker=crashes_on_plante).run_once()
    found = outcomes(tmp_path)
    state, reason, detail, archived = found["attestation plante.pdf"]
    assert (state, reason) == ("ecarte", "illisible")
    assert "fait s'arrêter brutalement le lecteur deux fois, lu seul" in str(detail)
    assert_kept(tmp_path, "attestation plante.pdf", laid["attestation plante.pdf"], archived)
    others = {name: row[:2] for name, row in found.items() if name != "attestation plante.pdf"}
    assert others == {name: ("traite", None) for name in laid if "plante" not in name}
    assert counters.set_aside == 1 and counters.fault == "", "no fault left going on"


def test_a_file_read_for_too_long_is_stopped_twice_then_set_aside_and_the_others_filed(
    tmp_path: Path,
) -> None:
    config = load_config(make_share(tmp_path, "max_minutes_per_file = 0.03\n"))  # 1.8 s
    laid = lay(tmp_path, ["attestation 00.pdf", "attestation bloque.pdf", "attestation 02.pdf"])
    Daemon(config, worker=hangs_on_bloque).run_once()
    found = outcomes(tmp_path)
    state, reason, detail, archived = found["attestation bloque.pdf"]
    assert (state, reason) == ("ecarte", "trop-volumineux")
    assert "lecture arrêtée deux fois après 0.03 min" in str(detail)
    assert_kept(tmp_path, "attestation bloque.pdf", laid["attestation bloque.pdf"], archived)
    assert found["attestation 00.pdf"][:2] == found["attestation 02.pdf"][:2] == ("traite", None)


def big_photo() -> bytes:
    """A 60-megapixel photo of a page (under the 80 Mpx intake limit): small as PNG, about
    180 MB once decoded, and more as the clean-up works on it."""
    image = Image.new("RGB", (9000, 6700), "white")
    ImageDraw.Draw(image).text((400, 400), "Attestation de fin de formation", fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_a_photo_needing_more_memory_than_a_worker_may_take_is_set_aside(
    tmp_path: Path,
) -> None:
    config = load_config(make_share(tmp_path, "worker_memory_mb = 900\n", workers=1))
    laid = lay(tmp_path, ["attestation 00.pdf"])
    photo = tmp_path / "partage" / CAMILLE / "photo page.png"
    photo.write_bytes(data := big_photo())
    os.utime(photo, (1e9, 1e9))
    Daemon(config).run_once()
    found = outcomes(tmp_path)
    state, reason, detail, archived = found["photo page.png"]
    assert (state, reason) == ("ecarte", "trop-volumineux")
    assert "demande plus de mémoire que la limite" in str(detail)
    assert_kept(tmp_path, "photo page.png", data, archived)
    assert found["attestation 00.pdf"][:2] == ("traite", None)
    assert laid
