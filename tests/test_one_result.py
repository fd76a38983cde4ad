"""One figure, one story, worked by hand: the minimum cohort at 9, 10 and 11 pupils, the
basis of a change (seasonal measures on the same term last year), units, and the issue's
examples as the evaluator and the sentences now give them."""

from __future__ import annotations

import pandas as pd
import pytest
from memstore import URN_A, URN_B, URN_C, attendance, kpi, memstore, plan, result, schools, trust

from govkit.errors import ConfigError
from govkit.plan import fmt, narrative
from govkit.plan.config import load_trust
from govkit.plan.evaluate import Evaluator
from govkit.reports.overview import attention_table

SUMMER, SPRING, LAST_SUMMER = "2024-25-summer", "2024-25-spring", "2023-24-summer"


# --- the minimum cohort: 9, 10 and 11 pupils ---------------------------------------------

def _cohorts_ev(min_cohort: int = 10) -> Evaluator:
    """Three primaries with KS2 cohorts of 9, 10 and 11 pupils, none at the standard: 0%,
    against a target of 60 with no tolerance (red if rated) and national 62% (2024-25)."""
    rows = [result(u, "2024-25", "rwm_expected", n, 0)
            for u, n in ((URN_A, 9), (URN_B, 10), (URN_C, 11))]
    kpis = [{"id": "rwm", "measure": "ks2_rwm_expected", "target": 60, "tolerance": 0}]
    triggers = [{"id": "red", "description": "Red this term", "kind": "red_consecutive",
                 "periods": 1},
                {"id": "nat", "description": "Below national", "kind": "below_national",
                 "measure": "ks2_rwm_expected"}]
    t = trust("primary", "primary", "primary").model_copy(update={"min_cohort": min_cohort})
    return Evaluator(t, plan(kpis, triggers),
                     memstore(schools=schools("primary", "primary", "primary"),
                              attainment=rows))


def test_nine_pupils_are_too_few_to_rate_ten_and_eleven_are_red():
    ev = _cohorts_ev()
    nine, ten, eleven = (ev.results(SUMMER, u)[0] for u in (URN_A, URN_B, URN_C))
    assert (nine.rating, nine.rag) == ("too_few", None)
    assert (ten.rating, ten.rag) == ("red", "red")
    assert (eleven.rating, eleven.rag) == ("red", "red")
    # shown, with its cohort, but in words that rate nothing
    assert nine.value == 0.0 and nine.cohort_text == "0 of 9 pupils"
    s = narrative.kpi_sentence(nine)
    assert s.startswith("KS2 reading, writing and maths: expected standard: 0.0% (0 of 9 "
                        "pupils) in 2024-25, too few pupils to rate against the target of "
                        "60.0%.")
    assert "short of" not in s


def test_too_few_never_counts_as_red_raises_a_trigger_or_needs_attention():
    ev = _cohorts_ev()
    assert ev.ratings(SUMMER, URN_A) == (None, {"red": 0, "amber": 0, "green": 0})
    assert ev.ratings(SUMMER, URN_B) == ("red", {"red": 1, "amber": 0, "green": 0})
    fired = ev.triggers(SUMMER)
    # 10 and 11 pupils: red this term and below national; 9 pupils: neither
    assert sorted(zip(fired["urn"], fired["trigger_id"], strict=True)) == [
        (URN_B, "nat"), (URN_B, "red"), (URN_C, "nat"), (URN_C, "red")]
    frames = {s.name: ev.kpis(SUMMER, s.urn) for s in ev.trust.schools}
    table = attention_table(frames, fired)
    assert list(table["School"]) == ["School 2", "School 3"]
    # compare_schools (the bars) rates the same way
    bars = ev.compare_schools("ks2_rwm_expected", SUMMER).set_index("urn")
    assert list(bars["rating"]) == ["too_few", "red", "red"]
    assert pd.isna(bars.loc[URN_A, "rag"])


def test_the_minimum_comes_from_trust_yaml():
    ev = _cohorts_ev(min_cohort=11)  # now 10 pupils are too few, 11 are enough
    assert [ev.kpis(SUMMER, u).iloc[0]["rating"] for u in (URN_A, URN_B, URN_C)] == [
        "too_few", "too_few", "red"]


def test_min_cohort_in_trust_yaml_is_checked(tmp_path):
    text = ("name: T\nschools:\n- {urn: 100001, name: A, phase: primary}\n"
            "terms: [2024-25-summer]\n")
    (tmp_path / "trust.yaml").write_text(text, encoding="utf-8")
    assert load_trust(tmp_path / "trust.yaml").min_cohort == 10  # the default
    (tmp_path / "trust.yaml").write_text(text + "min_cohort: 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"min_cohort: Input should be greater than or "
                                          r"equal to 1"):
        load_trust(tmp_path / "trust.yaml")


# --- the basis of a change -----------------------------------------------------------------

