"""Leaders in JupyterLab: what one kernel shows after the data changes, and what a leader's
own cells make of the page governors get.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd

from govkit.reports import context

ROOT = Path(__file__).resolve().parents[1]
RIVERSTONE = 148231  # Riverstone High School, a secondary of the demo trust
LATEST = "2024-25-summer"


def _attendance(drop: Path) -> str:
    """Riverstone's attendance this term as the report words it, worked out from the CSV
    by hand: sessions attended over sessions possible, all pupils, one decimal."""
    a = pd.read_csv(drop / "attendance.csv")
    rows = a[(a["urn"] == RIVERSTONE) & (a["term"] == LATEST) & (a["pupil_group"] == "all")]
    rate = 100 * (1 - rows["sessions_absent"].sum() / rows["sessions_possible"].sum())
    return f"Riverstone High School: Attendance {rate:.1f}% in Summer 2025"


def _triple_absences(drop: Path) -> None:
    a = pd.read_csv(drop / "attendance.csv")
    mine = a["urn"] == RIVERSTONE
    a.loc[mine, "sessions_absent"] = (a.loc[mine, "sessions_absent"] * 3).clip(
        upper=a.loc[mine, "sessions_possible"])
    a.to_csv(drop / "attendance.csv", index=False)


def _open(drop: Path, store: Path) -> context.Context:
    """What the priority notebook's set-up cell does, in this one process (one kernel)."""
    return context.open_report(ROOT / "params", drop, store, None, RIVERSTONE, "board",
                               "education")


def test_one_kernel_reopened_on_other_data_reads_the_new_data(tmp_path, capsys):
    """The issue's scenario: the demo, then a copy with Riverstone's absences tripled, then
    that copy edited in place; each reopening shows its own data, as a new kernel would."""
    demo = ROOT / "data" / "demo"
    store = tmp_path / "govkit.duckdb"
    ctx = _open(demo, store)
    assert context.headline(ctx, "attendance_rate") == _attendance(demo)

    copy = tmp_path / "tripled"
    shutil.copytree(demo, copy)
    _triple_absences(copy)
    assert _attendance(copy) != _attendance(demo)
    ctx = _open(copy, store)  # the earlier context still holds its connection
    assert "rebuilding it from" in capsys.readouterr().out
    assert context.headline(ctx, "attendance_rate") == _attendance(copy)
    row = context.kpis(ctx).set_index("measure").loc["attendance_rate"]
    assert f"{row['value']:.1f}" in _attendance(copy)

    # a leader puts the figures back in the copy's CSV (later than the store was built)
    shutil.copy(demo / "attendance.csv", copy / "attendance.csv")
    later = store.stat().st_mtime + 1
    os.utime(copy / "attendance.csv", (later, later))
    ctx = _open(copy, store)
    assert "changed since it was built" in capsys.readouterr().out
    assert context.headline(ctx, "attendance_rate") == _attendance(demo)
