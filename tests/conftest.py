"""Options shared by the suite: which devices the pages run on, and the output-update mode."""

from __future__ import annotations

import pytest

DEVICES = ("cpu", "cuda")


def pytest_addoption(parser):
    group = parser.getgroup("pages", "executable documentation")
    group.addoption(
        "--device",
        choices=("auto", *DEVICES, "all"),
        default="auto",
        help="where the page blocks run: auto (cpu, plus cuda when a GPU is present; "
        "without one the cuda runs are skipped with a reason), cpu, cuda, or all",
    )
    group.addoption(
        "--update-outputs",
        action="store_true",
        help="rewrite every output block, generated file and docs/verified-with.json "
        "from a real CPU run instead of comparing",
    )


def selected_devices(config) -> tuple[str, ...]:
    choice = config.getoption("--device")
    if config.getoption("--update-outputs"):
        return ("cpu",)
    return {"auto": DEVICES, "all": DEVICES}.get(choice, (choice,))


def pytest_generate_tests(metafunc):
    if "device" in metafunc.fixturenames:
        metafunc.parametrize(
            "device", selected_devices(metafunc.config), indirect=True, scope="session"
        )


@pytest.fixture(scope="session")
def device(request):
    import torch

    name = request.param
    if name == "cuda" and not torch.cuda.is_available():
        if request.config.getoption("--device") == "cuda":
            pytest.fail("--device cuda was asked for, but torch sees no CUDA device")
        pytest.skip("no CUDA device: the CUDA run of the pages needs a GPU (--device cuda)")
    return name


def pytest_sessionfinish(session):
    from tests import test_pages

    test_pages.pytest_sessionfinish_hook(session.config)
    if session.config.getoption("--update-outputs"):
        # The notebooks are generated from the pages: regenerate them from the rewritten ones.
        from docsite import notebooks

        for path in notebooks.write_all():
            print(f"\nupdated {path.relative_to(notebooks.config.ROOT)}")


def pytest_terminal_summary(terminalreporter, config):
    import sys

    from docsite import pages as docpages
    from tests import test_pages

    reader = sys.modules.get("tests.test_as_a_reader_runs_it")  # only when it ran
    if reader is not None and reader.ONE_THREAD_SECONDS:
        seconds = reader.ONE_THREAD_SECONDS
        times = ", ".join(f"{name} {s:.1f}" for name, s in sorted(seconds.items()))
        terminalreporter.write_line(
            f"pages run as one script on one thread (wall s): {times}; "
            f"all {sum(seconds.values()):.1f}"
        )

    runs = [run for (_, dev), run in test_pages._runs.items() if dev == "cpu"]
    if not runs:
        return
    executed = sum(len(run.results) for run in runs)
    python_like = sum(
        len(page.blocks) + len(docpages.unexecuted_python_fences(page))
        for page in test_pages.PAGES.values()
    )
    terminalreporter.write_line(
        f"pages: {executed} blocks executed on cpu; the {len(test_pages.PAGES)} expanded pages "
        f"hold {python_like} Python-like blocks"
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The site built with `mkdocs build --strict` (warnings fail it), once per session."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    site = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.stderr}"
    return site


@pytest.fixture(scope="session")
def served_site(built_site):
    """The built site on 127.0.0.1 (a free port) under site_url's path, as on GitHub Pages."""
    from docsite import config
    from tests.browser import serve

    with serve(built_site, config.site().base_path) as server:
        yield server


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium (tools/find_browser.py says which, driven by Playwright) per module.

    Not per session: Playwright's sync API keeps an asyncio loop running in this thread while it
    is open, and nbclient (tests/test_notebooks.py) cannot start its own loop beside it. Without a
    browser every test that needs one fails at once with what to install; the others run."""
    from tools.find_browser import CHROMIUM_ARGS, NoBrowser, session_browser

    found = session_browser()
    if isinstance(found, NoBrowser):
        pytest.fail(str(found), pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=found.path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def pytest_report_header(config):
    """The browser the browser tests drive, named before any test runs."""
    from tools.find_browser import session_browser

    found = session_browser()
    return f"browser: {found}" if not isinstance(found, Exception) else "browser: none found"
