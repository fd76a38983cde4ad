"""Commands that start and check a trust: init (from GIAS, or the demo), the leaders'
notebook copies, check-params."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from govkit.cli.common import DEFAULT_PARAMS, ParamsOpt, app, out, user_errors
from govkit.files import write_atomic


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
