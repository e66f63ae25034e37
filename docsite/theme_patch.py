"""Rewriting the theme's built files in place: the site's copy of Material's stylesheets and
script, never the installed package (docsite/hooks/palette_restyle.py, table_wrap.py)."""

from __future__ import annotations

import re
from pathlib import Path


def patch(files: list[Path], pattern: re.Pattern, replacement: str) -> int:
    """Replace every match of `pattern` in these files; the number of replacements made."""
    changed = 0
    for path in files:
        text, count = pattern.subn(replacement, path.read_text(encoding="utf-8"))
        if count:
            path.write_text(text, encoding="utf-8")
            changed += count
    return changed
