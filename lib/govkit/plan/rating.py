"""How a value is rated against its target: one rule for every report, trigger and count.

A board acts on red, so red must mean clearly off target:

- a figure measured on pupils with a 95% interval (a share of pupils, a progress score,
  a gap between two groups of pupils) is red only when it is short of its target by more
  than the tolerance AND the interval leaves the target out; short of target but with the
  target inside the interval is amber, and its words say the gap could be chance;
- a figure with no sampling error (money, counts of items, compliance, staff) or no
  published interval keeps the plain rule: green on or beyond target, amber within the
  tolerance, red beyond it.

Comparisons with national, the trust or last year (triggers, sentences) count as a
difference only when it is clear in the same sense: the other figure lies outside the
interval (``differs``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

RAG_ORDER = ("red", "amber", "green")
EPSILON = 1e-9  # values are worked out in floating point: 95.0 must equal a target of 95

# The rule in words, once: the README and every report's footnote say this.
RULE = ("Red means clearly off target. A figure measured on pupils is red only when its "
        "95% interval leaves the target out; short of the target but not clearly (the "
        "target inside the interval, as happens with small groups of pupils) is amber, "
        "and the words say the gap could be chance. Money, counts of items, compliance "
        "and other figures with no sampling error are green on or beyond target, amber "
        "within the tolerance and red beyond it. A school is compared with its own phase, "
        "and a trust rating names the schools red on it.")

# What a public card's comparison words mean (a card has no targets, so no ratings).
PUBLIC_RULE = ("How we compare: 'about the same' means a gap too small to matter (under "
               "half a point for a percentage); 'a little', plain or 'well' above or below "
               "grow with the gap, and a gap of 5 points or more is always 'well' above or "
               "below. Where the gap could be chance, given the number of pupils, the words "
               "say so ('in a small group of 24 pupils', or 'a gap that could be chance') "
               "instead of better or worse. Figures that would let anyone work out a count "
               "of fewer pupils than our privacy threshold are not shown (c).")


def rag(value: float | None, target: float | None, tolerance: float,
        direction: str) -> str | None:
    """The plain rule: green on or beyond target (in the good direction), amber within
    tolerance, red beyond."""
    if value is None or target is None or pd.isna(value) or pd.isna(target):
        return None
    short = (target - value) if direction == "higher" else (value - target)
    if short <= EPSILON:
        return "green"
    if short <= tolerance + EPSILON:
        return "amber"
    return "red"


def inside(point: float | None, interval: tuple[float, float] | None) -> bool:
    """Whether ``point`` lies inside the 95% interval (False when either is unknown)."""
    if point is None or interval is None or pd.isna(point):
        return False
    lo, hi = interval
    return lo - EPSILON <= point <= hi + EPSILON


def rate(value: float | None, target: float | None, tolerance: float, direction: str,
         interval: tuple[float, float] | None = None) -> str | None:
    """The rating: the plain rule, except that a red with the target inside the figure's
    95% interval is amber (short of target, but it could be chance)."""
    plain = rag(value, target, tolerance, direction)
    if plain == "red" and inside(target, interval):
        return "amber"
    return plain


def could_be_chance(value: float | None, target: float | None, tolerance: float,
                    direction: str, interval: tuple[float, float] | None) -> bool:
    """Amber only because the target lies inside the interval (the plain rule says red)."""
    return rag(value, target, tolerance, direction) == "red" and inside(target, interval)


def differs(value: float | None, other: float | None,
            interval: tuple[float, float] | None) -> bool:
    """A clear difference from ``other`` (national, the trust, last year): the values
    differ and ``other`` lies outside the figure's interval, if it has one."""
    if value is None or other is None or pd.isna(value) or pd.isna(other):
        return False
    return abs(value - other) > EPSILON and not inside(other, interval)


def combine_rag(rags: Sequence[str | None]) -> str | None:
    """A headline: red if any red, amber if any amber, else green; None if nothing rated."""
    rated = [r for r in rags if r in RAG_ORDER]
    if not rated:
        return None
    return min(rated, key=RAG_ORDER.index)
