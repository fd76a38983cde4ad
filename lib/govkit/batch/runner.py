"""The termly batch: every report for every school, in parallel, safely.

papermill has no batch mode, so each report is one ``papermill.execute_notebook``
call in a worker process (processes, not threads: each gets its own kernel, and
nothing process-wide such as the working directory is shared). The main process
validates the data, works out which reports are out of date, hands them out,
and records each result in the manifest as it arrives, so Ctrl-C or a crash
leaves every finished report in place and the next run carries on from there. The
worker side, one report in a worker process, is govkit.batch.worker.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govkit import paths
from govkit.batch.executors import get_executor
from govkit.batch.lifeline import signal_of, signals_ignored, stop_signals, term_lock
from govkit.batch.manifest import MANIFEST, Entry, Manifest, job_hash, shared_inputs_hash
from govkit.batch.matrix import FAILED, Job, JobSpec, build_matrix, work_dir
from govkit.batch.worker import (
    RUN_LOG,
    Outcome,
    _worker_init,
    as_written,
    first_error_line,
    max_output,
    run_job,
)
from govkit.errors import ConfigError, OutputError
from govkit.files import unlink_link
from govkit.plan.commentary import DUE_FILE, CommentDue, comments_due, write_comments_due
from govkit.plan.config import Plan, Trust
from govkit.plan.params import load_params

DEFAULT_TIMEOUT = 900.0  # seconds of wall clock per report
SAVE_EVERY_REPORT = 300  # batches up to this size rewrite the manifest after every report


def default_jobs() -> int:
    """Worker processes when --jobs is not given: two more than the cores.

    A report is two processes taking turns, its worker (papermill, the export) and its
    kernel, with waits on each other between cells: one report a core left a fifth of the
    CPU idle (a 2-core machine: 77 s for the demo term with 2 workers, 62 s with 4).
    """
    return (os.cpu_count() or 1) + 2


@dataclass
class RunResult:
    """What a batch did: every report's manifest entry, in matrix order."""

    term: str
    out_dir: Path
    entries: list[Entry]
    index: Path | None
    manifest: Path | None
    elapsed: float
    interrupted: bool = False
    started: int = 0  # notebooks actually executed (0 on a run with nothing changed)
    notes: list[str] = field(default_factory=list)
    # what this run did (skipped or finished), in the order it happened: an interrupted
    # run's entries above still hold earlier runs' results for what it did not reach
    this_run: list[Entry] = field(default_factory=list)
    stopped_by: int = 0  # the signal that stopped the run: SIGINT (Ctrl-C), SIGTERM, SIGHUP
    total: int = 0  # reports in this run's matrix
    # leaders' comments the plan asks for that the term's commentary lacks, every school's
    # (govkit.plan.commentary.comments_due), and the CSV listing them beside the index
    due: list[CommentDue] = field(default_factory=list)
    due_csv: Path | None = None

    @property
    def failures(self) -> list[Entry]:
        """This run's failures (not an earlier run's that this one did not reach)."""
        return [e for e in self.this_run if e.status == "failed"]

    def count(self, status: str) -> int:
        """How many of this run's reports ended so."""
        return sum(e.status == status for e in self.this_run)

    @property
    def not_run(self) -> int:
        """Reports of the matrix an interrupted run did not reach."""
        return self.total - len(self.this_run)


def check_parameters(notebook: Path, parameters: dict[str, Any]) -> str | None:
    """Why these parameters cannot be given to this notebook, or None if they can.

    papermill only warns about a name the notebook does not declare (and then the
    value is silently unused); a report built from defaults would look right and be wrong.
    """
    import papermill

    if not notebook.is_file():
        return f"FileNotFoundError: no notebook {notebook}"
    declared = papermill.inspect_notebook(as_written(notebook))
    if not declared:
        return f"ConfigError: {notebook.name} has no cell tagged 'parameters'"
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        return (f"ConfigError: {notebook.name} does not declare parameter(s) "
                f"{', '.join(unknown)} in its parameters cell")
    return None


