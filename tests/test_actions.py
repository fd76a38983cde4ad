"""The plan's actions, tracked (govkit.plan.actions): statuses from the data drop, overdue
without anyone saying so, and the example plans' actions from their seeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from memstore import URN_A, URN_B, memstore, plan, schools, trust

from govkit.errors import ConfigError
from govkit.plan.actions import effective_status, tracked
from govkit.plan.config import Plan, _validate, load_plan
from govkit.plan.evaluate import Evaluator

TERMS = ["2024-25-autumn", "2024-25-spring", "2024-25-summer"]


def _plan_with_actions(actions: list[dict]) -> Plan:
    base = plan([{"measure": "attendance_rate", "target": 95}]).model_dump(mode="json",
                                                                          exclude_none=True)
    base["priorities"][0]["actions"] = actions
    return Plan.model_validate(base)


ACTIONS = [
    {"id": "a1", "title": "Attendance strategy", "owner": "Director", "due": "2024-25-autumn"},
    {"id": "a2", "title": "Recovery plan", "owner": "CFO", "due": "2024-25-summer",
     "evidence": "Plan agreed"},
    {"id": "a3", "title": "Handbook", "owner": "Clerk", "due": "2024-25-autumn"},
    {"id": "a4", "title": "Not yet reported", "owner": "CEO", "due": "2024-25-autumn"},
]


def row(urn, term, action_id, status, note=None):
    return {"urn": urn, "term": term, "action_id": action_id, "status": status, "note": note}


@pytest.fixture
def ev() -> Evaluator:
    con = memstore(schools=schools("primary", "primary"), actions=[
        row(None, "2024-25-spring", "a1", "on_track", "Nearly there"),
        row(None, "2024-25-spring", "a2", "at_risk", "Waiting for the budget"),
        row(None, "2024-25-spring", "a3", "done"),
        row(URN_A, "2024-25-spring", "a2", "on_track"),
        row(None, "2024-25-autumn", "a1", "on_track"),
    ])
    return Evaluator(trust("primary", "primary", terms=TERMS), _plan_with_actions(ACTIONS), con)


def test_an_action_past_its_due_term_and_not_done_is_overdue():
    assert effective_status("on_track", "2024-25-autumn", "2024-25-spring") == "overdue"
    assert effective_status(None, "2024-25-autumn", "2024-25-spring") == "overdue"
    assert effective_status("done", "2024-25-autumn", "2024-25-summer") == "done"
    # in its due term it is not late yet
    assert effective_status("at_risk", "2024-25-spring", "2024-25-spring") == "at_risk"


def test_the_trust_sees_every_action_late_first_and_a_school_its_own(ev):
    got = [(a.action_id, a.status, a.reported, a.note)
           for a in tracked(ev, "2024-25-spring")]
    assert got == [("a1", "overdue", "on_track", "Nearly there"),
                   ("a4", "overdue", None, None),
                   ("a2", "at_risk", "at_risk", "Waiting for the budget"),
                   ("a3", "done", "done", None)]
    assert tracked(ev, "2024-25-spring")[0].status_words == "overdue (reported on track)"
    assert [(a.place, a.action_id, a.status) for a in tracked(ev, "2024-25-spring", URN_A)] \
        == [("School 1", "a2", "on_track")]
    assert tracked(ev, "2024-25-spring", URN_B) == []
    # autumn, every one in or before its due term: no update before on track
    assert [(a.action_id, a.status) for a in tracked(ev, "2024-25-autumn")] == [
        ("a2", None), ("a3", None), ("a4", None), ("a1", "on_track")]


def test_the_board_summary_lists_actions_overdue_or_at_risk(ev):
    from govkit.plan.board import board_summary

    s = board_summary(ev, "2024-25-spring", None, actions=tracked(ev, "2024-25-spring", "all"))
    assert [(a.place, a.action_id) for a in s.actions] == [
        ("Test Trust", "a1"), ("Test Trust", "a4"), ("Test Trust", "a2")]


def test_an_action_id_twice_or_a_due_date_that_is_no_term_is_refused():
    twice = _plan_with_actions(ACTIONS[:1]).model_dump(mode="json", exclude_none=True)
    twice["priorities"][0]["actions"].append(dict(ACTIONS[0], title="Again"))
    with pytest.raises(ConfigError, match=r"priorities\[0\]\.actions\[1\]\.id: action id "
                       "'a1' is used twice"):
        _validate(Plan, twice, "plan.yaml")
    bad = _plan_with_actions([]).model_dump(mode="json", exclude_none=True)
    bad["priorities"][0]["actions"] = [dict(ACTIONS[0], due="next summer")]
    with pytest.raises(ConfigError, match=r"actions\[0\]\.due: "):
        _validate(Plan, bad, "plan.yaml")


ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.mark.parametrize(("name", "seed", "phrases"), [
    # OWLS: each strategy's tactics, with the responsibility the plan gives them
    ("owls-2016-19.yaml", "owls-strategic-development-plan-2016-19.txt",
     ["Develop a robust trust compliance system", "Develop central financial systems"]),
    # Odyssey: "what we will do more of"
    ("odyssey-2024-27.yaml", "odyssey-strategic-plan-2024-27.txt",
     ["In Year Fair Access Protocol", "Primary Education Improvement Area"]),
    # Seven Aims: the aims' own statements
    ("seven-aims-2025-28.yaml", "seven-aims-strategic-plan-2025-28.txt",
     ["Education for Sustainable Development Goals"]),
])
def test_each_example_plan_carries_actions_from_its_seed(name, seed, phrases):
    p = load_plan(ROOT / "params" / "examples" / name)
    assert all(pr.actions for pr in p.priorities), "every priority has actions"
    assert all(a.owner and a.due for _, a in p.actions())
    text = (SEEDS / seed).read_text(encoding="utf-8")
    titles = " ".join(a.title for _, a in p.actions())
    for phrase in phrases:
        assert phrase in text and phrase in titles, phrase


def test_the_owls_plan_keeps_the_responsibility_its_tactics_name():
    p = load_plan(ROOT / "params" / "examples" / "owls-2016-19.yaml")
    assert p.priority("systems").actions[2].owner == "PJM, VP, trustees and chairs of governors"
    assert {a.owner for a in p.priority("systems").actions} >= {"PJM and VP"}


# --- an actions row naming an action the plan does not have -----------------------------
# It was dropped without a word: the action it meant showed "no update" (overdue once past
# its term) and nobody was told the row was never read.

def _actions_drop(folder: Path, *rows: str) -> Path:
    from drops import drop_with

    return drop_with(folder, actions=["urn,term,action_id,status,note", *rows])


def test_an_actions_row_naming_no_action_of_the_plan_is_an_error_naming_row_and_column(
        tmp_path):
    from drops import URN_A as DROP_URN
    from drops import make_trust

    from govkit.data.validate import validate_drop

    drop = _actions_drop(tmp_path, ",2024-25-summer,a1,on_track,",
                         ",2024-25-summer,a9,at_risk,Typed wrong",  # sheet row 3
                         f"{DROP_URN},2024-25-summer, a2 ,done,")  # cells are trimmed: a2
    p = _plan_with_actions(ACTIONS)
    errors = [str(e) for e in validate_drop(drop, make_trust(), plan=p,
                                            plan_file="params/plan.yaml")
              if e.severity == "error"]
    assert errors == ["actions.csv:3:action_id: 'a9' is not an action of the plan "
                      "(params/plan.yaml); its actions: a1, a2, a3, a4"]
    # a plan with no actions at all says so rather than list nothing
    none = [str(e) for e in validate_drop(drop, make_trust(), plan=_plan_with_actions([]),
                                          plan_file="plan.yaml") if e.severity == "error"]
    assert none[0] == ("actions.csv:2:action_id: 'a1' is not an action of the plan "
                       "(plan.yaml); it has no actions (add them under a priority's "
                       "actions:, or leave the actions file out)") and len(none) == 3


def test_a_store_is_not_rebuilt_from_actions_the_plan_does_not_have(tmp_path):
    """The store built from a good drop stays as it was when the drop gains a bad row, and
    a plan edited since the store was built (an action dropped) makes it stale: the next
    build checks the rows against it."""
    import os

    from drops import make_trust

    from govkit.data.store import build_store, is_stale
    from govkit.errors import DataError

    p = _plan_with_actions(ACTIONS)
    drop = _actions_drop(tmp_path / "drop", ",2024-25-summer,a1,on_track,")
    store = build_store(drop, make_trust(), tmp_path / "govkit.duckdb", p)
    before = store.read_bytes()
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text("plan", encoding="utf-8")
    built = store.stat().st_mtime
    os.utime(plan_file, (built - 5,) * 2)
    assert not is_stale(store, drop, plan_file=plan_file)
    os.utime(plan_file, (built + 5,) * 2)  # the plan edited since
    assert is_stale(store, drop, plan_file=plan_file) and not is_stale(store, drop)
    _actions_drop(tmp_path / "drop", ",2024-25-summer,a1,on_track,",
                  ",2024-25-summer,a5,done,")
    with pytest.raises(DataError, match=r"actions.csv:3:action_id: 'a5' is not an action"):
        build_store(drop, make_trust(), store, p)
    assert store.read_bytes() == before


def test_govkit_validate_and_run_refuse_an_unknown_action_with_exit_2(tmp_path):
    import shutil

    from typer.testing import CliRunner

    from govkit.cli import app

    drop = tmp_path / "drop"
    shutil.copytree(ROOT / "data" / "demo", drop)
    actions = drop / "actions.csv"
    lines = actions.read_text(encoding="utf-8").split("\n")
    assert lines[3].startswith(",2024-25-summer,attendance-strategy,")  # sheet row 4
    lines[3] = lines[3].replace("attendance-strategy", "attendence-strategy")
    actions.write_text("\n".join(lines), encoding="utf-8")
    params = ROOT / "params"
    line = (f"actions.csv:4:action_id: 'attendence-strategy' is not an action of the plan "
            f"({params / 'plan.yaml'}); its actions: attendance-strategy, ")
    r = CliRunner().invoke(app, ["validate", str(drop), "--params", str(params)])
    assert r.exit_code == 2 and r.output.startswith(line), r.output
    assert "teacher-training" in r.output.splitlines()[0]  # every one of the plan's 15
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["run", "--params", str(params), "--data", str(drop),
                                 "--out", str(out)])
    assert r.exit_code == 2, r.output
    assert "actions.csv:4:action_id: 'attendence-strategy' is not an action" in r.output
    assert not out.exists()  # no store, no page, no lock: nothing half-written
