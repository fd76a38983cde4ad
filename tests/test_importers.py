"""Each DfE importer on the shared real files: the LA's schools, aggregated as govkit
aggregates them, give the file's own local-authority row (within DfE's rounding)."""

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from govkit.cli import app
from govkit.data.importers import census, cfr, import_file, import_files, ks4, recognise
from govkit.data.importers.dfe import academic_year, read_value
from govkit.data.importers.gias import find_trust, phase_of
from govkit.data.importers.ks2 import la_comparison, read_ks2
from govkit.data.validate import load_drop
from govkit.errors import ConfigError, DataError
from govkit.plan.config import School, Trust, load_trust
from govkit.terms import TermError

# shared/ sits beside the project (CI clones the repository with shared/ next to it)
DFE = Path(__file__).resolve().parents[2] / "shared" / "dfe"
pytestmark = pytest.mark.skipif(not DFE.is_dir(), reason="the shared DfE files are not here")
YCST = 5599  # Yorkshire Causeway Schools Trust: nine schools, all in North Yorkshire
ST_AIDANS = 137139  # its secondary school


def test_each_file_is_recognised_by_its_columns():
    names = {f: getattr(recognise(DFE / f), "name", None) for f in (
        "ks2/2018-2019_850_ks2final.csv", "ks4/2016-2017_815_ks4final.csv",
        "ks4/2017-2018_815_ks4final.csv", "census/2016-2017_815_census.csv",
        "census/2018-2019_815_census.csv", "cfr/2017-2018_815_cfr.csv",
        "gias/groups.csv")}
    assert list(names.values()) == ["ks2", "ks4", "ks4", "census", "census", "cfr", None]


def test_census_schools_add_up_to_the_la_rows_exactly():
    got = census.read(DFE / "census/2018-2019_815_census.csv", "2018-19")
    # The LA rows as printed in the file: NOR 45,523 primary, 36,225 secondary, 871 special.
    assert got.checks == ["pupils on roll, schools vs the file's LA row: State-funded primary "
                          "45,523 = 45,523; State-funded secondary 36,225 = 36,225; "
                          "State-funded special school 871 = 871"]
    assert got.left_out["no census figures (NA: independent schools)"] == 21
    # January's census stands for the whole year: a summer report has pupils on roll too
    assert set(got.rows["term"]) == {"2018-19-autumn", "2018-19-spring", "2018-19-summer"}


@pytest.mark.parametrize("year,exact", [("2016-17", True), ("2017-18", False)])
def test_ks4_schools_reproduce_the_la_row_within_rounding(year, exact):
    path = DFE / f"ks4/{year[:4]}-20{year[5:]}_815_ks4final.csv"
    schools, las, _, _ = ks4.read_ks4_rows(path, year)
    found = {ind: (lo, hi, la) for ind, lo, hi, la in ks4.la_comparison(schools, las)}
    assert set(found) == {"eng_mat_grade4", "eng_mat_grade5", "ebacc_entered", "att8"}
    for ind, (lo, hi, la) in found.items():
        # Each school's percentage is printed to 1% (so its pupils to half a per cent of its
        # cohort) and the LA's to 0.1: 0.15 points either way is DfE's rounding.
        assert lo - 0.15 <= la <= hi + 0.15, (ind, lo, hi, la)
    if exact:  # 2016-17: withheld schools' pupils reaching none: the LA row to the digit
        for ind in ("eng_mat_grade4", "eng_mat_grade5", "ebacc_entered"):
            assert round(found[ind][0], 1) == found[ind][2]


def test_ks4_values_known_from_the_raw_file():
    schools, _, _, _ = ks4.read_ks4_rows(DFE / "ks4/2017-2018_815_ks4final.csv",
                                         "2017-18")
    # Barlby High School: TPUP 99, ATT8SCR 45.9, P8PUP 99, P8MEA 0.25 (0.00 to 0.49),
    # PTL2BASICS_94 60% of 99 = 59.4 -> 59 pupils.
    b = schools[schools["urn"] == 144929].set_index("indicator")
    assert (b.at["att8", "score"], b.at["att8", "cohort"]) == (45.9, 99)
    assert (b.at["p8", "score"], b.at["p8", "lower"], b.at["p8", "upper"]) == (0.25, 0.0, 0.49)
    assert b.at["eng_mat_grade4", "pupils"] == 59


