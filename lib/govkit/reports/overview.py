"""The trust overview: the board's dashboard of every school against every KPI,
exceptions first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from govkit.plan import fmt, narrative
from govkit.plan.result import KpiResult, KpiRows, as_results
from govkit.reports import context
from govkit.reports.blocks import (
    esc,
    heading,
    kpi_hooks,
    note,
    paragraph,
    rag_badge,
    rag_key,
    show_table,
)
from govkit.reports.context import Context, results
from govkit.reports.html import macro
from govkit.terms import period_dates


def _grid_cell(row: KpiResult, place: str | None = None) -> str:
    if row.status == "narrative":
        return rag_badge(row.rag)
    shown = fmt.value(row.value, row.unit, row.status)
    rag = narrative.rating_of(row)  # too_few too: shown, but never as a red
    if rag_key(rag) is None:
        return esc(shown)
    hooks = kpi_hooks(row, place=place) if place else kpi_hooks(row)
    # every rating beside the target it is on: a school's own (phases differ)
    return str(macro("rated_value")(
        rag, shown, hooks, None if row.target is None else fmt.value(row.target, row.unit)))


def shown_names(ctx: Context) -> dict[str, str]:
    """Each school's label -> its name as the overview shows it (``place_name``)."""
    return {ctx.trust.label(s.urn): place_name(ctx, s.urn) for s in ctx.trust.schools}


def place_name(ctx: Context, urn: int) -> str:
    """A school as the overview names it; for a term before it joined the trust, or after
    it left, the name says so: its figures are its own, the trust's do not count them."""
    s = ctx.trust.school(urn)
    name = ctx.trust.label(urn)
    if urn in ctx.ev.members(ctx.term) or ctx.trust.history == "like_for_like":
        return name
    if s.left_trust is not None and s.left_trust <= period_dates(ctx.term)[1]:
        return f"{name} (left the trust {s.left_trust:%B %Y})"
    joined = f" {s.joined_trust:%B %Y}" if s.joined_trust else " later"
    return f"{name} (joined the trust{joined})"


def _grid_results(ctx: Context) -> dict[str, list[KpiResult]]:
    """Every school's KPI results this term, then the trust's, keyed by the name shown."""
    out = {ctx.trust.label(s.urn): results(ctx, urn=s.urn)
           for s in ctx.trust.schools_in(ctx.term)}
    out[f"Trust ({ctx.trust.name})"] = results(ctx, urn=None)
    return out


def _reds(places: Mapping[str, Sequence[KpiResult]]) -> dict[str, int]:
    """How many red ratings each place has, over every KPI (the grids' school order)."""
    return {name: sum(r.is_red for r in rows) for name, rows in places.items()}


def rag_grid(ctx: Context, places: Mapping[str, KpiRows] | None = None,
             kpi_ids: Sequence[str] | None = None,
             red_by_place: Mapping[str, int] | None = None) -> pd.DataFrame:
    """Schools down (the trust last), KPIs across: each cell the value with its RAG symbol.

    Exceptions first: schools with the most red ratings (over every KPI, so the order is
    the same in every grid of a report) at the top, and the KPIs with the most reds on the
    left; ties keep the trust's and the plan's order. ``places``: each place's KPI results
    (default ``_grid_results``); ``kpi_ids`` narrows the columns; ``red_by_place``: their
    reds (``_reds``), when a caller draws many grids from one set. Cells are HTML; school
    names are escaped here, column labels by ``table_html``.
    """
    rows = {name: as_results(f) for name, f in
            (_grid_results(ctx) if places is None else places).items()}
    trust_name = f"Trust ({ctx.trust.name})"
    wanted = None if kpi_ids is None else set(kpi_ids)
    columns = [(r.kpi_id, r.name) for r in rows[trust_name] if r.status != "narrative"
               and (wanted is None or r.kpi_id in wanted)]
    cells: dict[str, dict[str, str]] = {}
    red_by_kpi = {kid: 0 for kid, _ in columns}
    if red_by_place is None:
        red_by_place = _reds(rows)
    for name, place_rows in rows.items():
        cells[name] = {}
        for r in place_rows:
            if r.kpi_id not in red_by_kpi:
                continue
            cells[name][r.kpi_id] = _grid_cell(r, name)
            red_by_kpi[r.kpi_id] += r.is_red
    columns.sort(key=lambda kv: -red_by_kpi[kv[0]])
    schools = sorted((n for n in rows if n != trust_name), key=lambda n: -red_by_place[n])
    shown = shown_names(ctx)
    table = [{"School": esc(shown.get(n, n)), **{str(label): cells[n].get(kid, fmt.MISSING)
                                                 for kid, label in columns}}
             for n in [*schools, trust_name]]
    return pd.DataFrame(table, columns=["School", *[str(label) for _, label in columns]])


