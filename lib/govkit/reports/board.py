"""The board summary page and the exceptions list, laid out from govkit.plan.board.

One page first in the trust overview and in every board pack: what changed since the last
meeting, the exceptions that must reach the board, the plan's actions overdue or at risk,
and questions to ask. Then every exception in one table, each with since when. No figure
is worked out here: every word comes from the summary's evaluated results. Text from data
is escaped; the look is the house stylesheet's (.gk-summary, .gk-exceptions).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from govkit.plan import fmt
from govkit.plan.board import BoardSummary, board_summary
from govkit.plan.exceptions import AREA_TITLES, BoardException
from govkit.plan.narrative import join_list
from govkit.plan.since import KIND_TITLES, Change, by_kpi
from govkit.reports.blocks import _display, esc, hooks_html, table_html
from govkit.reports.context import Context

# on a trust's page, how many lines a list of changes gives before "and N more"
MOST_LINES = 3
# on a trust's page, how many KPIs no longer red its one line names before "and N more KPIs"
RECOVERED_NAMED = 4


def summary_for(ctx: Context) -> BoardSummary:
    """The board summary of the report's place and term (the trust, or its school)."""
    from govkit.plan.actions import tracked

    acts = tracked(ctx.ev, ctx.term, "all" if ctx.urn is None else ctx.urn)
    return board_summary(ctx.ev, ctx.term, ctx.urn, ctx.audience, acts)


def _li(html: str, hooks: dict[str, str] | None = None) -> str:
    return f"<li{hooks_html(hooks)}>{html}</li>"


def _grouped(changes: Sequence[Change], with_values: bool) -> list[str]:
    """Changes of one kind, one line per KPI naming its places (and figures)."""
    lines = []
    for label, cs in by_kpi(list(changes)):
        where = [f"{c.place} ({c.value})" if with_values else c.place for c in cs]
        lines.append(f"<strong>{esc(label)}</strong>: {esc(join_list(where, most=5))}")
    return lines


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def kind_heading(kind: str, changes: Sequence[Change], trust: bool) -> str:
    """'Turned red (7 KPIs, 11 ratings)': on a trust's page the list beneath has a line
    per KPI naming its places, so the heading counts those KPIs and the ratings (a KPI at
    a place) behind them; on a school's page each line is one KPI, one rating."""
    count = (f"{_plural(len(by_kpi(list(changes))), 'KPI')}, "
             f"{_plural(len(changes), 'rating')}" if trust else str(len(changes)))
    return (f'<p class="gk-summary-kind"><strong>{KIND_TITLES[kind]} ({esc(count)})'
            "</strong></p>")


def _capped(lines: list[str], most: int | None) -> list[str]:
    if most is None or len(lines) <= most:
        return lines
    return [*lines[:most], esc(f"and {_plural(len(lines) - most, 'more KPI')}")]


def since_html(s: BoardSummary) -> str:
    """'Since the last meeting': what turned red, what is no longer red, other moves."""
    if s.last_meeting is None:
        return "<p>This is the first term govkit has figures for: nothing to compare with.</p>"
    kinds = s.by_kind()
    if not kinds:
        return (f"<p>No rating has changed since the last meeting "
                f"({esc(fmt.term_label(s.last_meeting))}).</p>")
    most = MOST_LINES if s.urn is None else None
    parts = []
    for kind in ("turned_red", "recovered"):
        cs = kinds.get(kind, [])
        if not cs:
            continue
        title = kind_heading(kind, cs, s.urn is None)
        if s.urn is None and kind == "recovered":  # one line: the good news is not the agenda
            named = [f"{label} ({_plural(len(at), 'place')})" for label, at in by_kpi(cs)]
            line = (join_list(named) if len(named) <= RECOVERED_NAMED else
                    ", ".join(named[:RECOVERED_NAMED])
                    + f" and {_plural(len(named) - RECOVERED_NAMED, 'more KPI')}")
            parts.append(title + "<p>" + esc(line) + "</p>")
            continue
        if s.urn is None:
            items = _capped(_grouped(cs, True), most)
        else:
            # no longer red but still short of its target reads as a contradiction
            # unless the line says what it is now
            items = [f"<strong>{esc(c.label)}</strong>: {esc(c.value)} against a target of "
                     f"{esc(c.target)}" + (f", now {esc(c.after)}" if kind == "recovered"
                                           else "") for c in cs]
        parts.append(title + "<ul>" + "".join(_li(i) for i in items) + "</ul>")
    moved = kinds.get("moved", [])
    if moved:
        up = sum(1 for c in moved if c.after == "green")
        parts.append(f"<p>{len(moved)} other {'rating' if len(moved) == 1 else 'ratings'} "
                     f"moved between amber and green ({up} to green, {len(moved) - up} to "
                     "amber).</p>")
    return "".join(parts)


def _exception_line(e: BoardException, place: bool = True) -> str:
    where = f"{esc(e.place)}: " if place else ""
    return (f"{where}<strong>{esc(e.item)}</strong>, {esc(e.detail)}; since "
            f"{esc(e.since_label)}")


