"""Stopping a batch leaves nothing running (issue 13).

`timeout`, systemd and docker stop a process with SIGTERM; a closed terminal sends
SIGHUP; an out-of-memory killer or an impatient user sends SIGKILL, which cannot be
caught. In each case no process of the batch (forkserver, worker, kernel) may go on
running, and the next run carries on from the reports that finished.

The report-card notebook here waits while a 'hold' file exists (the kernel inherits
GOVKIT_TEST_HOLD from the run), so the test can stop the run while two kernels are busy.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
import test_batch_e2e
from commands import GOVKIT
from test_batch_e2e import FIXTURES, TERM, URNS, project

demo_drop = test_batch_e2e.demo_drop  # the two-school drop, written once per module

ROOT = Path(__file__).resolve().parents[1]
HOLD_CELL = """\
import os, time
hold = os.environ.get("GOVKIT_TEST_HOLD")
while hold and os.path.exists(hold):
    time.sleep(0.1)
"""


def _holding_notebook(path: Path) -> None:
    nb = nbformat.read(FIXTURES / "report.ipynb", as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell(HOLD_CELL))
    nbformat.write(nb, path)


def _alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped has stopped running)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out: set[int] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def _start(root: Path, hold: Path) -> subprocess.Popen:
    """`govkit run` in the background, its output to a file (a pipe would stay open as long
    as any process of the batch lives, and hide whether the main process had ended)."""
    args = [str(GOVKIT), "run", "--params", str(root / "params"), "--data",
            str(root / "data"), "--out", str(root / "outputs"), "--jobs", "2", "--report",
            "trust_overview", "--report", "report_card"]
    log = open(root / f"run-{time.monotonic_ns()}.log", "w+")  # noqa: SIM115
    proc = subprocess.Popen(args, cwd=root, stdout=log, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "GOVKIT_TEST_HOLD": str(hold)})
    proc.log = log  # type: ignore[attr-defined]
    return proc


def _output(proc: subprocess.Popen, timeout: float) -> str:
    proc.wait(timeout=timeout)
    proc.log.seek(0)  # type: ignore[attr-defined]
    return proc.log.read()  # type: ignore[attr-defined]


@pytest.fixture
def leftovers():
    """Processes a failing test must not leave behind (only the ones it recorded)."""
    pids: set[int] = set()
    yield pids
    for pid in pids:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def _wait_for_busy_kernels(proc: subprocess.Popen, term_dir: Path) -> set[int]:
    """Both report cards running (their kernels wait on the hold file): the batch's
    processes, from the forkserver down to the kernels."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, _output(proc, 1)
        running = list((term_dir.parent / ".work" / term_dir.name).glob(
            "*/report_card.*.running.ipynb"))
        if len(running) == 2:
            time.sleep(1.0)  # the kernels are in the hold cell by now
            family = _descendants(proc.pid)
            if len(family) >= 5:  # forkserver, two workers, two kernels (+ tracker)
                return family
        time.sleep(0.2)
    pytest.fail("the report cards never started")


# How long the batch's processes may take to go once the run is stopped. They go on an
# event, not a timer (the lifeline pipe's end-of-file, the forkserver's parent-death
# signal, the workers killing their kernels): within a second on a quiet machine, but a
# process must be scheduled to exit, and on 2 cores shared with other work that has
# taken more than 5 s. Anything still running after this long is left running for good:
# the kernels wait on the hold file, which stays until the check is done.
GONE_DEADLINE = 90.0


def _still_running(pids: set[int], since: float) -> set[int]:
    """The processes of ``pids`` still running once they have all gone, or the deadline
    (GONE_DEADLINE from ``since``) has passed."""
    while True:
        left = {p for p in pids if _alive(p)}
        if not left or time.monotonic() - since > GONE_DEADLINE:
            return left
        time.sleep(0.1)


def _busy(family: set[int], hold: Path) -> None:
    """Before the stop: the batch's processes are running and the kernels can only end
    by being stopped (the hold file is there), so their going is the stop's doing."""
    assert hold.exists()
    running = {p for p in family if _alive(p)}
    assert len(running) >= 5, [_cmd(p) for p in family]  # forkserver, 2 workers, 2 kernels


def _nothing_half_written(outputs: Path) -> None:
    """No notebook of a stopped report among the published pages, no temporary file
    there, and the manifest (if any) whole, naming only pages that are there."""
    term_dir = outputs / TERM
    assert not [p for p in term_dir.rglob("*") if "running" in p.name or
                p.name.endswith(".tmp")]
    if (term_dir / "manifest.json").exists():
        manifest = json.loads((term_dir / "manifest.json").read_text(encoding="utf-8"))
        for r in manifest["reports"]:
            if r["status"] in ("ok", "skipped"):
                assert (term_dir / r["output"]).is_file(), r


