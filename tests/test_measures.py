"""Measures worked out by hand: each family, and trust totals weighted, never averaged."""

from __future__ import annotations

import pytest
from memstore import URN_A, URN_B, URN_C, attendance, memstore, result, schools

from govkit.data.contract import PHASES
from govkit.plan.measures import MEASURES, PLAN_MEASURES, UNITS, Tables, compute, compute_from

T = "2024-25-autumn"
BRIEF_IDS = """attendance_rate persistent_absence severe_absence unauthorised_absence
attendance_disadvantaged_gap suspension_rate permanent_exclusions ks2_rwm_expected
ks2_rwm_higher ks2_read_expected ks2_writ_expected ks2_mat_expected ks2_gps_expected
ks2_read_scaled_score ks2_mat_scaled_score ks2_read_progress ks2_writ_progress
ks2_mat_progress ks2_rwm_expected_disadvantaged ks2_rwm_expected_not_disadvantaged
ks2_rwm_disadvantaged_gap ks2_rwm_expected_send phonics_pass ks4_attainment8 ks4_progress8
ks4_eng_mat_grade4 ks4_eng_mat_grade5 ks4_ebacc_entry ks4_progress8_disadvantaged
pupils_on_roll roll_vs_capacity staff_absence_days_per_fte staff_turnover vacancies
cpd_hours_per_fte cpd_spend_per_fte appraisals_completed staff_survey_agreement
pupil_survey_agreement parent_survey_agreement governance_attendance compliance_met
overdue_actions high_risks in_year_balance reserves_pct_income staff_costs_pct_expenditure
top_slice_pct_income spend_per_pupil energy_per_pupil partnerships_active
enrichment_participation""".split()  # noqa: SIM905


def test_catalogue_has_every_measure_once_and_well_formed():
    assert set(BRIEF_IDS) == set(PLAN_MEASURES)
    for mid, m in MEASURES.items():
        assert m.id == mid
        assert m.unit in UNITS and m.direction in ("higher", "lower")
        assert set(m.phases) <= set(PHASES) and m.phases
        assert m.kind in ("rate", "mean", "total", "gap")
        if m.kind == "gap":
            assert m.parts and all(p in MEASURES for p in m.parts)
        else:
            assert m.numerator is not None
    assert "secondary" not in MEASURES["ks2_rwm_expected"].phases
    assert "primary" not in MEASURES["ks4_progress8"].phases


def test_attendance_trust_total_is_weighted_not_averaged():
    con = memstore(schools=schools("primary", "primary"), attendance=[
        attendance(URN_A, T, 4000, 120, pupils=20, pa=3, severe=1, unauthorised=40),
        attendance(URN_B, T, 6000, 300, pupils=30, pa=9, severe=0, unauthorised=60)])
    a = compute(con, "attendance_rate", T, [URN_A])
    assert a.value == pytest.approx(97.0)  # 1 - 120/4000
    assert compute(con, "attendance_rate", T, [URN_B]).value == pytest.approx(95.0)
    trust = compute(con, "attendance_rate", T)
    # 1 - (120+300)/(4000+6000) = 95.8%, not the mean of 97% and 95% (96%)
    assert trust.value == pytest.approx(95.8)
    assert (trust.numerator, trust.denominator) == (9580, 10000)
    assert trust.period == T and trust.status == "ok" and trust.base == 50
    # persistent absence: (3+9)/(20+30) = 24%; severe 1/50 = 2%; unauthorised 100/10000 = 1%
    assert compute(con, "persistent_absence", T).value == pytest.approx(24.0)
    assert compute(con, "severe_absence", T).value == pytest.approx(2.0)
    assert compute(con, "unauthorised_absence", T).value == pytest.approx(1.0)


