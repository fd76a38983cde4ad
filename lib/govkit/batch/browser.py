"""Headless Chromium for the board pack and the browser tests: the system's Chromium
(Debian's ``chromium`` package), driven by playwright, never a browser playwright downloads.

One place knows how to find the browser and which flags it needs on a machine with no
network but the package registries, so the pack and the tests render pages the same way.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from govkit.errors import GovkitError

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

# Headless with no sandbox (we run as root in containers), no GPU, and nothing that phones
# home: on a closed network those connections are refused by the dozen at every start.
CHROMIUM_FLAGS = (
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--font-render-hinting=none",
)
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = ("install Chromium: on Debian or Ubuntu `sudo apt-get install chromium` "
                "(or set GOVKIT_CHROMIUM to a Chromium or Chrome executable)")


class BrowserMissing(GovkitError):
    """No Chromium on this machine, or playwright is not installed."""


def chromium_path() -> str | None:
    """GOVKIT_CHROMIUM if set, else the first Chromium or Chrome on PATH."""
    env = os.environ.get("GOVKIT_CHROMIUM")
    if env:
        return env if os.access(env, os.X_OK) else None
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


@contextmanager
def chromium() -> Iterator[BrowserContext]:
    """A playwright browser context on the system's Chromium, in a new empty profile that is
    removed afterwards. Raises BrowserMissing (one line saying what to install)."""
    path = chromium_path()
    if path is None:
        raise BrowserMissing(f"no Chromium found: {INSTALL_HINT}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:  # pragma: no cover - a dependency of govkit
        raise BrowserMissing("playwright is not installed: pip install playwright "
                             "(no browser download is needed)") from e
    profile = tempfile.mkdtemp(prefix="govkit-chromium-")
    try:
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                profile, executable_path=path, headless=True, args=list(CHROMIUM_FLAGS),
                offline=True)
            try:
                yield ctx
            finally:
                ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
