"""Helpers for notebooks/explore.ipynb: the store's figures as plain DataFrames a leader
can filter and chart in JupyterLab, every figure from the same Evaluator the reports use.

In Lab (only there: nbval and papermill have no widgets) a school picker redraws a
school's series, tables show every row on one page, and tables get CSV and Excel
download buttons.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import os
from collections.abc import Sequence
from typing import Any

import pandas as pd

from govkit.data.contract import DOMAINS
from govkit.errors import ConfigError
from govkit.plan import fmt, narrative
from govkit.plan.measures import MEASURES
from govkit.reports import blocks, charts, context
from govkit.reports.context import Context, _store_table, check_measure
from govkit.reports.export import TEMPLATE_NAME, TEMPLATES

LAB_SESSION_ENV = "JPY_SESSION_NAME"  # jupyter_server sets it for a kernel Lab started


def in_lab() -> bool:
    """True in a kernel JupyterLab (or Notebook) started; False under nbval, papermill or
    nbconvert, which run kernels without a server session."""
    return bool(os.environ.get(LAB_SESSION_ENV))


def interactive_tables(on: bool | None = None) -> bool:
    """Sortable, filterable tables (itables) for every DataFrame shown, in Lab only: an
    export or a test run keeps pandas' plain tables. Returns whether they are on."""
    on = in_lab() if on is None else on
    if not on:
        return False
    try:
        import itables
    except ImportError:  # the lab extra is not installed: plain tables
        return False
    itables.init_notebook_mode(all_interactive=True)
    itables.options.paging = False  # every school on one page, not ten rows a page
    return True


def measures(ctx: Context | None = None) -> pd.DataFrame:
    """Every measure govkit can work out: id, label, unit, better direction, in the plan."""
    planned = ctx.plan.measures() if ctx is not None else set()
    return pd.DataFrame([{"measure": mid, "label": m.label, "unit": m.unit,
                          "better": m.direction, "domain": m.domain, "in_plan": mid in planned}
                         for mid, m in MEASURES.items()])


def school_by_school(ctx: Context, measure_ids: Sequence[str] | None = None,
                     term: str | None = None) -> pd.DataFrame:
    """One row a school, one column a measure (the plan's by default) for a term: the
    figures as the report's audience may see them (withheld ones are empty)."""
    term = term or ctx.term
    ids = list(measure_ids) if measure_ids is not None else sorted(ctx.plan.measures())
    table = pd.DataFrame({"urn": ctx.trust.urns,
                          "school": [ctx.trust.label(s.urn) for s in ctx.trust.schools],
                          "phase": [s.phase for s in ctx.trust.schools]})
    for mid in ids:
        check_measure(mid)
        df = ctx.ev.compare_schools(mid, term, ctx.audience)
        unit = MEASURES[mid].unit  # rounded as the reports show it: 93.2, not 93.209213
        table[mid] = pd.array([fmt.displayed(v, unit) for v in df["value"]], dtype="Float64")
    return table


def kpi_table(ctx: Context, urn: Any = "same", priority: str | None = None) -> pd.DataFrame:
    """The plan's KPIs as the reports show them, one row a KPI: Priority, Measure, Value
    (rounded as shown), Pupils, Target, Rating (in words), Change (with what it is on: the
    same term last year for attendance, last year for results, else last term), Trust and
    National; for the trust, the schools red on it. Every column: ``context.kpis(ctx)``."""
    rows = context.results(ctx, urn, priority)
    school = (ctx.urn if urn == "same" else urn) is not None
    table = blocks.kpi_table(rows, comparisons=True, school=school)
    table["Rating"] = [blocks.RAG_BADGES[narrative.rating_of(r) if r.status != "narrative"
                                         else blocks.rag_key(r.rag)][1] for r in rows]
    table.insert(0, "Priority", [r.priority_id for r in rows])
    return table


def target(ctx: Context, measure_id: str, urn: Any = "same") -> float | None:
    """The plan's target on a measure for a school (or the trust) this term, as the
    reports rate it (a target relative to national is worked out); None if the plan sets
    none."""
    check_measure(measure_id)
    hit = [r.target for r in context.results(ctx, urn)
           if r.measure == measure_id and r.target is not None]
    return float(hit[0]) if hit else None


def trend(ctx: Context, measure_id: str, urn: Any = "same") -> charts.Chart:
    """A measure term by term for a school (or the trust), in the house style, with the
    plan's target and the national figure as the reports draw them."""
    check_measure(measure_id)
    u = ctx.urn if urn == "same" else context._urn(urn, ctx.trust)
    s = context.series(ctx, measure_id, urn=u)
    national = next((r.national_value for r in context.results(ctx, u)
                     if r.measure == measure_id), None)
    place = ctx.trust.school(u).name if u else ctx.trust.name
    return charts.trend_chart(list(s["period"]), context._shown(s["value"], s["status"]),
                              label(measure_id), unit(measure_id),
                              target=target(ctx, measure_id, u),
                              national=national,
                              title=f"{place}: {label(measure_id).lower()} by term")


