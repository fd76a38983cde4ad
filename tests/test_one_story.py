"""One figure, one story, on the built demo term: for every report page and every KPI, the
table row, the sentence and the chart title agree on direction, rating and basis; and every
figure cell (a deep dive's three years, schools, pupil groups and subjects, a report card's
rows) shows the value of the one evaluated result for its place, term and measure.

The pages carry what each element says for machines (data-kpi, data-rating,
data-direction, data-basis, and a chart's data-title); this test checks that the elements
about one KPI on one page carry the same, AND that each element's own words say it (a
badge reading "Amber", a sentence "Up ... on the same term last year", a title "up on the
same term last year; close to target"), so neither the hooks nor the words can drift.
An element that shows only part of a result says which (data-shows: a report card's row
shows the figure, its chart title the change, neither a rating: a card has no targets).
A figure cell carries data-measure, data-term, data-urn and data-value.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from govkit.plan import fmt
from govkit.plan.evaluate import Evaluator
from govkit.plan.measures import MEASURES

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


@pytest.fixture(scope="module")
def ev(demo_term: Path) -> Evaluator:
    return Evaluator.from_paths(ROOT / "params", ROOT / "data" / "demo",
                                ROOT / "outputs" / "test-demo" / "one-story.duckdb")


SHOWS_ALL = "value rating change"


def _words_of(el) -> list[str]:
    """What an element's own words say, as the problems found (empty: it agrees)."""
    rating, direction, basis = el["data-rating"], el["data-direction"], el["data-basis"]
    shows = set(el.get("data-shows", SHOWS_ALL).split())
    if "change" not in shows:
        basis = "none"  # it shows no change: its words must not claim one
    problems = []
    if el.name == "tr":
        cells = [td.get_text(" ", strip=True) for td in el.find_all("td")]
        if "rating" in shows and not any(c.endswith(BADGE[rating]) for c in cells):
            problems.append(f"no badge '{BADGE[rating]}' in {cells}")
        if "rating" not in shows and el.select(".rag"):
            problems.append(f"a rating badge in a row that shows none: {cells}")
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
        if rating == "amber" and not re.search(r"just .*?(short of|above) the target", text) \
                and not re.search(r"(short of|above) the target of [^;]+; with .* this could "
                                  r"be chance\.", text):
            problems.append("amber, but not 'just short of / above the target' nor "
                            "'short of ...; with N pupils this could be chance'")
        if rating == "red" and "Not a clear difference" in text:
            problems.append("red, but its sentence says the gap is not clear")
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
        # a board chart's title names what it shows (data-shows="value"): the sentence
        # tells the story once, so the title must give no rating at all
        if "rating" in shows and rating in TITLE_RATING and TITLE_RATING[rating] not in title:
            problems.append(f"title '{title}' does not say '{TITLE_RATING[rating]}'")
        if (rating == "none" or "rating" not in shows) and \
                any(w in title for w in TITLE_RATING.values()):
            problems.append(f"title '{title}' gives a rating it does not say elsewhere")
    elif el.name == "span" and (  # an overview grid cell: its badge class and word
            f"rag-{BADGE[rating].lower().replace(' ', '-')}" not in el.get("class", [])
            or el.select_one(".gk-sr").get_text(strip=True) != f"{BADGE[rating]}:"):
        problems.append(f"cell {el.get('class')} '{el.get_text()}' is not {rating}")
    return problems


def story_problems(pages: dict[str, BeautifulSoup]) -> tuple[list[str], int,
                                                             dict[str, set[str]]]:
    """Every KPI's elements on every page: where they disagree with each other or their own
    words with their hooks; with how many were checked and the element kinds per page."""
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
    return problems, checked, kinds


def _audience(page: str) -> str:
    """The batch gives report cards the public audience, every other report the board."""
    return "public" if page.endswith("report_card.html") else "board"


