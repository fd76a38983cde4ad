"""The measure catalogue: every figure a plan can name, defined once from counts.

A measure is a ratio of two column sums (or a total, or the gap between two measures),
never an average of percentages: a trust or phase figure sums each school's numerator and
denominator, so a big school weighs more than a small one. Computing them for a set of
schools and a term is govkit.plan.measures (which re-exports these names).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from govkit.config import PHASES
from govkit.terms import parse_term

# Where each result can apply at all (anywhere else it is "z", not applicable, and not
# counted in a trust figure's coverage): KS2 in schools that teach year 6, the phonics
# check in those that teach year 1, KS4 in those that teach year 11.
PRIMARY = KS2_PHASES = ("primary", "junior", "middle", "all-through", "special")
PHONICS_PHASES = ("primary", "infant", "all-through", "special")
SECONDARY = ("secondary", "all-through", "special", "alternative")
SCHOOL_AGE = tuple(p for p in PHASES if p != "nursery")
UNITS = ("percent", "points", "score", "progress", "days", "hours", "kwh", "GBP", "count",
         "ratio", "per100")
STATUSES = ("ok", "no_data", "suppressed", "not_applicable", "not_published", "narrative")
# GSS symbols in attainment rows -> our status for a figure that is missing.
GSS_TO_STATUS = {"c": "suppressed", "x": "not_published", "z": "not_applicable",
                 "low": "no_data", "u": "no_data"}
HIGH_RISK_SCORE = 15  # likelihood x impact on a 5 x 5 register: 15 and over is high
Where = dict[str, object] | Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class Sum:
    """The sum of one column over the rows of a table that match ``where``."""

    table: str
    column: str | None  # None: count the rows
    where: tuple[tuple[str, object], ...] = ()
    rows: Callable[[pd.DataFrame], pd.Series] | None = None  # a row filter needing code
    # the largest matching value per school and period instead of the sum: a survey's
    # people are the most who answered any one statement, not its answers added up
    most: bool = False

    @property
    def key(self) -> tuple:
        return (self.table, self.column, self.where, self.rows, self.most)


@dataclass(frozen=True)
class Measure:
    """One figure: how it is worked out, which way is better, where it applies."""

    id: str
    label: str
    domain: str
    unit: str
    direction: str  # "higher" or "lower" is better
    kind: str  # "rate" (scale*num/den), "mean" (weighted score), "total" (num), "gap" (a-b)
    numerator: Sum | None = None
    denominator: Sum | None = None
    scale: float = 1.0
    parts: tuple[str, str] | None = None  # gap: parts[0] - parts[1]
    phases: tuple[str, ...] = SCHOOL_AGE
    national_key: str | None = None
    suppress: bool = False  # built on pupils: small numbers are suppressed
    base: Sum | None = None  # pupils the figure is built on, for suppression
    pupil_count: bool = False  # a total counting pupils: 1..threshold-1 is suppressed
    # a rate whose numerator counts pupils (3 of 113 severely absent): in public the
    # numerator and its complement (110 not) must each reach the threshold too
    numerator_pupils: bool = False
    # a rate whose numerator counts events that happened to pupils (suspensions): in
    # public the count must reach the threshold too, or rate x roll gives it back
    numerator_events: bool = False
    # whether its direction says better, not only which side of a target is a miss:
    # spend per pupil is rated against a budget, but the lowest spend is not "the best"
    judged: bool = True
    period: str = "term"  # "term", "academic_year" or "survey"
    about: str = ""
    # academic years the publisher withheld the figure: no rows then is "not_published"
    unpublished: tuple[str, ...] = ()
    # follows the school year (attendance dips in winter, energy peaks in it): a change is
    # on the same term last year, never on the term before
    seasonal: bool = False
    # what the pupils counted did, for "2 more pupils at the expected standard ..."
    counted: str = ""
    cohort_noun: str = "pupils"  # who the figure is built on (a parents' survey: parents)
    # progress scores: DfE's own 95% confidence limits, summed as (cohort x half-width)^2
    spread: Sum | None = None
    # a single school's published limits (lower, upper), used as published
    limits: tuple[Sum, Sum] | None = None
    # a result's percentage as the publisher printed it: one school's figure is shown as
    # published, and pupils worked back from a rounded percentage are approximate
    published: Sum | None = None

    @property
    def attainment(self) -> tuple[str, str, str] | None:
        """(key stage, indicator, pupil group) of a result, for DfE's national rows."""
        s = self.numerator
        if s is None or s.table != "attainment":
            return None
        w = dict(s.where)
        return str(w["key_stage"]), str(w["indicator"]), str(w.get("pupil_group", "all"))

    @property
    def suppression_base(self) -> Sum | None:
        if not self.suppress:
            return None
        if self.base is not None:
            return self.base
        return self.numerator if self.pupil_count else self.denominator


