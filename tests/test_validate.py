import pandas as pd
import pytest
from drops import GOOD, URN_A, URN_B, drop_with, make_trust, write_drop
from typer.testing import CliRunner

from govkit.cli import app
from govkit.data.validate import load_drop, validate_drop
from govkit.errors import DataError

CENSUS_HEAD = "urn,term,pupils_on_roll,disadvantaged,send_support,ehcp,eal"
ATT_HEAD = "urn,academic_year,key_stage,pupil_group,indicator,cohort,pupils,score,status,note"


def errors(folder, trust=None):
    return [str(p) for p in validate_drop(folder, trust or make_trust())
            if p.severity == "error"]


def warnings(folder):
    return [str(p) for p in validate_drop(folder, make_trust()) if p.severity == "warning"]


def test_good_drop_has_no_problems(tmp_path):
    assert validate_drop(write_drop(tmp_path), make_trust()) == []


def test_no_file_is_required_and_the_roster_comes_from_trust_yaml(tmp_path):
    # Only KS2 results wanted: no schools.csv, census.csv or attendance.csv needed.
    drop = write_drop(tmp_path, {"attainment": [ATT_HEAD, f"{URN_A},2023-24,ks2,all,"
                                                "rwm_expected,30,20,,,"]})
    assert errors(drop) == []
    frames = load_drop(drop, make_trust())
    assert list(frames["schools"]["urn"]) == [URN_A, URN_B]
    assert list(frames["schools"]["name"]) == [f"School {URN_A}", f"School {URN_B}"]
    assert len(frames["census"]) == 0


def test_a_urn_error_names_the_params_folder_given(tmp_path):
    drop = drop_with(tmp_path, census=[CENSUS_HEAD, "100009,2024-25-autumn,200,50,30,4,12"])
    assert [str(p) for p in validate_drop(drop, make_trust(), "other/trust.yaml")
            if p.severity == "error"] == [
        "census.csv:2:urn: URN 100009 is not a school of Test Trust (other/trust.yaml)"]


def test_missing_required_column_and_unknown_column(tmp_path):
    drop = drop_with(tmp_path, census=["urn,term,pupils_on_roll,disadvantaged,ehcp,colour",
                                       f"{URN_A},2024-25-autumn,200,50,4,red"])
    assert errors(drop) == ["census.csv:1:send_support: required column is missing"]
    assert warnings(drop) == ["census.csv:1:colour: warning: unknown column; ignored "
                              "(columns of census: urn, term, pupils_on_roll, disadvantaged, "
                              "send_support, ehcp, eal, source)"]


def test_unknown_file_is_a_warning(tmp_path):
    drop = write_drop(tmp_path)
    (drop / "notes.csv").write_text("a\n")
    assert errors(drop) == []
    assert warnings(drop) == ["notes.csv: warning: not a file of the data contract "
                              "(expected <domain>.csv or .xlsx); ignored"]


@pytest.mark.parametrize("cell,column,message", [
    ("53%", "pupils_on_roll", "'53%' is a percentage: this column is a count of people or "
     "things (a whole number)"),
    ('"1,2"', "pupils_on_roll", "'1,2' is not a number: use . for decimals; commas only "
     "between thousands (1,234)"),
    ("-1", "pupils_on_roll", "must be 0 or more (found -1)"),
    ("", "pupils_on_roll", "a value is required (the cell is blank)"),
])
def test_count_cells(tmp_path, cell, column, message):
    drop = drop_with(tmp_path, census=[CENSUS_HEAD, f"{URN_A},2024-25-autumn,200,50,30,4,12",
                                       f"{URN_B},2024-25-autumn,{cell},0,0,0,0"])
    assert errors(drop) == [f"census.csv:3:{column}: {message}"]


def test_thousands_separator_is_read(tmp_path):
    drop = drop_with(tmp_path, census=[CENSUS_HEAD, f'{URN_A},2024-25-autumn,"1,234",50,30,4,'])
    assert load_drop(drop, make_trust())["census"]["pupils_on_roll"].tolist() == [1234]


def test_urn_and_term_rules(tmp_path):
    drop = drop_with(tmp_path, census=[
        CENSUS_HEAD,
        "999999,2024-25-autumn,200,50,30,4,",   # row 2: not a school of the trust
        f"{URN_A},2024-26-autumn,200,50,30,4,",  # row 3: 26 does not follow 2024
        f"{URN_A},2022-23-autumn,200,50,30,4,",  # row 4: valid, but not a trust term
        "12345,2024-25-autumn,200,50,30,4,",     # row 5: not six digits
        "abc,2024-25-autumn,200,50,30,4,",       # row 6: not a number
    ])
    assert errors(drop) == [
        "census.csv:2:urn: URN 999999 is not a school of Test Trust (params/trust.yaml)",
        "census.csv:3:term: '2024-26-autumn': 26 does not follow 2024",
        "census.csv:4:term: term 2022-23-autumn is not one of the trust's terms in trust.yaml "
        "(2023-24-summer .. 2024-25-summer)",
        "census.csv:5:urn: must be between 100000 and 999999 (found 12345)",
        "census.csv:6:urn: 'abc' is not a URN (a six-digit DfE number)",
    ]