def figure_problems(pages: dict[str, BeautifulSoup], ev: Evaluator) -> tuple[list[str], Counter]:
    """Every figure cell (data-value) against its own words and the one evaluated result
    for its place, term and measure: the KPI frame's value where the plan has a KPI on the
    measure, else the store's measure; and every KPI row's Value cell against the frame."""
    frames: dict[tuple, pd.DataFrame] = {}
    problems: list[str] = []
    counted: Counter = Counter()

    def frame(term: str, urn: int | None, audience: str) -> pd.DataFrame:
        if (term, urn, audience) not in frames:
            df = ev.kpis(term, urn=urn, audience=audience)
            frames[(term, urn, audience)] = df[df["status"] != "narrative"]
        return frames[(term, urn, audience)]

    for name, soup in pages.items():
        audience = _audience(name)
        for td in soup.select("td[data-value], li[data-value]"):
            measure, term, where, value = (td["data-measure"], td["data-term"],
                                           td["data-urn"], td["data-value"])
            text = td.get_text(" ", strip=True)
            # a cell is the figure (with its pupils); a rank line "Attendance: 95.2%, 2nd..."
            if not (text == value or text.startswith(value + " (") if td.name == "td"
                    else f": {value}," in text):
                problems.append(f"{name} {where} {term} {measure}: cell '{text}', not {value}")
            urn = None if where == "trust" else int(where)
            rows = frame(term, urn, audience)
            rows = rows[rows["measure"] == measure]
            if td.get("data-peers"):  # the trust's schools of that school's phase
                mv = ev.trust_figure(measure, term, int(td["data-peers"]), audience)
                shown = {fmt.value(mv.value if mv.status == "ok" else None,
                                   MEASURES[measure].unit)}
                counted["phase peers"] += 1
            elif len(rows):
                shown = {fmt.value(r["value"], r["unit"], r["status"])
                         for r in rows.to_dict("records")}
                counted["kpi frame"] += 1
            else:
                mv = ev.value(measure, term, urn, audience)
                shown = {fmt.value(mv.value, MEASURES[measure].unit, mv.status)}
                counted["store"] += 1
            if shown != {value}:
                problems.append(f"{name} {where} {term} {measure}: shows {value}, the one "
                                f"result is {sorted(shown)}")
        # a KPI table's Value column (priority reports): the frame's value for that KPI
        term, place = ev.trust.latest_term, name.split("/")[0]  # the batch's term
        for table in soup.select("table"):
            heads = [th.get_text(strip=True) for th in table.select("thead th")]
            if "Value" not in heads:
                continue
            at = heads.index("Value")
            urn = None if place == "trust" else int(place)
            for tr in table.select("tr[data-kpi]"):
                rows = frame(term, urn, audience)
                rows = rows[rows["kpi_id"] == tr["data-kpi"]]
                if not len(rows):
                    continue  # a narrative KPI: it shows no figure
                r = rows.iloc[0]
                want = fmt.value(r["value"], r["unit"], r["status"])
                got = tr.find_all("td")[at].get_text(" ", strip=True)
                counted["kpi rows"] += 1
                if got != want:
                    problems.append(f"{name} {tr['data-kpi']}: Value '{got}', the frame's {want}")
    return problems, counted


def test_every_kpi_tells_one_story_on_every_page(pages):
    """Table, sentence and chart title agree on rating, direction and basis, and say so."""
    problems, checked, kinds = story_problems(pages)
    assert not problems, "\n".join(problems[:40])
    # the check really ran: every priority page has tables, sentences and charts to compare
    priority_pages = [n for n in pages if "priority-" in n]
    assert len(priority_pages) >= 5 * 13
    for n in priority_pages:
        assert {"tr", "p", "img"} <= kinds[n], (n, kinds[n])
    assert "span" in kinds["trust/trust_overview.html"]
    # report cards: each row and the attendance chart say the KPI, with no rating
    cards = [n for n in pages if n.endswith("report_card.html")]
    assert len(cards) >= 12 and all("tr" in kinds[n] for n in cards)  # one per school
    assert sum("img" in kinds[n] for n in cards) >= 10
    assert checked > 1500  # elements: rows, sentences, titles and grid cells


PAGE_KINDS = ("priority-", "trust_overview", "education", "workforce", "finance",
              "governance", "report_card")


def test_every_figure_is_the_one_evaluated_result(pages, ev):
    """Deep dives and report cards: each figure cell shows what its hooks say, and that is
    the KPI frame's value (or the store's measure) for its place, term and measure."""
    problems, counted = figure_problems(pages, ev)
    assert not problems, "\n".join(problems[:40])
    # every page kind is covered: KPI hooks or figure cells on every page
    for kind in PAGE_KINDS:
        named = [n for n in pages if kind in n]
        assert named, kind
        for n in named:
            assert pages[n].select("[data-kpi], td[data-value]"), n
    for n in pages:  # every deep dive and card shows its figures with their hooks
        if n.endswith(("/education.html", "/workforce.html", "/finance.html",
                       "/governance.html", "/report_card.html")):
            assert pages[n].select("td[data-value]"), n
    deep = [n for n in pages if n.endswith("/education.html")]
    assert sum(bool(pages[n].select("li[data-value]")) for n in deep) >= 10  # rank lines
    assert counted["kpi frame"] > 1000 and counted["store"] > 100 and \
        counted["kpi rows"] > 400, counted