def test_ks2_schools_reproduce_the_la_row_within_rounding():
    for year in ("2016-2017", "2017-2018", "2018-2019"):
        ks2, _ = read_ks2(DFE / f"ks2/{year}_850_ks2final.csv")
        [(name, lo, hi, la)] = la_comparison(ks2)
        assert name == "Hampshire"
        assert lo - 0.5 <= la <= hi + 0.5  # the LA row is printed to the whole per cent


def test_cfr_totals_are_their_headings_within_rounding():
    got = cfr.read(DFE / "cfr/2018-2019_815_cfr.csv", "2018-19")
    assert got.checks == ["totals against their headings, per pupil: within £3 for every "
                          "school (266 schools)"]
    # URN 121268 as printed: PUPILS 35, TOTALINCOME "10,047", TOTALEXPENDITURE "8,004":
    # income 35 x 10,047 = 351,645; expenditure 35 x 8,004 = 280,140.
    r = got.rows.set_index("urn").loc[121268]
    assert (r["income"], r["expenditure"]) == (351645, 280140)
    assert r["term"] == "2018-19-summer"


def test_read_value_and_years():
    assert read_value("9,109") == (9109.0, None, None)
    assert read_value("42.20%") == (42.2, None, None)
    assert read_value("SUPP") == (None, "c", "SUPP")
    assert academic_year("2018-2019") == "2018-19"
    for bad in ("2019-18", "2018-2020", "2018"):
        with pytest.raises(TermError):
            academic_year(bad)


def test_gias_finds_the_trust_not_its_sponsor_and_suggests_names():
    t = find_trust(DFE / "gias/group_links.csv", "yorkshire  causeway schools trust")
    assert (t.uid, t.group_type, len(t.schools)) == ("5599", "Multi-academy trust", 9)
    st_aidans = next(s for s in t.schools if s.urn == ST_AIDANS)
    assert (st_aidans.phase, st_aidans.joined.isoformat()) == ("secondary", "2011-08-01")
    with pytest.raises(ConfigError, match="did you mean: YORKSHIRE CAUSEWAY SCHOOLS TRUST "
                                          r"\(Group UID 5599, Multi-academy trust\)"):
        find_trust(DFE / "gias/group_links.csv", "Yorkshire Causway Schools")
    assert phase_of("Not applicable", "Academy special converter") == "special"
    assert phase_of("Middle deemed secondary", "") == "middle"  # takes KS2, not KS4


def test_init_import_validate_from_an_empty_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke
    r = run(app, ["init", "--gias-links", str(DFE / "gias/group_links.csv"), "--trust",
                  str(YCST), "--first-year", "2016-17", "--last-year", "2018-19"])
    assert r.exit_code == 0, r.output
    trust = load_trust(tmp_path / "params/trust.yaml")
    assert trust.name == "Yorkshire Causeway Schools Trust" and len(trust.urns) == 9
    assert trust.terms[0] == "2016-17-autumn" and trust.terms[-1] == "2018-19-summer"
    assert (tmp_path / "params/plan.yaml").is_file()
    files = sorted(str(p) for d in ("ks4", "census", "cfr") for p in (DFE / d).glob("20*.csv"))
    r = run(app, ["import", *files])
    assert r.exit_code == 0, r.output
    assert "has no school of Yorkshire Causeway Schools Trust: nothing written (CFR covers " \
        "maintained schools only" in r.output
    frames = load_drop(tmp_path / "data", trust)
    att8 = frames["attainment"].query(f"urn == {ST_AIDANS} and indicator == 'att8'")
    assert sorted(att8["academic_year"]) == ["2016-17", "2017-18"]
    # schools of the trust in each year's file, on each of the year's three terms
    assert len(frames["census"]) == 3 * (5 + 7 + 8)
    # importing the same files again replaces, never doubles
    assert run(app, ["import", *files]).exit_code == 0
    assert len(load_drop(tmp_path / "data", trust)["census"]) == 60
    # kpis straight from the import: no schools.csv, census or attendance needed. St
    # Aidan's 2017-18 as printed: ATT8SCR 59.8 of TPUP 247; PTL2BASICS_94 88% of 247 ->
    # 217 pupils.
    r = run(app, ["kpis", "--term", "2017-18-summer", "--school", str(ST_AIDANS), "--csv",
                  "kpis.csv"])
    assert r.exit_code == 0, r.output
    kpis = pd.read_csv(tmp_path / "kpis.csv").set_index("measure")
    assert kpis.at["ks4_attainment8", "value"] == pytest.approx(59.8)
    assert kpis.at["ks4_eng_mat_grade4", "numerator"] == 217
    r = run(app, ["init", "--gias-links", str(DFE / "gias/group_links.csv"), "--trust",
                  str(YCST)])
    assert r.exit_code == 2 and "exists already" in r.output


