"""MkDocs hook: nbconvert inlines JupyterLab's stylesheets (some 580 KB) in every notebook page
rendered by mkdocs-jupyter; they are taken out of the pages and written once, as the site's
assets/stylesheets/notebook.css (overrides/main.html links it), less the rules for classes no
notebook page uses and those under a `:root` inside the notebook (which match nothing), plus the
notebook's code in the site's own code colours: a page is a third of the size, and the
stylesheet, some 60 KB, is fetched once for all of them.

Runs after docsite/hooks/notebook_pages.py: the <style> blocks are cut out of the page it wrote,
whose whitespace its parser has already settled, so the rest of the page is as that hook left it.
"""

from __future__ import annotations

import re
from pathlib import Path

import tinycss2

from docsite.page_notebooks import is_notebook

NOTEBOOK_STYLESHEET = "assets/stylesheets/notebook.css"
STYLE = re.compile(r"<style\b[^>]*>(?P<css>.*?)</style\s*>", re.S | re.I)
CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
# A class inside :not() or :is() need not be on the page for the selector to match.
PSEUDO_ARGS = re.compile(r":(?:not|is|where|has|matches)\((?:[^()]|\([^()]*\))*\)")
_notebook_css: dict[str, None] = {}  # the notebook pages' <style> blocks, in order, once each
_notebook_classes: set[str] = set()  # every class on a notebook page

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


def on_pre_build(config) -> None:
    _notebook_css.clear()
    _notebook_classes.clear()


def on_page_content(content: str, page, config, files) -> str:
    """A notebook page without its <style> blocks, each kept (once) for the shared stylesheet."""
    if not is_notebook(page):
        return content
    _notebook_css.setdefault(NOTEBOOK_CSS)

    def take_out(match: re.Match) -> str:
        css = match["css"]
        if ".jp-Mermaid" not in css:  # it hides mermaid blocks until nbconvert's script ran
            _notebook_css.setdefault(css)
        return ""

    return STYLE.sub(take_out, content)


def on_post_page(output: str, page, config) -> str:
    if is_notebook(page):
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
