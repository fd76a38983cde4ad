"""trust.yaml, plan.yaml and commentary: every bad input is one line naming file and key."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from govkit.cli import app
from govkit.errors import ConfigError
from govkit.plan.config import load_plan, load_trust
from govkit.plan.measures import MEASURES
from govkit.plan.paramcheck import check_params
from govkit.plan.params import load_params

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = set(MEASURES)

TRUST = """\
name: Test Trust
schools:
  - {urn: 100001, name: Oak Primary, phase: primary}
  - {urn: 100002, name: Ash Academy, phase: secondary}
terms: [2024-25-autumn, 2024-25-spring, 2024-25-summer]
"""

PLAN = """\
name: Test Plan
priorities:
  - id: education
    title: Education
    success_criteria:
      - id: attendance
        text: Pupils attend well
        kpis:
          - measure: attendance_rate
            target: {relative_to: national, offset: 0.5}
            tolerance: 1
      - id: curriculum
        text: A broad curriculum
        evidence: narrative
triggers:
  - {id: red-twice, description: Red twice, kind: red_consecutive}
"""


def _write(path: Path, text: str, *edits: tuple[str, str]) -> Path:
    """Write ``text`` with each (old, new) edit made; an edit that misses fails the test."""
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _trust_error(tmp_path: Path, *edits: tuple[str, str]) -> tuple[Path, str]:
    path = _write(tmp_path / "trust.yaml", TRUST, *edits)
    with pytest.raises(ConfigError) as e:
        load_trust(path)
    return path, str(e.value)


def _plan_error(tmp_path: Path, *edits: tuple[str, str]) -> tuple[Path, str]:
    path = _write(tmp_path / "plan.yaml", PLAN, *edits)
    with pytest.raises(ConfigError) as e:
        load_plan(path, CATALOGUE)
    return path, str(e.value)


# --- trust.yaml -----------------------------------------------------------------------

def test_good_trust_and_plan_load(tmp_path):
    trust = load_trust(_write(tmp_path / "trust.yaml", TRUST))
    assert trust.urns == [100001, 100002] and trust.latest_term == "2024-25-summer"
    plan = load_plan(_write(tmp_path / "plan.yaml", PLAN), CATALOGUE)
    assert [k.id for _, _, k in plan.kpis()] == ["education.attendance.attendance_rate",
                                                 "education.curriculum.1"]


def test_trust_unknown_key_names_its_path(tmp_path):
    p, msg = _trust_error(tmp_path, ("name: Oak Primary,", "name: Oak Primary, lgb: Oak,"))
    assert msg == f"{p}: schools[0].lgb: unknown key (check the spelling)"


def test_trust_missing_field(tmp_path):
    p, msg = _trust_error(tmp_path, ("name: Ash Academy, ", ""))
    assert msg == f"{p}: schools[1].name: required, but missing"
    p, msg = _trust_error(tmp_path, ("terms: [2024-25-autumn, 2024-25-spring, 2024-25-summer]\n",
                                     ""))
    assert msg == f"{p}: terms: required, but missing"


def test_trust_duplicate_urn_names_the_second(tmp_path):
    p, msg = _trust_error(tmp_path, ("urn: 100002", "urn: '100001'"))
    assert msg == f"{p}: schools[1].urn: URN 100001 is listed twice (also schools[0])"


def test_trust_bad_term_id(tmp_path):
    p, msg = _trust_error(tmp_path, ("2024-25-spring", "2024-25-winter"))
    assert msg == (f"{p}: terms[1]: '2024-25-winter' is not a term id like 2024-25-autumn "
                   "(year-yy-autumn|spring|summer)")
    p, msg = _trust_error(tmp_path, ("2024-25-spring", "2024-26-spring"))
    assert msg == f"{p}: terms[1]: '2024-26-spring': 26 does not follow 2024"


def test_trust_terms_out_of_order_or_twice(tmp_path):
    p, msg = _trust_error(tmp_path, ("2024-25-autumn, 2024-25-spring",
                                     "2024-25-spring, 2024-25-autumn"))
    assert msg == (f"{p}: terms[1]: terms must be listed oldest first: 2024-25-autumn comes "
                   "after 2024-25-spring")
    p, msg = _trust_error(tmp_path, ("2024-25-autumn, 2024-25-spring",
                                     "2024-25-autumn, 2024-25-autumn"))
    assert msg == f"{p}: terms[1]: term 2024-25-autumn is listed twice"


def test_trust_bad_colour(tmp_path):
    p, msg = _trust_error(tmp_path, ("terms:", "branding: {accent_colour: navy}\nterms:"))
    assert msg == f"{p}: branding.accent_colour: 'navy' is not a colour like #1d3557"


def test_trust_bad_phase_and_urn(tmp_path):
    p, msg = _trust_error(tmp_path, ("phase: secondary", "phase: college"),
                          ("urn: 100001", "urn: 12345"))
    lines = msg.splitlines()
    assert lines[0] == f"{p}: schools[0].urn: Input should be greater than or equal to 100000"
    assert lines[1] == (f"{p}: schools[1].phase: Input should be 'primary', 'secondary', "
                        "'special', 'all-through', 'alternative', 'nursery', 'infant', "
                        "'junior', 'middle' or '16-plus'")


def test_trust_invalid_yaml_gives_the_line(tmp_path):
    p, msg = _trust_error(tmp_path, ("schools:\n", "schools: [\n"))
    assert msg == f"{p}:3: not valid YAML: expected the node content, but found '-'"


def test_trust_empty_missing_or_not_a_mapping(tmp_path):
    p, msg = _trust_error(tmp_path, (TRUST, ""))
    assert msg == f"{p}: the file is empty"
    p, msg = _trust_error(tmp_path, (TRUST, "- a\n- b\n"))
    assert msg == f"{p}: expected keys and values (name: ...) at the top level"
    with pytest.raises(ConfigError, match=r"nowhere\.yaml: file not found$"):
        load_trust(tmp_path / "nowhere.yaml")


def test_every_problem_is_its_own_line(tmp_path):
    p, msg = _trust_error(tmp_path, ("name: Test Trust\n", "nmae: Test Trust\n"),
                          ("2024-25-summer", "summer"))
    assert msg.splitlines() == [
        f"{p}: name: required, but missing",
        f"{p}: terms[2]: 'summer' is not a term id like 2024-25-autumn "
        "(year-yy-autumn|spring|summer)",
        f"{p}: nmae: unknown key (check the spelling)",
    ]


# --- plan.yaml ------------------------------------------------------------------------

KPI0 = "priorities[0].success_criteria[0].kpis[0]"


def test_plan_unknown_key_names_its_path(tmp_path):
    p, msg = _plan_error(tmp_path, ("tolerance: 1", "tolerence: 1"))
    assert msg == f"{p}: {KPI0}.tolerence: unknown key (check the spelling)"


def test_plan_missing_field(tmp_path):
    p, msg = _plan_error(tmp_path, ("    title: Education\n", ""))
    assert msg == f"{p}: priorities[0].title: required, but missing"


def test_plan_kpi_naming_an_unknown_measure(tmp_path):
    p, msg = _plan_error(tmp_path, ("measure: attendance_rate", "measure: attendence_rate"))
    assert msg == (f"{p}: {KPI0}.measure: unknown measure 'attendence_rate' "
                   "(did you mean attendance_rate?)")
    p, msg = _plan_error(tmp_path, ("measure: attendance_rate", "measure: pupil_happiness"))
    assert msg == f"{p}: {KPI0}.measure: unknown measure 'pupil_happiness'"


def test_plan_trigger_naming_an_unknown_measure(tmp_path):
    p, msg = _plan_error(tmp_path, ("kind: red_consecutive}",
                                    "kind: below_national, measure: exam_results}"))
    assert msg == f"{p}: triggers[0].measure: unknown measure 'exam_results'"


def test_plan_without_catalogue_does_not_check_measures(tmp_path):
    path = _write(tmp_path / "plan.yaml", PLAN, ("attendance_rate", "anything_at_all"))
    assert load_plan(path).measures() == {"anything_at_all"}


def test_plan_target_with_both_or_neither(tmp_path):
    p, msg = _plan_error(tmp_path, ("{relative_to: national, offset: 0.5}",
                                    "{value: 95, relative_to: national}"))
    assert msg == f"{p}: {KPI0}.target: give a number (value) or relative_to, not both"
    p, msg = _plan_error(tmp_path, ("{relative_to: national, offset: 0.5}", "{offset: 0.5}"))
    assert msg == (f"{p}: {KPI0}.target: give a number (value) or relative_to: national, "
                   "trust or last_year")


def test_plan_data_kpi_without_measure(tmp_path):
    p, msg = _plan_error(tmp_path, ("          - measure: attendance_rate\n            target",
                                    "          - target"))
    assert msg == f"{p}: {KPI0}: a KPI with evidence: data needs a measure"


def test_plan_narrative_kpi_needs_a_label(tmp_path):
    p, msg = _plan_error(tmp_path, ("          - measure: attendance_rate\n",
                                    "          - evidence: narrative\n"
                                    "          - measure: attendance_rate\n"))
    assert msg == (f"{p}: {KPI0}: a narrative KPI needs a label saying what a leader "
                   "should report")


def test_plan_criterion_without_kpis_must_say_narrative(tmp_path):
    p, msg = _plan_error(tmp_path, ("        evidence: narrative\n", ""))
    assert msg == (f"{p}: priorities[0].success_criteria[1]: a success criterion needs KPIs "
                   "or evidence: narrative")


SECOND = """\
  - id: education
    title: Again
    success_criteria:
      - {id: x, text: X, evidence: narrative}
