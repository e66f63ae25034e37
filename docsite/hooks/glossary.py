"""MkDocs hook: each glossary term defined at its first use on a page (docsite/glossary.py).

Python-Markdown's abbr extension marks every use of a term (includes/glossary.md, appended to
every page by pymdownx.snippets); a dotted underline under every "tensor" of a page would be
noise. The first use in prose keeps the mark, focusable (`tabindex="0"`), so Material shows its
definition on hover, on a tap and on keyboard focus (content.tooltips); the others become text.
A term's plural is marked too, with the term's definition (abbr's `glossary` option, set here).
"""

from __future__ import annotations

from docsite.glossary import first_uses, with_plurals


def on_config(config):
    config.mdx_configs.update(with_plurals(config.mdx_configs))
    return config


def on_page_content(content: str, page, config, files) -> str:
    return first_uses(content) if "<abbr" in content else content
