"""Where each party's signature block lies on a page: its label, and the place to sign.

A block is found by the meaning of its label, in any wording (:mod:`pipeline.reading.parties`:
"Pour l'entreprise bénéficiaire", "L'employeur", "Le/la stagiaire", "Bon pour accord -
signature du client"...), read on runs of words (:func:`pipeline.reading.words.word_runs`:
blocks standing side by side stay apart). One label per party is kept (a row of labels near
the end beats a preamble's mention). The block is the window under the label, up to the next
label on its right: below its caption (name, role, "Cachet et signature":
:mod:`pipeline.reading.caption`), down to the bottom of a box drawn for the signature, up to
the next party's label below; or the blank place above a rule printed over the label. Print
left inside it (a stamp's aside) tells an unread mention or stamp from an empty box.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.ocr import Word
from pipeline.parse import fold
from pipeline.reading.caption import (
    SIGNING_ABOVE_IN,
    box_bottom,
    caption_bottom,
    is_instruction,
    rule_above,
    signing_area_above,
)
from pipeline.reading.ink import dark
from pipeline.reading.page import PageView
from pipeline.reading.parties import Party, is_own_label, party_of
from pipeline.reading.stamps import stamps
from pipeline.reading.words import PRINT_CONFIDENCE, union, word_runs

#: Ink darker than this is print or pen.
INK_LEVEL = 150
#: The block under a label, in inches: its depth and its widest reach to the right.
BLOCK_DEPTH_IN = 1.3
BLOCK_WIDTH_IN = 3.3
#: The depth of the place to sign under a block's caption when no box is drawn, inches.
SIGNING_DEPTH_IN = 1.0


@dataclass(frozen=True)
class Label:
    """A party label found on the page, in pixels of the analysed image."""

    party: Party
    box: tuple[int, int, int, int]  # left, top, right, bottom
    # Says no party's noun ("Bon pour accord"): it may be written inside another block.
    mention: bool = False


def find_labels(words: Sequence[Word], organisme_names: Sequence[str] = ()) -> list[Label]:
    """Party labels: runs of words (:func:`word_runs`) that read as a label."""
    found = []
    for run in word_runs(words):
        text = " ".join(w.text for w in run)
        party = party_of(text, organisme_names)
        if party is not None:
            found.append(Label(party, union([w.box for w in run]), is_own_label(text)))
    return found


def one_per_party(labels: Sequence[Label]) -> list[Label]:
    """Each party's signature label: one in a row of labels, else the lowest on the page.

    Labels also occur in the preamble ("L'organisme de formation : ..."); signature blocks
    stand side by side near the end. A label naming its party beats a "Bon pour accord",
    which may be written by hand inside another party's block.
    """
    chosen: dict[Party, Label] = {}
    for label in sorted(
        labels, key=lambda lab: (not lab.mention, _row_mates(lab, labels), lab.box[1])
    ):
        chosen[label.party] = label  # later (better) candidates overwrite earlier ones
    return list(chosen.values())


def _row_mates(label: Label, labels: Sequence[Label]) -> int:
    top, bottom = label.box[1], label.box[3]
    return sum(
        1
        for other in labels
        if other.party != label.party and other.box[1] < bottom and other.box[3] > top
    )


def block_regions(
    labels: Sequence[Label], view: PageView
) -> dict[Label, tuple[int, int, int, int]]:
    """The window under each label: down to ``BLOCK_DEPTH_IN``, right to the next label."""
    height, width = view.gray.shape
    regions = {}
    for label in labels:
        left, top, _, bottom = label.box
        right = min(width, left + int(BLOCK_WIDTH_IN * view.dpi))
        for other in labels:
            same_row = other.box[1] < bottom and other.box[3] > top
            if other is not label and same_row and other.box[0] > left:
                right = min(right, other.box[0] - int(0.05 * view.dpi))
        # Start a little left: box borders and signatures overhang the label's first letter.
        start = max(0, left - int(0.1 * view.dpi))
        end = min(height, top + int(BLOCK_DEPTH_IN * view.dpi))
        regions[label] = (start, bottom + 1, right, end)
    return regions


def above_line(
    view: PageView, label: Label, region: tuple[int, int, int, int]
) -> tuple[int, int, int, int] | None:
    """The place to sign above a rule printed just over the label ("________ / Le client"),
    when there is blank room above that rule."""
    left, _, right, _ = region
    rule = rule_above(view.gray, view.dpi, (left, right), label.box[1])
    if rule is None:
        return None
    # A stamp's words above the rule are in the place to sign, not print closing it.
    stamped = in_stamps(view, (left, max(0, rule - int(SIGNING_ABOVE_IN * view.dpi)), right, rule))
    words = [w for w in view.words if not stamped(w)]
    rows = signing_area_above(words, view.dpi, (left, right), rule)
    return (left, rows[0], right, rows[1]) if rows is not None else None


def down_to_box(
    view: PageView, label: Label, region: tuple[int, int, int, int], labels: Sequence[Label]
) -> tuple[int, int, int, int]:
    """``region`` reaching down to the bottom of the box drawn for the signature, if any
    (a caption of several lines pushes a box below the usual depth), and no further than
    the next party's label below (blocks stacked in a column)."""
    left, top, right, bottom = region
    caption = caption_bottom(view.words, label.box, region)
    # The place to sign starts under the caption, however many lines it has.
    bottom = max(bottom, min(view.gray.shape[0], caption + int(SIGNING_DEPTH_IN * view.dpi)))
    below = box_bottom(view.gray, view.dpi, (left, right), caption)
    if (
        below is not None
        and below > bottom
        and not _print_between(view, (left, bottom, right, below))
    ):
        bottom = below
    for other in labels:
        below = other.box[1] > label.box[3] and other.box[0] < right and other.box[2] > left
        # "Bon pour accord" over "signature du client", or written in the block: no end.
        if below and other.party != label.party and not other.mention:
            bottom = min(bottom, other.box[1] - int(0.05 * view.dpi))
    return (left, top, right, max(top + 1, bottom))


