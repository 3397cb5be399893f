"""Tables drawn with no ruling between their cells (none at all, or an outer frame only),
found from how their words and ink line up.

The header is the first line of print whose words, grouped by the gaps between them,
mostly read as column titles ("N°", "Nom", "Prénom", "Matin", "Signature"...); a title
standing over the gap between two titles below it (a date over "Matin" and
"Après-midi") heads both and makes a header row of its own. A column boundary runs
between two titles where the body's ink (or, without the picture, its words) crosses
fewest rows. The rows are the lines of print and ink, under the header, in the columns
that name the row (a number, a name, a date, a half-day, hours): a row boundary midway
between two such lines. Marks columns (signatures, e-attendance mentions printed under a
signature) never make rows: a mention would split a trainee's row in two. A gap much
wider than the others ends the table.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence

import numpy as np

from pipeline.ocr import Word
from pipeline.parse import find_dates, fold
from pipeline.reading import header as roles
from pipeline.reading.sheet_text import half_day_of, title_groups
from pipeline.reading.tables import Unruled
from pipeline.reading.words import reading_order, text_of

# Columns whose print names the row (it is typed once per row).
_ROW_KINDS = (
    roles.NUMBER,
    roles.NAME,
    roles.LAST,
    roles.FIRST,
    roles.DATE,
    roles.HALF,
    roles.HOURS,
)

_MARK_KINDS = (roles.SLOT, roles.TRAINEE, roles.TRAINER)

Box = tuple[int, int, int, int]


def unruled_table(
    words: Sequence[Word],
    dpi: int,
    titled: Callable[[list[str]], bool],
    frame: Box | None = None,
    ink: np.ndarray | None = None,
) -> Unruled | None:
    """A table with no inner ruling, its rows from ys[0] the header's top (one header row,
    or two under titles over several columns); None when no header line of titles is
    found or no row lies under it (two at least, unless framed). ``titled``: whether
    the header texts read as column titles. ``frame``: an outer frame drawn round the
    table (its edges are the table's). ``ink``: the page's ink without its rulings (where
    handwriting with no words runs, no column boundary does)."""
    inside = [w for w in words if _alnum(w) and (frame is None or _within(w, frame))]
    lines = _lines(inside)
    dashes = [w for w in words if w.text.strip() in DASHES]
    for index in range(len(lines)):
        band = with_dashes(_without_specks(_header_band(lines, index), dpi), dashes, dpi)
        if not band:
            continue  # a line of specks only
        groups, spans = header_titles(band, dpi)
        texts = header_labels(groups, spans)
        widened = _with_name_lines(lines, index, band, dpi)
        if widened is not None:
            band, groups, spans, texts = widened
        if len(groups) < 2 or (len(groups) == 2 and frame is None) or not titled(texts):
            continue
        if index and not spans and widened is None:
            # The line just above may head these titles in twos (a date over "Matin" and
            # "Après-midi"), a little further off than a wrapped line would be.
            band, groups, spans, texts = _with_line_above(lines[index - 1], band, groups, dpi)
        if any(_several(text) for text in texts):
            return None  # titles run together: the columns are not told apart
        top = min(w.box[1] for w in band)
        bottom = max(w.box[3] for w in band)
        kinds = [roles.role_of(text).kind for text in texts]
        if not any(kind in _MARK_KINDS for kind in kinds) and not _people(texts):
            continue  # an attendance table has a column to sign in, or one per trainee
        xs = _columns(
            groups, inside, bottom, dpi, frame, _body_ink(ink, bottom, inside, frame, dpi)
        )
        named = _row_columns(kinds)
        anchors = [w for w in inside if w.box[1] > bottom and _column_of(w, xs) in named]
        if ink is not None:
            # Lines of ink in those columns too: a name written by hand has no words on
            # a digital page, and bold print may come out of the OCR as one garbled word.
            end = frame[3] if frame is not None else max(w.box[3] for w in inside)
            anchors += _ink_lines(ink, xs, named, (bottom + 2, end - 2), dpi)
        found = _rows(anchors, top, bottom, frame)
        if found is None:
            continue
        ys, walls = list(found), [tuple(True for _ in xs[1:-1]) for _ in found[1:]]
        if spans:
            ys, walls = split_header(ys, walls, list(xs), spans, groups)
        return Unruled(tuple(xs), tuple(ys), tuple(walls), len(ys) - len(found) + 1)
    return None


def _with_line_above(
    above: Sequence[Word], band: list[Word], groups: list[list[Word]], dpi: int
) -> tuple[list[Word], list[list[Word]], list[list[Word]], list[str]]:
    """The header band with the line above it when that line is closer than two line
    heights, heads some of the band's titles in twos, and makes no column of its own;
    else as it is."""
    height = statistics.median(w.box[3] - w.box[1] for w in band)
    gap = min(w.box[1] for w in band) - max(w.box[3] for w in above)
    wider = [*above, *band]
    columns, spans = header_titles(wider, dpi)
    if gap < 2 * height and spans and len(columns) == len(groups):
        return wider, columns, spans, header_labels(columns, spans)
    return band, groups, [], header_labels(groups, [])


def header_titles(band: Sequence[Word], dpi: int) -> tuple[list[list[Word]], list[list[Word]]]:
    """A header's column titles, left to right, and the titles over several of them.

    Each line of the header is grouped by the gaps between its words. A title standing
    over the gap between two titles of the lines below ("24/09/2025" over "Matin" and
    "Après-midi") heads both, and makes no column of its own. The other titles, joined
    where they overlap (a title wrapped over two lines), are the columns.
    """
    # A title over two others names one day (or one half-day); a line naming several is
    # the titles of neighbouring columns run together, no title over them.
    spans = [
        g
        for line in _lines(band)
        for g in title_groups(line, dpi)
        if _over(g, band, dpi) and not _several(text_of(reading_order(g)))
    ]
    spanning = {id(w) for group in spans for w in group}
    groups = title_groups([w for w in band if id(w) not in spanning], dpi)
    groups = [part for group in groups for part in _cut_down(group, dpi)]
    columns: list[list[Word]] = []
    for group in groups:
        parts, over = _apart(group)
        columns += parts
        spans += over
    return columns, spans


def _cut_down(group: list[Word], dpi: int) -> list[list[Word]]:
    """A title of several lines cut where a stretch no word crosses runs down all its
    lines and parts two of them, one of which leaves a title's gap there: two titles
    side by side, each wrapped, one line of them printed close (a long name set smaller
    under a first name), which grouping by gaps alone ran together. A word space never
    runs down two lines and leaves a title's gap in one."""
    lines = _lines(group)
    if len(lines) < 2:
        return [group]
    cut = _channel(group)
    if cut is None:
        return [group]
    left = [w for w in group if (w.box[0] + w.box[2]) / 2 < cut]
    right = [w for w in group if (w.box[0] + w.box[2]) / 2 >= cut]
    wide = any(
        min((w.box[0] for w in line if w.box[0] >= cut), default=cut)
        - max((w.box[2] for w in line if w.box[2] <= cut), default=cut)
        > dpi // 8
        for line in lines
    )
    if not (left and right and wide):
        return [group]
    return _cut_down(left, dpi) + _cut_down(right, dpi)


def _apart(group: list[Word]) -> tuple[list[list[Word]], list[list[Word]]]:
    """A title naming several days or both half-days: the titles of neighbouring columns
    printed close enough to run together ("Lundi 15/12 Après-midi" beside "Mardi 16/12
    Après-midi"). Cut at the widest gap running down all its lines, when each side names
    a day, a half-day or hours of its own, and again while a side still names several.

    Also the titles over the cut: a day printed over its two half-days' titles, these
    too close together to leave a title's gap (:func:`_day_over`)."""
    if not _several(text_of(reading_order(group))):
        return [group], []
    over: list[Word] = []
    cut = _channel(group)
    if cut is None:
        cut, over = _day_over(group)
    if cut is None:
        return [group], []
    rest = [w for w in group if w not in over]
    left = [w for w in rest if (w.box[0] + w.box[2]) / 2 < cut]
    right = [w for w in rest if (w.box[0] + w.box[2]) / 2 >= cut]
    if not (left and right and all(_slot_title(p) for p in (left, right))):
        return [group], []
    parts_left, over_left = _apart(left)
    parts_right, over_right = _apart(right)
    return parts_left + parts_right, ([over] if over else []) + over_left + over_right


def _day_over(group: Sequence[Word]) -> tuple[float | None, list[Word]]:
    """Where a title's lines below its first part two columns (:func:`_channel`) that the
    first line, naming one day and nothing else, runs across: the cut and that line's
    words; (None, []) when not so."""
    lines = _lines(group)
    if len(lines) < 2:
        return None, []
    top = lines[0]
    text = text_of(reading_order(top))
    if half_day_of(text) or _several(text):
        return None, []
    if len(find_dates(fold(text), 2000)) == 1:
        # The titles under it on one line of print or more (a slanted scan may run a
        # title's two lines together).
        cut = _channel([w for line in lines[1:] for w in line], one_line=True)
        if cut is None or not all(w.box[0] < cut < w.box[2] for w in top if _alnum(w)):
            return None, []
        return cut, list(top)
    # A weekday and the day's number ("Vendredi 18"), its month on a line of its own
    # (taken as a title over the columns already): centred over the cut, its words
    # either side of it.
    if len(lines) < 3 or not _WEEKDAY_DAY.fullmatch(fold(text).strip()):
        return None, []
    cut = _channel([w for line in lines[1:] for w in line])
    left, right = _reach(top)
    if cut is None or not left < cut < right or abs((left + right) / 2 - cut) > (right - left) / 4:
        return None, []
    return cut, list(top)


#: A weekday and the number of its day, nothing else ("Vendredi 18", "mar. 3").
_WEEKDAY_DAY = re.compile(r"(lun|mar|mer|jeu|ven|sam|dim)[a-z]*\.?\s+\d{1,2}(er)?")


def _channel(group: Sequence[Word], one_line: bool = False) -> float | None:
    """The middle of the widest stretch that none of a group's words crosses and that
    parts two of its lines of print or more (two titles side by side, each wrapped: a
    word space never runs down both lines); None when there is none (a title of one line
    naming both half-days is one column's). ``one_line``: a stretch parting one line is
    taken too when wider than a line of print is high (a word space is half that)."""
    lines = _lines(group)
    start = min(w.box[0] for w in group)
    covered = np.zeros(max(w.box[2] for w in group) - start, bool)
    for w in group:
        covered[w.box[0] - start : w.box[2] - start] = True
    free = np.flatnonzero(~covered)
    if len(lines) < (1 if one_line else 2) or not free.size:
        return None
    wide = 1.2 * statistics.median(w.box[3] - w.box[1] for w in group)
    runs = np.split(free, np.flatnonzero(np.diff(free) > 1) + 1)

    def parts(run: np.ndarray) -> int:
        middle = start + float(run.mean())
        return sum(
            any(w.box[2] <= middle for w in line) and any(w.box[0] >= middle for w in line)
            for line in lines
        )

    apart = [
        run for run in runs if parts(run) >= 2 or one_line and parts(run) == 1 and len(run) > wide
    ]
    return start + float(max(apart, key=len).mean()) if apart else None


def _slot_title(words: Sequence[Word]) -> bool:
    """Whether a title names a day, a half-day or hours (a signing column's title)."""
    text = text_of(reading_order(words))
    return bool(find_dates(fold(text), None) or half_day_of(text))


def header_labels(groups: Sequence[Sequence[Word]], spans: Sequence[Sequence[Word]]) -> list[str]:
    """Each column's title, after the titles over it ("24/09/2025 Matin")."""
    labels = []
    for group in groups:
        middle = (min(w.box[0] for w in group) + max(w.box[2] for w in group)) / 2
        over = [s for s in spans if min(w.box[0] for w in s) <= middle <= max(w.box[2] for w in s)]
        labels.append(text_of([w for s in over for w in reading_order(s)] + reading_order(group)))
    return labels


def split_header(
    ys: list[int],
    walls: list[tuple[bool, ...]],
    xs: list[int],
    spans: Sequence[Sequence[Word]],
    groups: Sequence[Sequence[Word]],
) -> tuple[list[int], list[tuple[bool, ...]]]:
    """The header cut in two rows under its spanning titles: ys and walls with the cut."""
    floor = max(w.box[3] for s in spans for w in s)
    under = [w.box[1] for g in groups for w in g if w.box[1] >= floor]
    if not under:
        return ys, walls
    cut = (floor + min(under)) // 2
    if not ys[0] < cut < ys[1]:
        return ys, walls
    reach = [(min(w.box[0] for w in s), max(w.box[2] for w in s)) for s in spans]
    top = tuple(not any(a < x < b for a, b in reach) for x in xs[1:-1])
    return [ys[0], cut, *ys[1:]], [top, *walls]


def _over(group: Sequence[Word], band: Sequence[Word], dpi: int) -> bool:
    """Whether a title stands over two of the titles printed wholly below it.

    A title wrapped over two lines and centred on its neighbour's one line ("13h30 /
    - 17h00" beside "9h00 - 12h30") starts level with that line: its lower line is no
    title below the neighbour, which heads nothing."""
    top, bottom = min(w.box[1] for w in group), max(w.box[3] for w in group)
    height = statistics.median(w.box[3] - w.box[1] for w in group)
    under = [w for w in band if w.box[1] > bottom - 0.2 * height]
    level = [w for w in band if w not in group and w not in under and w.box[3] > top]
    below = [
        g for g in title_groups(under, dpi) if not any(_overlaps(g, w) for w in level if _alnum(w))
    ]
    return _straddles(group, below)


def _overlaps(group: Sequence[Word], word: Word) -> bool:
    """Whether a word's span across the page overlaps a group's."""
    left, right = _reach(group)
    return word.box[0] < right and left < word.box[2]


def _straddles(group: Sequence[Word], under: Sequence[Sequence[Word]]) -> bool:
    """Whether a title stands over the gap between two neighbouring titles ``under`` it,
    its middle in the gap, the gap wider than two letter heights (a word space is none,
    nor a dropped dash; a long title overflowing its own narrow column keeps its middle
    over that column's title)."""
    if len(under) < 2:
        return False
    middle = (min(w.box[0] for w in group) + max(w.box[2] for w in group)) / 2
    height = statistics.median(w.box[3] - w.box[1] for g in under for w in g)
    ends = [(min(w.box[0] for w in g), max(w.box[2] for w in g)) for g in under]
    return any(
        b[0] - a[1] > 2 * height and a[1] < middle < b[0]
        for a, b in zip(ends, ends[1:], strict=False)
    )


def _people(texts: list[str]) -> bool:
    """Whether titles head a column per trainee (rows of dates or half-days)."""
    axes = roles.plan(texts)
    return axes is not None and bool(axes.people)


def _several(title: str) -> bool:
    """Whether one title names two dates or both half-days (titles of several columns
    read as one)."""
    folded = fold(title)
    halves = bool(re.search(r"\bmatin", folded)) and bool(re.search(r"apres", folded))
    # Days by day and month: a title may print its year or leave it to the page's title
    # (a leap year stands in for the unknown one, so that no 29 February is lost).
    days = {(d.month, d.day) for d in find_dates(folded, 2000)}
    return halves or len(days) > 1 or len(_TIMES.findall(folded)) > 1


_TIMES = re.compile(r"\d{1,2}\s*h\s*\d{0,2}\s*-\s*\d{1,2}\s*h")


DASHES = ("-", "–", "—")


def with_dashes(band: list[Word], dashes: Sequence[Word], dpi: int) -> list[Word]:
    """A header line with the dashes printed close between two of its words ("9h00 -
    12h30"): without them an hours range's two ends stand a title's gap apart and read as
    two titles."""
    space = dpi // 8
    between = [
        d
        for d in dashes
        if any(
            d.box[0] - space <= a.box[2] <= d.box[0]
            and d.box[2] <= b.box[0] <= d.box[2] + space
            and _level(a, d)
            and _level(b, d)
            for a in band
            for b in band
        )
    ]
    return band + between


def _level(word: Word, dash: Word) -> bool:
    """Whether a dash's middle lies within a word's height (on its line)."""
    return word.box[1] <= (dash.box[1] + dash.box[3]) / 2 <= word.box[3]


def _alnum(word: Word) -> bool:
    return any(c.isalnum() for c in word.text)


def _within(word: Word, box: Box) -> bool:
    x, y = (word.box[0] + word.box[2]) / 2, (word.box[1] + word.box[3]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _ordered(words: Sequence[Word]) -> list[Word]:
    return sorted(words, key=lambda w: (w.box[1] // max(1, w.box[3] - w.box[1]), w.box[0]))


def _lines(words: Sequence[Word]) -> list[list[Word]]:
    """Words in lines, top to bottom: a word joins a line whose middle is within half its
    height of its own."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.box[1] + w.box[3]) / 2):
        middle, height = (word.box[1] + word.box[3]) / 2, word.box[3] - word.box[1]
        if lines:
            last = lines[-1]
            level = statistics.mean((w.box[1] + w.box[3]) / 2 for w in last)
            if abs(middle - level) <= 0.5 * height:
                last.append(word)
                continue
        lines.append([word])
    return lines


def _header_band(lines: Sequence[Sequence[Word]], index: int) -> list[Word]:
    """A header line with the lines wrapped under it (closer than a line's height).

    A line's top is its print's: a signature read as a word stands much taller than the
    print beside it, and reaching up to the header it would join the first body row to it;
    reaching down from the header's line past the whole next line (a signature in the
    first row, its top level with the titles), it is no title either, and is left out (a
    title centred beside two wrapped lines stands tall too, but ends with them). A line
    of words all much taller than the band's print and read unsure is the first row's
    signatures read as words, no wrapped title: the band ends above it (a title's two
    lines read as one word stand as tall, but read sure).
    """
    band = list(lines[index])
    if index + 1 < len(lines):
        height = statistics.median(w.box[3] - w.box[1] for w in band)
        after = lines[index + 1]
        tall = 1.5 * statistics.median(w.box[3] - w.box[1] for w in after)
        below = max(w.box[3] for w in after if w.box[3] - w.box[1] <= tall)
        band = [
            w for w in band if w.box[3] - w.box[1] <= 2 * height or w.box[3] <= below + height / 2
        ]
    last: Sequence[Word] = band
    for line in lines[index + 1 :]:
        height = statistics.median(w.box[3] - w.box[1] for w in band)
        printed = [w for w in line if w.box[3] - w.box[1] <= 1.5 * height]
        if not printed and all(w.confidence < 0.5 for w in line):
            break  # words all much taller than the titles, read unsure: signatures
        printed = printed or list(line)  # a title's two lines read as one tall word
        gap = min(w.box[1] for w in printed) - max(w.box[3] for w in band)
        if gap > 0.6 * height and not (gap <= 1.2 * height and _beside_titles(line, last)):
            break
        # A word far taller than the print and read unsure is a first row's signature
        # beside the line (an X read "se"), no title: kept in, it would reach down and
        # join the first row to the header.
        band += [w for w in line if w.box[3] - w.box[1] <= 2.5 * height or w.confidence >= 0.5]
        last = line
    return band


def _without_specks(band: list[Word], dpi: int) -> list[Word]:
    """A header band without the lone small letters standing a title's gap from any other
    word: a speck of dust or a dot the OCR read as "e" heads no column (a title starts
    with a capital; "N" for "N°" or a lone digit may head one, and is kept)."""
    reach = dpi // 8
    return [
        w
        for w in band
        if not (
            len(w.text.strip()) == 1
            and w.text.strip().islower()
            and not any(
                o is not w and o.box[0] - reach < w.box[2] and w.box[0] < o.box[2] + reach
                for o in band
            )
        )
    ]


def _beside_titles(line: Sequence[Word], above: Sequence[Word]) -> bool:
    """Whether a header's line and the line above it are titles of different columns, one
    of them centred down two header rows ("Nom" standing between a day's line and its
    half-days' line): every word of the line reads as part of a column title, and none
    lies under a word of the line above (each heads a column the other leaves free)."""
    if any(not (w.box[2] < b.box[0] or w.box[0] > b.box[2]) for w in line for b in above):
        return False
    return all(roles.role_of(w.text).kind != roles.UNKNOWN for w in line if _alnum(w))


def _columns(
    groups: Sequence[Sequence[Word]],
    words: Sequence[Word],
    bottom: int,
    dpi: int,
    frame: Box | None,
    inked: np.ndarray | None = None,
) -> tuple[int, ...]:
    """Boundaries midway between titles; the outer ones at the frame, else just outside
    the print of the first column and as far right of the last title's middle as its left
    boundary is left of it (a title is centred over its column, or starts it)."""
    body = [w for w in words if w.box[1] > bottom]
    inner = [
        column_gap(max(w.box[2] for w in a), min(w.box[0] for w in b), body, inked)
        for a, b in zip(groups, groups[1:], strict=False)
    ]
    if frame is not None:
        return (frame[0], *inner, frame[2])
    first = [w for w in words if w.box[1] > bottom and (w.box[0] + w.box[2]) / 2 < inner[0]]
    left = min([w.box[0] for w in (*groups[0], *first)]) - dpi // 20
    last = groups[-1]
    middle = (min(w.box[0] for w in last) + max(w.box[2] for w in last)) // 2
    right = max(max(w.box[2] for w in last) + dpi // 20, 2 * middle - inner[-1])
    return (max(0, left), *inner, right)


def column_gap(start: int, end: int, body: Sequence[Word], inked: np.ndarray | None = None) -> int:
    """Where between two titles the boundary runs: through the widest stretch the body's
    words cross least (a mention printed under a signature may start left of its title),
    or given ``inked`` (:func:`body_ink`), its ink (a name written by hand has no words
    on a born-digital page); midway when nothing crosses."""
    if end <= start + 1:
        return (start + end) // 2
    crossed = np.zeros(end - start, int)
    for w in body:
        a, b = max(w.box[0], start), min(w.box[2], end)
        if a < b:
            crossed[a - start : b - start] += 1
    if inked is not None and inked.size >= end:
        crossed = inked[start:end]  # every mark and print, by the strips it crosses
    free = crossed == crossed.min()
    runs: list[tuple[int, int]] = []
    for x in np.flatnonzero(free):
        if runs and runs[-1][1] == x - 1:
            runs[-1] = (runs[-1][0], int(x))
        else:
            runs.append((int(x), int(x)))
    # Of stretches about as wide, the leftmost: print sits at its cell's left edge more
    # often than at its right ("AM" under a centred "Période" starts that column).
    widest = max(b - a for a, b in runs)
    a, b = next(r for r in runs if r[1] - r[0] >= 0.8 * widest)
    return start + (a + b) // 2


def body_ink(ink: np.ndarray | None, top: int, bottom: int, dpi: int) -> np.ndarray | None:
    """Per x, how many strips of the body (a line of print high) its ink crosses: a row
    label crossing one row weighs less than names written down every row; a few pixels
    (a speck, a picture's edge) are no ink. None without ink."""
    if ink is None or bottom <= top:
        return None
    band = ink[max(0, top) : bottom] > 0
    strip = max(8, dpi // 6)
    rows = band.shape[0] // strip * strip
    if rows == 0:
        return None
    strips = band[:rows].reshape(rows // strip, strip, band.shape[1]).sum(axis=1)
    crossed = (strips >= 3).sum(axis=0)
    # The space between two letters of a word (wide in a typewriter font) parts no
    # columns: each x counts the most strips crossed within a letter's gap of it.
    gap = max(1, dpi // 40)
    padded = np.pad(crossed, gap, mode="edge")
    return np.lib.stride_tricks.sliding_window_view(padded, 2 * gap + 1).max(axis=1)


def _body_ink(
    ink: np.ndarray | None, bottom: int, words: Sequence[Word], frame: Box | None, dpi: int
) -> np.ndarray | None:
    """``body_ink`` under the header: to the frame's foot, else to the last word's."""
    end = frame[3] if frame is not None else max((w.box[3] for w in words), default=bottom)
    return body_ink(ink, bottom + 2, end - 2, dpi)


def _ink_lines(
    ink: np.ndarray, xs: Sequence[int], columns: set[int], span: tuple[int, int], dpi: int
) -> list[Word]:
    """Each line of ink down the given columns, as a word with no text: rows of ink a
    little apart run together; a run as high as print, neither a speck nor a block."""
    found = []
    margin = max(2, dpi // 25)
    for col in sorted(columns):
        part = ink[span[0] : span[1], xs[col] + margin : xs[col + 1] - margin] > 0
        if not part.size:
            continue
        rows = np.flatnonzero(part.sum(axis=1) >= 2)
        runs: list[list[int]] = []
        for y in rows:
            if runs and y - runs[-1][1] <= max(2, dpi // 40):
                runs[-1][1] = int(y)
            else:
                runs.append([int(y), int(y)])
        found += [
            Word("", 0.5, (xs[col] + margin, span[0] + a, xs[col + 1] - margin, span[0] + b + 1))
            for a, b in runs
            if dpi // 20 <= b - a <= dpi // 3
        ]
    return found


def _column_of(word: Word, xs: Sequence[int]) -> int | None:
    middle = (word.box[0] + word.box[2]) / 2
    for col, (a, b) in enumerate(zip(xs, xs[1:], strict=False)):
        if a <= middle < b:
            return col
    return None


def _row_columns(kinds: Sequence[str]) -> set[int]:
    return {col for col, kind in enumerate(kinds) if kind in _ROW_KINDS}


def _rows(
    anchors: Sequence[Word], top: int, bottom: int, frame: Box | None
) -> tuple[int, ...] | None:
    """Row boundaries from the lines of the row-naming print: a cell's text wrapped over
    two lines (closer than a line's height) stays one row; the table ends at a gap more
    than twice the usual, or at the frame."""
    rows = _lines(anchors)
    merged: list[list[Word]] = []
    for line in rows:
        if merged:
            height = statistics.median(w.box[3] - w.box[1] for w in merged[-1])
            if min(w.box[1] for w in line) - max(w.box[3] for w in merged[-1]) < 0.6 * height:
                merged[-1] += line
                continue
        merged.append(list(line))
    middles = [(min(w.box[1] for w in r) + max(w.box[3] for w in r)) / 2 for r in merged]
    if len(middles) == 1 and frame is not None:
        # One row in a frame (one half-day's sheet): it runs from the header to the frame.
        return top, bottom + max(2, (frame[3] - bottom) // 20), frame[3]
    if len(middles) < 2:
        return None
    pitches = [b - a for a, b in zip(middles, middles[1:], strict=False)]
    usual = statistics.median(pitches)
    for i, pitch in enumerate(pitches):
        if pitch > 2 * usual:
            middles = middles[: i + 1]
            break
    if len(middles) < 2:
        return None
    # A row is no taller than the usual pitch: where the OCR missed a row's print, the
    # room left over is a row of its own (no name: a person looks), not added to the next.
    half = usual / 2
    ys = [top, bottom + max(2, int(0.15 * usual))]
    if middles[0] - half > ys[-1] + half:
        ys.append(int(middles[0] - half))
    for a, b in zip(middles, middles[1:], strict=False):
        if b - a > 1.5 * usual:
            ys += [int(a + half), int(b - half)]
        else:
            ys.append(int((a + b) / 2))
    end = int(middles[-1] + half)
    if frame is not None and abs(frame[3] - end) < usual:
        end = frame[3]
    ys.append(end)
    return tuple(ys)


def _with_name_lines(
    lines: Sequence[Sequence[Word]], index: int, band: list[Word], dpi: int
) -> tuple[list[Word], list[list[Word]], list[list[Word]], list[str]] | None:
    """The header band with its lines of trainees' names, and the lines of names just
    above and below it, when they lie over columns the band's titles leave free: a header
    two rows deep whose row titles ("Date", "Horaires") are centred between its rows,
    the names split on them (NOM over Prénom). None when there is no such line, or the
    titles then head no more columns per trainee than the band alone."""
    height = statistics.median(w.box[3] - w.box[1] for w in band)
    titles = [w for line in _lines(band) if not _names_line(line, height, dpi) for w in line]
    names = [list(line) for line in _lines(band) if _names_line(line, height, dpi)]
    names += _name_lines_beside(lines, index, band, height, dpi)
    if not titles or not names:
        return None
    taken = [_reach(g) for g in title_groups(titles, dpi)]
    if any(not (w.box[2] < a or w.box[0] > b) for line in names for w in line for a, b in taken):
        return None
    groups = sorted(title_groups(titles, dpi) + _name_columns(names, dpi), key=_reach)
    texts = header_labels(groups, [])
    before = roles.plan(header_labels(*header_titles(band, dpi)))
    after = roles.plan(texts)
    if after is None or len(after.people) <= (len(before.people) if before else 0):
        return None
    return [*titles, *(w for line in names for w in line)], groups, [], texts


def _name_lines_beside(
    lines: Sequence[Sequence[Word]], index: int, band: list[Word], height: float, dpi: int
) -> list[list[Word]]:
    """The lines of names just above and just below the band (closer than 1.2 line
    heights)."""
    top, bottom = min(w.box[1] for w in band), max(w.box[3] for w in band)
    below = next((i for i in range(index + 1, len(lines)) if lines[i][0] not in band), None)
    near = []
    if index and top - max(w.box[3] for w in lines[index - 1]) < 1.2 * height:
        near.append(list(lines[index - 1]))
    if below is not None and min(w.box[1] for w in lines[below]) - bottom < 1.2 * height:
        near.append(list(lines[below]))
    return [line for line in near if _names_line(line, height, dpi)]


def _reach(group: Sequence[Word]) -> tuple[int, int]:
    return min(w.box[0] for w in group), max(w.box[2] for w in group)


def _names_line(line: Sequence[Word], height: float, dpi: int) -> bool:
    """Whether a line of print holds only names: no digit, no title with a role, no word
    much taller than the header's print (``height``: a signature's strokes read as
    letters)."""
    texts = [text_of(g) for g in title_groups(line, dpi)]
    digits = any(c.isdigit() for t in texts for c in t)
    tall = any(w.box[3] - w.box[1] > 1.5 * height for w in line)
    return not digits and not tall and all(roles.role_of(t).kind == roles.UNKNOWN for t in texts)


def _name_columns(lines: Sequence[Sequence[Word]], dpi: int) -> list[list[Word]]:
    """Names printed over several lines (NOM over Prénom), one group per column: the line
    whose words fall apart in most groups sets the columns (in narrow columns two first
    names may run together), every other word joins the column whose middle is
    nearest."""
    finest = max(lines, key=lambda line: len(title_groups(line, dpi)))
    columns = title_groups(finest, dpi)
    middles = [(min(w.box[0] for w in g) + max(w.box[2] for w in g)) / 2 for g in columns]
    for line in lines:
        if line is finest:
            continue
        for word in line:
            at = (word.box[0] + word.box[2]) / 2
            columns[min(range(len(middles)), key=lambda i: abs(middles[i] - at))].append(word)
    return columns
