"""Charts leave the kernel as SVG drawn once at a fixed layout, and keep their alt text
through the house template."""

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402
from unittest import mock  # noqa: E402

import nbformat  # noqa: E402

from govkit.plan.config import School, Trust  # noqa: E402
from govkit.reports import blocks, charts  # noqa: E402
from govkit.reports.export import render_html  # noqa: E402

TERMS = ["2023-24-autumn", "2023-24-spring", "2023-24-summer", "2024-25-autumn"]
LONG = "Dunmere Church of England Voluntary Controlled Junior School"


def _trend() -> charts.Chart:
    return charts.trend_chart(TERMS, [94.1, 94.5, 93.8, 95.0], "Attendance", "percent",
                              national=94.5, target=95.5, comparison=[94.0, 94.2, 94.1, 94.6],
                              place="Ashcombe Primary School")


def _compare() -> charts.Chart:
    return charts.compare_chart([LONG, "Oak", "Ash", "Elm"], [95.1, 94.2, None, 96.3],
                                "Attendance", "percent",
                                statuses=[None, None, "suppressed", None], reference=94.5)


def _shown(chart: charts.Chart) -> tuple[dict, dict]:
    with mock.patch.object(blocks, "_display") as display:
        blocks.show_chart(chart)
    (data,), kw = display.call_args
    return data, kw["metadata"]


def test_show_chart_gives_svg_with_its_alt_text_and_words_as_text():
    chart = _trend()
    data, meta = _shown(chart)
    assert set(data) == {"image/svg+xml", "text/plain"}
    assert meta == {"image/svg+xml": {"alt": chart.alt}}
    svg = data["image/svg+xml"]
    # svg.fonttype none: the title and labels are <text>, not glyph outlines
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "Attendance: up for three terms running, above national" in " ".join(texts) or \
        any("Attendance" in t for t in texts)
    assert "National 94.5%" in texts and "Target 95.5%" in texts
    assert "sans-serif" in svg
    assert "<dc:date>" not in svg  # no date stamp: same chart, same bytes


def test_the_same_chart_gives_the_same_bytes():
    assert _shown(_trend())[0]["image/svg+xml"] == _shown(_trend())[0]["image/svg+xml"]


def test_a_chart_is_drawn_once():
    chart = _compare()
    draws = []
    chart.fig.canvas.mpl_connect("draw_event", draws.append)
    _shown(chart)
    assert len(draws) == 1


def test_fixed_layout_keeps_names_title_and_legends_inside_the_figure():
    for chart in (_trend(), _compare()):
        fig = chart.fig
        assert fig.get_layout_engine() is None
        renderer = fig._get_renderer()
        fig.draw(renderer)
        w, h = fig.bbox.width, fig.bbox.height
        ax = fig.axes[0]
        # the tick labels matplotlib draws: those inside the axis's view
        ticks = [t.label1 for axis in (ax.xaxis, ax.yaxis) for t in axis._update_ticks()]
        artists = [*ticks, fig._suptitle]
        if ax.get_legend():
            artists.append(ax.get_legend())
        for artist in artists:
            if not artist.get_visible() or not getattr(artist, "get_text", lambda: "x")():
                continue
            box = artist.get_window_extent(renderer)
            assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= w + 0.5 and box.y1 <= h + 0.5, \
                (artist, box, (w, h))
        # the longest school name sits fully left of the axes, not under it
        if chart is not None and ax.get_yticklabels()[-1].get_text() == LONG:
            assert ax.get_yticklabels()[-1].get_window_extent(renderer).x1 <= \
                ax.get_window_extent(renderer).x0


def test_exported_page_keeps_svg_and_alt_text():
    chart = _compare()
    data, meta = _shown(chart)
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("chart", outputs=[nbformat.v4.new_output(
        "display_data", data=data, metadata=meta)]))
    trust = Trust(name="T", terms=["2024-25-autumn"],
                  schools=[School(urn=100001, name="Oak", phase="primary")])
    html = render_html(nb, trust, "A page")
    assert "data:image/svg+xml;base64," in html
    img = re.search(r'<img [^>]*src="data:image/svg\+xml[^>]*>', html)
    alt = img and re.search(r'alt="([^"]*)"', img.group(0))
    assert alt and alt.group(1) == chart.alt.replace("&", "&amp;")
    assert "data:image/png" not in html
