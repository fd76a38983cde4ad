"""Intervention triggers: the plan's rules that flag a school for school-improvement work.

Each rule (``config.Trigger``) is checked for every school the measure applies to; a hit
names the school, the rule and the figures that fired it, in plain words. Rules are
direction-aware ("below" national means worse than national: lower attendance, higher
persistent absence). Kinds:

- red_consecutive: the KPI on ``measure`` (every data KPI if none) is red ``periods``
  periods running (distinct periods: a year's results count once).
- below_national: worse than national (for its phase: ``Evaluator.fair_national``) by
  more than ``margin``.
- below_national_years: worse than national by more than ``margin`` in each of the last
  ``periods`` years (results years; the same term of each year for termly measures), and
  clearly so over the run taken together (``_clear_run``: a share of pupils pooled).
- below_trust: worse than the trust's schools of its phase together by more than
  ``margin`` (none for the only school of its phase).
- declining: worse than the period before by more than ``margin``, ``periods`` times
  running.

No rule fires on a figure built on fewer pupils than trust.yaml's ``min_cohort``: one
pupil of one is 0% or 100%, and a governor must not send in school improvement for that.
Nor on noise: a rule comparing with national, the trust or an earlier year fires only on
a clear difference (the other figure outside the school's 95% interval, where its figure
has one: ``rating.differs``), and red_consecutive counts reds by the one rating rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from govkit.errors import ConfigError
from govkit.plan import fmt
from govkit.plan.config import KPI, Trigger
from govkit.plan.measures import MEASURES, Measure, MeasureValue, applies
from govkit.plan.rating import differs
from govkit.plan.uncertainty import wilson
from govkit.terms import Term, parse_term

if TYPE_CHECKING:  # a type only: plan.evaluate imports this module, to run the triggers
    from govkit.plan.evaluate import Evaluator

COLUMNS = ["urn", "school", "trigger_id", "description", "measure", "detail"]
AUDIENCE = "board"  # triggers are for trust leaders: small numbers flagged, not hidden


def _worse_by(value: float, reference: float, direction: str) -> float:
    """How far ``value`` is worse than ``reference`` (negative: better)."""
    return reference - value if direction == "higher" else value - reference


def history(ev: Evaluator, measure: str, term: str, urn: int | None, n: int,
            yearly: bool = False) -> list[tuple[str, MeasureValue]]:
    """Up to ``n`` figures back from ``term``, one per distinct period, newest first.

    Stops at the first period without a figure (a gap breaks a run) or before the trust's
    first term. ``yearly`` steps a year at a time (the same term each year).
    """
    first = parse_term(ev.trust.terms[0])
    t: Term = parse_term(term)
    out: list[tuple[str, MeasureValue]] = []
    seen: set[str | None] = set()
    while t >= first and len(out) < n:
        mv = ev.value(measure, t.id, urn, AUDIENCE)
        if mv.period not in seen:
            if mv.status != "ok" or mv.value is None:
                break
            seen.add(mv.period)
            out.append((t.id, mv))
        t = t.year_ago() if yearly else t.previous()
    return out


def _when(period: str | None) -> str:
    """'Summer 2025' for a term; an academic year ('2024-25') as it is."""
    return fmt.term_label(period)


def _unit_of(m: Measure) -> str:
    """What a run is counted in: years for yearly results, surveys, or terms."""
    return {"academic_year": "years", "survey": "surveys"}.get(m.period, "terms")


def _v(value: float | None, measure: str) -> str:
    return fmt.value(value, MEASURES[measure].unit)


def _gap(value: float, measure: str) -> str:
    unit = MEASURES[measure].unit
    return fmt.distance(value, "points" if unit == "percent" else unit)


def _red_run(ev: Evaluator, k: KPI, measure: str, term: str, urn: int,
             n: int) -> str | None:
    m = MEASURES[measure]
    direction = k.direction or m.direction
    hist = history(ev, measure, term, urn, n)
    if len(hist) < n:
        return None
    parts = []
    for t, mv in hist:
        target = ev.target(k, t, urn, AUDIENCE)
        if ev.rate(measure, mv, target, ev.tolerance(k, urn), direction,
                   ev.interval(measure, mv, t, urn, AUDIENCE)) != "red":
            return None
        parts.append(f"{_when(mv.period)}: {_v(mv.value, measure)} against a target of "
                     f"{_v(target, measure)}")
    return (f"{k.label or m.label} red {fmt.count_words(n)} {_unit_of(m)} running ("
            + "; ".join(parts) + ")")


def _clearly_worse(ev: Evaluator, measure: str, term: str, urn: int, mv: MeasureValue,
                   other: float | None, direction: str, margin: float) -> bool:
    """Worse than ``other`` by more than ``margin``, and clearly: ``other`` lies outside
    the figure's 95% interval where it has one (a difference inside it could be chance)."""
    if mv.value is None or other is None or _worse_by(mv.value, other, direction) <= margin:
        return False
    return differs(mv.value, other, ev.interval(measure, mv, term, urn, AUDIENCE))


