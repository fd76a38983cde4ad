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
from govkit.plan import fmt
from govkit.plan.config import load_plan, load_trust
from govkit.plan.evaluate import Evaluator
from govkit.plan.measures import results_year

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
    with open_store(store) as con:
        return Evaluator(trust, load_plan(home / "params/plan.yaml"), con)


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
    assert shown.startswith("Results for 2016-17 and 2017-18 are filed by DfE under URN "
                            "121680, Richmond School's URN before it converted: shown as the "
                            "school's own history. Trust figures count the schools in the "
                            "trust at the time")


def test_a_past_years_trust_figure_counts_only_the_schools_in_the_trust_then(arete):
    ev = _evaluator(arete)
    # 2016-17: only Stokesley was in the trust (Richmond joined December 2017,
    # Northallerton September 2019): its own 0.36
    assert ev.raw("ks4_progress8", "2016-17-summer").value == pytest.approx(0.36)
    assert ev.raw("ks4_progress8", "2016-17-summer").urns == (STOKESLEY,)
    # 2017-18: Richmond (0.25 of 234 pupils) and Stokesley (-0.23 of 180), weighted
    # by P8PUP: (58.5 - 41.4) / 414
    assert ev.raw("ks4_progress8", "2017-18-summer").value == pytest.approx(17.1 / 414)
    rows = ev.kpis("2017-18-summer").set_index("measure")
    assert rows.loc["ks4_progress8", "schools_in_scope"] == 2
    # a trust row names only schools in the trust then: Northallerton (red on English and
    # maths grade 4 at 58%) joined in 2019
    for named in rows["red_schools"].dropna():
        assert "Northallerton" not in named
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
        row = ev.kpis(term).set_index("measure").loc["ks4_progress8"]
        assert row["national_value"] == p8 and "state-funded" in row["national_source"]


def test_progress_8_keeps_dfes_two_decimals_and_published_limits(arete):
    ev = _evaluator(arete)
    one = ev.raw("ks4_progress8", "2017-18-summer", STOKESLEY)
    # Stokesley School 2017-18: P8MEA -0.23, P8CILOW -0.41, P8CIUPP -0.04
    assert ev.interval("ks4_progress8", one, "2017-18-summer", STOKESLEY, "board") == (
        -0.41, -0.04)
    row = ev.kpis("2017-18-summer", STOKESLEY).set_index("measure").loc["ks4_progress8"]
    assert fmt.value(row["value"], row["unit"]) == "-0.23"
    # the trust's 17.1 / 414 = 0.0413 reads 0.04, and is rated on 0.04, not on 0.0
    trust = ev.raw("ks4_progress8", "2017-18-summer")
    assert fmt.value(trust.value, "progress") == "0.04"
    assert ev.rate("ks4_progress8", trust, 0.05, 0.0, "higher") == "red"


def test_a_percentage_is_shown_as_published_and_its_count_as_approximate(arete):
    ev = _evaluator(arete)
    # Richmond School 2017-18 (filed under 121680): PTL2BASICS_94 69% of TPUP 236;
    # 0.69 x 236 = 162.84, so 163 pupils, which is 69.07%: DfE printed 69%
    mv = ev.raw("ks4_eng_mat_grade4", "2017-18-summer", RICHMOND)
    assert mv.value == 69.0 and (mv.numerator, mv.denominator) == (163, 236)
    assert ev.cohort_text("ks4_eng_mat_grade4", mv) == "about 163 of 236 pupils"


@pytest.fixture(scope="module")
def hampshire(tmp_path_factory) -> Evaluator:
    """Every Hampshire school in the KS2 files, as one (imaginary) trust, its three years
    imported."""
    import csv

    import yaml

    home = tmp_path_factory.mktemp("hampshire")
    urns: dict[int, str] = {}
    for year in ("2016-2017", "2017-2018", "2018-2019"):
        with open(DFE / f"ks2/{year}_850_ks2final.csv", encoding="utf-8-sig") as f:
            for r in csv.DictReader(f):
                if r["URN"].strip().isdigit():
                    urns[int(r["URN"])] = r["SCHNAME"]
                if (r["URN_AC"] or "").strip() not in ("", "0"):  # the academy it became
                    urns[int(r["URN_AC"])] = r["SCHNAME"]
    params = home / "params"
    params.mkdir()
    (params / "trust.yaml").write_text(yaml.safe_dump({
        "name": "Hampshire schools", "data": "../data",
        "schools": [{"urn": u, "name": n, "phase": "primary"} for u, n in urns.items()],
        "terms": [f"{y}-{(y + 1) % 100:02d}-summer" for y in (2016, 2017, 2018)]}),
        encoding="utf-8")
    (params / "plan.yaml").write_text((ROOT / "params/plan.yaml").read_text("utf-8"),
                                      encoding="utf-8")
    said = _run("import", *sorted((DFE / "ks2").glob("*_ks2final.csv")), "--params", params)
    # KS2 files link a converter to its academy themselves (URN_AC)
    assert "2016-17 KS2 of Gomer Junior School read from its predecessor, URN 116181" in said
    return _evaluator(home)


