"""House charts: titles that state the finding, alt text that carries every figure."""

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402

from govkit.plan.result import as_results  # noqa: E402
from govkit.reports import blocks, charts, context, overview, report_card  # noqa: E402

TERMS = ["2023-24-autumn", "2023-24-spring", "2023-24-summer", "2024-25-autumn"]


def test_trend_chart_title_and_alt_text():
    c = charts.trend_chart(TERMS, [92.0, 92.5, None, 93.4], "Attendance", "percent",
                           national=93.2, target=95.0, comparison=[91, 91.5, 92, 92.2])
    # rises 92.0 -> 92.5 -> 93.4 (missing summer skipped): two rises, crossing 93.2
    assert c.title == "Attendance: up for two terms running, now above national"
    assert c.alt == (
        "Line chart of attendance by term: Autumn 2023 92.0%; Spring 2024 92.5%; "
        "Summer 2024 –; Autumn 2024 93.4%. Trust: Autumn 2023 91.0%; Spring 2024 91.5%; "
        "Summer 2024 92.0%; Autumn 2024 92.2%. National: 93.2%. Target: 95.0%.")
    ax = c.fig.axes[0]
    # one line for the school, one for the trust, two reference lines
    assert len(ax.get_lines()) == 4
    assert c.fig.get_suptitle().replace("\n", " ") == c.title


def test_the_last_figure_of_a_trend_stays_inside_the_plot():
    # the issue: Calder Moor's suspensions chart centred "1.7 per 100 pupils" on its last
    # point, at the right edge, so the words ran out of the plot towards the legend
    c = charts.trend_chart(TERMS * 2, [3.1, 2.5, 2.1, 1.1, 1.0, 1.7, 4.5, 1.7],
                           "Suspensions per 100 pupils", "per100", target=2.0,
                           comparison=[3.9, 3.7, 3.3, 3.9, 3.6, 3.3, 3.9, 3.8])
    ax = c.fig.axes[0]
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(c.fig).get_renderer()
    label = next(t for t in ax.texts if t.get_text() == "1.7 per 100 pupils")
    box, plot = label.get_window_extent(renderer), ax.get_window_extent(renderer)
    assert plot.x0 <= box.x0 and box.x1 <= plot.x1 + 4 * c.fig.dpi / 72, (box, plot)


def test_target_equal_to_national_is_one_line_and_counts_stay_above_zero():
    c = charts.trend_chart(TERMS[:3], [103.6, 103.7, 103.7], "KS2 reading score", "score",
                           national=105.0, target=105.0)
    labels = [ln.get_label() for ln in c.fig.axes[0].get_lines()]
    assert labels == ["KS2 reading score", "National and target 105.0"]
    # every term 0 exclusions, target 0: a 0..4 axis, never -2..2
    c = charts.trend_chart(TERMS, [0, 0, 0, 0], "Permanent exclusions", "count", target=0)
    assert c.fig.axes[0].get_ylim() == (0.0, 4.0)


def test_compare_chart_puts_best_on_top_and_never_draws_a_suppressed_zero():
    c = charts.compare_chart(["Oak", "Ash", "Elm", "Yew"], [95.1, 93.0, None, 94.2],
                             "Attendance", "percent",
                             statuses=["ok", "ok", "suppressed", "ok"], reference=93.5)
    ax = c.fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # bottom to top: the suppressed school, then worst (Ash) to best (Oak)
    assert labels == ["Elm", "Ash", "Yew", "Oak"]
    assert len(ax.patches) == 3  # no bar for the suppressed value
    # above 93.5: Oak 95.1 and Yew 94.2 -> 2 of the 3 shown
    assert c.title == "Attendance: 2 of 3 better than national; highest is Oak at 95.1%"
    assert "Elm c" in c.alt


def test_compare_lower_is_better():
    c = charts.compare_chart(["A", "B"], [20.0, 12.0], "Persistent absence", "percent",
                             reference=18.0, higher_is_better=False)
    # only B (12.0 < 18.0) is better; the lowest is best
    assert c.title == "Persistent absence: 1 of 2 better than national; lowest is B at 12.0%"


def test_rag_badge_carries_word_and_symbol():
    assert "Red" in blocks.rag_badge("red") and "✖" in blocks.rag_badge("R")
    assert "No rating" in blocks.rag_badge(float("nan"))


def test_table_html_escapes_data_text_but_not_badges():
    df = pd.DataFrame({"School": ["<script>x</script> & Co"],
                       "Rating": [blocks.rag_badge("green")]})
    out = blocks.table_html(df, html_columns=("Rating",))
    assert "&lt;script&gt;x&lt;/script&gt; &amp; Co" in out
    assert "<script>" not in out
    assert '<span aria-hidden="true">✔</span> Green</span>' in out
    # look from the house stylesheet's classes, not style attributes
    assert 'class="rag rag-green"' in out and "style=" not in out


