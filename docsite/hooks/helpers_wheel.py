"""MkDocs hook: the helpers' wheel (docsite/helpers_wheel.py) beside the notebooks, and nothing the
site ships naming another.

After the build, the wheel of the helpers as they are goes to <site>/notebooks/; then every page
and notebook of the site is read, and a name of another wheel of this project (a notebook or the
intro generated before a helper changed) is a warning naming the file and the command that
brings it up to date: `mkdocs build --strict` (the tests' build, CI's) fails on it, and a writer
who edits a helper under `mkdocs serve` keeps the served site (docsite/hooks/stale_outputs.py
flags the pages whose outputs the change may alter) and regenerates the notebooks when done.
"""

from __future__ import annotations

import logging
from pathlib import Path

from docsite import helpers_wheel

log = logging.getLogger("mkdocs.hooks.helpers_wheel")


def on_post_build(config) -> None:
    site = Path(config.site_dir)
    shipped = helpers_wheel.build(site / Path(helpers_wheel.wheel_path_in_site()).parent).name
    problems = []
    for path in sorted([*site.rglob("*.html"), *site.rglob("*.ipynb")]):
        named = set(helpers_wheel.WHEEL_NAME.findall(path.read_text(encoding="utf-8")))
        problems += [
            f"{path.relative_to(site)} names the helpers' wheel {name}"
            for name in sorted(named - {shipped})
        ]
    if problems:
        log.warning(
            "\n".join(problems) + f"\nbut the site ships {shipped}, built from the helpers as "
            "they are (a helper changed since): run `python -m tools.notebooks`"
        )
