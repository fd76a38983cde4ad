"""Kernels forked from a batch worker that has already imported the reports' libraries.

Every report still runs in a kernel process of its own, with a fresh namespace, started
and shut down for it alone. What is shared is the start-up: a new ``ipykernel`` process
spends about a second of CPU importing ipykernel, pandas, matplotlib and govkit before
the first cell runs. A batch worker imports them once; each kernel is then a fork of it
that goes straight to serving the notebook. On a 2-core machine that second is a third
of a report's cost.

POSIX only (``os.fork``); elsewhere, or with ``fork=False`` in the runner, papermill
starts kernels the usual way. Forked or not, a report's kernel is managed without
jupyter_client's fixed waits (QuickKernelManager): a third of a second of every report.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from queue import Empty
from typing import Any

import zmq
import zmq.asyncio
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type, default

# What a report kernel imports: loaded once per worker, before any kernel is forked.
# The second line is what IPKernelApp.initialize and the first cells imported after the
# fork (found with an import audit hook in a forked kernel): debugpy alone, through
# ipykernel.debugger, was 0.12 s of every kernel's start; all of it about 0.3 s a report.
PRELOAD = ("ipykernel.kernelapp", "govkit.reports.priority", "govkit.reports.overview",
           "govkit.reports.deep_dive", "govkit.reports.report_card", "govkit.plan.evaluate",
           "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger", "pdb",
           "IPython.core.completerlib", "IPython.core.oinspect", "IPython.core.logger",
           "sqlite3", "tornado.locks", "tornado.queues",
           "matplotlib_inline.backend_inline")  # govkit.reports.blocks.show_pyplot_figures
CAN_FORK = hasattr(os, "fork") and sys.platform != "darwin"  # macOS: fork after threads


class ForkedProcess:
    """The part of ``subprocess.Popen`` a kernel provisioner uses, for a forked child."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None

    def _reap(self, flags: int) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, flags)
            except ChildProcessError:  # already reaped elsewhere
                self.returncode = -1
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def poll(self) -> int | None:
        return self._reap(os.WNOHANG)

    def wait(self, timeout: float | None = None) -> int | None:
        return self._reap(0)

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _kernel_argv(cmd: list[str]) -> list[str]:
    """The kernel's own arguments from the kernelspec's command (after the launcher)."""
    for i, part in enumerate(cmd):
        if part.endswith("ipykernel_launcher") or part.endswith("ipykernel"):
            return cmd[i + 1:]
    raise ValueError(f"not an ipykernel command: {cmd}")


class _LocalKernel(logging.Filter):
    """ipykernel (7.4) warns at every kernel's start that it runs "over TCP without
    encryption": 138 lines in a demo term's run log, burying what went wrong. A batch
    kernel listens on localhost only, to the worker that forked it, and every message is
    signed with its key (jupyter_client's default), so that warning is dropped; any other
    line of the kernel's still reaches the run log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "without encryption" not in record.getMessage()


def _serve(argv: list[str], env: dict[str, str] | None, cwd: Any) -> None:
    """In the forked child: become a kernel, then exit without running the worker's code."""
    code = 1
    try:
        os.setsid()  # its own process group, as jupyter_client gives a launched kernel
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        # as jupyter_client's launcher does: the kernel exits if its worker dies (the app
        # read JPY_PARENT_PID when the worker imported it, so it is also given directly)
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        if cwd:
            os.chdir(cwd)
        asyncio.events._set_running_loop(None)  # the worker's loop is not this process's
        asyncio.set_event_loop(asyncio.new_event_loop())
        from ipykernel.kernelapp import IPKernelApp

        from govkit.batch.warm import hand_down

        app = IPKernelApp.instance(parent_handle=os.getppid())
        app.log.addFilter(_LocalKernel())
        app.initialize(argv)
        if app.shell is not None:
            hand_down(app.shell.user_ns)  # the worker's warm state, for open_report
        app.start()
        code = 0
    except BaseException:  # noqa: BLE001 - the child must never return into the worker
        traceback.print_exc()
    finally:
        os._exit(code)


