"""The ``govkit`` command: one clear line per problem, exit 2 on bad input."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from govkit.errors import GovkitError
from govkit.files import write_atomic
from govkit.text import SafeConsole, printable

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Governance reports on every priority of a trust's strategic plan.")
# Text from data and config is printed literally: 'compliance.csv:100:urn' is not an emoji
# code, '[bold]' in a school's name is not markup, and an ESC in it is shown as '\x1b'.
err = SafeConsole(stderr=True)
out = SafeConsole()
F = TypeVar("F", bound=Callable[..., object])

ParamsOpt = Annotated[Path, typer.Option("--params", help="folder with trust.yaml and plan.yaml")]
DataOpt = Annotated[Path | None, typer.Option(
    "--data", help="folder of the term's data drop (default: GOVKIT_DATA, else trust.yaml's "
    "data: key, else data/demo)")]
StoreOpt = Annotated[Path, typer.Option("--store", help="DuckDB store the reports read")]

DEFAULT_PARAMS = Path("params")
DEFAULT_DATA: Path | None = None  # the configured folder: see configured_data
DEFAULT_STORE = Path("outputs/govkit.duckdb")


def configured_data(data: Path | None, params: Path) -> Path:
    """--data if given, else the folder configured as govkit.paths.data_dir says (the
    same rule the notebooks follow)."""
    from govkit import paths

    if data is not None:
        return data
    from govkit.plan.config import load_trust

    trust_file = params / "trust.yaml"
    configured = load_trust(trust_file).data if trust_file.is_file() else None
    return paths.data_dir(None, configured, params)


def user_errors(fn: F) -> F:
    """Show our own errors as plain lines (no traceback) and exit 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GovkitError as e:
            for line in e.lines():
                err.print(line, markup=False, soft_wrap=True)
            raise typer.Exit(e.exit_code) from None

    return wrapper  # type: ignore[return-value]


