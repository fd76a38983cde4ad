"""A file the plan needs that holds nothing stops the run; one without this term warns."""

from pathlib import Path

from typer.testing import CliRunner

from govkit.cli import app

ROOT = Path(__file__).resolve().parents[1]
ATT_HEAD = ("urn,term,pupil_group,pupils,sessions_possible,sessions_absent,"
            "sessions_unauthorised,persistent_absentees,severe_absentees")


def project(tmp_path, attendance_lines):
    params = tmp_path / "params"
    params.mkdir()
    (params / "trust.yaml").write_text(
        "name: T\nplan: plan.yaml\nterms: [2024-25-autumn, 2024-25-spring]\nschools:\n"
        "  - {urn: 100001, name: A, phase: primary}\n")
    (params / "plan.yaml").write_text((ROOT / "params/examples/odyssey-2024-27.yaml")
                                      .read_text())
    data = tmp_path / "data"
    data.mkdir()
    (data / "attendance.csv").write_text("\n".join([ATT_HEAD, *attendance_lines]) + "\n")
    return params, data


def test_a_header_only_file_the_plan_needs_stops_the_run(tmp_path):
    # Before: attendance.csv with only its header validated clean and the run exited 0,
    # every attendance figure "–" on the public card.
    params, data = project(tmp_path, [])
    r = CliRunner().invoke(app, ["run", "--params", str(params), "--data", str(data),
                                 "--out", str(tmp_path / "out")])
    assert r.exit_code == 2, r.output
    assert ("attendance.csv: has a header but no rows, and the plan's KPIs on "
            "attendance_disadvantaged_gap, attendance_rate, persistent_absence, "
            "severe_absence need them") in r.output
    assert not (tmp_path / "out").exists()


def test_a_file_without_this_terms_rows_warns(tmp_path):
    from govkit.plan.coverage import term_gaps
    from govkit.plan.params import load_params

    params, data = project(tmp_path, ["100001,2024-25-autumn,all,200,28000,1400,300,30,2"])
    _, plan = load_params(params)
    [p] = term_gaps(data, plan, "2024-25-spring")
    assert (p.severity, p.file) == ("warning", "attendance.csv")
    assert p.message.startswith("has no rows for 2024-25-spring")
    assert term_gaps(data, plan, "2024-25-autumn") == []
