"""Text from data and config made harmless where it lands.

A school's or trust's name comes from a file someone else wrote (GIAS, a DfE
download, the trust's own workbook). Printed to a terminal, an ESC sequence in it
would retitle the window or clear the screen; in a YAML comment a line break would
start live config; in a spreadsheet cell a leading ``=`` would be a formula Excel
runs. Each place it lands has one function here, used by every writer.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from rich.console import Console

# Kept: the line breaks and tabs our own messages are laid out with.
_KEEP = {"\n", "\t"}
# Unicode format characters that reorder or hide what is shown (bidi overrides and
# isolates; the marks left-to-right and right-to-left).
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F,
                          0x061C)}
# OWASP's list for CSV injection: text starting with one of these is read as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _escape(c: str) -> str:
    return c.encode("unicode_escape").decode("ascii")


def printable(text: str) -> str:
    """``text`` with every control character shown as its escape (ESC as ``\\x1b``, a
    carriage return as ``\\r``, a right-to-left override as ``\\u202e``); line breaks
    and tabs kept. A terminal then shows the text and obeys none of it."""
    if text.isprintable():
        return text
    return "".join(c if c in _KEEP or (c.isprintable() and c not in _BIDI)
                   or unicodedata.category(c) == "Zs" else _escape(c)
                   for c in text)


def one_line(text: str) -> str:
    """``text`` fit for a one-line comment (YAML, CSV): every line break and control
    character escaped, so what follows can never start a line of its own."""
    return "".join(c if (c.isprintable() and c not in _BIDI) or unicodedata.category(c) == "Zs"
                   else _escape(c) for c in text)


# Unicode's direction overrides and isolates: in a name from a data file they make a page
# show other words than it holds ("Trojan source"). Pages show each as U+FFFD.
_OVERRIDES = {c: "\ufffd" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def no_bidi(text: str) -> str:
    """``text`` (a page, an SVG) with every direction override or isolate shown as the
    replacement character, so what a reader sees is what the text holds."""
    return text.translate(_OVERRIDES)


def cell(value: Any) -> Any:
    """A value for a spreadsheet cell (CSV or XLSX): text that Excel would take as a
    formula (``=``, ``+``, ``-``, ``@``, a tab or carriage return first) gets a leading
    ``'``, as OWASP advises; numbers, dates and other text are returned as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeConsole(Console):
    """A rich Console that prints text literally: no markup, no emoji codes, no
    highlighting, and control characters in a string shown as escapes (``\\x1b``).
    Renderables (tables) are given escaped text by whoever builds them."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("highlight", False)
        kwargs.setdefault("emoji", False)
        kwargs.setdefault("markup", False)
        super().__init__(**kwargs)

    def print(self, *objects: Any, **kwargs: Any) -> None:  # noqa: A003 - rich's name
        super().print(*(printable(o) if isinstance(o, str) else o for o in objects),
                      **kwargs)