@app.command()
@user_errors
def validate(
    data_dir: Annotated[Path, typer.Argument(help="folder of the data drop")],
    params: ParamsOpt = DEFAULT_PARAMS,
) -> None:
    """Check a data drop and print every problem as file:row:column: message."""
    from govkit.data.validate import validate_drop
    from govkit.plan.config import load_plan, load_trust
    from govkit.plan.coverage import plan_coverage
    from govkit.plan.measures import MEASURES

    trust = load_trust(params / "trust.yaml")
    problems = validate_drop(data_dir, trust, str(params / "trust.yaml"))
    plan_file = params / trust.plan
    if data_dir.is_dir() and plan_file.is_file():  # what the plan will miss
        problems += plan_coverage(data_dir, load_plan(plan_file, set(MEASURES)))
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        (err if p.severity == "error" else out).print(str(p), markup=False, soft_wrap=True)
    if errors:
        err.print(f"{len(errors)} problem(s) found in {data_dir}", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    out.print(f"{data_dir}: OK ({len(problems)} warning(s))", markup=False, soft_wrap=True)


@app.command("demo-data")
@user_errors
def demo_data(
    out_dir: Annotated[Path, typer.Argument(help="folder to write <domain>.csv into")],
    schools: Annotated[int, typer.Option("--schools", help="how many schools")] = 12,
    seed: Annotated[int, typer.Option("--seed", help="same seed, same files")] = 2024,
    params: Annotated[Path | None, typer.Option(
        "--params", help="also write trust.yaml for the demo trust into this folder")] = None,
) -> None:
    """Write the synthetic demo trust's data drop (and, with --params, its trust.yaml)."""
    from govkit.data.demo import write_demo, write_trust_yaml

    demo = write_demo(out_dir, schools=schools, seed=seed)
    out.print(f"{out_dir}: demo data for {len(demo.schools)} schools, {demo.terms[0]} .. "
              f"{demo.terms[-1]} (seed {seed})", markup=False, soft_wrap=True)
    if params is not None:
        path = write_trust_yaml(params / "trust.yaml", demo)
        out.print(f"{path}: trust.yaml for {demo.name}", markup=False, soft_wrap=True)


@app.command("build-store")
@user_errors
def build_store_command(
    data: DataOpt = DEFAULT_DATA,
    params: ParamsOpt = DEFAULT_PARAMS,
    store: StoreOpt = DEFAULT_STORE,
) -> None:
    """Validate the data drop and rebuild the DuckDB store the reports read (atomically)."""
    import time

    from govkit.data.store import build_store, drop_hash
    from govkit.plan.config import load_trust

    started = time.perf_counter()
    data = configured_data(data, params)
    path = build_store(data, load_trust(params / "trust.yaml"), store)
    out.print(f"{path}: built from {data} in {time.perf_counter() - started:.1f} s "
              f"(drop {drop_hash(data)[:12]})", markup=False, soft_wrap=True)


@app.command("init")
@user_errors
def init_command(
    gias_links: Annotated[Path | None, typer.Option("--gias-links", help="GIAS groups "
                                                    "download's links file, group_links.csv")
                          ] = None,
    trust_name: Annotated[str | None, typer.Option("--trust", help="the trust's name as GIAS "
                                                   "has it, or its Group UID")] = None,
    plan: Annotated[str, typer.Option("--plan", help="an example plan to start from (e.g. "
                                      "odyssey-2024-27) or a plan file")] = "odyssey-2024-27",
    params: ParamsOpt = DEFAULT_PARAMS,
    first_year: Annotated[str | None, typer.Option(
        "--first-year", help="first academic year to report on, e.g. 2016-17 (default: two "
        "years before the last)")] = None,
    last_year: Annotated[str | None, typer.Option(
        "--last-year", help="last academic year, e.g. 2018-19 (default: this one)")] = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite an existing "
                                        "trust.yaml / plan.yaml")] = False,
    demo: Annotated[bool, typer.Option(
        "--demo", help="the invented demo trust instead: its params/ (trust.yaml, plan, "
        "leaders' comments) and its data in data/demo, ready for govkit run")] = False,
    school_info: Annotated[Path | None, typer.Option(
        "--gias-school-info", help="GIAS school information (OTHERURN) or links file: "
        "each school's predecessor URNs, so a converter's results before it converted "
        "are its own history")] = None,
) -> None:
    """Start a trust: params/trust.yaml from GIAS (every school of the trust with URN, name,
    phase and joined date), a copy of an example plan, and the next steps."""
    import datetime as dt

    from govkit.data.importers.dfe import academic_year
    from govkit.data.importers.gias import (
        find_trust,
        predecessors,
        trust_yaml,
        with_predecessors,
    )
    from govkit.errors import ConfigError
    from govkit.terms import TermError, terms_between

    plan_file = _example_plan(plan)
    if demo:
        if gias_links is not None or trust_name is not None:
            raise ConfigError("--demo writes the demo trust: leave out --gias-links and "
                              "--trust")
        _init_demo(params, plan_file, force)
        return
    if gias_links is None or trust_name is None:
        raise ConfigError("give --gias-links and --trust (or --demo for the demo trust)")
    try:
        today = dt.date.today()
        last = academic_year(last_year) if last_year else (
            f"{today.year - (today.month < 9)}-{(today.year + (today.month >= 9)) % 100:02d}")
        first = academic_year(first_year) if first_year else \
            f"{int(last[:4]) - 2}-{(int(last[:4]) - 1) % 100:02d}"
    except TermError as e:
        raise ConfigError(f"--first-year/--last-year: {e}") from None
    if int(first[:4]) > int(last[:4]):
        raise ConfigError(f"--first-year {first} comes after --last-year {last}")
    terms = [t.id for t in terms_between(f"{first}-autumn", f"{last}-summer")]
    found = find_trust(gias_links, trust_name)
    if school_info is not None:
        found = with_predecessors(found, predecessors(school_info,
                                                      {s.urn for s in found.schools}))
    if not found.schools:
        raise ConfigError(f"{found.name} (Group UID {found.uid}) has no school govkit can "
                          "place in a phase")
    target, plan_target = params / "trust.yaml", params / "plan.yaml"
    _refuse_existing([target, plan_target], force)
    params.mkdir(parents=True, exist_ok=True)
    # renamed into place: a link planted at either name is replaced, never written through
    write_atomic(target, trust_yaml(found, terms))
    write_atomic(plan_target, plan_file.read_bytes())
    (params.parent / "data").mkdir(exist_ok=True)

    def say(text: str) -> None:
        out.print(text, markup=False, soft_wrap=True)

    say(f"{target}: {found.name} (Group UID {found.uid}), {len(found.schools)} schools, "
        f"terms {terms[0]} .. {terms[-1]}")
    for reason, names in found.left_out.items():
        say(f"  left out, {reason}: " + "; ".join(names))
    for s in found.schools:
        if s.predecessors:
            say(f"  {s.name} ({s.urn}): predecessor URN "
                + ", ".join(map(str, s.predecessors))
                + ": DfE's files under it are read as the school's own history")
    say(f"{plan_target}: copied from {plan_file.name}: set your own targets")
    _list_in_notebooks(params)
    say("next steps:")
    say("  govkit import <DfE files: KS2/KS4 performance tables, census, CFR> "
        f"--params {params}")
    data = params.parent / "data"  # trust.yaml's data: ../data, where validate reads
    say(f"  govkit template --out {data / 'trust-data.xlsx'} --params {params}   # what "
        "DfE does not publish")
    say(f"  govkit validate {data} --params {params}")
    say(f"  govkit run --params {params} --term {terms[-1]}")


