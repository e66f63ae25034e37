"""The helpers' wheel: `snippets` as the site ships it beside the notebooks, named by its contents.

A reader on Colab (or in any Python without a clone) needs this site's helpers, the `snippets`
modules the pages import (`data`, `plots`, `exercises`, ...), and they must be the helpers that
printed the outputs the notebook shows. A notebook cannot name the commit that holds it, so the
site ships the helpers as a wheel built from the files themselves, its version naming a hash of
them: `pytorch-in-one-hour 0.1.0+<hash>`, at `<site_url>notebooks/<wheel>`
(docsite/hooks/helpers_wheel.py builds it at every site build).

- The wheel holds the package's helper modules and its package data (pyproject.toml), not the
  pages' own modules (`part01_tensors.py`, ...): a notebook holds its page's code itself.
- The hash is of what the wheel holds (each file's path and bytes, and the project metadata it
  is built with), so the same files always give the same name, and any change to a helper gives
  another.
- Each notebook's set-up cell (docsite/notebooks.py) and the intro's `pip install` line name the
  wheel of the files as they are; `python -m tools.notebooks` rewrites both, `--check` and the
  tests report one that names another, and the site's build fails when anything it ships names
  a wheel other than the one it ships.

Built with pip and setuptools, offline (`pip wheel --no-deps --no-build-isolation --no-index`),
and kept in .cache/helpers-wheel/ by name, so a build of unchanged helpers does not build it
again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from docsite import config

PYPROJECT = config.ROOT / "pyproject.toml"
CACHE = config.ROOT / ".cache" / "helpers-wheel"
PACKAGE = config.SNIPPETS.name  # "snippets"
# A wheel of this project, under any site URL (what a notebook or a page may name).
WHEEL_NAME = re.compile(r"pytorch_in_one_hour-[\w.+!-]*?-py3-none-any\.whl")


@functools.cache
def _project() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))


def page_modules() -> set[str]:
    """The pages' own modules, by path under the root ('snippets/part01_tensors.py', ...)."""
    return {
        config.module_path(path.relative_to(config.DOCS).as_posix())
        for path in config.DOCS.glob("*.md")
    }


def files() -> list[str]:
    """What the wheel holds, as paths under the root: the package's modules but the pages', and
    its package data (pyproject.toml's globs), sorted."""
    root = config.ROOT
    modules = {p.relative_to(root).as_posix() for p in config.SNIPPETS.glob("*.py")}
    data = _project()["tool"]["setuptools"]["package-data"].get(PACKAGE, [])
    found = {p.relative_to(root).as_posix() for glob in data for p in config.SNIPPETS.glob(glob)}
    return sorted((modules - page_modules()) | found)


def _pyproject(version: str) -> str:
    """The pyproject.toml the wheel is built with: the project's name, metadata, dependencies
    and package data, `snippets` alone, at `version` (JSON strings are TOML strings)."""
    project = _project()["project"]
    data = _project()["tool"]["setuptools"]["package-data"].get(PACKAGE, [])
    lines = [
        "[project]",
        f"name = {json.dumps(project['name'])}",
        f"version = {json.dumps(version)}",
        f"description = {json.dumps(project['description'])}",
        f"requires-python = {json.dumps(project['requires-python'])}",
        f"dependencies = {json.dumps(project['dependencies'])}",
        "",
        "[build-system]",
        f"requires = {json.dumps(_project()['build-system']['requires'])}",
        f"build-backend = {json.dumps(_project()['build-system']['build-backend'])}",
        "",
        "[tool.setuptools]",
        f"packages = {json.dumps([PACKAGE])}",
        "",
        "[tool.setuptools.package-data]",
        f"{PACKAGE} = {json.dumps(data)}",
    ]
    return "\n".join(lines) + "\n"


def content_hash() -> str:
    """12 hex digits of the SHA-256 of every file the wheel holds (path and bytes) and of the
    metadata it is built with."""
    digest = hashlib.sha256(_pyproject("{version}").encode())
    for rel in files():
        digest.update(b"\0" + rel.encode() + b"\0")
        digest.update((config.ROOT / rel).read_bytes())
    return digest.hexdigest()[:12]


def version() -> str:
    """'0.1.0+<hash>': pyproject.toml's version, its local label the hash of the contents."""
    return f"{_project()['project']['version']}+{content_hash()}"


def wheel_name() -> str:
    name = re.sub(r"[-_.]+", "_", _project()["project"]["name"]).lower()
    return f"{name}-{version()}-py3-none-any.whl"


def wheel_path_in_site() -> str:
    """Where the site serves it, relative to its root: beside the notebooks."""
    return f"{config.NOTEBOOKS.relative_to(config.DOCS).as_posix()}/{wheel_name()}"


def wheel_url(site: config.Site | None = None) -> str:
    """Its absolute URL under site_url: what a notebook's set-up cell installs."""
    return (site or config.site()).file_url(wheel_path_in_site())


def build(destination: Path) -> Path:
    """The wheel in `destination` (built here, offline, unless .cache/ has it already)."""
    name = wheel_name()
    cached = CACHE / name
    if not cached.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="helpers-wheel-") as tmp:
            source, out = Path(tmp) / "source", Path(tmp) / "out"
            for rel in files():
                (source / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(config.ROOT / rel, source / rel)
            (source / "pyproject.toml").write_text(_pyproject(version()), encoding="utf-8")
            command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
            command += ["--no-build-isolation", "--no-index", "--wheel-dir", str(out), str(source)]
            env = {**os.environ, "SOURCE_DATE_EPOCH": "315532800", "PIP_NO_INPUT": "1"}
            done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
            built = out / name
            if done.returncode or not built.is_file():
                raise RuntimeError(
                    f"building the helpers' wheel {name} failed:\n{done.stdout}{done.stderr}"
                )
            partial = cached.with_suffix(f".{os.getpid()}.part")
            shutil.copyfile(built, partial)
            partial.replace(cached)  # whole or not at all, when two builds race
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, destination / name)
    return destination / name


# --- the pages that name it -------------------------------------------------------------------


def _wheel_urls(site: config.Site) -> re.Pattern:
    """A URL of any of this project's wheels under the site's notebooks folder."""
    folder = site.file_url(config.NOTEBOOKS.relative_to(config.DOCS).as_posix() + "/")
    return re.compile(re.escape(folder) + WHEEL_NAME.pattern)


def stale_pages() -> list[str]:
    """One line per page under docs/ that names another wheel of the helpers than theirs now."""
    site, wanted = config.site(), wheel_url()
    problems = []
    for path in sorted(config.DOCS.glob("*.md")):
        named = set(_wheel_urls(site).findall(path.read_text(encoding="utf-8")))
        for url in sorted(named - {wanted}):
            problems.append(
                f"{path.relative_to(config.ROOT)} names the helpers' wheel {url.rsplit('/', 1)[1]}"
                f", not {wheel_name()} (the helpers as they are)"
            )
    return problems


def rewrite_pages() -> list[Path]:
    """Make every page under docs/ that names a wheel of the helpers name theirs now."""
    site, wanted = config.site(), wheel_url()
    changed = []
    for path in sorted(config.DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        new = _wheel_urls(site).sub(wanted, text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed
