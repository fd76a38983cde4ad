"""One report as governors will get it, from a leader's notebook: `govkit preview`.

The same job the batch hands a worker (govkit.batch.matrix's parameters and title, the
runner's ``run_job``: papermill in a fresh kernel, then the house export), for one
notebook file as last saved, written under ``outputs/preview/`` so the published pages
are never touched.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from govkit.batch.matrix import REPORTS, build_matrix
from govkit.batch.runner import DEFAULT_TIMEOUT, _spec, validate_and_store
from govkit.batch.worker import RUN_LOG, run_job
from govkit.errors import ConfigError
from govkit.plan.params import load_params

PREVIEW = "preview"  # outputs/preview/: a preview's own store and pages


@dataclass(frozen=True)
class Preview:
    """Where the page went, or why it was not written (and where its notebook is kept)."""

    html: Path
    ok: bool
    error: str | None = None
    failed_notebook: Path | None = None
    audience: str = "board"


@contextlib.contextmanager
def _stderr_to(log: Path) -> Iterator[None]:
    """This process's stderr (fd 2, which a kernel it starts inherits) into ``log``."""
    sys.stderr.flush()
    saved = os.dup(2)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.dup2(fd, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(fd)


def report_kind(notebook: Path, report: str | None = None) -> str:
    """Which report a notebook builds: ``report`` if given, else its file name (a copy
    keeps the shipped name: priority.ipynb)."""
    kind = report or notebook.stem
    if kind not in REPORTS:
        raise ConfigError(f"{notebook.name} is not one of the reports ("
                          + ", ".join(REPORTS) + "); name the report it builds, e.g. "
                          "--report priority")
    return kind


def preview(notebook: Path, params_dir: Path, data_dir: Path, out_dir: Path,
            term: str | None = None, urn: int | None = None, priority: str | None = None,
            report: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> Preview:
    """Run ``notebook`` as the batch runs the report it builds, for one school (``urn``)
    or the trust, and write its page under ``out_dir``."""
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise ConfigError(f"{notebook}: no such notebook (save it first)")
    kind = report_kind(notebook, report)
    params_dir, data_dir, out_dir = (Path(params_dir).resolve(), Path(data_dir).resolve(),
                                     Path(out_dir).resolve())
    trust, plan = load_params(params_dir)
    term = term or trust.latest_term
    if kind == "priority":
        priority = priority or plan.priorities[0].id
        wanted = f"priority-{priority}"
    else:
        wanted = kind
    store = out_dir / "govkit.duckdb"
    validate_and_store(params_dir, data_dir, store, trust)
    jobs = build_matrix(trust, plan, term, params_dir, data_dir, store,
                        schools=[urn] if urn else None, reports=[wanted])
    job = next((j for j in jobs if j.urn == urn), None)
    if job is None:
        where = f"school {urn}" if urn else "the trust"
        raise ConfigError(f"the batch builds no {wanted} report for {where}")
    spec = _spec(job, notebook.parent, out_dir, timeout)
    spec["notebook"] = str(notebook)  # her file, whatever its name
    log = out_dir / term / RUN_LOG
    log.parent.mkdir(parents=True, exist_ok=True)
    saved = dict(os.environ)
    try:
        with _stderr_to(log):  # the kernel's start-up chatter, as the batch's workers do
            outcome = run_job(spec)
    finally:  # run_job marks the process as a batch worker's: this one is not
        os.environ.clear()
        os.environ.update(saved)
    failed = Path(spec["failed"])
    return Preview(Path(spec["html"]), outcome.status == "ok", outcome.error,
                   failed if failed.exists() else None, job.audience)
