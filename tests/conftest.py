"""What the whole suite shares: its options (the devices the pages run on, `--update-outputs`),
the session's page runs and the site built once, parallel runs (pytest-xdist), and the report at
the end: each module's test time and the facts the pages' runs measured.

`make test` runs the suite on every core (pytest-xdist, `-n auto`). Whatever several tests share
is computed once per test session whichever worker asks first (`once_per_session`): a page's run,
the site's build, a browser pass over every page; the others wait for it and read it. A browser
module's tests all run in one worker (`pytest_xdist_make_scheduler`), so no other worker waits
idle on its passes.
`--update-outputs` always runs in one process, so every write happens once, at the end
(docsite/update.py).
"""

from __future__ import annotations

import os
import pickle
import re
import sys
import time
from collections import defaultdict

import pytest

# The machine's busy CPU seconds (all cores, every process: the browsers' and the pages' are not
# counted in any test's time, and they are most of the work).
from docsite.process_time import machine_busy

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


def pytest_cmdline_main(config):
    """`--update-outputs` writes once, from one process: never in parallel workers."""
    if config.getoption("--update-outputs", False) and getattr(config.option, "numprocesses", None):
        config.option.numprocesses = 0
        config.option.dist = "no"


def grouped_modules(root) -> set[str]:
    """The test modules whose tests must all run in one pytest-xdist worker: those marked
    `browser` as a whole (`pytestmark`), whose module-scoped fixtures start one Chromium and
    make a pass over every page that the module's tests all read. Read from the sources, as the
    scheduler runs in the main process, which collects no tests."""
    import ast

    grouped = set()
    for path in sorted((root / "tests").glob("test_*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
                and "mark.browser" in ast.unparse(node.value)
            ):
                grouped.add(path.relative_to(root).as_posix())
    return grouped


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist's, unknown without it
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's scheduling for `make test` (`-n auto`): each test goes to whichever worker
    is free, except that a browser module's tests all go to one worker, the largest group first
    (xdist's `--dist loadgroup` would do this, but with pytest 9.2 it silently stops grouping:
    pytest-xdist#1386; tests/test_scheduling.py checks that this grouping holds). Only for
    xdist's default distribution (`-n` alone); another `--dist` is xdist's own."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    grouped = grouped_modules(config.rootpath)

    class ModuleGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in grouped else nodeid

    return ModuleGroups(config, log)


@pytest.hookimpl(tryfirst=True)  # before pytest's own reordering by higher-scoped parameters
def pytest_collection_modifyitems(items):
    """Tests marked `runs_long` first, each keeping its place among them; the short tests after.
    pytest-xdist hands out the tests in this order (a browser module, the largest unit, still
    goes first), so the session ends on short tests in every worker, not on one worker running a
    30-second test alone while the other core idles (tests/test_scheduling.py)."""
    items.sort(key=lambda item: item.get_closest_marker("runs_long") is None)


def in_worker(config) -> bool:
    """Whether this process is one of pytest-xdist's workers (not the only process)."""
    return hasattr(config, "workerinput")


def shared_folder(config, tmp_path_factory):
    """A folder every worker of this test session sees (the session's own when there is one)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if in_worker(config) else base


def once_per_session(config, tmp_path_factory, key: str, compute):
    """`compute()`, run once per test session however many workers ask: the first computes it
    (under a lock) and keeps it pickled in the shared folder; the others wait and read it."""
    if not in_worker(config):
        return compute()
    from filelock import FileLock

    folder = shared_folder(config, tmp_path_factory) / "once"
    folder.mkdir(exist_ok=True)
    path = folder / (re.sub(r"[^\w.-]", "_", key) + ".pickle")
    with FileLock(str(path) + ".lock"):
        if path.is_file():
            return pickle.loads(path.read_bytes())
        value = compute()
        path.write_bytes(pickle.dumps(value))
        return value


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


def cuda_available() -> bool:
    """Whether torch sees a CUDA device. torch is imported only to answer this: a run of the CPU
    pages alone (`--device cpu`, as every scratch-copy test runs its copy's suite) never imports
    it in the pytest process, whose pages run in other processes (1.5 s each time)."""
    import torch

    return torch.cuda.is_available()


@pytest.fixture(scope="session")
def device(request):
    name = request.param
    if name == "cuda" and not cuda_available():
        if request.config.getoption("--device") == "cuda":
            pytest.fail("--device cuda was asked for, but torch sees no CUDA device")
        pytest.skip("no CUDA device: the CUDA run of the pages needs a GPU (--device cuda)")
    return name


RUNS = pytest.StashKey()  # the session's page runs (docsite.running.PageRuns)


@pytest.fixture(scope="session")
def page_runs(request, tmp_path_factory):
    """Each page run once per device for the whole test session, however many tests (and
    workers) read it."""
    from docsite.running import PageRuns

    def share(key, compute):
        return once_per_session(request.config, tmp_path_factory, f"page-run-{key}", compute)

    # The calls a page makes are recorded where a test reads them (the cheat sheet's, marked
    # api_calls) or the update writes them; else the page runs without the recorder (12% faster).
    calls = request.config.getoption("--update-outputs") or any(
        item.get_closest_marker("api_calls") for item in request.session.items
    )
    runs = request.config.stash.setdefault(RUNS, PageRuns(share=share, calls=calls))
    if not in_worker(request.config):
        # The only process (`make check-pages`, `make update-outputs`, `pytest -k part03`):
        # every page a selected test reads starts now, a page per core. (In pytest-xdist's
        # workers the other tests keep the cores busy; each page runs when a test first asks.)
        wanted = {}
        for item in request.session.items:
            params = getattr(item, "callspec", None) and item.callspec.params
            if params and "page_runs" in item.fixturenames:
                page = params["block"].page if "block" in params else params.get("page")
                device = params.get("device", "cpu")
                if page is not None and (device == "cpu" or cuda_available()):
                    wanted[(page.name, device)] = page
        runs.start(
            [(page, device) for (_, device), page in wanted.items()], jobs=os.cpu_count() or 1
        )
    return runs


def pytest_sessionfinish(session):
    """`--update-outputs`: every write, once, from the session's runs (docsite/update.py)."""
    runs = session.config.stash.get(RUNS, None)
    if not session.config.getoption("--update-outputs") or runs is None:
        return
    from docsite import config, update

    for path in update.write_all(runs.started("cpu")):
        print(f"\nupdated {path.relative_to(config.ROOT)}")


# --- the report at the end --------------------------------------------------------------------
# Workers send each test's report to the main process; these read them there (or in the only
# process), so they count every worker's tests. A test adds a fact with `record_property`.
ONE_THREAD_SECONDS = "one_thread_seconds"  # a page's wall time run as one script on one thread
BLOCK_EXECUTED = "block_executed"  # a page block ran (its device)
PYTHON_PROCESSES = "python_processes"  # (new Python interpreters started, children forked)
_PYTHON = re.compile(r"python[\d.]*$")
_started = [0]  # new Python interpreters this process started (the audit hook counts them)
_reported = [0, 0]  # what the last test report already counted


def _count_pythons(event: str, args: tuple) -> None:
    """sys.addaudithook: count each subprocess this process starts that is a Python."""
    if event == "subprocess.Popen":
        executable, argv = args[0], args[1]
        program = os.fsdecode(executable or (argv[0] if argv else ""))
        if _PYTHON.search(os.path.basename(program)) or program == sys.executable:
            _started[0] += 1


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Each test's report carries the Python processes it (and its fixtures) started."""
    outcome = yield
    if call.when != "teardown":
        return
    from docsite.forked import FORKS

    now = [_started[0], FORKS[0]]
    delta = (now[0] - _reported[0], now[1] - _reported[1])
    _reported[:] = now
    outcome.get_result().user_properties.append((PYTHON_PROCESSES, delta))


class SessionReport:
    """Each module's test time, and the facts tests recorded, for the summary at the end."""

    def __init__(self, config):
        self.config = config
        self.started = time.monotonic()
        self.module_seconds: dict[str, float] = defaultdict(float)
        self.facts: dict[str, dict[str, object]] = defaultdict(dict)
        self.module_pythons: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.cpu_started = machine_busy()

    def pytest_runtest_logreport(self, report):
        module = report.nodeid.split("::")[0]
        self.module_seconds[module] += report.duration
        for name, value in report.user_properties:
            if name == PYTHON_PROCESSES and report.when == "teardown":
                self.module_pythons[module][0] += value[0]
                self.module_pythons[module][1] += value[1]
            if name in (ONE_THREAD_SECONDS, BLOCK_EXECUTED):
                self.facts[name][report.nodeid] = value

    def pytest_terminal_summary(self, terminalreporter):
        write = terminalreporter.write_line
        wall = time.monotonic() - self.started
        if self.module_seconds:
            workers = getattr(self.config.option, "numprocesses", None) or 1
            terminalreporter.section("time per test module (set-up, call and tear-down, summed)")
            for module, total in sorted(self.module_seconds.items(), key=lambda kv: -kv[1]):
                started, forked = self.module_pythons[module]
                write(f"{total:8.1f} s  {module:40} {started:4} pythons started, {forked:4} forked")
            processes = f"{workers} process{'es' if workers != 1 else ''}"
            started = sum(n for n, _ in self.module_pythons.values())
            forked = sum(f for _, f in self.module_pythons.values())
            write(
                f"{sum(self.module_seconds.values()):8.1f} s  in all, "
                f"in {wall:.1f} s of wall time ({processes}); {started} new Python processes "
                f"started by the suite's own processes, {forked} runs forked from a fork server"
            )
            busy, cores = machine_busy(), os.cpu_count() or 1
            if busy is not None and self.cpu_started is not None and wall > 0:
                used = busy - self.cpu_started
                write(
                    f"the machine's {cores} cores were busy {100 * used / (cores * wall):.0f} % of "
                    f"that wall time: {used:.0f} core-seconds (every process: the tests', the "
                    "pages', the browsers', and anything else running)"
                )
        pages = dict(self.facts[ONE_THREAD_SECONDS].values())
        if pages:
            times = ", ".join(f"{name} {s:.1f}" for name, s in sorted(pages.items()))
            write(
                f"pages run as one script on one thread (wall s): {times}; "
                f"all {sum(pages.values()):.1f}"
            )
            from docsite.page_timing import PAGE_BUDGETS

            for name, budget in PAGE_BUDGETS.items():
                if name in pages:
                    verdict = "within" if pages[name] <= budget else "OVER"
                    write(
                        f"{name}: {pages[name]:.1f} s on one thread while the suite runs, "
                        f"{verdict} its {budget:g} s budget (idle figures: make time-pages)"
                    )
        executed = sum(1 for device in self.facts[BLOCK_EXECUTED].values() if device == "cpu")
        if executed:
            from docsite import pages as docpages

            python_like = sum(
                len(page.blocks) + len(docpages.unexecuted_python_fences(page))
                for page in docpages.pages()
            )
            write(
                f"pages: {executed} blocks executed on cpu; the {len(docpages.pages())} "
                f"expanded pages hold {python_like} Python-like blocks"
            )


# The pages' own processes share the cores: with each other (a single process starts a page per
# core, PageRuns.start and the reader's runs) and with the other workers. So a thread that waits
# for its peers sleeps instead of spinning (OpenMP's wait policy says how idle threads wait, never
# what they compute), or a page that trains a small model on every core runs some 20 times slower
# while another process holds a core.
SHARED_CORES_ENV = {"OMP_WAIT_POLICY": "PASSIVE"}


def pytest_configure(config):
    sys.addaudithook(_count_pythons)
    if not in_worker(config):  # the main process sees every worker's reports
        config.pluginmanager.register(SessionReport(config), "session-report")
    for name, value in SHARED_CORES_ENV.items():
        os.environ.setdefault(name, value)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, request):
    """The site built with `mkdocs build --strict` (warnings fail it), once per test session,
    whichever worker asks first."""
    import subprocess
    import sys

    from docsite import config

    site = shared_folder(request.config, tmp_path_factory) / "built-site"

    def build() -> str | None:
        """The build's error output when it fails, else None."""
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
            cwd=config.ROOT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stderr if done.returncode else None

    error = once_per_session(request.config, tmp_path_factory, "built-site", build)
    if error is not None:
        pytest.fail(f"mkdocs build --strict failed:\n{error}", pytrace=False)
    return site


@pytest.fixture(scope="session")
def served_site(built_site):
    """The built site on 127.0.0.1 (a free port) under site_url's path, as on GitHub Pages."""
    from docsite import config
    from tests.site_checker import serve

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
