"""Real history, on a real North Yorkshire trust from the shared DfE files.

Areté Learning Trust (GIAS Group UID 5622): Stokesley School (academy since 2015, in
the trust since April 2015), Richmond School (converted 1 December 2017, URN 121680
before, joined then) and Northallerton School (converted and joined 1 September 2019,
URN 121678 before). DfE filed Richmond's 2016-17 and 2017-18 KS4 and Northallerton's
under the old URNs. The figures below are read off the files by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from govkit.cli import app
from govkit.data.store import build_store, open_store
from govkit.plan.config import load_plan, load_trust
from govkit.plan.evaluate import Evaluator

ROOT = Path(__file__).resolve().parents[1]
DFE = ROOT.parent / "shared" / "dfe"
pytestmark = pytest.mark.skipif(not DFE.is_dir(), reason=f"the shared DfE files are not "
                                f"in {DFE} (this test starts a real trust from them)")
STOKESLEY, RICHMOND, NORTHALLERTON = 141930, 145090, 146969


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def arete(tmp_path_factory) -> Path:
    """`govkit init` then `govkit import` of KS4 2016-17, 2017-18 and the census files."""
    home = tmp_path_factory.mktemp("arete")
    params = home / "params"
    said = _run("init", "--gias-links", DFE / "gias/group_links.csv", "--trust",
                "Arete Learning Trust", "--gias-school-info",
                DFE / "gias/815_school_information.csv", "--first-year", "2016-17",
                "--last-year", "2018-19", "--params", params)
    said += _run("import", DFE / "ks4/2016-2017_815_ks4final.csv",
                 DFE / "ks4/2017-2018_815_ks4final.csv",
                 *sorted((DFE / "census").glob("*.csv")), "--params", params)
    (home / "said.txt").write_text(said, encoding="utf-8")
    return home


def _evaluator(home: Path, **trust_changes) -> Evaluator:
    trust = load_trust(home / "params/trust.yaml")
    if trust_changes:
        trust = trust.model_copy(update=trust_changes)
    store = build_store(home / "data", trust, home / f"store-{len(trust_changes)}.duckdb")
    return Evaluator(trust, load_plan(home / "params/plan.yaml"), open_store(store))


def test_init_folds_accents_and_finds_each_converters_predecessor(arete):
    trust = load_trust(arete / "params/trust.yaml")
    assert trust.name == "Areté Learning Trust"
    assert {s.urn: s.predecessors for s in trust.schools} == {
        STOKESLEY: (), RICHMOND: (121680,), NORTHALLERTON: (121678,)}
    said = (arete / "said.txt").read_text(encoding="utf-8")
    # the workbook goes where validate reads it
    assert f"template --out {arete / 'params'}/../data/trust-data.xlsx" not in said
    assert "govkit template --out " + str(arete / "data" / "trust-data.xlsx") in said


def test_a_converters_ks4_years_reach_the_academy_and_the_import_says_so(arete):
    said = (arete / "said.txt").read_text(encoding="utf-8")
    for year in ("2016-17", "2017-18"):
        assert f"{year} KS4 of Richmond School read from its predecessor, URN 121680" in said
    assert "not in the file" not in said.split("2017-2018_815_ks4final.csv")[1].split(
        "2016-2017_815_census")[0]
    ev = _evaluator(arete)
    p8 = ev.raw("ks4_progress8", "2016-17-summer", RICHMOND)
    assert (p8.value, p8.denominator) == (0.15, 243)  # Richmond School, URN 121680, 2016-17
    shown = ev.history_note(RICHMOND, "ks4_progress8")
    assert "2016-17 and 2017-18" in shown and "121680" in shown


def test_a_past_years_trust_figure_counts_only_the_schools_in_the_trust_then(arete):
    ev = _evaluator(arete)
    # 2016-17: only Stokesley was in the trust (Richmond joined December 2017,
    # Northallerton September 2019): its own 0.36
    assert ev.raw("ks4_progress8", "2016-17-summer").value == pytest.approx(0.36)
    assert ev.raw("ks4_progress8", "2016-17-summer").urns == (STOKESLEY,)
    # 2017-18: Richmond (0.25 of 234 pupils) and Stokesley (-0.23 of 180), weighted
    # by P8PUP: (58.5 - 41.4) / 414
    assert ev.raw("ks4_progress8", "2017-18-summer").value == pytest.approx(17.1 / 414)
    row = ev.kpis("2017-18-summer").set_index("measure").loc["ks4_progress8"]
    assert row["schools_in_scope"] == 2
    # like for like: today's three schools throughout, Northallerton's predecessor
    # included (-0.13 of 172): (58.5 - 41.4 - 22.36) / 586
    like = _evaluator(arete, history="like_for_like")
    assert like.raw("ks4_progress8", "2017-18-summer").value == pytest.approx(-5.26 / 586)


def test_national_comes_from_the_files_own_rows_for_each_year(arete):
    ev = _evaluator(arete)
    # state-funded national rows (RECTYPE 7): Progress 8 -0.03 in 2016-17, -0.02 in
    # 2017-18; Attainment 8 46.0 and 46.4
    for term, p8, att8 in (("2016-17-summer", -0.03, 46.0), ("2017-18-summer", -0.02, 46.4)):
        for measure, want in (("ks4_progress8", p8), ("ks4_attainment8", att8)):
            b = ev.national(measure, ev.raw(measure, term).period, STOKESLEY)
            assert b is not None and b.value == want, (measure, term)
            assert "national (state-funded schools)" in b.citation
