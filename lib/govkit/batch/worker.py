"""The worker side of the batch: one report, start to finish, in a worker process (a
local pool's or a Dask worker's): papermill with the batch's own engine and, where asked,
a kernel forked from this worker, then the house export written atomically. A job never
raises: it hands back an Outcome (failed, with its first error line) for the main side
(govkit.batch.runner) to record.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govkit.batch.matrix import JobSpec
from govkit.batch.warm import WORKER
from govkit.errors import ConfigError
from govkit.files import create_new, open_nofollow

if TYPE_CHECKING:
    from govkit.plan.evaluate import Evaluator

KERNEL = "python3"
START_TIMEOUT = 120  # seconds for a kernel to start under load
# What a report's cells may print (stream output: print(), warnings) before the report is
# failed rather than published: a page is for governors, not a dump of a loop's output.
MAX_OUTPUT_ENV = "GOVKIT_MAX_OUTPUT_KB"
DEFAULT_MAX_OUTPUT_KB = 512
RUN_LOG = "run.log"  # in outputs/<term>/: what kernels and workers wrote to stderr


class JobTimeout(Exception):
    """A report ran past its wall-clock limit."""


@dataclass
class Outcome:
    """What a worker hands back for one report."""

    key: str
    status: str  # ok or failed
    duration: float
    error: str | None = None
    attempts: int = 1
    # seconds spent starting the kernel, running the cells, exporting the HTML
    timings: dict[str, float] | None = None
    # the report's headline rating and its KPIs' red/amber/green counts (for the index)
    rag: str | None = None
    counts: dict[str, int] | None = None


def _worker_init(log_path: str | None = None) -> None:
    """Workers leave Ctrl-C to the main process, which stops handing out work, and send
    their kernels' chatter (ipykernel's start-up warnings) to the run log, not the screen."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if log_path:
        fd = open_nofollow(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.dup2(fd, 2)
        os.close(fd)


def _alarm(_signum: int, _frame: Any) -> None:
    raise JobTimeout()


def _headline(ev: Evaluator | None, spec: JobSpec) -> tuple[str | None, dict[str, int] | None]:
    """A finished report's headline rating and RAG counts, from the KPIs it shows, worked
    out from the worker's evaluation (the one its kernel used); (None, None) if it can't."""
    if ev is None:
        return None, None
    from govkit.reports.scope import report_measures, shows_ratings

    if not shows_ratings(Path(spec["notebook"]).stem):  # a page with no rating has none
        return None, None
    p = spec["parameters"]
    with contextlib.suppress(Exception):  # the report is written; a missing headline is not
        return ev.ratings(p["term"], p.get("urn"), p.get("priority"),
                          p.get("audience", "board"),
                          measures=report_measures(Path(spec["notebook"]).stem))
    return None, None


def _kernel_kwargs(spec: JobSpec) -> dict[str, Any]:
    """Forked kernels when the spec asks for them (see govkit.batch.forkkernel); either
    way a kernel manager without jupyter_client's fixed waits."""
    from govkit.batch.forkkernel import ForkingKernelManager, QuickKernelManager

    return {"kernel_manager_class": ForkingKernelManager if spec.get("fork")
            else QuickKernelManager}


def first_error_line(exc: BaseException) -> str:
    """'ename: evalue' for a notebook error, else the exception's own first line."""
    ename = getattr(exc, "ename", None)
    if ename:
        evalue = str(getattr(exc, "evalue", "") or "").strip().splitlines()
        return f"{ename}: {evalue[0] if evalue else ''}".strip()
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".strip()


def _keep_failed(tmp: Path, failed: Path) -> None:
    """Keep a failed run's notebook at ``failed``: its folder is made only now, so a clean
    run leaves no empty _failed/<folder>/ in the published term folder. A rename: a link
    at ``failed`` is replaced, never followed."""
    failed.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, failed)


