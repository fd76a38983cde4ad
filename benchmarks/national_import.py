"""Benchmark: a national KS2 file of about 16,000 schools imported, validated and answering
``govkit kpis`` (target: under 30 s in all).

A trust imports the national file for its own schools (``--trust-schools``, default 40,
spread through the file): the whole file is read, recognised and checked against its LA
row, the trust's rows written. ``--trust-schools 0`` makes every school of the file a
school of the trust (576,000 attainment rows to validate and store): import and validate
then show the column-wise validation at national scale; kpis for a 16,000-school trust is
bounded by evaluating every school's KPIs to name the red ones (govkit.plan.evaluate).

The shared KS2 file (Hampshire, about 330 schools) is replicated to the number of schools
asked for, each copy of a school row under a new URN, the LA and national rows kept once:
the same columns, codes and quirks as DfE's national file. Each step runs the real
command in a fresh process and is timed from outside, so start-up is counted.

    .venv/bin/python benchmarks/national_import.py [--schools 16000] [--trust-schools 40]
"""

from __future__ import annotations

import argparse
import csv
import io
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path("/work/shared/dfe/ks2/2018-2019_850_ks2final.csv")
GOVKIT = [sys.executable, "-m", "govkit.cli"]


def national_file(target: Path, schools: int) -> list[int]:
    """Write the replicated file; returns its school URNs."""
    text = SOURCE.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    at = header.index("URN")
    school_rows = [r for r in body if len(r) > at and r[at].strip().isdigit()]
    other_rows = [r for r in body if not (len(r) > at and r[at].strip().isdigit())]
    urns = []
    with target.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for i in range(schools):
            r = list(school_rows[i % len(school_rows)])
            r[at] = str(200000 + i)
            urns.append(200000 + i)
            w.writerow(r)
        w.writerows(other_rows)
    return urns


def trust_yaml(params: Path, urns: list[int]) -> None:
    params.mkdir(parents=True, exist_ok=True)
    lines = ["name: National Benchmark Trust", "plan: plan.yaml", "schools:"]
    lines += [f"  - {{urn: {u}, name: School {u}, phase: primary}}" for u in urns]
    lines += ["terms: [2018-19-autumn, 2018-19-spring, 2018-19-summer]"]
    (params / "trust.yaml").write_text("\n".join(lines) + "\n")
    shutil.copyfile(ROOT / "params" / "examples" / "odyssey-2024-27.yaml", params / "plan.yaml")


def timed(args: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds and peak MB of the child, and its last line of output
    (CPU is the fair figure on a shared machine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    r = subprocess.run(GOVKIT + args, capture_output=True, text=True)
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    peak = after.ru_maxrss / 1024
    if r.returncode:
        sys.exit(f"govkit {' '.join(args[:1])} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    lines = (r.stdout + r.stderr).strip().splitlines()
    return took, cpu, peak, lines[-1] if lines else ""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--schools", type=int, default=16_000)
    ap.add_argument("--trust-schools", type=int, default=40,
                    help="schools in the trust (0: every school of the file)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        national = tmp / "2018-2019_national_ks2final.csv"
        urns = national_file(national, args.schools)
        if args.trust_schools:
            urns = urns[:: max(1, len(urns) // args.trust_schools)][: args.trust_schools]
        trust_yaml(tmp / "params", urns)
        data, store = tmp / "data", tmp / "govkit.duckdb"
        print(f"{national.name}: {args.schools:,} schools, "
              f"{national.stat().st_size / 1e6:.0f} MB; a trust of {len(urns):,} schools")
        total = total_cpu = 0.0
        for name, argv in (
            ("import", ["import", str(national), "--data", str(data),
                        "--params", str(tmp / "params")]),
            ("validate", ["validate", str(data), "--params", str(tmp / "params")]),
            ("kpis", ["kpis", "--params", str(tmp / "params"), "--data", str(data),
                      "--store", str(store), "--term", "2018-19-summer",
                      "--csv", str(tmp / "kpis.csv")]),
        ):
            if name == "kpis" and not args.trust_schools:
                print("kpis      skipped: a 16,000-school trust's kpis evaluates every school")
                continue
            took, cpu, peak, last = timed(argv)
            total, total_cpu = total + took, total_cpu + cpu
            print(f"{name:9} {took:6.1f} s ({cpu:5.1f} s CPU, peak so far {peak:,.0f} MB)  "
                  f"{last[:80]}")
        rows = sum(1 for _ in (data / "attainment.csv").open()) - 1
        print(f"total     {total:6.1f} s ({total_cpu:5.1f} s CPU) for {rows:,} attainment rows")


if __name__ == "__main__":
    main()
