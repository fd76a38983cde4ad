"""How much faster `govkit run` is than the naive loop, on this machine, in one go.

(a) naive: for each report, the `papermill` CLI then `jupyter nbconvert --to html
    --no-input`, one after the other (what a trust analyst would script first);
(b) `govkit run` cold, into a fresh outputs folder;
(c) `govkit run` again with nothing changed.

    python benchmarks/batch.py                      # the demo trust in params/, data/demo
    python benchmarks/batch.py --sample 6           # (a) on 6 reports, extrapolated
    python benchmarks/batch.py --schools 60 --skip-naive   # a synthetic 60-school trust

A figure worked out from a sample is marked "extrapolated".
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _timed(cmd: list[str], **kw) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - started


def synthetic_project(root: Path, schools: int) -> tuple[Path, Path]:
    """params/ and data/ for a demo trust of ``schools`` schools, using the repo's plan."""
    from govkit.data.demo import write_demo, write_trust_yaml
    from govkit.plan.config import load_trust

    params, data = root / "params", root / "data"
    demo = write_demo(data, schools=schools)
    plan_name = load_trust(ROOT / "params" / "trust.yaml").plan
    write_trust_yaml(params / "trust.yaml", demo, plan=plan_name)
    shutil.copy(ROOT / "params" / plan_name, params / plan_name)
    if (ROOT / "params" / "commentary").is_dir():
        shutil.copytree(ROOT / "params" / "commentary", params / "commentary")
    return params, data


def naive(params: Path, data: Path, work: Path, sample: int | None) -> tuple[float, int, int]:
    """Time the serial CLI loop; returns (seconds, reports timed, reports in the matrix)."""
    from govkit.batch.matrix import build_matrix
    from govkit.plan.params import load_params

    trust, plan = load_params(params)
    store = work / "naive.duckdb"
    jobs = build_matrix(trust, plan, trust.latest_term, params, data, store)
    chosen = jobs
    if sample and sample < len(jobs):  # spread over the matrix so the mix of reports holds
        step = len(jobs) / sample
        chosen = [jobs[int(i * step)] for i in range(sample)]
    total = 0.0
    for i, job in enumerate(chosen):
        executed = work / f"naive-{i}.ipynb"
        cmd = [str(BIN / "papermill"), str(ROOT / "notebooks" / f"{job.notebook}.ipynb"),
               str(executed), "-k", "python3"]
        for name, value in job.parameters.items():
            cmd += ["-p", name, "None" if value is None else str(value)]
        total += _timed(cmd)
        total += _timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                         str(executed)])
    return total, len(chosen), len(jobs)


def govkit_run(params: Path, data: Path, out: Path, jobs: int | None) -> float:
    cmd = [str(BIN / "govkit"), "run", "--params", str(params), "--data", str(data),
           "--out", str(out)] + (["--jobs", str(jobs)] if jobs else [])
    return _timed(cmd)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schools", type=int, default=0,
                    help="a synthetic trust of this many schools (default: the demo trust)")
    ap.add_argument("--sample", type=int, default=None,
                    help="time the naive loop on this many reports and extrapolate")
    ap.add_argument("--skip-naive", action="store_true", help="only (b) and (c)")
    ap.add_argument("--jobs", type=int, default=None, help="govkit run --jobs")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="govkit-bench-") as tmp:
        work = Path(tmp)
        if args.schools:
            params, data = synthetic_project(work / "project", args.schools)
            what = f"synthetic trust of {args.schools} schools"
        else:
            params, data = ROOT / "params", ROOT / "data" / "demo"
            what = "the demo trust (params/, data/demo)"
        from govkit.batch.matrix import build_matrix
        from govkit.plan.params import load_params

        trust, plan = load_params(params)
        n = len(build_matrix(trust, plan, trust.latest_term, params, data, work / "x.duckdb"))
        print(f"govkit batch benchmark: {what}, {trust.latest_term}, {n} reports, "
              f"{os.cpu_count()} cores")

        b = govkit_run(params, data, work / "out", args.jobs)
        print(f"(b) govkit run, cold:            {b:7.1f} s  ({b / n:.2f} s per report)")
        c = govkit_run(params, data, work / "out", args.jobs)
        print(f"(c) govkit run, nothing changed: {c:7.1f} s")
        if args.skip_naive:
            return 0
        a, timed, total = naive(params, data, work, args.sample)
        label = ""
        if timed < total:
            print(f"    naive loop timed on {timed} of {total} reports: {a:.1f} s")
            a = a / timed * total
            label = " (extrapolated)"
        print(f"(a) naive papermill + nbconvert CLI loop: {a:7.1f} s{label}  "
              f"({a / total:.2f} s per report)")
        print(f"a/b = {a / b:.1f}x{label}    a/c = {a / c:.0f}x{label}")
        print(f"targets: a/b >= 4 {'met' if a / b >= 4 else 'NOT met'}; "
              f"c < 3 s {'met' if c < 3 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
