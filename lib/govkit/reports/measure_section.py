"""One measure's section of a report: its sentence, trend chart and school-by-school bars,
all read from the measure's one evaluated result.
"""

from __future__ import annotations

from typing import Any

from govkit.plan import fmt, narrative
from govkit.plan.result import KpiResult, KpiRows
from govkit.reports import charts, many_schools
from govkit.reports.blocks import heading, kpi_hooks, kpi_paragraph, note, paragraph, show_chart
from govkit.reports.context import Context, _kpi_for, _measure, _shown, series


def measure_result(ctx: Context, measure: str, kpis: KpiRows | None = None) -> KpiResult:
    """The measure's one evaluated result here: the plan's KPI's if ``kpis`` has one on
    it, else the same fields (value, cohort, interval, change and basis, national) without
    a target, priority or rating."""
    row = _kpi_for(measure, kpis)
    if row is not None:
        return row
    from govkit.plan.measures import MEASURES

    m = MEASURES[measure]
    mv = ctx.ev.value(measure, ctx.term, ctx.urn, ctx.audience)
    ok = mv.status == "ok"
    bench = ctx.ev.national(measure, mv.period, ctx.urn) if ok else None
    fields: dict[str, Any] = dict.fromkeys(KpiResult._fields)
    fields.update(priority_id="", priority="", criterion_id="", criterion="",
                  kpi_id=measure, measure=measure, label=m.label, unit=m.unit,
                  direction=m.direction, evidence="data", value=mv.value if ok else None,
                  numerator=mv.numerator, denominator=mv.denominator,
                  period=mv.period or ctx.term, status=mv.status, tolerance=0.0,
                  small_number=bool(mv.small_number),
                  national_value=bench.value if bench else None,
                  national_source=bench.citation if bench else None)
    fields.update(ctx.ev.result(measure, ctx.term, ctx.urn, ctx.audience, mv))
    return KpiResult(**fields)


def measure_chart(ctx: Context, measure: str, kpis: KpiRows | None = None,
                  label: str | None = None) -> charts.Chart | None:
    """A trend for this place, with the trust's line (for a school), national and target.

    On a board's page its title names what it shows (the measure, the terms, the lines):
    the KPI's sentence tells its story, once. On the public card, which gives no sentence
    per chart, the title is the result in words (the change and its basis, as the card's
    row), not worked out again from the line."""
    m = _measure(measure)
    row = measure_result(ctx, measure, kpis)
    s = series(ctx, measure)
    if s.empty or not any(st == "ok" for st in s["status"]):
        return None
    comparison, trust_line, trust_words = None, f"Trust ({ctx.trust.name})", "the trust"
    if ctx.urn and m["kind"] != "total":  # a trust total (GBP, counts) dwarfs one school's
        comparison = _peer_line(ctx, measure, list(s["period"]))
        if len(ctx.ev.peers(ctx.urn, ctx.term)) < len(ctx.trust.schools_in(ctx.term)):
            # the table's Trust column: the schools of its phase, so the line is too
            trust_words = f"the trust's {ctx.phase} schools"
            trust_line = trust_words[:1].upper() + trust_words[1:]
    name = label or m["label"]
    if ctx.audience == "public":  # no targets on the card, so no rating in its titles
        title = narrative.chart_title(row._replace(label=name), rating=False)
    else:
        drawn = [ctx.place if ctx.urn else "the trust"]
        if comparison is not None and any(v is not None for v in comparison):
            drawn.append(trust_words)
        same = (row.national_value is not None and row.target is not None
                and fmt.value(row.national_value, m["unit"])
                == fmt.value(row.target, m["unit"]))
        if row.national_value is not None:
            drawn.append("national, which is the target" if same else "national")
        if row.target is not None and not same:
            drawn.append("target")
        title = narrative.chart_name(name, list(s["period"]), drawn)
    return charts.trend_chart(
        list(s["period"]), _shown(s["value"], s["status"]), label or m["label"], m["unit"],
        national=row.national_value, target=row.target,
        comparison=comparison, comparison_label=trust_line,
        place=ctx.place if ctx.urn else None, title=title)


def _peer_line(ctx: Context, measure: str, periods: list[Any]) -> list[Any]:
    """What a school's chart draws as the trust, period by period: the figure its table's
    Trust column shows (``Evaluator.trust_figure``: the trust's schools of its phase), not
    the whole trust's, which beside a primary's table read 93.2% where the row said 94.6%."""
    by_period: dict[Any, Any] = {}
    for term in ctx.terms:
        mv = ctx.ev.trust_figure(measure, term, ctx.urn, ctx.audience)
        if mv.status == "ok":
            by_period[mv.period or term] = mv.value
    return [by_period.get(p) for p in periods]


