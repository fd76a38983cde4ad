"""The card's sections, in the order the notebook calls them one a cell: welcome, at a
glance, in words, over time, the glossary and the footnotes."""

from __future__ import annotations

from govkit.plan import fmt
from govkit.reports.blocks import (
    _display,
    bullets,
    esc,
    heading,
    kpi_hooks,
    note,
    paragraph,
    show_chart,
    show_table,
)
from govkit.reports.context import AUDIENCE_WORDS, Context
from govkit.reports.measure_section import measure_chart, measure_result, show_history_note
from govkit.reports.report_card.meanings import glossary_terms
from govkit.reports.report_card.rows import card_groups, left_out_line, public, public_kpis
from govkit.reports.report_card.summary import stand_out
from govkit.reports.report_card.tables import (
    CARD_CHART_HOOKS,
    CARD_ROW_HOOKS,
    card_cell_hooks,
    card_table,
    shows_points,
    trust_column_note,
)


def glossary(ctx: Context) -> None:
    """What the words and symbols on the card mean, for parents who don't use them daily."""
    from IPython.display import HTML

    frame = public_kpis(ctx)
    if not frame:
        return
    heading("What the words mean", 2)
    items = "".join(f"<dt>{esc(t)}</dt><dd>{esc(m)}</dd>" for t, m in glossary_terms(frame))
    _display(HTML(f'<dl class="gk-glossary">{items}</dl>'))


def welcome(ctx: Context) -> None:
    """The card's heading (the school, the term, for whom) and what it shows."""
    from IPython.display import HTML

    ctx = public(ctx)
    who = ctx.place
    _display(HTML(f"<h1>{esc(who)}: report card</h1>"
                  f'<p class="gk-subtitle">{esc(fmt.term_label(ctx.term))} · '
                  f"{esc(AUDIENCE_WORDS['public'])}</p>"))
    compare = "the trust as a whole and " if ctx.urn else ""
    paragraph(f"This card shows how {who} is doing on the measures in "
              f"{ctx.trust.name}'s plan, next to {compare}schools across England. "
              "Figures for small groups of pupils are not shown, to protect their privacy.")
    if not public_kpis(ctx):
        paragraph("There are no published figures for this term yet.")


def at_a_glance(ctx: Context) -> None:
    """A table per plain heading: the school, the trust and national side by side."""
    ctx = public(ctx)
    frame = public_kpis(ctx)
    if not frame:
        return
    heading("At a glance", 2)
    tables = []
    for title, part in card_groups(frame):
        heading(title, 3)
        tables.append(card_table(ctx, part))
        show_table(tables[-1], cell_hooks=card_cell_hooks(ctx, part),
                   row_hooks=[kpi_hooks(r, **CARD_ROW_HOOKS) for r in part])
    if ctx.urn:
        note(trust_column_note(ctx, ctx.urn))
    if shows_points(tables):  # said under the tables a parent reads "3.0 pts" in
        note(fmt.POINTS_FOOTNOTE)
    line = left_out_line(ctx)
    if line:
        note(line)


def in_words(ctx: Context) -> None:
    """What stands out, in a few plain lines (the tables above hold every figure)."""
    frame = public_kpis(ctx)
    if not frame:
        return
    heading("In words", 2)
    bullets(stand_out(ctx, [r for _, part in card_groups(frame) for r in part]))


def over_time(ctx: Context, measure: str = "attendance_rate",
              title: str = "Attendance over time") -> None:
    """A published measure's trend (attendance by default), if the card shows it."""
    ctx = public(ctx)
    frame = public_kpis(ctx)
    if measure not in {r.measure for r in frame}:
        return
    heading(title, 2)
    # a card has no targets: the chart draws the school, the trust and national only
    shown = [r._replace(target=None) for r in frame]
    chart = measure_chart(ctx, measure, shown)
    if chart is not None:
        show_chart(chart, hooks=kpi_hooks(measure_result(ctx, measure, shown),
                                          title=chart.title, **CARD_CHART_HOOKS))
        show_history_note(ctx, measure)


def footnotes(ctx: Context) -> None:
    """What the suppression symbol means (if used) and where national figures come from."""
    frame = public_kpis(ctx)
    if not frame:
        return
    if any(r.status == "suppressed" for r in frame):
        note(fmt.SUPPRESSED_FOOTNOTE)
    sources = sorted({r.national_source for r in frame
                      if r.national_source is not None and r.national_source.strip()})
    if sources:
        note("National figures: " + "; ".join(sources) + ".")


def report_card(ctx: Context) -> None:
    """The whole public card: each section in turn (the notebook calls them one a cell)."""
    for section in (welcome, at_a_glance, in_words, over_time, glossary, footnotes):
        section(ctx)
