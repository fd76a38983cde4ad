"""Benchmark: validate an attendance.csv of N rows (default 1,000,000) half of them repeats.

An export pasted twice is a realistic way to get here; validation must stay linear.
Prints rows, seconds (wall and CPU: on a shared machine CPU is the fair figure), peak
memory (MB) and problems found. Target: under 30 s, 2 GB.

    .venv/bin/python benchmarks/validate_repeats.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from govkit.data.validate import validate_drop
from govkit.plan.config import School, Trust

GROUPS = ("all", "disadvantaged", "not_disadvantaged", "send", "not_send")


def write_drop(folder: Path, rows: int) -> tuple[Path, Trust]:
    """A census, and an attendance file whose second half repeats its first."""
    half = rows // 2
    per_school = 3 * len(GROUPS)  # three terms x five groups
    schools = -(-half // per_school)
    urns = [100000 + i for i in range(schools)]
    terms = ["2024-25-autumn", "2024-25-spring", "2024-25-summer"]
    trust = Trust(name="Benchmark Trust", terms=terms,
                  schools=[School(urn=u, name=f"School {u}", phase="primary") for u in urns])
    lines = []
    for u in urns:
        for t in terms:
            for g in GROUPS:
                lines.append(f"{u},{t},{g},200,28000,1400,300,30,2\n")
    lines = lines[:half]
    with (folder / "attendance.csv").open("w") as f:
        f.write("urn,term,pupil_group,pupils,sessions_possible,sessions_absent,"
                "sessions_unauthorised,persistent_absentees,severe_absentees\n")
        f.writelines(lines)
        f.writelines(lines[: rows - half])
    with (folder / "census.csv").open("w") as f:
        f.write("urn,term,pupils_on_roll,disadvantaged,send_support,ehcp,eal\n")
        f.writelines(f"{u},2024-25-autumn,200,50,30,4,12\n" for u in urns)
    return folder, trust


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        drop, trust = write_drop(Path(tmp), args.rows)
        started, cpu = time.perf_counter(), time.process_time()
        problems = validate_drop(drop, trust)
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    errors = sum(p.severity == "error" for p in problems)
    print(f"validate {args.rows:,} attendance rows (50% repeats): {took:.1f} s, "
          f"({cpu:.1f} s CPU), peak {peak:,.0f} MB, {errors:,} error(s)")
    sys.exit(0 if took < 30 and peak < 2048 else 1)


if __name__ == "__main__":
    main()
