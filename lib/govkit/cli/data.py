"""Commands on a data drop: validate, import DfE's files, the Excel template, the demo
data, the store, the data contract's documentation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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

if TYPE_CHECKING:
    from govkit.config import Trust
    from govkit.data.importers import ImportReport


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
    plan_file = params / trust.plan
    plan = load_plan(plan_file, set(MEASURES)) if plan_file.is_file() else None
    problems = validate_drop(data_dir, trust, str(params / "trust.yaml"), plan, str(plan_file))
    if data_dir.is_dir() and plan is not None:  # what the plan will miss
        problems += plan_coverage(data_dir, plan)
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
    from govkit.plan.config import load_plan, load_trust

    started = time.perf_counter()
    data = configured_data(data, params)
    trust = load_trust(params / "trust.yaml")
    plan_file = params / trust.plan
    path = build_store(data, trust, store, load_plan(plan_file) if plan_file.is_file()
                       else None, plan_file)
    out.print(f"{path}: built from {data} in {time.perf_counter() - started:.1f} s "
              f"(drop {drop_hash(data)[:12]})", markup=False, soft_wrap=True)


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
        _print_import(report, trust)


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


def _print_import(r: ImportReport, trust: Trust) -> None:
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
    if r.replaced_own:
        say(f"  replaced: {len(r.replaced_own)} row(s) of the trust's own in "
            f"{r.target.name} (no source) by the file's (DfE's final results over the "
            f"trust's own): {_results(r.replaced_own, trust)}")
    if r.kept_own and r.importer.keeps_own:
        say(f"  kept: {_own_rows(r.kept_own)} of the trust's own in {r.target.name} (no "
            f"source): {r.importer.keeps_own} fills only the terms and schools not given")
    elif r.kept_own:
        say(f"  kept: {len(r.kept_own)} row(s) of the trust's own in {r.target.name} (no "
            f"source) that the file does not give: {_results(r.kept_own, trust)}")
    for p in r.differs:
        say(f"  warning: {p.file} row {p.row}, {p.column}: {p.message}")
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
    if not r.schools and not r.kept_own:
        err.print(f"warning: {r.file.name} has no school of {trust.name}: nothing written"
                  + (f" ({r.importer.no_match})" if r.importer.no_match else ""),
                  markup=False, soft_wrap=True)


def _own_rows(rows: list[dict[str, str]]) -> str:
    """'4 row(s) (2017-18-autumn 2 schools, 2017-18-spring 1, 2017-18-summer 1)'."""
    terms: dict[str, int] = {}
    for r in rows:
        t = str(r.get("term", "")).strip()
        terms[t] = terms.get(t, 0) + 1
    each = ", ".join(f"{t} {n}" + (" schools" if i == 0 and n > 1 else
                                   " school" if i == 0 else "")
                     for i, (t, n) in enumerate(sorted(terms.items())))
    return f"{len(rows)} row(s) ({each})"


def _results(rows: list[dict[str, str]], trust: Trust) -> str:
    """'Barlby High School 2017-18 ks4: all att8, all p8; ...': each school, year and key
    stage with the rows (pupil group and indicator) in it."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for r in rows:
        urn = str(r.get("urn", "")).strip()
        name = trust.school(int(urn)).name if urn.isdigit() and int(urn) in trust.urns \
            else urn
        at = (name, str(r.get("academic_year", "")).strip(),
              str(r.get("key_stage", "")).strip())
        groups.setdefault(at, []).append(
            f"{str(r.get('pupil_group', '')).strip()} {str(r.get('indicator', '')).strip()}")
    return "; ".join(f"{n} {y} {ks}: {', '.join(what)}" for (n, y, ks), what in
                     groups.items())


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
