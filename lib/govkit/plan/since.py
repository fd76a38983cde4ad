"""What changed since the board last met: KPIs that turned red, recovered, or moved
between green and amber.

Compares the ratings the Evaluator gave this term with those it gives the term of the
last meeting (trust.yaml's ``board.last_meeting``, else the term before): no figure is
worked out again, so a rating named here is the one the reports show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from govkit.plan import fmt
from govkit.plan.config import Trust
from govkit.plan.rating import RAG_ORDER
from govkit.plan.result import KpiResult
from govkit.terms import parse_term

if TYPE_CHECKING:  # in annotations only
    from govkit.plan.evaluate import Evaluator

KINDS = ("turned_red", "recovered", "moved")
KIND_TITLES = {"turned_red": "Turned red", "recovered": "No longer red",
               "moved": "Other changes of rating"}


@dataclass(frozen=True)
class Change:
    """One KPI at one place whose rating changed since the last meeting."""

    kind: str  # turned_red, recovered, moved
    urn: int | None
    place: str
    kpi_id: str
    label: str
    before: str  # the rating at the last meeting: green, amber or red
    after: str
    value: str  # this term's figure as shown
    target: str
    row: KpiResult  # this term's evaluated result (hooks, questions)


def last_meeting(trust: Trust, term: str) -> str | None:
    """The term the board last met on before ``term``: trust.yaml's ``board.last_meeting``
    if it is earlier than ``term``, else the trust's term before it (None for its first)."""
    t = parse_term(term)
    configured = trust.board.last_meeting
    if configured is not None and parse_term(configured) < t:
        return configured
    earlier = [x for x in trust.terms if parse_term(x) < t]
    return earlier[-1] if earlier else None


def _rated(row: KpiResult) -> str | None:
    """The result's RAG if it was rated on a figure (not too few, not withheld)."""
    if row.status != "ok":
        return None
    return row.rating if row.rating in RAG_ORDER else None


def kind_of(before: str | None, after: str | None) -> str | None:
    """turned_red, recovered, moved, or None when the rating did not change (or either
    term has none: a first figure is not a change)."""
    if before is None or after is None or before == after:
        return None
    if after == "red":
        return "turned_red"
    if before == "red":
        return "recovered"
    return "moved"


def by_kpi(cs: list[Change]) -> list[tuple[str, list[Change]]]:
    """Changes grouped as a trust's page lists them, one line per KPI (by its label as
    shown), the KPI changed at most places first: its heading counts these lines."""
    groups: dict[str, list[Change]] = {}
    for c in cs:
        groups.setdefault(c.label, []).append(c)
    return sorted(groups.items(), key=lambda kv: -len(kv[1]))


def changes(ev: Evaluator, term: str, urns: list[int | None],
            audience: str = "board") -> list[Change]:
    """Every rating change at these places (None: the trust) since the last meeting,
    turned red first, then no longer red, then the rest; each place in the given order."""
    then_term = last_meeting(ev.trust, term)
    if then_term is None:
        return []
    out = []
    for urn in urns:
        place = ev.trust.name if urn is None else ev.trust.school(urn).name
        then = {r.kpi_id: _rated(r) for r in ev.results(then_term, urn, audience=audience)}
        for r in ev.results(term, urn, audience=audience):
            before, after = then.get(r.kpi_id), _rated(r)
            k = kind_of(before, after)
            if k is None or before is None or after is None:  # no change: kind_of's None
                continue
            out.append(Change(k, urn, place, r.kpi_id, r.name, before, after,
                              fmt.value(r.value, r.unit, r.status),
                              fmt.value(r.target, r.unit), r))
    return sorted(out, key=lambda c: KINDS.index(c.kind))
