"""The site's facts, each defined once: where things are, what mkdocs.yml says, and how a page, its
snippet module and its notebook are named.

Everything that needs a path, a URL or a naming rule imports it from here (tests, tools, hooks).
mkdocs.yml is read with MkDocs' own `load_config`, once per process, so `!relative` paths and
defaults resolve exactly as `mkdocs build` resolves them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"
GENERATED = DOCS / "generated"  # files a page's code writes (plots), per page
NOTEBOOKS = DOCS / "notebooks"  # one notebook per page with code, generated from the page
VERIFIED_WITH = DOCS / "verified-with.json"  # the torch the outputs were produced with
API_CALLS = DOCS / "api-calls.json"  # the torch APIs each page's code calls (docsite/cheatsheet.py)
CHEATSHEET = DOCS / "cheatsheet.md"  # generated from API_CALLS
MKDOCS_YML = ROOT / "mkdocs.yml"
NODE_MODULES = ROOT / "node_modules"  # the browser assets the site serves itself (npm ci)
UPDATE_COMMAND = "make update-outputs"  # rewrites every output from a real run

PAGE_KEY = "docs_page"  # a notebook's metadata key naming the page it was generated from
INTRO_PAGE = "index.md"  # the intro page; its snippet module and notebook are named "intro"
INTRO_NAME = "intro"


def own_name(page: str) -> str:
    """A page's own name, which its notebook carries: 'part01-tensors.md' -> 'part01-tensors',
    the intro ('index.md') -> 'intro'."""
    return INTRO_NAME if page == INTRO_PAGE else page.removesuffix(".md")


def module_path(page: str) -> str:
    """The page's own snippet module, relative to the root: 'snippets/part01_tensors.py'."""
    return f"{SNIPPETS.name}/{own_name(page).replace('-', '_')}.py"


def notebook_path(page: str) -> Path:
    """The notebook generated from a page: docs/notebooks/part01-tensors.ipynb (intro.ipynb)."""
    return NOTEBOOKS / f"{own_name(page)}.ipynb"


def site_path(page: str) -> str:
    """Where a page is in the built site, relative to its root: '' or 'part01-tensors/'."""
    return "" if page == INTRO_PAGE else page.removesuffix(".md") + "/"


@functools.cache
def mkdocs_config(config_file: str = str(MKDOCS_YML)):
    """mkdocs.yml as MkDocs reads it (one read per process and file)."""
    from mkdocs.config import load_config

    return load_config(config_file)


def snippet_options(config_file: str = str(MKDOCS_YML)) -> dict:
    """pymdownx.snippets' options, as `mkdocs build` resolves them."""
    return mkdocs_config(config_file).mdx_configs["pymdownx.snippets"]


def base_path(site_url: str | None) -> str:
    """The path a site is published under: '/pytorch-in-one-hour/' for a GitHub project site."""
    path = urlsplit(site_url or "/").path or "/"
    return path if path.endswith("/") else path + "/"


def branch_from_edit_uri(edit_uri: str | None) -> str:
    """The branch the repository's pages are edited on ('edit/main/docs/' -> 'main')."""
    edit = re.match(r"^(?:edit|blob)/(?P<branch>[^/]+)/", edit_uri or "")
    return edit["branch"] if edit else "main"


@dataclass(frozen=True)
class Site:
    """What the rest of the project needs from mkdocs.yml."""

    site_name: str
    site_url: str
    repo_url: str  # without a trailing slash
    branch: str
    docs_dir: Path
    docs_in_repo: str  # the docs folder relative to the repository root, e.g. "docs"
    use_directory_urls: bool
    nav_pages: tuple[str, ...]  # every page of the nav, in order ('index.md', ...)

    @property
    def base_path(self) -> str:
        return base_path(self.site_url)

    def page_url(self, name: str) -> str:
        """Absolute URL of the page built from docs/<name> (a .md path)."""
        stem = name.removesuffix(".md")
        if stem == "index" or stem.endswith("/index"):
            path = stem.removesuffix("index")
        else:
            path = stem + "/" if self.use_directory_urls else stem + ".html"
        return self.site_url.rstrip("/") + "/" + path

    def file_url(self, name: str) -> str:
        """Absolute URL of any other file under docs/."""
        return self.site_url.rstrip("/") + "/" + name


def nav_files(nav) -> list[str]:
    """The .md pages of a nav (or of one of its sections), in order."""
    files: list[str] = []
    for item in nav or []:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            files += nav_files(value)
        elif isinstance(value, str) and value.endswith(".md"):
            files.append(value)
    return files


def site_of(config) -> Site:
    """The facts of a loaded MkDocs config (a hook's `config`, or `mkdocs_config()`)."""
    root = Path(config.config_file_path).resolve().parent
    docs_dir = Path(config.docs_dir)
    return Site(
        site_name=config.site_name,
        site_url=config.site_url or "/",
        repo_url=(config.repo_url or "").rstrip("/"),
        branch=branch_from_edit_uri(config.edit_uri),
        docs_dir=docs_dir,
        docs_in_repo=docs_dir.resolve().relative_to(root).as_posix(),
        use_directory_urls=config.use_directory_urls,
        nav_pages=tuple(nav_files(config.nav)),
    )


def site(config_file: str = str(MKDOCS_YML)) -> Site:
    return site_of(mkdocs_config(config_file))
