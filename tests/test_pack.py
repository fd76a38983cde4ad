"""The board pack's choice of reports and its refusals (no browser needed; the PDF itself is
checked in tests/test_browser.py)."""

from __future__ import annotations

import pytest
from memstore import plan, trust
from typer.testing import CliRunner

from govkit.batch.pack import PackError, css_string, pack_items
from govkit.cli import app


def built(term_dir, *keys):
    for key in keys:
        path = term_dir / f"{key}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("<html></html>", encoding="utf-8")


def test_trust_pack_is_the_overview_then_each_priority_in_plan_order(tmp_path):
    t = trust("primary", "secondary")
    p = plan([{"measure": "attendance_rate", "target": 95}])
    ids = [pr.id for pr in p.priorities]
    built(tmp_path, "trust/trust_overview", *[f"trust/priority-{i}" for i in ids],
          "100001/board_summary", *[f"100001/priority-{i}" for i in ids])
    items = pack_items(tmp_path, t, p)
    assert [i.title for i in items] == ["Trust overview"] + [pr.title for pr in p.priorities]
    assert [i.path.relative_to(tmp_path).as_posix() for i in items] == [
        "trust/trust_overview.html"] + [f"trust/priority-{i}.html" for i in ids]
    # a school's pack: the school's own board summary first, then its reports
    school = pack_items(tmp_path, t, p, urn=100001)
    assert [i.place for i in school] == ["School 1"] * (1 + len(ids))
    assert [i.path.relative_to(tmp_path).as_posix() for i in school] == [
        "100001/board_summary.html"] + [f"100001/priority-{i}.html" for i in ids]


def test_a_missing_report_or_unknown_school_is_named(tmp_path):
    t = trust("primary")
    p = plan([{"measure": "attendance_rate", "target": 95}])
    built(tmp_path, "trust/trust_overview")
    with pytest.raises(PackError, match=r"not built yet: trust/priority-.*\.html.*govkit run"):
        pack_items(tmp_path, t, p)
    with pytest.raises(PackError, match="--school 999999: no school with that URN"):
        pack_items(tmp_path, t, p, urn=999999)


def test_css_string_cannot_end_the_string_or_the_style_block():
    assert css_string('A "B" \\ C') == 'A \\22 B\\22  \\5c  C'
    assert "<" not in css_string("</style><script>")
    assert css_string("Kestrel · Summer") == "Kestrel · Summer"


def test_govkit_pack_on_an_unbuilt_term_exits_2_with_one_line(tmp_path):
    result = CliRunner().invoke(app, ["pack", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "not built yet" in result.output and "govkit run" in result.output


def test_a_wrapped_heading_keeps_its_spaces_in_the_bookmark(tmp_path):
    # Chromium names a bookmark after the heading's laid-out lines joined with no space:
    # "...where every child attends" / "well" came out as "attendswell"
    from govkit.batch.pack import _squash, page_headings

    page = tmp_path / "p.html"
    page.write_text("<h1>Education</h1><h2 id='a'>Schools are safe, caring and happy "
                    "places where every child attends\n   well</h2><h3>Pupils &amp; staff"
                    "</h3>", encoding="utf-8")
    names = page_headings(page)
    chromium = "Schools are safe, caring and happy places where every child attendswell"
    assert names[_squash(chromium)] == ("Schools are safe, caring and happy places where "
                                        "every child attends well")
    assert names[_squash("Pupils &staff")] == "Pupils & staff"
