"""Scratch copies of the project, for tests that break something on purpose and watch it fail.

- `copy_project`: the project copied to a folder, as a checkout holds it (no version control,
  environments, build output or caches), its node_modules a link to the real one.
- `build_variant`: such a copy with extra pages, built into a site for the browser checker.
- `run_module`: `python -m ...` in the copy (mkdocs, a tool), as a writer runs it there.
- `run_pytest`: the copy's own suite run on some of its pages, by a new Python in the copy.
- `replace_once`: an edit that must hit exactly one place.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from docsite.config import NODE_MODULES, NOTEBOOKS, ROOT

# Never copied: version control, environments, build output and caches, at the root ...
SKIPPED_AT_THE_ROOT = {
    ".git",
    ".venv",
    "site",
    ".cache",
    ".pytest_cache",
    ".ruff_cache",
}
# ... and anywhere (node_modules folders are installed, not written; the root's is linked).
SKIPPED_ANYWHERE = {"__pycache__", "node_modules"}
# What a command in the copy runs with: no MkDocs 2 notice, no bytecode written into the copy.
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}


def copy_project(dest: Path, *, tests: bool = True, notebooks: bool = True) -> Path:
    """Copy the project into `dest` (created if missing) and return it.

    `tests=False` leaves tests/ out, `notebooks=False` the rendered notebooks (docs/notebooks/),
    for a copy that is only built. node_modules is a link to the real one, so the copy serves
    the same browser assets without copying them.
    """
    skipped_paths = set()
    if not tests:
        skipped_paths.add(ROOT / "tests")
    if not notebooks:
        skipped_paths.add(NOTEBOOKS)

    def ignore(directory: str, names: list[str]) -> list[str]:
        at_root = Path(directory) == ROOT
        return [
            name
            for name in names
            if name in SKIPPED_ANYWHERE
            or name.endswith(".pyc")
            or (at_root and (name in SKIPPED_AT_THE_ROOT or name.endswith(".egg-info")))
            or Path(directory, name) in skipped_paths
        ]

    shutil.copytree(ROOT, dest, ignore=ignore, dirs_exist_ok=True)
    (dest / NODE_MODULES.name).symlink_to(NODE_MODULES, target_is_directory=True)
    return dest


def build_variant(destination: Path, pages: dict[str, str]) -> Path:
    """Build a copy of the site with extra pages (path under docs/ -> Markdown) added to it.

    The copy has the real configuration, theme overrides, hooks, assets and pages (not the
    rendered notebooks: the faults are on Markdown pages, and the build is shorter without them);
    the build is not --strict, so a page with a deliberate fault still reaches the browser.
    Returns the site; the build's log is left beside it, in `build.log`.
    """
    project = copy_project(destination / "project", tests=False, notebooks=False)
    for name, text in pages.items():
        page = project / "docs" / name
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(text, encoding="utf-8")
    site = destination / "site"
    build = run_module(project, "mkdocs", "build", "--site-dir", str(site))
    (destination / "build.log").write_text(build.stderr, encoding="utf-8")
    if build.returncode:
        raise RuntimeError(f"mkdocs build of the variant site failed:\n{build.stderr}")
    return site


def run_module(project: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """`python -m *args` in the copy, by this Python, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=project,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def run_pytest(
    project: Path,
    *args: str,
    module: str | tuple[str, ...] = "tests/test_pages.py",
    select: str = "index or part01 or broken",
) -> subprocess.CompletedProcess:
    """Run the copy's `module` (or modules) on the CPU, on the tests `select` picks (pytest -k)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *((module,) if isinstance(module, str) else module),
            "-q",
            "-p",
            "no:cacheprovider",
            "--device",
            "cpu",
            "-k",
            select,
            *args,
        ],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def replace_once(path: Path, old: str, new: str) -> None:
    """Replace `old` with `new` in the file; `old` must occur exactly once."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
