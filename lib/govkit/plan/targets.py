"""A KPI's target and amber tolerance for a place and term: a number, or national, the
trust or last year plus an offset, by phase where the plan says so, and why a school has
none when nothing fair exists for its phase."""

from __future__ import annotations

from govkit.plan.config import KPI
from govkit.plan.figures import Figures
from govkit.plan.measures import MEASURES, applies
from govkit.terms import parse_term


class Targets(Figures):
    """What each KPI is held to, the same for every report, trigger and count."""

    def target(self, kpi: KPI, term: str, urn: int | None,
               audience: str = "board") -> float | None:
        """The KPI's target for this place and term, or None if it cannot be set: the
        school's phase's own target where the plan gives one (``by_phase``), and "the
        trust" for a school is the trust's schools of its phase (none if it is alone)."""
        return self.target_and_reason(kpi, term, urn, audience)[0]

    def target_and_reason(self, kpi: KPI, term: str, urn: int | None,
                          audience: str = "board") -> tuple[float | None, str | None]:
        """``target`` and, when a school has none only because nothing fair to rate it
        against exists for its phase, why, in words: 'no target for special schools'."""
        t, _ = kpi.for_phase(self._phase(urn))
        if kpi.measure is None:
            return None, None
        phase = self._phase(urn)
        if t is None:
            return None, (f"no target for {phase} schools" if kpi.target is not None
                          and phase else None)
        if t.value is not None:
            mixed = self._mixed_target(kpi, term) if urn is None and kpi.by_phase else None
            return (mixed if mixed is not None
                    else t.value * self.schools_counted(kpi, urn)), None
        if t.relative_to == "national":
            mv = self.value(kpi.measure, term, urn, audience)
            b = self.fair_national(kpi.measure, mv.period, urn)
            if b is None and self.national(kpi.measure, mv.period, urn) is not None:
                return None, f"no national figure for {phase} schools"
            base = b.value if b else None
        elif t.relative_to == "trust":
            base = self.trust_figure(kpi.measure, term, urn, audience).value
            if base is None and urn is not None and len(self.peers(urn, term)) < 2:
                return None, f"the trust's only {phase} school"
        else:
            base = self.value(kpi.measure, parse_term(term).year_ago().id, urn, audience).value
        return (None if base is None else base + t.offset), None

    def _mixed_target(self, kpi: KPI, term: str) -> float | None:
        """A trust figure's target when the plan sets targets by phase: each school's own
        target weighted as its figure is (suspensions per 100: by pupils on roll), so a
        trust of primaries and secondaries is held to the mix it has, not to the
        primaries' target alone. None unless every school counted has a number."""
        measure = kpi.measure
        if not measure or MEASURES[measure].kind != "rate":
            return None
        m = MEASURES[measure]
        mv = self.value(measure, term, None)
        counted = self.members(self.measure_period(measure, term))
        weight = total = 0.0
        for s in self.trust.schools:
            if s.urn not in counted or not applies(m, s.phase):
                continue
            raw = self.raw(measure, term, s.urn)
            if raw.status != "ok" or not raw.denominator:
                continue
            own, _ = kpi.for_phase(s.phase)
            if own is None or own.value is None:
                return None
            weight += raw.denominator
            total += own.value * raw.denominator
        return total / weight if weight and mv.status == "ok" else None

    def schools_counted(self, kpi: KPI, urn: int | None) -> int:
        """How many schools' worth a fixed target stands for: 1, except for a trust total.

        A plan's "5 partnerships" or "no vacancies" is set per school; the trust's figure for
        a total (a count or a sum of money) adds the schools up, so its target and amber
        tolerance add up too, over the schools the measure applies to.
        """
        m = MEASURES[kpi.measure] if kpi.measure else None
        if urn is not None or m is None or m.kind != "total" or kpi.target is None \
                or kpi.target.value is None:
            return 1
        return max(1, sum(1 for s in self.trust.schools if applies(m, s.phase)))

    def tolerance(self, kpi: KPI, urn: int | None) -> float:
        return kpi.for_phase(self._phase(urn))[1] * self.schools_counted(kpi, urn)
