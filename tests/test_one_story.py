"""One figure, one story, on the built demo term: for every report page and every KPI, the
table row, the sentence and the chart title agree on direction, rating and basis.

The pages carry what each element says for machines (data-kpi, data-rating,
data-direction, data-basis, and a chart's data-title); this test checks that the elements
about one KPI on one page carry the same, AND that each element's own words say it (a
badge reading "Amber", a sentence "Up ... on the same term last year", a title "up on the
same term last year; close to target"), so neither the hooks nor the words can drift.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from govkit.plan.evaluate import Evaluator

ROOT = Path(__file__).resolve().parents[1]

# a change's basis (data-basis) in a sentence or chart title, and in a table cell
BASIS_WORDS = {"last-term": "last term", "same-term-last-year": "the same term last year",
               "last-year": "last year", "last-survey": "the last survey"}
CELL_BASIS = {"last-term": "last term", "same-term-last-year": "same term last year",
              "last-year": "last year", "last-survey": "last survey"}
BADGE = {"green": "Green", "amber": "Amber", "red": "Red", "too_few": "Too few pupils to rate",
         "none": "No rating"}
TITLE_RATING = {"green": "on target", "amber": "close to target", "red": "off target",
                "too_few": "too few pupils to rate"}
SENTENCE_MOVE = re.compile(r"\b(Up|Down|Unchanged) (?:[^ ]+ ){0,6}?on (last term|the same "
                           r"term last year|last year|the last survey)\b")
TITLE_MOVE = re.compile(r": (up|down|unchanged) on (last term|the same term last year|"
                        r"last year|the last survey)\b")


def _pages(term_dir: Path) -> dict[str, BeautifulSoup]:
    return {str(p.relative_to(term_dir)): BeautifulSoup(p.read_text(encoding="utf-8"),
                                                        "html.parser")
            for p in sorted(term_dir.rglob("*.html")) if p.name != "index.html"}


@pytest.fixture(scope="module")
def pages(demo_term: Path) -> dict[str, BeautifulSoup]:
    return _pages(demo_term)


def _words_of(el) -> list[str]:
    """What an element's own words say, as the problems found (empty: it agrees)."""
    rating, direction, basis = el["data-rating"], el["data-direction"], el["data-basis"]
    problems = []
    if el.name == "tr":
        cells = [td.get_text(" ", strip=True) for td in el.find_all("td")]
        if not any(c.endswith(BADGE[rating]) for c in cells):
            problems.append(f"no badge '{BADGE[rating]}' in {cells}")
        change = [c for c in cells if c.endswith(tuple(f" on {w}" for w in CELL_BASIS.values()))]
        if basis != "none":
            want = f" on {CELL_BASIS[basis]}"
            sign = {"up": "+", "down": "-", "same": "no change"}[direction]
            if not change or not change[0].endswith(want) or not change[0].startswith(sign):
                problems.append(f"change cell {change} is not '{sign}... {want}'")
        elif change:
            problems.append(f"a change cell {change} with no basis")
    elif el.name == "p":
        text = el.get_text(" ", strip=True)
        moves = SENTENCE_MOVE.findall(text)
        if basis != "none":
            word = {"up": "Up", "down": "Down", "same": "Unchanged"}[direction]
            if moves != [(word, BASIS_WORDS[basis])]:
                problems.append(f"sentence moves {moves}, not {word} on {BASIS_WORDS[basis]}")
        elif moves:
            problems.append(f"sentence moves {moves} with no basis")
        if rating == "too_few" and "too few pupils to rate" not in text:
            problems.append("too few to rate, not said")
        if rating == "green" and "meeting the target" not in text:
            problems.append("green, but not 'meeting the target'")
        if rating == "amber" and not re.search(r"just .*?(short of|above) the target", text):
            problems.append("amber, but not 'just short of / above the target'")
        if rating == "red" and ("meeting the target" in text or re.search(r"\bjust ", text)
                                or not re.search(r"(short of|above) the target", text)):
            problems.append("red, but not plainly short of / above the target")
        if rating != "too_few" and "too few pupils to rate" in text:
            problems.append(f"'too few pupils to rate' in a {rating} sentence")
    elif el.name == "img":
        title = el.get("data-title", "")
        moves = TITLE_MOVE.findall(title)
        if basis != "none":
            word = {"up": "up", "down": "down", "same": "unchanged"}[direction]
            if moves != [(word, BASIS_WORDS[basis])]:
                problems.append(f"title moves {moves}, not {word} on {BASIS_WORDS[basis]}")
        elif moves:
            problems.append(f"title moves {moves} with no basis")
        if rating in TITLE_RATING and TITLE_RATING[rating] not in title:
            problems.append(f"title '{title}' does not say '{TITLE_RATING[rating]}'")
    elif el.name == "span" and (  # an overview grid cell: its badge class and word
            f"rag-{BADGE[rating].lower().replace(' ', '-')}" not in el.get("class", [])
            or el.select_one(".gk-sr").get_text(strip=True) != f"{BADGE[rating]}:"):
        problems.append(f"cell {el.get('class')} '{el.get_text()}' is not {rating}")
    return problems


