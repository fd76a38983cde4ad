"""One KPI evaluated once for a place and term: ``KpiResult``, the seam between the plan
and every report, trigger and count.

Each field is one thing a page says of the KPI (value, cohort, interval, target, rating
and whether a shortfall could be chance, change and its basis, pupils to flip, the
schools red on a trust figure, coverage). It is a typed, immutable tuple: the
evaluator keeps thousands of them (a worker holds every place's), positions stay
``evaluate.COL``'s, and ``evaluate.kpis`` makes its DataFrame straight from them. The
renderers read its fields by name (``r.rating``), so a misspelt field is a type error;
``as_results`` reads back a frame of them a leader narrowed in Lab.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, TypeAlias

import pandas as pd


class KpiResult(NamedTuple):
    """One KPI for one place, term and audience, as ``Evaluator.results`` gives it."""

    priority_id: str
    priority: str
    criterion_id: str
    criterion: str
    kpi_id: str
    measure: str | None
    label: str | None
    unit: str | None
    direction: str | None
    evidence: str
    value: float | None  # None unless status is "ok"
    numerator: float | None
    denominator: float | None
    period: str | None
    target: float | None
    tolerance: float
    rag: str | None  # green, amber or red; None if not rated
    status: str  # ok, no_data, suppressed, not_applicable, not_published, narrative
    previous_value: float | None
    change_last_term: float | None
    change_since: str | None
    year_ago_value: float | None
    change_last_year: float | None
    trust_value: float | None  # a school's: the trust's schools of its phase
    national_value: float | None
    national_source: str | None
    small_number: bool
    comment: str | None
    # one figure, one story: what every table cell, sentence and chart title reads
    cohort: float | None
    cohort_noun: str | None
    cohort_text: str | None
    rating: str | None  # rag, or "too_few"
    ci_lower: float | None
    ci_upper: float | None
    clear: bool | None  # the target outside the 95% interval
    change: float | None
    change_basis: str | None
    moved: str | None  # up, down or same
    counted: str | None
    pupils_to_change: int | None
    rating_after: str | None
    chance: bool | None  # amber only because the shortfall could be chance
    unrated: str | None  # why a school has no target on a KPI that has one
    # a trust row: the schools red on it, and how much of the trust the figure covers
    red_schools: str | None
    red_school_values: str | None
    schools_counted: int | None
    schools_in_scope: int | None
    pupils_all: float | None

    @property
    def name(self) -> str:
        """What a page calls the KPI: its label, else its measure's id."""
        return str(self.label or self.measure)

    @property
    def is_red(self) -> bool:
        """Rated red on a figure it shows: what reds are counted from."""
        return self.status == "ok" and self.rag == "red"


# a frame's float column holds these as 3.0 or NaN, a bool one as numpy's bool
_INTS = frozenset({"pupils_to_change", "schools_counted", "schools_in_scope"})
_BOOLS = frozenset({"small_number", "clear", "chance"})

# what a renderer takes: the results, or a frame of them (``context.kpis``, narrowed in Lab)
KpiRows: TypeAlias = Sequence[KpiResult] | pd.DataFrame


def _field(name: str, value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if name in _INTS:
        return int(value)
    if name in _BOOLS:
        return bool(value)
    return value.item() if hasattr(value, "item") else value


def as_results(kpis: KpiRows) -> list[KpiResult]:
    """The results a renderer reads: ``kpis`` itself, or a frame of ``Evaluator.kpis``
    read back row by row (NaN as None; a column the frame lacks is None), so a leader's
    narrowed frame renders as the results it holds."""
    if not isinstance(kpis, pd.DataFrame):
        return list(kpis)
    have = [f for f in KpiResult._fields if f in kpis.columns]
    columns = [kpis[f].tolist() for f in have]
    blank: dict[str, Any] = dict.fromkeys(KpiResult._fields)
    return [KpiResult(**{**blank, **{f: _field(f, v) for f, v in zip(have, row, strict=True)}})
            for row in zip(*columns, strict=True)] if have else [
        KpiResult(**blank) for _ in range(len(kpis))]
