"""Formatting worked by hand: how a governor expects to read each figure."""

import math

import pandas as pd
import pytest

from govkit.plan import fmt


@pytest.mark.parametrize(("value", "dp", "text"), [
    (1234.5, 0, "1,235"),        # half rounds up, as people round (not to even)
    (2.675, 2, "2.68"),          # 2.675 stored as 2.67499..., still written 2.68
    (-0.04, 1, "0.0"),           # no minus sign on a figure that rounds to nothing
    (-1234567.0, 0, "-1,234,567"),
    (0, 0, "0"),
])
def test_number(value, dp, text):
    assert fmt.number(value, dp) == text


def test_missing_values_are_a_dash_not_nan():
    for missing in (None, float("nan"), pd.NA, math.nan):
        assert fmt.number(missing) == fmt.MISSING
        assert fmt.percent(missing) == fmt.MISSING
        assert fmt.value(missing, "percent") == fmt.MISSING


def test_percent():
    # 94.06 -> one decimal -> 94.1
    assert fmt.percent(94.06) == "94.1%"
    assert fmt.percent(20) == "20.0%"


@pytest.mark.parametrize(("value", "text"), [
    (1_234_567, "£1.2m"),     # 1.234567m -> 1.2m
    (1_250_000, "£1.3m"),     # 1.25 half up -> 1.3
    (2_000_000, "£2m"),       # 2.0m written 2m
    (350_000, "£350k"),
    (12_499, "£12k"),         # 12.499k -> 12k
    (1_500, "£1.5k"),
    (950, "£950"),
    (-45_000, "-£45k"),
    (999_600, "£1m"),         # would be "1,000k": promoted to millions
])
def test_money(value, text):
    assert fmt.money(value) == text


def test_of_pupils():
    assert fmt.of(3, 28) == "3 of 28 pupils"
    assert fmt.of(12, 40, "staff") == "12 of 40 staff"


def test_value_by_unit_and_status():
    assert fmt.value(94.06, "percent") == "94.1%"
    assert fmt.value(1_200_000, "gbp") == "£1.2m"
    assert fmt.value(27, "count") == "27"
    assert fmt.value(4.25, "days") == "4.3 days"   # 4.25 half up -> 4.3
    assert fmt.value(104.6, "score") == "104.6"
    assert fmt.value(-0.35, "score", dp=2) == "-0.35"
    # suppressed is the GSS symbol whatever the number behind it
    assert fmt.value(3.0, "percent", "suppressed") == "c"
    assert fmt.value(None, "percent", "not_applicable") == "z"
    assert fmt.value(None, "score", "not_published") == "x"


def test_change_has_a_sign_and_says_no_change():
    assert fmt.change(1.23, "percent") == "+1.2 pts"
    assert fmt.change(-0.5, "percent") == "-0.5 pts"
    assert fmt.change(-0.04, "percent") == "no change"  # rounds to 0.0
    assert fmt.change(-45_000, "gbp") == "-£45k"
    assert fmt.change(3, "count") == "+3"


def test_distance_words():
    assert fmt.distance(-2.0, "percent") == "2.0 percentage points"
    assert fmt.distance(1.0, "percent") == "1.0 percentage point"
    assert fmt.distance(-3, "count") == "3"


def test_term_label_and_count_words():
    assert fmt.term_label("2024-25-autumn") == "Autumn 2024"
    assert fmt.term_label("2024-25-summer") == "Summer 2025"
    assert fmt.term_label("2023-24") == "2023-24"
    assert fmt.count_words(3) == "three"
    assert fmt.count_words(12) == "12"


def test_national_says_when_it_covers_all_schools_not_this_phase():
    assert fmt.national(94.5, "percent") == "94.5%"
    assert fmt.national(92.9, "percent", like_for_like=False) == "92.9% (all schools)"
    assert fmt.national(92.9, "percent", like_for_like=None) == "92.9%"  # nothing to say