def exceptions_html(s: BoardSummary) -> str:
    """Each area's exceptions: safeguarding always named in full; on a trust's page the
    other areas count them by school (the table after the summary names every one)."""
    areas = s.by_area()
    if not areas:
        return "<p>No exception this term: every safeguarding and statutory item is met, no " \
               "open risk is rated high, no deficit exceeds reserves and no school meets an " \
               "intervention trigger.</p>"
    parts = []
    for area, title in AREA_TITLES.items():
        es = areas.get(area)
        if not es:
            continue
        if s.urn is not None or area == "safeguarding":
            items = [_exception_line(e, s.urn is None) for e in es]
        else:
            per: dict[str, int] = {}
            for e in es:
                per[e.place] = per.get(e.place, 0) + 1
            items = [esc(join_list([f"{p} ({n})" for p, n in per.items()], most=99))]
        parts.append(f"<p class=\"gk-summary-kind\"><strong>{esc(title)} ({len(es)})</strong>"
                     "</p><ul>" + "".join(_li(i) for i in items) + "</ul>")
    if s.urn is None:
        parts.append("<p class=\"gk-note\">Every exception is named, with since when, in "
                     "the list that follows this page.</p>")
    return "".join(parts)


def actions_html(s: BoardSummary, h: str = "h3") -> str:
    """The plan's actions overdue or at risk: a school's each with its note; on a trust's
    page one line per action naming where it is late (the notes are on its priority
    report)."""
    if not s.actions:
        return ""
    items = []
    if s.urn is None:
        by_action: dict[tuple[str, str], list] = {}
        for a in s.actions:  # one line per action and status, naming its places
            by_action.setdefault((a.action_id, a.status_words), []).append(a)
        for acts in by_action.values():
            a = acts[0]
            where = join_list([x.place for x in acts], most=3)
            items.append(_li(f"<strong>{esc(a.title)}</strong> ({esc(a.owner)}, due "
                             f"{esc(a.due_label)}): {esc(a.status_words)}, {esc(where)}",
                             {"action": a.action_id, "status": a.status or "none"}))
    else:
        for a in s.actions:
            note = f" {esc(a.note)}" if a.note else ""
            items.append(_li(f"<strong>{esc(a.title)}</strong> ({esc(a.owner)}, due "
                             f"{esc(a.due_label)}): {esc(a.status_words)}.{note}",
                             {"action": a.action_id, "status": a.status or "none"}))
    return (f"<{h}>The plan's actions overdue or at risk</{h}><ul>" + "".join(items)
            + "</ul>")


def questions_html(s: BoardSummary) -> str:
    if not s.questions:
        return "<p>Nothing in this term's evidence calls for a question to the head.</p>"
    return "<ol>" + "".join(_li(esc(q.text)) for q in s.questions) + "</ol>"


def summary_html(s: BoardSummary, title: str | None = "Board summary") -> str:
    """The whole summary page as one section; ``title`` None when the page's own title is
    the summary's (its parts are then the page's h2s)."""
    last = fmt.term_label(s.last_meeting) if s.last_meeting else None
    head = f"Since the last meeting ({esc(last)})" if last else "Since the last meeting"
    h = "h3" if title else "h2"
    top = (f'<section class="gk-summary" aria-labelledby="gk-summary-h"><h2 id="gk-summary-h">'
           f"{esc(title)}</h2>" if title else '<section class="gk-summary">')
    return (f"{top}<{h}>{head}</{h}>{since_html(s)}"
            f"<{h}>Exceptions</{h}>{exceptions_html(s)}"
            f"{actions_html(s, h)}"
            f"<{h}>Questions to ask</{h}>{questions_html(s)}"
            "</section>")


def show_summary(ctx: Context, summary: BoardSummary | None = None,
                 title: str | None = "Board summary") -> BoardSummary:
    """The board summary page (it prints on a page of its own); ``title`` None on a page
    whose own title says it is the summary."""
    from IPython.display import HTML

    s = summary or summary_for(ctx)
    _display(HTML(summary_html(s, title)))
    return s


def exceptions_table(s: BoardSummary) -> pd.DataFrame:
    return pd.DataFrame({
        "Area": [AREA_TITLES[e.area] for e in s.exceptions],
        "School": [e.place for e in s.exceptions],
        "Item": [e.item_and_source for e in s.exceptions],
        "Finding": [e.detail for e in s.exceptions],
        "Since": [e.since_label for e in s.exceptions],
    }, columns=["Area", "School", "Item", "Finding", "Since"])


def show_exceptions(ctx: Context, summary: BoardSummary | None = None) -> None:
    """Every exception of the term in one table, area by area, with since when."""
    from IPython.display import HTML

    s = summary or summary_for(ctx)
    if not s.exceptions:
        _display(HTML('<p class="gk-exceptions">No exception this term.</p>'))
        return
    table = exceptions_table(s)
    if s.urn is not None:
        table = table.drop(columns=["School"])
    _display(HTML('<div class="gk-exceptions">' + table_html(
        table, caption=f"Exceptions, {fmt.term_label(s.term)}") + "</div>"))

