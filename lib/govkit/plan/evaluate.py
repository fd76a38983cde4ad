"""Plan evaluation: every KPI of the plan for a school or the trust, for a term.

One ``Evaluator`` per report: it reads the store once, works each figure out once and
keeps it, and answers the notebooks' questions as tidy DataFrames. A notebook never
computes a KPI itself.

Rules, so that a rating means the same in every report:

- target: a number, or national / the trust / the same term last year plus ``offset``;
  no national figure (or trust or last-year figure) means no target and no rating.
- RAG (direction-aware), by the one rule of ``rating``: green when on or beyond target in
  the good direction; amber when short of it by no more than the tolerance; red when short
  by more, except that a figure on pupils with a 95% interval is red only when the
  interval leaves the target out (else amber, "could be chance": the ``chance`` column).
- status for what cannot be rated: ok, no_data, suppressed, not_applicable (phase),
  not_published (the publisher withheld it, e.g. KS2 progress 2023-24 and 2024-25),
  narrative (a leader's comment, from params/commentary/).
- change since last term is only given when last term's figure is for a different
  period (results stay the same from summer to the next spring); ``change_since`` says
  what that figure is: "last term", or "last year" for yearly results (whose figure last
  term is the previous year's) and for a survey a year earlier.
- a KPI whose measure does not apply to the phase has no target either.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from govkit.data.store import file_key
from govkit.errors import ConfigError
from govkit.files import replacing
from govkit.plan import fmt, suppression, uncertainty
from govkit.plan.commentary import Comments, comment_for, load_commentary
from govkit.plan.config import KPI, Plan, Trust, comparison_phase
from govkit.plan.measures import (
    MEASURES,
    MeasureValue,
    Tables,
    applies,
    compute_from,
    database_file,
    pupils_in_scope,
    results_year,
)
from govkit.plan.national import Benchmark, imported_index, national, year_of
from govkit.plan.rating import RAG_ORDER, combine_rag, could_be_chance
from govkit.plan.rating import rate as rate_rule
from govkit.plan.records import records
from govkit.plan.result import KpiResult
from govkit.terms import TermError, is_term, parse_term, period_dates
from govkit.text import cell

KPI_COLUMNS = [
    "priority_id", "priority", "criterion_id", "criterion", "kpi_id", "measure", "label",
    "unit", "direction", "evidence", "value", "numerator", "denominator", "period",
    "target", "tolerance", "rag", "status", "previous_value", "change_last_term",
    "change_since", "year_ago_value", "change_last_year", "trust_value", "national_value",
    "national_source", "small_number", "comment",
    # one figure, one story: what every table cell, sentence and chart title reads
    "cohort", "cohort_noun", "cohort_text", "rating", "ci_lower", "ci_upper", "clear", "change",
    "change_basis", "moved", "counted", "pupils_to_change", "rating_after",
    # amber only because the target lies inside the 95% interval: it could be chance
    "chance",
    # why a school has no target on a KPI that has one: nothing fair for its phase
    "unrated",
    # a trust row: the schools red on it, and how much of the trust the figure covers
    "red_schools", "red_school_values", "schools_counted", "schools_in_scope", "pupils_all",
]
COL = {c: i for i, c in enumerate(KPI_COLUMNS)}  # a column's place in a row tuple
assert tuple(KPI_COLUMNS) == KpiResult._fields  # one list of what a KPI result holds
RATINGS = (*RAG_ORDER, "too_few")  # "too_few": a figure on fewer pupils than min_cohort
MAINSTREAM = ("primary", "secondary", "all-through")  # national figures are for these
PHASE_COLUMNS = ["phase", "schools", "measure", "label", "unit", "direction", "value",
                 "numerator", "denominator", "period", "status", "small_number",
                 "national_value", "national_source", "national_like_for_like"]
SERIES_COLUMNS = ["term", "period", "value", "numerator", "denominator", "status"]


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


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as CSV all at once: a temporary file renamed into place. Analysts
    open it in Excel, so text that Excel would run as a formula (a school named
    ``=WEBSERVICE(...)``) is written as text (govkit.text.cell); numbers stay numbers."""
    path = Path(path)
    safe = frame.copy()
    for col in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[col]):
            safe[col] = safe[col].map(cell)
    with replacing(path) as f:
        safe.to_csv(f, index=False)
    return path


