"""HTML building blocks every report shares: headings, paragraphs, tables, RAG badges, charts.

A governor sees only cell outputs, so these produce rich display objects. Every piece of
text that may come from a data file or a plan is escaped before it reaches HTML.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import matplotlib as mpl
import pandas as pd
from markupsafe import Markup

from govkit.plan import fmt, narrative
from govkit.plan.result import KpiResult, KpiRows, as_results
from govkit.reports import charts
from govkit.reports.html import RAG_WORDS as RAG_WORDS  # re-exported: the house's pieces
from govkit.reports.html import esc as esc
from govkit.reports.html import macro as macro
from govkit.reports.html import rag_badge as rag_badge
from govkit.reports.html import rag_class as rag_class
from govkit.reports.html import rag_key as rag_key
from govkit.text import no_bidi

# rating -> (symbol, word, background colour): the house's words (govkit.reports.html)
# with the charts' palette, which the stylesheet's classes (rag-green, ...) also hold
RAG_BADGES: dict[str | None, tuple[str, str, str]] = {
    k: (symbol, word, charts.RAG_COLOURS.get(k, charts.RAG_COLOURS[None]))
    for k, (symbol, word) in RAG_WORDS.items()}


def _display(obj: Any, **kwargs: Any) -> None:
    from IPython.display import display

    display(obj, **kwargs)


def heading_html(text: str, level: int = 2) -> str:
    return f"<h{level}>{esc(text)}</h{level}>"


def heading(text: str, level: int = 2) -> None:
    """A heading built from parameters or data: an output, so the HTML export keeps it."""
    from IPython.display import HTML

    _display(HTML(heading_html(text, level)))


def paragraph_html(text: str, css_class: str | None = None) -> str:
    cls = f' class="{esc(css_class)}"' if css_class else ""
    return f"<p{cls}>{esc(text)}</p>"


def paragraph(text: str, css_class: str | None = None) -> None:
    from IPython.display import HTML

    _display(HTML(paragraph_html(text, css_class)))


def bullets(items: Iterable[str], hooks: Sequence[Mapping[str, Any]] | None = None) -> None:
    """A list; ``hooks``, if given, are each item's data-* attributes (figure_hooks)."""
    from IPython.display import HTML

    items = list(items)
    held = list(hooks) if hooks is not None else [{}] * len(items)
    _display(HTML("<ul>" + "".join(f"<li{hooks_html(h)}>{esc(i)}</li>"
                                    for i, h in zip(items, held, strict=True)) + "</ul>"))


def kpi_hooks(row: KpiResult, **extra: Any) -> dict[str, str]:
    """What a KPI's table row, sentence and chart say, for machines (data-* attributes):
    its id, rating, which way it moved and on what basis. Every element of a page about
    one KPI carries the same, read from its one evaluated result (tests check they agree)."""
    hooks = {
        "kpi": str(row.measure if row.kpi_id is None else row.kpi_id),
        "rating": narrative.rating_of(row) or "none",
        "direction": str(row.moved) if row.moved else "none",
        "basis": narrative.basis_key(row.change_basis) or "none",
    }
    hooks.update({k: str(v) for k, v in extra.items()})
    return hooks


def figure_hooks(measure: str, term: str, urn: Any, value: Any, unit: str | None,
                 status: str | None = None, peers_of: Any = None) -> dict[str, str]:
    """What one figure in a table cell is, for machines: the measure, term and place it is
    for, and the value as shown. A figure that is not a KPI's (a deep dive's three years,
    a pupil group, another school) carries these, so a test can check it against the one
    evaluated result wherever a page shows the same place, term and measure."""
    out = {"measure": str(measure), "term": str(term),
           "urn": "trust" if fmt.is_missing(urn) else str(int(urn)),
           "value": fmt.value(value, unit, status)}
    if not fmt.is_missing(peers_of):  # the trust's schools of this school's phase
        out["peers"] = str(int(peers_of))
    return out


def hooks_html(hooks: Mapping[str, Any] | None) -> str:
    """' data-kpi="..." data-rating="..."', escaped."""
    return str(macro("hooks")(hooks))


