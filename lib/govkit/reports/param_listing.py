"""The valid values a notebook's parameters cell lists, kept to this trust's own.

A parameters cell's comments list the terms, schools and priorities a leader may choose
from. They are written from trust.yaml and plan.yaml: by ``govkit init`` (the trust it
starts), ``govkit copy-notebooks`` (a leader's copies) and ``govkit check-params`` (after
trust.yaml or the plan changed), so a trust never sees the demo trust's URNs. Only those
comment lines change; the values a leader set and every other line stay as they are.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

from govkit.files import write_atomic
from govkit.text import one_line

TERM = re.compile(r"(?m)^(term = .*?)  # a term id from trust\.yaml.*$")
URN = re.compile(r"(?m)^(urn = .*?)  # a school's URN, or None for the whole trust.*\n"
                 r"(?:#   \d+  .*\n?)*")
PRIORITY = re.compile(r"(?m)^(priority = .*?)  # a priority id from plan\.yaml.*\n"
                      r"(?:#   \".*\n?)*")
WIDTH = 88


def listed(source: str, trust: Any, plan: Any) -> str:
    """A parameters cell's source with its lists of terms, schools and priorities those
    of ``trust`` and ``plan``. Text from trust.yaml is made one line (a line break in a
    school's name must never start a line of code)."""
    ended = source.endswith("\n")
    terms = f'"{trust.terms[0]}" .. "{trust.terms[-1]}"' if trust.terms else "none yet"
    source = TERM.sub(lambda m: f"{m[1]}  # a term id from trust.yaml, {terms} (default: "
                      "the latest)", source)
    schools = "".join(f"\n#   {s.urn}  {one_line(s.name)} ({one_line(s.phase)})"
                      for s in trust.schools)
    source = URN.sub(lambda m: f"{m[1]}  # a school's URN, or None for the whole trust; "
                     f"the schools in trust.yaml:{schools}\n", source)
    ids = ", ".join(f'"{one_line(p.id)}"' for p in plan.priorities)
    wrapped = "".join(f"\n#   {line}" for line in textwrap.wrap(ids, WIDTH - 4))
    source = PRIORITY.sub(lambda m: f"{m[1]}  # a priority id from plan.yaml (default: the "
                          f"first); the plan's:{wrapped}\n", source)
    return source if ended else source.rstrip("\n")


def update_notebook(path: Path, trust: Any, plan: Any) -> bool:
    """Rewrite the parameters cell's lists of ``path`` for this trust; True if it changed
    (the file is written only then)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            new = listed(cell.source, trust, plan)
            if new != cell.source:
                cell.source, changed = new, True
    if changed:
        write_atomic(path, nbformat.writes(nb) + "\n")
    return changed


def update_folders(folders: list[Path], trust: Any, plan: Any
                   ) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Every notebook of these folders (that exist) brought in step: (the ones changed,
    the ones that could not be read with why: a leader's broken copy is left alone)."""
    changed, unread = [], []
    for folder in folders:
        for nb in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
            try:
                if update_notebook(nb, trust, plan):
                    changed.append(nb)
            except Exception as e:  # noqa: BLE001 - not a notebook nbformat can read
                unread.append((nb, str(e).splitlines()[0] if str(e) else type(e).__name__))
    return changed, unread
