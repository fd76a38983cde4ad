"""The batch's papermill engine: papermill's own nbclient engine, saving less often.

papermill's engine writes the whole executed notebook at the start, at every cell's start
and at every cell's end: twenty-odd writes of a report (JSON-encoded and schema-checked
each time) that nobody reads, because the batch keeps a report's notebook only when the
report fails. This engine writes it when the run starts (the parameterised notebook: the
sign a report is running), when the run ends, however it ends (a cell's error, the batch's
time limit, a dead kernel: papermill's ``finally``), and during a long cell every
``autosave_cell_every`` seconds (papermill's autosave). Registered with papermill's
engine registry as ``govkit``; the cells run exactly as under the default engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

ENGINE = "govkit"


class BatchExecutionManager(NotebookExecutionManager):
    """papermill's record of a run (cell times, status), saved at its start and end only."""

    _quiet = False

    def save(self, **kwargs: Any) -> None:
        if not self._quiet:
            super().save(**kwargs)

    def _unsaved(self, step: Callable[..., None], *args: Any, **kwargs: Any) -> None:
        self._quiet = True
        try:
            step(*args, **kwargs)
        finally:
            self._quiet = False

    def cell_start(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
        self._unsaved(super().cell_start, cell, cell_index, **kwargs)

    def cell_complete(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
        self._unsaved(super().cell_complete, cell, cell_index, **kwargs)


class BatchEngine(NBClientEngine):
    """NBClientEngine with a BatchExecutionManager (papermill's Engine.execute_notebook,
    which names its manager class directly)."""

    @classmethod
    def execute_notebook(cls, nb: Any, kernel_name: str, output_path: str | None = None,
                         progress_bar: bool = True, log_output: bool = False,
                         autosave_cell_every: int = 30, **kwargs: Any) -> Any:
        nb_man = BatchExecutionManager(nb, output_path=output_path, progress_bar=progress_bar,
                                       log_output=log_output,
                                       autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


papermill_engines.register(ENGINE, BatchEngine)
