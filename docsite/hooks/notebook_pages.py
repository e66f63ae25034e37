"""MkDocs hook: a notebook rendered by mkdocs-jupyter (docs/notebooks/) is a page of this site.

It uses the site's own renderers: nbconvert's template loads MathJax and mermaid from a CDN, so
those scripts are dropped, math in the markdown cells is marked up as pymdownx.arithmatex marks
it (docsite/hooks/katex.py typesets it) and mermaid blocks are left to Material, as on every
page. It is left out of the search index (its text is the page's text, indexed already), its
links to the site are local, its table of contents keeps inline code, and its edit (and view)
button opens the page it is generated from. Its stylesheets: docsite/hooks/notebook_css.py.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, Tag
from mkdocs.structure.toc import TableOfContents, get_toc
from mkdocs.utils import get_relative_url

from docsite.page_notebooks import is_notebook, notebooks_by_page

# $$display$$ and $inline$ math, as Jupyter reads it (not across paragraphs, not "$5 and $6").
MATH = re.compile(
    r"\$\$(?P<display>.+?)\$\$|(?<![\\$\w])\$(?=\S)(?P<inline>[^$]+?)(?<=\S)\$(?!\w)", re.S
)
_page_of: dict[str, str] = {}  # notebook src_uri -> the page's src_uri


def on_files(files, config):
    _page_of.clear()
    _page_of.update({nb: md for md, nb in notebooks_by_page(files).items()})
    return files


def on_page_content(content: str, page, config, files) -> str:
    if not is_notebook(page):
        return content
    page.meta.setdefault("search", {})["exclude"] = True
    soup = _uses_the_site_renderers(content)
    site_url = config.site_url or ""
    for link in soup.select("a[href]") if site_url else []:
        if link["href"].startswith(site_url):  # the notebook's links to the site, made local
            link["href"] = get_relative_url(link["href"][len(site_url) :] or ".", page.url)
    page.toc = _toc(soup)
    source = _page_of.get(page.file.src_uri)
    if source and page.edit_url:  # the notebook is generated: edit (or view) its page
        page.edit_url = page.edit_url.replace(page.file.src_uri, source)
    return str(soup)


def _uses_the_site_renderers(content: str):
    """A page rendered by mkdocs-jupyter, without its CDN scripts, its math as arithmatex's."""
    soup = BeautifulSoup(content, "html.parser")
    for script in soup.find_all("script"):
        src, kind = script.get("src"), script.get("type")
        if (
            (src is not None and not src.strip())  # MathJax's loader, left without a URL
            or kind == "text/x-mathjax-config"
            or (kind == "module" and "mermaid" in (script.string or ""))
        ):
            script.decompose()
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        if "mathjax" in comment.lower() or "mermaid" in comment.lower():
            comment.extract()
    for code in soup.select(".highlight-ipynb, .jupyter-wrapper pre:not(.mermaid)"):
        code["tabindex"] = "0"  # it may scroll sideways: keyboard users must be able to reach it
    for diagram in soup.select(".jp-Mermaid > pre.mermaid"):
        # nbconvert writes the diagram's source unescaped: a label's <br/> became an element.
        # The source goes into a <code>, as on every page (mermaid2's fence, mkdocs.yml), which
        # is how mermaid2 finds a diagram and adds the loader to the page.
        code = soup.new_tag("code")
        code.string = "".join(
            str(child) if isinstance(child, Tag) else child for child in diagram.contents
        )
        diagram.clear()
        diagram.append(code)
    for cell in soup.select(".jp-RenderedMarkdown"):
        for text in cell.find_all(string=MATH.search):
            if text.find_parent(["code", "pre", "script", "style"]) or isinstance(text, Comment):
                continue
            parts, last = [], 0
            for match in MATH.finditer(text):
                parts.append(text[last : match.start()])
                span = soup.new_tag("span", attrs={"class": "arithmatex"})
                if match["display"] is not None:
                    span.string = "\\[" + match["display"] + "\\]"
                else:
                    span.string = "\\(" + match["inline"] + "\\)"
                parts.append(span)
                last = match.end()
            parts.append(text[last:])
            text.replace_with(*[part for part in parts if part != ""])
    return soup


def _toc(soup) -> TableOfContents:
    """The table of contents from the rendered headings (mkdocs-jupyter's drops inline code)."""
    root: list[dict] = []
    stack: list[dict] = []
    for heading in soup.select(".jp-RenderedMarkdown :is(h1, h2, h3, h4, h5, h6)[id]"):
        name = "".join(
            str(child)
            for child in heading.contents
            if not (isinstance(child, Tag) and "anchor-link" in child.get("class", []))
        )
        token = {"level": int(heading.name[1]), "id": heading["id"], "name": name, "children": []}
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return get_toc(root)
