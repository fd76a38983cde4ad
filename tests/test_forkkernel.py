"""Forked report kernels: the process handle the kernel manager is given, and the
kernel's own arguments picked out of a kernelspec command."""

from __future__ import annotations

import os
import signal
import time

import pytest

from govkit.forkkernel import CAN_FORK, ForkedProcess, _kernel_argv

pytestmark = pytest.mark.skipif(not CAN_FORK, reason="forked kernels need os.fork")


def test_kernel_argv_is_what_follows_the_launcher():
    cmd = ["/venv/bin/python", "-m", "ipykernel_launcher", "-f", "/tmp/k.json",
           "--HistoryManager.hist_file=:memory:"]
    assert _kernel_argv(cmd) == ["-f", "/tmp/k.json", "--HistoryManager.hist_file=:memory:"]
    with pytest.raises(ValueError, match="not an ipykernel command"):
        _kernel_argv(["/usr/bin/R", "--slave", "-f", "k.json"])


def _child(body) -> int:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            body()
        finally:
            os._exit(0)
    return pid


def test_a_child_that_exits_is_reaped_with_its_code():
    proc = ForkedProcess(_child(lambda: os._exit(3)))
    assert proc.wait() == 3
    assert proc.poll() == 3  # reaped once, remembered


def test_a_running_child_polls_none_until_killed():
    proc = ForkedProcess(_child(lambda: time.sleep(30)))
    assert proc.poll() is None
    proc.kill()
    assert proc.wait() == -signal.SIGKILL
    proc.kill()  # a dead kernel: nothing to signal, no error
