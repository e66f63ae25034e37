"""A page's Markdown as the plain Markdown a Jupyter notebook renders (tools/notebooks.py).

`Prose` takes the page's prose line by line into `MarkdownCell`s: Material's containers become
what Jupyter can show (an admonition a blockquote with its title in bold, a content tab its title
in bold and its dedented content), links to other pages point at the published site, and images
under docs/ become cell attachments. The suite's output markers are dropped.
"""

from __future__ import annotations

import base64
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from nbformat import v4

from docsite import config, prose
from docsite import pages as docpages

MARKER = re.compile(r"^\s*<!--\s*pytest[-.\w:()]*\s*-->\s*$")
TITLE = r"\"(?P<title>(?:[^\"\\]|\\.)*)\""  # "a title", with \" inside it
ADMONITION = re.compile(
    r"^(?P<indent>\s*)(?:!!!|\?\?\?\+?)\s+(?P<kind>[\w-]+)(?:\s+[\w-]+)*(?:\s+" + TITLE + r")?\s*$"
)
TAB = re.compile(r"^(?P<indent>\s*)===\+?\s+" + TITLE + r"\s*$")
HEADING_ATTRS = re.compile(r"^(#{1,6} .*?)\s*\{\s*[#.][^}]*\}\s*$")
# [text](url "title") or ![alt](url){ attr_list }: the url is rewritten, an attr_list dropped.
LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)(?:\{[^}]*\})?"
)
REFERENCE = re.compile(r"^(?P<head>\s*\[[^\]]+\]:\s*)(?P<url>\S+)(?P<tail>.*)$")
IMAGE_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
}


class SiteUrls(Protocol):
    """Where the published site puts a page (docs/<name>.md) and any other file under docs/."""

    def page_url(self, name: str) -> str: ...

    def file_url(self, name: str) -> str: ...


def unescape(title: str | None) -> str | None:
    return None if title is None else re.sub(r"\\(.)", r"\1", title)


class Prose:
    """Turns the page's Markdown into plain (Jupyter) Markdown, line by line.

    Material's containers become what Jupyter renders: an admonition a blockquote with its title
    in bold, a content tab its title in bold followed by its (dedented) content. Links to other
    pages point at the published site; images under docs/ become cell attachments.
    """

    def __init__(self, page: docpages.Page, site: SiteUrls):
        self.page = page
        self.site = site
        self.stack: list[tuple[int, bool]] = []  # (content indent, is a blockquote)
        self.blanks = 0

    def _prefix(self) -> str:
        return "> " * sum(quote for _, quote in self.stack)

    def _close_containers(self, text: str) -> None:
        indent = len(text) - len(text.lstrip())
        while self.stack and indent < self.stack[-1][0]:
            self.stack.pop()

    def line(self, text: str, cell: MarkdownCell) -> None:
        if MARKER.match(text):
            return
        text = prose.plain(text)  # a result stated in prose: its value, without the markers
        if not text.strip():
            self.blanks += 1
            return
        self._close_containers(text)
        if cell.lines and self.blanks:
            cell.lines += [self._prefix().rstrip()] * min(self.blanks, 1)
        self.blanks = 0
        depth = self.stack[-1][0] if self.stack else 0
        content = text[depth:]
        prefix = self._prefix()
        if match := ADMONITION.match(text):
            title = unescape(match["title"])
            if title is None:
                title = match["kind"].replace("-", " ").capitalize()
            if title:
                cell.lines.append(f"{prefix}> **{title}**")
            else:
                cell.lines.append(f"{prefix}>")
            self.stack.append((len(match["indent"]) + 4, True))
            cell.lines.append(self._prefix().rstrip())
            return
        if match := TAB.match(text):
            cell.lines.append(f"{prefix}**{unescape(match['title'])}**")
            self.stack.append((len(match["indent"]) + 4, False))
            self.blanks = 1
            return
        cell.lines.append(prefix + self._rewrite(content, cell))

    def paragraph(self, text: str, cell: MarkdownCell) -> None:
        """A paragraph the notebook adds (not the page's), in the container it stands in."""
        if cell.lines:
            cell.lines.append(self._prefix().rstrip())
        cell.lines.append(self._prefix() + text)
        self.blanks = 0

    def skip(self, text: str) -> None:
        """A line that belongs to a code cell: it still closes containers it is outside of."""
        if text.strip():
            self._close_containers(text)
        self.blanks = 0

    def _rewrite(self, text: str, cell: MarkdownCell) -> str:
        heading = HEADING_ATTRS.match(text)
        if heading:
            text = heading[1]
        reference = REFERENCE.match(text)
        if reference:
            url = self._url(reference["url"], image=False, cell=cell)
            return reference["head"] + url + reference["tail"]
        return LINK.sub(lambda m: self._link(m, cell), text)

    def _link(self, match: re.Match, cell: MarkdownCell) -> str:
        url = self._url(match["url"], image=bool(match["bang"]), cell=cell)
        return f"{match['bang']}[{match['text']}]({url}{match['title'] or ''})"

    def _url(self, url: str, image: bool, cell: MarkdownCell) -> str:
        if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):  # https:, mailto:, data:, ...
            return url
        path, _, fragment = url.partition("#")
        fragment = "#" + fragment if fragment else ""
        if not path:  # an anchor on this page
            return self.site.page_url(self.page.name) + fragment
        target = posixpath.normpath(posixpath.join(posixpath.dirname(self.page.name), path))
        if target.endswith(".md"):
            return self.site.page_url(target) + fragment
        source = config.DOCS / target
        mime = IMAGE_TYPES.get(source.suffix.lower())
        if image and mime and source.is_file():
            return "attachment:" + cell.attach(source, mime)
        return self.site.file_url(target) + fragment


@dataclass
class MarkdownCell:
    lines: list[str]
    attachments: dict

    def attach(self, source: Path, mime: str) -> str:
        name = source.name
        while name in self.attachments and self.attachments[name]["path"] != source:
            name = "_" + name
        data = base64.b64encode(source.read_bytes()).decode("ascii")
        self.attachments[name] = {"path": source, "bundle": {mime: data}}
        return name

    def node(self, cell_id: str):
        while self.lines and not self.lines[-1].strip(" >"):
            self.lines.pop()
        cell = v4.new_markdown_cell("\n".join(self.lines), id=cell_id)
        if self.attachments:
            cell.attachments = {name: a["bundle"] for name, a in self.attachments.items()}
        return cell
