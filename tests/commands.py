"""The installed ``govkit`` command, wherever this Python's environment is (a venv, a conda
environment, a CI image): next to sys.executable, else on PATH. Never one venv's path."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def console_script(name: str = "govkit") -> Path:
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return beside
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"no {name} command beside {sys.executable} or on PATH: "
                                "install govkit (pip install -e '.[dev]')")
    return Path(found)


GOVKIT = console_script()
