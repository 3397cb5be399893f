"""Text from outside (file names, invoice fields, names read in documents) made safe to write.

Each output has its own dangers:

- **spreadsheets**: XML refuses most control characters (openpyxl raises, and the whole
  workbook is lost), and a text starting with ``=`` would be written as a live formula;
  :func:`cell_text` removes what XML refuses, :func:`as_text` marks a cell as text;
- **log lines, plain-text emails and pages**: a line break or a control character in a
  name would forge a line (a false log record, a false line of the digest) or ring a
  terminal; :func:`visible` shows each of them as a visible sign instead.

Nothing here drops a printable character: what a person typed stays readable.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from jinja2 import Environment, pass_eval_context
from jinja2.filters import do_join
from jinja2.nodes import EvalContext
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

#: A text starting with one of these is a formula to a spreadsheet (or to a CSV reader).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: Line breaks, C0 and C1 controls, DEL, and the invisible marks that reorder a line
#: (bidirectional overrides and isolates) or break it (line and paragraph separators).
#: Lone surrogates stand for the bytes of a name that is not UTF-8: no file or email holds them.
_UNSAFE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
#: What a spreadsheet cannot hold besides openpyxl's list: lone surrogates, U+FFFE, U+FFFF.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
_NEWLINE = "⏎"
_BREAKS = str.maketrans("\x0b\x0c", "  ")


def cell_text(value: str) -> str:
    """``value`` without the characters a spreadsheet cannot hold (XML 1.0 refuses them).

    A vertical tab or form feed (Word's manual line and page breaks, pasted into an
    invoice title) becomes a space; other controls go; a byte of a name that is not
    UTF-8 becomes « � ».
    """
    spaced = value.translate(_BREAKS)
    return _NOT_XML.sub("\ufffd", ILLEGAL_CHARACTERS_RE.sub("", spaced))


def cell_value(value: Any) -> Any:
    """A value ready for a cell: text cleaned, anything else (numbers, dates) unchanged."""
    return cell_text(value) if isinstance(value, str) else value


def xml_value(value: Any) -> Any:
    """A plain string cleaned like :func:`cell_text`; anything else (markup, images) as is."""
    return cell_text(value) if type(value) is str else value


def docx_environment() -> Environment:
    """The Jinja environment for docxtpl: escaped, and no character a Word file refuses."""
    return Environment(autoescape=True, finalize=xml_value)


def as_text(cell: Any) -> Any:
    """Make an openpyxl cell holding a string a text cell, never a formula; returns it.

    The value is kept as it reads; the cell is also marked « quote prefix », so that a
    person editing it later in a spreadsheet program does not turn it into a formula.
    """
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_START):
            cell.quotePrefix = True
    return cell


def visible(text: str) -> str:
    """``text`` on one line, every line break and control character shown, not obeyed.

    ``\\n`` becomes « ⏎ », other C0 controls their Unicode picture (``\\x07`` « ␇ »),
    anything else invisible its escape (``\\u202e``). Tabs are kept: they break no line.
    """
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_show, text.replace("\r\n", "\n"))


def _show(match: re.Match[str]) -> str:
    char = match[0]
    if char == "\n":
        return _NEWLINE
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␇ ␋ ␍ ...
    if code == 0x7F:
        return "␡"
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a non-UTF-8 name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


class ShownEnvironment(Environment):
    """Jinja templates in which every text taken from the data is shown by :func:`visible`.

    Attribute and item look-ups (``t.title``, ``f["file"]``), objects printed whole
    (``{{ ref }}``) and ``join`` all go through :func:`visible`: whatever a file name or an
    invoice title holds, it cannot add a line to a plain-text email or page. The
    templates' own line breaks (``wordwrap``, literal text) are left alone.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=_shown_whole, **options)
        self.filters["join"] = _join

    def getattr(self, obj: Any, attribute: str) -> Any:
        return _shown(super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        return _shown(super().getitem(obj, argument))


def _shown(value: Any) -> Any:
    """A plain string shown; the plain strings of a list or tuple too; anything else as is."""
    if type(value) is str:
        return visible(value)
    if type(value) in (list, tuple):
        return type(value)(visible(v) if type(v) is str else v for v in value)
    return value


def _shown_whole(value: Any) -> Any:
    """An object printed whole: its text shown (markup and strings already are)."""
    if isinstance(value, str) or hasattr(value, "__html__") or value is None:
        return value
    return visible(str(value))


@pass_eval_context
def _join(ctx: EvalContext, value: Any, d: str = "", attribute: str | int | None = None) -> str:
    items = [_shown_whole(_shown(v)) if attribute is None else v for v in value]
    return do_join(ctx, items, d, attribute)


class OneLineFilter(logging.Filter):
    """Every log record's message on one line: names in it cannot forge another record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let logging report it as it does
            return True
        safe = visible(message)
        if safe != message or record.args:
            record.msg, record.args = safe, None
        return True


#: How every process of the command line and the daemon writes its log records.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def install_log_filter() -> None:
    """Put :class:`OneLineFilter` on every handler of the root logger (once)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, OneLineFilter) for f in handler.filters):
            handler.addFilter(OneLineFilter())
