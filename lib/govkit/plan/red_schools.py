"""A trust row names the schools red on its KPI: a trust total in the amber must never
hide a school in the red."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from govkit.plan import fmt
from govkit.plan.result import KpiResult


def name_red_schools(rows: list[dict[str, Any]],
                     schools: list[tuple[int, str, list[KpiResult]]],
                     counted: Callable[[str], Collection[int]]) -> None:
    """Fill each trust row's ``red_schools`` and ``red_school_values`` from the schools'
    own rows (``schools``: URN, name, the rows its own reports use: no second evaluation),
    naming only the schools the trust's figure counts (``counted(measure)``), not one that
    joined later."""
    # each school's red KPIs looked up once (kpi_id -> its red row)
    reds: list[tuple[int, str, dict[str, KpiResult]]] = []
    for urn, name, place_rows in schools:
        red: dict[str, KpiResult] = {}
        for r in place_rows:
            if r.rag == "red" and r.kpi_id not in red:
                red[r.kpi_id] = r
        reds.append((urn, name, red))
    for row in rows:
        if row["status"] == "narrative":
            continue
        names, shown = [], []
        now = counted(row["measure"])
        for urn, name, red in reds:
            found = red.get(row["kpi_id"]) if urn in now else None
            if found is not None:
                names.append(name)
                shown.append(fmt.value(found.value, found.unit, found.status))
        row.update(red_schools="; ".join(names) or None,
                   red_school_values="; ".join(shown) or None)
