"""Commands that make and show the reports: run, preview, kpis, pack."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from govkit.cli.common import (
    DEFAULT_DATA,
    DEFAULT_PARAMS,
    DEFAULT_STORE,
    DataOpt,
    ParamsOpt,
    StoreOpt,
    app,
    configured_data,
    err,
    out,
    user_errors,
)
from govkit.text import SafeConsole, printable

if TYPE_CHECKING:  # imported where used: the CLI starts without pandas and duckdb
    from govkit.plan.commentary import CommentDue
    from govkit.plan.evaluate import Evaluator


@app.command("preview")
@user_errors
def preview_command(
    notebook: Annotated[Path, typer.Argument(help="a report notebook as saved, e.g. "
                                             "notebooks/mine/priority.ipynb")],
    term: Annotated[str | None, typer.Option("--term", help="term id (default: the latest)")
                    ] = None,
    school: Annotated[int | None, typer.Option("--school", help="a school's URN (default: "
                                               "the trust-wide report)")] = None,
    priority: Annotated[str | None, typer.Option(
        "--priority", help="the priority id, for priority.ipynb (default: the plan's first)")
    ] = None,
    report: Annotated[str | None, typer.Option(
        "--report", help="the report it builds, if its file name is not the report's "
        "(priority, education, ...)")] = None,
    data: DataOpt = DEFAULT_DATA,
    params: ParamsOpt = DEFAULT_PARAMS,
    out_dir: Annotated[Path, typer.Option("--out", help="where the preview goes")] = Path(
        "outputs/preview"),
) -> None:
    """One report page as governors get it, from this notebook as saved (as the batch runs it)."""
    from govkit.batch.preview import preview

    result = preview(notebook, params, configured_data(data, params), out_dir, term, school,
                     priority, report)
    if not result.ok:
        err.print(f"no preview: {result.error}", markup=False, soft_wrap=True)
        if result.failed_notebook:
            err.print(f"  executed notebook kept: {result.failed_notebook}", markup=False,
                      soft_wrap=True)
        raise typer.Exit(1)
    out.print(f"The page governors get (for the {result.audience}, as `govkit run` builds "
              "it), from the notebook as saved:", markup=False, soft_wrap=True)
    out.print(str(result.html), markup=False, soft_wrap=True)  # last: context.preview reads it


@app.command("kpis")
@user_errors
def kpis_command(
    term: Annotated[str | None, typer.Option("--term", help="term id, e.g. 2024-25-summer "
                                             "(default: the trust's latest)")] = None,
    school: Annotated[int | None, typer.Option("--school", help="a school's URN")] = None,
    trust_wide: Annotated[bool, typer.Option("--trust", help="the whole trust (the "
                                             "default when no --school)")] = False,
    priority: Annotated[str | None, typer.Option("--priority", help="one priority id")] = None,
    audience: Annotated[str, typer.Option("--audience", help="board, trust_leaders, lgb, "
                                          "school_leaders or public")] = "board",
    csv: Annotated[Path | None, typer.Option("--csv", help="write the full table as CSV "
                                             "here instead of printing it")] = None,
    by_phase: Annotated[bool, typer.Option(
        "--by-phase", help="the plan's measures for each phase of the trust's schools, "
        "beside each phase's national figure")] = False,
    params: ParamsOpt = DEFAULT_PARAMS,
    data: DataOpt = DEFAULT_DATA,
    store: StoreOpt = DEFAULT_STORE,
) -> None:
    """The plan's KPIs evaluated for a school or the trust: value, target, RAG, trend, status."""
    from rich.table import Table

    from govkit.errors import ConfigError
    from govkit.plan import fmt
    from govkit.plan.evaluate import Evaluator, write_csv

    if school is not None and trust_wide:
        raise ConfigError("give --school URN or --trust, not both")
    _known_term(params, term)
    ev = Evaluator.from_paths(params, configured_data(data, params), store)
    term = term or ev.trust.latest_term
    if by_phase:
        if school is not None or priority is not None:
            raise ConfigError("--by-phase covers the whole trust: leave out --school and "
                              "--priority")
        _print_phases(ev, term, audience, csv)
        return
    if csv is not None:
        df = ev.kpis(term, urn=school, priority=priority, audience=audience)
        out.print(f"{write_csv(df, csv)}: {len(df)} KPI(s) for {term}", markup=False)
        return
    results = ev.results(term, urn=school, priority=priority, audience=audience)  # checked
    place = ev.trust.school(school).name if school else ev.trust.name
    table = Table(title=printable(f"{place}: KPIs for {term} ({audience})"),
                  title_justify="left")
    for col in ("measure id", "value", "numerator", "denominator", "target", "RAG",
                "trend", "status"):
        table.add_column(col, no_wrap=True, justify="left" if col in ("measure id", "status")
                         else "right")
    from govkit.plan import narrative

    for r in results:
        # the one result the reports show: its rating (or "too few pupils to rate") and
        # its change on its basis (the same term last year for attendance, ...)
        rating = {"too_few": narrative.TOO_FEW}.get(r.rating, r.rating) if r.rating else ""
        table.add_row(*map(printable, (
            r.measure or r.kpi_id, fmt.value(r.value, r.unit, r.status),
            *_counts(r.numerator, r.denominator, r.unit), fmt.value(r.target, r.unit),
            rating, narrative.change_cell(r), _status(r.status, r.small_number))))
    _print_table(table)


