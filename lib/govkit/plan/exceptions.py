"""Exceptions: what must reach the board whatever its weight in the grid of KPIs.

A compliance KPI of 92% met is green, yet the item left unmet may be the single central
record. So the board summary names, item by item: safeguarding checklist items not fully
met, other (statutory) checklist items not met or past their due date, open risks at or
above the high-risk score, an in-year deficit larger than the reserves, and schools in
the plan's intervention triggers. Each says the school, the item and since when (the
first term of its unbroken run up to this one). trust.yaml's ``board.exceptions`` says
which of these areas count (all by default).

Read from the same rows the KPIs count (``measures.is_high_risk``, ``measures.is_overdue``)
and the Evaluator's triggers, so the summary never disagrees with a deep dive's register.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from govkit.plan import fmt
from govkit.plan.measures import HIGH_RISK_SCORE, MEASURES, is_high_risk, is_overdue
from govkit.plan.narrative import join_list
from govkit.terms import parse_term

if TYPE_CHECKING:  # in annotations only
    from govkit.plan.evaluate import Evaluator

# the board's words for each area, in the order the summary lists them
AREA_TITLES = {
    "safeguarding": "Safeguarding",
    "statutory_compliance": "Statutory compliance",
    "high_risks": f"Open risks scoring {HIGH_RISK_SCORE} or more",
    "deficits": "Deficits larger than reserves",
    "triggers": "Intervention triggers",
}
STATUS_WORDS = {"not_met": "not met", "partly_met": "partly met"}
UNMET = ("not_met", "partly_met")


@dataclass(frozen=True)
class BoardException:
    """One thing the board must hear about: where, what, how it stands and since when."""

    area: str  # a key of AREA_TITLES
    urn: int | None  # None: the trust itself
    place: str  # the school's name, or the trust's
    item: str
    detail: str
    since: str  # a term id: the first term of the unbroken run up to this one
    source: str = ""  # where it is recorded: the checklist's area, the risk's area and id

    @property
    def item_and_source(self) -> str:
        return f"{self.item} ({self.source})" if self.source else self.item

    @property
    def since_label(self) -> str:
        return fmt.term_label(self.since)


def is_safeguarding(area: Any) -> bool:
    """A checklist area or risk area about safeguarding ("Safeguarding", "safeguarding
    and child protection")."""
    return "safeguard" in str(area).lower()


def _terms_back(ev: Evaluator, term: str) -> list[str]:
    """The trust's terms from ``term`` back to its first, newest first."""
    t = parse_term(term)
    return [x for x in reversed(ev.trust.terms) if parse_term(x) <= t]


def _since(ev: Evaluator, term: str, holds: Callable[[str], bool]) -> str:
    """The first term of the unbroken run of terms, ending at ``term``, where ``holds``."""
    first = term
    for t in _terms_back(ev, term)[1:]:
        if not holds(t):
            break
        first = t
    return first


def _urn(value: Any) -> int | None:
    return None if fmt.is_missing(value) else int(value)


def _place(ev: Evaluator, urn: int | None) -> str:
    return ev.trust.name if urn is None else ev.trust.school(urn).name


def _rows(ev: Evaluator, table: str, urn: int | None | str) -> pd.DataFrame:
    """The store's rows of ``table`` for one school, or all of them (``urn="all"``)."""
    df = ev.tables.frames[table]
    if urn == "all" or df.empty:
        return df
    return df[df["urn"] == urn]


def _runs(ev: Evaluator, term: str, df: pd.DataFrame, held: pd.Series, key: list[str]
          ) -> Callable[[dict[str, Any]], tuple[int | None, str]]:
    """For a row of ``df`` this term: its URN (int or None) and the first term of the
    unbroken run in which a row with its ``key`` (``urn`` first, then the columns naming
    the item) was ``held``."""
    keys = {(row[0], _urn(row[1]), *row[2:])
            for row in df[held][["term", *key]].itertuples(index=False)}

    def run_of(r: dict[str, Any]) -> tuple[int | None, str]:
        item = (_urn(r["urn"]), *(r[k] for k in key[1:]))
        return item[0], _since(ev, term, lambda t: (t, *item) in keys)
    return run_of


def compliance_exceptions(ev: Evaluator, term: str, urn: int | None | str = "all",
                          areas: tuple[str, ...] = ("safeguarding", "statutory_compliance")
                          ) -> list[BoardException]:
    """Checklist items this term: safeguarding ones not fully met (met in part is not
    enough), others not met or past their due date."""
    df = _rows(ev, "compliance", urn)
    if df.empty:
        return []
    safe = df["area"].map(is_safeguarding).astype(bool)
    overdue = is_overdue(df)
    unmet = df["status"].isin(UNMET)
    counts = (safe & unmet & ("safeguarding" in areas)) | (
        ~safe & (((df["status"] == "not_met") | overdue) & ("statutory_compliance" in areas)))
    open_since = _runs(ev, term, df, unmet, ["urn", "area", "item"])
    out = []
    now = df[counts & (df["term"] == term)]
    for i, r in zip(now.index, now.to_dict("records"), strict=True):
        u, since = open_since(r)
        due = r.get("due_date")
        detail = STATUS_WORDS.get(str(r["status"]), str(r["status"]))
        if not fmt.is_missing(due):
            late = bool(overdue.loc[i])
            when = pd.Timestamp(due).strftime("%d %b %Y").lstrip("0")
            detail += f", due {when}" + (" (overdue)" if late else "")
        out.append(BoardException(
            "safeguarding" if is_safeguarding(r["area"]) else "statutory_compliance", u,
            _place(ev, u), str(r["item"]), detail, since, str(r["area"])))
    return out


def risk_exceptions(ev: Evaluator, term: str, urn: int | None | str = "all"
                    ) -> list[BoardException]:
    """Open risks at or above the high-risk score this term, worst first."""
    df = _rows(ev, "risks", urn)
    if df.empty:
        return []
    high = is_high_risk(df)
    high_since = _runs(ev, term, df, high, ["urn", "risk_id"])
    now = df[high & (df["term"] == term)].copy()
    now["score"] = now["likelihood"].astype("int64") * now["impact"].astype("int64")
    out = []
    for r in now.sort_values("score", ascending=False, kind="stable").to_dict("records"):
        u, since = high_since(r)
        out.append(BoardException(
            "safeguarding" if is_safeguarding(r["area"]) else "high_risks", u, _place(ev, u),
            str(r["title"]),
            f"scores {r['score']} of 25 (likelihood {r['likelihood']} x impact "
            f"{r['impact']})", since, f"{r['area']} risk {r['risk_id']}"))
    return out


def deficit_exceptions(ev: Evaluator, term: str, urn: int | None | str = "all"
                       ) -> list[BoardException]:
    """Schools forecasting an in-year deficit larger than their revenue reserve."""
    df = _rows(ev, "finance", urn)
    if df.empty:
        return []
    balance = df["in_year_balance"].astype("float64")
    reserve = df["revenue_reserve"].astype("float64")
    beyond = ((balance < 0) & reserve.notna() & (-balance > reserve)).fillna(False)
    beyond_since = _runs(ev, term, df, beyond, ["urn"])
    out = []
    for r in df[beyond & (df["term"] == term)].to_dict("records"):
        u, since = beyond_since(r)
        out.append(BoardException(
            "deficits", u, _place(ev, u), "In-year deficit larger than the reserves",
            f"forecast deficit {fmt.money(-float(r['in_year_balance']))} against reserves "
            f"of {fmt.money(float(r['revenue_reserve']))}", since))
    return out


def trigger_exceptions(ev: Evaluator, term: str, urn: int | None | str = "all"
                       ) -> list[BoardException]:
    """Schools in the plan's intervention triggers: one line per school and rule, a rule
    that fired on several KPIs naming them, since the earliest of their runs."""
    fired = ev.triggers(term)
    if urn != "all":
        fired = fired[fired["urn"] == urn]

    def holds(key: tuple) -> Callable[[str], bool]:
        """Whether the school's rule fired on the measure in a term (``key``: URN, rule,
        measure)."""
        def fired_in(t: str) -> bool:
            df = ev.triggers(t)
            return bool(((df["urn"] == key[0]) & (df["trigger_id"] == key[1])
                         & (df["measure"] == key[2])).any())
        return fired_in

    groups: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for r in fired.to_dict("records"):
        groups.setdefault((int(r["urn"]), str(r["trigger_id"])), []).append(r)
    out = []
    for (u, tid), rows in groups.items():
        since = min((_since(ev, term, holds((u, tid, r["measure"])))
                     for r in rows), key=parse_term)
        if len(rows) == 1:
            item, detail = str(rows[0]["description"]), str(rows[0]["detail"])
        else:
            labels = [MEASURES[r["measure"]].label for r in rows]
            item = f"{rows[0]['description']} ({len(rows)} KPIs)"
            detail = join_list(labels, most=4)
        out.append(BoardException("triggers", u, str(rows[0]["school"]), item, detail, since))
    return out


def board_exceptions(ev: Evaluator, term: str, urn: int | None | str = "all"
                     ) -> list[BoardException]:
    """Every exception of the term in the areas trust.yaml's ``board.exceptions`` names,
    area by area (safeguarding first); ``urn``: one school's (None: the trust's own)."""
    areas = tuple(ev.trust.board.exceptions)
    found: list[BoardException] = []
    if {"safeguarding", "statutory_compliance"} & set(areas):
        found += compliance_exceptions(ev, term, urn, areas)
    if {"safeguarding", "high_risks"} & set(areas):
        found += [e for e in risk_exceptions(ev, term, urn) if e.area in areas
                  or (e.area == "safeguarding" and "high_risks" in areas)]
    if "deficits" in areas:
        found += deficit_exceptions(ev, term, urn)
    if "triggers" in areas and urn is not None:
        found += trigger_exceptions(ev, term, urn)
    order = list(AREA_TITLES)
    return sorted(found, key=lambda e: order.index(e.area))
