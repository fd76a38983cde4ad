"""Intervention triggers worked by hand: each kind firing and not firing, with its words."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from memstore import URN_A, URN_B, URN_C, attendance, memstore, plan, result, schools, trust

from govkit.plan.evaluate import Evaluator
from govkit.plan.triggers import COLUMNS, history

T = "2024-25-summer"
# attendance, 1000 sessions possible each term -> rate = 100 - absent / 10
#                   2023-24-summer  2024-25-autumn  2024-25-spring  2024-25-summer
#   School 1 (A)    60 -> 94.0%     50 -> 95.0%     40 -> 96.0%     45 -> 95.5%
#   School 2 (B)    70 -> 93.0%     80 -> 92.0%     90 -> 91.0%     100 -> 90.0%
#   School 3 (C)    a secondary with no attendance return
# persistent absentees of 100 pupils, summer 2024-25: A 10, B 30; trust 40/200 = 20%.
# KS2 RWM expected, 30 pupils: A 2023-24 15 (50.0%), 2024-25 18 (60.0%);
#                              B 2023-24 20 (66.7%), 2024-25 17 (56.7%).
# National (shipped table): primary attendance 94.5 (2023-24, the latest for later years
# too); KS2 RWM 61 (2023-24), 62 (2024-25).
ABSENT = {"2023-24-summer": (60, 70), "2024-25-autumn": (50, 80),
          "2024-25-spring": (40, 90), T: (45, 100)}


def _ev(triggers: list[dict[str, Any]], kpis: list[dict[str, Any]] | None = None,
        ks2: int = 30) -> Evaluator:
    """``ks2``: pupils in each KS2 cohort (the same shares of 3000 as of 30)."""
    k = ks2 // 30
    rows = []
    for term, (a, b) in ABSENT.items():
        pa_a, pa_b = (10, 30) if term == T else (0, 0)
        rows += [attendance(URN_A, term, 1000, a, pa=pa_a),
                 attendance(URN_B, term, 1000, b, pa=pa_b)]
    con = memstore(schools=schools("primary", "primary", "secondary"), attendance=rows,
                   attainment=[result(URN_A, "2023-24", "rwm_expected", ks2, 15 * k),
                               result(URN_A, "2024-25", "rwm_expected", ks2, 18 * k),
                               result(URN_B, "2023-24", "rwm_expected", ks2, 20 * k),
                               result(URN_B, "2024-25", "rwm_expected", ks2, 17 * k)])
    kpis = kpis or [{"id": "att", "measure": "attendance_rate", "target": 95,
                     "tolerance": 1}]
    return Evaluator(trust("primary", "primary", "secondary"), plan(kpis, triggers), con)


def _fired(ev: Evaluator, term: str = T) -> pd.DataFrame:
    df = ev.triggers(term)
    assert list(df.columns) == COLUMNS
    return df


def _one(df: pd.DataFrame) -> dict[str, Any]:
    assert len(df) == 1, df.to_dict("records")
    return df.iloc[0].to_dict()


def test_below_national_fires_beyond_the_margin_only() -> None:
    rule = {"id": "att-nat", "description": "Attendance more than 2 points below national",
            "kind": "below_national", "measure": "attendance_rate", "margin": 2}
    # B: 94.5 - 90.0 = 4.5 points worse, more than 2; A 95.5 is better; C has no figure
    hit = _one(_fired(_ev([rule])))
    assert (hit["urn"], hit["school"], hit["trigger_id"]) == (URN_B, "School 2", "att-nat")
    assert hit["description"] == rule["description"]
    assert hit["detail"].startswith("Attendance 90.0% (Summer 2025) against national "
                                    "94.5% (DfE")
    assert hit["detail"].endswith(" 2023/24): 4.5 percentage points worse")
    # a margin of exactly 4.5 is not crossed; 4.4 is
    assert _fired(_ev([dict(rule, margin=4.5)])).empty
    assert list(_fired(_ev([dict(rule, margin=4.4)]))["urn"]) == [URN_B]


def test_below_national_is_direction_aware() -> None:
    # persistent absence, lower is better: national 20.0%; B 30% is 10 points worse,
    # A 10% is 10 points better
    rule = {"id": "pa-nat", "description": "PA above national", "kind": "below_national",
            "measure": "persistent_absence", "margin": 5}
    hit = _one(_fired(_ev([rule])))
    assert hit["urn"] == URN_B and hit["detail"].endswith(": 10.0 percentage points worse")
    assert "30.0%" in hit["detail"] and "20.0%" in hit["detail"]


def test_below_national_years_needs_every_year_below() -> None:
    rule = {"id": "ks2-nat", "description": "KS2 below national two years running",
            "kind": "below_national_years", "measure": "ks2_rwm_expected", "periods": 2}
    # 30 pupils: A's 18 of 30 (60.0%) and 15 of 30 (50.0%) pooled are 33 of 60 = 55.0%,
    # 95% interval 42.5% to 66.9% (Wilson), holding national weighted by cohort (61.5%):
    # no clear difference and no trigger on what could be chance
    assert _fired(_ev([rule])).empty
    # 3000 pupils, the same shares: A 60.0% < 62 (2024-25) and 50.0% < 61 (2023-24),
    # pooled 55.0% (53.7% to 56.3%) clearly below 61.5: fires. B: 56.7 < 62 but 66.7 > 61 in
    # 2023-24: does not. C is a secondary: KS2 does not apply.
    hit = _one(_fired(_ev([rule], ks2=3000)))
    assert (hit["urn"], hit["trigger_id"], hit["measure"]) == (URN_A, "ks2-nat",
                                                               "ks2_rwm_expected")
    assert hit["detail"] == (
        "KS2 reading, writing and maths: expected standard worse than national 2 years "
        "running (2024-25: 60.0% against national 62.0% (2024-25); 2023-24: 50.0% against "
        "national 61.0% (2023-24))")
    # three years asked for, only two in the data: a run cannot be shown, no hit
    assert _fired(_ev([dict(rule, periods=3)], ks2=3000)).empty


def test_below_trust_fires_beyond_the_margin() -> None:
    rule = {"id": "pa-trust", "description": "PA more than 5 points above the trust",
            "kind": "below_trust", "measure": "persistent_absence", "margin": 5}
    # trust 40/200 = 20%; B 30% is 10 points worse; A 10% is better
    hit = _one(_fired(_ev([rule])))
    assert hit["school"] == "School 2"
    # against the trust's primary schools (A and B: 40/200): C is a secondary
    assert hit["detail"] == ("Persistent absence (10% or more of sessions missed) 30.0% "
                             "against the trust's primary schools' 20.0% (Summer 2025): 10.0 "
                             "percentage points worse")
    assert _fired(_ev([dict(rule, margin=10)])).empty  # exactly 10 is not more than 10


def test_declining_needs_a_fall_every_period() -> None:
    rule = {"id": "att-down", "description": "Attendance down three terms running",
            "kind": "declining", "measure": "attendance_rate", "periods": 3}
    # B: 93.0 -> 92.0 -> 91.0 -> 90.0, three falls: fires. A rose in spring: does not.
    hit = _one(_fired(_ev([rule])))
    assert hit["urn"] == URN_B
    assert hit["detail"] == ("Attendance worse three terms running: Summer 2024 93.0%, "
                             "Autumn 2024 92.0%, Spring 2025 91.0%, Summer 2025 90.0%")
    # each fall is 1.0 point: a margin of 1 is not exceeded
    assert _fired(_ev([dict(rule, margin=1)])).empty
    # a term without a return breaks the run: 2023-24-spring has none, so from
    # 2024-25-autumn back there are only two figures (92.0, 93.0), not four
    assert _fired(_ev([rule]), "2024-25-autumn").empty


def test_red_consecutive_on_every_kpi() -> None:
    rule = {"id": "red-twice", "description": "Red two terms running",
            "kind": "red_consecutive", "periods": 2}
    # target 95, tolerance 1: B 91.0 in spring (4 short) and 90.0 in summer: red twice.
    # A: 96.0 and 95.5, green. C: no figures.
    hit = _one(_fired(_ev([rule])))
    assert (hit["urn"], hit["measure"]) == (URN_B, "attendance_rate")
    assert hit["detail"] == (
        "Attendance red two terms running (Summer 2025: 90.0% against a target of "
        "95.0%; Spring 2025: 91.0% against a target of 95.0%)")
    # with a 5-point tolerance B is amber (4 and 5 short): no run of reds
    lenient = [{"id": "att", "measure": "attendance_rate", "target": 95, "tolerance": 5}]
    assert _fired(_ev([rule], lenient)).empty


def test_red_consecutive_on_one_measure_with_a_relative_target() -> None:
    rule = {"id": "ks2-red", "description": "KS2 red two years",
            "kind": "red_consecutive", "measure": "ks2_rwm_expected", "periods": 2}
    kpis = [{"id": "att", "measure": "attendance_rate", "target": 95},
            {"id": "ks2", "measure": "ks2_rwm_expected",
             "target": {"relative_to": "national"}, "tolerance": 5}]
    # national: 62 (2024-25), 61 (2023-24), tolerance 5. A: 60.0 (2 short, amber): no.
    # B: 56.7 (5.3 short, red) but 66.7 in 2023-24 (green): no. Nobody fires on KS2,
    # though B is red on attendance (a different measure).
    assert _fired(_ev([rule], kpis)).empty
    # tolerance 1: A is 2 short in 2024-25 and 11 short in 2023-24, but on 30 pupils the
    # target lies inside the 95% interval both years (42.3-75.4, 33.2-66.8): amber, no run
    kpis[1]["tolerance"] = 1
    assert _fired(_ev([rule], kpis)).empty
    # on 3000 pupils (58.2-61.7 and 48.2-51.8) clearly short: red both years
    hit = _one(_fired(_ev([rule], kpis, ks2=3000)))
    assert hit["urn"] == URN_A and "2023-24: 50.0% against a target of 61.0%" in hit["detail"]


def test_no_rules_no_rows_and_history_stops_at_a_gap() -> None:
    assert _fired(_ev([])).empty
    ev = _ev([])
    # C has no figures at all; B's run goes back to the trust's first term with data
    assert history(ev, "attendance_rate", T, URN_C, 3) == []
    got = [(t, mv.value) for t, mv in history(ev, "attendance_rate", T, URN_B, 9)]
    assert got == [(T, pytest.approx(90.0)), ("2024-25-spring", pytest.approx(91.0)),
                   ("2024-25-autumn", pytest.approx(92.0)),
                   ("2023-24-summer", pytest.approx(93.0))]
