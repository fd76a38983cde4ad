"""One figure, one story: what a figure says beyond its value, worked out once for every
report, trigger and count: its cohort, 95% interval, rating by the one rule, the change a
report shows and what it is on, and the pupils a rating turns on."""

from __future__ import annotations

from typing import Any

from govkit.plan import fmt, uncertainty
from govkit.plan.measures import MEASURES, MeasureValue, applies, pupils_in_scope
from govkit.plan.rating import RAG_ORDER, could_be_chance
from govkit.plan.rating import rate as rate_rule
from govkit.plan.targets import Targets
from govkit.terms import is_term, parse_term


def change_since(period_kind: str, period: str | None, previous: str | None) -> str | None:
    """What a change on "last term's figure" is really against, in words for a reader.

    Yearly results show last year's figure in the term before summer, so their change is
    on last year; a survey's is on last year or on the last survey, whenever that was.
    """
    if period is None or previous is None or period == previous:
        return None
    if period_kind == "term":
        return "last term"
    if period_kind == "academic_year":
        return "last year"
    if is_term(period) and is_term(previous) and \
            parse_term(previous) == parse_term(period).year_ago():
        return "last year"
    return "the last survey"


class Story(Targets):
    """A figure's cohort, interval, rating and change: what every cell, sentence and chart
    title of it reads."""

    def cohort(self, measure: str, mv: MeasureValue) -> float | None:
        """The pupils a rate, score or gap is built on (a gap: its smaller group); None for
        what is not built on pupils (money, staff, counts of events)."""
        m = MEASURES[measure]
        if not m.suppress or m.pupil_count or mv.status != "ok":
            return None
        return mv.base

    def cohort_text(self, measure: str, mv: MeasureValue) -> str | None:
        """'5 of 9 pupils' for a share of pupils, '68 pupils' for a rate over them, 'smaller
        group 1 pupil' for a gap: every figure on pupils carries how many."""
        m = MEASURES[measure]
        c = self.cohort(measure, mv)
        if c is None:
            return None
        noun = m.cohort_noun[:-1] if round(c) == 1 and m.cohort_noun.endswith("s") \
            else m.cohort_noun
        if m.kind == "rate" and m.numerator_pupils and mv.numerator is not None:
            # worked back from DfE's rounded percentage: 95 or 96 of 115, so "about 95"
            about = "about " if mv.approximate else ""
            return about + fmt.of(mv.numerator, mv.denominator, m.cohort_noun)
        if m.kind == "gap":
            return f"smaller group {fmt.number(c)} {noun}"
        return f"{fmt.number(c)} {noun}"

    def too_few(self, measure: str, mv: MeasureValue) -> bool:
        """Built on fewer pupils than trust.yaml's ``min_cohort``: shown, never rated."""
        c = self.cohort(measure, mv)
        return c is not None and c < self.trust.min_cohort

    def rate(self, measure: str, mv: MeasureValue, target: float | None, tolerance: float,
             direction: str, ci: tuple[float, float] | None = None) -> str | None:
        """The rating of a figure by the one rule (``rating.rate``), worked out on the
        values as shown (95.0% against a target of 95.0% is green, whatever the unrounded
        94.96 was): red only when clearly short where the figure has a 95% interval
        (``ci``, from ``interval``); "too_few" on a cohort below the minimum; None if it
        cannot be rated."""
        if mv.status != "ok" or mv.value is None or target is None:
            return None
        if self.too_few(measure, mv):
            return "too_few"
        unit = MEASURES[measure].unit
        return rate_rule(fmt.displayed(mv.value, unit), fmt.displayed(target, unit),
                         tolerance, direction, ci)

    def interval(self, measure: str, mv: MeasureValue, term: str, urn: int | None,
                 audience: str) -> tuple[float, float] | None:
        """The figure's 95% interval in its own unit: Wilson for a share of pupils, DfE's
        limits for a progress score, Newcombe for a gap between two shares of pupils."""
        m = MEASURES[measure]
        if mv.status != "ok" or mv.value is None:
            return None
        w = None
        if m.kind == "rate" and m.numerator_pupils and mv.numerator is not None \
                and mv.denominator:
            w = uncertainty.wilson(mv.numerator, mv.denominator)
        elif m.kind == "mean" and mv.lower is not None and mv.upper is not None:
            return mv.lower, mv.upper  # one school: DfE's published limits, as published
        elif m.kind == "mean" and mv.half_width is not None:
            return mv.value - mv.half_width, mv.value + mv.half_width
        elif m.kind == "gap" and m.parts:
            a, b = (self.value(p, term, urn, audience) for p in m.parts)
            if all(MEASURES[p].numerator_pupils for p in m.parts) \
                    and a.status == "ok" and b.status == "ok" \
                    and a.numerator is not None and a.denominator \
                    and b.numerator is not None and b.denominator:
                w = uncertainty.newcombe(a.numerator, a.denominator, b.numerator,
                                         b.denominator)
        return None if w is None else (100.0 * w[0], 100.0 * w[1])  # shares of pupils: %

    def change_basis(self, measure: str, term: str, urn: int | None, audience: str,
                     mv: MeasureValue) -> tuple[float | None, str | None]:
        """The one change a report shows, and what it is on: last year for yearly results,
        the same term last year for seasonal measures (attendance, absence, energy), last
        year or the last survey for a survey, otherwise last term."""
        m = MEASURES[measure]
        t = parse_term(term)
        if m.period == "academic_year" or m.period == "survey" or m.seasonal:
            other = self.value(measure, t.year_ago().id, urn, audience)
            basis = {"academic_year": "last year"}.get(m.period, "the same term last year")
            if m.period == "survey":
                basis = change_since("survey", mv.period, other.period) or basis
        else:
            other = self.value(measure, t.previous().id, urn, audience)
            basis = "last term"
        if mv.status != "ok" or mv.value is None or other.status != "ok" \
                or other.value is None or other.period == mv.period:
            return None, None
        if m.unit == "GBP":
            return mv.value - other.value, basis
        # worked out on the figures as shown: 21.2% and 21.2% is no change, never "up 0.1"
        now, then = fmt.displayed(mv.value, m.unit), fmt.displayed(other.value, m.unit)
        if now is None or then is None:  # a value that is no number (NaN) has no change
            return None, None
        return now - then, basis

    def result(self, measure: str, term: str, urn: int | None, audience: str,
               mv: MeasureValue, target: float | None = None, rating: str | None = None,
               tolerance: float = 0.0, direction: str | None = None) -> dict[str, Any]:
        """What a figure says beyond its value: cohort, interval, whether the gap to target
        is clear of it, the change and its basis, and the pupils a rating turns on."""
        m = MEASURES[measure]
        direction = direction or m.direction
        cohort = self.cohort(measure, mv)
        ci = self.interval(measure, mv, term, urn, audience)
        change, basis = self.change_basis(measure, term, urn, audience, mv)
        moved = None
        if change is not None:
            moved = ("same" if fmt.change(change, m.unit) == "no change"
                     else "up" if change > 0 else "down")
        unit = m.unit
        chance = (rating == "amber" and mv.value is not None and ci is not None
                  and could_be_chance(fmt.displayed(mv.value, unit),
                                      fmt.displayed(target, unit), tolerance, direction, ci))
        out: dict[str, Any] = dict(
            cohort=cohort, cohort_noun=m.cohort_noun, rating=rating, chance=chance,
            cohort_text=self.cohort_text(measure, mv),
            ci_lower=ci[0] if ci else None, ci_upper=ci[1] if ci else None,
            clear=uncertainty.clear_of(target, *ci) if ci and rating in RAG_ORDER else None,
            change=change, change_basis=basis, moved=moved, counted=m.counted or None,
            schools_counted=len(mv.urns) if urn is None and mv.status == "ok" else None,
            schools_in_scope=(sum(1 for s in self.trust.schools if applies(m, s.phase)
                                  and s.urn in self.members(self.measure_period(measure,
                                                                                term)))
                              if urn is None else None),
            pupils_all=pupils_in_scope(self.tables, measure, term) if urn is None else None)
        if rating in ("red", "amber") and m.counted and m.numerator_pupils \
                and mv.numerator is not None and mv.denominator:
            shown_target = fmt.displayed(target, m.unit)
            n = round(mv.denominator)

            def rated(pct: float) -> str | None:  # the one rule, on that many pupils
                w = uncertainty.wilson(round(pct * n / 100.0), n)
                return rate_rule(fmt.displayed(pct, m.unit), shown_target, tolerance,
                                 direction, (100.0 * w[0], 100.0 * w[1]) if w else None)

            turn = uncertainty.pupils_to_change(round(mv.numerator), n, direction, rated)
            if turn:
                out.update(pupils_to_change=turn[0], rating_after=turn[1])
        return out
