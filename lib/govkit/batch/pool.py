"""A warm pool: the batch's worker processes, each ready to run reports from its first.

Worker processes forked from a forkserver that has imported the report libraries, each
dying with the process that started it (the lifeline). The local executor runs one in the
main process; on Dask, each worker's plugin runs one, so a report on a Dask worker takes
exactly the local pool's path: a single-threaded, warmed worker process (its warm state:
govkit.batch.warm) that forks its report's kernel from itself (a Dask worker runs tasks in
threads, and forking a threaded process is unsafe).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
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
