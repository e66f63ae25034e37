"""The suite's parallel runs (`make test`: pytest-xdist, `-n auto`) keep each browser module's
tests in one worker (tests/conftest.py: pytest_xdist_make_scheduler), where its module-scoped
fixtures launch one Chromium and make one pass over every page for all of them, and spread the
other tests over every worker, those marked `runs_long` first (conftest.py:
pytest_collection_modifyitems)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from docsite.config import ROOT

# Each test leaves a file named for its module and parameter, holding its worker's name and
# when it started.
MODULE = """import os
import time
from pathlib import Path

import pytest
{mark}

@pytest.mark.parametrize("i", range({tests}))
def test_where(i):
    folder = Path(os.environ["WHERE"])
    started = f"{{os.environ['PYTEST_XDIST_WORKER']}} {{time.monotonic_ns()}}"
    (folder / f"{{__name__}}-{{i}}").write_text(started)
"""


def run_scratch_suite(folder: Path) -> dict[tuple[str, int], tuple[str, int]]:
    """A scratch suite with the real conftest and pyproject.toml, run on two workers: a module
    marked `browser`, one not, and last in the collection one whose test is marked `runs_long`.
    (module, parameter) -> (the worker it ran in, when it started)."""
    tests = folder / "tests"
    tests.mkdir()
    shutil.copy(ROOT / "tests" / "conftest.py", tests / "conftest.py")
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    (tests / "__init__.py").write_text("", encoding="utf-8")
    marked = MODULE.format(mark="\npytestmark = pytest.mark.browser\n", tests=8)
    (tests / "test_marked.py").write_text(marked, encoding="utf-8")
    (tests / "test_other.py").write_text(MODULE.format(mark="", tests=8), encoding="utf-8")
    long = MODULE.format(mark="\npytestmark = pytest.mark.runs_long\n", tests=1)
    (tests / "test_z_long.py").write_text(long, encoding="utf-8")
    where = folder / "where"
    where.mkdir()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(ROOT), "WHERE": str(where)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    found = {}
    for result in where.iterdir():
        module, i = result.name.removeprefix("tests.").split("-")
        worker, started = result.read_text().split()
        found[module, int(i)] = (worker, int(started))
    assert len(found) == 17, run.stdout[-3000:]
    return found


def test_a_browser_modules_tests_run_in_one_worker_and_a_long_test_starts_first(tmp_path):
    found = run_scratch_suite(tmp_path)
    workers = {
        module: {w for (m, _), (w, _) in found.items() if m == module} for module, _ in found
    }
    assert len(workers["test_marked"]) == 1, workers
    # The long test, collected last, is the first its worker runs (the other worker starts on
    # the browser module). (Where the instant short tests go after that is a race: not checked.)
    worker, started = found["test_z_long", 0]
    assert all(t > started for w, t in found.values() if w == worker and t != started), found
