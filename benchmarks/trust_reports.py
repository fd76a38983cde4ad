"""How each report's cost grows with the size of the trust: trust-level reports and one
school's, on synthetic trusts of a few sizes, run in-process (the notebook's own cells,
no kernel, no export) so that only govkit's work is timed.

Each (size, report) runs in a fresh Python process, twice:
  cold  as a leader runs it in JupyterLab: the store read and the plan evaluated by the
        report itself (the trust's reports evaluate every school to name the red ones)
  warm  as a batch kernel starts: forked from a worker that has read the store and
        evaluated the term for the trust and every school (govkit.batch.warm's
        WarmState.warm, done here before the timing starts)
and prints CPU seconds (the machine is shared: wall time says more about the neighbours)
and the process's peak RSS. A school's report should cost the same whatever the trust's
size, a trust report grow no faster than its schools.

    python benchmarks/trust_reports.py                          # 60, 150 and 300 schools
    python benchmarks/trust_reports.py --schools 30 300 --reports trust_overview
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
REPORTS = ["trust_overview", "priority", "education", "workforce", "finance", "governance",
           "report_card"]


def _warm(params: dict) -> None:
    """What a batch worker does before it forks a report's kernel (it has imported the
    report modules too)."""
    from IPython.core.interactiveshell import InteractiveShell

    import govkit.reports.deep_dive
    import govkit.reports.overview
    import govkit.reports.priority
    import govkit.reports.report_card  # noqa: F401
    from govkit.batch.warm import WORKER, hand_down
    from govkit.plan.params import load_params

    term = params["term"] or load_params(params["params_dir"])[0].latest_term
    WORKER.warm({**params, "term": term})
    hand_down(InteractiveShell.instance().user_ns)  # as a forked kernel is handed it


def run_one(spec: dict) -> dict:
    """Run one notebook's code cells here (its parameters from ``spec``); CPU and RSS."""
    import IPython.display

    IPython.display.display = lambda *objs, **kw: None  # the outputs are not the point
    params = spec["parameters"]
    if spec["warm"]:
        _warm(params)
    nb = json.loads((ROOT / "notebooks" / f"{spec['notebook']}.ipynb").read_text())
    ns: dict = {}
    cpu = time.process_time()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if "parameters" in (cell["metadata"].get("tags") or []):
            exec(source, ns)  # noqa: S102 - our own notebook
            ns.update(params)
            continue
        with contextlib.redirect_stdout(io.StringIO()):
            exec(source, ns)  # noqa: S102
    return {"cpu": time.process_time() - cpu,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schools", type=int, nargs="+", default=[60, 150, 300])
    ap.add_argument("--reports", nargs="+", default=REPORTS, choices=REPORTS)
    ap.add_argument("--one", help=argparse.SUPPRESS)  # a child process: one run, as JSON
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(json.loads(args.one))))
        return 0

    from batch import synthetic_project

    from govkit.data.store import ensure_store
    from govkit.plan.params import load_params

    print(f"{'schools':>7}  {'report':<28}{'cold CPU s':>11}{'warm CPU s':>11}"
          f"{'peak RSS MB':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.schools:
            params_dir, data_dir = synthetic_project(Path(tmp) / str(n), n)
            store = ensure_store(params_dir, data_dir, Path(tmp) / str(n) / "store.duckdb")
            trust, plan = load_params(params_dir)
            first = trust.schools[0].urn
            base = {"params_dir": str(params_dir), "data_dir": str(data_dir),
                    "store_path": str(store), "term": None, "audience": "board"}
            runs = []
            for report in args.reports:
                if report == "trust_overview":
                    runs.append((report, report, {"urn": None}))
                elif report == "priority":
                    runs += [(f"priority-{p.id} (trust)", report,
                              {"urn": None, "priority": p.id}) for p in plan.priorities]
                    runs.append((f"priority-{plan.priorities[0].id} ({first})", report,
                                 {"urn": first, "priority": plan.priorities[0].id}))
                else:
                    runs.append((f"{report} ({first})", report,
                                 {"urn": first,
                                  "audience": "public" if report == "report_card"
                                  else "board"}))
            for name, notebook, extra in runs:
                got = {}
                for warm in (False, True):
                    spec = {"notebook": notebook, "warm": warm,
                            "parameters": {**base, **extra}}
                    out = subprocess.run([sys.executable, __file__, "--one", json.dumps(spec)],
                                         capture_output=True, text=True, check=True)
                    got[warm] = json.loads(out.stdout.strip().splitlines()[-1])
                print(f"{n:>7}  {name:<28}{got[False]['cpu']:>11.2f}{got[True]['cpu']:>11.2f}"
                      f"{max(g['rss_mb'] for g in got.values()):>12.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
