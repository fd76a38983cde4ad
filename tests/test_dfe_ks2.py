from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from govkit.cli import app
from govkit.data.importers import import_file
from govkit.data.importers.ks2 import (
    national_headline,
    read_ks2,
    year_from_name,
)
from govkit.data.validate import load_drop
from govkit.plan.config import School, Trust

FIXTURES = Path(__file__).parent / "fixtures" / "dfe"
Y1819 = FIXTURES / "2018-2019_850_ks2final.csv"
Y1718 = FIXTURES / "2017-2018_850_ks2final.csv"
ANSTEY, SAXON_WOOD, ICKNIELD = 115851, 116634, 116609


def _schools(path: Path) -> tuple[pd.DataFrame, list]:
    """A KS2 file's school rows and the problems read_ks2 found."""
    ks2, problems = read_ks2(path)
    assert ks2 is not None, problems
    return ks2.schools, problems


def row(df, urn, group, indicator, year="2018-19"):
    hit = df[(df["urn"] == urn) & (df["pupil_group"] == group) & (df["indicator"] == indicator)
             & (df["academic_year"] == year)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_file_has_a_bom_and_it_is_handled():
    assert Y1819.read_bytes()[:3] == b"\xef\xbb\xbf"
    rows, problems = _schools(Y1819)
    assert problems == []
    assert "urn" in rows.columns and rows["urn"].notna().all()  # header not read as "\ufeffRECTYPE"


def test_values_known_from_the_raw_file():
    rows, _ = _schools(Y1819)
    # Anstey Junior School 2018-19: TELIG 60, PTRWM_EXP "63%" -> 63 * 60 / 100 = 37.8 -> 38
    r = row(rows, ANSTEY, "all", "rwm_expected")
    assert (r["academic_year"], r["key_stage"], r["cohort"], r["pupils"]) == ("2018-19", "ks2",
                                                                              60, 38)
    # disadvantaged: TFSM6CLA1A 18, "61%" -> 10.98 -> 11; others: 42 at "64%" -> 26.88 -> 27
    assert row(rows, ANSTEY, "disadvantaged", "rwm_expected")[["cohort", "pupils"]].tolist() \
        == [18, 11]
    assert row(rows, ANSTEY, "not_disadvantaged", "rwm_expected")[["cohort", "pupils"]] \
        .tolist() == [42, 27]
    # READPROG -1.9 (-3.4 to -0.3); READ_AVERAGE 104
    p = row(rows, ANSTEY, "all", "read_progress")
    assert (p["score"], p["lower"], p["upper"]) == (-1.9, -3.4, -0.3)
    assert row(rows, ANSTEY, "all", "read_scaled_score")["score"] == 104.0


def test_dfe_codes_kept_as_status_and_note():
    rows, _ = _schools(Y1819)
    supp = row(rows, SAXON_WOOD, "all", "rwm_expected")  # PTRWM_EXP "SUPP", TELIG 3
    assert (supp["status"], supp["note"], supp["cohort"]) == ("c", "SUPP", 3)
    assert pd.isna(supp["pupils"])
    na = row(rows, ICKNIELD, "all", "read_progress")  # READPROG "NA"
    assert (na["status"], na["note"]) == ("z", "NA")
    blank = row(rows, ICKNIELD, "all", "read_scaled_score")  # READ_AVERAGE blank
    assert (blank["status"], blank["note"]) == ("x", "blank")


def test_lowcov_in_2017_18():
    rows, _ = _schools(Y1718)
    # The Waterloo School, 2017-18: READPROG "LOWCOV"
    r = row(rows, 116633, "all", "read_progress", "2017-18")
    assert (r["status"], r["note"]) == ("low", "LOWCOV")


def test_la_and_national_rows_are_not_schools():
    ks2, _ = read_ks2(Y1819)
    assert ks2.schools["urn"].nunique() == 6 and ks2.schools["urn"].notna().all()
    # codes read from the file: 1 and 2 hold schools, 3 the LA, 4 and 5 the nation
    assert ks2.rectypes == {"1": "school", "2": "school", "3": "local_authority",
                            "4": "national", "5": "national"}
    assert set(ks2.local_authorities["name"]) == {"Hampshire"}
    # RECTYPE 4 (649,249 pupils, 65%) is wider than RECTYPE 5 (644,967, 65%)
    assert national_headline(ks2) == (65.0, 649249)


def test_year_from_file_name():
    assert year_from_name(Path("2018-2019_850_ks2final.csv")) == "2018-19"
    assert year_from_name(Path("201819_ks2final.csv")) == "2018-19"
    assert year_from_name(Path("ks2final.csv")) is None


def trust(*urns):
    return Trust(name="T", terms=["2018-19-summer"],
                 schools=[School(urn=u, name=str(u), phase="primary") for u in urns])


def test_import_replaces_same_year_and_keeps_other_rows(tmp_path):
    (tmp_path / "attainment.csv").write_text(
        "urn,academic_year,key_stage,pupil_group,indicator,cohort,pupils,score,note\n"
        f"{ANSTEY},2018-19,ks2,all,rwm_expected,1,1,,old\n"
        f"{ANSTEY},2017-18,ks2,all,rwm_expected,50,30,,kept\n")
    t = Trust(name="T", terms=["2018-19-summer"],
              schools=[School(urn=u, name=str(u), phase="primary") for u in (ANSTEY, 999999)])
    r = import_file(Y1819, tmp_path, t)
    assert (r.schools, r.replaced, r.not_in_file) == (1, 1, [999999])
    # the national row kept as the year's benchmark: state-funded schools (RECTYPE 5)
    assert any("65% of 644,967 pupils" in c and "state-funded" in c for c in r.checks)
    frame = pd.read_csv(tmp_path / "attainment.csv", dtype=str, keep_default_na=False)
    assert "old" not in set(frame["note"]) and "kept" in set(frame["note"])
    assert len(frame) == 1 + r.rows
    # the file written is a valid attainment file for a trust of that school
    loaded = load_drop_for(tmp_path, trust(ANSTEY))
    assert int(row(loaded, ANSTEY, "all", "rwm_expected")["pupils"]) == 38


def load_drop_for(folder, t):
    (folder / "schools.csv").write_text(f"urn,name,phase\n{t.urns[0]},Anstey,primary\n")
    (folder / "census.csv").write_text("urn,term,pupils_on_roll,disadvantaged,send_support,"
                                       f"ehcp\n{t.urns[0]},2018-19-summer,240,60,20,2\n")
    (folder / "attendance.csv").write_text(
        "urn,term,pupil_group,pupils,sessions_possible,sessions_absent,persistent_absentees,"
        f"severe_absentees\n{t.urns[0]},2018-19-summer,all,240,30000,1200,20,1\n")
    return load_drop(folder, t)["attainment"]


def test_import_command(tmp_path):
    params = tmp_path / "params"
    params.mkdir()
    (params / "trust.yaml").write_text("name: T\nterms: [2018-19-summer]\nschools:\n"
                                       f"  - {{urn: {ANSTEY}, name: Anstey, phase: primary}}\n")
    data = tmp_path / "drop"
    r = CliRunner().invoke(app, ["import", str(Y1819), "--data", str(data),
                                 "--params", str(params)])
    assert r.exit_code == 0, r.output
    assert "ks2 (2018-19)" in r.output and "for 1 school(s)" in r.output
    assert "expected standard 65% of 644,967 pupils" in r.output
    bad = tmp_path / "ks2final.csv"
    bad.write_text("URN,TELIG,PTRWM_EXP\n1,2,3\n")
    r = CliRunner().invoke(app, ["import-ks2", str(bad), "--data", str(data),
                                 "--params", str(params)])
    assert r.exit_code == 2 and "give it with --year" in r.output


def test_a_year_in_the_wrong_form_is_refused_and_writes_nothing(tmp_path):
    # The bug: --year 2019-18 imported with exit 0 and validate then found 8,604 errors.
    params = tmp_path / "params"
    params.mkdir()
    (params / "trust.yaml").write_text("name: T\nterms: [2018-19-summer]\nschools:\n"
                                       f"  - {{urn: {ANSTEY}, name: Anstey, phase: primary}}\n")
    data = tmp_path / "drop"
    for year, ok in (("2019-18", False), ("2018-2020", False), ("2018-2019", True)):
        r = CliRunner().invoke(app, ["import", str(Y1819), "--data", str(data),
                                     "--params", str(params), "--year", year])
        assert (r.exit_code == 0) == ok, r.output
        assert (data / "attainment.csv").exists() == ok
    assert "ks2 (2018-19)" in r.output


def test_no_school_of_the_trust_in_the_file_warns_and_writes_nothing(tmp_path):
    params = tmp_path / "params"
    params.mkdir()
    (params / "trust.yaml").write_text("name: T\nterms: [2018-19-summer]\nschools:\n"
                                       "  - {urn: 999999, name: Elsewhere, phase: primary}\n")
    r = CliRunner().invoke(app, ["import", str(Y1819), "--data", str(tmp_path / "drop"),
                                 "--params", str(params)])
    assert r.exit_code == 0
    assert "has no school of T: nothing written" in r.output
    assert not (tmp_path / "drop" / "attainment.csv").exists()


def test_a_code_dfe_does_not_list_is_read_as_x_with_one_warning(tmp_path):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(Y1819.read_text(encoding="utf-8-sig"))))
    head = rows[0]
    urn_col, exp_col = head.index("URN"), head.index("PTRWM_EXP")
    hit = next(r for r in rows[1:] if r[urn_col] == str(ANSTEY))
    hit[exp_col] = "QQQ"
    path = tmp_path / Y1819.name
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    df, problems = _schools(path)
    unknown = [p for p in problems if "unknown DfE code" in p.message]
    assert [p.message for p in unknown] == [
        "unknown DfE code 'QQQ' in 1 cell(s): read as not available (x)"]
    assert unknown[0].severity == "warning"
    cell = row(df, ANSTEY, "all", "rwm_expected")
    assert (cell["status"], cell["note"]) == ("x", "QQQ")
    assert pd.isna(cell["pupils"])
