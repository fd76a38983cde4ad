"""The synthetic demo trust: regenerable byte for byte, valid, and realistic enough to report on."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govkit.data.demo as demo_mod
from govkit.data.contract import DOMAINS, IMPORTED_ONLY
from govkit.data.demo import (
    SMALL_SCHOOL,
    STRUGGLING,
    TERMS,
    make_demo,
    roster,
    to_csv_text,
    trust_yaml_text,
    write_demo,
    write_trust_yaml,
)
from govkit.data.demo import schools as demo_schools
from govkit.data.validate import validate_drop
from govkit.errors import ConfigError
from govkit.plan.config import load_trust

ROOT = Path(__file__).resolve().parents[1]
COUNTS = ("pupils", "sessions_possible", "sessions_absent", "sessions_unauthorised",
          "persistent_absentees", "severe_absentees")


@pytest.fixture(scope="module")
def demo():
    return make_demo()


@pytest.fixture(scope="module")
def phase(demo):
    return demo.frames["schools"].set_index("urn")["phase"]


def _pct(part: pd.Series, whole: pd.Series) -> float:
    return 100 * float(part.sum()) / float(whole.sum())


# --- regenerable, deterministic, valid ------------------------------------------------------

WRITTEN = [name for name in DOMAINS if name not in IMPORTED_ONLY]


def test_committed_demo_is_what_the_generator_writes(tmp_path):
    made = write_demo(tmp_path)
    committed = ROOT / "data" / "demo"
    assert sorted(p.name for p in committed.glob("*.csv")) == sorted(
        f"{name}.csv" for name in WRITTEN)
    for name in WRITTEN:
        fresh = (tmp_path / f"{name}.csv").read_bytes()
        assert (committed / f"{name}.csv").read_bytes() == fresh, (
            f"data/demo/{name}.csv is stale: run `govkit demo-data data/demo --params params`")
    assert (ROOT / "params" / "trust.yaml").read_text(encoding="utf-8") == trust_yaml_text(made)


def test_same_seed_same_bytes_other_seed_other_figures(tmp_path):
    write_demo(tmp_path / "a", seed=7)
    write_demo(tmp_path / "b", seed=7)
    write_demo(tmp_path / "c", seed=8)
    for name in WRITTEN:
        a = (tmp_path / "a" / f"{name}.csv").read_bytes()
        assert a == (tmp_path / "b" / f"{name}.csv").read_bytes(), name
    for name in ("attendance", "attainment", "finance", "workforce", "census"):
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() != (
            tmp_path / "c" / f"{name}.csv").read_bytes(), name
    # the roster does not depend on the seed: the struggling schools keep their URNs
    assert (tmp_path / "a" / "schools.csv").read_bytes() == (
        tmp_path / "c" / "schools.csv").read_bytes()


def test_no_global_random_state_is_used(tmp_path):
    np.random.seed(1)
    first = to_csv_text("attendance", make_demo(3, 5).frames["attendance"])
    np.random.seed(99)
    assert to_csv_text("attendance", make_demo(3, 5).frames["attendance"]) == first


def test_generated_drop_passes_validation_with_its_trust_yaml(tmp_path):
    demo = write_demo(tmp_path / "data")
    trust = load_trust(write_trust_yaml(tmp_path / "params" / "trust.yaml", demo))
    assert trust.terms == list(TERMS) and trust.terms[0] == "2022-23-autumn"
    assert trust.terms[-1] == "2024-25-summer"
    assert [s.urn for s in trust.schools] == [s.urn for s in demo.schools]
    assert validate_drop(tmp_path / "data", trust) == []


def test_sixty_schools_are_fast_and_valid(tmp_path):
    start = time.perf_counter()
    demo = write_demo(tmp_path / "data", schools=60, seed=11)
    took = time.perf_counter() - start
    assert took < 10, f"writing 60 schools took {took:.1f}s (measured ~0.5s)"
    trust = load_trust(write_trust_yaml(tmp_path / "trust.yaml", demo))
    assert validate_drop(tmp_path / "data", trust) == []


def test_every_frame_passes_its_pandera_schema_with_exact_columns(demo):
    for name, domain in DOMAINS.items():
        frame = demo.frames[name]
        assert list(frame.columns) == list(domain.schema.columns), name
        assert len(frame) > 0 or name in IMPORTED_ONLY, name
        domain.schema.validate(frame, lazy=True)


def test_cli_writes_csvs_and_trust_yaml(tmp_path):
    from typer.testing import CliRunner

    from govkit.cli import app

    result = CliRunner().invoke(app, ["demo-data", str(tmp_path / "d"), "--schools", "6",
                                      "--seed", "3", "--params", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in (tmp_path / "d").glob("*.csv")) == sorted(WRITTEN)
    assert len(load_trust(tmp_path / "p" / "trust.yaml").schools) == 6
    bad = CliRunner().invoke(app, ["demo-data", str(tmp_path / "e"), "--schools", "0"])
    assert bad.exit_code == 2
    assert "between 1 and 300" in bad.output
    assert not (tmp_path / "e").exists()


# --- formatting and the roster, worked by hand ----------------------------------------------

def test_cells_are_written_as_an_analyst_would_type_them():
    from govkit.data.demo.writing import _cell as cell

    assert cell(1234.0, "money") == "1234"
    assert cell(24.8, "number") == "24.8"
    assert cell(-0.35, "score") == "-0.35"
    assert cell(pd.Timestamp(2024, 3, 5), "date") == "05/03/2024"
    assert cell(True, "bool") == "yes" and cell(False, "bool") == "no"
    assert cell(pd.NA, "urn") == "" and cell(float("nan"), "score") == ""
    assert cell(148127, "urn") == "148127"


def test_csv_dates_are_uk_style_and_blank_urns_are_trust_level(demo):
    text = to_csv_text("governance", demo.frames["governance"])
    dates = [line.split(",")[2] for line in text.splitlines()[1:]]
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", d) for d in dates)
    board = [line for line in text.splitlines() if ",board," in line]
    assert board and all(line.startswith(",") for line in board)


def test_roster_phases_and_urns():
    # 12 schools: (12+3)//6 = 2 secondaries, (12+6)//12 = 1 special, 12-2-1 = 9 primaries
    twelve = roster(12)
    assert [s.phase for s in twelve].count("primary") == 9
    assert [s.phase for s in twelve].count("secondary") == 2
    assert [s.phase for s in twelve].count("special") == 1
    # URN = 148101 + 13 * index: index 2 -> 148127, index 5 -> 148166, index 7 -> 148192
    assert STRUGGLING == (148127, 148166) and SMALL_SCHOOL == 148192
    by_urn = {s.urn: s for s in twelve}
    assert by_urn[148127].name == "Calder Moor Primary School" and by_urn[148127].struggling
    assert by_urn[148166].name == "Fenwick Lane Primary School" and by_urn[148166].struggling
    assert by_urn[148192].small
    # 60 schools: (60+3)//6 = 10 secondaries, (60+6)//12 = 5 specials, 45 primaries
    sixty = roster(60)
    assert [s.phase for s in sixty].count("secondary") == 10
    assert [s.phase for s in sixty].count("special") == 5
    assert len({s.urn for s in sixty}) == 60 and len({s.name for s in sixty}) == 60
    assert all(100000 <= s.urn <= 999999 for s in sixty)
    with pytest.raises(ConfigError, match="between 1 and 300"):
        roster(301)
    # the benchmark's big trust: every name still unique once the name parts run out
    big = roster(300)
    assert len({s.name for s in big}) == 300 and len({s.urn for s in big}) == 300


def test_module_docstring_names_the_struggling_schools():
    doc = demo_mod.__doc__ or ""
    for urn in STRUGGLING:
        school = next(s for s in roster(12) if s.urn == urn)
        assert school.name in doc and str(urn) in doc


# --- realism -------------------------------------------------------------------------------

def _attendance(demo, phase):
    a = demo.frames["attendance"].copy()
    a["phase"] = a["urn"].map(phase)
    return a


def test_attendance_levels_by_phase(demo, phase):
    a = _attendance(demo, phase)
    for ph, lo, hi, pa_lo, pa_hi in (("primary", 94, 96, 12, 20), ("secondary", 91, 93, 20, 27),
                                     ("special", 88, 91, 20, 35)):
        rows = a[(a["phase"] == ph) & (a["pupil_group"] == "all")]
        att = 100 - _pct(rows["sessions_absent"], rows["sessions_possible"])
        assert lo <= att <= hi, (ph, att)
        pa = _pct(rows["persistent_absentees"], rows["pupils"])
        assert pa_lo <= pa <= pa_hi, (ph, pa)
    rows = a[a["pupil_group"] == "all"]
    assert 1 <= _pct(rows["severe_absentees"], rows["pupils"]) <= 3


def test_disadvantaged_attendance_is_two_to_three_points_lower(demo, phase):
    a = _attendance(demo, phase)
    a = a[a["phase"] == "primary"]

    def att(group: str) -> float:
        rows = a[a["pupil_group"] == group]
        return 100 - _pct(rows["sessions_absent"], rows["sessions_possible"])

    assert 2 <= att("all") - att("disadvantaged") <= 3
    assert att("not_disadvantaged") > att("all") > att("disadvantaged")
    assert att("not_send") > att("send")


def test_attendance_groups_add_up_to_all(demo):
    a = demo.frames["attendance"].set_index(["urn", "term", "pupil_group"])[list(COUNTS)]
    total = a.xs("all", level="pupil_group")
    for pair in (("disadvantaged", "not_disadvantaged"), ("send", "not_send")):
        parts = sum(a.xs(g, level="pupil_group").reindex(total.index, fill_value=0)
                    for g in pair)
        pd.testing.assert_frame_equal(parts.astype("Int64"), total.astype("Int64"))


def _ks2(demo, indicator="rwm_expected", group="all"):
    t = demo.frames["attainment"]
    return t[(t["key_stage"] == "ks2") & (t["indicator"] == indicator)
             & (t["pupil_group"] == group)]


def test_ks2_reading_writing_maths(demo, phase):
    rwm = _ks2(demo)
    rwm = rwm[rwm["urn"].map(phase) == "primary"]
    big = rwm[rwm["cohort"] >= 10]
    pct = 100 * big["pupils"] / big["cohort"]
    assert pct.between(45, 80).all(), pct.describe()
    assert 55 <= _pct(rwm["pupils"], rwm["cohort"]) <= 68
    # a one-form-entry primary has ~30 in year 6; the small school has under 10 every year
    assert set(rwm[rwm["urn"] == SMALL_SCHOOL]["cohort"]) <= set(range(1, 10))
    assert rwm[rwm["urn"] != SMALL_SCHOOL]["cohort"].between(20, 70).all()
    higher = _ks2(demo, "rwm_higher")
    assert 5 <= _pct(higher["pupils"], higher["cohort"]) <= 12
    for subject in ("read_expected", "writ_expected", "mat_expected", "gps_expected"):
        rows = _ks2(demo, subject)
        assert 70 <= _pct(rows["pupils"], rows["cohort"]) <= 80, subject
    for score in ("read_scaled_score", "mat_scaled_score"):
        assert _ks2(demo, score)["score"].between(101, 108).all()
        assert 103 <= _ks2(demo, score)["score"].mean() <= 107


def test_ks2_groups_add_up_and_show_the_disadvantage_gap(demo):
    def keyed(group):
        return _ks2(demo, group=group).set_index(["urn", "academic_year"])[["cohort", "pupils"]]

    total = keyed("all").dropna()
    for pair in (("disadvantaged", "not_disadvantaged"), ("send", "not_send")):
        parts = sum(keyed(g).reindex(total.index, fill_value=0) for g in pair)
        pd.testing.assert_frame_equal(parts, total)
    dis, other = _ks2(demo, group="disadvantaged"), _ks2(demo, group="not_disadvantaged")
    gap = _pct(other["pupils"], other["cohort"]) - _pct(dis["pupils"], dis["cohort"])
    assert 15 <= gap <= 25


def test_ks2_progress_only_published_for_2022_23(demo):
    for ind in ("read_progress", "writ_progress", "mat_progress"):
        rows = _ks2(demo, ind)
        first = rows[rows["academic_year"] == "2022-23"]
        assert len(first) == 9
        assert first["score"].between(-3.5, 3.5).all()
        assert ((first["lower"] < first["score"]) & (first["score"] < first["upper"])).all()
        later = rows[rows["academic_year"] != "2022-23"]
        assert len(later) == 18 and later["score"].isna().all()
        assert (later["status"] == "x").all() and (later["note"] == "not published").all()


def test_special_school_has_no_ks2_results(demo, phase):
    t = demo.frames["attainment"]
    special = t[t["urn"].map(phase) == "special"]
    assert len(special) == 3
    assert (special["status"] == "z").all() and special["pupils"].isna().all()


def test_phonics_and_ks4(demo, phase):
    t = demo.frames["attainment"]
    ph = t[t["indicator"] == "phonics_pass"]
    assert set(ph["urn"].map(phase)) == {"primary"}
    assert 75 <= _pct(ph["pupils"], ph["cohort"]) <= 85
    ks4 = t[t["key_stage"] == "ks4"]
    assert set(ks4["urn"].map(phase)) == {"secondary"}
    assert ks4[ks4["indicator"] == "att8"]["score"].between(40, 50).all()
    p8 = ks4[(ks4["indicator"] == "p8") & (ks4["pupil_group"] == "all")]
    published = p8[p8["academic_year"] != "2024-25"]
    assert len(published) == 4 and published["score"].between(-0.5, 0.5).all()
    assert (published["lower"] < published["score"]).all()
    assert (p8[p8["academic_year"] == "2024-25"]["status"] == "x").all()
    for ind, lo, hi in (("eng_mat_grade4", 60, 70), ("eng_mat_grade5", 40, 50),
                        ("ebacc_entered", 30, 45)):
        rows = ks4[ks4["indicator"] == ind]
        assert lo <= _pct(rows["pupils"], rows["cohort"]) <= hi, ind


def test_suspensions_low_in_primary_higher_in_secondary(demo, phase):
    b = demo.frames["behaviour"].merge(demo.frames["census"], on=["urn", "term"])
    rate = {ph: _pct(g["suspensions"], g["pupils_on_roll"])
            for ph, g in b.groupby(b["urn"].map(phase))}
    assert rate["primary"] < 2 < rate["secondary"] < 12


def test_workforce_figures(demo):
    w = demo.frames["workforce"]
    per_fte = w["staff_absence_days"].sum() / w["fte"].sum()
    assert 2 <= per_fte <= 4
    year = w["term"].str[:7]
    leavers = w.groupby(year)["leavers"].sum()
    autumn_headcount = w[w["term"].str.endswith("autumn")].groupby(year)["headcount"].sum()
    assert ((leavers / autumn_headcount).between(0.06, 0.15)).all()  # ~10% a year
    assert (w["teachers_fte"] < w["fte"]).all() and (w["fte"] <= w["headcount"]).all()
    assert w["vacancies"].sum() > 0 and w["cpd_spend"].gt(0).all()


def test_finance_figures(demo, phase):
    f = demo.frames["finance"].merge(demo.frames["census"], on=["urn", "term"])
    per_pupil = {ph: g["income"].sum() / g["pupils_on_roll"].sum()
                 for ph, g in f.groupby(f["urn"].map(phase))}
    assert 5000 <= per_pupil["primary"] <= 7000
    assert per_pupil["secondary"] > per_pupil["primary"]
    assert per_pupil["special"] > 3 * per_pupil["primary"]
    assert (f["staff_costs"] / f["expenditure"]).between(0.7, 0.8).all()
    assert (f["top_slice"] / f["income"]).between(0.04, 0.06).all()
    assert f["energy_kwh"].gt(0).all()


def test_governance_compliance_risks_surveys(demo):
    g = demo.frames["governance"]
    lgb = g[g["body"] == "lgb"]
    assert len(lgb) == 12 * 9 and lgb["urn"].notna().all()
    assert g[g["body"] == "board"]["urn"].isna().all() and (g["body"] == "board").sum() == 9
    assert (g["present"] / g["members"]).between(0.7, 1.0).all()
    c = demo.frames["compliance"]
    per_school = c[c["urn"].notna()].groupby(["urn", "term"]).size()
    assert per_school.min() >= 10
    assert set(c["area"]) >= {"health and safety", "safeguarding", "statutory policies",
                              "website"}
    ends = {t: demo_schools._term_window(t)[1] for t in TERMS}
    open_items = c[c["status"].isin(["not_met", "partly_met"])]
    overdue = open_items["due_date"].dt.date < open_items["term"].map(ends)
    assert 0 < overdue.sum() < len(open_items)
    r = demo.frames["risks"]
    assert r["urn"].isna().any() and r["likelihood"].between(1, 5).all()
    assert r.groupby(["urn", "term"]).size().max() <= 5
    s = demo.frames["surveys"]
    assert set(s["respondent"]) == {"staff", "pupil", "parent"}
    assert set(s["term"]) == {"2022-23-spring", "2023-24-spring", "2024-25-spring"}
    p = demo.frames["partnerships"].merge(demo.frames["census"], on=["urn", "term"])
    assert (p["enrichment_pupils"] <= p["pupils_on_roll"]).all()


def test_most_schools_improve(demo, phase):
    rwm = _ks2(demo)
    wide = rwm.assign(pct=rwm["pupils"] / rwm["cohort"]).pivot(
        index="urn", columns="academic_year", values="pct").dropna()
    improved = (wide["2024-25"] > wide["2022-23"]).sum()
    assert improved >= len(wide) / 2
    a = demo.frames["attendance"]
    a = a[a["pupil_group"] == "all"]
    first = a[a["term"].str.startswith("2022-23")]
    last = a[a["term"].str.startswith("2024-25")]
    assert (_pct(last["sessions_absent"], last["sessions_possible"])
            < _pct(first["sessions_absent"], first["sessions_possible"]))


def test_two_struggling_schools_give_triggers_something_to_find(demo, phase):
    a = demo.frames["attendance"]
    a = a[a["pupil_group"] == "all"]
    national_primary = 94.5  # DfE 2023-24: primary absence 5.5%
    for urn in STRUGGLING:
        mine = a[a["urn"] == urn]
        att = 100 - 100 * mine["sessions_absent"] / mine["sessions_possible"]
        assert (att <= national_primary - 2).sum() >= 6, att.tolist()
        rwm = _ks2(demo)
        rwm = rwm[rwm["urn"] == urn].set_index("academic_year")
        for year, national in (("2023-24", 61), ("2024-25", 62)):
            assert 100 * rwm.at[year, "pupils"] / rwm.at[year, "cohort"] < national
        census = demo.frames["census"].set_index(["urn", "term"])["pupils_on_roll"]
        assert census[(urn, "2024-25-summer")] < 0.95 * census[(urn, "2022-23-autumn")]
        fin = demo.frames["finance"].set_index(["urn", "term"])
        latest = fin.loc[(urn, "2024-25-summer")]
        assert latest["expenditure"] > latest["income"]
    # the other primaries are not struggling too: each is within 1.5 points of national
    others = a[~a["urn"].isin(STRUGGLING) & (a["urn"].map(phase) == "primary")]
    for urn, rows in others.groupby("urn"):
        att = 100 - _pct(rows["sessions_absent"], rows["sessions_possible"])
        assert att > national_primary - 1.5, (urn, att)


def test_schools_csv_holds_capacity_la_and_join_date(demo):
    s = demo.frames["schools"]
    assert s["capacity"].gt(0).all() and s["local_authority"].notna().all()
    assert s["joined_trust"].dt.date.max() <= dt.date(2022, 9, 1)
    assert s["urn"].is_unique


def test_progress8_groups_average_to_the_cohort(demo):
    # e.g. cohort 200 with 50 disadvantaged at p8 - 0.72 * 0.75 and 150 others at
    # p8 + 0.72 * 0.25: (50 * -0.54 + 150 * 0.18) / 200 = 0 below and above p8
    t = demo.frames["attainment"]
    p8 = t[(t["indicator"] == "p8") & t["score"].notna()].pivot(
        index=["urn", "academic_year"], columns="pupil_group", values=["cohort", "score"])
    mixed = (p8[("cohort", "disadvantaged")] * p8[("score", "disadvantaged")]
             + p8[("cohort", "not_disadvantaged")] * p8[("score", "not_disadvantaged")]
             ) / p8[("cohort", "all")]
    assert ((mixed - p8[("score", "all")]).abs() <= 0.01).all()  # rounding to 2 places
    gap = p8[("score", "not_disadvantaged")] - p8[("score", "disadvantaged")]
    assert gap.between(0.7, 0.74).all()
