"""`govkit kpis` on the demo trust: the table as CSV, by phase, and its clear errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from govkit.cli import app

ROOT = Path(__file__).resolve().parents[1]
TERM = "2024-25-summer"


def _kpis(tmp_path: Path, *extra: str):
    args = ["kpis", "--term", TERM, "--params", str(ROOT / "params"),
            "--data", str(ROOT / "data" / "demo"), "--store", str(tmp_path / "s.duckdb"),
            *extra]
    return CliRunner().invoke(app, args)


def test_trust_kpis_as_csv_one_row_per_kpi_of_the_plan(tmp_path):
    r = _kpis(tmp_path, "--trust", "--csv", str(tmp_path / "k.csv"))
    assert r.exit_code == 0, r.output
    df = pd.read_csv(tmp_path / "k.csv")
    assert len(df) == 46  # the demo plan's KPIs, narrative ones included
    att = df[df["measure"] == "attendance_rate"].iloc[0]
    # a rate is numerator / denominator, never an average of schools' rates
    assert att["value"] == pytest.approx(100 * att["numerator"] / att["denominator"])
    assert set(df["status"]) <= {"ok", "narrative", "not_published", "suppressed"}


def test_by_phase_gives_each_phase_its_own_national(tmp_path):
    r = _kpis(tmp_path, "--by-phase", "--csv", str(tmp_path / "p.csv"))
    assert r.exit_code == 0, r.output
    df = pd.read_csv(tmp_path / "p.csv")
    att = df[df["measure"] == "attendance_rate"].set_index("phase")
    assert list(att.index) == ["primary", "secondary", "special"]
    assert list(att["schools"]) == [9, 2, 1]
    assert (att.loc["primary", "national_value"], att.loc["secondary", "national_value"]) == (
        94.5, 91.1)
    assert not att.loc["special", "national_like_for_like"]  # only an all-schools figure


def test_clear_errors_exit_2(tmp_path):
    r = _kpis(tmp_path, "--school", "999999")
    assert r.exit_code == 2
    assert "URN 999999 is not a school of Kestrel Valley Learning Trust" in r.output
    r = _kpis(tmp_path, "--by-phase", "--school", "148101")
    assert r.exit_code == 2 and "--by-phase covers the whole trust" in r.output
