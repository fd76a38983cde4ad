"""Plan evaluation: every KPI of the plan for a school or the trust, for a term.

One ``Evaluator`` per report: it reads the store once, works each figure out once and
keeps it, and answers the notebooks' questions as tidy DataFrames. A notebook never
computes a KPI itself.

Rules, so that a rating means the same in every report:

- target: a number, or national / the trust / the same term last year plus ``offset``;
  no national figure (or trust or last-year figure) means no target and no rating.
- RAG (direction-aware), by the one rule of ``rating``: green when on or beyond target in
  the good direction; amber when short of it by no more than the tolerance; red when short
  by more, except that a figure on pupils with a 95% interval is red only when the
  interval leaves the target out (else amber, "could be chance": the ``chance`` column).
- status for what cannot be rated: ok, no_data, suppressed, not_applicable (phase),
  not_published (the publisher withheld it, e.g. KS2 progress 2023-24 and 2024-25),
  narrative (a leader's comment, from params/commentary/).
- change since last term is only given when last term's figure is for a different
  period (results stay the same from summer to the next spring); ``change_since`` says
  what that figure is: "last term", or "last year" for yearly results (whose figure last
  term is the previous year's) and for a survey a year earlier.
- a KPI whose measure does not apply to the phase has no target either.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from govkit.data.store import file_key
from govkit.errors import ConfigError
from govkit.files import replacing
from govkit.plan.commentary import Comments, comment_for, load_commentary
from govkit.plan.compare import PHASE_COLUMNS, SERIES_COLUMNS, Comparisons
from govkit.plan.config import KPI, Plan, Trust
from govkit.plan.figures import MAINSTREAM
from govkit.plan.figures import like_for_like as _like_for_like
from govkit.plan.history import History
from govkit.plan.measures import MEASURES, MeasureValue, Tables, database_file
from govkit.plan.rating import RAG_ORDER, combine_rag
from govkit.plan.red_schools import name_red_schools
from govkit.plan.result import KpiResult
from govkit.plan.story import change_since
from govkit.terms import TermError, parse_term
from govkit.text import cell

# the plan stage's rooms (figures, history, targets, story, compare), importable from here
# as before: notebooks, tests and the reports import them from govkit.plan.evaluate
__all__ = ["COL", "KPI_COLUMNS", "MAINSTREAM", "PHASE_COLUMNS", "RATINGS", "SERIES_COLUMNS",
           "Evaluator", "KpiResult", "_like_for_like", "change_since", "write_csv"]

KPI_COLUMNS = [
    "priority_id", "priority", "criterion_id", "criterion", "kpi_id", "measure", "label",
    "unit", "direction", "evidence", "value", "numerator", "denominator", "period",
    "target", "tolerance", "rag", "status", "previous_value", "change_last_term",
    "change_since", "year_ago_value", "change_last_year", "trust_value", "national_value",
    "national_source", "small_number", "comment",
    # one figure, one story: what every table cell, sentence and chart title reads
    "cohort", "cohort_noun", "cohort_text", "rating", "ci_lower", "ci_upper", "clear", "change",
    "change_basis", "moved", "counted", "pupils_to_change", "rating_after",
    # amber only because the target lies inside the 95% interval: it could be chance
    "chance",
    # why a school has no target on a KPI that has one: nothing fair for its phase
    "unrated",
    # a trust row: the schools red on it, and how much of the trust the figure covers
    "red_schools", "red_school_values", "schools_counted", "schools_in_scope", "pupils_all",
]
COL = {c: i for i, c in enumerate(KPI_COLUMNS)}  # a column's place in a row tuple
assert tuple(KPI_COLUMNS) == KpiResult._fields  # one list of what a KPI result holds
RATINGS = (*RAG_ORDER, "too_few")  # "too_few": a figure on fewer pupils than min_cohort


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as CSV all at once: a temporary file renamed into place. Analysts
    open it in Excel, so text that Excel would run as a formula (a school named
    ``=WEBSERVICE(...)``) is written as text (govkit.text.cell); numbers stay numbers."""
    path = Path(path)
    safe = frame.copy()
    for col in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[col]):
            safe[col] = safe[col].map(cell)
    with replacing(path) as f:
        safe.to_csv(f, index=False)
    return path


