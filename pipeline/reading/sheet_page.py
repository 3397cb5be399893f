"""Reading one attendance page: the picture made square-on and OCR'd (or a born-digital
page's words), its ruled table, a table ruled by rows only, an unruled table, or séance
tables stacked down the page, each read under its heading."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import cv2
import numpy as np
from PIL import Image

from pipeline.ocr import (
    OcrEngine,
    Word,
    components,
)
from pipeline.parse import find_dates
from pipeline.reading.cells import SheetPage, clean_crop, trainer_boxes
from pipeline.reading.header import UNKNOWN, plan, reads_as_name, role_of
from pipeline.reading.sheet_columns import title_count, with_header_above, year_hint
from pipeline.reading.sheet_grid import read_grid
from pipeline.reading.sheet_results import Carry, CellRead, Column, SheetRead, column_widths
from pipeline.reading.sheet_text import halves_named, is_column_title, title_date
from pipeline.reading.tables import Rulings, Table, squared, tables_in
from pipeline.reading.unruled import (
    DASHES,
    body_ink,
    column_gap,
    header_labels,
    header_titles,
    split_header,
    unruled_table,
    with_dashes,
)
from pipeline.reading.words import lines as line_groups
from pipeline.reading.words import text_of, words_in


def ocr_page(gray: np.ndarray, dpi: int, engine: OcrEngine) -> tuple[Rulings, SheetPage]:
    """A page whose text-layer boxes need not match its print (an invisible OCR layer over
    a scan), made square-on and OCR'd."""
    ruled, _ = squared(Rulings.of(gray, dpi), dpi)
    words = engine.recognise(Image.fromarray(ruled.gray), dpi).words
    return ruled, page_of(ruled, dpi, engine, words, exact=False)


def page_of(
    ruled: Rulings, dpi: int, engine: OcrEngine, words: Sequence[Word], exact: bool = True
) -> SheetPage:
    lines = cv2.dilate(cv2.bitwise_or(ruled.horiz, ruled.vert), np.ones((3, 3), np.uint8))
    return SheetPage(ruled.gray, dpi, ruled.ink, lines, tuple(words), engine, exact)


def read_page(
    page: SheetPage, ruled: Rulings, started: float, after: Carry | None = None
) -> SheetRead:
    dpi = page.dpi
    tables = tables_in(ruled.horiz, ruled.vert, dpi, ruled.pieces)
    grids = _beside_frames(page, [t for t in tables if len(t.xs) > 2 and len(t.ys) > 2], tables)
    framed = _framed_stack(page, tables) if not grids else []
    if len(framed) > 1:
        return _read_stack(page, framed, started, tables)
    if not grids:
        # Rules between some rows only (a frame, a header's band): the rows of print
        # tell more rows apart than the rules, and are taken instead.
        ruled_rows = _rows_only_table(page, ruled)
        by_words, reread = _unruled_read(page, tables)
        found = [t for t in (ruled_rows, by_words) if t]
        unruled = max(found, key=lambda t: len(t.ys)) if found else None
        if ruled_rows is not None and _evenly_ruled(ruled_rows):
            # A rule under every row: a cell's print wrapped on two lines is no two rows.
            unruled = ruled_rows
        elif (
            ruled_rows is not None
            and _evenly_ruled(ruled_rows, 2)
            and _within_rows(by_words, ruled_rows)
        ):
            # Two rows of one height ruled, the words' table inside them: its rows are
            # lines of print ("lundi 2" over "février 2026", a mention under a signature),
            # the rules' the rows.
            unruled = ruled_rows
        if unruled is None:
            return SheetRead((), (), (), time.perf_counter() - started, ("no ruled table found",))
        if unruled is by_words:
            # Its header as read again to find it, not as the page OCR garbled it.
            page = _with_words(page, reread)
        grids = [unruled]
    largest = max(grids, key=lambda t: (t.xs[-1] - t.xs[0]) * (t.ys[-1] - t.ys[0]))
    largest = _lined_up_within(page, ruled, largest) or largest
    stack = _stacked(grids, largest)
    if len(stack) > 1:
        return _read_stack(page, stack, started, tables)
    grid = with_header_above(page, largest)
    cells, trainer, columns, problems, trainee, first = read_grid(page, grid, after)
    boxes = _boxes_under(tables, grid, page.gray.shape[0], dpi)
    if not trainer and boxes:
        trainer = trainer_boxes(page, boxes, columns)
    if trainee is None:
        layout, trainee = ("day" if len({c.date for c in columns}) == 1 else "grid"), ""
    else:
        layout = "trainee"
    return SheetRead(
        tuple(cells),
        tuple(trainer),
        tuple(columns),
        time.perf_counter() - started,
        problems,
        layout,
        trainee,
        Carry(first, tuple(columns), column_widths(grid), grid.ys[-1] / page.gray.shape[0]),
    )


