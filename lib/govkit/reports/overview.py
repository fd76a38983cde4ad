"""The trust overview: the board's dashboard of every school against every KPI,
exceptions first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from govkit.plan import fmt, narrative
from govkit.plan.records import records as frame_records
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
from govkit.reports.context import Context, kpis
from govkit.reports.html import macro
from govkit.terms import period_dates


def _grid_cell(row: Mapping[str, Any], place: str | None = None) -> str:
    status = row.get("status")
    if status == "narrative":
        return rag_badge(row.get("rag"))
    shown = fmt.value(row.get("value"), row.get("unit"), status)
    rag = narrative.rating_of(row)  # too_few too: shown, but never as a red
    if rag_key(rag) is None:
        return esc(shown)
    hooks = kpi_hooks(row, place=place) if place else kpi_hooks(row)
    # every rating beside the target it is on: a school's own (phases differ)
    target = row.get("target")
    return str(macro("rated_value")(
        rag, shown, hooks, None if fmt.is_missing(target) else fmt.value(target, row.get("unit"))))


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


def _grid_frames(ctx: Context) -> dict[str, pd.DataFrame]:
    """Every school's KPIs this term, then the trust's, keyed by the name shown."""
    frames = {ctx.trust.label(s.urn): kpis(ctx, urn=s.urn)
              for s in ctx.trust.schools_in(ctx.term)}
    frames[f"Trust ({ctx.trust.name})"] = kpis(ctx, urn=None)
    return frames


def _grid_records(ctx: Context) -> dict[str, list[dict[str, Any]]]:
    """``_grid_frames`` as row dicts, each place's made once per report (shared: read only)."""
    out = {ctx.trust.label(s.urn): ctx.ev.kpi_records(ctx.term, s.urn, audience=ctx.audience)
           for s in ctx.trust.schools_in(ctx.term)}
    out[f"Trust ({ctx.trust.name})"] = ctx.ev.kpi_records(ctx.term, None,
                                                          audience=ctx.audience)
    return out


def _is_red(r: Mapping[str, Any]) -> bool:
    return r.get("status") == "ok" and rag_key(r.get("rag")) == "red"


def _reds(records: Mapping[str, list[dict[str, Any]]]) -> dict[str, int]:
    """How many red ratings each place has, over every KPI (the grids' school order)."""
    return {name: sum(_is_red(r) for r in recs) for name, recs in records.items()}


