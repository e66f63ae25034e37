"""MkDocs hook: link every page that has a notebook (docs/notebooks/, made by tools/notebooks.py)
to it, right under the page's title: "Download notebook" (the .ipynb, as mkdocs-jupyter copies it
into the site), "Open in Colab" (the committed notebook in the repository named by repo_url) and,
on the page itself, "View the notebook" (rendered by mkdocs-jupyter; docsite/hooks/
notebook_pages.py). The rendered notebook gets the first two.

The links are one compact row of Material's own buttons (`md-button`), each with one of the
theme's icons (inlined from its icon set, as Material's emoji extension inlines them). On a
phone's screen the words after the first (docs/stylesheets/extra.css: `notebook-links__more`)
are hidden from sight but not from screen readers: the row fits a 390 px screen, and each link's
accessible name is still the whole label, which contains the words shown.
"""

from __future__ import annotations

import functools
import html
import posixpath
from pathlib import Path
from urllib.parse import urljoin, urlparse

import material
from mkdocs.utils import get_relative_url

from docsite.config import site_of
from docsite.page_html import after_title
from docsite.page_notebooks import is_notebook, notebooks_by_page

_notebook_of: dict[str, str] = {}  # page src_uri -> notebook src_uri
ICONS = Path(material.__file__).parent / "templates" / ".icons"
# Each link: its label, the word of it a phone's screen shows, the theme's icon for it.
DOWNLOAD = ("Download notebook", "Download", "material/download")
COLAB = ("Open in Colab", "Colab", "simple/googlecolab")
VIEW = ("View the notebook", "View", "material/notebook-outline")


def on_files(files, config):
    _notebook_of.clear()
    _notebook_of.update(notebooks_by_page(files))
    return files


def on_page_content(content: str, page, config, files) -> str:
    if is_notebook(page):  # a notebook rendered by mkdocs-jupyter
        notebook_uri = page.file.src_uri
        view = None
    else:
        notebook_uri = _notebook_of.get(page.file.src_uri)
        if notebook_uri is None:
            return content
        view = get_relative_url(files.get_file_from_path(notebook_uri).url, page.url)
    notebook = files.get_file_from_path(notebook_uri)
    # mkdocs-jupyter (include_source) copies the .ipynb beside the rendered page.
    source = urljoin(notebook.url, posixpath.basename(notebook_uri))
    links = [
        _link(
            get_relative_url(source, page.url),
            DOWNLOAD,
            f' download="{html.escape(posixpath.basename(notebook_uri))}"',
        )
    ]
    colab = _colab_url(config, notebook_uri)
    if colab:
        links.append(_link(colab, COLAB))
    if view:
        links.append(_link(view, VIEW))
    bar = '<p class="notebook-links">' + "\n".join(links) + "</p>"
    return after_title(content, bar)


def _colab_url(config, notebook_uri: str) -> str | None:
    site = site_of(config)
    repo = urlparse(site.repo_url)
    if repo.netloc != "github.com":
        return None
    owner_repo = repo.path.strip("/").removesuffix(".git")
    return (
        "https://colab.research.google.com/github/"
        f"{owner_repo}/blob/{site.branch}/{site.docs_in_repo}/{notebook_uri}"
    )


def _link(href: str, words: tuple[str, str, str], extra: str = "") -> str:
    label, shown, icon = words
    before, after = label.split(shown, 1)

    def hidden(words: str) -> str:
        return f'<span class="notebook-links__more">{html.escape(words)}</span>' if words else ""

    text = hidden(before) + html.escape(shown) + hidden(after)
    return (
        f'<a class="md-button" href="{html.escape(href)}"{extra}>'
        f'<span class="twemoji" aria-hidden="true">{_icon(icon)}</span> {text}</a>'
    )


@functools.cache
def _icon(name: str) -> str:
    """One of the theme's icons (material/templates/.icons/<name>.svg), inline."""
    return (ICONS / f"{name}.svg").read_text(encoding="utf-8").strip()
