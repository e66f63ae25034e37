"""A notebook installs the helpers that printed its outputs, and cannot name any others.

The site ships `snippets` as a wheel named by a hash of what it holds (docsite/helpers_wheel.py,
built by docsite/hooks/helpers_wheel.py); each notebook's set-up cell and the intro's
`pip install` line name it. Here: what they name is the wheel of the helpers as they are, the
built site holds exactly that wheel, pip installs it offline into a new environment where
`snippets` imports with every helper a notebook uses, the set-up cell leaves a clone's own
helpers (`make setup`) alone, and changing a helper without regenerating makes the check and
the build fail, naming each notebook.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from types import SimpleNamespace

import nbformat

from docsite import config, helpers_wheel, notebooks

PAGES = notebooks.notebook_pages()


def _setup_cell(page) -> str:
    nb = nbformat.read(notebooks.notebook_path(page), as_version=4)
    return next(cell.source for cell in nb.cells if cell.cell_type == "code")


def test_every_notebook_and_the_intro_name_the_helpers_as_they_are():
    url = helpers_wheel.wheel_url()
    assert helpers_wheel.version() in url and url.startswith(config.site().site_url)
    wrong = [
        str(notebooks.notebook_path(page).relative_to(config.ROOT))
        for page in PAGES
        if f'%pip install --quiet "{url}"' not in _setup_cell(page)
        or repr(helpers_wheel.version()) not in _setup_cell(page)
    ]
    assert not wrong, f"not naming {url}: {wrong}; run `python -m tools.notebooks`"
    assert helpers_wheel.stale_pages() == []
    intro = (config.DOCS / config.INTRO_PAGE).read_text(encoding="utf-8")
    assert f'pip install "{url}"' in intro


def test_a_changed_helper_is_another_wheel_and_makes_the_notebooks_stale(tmp_path, monkeypatch):
    """A helper's change gives another hash (a page's own module's does not: its notebook holds
    its code), and then the notebooks and the intro are reported stale, by name."""
    scratch = tmp_path / "project"
    shutil.copytree(config.SNIPPETS, scratch / config.SNIPPETS.name)
    monkeypatch.setattr(config, "ROOT", scratch)
    monkeypatch.setattr(config, "SNIPPETS", scratch / config.SNIPPETS.name)
    before = helpers_wheel.content_hash()
    page_module = scratch / config.module_path(PAGES[1].name)
    page_module.write_text(page_module.read_text(encoding="utf-8") + "# a page's code\n")
    assert helpers_wheel.content_hash() == before
    helper = scratch / "snippets" / "plots.py"
    helper.write_text(helper.read_text(encoding="utf-8") + "# a helper changed\n")
    after = helpers_wheel.content_hash()
    assert after != before
    monkeypatch.undo()

    monkeypatch.setattr(helpers_wheel, "content_hash", lambda: after)
    shown = [PAGES[0], PAGES[-1]]  # each notebook's set-up cell names the hash: two show it
    problems = notebooks.stale(shown)
    for page in shown:
        rel = notebooks.notebook_path(page).relative_to(config.ROOT)
        assert f"{rel} is stale against {page.relpath}" in problems, problems
    named = f"docs/{config.INTRO_PAGE} names the helpers' wheel "
    assert any(p.startswith(named) and after in p for p in problems), problems


def test_the_build_warns_when_the_site_names_another_wheel(tmp_path, caplog):
    """A warning, which fails `mkdocs build --strict` (the tests' build and CI's) and leaves
    `mkdocs serve` serving while a writer edits a helper."""
    from docsite.hooks import helpers_wheel as hook

    page = tmp_path / "part01-tensors" / "index.html"
    page.parent.mkdir()
    page.write_text('<code>pip install "x/pytorch_in_one_hour-0.1.0+0123456789ab-py3-none-any.whl"')
    with caplog.at_level(logging.WARNING, logger=hook.log.name):
        hook.on_post_build(SimpleNamespace(site_dir=str(tmp_path)))
    [message] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert (
        "part01-tensors/index.html names the helpers' wheel "
        "pytorch_in_one_hour-0.1.0+0123456789ab-py3-none-any.whl" in message
    ), message
    assert f"but the site ships {helpers_wheel.wheel_name()}" in message
    assert "python -m tools.notebooks" in message


# The set-up cell up to torch (which a new environment lacks), its `%pip install` made a line
# that says it would install: run by a Python, it tells whether the cell would install.
def _would_install(python: Path, cell: str) -> bool:
    code = cell.split("\nimport torch", 1)[0]
    code = re.sub(r"^(\s*)%pip install .*$", r'\1print("installs")', code, flags=re.M)
    assert "installs" in code and "%" not in code
    run = subprocess.run(
        [str(python), "-c", code], cwd=python.parent, capture_output=True, text=True, check=True
    )
    return "installs" in run.stdout


def test_the_site_ships_that_wheel_and_pip_installs_it_offline(built_site, tmp_path):
    wheels = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*.whl"))
    assert wheels == [helpers_wheel.wheel_path_in_site()]

    scratch = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(scratch)
    python = scratch / "bin" / "python"
    cell = _setup_cell(PAGES[0])
    assert _would_install(python, cell), "a new environment should get the helpers"
    install = ["install", "--quiet", "--no-index", "--no-deps", str(built_site / wheels[0])]
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), *install],
        check=True,
        capture_output=True,
    )
    # What a notebook uses of `snippets` (`from snippets.data import ...`, `-m snippets.ddp_worker`)
    used = {
        name
        for page in PAGES
        for name in re.findall(r"\bsnippets\.(\w+)", notebooks.notebook_path(page).read_text())
    }
    probe = (
        "import importlib.metadata, importlib.util, snippets\n"
        "print(importlib.metadata.version('pytorch-in-one-hour'))\n"
        f"print(all(importlib.util.find_spec('snippets.' + m) for m in {sorted(used)!r}))\n"
        "print(snippets.__file__)"
    )
    run = subprocess.run(
        [str(python), "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    version, found, where = run.stdout.split()
    assert version == helpers_wheel.version()
    assert found == "True", f"the wheel lacks one of {sorted(used)}"
    assert Path(where).is_relative_to(scratch)
    assert not _would_install(python, cell), "the same build again should not be installed"
    # A clone's own helpers (`make setup`: editable, version without a hash) are left alone.
    assert not _would_install(Path(sys.executable), cell)
