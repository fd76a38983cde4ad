"""Deep dives (education, workforce, finance, governance): what the priority reports
don't show. A priority report gives each KPI's sentence and term-by-term chart; a deep
dive never repeats them. It adds three years side by side (the same term each year),
the school beside the trust's other schools, pupil groups, subjects, and the registers
behind the governance KPIs (meetings, checklist, risks).

A package of its sections, one module each; the notebooks call them one cell each
(``deep_dive.show_three_years(ctx, "education")``), so every name is here as before.
"""

from govkit.reports.deep_dive.common import (  # noqa: F401 re-exported
    BARS,
    COMPLIANCE_WORDS,
    DEEP_DIVES,
    NOT_STATUSES,
    SCHOOL_BY_SCHOOL,
    _better,
    _lower_first,
    _unit,
    as_shown,
    dive_measures,
)
from govkit.reports.deep_dive.intro import (  # noqa: F401 re-exported
    ADDS,
    INTRO,
    intro,
)
from govkit.reports.deep_dive.pupil_groups import (  # noqa: F401 re-exported
    GROUP_COLUMNS,
    GROUPS,
    _cohort,
    _group_table,
    gap_sentence,
    group_sentences,
    group_table,
    group_values,
    show_pupil_groups,
)
from govkit.reports.deep_dive.registers import (  # noqa: F401 re-exported
    BODY_WORDS,
    budget_table,
    high_risk_rows,
    meetings_table,
    show_compliance,
    show_register,
    show_risks,
    staff_table,
)
from govkit.reports.deep_dive.school_by_school import (  # noqa: F401 re-exported
    _ends_of,
    _ordinal,
    _peers,
    _place,
    _school_table,
    _school_table_noted,
    rank_hooks,
    rank_line,
    school_bars,
    school_table,
    show_school_by_school,
)
from govkit.reports.deep_dive.subjects import (  # noqa: F401 re-exported
    KS2_SCORES,
    KS2_SUBJECTS,
    KS4_HEADLINES,
    _subject_table,
    score_lines,
    show_subjects,
    subject_chart,
    subject_table,
)
from govkit.reports.deep_dive.three_years import (  # noqa: F401 re-exported
    _join,
    show_three_years,
    three_year_hooks,
    three_year_rows,
    three_year_summary,
    three_year_table,
    three_years,
)

# every section's public names, importable from here as before
__all__ = [
    "ADDS", "BARS", "BODY_WORDS", "COMPLIANCE_WORDS", "DEEP_DIVES", "GROUPS",
    "GROUP_COLUMNS", "INTRO", "KS2_SCORES", "KS2_SUBJECTS", "KS4_HEADLINES",
    "NOT_STATUSES", "SCHOOL_BY_SCHOOL", "as_shown", "budget_table", "dive_measures",
    "gap_sentence", "group_sentences", "group_table", "group_values", "high_risk_rows",
    "intro", "meetings_table", "rank_hooks", "rank_line", "school_bars", "school_table",
    "score_lines", "show_compliance", "show_pupil_groups", "show_register", "show_risks",
    "show_school_by_school", "show_subjects", "show_three_years", "staff_table",
    "subject_chart", "subject_table", "three_year_hooks", "three_year_rows",
    "three_year_summary", "three_year_table", "three_years",
]
