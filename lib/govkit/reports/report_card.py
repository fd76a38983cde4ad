"""The public report card for parents: plain words, strict small-number suppression.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from govkit.plan import fmt, narrative
from govkit.reports.blocks import (
    _display,
    _is_total,
    bullets,
    esc,
    heading,
    note,
    paragraph,
    show_chart,
    show_table,
)
from govkit.reports.context import AUDIENCE_WORDS, CONFIDENTIAL_MEASURES, Context, kpis
from govkit.reports.measure_section import measure_chart


def public(ctx: Context) -> Context:
    """The same report opened for the public: a card is published, so it always takes the
    public threshold and rules, whatever audience the notebook was given."""
    return ctx if ctx.audience == "public" else dataclasses.replace(ctx, audience="public")


def public_kpis(ctx: Context) -> pd.DataFrame:
    """The KPIs a public card may show: the plan's public ones, never a confidential measure."""
    frame = kpis(public(ctx))
    keep = (~frame["status"].isin(["narrative", "not_applicable"])
            & ~frame["measure"].isin(CONFIDENTIAL_MEASURES))
    return frame[keep].drop_duplicates("measure").reset_index(drop=True)


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


def card_table(ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    """Our school, the trust and national side by side, with a plain-words comparison."""
    rows = []
    for r in frame.to_dict("records"):
        unit, status = r.get("unit"), r.get("status")
        up = str(r.get("direction")) != "lower"
        cmp = narrative.versus(r.get("value"), r.get("national_value"), unit, up, "national")
        if not cmp and ctx.urn and not _is_total(r.get("measure")):
            cmp = narrative.versus(r.get("value"), r.get("trust_value"), unit, up, "the trust")
        rows.append({
            "What we measure": r.get("label"),
            ctx.place: fmt.value(r.get("value"), unit, status),
            "Trust": fmt.value(r.get("trust_value"), unit)
            if ctx.urn and not _is_total(r.get("measure")) else fmt.MISSING,
            "National": fmt.value(r.get("national_value"), unit),
            "How we compare": (cmp.split(" of ")[0] if status == "ok" and cmp
                               else fmt.MISSING).capitalize(),
        })
    out = pd.DataFrame(rows)
    return out if ctx.urn else out.drop(columns=["Trust"])


def card_sentences(frame: pd.DataFrame) -> list[str]:
    """A plain sentence per shown measure; the ones withheld for privacy named once, last."""
    rows = frame.to_dict("records")
    # a trust total (all schools' partnerships added up) is no yardstick for one school
    out = [narrative.public_sentence({**r, "trust_value": None} if _is_total(r.get("measure"))
                                     else r)
           for r in rows if r.get("status") != "suppressed"]
    hidden = [str(r.get("label") or r.get("measure")) for r in rows
              if r.get("status") == "suppressed"]
    if hidden:
        out.append(f"Not shown ({fmt.SUPPRESSED}), because too few pupils are in the group "
                   f"to publish without identifying them: {narrative.join_list(hidden, most=99)}.")
    return out


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
    for title, part in card_groups(frame):
        heading(title, 3)
        show_table(card_table(ctx, part))


def in_words(ctx: Context) -> None:
    """A plain sentence per measure, in the order of the tables."""
    frame = public_kpis(ctx)
    if frame.empty:
        return
    heading("In words", 2)
    groups = card_groups(frame)
    bullets(card_sentences(pd.concat([part for _, part in groups], ignore_index=True)))


def over_time(ctx: Context, measure: str = "attendance_rate",
              title: str = "Attendance over time") -> None:
    """A published measure's trend (attendance by default), if the card shows it."""
    ctx = public(ctx)
    frame = public_kpis(ctx)
    if frame.empty or measure not in set(frame["measure"]):
        return
    heading(title, 2)
    chart = measure_chart(ctx, measure, frame)
    if chart is not None:
        show_chart(chart)


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
    for section in (welcome, at_a_glance, in_words, over_time, footnotes):
        section(ctx)
