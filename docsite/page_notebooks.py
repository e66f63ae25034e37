"""Which page has which notebook, as the site's hooks see it (docsite/hooks/notebook_*.py).

A notebook (docs/notebooks/, made by `python -m tools.notebooks`) names the page it was generated
from in its metadata (`config.PAGE_KEY`); this reads it, so the hooks that need the pairing get it
from one place, each at the start of a build (a few small JSON files).
"""

from __future__ import annotations

import json
from pathlib import Path

from docsite.config import PAGE_KEY


def is_notebook(page) -> bool:
    """A page that is a notebook rendered by mkdocs-jupyter (not a Markdown page)."""
    return page.file.src_uri.endswith(".ipynb")


def notebooks_by_page(files) -> dict[str, str]:
    """Page src_uri -> notebook src_uri, for each notebook among MkDocs' files naming its page."""
    found: dict[str, str] = {}
    for file in files:
        if file.src_uri.endswith(".ipynb") and file.abs_src_path:
            metadata = json.loads(Path(file.abs_src_path).read_text(encoding="utf-8"))["metadata"]
            if PAGE_KEY in metadata:
                found[metadata[PAGE_KEY]] = file.src_uri
    return found