def test_figure_hooks_go_on_their_cells_escaped():
    # a figure cell says which place, term and measure it is, and its value as shown
    hooks = blocks.figure_hooks("attendance_rate", "2024-25-summer", 148192.0, 95.24, "percent")
    assert hooks == {"measure": "attendance_rate", "term": "2024-25-summer", "urn": "148192",
                     "value": "95.2%"}
    assert blocks.figure_hooks("vacancies", "2024-25-summer", None, None, "count",
                               "suppressed")["urn"] == "trust"
    df = pd.DataFrame({"School": ['A "school"'], "Attendance": ["95.2%"]})
    out = blocks.table_html(df, cell_hooks=[{"Attendance": hooks, "School": {"x": '"<'}}])
    assert ('<td class="gk-nowrap" data-measure="attendance_rate" data-term="2024-25-summer" '
            'data-urn="148192" data-value="95.2%">95.2%</td>') in out
    assert 'data-x="&quot;&lt;"' in out
    # a KPI row with no change says direction "none", not the frame's NaN
    row = as_results(pd.DataFrame([{"kpi_id": "k", "rag": "green", "moved": float("nan"),
                                    "change_basis": None}]))[0]
    assert blocks.kpi_hooks(row)["direction"] == "none"


def test_kpi_table_formats_and_suppresses():
    kpis = pd.DataFrame([
        dict(label="Attendance", unit="percent", value=94.06, target=95.0, rag="amber",
             status="ok", change=0.31, change_basis="the same term last year",
             trust_value=93.5, national_value=93.0, cohort_text="68 pupils"),
        dict(label="Disadvantaged gap", unit="pp", value=3.0, target=5.0, rag="green",
             status="suppressed", change=None, change_basis=None, trust_value=None,
             national_value=None),
    ])
    t = blocks.kpi_table(kpis)
    # the change says its basis; no column is headed "Since last term"
    assert list(t.iloc[0][["Value", "Pupils", "Target", "Change", "Trust", "National"]]) == [
        "94.1%", "68 pupils", "95.0%", "+0.3 pts on same term last year", "93.5%", "93.0%"]
    assert "Since last term" not in t.columns
    assert t.iloc[1]["Value"] == "c"
    assert "No rating" in t.iloc[1]["Rating"]  # a suppressed value is not rated in public


# --- report helpers against a stand-in evaluator (the real one is tested by its owner) ----

class _Ev:
    """Returns fixed KPI rows per school: B is red on persistent absence."""

    def national(self, measure, period, urn):
        return None  # no benchmark detail: the card takes national as like for like

    def members(self, period):
        return frozenset({100001, 100002})  # both schools were in the trust then

    def kpis(self, term, urn=None, priority=None, audience="board"):
        pa = {None: (18.0, "amber"), 100001: (12.0, "green"), 100002: (25.0, "red")}[urn]
        att = {None: 94.0, 100001: 95.2, 100002: 92.8}[urn]
        return pd.DataFrame([
            dict(kpi_id="p1.a.attendance_rate", measure="attendance_rate", label="Attendance",
                 unit="percent", direction="higher", value=att, rag="green", status="ok",
                 target=None, trust_value=94.0, national_value=93.0, priority_id="p1",
                 national_source="DfE 2023-24", period=term, comment=None),
            dict(kpi_id="p1.a.persistent_absence", measure="persistent_absence",
                 label="Persistent absence", unit="percent", direction="lower", value=pa[0],
                 rag=pa[1], status="ok", target=15.0, trust_value=18.0, national_value=20.0,
                 priority_id="p1", national_source=None, period=term, comment=None),
            dict(kpi_id="p2.b.reserves_pct_income", measure="reserves_pct_income",
                 label="Reserves", unit="percent", direction="higher", value=4.0, rag="red",
                 status="ok", target=5.0, trust_value=4.0, national_value=None,
                 priority_id="p2", national_source=None, period=term, comment=None),
        ]).assign(rating=lambda f: f["rag"])  # as evaluated: each rated on its figure

    def results(self, term, urn=None, priority=None, audience="board"):
        from govkit.plan.result import as_results

        return as_results(self.kpis(term, urn, priority, audience))


def _ctx(urn=None, audience="board"):
    from govkit.plan.config import School, Trust

    trust = Trust(name="T & Co", terms=["2024-25-autumn"], schools=[
        School(urn=100001, name="Oak", phase="primary"),
        School(urn=100002, name="Ash <Academy>", phase="primary")])
    return context.Context(_Ev(), trust, None, "2024-25-autumn", urn, audience, None, None)