def _counts(numerator: Any, denominator: Any, unit: str | None) -> tuple[str, str]:
    """A figure's numerator and denominator as the tables show them."""
    from govkit.plan import fmt

    return (fmt.number(numerator, 1 if unit in ("GBP", "hours", "days") else 0),
            fmt.number(denominator, 1 if unit in ("days", "hours") else 0))


def _status(status: str, small_number: Any) -> str:
    return status + (" (small number)" if small_number else "")


def _print_table(table: Any) -> None:
    # A piped or redirected table keeps every column whole rather than the 80 defaults.
    (out if out.is_terminal else SafeConsole(width=160)).print(table)


def _print_phases(ev: Evaluator, term: str, audience: str, csv: Path | None) -> None:
    """`govkit kpis --by-phase`: one row per phase and measure."""
    from rich.table import Table

    from govkit.plan import fmt
    from govkit.plan.evaluate import write_csv

    ev.check(term)
    df = ev.by_phase(term, audience)
    if csv is not None:
        out.print(f"{write_csv(df, csv)}: {len(df)} row(s) for {term}", markup=False)
        return
    table = Table(title=printable(f"{ev.trust.name}: by phase, {term} ({audience})"),
                  title_justify="left")
    for col in ("phase", "schools", "measure id", "value", "numerator", "denominator",
                "national", "status"):
        table.add_column(col, no_wrap=True,
                         justify="left" if col in ("phase", "measure id", "status") else "right")
    for r in df.to_dict("records"):
        table.add_row(*map(printable, (
            r["phase"], str(r["schools"]), r["measure"],
            fmt.value(r["value"], r["unit"], r["status"]),
            *_counts(r["numerator"], r["denominator"], r["unit"]),
            fmt.national(r["national_value"], r["unit"], r["national_like_for_like"]),
            _status(r["status"], r["small_number"]))))
    _print_table(table)


@app.command("run")
@user_errors
def run_command(
    term: Annotated[str | None, typer.Option("--term", help="term id, e.g. 2024-25-summer "
                                             "(default: the trust's latest)")] = None,
    school: Annotated[list[int] | None, typer.Option(
        "--school", help="only this school's reports (URN; repeat for more)")] = None,
    report: Annotated[list[str] | None, typer.Option(
        "--report", help="only this report: a notebook name or priority-<id> (repeatable)")
    ] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", min=1,
                                             help="worker processes (default: cores + 2)")] = None,
    force: Annotated[bool, typer.Option("--force", help="rerun reports even if unchanged")
                     ] = False,
    data: DataOpt = DEFAULT_DATA,
    params: ParamsOpt = DEFAULT_PARAMS,
    out_dir: Annotated[Path, typer.Option("--out", help="outputs folder")] = Path("outputs"),
    timeout: Annotated[float, typer.Option("--timeout", min=1,
                                           help="seconds allowed per report")] = 900.0,
    fork: Annotated[bool, typer.Option(
        "--fork/--no-fork", help="start each report's kernel as a fork of a worker that has "
        "already imported the libraries (quicker), or as a new Python process")] = True,
    executor: Annotated[str, typer.Option(
        "--executor", help="where the reports run: local (this machine's worker processes) "
        "or dask (a Dask cluster: --scheduler, else a LocalCluster of --jobs workers)")
    ] = "local",
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 (with --executor "
        "dask); every worker must see data, params and outputs at the same paths")] = None,
    pack: Annotated[bool, typer.Option(
        "--pack", help="then write the board pack PDF (one --school: that school's)")] = False,
    notebooks: Annotated[Path | None, typer.Option(
        "--notebooks", help="folder of the report notebooks to run, e.g. a leader's copies in "
        "notebooks/mine (default: notebooks/ beside --params, else the shipped ones)")] = None,
) -> None:
    """Run every report of a term in parallel; skip unchanged ones; write HTML and an index."""
    from govkit.batch.executors import get_executor
    from govkit.batch.progress import run_with_progress
    from govkit.errors import ConfigError
    from govkit.plan.paramcheck import check_params

    get_executor(executor)  # an unknown name is refused before any work
    if scheduler and executor != "dask":
        raise ConfigError("--scheduler is for --executor dask")
    if notebooks is not None and not notebooks.is_dir():
        raise ConfigError(f"--notebooks {notebooks}: no such folder")
    check_params(params)  # trust.yaml, the plan, every commentary file: exit 2 before work
    _known_term(params, term)  # a mistyped term is the one line said, before any warning
    _check_term_data(params, configured_data(data, params), term)
    code = run_with_progress(out, params, configured_data(data, params), out_dir, term,
                             school or None, report or None, jobs, force, timeout, fork,
                             executor=executor, scheduler=scheduler, notebooks_dir=notebooks,
                             before_index=lambda result: print_comments_due(
                                 result.due, result.due_csv,
                                 params / "commentary" / f"{result.term}.yaml", school))
    if code:
        if pack:
            err.print("no board pack: not every report was built")
        raise typer.Exit(code)
    if pack:
        write_pack(params, out_dir, term, school[0] if school and len(school) == 1 else None)


