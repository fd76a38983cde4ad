"""A sentence or two of plain English per KPI and per priority, written from the figures.

Governors read words before tables, so each KPI gets its value, how it stands against
its target, which way it moved, and how it compares with national, in that order.
A KPI's words are written from its one evaluated result (``KpiResult``, read field by
field); the rest from plain values. Each returns plain text; the report helpers escape it
for HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from govkit.plan import fmt
from govkit.plan.measures import judged
from govkit.plan.rating import inside
from govkit.plan.result import KpiResult
from govkit.terms import is_academic_year

# what each rating means in a summary, by the one rule (rating.RULE)
RAG_WORDS = {"green": "on target", "amber": "close to target or not clearly off it",
             "red": "clearly off target"}
TOO_FEW = "too few pupils to rate"
# what a chart title says of a rating (a lower-is-better red is not "below" its target)
RATING_TITLES = {"green": "on target", "amber": "close to target", "red": "off target",
                 "too_few": TOO_FEW}
# a change's basis as a table cell and a machine-readable key (data-basis)
BASIS_SHORT = {"last term": "last term", "the same term last year": "same term last year",
               "last year": "last year", "the last survey": "last survey"}


def basis_key(basis: Any) -> str | None:
    """'the same term last year' -> 'same-term-last-year', for the pages' data-basis."""
    if fmt.is_missing(basis) or not basis:
        return None
    return BASIS_SHORT.get(str(basis), str(basis)).replace(" ", "-")


def rating_of(row: KpiResult) -> str | None:
    """The one rating of an evaluated result: green, amber, red, too_few or None."""
    if (row.status or "ok") != "ok" or row.rating is None:
        return None
    r = str(row.rating).lower()
    return r if r in RATING_TITLES else None


def _label(row: KpiResult) -> str:
    return str(row.label or row.measure or "This measure")


def _higher_is_better(row: KpiResult) -> bool:
    return str(row.direction or "higher").lower() != "lower"


def _same_at_shown_precision(a: float, b: float, unit: str | None) -> bool:
    return fmt.value(a, unit) == fmt.value(b, unit)


def movement(delta: Any, unit: str | None, higher_is_better: bool, since: str,
             at: str | None = None, judged: bool = True) -> str:
    """'up 1.2 percentage points on last term, an improvement' (no capital, no full stop);
    'unchanged at 21.2% on the same term last year' with ``at``, the figure as shown.

    Written without a verb, so it reads right after a plural label ("Permanent exclusions")
    as well as a singular one ("Attendance"). ``judged`` False (spend per pupil): which
    way it moved, never whether that is an improvement.
    """
    if fmt.is_missing(delta):
        return ""
    d = float(delta)
    if fmt.change(d, unit) == "no change":
        return f"unchanged at {at} on {since}" if at else f"unchanged on {since}"
    moved = f"{'up' if d > 0 else 'down'} {fmt.distance(d, unit)} on {since}"
    if not judged:
        return moved
    better = (d > 0) == higher_is_better
    return moved + (", an improvement" if better else ", a decline")


def versus(value: Any, other: Any, unit: str | None, higher_is_better: bool,
           what: str, lower: Any = None, upper: Any = None) -> str:
    """'better than the national figure of 93.0%' / 'in line with ...' / 'worse than ...';
    'not clearly different from ...' when ``other`` lies inside the figure's 95% interval
    (``lower``, ``upper``): a gap that could be chance is not called better or worse."""
    if fmt.is_missing(value) or fmt.is_missing(other):
        return ""
    v, o = float(value), float(other)
    shown = fmt.value(o, unit)
    if _same_at_shown_precision(v, o, unit):
        return f"in line with {what} of {shown}"
    if _within(o, lower, upper):
        return f"not clearly different from {what} of {shown}"
    better = (v > o) == higher_is_better
    return f"{'better' if better else 'worse'} than {what} of {shown}"


