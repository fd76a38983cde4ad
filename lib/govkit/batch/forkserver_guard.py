"""Imported only by the batch's forkserver (as a preload): it dies with the main process.

The forkserver starts the local workers. It exits by itself once the main process and
every worker have gone, but only after tearing down an interpreter that has imported
papermill, pandas, matplotlib and ipykernel: seconds on a busy machine. Linux can instead
kill it the moment its parent dies (prctl PR_SET_PDEATHSIG), however the parent died.
Never import this anywhere else: the process importing it is killed with its parent.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1

if sys.platform.startswith("linux"):
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before the line above: follow it now
            os._exit(1)