def _attendance_ev() -> Evaluator:
    """Attendance 94.0% last summer, 97.0% in spring, 96.0% this summer; staff turnover
    10% in spring and 12% in summer; KS2 50% last year and 60% this year."""
    rows = [attendance(URN_A, LAST_SUMMER, 1000, 60), attendance(URN_A, SPRING, 1000, 30),
            attendance(URN_A, SUMMER, 1000, 40)]
    staff = [{"urn": URN_A, "term": t, "headcount": 50, "fte": 40.0, "staff_absence_days": 0,
              "leavers": n, "vacancies": 0} for t, n in ((SPRING, 5), (SUMMER, 6))]
    ks2 = [result(URN_A, "2023-24", "rwm_expected", 20, 10),
           result(URN_A, "2024-25", "rwm_expected", 20, 12)]
    kpis = [{"id": "att", "measure": "attendance_rate", "target": 95, "tolerance": 1},
            {"id": "turn", "measure": "staff_turnover", "target": 15, "tolerance": 2},
            {"id": "rwm", "measure": "ks2_rwm_expected", "target": 60, "tolerance": 5}]
    return Evaluator(trust("primary"), plan(kpis),
                     memstore(schools=schools("primary"), attendance=rows, workforce=staff,
                              attainment=ks2))


def test_seasonal_measures_compare_with_the_same_term_last_year():
    df = {r.kpi_id: r for r in _attendance_ev().results(SUMMER, URN_A)}
    att = df["att"]
    # 96.0 - 94.0 (summer on summer), not 96.0 - 97.0 (summer on spring)
    assert att.change == pytest.approx(2.0)
    assert (att.change_basis, att.moved) == ("the same term last year", "up")
    assert "Up 2.0 percentage points on the same term last year" in narrative.kpi_sentence(att)
    assert narrative.change_cell(att) == "+2.0 pts on same term last year"
    assert narrative.chart_title(att).startswith("Attendance: up on the same term last year")
    # staff turnover is not seasonal: 12% - 10% on last term
    turn = df["turn"]
    assert turn.change == pytest.approx(2.0) and turn.change_basis == "last term"
    # yearly results: 60% - 50% on last year
    rwm = df["rwm"]
    assert rwm.change == pytest.approx(10.0) and rwm.change_basis == "last year"
    assert narrative.change_cell(rwm) == "+10.0 pts on last year"


def test_seasonal_measures_are_marked_in_the_catalogue():
    from govkit.plan.measures import MEASURES

    seasonal = {m for m, x in MEASURES.items() if x.seasonal}
    assert {"attendance_rate", "persistent_absence", "severe_absence", "unauthorised_absence",
            "attendance_disadvantaged_gap", "energy_per_pupil"} <= seasonal
    assert not {"staff_turnover", "spend_per_pupil", "ks2_rwm_expected"} & seasonal


# --- units -----------------------------------------------------------------------------------

def test_units_people_use():
    assert fmt.value(80, "GBP") == "£80"
    assert fmt.value(-44_490, "GBP") == "-£44k"        # 44.49k -> 44k
    assert fmt.value(1_234, "GBP") == "£1.2k"
    assert fmt.change(-7.4, "GBP") == "-£7"
    assert fmt.value(1.666, "per100") == "1.7 per 100 pupils"   # never "1.7%"
    assert fmt.change(-0.44, "per100") == "-0.4 per 100 pupils"  # never "pts"
    assert fmt.change(-0.04, "per100") == "no change"            # "0.0 per 100" is nothing
    assert fmt.change(1.23, "percent") == "+1.2 pts"            # pts: percentage points only
    assert fmt.change(1.23, "score") == "+1.2"
    assert fmt.distance(1.2, "per100") == "1.2 per 100 pupils"
    from govkit.plan.measures import MEASURES

    assert MEASURES["suspension_rate"].unit == "per100"


def test_displayed_is_what_the_reader_sees():
    assert fmt.displayed(94.96, "percent") == 95.0
    assert fmt.displayed(4.99997, "percent") == 5.0
    assert fmt.displayed(-44_490, "GBP") == -44_000.0
    assert fmt.displayed(2.4, "count") == 2.0
    assert fmt.displayed(None, "percent") is None


# --- the examples ----------------------------------------------------------------------

def test_95_0_is_never_just_short_of_95_0():
    # 9,496 of 10,000 sessions: 94.96%, shown as 95.0%; target 95.0: on target, not amber
    ev = Evaluator(trust("primary"),
                   plan([{"id": "att", "measure": "attendance_rate", "target": 95,
                          "tolerance": 1}]),
                   memstore(schools=schools("primary"),
                            attendance=[attendance(URN_A, SUMMER, 10_000, 504)]))
    row = ev.results(SUMMER, URN_A)[0]
    assert row.value == pytest.approx(94.96)
    assert row.rating == "green"
    assert "95.0% (100 pupils) in Summer 2025, meeting the target of 95.0%" in (
        narrative.kpi_sentence(row))