GRID_NOTE = ("Each cell shows the figure with its rating and, under it, the school's own "
             "target: ✔ green (on target), ▲ amber (close to target, or short of it by a gap "
             "that could be chance), ✖ red (clearly off target), ○ too few pupils to rate "
             "(never counted as red); no symbol means no rating. Schools with the "
             "most red ratings come first, and in each table the KPIs with the most reds. "
             "z = does not apply to this school (for example, no key stage 2 at a secondary "
             "school). ")


def show_rag_grid(ctx: Context) -> None:
    """One grid per success criterion, under its priority: a few columns each, so every
    grid fits the page instead of running off its right edge."""
    places = _grid_results(ctx)  # once, not per grid
    red_by_place = _reds(places)
    trust_rows = places[f"Trust ({ctx.trust.name})"]
    note(GRID_NOTE + fmt.SUPPRESSED_FOOTNOTE)
    for p in ctx.plan.priorities:
        rows = [r for r in trust_rows if r.priority_id == p.id and r.status != "narrative"]
        if not rows:
            continue
        heading(p.title, 3)
        for c in p.success_criteria:
            ids = [r.kpi_id for r in rows if r.criterion_id == c.id]
            if not ids:
                continue
            grid = rag_grid(ctx, places, ids, red_by_place)
            # every cell was escaped or built by this module, so the cells are trusted HTML
            show_table(grid, html_columns=tuple(grid.columns[1:]) + ("School",),
                       caption=c.text)


def attention_table(frames: Mapping[str, KpiRows],
                    triggers: pd.DataFrame | None) -> pd.DataFrame:
    """One row per place with a red KPI or a trigger, most reds first: what to look at first.

    Each row counts the reds among the place's rated KPIs, names the first few, and says
    which intervention triggers it meets, each once with how many KPIs set it off.
    ``frames``: each place's KPI results (``_grid_results``), or its KPI frame.
    """
    # each school's triggers, each description once with how many KPIs set it off (in
    # the order they fired), gathered in one pass rather than a filtered frame per place
    fired_by: dict[str, dict[str, int]] = {}
    if triggers is not None and len(triggers) and "school" in triggers:
        for school, desc in zip(triggers["school"], triggers["description"], strict=True):
            if not fmt.is_missing(desc):
                mine = fired_by.setdefault(school, {})
                mine[desc] = mine.get(desc, 0) + 1
    rows = []
    for name, f in frames.items():
        rated = [r for r in as_results(f) if r.status == "ok" and rag_key(r.rag) is not None]
        reds = [r.name for r in rated if r.is_red]
        fired = [f"{desc} ({n} KPIs)" if n > 1 else str(desc)
                 for desc, n in fired_by.get(name, {}).items()]
        if not reds and not fired:
            continue
        rows.append({"School": name, "Red KPIs": f"{len(reds)} of {len(rated)}",
                     "Which are red": narrative.join_list(reds, most=5) if reds else fmt.MISSING,
                     "Intervention triggers": "; ".join(fired) if fired else "None",
                     "_reds": len(reds), "_fired": len(fired)})
    out = pd.DataFrame(rows, columns=["School", "Red KPIs", "Which are red",
                                      "Intervention triggers", "_reds", "_fired"])
    out = out.sort_values(["_reds", "_fired"], ascending=False, kind="stable")
    return out.drop(columns=["_reds", "_fired"]).reset_index(drop=True)


