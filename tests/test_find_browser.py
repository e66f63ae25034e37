"""Which browser the browser tests drive (tools/find_browser.py): each branch of the lookup, and
a suite without any browser failing its browser tests at once while the others pass. No network."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from docsite.config import ROOT
from tools.find_browser import OVERRIDE, Browser, NoBrowser, find_browser, system_browser


@pytest.fixture
def executable(tmp_path):
    def make(name: str) -> str:
        path = tmp_path / name
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
        return str(path)

    return make


def _never() -> str | None:
    raise AssertionError("the lookup went further than it should have")


def test_the_override_wins_over_everything(executable):
    chosen = executable("my-chrome")
    found = find_browser({OVERRIDE: chosen}, playwright=_never, system=_never)
    assert found == Browser(chosen, f"from {OVERRIDE}")


def test_an_override_that_names_nothing_is_an_error_not_a_fallback(tmp_path):
    with pytest.raises(NoBrowser, match=f"{OVERRIDE}=.*missing.* is not an executable file"):
        find_browser({OVERRIDE: str(tmp_path / "missing")}, playwright=_never, system=_never)


def test_playwrights_chromium_comes_before_a_system_browser(executable):
    cached = executable("chrome")
    found = find_browser({}, playwright=lambda: cached, system=_never)
    assert found == Browser(cached, "Playwright's Chromium")


def test_a_system_browser_when_playwright_has_none(executable):
    system = executable("chromium")
    found = find_browser({}, playwright=lambda: None, system=lambda: system)
    assert found == Browser(system, "system browser")


def test_no_browser_says_what_to_install():
    with pytest.raises(NoBrowser) as missing:
        find_browser({}, playwright=lambda: None, system=lambda: None)
    message = str(missing.value)
    for remedy in ("playwright install chromium", "apt-get install chromium", OVERRIDE):
        assert remedy in message


def test_system_lookup_order_and_snap_wrappers(tmp_path, executable):
    """PATH names first, in order; a wrapper that resolves into /snap/ is not a browser; then
    the fixed locations (macOS applications)."""
    on_path = {"google-chrome": executable("google-chrome")}
    assert system_browser(which=on_path.get, paths=()) == on_path["google-chrome"]

    snap = {"chromium": "/snap/bin/chromium"}
    assert system_browser(which=snap.get, paths=()) is None

    app = executable("Google Chrome")
    assert system_browser(which=lambda name: None, paths=(str(tmp_path / "nope"), app)) == app


def test_without_a_browser_the_browser_tests_fail_at_once_and_the_rest_run(tmp_path):
    """The suite's own conftest, a test that needs the browser and one that does not, and
    DOCS_BROWSER naming nothing: the first fails with the message in seconds, the second passes."""
    (tmp_path / "test_scratch.py").write_text(
        "def test_needs_a_browser(chromium):\n    pass\n\n\ndef test_needs_none():\n    pass\n"
    )
    env = {**os.environ, OVERRIDE: str(tmp_path / "no-such-browser"), "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), str(tmp_path / "test_scratch.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "browser: none found" in output
    assert "1 passed, 1 error" in output, output
    assert "No browser for the browser tests" in output
    assert elapsed < 60, f"took {elapsed:.0f} s"