def test_every_duplicate_row_is_reported(tmp_path):
    drop = drop_with(tmp_path, census=[CENSUS_HEAD, f"{URN_A},2024-25-autumn,200,50,30,4,",
                                       f"{URN_B},2024-25-autumn,200,50,30,4,",
                                       f"{URN_A},2024-25-autumn,201,50,30,4,"])
    assert errors(drop) == [
        "census.csv:2:urn: duplicate key (urn, term) = (100001, 2024-25-autumn): also on row 4",
        "census.csv:4:urn: duplicate key (urn, term) = (100001, 2024-25-autumn): also on row 2",
    ]


def test_numerator_more_than_denominator_reported_on_numerator(tmp_path):
    drop = drop_with(tmp_path, census=[CENSUS_HEAD, f"{URN_A},2024-25-autumn,200,201,30,4,"])
    assert errors(drop) == ["census.csv:2:disadvantaged: disadvantaged (201) is more than "
                            "pupils_on_roll (200)"]


def test_dates_and_booleans(tmp_path):
    drop = drop_with(tmp_path, governance=[
        "urn,term,meeting_date,body,members,present,quorate",
        ",2024-25-autumn,12/31/2024,board,10,8,yes",
        f"{URN_A},2024-25-autumn,01/12/2024,lgb,9,4,perhaps",
        f"{URN_A},2024-25-autumn,2024-12-02,LGB,9,10,n",
    ])
    assert errors(drop) == [
        "governance.csv:2:meeting_date: '12/31/2024' looks like a US date (mm/dd/yyyy): dates "
        "are dd/mm/yyyy, e.g. 31/12/2024",
        "governance.csv:3:quorate: 'perhaps' is not yes or no (yes/no, true/false, y/n, 1/0)",
        "governance.csv:4:present: present (10) is more than members (9)",
    ]


def test_attainment_rules(tmp_path):
    drop = drop_with(tmp_path, attainment=[
        ATT_HEAD,
        f"{URN_A},2023-24,ks2,all,rwm_expected,30,18,,,",     # good
        f"{URN_A},2023-24,ks2,all,att8,30,,45.1,,",           # a ks4 indicator at ks2
        f"{URN_A},2023-24,ks2,all,read_expected,30,,,,",      # count: no pupils, no status
        f"{URN_A},2023-24,ks2,all,read_scaled_score,30,,,,",  # score: no score, no status
        f"{URN_A},2023-24,ks2,all,mat_expected,5,,,c,SUPP",   # suppressed: fine
        f"{URN_A},2023-25,ks2,all,gps_expected,30,20,,,",     # bad academic year
        f"{URN_A},2023-24,ks2,disadvantaged,rwm_expected,10,11,,,",
    ])
    assert errors(drop) == [
        "attainment.csv:3:indicator: 'att8' is not a ks2 indicator (ks2: rwm_expected, "
        "rwm_higher, read_expected, writ_expected, mat_expected, gps_expected, "
        "read_scaled_score, mat_scaled_score, gps_scaled_score, read_progress, writ_progress, "
        "mat_progress)",
        "attainment.csv:4:pupils: read_expected is a count: give pupils, or a status saying "
        "why it is missing (c, x, z, low, u)",
        "attainment.csv:5:score: read_scaled_score is a score: give score, or a status saying "
        "why it is missing (c, x, z, low, u)",
        "attainment.csv:7:academic_year: '2023-25' is not an academic year like 2023-24",
        "attainment.csv:8:pupils: pupils (11) is more than cohort (10)",
    ]


def test_cp1252_file_is_read_not_mojibake(tmp_path):
    drop = write_drop(tmp_path, GOOD, encoding="cp1252")
    names = load_drop(drop, make_trust())["schools"]["name"].tolist()
    assert names == ["Oak Primary", "St Mary’s CE Primary"]
    assert warnings(drop)[0].startswith("schools.csv:3: warning: not UTF-8")


def test_bom_header_is_read(tmp_path):
    drop = write_drop(tmp_path, GOOD, encoding="utf-8-sig")
    assert validate_drop(drop, make_trust()) == []


def test_load_drop_types_and_columns(tmp_path):
    frames = load_drop(write_drop(tmp_path), make_trust())
    schools, census = frames["schools"], frames["census"]
    assert list(schools.columns) == ["urn", "name", "phase", "capacity", "local_authority",
                                     "joined_trust"]
    assert str(schools["urn"].dtype) == "Int64" and schools["capacity"].tolist() == [210, 1050]
    assert schools["joined_trust"].tolist() == [pd.Timestamp(2019, 9, 1),
                                                pd.Timestamp(2020, 4, 1)]
    assert census["eal"].isna().tolist() == [False, True]
    assert frames["behaviour"].empty and "suspensions" in frames["behaviour"].columns
    assert str(frames["governance"]["quorate"].dtype) == "boolean"


