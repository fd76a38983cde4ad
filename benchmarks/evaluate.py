"""How long evaluating the whole plan takes: every KPI for the trust and every school.

The store is built first, outside the timing. One run makes a fresh ``Evaluator`` on the
open store (reading its tables) and evaluates every KPI of the plan for the trust and for
each school for the term (as the overview's grid does); the first run in the process is
the cold one, the median is over the runs after it, each again with a fresh Evaluator.

    python benchmarks/evaluate.py                   # the demo trust in params/, data/demo
    python benchmarks/evaluate.py --runs 20 --term 2023-24-summer
    python benchmarks/evaluate.py --schools 60      # a synthetic 60-school trust
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _synthetic(root: Path, schools: int) -> tuple[Path, Path]:
    """The batch benchmark's synthetic trust (one definition of it, in batch.py)."""
    spec = importlib.util.spec_from_file_location("batch_bench", ROOT / "benchmarks" / "batch.py")
    assert spec and spec.loader
    batch = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = batch  # its dataclasses look their module up while defined
    spec.loader.exec_module(batch)
    return batch.synthetic_project(root, schools)


def one_run(trust, plan, con, term: str) -> tuple[float, float, int, int]:
    """(seconds reading the store, seconds evaluating, KPI rows, rated rows) for one run."""
    from govkit.plan.evaluate import Evaluator

    started = time.perf_counter()
    ev = Evaluator(trust, plan, con)
    read = time.perf_counter() - started
    rows = rated = 0
    for urn in [None, *trust.urns]:
        df = ev.kpis(term, urn)
        rows += len(df)
        rated += int(df["rag"].notna().sum())
    return read, time.perf_counter() - started - read, rows, rated


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--params", type=Path, default=ROOT / "params")
    ap.add_argument("--data", type=Path, default=ROOT / "data" / "demo")
    ap.add_argument("--term", help="default: the trust's latest term")
    ap.add_argument("--runs", type=int, default=10, help="warm runs after the cold one")
    ap.add_argument("--schools", type=int, help="a synthetic trust of this many schools")
    args = ap.parse_args(argv)

    from govkit.data.store import ensure_store, open_store
    from govkit.plan.params import load_params

    with tempfile.TemporaryDirectory() as tmp:
        params, data = args.params, args.data
        if args.schools:
            params, data = _synthetic(Path(tmp), args.schools)
        trust, plan = load_params(params)
        started = time.perf_counter()
        store = ensure_store(params, data, Path(tmp) / "store.duckdb")
        build = time.perf_counter() - started
        con = open_store(store)
        term = args.term or trust.latest_term

        read, evaluate, rows, rated = one_run(trust, plan, con, term)
        cold = read + evaluate
        warm = [one_run(trust, plan, con, term) for _ in range(args.runs)]
        con.close()

    places = len(trust.schools) + 1
    total = [r + e for r, e, _, _ in warm]
    print(f"{trust.name}: {len(trust.schools)} schools, term {term}, "
          f"{rows} KPI rows ({rows // places} per place x {places} places), {rated} rated")
    print(f"store built (not timed in runs): {build:.2f} s")
    print(f"first (cold) run:  {cold * 1000:7.1f} ms  (read store {read * 1000:.1f} ms, "
          f"evaluate {evaluate * 1000:.1f} ms)")
    if warm:
        print(f"median of {len(warm):2d} runs: {statistics.median(total) * 1000:7.1f} ms  "
              f"(read store {statistics.median(r for r, _, _, _ in warm) * 1000:.1f} ms, "
              f"evaluate {statistics.median(e for _, e, _, _ in warm) * 1000:.1f} ms; "
              f"min {min(total) * 1000:.1f}, max {max(total) * 1000:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
