"""Disclosure control worked by hand: primary and secondary suppression, per audience."""

from __future__ import annotations

import pandas as pd
import pytest
from memstore import URN_A, URN_B, attendance, memstore, plan, result, schools, trust

from govkit.plan import suppression
from govkit.plan.evaluate import Evaluator
from govkit.plan.measures import MeasureValue

T = "2024-25-summer"
Y = "2024-25"
ALL, DIS, OTHER = ("ks2_rwm_expected", "ks2_rwm_expected_disadvantaged",
                   "ks2_rwm_expected_not_disadvantaged")
GAP = "ks2_rwm_disadvantaged_gap"


def _mv(value: float, base: float) -> MeasureValue:
    return MeasureValue(value, None, base, Y, "ok", base=base)


def _ev(dis_cohort: int, dis_pupils: int, threshold: int = 5,
        public_threshold: int = 10, numerators: bool = True) -> Evaluator:
    """One primary: 30 pupils, 18 at the expected standard, ``dis_cohort`` disadvantaged."""
    con = memstore(schools=schools("primary"), attainment=[
        result(URN_A, Y, "rwm_expected", 30, 18),
        result(URN_A, Y, "rwm_expected", dis_cohort, dis_pupils, group="disadvantaged"),
        result(URN_A, Y, "rwm_expected", 30 - dis_cohort, 18 - dis_pupils,
               group="not_disadvantaged")])
    kpis = [{"measure": m, "target": 50} for m in (ALL, DIS, OTHER)]
    t = trust("primary", threshold=threshold, public_threshold=public_threshold)
    t = t.model_copy(update={"suppression": t.suppression.model_copy(
        update={"numerators": numerators})})
    return Evaluator(t, plan(kpis), con)


def test_thresholds_per_audience() -> None:
    t = trust("primary", threshold=5, public_threshold=10)
    assert suppression.threshold_for(t, "public") == 10
    for audience in ("board", "trust_leaders", "lgb", "school_leaders"):
        assert suppression.threshold_for(t, audience) == 5


def test_three_disadvantaged_pupils_hide_the_other_group_and_the_gap_in_public() -> None:
    # all 18/30 = 60.0%; disadvantaged 1/3 = 33.3%; other pupils 17/27 = 63.0%.
    # 3 < 10 hides the disadvantaged figure; other pupils' 17 of 27 would give it back
    # (18 - 17 = 1 of 30 - 27 = 3), so that is hidden too; the gap rests on both.
    ev = _ev(3, 1)
    shown = {m: ev.value(m, T, URN_A, "public") for m in (ALL, DIS, OTHER, GAP)}
    assert shown[ALL].status == "ok" and shown[ALL].value == pytest.approx(60.0)
    assert not shown[ALL].small_number
    for m in (DIS, OTHER, GAP):
        assert shown[m].status == "suppressed" and shown[m].small_number, m
        assert shown[m].value is None and shown[m].numerator is None, m
        assert shown[m].denominator is None, m


def test_the_board_sees_no_figure_its_own_threshold_hides() -> None:
    # trust.yaml: "threshold: counts below this are suppressed (confidential)". Once the
    # board saw such a figure flagged but shown (0.0% of 4 pupils with SEND on Calder
    # Moor's board pages, "c" on its card); now what its threshold of 5 hides is hidden.
    # 3 disadvantaged pupils are small (3 < 5); the other 27 pupils (17 of them at the
    # standard) would give them back from all 30 (18 - 17 = 1 of 3), so they are hidden
    # too, as the smaller of the two left; the gap rests on both. All 30 pupils: 60.0%.
    ev = _ev(3, 1)
    for m in (DIS, OTHER, GAP):
        mv = ev.value(m, T, URN_A)
        assert (mv.status, mv.value, mv.numerator, mv.denominator) == (
            "suppressed", None, None, None), m
        assert mv.small_number, m
    assert ev.value(ALL, T, URN_A).value == pytest.approx(60.0)
    assert not ev.value(ALL, T, URN_A).small_number
    # and the KPI table shows the board "c", with no rating (a red on 3 pupils would tell
    # that they missed), as the public sees it
    for audience in ("board", "public"):
        table = ev.kpis(T, URN_A, audience=audience).set_index("measure")
        assert table.loc[DIS, "status"] == "suppressed" and pd.isna(table.loc[DIS, "rag"])
        assert pd.isna(table.loc[DIS, "value"]) and table.loc[ALL, "status"] == "ok"


def test_public_threshold_is_stricter_than_the_boards() -> None:
    # 6 disadvantaged pupils: not small for the board (6 >= 5), small in public (6 < 10)
    ev = _ev(6, 3)
    for m in (DIS, OTHER, GAP):
        assert not ev.value(m, T, URN_A, "board").small_number, m
        assert ev.value(m, T, URN_A, "public").status == "suppressed", m
    # 10 disadvantaged pupils: their cohort is not small (10 is not fewer than 10) ...
    ev = _ev(10, 5, numerators=False)
    for m in (ALL, DIS, OTHER, GAP):
        assert ev.value(m, T, URN_A, "public").status == "ok", m
    # ... but the 5 of them at the standard (and the 5 not) are: hidden in public
    assert _ev(10, 5).value(DIS, T, URN_A, "public").status == "suppressed"


