"""Validation at scale and at the edges: repeated rows, ranges, short rows, encodings."""

import time

from drops import GOOD, URN_A, URN_B, drop_with, make_trust

from govkit.data.validate import validate_drop

WF_HEAD = ("urn,term,headcount,fte,teachers_fte,staff_absence_days,leavers,vacancies,"
           "cpd_hours,cpd_spend,appraisals_due,appraisals_completed")
ATT_HEAD = "urn,academic_year,key_stage,pupil_group,indicator,cohort,pupils,score,status,note"


def problems(folder, severity="error"):
    return [str(p) for p in validate_drop(folder, make_trust()) if p.severity == severity]


def test_repeated_rows_name_each_other_and_are_not_quadratic(tmp_path):
    # An export pasted twice, 4,000 rows in all: each repeat names its twin once, quickly
    # (before: every duplicate re-sorted all duplicates; 20,000 rows took two minutes).
    rows = [f"{URN_A},2024-25-autumn,Area {i},Item {i},met," for i in range(2000)]
    drop = drop_with(tmp_path, compliance=["urn,term,area,item,status,due_date"]
                     + rows + rows)
    started = time.perf_counter()
    found = problems(drop)
    assert time.perf_counter() - started < 10
    assert len(found) == 4000
    assert found[0] == ("compliance.csv:2:urn: duplicate key (urn, term, area, item) = "
                        f"({URN_A}, 2024-25-autumn, Area 0, Item 0): also on row 2002")
    assert found[-1].startswith("compliance.csv:4001:urn: duplicate key")
    assert found[-1].endswith("also on row 2001")


def test_many_repeats_of_one_key_list_a_few_rows_then_count(tmp_path):
    rows = [f"{URN_A},2024-25-autumn,Safety,Fire drill,met,"] * 9
    drop = drop_with(tmp_path, compliance=["urn,term,area,item,status,due_date"] + rows)
    found = problems(drop)
    assert len(found) == 9
    assert found[0].endswith("also on row 3, 4, 5, 6, 7 and 3 more")
    assert found[8].endswith("also on row 2, 3, 4, 5, 6 and 3 more")


def test_impossible_values_are_errors_and_unlikely_ones_warnings(tmp_path):
    # Worked by hand: 2e15 pupils and income of a trillion pounds are impossible; 6,000
    # pupils is possible but more than any school usually has; FTE 9,999 is impossible.
    census = [GOOD["census"][0], f"{URN_A},2024-25-autumn,2000000000000000,0,0,0,",
              f"{URN_B},2024-25-autumn,6000,0,0,0,"]
    workforce = [WF_HEAD, f"{URN_A},2024-25-autumn,33,9999,20,10,1,0,100,500,10,10"]
    finance = ["urn,term,income,expenditure,staff_costs,revenue_reserve,top_slice",
               f"{URN_A},2024-25-autumn,\"1,000,000,000,000\",100,50,10,5"]
    drop = drop_with(tmp_path, census=census, workforce=workforce, finance=finance)
    errs = problems(drop)
    assert ("census.csv:2:pupils_on_roll: must be at most 20,000: no school has more "
            "(found 2000000000000000)") in errs
    assert ("finance.csv:2:income: must be at most 1,000,000,000: no school has more "
            "(found 1000000000000)") in errs
    assert "workforce.csv:2:fte: must be at most 5,000: no school has more (found 9999)" in errs
    assert problems(drop, "warning") == [
        "census.csv:3:pupils_on_roll: warning: 6,000 is more than any school usually has "
        "(over 5,000): check it"]


def test_fte_more_than_headcount(tmp_path):
    workforce = [WF_HEAD, f"{URN_A},2024-25-autumn,33,40,20,10,1,0,100,500,10,10"]
    assert problems(drop_with(tmp_path, workforce=workforce)) == [
        "workforce.csv:2:fte: fte (40) is more than headcount (33)"]


def test_scaled_score_out_of_range(tmp_path):
    att = [ATT_HEAD, f"{URN_A},2023-24,ks2,all,read_scaled_score,30,,999,,",
           f"{URN_A},2023-24,ks2,all,mat_scaled_score,30,,104.5,,",
           f"{URN_A},2023-24,ks4,all,att8,30,,91,,"]
    assert problems(drop_with(tmp_path, attainment=att)) == [
        "attainment.csv:2:score: read_scaled_score must be between 80 and 120 (found 999)",
        "attainment.csv:4:score: att8 must be between 0 and 90 (found 91)"]


def test_a_short_row_is_an_error_even_when_the_missing_fields_are_optional(tmp_path):
    schools = [GOOD["schools"][0], f"{URN_A},Oak Primary,primary,210",
               GOOD["schools"][2]]
    assert problems(drop_with(tmp_path, schools=schools)) == [
        "schools.csv:2: row has 4 cells but the header has 6: cut short, or a missing comma?"]


def test_utf16_without_bom_is_named_without_printing_nul_bytes(tmp_path):
    drop = drop_with(tmp_path)
    text = "\r\n".join(GOOD["census"]) + "\r\n"
    (drop / "census.csv").write_bytes(text.encode("utf-16-le"))
    errs = problems(drop)
    assert errs == ["census.csv: saved as UTF-16 'Unicode text' (no byte-order mark): save "
                    "it from Excel as 'CSV UTF-8 (Comma delimited)'"]
    assert "\x00" not in "".join(errs)


def test_a_header_only_file_is_a_warning(tmp_path):
    drop = drop_with(tmp_path, attendance=[GOOD["attendance"][0]])
    assert problems(drop) == []
    assert problems(drop, "warning") == [
        "attendance.csv: warning: has a header but no rows: every figure from attendance "
        "will show as no data"]