def print_comments_due(due: list[CommentDue], full_list: Path | None, commentary: Path,
                       schools: list[int] | None = None) -> None:
    """How many leaders' comments the plan still asks for, by school (the board's pages
    show nothing there, so the analyst must ask for them): schools with the same number
    share a row, so a trust of 60 schools reads in a few lines; the list in full (school,
    priority, KPI) is ``full_list``, a CSV beside the index, and the index lists them."""
    from rich.table import Table

    if schools:
        due = [d for d in due if d.urn in schools]
    if not due:
        return
    per_place: dict[str, int] = {}
    for d in due:
        place = d.place if d.urn is not None else f"{d.place} (the trust's own)"
        per_place[place] = per_place.get(place, 0) + 1
    by_count: dict[int, list[str]] = {}
    for place, n in per_place.items():
        by_count.setdefault(n, []).append(place)
    table = Table(title=f"Leaders' comments still due: {len(due)}", show_header=True,
                  header_style="bold")
    table.add_column("due each", justify="right", no_wrap=True)
    table.add_column("at")
    for n, places in sorted(by_count.items(), reverse=True):
        table.add_row(str(n), printable(", ".join(places) + (
            f" ({len(places)})" if len(places) > 1 else "")))
    out.print(table)
    where = f"the list in full (school, priority, KPI): {full_list}; " if full_list else ""
    out.print(f"{where}add them to {commentary}", markup=False, soft_wrap=True)


def _known_term(params: Path, term: str | None) -> None:
    """Refuse a --term the trust does not have (ConfigError, one line naming the nearest)
    before any other work or warning."""
    import difflib

    from govkit.errors import ConfigError
    from govkit.plan.config import load_trust

    if term is None:
        return
    trust = load_trust(params / "trust.yaml")
    if term in trust.terms:
        return
    near = difflib.get_close_matches(term, trust.terms, n=1)
    raise ConfigError(f"--term {term}: not one of the trust's terms in trust.yaml ("
                      + (f"did you mean {near[0]}?)" if near else
                         f"{trust.terms[0]} .. {trust.terms[-1]})"))


def _check_term_data(params: Path, data: Path, term: str | None) -> None:
    """Stop before any report when a file the plan needs holds nothing for the term."""
    from govkit.errors import DataError
    from govkit.plan.coverage import term_gaps
    from govkit.plan.params import load_params

    if not data.is_dir():
        return  # the run says so itself
    trust, plan = load_params(params)
    problems = term_gaps(data, plan, term or trust.latest_term)
    for p in problems:
        if p.severity == "warning":
            out.print(str(p), markup=False, soft_wrap=True)
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)


def write_pack(params: Path, out_dir: Path, term: str | None, school: int | None,
               output: Path | None = None) -> None:
    """Build the board pack from the term's built pages and say where it is."""
    from govkit.batch.pack import build_pack
    from govkit.plan.params import load_params

    trust, plan = load_params(params)
    _known_term(params, term)
    term = term or trust.latest_term
    result = build_pack(out_dir / term, trust, plan, school, output)
    out.print(f"{result.path}: {result.pages} pages (cover, contents, "
              f"{len(result.items)} reports)", soft_wrap=True)


@app.command("pack")
@user_errors
def pack_command(
    term: Annotated[str | None, typer.Option("--term", help="term id, e.g. 2024-25-summer "
                                             "(default: the trust's latest)")] = None,
    school: Annotated[int | None, typer.Option(
        "--school", help="one school's priority reports (URN) instead of the trust's")] = None,
    params: ParamsOpt = DEFAULT_PARAMS,
    out_dir: Annotated[Path, typer.Option("--out", help="outputs folder")] = Path("outputs"),
    output: Annotated[Path | None, typer.Option(
        "--output", help="PDF to write (default: <out>/<term>/board-pack[-<urn>].pdf)")] = None,
) -> None:
    """The board pack: one A4 PDF with a cover, a contents page, the trust overview and the
    priority reports, bookmarked per report (needs Chromium; run the term first)."""
    write_pack(params, out_dir, term, school, output)
