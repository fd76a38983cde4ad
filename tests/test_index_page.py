"""The term's index page: every report in a grid, its rating in words, counts, escaping."""

from __future__ import annotations

from memstore import plan, trust

from govkit.batch.index_page import render_index
from govkit.batch.manifest import Entry

TERM = "2024-25-summer"


def entry(key: str, status: str = "ok", rag: str | None = "amber",
          counts: dict[str, int] | None = None, **kw) -> Entry:
    folder, report = key.split("/")
    return Entry(key=key, notebook=report.split("-")[0], parameters={}, input_hash="h",
                 status=status, duration=1.0, output=f"{folder}/{report}.html", rag=rag,
                 counts=counts, **kw)


def test_counts_line_says_how_many_kpis_are_each_colour() -> None:
    t = trust("primary")
    p = plan([{"measure": "attendance_rate", "target": 95, "tolerance": 1}])

    def cell(counts: dict[str, int] | None) -> str:
        page = render_index(t, p, TERM, [entry("100001/priority-p1", counts=counts)])
        return page.split("</th><td")[-1].split("</td>")[0]

    assert cell({"red": 3, "amber": 2, "green": 9}).endswith(
        '<br><span class="gk-counts"><span>3 red</span> · <span>2 amber</span> · '
        '<span>9 green</span></span>')
    assert "gk-counts" not in cell({"red": 0, "amber": 0, "green": 0})  # nothing rated
    assert "gk-counts" not in cell(None)  # a manifest from before counts were kept


def test_index_links_each_report_with_its_rating_and_counts() -> None:
    t = trust("primary", "secondary")
    p = plan([{"measure": "attendance_rate", "target": 95, "tolerance": 1}])
    page = render_index(t, p, TERM, [
        entry("trust/trust_overview", rag="red", counts={"red": 1, "amber": 0, "green": 4}),
        entry("100001/priority-p1", rag="green", counts={"red": 0, "amber": 0, "green": 2}),
        entry("100002/priority-p1", status="failed", rag=None,
              error="NameError: name 'x' is not defined"),
    ])
    assert "Governance reports: Summer 2025" in page
    assert "3 reports, 1 failed" in page
    # each link is named by what it opens and its rating, never a bare "Open"
    assert ('<a class="gk-open" href="trust/trust_overview.html" '
            f'aria-label="{t.name}: Trust overview, red">') in page
    assert 'aria-label="School 1: ' in page and ', green">' in page
    assert ">Open<" not in page
    # the word is text; the symbol beside it is hidden from screen readers
    assert '<span aria-hidden="true">✖</span> Red</span>' in page
    assert "<span>1 red</span> · <span>0 amber</span> · <span>4 green</span>" in page
    assert '<span aria-hidden="true">✔</span> Green</span>' in page
    assert "<span>0 red</span> · <span>0 amber</span> · <span>2 green</span>" in page
    # colours come from the house stylesheet's classes, never a style attribute
    assert 'class="rag rag-red"' in page and "style=" not in page.split("</head>")[1]
    # a failure names its first error line (escaped) and, never having had a good run,
    # offers no link
    assert "✖ Failed: NameError: name &#x27;x&#x27; is not defined" in page
    assert 'href="100002/priority-p1.html"' not in page
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_a_failed_rerun_keeps_a_link_to_the_last_good_report() -> None:
    t = trust("primary")
    p = plan([{"measure": "attendance_rate", "target": 95}])
    page = render_index(t, p, TERM, [entry("100001/priority-p1", status="failed", rag=None,
                                           error="KeyError: 'x'",
                                           finished="2025-07-20T10:00:00")])
    assert '<a href="100001/priority-p1.html">last good version<span class="gk-sr"> of ' \
        in page


def test_names_from_the_data_are_escaped() -> None:
    t = trust("primary").model_copy(update={"name": "A & B <Trust>"})
    p = plan([{"measure": "attendance_rate", "target": 95}])
    page = render_index(t, p, TERM, [entry("trust/trust_overview")])
    assert "A &amp; B &lt;Trust&gt;" in page and "<Trust>" not in page


def test_the_index_lists_the_leaders_comments_still_due_escaped(tmp_path) -> None:
    from govkit.plan.commentary import comments_due

    t = trust("primary", "secondary")
    p = plan([{"measure": "attendance_rate", "target": 95, "tolerance": 1}], narrative=True)
    comments = tmp_path / "commentary"
    comments.mkdir()
    (comments / f"{TERM}.yaml").write_text("100001:\n  p1.c2.1: Curriculum reviewed.\n",
                                           encoding="utf-8")
    due = comments_due(t, p, comments, TERM)
    # the plan's one narrative KPI, for the trust and each school, less School 1's answer
    assert [(d.place, d.kpi_id) for d in due] == [("Test Trust", "p1.c2.1"),
                                                  ("School 2", "p1.c2.1")]
    page = render_index(t, p, TERM, [entry("trust/trust_overview")], due)
    assert "Leaders' comments still due (2)" in page
    assert "<td>School 2</td><td>Priority one</td><td>Leaders review the curriculum" in page
    assert "Leaders' comments still due" not in render_index(t, p, TERM,
                                                             [entry("trust/trust_overview")])


def test_a_page_that_shows_no_rating_is_a_plain_link_and_the_trust_summary_is_found() -> None:
    # the issue: deep dives, report cards and board summaries showed a grey "No rating"
    # badge (or a school's counts) though their pages show no rating, and the trust's
    # board summary cell was an unexplained dash although the summary opens its overview
    from bs4 import BeautifulSoup

    t = trust("primary")
    p = plan([{"measure": "attendance_rate", "target": 95, "tolerance": 1}])
    p = p.model_copy(update={"priorities": [p.priorities[0].model_copy(
        update={"deep_dive": "education"})]})
    page = render_index(t, p, TERM, [
        entry("trust/trust_overview", rag="red", counts={"red": 1, "amber": 0, "green": 4}),
        entry("100001/board_summary", rag="red", counts={"red": 1, "amber": 0, "green": 0}),
        entry("100001/priority-p1", rag="red", counts={"red": 1, "amber": 0, "green": 0}),
        entry("100001/education", rag=None),
        entry("100001/report_card", rag=None),
    ])
    assert "No rating" not in page
    soup = BeautifulSoup(page, "html.parser")
    rows = {r.th.get_text(" ", strip=True): r.find_all("td") for r in soup.select("tbody tr")}
    heads = [th.get_text(strip=True) for th in soup.select("thead th")][1:]
    school = dict(zip(heads, rows["School 1 URN 100001"], strict=True))
    for name, href in (("Board summary", "100001/board_summary.html"),
                       ("Education deep dive", "100001/education.html"),
                       ("Report card (public)", "100001/report_card.html")):
        cell = school[name]
        assert not cell.select(".rag") and not cell.select(".gk-counts"), name
        assert cell.a["href"] == href and cell.a.get_text(" ", strip=True) == \
            f"Open School 1: {name}", name  # "Open", named for a screen reader
    # a rated page keeps its badge and counts
    assert school["Priority one"].select(".rag-red") and \
        school["Priority one"].select(".gk-counts")
    whole = dict(zip(heads, rows[f"{t.name} (whole trust)"], strict=True))
    assert whole["Board summary"].a["href"] == "trust/trust_overview.html#gk-summary-h"
    assert whole["Board summary"].a.get_text(" ", strip=True).startswith("In the overview")