def _within(point: float, lower: Any, upper: Any) -> bool:
    if fmt.is_missing(lower) or fmt.is_missing(upper):
        return False
    return inside(point, (float(lower), float(upper)))


def target_clause(row: KpiResult) -> str:
    """How the value stands against its target, in words that match its RAG rating."""
    target, value = row.target, row.value
    if target is None:  # unrated: nothing fair to rate a school of its phase against
        return f"not rated ({row.unrated})" if row.unrated and value is not None else ""
    unit = row.unit
    shown = fmt.value(target, unit)
    rag = str(row.rag or "").lower()
    if rating_of(row) == "too_few":
        return f"{TOO_FEW} against the target of {shown}"
    if rag == "green":
        return f"meeting the target of {shown}"
    # a miss too small to show ("0.0 percentage points") is said without the number
    gap = ("" if value is None or _same_at_shown_precision(float(value), float(target), unit)
           else f"{fmt.distance(float(value) - float(target), unit)} ")
    # a lower-is-better figure misses its target by being above it, not "short of" it
    side = "short of" if _higher_is_better(row) else "above"
    if rag == "amber" and row.chance:
        return f"{gap}{side} the target of {shown}; {chance_words(row)}"
    if rag == "amber":
        return f"just {gap}{side} the target of {shown}"
    if rag == "red":
        return f"{gap}{side} the target of {shown}"
    return f"against a target of {shown}"


def chance_words(row: KpiResult) -> str:
    """'with 24 pupils this could be chance': why a shortfall is amber, not red."""
    if row.cohort is None:
        return "this could be chance"
    n = round(float(row.cohort))
    noun = str(row.cohort_noun or "pupils")
    if n == 1 and noun.endswith("s"):
        noun = noun[:-1]
    if (row.cohort_text or "").startswith("smaller"):  # a gap: its smaller group's pupils
        return f"with {fmt.number(n)} {noun} in the smaller group this could be chance"
    return f"with {fmt.number(n)} {noun} this could be chance"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _period(row: KpiResult) -> str:
    return fmt.term_label(row.period) if row.period else "this term"


def status_sentence(row: KpiResult) -> str | None:
    """The sentence for a KPI without a figure to discuss, or None if it has one."""
    label, period = _label(row), _period(row)
    status = row.status or "ok"
    if status == "narrative":
        # no comment yet: nothing (the run lists it for the analyst, never the board)
        return f"Leaders report: {row.comment.strip()}" if row.comment else ""
    if status == "suppressed":
        return (f"{label}: not shown ({fmt.SUPPRESSED}) for {period} because it covers "
                "too few pupils to publish.")
    if status == "not_applicable":
        return f"{label}: does not apply here."
    if status == "not_published":
        return f"{label}: not published for {period}."
    if status == "no_data" or row.value is None:
        return f"{label}: no figure yet for {period}."
    return None


def _moved(row: KpiResult) -> str:
    """Its one change, on its one basis: 'up 0.3 percentage points on last term, ...'."""
    if not row.change_basis:
        return ""
    unit = row.unit
    at = fmt.value(row.value, unit) if row.value is not None else None
    return movement(row.change, unit, _higher_is_better(row), row.change_basis, at,
                    judged(row.measure))


def _shown(row: KpiResult) -> str:
    shown = fmt.value(row.value, row.unit)
    if row.cohort_text:  # every figure on pupils says how many
        return f"{shown} ({row.cohort_text})"
    if row.small_number and row.denominator is not None:
        shown += f" ({fmt.of(row.numerator, row.denominator)})"
    return shown


def kpi_sentence(row: KpiResult) -> str:
    """One or two sentences about one KPI's evaluated result (``Evaluator.results``).

    'Label: figure in period, against target.' then the move and the national figure.
    The label leads with a colon, so plural labels ("Permanent exclusions") read as well
    as singular ones.
    """
    other = status_sentence(row)
    if other is not None:
        return other
    first = f"{_label(row)}: {_shown(row)} in {_period(row)}"
    clause = target_clause(row)
    first += f", {clause}." if clause else "."
    parts = [p for p in (_moved(row), _national(row, source=True)) if p]
    second = _capital(", and ".join(parts)) + "." if parts else ""
    return " ".join(x for x in (first, interval_sentence(row), pupils_sentence(row), second,
                                red_schools_sentence(row), coverage_sentence(row)) if x)


