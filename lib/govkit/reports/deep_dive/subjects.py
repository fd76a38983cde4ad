"""Subjects: KS2 subjects (or KS4 headline measures) beside last year, the trust and national."""

from __future__ import annotations

import pandas as pd

from govkit.plan import fmt
from govkit.plan.measures import MEASURES
from govkit.reports import charts
from govkit.reports.blocks import bullets, figure_hooks, paragraph, show_chart, show_table
from govkit.reports.context import Context, current_row, series
from govkit.reports.deep_dive.common import NOT_STATUSES, _unit
from govkit.reports.deep_dive.pupil_groups import _cohort
from govkit.terms import parse_term

KS2_SUBJECTS = [("Reading", "ks2_read_expected"), ("Writing", "ks2_writ_expected"),
                ("Maths", "ks2_mat_expected"), ("Grammar, punctuation and spelling",
                                                "ks2_gps_expected"),
                ("Reading, writing and maths", "ks2_rwm_expected")]
KS2_SCORES = [("Reading", "ks2_read_scaled_score", "ks2_read_progress"),
              ("Maths", "ks2_mat_scaled_score", "ks2_mat_progress"),
              ("Writing", None, "ks2_writ_progress")]
KS4_HEADLINES = ["ks4_attainment8", "ks4_progress8", "ks4_eng_mat_grade4",
                 "ks4_eng_mat_grade5", "ks4_ebacc_entry"]


def subject_table(ctx: Context) -> pd.DataFrame:
    """KS2 subjects (or KS4 headline measures): this place, last year, the trust and
    national, each from the evaluated figures."""
    return _subject_table(ctx)[0]


def _subject_table(ctx: Context) -> tuple[pd.DataFrame, list[dict[str, dict[str, str]]]]:
    """The subject table and its figure cells' hooks (this place, a year before, trust)."""
    rows, hooks = [], []
    year_ago = parse_term(ctx.term).year_ago().id
    items = [(n, m) for n, m in KS2_SUBJECTS] + [(MEASURES[m].label, m) for m in KS4_HEADLINES]
    for label, mid in items:
        mv = ctx.ev.value(mid, ctx.term, ctx.urn, ctx.audience)
        if mv.status not in ("ok", "suppressed"):
            continue
        unit = _unit(mid)
        ago = ctx.ev.value(mid, year_ago, ctx.urn, ctx.audience) \
            if year_ago in ctx.trust.terms else None
        trust_mv = ctx.ev.value(mid, ctx.term, None, ctx.audience)
        bench = ctx.ev.national(mid, mv.period, ctx.urn)
        row = {"Subject or measure": label, "Year": fmt.term_label(mv.period),
               ctx.place: fmt.value(mv.value, unit, mv.status) + _cohort(mv)}
        row["A year before"] = (fmt.value(ago.value, unit, ago.status)
                                if ago is not None and ago.period != mv.period else fmt.MISSING)
        if ctx.urn:
            row["Trust"] = fmt.value(trust_mv.value, unit, trust_mv.status)
        row["National"] = fmt.value(bench.value if bench else None, unit)
        held = {ctx.place: figure_hooks(mid, ctx.term, ctx.urn, mv.value, unit, mv.status)}
        if ago is not None and ago.period != mv.period:
            held["A year before"] = figure_hooks(mid, year_ago, ctx.urn, ago.value, unit,
                                                 ago.status)
        if ctx.urn:
            held["Trust"] = figure_hooks(mid, ctx.term, None, trust_mv.value, unit,
                                         trust_mv.status)
        rows.append(row)
        hooks.append(held)
    return pd.DataFrame(rows), hooks


def score_lines(ctx: Context) -> list[str]:
    """KS2 scaled scores and progress by subject in words, with why progress is missing."""
    out: list[str] = []
    scores = [ctx.ev.value(s, ctx.term, ctx.urn, ctx.audience) for _, s, _ in KS2_SCORES if s]
    if not any(v.status == "ok" for v in scores):
        return out  # no KS2 results here: nothing to say subject by subject
    for subject, score, progress in KS2_SCORES:
        parts = []
        if score:
            mv = ctx.ev.value(score, ctx.term, ctx.urn, ctx.audience)
            if mv.status == "ok":
                parts.append(f"average scaled score {fmt.value(mv.value, 'score')} "
                             "(100 is the expected standard)")
        pv = ctx.ev.value(progress, ctx.term, ctx.urn, ctx.audience)
        if pv.status == "ok":
            parts.append(f"progress score {fmt.number(pv.value, 1)} (0 is average)")
        elif pv.status == "not_published":
            parts.append(f"no progress score (DfE published none for {pv.period or 'this year'})")
        if parts and (score is None or len(parts) > 1 or "scaled" in parts[0]):
            out.append(f"{subject}: " + "; ".join(parts) + ".")
    return out


def subject_chart(ctx: Context) -> bool:
    """KS2 expected standard by subject for the latest results: one bar per subject."""
    names, values, statuses, period = [], [], [], None
    for name, measure in KS2_SUBJECTS:
        r = current_row(ctx, series(ctx, measure))
        if r is None or r.get("status") in NOT_STATUSES:
            continue
        names.append(name)
        values.append(r.get("value"))
        statuses.append(r.get("status"))
        period = period or r.get("period")
    if not any(s == "ok" for s in statuses):
        return False
    label = f"KS2 expected standard by subject, {fmt.term_label(period)}"
    pairs = [(n, v) for n, v, s in zip(names, values, statuses, strict=True)
             if s == "ok" and v is not None]
    best = max(pairs, key=lambda p: float(p[1]))
    worst = min(pairs, key=lambda p: float(p[1]))
    title_text = (f"KS2 {fmt.term_label(period)}: {best[0].lower()} strongest at "
                  f"{fmt.percent(best[1])}, {worst[0].lower()} weakest at "
                  f"{fmt.percent(worst[1])}") if len(pairs) > 1 else None
    show_chart(charts.compare_chart(names, values, label, "percent", statuses=statuses,
                                    title=title_text))
    return True


def show_subjects(ctx: Context) -> None:
    """Results subject by subject, with last year, the trust and national beside them."""
    table, hooks = _subject_table(ctx)
    if table.empty:
        paragraph(f"No subject results for {ctx.place} up to {fmt.term_label(ctx.term)}.")
        return
    lines = score_lines(ctx)
    if lines:
        bullets(lines)
    show_table(table, caption="Results by subject", cell_hooks=hooks)
    subject_chart(ctx)
