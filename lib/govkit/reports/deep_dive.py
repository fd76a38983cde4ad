"""Deep dives (education, workforce, finance, governance): what the priority reports
don't show. A priority report gives each KPI's sentence and term-by-term chart; a deep
dive never repeats them. It adds three years side by side (the same term each year),
the school beside the trust's other schools, pupil groups, subjects, and the registers
behind the governance KPIs (meetings, checklist, risks).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from govkit.plan import fmt, narrative
from govkit.plan.measures import HIGH_RISK_SCORE, MEASURES, MeasureValue, applies, is_high_risk
from govkit.reports import charts, many_schools
from govkit.reports.blocks import (
    bullets,
    figure_hooks,
    note,
    paragraph,
    show_chart,
    show_table,
)
from govkit.reports.context import (
    Context,
    _school_name,
    _store_table,
    _this_place,
    current_row,
    series,
)
from govkit.terms import parse_term

COMPLIANCE_WORDS = {"met": "✔ Met", "partly_met": "▲ Partly met", "not_met": "✖ Not met",
                    "not_applicable": "– Not applicable"}

# Each deep dive's topics and the measures under them: its index rating is worked out from
# the plan's KPIs on these measures alone (govkit.reports.scope).
DEEP_DIVES: dict[str, list[tuple[str, list[str]]]] = {
    "education": [
        ("Attendance", ["attendance_rate", "persistent_absence", "severe_absence",
                        "unauthorised_absence", "attendance_disadvantaged_gap"]),
        ("Behaviour", ["suspension_rate", "permanent_exclusions"]),
        ("Early reading", ["phonics_pass"]),
        ("Key stage 2 results", ["ks2_rwm_expected", "ks2_rwm_higher", "ks2_read_scaled_score",
                                 "ks2_mat_scaled_score", "ks2_read_progress",
                                 "ks2_writ_progress", "ks2_mat_progress"]),
        ("Key stage 2 gaps: disadvantaged pupils and SEND",
         ["ks2_rwm_expected_disadvantaged", "ks2_rwm_expected_not_disadvantaged",
          "ks2_rwm_disadvantaged_gap", "ks2_rwm_expected_send"]),
        ("Key stage 4 results", ["ks4_attainment8", "ks4_progress8", "ks4_eng_mat_grade4",
                                 "ks4_eng_mat_grade5", "ks4_ebacc_entry",
                                 "ks4_progress8_disadvantaged"]),
    ],
    "workforce": [
        ("Staff wellbeing and absence", ["staff_absence_days_per_fte",
                                         "staff_survey_agreement"]),
        ("Recruitment and retention", ["staff_turnover", "vacancies"]),
        ("Development", ["cpd_hours_per_fte", "cpd_spend_per_fte", "appraisals_completed"]),
    ],
    "finance": [
        ("Balance and reserves", ["in_year_balance", "reserves_pct_income"]),
        ("Where the money goes", ["staff_costs_pct_expenditure", "top_slice_pct_income",
                                  "spend_per_pupil"]),
        ("Sustainability", ["energy_per_pupil"]),
    ],
    "governance": [
        ("Meetings", ["governance_attendance"]),
        ("Compliance and risk", ["compliance_met", "overdue_actions", "high_risks"]),
    ],
}

# The measures set side by side school by school (a table of all, bars for the first two).
SCHOOL_BY_SCHOOL = {
    "education": ["attendance_rate", "persistent_absence", "suspension_rate",
                  "ks2_rwm_expected", "ks4_progress8", "ks4_attainment8"],
    "workforce": ["staff_absence_days_per_fte", "staff_turnover", "cpd_hours_per_fte",
                  "vacancies"],
    "finance": ["reserves_pct_income", "in_year_balance", "staff_costs_pct_expenditure",
                "spend_per_pupil"],
    "governance": ["governance_attendance", "compliance_met", "overdue_actions",
                   "high_risks"],
}
BARS = 2  # bar charts per deep dive in "school by school"; the table has every measure

NOT_STATUSES = ("not_applicable", "no_data")


def dive_measures(name: str) -> list[str]:
    """A deep dive's measures in the order of its topics."""
    return list(dict.fromkeys(m for _, ms in DEEP_DIVES[name] for m in ms))


def _unit(measure: str) -> str:
    return MEASURES[measure].unit


def _better(measure: str, delta: float) -> str:
    """'better', 'worse' or 'no change' for a change between two figures as shown; 'higher'
    or 'lower' for a measure with no better direction (spend per pupil)."""
    if fmt.change(delta, _unit(measure)) == "no change":
        return "no change"
    if not MEASURES[measure].judged:
        return "higher" if delta > 0 else "lower"
    return "better" if (delta > 0) == (MEASURES[measure].direction != "lower") else "worse"


