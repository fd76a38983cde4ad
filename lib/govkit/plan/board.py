"""The board summary: the one page a board pack opens with, as data.

What changed since the last meeting (govkit.plan.since), the exceptions that must reach
the board (govkit.plan.exceptions), the plan's actions overdue or at risk, and questions
to ask (govkit.plan.questions), for the whole trust or one school. Everything comes from
the Evaluator's results and the store's rows; the report only lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from govkit.plan.actions import ActionStatus
from govkit.plan.exceptions import BoardException, board_exceptions
from govkit.plan.questions import Question, questions
from govkit.plan.since import Change, changes, last_meeting

if TYPE_CHECKING:  # in annotations only
    from govkit.plan.evaluate import Evaluator

# how many places a trust's page asks questions about, and how many for each: one page
TRUST_PLACES, TRUST_QUESTIONS, SCHOOL_QUESTIONS = 3, 2, 3
# how much each kind of evidence weighs when the trust's page picks its places
WEIGHTS = {"safeguarding": 4, "high_risks": 2, "deficits": 2, "triggers": 1,
           "statutory_compliance": 1, "turned_red": 2}


@dataclass
class BoardSummary:
    term: str
    last_meeting: str | None
    urn: int | None  # None: the whole trust
    place: str
    changes: list[Change]
    exceptions: list[BoardException]
    questions: list[Question]
    actions: list[ActionStatus] = field(default_factory=list)  # overdue or at risk

    def by_area(self) -> dict[str, list[BoardException]]:
        out: dict[str, list[BoardException]] = {}
        for e in self.exceptions:
            out.setdefault(e.area, []).append(e)
        return out

    def by_kind(self) -> dict[str, list[Change]]:
        out: dict[str, list[Change]] = {}
        for c in self.changes:
            out.setdefault(c.kind, []).append(c)
        return out


def attention_order(exceptions: list[BoardException], moved: list[Change]
                    ) -> list[int | None]:
    """Places with evidence, weightiest first (safeguarding counts most), ties in the
    order first met."""
    weight: dict[int | None, int] = {}
    for e in exceptions:
        weight[e.urn] = weight.get(e.urn, 0) + WEIGHTS.get(e.area, 1)
    for c in moved:
        if c.kind == "turned_red":
            weight[c.urn] = weight.get(c.urn, 0) + WEIGHTS["turned_red"]
    return sorted(weight, key=lambda u: -weight[u])


def board_summary(ev: Evaluator, term: str, urn: int | None = None,
                  audience: str = "board", actions: list[ActionStatus] | None = None
                  ) -> BoardSummary:
    """The summary for the trust (``urn`` None: the trust and every school) or one
    school."""
    places: list[int | None] = [None, *ev.trust.urns] if urn is None else [urn]
    moved = changes(ev, term, places, audience)
    found = board_exceptions(ev, term, "all" if urn is None else urn)
    late = [a for a in (actions or []) if a.status in ("overdue", "at_risk")]
    order = attention_order(found, moved)
    if urn is None:
        asked = questions(found, moved, late, TRUST_QUESTIONS, order[:TRUST_PLACES])
    else:
        asked = questions(found, moved, late, SCHOOL_QUESTIONS, [urn])
    place = ev.trust.name if urn is None else ev.trust.school(urn).name
    return BoardSummary(term, last_meeting(ev.trust, term), urn, place, moved, found, asked,
                        late)