def test_secondary_suppression_hides_the_smallest_figure_still_shown() -> None:
    # disadvantaged 4 pupils (hidden); of the two left, other pupils (26) is smaller than
    # all pupils (30): hiding it is enough, all pupils stays
    small = suppression.flag_small({ALL: _mv(60.0, 30), DIS: _mv(50.0, 4),
                                    OTHER: _mv(61.5, 26)}, threshold=5)
    assert small == {ALL: False, DIS: True, OTHER: True}
    # nothing small: nothing hidden
    assert not any(suppression.flag_small({ALL: _mv(60.0, 30), DIS: _mv(50.0, 10),
                                           OTHER: _mv(65.0, 20)}, threshold=5).values())
    # the other group unpublished: the small one cannot be worked back, all pupils stays
    missing = MeasureValue(None, None, None, Y, "no_data")
    assert suppression.flag_small({ALL: _mv(60.0, 30), DIS: _mv(50.0, 4), OTHER: missing},
                                  threshold=5) == {ALL: False, DIS: True, OTHER: False}


def test_a_report_showing_one_group_still_sees_the_family() -> None:
    # only the other group is asked for; fetch supplies the rest, so it is hidden
    family = {ALL: _mv(60.0, 30), DIS: _mv(50.0, 4), OTHER: _mv(61.5, 26)}
    out = suppression.apply({OTHER: family[OTHER]}, 5, "public", fetch=family.__getitem__)
    assert set(out) == {OTHER} and out[OTHER].status == "suppressed"
    # without the family the figure alone looks safe (26 pupils)
    assert suppression.apply({OTHER: family[OTHER]}, 5, "public")[OTHER].status == "ok"
    assert suppression.family_members({GAP}) == {GAP, ALL, DIS, OTHER}


def test_pupil_counts_suppress_one_to_threshold_minus_one() -> None:
    def excl(n: float) -> MeasureValue:
        return MeasureValue(n, n, None, T, "ok", base=n)

    # permanent exclusions, threshold 5: 0 is safe to show, 1..4 are small, 5 is not
    assert not suppression.is_small("permanent_exclusions", excl(0), 5)
    assert suppression.is_small("permanent_exclusions", excl(1), 5)
    assert suppression.is_small("permanent_exclusions", excl(4), 5)
    assert not suppression.is_small("permanent_exclusions", excl(5), 5)
    # a staff measure is never suppressed, however few it rests on
    assert not suppression.is_small("staff_turnover", excl(1), 5)


def test_attendance_gap_of_a_small_disadvantaged_group() -> None:
    # 4 disadvantaged pupils (900 of 1000 sessions = 90%) and 96 others (9600 of 10000 =
    # 96%): all pupils 100, 10500/11000 = 95.45%. Public (10): 4 hidden, others (96) hidden
    # too as the smaller of the two left, gap hidden; all pupils shown.
    con = memstore(schools=schools("primary"), attendance=[
        attendance(URN_A, T, 11000, 500, pupils=100),
        attendance(URN_A, T, 1000, 100, pupils=4, group="disadvantaged"),
        attendance(URN_A, T, 10000, 400, pupils=96, group="not_disadvantaged")])
    ev = Evaluator(trust("primary"), plan([{"measure": "attendance_rate", "target": 95}]), con)
    assert ev.value("attendance_rate", T, URN_A, "public").value == pytest.approx(
        100 * 10500 / 11000)
    for m in ("attendance_disadvantaged", "attendance_not_disadvantaged",
              "attendance_disadvantaged_gap"):
        assert ev.value(m, T, URN_A, "public").status == "suppressed", m
    # the board (threshold 5): 4 pupils are small for it too, so the same figures hidden
    for m in ("attendance_disadvantaged", "attendance_not_disadvantaged",
              "attendance_disadvantaged_gap"):
        assert ev.value(m, T, URN_A, "board").status == "suppressed", m
    # 5 disadvantaged pupils are not (5 is not fewer than 5): the board sees the gap,
    # 96.0 - 90.0 = 6 points (900 of 1,000 sessions and 9,600 of 10,000); the public not
    con = memstore(schools=schools("primary"), attendance=[
        attendance(URN_A, T, 11000, 500, pupils=100),
        attendance(URN_A, T, 1000, 100, pupils=5, group="disadvantaged"),
        attendance(URN_A, T, 10000, 400, pupils=95, group="not_disadvantaged")])
    ev = Evaluator(trust("primary"), plan([{"measure": "attendance_rate", "target": 95}]), con)
    gap = ev.value("attendance_disadvantaged_gap", T, URN_A, "board")
    assert gap.status == "ok" and gap.value == pytest.approx(6.0) and not gap.small_number
    assert ev.value("attendance_disadvantaged_gap", T, URN_A, "public").status == "suppressed"