def test_attendance_gap_is_other_minus_disadvantaged():
    con = memstore(schools=schools("primary"), attendance=[
        attendance(URN_A, T, 1000, 100, group="disadvantaged"),      # 90%
        attendance(URN_A, T, 3000, 120, group="not_disadvantaged")])  # 96%
    gap = compute(con, "attendance_disadvantaged_gap", T, [URN_A])
    assert gap.value == pytest.approx(6.0)  # 96 - 90
    assert gap.status == "ok"


def test_ks2_percent_and_scores_weighted_by_cohort():
    y = "2023-24"
    con = memstore(schools=schools("primary", "primary"), attainment=[
        result(URN_A, y, "rwm_expected", 30, 18),  # 60%
        result(URN_B, y, "rwm_expected", 10, 9),   # 90%
        result(URN_A, y, "read_scaled_score", 30, score=104.0),
        result(URN_B, y, "read_scaled_score", 10, score=108.0)])
    rwm = compute(con, "ks2_rwm_expected", T)
    # (18+9)/(30+10) = 67.5%, not the mean of 60% and 90% (75%)
    assert rwm.value == pytest.approx(67.5)
    assert (rwm.numerator, rwm.denominator, rwm.period) == (27, 40, "2023-24")
    # (30*104 + 10*108)/40 = (3120+1080)/40 = 105.0
    assert compute(con, "ks2_read_scaled_score", T).value == pytest.approx(105.0)


def test_results_are_the_latest_published_by_the_term():
    con = memstore(schools=schools("primary"), attainment=[
        result(URN_A, "2023-24", "phonics_pass", 20, 15, stage="phonics"),
        result(URN_A, "2024-25", "phonics_pass", 20, 17, stage="phonics")])
    # autumn and spring show the previous summer's results; summer shows its own year's
    assert compute(con, "phonics_pass", "2024-25-autumn").value == pytest.approx(75.0)
    assert compute(con, "phonics_pass", "2024-25-spring").period == "2023-24"
    summer = compute(con, "phonics_pass", "2024-25-summer")
    assert (summer.value, summer.period) == (pytest.approx(85.0), "2024-25")
    assert compute(con, "phonics_pass", "2023-24-spring").status == "no_data"


def test_gss_status_becomes_our_status():
    y = "2023-24"
    con = memstore(schools=schools("primary", "primary"), attainment=[
        result(URN_A, y, "read_progress", None, status="x", note="NE"),
        result(URN_B, y, "read_progress", None, status="x", note="NE"),
        result(URN_A, y, "mat_progress", None, status="c", note="SUPP"),
        result(URN_B, y, "mat_progress", 20, score=1.5)])
    assert compute(con, "ks2_read_progress", T).status == "not_published"
    assert compute(con, "ks2_mat_progress", T, [URN_A]).status == "suppressed"
    # the trust figure is built from the schools that have one
    trust = compute(con, "ks2_mat_progress", T)
    assert (trust.value, trust.denominator, trust.urns) == (1.5, 20, (URN_B,))


def test_phase_where_a_measure_does_not_apply():
    y = "2023-24"
    con = memstore(schools=schools("primary", "secondary"), attainment=[
        result(URN_B, y, "att8", 100, score=46.0, stage="ks4"),
        result(URN_A, y, "rwm_expected", 10, 6)])
    assert compute(con, "ks4_attainment8", T, [URN_A]).status == "not_applicable"
    assert compute(con, "ks2_rwm_expected", T, [URN_B]).status == "not_applicable"
    assert compute(con, "ks4_attainment8", T).value == pytest.approx(46.0)  # B only
    only_primary = memstore(schools=schools("primary"))
    assert compute(only_primary, "ks4_progress8", T).status == "not_applicable"