@dataclass
class MeasureValue:
    """A measure's figure for some schools and a term, with what it is built on."""

    value: float | None
    numerator: float | None
    denominator: float | None
    period: str | None
    status: str
    small_number: bool = False
    base: float | None = None  # pupils it is built on (for suppression)
    urns: tuple[int, ...] = field(default_factory=tuple)  # schools that contributed
    # half the width of the publisher's 95% confidence interval (progress scores)
    half_width: float | None = None
    # one school's confidence limits as the publisher printed them
    lower: float | None = None
    upper: float | None = None
    # the numerator was worked back from a rounded published percentage ("about 95 of
    # 115"), not counted
    approximate: bool = False


def _w(**kw: object) -> tuple[tuple[str, object], ...]:
    return tuple(sorted(kw.items()))


# --- The catalogue ---------------------------------------------------------------------

def _attendance(label: str, column: str, den: str, direction: str, national: str | None,
                mid: str, group: str = "all", about: str = "", counted: str = "") -> Measure:
    return Measure(mid, label, "attendance", "percent", direction, "rate",
                   Sum("attendance", column, _w(pupil_group=group)),
                   Sum("attendance", den, _w(pupil_group=group)), scale=100.0,
                   national_key=national, suppress=True,
                   base=Sum("attendance", "pupils", _w(pupil_group=group)), about=about,
                   numerator_pupils=den == "pupils", seasonal=True, counted=counted)


# DfE published no progress scores where the cohort had no baseline: KS2 progress for
# 2023-24 and 2024-25 (no KS1 assessments in 2020 and 2021), Progress 8 for 2024-25 and
# 2025-26 (no KS2 tests in 2020 and 2021).
UNPUBLISHED = {"ks2_progress": ("2023-24", "2024-25"), "ks4_progress": ("2024-25", "2025-26")}


def _result(mid: str, label: str, stage: str, indicator: str, group: str = "all",
            national: str | None = None, unit: str = "percent") -> Measure:
    phases = {"ks2": KS2_PHASES, "phonics": PHONICS_PHASES, "ks4": SECONDARY}[stage]
    progress = indicator.endswith("_progress") or indicator == "p8"
    unpublished = UNPUBLISHED[f"{stage}_progress"] if progress else ()
    where = _w(key_stage=stage, indicator=indicator, pupil_group=group)
    cohort = Sum("attainment", "cohort", where)
    if unit == "percent":
        return Measure(mid, label, "attainment", "percent", "higher", "rate",
                       Sum("attainment", "pupils", where), cohort, scale=100.0,
                       phases=phases, national_key=national, suppress=True,
                       period="academic_year", numerator_pupils=True,
                       counted=COUNTED.get(indicator, ""),
                       published=Sum("attainment", "percent", where))
    # progress scores are published to 2 decimals (Progress 8) and rated at that precision
    return Measure(mid, label, "attainment", "progress" if progress else unit, "higher",
                   "mean", Sum("attainment", "score_x_cohort", where), cohort,
                   phases=phases, national_key=national, suppress=True,
                   period="academic_year", unpublished=unpublished,
                   spread=Sum("attainment", "ci_spread", where) if progress else None,
                   limits=(Sum("attainment", "lower", where), Sum("attainment", "upper", where))
                   if progress else None)


# What the pupils a result counts did, for "2 more pupils at the expected standard".
COUNTED = {"rwm_expected": "at the expected standard", "read_expected": "at the expected "
           "standard", "writ_expected": "at the expected standard", "mat_expected": "at the "
           "expected standard", "gps_expected": "at the expected standard",
           "rwm_higher": "at the higher standard", "phonics_pass": "meeting the standard",
           "eng_mat_grade4": "with grade 4 or above", "eng_mat_grade5": "with grade 5 or above",
           "ebacc_entered": "entered"}


def _ratio(mid: str, label: str, domain: str, unit: str, direction: str, num: Sum,
           den: Sum, scale: float = 1.0, **kw: Any) -> Measure:
    return Measure(mid, label, domain, unit, direction, "rate", num, den, scale=scale, **kw)