def run_job(spec: JobSpec) -> Outcome:
    """Execute one report in a fresh kernel and export it; runs in a worker process.

    On a notebook error the executed notebook is kept as <report>.failed.ipynb and no
    HTML is written (the previous good one, if any, stays). A kernel that fails to start
    is retried once; a notebook error is not (it would fail the same way).
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from govkit.batch.papermill_engine import ENGINE
    from govkit.reports.context import IN_BATCH_ENV
    from govkit.reports.explore import LAB_SESSION_ENV
    from govkit.reports.export import export_html

    started = time.perf_counter()
    # what the report's kernel inherits: it is a batch run (a leader's context.preview cell
    # does nothing), and not a Lab session even if govkit was started from Lab's terminal
    os.environ[IN_BATCH_ENV] = "1"
    os.environ.pop(LAB_SESSION_ENV, None)
    # what this worker shares with its report kernels (govkit.batch.warm), handed down
    ev = WORKER.warm(spec["parameters"])
    html, failed, work = Path(spec["html"]), Path(spec["failed"]), Path(spec["work"])
    html.parent.mkdir(parents=True, exist_ok=True)
    work.parent.mkdir(parents=True, exist_ok=True)  # _failed/<folder>/ only when one fails
    # outside the published folder: a run killed now leaves nothing beside the pages
    tmp = work.with_name(f"{work.name}.{os.getpid()}.running.ipynb")
    attempts = 0
    # the wall-clock limit is a SIGALRM, which only a main thread can take: a Dask worker
    # runs jobs in threads, and there papermill's per-cell execution_timeout is the limit
    alarm = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGALRM, _alarm) if alarm else None
    try:
        while True:
            attempts += 1
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, float(spec["timeout"]))
            called = dt.datetime.now(dt.UTC)
            try:
                nb = papermill.execute_notebook(
                    as_written(spec["notebook"]), as_written(tmp),
                    parameters=spec["parameters"],
                    engine_name=ENGINE, kernel_name=KERNEL, progress_bar=False,
                    log_output=False,
                    start_timeout=START_TIMEOUT, execution_timeout=int(spec["timeout"]),
                    # the notebook is finished and saved: a graceful shutdown only waits
                    # (about 0.3 s a report) for a kernel nobody will talk to again
                    shutdown_kernel="immediate", **_kernel_kwargs(spec))
                break
            except PapermillExecutionError as e:
                _keep_failed(tmp, failed)
                return Outcome(spec["key"], "failed", time.perf_counter() - started,
                               first_error_line(e), attempts=attempts)
            except JobTimeout:
                if tmp.exists():
                    _keep_failed(tmp, failed)
                return Outcome(spec["key"], "failed", time.perf_counter() - started,
                               f"TimeoutError: still running after {spec['timeout']:g} s",
                               attempts=attempts)
            except Exception as e:  # kernel did not start, ZMQ port clash, ...
                if attempts >= 2:
                    return Outcome(spec["key"], "failed", time.perf_counter() - started,
                                   first_error_line(e), attempts=attempts)
            finally:
                if alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        executed = time.perf_counter()
        printed = stream_bytes(nb)
        if printed > spec["max_output"]:
            with create_new(tmp) as f:
                nbformat.write(cut_streams(nb), f)
            _keep_failed(tmp, failed)
            return Outcome(spec["key"], "failed", time.perf_counter() - started,
                           f"OutputTooLarge: the notebook's cells printed {printed / 1024:,.0f} "
                           f"KB of text, over the limit of {spec['max_output'] / 1024:,.0f} "
                           f"KB ({MAX_OUTPUT_ENV}): not published, the last good page is kept",
                           attempts=attempts)
        # parsed once per worker while unchanged (WarmState.params), not per report:
        # 30 ms of YAML a report at 300 schools
        trust = WORKER.params(Path(spec["parameters"]["params_dir"]))[0]
        export_html(nb, html, trust, spec["title"], spec["index_href"], work=work.parent,
                    audience=spec.get("audience", "board"))
        failed.unlink(missing_ok=True)
        timings = _timings(nb, called, executed - started, time.perf_counter() - executed)
        rag, counts = _headline(ev, spec)
        return Outcome(spec["key"], "ok", time.perf_counter() - started, attempts=attempts,
                       timings=timings, rag=rag, counts=counts)
    except Exception as e:  # export or reading the result went wrong: report, don't crash
        return Outcome(spec["key"], "failed", time.perf_counter() - started,
                       first_error_line(e), attempts=attempts)
    finally:
        if alarm:
            signal.signal(signal.SIGALRM, previous)
        tmp.unlink(missing_ok=True)


def as_written(path: str | Path) -> str:
    """A path for papermill, which formats paths with the parameters (``out/{urn}``):
    braces in a folder's name ('out{x}') doubled, so the path is taken as written."""
    return str(path).replace("{", "{{").replace("}", "}}")


def stream_bytes(nb: Any) -> int:
    """Bytes of text the notebook's cells printed (stream outputs, stdout and stderr)."""
    return sum(len("".join(o.get("text", "")).encode("utf-8")) for c in nb.cells
               for o in c.get("outputs", ()) if o.get("output_type") == "stream")


def cut_streams(nb: Any, keep: int = 2000) -> Any:
    """The notebook with each long stream output cut to its first ``keep`` characters, to
    keep for debugging without keeping what made it too large."""
    for c in nb.cells:
        for o in c.get("outputs", ()):
            text = "".join(o.get("text", "")) if o.get("output_type") == "stream" else ""
            if len(text) > keep:
                o["text"] = text[:keep] + f"\n[... {len(text) - keep:,} more characters cut]\n"
    return nb


def max_output() -> int:
    """The limit on a report's printed text, in bytes (GOVKIT_MAX_OUTPUT_KB, else 512 KB)."""

    raw = os.environ.get(MAX_OUTPUT_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_OUTPUT_KB * 1024
    try:
        kb = float(raw)
    except ValueError:
        kb = -1.0
    if not kb > 0:
        raise ConfigError(f"{MAX_OUTPUT_ENV}={raw!r}: give a number of KB above 0")
    return int(kb * 1024)


def _timings(nb: Any, called: dt.datetime, run: float, export: float) -> dict[str, float]:
    """Where a report's time went: kernel start (until the first cell began, from
    papermill's cell metadata), executing the cells (to the saved notebook), export."""
    first = next((c.metadata.get("papermill", {}).get("start_time") for c in nb.cells
                  if c.metadata.get("papermill", {}).get("start_time")), None)
    kernel = 0.0
    if first:
        with contextlib.suppress(ValueError):
            kernel = max(0.0, (dt.datetime.fromisoformat(first) - called).total_seconds())
    return {"kernel": round(min(kernel, run), 3), "execute": round(max(0.0, run - kernel), 3),
            "export": round(export, 3)}
