"""The figures an evaluation is built from: a measure's value for a place and term (as an
audience may see it), the schools a trust figure counts, and what it is set beside (the
trust's schools of its phase, the national figure for its phase).

A base of ``Evaluator`` (govkit.plan.evaluate), which makes the caches declared here.
"""

from __future__ import annotations

from typing import Any

import duckdb

from govkit.plan import suppression
from govkit.plan.config import KPI, Plan, Priority, SuccessCriterion, Trust, comparison_phase
from govkit.plan.measures import MEASURES, MeasureValue, Tables, applies, compute_from, results_year
from govkit.plan.national import Benchmark, imported_index, national, year_of
from govkit.terms import period_dates

MAINSTREAM = ("primary", "secondary", "all-through")  # national figures are for these


def like_for_like(m: Any, phase: str, bench: Benchmark | None) -> bool | None:
    """Whether a national figure speaks for schools of this phase: one published for the
    phase, or for all schools on a measure only one mainstream phase has (KS2 results are
    primary schools'); not all schools' attendance beside a special school's."""
    if bench is None:
        return None
    phase = comparison_phase(phase)
    if bench.phase == phase:
        return True
    mainstream = [p for p in ("primary", "secondary") if applies(m, p)]
    return bench.phase == "all" and mainstream == [phase]


class Figures:
    """A place's figures, worked out once each and kept (the caches ``Evaluator`` makes)."""

    trust: Trust
    plan: Plan
    con: duckdb.DuckDBPyConnection | None  # None once its results are shared (the batch)
    plan_measures: list[str]  # the plan's measures, sorted
    plan_kpis: list[tuple[Priority, SuccessCriterion, KPI]]  # with their ids, made once
    tables: Tables
    _raw: dict[tuple[str, str, int | None], MeasureValue]
    _shown: dict[tuple[str, str, int | None, str], MeasureValue]
    _phase_values: dict[tuple, MeasureValue]
    _members: dict[str, frozenset[int]]

    def members(self, period: str) -> frozenset[int]:
        """The schools the trust's figure for a term or academic year counts (trust.yaml's
        ``history``: the trust as it was then, or today's schools like for like)."""
        if period not in self._members:
            self._members[period] = frozenset(self.trust.members(*period_dates(period)))
        return self._members[period]

    def measure_period(self, measure: str, term: str) -> str:
        """The period a measure's figure for ``term`` is of: the results' academic year or
        the term itself."""
        m = MEASURES[measure]
        return results_year(term) if m.period == "academic_year" else term

    def raw(self, measure: str, term: str, urn: int | None = None) -> MeasureValue:
        """The figure before disclosure control (cached)."""
        key = (measure, term, urn)
        if key not in self._raw:
            self._raw[key] = compute_from(self.tables, measure, term,
                                          None if urn is None else [urn])
        return self._raw[key]

    def value(self, measure: str, term: str, urn: int | None = None,
              audience: str = "board") -> MeasureValue:
        """The figure as ``audience`` may see it (primary and secondary suppression)."""
        key = (measure, term, urn, audience)
        if key not in self._shown:
            wanted = suppression.family_members({measure})
            shown = suppression.apply(
                {mid: self.raw(mid, term, urn) for mid in wanted},
                suppression.threshold_for(self.trust, audience), audience,
                numerators=suppression.complement_for(self.trust, audience))
            for mid, mv in shown.items():
                self._shown[(mid, term, urn, audience)] = mv
        return self._shown[key]

    def phase_of(self, measure: str, urn: int | None) -> str | None:
        """The phase to look national figures up by: the school's, or the trust's if one."""
        if urn is not None:
            return comparison_phase(self.trust.school(urn).phase)
        m = MEASURES[measure]
        phases = {comparison_phase(s.phase) for s in self.trust.schools if s.phase in m.phases}
        return phases.pop() if len(phases) == 1 else None

    def national(self, measure: str, period: str | None, urn: int | None) -> Benchmark | None:
        return self.national_for(measure, period, self.phase_of(measure, urn))

    def national_for(self, measure: str, period: str | None, phase: str | None
                     ) -> Benchmark | None:
        """The national figure: DfE's own national row for that year where an imported
        file gave one, else the shipped table's (for that year or the latest before)."""
        m = MEASURES[measure]
        key = m.attainment
        if key is not None and period is not None:
            if self.tables.imported_national is None:
                self.tables.imported_national = imported_index(
                    self.tables.frames.get("benchmarks"))
            found = self.tables.imported_national.get((*key, year_of(period)))
            if found is not None:
                return found
        return national(m.national_key, period, phase)

    def fair_national(self, measure: str, period: str | None,
                      urn: int | None) -> Benchmark | None:
        """The national figure a place may be judged against (targets, triggers): as
        ``national``, except that a school outside the mainstream phases is held only to
        national for its phase: all schools' attendance is no yardstick for a special
        school."""
        b = self.national(measure, period, urn)
        phase = self._phase(urn)
        if b is not None and phase is not None and phase not in MAINSTREAM \
                and like_for_like(MEASURES[measure], phase, b) is False:
            return None
        return b

    def _phase(self, urn: int | None) -> str | None:
        return None if urn is None else self.trust.school(urn).phase

    def peers(self, urn: int, term: str | None = None) -> list[int]:
        """The trust's schools compared with this one: those of its comparison phase (in
        the trust at ``term``, if given: not one that has left)."""
        phase = comparison_phase(self.trust.school(urn).phase)
        schools = self.trust.schools if term is None else self.trust.schools_in(term)
        return [s.urn for s in schools if comparison_phase(s.phase) == phase]

    def trust_figure(self, measure: str, term: str, urn: int | None,
                     audience: str = "board") -> MeasureValue:
        """What a place is compared with in the trust: for a school, the trust's schools
        of its phase together (a primary's suspensions beside primaries', not beside a
        figure swollen by the secondaries); no figure if it is the only one of its phase;
        for the trust, itself."""
        if urn is None:
            return self.value(measure, term, None, audience)
        # the schools of its phase that the trust's figure then counts (as it was)
        now = self.members(self.measure_period(measure, term))
        urns = [u for u in self.peers(urn) if u in now]
        if len(urns) < 2:
            return MeasureValue(None, None, None, None, "no_data")
        if len(urns) == len(now):
            return self.value(measure, term, None, audience)
        key = (measure, term, tuple(urns), audience)
        if key not in self._phase_values:
            threshold = suppression.threshold_for(self.trust, audience)
            self._phase_values[key] = suppression.apply(
                {measure: compute_from(self.tables, measure, term, urns)}, threshold,
                audience, fetch=lambda other: compute_from(self.tables, other, term, urns),
                numerators=suppression.complement_for(self.trust, audience))[measure]
        return self._phase_values[key]
