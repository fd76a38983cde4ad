"""How much faster `govkit run` is than the naive loop, on this machine, in one table.

Rows, all measured in this one run (so a busy machine slows every row alike):
  naive   for each report, the `papermill` CLI then `jupyter nbconvert --to html
          --no-input`, one after the other (what a trust analyst would script first);
          with --sample N, timed on N reports spread over the matrix and extrapolated
  cold    `govkit run` into a fresh outputs folder (local process pool, forked kernels)
  warm    `govkit run` again with nothing changed
  dask    `govkit run --executor dask` cold, on a LocalCluster of --jobs worker processes
  big     (--big) a synthetic trust of --big-schools schools (300: about 3,000 reports),
          cold: time per quarter of the reports and peak memory per quarter, to show
          time linear in reports and memory flat

Every row's peak RSS is the whole process tree's (govkit, workers, kernels, Dask),
sampled twice a second. The cold rows also give the mean per-report breakdown from the
manifest: kernel start, executing the cells, export to HTML.

    python benchmarks/batch.py                      # the demo trust in params/, data/demo
    python benchmarks/batch.py --sample 0           # the naive loop over every report
    python benchmarks/batch.py --big                # and the 300-school run (+30 min on 2 cores)
    python benchmarks/batch.py --schools 60 --skip-naive   # a synthetic 60-school trust
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COLD_TARGET = 10.0  # cold at least this many times faster than the naive loop
WARM_TARGET = 1.5  # seconds for a run with nothing changed


@dataclass
class Run:
    """One timed command: wall time, peak RSS of its process tree, and samples of
    (seconds, tree RSS in MB, reports written) over the run."""

    seconds: float
    peak_mb: float
    samples: list[tuple[float, float, int]] = field(default_factory=list)


def _tree_rss_mb(proc) -> float:
    import psutil

    total = 0
    try:
        tree = [proc, *proc.children(recursive=True)]
    except psutil.Error:  # the command has just ended
        return 0.0
    for p in tree:
        with contextlib.suppress(psutil.Error):  # ended between listing and reading
            total += p.memory_info().rss
    return total / 2**20


def _count_html(term_dir: Path | None) -> int:
    if term_dir is None or not term_dir.is_dir():
        return 0
    return sum(1 for p in term_dir.glob("*/*.html"))


def measured(cmd: list[str], term_dir: Path | None = None, every: float = 0.5,
             log: Path | None = None) -> Run:
    """Run ``cmd``, sampling its process tree's memory (and the reports written); each
    sample also goes to ``log`` (CSV: seconds, tree RSS MB, reports) as it is taken."""
    import psutil

    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ps = psutil.Process(proc.pid)
    samples: list[tuple[float, float, int]] = []
    out = open(log, "w", buffering=1) if log else None  # noqa: SIM115 - closed below
    while proc.poll() is None:
        samples.append((time.perf_counter() - started, _tree_rss_mb(ps), _count_html(term_dir)))
        if out:
            t, rss, done = samples[-1]
            out.write(f"{t:.1f},{rss:.0f},{done}\n")
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=every)
    seconds = time.perf_counter() - started
    if out:
        out.close()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)}: exit {proc.returncode}")
    samples.append((seconds, 0.0, _count_html(term_dir)))
    return Run(seconds, max((s[1] for s in samples), default=0.0), samples)


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


def naive(params: Path, data: Path, work: Path, sample: int | None) -> tuple[Run, int, int]:
    """Time the serial CLI loop; returns (run, reports timed, reports in the matrix)."""
    from govkit.batch.matrix import build_matrix
    from govkit.plan.params import load_params

    trust, plan = load_params(params)
    store = work / "naive.duckdb"
    subprocess.run([str(BIN / "govkit"), "build-store", "--params", str(params), "--data",
                    str(data), "--store", str(store)], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)  # the loop's notebooks would build it anyway
    jobs = build_matrix(trust, plan, trust.latest_term, params, data, store)
    chosen = jobs
    if sample and sample < len(jobs):  # spread over the matrix so the mix of reports holds
        step = len(jobs) / sample
        chosen = [jobs[int(i * step)] for i in range(sample)]
    total, peak = 0.0, 0.0
    for i, job in enumerate(chosen):
        executed = work / f"naive-{i}.ipynb"
        cmd = [str(BIN / "papermill"), str(ROOT / "notebooks" / f"{job.notebook}.ipynb"),
               str(executed), "-k", "python3"]
        for name, value in job.parameters.items():
            cmd += ["-p", name, "None" if value is None else str(value)]
        for step_cmd in (cmd, [str(BIN / "jupyter"), "nbconvert", "--to", "html",
                               "--no-input", str(executed)]):
            r = measured(step_cmd)
            total += r.seconds
            peak = max(peak, r.peak_mb)
    return Run(total, peak), len(chosen), len(jobs)


def govkit_run(params: Path, data: Path, out: Path, term: str, jobs: int | None,
               *extra: str, log: Path | None = None) -> Run:
    cmd = [str(BIN / "govkit"), "run", "--params", str(params), "--data", str(data),
           "--out", str(out), *(["--jobs", str(jobs)] if jobs else []), *extra]
    return measured(cmd, out / term, every=2.0 if log else 0.5, log=log)


def breakdown(out: Path, term: str) -> str:
    """Mean seconds a report spent starting its kernel, executing, exporting."""
    entries = json.loads((out / term / "manifest.json").read_text())["reports"]
    timed = [e["timings"] for e in entries if e.get("timings")]
    if not timed:
        return ""
    mean = {k: statistics.mean(t[k] for t in timed) for k in ("kernel", "execute", "export")}
    return (f"per report: kernel start {mean['kernel']:.2f} s, execute {mean['execute']:.2f} s,"
            f" export {mean['export']:.2f} s (mean of {len(timed)}, in a worker)")


def statuses(out: Path, term: str) -> list[str]:
    """Each report's status in the term's manifest (skipped: unchanged, not rerun)."""
    return [e["status"] for e in
            json.loads((out / term / "manifest.json").read_text())["reports"]]


def quarters(run: Run, n: int) -> tuple[list[float], list[float]]:
    """Seconds taken, and peak tree RSS, over each quarter of the ``n`` reports."""
    times, peaks = [], []
    start_t, q = 0.0, 1
    peak = 0.0
    for t, rss, done in run.samples:
        peak = max(peak, rss)
        while q <= 4 and done >= n * q / 4:
            times.append(t - start_t)
            peaks.append(peak)
            start_t, peak, q = t, 0.0, q + 1
    return times, peaks


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schools", type=int, default=0,
                    help="a synthetic trust of this many schools (default: the demo trust)")
    ap.add_argument("--sample", type=int, default=10,
                    help="time the naive loop on this many reports and extrapolate "
                         "(0: every report)")
    ap.add_argument("--skip-naive", action="store_true", help="leave out the naive loop")
    ap.add_argument("--skip-dask", action="store_true", help="leave out the Dask row")
    ap.add_argument("--big", action="store_true",
                    help="add the big synthetic trust's cold run (see --big-schools)")
    ap.add_argument("--big-schools", type=int, default=300)
    ap.add_argument("--big-log", type=Path, default=None,
                    help="CSV of the big run's samples as they are taken (seconds, peak "
                         "RSS MB, reports written), to watch it")
    ap.add_argument("--jobs", type=int, default=None, help="govkit run --jobs")
    args = ap.parse_args(argv)

    from govkit.batch.matrix import build_matrix
    from govkit.batch.runner import default_jobs
    from govkit.plan.params import load_params

    rows: list[tuple[str, int, Run, str]] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="govkit-bench-") as tmp:
        work = Path(tmp)
        if args.schools:
            params, data = synthetic_project(work / "project", args.schools)
            what = f"synthetic trust of {args.schools} schools"
        else:
            params, data = ROOT / "params", ROOT / "data" / "demo"
            what = "the demo trust (params/, data/demo)"
        trust, plan = load_params(params)
        term = trust.latest_term
        n = len(build_matrix(trust, plan, term, params, data, work / "x.duckdb"))
        print(f"govkit batch benchmark: {what}, {term}, {n} reports, "
              f"{os.cpu_count()} cores, --jobs {args.jobs or default_jobs()}", flush=True)

        naive_s = None
        if not args.skip_naive:
            r, timed, total = naive(params, data, work, args.sample or None)
            note = ""
            if timed < total:
                note = f"timed on {timed} of {total} reports ({r.seconds:.0f} s), extrapolated"
                r.seconds = r.seconds / timed * total
            naive_s = r.seconds
            rows.append(("naive papermill + nbconvert CLI loop", total, r, note))
            print(f"  naive: {r.seconds:.1f} s", flush=True)
        cold = govkit_run(params, data, work / "out", term, args.jobs)
        rows.append(("govkit run, cold (local pool)", n, cold, breakdown(work / "out", term)))
        print(f"  cold: {cold.seconds:.1f} s", flush=True)
        warm = govkit_run(params, data, work / "out", term, args.jobs)
        rerun = n - statuses(work / "out", term).count("skipped")
        warm_note = ""
        if rerun:  # an input (template, notebook, plan) was edited while cold ran
            warm_note = (f"first try rebuilt {rerun} reports whose inputs changed during "
                         f"the cold run ({warm.seconds:.1f} s); timed again")
            warm = govkit_run(params, data, work / "out", term, args.jobs)
        rows.append(("govkit run, nothing changed", n, warm, warm_note))
        if not args.skip_dask:
            dask = govkit_run(params, data, work / "out-dask", term, args.jobs,
                              "--executor", "dask")
            rows.append(("govkit run --executor dask, cold (LocalCluster)", n, dask,
                         breakdown(work / "out-dask", term)))
            print(f"  dask: {dask.seconds:.1f} s", flush=True)
        if args.big:
            shutil.rmtree(work / "out", ignore_errors=True)
            shutil.rmtree(work / "out-dask", ignore_errors=True)
            bp, bd = synthetic_project(work / "big", args.big_schools)
            btrust, bplan = load_params(bp)
            bn = len(build_matrix(btrust, bplan, btrust.latest_term, bp, bd, work / "y.duckdb"))
            print(f"  big: {args.big_schools} schools, {bn} reports ...", flush=True)
            big = govkit_run(bp, bd, work / "out-big", btrust.latest_term, args.jobs,
                             log=args.big_log)
            times, peaks = quarters(big, bn)
            rows.append((f"govkit run, cold, {args.big_schools} schools", bn, big,
                         breakdown(work / "out-big", btrust.latest_term)))
            notes.append("big run by quarter of its reports: time "
                         + " / ".join(f"{t:.0f}" for t in times) + " s; peak RSS "
                         + " / ".join(f"{p:.0f}" for p in peaks) + " MB")

    print()
    head = f"{'run':<50} {'reports':>7} {'time s':>8} {'s/report':>9} {'vs naive':>9} " \
           f"{'peak RSS MB':>11}"
    print(head)
    print("-" * len(head))
    for label, count, r, detail in rows:
        # per report, so the big trust's row compares fairly too
        ratio = (f"{naive_s / rows[0][1] / (r.seconds / count):.1f}x"
                 if naive_s and r is not rows[0][2] else "-")
        print(f"{label:<50} {count:>7} {r.seconds:>8.1f} {r.seconds / count:>9.2f} "
              f"{ratio:>9} {r.peak_mb:>11.0f}")
        if detail:
            print(f"{'':<4}{detail}")
    for note in notes:
        print(note)
    if naive_s:
        ratio = naive_s / cold.seconds
        print(f"target: cold >= {COLD_TARGET:g}x the naive loop: {ratio:.1f}x "
              f"{'met' if ratio >= COLD_TARGET else 'NOT met'}")
    print(f"target: nothing changed < {WARM_TARGET:g} s: {warm.seconds:.2f} s "
          f"{'met' if warm.seconds < WARM_TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
