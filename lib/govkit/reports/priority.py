"""The priority report: one priority of the plan for a school or the trust.
"""

from __future__ import annotations

import pandas as pd

from govkit.errors import ConfigError
from govkit.plan import fmt
from govkit.plan.actions import ActionStatus, tracked
from govkit.plan.result import KpiResult
from govkit.reports import context
from govkit.reports.blocks import (
    esc,
    heading,
    kpi_paragraph,
    note,
    paragraph,
    show_chart,
    show_kpis,
    show_table,
)
from govkit.reports.context import (
    AUDIENCE_WORDS,
    Context,
    _priority,
    kpis,
    not_applicable_line,
    results,
    title,
)
from govkit.reports.measure_section import chart_hooks, measure_chart, show_history_note


def priority_title(ctx: Context, priority: str | None = None) -> None:
    """The priority's title as the page heading, with its aim."""
    p = _priority(ctx, priority)
    title(ctx, p.title)
    if p.aim:
        paragraph(f"Aim: {p.aim}")


def priority_kpis(ctx: Context, priority: str | None = None) -> pd.DataFrame:
    """The priority's KPIs for this place, term and audience (one row a KPI)."""
    return kpis(ctx, priority=_priority(ctx, priority).id)


def priority_results(ctx: Context, priority: str | None = None) -> list[KpiResult]:
    """The priority's KPI results for this place, term and audience: what
    ``priority_kpis`` is a table of."""
    return results(ctx, priority=_priority(ctx, priority).id)


def _said(comment: str | None) -> str | None:
    """A leader's comment as shown, or None when none is given yet."""
    return comment.strip() if comment and comment.strip() else None


def summary(ctx: Context, priority: str | None = None) -> None:
    """How the priority's KPIs stand, in one paragraph (its heading is the notebook's)."""
    paragraph(context.priority_summary(ctx, priority_results(ctx, priority)))


def criteria(ctx: Context, priority: str | None = None) -> list[str]:
    """The ids of the priority's success criteria, in the plan's order."""
    return [c.id for c in _priority(ctx, priority).success_criteria]


def success_criterion(ctx: Context, criterion: str, priority: str | None = None,
                      charts: bool = True) -> None:
    """One success criterion: its heading, KPI table, then a sentence (and, with
    ``charts``, a trend chart) per KPI and leaders' comments."""
    p = _priority(ctx, priority)
    found = [c for c in p.success_criteria if c.id == criterion]
    if not found:
        raise ConfigError(f"no success criterion '{criterion}' in priority '{p.id}'; it has: "
                          + ", ".join(c.id for c in p.success_criteria))
    c = found[0]
    every = [r for r in priority_results(ctx, p.id) if r.criterion_id == c.id]
    # KS4 at a primary school and the like: left out, with one line saying so
    rows = [r for r in every if r.status != "not_applicable"]
    # a leader's comment not yet given shows nothing (the run lists it for the analyst):
    # a criterion with nothing else to show is left out, heading and all
    said = {r.kpi_id for r in rows if r.status != "narrative" or _said(r.comment)}
    if rows and not said:
        return
    heading(c.text, 2)
    if not rows:
        paragraph(not_applicable_line(ctx) if every else
                  f"No KPI of this criterion is shown {AUDIENCE_WORDS.get(ctx.audience)}.")
        return
    data = [r for r in rows if r.status != "narrative"]
    if data:
        show_kpis(data, school=ctx.urn is not None)
        if len(rows) < len(every):
            note(not_applicable_line(ctx, [r for r in every if r.status == "not_applicable"]))
    for r in rows:
        if r.status == "narrative":
            if r.kpi_id not in said:
                continue
            if (r.label or c.text) != c.text:
                heading(str(r.label), 3)
            comment = _said(r.comment)
            if comment:
                paragraph(f"Leaders' comment: {comment}")
            continue
        heading(r.name, 3)
        kpi_paragraph(r)  # the sentence, table row and chart read the one result, r
        if charts and r.status == "ok" and r.measure:
            chart = measure_chart(ctx, r.measure, rows)
            if chart is not None:
                show_chart(chart, hooks=chart_hooks(ctx, r, chart))
                show_history_note(ctx, r.measure)
        comment = _said(r.comment)
        if comment:
            paragraph(f"Leaders' comment: {comment}")


ACTION_BADGES = {  # status -> (symbol, css class): the word is always printed beside it
    "overdue": ("✖", "rag-red"), "at_risk": ("▲", "rag-amber"), "on_track": ("✔", "rag-green"),
    "done": ("✔", "rag-green"), "not_started": ("–", "rag-no-rating"),
    None: ("–", "rag-no-rating")}


def action_badge(a: ActionStatus) -> str:
    symbol, css = ACTION_BADGES[a.status]
    return (f'<span class="rag {css}"><span aria-hidden="true">{symbol}</span> '
            f"{esc(a.status_words[:1].upper() + a.status_words[1:])}</span>")


def actions_table(acts: list[ActionStatus]) -> pd.DataFrame:
    return pd.DataFrame({
        "Action": [a.title for a in acts], "Owner": [a.owner for a in acts],
        "Due by": [a.due_label for a in acts], "Status": [action_badge(a) for a in acts],
        "Progress": [a.note or fmt.MISSING for a in acts],
        "Evidence of done": [a.evidence or fmt.MISSING for a in acts],
    }, columns=["Action", "Owner", "Due by", "Status", "Progress", "Evidence of done"])


def show_actions(ctx: Context, priority: str | None = None) -> None:
    """The priority's actions from the plan with where each stands this term (overdue and
    at risk first): the trust's, or those the school reports on. Nothing if the plan
    gives the priority no actions."""
    p = _priority(ctx, priority)
    if not p.actions:
        return
    acts = tracked(ctx.ev, ctx.term, ctx.urn, p.id)
    heading("The plan's actions", 2)
    if not acts:
        paragraph(f"{ctx.place} reports on none of this priority's actions this term; the "
                  "trust's report gives them.")
        return
    late = sum(a.status in ("overdue", "at_risk") for a in acts)
    paragraph(f"{fmt.count_words(len(acts)).capitalize()} "
              f"{'action' if len(acts) == 1 else 'actions'}, "
              f"{fmt.count_words(late)} overdue or at risk. An action past its due term "
              "without being done counts as overdue.")
    show_table(actions_table(acts), html_columns=("Status",),
               caption=f"Actions, {fmt.term_label(ctx.term)}",
               row_hooks=[{"action": a.action_id, "status": a.status or "none"}
                          for a in acts])


def success_criteria(ctx: Context, priority: str | None = None) -> None:
    """Every success criterion of the priority, in the plan's order."""
    for cid in criteria(ctx, priority):
        success_criterion(ctx, cid, priority)

