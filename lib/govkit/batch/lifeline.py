"""Nothing of a batch outlives it: stop signals, a lifeline to the workers, one run a term.

``timeout``, systemd and docker stop a program with SIGTERM, a closed terminal sends
SIGHUP: the batch takes both as it takes Ctrl-C (``stop_signals``), stopping its workers
and their kernels and keeping every finished report. SIGKILL cannot be caught, so the
workers do not rely on being told: each holds the read end of a pipe whose only write end
is in the main process (``Lifeline``). When the main process ends, however it ends, the
kernel closes that end, the worker's watch thread reads end-of-file, and the worker kills
its kernels and exits. The forkserver that started the workers exits once they have (it
waits on a pipe every worker holds).

Two runs writing one term's outputs would overwrite each other's manifest, so a run
holds a lock on ``<out>/.<term>.lock`` from before it reads the manifest until after it
writes the index (``term_lock``); a second run is refused, naming the first.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from govkit.errors import OutputError
from govkit.files import open_nofollow

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where Ctrl-C's KeyboardInterrupt would be."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def signal_of(exc: BaseException) -> int:
    """The signal that stopped the run: SIGTERM/SIGHUP, else Ctrl-C's SIGINT."""
    return getattr(exc, "signum", signal.SIGINT)


@contextlib.contextmanager
def stop_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise ``Stopped`` in the main thread while the batch runs
    (elsewhere, e.g. a batch started from a thread, they keep their handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: Any) -> None:
        raise Stopped(signum)

    previous = {s: signal.signal(s, stop) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextlib.contextmanager
def signals_ignored() -> Iterator[None]:
    """While stopping: a second Ctrl-C or SIGTERM must not cut the clean-up short (it
    takes at most a few seconds; SIGKILL still works, and the lifeline then does it)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    sigs = (signal.SIGINT, *STOP_SIGNALS)
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in sigs}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


# --- in the workers ----------------------------------------------------------------------

def kill_children() -> None:
    """SIGKILL this process's children (its report kernels: they are in sessions of their
    own, so no signal to the worker reaches them). Linux reads /proc; elsewhere the kernels
    exit by themselves within a second of their worker (ipykernel's parent poller)."""
    me = os.getpid()
    with contextlib.suppress(OSError):
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == me:
                with contextlib.suppress(OSError):
                    os.kill(int(entry), signal.SIGKILL)


def _exit_now(*_: Any) -> None:
    kill_children()
    os._exit(1)


def worker_init(lifeline: Any, init: Callable[..., Any] | None, initargs: tuple) -> None:
    """A local worker's start: die with the main process (the lifeline's end-of-file), and
    take its kernels along when stopped (SIGTERM); then the executor's own initializer."""
    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            while True:
                lifeline.recv_bytes()  # nothing is ever sent: this returns at end-of-file
        _exit_now()

    threading.Thread(target=watch, name="govkit-lifeline", daemon=True).start()
    signal.signal(signal.SIGTERM, _exit_now)
    if init is not None:
        init(*initargs)


class Lifeline:
    """A pipe whose write end only the main process holds; workers watch the read end."""

    def __init__(self, ctx: Any) -> None:
        self.reader, self._writer = ctx.Pipe(duplex=False)

    def close(self) -> None:
        """Let the workers go (they have finished, or are being stopped)."""
        for end in (self._writer, self.reader):
            with contextlib.suppress(OSError):
                end.close()


# --- in the main process -----------------------------------------------------------------

@contextlib.contextmanager
def term_lock(out_dir: Path, term: str) -> Iterator[None]:
    """Hold ``<out>/.<term>.lock`` for the run; refuse (OutputError) if another run holds
    it. The lock goes with the process, however it ends. A no-op where fcntl is missing."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f".{term}.lock"
    # a link planted as the lock is refused, never opened (and its target never emptied)
    with os.fdopen(open_nofollow(path, os.O_RDWR | os.O_CREAT), "r+", encoding="utf-8") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "?"
            raise OutputError(f"{out_dir / term}: another govkit run (process {holder}) is "
                              "writing these reports; wait for it to finish, or give "
                              "another --out") from None
        f.seek(0)
        f.truncate()
        f.write(f"{os.getpid()}\n")
        f.flush()
        try:
            yield
        finally:
            f.truncate(0)
            fcntl.flock(f, fcntl.LOCK_UN)
