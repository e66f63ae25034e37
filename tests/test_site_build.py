"""The site builds with --strict (links, anchors and includes validated) and is self-contained."""

from __future__ import annotations

import re

# Tags that make the browser fetch something; <link rel="canonical"> and <a href> do not.
FETCHING_TAG = re.compile(
    r"<(?:script|img|iframe|source)\b[^>]*>|<link\b(?![^>]*rel=\"?(?:canonical|alternate))[^>]*>",
    re.I,
)
EXTERNAL = re.compile(r"""\b(?:src|href)=["']?(?:https?:)?//""", re.I)


def test_build_is_strict_and_complete(built_site):
    assert (built_site / "index.html").is_file()
    assert (built_site / "assets/vendor/mermaid/mermaid.min.js").is_file()
    assert (built_site / "assets/vendor/katex/katex.min.css").is_file()


def test_no_page_loads_anything_from_another_host(built_site):
    offenders = []
    for html in sorted(built_site.rglob("*.html")):
        for tag in FETCHING_TAG.findall(html.read_text(encoding="utf-8")):
            if EXTERNAL.search(tag):
                offenders.append(f"{html.relative_to(built_site)}: {tag}")
    assert not offenders, "\n".join(offenders)