def test_a_file_govkit_does_not_know_is_refused(tmp_path):
    trust = Trust(name="T", terms=["2018-19-summer"],
                  schools=[School(urn=ST_AIDANS, name="S", phase="secondary")])
    with pytest.raises(DataError, match="not a DfE file govkit can import"):
        import_file(DFE / "gias/groups.csv", tmp_path, trust)


ARETE_OWN_CENSUS = """urn,term,pupils_on_roll,disadvantaged,send_support,ehcp,eal
141930,2017-18-autumn,1180,140,150,5,20
141930,2017-18-summer,1160,139,155,7,22
145090,2017-18-autumn,1350,170,120,8,
145090,2017-18-spring,"1,361",176,126,9,37
"""


def test_the_trusts_own_census_rows_are_kept_and_januarys_fills_only_the_rest(tmp_path):
    """Areté Learning Trust gives its own October and May census for 2017-18 at two
    schools (and Richmond's January); DfE's January census must not overwrite them."""
    run = CliRunner().invoke
    params = tmp_path / "params"
    r = run(app, ["init", "--gias-links", str(DFE / "gias/group_links.csv"), "--trust",
                  "Arete Learning Trust", "--gias-school-info",
                  str(DFE / "gias/815_school_information.csv"), "--first-year", "2016-17",
                  "--last-year", "2018-19", "--params", str(params)])
    assert r.exit_code == 0, r.output
    census_csv = tmp_path / "data" / "census.csv"
    census_csv.write_text(ARETE_OWN_CENSUS, encoding="utf-8")
    r = run(app, ["import", str(DFE / "census/2017-2018_815_census.csv"), "--params",
                  str(params)])
    assert r.exit_code == 0, r.output
    # 9 rows in the file for the trust (3 schools x 3 terms), 4 of them the trust's own
    assert "5 row(s) for 3 school(s), replacing 0" in r.output
    assert "kept: 4 row(s) (2017-18-autumn 2 schools, 2017-18-spring 1, 2017-18-summer 1) " \
        "of the trust's own in census.csv" in r.output
    # Richmond's January figure as the trust gave it (1,361) and as DfE published it
    # (NOR 1360): named by row and column, the trust's kept
    assert "warning: census.csv row 5, pupils_on_roll: Richmond School, 2017-18-spring: " \
        "1,361 here, 1360 in DfE's January census (2017-2018_815_census.csv)" in r.output
    assert r.output.count("warning: census.csv") == 1  # autumn and summer differ by design

    def rows() -> dict[tuple[str, str], list[str]]:
        text = census_csv.read_text(encoding="utf-8").splitlines()
        assert text[0] == "urn,term,pupils_on_roll,disadvantaged,send_support,ehcp,eal,source"
        return {tuple(line.split(",")[:2]): line.split(",", 2)[2] for line in text[1:]}

    got = rows()
    # the trust's own rows exactly as written, the thousands separator and blank EAL too
    for line in ARETE_OWN_CENSUS.splitlines()[1:]:
        urn, term, figures = line.split(",", 2)
        assert got[(urn, term)] == figures + ",", (urn, term)
    # the rest from the file (NOR, NUMFSMEVER, TSENELK, TSENELSE, NUMEAL as printed):
    # Stokesley's January 1167 .. 153, 6, 21 (its FSM-ever 142.5 rounds to 142); Richmond's
    # summer 1360, 176, 126, 9, 37; Northallerton's three terms from its predecessor 121678:
    # 1101, 163, 120, 12, 21
    source = '"DfE January census 2017-18, 2017-2018_815_census.csv"'
    assert got[("141930", "2017-18-spring")] == f"1167,142,153,6,21,{source}"
    assert got[("145090", "2017-18-summer")] == f"1360,176,126,9,37,{source}"
    for season in ("autumn", "spring", "summer"):
        assert got[("146969", f"2017-18-{season}")] == f"1101,163,120,12,21,{source}"
    assert len(got) == 9
    # imported again with 2016-17: its own rows replaced, the trust's still kept, nothing
    # doubled; 2016-17 has no row of the trust's own: 3 schools x 3 terms from the file
    r = run(app, ["import", str(DFE / "census/2016-2017_815_census.csv"),
                  str(DFE / "census/2017-2018_815_census.csv"), "--params", str(params)])
    assert r.exit_code == 0, r.output
    assert "9 row(s) for 3 school(s), replacing 0" in r.output
    assert "5 row(s) for 3 school(s), replacing 5" in r.output
    again = rows()
    assert len(again) == 18 and {k: v for k, v in again.items() if k in got} == got
    # Richmond's 2016-17 from its predecessor 121680: NOR 1456, FSM-ever 190, 124, 9, 38
    assert again[("145090", "2016-17-autumn")].startswith("1456,190,124,9,38,")
    census = load_drop(tmp_path / "data", load_trust(params / "trust.yaml"))["census"]
    assert len(census) == 18
    own = census[census["source"].isna()].set_index(["urn", "term"])
    assert own.loc[(145090, "2017-18-spring"), "pupils_on_roll"] == 1361
    assert pd.isna(own.loc[(145090, "2017-18-autumn"), "eal"])


