"""Plan targets a KPI can meet or miss: finite, and within what the measure can be."""

import pytest

from govkit.errors import ConfigError
from govkit.plan.paramcheck import check_params

PLAN = """name: P
priorities:
  - id: education
    title: Education
    success_criteria:
      - id: attendance
        text: Pupils attend
        kpis:
          - measure: {measure}
            target: {target}
"""


def plan_file(tmp_path, measure, target):
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN.format(measure=measure, target=target))
    return path


@pytest.mark.parametrize("target", [".nan", ".inf", "-.inf", "{value: .nan}",
                                    "{relative_to: national, offset: .inf}"])
def test_a_target_that_is_not_a_finite_number_is_refused(tmp_path, target):
    # Before: a NaN target silently never rated, an infinite one was always green.
    with pytest.raises(ConfigError, match="finite number"):
        check_params(tmp_path, plan_file(tmp_path, "attendance_rate", target))


def test_a_percentage_target_above_100_is_refused(tmp_path):
    with pytest.raises(ConfigError) as e:
        check_params(tmp_path, plan_file(tmp_path, "attendance_rate", "150"))
    assert str(e.value).endswith("priorities[0].success_criteria[0].kpis[0].target: 150 is "
                                 "outside what attendance_rate can be (percent: 0 to 100)")


def test_a_negative_count_target_and_a_huge_offset_are_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"-1 is outside what permanent_exclusions can be "
                                          r"\(count: 0 or more\)"):
        check_params(tmp_path, plan_file(tmp_path, "permanent_exclusions", "-1"))
    with pytest.raises(ConfigError, match="offset: 120 is more than attendance_rate can "
                                          "differ by"):
        check_params(tmp_path, plan_file(tmp_path, "attendance_rate",
                                         "{relative_to: national, offset: 120}"))


def test_a_sensible_target_passes(tmp_path):
    report = check_params(tmp_path, plan_file(tmp_path, "attendance_rate", "96.5"))
    assert "1 KPIs" in report.summary[0]
