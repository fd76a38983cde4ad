"""JupyterLab's contents manager for this project (``make lab``; jupyter_server_config.py).

Imported only by a Jupyter server (it needs jupyter_server, from the ``lab`` extra): the
notebooks it serves carry the metadata their kernel is about to give them, so opening a
notebook does not mark it modified (govkit.reports.notebook_tidy.kernel_metadata).
"""

from __future__ import annotations

from typing import Any

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

from govkit.reports.notebook_tidy import kernel_metadata


class LabContentsManager(AsyncLargeFileManager):
    """jupyter_server's default contents manager, serving notebooks ready for their kernel."""

    async def get(self, path: str, content: bool = True, type: str | None = None,
                  format: str | None = None, **kwargs: Any) -> dict[str, Any]:
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
            kernel_metadata(model["content"])
        return model
