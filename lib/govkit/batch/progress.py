"""What `govkit run` shows: a progress bar while it works, then a summary and the index.

Kept apart from the runner so the runner stays a plain function tests can call.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from govkit.batch.lifeline import signal_of
from govkit.batch.manifest import Entry
from govkit.batch.matrix import failed_path
from govkit.batch.runner import RunResult, run_batch


def summary_table(result: RunResult) -> Table:
    """This run's counts by status (not an earlier run's results it did not reach)."""
    t = Table(title=f"govkit run {result.term}", show_header=True, header_style="bold")
    t.add_column("reports")
    t.add_column("count", justify="right")
    for status, label in (("ok", "written"), ("skipped", "unchanged (skipped)"),
                          ("failed", "failed")):
        t.add_row(label, str(result.count(status)))
    if result.interrupted:
        t.add_row("not run (stopped)", str(result.not_run))
    t.add_row("time", f"{result.elapsed:.1f} s")
    return t


def run_with_progress(console: Console, params: Path, data: Path, out_dir: Path,
                      term: str | None, schools: list[int] | None, reports: list[str] | None,
                      jobs: int | None, force: bool, timeout: float,
                      fork_kernels: bool = True, executor: str = "local",
                      scheduler: str | None = None, notebooks_dir: Path | None = None,
                      before_index: Callable[[RunResult], None] | None = None) -> int:
    """Run the batch with a progress bar (on a terminal) or a line per finished report (in
    a log: cron, CI); returns the exit code: 0, 1 failures, 128 + the signal if stopped
    (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP). ``before_index``: prints more for the analyst
    from the run's result after the summary, so that the index's path stays the last
    line."""
    began = time.monotonic()
    live = console.is_terminal
    bar = Progress(TextColumn("[bold]reports"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[failed]} failed"), TimeElapsedColumn(),
                   console=console, transient=False)
    task = bar.add_task("reports", total=None, failed=0)
    failed = 0

    def on_start(to_run: int, total: int) -> None:
        bar.update(task, total=total)
        if to_run and live:
            bar.start()  # stop() then ends it; on a log stop() would add a blank line
        elif not live:
            console.print(f"{total} report(s): {to_run} to run, {total - to_run} unchanged",
                          markup=False, soft_wrap=True)

    def progress(entry: Entry, done: int, total: int) -> None:
        nonlocal failed
        failed += entry.status == "failed"
        bar.update(task, completed=done, failed=failed)
        if not live and entry.status != "skipped":
            console.print(log_line(entry, done, total, time.monotonic() - began),
                          markup=False, soft_wrap=True)

    try:
        result = run_batch(params, data, out_dir, term, schools, reports, jobs, force,
                           timeout=timeout, progress=progress, on_start=on_start,
                           fork_kernels=fork_kernels, executor=executor,
                           scheduler=scheduler, notebooks_dir=notebooks_dir)
    except KeyboardInterrupt as e:  # stopped while checking the data, before any report
        console.print(f"{_stopped_by(signal_of(e))} before any report ran",
                      markup=False, soft_wrap=True)
        return 128 + signal_of(e)
    finally:
        if bar.live.is_started:
            bar.stop()
    console.print(summary_table(result))
    for failure in result.failures:
        console.print(f"FAILED {failure.key}: {failure.error}", markup=False, soft_wrap=True)
        failed_nb = failed_path(Path(result.out_dir, result.term), failure.output)
        if failed_nb.exists():
            console.print(f"  executed notebook kept: {failed_nb}", markup=False,
                          soft_wrap=True)
    if result.interrupted:
        console.print(f"{_stopped_by(result.stopped_by)}: finished reports are kept; run "
                      "again to carry on", markup=False, soft_wrap=True)
    if before_index is not None:
        before_index(result)
    console.print(str(result.index), markup=False, soft_wrap=True)
    if result.interrupted:
        return 128 + (result.stopped_by or signal.SIGINT)
    return 1 if result.failures else 0


def log_line(entry: Entry, done: int, total: int, elapsed: float) -> str:
    """One finished report, for a log: '[ 12/126] ok     148101/report_card 2.4 s
    (0:00:41 elapsed)'."""
    width = len(str(total))
    mins, secs = divmod(int(elapsed), 60)
    return (f"[{done:>{width}}/{total}] {entry.status:<6} {entry.key} {entry.duration:.1f} s "
            f"({mins // 60}:{mins % 60:02d}:{secs:02d} elapsed)")


def _stopped_by(signum: int) -> str:
    return "interrupted (Ctrl-C)" if signum in (0, signal.SIGINT) else \
        f"stopped by {signal.Signals(signum).name}"
