"""What `govkit run` shows: a progress bar while it works, then a summary and the index.

Kept apart from the runner so the runner stays a plain function tests can call.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from govkit.batch.manifest import Entry
from govkit.batch.runner import RunResult, run_batch


def summary_table(result: RunResult) -> Table:
    """Counts by status, then one line per failure with its first error line."""
    t = Table(title=f"govkit run {result.term}", show_header=True, header_style="bold")
    t.add_column("reports")
    t.add_column("count", justify="right")
    for status, label in (("ok", "written"), ("skipped", "unchanged (skipped)"),
                          ("failed", "failed")):
        t.add_row(label, str(result.count(status)))
    t.add_row("time", f"{result.elapsed:.1f} s")
    return t


def run_with_progress(console: Console, params: Path, data: Path, out_dir: Path,
                      term: str | None, schools: list[int] | None, reports: list[str] | None,
                      jobs: int | None, force: bool, timeout: float,
                      fork_kernels: bool = True, executor: str = "local",
                      scheduler: str | None = None) -> int:
    """Run the batch with a progress bar; returns the exit code (0, 1 failures, 130 Ctrl-C)."""
    bar = Progress(TextColumn("[bold]reports"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[failed]} failed"), TimeElapsedColumn(),
                   console=console, transient=False)
    task = bar.add_task("reports", total=None, failed=0)
    failed = 0

    def on_start(to_run: int, total: int) -> None:
        bar.update(task, total=total)
        if to_run:
            bar.start()

    def progress(entry: Entry, done: int, total: int) -> None:
        nonlocal failed
        failed += entry.status == "failed"
        bar.update(task, completed=done, failed=failed)

    try:
        result = run_batch(params, data, out_dir, term, schools, reports, jobs, force,
                           timeout=timeout, progress=progress, on_start=on_start,
                           fork_kernels=fork_kernels, executor=executor,
                           scheduler=scheduler)
    finally:
        bar.stop()
    console.print(summary_table(result))
    for e in result.failures:
        console.print(f"FAILED {e.key}: {e.error}", markup=False, soft_wrap=True)
        failed_nb = Path(result.out_dir, result.term, e.output).with_suffix(".failed.ipynb")
        if failed_nb.exists():
            console.print(f"  executed notebook kept: {failed_nb}", markup=False,
                          soft_wrap=True)
    if result.interrupted:
        console.print("interrupted: finished reports are kept; run again to carry on",
                      markup=False, soft_wrap=True)
    console.print(str(result.index), markup=False, soft_wrap=True)
    if result.interrupted:
        return 130
    return 1 if result.failures else 0
