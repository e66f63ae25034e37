"""MkDocs hook: tables come wrapped as the theme wraps them, so its script leaves them alone.

Material's script takes every `table:not([class])` out of the page at DOMContentLoaded and puts it
back inside `<div class="md-typeset__scrollwrap"><div class="md-typeset__table">` (so that a wide
table scrolls sideways). On a phone that costs a restyle of the whole table, in the script's
start-up: the intro's table of formulas (~350 elements with KaTeX's) 33-42 ms observed in
Lighthouse's traces, its largest share of blocking time. Here each page's tables are written
inside that wrapper already and carry a class, which the theme's script skips; the theme's
stylesheet, which styles only `table:not([class])`, is given the same rules for that class
(`table:is(:not([class]), .md-table)`: the same specificity), in the built copy only.

If the stylesheet has no such selector any more (a new Material), the build warns, so
`mkdocs build --strict` fails and this is looked at again.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from docsite.theme_patch import patch

log = logging.getLogger("mkdocs.hooks.table_wrap")  # under "mkdocs": fails --strict
CLASS = "md-table"
THEME_SELECTOR = "table:not([class])"
SELECTOR = f"table:is(:not([class]),.{CLASS})"
TABLE = re.compile(r"<table>(.*?)</table>", re.S)  # as Markdown writes them: no attribute
WRAPPED = (
    '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
    f'<table class="{CLASS}">\\1</table></div></div>'
)


def on_post_page(output: str, page, config) -> str:
    return TABLE.sub(WRAPPED, output)


def on_post_build(config) -> None:
    sheets = sorted((Path(config.site_dir) / "assets" / "stylesheets").glob("main.*.css"))
    if not patch(sheets, re.compile(re.escape(THEME_SELECTOR)), SELECTOR):
        log.warning(
            f"Material's stylesheet no longer styles {THEME_SELECTOR}: check how the theme wraps "
            "and styles tables now, then update or drop docsite/hooks/table_wrap.py."
        )