def test_every_kpi_tells_one_story_on_every_page(pages):
    """Table, sentence and chart title agree on rating, direction and basis, and say so."""
    checked, problems = 0, []
    kinds: dict[str, set[str]] = defaultdict(set)
    for name, soup in pages.items():
        groups: dict[tuple[str, str], list] = defaultdict(list)
        for el in soup.select("[data-kpi]"):
            groups[(el.get("data-place", ""), el["data-kpi"])].append(el)
        for (place, kpi), els in groups.items():
            said = {(e["data-rating"], e["data-direction"], e["data-basis"]) for e in els}
            if len(said) > 1:
                problems.append(f"{name} {place} {kpi}: elements disagree: {sorted(said)}")
            for e in els:
                kinds[name].add(e.name)
                problems += [f"{name} {place} {kpi} <{e.name}>: {p}" for p in _words_of(e)]
                checked += 1
    assert not problems, "\n".join(problems[:40])
    # the check really ran: every priority page has tables, sentences and charts to compare
    priority_pages = [n for n in pages if "priority-" in n]
    assert len(priority_pages) >= 5 * 13
    for n in priority_pages:
        assert {"tr", "p", "img"} <= kinds[n], (n, kinds[n])
    assert "span" in kinds["trust/trust_overview.html"]
    assert checked > 1500  # elements: rows, sentences, titles and grid cells


def test_no_column_is_headed_since_last_term(pages):
    for name, soup in pages.items():
        heads = {th.get_text(strip=True) for th in soup.find_all("th")}
        assert "Since last term" not in heads, name


def test_units_no_gbp_and_suspensions_per_100_pupils(pages):
    for name, soup in pages.items():
        text = soup.get_text(" ")
        assert "GBP" not in text, name
        for el in soup.select('[data-kpi$="suspension_rate"]'):
            words = el.get("data-title") if el.name == "img" else el.get_text(" ")
            assert "%" not in words and " pts" not in words, (name, words)


def test_no_sentence_says_a_figure_misses_a_target_it_shows_equal_to(pages):
    # "Attendance: 95.0% ... just short of the target of 95.0%"
    same = re.compile(r": (-?£?[\d.,]+[%k]?)[^.]*? in [^,]+, (?:just )?(?:short of|above) "
                      r"the target of \1\.")
    for name, soup in pages.items():
        for p in soup.select("p.kpi-sentence"):
            assert not same.search(p.get_text(" ", strip=True)), (name, p.get_text())


def test_top_slice_one_shown_value_one_rating(pages):
    # the overview showed a green 5.0% at one school and an amber 5.0% at another
    soup = pages["trust/trust_overview.html"]
    seen: dict[str, set[str]] = defaultdict(set)
    for el in soup.select('span[data-kpi="finance.ground-level.top_slice_pct_income"]'):
        shown = el.get_text(" ", strip=True).split(":")[-1].strip()
        seen[shown].add(el["data-rating"])
    assert seen and all(len(r) == 1 for r in seen.values()), dict(seen)


