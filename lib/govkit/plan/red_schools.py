"""A trust row names the schools red on its KPI: a trust total in the amber must never
hide a school in the red."""

from __future__ import annotations

from collections.abc import Callable, Collection

from govkit.plan import fmt
from govkit.plan.result import KpiResult


def name_red_schools(rows: list[KpiResult],
                     schools: list[tuple[int, str, list[KpiResult]]],
                     counted: Callable[[str], Collection[int]]) -> list[KpiResult]:
    """Each trust result with its ``red_schools`` and ``red_school_values`` filled from the
    schools' own results (``schools``: URN, name, the results its own reports use: no
    second evaluation), naming only the schools the trust's figure counts
    (``counted(measure)``), not one that joined later."""
    # each school's red KPIs looked up once (kpi_id -> its red result)
    reds: list[tuple[int, str, dict[str, KpiResult]]] = []
    for urn, name, place_rows in schools:
        red: dict[str, KpiResult] = {}
        for r in place_rows:
            if r.rag == "red" and r.kpi_id not in red:
                red[r.kpi_id] = r
        reds.append((urn, name, red))
    out = []
    for row in rows:
        if row.status == "narrative" or row.measure is None:
            out.append(row)
            continue
        names, shown = [], []
        now = counted(row.measure)
        for urn, name, red in reds:
            found = red.get(row.kpi_id) if urn in now else None
            if found is not None:
                names.append(name)
                shown.append(fmt.value(found.value, found.unit, found.status))
        out.append(row._replace(red_schools="; ".join(names) or None,
                                red_school_values="; ".join(shown) or None))
    return out
