"""MkDocs hook: "≈ 6 min read" under each page's title, and on the intro each part's minutes and
the core path's total (the measure: docsite/reading_time.py). Runs after the notebook links' hook,
so the minutes come first under the title.
"""

from __future__ import annotations

import re
from pathlib import Path

from docsite.config import INTRO_PAGE
from docsite.page_html import after_title
from docsite.reading_time import (
    BUDGETS,
    SECONDS_PER_LINE,
    WORDS_PER_MINUTE,
    Reading,
    measure_file,
    minutes_label,
)

PART_ITEM = re.compile(r"^(?P<item>\d+\.\s+\[[^\]]+\]\((?P<target>[\w-]+\.md)\).*)$", re.M)
_readings: dict[str, Reading] = {}


def on_pre_build(config) -> None:
    options = config.mdx_configs["pymdownx.snippets"]
    docs = Path(config.docs_dir)
    _readings.clear()
    for path in sorted(docs.rglob("*.md")):
        _readings[path.relative_to(docs).as_posix()] = measure_file(path, options)


def on_page_markdown(markdown_text: str, page, config, files) -> str:
    if page.file.src_uri == INTRO_PAGE:
        markdown_text = _annotate_contents(markdown_text)
    return markdown_text


def on_page_content(content: str, page, config, files) -> str:
    """The page's minutes right under its title (the notebook links, if any, follow)."""
    reading = _readings.get(page.file.src_uri)
    if reading is None:  # a rendered notebook: its page shows the minutes
        return content
    label = f'<p class="reading-time">{minutes_label(reading)} read</p>'
    return after_title(content, label)


def _annotate_contents(markdown_text: str) -> str:
    """The intro's list of parts gets each part's minutes, and a line with the core total."""
    listed: list[str] = []

    def annotate(match: re.Match) -> str:
        target = match["target"]
        if target not in BUDGETS:
            return match.group(0)
        listed.append(target)
        return f"{match['item']} *({minutes_label(_readings[target])})*"

    markdown_text = PART_ITEM.sub(annotate, markdown_text)
    missing = [name for name in BUDGETS if name != INTRO_PAGE and name not in listed]
    if missing:
        from mkdocs.exceptions import PluginError

        raise PluginError(
            f"docs/{INTRO_PAGE}: the list of parts does not link {', '.join(missing)}"
        )
    total = sum((_readings[name] for name in BUDGETS), Reading(0, 0))
    line = (
        f'<p class="reading-time-total">The core path, this introduction and the ten parts: '
        f"{minutes_label(total)} in all (prose at {WORDS_PER_MINUTE} words a minute, "
        f"{SECONDS_PER_LINE} s a line of code or output; collapsed blocks are extra).</p>"
    )
    last = listed[-1]
    items = list(PART_ITEM.finditer(markdown_text))
    end = next(m.end() for m in items if m["target"] == last)
    return markdown_text[:end] + "\n\n" + line + markdown_text[end:]