def test_rag_grid_puts_most_reds_first_and_escapes_names():
    grid = overview.rag_grid(_ctx())
    # reds by KPI: reserves 3 (each school and the trust), persistent absence 1 (Ash), att 0
    assert list(grid.columns) == ["School", "Reserves", "Persistent absence", "Attendance"]
    # reds by school: Ash 2, Oak 1; the trust always last
    assert list(grid["School"]) == ["Ash &lt;Academy&gt;", "Oak", "Trust (T &amp; Co)"]
    # the symbol for the eye, the word for a screen reader ("Red: 25.0%"), no tooltip
    assert grid.iloc[0]["Persistent absence"] == (
        '<span class="rag gk-cell-rag rag-red" data-kpi="p1.a.persistent_absence" '
        'data-rating="red" data-direction="none" data-basis="none" '
        'data-place="Ash &lt;Academy&gt;"><span aria-hidden="true">'
        '✖</span><span class="gk-sr">Red:</span> 25.0%</span>'
        # and the target the rating is on, under it
        '<span class="gk-target">target 15.0%</span>')
    assert '✔</span><span class="gk-sr">Green:</span> 12.0%' in grid.iloc[1]["Persistent absence"]
    assert '▲</span><span class="gk-sr">Amber:</span> 18.0%' in grid.iloc[2]["Persistent absence"]
    html_out = blocks.table_html(grid, html_columns=tuple(grid.columns))
    assert "Ash &lt;Academy&gt;" in html_out and "<Academy>" not in html_out


def test_card_table_is_public_safe():
    ctx = _ctx(urn=100002, audience="public")
    frame = report_card.public_kpis(ctx)
    assert [r.measure for r in frame] == ["attendance_rate", "persistent_absence"]  # no reserves
    card = report_card.card_table(ctx, frame)
    assert list(card.columns) == ["What we measure", "Ash <Academy>", "Trust", "National",
                                  "How we compare"]
    # 92.8 against 93.0 national: 0.2 points, about the same; 25.0 against 20.0 (lower
    # is better): 5 points above, well above and worse
    assert list(card["How we compare"]) == ["About the same as national",
                                            "Well above national (worse)"]
    # no national figure: the trust's, except for totals (all schools added up)
    frame = pd.DataFrame([
        dict(measure="enrichment_participation", label="Enrichment", unit="percent",
             value=48.5, trust_value=49.6, national_value=None, status="ok"),
        dict(measure="partnerships_active", label="Partnerships", unit="count", value=3,
             trust_value=50, national_value=None, status="ok", change_last_term=0,
             period="2024-25-summer"),
    ])
    card = report_card.card_table(ctx, frame)
    assert list(card["How we compare"]) == ["A little below the trust (worse)", "–"]
    assert list(card["Trust"]) == ["49.6%", "–"]
    trust_card = report_card.card_table(_ctx(audience="public"), report_card.public_kpis(_ctx()))
    assert "Trust" not in trust_card.columns


def test_kpi_table_leaves_totals_out_of_the_trust_column():
    kpis = pd.DataFrame([
        dict(measure="vacancies", label="Vacant posts", unit="count", value=1, target=0,
             rag="amber", status="ok", trust_value=16, national_value=None),
        dict(measure="staff_turnover", label="Staff turnover", unit="percent", value=12.1,
             target=12, rag="amber", status="ok", trust_value=6.72, national_value=None),
    ])
    # a school's 1 vacancy beside the trust's 16 (all schools added up) compares nothing
    assert list(blocks.kpi_table(kpis)["Trust"]) == ["–", "6.7%"]
    # the trust's own report: the trust column would repeat the value, so it goes
    assert "Trust" not in blocks.kpi_table(kpis, school=False).columns


def test_measures_for_another_phase_are_named_not_listed():
    ctx = _ctx(urn=100001)
    rows = pd.DataFrame([dict(label="KS4 Progress 8", status="not_applicable"),
                         dict(label="KS4 Attainment 8", status="not_applicable")])
    assert context.not_applicable_line(ctx, rows) == (
        "Not shown: KS4 Progress 8 and KS4 Attainment 8 do not apply to Oak, a primary school.")
    assert context.not_applicable_line(ctx) == (
        "The KPIs of this criterion do not apply to Oak, a primary school.")


def test_attention_table_is_one_row_per_school_most_reds_first():
    ctx = _ctx()
    frames = overview._grid_results(ctx)
    triggers = pd.DataFrame([
        dict(school="Ash <Academy>", description="Red two terms running"),
        dict(school="Ash <Academy>", description="Red two terms running"),
        dict(school="Oak", description="Attendance below national")])
    t = overview.attention_table(frames, triggers)
    # reds: Ash persistent absence + reserves (2 of 3 rated), Oak reserves, trust reserves
    assert list(t["School"]) == ["Ash <Academy>", "Oak", "Trust (T & Co)"]
    assert list(t["Red KPIs"]) == ["2 of 3", "1 of 3", "1 of 3"]
    assert t.iloc[0]["Which are red"] == "Persistent absence and Reserves"
    assert t.iloc[0]["Intervention triggers"] == "Red two terms running (2 KPIs)"
    assert t.iloc[1]["Intervention triggers"] == "Attendance below national"
    assert t.iloc[2]["Intervention triggers"] == "None"


