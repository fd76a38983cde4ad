"""Errors a user can act on: each names where the problem is, never a traceback."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.column:
            where += f":{self.column}"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


class GovkitError(Exception):
    """Base for errors shown to the user as plain lines; the CLI exits 2 on these."""

    exit_code = 2

    def lines(self) -> list[str]:
        return [str(self)]


class ConfigError(GovkitError):
    """params/*.yaml is wrong: the message names the file and the key path."""


class DataError(GovkitError):
    """A data drop has problems; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if p.severity == "error"]
        self.warnings = [p for p in problems if p.severity == "warning"]
        super().__init__(
            f"{len(self.problems)} problem(s) in the data"
            + (f": {self.problems[0]}" if self.problems else "")
        )

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class OutputError(GovkitError):
    """An output could not be written (disk full, no permission): the message names the
    file and why; what was there before is kept. Not bad input, so exit 1, not 2."""

    exit_code = 1

    @classmethod
    def writing(cls, path: object, exc: BaseException, kept: str = "") -> OutputError:
        """'<path>: could not write: no space left on the disk' from an OSError or DuckDB's
        error (whose message buries the reason at its end)."""
        if isinstance(exc, OSError) and exc.strerror:
            why = exc.strerror
        else:
            text = str(exc).strip()
            why = text.splitlines()[0] if text else type(exc).__name__
            for code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EACCES, errno.EROFS):
                if os.strerror(code) in text:
                    why = os.strerror(code)
                    break
        return cls(f"{path}: could not write: {why}" + (f"; {kept}" if kept else ""))