triggers:"""


def test_plan_duplicate_priority_id(tmp_path):
    p, msg = _plan_error(tmp_path, ("triggers:", SECOND))
    assert msg == (f"{p}: priorities[1].id: priority id 'education' is used twice "
                   "(also priorities[0])")


def test_plan_priority_id_must_be_a_slug(tmp_path):
    p, msg = _plan_error(tmp_path, ("id: education", "id: Our Children"))
    assert msg == (f"{p}: priorities[0].id: priority id 'Our Children' must be lower-case "
                   "letters, digits, - or _")


def test_plan_duplicate_criterion_kpi_and_trigger_ids(tmp_path):
    p, msg = _plan_error(tmp_path, ("id: curriculum", "id: attendance"))
    assert msg == (f"{p}: priorities[0].success_criteria[1].id: success criterion id "
                   "'attendance' is used twice (also success_criteria[0])")
    # the same measure twice in one criterion would share an id, and so its comments
    twice = ("            tolerance: 1\n",
             "            tolerance: 1\n          - {measure: attendance_rate, target: 96}\n")
    p, msg = _plan_error(tmp_path, twice)
    assert msg == (f"{p}: priorities[0].success_criteria[0].kpis[1]: KPI id "
                   f"'education.attendance.attendance_rate' is used twice (also {KPI0}); "
                   "give one of them an id")
    ok = _write(tmp_path / "ok.yaml", PLAN, (twice[0], twice[1].replace(
        "{measure", "{id: attendance-96, measure")))
    assert [k.id for _, _, k in load_plan(ok, CATALOGUE).kpis()][1] == "attendance-96"
    p, msg = _plan_error(tmp_path, ("kind: red_consecutive}",
                                    "kind: red_consecutive}\n  - {id: red-twice, "
                                    "description: Again, kind: red_consecutive}"))
    assert msg == f"{p}: triggers[1].id: trigger id 'red-twice' is used twice (also triggers[0])"


def test_plan_comparison_trigger_needs_a_measure(tmp_path):
    p, msg = _plan_error(tmp_path, ("kind: red_consecutive", "kind: declining"))
    assert msg == f"{p}: triggers[0].measure: a trigger of kind declining needs a measure"


def test_plan_bad_direction(tmp_path):
    p, msg = _plan_error(tmp_path, ("tolerance: 1", "tolerance: 1\n            direction: up"))
    assert msg == f"{p}: {KPI0}.direction: Input should be 'higher' or 'lower'"


def test_plan_invalid_yaml_gives_the_line(tmp_path):
    p, msg = _plan_error(tmp_path, ("    title: Education", "  title: Education"))
    assert msg == f"{p}:4: not valid YAML: expected <block end>, but found '?'"


def test_load_params_reads_the_plan_trust_yaml_names(tmp_path):
    _write(tmp_path / "trust.yaml", TRUST, ("terms:", "plan: plans/ours.yaml\nterms:"))
    _write(tmp_path / "plans" / "ours.yaml", PLAN)
    trust, plan = load_params(tmp_path)
    assert trust.plan == "plans/ours.yaml" and plan.name == "Test Plan"
    (tmp_path / "plans" / "ours.yaml").unlink()
    with pytest.raises(ConfigError) as e:
        load_params(tmp_path)
    assert str(e.value) == f"{tmp_path / 'plans' / 'ours.yaml'}: file not found"


# --- check-params and the commentary ---------------------------------------------------

def _params(tmp_path: Path, plan: str = PLAN) -> Path:
    _write(tmp_path / "params" / "trust.yaml", TRUST)
    _write(tmp_path / "params" / "plan.yaml", plan)
    return tmp_path / "params"


def _comments(params: Path, text: str, name: str = "2024-25-summer.yaml") -> Path:
    return _write(params / "commentary" / name, text)


def test_check_params_summarises(tmp_path):
    params = _params(tmp_path)
    _comments(params, "trust:\n  education.curriculum.1: Broad.\n"
                      "100001:\n  education.attendance.attendance_rate: Up.\n"
                      "  education.curriculum.1: Broad too.\n")
    report = check_params(params)
    assert report.summary == [
        f"{params / 'trust.yaml'}: Test Trust, 2 school(s) (1 primary, 1 secondary), "
        "3 term(s) 2024-25-autumn .. 2024-25-summer, ratings need 10 or more pupils",
        f"{params / 'plan.yaml'}: Test Plan, 1 priorities, 2 success criteria, 2 KPIs "
        "(1 narrative), 1 trigger(s)",
        f"{params / 'commentary'}: 2024-25-summer 3 comment(s) for 2 place(s)",
    ]
    assert report.warnings == []


def test_check_params_commentary_problems_name_file_and_key(tmp_path):
    params = _params(tmp_path)
    summer = _comments(params, "trust:\n  education.curriculum: Broad.\n"
                               "100009:\n  education.curriculum.1: Not ours.\n")
    autumn = _comments(params, "trust: just text\n", "2024-25-autumn.yaml")
    later = _comments(params, "trust: {}\n", "2025-26-autumn.yaml")
    spring = _comments(params, "{}\n", "spring.yaml")
    yml = _comments(params, "{}\n", "2024-25-spring.yml")
    with pytest.raises(ConfigError) as e:
        check_params(params)
    assert str(e.value).splitlines() == [
        f"{autumn}: trust: expected a mapping of KPI id to comment",
        f"{yml}: name it 2024-25-spring.yaml: only .yaml files are read",
        f"{summer}: trust.education.curriculum: no KPI with this id in "
        f"{params / 'plan.yaml'} (did you mean education.curriculum.1?)",
        f"{summer}: 100009: URN 100009 is not a school of Test Trust",
        f"{later}: 2025-26-autumn is not one of the terms in trust.yaml, so these comments "
        "would never show",
        f"{spring}: the file name must be a term id: 'spring' is not a term id like "
        "2024-25-autumn (year-yy-autumn|spring|summer)",
    ]


def test_check_params_warns_of_a_kpi_that_can_never_be_rated(tmp_path):
    params = _params(tmp_path, PLAN.replace("measure: attendance_rate", "measure: vacancies"))
    assert check_params(params).warnings == [
        f"{params / 'plan.yaml'}: {KPI0}.target: warning: no national figure is kept for "
        "vacancies, so this KPI is never rated; give a number"]


def test_cli_check_params_ok_on_the_demo(tmp_path):
    r = CliRunner().invoke(app, ["check-params", "--params", str(ROOT / "params")])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert "Kestrel Valley Learning Trust, 12 school(s) (9 primary, 2 secondary, 1 special), " \
        "9 term(s) 2022-23-autumn .. 2024-25-summer" in lines[0]
    assert "Strategic Plan 2024-2027, 5 priorities" in lines[1]
    assert "2024-25-summer" in lines[2] and lines[-1] == "OK"


def test_cli_check_params_exits_2_with_the_line(tmp_path):
    params = _params(tmp_path, PLAN.replace("measure: attendance_rate", "measure: nope"))
    r = CliRunner().invoke(app, ["check-params", "--params", str(params)])
    assert r.exit_code == 2
    assert r.output.splitlines() == [
        f"{params / 'plan.yaml'}: {KPI0}.measure: unknown measure 'nope'"]
    bad_trust = _write(params / "trust.yaml", TRUST, ("urn: 100002", "urn: 100001"))
    r = CliRunner().invoke(app, ["check-params", "--params", str(params)])
    assert r.exit_code == 2
    assert r.output.splitlines() == [
        f"{bad_trust}: schools[1].urn: URN 100001 is listed twice (also schools[0])"]


def test_cli_check_params_plan_option_checks_only_that_plan(tmp_path):
    plan = _write(tmp_path / "any.yaml", PLAN)
    r = CliRunner().invoke(app, ["check-params", "--params", str(tmp_path / "none"),
                                 "--plan", str(plan)])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        f"{plan}: Test Plan, 1 priorities, 2 success criteria, 2 KPIs (1 narrative), "
        "1 trigger(s)", "OK"]
    _write(plan, PLAN, ("kind: red_consecutive", "kind: below_trust"))
    r = CliRunner().invoke(app, ["check-params", "--plan", str(plan)])
    assert r.exit_code == 2
    assert r.output.splitlines() == [
        f"{plan}: triggers[0].measure: a trigger of kind below_trust needs a measure"]


def test_public_threshold_below_the_boards_is_refused(tmp_path):
    path, msg = _trust_error(tmp_path, ("terms:", "suppression: {threshold: 5, "
                                        "public_threshold: 2}\nterms:"))
    assert msg == (f"{path}: suppression.public_threshold: 2 is below threshold (5): the "
                   "public card can't be less strict than the board's view")
    params = tmp_path / "p"
    _write(params / "trust.yaml", TRUST, ("terms:", "suppression: {threshold: 5, "
                                          "public_threshold: 2}\nterms:"))
    _write(params / "plan.yaml", PLAN)
    r = CliRunner().invoke(app, ["check-params", "--params", str(params)])
    assert r.exit_code == 2 and "public_threshold: 2 is below threshold (5)" in r.output