def _clear_run(ev: Evaluator, measure: str, hist: list[tuple[str, MeasureValue]],
               benches: list[float], urn: int, direction: str, margin: float) -> bool:
    """Whether a run of years below national is clearly below, taken together: for a
    share of pupils, the years' pupils pooled (11 of 24 and 14 of 28 are 25 of 52,
    48.1%, 95% interval 35.1% to 61.3%) against national weighted by each year's
    cohort (61.5%); for another figure, each year clearly worse on its own. A single
    small cohort's gap could be chance; the same gap year after year is less likely to
    be."""
    m = MEASURES[measure]
    # each year's pupils counted and on roll, where every year has both
    pupils = [(mv.numerator, mv.denominator) for _, mv in hist
              if mv.numerator is not None and mv.denominator]
    if m.kind == "rate" and m.numerator_pupils and len(pupils) == len(hist):
        k = sum(num for num, _ in pupils)
        n = sum(den for _, den in pupils)
        w = wilson(k, n)
        if w is None:
            return False
        pooled = m.scale * k / n
        nat = sum(b * den for b, (_, den) in zip(benches, pupils, strict=True)) / n
        return (_worse_by(pooled, nat, direction) > margin
                and differs(pooled, nat, (m.scale * w[0], m.scale * w[1])))
    return all(_clearly_worse(ev, measure, t, urn, mv, b, direction, margin)
               for (t, mv), b in zip(hist, benches, strict=True))


