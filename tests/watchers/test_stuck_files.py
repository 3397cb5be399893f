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
import logging
import os
import threading
import time
from pathlib import Path
from unittest.mock import ANY

import pytest
from PIL import Image, ImageDraw

from pipeline.config import load_config
from tests.watchers.conftest import CAMILLE, attestation_pdf, db_rows, make_share, wait_for
from tests.watchers.faulty import (
    READS,
    counts_and_crashes_on_plante,
    crashes_on_plante,
    hangs_on_bloque,
    hangs_on_bloque_setting_aside_too,
    slow_on_lent,
)
from tests.watchers.test_faults import daemon
from watchers.daemon import HEARTBEAT_SECONDS, Daemon


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


def test_a_file_whose_setting_aside_never_ends_either_is_recorded_without_being_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = load_config(make_share(tmp_path, "max_minutes_per_file = 0.03\n"))  # 1.8 s
    laid = lay(tmp_path, ["attestation 00.pdf", "attestation bloque.pdf", "attestation 02.pdf"])
    hanging = {"worker": hangs_on_bloque, "give_up": hangs_on_bloque_setting_aside_too}
    Daemon(config, **hanging).run_once()
    said = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    stopped = [m.split(" : ")[1] for m in said if m.startswith(("lecture de", "mise de"))]
    assert stopped == ["elle sera reprise seule"] + [
        "le fichier sera mis de côté",
        "le fichier est enregistré sans être lu",
    ], said  # read, read alone, set aside by a worker: each stopped by the time limit
    found = outcomes(tmp_path)
    state, reason, detail, archived = found["attestation bloque.pdf"]
    assert (state, reason, archived) == ("ecarte", "trop-volumineux", None)
    assert "lecture arrêtée deux fois après 0.03 min" in str(detail)
    assert "ni lu ni copié dans l'archive" in str(detail)
    assert db_rows(tmp_path, "SELECT sha256 FROM files WHERE rel LIKE '%bloque%'") == [("",)]
    names = {p.name for p in (tmp_path / "archive").rglob("*") if p.is_file()}
    assert names == {"attestation 00.pdf", "attestation 02.pdf"}, "nothing of it archived"
    assert found["attestation 00.pdf"][:2] == found["attestation 02.pdf"][:2] == ("traite", None)
    assert (tmp_path / "partage" / CAMILLE / "attestation bloque.pdf").read_bytes() == laid[
        "attestation bloque.pdf"
    ], "left in the share as it was"
    # The next pass (a restart) leaves it alone: not read again for ever.
    counters = Daemon(config, **hanging).run_once()
    assert (counters.processed, counters.set_aside, counters.faults) == (0, 0, 0)
    assert outcomes(tmp_path) == found


def test_strikes_survive_a_restart_so_a_crashing_file_is_given_up_not_read_for_ever(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(make_share(tmp_path, "retry_minutes = 60\n"))
    laid = lay(tmp_path, ["attestation plante.pdf", "attestation 01.pdf"])
    reads = tmp_path / "lectures"
    monkeypatch.setenv(READS, str(reads))
    first = Daemon(config, worker=counts_and_crashes_on_plante)
    thread = threading.Thread(target=first.run)
    thread.start()
    try:  # its first strike, then an hour to wait before it is read again: stopped before
        wait_for(lambda: (1,) in db_rows(tmp_path, "SELECT count FROM strikes WHERE rel LIKE "
                 "'%plante%'"), 60, "the first strike")  # fmt: skip
    finally:
        first.stop.set()
        thread.join(timeout=60)
    assert len(reads.read_text(encoding="utf-8").splitlines()) == 1
    assert "attestation plante.pdf" not in outcomes(tmp_path)
    Daemon(config, worker=counts_and_crashes_on_plante).run_once()  # started again
    assert len(reads.read_text(encoding="utf-8").splitlines()) == 2, "read once more, alone"
    found = outcomes(tmp_path)
    state, reason, detail, archived = found["attestation plante.pdf"]
    assert (state, reason) == ("ecarte", "illisible")
    assert "fait s'arrêter brutalement le lecteur deux fois, lu seul" in str(detail)
    assert_kept(tmp_path, "attestation plante.pdf", laid["attestation plante.pdf"], archived)
    assert found["attestation 01.pdf"][:2] == ("traite", None)
    assert db_rows(tmp_path, "SELECT * FROM strikes") == [], "cleared once filed or set aside"


def test_the_time_limit_counts_from_when_a_worker_starts_a_file_not_from_its_hand_out(
    tmp_path: Path,
) -> None:
    # One worker, files of a second each, a limit of 1.8 s: the third file is handed out
    # when the first is, but starts two seconds (and a worker's start-up) later.
    config = load_config(make_share(tmp_path, "max_minutes_per_file = 0.03\n", workers=1))
    names = ["attestation 00 lent.pdf", "attestation 01 lent.pdf", "attestation 02 lent.pdf"]
    lay(tmp_path, names)
    counters = Daemon(config, worker=slow_on_lent).run_once()
    assert outcomes(tmp_path) == {name: ("traite", None, None, ANY) for name in names}
    assert (counters.processed, counters.faults) == (3, 0), "none stopped, none struck"


def test_a_link_to_a_pipe_that_never_ends_leaves_the_daemon_beating_and_filing(
    tmp_path: Path,
) -> None:
    """A link that leads, outside the share, to a named pipe nobody writes to: opening it
    waits for ever (as reading ``/dev/zero`` never ends). The heartbeat keeps beating, the
    other files are filed, the link is set aside, and the daemon stops when asked."""
    config = make_share(tmp_path, "max_minutes_per_file = 0.03\nretry_minutes = 0.01\n")
    os.mkfifo(tmp_path / "tuyau")
    lay(tmp_path, ["attestation 00.pdf"])
    (tmp_path / "partage" / CAMILLE / "attestation tuyau.pdf").symlink_to(tmp_path / "tuyau")
    state = tmp_path / "dossiers.etat.json"
    with daemon(config, tmp_path / "watch.log"):
        wait_for(state.exists, 30, "the first heartbeat")
        deadline = time.monotonic() + 60
        while "attestation tuyau.pdf" not in outcomes(tmp_path):
            assert time.monotonic() < deadline, "the link never set aside"
            assert time.time() - state.stat().st_mtime < HEARTBEAT_SECONDS + 3, "no heartbeat"
            time.sleep(0.1)
        (tmp_path / "partage" / CAMILLE / "attestation 02.pdf").write_bytes(
            attestation_pdf("Stagiaire 02")
        )
        wait_for(lambda: outcomes(tmp_path).get("attestation 02.pdf", ("",))[0] == "traite",
                 30, "a file dropped afterwards filed")  # fmt: skip
    found = outcomes(tmp_path)
    assert found["attestation tuyau.pdf"][0] == "ecarte"
    assert found["attestation 00.pdf"][:2] == ("traite", None)
