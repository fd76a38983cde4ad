"""Helpers for notebooks/explore.ipynb: the store's figures as plain DataFrames a leader
can filter and chart in JupyterLab, every figure from the same Evaluator the reports use.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import pandas as pd

from govkit.data.contract import DOMAINS
from govkit.plan.measures import MEASURES
from govkit.reports.context import Context, _store_table

LAB_SESSION_ENV = "JPY_SESSION_NAME"  # jupyter_server sets it for a kernel Lab started


def in_lab() -> bool:
    """True in a kernel JupyterLab (or Notebook) started; False under nbval, papermill or
    nbconvert, which run kernels without a server session."""
    return bool(os.environ.get(LAB_SESSION_ENV))


def interactive_tables(on: bool | None = None) -> bool:
    """Sortable, filterable tables (itables) for every DataFrame shown, in Lab only: an
    export or a test run keeps pandas' plain tables. Returns whether they are on."""
    on = in_lab() if on is None else on
    if not on:
        return False
    try:
        import itables
    except ImportError:  # the lab extra is not installed: plain tables
        return False
    itables.init_notebook_mode(all_interactive=True)
    return True


def measures(ctx: Context | None = None) -> pd.DataFrame:
    """Every measure govkit can work out: id, label, unit, better direction, in the plan."""
    planned = ctx.plan.measures() if ctx is not None else set()
    return pd.DataFrame([{"measure": mid, "label": m.label, "unit": m.unit,
                          "better": m.direction, "domain": m.domain, "in_plan": mid in planned}
                         for mid, m in MEASURES.items()])


def school_by_school(ctx: Context, measure_ids: Sequence[str] | None = None,
                     term: str | None = None) -> pd.DataFrame:
    """One row a school, one column a measure (the plan's by default) for a term: the
    figures as the report's audience may see them (withheld ones are empty)."""
    term = term or ctx.term
    ids = list(measure_ids) if measure_ids is not None else sorted(ctx.plan.measures())
    table = pd.DataFrame({"urn": ctx.trust.urns,
                          "school": [ctx.trust.label(s.urn) for s in ctx.trust.schools],
                          "phase": [s.phase for s in ctx.trust.schools]})
    for mid in ids:
        df = ctx.ev.compare_schools(mid, term, ctx.audience)
        table[mid] = df["value"].astype("Float64").to_numpy()
    return table


def tables() -> list[str]:
    """The names of the store's tables (one per file of the data contract)."""
    return list(DOMAINS)


def store_table(ctx: Context, name: str) -> pd.DataFrame:
    """A raw table of the store, as the data drop gave it, with the contract's types."""
    return _store_table(ctx, name)


def label(measure_id: str) -> str:
    """A measure's label for a chart or a heading."""
    return MEASURES[measure_id].label


def unit(measure_id: str) -> Any:
    """A measure's unit ('percent', 'days', ...): charts format their axis by it."""
    return MEASURES[measure_id].unit
