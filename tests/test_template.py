"""The Excel workbook round-trips: written, filled as a leader would, validated clean; a
bad cell named by sheet, row and column."""

import datetime as dt

from drops import URN_A, URN_B, make_trust
from openpyxl import load_workbook
from typer.testing import CliRunner

from govkit.cli import app
from govkit.data.template import template_domains, write_template
from govkit.data.validate import load_drop, validate_drop


def fill(path, workforce_rows, governance_rows=()):
    wb = load_workbook(path)
    for r in workforce_rows:
        wb["workforce"].append(list(r))
    for r in governance_rows:
        wb["governance"].append(list(r))
    wb.save(path)


def test_template_has_a_sheet_per_domain_notes_and_excel_validation(tmp_path):
    path = write_template(make_trust(), tmp_path / "trust-data.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["instructions", "lists", *template_domains()]
    assert "census" not in wb.sheetnames and "attainment" not in wb.sheetnames
    assert wb["lists"].sheet_state == "hidden"
    ws = wb["workforce"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["urn", "term", "headcount", "fte"]
    assert ws["C1"].comment.text == "staff in post (headcount) (required)"
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert rules["A2:A2001"].type == "list"
    assert rules["A2:A2001"].formula1 == "'lists'!$A$2:$A$3"  # the trust's two URNs
    assert rules["B2:B2001"].formula1 == "'lists'!$C$2:$C$5"  # its four terms
    assert (rules["C2:C2001"].type, rules["C2:C2001"].formula1,
            rules["C2:C2001"].formula2) == ("whole", "0", "5000")
    assert [c.value for c in wb["lists"]["A"][1:3]] == [URN_A, URN_B]
    gov = {str(dv.sqref): dv for dv in wb["governance"].data_validations.dataValidation}
    assert gov["D2:D2001"].formula1 == '"board,lgb,committee"'
    # source is written by govkit import only: every row of the trust's sheet is its own
    assert [c.value for c in wb["finance"][1]] == [
        "urn", "term", "income", "expenditure", "staff_costs", "revenue_reserve",
        "top_slice", "energy_kwh"]


def test_filled_workbook_validates_clean_and_loads(tmp_path):
    path = write_template(make_trust(), tmp_path / "trust-data.xlsx")
    fill(path, [(URN_A, "2024-25-autumn", 33, 28.5, 20, 40, 2, 1, 120, 900, 10, 9),
                (URN_B, "2024-25-autumn", 120, 101.2, 70, 210, 5, 0, 400, 3500, 30, 30)],
         [(None, "2024-25-autumn", dt.datetime(2024, 10, 3), "board", 10, 8, "yes")])
    problems = validate_drop(tmp_path, make_trust())
    assert [p for p in problems if p.severity == "error"] == []
    frames = load_drop(tmp_path, make_trust())
    assert list(frames["workforce"]["headcount"]) == [33, 120]
    assert frames["governance"]["meeting_date"].iloc[0] == dt.datetime(2024, 10, 3)
    # a sheet left empty is a domain not given: no warning of its own, no clash with a file
    assert [str(p) for p in problems] == []
    assert set(frames) >= {"finance", "attendance"} and len(frames["finance"]) == 0


def test_a_bad_cell_is_named_by_sheet_row_and_column(tmp_path):
    path = write_template(make_trust(), tmp_path / "trust-data.xlsx")
    fill(path, [(URN_A, "2024-25-autumn", 33, 28.5, 20, 40, 2, 1, 120, 900, 10, 9),
                (URN_B, "2024-25-autumn", 120, "lots", 70, 210, 5, 0, 400, 3500, 30, 31)])
    errors = [str(p) for p in validate_drop(tmp_path, make_trust()) if p.severity == "error"]
    assert errors == [
        "trust-data.xlsx[workforce]:3:fte: 'lots' is not a number",
        "trust-data.xlsx[workforce]:3:appraisals_completed: appraisals_completed (31) is "
        "more than appraisals_due (30)"]


def test_template_command_refuses_to_overwrite(tmp_path):
    params = tmp_path / "params"
    params.mkdir()
    (params / "trust.yaml").write_text(f"name: T\nterms: [2024-25-autumn]\nschools:\n"
                                       f"  - {{urn: {URN_A}, name: A, phase: primary}}\n")
    out = tmp_path / "data" / "trust-data.xlsx"
    args = ["template", "--out", str(out), "--params", str(params)]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "sheets attendance, behaviour, workforce" in r.output
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2 and "exists already" in r.output


def test_the_actions_sheet_round_trips_and_a_bad_status_is_named(tmp_path):
    path = write_template(make_trust(), tmp_path / "trust-data.xlsx")
    wb = load_workbook(path)
    ws = wb["actions"]
    assert [c.value for c in ws[1]] == ["urn", "term", "action_id", "status", "note"]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert rules["D2:D2001"].formula1 == '"not_started,on_track,at_risk,done,overdue"'
    ws.append([None, "2024-25-autumn", "attendance-strategy", "at_risk", "Two LGBs to adopt"])
    ws.append([URN_A, "2024-25-autumn", "recovery-plans", "done", None])
    wb.save(path)
    assert [p for p in validate_drop(tmp_path, make_trust()) if p.severity == "error"] == []
    got = load_drop(tmp_path, make_trust())["actions"]
    assert got["urn"].isna().tolist() == [True, False]
    assert list(got["status"]) == ["at_risk", "done"]
    assert got["note"].iloc[0] == "Two LGBs to adopt"

    ws.append([URN_B, "2024-25-autumn", "peia", "late", None])
    wb.save(path)
    errors = [str(p) for p in validate_drop(tmp_path, make_trust()) if p.severity == "error"]
    assert len(errors) == 1 and errors[0].startswith("trust-data.xlsx[actions]:4:status: ")
    assert "'late'" in errors[0]