def test_cross_table_ratios_leave_out_schools_missing_a_side():
    con = memstore(
        schools=[{"urn": URN_A, "name": "A", "phase": "primary", "capacity": 210},
                 {"urn": URN_B, "name": "B", "phase": "primary", "capacity": 420}],
        census=[{"urn": URN_A, "term": T, "pupils_on_roll": 190, "disadvantaged": 0,
                 "send_support": 0, "ehcp": 0},
                {"urn": URN_B, "term": T, "pupils_on_roll": 400, "disadvantaged": 0,
                 "send_support": 0, "ehcp": 0}],
        behaviour=[{"urn": URN_A, "term": T, "suspensions": 6, "pupils_suspended": 4,
                    "permanent_exclusions": 1}],
        finance=[{"urn": URN_A, "term": T, "income": 1000, "expenditure": 1100,
                  "staff_costs": 800, "revenue_reserve": 50, "top_slice": 50,
                  "energy_kwh": 1900},
                 {"urn": URN_B, "term": T, "income": 2000, "expenditure": 1800,
                  "staff_costs": 1000, "revenue_reserve": 250, "top_slice": 100,
                  "energy_kwh": None}])
    # roll vs capacity: (190+400)/(210+420) = 590/630 = 93.65%
    assert compute(con, "roll_vs_capacity", T).value == pytest.approx(100 * 590 / 630)
    # suspensions: B has no behaviour row, so only A: 6/190 x 100 = 3.16
    s = compute(con, "suspension_rate", T)
    assert (s.numerator, s.denominator) == (6, 190)
    # energy: B's is blank, so A only: 1900/190 = 10 kWh per pupil
    assert compute(con, "energy_per_pupil", T).value == pytest.approx(10.0)
    # in-year balance: (1000-1100) + (2000-1800) = 100
    assert compute(con, "in_year_balance", T).value == pytest.approx(100.0)
    # reserves: (50+250)/(1000+2000) = 10%; staff costs (800+1000)/(1100+1800) = 62.07%
    assert compute(con, "reserves_pct_income", T).value == pytest.approx(10.0)
    assert compute(con, "staff_costs_pct_expenditure", T).value == pytest.approx(
        100 * 1800 / 2900)
    # spend per pupil: 2900/590 = 4915.25; top slice 150/3000 = 5%
    assert compute(con, "spend_per_pupil", T).value == pytest.approx(2900 / 590)
    assert compute(con, "top_slice_pct_income", T).value == pytest.approx(5.0)
    assert compute(con, "permanent_exclusions", T).value == 1


def test_workforce_per_fte_and_rates():
    row = {"urn": URN_A, "term": T, "headcount": 40, "fte": 32.0, "teachers_fte": 12.0,
           "staff_absence_days": 48.0, "leavers": 2, "vacancies": 1, "cpd_hours": 400.0,
           "cpd_spend": 3200.0, "appraisals_due": 30, "appraisals_completed": 27}
    row_b = dict(row, urn=URN_B, headcount=10, fte=8.0, staff_absence_days=32.0, leavers=3,
                 vacancies=2, cpd_hours=0.0, cpd_spend=800.0, appraisals_due=10,
                 appraisals_completed=10)
    con = memstore(schools=schools("primary", "secondary"), workforce=[row, row_b])
    # absence days per FTE: (48+32)/(32+8) = 2.0; turnover (2+3)/(40+10) = 10%
    assert compute(con, "staff_absence_days_per_fte", T).value == pytest.approx(2.0)
    assert compute(con, "staff_turnover", T).value == pytest.approx(10.0)
    assert compute(con, "vacancies", T).value == 3
    # CPD: 400/40 = 10 hours and 4000/40 = GBP 100 per FTE; appraisals 37/40 = 92.5%
    assert compute(con, "cpd_hours_per_fte", T).value == pytest.approx(10.0)
    assert compute(con, "cpd_spend_per_fte", T).value == pytest.approx(100.0)
    assert compute(con, "appraisals_completed", T).value == pytest.approx(92.5)


