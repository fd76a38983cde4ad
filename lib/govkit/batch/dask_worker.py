"""What runs on a Dask worker besides the report jobs: the worker's one-time setup, and
the task that hands a report to the worker's warm pool.

Imported only by the Dask executor (it needs dask.distributed installed).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
from collections.abc import Callable
from typing import Any

from distributed import WorkerPlugin, get_worker

from govkit.batch.matrix import JobSpec


class WorkerSetup(WorkerPlugin):
    """Give each Dask worker (those that join later too) what a local pool has: a warm
    pool (govkit.batch.pool) of as many single-threaded processes as the worker has
    threads, forked from a fork server that imported the report libraries, each warming
    the store and evaluation once and forking its reports' kernels from itself. For a
    LocalCluster started by the run, the kernels' stderr chatter goes to the run log as
    the local pool's does.

    A daemonic worker (Dask's default for workers it starts itself) may not have child
    processes: there the libraries are imported once and each report's kernel starts
    as a new process, as before."""

    name = "govkit-worker-setup"

    def __init__(self, job_module: str = "govkit.batch.worker", fork: bool = False,
                 log_path: str | None = None,
                 initializer: Callable[..., Any] | None = None, initargs: tuple = ()) -> None:
        self.job_module, self.fork, self.log_path = job_module, fork, log_path
        self.initializer, self.initargs = initializer, initargs
        self.pool: Any = None
        self.lifeline: Any = None

    async def setup(self, worker: Any) -> None:
        from govkit.batch.forkkernel import preload

        if self.log_path:
            from govkit.files import open_nofollow

            fd = open_nofollow(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
            os.dup2(fd, 2)
            os.close(fd)
        if not multiprocessing.current_process().daemon:
            from govkit.batch.pool import warm_pool

            self.pool, self.lifeline = warm_pool(
                self.job_module, max(1, int(worker.state.nthreads)), self.fork,
                self.initializer, self.initargs)
            return
        # the imports take seconds: in a thread, so the worker's event loop keeps answering
        # the scheduler's heartbeats meanwhile
        await asyncio.get_running_loop().run_in_executor(None, preload)

    def teardown(self, worker: Any) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.lifeline.close()  # the pool's processes exit, taking their kernels


def run_on_worker(job: Callable[[JobSpec], Any], spec: JobSpec) -> Any:
    """A Dask task: run the report in this worker's warm pool, as a local pool runs it;
    without one (a daemonic worker), here, with a kernel started as a new process."""
    plugin = None
    with contextlib.suppress(ValueError):  # not on a Dask worker (called directly)
        plugin = get_worker().plugins.get(WorkerSetup.name)
    pool = getattr(plugin, "pool", None)
    if pool is None:
        return job({**spec, "fork": False})
    return pool.submit(job, spec).result()


def missing_paths(paths: list[str]) -> list[str]:
    """Which of these paths this (worker) machine cannot see."""
    return [p for p in paths if not os.path.exists(p)]