def as_shown(value: float, unit: str) -> float:
    """The figure a reader sees (3.44 days is 3.4), so that a change worked out from two
    shown figures agrees with them: 3.3 to 3.4 is +0.1, never 'no change'."""
    if unit == "GBP":
        return float(value)
    return float(fmt.displayed(value, unit))


def _lower_first(label: str) -> str:
    """'Attendance' -> 'attendance' in a sentence; 'KS2 ...' keeps its capitals."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


# --- three years ------------------------------------------------------------------------

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
        cell = narrative.change_cell({"change": r["change"], "change_basis":
                                      r["change_basis"], "unit": unit})
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
    """Which measures are better and which worse than the same term two years before."""
    terms = three_years(ctx)
    rows = [r for r in three_year_rows(ctx, name) if r["change"] is not None]
    if len(terms) < 2 or not rows:
        return (f"{ctx.place} has no figures to set side by side over the years up to "
                f"{fmt.term_label(ctx.term)}.")
    better = [_lower_first(r["label"]) for r in rows
              if _better(r["measure"], r["change"]) == "better"]
    worse = [_lower_first(r["label"]) for r in rows
             if _better(r["measure"], r["change"]) == "worse"]
    since = (f"On each measure's last comparison (last year for results, the same term "
             f"last year for attendance, last term otherwise), {ctx.place} is ")
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
    note("Results (KS2, KS4, phonics) are the latest published by each term; surveys the "
         "latest in the twelve months to it. The change is from the first year to this one.")


# --- school by school -------------------------------------------------------------------

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
    ok = [(s, vals[s.urn].value) for s in peers if vals[s.urn].status == "ok"]
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
    if mine is None or mine.status != "ok":
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
        figures = [(sh, float(v)) for sh, v in zip(shown, values, strict=True) if sh]
        ranks = {}
        for i in keep:
            ranks[schools[i].urn] = fmt.value(None, unit, statuses[i]) if shown[i] is None \
                else f"{_ordinal(_place(float(values[i]), shown[i], figures, high))} of {rated}"
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
        names, values, statuses = ([x[i] for i in keep] for x in (names, values, statuses))
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


# --- pupil groups -----------------------------------------------------------------------

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
    if va.status != "ok" or vb.status != "ok":
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


# --- subjects ---------------------------------------------------------------------------

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
    pairs = [(n, v) for n, v, s in zip(names, values, statuses, strict=True) if s == "ok"]
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


# --- the registers behind the KPIs -------------------------------------------------------

def staff_table(ctx: Context) -> pd.DataFrame:
    """Staff in post this term as counted: headcount, FTE, leavers, vacancies, appraisals."""
    df = _this_place(ctx, _store_table(ctx, "workforce"))
    if df.empty:
        return pd.DataFrame()
    df = df.sort_values("urn")
    return pd.DataFrame({
        "School": [_school_name(ctx, u) for u in df["urn"]],
        "Staff (headcount)": [fmt.number(v) for v in df["headcount"]],
        "Full-time equivalent": [fmt.number(v, 1) for v in df["fte"]],
        "Teachers (FTE)": [fmt.number(v, 1) for v in df["teachers_fte"]],
        "Leavers this term": [fmt.number(v) for v in df["leavers"]],
        "Vacant posts": [fmt.number(v) for v in df["vacancies"]],
        "Appraisals done": [fmt.of(a, b, "") for a, b in
                            zip(df["appraisals_completed"], df["appraisals_due"], strict=True)],
    })


def budget_table(ctx: Context) -> pd.DataFrame:
    """The year's forecast in pounds, as the finance return gives it."""
    df = _this_place(ctx, _store_table(ctx, "finance"))
    if df.empty:
        return pd.DataFrame()
    df = df.sort_values("urn")
    out = pd.DataFrame({"School": [_school_name(ctx, u) for u in df["urn"]]})
    cols = {"income": "Income", "expenditure": "Expenditure", "staff_costs": "Staff costs",
            "top_slice": "Central top slice", "revenue_reserve": "Revenue reserve"}
    for c, label in cols.items():
        out[label] = [fmt.money(v) for v in df[c]]
    out.insert(3, "In-year balance", [fmt.money(a - b) for a, b in
                                      zip(df["income"], df["expenditure"], strict=True)])
    return out