def kpi_paragraph(row: KpiResult) -> None:
    """A KPI's sentence, carrying its hooks."""
    from IPython.display import HTML

    _display(HTML(f'<p class="kpi-sentence"{hooks_html(kpi_hooks(row))}>'
                  f"{esc(narrative.kpi_sentence(row))}</p>"))


def _svg(fig: Any) -> str:
    """The figure as SVG text. Rendered here, so it works whatever the backend (inline,
    Agg, none selected)."""
    buf = io.StringIO()
    with mpl.rc_context({k: charts.STYLE[k] for k in charts.DRAW_RC}):
        fig.savefig(buf, format="svg", metadata=charts.SVG_METADATA)
    return no_bidi(buf.getvalue())


def figure_alt(fig: Any) -> str:
    """A leader's own chart's text alternative: its title (the figure's, else its plots'),
    else what its axes show; 'Chart' only when it has neither."""
    titles = [fig.get_suptitle()] if hasattr(fig, "get_suptitle") else []
    for ax in fig.get_axes():
        titles += [ax.get_title(loc) for loc in ("left", "center", "right")]
    titles = [t.strip() for t in titles if t and t.strip()]
    if titles:
        return "; ".join(dict.fromkeys(titles))
    for ax in fig.get_axes():
        y, x = ax.get_ylabel().strip(), ax.get_xlabel().strip()
        if y or x:
            return f"Chart of {y or 'values'}" + (f" by {x}" if x else "")
    return "Chart"


def figure_svg(fig: Any) -> tuple[str, dict[str, str]]:
    """IPython's SVG formatter for matplotlib figures (see show_pyplot_figures): the figure
    with its alt text, as show_chart shows the house charts. A leader gives her own text
    with ``blocks.show_chart(fig, alt="...")`` instead of ``plt.show()``."""
    return _svg(fig), {"alt": figure_alt(fig)}


def show_pyplot_figures() -> bool:
    """Make a leader's own matplotlib or pandas chart (``plt.show()``, or a figure left
    open at the end of a cell) reach the report as SVG with alt text from its title.

    The inline backend is set in this kernel: one forked from a batch worker keeps the
    worker's non-interactive backend, where ``plt.show()`` shows nothing. False outside
    IPython.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "enable_matplotlib"):
        return False
    import matplotlib.pyplot  # noqa: F401 - first: importing it configures the backend
    from matplotlib.figure import Figure

    try:
        shell.enable_matplotlib("inline")
    except (NotImplementedError, ImportError, ValueError):  # a shell with no GUI support
        return False
    formatters = shell.display_formatter.formatters
    for mime in ("image/png", "image/jpeg", "application/pdf"):
        formatters[mime].pop(Figure, None)
    formatters["image/svg+xml"].for_type(Figure, figure_svg)
    return True


def show_chart(chart: charts.Chart | Any, alt: str | None = None,
               hooks: Mapping[str, Any] | None = None) -> None:
    """Show a figure as SVG with its text alternative, then free it.

    SVG keeps the chart's words as text (sharp at any zoom, found by the browser's search)
    and is drawn once at the figure's own size: the house charts lay themselves out
    (charts._place), so no tight bounding box and no second draw.
    """
    fig = chart.fig if isinstance(chart, charts.Chart) else chart
    alt = alt or (chart.alt if isinstance(chart, charts.Chart) else None)
    if not alt:
        raise ValueError("every chart needs a text alternative (alt)")
    meta: dict[str, Any] = {"alt": alt}
    if hooks:  # the house template writes these as the image's data-* attributes
        meta["govkit"] = {str(k): str(v) for k, v in hooks.items()}
    _display({"image/svg+xml": _svg(fig), "text/plain": alt}, raw=True,
             metadata={"image/svg+xml": meta})
    import matplotlib.pyplot as plt

    if plt.fignum_exists(getattr(fig, "number", -1)):
        plt.close(fig)


def table_html(df: pd.DataFrame, html_columns: Sequence[str] = (),
               caption: str | None = None,
               row_hooks: Sequence[Mapping[str, Any]] | None = None,
               cell_hooks: Sequence[Mapping[str, Mapping[str, Any]]] | None = None) -> str:
    """A plain HTML table. Every cell is escaped except columns named in ``html_columns``,
    which must hold HTML made by these helpers (such as rag_badge). ``row_hooks`` are a
    row's data-* attributes, ``cell_hooks`` (per row, by column) a cell's.

    The look is the house stylesheet's (table.govkit); the table sits in a box that
    scrolls sideways on a narrow screen, keyboard-reachable and named by its caption.
    """
    hooks = list(row_hooks) if row_hooks is not None else [{}] * len(df)
    per_cell = list(cell_hooks) if cell_hooks is not None else [{}] * len(df)
    rows = [{"hooks": hook, "cells": [
        # short figures such as "-GBP 44k" or "Summer 2025" must not break in two
        {"html": Markup(str(v)) if col in html_columns else v, "nowrap": len(str(v)) <= 14,
         "hooks": held.get(col)} for col, v in zip(df.columns, row, strict=True)]}
        for row, hook, held in zip(df.itertuples(index=False), hooks, per_cell, strict=True)]
    return str(macro("table")(list(df.columns), rows, caption or None))


def show_table(df: pd.DataFrame, html_columns: Sequence[str] = (),
               caption: str | None = None,
               row_hooks: Sequence[Mapping[str, Any]] | None = None,
               cell_hooks: Sequence[Mapping[str, Mapping[str, Any]]] | None = None) -> None:
    from IPython.display import HTML

    _display(HTML(table_html(df, html_columns, caption, row_hooks, cell_hooks)))


def note(text: str) -> None:
    """A small grey line, e.g. the suppression footnote or a source."""
    from IPython.display import HTML

    _display(HTML(f'<p class="gk-note">{esc(text)}</p>'))


def _is_total(measure: str | None) -> bool:
    """A count or sum (exclusions, vacancies, GBP): the trust's is all schools added up."""
    from govkit.plan.measures import MEASURES

    m = MEASURES.get(measure) if measure is not None else None
    return getattr(m, "kind", None) == "total"


