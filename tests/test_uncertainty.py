"""95% intervals and the pupils a rating turns on, against values worked by hand or
published with the method (Newcombe 1998, the paper that compares these intervals)."""

from __future__ import annotations

import math

import pytest

from govkit.plan import fmt
from govkit.plan.rating import rag
from govkit.plan.uncertainty import Z95, clear_of, newcombe, pupils_to_change, wilson


def test_wilson_one_pupil_of_one_or_none():
    # 0 of 1: p = 0, so the interval is [0, z^2 / (n + z^2)] = 3.8415 / 4.8415 = 0.7935
    lo, hi = wilson(0, 1)
    assert lo == 0.0
    assert hi == pytest.approx(Z95 ** 2 / (1 + Z95 ** 2)) == pytest.approx(0.7935, abs=1e-4)
    # all of them: the mirror image, [1 - 0.7935 ... for n = 9: 9/(9 + 3.8415) = 0.7009, 1]
    lo, hi = wilson(9, 9)
    assert hi == 1.0 and lo == pytest.approx(9 / (9 + Z95 ** 2), abs=1e-9)


def test_wilson_five_of_nine_by_hand():
    # p = 5/9 = .5556, z^2/n = .42683; centre = (.5556 + .21342) / 1.42683 = .53894;
    # half = 1.96 sqrt(.5556 * .4444 / 9 + 3.8415 / 324) / 1.42683 = .27229
    lo, hi = wilson(5, 9)
    assert lo == pytest.approx(0.2667, abs=1e-4)
    assert hi == pytest.approx(0.8112, abs=1e-4)


def test_wilson_and_newcombe_match_newcombe_1998():
    # Newcombe (1998), Stat Med 17:873 and 17:890: 81/263 -> 0.2553 to 0.3662;
    # 56/70 - 48/80 = 0.2000, method 10 -> 0.0524 to 0.3339
    lo, hi = wilson(81, 263)
    assert (round(lo, 4), round(hi, 4)) == (0.2553, 0.3662)
    lo, hi = newcombe(56, 70, 48, 80)
    assert (round(lo, 4), round(hi, 4)) == (0.0524, 0.3339)


def test_no_interval_without_pupils():
    assert wilson(0, 0) is None and newcombe(1, 2, 0, 0) is None


def test_clear_of_the_target():
    assert clear_of(18.0, 3.2, 16.1) is True       # target above the whole interval
    assert clear_of(2.0, 1.5, 12.2) is False       # target inside: not a clear difference
    assert clear_of(None, 1.0, 2.0) is None and clear_of(2.0, None, 3.0) is None


def _rater(target: float, tolerance: float, direction: str):
    return lambda pct: rag(fmt.displayed(pct, "percent"), target, tolerance, direction)


def test_pupils_to_change_the_rating():
    # 5 of 9 at the expected standard (55.6%) against 64 with tolerance 4: red (8.4 short).
    # 6/9 = 66.7%: green at once; so one more pupil makes it green
    assert pupils_to_change(5, 9, "higher", _rater(64, 4, "higher")) == (1, "green")
    # 24 of 40 (60.0%) against 65, tolerance 2: red; 25/40 = 62.5 still red (2.5 short),
    # 26/40 = 65.0: green (on the target); two more pupils
    assert pupils_to_change(24, 40, "higher", _rater(65, 2, "higher")) == (2, "green")
    # 3 of 68 severely absent (4.4%) against 2.0, tolerance 1: red; 2/68 = 2.9% amber
    assert pupils_to_change(3, 68, "lower", _rater(2.0, 1.0, "lower")) == (1, "amber")
    # already green, or more than five pupils away: nothing to say
    assert pupils_to_change(9, 9, "higher", _rater(64, 4, "higher")) is None
    assert pupils_to_change(10, 100, "higher", _rater(64, 4, "higher")) is None


def test_progress_interval_from_dfe_limits_combines_by_cohort():
    # two schools with DfE limits score +/- h: 100 pupils +/- 0.2 and 300 pupils +/- 0.1;
    # the weighted mean's half-width is sqrt((100 x .2)^2 + (300 x .1)^2) / 400
    #   = sqrt(400 + 900) / 400 = 36.056 / 400 = 0.0901
    from memstore import URN_A, URN_B, memstore, plan, result, schools, trust

    from govkit.plan.evaluate import Evaluator

    rows = [dict(result(URN_A, "2023-24", "p8", 100, score=0.1, stage="ks4"),
                 lower=-0.1, upper=0.3),
            dict(result(URN_B, "2023-24", "p8", 300, score=-0.3, stage="ks4"),
                 lower=-0.4, upper=-0.2)]
    ev = Evaluator(trust("secondary", "secondary"),
                   plan([{"measure": "ks4_progress8", "target": 0.0, "tolerance": 0.5}]),
                   memstore(schools=schools("secondary", "secondary"), attainment=rows))
    t = ev.kpis("2023-24-summer").iloc[0]
    # value (100 x .1 + 300 x -.3) / 400 = -0.2
    assert t["value"] == pytest.approx(-0.2)
    assert t["ci_lower"] == pytest.approx(-0.2 - math.sqrt(1300) / 400)
    assert t["ci_upper"] == pytest.approx(-0.2 + math.sqrt(1300) / 400)
    # one school: DfE's own limits, as published
    a = ev.kpis("2023-24-summer", URN_A).iloc[0]
    assert (a["ci_lower"], a["ci_upper"]) == (pytest.approx(-0.1), pytest.approx(0.3))
    # A: 0.1 on a target of 0.0 is green, but 0.0 is inside -0.1..0.3: not a clear
    # difference; B: -0.3 is amber (0.3 short, within 0.5) and -0.4..-0.2 leaves 0.0 out
    b = ev.kpis("2023-24-summer", URN_B).iloc[0]
    assert (a["rating"], a["clear"]) == ("green", False)
    assert (b["rating"], b["clear"]) == ("amber", True)