def show_attention(ctx: Context) -> None:
    """The trust overview's first table: each school's reds and triggers in one row."""
    table = attention_table(_grid_results(ctx), ctx.ev.triggers(ctx.term))
    if table.empty:
        paragraph("No KPI is rated red and no school meets an intervention trigger this term.")
        return
    schools = int((~table["School"].str.startswith("Trust (")).sum())
    total = len(ctx.trust.schools_in(ctx.term))
    paragraph(f"{fmt.count_words(schools).capitalize()} of {total} schools "
              "have a KPI rated red or meet an intervention trigger; those with the most red "
              "ratings come first. Each school's priority reports give the figures.")
    shown = shown_names(ctx)
    show_table(table.assign(School=[shown.get(n, n) for n in table["School"]]))


def priority_paragraphs(ctx: Context, frame: KpiRows | None = None) -> None:
    """One heading and paragraph per priority of the plan, in the plan's order
    (``frame``: the KPIs to count, ``context.kpis`` or results; default all)."""
    every = results(ctx) if frame is None else as_results(frame)
    for p in ctx.plan.priorities:
        rows = [r for r in every if r.priority_id == p.id]
        heading(p.title, 3)
        paragraph(context.priority_summary(ctx, rows))


def show_trust_vs_national(ctx: Context, frame: KpiRows | None = None) -> None:
    """The place's KPIs that have a national figure, side by side with it (``frame``: the
    KPIs to show, ``context.kpis`` or results; default all)."""
    every = results(ctx) if frame is None else as_results(frame)
    has = [r for r in every if r.national_value is not None and r.status != "narrative"]
    if not has:
        paragraph("No KPI in the plan has a published national figure for this term.")
        return
    rows = []
    for r in has:
        better = narrative.versus(r.value, r.national_value, r.unit,
                                  str(r.direction) != "lower", "national")
        rows.append({"Measure": r.label,
                     ctx.place: fmt.value(r.value, r.unit, r.status),
                     "National": fmt.value(r.national_value, r.unit),
                     "Compared with national": better.split(" than")[0].split(" with")[0]
                     if r.status == "ok" else fmt.MISSING,
                     "Source": r.national_source or fmt.MISSING})
    show_table(pd.DataFrame(rows))


def phase_table(ctx: Context) -> pd.DataFrame:
    """Each phase of the trust's schools against that phase's national figure, for the
    measures DfE publishes a national figure for: one column pair per phase."""
    df = ctx.ev.by_phase(ctx.term, ctx.audience)
    with_national = set(df.loc[df["national_value"].notna(), "measure"])
    df = df[df["measure"].isin(with_national)]
    if df.empty:
        return pd.DataFrame()
    phases = list(dict.fromkeys(df["phase"]))
    out = []
    for mid in dict.fromkeys(df["measure"]):
        rows = df[df["measure"] == mid].set_index("phase")
        first = rows.iloc[0]
        line = {"Measure": first["label"]}
        for ph in phases:
            n = int(df.loc[df["phase"] == ph, "schools"].iloc[0])
            head = f"{ph.capitalize()} ({n} school{'s' if n != 1 else ''})"
            if ph in rows.index:
                r = rows.loc[ph]
                line[head] = fmt.value(r["value"], r["unit"], r["status"])
                line[f"National, {ph}"] = fmt.national(r["national_value"], r["unit"],
                                                       r["national_like_for_like"])
            else:
                line[head] = line[f"National, {ph}"] = fmt.value(None, None, "not_applicable")
        out.append(line)
    return pd.DataFrame(out)


def show_by_phase(ctx: Context) -> None:
    table = phase_table(ctx)
    if table.empty:
        paragraph("No measure in the plan has a national figure for this term.")
        return
    paragraph("Each phase's figures are worked out from its schools' counts, so a large "
              "school counts for more than a small one; each is set beside the national "
              "figure for schools of that phase, or for all schools where DfE publishes "
              "no figure for the phase.")
    show_table(table)