def _print_between(view: PageView, area: tuple[int, int, int, int]) -> bool:
    """Print in ``area`` other than a stamp's or an instruction: the next row of a table,
    not the lower part of a box drawn for the signature."""
    left, top, right, bottom = area
    stamped = in_stamps(view, area)
    words = [
        w
        for w in view.words
        if w.confidence >= PRINT_CONFIDENCE
        and re.search(r"\w\w\w", w.text)
        and left <= (w.box[0] + w.box[2]) // 2 <= right
        and top <= (w.box[1] + w.box[3]) // 2 <= bottom
        and not stamped(w)
    ]
    return len(words) >= 2 and not is_instruction(words)


def print_in_box(view: PageView, label: Label, region: tuple[int, int, int, int]) -> bool:
    """Printed words in the box itself, below the block's caption (label, name, role,
    instruction): a stamp or an e-signature mention that was not read as one. Erased as
    print, they would leave the block empty with full confidence; a person checks them.
    """
    left, _, right, bottom = region
    below = caption_bottom(view.words, label.box, region)
    stamped = in_stamps(view, region)
    inside = [
        w
        for w in view.words
        if w.confidence >= PRINT_CONFIDENCE
        and re.search(r"\w\w\w", w.text)
        and w.box[1] > below
        and w.box[3] <= bottom
        and left <= w.box[0]
        and w.box[2] <= right
        and not stamped(w)
    ]
    return len(inside) >= 2 and not is_instruction(inside)


def in_stamps(view: PageView, region: tuple[int, int, int, int]) -> Callable[[Word], bool]:
    """Whether a word's centre lies inside a stamp found in ``region`` (its print)."""
    left, top, right, bottom = region
    _, insides = stamps(dark(view.gray[top:bottom, left:right], INK_LEVEL), view.dpi)

    def stamped(word: Word) -> bool:
        x = (word.box[0] + word.box[2]) // 2 - left
        y = (word.box[1] + word.box[3]) // 2 - top
        return any(0 <= y < m.shape[0] and 0 <= x < m.shape[1] and m[y, x] for m in insides)

    return stamped


def closing_line(view: PageView) -> Word | None:
    """The first word of the page's last "Fait à <place>, le <date>" line, if any."""
    starts = [
        run[0]
        for run in word_runs(view.words)
        if len(run) >= 2 and fold(run[0].text) == "fait" and fold(run[1].text) in ("a", "au")
    ]
    return max(starts, key=lambda w: w.box[1]) if starts else None


def reread_top(view: PageView, labels: Sequence[Label]) -> int:
    """Where to start reading the page again: a little above the labels found and the
    "Fait à" line, else the lower two thirds of the page."""
    tops = [label.box[1] for label in labels]
    closing = closing_line(view)
    if closing is not None:
        tops.append(closing.box[1])
    if not tops:
        return view.gray.shape[0] // 3
    return max(0, min(tops) - int(0.5 * view.dpi))
