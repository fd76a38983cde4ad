"""Numbers as people write them in a governors' report: 94.1%, GBP 1.2m, 3 of 28 pupils.

Every figure a report shows goes through here, so a percentage reads the same in a
table, a sentence and a chart title, and a suppressed value is always the GSS symbol
``c`` with the same footnote.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from govkit.terms import TermError, parse_term

SUPPRESSED = "c"
NOT_AVAILABLE = "x"
NOT_APPLICABLE = "z"
MISSING = "–"  # en dash: no figure to show
SUPPRESSED_FOOTNOTE = (
    "c = suppressed: the figure covers too few pupils to publish without risk of "
    "identifying them (GSS symbol)."
)

# Units a measure may carry, grouped by how they are written.
_PERCENT = {"percent", "%", "pct", "percentage", "rate"}
_POINTS = {"pp", "points", "percentage_points", "ppts"}
_MONEY = {"gbp", "money", "£", "pounds"}
_COUNT = {"count", "number", "pupils", "people", "staff", "posts", "n", "meetings", "risks",
          "actions", "partnerships"}


def is_missing(value: Any) -> bool:
    """None, NaN and pandas' NA all mean 'no figure'."""
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):  # pd.NA refuses bool()
        return True


def _unit(unit: str | None) -> str:
    return (unit or "").strip().lower()


def number(value: Any, dp: int = 0) -> str:
    """``1234.5`` -> ``"1,235"``; ``dp`` decimals, thousands separated by commas."""
    if is_missing(value):
        return MISSING
    # Half up, as people round (Python's own format rounds 0.5 to even): via the decimal text.
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_UP)
    text = f"{exact:,.{dp}f}"
    # -0.04 rounds to "-0.0": a reader sees a minus sign on nothing, so drop it.
    return text[1:] if text.startswith("-") and float(text[1:].replace(",", "")) == 0 else text


def percent(value: Any, dp: int = 1) -> str:
    """A value already in percent (0-100): ``94.06`` -> ``"94.1%"``."""
    if is_missing(value):
        return MISSING
    return f"{number(value, dp)}%"


def money(value: Any) -> str:
    """Pounds as a finance report writes them: GBP 1.2m, GBP 350k, GBP 950, -GBP 45k."""
    if is_missing(value):
        return MISSING
    v = float(value)
    sign = "-" if v < 0 else ""
    a = abs(v)
    if a >= 999_500:
        body = f"{number(a / 1e6, 1)}m"
    elif a >= 9_999.5:
        body = f"{number(a / 1e3, 0)}k"
    elif a >= 999.5:
        body = f"{number(a / 1e3, 1)}k"
    else:
        body = number(a, 0)
    body = body.replace(".0m", "m").replace(".0k", "k")
    return f"{sign}GBP {body}"


def national(v: Any, unit: str | None, like_for_like: Any = True) -> str:
    """A national figure; ``(all schools)`` after one that does not cover just this
    phase's schools, so nobody reads it as like for like."""
    shown = value(v, unit)
    return shown + " (all schools)" if like_for_like is False else shown


def of(numerator: Any, denominator: Any, noun: str = "pupils") -> str:
    """``3, 28`` -> ``"3 of 28 pupils"``: how a small group is best described."""
    if is_missing(numerator) or is_missing(denominator):
        return MISSING
    return f"{number(numerator)} of {number(denominator)} {noun}".rstrip()


def value(v: Any, unit: str | None, status: str | None = None, dp: int | None = None) -> str:
    """Format one KPI figure by its unit; a suppressed one is ``c`` whatever its value."""
    if status == "suppressed":
        return SUPPRESSED
    if status == "not_applicable":
        return NOT_APPLICABLE
    if status in {"not_published"}:
        return NOT_AVAILABLE
    if is_missing(v):
        return MISSING
    u = _unit(unit)
    if u in _PERCENT:
        return percent(v, 1 if dp is None else dp)
    if u in _POINTS:
        return f"{number(v, 1 if dp is None else dp)} pts"
    if u in _MONEY:
        return money(v)
    if u in _COUNT:
        return number(v, 0 if dp is None else dp)
    if u in {"days", "hours", "kwh"}:
        text = number(v, 1 if dp is None else dp)
        return f"{text} {'kWh' if u == 'kwh' else u}"
    if u in {"score", "ratio"}:
        return number(v, 1 if dp is None else dp)
    return number(v, 1 if dp is None else dp)


def change(delta: Any, unit: str | None, dp: int | None = None) -> str:
    """A change with its sign: ``+1.2 pts`` for percentages, ``-GBP 45k``, ``+3``."""
    if is_missing(delta):
        return MISSING
    d = float(delta)
    u = _unit(unit)
    if u in _MONEY:
        text = money(abs(d))
    elif u in _PERCENT or u in _POINTS:
        text = f"{number(abs(d), 1 if dp is None else dp)} pts"
    else:
        text = value(abs(d), unit, dp=dp)
    if not any(ch in "123456789" for ch in text):
        return "no change"
    return ("+" if d > 0 else "-") + text


def distance(delta: Any, unit: str | None, dp: int | None = None) -> str:
    """The size of a gap, no sign: ``1.2 points``, ``GBP 45k``, ``3``; for sentences."""
    if is_missing(delta):
        return MISSING
    d = abs(float(delta))
    u = _unit(unit)
    if u in _PERCENT or u in _POINTS:
        pts = number(d, 1 if dp is None else dp)
        return f"{pts} percentage point" + ("" if pts == "1.0" else "s")
    return value(d, unit, dp=dp)


def term_label(term_id: Any) -> str:
    """``2024-25-spring`` -> ``"Spring 2025"``; an academic year or other text unchanged."""
    if is_missing(term_id):
        return MISSING
    try:
        return parse_term(str(term_id)).label
    except TermError:
        return str(term_id)


def count_words(n: int) -> str:
    """Small counts in words, as in 'three terms'; larger ones as digits."""
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    return words[n] if 0 <= n < len(words) else number(n)
