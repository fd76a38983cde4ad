"""What a governor never sees on a page: the ForReaders preprocessor on the house exporter."""

from __future__ import annotations

import copy

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from govkit.plan.config import School, Trust
from govkit.reports.export import render_html

TRUST = Trust(name="Test Trust", terms=["2024-25-summer"],
              schools=[School(urn=100001, name="Oak", phase="primary")])


def test_stderr_errors_sources_banners_and_removed_cells_never_reach_the_page():
    shown = new_code_cell("secret_source = 1", outputs=[
        new_output("stream", name="stdout", text="Attendance 95.1%"),
        new_output("stream", name="stderr", text="DeprecationWarning: old API"),
        new_output("error", ename="KeyError", evalue="'urn'", traceback=["Traceback ..."]),
    ])
    banner = new_markdown_cell("An Exception was encountered at Cell 3",
                               metadata={"tags": ["papermill-error-cell-tag"]})
    setup = new_code_cell("hidden = 2", metadata={"tags": ["remove-cell"]},
                          outputs=[new_output("stream", name="stdout", text="set-up text")])
    params = new_code_cell("urn = 100001", metadata={"tags": ["injected-parameters"]})
    nb = new_notebook(cells=[params, new_markdown_cell("## Attendance"), shown, banner, setup])
    before = copy.deepcopy(nb)

    page = render_html(nbformat.from_dict(nb), TRUST, "A page")

    assert "Attendance 95.1%" in page and "<h2" in page
    for hidden in ("DeprecationWarning", "KeyError", "Traceback", "secret_source",
                   "An Exception was encountered", "set-up text", "hidden = 2", "urn = 100001"):
        assert hidden not in page, hidden
    assert nb == before  # the caller's notebook is left alone
