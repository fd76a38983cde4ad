"""The trust-level rows (compliance, risks, surveys), the plan's actions, and make_demo,
which puts the drop together."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from govkit.data.contract import DOMAINS
from govkit.data.demo.builder import _Builder
from govkit.data.demo.schools import (
    TERMS,
    TRUST_COMPLIANCE_ITEMS,
    TRUST_NAME,
    TRUST_RISKS,
    DemoSchool,
    DemoTrust,
    _clip,
    _term_window,
    _weekday,
    roster,
)


def _trust_level(seed: int, rows: dict[str, list[dict]]) -> None:
    """Board and committee meetings, trust compliance items and trust risks (blank urn)."""
    rng = np.random.default_rng([seed, 0])
    board, committee = 10, 5
    for term in TERMS:
        start, end = _term_window(term)
        for body, members, days in (("committee", committee, 80), ("board", board, 88)):
            present = min(members, max(math.ceil(0.7 * members),
                                       round(members * rng.uniform(0.7, 1.0))))
            rows["governance"].append({
                "urn": None, "term": term, "body": body, "members": members,
                "meeting_date": _weekday(start + dt.timedelta(days=days)), "present": present,
                "quorate": present * 2 >= members})
        for area, item in TRUST_COMPLIANCE_ITEMS:
            met = rng.uniform() < 0.88
            rows["compliance"].append({
                "urn": None, "term": term, "area": area, "item": item,
                "status": "met" if met else "partly_met",
                "due_date": end - dt.timedelta(days=14) if met
                else start + dt.timedelta(days=int(rng.integers(30, 60)))})
    for k, (area, title) in enumerate(TRUST_RISKS, 1):
        like, impact = int(rng.integers(2, 5)), int(rng.integers(3, 6))
        for ti, term in enumerate(TERMS):
            if ti % 3 == 0 and ti:
                like = int(_clip(like + int(rng.integers(-1, 2)), 1, 5))
            rows["risks"].append({
                "urn": None, "term": term, "risk_id": f"T{k:02d}", "area": area, "title": title,
                "likelihood": like, "impact": impact, "status": "open"})


# The demo plan's actions (params/plan.yaml, the Odyssey plan) as the trust reported them in
# 2024-25, the plan's first year: (action id, autumn, spring, summer, summer's note). Some
# are done, some on track; "attendance-strategy" and "cpd-guarantee" are past their due
# term and not done (overdue whatever the row says), "wider-leadership" and
# "teacher-training" are at risk.
DEMO_ACTIONS = (
    ("attendance-strategy", "on_track", "at_risk", "at_risk",
     "Adopted by ten of twelve local governing bodies"),
    ("improvement-visits", "on_track", "on_track", "on_track", None),
    ("curriculum-review", "not_started", "on_track", "on_track", None),
    ("career-pathway", "on_track", "done", "done", "Published in March"),
    ("cpd-guarantee", "on_track", "on_track", "on_track",
     "Nine schools give 10 hours a term; three do not yet"),
    ("lgb-handbook", "done", "done", "done", None),
    ("wider-leadership", "on_track", "on_track", "at_risk", "Two posts still to appoint"),
    ("recovery-plans", "on_track", "done", "done", None),
    ("central-procurement", "not_started", "on_track", "on_track", None),
    ("energy-plan", "not_started", "not_started", "not_started", None),
    ("la-specialist", "on_track", "on_track", "on_track", None),
    ("fair-access", "on_track", "on_track", "done", None),
    ("peia", "not_started", "not_started", "on_track", None),
    ("new-schools", "on_track", "on_track", "on_track", None),
    ("teacher-training", "on_track", "at_risk", "at_risk",
     "The university partnership is delayed to next year"),
)
# what the struggling schools report on the actions they carry out themselves
STRUGGLING_ACTIONS = (
    ("attendance-strategy", "at_risk", "Attendance lead on long-term absence"),
    ("recovery-plans", "at_risk", "Plan agreed, but the deficit is larger than the reserves"),
)


def _actions(roster_: list[DemoSchool], rows: dict[str, list[dict]]) -> None:
    """The trust's report on each action of the demo plan, 2024-25, and the struggling
    schools' own reports on the actions they carry out."""
    terms = [t for t in TERMS if t.startswith("2024-25")]
    for action_id, *statuses, note in DEMO_ACTIONS:
        for term, status in zip(terms, statuses, strict=True):
            rows["actions"].append({"urn": None, "term": term, "action_id": action_id,
                                    "status": status,
                                    "note": note if term == terms[-1] else None})
    for s in roster_:
        if not s.struggling:
            continue
        for action_id, status, note in STRUGGLING_ACTIONS:
            for term in terms[1:]:
                rows["actions"].append({"urn": s.urn, "term": term, "action_id": action_id,
                                        "status": status, "note": note})


def _frame(name: str, rows: list[dict]) -> pd.DataFrame:
    """Rows as a frame with exactly the contract's columns and dtypes."""
    from govkit.data.validate import pandas_dtype

    cols = DOMAINS[name].schema.columns
    data: dict[str, pd.Series] = {}
    for col, spec in cols.items():
        values = [r.get(col) for r in rows]
        dtype = pandas_dtype(spec)
        if dtype.startswith("datetime64"):
            data[col] = pd.Series(pd.to_datetime(pd.Series(values, dtype=object))).astype(dtype)
        elif dtype == "float64":
            data[col] = pd.Series([np.nan if v is None else v for v in values], dtype=dtype)
        elif dtype in ("Int64", "boolean"):
            data[col] = pd.Series(pd.array(values, dtype=dtype))
        else:
            data[col] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(data)


def make_demo(schools: int = 12, seed: int = 2024) -> DemoTrust:
    """The demo trust's schools and one frame per domain; same arguments, same figures."""
    roster_ = roster(schools)
    rows: dict[str, list[dict]] = {name: [] for name in DOMAINS}
    for s in roster_:
        rows["schools"].append({"urn": s.urn, "name": s.name, "phase": s.phase,
                                "capacity": s.capacity, "local_authority": s.local_authority,
                                "joined_trust": s.joined_trust})
    for i, s in enumerate(roster_):
        b = _Builder(s, seed, rows)
        b.census()
        b.attendance()
        b.behaviour()
        b.ks2()
        b.phonics()
        b.ks4()
        b.workforce()
        b.finance()
        b.governance(i)
        b.compliance()
        b.risks()
        b.surveys()
        b.partnerships()
    _trust_level(seed, rows)
    _actions(roster_, rows)
    frames = {name: _frame(name, rows[name]) for name in DOMAINS}
    return DemoTrust(TRUST_NAME, seed, roster_, list(TERMS), frames)
