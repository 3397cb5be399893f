"""Reading the sample corpus's ground truth: expected.json and the truth texts.

Shared by the tests and the benchmarks so that both read the corpus the same
way. ``text_dir`` lets a benchmark read other texts (e.g. what the OCR made of
the same files) laid out like ``truth/``.
"""

from __future__ import annotations

import json
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parent


@dataclass(frozen=True)
class TruthDoc:
    """One document of the corpus: where it is, its text, and what it should give."""

    file: str  # relative to partage/
    first: int
    last: int
    text: str
    expected: dict[str, Any]  # the document's entry in expected.json

    @property
    def ident(self) -> str:
        return f"{self.file}#{self.first}"


def expected(samples: Path = SAMPLES) -> dict[str, Any]:
    path = samples / "expected.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"files": []}


def documents(samples: Path = SAMPLES, text_dir: Path | None = None) -> list[TruthDoc]:
    """Every typed document of the corpus that has a text (bad and ignored files have none)."""
    source = text_dir or samples / "truth"
    found = []
    for entry in expected(samples)["files"]:
        path = source / f"{entry['file']}.txt"
        if not path.exists():
            continue
        pages = path.read_text(encoding="utf-8").split("\f")
        for doc in entry.get("documents", []):
            if doc.get("type") and doc.get("pages"):
                first, last = doc["pages"]
                body = "\f".join(pages[first - 1 : last])
                found.append(TruthDoc(entry["file"], first, last, body, doc))
    return found


_CONFUSIONS = {"l": "1", "O": "0", "o": "0", "i": "l", "e": "c", "m": "rn", "I": "l"}


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def ocr_noise(text: str, seed: int, rate: float = 0.03) -> str:
    """Text as a poor OCR reads it: no accents, confused letters, broken and split words."""
    rng = random.Random(seed)
    out = []
    for char in strip_accents(text):
        roll = rng.random()
        if char in _CONFUSIONS and roll < rate:
            out.append(_CONFUSIONS[char])
        elif char == " " and roll < rate:
            out.append(rng.choice(["\n", "  ", ""]))
        elif char.isalpha() and roll < rate / 4:
            out.append(char + " ")  # a word split in two
        else:
            out.append(char)
    return "".join(out)
