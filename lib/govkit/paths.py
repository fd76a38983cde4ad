"""Where things live, so notebooks run the same from JupyterLab, nbval and papermill.

A notebook's default parameters are ``None``; these helpers turn that into the
project's own folders by walking up from the working directory to the folder
holding ``params/trust.yaml``, and the data folder into the configured one.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

ROOT_ENV = "GOVKIT_ROOT"
DATA_ENV = "GOVKIT_DATA"


def project_root(start: str | Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: cwd) with params/trust.yaml."""
    if os.environ.get(ROOT_ENV):
        return Path(os.environ[ROOT_ENV]).resolve()
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "params" / "trust.yaml").is_file():
            return folder
    raise FileNotFoundError(
        f"no params/trust.yaml in {here} or any folder above it; "
        f"run from the project folder or set {ROOT_ENV}"
    )


def params_dir(value: str | Path | None = None) -> Path:
    return Path(value).resolve() if value else project_root() / "params"


def data_dir(value: str | Path | None = None, configured: str | Path | None = None,
             params: str | Path | None = None) -> Path:
    """The data folder, first of: ``value`` (a --data option or a notebook's ``data_dir``),
    the GOVKIT_DATA environment variable, ``configured`` (trust.yaml's ``data:`` key,
    relative to the folder holding trust.yaml), the demo drop ``data/demo`` beside the
    params folder (the project's, found from the working directory, when ``params`` is not
    given).

    One rule for `govkit run`, `govkit kpis` and the notebooks, so a leader who points
    trust.yaml at her own drop gets it everywhere, never the demo by surprise.
    """
    if value:
        return Path(value).expanduser().resolve()
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV]).expanduser().resolve()
    base = Path(params).resolve() if params else project_root() / "params"
    if configured:
        return (base / Path(configured).expanduser()).resolve()
    return base.parent / "data" / "demo"


def store_path(value: str | Path | None = None) -> Path:
    return Path(value).resolve() if value else project_root() / "outputs" / "govkit.duckdb"


def shipped(name: str) -> Path:
    """A folder installed with the package (``notebooks``, ``examples``), found through
    importlib.resources, so an installed wheel runs without a checkout around it.

    govkit installs as plain files (a wheel, or ``pip install -e``), so the folder is a
    real directory papermill and a kernel can be given by path.
    """
    folder = Path(str(files("govkit") / name))
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: not installed with govkit (package data)")
    return folder