# --- public card: people, numerators and their complements (issue 13, item 3) ----------

def _survey(urn: int, term: str, question: str, responses: int, agree: int) -> dict:
    return {"urn": urn, "term": term, "respondent": "parent", "question": question,
            "responses": responses, "agree": agree}


def test_survey_suppression_counts_people_not_answers() -> None:
    # 4 parents answered 3 statements: 12 answers, 11 agreeing = 91.7%. 12 answers would
    # pass a public threshold of 10; the 4 people do not.
    con = memstore(schools=schools("primary"), surveys=[
        _survey(URN_A, T, "q1", 4, 4), _survey(URN_A, T, "q2", 4, 4),
        _survey(URN_A, T, "q3", 4, 3)])
    ev = Evaluator(trust("primary"), plan([{"measure": "parent_survey_agreement",
                                            "target": 80}]), con)
    raw = ev.raw("parent_survey_agreement", T, URN_A)
    assert raw.value == pytest.approx(100 * 11 / 12) and raw.base == 4
    assert ev.value("parent_survey_agreement", T, URN_A, "public").status == "suppressed"
    assert ev.value("parent_survey_agreement", T, URN_A, "board").status == "suppressed"
    # the trust: each school's people added (4 + 8 = 12), not its answers (12 + 16 = 28)
    con = memstore(schools=schools("primary", "primary"), surveys=[
        _survey(URN_A, T, "q1", 4, 4), _survey(URN_A, T, "q2", 4, 4),
        _survey(URN_A, T, "q3", 4, 3), _survey(URN_B, T, "q1", 8, 6),
        _survey(URN_B, T, "q2", 7, 7)])
    ev = Evaluator(trust("primary", "primary"),
                   plan([{"measure": "parent_survey_agreement", "target": 80}]), con)
    assert ev.raw("parent_survey_agreement", T).base == 12
    assert ev.value("parent_survey_agreement", T, None, "public").status == "ok"


def _absence(severe: int, pupils: int = 113, numerators: bool = True) -> Evaluator:
    con = memstore(schools=schools("primary"), attendance=[
        attendance(URN_A, T, pupils * 100, pupils * 5, pupils=pupils, severe=severe)])
    t = trust("primary")
    t = t.model_copy(update={"suppression": t.suppression.model_copy(
        update={"numerators": numerators})})
    return Evaluator(t, plan([{"measure": "severe_absence", "target": 2}]), con)


def test_public_card_hides_a_small_numerator_or_complement() -> None:
    # 3 of 113 pupils severely absent (2.7%): 113 pupils pass, but 3 < 10 tells of them
    ev = _absence(3)
    assert ev.value("severe_absence", T, URN_A, "public").status == "suppressed"
    board = ev.value("severe_absence", T, URN_A, "board")  # the board sees it, unflagged
    assert board.status == "ok" and not board.small_number
    assert board.value == pytest.approx(100 * 3 / 113)
    # 10 of 113 and 103 not: both reach 10, shown; 0 of 113 tells of no one, shown
    assert ev.value("severe_absence", T, URN_A, "public").value is None
    assert _absence(10).value("severe_absence", T, URN_A, "public").value == \
        pytest.approx(100 * 10 / 113)
    assert _absence(0).value("severe_absence", T, URN_A, "public").status == "ok"
    # 105 of 113: the 8 who were not are the small number
    assert _absence(105).value("severe_absence", T, URN_A, "public").status == "suppressed"
    # a trust that turns the rule off (suppression.numerators: false) shows 3 of 113
    assert _absence(3, numerators=False).value("severe_absence", T, URN_A,
                                                 "public").status == "ok"


def test_ks2_higher_standard_one_of_24_is_hidden_in_public() -> None:
    # 1 of 24 at the higher standard, 22 of 24 at the expected: both disclose (1 pupil;
    # the 2 who did not); 12 of 24 does not
    con = memstore(schools=schools("primary"), attainment=[
        result(URN_A, Y, "rwm_higher", 24, 1), result(URN_A, Y, "rwm_expected", 24, 22),
        result(URN_A, Y, "read_expected", 24, 12)])
    ev = Evaluator(trust("primary"), plan([{"measure": m, "target": 50} for m in (
        "ks2_rwm_higher", ALL, "ks2_read_expected")]), con)
    assert ev.value("ks2_rwm_higher", T, URN_A, "public").status == "suppressed"
    assert ev.value(ALL, T, URN_A, "public").status == "suppressed"
    assert ev.value("ks2_read_expected", T, URN_A, "public").value == pytest.approx(50.0)
    # attendance itself counts sessions, not pupils: no numerator rule
    assert not suppression.is_small("attendance_rate", MeasureValue(
        95.0, 3.0, 113.0, T, "ok", base=113), 10, numerators=True)
