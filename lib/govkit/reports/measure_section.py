"""One measure's section of a report: its sentence, trend chart and school-by-school bars,
all read from the measure's one evaluated result.
"""

from __future__ import annotations

import pandas as pd

from govkit.plan import fmt, narrative
from govkit.reports import charts
from govkit.reports.blocks import heading, paragraph, show_chart
from govkit.reports.context import Context, _kpi_for, _measure, _shown, current_row, series


def measure_chart(ctx: Context, measure: str, kpis: pd.DataFrame | None = None,
                  label: str | None = None) -> charts.Chart | None:
    """A trend for this place, with the trust's line (for a school), national and target."""
    m = _measure(measure)
    row = _kpi_for(ctx, measure, kpis)
    s = series(ctx, measure)
    if s.empty or not any(st == "ok" for st in s["status"]):
        return None
    comparison = None
    if ctx.urn and m["kind"] != "total":  # a trust total (GBP, counts) dwarfs one school's
        t = series(ctx, measure, urn=None).set_index("period")
        comparison = [t["value"].get(p) if t["status"].get(p) == "ok" else None
                      for p in s["period"]]
    return charts.trend_chart(
        list(s["period"]), _shown(s["value"], s["status"]), label or m["label"], m["unit"],
        national=row.get("national_value"), target=row.get("target"),
        comparison=comparison, comparison_label=f"Trust ({ctx.trust.name})",
        place=ctx.place if ctx.urn else None)


def measure_sentence(ctx: Context, measure: str, kpis: pd.DataFrame | None = None) -> str:
    """The KPI's sentence if the plan has it, otherwise one built from the series."""
    row = _kpi_for(ctx, measure, kpis)
    if row:
        return narrative.kpi_sentence(row)
    m = _measure(measure)
    s = series(ctx, measure)
    r = current_row(ctx, s)
    if r is None:
        return narrative.kpi_sentence({"label": m["label"], "status": "no_data",
                                       "period": ctx.term})
    i = s.index[s["period"] == r["period"]][0]
    prev = s.iloc[i - 1] if i >= 1 else None
    change = (float(r["value"]) - float(prev["value"])
              if prev is not None and r.get("status") == "ok" and prev["status"] == "ok"
              and not fmt.is_missing(r.get("value")) and not fmt.is_missing(prev["value"])
              else None)
    # the previous row is last term's figure, or last year's for yearly results
    return narrative.kpi_sentence({**m, **r, "change_last_term": change,
                                   "change_last_year": change})


def measure_section(ctx: Context, measure: str, kpis: pd.DataFrame | None = None,
                    level: int = 3) -> bool:
    """Heading, sentence and trend chart for one measure; False if it has no figures here."""
    m = _measure(measure)
    s = series(ctx, measure)
    if s.empty or all(st in ("not_applicable", "no_data") for st in s["status"]):
        return False
    heading(m["label"], level)
    paragraph(measure_sentence(ctx, measure, kpis))
    chart = measure_chart(ctx, measure, kpis)
    if chart is not None:
        show_chart(chart)
    return True


def show_school_comparison(ctx: Context, measure: str,
                           kpis: pd.DataFrame | None = None) -> None:
    """Bars of every school for a measure, or a line saying there are none."""
    if not school_comparison(ctx, measure, kpis):
        paragraph(f"No school has a figure for {_measure(measure)['label'].lower()} "
                  f"in {fmt.term_label(ctx.term)}.")


def school_comparison(ctx: Context, measure: str, kpis: pd.DataFrame | None = None) -> bool:
    """Bars of every school for a measure this term, best first; False if none have one."""
    m = _measure(measure)
    df = ctx.ev.compare_schools(measure, ctx.term, ctx.audience)
    if df is None or len(df) == 0:
        return False
    names = df["school"] if "school" in df else [ctx.trust.school(int(u)).name
                                                  for u in df["urn"]]
    statuses = df["status"] if "status" in df else [None] * len(df)
    if not any(s in (None, "ok") for s in statuses):
        return False
    row = _kpi_for(ctx, measure, kpis)
    highlight = ctx.place if ctx.urn else None
    show_chart(charts.compare_chart(
        list(names), list(df["value"]), m["label"], m["unit"], statuses=list(statuses),
        reference=row.get("national_value"), highlight=highlight,
        higher_is_better=m["direction"] != "lower"))
    return True
