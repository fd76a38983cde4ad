"""Writing the demo drop and its trust.yaml: CSV text as the contract reads it, each file
replaced atomically."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from govkit.data.contract import DOMAINS, IMPORTED_ONLY
from govkit.data.demo.registers import make_demo
from govkit.data.demo.schools import DemoTrust
from govkit.files import write_atomic
from govkit.text import one_line

# --- writing --------------------------------------------------------------------------------

def _cell(value: object, kind: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is pd.NaT:
        return ""
    if kind == "date":
        return pd.Timestamp(value).strftime("%d/%m/%Y")
    if kind == "bool":
        return "yes" if value else "no"
    if kind in ("urn", "count") and isinstance(value, int | float | np.number):
        return str(int(value))
    if isinstance(value, float | np.floating):
        v = float(value)
        return str(int(v)) if v.is_integer() else repr(v)
    return str(value)


def to_csv_text(name: str, frame: pd.DataFrame) -> str:
    """One domain as CSV: contract column order, dd/mm/yyyy dates, yes/no, blank for missing."""
    cols = DOMAINS[name].schema.columns
    kinds = [spec.metadata["kind"] for spec in cols.values()]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(cols))
    for row in frame[list(cols)].itertuples(index=False, name=None):
        w.writerow([_cell(v, k) for v, k in zip(row, kinds, strict=True)])
    return buf.getvalue()


def write_demo(out_dir: str | Path, schools: int = 12, seed: int = 2024) -> DemoTrust:
    """Write <domain>.csv for every domain into out_dir (each file replaced atomically)."""
    demo = make_demo(schools, seed)
    out = Path(out_dir)
    for name, frame in demo.frames.items():
        if name not in IMPORTED_ONLY:  # DfE's national rows: the demo has none
            write_atomic(out / f"{name}.csv", to_csv_text(name, frame))
    return demo


def trust_yaml_text(demo: DemoTrust, plan: str = "plan.yaml") -> str:
    """params/trust.yaml for the demo trust (loads with govkit.plan.config.load_trust)."""
    doc = {
        "name": demo.name,
        "plan": plan,
        "schools": [{"urn": s.urn, "name": s.name, "phase": s.phase,
                     "local_governing_body": s.lgb} for s in demo.schools],
        "terms": list(demo.terms),
        "suppression": {"threshold": 5, "public_threshold": 10},
        # a figure on fewer pupils is shown but not rated ("too few pupils to rate")
        "min_cohort": 10,
        "audiences": ["board", "trust_leaders", "lgb", "school_leaders", "public"],
        "branding": {"primary_colour": "#1d3557", "accent_colour": "#457b9d",
                     "logo_text": "KVLT"},
    }
    header = (f"# The demo trust, written by `govkit demo-data` ({len(demo.schools)} schools, "
              f"seed {demo.seed}).\n# Invented: no real school or person. "
              "Struggling on purpose: " + ", ".join(one_line(s.name) for s in demo.struggling)
              + ".\n")
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def write_trust_yaml(path: str | Path, demo: DemoTrust, plan: str = "plan.yaml") -> Path:
    """Write trust.yaml for the demo trust atomically; returns its path."""
    path = Path(path)
    write_atomic(path, trust_yaml_text(demo, plan))
    return path
