"""Questions a governor can put to a head, made by rules from the evidence.

Each rule reads one exception, change or action the board summary already names, and
words a question that asks what will be done and when it will show: the evidence, not
the figures, is new to no one, so the question says what the board needs to hear next.
A place gets at most ``per_place`` questions, the weightiest rules first (safeguarding,
then comparisons with national, then what turned red, then risks, money, runs of reds,
and late actions).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from govkit.plan.actions import ActionStatus
from govkit.plan.exceptions import BoardException
from govkit.plan.since import Change

# the order rules are tried in: a place's first questions are about its weightiest evidence
RULES = ("safeguarding", "national", "turned_red", "high_risks", "deficits",
         "statutory_compliance", "red_run", "action")


@dataclass(frozen=True)
class Question:
    urn: int | None
    place: str
    rule: str
    text: str


def _lower(text: str) -> str:
    """'Attendance more than...' -> 'attendance more than...'; 'KS2 ...' stays as it is."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _from_exception(e: BoardException) -> tuple[str, str] | None:
    if e.area == "safeguarding":
        return "safeguarding", (f"{e.place}: '{e.item}', {e.detail}, since {e.since_label}. "
                                "Who is putting it right, and when will the board be told "
                                "it is done?")
    if e.area == "statutory_compliance":
        return "statutory_compliance", (f"{e.place}: '{e.item}', {e.detail}. What stopped "
                                        "it being done, and when will it be?")
    if e.area == "high_risks":
        return "high_risks", (f"The risk '{e.item}' at {e.place} {e.detail}, since "
                              f"{e.since_label}. What would bring it down, and who owns it?")
    if e.area == "deficits":
        return "deficits", (f"{e.place} forecasts a deficit larger than its reserves "
                            f"({e.detail}) since {e.since_label}. What is the recovery plan, "
                            "and when will the budget balance?")
    if e.area == "triggers":
        if "national" in e.item.lower():
            return "national", (f"{e.place}: {_lower(e.item)} since {e.since_label}. What "
                                "is the plan, and when should we see it work?")
        return "red_run", (f"{e.place}: {_lower(e.item)}, among them {e.detail}. Which will "
                           "improve first, and what evidence will show it?")
    return None


def _from_change(c: Change) -> tuple[str, str] | None:
    if c.kind != "turned_red":
        return None
    return "turned_red", (f"{c.label} at {c.place} turned red since the last meeting ({c.value}"
                          f" against a target of {c.target}). What changed, and is it a "
                          "one-off or a trend?")


def _from_action(a: ActionStatus) -> tuple[str, str] | None:
    owner = f" ({a.owner})" if a.owner else ""
    if a.status == "overdue":
        return "action", (f"The action '{a.title}'{owner} was due by {a.due_label} and is "
                          "not done. What is holding it up, and what is the new date?")
    if a.status == "at_risk":
        return "action", (f"The action '{a.title}'{owner} is at risk of missing "
                          f"{a.due_label}. What would put it back on track?")
    return None


def questions(exceptions: Iterable[BoardException], changes: Iterable[Change],
              actions: Iterable[ActionStatus] = (), per_place: int = 3,
              places: list[int | None] | None = None) -> list[Question]:
    """Up to ``per_place`` questions for each place with evidence, places in the order
    given (``places``; else as first met), each place's weightiest rules first and one
    question per rule."""
    found: dict[int | None, tuple[str, list[tuple[str, str]]]] = {}
    for e in exceptions:
        q = _from_exception(e)
        if q:
            found.setdefault(e.urn, (e.place, []))[1].append(q)
    for c in changes:
        q = _from_change(c)
        if q:
            found.setdefault(c.urn, (c.place, []))[1].append(q)
    for a in actions:
        q = _from_action(a)
        if q:
            found.setdefault(a.urn, (a.place, []))[1].append(q)
    order = places if places is not None else list(found)
    out = []
    for urn in order:
        if urn not in found:
            continue
        place, qs = found[urn]
        seen: set[str] = set()
        for rule, text in sorted(qs, key=lambda q: RULES.index(q[0])):
            if rule in seen:
                continue
            seen.add(rule)
            out.append(Question(urn, place, rule, text))
            if len(seen) == per_place:
                break
    return out