def kpi_table(kpis: KpiRows, comparisons: bool = True,
              school: bool = True) -> pd.DataFrame:
    """KPI results (``Evaluator.results``, or a frame of them) as a table people read:
    formatted, RAG as a badge.

    For a school, the trust column leaves totals blank (the trust's 16 vacancies beside a
    school's 1 compare nothing); for the trust itself it is dropped, as it would repeat
    the value.
    """
    rows = []
    for r in as_results(kpis):
        unit, status = r.unit, r.status
        row = {
            "Measure": r.label or r.measure,
            "Value": fmt.value(r.value, unit, status),
            # every figure on pupils says how many: "0 of 1 pupils"
            "Pupils": r.cohort_text or fmt.MISSING,
            "Target": fmt.value(r.target, unit),
            "Rating": rag_badge(narrative.rating_of(r)),
            # the change says what it is on: results on last year, attendance on the
            # same term last year; never an annual figure under "Since last term"
            "Change": narrative.change_cell(r),
        }
        if comparisons:
            if school:
                row["Trust"] = (fmt.MISSING if _is_total(r.measure)
                                else fmt.value(r.trust_value, unit))
            row["National"] = fmt.value(r.national_value, unit)
        if not school:  # a trust figure never hides a failing school
            row["Red at"] = (narrative.join_list(r.red_schools.split("; "), most=99)
                             if r.red_schools else fmt.MISSING)
        if status == "narrative":
            row["Value"] = "Narrative"
            row["Rating"] = rag_badge(r.rag)
        rows.append(row)
    return pd.DataFrame(rows)


def show_kpis(kpis: KpiRows, comparisons: bool = True, caption: str | None = None,
              school: bool = True) -> None:
    """A KPI table with badges, then a footnote if any value is suppressed."""
    results = as_results(kpis)
    show_table(kpi_table(results, comparisons, school), html_columns=("Rating",),
               caption=caption, row_hooks=[kpi_hooks(r) for r in results])
    if any(r.status == "suppressed" for r in results):
        note(fmt.SUPPRESSED_FOOTNOTE)


def headline_line(label: str, value: Any, unit: str | None, term_id: str,
                  place: str, status: str | None = None) -> str:
    """A plain printed line whose figure must not drift (checked by nbval)."""
    return f"{place}: {label} {fmt.value(value, unit, status)} in {fmt.term_label(term_id)}"


def records(df: pd.DataFrame) -> list[Mapping[str, Any]]:
    return df.to_dict("records")
