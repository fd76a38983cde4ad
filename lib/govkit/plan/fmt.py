"""Numbers as people write them in a governors' report: 94.1%, £1.2m, 3 of 28 pupils.

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
POINTS = "pts"  # a gap between two percentages, as a table cell writes it: "3.0 pts"
POINTS_FOOTNOTE = (
    "pts = percentage points, the gap between two percentages: 95% and 92% are 3 pts apart."
)

# Units a measure may carry, grouped by how they are written.
_PERCENT = {"percent", "%", "pct", "percentage", "rate"}
_POINTS = {"pp", "points", "percentage_points", "ppts"}
_MONEY = {"gbp", "money", "£", "pounds"}
_PER_100 = {"per100", "per_100", "per 100 pupils"}
# progress scores: DfE publishes Progress 8 to 2 decimals, and a trust's figure is shown
# and rated at that precision (-0.02 is not 0.0)
_PROGRESS = {"progress"}
PROGRESS_DP = 2
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
    """Pounds as a finance report writes them: £1.2m, £350k, £950, -£45k."""
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
    return f"{sign}£{body}"


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
        return f"{number(v, 1 if dp is None else dp)} {POINTS}"
    if u in _MONEY:
        return money(v)
    if u in _PER_100:  # a rate of events, not a share of pupils: never "%"
        return f"{number(v, 1 if dp is None else dp)} per 100 pupils"
    if u in _COUNT:
        return number(v, 0 if dp is None else dp)
    if u in {"days", "hours", "kwh"}:
        text = number(v, 1 if dp is None else dp)
        return f"{text} {'kWh' if u == 'kwh' else u}"
    if u in _PROGRESS:
        return number(v, PROGRESS_DP if dp is None else dp)
    if u in {"score", "ratio"}:
        return number(v, 1 if dp is None else dp)
    return number(v, 1 if dp is None else dp)


def displayed(v: Any, unit: str | None) -> float | None:
    """The number a reader sees for ``v`` (``value``'s rounding: 94.96% is 95.0%, £44,490
    is £44k), so that a rating worked out on it can never disagree with the words."""
    if is_missing(v):
        return None
    u = _unit(unit)
    if u in _MONEY:
        text = money(v).replace("£", "").replace(",", "")
        scale = {"m": 1e6, "k": 1e3}.get(text[-1:], 1.0)
        return float(text.rstrip("mk")) * scale
    dp = 0 if u in _COUNT else PROGRESS_DP if u in _PROGRESS else 1
    return float(number(v, dp).replace(",", ""))


def change(delta: Any, unit: str | None, dp: int | None = None) -> str:
    """A change with its sign: ``+1.2 pts`` for percentages, ``-£45k``, ``+3``; "pts" is
    kept for percentage points, a rate per 100 pupils moves "per 100 pupils"."""
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
    # nothing to show at this precision (not a digit test: "0.0 per 100 pupils" has a 1)
    if (displayed(abs(d), unit) if dp is None else float(number(abs(d), dp).replace(",", ""))) == 0:
        return "no change"
    return ("+" if d > 0 else "-") + text


def distance(delta: Any, unit: str | None, dp: int | None = None) -> str:
    """The size of a gap, no sign: ``1.2 percentage points``, ``£45k``, ``3``; for sentences."""
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


def words_list(items: list[str]) -> str:
    """``["2016-17", "2017-18"]`` -> ``"2016-17 and 2017-18"``; three or more with commas."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
