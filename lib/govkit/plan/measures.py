"""Computing the catalogue's measures (govkit.plan.catalogue) from the store's tables.

A measure is a ratio of two column sums (or a total, or the gap between two measures),
never an average of percentages: a trust or phase figure sums each school's numerator and
denominator, so a big school weighs more than a small one. ``compute`` does that for any
set of schools and a term. The catalogue's names are re-exported here, as before.

Periods. Most tables are per term and a term's figure uses that term's rows. Results
(KS2, KS4, phonics) are per academic year and belong to its summer term: a term shows
the most recent results published by then, i.e. that year's in the summer term and the
previous summer's in autumn and spring (``period`` says which year the figure is for).
Surveys run once a year: a term uses each school's most recent survey in the twelve
months up to and including it. ``schools.capacity`` has no period.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import duckdb
import pandas as pd

from govkit.data.contract import DOMAINS
from govkit.plan.catalogue import (
    COUNTED,
    GSS_TO_STATUS,
    HELPERS,
    HIGH_RISK_SCORE,
    KS2_PHASES,
    MEASURES,
    PHONICS_PHASES,
    PLAN_MEASURES,
    PRIMARY,
    ROLL,
    SCHOOL_AGE,
    SECONDARY,
    STATUSES,
    UNITS,
    UNPUBLISHED,
    Measure,
    MeasureValue,
    Sum,
    Where,
    is_high_risk,
    is_overdue,
    judged,
)
from govkit.terms import Term, parse_term

# the catalogue's names (govkit.plan.catalogue), re-exported as before, and this module's
__all__ = [
    "COUNTED", "GSS_TO_STATUS", "HELPERS", "HIGH_RISK_SCORE", "KS2_PHASES", "MEASURES",
    "PHONICS_PHASES", "PLAN_MEASURES", "PRIMARY", "ROLL", "SCHOOL_AGE", "SECONDARY",
    "STATUSES", "UNITS", "UNPUBLISHED", "Measure", "MeasureValue", "Sum", "Where",
    "is_high_risk", "is_overdue", "judged",
    "Cell", "Cells", "Tables", "applies", "compute", "compute_from", "database_file",
    "pupils_in_scope", "results_year",
]


def _derived(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Columns the catalogue sums that the contract does not store."""
    if name == "attendance":
        df["sessions_present"] = (df["sessions_possible"].astype("float64")
                                  - df["sessions_absent"].astype("float64"))
    elif name == "attainment":
        score, cohort = df["score"].astype("float64"), df["cohort"].astype("float64")
        df["score_x_cohort"] = score * cohort
        # DfE's limits are score +/- 1.96 SE; a weighted mean of schools has SE
        # sqrt(sum((n_i SE_i)^2)) / N, so each school adds (n_i x half-width_i)^2
        half = (df["upper"].astype("float64") - df["lower"].astype("float64")) / 2
        df["ci_spread"] = (half * cohort) ** 2
    elif name == "finance":
        df["in_year_balance"] = (df["income"].astype("float64")
                                 - df["expenditure"].astype("float64"))
    return df


Cell = tuple[float | None, str | None]  # a school's sum for a period, and a GSS symbol
Cells = dict[str | None, dict[int | None, Cell]]  # period -> urn (None: trust rows) -> cell


