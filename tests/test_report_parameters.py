"""What a leader may set in a report notebook, and where the data comes from.

Parameters are checked against trust.yaml and plan.yaml before any data is read; an
unknown audience is refused (it once fell back to the board's threshold on a public
card); the report card applies the public rules whatever audience it is given; a govkit
error shows in a notebook as one line. The data folder comes from one rule (a given
folder, GOVKIT_DATA, trust.yaml's ``data:``, the demo) for the CLI and the notebooks, and
a store built from another folder is rebuilt, saying so.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from typer.testing import CliRunner

from govkit import paths
from govkit.cli import app, configured_data
from govkit.data.demo import write_demo, write_trust_yaml
from govkit.data.store import ensure_store, store_meta
from govkit.errors import ConfigError
from govkit.plan.params import load_params
from govkit.reports import blocks, context, report_card

ROOT = Path(__file__).resolve().parents[1]
SMALL_CARD_SCHOOL = 148192  # Thornwick Green: small cohorts, so the threshold matters


@pytest.fixture(scope="module")
def demo_params():
    return load_params(ROOT / "params")


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("store") / "govkit.duckdb"
    return ensure_store(ROOT / "params", ROOT / "data" / "demo", store)


# --- parameters, checked before any data ---------------------------------------------------

@pytest.mark.parametrize("value", [148127, "148127", " 148127 ", 148127.0, "148127.0"])
def test_a_urn_may_come_as_text_or_a_spreadsheet_number(demo_params, value):
    trust, plan = demo_params
    assert context.check_parameters(trust, plan, urn=value)[1] == 148127


@pytest.mark.parametrize("value", [None, "", "  "])
def test_no_urn_is_the_whole_trust(demo_params, value):
    assert context.check_parameters(*demo_params, urn=value)[1] is None


@pytest.mark.parametrize(("kw", "says"), [
    ({"urn": 148127.5}, "urn 148127.5 is not a URN"),
    ({"urn": "Calder Moor"}, "urn 'Calder Moor' is not a URN"),
    ({"urn": True}, "is not a URN"),
    ({"urn": 999999}, "urn 999999 is not a school of Kestrel Valley Learning Trust; its "
                      "schools are 148101 Ashcombe Primary School"),
    ({"term": "2019-20-autumn"}, "term '2019-20-autumn' is not one of the trust's terms: "
                                 "2022-23-autumn, 2022-23-spring"),
    ({"audience": "parents"}, "audience 'parents' is not one of board, trust_leaders, lgb, "
                              "school_leaders, public"),
    ({"audience": "Board"}, "audience 'Board' is not one of"),
    ({"priority": "p9"}, "no priority 'p9' in the plan; it has: education, colleagues"),
])
def test_a_wrong_parameter_is_refused_with_the_valid_values(demo_params, kw, says):
    with pytest.raises(ConfigError) as e:
        context.check_parameters(*demo_params, **kw)
    assert says in str(e.value)


def test_the_defaults_are_the_latest_term_the_trust_and_the_board(demo_params):
    trust, plan = demo_params
    assert context.check_parameters(trust, plan) == (trust.latest_term, None, "board", None)


@pytest.mark.parametrize("kw", [{"urn": 1}, {"term": "2030-31-autumn"},
                                {"audience": "parents"}, {"priority": "nope"}])
def test_open_report_refuses_before_reading_any_data(tmp_path, kw):
    store = tmp_path / "never" / "govkit.duckdb"
    missing_drop = tmp_path / "no-such-drop"
    with pytest.raises(ConfigError):
        context.open_report(ROOT / "params", missing_drop, store, **kw)
    assert not store.parent.exists()  # no store built, not even its folder


# --- the report card is always public -------------------------------------------------------

def _card(ctx) -> list[str]:
    shown: list = []
    sections = report_card.sections  # where the card's own headings are displayed
    keep = blocks._display, sections._display
    blocks._display = sections._display = lambda obj, **_: shown.append(obj)
    try:
        report_card.report_card(ctx)
    finally:
        blocks._display, sections._display = keep
    return [str(getattr(o, "data", o)) for o in shown if not hasattr(o, "savefig")]


def test_the_report_card_shows_the_same_figures_whatever_audience(demo_store):
    pages = {a: _card(context.open_report(ROOT / "params", ROOT / "data" / "demo", demo_store,
                                          urn=SMALL_CARD_SCHOOL, audience=a))
             for a in ("public", "board", "trust_leaders", "lgb", "school_leaders")}
    public = pages.pop("public")
    assert any("Not shown (c)" in part for part in public)  # the public threshold bites here
    for audience, page in pages.items():
        assert page == public, audience


# --- a govkit error in a notebook: one line ---------------------------------------------------

def test_a_wrong_urn_shows_as_one_line_in_the_notebook(tmp_path, demo_store):
    out = tmp_path / "card.ipynb"
    with pytest.raises(pm.PapermillExecutionError) as e:
        pm.execute_notebook(str(ROOT / "notebooks" / "report_card.ipynb"), str(out),
                            parameters={"store_path": str(demo_store), "urn": 999999},
                            kernel_name="python3", progress_bar=False, cwd=str(ROOT / "notebooks"))
    assert e.value.ename == "ConfigError"  # the cell still fails: the batch sees it
    errors = [o for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.output_type == "error"]
    assert len(errors) == 1
    assert errors[0].traceback == [
        "ConfigError: urn 999999 is not a school of Kestrel Valley Learning Trust; its schools "
        "are " + ", ".join(f"{s.urn} {s.name}" for s in
                           load_params(ROOT / "params")[0].schools)]


# --- where the data is ------------------------------------------------------------------------

def test_the_data_folder_comes_from_one_rule(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.DATA_ENV, raising=False)
    params = tmp_path / "params"
    assert paths.data_dir("given", "ours", params) == Path("given").resolve()
    assert paths.data_dir(None, "../data/ours", params) == (tmp_path / "data" / "ours")
    # nothing configured: the demo drop beside the params folder, for the CLI as for the
    # notebooks, wherever the command runs from (the CLI once took data/demo from the cwd)
    monkeypatch.chdir(ROOT)
    assert paths.data_dir(None, None, params) == tmp_path / "data" / "demo"
    assert configured_data(None, params) == tmp_path / "data" / "demo"
    monkeypatch.setenv(paths.ROOT_ENV, str(tmp_path))
    assert paths.data_dir(None, None, params) == tmp_path / "data" / "demo"
    monkeypatch.setenv(paths.DATA_ENV, str(tmp_path / "from-env"))
    assert paths.data_dir(None, "../data/ours", params) == tmp_path / "from-env"
    assert paths.data_dir("given", "../data/ours", params) == Path("given").resolve()


@pytest.fixture(scope="module")
def two_drops(tmp_path_factory) -> Path:
    """A project whose trust.yaml points at its own 2-school drop (data: ../data/ours)."""
    root = tmp_path_factory.mktemp("own")
    demo = write_demo(root / "data" / "ours", schools=2)
    write_trust_yaml(root / "params" / "trust.yaml", demo)
    shutil.copy(ROOT / "params" / "plan.yaml", root / "params" / "plan.yaml")
    trust_yaml = root / "params" / "trust.yaml"
    trust_yaml.write_text(trust_yaml.read_text() + "data: ../data/ours\n", encoding="utf-8")
    return root


def test_kpis_and_notebooks_read_the_configured_folder(two_drops, monkeypatch, capsys):
    monkeypatch.delenv(paths.DATA_ENV, raising=False)
    monkeypatch.chdir(two_drops)
    store = two_drops / "outputs" / "govkit.duckdb"
    r = CliRunner().invoke(app, ["kpis", "--params", "params", "--store", str(store),
                                 "--csv", str(two_drops / "kpis.csv")])
    assert r.exit_code == 0, r.output
    assert store_meta(store)["data_dir"] == str(two_drops / "data" / "ours")
    built = store.stat().st_mtime_ns
    ctx = context.open_report(store_path=store)  # all defaults, from the project folder
    assert ctx.trust.urns == [148101, 148114]
    assert store.stat().st_mtime_ns == built  # same folder: the store is reused, not rebuilt
    assert capsys.readouterr().out == ""


def test_a_store_from_another_folder_is_rebuilt_and_says_so(two_drops, tmp_path):
    store = tmp_path / "govkit.duckdb"
    params = two_drops / "params"
    ensure_store(params, two_drops / "data" / "ours", store)
    other = tmp_path / "copy"
    shutil.copytree(two_drops / "data" / "ours", other)
    said: list[str] = []
    ensure_store(params, other, store, notify=said.append)
    assert said == [f"{store} was built from {two_drops / 'data' / 'ours'}; rebuilding it "
                    f"from {other}, the data folder configured now"]
    assert store_meta(store)["data_dir"] == str(other)
    said.clear()
    ensure_store(params, other, store, notify=said.append)
    assert said == []  # fresh: nothing rebuilt, nothing said


def test_build_store_and_run_take_the_configured_folder_and_the_variable_over_it(
        two_drops, tmp_path, monkeypatch):
    from govkit.cli import configured_data

    monkeypatch.delenv(paths.DATA_ENV, raising=False)
    params = two_drops / "params"
    assert configured_data(None, params) == two_drops / "data" / "ours"
    assert configured_data(Path("mine"), params) == Path("mine")  # --data wins
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(two_drops / "data" / "ours", elsewhere)
    monkeypatch.setenv(paths.DATA_ENV, str(elsewhere))
    assert configured_data(None, params) == elsewhere
    store = tmp_path / "store.duckdb"
    r = CliRunner().invoke(app, ["build-store", "--params", str(params), "--store", str(store)])
    assert r.exit_code == 0, r.output
    assert store_meta(store)["data_dir"] == str(elsewhere)