class Evaluator(Comparisons, History):
    """Everything a report asks about the plan, for any school or the trust and any term.

    Its rooms: the figures and what they are set beside (``figures``), what a trend's
    years count (``history``), targets (``targets``), what a figure says beyond its value
    (``story``), views across places (``compare``); here, the KPI table they make.
    """

    def __init__(self, trust: Trust, plan: Plan, con: duckdb.DuckDBPyConnection,
                 commentary_dir: str | Path | None = None, warm: Evaluator | None = None):
        """Every table of the store is read from ``con`` now; the connection is not kept
        (close it: see govkit.data.store.open_store).

        ``warm``: an Evaluator a batch worker made before forking this kernel
        (govkit.batch.warm). Made for the same store file, it lends its tables; for the
        same trust, plan and commentary too, every result it has worked out."""
        self.trust = trust
        self.plan = plan
        self.commentary_dir = Path(commentary_dir) if commentary_dir else None
        self.store_key = file_key(database_file(con))
        self._raw: dict[tuple[str, str, int | None], MeasureValue] = {}
        self._shown: dict[tuple[str, str, int | None, str], MeasureValue] = {}
        self._phase_values: dict[tuple, MeasureValue] = {}
        self._comments: dict[str, Comments] = {}
        self._kpis: dict[tuple, pd.DataFrame] = {}
        # each place's KPI rows, (term, urn, priority or None, audience) -> rows: tables,
        # a trust row's red schools and a report's ratings all read them. A row is a tuple
        # in KPI_COLUMNS order (COL): a batch worker keeps every place's, and a tuple
        # takes a fifth of a dict's memory
        self._rows: dict[tuple[str, int | None, str | None, str], list[KpiResult]] = {}
        self._triggers: dict[str, pd.DataFrame] = {}
        self.plan_measures = sorted(plan.measures())
        self.plan_kpis = plan.kpis()  # (priority, criterion, KPI with its id), made once
        self._members: dict[str, frozenset[int]] = {}
        if warm is not None and warm.serves(self):  # same store, trust, plan: its results
            self.tables = warm.tables
            self._raw, self._shown = dict(warm._raw), dict(warm._shown)
            self._phase_values = dict(warm._phase_values)
            self._comments, self._kpis = dict(warm._comments), dict(warm._kpis)
            self._rows, self._triggers = dict(warm._rows), dict(warm._triggers)
            return
        same_store = warm is not None and self.store_key is not None \
            and warm.store_key == self.store_key
        self.tables = Tables(con, warm.tables.frames if warm is not None and same_store
                             else None)
        self.tables.members = self.members

    def serves(self, other: Evaluator) -> bool:
        """Would ``other`` work out exactly what this one has (same store file, trust,
        plan and commentary folder)?"""
        return (self.store_key is not None and self.store_key == other.store_key
                and self.commentary_dir == other.commentary_dir
                and self.trust == other.trust and self.plan == other.plan)

    @classmethod
    def from_paths(cls, params_dir: str | Path | None = None,
                   data_dir: str | Path | None = None,
                   store_path: str | Path | None = None) -> Evaluator:
        """The project's own folders for any None; the store is (re)built if stale."""
        from govkit import paths
        from govkit.data.store import ensure_store, open_store
        from govkit.plan.params import load_params

        pdir = paths.params_dir(params_dir)
        trust, plan = load_params(pdir)
        # None: the configured data folder (GOVKIT_DATA, trust.yaml's data:, the demo)
        store = ensure_store(pdir, data_dir, paths.store_path(store_path), trust=trust,
                             plan=plan)
        with open_store(store) as con:
            return cls(trust, plan, con, pdir / "commentary")

    # --- figures ------------------------------------------------------------------------

    def _comments_for(self, term: str) -> Comments:
        if term not in self._comments:
            self._comments[term] = load_commentary(self.commentary_dir, term)
        return self._comments[term]

    # --- the KPI table ------------------------------------------------------------------

    def check(self, term: str, urn: int | None = None, priority: str | None = None) -> None:
        """Refuse a malformed term, a URN not in the trust or a priority not in the plan."""
        try:
            parse_term(term)
        except TermError as e:
            raise ConfigError(str(e)) from None
        if urn is not None and urn not in self.trust.urns:
            raise ConfigError(f"URN {urn} is not a school of {self.trust.name}; its schools: "
                              + ", ".join(f"{s.urn} {s.name}" for s in self.trust.schools))
        if priority is not None:
            try:
                self.plan.priority(priority)
            except KeyError as e:
                raise ConfigError(str(e.args[0])) from None

    def kpis(self, term: str, urn: int | None = None, priority: str | None = None,
             audience: str = "board") -> pd.DataFrame:
        """One row per KPI of the plan (or of one priority), see ``KPI_COLUMNS``."""
        key = (term, urn, priority, audience)
        if key not in self._kpis:
            self.check(term, urn, priority)
            self._kpis[key] = pd.DataFrame(self._place_rows(term, urn, priority, audience),
                                           columns=KPI_COLUMNS)
        return self._kpis[key].copy()

    def results(self, term: str, urn: int | None = None, priority: str | None = None,
                audience: str = "board") -> list[KpiResult]:
        """Every KPI of the plan (or of one priority) for this place, term and audience,
        each evaluated once: the typed results ``kpis`` is a table of. Shared: they are
        immutable, so a caller may keep them."""
        self.check(term, urn, priority)
        return list(self._place_rows(term, urn, priority, audience))

    def result_of(self, kpi_id: str, term: str, urn: int | None = None,
                  audience: str = "board") -> KpiResult:
        """One KPI's result by its id (``govkit kpis --csv`` lists the ids)."""
        for r in self.results(term, urn, audience=audience):
            if r.kpi_id == kpi_id:
                return r
        raise ConfigError(f"no KPI '{kpi_id}' in the plan (for {audience}); its KPIs: "
                          + ", ".join(k.id or "" for _, _, k in self.plan_kpis))

    def _place_rows(self, term: str, urn: int | None, priority: str | None,
                    audience: str) -> list[KpiResult]:
        """The place's rows, not copied: a priority's are the whole plan's filtered when
        those are known (KPI ids are unique in a plan, so they are the same rows), else
        that priority's alone are worked out."""
        full = self._rows.get((term, urn, None, audience))
        if full is not None:
            return full if priority is None else [r for r in full if r.priority_id == priority]
        key = (term, urn, priority, audience)
        if key not in self._rows:
            self._rows[key] = self._evaluate(term, urn, priority, audience)
        return self._rows[key]

    def _evaluate(self, term: str, urn: int | None, priority: str | None,
                  audience: str) -> list[KpiResult]:
        comments = self._comments_for(term)
        rows = []
        for p, c, k in self.plan_kpis:
            if priority is not None and p.id != priority:
                continue
            if k.audience and audience not in k.audience:
                continue
            row: dict[str, Any] = dict.fromkeys(KPI_COLUMNS)
            row.update(priority_id=p.id, priority=p.title, criterion_id=c.id,
                       criterion=c.text, kpi_id=k.id, measure=k.measure,
                       evidence=k.evidence, tolerance=self.tolerance(k, urn),
                       small_number=False,
                       comment=comment_for(comments, urn, k.id))
            if k.evidence == "narrative" or k.measure is None:
                row.update(label=k.label or c.text, status="narrative")
                rows.append(row)
                continue
            rows.append(self._data_row(row, k, k.measure, term, urn, audience))
        results = [KpiResult(**r) for r in rows]
        if urn is None:  # a trust total in the amber must never hide a school in the red
            results = name_red_schools(
                results, [(s.urn, self.trust.label(s.urn),
                           self._place_rows(term, s.urn, priority, audience))
                          for s in self.trust.schools_in(term)],
                lambda measure: self.members(self.measure_period(measure, term)))
        return results

    def _data_row(self, row: dict[str, Any], k: KPI, measure: str, term: str,
                  urn: int | None, audience: str) -> dict[str, Any]:
        """A data KPI's row: its figure, target, rating, changes and comparisons
        (``measure``: the KPI's own, which a data KPI always has)."""
        m = MEASURES[measure]
        direction = k.direction or m.direction
        mv = self.value(measure, term, urn, audience)
        t = parse_term(term)
        prev = self.value(measure, t.previous().id, urn, audience)
        ago = self.value(measure, t.year_ago().id, urn, audience)
        trust_mv = self.trust_figure(measure, term, urn, audience)
        bench = self.national(measure, mv.period, urn)
        target, unrated = ((None, None) if mv.status == "not_applicable"
                           else self.target_and_reason(k, term, urn, audience))
        value = mv.value if mv.status == "ok" else None
        ci = self.interval(measure, mv, term, urn, audience)
        rating = self.rate(measure, mv, target, self.tolerance(k, urn), direction, ci)
        prev_v = prev.value if prev.status == "ok" and prev.period != mv.period else None
        ago_v = ago.value if ago.status == "ok" and ago.period != mv.period else None
        row.update(
            label=k.label or m.label, unit=m.unit, direction=direction, value=value,
            numerator=mv.numerator, denominator=mv.denominator, period=mv.period,
            target=target, rag=rating if rating in RAG_ORDER else None, unrated=unrated,
            status=mv.status, previous_value=prev_v,
            change_last_term=None if value is None or prev_v is None else value - prev_v,
            change_since=(None if value is None or prev_v is None
                          else change_since(m.period, mv.period, prev.period)),
            year_ago_value=ago_v,
            change_last_year=None if value is None or ago_v is None else value - ago_v,
            trust_value=trust_mv.value if trust_mv.status == "ok" else None,
            national_value=bench.value if bench else None,
            national_source=bench.citation if bench else None,
            small_number=bool(mv.small_number))
        row.update(self.result(measure, term, urn, audience, mv, target, rating,
                               self.tolerance(k, urn), direction))
        return row

    # --- other views --------------------------------------------------------------------

    def triggers(self, term: str) -> pd.DataFrame:
        """Schools the plan's trigger rules flag this term, with the figures that fired."""
        from govkit.plan.triggers import evaluate_triggers

        if term not in self._triggers:
            self._triggers[term] = evaluate_triggers(self, term)
        return self._triggers[term].copy()

    def grid(self, term: str, audience: str = "board") -> pd.DataFrame:
        """Schools down (and the trust last), data KPI ids across, each cell the RAG."""
        places: list[tuple[int | None, str]] = [(s.urn, self.trust.label(s.urn))
                                                for s in self.trust.schools_in(term)]
        places.append((None, self.trust.name))
        lines = []
        for urn, name in places:
            rated = [r for r in self.results(term, urn, audience=audience)
                     if r.status != "narrative"]
            lines.append(pd.Series([r.rag for r in rated], index=[r.kpi_id for r in rated],
                                   name=name, dtype=object))
        return pd.DataFrame(lines)

    def overall_rag(self, term: str, urn: int | None = None, priority: str | None = None,
                    audience: str = "board") -> str | None:
        """A report's headline RAG: red if any KPI is red, amber if any amber, else green.

        Rated from what ``audience`` sees: a public headline never rests on a hidden figure.
        """
        return self.ratings(term, urn, priority, audience)[0]

    def ratings(self, term: str, urn: int | None = None, priority: str | None = None,
                audience: str = "board", measures: Collection[str] | None = None,
                ) -> tuple[str | None, dict[str, int]]:
        """The headline RAG and how many KPIs are red, amber and green (the index shows
        both: one red among twenty reads differently from twenty reds).

        ``measures``: only the KPIs on these measures, for a report that shows only some
        (a deep dive its own, the public card what it publishes); None for all.
        """
        wanted = None if measures is None else set(measures)
        self.check(term, urn, priority)
        rated = [r.rag for r in self._place_rows(term, urn, priority, audience)
                 if (wanted is None or r.measure in wanted)
                 and r.status == "ok" and r.rag in RAG_ORDER]
        return combine_rag(rated), {c: rated.count(c) for c in RAG_ORDER}