def _cmd(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
    except OSError:
        return "?"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_sigterm_stops_every_process_and_the_next_run_carries_on(tmp_path, demo_drop, signum,
                                                                 leftovers):
    root = project(tmp_path, demo_drop, broken="report_card")
    term_dir = root / "outputs" / TERM
    # a first run: the overview is written, both report cards fail
    first = _start(root, tmp_path / "no-hold")
    out = _output(first, 300)
    assert first.returncode == 1, out
    # without a terminal (cron, CI) a line per finished report, with count and time
    lines = out.splitlines()
    assert lines[0] == "3 report(s): 3 to run, 0 unchanged", out
    assert any(re.fullmatch(r"\[[123]/3\] ok     trust/trust_overview \d+\.\d s "
                            r"\(0:\d\d:\d\d elapsed\)", ln) for ln in lines), out
    # failed notebooks are kept apart from what is published, and not linked
    for urn in URNS:
        assert (term_dir / "_failed" / str(urn) / "report_card.failed.ipynb").is_file()
    assert [p.relative_to(term_dir).parts[0] for p in term_dir.rglob("*.failed.ipynb")] == \
        ["_failed", "_failed"]
    assert "_failed" not in (term_dir / "index.html").read_text(encoding="utf-8")
    # the report card mended, but held: the overview is unchanged, the cards start and wait
    _holding_notebook(root / "notebooks" / "report_card.ipynb")
    hold = tmp_path / "hold"
    hold.touch()
    run = _start(root, hold)
    family = _wait_for_busy_kernels(run, term_dir)
    leftovers |= family
    _busy(family, hold)
    stopped = time.monotonic()
    run.send_signal(signum)
    out = _output(run, GONE_DEADLINE)  # the run stops its workers, then exits
    left = _still_running(family, stopped)
    assert not left, (f"still running {time.monotonic() - stopped:.0f} s after the stop",
                      [_cmd(p) for p in left])
    assert run.returncode == 128 + signum, out
    # the summary speaks of this run: one report unchanged, none written, two not run,
    # and not of the first run's failures, which this run's mended notebook replaces
    assert "FAILED" not in out, out
    rows = {ln.split("│")[1].strip(): ln.split("│")[2].strip() for ln in out.splitlines()
            if ln.count("│") == 3}
    assert rows["written"] == "0" and rows["unchanged (skipped)"] == "1", out
    assert rows["failed"] == "0" and rows["not run (stopped)"] == "2", out
    assert ("interrupted (Ctrl-C)" if signum == signal.SIGINT else
            f"stopped by {signal.Signals(signum).name}") + ": finished reports are kept" in out
    assert "Traceback" not in out and "InvalidStateError" not in out, out
    assert not list(term_dir.parent.rglob("*running*"))  # no half-run notebook left
    _nothing_half_written(root / "outputs")
    # the next run carries on: the overview still unchanged, the report cards written
    hold.unlink()
    again = _start(root, hold)
    out = _output(again, 300)
    assert again.returncode == 0, out
    manifest = json.loads((term_dir / "manifest.json").read_text())
    assert [r["status"] for r in manifest["reports"]] == ["skipped", "ok", "ok"]
    assert not list(term_dir.rglob("*.failed.ipynb"))  # mended: the failed ones go


def test_kill_9_leaves_no_worker_or_kernel_running(tmp_path, demo_drop, leftovers):
    root = project(tmp_path, demo_drop)
    _holding_notebook(root / "notebooks" / "report_card.ipynb")
    hold = tmp_path / "hold"
    hold.touch()
    run = _start(root, hold)
    family = _wait_for_busy_kernels(run, root / "outputs" / TERM)
    leftovers |= family
    # a second run into the same outputs is refused while this one writes them
    second = _start(root, hold)
    out = _output(second, 120)
    assert second.returncode == 1, out
    assert out.splitlines() == [f"{root / 'outputs' / TERM}: another govkit run (process "
                                f"{run.pid}) is writing these reports; wait for it to "
                                "finish, or give another --out"]
    _busy(family, hold)
    stopped = time.monotonic()
    run.kill()
    run.wait(timeout=GONE_DEADLINE)
    # nobody is left to stop them: the workers see the lifeline's end and kill their
    # kernels, the forkserver dies with its parent
    left = _still_running(family, stopped)
    assert not left, (f"still running {time.monotonic() - stopped:.0f} s after kill -9",
                      [_cmd(p) for p in left])
    # its working files are outside the published folder (issue 22), and go at the next run
    work = root / "outputs" / ".work" / TERM
    _nothing_half_written(root / "outputs")
    # and the next run carries on from the overview the killed one wrote
    hold.unlink()
    again = _start(root, hold)
    out = _output(again, 300)
    assert again.returncode == 0, out
    statuses = [r["status"] for r in json.loads(
        (root / "outputs" / TERM / "manifest.json").read_text())["reports"]]
    assert statuses == ["skipped", "ok", "ok"], out
    assert not [p for p in work.rglob("*") if p.is_file()]