BODY_WORDS = {"board": "Trust board", "lgb": "Local governing body", "committee": "Committee"}


def meetings_table(ctx: Context) -> pd.DataFrame:
    """This term's meetings: body, date, who came, quorate."""
    df = _this_place(ctx, _store_table(ctx, "governance"))
    if df.empty:
        return pd.DataFrame()
    df = df.sort_values(["meeting_date", "body"])
    return pd.DataFrame({
        "Date": [pd.Timestamp(d).strftime("%d %b %Y") for d in df["meeting_date"]],
        "Where": [_school_name(ctx, u) for u in df["urn"]],
        "Body": [BODY_WORDS.get(str(b), str(b)) for b in df["body"]],
        "Present": [fmt.of(p, m, "") for p, m in zip(df["present"], df["members"], strict=True)],
        "Quorate": ["yes" if q else "no" for q in df["quorate"]],
    })


def show_register(ctx: Context, table: pd.DataFrame, caption: str, nothing: str) -> None:
    if table.empty:
        paragraph(nothing)
    else:
        show_table(table, caption=caption)


def show_compliance(ctx: Context) -> None:
    """The checklist items not fully met this term, then a count by area."""
    df = _this_place(ctx, _store_table(ctx, "compliance"))
    if df.empty:
        paragraph("No compliance checklist was returned for this term.")
        return
    open_items = df[df["status"].isin(["not_met", "partly_met"])]
    met = int((df["status"] == "met").sum())
    applicable = int((df["status"] != "not_applicable").sum())
    paragraph(f"{fmt.of(met, applicable, 'applicable items')} are met this term; "
              f"{len(open_items)} {'is' if len(open_items) == 1 else 'are'} not fully met.")
    if not open_items.empty:
        show_table(pd.DataFrame({
            "School": [_school_name(ctx, u) for u in open_items["urn"]],
            "Area": open_items["area"], "Item": open_items["item"],
            "Status": open_items["status"].map(COMPLIANCE_WORDS),
            "Due": [fmt.MISSING if fmt.is_missing(d) else pd.Timestamp(d).strftime("%d %b %Y")
                    for d in open_items["due_date"]],
        }), caption="Items not fully met")


def high_risk_rows(ctx: Context) -> pd.DataFrame:
    """This place's open risks rated high (``measures.is_high_risk``, the rule the
    'Open risks rated high' KPI counts), worst first, with their score."""
    df = _this_place(ctx, _store_table(ctx, "risks"))
    if df.empty:
        return df.assign(score=pd.Series(dtype="Int64"))
    score = df["likelihood"].astype("Int64") * df["impact"].astype("Int64")
    return df.assign(score=score)[is_high_risk(df)].sort_values("score", ascending=False)


def show_risks(ctx: Context) -> None:
    """Open risks rated high, worst first: the same rows the KPI counts."""
    df = _this_place(ctx, _store_table(ctx, "risks"))
    df = df[df["status"] == "open"]
    if df.empty:
        paragraph("No open risks are on the register for this term.")
        return
    high = high_risk_rows(ctx)
    paragraph(f"{len(df)} open {'risk' if len(df) == 1 else 'risks'} on the register; "
              f"{len(high)} rated high (likelihood x impact {HIGH_RISK_SCORE} or more, "
              "out of 25).")
    if not high.empty:
        show_table(pd.DataFrame({
            "School": [_school_name(ctx, u) for u in high["urn"]],
            "Area": high["area"], "Risk": high["title"],
            "Likelihood": high["likelihood"], "Impact": high["impact"], "Score": high["score"],
        }), caption=f"Open risks rated high (scoring {HIGH_RISK_SCORE} or more)")


# --- the whole deep dive ----------------------------------------------------------------

INTRO = ("This deep dive adds to the priority report rather than repeating it: {what}. "
         "Each KPI's rating, target and term-by-term trend are in the priority report.")
ADDS = {
    "education": "the same term over three years, {place} beside the trust's other schools, "
                 "pupil groups (disadvantaged pupils and pupils with SEND) and subjects",
    "workforce": "the same term over three years, {place} beside the trust's other schools, "
                 "and staff in post as counted this term",
    "finance": "the same term over three years, {place} beside the trust's other schools, "
               "and the year's budget in pounds",
    "governance": "the same term over three years, {place} beside the trust's other schools, "
                  "this term's meetings, the compliance checklist and the risk register",
}


def intro(ctx: Context, name: str) -> None:
    place = ctx.place if ctx.urn else "each school"
    paragraph(INTRO.format(what=ADDS[name].format(place=place)))

