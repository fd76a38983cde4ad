"""The report notebooks as git keeps them: sources and tags, no run's leftovers.

A leader who runs a notebook in JupyterLab and saves it would otherwise store outputs,
execution counts and Lab's metadata, and the tests (which check the notebooks are stored
tidy, and let nbval compare the few outputs kept on purpose) would break. ``make lab``
starts JupyterLab with the project's jupyter_server_config.py, whose pre-save hook is
``pre_save_hook`` below: what Lab saves under notebooks/ is tidied first. The leader
still sees her outputs in Lab; only the file on disk is tidy.
"""

from __future__ import annotations

from typing import Any

CHECKED = "nbval-check-output"  # a cell whose stored output nbval compares: kept
NOTEBOOK_METADATA = ("kernelspec",)
FOLDER = "notebooks/"  # the project's report notebooks; a leader's own copies elsewhere keep all


def tidy(nb: dict[str, Any]) -> dict[str, Any]:
    """The notebook (a dict or NotebookNode, changed in place and returned) without outputs
    (except checked cells'), run counts, or metadata other than tags and kernelspec."""
    meta = nb.get("metadata", {})
    kept = {k: meta[k] for k in NOTEBOOK_METADATA if k in meta}
    if kept.get("kernelspec", {}).get("name") == "python3":  # Lab writes "(ipykernel)"
        kept["kernelspec"] = {**kept["kernelspec"], "display_name": "Python 3"}
    kept["language_info"] = {"name": meta.get("language_info", {}).get("name", "python")}
    nb["metadata"] = kept
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
        # a checked cell keeps its outputs for nbval to compare, and a count (nbval refuses
        # an unrun cell with outputs): always 1, so a save in Lab changes nothing
        cell["execution_count"] = 1 if cell.get("outputs") else None
        for out in cell.get("outputs", []):
            if "execution_count" in out:
                out["execution_count"] = cell["execution_count"]
    return nb


def pre_save_hook(model: dict[str, Any], path: str = "", **_: Any) -> None:
    """jupyter_server's ContentsManager.pre_save_hook: tidy report notebooks as Lab saves."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    if not str(path).lstrip("/").startswith(FOLDER):
        return
    tidy(model["content"])
