"""Pages light enough to email and open on a phone: none of the demo term's over 400 KB,
charts as SVG (their words stay text), and no style attributes in place of the stylesheet."""

from __future__ import annotations

import re

LIMIT = 400 * 1024


def test_no_page_of_the_demo_term_is_over_400_kb(demo_term):
    pages = sorted(demo_term.rglob("*.html"))
    assert len(pages) > 100
    heavy = {str(p.relative_to(demo_term)): p.stat().st_size for p in pages
             if p.stat().st_size > LIMIT}
    assert not heavy, heavy


def test_charts_are_svg_and_pages_are_styled_by_classes(demo_term):
    for name in ("trust/trust_overview.html", "trust/priority-education.html"):
        page = (demo_term / name).read_text(encoding="utf-8")
        body = page.split("</head>", 1)[1]
        assert "data:image/png" not in body, name
        # the house template's own image attributes aside, no element carries a style
        assert not re.search(r"<(?!img)[a-z]+[^>]* style=", body), name
    page = (demo_term / "trust/priority-education.html").read_text(encoding="utf-8")
    assert "data:image/svg+xml" in page
