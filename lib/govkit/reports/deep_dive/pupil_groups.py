"""Pupil groups: attendance, persistent absence and KS2 by group, and the gaps between them."""

from __future__ import annotations

import pandas as pd

from govkit.plan import fmt
from govkit.plan.measures import MeasureValue
from govkit.reports import charts
from govkit.reports.blocks import bullets, figure_hooks, note, paragraph, show_chart, show_table
from govkit.reports.context import Context

GROUPS = [  # (group, attendance, persistent absence, KS2 RWM expected)
    ("All pupils", "attendance_rate", "persistent_absence", "ks2_rwm_expected"),
    ("Disadvantaged", "attendance_disadvantaged", "persistent_absence_disadvantaged",
     "ks2_rwm_expected_disadvantaged"),
    ("Not disadvantaged", "attendance_not_disadvantaged",
     "persistent_absence_not_disadvantaged", "ks2_rwm_expected_not_disadvantaged"),
    ("With SEND", "attendance_send", "persistent_absence_send", "ks2_rwm_expected_send"),
    ("Without SEND", "attendance_not_send", "persistent_absence_not_send",
     "ks2_rwm_expected_not_send"),
]
GROUP_COLUMNS = ("Attendance", "Persistent absence", "KS2 expected standard (RWM)")


def _cohort(mv: MeasureValue, pupils: bool = True) -> str:
    """'31 pupils' / '5 of 12 pupils', or nothing when the figure is not shown."""
    if mv.status != "ok" or fmt.is_missing(mv.denominator):
        return ""
    if pupils and not fmt.is_missing(mv.numerator):  # "about": from a rounded percentage
        return f" ({'about ' if mv.approximate else ''}{fmt.of(mv.numerator, mv.denominator)})"
    return ""


def group_values(ctx: Context) -> list[tuple[str, list[MeasureValue]]]:
    """Each pupil group's figures this term, as the audience may see them."""
    return [(g, [ctx.ev.value(mid, ctx.term, ctx.urn, ctx.audience) for mid in mids])
            for g, *mids in GROUPS]


def group_table(ctx: Context) -> pd.DataFrame:
    """Groups down; attendance, persistent absence and KS2 (with its cohort) across."""
    return _group_table(ctx)[0]


def _group_table(ctx: Context) -> tuple[pd.DataFrame, list[dict[str, dict[str, str]]]]:
    """The pupil-group table and each figure cell's hooks (measure, term, place, value)."""
    rows, hooks = [], []
    measures = {g: mids for g, *mids in GROUPS}
    for g, vals in group_values(ctx):
        att, pa, ks2 = vals
        hooks.append({col: figure_hooks(mid, ctx.term, ctx.urn, mv.value, "percent",
                                        mv.status)
                      for col, mid, mv in zip(GROUP_COLUMNS, measures[g], vals, strict=True)})
        rows.append({
            "Pupils": g,
            "On roll (attendance)": fmt.number(att.base) if att.status == "ok"
            and not fmt.is_missing(att.base) else fmt.value(None, None, att.status),
            GROUP_COLUMNS[0]: fmt.value(att.value, "percent", att.status),
            GROUP_COLUMNS[1]: fmt.value(pa.value, "percent", pa.status) + _cohort(pa),
            GROUP_COLUMNS[2]: fmt.value(ks2.value, "percent", ks2.status) + _cohort(ks2),
        })
    df = pd.DataFrame(rows)
    empty = [fmt.NOT_APPLICABLE, fmt.MISSING, fmt.NOT_AVAILABLE]
    df = df[~df[list(GROUP_COLUMNS)].isin(empty).all(axis=1)]  # a group this school hasn't
    hooks = [hooks[i] for i in df.index]
    keep = [c for c in df.columns if not df[c].isin(empty).all()]
    return df[keep].reset_index(drop=True), hooks


def gap_sentence(what: str, a: tuple[str, MeasureValue], b: tuple[str, MeasureValue],
                 unit: str = "percent") -> str | None:
    """'Attendance of disadvantaged pupils is 2.9 percentage points below that of other
    pupils (91.0% against 93.9%).' None when either figure is not shown."""
    (na, va), (nb, vb) = a, b
    if va.status != "ok" or vb.status != "ok" or va.value is None or vb.value is None:
        return None
    d = float(va.value) - float(vb.value)
    sa, sb = fmt.value(va.value, unit), fmt.value(vb.value, unit)
    if sa == sb:
        return f"{what} of {na} is the same as that of {nb} ({sa})."
    side = "above" if d > 0 else "below"
    return (f"{what} of {na} is {fmt.distance(d, unit)} {side} that of {nb} "
            f"({sa} against {sb}).")


def group_sentences(ctx: Context) -> list[str]:
    vals = dict(group_values(ctx))
    out = []
    for i, what in ((0, "Attendance"), (1, "Persistent absence"),
                    (2, "The share reaching the KS2 expected standard")):
        for a, b, wa, wb in (("Disadvantaged", "Not disadvantaged", "disadvantaged pupils",
                              "other pupils"),
                             ("With SEND", "Without SEND", "pupils with SEND",
                              "pupils without SEND")):
            s = gap_sentence(what, (wa, vals[a][i]), (wb, vals[b][i]))
            if s:
                out.append(s)
    return out


def show_pupil_groups(ctx: Context) -> None:
    """Disadvantaged pupils and pupils with SEND beside the others, with their numbers."""
    table, hooks = _group_table(ctx)
    lines = group_sentences(ctx)
    if len(table.columns) <= 2 and not lines:
        paragraph(f"No pupil-group figures for {ctx.place} in {fmt.term_label(ctx.term)}.")
        return
    bullets(lines)
    show_table(table, caption=f"Pupil groups, {fmt.term_label(ctx.term)}", cell_hooks=hooks)
    vals = group_values(ctx)
    att = [(g, v[0]) for g, v in vals]
    if sum(v.status == "ok" for _, v in att) >= 2:
        show_chart(charts.compare_chart(
            [g for g, _ in att], [v.value if v.status == "ok" else None for _, v in att],
            "Attendance by pupil group", "percent", statuses=[v.status for _, v in att],
            highlight="All pupils"))
    if any(v.status == "suppressed" for _, vs in vals for v in vs):
        note(fmt.SUPPRESSED_FOOTNOTE)
