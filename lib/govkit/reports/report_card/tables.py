"""The card's tables: our school, the trust and national side by side, in plain words,
each figure carrying what it is for machines (the tests read them back)."""

from __future__ import annotations

import re

import pandas as pd

from govkit.plan import fmt
from govkit.plan.result import KpiRows, as_results
from govkit.reports.blocks import _is_total, figure_hooks
from govkit.reports.context import Context
from govkit.reports.report_card.compare import comparison, national_for_phase

# A card shows no targets, so no ratings: its hooks say so, and say a row shows the figure
# (not a rating or a change) and the trend chart's title the change.
CARD_ROW_HOOKS = {"rating": "none", "shows": "value"}
CARD_CHART_HOOKS = {"rating": "none", "shows": "change"}


def card_table(ctx: Context, frame: KpiRows) -> pd.DataFrame:
    """Our school, the trust and national side by side, with a plain-words comparison."""
    rows = []
    for r in as_results(frame):
        unit, status = r.unit, r.status
        cmp = comparison(ctx, r)
        rows.append({
            "What we measure": r.label,
            ctx.place: fmt.value(r.value, unit, status),
            "Trust": fmt.value(r.trust_value, unit)
            if ctx.urn and not _is_total(r.measure) else fmt.MISSING,
            "National": fmt.national(r.national_value, unit, national_for_phase(ctx, r)),
            "How we compare": cmp[:1].upper() + cmp[1:] if cmp else fmt.MISSING,
        })
    out = pd.DataFrame(rows)
    return out if ctx.urn else out.drop(columns=["Trust"])


def shows_points(tables: list[pd.DataFrame]) -> bool:
    """Whether a figure in these card tables is in percentage points ("3.0 pts"), which
    a parent may not know: the card then says what the word means."""
    words = ("What we measure", "How we compare")
    points = re.compile(rf"\d {fmt.POINTS}\b")  # "3.0 pts", "22.0 pts (all schools)"
    return any(points.search(str(v)) for t in tables
               for c in t.columns if c not in words for v in t[c])


def trust_column_note(ctx: Context, urn: int) -> str:
    """What the Trust column is for school ``urn`` (the card's): its phase's schools, not
    the whole trust (a primary's suspensions beside a figure swollen by the secondaries
    would flatter it)."""
    n = len(ctx.ev.peers(urn, ctx.term))
    if n < 2:
        return (f"Trust: no figure, as {ctx.place} is the trust's only {ctx.phase} school "
                "and other schools are not like it.")
    return f"Trust: the trust's {n} {ctx.phase} schools together."


def card_cell_hooks(ctx: Context, frame: KpiRows) -> list[dict[str, dict[str, str]]]:
    """Each card row's figures for machines: this place's and the trust's, from the KPI
    results (a test checks them against the results, and the words against them)."""
    out = []
    for r in as_results(frame):
        measure = str(r.measure)
        held = {ctx.place: figure_hooks(measure, ctx.term, ctx.urn, r.value, r.unit,
                                        r.status)}
        if ctx.urn and not _is_total(r.measure):
            held["Trust"] = figure_hooks(measure, ctx.term, None, r.trust_value, r.unit,
                                         peers_of=ctx.urn)
        out.append(held)
    return out