def interval_sentence(row: KpiResult) -> str:
    """The 95% interval, and whether the gap to target is clear of it."""
    lo, hi = row.ci_lower, row.ci_upper
    if lo is None or hi is None:
        return ""
    unit = row.unit
    span = f"{fmt.value(lo, unit)} to {fmt.value(hi, unit)}"
    clear = None if row.clear is None else bool(row.clear)  # numpy's bool is not False
    rating = rating_of(row)
    if clear is False and rating in ("amber", "red"):
        return f"Not a clear difference from the target: its 95% interval ({span}) includes it."
    if clear is True and rating in ("amber", "red"):
        return f"A clear difference: the 95% interval ({span}) leaves the target out."
    return f"95% interval: {span}."


def pupils_sentence(row: KpiResult) -> str:
    """'2 more pupils at the expected standard would make this green.'"""
    n, after, counted = row.pupils_to_change, row.rating_after, row.counted
    if n is None or after is None or not counted:
        return ""
    n = int(n)
    more = "more" if _higher_is_better(row) else "fewer"
    return (f"{n} {more} {'pupil' if n == 1 else 'pupils'} {counted} would make this "
            f"{after}.")


def red_schools_sentence(row: KpiResult) -> str:
    """A trust figure names the schools red on it: 'Red at 2 schools: A (-£44k) and B.';
    a trust figure that is green or amber says so first, so it never hides them: 'Green
    for the trust; red at 7 schools: ...'."""
    if not row.red_schools:
        return ""
    names = row.red_schools.split("; ")
    shown = str(row.red_school_values or "").split("; ")
    items = [f"{n} ({v})" if v else n for n, v in zip(names, shown + [""] * len(names),
                                                     strict=False)]
    where = (f"{fmt.count_words(len(names))} {'school' if len(names) == 1 else 'schools'}: "
             f"{_list(items, most=8)}.")
    trust = rating_of(row)
    if trust in ("green", "amber"):
        return f"{trust.capitalize()} for the trust; red at {where}"
    return f"Red at {where}"


def hidden_reds(rows: Sequence[KpiResult]) -> list[str]:
    """Trust KPIs green or amber for the trust but red at schools, each as 'Vacant posts:
    green for the trust; red at 3 schools (A, B and C)'."""
    out = []
    for r in rows:
        trust = rating_of(r)
        if not r.red_schools or trust not in ("green", "amber"):
            continue
        schools = r.red_schools.split("; ")
        out.append(f"{_label(r)}: {trust} for the trust; red at "
                   f"{fmt.count_words(len(schools))} "
                   f"{'school' if len(schools) == 1 else 'schools'} ({_list(schools)})")
    return out


def deficits_sentence(deficits: Sequence[Any]) -> str:
    """'In-year deficit beyond its reserves at Calder Moor Primary School (forecast
    deficit £44k against reserves of £7.3k).' from ``exceptions.deficit_exceptions`` (the
    board summary's own list, so the two never differ); '' if none."""
    if not deficits:
        return ""
    items = [f"{d.place} ({d.detail})" for d in deficits]
    return f"In-year deficit beyond its reserves at {_list(items, most=8)}."


def coverage_sentence(row: KpiResult) -> str:
    """How much of the trust a trust figure covers: 'Covers 9 of 10 schools, 348 pupils.'"""
    counted, scope = row.schools_counted, row.schools_in_scope
    if counted is None or scope is None:
        return ""
    text = f"Covers {int(counted)} of {int(scope)} schools"
    pupils, every = row.cohort, row.pupils_all
    if pupils is not None and every is not None and round(float(every)) > round(float(pupils)):
        text += f", {fmt.number(pupils)} of {fmt.number(every)} pupils published"
    elif pupils is not None:
        text += f", {fmt.number(pupils)} {row.cohort_noun or 'pupils'}"
    return text + "."


