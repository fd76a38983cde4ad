"""The batch with the project's own notebooks: which reports a term needs, one whole
`govkit run` on a two-school trust, and a failed report never replacing the last good one.

tests/test_batch_e2e.py drives the runner with small fixture notebooks; here the real
notebooks/ run, so a change to a notebook that breaks the batch fails here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from govkit.batch.matrix import REPORTS, WORKBOOKS, build_matrix
from govkit.cli import app
from govkit.data.demo import write_demo, write_trust_yaml
from govkit.errors import ConfigError
from govkit.plan.config import Plan, School, Trust

ROOT = Path(__file__).resolve().parents[1]
TERMS = ["2024-25-spring", "2024-25-summer"]


# --- matrix.build_matrix ----------------------------------------------------------------

def _trust() -> Trust:
    return Trust(name="Two", terms=TERMS, schools=[
        School(urn=100001, name="Oak", phase="primary"),
        School(urn=100002, name="Elm", phase="secondary")])


def _plan() -> Plan:
    """Three priorities: two name the education deep dive, one names none."""
    def priority(pid: str, dive: str | None) -> dict:
        p = {"id": pid, "title": pid.title(), "success_criteria": [
            {"id": "c", "text": "Attendance", "kpis": [{"measure": "attendance_rate",
                                                        "target": 95}]}]}
        return {**p, "deep_dive": dive} if dive else p

    return Plan.model_validate({"name": "Plan", "priorities": [
        priority("attend", "education"), priority("results", "education"),
        priority("money", None)]})


def _matrix(**kw):
    return build_matrix(_trust(), _plan(), "2024-25-summer", Path("p"), Path("d"),
                        Path("s.duckdb"), **kw)


def test_the_matrix_is_trust_reports_then_each_schools():
    keys = [j.key for j in _matrix()]
    assert keys == [
        "trust/trust_overview", "trust/priority-attend", "trust/priority-results",
        "trust/priority-money",
        "100001/board_summary",
        "100001/priority-attend", "100001/priority-results", "100001/priority-money",
        "100001/education", "100001/report_card",
        "100002/board_summary", "100002/priority-attend", "100002/priority-results",
        "100002/priority-money",
        "100002/education", "100002/report_card",
    ]  # worked out by hand: education named twice, built once a school; no explore


def test_only_the_report_card_is_public():
    for job in _matrix():
        assert job.audience == ("public" if job.notebook == "report_card" else "board")
        assert job.parameters["audience"] == job.audience
        assert job.parameters["urn"] == job.urn
        assert job.parameters["term"] == "2024-25-summer"
        assert ("priority" in job.parameters) == (job.notebook == "priority")


def test_the_matrix_narrows_to_schools_and_reports():
    assert [j.key for j in _matrix(schools=[100002], reports=["priority-money",
                                                              "report_card"])] == [
        "100002/priority-money", "100002/report_card"]
    assert [j.key for j in _matrix(reports=["trust_overview"])] == ["trust/trust_overview"]


@pytest.mark.parametrize(("kw", "says"), [
    ({"schools": [999999]}, "URN 999999 is not a school of Two"),
    ({"reports": ["explore"]}, "no report 'explore'"),
    ({"reports": ["priority-nope"]}, "no report 'priority-nope'"),
])
def test_the_matrix_refuses_what_it_cannot_build(kw, says):
    with pytest.raises(ConfigError, match=says):
        _matrix(**kw)


def test_the_matrix_knows_every_notebook():
    on_disk = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert on_disk == set(REPORTS) | set(WORKBOOKS)
    assert not set(REPORTS) & set(WORKBOOKS)


# --- one govkit run of the real notebooks on a two-school trust ---------------------------

# One priority with its deep dive: every kind of report (overview, priority, deep dive,
# card) at 8 reports for the run, not the demo plan's 26
PLAN = """\
name: Test plan
priorities:
  - id: attendance
    title: Pupils attend well
    deep_dive: education
    success_criteria:
      - id: rate
        text: Attendance at or above 95%
        kpis:
          - measure: attendance_rate
            target: 95
            tolerance: 1
          - measure: persistent_absence
            target: 12
            tolerance: 2
"""


@pytest.fixture(scope="module")
def real_project(tmp_path_factory) -> Path:
    """params/ (a one-priority plan), data/ (the demo generator's first two schools) and
    the project's own notebooks/, side by side."""
    root = tmp_path_factory.mktemp("real")
    demo = write_demo(root / "data", schools=2)
    write_trust_yaml(root / "params" / "trust.yaml", demo)
    (root / "params" / "plan.yaml").write_text(PLAN, encoding="utf-8")
    # the demo's action statuses name the demo plan's actions: PLAN has none
    (root / "data" / "actions.csv").unlink()
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    return root


def _run(root: Path, *extra: str) -> tuple[int, str]:
    r = CliRunner().invoke(app, ["run", "--params", str(root / "params"), "--data",
                                 str(root / "data"), "--out", str(root / "outputs"),
                                 "--jobs", "2", *extra])
    return r.exit_code, r.output


def _manifest(term_dir: Path) -> dict[str, dict]:
    data = json.loads((term_dir / "manifest.json").read_text(encoding="utf-8"))
    return {r["key"]: r for r in data["reports"]}


def test_a_whole_run_then_a_failed_report_keeps_the_last_good_page(real_project):
    from govkit.plan.params import load_params

    trust, plan = load_params(real_project / "params")
    code, output = _run(real_project)
    assert code == 0, output
    term_dir = real_project / "outputs" / trust.latest_term
    expected = build_matrix(trust, plan, trust.latest_term, real_project / "params",
                            real_project / "data", real_project / "outputs" / "s.duckdb")
    reports = _manifest(term_dir)
    assert sorted(reports) == sorted(j.key for j in expected)
    assert {r["status"] for r in reports.values()} == {"ok"}
    for job in expected:
        text = job.html_path(real_project / "outputs").read_text(encoding="utf-8")
        assert "Traceback" not in text and "params_dir" not in text, job.key
        if job.urn:
            assert trust.school(job.urn).name in text, job.key
    card = term_dir / str(trust.urns[0]) / "report_card.html"
    one_card = ("--report", "report_card", "--school", str(trust.urns[0]))
    good = card.read_bytes()

    # a leader's edit that breaks the report card: the run fails it, the page stays
    nb_path = real_project / "notebooks" / "report_card.ipynb"
    kept = nb_path.read_bytes()
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell('raise ValueError("broken by a leader")'))
    nbformat.write(nb, nb_path)
    try:
        code, output = _run(real_project, *one_card)
    finally:
        nb_path.write_bytes(kept)
    assert code == 1, output
    assert "ValueError: broken by a leader" in output
    assert card.read_bytes() == good  # the last good page, byte for byte
    after = _manifest(term_dir)
    assert after[f"{trust.urns[0]}/report_card"]["status"] == "failed"
    assert after["trust/trust_overview"]["status"] in ("ok", "skipped")

    # mended: the next run writes it again
    code, output = _run(real_project, *one_card)
    assert code == 0, output
    assert _manifest(term_dir)[f"{trust.urns[0]}/report_card"]["status"] == "ok"