def test_no_clear_difference_call_differs_from_dfes_limits_on_the_hampshire_file(hampshire):
    import csv

    from govkit.plan import uncertainty

    ev = hampshire
    checked = flipped = 0
    for year, term in (("2016-2017", "2016-17-summer"), ("2017-2018", "2017-18-summer"),
                       ("2018-2019", "2018-19-summer")):
        with open(DFE / f"ks2/{year}_850_ks2final.csv", encoding="utf-8-sig") as f:
            rows = [r for r in csv.DictReader(f) if r["URN"].strip().isdigit()]
        for r in rows:
            for col, measure in (("READPROG", "ks2_read_progress"),
                                 ("WRITPROG", "ks2_writ_progress"),
                                 ("MATPROG", "ks2_mat_progress")):
                try:
                    score, lo, hi = (float(r[c]) for c in (col, col + "_LOWER",
                                                           col + "_UPPER"))
                except (ValueError, TypeError):
                    continue  # SUPP, NE, LOWCOV or a short row: no limits published
                # a converter's row is the academy's (URN_AC), as the import followed it
                urn = int(r["URN_AC"]) if r["URN_AC"].strip() not in ("", "0") else int(
                    r["URN"])
                mv = ev.raw(measure, term, urn)
                ci = ev.interval(measure, mv, term, urn, "board")
                assert fmt.value(mv.value, "progress") == f"{score:.2f}", r["SCHNAME"]
                assert ci == (lo, hi), (r["SCHNAME"], measure, term)
                dfe_call = not (lo <= 0 <= hi)  # DfE: above or below national (0)
                flipped += uncertainty.clear_of(0.0, *ci) != dfe_call
                checked += 1
    assert checked > 2500 and flipped == 0


def test_national_ks2_from_the_files_own_rows_each_year(hampshire):
    ev = hampshire
    # RWM expected standard, state-funded national rows: 61% (2016-17), 64%, 65%
    for term, want in (("2016-17-summer", 61), ("2017-18-summer", 64), ("2018-19-summer", 65)):
        b = ev.national("ks2_rwm_expected", results_year(term), None)
        assert b is not None and b.value == want


def test_no_check_cells_output_reaches_a_report(demo_term):
    """nbval's check cells print a headline ("<trust>: Attendance 93.2% in Summer 2025"):
    compared by nbval, never shown on a page."""
    import re

    pages = [demo_term / "trust/trust_overview.html",
             *sorted(demo_term.glob("*/education.html"))[:1]]
    assert len(pages) == 2
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r": Attendance [\d.]+% in (Autumn|Spring|Summer) \d{4}", text)


def test_phases_as_gias_has_them_and_a_kpi_that_cannot_apply_is_z():
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from memstore import URN_A, URN_B, URN_C, memstore, plan, result, schools, trust

    from govkit.data.importers.gias import phase_of

    assert [phase_of("Primary", "Community school", n) for n in (
        "Church Crookham Junior School", "Elvetham Heath Infant School",
        "St Mark's Junior and Infant School")] == ["junior", "infant", "primary"]
    assert phase_of("16 plus", "Sixth form centres") == "16-plus"
    # an infant, a junior and a primary school; KS2 RWM 40 of 50 at the junior school,
    # 15 of 25 at the primary: the trust's (40 + 15) / 75 = 73.3%, on two of two schools
    # (the infant school takes no KS2 tests: z, not counted in coverage)
    con = memstore(schools=schools("infant", "junior", "primary"), attainment=[
        result(URN_B, "2023-24", "rwm_expected", 50, 40),
        result(URN_C, "2023-24", "rwm_expected", 25, 15)])
    ev = Evaluator(trust("infant", "junior", "primary"),
                   plan([{"id": "rwm", "measure": "ks2_rwm_expected", "target": 60},
                         {"id": "phonics", "measure": "phonics_pass", "target": 80}]), con)
    infant = ev.kpis("2023-24-summer", URN_A).set_index("kpi_id")
    assert infant.loc["rwm", "status"] == "not_applicable"
    assert fmt.value(None, "percent", infant.loc["rwm", "status"]) == "z"
    assert infant.loc["phonics", "status"] != "not_applicable"
    whole = ev.kpis("2023-24-summer").set_index("kpi_id")
    assert whole.loc["rwm", "value"] == pytest.approx(100 * 55 / 75)
    assert (whole.loc["rwm", "schools_counted"], whole.loc["rwm", "schools_in_scope"]) == (2, 2)
    assert whole.loc["phonics", "schools_in_scope"] == 2  # the infant and the primary
    # compared as primary schools (targets by phase, national for primaries)
    assert ev.phase_of("ks2_rwm_expected", URN_B) == "primary"


