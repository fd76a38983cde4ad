"""What every section of a deep dive shares: its topics and measures, the words for a
compliance status, and small helpers on units and direction."""

from __future__ import annotations

from govkit.plan import fmt
from govkit.plan.measures import MEASURES

COMPLIANCE_WORDS = {"met": "✔ Met", "partly_met": "▲ Partly met", "not_met": "✖ Not met",
                    "not_applicable": "– Not applicable"}

# Each deep dive's topics and the measures under them: its index rating is worked out from
# the plan's KPIs on these measures alone (govkit.reports.scope).
DEEP_DIVES: dict[str, list[tuple[str, list[str]]]] = {
    "education": [
        ("Attendance", ["attendance_rate", "persistent_absence", "severe_absence",
                        "unauthorised_absence", "attendance_disadvantaged_gap"]),
        ("Behaviour", ["suspension_rate", "permanent_exclusions"]),
        ("Early reading", ["phonics_pass"]),
        ("Key stage 2 results", ["ks2_rwm_expected", "ks2_rwm_higher", "ks2_read_scaled_score",
                                 "ks2_mat_scaled_score", "ks2_read_progress",
                                 "ks2_writ_progress", "ks2_mat_progress"]),
        ("Key stage 2 gaps: disadvantaged pupils and SEND",
         ["ks2_rwm_expected_disadvantaged", "ks2_rwm_expected_not_disadvantaged",
          "ks2_rwm_disadvantaged_gap", "ks2_rwm_expected_send"]),
        ("Key stage 4 results", ["ks4_attainment8", "ks4_progress8", "ks4_eng_mat_grade4",
                                 "ks4_eng_mat_grade5", "ks4_ebacc_entry",
                                 "ks4_progress8_disadvantaged"]),
    ],
    "workforce": [
        ("Staff wellbeing and absence", ["staff_absence_days_per_fte",
                                         "staff_survey_agreement"]),
        ("Recruitment and retention", ["staff_turnover", "vacancies"]),
        ("Development", ["cpd_hours_per_fte", "cpd_spend_per_fte", "appraisals_completed"]),
    ],
    "finance": [
        ("Balance and reserves", ["in_year_balance", "reserves_pct_income"]),
        ("Where the money goes", ["staff_costs_pct_expenditure", "top_slice_pct_income",
                                  "spend_per_pupil"]),
        ("Sustainability", ["energy_per_pupil"]),
    ],
    "governance": [
        ("Meetings", ["governance_attendance"]),
        ("Compliance and risk", ["compliance_met", "overdue_actions", "high_risks"]),
    ],
}

# The measures set side by side school by school (a table of all, bars for the first two).
SCHOOL_BY_SCHOOL = {
    "education": ["attendance_rate", "persistent_absence", "suspension_rate",
                  "ks2_rwm_expected", "ks4_progress8", "ks4_attainment8"],
    "workforce": ["staff_absence_days_per_fte", "staff_turnover", "cpd_hours_per_fte",
                  "vacancies"],
    "finance": ["reserves_pct_income", "in_year_balance", "staff_costs_pct_expenditure",
                "spend_per_pupil"],
    "governance": ["governance_attendance", "compliance_met", "overdue_actions",
                   "high_risks"],
}
BARS = 2  # bar charts per deep dive in "school by school"; the table has every measure

NOT_STATUSES = ("not_applicable", "no_data")


def dive_measures(name: str) -> list[str]:
    """A deep dive's measures in the order of its topics."""
    return list(dict.fromkeys(m for _, ms in DEEP_DIVES[name] for m in ms))


def _unit(measure: str) -> str:
    return MEASURES[measure].unit


def _better(measure: str, delta: float) -> str:
    """'better', 'worse' or 'no change' for a change between two figures as shown; 'higher'
    or 'lower' for a measure with no better direction (spend per pupil)."""
    if fmt.change(delta, _unit(measure)) == "no change":
        return "no change"
    if not MEASURES[measure].judged:
        return "higher" if delta > 0 else "lower"
    return "better" if (delta > 0) == (MEASURES[measure].direction != "lower") else "worse"


def as_shown(value: float, unit: str) -> float:
    """The figure a reader sees (3.44 days is 3.4), so that a change worked out from two
    shown figures agrees with them: 3.3 to 3.4 is +0.1, never 'no change'."""
    if unit == "GBP":
        return float(value)
    shown = fmt.displayed(value, unit)
    if shown is None:
        raise ValueError(f"no figure to show: {value!r}")
    return float(shown)


def _lower_first(label: str) -> str:
    """'Attendance' -> 'attendance' in a sentence; 'KS2 ...' keeps its capitals."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label
