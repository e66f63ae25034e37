"""The one place that decides which Chromium the browser tests (and `make benchmark`) drive.

In this order, the first that exists wins:

1. ``DOCS_BROWSER``, an explicit override: the path of a Chromium or Chrome executable. When it
   is set but names nothing runnable, that is an error, not a reason to look further.
2. Playwright's own Chromium, when ``python -m playwright install chromium`` has installed it.
3. A system Chromium or Chrome: Debian's ``chromium`` package, Google Chrome on Linux, Chrome or
   Chromium on macOS. Ubuntu's ``chromium-browser`` is left out: it is a wrapper around a snap,
   which does not start in containers and often not in CI.

When none is found, :func:`find_browser` raises :class:`NoBrowser` with one message saying what
to install; the browser tests fail with it at once, and every other test runs as usual.

``python -m tools.find_browser`` prints the browser it found (``make setup`` asks it whether to
install one), or the message and exit status 1.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

OVERRIDE = "DOCS_BROWSER"
# How every headless Chromium here is started (the browser tests and the Lighthouse benchmark):
# no sandbox (containers), no GPU, and no traffic of its own (updates, sync, QUIC probes).
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)

# Executables on PATH, then fixed locations (macOS keeps applications outside PATH).
SYSTEM_NAMES = ("chromium", "google-chrome", "google-chrome-stable")
SYSTEM_PATHS = (
    "/usr/bin/chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)

HOW_TO_INSTALL = f"""\
No browser for the browser tests. Any one of these provides it:
  - `.venv/bin/python -m playwright install chromium` (Playwright's Chromium; any OS)
  - Debian: `sudo apt-get install chromium`
  - Ubuntu or macOS: Google Chrome (Ubuntu's `chromium-browser` is a snap, which does not run here)
  - or set {OVERRIDE} to the path of a Chromium or Chrome executable.
`make setup` tries the first (the second on Debian)."""


class NoBrowser(RuntimeError):
    """No Chromium or Chrome could be found; the message says what to install."""


@dataclass(frozen=True)
class Browser:
    path: str
    source: str  # where it was found, in words

    def __str__(self) -> str:
        return f"{self.path} ({self.source})"


def _runnable(path: str | os.PathLike) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)


def playwright_chromium() -> str | None:
    """The Chromium that `playwright install chromium` puts in Playwright's cache, if it is there.

    Playwright reports the path it would launch whether or not the browser was downloaded."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as playwright:
        path = playwright.chromium.executable_path
    return path if _runnable(path) else None


def system_browser(
    names: Sequence[str] = SYSTEM_NAMES,
    paths: Sequence[str] = SYSTEM_PATHS,
    which: Callable[[str], str | None] = shutil.which,
) -> str | None:
    for name in names:
        found = which(name)
        if found and "/snap/" not in os.path.realpath(found):
            return found
    return next((path for path in paths if _runnable(path)), None)


def find_browser(
    environ: Mapping[str, str] = os.environ,
    playwright: Callable[[], str | None] = playwright_chromium,
    system: Callable[[], str | None] = system_browser,
) -> Browser:
    """The browser to drive, by the order in this module's docstring; raises NoBrowser."""
    override = environ.get(OVERRIDE)
    if override:
        if not _runnable(override):
            raise NoBrowser(f"{OVERRIDE}={override} is not an executable file.\n{HOW_TO_INSTALL}")
        return Browser(override, f"from {OVERRIDE}")
    if path := playwright():
        return Browser(path, "Playwright's Chromium")
    if path := system():
        return Browser(path, "system browser")
    raise NoBrowser(HOW_TO_INSTALL)


@functools.cache
def session_browser() -> Browser | NoBrowser:
    """find_browser() once per process: the browser, or the NoBrowser to raise wherever one is
    needed (so every browser test fails at once with the same message)."""
    try:
        return find_browser()
    except NoBrowser as missing:
        return missing


def main() -> int:
    found = session_browser()
    if isinstance(found, NoBrowser):
        print(found, file=sys.stderr)
        return 1
    print(f"browser for the tests: {found}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
