"""Plan evaluation worked by hand: RAG either side of each boundary, every kind of target,
change on last term and last year, the statuses for what cannot be rated, comments, the
grid and the headline RAG."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from memstore import URN_A, URN_B, attendance, memstore, plan, result, schools, trust

from govkit.plan.evaluate import KPI_COLUMNS, Evaluator, change_since
from govkit.plan.rating import combine_rag, rag

SUMMER, SPRING, LAST_SUMMER = "2024-25-summer", "2024-25-spring", "2023-24-summer"


# --- rag() at and either side of each boundary -----------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (95.1, "green"),   # beyond the target
    (95.0, "green"),   # on it
    (94.9, "amber"),   # 0.1 short, within 2
    (93.0, "amber"),   # 2.0 short: on the tolerance is still amber
    (92.9, "red"),     # 2.1 short
])
def test_rag_higher_is_better_target_95_tolerance_2(value: float, expected: str) -> None:
    assert rag(value, 95.0, 2.0, "higher") == expected


@pytest.mark.parametrize(("value", "expected"), [
    (9.9, "green"),    # below a 'lower is better' target
    (10.0, "green"),   # on it
    (10.1, "amber"),   # 0.1 over, within 2
    (12.0, "amber"),   # 2.0 over: on the tolerance
    (12.1, "red"),     # 2.1 over
])
def test_rag_lower_is_better_target_10_tolerance_2(value: float, expected: str) -> None:
    assert rag(value, 10.0, 2.0, "lower") == expected


@pytest.mark.parametrize(("value", "direction", "expected"), [
    (95.0, "higher", "green"), (94.99, "higher", "red"), (95.01, "higher", "green"),
    (5.0, "lower", "green"), (5.01, "lower", "red"), (4.99, "lower", "green"),
])
def test_rag_with_no_tolerance_has_no_amber(value: float, direction: str,
                                            expected: str) -> None:
    target = 95.0 if direction == "higher" else 5.0
    assert rag(value, target, 0.0, direction) == expected


def test_rag_floating_point_on_target_and_on_tolerance() -> None:
    # 100 * 19/20 is 95.00000000000001 and 100 * 0.93 is 93.00000000000001 in floats:
    # both are "on" a target of 95 / on the edge of a tolerance of 2
    assert rag(100 * 19 / 20, 95.0, 0.0, "lower") == "green"
    assert rag(100 * 0.93, 95.0, 2.0, "higher") == "amber"
    assert rag(100 * 0.93 - 2, 91.0, 0.0, "higher") == "green"


def test_rag_without_value_or_target_is_unrated() -> None:
    assert rag(None, 95.0, 1.0, "higher") is None
    assert rag(95.0, None, 1.0, "higher") is None
    assert rag(float("nan"), 95.0, 1.0, "higher") is None


def test_combine_rag_worst_first_and_nothing_rated_is_none() -> None:
    assert combine_rag(["green", "red", "amber"]) == "red"
    assert combine_rag(["green", None, "amber"]) == "amber"
    assert combine_rag(["green", "green"]) == "green"
    assert combine_rag([None, None]) is None
    assert combine_rag([]) is None


def test_change_since_names_what_the_previous_figure_is() -> None:
    assert change_since("term", SUMMER, SPRING) == "last term"
    assert change_since("academic_year", "2024-25", "2023-24") == "last year"
    assert change_since("survey", "2024-25-spring", "2023-24-spring") == "last year"
    assert change_since("survey", "2024-25-spring", "2024-25-autumn") == "the last survey"
    assert change_since("academic_year", "2024-25", "2024-25") is None  # same figure
    assert change_since("term", SUMMER, None) is None


# --- a two-school trust, worked by hand ------------------------------------------------
#
# attendance (sessions possible, absent) -> rate = 100 * (possible - absent) / possible
#              2023-24-summer        2024-25-spring        2024-25-summer
#   School A   1000, 60 -> 94.0%     1000, 50 -> 95.0%     1000, 40 -> 96.0%
#   School B   3000, 300 -> 90.0%    3000, 210 -> 93.0%    3000, 240 -> 92.0%
#   trust      4000, 360 -> 91.0%    4000, 260 -> 93.5%    4000, 280 -> 93.0%
# persistent absentees of 100 pupils each, summer 2024-25: A 21, B 25, trust 46/200 = 23%
ATT = [(LAST_SUMMER, 60, 300), (SPRING, 50, 210), (SUMMER, 40, 240)]

KPIS = [
    {"id": "att-abs", "measure": "attendance_rate", "target": 95, "tolerance": 1},
    {"id": "att-nat", "measure": "attendance_rate",
     "target": {"relative_to": "national", "offset": 0.5}, "tolerance": 1},
    {"id": "att-trust", "measure": "attendance_rate",
     "target": {"relative_to": "trust"}, "tolerance": 1},
    {"id": "att-ly", "measure": "attendance_rate",
     "target": {"relative_to": "last_year", "offset": 1}, "tolerance": 0},
    {"id": "pa", "measure": "persistent_absence", "target": 20, "tolerance": 2},
]


def _attendance_rows() -> list[dict]:
    rows = []
    for term, absent_a, absent_b in ATT:
        pa_a, pa_b = (21, 25) if term == SUMMER else (10, 10)
        rows.append(attendance(URN_A, term, 1000, absent_a, pa=pa_a))
        rows.append(attendance(URN_B, term, 3000, absent_b, pa=pa_b))
    return rows


@pytest.fixture(scope="module")
def ev() -> Evaluator:
    con = memstore(schools=schools("primary", "primary"), attendance=_attendance_rows())
    return Evaluator(trust("primary", "primary"), plan(KPIS), con)


def _row(ev: Evaluator, kpi_id: str, urn: int | None, term: str = SUMMER,
         audience: str = "board") -> dict:
    df = ev.kpis(term, urn, audience=audience)
    assert list(df.columns) == KPI_COLUMNS
    row = df.set_index("kpi_id").loc[kpi_id].to_dict()
    return {k: None if not isinstance(v, str) and pd.isna(v) else v for k, v in row.items()}


def test_absolute_target(ev: Evaluator) -> None:
    a, b, t = (_row(ev, "att-abs", u) for u in (URN_A, URN_B, None))
    assert (a["value"], a["target"], a["rag"]) == (pytest.approx(96.0), 95.0, "green")
    assert (b["value"], b["rag"]) == (pytest.approx(92.0), "red")  # 3 short, tolerance 1
    # trust weighted: 3720/4000 = 93.0%, 2 short of 95: red (not the mean of 96 and 92 = 94)
    assert (t["value"], t["numerator"], t["denominator"]) == (pytest.approx(93.0), 3720, 4000)
    assert t["rag"] == "red"


def test_target_relative_to_national_uses_the_phase_and_latest_year(ev: Evaluator) -> None:
    # primary national attendance, latest published by 2024-25: 94.5 (2023-24); + 0.5 = 95.0
    a, b, t = (_row(ev, "att-nat", u) for u in (URN_A, URN_B, None))
    assert a["target"] == pytest.approx(95.0) and a["rag"] == "green"
    assert b["rag"] == "red"  # 92.0 is 3.0 short, tolerance 1
    assert a["national_value"] == pytest.approx(94.5) and "2023/24" in a["national_source"]
    # both schools primary, so the trust is compared with the primary figure too
    assert t["target"] == pytest.approx(95.0) and t["rag"] == "red"  # 93.0: 2 short


def test_target_relative_to_trust(ev: Evaluator) -> None:
    # the trust's 93.0%: A 96.0 green; B 92.0 is exactly 1.0 short = the tolerance: amber
    a, b = (_row(ev, "att-trust", u) for u in (URN_A, URN_B))
    assert a["target"] == pytest.approx(93.0) and a["rag"] == "green"
    assert b["target"] == pytest.approx(93.0) and b["rag"] == "amber"
    assert a["trust_value"] == pytest.approx(93.0)


def test_target_relative_to_last_year_with_offset(ev: Evaluator) -> None:
    # the same term last year + 1: A 94.0 + 1 = 95.0 (96.0 green); B 90.0 + 1 = 91.0
    # (92.0 green); trust 91.0 + 1 = 92.0 (93.0 green)
    for urn, target in ((URN_A, 95.0), (URN_B, 91.0), (None, 92.0)):
        r = _row(ev, "att-ly", urn)
        assert r["target"] == pytest.approx(target) and r["rag"] == "green"
    # a year earlier than the data: no last-year figure, so no target and no rating
    r = _row(ev, "att-ly", URN_A, term=LAST_SUMMER)
    assert r["target"] is None and r["rag"] is None and r["status"] == "ok"


def test_lower_is_better_with_tolerance(ev: Evaluator) -> None:
    # persistent absence target 20, tolerance 2: A 21/100 = 21% amber; B 25% is 5 over,
    # red by the plain rule, but its 95% interval (Wilson: 17.5% to 34.3%) holds 20: amber,
    # and it could be chance; trust 46/200 = 23%, 3 over, interval 17.7% to 29.3%: amber
    assert _row(ev, "pa", URN_A)["rag"] == "amber"
    assert not _row(ev, "pa", URN_A)["chance"]  # within the tolerance: amber anyway
    b = _row(ev, "pa", URN_B)
    assert b["rag"] == "amber" and b["chance"] and b["clear"] is False
    t = _row(ev, "pa", None)
    assert t["value"] == pytest.approx(23.0) and t["direction"] == "lower"
    assert t["rag"] == "amber" and t["chance"]


def test_change_since_last_term_and_last_year(ev: Evaluator) -> None:
    a = _row(ev, "att-abs", URN_A)
    # A: 96.0 - 95.0 (spring) = +1.0; 96.0 - 94.0 (summer 2023-24) = +2.0
    assert a["previous_value"] == pytest.approx(95.0)
    assert a["change_last_term"] == pytest.approx(1.0) and a["change_since"] == "last term"
    assert a["year_ago_value"] == pytest.approx(94.0)
    assert a["change_last_year"] == pytest.approx(2.0)
    # trust: 93.0 - 93.5 = -0.5 on last term; 93.0 - 91.0 = +2.0 on last year
    t = _row(ev, "att-abs", None)
    assert t["change_last_term"] == pytest.approx(-0.5)
    assert t["change_last_year"] == pytest.approx(2.0)
    # autumn 2024-25 has no figure: no_data, nothing to rate or compare
    r = _row(ev, "att-abs", URN_A, term="2024-25-autumn")
    assert r["status"] == "no_data" and r["value"] is None and r["rag"] is None
    assert r["change_last_term"] is None and r["change_last_year"] is None
    assert r["target"] == 95.0  # an absolute target stands without data


def test_overall_rag_and_grid(ev: Evaluator) -> None:
    # A: green, green, green, green, amber -> amber; B: red, red, amber, green, amber
    # (persistent absence 25 of 100: could be chance) -> red
    assert ev.overall_rag(SUMMER, URN_A) == "amber"
    assert ev.overall_rag(SUMMER, URN_B) == "red"
    assert ev.overall_rag("2024-25-autumn", URN_A) is None  # nothing rated without data
    grid = ev.grid(SUMMER)
    assert list(grid.index) == ["School 1", "School 2", "Test Trust"]
    assert list(grid.columns) == ["att-abs", "att-nat", "att-trust", "att-ly", "pa"]
    assert list(grid.loc["School 1"]) == ["green", "green", "green", "green", "amber"]
    assert list(grid.loc["School 2"]) == ["red", "red", "amber", "green", "amber"]
    # the trust against itself is on target: green
    assert list(grid.loc["Test Trust"]) == ["red", "red", "green", "green", "amber"]


def test_compare_schools_rated_by_the_plans_first_kpi(ev: Evaluator) -> None:
    df = ev.compare_schools("attendance_rate", SUMMER).set_index("urn")
    # the first KPI on attendance is att-abs (target 95, tolerance 1)
    assert df.loc[URN_A, "rag"] == "green" and df.loc[URN_B, "rag"] == "red"
    assert df.loc[URN_B, "value"] == pytest.approx(92.0)


def test_unknown_place_term_or_priority_is_a_clear_error(ev: Evaluator) -> None:
    from govkit.errors import ConfigError

    with pytest.raises(ConfigError, match="not a school of Test Trust"):
        ev.kpis(SUMMER, 999999)
    with pytest.raises(ConfigError, match="not a term id"):
        ev.kpis("2024-25-winter")


# --- yearly results ---------------------------------------------------------------------
#
# KS2 RWM expected, one school: 2023-24 18 of 30 = 60.0%; 2024-25 21 of 30 = 70.0%.

@pytest.fixture(scope="module")
def results_ev() -> Evaluator:
    con = memstore(schools=schools("primary", "secondary"), attainment=[
        result(URN_A, "2023-24", "rwm_expected", 30, 18),
        result(URN_A, "2024-25", "rwm_expected", 30, 21),
        result(URN_A, "2022-23", "read_progress", 30, score=-1.5),
        result(URN_A, "2023-24", "read_progress", 30, status="x", note="not published"),
        result(URN_B, "2023-24", "att8", 100, score=46.0, stage="ks4"),
        result(URN_B, "2024-25", "att8", 100, score=48.5, stage="ks4")])
    kpis = [
        {"id": "rwm", "measure": "ks2_rwm_expected",
         "target": {"relative_to": "national", "offset": 2}, "tolerance": 4},
        {"id": "read-progress", "measure": "ks2_read_progress", "target": 0},
        {"id": "att8", "measure": "ks4_attainment8", "target": 46, "tolerance": 1},
    ]
    terms = ["2022-23-summer", "2023-24-autumn", "2023-24-spring", "2023-24-summer",
             "2024-25-autumn", "2024-25-spring", "2024-25-summer"]
    return Evaluator(trust("primary", "secondary", terms=terms), plan(kpis), con)


def test_yearly_results_change_on_last_year(results_ev: Evaluator) -> None:
    r = _row(results_ev, "rwm", URN_A)
    # 21/30 = 70.0% for 2024-25; national 2024-25 is 62, + 2 = 64: green
    assert (r["value"], r["period"]) == (pytest.approx(70.0), "2024-25")
    assert r["target"] == pytest.approx(64.0) and r["rag"] == "green"
    # last term (spring) showed 2023-24's 60.0%: the change is on last year, +10.0
    assert r["change_last_term"] == pytest.approx(10.0) and r["change_since"] == "last year"
    assert r["change_last_year"] == pytest.approx(10.0)
    # in spring the figure is 2023-24's, as it was last term: no change on last term
    spring = _row(results_ev, "rwm", URN_A, term=SPRING)
    assert spring["period"] == "2023-24" and spring["change_last_term"] is None
    assert spring["change_since"] is None
    # 2023-24's national 61 + 2 = 63: 60.0 is 3 short, tolerance 4: amber
    assert spring["target"] == pytest.approx(63.0) and spring["rag"] == "amber"


def test_phase_where_a_measure_does_not_apply(results_ev: Evaluator) -> None:
    ks4_for_primary = _row(results_ev, "att8", URN_A)
    ks2_for_secondary = _row(results_ev, "rwm", URN_B)
    for r in (ks4_for_primary, ks2_for_secondary):
        assert r["status"] == "not_applicable"
        assert r["value"] is None and r["target"] is None and r["rag"] is None
    # the trust's KS4 figure is the secondary's alone: 48.5, target 46: green
    t = _row(results_ev, "att8", None)
    assert t["value"] == pytest.approx(48.5) and t["rag"] == "green"
    # a trust of primaries only: KS4 does not apply to the trust either
    only = Evaluator(trust("primary"), plan([{"id": "att8", "measure": "ks4_attainment8",
                                               "target": 46}]),
                     memstore(schools=schools("primary")))
    assert _row(only, "att8", None)["status"] == "not_applicable"


def test_ks2_progress_not_published_in_2023_24_and_2024_25(results_ev: Evaluator) -> None:
    # 2022-23 was published: -1.5 against 0 with no tolerance: red
    r = _row(results_ev, "read-progress", URN_A, term="2022-23-summer")
    assert (r["value"], r["rag"]) == (pytest.approx(-1.5), "red")
    # 2023-24: the export says x; 2024-25: no rows at all, and DfE published none
    for term, year in ((LAST_SUMMER, "2023-24"), (SUMMER, "2024-25")):
        r = _row(results_ev, "read-progress", URN_A, term=term)
        assert (r["status"], r["period"], r["value"], r["rag"]) == (
            "not_published", year, None, None)
        assert _row(results_ev, "read-progress", None, term=term)["status"] == "not_published"
    # the year before, a missing figure is just missing
    assert _row(results_ev, "read-progress", URN_A, term="2022-23-summer")["status"] == "ok"


# --- disclosure per audience, narrative KPIs, comments ----------------------------------
#
# One school, 2024-25: KS2 SEND 3 of 4 pupils = 75.0% (4: under the board's threshold 5
# and the public 10); phonics 5 of 7 = 71.4% (7: under 10 only); RWM 18 of 30 = 60.0%.

@pytest.fixture(scope="module")
def small_ev(tmp_path_factory: pytest.TempPathFactory) -> Evaluator:
    comments = tmp_path_factory.mktemp("commentary")
    (comments / f"{SUMMER}.yaml").write_text(
        f"{URN_A}:\n  p1.c2.1: The new reading scheme is in every class.\n"
        "  send: Two pupils joined in May.\n", encoding="utf-8")
    con = memstore(schools=schools("primary"), attainment=[
        result(URN_A, "2024-25", "rwm_expected", 30, 18),
        result(URN_A, "2024-25", "rwm_expected", 4, 3, group="send"),
        result(URN_A, "2024-25", "phonics_pass", 7, 5, stage="phonics")])
    kpis = [{"id": "send", "measure": "ks2_rwm_expected_send", "target": 40},
            {"id": "phonics", "measure": "phonics_pass", "target": 80, "tolerance": 10},
            {"id": "rwm", "measure": "ks2_rwm_expected", "target": 60},
            {"id": "board-only", "measure": "ks2_rwm_expected", "target": 60,
             "audience": ["board"]}]
    return Evaluator(trust("primary"), plan(kpis, narrative=True), con, comments)


def test_small_number_suppressed_for_the_public_and_for_the_board(small_ev: Evaluator
                                                                    ) -> None:
    board = _row(small_ev, "send", URN_A)
    # 3 of 4 pupils: 4 is below the board's threshold (5) as well as the public's (10), so
    # the board sees "c" too, never 75.0%, and no rating
    assert board["value"] is None and board["small_number"]
    assert (board["status"], board["rag"], board["numerator"]) == ("suppressed", None, None)
    public = _row(small_ev, "send", URN_A, audience="public")
    assert public["status"] == "suppressed" and public["small_number"]
    assert public["value"] is None and public["numerator"] is None and public["rag"] is None
    # 7 pupils: shown to the board unflagged (7 >= 5), 5/7 = 71.4% but too few to rate
    # (7 < 10); hidden on the public card (7 < 10)
    phonics = _row(small_ev, "phonics", URN_A)
    assert phonics["value"] == pytest.approx(500 / 7) and not phonics["small_number"]
    assert phonics["rag"] is None and phonics["rating"] == "too_few"
    assert _row(small_ev, "phonics", URN_A, audience="public")["status"] == "suppressed"
    # 30 pupils is not small for anyone
    assert not _row(small_ev, "rwm", URN_A, audience="public")["small_number"]
    # board headline: send and phonics too few to rate, rwm green, board-only green ->
    # green; the public sees only rwm (the others hidden, board-only not theirs): green
    assert small_ev.overall_rag(SUMMER, URN_A) == "green"
    assert small_ev.overall_rag(SUMMER, URN_A, audience="public") == "green"


def test_kpi_shown_only_to_its_audience(small_ev: Evaluator) -> None:
    assert "board-only" in set(small_ev.kpis(SUMMER, URN_A)["kpi_id"])
    assert "board-only" not in set(small_ev.kpis(SUMMER, URN_A, audience="public")["kpi_id"])


def test_narrative_kpi_with_and_without_a_comment(small_ev: Evaluator) -> None:
    school = _row(small_ev, "p1.c2.1", URN_A)
    assert school["status"] == "narrative" and school["rag"] is None
    assert school["label"] == "Leaders review the curriculum"
    assert school["comment"] == "The new reading scheme is in every class."
    # the trust has no comment in the file; nor has another term
    assert _row(small_ev, "p1.c2.1", None)["comment"] is None
    assert _row(small_ev, "p1.c2.1", URN_A, term=SPRING)["comment"] is None
    # a data KPI may carry a comment too
    assert _row(small_ev, "send", URN_A)["comment"] == "Two pupils joined in May."


def test_from_paths_on_the_demo_trust_rates_every_school(tmp_path: Path) -> None:
    ev = Evaluator.from_paths(store_path=tmp_path / "store.duckdb")
    term = ev.trust.latest_term
    grid = ev.grid(term)
    assert len(grid) == len(ev.trust.schools) + 1
    ratings = set(grid.stack().dropna())
    assert ratings <= {"red", "amber", "green"} and ratings


def test_trust_total_is_rated_against_the_per_school_target_times_the_schools() -> None:
    # "5 partnerships, amber within 2" is set per school. Three schools: 4 + 6 + 3 = 13.
    # Trust target 5 * 3 = 15, tolerance 2 * 3 = 6: 13 is 2 short -> amber (not green, as
    # 13 >= 5 would say, nor red, as 13 < 15 with tolerance 2 would say).
    rows = [{"urn": u, "term": SUMMER, "partnerships": n, "enrichment_pupils": 0}
            for u, n in ((URN_A, 4), (100002, 6), (100003, 3))]
    ev = Evaluator(trust("primary", "primary", "secondary"),
                   plan([{"measure": "partnerships_active", "target": 5, "tolerance": 2}]),
                   memstore(schools=schools("primary", "primary", "secondary"),
                            partnerships=rows))
    trust_row = ev.kpis(SUMMER).iloc[0]
    assert (trust_row["value"], trust_row["target"], trust_row["tolerance"],
            trust_row["rag"]) == (13, 15, 6, "amber")
    school = ev.kpis(SUMMER, URN_A).iloc[0]  # a school keeps the plan's own figures: 4 vs 5
    assert (school["value"], school["target"], school["tolerance"], school["rag"]) == (
        4, 5, 2, "amber")


def test_by_phase_weights_each_phase_from_counts_beside_its_own_national() -> None:
    # Two primaries and a secondary. Primary: (50 + 90) absent of (1000 + 3000) possible
    # sessions = 3.5% -> 96.5% attendance (the mean of the schools' 95.0% and 97.0% would
    # say 96.0%). Secondary: 200 of 2000 = 10% -> 90.0%. National (shipped table, the
    # latest year up to 2024-25 is 2023-24): primary 94.5%, secondary 91.1%.
    phases = ("primary", "primary", "secondary")
    ev = Evaluator(trust(*phases),
                   plan([{"measure": "attendance_rate", "target": 95, "tolerance": 1}]),
                   memstore(schools=schools(*phases), attendance=[
                       attendance(URN_A, SUMMER, 1000, 50), attendance(URN_B, SUMMER, 3000, 90),
                       attendance(100003, SUMMER, 2000, 200)]))
    df = ev.by_phase(SUMMER).set_index("phase")
    assert df.loc["primary", "schools"] == 2
    assert (df.loc["primary", "numerator"], df.loc["primary", "denominator"]) == (3860, 4000)
    assert df.loc["primary", "value"] == pytest.approx(96.5)
    assert df.loc["secondary", "value"] == pytest.approx(90.0)
    assert (df.loc["primary", "national_value"], df.loc["secondary", "national_value"]) == (
        94.5, 91.1)
    assert "2023/24" in df.loc["secondary", "national_source"]


def test_a_national_figure_is_like_for_like_only_for_the_schools_it_covers() -> None:
    from govkit.plan.evaluate import _like_for_like
    from govkit.plan.measures import MEASURES
    from govkit.plan.national import Benchmark

    def bench(phase: str) -> Benchmark:
        return Benchmark("k", phase, "2023-24", 1.0, "percent", "DfE", False, "")

    att, ks2 = MEASURES["attendance_rate"], MEASURES["ks2_rwm_expected"]
    assert _like_for_like(att, "primary", bench("primary")) is True
    assert _like_for_like(att, "special", bench("all")) is False  # all schools' attendance
    assert _like_for_like(att, "primary", bench("all")) is False  # secondaries in it too
    assert _like_for_like(ks2, "primary", bench("all")) is True  # KS2 is primaries' only
    assert _like_for_like(ks2, "special", bench("all")) is False
    assert _like_for_like(att, "primary", None) is None
