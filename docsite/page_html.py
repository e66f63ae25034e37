"""Where the site's hooks put what they add to a page: right under its title (the H1)."""

from __future__ import annotations

import re

H1_END = re.compile(r"</h1>", re.I)


def after_title(content: str, fragment: str) -> str:
    """A page's HTML with `fragment` right after its H1 (at the very top when it has none)."""
    match = H1_END.search(content)
    at = match.end() if match else 0
    return content[:at] + fragment + content[at:]
