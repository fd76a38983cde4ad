"""outputs/<term>/index.html: every report of the term on one page, trust first.

A grid of schools x reports; each cell links to the report and shows its overall
rating as a symbol and a word on a colour (never colour alone), or, for a page that
shows no rating (a deep dive, a board summary, the public card), is a plain link. Same house style
as the reports, no scripts, nothing from the internet, all text escaped: the page is
the house template index_page.html.j2, in govkit.reports.html's one Jinja environment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from govkit.batch.manifest import Entry
from govkit.batch.matrix import TRUST
from govkit.files import write_atomic
from govkit.plan.config import Plan, Trust
from govkit.reports.export import house_css
from govkit.reports.html import render
from govkit.reports.scope import shows_ratings
from govkit.terms import parse_term


def columns(plan: Plan) -> list[tuple[str, str]]:
    """(report name, heading) in the order governors read them."""
    cols = [("trust_overview", "Trust overview"), ("board_summary", "Board summary")]
    cols += [(f"priority-{p.id}", p.title) for p in plan.priorities]
    dives = dict.fromkeys(p.deep_dive for p in plan.priorities if p.deep_dive)
    cols += [(d, f"{d.capitalize()} deep dive") for d in dives]
    cols.append(("report_card", "Report card (public)"))
    return cols


def render_index(trust: Trust, plan: Plan, term: str, entries: list[Entry],
                 due: Sequence[Any] = ()) -> str:
    """The index page as text (templates/govkit/index_page.html.j2); ``due``: the leaders'
    comments still due (govkit.plan.commentary.comments_due), for the analyst: the reports
    show nothing where one is missing."""
    by_key = {e.key: e for e in entries}
    cols = [c for c in columns(plan)
            if any(e.key.endswith(f"/{c[0]}") for e in entries)]
    places = [(TRUST, f"{trust.name} (whole trust)")] + [
        (str(s.urn), trust.label(s.urn)) for s in trust.schools]
    rows: list[dict[str, Any]] = [
        {"name": name, "urn": None if folder == TRUST else folder,
         "place": trust.name if folder == TRUST else name,
         "entries": {c: by_key.get(f"{folder}/{c}") for c, _ in cols}, "summary_in": None}
        for folder, name in places if any(f"{folder}/{c}" in by_key for c, _ in cols)]
    # the trust's board summary opens its overview: its cell there links to it
    overview = by_key.get(f"{TRUST}/trust_overview")
    for row in rows:
        if row["urn"] is None and overview is not None and \
                (overview.status == "ok" or overview.finished):
            row["summary_in"] = overview
    failed = sum(e.status == "failed" for e in entries)
    rated = {c for c, _ in cols if shows_ratings(c)}  # the others: a plain link, no badge
    return render("index_page.html.j2", trust=trust, plan=plan, columns=cols, rows=rows,
                  rated=rated,
                  due=list(due), label=parse_term(term).label, css=Markup(house_css()),
                  summary=f"{len(entries)} reports" + (f", {failed} failed" if failed else ""),
                  produced=dt.date.today().strftime("%d %B %Y"))


def write_index(path: Path, trust: Trust, plan: Plan, term: str, entries: list[Entry],
                due: Sequence[Any] = ()) -> Path:
    """Write the index atomically; returns its path."""
    return write_atomic(path, render_index(trust, plan, term, entries, due))
