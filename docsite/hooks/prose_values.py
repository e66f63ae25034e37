"""MkDocs hook: the results a page's prose states, as plain text.

A bound result is written `<!--run: SECTION after "TEXT"-->VALUE<!--/run-->` and a marked fact
`<!--fact: why-->VALUE<!--/fact-->` (docsite/prose.py). The markers are for the writer and the
tests; the built page keeps only the value, so no comment lands inside a paragraph's HTML, and a
line that starts with a marker is not taken for a block of raw HTML.
"""

from __future__ import annotations

from docsite import prose


def on_page_markdown(markdown: str, page, config, files) -> str:
    return prose.plain(markdown)