def test_load_drop_refuses_a_drop_with_errors(tmp_path):
    drop = drop_with(tmp_path, census=[CENSUS_HEAD, f"{URN_A},2024-25-autumn,53%,0,0,0,0"])
    with pytest.raises(DataError) as e:
        load_drop(drop, make_trust())
    assert e.value.lines() == ["census.csv:2:pupils_on_roll: '53%' is a percentage: this "
                               "column is a count of people or things (a whole number)"]


def test_xlsx_workbook_with_domain_sheets(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    for i, (name, lines) in enumerate(GOOD.items()):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = name
        for line in lines:
            ws.append(next(iter(__import__("csv").reader([line]))))
    ws = wb["census"]
    ws["C3"] = "lots"
    tmp_path.mkdir(exist_ok=True)
    wb.save(tmp_path / "termly.xlsx")
    assert errors(tmp_path) == ["termly.xlsx[census]:3:pupils_on_roll: 'lots' is not a number"]


def _trust_yaml(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "trust.yaml").write_text(
        "name: Test Trust\nterms: [2024-25-autumn]\nschools:\n"
        f"  - {{urn: {URN_A}, name: Oak, phase: primary}}\n"
        f"  - {{urn: {URN_B}, name: Elm, phase: primary}}\n")
    return folder


def test_cli_exit_codes(tmp_path):
    params = _trust_yaml(tmp_path / "params")
    good = write_drop(tmp_path / "good")
    r = CliRunner().invoke(app, ["validate", str(good), "--params", str(params)])
    assert r.exit_code == 0, r.output
    bad = drop_with(tmp_path / "bad", census=[CENSUS_HEAD, f"{URN_A},2024-25-autumn,x,0,0,0,0",
                                              f"{URN_B},2024-25-autumn,y,0,0,0,0"])
    r = CliRunner().invoke(app, ["validate", str(bad), "--params", str(params)])
    assert r.exit_code == 2
    assert "census.csv:2:pupils_on_roll: 'x' is not a number" in r.output
    assert "census.csv:3:pupils_on_roll: 'y' is not a number" in r.output
    assert "Traceback" not in r.output


def test_domain_xlsx_first_sheet_headers_in_any_case(tmp_path):
    from openpyxl import Workbook

    drop = write_drop(tmp_path, {k: v for k, v in GOOD.items() if k != "census"})
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["URN", "Term", "Pupils On Roll", "disadvantaged", "SEND support", "EHCP"])
    ws.append([URN_A, "2024-25-autumn", 200, 50, 30, 4])
    ws.append([URN_B, "2024-25-autumn", 1000, 300, 1001, 20])
    wb.save(drop / "census.xlsx")
    assert errors(drop) == ["census.xlsx:3:send_support: send_support (1001) is more than "
                            "pupils_on_roll (1000)"]


def test_a_trust_school_without_a_schools_row_is_a_warning(tmp_path):
    drop = write_drop(tmp_path)
    trust = make_trust((URN_A, URN_B, 100003))
    found = [str(p) for p in validate_drop(drop, trust)]
    assert found == ["schools.csv: warning: School 100003 (100003) is in trust.yaml but has "
                     "no row here"]


def test_duplicate_trust_level_rows_with_blank_urn(tmp_path):
    drop = drop_with(tmp_path, governance=[
        "urn,term,meeting_date,body,members,present,quorate",
        ",2024-25-autumn,01/12/2024,board,10,8,yes",
        ",2024-25-autumn,01/12/2024,board,10,7,yes",
        f"{URN_A},2024-25-autumn,01/12/2024,board,10,8,yes"])
    assert errors(drop) == [
        "governance.csv:2:urn: duplicate key (urn, meeting_date, body) = (blank, 01/12/2024, "
        "board): also on row 3",
        "governance.csv:3:urn: duplicate key (urn, meeting_date, body) = (blank, 01/12/2024, "
        "board): also on row 2"]


def test_missing_folder_is_one_problem(tmp_path):
    assert errors(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: data folder not found"]


def test_cli_warns_of_files_the_plan_needs_but_the_drop_lacks(tmp_path):
    # finance.csv is optional, so the drop is valid (exit 0), but a plan with a finance
    # KPI would show "no data" for it in every report: say so, naming the KPIs
    params = _trust_yaml(tmp_path / "params")
    (params / "plan.yaml").write_text(
        "name: P\npriorities:\n  - id: money\n    title: Money\n    success_criteria:\n"
        "      - id: c\n        text: Balanced budgets\n        kpis:\n"
        "          - {measure: in_year_balance, target: 0}\n"
        "          - {measure: reserves_pct_income, target: 5}\n")
    good = write_drop(tmp_path / "good")
    assert not (good / "finance.csv").exists()
    r = CliRunner().invoke(app, ["validate", str(good), "--params", str(params)])
    assert r.exit_code == 0, r.output
    assert ("finance.csv: warning: not in the drop, so the plan's KPIs on in_year_balance, "
            "reserves_pct_income will have no data") in r.output
