"""The plan's actions, tracked: are we doing what we said, on time?

plan.yaml names each priority's actions (title, owner, due term, evidence of done); the
data drop's ``actions`` table says, term by term, where each stands for the trust (blank
URN) or a school. An action past its due term without "done" is overdue whatever the row
says, and an action of the trust with no report at all is "no update" (overdue too once
its term has passed): nobody has to remember to say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from govkit.plan import fmt
from govkit.terms import parse_term

if TYPE_CHECKING:  # in annotations only
    from govkit.plan.evaluate import Evaluator

STATUS_WORDS = {"not_started": "not started", "on_track": "on track", "at_risk": "at risk",
                "done": "done", "overdue": "overdue", None: "no update"}
# how an action's status reads first in a list: the late and the at risk at the top
STATUS_ORDER = ("overdue", "at_risk", None, "not_started", "on_track", "done")


@dataclass(frozen=True)
class ActionStatus:
    """One action of the plan at one place this term."""

    action_id: str
    priority_id: str
    title: str
    owner: str
    due: str  # a term id
    evidence: str | None
    urn: int | None  # None: the trust
    place: str
    status: str | None  # not_started, on_track, at_risk, done, overdue; None: no update
    reported: str | None  # what the row said (differs from status when past due)
    note: str | None

    @property
    def due_label(self) -> str:
        return fmt.term_label(self.due)

    @property
    def status_words(self) -> str:
        words = STATUS_WORDS[self.status]
        if self.status == "overdue" and self.reported not in (None, "overdue"):
            words += f" (reported {STATUS_WORDS[self.reported]})"
        return words


def effective_status(reported: str | None, due: str, term: str) -> str | None:
    """The reported status, but overdue once ``term`` is past the due term and it is not
    done (a report of "no update" too)."""
    if reported != "done" and parse_term(term) > parse_term(due):
        return "overdue"
    return reported


def _reports(ev: Evaluator, term: str) -> dict[tuple[int | None, str], dict[str, Any]]:
    """This term's action rows keyed by (URN or None, action id)."""
    df = ev.tables.frames.get("actions")
    if df is None or df.empty:
        return {}
    now = df[df["term"] == term]
    out = {}
    for r in now.to_dict("records"):
        u = None if fmt.is_missing(r["urn"]) else int(r["urn"])
        out[(u, str(r["action_id"]))] = r
    return out


def tracked(ev: Evaluator, term: str, urn: int | None | Literal["all"] = None,
            priority: str | None = None) -> list[ActionStatus]:
    """The plan's actions at a place this term, late and at risk first: the trust's
    (``urn`` None: every action, reported or not), a school's (the actions it reports on),
    or ``"all"`` (the trust's, then every school's). ``priority``: one priority's only."""
    rows = _reports(ev, term)
    places: list[int | None] = [None, *ev.trust.urns] if urn == "all" else [urn]
    out = []
    for place in places:
        name = ev.trust.name if place is None else ev.trust.school(place).name
        for p, a in ev.plan.actions():
            if priority is not None and p.id != priority:
                continue
            r = rows.get((place, a.id))
            if r is None and place is not None:
                continue  # a school reports only on what it carries out
            reported = None if r is None else str(r["status"])
            note = None if r is None or fmt.is_missing(r.get("note")) else str(r["note"])
            out.append(ActionStatus(a.id, p.id, a.title, a.owner, a.due, a.evidence, place,
                                    name, effective_status(reported, a.due, term), reported,
                                    note))
    return sorted(out, key=lambda x: STATUS_ORDER.index(x.status))
