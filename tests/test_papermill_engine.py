"""The batch's papermill engine writes a report's notebook when it starts and when it
ends (also after an error), not at every cell: what is on disk mid-run is the start."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from govkit.batch.forkkernel import QuickKernelManager
from govkit.batch.papermill_engine import ENGINE


def _notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    params = nbformat.v4.new_code_cell("out = ''")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(s) for s in sources)]
    nbformat.write(nb, path)
    return path


# the second cell looks at the notebook on disk while the run is still going
ON_DISK = ("import json, pathlib\n"
           "cells = json.loads(pathlib.Path(out).read_text())['cells']\n"
           "text = [''.join(o.get('text', '')) for c in cells for o in c.get('outputs', [])]\n"
           "print('first cell saved' if 'one\\n' in text else 'only the start saved')")


def _run(src: Path, out: Path, engine: str | None) -> nbformat.NotebookNode:
    return papermill.execute_notebook(
        str(src), str(out), parameters={"out": str(out)}, engine_name=engine,
        kernel_name="python3", progress_bar=False, kernel_manager_class=QuickKernelManager)


def _text(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.outputs)


def test_mid_run_the_disk_holds_the_start_and_the_end_holds_everything(tmp_path: Path):
    src = _notebook(tmp_path / "in.ipynb", "print('one')", ON_DISK)
    out = tmp_path / "out.ipynb"
    nb = _run(src, out, ENGINE)
    assert _text(nb.cells[-1]) == "only the start saved\n"
    on_disk = nbformat.read(out, as_version=4)
    assert [_text(c) for c in on_disk.cells[-2:]] == ["one\n", "only the start saved\n"]
    assert all(c.metadata.papermill["status"] == "completed" for c in on_disk.cells)
    # papermill's own engine saved after the first cell: the same notebook says so
    assert _text(_run(src, tmp_path / "pm.ipynb", None).cells[-1]) == "first cell saved\n"


def test_an_error_is_on_disk_with_the_cell_that_raised(tmp_path: Path):
    src = _notebook(tmp_path / "in.ipynb", "print('one')", "raise ValueError('no such school')",
                    "print('never')")
    out = tmp_path / "out.ipynb"
    with pytest.raises(PapermillExecutionError, match="no such school"):
        _run(src, out, ENGINE)
    saved = json.loads(out.read_text())
    statuses = [c["metadata"]["papermill"]["status"] for c in saved["cells"]
                if c["cell_type"] == "code"]
    assert statuses[-3:] == ["completed", "failed", "pending"]
    assert saved["metadata"]["papermill"]["exception"] is True
