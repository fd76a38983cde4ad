"""The public report card for parents: plain words, strict small-number suppression.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pandas as pd

from govkit.plan import fmt, narrative
from govkit.plan.config import comparison_phase
from govkit.plan.rating import inside
from govkit.plan.result import as_results
from govkit.reports.blocks import (
    _display,
    _is_total,
    bullets,
    esc,
    figure_hooks,
    heading,
    kpi_hooks,
    note,
    paragraph,
    show_chart,
    show_table,
)
from govkit.reports.context import AUDIENCE_WORDS, CONFIDENTIAL_MEASURES, Context, kpis
from govkit.reports.measure_section import measure_chart, measure_result, show_history_note

# A card shows no targets, so no ratings: its hooks say so, and say a row shows the figure
# (not a rating or a change) and the trend chart's title the change.
CARD_ROW_HOOKS = {"rating": "none", "shows": "value"}
CARD_CHART_HOOKS = {"rating": "none", "shows": "change"}


def public(ctx: Context) -> Context:
    """The same report opened for the public: a card is published, so it always takes the
    public threshold and rules, whatever audience the notebook was given."""
    return ctx if ctx.audience == "public" else dataclasses.replace(ctx, audience="public")


def card_kpis(ctx: Context) -> pd.DataFrame:
    """Every KPI a public card may speak of: the plan's public ones, never a confidential
    measure, nor a leader's narrative."""
    frame = kpis(public(ctx))
    keep = (frame["status"] != "narrative") & ~frame["measure"].isin(CONFIDENTIAL_MEASURES)
    return frame[keep].drop_duplicates("measure").reset_index(drop=True)


# Statuses a card shows as a row: a figure, or the symbol for one withheld for privacy.
SHOWN = ("ok", "suppressed")


def public_kpis(ctx: Context) -> pd.DataFrame:
    """The card's rows: measures with a figure for this school (or one withheld for
    privacy). Measures for another phase, or with no published figure here, are left out
    and named once (``left_out_line``), never shown as rows of dashes."""
    frame = card_kpis(ctx)
    return frame[frame["status"].isin(SHOWN)].reset_index(drop=True)


# Short names for lists of measures, so a line naming what is left out or withheld stays
# a line: every KS2 measure is "KS2 results" there (the tables keep the full labels).
SHORT_NAMES = {"ks2_": "KS2 results", "ks4_": "KS4 results",
               "phonics_": "the Year 1 phonics check",
               "attendance_disadvantaged_gap": "the attendance gap for disadvantaged pupils",
               "persistent_absence": "persistent absence", "severe_absence": "severe absence"}


def _short(mid: str) -> str | None:
    return next((v for k, v in SHORT_NAMES.items() if mid.startswith(k)), None)


def short_names(rows: pd.DataFrame, shown: pd.DataFrame | None = None) -> str:
    """'KS2 results, the Year 1 phonics check and severe absence': each topic once. A
    topic that ``shown`` rows also belong to is named by its own labels instead: a card
    showing Attainment 8 never says "KS4 results" have no figure."""
    taken = set() if shown is None else {
        _short(str(m)) for m in shown["measure"]} - {None}
    names = []
    for r in rows.to_dict("records"):
        mid = str(r.get("measure") or "")
        hit = _short(mid)
        names.append(hit if hit and hit not in taken
                     else _lower_first(str(r.get("label") or mid)))
    return narrative.join_list(list(dict.fromkeys(names)), most=99)


def left_out_line(ctx: Context) -> str | None:
    """One line naming the measures left off the card, and why: not for a school of this
    phase, or no figure published for it this year."""
    frame = card_kpis(ctx)
    gone = frame[~frame["status"].isin(SHOWN)]
    if gone.empty:
        return None

    shown = frame[frame["status"].isin(SHOWN)]

    def names(rows: pd.DataFrame) -> str:
        return short_names(rows, shown)
    phase = gone[gone["status"] == "not_applicable"]
    none = gone[gone["status"] != "not_applicable"]
    parts = []
    if not phase.empty:
        what = f"a {ctx.phase} school" if ctx.phase else "the trust's schools"
        parts.append(f"{names(phase)} (not for {what})")
    if not none.empty:
        # a topic already named as not for this phase is not named again
        said = {_short(str(m)) for m in phase["measure"]} - {None}
        none = none[[_short(str(m)) not in said for m in none["measure"]]]
    if not none.empty:
        parts.append(f"{names(none)} (no figure published for {ctx.place} this year)")
    return "Not on this card: " + "; ".join(parts) + "."