def _check(ev: Evaluator, trig: Trigger, measure: str, term: str, urn: int) -> str | None:
    m = MEASURES[measure]
    direction = m.direction
    k = ev.kpi_for(measure)
    if k is not None and k.direction:
        direction = k.direction
    label = m.label
    if trig.kind == "below_national":
        mv = ev.value(measure, term, urn, AUDIENCE)
        if ev.too_few(measure, mv):
            return None
        b = ev.fair_national(measure, mv.period, urn) if mv.status == "ok" else None
        if b is None or mv.value is None or not _clearly_worse(
                ev, measure, term, urn, mv, b.value, direction, trig.margin):
            return None
        return (f"{label} {_v(mv.value, measure)} ({_when(mv.period)}) against national "
                f"{_v(b.value, measure)} ({b.citation}): "
                f"{_gap(_worse_by(mv.value, b.value, direction), measure)} worse")
    if trig.kind == "below_national_years":
        hist = history(ev, measure, term, urn, trig.periods,
                       yearly=m.period != "academic_year")
        if len(hist) < trig.periods or any(ev.too_few(measure, mv) for _, mv in hist):
            return None
        parts, benches = [], []
        for _, mv in hist:
            b = ev.fair_national(measure, mv.period, urn)
            # (history stops at a period without a figure: every value is a number)
            if b is None or mv.value is None \
                    or _worse_by(mv.value, b.value, direction) <= trig.margin:
                return None
            benches.append(b)
            parts.append(f"{_when(mv.period)}: {_v(mv.value, measure)} against national "
                         f"{_v(b.value, measure)} ({b.academic_year})")
        if not _clear_run(ev, measure, hist, [b.value for b in benches], urn, direction,
                          trig.margin):
            return None
        return f"{label} worse than national {trig.periods} years running (" + "; ".join(
            parts) + ")"
    if trig.kind == "below_trust":
        mv = ev.value(measure, term, urn, AUDIENCE)
        tv = ev.trust_figure(measure, term, urn, AUDIENCE)  # the trust's schools of its phase
        if mv.status != "ok" or tv.status != "ok" or mv.value is None or tv.value is None \
                or ev.too_few(measure, mv):
            return None
        if not _clearly_worse(ev, measure, term, urn, mv, tv.value, direction, trig.margin):
            return None
        peers = ev.peers(urn, term)
        whose = ("the trust's" if len(peers) >= len(ev.trust.schools_in(term))
                 else f"the trust's {ev.trust.school(urn).phase} schools'")
        return (f"{label} {_v(mv.value, measure)} against {whose} "
                f"{_v(tv.value, measure)} ({_when(mv.period)}): "
                f"{_gap(_worse_by(mv.value, tv.value, direction), measure)} worse")
    if trig.kind == "declining":
        hist = history(ev, measure, term, urn, trig.periods + 1)
        if len(hist) < trig.periods + 1 or any(ev.too_few(measure, mv) for _, mv in hist):
            return None
        for (t, newer), (_, older) in zip(hist, hist[1:], strict=False):
            if not _clearly_worse(ev, measure, t, urn, newer, older.value, direction,
                                  trig.margin):
                return None
        figures = ", ".join(f"{_when(mv.period)} {_v(mv.value, measure)}"
                            for _, mv in reversed(hist))
        return (f"{label} worse {fmt.count_words(trig.periods)} {_unit_of(m)} running: "
                f"{figures}")
    raise ValueError(f"unknown trigger kind {trig.kind}")


def kpis_on(ev: Evaluator, measure: str | None) -> list[tuple[str, KPI]]:
    """The plan's data KPIs with a target on ``measure`` (all of them for None), each
    with its measure."""
    return [(k.measure, k) for _, _, k in ev.plan_kpis if k.evidence == "data"
            and k.measure is not None and (k.target is not None or k.by_phase)
            and (measure is None or k.measure == measure)]


def evaluate_triggers(ev: Evaluator, term: str) -> pd.DataFrame:
    """Every (school, rule) that fires this term; empty if none."""
    rows = []
    for trig in ev.plan.triggers:
        on = kpis_on(ev, trig.measure) if trig.kind == "red_consecutive" else []
        for s in ev.trust.schools_in(term):
            if trig.kind == "red_consecutive":
                for measure, k in on:
                    d = (_red_run(ev, k, measure, term, s.urn, trig.periods)
                         if applies(MEASURES[measure], s.phase) else None)
                    if d:
                        rows.append({"urn": s.urn, "school": ev.trust.label(s.urn),
                                     "trigger_id": trig.id,
                                     "description": trig.description, "measure": measure,
                                     "detail": d})
                continue
            if trig.measure is None:
                raise ConfigError(f"trigger '{trig.id}' ({trig.kind}) needs a measure")
            if not applies(MEASURES[trig.measure], s.phase):
                continue
            detail = _check(ev, trig, trig.measure, term, s.urn)
            if detail:
                rows.append({"urn": s.urn, "school": ev.trust.label(s.urn), "trigger_id": trig.id,
                             "description": trig.description, "measure": trig.measure,
                             "detail": detail})
    return pd.DataFrame(rows, columns=COLUMNS)