class ReadyKernelClient(AsyncKernelClient):
    """A client that knows its kernel is ready as soon as it is, not 0.2 s later.

    jupyter_client's ``wait_for_ready`` gets the kernel_info reply, then drains IOPub
    until it has been silent for 0.2 s: a fixed 0.2 s of every report in which neither
    kernel nor worker does anything (a sixth of a report). The kernel says on IOPub when
    it has finished the request ("idle", with the request as parent), and ipykernel 7
    says on IOPub when a subscriber connects ("iopub_welcome"): either proves IOPub is
    connected, jupyter_client's reason for the wait. (Without the welcome, a subscription
    that reached the kernel after its "idle" cost a second request and 0.2 s in most
    kernel starts.) Anything still queued is ignored by nbclient, which reads only the
    messages of the cell it runs.
    """

    #: seconds to wait on IOPub for a sign it is connected before asking again
    iopub_wait = 0.2

    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        # The client connects before the new kernel has bound its ports, and ZMQ retries
        # a refused connection every 100 ms: 10 ms instead, so the first request goes
        # out when the kernel is listening, not up to a tenth of a second later.
        self._created_context = True
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.RECONNECT_IVL, 10)
        return context

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        asked: set[str] = set()
        while True:
            request = self.kernel_info()
            asked.add(request)
            reply = await self._reply_to(request, within=1.0)
            if reply is not None and await self._iopub_connected(asked):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")

    async def _reply_to(self, request: str, within: float) -> dict[str, Any] | None:
        """The shell reply to ``request`` (an earlier request's late reply is passed
        over, not taken for this one), or None after ``within`` seconds."""
        end = time.monotonic() + within
        while (left := end - time.monotonic()) > 0:
            try:
                msg = await self.shell_channel.get_msg(timeout=left)
            except Empty:
                return None
            if msg["parent_header"].get("msg_id") == request:
                return msg
        return None

    async def _iopub_connected(self, asked: set[str]) -> bool:
        """Wait until IOPub is known to be connected: the kernel's welcome on it (JEP 65,
        ipykernel 7: sent when our subscription reaches it, however late), or its "idle"
        after any of the ``asked`` requests (older kernels). False if IOPub stays silent
        for ``iopub_wait`` seconds (not connected yet: the caller asks again, as
        jupyter_client does)."""
        while True:
            try:
                msg = await self.iopub_channel.get_msg(timeout=self.iopub_wait)
            except Empty:
                return False
            if msg["msg_type"] == "iopub_welcome":
                return True
            if msg["msg_type"] == "status" and \
                    msg["parent_header"].get("msg_id") in asked and \
                    msg["content"].get("execution_state") == "idle":
                return True



class QuickKernelManager(AsyncKernelManager):
    """jupyter_client's kernel manager without its fixed waits: a ReadyKernelClient, and a
    killed kernel's exit noticed within 5 ms, not on the next 0.1 s poll (most of 0.1 s
    idle at the end of every report)."""

    client_class = DottedObjectName("govkit.batch.forkkernel.ReadyKernelClient")
    client_factory = Type(ReadyKernelClient, klass=AsyncKernelClient)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        await super()._async_wait(pollinterval=min(pollinterval, 0.005))

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        kw["env"] = quiet_env(kw.get("env"))
        await super()._async_launch_kernel(kernel_cmd, **kw)


def quiet_env(env: dict[str, str] | None) -> dict[str, str]:
    """A kernel's environment without the debugger's "frozen modules" banner, which
    ipykernel's debugger prints to every run's terminal (the kernel is never debugged
    there; a leader's Lab kernel is started by Lab, not here)."""
    out = dict(os.environ if env is None else env)
    out.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return out


class ForkingKernelManager(QuickKernelManager):
    """A kernel manager whose kernels are forks of this (pre-warmed) process."""

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        assert self.provisioner is not None
        argv = _kernel_argv(kernel_cmd)
        env, cwd = quiet_env(kw.get("env")), kw.get("cwd")
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _serve(argv, env, cwd)
        prov: Any = self.provisioner
        prov.process = ForkedProcess(pid)
        prov.pid, prov.pgid = pid, None  # signal the kernel itself, not a group
        prov.cwd = cwd or Path.cwd()
        self._reconcile_connection_info(prov.connection_info)


def preload() -> None:
    """Import what every report kernel needs, in the worker, before forking kernels."""
    import importlib

    # ipykernel imports the debugger, which prints its "frozen modules" banner on import
    # unless told not to: the worker imports it once for every kernel it forks
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

    for name in PRELOAD:
        importlib.import_module(name)
