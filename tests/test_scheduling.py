"""The suite's parallel runs (`make test`: pytest-xdist, `-n auto`) keep each browser module's
tests in one worker (tests/conftest.py: pytest_xdist_make_scheduler), where its module-scoped
fixtures launch one Chromium and make one pass over every page for all of them, and spread the
other tests over every worker."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from docsite.config import ROOT

# Each test leaves a file named for its module and parameter, holding its worker's name.
MODULE = """import os
from pathlib import Path

import pytest
{mark}

@pytest.mark.parametrize("i", range(8))
def test_where(i):
    folder = Path(os.environ["WHERE"])
    (folder / f"{{__name__}}-{{i}}").write_text(os.environ["PYTEST_XDIST_WORKER"])
"""


def workers_by_module(folder: Path) -> dict[str, set[str]]:
    """A scratch suite with the real conftest and pyproject.toml, one module marked `browser` and
    one not, run on two workers: module -> the workers its tests ran in."""
    tests = folder / "tests"
    tests.mkdir()
    shutil.copy(ROOT / "tests" / "conftest.py", tests / "conftest.py")
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    (tests / "__init__.py").write_text("", encoding="utf-8")
    marked = MODULE.format(mark="\npytestmark = pytest.mark.browser\n")
    (tests / "test_marked.py").write_text(marked, encoding="utf-8")
    (tests / "test_other.py").write_text(MODULE.format(mark=""), encoding="utf-8")
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
    found: dict[str, set[str]] = {}
    for result in where.iterdir():
        module = result.name.split("-")[0].removeprefix("tests.")
        found.setdefault(module, set()).add(result.read_text())
    assert len(list(where.iterdir())) == 16, run.stdout[-3000:]
    return found


def test_a_browser_modules_tests_run_in_one_worker(tmp_path):
    workers = workers_by_module(tmp_path)
    assert len(workers["test_marked"]) == 1, workers