def school_options(ctx: Context) -> list[tuple[str, int]]:
    """(label, URN) for every school of the trust, for a picker: 'Name (URN, phase)'."""
    return [(f"{s.name} ({s.urn}, {s.phase})", s.urn) for s in ctx.trust.schools]


def school_picker(ctx: Context, urn: Any = None) -> Any:
    """A drop-down of the trust's schools (ipywidgets, from `make lab`), starting at
    ``urn`` (checked: an unknown one is one line listing the schools)."""
    import ipywidgets as widgets

    u = context._urn(urn, ctx.trust) if urn is not None else ctx.trust.urns[0]
    return widgets.Dropdown(options=school_options(ctx), value=u, description="School",
                            layout=widgets.Layout(width="32em"))


def series_table(ctx: Context, measure_id: str, urn: Any = "same") -> pd.DataFrame:
    """A measure term by term for a school (or the trust): period, value rounded as the
    reports show it, numerator and denominator as whole numbers, status (why a figure is
    missing: suppressed, no_data, not_applicable). Unrounded: ``context.series``."""
    s = context.series(ctx, measure_id, urn=urn)
    out = s[["period", "value", "numerator", "denominator", "status"]].copy()
    u = unit(measure_id)
    out["value"] = pd.array([fmt.displayed(v, u) for v in out["value"]], dtype="Float64")
    for col in ("numerator", "denominator"):
        out[col] = pd.array([None if fmt.is_missing(v) else round(float(v))
                             for v in out[col]], dtype="Int64")
    return out


def _show_series(ctx: Context, measure_id: str, urn: int) -> None:
    blocks._display(series_table(ctx, measure_id, urn))
    blocks.show_chart(trend(ctx, measure_id, urn))


def school_series(ctx: Context, measure_id: str, urn: Any) -> Any:
    """A measure's series for one school, as a table and the house chart with the plan's
    target. In Lab: with a school picker (starting at ``urn``) that redraws both; elsewhere
    (nbval, papermill) just those two for ``urn``. Returns the picker, or None."""
    check_measure(measure_id)
    u = context._urn(urn, ctx.trust)
    if u is None:
        raise ConfigError("give a school's URN: the series is for one school")
    try:
        if not in_lab():
            raise ImportError
        import ipywidgets as widgets
    except ImportError:
        _show_series(ctx, measure_id, u)
        return None
    picker = school_picker(ctx, u)
    shown = widgets.interactive_output(lambda school: _show_series(ctx, measure_id, school),
                                       {"school": picker})
    blocks._display(widgets.VBox([picker, shown]))
    return picker


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@functools.cache
def _css() -> str:
    return (TEMPLATES / TEMPLATE_NAME / "explore.css").read_text(encoding="utf-8")


def download_buttons(df: pd.DataFrame, name: str) -> None:
    """'Download CSV' and 'Download Excel' buttons for a table, as it is now (filtered or
    not): the files are made here and handed to the browser, nothing is written."""
    csv = df.to_csv(index=False).encode("utf-8-sig")  # BOM: Excel reads it as UTF-8
    book = io.BytesIO()
    df.to_excel(book, index=False, sheet_name=name[:31] or "table", engine="openpyxl")
    links = []
    for text, data, mime, ext in (("Download CSV", csv, "text/csv", "csv"),
                                  ("Download Excel", book.getvalue(), XLSX, "xlsx")):
        uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        links.append(f'<a class="gk-download" role="button" download="{html.escape(name)}.'
                     f'{ext}" href="{uri}">{text}</a>')
    blocks._display({"text/html": f"<style>{_css()}</style>"
                                  f'<div class="gk-downloads">{"".join(links)}</div>',
                     "text/plain": f"(CSV and Excel downloads of {name} in JupyterLab)"},
                    raw=True)


def tables() -> list[str]:
    """The names of the store's tables (one per file of the data contract)."""
    return list(DOMAINS)


def store_table(ctx: Context, name: str) -> pd.DataFrame:
    """A raw table of the store, as the data drop gave it, with the contract's types."""
    return _store_table(ctx, name)


def label(measure_id: str) -> str:
    """A measure's label for a chart or a heading."""
    return MEASURES[check_measure(measure_id)].label


def unit(measure_id: str) -> Any:
    """A measure's unit ('percent', 'days', ...): charts format their axis by it."""
    return MEASURES[check_measure(measure_id)].unit