# The report card's plain headings, by the domain a measure is counted from.
CARD_GROUPS = {"attendance": "Attendance and behaviour", "behaviour": "Attendance and behaviour",
               "attainment": "Results", "surveys": "What pupils and parents say"}


CARD_OTHER = "Our school and its community"


def card_groups(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The card's measures under plain headings, in the order parents ask about them."""
    from govkit.plan.measures import MEASURES

    def group(measure: Any) -> str:
        m = MEASURES.get(str(measure))
        return CARD_GROUPS.get(m.domain, CARD_OTHER) if m else CARD_OTHER

    labels = frame["measure"].map(group)
    order = [*dict.fromkeys(CARD_GROUPS.values()), CARD_OTHER]
    return [(g, frame[labels == g].reset_index(drop=True)) for g in order
            if (labels == g).any()]


# How big a gap must be, in the measure's own unit, before a parent is told "a little",
# plain, or "well" above or below: (tiny, small, large). Under tiny is "about the same";
# under small "a little"; from large "well". The words follow the gap as shown, so a
# visible gap of 5 points is never "about the same" (rating.PUBLIC_RULE). Percentages are
# in points: half a point of attendance is noise, five points is about two weeks of
# school a year.
GAP_SIZES: dict[str, tuple[float, float, float]] = {
    "percent": (0.5, 2.0, 5.0), "points": (0.5, 2.0, 5.0), "score": (0.5, 1.0, 2.0),
    "per100": (0.2, 0.5, 1.5), "count": (0.5, 1.5, 3.0),
}
DEFAULT_GAP = (0.5, 2.0, 5.0)


def _as_shown(value: Any, other: Any, unit: str | None) -> tuple[float, float] | None:
    """Both figures as a reader sees them; None if either is missing."""
    shown, other_shown = fmt.displayed(value, unit), fmt.displayed(other, unit)
    return None if shown is None or other_shown is None else (shown, other_shown)


def gap_size(value: Any, other: Any, unit: str | None) -> str | None:
    """'same', 'little', 'plain' or 'well': how far ``value`` is from ``other``, judged
    on the figures as shown."""
    shown = _as_shown(value, other, unit)
    return None if shown is None else _size(abs(shown[0] - shown[1]), unit)


def _size(gap: float, unit: str | None) -> str:
    """A gap between two figures as shown, in words (GAP_SIZES)."""
    tiny, small, large = GAP_SIZES.get(str(unit), DEFAULT_GAP)
    if gap < tiny - 1e-9:
        return "same"
    return "well" if gap >= large - 1e-9 else "little" if gap < small - 1e-9 else "plain"


def could_be_chance(other: Any, lower: Any, upper: Any) -> bool:
    """Whether ``other`` lies inside the figure's 95% interval: the gap could be chance."""
    if fmt.is_missing(other) or fmt.is_missing(lower) or fmt.is_missing(upper):
        return False
    return inside(float(other), (float(lower), float(upper)))


SMALL_GROUP = 100  # fewer pupils than this is "a small group" in a card's words


def small_group(cohort: Any, noun: str = "pupils", gap: bool = False) -> str:
    """'in a small group of 24 pupils' (a gap's: 'with 9 pupils in the smaller group');
    a large group whose gap is still inside its interval: 'a gap that could be chance'."""
    if fmt.is_missing(cohort):
        return "in a small group"
    n = round(float(cohort))
    if n >= SMALL_GROUP:
        return "a gap that could be chance"
    noun = noun[:-1] if n == 1 and noun.endswith("s") else noun
    if gap:
        return f"with {fmt.number(n)} {noun} in the smaller group"
    return f"in a small group of {fmt.number(n)} {noun}"


def compare_words(value: Any, other: Any, unit: str | None, higher_is_better: bool,
                  what: str, lower: Any = None, upper: Any = None, cohort: Any = None,
                  noun: str = "pupils", gap: bool = False) -> str | None:
    """'about the same as national', 'a little below national (worse)', 'well above the
    trust (better)': the words grow with the gap as shown, so 0.1 and 2.7 points never
    read alike, in every row the same way. Where ``other`` lies inside the figure's 95%
    interval the gap could be chance: no better or worse, but 'well below national, in a
    small group of 24 pupils'."""
    shown = _as_shown(value, other, unit)
    if shown is None:
        return None
    size = _size(abs(shown[0] - shown[1]), unit)
    if size == "same":
        return f"about the same as {what}"
    above = shown[0] > shown[1]
    side = "above" if above else "below"
    lead = {"little": "a little ", "plain": "", "well": "well "}[size]
    if could_be_chance(other, lower, upper):
        return f"{lead}{side} {what}, {small_group(cohort, noun, gap)}"
    verdict = "better" if above == higher_is_better else "worse"
    return f"{lead}{side} {what} ({verdict})"


def national_for_phase(ctx: Context, row: dict[str, Any]) -> bool:
    """Whether the national figure beside this school's is for schools like it: DfE's
    figure for its phase, or for all schools on a measure only its phase has. A special
    school's attendance beside all schools' is not, and the card says so."""
    from govkit.plan.measures import MEASURES, applies

    if not ctx.urn or fmt.is_missing(row.get("national_value")):
        return True
    bench = ctx.ev.national(row["measure"], row.get("period"), ctx.urn)
    phase = comparison_phase(ctx.phase) if ctx.phase else None
    if bench is None or bench.phase == phase:
        return True
    m = MEASURES[row["measure"]]
    return bench.phase == "all" and [p for p in ("primary", "secondary")
                                     if applies(m, p)] == [phase]


def comparison(ctx: Context, row: dict[str, Any]) -> str | None:
    """The card's comparison for one row: with national (saying when the national figure
    covers all schools, not this school's phase), else with the trust."""
    unit, up = row.get("unit"), str(row.get("direction")) != "lower"
    if row.get("status") != "ok":
        return None
    if not fmt.is_missing(row.get("national_value")):
        other = row.get("national_value")
        what = "national" if national_for_phase(ctx, row) else "all schools nationally"
    elif ctx.urn and not _is_total(row.get("measure")):
        other, what = row.get("trust_value"), "the trust"
    else:
        return None
    return compare_words(row.get("value"), other, unit, up, what, lower=row.get("ci_lower"),
                         upper=row.get("ci_upper"), cohort=row.get("cohort"),
                         noun=str(row.get("cohort_noun") or "pupils"),
                         gap=_is_gap(row.get("measure")))


def _is_gap(measure: Any) -> bool:
    from govkit.plan.measures import MEASURES

    m = MEASURES.get(str(measure)) if not fmt.is_missing(measure) else None
    return getattr(m, "kind", None) == "gap"


def card_table(ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    """Our school, the trust and national side by side, with a plain-words comparison."""
    rows = []
    for r in frame.to_dict("records"):
        unit, status = r.get("unit"), r.get("status")
        cmp = comparison(ctx, r)
        rows.append({
            "What we measure": r.get("label"),
            ctx.place: fmt.value(r.get("value"), unit, status),
            "Trust": fmt.value(r.get("trust_value"), unit)
            if ctx.urn and not _is_total(r.get("measure")) else fmt.MISSING,
            "National": fmt.national(r.get("national_value"), unit,
                                     national_for_phase(ctx, r)),
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


def card_cell_hooks(ctx: Context, frame: pd.DataFrame) -> list[dict[str, dict[str, str]]]:
    """Each card row's figures for machines: this place's and the trust's, from the KPI
    frame (the test checks them against it and the words against them)."""
    out = []
    for r in frame.to_dict("records"):
        unit = r.get("unit")
        held = {ctx.place: figure_hooks(r["measure"], ctx.term, ctx.urn, r.get("value"), unit,
                                        r.get("status"))}
        if ctx.urn and not _is_total(r.get("measure")):
            held["Trust"] = figure_hooks(r["measure"], ctx.term, None, r.get("trust_value"),
                                         unit, peers_of=ctx.urn)
        out.append(held)
    return out


def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _listed(items: list[tuple[int, str, str]], most: int) -> str:
    """The ``most`` biggest gaps with their figures, then the others by name: a line that
    names three of seven measures behind must not read as if those were all (a parent
    would take attendance, left off, to be fine)."""
    items = sorted(items)
    shown = "; ".join(t for _, t, _ in items[:most])
    others = [n for _, _, n in items[most:]]
    if others:
        shown += f"; also {narrative.join_list(others, most=99)} (figures in the tables above)"
    return shown


def stand_out(ctx: Context, frame: pd.DataFrame, most: int = 3) -> list[str]:
    """What stands out, in a few lines: where the school is clearly ahead, where it is
    clearly behind (the biggest gaps first), how many are about the same, and what is
    withheld for privacy. Not a sentence per row: the tables hold every figure."""
    order = {"well": 0, "plain": 1, "little": 2, "same": 3}
    ahead: list[tuple[int, str, str]] = []
    behind: list[tuple[int, str, str]] = []
    unsure: list[tuple[int, str, str]] = []
    same = 0
    for r in frame.to_dict("records"):
        cmp = comparison(ctx, r)
        if not cmp:
            continue
        unit = r.get("unit")
        nat = not fmt.is_missing(r.get("national_value"))
        other = r.get("national_value") if nat else r.get("trust_value")
        size = gap_size(r.get("value"), other, unit)
        if size is None:  # never, with a comparison: it compares these two figures
            continue
        if size in ("same", "little"):
            same += 1
            continue
        where = ("national" if national_for_phase(ctx, r) else "all schools nationally") \
            if nat else "the trust"
        name = _lower_first(str(r.get("label")))
        text = (f"{name} ({fmt.value(r.get('value'), unit)} against {fmt.value(other, unit)} "
                f"for {where}")
        if could_be_chance(other, r.get("ci_lower"), r.get("ci_upper")):
            unsure.append((order[size], f"{text}, {cmp.split(', ', 1)[1]})", name))
        else:
            (ahead if cmp.endswith("(better)") else behind).append(
                (order[size], f"{text})", name))
    out = []
    if ahead:
        out.append(f"Where {ctx.place} does well: {_listed(ahead, most)}.")
    if behind:
        out.append(f"Where {ctx.place} is behind: {_listed(behind, most)}.")
    rest = []  # one line for the rest, so "In words" stays a few lines
    if unsure:
        rest.append("Different, but by a gap that could be chance with this many pupils: "
                    f"{_listed(unsure, most)}.")
    if same:
        rest.append(f"{fmt.count_words(same).capitalize()} other "
                    f"{'measure is' if same == 1 else 'measures are'} about the same as "
                    "national or the trust, or only a little different.")
    if rest:
        out.append(" ".join(rest))
    hidden = frame[frame["status"] == "suppressed"]
    if not hidden.empty:  # named by label where the card shows others of the topic
        out.append(f"Not shown ({fmt.SUPPRESSED}), because too few pupils are in the group "
                   f"to publish without identifying them: "
                   f"{short_names(hidden, frame[frame['status'] == 'ok'])}.")
    return out


# A short glossary: (term, meaning, words on the card that call for it; None: always).
GLOSSARY: list[tuple[str, str, tuple[str, ...] | None]] = [
    ("KS2", "Key stage 2: Years 3 to 6 of primary school. Pupils sit national tests in "
     "reading, maths, and grammar, punctuation and spelling in Year 6.", ("KS2",)),
    ("KS4", "Key stage 4: Years 10 and 11 of secondary school, ending in GCSEs.", ("KS4",)),
    ("Expected standard", "The level the government expects most pupils to reach by the "
     "end of the key stage.", ("expected standard",)),
    ("Scaled score", "How KS2 test results are given: from 80 to 120, where 100 or more "
     "means the pupil reached the expected standard.", ("scaled score",)),
    ("Attainment 8 and Progress 8", "Attainment 8 is a pupil's average grade across eight "
     "GCSEs; Progress 8 compares it with pupils nationally who started secondary school at "
     "the same level (0 is average).", ("Attainment 8", "Progress 8")),
    ("Disadvantaged pupils", "Pupils who have had free school meals in the last six years "
     "or are looked after by the local authority: the pupils the pupil premium is for.",
     ("disadvantaged",)),
    ("SEND", "Special educational needs and disabilities: pupils who need extra help to "
     "learn, with or without an education, health and care plan.", ("SEND",)),
    ("Persistent absence", "Missing 10% or more of school sessions: about a day every two "
     "weeks.", ("Persistent absence",)),
    ("Phonics check", "A short check in Year 1 of how well children can sound out words.",
     ("phonics",)),
    ("Share of places", "How full the school is: pupils on roll as a share of the places it "
     "was built for.", ("share of places",)),
    ("About the same, a little, well above or below", "How big the difference is, as the "
     "figures show it. 'In a small group of pupils' means the difference could be chance: "
     "with few pupils, one or two more or fewer move the figure a lot.", None),
    (fmt.SUPPRESSED, "Not shown, to protect the privacy of a small group of pupils.", None),
    (fmt.NOT_AVAILABLE, "Not published: for example, the government published no KS2 "
     "progress scores for 2024 and 2025.", None),
    (fmt.MISSING, "No figure: not available yet, or nothing to compare with.", None),
]


def glossary_terms(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """The glossary entries this card needs: those whose words appear in its measures."""
    words = " ".join(str(x) for x in frame["label"].dropna()).lower()
    return [(t, meaning) for t, meaning, calls in GLOSSARY
            if calls is None or any(c.lower() in words for c in calls)]


def glossary(ctx: Context) -> None:
    """What the words and symbols on the card mean, for parents who don't use them daily."""
    from IPython.display import HTML

    frame = public_kpis(ctx)
    if frame.empty:
        return
    heading("What the words mean", 2)
    items = "".join(f"<dt>{esc(t)}</dt><dd>{esc(m)}</dd>" for t, m in glossary_terms(frame))
    _display(HTML(f'<dl class="gk-glossary">{items}</dl>'))


def welcome(ctx: Context) -> None:
    """The card's heading (the school, the term, for whom) and what it shows."""
    from IPython.display import HTML

    ctx = public(ctx)
    who = ctx.place
    _display(HTML(f"<h1>{esc(who)}: report card</h1>"
                  f'<p class="gk-subtitle">{esc(fmt.term_label(ctx.term))} · '
                  f"{esc(AUDIENCE_WORDS['public'])}</p>"))
    compare = "the trust as a whole and " if ctx.urn else ""
    paragraph(f"This card shows how {who} is doing on the measures in "
              f"{ctx.trust.name}'s plan, next to {compare}schools across England. "
              "Figures for small groups of pupils are not shown, to protect their privacy.")
    if public_kpis(ctx).empty:
        paragraph("There are no published figures for this term yet.")


def at_a_glance(ctx: Context) -> None:
    """A table per plain heading: the school, the trust and national side by side."""
    ctx = public(ctx)
    frame = public_kpis(ctx)
    if frame.empty:
        return
    heading("At a glance", 2)
    tables = []
    for title, part in card_groups(frame):
        heading(title, 3)
        tables.append(card_table(ctx, part))
        show_table(tables[-1], cell_hooks=card_cell_hooks(ctx, part),
                   row_hooks=[kpi_hooks(r, **CARD_ROW_HOOKS) for r in as_results(part)])
    if ctx.urn:
        note(trust_column_note(ctx, ctx.urn))
    if shows_points(tables):  # said under the tables a parent reads "3.0 pts" in
        note(fmt.POINTS_FOOTNOTE)
    line = left_out_line(ctx)
    if line:
        note(line)


def in_words(ctx: Context) -> None:
    """What stands out, in a few plain lines (the tables above hold every figure)."""
    frame = public_kpis(ctx)
    if frame.empty:
        return
    heading("In words", 2)
    groups = card_groups(frame)
    bullets(stand_out(ctx, pd.concat([part for _, part in groups], ignore_index=True)))


def over_time(ctx: Context, measure: str = "attendance_rate",
              title: str = "Attendance over time") -> None:
    """A published measure's trend (attendance by default), if the card shows it."""
    ctx = public(ctx)
    frame = public_kpis(ctx)
    if frame.empty or measure not in set(frame["measure"]):
        return
    heading(title, 2)
    # a card has no targets: the chart draws the school, the trust and national only
    shown = frame.assign(target=None)
    chart = measure_chart(ctx, measure, shown)
    if chart is not None:
        show_chart(chart, hooks=kpi_hooks(measure_result(ctx, measure, shown),
                                          title=chart.title, **CARD_CHART_HOOKS))
        show_history_note(ctx, measure)


def footnotes(ctx: Context) -> None:
    """What the suppression symbol means (if used) and where national figures come from."""
    frame = public_kpis(ctx)
    if frame.empty:
        return
    if (frame["status"] == "suppressed").any():
        note(fmt.SUPPRESSED_FOOTNOTE)
    sources = sorted({str(s) for s in frame["national_source"].dropna() if str(s).strip()})
    if sources:
        note("National figures: " + "; ".join(sources) + ".")


def report_card(ctx: Context) -> None:
    """The whole public card: each section in turn (the notebook calls them one a cell)."""
    for section in (welcome, at_a_glance, in_words, over_time, glossary, footnotes):
        section(ctx)