def validate_and_store(params_dir: Path, data_dir: Path, store_path: Path,
                       trust: Trust, plan: Plan | None = None) -> str:
    """Validate the drop and (re)build the store if it is not from this very drop.

    Raises DataError (every problem, file:row:column) before any report starts.
    Returns the drop's hash.
    """
    from govkit.data.store import build_store, drop_hash, is_stale, store_meta

    if not data_dir.is_dir():
        raise ConfigError(f"{data_dir}: no such data folder")
    data_hash = drop_hash(data_dir)
    plan_file = params_dir / trust.plan
    fresh = not is_stale(store_path, data_dir, params_dir / "trust.yaml",
                         plan_file=plan_file if plan_file.is_file() else None)
    if fresh:
        with contextlib.suppress(Exception):
            fresh = store_meta(store_path).get("drop_hash") == data_hash
    if not fresh:
        build_store(data_dir, trust, store_path, plan, plan_file)
    return data_hash


def _entry(job: Job, input_hash: str, status: str, out_dir: Path, **kw: Any) -> Entry:
    return Entry(key=job.key, notebook=job.notebook, parameters=job.parameters,
                 input_hash=input_hash, status=status,
                 output=str(job.html_path(out_dir).relative_to(out_dir / job.term)),
                 title=job.title, **kw)


def run_batch(params_dir: Path, data_dir: Path, out_dir: Path, term: str | None = None,
              schools: list[int] | None = None, reports: list[str] | None = None,
              jobs: int | None = None, force: bool = False,
              notebooks_dir: Path | None = None, store_path: Path | None = None,
              timeout: float = DEFAULT_TIMEOUT,
              progress: Callable[[Entry, int, int], None] | None = None,
              on_start: Callable[[int, int], None] | None = None,
              fork_kernels: bool = True, executor: str = "local",
              scheduler: str | None = None) -> RunResult:
    """Run the term's reports; see the module docstring.

    ``fork_kernels``: each report's kernel is a fork of its pre-warmed worker
    (govkit.batch.forkkernel) rather than a new Python process; either way one kernel a report.
    ``executor``: where the reports run, a name in govkit.batch.executors.EXECUTORS
    ("local": this machine's process pool; "dask": a Dask cluster at ``scheduler``, or a
    LocalCluster without one).

    ``progress(entry, done, total)`` is called in the main process after each report
    (skipped ones included); ``on_start(to_run, total)`` once the work is known.
    Raises DataError/ConfigError before anything is written to outputs/<term>/, and
    OutputError if another run is writing the term's outputs (govkit.batch.lifeline).
    SIGTERM and SIGHUP stop the run as Ctrl-C does (``stopped_by`` says which).
    """
    # workers and kernels inherit it: ipykernel's debugger then prints no "frozen
    # modules" banner into the run's terminal
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    with contextlib.ExitStack() as hold:
        hold.enter_context(stop_signals())
        return _run_batch(params_dir, data_dir, out_dir, term, schools, reports, jobs, force,
                          notebooks_dir, store_path, timeout, progress, on_start,
                          fork_kernels, executor, scheduler, hold)


