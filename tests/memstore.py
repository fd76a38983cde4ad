"""Tiny in-memory stores for measure and evaluation tests: every contract table, empty
unless a test fills it, with the store's column types."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from govkit.data.contract import DOMAINS
from govkit.data.store import sql_type
from govkit.data.validate import pandas_dtype
from govkit.plan.config import Plan, School, Trust
from govkit.plan.result import KpiResult

URN_A, URN_B, URN_C = 100001, 100002, 100003


def memstore(**tables: list[dict[str, Any]]) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with every domain's table; ``name=[{col: value}, ...]`` fills one."""
    con = duckdb.connect()
    for name, domain in DOMAINS.items():
        cols = domain.schema.columns
        ddl = ", ".join(f'"{n}" {sql_type(pandas_dtype(c))}' for n, c in cols.items())
        con.execute(f'CREATE TABLE "{name}" ({ddl})')
        rows = tables.pop(name, [])
        if rows:
            df = pd.DataFrame([{n: r.get(n) for n in cols} for r in rows], dtype=object)
            con.register("incoming", df)
            con.execute(f'INSERT INTO "{name}" SELECT * FROM incoming')
            con.unregister("incoming")
    if tables:
        raise KeyError(f"not contract tables: {', '.join(tables)}")
    return con


def schools(*phases: str) -> list[dict[str, Any]]:
    """schools rows: URN_A, URN_B, URN_C ... with these phases."""
    urns = [URN_A, URN_B, URN_C]
    return [{"urn": urns[i], "name": f"School {i + 1}", "phase": p, "capacity": None}
            for i, p in enumerate(phases)]


def trust(*phases: str, threshold: int = 5, public_threshold: int = 10,
          terms: list[str] | None = None) -> Trust:
    urns = [URN_A, URN_B, URN_C]
    return Trust(
        name="Test Trust",
        schools=[School(urn=urns[i], name=f"School {i + 1}", phase=p)
                 for i, p in enumerate(phases)],
        terms=terms or ["2023-24-autumn", "2023-24-spring", "2023-24-summer",
                        "2024-25-autumn", "2024-25-spring", "2024-25-summer"],
        suppression={"threshold": threshold, "public_threshold": public_threshold},
    )


def plan(kpis: list[dict[str, Any]], triggers: list[dict[str, Any]] | None = None,
         narrative: bool = False) -> Plan:
    criteria: list[dict[str, Any]] = [{"id": "c1", "text": "Figures improve", "kpis": kpis}]
    if narrative:
        criteria.append({"id": "c2", "text": "Leaders review the curriculum",
                         "evidence": "narrative"})
    return Plan.model_validate({
        "name": "Test plan",
        "priorities": [{"id": "p1", "title": "Priority one", "success_criteria": criteria}],
        "triggers": triggers or [],
    })


def attendance(urn: int, term: str, possible: int, absent: int, pupils: int = 100,
               group: str = "all", pa: int = 0, severe: int = 0,
               unauthorised: int | None = 0) -> dict[str, Any]:
    return {"urn": urn, "term": term, "pupil_group": group, "pupils": pupils,
            "sessions_possible": possible, "sessions_absent": absent,
            "sessions_unauthorised": unauthorised, "persistent_absentees": pa,
            "severe_absentees": severe}


def result(urn: int, year: str, indicator: str, cohort: int | None, pupils: int | None = None,
           score: float | None = None, group: str = "all", stage: str = "ks2",
           status: str | None = None, note: str | None = None) -> dict[str, Any]:
    return {"urn": urn, "academic_year": year, "key_stage": stage, "pupil_group": group,
            "indicator": indicator, "cohort": cohort, "pupils": pupils, "score": score,
            "status": status, "note": note}


def kpi(**fields: Any) -> KpiResult:
    """A KPI result with these fields, the rest None (``rating`` its ``rag`` unless
    given), for a renderer's test: what ``Evaluator.results`` gives, field by field."""
    fields.setdefault("rating", fields.get("rag"))
    return KpiResult(**{**dict.fromkeys(KpiResult._fields), **fields})