def rag_grid(ctx: Context, frames: Mapping[str, pd.DataFrame] | None = None,
             kpi_ids: Sequence[str] | None = None,
             records: Mapping[str, list[dict[str, Any]]] | None = None,
             red_by_place: Mapping[str, int] | None = None) -> pd.DataFrame:
    """Schools down (the trust last), KPIs across: each cell the value with its RAG symbol.

    Exceptions first: schools with the most red ratings (over every KPI, so the order is
    the same in every grid of a report) at the top, and the KPIs with the most reds on the
    left; ties keep the trust's and the plan's order. ``kpi_ids`` narrows the columns.
    ``records``: the frames as row dicts, and ``red_by_place`` their reds (``_reds``),
    when a caller draws many grids from one set. Cells are HTML; school names are
    escaped here, column labels by ``table_html``.
    """
    frames = _grid_frames(ctx) if frames is None else frames
    trust_name = f"Trust ({ctx.trust.name})"
    first = frames[trust_name]
    data = first[first["status"] != "narrative"]
    if kpi_ids is not None:
        data = data[data["kpi_id"].isin(list(kpi_ids))]
    columns = list(zip(data["kpi_id"], data["label"].fillna(data["measure"]), strict=True))
    cells: dict[str, dict[str, str]] = {}
    red_by_kpi = {kid: 0 for kid, _ in columns}
    if records is None:
        records = {name: frame_records(df) for name, df in frames.items()}
    if red_by_place is None:
        red_by_place = _reds(records)
    for name in frames:
        cells[name] = {}
        for r in records[name]:
            if r["kpi_id"] not in red_by_kpi:
                continue
            cells[name][r["kpi_id"]] = _grid_cell(r, name)
            red_by_kpi[r["kpi_id"]] += _is_red(r)
    columns.sort(key=lambda kv: -red_by_kpi[kv[0]])
    schools = sorted((n for n in frames if n != trust_name), key=lambda n: -red_by_place[n])
    shown = shown_names(ctx)
    rows = [{"School": esc(shown.get(n, n)), **{str(label): cells[n].get(kid, fmt.MISSING)
                                                for kid, label in columns}}
            for n in [*schools, trust_name]]
    return pd.DataFrame(rows, columns=["School", *[str(label) for _, label in columns]])


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
    frames = _grid_frames(ctx)
    records = _grid_records(ctx)  # once, not per grid
    red_by_place = _reds(records)
    trust_frame = frames[f"Trust ({ctx.trust.name})"]
    note(GRID_NOTE + fmt.SUPPRESSED_FOOTNOTE)
    for p in ctx.plan.priorities:
        rows = trust_frame[(trust_frame["priority_id"] == p.id)
                           & (trust_frame["status"] != "narrative")]
        if rows.empty:
            continue
        heading(p.title, 3)
        for c in p.success_criteria:
            ids = list(rows.loc[rows["criterion_id"] == c.id, "kpi_id"])
            if not ids:
                continue
            grid = rag_grid(ctx, frames, ids, records, red_by_place)
            # every cell was escaped or built by this module, so the cells are trusted HTML
            show_table(grid, html_columns=tuple(grid.columns[1:]) + ("School",),
                       caption=c.text)


def attention_table(frames: Mapping[str, pd.DataFrame | list[dict[str, Any]]],
                    triggers: pd.DataFrame | None) -> pd.DataFrame:
    """One row per place with a red KPI or a trigger, most reds first: what to look at first.

    Each row counts the reds among the place's rated KPIs, names the first few, and says
    which intervention triggers it meets, each once with how many KPIs set it off.
    ``frames``: each place's KPI frame, or its rows as dicts (``_grid_records``).
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
        rated = [r for r in (f if isinstance(f, list) else frame_records(f))
                 if r.get("status") == "ok" and rag_key(r.get("rag")) is not None]
        reds = [str(r.get("label") or r.get("measure")) for r in rated if _is_red(r)]
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
    table = attention_table(_grid_records(ctx), ctx.ev.triggers(ctx.term))
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


def priority_paragraphs(ctx: Context, frame: pd.DataFrame | None = None) -> None:
    """One heading and paragraph per priority of the plan, in the plan's order."""
    frame = kpis(ctx) if frame is None else frame
    for p in ctx.plan.priorities:
        rows = frame[frame["priority_id"] == p.id]
        heading(p.title, 3)
        paragraph(context.priority_summary(ctx, rows))


def show_trust_vs_national(ctx: Context, frame: pd.DataFrame | None = None) -> None:
    """The place's KPIs that have a national figure, side by side with it."""
    frame = kpis(ctx) if frame is None else frame
    has = frame[frame["national_value"].notna() & (frame["status"] != "narrative")]
    if has.empty:
        paragraph("No KPI in the plan has a published national figure for this term.")
        return
    rows = []
    for r in has.to_dict("records"):
        unit = r.get("unit")
        better = narrative.versus(r.get("value"), r.get("national_value"), unit,
                                  str(r.get("direction")) != "lower", "national")
        rows.append({"Measure": r.get("label"),
                     ctx.place: fmt.value(r.get("value"), unit, r.get("status")),
                     "National": fmt.value(r.get("national_value"), unit),
                     "Compared with national": better.split(" than")[0].split(" with")[0]
                     if r.get("status") == "ok" else fmt.MISSING,
                     "Source": r.get("national_source") or fmt.MISSING})
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
