"""What runs on a Dask worker besides the report jobs: the worker's one-time setup.

Imported only by the Dask executor (it needs dask.distributed installed).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from distributed import WorkerPlugin


class WorkerSetup(WorkerPlugin):
    """Import the report libraries once per worker, as the local pool's forkserver does
    (on workers that join later too), and for a LocalCluster started by the run, send its
    kernels' stderr chatter to the run log as the local pool does."""

    name = "govkit-worker-setup"

    def __init__(self, log_path: str | None = None) -> None:
        self.log_path = log_path

    async def setup(self, worker: Any) -> None:
        from govkit.batch.forkkernel import preload

        if self.log_path:
            from govkit.files import open_nofollow

            fd = open_nofollow(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
            os.dup2(fd, 2)
            os.close(fd)
        # the imports take seconds: in a thread, so the worker's event loop keeps answering
        # the scheduler's heartbeats meanwhile
        await asyncio.get_running_loop().run_in_executor(None, preload)


def missing_paths(paths: list[str]) -> list[str]:
    """Which of these paths this (worker) machine cannot see."""
    return [p for p in paths if not os.path.exists(p)]