def _list_in_notebooks(params: Path, folders: list[Path] | None = None) -> None:
    """The parameters cells of the project's notebooks (notebooks/ beside params/ and a
    leader's copies in notebooks/mine/) list this trust's terms, schools and priorities;
    one line per notebook rewritten."""
    from govkit.plan.params import load_params
    from govkit.reports.param_listing import update_folders

    if not (params / "trust.yaml").is_file():
        return
    trust, plan = load_params(params)
    beside = params.resolve().parent / "notebooks"
    changed, unread = update_folders(folders or [beside, beside / "mine"], trust, plan)
    for nb in changed:
        out.print(f"{nb}: its parameters cell now lists {trust.name}'s terms, schools and "
                  "priorities", markup=False, soft_wrap=True)
    for nb, why in unread:
        out.print(f"{nb}: not a notebook govkit can read, left as it is ({why})",
                  markup=False, soft_wrap=True)


def _example_plan(plan: str) -> Path:
    """--plan as a file, or the example plan of that name installed with govkit."""
    from govkit import paths
    from govkit.errors import ConfigError

    examples = paths.shipped("examples")
    plan_file = Path(plan) if Path(plan).suffix in (".yaml", ".yml") else \
        examples / f"{plan}.yaml"
    if not plan_file.is_file():
        known = sorted(p.stem for p in examples.glob("*.yaml"))
        raise ConfigError(f"--plan {plan}: no such plan file or example (examples: "
                          + ", ".join(known) + ")")
    return plan_file


def _refuse_existing(files: list[Path], force: bool) -> None:
    from govkit.errors import ConfigError

    for f in files:
        if (f.exists() or f.is_symlink()) and not force:
            raise ConfigError(f"{f} exists already: give --force to replace it")


