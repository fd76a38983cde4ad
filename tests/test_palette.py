"""One accessible palette: the stylesheet's rating colours are the charts' own, every text
on them reaches WCAG AA, and pages carry no style attributes of their own."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from govkit.reports import blocks, charts
from govkit.reports.export import house_css


def luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance."""
    h = hex_colour.lstrip("#")
    chans = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in chans]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_on_known_pairs():
    # worked by hand: black on white is (1 + 0.05) / (0 + 0.05) = 21
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    # the old badges the issue measured: white on #009E73 3.42, on #D55E00 3.87
    assert contrast("#FFFFFF", "#009E73") == pytest.approx(3.42, abs=0.01)
    assert contrast("#FFFFFF", "#D55E00") == pytest.approx(3.87, abs=0.01)


def css_var(name: str) -> str:
    m = re.search(rf"--{name}:\s*(#[0-9A-Fa-f]{{6}})", house_css())
    assert m, f"--{name} is not in house.css"
    return m.group(1).upper()


@pytest.mark.parametrize("rag,var", [("green", "gk-rag-green"), ("amber", "gk-rag-amber"),
                                     ("red", "gk-rag-red"), (None, "gk-rag-none")])
def test_badge_colours_are_the_charts_and_their_text_reads(rag, var):
    assert css_var(var) == charts.RAG_COLOURS[rag].upper()
    assert contrast(charts.RAG_INK[rag], charts.RAG_COLOURS[rag]) >= 4.5


def test_the_stylesheet_gives_each_badge_the_ink_the_palette_names():
    css = house_css()
    for rag, cls in (("green", "rag-green"), ("amber", "rag-amber"), ("red", "rag-red"),
                     (None, "rag-no-rating")):
        rule = re.search(rf"\.{cls} \{{([^}}]*)\}}", css).group(1)
        ink = re.search(r"color:\s*(#[0-9a-fA-F]{3,6})", rule).group(1).upper()
        ink = "#" + "".join(c * 2 for c in ink[1:]) if len(ink) == 4 else ink
        assert ink == charts.RAG_INK[rag], cls


def test_chart_lines_and_text_stand_out_from_white():
    # WCAG 1.4.11: a line or bar that carries meaning at 3:1 or more; text at 4.5:1
    for key in ("blue", "dark_orange", "green", "vermilion", "grey"):
        assert contrast(charts.PALETTE[key], "#FFFFFF") >= 3.0, key
    assert contrast(charts.PALETTE["ink"], "#FFFFFF") >= 4.5
    assert contrast(charts.PALETTE["blue"], "#FFFFFF") >= 4.5  # the last value's label


def test_report_html_carries_no_style_attributes():
    df = pd.DataFrame({"Measure": ["Attendance"], "Rating": [blocks.rag_badge("red")]})
    html = blocks.table_html(df, html_columns=("Rating",), caption="KPIs")
    assert "style=" not in html
    assert 'class="gk-table-wrap" role="region" aria-label="KPIs" tabindex="0"' in html
