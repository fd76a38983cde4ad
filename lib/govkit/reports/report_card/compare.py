"""How a card's figure compares, in words for parents: the words grow with the gap as
shown, and a gap that could be chance is said to be one."""

from __future__ import annotations

from typing import Any

from govkit.plan import fmt
from govkit.plan.config import comparison_phase
from govkit.plan.rating import inside
from govkit.plan.result import KpiResult
from govkit.reports.blocks import _is_total
from govkit.reports.context import Context

# How big a gap must be, in the measure's own unit, before a parent is told "a little",
# plain, or "well" above or below: (tiny, small, large). Under tiny is "about the same";
# under small "a little"; from large "well". The words follow the gap as shown, so a
# visible gap of 5 points is never "about the same" (rating.PUBLIC_RULE). Percentages are
# in points: half a point of attendance is noise, five points is about two weeks of
# school a year.
GAP_SIZES: dict[str, tuple[float, float, float]] = {
    "percent": (0.5, 2.0, 5.0), "points": (0.5, 2.0, 5.0), "score": (0.5, 1.0, 2.0),
    "per100": (0.2, 0.5, 1.5), "count": (0.5, 1.5, 3.0),
}
DEFAULT_GAP = (0.5, 2.0, 5.0)


def _as_shown(value: Any, other: Any, unit: str | None) -> tuple[float, float] | None:
    """Both figures as a reader sees them; None if either is missing."""
    shown, other_shown = fmt.displayed(value, unit), fmt.displayed(other, unit)
    return None if shown is None or other_shown is None else (shown, other_shown)


def gap_size(value: Any, other: Any, unit: str | None) -> str | None:
    """'same', 'little', 'plain' or 'well': how far ``value`` is from ``other``, judged
    on the figures as shown."""
    shown = _as_shown(value, other, unit)
    return None if shown is None else _size(abs(shown[0] - shown[1]), unit)


def _size(gap: float, unit: str | None) -> str:
    """A gap between two figures as shown, in words (GAP_SIZES)."""
    tiny, small, large = GAP_SIZES.get(str(unit), DEFAULT_GAP)
    if gap < tiny - 1e-9:
        return "same"
    return "well" if gap >= large - 1e-9 else "little" if gap < small - 1e-9 else "plain"


def could_be_chance(other: Any, lower: Any, upper: Any) -> bool:
    """Whether ``other`` lies inside the figure's 95% interval: the gap could be chance."""
    if fmt.is_missing(other) or fmt.is_missing(lower) or fmt.is_missing(upper):
        return False
    return inside(float(other), (float(lower), float(upper)))


SMALL_GROUP = 100  # fewer pupils than this is "a small group" in a card's words


def small_group(cohort: Any, noun: str = "pupils", gap: bool = False) -> str:
    """'in a small group of 24 pupils' (a gap's: 'with 9 pupils in the smaller group');
    a large group whose gap is still inside its interval: 'a gap that could be chance'."""
    if fmt.is_missing(cohort):
        return "in a small group"
    n = round(float(cohort))
    if n >= SMALL_GROUP:
        return "a gap that could be chance"
    noun = noun[:-1] if n == 1 and noun.endswith("s") else noun
    if gap:
        return f"with {fmt.number(n)} {noun} in the smaller group"
    return f"in a small group of {fmt.number(n)} {noun}"


def compare_words(value: Any, other: Any, unit: str | None, higher_is_better: bool,
                  what: str, lower: Any = None, upper: Any = None, cohort: Any = None,
                  noun: str = "pupils", gap: bool = False) -> str | None:
    """'about the same as national', 'a little below national (worse)', 'well above the
    trust (better)': the words grow with the gap as shown, so 0.1 and 2.7 points never
    read alike, in every row the same way. Where ``other`` lies inside the figure's 95%
    interval the gap could be chance: no better or worse, but 'well below national, in a
    small group of 24 pupils'."""
    shown = _as_shown(value, other, unit)
    if shown is None:
        return None
    size = _size(abs(shown[0] - shown[1]), unit)
    if size == "same":
        return f"about the same as {what}"
    above = shown[0] > shown[1]
    side = "above" if above else "below"
    lead = {"little": "a little ", "plain": "", "well": "well "}[size]
    if could_be_chance(other, lower, upper):
        return f"{lead}{side} {what}, {small_group(cohort, noun, gap)}"
    verdict = "better" if above == higher_is_better else "worse"
    return f"{lead}{side} {what} ({verdict})"


def national_for_phase(ctx: Context, row: KpiResult) -> bool:
    """Whether the national figure beside this school's is for schools like it: DfE's
    figure for its phase, or for all schools on a measure only its phase has. A special
    school's attendance beside all schools' is not, and the card says so."""
    from govkit.plan.measures import MEASURES, applies

    if not ctx.urn or row.national_value is None or row.measure is None:
        return True
    bench = ctx.ev.national(row.measure, row.period, ctx.urn)
    phase = comparison_phase(ctx.phase) if ctx.phase else None
    if bench is None or bench.phase == phase:
        return True
    m = MEASURES[row.measure]
    return bench.phase == "all" and [p for p in ("primary", "secondary")
                                     if applies(m, p)] == [phase]


def comparison(ctx: Context, row: KpiResult) -> str | None:
    """The card's comparison for one row: with national (saying when the national figure
    covers all schools, not this school's phase), else with the trust."""
    if row.status != "ok":
        return None
    if row.national_value is not None:
        other: float | None = row.national_value
        what = "national" if national_for_phase(ctx, row) else "all schools nationally"
    elif ctx.urn and not _is_total(row.measure):
        other, what = row.trust_value, "the trust"
    else:
        return None
    return compare_words(row.value, other, row.unit, str(row.direction) != "lower", what,
                         lower=row.ci_lower, upper=row.ci_upper, cohort=row.cohort,
                         noun=str(row.cohort_noun or "pupils"), gap=_is_gap(row.measure))


def _is_gap(measure: str | None) -> bool:
    from govkit.plan.measures import MEASURES

    m = MEASURES.get(measure) if measure is not None else None
    return getattr(m, "kind", None) == "gap"
