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
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from pathlib import Path
from typing import Any, ClassVar

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
        from govkit.batch.pool import warm_pool

        self.term_dir.mkdir(parents=True, exist_ok=True)
        # the fork server imports the report libraries (seconds) while the main process
        # checks the notebooks, instead of after
        self.pool, self.lifeline = warm_pool(
            self.job.__module__, self.workers, bool(self.options.get("fork")),
            self.options.get("initializer"), self.options.get("initargs", ()))
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

    Each worker runs its reports as the local pool does, in a warm pool of its own
    (govkit.batch.dask_worker.WorkerSetup): kernels forked from a warmed, single-threaded
    process. The LocalCluster's workers are started non-daemonic so they may have that
    pool; a remote cluster's daemonic workers start each kernel as a new process instead.
    Data, params, notebooks and outputs must be at the same paths on every worker.
    """

    name = "dask"

    def __enter__(self) -> DaskExecutor:
        try:
            import dask
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
            # non-daemonic workers: they may start the warm pool's processes
            with dask.config.set({"distributed.worker.daemon": False}):
                self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                            processes=True, dashboard_address=None,
                                            silence_logs=40)
            self.client = Client(self.cluster)
        self.futures: dict[Any, JobSpec] = {}
        log = None if scheduler else self.options.get("log")
        # a remote worker's pool keeps its stderr: the run log is this machine's file
        setup = WorkerSetup(self.job.__module__, bool(self.options.get("fork")), log,
                            self.options.get("initializer"),
                            self.options.get("initargs", ()) if log else ())
        self.client.register_plugin(setup, name=WorkerSetup.name)
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

        from govkit.batch.dask_worker import run_on_worker

        run = uuid.uuid4().hex[:8]
        for spec in specs:
            fut = self.client.submit(run_on_worker, self.job, spec,
                                     key=f"govkit-{spec['key']}-{run}", pure=False)
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
