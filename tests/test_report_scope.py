"""Each report's headline on the index and in the manifest is rated from the KPIs that
report shows; a deep dive and the public card show no rating and get none; a public page
links to no board page."""

from __future__ import annotations

import json
from pathlib import Path

from memstore import URN_A, attendance, memstore, plan, schools, trust

from govkit.plan.evaluate import Evaluator
from govkit.reports.scope import deep_dive_measures, report_measures

SUMMER = "2024-25-summer"


def _evaluator() -> Evaluator:
    # attendance 90.0% (90 of 100 sessions) against 95 (tolerance 2): red;
    # persistent absence 10 of 100 pupils = 10.0% against 12 (lower is better): green
    con = memstore(schools=schools("primary"),
                   attendance=[attendance(URN_A, SUMMER, 100, 10, pupils=100, pa=10)])
    p = plan([{"measure": "attendance_rate", "target": 95, "tolerance": 2},
              {"measure": "persistent_absence", "target": 12, "tolerance": 2}])
    return Evaluator(trust("primary"), p, con)


def test_ratings_count_only_the_measures_asked_for() -> None:
    ev = _evaluator()
    assert ev.ratings(SUMMER, URN_A) == ("red", {"red": 1, "amber": 0, "green": 1})
    assert ev.ratings(SUMMER, URN_A, measures={"persistent_absence"}) == \
        ("green", {"red": 0, "amber": 0, "green": 1})
    # a report with none of the plan's KPIs has no rating, not the whole school's
    assert ev.ratings(SUMMER, URN_A, measures={"staff_turnover"}) == \
        (None, {"red": 0, "amber": 0, "green": 0})


def test_each_deep_dive_is_rated_from_its_own_measures() -> None:
    assert "governance_attendance" in deep_dive_measures("governance")
    assert "attendance_rate" not in deep_dive_measures("governance")
    assert report_measures("workforce") == deep_dive_measures("workforce")
    assert report_measures("priority") is None and report_measures("trust_overview") is None


def test_the_card_is_rated_only_from_what_it_may_publish() -> None:
    card = report_measures("report_card")
    assert "attendance_rate" in card and "ks2_rwm_expected" in card
    for confidential in ("in_year_balance", "high_risks", "staff_turnover"):
        assert confidential not in card


def _manifest(term_dir: Path) -> dict[str, dict]:
    return {e["key"]: e for e in json.loads((term_dir / "manifest.json").read_text())["reports"]}


def test_pages_that_show_no_rating_have_none_on_the_index(demo_term: Path) -> None:
    # the issue: the index rated report cards and deep dives red, though those pages
    # show no rating; they now have none there, and in the manifest
    from bs4 import BeautifulSoup

    m = _manifest(demo_term)
    for key, e in m.items():
        report = key.split("/")[1]
        if report in ("education", "workforce", "finance", "governance", "report_card",
                      "board_summary"):
            assert e["rag"] is None and not e.get("counts"), key
            page = BeautifulSoup((demo_term / e["output"]).read_text(), "html.parser")
            assert not page.select(".rag"), key  # and the page shows none itself
        elif report.startswith("priority-"):
            assert e["rag"] in ("red", "amber", "green"), key
    index = BeautifulSoup((demo_term / "index.html").read_text(), "html.parser")
    assert "No rating" not in index.get_text()
    unrated = [a for a in index.select("td a") if a["href"].endswith(
        ("/education.html", "/report_card.html", "/board_summary.html"))]
    assert len(unrated) == 3 * 12  # every school's, each a plain link with no badge
    for a in unrated:
        assert not a.parent.select(".rag") and a.get_text(strip=True).startswith("Open"), a


def test_a_public_card_links_to_no_board_page(demo_term: Path) -> None:
    for card in demo_term.glob("*/report_card.html"):
        page = card.read_text()
        assert "index.html" not in page and "All reports for this term" not in page, card
    # board reports still link back to the index
    assert "../index.html" in (demo_term / "148127" / "governance.html").read_text()


def test_the_deep_dives_a_plan_can_attach_are_the_unrated_dives() -> None:
    """The index reads which reports are unrated from the plan's list of deep dives (so it
    need not import the reports): that list is exactly the deep dives there are."""
    from govkit.reports.deep_dive import DEEP_DIVES
    from govkit.reports.scope import DIVES, shows_ratings

    assert set(DEEP_DIVES) == DIVES
    assert not any(shows_ratings(d) for d in DIVES)
    assert not shows_ratings("report_card") and not shows_ratings("board_summary")
    assert shows_ratings("priority-education") and shows_ratings("trust_overview")
