"""Views across places and terms: a measure term by term, every school side by side, and
the trust's schools phase by phase beside each phase's national figure."""

from __future__ import annotations

import pandas as pd

from govkit.plan import suppression
from govkit.plan.config import KPI
from govkit.plan.figures import like_for_like
from govkit.plan.measures import MEASURES, MeasureValue, applies, compute_from
from govkit.plan.rating import RAG_ORDER
from govkit.plan.story import Story

PHASE_COLUMNS = ["phase", "schools", "measure", "label", "unit", "direction", "value",
                 "numerator", "denominator", "period", "status", "small_number",
                 "national_value", "national_source", "national_like_for_like"]
SERIES_COLUMNS = ["term", "period", "value", "numerator", "denominator", "status"]


class Comparisons(Story):
    """The trend, school-by-school and phase-by-phase tables the reports draw."""

    def series(self, measure: str, urn: int | None = None, terms: list[str] | None = None,
               audience: str = "board") -> pd.DataFrame:
        """The measure term by term (default: all the trust's terms), for trend charts."""
        rows = []
        for term in terms or self.trust.terms:
            mv = self.value(measure, term, urn, audience)
            rows.append({"term": term, "period": mv.period,
                         "value": mv.value if mv.status == "ok" else None,
                         "numerator": mv.numerator, "denominator": mv.denominator,
                         "status": mv.status})
        return pd.DataFrame(rows, columns=SERIES_COLUMNS)

    def kpi_for(self, measure: str) -> KPI | None:
        """The plan's first data KPI on this measure (the one a comparison is rated by)."""
        for _, _, k in self.plan_kpis:
            if k.measure == measure and k.evidence == "data":
                return k
        return None

    def compare_schools(self, measure: str, term: str, audience: str = "board") -> pd.DataFrame:
        """Every school side by side on one measure, rated against the plan's KPI if any."""
        k = self.kpi_for(measure)
        m = MEASURES[measure]
        rows = []
        for s in self.trust.schools_in(term):
            mv = self.value(measure, term, s.urn, audience)
            value = mv.value if mv.status == "ok" else None
            r = None
            if k is not None:
                r = self.rate(measure, mv, self.target(k, term, s.urn, audience),
                              self.tolerance(k, s.urn), k.direction or m.direction,
                              self.interval(measure, mv, term, s.urn, audience))
            rows.append({"urn": s.urn, "school": self.trust.label(s.urn), "phase": s.phase,
                         "value": value,
                         "numerator": mv.numerator, "denominator": mv.denominator,
                         "status": mv.status, "rag": r if r in RAG_ORDER else None,
                         "rating": r, "cohort": self.cohort(measure, mv)})
        return pd.DataFrame(rows, columns=["urn", "school", "phase", "value", "numerator",
                                           "denominator", "status", "rag", "rating",
                                           "cohort"])

    def by_phase(self, term: str, audience: str = "board") -> pd.DataFrame:
        """The plan's measures for each phase of the trust's schools, weighted from counts,
        beside the national figure for that phase: a trust of primaries and secondaries
        reads its attendance against each phase's national, not one blended figure."""
        rows = []
        threshold = suppression.threshold_for(self.trust, audience)
        phases = dict.fromkeys(s.phase for s in self.trust.schools)
        for phase in phases:
            for mid in self.plan_measures:
                m = MEASURES[mid]
                if not applies(m, phase):
                    continue
                now = self.members(self.measure_period(mid, term))
                urns = [s.urn for s in self.trust.schools if s.phase == phase
                        and (s.urn in now or m.period == "survey")]
                if not urns:
                    continue
                def fetch(other: str, urns: list[int] = urns) -> MeasureValue:
                    return compute_from(self.tables, other, term, urns)

                mv = suppression.apply(
                    {mid: compute_from(self.tables, mid, term, urns)}, threshold, audience,
                    fetch=fetch,
                    numerators=suppression.complement_for(self.trust, audience),
                )[mid]
                bench = self.national_for(mid, mv.period, phase)
                rows.append({"phase": phase, "schools": len(urns), "measure": mid,
                             "label": m.label, "unit": m.unit, "direction": m.direction,
                             "value": mv.value if mv.status == "ok" else None,
                             "numerator": mv.numerator, "denominator": mv.denominator,
                             "period": mv.period, "status": mv.status,
                             "small_number": mv.small_number,
                             "national_value": bench.value if bench else None,
                             "national_source": bench.citation if bench else None,
                             "national_like_for_like": like_for_like(m, phase, bench)})
        return pd.DataFrame(rows, columns=PHASE_COLUMNS)
