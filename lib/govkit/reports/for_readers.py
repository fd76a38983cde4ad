"""What a reader never sees, as an nbconvert preprocessor the house exporter runs.

Registered on the exporter (govkit.reports.export) ahead of nbconvert's own
TagRemovePreprocessor: warnings and other stderr, error outputs, papermill's error banner
and code cells' sources (blanked, belt and braces) go; cells tagged for removal go here
too, so their sources never reach the later steps. nbconvert hands preprocessors its own
copy of the notebook: the caller's is left alone.
"""

from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Set

PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"


class ForReaders(Preprocessor):
    """Drop what a governor should never see from an executed notebook."""

    remove_cell_tags = Set(help="cells with any of these tags are dropped whole").tag(
        config=True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        kept = []
        for cell in nb.cells:
            tags = set(cell.get("metadata", {}).get("tags", []))
            if tags & set(self.remove_cell_tags):
                continue
            if cell.cell_type == "markdown" and PAPERMILL_ERROR_TAG in tags:
                continue
            if cell.cell_type == "code":
                cell.source = ""
                cell.outputs = [o for o in cell.get("outputs", [])
                                if o.get("output_type") != "error"
                                and not (o.get("output_type") == "stream"
                                         and o.get("name") == "stderr")]
            kept.append(cell)
        nb.cells = kept
        return nb, resources
