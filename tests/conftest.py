"""Fixtures shared across test modules.

``demo_term``: the demo trust's latest term built once per test session by the real
batch (the real notebooks, the real export) into outputs/test-demo/, for the tests that
read built pages (one figure, one story; the browser checks). Under pytest-xdist the
workers share one build: the first to take the lock builds (with --force, so pages are
never stale from an earlier session's code), the rest wait and reuse it.
"""

from __future__ import annotations

import fcntl
import os
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO_OUT = ROOT / "outputs" / "test-demo"


def _session_id() -> str:
    # xdist gives every worker of one run the same id; a plain run makes its own
    return os.environ.get("PYTEST_XDIST_TESTRUNUID") or os.environ.setdefault(
        "GOVKIT_TEST_RUN", uuid.uuid4().hex)


@pytest.fixture(scope="session")
def demo_term() -> Path:
    """outputs/test-demo/<term>/: every report of the demo trust, built in this session."""
    from govkit.batch.runner import run_batch
    from govkit.plan.params import load_params

    trust, _ = load_params(ROOT / "params")
    term_dir = DEMO_OUT / trust.latest_term
    DEMO_OUT.mkdir(parents=True, exist_ok=True)
    marker = DEMO_OUT / ".built-by"
    with open(DEMO_OUT / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (marker.exists() and marker.read_text() == _session_id()):
            result = run_batch(ROOT / "params", ROOT / "data" / "demo", DEMO_OUT,
                               term=trust.latest_term, force=True)
            assert not result.failures, [f"{e.key}: {e.error}" for e in result.failures]
            marker.write_text(_session_id())
    return term_dir


# The browser tests (tests/test_browser.py) need Chromium and axe-core; `make test` fetches
# both where it can. Where it could not, they skip, and the run ends with one line saying
# what to install (GOVKIT_REQUIRE_BROWSER=1, as CI sets, makes that a failure instead).
AXE = ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"


def axe_path() -> Path:
    return Path(os.environ.get("GOVKIT_AXE", AXE))


def browser_missing() -> str:
    """What the browser tests lack, as one line saying how to get it; '' when all is there."""
    from govkit.batch.browser import INSTALL_HINT, chromium_path

    missing = []
    if chromium_path() is None:
        missing.append(f"no Chromium ({INSTALL_HINT})")
    if not axe_path().is_file():
        missing.append(f"no axe-core at {axe_path()} (npm install --prefix .cache/npm "
                       "axe-core, as `make test` does)")
    return "; ".join(missing)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if "test_browser.py" in getattr(r, "nodeid", "")]
    if skipped:
        terminalreporter.write_line(f"BROWSER TESTS SKIPPED ({len(skipped)}): "
                                    f"{browser_missing()}", red=True, bold=True)