def test_rag_grid_narrows_to_given_kpis_and_leaves_labels_for_the_table_to_escape():
    ctx = _ctx()
    grid = overview.rag_grid(ctx, kpi_ids=["p1.a.attendance_rate"])
    assert list(grid.columns) == ["School", "Attendance"]
    # school order still counts every KPI's reds: Ash (2), Oak (1)
    assert list(grid["School"]) == ["Ash &lt;Academy&gt;", "Oak", "Trust (T &amp; Co)"]


def test_report_card_groups_measures_under_plain_headings_in_a_fixed_order():
    from govkit.reports.report_card import card_groups

    frame = pd.DataFrame({"measure": ["parent_survey_agreement", "ks2_rwm_expected",
                                      "roll_vs_capacity", "attendance_rate",
                                      "suspension_rate"]})
    groups = [(title, [r.measure for r in part]) for title, part in card_groups(frame)]
    assert groups == [
        ("Attendance and behaviour", ["attendance_rate", "suspension_rate"]),
        ("Results", ["ks2_rwm_expected"]),
        ("What pupils and parents say", ["parent_survey_agreement"]),
        ("Our school and its community", ["roll_vs_capacity"]),
    ]


def test_drawing_every_chart_kind_raises_no_matplotlib_warning():
    # a leader running a report in Lab saw a MatplotlibDeprecationWarning (formatter.locs)
    # under every chart: the tick formatter now only uses the supported set_locs
    import io
    import warnings

    made = [
        charts.trend_chart(["2023-24-autumn", "2023-24-spring", "2023-24-summer"],
                           [90.0, 91.25, 92.5], "Attendance", "percent", national=93.0,
                           target=95.0, comparison=[91.0, 92.0, None],
                           comparison_label="Trust", place="A school", title="t"),
        charts.trend_chart(["2023-24-autumn", "2023-24-spring"], [1, 3], "Exclusions",
                           "count"),
        charts.compare_chart(["A", "B", "C"], [1.5, 2.25, None], "Spend", "GBP",
                             statuses=["ok", "ok", "suppressed"], highlight="B"),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for c in made:
            c.fig.savefig(io.StringIO(), format="svg")
            labels = [t.get_text() for t in c.fig.axes[0].get_yticklabels()]
            assert any(labels), labels


def test_bars_bunched_near_100_percent_start_below_them_and_say_so():
    # attendance 89.8% .. 95.5%, national 94.5%: from zero every bar looks the same
    assert charts.bar_start([89.8, 95.5, 94.5], "percent") == 85.0  # a round 5 below 87.8
    assert charts.bar_start([20.0, 12.0], "percent") == 0.0  # low shares keep zero
    assert charts.bar_start([40.0, 95.0], "percent") == 0.0  # spread wide: zero
    assert charts.bar_start([9500.0, 9900.0], "GBP") == 0.0  # money: always from zero
    c = charts.compare_chart(["Oak", "Ash"], [95.5, 89.8], "Attendance", "percent",
                             reference=94.5)
    ax = c.fig.axes[0]
    assert ax.get_xlim()[0] == 85.0
    # each bar runs from the axis start to its value, not from zero
    assert sorted((round(b.get_x(), 6), round(b.get_x() + b.get_width(), 6))
                  for b in ax.patches) == [(85.0, 89.8), (85.0, 95.5)]
    said = [t.get_text() for t in c.fig.texts]  # the title, then the line under the axis
    assert said[1:] == ["The axis starts at 85.0%, not at zero, so that the differences show."]
    assert c.alt.endswith("The axis starts at 85.0%, not at zero.")


def test_the_gap_charts_years_never_collide_beside_a_long_key():
    # the board pack's gap chart printed "2022-232023-24": its key squeezed the plot
    label = "KS2 reading, writing and maths gap: other pupils minus disadvantaged pupils"
    c = charts.trend_chart(["2022-23", "2023-24", "2024-25"], [18.4, 18.2, 18.9], label,
                           "points", national=22.0, target=17.0)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    ax = c.fig.axes[0]
    renderer = FigureCanvasAgg(c.fig).get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels()]
    assert len(boxes) == 3
    assert all(a.x1 + 10 < b.x0 for a, b in zip(boxes, boxes[1:], strict=False)), \
        "year labels collide"