def show_measure_chart(ctx: Context, measure: str, kpis: KpiRows | None = None) -> bool:
    """The measure's trend chart with its hooks (data-kpi, data-rating, ...); False if none."""
    chart = measure_chart(ctx, measure, kpis)
    if chart is None:
        return False
    show_chart(chart, hooks=chart_hooks(ctx, measure_result(ctx, measure, kpis), chart))
    show_history_note(ctx, measure)
    return True


def chart_hooks(ctx: Context, row: KpiResult, chart: charts.Chart) -> dict[str, str]:
    """A trend chart's hooks: its KPI's, its title, and on a board's page (whose titles
    name what is drawn) that its words give the figure only, not the rating or change."""
    extra = {} if ctx.audience == "public" else {"shows": "value"}
    return kpi_hooks(row, title=chart.title, **extra)


def show_history_note(ctx: Context, measure: str) -> None:
    """Under a trend: which schools a trust's line counts each year (the trust as it was,
    or like for like), or which of a school's years are its predecessor's results."""
    text = ctx.ev.history_note(ctx.urn, measure)
    if text:
        note(text)


def measure_section(ctx: Context, measure: str, kpis: KpiRows | None = None,
                    level: int = 3) -> bool:
    """Heading, sentence and trend chart for one measure; False if it has no figures here."""
    m = _measure(measure)
    s = series(ctx, measure)
    if s.empty or all(st in ("not_applicable", "no_data") for st in s["status"]):
        return False
    heading(m["label"], level)
    kpi_paragraph(measure_result(ctx, measure, kpis))
    show_measure_chart(ctx, measure, kpis)
    return True


def show_school_comparison(ctx: Context, measure: str,
                           kpis: KpiRows | None = None) -> None:
    """Bars of every school for a measure, or a line saying there are none."""
    if not school_comparison(ctx, measure, kpis):
        paragraph(f"No school has a figure for {_measure(measure)['label'].lower()} "
                  f"in {fmt.term_label(ctx.term)}.")


def school_comparison(ctx: Context, measure: str, kpis: KpiRows | None = None) -> bool:
    """Bars of every school for a measure this term, best first; False if none have one.

    Above many_schools.MAX_SCHOOLS the bars are the ten highest and lowest (and the
    report's own school): the title still counts every school, and a note says which are
    drawn and where every school's figure is.
    """
    m = _measure(measure)
    df = ctx.ev.compare_schools(measure, ctx.term, ctx.audience)
    if df is None or len(df) == 0:
        return False
    names = list(df["school"] if "school" in df else [ctx.trust.label(int(u))
                                                       for u in df["urn"]])
    statuses = list(df["status"] if "status" in df else [None] * len(df))
    values = list(df["value"])
    if not any(s in (None, "ok") for s in statuses):
        return False
    row = _kpi_for(measure, kpis)
    national = row.national_value if row is not None else None
    highlight = ctx.place if ctx.urn else None
    higher = m["direction"] != "lower"
    title, drawn = None, None
    # each school against national for its own phase ("9 of 12 better than national")
    refs = []
    for u in df["urn"]:
        bench = ctx.ev.national(measure, ctx.ev.value(measure, ctx.term, int(u),
                                                      ctx.audience).period, int(u))
        refs.append(bench.value if bench else None)
    if len(names) > many_schools.MAX_SCHOOLS:
        own = [i for i, n in enumerate(names) if n == highlight]
        keep = many_schools.ends(values, statuses, higher, own)
        rated = [(n, v) for n, v, s in zip(names, values, statuses, strict=True)
                 if many_schools.has_figure(v, s)]
        title = charts.compare_title(
            m["label"], rated, m["unit"], national, "National", higher,
            [r for r, v, s in zip(refs, values, statuses, strict=True)
             if many_schools.has_figure(v, s)])
        extra = highlight if len(keep) > min(2 * many_schools.ENDS, len(rated)) else None
        drawn = many_schools.shown_note(len(rated), len(names), "The chart", extra)
        names, values, statuses, refs = ([x[i] for i in keep]
                                         for x in (names, values, statuses, refs))
    show_chart(charts.compare_chart(
        names, values, m["label"], m["unit"], statuses=statuses,
        reference=national, highlight=highlight,
        higher_is_better=higher, title=title, references=refs))
    if drawn:
        where = (" Every school's figure is in the grid of every school against every KPI."
                 if row is not None else "")
        note(drawn + where)
    return True