@pytest.mark.parametrize("book,sheet", [("trust-data.xlsx", "census"),
                                        ("census.xlsx", "Sheet1")])
def test_a_census_kept_in_a_workbook_is_refused_before_anything_is_written(tmp_path, book,
                                                                          sheet):
    """The trust's own census in its workbook (a sheet, or census.xlsx): importing DfE's
    would write census.csv beside it, blind to the trust's rows, and the drop would give
    the census twice. Refused, naming the workbook and sheet, nothing written."""
    from openpyxl import Workbook

    trust = Trust(name="T", terms=["2017-18-autumn", "2017-18-spring", "2017-18-summer"],
                  schools=[School(urn=141930, name="Stokesley School", phase="secondary")])
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(["urn", "term", "pupils_on_roll", "disadvantaged", "send_support", "ehcp"])
    ws.append([141930, "2017-18-autumn", 1180, 140, 150, 5])
    wb.save(tmp_path / book)
    with pytest.raises(DataError) as e:
        import_files([DFE / "census/2017-2018_815_census.csv"], tmp_path, trust)
    label = f"{book}[{sheet}]" if book == "trust-data.xlsx" else book
    assert [str(p) for p in e.value.problems] == [
        f"{label}: census is kept in this workbook; import writes census.csv and a domain "
        f"is given once: save the {'sheet' if book == 'trust-data.xlsx' else 'workbook'} "
        "as census.csv (CSV UTF-8) and remove it from the workbook, then import again"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [book]


# Wavell Community Schools Federation's own finance for its junior school, 2017-18: its
# accounts (income, expenditure and staff costs close to CFR's, staff costs not) with the
# reserves, top slice and energy CFR does not carry; and its spring forecast.
WAVELL_OWN_FINANCE = """urn,term,income,expenditure,staff_costs,revenue_reserve,top_slice,energy_kwh
121343,2017-18-spring,"925,000",915000,677000,61000,18500,52000
121343,2017-18-summer,925300,914600,690000,64000,18500,38500
"""


def test_the_trusts_own_finance_rows_are_kept_and_cfr_fills_only_the_rest(tmp_path):
    """DfE's CFR has no reserves, top slice or energy: importing it must not replace the
    trust's own row for the same school and term (it blanked all three before)."""
    run = CliRunner().invoke
    params = tmp_path / "params"
    r = run(app, ["init", "--gias-links", str(DFE / "gias/group_links.csv"), "--trust",
                  "Wavell Community Schools Federation", "--first-year", "2016-17",
                  "--last-year", "2018-19", "--params", str(params)])
    assert r.exit_code == 0, r.output
    finance_csv = tmp_path / "data" / "finance.csv"
    finance_csv.write_text(WAVELL_OWN_FINANCE, encoding="utf-8")
    cfr_file = str(DFE / "cfr/2017-2018_815_cfr.csv")
    r = run(app, ["import", cfr_file, "--params", str(params)])
    assert r.exit_code == 0, r.output
    assert "1 row(s) for 1 school(s), replacing 0" in r.output
    assert "kept: 1 row(s) (2017-18-summer 1 school) of the trust's own in finance.csv " \
        "(no source): DfE's CFR fills only the terms and schools not given" in r.output
    # The junior school (121343) as printed: PUPILS 204; TOTALINCOME 4,535 x 204 = 925,140
    # and TOTALEXPENDITURE 4,484 x 204 = 914,736, each within DfE's rounding of the
    # trust's (160 and 136 apart; half a pound a pupil plus half a pupil: 2,370 and
    # 2,344); staff costs TEACHINGSTAFF 2,123 + SUPPLYTEACHERS 237 + EDUCATIONSUPPORTSTAFF
    # 841 + OTHERSTAFF 116 = 3,317 x 204 = 676,668, 13,332 from the trust's 690,000 where
    # four rounded headings allow 4 x 102 + 3,317 / 2 = 2,066.5: named, the trust's kept
    assert [line.strip() for line in r.output.splitlines() if "finance.csv row" in line] == [
        "warning: finance.csv row 3, staff_costs: Wavell Community Junior School, "
        "2017-18-summer: 690000 here, 676668 in DfE's CFR (2017-2018_815_cfr.csv), further "
        "apart than DfE's rounding allows (2,066); this row is the trust's own and is kept: "
        "if DfE's figure is right, correct the cell"]
    # the infant school (121344) from the file: PUPILS 232; 4,938 x 232 = 1,145,616;
    # 4,914 x 232 = 1,140,048; staff 2,251 + 229 + 1,015 + 107 = 3,602 x 232 = 835,664
    source = '"DfE CFR 2017-18, 2017-2018_815_cfr.csv"'
    written = WAVELL_OWN_FINANCE.replace("energy_kwh\n", "energy_kwh,source\n").replace(
        "52000\n", "52000,\n").replace("38500\n", "38500,\n")
    infant = f"121344,2017-18-summer,1145616,1140048,835664,,,,{source}\n"
    assert finance_csv.read_text(encoding="utf-8") == written + infant
    # imported again: its own row replaced, the trust's kept, nothing doubled
    r = run(app, ["import", cfr_file, "--params", str(params)])
    assert r.exit_code == 0 and "1 row(s) for 1 school(s), replacing 1" in r.output
    assert finance_csv.read_text(encoding="utf-8") == written + infant
    finance = load_drop(tmp_path / "data", load_trust(params / "trust.yaml"))["finance"]
    own = finance[finance["source"].isna()].set_index(["urn", "term"])
    assert own.loc[(121343, "2017-18-summer"), ["revenue_reserve", "top_slice",
                                                "energy_kwh"]].tolist() == [64000, 18500,
                                                                            38500]


def test_rows_an_import_wrote_before_imports_named_their_source_are_the_files(tmp_path):
    """finance.csv as an earlier govkit wrote it (no source column): the rows are CFR's
    figure for figure, so importing again replaces them, not keeps them as the trust's."""
    trust = Trust(name="Wavell", terms=["2017-18-summer"], schools=[
        School(urn=121343, name="Wavell Community Junior School", phase="junior"),
        School(urn=121344, name="Wavell Community Infant School", phase="infant")])
    target = tmp_path / "finance.csv"
    target.write_text("urn,term,income,expenditure,staff_costs,revenue_reserve,top_slice,"
                      "energy_kwh\n121343,2017-18-summer,925140,914736,676668,,,\n"
                      "121344,2017-18-summer,1145616,1140048,835664,,,\n", encoding="utf-8")
    got = import_file(DFE / "cfr/2017-2018_815_cfr.csv", tmp_path, trust)
    assert (got.rows, got.replaced, got.kept_own, got.differs) == (2, 2, [], [])
    assert target.read_text(encoding="utf-8").count("DfE CFR 2017-18") == 2


OWN_RESULTS = """urn,academic_year,key_stage,pupil_group,indicator,cohort,pupils,score,lower,upper
137139,2017-18,ks4,all,att8,246,,59.5,,
137139,2017-18,ks4,disadvantaged,att8,20,,41.2,,
137139,2017-18,ks4,all,eng_mat_grade4,246,216,,,
137139,2017-18,ks4,all,p8,240,,0.8,0.64,0.95
"""


def test_dfes_final_results_replace_the_trusts_own_saying_which(tmp_path):
    """St Aidan's provisional 2017-18 KS4 as the trust typed it: DfE's final rows replace
    those of the same key, named; the disadvantaged row DfE's file does not give is kept
    (it was deleted before, unsaid); a row already DfE's figure for figure is not named."""
    run = CliRunner().invoke
    params = tmp_path / "params"
    r = run(app, ["init", "--gias-links", str(DFE / "gias/group_links.csv"), "--trust",
                  str(YCST), "--first-year", "2016-17", "--last-year", "2018-19",
                  "--params", str(params)])
    assert r.exit_code == 0, r.output
    results = tmp_path / "data" / "attainment.csv"
    results.write_text(OWN_RESULTS, encoding="utf-8")
    r = run(app, ["import", str(DFE / "ks4/2017-2018_815_ks4final.csv"), "--params",
                  str(params)])
    assert r.exit_code == 0, r.output
    assert "5 row(s) for 1 school(s), replacing 3" in r.output
    assert "replaced: 2 row(s) of the trust's own in attainment.csv (no source) by the " \
        "file's (DfE's final results over the trust's own): St Aidan's Church of England " \
        "High School 2017-18 ks4: all att8, all eng_mat_grade4" in r.output
    assert "kept: 1 row(s) of the trust's own in attainment.csv (no source) that the file " \
        "does not give: St Aidan's Church of England High School 2017-18 ks4: " \
        "disadvantaged att8" in r.output
    frame = load_drop(tmp_path / "data", load_trust(params / "trust.yaml"))["attainment"]
    got = frame.set_index(["pupil_group", "indicator"])
    # as printed: TPUP 247, ATT8SCR 59.8; PTL2BASICS_94 88% of 247 = 217.4 -> 217;
    # P8PUP 240, P8MEA 0.80 (0.64 to 0.95)
    assert got.loc[("all", "att8"), ["cohort", "score"]].tolist() == [247, 59.8]
    assert got.loc[("all", "eng_mat_grade4"), ["cohort", "pupils"]].tolist() == [247, 217]
    assert got.loc[("disadvantaged", "att8"), ["cohort", "score"]].tolist() == [20, 41.2]
    assert pd.isna(got.loc[("disadvantaged", "att8"), "source"])
    assert got["source"].notna().sum() == 5 and len(got) == 6
