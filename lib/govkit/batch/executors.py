"""Where the reports run: one interface, a registry of implementations (as papermill's
engines): the local process pool (the default) and a Dask cluster.

An executor only runs ``run_job(spec)`` for each spec somewhere and hands back each
``Outcome`` as it arrives. Everything else a batch promises stays in the main process and
so is the same whichever executor runs it: what is skipped as unchanged (the manifest),
failure isolation (a job is a function that returns a failed Outcome, never raises), the
atomic writes (done by run_job itself, beside the target), the manifest written after
each report and the progress bar. A job is a plain dict of paths and parameters, so any
machine that sees the same paths (a shared filesystem) can run it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any, ClassVar

from govkit.batch.lifeline import Lifeline, worker_init
from govkit.batch.matrix import JobSpec
from govkit.errors import ConfigError


class Executor(ABC):
    """Runs ``job(spec)`` for each report and yields the outcomes in the order they finish.

    Options every executor is given (and may ignore): ``fork`` (kernels forked from a
    pre-warmed worker), ``scheduler`` (an address), ``log`` (the run log, for what kernels
    write to stderr), ``initializer``/``initargs`` (run once in each local worker process).
    """

    name: ClassVar[str]
    #: can each report's kernel be forked from a pre-warmed worker here?
    forks_kernels: ClassVar[bool] = True

    def __init__(self, job: Callable[[JobSpec], Any], workers: int, term_dir: Path,
                 **options: Any) -> None:
        self.job = job  # a module-level function, so a worker can unpickle it
        self.workers = workers
        self.term_dir = term_dir
        self.options = options

    @abstractmethod
    def __enter__(self) -> Executor:
        """Start (or connect to) the workers."""

    @abstractmethod
    def __exit__(self, *exc: Any) -> None:
        """Let the workers go; after a Ctrl-C, at once."""

    @abstractmethod
    def run(self, specs: list[JobSpec],
            worker_stopped: Callable[[JobSpec, BaseException], Any]
            ) -> Iterator[tuple[JobSpec, Any]]:
        """Submit every spec; yield (spec, outcome) as each finishes. A job whose worker
        died yields ``worker_stopped(spec, exc)`` instead of raising."""

    @abstractmethod
    def stop(self) -> int:
        """Ctrl-C: drop the jobs not yet begun, stop the workers; returns how many of the
        submitted jobs were dropped before they began."""


EXECUTORS: dict[str, type[Executor]] = {}


def register_executor(cls: type[Executor]) -> type[Executor]:
    """Make an executor available to ``govkit run --executor <cls.name>``."""
    EXECUTORS[cls.name] = cls
    return cls


def get_executor(name: str) -> type[Executor]:
    try:
        return EXECUTORS[name]
    except KeyError:
        raise ConfigError(f"no executor '{name}'; choose from: "
                          + ", ".join(sorted(EXECUTORS))) from None


@register_executor
class LocalExecutor(Executor):
    """Worker processes on this machine (forkserver, pre-warmed with the report libraries),
    each running one report at a time."""

    name = "local"

    def __enter__(self) -> LocalExecutor:
        from govkit.batch.forkkernel import PRELOAD  # brings jupyter_client: only here

        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["govkit.batch.forkserver_guard", self.job.__module__,
                                    "govkit.batch.papermill_engine", "nbconvert",
                                    *(PRELOAD if self.options.get("fork") else ())])
        self.term_dir.mkdir(parents=True, exist_ok=True)
        # the workers die with this process, even on SIGKILL (govkit.batch.lifeline)
        self.lifeline = Lifeline(ctx)
        self.pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=ctx, initializer=worker_init,
            initargs=(self.lifeline.reader, self.options.get("initializer"),
                      self.options.get("initargs", ())))
        # start the fork server now: it imports the report libraries (seconds) while the
        # main process checks the notebooks, instead of after
        from multiprocessing import forkserver

        forkserver.ensure_running()
        self.pending: dict[Future, JobSpec] = {}
        self.interrupted = False
        return self

    def run(self, specs: list[JobSpec],
            worker_stopped: Callable[[JobSpec, BaseException], Any]
            ) -> Iterator[tuple[JobSpec, Any]]:
        for spec in specs:
            self.pending[self.pool.submit(self.job, spec)] = spec
        while self.pending:
            finished, _ = wait(self.pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                spec = self.pending.pop(fut)
                try:
                    outcome = fut.result()
                except Exception as e:  # the worker itself died (killed, out of memory)
                    outcome = worker_stopped(spec, e)
                yield spec, outcome

    def stop(self) -> int:
        # Futures are not cancelled: Python 3.11's pool then sets BrokenProcessPool on the
        # cancelled ones and prints "InvalidStateError: CANCELLED" from its thread. The
        # workers are stopped instead (SIGTERM: each kills its kernel, then itself), and
        # every future left ends broken, unread.
        self.interrupted = True
        dropped = sum(not f.running() and not f.done() for f in self.pending)
        procs = list((getattr(self.pool, "_processes", None) or {}).values())
        for proc in procs:
            with contextlib.suppress(Exception):
                proc.terminate()
        for proc in procs:
            with contextlib.suppress(Exception):
                proc.join(timeout=5)
                if proc.is_alive():
                    proc.kill()
        self.lifeline.close()
        return dropped

    def __exit__(self, *exc: Any) -> None:
        # after stop() every worker is gone: waiting for the pool's thread is quick
        self.pool.shutdown(wait=True, cancel_futures=not self.interrupted)
        self.lifeline.close()


@register_executor
class DaskExecutor(Executor):
    """Jobs on a Dask cluster: ``scheduler="tcp://host:8786"``, or without one a
    ``dask.distributed.LocalCluster`` of ``workers`` single-threaded worker processes.

    Kernels are started as new processes there (a Dask worker runs tasks in threads, and
    forking a threaded process is unsafe); the libraries are still imported once per
    worker. Data, params, notebooks and outputs must be at the same paths on every worker.
    """

    name = "dask"
    forks_kernels = False

    def __enter__(self) -> DaskExecutor:
        try:
            from distributed import Client, LocalCluster

            from govkit.batch.dask_worker import WorkerSetup
        except ImportError:
            raise ConfigError("the dask executor needs dask.distributed: "
                              "pip install 'govkit[dask]'") from None
        self.cluster = None
        scheduler = self.options.get("scheduler")
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="20s")
            except OSError as e:
                raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {e}") \
                    from None
        else:
            self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                        processes=True, dashboard_address=None,
                                        silence_logs=40)
            self.client = Client(self.cluster)
        self.futures: dict[Any, JobSpec] = {}
        log = None if scheduler else self.options.get("log")
        self.client.register_plugin(WorkerSetup(log), name=WorkerSetup.name)
        return self

    def check_paths(self, paths: list[str]) -> None:
        """Refuse to start when a worker cannot see the data, params or outputs."""
        from govkit.batch.dask_worker import missing_paths

        missing = self.client.run(missing_paths, paths)
        for worker, absent in sorted(missing.items()):
            if absent:
                raise ConfigError(f"Dask worker {worker} cannot see {', '.join(absent)}: "
                                  "data, params, notebooks and outputs must be on a "
                                  "filesystem every worker shares, at the same paths")

    def run(self, specs: list[JobSpec],
            worker_stopped: Callable[[JobSpec, BaseException], Any]
            ) -> Iterator[tuple[JobSpec, Any]]:
        import uuid

        from distributed import as_completed

        run = uuid.uuid4().hex[:8]
        for spec in specs:
            fut = self.client.submit(self.job, spec, key=f"govkit-{spec['key']}-{run}",
                                     pure=False)
            self.futures[fut] = spec
        for fut in as_completed(list(self.futures)):
            spec = self.futures.pop(fut)
            try:
                outcome = fut.result()
            except Exception as e:  # the worker died (KilledWorker) or the task was lost
                outcome = worker_stopped(spec, e)
            yield spec, outcome

    def stop(self) -> int:
        pending = [f for f in self.futures if f.status == "pending"]
        with contextlib.suppress(Exception):
            self.client.cancel(list(self.futures), force=True)
        return len(pending)

    def __exit__(self, *exc: Any) -> None:
        with contextlib.suppress(Exception):
            self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()
