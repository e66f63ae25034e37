"""MkDocs hook: link every page that has a notebook (docs/notebooks/, made by tools/notebooks.py)
to it: "Download notebook" (the .ipynb, as mkdocs-jupyter copies it into the site), "Open in
Colab" (the committed notebook in the repository named by repo_url) and, on the page itself, the
notebook rendered by mkdocs-jupyter.

The links go right under the page's title. The rendered notebook pages are left out of the
search index (their text is the page's text, which is indexed already), and use the site's own
renderers: nbconvert's template loads MathJax and mermaid from a CDN, so those scripts are
dropped, math in the markdown cells is marked up as pymdownx.arithmatex marks it (KaTeX then
renders it, overrides/main.html) and mermaid blocks are left to Material, as on every page.

nbconvert inlines JupyterLab's stylesheets (some 580 KB) in every notebook page; they are taken
out of the pages and written once, as the site's assets/stylesheets/notebook.css (overrides/
main.html links it), less the rules for classes no notebook page uses and those under a `:root`
inside the notebook (which match nothing): a page is a third of the size, and the stylesheet,
some 60 KB, is fetched once for all of them.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import tinycss2
from bs4 import BeautifulSoup, Comment, Tag
from mkdocs.structure.toc import TableOfContents, get_toc
from mkdocs.utils import get_relative_url

PAGE_KEY = "docs_page"  # notebook metadata naming its page (tools/notebooks.py writes it)
H1_END = re.compile(r"</h1>", re.I)
# $$display$$ and $inline$ math, as Jupyter reads it (not across paragraphs, not "$5 and $6").
MATH = re.compile(
    r"\$\$(?P<display>.+?)\$\$|(?<![\\$\w])\$(?=\S)(?P<inline>[^$]+?)(?<=\S)\$(?!\w)", re.S
)
_notebook_of: dict[str, str] = {}  # page src_uri -> notebook src_uri
NOTEBOOK_STYLESHEET = "assets/stylesheets/notebook.css"
_notebook_css: dict[str, None] = {}  # the notebook pages' <style> blocks, in order, once each
_notebook_classes: set[str] = set()  # every class on a notebook page
CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
# A class inside :not() or :is() need not be on the page for the selector to match.
PSEUDO_ARGS = re.compile(r":(?:not|is|where|has|matches)\((?:[^()]|\([^()]*\))*\)")

# The notebook's code in the colours of the site's own code blocks (Material's variables, light
# and dark), instead of nbconvert's Pygments theme, whose comments, numbers and `is` are below
# WCAG AA contrast on Material's code background. Classes as Material maps them.
_TOKENS = {
    "operator": ".o, .ow",
    "punctuation": ".p",
    "string": ".cpf, .l, .s, .sa, .sb, .sc, .s2, .si, .s1, .ss",
    "special": ".cp, .se, .sh, .sr, .sx",
    "number": ".m, .mb, .mf, .mh, .mi, .il, .mo",
    "keyword": ".k, .kd, .kn, .kp, .kr, .kt, .nd, .ni, .nl, .nt",
    "name": ".kc, .n",
    "constant": ".no, .nb, .bp",
    "function": ".nc, .ne, .nf, .nn, .fm",
    "comment": ".c, .cm, .c1, .ch, .cs, .sd",
    "variable": ".na, .nv, .vc, .vg, .vi",
    "generic": ".ge, .gr, .gh, .go, .gp, .gs, .gu, .gt",
}
NOTEBOOK_CSS = (
    ".jupyter-wrapper .highlight-ipynb { background: var(--md-code-bg-color); "
    "color: var(--md-code-fg-color); }\n"
    + "".join(
        ", ".join(f".jupyter-wrapper .highlight-ipynb {c.strip()}" for c in classes.split(","))
        + f" {{ color: var(--md-code-hl-{kind}-color); font-weight: normal; font-style: normal }}\n"
        for kind, classes in _TOKENS.items()
    )
)


def on_files(files, config):
    _notebook_of.clear()
    _notebook_css.clear()
    _notebook_classes.clear()
    for file in files:
        if file.src_uri.endswith(".ipynb") and file.abs_src_path:
            metadata = json.loads(Path(file.abs_src_path).read_text(encoding="utf-8"))["metadata"]
            if PAGE_KEY in metadata:
                _notebook_of[metadata[PAGE_KEY]] = file.src_uri
    return files


def _colab_url(config, notebook_uri: str) -> str | None:
    repo = urlparse(config.repo_url or "")
    if repo.netloc != "github.com":
        return None
    owner_repo = repo.path.strip("/").removesuffix(".git")
    edit = re.match(r"^(?:edit|blob)/(?P<branch>[^/]+)/", config.edit_uri or "")
    branch = edit["branch"] if edit else "main"
    root = Path(config.config_file_path).resolve().parent
    docs = Path(config.docs_dir).resolve().relative_to(root).as_posix()
    return (
        f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{docs}/{notebook_uri}"
    )


def _link(href: str, text: str, extra: str = "") -> str:
    return f'<a class="md-button" href="{html.escape(href)}"{extra}>{text}</a>'


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
    _notebook_css.setdefault(NOTEBOOK_CSS)
    for style in soup.find_all("style"):
        if ".jp-Mermaid" not in (style.string or ""):  # hides mermaid blocks until its script ran
            _notebook_css.setdefault(style.string or "")  # to the shared stylesheet
        style.decompose()
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


def _selectors(prelude: str) -> list[str]:
    """A selector list split at its top-level commas."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(prelude):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    return [*parts, prelude[start:]]