def _total(mid: str, label: str, domain: str, unit: str, direction: str, num: Sum,
           **kw: Any) -> Measure:
    return Measure(mid, label, domain, unit, direction, "total", num, **kw)


_WHO = {"staff": "Staff", "pupil": "Pupils", "parent": "Parents"}


def _survey(who: str) -> Measure:
    w = _w(respondent=who)
    return _ratio(f"{who}_survey_agreement",
                  f"{_WHO[who]} agreeing with the survey's statements", "surveys",
                  "percent", "higher", Sum("surveys", "agree", w),
                  Sum("surveys", "responses", w), 100.0, period="survey",
                  suppress=who != "staff", base=Sum("surveys", "responses", w, most=True),
                  cohort_noun={"parent": "parents"}.get(who, who if who == "staff" else "pupils"),
                  about="all statements of the survey together: agreements / answers; "
                  "small numbers judged on people (the most answering any one statement)")


def _term_end(term: str) -> date:
    t = parse_term(term)
    return {0: date(t.start_year, 12, 31), 1: date(t.start_year + 1, 3, 31),
            2: date(t.start_year + 1, 7, 31)}[t.season_index]


def is_overdue(df: pd.DataFrame) -> pd.Series:
    """The one definition of an overdue checklist item: not (fully) met and due before
    the end of its term (the KPI counts these rows; the board's exceptions name them)."""
    ends = pd.to_datetime(df["term"].map(lambda t: _term_end(t) if isinstance(t, str)
                                         else None))
    due = pd.to_datetime(df["due_date"])
    return (df["status"].isin(["not_met", "partly_met"]) & due.notna()
            & (due < ends)).fillna(False).astype(bool)


def is_high_risk(df: pd.DataFrame) -> pd.Series:
    """The one definition of a high risk: open, likelihood x impact HIGH_RISK_SCORE or more
    (the KPI counts these rows; the risk register table lists the same rows)."""
    score = df["likelihood"].astype("float64") * df["impact"].astype("float64")
    return ((df["status"] == "open") & (score >= HIGH_RISK_SCORE)).fillna(False).astype(bool)


def _rated(df: pd.DataFrame) -> pd.Series:
    return (df["status"] != "not_applicable").fillna(False).astype(bool)


ROLL = Sum("census", "pupils_on_roll")

