"""Deep dives (education, workforce, finance, governance): what the priority reports
don't show, school by school.
"""

from __future__ import annotations

import pandas as pd

from govkit.plan import fmt
from govkit.reports import charts
from govkit.reports.blocks import heading, note, paragraph, show_chart, show_table
from govkit.reports.context import (
    Context,
    _school_name,
    _store_table,
    _this_place,
    current_row,
    kpis,
    series,
)
from govkit.reports.measure_section import measure_section, school_comparison

COMPLIANCE_WORDS = {"met": "✔ Met", "partly_met": "▲ Partly met", "not_met": "✖ Not met",
                    "not_applicable": "– Not applicable"}


def show_compliance(ctx: Context) -> None:
    """The checklist items not fully met this term, then a count by area."""
    df = _this_place(ctx, _store_table(ctx, "compliance"))
    if df.empty:
        paragraph("No compliance checklist was returned for this term.")
        return
    open_items = df[df["status"].isin(["not_met", "partly_met"])]
    met = int((df["status"] == "met").sum())
    applicable = int((df["status"] != "not_applicable").sum())
    paragraph(f"{fmt.of(met, applicable, 'applicable items')} are met this term; "
              f"{len(open_items)} {'is' if len(open_items) == 1 else 'are'} not fully met.")
    if not open_items.empty:
        show_table(pd.DataFrame({
            "School": [_school_name(ctx, u) for u in open_items["urn"]],
            "Area": open_items["area"], "Item": open_items["item"],
            "Status": open_items["status"].map(COMPLIANCE_WORDS),
            "Due": [fmt.MISSING if fmt.is_missing(d) else pd.Timestamp(d).strftime("%d %b %Y")
                    for d in open_items["due_date"]],
        }), caption="Items not fully met")


def show_risks(ctx: Context, at_least: int = 12) -> None:
    """Open risks scoring at least ``at_least`` (likelihood x impact, out of 25), worst first."""
    df = _this_place(ctx, _store_table(ctx, "risks"))
    df = df[df["status"] == "open"]
    if df.empty:
        paragraph("No open risks are on the register for this term.")
        return
    score = df["likelihood"].astype("Int64") * df["impact"].astype("Int64")
    high = df.assign(score=score)[score >= at_least].sort_values("score", ascending=False)
    paragraph(f"{len(df)} open {'risk' if len(df) == 1 else 'risks'} on the register; "
              f"{len(high)} {'scores' if len(high) == 1 else 'score'} {at_least} or more "
              "(likelihood x impact, out of 25).")
    if not high.empty:
        show_table(pd.DataFrame({
            "School": [_school_name(ctx, u) for u in high["urn"]],
            "Area": high["area"], "Risk": high["title"],
            "Likelihood": high["likelihood"], "Impact": high["impact"], "Score": high["score"],
        }), caption=f"Open risks scoring {at_least} or more")


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


SCHOOL_BY_SCHOOL = {
    "education": ["attendance_rate", "persistent_absence", "suspension_rate"],
    "workforce": ["staff_absence_days_per_fte", "staff_turnover"],
    "finance": ["reserves_pct_income", "staff_costs_pct_expenditure"],
    "governance": ["governance_attendance", "compliance_met"],
}


KS2_SUBJECTS = [("Reading", "ks2_read_expected"), ("Writing", "ks2_writ_expected"),
                ("Maths", "ks2_mat_expected"), ("Grammar, punctuation and spelling",
                                                "ks2_gps_expected"),
                ("Reading, writing and maths", "ks2_rwm_expected")]


def subject_chart(ctx: Context) -> bool:
    """KS2 expected standard by subject for the latest results: one bar per subject."""
    names, values, statuses, period = [], [], [], None
    for name, measure in KS2_SUBJECTS:
        r = current_row(ctx, series(ctx, measure))
        if r is None or r.get("status") in ("not_applicable", "no_data"):
            continue
        names.append(name)
        values.append(r.get("value"))
        statuses.append(r.get("status"))
        period = period or r.get("period")
    if not any(s == "ok" for s in statuses):
        return False
    label = f"KS2 expected standard by subject, {fmt.term_label(period)}"
    pairs = [(n, v) for n, v, s in zip(names, values, statuses, strict=True) if s == "ok"]
    best = max(pairs, key=lambda p: float(p[1]))
    worst = min(pairs, key=lambda p: float(p[1]))
    title_text = (f"KS2 {fmt.term_label(period)}: {best[0].lower()} strongest at "
                  f"{fmt.percent(best[1])}, {worst[0].lower()} weakest at "
                  f"{fmt.percent(worst[1])}") if len(pairs) > 1 else None
    show_chart(charts.compare_chart(names, values, label, "percent", statuses=statuses,
                                    title=title_text))
    return True


def deep_dive(ctx: Context, name: str) -> None:
    """Each section's measures (sentence and trend), then school by school for the trust."""
    frame = kpis(ctx)
    any_suppressed = False
    for section, measures in DEEP_DIVES[name]:
        heading(section, 2)
        shown = [m for m in measures if measure_section(ctx, m, frame)]
        if section == "Key stage 2 results" and shown:
            subject_chart(ctx)
        if not shown:
            paragraph(f"No {section.lower()} figures for {ctx.place} up to "
                      f"{fmt.term_label(ctx.term)}.")
        any_suppressed |= any((series(ctx, m)["status"] == "suppressed").any() for m in shown)
    if ctx.urn is None:
        heading("School by school", 2)
        drawn = [m for m in SCHOOL_BY_SCHOOL[name] if school_comparison(ctx, m, frame)]
        if not drawn:
            paragraph("No school-by-school figures this term.")
    if any_suppressed:
        note(fmt.SUPPRESSED_FOOTNOTE)