def _run_batch(params_dir: Path, data_dir: Path, out_dir: Path, term: str | None,
               schools: list[int] | None, reports: list[str] | None, jobs: int | None,
               force: bool, notebooks_dir: Path | None, store_path: Path | None,
               timeout: float, progress: Callable[[Entry, int, int], None] | None,
               on_start: Callable[[int, int], None] | None, fork_kernels: bool,
               executor: str, scheduler: str | None,
               hold: contextlib.ExitStack) -> RunResult:
    """run_batch's work; ``hold`` keeps the term's lock (and, once stopping, the signals
    ignored) until the run returns."""
    from govkit.batch.index_page import write_index

    began = time.perf_counter()
    params_dir, data_dir, out_dir = (Path(params_dir).resolve(), Path(data_dir).resolve(),
                                     Path(out_dir).resolve())
    notebooks_dir = Path(notebooks_dir).resolve() if notebooks_dir else \
        _notebooks_dir(params_dir)
    store_path = Path(store_path).resolve() if store_path else out_dir / "govkit.duckdb"
    trust, plan = load_params(params_dir)
    max_output()  # a bad GOVKIT_MAX_OUTPUT_KB is said before any work
    term = term or trust.latest_term
    matrix = build_matrix(trust, plan, term, params_dir, data_dir, store_path, schools, reports)
    data_hash = validate_and_store(params_dir, data_dir, store_path, trust, plan)

    term_dir = out_dir / term
    hold.enter_context(term_lock(out_dir, term))  # one run at a time writes these
    manifest = Manifest.load(term_dir / MANIFEST, term, trust.name)
    shared = shared_inputs_hash(params_dir, params_dir / trust.plan, data_hash)
    nb_bytes: dict[str, bytes] = {}
    todo: list[tuple[Job, str]] = []
    total = len(matrix)
    keys = [j.key for j in matrix]
    skipped: list[Entry] = []
    this_run: list[Entry] = []
    for job in matrix:
        path = notebooks_dir / f"{job.notebook}.ipynb"
        if job.notebook not in nb_bytes:
            nb_bytes[job.notebook] = path.read_bytes() if path.is_file() else b""
        h = job_hash(shared, nb_bytes[job.notebook], job.parameters)
        if not force and manifest.is_done(job.key, h, job.html_path(out_dir)):
            old = manifest.entries[job.key]
            skipped.append(_entry(job, h, "skipped", out_dir, duration=0.0, rag=old.rag,
                                  counts=old.counts,
                                  finished=old.finished))
            manifest.record(skipped[-1])
        else:
            todo.append((job, h))
    _remove_leftovers(term_dir)
    if on_start:
        on_start(len(todo), total)
    done = 0
    for entry in skipped:
        this_run.append(entry)
        done += 1
        if progress:
            progress(entry, done, total)

    saved = [time.monotonic()]

    def finish(job: Job, h: str, outcome: Outcome) -> None:
        nonlocal done
        before = manifest.entries.get(job.key)
        rag = counts = None
        finished: str | None
        if outcome.status == "ok":
            finished = dt.datetime.now().isoformat(timespec="seconds")
            rag, counts = outcome.rag, outcome.counts  # worked out by the worker
        else:  # the last good HTML, if any, is still there: keep its date for the index
            finished = before.finished if before and job.html_path(out_dir).is_file() else None
        entry = _entry(job, h, outcome.status, out_dir, duration=round(outcome.duration, 2),
                       error=outcome.error, rag=rag, counts=counts, finished=finished,
                       timings=outcome.timings)
        manifest.record(entry)
        this_run.append(entry)
        # after every report; in a big batch at most once a second (rewriting a 3,000-entry
        # manifest per report is quadratic): the final save below writes the rest
        if total <= SAVE_EVERY_REPORT or time.monotonic() - saved[0] >= 1.0:
            manifest.save(_ordered_keys(manifest, keys))
            saved[0] = time.monotonic()
        done += 1
        if progress:
            progress(entry, done, total)

    interrupted = False
    stopped_by = 0
    started = 0
    if todo:
        workers = max(1, min(jobs or default_jobs(), len(todo)))
        runner_cls = get_executor(executor)
        # imported here: forkkernel brings jupyter_client, which a run with nothing to
        # rebuild never needs (about 70 ms of it)
        from govkit.batch.forkkernel import CAN_FORK

        fork = fork_kernels and CAN_FORK and runner_cls.forks_kernels
        term_dir.mkdir(parents=True, exist_ok=True)
        unlink_link(term_dir / RUN_LOG)  # the workers append to a file of ours, never a link

        def worker_stopped(spec: JobSpec, e: BaseException) -> Outcome:
            return Outcome(spec["key"], "failed", 0.0, f"worker stopped: {first_error_line(e)}")

        # the workers start (importing the report libraries) while the notebooks'
        # parameters are checked here
        with runner_cls(run_job, workers, term_dir, fork=fork, scheduler=scheduler,
                        log=str(term_dir / RUN_LOG), initializer=_worker_init,
                        initargs=(str(term_dir / RUN_LOG),)) as pool:
            runnable: list[tuple[Job, str]] = []
            checked: dict[tuple[str, tuple[str, ...]], str | None] = {}
            for job, h in todo:
                nb = notebooks_dir / f"{job.notebook}.ipynb"
                sig = (job.notebook, tuple(sorted(job.parameters)))
                if sig not in checked:
                    checked[sig] = check_parameters(nb, job.parameters)
                if checked[sig]:
                    finish(job, h, Outcome(job.key, "failed", 0.0, checked[sig]))
                else:
                    runnable.append((job, h))
            specs = [_spec(job, notebooks_dir, out_dir, timeout, fork) for job, _ in runnable]
            by_key = {job.key: (job, h) for job, h in runnable}
            if hasattr(pool, "check_paths") and specs:
                pool.check_paths([str(params_dir), str(data_dir), str(notebooks_dir),
                                  str(store_path), str(term_dir)])
            try:
                started = len(specs)
                for spec, outcome in pool.run(specs, worker_stopped):
                    finish(*by_key[spec["key"]], outcome)
            except KeyboardInterrupt as e:  # Ctrl-C, SIGTERM, SIGHUP
                interrupted, stopped_by = True, signal_of(e)
                hold.enter_context(signals_ignored())  # a second one can't cut this short
                started -= pool.stop()
            except BaseException:  # e.g. a full disk at the manifest: stop, then say so
                with signals_ignored():
                    pool.stop()
                raise
        if interrupted:
            _remove_leftovers(term_dir)  # the stopped workers' half-run notebooks
    _prune_failed(term_dir)

    if not (schools or reports):  # the full matrix: forget reports the plan no longer has
        manifest.entries = {k: manifest.entries[k] for k in keys if k in manifest.entries}
    ordered = _ordered_keys(manifest, keys)
    mpath = manifest.save(ordered)
    due = comments_due(trust, plan, params_dir / "commentary", term)
    for path, write in ((term_dir / "index.html", lambda p: write_index(
            p, trust, plan, term, [manifest.entries[k] for k in ordered], due)),
                        (term_dir / DUE_FILE, lambda p: write_comments_due(p, due))):
        try:
            write(path)
        except OSError as e:
            raise OutputError.writing(path, e, "the last one written is kept") from None
    entries = [manifest.entries[k] for k in keys if k in manifest.entries]
    return RunResult(term, out_dir, entries, term_dir / "index.html", mpath,
                     time.perf_counter() - began, interrupted, started, this_run=this_run,
                     stopped_by=stopped_by, total=total, due=due,
                     due_csv=term_dir / DUE_FILE)