def _init_demo(params: Path, plan_file: Path, force: bool) -> None:
    """`govkit init --demo`: the demo trust as the checkout has it (params/trust.yaml, the
    plan, the leaders' comments; the data drop in data/demo, where trust.yaml without a
    ``data:`` key looks), so `govkit run` then builds its reports from an empty folder."""
    from govkit import paths
    from govkit.data.demo import write_demo, write_trust_yaml

    comments = sorted((paths.shipped("examples") / "demo-commentary").glob("*.yaml"))
    data = params.parent / "data" / "demo"
    targets = [params / "trust.yaml", params / "plan.yaml",
               *(params / "commentary" / c.name for c in comments)]
    _refuse_existing(targets + ([data] if data.exists() and any(data.iterdir()) else []),
                     force)
    demo = write_demo(data)
    write_trust_yaml(params / "trust.yaml", demo)
    write_atomic(params / "plan.yaml", plan_file.read_bytes())
    (params / "commentary").mkdir(exist_ok=True)
    for c in comments:
        write_atomic(params / "commentary" / c.name, c.read_bytes())
    _list_in_notebooks(params)
    for line in (f"{params / 'trust.yaml'}: {demo.name} (invented), {len(demo.schools)} "
                 f"schools, terms {demo.terms[0]} .. {demo.terms[-1]}",
                 f"{params / 'plan.yaml'}: copied from {plan_file.name}",
                 f"{params / 'commentary'}: the leaders' comments for "
                 + ", ".join(c.stem for c in comments),
                 f"{data}: the demo data drop",
                 "next: govkit run" + ("" if params == DEFAULT_PARAMS else
                                       f" --params {params}")):
        out.print(line, markup=False, soft_wrap=True)


@app.command("template")
@user_errors
def template_command(
    out_file: Annotated[Path, typer.Option("--out", help="the workbook to write, e.g. "
                                           "data/trust-data.xlsx")] = Path("trust-data.xlsx"),
    params: ParamsOpt = DEFAULT_PARAMS,
    force: Annotated[bool, typer.Option("--force", help="overwrite the workbook")] = False,
) -> None:
    """Write an Excel workbook for what DfE does not publish: a sheet per domain, header
    notes, Excel's own validation (whole numbers, ranges, lists of URNs and terms)."""
    from govkit.data.template import template_domains, write_template
    from govkit.errors import ConfigError
    from govkit.plan.config import load_trust

    if out_file.suffix.lower() != ".xlsx":
        raise ConfigError(f"--out {out_file}: give a .xlsx file name")
    if out_file.exists() and not force:
        raise ConfigError(f"{out_file} exists already (perhaps filled in): give --force to "
                          "replace it")
    trust = load_trust(params / "trust.yaml")
    path = write_template(trust, out_file)
    out.print(f"{path}: sheets {', '.join(template_domains())} for {len(trust.schools)} "
              f"schools, {trust.terms[0]} .. {trust.terms[-1]}; fill it in, save it in the "
              "data folder and run govkit validate", markup=False, soft_wrap=True)


@app.command("import")
@user_errors
def import_command(
    files: Annotated[list[Path], typer.Argument(help="DfE files as downloaded: KS2 or KS4 "
                                                "performance tables, census, CFR finance")],
    data: DataOpt = DEFAULT_DATA,
    params: ParamsOpt = DEFAULT_PARAMS,
    year: Annotated[str | None, typer.Option("--year", help="academic year, e.g. 2018-19, "
                                             "if a file's name does not say")] = None,
) -> None:
    """Import DfE files into the data drop: each recognised by its columns, the trust's
    schools kept, rows from an earlier import of the same year replaced."""
    from govkit.data.importers import import_files
    from govkit.plan.config import load_trust

    trust = load_trust(params / "trust.yaml")
    data = configured_data(data, params)
    # every file read and checked before any is written: all or nothing
    for report in import_files(files, data, trust, year):
        _print_import(report, trust.name)


