"""outputs/<term>/index.html: every report of the term on one page, trust first.

A grid of schools x reports; each cell links to the report and shows its overall
rating as a symbol and a word on a colour (never colour alone). Same house style
as the reports, no scripts, nothing from the internet, all text escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from govkit.batch.manifest import Entry
from govkit.batch.matrix import TRUST
from govkit.files import write_atomic
from govkit.plan.config import Plan, Trust
from govkit.reports.export import house_css
from govkit.terms import parse_term

# rating -> (symbol, word); the same words, symbols and colours (house.css) as the reports.
BADGES: dict[str | None, tuple[str, str]] = {
    "green": ("✔", "Green"),
    "amber": ("▲", "Amber"),
    "red": ("✖", "Red"),
    None: ("–", "No rating"),
}


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def badge(rag: str | None) -> str:
    """Symbol and word on the house colour; a screen reader reads the word only."""
    symbol, word = BADGES.get(rag, BADGES[None])
    return (f'<span class="rag rag-{word.lower().replace(" ", "-")}">'
            f'<span aria-hidden="true">{symbol}</span> {word}</span>')


def columns(plan: Plan) -> list[tuple[str, str]]:
    """(report name, heading) in the order governors read them."""
    cols = [("trust_overview", "Trust overview"), ("board_summary", "Board summary")]
    cols += [(f"priority-{p.id}", p.title) for p in plan.priorities]
    dives = dict.fromkeys(p.deep_dive for p in plan.priorities if p.deep_dive)
    cols += [(d, f"{d.capitalize()} deep dive") for d in dives]
    cols.append(("report_card", "Report card (public)"))
    return cols


def _cell(entry: Entry | None, place: str = "", report: str = "") -> str:
    """A report's cell: the link is its rating badge, named for a screen reader by what it
    opens ("Calder Moor: Finance and operations, red"), not 126 links reading "Open"."""
    if entry is None:
        return '<td class="gk-none">—</td>'
    link = esc(entry.output)
    what = esc(f"{place}: {report}" if place else report)
    if entry.status == "failed":
        note = f'<span class="gk-failed">✖ Failed: {esc(entry.error or "see the log")}</span>'
        # the previous good report (if any) is still in place: say so rather than hide it
        return (f'<td class="gk-cell">{note}<br><a href="{link}">last good version'
                f'<span class="gk-sr"> of {what}</span></a></td>'
                if entry.finished else f'<td class="gk-cell">{note}</td>')
    word = BADGES.get(entry.rag, BADGES[None])[1].lower()
    return (f'<td class="gk-cell"><a class="gk-open" href="{link}" aria-label="{what}, {word}">'
            f'{badge(entry.rag)}</a>{counts_line(entry.counts)}</td>')


def counts_line(counts: dict[str, int] | None) -> str:
    """'3 red · 2 amber · 9 green': the headline alone hides how many KPIs are on track."""
    if not counts or not any(counts.values()):
        return ""
    # each count kept whole ("2 amber"): a narrow column breaks only between them
    parts = [f"<span>{counts.get(c, 0)} {c}</span>" for c in ("red", "amber", "green")]
    return f'<br><span class="gk-counts">{" · ".join(parts)}</span>'


def due_html(due: Sequence[Any]) -> str:
    """The leaders' comments still due (govkit.plan.commentary.comments_due), for the
    analyst: the reports show nothing where one is missing."""
    if not due:
        return ""
    rows = "".join(f"<tr><td>{esc(d.place)}</td><td>{esc(d.priority)}</td>"
                   f"<td>{esc(d.label)} <span class=\"gk-urn\">{esc(d.kpi_id)}</span></td></tr>"
                   for d in due)
    return (f'<details class="gk-due"><summary>Leaders\' comments still due ({len(due)})'
            "</summary><p>The plan asks for a leader's comment on these; the reports show "
            "nothing until one is added to the term's file in params/commentary/.</p>"
            '<div class="gk-table-wrap"><table class="govkit"><thead><tr>'
            '<th scope="col">School</th><th scope="col">Priority</th>'
            f'<th scope="col">KPI</th></tr></thead><tbody>{rows}</tbody></table></div>'
            "</details>")


def render_index(trust: Trust, plan: Plan, term: str, entries: list[Entry],
                 due: Sequence[Any] = ()) -> str:
    """The index page as text; ``due``: the leaders' comments still due."""
    by_key = {e.key: e for e in entries}
    cols = [c for c in columns(plan)
            if any(e.key.endswith(f"/{c[0]}") for e in entries)]
    rows = [(TRUST, f"{trust.name} (whole trust)")] + [
        (str(s.urn), trust.label(s.urn)) for s in trust.schools]
    rows = [r for r in rows if any(f"{r[0]}/{c}" in by_key for c, _ in cols)]
    head = "".join(f'<th scope="col">{esc(h)}</th>' for _, h in cols)
    body = []
    for folder, name in rows:
        place = trust.name if folder == TRUST else name
        cells = "".join(_cell(by_key.get(f"{folder}/{c}"), place, h) for c, h in cols)
        urn = "" if folder == TRUST else f' <span class="gk-urn">URN {esc(folder)}</span>'
        body.append(f'<tr><th scope="row">{esc(name)}{urn}</th>{cells}</tr>')
    failed = sum(e.status == "failed" for e in entries)
    label = parse_term(term).label
    summary = f"{len(entries)} reports" + (f", {failed} failed" if failed else "")
    b = trust.branding
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Reports, {esc(label)} · {esc(trust.name)}</title>
<style>
{house_css()}
:root {{ --gk-primary: {b.primary_colour}; --gk-accent: {b.accent_colour}; }}
</style>
</head>
<body class="gk-index">
<header class="gk-header"><span class="gk-trust">{esc(trust.name)}</span>
<span>{esc(plan.name)}</span></header>
<main>
<h1>Governance reports: {esc(label)}</h1>
<p>{esc(summary)}. Each report's overall rating is red if any of its KPIs is red, amber if
any is amber, otherwise green; beneath it, how many of its KPIs are red, amber and green.
A deep dive is rated from its own measures only, a priority report from its priority's, and
the public report card from the figures it publishes.</p>
<div class="gk-scroll" role="region" aria-label="Reports by school" tabindex="0">
<table class="gk-grid">
<caption class="gk-hidden">Reports by school for {esc(label)}</caption>
<thead><tr><th scope="col">School</th>{head}</tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table>
</div>
{due_html(due)}
</main>
<footer class="gk-footer">Produced {esc(dt.date.today().strftime("%d %B %Y"))} by govkit.
</footer>
</body>
</html>
"""


def write_index(path: Path, trust: Trust, plan: Plan, term: str, entries: list[Entry],
                due: Sequence[Any] = ()) -> Path:
    """Write the index atomically; returns its path."""
    return write_atomic(path, render_index(trust, plan, term, entries, due))