def change_cell(row: KpiResult) -> str:
    """A table's change cell for a KPI, saying its basis: '+0.5 pts on same term last
    year'."""
    return change_words(row.change, row.change_basis, row.unit)


def change_words(change: Any, basis: Any, unit: str | None) -> str:
    """A change on its basis as a table cell shows it (``change_cell``), for any figure."""
    if fmt.is_missing(basis) or not basis or fmt.is_missing(change):
        return fmt.MISSING
    return f"{fmt.change(change, unit)} on {BASIS_SHORT.get(basis, basis)}"


def chart_name(label: str, periods: Sequence[str], lines: Sequence[str]) -> str:
    """A board chart's title: what it shows, not what it means (the KPI's sentence says
    that, once): 'Attendance by term, Autumn 2022 to Summer 2025: Calder Moor Primary
    School, the trust, national and target'."""
    step = "year" if periods and all(is_academic_year(str(p)) for p in periods) else "term"
    first, last = (fmt.term_label(periods[0]), fmt.term_label(periods[-1])) if periods \
        else ("", "")
    span = first if first == last else f"{first} to {last}"
    drawn = f": {_list(list(lines), most=9)}" if lines else ""
    return f"{label} by {step}, {span}{drawn}"


def chart_title(row: KpiResult, rating: bool = True) -> str:
    """A trend chart's title from the KPI's one result: which way it moved and on what,
    its rating, and where it stands against national, e.g. 'Attendance: up on the same
    term last year; close to target; below national'."""
    label = _label(row)
    bits = []
    if row.moved and row.change_basis:
        way = {"up": "up", "down": "down"}.get(str(row.moved), "unchanged")
        bits.append(f"{way} on {row.change_basis}")
    rated = rating_of(row) if rating else None
    if rated:
        bits.append(RATING_TITLES[rated])
    nat, value = row.national_value, row.value
    if nat is not None and value is not None and (row.status or "ok") == "ok":
        if _same_at_shown_precision(float(value), float(nat), row.unit):
            bits.append("in line with national")
        elif _within(float(nat), row.ci_lower, row.ci_upper):
            bits.append("not clearly different from national")
        else:
            bits.append(f"{'above' if float(value) > float(nat) else 'below'} national")
    if not bits:
        return f"{label}: {fmt.value(value, row.unit, row.status)}"
    return f"{label}: " + "; ".join(bits)


def _national(row: KpiResult, source: bool) -> str:
    text = versus(row.value, row.national_value, row.unit, _higher_is_better(row),
                  "the national figure", row.ci_lower, row.ci_upper)
    src = row.national_source
    return f"{text} ({src})" if text and source and src else text


def public_sentence(row: KpiResult) -> str:
    """A report card's sentence for parents: the figure and how it compares, no targets.

    Compares with national where there is a national figure, else with the trust, else
    says which way it moved; sources go in the card's footnote, not in every sentence.
    """
    other = status_sentence(row)
    if other is not None:
        return other
    first = f"{_label(row)}: {fmt.value(row.value, row.unit)} in {_period(row)}"
    compare = _national(row, source=False) or versus(
        row.value, row.trust_value, row.unit, _higher_is_better(row),
        "the trust's figure") or _moved(row)
    return f"{first}, {compare}." if compare else f"{first}."


def rag_counts(rags: Iterable[Any]) -> dict[str, int]:
    """How many green, amber and red ratings there are (anything else is ignored)."""
    out = {"green": 0, "amber": 0, "red": 0}
    for r in rags:
        key = "" if fmt.is_missing(r) else str(r).lower()
        if key in out:
            out[key] += 1
    return out


