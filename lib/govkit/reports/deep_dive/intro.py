"""A deep dive's opening paragraph: what it adds to the priority reports."""

from __future__ import annotations

from govkit.reports.blocks import paragraph
from govkit.reports.context import Context

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
