"""MkDocs hook: the marker line above each output block (`<!--pytest-codeblocks:expected-output-->`,
docsite/pages.py's OUTPUT_MARKER) is for the tools that read the page's Markdown, not for the
reader: the built page leaves it out. Inside a collapsed block ("Going deeper", "Predict the
output, then open") Python-Markdown takes an indented HTML comment for the start of a paragraph,
and the paragraph then wraps the output's code block: `<p><!--...--><div>...</div></p>`, which a
browser parses into two empty paragraphs around the output (tests/test_site_build.py).
Listed after verified_with.py in mkdocs.yml: that hook places its notes by the page's own lines.
"""

from __future__ import annotations

import re

from docsite.pages import OUTPUT_MARKER

MARKER_LINE = re.compile(rf"^[ \t]*{re.escape(OUTPUT_MARKER)}[ \t]*\n", re.M)


def on_page_markdown(markdown: str, page, config, files) -> str:
    return MARKER_LINE.sub("", markdown)
