"""What a batch worker shares between its reports, built in one place for both executors.

The warm state (``WarmState``, one per worker process: ``WORKER``): the store's tables
and the term's evaluation, worked out once in the worker before it forks its reports'
kernels, so each kernel starts with them in memory. The worker's job holds it and hands
the evaluation down (its reports' headline ratings come from it).

A warm pool (``warm_pool``): worker processes forked from a forkserver that has imported
the report libraries, each dying with the process that started it (the lifeline). The
local executor runs one in the main process; on Dask, each worker's plugin runs one, so a
report on a Dask worker takes exactly the local pool's path: a single-threaded, warmed
worker process that forks its report's kernel from itself (a Dask worker runs tasks in
threads, and forking a threaded process is unsafe).
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from govkit.batch.lifeline import Lifeline, worker_init


def warm_pool(job_module: str, workers: int, fork: bool,
              initializer: Callable[..., Any] | None = None,
              initargs: tuple = ()) -> tuple[ProcessPoolExecutor, Lifeline]:
    """A pool of ``workers`` processes forked from a forkserver that imported the job's
    module, papermill's engine and nbconvert (and, with ``fork``, what a report kernel
    imports, so each kernel is forked ready). The fork server starts now: it imports
    (seconds) while the caller gets on with its own work."""
    from multiprocessing import forkserver

    from govkit.batch.forkkernel import PRELOAD  # brings jupyter_client: only here

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["govkit.batch.forkserver_guard", job_module,
                                "govkit.batch.papermill_engine", "nbconvert",
                                *(PRELOAD if fork else ())])
    # the workers die with this process, even on SIGKILL (govkit.batch.lifeline)
    lifeline = Lifeline(ctx)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=worker_init,
                               initargs=(lifeline.reader, initializer, initargs))
    forkserver.ensure_running()
    return pool, lifeline


class WarmState:
    """What this worker last evaluated for its kernels: the inputs' key and the Evaluator."""

    def __init__(self) -> None:
        self.key: tuple[Any, ...] | None = None
        self.evaluator: Any = None

    def clear(self) -> None:
        self.key, self.evaluator = None, None

    def warm(self, parameters: dict[str, Any]) -> Any:
        """Once per worker (and again only if the store is rebuilt): read the store's meta
        row and tables, and evaluate the term's KPIs for the trust and every school, here,
        so every kernel forked from this worker starts with them in memory: no report
        opens DuckDB to read every table, or works out a KPI another report of the batch
        needed too. Only pandas frames and results are kept; the connection is closed
        before any fork. A kernel whose inputs differ (another store, trust or plan) works
        alone.

        Returns the worker's Evaluator (its reports' headline ratings come from it), or
        None if the store could not be read here (the kernel then reports why).
        """
        from govkit.data.store import file_key, open_store, store_meta
        from govkit.plan import evaluate
        from govkit.plan.measures import preload_tables
        from govkit.plan.params import load_params

        store_path = str(parameters["store_path"])
        with contextlib.suppress(Exception):
            store_meta(store_path)
            preload_tables(store_path)
            key = (file_key(store_path), parameters["params_dir"], parameters["term"])
            if self.key == key:
                return self.evaluator
            params_dir = Path(parameters["params_dir"])
            trust, plan = load_params(params_dir)
            con = open_store(store_path)
            try:
                ev = evaluate.Evaluator(trust, plan, con, params_dir / "commentary")
                for urn in [None, *trust.urns]:
                    for audience in ("board", "public") if urn else ("board",):
                        ev.kpis(parameters["term"], urn, None, audience)
                warm_board_summary(ev, parameters["term"])
            finally:
                con.close()
            evaluate.share(ev)
            self.key, self.evaluator = key, ev
            return ev
        return None


def warm_board_summary(ev: Any, term: str) -> None:
    """What every board summary reads besides the term's KPIs: each place's KPIs at the
    last meeting, and the triggers of each term back to the first (for 'since when')."""
    from govkit.plan.since import last_meeting
    from govkit.terms import parse_term

    then = last_meeting(ev.trust, term)
    if then is not None:
        for urn in [None, *ev.trust.urns]:
            ev.kpi_records(then, urn)
    for t in ev.trust.terms:
        if parse_term(t) <= parse_term(term):
            ev.triggers(t)


#: this worker process's warm state (a local pool's worker, or a Dask worker's pool's)
WORKER = WarmState()
