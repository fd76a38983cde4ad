"""Forked report kernels: the process handle the kernel manager is given, and the
kernel's own arguments picked out of a kernelspec command."""

from __future__ import annotations

import os
import signal
import time

import pytest

from govkit.batch.forkkernel import CAN_FORK, ForkedProcess, _kernel_argv

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


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as f:
            return "\nState:\tZ" in f.read()  # a zombie waiting for init is gone too
    except FileNotFoundError:
        return True


def test_a_forked_kernel_exits_when_its_worker_dies(tmp_path):
    # a worker stopped hard (Ctrl-C on the batch) must not leave its kernel running
    import subprocess
    import sys

    script = tmp_path / "worker.py"
    script.write_text(
        "import os, sys\n"
        "from jupyter_client.blocking import BlockingKernelClient\n"
        "from govkit.batch.forkkernel import ForkingKernelManager, preload\n"
        "import asyncio\n"
        "preload()\n"
        "km = ForkingKernelManager(kernel_name='python3')\n"
        "asyncio.run(km.start_kernel())\n"
        "kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=60)\n"
        "print(km.provisioner.pid, flush=True)\n"
        "os._exit(0)  # die without shutting the kernel down\n")
    # read the kernel's pid, then wait for the worker itself (a live kernel would hold
    # the pipe open, so do not wait for the end of its output)
    worker = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    kernel = int(worker.stdout.readline())
    worker.wait(timeout=60)
    worker.stdout.close()
    deadline = time.monotonic() + 15
    while not _gone(kernel) and time.monotonic() < deadline:
        time.sleep(0.2)
    if not _gone(kernel):
        os.kill(kernel, signal.SIGKILL)
        pytest.fail(f"kernel {kernel} outlived its worker")


def test_a_kernel_is_ready_once_and_a_stale_reply_is_not_taken_for_its_answer():
    # QuickKernelManager's client counts a kernel ready on its IOPub welcome or idle, not
    # after 0.2 s of silence; an older kernel_info reply still queued must not be taken
    # for the answer to the request it is waiting on
    import asyncio

    from govkit.batch.forkkernel import QuickKernelManager

    async def run() -> tuple[str, str]:
        km = QuickKernelManager(kernel_name="python3")
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            stale = kc.kernel_info()  # answered before the client's own request
            await kc.wait_for_ready(timeout=60)
            msg_id = kc.execute("print(6 * 7)")
            out = ""
            while True:
                msg = await kc.get_iopub_msg(timeout=30)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "stream":
                    out += msg["content"]["text"]
                if msg["msg_type"] == "status" and \
                        msg["content"]["execution_state"] == "idle":
                    break
            reply = await kc.get_shell_msg(timeout=30)
            while reply["parent_header"].get("msg_id") != msg_id:  # the stale one first
                assert reply["parent_header"]["msg_id"] == stale
                reply = await kc.get_shell_msg(timeout=30)
            return out, reply["content"]["status"]
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    assert asyncio.run(run()) == ("42\n", "ok")