def test_top_slice_5_0_is_one_rating_whatever_the_unrounded_value():
    # 4.99997% and 5.00003% both read 5.0%: both on a target of 5.0 (lower is better)
    fin = [{"urn": u, "term": SUMMER, "income": 1_000_000.0, "expenditure": 1_000_000.0,
            "staff_costs": 700_000.0, "revenue_reserve": 50_000.0, "top_slice": ts}
           for u, ts in ((URN_A, 49_999.7), (URN_B, 50_000.3))]
    ev = Evaluator(trust("primary", "primary"),
                   plan([{"id": "ts", "measure": "top_slice_pct_income", "target": 5,
                          "tolerance": 0.5}]),
                   memstore(schools=schools("primary", "primary"), finance=fin))
    rows = [ev.results(SUMMER, u)[0] for u in (URN_A, URN_B)]
    assert [fmt.value(r.value, "percent") for r in rows] == ["5.0%", "5.0%"]
    assert [r.rating for r in rows] == ["green", "green"]


def test_trust_rating_names_the_schools_red_on_it():
    # A -£44k and B +£60k: the trust is +£16k, green against 0; A is red (tolerance £25k)
    fin = [{"urn": u, "term": SUMMER, "income": 1_000_000.0, "expenditure": 1_000_000.0 - b,
            "staff_costs": 700_000.0, "revenue_reserve": 50_000.0, "top_slice": 50_000.0}
           for u, b in ((URN_A, -44_000.0), (URN_B, 60_000.0))]
    ev = Evaluator(trust("primary", "primary"),
                   plan([{"id": "bal", "measure": "in_year_balance", "target": 0,
                          "tolerance": 25_000}]),
                   memstore(schools=schools("primary", "primary"), finance=fin))
    row = ev.results(SUMMER)[0]
    assert row.rating == "green"
    assert (row.red_schools, row.red_school_values) == ("School 1", "-£44k")
    assert "Green for the trust; red at one school: School 1 (-£44k). Covers 2 of 2 schools." in (
        narrative.kpi_sentence(row))


def test_trust_figures_say_how_much_they_cover():
    # KS2 published for A (20 pupils) and B (30), withheld (c) at C, whose 25 pupils the
    # trust figure therefore leaves out: 2 of 3 schools, 50 of 75 pupils
    rows = [result(URN_A, "2024-25", "rwm_expected", 20, 12),
            result(URN_B, "2024-25", "rwm_expected", 30, 18),
            result(URN_C, "2024-25", "rwm_expected", 25, None, status="c")]
    ev = Evaluator(trust("primary", "primary", "primary"),
                   plan([{"id": "rwm", "measure": "ks2_rwm_expected", "target": 60}]),
                   memstore(schools=schools("primary", "primary", "primary"),
                            attainment=rows))
    row = ev.results(SUMMER)[0]
    assert (row.schools_counted, row.schools_in_scope) == (2, 3)
    assert (row.cohort, row.pupils_all) == (50, 75)
    assert narrative.coverage_sentence(row) == (
        "Covers 2 of 3 schools, 50 of 75 pupils published.")


def test_not_a_clear_difference_and_pupils_to_change_in_words():
    # 24 of 40 (60.0%) against 65 with tolerance 2: 5 short, red by the plain rule; but
    # Wilson 44.6% to 73.7% includes 65: not a clear difference, so amber, and the words
    # say it could be chance; 26/40 = 65.0% would be green
    ev = Evaluator(trust("primary"),
                   plan([{"id": "rwm", "measure": "ks2_rwm_expected", "target": 65,
                          "tolerance": 2}]),
                   memstore(schools=schools("primary"),
                            attainment=[result(URN_A, "2024-25", "rwm_expected", 40, 24)]))
    row = ev.results(SUMMER, URN_A)[0]
    assert row.rating == "amber" and row.chance
    assert row.ci_lower is not None and row.ci_upper is not None
    assert (round(row.ci_lower, 1), round(row.ci_upper, 1)) == (44.6, 73.7)
    s = narrative.kpi_sentence(row)
    assert ("60.0% (24 of 40 pupils) in 2024-25, 5.0 percentage points short of the target "
            "of 65.0%; with 40 pupils this could be chance.") in s
    assert ("Not a clear difference from the target: its 95% interval (44.6% to 73.7%) "
            "includes it.") in s
    assert "2 more pupils at the expected standard would make this green." in s


def test_priority_summary_names_what_is_too_few_to_rate_and_counts_it_nowhere():
    rows = [kpi(label="Attendance", status="ok", rag="green", rating="green"),
            kpi(label="KS2 SEND", status="ok", rag=None, rating="too_few"),
            kpi(label="KS2 disadvantaged", status="ok", rag=None, rating="too_few")]
    assert narrative.priority_summary(rows) == (
        "Of 1 KPI with a rating, 1 green (on target). Every rated KPI is on target. Two "
        "rest on too few pupils to rate: KS2 SEND and KS2 disadvantaged.")