def test_surveys_use_the_latest_survey_within_a_year():
    def row(urn, term, responses, agree, who="parent"):
        return {"urn": urn, "term": term, "respondent": who, "question": "q1",
                "responses": responses, "agree": agree}

    con = memstore(schools=schools("primary", "primary"), surveys=[
        row(URN_A, "2023-24-spring", 50, 10),
        row(URN_A, "2024-25-autumn", 40, 30),
        row(URN_B, "2024-25-spring", 60, 57)])
    # in 2024-25-summer: A's autumn survey (30/40) and B's spring one (57/60): 87/100
    v = compute(con, "parent_survey_agreement", "2024-25-summer")
    assert v.value == pytest.approx(87.0) and v.period == "2024-25-spring"
    # in 2024-25-autumn: A's autumn survey only (B's comes later): 30/40 = 75%
    assert compute(con, "parent_survey_agreement", T).value == pytest.approx(75.0)
    # a survey more than a year old is not used: 2025-26-spring has none within a year
    assert compute(con, "parent_survey_agreement", "2025-26-summer").status == "no_data"
    assert compute(con, "staff_survey_agreement", T).status == "no_data"


def test_governance_compliance_and_risks_include_trust_level_rows_for_the_trust():
    con = memstore(
        schools=schools("primary"),
        governance=[{"urn": URN_A, "term": T, "meeting_date": "2024-11-01", "body": "lgb",
                     "members": 10, "present": 8, "quorate": True},
                    {"urn": None, "term": T, "meeting_date": "2024-11-02", "body": "board",
                     "members": 10, "present": 10, "quorate": True}],
        compliance=[
            {"urn": URN_A, "term": T, "area": "h&s", "item": "a", "status": "met"},
            {"urn": URN_A, "term": T, "area": "h&s", "item": "b", "status": "met"},
            {"urn": URN_A, "term": T, "area": "h&s", "item": "c", "status": "not_met",
             "due_date": "2024-10-01"},
            {"urn": URN_A, "term": T, "area": "h&s", "item": "d", "status": "partly_met",
             "due_date": "2025-02-01"},
            {"urn": URN_A, "term": T, "area": "h&s", "item": "e", "status": "not_applicable"},
            {"urn": None, "term": T, "area": "web", "item": "f", "status": "not_met",
             "due_date": "2024-09-30"}],
        risks=[{"urn": URN_A, "term": T, "risk_id": r, "area": "x", "title": "t",
                "likelihood": li, "impact": im, "status": st}
               for r, li, im, st in [("R1", 4, 4, "open"), ("R2", 3, 5, "open"),
                                     ("R3", 5, 5, "closed"), ("R4", 2, 5, "open")]])
    # school: 8/10 = 80%; trust with its board: (8+10)/(10+10) = 90%
    assert compute(con, "governance_attendance", T, [URN_A]).value == pytest.approx(80.0)
    assert compute(con, "governance_attendance", T).value == pytest.approx(90.0)
    # met of items that apply: school 2/4 = 50%; trust 2/5 = 40%
    assert compute(con, "compliance_met", T, [URN_A]).value == pytest.approx(50.0)
    assert compute(con, "compliance_met", T).value == pytest.approx(40.0)
    # overdue at the autumn term's end (31 Dec): item c (due 1 Oct); d is due in February
    assert compute(con, "overdue_actions", T, [URN_A]).value == 1
    assert compute(con, "overdue_actions", T).value == 2  # and the trust's item f
    # high: open and likelihood x impact >= 15: R1 (16) and R2 (15); R3 closed, R4 10
    assert compute(con, "high_risks", T, [URN_A]).value == 2


def test_no_rows_is_no_data_and_cache_returns_the_same_figure():
    con = memstore(schools=schools("primary"))
    tables = Tables(con)
    assert compute_from(tables, "attendance_rate", T).status == "no_data"
    assert compute_from(tables, "partnerships_active", T, [URN_C]).status == "no_data"
    assert compute_from(tables, "attendance_rate", T) is compute_from(tables,
                                                                      "attendance_rate", T)
    with pytest.raises(KeyError, match="no measure"):
        compute(con, "attendence_rate", T)
