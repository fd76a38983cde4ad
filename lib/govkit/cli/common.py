"""What every command shares: the Typer app, the consoles that print text from data
literally, the --params/--data/--store options, and our errors as plain lines (exit 2)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from govkit.errors import GovkitError
from govkit.text import SafeConsole

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Governance reports on every priority of a trust's strategic plan.")
# Text from data and config is printed literally: 'compliance.csv:100:urn' is not an emoji
# code, '[bold]' in a school's name is not markup, and an ESC in it is shown as '\x1b'.
err = SafeConsole(stderr=True)
out = SafeConsole()
P = ParamSpec("P")
R = TypeVar("R")

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


def user_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Show our own errors as plain lines (no traceback) and exit 2."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except GovkitError as e:
            for line in e.lines():
                err.print(line, markup=False, soft_wrap=True)
            raise typer.Exit(e.exit_code) from None

    return wrapper
