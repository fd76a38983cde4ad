"""The one rating rule (govkit.plan.rating), worked by hand, and where it is stated."""

from __future__ import annotations

import re
from pathlib import Path

from memstore import URN_A, URN_B, URN_C, memstore, plan, schools, trust

from govkit.plan.evaluate import Evaluator
from govkit.plan.rating import RULE, could_be_chance, differs, inside, rate
from govkit.plan.uncertainty import wilson

ROOT = Path(__file__).resolve().parents[1]


def _pct(k: int, n: int) -> tuple[float, float]:
    lo, hi = wilson(k, n)
    return 100 * lo, 100 * hi


def test_red_only_when_the_interval_leaves_the_target_out() -> None:
    # 11 of 24 = 45.8%, target 62, tolerance 2: 16.2 short, red by the plain rule; Wilson
    # 95% interval 27.9% to 64.9% holds 62: amber, and it could be chance
    ci = _pct(11, 24)
    assert round(ci[0], 1) == 27.9 and round(ci[1], 1) == 64.9
    assert rate(45.8, 62.0, 2.0, "higher", ci) == "amber"
    assert could_be_chance(45.8, 62.0, 2.0, "higher", ci)
    # 110 of 240 = 45.8%: interval 39.6% to 52.2% leaves 62 out: red
    ci = _pct(110, 240)
    assert ci[1] < 62 and rate(45.8, 62.0, 2.0, "higher", ci) == "red"
    assert not could_be_chance(45.8, 62.0, 2.0, "higher", ci)


def test_lower_is_better_and_the_plain_rule_without_an_interval() -> None:
    # persistent absence 25 of 100 against 20 (lower better), tolerance 2: interval
    # 17.5% to 34.3% holds 20: amber; 250 of 1000 (22.4% to 27.8%): red
    assert rate(25.0, 20.0, 2.0, "lower", _pct(25, 100)) == "amber"
    assert rate(25.0, 20.0, 2.0, "lower", _pct(250, 1000)) == "red"
    # money, counts, compliance: no interval, the plain rule
    assert rate(-44000.0, 0.0, 5000.0, "higher") == "red"
    assert rate(-4000.0, 0.0, 5000.0, "higher") == "amber"
    assert rate(95.0, 95.0, 0.0, "higher", _pct(19, 20)) == "green"
    # amber within the tolerance stays amber whatever the interval; it is not "chance"
    assert rate(61.0, 62.0, 2.0, "higher", (60.0, 61.5)) == "amber"
    assert not could_be_chance(61.0, 62.0, 2.0, "higher", (60.0, 61.5))
    assert rate(None, 62.0, 2.0, "higher") is None


def test_a_difference_is_clear_only_outside_the_interval() -> None:
    # Brindlewood's 61.7% against national 62.0%: inside any pupil interval, not clear
    assert not differs(61.7, 62.0, _pct(37, 60))
    assert differs(45.0, 62.0, _pct(450, 1000))
    assert differs(90.0, 94.5, None)  # no interval: any difference counts
    assert not differs(94.5, 94.5, None)
    assert inside(62.0, (27.9, 64.9)) and not inside(62.0, None)


def test_the_rule_is_stated_in_the_readme() -> None:
    readme = re.sub(r"\s+", " ", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert RULE in readme


def test_targets_by_phase_and_the_trusts_mixed_target() -> None:
    term = "2024-25-summer"

    def census(urn: int, roll: int) -> dict:
        return {"urn": urn, "term": term, "pupils_on_roll": roll, "disadvantaged": 0,
                "send_support": 0, "ehcp": 0}

    def behaviour(urn: int, n: int) -> dict:
        return {"urn": urn, "term": term, "suspensions": n, "pupils_suspended": n,
                "permanent_exclusions": 0}

    # a primary of 100 (3 suspensions: 3.0 per 100), a secondary of 300 (15: 5.0 per
    # 100), a special school of 50 (2: 4.0); target 2.0, secondary 6.0, special none
    con = memstore(schools=schools("primary", "secondary", "special"),
                   census=[census(URN_A, 100), census(URN_B, 300), census(URN_C, 50)],
                   behaviour=[behaviour(URN_A, 3), behaviour(URN_B, 15), behaviour(URN_C, 2)])
    ev = Evaluator(trust("primary", "secondary", "special"),
                   plan([{"id": "susp", "measure": "suspension_rate", "target": 2.0,
                          "tolerance": 1.0,
                          "by_phase": {"secondary": {"target": 6.0, "tolerance": 2.0},
                                       "special": {"target": None}}}]), con)
    a, b, c = (ev.result_of("susp", term, u) for u in (URN_A, URN_B, URN_C))
    assert (a.target, a.rating) == (2.0, "amber")  # 1.0 over, within 1.0
    assert (b.target, b.tolerance, b.rating) == (6.0, 2.0, "green")
    assert (c.target, c.rating, c.unrated) == (None, None, "no target for special schools")
    # the trust: a special school without a number leaves the plan's own target (2.0)
    assert ev.result_of("susp", term).target == 2.0
    # with one for special (4.0): (2.0 x 100 + 6.0 x 300 + 4.0 x 50) / 450 = 4.89
    ev = Evaluator(trust("primary", "secondary", "special"),
                   plan([{"id": "susp", "measure": "suspension_rate", "target": 2.0,
                          "tolerance": 1.0,
                          "by_phase": {"secondary": {"target": 6.0},
                                       "special": {"target": 4.0}}}]), con)
    t = ev.result_of("susp", term)
    assert round(t.target, 2) == 4.89 and round(t.value, 2) == 4.44 and t.rating == "green"