def test_a_drifted_figure_or_title_is_caught(demo_term, tmp_path, ev):
    """Edit a built page copy: a deep dive's figure, a card chart's title, a sentence."""
    def drifted(rel: str, old: str, new: str) -> dict[str, BeautifulSoup]:
        copy = tmp_path / rel
        copy.parent.mkdir(parents=True, exist_ok=True)
        text = (demo_term / rel).read_text(encoding="utf-8")
        assert old in text, (rel, old)
        copy.write_text(text.replace(old, new, 1), encoding="utf-8")
        return _pages(tmp_path)

    term = demo_term.name
    # a deep dive's three-year cell for this term, figure and hook changed together: it
    # no longer agrees with the KPI frame
    soup = BeautifulSoup((demo_term / "148192" / "education.html").read_text(encoding="utf-8"),
                         "html.parser")
    td = soup.select_one(f'td[data-measure="attendance_rate"][data-term="{term}"]'
                         '[data-urn="148192"]')
    shown = td["data-value"]
    other = f"{float(shown.rstrip('%')) + 0.1:.1f}%"
    cell = str(td)
    pages = drifted("148192/education.html", cell,
                    cell.replace(shown, other))
    problems, _ = figure_problems(pages, ev)
    assert any("attendance_rate" in p and "the one result is" in p for p in problems), problems
    # the same cell's words changed alone: they no longer say what its hooks say
    shutil.rmtree(tmp_path / "148192")
    pages = drifted("148192/education.html", cell,
                    cell.replace(f">{shown}<", f">{other}<"))
    problems, _ = figure_problems(pages, ev)
    assert any(f"cell '{other}', not {shown}" in p for p in problems), problems
    shutil.rmtree(tmp_path / "148192")
    # a report card's chart title turned round
    card = (demo_term / "148192" / "report_card.html").read_text(encoding="utf-8")
    title = re.search(r'data-title="Attendance: (up|down) on', card)
    assert title, "the card's attendance chart has no change in its title"
    turned = {"up": "down", "down": "up"}[title.group(1)]
    pages = drifted("148192/report_card.html", title.group(0),
                    title.group(0).replace(title.group(1), turned))
    problems, _, _ = story_problems(pages)
    assert any("report_card.html" in p and "title moves" in p for p in problems), problems
    # a priority report's sentence says Down where the result went up
    shutil.rmtree(tmp_path / "148192")
    prio = BeautifulSoup((demo_term / "148192" / "priority-education.html")
                         .read_text(encoding="utf-8"), "html.parser")
    p = prio.select_one('p[data-kpi][data-direction="up"]')
    pages = drifted("148192/priority-education.html", ">Up ", ">Down ") \
        if p and p.get_text().startswith("Up ") else None
    if pages is None:  # the sentence opens with the figure: turn its "Up" inside
        words = p.get_text()
        pages = drifted("148192/priority-education.html", words,
                        words.replace(" Up ", " Down ", 1))
    problems, _, _ = story_problems(pages)
    assert any("priority-education.html" in p and "sentence moves" in p
               for p in problems), problems


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


def test_thornwick_green_small_groups_are_hidden_or_too_few_to_rate(pages):
    soup = pages["148192/priority-education.html"]
    # 0 of 1 disadvantaged pupil, 0 of 2 with SEND, and the gap on that 1: below the
    # board's own threshold (trust.yaml: 5), so "c" on the board's page as on the card,
    # no rating, no cohort (they once read 0.0% (0 of 1 pupils), too few to rate)
    for kpi in ("education.inclusion.ks2_rwm_expected_disadvantaged",
                "education.inclusion.ks2_rwm_expected_send",
                "education.inclusion.ks2_rwm_disadvantaged_gap"):
        row = soup.select_one(f'tr[data-kpi="{kpi}"]')
        cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
        assert row["data-rating"] == "none" and cells[1:3] == ["c", "–"], (kpi, cells)
        said = soup.select_one(f'p[data-kpi="{kpi}"]').get_text(" ", strip=True)
        assert said.endswith("not shown (c) for 2024-25 because it covers too few pupils "
                             "to publish."), said
    assert "0 of 1 pupils" not in soup.get_text(" ") and "0 of 2 pupils" not in soup.get_text()
    # 8 disadvantaged pupils are not below 5, but are below min_cohort (10): shown, unrated
    row = soup.select_one('tr[data-kpi="education.inclusion.attendance_disadvantaged_gap"]')
    assert row["data-rating"] == "too_few" and "smaller group 8 pupils" in row.get_text(" ")
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
    # the trust's own figure is not red, and says so before naming the schools it hides
    assert re.search(r"(Green|Amber) for the trust; red at two schools: Calder Moor Primary "
                     r"School \(-£\d+k\) and Fenwick Lane Primary School \(-£\d+k\)\.",
                     sentence), sentence
    # and the priority's summary names the schools whose deficit is beyond their reserves
    summary = soup.find("h2", string="Summary").find_next("p").get_text(" ", strip=True)
    assert re.search(r"In-year deficit beyond its reserves at Calder Moor Primary School "
                     r"\(forecast deficit £\d+k against reserves of £[\d.]+k\)", summary), \
        summary
    assert "GBP" not in sentence


