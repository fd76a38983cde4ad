"""The priority report: one priority of the plan for a school or the trust.
"""

from __future__ import annotations

from govkit.plan import fmt, narrative
from govkit.reports.blocks import heading, note, paragraph, show_chart, show_kpis
from govkit.reports.context import (
    AUDIENCE_WORDS,
    Context,
    _priority,
    kpis,
    not_applicable_line,
    title,
)
from govkit.reports.measure_section import measure_chart


def priority_title(ctx: Context, priority: str | None) -> None:
    p = _priority(ctx, priority)
    title(ctx, p.title)
    if p.aim:
        paragraph(f"Aim: {p.aim}")


def priority_report(ctx: Context, priority: str | None) -> None:
    """Each success criterion: a KPI table, then a sentence and trend chart per KPI."""
    p = _priority(ctx, priority)
    frame = kpis(ctx, priority=p.id)
    heading("Summary", 2)
    paragraph(narrative.priority_summary(frame.to_dict("records")))
    for c in p.success_criteria:
        every = frame[frame["criterion_id"] == c.id]
        # KS4 at a primary school and the like: left out, with one line saying so
        rows = every[every["status"] != "not_applicable"]
        heading(c.text, 2)
        if rows.empty:
            paragraph(not_applicable_line(ctx) if len(every) else
                      f"No KPI of this criterion is shown {AUDIENCE_WORDS.get(ctx.audience)}.")
            continue
        data = rows[rows["status"] != "narrative"]
        if not data.empty:
            show_kpis(data, school=ctx.urn is not None)
            if len(rows) < len(every):
                note(not_applicable_line(ctx, every[every["status"] == "not_applicable"]))
        for r in rows.to_dict("records"):
            if r["status"] == "narrative":
                if str(r.get("label") or c.text) != c.text:
                    heading(str(r.get("label")), 3)
                comment = r.get("comment")
                if fmt.is_missing(comment) or not str(comment).strip():
                    paragraph(narrative.NEEDS_COMMENT, "needs-comment")
                else:
                    paragraph(f"Leaders' comment: {str(comment).strip()}")
                continue
            heading(str(r.get("label") or r.get("measure")), 3)
            paragraph(narrative.kpi_sentence(r))
            if r["status"] == "ok" and r.get("measure"):
                chart = measure_chart(ctx, r["measure"], rows)
                if chart is not None:
                    show_chart(chart)
            comment = r.get("comment")
            if not fmt.is_missing(comment) and str(comment).strip():
                paragraph(f"Leaders' comment: {str(comment).strip()}")