def test_trust_education_suspensions_spend_surveys_agree(pages):
    soup = pages["trust/priority-education.html"]
    for kpi, basis in (("education.attendance.suspension_rate", "last-term"),
                       ("education.voice.pupil_survey_agreement", "last-year"),
                       ("education.voice.parent_survey_agreement", "last-year"),
                       ("education.attendance.attendance_rate", "same-term-last-year")):
        els = soup.select(f'[data-kpi="{kpi}"]')
        assert {e.name for e in els} == {"tr", "p", "img"}, kpi
        assert {e["data-basis"] for e in els} == {basis}, kpi
    spend = pages["trust/priority-finance.html"].select(
        '[data-kpi="finance.ground-level.spend_per_pupil"]')
    assert len({(e["data-direction"], e["data-basis"]) for e in spend}) == 1


def test_seasonal_energy_compares_with_the_same_term_last_year(pages):
    for name in ("148192/priority-finance.html", "trust/priority-finance.html"):
        p = pages[name].select_one('p[data-kpi="finance.sustainability.energy_per_pupil"]')
        assert "on the same term last year" in p.get_text(), name
        assert "on last term" not in p.get_text(), name


def test_thornwick_green_small_groups_are_too_few_to_rate(pages):
    soup = pages["148192/priority-education.html"]
    for kpi, cohort in (("education.inclusion.ks2_rwm_expected_disadvantaged", "0 of 1 pupils"),
                        ("education.inclusion.ks2_rwm_expected_send", "0 of 2 pupils"),
                        ("education.inclusion.ks2_rwm_disadvantaged_gap", "smaller group 1")):
        row = soup.select_one(f'tr[data-kpi="{kpi}"]')
        assert row["data-rating"] == "too_few" and cohort in row.get_text(" "), kpi
        assert "Too few pupils to rate" in row.get_text(" ")
    # and the board's first table does not count them among Thornwick Green's reds
    overview = pages["trust/trust_overview.html"]
    for tr in overview.find_all("tr"):
        text = tr.get_text(" ", strip=True)
        if text.startswith("Thornwick Green"):
            assert "disadvantaged" not in text and "SEND" not in text, text


def test_trust_finance_names_calder_moor_and_fenwick_lane(pages):
    soup = pages["trust/priority-finance.html"]
    kpi = "finance.sustainable.in_year_balance"
    for el in (soup.select_one(f'tr[data-kpi="{kpi}"]'), soup.select_one(f'p[data-kpi="{kpi}"]')):
        text = el.get_text(" ", strip=True)
        assert "Calder Moor Primary School" in text and "Fenwick Lane Primary School" in text
    sentence = soup.select_one(f'p[data-kpi="{kpi}"]').get_text(" ", strip=True)
    assert re.search(r"Red at two schools: Calder Moor Primary School \(-£\d+k\) and "
                     r"Fenwick Lane Primary School \(-£\d+k\)\.", sentence), sentence
    assert "GBP" not in sentence


def test_every_cohort_shown_on_a_percentage_of_pupils(pages):
    # every KPI row of a share of pupils (KS2, phonics, absence) says how many
    soup = pages["148192/priority-education.html"]
    for kpi in ("education.outcomes.ks2_rwm_expected", "education.outcomes.phonics_pass",
                "education.attendance.persistent_absence"):
        row = soup.select_one(f'tr[data-kpi="{kpi}"]')
        assert re.search(r"\d+ of \d+ pupils", row.get_text(" ")), kpi


def test_no_red_trigger_or_attention_rests_on_too_few_pupils():
    ev = Evaluator.from_paths(ROOT / "params", ROOT / "data" / "demo",
                              ROOT / "outputs" / "test-demo" / "one-story.duckdb")
    term, least = ev.trust.latest_term, ev.trust.min_cohort
    reds = 0
    for s in ev.trust.schools:
        df = ev.kpis(term, s.urn)
        red = df[df["rag"] == "red"]
        reds += len(red)
        small = red[red["cohort"].notna() & (red["cohort"] < least)]
        assert small.empty, (s.name, list(small["kpi_id"]))
        # a figure on too few pupils is shown, and said to be too few
        few = df[df["rating"] == "too_few"]
        assert (few["cohort"] < least).all() and few["rag"].isna().all()
    assert reds > 0
    trig = ev.triggers(term)
    assert len(trig) > 0
    for r in trig.to_dict("records"):
        mv = ev.value(r["measure"], term, r["urn"])
        assert not ev.too_few(r["measure"], mv), r