def _lined_up_within(page: SheetPage, ruled: Rulings, grid: Table) -> Table | None:
    """A table ruled as a frame and barely more (a shaded header band across it, the
    edges of shaded cells read as rules) whose print lines up, inside the frame, in more
    columns and more rows than its rules draw: the table its words make; None otherwise.

    Its rules say so: no more than one rule across it, and none between the titles of
    its top row (the band is one cell however many columns the shaded cells draw)."""
    if len(grid.ys) > 3 or any(grid.walls[0]):
        return None
    found = unruled_table(page.words, page.dpi, _titled_header, grid.box, _unlined(page))
    if found is None or len(found.xs) <= len(grid.xs) or len(found.ys) <= len(grid.ys):
        return None
    # The boundaries laid out from the words are guesses anywhere in the gap between
    # the columns' (rows') print; an edge drawn in that gap as long as a row (a shaded
    # cell's side, the header band's foot) is where the sheet puts it.
    left, top, right, bottom = grid.box
    inside = [w for w in page.words if _within(w.box, grid.box)]
    least = max(page.dpi // 5, int(0.8 * min(np.diff(found.ys[found.head :]), default=0)))
    upright = _edges((ruled.vert[top:bottom] > 0).sum(axis=0) >= least)
    across = (ruled.horiz[top:bottom, left:right] > 0).sum(axis=1) >= least
    level = [top + y for y in _edges(across)]
    xs = _drawn_in_gaps(found.xs, upright, [(w.box[0], w.box[2]) for w in inside])
    ys = _drawn_in_gaps(found.ys, level, [(w.box[1], w.box[3]) for w in inside])
    return replace(found, xs=xs, ys=ys)


def _within(box: tuple[int, int, int, int], frame: tuple[int, int, int, int]) -> bool:
    return box[0] >= frame[0] and box[1] >= frame[1] and box[2] <= frame[2] and box[3] <= frame[3]


def _edges(along: np.ndarray) -> list[int]:
    """The middle of each run of True: a drawn edge a few pixels thick, as one position."""
    runs = np.flatnonzero(np.diff(np.concatenate(([0], along.astype(np.int8), [0]))))
    return [int(start + end - 1) // 2 for start, end in zip(runs[::2], runs[1::2], strict=True)]


def _drawn_in_gaps(
    guessed: Sequence[int], drawn: Sequence[int], spans: Sequence[tuple[int, int]]
) -> tuple[int, ...]:
    """Inner boundaries ``guessed`` moved onto the drawn edge nearest them within the gap
    of print they lie in (``spans``: the words' extents along the axis)."""
    out = list(guessed)
    for k in range(1, len(out) - 1):
        at = guessed[k]
        if any(lo < at < hi for lo, hi in spans):
            continue
        low = max([hi for lo, hi in spans if hi <= at], default=out[k - 1])
        high = min([lo for lo, hi in spans if lo >= at], default=guessed[k + 1])
        low, high = max(low, out[k - 1]), min(high, guessed[k + 1])
        near = [d for d in drawn if low < d < high]
        if near:
            out[k] = min(near, key=lambda d: abs(d - at))
    return tuple(out)


def _boxes_under(tables: Sequence[Table], grid: Table, end: int, dpi: int) -> list[Table]:
    """The signature boxes under a table and above ``end``: small ruled shapes (a straight
    stroke of the signature inside one may pass for a ruling, so each counts by its
    outline)."""
    return [
        t
        for t in tables
        if t is not grid
        and grid.ys[-1] < t.ys[0]
        and t.ys[-1] <= end
        and (len(t.xs) == 2 or t.ys[-1] - t.ys[0] < dpi)
    ]


def _evenly_ruled(table: Table, least: int = 3) -> bool:
    """Whether a table ruled between rows has ``least`` body rows or more, all of one
    height (within a tenth): every row is ruled, none left to the lines of print."""
    heights = [b - a for a, b in zip(table.ys[1:], table.ys[2:], strict=False)]
    return len(heights) >= least and max(heights) <= 1.1 * min(heights)


def _within_rows(found: Table | None, ruled: Table) -> bool:
    """Whether a table found from the words lies within the ruled one, top to bottom."""
    slack = (ruled.ys[-1] - ruled.ys[1]) // (2 * (len(ruled.ys) - 2))
    return found is None or ruled.ys[0] <= found.ys[0] and found.ys[-1] <= ruled.ys[-1] + slack


def _rows_only_table(page: SheetPage, ruled: Rulings) -> Table | None:
    """A table ruled between its rows only (no column rules): its rows from three or more
    long rules of one extent, its columns from the gaps between the header's titles.

    The header is the print between the first two rules, or on the first rule; its words
    are grouped by horizontal gaps wider than a word space, and a column boundary drawn
    midway between two groups. Most groups must read as column titles ("NOM", "Prénom",
    "Matin", "Signature"...), else this is no attendance table.
    """
    dpi = page.dpi
    count, _, stats = components(ruled.horiz)
    rules = [
        (int(y + h // 2), int(x), int(x + w))
        for i, (x, y, w, h) in enumerate(stats[:, :4])
        if i and w >= 2 * dpi and h < dpi // 8
    ]
    if len(rules) < 3:
        return None
    # The rules of one table share their ends.
    left = int(np.median([r[1] for r in rules]))
    right = int(np.median([r[2] for r in rules]))
    ys = sorted(
        {y for y, x0, x1 in rules if abs(x0 - left) < dpi // 8 and abs(x1 - right) < dpi // 8}
    )
    ys = [y for i, y in enumerate(ys) if i == 0 or y - ys[i - 1] > dpi // 20]
    if len(ys) < 3:
        return None
    for top, bottom in ((ys[0], ys[1]), (ys[0] - dpi // 2, ys[0])):
        box = (left, max(0, top), right, bottom)
        words = _print_words(words_in(page.words, box), dpi)
        if not page.exact and top == ys[0]:
            # A shaded header's titles are often missed or garbled by the page OCR.
            words = _header_read_again(page, box, words)
            if not _titles_header(words, dpi):
                # A header of several lines of print (a date over its half-days over
                # their hours) that a one-line reading and the page OCR both garbled.
                words = _header_read_dense(page, box) or words
        groups, spans = header_titles(words, dpi)
        if len(groups) >= 2 and _titled_header(header_labels(groups, spans)):
            # Between two titles, where the body's print crosses least: a name printed
            # from its cell's left edge starts left of its centred title.
            body = words_in(page.words, (left, bottom, right, ys[-1]))
            inked = body_ink(_unlined(page), bottom + 2, ys[-1] - 2, dpi)
            xs = [left]
            for a, b in zip(groups, groups[1:], strict=False):
                start, end = max(w.box[2] for w in a), min(w.box[0] for w in b)
                xs.append(column_gap(start, end, body, inked))
            xs.append(right)
            if top < ys[0]:
                ys = [max(0, top), *ys]
            walls = [tuple(True for _ in xs[1:-1]) for _ in ys[1:]]
            if spans:
                # A title over several columns: a header row of its own, with no wall
                # under it between the columns it heads.
                ys, walls = split_header(ys, walls, xs, spans, groups)
            return Table(tuple(xs), tuple(ys), tuple(walls))
    return None


def _header_read_again(
    page: SheetPage, box: tuple[int, int, int, int], words: list[Word]
) -> list[Word]:
    """A header's words with those of its band read again on its own as one line
    (:func:`_band_words`) where the page OCR read none; or, when they make more titles
    that mean something (a role, a trainee's name) than that, the band's words alone: the
    page OCR may have read a photo's small bold names as specks ("4") where the band's
    reading finds them whole."""
    band = _band_words(page, box)
    merged = words + _new_words(words, band)
    alone = _print_words(band, page.dpi)
    return alone if _meaningful(alone, page.dpi) > _meaningful(merged, page.dpi) else merged


def _print_words(
    words: Sequence[Word], dpi: int, kept: Callable[[Word], bool] = lambda _: True
) -> list[Word]:
    """The words holding a letter or a digit (and ``kept``), with the dashes between two
    of them: an hours range's dash ("9h00 - 12h30") holds its two ends in one title."""
    dashes = [w for w in words if w.text.strip() in DASHES]
    return with_dashes([w for w in words if _alnum(w) and kept(w)], dashes, dpi)


def _alnum(word: Word) -> bool:
    return any(c.isalnum() for c in word.text)


def _titles_header(words: Sequence[Word], dpi: int) -> bool:
    """Whether words make two titles or more that read as a table's header."""
    groups, spans = header_titles(words, dpi)
    return len(groups) >= 2 and _titled_header(header_labels(groups, spans))


def _header_read_dense(page: SheetPage, box: tuple[int, int, int, int]) -> list[Word]:
    """A header band's words read again as a block of lines (:func:`_band_words` with
    ``dense``), read with some confidence, when they make a header; [] otherwise."""
    band = _band_words(page, box, dense=True)
    words = _print_words(band, page.dpi, _read_word)
    return words if _titles_header(words, page.dpi) else []


def _meaningful(words: Sequence[Word], dpi: int) -> int:
    """How many of the titles the words make have a role or read as a name, less those
    that do neither."""
    labels = header_labels(*header_titles(words, dpi))
    known = [role_of(t).kind != UNKNOWN or reads_as_name(t) for t in labels]
    return sum(known) - (len(known) - sum(known))


def _unlined(page: SheetPage) -> np.ndarray:
    """The page's ink without its ruling lines."""
    return np.where(page.lines > 0, 0, page.ink)


def _new_words(words: Sequence[Word], more: Sequence[Word]) -> list[Word]:
    """The words of ``more`` that overlap none of ``words`` and hold a letter or digit."""

    def apart(a: Word, b: Word) -> bool:
        return (
            a.box[2] <= b.box[0]
            or b.box[2] <= a.box[0]
            or a.box[3] <= b.box[1]
            or b.box[3] <= a.box[1]
        )

    return [
        w for w in more if sum(c.isalnum() for c in w.text) and all(apart(w, old) for old in words)
    ]


def _unruled(page: SheetPage, tables: Sequence[Table]) -> Table | None:
    """A table with no ruling between its cells, or only an outer frame (see
    :func:`_unruled_read`)."""
    return _unruled_read(page, tables)[0]


def _unruled_read(
    page: SheetPage, tables: Sequence[Table]
) -> tuple[Table | None, tuple[Word, ...]]:
    """A table with no ruling between its cells, or only an outer frame: from how its
    words line up (see :mod:`pipeline.reading.unruled`). Also the words of its header band
    read again on their own when the page OCR's alone found no table (they said too
    little there); none when the page OCR's words found it (a name they read whole may
    come out of the band's one-line reading garbled)."""
    frames = _frames(page, tables)
    frame = max(frames, key=lambda t: t.ys[-1] - t.ys[0]).box if frames else None
    found = unruled_table(page.words, page.dpi, _titled_header, frame, _unlined(page))
    if found is None and frame is not None and not page.exact:
        # A photo's shaded header is often missed by the page OCR: its band read again.
        band = tuple(w for w in _band_words(page, frame) if _read_word(w))
        found = unruled_table(page.words + band, page.dpi, _titled_header, frame, _unlined(page))
        if found is not None:
            return found, band
        # A header of several lines of print close together (NOM over Prénom, a title
        # centred across both) keeps all but its top line from a one-line reading.
        dense = _new_words(page.words, _band_words(page, frame, dense=True))
        if dense:
            found = unruled_table(
                [*page.words, *dense], page.dpi, _titled_header, frame, _unlined(page)
            )
            return found, ()
    elif found is not None and frame is not None and not page.exact:
        # A title the page OCR missed leaves its column inside its neighbour's (a
        # morning's marks read as part of the names): the band read again may add it.
        more = [w for w in _new_words(page.words, _band_words(page, frame)) if _title_word(w)]
        again = more and unruled_table(
            [*page.words, *more], page.dpi, _titled_header, frame, _unlined(page)
        )
        if again and len(again.xs) > len(found.xs) and len(again.ys) == len(found.ys):
            return again, ()
    return found, ()


def _read_word(word: Word) -> bool:
    """Whether a word of a header band read again as one line is print read, not ink the
    line reading could not place (a date's line and the half-days' line under it read as
    one: "a" at 0.0 standing over both lines would join "Matin" and "Après-midi" into one
    title, "n" at 0.0 read as a number's title): a word read with some confidence."""
    return word.confidence >= 0.3


def _title_word(word: Word) -> bool:
    """Whether a word read again in a header band may be a title the page OCR missed: a
    column title, or a word of three signs or more read with some confidence (a rule's
    edge and a speck read "LE" at 0.29 are none)."""
    sure = word.confidence >= 0.5 and sum(c.isalnum() for c in word.text) >= 3
    return sure or is_column_title(word.text)


def _with_words(page: SheetPage, more: Sequence[Word]) -> SheetPage:
    """The page with words read again on their own in place of the page OCR's words they
    overlap (a shaded header's garbled print)."""
    if not more:
        return page
    kept = [w for w in page.words if not any(_overlap(w, m) for m in more)]
    return replace(page, words=(*kept, *more))


def _overlap(a: Word, b: Word) -> bool:
    return not (
        a.box[2] <= b.box[0] or b.box[2] <= a.box[0] or a.box[3] <= b.box[1] or b.box[3] <= a.box[1]
    )


def _beside_frames(page: SheetPage, grids: list[Table], tables: Sequence[Table]) -> list[Table]:
    """The grids, but for small ones outside a much larger frame: a signature box under a
    framed table, a straight stroke of the signature ruling it in two, is no table."""
    frames = _frames(page, tables)

    def area(t: Table) -> int:
        return (t.xs[-1] - t.xs[0]) * (t.ys[-1] - t.ys[0])

    def apart(a: Table, b: Table) -> bool:
        return (
            a.ys[0] >= b.ys[-1] or b.ys[0] >= a.ys[-1] or a.xs[0] >= b.xs[-1] or b.xs[0] >= a.xs[-1]
        )

    return [g for g in grids if not any(area(f) > 4 * area(g) and apart(f, g) for f in frames)]


def _frames(page: SheetPage, tables: Sequence[Table]) -> list[Table]:
    """Wide ruled boxes with nothing ruled inside: frames drawn round a table. The edge of
    a photographed sheet, against the table top, is none."""
    height, width = page.gray.shape[:2]
    edge = page.dpi // 20

    def inside(t: Table) -> bool:
        left, top, right, bottom = t.box
        return left > edge and top > edge and right < width - edge and bottom < height - edge

    return [
        t for t in tables if t.xs[-1] - t.xs[0] >= 3 * page.dpi and len(t.ys) == 2 and inside(t)
    ]


def _framed_stack(page: SheetPage, tables: Sequence[Table]) -> list[Table]:
    """One framed table per séance, stacked down the page (frames as wide as each other,
    one under the other), each read from how its words line up; [] when not so."""
    frames = _frames(page, tables)
    if len(frames) < 2:
        return []
    widest = max(frames, key=lambda t: t.xs[-1] - t.xs[0])
    width = widest.xs[-1] - widest.xs[0]
    alike = sorted(
        (t for t in frames if abs(t.xs[0] - widest.xs[0]) <= 0.1 * width),
        key=lambda t: t.ys[0],
    )
    alike = [t for t in alike if abs((t.xs[-1] - t.xs[0]) - width) <= 0.1 * width]
    if any(a.ys[-1] > b.ys[0] for a, b in zip(alike, alike[1:], strict=False)):
        return []
    ink = _unlined(page)
    found = [unruled_table(page.words, page.dpi, _titled_header, t.box, ink) for t in alike]
    return [t for t in found if t is not None]


def _band_words(
    page: SheetPage, frame: tuple[int, int, int, int], dense: bool = False
) -> tuple[Word, ...]:
    """The words of a frame's first line of print (its header: lines of ink closer than
    half a line's height run together), read on their own as one line, in the page's
    pixels. ``dense``: its first lines of print, each closer than a line's height to the
    one above, read as a block (Tesseract's line mode reads only one of them)."""
    left, top, right, bottom = frame
    margin = max(3, page.dpi // 25)
    ink = (page.ink[top + margin : bottom, left + margin : right - margin] > 0) & (
        page.lines[top + margin : bottom, left + margin : right - margin] == 0
    )
    # A row of print: more ink than a speck, and than the faint ragged edge a photo's grey
    # header fill leaves once thresholded (a twentieth of the fullest row's).
    counts = ink.sum(axis=1)
    inked = counts > max(2, page.dpi // 50, int(0.05 * counts.max(initial=0)))
    found = _header_print(inked, page.dpi, dense)
    if found is None:
        return ()
    low = top + margin + found[1] + margin
    crop = clean_crop(page, (left, top, right, min(bottom, low)), crisp=True)
    if crop is None:
        return ()
    pad = page.dpi // 10  # the white border clean_crop adds
    shift = (left - pad, top - pad, left - pad, top - pad)
    return tuple(
        replace(w, box=tuple(a + b for a, b in zip(w.box, shift, strict=True)))  # type: ignore[arg-type]
        for w in (page.engine.recognise if dense else page.engine.recognise_line)(
            crop, page.dpi
        ).words
    )


def _header_print(inked: np.ndarray, dpi: int, dense: bool) -> tuple[int, int] | None:
    """The first run of inked rows a twentieth of an inch high or more (rows closer than
    half the run's height join it), and with ``dense`` the rows after it each closer than
    the run's height to the one above (the header's next lines of print); None if none."""
    runs: list[list[int]] = []
    for y in np.flatnonzero(inked):
        if runs and y - runs[-1][1] <= max(1, (runs[-1][1] - runs[-1][0]) // 2):
            runs[-1][1] = int(y)
        elif runs and runs[-1][1] - runs[-1][0] >= dpi // 20:
            break
        else:
            runs.append([int(y), int(y)])
    if not runs or runs[-1][1] - runs[-1][0] < dpi // 20:
        return None
    start, end = runs[-1]
    height = end - start
    for y in np.flatnonzero(inked[end + 1 :]) + end + 1 if dense else ():
        if y - end > height:
            break
        end = int(y)
    return start, end


def _titled_header(texts: list[str]) -> bool:
    """Whether a line of texts reads as a table's header: most of them column titles, or
    three titles or more that say how to read the table (names and dated or halved
    signature columns: "Nom et prénom | Lun. 09/03 9h-12h | ..."; a body row's date is
    no such plan)."""
    if title_count(texts) >= max(2, 0.6 * len(texts)):
        return True
    # Two texts that plan a table are a title's "Date : 17/02/2026" as often as a header.
    return len(texts) >= 3 and plan(texts) is not None


def _stacked(grids: Sequence[Table], largest: Table) -> list[Table]:
    """One small table per séance stacked down the page: tables as wide as the largest,
    aligned with it, one under the other (top to bottom), each with a body row."""
    width = largest.xs[-1] - largest.xs[0]
    alike = [
        t
        for t in grids
        if len(t.ys) >= 3
        and abs((t.xs[-1] - t.xs[0]) - width) <= 0.1 * width
        and abs(t.xs[0] - largest.xs[0]) <= 0.1 * width
    ]
    alike.sort(key=lambda t: t.ys[0])
    apart = all(a.ys[-1] <= b.ys[0] for a, b in zip(alike, alike[1:], strict=False))
    return alike if apart else [largest]


def _read_stack(
    page: SheetPage, stack: Sequence[Table], started: float, shapes: Sequence[Table] = ()
) -> SheetRead:
    """Séance tables read one by one, each dated by the print between it and the table
    above ("Séance du lundi 18 mai 2026 - matin"), the page's title for the first.

    A séance's heading stands right above its table: the print down to the last ruled
    shape under the table above (the trainer's box, captioned "Matin (9h-12h30)") is that
    séance's, not the next one's heading (:func:`_block_bottom`)."""
    cells: list[CellRead] = []
    trainer: list[CellRead] = []
    columns: list[Column] = []
    problems: list[str] = []
    floor = 0
    # A heading giving the half-day only ("13h30 - 17h"): the page's one day, from the
    # title's lines that name it.
    dated = _day_lines(page, stack[0].ys[0])
    for table in stack:
        words = tuple(w for w in page.words if w.box[1] >= floor)
        later = floor > 0 and _undated(words, table.ys[0])
        band = replace(page, words=dated + words if later else words)
        read = read_grid(band, with_header_above(band, table), None)
        cells += read[0]
        trainer += read[1]
        if not read[1]:
            # The trainer's boxes under this séance's table, above the next table.
            below = min([t.ys[0] for t in stack if t.ys[0] > table.ys[-1]], default=None)
            end = below if below is not None else page.gray.shape[0]
            boxes = _boxes_under(shapes, table, end, page.dpi)
            trainer += trainer_boxes(band, boxes, read[2]) if boxes else []
        columns += read[2]
        problems += read[3]
        floor = _block_bottom(table, stack, shapes)
    layout = "day" if len({c.date for c in columns}) == 1 else "grid"
    spent = time.perf_counter() - started
    return SheetRead(tuple(cells), tuple(trainer), tuple(columns), spent, tuple(problems), layout)


def _block_bottom(table: Table, stack: Sequence[Table], shapes: Sequence[Table]) -> int:
    """The bottom of a séance's block: its table, and the ruled shapes (trainer's boxes)
    between it and the next séance's table."""
    later = [t.ys[0] for t in stack if t.ys[0] >= table.ys[-1]]
    below = min(later, default=None)
    boxes = [
        t.ys[-1]
        for t in shapes
        if t not in stack and t.ys[0] >= table.ys[-1] and below is not None and t.ys[-1] < below
    ]
    return max([table.ys[-1], *boxes])


def _day_lines(page: SheetPage, top: int) -> tuple[Word, ...]:
    """The words of the lines above ``top`` naming the page's one day and nothing else
    ("Journée du lundi 9 mars 2026", "Date : 09/03/2026"; not a period, not a heading
    naming a half-day)."""
    year = year_hint(page.words)
    day = title_date(page.words, top, year)
    if day is None:
        return ()
    lines = line_groups([w for w in page.words if w.box[3] <= top])
    return tuple(
        w
        for line in lines
        if set(find_dates(text_of(line), year)) == {day} and not halves_named(text_of(line))
        for w in line
    )


def _undated(words: Sequence[Word], top: int) -> bool:
    """Whether the print above a séance table (its heading) names no date."""
    return not find_dates(text_of([w for w in words if w.box[3] <= top]))
