"""School by school: the school beside the trust's other schools (rank lines, the
table, the bar charts; a large trust's best and weakest ten)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from govkit.plan import fmt
from govkit.plan.measures import MEASURES, applies
from govkit.reports import charts, many_schools
from govkit.reports.blocks import bullets, figure_hooks, note, paragraph, show_chart, show_table
from govkit.reports.context import Context
from govkit.reports.deep_dive.common import BARS, SCHOOL_BY_SCHOOL, _unit


def _peers(ctx: Context, measure: str) -> list[Any]:
    """The schools a place is set beside: for a school, the trust's schools of its phase;
    for the trust, every school the measure applies to."""
    m = MEASURES[measure]
    alike = None if ctx.urn is None else set(ctx.ev.peers(ctx.urn, ctx.term))
    return [s for s in ctx.trust.schools_in(ctx.term) if applies(m, s.phase)
            and (alike is None or s.urn in alike)]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _place(value: float, shown: str, figures: Iterable[tuple[str, float]],
           high: bool) -> int:
    """A figure's place among ``figures`` (each as shown, and its value), best first:
    ties at the shown precision share a place, in a rank line and a table alike."""
    return 1 + sum(1 for s, v in figures if s != shown and (v > value) == high)


def rank_line(ctx: Context, measure: str) -> str | None:
    """'Attendance: 93.1%, 7th of 9 primary schools (best first); the best is ...' for a
    school; the best and the weakest school for the trust. None if nothing to rank."""
    m = MEASURES[measure]
    peers = _peers(ctx, measure)
    vals = {s.urn: ctx.ev.value(measure, ctx.term, s.urn, ctx.audience) for s in peers}
    ok = [(s, v) for s in peers for v in (vals[s.urn].value,)
          if vals[s.urn].status == "ok" and v is not None]
    if len(ok) < 2:
        return None
    high = m.direction != "lower"
    ranked = sorted(ok, key=lambda p: float(p[1]), reverse=high)
    best, worst = ranked[0], ranked[-1]
    unit = m.unit
    # a measure with no better direction (spend per pupil) is ranked, never "best"
    top, bottom, order = (("best", "weakest", "best first") if m.judged else
                          ("highest" if high else "lowest", "lowest" if high else "highest",
                           "highest first" if high else "lowest first"))
    if ctx.urn is None:
        # the phase beside each name: a special school's costs are not a primary's
        return (f"{m.label}: {top} {best[0].name} ({best[0].phase}, "
                f"{fmt.value(best[1], unit)}), {bottom} {worst[0].name} ({worst[0].phase}, "
                f"{fmt.value(worst[1], unit)}), across {len(ranked)} schools.")
    mine = vals.get(ctx.urn)
    if mine is None or mine.status != "ok" or mine.value is None:
        why = fmt.value(None, unit, mine.status if mine else None)
        return f"{m.label}: {ctx.place} has no figure to rank ({why})."
    shown = fmt.value(mine.value, unit)
    place = _place(float(mine.value), shown, [(fmt.value(v, unit), float(v)) for _, v in ranked],
                   high)
    who = f"{ctx.phase} schools" if ctx.phase else "schools"
    lead = "" if place == 1 else \
        f"; the {top} is {best[0].name} at {fmt.value(best[1], unit)}"
    return (f"{m.label}: {shown}, {_ordinal(place)} of {len(ranked)} {who} in the "
            f"trust ({order}){lead}.")


def rank_hooks(ctx: Context, measure: str) -> dict[str, str]:
    """A school's rank line's own figure, for machines (the trust's names two schools)."""
    if ctx.urn is None:
        return {}
    mv = ctx.ev.value(measure, ctx.term, ctx.urn, ctx.audience)
    return figure_hooks(measure, ctx.term, ctx.urn, mv.value, _unit(measure)) \
        if mv.status == "ok" else {}


def school_table(ctx: Context, name: str) -> pd.DataFrame:
    """Schools down (this school marked), the deep dive's school-by-school measures across."""
    return _school_table(ctx, name)[0]


def _ends_of(ctx: Context, measures: list[str], schools: list[Any]
             ) -> tuple[list[Any], str | None, tuple[str, dict[int, str]] | None]:
    """A large trust's table rows: the ten best and ten weakest schools on the first of
    ``measures`` that ranks two or more of them (and this school), best first, with the
    note saying so and each row's rank on that measure (a column of its own, so a reader
    sees the jump from the tenth to the weakest ten: '10th', then '216th'); every school,
    no note and no ranks while the trust is small enough to show them all."""
    if len(schools) <= many_schools.MAX_SCHOOLS:
        return schools, None, None
    for mid in measures:
        vals = [ctx.ev.value(mid, ctx.term, s.urn, ctx.audience) for s in schools]
        values = [v.value if v.status == "ok" else None for v in vals]
        statuses = [v.status for v in vals]
        rated = sum(many_schools.has_figure(v, st) for v, st in zip(values, statuses,
                                                                       strict=True))
        if rated < 2:
            continue
        own = [i for i, s in enumerate(schools) if s.urn == ctx.urn]
        high = MEASURES[mid].direction != "lower"
        keep = many_schools.ends(values, statuses, high, own)
        extra = "this school" if len(keep) > min(2 * many_schools.ENDS, rated) else None
        text = many_schools.shown_note(rated, len(schools), "The table", extra,
                                       on=MEASURES[mid].label.lower())
        unit = _unit(mid)
        shown = [fmt.value(v, unit) if many_schools.has_figure(v, st) else None
                 for v, st in zip(values, statuses, strict=True)]
        figures = [(sh, float(v)) for sh, v in zip(shown, values, strict=True)
                   if sh and v is not None]
        ranks = {}
        for i in keep:
            sh, v = shown[i], values[i]
            ranks[schools[i].urn] = fmt.value(None, unit, statuses[i]) \
                if sh is None or v is None \
                else f"{_ordinal(_place(float(v), sh, figures, high))} of {rated}"
        return [schools[i] for i in keep], text, \
            (f"Rank on {MEASURES[mid].label.lower()}", ranks)
    return schools, None, None


def _school_table(ctx: Context, name: str) -> tuple[pd.DataFrame,
                                                    list[dict[str, dict[str, str]]]]:
    """The school-by-school table and each cell's figure hooks (that school, this term)."""
    return _school_table_noted(ctx, name)[:2]


def _school_table_noted(ctx: Context, name: str
                        ) -> tuple[pd.DataFrame, list[dict[str, dict[str, str]]], str | None]:
    """The table, its hooks and, for a trust too large to list, the note on its rows."""
    measures = [m for m in SCHOOL_BY_SCHOOL[name] if _peers(ctx, m)]
    schools = list(dict.fromkeys(s for m in measures for s in _peers(ctx, m)))
    schools, shown, ranks = _ends_of(ctx, measures, schools)
    rows, hooks = [], []
    for s in schools:
        row = {"School": ctx.trust.label(s.urn) + (" (this school)" if s.urn == ctx.urn else "")}
        if ranks:
            row[ranks[0]] = ranks[1][s.urn]
        held = {}
        if ctx.urn is None:
            row["Phase"] = s.phase
        for mid in measures:
            mv = ctx.ev.value(mid, ctx.term, s.urn, ctx.audience)
            row[MEASURES[mid].label] = fmt.value(mv.value, _unit(mid), mv.status)
            held[MEASURES[mid].label] = figure_hooks(mid, ctx.term, s.urn, mv.value,
                                                     _unit(mid), mv.status)
        rows.append(row)
        hooks.append(held)
    df = pd.DataFrame(rows)
    if df.empty:
        return df, hooks, shown
    # a measure no school here has (KS4 among primaries) is left out
    keep = [c for c in df.columns if not (df[c] == fmt.NOT_APPLICABLE).all()]
    return df[keep], hooks, shown


def school_bars(ctx: Context, measure: str) -> bool:
    """Bars of the peers on one measure, this school highlighted; False if under two.

    Above many_schools.MAX_SCHOOLS peers, the ten highest and lowest and this school: the
    title still speaks for every peer, a note says which are drawn."""
    m = MEASURES[measure]
    peers = _peers(ctx, measure)
    vals = [ctx.ev.value(measure, ctx.term, s.urn, ctx.audience) for s in peers]
    if sum(v.status == "ok" for v in vals) < 2:
        return False
    names = [ctx.trust.label(s.urn) for s in peers]
    values = [v.value if v.status == "ok" else None for v in vals]
    statuses = [v.status for v in vals]
    higher = m.direction != "lower"
    title, shown = None, None
    if len(peers) > many_schools.MAX_SCHOOLS:
        own = [i for i, s in enumerate(peers) if s.urn == ctx.urn]
        keep = many_schools.ends(values, statuses, higher, own)
        rated = [(n, v) for n, v, st in zip(names, values, statuses, strict=True)
                 if many_schools.has_figure(v, st)]
        title = charts.compare_title(m.label, rated, m.unit, None, "National", higher)
        extra = ctx.place if len(keep) > min(2 * many_schools.ENDS, len(rated)) else None
        shown = many_schools.shown_note(len(rated), len(peers), "The chart", extra)
        names = [names[i] for i in keep]
        values = [values[i] for i in keep]
        statuses = [statuses[i] for i in keep]
    show_chart(charts.compare_chart(
        names, values, m.label, m.unit, statuses=statuses,
        highlight=ctx.place if ctx.urn else None, higher_is_better=higher, title=title))
    if shown:
        note(shown)
    return True


def show_school_by_school(ctx: Context, name: str) -> None:
    """Where this school stands among the trust's schools (or each school, for the trust)."""
    ranked = [(x, rank_hooks(ctx, m)) for m in SCHOOL_BY_SCHOOL[name]
              if (x := rank_line(ctx, m))]
    lines, hooks_of_lines = [x for x, _ in ranked], [h for _, h in ranked]
    table, hooks, shown = _school_table_noted(ctx, name)
    if not lines and table.empty:
        paragraph(f"No school-by-school figures for {fmt.term_label(ctx.term)}.")
        return
    if ctx.urn and len(table) == 1:
        lines.append(f"{ctx.place} is the trust's only {ctx.phase} school: there is no "
                     "school like it in the trust to set it beside.")
        hooks_of_lines.append({})
    bullets(lines, hooks_of_lines)
    if not table.empty:
        show_table(table, caption=f"School by school, {fmt.term_label(ctx.term)}",
                   cell_hooks=hooks)
        if shown:
            note(shown)
    drawn = 0
    for mid in SCHOOL_BY_SCHOOL[name]:
        if drawn < BARS and school_bars(ctx, mid):
            drawn += 1
