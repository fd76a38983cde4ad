"""Which KPIs a public card speaks of: the plan's public ones with a figure here (or one
withheld for privacy), under plain headings; what is left off, named once."""

from __future__ import annotations

import dataclasses

from govkit.plan import narrative
from govkit.plan.result import KpiResult, KpiRows, as_results
from govkit.reports.context import CONFIDENTIAL_MEASURES, Context, results


def public(ctx: Context) -> Context:
    """The same report opened for the public: a card is published, so it always takes the
    public threshold and rules, whatever audience the notebook was given."""
    return ctx if ctx.audience == "public" else dataclasses.replace(ctx, audience="public")


def card_kpis(ctx: Context) -> list[KpiResult]:
    """Every KPI a public card may speak of: the plan's public ones, never a confidential
    measure, nor a leader's narrative; each measure once."""
    out: dict[str | None, KpiResult] = {}
    for r in results(public(ctx)):
        if r.status != "narrative" and r.measure not in CONFIDENTIAL_MEASURES:
            out.setdefault(r.measure, r)
    return list(out.values())


# Statuses a card shows as a row: a figure, or the symbol for one withheld for privacy.
SHOWN = ("ok", "suppressed")


def public_kpis(ctx: Context) -> list[KpiResult]:
    """The card's rows: measures with a figure for this school (or one withheld for
    privacy). Measures for another phase, or with no published figure here, are left out
    and named once (``left_out_line``), never shown as rows of dashes."""
    return [r for r in card_kpis(ctx) if r.status in SHOWN]


# Short names for lists of measures, so a line naming what is left out or withheld stays
# a line: every KS2 measure is "KS2 results" there (the tables keep the full labels).
SHORT_NAMES = {"ks2_": "KS2 results", "ks4_": "KS4 results",
               "phonics_": "the Year 1 phonics check",
               "attendance_disadvantaged_gap": "the attendance gap for disadvantaged pupils",
               "persistent_absence": "persistent absence", "severe_absence": "severe absence"}


def _short(mid: str) -> str | None:
    return next((v for k, v in SHORT_NAMES.items() if mid.startswith(k)), None)


def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def short_names(rows: KpiRows, shown: KpiRows | None = None) -> str:
    """'KS2 results, the Year 1 phonics check and severe absence': each topic once. A
    topic that ``shown`` rows also belong to is named by its own labels instead: a card
    showing Attainment 8 never says "KS4 results" have no figure."""
    taken = set() if shown is None else {
        _short(str(r.measure)) for r in as_results(shown)} - {None}
    names = []
    for r in as_results(rows):
        mid = r.measure or ""
        hit = _short(mid)
        names.append(hit if hit and hit not in taken else _lower_first(str(r.label or mid)))
    return narrative.join_list(list(dict.fromkeys(names)), most=99)


def left_out_line(ctx: Context) -> str | None:
    """One line naming the measures left off the card, and why: not for a school of this
    phase, or no figure published for it this year."""
    every = card_kpis(ctx)
    gone = [r for r in every if r.status not in SHOWN]
    if not gone:
        return None
    shown = [r for r in every if r.status in SHOWN]
    phase = [r for r in gone if r.status == "not_applicable"]
    none = [r for r in gone if r.status != "not_applicable"]
    parts = []
    if phase:
        what = f"a {ctx.phase} school" if ctx.phase else "the trust's schools"
        parts.append(f"{short_names(phase, shown)} (not for {what})")
    # a topic already named as not for this phase is not named again
    said = {_short(str(r.measure)) for r in phase} - {None}
    none = [r for r in none if _short(str(r.measure)) not in said]
    if none:
        parts.append(f"{short_names(none, shown)} (no figure published for {ctx.place} "
                     "this year)")
    return "Not on this card: " + "; ".join(parts) + "."


# The report card's plain headings, by the domain a measure is counted from.
CARD_GROUPS = {"attendance": "Attendance and behaviour", "behaviour": "Attendance and behaviour",
               "attainment": "Results", "surveys": "What pupils and parents say"}


CARD_OTHER = "Our school and its community"


def card_groups(frame: KpiRows) -> list[tuple[str, list[KpiResult]]]:
    """The card's measures under plain headings, in the order parents ask about them."""
    from govkit.plan.measures import MEASURES

    def group(measure: str | None) -> str:
        m = MEASURES.get(str(measure))
        return CARD_GROUPS.get(m.domain, CARD_OTHER) if m else CARD_OTHER

    rows = as_results(frame)
    labels = [group(r.measure) for r in rows]
    order = [*dict.fromkeys(CARD_GROUPS.values()), CARD_OTHER]
    return [(g, [r for r, label in zip(rows, labels, strict=True) if label == g])
            for g in order if g in labels]

