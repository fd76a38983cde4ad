"""Three years at a glance: the same term each year, side by side, and what changed."""

from __future__ import annotations

from typing import Any

import pandas as pd

from govkit.plan import fmt, narrative
from govkit.plan.measures import MEASURES
from govkit.reports.blocks import figure_hooks, note, paragraph, show_table
from govkit.reports.context import Context
from govkit.reports.deep_dive.common import _better, _lower_first, _unit, dive_measures
from govkit.terms import parse_term

# what each row's change is on: the KPI's one result's basis (Evaluator.change_basis)
CHANGE_BASIS = ("last year for results, the same term last year for attendance, absence "
                "and energy, last term otherwise")


def three_years(ctx: Context) -> list[str]:
    """This term and the same term one and two years before, oldest first, as far as the
    trust has them: seasonal figures (attendance, energy) compare like with like."""
    t = parse_term(ctx.term)
    wanted = [t.year_ago().year_ago(), t.year_ago(), t]
    return [x.id for x in wanted if x.id in ctx.trust.terms]


def three_year_rows(ctx: Context, name: str) -> list[dict[str, Any]]:
    """Each measure of the deep dive with a figure in any of the three years: its three
    values (as the audience may see them) and the change from the first to the last."""
    terms = three_years(ctx)
    rows = []
    for mid in dive_measures(name):
        vals = [ctx.ev.value(mid, t, ctx.urn, ctx.audience) for t in terms]
        if not any(v.status in ("ok", "suppressed") for v in vals):
            continue  # never a figure here (KS2 progress DfE withheld, KS4 at a primary)
        # the change is the measure's one result's (the priority report's): same basis
        # (last year for results, the same term last year for attendance, last term
        # otherwise), same sign, same words
        change, basis = ctx.ev.change_basis(mid, ctx.term, ctx.urn, ctx.audience, vals[-1])
        rows.append({"measure": mid, "label": MEASURES[mid].label, "values": vals,
                     "change": change, "change_basis": basis})
    return rows


def three_year_table(ctx: Context, name: str) -> pd.DataFrame:
    """Measures down, the same term of each year across, then the change over the years."""
    terms = three_years(ctx)
    out = []
    for r in three_year_rows(ctx, name):
        unit = _unit(r["measure"])
        row = {"What we measure": r["label"]}
        for t, v in zip(terms, r["values"], strict=True):
            row[fmt.term_label(t)] = fmt.value(v.value, unit, v.status)
        better = None if r["change"] is None else _better(r["measure"], r["change"])
        cell = narrative.change_words(r["change"], r["change_basis"], unit)
        row["Change"] = (fmt.MISSING if better is None else cell if better == "no change"
                         else f"{cell} ({better})")
        out.append(row)
    return pd.DataFrame(out)


def three_year_hooks(ctx: Context, name: str) -> list[dict[str, dict[str, str]]]:
    """Each three-year row's figures, for machines: measure, term, place, value as shown
    (the row for this term is the KPI's value where the plan has a KPI on the measure)."""
    terms = three_years(ctx)
    return [{fmt.term_label(t): figure_hooks(r["measure"], t, ctx.urn, v.value,
                                             _unit(r["measure"]), v.status)
             for t, v in zip(terms, r["values"], strict=True)}
            for r in three_year_rows(ctx, name)]


def three_year_summary(ctx: Context, name: str) -> str:
    """Which measures are better and which worse on their last comparison (the change
    each row shows)."""
    terms = three_years(ctx)
    rows = [r for r in three_year_rows(ctx, name) if r["change"] is not None]
    if len(terms) < 2 or not rows:
        return (f"{ctx.place} has no figures to set side by side over the years up to "
                f"{fmt.term_label(ctx.term)}.")
    better = [_lower_first(r["label"]) for r in rows
              if _better(r["measure"], r["change"]) == "better"]
    worse = [_lower_first(r["label"]) for r in rows
             if _better(r["measure"], r["change"]) == "worse"]
    since = f"On each measure's last comparison ({CHANGE_BASIS}), {ctx.place} is "
    parts = []
    if better:
        parts.append(f"better on {len(better)} of {len(rows)} measures ({_join(better)})")
    if worse:
        parts.append(f"worse on {len(worse)} ({_join(worse)})")
    if not parts:
        return since + f"unchanged on all {len(rows)} measures with figures in both years."
    return since + "; ".join(parts) + "."


def _join(items: list[str]) -> str:
    return narrative.join_list(items, most=3)


def show_three_years(ctx: Context, name: str) -> None:
    """The three-year table and its summary line."""
    table = three_year_table(ctx, name)
    if table.empty:
        paragraph(f"No figures for {ctx.place} in the last three years.")
        return
    paragraph(three_year_summary(ctx, name))
    show_table(table, caption=f"{ctx.place}: the same term each year",
               cell_hooks=three_year_hooks(ctx, name))
    note(three_year_note())


def three_year_note() -> str:
    """Under the table: what each column holds and what the change is on. It said "from
    the first year to this one" while every row gave the priority report's change (Calder
    Moor's attendance: 91.8% then 92.0%, "+0.1 pts on same term last year")."""
    return ("Results (KS2, KS4, phonics) are the latest published by each term; surveys the "
            "latest in the twelve months to it. Each change is the one the priority report "
            f"gives: on {CHANGE_BASIS}.")