def test_every_cohort_shown_on_a_percentage_of_pupils(pages):
    # every KPI row of a share of pupils (KS2, phonics, absence) says how many
    soup = pages["148192/priority-education.html"]
    for kpi in ("education.outcomes.ks2_rwm_expected", "education.outcomes.phonics_pass",
                "education.attendance.persistent_absence"):
        row = soup.select_one(f'tr[data-kpi="{kpi}"]')
        assert re.search(r"\d+ of \d+ pupils", row.get_text(" ")), kpi


def test_no_red_trigger_or_attention_rests_on_too_few_pupils(ev):
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


GAP_SENTENCES = {  # a deep dive's sentence -> the priority report's KPI on the same gap
    "ks2_rwm_disadvantaged_gap": re.compile(
        r"The share reaching the KS2 expected standard of disadvantaged pupils is "
        r"([\d.]+) percentage points? (above|below) that of other pupils"),
    "attendance_disadvantaged_gap": re.compile(
        r"Attendance of disadvantaged pupils is ([\d.]+) percentage points? (above|below) "
        r"that of other pupils"),
}


def deep_dive_problems(pages: dict[str, BeautifulSoup], ev: Evaluator) -> tuple[list[str],
                                                                                 Counter]:
    """Each school's deep dives against its priority reports, on every measure they share:
    the three-year table's change (same value, same basis, same direction word) and the
    pupil-group gap sentences (same gap, same sign) against the KPI rows."""
    problems: list[str] = []
    counted: Counter = Counter()
    for name, soup in pages.items():
        place, page = name.split("/")
        if place == "trust" or page not in ("education.html", "workforce.html",
                                            "finance.html", "governance.html"):
            continue
        # the priority reports' KPI rows of this school, by measure: (Value, Change) cells
        kpi_cells: dict[str, tuple[str, str]] = {}
        frame = ev.kpis(ev.trust.latest_term, int(place))
        measure_of = dict(zip(frame["kpi_id"], frame["measure"], strict=True))
        for other, psoup in pages.items():
            if not other.startswith(f"{place}/priority-"):
                continue
            for table in psoup.select("table"):
                heads = [th.get_text(strip=True) for th in table.select("thead th")]
                if "Change" not in heads:
                    continue
                for tr in table.select("tr[data-kpi]"):
                    cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
                    mid = measure_of.get(tr["data-kpi"])
                    if mid and mid not in kpi_cells:
                        kpi_cells[mid] = (cells[heads.index("Value")],
                                          cells[heads.index("Change")])
        for table in soup.select("table"):
            heads = [th.get_text(strip=True) for th in table.select("thead th")]
            if "Change" not in heads or "What we measure" not in heads:
                continue
            for tr in table.select("tbody tr"):
                tds = tr.find_all("td")
                mids = {td["data-measure"] for td in tds if td.get("data-measure")}
                if len(mids) != 1 or next(iter(mids)) not in kpi_cells:
                    continue
                mid = next(iter(mids))
                change = tds[heads.index("Change")].get_text(" ", strip=True)
                want = kpi_cells[mid][1]
                counted["changes"] += 1
                if not (change == want or change.startswith(want + " (")):
                    problems.append(f"{name} {mid}: deep dive change '{change}', priority "
                                    f"report '{want}'")
                word = re.search(r"\((better|worse|higher|lower)\)$", change)
                if word and MEASURES[mid].judged != (word.group(1) in ("better", "worse")):
                    problems.append(f"{name} {mid}: '{word.group(1)}' for a measure "
                                    f"{'with' if MEASURES[mid].judged else 'without'} a "
                                    "better direction")
        text = soup.get_text(" ", strip=True)
        for mid, pattern in GAP_SENTENCES.items():
            hit = pattern.search(text)
            if not hit or mid not in kpi_cells:
                continue
            value = kpi_cells[mid][0]
            gap = float(hit.group(1)) * (1 if hit.group(2) == "below" else -1)
            counted["gaps"] += 1
            if value != fmt.value(gap, "points"):
                problems.append(f"{name} {mid}: deep dive says {hit.group(0)!r}, the priority "
                                f"report's gap is {value}")
    return problems, counted