def _like_for_like(m: Any, phase: str, bench: Benchmark | None) -> bool | None:
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


# A batch worker evaluates the term once (share) before it forks the report kernels; an
# Evaluator a kernel makes for the same store, trust, plan and commentary starts from
# those results instead of working them all out again (govkit.batch.runner).
_SHARED: list[Evaluator] = []


def share(ev: Evaluator) -> None:
    """Offer ``ev``'s results to every Evaluator made later in this process (or in a
    process forked from it) for the same inputs; its connection is dropped."""
    ev.con = None
    _SHARED[:] = [ev]


class Evaluator:
    """Everything a report asks about the plan, for any school or the trust and any term."""

    def __init__(self, trust: Trust, plan: Plan, con: duckdb.DuckDBPyConnection,
                 commentary_dir: str | Path | None = None):
        self.trust = trust
        self.plan = plan
        self.con = con
        self.commentary_dir = Path(commentary_dir) if commentary_dir else None
        self.store_key = file_key(database_file(con))
        self._raw: dict[tuple[str, str, int | None], MeasureValue] = {}
        self._shown: dict[tuple[str, str, int | None, str], MeasureValue] = {}
        self._phase_values: dict[tuple, MeasureValue] = {}
        self._comments: dict[str, Comments] = {}
        self._kpis: dict[tuple, pd.DataFrame] = {}
        # each place's KPI rows, (term, urn, priority or None, audience) -> rows: tables,
        # a trust row's red schools and a report's ratings all read them. A row is a tuple
        # in KPI_COLUMNS order (COL): a batch worker keeps every place's, and a tuple
        # takes a fifth of a dict's memory
        self._rows: dict[tuple[str, int | None, str | None, str], list[KpiResult]] = {}
        self._triggers: dict[str, pd.DataFrame] = {}
        self._records: dict[tuple, list[dict[str, Any]]] = {}
        self.plan_measures = sorted(plan.measures())
        self.plan_kpis = plan.kpis()  # (priority, criterion, KPI with its id), made once
        self._members: dict[str, frozenset[int]] = {}
        warm = next((ev for ev in _SHARED if ev.serves(self)), None)
        if warm is None:
            self.tables = Tables(con)
            self.tables.members = self.members
        else:  # what the batch worker already worked out: same store, trust, plan
            self.tables = warm.tables
            self._raw, self._shown = dict(warm._raw), dict(warm._shown)
            self._phase_values = dict(warm._phase_values)
            self._comments, self._kpis = dict(warm._comments), dict(warm._kpis)
            self._rows, self._triggers = dict(warm._rows), dict(warm._triggers)

    def serves(self, other: Evaluator) -> bool:
        """Would ``other`` work out exactly what this one has (same store file, trust,
        plan and commentary folder)?"""
        return (self.store_key is not None and self.store_key == other.store_key
                and self.commentary_dir == other.commentary_dir
                and self.trust == other.trust and self.plan == other.plan)

    @classmethod
    def from_paths(cls, params_dir: str | Path | None = None,
                   data_dir: str | Path | None = None,
                   store_path: str | Path | None = None) -> Evaluator:
        """The project's own folders for any None; the store is (re)built if stale."""
        from govkit import paths
        from govkit.data.store import ensure_store, open_store
        from govkit.plan.params import load_params

        pdir = paths.params_dir(params_dir)
        trust, plan = load_params(pdir)
        # None: the configured data folder (GOVKIT_DATA, trust.yaml's data:, the demo)
        store = ensure_store(pdir, data_dir, paths.store_path(store_path))
        return cls(trust, plan, open_store(store), pdir / "commentary")

    # --- figures ------------------------------------------------------------------------

    def members(self, period: str) -> frozenset[int]:
        """The schools the trust's figure for a term or academic year counts (trust.yaml's
        ``history``: the trust as it was then, or today's schools like for like)."""
        if period not in self._members:
            self._members[period] = frozenset(self.trust.members(*period_dates(period)))
        return self._members[period]

    def predecessor_years(self, urn: int, measure: str) -> dict[str, int]:
        """The academic years whose results of this school DfE filed under a predecessor
        URN (the school before it converted) -> that URN."""
        key = MEASURES[measure].attainment
        df = self.tables.frames.get("attainment")
        if key is None or df is None or "source_urn" not in df or not len(df):
            return {}
        rows = df[(df["urn"] == urn) & (df["key_stage"] == key[0])
                  & (df["indicator"] == key[1]) & (df["pupil_group"] == key[2])
                  & df["source_urn"].notna()]
        return {str(y): int(u) for y, u in sorted(zip(rows["academic_year"],
                                                       rows["source_urn"], strict=True))}

    def membership_varies(self) -> bool:
        """Whether the trust's figures count different schools in different terms (a school
        joined or left within the trust's terms, and history is as it was)."""
        return len({self.members(t) for t in self.trust.terms}
                   | {self.members(results_year(t)) for t in self.trust.terms}) > 1

    def history_note(self, urn: int | None, measure: str) -> str | None:
        """What a trend's years are: for the trust, which schools each year counts; for a
        school, the years that are its predecessor's results, and what the trust's line
        beside it counts when that changed over the years."""
        if urn is None:
            return self.trust_history(measure)
        trust_line = self.trust_history(measure) if self.membership_varies() \
            and MEASURES[measure].kind != "total" else None
        years = self.predecessor_years(urn, measure)
        if not years:
            return trust_line
        by_urn: dict[int, list[str]] = {}
        for y, u in years.items():
            by_urn.setdefault(u, []).append(y)
        name = self.trust.label(urn)
        parts = [f"{fmt.words_list(ys)} {'is' if len(ys) == 1 else 'are'} filed by DfE "
                 f"under URN {u}, {name}'s URN before it converted" for u, ys in
                 by_urn.items()]
        own = "Results for " + "; ".join(parts) + ": shown as the school's own history."
        return own + (" " + trust_line if trust_line else "")

    def trust_history(self, measure: str) -> str:
        """Which schools the trust's line counts over the trust's terms, named where that
        changed: "Richmond School from 2017-18 (joined December 2017)"."""
        note = self.trust.history_note
        if self.trust.history == "like_for_like" or not self.membership_varies():
            return note
        periods = list(dict.fromkeys(self.measure_period(measure, t)
                                     for t in self.trust.terms))
        changes = []
        for s in self.trust.schools:
            counted = [p for p in periods if s.urn in self.members(p)]
            if len(counted) == len(periods):
                continue
            why = "; ".join(x for x in (
                f"joined {s.joined_trust:%B %Y}" if s.joined_trust else "",
                f"left {s.left_trust:%B %Y}" if s.left_trust else "") if x)
            why = f" ({why})" if why else ""
            name = self.trust.label(s.urn)
            if not counted:
                changes.append(f"{name} in none of these years{why}")
            elif counted[0] != periods[0] and counted[-1] != periods[-1]:
                changes.append(f"{name} from {fmt.term_label(counted[0])} to "
                               f"{fmt.term_label(counted[-1])}{why}")
            elif counted[0] != periods[0]:
                changes.append(f"{name} from {fmt.term_label(counted[0])}{why}")
            else:
                changes.append(f"{name} until {fmt.term_label(counted[-1])}{why}")
        return note + (" Here: " + "; ".join(changes) + "." if changes else "")

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

    def _comments_for(self, term: str) -> Comments:
        if term not in self._comments:
            self._comments[term] = load_commentary(self.commentary_dir, term)
        return self._comments[term]

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
        m = MEASURES[kpi.measure] if kpi.measure else None
        if m is None or m.kind != "rate":
            return None
        mv = self.value(kpi.measure, term, None)
        counted = self.members(self.measure_period(kpi.measure, term))
        weight = total = 0.0
        for s in self.trust.schools:
            if s.urn not in counted or not applies(m, s.phase):
                continue
            raw = self.raw(kpi.measure, term, s.urn)
            if raw.status != "ok" or not raw.denominator:
                continue
            own, _ = kpi.for_phase(s.phase)
            if own is None or own.value is None:
                return None
            weight += raw.denominator
            total += own.value * raw.denominator
        return total / weight if weight and mv.status == "ok" else None

    def fair_national(self, measure: str, period: str | None,
                      urn: int | None) -> Benchmark | None:
        """The national figure a place may be judged against (targets, triggers): as
        ``national``, except that a school outside the mainstream phases is held only to
        national for its phase: all schools' attendance is no yardstick for a special
        school."""
        b = self.national(measure, period, urn)
        phase = self._phase(urn)
        if b is not None and phase is not None and phase not in MAINSTREAM \
                and _like_for_like(MEASURES[measure], phase, b) is False:
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

    # --- rating, once for every report, trigger and count --------------------------------

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
            if all(MEASURES[p].numerator_pupils for p in m.parts) and all(
                    x.status == "ok" and x.numerator is not None and x.denominator
                    for x in (a, b)):
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
        return fmt.displayed(mv.value, m.unit) - fmt.displayed(other.value, m.unit), basis

    # --- the KPI table ------------------------------------------------------------------

    def check(self, term: str, urn: int | None = None, priority: str | None = None) -> None:
        """Refuse a malformed term, a URN not in the trust or a priority not in the plan."""
        try:
            parse_term(term)
        except TermError as e:
            raise ConfigError(str(e)) from None
        if urn is not None and urn not in self.trust.urns:
            raise ConfigError(f"URN {urn} is not a school of {self.trust.name}; its schools: "
                              + ", ".join(f"{s.urn} {s.name}" for s in self.trust.schools))
        if priority is not None:
            try:
                self.plan.priority(priority)
            except KeyError as e:
                raise ConfigError(str(e.args[0])) from None

    def kpis(self, term: str, urn: int | None = None, priority: str | None = None,
             audience: str = "board") -> pd.DataFrame:
        """One row per KPI of the plan (or of one priority), see ``KPI_COLUMNS``."""
        key = (term, urn, priority, audience)
        if key not in self._kpis:
            self.check(term, urn, priority)
            self._kpis[key] = pd.DataFrame(self._place_rows(term, urn, priority, audience),
                                           columns=KPI_COLUMNS)
        return self._kpis[key].copy()

    def results(self, term: str, urn: int | None = None, priority: str | None = None,
                audience: str = "board") -> list[KpiResult]:
        """Every KPI of the plan (or of one priority) for this place, term and audience,
        each evaluated once: the typed results ``kpis`` is a table of. Shared: they are
        immutable, so a caller may keep them."""
        self.check(term, urn, priority)
        return list(self._place_rows(term, urn, priority, audience))

    def result_of(self, kpi_id: str, term: str, urn: int | None = None,
                  audience: str = "board") -> KpiResult:
        """One KPI's result by its id (``govkit kpis --csv`` lists the ids)."""
        for r in self.results(term, urn, audience=audience):
            if r.kpi_id == kpi_id:
                return r
        raise ConfigError(f"no KPI '{kpi_id}' in the plan (for {audience}); its KPIs: "
                          + ", ".join(k.id or "" for _, _, k in self.plan_kpis))

    def kpi_records(self, term: str, urn: int | None = None, priority: str | None = None,
                    audience: str = "board") -> list[dict[str, Any]]:
        """``kpis(...).to_dict("records")`` (NaN where the frame has it), made once: a trust
        overview reads every school's rows in two sections. Shared: do not change them."""
        key = (term, urn, priority, audience)
        if key not in self._records:
            self._records[key] = records(self.kpis(term, urn, priority, audience))
        return self._records[key]

    def _place_rows(self, term: str, urn: int | None, priority: str | None,
                    audience: str) -> list[KpiResult]:
        """The place's rows, not copied: a priority's are the whole plan's filtered when
        those are known (KPI ids are unique in a plan, so they are the same rows), else
        that priority's alone are worked out."""
        full = self._rows.get((term, urn, None, audience))
        if full is not None:
            return full if priority is None else [r for r in full if r.priority_id == priority]
        key = (term, urn, priority, audience)
        if key not in self._rows:
            self._rows[key] = self._evaluate(term, urn, priority, audience)
        return self._rows[key]

    def _evaluate(self, term: str, urn: int | None, priority: str | None,
                  audience: str) -> list[KpiResult]:
        comments = self._comments_for(term)
        rows = []
        for p, c, k in self.plan_kpis:
            if priority is not None and p.id != priority:
                continue
            if k.audience and audience not in k.audience:
                continue
            row: dict[str, Any] = dict.fromkeys(KPI_COLUMNS)
            row.update(priority_id=p.id, priority=p.title, criterion_id=c.id,
                       criterion=c.text, kpi_id=k.id, measure=k.measure,
                       evidence=k.evidence, tolerance=self.tolerance(k, urn),
                       small_number=False,
                       comment=comment_for(comments, urn, k.id))
            if k.evidence == "narrative" or k.measure is None:
                row.update(label=k.label or c.text, status="narrative")
                rows.append(row)
                continue
            rows.append(self._data_row(row, k, term, urn, audience))
        if urn is None:
            self._name_red_schools(rows, term, priority, audience)
        return [KpiResult(**r) for r in rows]

    def _name_red_schools(self, rows: list[dict[str, Any]], term: str,
                          priority: str | None, audience: str) -> None:
        """A trust row names the schools red on its KPI: a trust total in the amber must
        never hide a school in the red."""
        # each school's red KPIs looked up once (kpi_id -> its red row), from the rows
        # each school's own reports use: no frame per school, no second evaluation
        reds: list[tuple[int, str, dict[str, KpiResult]]] = []
        for s in self.trust.schools_in(term):
            red: dict[str, KpiResult] = {}
            for r in self._place_rows(term, s.urn, priority, audience):
                if r.rag == "red" and r.kpi_id not in red:
                    red[r.kpi_id] = r
            reds.append((s.urn, self.trust.label(s.urn), red))
        for row in rows:
            if row["status"] == "narrative":
                continue
            names, shown = [], []
            # only the schools the trust's figure counts: not one that joined later
            now = self.members(self.measure_period(row["measure"], term))
            for urn, name, red in reds:
                r = red.get(row["kpi_id"]) if urn in now else None
                if r is not None:
                    names.append(name)
                    shown.append(fmt.value(r.value, r.unit, r.status))
            row.update(red_schools="; ".join(names) or None,
                       red_school_values="; ".join(shown) or None)

    def _data_row(self, row: dict[str, Any], k: KPI, term: str, urn: int | None,
                  audience: str) -> dict[str, Any]:
        m = MEASURES[k.measure]
        direction = k.direction or m.direction
        mv = self.value(k.measure, term, urn, audience)
        t = parse_term(term)
        prev = self.value(k.measure, t.previous().id, urn, audience)
        ago = self.value(k.measure, t.year_ago().id, urn, audience)
        trust_mv = self.trust_figure(k.measure, term, urn, audience)
        bench = self.national(k.measure, mv.period, urn)
        target, unrated = ((None, None) if mv.status == "not_applicable"
                           else self.target_and_reason(k, term, urn, audience))
        value = mv.value if mv.status == "ok" else None
        ci = self.interval(k.measure, mv, term, urn, audience)
        rating = self.rate(k.measure, mv, target, self.tolerance(k, urn), direction, ci)
        prev_v = prev.value if prev.status == "ok" and prev.period != mv.period else None
        ago_v = ago.value if ago.status == "ok" and ago.period != mv.period else None
        row.update(
            label=k.label or m.label, unit=m.unit, direction=direction, value=value,
            numerator=mv.numerator, denominator=mv.denominator, period=mv.period,
            target=target, rag=rating if rating in RAG_ORDER else None, unrated=unrated,
            status=mv.status, previous_value=prev_v,
            change_last_term=None if value is None or prev_v is None else value - prev_v,
            change_since=(None if value is None or prev_v is None
                          else change_since(m.period, mv.period, prev.period)),
            year_ago_value=ago_v,
            change_last_year=None if value is None or ago_v is None else value - ago_v,
            trust_value=trust_mv.value if trust_mv.status == "ok" else None,
            national_value=bench.value if bench else None,
            national_source=bench.citation if bench else None,
            small_number=bool(mv.small_number))
        row.update(self.result(k.measure, term, urn, audience, mv, target, rating,
                               self.tolerance(k, urn), direction))
        return row

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

    # --- other views --------------------------------------------------------------------

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
                mv = suppression.apply(
                    {mid: compute_from(self.tables, mid, term, urns)}, threshold, audience,
                    fetch=lambda other, urns=urns: compute_from(self.tables, other, term, urns),
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
                             "national_like_for_like": _like_for_like(m, phase, bench)})
        return pd.DataFrame(rows, columns=PHASE_COLUMNS)

    def triggers(self, term: str) -> pd.DataFrame:
        """Schools the plan's trigger rules flag this term, with the figures that fired."""
        from govkit.plan.triggers import evaluate_triggers

        if term not in self._triggers:
            self._triggers[term] = evaluate_triggers(self, term)
        return self._triggers[term].copy()

    def grid(self, term: str, audience: str = "board") -> pd.DataFrame:
        """Schools down (and the trust last), data KPI ids across, each cell the RAG."""
        places: list[tuple[int | None, str]] = [(s.urn, self.trust.label(s.urn))
                                                for s in self.trust.schools_in(term)]
        places.append((None, self.trust.name))
        records = []
        for urn, name in places:
            df = self.kpis(term, urn, audience=audience)
            df = df[df["status"] != "narrative"]
            records.append(pd.Series(list(df["rag"]), index=list(df["kpi_id"]), name=name))
        return pd.DataFrame(records)

    def overall_rag(self, term: str, urn: int | None = None, priority: str | None = None,
                    audience: str = "board") -> str | None:
        """A report's headline RAG: red if any KPI is red, amber if any amber, else green.

        Rated from what ``audience`` sees: a public headline never rests on a hidden figure.
        """
        return self.ratings(term, urn, priority, audience)[0]

    def ratings(self, term: str, urn: int | None = None, priority: str | None = None,
                audience: str = "board", measures: Collection[str] | None = None,
                ) -> tuple[str | None, dict[str, int]]:
        """The headline RAG and how many KPIs are red, amber and green (the index shows
        both: one red among twenty reads differently from twenty reds).

        ``measures``: only the KPIs on these measures, for a report that shows only some
        (a deep dive its own, the public card what it publishes); None for all.
        """
        wanted = None if measures is None else set(measures)
        self.check(term, urn, priority)
        rated = [r.rag for r in self._place_rows(term, urn, priority, audience)
                 if (wanted is None or r.measure in wanted)
                 and r.status == "ok" and r.rag in RAG_ORDER]
        return combine_rag(rated), {c: rated.count(c) for c in RAG_ORDER}