def _read_frames(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    return {name: _derived(name, con.execute(f'SELECT * FROM "{name}"').df())
            for name in DOMAINS}


def database_file(con: duckdb.DuckDBPyConnection) -> str | None:
    """The file a DuckDB connection reads (None for an in-memory database)."""
    rows = con.execute("PRAGMA database_list").fetchall()
    return rows[0][2] if rows and rows[0][2] else None


class Tables:
    """The store's tables read once, and each Sum worked out per school and period once.

    Evaluating a plan asks for the same sums many times (each school, the trust, last
    term, last year); reading DuckDB once, each column once as a plain list, and then
    answering from plain dictionaries keeps a whole trust's evaluation well under a
    second (``benchmarks/evaluate.py`` measures it).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection | None,
                 frames: dict[str, pd.DataFrame] | None = None):
        """Read from ``con`` (kept no longer than this), or start from ``frames`` already
        read from the same store (a batch worker's, govkit.batch.warm)."""
        if frames is None:
            if con is None:
                raise ValueError("Tables needs a store connection or its frames")
            frames = _read_frames(con)
        self.frames: dict[str, pd.DataFrame] = dict(frames)
        self._cells: dict[tuple, Cells] = {}
        self._survey_terms: dict[tuple, dict[int | None, str]] = {}
        self._values: dict[tuple, MeasureValue] = {}
        self._columns: dict[tuple, list] = {}
        schools = self.frames["schools"]
        self.phase: dict[int, str] = {int(u): str(p) for u, p in
                                      zip(schools["urn"], schools["phase"], strict=True)}
        # period -> the schools a trust figure for it counts (None: every school): set by
        # the Evaluator from trust.yaml (the trust as it was, or like for like)
        self.members: Callable[[str], frozenset[int]] | None = None
        self.imported_national: dict | None = None  # DfE's national rows, read once

    def in_trust(self, period: str | None) -> Callable[[int], bool]:
        """Whether a school counts in the trust's figure for ``period``."""
        if self.members is None or period is None:
            return lambda urn: True
        members = self.members(period)
        return lambda urn: urn in members

    def column(self, table: str, name: str | None, floats: bool = False) -> list:
        """A column as a plain list (numbers as floats, NaN for blank), read once."""
        key = (table, name, floats)
        if key not in self._columns:
            df = self.frames[table]
            if name is None:
                self._columns[key] = [None] * len(df)
            elif floats:
                self._columns[key] = df[name].astype("float64").tolist()
            else:
                self._columns[key] = df[name].astype(object).tolist()
        return self._columns[key]

    def cells(self, s: Sum) -> Cells:
        """The sum per period and school; a value is None if every matching cell is blank."""
        if s.key in self._cells:
            return self._cells[s.key]
        df = self.frames[s.table]
        keep = [True] * len(df)
        for col, val in s.where:
            keep = [k and v is not pd.NA and v == val  # NA == val is NA, not False
                    for k, v in zip(keep, self.column(s.table, col), strict=True)]
        if s.rows is not None:
            keep = [k and bool(r) for k, r in zip(keep, s.rows(df).tolist(), strict=True)]
        period_col = {"term": "term", "academic_year": "academic_year",
                      "none": None}[DOMAINS[s.table].period]
        urns = self.column(s.table, "urn")
        periods = self.column(s.table, period_col)
        gss = self.column(s.table, "status" if s.table == "attainment" else None)
        if s.column is None:
            # Counting rows: a school with rows but none matching counts 0, not "no data".
            values = [1.0 if k else 0.0 for k in keep]
            rows: Iterable[int] = range(len(keep))
        else:
            values = self.column(s.table, s.column, floats=True)
            rows = [i for i, k in enumerate(keep) if k]
        out: Cells = {}
        for i in rows:
            u, p, g, v = urns[i], periods[i], gss[i], values[i]
            urn = None if _nan(u) else int(u)
            per = out.setdefault(p, {})
            old_v, old_g = per.get(urn, (None, None))
            if not _nan(v):
                old_v = float(v) if old_v is None else (
                    max(old_v, float(v)) if s.most else old_v + float(v))
            elif old_g is None and isinstance(g, str):
                old_g = g
            per[urn] = (old_v, old_g)
        self._cells[s.key] = out
        return out


def results_year(term: str | Term) -> str:
    """The academic year whose results are the latest published by ``term``."""
    t = parse_term(str(term)) if not isinstance(term, Term) else term
    return t.academic_year if t.season_index == 2 else t.year_ago().academic_year


def applies(measure: Measure, phase: str | None) -> bool:
    return phase is None or phase in measure.phases


def _nan(x: object) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _numbers(cells: dict[int | None, Cell], places: Iterable[int | None]) -> list[float]:
    """The places' sums that are numbers, in the places' order (a missing place or a
    blank sum left out)."""
    return [v for u in places if u in cells for v in (cells[u][0],) if v is not None]


def _survey_terms(tables: Tables, s: Sum, term: Term) -> dict[int | None, str]:
    """Each school's most recent survey term in the twelve months up to ``term``."""
    key = (s.key, term)
    if key not in tables._survey_terms:
        lo = term.year_ago()
        best: dict[int | None, str] = {}
        for p, per in tables.cells(s).items():
            if p is None:  # rows of no period (a survey's are always of a term)
                continue
            t = parse_term(p)
            if lo < t <= term:
                for u in per:
                    if u not in best or parse_term(best[u]) < t:
                        best[u] = p
        tables._survey_terms[key] = best
    return tables._survey_terms[key]


def compute_from(tables: Tables, measure_id: str, term: str,
                 urns: Iterable[int] | None = None) -> MeasureValue:
    """A measure for the schools ``urns`` (None: the whole trust, trust-level rows too).

    Schools whose phase the measure does not apply to are left out; a school that lacks
    either side of the ratio is left out of both sides, so sums stay like for like.
    """
    key = (measure_id, term, None if urns is None else tuple(urns))
    if key not in tables._values:
        tables._values[key] = _compute(tables, MEASURES[measure_id], term, key[2])
    return tables._values[key]


def _compute(tables: Tables, m: Measure, term: str,
             urns: tuple[int, ...] | None) -> MeasureValue:
    t = parse_term(term)
    whole = urns is None
    chosen = [u for u in (tables.phase if urns is None else urns)
              if applies(m, tables.phase.get(u))]
    if not chosen:
        return MeasureValue(None, None, None, None, "not_applicable")
    if whole and m.kind != "gap" and m.period != "survey":
        member = tables.in_trust(results_year(t) if m.period == "academic_year" else term)
        chosen = [u for u in chosen if member(u)]
        if not chosen:
            return MeasureValue(None, None, None, None, "no_data")
    if m.kind == "gap":
        if m.parts is None:
            raise ValueError(f"gap measure '{m.id}' names no parts")
        a = compute_from(tables, m.parts[0], term, urns)
        b = compute_from(tables, m.parts[1], term, urns)
        period = a.period or b.period
        for part in (a, b):
            if part.status != "ok":
                return MeasureValue(None, None, None, period, part.status)
        if a.value is None or b.value is None:  # never: an "ok" figure has a value
            return MeasureValue(None, None, None, period, "no_data")
        bases = [x for x in (a.base, b.base) if x is not None]
        return MeasureValue(a.value - b.value, None, None, period, "ok", False,
                            min(bases) if bases else None, a.urns)
    if m.numerator is None:
        raise ValueError(f"measure '{m.id}' has no numerator")
    period = results_year(t) if m.period == "academic_year" else term
    per_urn: dict[int | None, str] | None = None
    if m.period == "survey":
        per_urn = _survey_terms(tables, m.numerator, t)
        if whole:
            per_urn = {u: p for u, p in per_urn.items() if u is None or (
                u in chosen and tables.in_trust(p)(u))}
        else:
            per_urn = {u: p for u, p in per_urn.items() if u in chosen}
        if not per_urn:
            return MeasureValue(None, None, None, None, "no_data")
        period = max(per_urn.values(), key=parse_term)
    places: list[int | None] = list(chosen) + ([None] if whole else [])

    def side(s: Sum) -> dict[int | None, Cell]:
        cells = tables.cells(s)
        if DOMAINS[s.table].period == "none":
            per = cells.get(None, {})
            return {u: per[u] for u in places if u in per}
        if per_urn is not None:
            return {u: cells.get(per_urn[u], {}).get(u, (None, None))
                    for u in places if u in per_urn}
        per = cells.get(period, {})
        return {u: per[u] for u in places if u in per}

    num = side(m.numerator)
    den = side(m.denominator) if m.denominator is not None else None
    # the places with both sides, and their sums (in the places' order)
    complete: list[int | None] = []
    nums: list[float] = []
    dens: list[float] = []
    for u in places:
        nv = num[u][0] if u in num else None
        dv = den[u][0] if den is not None and u in den else None
        if nv is None or (den is not None and dv is None):
            continue
        complete.append(u)
        nums.append(nv)
        if dv is not None:
            dens.append(dv)
    if not complete:
        codes = [c[1] for c in list(num.values()) + list((den or {}).values())]
        # The reason most schools give (SUPP for most, blank for one: suppressed), ties in
        # this order.
        order = ("x", "c", "z", "low", "u")
        found = [c for c in order if c in codes]
        if found:
            code = max(found, key=lambda c: (codes.count(c), -order.index(c)))
            return MeasureValue(None, None, None, period, GSS_TO_STATUS[code])
        if period in m.unpublished:  # no rows, but the publisher withheld it that year
            return MeasureValue(None, None, None, period, "not_published")
        return MeasureValue(None, None, None, period, "no_data")
    n = sum(nums)
    d = sum(dens) if den is not None else None
    contributing = tuple(u for u in complete if u is not None)
    value: float
    numerator: float | None
    denominator: float | None
    if m.kind == "total":
        value, numerator, denominator = n, n, None
    elif not d:
        return MeasureValue(None, n, d, period, "no_data", urns=contributing)
    elif m.kind == "mean":
        value, numerator, denominator = n / d, None, d
    else:
        value, numerator, denominator = m.scale * n / d, n, d
    base: float | None = None
    on = m.suppression_base
    if on is not None:
        if on == m.denominator:
            base = d
        elif on == m.numerator:
            base = n
        else:
            cells = side(on)
            base = sum(cells[u][0] or 0.0 for u in complete if u in cells)
    half_width = None
    if m.spread is not None and d:
        parts = _numbers(side(m.spread), complete)
        if parts and len(parts) == len(complete):  # every school's spread known
            half_width = math.sqrt(sum(parts)) / d
    lower: float | None = None
    upper: float | None = None
    if m.limits is not None and len(complete) == 1:  # one school: DfE's limits as printed
        lo, hi = (side(s).get(complete[0], (None, None))[0] for s in m.limits)
        if lo is not None and hi is not None:
            lower, upper = lo, hi
    approximate = False
    if m.published is not None:
        printed = side(m.published)
        shown = _numbers(printed, complete)
        approximate = bool(shown)
        if len(complete) == 1 and len(shown) == 1:
            value = shown[0]  # one school's figure as DfE printed it (80%, not 79.9%)
    return MeasureValue(value, numerator, denominator, period, "ok", False, base, contributing,
                        half_width, lower, upper, approximate)


def pupils_in_scope(tables: Tables, measure_id: str, term: str) -> float | None:
    """All the pupils a trust figure could be built on this period: every school it applies
    to, whether or not its figure is complete ("45 of 68 pupils"); None if not known."""
    m = MEASURES[measure_id]
    b = m.suppression_base
    if b is None or m.kind == "gap" or m.period == "survey" or m.pupil_count:
        return None
    period = results_year(parse_term(term)) if m.period == "academic_year" else term
    cells = tables.cells(b)
    per = cells.get(None, {}) if DOMAINS[b.table].period == "none" else cells.get(period, {})
    member = tables.in_trust(period)
    found = _numbers(per, [u for u in tables.phase if applies(m, tables.phase.get(u))
                           and member(u)])
    return sum(found) if found else None


def compute(con: duckdb.DuckDBPyConnection, measure_id: str, term: str,
            urns: Iterable[int] | None = None) -> MeasureValue:
    """A measure for some schools and a term, straight from a store connection.

    For many figures at once build one ``Tables`` and call ``compute_from``.
    """
    if measure_id not in MEASURES:
        raise KeyError(f"no measure '{measure_id}'; the catalogue has: "
                       + ", ".join(sorted(PLAN_MEASURES)))
    return compute_from(Tables(con), measure_id, term, urns)
