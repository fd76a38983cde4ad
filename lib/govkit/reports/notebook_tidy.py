"""The report notebooks as the project ships them, and a leader's own copies beside them.

The shipped notebooks (``notebooks/*.ipynb``) are what the tests check and the batch runs
by default; a leader's copies live in ``notebooks/mine/`` (``govkit copy-notebooks``, which
``make lab`` runs first): git ignores that folder, pytest and nbval never collect it, and
``govkit run --notebooks notebooks/mine`` builds the reports from it.

``make lab`` starts JupyterLab with the project's jupyter_server_config.py, which installs
``pre_save_hook`` and ``LabContentsManager`` (govkit.reports.lab_contents):
- a save over a shipped notebook is refused with one line saying where her copy goes
  (a developer changing the project sets GOVKIT_EDIT_SHIPPED=1); the file a leader saved
  can then never be what the tests read;
- a developer's save is tidied: no outputs, counts or Lab metadata, except the outputs of
  the cells nbval compares, which keep the stored ones unless the cell was rerun cleanly;
- her copies are saved as Lab sends them (outputs and all);
- a notebook opens with the metadata the kernel is about to give it, so opening one does
  not mark it modified.
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from typing import Any

from govkit.files import write_atomic

CHECKED = "nbval-check-output"  # a cell whose stored output nbval compares: kept
NOTEBOOK_METADATA = ("kernelspec",)
FOLDER = "notebooks"  # the project's shipped report notebooks (directly in it)
MINE = "notebooks/mine"  # a leader's copies: git-ignored, never collected by pytest
EDIT_SHIPPED_ENV = "GOVKIT_EDIT_SHIPPED"  # "1": a developer may save the shipped notebooks


def is_shipped(path: str, root: str | Path | None = None) -> bool:
    """A notebook directly in notebooks/ (``path`` relative to the server's ``root``), or
    in the package's own folder however it is reached (notebooks/ is a link to it in the
    checkout); never one in a subfolder such as notebooks/mine/."""
    p = PurePosixPath(str(path).lstrip("/"))
    if p.suffix != ".ipynb":
        return False
    if str(p.parent) == FOLDER:
        return True
    from govkit import paths

    try:
        package = paths.shipped("notebooks").resolve()
    except FileNotFoundError:
        return False
    return (Path(root or ".") / p).resolve().parent == package


def _failed_or_empty(outputs: list[Any]) -> bool:
    return not outputs or any(o.get("output_type") == "error" for o in outputs)


def tidy(nb: dict[str, Any], stored: dict[str, Any] | None = None) -> dict[str, Any]:
    """The notebook (a dict or NotebookNode, changed in place and returned) without outputs
    (except checked cells'), run counts, or metadata other than tags and kernelspec.

    A checked cell whose outputs are empty or an error (not rerun, or stopped by an earlier
    cell's error) keeps its outputs from ``stored``, the notebook as it is on disk.
    """
    meta = nb.get("metadata", {})
    kept = {k: meta[k] for k in NOTEBOOK_METADATA if k in meta}
    if kept.get("kernelspec", {}).get("name") == "python3":  # Lab writes "(ipykernel)"
        kept["kernelspec"] = {**kept["kernelspec"], "display_name": "Python 3"}
    kept["language_info"] = {"name": meta.get("language_info", {}).get("name", "python")}
    nb["metadata"] = kept
    before = _checked_outputs(stored) if stored else {}
    for cell in nb.get("cells", []):
        tags = list(cell.get("metadata", {}).get("tags", []))
        cell["metadata"] = {"tags": tags} if tags else {}
        if cell.get("cell_type") != "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            continue
        if CHECKED not in tags:
            cell["execution_count"] = None
            cell["outputs"] = []
            continue
        if _failed_or_empty(cell.get("outputs", [])):
            old = before.get(cell.get("id")) or before.get(_source(cell))
            if old is not None:
                cell["outputs"] = old
        # a checked cell keeps its outputs for nbval to compare, and a count (nbval refuses
        # an unrun cell with outputs): always 1, so a save in Lab changes nothing
        cell["execution_count"] = 1 if cell.get("outputs") else None
        for out in cell.get("outputs", []):
            if "execution_count" in out:
                out["execution_count"] = cell["execution_count"]
    return nb


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _checked_outputs(nb: dict[str, Any]) -> dict[str, list[Any]]:
    """The stored outputs of a notebook's checked cells, by cell id and by source."""
    found: dict[str, list[Any]] = {}
    for cell in nb.get("cells", []):
        if CHECKED in cell.get("metadata", {}).get("tags", []) and cell.get("outputs"):
            outputs = json.loads(json.dumps(cell["outputs"]))
            if cell.get("id"):
                found[cell["id"]] = outputs
            found.setdefault(_source(cell), outputs)
    return found


def _stored(contents_manager: Any, path: str) -> dict[str, Any] | None:
    """The notebook as it is on disk before this save (None if new or unreadable)."""
    import nbformat

    root = Path(getattr(contents_manager, "root_dir", None) or ".")
    try:  # as nbformat reads it: multi-line text joined, as Lab sends it
        return nbformat.read(root / str(path).lstrip("/"), as_version=4)
    except (OSError, ValueError):
        return None


def refusal(path: str) -> str:
    """What a leader reads when she saves over a shipped notebook."""
    name = PurePosixPath(str(path)).name
    return (f"{path} is the report as govkit ships it, so it is not saved. Keep your "
            f"version in {MINE}/: File > Save Notebook As... {MINE}/{name} "
            f"(`govkit copy-notebooks` copies every report there; `govkit run --notebooks "
            f"{MINE}` builds the reports from it).")


def pre_save_hook(model: dict[str, Any], path: str = "", contents_manager: Any = None,
                  **_: Any) -> None:
    """jupyter_server's ContentsManager.pre_save_hook (see the module's docstring)."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    if not is_shipped(path, getattr(contents_manager, "root_dir", None)):
        return  # a leader's copy, or any other notebook: saved as Lab sends it
    if os.environ.get(EDIT_SHIPPED_ENV) != "1":
        from tornado.web import HTTPError

        raise HTTPError(403, refusal(path))
    tidy(model["content"], _stored(contents_manager, path))


def kernel_metadata(nb: dict[str, Any]) -> dict[str, Any]:
    """The notebook (changed in place) with the kernelspec name and language_info an
    ipykernel of this Python gives it when it starts: Lab marks a notebook modified when
    the kernel's differ from the stored ones, and the stored ones are tidy, not this
    machine's."""
    meta = nb.setdefault("metadata", {})
    spec = meta.get("kernelspec") or {}
    if spec.get("name") != "python3":
        return nb
    from ipykernel.ipkernel import IPythonKernel

    meta["kernelspec"] = {**spec, "display_name": "Python 3 (ipykernel)"}
    meta["language_info"] = dict(IPythonKernel.language_info)
    return nb


def copy_notebooks(dest: Path, source: Path) -> tuple[list[Path], list[Path]]:
    """Copy every notebook of ``source`` (the shipped ones) into ``dest`` for a leader to
    change; one already there is hers and is never overwritten. (copied, kept)."""
    dest.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for nb in sorted(source.glob("*.ipynb")):
        target = dest / nb.name
        if target.exists():
            kept.append(target)
            continue
        write_atomic(target, nb.read_bytes())
        copied.append(target)
    return copied, kept