def priority_summary(rows: Sequence[KpiResult], title: str | None = None) -> str:
    """A short paragraph for a priority: how many KPIs are on target and what needs attention."""
    rated = [r for r in rows if str(r.rag or "").lower() in RAG_WORDS]
    counts = rag_counts(r.rag for r in rated)
    lead = f"{title}: " if title else ""
    if not rated:
        text = f"{lead}no KPI has a rating for this term yet."
        text = text[0].upper() + text[1:]
    else:
        bits = [f"{counts[k]} {k} ({RAG_WORDS[k]})" for k in ("green", "amber", "red")
                if counts[k]]
        joined = bits[0] if len(bits) == 1 else ", ".join(bits[:-1]) + " and " + bits[-1]
        noun = "KPI" if len(rated) == 1 else "KPIs"
        text = f"{lead}of {len(rated)} {noun} with a rating, {joined}."
        text = text[0].upper() + text[1:]
        reds = [_label(r) for r in rated if str(r.rag).lower() == "red"]
        hidden = hidden_reds(rated)  # a trust's summary: the schools its figures hide
        if reds:
            text += " Needs attention: " + _list(reds) + "."
        elif counts["green"] == len(rated) and not hidden:
            text += " Every rated KPI is on target."
        if hidden:
            text += " Not at every school: " + "; ".join(hidden) + "."
    few = [_label(r) for r in rows if rating_of(r) == "too_few"]
    if few:  # shown, not rated, and not hidden either
        n = len(few)
        text += (f" {fmt.count_words(n).capitalize()} {'rests' if n == 1 else 'rest'} on too "
                 f"few pupils to rate: {_list(few, most=3)}.")
    return text


def join_list(items: Sequence[str], most: int = 4) -> str:
    """'A, B and C'; past ``most`` items, 'A, B, C, D and 2 more'."""
    return _list(list(items), most)


def _list(items: list[str], most: int = 4) -> str:
    if len(items) > most:
        return ", ".join(items[:most]) + f" and {len(items) - most} more"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def trend_phrase(values: Sequence[Any], step: str = "term", unit: str | None = None) -> str:
    """How a series moved lately: 'up for three terms', 'down last term', 'unchanged'.

    Counts the run of moves in the same direction ending at the latest value; a run of
    one is 'up last term'. Missing values are skipped. ``step`` is "term" or "year".
    With ``unit``, a move too small to show (75.41% to 75.44%) counts as no move.
    """
    vals = [float(v) for v in values if not fmt.is_missing(v)]
    if len(vals) < 2:
        return ""
    steps = [0.0 if unit and fmt.value(a, unit) == fmt.value(b, unit) else b - a
             for a, b in zip(vals, vals[1:], strict=False)]
    last = steps[-1]
    if last == 0:
        return f"unchanged on last {step}"
    run = 0
    for s in reversed(steps):
        if (s > 0) == (last > 0) and s != 0:
            run += 1
        else:
            break
    way = "up" if last > 0 else "down"
    if run == 1:
        return f"{way} last {step}"
    return f"{way} for {fmt.count_words(run)} {step}s running"


def trend_title(label: str, values: Sequence[Any], national: Any = None,
                unit: str | None = None, noun: str = "national", step: str = "term") -> str:
    """A chart title that states the finding, headline style, e.g.
    'Attendance: up for three terms running, now above national'."""
    vals = [float(v) for v in values if not fmt.is_missing(v)]
    if not vals:
        return f"{label}: no figures yet"
    title = f"{label}: {trend_phrase(vals, step, unit)}"
    if len(vals) < 2:
        title = f"{label}: {fmt.value(vals[-1], unit)}"
    if not fmt.is_missing(national):
        n = float(national)
        if fmt.value(vals[-1], unit) == fmt.value(n, unit):
            where = f"in line with {noun}"
        else:
            where = f"{'above' if vals[-1] > n else 'below'} {noun}"
        crossed = len(vals) >= 2 and (vals[-2] > n) != (vals[-1] > n) and "line" not in where
        title += f", {'now ' if crossed else ''}{where}"
    return title
