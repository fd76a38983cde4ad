"""The public report card as a parent reads it: comparisons in words that grow with the
gap as shown (a gap that could be chance said so, never "about the same"), measures that
don't apply left out with one line, the national figure for the school's phase (or saying
it covers all schools), a short "In words", a glossary, and no link to the board's pages.
Worked by hand."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from memstore import URN_A, URN_B, URN_C, attendance, memstore, plan, schools, trust

from govkit.plan import fmt
from govkit.plan.evaluate import Evaluator
from govkit.reports import report_card as rc
from govkit.reports.context import Context

SUMMER = "2024-25-summer"


@pytest.mark.parametrize(("value", "other", "unit", "up", "words"), [
    (62.0, 62.1, "percent", True, "about the same as national"),      # 0.1: tiny
    (61.0, 62.0, "percent", True, "a little below national (worse)"),  # 1.0
    (59.3, 62.0, "percent", True, "below national (worse)"),           # 2.7
    (55.0, 62.0, "percent", True, "well below national (worse)"),      # 7.0
    (26.5, 20.0, "percent", False, "well above national (worse)"),     # lower is better
    (10.0, 20.0, "percent", False, "well below national (better)"),
    (104.6, 104.0, "score", True, "a little above national (better)"),  # 0.6 of a score
    # judged on the figures as shown: 94.96 reads 95.0, half a point above 94.5 ...
    (94.96, 94.5, "percent", True, "a little above national (better)"),
    # ... and 94.94 reads 94.9, 0.4 above: about the same
    (94.94, 94.5, "percent", True, "about the same as national"),
])
def test_comparison_words_grow_with_the_gap(value: float, other: float, unit: str, up: bool,
                                            words: str) -> None:
    assert rc.compare_words(value, other, unit, up, "national") == words


def test_the_issue_gaps_of_0_1_and_2_7_points_read_differently() -> None:
    # "How we compare" said "worse than national" for both
    small = rc.compare_words(61.9, 62.0, "percent", True, "national")
    large = rc.compare_words(59.3, 62.0, "percent", True, "national")
    assert small == "about the same as national" and large == "below national (worse)"


def test_inside_the_interval_says_the_group_is_small_never_about_the_same() -> None:
    # Calder Moor: 11 of 24 = 45.8% (interval 27.9 to 64.9) against national 62.0: a
    # visible 16.2 points is not "about the same"; it could be chance, and says why
    assert rc.compare_words(45.8, 62.0, "percent", True, "national", 27.9, 64.9, 24) == \
        "well below national, in a small group of 24 pupils"
    # 55.0% with a 95% interval of 45.0 to 65.0: national 62.0 inside it, 7 points
    assert rc.compare_words(55.0, 62.0, "percent", True, "national", 45.0, 65.0) == \
        "well below national, in a small group"
    assert rc.compare_words(55.0, 66.0, "percent", True, "national", 45.0, 65.0) == \
        "well below national (worse)"
    # a gap under half a point is about the same, interval or not
    assert rc.compare_words(61.8, 62.0, "percent", True, "national", 45.0, 65.0, 24) == \
        "about the same as national"
    # a gap between two groups names its smaller group
    assert rc.compare_words(30.0, 22.0, "points", False, "national", 5.0, 50.0, 9,
                            gap=True) == \
        "well above national, with 9 pupils in the smaller group"


@pytest.mark.parametrize("shown", [5.0, 6.0, 16.2, 30.0])
def test_a_visible_gap_of_five_points_is_never_about_the_same(shown: float) -> None:
    for lo, hi in ((None, None), (0.0, 100.0), (50.0, 70.0)):
        words = rc.compare_words(62.0 - shown, 62.0, "percent", True, "national", lo, hi,
                                 24)
        assert words.startswith("well below national"), (shown, lo, hi, words)


def _ctx(tmp_path: Path, urn: int) -> Context:
    # A special school 89.8% (102 of 1000 sessions missed), 27 of 100 persistently absent;
    # B primary 94.8%, 10 of 100; C secondary 91.1%. No KS2 or KS4 results anywhere.
    con = memstore(schools=schools("special", "primary", "secondary"), attendance=[
        attendance(URN_A, SUMMER, 1000, 102, pupils=100, pa=27),
        attendance(URN_B, SUMMER, 1000, 52, pupils=100, pa=10),
        attendance(URN_C, SUMMER, 1000, 89, pupils=100, pa=15)])
    path = tmp_path / f"{urn}.duckdb"
    con.execute(f"ATTACH '{path}' AS disk")
    con.execute("COPY FROM DATABASE memory TO disk")
    con.execute("DETACH disk")
    t = trust("special", "primary", "secondary")
    p = plan([{"measure": "attendance_rate", "target": {"relative_to": "national"}},
              {"measure": "persistent_absence", "target": 15, "tolerance": 3},
              {"measure": "ks2_rwm_expected", "target": 60, "tolerance": 4},
              {"measure": "ks4_attainment8", "target": 46, "tolerance": 3},
              {"measure": "in_year_balance", "target": 0, "tolerance": 25000}])
    ev = Evaluator(t, p, duckdb.connect(str(path), read_only=True))
    return Context(ev, t, p, SUMMER, urn, "public", tmp_path, path)


def test_a_special_school_gets_no_rows_of_dashes_and_says_whose_national(
        tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, URN_A)
    frame = rc.public_kpis(ctx)
    # results it has none of are left out, and money is never on a public card
    assert [r.measure for r in frame] == ["attendance_rate", "persistent_absence"]
    assert rc.left_out_line(ctx) == (
        "Not on this card: KS2 results and KS4 results (no figure published for School 1 "
        "this year).")
    table = rc.card_table(ctx, frame).set_index("What we measure")
    # DfE's attendance for all schools (92.9%, 2023/24): no special-school figure, so
    # the card says whose it is; 89.8 is 3.1 points below
    assert table.loc["Attendance", "National"] == "92.9% (all schools)"
    assert table.loc["Attendance", "How we compare"] == "Below all schools nationally (worse)"
    # 27 of 100 = 27.0%, Wilson 95% interval 19.3% to 36.4% holds 20.0%: 7 points above,
    # but it could be chance (100 pupils is not "a small group": rc.SMALL_GROUP)
    assert table.loc["Persistent absence (10% or more of sessions missed)",
                     "How we compare"] == ("Well above all schools nationally, a gap that "
                                           "could be chance")


def test_a_primary_school_reads_against_the_primary_national(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, URN_B)
    table = rc.card_table(ctx, rc.public_kpis(ctx)).set_index("What we measure")
    # primary attendance 94.5% (2023/24): like for like, 94.8 is 0.3 away
    assert table.loc["Attendance", "National"] == "94.5%"
    assert table.loc["Attendance", "How we compare"] == "About the same as national"
    # 10 of 100 = 10.0% (interval 5.5% to 17.4%) against 20.0% for all schools
    assert table.loc["Persistent absence (10% or more of sessions missed)",
                     "How we compare"] == "Well below all schools nationally (better)"
    assert rc.left_out_line(ctx) == (
        "Not on this card: KS4 results (not for a primary school); KS2 results (no figure "
        "published for School 2 this year).")


def test_in_words_says_what_stands_out_not_every_row(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, URN_B)
    frame = pd.DataFrame([
        dict(measure="attendance_rate", label="Attendance", unit="percent", value=94.8,
             national_value=94.5, direction="higher", status="ok", period=SUMMER),
        dict(measure="persistent_absence", label="Persistent absence", unit="percent",
             value=10.0, national_value=20.0, direction="lower", status="ok", period=SUMMER),
        dict(measure="enrichment_participation", label="Pupils taking part in enrichment",
             unit="percent", value=40.0, trust_value=49.6, national_value=None,
             direction="higher", status="ok", period=SUMMER),
        dict(measure="phonics_pass", label="Year 1 phonics check", unit="percent",
             value=None, national_value=80.0, direction="higher", status="suppressed",
             period="2024-25"),
    ])
    assert rc.stand_out(ctx, frame) == [
        "Where School 2 does well: persistent absence (10.0% against 20.0% for all schools "
        "nationally).",
        "Where School 2 is behind: pupils taking part in enrichment (40.0% against 49.6% "
        "for the trust).",
        "One other measure is about the same as national or the trust, or only a little "
        "different.",
        "Not shown (c), because too few pupils are in the group to publish without "
        "identifying them: the Year 1 phonics check."]


def test_in_words_names_every_measure_behind_not_only_the_three_biggest(
        tmp_path: Path) -> None:
    # the issue: Calder Moor's card listed three survey and roll gaps as where it is
    # behind, and its attendance (92.0% against 94.5%, "Below national (worse)" in the
    # table) was in no line at all
    ctx = _ctx(tmp_path, URN_B)

    def trust_row(measure: str, label: str, value: float, trust: float) -> dict:
        return dict(measure=measure, label=label, unit="percent", value=value,
                    trust_value=trust, national_value=None, direction="higher",
                    status="ok", period=SUMMER)

    frame = pd.DataFrame([
        dict(measure="attendance_rate", label="Attendance", unit="percent", value=92.0,
             national_value=94.5, direction="higher", status="ok", period=SUMMER),
        trust_row("enrichment_participation", "Pupils taking part in enrichment", 40.0, 49.6),
        trust_row("parent_survey_agreement", "Parents agreeing", 70.0, 88.0),
        trust_row("pupil_survey_agreement", "Pupils agreeing", 71.0, 84.0),
    ])
    # three gaps of 5 points or more ("well") first, with their figures; attendance,
    # 2.5 points below, named after them
    assert rc.stand_out(ctx, frame) == [
        "Where School 2 is behind: parents agreeing (70.0% against 88.0% for the trust); "
        "pupils agreeing (71.0% against 84.0% for the trust); pupils taking part in "
        "enrichment (40.0% against 49.6% for the trust); also attendance (figures in the "
        "tables above)."]


def test_a_schools_trend_draws_the_trust_figure_its_table_shows(tmp_path: Path) -> None:
    # the issue: Calder Moor's table gave the trust's primaries (94.6%) and its chart's
    # trust line the whole trust with the secondaries (93.2%), one figure, two stories.
    # A 95.0% (50 of 1000 sessions missed), B 93.0% (70 of 1000): primaries together
    # 1880 of 2000 = 94.0%; with C, a secondary at 85.0%, the whole trust 91.0%
    from govkit.reports.measure_section import _peer_line, measure_chart

    con = memstore(schools=schools("primary", "primary", "secondary"), attendance=[
        attendance(URN_A, SUMMER, 1000, 50), attendance(URN_B, SUMMER, 1000, 70),
        attendance(URN_C, SUMMER, 1000, 150)])
    t = trust("primary", "primary", "secondary")
    p = plan([{"measure": "attendance_rate", "target": 95}])
    ctx = Context(Evaluator(t, p, con), t, p, SUMMER, URN_A, "board", tmp_path,
                  tmp_path / "x.duckdb")
    assert round(ctx.ev.trust_figure("attendance_rate", SUMMER, URN_A).value, 1) == 94.0
    assert [round(v, 1) for v in _peer_line(ctx, "attendance_rate", [SUMMER])] == [94.0]
    chart = measure_chart(ctx, "attendance_rate")
    assert chart is not None and "School 1, the trust's primary schools" in chart.title


def test_glossary_explains_the_words_on_this_card() -> None:
    frame = pd.DataFrame({"label": ["KS2 reading: average scaled score",
                                    "Persistent absence (10% or more of sessions missed)"]})
    terms = [t for t, _ in rc.glossary_terms(frame)]
    assert {"KS2", "Scaled score", "Persistent absence", "c", "x", "–"} <= set(terms)
    assert "KS4" not in terms and "SEND" not in terms


# --- the built cards, as a parent opens them ----------------------------------------------

def _section(page: str, title: str) -> str:
    start = page.index(f">{title}</h2>")
    nxt = page.find("<h2", start)
    return page[start:nxt if nxt > 0 else None]


@pytest.mark.parametrize("urn", ["148192", "148244", "148218", "148127"])
def test_built_cards_read_as_a_parent_needs(demo_term: Path, urn: str) -> None:
    page = (demo_term / urn / "report_card.html").read_text()
    assert "Worse than national" not in page and "Better than national" not in page
    assert "What the words mean" in page and 'class="gk-glossary"' in page
    assert "index.html" not in page  # no way from a public page to the board's
    # "In words": a few lines on what stands out, not one per table row
    assert len(re.findall(r"<li>", _section(page, "In words"))) <= 4
    rows = re.findall(r"<tr[^>]*><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>", page)
    assert rows and all(school not in ("–", "x") for _, school in rows), urn


def test_the_special_school_card(demo_term: Path) -> None:
    page = (demo_term / "148244" / "report_card.html").read_text()
    assert "Not on this card:" in page
    assert "92.9% (all schools)" in page  # attendance beside all schools', said so
    assert "KS2" not in _section(page, "At a glance").split("Not on this card")[0]


def test_no_card_says_a_topic_it_shows_is_missing(demo_term: Path) -> None:
    """A card showing Attainment 8 never says "KS4 results" have no figure, nor one
    showing KS2 reading, writing and maths that "KS2 results" are not shown (c); a topic
    is named once in "Not on this card"."""
    from bs4 import BeautifulSoup

    for card in sorted(demo_term.glob("*/report_card.html")):
        soup = BeautifulSoup(card.read_text(encoding="utf-8"), "html.parser")
        shown = {rc._short(td["data-measure"]) for td in soup.select("td[data-measure]")
                 if td.get("data-urn") == card.parent.name
                 and td["data-value"] not in ("c", "–", "x", "z")} - {None}
        said = " ".join(el.get_text(" ", strip=True) for el in soup.select("p.gk-note, li")
                        if el.get_text().startswith(("Not on this card", "Not shown")))
        for topic in shown:
            assert topic not in said, (card.parent.name, topic, said)
        left = next((el.get_text(" ", strip=True) for el in soup.select("p.gk-note")
                     if el.get_text().startswith("Not on this card")), "")
        for topic in set(rc.SHORT_NAMES.values()):
            assert left.count(topic) <= 1, (card.parent.name, left)


def test_a_card_showing_percentage_points_says_what_pts_means() -> None:
    """'3.0 pts' in a gap row was never explained to a parent: a card whose figures are in
    percentage points says what they are under its tables; one without says nothing."""
    gaps = pd.DataFrame({"What we measure": ["Attendance gap: other pupils minus "
                                             "disadvantaged pupils"],
                         "Oak": ["c"], "Trust": ["3.1 pts"], "National": ["–"],
                         "How we compare": ["–"]})
    national_only = gaps.assign(Trust="–", National="22.0 pts (all schools)")
    plain = pd.DataFrame({"What we measure": ["Attendance", "Targets missed by 3 pts"],
                          "Oak": ["92.0%", "c"], "National": ["94.5%", "–"],
                          "How we compare": ["Below national (worse)", "Gap of 2 pts"]})
    assert rc.shows_points([plain, gaps]) and rc.shows_points([national_only])
    # a label or the words may say "pts": only a figure in points needs the line
    assert not rc.shows_points([plain])
    assert fmt.POINTS_FOOTNOTE == ("pts = percentage points, the gap between two "
                                   "percentages: 95% and 92% are 3 pts apart.")


def test_built_cards_explain_pts_under_the_tables_that_show_it(demo_term: Path) -> None:
    for card in sorted(demo_term.glob("*/report_card.html")):
        glance = _section(card.read_text(encoding="utf-8"), "At a glance")
        shows = bool(re.search(r"<td[^>]*>-?\d+\.\d pts", glance))
        assert (fmt.POINTS_FOOTNOTE in glance) == shows, card.parent.name
        if shows:  # after the last table, where the Trust column is explained
            assert glance.rindex("</table>") < glance.index(fmt.POINTS_FOOTNOTE)
