"""Work that must grow with the number of schools, never with its square: a trust of 300
schools evaluates each place's KPIs once for all its reports (the trust's red schools, a
priority's table, every report's headline rating), reads the plan's KPIs once, and draws a
school-by-school chart a governor can read.

Counts, not timings: each test counts the evaluations (``Evaluator._data_row``, one per
KPI row worked out) or the plan reads a call makes, at two sizes of trust.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from memstore import attendance, memstore

from govkit.plan.config import Plan, School, Trust
from govkit.plan.evaluate import Evaluator

TERMS = ["2023-24-summer", "2024-25-autumn", "2024-25-spring", "2024-25-summer"]
T = TERMS[-1]
FIRST = 100001


def _plan() -> Plan:
    """Two priorities: attendance (one KPI), absence (one KPI and a narrative criterion);
    a trigger on any KPI red two terms running."""
    return Plan.model_validate({
        "name": "Scale plan",
        "priorities": [
            {"id": "attend", "title": "Attendance", "success_criteria": [
                {"id": "rate", "text": "Pupils attend", "kpis": [
                    {"id": "att", "measure": "attendance_rate", "target": 95,
                     "tolerance": 1}]}]},
            {"id": "absence", "title": "Absence", "success_criteria": [
                {"id": "pa", "text": "Fewer pupils miss school", "kpis": [
                    {"id": "pa", "measure": "persistent_absence", "target": 20,
                     "tolerance": 2}]},
                {"id": "review", "text": "Leaders review absence", "evidence": "narrative"}]},
        ],
        "triggers": [{"id": "red2", "kind": "red_consecutive", "periods": 2,
                      "description": "A KPI red two terms running"}],
    })


def _ev(n: int) -> Evaluator:
    """A trust of ``n`` primaries. School i (from 0), every term, 1000 sessions possible:
    absent 30 + 10 * (i % 5) -> attendance 97, 96, 95 (green), 94 (amber: 1 short, within
    the tolerance of 1), 93% (red: 2 short); persistent absentees 100 + 50 * (i % 4) of
    1000 pupils -> 10, 15, 20 (green), 25% (red: 5 over 20, beyond the tolerance of 2, and
    clearly: Wilson's 95% interval for 250 of 1000 is 22.4% to 27.8%, clear of 20)."""
    urns = [FIRST + i for i in range(n)]
    rows = [attendance(u, term, 1000, 30 + 10 * (i % 5), pupils=1000,
                       pa=100 + 50 * (i % 4))
            for term in TERMS for i, u in enumerate(urns)]
    con = memstore(schools=[{"urn": u, "name": f"School {i + 1}", "phase": "primary",
                             "capacity": None} for i, u in enumerate(urns)],
                   attendance=rows)
    trust = Trust(name="Big Trust", terms=TERMS,
                  schools=[School(urn=u, name=f"School {i + 1}", phase="primary")
                           for i, u in enumerate(urns)],
                  suppression={"threshold": 5, "public_threshold": 10})
    return Evaluator(trust, _plan(), con)


def _count_calls(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Count the calls of ``owner.name`` from here on (each still does its work)."""
    calls = [0]
    real = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def _count_rows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the KPI rows worked out from here on (calls to Evaluator._data_row)."""
    return _count_calls(monkeypatch, Evaluator, "_data_row")


@pytest.mark.parametrize("n", [3, 12])
def test_a_term_evaluates_each_place_once_for_every_report(
        n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The trust's KPIs (which name its red schools) work out each school's two data KPIs
    and the trust's once: 2 x (n + 1) rows. Then every priority's table for the trust and
    each school, and every report's headline rating, work out nothing more (before, each
    trust priority report worked out every school's rows again to name its red schools)."""
    ev = _ev(n)
    rows = _count_rows(monkeypatch)
    ev.kpis(T, None)
    assert rows[0] == 2 * (n + 1)
    for p in ("attend", "absence"):
        ev.kpis(T, None, p)
        for urn in [None, *ev.trust.urns]:
            ev.kpis(T, urn, p)
            ev.ratings(T, urn, p)
            ev.ratings(T, urn, p, measures={"attendance_rate"})
    assert rows[0] == 2 * (n + 1)


@pytest.mark.parametrize("n", [3, 12])
def test_a_priority_alone_evaluates_only_its_own_kpis(
        n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A leader's one trust priority report, on its own: that priority's one data KPI for
    each school and the trust, n + 1 rows, not the whole plan."""
    ev = _ev(n)
    rows = _count_rows(monkeypatch)
    ev.kpis(T, None, "absence")
    assert rows[0] == n + 1


def test_red_schools_and_ratings_are_the_same_by_priority_or_whole_plan() -> None:
    """Five schools: School 5 (i = 4) is red on attendance (93%), School 4 (i = 3) on
    persistent absence (25%). The trust's rows name them whichever way they were worked
    out, and a report's headline counts agree."""
    alone, whole = _ev(5), _ev(5)
    whole.kpis(T, None)
    for ev in (alone, whole):
        att = ev.kpis(T, None, "attend").set_index("kpi_id")
        pa = ev.kpis(T, None, "absence").set_index("kpi_id")
        assert att.loc["att", "red_schools"] == "School 5"
        assert att.loc["att", "red_school_values"] == "93.0%"
        assert pa.loc["pa", "red_schools"] == "School 4"
        assert pa.loc["pa", "red_school_values"] == "25.0%"
    # School 5: attendance red, persistent absence 10% green
    assert alone.ratings(T, FIRST + 4) == ("red", {"red": 1, "amber": 0, "green": 1})
    assert alone.ratings(T, FIRST + 4, "absence") == ("green",
                                                       {"red": 0, "amber": 0, "green": 1})
    assert whole.ratings(T, FIRST + 3, measures={"attendance_rate"}) == (
        "amber", {"red": 0, "amber": 1, "green": 0})  # School 4: 94%, 1 short
    pd.testing.assert_frame_equal(alone.kpis(T, None, "absence"),
                                  whole.kpis(T, None, "absence"))


@pytest.mark.parametrize("n", [3, 12])
def test_triggers_read_the_plan_once_and_are_worked_out_once(
        n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan's KPI list is made when the Evaluator is (Plan.kpis copies every KPI);
    the triggers do not make it again per school, and a second call reuses the first's."""
    ev = _ev(n)
    made = _count_calls(monkeypatch, Plan, "kpis")
    rows = _count_rows(monkeypatch)
    first = ev.triggers(T)
    # red two terms running: attendance at i % 5 == 4, absence at i % 4 == 3
    expected = {(FIRST + i, "attendance_rate") for i in range(n) if i % 5 == 4} | {
        (FIRST + i, "persistent_absence") for i in range(n) if i % 4 == 3}
    assert set(zip(first["urn"], first["measure"], strict=True)) == expected
    assert made[0] == 0
    first.loc[:, "school"] = "changed by a caller"
    again = ev.triggers(T)
    assert rows[0] == 0  # triggers read figures, never KPI rows
    assert set(zip(again["urn"], again["measure"], strict=True)) == expected
    assert "changed by a caller" not in set(again["school"])


def _shown(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    from govkit.reports import blocks

    shown: list[Any] = []
    monkeypatch.setattr(blocks, "_display", lambda obj, **_: shown.append(obj))
    return shown


def _comparison(n: int, monkeypatch: pytest.MonkeyPatch, urn: int | None = None
                ) -> tuple[str, str, list[str]]:
    """(alt text, SVG, notes) of the overview's attendance bars for a trust of n."""
    from govkit.reports import context, measure_section

    ev = _ev(n)
    ctx = context.Context(ev, ev.trust, ev.plan, T, urn, "board", None, None)
    shown = _shown(monkeypatch)
    measure_section.show_school_comparison(ctx, "attendance_rate", ev.kpis(T, urn))
    charts = [o for o in shown if isinstance(o, dict) and "image/svg+xml" in o]
    assert len(charts) == 1
    notes = [o.data for o in shown if hasattr(o, "data") and "gk-note" in o.data]
    return charts[0]["text/plain"], charts[0]["image/svg+xml"], notes


def test_a_small_trust_has_a_bar_for_every_school(monkeypatch: pytest.MonkeyPatch) -> None:
    alt, _, notes = _comparison(12, monkeypatch)
    assert all(f"School {i} " in alt for i in range(1, 13))
    assert notes == []


def test_a_large_trust_draws_the_ten_highest_and_lowest(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    """40 schools: attendance 97% at i % 5 == 0 (8 schools: 1, 6, ..., 36), 93% at
    i % 5 == 4 (8: 5, 10, ..., 40). The ten highest are those 8 at 97% and the first two
    at 96% (schools 2 and 7, in the trust's order); the ten lowest the 8 at 93% and the
    last two at 94% (34 and 39). The title counts all 40 against national (the shipped
    primary figure, 94.5%): the 24 schools at 95% or more are better; highest School 1."""
    alt, svg, notes = _comparison(40, monkeypatch)
    drawn = {int(part.split(" ")[1]) for part in alt.split(": ", 1)[1].split("; ")}
    assert drawn == {1, 6, 11, 16, 21, 26, 31, 36, 2, 7,
                     5, 10, 15, 20, 25, 30, 35, 40, 34, 39}
    assert "Attendance: 24 of 40 better than national; highest is School 1" in svg
    assert notes == ['<p class="gk-note">The chart shows the 10 highest and 10 lowest of '
                     "the 40 schools with a figure. Every school&#x27;s figure is in the "
                     "grid of every school against every KPI.</p>"]


def test_a_large_trusts_chart_keeps_the_reports_own_school(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """School 3 (95%, mid-table) on its own report: drawn too, and the note says so."""
    alt, _, notes = _comparison(40, monkeypatch, urn=FIRST + 2)
    assert "School 3 95.0%" in alt
    assert len(alt.split(": ", 1)[1].split("; ")) == 21
    assert ", and School 3." in notes[0]


def _school_by_school(n: int, urn: int | None, monkeypatch: pytest.MonkeyPatch
                      ) -> tuple[pd.DataFrame, list[str], list[Any]]:
    """(table, notes, everything shown) of an education deep dive's school by school."""
    from govkit.reports import context
    from govkit.reports import deep_dive as dd

    ev = _ev(n)
    ctx = context.Context(ev, ev.trust, ev.plan, T, urn, "board", None, None)
    table = dd.school_table(ctx, "education")
    shown = _shown(monkeypatch)
    dd.show_school_by_school(ctx, "education")
    notes = [o.data for o in shown if hasattr(o, "data") and "gk-note" in o.data]
    return table, notes, shown


def test_a_large_trusts_deep_dive_sets_a_school_beside_the_ends(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """40 primaries, School 3 (95.0%, persistent absence 20.0%): its table lists the ten
    best on attendance (the eight at 97%, then Schools 2 and 7 at 96%), itself, and the
    ten weakest (Schools 34 and 39 at 94%, the eight at 93%), best first; each of the two
    bar charts draws the ten highest, ten lowest and School 3; notes say so."""
    table, notes, shown = _school_by_school(40, FIRST + 2, monkeypatch)
    assert list(table["School"]) == (
        [f"School {i}" for i in (1, 6, 11, 16, 21, 26, 31, 36, 2, 7)]
        + ["School 3 (this school)"]
        + [f"School {i}" for i in (34, 39, 5, 10, 15, 20, 25, 30, 35, 40)])
    # each row's place among all 40 (eight schools at each of 97, 96, 95, 94 and 93%;
    # ties share a place), so the jump from 9th to 25th shows in the table itself
    assert list(table["Rank on attendance"]) == (
        ["1st of 40"] * 8 + ["9th of 40"] * 2 + ["17th of 40"] + ["25th of 40"] * 2
        + ["33rd of 40"] * 8)
    assert notes[0] == ('<p class="gk-note">The table shows the 10 highest and 10 lowest on '
                        "attendance of the 40 schools with a figure, best first, and this "
                        "school.</p>")
    assert notes[1:] == ['<p class="gk-note">The chart shows the 10 highest and 10 lowest of '
                         "the 40 schools with a figure, and School 3.</p>"] * 2
    charts = [o for o in shown if isinstance(o, dict) and "image/svg+xml" in o]
    assert [len(c["text/plain"].split(": ", 1)[1].split("; ")) for c in charts] == [21, 21]
    # the rank line still places School 3 among all 40: 16 schools above it (97% and
    # 96%), the eight at 95% share 17th
    lines = [o.data for o in shown if hasattr(o, "data") and o.data.startswith("<ul>")]
    assert "Attendance: 95.0%, 17th of 40 primary schools in the trust" in lines[0]


def test_a_small_trusts_deep_dive_lists_every_school(monkeypatch: pytest.MonkeyPatch
                                                     ) -> None:
    table, notes, _ = _school_by_school(12, FIRST + 2, monkeypatch)
    assert list(table["School"]) == [f"School {i}" + (" (this school)" if i == 3 else "")
                                     for i in range(1, 13)]
    assert not [c for c in table.columns if c.startswith("Rank")]
    assert notes == []


def test_params_are_read_once_per_unchanged_folder(tmp_path, monkeypatch: pytest.MonkeyPatch
                                                   ) -> None:
    """Every report kernel loads trust.yaml and the plan (parsing the trust's 300 schools
    again in each of 3,000 reports); a batch worker has read them before it forks the
    kernels (its WarmState). The YAML is parsed once while the files are unchanged; each
    caller gets its own copy; an edited trust.yaml is read again. Below the batch,
    load_params parses the files at every call."""
    import os
    import shutil
    from pathlib import Path

    from govkit.batch.warm import WarmState
    from govkit.plan import config
    from govkit.plan.params import load_params

    root = Path(__file__).resolve().parents[1] / "params"
    shutil.copy(root / "trust.yaml", tmp_path / "trust.yaml")
    trust_plan = config.load_trust(tmp_path / "trust.yaml").plan
    shutil.copy(root / trust_plan, tmp_path / trust_plan)
    from govkit.config import files

    parsed = _count_calls(monkeypatch, files, "parse_yaml")
    warm = WarmState()
    first, plan = warm.params(tmp_path)
    assert parsed[0] == 2  # trust.yaml and the plan
    again, plan_again = warm.params(tmp_path)
    assert parsed[0] == 2
    assert (again, plan_again) == (first, plan)
    again.schools.pop()
    assert len(warm.params(tmp_path)[0].schools) == len(first.schools)
    # an edit of the same length, the file's time set back: still seen (bytes compared)
    st = os.stat(tmp_path / "trust.yaml")
    text = (tmp_path / "trust.yaml").read_text()
    (tmp_path / "trust.yaml").write_text(text.replace("name: Kestrel Valley",
                                                      "name: Renamed Valley", 1))
    os.utime(tmp_path / "trust.yaml", ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(tmp_path / "trust.yaml").st_size == st.st_size
    assert warm.params(tmp_path)[0].name == "Renamed Valley Learning Trust"
    assert parsed[0] == 4
    assert load_params(tmp_path)[0].name == "Renamed Valley Learning Trust"
    assert parsed[0] == 6