@app.command("import-ks2", hidden=True)
@user_errors
def import_ks2_command(
    file: Annotated[Path, typer.Argument(help="DfE KS2 performance table, *_ks2final.csv")],
    data: DataOpt = DEFAULT_DATA,
    params: ParamsOpt = DEFAULT_PARAMS,
    year: Annotated[str | None, typer.Option("--year", help="academic year, e.g. 2018-19, "
                                             "if the file name does not say")] = None,
) -> None:
    """Import DfE's KS2 results (kept for old scripts: `govkit import` does every file)."""
    import_command([file], data, params, year)


def _print_import(r: Any, trust_name: str) -> None:
    """What an import took, what it left out and why, and the file's own LA check."""
    def say(text: str) -> None:
        out.print(text, markup=False, soft_wrap=True)

    say(f"{r.file.name}: {r.importer.name} ({r.academic_year}) -> {r.target}: {r.rows} "
        f"row(s) for {r.schools} school(s), replacing {r.replaced}")
    # the file's own warnings (DfE rows that stop after their last figure, codes not in
    # DfE's key) belong to its summary: one line each, under the file's name
    for p in r.problems:
        where = f"row {p.row}" + (f", {p.column}" if p.column else "") + ": " \
            if p.row is not None else ""
        say(f"  {p.severity}: {where}{p.message}")
    if r.measures:
        say("  measures: " + ", ".join(r.measures))
    for line in r.predecessors:
        say(f"  {line}")
    if r.benchmarks:
        say(f"  benchmarks: {r.benchmarks} national and local-authority row(s) kept in "
            "benchmarks.csv as the year's comparison")
    for reason, n in r.left_out.items():
        say(f"  left out: {n} {reason}")
    if r.not_in_file:
        say(f"  not in the file: {len(r.not_in_file)} of the trust's schools ("
            + ", ".join(map(str, r.not_in_file)) + ")")
    for line in r.checks:
        say(f"  check: {line}")
    if not r.schools:
        err.print(f"warning: {r.file.name} has no school of {trust_name}: nothing written"
                  + (f" ({r.importer.no_match})" if r.importer.no_match else ""),
                  markup=False, soft_wrap=True)


@app.command("contract-docs")
@user_errors
def contract_docs_command(
    path: Annotated[Path, typer.Argument(help="where to write the Markdown")] = Path(
        "docs/data-contract.md"),
) -> None:
    """Write the data contract's documentation, generated from its schemas."""
    from govkit.data.contract_docs import write

    write(path)
    out.print(f"{path}: written", markup=False, soft_wrap=True)


@app.command("copy-notebooks")
@user_errors
def copy_notebooks_command(
    to: Annotated[Path | None, typer.Option(
        "--to", help="folder for your copies (default: notebooks/mine beside --params)")
    ] = None,
    params: ParamsOpt = DEFAULT_PARAMS,
) -> None:
    """Copy the report notebooks to notebooks/mine/ for a leader to change (never over hers)."""
    from govkit.batch.runner import _notebooks_dir
    from govkit.reports.notebook_tidy import copy_notebooks

    source = _notebooks_dir(params.resolve())
    dest = to if to is not None else params.resolve().parent / "notebooks" / "mine"
    copied, kept = copy_notebooks(dest, source)
    for path in copied:
        out.print(f"{path}: copied from {source}", markup=False, soft_wrap=True)
    _list_in_notebooks(params, [dest])
    if kept:
        out.print(f"{len(kept)} already in {dest}, kept as they are: "
                  + ", ".join(p.name for p in kept), markup=False, soft_wrap=True)
    out.print(f"Change them in JupyterLab; `govkit run --notebooks {dest}` builds the "
              "reports from them.", markup=False, soft_wrap=True)


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


