"""One KPI evaluated once for a place and term: ``KpiResult``, the seam between the plan
and every report, trigger and count.

Each field is one thing a page says of the KPI (value, cohort, interval, target, rating
and whether a shortfall could be chance, change and its basis, pupils to flip, the
schools red on a trust figure, coverage). It is a typed, immutable tuple: the
evaluator keeps thousands of them (a worker holds every place's), positions stay
``evaluate.COL``'s, and ``evaluate.kpis`` makes its DataFrame straight from them. It
also reads like the row dicts the renderers take (``r.get("rating")``, ``"rating" in
r``), so ``narrative.kpi_sentence(result)`` and a table row read the same object.
"""

from __future__ import annotations

from typing import Any, NamedTuple


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

    def get(self, key: str, default: Any = None) -> Any:
        """A field by name, as a row dict's ``get`` (renderers read rows either way)."""
        return getattr(self, key, default) if key in self._fields else default

    def __contains__(self, key: object) -> bool:
        """``"change_basis" in result``: whether it has the field (as a row dict)."""
        return key in self._fields

    @property
    def is_red(self) -> bool:
        """Rated red on a figure it shows: what reds are counted from."""
        return self.status == "ok" and self.rag == "red"