def _used_rules(rules, used: set[str]) -> str:
    """The rules (tinycss2 nodes) whose selectors can match a page: each class is on one."""
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            keep = [
                selector.strip()
                for selector in _selectors(tinycss2.serialize(rule.prelude))
                if set(CLASS.findall(PSEUDO_ARGS.sub("", selector))) <= used
                and not re.search(r"\S\s*:root", selector)  # `.jupyter-wrapper :root`
            ]
            if keep:
                out.append(",".join(keep) + "{" + tinycss2.serialize(rule.content).strip() + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword != "charset":
            if rule.lower_at_keyword in ("media", "supports") and rule.content is not None:
                inner = _used_rules(tinycss2.parse_rule_list(rule.content, True, True), used)
                if inner:
                    prelude = tinycss2.serialize(rule.prelude).strip()
                    out.append(f"@{rule.at_keyword} {prelude}{{{inner}}}")
            else:
                out.append(rule.serialize())
    return "\n".join(out)


def on_page_content(content: str, page, config, files) -> str:
    if page.file.src_uri.endswith(".ipynb"):  # a notebook rendered by mkdocs-jupyter
        page.meta.setdefault("search", {})["exclude"] = True
        soup = _uses_the_site_renderers(content)
        site_url = config.site_url or ""
        for link in soup.select("a[href]") if site_url else []:
            if link["href"].startswith(site_url):  # the notebook's links to the site, made local
                link["href"] = get_relative_url(link["href"][len(site_url) :] or ".", page.url)
        page.toc = _toc(soup)
        content = str(soup)
        source = next((md for md, nb in _notebook_of.items() if nb == page.file.src_uri), None)
        if source and page.edit_url:  # the notebook is generated: edit (or view) its page
            page.edit_url = page.edit_url.replace(page.file.src_uri, source)
        notebook_uri = page.file.src_uri
        view = None
    else:
        notebook_uri = _notebook_of.get(page.file.src_uri)
        if notebook_uri is None:
            return content
        notebook = files.get_file_from_path(notebook_uri)
        view = get_relative_url(notebook.url, page.url)
    notebook = files.get_file_from_path(notebook_uri)
    # mkdocs-jupyter (include_source) copies the .ipynb beside the rendered page.
    source = urljoin(notebook.url, posixpath.basename(notebook_uri))
    links = [
        _link(
            get_relative_url(source, page.url),
            "Download notebook",
            f' download="{html.escape(posixpath.basename(notebook_uri))}"',
        )
    ]
    colab = _colab_url(config, notebook_uri)
    if colab:
        links.append(_link(colab, "Open in Colab"))
    if view:
        links.append(_link(view, "View the notebook"))
    bar = '<p class="notebook-links">' + "\n".join(links) + "</p>"
    match = H1_END.search(content)
    if match is None:
        return bar + content
    return content[: match.end()] + bar + content[match.end() :]


def on_post_page(output: str, page, config) -> str:
    if page.file.src_uri.endswith(".ipynb"):
        for classes in CLASS_ATTR.findall(output):
            _notebook_classes.update(classes.split())
    return output


def on_post_build(config) -> None:
    """The notebook pages' stylesheet, once for the site, with only the rules they can use."""
    if not _notebook_css:
        return
    css = "\n".join(  # each block apart: one's stray bracket cannot swallow the next
        _used_rules(tinycss2.parse_stylesheet(block, True, True), _notebook_classes)
        for block in _notebook_css
    )
    target = Path(config.site_dir) / NOTEBOOK_STYLESHEET
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(css + "\n", encoding="utf-8")