@app.command("check-params")
@user_errors
def check_params_command(
    params: ParamsOpt = DEFAULT_PARAMS,
    plan: Annotated[Path | None, typer.Option("--plan", help="check only this plan file "
                                              "against the measure catalogue")] = None,
) -> None:
    """Check trust.yaml, its plan and the leaders' commentary; one line per problem, exit 2.
    Then the notebooks' parameters cells list this trust's terms, schools and priorities."""
    from govkit.plan.paramcheck import check_params

    report = check_params(params, plan)
    for line in report.summary + report.warnings:
        out.print(line, markup=False, soft_wrap=True)
    if plan is None:  # the trust's own params: its notebooks list its values
        _list_in_notebooks(params)
    out.print("OK", markup=False)


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
    df = ev.kpis(term, urn=school, priority=priority, audience=audience)
    if csv is not None:
        out.print(f"{write_csv(df, csv)}: {len(df)} KPI(s) for {term}", markup=False)
        return
    place = ev.trust.school(school).name if school else ev.trust.name
    table = Table(title=printable(f"{place}: KPIs for {term} ({audience})"),
                  title_justify="left")
    for col in ("measure id", "value", "numerator", "denominator", "target", "RAG",
                "trend", "status"):
        table.add_column(col, no_wrap=True, justify="left" if col in ("measure id", "status")
                         else "right")
    from govkit.plan import narrative

    for r in df.to_dict("records"):
        unit = r["unit"]
        # the one result the reports show: its rating (or "too few pupils to rate") and
        # its change on its basis (the same term last year for attendance, ...)
        rating = {"too_few": narrative.TOO_FEW}.get(r["rating"], r["rating"]) \
            if isinstance(r["rating"], str) else ""
        trend = narrative.change_cell(r)
        table.add_row(*map(printable, (
            r["measure"] if isinstance(r["measure"], str) else r["kpi_id"],
            fmt.value(r["value"], unit, r["status"]), *_counts(r),
            fmt.value(r["target"], unit),
            rating, trend, _status(r))))
    _print_table(table)


def _counts(r: dict) -> tuple[str, str]:
    """A figure's numerator and denominator as the tables show them."""
    from govkit.plan import fmt

    unit = r["unit"]
    return (fmt.number(r["numerator"], 1 if unit in ("GBP", "hours", "days") else 0),
            fmt.number(r["denominator"], 1 if unit in ("days", "hours") else 0))


def _status(r: dict) -> str:
    return r["status"] + (" (small number)" if r["small_number"] else "")


def _print_table(table: Any) -> None:
    # A piped or redirected table keeps every column whole rather than the 80 defaults.
    (out if out.is_terminal else SafeConsole(width=160)).print(table)


def _print_phases(ev: Any, term: str, audience: str, csv: Path | None) -> None:
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
            fmt.value(r["value"], r["unit"], r["status"]), *_counts(r),
            fmt.national(r["national_value"], r["unit"], r["national_like_for_like"]),
            _status(r))))
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
                             before_index=lambda: print_comments_due(params, term, school))
    if code:
        if pack:
            err.print("no board pack: not every report was built")
        raise typer.Exit(code)
    if pack:
        write_pack(params, out_dir, term, school[0] if school and len(school) == 1 else None)


def print_comments_due(params: Path, term: str | None, schools: list[int] | None) -> None:
    """The leaders' comments the plan asks for that the term's commentary lacks (school,
    priority, KPI): the board's pages show nothing there, so the analyst needs the list."""
    from govkit.plan.commentary import comments_due
    from govkit.plan.params import load_params

    trust, plan = load_params(params)
    due = comments_due(trust, plan, params / "commentary", term or trust.latest_term)
    if schools:
        due = [d for d in due if d.urn in schools]
    if not due:
        return
    out.print(f"Leaders' comments still due ({len(due)}; add them to "
              f"{params / 'commentary' / ((term or trust.latest_term) + '.yaml')}):",
              markup=False, soft_wrap=True)
    for d in due:
        out.print(f"  {d.place} · {d.priority} · {d.kpi_id}: {d.label}", markup=False,
                  soft_wrap=True, emoji=False)


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


def main() -> None:  # pragma: no cover - console entry for python -m
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover
    main()
