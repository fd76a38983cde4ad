"""How a value is rated against its target: one rule for every report, trigger and count."""

from __future__ import annotations

import pandas as pd

RAG_ORDER = ("red", "amber", "green")
EPSILON = 1e-9  # values are worked out in floating point: 95.0 must equal a target of 95


def rag(value: float | None, target: float | None, tolerance: float,
        direction: str) -> str | None:
    """Green on or beyond target (in the good direction), amber within tolerance, red beyond."""
    if value is None or target is None or pd.isna(value) or pd.isna(target):
        return None
    short = (target - value) if direction == "higher" else (value - target)
    if short <= EPSILON:
        return "green"
    if short <= tolerance + EPSILON:
        return "amber"
    return "red"


def combine_rag(rags: list[str | None]) -> str | None:
    """A headline: red if any red, amber if any amber, else green; None if nothing rated."""
    rated = [r for r in rags if r in RAG_ORDER]
    if not rated:
        return None
    return min(rated, key=RAG_ORDER.index)
