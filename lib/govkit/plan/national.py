"""National benchmarks: the shipped table of DfE published figures, each with its source.

Only figures DfE has published are in ``plan/national_benchmarks.csv``; a measure with no
row there has "no national figure", never an invented one. A figure is looked up for the
phase (primary, secondary) first and then for all schools, for the academic year the
value is for or, failing that, the most recent earlier year: the source line always says
which year it is, and whether it is provisional.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from govkit.errors import ConfigError
from govkit.plan.config import comparison_phase
from govkit.terms import TermError, is_term, parse_academic_year, parse_term

PHASE_GROUP = {"primary": "primary", "secondary": "secondary"}
COLUMNS = ("key", "phase", "academic_year", "value", "unit", "source", "provisional", "note")


@dataclass(frozen=True)
class Benchmark:
    """One published national figure."""

    key: str
    phase: str
    academic_year: str
    value: float
    unit: str
    source: str
    provisional: bool
    note: str

    @property
    def citation(self) -> str:
        """'DfE, Key stage 2 attainment 2023/24 (provisional)': shown beside the figure."""
        return self.source + (" (provisional)" if self.provisional else "")


def _default_path() -> Path:
    return Path(str(resources.files("govkit.plan") / "national_benchmarks.csv"))


def load_benchmarks(path: str | Path | None = None) -> list[Benchmark]:
    """Read and check the table: every row needs a key, a year, a number and a source."""
    path = Path(path) if path else _default_path()
    out: list[Benchmark] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ConfigError(f"{path}: missing column(s): {', '.join(missing)}")
        for row_no, row in enumerate(reader, start=2):
            where = f"{path}:{row_no}"
            try:
                year = parse_academic_year(row["academic_year"])
            except TermError as e:
                raise ConfigError(f"{where}:academic_year: {e}") from None
            try:
                value = float(row["value"])
            except ValueError:
                raise ConfigError(f"{where}:value: '{row['value']}' is not a number") from None
            if not row["source"].strip():
                raise ConfigError(f"{where}:source: every national figure needs its source")
            if row["provisional"] not in ("yes", "no"):
                raise ConfigError(f"{where}:provisional: give yes or no")
            out.append(Benchmark(row["key"].strip(), row["phase"].strip() or "all", year,
                                 value, row["unit"].strip(), row["source"].strip(),
                                 row["provisional"] == "yes", row["note"].strip()))
    return out


Index = dict[tuple[str, str], list[Benchmark]]


@lru_cache(maxsize=1)
def _shipped() -> Index:
    """The table that ships with govkit, read once: package data, not the trust's."""
    return _index(None)


def _index(path: str | None) -> Index:
    idx: Index = {}
    for b in load_benchmarks(path):
        idx.setdefault((b.key, b.phase), []).append(b)
    for rows in idx.values():
        rows.sort(key=lambda b: b.academic_year)
    return idx


def year_of(period: str) -> str:
    """The academic year of a period: a term id or an academic year."""
    return parse_term(period).academic_year if is_term(period) else parse_academic_year(period)


def national(key: str | None, period: str | None, phase: str | None = None,
             path: str | Path | None = None) -> Benchmark | None:
    """The national figure for a benchmark key, a period and a phase, or None if unknown."""
    if not key or not period:
        return None
    year = year_of(period)
    idx = _index(str(path)) if path else _shipped()
    group = comparison_phase(phase) if phase else None
    for ph in ([PHASE_GROUP[group]] if group in PHASE_GROUP else []) + ["all"]:
        rows = [b for b in idx.get((key, ph), []) if b.academic_year <= year]
        if rows:
            return rows[-1]
    return None


# Which national row speaks for a trust's schools: DfE's state-funded figure, else its
# figure for all schools.
NATIONAL_ORDER = ("state-funded", "all")
Imported = dict[tuple[str, str, str, str], Benchmark]  # (stage, indicator, group, year)


def imported_index(frame: Any) -> Imported:
    """DfE's own national rows as imported (the store's benchmarks table), one per key
    stage, indicator, pupil group and year: the state-funded row where the file has it."""
    out: Imported = {}
    if frame is None or len(frame) == 0:
        return out
    nat = frame[frame["area"] == "national"]
    for rank in reversed(NATIONAL_ORDER):  # state-funded last: it wins
        for r in nat[nat["area_code"] == rank].to_dict("records"):
            percent, score = r.get("percent"), r.get("score")
            value = percent if percent is not None and percent == percent else score
            if value is None or value != value:
                continue
            which = "state-funded schools" if rank == "state-funded" else "all schools"
            stage = str(r["key_stage"]).upper()
            year = str(r["academic_year"])
            out[(r["key_stage"], r["indicator"], r["pupil_group"], year)] = Benchmark(
                f"{r['key_stage']}:{r['indicator']}:{r['pupil_group']}", "all", year,
                float(value), "percent" if value is percent else "score",
                f"DfE, {stage} performance tables {year.replace('-', '/')}, national "
                f"({which})", False, str(r.get("source") or ""))
    return out