def test_a_school_that_left_stops_counting(arete):
    import datetime as dt

    trust = load_trust(arete / "params/trust.yaml")
    left = trust.model_copy(update={"schools": [
        s.model_copy(update={"left_trust": dt.date(2018, 1, 1)}) if s.urn == STOKESLEY
        else s for s in trust.schools]})
    ev = Evaluator(left, load_plan(arete / "params/plan.yaml"),
                   open_store(build_store(arete / "data", left, arete / "left.duckdb")))
    # Stokesley left in January 2018: 2016-17 is still its 0.36, 2017-18 Richmond's 0.25
    assert ev.raw("ks4_progress8", "2016-17-summer").value == pytest.approx(0.36)
    assert ev.raw("ks4_progress8", "2017-18-summer").urns == (RICHMOND,)
    assert ev.raw("ks4_progress8", "2017-18-summer").value == pytest.approx(0.25)


def test_gias_links_file_gives_predecessors(tmp_path):
    from govkit.data.importers.gias import predecessors

    links = tmp_path / "links.csv"
    links.write_text("URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n"
                     "146419,125138,Ottershaw Junior School,Predecessor,01-03-2019\n"
                     "125138,146419,Ottershaw Junior School,Successor,01-03-2019\n"
                     "999999,146419,Elsewhere,Predecessor,01-03-2019\n", encoding="utf-8")
    assert predecessors(links, {146419, 125138}) == {146419: (125138,)}


def test_the_trusts_overview_from_init_to_page(arete):
    """The real trust's overview, built by the batch as `govkit run` builds it."""
    from govkit.batch.runner import run_batch

    result = run_batch(arete / "params", arete / "data", arete / "outputs",
                       term="2017-18-summer", reports=["trust_overview"],
                       store_path=arete / "run.duckdb")
    assert not result.failures, [e.error for e in result.failures]
    page = (arete / "outputs/2017-18-summer/trust/trust_overview.html").read_text("utf-8")
    assert "published national figure" not in page
    assert "national (state-funded schools)" in page  # DfE's own 2017-18 row, cited
    assert "0.04" in page and "-0.02" in page  # the trust's Progress 8 and national's
    # a school that joined later is named so in the grid and the attention table
    assert "Northallerton School &amp; Sixth Form College (joined the trust September 2019)" \
        in page


def test_below_national_two_years_running_fires_on_dfes_own_rows(arete):
    from govkit.plan.config import Trigger

    base = _evaluator(arete)
    with open_store(arete / "store-0.duckdb") as con:  # the same store: its tables lent
        ev = Evaluator(base.trust, base.plan.model_copy(update={"triggers": [Trigger(
            id="att8-below", description="Attainment 8 below national two years running",
            kind="below_national_years", measure="ks4_attainment8", periods=2)]}), con,
            warm=base)
    fired = ev.triggers("2017-18-summer")
    # Northallerton (its predecessor 121678): 45.2 against 46.0 in 2016-17, 44.6 against
    # 46.4 in 2017-18; Richmond (49.4, 49.0) and Stokesley (54.6, 48.3) are above
    assert list(fired["urn"]) == [NORTHALLERTON]


def test_a_trust_trend_names_the_schools_it_counts_when_they_changed(arete):
    ev = _evaluator(arete)
    assert ev.history_note(None, "ks4_progress8") == (
        "Trust figures count the schools in the trust at the time: a school counts from "
        "the academic year it joined, and stops when it leaves. Here: Northallerton School "
        "& Sixth Form College in none of these years (joined September 2019); Richmond "
        "School from 2017-18 (joined December 2017).")
    like = _evaluator(arete, history="like_for_like")
    assert like.history_note(None, "ks4_progress8").startswith(
        "Trust figures for every year count today's schools throughout (like for like)")
