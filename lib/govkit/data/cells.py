"""Parsing one cell of a data drop by its column's kind: numbers as an analyst types them
(1,050; GBP 44k is refused), counts, URNs, UK and ISO dates, yes/no, a category from its
list. Each raises ParseError with a message a user reads."""

from __future__ import annotations

import datetime as dt
import math
import re

from govkit.terms import TermError, parse_academic_year, parse_term


class ParseError(ValueError):
    """A cell's text is not a value of its column's kind; the message says why."""


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TRUE = {"yes", "y", "true", "t", "1"}
_FALSE = {"no", "n", "false", "f", "0"}


def normalise_header(name: str) -> str:
    """'Pupils On Roll ' -> 'pupils_on_roll': headers match whatever their case or spacing."""
    return re.sub(r"[\s\-]+", "_", str(name).strip()).lower()


def parse_number(text: str, *, money: bool = False) -> float:
    """'1,234' -> 1234.0, '-3.5' -> -3.5; '1,2', '53%' and words are refused."""
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    negative = False
    if money:
        if s.startswith("(") and s.endswith(")"):  # accountants' negative: (1,234)
            s, negative = s[1:-1], True
        s = s.replace("£", "", 1)
    if s.endswith("%"):
        raise ParseError(f"'{text}' is a percentage: give the number itself, without %")
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    elif "," in s:
        raise ParseError(f"'{text}' is not a number: use . for decimals; commas only "
                         "between thousands (1,234)")
    if not _PLAIN.match(s):
        raise ParseError(f"'{text}' is not a number")
    value = float(s)
    if not math.isfinite(value):
        raise ParseError(f"'{text[:20]}...' is too large a number")
    return -value if negative else value


def parse_count(text: str) -> int:
    """A whole number: '1,234' -> 1234, '12.0' -> 12; '53%' and '2.5' are refused."""
    if text.strip().endswith("%"):
        raise ParseError(f"'{text}' is a percentage: this column is a count of people or "
                         "things (a whole number)")
    value = parse_number(text)
    if not value.is_integer():
        raise ParseError(f"'{text}' is not a whole number")
    if abs(value) > 2**53:  # beyond what is stored exactly; a pasted id, not a count
        raise ParseError(f"'{text}' is too large to be a count")
    return int(value)


def parse_urn(text: str) -> int:
    s = text.strip()
    if s.endswith(".0"):
        s = s[:-2]
    if not s.isdigit() or len(s) > 9:
        raise ParseError(f"'{text}' is not a URN (a six-digit DfE number)")
    return int(s)


def parse_date(text: str) -> dt.date:
    """dd/mm/yyyy (UK) or yyyy-mm-dd; a US-looking 12/31/2024 is refused, never swapped."""
    s = text.strip()
    m = _ISO_DATE.match(s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _UK_DATE.match(s)
        if not m:
            raise ParseError(f"'{text}' is not a date: dates are dd/mm/yyyy, e.g. 31/12/2024")
        d, mo, y = (int(g) for g in m.groups())
        if len(m.group(3)) != 4:
            raise ParseError(f"'{text}': give a four-digit year (dd/mm/yyyy)")
        if mo > 12 and d <= 12:
            raise ParseError(f"'{text}' looks like a US date (mm/dd/yyyy): dates are "
                             "dd/mm/yyyy, e.g. 31/12/2024")
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise ParseError(f"'{text}' is not a real date (dates are dd/mm/yyyy)") from None


def parse_bool(text: str) -> bool:
    s = text.strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ParseError(f"'{text}' is not yes or no (yes/no, true/false, y/n, 1/0)")


def parse_category(text: str, values: list[str]) -> str:
    """Match the allowed values whatever the case or spacing ('Not disadvantaged')."""
    s = text.strip()
    if s in values:
        return s
    folded = normalise_header(s)
    for v in values:
        if folded == v.lower():
            return v
    raise ParseError(f"'{text}' is not one of: {', '.join(values)}")


def parse_cell(text: str, kind: str, values: list[str] | None = None) -> object:
    """One non-blank cell's value for its column kind, or ParseError saying what is wrong."""
    try:
        if kind == "urn":
            return parse_urn(text)
        if kind == "term":
            return parse_term(text).id
        if kind == "academic_year":
            s = text.strip().replace("/", "-")
            return parse_academic_year(s)
    except TermError as e:
        raise ParseError(str(e)) from None
    if kind == "count":
        return parse_count(text)
    if kind in ("number", "score"):
        return parse_number(text)
    if kind == "money":
        return parse_number(text, money=True)
    if kind == "date":
        return parse_date(text)
    if kind == "bool":
        return parse_bool(text)
    if kind == "category":
        return parse_category(text, values or [])
    if kind == "text":
        return text.strip()
    raise ValueError(f"unknown column kind {kind!r}")  # a contract bug, not a data problem