def _notebooks_dir(params_dir: Path) -> Path:
    """notebooks/ beside params/ (the project layout), else the ones installed with govkit."""
    beside = params_dir.parent / "notebooks"
    if beside.is_dir():
        return beside
    return paths.shipped("notebooks")


def _ordered_keys(manifest: Manifest, keys: list[str]) -> list[str]:
    """This run's reports in matrix order, then any others an earlier run left."""
    wanted = set(keys)  # once: a 3,000-report term calls this after every report
    return [k for k in keys if k in manifest.entries] + \
        [k for k in manifest.entries if k not in wanted]


def _spec(job: Job, notebooks_dir: Path, out_dir: Path, timeout: float,
          fork: bool = False) -> JobSpec:
    """What a worker needs to run ``job`` (a JobSpec: plain values it can unpickle)."""
    return {"key": job.key, "notebook": str(notebooks_dir / f"{job.notebook}.ipynb"),
            "parameters": job.parameters, "html": str(job.html_path(out_dir)),
            "failed": str(job.failed_path(out_dir)), "work": str(job.work_path(out_dir)),
            "title": job.title,
            # a public page never links to the board's pages
            "index_href": None if job.audience == "public" else "../index.html",
            "audience": job.audience,
            "timeout": timeout, "fork": fork, "max_output": max_output()}


def _prune_failed(term_dir: Path) -> None:
    """Remove the empty folders of outputs/<term>/_failed/ (a report that failed once and
    has since run clean; runs before the folders were made only on a failure), and
    _failed/ itself when no failed notebook is left: a published term folder holds no
    empty folders. A link is never followed. Called with the term's lock held, after the
    workers have stopped."""
    failed = term_dir / FAILED
    if failed.is_symlink() or not failed.is_dir():
        return
    for folder, _, _ in os.walk(failed, topdown=False):  # os.walk follows no link
        with contextlib.suppress(OSError):  # not empty: a failed notebook is kept there
            os.rmdir(folder)


def _remove_leftovers(term_dir: Path) -> None:
    """Half-written files of a run that was stopped hard (its workers killed): the term's
    working folder, and what runs before outputs/.work left beside the pages. Called with
    the term's lock held, so no other run is using them."""
    work = work_dir(term_dir.parent, term_dir.name)
    for link in (work.parent, work):  # a planted link is removed, never followed
        unlink_link(link)
    shutil.rmtree(work, ignore_errors=True)
    if term_dir.is_dir():
        for pattern in (".*.running.ipynb", ".*.tmp"):
            for leftover in term_dir.glob(f"*/{pattern}"):
                leftover.unlink(missing_ok=True)