def test_deep_dives_and_priority_reports_agree_on_every_measure_they_share(pages, ev):
    """The issue: Calder Moor's disadvantaged KS2 '+5.1 pts ... an improvement' in its
    priority report and '-1.5 pts (worse)' in its education deep dive."""
    problems, counted = deep_dive_problems(pages, ev)
    assert not problems, "\n".join(problems[:30])
    assert counted["changes"] > 100 and counted["gaps"] >= 5, counted


def test_a_deep_dive_change_on_another_basis_is_caught(demo_term, tmp_path, ev):
    pages = _pages(demo_term)
    soup = pages["148127/education.html"]
    for td in soup.select("td"):
        text = td.get_text(" ", strip=True)
        if re.match(r"[+-][\d.]+ pts on (last year|same term last year) \((better|worse)\)$",
                    text):
            td.string = "-1.5 pts (worse)"  # the old two-year change
            break
    else:
        pytest.fail("no change cell on Calder Moor's education deep dive")
    problems, _ = deep_dive_problems(pages, ev)
    assert any("148127/education.html" in p and "-1.5 pts (worse)" in p for p in problems)


def test_no_red_or_trigger_rests_on_a_gap_that_could_be_chance(ev):
    """The issue's done-when on the demo term: no red whose interval holds its target, no
    trigger comparing with national or the trust inside the school's interval."""
    term = ev.trust.latest_term
    for s in ev.trust.schools_in(term):
        for r in ev.results(term, s.urn):
            if r.rag == "red" and r.ci_lower is not None:
                assert not (r.ci_lower <= r.target <= r.ci_upper), (s.name, r.kpi_id)
    fired = ev.triggers(term)
    assert len(fired)
    rules = {t.id: t for t in ev.plan.triggers}
    for hit in fired.to_dict("records"):
        rule = rules[hit["trigger_id"]]
        if rule.kind not in ("below_national", "below_trust"):
            continue
        mv = ev.value(hit["measure"], term, hit["urn"])
        ci = ev.interval(hit["measure"], mv, term, hit["urn"], "board")
        other = (ev.fair_national(hit["measure"], mv.period, hit["urn"]).value
                 if rule.kind == "below_national"
                 else ev.trust_figure(hit["measure"], term, hit["urn"]).value)
        assert ci is None or not (ci[0] <= other <= ci[1]), hit
    # Brindlewood's 61.7% against 62.0% no longer fires; a special school is not held to
    # all schools' attendance
    assert not ((fired["school"] == "Brindlewood Primary Academy")
                & (fired["trigger_id"] == "ks2-below-national")).any()
    assert not ((fired["urn"] == 148244) & (fired["trigger_id"] != "red-twice")).any()


def test_no_board_page_shows_a_figure_on_fewer_pupils_than_the_boards_threshold(pages):
    """trust.yaml's threshold (5: "counts below this are suppressed (confidential)") holds
    on the board's pages as public_threshold does on the card: no "0 of 4 pupils", no
    "smaller group 1 pupil" (Calder Moor's SEND group read 0.0% (0 of 4 pupils) on its
    priority and education pages while its card said c; six such cohorts on the demo)."""
    from govkit.plan.params import load_params

    threshold = load_params(ROOT / "params")[0].suppression.threshold
    cohort = re.compile(r"\b\d+ of (\d+) pupils?\b|smaller group (\d+) pupils?\b")
    for name, soup in pages.items():
        if name.endswith("report_card.html"):
            continue  # the public card: test_public_counts holds it to public_threshold
        for m in cohort.finditer(soup.get_text(" ")):
            pupils = int(m.group(1) or m.group(2))
            assert pupils == 0 or pupils >= threshold, (name, m.group(0))
