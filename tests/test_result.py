"""KpiResult: the one evaluated result of a KPI, typed and immutable, is what the table,
the sentence and the counts read (worked by hand on a one-school trust)."""

from __future__ import annotations

import dataclasses

import pytest
from memstore import URN_A, memstore, plan, result, schools, trust

from govkit.errors import ConfigError
from govkit.plan import narrative
from govkit.plan.evaluate import KPI_COLUMNS, Evaluator
from govkit.plan.result import KpiResult, as_results

SUMMER = "2024-25-summer"


def _ev() -> Evaluator:
    # 24 of 40 (60.0%) against 65, tolerance 2: 5 short, but the Wilson interval (44.6%
    # to 73.7%) holds 65: amber, could be chance. The same 60.0% against 50: green.
    return Evaluator(trust("primary"),
                     plan([{"id": "rwm", "measure": "ks2_rwm_expected", "target": 65,
                            "tolerance": 2},
                           {"id": "rwm-low", "measure": "ks2_rwm_expected", "target": 50}]),
                     memstore(schools=schools("primary"),
                              attainment=[result(URN_A, "2024-25", "rwm_expected", 40, 24)]))


def test_a_result_is_typed_immutable_and_is_the_tables_row() -> None:
    ev = _ev()
    rwm = ev.result_of("rwm", SUMMER, URN_A)
    assert isinstance(rwm, KpiResult) and KpiResult._fields == tuple(KPI_COLUMNS)
    assert (rwm.value, rwm.target, rwm.rating, rwm.chance) == (60.0, 65.0, "amber", True)
    assert (round(rwm.ci_lower, 1), round(rwm.ci_upper, 1)) == (44.6, 73.7)
    with pytest.raises(AttributeError):
        rwm.rating = "red"  # type: ignore[misc]
    assert not dataclasses.is_dataclass(rwm) and rwm._replace(rating="red").rating == "red"
    assert rwm.rating == "amber"  # _replace made a new one
    # the DataFrame the notebooks read is these results, field for field
    frame = ev.kpis(SUMMER, URN_A).set_index("kpi_id")
    for r in ev.results(SUMMER, URN_A):
        row = frame.loc[r.kpi_id]
        assert (row["value"], row["rating"], row["target"]) == (r.value, r.rating, r.target)
        assert (row["cohort"], row["ci_lower"]) == (r.cohort, r.ci_lower)


def test_renderers_and_counts_read_the_result_itself() -> None:
    ev = _ev()
    rwm = ev.result_of("rwm", SUMMER, URN_A)
    # read by field name, never a string key; the table a leader narrows in Lab reads
    # back as the same result, so its sentence is the result's
    assert not hasattr(rwm, "get")
    frame = ev.kpis(SUMMER, URN_A)
    back = {r.kpi_id: r for r in as_results(frame)}["rwm"]
    assert back == rwm
    assert narrative.kpi_sentence(rwm) == narrative.kpi_sentence(back)
    assert "5.0 percentage points short of the target of 65.0%; with 40 pupils this could " \
        "be chance." in narrative.kpi_sentence(rwm)
    # the index's counts are the results' ratings
    rated = [r.rag for r in ev.results(SUMMER, URN_A) if r.rag]
    assert ev.ratings(SUMMER, URN_A) == ("amber", {"red": 0, "amber": 1, "green": 1})
    assert sorted(rated) == ["amber", "green"] and not any(r.is_red for r in
                                                           ev.results(SUMMER, URN_A))
    with pytest.raises(ConfigError, match="no KPI 'nope'"):
        ev.result_of("nope", SUMMER, URN_A)