_CATALOGUE: list[Measure] = [
    # Attendance and behaviour (per term, term to date)
    _attendance("Attendance", "sessions_present", "sessions_possible", "higher",
                "attendance_rate", "attendance_rate",
                about="sessions attended / sessions possible"),
    _attendance("Persistent absence (10% or more of sessions missed)",
                "persistent_absentees", "pupils", "lower", "persistent_absence",
                "persistent_absence", counted="persistently absent"),
    _attendance("Severe absence (50% or more of sessions missed)", "severe_absentees",
                "pupils", "lower", "severe_absence", "severe_absence",
                counted="severely absent"),
    _attendance("Unauthorised absence", "sessions_unauthorised", "sessions_possible",
                "lower", None, "unauthorised_absence"),
    _attendance("Attendance of disadvantaged pupils", "sessions_present",
                "sessions_possible", "higher", None, "attendance_disadvantaged",
                group="disadvantaged"),
    _attendance("Attendance of other pupils", "sessions_present", "sessions_possible",
                "higher", None, "attendance_not_disadvantaged", group="not_disadvantaged"),
    # pupil groups for the education deep dive (helpers: not offered to plans on their own)
    _attendance("Attendance of pupils with SEND", "sessions_present", "sessions_possible",
                "higher", None, "attendance_send", group="send"),
    _attendance("Attendance of pupils without SEND", "sessions_present", "sessions_possible",
                "higher", None, "attendance_not_send", group="not_send"),
    *(_attendance(f"Persistent absence, {words}", "persistent_absentees", "pupils", "lower",
                  None, f"persistent_absence_{group}", group=group)
      for group, words in (("disadvantaged", "disadvantaged pupils"),
                           ("not_disadvantaged", "other pupils"),
                           ("send", "pupils with SEND"), ("not_send", "pupils without SEND"))),
    Measure("attendance_disadvantaged_gap",
            "Attendance gap: other pupils minus disadvantaged pupils", "attendance",
            "points", "lower", "gap",
            parts=("attendance_not_disadvantaged", "attendance_disadvantaged"),
            suppress=True, seasonal=True),
    _ratio("suspension_rate", "Suspensions per 100 pupils", "behaviour", "per100", "lower",
           Sum("behaviour", "suspensions"), ROLL, 100.0, suppress=True,
           base=ROLL, numerator_events=True,
           about="suspensions in the term / pupils on roll x 100"),
    _total("permanent_exclusions", "Permanent exclusions", "behaviour", "count", "lower",
           Sum("behaviour", "permanent_exclusions"), suppress=True, pupil_count=True),
    # KS2 (academic year, summer term)
    _result("ks2_rwm_expected", "KS2 reading, writing and maths: expected standard", "ks2",
            "rwm_expected", national="ks2_rwm_expected"),
    _result("ks2_rwm_higher", "KS2 reading, writing and maths: higher standard", "ks2",
            "rwm_higher", national="ks2_rwm_higher"),
    _result("ks2_read_expected", "KS2 reading: expected standard", "ks2", "read_expected",
            national="ks2_read_expected"),
    _result("ks2_writ_expected", "KS2 writing: expected standard", "ks2", "writ_expected",
            national="ks2_writ_expected"),
    _result("ks2_mat_expected", "KS2 maths: expected standard", "ks2", "mat_expected",
            national="ks2_mat_expected"),
    _result("ks2_gps_expected", "KS2 grammar, punctuation and spelling: expected standard",
            "ks2", "gps_expected", national="ks2_gps_expected"),
    _result("ks2_read_scaled_score", "KS2 reading: average scaled score", "ks2",
            "read_scaled_score", unit="score", national="ks2_read_scaled_score"),
    _result("ks2_mat_scaled_score", "KS2 maths: average scaled score", "ks2",
            "mat_scaled_score", unit="score", national="ks2_mat_scaled_score"),
    _result("ks2_read_progress", "KS2 reading progress score", "ks2", "read_progress",
            unit="score"),
    _result("ks2_writ_progress", "KS2 writing progress score", "ks2", "writ_progress",
            unit="score"),
    _result("ks2_mat_progress", "KS2 maths progress score", "ks2", "mat_progress",
            unit="score"),
    _result("ks2_rwm_expected_disadvantaged",
            "KS2 reading, writing and maths: expected standard, disadvantaged pupils", "ks2",
            "rwm_expected", "disadvantaged", national="ks2_rwm_expected_disadvantaged"),
    _result("ks2_rwm_expected_not_disadvantaged",
            "KS2 reading, writing and maths: expected standard, other pupils", "ks2",
            "rwm_expected", "not_disadvantaged",
            national="ks2_rwm_expected_not_disadvantaged"),
    Measure("ks2_rwm_disadvantaged_gap",
            "KS2 reading, writing and maths gap: other pupils minus disadvantaged pupils",
            "attainment", "points", "lower", "gap",
            parts=("ks2_rwm_expected_not_disadvantaged", "ks2_rwm_expected_disadvantaged"),
            phases=PRIMARY, national_key="ks2_rwm_disadvantaged_gap", suppress=True,
            period="academic_year"),
    _result("ks2_rwm_expected_send",
            "KS2 reading, writing and maths: expected standard, pupils with SEND", "ks2",
            "rwm_expected", "send"),
    _result("ks2_rwm_expected_not_send",
            "KS2 reading, writing and maths: expected standard, pupils without SEND", "ks2",
            "rwm_expected", "not_send"),
    _result("phonics_pass", "Year 1 phonics check: working at the expected standard",
            "phonics", "phonics_pass", national="phonics_pass"),
    # KS4
    _result("ks4_attainment8", "KS4 Attainment 8 (average score)", "ks4", "att8",
            unit="score"),
    _result("ks4_progress8", "KS4 Progress 8", "ks4", "p8", unit="score"),
    _result("ks4_eng_mat_grade4", "KS4 English and maths: grade 4 or above", "ks4",
            "eng_mat_grade4"),
    _result("ks4_eng_mat_grade5", "KS4 English and maths: grade 5 or above", "ks4",
            "eng_mat_grade5"),
    _result("ks4_ebacc_entry", "KS4 entered for the English Baccalaureate", "ks4",
            "ebacc_entered"),
    _result("ks4_progress8_disadvantaged", "KS4 Progress 8, disadvantaged pupils", "ks4",
            "p8", "disadvantaged", unit="score"),
    # Pupils and places
    _total("pupils_on_roll", "Pupils on roll", "census", "count", "higher", ROLL),
    _ratio("roll_vs_capacity", "Pupils on roll as a share of places", "census", "percent",
           "higher", ROLL, Sum("schools", "capacity"), 100.0),
    # Workforce
    _ratio("staff_absence_days_per_fte", "Staff sickness absence: days per FTE",
           "workforce", "days", "lower", Sum("workforce", "staff_absence_days"),
           Sum("workforce", "fte")),
    _ratio("staff_turnover", "Staff turnover: leavers as a share of staff in post",
           "workforce", "percent", "lower", Sum("workforce", "leavers"),
           Sum("workforce", "headcount"), 100.0),
    _total("vacancies", "Vacant posts", "workforce", "count", "lower",
           Sum("workforce", "vacancies")),
    _ratio("cpd_hours_per_fte", "CPD hours per FTE", "workforce", "hours", "higher",
           Sum("workforce", "cpd_hours"), Sum("workforce", "fte")),
    _ratio("cpd_spend_per_fte", "CPD spend per FTE", "workforce", "GBP", "higher",
           Sum("workforce", "cpd_spend"), Sum("workforce", "fte")),
    _ratio("appraisals_completed", "Appraisals completed of those due", "workforce",
           "percent", "higher", Sum("workforce", "appraisals_completed"),
           Sum("workforce", "appraisals_due"), 100.0),
    # Surveys (once a year)
    _survey("staff"), _survey("pupil"), _survey("parent"),
    # Governance, compliance, risk
    _ratio("governance_attendance", "Governors' attendance at meetings", "governance",
           "percent", "higher", Sum("governance", "present"), Sum("governance", "members"),
           100.0),
    _ratio("compliance_met", "Compliance checklist items met", "compliance", "percent",
           "higher", Sum("compliance", None, _w(status="met")),
           Sum("compliance", None, rows=_rated), 100.0,
           about="items met / items that apply (not_applicable left out)"),
    _total("overdue_actions", "Compliance actions overdue", "compliance", "count", "lower",
           Sum("compliance", None, rows=is_overdue),
           about="items not met or partly met whose due date was before the term's end"),
    _total("high_risks", "Open risks rated high", "risks", "count", "lower",
           Sum("risks", None, rows=is_high_risk),
           about=f"open risks with likelihood x impact of {HIGH_RISK_SCORE} or more"),
    # Finance (forecast for the year, as at the term)
    _total("in_year_balance", "In-year balance (income minus expenditure)", "finance", "GBP",
           "higher", Sum("finance", "in_year_balance")),
    _ratio("reserves_pct_income", "Revenue reserves as a share of income", "finance",
           "percent", "higher", Sum("finance", "revenue_reserve"), Sum("finance", "income"),
           100.0),
    _ratio("staff_costs_pct_expenditure", "Staff costs as a share of expenditure",
           "finance", "percent", "lower", Sum("finance", "staff_costs"),
           Sum("finance", "expenditure"), 100.0),
    _ratio("top_slice_pct_income", "Central top slice as a share of income", "finance",
           "percent", "lower", Sum("finance", "top_slice"), Sum("finance", "income"), 100.0),
    _ratio("spend_per_pupil", "Spend per pupil", "finance", "GBP", "lower",
           Sum("finance", "expenditure"), ROLL, judged=False),
    _ratio("energy_per_pupil", "Energy used per pupil in the term", "finance", "kwh",
           "lower", Sum("finance", "energy_kwh"), ROLL, seasonal=True),
    # Partnerships and enrichment
    _total("partnerships_active", "Active partnerships", "partnerships", "count", "higher",
           Sum("partnerships", "partnerships")),
    _ratio("enrichment_participation", "Pupils taking part in enrichment", "partnerships",
           "percent", "higher", Sum("partnerships", "enrichment_pupils"), ROLL, 100.0),
]

MEASURES: dict[str, Measure] = {m.id: m for m in _CATALOGUE}


def judged(measure: object) -> bool:
    """Whether words like better, worse, best and an improvement may be used of a measure
    (True for an unknown id: most measures have a better direction)."""
    m = MEASURES.get(str(measure)) if isinstance(measure, str) else None
    return m.judged if m is not None else True
# Helpers the gaps are built from; not offered to plans on their own.
HELPERS = frozenset({"attendance_disadvantaged", "attendance_not_disadvantaged",
                     "attendance_send", "attendance_not_send", "ks2_rwm_expected_not_send",
                     "persistent_absence_disadvantaged", "persistent_absence_not_disadvantaged",
                     "persistent_absence_send", "persistent_absence_not_send"})
PLAN_MEASURES = frozenset(MEASURES) - HELPERS
